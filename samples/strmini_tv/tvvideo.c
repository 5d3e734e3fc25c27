// SPDX-License-Identifier: GPL-2.0
/*
 * TvCap's streams: the read queues (each pending SRB_READ_DATA linked
 * through its IRP's Tail.Overlay.ListEntry, DriverContext[0] leading back
 * to the SRB), the state steps and the frame timer that fills reads in RUN.
 *
 * The pictures, chosen so a reader can check them by value:
 * - RGB24 and RGB32 (B, G, R and B, G, R, X in memory, top-down): pixel
 *   (x, y) is B = y, G = the routed input's level (TvInputLevel), R = x,
 *   each modulo 256, X = 0;
 * - YUY2: Y' = x modulo 256 (limited to 16..235), Cb = Cr = 128;
 * - raw VBI: each line's samples are its line number;
 * - closed captions: the bytes 'T', 'V' with odd parity.
 */
#include "tvcap.h"

static PHW_STREAM_REQUEST_BLOCK TvReadOf(PLIST_ENTRY pEntry)
{
	return CONTAINING_RECORD(pEntry, IRP, Tail.Overlay.ListEntry)->Tail.Overlay.DriverContext[0];
}

static VOID TvQueueRead(PTV_STREAM_EXTENSION pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb)
{
	KIRQL Irql;

	pSrb->Irp->Tail.Overlay.DriverContext[0] = pSrb;
	KeAcquireSpinLock(&pStrmEx->PendingLock, &Irql);
	InsertTailList(&pStrmEx->PendingReads, &pSrb->Irp->Tail.Overlay.ListEntry);
	if (pStrmEx->State != KSSTATE_RUN)
		pStrmEx->ReadsBeforeRun++;
	KeReleaseSpinLock(&pStrmEx->PendingLock, Irql);
}

static PHW_STREAM_REQUEST_BLOCK TvDequeueRead(PTV_STREAM_EXTENSION pStrmEx)
{
	PHW_STREAM_REQUEST_BLOCK pSrb = NULL;
	KIRQL Irql;

	KeAcquireSpinLock(&pStrmEx->PendingLock, &Irql);
	if (!IsListEmpty(&pStrmEx->PendingReads))
		pSrb = TvReadOf(RemoveHeadList(&pStrmEx->PendingReads));
	KeReleaseSpinLock(&pStrmEx->PendingLock, Irql);
	return pSrb;
}

BOOLEAN TvCancelRead(PTV_STREAM_EXTENSION pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PLIST_ENTRY pEntry;
	BOOLEAN Found = FALSE;
	KIRQL Irql;

	KeAcquireSpinLock(&pStrmEx->PendingLock, &Irql);
	for (pEntry = pStrmEx->PendingReads.Flink; pEntry != &pStrmEx->PendingReads;
	     pEntry = pEntry->Flink) {
		if (TvReadOf(pEntry) == pSrb) {
			RemoveEntryList(pEntry);
			Found = TRUE;
			break;
		}
	}
	KeReleaseSpinLock(&pStrmEx->PendingLock, Irql);
	return Found;
}

VOID TvCancelAllReads(PTV_STREAM_EXTENSION pStrmEx)
{
	PHW_STREAM_REQUEST_BLOCK pSrb;

	while ((pSrb = TvDequeueRead(pStrmEx)))
		TvCompleteStreamSrb(pSrb, STATUS_CANCELLED);
}

/*
 * Reads are taken from PAUSE on (a KS client queues them before RUN). TvCap
 * is synchronized and its queues have no bound: it is ready for the next
 * data SRB as soon as it has taken one.
 */
VOID STREAMAPI TvReceiveDataPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_STREAM_EXTENSION pStrmEx = pSrb->StreamObject->HwStreamExtension;

	StreamClassStreamNotification(ReadyForNextStreamDataRequest, pSrb->StreamObject);
	if (pSrb->Command != SRB_READ_DATA) {
		TvCompleteStreamSrb(pSrb, STATUS_NOT_IMPLEMENTED);
		return;
	}
	if (pStrmEx->State == KSSTATE_STOP || pStrmEx->State == KSSTATE_ACQUIRE) {
		DebugPrint((DebugLevelError, "TvCap: stream %u: a read in state %d\n",
			    pSrb->StreamObject->StreamNumber, pStrmEx->State));
		TvCompleteStreamSrb(pSrb, STATUS_DEVICE_NOT_READY);
		return;
	}
	if (pSrb->NumberOfBuffers != 1 || !pSrb->Irp) {
		TvCompleteStreamSrb(pSrb, STATUS_INVALID_PARAMETER);
		return;
	}
	TvQueueRead(pStrmEx, pSrb);
}

