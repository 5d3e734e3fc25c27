// SPDX-License-Identifier: GPL-2.0
/*
 * TvCap's adapter: DriverEntry, the device SRBs (initialisation, stream
 * table, open, close, intersection, properties) and the cancel and timeout
 * routines. See tvcap.h for what the card is.
 */
#include "tvcap.h"
#include "tvstrm.h"

NTSTATUS DriverEntry(PVOID Context1, PVOID Context2)
{
	HW_INITIALIZATION_DATA Init;

	RtlZeroMemory(&Init, sizeof(Init));
	Init.HwInitializationDataSize = sizeof(Init);
	Init.HwReceivePacket = TvReceivePacket;
	Init.HwCancelPacket = TvCancelPacket;
	Init.HwRequestTimeoutHandler = TvTimeoutPacket;
	Init.DeviceExtensionSize = sizeof(TV_DEVICE_EXTENSION);
	Init.PerStreamExtensionSize = sizeof(TV_STREAM_EXTENSION);
	Init.PerRequestExtensionSize = 0;	/* reads wait on their IRP */
	Init.FilterInstanceExtensionSize = 0;
	Init.BusMasterDMA = FALSE;
	Init.BufferAlignment = 3;
	Init.TurnOffSynchronization = FALSE;
	return StreamClassRegisterMinidriver(Context1, Context2, &Init);
}

VOID TvCompleteStreamSrb(PHW_STREAM_REQUEST_BLOCK pSrb, NTSTATUS Status)
{
	pSrb->Status = Status;
	StreamClassStreamNotification(StreamRequestComplete, pSrb->StreamObject, pSrb);
}

static VOID TvInitialize(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;

	KeInitializeSpinLock(&pDevExt->Lock);
	TvDeviceDefaults(pDevExt);
	pSrb->CommandData.ConfigInfo->StreamDescriptorSize =
		sizeof(HW_STREAM_HEADER) + TVCAP_STREAM_COUNT * sizeof(HW_STREAM_INFORMATION);
	pSrb->Status = STATUS_SUCCESS;
}

static VOID TvStreamTable(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_STREAM_DESCRIPTOR pDesc = pSrb->CommandData.StreamBuffer;
	ULONG i;

	if (pSrb->NumberOfBytesToTransfer <
	    sizeof(HW_STREAM_HEADER) + TVCAP_STREAM_COUNT * sizeof(HW_STREAM_INFORMATION)) {
		pSrb->Status = STATUS_BUFFER_TOO_SMALL;
		return;
	}
	pDesc->StreamHeader.NumberOfStreams = TVCAP_STREAM_COUNT;
	pDesc->StreamHeader.SizeOfHwStreamInformation = sizeof(HW_STREAM_INFORMATION);
	pDesc->StreamHeader.NumDevPropArrayEntries = TvPropertySetCount;
	pDesc->StreamHeader.DevicePropertiesArray = (PKSPROPERTY_SET)TvPropertySets;
	for (i = 0; i < TVCAP_STREAM_COUNT; i++)
		(&pDesc->StreamInfo)[i] = TvStreamInfo[i];
	pSrb->Status = STATUS_SUCCESS;
}

static BOOLEAN TvSameGuids(const KSDATAFORMAT *a, const KSDATAFORMAT *b)
{
	return IsEqualGUID(&a->MajorFormat, &b->MajorFormat) &&
	       IsEqualGUID(&a->SubFormat, &b->SubFormat) &&
	       IsEqualGUID(&a->Specifier, &b->Specifier);
}

/*
 * A video format fits a range when the GUIDs match, its orientation is
 * the range's and its size is within the range's output sizes, on their
 * granularity.
 */
static BOOLEAN TvVideoFits(const KS_DATARANGE_VIDEO *pRange,
			   const KS_DATAFORMAT_VIDEOINFOHEADER *pFormat)
{
	const KS_VIDEO_STREAM_CONFIG_CAPS *pCaps = &pRange->ConfigCaps;
	LONG w = pFormat->VideoInfoHeader.bmiHeader.biWidth;
	LONG h = pFormat->VideoInfoHeader.bmiHeader.biHeight;
	LONG RangeHeight = pRange->VideoInfoHeader.bmiHeader.biHeight;

	if (!TvSameGuids(&pRange->DataRange, &pFormat->DataFormat) || (h < 0) != (RangeHeight < 0))
		return FALSE;
	if (h < 0)
		h = -h;
	return w >= pCaps->MinOutputSize.cx && w <= pCaps->MaxOutputSize.cx &&
	       h >= pCaps->MinOutputSize.cy && h <= pCaps->MaxOutputSize.cy &&
	       (w - pCaps->MinOutputSize.cx) % pCaps->OutputGranularityX == 0 &&
	       (h - pCaps->MinOutputSize.cy) % pCaps->OutputGranularityY == 0;
}

