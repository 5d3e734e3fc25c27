// SPDX-License-Identifier: GPL-2.0
/*
 * The capture stream of the testcap-style minidriver: its data
 * and control packet routines, the queue of waiting data SRBs, the frame
 * timer and the synthesis of the YUY2 picture.
 */
#include "capmain.h"
#include "capprop.h"

/* A colour as BT.601 limited-range Y'CbCr. */
typedef struct _YCBCR_COLOR {
	UCHAR Y;
	UCHAR Cb;
	UCHAR Cr;
} YCBCR_COLOR, *PYCBCR_COLOR;

/*
 * The eight 75% colour bars, left to right, from R'G'B' in {0, 191}:
 * Y = 16 + 219 y, Cb = 128 + 224 (b - y) / 1.772, Cr = 128 + 224 (r - y) / 1.402,
 * with y = 0.299 r + 0.587 g + 0.114 b (r, g, b in 0..1), rounded.
 */
static const YCBCR_COLOR ColorBars[8] = {
	{ 180, 128, 128 },	/* white */
	{ 161,  44, 142 },	/* yellow */
	{ 131, 156,  44 },	/* cyan */
	{ 112,  72,  58 },	/* green */
	{  84, 184, 198 },	/* magenta */
	{  65, 100, 212 },	/* red */
	{  35, 212, 114 },	/* blue */
	{  16, 128, 128 },	/* black */
};

static const YCBCR_COLOR ColorWhite = { 235, 128, 128 };
static const YCBCR_COLOR ColorBlack = { 16, 128, 128 };

/* The three bands of the picture, top to bottom. */
typedef enum {
	BandBars,
	BandMarker,
	BandNumber,
} IMAGE_BAND;

/* What one frame's lines depend on. */
typedef struct _SYNTH_PARAMS {
	ULONG Width;
	ULONG MarkerStart;
	ULONG MarkerWidth;
	ULONG CellWidth;
	ULONG Number;		/* the picture number's low 32 bits */
	LONG YOffset;		/* from the brightness */
} SYNTH_PARAMS, *PSYNTH_PARAMS;

/*
 * A queued data SRB waits on the stream's queue through its IRP, as DDK
 * minidrivers do: the IRP's Tail.Overlay.ListEntry links it, and
 * DriverContext[0] leads back from the IRP to the SRB.
 */
static PHW_STREAM_REQUEST_BLOCK VideoQueueEntrySRB(PLIST_ENTRY pEntry)
{
	PIRP pIrp = CONTAINING_RECORD(pEntry, IRP, Tail.Overlay.ListEntry);

	return pIrp->Tail.Overlay.DriverContext[0];
}

/* Puts a data SRB at the tail of the stream's queue. */
VOID VideoQueueAddSRB(PSTREAMEX pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb)
{
	KIRQL Irql;

	pSrb->Irp->Tail.Overlay.DriverContext[0] = pSrb;
	KeAcquireSpinLock(&pStrmEx->DataQueueSpinLock, &Irql);
	InsertTailList(&pStrmEx->DataQueue, &pSrb->Irp->Tail.Overlay.ListEntry);
	pStrmEx->Queued++;
	KeReleaseSpinLock(&pStrmEx->DataQueueSpinLock, Irql);
}

/* Takes the oldest data SRB off the stream's queue, or NULL. */
PHW_STREAM_REQUEST_BLOCK VideoQueueRemoveSRB(PSTREAMEX pStrmEx)
{
	PHW_STREAM_REQUEST_BLOCK pSrb = NULL;
	PLIST_ENTRY pEntry;
	KIRQL Irql;

	KeAcquireSpinLock(&pStrmEx->DataQueueSpinLock, &Irql);
	if (!IsListEmpty(&pStrmEx->DataQueue)) {
		pEntry = RemoveHeadList(&pStrmEx->DataQueue);
		pSrb = VideoQueueEntrySRB(pEntry);
		pStrmEx->Queued--;
	}
	KeReleaseSpinLock(&pStrmEx->DataQueueSpinLock, Irql);
	return pSrb;
}

