/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass/strmini.h: Windows' strmini.h over streamclass, for porting a
 * stream class minidriver to Linux with its source (not its binary).
 *
 * The structures keep Microsoft's names and field order, so positional
 * initialisers carry over; widths follow the Windows x64 ABI where the C
 * types allow (ULONG is 32 bits) and Linux where they must (KSPIN_LOCK).
 * Every StreamClass* routine of strmini.h is declared; what each one does
 * here, and the few that only log and return, are listed in
 * Documentation/strmini-porting.rst.
 *
 * A minidriver includes this header (and <streamclass/ksmedia.h> for video),
 * keeps its DriverEntry() and replaces the INF with one line:
 *
 *	STREAMCLASS_DRIVER_ENTRY(DriverEntry, "mydriver", "PCI\\VEN_1234&DEV_11E8");
 */
#ifndef _STREAMCLASS_STRMINI_H
#define _STREAMCLASS_STRMINI_H

#include <linux/init.h>
#include <linux/io.h>
#include <linux/module.h>
#include <streamclass/wdm.h>
#include <streamclass/ks.h>

#define STREAMAPI

typedef enum {
	DebugLevelFatal = 0,
	DebugLevelError,
	DebugLevelWarning,
	DebugLevelInfo,
	DebugLevelTrace,
	DebugLevelVerbose,
	DebugLevelMaximum,
} STREAM_DEBUG_LEVEL;

#define DebugLevelAlways DebugLevelFatal

/*
 * The checked build's macros: live with DBG 1, nothing with DBG 0 (the
 * default, a free build; wdm.h), where their arguments are not evaluated.
 */
