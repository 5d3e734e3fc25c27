// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: SRBs, Windows' and the class's, and the entry points.
 */
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include "strmini_internal.h"

static void streamclass_strmini_receive_data(struct streamclass_srb *sc);
static void streamclass_strmini_receive_control(struct streamclass_srb *sc);

/* An NTSTATUS as the class's status. */
int strmini_status(NTSTATUS status)
{
	switch (status) {
	case STATUS_SUCCESS:
		return STREAMCLASS_STATUS_SUCCESS;
	case STATUS_PENDING:
		return STREAMCLASS_STATUS_PENDING;
	case STATUS_NOT_IMPLEMENTED:
	case STATUS_NOT_SUPPORTED:
		return STREAMCLASS_STATUS_NOT_IMPLEMENTED;
	case STATUS_INSUFFICIENT_RESOURCES:
		return STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES;
	case STATUS_INVALID_PARAMETER:
	case STATUS_INVALID_DEVICE_REQUEST:
	case STATUS_BUFFER_TOO_SMALL:
	case STATUS_BUFFER_OVERFLOW:
		return STREAMCLASS_STATUS_INVALID_PARAMETER;
	case STATUS_CANCELLED:
		return STREAMCLASS_STATUS_CANCELLED;
	case STATUS_TIMEOUT:
		return STREAMCLASS_STATUS_TIMEOUT;
	case STATUS_NO_SUCH_DEVICE:
	case STATUS_DEVICE_NOT_READY:
		return STREAMCLASS_STATUS_NO_SUCH_DEVICE;
	default:
		return NT_SUCCESS(status) ? STREAMCLASS_STATUS_SUCCESS :
					    STREAMCLASS_STATUS_IO_DEVICE_ERROR;
	}
}

/* Sending and completing. */

/* The Windows SRB for a class SRB, its fields common to every command. */
static struct strmini_srb *strmini_prepare(struct streamclass_srb *sc, struct strmini_device *dev,
					   struct strmini_stream *st)
{
	struct strmini_srb *s = strmini_srb_of_sc(sc);
	PHW_STREAM_REQUEST_BLOCK w = &s->w;

	s->sc = sc;
	s->dev = dev;
	s->st = st;
	INIT_LIST_HEAD(&s->wait);
	w->SizeOfThisPacket = sizeof(*w);
	w->Irp = &s->irp;
	w->Command = sc->command;
	w->Status = STATUS_SUCCESS;
	w->StreamObject = st ? &st->w : NULL;
	w->HwDeviceExtension = strmini_win_ext(dev);
	w->SRBExtension = dev->drv->hw.PerRequestExtensionSize ? (u8 *)s + STRMINI_SRB_HEAD : NULL;
	w->TimeoutCounter = sc->timeout_counter;
	w->TimeoutOriginal = sc->timeout_original;
	return s;
}

/* Hands @s to a minidriver routine; @s is held until it is completed. */
static void strmini_send(struct strmini_srb *s, void (*routine)(PHW_STREAM_REQUEST_BLOCK))
{
	struct strmini_device *dev = s->dev;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	s->held = true;
	s->expired = false;
	s->timeout_synced = s->w.TimeoutCounter;
	list_add_tail(&s->node, &dev->pending);
	if (!(s->w.Flags & SRB_HW_FLAGS_STREAM_REQUEST))
		dev->last_device = s;
	else if (!(s->w.Flags & SRB_HW_FLAGS_DATA_TRANSFER))
		s->st->last_control = s;
	strmini_tick_start(dev);
	spin_unlock_irqrestore(&dev->lock, flags);

	routine(&s->w);

	/* A minidriver sets TimeoutCounter (0: no timeout) for a held SRB. */
	spin_lock_irqsave(&dev->lock, flags);
	if (s->held && strmini_class_counts(s)) {
		s->sc->timeout_counter = s->w.TimeoutCounter;
		s->timeout_synced = s->w.TimeoutCounter;
	}
	spin_unlock_irqrestore(&dev->lock, flags);
}

