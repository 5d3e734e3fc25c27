// SPDX-License-Identifier: GPL-2.0
/*
 * A test minidriver for the SRB engine (tests/scenarios/srb): it binds QEMU's
 * edu device (1234:11e8) through include/streamclass.h and answers
 * SRB_READ_DATA (sent through the class's debugfs "capture" file) the way
 * its "mode" parameter says, each mode one rule of strmini.h that a porter
 * relies on. What it saw is in its read-only parameters, under
 * /sys/module/streamclass_srb_test/parameters/.
 *
 * mode=early      status SUCCESS at once, completed later (LOW priority):
 *                 the class must wait for the notification.
 * mode=stale      each frame completed at once, then the previous frame's
 *                 SRB notified again: the class must refuse it.
 * mode=timeout    timeout_counter 1, never completed: the timeout handler
 *                 is called once and completes it with STATUS_TIMEOUT.
 * mode=reset      as timeout, but the handler sets the counter again once:
 *                 it is called twice.
 * mode=notimeout  timeout_counter 0, completed after 2.5 s: no handler call.
 * mode=ready      a frame is held with READY_FOR_NEXT_DEVICE_REQUEST until
 *                 the next one arrives; then both complete.
 * mode=overlap    the frame raises edu's interrupt and stays in the callback
 *                 for 2 ms; the handler counts overlaps with the callback.
 * mode=fail_info  SRB_GET_STREAM_INFO fails: probe fails after
 *                 SRB_INITIALIZE_DEVICE.
 * mode=streams   one stream described (one instance; GREY 64x64 and 128x64)
 *                 and a per-stream extension of STREAM_EXT_BYTES: each
 *                 SRB_OPEN_STREAM checks its stream object (size, number,
 *                 device extension, a zeroed extension, the format) and
 *                 marks the extension; each SRB_SET_STREAM_STATE to its
 *                 control callback is recorded in states (a digit each) and
 *                 completed by streamclass_stream_notification(); each
 *                 SRB_CLOSE_STREAM is counted, and whether it came before
 *                 SRB_UNINITIALIZE_DEVICE.
 * mode=bad_streams SRB_GET_STREAM_INFO succeeds with a stream whose format's
 *                 image is smaller than its lines: the class refuses the
 *                 descriptors, and the probe fails.
 * mode=never      a frame is never completed, whatever the cancel and timeout
 *                 calls say: removal must still end, within its bound, and
 *                 the SRB stay valid memory: it is completed at module exit.
 * mode=extdma     a per-request extension of EXT_BYTES: each frame checks
 *                 streamclass_get_physical_address() on it (start, middle,
 *                 past the end, no SRB), then, at LOW priority, has edu copy
 *                 the first half (a pattern the CPU wrote) into its buffer
 *                 and back into the second half by DMA at that bus address,
 *                 and compares: a mismatch fails the frame (ext_errors).
 * Hostile modes: what a late, stale or stuck port does. The class must keep
 * every memory the minidriver may still write, and refuse (and count) every
 * notification of an SRB it is done with. Run with the class's
 * device_srb_timeout_s=1, so that a device gives up on an SRB after 2 s.
 * mode=late_init  SRB_INITIALIZE_DEVICE is held past the probe's bound;
 *                 late_ms later its command data (the port config) is
 *                 written and it is completed. stack_command_data says
 *                 whether the command data was on the sender's stack.
 * mode=late_open  as streams, but SRB_OPEN_STREAM is never completed (its
 *                 cancel and timeout are ignored): at SRB_UNINITIALIZE_DEVICE
 *                 its stream object and extension are written, then it is
 *                 completed.
 * mode=late_close as streams, but each SRB_SET_STREAM_STATE completes
 *                 step_ms late (LOW priority); at SRB_UNINITIALIZE_DEVICE the
 *                 object of an instance opened and never closed is written.
 * mode=double     as streams, with a data callback: each data SRB completes
 *                 at once, after a second notification of the one received
 *                 two before it (a buffer's previous SRB when two buffers
 *                 take turns); at STOP, the last two are notified again.
 *                 Counted in stale_sent; each must be refused.
 * mode=keep_data  as streams, with a data callback: each data SRB completes
 *                 at once, with no picture number, but the third, which is kept (its cancel
 *                 ignored) for late_ms, then its whole buffer is written
 *                 through its address and it is completed: after STREAMOFF
 *                 gave up on it and REQBUFS(0) freed the buffer, when the
 *                 class did not keep the buffer's memory. When the
 *                 device is uninitialized first, the write is called off
 *                 (a stopped device writes nothing) and the SRB completed
 *                 at module exit.
 * Each hostile write is counted in late_writes. Both data callbacks count the
 * data SRBs that arrive while the instance is in PAUSE in data_in_pause.
 * sync=0          turn_off_synchronization.
 * Every mode counts SRB_SURPRISE_REMOVAL in surprise_removals, and sets
 * surprise_before_uninit when SRB_UNINITIALIZE_DEVICE follows one; it counts
 * SRB_UNINITIALIZE_DEVICE in uninitializes.
 * Every mode also tries streamclass_unregister_device() on its own extension
 * (the class owns it: -EBUSY, nothing freed) into unregister_errno.
 * Only mode=overlap has an interrupt handler: the others are IRQ-less.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <streamclass.h>

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	1
#define EDU_DMA_TO_RAM	2
#define EDU_BUFFER	0x40000
#define FRAME_BYTES	64
#define EXT_BYTES	200	/* not a power of two: the length must be exact */
#define STREAM_EXT_BYTES 64