/* Takes pSrb off the stream's queue if it is there; TRUE if it was. */
BOOLEAN VideoQueueCancelOneSRB(PSTREAMEX pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb)
{
	BOOLEAN Found = FALSE;
	PLIST_ENTRY pEntry;
	KIRQL Irql;

	KeAcquireSpinLock(&pStrmEx->DataQueueSpinLock, &Irql);
	for (pEntry = pStrmEx->DataQueue.Flink; pEntry != &pStrmEx->DataQueue;
	     pEntry = pEntry->Flink) {
		if (VideoQueueEntrySRB(pEntry) == pSrb) {
			RemoveEntryList(pEntry);
			pStrmEx->Queued--;
			Found = TRUE;
			break;
		}
	}
	KeReleaseSpinLock(&pStrmEx->DataQueueSpinLock, Irql);
	return Found;
}

/* Hands every queued data SRB back, cancelled. */
VOID VideoQueueCancelAllSRBs(PSTREAMEX pStrmEx)
{
	PHW_STREAM_REQUEST_BLOCK pSrb;

	while ((pSrb = VideoQueueRemoveSRB(pStrmEx)) != NULL) {
		pSrb->Status = STATUS_CANCELLED;
		CompleteStreamSRB(pSrb);
	}
}

/* A data SRB is filled in as stream.sys fills it: one buffer, whole. */
static BOOLEAN VideoDataSRBValid(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PKSSTREAM_HEADER pDataPacket = pSrb->CommandData.DataBufferArray;

	return pSrb->Flags == (SRB_HW_FLAGS_STREAM_REQUEST | SRB_HW_FLAGS_DATA_TRANSFER) &&
	       pSrb->NumberOfBuffers == 1 && pDataPacket && pSrb->Irp &&
	       pSrb->NumberOfBytesToTransfer == pDataPacket->FrameExtent &&
	       pSrb->ScatterGatherBuffer && pSrb->NumberOfScatterGatherElements &&
	       pSrb->NumberOfPhysicalPages >= pSrb->NumberOfScatterGatherElements &&
	       pSrb->TimeoutOriginal && pSrb->TimeoutCounter == pSrb->TimeoutOriginal;
}

/*
 * Flow control, as a synchronized minidriver does it: at most two buffers
 * queued. It says ReadyForNextStreamDataRequest while fewer are queued,
 * else once the frame timer takes one; stream.sys (and the layer) sends the
 * next data SRB only after that word.
 */
static VOID VideoReadyForData(PSTREAMEX pStrmEx)
{
	if (pStrmEx->ReadyForData)
		return;
	if (pStrmEx->Queued < 2) {
		pStrmEx->ReadyForData = TRUE;
		StreamClassStreamNotification(ReadyForNextStreamDataRequest,
					      pStrmEx->pStreamObject);
	} else if (!pStrmEx->HeldBackSeen) {
		pStrmEx->HeldBackSeen = TRUE;
		DebugPrint((DebugLevelInfo,
			    "TestCap: 2 data SRBs queued: ready for the next when one is taken\n"));
	}
}

/*
 * The class sends each capture buffer here as an SRB_READ_DATA. It waits on
 * the stream's queue until the frame timer fills it; its TimeoutCounter
 * runs meanwhile (AdapterTimeoutPacket gives a running stream more time).
 */
VOID STREAMAPI VideoReceiveDataPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAMEX pStrmEx = pSrb->StreamObject->HwStreamExtension;

	switch (pSrb->Command) {
	case SRB_READ_DATA:
		if (!pStrmEx->ReadyForData)
			DebugPrint((DebugLevelError,
				    "TestCap: a data SRB before ReadyForNextStreamDataRequest\n"));
		pStrmEx->ReadyForData = FALSE;
		if (!VideoDataSRBValid(pSrb)) {
			DebugPrint((DebugLevelError, "TestCap: data SRB not as stream.sys sends it\n"));
			pSrb->Status = STATUS_INVALID_PARAMETER;
			break;
		}
		VideoQueueAddSRB(pStrmEx, pSrb);
		VideoReadyForData(pStrmEx);
		return;		/* pending */
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		break;
	}
	CompleteStreamSRB(pSrb);
	VideoReadyForData(pStrmEx);
}

