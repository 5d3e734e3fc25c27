// SPDX-License-Identifier: GPL-2.0
/*
 * The edu capture minidriver of samples/streamclass_edu_capture.rs, in C,
 * through include/streamclass.h only: it proves the C side of the minidriver
 * model (callbacks from the init data, the port configuration, SRBs that
 * complete from the interrupt handler through streamclass_device_notification())
 * on QEMU's edu device (1234:11e8).
 *
 * Each SRB_READ_DATA writes a frame (its number and a pattern) into the first
 * half of the class's 8 KiB DMA buffer; edu DMAs it into its 4 KiB internal
 * buffer and back into the second half, each DMA ending with edu's DMA
 * interrupt, and the copy is compared byte for byte.
 *
 * Its one capture stream (GREY 64x64, exactly edu's 4 KiB buffer, and
 * 128x64, two buffers' worth) is what V4L2 applications see: each data SRB
 * (one queued V4L2 buffer) is one frame made by edu's DMA engine. The frame
 * is drawn into the common DMA buffer, edu DMAs it into its internal
 * buffer, and then from there straight into the user's buffer, one DMA per
 * piece of its scatter/gather list (at most 4 KiB each), so a frame of
 * 8 KiB takes two or more device DMAs. The pattern it promises: byte i of
 * frame n is stream_byte(n, i % 4096), and bytes 0-7 of each 4 KiB hold n
 * (little endian); n is the picture number, from 0 per stream start.
 *
 * Synchronization is on (strmini.h's default): the callbacks run under the
 * device's lock and must not sleep. Every SRB is completed through
 * streamclass_device_notification(); the fill, the compare and the wait at
 * stop run at STREAMCLASS_PRIORITY_LOW, which calls back at HIGH to start
 * the DMA.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/videodev2.h>
#include <streamclass.h>

#define EDU_IDENT	0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define DMA_START	1
#define DMA_TO_RAM	2
#define DMA_IRQ		4
#define IRQ_DMA_DONE	0x100
#define EDU_BUFFER	0x40000
#define FRAME		4096
#define QUEUE		64

/* The open stream instance: its per-stream extension, zeroed by the class. */
struct edu_stream {
	u32 state;			/* enum streamclass_ksstate */
	u32 frame_bytes;		/* the format's image size */
	u64 picture;			/* the next frame's picture number */
	struct streamclass_srb *queue[QUEUE];	/* data SRBs waiting */
	unsigned int head, count;
	struct streamclass_srb *active;	/* the frame being made */
	bool seeding;			/* its DMA into edu is in flight */
	bool cancel;			/* cancel the active one */
	u32 done, element, offset;	/* bytes made; where in the list */
	unsigned long frames;
};

enum phase { IDLE, FILLING, TO_DEVICE, FROM_DEVICE, VERIFYING };

/* The device extension, zeroed by the class. */
struct edu_ext {
	void __iomem *bar0;
	u8 *buf;
	dma_addr_t bus;
	atomic_t phase;
	atomic_t cancel;
	struct streamclass_srb *pending;	/* owned by the phase machine */
	struct streamclass_srb *stopping;	/* SRB_UNINITIALIZE_DEVICE */
	struct streamclass_stream_object *stream;	/* the open instance */
	unsigned long captured, verified;
};

static u8 pattern(u64 n, size_t i)
{
	return (u8)((n * 31) ^ (i * 7) ^ (i >> 8) ^ 0x5a);
}

/* Byte i (< 4096, past the header) of stream frame n. */
static u8 stream_byte(u64 n, size_t i)
{
	return (u8)(n * 31 + i * 7 + i / 256);
}

static void dma(struct edu_ext *ext, bool to_ram)
{
	dma_addr_t ram = ext->bus + (to_ram ? FRAME : 0);

	writeq(to_ram ? EDU_BUFFER : ram, ext->bar0 + EDU_DMA_SRC);
	writeq(to_ram ? ram : EDU_BUFFER, ext->bar0 + EDU_DMA_DST);
	writeq(FRAME, ext->bar0 + EDU_DMA_COUNT);
	writeq(DMA_START | DMA_IRQ | (to_ram ? DMA_TO_RAM : 0), ext->bar0 + EDU_DMA_CMD);
}

/* The only way an SRB is completed, in the call or later. */
static void srb_complete(struct streamclass_srb *srb, int status)
{
	srb->status = status;
	streamclass_device_notification(STREAMCLASS_DEVICE_REQUEST_COMPLETE,
					srb->hw_device_extension, srb);
}

