// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: the minidriver's notifications.
 */
#include <linux/stdarg.h>
#include "strmini_internal.h"

/* Notifications. */

/* The class SRB of *last (a held SRB or NULL), read under dev->lock. */
static struct streamclass_srb *strmini_last(struct strmini_device *dev, struct strmini_srb **last)
{
	struct streamclass_srb *sc;
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	sc = *last ? (*last)->sc : NULL;
	spin_unlock_irqrestore(&dev->lock, flags);
	return sc;
}

/* Completes the SRB a notification's next argument names. */
static void strmini_complete_arg(va_list ap)
{
	PHW_STREAM_REQUEST_BLOCK srb = va_arg(ap, PHW_STREAM_REQUEST_BLOCK);

	if (srb)
		strmini_complete(strmini_srb_of(srb));
}

VOID StreamClassDeviceNotification(STREAM_MINIDRIVER_DEVICE_NOTIFICATION_TYPE NotificationType,
				   PVOID HwDeviceExtension, ...)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	struct streamclass_srb *sc;
	va_list ap;

	if (!dev)
		return;
	switch (NotificationType) {
	case ReadyForNextDeviceRequest:
		/* Not under the lock: the class may send the next SRB at once. */
		sc = strmini_last(dev, &dev->last_device);
		if (sc)
			streamclass_device_notification(STREAMCLASS_READY_FOR_NEXT_DEVICE_REQUEST,
							dev, sc);
		break;
	case DeviceRequestComplete:
		va_start(ap, HwDeviceExtension);
		strmini_complete_arg(ap);
		va_end(ap);
		break;
	default:
		pr_warn_once("streamclass: StreamClassDeviceNotification(%d): device events are not supported\n",
			     NotificationType);
	}
}
EXPORT_SYMBOL_NS_GPL(StreamClassDeviceNotification, "STREAMCLASS");

VOID StreamClassStreamNotification(STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE NotificationType,
				   PHW_STREAM_OBJECT StreamObject, ...)
{
	struct strmini_stream *st = strmini_stream_of(StreamObject);
	struct streamclass_srb *sc;
	va_list ap;

	if (!st)
		return;
	switch (NotificationType) {
	case ReadyForNextStreamDataRequest:
		strmini_data_ready(st);
		break;
	case HardwareStarved:
		break;
	case ReadyForNextStreamControlRequest:
		sc = strmini_last(st->dev, &st->last_control);
		if (sc)
			streamclass_stream_notification(
				STREAMCLASS_READY_FOR_NEXT_STREAM_CONTROL_REQUEST, st->sc, sc);
		break;
	case StreamRequestComplete:
		va_start(ap, StreamObject);
		strmini_complete_arg(ap);
		va_end(ap);
		break;
	default:
		pr_warn_once("streamclass: StreamClassStreamNotification(%d): stream events are not supported\n",
			     NotificationType);
	}
}
EXPORT_SYMBOL_NS_GPL(StreamClassStreamNotification, "STREAMCLASS");

VOID StreamClassCompleteRequestAndMarkQueueReady(PHW_STREAM_REQUEST_BLOCK Srb)
{
	struct strmini_srb *s = strmini_srb_of(Srb);
	struct strmini_stream *st = s->st;
	bool data = Srb->Flags & SRB_HW_FLAGS_DATA_TRANSFER;

	/* Completion and readiness for the next request of its kind. */
	strmini_complete(s);
	if (data && st)
		strmini_data_ready(st);
}
EXPORT_SYMBOL_NS_GPL(StreamClassCompleteRequestAndMarkQueueReady, "STREAMCLASS");

/* Moves @st's waiting data SRBs to @abort; @st is ready again. dev->lock held. */
static void strmini_abort_waiting(struct strmini_stream *st, struct list_head *abort)
{
	struct strmini_srb *s, *next;

	list_for_each_entry_safe(s, next, &st->data_waiting, wait) {
		list_del_init(&s->wait);
		list_add_tail(&s->node, abort);
	}
	st->data_busy = false;
}

VOID StreamClassAbortOutstandingRequests(PVOID HwDeviceExtension,
					 PHW_STREAM_OBJECT HwStreamObject, NTSTATUS Status)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	struct strmini_srb *s, *next;
	unsigned long flags;
	LIST_HEAD(abort);

	if (!dev)
		return;
	spin_lock_irqsave(&dev->lock, flags);
	list_for_each_entry_safe(s, next, &dev->pending, node) {
		if (HwStreamObject && (s->w.StreamObject != HwStreamObject ||
				       !(s->w.Flags & SRB_HW_FLAGS_STREAM_REQUEST)))
			continue;
		strmini_unhold(s);
		list_add_tail(&s->node, &abort);
	}
	/*
	 * The data SRBs the minidriver was not ready for yet, too: the named
	 * stream's, or (all streams) those of each stream whose data SRB was
	 * aborted; such a stream is ready again.
	 */
	if (HwStreamObject)
		strmini_abort_waiting(strmini_stream_of(HwStreamObject), &abort);
	list_for_each_entry(s, &abort, node)
		if (!HwStreamObject && s->st && (s->w.Flags & SRB_HW_FLAGS_DATA_TRANSFER))
			strmini_abort_waiting(s->st, &abort);
	spin_unlock_irqrestore(&dev->lock, flags);
	/* The class completes them: the minidriver must forget them. */
	list_for_each_entry_safe(s, next, &abort, node) {
		list_del_init(&s->node);
		s->w.Status = Status;
		strmini_finish(s);
	}
}
EXPORT_SYMBOL_NS_GPL(StreamClassAbortOutstandingRequests, "STREAMCLASS");
