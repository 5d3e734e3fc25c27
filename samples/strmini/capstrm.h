/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formats and the stream table of the testcap-style capture
 * minidriver, initialised positionally as in a Windows driver. Included by
 * capmain.c only: every object here is static to it.
 */
#ifndef _CAPSTRM_H
#define _CAPSTRM_H

#include "capmain.h"

#define FOURCC_YUY2	mmioFOURCC('Y', 'U', 'Y', '2')

/* YUY2 320x240, 1/30 s. */
static const KS_DATARANGE_VIDEO FormatYUY2_320x240 = {
	/* KSDATARANGE */
	{
		sizeof(KS_DATARANGE_VIDEO),		/* FormatSize */
		0,					/* Flags */
		320 * 240 * 2,				/* SampleSize */
		0,					/* Reserved */
		STATICGUIDOF(KSDATAFORMAT_TYPE_VIDEO),
		STATICGUIDOF(KSDATAFORMAT_SUBTYPE_YUY2),
		STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO),
	},
	TRUE,				/* bFixedSizeSamples */
	FALSE,				/* bTemporalCompression */
	KS_VIDEOSTREAM_CAPTURE,		/* StreamDescriptionFlags */
	0,				/* MemoryAllocationFlags */
	/* KS_VIDEO_STREAM_CONFIG_CAPS */
	{
		STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO),
		KS_AnalogVideo_None,			/* VideoStandard */
		{ 320, 240 }, { 320, 240 }, { 320, 240 },	/* InputSize, Min/MaxCroppingSize */
		1, 1, 1, 1,				/* CropGranularityX/Y, CropAlignX/Y */
		{ 320, 240 }, { 320, 240 },			/* Min/MaxOutputSize */
		1, 1, 0, 0, 0, 0,			/* OutputGranularity, Stretch/ShrinkTaps */
		CAPTURE_AVG_TIME_PER_FRAME,		/* MinFrameInterval */
		CAPTURE_AVG_TIME_PER_FRAME,		/* MaxFrameInterval */
		320 * 240 * 16 * 30, 320 * 240 * 16 * 30,	/* Min/MaxBitsPerSecond */
	},
	/* KS_VIDEOINFOHEADER */
	{
		{ 0, 0, 0, 0 },		/* rcSource */
		{ 0, 0, 0, 0 },		/* rcTarget */
		320 * 240 * 16 * 30,	/* dwBitRate */
		0,			/* dwBitErrorRate */
		CAPTURE_AVG_TIME_PER_FRAME,	/* AvgTimePerFrame */
		{
			sizeof(KS_BITMAPINFOHEADER),	/* biSize */
			320,			/* biWidth */
			240,			/* biHeight */
			1,			/* biPlanes */
			16,			/* biBitCount */
			FOURCC_YUY2,		/* biCompression */
			320 * 240 * 2,		/* biSizeImage */
			0, 0,			/* biXPelsPerMeter, biYPelsPerMeter */
			0, 0,			/* biClrUsed, biClrImportant */
		},
	},
};

/* YUY2 640x480, 1/30 s. */
static const KS_DATARANGE_VIDEO FormatYUY2_640x480 = {
	/* KSDATARANGE */
	{
		sizeof(KS_DATARANGE_VIDEO),		/* FormatSize */
		0,					/* Flags */
		640 * 480 * 2,				/* SampleSize */
		0,					/* Reserved */
		STATICGUIDOF(KSDATAFORMAT_TYPE_VIDEO),
		STATICGUIDOF(KSDATAFORMAT_SUBTYPE_YUY2),
		STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO),
	},
	TRUE,				/* bFixedSizeSamples */
	FALSE,				/* bTemporalCompression */
	KS_VIDEOSTREAM_CAPTURE,		/* StreamDescriptionFlags */
	0,				/* MemoryAllocationFlags */
	/* KS_VIDEO_STREAM_CONFIG_CAPS */
	{
		STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO),
		KS_AnalogVideo_None,			/* VideoStandard */
		{ 640, 480 }, { 640, 480 }, { 640, 480 },	/* InputSize, Min/MaxCroppingSize */
		1, 1, 1, 1,				/* CropGranularityX/Y, CropAlignX/Y */
		{ 640, 480 }, { 640, 480 },			/* Min/MaxOutputSize */
		1, 1, 0, 0, 0, 0,			/* OutputGranularity, Stretch/ShrinkTaps */
		CAPTURE_AVG_TIME_PER_FRAME,		/* MinFrameInterval */
		CAPTURE_AVG_TIME_PER_FRAME,		/* MaxFrameInterval */
		640 * 480 * 16 * 30, 640 * 480 * 16 * 30,	/* Min/MaxBitsPerSecond */
	},
	/* KS_VIDEOINFOHEADER */
	{
		{ 0, 0, 0, 0 },		/* rcSource */
		{ 0, 0, 0, 0 },		/* rcTarget */
		640 * 480 * 16 * 30,	/* dwBitRate */
		0,			/* dwBitErrorRate */
		CAPTURE_AVG_TIME_PER_FRAME,	/* AvgTimePerFrame */
		{
			sizeof(KS_BITMAPINFOHEADER),	/* biSize */
			640,			/* biWidth */
			480,			/* biHeight */
			1,			/* biPlanes */
			16,			/* biBitCount */
			FOURCC_YUY2,		/* biCompression */
			640 * 480 * 2,		/* biSizeImage */
			0, 0,			/* biXPelsPerMeter, biYPelsPerMeter */
			0, 0,			/* biClrUsed, biClrImportant */
		},
	},
};

