// SPDX-License-Identifier: GPL-2.0
/*
 * The adapter side of the testcap-style software capture
 * minidriver: DriverEntry, the device SRB switch (initialisation, stream
 * information, open and close, data intersection, device properties), the
 * completion helpers and the cancel and timeout routines.
 */
#include "capmain.h"
#include "capstrm.h"
#include "capprop.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("strmini.h sample: a software capture minidriver drawing colour bars");

/*
 * Called once when the module loads: tells the class the sizes of the
 * extensions and the adapter's entry points.
 */
NTSTATUS DriverEntry(PVOID Context1, PVOID Context2)
{
	HW_INITIALIZATION_DATA HwInitData;

	DebugPrint((DebugLevelVerbose, "TestCap: %s\n", __func__));

	RtlZeroMemory(&HwInitData, sizeof(HwInitData));
	HwInitData.HwInitializationDataSize = sizeof(HwInitData);

	HwInitData.HwInterrupt = NULL;
	HwInitData.HwReceivePacket = AdapterReceivePacket;
	HwInitData.HwCancelPacket = AdapterCancelPacket;
	HwInitData.HwRequestTimeoutHandler = AdapterTimeoutPacket;

	HwInitData.DeviceExtensionSize = sizeof(HW_DEVICE_EXTENSION);
	HwInitData.PerRequestExtensionSize = 0;	/* data SRBs queue on their IRP */
	HwInitData.PerStreamExtensionSize = sizeof(STREAMEX);
	HwInitData.FilterInstanceExtensionSize = 0;

	HwInitData.BusMasterDMA = FALSE;
	HwInitData.Dma24BitAddresses = FALSE;
	HwInitData.BufferAlignment = 3;
	HwInitData.TurnOffSynchronization = FALSE;
	HwInitData.DmaBufferSize = 0;

	return StreamClassRegisterMinidriver(Context1, Context2, &HwInitData);
}

/* Hands a device SRB back to the class (pSrb->Status already set). */
VOID CompleteDeviceSRB(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	StreamClassDeviceNotification(DeviceRequestComplete, pSrb->HwDeviceExtension, pSrb);
}

/* Hands a stream SRB back to the class (pSrb->Status already set). */
VOID CompleteStreamSRB(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	StreamClassStreamNotification(StreamRequestComplete, pSrb->StreamObject, pSrb);
}

/*
 * SRB_INITIALIZE_DEVICE, the first SRB a device gets: set up the device
 * extension and say how large the stream descriptor will be.
 */
static VOID AdapterInitialize(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PPORT_CONFIGURATION_INFORMATION ConfigInfo = pSrb->CommandData.ConfigInfo;
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;

	RtlZeroMemory(pHwDevExt, sizeof(HW_DEVICE_EXTENSION));
	KeInitializeSpinLock(&pHwDevExt->AdapterSpinLock);
	pHwDevExt->Brightness = VIDEOPROCAMP_DEFAULT;
	pHwDevExt->Contrast = VIDEOPROCAMP_DEFAULT;

	ConfigInfo->StreamDescriptorSize = sizeof(HW_STREAM_HEADER) +
		DRIVER_STREAM_COUNT * sizeof(HW_STREAM_INFORMATION);

	/* On a PCI bus, say which device this is, from its configuration space. */
	if (ConfigInfo->AdapterInterfaceType == PCIBus) {
		USHORT Id[2];

		if (!StreamClassReadWriteConfig(pHwDevExt, TRUE, Id, 0, sizeof(Id))) {
			pSrb->Status = STATUS_IO_DEVICE_ERROR;
			return;
		}
		DebugPrint((DebugLevelInfo, "TestCap: PCI device %04x:%04x\n", Id[0], Id[1]));
	}

	pSrb->Status = STATUS_SUCCESS;
}

/*
 * SRB_GET_STREAM_INFO, after initialisation: fill the descriptor (zeroed
 * by the class, NumberOfBytesToTransfer bytes: the StreamDescriptorSize
 * asked for) with the header and one HW_STREAM_INFORMATION per stream.
 */
