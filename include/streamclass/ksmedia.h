/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass/ksmedia.h: the video subset of Windows' ksmedia.h a capture
 * minidriver uses, with Microsoft's names and field order. Part of the
 * strmini.h compatibility layer (Documentation/strmini-porting.rst).
 */
#ifndef _STREAMCLASS_KSMEDIA_H
#define _STREAMCLASS_KSMEDIA_H

#include <streamclass/ks.h>

typedef struct tagKS_BITMAPINFOHEADER {
	DWORD biSize;
	LONG biWidth;
	LONG biHeight;
	WORD biPlanes;
	WORD biBitCount;
	DWORD biCompression;
	DWORD biSizeImage;
	LONG biXPelsPerMeter;
	LONG biYPelsPerMeter;
	DWORD biClrUsed;
	DWORD biClrImportant;
} KS_BITMAPINFOHEADER, *PKS_BITMAPINFOHEADER;

#define KS_BI_RGB 0L

/* A fourcc as biCompression holds it. */
#define MAKEFOURCC(ch0, ch1, ch2, ch3)                                       \
	((DWORD)(BYTE)(ch0) | ((DWORD)(BYTE)(ch1) << 8) | ((DWORD)(BYTE)(ch2) << 16) | \
	 ((DWORD)(BYTE)(ch3) << 24))
#define mmioFOURCC(ch0, ch1, ch2, ch3) MAKEFOURCC(ch0, ch1, ch2, ch3)

typedef struct tagKS_VIDEOINFOHEADER {
	RECT rcSource;
	RECT rcTarget;
	DWORD dwBitRate;
	DWORD dwBitErrorRate;
	REFERENCE_TIME AvgTimePerFrame;
	KS_BITMAPINFOHEADER bmiHeader;
} KS_VIDEOINFOHEADER, *PKS_VIDEOINFOHEADER;

#define KS_SIZE_VIDEOHEADER(pbmi) (sizeof(KS_VIDEOINFOHEADER))

typedef struct _KS_VIDEO_STREAM_CONFIG_CAPS {
	GUID guid;
	ULONG VideoStandard;
	SIZE InputSize;
	SIZE MinCroppingSize;
	SIZE MaxCroppingSize;
	int CropGranularityX;
	int CropGranularityY;
	int CropAlignX;
	int CropAlignY;
	SIZE MinOutputSize;
	SIZE MaxOutputSize;
	int OutputGranularityX;
	int OutputGranularityY;
	int StretchTapsX;
	int StretchTapsY;
	int ShrinkTapsX;
	int ShrinkTapsY;
	LONGLONG MinFrameInterval;
	LONGLONG MaxFrameInterval;
	LONG MinBitsPerSecond;
	LONG MaxBitsPerSecond;
} KS_VIDEO_STREAM_CONFIG_CAPS, *PKS_VIDEO_STREAM_CONFIG_CAPS;

#define KS_AnalogVideo_None 0x00000000

/* A video stream's format range: the class offers each as one format. */
typedef struct tagKS_DATARANGE_VIDEO {
	KSDATARANGE DataRange;
	BOOL bFixedSizeSamples;
	BOOL bTemporalCompression;
	DWORD StreamDescriptionFlags;
	DWORD MemoryAllocationFlags;
	KS_VIDEO_STREAM_CONFIG_CAPS ConfigCaps;
	KS_VIDEOINFOHEADER VideoInfoHeader;
} KS_DATARANGE_VIDEO, *PKS_DATARANGE_VIDEO;

#define KS_VIDEOSTREAM_PREVIEW		0x0001
#define KS_VIDEOSTREAM_CAPTURE		0x0002

/* The format an open stream carries (SRB_OPEN_STREAM, data intersection). */
typedef struct tagKS_DATAFORMAT_VIDEOINFOHEADER {
	KSDATAFORMAT DataFormat;
	KS_VIDEOINFOHEADER VideoInfoHeader;
} KS_DATAFORMAT_VIDEOINFOHEADER, *PKS_DATAFORMAT_VIDEOINFOHEADER;

