// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: buffers, configuration space, debugging, and what
 * the class does not offer.
 */
#include <linux/pci.h>
#include <linux/stdarg.h>
#include "strmini_internal.h"

/* Buffers, timers, priorities, clocks, configuration space. */

PVOID StreamClassGetDmaBuffer(PVOID HwDeviceExtension)
{
	return streamclass_get_dma_buffer(strmini_device_of(HwDeviceExtension));
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetDmaBuffer, "STREAMCLASS");

STREAM_PHYSICAL_ADDRESS StreamClassGetPhysicalAddress(PVOID HwDeviceExtension,
						      PHW_STREAM_REQUEST_BLOCK HwSRB,
						      PVOID VirtualAddress,
						      STREAM_BUFFER_TYPE Type, ULONG *Length)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	struct streamclass_srb *sc = HwSRB ? strmini_srb_of(HwSRB)->sc : NULL;
	STREAM_PHYSICAL_ADDRESS pa = { .QuadPart = 0 };
	enum streamclass_buffer_type type;

	switch (Type) {
	case PerRequestExtension:
		type = STREAMCLASS_PER_REQUEST_EXTENSION;
		break;
	case DmaBuffer:
		type = STREAMCLASS_DMA_BUFFER;
		break;
	case SRBDataBuffer:
		type = STREAMCLASS_SRB_DATA_BUFFER;
		break;
	default:
		if (Length)
			*Length = 0;
		return pa;
	}
	pa.QuadPart = streamclass_get_physical_address(dev, sc, VirtualAddress, type, Length);
	return pa;
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetPhysicalAddress, "STREAMCLASS");

BOOLEAN StreamClassReadWriteConfig(PVOID HwDeviceExtension, BOOLEAN Read, PVOID Buffer,
				   ULONG Offset, ULONG Length)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	u8 *b = Buffer;
	ULONG i;

	if (!dev || !dev->pdev || !Buffer)
		return FALSE;
	for (i = 0; i < Length; i++) {
		int err = Read ? pci_read_config_byte(dev->pdev, Offset + i, &b[i]) :
				 pci_write_config_byte(dev->pdev, Offset + i, b[i]);

		if (err)
			return FALSE;
	}
	return TRUE;
}
EXPORT_SYMBOL_NS_GPL(StreamClassReadWriteConfig, "STREAMCLASS");

/* Debugging. */

VOID StreamClassDebugPrint(STREAM_DEBUG_LEVEL DebugPrintLevel, PCCHAR DebugMessage, ...)
{
	struct va_format vaf;
	va_list ap;

	/* Trace and Verbose are dropped, as in a free build. */
	if (DebugPrintLevel > DebugLevelInfo)
		return;
	va_start(ap, DebugMessage);
	vaf.fmt = DebugMessage;
	vaf.va = &ap;
	switch (DebugPrintLevel) {
	case DebugLevelFatal:
	case DebugLevelError:
		pr_err("%pV", &vaf);
		break;
	case DebugLevelWarning:
		pr_warn("%pV", &vaf);
		break;
	default:
		pr_info("%pV", &vaf);
	}
	va_end(ap);
}
EXPORT_SYMBOL_NS_GPL(StreamClassDebugPrint, "STREAMCLASS");

VOID StreamClassDebugAssert(PCHAR File, ULONG Line, PCHAR AssertText, ULONG AssertValue)
{
	WARN(1, "streamclass: assertion failed at %s:%u: %s\n", File, Line, AssertText);
}
EXPORT_SYMBOL_NS_GPL(StreamClassDebugAssert, "STREAMCLASS");

/* What the class does not offer: a status, and one line in the log. */

VOID StreamClassReenumerateStreams(PVOID HwDeviceExtension, ULONG StreamDescriptorSize)
{
	pr_warn_once("streamclass: StreamClassReenumerateStreams: not supported (streams are fixed at probe)\n");
}
EXPORT_SYMBOL_NS_GPL(StreamClassReenumerateStreams, "STREAMCLASS");

VOID StreamClassFilterReenumerateStreams(PVOID HwInstanceExtension, ULONG StreamDescriptorSize)
{
	pr_warn_once("streamclass: StreamClassFilterReenumerateStreams: not supported (no filter instances)\n");
}
EXPORT_SYMBOL_NS_GPL(StreamClassFilterReenumerateStreams, "STREAMCLASS");

PKSEVENT_ENTRY StreamClassGetNextEvent(PVOID HwInstanceExtension_OR_HwDeviceExtension,
				       PHW_STREAM_OBJECT HwStreamObject, GUID *EventGuid,
				       ULONG EventItem, PKSEVENT_ENTRY CurrentEvent)
{
	pr_warn_once("streamclass: StreamClassGetNextEvent: no events are supported: NULL\n");
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetNextEvent, "STREAMCLASS");

NTSTATUS StreamClassRegisterFilterWithNoKSPins(PDEVICE_OBJECT DeviceObject,
					       const GUID *InterfaceClassGUID, ULONG PinCount,
					       BOOL *PinDirection, KSPIN_MEDIUM *MediumList,
					       GUID *CategoryList)
{
	pr_warn_once("streamclass: StreamClassRegisterFilterWithNoKSPins: not supported: STATUS_NOT_SUPPORTED\n");
	return STATUS_NOT_SUPPORTED;
}
EXPORT_SYMBOL_NS_GPL(StreamClassRegisterFilterWithNoKSPins, "STREAMCLASS");