static char *mode = "early";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "early, stale, timeout, reset, notimeout, ready, overlap, fail_info, streams, bad_streams, never, extdma, late_init, late_open, late_close, double, keep_data");
static int late_ms = 3000;
module_param(late_ms, int, 0444);
MODULE_PARM_DESC(late_ms, "late_init: milliseconds before the held SRB is written and completed");
static int step_ms = 500;
module_param(step_ms, int, 0444);
MODULE_PARM_DESC(step_ms, "late_close: milliseconds each state step is late");
static bool sync = true;
module_param(sync, bool, 0444);
MODULE_PARM_DESC(sync, "false: turn_off_synchronization");

/* What the minidriver saw, for the scenario. */
static int receives, atomic_receives, timeouts, overlaps, interrupts, unregister_errno;
static int surprise_removals, surprise_before_uninit, uninitializes;
static int ext_frames, ext_errors;
static int stream_opens, stream_closes, stream_errors, open_width, closed_before_uninit;
static int atomic_controls;
static char states[64];
module_param_string(states, states, sizeof(states), 0444);
module_param(atomic_controls, int, 0444);
module_param(receives, int, 0444);
module_param(atomic_receives, int, 0444);
module_param(timeouts, int, 0444);
module_param(overlaps, int, 0444);
module_param(interrupts, int, 0444);
module_param(unregister_errno, int, 0444);
module_param(surprise_removals, int, 0444);
module_param(surprise_before_uninit, int, 0444);
module_param(uninitializes, int, 0444);
module_param(ext_frames, int, 0444);
module_param(ext_errors, int, 0444);
module_param(stream_opens, int, 0444);
module_param(stream_closes, int, 0444);
module_param(stream_errors, int, 0444);
module_param(open_width, int, 0444);
module_param(closed_before_uninit, int, 0444);
static int stack_command_data, late_writes, stale_sent, data_srbs, data_errors, data_in_pause;
module_param(stack_command_data, int, 0444);
module_param(late_writes, int, 0444);
module_param(stale_sent, int, 0444);
module_param(data_srbs, int, 0444);
module_param(data_errors, int, 0444);
module_param(data_in_pause, int, 0444);

/*
 * The stream timer (streamclass_schedule_timer()): armed at RUN, it
 * reschedules itself every 2 ms whatever the state and is never cancelled
 * here, so only the class stops it (at STOP and close).
 */
