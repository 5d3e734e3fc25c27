// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: timers, priorities and the master clock.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include "strmini_internal.h"

/* The class's timers take microseconds up to an hour ahead. */
#define STRMINI_TIMER_MAX_US 3600000000ULL

static void strmini_no_routine(void *context)
{
}

static void strmini_device_timer(void *context);

/*
 * Sets the class's device timer to the earlier of the minidriver's timer
 * and the tick, or cancels it. Called with dev->lock held.
 */
static void strmini_timer_program(struct strmini_device *dev)
{
	bool any = dev->timer.armed;
	ktime_t due = dev->timer.due;
	s64 ns;
	int err;

	lockdep_assert_held(&dev->lock);
	if (dev->ticking && (!any || ktime_before(dev->tick_due, due))) {
		due = dev->tick_due;
		any = true;
	}
	ns = any ? ktime_to_ns(ktime_sub(due, ktime_get())) : 0;
	err = streamclass_schedule_timer(NULL, dev, any ? max_t(s64, DIV_ROUND_UP_ULL(max(ns, 0LL), 1000), 1) : 0,
					 strmini_device_timer, dev);
	/* -ENODEV: the device is going, and its timers with it. */
	if (err && err != -ENODEV)
		dev_warn_ratelimited(dev->dev, "device timer: %d\n", err);
}

void strmini_clock_init(struct strmini_device *dev)
{
	u32 i;

	for (i = 0; i < STRMINI_DEFERRED; i++) {
		dev->calls[i].dev = dev;
		INIT_LIST_HEAD(&dev->calls[i].queue);
		INIT_LIST_HEAD(&dev->call[i].node);
	}
}

/* An SRB is held: tick once a second from now on. Called with dev->lock held. */
void strmini_tick_start(struct strmini_device *dev)
{
	lockdep_assert_held(&dev->lock);
	if (dev->ticking)
		return;
	dev->ticking = true;
	dev->tick_due = ktime_add_ms(ktime_get(), MSEC_PER_SEC);
	strmini_timer_program(dev);
}

/*
 * One second passed (synchronized with the minidriver, as the class's own
 * count is): the layer counts the TimeoutCounter of the data SRBs the
 * minidriver holds down, as stream.sys does, and calls the timeout
 * handler (HwRequestTimeoutHandler, else HwCancelPacket) for each that
 * reaches 0 with this tick. The class counts device and control SRBs
 * itself (struct streamclass_srb's timeout_counter): the two copies are
 * made the same, the minidriver's value winning when it set one since.
 */
static void strmini_tick(struct strmini_device *dev)
{
	struct strmini_driver *drv = dev->drv;
	void (*handler)(PHW_STREAM_REQUEST_BLOCK) =
		drv->hw.HwRequestTimeoutHandler ?: drv->hw.HwCancelPacket;
	struct strmini_srb *s, *expired;
	unsigned long flags;
	ULONG n;

	spin_lock_irqsave(&dev->lock, flags);
	list_for_each_entry(s, &dev->pending, node) {
		n = READ_ONCE(s->w.TimeoutCounter);
		if (strmini_class_counts(s)) {
			if (n == s->timeout_synced) {
				n = s->sc->timeout_counter;
				WRITE_ONCE(s->w.TimeoutCounter, n);
			} else {
				s->sc->timeout_counter = n;
			}
			s->timeout_synced = n;
		} else if (s->sc && n) {
			WRITE_ONCE(s->w.TimeoutCounter, n - 1);
			s->expired = n == 1;
		}
	}
	dev->ticking = !list_empty(&dev->pending);
	dev->tick_due = ktime_add_ms(ktime_get(), MSEC_PER_SEC);
	spin_unlock_irqrestore(&dev->lock, flags);

	/* One at a time: a handler may complete any SRB. */
	for (;;) {
		expired = NULL;
		spin_lock_irqsave(&dev->lock, flags);
		list_for_each_entry(s, &dev->pending, node) {
			if (s->expired) {
				s->expired = false;
				expired = s;
				break;
			}
		}
		spin_unlock_irqrestore(&dev->lock, flags);
		if (!expired)
			break;
		dev_warn_ratelimited(dev->dev, "SRB %#x timed out after %u s\n",
				     expired->w.Command, expired->w.TimeoutOriginal);
		if (handler)
			handler(&expired->w);
	}
}