/*
 * The log lines of a step to RUN: the stream's at Low priority (process
 * context, off the synchronized path), whose context is its number (the
 * stream may close before it runs), and the device's at Dispatch priority
 * (synchronized, from a softirq).
 */
static VOID STREAMAPI VideoRunRoutine(PVOID Context)
{
	DebugPrint((DebugLevelInfo, "TestCap: stream %u running (its Low routine)\n",
		    (ULONG)(ULONG_PTR)Context));
}

static VOID STREAMAPI AdapterRunRoutine(PVOID Context)
{
	DebugPrint((DebugLevelInfo, "TestCap: a stream runs on the device (its Dispatch routine)\n"));
}

/* SRB_SET_STREAM_STATE: one step of STOP, ACQUIRE, PAUSE, RUN. */
static VOID VideoSetState(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAMEX pStrmEx = pSrb->StreamObject->HwStreamExtension;
	KSSTATE OldState = pStrmEx->KSState;
	KSSTATE NewState = pSrb->CommandData.StreamState;

	DebugPrint((DebugLevelInfo, "TestCap: state %d -> %d\n", OldState, NewState));

	switch (NewState) {
	case KSSTATE_STOP:
		StreamClassScheduleTimer(pSrb->StreamObject, pSrb->HwDeviceExtension, 0, NULL,
					 NULL);
		pStrmEx->KSState = KSSTATE_STOP;
		VideoQueueCancelAllSRBs(pStrmEx);
		pStrmEx->PictureNumber = 0;
		pStrmEx->DropCount = 0;
		break;
	case KSSTATE_ACQUIRE:
	case KSSTATE_PAUSE:
		if (OldState == KSSTATE_RUN)
			StreamClassScheduleTimer(pSrb->StreamObject, pSrb->HwDeviceExtension, 0,
						 NULL, NULL);
		pStrmEx->KSState = NewState;
		break;
	case KSSTATE_RUN:
		pStrmEx->KSState = KSSTATE_RUN;
		pStrmEx->RunTicks = 0;
		if (OldState != KSSTATE_RUN) {
			StreamClassScheduleTimer(pSrb->StreamObject, pSrb->HwDeviceExtension,
						 pStrmEx->TimerPeriod, VideoTimerRoutine, pStrmEx);
			/* Two routines pending at once: the stream's, the device's. */
			StreamClassCallAtNewPriority(pSrb->StreamObject, pSrb->HwDeviceExtension,
						     Low, VideoRunRoutine,
						     (PVOID)(ULONG_PTR)pSrb->StreamObject->StreamNumber);
			StreamClassCallAtNewPriority(NULL, pSrb->HwDeviceExtension, Dispatch,
						     AdapterRunRoutine, pSrb->HwDeviceExtension);
		}
		break;
	default:
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * The class sends the stream's control SRBs here: state changes (one per
 * step) and state queries. Each is completed before returning.
 */
VOID STREAMAPI VideoReceiveCtrlPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAMEX pStrmEx = pSrb->StreamObject->HwStreamExtension;

	switch (pSrb->Command) {
	case SRB_SET_STREAM_STATE:
		VideoSetState(pSrb);
		break;
	case SRB_GET_STREAM_STATE:
		pSrb->CommandData.StreamState = pStrmEx->KSState;
		pSrb->ActualBytesTransferred = sizeof(KSSTATE);
		pSrb->Status = STATUS_SUCCESS;
		break;
	case SRB_INDICATE_MASTER_CLOCK:
		/* The clock to stamp and pace frames with (NULL: none). */
		pStrmEx->hMasterClock = pSrb->CommandData.MasterClockHandle;
		pSrb->Status = STATUS_SUCCESS;
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		break;
	}
	CompleteStreamSRB(pSrb);
}