/* What follows a video stream's KSSTREAM_HEADER (StreamHeaderMediaSpecific). */
typedef struct _KS_FRAME_INFO {
	ULONG ExtendedHeaderSize;
	DWORD dwFrameFlags;
	LONGLONG PictureNumber;
	LONGLONG DropCount;
	HANDLE hDirectDraw;
	HANDLE hSurfaceHandle;
	RECT DirectDrawRect;
	union {
		LONG lSurfacePitch;
		DWORD Reserved1;
	};
	DWORD Reserved2;
	DWORD Reserved3;
	DWORD Reserved4;
} KS_FRAME_INFO, *PKS_FRAME_INFO;

#define KS_VIDEO_FLAG_FRAME		0x0000L
#define KS_VIDEO_FLAG_FIELD1		0x0001L
#define KS_VIDEO_FLAG_FIELD2		0x0002L
#define KS_VIDEO_FLAG_I_FRAME		0x0000L
#define KS_VIDEO_FLAG_P_FRAME		0x0010L
#define KS_VIDEO_FLAG_B_FRAME		0x0020L

/* Analog video (a capture device's input pin; the class shows no such stream). */
#define STATIC_KSDATAFORMAT_TYPE_ANALOGVIDEO \
	{ 0x0482dde1, 0x7817, 0x11cf, { 0x8a, 0x03, 0x00, 0xaa, 0x00, 0x6e, 0xcb, 0x65 } }
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_TYPE_ANALOGVIDEO);
#define STATIC_KSDATAFORMAT_SPECIFIER_ANALOGVIDEO \
	{ 0x0482dde0, 0x7817, 0x11cf, { 0x8a, 0x03, 0x00, 0xaa, 0x00, 0x6e, 0xcb, 0x65 } }
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SPECIFIER_ANALOGVIDEO);
#define STATIC_PINNAME_VIDEO_ANALOGVIDEOIN \
	{ 0xfb6c4283, 0x0353, 0x11d1, { 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba } }
STREAMCLASS_DEFINE_GUID(PINNAME_VIDEO_ANALOGVIDEOIN);

/* VideoProcAmp: the property set the class shows as V4L2 controls. */
#define STATIC_PROPSETID_VIDCAP_VIDEOPROCAMP \
	{ 0xC6E13360, 0x30AC, 0x11d0, { 0xa1, 0x8c, 0x00, 0xA0, 0xC9, 0x11, 0x89, 0x56 } }
STREAMCLASS_DEFINE_GUID(PROPSETID_VIDCAP_VIDEOPROCAMP);

typedef enum {
	KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS,
	KSPROPERTY_VIDEOPROCAMP_CONTRAST,
	KSPROPERTY_VIDEOPROCAMP_HUE,
	KSPROPERTY_VIDEOPROCAMP_SATURATION,
	KSPROPERTY_VIDEOPROCAMP_SHARPNESS,
	KSPROPERTY_VIDEOPROCAMP_GAMMA,
	KSPROPERTY_VIDEOPROCAMP_COLORENABLE,
	KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE,
	KSPROPERTY_VIDEOPROCAMP_BACKLIGHT_COMPENSATION,
	KSPROPERTY_VIDEOPROCAMP_GAIN,
} KSPROPERTY_VIDCAP_VIDEOPROCAMP;

typedef struct {
	KSPROPERTY Property;
	LONG Value;
	ULONG Flags;
	ULONG Capabilities;
} KSPROPERTY_VIDEOPROCAMP_S, *PKSPROPERTY_VIDEOPROCAMP_S;

#define KSPROPERTY_VIDEOPROCAMP_FLAGS_AUTO	0x0001L
#define KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL	0x0002L

#endif /* _STREAMCLASS_KSMEDIA_H */
