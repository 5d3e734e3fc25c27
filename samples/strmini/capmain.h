/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device and stream extensions of the testcap-style software
 * capture minidriver, and the routines its files share.
 */
#ifndef _CAPMAIN_H
#define _CAPMAIN_H

#include <streamclass/strmini.h>
#include <streamclass/ksmedia.h>

/* Two streams: video capture, and the analog video input it comes from. */
#define DRIVER_STREAM_COUNT		2
#define STREAM_Capture			0
#define STREAM_AnalogVideoInput		1

/* The frame time of every format, in 100 ns units (1/30 s). */
#define CAPTURE_AVG_TIME_PER_FRAME	333333

typedef struct _STREAMEX *PSTREAMEX;

/* The device extension (DeviceExtensionSize), zeroed by the class. */
typedef struct _HW_DEVICE_EXTENSION {
	KSPIN_LOCK AdapterSpinLock;			/* guards pStrmEx[] */
	PSTREAMEX pStrmEx[DRIVER_STREAM_COUNT];		/* the open instance, or NULL */
	ULONG ActualInstances[DRIVER_STREAM_COUNT];
	LONG Brightness;				/* VideoProcAmp, 0..10000 */
	LONG Contrast;
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

/* The stream extension (PerStreamExtensionSize), set up at SRB_OPEN_STREAM. */
typedef struct _STREAMEX {
	PHW_DEVICE_EXTENSION pHwDevExt;
	PHW_STREAM_OBJECT pStreamObject;
	KSSTATE KSState;
	KS_VIDEOINFOHEADER VideoInfoHeader;	/* the format opened */
	ULONG TimerPeriod;			/* microseconds */
	LIST_ENTRY DataQueue;			/* SRB_READ_DATA waiting for a frame */
	KSPIN_LOCK DataQueueSpinLock;
	LONGLONG PictureNumber;			/* the next frame's number */
	LONGLONG DropCount;			/* frames that found no buffer */
	HANDLE hMasterClock;			/* SRB_INDICATE_MASTER_CLOCK's, or NULL */
	LONGLONG RunTicks;			/* timer ticks since the last RUN */
	BOOLEAN DataTimeoutSeen;		/* a data SRB's TimeoutCounter ran out */
	ULONG Queued;				/* data SRBs on DataQueue */
	BOOLEAN ReadyForData;			/* ReadyForNextStreamDataRequest said */
	BOOLEAN HeldBackSeen;			/* once queued full, logged */
} STREAMEX;

/* capmain.c */
NTSTATUS DriverEntry(PVOID Context1, PVOID Context2);
VOID STREAMAPI AdapterReceivePacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI AdapterCancelPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI AdapterTimeoutPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID CompleteDeviceSRB(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID CompleteStreamSRB(PHW_STREAM_REQUEST_BLOCK pSrb);

/* capvideo.c */
VOID STREAMAPI VideoReceiveDataPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI VideoReceiveCtrlPacket(PHW_STREAM_REQUEST_BLOCK pSrb);
VOID STREAMAPI VideoTimerRoutine(PVOID Context);
VOID VideoQueueAddSRB(PSTREAMEX pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb);
PHW_STREAM_REQUEST_BLOCK VideoQueueRemoveSRB(PSTREAMEX pStrmEx);
BOOLEAN VideoQueueCancelOneSRB(PSTREAMEX pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb);
VOID VideoQueueCancelAllSRBs(PSTREAMEX pStrmEx);

#endif /* _CAPMAIN_H */