static atomic_t timer_ticks = ATOMIC_INIT(0);
static int timer_outside, clock_ok, ticks_stopped, timer_errors;
module_param_named(timer_ticks, timer_ticks.counter, int, 0444);
module_param(timer_outside, int, 0444);
module_param(clock_ok, int, 0444);
module_param(ticks_stopped, int, 0444);
module_param(timer_errors, int, 0444);

/* mode never: the frame never completed, completed at module exit. */
static struct streamclass_srb *never_srb;

/*
 * Hostile modes: the SRB held (late_init, late_open), the state step in
 * progress (late_close), the instance open (late_close), and the last two
 * data SRBs (double).
 */
static struct streamclass_srb *parked;
static struct streamclass_srb *step_srb;
static struct streamclass_stream_object *open_obj;
static struct streamclass_srb *last_data[2];
static struct streamclass_srb *kept_data;
static u64 data_seq;

struct test_ext {
	void __iomem *bar0;
	struct streamclass_srb *held;	/* mode ready, timeout, early, notimeout */
	struct streamclass_srb *last;	/* mode stale: the previous frame's SRB */
	atomic_t inside;		/* entry points running */
	int handler_calls;		/* of the held SRB */
};

static void srb_done(struct streamclass_srb *srb, int status)
{
	srb->status = status;
	streamclass_device_notification(STREAMCLASS_DEVICE_REQUEST_COMPLETE,
					srb->hw_device_extension, srb);
}

static bool is(const char *m)
{
	return !strcmp(mode, m);
}

static void enter(struct test_ext *ext)
{
	if (atomic_inc_return(&ext->inside) > 1)
		overlaps++;
}

static void leave(struct test_ext *ext)
{
	atomic_dec(&ext->inside);
}

/* The modes that describe the capture stream. */
static bool streams_mode(void)
{
	return is("streams") || is("late_open") || is("late_close") || is("double") ||
	       is("keep_data");
}

static void stream_done(struct streamclass_srb *srb, int status)
{
	srb->status = status;
	streamclass_stream_notification(STREAMCLASS_STREAM_REQUEST_COMPLETE, srb->stream_object, srb);
}

/* late_init: the port config written, and completed, after the class gave up. */
static void late_init_fn(struct work_struct *work)
{
	struct streamclass_srb *srb = xchg(&parked, NULL);

	if (!srb)
		return;
	srb->command_data.config_info->irq = 0x5a5a5a5a;
	srb->command_data.config_info->number_of_access_ranges = 0;
	late_writes++;
	srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
}
static DECLARE_DELAYED_WORK(late_init_work, late_init_fn);

/* late_close, LOW priority: the state step completes step_ms late. */
static void late_step(void *context)
{
	struct streamclass_srb *srb = xchg(&step_srb, NULL);

	if (!srb)
		return;
	msleep(step_ms);
	stream_done(srb, STREAMCLASS_STATUS_SUCCESS);
}

/* A second notification of a data SRB completed before: must be refused. */
/* A data SRB arrived: count it when its instance is in PAUSE, before RUN. */
static void data_arrived(void)
{
	size_t n = strlen(states);

	data_srbs++;
	if (n && states[n - 1] == '0' + STREAMCLASS_KSSTATE_PAUSE)
		data_in_pause++;
}

static void notify_again(struct streamclass_srb *old)
{
	if (!old)
		return;
	stale_sent++;
	streamclass_stream_notification(STREAMCLASS_STREAM_REQUEST_COMPLETE, old->stream_object, old);
}

/* LOW priority: complete the held frame, late. */
static void late(void *context)
{
	struct test_ext *ext = context;
	struct streamclass_srb *srb = xchg(&ext->held, NULL);

	if (!srb)
		return;
	msleep(is("notimeout") ? 2500 : 20);
	srb->data_used = FRAME_BYTES;
	srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
}

/* Has edu copy @count bytes between RAM at @bus and its buffer; waits for it
 * (edu's DMA runs on a QEMU timer). */