static VOID AdapterStreamInfo(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_STREAM_HEADER pStreamHeader = &pSrb->CommandData.StreamBuffer->StreamHeader;
	PHW_STREAM_INFORMATION pStreamInfo = &pSrb->CommandData.StreamBuffer->StreamInfo;
	ULONG i;

	if (pSrb->NumberOfBytesToTransfer <
	    sizeof(HW_STREAM_HEADER) + sizeof(HW_STREAM_INFORMATION) * DRIVER_STREAM_COUNT) {
		DebugPrint((DebugLevelError, "TestCap: stream info buffer of %u bytes\n",
			    pSrb->NumberOfBytesToTransfer));
		pSrb->Status = STATUS_BUFFER_TOO_SMALL;
		return;
	}

	pStreamHeader->NumberOfStreams = DRIVER_STREAM_COUNT;
	pStreamHeader->SizeOfHwStreamInformation = sizeof(HW_STREAM_INFORMATION);
	pStreamHeader->NumDevPropArrayEntries = NumAdapterProperties;
	pStreamHeader->DevicePropertiesArray = (PKSPROPERTY_SET)AdapterPropertyTable;

	for (i = 0; i < DRIVER_STREAM_COUNT; i++)
		pStreamInfo[i] = Streams[i].hwStreamInfo;

	pSrb->Status = STATUS_SUCCESS;
}

/* The three GUIDs of two format headers are the same. */
static BOOLEAN AdapterCompareGUIDs(const KSDATARANGE *pA, const KSDATARANGE *pB)
{
	return IsEqualGUID(&pA->MajorFormat, &pB->MajorFormat) &&
	       IsEqualGUID(&pA->SubFormat, &pB->SubFormat) &&
	       IsEqualGUID(&pA->Specifier, &pB->Specifier);
}

/*
 * The range of StreamNumber that a format to open matches (its GUIDs and
 * its size), or NULL.
 */
static const KS_DATARANGE_VIDEO *AdapterVerifyFormat(PKSDATAFORMAT pKSDataFormat,
						     ULONG StreamNumber)
{
	const HW_STREAM_INFORMATION *pInfo = &Streams[StreamNumber].hwStreamInfo;
	PKS_DATAFORMAT_VIDEOINFOHEADER pFormat = (PKS_DATAFORMAT_VIDEOINFOHEADER)pKSDataFormat;
	const KS_DATARANGE_VIDEO *pRange;
	ULONG i;

	if (!pKSDataFormat || pKSDataFormat->FormatSize < sizeof(KS_DATAFORMAT_VIDEOINFOHEADER))
		return NULL;

	for (i = 0; i < pInfo->NumberOfFormatArrayEntries; i++) {
		pRange = (const KS_DATARANGE_VIDEO *)pInfo->StreamFormatsArray[i];
		if (!AdapterCompareGUIDs(&pRange->DataRange, pKSDataFormat))
			continue;
		if (pFormat->VideoInfoHeader.bmiHeader.biWidth ==
			    pRange->VideoInfoHeader.bmiHeader.biWidth &&
		    pFormat->VideoInfoHeader.bmiHeader.biHeight ==
			    pRange->VideoInfoHeader.bmiHeader.biHeight)
			return pRange;
	}
	return NULL;
}

/*
 * SRB_OPEN_STREAM, when a client opens a stream with a format: check the
 * format, set up the stream extension and give the class the stream's
 * packet routines.
 */
