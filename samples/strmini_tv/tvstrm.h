/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TvCap's format ranges and stream table, static as the class needs them
 * (it keeps pointers to them). Included by tvmain.c only.
 */
#ifndef _TVSTRM_H
#define _TVSTRM_H

#include "tvcap.h"

/*
 * One video range: its subtype, default size (Height negative: top-down),
 * bit count and compression, the smallest and largest output sizes with
 * their granularity, and the frame-interval span. The default is the
 * format the range stands for.
 */
#define TV_VIDEO_RANGE(Sub, Width, Height, Bits, Compression, Flags, MinW, MinH, MaxW, MaxH, \
		       GranX, GranY)                                                   \
	{                                                                               \
		{ sizeof(KS_DATARANGE_VIDEO), 0,                                        \
		  TV_IMAGE_SIZE(Width, Height, Bits), 0,                                \
		  STATICGUIDOF(KSDATAFORMAT_TYPE_VIDEO), STATICGUIDOF(Sub),             \
		  STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO) },                     \
		TRUE, FALSE, (Flags), 0,                                                \
		{ STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO), KS_AnalogVideo_NTSC_M, \
		  { 720, 480 }, { MinW, MinH }, { 720, 480 }, 1, 1, 1, 1,               \
		  { MinW, MinH }, { MaxW, MaxH }, (GranX), (GranY), 0, 0, 0, 0,         \
		  TVCAP_NTSC_FRAME, 10000000,                                           \
		  (MinW) * (MinH) * (Bits), (MaxW) * (MaxH) * (Bits) * 30 },            \
		{ { 0, 0, 0, 0 }, { 0, 0, 0, 0 },                                       \
		  TV_IMAGE_SIZE(Width, Height, Bits) * 8 * 30, 0, TVCAP_NTSC_FRAME,     \
		  { sizeof(KS_BITMAPINFOHEADER), (Width), (Height), 1, (Bits),          \
		    (Compression), TV_IMAGE_SIZE(Width, Height, Bits), 0, 0, 0, 0 } }   \
	}

/* A DIB's size: DWORD-aligned lines. */
#define TV_IMAGE_SIZE(Width, Height, Bits) \
	((((Width) * (Bits) + 31) / 32) * 4 * ((Height) < 0 ? -(Height) : (Height)))

/*
 * Capture: RGB24 top-down, RGB24 bottom-up (Windows' default DIB), RGB32
 * top-down, YUY2.
 */
static const KS_DATARANGE_VIDEO CaptureRGB24TopDown =
	TV_VIDEO_RANGE(KSDATAFORMAT_SUBTYPE_RGB24, 320, -240, 24, KS_BI_RGB,
		       KS_VIDEOSTREAM_CAPTURE, 160, 120, 640, 480, 16, 8);
static const KS_DATARANGE_VIDEO CaptureRGB24BottomUp =
	TV_VIDEO_RANGE(KSDATAFORMAT_SUBTYPE_RGB24, 640, 480, 24, KS_BI_RGB,
		       KS_VIDEOSTREAM_CAPTURE, 160, 120, 640, 480, 16, 8);
static const KS_DATARANGE_VIDEO CaptureRGB32TopDown =
	TV_VIDEO_RANGE(KSDATAFORMAT_SUBTYPE_RGB32, 320, -240, 32, KS_BI_RGB,
		       KS_VIDEOSTREAM_CAPTURE, 160, 120, 640, 480, 16, 8);
static const KS_DATARANGE_VIDEO CaptureYUY2 =
	TV_VIDEO_RANGE(KSDATAFORMAT_SUBTYPE_YUY2, 640, 480, 16,
		       mmioFOURCC('Y', 'U', 'Y', '2'), KS_VIDEOSTREAM_CAPTURE, 160, 120, 720,
		       480, 16, 2);
/* Preview: YUY2 only. */
static const KS_DATARANGE_VIDEO PreviewYUY2 =
	TV_VIDEO_RANGE(KSDATAFORMAT_SUBTYPE_YUY2, 320, 240, 16,
		       mmioFOURCC('Y', 'U', 'Y', '2'), KS_VIDEOSTREAM_PREVIEW, 80, 60, 640,
		       480, 8, 2);

/*
 * Raw VBI: lines 10 to 21 of both fields, sampled at 4x the NABTS bit rate,
 * one byte a sample.
 */