/* @s is no longer the minidriver's. Called with dev->lock held. */
void strmini_unhold(struct strmini_srb *s)
{
	struct strmini_device *dev = s->dev;

	lockdep_assert_held(&dev->lock);
	s->held = false;
	list_del_init(&s->node);
	if (dev->last_device == s)
		dev->last_device = NULL;
	if (s->st && s->st->last_control == s)
		s->st->last_control = NULL;
}

/* Takes @s back from the minidriver: false when it was not held. */
bool strmini_take(struct strmini_srb *s)
{
	struct strmini_device *dev = s->dev;
	unsigned long flags;
	bool held;

	spin_lock_irqsave(&dev->lock, flags);
	held = s->held;
	if (held)
		strmini_unhold(s);
	spin_unlock_irqrestore(&dev->lock, flags);
	return held;
}

/* The results of a completed SRB, into the class's SRB. */
static NTSTATUS strmini_results(struct strmini_srb *s)
{
	struct streamclass_srb *sc = s->sc;
	struct strmini_device *dev = s->dev;
	NTSTATUS status = s->w.Status;
	int i;

	switch (s->w.Command) {
	case SRB_INITIALIZE_DEVICE:
		if (!NT_SUCCESS(status))
			break;
		if (dev->config.StreamDescriptorSize < sizeof(HW_STREAM_HEADER))
			dev->config.StreamDescriptorSize = sizeof(HW_STREAM_HEADER);
		dev->descriptor = devm_kzalloc(dev->dev, dev->config.StreamDescriptorSize,
					       GFP_ATOMIC);
		if (!dev->descriptor)
			return STATUS_INSUFFICIENT_RESOURCES;
		break;
	case SRB_GET_STREAM_INFO:
		if (NT_SUCCESS(status))
			return strmini_stream_info(dev, sc->command_data.stream_info);
		break;
	case SRB_OPEN_STREAM:
		if (NT_SUCCESS(status)) {
			sc->stream_object->receive_data_packet =
				s->st->w.ReceiveDataPacket ? streamclass_strmini_receive_data : NULL;
			sc->stream_object->receive_control_packet =
				s->st->w.ReceiveControlPacket ? streamclass_strmini_receive_control :
								NULL;
		}
		break;
	case SRB_CLOSE_STREAM:
		/* The stream's memory goes (whatever the status): its clock
		 * SRB must not stay listed. */
		if (s->st->clock_sent)
			strmini_take(&s->st->clock);
		strmini_calls_drop(s->st);
		break;
	case SRB_GET_STREAM_STATE:
		sc->command_data.stream_state = s->w.CommandData.StreamState;
		break;
	case SRB_GET_DEVICE_PROPERTY:
		if (NT_SUCCESS(status))
			sc->command_data.property->value = s->u.prop.value.Value;
		break;
	case SRB_GET_DATA_INTERSECTION: {
		struct streamclass_data_intersection *x = sc->command_data.intersect;
		struct streamclass_format f;

		/* Anything but a described format: the class matches. */
		if (!NT_SUCCESS(status) ||
		    !strmini_format(&s->u.isect.result.DataFormat,
				    &s->u.isect.result.VideoInfoHeader, &f))
			return STATUS_NOT_IMPLEMENTED;
		i = strmini_format_match(dev, x->stream_number, &f, true);
		if (i < 0)
			i = strmini_format_match(dev, x->stream_number, &f, false);
		if (i < 0)
			return STATUS_NOT_IMPLEMENTED;
		x->result = dev->formats[i];
		break;
	}
	case SRB_READ_DATA:
		if (s->w.Flags & SRB_HW_FLAGS_DATA_TRANSFER) {
			struct streamclass_stream_header *h = sc->command_data.data_buffer_array;
			const KSSTREAM_HEADER *k = &s->u.data.header;
			const KS_FRAME_INFO *fi = &s->u.data.frame;
			s64 t = k->PresentationTime.Time;

			h->data_used = min(k->DataUsed, h->frame_extent);
			sc->data_used = h->data_used;
			h->option_flags = 0;
			if (k->OptionsFlags & KSSTREAM_HEADER_OPTIONSF_TIMEVALID) {
				if (k->PresentationTime.Numerator && k->PresentationTime.Denominator) {
					u64 m = mul_u64_u32_div(abs(t), k->PresentationTime.Numerator,
								k->PresentationTime.Denominator);

					t = t < 0 ? -(s64)m : (s64)m;
				}
				h->presentation_time = t * 100;
				h->option_flags |= STREAMCLASS_STREAM_HEADER_TIME_VALID;
			}
			if (k->OptionsFlags & KSSTREAM_HEADER_OPTIONSF_DURATIONVALID) {
				h->duration = k->Duration * 100;
				h->option_flags |= STREAMCLASS_STREAM_HEADER_DURATION_VALID;
			}
			if (s->st && s->st->w.StreamHeaderMediaSpecific >= sizeof(KS_FRAME_INFO)) {
				h->picture_number = fi->PictureNumber;
				h->drop_count = fi->DropCount;
			}
		}
		break;
	default:
		break;
	}
	return status;
}

