/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The strmini.h compatibility layer's internal types: Windows stream class
 * minidrivers, built from their source against include/streamclass/strmini.h,
 * run on the C API of include/streamclass.h. Part of streamclass.ko; the
 * files of compat/ share this header and nothing else.
 *
 * The layer adds nothing to the class's model; it translates. Each memory
 * it needs rides in what the class already allocates, in front of the
 * minidriver's part, so there is nothing more to free:
 * - the device extension starts with a struct strmini_device (the port
 *   configuration, the translated stream descriptions, the SRBs the
 *   minidriver holds); HwDeviceExtension points after it;
 * - each SRB's per-request extension starts with a struct strmini_srb (the
 *   Windows HW_STREAM_REQUEST_BLOCK, its IRP and its command data:
 *   KSSTREAM_HEADER and KS_FRAME_INFO, the property descriptor, the
 *   intersection); SRBExtension points after it. The class zeroes the
 *   extension each time it sends the SRB and keeps its memory as long as
 *   the SRB's, so the IRP lives exactly as long as the SRB;
 * - each open stream's extension starts with a struct strmini_stream (the
 *   HW_STREAM_OBJECT); HwStreamExtension points after it.
 * What a device describes (its stream table) is copied with devm, so it
 * goes with the binding.
 *
 * Translation: Documentation/strmini-porting.rst has the table.
 *
 * The files, by concern: driver.c (DriverEntry's registration, PCI IDs),
 * srb.c (SRB translation, the entry points), notify.c (notifications),
 * formats.c (formats, stream table, intersection), props.c (property
 * sets), clock.c (timers, priorities, the master clock), services.c
 * (buffers, configuration space, debugging, what is not supported).
 */
#ifndef _STREAMCLASS_COMPAT_STRMINI_INTERNAL_H
#define _STREAMCLASS_COMPAT_STRMINI_INTERNAL_H

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <streamclass.h>
#include <streamclass/strmini.h>
#include <streamclass/ksmedia.h>

/* The class hands the minidriver's scatter/gather list over as it is. */
static_assert(sizeof(KSSCATTER_GATHER) == sizeof(struct streamclass_sg_element));
static_assert(offsetof(KSSCATTER_GATHER, Length) == offsetof(struct streamclass_sg_element, length));
/* A video data SRB's KS_FRAME_INFO follows its KSSTREAM_HEADER directly. */
static_assert(sizeof(KSSTREAM_HEADER) % __alignof__(KS_FRAME_INFO) == 0);

/* Where the minidriver's part of each extension starts. */
#define STRMINI_ALIGN 16
#define STRMINI_DEVICE_HEAD ALIGN(sizeof(struct strmini_device), STRMINI_ALIGN)
#define STRMINI_SRB_HEAD ALIGN(sizeof(struct strmini_srb), STRMINI_ALIGN)
#define STRMINI_STREAM_HEAD ALIGN(sizeof(struct strmini_stream), STRMINI_ALIGN)

/* A data SRB's timeout when the class set none for SRB_INITIALIZE_DEVICE. */
#define STRMINI_DEFAULT_TIMEOUT_S 15

/* KS time is in 100 ns units. */
#define STRMINI_KS_UNITS_PER_S 10000000LL

/* One minidriver: DRIVER_OBJECT.Compat. */
struct strmini_driver {
	HW_INITIALIZATION_DATA hw;
	const struct streamclass_strmini_glue *glue;
	struct streamclass_minidriver *pci;
	struct streamclass_minidriver *virt;
	struct pci_device_id *ids;
	bool registered;
};

/* A device control: which item of which device property set it is. */
struct strmini_control {
	ULONG set;
	ULONG id;
};

/* What the layer keeps of one described stream. */
struct strmini_stream_info {
	u32 win;	/* its index in the minidriver's table */
	u32 first;	/* its first format in strmini_device.formats */
	u32 count;
	char name[32];
};

/*
 * A StreamClassCallAtNewPriority() routine waiting for its turn (clock.c):
 * one per priority of each open stream and of the device.
 */
struct strmini_call {
	struct list_head node;		/* on strmini_calls.queue while queued */
	PHW_PRIORITY_ROUTINE routine;
	PVOID context;
	bool queued;
};

/* The routines of one deferred priority (Dispatch, Low) of a device. */
struct strmini_calls {
	struct strmini_device *dev;
	struct list_head queue;
	bool armed;			/* the class holds the layer's runner */
};

/* Dispatch and Low: strmini_device.calls[] and the per-owner slots. */
enum { STRMINI_DISPATCH, STRMINI_LOW, STRMINI_DEFERRED };

/* The head of the class's device extension. */
struct strmini_device {
	struct strmini_driver *drv;
	struct device *dev;
	struct pci_dev *pdev;
	PORT_CONFIGURATION_INFORMATION config;
	ACCESS_RANGE access[STREAMCLASS_MAX_ACCESS_RANGES];
	PHW_STREAM_DESCRIPTOR descriptor;	/* devm, config.StreamDescriptorSize */
	u32 nstreams;
	struct strmini_stream_info streams[STREAMCLASS_MAX_STREAMS];
	struct streamclass_stream_descriptor *sc_streams;	/* devm */
	struct streamclass_format *formats;		/* devm, every stream's */
	const KS_DATARANGE_VIDEO **ranges;		/* devm, parallel to formats */
	u32 nformats;
	PKSPROPERTY_SET props;
	u32 ncontrols;
	struct streamclass_control controls[STREAMCLASS_MAX_CONTROLS];
	struct strmini_control control_of[STREAMCLASS_MAX_CONTROLS];
	/* Protects the rest. */
	spinlock_t lock;
	struct list_head pending;	/* the SRBs the minidriver holds */
	struct strmini_srb *last_device;
	/*
	 * The class's device timer carries two (clock.c): the minidriver's
	 * (StreamClassScheduleTimer() with no stream) and the layer's tick,
	 * once a second while the minidriver holds an SRB, which counts
	 * TimeoutCounter down.
	 */
	struct {
		PHW_TIMER_ROUTINE routine;
		PVOID context;
		ktime_t due;
		bool armed;
	} timer;
	ktime_t tick_due;
	bool ticking;
	u32 timeout_s;			/* a data SRB's TimeoutOriginal */
	struct strmini_calls calls[STRMINI_DEFERRED];
	struct strmini_call call[STRMINI_DEFERRED];	/* the device's own */
};

/* The head of an SRB's per-request extension. */
struct strmini_srb {
	HW_STREAM_REQUEST_BLOCK w;
	IRP irp;			/* w.Irp */
	struct streamclass_srb *sc;
	struct strmini_device *dev;
	struct strmini_stream *st;
	struct list_head node;		/* on dev->pending while held */
	struct list_head wait;		/* data: on st->data_waiting */
	bool held;
	bool expired;			/* its TimeoutCounter ran out (clock.c) */
	/* The class counts sc->timeout_counter (device and control SRBs):
	 * w.TimeoutCounter when the two were last made the same. */
	ULONG timeout_synced;
	union {
		struct {
			KSSTREAM_HEADER header;
			KS_FRAME_INFO frame;
		} data;
		struct {
			STREAM_PROPERTY_DESCRIPTOR desc;
			KSPROPERTY_VIDEOPROCAMP_S value;
		} prop;
		struct {
			STREAM_DATA_INTERSECT_INFO info;
			KS_DATARANGE_VIDEO range;
			KS_DATAFORMAT_VIDEOINFOHEADER result;
		} isect;
		KS_DATAFORMAT_VIDEOINFOHEADER open;
	} u;
};

/* The head of an open stream's extension. */
struct strmini_stream {
	HW_STREAM_OBJECT w;
	struct streamclass_stream_object *sc;
	struct strmini_device *dev;
	struct strmini_srb *last_control;
	/* The layer's own SRB_INDICATE_MASTER_CLOCK (no class SRB, sc NULL). */
	struct strmini_srb clock;
	bool clock_sent;
	struct strmini_call call[STRMINI_DEFERRED];
	/*
	 * Flow control of a synchronized minidriver's data SRBs (dev->lock):
	 * one is given, then the next only after ReadyForNextStreamDataRequest;
	 * the class's others wait here, and feed gives the next one.
	 */
	bool data_busy;
	struct list_head data_waiting;
	struct strmini_call feed;
};

/* Whether the layer holds a minidriver's data SRBs to its readiness. */
static inline bool strmini_flow(const struct strmini_device *dev)
{
	return !dev->drv->hw.TurnOffSynchronization;
}

static inline void *strmini_win_ext(struct strmini_device *dev)
{
	return (u8 *)dev + STRMINI_DEVICE_HEAD;
}

static inline struct strmini_device *strmini_device_of(PVOID HwDeviceExtension)
{
	return HwDeviceExtension ? (void *)((u8 *)HwDeviceExtension - STRMINI_DEVICE_HEAD) : NULL;
}

static inline struct strmini_srb *strmini_srb_of_sc(struct streamclass_srb *sc)
{
	return sc->srb_extension;
}

static inline struct strmini_srb *strmini_srb_of(PHW_STREAM_REQUEST_BLOCK w)
{
	return container_of(w, struct strmini_srb, w);
}

static inline struct strmini_stream *strmini_stream_of(PHW_STREAM_OBJECT w)
{
	return w ? container_of(w, struct strmini_stream, w) : NULL;
}

/* srb.c */
int strmini_status(NTSTATUS status);
void strmini_unhold(struct strmini_srb *s);
bool strmini_take(struct strmini_srb *s);
void strmini_finish(struct strmini_srb *s);
void strmini_data_ready(struct strmini_stream *st);
void strmini_complete(struct strmini_srb *s);

/* clock.c */
void strmini_clock_init(struct strmini_device *dev);
void strmini_tick_start(struct strmini_device *dev);
void strmini_calls_drop(struct strmini_stream *st);
int strmini_call_queue(struct strmini_device *dev, struct strmini_call *call, int level,
		       PHW_PRIORITY_ROUTINE routine, PVOID context);

/* The class counts this held SRB's timeout (device and control SRBs). */
static inline bool strmini_class_counts(const struct strmini_srb *s)
{
	return s->sc && !(s->w.Flags & SRB_HW_FLAGS_DATA_TRANSFER);
}

/* formats.c */
bool strmini_format(const KSDATAFORMAT *f, const KS_VIDEOINFOHEADER *vih,
		    struct streamclass_format *out);
int strmini_format_index(struct strmini_device *dev, u32 stream,
			 const struct streamclass_format *f);
int strmini_format_match(struct strmini_device *dev, u32 stream,
			 const struct streamclass_format *f, bool interval);
NTSTATUS strmini_stream_info(struct strmini_device *dev, struct streamclass_stream_info *out);
int strmini_intersection(struct strmini_srb *s);

/* props.c */
void strmini_controls(struct strmini_device *dev, const HW_STREAM_HEADER *hdr);
int strmini_property(struct strmini_srb *s);

#endif /* _STREAMCLASS_COMPAT_STRMINI_INTERNAL_H */
