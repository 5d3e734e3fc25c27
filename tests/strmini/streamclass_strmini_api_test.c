// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks of the strmini.h layer's routines (compat/), through
 * a minidriver written against the Windows names: its DriverEntry is run by
 * streamclass_strmini_load() as STREAMCLASS_DRIVER_ENTRY() would, with one
 * root-enumerated hardware ID (a virtual device "strmini_api.0").
 *
 * - StreamClassRegisterMinidriver() refuses bad initialization data with
 *   STATUS_INVALID_PARAMETER, a second registration with
 *   STATUS_INVALID_DEVICE_REQUEST, and a DriverEntry that fails or registers
 *   nothing fails the load.
 * - At SRB_INITIALIZE_DEVICE the minidriver sees its port configuration,
 *   a zeroed extension, the common DMA buffer and its bus addresses
 *   (StreamClassGetDmaBuffer, StreamClassGetPhysicalAddress of the buffer
 *   and of the SRB extension), and StreamClassReadWriteConfig refusing a
 *   device with no configuration space.
 * - At SRB_INITIALIZATION_COMPLETE it keeps the SRB, says
 *   ReadyForNextDeviceRequest (the two-argument form), and schedules a
 *   device timer (StreamClassScheduleTimer with no stream) and a Low
 *   priority routine (StreamClassCallAtNewPriority), which calls back at
 *   LowToHigh; the timer routine gives the SRB back through
 *   StreamClassAbortOutstandingRequests(STATUS_SUCCESS), after which the
 *   minidriver's own late completion is refused. The probe ends, so the
 *   abort completed the SRB.
 * - The IRQL each routine runs at: PASSIVE_LEVEL for Low, DISPATCH_LEVEL
 *   for the timer and LowToHigh.
 * - With DBG 1, DebugPrint, KdPrint, ASSERT and DEBUG_ASSERT evaluate their
 *   arguments (a true assertion is silent).
 * - Every device SRB has an IRP: SRB_INITIALIZATION_COMPLETE waits on a
 *   queue through Irp->Tail.Overlay.ListEntry, found again through
 *   DriverContext[0]; SRB_GET_STREAM_INFO's NumberOfBytesToTransfer is
 *   the StreamDescriptorSize asked for.
 * - TimeoutCounter: a held SRB given 2 s times out once (its handler is
 *   called); one whose counter a timer routine sets to 0 after 0.5 s never
 *   does, though it is held 3.5 s.
 */
/* A checked build: the debugging macros are live (free_build, in
 * streamclass_strmini_layout_test.c, checks DBG 0). */
#define DBG 1

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <streamclass/strmini.h>

#define API_DMA_BUFFER_SIZE 8192
#define API_SRB_EXTENSION_SIZE 64

typedef struct _API_EXTENSION {
	ULONG Marker;			/* zero when the class hands it over */
	PHW_STREAM_REQUEST_BLOCK HeldSrb;
	LIST_ENTRY Queue;		/* SRBs waiting, through their IRP */
} API_EXTENSION, *PAPI_EXTENSION;

/* What the minidriver saw, for the test cases to judge. */
static struct {
	int mode;
	bool zeroed;
	bool config_ok;
	PVOID dma_buffer;
	LONGLONG dma_address;
	ULONG dma_length;
	LONGLONG ext_address;
	ULONG ext_length;
	BOOLEAN config_read;
	KIRQL timer_irql, low_irql, high_irql;
	bool uninitialized;
	struct completion timer_done, low_done, high_done;
	bool irp_queued;
	ULONG stream_info_bytes;
	int timeouts;
	ULONG counter_at_zeroing;
} seen;

enum { MODE_GOOD, MODE_BAD_SIZE, MODE_BAD_ALIGNMENT, MODE_NO_PACKET, MODE_FAIL, MODE_NONE,
       MODE_TWICE, MODE_TIMEOUT, MODE_TIMEOUT_ZEROED };

static const char *const api_ids[] = { "ROOT\\STRMINI_API", NULL };
static DRIVER_OBJECT api_object = {
	.Name = "strmini_api",
	.HardwareIds = api_ids,
	.Owner = THIS_MODULE,
};
STREAMCLASS_DRIVER_GLUE(api_object);