static void resume_stream(void *context);

static void finish(struct edu_ext *ext, int status)
{
	struct streamclass_srb *srb = xchg(&ext->pending, NULL);

	atomic_set(&ext->phase, IDLE);
	if (srb)
		srb_complete(srb, status);
	/* The stream's frames waited for edu's DMA engine. */
	if (READ_ONCE(ext->stream))
		streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_HIGH, resume_stream, ext);
}

static int initialize(struct edu_ext *ext, struct streamclass_port_config *cfg)
{
	u32 ident;

	if (cfg->number_of_access_ranges < 1 || !cfg->access_ranges[0].in_memory)
		return STREAMCLASS_STATUS_NO_SUCH_DEVICE;
	ext->bar0 = cfg->access_ranges[0].start;
	ident = readl(ext->bar0 + EDU_IDENT);
	writel(0x5eedf00d, ext->bar0 + EDU_LIVENESS);
	if ((ident & 0xff) != 0xed || readl(ext->bar0 + EDU_LIVENESS) != ~0x5eedf00du)
		return STREAMCLASS_STATUS_IO_DEVICE_ERROR;
	ext->buf = streamclass_get_dma_buffer(ext);
	ext->bus = streamclass_get_physical_address(ext, NULL, ext->buf,
						    STREAMCLASS_DMA_BUFFER, NULL);
	if (!ext->buf || !ext->bus)
		return STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES;
	dev_info(cfg->dev, "C sample: edu found, irq %u, DMA buffer at bus address %pad\n",
		 cfg->irq, &ext->bus);
	return STREAMCLASS_STATUS_SUCCESS;
}

/* HIGH priority: start the DMA of the drawn frame into the device. */
static void kick(void *context)
{
	struct edu_ext *ext = context;

	if (atomic_cmpxchg(&ext->phase, FILLING, TO_DEVICE) != FILLING)
		return;
	if (atomic_read(&ext->cancel))
		finish(ext, STREAMCLASS_STATUS_CANCELLED);
	else
		dma(ext, false);
}

/* LOW priority: draw the pending frame, then start it at HIGH priority. */
static void fill(void *context)
{
	struct edu_ext *ext = context;
	struct streamclass_srb *srb = READ_ONCE(ext->pending);
	size_t i;

	if (!srb)
		return;
	for (i = 0; i < FRAME; i++)
		ext->buf[i] = pattern(srb->frame_number, i);
	memcpy(ext->buf, &srb->frame_number, sizeof(srb->frame_number));
	memset(ext->buf + FRAME, 0, FRAME);
	if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_HIGH, kick, ext))
		finish(ext, STREAMCLASS_STATUS_IO_DEVICE_ERROR);
}

static void start_frame(struct edu_ext *ext, struct streamclass_srb *srb)
{
	struct edu_stream *st = ext->stream ? ext->stream->hw_stream_extension : NULL;

	/* edu's DMA engine is the stream's while it makes a frame. */
	if ((st && st->active) || atomic_cmpxchg(&ext->phase, IDLE, FILLING) != IDLE) {
		srb_complete(srb, STREAMCLASS_STATUS_INVALID_PARAMETER);
		return;
	}
	atomic_set(&ext->cancel, 0);
	ext->pending = srb;
	if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, fill, ext))
		finish(ext, STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES);
}

/* LOW priority: compare the frame that came back, and complete it. */
static void check_frame(void *context)
{
	struct edu_ext *ext = context;
	struct streamclass_srb *srb = READ_ONCE(ext->pending);

	if (!srb)
		return;
	ext->captured++;
	srb->data_used = FRAME;
	if (memcmp(ext->buf, ext->buf + FRAME, FRAME)) {
		finish(ext, STREAMCLASS_STATUS_IO_DEVICE_ERROR);
		return;
	}
	ext->verified++;
	finish(ext, STREAMCLASS_STATUS_SUCCESS);
}

/* LOW priority: wait for a DMA in flight, then complete the uninitialize. */
static void stop(void *context)
{
	struct edu_ext *ext = context;
	int i;

	/* The device must not write the buffer once the class frees it. */
	for (i = 0; i < 1000 && (readl(ext->bar0 + EDU_DMA_CMD) & DMA_START); i++)
		usleep_range(1000, 2000);
	pr_info("streamclass_edu_capture_c: stopped: %lu frames captured by device DMA, %lu verified\n",
		ext->captured, ext->verified);
	srb_complete(xchg(&ext->stopping, NULL), STREAMCLASS_STATUS_SUCCESS);
}