#if DBG
#define DebugPrint(x) StreamClassDebugPrint x
#define DEBUG_BREAKPOINT() DbgBreakPoint()
#define DEBUG_ASSERT(exp)                                                          \
	do {                                                                       \
		if (!(exp))                                                        \
			StreamClassDebugAssert(__FILE__, __LINE__, #exp, 0);      \
	} while (0)
#else
#define DebugPrint(x) ((void)0)
#define DEBUG_BREAKPOINT() ((void)0)
#define DEBUG_ASSERT(exp) ((void)0)
#endif

/* A ULONG field the minidriver has not set. */
#define MP_UNINITIALIZED_VALUE ((ULONG)~0)

typedef PHYSICAL_ADDRESS STREAM_PHYSICAL_ADDRESS, *PSTREAM_PHYSICAL_ADDRESS;
typedef ULONGLONG STREAM_SYSTEM_TIME, *PSTREAM_SYSTEM_TIME;
typedef ULONGLONG STREAM_TIMESTAMP, *PSTREAM_TIMESTAMP;
#define STREAM_SYSTEM_TIME_MASK ((STREAM_SYSTEM_TIME)0x00000001FFFFFFFF)

typedef enum {
	TIME_GET_STREAM_TIME,
	TIME_READ_ONBOARD_CLOCK,
	TIME_SET_ONBOARD_CLOCK,
} TIME_FUNCTION;

typedef struct _HW_TIME_CONTEXT {
	struct _HW_DEVICE_EXTENSION *HwDeviceExtension;
	struct _HW_STREAM_OBJECT *HwStreamObject;
	TIME_FUNCTION Function;
	ULONGLONG Time;
	ULONGLONG SystemTime;
} HW_TIME_CONTEXT, *PHW_TIME_CONTEXT;

typedef struct _HW_EVENT_DESCRIPTOR {
	BOOLEAN Enable;
	PKSEVENT_ENTRY EventEntry;
	PKSEVENTDATA EventData;
	union {
		struct _HW_STREAM_OBJECT *StreamObject;
		struct _HW_DEVICE_EXTENSION *DeviceExtension;
	};
	ULONG EnableEventSetIndex;
	PVOID HwInstanceExtension;
	ULONG Reserved;
} HW_EVENT_DESCRIPTOR, *PHW_EVENT_DESCRIPTOR;

struct _HW_STREAM_REQUEST_BLOCK;

typedef VOID (*PHW_RECEIVE_STREAM_DATA_SRB)(struct _HW_STREAM_REQUEST_BLOCK *SRB);
typedef VOID (*PHW_RECEIVE_STREAM_CONTROL_SRB)(struct _HW_STREAM_REQUEST_BLOCK *SRB);
typedef NTSTATUS (*PHW_EVENT_ROUTINE)(PHW_EVENT_DESCRIPTOR EventDescriptor);
typedef VOID (*PHW_CLOCK_FUNCTION)(PHW_TIME_CONTEXT HwTimeContext);

typedef struct _HW_CLOCK_OBJECT {
	PHW_CLOCK_FUNCTION HwClockFunction;
	ULONG ClockSupportFlags;
	ULONG Reserved[2];
} HW_CLOCK_OBJECT, *PHW_CLOCK_OBJECT;

#define CLOCK_SUPPORT_CAN_SET_ONBOARD_CLOCK	0x1
#define CLOCK_SUPPORT_CAN_READ_ONBOARD_CLOCK	0x2
#define CLOCK_SUPPORT_CAN_RETURN_STREAM_TIME	0x4

typedef struct _HW_STREAM_OBJECT {
	ULONG SizeOfThisPacket;
	ULONG StreamNumber;
	PVOID HwStreamExtension;
	PHW_RECEIVE_STREAM_DATA_SRB ReceiveDataPacket;
	PHW_RECEIVE_STREAM_CONTROL_SRB ReceiveControlPacket;
	HW_CLOCK_OBJECT HwClockObject;
	BOOLEAN Dma;
	BOOLEAN Pio;
	PVOID HwDeviceExtension;
	ULONG StreamHeaderMediaSpecific;
	ULONG StreamHeaderWorkspace;
	BOOLEAN Allocator;
	PHW_EVENT_ROUTINE HwEventRoutine;
	ULONG Reserved[2];
} HW_STREAM_OBJECT, *PHW_STREAM_OBJECT;

typedef struct _HW_STREAM_HEADER {
	ULONG NumberOfStreams;
	ULONG SizeOfHwStreamInformation;
	ULONG NumDevPropArrayEntries;
	PKSPROPERTY_SET DevicePropertiesArray;
	ULONG NumDevEventArrayEntries;
	PKSEVENT_SET DeviceEventsArray;
	PKSTOPOLOGY Topology;
	PHW_EVENT_ROUTINE DeviceEventRoutine;
	LONG NumDevMethodArrayEntries;
	PKSMETHOD_SET DeviceMethodsArray;
} HW_STREAM_HEADER, *PHW_STREAM_HEADER;

typedef struct _HW_STREAM_INFORMATION {
	ULONG NumberOfPossibleInstances;
	KSPIN_DATAFLOW DataFlow;
	BOOLEAN DataAccessible;
	ULONG NumberOfFormatArrayEntries;
	PKSDATAFORMAT *StreamFormatsArray;
	PVOID ClassReserved[4];
	ULONG NumStreamPropArrayEntries;
	PKSPROPERTY_SET StreamPropertiesArray;
	ULONG NumStreamEventArrayEntries;
	PKSEVENT_SET StreamEventsArray;
	GUID *Category;
	GUID *Name;
	ULONG MediumsCount;
	const KSPIN_MEDIUM *Mediums;
	BOOLEAN BridgeStream;
	ULONG Reserved[2];
} HW_STREAM_INFORMATION, *PHW_STREAM_INFORMATION;

/* The header, then NumberOfStreams HW_STREAM_INFORMATION (StreamInfo[0..]). */
typedef struct _HW_STREAM_DESCRIPTOR {
	HW_STREAM_HEADER StreamHeader;
	HW_STREAM_INFORMATION StreamInfo;
} HW_STREAM_DESCRIPTOR, *PHW_STREAM_DESCRIPTOR;

typedef struct _STREAM_TIME_REFERENCE {
	STREAM_TIMESTAMP CurrentOnboardClockValue;
	LARGE_INTEGER OnboardClockFrequency;
	LARGE_INTEGER CurrentSystemTime;
	ULONG Reserved[2];
} STREAM_TIME_REFERENCE, *PSTREAM_TIME_REFERENCE;

typedef struct _STREAM_DATA_INTERSECT_INFO {
	ULONG StreamNumber;
	PKSDATARANGE DataRange;
	PVOID DataFormatBuffer;
	ULONG SizeOfDataFormatBuffer;
} STREAM_DATA_INTERSECT_INFO, *PSTREAM_DATA_INTERSECT_INFO;

typedef struct _STREAM_PROPERTY_DESCRIPTOR {
	PKSPROPERTY Property;
	ULONG PropertySetID;
	PVOID PropertyInfo;
	ULONG PropertyInputSize;
	ULONG PropertyOutputSize;
} STREAM_PROPERTY_DESCRIPTOR, *PSTREAM_PROPERTY_DESCRIPTOR;

typedef struct _STREAM_METHOD_DESCRIPTOR {
	ULONG MethodSetID;
	PKSMETHOD Method;
	PVOID MethodInfo;
	LONG MethodInputSize;
	LONG MethodOutputSize;
} STREAM_METHOD_DESCRIPTOR, *PSTREAM_METHOD_DESCRIPTOR;

typedef enum _SRB_COMMAND {
	SRB_READ_DATA,
	SRB_WRITE_DATA,
	SRB_GET_STREAM_STATE,
	SRB_SET_STREAM_STATE,
	SRB_SET_STREAM_PROPERTY,
	SRB_GET_STREAM_PROPERTY,
	SRB_OPEN_MASTER_CLOCK,
	SRB_INDICATE_MASTER_CLOCK,
	SRB_UNKNOWN_STREAM_COMMAND,
	SRB_SET_STREAM_RATE,
	SRB_PROPOSE_DATA_FORMAT,
	SRB_CLOSE_MASTER_CLOCK,
	SRB_PROPOSE_STREAM_RATE,
	SRB_SET_DATA_FORMAT,
	SRB_GET_DATA_FORMAT,
	SRB_BEGIN_FLUSH,
	SRB_END_FLUSH,

	SRB_GET_STREAM_INFO = 0x100,
	SRB_OPEN_STREAM,
	SRB_CLOSE_STREAM,
	SRB_OPEN_DEVICE_INSTANCE,
	SRB_CLOSE_DEVICE_INSTANCE,
	SRB_GET_DEVICE_PROPERTY,
	SRB_SET_DEVICE_PROPERTY,
	SRB_INITIALIZE_DEVICE,
	SRB_CHANGE_POWER_STATE,
	SRB_UNINITIALIZE_DEVICE,
	SRB_UNKNOWN_DEVICE_COMMAND,
	SRB_PAGING_OUT_DRIVER,
	SRB_GET_DATA_INTERSECTION,
	SRB_INITIALIZATION_COMPLETE,
	SRB_SURPRISE_REMOVAL,
	SRB_DEVICE_METHOD,
	SRB_STREAM_METHOD,
	SRB_NOTIFY_IDLE_STATE,
} SRB_COMMAND;

/* One piece of a data buffer as the device reaches it. */
typedef struct {
	PHYSICAL_ADDRESS PhysicalAddress;
	ULONG Length;
} KSSCATTER_GATHER, *PKSSCATTER_GATHER;

typedef struct _HW_STREAM_REQUEST_BLOCK {
	ULONG SizeOfThisPacket;
	SRB_COMMAND Command;
	NTSTATUS Status;
	PHW_STREAM_OBJECT StreamObject;
	PVOID HwDeviceExtension;
	PVOID SRBExtension;
	union _CommandData {
		PKSSTREAM_HEADER DataBufferArray;
		PHW_STREAM_DESCRIPTOR StreamBuffer;
		KSSTATE StreamState;
		PSTREAM_TIME_REFERENCE TimeReference;
		PSTREAM_PROPERTY_DESCRIPTOR PropertyInfo;
		PKSDATAFORMAT OpenFormat;
		struct _PORT_CONFIGURATION_INFORMATION *ConfigInfo;
		HANDLE MasterClockHandle;
		DEVICE_POWER_STATE DeviceState;
		PSTREAM_DATA_INTERSECT_INFO IntersectInfo;
		PVOID MethodInfo;
		LONG FilterTypeIndex;
		BOOLEAN Idle;
	} CommandData;
	ULONG NumberOfBuffers;
	ULONG TimeoutCounter;
	ULONG TimeoutOriginal;
	struct _HW_STREAM_REQUEST_BLOCK *NextSRB;
	PIRP Irp;
	ULONG Flags;
	PVOID HwInstanceExtension;
	union {
		ULONG NumberOfBytesToTransfer;
		ULONG ActualBytesTransferred;
	};
	PKSSCATTER_GATHER ScatterGatherBuffer;
	ULONG NumberOfPhysicalPages;
	ULONG NumberOfScatterGatherElements;
	ULONG Reserved[1];
} HW_STREAM_REQUEST_BLOCK, *PHW_STREAM_REQUEST_BLOCK;

#define STREAM_REQUEST_BLOCK_SIZE sizeof(HW_STREAM_REQUEST_BLOCK)

#define SRB_HW_FLAGS_DATA_TRANSFER	0x01
#define SRB_HW_FLAGS_STREAM_REQUEST	0x2

typedef enum {
	PerRequestExtension,
	DmaBuffer,
	SRBDataBuffer,
} STREAM_BUFFER_TYPE;

/*
 * A device's range. RangeStart of a memory range is the class's mapping of
 * it (use READ_REGISTER_ULONG() and friends), of an I/O range its port.
 */
typedef struct _ACCESS_RANGE {
	STREAM_PHYSICAL_ADDRESS RangeStart;
	ULONG RangeLength;
	BOOLEAN RangeInMemory;
	ULONG Reserved;
} ACCESS_RANGE, *PACCESS_RANGE;

typedef struct _PORT_CONFIGURATION_INFORMATION {
	ULONG SizeOfThisPacket;
	PVOID HwDeviceExtension;
	PDEVICE_OBJECT ClassDeviceObject;
	PDEVICE_OBJECT PhysicalDeviceObject;
	ULONG SystemIoBusNumber;
	INTERFACE_TYPE AdapterInterfaceType;
	ULONG BusInterruptLevel;
	ULONG BusInterruptVector;
	KINTERRUPT_MODE InterruptMode;
	ULONG DmaChannel;
	ULONG NumberOfAccessRanges;
	PACCESS_RANGE AccessRanges;
	ULONG StreamDescriptorSize;
	PIRP Irp;
	PKINTERRUPT InterruptObject;
	PADAPTER_OBJECT DmaAdapterObject;
	PDEVICE_OBJECT RealPhysicalDeviceObject;
	ULONG Reserved[1];
} PORT_CONFIGURATION_INFORMATION, *PPORT_CONFIGURATION_INFORMATION;

typedef VOID (*PHW_RECEIVE_DEVICE_SRB)(PHW_STREAM_REQUEST_BLOCK SRB);
typedef VOID (*PHW_CANCEL_SRB)(PHW_STREAM_REQUEST_BLOCK SRB);
typedef VOID (*PHW_REQUEST_TIMEOUT_HANDLER)(PHW_STREAM_REQUEST_BLOCK SRB);
typedef BOOLEAN (*PHW_INTERRUPT)(PVOID DeviceExtension);
typedef VOID (*PHW_TIMER_ROUTINE)(PVOID Context);
typedef VOID (*PHW_PRIORITY_ROUTINE)(PVOID Context);
typedef VOID (*PHW_QUERY_CLOCK_ROUTINE)(PHW_TIME_CONTEXT TimeContext);
typedef BOOLEAN (*PHW_RESET_ADAPTER)(PVOID DeviceExtension);

typedef enum _STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE {
	ReadyForNextStreamDataRequest,
	ReadyForNextStreamControlRequest,
	HardwareStarved,
	StreamRequestComplete,
	SignalMultipleStreamEvents,
	SignalStreamEvent,
	DeleteStreamEvent,
	StreamNotificationMaximum,
} STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE, *PSTREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE;

typedef enum _STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE {
	ReadyForNextDeviceRequest,
	DeviceRequestComplete,
	SignalMultipleDeviceEvents,
	SignalDeviceEvent,
	DeleteDeviceEvent,
	SignalMultipleDeviceInstanceEvents,
	DeviceNotificationMaximum,
} STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE, *PSTREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE;

#define STREAM_CLASS_VERSION_20 0x0200

typedef struct _HW_INITIALIZATION_DATA {
	union {
		ULONG HwInitializationDataSize;
		struct {
			USHORT SizeOfThisPacket;
			USHORT StreamClassVersion;
		};
	};
	PHW_INTERRUPT HwInterrupt;
	PHW_RECEIVE_DEVICE_SRB HwReceivePacket;
	PHW_CANCEL_SRB HwCancelPacket;
	PHW_REQUEST_TIMEOUT_HANDLER HwRequestTimeoutHandler;
	ULONG DeviceExtensionSize;
	ULONG PerRequestExtensionSize;
	ULONG PerStreamExtensionSize;
	ULONG FilterInstanceExtensionSize;
	BOOLEAN BusMasterDMA;
	BOOLEAN Dma24BitAddresses;
	ULONG BufferAlignment;
	BOOLEAN TurnOffSynchronization;
	ULONG DmaBufferSize;
	ULONG NumNameExtensions;
	PWCHAR *NameExtensionArray;
} HW_INITIALIZATION_DATA, *PHW_INITIALIZATION_DATA;

typedef enum _STREAM_PRIORITY {
	High,
	Dispatch,
	Low,
	LowToHigh,
} STREAM_PRIORITY, *PSTREAM_PRIORITY;

/* Registers: the I/O accessors over a range's RangeStart. */
#define READ_REGISTER_UCHAR(r) readb((const volatile void __iomem *)(r))
#define READ_REGISTER_USHORT(r) readw((const volatile void __iomem *)(r))
#define READ_REGISTER_ULONG(r) readl((const volatile void __iomem *)(r))
#define WRITE_REGISTER_UCHAR(r, v) writeb((v), (volatile void __iomem *)(r))
#define WRITE_REGISTER_USHORT(r, v) writew((v), (volatile void __iomem *)(r))
#define WRITE_REGISTER_ULONG(r, v) writel((v), (volatile void __iomem *)(r))
#define READ_PORT_UCHAR(p) inb((unsigned long)(p))
#define READ_PORT_USHORT(p) inw((unsigned long)(p))
#define READ_PORT_ULONG(p) inl((unsigned long)(p))
#define WRITE_PORT_UCHAR(p, v) outb((v), (unsigned long)(p))
#define WRITE_PORT_USHORT(p, v) outw((v), (unsigned long)(p))
#define WRITE_PORT_ULONG(p, v) outl((v), (unsigned long)(p))

/* The routines of strmini.h (variadic where Microsoft declares them so). */
VOID StreamClassAbortOutstandingRequests(PVOID HwDeviceExtension,
					 PHW_STREAM_OBJECT HwStreamObject, NTSTATUS Status);
VOID StreamClassCallAtNewPriority(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
				  STREAM_PRIORITY Priority, PHW_PRIORITY_ROUTINE PriorityRoutine,
				  PVOID Context);
VOID StreamClassCompleteRequestAndMarkQueueReady(PHW_STREAM_REQUEST_BLOCK Srb);
VOID StreamClassDebugAssert(PCHAR File, ULONG Line, PCHAR AssertText, ULONG AssertValue);
/* DbgBreakPoint(): a warning with a backtrace. */
static inline VOID StreamClassDebugBreakPoint(VOID)
{
	DbgBreakPoint();
}
__printf(2, 3) VOID StreamClassDebugPrint(STREAM_DEBUG_LEVEL DebugPrintLevel,
					  PCCHAR DebugMessage, ...);
VOID StreamClassDeviceNotification(STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE NotificationType,
				   PVOID HwDeviceExtension, ...);
VOID StreamClassFilterReenumerateStreams(PVOID HwInstanceExtension, ULONG StreamDescriptorSize);
PVOID StreamClassGetDmaBuffer(PVOID HwDeviceExtension);
PKSEVENT_ENTRY StreamClassGetNextEvent(PVOID HwInstanceExtension_OR_HwDeviceExtension,
				       PHW_STREAM_OBJECT HwStreamObject, GUID *EventGuid,
				       ULONG EventItem, PKSEVENT_ENTRY CurrentEvent);
STREAM_PHYSICAL_ADDRESS StreamClassGetPhysicalAddress(PVOID HwDeviceExtension,
						      PHW_STREAM_REQUEST_BLOCK HwSRB,
						      PVOID VirtualAddress,
						      STREAM_BUFFER_TYPE Type, ULONG *Length);
VOID StreamClassQueryMasterClock(PHW_STREAM_OBJECT HwStreamObject, HANDLE MasterClockHandle,
				 TIME_FUNCTION TimeFunction,
				 PHW_QUERY_CLOCK_ROUTINE ClockCallbackRoutine);
VOID StreamClassQueryMasterClockSync(HANDLE MasterClockHandle, PHW_TIME_CONTEXT TimeContext);
BOOLEAN StreamClassReadWriteConfig(PVOID HwDeviceExtension, BOOLEAN Read, PVOID Buffer,
				   ULONG Offset, ULONG Length);
VOID StreamClassReenumerateStreams(PVOID HwDeviceExtension, ULONG StreamDescriptorSize);
NTSTATUS StreamClassRegisterAdapter(PVOID Argument1, PVOID Argument2,
				    PHW_INITIALIZATION_DATA HwInitializationData);
#define StreamClassRegisterMinidriver StreamClassRegisterAdapter
NTSTATUS StreamClassRegisterFilterWithNoKSPins(PDEVICE_OBJECT DeviceObject,
					       const GUID *InterfaceClassGUID, ULONG PinCount,
					       BOOL *PinDirection, KSPIN_MEDIUM *MediumList,
					       GUID *CategoryList);
VOID StreamClassScheduleTimer(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
			      ULONG NumberOfMicroseconds, PHW_TIMER_ROUTINE TimerRoutine,
			      PVOID Context);
VOID StreamClassStreamNotification(STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE NotificationType,
				   PHW_STREAM_OBJECT StreamObject, ...);

/*
 * Linux glue (no Windows counterpart).
 *
 * The class calls a minidriver through callbacks that carry no driver
 * context, so STREAMCLASS_DRIVER_ENTRY() gives each module its own small
 * trampolines bound to its DRIVER_OBJECT.
 */
struct streamclass_srb;
struct streamclass_strmini_glue {
	void (*receive_packet)(struct streamclass_srb *srb);
	bool (*interrupt)(void *hw_device_extension);
	void (*cancel_packet)(struct streamclass_srb *srb);
	void (*request_timeout)(struct streamclass_srb *srb);
};

void streamclass_strmini_receive_packet(PDRIVER_OBJECT DriverObject, struct streamclass_srb *srb);
bool streamclass_strmini_interrupt(PDRIVER_OBJECT DriverObject, void *hw_device_extension);
void streamclass_strmini_cancel_packet(PDRIVER_OBJECT DriverObject, struct streamclass_srb *srb);
void streamclass_strmini_request_timeout(PDRIVER_OBJECT DriverObject,
					 struct streamclass_srb *srb);
int streamclass_strmini_load(PDRIVER_OBJECT DriverObject,
			     const struct streamclass_strmini_glue *glue,
			     NTSTATUS (*entry)(PDRIVER_OBJECT, PUNICODE_STRING));
void streamclass_strmini_unload(PDRIVER_OBJECT DriverObject);

/*
 * STREAMCLASS_DRIVER_GLUE(obj): the trampolines bound to DRIVER_OBJECT obj,
 * as the struct streamclass_strmini_glue obj##_glue.
 * STREAMCLASS_DRIVER_ENTRY() uses it; a module that runs DriverEntry by
 * itself (a test) passes &obj and &obj##_glue to streamclass_strmini_load().
 */
#define STREAMCLASS_DRIVER_GLUE(obj)                                                  \
	static void obj##_receive_packet(struct streamclass_srb *srb)                \
	{                                                                             \
		streamclass_strmini_receive_packet(&obj, srb);                       \
	}                                                                             \
	static bool obj##_interrupt(void *ext)                                        \
	{                                                                             \
		return streamclass_strmini_interrupt(&obj, ext);                     \
	}                                                                             \
	static void obj##_cancel_packet(struct streamclass_srb *srb)                 \
	{                                                                             \
		streamclass_strmini_cancel_packet(&obj, srb);                        \
	}                                                                             \
	static void obj##_request_timeout(struct streamclass_srb *srb)               \
	{                                                                             \
		streamclass_strmini_request_timeout(&obj, srb);                      \
	}                                                                             \
	static const struct streamclass_strmini_glue obj##_glue = {                  \
		.receive_packet = obj##_receive_packet,                               \
		.interrupt = obj##_interrupt,                                         \
		.cancel_packet = obj##_cancel_packet,                                 \
		.request_timeout = obj##_request_timeout,                             \
	}