static VOID ApiHighRoutine(PVOID Context)
{
	seen.high_irql = KeGetCurrentIrql();
	complete(&seen.high_done);
}

static VOID ApiLowRoutine(PVOID Context)
{
	seen.low_irql = KeGetCurrentIrql();
	StreamClassCallAtNewPriority(NULL, Context, LowToHigh, ApiHighRoutine, Context);
	complete(&seen.low_done);
}

/* The SRB at the head of the queue, taken off it, or NULL. */
static PHW_STREAM_REQUEST_BLOCK ApiDequeue(PAPI_EXTENSION ext)
{
	PIRP irp;

	if (IsListEmpty(&ext->Queue))
		return NULL;
	irp = CONTAINING_RECORD(RemoveHeadList(&ext->Queue), IRP, Tail.Overlay.ListEntry);
	return irp->Tail.Overlay.DriverContext[0];
}

static VOID ApiTimerRoutine(PVOID Context)
{
	PAPI_EXTENSION ext = Context;
	PHW_STREAM_REQUEST_BLOCK srb = ext->HeldSrb;

	seen.irp_queued = ApiDequeue(ext) == srb && srb;

	seen.timer_irql = KeGetCurrentIrql();
	ext->HeldSrb = NULL;
	/* The class completes it; the minidriver's own completion is late. */
	StreamClassAbortOutstandingRequests(ext, NULL, STATUS_SUCCESS);
	StreamClassDeviceNotification(DeviceRequestComplete, ext, srb);
	complete(&seen.timer_done);
}

/* The end of a timeout case: the held SRB is completed. */
static VOID ApiCompleteRoutine(PVOID Context)
{
	PAPI_EXTENSION ext = Context;
	PHW_STREAM_REQUEST_BLOCK srb = ApiDequeue(ext);

	if (srb)
		StreamClassDeviceNotification(DeviceRequestComplete, ext, srb);
}

/* A DPC-time change of a held SRB's TimeoutCounter: 0, no timeout. */
static VOID ApiZeroRoutine(PVOID Context)
{
	PAPI_EXTENSION ext = Context;

	seen.counter_at_zeroing = ext->HeldSrb->TimeoutCounter;
	ext->HeldSrb->TimeoutCounter = 0;
	StreamClassScheduleTimer(NULL, ext, 3000000, ApiCompleteRoutine, ext);
}

static VOID ApiTimeoutPacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	seen.timeouts++;
	if (seen.mode == MODE_TIMEOUT)
		ApiCompleteRoutine(pSrb->HwDeviceExtension);
}