/* The colour of pixel x of a line of the band. */
static const YCBCR_COLOR *PixelColor(const SYNTH_PARAMS *pParams, IMAGE_BAND Band, ULONG x)
{
	ULONG Bar, Cell;

	switch (Band) {
	case BandBars:
		for (Bar = 0; Bar < 7 && x >= (Bar + 1) * pParams->Width / 8; Bar++)
			;
		return &ColorBars[Bar];
	case BandMarker:
		if (x >= pParams->MarkerStart && x < pParams->MarkerStart + pParams->MarkerWidth)
			return &ColorWhite;
		return &ColorBlack;
	default:
		Cell = pParams->CellWidth ? x / pParams->CellWidth : 32;
		if (Cell < 32 && (pParams->Number >> Cell) & 1)
			return &ColorWhite;
		return &ColorBlack;
	}
}

/* A Y byte with the brightness offset, clamped. */
static UCHAR AdjustLuma(UCHAR Y, LONG YOffset)
{
	LONG Value = (LONG)Y + YOffset;

	return Value < 0 ? 0 : Value > 255 ? 255 : (UCHAR)Value;
}

/* Draws one YUY2 line of the band: Y(x) Cb Y(x+1) Cr for each pair. */
static VOID SynthesizeLine(PUCHAR pLine, const SYNTH_PARAMS *pParams, IMAGE_BAND Band)
{
	const YCBCR_COLOR *pLeft, *pRight;
	ULONG x;

	for (x = 0; x + 1 < pParams->Width; x += 2, pLine += 4) {
		pLeft = PixelColor(pParams, Band, x);
		pRight = PixelColor(pParams, Band, x + 1);
		pLine[0] = AdjustLuma(pLeft->Y, pParams->YOffset);
		pLine[1] = pLeft->Cb;
		pLine[2] = AdjustLuma(pRight->Y, pParams->YOffset);
		pLine[3] = pLeft->Cr;
	}
}

/*
 * Draws the frame, top-down: the bars over 3/4 of the height, a white
 * marker moving 4 pixels a frame over 1/8, and the picture number's 32 bits
 * (bit 0 on the left) over the last 1/8. Each band's first line is drawn
 * and copied to the band's other lines.
 */
static VOID ImageSynthesis(PSTREAMEX pStrmEx, PUCHAR pImage, LONGLONG PictureNumber)
{
	PKS_BITMAPINFOHEADER pBmi = &pStrmEx->VideoInfoHeader.bmiHeader;
	ULONG Width = (ULONG)pBmi->biWidth;
	ULONG Height = (ULONG)(pBmi->biHeight < 0 ? -pBmi->biHeight : pBmi->biHeight);
	ULONG Pitch = Width * 2;
	ULONG BandEnd[3] = { Height * 3 / 4, Height * 7 / 8, Height };
	SYNTH_PARAMS Params;
	ULONG Band, Line, FirstLine = 0;

	Params.Width = Width;
	Params.MarkerWidth = (Width / 16) & ~1U;
	Params.MarkerStart = Width > Params.MarkerWidth ?
		(ULONG)(((ULONGLONG)PictureNumber * 4) % (Width - Params.MarkerWidth)) & ~1U : 0;
	Params.CellWidth = Width / 32;
	Params.Number = (ULONG)PictureNumber;
	Params.YOffset = (pStrmEx->pHwDevExt->Brightness - VIDEOPROCAMP_DEFAULT) / 50;

	for (Band = BandBars; Band <= BandNumber; Band++) {
		if (FirstLine >= BandEnd[Band])
			continue;
		SynthesizeLine(pImage + FirstLine * Pitch, &Params, (IMAGE_BAND)Band);
		for (Line = FirstLine + 1; Line < BandEnd[Band]; Line++)
			RtlCopyMemory(pImage + Line * Pitch, pImage + FirstLine * Pitch, Pitch);
		FirstLine = BandEnd[Band];
	}
}

