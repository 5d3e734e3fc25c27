/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass/wdm.h: the few Windows DDK basics a stream class minidriver
 * calls, over the Linux kernel. Part of the strmini.h compatibility layer
 * (Documentation/strmini-porting.rst); include <streamclass/strmini.h>.
 *
 * Types keep Windows' widths on an LP64 kernel: ULONG and LONG are 32 bits,
 * ULONGLONG and LONGLONG 64, BOOLEAN a byte, BOOL an int. What cannot be
 * the same is said where it is declared (KSPIN_LOCK, KIRQL, the pools).
 */
#ifndef _STREAMCLASS_WDM_H
#define _STREAMCLASS_WDM_H

#include <linux/types.h>
#include <linux/bug.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/stddef.h>

/* Parameter annotations and calling conventions: nothing on Linux. */
#define IN
#define OUT
#define OPTIONAL
#define STDCALL
#define __stdcall
#define __cdecl
#define NTAPI
#define FAR
#define NEAR
#define PASCAL

#define VOID void
typedef void *PVOID;
typedef char CHAR;
typedef char *PCHAR;
typedef const char *PCCHAR;
typedef const char *PCSTR;
typedef u8 UCHAR, *PUCHAR;
typedef u8 BYTE, *PBYTE;
typedef u8 BOOLEAN, *PBOOLEAN;
typedef s16 SHORT;
typedef u16 USHORT, *PUSHORT;
typedef u16 WORD;
typedef u16 WCHAR, *PWCHAR, *PWSTR;
typedef s32 LONG, *PLONG;
typedef u32 ULONG, *PULONG;
typedef u32 DWORD, *PDWORD;
typedef int BOOL;
typedef int INT;
typedef unsigned int UINT;
typedef s64 LONGLONG, *PLONGLONG;
typedef u64 ULONGLONG, *PULONGLONG;
typedef intptr_t LONG_PTR, *PLONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef uintptr_t DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T;
typedef void *HANDLE;
#ifndef _STREAMCLASS_NTSTATUS_T
#define _STREAMCLASS_NTSTATUS_T
typedef LONG NTSTATUS;
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* LARGE_INTEGER: QuadPart, or its LowPart and HighPart (little endian). */
typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

/* A bus address as the device sees it (a dma_addr_t: an I/O virtual
 * address under an IOMMU). */
typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

/* Objects a minidriver only passes along: opaque here. */
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;
typedef struct _IRP IRP, *PIRP;	/* below, with LIST_ENTRY */
typedef struct _KINTERRUPT KINTERRUPT, *PKINTERRUPT;
typedef struct _ADAPTER_OBJECT ADAPTER_OBJECT, *PADAPTER_OBJECT;
typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;

/*
 * The driver object DriverEntry() receives as its first argument: made by
 * STREAMCLASS_DRIVER_ENTRY() (strmini.h), read by StreamClassRegisterAdapter().
 * A minidriver never looks inside it.
 */
typedef struct _DRIVER_OBJECT {
	const char *Name;			/* the Linux driver's name */
	const char *const *HardwareIds;		/* the INF's IDs, NULL-terminated */
	struct module *Owner;
	void *Compat;				/* the layer's state */
} DRIVER_OBJECT, *PDRIVER_OBJECT;

/* NTSTATUS values: streamclass/ntstatus.h. */
#include <streamclass/ntstatus.h>

typedef enum _INTERFACE_TYPE {
	InterfaceTypeUndefined = -1,
	Internal = 0,
	Isa,
	Eisa,
	MicroChannel,
	TurboChannel,
	PCIBus,
	VMEBus,
	NuBus,
	PCMCIABus,
	CBus,
	MPIBus,
	MPSABus,
	ProcessorInternal,
	InternalPowerBus,
	PNPISABus,
	PNPBus,
	MaximumInterfaceType,
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _KINTERRUPT_MODE {
	LevelSensitive,
	Latched,
} KINTERRUPT_MODE;

typedef enum _DEVICE_POWER_STATE {
	PowerDeviceUnspecified = 0,
	PowerDeviceD0,
	PowerDeviceD1,
	PowerDeviceD2,
	PowerDeviceD3,
	PowerDeviceMaximum,
} DEVICE_POWER_STATE;

#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define CONTAINING_RECORD(address, type, field) container_of(address, type, field)

/* Memory. */
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))

/* The count of leading bytes that are equal. */
static inline SIZE_T RtlCompareMemory(const void *Source1, const void *Source2, SIZE_T Length)
{
	const u8 *a = Source1, *b = Source2;
	SIZE_T i = 0;

	while (i < Length && a[i] == b[i])
		i++;
	return i;
}

/*
 * Pools. NonPagedPool may be allocated at DISPATCH_LEVEL on Windows, so it
 * is GFP_ATOMIC here; PagedPool needs PASSIVE_LEVEL there and may sleep
 * here (GFP_KERNEL). Nothing is paged out on Linux. The tag is ignored.
 */
typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	PagedPool = 1,
	NonPagedPoolNx = 512,
} POOL_TYPE;

static inline PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	return kmalloc(NumberOfBytes, PoolType == PagedPool ? GFP_KERNEL : GFP_ATOMIC);
}

#define ExAllocatePool(PoolType, NumberOfBytes) ExAllocatePoolWithTag((PoolType), (NumberOfBytes), 0)
#define ExFreePool(P) kfree(P)
#define ExFreePoolWithTag(P, Tag) kfree(P)