static VOID ApiReceivePacket(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PAPI_EXTENSION ext = pSrb->HwDeviceExtension;
	PPORT_CONFIGURATION_INFORMATION cfg;
	UCHAR id[2];

	pSrb->Status = STATUS_SUCCESS;
	switch (pSrb->Command) {
	case SRB_INITIALIZE_DEVICE:
		cfg = pSrb->CommandData.ConfigInfo;
		seen.zeroed = ext->Marker == 0;
		ext->Marker = 0x5354524d;
		seen.config_ok = cfg->SizeOfThisPacket == sizeof(*cfg) &&
				 cfg->HwDeviceExtension == ext &&
				 cfg->AdapterInterfaceType == Internal &&
				 cfg->NumberOfAccessRanges == 0 && cfg->BusInterruptLevel == 0;
		seen.dma_buffer = StreamClassGetDmaBuffer(ext);
		if (seen.dma_buffer)
			seen.dma_address = StreamClassGetPhysicalAddress(
				ext, NULL, (u8 *)seen.dma_buffer + 100, DmaBuffer,
				&seen.dma_length).QuadPart;
		seen.ext_address = StreamClassGetPhysicalAddress(ext, pSrb, pSrb->SRBExtension,
								 PerRequestExtension,
								 &seen.ext_length).QuadPart;
		seen.config_read = StreamClassReadWriteConfig(ext, TRUE, id, 0, sizeof(id));
		cfg->StreamDescriptorSize = sizeof(HW_STREAM_HEADER) + 8;
		InitializeListHead(&ext->Queue);
		break;
	case SRB_GET_STREAM_INFO:
		seen.stream_info_bytes = pSrb->NumberOfBytesToTransfer;
		pSrb->CommandData.StreamBuffer->StreamHeader.NumberOfStreams = 0;
		pSrb->CommandData.StreamBuffer->StreamHeader.SizeOfHwStreamInformation =
			sizeof(HW_STREAM_INFORMATION);
		break;
	case SRB_INITIALIZATION_COMPLETE:
		/* Kept, queued through its IRP: a timer gives it back. */
		ext->HeldSrb = pSrb;
		pSrb->Irp->Tail.Overlay.DriverContext[0] = pSrb;
		InsertTailList(&ext->Queue, &pSrb->Irp->Tail.Overlay.ListEntry);
		if (seen.mode == MODE_TIMEOUT || seen.mode == MODE_TIMEOUT_ZEROED) {
			pSrb->TimeoutCounter = 2;
			if (seen.mode == MODE_TIMEOUT_ZEROED)
				StreamClassScheduleTimer(NULL, ext, 500000, ApiZeroRoutine, ext);
			return;
		}
		StreamClassDeviceNotification(ReadyForNextDeviceRequest, ext);
		StreamClassScheduleTimer(NULL, ext, 2000, ApiTimerRoutine, ext);
		StreamClassCallAtNewPriority(NULL, ext, Low, ApiLowRoutine, ext);
		return;
	case SRB_UNINITIALIZE_DEVICE:
		seen.uninitialized = true;
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
	}
	StreamClassDeviceNotification(DeviceRequestComplete, ext, pSrb);
}

static NTSTATUS ApiDriverEntry(PVOID Context1, PVOID Context2)
{
	HW_INITIALIZATION_DATA hw;
	NTSTATUS status;

	RtlZeroMemory(&hw, sizeof(hw));
	hw.HwInitializationDataSize = sizeof(hw);
	hw.HwReceivePacket = ApiReceivePacket;
	hw.HwRequestTimeoutHandler = ApiTimeoutPacket;
	hw.DeviceExtensionSize = sizeof(API_EXTENSION);
	hw.PerRequestExtensionSize = API_SRB_EXTENSION_SIZE;
	hw.DmaBufferSize = API_DMA_BUFFER_SIZE;
	hw.BufferAlignment = 3;
	switch (seen.mode) {
	case MODE_BAD_SIZE:
		hw.HwInitializationDataSize = 8;
		break;
	case MODE_BAD_ALIGNMENT:
		hw.BufferAlignment = 5;
		break;
	case MODE_NO_PACKET:
		hw.HwReceivePacket = NULL;
		break;
	case MODE_FAIL:
		return STATUS_INSUFFICIENT_RESOURCES;
	case MODE_NONE:
		return STATUS_SUCCESS;
	}
	status = StreamClassRegisterMinidriver(Context1, Context2, &hw);
	if (seen.mode == MODE_TWICE && NT_SUCCESS(status))
		return StreamClassRegisterMinidriver(Context1, Context2, &hw);
	return status;
}

static NTSTATUS api_entry(PDRIVER_OBJECT d, PUNICODE_STRING r)
{
	return ApiDriverEntry(d, r);
}

static int load(int mode)
{
	memset(&seen, 0, sizeof(seen));
	init_completion(&seen.timer_done);
	init_completion(&seen.low_done);
	init_completion(&seen.high_done);
	seen.mode = mode;
	return streamclass_strmini_load(&api_object, &api_object_glue, api_entry);
}