/* The one capture stream: 8-bit grey frames, one of exactly edu's 4 KiB buffer
 * and one of two buffers' worth, at 30 frames a second. */
#define GREY(w, h) { .pixelformat = v4l2_fourcc('G', 'R', 'E', 'Y'), .width = (w), .height = (h), \
		     .bytesperline = (w), .sizeimage = (w) * (h), .interval_numerator = 1, \
		     .interval_denominator = 30 }
static const struct streamclass_format edu_formats[] = { GREY(64, 64), GREY(128, 64) };
static const struct streamclass_stream_descriptor edu_streams[] = {
	{
		.data_flow = STREAMCLASS_DATAFLOW_OUT,
		.possible_instances = 1,
		.name = "edu",
		.number_of_formats = ARRAY_SIZE(edu_formats),
		.formats = edu_formats,
	},
};


/* Stream data: every function runs under the device's lock. */

static void stream_complete(struct streamclass_srb *srb, int status)
{
	srb->status = status;
	streamclass_stream_notification(STREAMCLASS_STREAM_REQUEST_COMPLETE, srb->stream_object, srb);
}

static void edu_program(struct edu_ext *ext, u64 src, u64 dst, u32 count, bool to_ram)
{
	writeq(src, ext->bar0 + EDU_DMA_SRC);
	writeq(dst, ext->bar0 + EDU_DMA_DST);
	writeq(count, ext->bar0 + EDU_DMA_COUNT);
	writeq(DMA_START | DMA_IRQ | (to_ram ? DMA_TO_RAM : 0), ext->bar0 + EDU_DMA_CMD);
}

/* The next piece of the active frame, from edu's buffer into the data buffer. */
static void stream_piece(struct edu_ext *ext, struct edu_stream *st)
{
	struct streamclass_srb *srb = st->active;
	struct streamclass_sg_element *e = &srb->scatter_gather_buffer[st->element];
	u32 len = min3(e->length - st->offset, FRAME - st->done % FRAME, st->frame_bytes - st->done);

	edu_program(ext, EDU_BUFFER + st->done % FRAME, e->physical_address + st->offset, len, true);
	st->done += len;
	st->offset += len;
	if (st->offset == e->length) {
		st->element++;
		st->offset = 0;
	}
}

/* Starts the next waiting frame, when running and edu is free. */
static void stream_next(struct edu_ext *ext, struct edu_stream *st)
{
	u64 n = st->picture;
	size_t i;

	if (st->active || !st->count || st->state != STREAMCLASS_KSSTATE_RUN ||
	    atomic_read(&ext->phase) != IDLE)
		return;
	st->active = st->queue[st->head];
	st->head = (st->head + 1) % QUEUE;
	st->count--;
	st->done = st->element = st->offset = 0;
	st->cancel = false;
	for (i = 0; i < FRAME; i++)
		ext->buf[i] = stream_byte(n, i);
	memcpy(ext->buf, &n, sizeof(n));
	st->seeding = true;
	edu_program(ext, ext->bus, EDU_BUFFER, FRAME, false);
}

/* A DMA of the active frame is done (interrupt handler). */
static void stream_dma_done(struct edu_ext *ext, struct edu_stream *st)
{
	struct streamclass_srb *srb = st->active;

	st->seeding = false;
	if (st->cancel) {
		st->active = NULL;
		stream_complete(srb, STREAMCLASS_STATUS_CANCELLED);
	} else if (st->done < st->frame_bytes) {
		stream_piece(ext, st);
		return;
	} else {
		srb->command_data.data_buffer_array->data_used = st->frame_bytes;
		srb->command_data.data_buffer_array->picture_number = st->picture++;
		st->frames++;
		st->active = NULL;
		stream_complete(srb, STREAMCLASS_STATUS_SUCCESS);
	}
	stream_next(ext, st);
}

/* HIGH priority: a device capture ended; the stream goes on. */
static void resume_stream(void *context)
{
	struct edu_ext *ext = context;

	if (ext->stream)
		stream_next(ext, ext->stream->hw_stream_extension);
}