static VOID TvOpenStream(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;
	PHW_STREAM_OBJECT pObject = pSrb->StreamObject;
	PTV_STREAM_EXTENSION pStrmEx = pObject->HwStreamExtension;
	ULONG Number = pObject->StreamNumber;
	PKSDATAFORMAT pFormat = pSrb->CommandData.OpenFormat;
	const HW_STREAM_INFORMATION *pInfo;
	BOOLEAN Found = FALSE;
	KIRQL Irql;
	ULONG i;

	if (Number >= TVCAP_STREAM_COUNT || !pFormat || pDevExt->Streams[Number]) {
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}
	RtlZeroMemory(pStrmEx, sizeof(*pStrmEx));
	pInfo = &TvStreamInfo[Number];
	for (i = 0; i < pInfo->NumberOfFormatArrayEntries && !Found; i++) {
		const KSDATAFORMAT *pRange = pInfo->StreamFormatsArray[i];

		if (Number <= STREAM_Preview) {
			const KS_DATAFORMAT_VIDEOINFOHEADER *pVideo = (const void *)pFormat;

			if (pFormat->FormatSize < sizeof(*pVideo) ||
			    !TvVideoFits((const KS_DATARANGE_VIDEO *)pRange, pVideo))
				continue;
			pStrmEx->Format = *pVideo;
			pStrmEx->ImageSize = TV_IMAGE_SIZE(pVideo->VideoInfoHeader.bmiHeader.biWidth,
							   pVideo->VideoInfoHeader.bmiHeader.biHeight,
							   pVideo->VideoInfoHeader.bmiHeader.biBitCount);
			pStrmEx->FrameTime = pVideo->VideoInfoHeader.AvgTimePerFrame;
			Found = TRUE;
		} else if (pFormat->FormatSize >= sizeof(KS_DATAFORMAT_VBIINFOHEADER) &&
			   TvSameGuids(pRange, pFormat)) {
			pStrmEx->VBIInfo = ((PKS_DATAFORMAT_VBIINFOHEADER)pFormat)->VBIInfoHeader;
			pStrmEx->ImageSize = pStrmEx->VBIInfo.BufferSize;
			pStrmEx->FrameTime = TVCAP_NTSC_FRAME / 2;	/* a field */
			Found = TRUE;
		}
	}
	if (!Found || pStrmEx->FrameTime <= 0) {
		DebugPrint((DebugLevelError, "TvCap: stream %u: format refused\n", Number));
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}
	pStrmEx->pDevExt = pDevExt;
	pStrmEx->pStreamObject = pObject;
	pStrmEx->State = KSSTATE_STOP;
	InitializeListHead(&pStrmEx->PendingReads);
	KeInitializeSpinLock(&pStrmEx->PendingLock);

	pObject->ReceiveDataPacket = TvReceiveDataPacket;
	pObject->ReceiveControlPacket = TvReceiveCtrlPacket;
	pObject->StreamHeaderMediaSpecific = TvMediaSpecific[Number];
	pObject->Dma = FALSE;
	pObject->Pio = TRUE;

	KeAcquireSpinLock(&pDevExt->Lock, &Irql);
	pDevExt->Streams[Number] = pStrmEx;
	KeReleaseSpinLock(&pDevExt->Lock, Irql);
	DebugPrint((DebugLevelInfo, "TvCap: stream %u open, %u bytes a frame\n", Number,
		    pStrmEx->ImageSize));
	pSrb->Status = STATUS_SUCCESS;
}