/* Fills a data SRB with frame PictureNumber, stamped Now, and completes it. */
static VOID VideoCaptureFrame(PSTREAMEX pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb, LONGLONG Now)
{
	PKSSTREAM_HEADER pDataPacket = pSrb->CommandData.DataBufferArray;
	PKS_FRAME_INFO pFrameInfo = (PKS_FRAME_INFO)(pDataPacket + 1);
	PKS_VIDEOINFOHEADER pVideoInfoHdr = &pStrmEx->VideoInfoHeader;
	ULONG SizeImage = pVideoInfoHdr->bmiHeader.biSizeImage;

	if (!pDataPacket->Data) {
		pDataPacket->DataUsed = 0;
		pSrb->Status = STATUS_INVALID_PARAMETER;
	} else if (pDataPacket->FrameExtent < SizeImage) {
		pDataPacket->DataUsed = 0;
		pSrb->Status = STATUS_BUFFER_TOO_SMALL;
	} else {
		ImageSynthesis(pStrmEx, pDataPacket->Data, pStrmEx->PictureNumber);

		pDataPacket->DataUsed = SizeImage;
		pFrameInfo->PictureNumber = pStrmEx->PictureNumber;
		pFrameInfo->DropCount = pStrmEx->DropCount;
		pFrameInfo->dwFrameFlags = KS_VIDEO_FLAG_FRAME;

		pDataPacket->PresentationTime.Time = Now;
		pDataPacket->PresentationTime.Numerator = 1;
		pDataPacket->PresentationTime.Denominator = 1;
		pDataPacket->Duration = pVideoInfoHdr->AvgTimePerFrame;
		pDataPacket->OptionsFlags |= KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
					     KSSTREAM_HEADER_OPTIONSF_DURATIONVALID;
		pSrb->Status = STATUS_SUCCESS;
	}
	CompleteStreamSRB(pSrb);
}

/*
 * The stream's frame timer, armed at RUN with StreamClassScheduleTimer and
 * called by the class (synchronized with the other entry points) once per
 * frame time: each tick is one frame, drawn into the oldest waiting buffer
 * or, with none waiting, dropped.
 */
VOID STREAMAPI VideoTimerRoutine(PVOID Context)
{
	PSTREAMEX pStrmEx = Context;
	LONGLONG Frame = pStrmEx->VideoInfoHeader.AvgTimePerFrame;
	LONGLONG Now, Due;
	ULONG Delay = pStrmEx->TimerPeriod;
	PHW_STREAM_REQUEST_BLOCK pSrb;
	HW_TIME_CONTEXT TimeContext;

	if (pStrmEx->KSState != KSSTATE_RUN)
		return;

	/*
	 * With a master clock, stamp the frame with its time and aim the next
	 * tick at the next frame time since RUN (no drift); without one, the
	 * stamp is the picture number's frame time and the period fixed.
	 */
	if (pStrmEx->hMasterClock) {
		TimeContext.HwDeviceExtension = pStrmEx->pHwDevExt;
		TimeContext.HwStreamObject = pStrmEx->pStreamObject;
		TimeContext.Function = TIME_GET_STREAM_TIME;
		StreamClassQueryMasterClockSync(pStrmEx->hMasterClock, &TimeContext);
		Now = TimeContext.Time;
		Due = (pStrmEx->RunTicks + 1) * Frame;
		Delay = Due > Now ? (ULONG)((Due - Now) / 10) : 1;
	} else {
		Now = pStrmEx->PictureNumber * Frame;
	}
	pStrmEx->RunTicks++;

	/* The class's timer is one-shot: arm the next tick first. */
	StreamClassScheduleTimer(pStrmEx->pStreamObject, pStrmEx->pHwDevExt, Delay ? Delay : 1,
				 VideoTimerRoutine, pStrmEx);

	pSrb = VideoQueueRemoveSRB(pStrmEx);
	if (pSrb)
		VideoCaptureFrame(pStrmEx, pSrb, Now);
	else
		pStrmEx->DropCount++;
	VideoReadyForData(pStrmEx);

	pStrmEx->PictureNumber++;
}