static bool edu_dma(struct test_ext *ext, dma_addr_t bus, u32 count, bool to_ram)
{
	int i;

	writeq(to_ram ? EDU_BUFFER : bus, ext->bar0 + EDU_DMA_SRC);
	writeq(to_ram ? bus : EDU_BUFFER, ext->bar0 + EDU_DMA_DST);
	writeq(count, ext->bar0 + EDU_DMA_COUNT);
	writeq(EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0), ext->bar0 + EDU_DMA_CMD);
	for (i = 0; i < 2000 && (readl(ext->bar0 + EDU_DMA_CMD) & EDU_DMA_START); i++)
		usleep_range(1000, 2000);
	return !(readl(ext->bar0 + EDU_DMA_CMD) & EDU_DMA_START);
}

/* LOW priority: the device copies the extension's first half into its second
 * half, at the bus address the class gave; the CPU compares. */
static void ext_dma(void *context)
{
	struct test_ext *ext = context;
	struct streamclass_srb *srb = xchg(&ext->held, NULL);
	u8 *va;
	dma_addr_t bus;
	u32 len;
	int i, half = EXT_BYTES / 2;
	bool ok;

	if (!srb)
		return;
	va = srb->srb_extension;
	bus = streamclass_get_physical_address(ext, srb, va, STREAMCLASS_PER_REQUEST_EXTENSION, &len);
	for (i = 0; i < half; i++)
		va[i] = (u8)(i * 7 + ext_frames + 1);
	ok = bus && edu_dma(ext, bus, half, false) && edu_dma(ext, bus + half, half, true) &&
	     !memcmp(va, va + half, half);
	if (!ok)
		ext_errors++;
	ext_frames++;
	srb->data_used = ok ? FRAME_BYTES : 0;
	srb_done(srb, ok ? STREAMCLASS_STATUS_SUCCESS : STREAMCLASS_STATUS_IO_DEVICE_ERROR);
}

/* The bus addresses of the SRB's extension: each check that fails counts. */
static void ext_check(struct test_ext *ext, struct streamclass_srb *srb)
{
	u8 *va = srb->srb_extension;
	dma_addr_t bus, mid;
	u32 len = 1, mid_len = 1, past_len = 1, none_len = 1;

	bus = streamclass_get_physical_address(ext, srb, va, STREAMCLASS_PER_REQUEST_EXTENSION, &len);
	mid = streamclass_get_physical_address(ext, srb, va + 50, STREAMCLASS_PER_REQUEST_EXTENSION,
					       &mid_len);
	ext_errors += !va || !bus || len != EXT_BYTES;
	ext_errors += mid != bus + 50 || mid_len != EXT_BYTES - 50;
	ext_errors += streamclass_get_physical_address(ext, srb, va + EXT_BYTES,
						       STREAMCLASS_PER_REQUEST_EXTENSION, &past_len) ||
		      past_len;
	ext_errors += streamclass_get_physical_address(ext, NULL, va,
						       STREAMCLASS_PER_REQUEST_EXTENSION, &none_len) ||
		      none_len;
	/* The extension is zeroed for each SRB. */
	ext_errors += va && memchr_inv(va, 0, EXT_BYTES) != NULL;
}

/* LOW priority (it sleeps): the class owns this registration, so it must
 * refuse to unregister it, and free nothing. */
static void try_unregister(void *context)
{
	unregister_errno = streamclass_unregister_device(context);
}