/* Hands a taken @s back to the class: results, status, notification. */
void strmini_finish(struct strmini_srb *s)
{
	struct streamclass_srb *sc = s->sc;

	/* The layer's own SRB: nothing to hand back. */
	if (!sc)
		return;
	sc->status = strmini_status(strmini_results(s));
	if (s->w.Flags & SRB_HW_FLAGS_STREAM_REQUEST)
		streamclass_stream_notification(STREAMCLASS_STREAM_REQUEST_COMPLETE,
						s->st->sc, sc);
	else
		streamclass_device_notification(STREAMCLASS_DEVICE_REQUEST_COMPLETE, s->dev, sc);
}

/* The minidriver completes @s. */
void strmini_complete(struct strmini_srb *s)
{
	if (!strmini_take(s)) {
		pr_warn_ratelimited("streamclass: SRB %p (command %#x) completed but not pending\n",
				    &s->w, s->w.Command);
		return;
	}
	strmini_finish(s);
}

/* The device and its SRBs. */

static void strmini_config(struct strmini_device *dev, const struct streamclass_port_config *pc)
{
	PPORT_CONFIGURATION_INFORMATION c = &dev->config;
	u32 i;

	dev->dev = pc->dev;
	dev->pdev = pc->pdev;
	c->SizeOfThisPacket = sizeof(*c);
	c->HwDeviceExtension = strmini_win_ext(dev);
	c->AdapterInterfaceType = pc->pdev ? PCIBus : Internal;
	c->SystemIoBusNumber = pc->pdev ? pc->pdev->bus->number : 0;
	c->BusInterruptLevel = pc->irq;
	c->BusInterruptVector = pc->irq;
	c->InterruptMode = LevelSensitive;
	c->NumberOfAccessRanges = min_t(u32, pc->number_of_access_ranges,
					STREAMCLASS_MAX_ACCESS_RANGES);
	for (i = 0; i < c->NumberOfAccessRanges; i++) {
		const struct streamclass_access_range *r = &pc->access_ranges[i];

		dev->access[i].RangeStart.QuadPart = r->in_memory ? (LONGLONG)(uintptr_t)r->start :
								    (LONGLONG)r->bus_address;
		/* ULONG: a range over 4 GiB shows its first 4 GiB - 1. */
		dev->access[i].RangeLength = min_t(u64, r->length, U32_MAX);
		dev->access[i].RangeInMemory = r->in_memory;
	}
	c->AccessRanges = c->NumberOfAccessRanges ? dev->access : NULL;
}

/* SRB_OPEN_STREAM's OpenFormat: the described range of the format opened. */
static int strmini_open_format(struct strmini_srb *s)
{
	struct streamclass_srb *sc = s->sc;
	struct strmini_device *dev = s->dev;
	int i = strmini_format_index(dev, sc->stream_object->stream_number,
				     sc->command_data.open_format);

	/* The class opens only described formats. */
	if (i < 0)
		return STREAMCLASS_STATUS_INVALID_PARAMETER;
	s->u.open.DataFormat = dev->ranges[i]->DataRange;
	s->u.open.DataFormat.FormatSize = sizeof(s->u.open);
	s->u.open.VideoInfoHeader = dev->ranges[i]->VideoInfoHeader;
	s->w.CommandData.OpenFormat = &s->u.open.DataFormat;
	return STREAMCLASS_STATUS_SUCCESS;
}