/* receive_data_packet: SRB_READ_DATA, one frame into its buffer. */
static void edu_stream_data(struct streamclass_srb *srb)
{
	struct edu_ext *ext = srb->hw_device_extension;
	struct edu_stream *st = srb->stream_object->hw_stream_extension;

	if (srb->command != STREAMCLASS_SRB_READ_DATA) {
		stream_complete(srb, STREAMCLASS_STATUS_NOT_IMPLEMENTED);
		return;
	}
	if (!srb->number_of_scatter_gather_elements ||
	    srb->number_of_bytes_to_transfer < st->frame_bytes) {
		stream_complete(srb, STREAMCLASS_STATUS_INVALID_PARAMETER);
		return;
	}
	if (st->count == QUEUE) {
		stream_complete(srb, STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	st->queue[(st->head + st->count++) % QUEUE] = srb;
	stream_next(ext, st);
}

/* receive_control_packet: SRB_SET_STREAM_STATE. */
static void edu_stream_control(struct streamclass_srb *srb)
{
	struct edu_ext *ext = srb->hw_device_extension;
	struct edu_stream *st = srb->stream_object->hw_stream_extension;

	if (srb->command == STREAMCLASS_SRB_GET_STREAM_STATE) {
		srb->command_data.stream_state = st->state;
		stream_complete(srb, STREAMCLASS_STATUS_SUCCESS);
		return;
	}
	if (srb->command != STREAMCLASS_SRB_SET_STREAM_STATE) {
		stream_complete(srb, STREAMCLASS_STATUS_NOT_IMPLEMENTED);
		return;
	}
	st->state = srb->command_data.stream_state;
	stream_complete(srb, STREAMCLASS_STATUS_SUCCESS);
	stream_next(ext, st);
}

static int open_stream(struct edu_ext *ext, struct streamclass_srb *srb)
{
	struct streamclass_stream_object *obj = srb->stream_object;
	struct edu_stream *st = obj->hw_stream_extension;

	if (ext->stream)
		return STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES;
	st->frame_bytes = srb->command_data.open_format->sizeimage;
	obj->receive_data_packet = edu_stream_data;
	obj->receive_control_packet = edu_stream_control;
	ext->stream = obj;
	return STREAMCLASS_STATUS_SUCCESS;
}

static int close_stream(struct edu_ext *ext, struct streamclass_srb *srb)
{
	struct edu_stream *st = srb->stream_object->hw_stream_extension;

	if (ext->stream != srb->stream_object)
		return STREAMCLASS_STATUS_INVALID_PARAMETER;
	pr_info("streamclass_edu_capture_c: stream closed: %lu frames made by device DMA into the data buffers\n",
		st->frames);
	ext->stream = NULL;
	return STREAMCLASS_STATUS_SUCCESS;
}

/* The stream's data SRB @srb is cancelled: a waiting one at once, the active
 * one when its DMA in flight ends. */
static void stream_cancel(struct edu_ext *ext, struct streamclass_srb *srb)
{
	struct edu_stream *st = srb->stream_object->hw_stream_extension;
	unsigned int i;

	if (st->active == srb) {
		st->cancel = true;
		return;
	}
	for (i = 0; i < st->count; i++) {
		unsigned int at = (st->head + i) % QUEUE;

		if (st->queue[at] != srb)
			continue;
		for (; i + 1 < st->count; i++)
			st->queue[(st->head + i) % QUEUE] = st->queue[(st->head + i + 1) % QUEUE];
		st->count--;
		stream_complete(srb, STREAMCLASS_STATUS_CANCELLED);
		return;
	}
}

/*
 * SRB_GET_DATA_INTERSECTION: of the requested pixel format (else the first
 * format's), the largest format no larger than the request, else the
 * smallest. (The class, left to itself, takes the closest.)
 */
static int intersect(struct streamclass_data_intersection *q)
{
	const struct streamclass_format *best = NULL, *smallest = NULL;
	u32 pf = edu_formats[0].pixelformat;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(edu_formats); i++)
		if (edu_formats[i].pixelformat == q->request.pixelformat)
			pf = q->request.pixelformat;
	for (i = 0; i < ARRAY_SIZE(edu_formats); i++) {
		const struct streamclass_format *f = &edu_formats[i];

		if (f->pixelformat != pf)
			continue;
		if (!smallest || f->sizeimage < smallest->sizeimage)
			smallest = f;
		if (f->width <= q->request.width && f->height <= q->request.height &&
		    (!best || f->sizeimage > best->sizeimage))
			best = f;
	}
	q->result = best ? *best : *smallest;
	return STREAMCLASS_STATUS_SUCCESS;
}

static void edu_receive_packet(struct streamclass_srb *srb)
{
	struct edu_ext *ext = srb->hw_device_extension;

	switch (srb->command) {
	case STREAMCLASS_SRB_INITIALIZE_DEVICE:
		srb_complete(srb, initialize(ext, srb->command_data.config_info));
		break;
	case STREAMCLASS_SRB_GET_STREAM_INFO:
		srb->command_data.stream_info->number_of_streams = ARRAY_SIZE(edu_streams);
		srb->command_data.stream_info->streams = edu_streams;
		srb_complete(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_INITIALIZATION_COMPLETE:
		srb_complete(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_UNINITIALIZE_DEVICE:
		ext->stopping = srb;
		if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, stop, ext))
			srb_complete(xchg(&ext->stopping, NULL), STREAMCLASS_STATUS_IO_DEVICE_ERROR);
		break;
	case STREAMCLASS_SRB_READ_DATA:
		start_frame(ext, srb);
		break;
	case STREAMCLASS_SRB_OPEN_STREAM:
		srb_complete(srb, open_stream(ext, srb));
		break;
	case STREAMCLASS_SRB_CLOSE_STREAM:
		srb_complete(srb, close_stream(ext, srb));
		break;
	case STREAMCLASS_SRB_GET_DATA_INTERSECTION:
		srb_complete(srb, intersect(srb->command_data.intersect));
		break;
	default:
		srb_complete(srb, STREAMCLASS_STATUS_NOT_IMPLEMENTED);
	}
}

static bool edu_interrupt(void *hw_device_extension)
{
	struct edu_ext *ext = hw_device_extension;
	u32 status;

	if (!ext->bar0)
		return false;
	status = readl(ext->bar0 + EDU_IRQ_STATUS);
	if (!status)
		return false;
	writel(status, ext->bar0 + EDU_IRQ_ACK);
	if (!(status & IRQ_DMA_DONE))
		return true;
	if (ext->stream) {
		struct edu_stream *st = ext->stream->hw_stream_extension;

		if (st->active) {
			stream_dma_done(ext, st);
			return true;
		}
	}
	if (atomic_read(&ext->cancel)) {
		finish(ext, STREAMCLASS_STATUS_CANCELLED);
		return true;
	}
	switch (atomic_read(&ext->phase)) {
	case TO_DEVICE:
		atomic_set(&ext->phase, FROM_DEVICE);
		dma(ext, true);
		break;
	case FROM_DEVICE:
		atomic_set(&ext->phase, VERIFYING);
		if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, check_frame, ext))
			finish(ext, STREAMCLASS_STATUS_IO_DEVICE_ERROR);
		break;
	}
	return true;
}