static void read_data(struct test_ext *ext, struct streamclass_srb *srb)
{
	struct streamclass_srb *held;

	if (is("early") || is("notimeout")) {
		/* A Windows habit: a final status before the work is done. */
		srb->status = STREAMCLASS_STATUS_SUCCESS;
		if (is("notimeout"))
			srb->timeout_counter = 0;
		ext->held = srb;
		if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, late, ext))
			srb_done(xchg(&ext->held, NULL), STREAMCLASS_STATUS_IO_DEVICE_ERROR);
	} else if (is("stale")) {
		srb->data_used = FRAME_BYTES;
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		/* A second notification of the previous frame, whose SRB the
		 * class retired: refused, it must not complete this one. */
		if (ext->last)
			srb_done(ext->last, STREAMCLASS_STATUS_IO_DEVICE_ERROR);
		ext->last = srb;
	} else if (is("timeout") || is("reset")) {
		srb->timeout_counter = 1;
		ext->handler_calls = 0;
		ext->held = srb;
	} else if (is("ready")) {
		held = xchg(&ext->held, NULL);
		if (held) {
			held->data_used = FRAME_BYTES;
			srb_done(held, STREAMCLASS_STATUS_SUCCESS);
			srb->data_used = FRAME_BYTES;
			srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		} else {
			ext->held = srb;
			streamclass_device_notification(STREAMCLASS_READY_FOR_NEXT_DEVICE_REQUEST,
							ext, srb);
		}
	} else if (is("never")) {
		WRITE_ONCE(never_srb, srb);
	} else if (is("extdma")) {
		ext_check(ext, srb);
		ext->held = srb;
		if (streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, ext_dma, ext))
			srb_done(xchg(&ext->held, NULL), STREAMCLASS_STATUS_IO_DEVICE_ERROR);
	} else if (is("overlap")) {
		writel(1, ext->bar0 + EDU_IRQ_RAISE);
		udelay(2000);
		srb->data_used = FRAME_BYTES;
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
	} else {
		srb_done(srb, STREAMCLASS_STATUS_NOT_IMPLEMENTED);
	}
}

/* mode streams: one capture stream, one instance, two formats. */
static const struct streamclass_format good_formats[] = {
	{ .pixelformat = 0x59455247, .width = 64, .height = 64, .bytesperline = 64,
	  .sizeimage = 4096, .interval_numerator = 1, .interval_denominator = 30 },
	{ .pixelformat = 0x59455247, .width = 128, .height = 64, .bytesperline = 128,
	  .sizeimage = 8192, .interval_numerator = 1, .interval_denominator = 30 },
};
static const struct streamclass_stream_descriptor good_streams[] = {
	{ .data_flow = STREAMCLASS_DATAFLOW_OUT, .possible_instances = 1, .name = "test",
	  .number_of_formats = ARRAY_SIZE(good_formats), .formats = good_formats },
};

static void stream_packet(struct streamclass_srb *srb)
{
	/* Not called: this mode's stream gets no data SRB. */
	stream_errors++;
	stream_done(srb, STREAMCLASS_STATUS_NOT_IMPLEMENTED);
}

/* mode double: each frame completes at once, after the SRB of two frames
 * before is notified again. */
static void double_packet(struct streamclass_srb *srb)
{
	struct streamclass_stream_header *h = srb->command_data.data_buffer_array;

	data_arrived();
	notify_again(last_data[0]);
	last_data[0] = last_data[1];
	last_data[1] = srb;
	if (!h || !h->frame_extent) {
		data_errors++;
		stream_done(srb, STREAMCLASS_STATUS_INVALID_PARAMETER);
		return;
	}
	h->data_used = h->frame_extent;
	h->picture_number = data_seq++;
	stream_done(srb, STREAMCLASS_STATUS_SUCCESS);
}

/* keep_data: the kept data SRB's buffer written whole, then completed. */
static void keep_data_fn(struct work_struct *work)
{
	struct streamclass_srb *srb = xchg(&kept_data, NULL);
	struct streamclass_stream_header *h;

	if (!srb)
		return;
	h = srb->command_data.data_buffer_array;
	memset(h->data, 0x5a, h->frame_extent);
	h->data_used = h->frame_extent;
	late_writes++;
	stream_done(srb, STREAMCLASS_STATUS_SUCCESS);
}
static DECLARE_DELAYED_WORK(keep_data_work, keep_data_fn);