void streamclass_strmini_receive_packet(PDRIVER_OBJECT DriverObject, struct streamclass_srb *sc)
{
	struct strmini_driver *drv = DriverObject->Compat;
	struct strmini_device *dev = sc->hw_device_extension;
	struct strmini_stream *st = NULL;
	int status = STREAMCLASS_STATUS_SUCCESS;
	struct strmini_srb *s;
	u32 i;

	if (sc->command == SRB_INITIALIZE_DEVICE) {
		dev->drv = drv;
		spin_lock_init(&dev->lock);
		INIT_LIST_HEAD(&dev->pending);
		/* Data SRBs time out as device SRBs do (the class gives them none). */
		dev->timeout_s = sc->timeout_original ?: STRMINI_DEFAULT_TIMEOUT_S;
		strmini_clock_init(dev);
		strmini_config(dev, sc->command_data.config_info);
	}
	if (sc->stream_object)
		st = sc->stream_object->hw_stream_extension;
	if (sc->command == SRB_OPEN_STREAM) {
		st->w.SizeOfThisPacket = sizeof(st->w);
		st->w.StreamNumber = sc->stream_object->stream_number < dev->nstreams ?
			dev->streams[sc->stream_object->stream_number].win : ~0U;
		st->w.HwStreamExtension = drv->hw.PerStreamExtensionSize ?
						  (u8 *)st + STRMINI_STREAM_HEAD : NULL;
		st->w.HwDeviceExtension = strmini_win_ext(dev);
		st->sc = sc->stream_object;
		st->dev = dev;
		for (i = 0; i < STRMINI_DEFERRED; i++)
			INIT_LIST_HEAD(&st->call[i].node);
		INIT_LIST_HEAD(&st->feed.node);
		INIT_LIST_HEAD(&st->data_waiting);
		st->data_busy = false;
	}
	s = strmini_prepare(sc, dev, st);

	switch (sc->command) {
	case SRB_INITIALIZE_DEVICE:
		s->w.CommandData.ConfigInfo = &dev->config;
		break;
	case SRB_GET_STREAM_INFO:
		/* The buffer and the bytes the minidriver may fill, as asked. */
		s->w.CommandData.StreamBuffer = dev->descriptor;
		s->w.NumberOfBytesToTransfer = dev->config.StreamDescriptorSize;
		break;
	case SRB_OPEN_STREAM:
		status = strmini_open_format(s);
		break;
	case SRB_GET_DEVICE_PROPERTY:
	case SRB_SET_DEVICE_PROPERTY:
		status = strmini_property(s);
		break;
	case SRB_GET_DATA_INTERSECTION:
		status = strmini_intersection(s);
		break;
	}
	/* What the minidriver cannot be asked is answered here. */
	if (status != STREAMCLASS_STATUS_SUCCESS) {
		sc->status = status;
		streamclass_device_notification(STREAMCLASS_DEVICE_REQUEST_COMPLETE, dev, sc);
		return;
	}
	strmini_send(s, drv->hw.HwReceivePacket);
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_receive_packet, "STREAMCLASS");

/* The pages a data SRB's scatter/gather elements span. */
static ULONG strmini_pages(const struct streamclass_srb *sc)
{
	ULONG i, pages = 0;

	for (i = 0; i < sc->number_of_scatter_gather_elements; i++) {
		const struct streamclass_sg_element *e = &sc->scatter_gather_buffer[i];

		pages += DIV_ROUND_UP(offset_in_page(e->physical_address) + e->length, PAGE_SIZE);
	}
	return pages;
}