static void edu_cancel_packet(struct streamclass_srb *srb)
{
	struct edu_ext *ext = srb->hw_device_extension;

	if (srb->stream_object) {
		stream_cancel(ext, srb);
		return;
	}
	/* edu cannot abort a DMA: the frame ends when the one in flight does. */
	atomic_set(&ext->cancel, 1);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{}
};

static const struct streamclass_init_data edu_init = {
	.size = sizeof(struct streamclass_init_data),
	.device_extension_size = sizeof(struct edu_ext),
	.per_stream_extension_size = sizeof(struct edu_stream),
	.dma_buffer_size = 2 * FRAME,
	.bus_master_dma = true,
	.dma_address_bits = 28,
	.hw_receive_packet = edu_receive_packet,
	.hw_interrupt = edu_interrupt,
	.hw_cancel_packet = edu_cancel_packet,
};

static struct streamclass_minidriver *md;

static bool forget_unregister;
module_param(forget_unregister, bool, 0444);
MODULE_PARM_DESC(forget_unregister,
		 "Skip streamclass_unregister_minidriver() at exit (tests the class's clean-up)");

static int __init edu_capture_c_init(void)
{
	md = streamclass_register_minidriver("streamclass_edu_capture_c", edu_ids, &edu_init);
	return PTR_ERR_OR_ZERO(md);
}

static void __exit edu_capture_c_exit(void)
{
	if (!forget_unregister)
		streamclass_unregister_minidriver(md);
}

module_init(edu_capture_c_init);
module_exit(edu_capture_c_exit);
MODULE_DESCRIPTION("streamclass sample: capture by device DMA on QEMU's edu, in C");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("STREAMCLASS");