/*
 * IRQLs. KeGetCurrentIrql() says what the Linux context allows: PASSIVE_LEVEL
 * in a task that may sleep, DISPATCH_LEVEL with preemption, softirqs or
 * interrupts off, and a device level (DIRQL) in a hard interrupt.
 */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define DIRQL_LEVEL 12

static inline KIRQL KeGetCurrentIrql(void)
{
	if (in_hardirq())
		return DIRQL_LEVEL;
	if (!in_task() || irqs_disabled() || preempt_count())
		return DISPATCH_LEVEL;
	return PASSIVE_LEVEL;
}

/*
 * KSPIN_LOCK: a Linux spinlock that disables interrupts (a minidriver's
 * lock may be taken by its interrupt routine), holding its holder's saved
 * interrupt flags, which KIRQL (one byte) cannot carry. *OldIrql gets the
 * IRQL before the call, so a caller's save/restore pattern reads the same.
 * Not a ULONG_PTR: a driver that sizes its extension by hand must use
 * sizeof(KSPIN_LOCK).
 */
typedef struct {
	spinlock_t Lock;
	unsigned long Flags;
} KSPIN_LOCK, *PKSPIN_LOCK;

#define KeInitializeSpinLock(SpinLock) spin_lock_init(&(SpinLock)->Lock)

static inline void KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
	__acquires(&SpinLock->Lock)
{
	KIRQL irql = KeGetCurrentIrql();
	unsigned long flags;

	spin_lock_irqsave(&SpinLock->Lock, flags);
	SpinLock->Flags = flags;
	*OldIrql = irql;
}

static inline void KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
	__releases(&SpinLock->Lock)
{
	spin_unlock_irqrestore(&SpinLock->Lock, SpinLock->Flags);
}

/* Doubly linked lists, Windows' names over the same circular scheme. */
typedef struct _LIST_ENTRY {
	struct _LIST_ENTRY *Flink;
	struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

static inline void InitializeListHead(PLIST_ENTRY ListHead)
{
	ListHead->Flink = ListHead->Blink = ListHead;
}

static inline BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead)
{
	return ListHead->Flink == ListHead;
}

static inline BOOLEAN RemoveEntryList(PLIST_ENTRY Entry)
{
	PLIST_ENTRY next = Entry->Flink, prev = Entry->Blink;

	prev->Flink = next;
	next->Blink = prev;
	return next == prev;
}

static inline PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY entry = ListHead->Flink;

	RemoveEntryList(entry);
	return entry;
}

static inline PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead)
{
	PLIST_ENTRY entry = ListHead->Blink;

	RemoveEntryList(entry);
	return entry;
}

static inline void InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY prev = ListHead->Blink;

	Entry->Flink = ListHead;
	Entry->Blink = prev;
	prev->Flink = Entry;
	ListHead->Blink = Entry;
}

static inline void InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry)
{
	PLIST_ENTRY next = ListHead->Flink;

	Entry->Flink = next;
	Entry->Blink = ListHead;
	next->Blink = Entry;
	ListHead->Flink = Entry;
}

/* An I/O request's final status and its count (of bytes, usually). */
typedef struct _IO_STATUS_BLOCK {
	union {
		NTSTATUS Status;
		PVOID Pointer;
	};
	ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

/*
 * The IRP an SRB carries (HW_STREAM_REQUEST_BLOCK.Irp), reduced to what a
 * stream class minidriver touches, with Microsoft's names and nesting:
 * IoStatus, and Tail.Overlay's DriverContext[4] and ListEntry, which the
 * minidriver may use as it likes while it holds the SRB (to queue it and
 * find the SRB again). No other member of Windows' IRP exists here, and
 * the layout is not Windows' (FIELD_OFFSET() and CONTAINING_RECORD() of
 * these members work; a hard-coded offset does not). The layer zeroes it
 * for each SRB and never reads it; it lives as long as the SRB's memory.
 */
struct _IRP {
	IO_STATUS_BLOCK IoStatus;
	union {
		struct {
			struct {
				PVOID DriverContext[4];
			};
			LIST_ENTRY ListEntry;
		} Overlay;
	} Tail;
};

/*
 * Debugging, as the DDK builds it: DBG is 0 (a free build) unless the
 * driver defines it before the first include (ccflags-y += -DDBG=1 for a
 * checked build). With DBG 0, ASSERT(), KdPrint() and KdBreakPoint()
 * compile to nothing and their arguments are not evaluated; with DBG 1,
 * ASSERT() is WARN_ON_ONCE(!(exp)) (a WARN, once per site), KdPrint() is
 * DbgPrint() and KdBreakPoint() DbgBreakPoint(). DbgPrint() and
 * DbgBreakPoint() are live in both.
 */
#ifndef DBG
#define DBG 0
#endif
#define DbgPrint(...) printk(KERN_INFO __VA_ARGS__)
#define DbgBreakPoint() WARN_ON_ONCE(1)
#if DBG
#define ASSERT(exp) WARN_ON_ONCE(!(exp))
#define KdPrint(args) DbgPrint args
#define KdBreakPoint() DbgBreakPoint()
#else
#define ASSERT(exp) ((void)0)
#define KdPrint(args) ((void)0)
#define KdBreakPoint() ((void)0)
#endif

#endif /* _STREAMCLASS_WDM_H */