/* An open stream's data SRBs (the class's receive_data_packet). */
static void streamclass_strmini_receive_data(struct streamclass_srb *sc)
{
	struct strmini_stream *st = sc->stream_object->hw_stream_extension;
	struct streamclass_stream_header *h = sc->command_data.data_buffer_array;
	struct strmini_srb *s = strmini_prepare(sc, st->dev, st);

	s->w.Flags = SRB_HW_FLAGS_STREAM_REQUEST | SRB_HW_FLAGS_DATA_TRANSFER;
	s->w.NumberOfBuffers = 1;
	/* The class gives data SRBs no timeout; the layer counts this one. */
	s->w.TimeoutCounter = st->dev->timeout_s;
	s->w.TimeoutOriginal = st->dev->timeout_s;
	s->u.data.header.Size = sizeof(KSSTREAM_HEADER) +
				min_t(ULONG, st->w.StreamHeaderMediaSpecific, sizeof(KS_FRAME_INFO));
	s->u.data.header.FrameExtent = h->frame_extent;
	s->u.data.header.Data = h->data;
	s->u.data.header.PresentationTime.Numerator = 1;
	s->u.data.header.PresentationTime.Denominator = 1;
	s->u.data.frame.ExtendedHeaderSize = sizeof(KS_FRAME_INFO);
	/* Left so by the minidriver: no picture number, the class counts. */
	s->u.data.frame.PictureNumber = -1;
	s->w.CommandData.DataBufferArray = &s->u.data.header;
	s->w.NumberOfBytesToTransfer = sc->number_of_bytes_to_transfer;
	s->w.ScatterGatherBuffer = (PKSSCATTER_GATHER)sc->scatter_gather_buffer;
	s->w.NumberOfScatterGatherElements = sc->number_of_scatter_gather_elements;
	s->w.NumberOfPhysicalPages = strmini_pages(sc);
	if (strmini_flow(st->dev)) {
		struct strmini_device *dev = st->dev;
		unsigned long flags;

		spin_lock_irqsave(&dev->lock, flags);
		if (st->data_busy) {
			/* Not ready for it yet: it goes at the minidriver's word. */
			list_add_tail(&s->wait, &st->data_waiting);
			spin_unlock_irqrestore(&dev->lock, flags);
			return;
		}
		st->data_busy = true;
		spin_unlock_irqrestore(&dev->lock, flags);
	}
	strmini_send(s, st->w.ReceiveDataPacket);
}

/*
 * At Dispatch priority (synchronized, never inside a call into the
 * minidriver): the oldest waiting data SRB of the stream @context.
 */
static VOID STREAMAPI strmini_feed(PVOID context)
{
	struct strmini_stream *st = context;
	struct strmini_device *dev = st->dev;
	struct strmini_srb *s;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	s = list_first_entry_or_null(&st->data_waiting, struct strmini_srb, wait);
	if (s)
		list_del_init(&s->wait);
	else
		st->data_busy = false;
	spin_unlock_irqrestore(&dev->lock, flags);
	if (s)
		strmini_send(s, st->w.ReceiveDataPacket);
}

/*
 * ReadyForNextStreamDataRequest: the next data SRB, waiting or not yet
 * sent, may go to the minidriver. A waiting one goes from a Dispatch
 * routine, as stream.sys sends it from its DPC: never nested in the call
 * that said ready.
 */
void strmini_data_ready(struct strmini_stream *st)
{
	struct strmini_device *dev = st->dev;
	unsigned long flags;
	int err = 0;

	if (!strmini_flow(dev))
		return;
	spin_lock_irqsave(&dev->lock, flags);
	if (list_empty(&st->data_waiting))
		st->data_busy = false;
	else
		err = strmini_call_queue(dev, &st->feed, STRMINI_DISPATCH, strmini_feed, st);
	spin_unlock_irqrestore(&dev->lock, flags);
	/* -ENODEV: the device is going; the class cancels what waits. */
	if (err && err != -ENODEV)
		dev_warn_ratelimited(dev->dev, "ReadyForNextStreamDataRequest: %d\n", err);
}

/* An open stream's control SRBs (the class's receive_control_packet). */
/*
 * Before a stream's first control SRB, the layer's SRB_INDICATE_MASTER_CLOCK:
 * the handle is the stream itself, whose clock (time since RUN) is what
 * StreamClassQueryMasterClock(Sync) answers. It has no SRBExtension.
 */
