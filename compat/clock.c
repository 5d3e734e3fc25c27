// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: timers, priorities and the master clock.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include "strmini_internal.h"

static void strmini_no_routine(void *context)
{
}

VOID StreamClassScheduleTimer(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
			      ULONG NumberOfMicroseconds, PHW_TIMER_ROUTINE TimerRoutine,
			      PVOID Context)
{
	struct strmini_stream *st = strmini_stream_of(StreamObject);
	int err;

	/* Windows cancels with a NULL routine; the class wants one. */
	if (!NumberOfMicroseconds && !TimerRoutine)
		TimerRoutine = strmini_no_routine;
	err = streamclass_schedule_timer(st ? st->sc : NULL, strmini_device_of(HwDeviceExtension),
					 NumberOfMicroseconds, TimerRoutine, Context);
	if (err)
		pr_warn_ratelimited("streamclass: StreamClassScheduleTimer: %d\n", err);
}
EXPORT_SYMBOL_NS_GPL(StreamClassScheduleTimer, "STREAMCLASS");

VOID StreamClassCallAtNewPriority(PHW_STREAM_OBJECT StreamObject, PVOID HwDeviceExtension,
				  STREAM_PRIORITY Priority, PHW_PRIORITY_ROUTINE PriorityRoutine,
				  PVOID Context)
{
	enum streamclass_priority p;
	int err;

	switch (Priority) {
	case Dispatch:
		p = STREAMCLASS_PRIORITY_DISPATCH;
		break;
	case Low:
		p = STREAMCLASS_PRIORITY_LOW;
		break;
	default:	/* High, and LowToHigh: back to the synchronized level */
		p = STREAMCLASS_PRIORITY_HIGH;
	}
	err = streamclass_call_at_new_priority(strmini_device_of(HwDeviceExtension), p,
					       PriorityRoutine, Context);
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
	TimeContext->Time = t;
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