static VOID TvCloseStream(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;
	PTV_STREAM_EXTENSION pStrmEx = pSrb->StreamObject->HwStreamExtension;
	KIRQL Irql;

	TvStopTimer(pStrmEx);
	pStrmEx->State = KSSTATE_STOP;
	TvCancelAllReads(pStrmEx);
	KeAcquireSpinLock(&pDevExt->Lock, &Irql);
	if (pDevExt->Streams[pSrb->StreamObject->StreamNumber] == pStrmEx)
		pDevExt->Streams[pSrb->StreamObject->StreamNumber] = NULL;
	KeReleaseSpinLock(&pDevExt->Lock, Irql);
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * SRB_GET_DATA_INTERSECTION for the video streams: the range with the
 * asked GUIDs and default size, else the first with the asked GUIDs.
 */
static VOID TvIntersect(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAM_DATA_INTERSECT_INFO pInfo = pSrb->CommandData.IntersectInfo;
	const KS_DATARANGE_VIDEO *pAsked = (const void *)pInfo->DataRange;
	const KS_DATARANGE_VIDEO *pPick = NULL;
	const HW_STREAM_INFORMATION *pStream;
	PKS_DATAFORMAT_VIDEOINFOHEADER pOut;
	ULONG i;

	if (pInfo->StreamNumber > STREAM_Preview) {
		pSrb->Status = STATUS_NO_MATCH;
		return;
	}
	pStream = &TvStreamInfo[pInfo->StreamNumber];
	for (i = 0; i < pStream->NumberOfFormatArrayEntries; i++) {
		const KS_DATARANGE_VIDEO *pRange = (const void *)pStream->StreamFormatsArray[i];

		if (!TvSameGuids(&pRange->DataRange, &pAsked->DataRange))
			continue;
		if (pRange->VideoInfoHeader.bmiHeader.biWidth ==
			    pAsked->VideoInfoHeader.bmiHeader.biWidth &&
		    pRange->VideoInfoHeader.bmiHeader.biHeight ==
			    pAsked->VideoInfoHeader.bmiHeader.biHeight) {
			pPick = pRange;
			break;
		}
		if (!pPick)
			pPick = pRange;
	}
	if (!pPick) {
		pSrb->Status = STATUS_NO_MATCH;
		return;
	}
	pSrb->ActualBytesTransferred = sizeof(KS_DATAFORMAT_VIDEOINFOHEADER);
	if (pInfo->SizeOfDataFormatBuffer == 0) {
		pSrb->Status = STATUS_BUFFER_OVERFLOW;
		return;
	}
	if (pInfo->SizeOfDataFormatBuffer < sizeof(KS_DATAFORMAT_VIDEOINFOHEADER)) {
		pSrb->Status = STATUS_BUFFER_TOO_SMALL;
		return;
	}
	pOut = pInfo->DataFormatBuffer;
	pOut->DataFormat = pPick->DataRange;
	pOut->DataFormat.FormatSize = sizeof(KS_DATAFORMAT_VIDEOINFOHEADER);
	pOut->VideoInfoHeader = pPick->VideoInfoHeader;
	pSrb->Status = STATUS_SUCCESS;
}

VOID STREAMAPI TvReceivePacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	pSrb->Status = STATUS_SUCCESS;
	switch (pSrb->Command) {
	case SRB_INITIALIZE_DEVICE:
		TvInitialize(pSrb);
		break;
	case SRB_GET_STREAM_INFO:
		TvStreamTable(pSrb);
		break;
	case SRB_INITIALIZATION_COMPLETE:
		TvPropertySelfCheck(pSrb->HwDeviceExtension);
		break;
	case SRB_UNINITIALIZE_DEVICE:
	case SRB_SURPRISE_REMOVAL:
		break;
	case SRB_OPEN_STREAM:
		TvOpenStream(pSrb);
		break;
	case SRB_CLOSE_STREAM:
		TvCloseStream(pSrb);
		break;
	case SRB_GET_DATA_INTERSECTION:
		TvIntersect(pSrb);
		break;
	case SRB_GET_DEVICE_PROPERTY:
		TvGetProperty(pSrb);
		break;
	case SRB_SET_DEVICE_PROPERTY:
		TvSetProperty(pSrb);
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
	}
	StreamClassDeviceNotification(DeviceRequestComplete, pSrb->HwDeviceExtension, pSrb);
}

/* Only reads wait in TvCap: look for the SRB on each open stream's queue. */
VOID STREAMAPI TvCancelPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;
	PTV_STREAM_EXTENSION pStrmEx;
	KIRQL Irql;
	ULONG i;

	for (i = 0; i < TVCAP_STREAM_COUNT; i++) {
		KeAcquireSpinLock(&pDevExt->Lock, &Irql);
		pStrmEx = pDevExt->Streams[i];
		KeReleaseSpinLock(&pDevExt->Lock, Irql);
		if (pStrmEx && TvCancelRead(pStrmEx, pSrb)) {
			TvCompleteStreamSrb(pSrb, STATUS_CANCELLED);
			return;
		}
	}
}

/* A read waits as long as its stream is paused or running; others are cancelled. */
VOID STREAMAPI TvTimeoutPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_STREAM_EXTENSION pStrmEx = pSrb->StreamObject ?
		pSrb->StreamObject->HwStreamExtension : NULL;

	if (pStrmEx && (pStrmEx->State == KSSTATE_PAUSE || pStrmEx->State == KSSTATE_RUN)) {
		pSrb->TimeoutCounter = pSrb->TimeoutOriginal;
		return;
	}
	TvCancelPacket(pSrb);
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("strmini.h sample: a virtual analog TV card (tuner, crossbar, decoders)");
STREAMCLASS_DRIVER_ENTRY(DriverEntry, "strmini_tvcap", "ROOT\\STRMINI_TVCAP");
