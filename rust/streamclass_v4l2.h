/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the V4L2 glue (streamclass_v4l2.c, which owns the
 * media structures) and the stream model in Rust (v4l2.rs, which decides):
 * opaque handles, two plain structures (laid out as in v4l2.rs, checked on
 * both sides) and a handful of calls each way. Private to streamclass.ko.
 */
#ifndef _STREAMCLASS_V4L2_H
#define _STREAMCLASS_V4L2_H

#include <linux/types.h>
#include <streamclass.h>

struct device;
struct streamclass_v4l2_node;

/**
 * struct streamclass_v4l2_buffer - one queued buffer, as the stream sees it
 * @vaddr: its kernel address, or NULL when it has none.
 * @sg: the buffer as the device reaches it (@elements entries), valid from
 *      streamclass_v4l2_queue() until streamclass_v4l2_buffer_done().
 * @elements: entries in @sg.
 * @length: the buffer's bytes.
 * @index: its V4L2 index.
 * @generation: a number unique to this @sg (buf_init numbers every list
 *              it makes), so the Rust side copies a list only once.
 */
struct streamclass_v4l2_buffer {
	void *vaddr;
	struct streamclass_sg_element *sg;
	u32 elements;
	u32 length;
	u32 index;
	u32 generation;
};

/**
 * struct streamclass_v4l2_desc - a node to register
 * @parent: the device (its PCI device).
 * @driver: the minidriver's name (QUERYCAP driver).
 * @card: the node's name (QUERYCAP card): minidriver and stream.
 * @backend: the buffers' allocator: STREAMCLASS_V4L2_DMA_SG,
 *           STREAMCLASS_V4L2_DMA_CONTIG or STREAMCLASS_V4L2_VMALLOC.
 * @number_of_formats: the stream's described formats.
 * @ctx: the Rust side's node, passed back in every call below.
 * @number_of_controls: entries in @controls.
 * @controls: the device's controls (copied during the call).
 */
struct streamclass_v4l2_desc {
	struct device *parent;
	const char *driver;
	const char *card;
	u32 backend;
	u32 number_of_formats;
	void *ctx;
	u32 number_of_controls;
	const struct streamclass_control *controls;
};

/* streamclass_v4l2_desc.backend (rust/buffers.rs, Backend::c_value). */
enum {
	STREAMCLASS_V4L2_DMA_SG,
	STREAMCLASS_V4L2_DMA_CONTIG,
	STREAMCLASS_V4L2_VMALLOC,
};

/* Rust to C (streamclass_v4l2.c). Process context. */
struct streamclass_v4l2_node *streamclass_v4l2_register(const struct streamclass_v4l2_desc *d);
void streamclass_v4l2_unregister(struct streamclass_v4l2_node *node);
/* Buffers set up (buf_init) that the device reaches only through swiotlb bounce buffers. */
u32 streamclass_v4l2_bounced(struct streamclass_v4l2_node *node);
/*
 * Any context, hard IRQ included; once per buffer handed to
 * streamclass_v4l2_queue(). @timestamp_ns: CLOCK_MONOTONIC, or 0 for now.
 */
void streamclass_v4l2_buffer_done(struct streamclass_v4l2_buffer *buf, u32 bytesused,
				  u64 sequence, u64 timestamp_ns, bool error);

/*
 * Any context: a hold on the memory of @buf, taken before it is handed
 * back, for an SRB that may still write it; streamclass_v4l2_hold_put()
 * drops it (the memory goes, in a work item, at its last holder).
 */
void *streamclass_v4l2_buffer_hold(struct streamclass_v4l2_buffer *buf);
void streamclass_v4l2_hold_put(void *hold);
/* Process context: waits until the memory of every hold put is freed. */
void streamclass_v4l2_holds_flush(void);

/* C to Rust (v4l2.rs). Process context, under the node's lock. */
int streamclass_v4l2_format(void *ctx, u32 index, struct streamclass_format *out);
int streamclass_v4l2_try_format(void *ctx, struct streamclass_format *want);
/* Opens and steps to PAUSE; streamclass_v4l2_run() steps to RUN. */
int streamclass_v4l2_start(void *ctx, u32 format_index);
int streamclass_v4l2_run(void *ctx);
void streamclass_v4l2_stop(void *ctx);
int streamclass_v4l2_queue(void *ctx, struct streamclass_v4l2_buffer *buf);
int streamclass_v4l2_status(void *ctx, u32 *state, u32 *outstanding);
/* Also during streamclass_v4l2_register(). @set false: read into @value. */
int streamclass_v4l2_control(void *ctx, u32 id, s32 *value, bool set);

#endif /* _STREAMCLASS_V4L2_H */