static void bad_registrations(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, StreamClassRegisterMinidriver(NULL, NULL, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, load(MODE_BAD_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, load(MODE_BAD_ALIGNMENT), -EINVAL);
	KUNIT_EXPECT_EQ(test, load(MODE_NO_PACKET), -EINVAL);
	KUNIT_EXPECT_EQ(test, load(MODE_FAIL), -EINVAL);
	KUNIT_EXPECT_EQ(test, load(MODE_NONE), -ENODEV);
	/* The second registration fails the entry: the first is undone. */
	KUNIT_EXPECT_EQ(test, load(MODE_TWICE), -EINVAL);
	KUNIT_EXPECT_NULL(test, api_object.Compat);
	KUNIT_EXPECT_FALSE(test, driver_find("strmini_api", &platform_bus_type));
}

static void device_services(struct kunit *test)
{
	struct device *dev;

	KUNIT_ASSERT_EQ(test, load(MODE_GOOD), 0);
	/* Bound: the probe ended, so the abort completed the held SRB. */
	dev = bus_find_device_by_name(&platform_bus_type, NULL, "strmini_api.0");
	KUNIT_EXPECT_TRUE(test, dev && dev->driver);
	put_device(dev);
	KUNIT_EXPECT_TRUE(test, seen.zeroed);
	KUNIT_EXPECT_TRUE(test, seen.config_ok);
	KUNIT_EXPECT_NOT_NULL(test, seen.dma_buffer);
	KUNIT_EXPECT_NE(test, seen.dma_address, 0);
	KUNIT_EXPECT_EQ(test, seen.dma_length, API_DMA_BUFFER_SIZE - 100);
	KUNIT_EXPECT_NE(test, seen.ext_address, 0);
	KUNIT_EXPECT_EQ(test, seen.ext_length, API_SRB_EXTENSION_SIZE);
	KUNIT_EXPECT_FALSE(test, seen.config_read);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&seen.timer_done, 10 * HZ));
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&seen.low_done, 10 * HZ));
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&seen.high_done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, seen.timer_irql, DISPATCH_LEVEL);
	KUNIT_EXPECT_EQ(test, seen.low_irql, PASSIVE_LEVEL);
	KUNIT_EXPECT_EQ(test, seen.high_irql, DISPATCH_LEVEL);
	KUNIT_EXPECT_TRUE(test, seen.irp_queued);
	KUNIT_EXPECT_EQ(test, seen.stream_info_bytes, sizeof(HW_STREAM_HEADER) + 8);
	streamclass_strmini_unload(&api_object);
	KUNIT_EXPECT_TRUE(test, seen.uninitialized);
	KUNIT_EXPECT_NULL(test, api_object.Compat);
}

/*
 * A held device SRB's TimeoutCounter: counted down (its handler is called
 * once at 0), and obeyed when a timer routine sets it to 0.
 */
static void timeouts(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, load(MODE_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, seen.timeouts, 1);
	streamclass_strmini_unload(&api_object);

	KUNIT_ASSERT_EQ(test, load(MODE_TIMEOUT_ZEROED), 0);
	/* The probe waited 3.5 s for the SRB: its 2 s were not counted. */
	KUNIT_EXPECT_EQ(test, seen.counter_at_zeroing, 2);
	KUNIT_EXPECT_EQ(test, seen.timeouts, 0);
	streamclass_strmini_unload(&api_object);
}

static void debug_print(struct kunit *test)
{
	int n = 0;

	/* Printed (Error, Info) or dropped (Verbose); DEBUG_ASSERT of a truth is silent. */
	DebugPrint((DebugLevelError, "strmini_api: DebugPrint at Error: %d\n", ++n));
	DebugPrint((DebugLevelInfo, "strmini_api: DebugPrint at Info: %s\n", "two"));
	DebugPrint((DebugLevelVerbose, "strmini_api: DebugPrint at Verbose: never shown\n"));
	DEBUG_ASSERT(++n == 2);
	ASSERT(++n == 3);
	KdPrint(("strmini_api: KdPrint in a checked build: %d\n", ++n));
	KUNIT_EXPECT_EQ(test, DBG, 1);
	KUNIT_EXPECT_EQ(test, n, 4);
}

static struct kunit_case strmini_api_cases[] = {
	KUNIT_CASE(bad_registrations),
	KUNIT_CASE(device_services),
	KUNIT_CASE(timeouts),
	KUNIT_CASE(debug_print),
	{}
};

static struct kunit_suite strmini_api_suite = {
	.name = "streamclass_strmini_api",
	.test_cases = strmini_api_cases,
};
kunit_test_suite(strmini_api_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit checks of streamclass's strmini.h routines");
MODULE_IMPORT_NS("STREAMCLASS");