/* The capture stream's formats, in the order the class offers them. */
static PKSDATAFORMAT StreamFormatsArray[] = {
	(PKSDATAFORMAT)&FormatYUY2_320x240,
	(PKSDATAFORMAT)&FormatYUY2_640x480,
};

#define NUM_STREAM_FORMATS SIZEOF_ARRAY(StreamFormatsArray)

/* The analog video input: a bridge pin with no data of its own. */
static const KSDATARANGE FormatAnalogVideo = {
	sizeof(KSDATARANGE),			/* FormatSize */
	0,					/* Flags */
	1,					/* SampleSize */
	0,					/* Reserved */
	STATICGUIDOF(KSDATAFORMAT_TYPE_ANALOGVIDEO),
	STATICGUIDOF(KSDATAFORMAT_SUBTYPE_NONE),
	STATICGUIDOF(KSDATAFORMAT_SPECIFIER_ANALOGVIDEO),
};

static PKSDATAFORMAT AnalogVideoFormatsArray[] = {
	(PKSDATAFORMAT)&FormatAnalogVideo,
};

/* A stream's description and the routines its instances get. */
typedef struct _ALL_STREAM_INFO {
	HW_STREAM_INFORMATION hwStreamInfo;
	HW_STREAM_OBJECT hwStreamObject;
} ALL_STREAM_INFO, *PALL_STREAM_INFO;

static const ALL_STREAM_INFO Streams[DRIVER_STREAM_COUNT] = {
	/* STREAM_Capture */
	{
		/* HW_STREAM_INFORMATION */
		{
			1,				/* NumberOfPossibleInstances */
			KSPIN_DATAFLOW_OUT,		/* DataFlow */
			TRUE,				/* DataAccessible */
			NUM_STREAM_FORMATS,		/* NumberOfFormatArrayEntries */
			StreamFormatsArray,		/* StreamFormatsArray */
			{ NULL, NULL, NULL, NULL },	/* ClassReserved */
			0,				/* NumStreamPropArrayEntries */
			NULL,				/* StreamPropertiesArray */
			0,				/* NumStreamEventArrayEntries */
			NULL,				/* StreamEventsArray */
			(GUID *)&PINNAME_VIDEO_CAPTURE,	/* Category */
			(GUID *)&PINNAME_VIDEO_CAPTURE,	/* Name */
			0,				/* MediumsCount */
			NULL,				/* Mediums */
			FALSE,				/* BridgeStream */
			{ 0, 0 },			/* Reserved */
		},
		/* HW_STREAM_OBJECT */
		{
			sizeof(HW_STREAM_OBJECT),	/* SizeOfThisPacket */
			STREAM_Capture,			/* StreamNumber */
			NULL,				/* HwStreamExtension */
			VideoReceiveDataPacket,		/* ReceiveDataPacket */
			VideoReceiveCtrlPacket,		/* ReceiveControlPacket */
			{ NULL, 0, { 0, 0 } },		/* HwClockObject */
			FALSE,				/* Dma */
			TRUE,				/* Pio */
			NULL,				/* HwDeviceExtension */
			sizeof(KS_FRAME_INFO),		/* StreamHeaderMediaSpecific */
			0,				/* StreamHeaderWorkspace */
			FALSE,				/* Allocator */
			NULL,				/* HwEventRoutine */
			{ 0, 0 },			/* Reserved */
		},
	},
	/* STREAM_AnalogVideoInput */
	{
		/* HW_STREAM_INFORMATION */
		{
			1,				/* NumberOfPossibleInstances */
			KSPIN_DATAFLOW_IN,		/* DataFlow */
			FALSE,				/* DataAccessible */
			SIZEOF_ARRAY(AnalogVideoFormatsArray), /* NumberOfFormatArrayEntries */
			AnalogVideoFormatsArray,	/* StreamFormatsArray */
			{ NULL, NULL, NULL, NULL },	/* ClassReserved */
			0,				/* NumStreamPropArrayEntries */
			NULL,				/* StreamPropertiesArray */
			0,				/* NumStreamEventArrayEntries */
			NULL,				/* StreamEventsArray */
			(GUID *)&PINNAME_VIDEO_ANALOGVIDEOIN,	/* Category */
			(GUID *)&PINNAME_VIDEO_ANALOGVIDEOIN,	/* Name */
			0,				/* MediumsCount */
			NULL,				/* Mediums */
			TRUE,				/* BridgeStream */
			{ 0, 0 },			/* Reserved */
		},
		/* HW_STREAM_OBJECT: no data or control routines (never opened) */
		{
			sizeof(HW_STREAM_OBJECT),	/* SizeOfThisPacket */
			STREAM_AnalogVideoInput,	/* StreamNumber */
			NULL,				/* HwStreamExtension */
			NULL,				/* ReceiveDataPacket */
			NULL,				/* ReceiveControlPacket */
			{ NULL, 0, { 0, 0 } },		/* HwClockObject */
			FALSE,				/* Dma */
			FALSE,				/* Pio */
			NULL,				/* HwDeviceExtension */
			0,				/* StreamHeaderMediaSpecific */
			0,				/* StreamHeaderWorkspace */
			FALSE,				/* Allocator */
			NULL,				/* HwEventRoutine */
			{ 0, 0 },			/* Reserved */
		},
	},
};

#endif /* _CAPSTRM_H */