static VOID STREAMAPI TvTimer(PVOID Context);

static VOID TvStartTimer(PTV_STREAM_EXTENSION pStrmEx)
{
	StreamClassScheduleTimer(pStrmEx->pStreamObject, pStrmEx->pDevExt,
				 (ULONG)(pStrmEx->FrameTime / 10), TvTimer, pStrmEx);
}

VOID TvStopTimer(PTV_STREAM_EXTENSION pStrmEx)
{
	StreamClassScheduleTimer(pStrmEx->pStreamObject, pStrmEx->pDevExt, 0, NULL, NULL);
}

static VOID TvSetState(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_STREAM_EXTENSION pStrmEx = pSrb->StreamObject->HwStreamExtension;
	KSSTATE Old = pStrmEx->State, New = pSrb->CommandData.StreamState;

	switch (New) {
	case KSSTATE_STOP:
		TvStopTimer(pStrmEx);
		pStrmEx->State = New;
		TvCancelAllReads(pStrmEx);
		pStrmEx->PictureNumber = 0;
		pStrmEx->DropCount = 0;
		pStrmEx->ReadsBeforeRun = 0;
		break;
	case KSSTATE_ACQUIRE:
	case KSSTATE_PAUSE:
		if (Old == KSSTATE_RUN)
			TvStopTimer(pStrmEx);
		pStrmEx->State = New;
		break;
	case KSSTATE_RUN:
		if (Old != KSSTATE_RUN) {
			DebugPrint((DebugLevelInfo, "TvCap: stream %u: RUN with %u reads queued in PAUSE\n",
				    pSrb->StreamObject->StreamNumber, pStrmEx->ReadsBeforeRun));
			pStrmEx->ReadsBeforeRun = 0;
			pStrmEx->State = New;
			TvStartTimer(pStrmEx);
		}
		break;
	default:
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}
	pSrb->Status = STATUS_SUCCESS;
}

VOID STREAMAPI TvReceiveCtrlPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_STREAM_EXTENSION pStrmEx = pSrb->StreamObject->HwStreamExtension;

	switch (pSrb->Command) {
	case SRB_SET_STREAM_STATE:
		TvSetState(pSrb);
		break;
	case SRB_GET_STREAM_STATE:
		pSrb->CommandData.StreamState = pStrmEx->State;
		pSrb->ActualBytesTransferred = sizeof(KSSTATE);
		pSrb->Status = STATUS_SUCCESS;
		break;
	case SRB_INDICATE_MASTER_CLOCK:
		pSrb->Status = STATUS_SUCCESS;
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
	}
	StreamClassStreamNotification(StreamRequestComplete, pSrb->StreamObject, pSrb);
}

/* G of the RGB picture: which input the decoder sees, 0 with no signal. */
static UCHAR TvInputLevel(PTV_DEVICE_EXTENSION pDevExt)
{
	if (!TvSignalLocked(pDevExt))
		return 0;
	return (UCHAR)(0x40 * (pDevExt->Route[XBAR_OUT_VIDEO_DECODER] + 1));
}

static VOID TvDrawVideo(PTV_STREAM_EXTENSION pStrmEx, PUCHAR pData)
{
	const KS_BITMAPINFOHEADER *pBmi = &pStrmEx->Format.VideoInfoHeader.bmiHeader;
	ULONG Width = pBmi->biWidth;
	ULONG Height = pBmi->biHeight < 0 ? -pBmi->biHeight : pBmi->biHeight;
	ULONG Pitch = (Width * pBmi->biBitCount + 31) / 32 * 4;
	UCHAR Level = TvInputLevel(pStrmEx->pDevExt);
	PUCHAR pLine;
	ULONG x, y;

	for (y = 0; y < Height; y++) {
		pLine = pData + y * Pitch;
		if (pBmi->biBitCount == 24 || pBmi->biBitCount == 32) {
			ULONG Step = pBmi->biBitCount / 8;

			for (x = 0; x < Width; x++) {
				pLine[Step * x] = (UCHAR)y;
				pLine[Step * x + 1] = Level;
				pLine[Step * x + 2] = (UCHAR)x;
				if (Step == 4)
					pLine[Step * x + 3] = 0;
			}
		} else {
			for (x = 0; x < Width; x++) {
				UCHAR Luma = (UCHAR)x;

				pLine[2 * x] = Luma < 16 ? 16 : Luma > 235 ? 235 : Luma;
				pLine[2 * x + 1] = 128;
			}
		}
	}
}