/* mode keep_data: the third data SRB kept; the others complete at once. */
static void keep_packet(struct streamclass_srb *srb)
{
	struct streamclass_stream_header *h = srb->command_data.data_buffer_array;

	data_arrived();
	if (data_srbs == 3 && h && h->data) {
		kept_data = srb;
		schedule_delayed_work(&keep_data_work, msecs_to_jiffies(late_ms));
		return;
	}
	if (!h || !h->frame_extent) {
		data_errors++;
		stream_done(srb, STREAMCLASS_STATUS_INVALID_PARAMETER);
		return;
	}
	/* No picture number: the class numbers the frames. */
	h->data_used = h->frame_extent;
	stream_done(srb, STREAMCLASS_STATUS_SUCCESS);
}

/* The data callback of the mode. */
static void (*data_packet(void))(struct streamclass_srb *)
{
	if (is("double"))
		return double_packet;
	return is("keep_data") ? keep_packet : stream_packet;
}

static void tick(void *context)
{
	struct streamclass_stream_object *obj = context;
	size_t n = strlen(states);
	s64 t;

	atomic_inc(&timer_ticks);
	if (!in_serving_softirq())
		timer_outside++;
	/* Synchronized: the state cannot change while this runs. */
	if (n && states[n - 1] == '0' + STREAMCLASS_KSSTATE_STOP)
		ticks_stopped++;
	if (!streamclass_query_master_clock_sync(obj, obj->hw_device_extension, &t) && t > 0)
		clock_ok++;
	if (streamclass_schedule_timer(obj, obj->hw_device_extension, 2000, tick, obj))
		timer_errors++;
}

/* The timer's bad arguments, and the device timer cancelled unarmed. */
static void timer_arguments(struct streamclass_stream_object *obj)
{
	s64 t;

	if (streamclass_schedule_timer(obj, obj->hw_device_extension, 2000, NULL, obj) != -EINVAL ||
	    streamclass_schedule_timer(obj, obj->hw_device_extension, 3600000001u, tick, obj) !=
		    -EINVAL ||
	    streamclass_schedule_timer(obj, NULL, 2000, tick, obj) != -EINVAL ||
	    streamclass_schedule_timer(NULL, obj->hw_device_extension, 0, tick, NULL) ||
	    streamclass_query_master_clock_sync(obj, obj->hw_device_extension, NULL) != -EINVAL ||
	    streamclass_query_master_clock_sync(obj, obj->hw_device_extension, &t) != -ENODATA)
		timer_errors++;
}

static void control_packet(struct streamclass_srb *srb)
{
	size_t n = strlen(states);

	if (irqs_disabled())
		atomic_controls++;
	if (srb->command != STREAMCLASS_SRB_SET_STREAM_STATE ||
	    srb->command_data.stream_state > STREAMCLASS_KSSTATE_RUN) {
		stream_errors++;
		srb->status = STREAMCLASS_STATUS_NOT_IMPLEMENTED;
	} else {
		if (n + 1 < sizeof(states))
			states[n] = '0' + srb->command_data.stream_state;
		srb->status = STREAMCLASS_STATUS_SUCCESS;
		if (is("late_close")) {
			step_srb = srb;
			if (streamclass_call_at_new_priority(srb->stream_object->hw_device_extension,
							     STREAMCLASS_PRIORITY_LOW, late_step, NULL))
				stream_done(xchg(&step_srb, NULL), STREAMCLASS_STATUS_IO_DEVICE_ERROR);
			return;
		}
		if (is("double") && srb->command_data.stream_state == STREAMCLASS_KSSTATE_STOP) {
			/* After STREAMOFF: the last frames notified once more. */
			notify_again(xchg(&last_data[0], NULL));
			notify_again(xchg(&last_data[1], NULL));
			data_seq = 0;
		}
		/* Before the class starts the clock: not running yet. */
		if (is("streams") && srb->command_data.stream_state == STREAMCLASS_KSSTATE_RUN) {
			timer_arguments(srb->stream_object);
			if (streamclass_schedule_timer(srb->stream_object,
						       srb->stream_object->hw_device_extension,
						       2000, tick, srb->stream_object))
				timer_errors++;
		}
	}
	streamclass_stream_notification(STREAMCLASS_STREAM_REQUEST_COMPLETE, srb->stream_object, srb);
}

