/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TvCap: a virtual analog TV card written as a Windows stream class
 * minidriver (strmini.h), the second Windows-style sample of this tree.
 *
 * The card: a TV tuner (PROPSETID_TUNER), a crossbar routing the tuner,
 * a composite and an S-video input (and the tuner's audio) to the video
 * and audio decoders (PROPSETID_VIDCAP_CROSSBAR), an analog video decoder
 * with NTSC-M and PAL-B (PROPSETID_VIDCAP_VIDEODECODER) and a TV audio
 * decoder (PROPSETID_VIDCAP_TVAUDIO). Four streams: capture, preview, raw
 * VBI and closed captions. Data SRBs wait on per-stream queues linked
 * through their IRP (Irp->Tail.Overlay.ListEntry), are accepted from
 * PAUSE on, and are filled by a frame timer in RUN only.
 *
 * What Linux sees of it today (Documentation/strmini-porting.rst): the
 * capture and preview streams are video4linux nodes, with the formats of
 * their top-down ranges. The class does not yet translate the tuner,
 * crossbar, decoder or TV audio property sets, nor VBI and closed-caption
 * streams (issue 24): those streams are "not shown" and the property sets
 * are reached by nothing but the self-check the sample runs on itself at
 * SRB_INITIALIZATION_COMPLETE (tvprop.c), which calls its property
 * handlers as the class would and checks that what is set reads back.
 * The bottom-up RGB24 range of the capture stream is refused by the class
 * with a log line naming it.
 */
#ifndef _TVCAP_H
#define _TVCAP_H

#include <strmini.h>
#include <ksmedia.h>

#define TVCAP_STREAM_COUNT	4
#define STREAM_Capture		0
#define STREAM_Preview		1
#define STREAM_VBI		2
#define STREAM_CC		3

/* Frame time of the 525-line standard, 100 ns units (1001/30000 s). */
#define TVCAP_NTSC_FRAME	333667

/* The crossbar's pins: inputs, then outputs. */
#define XBAR_IN_TUNER_VIDEO	0
#define XBAR_IN_COMPOSITE	1
#define XBAR_IN_SVIDEO		2
#define XBAR_IN_TUNER_AUDIO	3
#define XBAR_INPUTS		4
#define XBAR_OUT_VIDEO_DECODER	0
#define XBAR_OUT_AUDIO_DECODER	1
#define XBAR_OUTPUTS		2
#define XBAR_NO_PIN		0xffffffff

/* The tuner: TV only, 55.25 to 801.25 MHz; a station every 6 MHz. */
#define TUNER_MIN_HZ		55250000
#define TUNER_MAX_HZ		801250000
#define TUNER_STEP_HZ		62500
#define TUNER_CHANNEL_HZ	6000000
#define TUNER_STANDARDS		(KS_AnalogVideo_NTSC_M | KS_AnalogVideo_PAL_B)

#define TVAUDIO_MODES		(KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_STEREO | \
				 KS_TVAUDIO_MODE_LANG_A | KS_TVAUDIO_MODE_LANG_B)

typedef struct _TV_STREAM_EXTENSION *PTV_STREAM_EXTENSION;

/* The device extension: the card's state, shared by its streams. */
typedef struct _TV_DEVICE_EXTENSION {
	KSPIN_LOCK Lock;				/* guards Streams[] */
	PTV_STREAM_EXTENSION Streams[TVCAP_STREAM_COUNT];
	/* Tuner. */
	ULONG TunerMode;				/* KSPROPERTY_TUNER_MODE_TV */
	ULONG TunerStandard;
	ULONG Frequency;				/* Hz */
	ULONG LastFrequency;
	ULONG TunerInput;
	/* Crossbar: the input routed to each output (XBAR_NO_PIN: none). */
	ULONG Route[XBAR_OUTPUTS];
	/* Decoders. */
	ULONG DecoderStandard;
	ULONG AudioMode;
} TV_DEVICE_EXTENSION, *PTV_DEVICE_EXTENSION;

/* An open stream. */
typedef struct _TV_STREAM_EXTENSION {
	PTV_DEVICE_EXTENSION pDevExt;
	PHW_STREAM_OBJECT pStreamObject;
	KSSTATE State;
	KS_DATAFORMAT_VIDEOINFOHEADER Format;		/* capture and preview */
	KS_VBIINFOHEADER VBIInfo;			/* VBI and CC */
	ULONG ImageSize;				/* bytes a frame fills */
	LONGLONG FrameTime;				/* 100 ns units */
	LIST_ENTRY PendingReads;			/* through Irp->Tail.Overlay */
	KSPIN_LOCK PendingLock;
	ULONG ReadsBeforeRun;				/* queued since the last RUN */
	LONGLONG PictureNumber;
	LONGLONG DropCount;
} TV_STREAM_EXTENSION;

/* tvmain.c */
NTSTATUS DriverEntry(PVOID Context1, PVOID Context2);
VOID TvCompleteStreamSrb(PHW_STREAM_REQUEST_BLOCK pSrb, NTSTATUS Status);
VOID STREAMAPI TvReceivePacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI TvCancelPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI TvTimeoutPacket(PHW_STREAM_REQUEST_BLOCK pSrb);

/* tvvideo.c */
VOID STREAMAPI TvReceiveDataPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI TvReceiveCtrlPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
BOOLEAN TvCancelRead(PTV_STREAM_EXTENSION pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb);
VOID TvCancelAllReads(PTV_STREAM_EXTENSION pStrmEx);
VOID TvStopTimer(PTV_STREAM_EXTENSION pStrmEx);

/* tvprop.c */
extern const KSPROPERTY_SET TvPropertySets[];
extern const ULONG TvPropertySetCount;
VOID TvDeviceDefaults(PTV_DEVICE_EXTENSION pDevExt);
VOID TvGetProperty(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID TvSetProperty(PHW_STREAM_REQUEST_BLOCK pSrb);
BOOLEAN TvSignalLocked(PTV_DEVICE_EXTENSION pDevExt);
ULONG TvLinesPerFrame(ULONG Standard);
VOID TvPropertySelfCheck(PTV_DEVICE_EXTENSION pDevExt);

#endif /* _TVCAP_H */