/* An odd-parity byte of closed captions. */
static UCHAR TvOddParity(UCHAR c)
{
	UCHAR b = c & 0x7f, p = 1;

	while (b) {
		p ^= b & 1;
		b >>= 1;
	}
	return (c & 0x7f) | (p << 7);
}

static VOID TvDrawVBI(PTV_STREAM_EXTENSION pStrmEx, PUCHAR pData)
{
	const KS_VBIINFOHEADER *pVbi = &pStrmEx->VBIInfo;
	ULONG Lines = pVbi->EndLine - pVbi->StartLine + 1, Line;

	if (pStrmEx->pStreamObject->StreamNumber == STREAM_CC) {
		pData[0] = TvOddParity('T');
		pData[1] = TvOddParity('V');
		return;
	}
	for (Line = 0; Line < 2 * Lines &&
	     (Line + 1) * pVbi->StrideInBytes <= pVbi->BufferSize; Line++)
		RtlFillMemory(pData + Line * pVbi->StrideInBytes, pVbi->SamplesPerLine,
			      (UCHAR)(pVbi->StartLine + Line % Lines));
}

static VOID TvFill(PTV_STREAM_EXTENSION pStrmEx, PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PKSSTREAM_HEADER pHeader = pSrb->CommandData.DataBufferArray;
	ULONG Number = pSrb->StreamObject->StreamNumber;

	if (!pHeader->Data || pHeader->FrameExtent < pStrmEx->ImageSize) {
		pHeader->DataUsed = 0;
		TvCompleteStreamSrb(pSrb, STATUS_BUFFER_TOO_SMALL);
		return;
	}
	if (Number <= STREAM_Preview) {
		PKS_FRAME_INFO pInfo = (PKS_FRAME_INFO)(pHeader + 1);

		TvDrawVideo(pStrmEx, pHeader->Data);
		pInfo->ExtendedHeaderSize = sizeof(*pInfo);
		pInfo->dwFrameFlags = KS_VIDEO_FLAG_FRAME;
		pInfo->PictureNumber = pStrmEx->PictureNumber;
		pInfo->DropCount = pStrmEx->DropCount;
	} else {
		PKS_VBI_FRAME_INFO pInfo = (PKS_VBI_FRAME_INFO)(pHeader + 1);

		TvDrawVBI(pStrmEx, pHeader->Data);
		pInfo->ExtendedHeaderSize = sizeof(*pInfo);
		pInfo->dwFrameFlags = pStrmEx->PictureNumber & 1 ? KS_VBI_FLAG_FIELD2 :
								  KS_VBI_FLAG_FIELD1;
		pInfo->PictureNumber = pStrmEx->PictureNumber;
		pInfo->DropCount = pStrmEx->DropCount;
		pInfo->dwSamplingFrequency = pStrmEx->VBIInfo.SamplingFrequency;
		pInfo->VBIInfoHeader = pStrmEx->VBIInfo;
	}
	pHeader->DataUsed = pStrmEx->ImageSize;
	pHeader->PresentationTime.Time = pStrmEx->PictureNumber * pStrmEx->FrameTime;
	pHeader->PresentationTime.Numerator = 1;
	pHeader->PresentationTime.Denominator = 1;
	pHeader->Duration = pStrmEx->FrameTime;
	pHeader->OptionsFlags |= KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
				 KSSTREAM_HEADER_OPTIONSF_DURATIONVALID;
	TvCompleteStreamSrb(pSrb, STATUS_SUCCESS);
}

/* Once a frame (a field for VBI and CC) in RUN: fill the oldest read. */
static VOID STREAMAPI TvTimer(PVOID Context)
{
	PTV_STREAM_EXTENSION pStrmEx = Context;
	PHW_STREAM_REQUEST_BLOCK pSrb;

	if (pStrmEx->State != KSSTATE_RUN)
		return;
	TvStartTimer(pStrmEx);
	pSrb = TvDequeueRead(pStrmEx);
	if (pSrb)
		TvFill(pStrmEx, pSrb);
	else
		pStrmEx->DropCount++;
	pStrmEx->PictureNumber++;
}