static void open_stream(struct test_ext *ext, struct streamclass_srb *srb)
{
	struct streamclass_stream_object *obj = srb->stream_object;
	const struct streamclass_format *fmt = srb->command_data.open_format;

	if (!obj || !fmt || obj->size_of_this_packet != sizeof(*obj) || obj->stream_number ||
	    obj->hw_device_extension != ext || !obj->hw_stream_extension ||
	    memchr_inv(obj->hw_stream_extension, 0, STREAM_EXT_BYTES)) {
		stream_errors++;
		srb_done(srb, STREAMCLASS_STATUS_INVALID_PARAMETER);
		return;
	}
	open_width = fmt->width;
	/* The next instance's extension must be zeroed again. */
	memset(obj->hw_stream_extension, 0xa5, STREAM_EXT_BYTES);
	obj->receive_data_packet = data_packet();
	obj->receive_control_packet = control_packet;
	stream_opens++;
	if (is("late_open")) {
		/* Never completed: cancel and timeout find nothing held. */
		parked = srb;
		return;
	}
	open_obj = obj;
	srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
}

/* mode bad_streams: 64 lines of 64 bytes do not fit in 4000 bytes. */
static const struct streamclass_format bad_format = {
	.pixelformat = 0x59455247,	/* GREY */
	.width = 64, .height = 64, .bytesperline = 64, .sizeimage = 4000,
	.interval_numerator = 1, .interval_denominator = 30,
};
static const struct streamclass_stream_descriptor bad_streams[] = {
	{ .data_flow = STREAMCLASS_DATAFLOW_OUT, .possible_instances = 1, .name = "bad",
	  .number_of_formats = 1, .formats = &bad_format },
};

static void test_receive_packet(struct streamclass_srb *srb)
{
	struct test_ext *ext = srb->hw_device_extension;
	struct streamclass_port_config *cfg;
	struct streamclass_srb *held;

	enter(ext);
	receives++;
	if (irqs_disabled())
		atomic_receives++;
	switch (srb->command) {
	case STREAMCLASS_SRB_INITIALIZE_DEVICE:
		cfg = srb->command_data.config_info;
		stack_command_data = object_is_on_stack(cfg);
		if (is("late_init")) {
			parked = srb;
			schedule_delayed_work(&late_init_work, msecs_to_jiffies(late_ms));
			break;
		}
		ext->bar0 = cfg->access_ranges[0].start;
		srb_done(srb, ext->bar0 ? STREAMCLASS_STATUS_SUCCESS :
					  STREAMCLASS_STATUS_NO_SUCH_DEVICE);
		break;
	case STREAMCLASS_SRB_GET_STREAM_INFO:
		srb->command_data.stream_info->number_of_streams = 1;
		if (is("bad_streams"))
			srb->command_data.stream_info->streams = bad_streams;
		if (streams_mode())
			srb->command_data.stream_info->streams = good_streams;
		srb_done(srb, is("fail_info") ? STREAMCLASS_STATUS_IO_DEVICE_ERROR :
						STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_READ_DATA:
		read_data(ext, srb);
		break;
	case STREAMCLASS_SRB_OPEN_STREAM:
		open_stream(ext, srb);
		break;
	case STREAMCLASS_SRB_CLOSE_STREAM:
		stream_closes++;
		closed_before_uninit = !uninitializes;
		if (srb->stream_object == open_obj)
			open_obj = NULL;
		if (!srb->stream_object ||
		    srb->stream_object->receive_data_packet != data_packet())
			stream_errors++;
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_SURPRISE_REMOVAL:
		surprise_removals++;
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_UNINITIALIZE_DEVICE:
		surprise_before_uninit = surprise_removals > 0;
		uninitializes++;
		/* keep_data: a stopped device writes nothing any more. */
		cancel_delayed_work(&keep_data_work);
		held = xchg(&parked, NULL);
		if (held) {
			/* late_open: the open the class gave up on, at last. */
			memset(held->stream_object->hw_stream_extension, 0x5a, STREAM_EXT_BYTES);
			held->stream_object->receive_data_packet = stream_packet;
			late_writes++;
			srb_done(held, STREAMCLASS_STATUS_SUCCESS);
		}
		if (open_obj) {
			/* late_close: an instance the class never closed. */
			memset(open_obj->hw_stream_extension, 0x5a, STREAM_EXT_BYTES);
			late_writes++;
			open_obj = NULL;
		}
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	case STREAMCLASS_SRB_INITIALIZATION_COMPLETE:
		streamclass_call_at_new_priority(ext, STREAMCLASS_PRIORITY_LOW, try_unregister, ext);
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
		break;
	default:
		srb_done(srb, STREAMCLASS_STATUS_SUCCESS);
	}
	leave(ext);
}

static void test_timeout(struct streamclass_srb *srb)
{
	struct test_ext *ext = srb->hw_device_extension;

	enter(ext);
	timeouts++;
	if (is("reset") && ++ext->handler_calls == 1) {
		srb->timeout_counter = 1;
	} else if (xchg(&ext->held, NULL) == srb) {
		srb_done(srb, STREAMCLASS_STATUS_TIMEOUT);
	}
	leave(ext);
}

static void test_cancel(struct streamclass_srb *srb)
{
	struct test_ext *ext = srb->hw_device_extension;

	enter(ext);
	if (xchg(&ext->held, NULL) == srb)
		srb_done(srb, STREAMCLASS_STATUS_CANCELLED);
	leave(ext);
}

static bool test_interrupt(void *hw_device_extension)
{
	struct test_ext *ext = hw_device_extension;
	u32 status;

	if (!ext->bar0)
		return false;
	status = readl(ext->bar0 + EDU_IRQ_STATUS);
	if (!status)
		return false;
	enter(ext);
	writel(status, ext->bar0 + EDU_IRQ_ACK);
	interrupts++;
	udelay(50);
	leave(ext);
	return true;
}

static const struct pci_device_id test_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{}
};