static void strmini_indicate_clock(struct strmini_stream *st)
{
	struct strmini_srb *s = &st->clock;

	memset(s, 0, sizeof(*s));
	s->dev = st->dev;
	s->st = st;
	s->w.SizeOfThisPacket = sizeof(s->w);
	s->w.Irp = &s->irp;
	s->w.Command = SRB_INDICATE_MASTER_CLOCK;
	s->w.Status = STATUS_SUCCESS;
	s->w.StreamObject = &st->w;
	s->w.HwDeviceExtension = strmini_win_ext(st->dev);
	s->w.Flags = SRB_HW_FLAGS_STREAM_REQUEST;
	s->w.CommandData.MasterClockHandle = &st->w;
	st->clock_sent = true;
	strmini_send(s, st->w.ReceiveControlPacket);
}

static void streamclass_strmini_receive_control(struct streamclass_srb *sc)
{
	struct strmini_stream *st = sc->stream_object->hw_stream_extension;
	struct strmini_srb *s;

	if (!st->clock_sent)
		strmini_indicate_clock(st);
	s = strmini_prepare(sc, st->dev, st);

	s->w.Flags = SRB_HW_FLAGS_STREAM_REQUEST;
	if (sc->command == SRB_SET_STREAM_STATE)
		s->w.CommandData.StreamState = sc->command_data.stream_state;
	strmini_send(s, st->w.ReceiveControlPacket);
}

bool streamclass_strmini_interrupt(PDRIVER_OBJECT DriverObject, void *hw_device_extension)
{
	struct strmini_driver *drv = DriverObject->Compat;

	return drv->hw.HwInterrupt(strmini_win_ext(hw_device_extension));
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_interrupt, "STREAMCLASS");

void streamclass_strmini_cancel_packet(PDRIVER_OBJECT DriverObject, struct streamclass_srb *sc)
{
	struct strmini_driver *drv = DriverObject->Compat;
	struct strmini_srb *s = strmini_srb_of_sc(sc);
	struct strmini_device *dev = s->dev;
	unsigned long flags;
	bool waiting;

	/*
	 * Armed but not delivered yet (a removal's cancel can come between):
	 * the layer never prepared it, and the minidriver never saw it.
	 */
	if (!dev || s->sc != sc)
		return;
	/* One the minidriver never got: the layer completes it. */
	spin_lock_irqsave(&dev->lock, flags);
	waiting = !list_empty(&s->wait);
	list_del_init(&s->wait);
	spin_unlock_irqrestore(&dev->lock, flags);
	if (waiting) {
		s->w.Status = STATUS_CANCELLED;
		strmini_finish(s);
		return;
	}
	if (drv->hw.HwCancelPacket)
		drv->hw.HwCancelPacket(&s->w);
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_cancel_packet, "STREAMCLASS");

void streamclass_strmini_request_timeout(PDRIVER_OBJECT DriverObject, struct streamclass_srb *sc)
{
	struct strmini_driver *drv = DriverObject->Compat;
	struct strmini_srb *s = strmini_srb_of_sc(sc);
	struct strmini_device *dev = s->dev;
	unsigned long flags;
	bool due;

	/*
	 * The class's copy ran out. A TimeoutCounter the minidriver set since
	 * the two were last the same (from a DPC or a timer) is obeyed
	 * instead: 0 is no timeout, another value counts from now.
	 */
	spin_lock_irqsave(&dev->lock, flags);
	due = s->held && s->w.TimeoutCounter == s->timeout_synced;
	if (s->held && !due)
		sc->timeout_counter = s->w.TimeoutCounter;
	else
		s->w.TimeoutCounter = sc->timeout_counter;
	s->timeout_synced = s->w.TimeoutCounter;
	spin_unlock_irqrestore(&dev->lock, flags);
	if (!due)
		return;
	if (drv->hw.HwRequestTimeoutHandler)
		drv->hw.HwRequestTimeoutHandler(&s->w);
	else if (drv->hw.HwCancelPacket)
		drv->hw.HwCancelPacket(&s->w);
	spin_lock_irqsave(&dev->lock, flags);
	if (s->held) {
		sc->timeout_counter = s->w.TimeoutCounter;
		s->timeout_synced = s->w.TimeoutCounter;
	}
	spin_unlock_irqrestore(&dev->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_request_timeout, "STREAMCLASS");
