/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device property sets (VideoProcAmp) of the testcap-style
 * capture minidriver and the routines that answer them.
 */
#ifndef _CAPPROP_H
#define _CAPPROP_H

#include "capmain.h"

/* VideoProcAmp brightness and contrast: 0..10000 by 10, 5000 neutral. */
#define VIDEOPROCAMP_MIN	0
#define VIDEOPROCAMP_MAX	10000
#define VIDEOPROCAMP_STEP	10
#define VIDEOPROCAMP_DEFAULT	5000

/* The device's property sets, in the order of PropertySetID. */
extern const KSPROPERTY_SET AdapterPropertyTable[];
extern const ULONG NumAdapterProperties;

VOID AdapterGetProperty(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID AdapterSetProperty(PHW_STREAM_REQUEST_BLOCK pSrb);

#endif /* _CAPPROP_H */