static struct streamclass_init_data test_init = {
	.size = sizeof(struct streamclass_init_data),
	.device_extension_size = sizeof(struct test_ext),
	.dma_address_bits = 28,
	.hw_receive_packet = test_receive_packet,
	.hw_cancel_packet = test_cancel,
	.hw_request_timeout_handler = test_timeout,
};

static struct streamclass_minidriver *md;

static int __init srb_test_init(void)
{
	test_init.turn_off_synchronization = !sync;
	test_init.per_stream_extension_size = STREAM_EXT_BYTES;
	if (is("extdma")) {
		test_init.per_request_extension_size = EXT_BYTES;
		test_init.bus_master_dma = true;
	}
	if (is("overlap")) {
		test_init.hw_interrupt = test_interrupt;
		/* edu's MSI is a write by the device. */
		test_init.bus_master_dma = true;
	}
	md = streamclass_register_minidriver("streamclass_srb_test", test_ids, &test_init);
	return PTR_ERR_OR_ZERO(md);
}

static void __exit srb_test_exit(void)
{
	struct streamclass_srb *srb = xchg(&never_srb, NULL);

	/* Late, after removal gave up on it: the class kept it valid. */
	if (srb)
		srb_done(srb, STREAMCLASS_STATUS_CANCELLED);
	cancel_delayed_work_sync(&late_init_work);
	cancel_delayed_work_sync(&keep_data_work);
	srb = xchg(&kept_data, NULL);
	if (srb)
		stream_done(srb, STREAMCLASS_STATUS_CANCELLED);
	srb = xchg(&parked, NULL);
	if (srb)
		srb_done(srb, STREAMCLASS_STATUS_CANCELLED);
	streamclass_unregister_minidriver(md);
}

module_init(srb_test_init);
module_exit(srb_test_exit);
MODULE_DESCRIPTION("streamclass test: the SRB engine's strmini.h rules, on QEMU's edu");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("STREAMCLASS");
