/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass/ddkmapi.h: Windows' ddkmapi.h is the DirectDraw kernel API (DxApi:
 * video port and overlay surfaces shared with the display driver), which
 * the strmini.h layer does not offer: Linux has no DirectDraw. A driver's
 * DirectDraw support is left out of its port (the DDK's testcap builds
 * without its ddraw.c; Documentation/strmini-porting.rst).
 *
 * Including this header stops the build with one error that names it: a
 * plain #error would let the compiler go on to report every DirectDraw name
 * the file uses, so clang is told to make this one fatal.
 */
#ifdef __clang__
#pragma clang diagnostic fatal "-W#warnings"
#warning "ddkmapi.h: the DirectDraw kernel API (DxApi) is not offered by streamclass; leave the driver's DirectDraw file out of its Kbuild"
#else
#error "ddkmapi.h: the DirectDraw kernel API (DxApi) is not offered by streamclass; leave the driver's DirectDraw file out of its Kbuild"
#endif