/* The class's device timer: the tick, the minidriver's timer, or both. */
static void strmini_device_timer(void *context)
{
	struct strmini_device *dev = context;
	PHW_TIMER_ROUTINE routine = NULL;
	ktime_t now = ktime_get();
	unsigned long flags;
	PVOID arg = NULL;
	bool tick;

	spin_lock_irqsave(&dev->lock, flags);
	if (dev->timer.armed && !ktime_after(dev->timer.due, now)) {
		dev->timer.armed = false;
		routine = dev->timer.routine;
		arg = dev->timer.context;
	}
	tick = dev->ticking && !ktime_after(dev->tick_due, now);
	spin_unlock_irqrestore(&dev->lock, flags);
	if (tick)
		strmini_tick(dev);
	if (routine)
		routine(arg);
	spin_lock_irqsave(&dev->lock, flags);
	strmini_timer_program(dev);
	spin_unlock_irqrestore(&dev->lock, flags);
}

VOID StreamClassScheduleTimer(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
			      ULONG NumberOfMicroseconds, PHW_TIMER_ROUTINE TimerRoutine,
			      PVOID Context)
{
	struct strmini_stream *st = strmini_stream_of(StreamObject);
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	unsigned long flags;
	int err;

	if (!st) {
		/* The device's timer: the layer shares the class's with its tick. */
		if (!dev || (NumberOfMicroseconds && !TimerRoutine) ||
		    NumberOfMicroseconds > STRMINI_TIMER_MAX_US) {
			pr_warn_ratelimited("streamclass: StreamClassScheduleTimer: %d\n", -EINVAL);
			return;
		}
		spin_lock_irqsave(&dev->lock, flags);
		dev->timer.armed = NumberOfMicroseconds;
		dev->timer.routine = TimerRoutine;
		dev->timer.context = Context;
		dev->timer.due = ktime_add_us(ktime_get(), NumberOfMicroseconds);
		strmini_timer_program(dev);
		spin_unlock_irqrestore(&dev->lock, flags);
		return;
	}
	/* Windows cancels with a NULL routine; the class wants one. */
	if (!NumberOfMicroseconds && !TimerRoutine)
		TimerRoutine = strmini_no_routine;
	err = streamclass_schedule_timer(st->sc, dev, NumberOfMicroseconds, TimerRoutine, Context);
	if (err)
		pr_warn_ratelimited("streamclass: StreamClassScheduleTimer: %d\n", err);
}
EXPORT_SYMBOL_NS_GPL(StreamClassScheduleTimer, "STREAMCLASS");

static void strmini_run_calls(void *context);

/*
 * The class runs one routine of each deferred priority per device at a
 * time; the layer queues the rest, one per priority for each open stream
 * and for the device, and hands the class its runner (strmini_run_calls)
 * while the queue is not empty. Called with dev->lock held.
 */
static int strmini_calls_arm(struct strmini_calls *c)
{
	int level = c - c->dev->calls;
	int err;

	lockdep_assert_held(&c->dev->lock);
	if (c->armed || list_empty(&c->queue))
		return 0;
	err = streamclass_call_at_new_priority(c->dev, level == STRMINI_LOW ?
					       STREAMCLASS_PRIORITY_LOW :
					       STREAMCLASS_PRIORITY_DISPATCH,
					       strmini_run_calls, c);
	c->armed = !err;
	return err;
}

/* The class's deferred routine: the oldest queued routine of its priority. */
static void strmini_run_calls(void *context)
{
	struct strmini_calls *c = context;
	struct strmini_device *dev = c->dev;
	PHW_PRIORITY_ROUTINE routine = NULL;
	struct strmini_call *call;
	unsigned long flags;
	PVOID arg = NULL;
	int err;

	spin_lock_irqsave(&dev->lock, flags);
	c->armed = false;
	call = list_first_entry_or_null(&c->queue, struct strmini_call, node);
	if (call) {
		list_del_init(&call->node);
		call->queued = false;
		routine = call->routine;
		arg = call->context;
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	if (routine)
		routine(arg);
	/* The next one, in its own run (it may be queued again meanwhile). */
	spin_lock_irqsave(&dev->lock, flags);
	err = strmini_calls_arm(c);
	spin_unlock_irqrestore(&dev->lock, flags);
	/* -ENODEV: the device is going; its routines are dropped. */
	if (err && err != -ENODEV)
		dev_warn_ratelimited(dev->dev, "StreamClassCallAtNewPriority: %d\n", err);
}

/* A stream closes: its queued routines are dropped. */
void strmini_calls_drop(struct strmini_stream *st)
{
	struct strmini_device *dev = st->dev;
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&dev->lock, flags);
	for (i = 0; i < STRMINI_DEFERRED; i++) {
		list_del_init(&st->call[i].node);
		st->call[i].queued = false;
	}
	list_del_init(&st->feed.node);
	st->feed.queued = false;
	spin_unlock_irqrestore(&dev->lock, flags);
}