static VOID AdapterOpenStream(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;
	PHW_STREAM_OBJECT pStreamObject = pSrb->StreamObject;
	PSTREAMEX pStrmEx = pStreamObject->HwStreamExtension;
	ULONG StreamNumber = pStreamObject->StreamNumber;
	const KS_DATARANGE_VIDEO *pRange;
	KIRQL Irql;

	/* The analog input is a bridge pin: only the capture stream opens. */
	if (StreamNumber != STREAM_Capture ||
	    pHwDevExt->ActualInstances[StreamNumber] >=
		    Streams[StreamNumber].hwStreamInfo.NumberOfPossibleInstances) {
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}

	pRange = AdapterVerifyFormat(pSrb->CommandData.OpenFormat, StreamNumber);
	if (!pRange) {
		DebugPrint((DebugLevelError, "TestCap: open of stream %u: format refused\n",
			    StreamNumber));
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}

	RtlZeroMemory(pStrmEx, sizeof(STREAMEX));
	pStrmEx->pHwDevExt = pHwDevExt;
	pStrmEx->pStreamObject = pStreamObject;
	pStrmEx->KSState = KSSTATE_STOP;
	pStrmEx->VideoInfoHeader = pRange->VideoInfoHeader;
	pStrmEx->TimerPeriod = (ULONG)(pRange->VideoInfoHeader.AvgTimePerFrame / 10);
	InitializeListHead(&pStrmEx->DataQueue);
	/* stream.sys sends the first data SRB of a stream unasked. */
	pStrmEx->ReadyForData = TRUE;
	KeInitializeSpinLock(&pStrmEx->DataQueueSpinLock);
	pStrmEx->PictureNumber = 0;
	pStrmEx->DropCount = 0;

	pStreamObject->ReceiveDataPacket = Streams[StreamNumber].hwStreamObject.ReceiveDataPacket;
	pStreamObject->ReceiveControlPacket =
		Streams[StreamNumber].hwStreamObject.ReceiveControlPacket;
	pStreamObject->StreamHeaderMediaSpecific =
		Streams[StreamNumber].hwStreamObject.StreamHeaderMediaSpecific;
	pStreamObject->Dma = Streams[StreamNumber].hwStreamObject.Dma;
	pStreamObject->Pio = Streams[StreamNumber].hwStreamObject.Pio;

	KeAcquireSpinLock(&pHwDevExt->AdapterSpinLock, &Irql);
	pHwDevExt->pStrmEx[StreamNumber] = pStrmEx;
	pHwDevExt->ActualInstances[StreamNumber]++;
	KeReleaseSpinLock(&pHwDevExt->AdapterSpinLock, Irql);

	DebugPrint((DebugLevelInfo, "TestCap: stream %u open, %dx%d\n", StreamNumber,
		    pRange->VideoInfoHeader.bmiHeader.biWidth,
		    pRange->VideoInfoHeader.bmiHeader.biHeight));
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * SRB_CLOSE_STREAM, when the client closes the stream (the class stepped
 * it down to STOP first): stop the timer and hand back any SRB left.
 */
static VOID AdapterCloseStream(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;
	PSTREAMEX pStrmEx = pSrb->StreamObject->HwStreamExtension;
	ULONG StreamNumber = pSrb->StreamObject->StreamNumber;
	KIRQL Irql;

	StreamClassScheduleTimer(pSrb->StreamObject, pHwDevExt, 0, NULL, NULL);
	pStrmEx->KSState = KSSTATE_STOP;
	VideoQueueCancelAllSRBs(pStrmEx);

	KeAcquireSpinLock(&pHwDevExt->AdapterSpinLock, &Irql);
	if (StreamNumber < DRIVER_STREAM_COUNT && pHwDevExt->pStrmEx[StreamNumber] == pStrmEx) {
		pHwDevExt->pStrmEx[StreamNumber] = NULL;
		pHwDevExt->ActualInstances[StreamNumber]--;
	}
	KeReleaseSpinLock(&pHwDevExt->AdapterSpinLock, Irql);
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * SRB_GET_DATA_INTERSECTION, when a client asks for a format within a
 * range: the first range of the stream with the same GUIDs and size (or,
 * failing the size, the first with the same GUIDs), as a
 * KS_DATAFORMAT_VIDEOINFOHEADER.
 */
static VOID AdapterFormatFromRange(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAM_DATA_INTERSECT_INFO pIntersectInfo = pSrb->CommandData.IntersectInfo;
	PKS_DATARANGE_VIDEO pRequested = (PKS_DATARANGE_VIDEO)pIntersectInfo->DataRange;
	const KS_DATARANGE_VIDEO *pRange, *pFirst = NULL, *pMatch = NULL;
	const HW_STREAM_INFORMATION *pInfo;
	PKS_DATAFORMAT_VIDEOINFOHEADER pFormat;
	ULONG i;

	/* Only the capture stream has video formats to intersect. */
	if (pIntersectInfo->StreamNumber != STREAM_Capture) {
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}

	pInfo = &Streams[pIntersectInfo->StreamNumber].hwStreamInfo;
	for (i = 0; i < pInfo->NumberOfFormatArrayEntries; i++) {
		pRange = (const KS_DATARANGE_VIDEO *)pInfo->StreamFormatsArray[i];
		if (!AdapterCompareGUIDs(&pRange->DataRange, &pRequested->DataRange))
			continue;
		if (!pFirst)
			pFirst = pRange;
		if (pRange->VideoInfoHeader.bmiHeader.biWidth ==
			    pRequested->VideoInfoHeader.bmiHeader.biWidth &&
		    pRange->VideoInfoHeader.bmiHeader.biHeight ==
			    pRequested->VideoInfoHeader.bmiHeader.biHeight) {
			pMatch = pRange;
			break;
		}
	}
	if (!pMatch)
		pMatch = pFirst;
	if (!pMatch) {
		pSrb->Status = STATUS_INVALID_PARAMETER;	/* STATUS_NO_MATCH */
		return;
	}

	if (pIntersectInfo->SizeOfDataFormatBuffer == 0) {
		pSrb->ActualBytesTransferred = sizeof(KS_DATAFORMAT_VIDEOINFOHEADER);
		pSrb->Status = STATUS_BUFFER_OVERFLOW;
		return;
	}
	if (pIntersectInfo->SizeOfDataFormatBuffer < sizeof(KS_DATAFORMAT_VIDEOINFOHEADER)) {
		pSrb->Status = STATUS_BUFFER_TOO_SMALL;
		return;
	}

	pFormat = pIntersectInfo->DataFormatBuffer;
	pFormat->DataFormat = pMatch->DataRange;
	pFormat->DataFormat.FormatSize = sizeof(KS_DATAFORMAT_VIDEOINFOHEADER);
	pFormat->VideoInfoHeader = pMatch->VideoInfoHeader;

	pSrb->ActualBytesTransferred = sizeof(KS_DATAFORMAT_VIDEOINFOHEADER);
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * The class sends every device SRB here, one at a time: initialisation,
 * stream information, open and close, intersections, properties and
 * removal. Each is completed before returning.
 */
VOID STREAMAPI AdapterReceivePacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	DebugPrint((DebugLevelVerbose, "TestCap: device SRB %#x\n", pSrb->Command));

	pSrb->Status = STATUS_SUCCESS;
	switch (pSrb->Command) {
	case SRB_INITIALIZE_DEVICE:
		AdapterInitialize(pSrb);
		break;
	case SRB_UNINITIALIZE_DEVICE:
	case SRB_INITIALIZATION_COMPLETE:
	case SRB_SURPRISE_REMOVAL:
		pSrb->Status = STATUS_SUCCESS;
		break;
	case SRB_GET_STREAM_INFO:
		AdapterStreamInfo(pSrb);
		break;
	case SRB_OPEN_STREAM:
		AdapterOpenStream(pSrb);
		break;
	case SRB_CLOSE_STREAM:
		AdapterCloseStream(pSrb);
		break;
	case SRB_GET_DATA_INTERSECTION:
		AdapterFormatFromRange(pSrb);
		break;
	case SRB_GET_DEVICE_PROPERTY:
		AdapterGetProperty(pSrb);
		break;
	case SRB_SET_DEVICE_PROPERTY:
		AdapterSetProperty(pSrb);
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		break;
	}

	CompleteDeviceSRB(pSrb);
}

/*
 * The class calls this to cancel an SRB it sent and that is still pending
 * (a stream stopping, a client going away). Only data SRBs wait here, on
 * a stream's queue; a device SRB was completed already.
 */
VOID STREAMAPI AdapterCancelPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;
	PSTREAMEX pStrmEx;
	KIRQL Irql;
	ULONG i;

	for (i = 0; i < DRIVER_STREAM_COUNT; i++) {
		KeAcquireSpinLock(&pHwDevExt->AdapterSpinLock, &Irql);
		pStrmEx = pHwDevExt->pStrmEx[i];
		KeReleaseSpinLock(&pHwDevExt->AdapterSpinLock, Irql);

		if (pStrmEx && VideoQueueCancelOneSRB(pStrmEx, pSrb)) {
			DebugPrint((DebugLevelVerbose, "TestCap: SRB cancelled\n"));
			pSrb->Status = STATUS_CANCELLED;
			CompleteStreamSRB(pSrb);
			return;
		}
	}
}

/*
 * The class calls this when an SRB's TimeoutCounter runs out. A paused or
 * running stream only waits for its next frame (a graph may stay paused
 * for long): give the SRB more time. Otherwise the SRB is not coming back
 * by itself: cancel it.
 */
VOID STREAMAPI AdapterTimeoutPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PSTREAMEX pStrmEx = pSrb->StreamObject ? pSrb->StreamObject->HwStreamExtension : NULL;

	if (pStrmEx && (pStrmEx->KSState == KSSTATE_RUN || pStrmEx->KSState == KSSTATE_PAUSE)) {
		if ((pSrb->Flags & SRB_HW_FLAGS_DATA_TRANSFER) && !pStrmEx->DataTimeoutSeen) {
			pStrmEx->DataTimeoutSeen = TRUE;
			DebugPrint((DebugLevelInfo,
				    "TestCap: a data SRB waited %u s (TimeoutOriginal): more time\n",
				    pSrb->TimeoutOriginal));
		}
		pSrb->TimeoutCounter = pSrb->TimeoutOriginal;
		return;
	}

	DebugPrint((DebugLevelWarning, "TestCap: SRB %#x timed out\n", pSrb->Command));
	AdapterCancelPacket(pSrb);
}

/*
 * Linux glue: the module's init and exit around DriverEntry, and the INF's
 * hardware IDs: a root-enumerated device (one virtual device here), and
 * QEMU's edu PCI device, which this software sample drives the same way.
 */
STREAMCLASS_DRIVER_ENTRY(DriverEntry, "strmini_testcap", "ROOT\\STRMINI_TESTCAP",
			 "PCI\\VEN_1234&DEV_11E8");