/*
 * STREAMCLASS_DRIVER_ENTRY(entry, name, hardware IDs...): the module's init
 * and exit around the minidriver's DriverEntry().
 * @entry: the minidriver's DriverEntry (either Windows signature:
 *         (PVOID, PVOID) or (PDRIVER_OBJECT, PUNICODE_STRING)).
 * @name: the Linux driver's name (a string).
 * @...: the hardware IDs of the minidriver's INF, as strings:
 *       "PCI\\VEN_vvvv&DEV_dddd[&SUBSYS_ssssvvvv]" binds PCI devices (other
 *       parts, such as REV_rr or CC_cccc, are logged and not matched on);
 *       any other ID (a root-enumerated "ROOT\\..." or "SW\\...") creates
 *       one virtual device off the PCI bus, named @name.N (at most 16).
 * Module init calls @entry with a DRIVER_OBJECT and an empty registry path;
 * StreamClassRegisterMinidriver() inside it registers with streamclass,
 * which probes the devices there and then; a failing status, or none
 * registered, fails the load. Module exit unregisters, unbinding every
 * device first.
 */
#define STREAMCLASS_DRIVER_ENTRY(entry, name, ...)                                     \
	static const char *const __streamclass_hardware_ids[] = { __VA_ARGS__, NULL }; \
	static DRIVER_OBJECT __streamclass_driver_object = {                           \
		.Name = (name),                                                         \
		.HardwareIds = __streamclass_hardware_ids,                              \
		.Owner = THIS_MODULE,                                                   \
	};                                                                              \
	STREAMCLASS_DRIVER_GLUE(__streamclass_driver_object);                          \
	static NTSTATUS __streamclass_entry(PDRIVER_OBJECT d, PUNICODE_STRING r)       \
	{                                                                               \
		return entry(d, r);                                                     \
	}                                                                               \
	static int __init __streamclass_init(void)                                     \
	{                                                                               \
		return streamclass_strmini_load(&__streamclass_driver_object,          \
						&__streamclass_driver_object_glue,     \
						__streamclass_entry);                  \
	}                                                                               \
	static void __exit __streamclass_exit(void)                                    \
	{                                                                               \
		streamclass_strmini_unload(&__streamclass_driver_object);              \
	}                                                                               \
	module_init(__streamclass_init);                                                \
	module_exit(__streamclass_exit);                                                \
	MODULE_IMPORT_NS("STREAMCLASS")

#endif /* _STREAMCLASS_STRMINI_H */