/*
 * Queues @call to run @routine(@context) at @level (STRMINI_DISPATCH or
 * STRMINI_LOW), after the routines queued before it; asking again before it
 * ran replaces its routine and context, keeping its turn. Called with
 * dev->lock held.
 */
int strmini_call_queue(struct strmini_device *dev, struct strmini_call *call, int level,
		       PHW_PRIORITY_ROUTINE routine, PVOID context)
{
	int err;

	lockdep_assert_held(&dev->lock);
	call->routine = routine;
	call->context = context;
	if (!call->queued) {
		call->queued = true;
		list_add_tail(&call->node, &dev->calls[level].queue);
	}
	err = strmini_calls_arm(&dev->calls[level]);
	if (err) {
		list_del_init(&call->node);
		call->queued = false;
	}
	return err;
}

VOID StreamClassCallAtNewPriority(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
				  STREAM_PRIORITY Priority, PHW_PRIORITY_ROUTINE PriorityRoutine,
				  PVOID Context)
{
	struct strmini_stream *st = strmini_stream_of(StreamObject);
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension) ?: (st ? st->dev : NULL);
	struct strmini_call *call;
	unsigned long flags;
	int level, err;

	switch (Priority) {
	case Dispatch:
		level = STRMINI_DISPATCH;
		break;
	case Low:
		level = STRMINI_LOW;
		break;
	default:	/* High, and LowToHigh: back to the synchronized level */
		err = streamclass_call_at_new_priority(dev, STREAMCLASS_PRIORITY_HIGH,
						       PriorityRoutine, Context);
		if (err)
			pr_warn_ratelimited("streamclass: StreamClassCallAtNewPriority: %d\n", err);
		return;
	}
	if (!dev || !PriorityRoutine) {
		pr_warn_ratelimited("streamclass: StreamClassCallAtNewPriority: %d\n", -EINVAL);
		return;
	}
	/*
	 * One pending routine per priority for each stream and for the device,
	 * as on Windows: asking again before it ran replaces its routine and
	 * context, keeping its turn.
	 */
	call = st ? &st->call[level] : &dev->call[level];
	spin_lock_irqsave(&dev->lock, flags);
	err = strmini_call_queue(dev, call, level, PriorityRoutine, Context);
	spin_unlock_irqrestore(&dev->lock, flags);
	if (err)
		pr_warn_ratelimited("streamclass: StreamClassCallAtNewPriority: %d\n", err);
}
EXPORT_SYMBOL_NS_GPL(StreamClassCallAtNewPriority, "STREAMCLASS");

VOID StreamClassQueryMasterClockSync(HANDLE MasterClockHandle, PHW_TIME_CONTEXT TimeContext)
{
	/* The stream asked about, else the one whose clock the handle is. */
	struct strmini_stream *st = strmini_stream_of(TimeContext->HwStreamObject ?:
						      (PHW_STREAM_OBJECT)MasterClockHandle);
	s64 t = 0;

	if (!st || streamclass_query_master_clock_sync(st->sc, st->dev, &t))
		t = 0;
	/* The class's nanoseconds as KS time (100 ns units). */
	TimeContext->Time = div_s64(t, 100);
	TimeContext->SystemTime = div_u64(ktime_get_ns(), 100);
}
EXPORT_SYMBOL_NS_GPL(StreamClassQueryMasterClockSync, "STREAMCLASS");

VOID StreamClassQueryMasterClock(PHW_STREAM_OBJECT HwStreamObject, HANDLE MasterClockHandle,
				 TIME_FUNCTION TimeFunction,
				 PHW_QUERY_CLOCK_ROUTINE ClockCallbackRoutine)
{
	HW_TIME_CONTEXT tc = {
		.HwDeviceExtension = HwStreamObject ? HwStreamObject->HwDeviceExtension : NULL,
		.HwStreamObject = HwStreamObject,
		.Function = TimeFunction,
	};

	/* Answered at once: the routine runs before this returns. */
	StreamClassQueryMasterClockSync(MasterClockHandle, &tc);
	if (ClockCallbackRoutine)
		ClockCallbackRoutine(&tc);
}
EXPORT_SYMBOL_NS_GPL(StreamClassQueryMasterClock, "STREAMCLASS");