#define TV_VBI_SAMPLES	1600
#define TV_VBI_LINES	12
static const KS_DATARANGE_VIDEO_VBI VBIRaw8 = {
	{ sizeof(KS_DATARANGE_VIDEO_VBI), 0, TV_VBI_SAMPLES * TV_VBI_LINES * 2, 0,
	  STATICGUIDOF(KSDATAFORMAT_TYPE_VBI), STATICGUIDOF(KSDATAFORMAT_SUBTYPE_RAW8),
	  STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VBI) },
	TRUE, FALSE, KS_VIDEOSTREAM_VBI, 0,
	{ STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VBI), KS_AnalogVideo_NTSC_M,
	  { TV_VBI_SAMPLES, TV_VBI_LINES * 2 }, { TV_VBI_SAMPLES, TV_VBI_LINES * 2 },
	  { TV_VBI_SAMPLES, TV_VBI_LINES * 2 }, 1, 1, 1, 1,
	  { TV_VBI_SAMPLES, TV_VBI_LINES * 2 }, { TV_VBI_SAMPLES, TV_VBI_LINES * 2 }, 1, 1,
	  0, 0, 0, 0, TVCAP_NTSC_FRAME / 2, TVCAP_NTSC_FRAME / 2,
	  TV_VBI_SAMPLES * TV_VBI_LINES * 8 * 60, TV_VBI_SAMPLES * TV_VBI_LINES * 8 * 60 },
	{ 10, 21, KS_VBISAMPLINGRATE_4X_NABTS, 1000, 1000, 1000, 6300, KS_AnalogVideo_NTSC_M,
	  TV_VBI_SAMPLES, TV_VBI_SAMPLES, TV_VBI_SAMPLES * TV_VBI_LINES * 2 },
};

/* Closed captions: line 21's two bytes a field. */
static const KS_DATARANGE_VIDEO_VBI VBICaptions = {
	{ sizeof(KS_DATARANGE_VIDEO_VBI), 0, 2, 0, STATICGUIDOF(KSDATAFORMAT_TYPE_VBI),
	  STATICGUIDOF(KSDATAFORMAT_SUBTYPE_CC), STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VBI) },
	TRUE, FALSE, KS_VIDEOSTREAM_CC, 0,
	{ STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VBI), KS_AnalogVideo_NTSC_M,
	  { 2, 1 }, { 2, 1 }, { 2, 1 }, 1, 1, 1, 1, { 2, 1 }, { 2, 1 }, 1, 1, 0, 0, 0, 0,
	  TVCAP_NTSC_FRAME / 2, TVCAP_NTSC_FRAME / 2, 2 * 8 * 60, 2 * 8 * 60 },
	{ 21, 21, KS_VBIDATARATE_CC, 0, 0, 0, 0, KS_AnalogVideo_NTSC_M, 2, 2, 2 },
};

static PKSDATAFORMAT CaptureFormats[] = {
	(PKSDATAFORMAT)&CaptureRGB24TopDown,
	(PKSDATAFORMAT)&CaptureRGB24BottomUp,
	(PKSDATAFORMAT)&CaptureRGB32TopDown,
	(PKSDATAFORMAT)&CaptureYUY2,
};
static PKSDATAFORMAT PreviewFormats[] = { (PKSDATAFORMAT)&PreviewYUY2 };
static PKSDATAFORMAT VBIFormats[] = { (PKSDATAFORMAT)&VBIRaw8 };
static PKSDATAFORMAT CCFormats[] = { (PKSDATAFORMAT)&VBICaptions };

/* One stream's HW_STREAM_INFORMATION: an output pin. */
#define TV_STREAM_INFO(Formats, Pin)                                                     \
	{ 1, KSPIN_DATAFLOW_OUT, TRUE, SIZEOF_ARRAY(Formats), (Formats),                 \
	  { NULL, NULL, NULL, NULL }, 0, NULL, 0, NULL, (GUID *)&(Pin), (GUID *)&(Pin), \
	  0, NULL, FALSE, { 0, 0 } }

static const HW_STREAM_INFORMATION TvStreamInfo[TVCAP_STREAM_COUNT] = {
	[STREAM_Capture] = TV_STREAM_INFO(CaptureFormats, PINNAME_VIDEO_CAPTURE),
	[STREAM_Preview] = TV_STREAM_INFO(PreviewFormats, PINNAME_VIDEO_PREVIEW),
	[STREAM_VBI] = TV_STREAM_INFO(VBIFormats, PINNAME_VIDEO_VBI),
	[STREAM_CC] = TV_STREAM_INFO(CCFormats, PINNAME_VIDEO_CC_CAPTURE),
};

/* What follows each stream's KSSTREAM_HEADER. */
static const ULONG TvMediaSpecific[TVCAP_STREAM_COUNT] = {
	[STREAM_Capture] = sizeof(KS_FRAME_INFO),
	[STREAM_Preview] = sizeof(KS_FRAME_INFO),
	[STREAM_VBI] = sizeof(KS_VBI_FRAME_INFO),
	[STREAM_CC] = sizeof(KS_VBI_FRAME_INFO),
};

#endif /* _TVSTRM_H */
