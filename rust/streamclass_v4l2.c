// SPDX-License-Identifier: GPL-2.0
/*
 * The V4L2 face of streamclass: one /dev/videoN per capture stream.
 *
 * The kernel crate of 7.3 has no V4L2 or videobuf2 abstraction, so, as
 * drivers/android/binder keeps its C part, this file owns the media
 * structures (v4l2_device, video_device, vb2_queue and their ops tables)
 * and rust/v4l2.rs owns every decision: which formats the stream has and
 * which one a request gets, starting and stopping the stream (its
 * SRB_OPEN_STREAM, state steps and SRB_CLOSE_STREAM), and sending each
 * queued buffer to the minidriver as a data SRB. The interface is
 * streamclass_v4l2.h.
 *
 * Lifetime: the node's memory goes with its v4l2_device, when the last
 * file handle is closed; the Rust side is called only until
 * streamclass_v4l2_unregister() returns (vb2_video_unregister_device()
 * stops a running stream, and afterwards the V4L2 core answers every
 * ioctl and mmap with -ENODEV). An opener that holds no buffer (an idle
 * one, or one whose buffers the queue's release freed) does not delay
 * unregistering: it frees the node at its last close. Only when buffers
 * are still mapped or exported (memory allocated for the device) does
 * unregistering wait, a bounded time, for their last user, so that they
 * are freed before the device's driver is gone.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/swiotlb.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-device.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-dma-contig.h>
#include <media/videobuf2-dma-sg.h>
#include <media/videobuf2-vmalloc.h>
#include <media/videobuf2-v4l2.h>
#include "streamclass_v4l2.h"

/*
 * How long unregistering waits for the node's last file handle to close,
 * when buffers are still mapped or exported.
 */
#define RELEASE_WAIT_MS 10000
/*
 * How long unregistering waits for a reader woken in DQBUF to take the
 * queue lock and leave (microseconds when it runs; a stopped task keeps it
 * waiting this long, then gets -EINVAL instead of -EIO).
 */
#define DQBUF_WAKE_MS 2000

/* Guards each node's @released between its release and a waiter giving up. */
static DEFINE_SPINLOCK(release_lock);

/* The layouts rust/v4l2.rs declares. */
static_assert(offsetof(struct streamclass_v4l2_buffer, sg) == 8);
static_assert(offsetof(struct streamclass_v4l2_buffer, index) == 24);
static_assert(sizeof(struct streamclass_v4l2_buffer) == 32);
static_assert(offsetof(struct streamclass_v4l2_desc, backend) == 24);
static_assert(offsetof(struct streamclass_v4l2_desc, ctx) == 32);
static_assert(offsetof(struct streamclass_v4l2_desc, controls) == 48);
static_assert(sizeof(struct streamclass_v4l2_desc) == 56);

struct streamclass_v4l2_node {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct v4l2_ctrl_handler ctrls;
	struct mutex lock;		/* the node's ioctls and its queue */
	struct device *parent;
	void *ctx;			/* the Rust node */
	u32 format;			/* index of the current format */
	struct v4l2_pix_format pix;	/* the current format */
	u32 backend;			/* STREAMCLASS_V4L2_* */
	bool running;			/* started: buffers go to the stream */
	/*
	 * From the open to RUN (start_streaming): buffers done meanwhile are
	 * parked, then handed to videobuf2 as they were done if RUN succeeds,
	 * or as queued if it fails (vb2's rule for a failed start).
	 */
	spinlock_t start_lock;
	bool starting;			/* start_lock */
	struct list_head parked;	/* start_lock */
	struct list_head waiting;	/* queued before the start */
	struct completion *released;	/* completed at release; release_lock */
	atomic_t bounced;		/* buffers reached through swiotlb */
};

struct streamclass_v4l2_vb {
	struct vb2_v4l2_buffer vb;	/* first: vb2 allocates the whole */
	struct list_head list;		/* on waiting, or parked */
	enum vb2_buffer_state parked_state;
	struct streamclass_v4l2_buffer rb;
};

static struct streamclass_v4l2_vb *to_sc_vb(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct streamclass_v4l2_vb, vb);
}

static void to_pix(const struct streamclass_format *f, struct v4l2_pix_format *p)
{
	memset(p, 0, sizeof(*p));
	p->pixelformat = f->pixelformat;
	p->width = f->width;
	p->height = f->height;
	p->bytesperline = f->bytesperline;
	p->sizeimage = f->sizeimage;
	p->field = V4L2_FIELD_NONE;
	p->colorspace = V4L2_COLORSPACE_SRGB;
}

/* Format @i of the stream, -EINVAL past the last. */
static int format_at(struct streamclass_v4l2_node *n, u32 i, struct streamclass_format *f)
{
	return streamclass_v4l2_format(n->ctx, i, f);
}

/* videobuf2 */

static int queue_setup(struct vb2_queue *q, unsigned int *nbuffers, unsigned int *nplanes,
		       unsigned int sizes[], struct device *alloc_devs[])
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(q);

	if (*nplanes)
		return *nplanes != 1 || sizes[0] < n->pix.sizeimage ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = n->pix.sizeimage;
	return 0;
}

/*
 * Whether the device reaches @addr of @vb only through a swiotlb bounce
 * buffer: its DMA would then land in memory the CPU copies afterwards,
 * which is not the zero copy a node promises (an imported DMABUF or a
 * USERPTR buffer above a narrow DMA mask, without an IOMMU). Behind a
 * translating IOMMU the address is an IOVA, and a trusted device is never
 * bounced. With CONFIG_SWIOTLB_DYNAMIC the pool lookup is not exported to
 * modules: every imported buffer of a device with a narrow mask counts.
 */
static bool bounced(struct vb2_buffer *vb, struct device *dev, dma_addr_t addr)
{
	if (device_iommu_mapped(dev))
		return false;
#if IS_ENABLED(CONFIG_SWIOTLB_DYNAMIC)
	return vb->memory != VB2_MEMORY_MMAP && dma_addressing_limited(dev);
#else
	return swiotlb_find_pool(dev, dma_to_phys(dev, addr));
#endif
}

/*
 * Buffer memory with holders. videobuf2 holds each buffer's memory from its
 * allocation (or attachment) to its put; a data SRB that STREAMOFF gave up
 * on holds it too, so that the device's DMA, or the minidriver writing
 * through the buffer's address, never reaches freed pages after REQBUFS(0).
 * The memory (and its DMA mapping) goes at the last put: when the kept SRB
 * completes, or at the latest when its device is stopped for good.
 * queue_mem_ops wraps the allocator's operations (dma-contig, dma-sg or vmalloc)
 * over a struct held_mem; only the puts change.
 */
struct held_mem {
	void *priv;			/* the allocator's */
	const struct vb2_mem_ops *ops;	/* the allocator */
	refcount_t users;		/* videobuf2, and each kept SRB */
	enum { HELD_ALLOC, HELD_USERPTR, HELD_DMABUF } kind;
	struct dma_buf *dbuf;		/* HELD_DMABUF: a reference of ours */
	bool mapped;			/* HELD_DMABUF: mapped for the device */
	struct work_struct release;	/* a last put from any context */
};

/* dma_buf_put(), for the reference held_attach_dmabuf() takes. */
MODULE_IMPORT_NS("DMA_BUF");

/* Releases queued by held_put() and not yet run (streamclass_v4l2_holds_flush() waits). */
static atomic_t held_releasing = ATOMIC_INIT(0);

static void held_free(struct held_mem *h)
{
	switch (h->kind) {
	case HELD_ALLOC:
		h->ops->put(h->priv);
		break;
	case HELD_USERPTR:
		h->ops->put_userptr(h->priv);
		break;
	case HELD_DMABUF:
		if (h->mapped)
			h->ops->unmap_dmabuf(h->priv);
		h->ops->detach_dmabuf(h->priv);
		dma_buf_put(h->dbuf);
		break;
	}
	kfree(h);
}

static void held_release(struct work_struct *w)
{
	held_free(container_of(w, struct held_mem, release));
	if (atomic_dec_and_test(&held_releasing))
		wake_up_var(&held_releasing);
}

/* Any context: the memory is freed (in process context) at the last put. */
static void held_put(struct held_mem *h)
{
	if (!refcount_dec_and_test(&h->users))
		return;
	atomic_inc(&held_releasing);
	queue_work(system_wq, &h->release);
}

/* @priv, the allocator's for @kind, with videobuf2 as its one holder. */
static struct held_mem *held_new(void *priv, const struct vb2_mem_ops *ops, int kind)
{
	struct held_mem *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return NULL;
	h->priv = priv;
	h->ops = ops;
	h->kind = kind;
	refcount_set(&h->users, 1);
	INIT_WORK(&h->release, held_release);
	return h;
}

static const struct vb2_mem_ops *held_ops(struct vb2_buffer *vb)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(vb->vb2_queue);

	switch (n->backend) {
	case STREAMCLASS_V4L2_DMA_CONTIG:
		return &vb2_dma_contig_memops;
	case STREAMCLASS_V4L2_VMALLOC:
		return &vb2_vmalloc_memops;
	default:
		return &vb2_dma_sg_memops;
	}
}

static void *held_alloc(struct vb2_buffer *vb, struct device *dev, unsigned long size)
{
	const struct vb2_mem_ops *ops = held_ops(vb);
	void *priv = ops->alloc(vb, dev, size);
	struct held_mem *h;

	if (IS_ERR_OR_NULL(priv))
		return priv;
	h = held_new(priv, ops, HELD_ALLOC);
	if (!h)
		ops->put(priv);
	return h ?: ERR_PTR(-ENOMEM);
}

/* videobuf2's put (process context): the memory goes now if it was the last. */
static void held_vb2_put(void *p)
{
	struct held_mem *h = p;

	if (refcount_dec_and_test(&h->users))
		held_free(h);
}

static struct dma_buf *held_get_dmabuf(struct vb2_buffer *vb, void *p, unsigned long flags)
{
	struct held_mem *h = p;

	return h->ops->get_dmabuf(vb, h->priv, flags);
}

static void *held_get_userptr(struct vb2_buffer *vb, struct device *dev, unsigned long vaddr,
			      unsigned long size)
{
	const struct vb2_mem_ops *ops = held_ops(vb);
	void *priv = ops->get_userptr(vb, dev, vaddr, size);
	struct held_mem *h;

	if (IS_ERR_OR_NULL(priv))
		return priv;
	h = held_new(priv, ops, HELD_USERPTR);
	if (!h)
		ops->put_userptr(priv);
	return h ?: ERR_PTR(-ENOMEM);
}

static void held_prepare(void *p)
{
	struct held_mem *h = p;

	if (h->ops->prepare)
		h->ops->prepare(h->priv);
}

static void held_finish(void *p)
{
	struct held_mem *h = p;

	if (h->ops->finish)
		h->ops->finish(h->priv);
}

static void *held_attach_dmabuf(struct vb2_buffer *vb, struct device *dev, struct dma_buf *dbuf,
				unsigned long size)
{
	const struct vb2_mem_ops *ops = held_ops(vb);
	void *priv = ops->attach_dmabuf(vb, dev, dbuf, size);
	struct held_mem *h;

	if (IS_ERR_OR_NULL(priv))
		return priv;
	h = held_new(priv, ops, HELD_DMABUF);
	if (!h) {
		ops->detach_dmabuf(priv);
		return ERR_PTR(-ENOMEM);
	}
	/* videobuf2 puts its own reference right after the detach. */
	get_dma_buf(dbuf);
	h->dbuf = dbuf;
	return h;
}

static int held_map_dmabuf(void *p)
{
	struct held_mem *h = p;
	int ret = 0;

	/* Still mapped when a kept SRB held it past videobuf2's unmap. */
	if (!h->mapped)
		ret = h->ops->map_dmabuf(h->priv);
	h->mapped = !ret;
	return ret;
}

static void held_unmap_dmabuf(void *p)
{
	struct held_mem *h = p;

	/* Called only before the detach; a kept SRB keeps the mapping. */
	if (refcount_read(&h->users) > 1)
		return;
	h->ops->unmap_dmabuf(h->priv);
	h->mapped = false;
}

static void *held_vaddr(struct vb2_buffer *vb, void *p)
{
	struct held_mem *h = p;

	return h->ops->vaddr(vb, h->priv);
}

static void *held_cookie(struct vb2_buffer *vb, void *p)
{
	struct held_mem *h = p;

	/* vb2-vmalloc has none. */
	return h->ops->cookie ? h->ops->cookie(vb, h->priv) : NULL;
}

static unsigned int held_num_users(void *p)
{
	struct held_mem *h = p;

	return h->ops->num_users(h->priv);
}

static int held_mmap(void *p, struct vm_area_struct *vma)
{
	struct held_mem *h = p;

	return h->ops->mmap(h->priv, vma);
}

static const struct vb2_mem_ops queue_mem_ops = {
	.alloc = held_alloc,
	.put = held_vb2_put,
	.get_dmabuf = held_get_dmabuf,
	.get_userptr = held_get_userptr,
	.put_userptr = held_vb2_put,
	.prepare = held_prepare,
	.finish = held_finish,
	.attach_dmabuf = held_attach_dmabuf,
	.detach_dmabuf = held_vb2_put,
	.map_dmabuf = held_map_dmabuf,
	.unmap_dmabuf = held_unmap_dmabuf,
	.vaddr = held_vaddr,
	.cookie = held_cookie,
	.num_users = held_num_users,
	.mmap = held_mmap,
};

void *streamclass_v4l2_buffer_hold(struct streamclass_v4l2_buffer *rb)
{
	struct streamclass_v4l2_vb *b = container_of(rb, struct streamclass_v4l2_vb, rb);
	struct held_mem *h = b->vb.vb2_buf.planes[0].mem_priv;

	refcount_inc(&h->users);
	return h;
}

void streamclass_v4l2_hold_put(void *hold)
{
	held_put(hold);
}

void streamclass_v4l2_holds_flush(void)
{
	wait_var_event(&held_releasing, !atomic_read(&held_releasing));
}

/* Numbers every list buf_init() makes, in all nodes (wraps after 2^32). */
static atomic_t sg_generation = ATOMIC_INIT(0);

/* Gives @vb the list @sg of @count elements and the kernel address @vaddr. */
static void buf_set(struct vb2_buffer *vb, struct streamclass_sg_element *sg, unsigned int count,
		    void *vaddr)
{
	struct streamclass_v4l2_vb *b = to_sc_vb(vb);

	kfree(b->rb.sg);
	b->rb.sg = sg;
	b->rb.elements = count;
	b->rb.length = vb2_plane_size(vb, 0);
	b->rb.index = vb->index;
	b->rb.vaddr = vaddr;
	b->rb.generation = atomic_inc_return(&sg_generation);
}

/*
 * A software device's buffer (vb2-vmalloc): no DMA address, so its list
 * names its pages by physical address, one element a page (what
 * streamclass_get_physical_address() answers inside it); the minidriver
 * fills it through its kernel address, which every vmalloc buffer has.
 */
static int buf_init_vmalloc(struct vb2_buffer *vb)
{
	void *vaddr = vb2_plane_vaddr(vb, 0);
	unsigned long size = vb2_plane_size(vb, 0);
	unsigned long off = offset_in_page(vaddr);
	unsigned int count = DIV_ROUND_UP(off + size, PAGE_SIZE), i;
	struct streamclass_sg_element *sg;

	if (!vaddr || !size)
		return -EINVAL;
	sg = kcalloc(count, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		void *p = vaddr + (i ? (unsigned long)i * PAGE_SIZE - off : 0);
		struct page *page = is_vmalloc_or_module_addr(p) ? vmalloc_to_page(p) :
								    virt_to_page(p);
		unsigned long in = i ? 0 : off;

		sg[i].physical_address = page_to_phys(page) + in;
		sg[i].length = min(size, PAGE_SIZE - in);
		size -= sg[i].length;
	}
	buf_set(vb, sg, count, vaddr);
	return 0;
}

/*
 * Describes the buffer as the device reaches it, for its data SRBs: once
 * per buffer, when videobuf2 has allocated it (MMAP) or attached and
 * mapped it (a new DMABUF or USERPTR buffer), not at every QBUF.
 */
static int buf_init(struct vb2_buffer *vb)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(vb->vb2_queue);
	struct streamclass_sg_element *sg;
	struct sg_table *sgt = NULL;
	struct scatterlist *s;
	unsigned int count = 1, i;

	if (n->backend == STREAMCLASS_V4L2_VMALLOC)
		return buf_init_vmalloc(vb);
	if (n->backend == STREAMCLASS_V4L2_DMA_SG) {
		sgt = vb2_dma_sg_plane_desc(vb, 0);
		if (!sgt || !sgt->nents)
			return -EINVAL;
		count = sgt->nents;
	}
	sg = kcalloc(count, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;
	if (sgt) {
		for_each_sgtable_dma_sg(sgt, s, i) {
			sg[i].physical_address = sg_dma_address(s);
			sg[i].length = sg_dma_len(s);
		}
	} else {
		sg[0].physical_address = vb2_dma_contig_plane_dma_addr(vb, 0);
		sg[0].length = vb2_plane_size(vb, 0);
	}
	for (i = 0; i < count; i++) {
		if (bounced(vb, n->parent, sg[i].physical_address)) {
			atomic_inc(&n->bounced);
			dev_info_ratelimited(n->parent,
					     "%s: buffer %u reaches the device through swiotlb bounce buffers: a copy, not zero copy\n",
					     n->vdev.name, vb->index);
			break;
		}
	}
	buf_set(vb, sg, count, vb2_plane_vaddr(vb, 0));
	return 0;
}

static int buf_prepare(struct vb2_buffer *vb)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < n->pix.sizeimage)
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, n->pix.sizeimage);
	return 0;
}

static void buf_cleanup(struct vb2_buffer *vb)
{
	struct streamclass_v4l2_vb *b = to_sc_vb(vb);

	kfree(b->rb.sg);
	b->rb.sg = NULL;
}

/* Hands @b to videobuf2 in @state, or parks it while the node starts. */
static void hand_back(struct streamclass_v4l2_node *n, struct streamclass_v4l2_vb *b,
		      enum vb2_buffer_state state)
{
	unsigned long flags;

	if (unlikely(READ_ONCE(n->starting))) {
		spin_lock_irqsave(&n->start_lock, flags);
		if (n->starting) {
			b->parked_state = state;
			list_add_tail(&b->list, &n->parked);
			spin_unlock_irqrestore(&n->start_lock, flags);
			return;
		}
		spin_unlock_irqrestore(&n->start_lock, flags);
	}
	vb2_buffer_done(&b->vb.vb2_buf, state);
}

/* Ends the start: the parked buffers go to videobuf2, queued if @failed. */
static void start_done(struct streamclass_v4l2_node *n, bool failed)
{
	struct streamclass_v4l2_vb *b, *tmp;
	unsigned long flags;
	LIST_HEAD(parked);

	spin_lock_irqsave(&n->start_lock, flags);
	WRITE_ONCE(n->starting, false);
	list_splice_init(&n->parked, &parked);
	spin_unlock_irqrestore(&n->start_lock, flags);
	list_for_each_entry_safe(b, tmp, &parked, list) {
		list_del(&b->list);
		vb2_buffer_done(&b->vb.vb2_buf, failed ? VB2_BUF_STATE_QUEUED : b->parked_state);
	}
}

static void give(struct streamclass_v4l2_node *n, struct streamclass_v4l2_vb *b)
{
	if (streamclass_v4l2_queue(n->ctx, &b->rb))
		hand_back(n, b, VB2_BUF_STATE_ERROR);
}

static void buf_queue(struct vb2_buffer *vb)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(vb->vb2_queue);
	struct streamclass_v4l2_vb *b = to_sc_vb(vb);

	if (n->running)
		give(n, b);
	else
		list_add_tail(&b->list, &n->waiting);
}

static void return_waiting(struct streamclass_v4l2_node *n, enum vb2_buffer_state state)
{
	struct streamclass_v4l2_vb *b, *tmp;

	list_for_each_entry_safe(b, tmp, &n->waiting, list) {
		list_del(&b->list);
		vb2_buffer_done(&b->vb.vb2_buf, state);
	}
}

/*
 * As a KS client starts a pin: the instance is opened and stepped to PAUSE,
 * the buffers queued before STREAMON go to it as data SRBs, then RUN.
 */
static int start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(q);
	struct streamclass_v4l2_vb *b, *tmp;
	int ret = streamclass_v4l2_start(n->ctx, n->format);

	if (ret) {
		return_waiting(n, VB2_BUF_STATE_QUEUED);
		return ret;
	}
	WRITE_ONCE(n->starting, true);
	n->running = true;
	list_for_each_entry_safe(b, tmp, &n->waiting, list) {
		list_del(&b->list);
		give(n, b);
	}
	ret = streamclass_v4l2_run(n->ctx);
	if (ret) {
		/* Every buffer given comes back (parked), then goes as queued. */
		n->running = false;
		streamclass_v4l2_stop(n->ctx);
	}
	start_done(n, ret);
	return ret;
}

static void stop_streaming(struct vb2_queue *q)
{
	struct streamclass_v4l2_node *n = vb2_get_drv_priv(q);

	n->running = false;
	/* Returns every buffer the stream was given. */
	streamclass_v4l2_stop(n->ctx);
	return_waiting(n, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops queue_ops = {
	.queue_setup = queue_setup,
	.buf_init = buf_init,
	.buf_prepare = buf_prepare,
	.buf_cleanup = buf_cleanup,
	.buf_queue = buf_queue,
	.start_streaming = start_streaming,
	.stop_streaming = stop_streaming,
};

void streamclass_v4l2_buffer_done(struct streamclass_v4l2_buffer *rb, u32 bytesused, u64 sequence,
				  u64 timestamp_ns, bool error)
{
	struct streamclass_v4l2_vb *b = container_of(rb, struct streamclass_v4l2_vb, rb);
	struct vb2_buffer *vb = &b->vb.vb2_buf;

	vb->timestamp = timestamp_ns ?: ktime_get_ns();
	b->vb.sequence = (u32)sequence;
	b->vb.field = V4L2_FIELD_NONE;
	vb2_set_plane_payload(vb, 0, min_t(unsigned long, bytesused, vb2_plane_size(vb, 0)));
	hand_back(vb2_get_drv_priv(vb->vb2_queue), b,
		  error ? VB2_BUF_STATE_ERROR : VB2_BUF_STATE_DONE);
}

/* ioctls */

static int querycap(struct file *file, void *priv, struct v4l2_capability *cap)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);

	strscpy(cap->driver, "streamclass", sizeof(cap->driver));
	strscpy(cap->card, n->vdev.name, sizeof(cap->card));
	snprintf(cap->bus_info, sizeof(cap->bus_info), "%s:%s",
		 dev_is_pci(n->parent) ? "PCI" : "platform", dev_name(n->parent));
	return 0;
}

/* The first format of pixel format @f->pixelformat is at @i. */
static bool first_of_its_kind(struct streamclass_v4l2_node *n, u32 i,
			      const struct streamclass_format *f)
{
	struct streamclass_format g;
	u32 j;

	for (j = 0; j < i && !format_at(n, j, &g); j++)
		if (g.pixelformat == f->pixelformat)
			return false;
	return true;
}

static int enum_fmt(struct file *file, void *priv, struct v4l2_fmtdesc *d)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct streamclass_format f;
	u32 i, seen = 0;

	for (i = 0; !format_at(n, i, &f); i++) {
		if (!first_of_its_kind(n, i, &f))
			continue;
		if (seen++ == d->index) {
			d->pixelformat = f.pixelformat;
			return 0;
		}
	}
	return -EINVAL;
}

static int g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);

	f->fmt.pix = n->pix;
	return 0;
}

/* The described format the stream gives for @f (its index), in @f. */
static int choose(struct streamclass_v4l2_node *n, struct v4l2_format *f)
{
	struct streamclass_format want = {
		.pixelformat = f->fmt.pix.pixelformat,
		.width = f->fmt.pix.width,
		.height = f->fmt.pix.height,
	};
	int i = streamclass_v4l2_try_format(n->ctx, &want);

	if (i >= 0)
		to_pix(&want, &f->fmt.pix);
	return i;
}

static int try_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	int i = choose(video_drvdata(file), f);

	return i < 0 ? i : 0;
}

/*
 * Of the described formats like format @i (pixel format and size), the one
 * with the current frame interval if there is one, else @i: a new size
 * keeps the interval S_PARM set where the stream offers it.
 */
static u32 keep_interval(struct streamclass_v4l2_node *n, u32 i)
{
	struct streamclass_format cur, want, f;
	u32 j;

	if (format_at(n, n->format, &cur) || format_at(n, i, &want))
		return i;
	for (j = 0; !format_at(n, j, &f); j++)
		if (f.pixelformat == want.pixelformat && f.width == want.width &&
		    f.height == want.height &&
		    (u64)f.interval_numerator * cur.interval_denominator ==
			    (u64)cur.interval_numerator * f.interval_denominator)
			return j;
	return i;
}

static int s_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct streamclass_format kept;
	int i;

	if (vb2_is_busy(&n->queue))
		return -EBUSY;
	i = choose(n, f);
	if (i < 0)
		return i;
	n->format = keep_interval(n, i);
	n->pix = f->fmt.pix;
	if (n->format != i && !format_at(n, n->format, &kept)) {
		to_pix(&kept, &n->pix);
		f->fmt.pix = n->pix;
	}
	return 0;
}

static int enum_framesizes(struct file *file, void *priv, struct v4l2_frmsizeenum *fs)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct streamclass_format f, g;
	u32 i, j, seen = 0;

	for (i = 0; !format_at(n, i, &f); i++) {
		bool repeat = false;

		if (f.pixelformat != fs->pixel_format)
			continue;
		for (j = 0; j < i && !format_at(n, j, &g); j++)
			repeat |= g.pixelformat == f.pixelformat && g.width == f.width &&
				  g.height == f.height;
		if (repeat || seen++ != fs->index)
			continue;
		fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
		fs->discrete.width = f.width;
		fs->discrete.height = f.height;
		return 0;
	}
	return -EINVAL;
}

static int enum_frameintervals(struct file *file, void *priv, struct v4l2_frmivalenum *fi)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct streamclass_format f;
	u32 i, seen = 0;

	for (i = 0; !format_at(n, i, &f); i++) {
		if (f.pixelformat != fi->pixel_format || f.width != fi->width ||
		    f.height != fi->height || seen++ != fi->index)
			continue;
		fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		fi->discrete.numerator = f.interval_numerator;
		fi->discrete.denominator = f.interval_denominator;
		return 0;
	}
	return -EINVAL;
}

/* The frame interval is the current format's: S_PARM reports it. */
static int g_parm(struct file *file, void *priv, struct v4l2_streamparm *a)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct streamclass_format f;

	if (a->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || format_at(n, n->format, &f))
		return -EINVAL;
	memset(&a->parm.capture, 0, sizeof(a->parm.capture));
	a->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	/* read() I/O: videobuf2 chooses its buffers; at least one. */
	a->parm.capture.readbuffers = 1;
	a->parm.capture.timeperframe.numerator = f.interval_numerator;
	a->parm.capture.timeperframe.denominator = f.interval_denominator;
	return 0;
}

/*
 * S_PARM: of the described formats of the current pixel format and size,
 * the one whose frame interval is closest to the one asked for (the
 * current one for 0/0); EBUSY while buffers are allocated.
 */
static int s_parm(struct file *file, void *priv, struct v4l2_streamparm *a)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);
	struct v4l2_fract *want = &a->parm.capture.timeperframe;
	struct streamclass_format cur, f;
	u64 best = U64_MAX;
	u32 i, pick;

	if (a->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || format_at(n, n->format, &cur))
		return -EINVAL;
	pick = n->format;
	if (want->numerator && want->denominator) {
		for (i = 0; !format_at(n, i, &f); i++) {
			u64 d;

			if (f.pixelformat != cur.pixelformat || f.width != cur.width ||
			    f.height != cur.height)
				continue;
			/* Nanoseconds apart (a u32 numerator times 10^9 fits in a u64). */
			d = abs_diff((u64)want->numerator * NSEC_PER_SEC / want->denominator,
				     (u64)f.interval_numerator * NSEC_PER_SEC /
				     f.interval_denominator);
			if (d < best) {
				best = d;
				pick = i;
			}
		}
	}
	if (pick != n->format) {
		if (vb2_is_busy(&n->queue) || format_at(n, pick, &f))
			return -EBUSY;
		n->format = pick;
		/* What G_FMT reports is the new format's. */
		to_pix(&f, &n->pix);
	}
	return g_parm(file, priv, a);
}

/* The stream's state as the minidriver reports it, then the controls'. */
static int log_status(struct file *file, void *priv)
{
	static const char * const names[] = { "STOP", "ACQUIRE", "PAUSE", "RUN" };
	struct streamclass_v4l2_node *n = video_drvdata(file);
	u32 state, outstanding;
	int ret = streamclass_v4l2_status(n->ctx, &state, &outstanding);

	if (ret == -ENOENT)
		v4l2_info(&n->v4l2_dev, "not streaming\n");
	else if (ret)
		v4l2_info(&n->v4l2_dev, "streaming; SRB_GET_STREAM_STATE failed: %d\n", ret);
	else
		v4l2_info(&n->v4l2_dev,
			  "streaming: the minidriver reports %s (SRB_GET_STREAM_STATE), %u data SRBs outstanding\n",
			  state < ARRAY_SIZE(names) ? names[state] : "?", outstanding);
	return v4l2_ctrl_log_status(file, priv);
}

static int enum_input(struct file *file, void *priv, struct v4l2_input *in)
{
	struct streamclass_v4l2_node *n = video_drvdata(file);

	if (in->index)
		return -EINVAL;
	in->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(in->name, n->vdev.name, sizeof(in->name));
	return 0;
}

static int g_input(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int s_input(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}

static const struct v4l2_ioctl_ops ioctl_ops = {
	.vidioc_querycap = querycap,
	.vidioc_enum_fmt_vid_cap = enum_fmt,
	.vidioc_g_fmt_vid_cap = g_fmt,
	.vidioc_try_fmt_vid_cap = try_fmt,
	.vidioc_s_fmt_vid_cap = s_fmt,
	.vidioc_enum_framesizes = enum_framesizes,
	.vidioc_enum_frameintervals = enum_frameintervals,
	.vidioc_g_parm = g_parm,
	.vidioc_s_parm = s_parm,
	.vidioc_enum_input = enum_input,
	.vidioc_g_input = g_input,
	.vidioc_s_input = s_input,
	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
	.vidioc_log_status = log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

static const struct v4l2_file_operations fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.read = vb2_fop_read,
	.unlocked_ioctl = video_ioctl2,
	.mmap = vb2_fop_mmap,
	.poll = vb2_fop_poll,
};

/* The v4l2_device's release: the last reference to the node is gone. */
static void node_release(struct v4l2_device *v4l2_dev)
{
	struct streamclass_v4l2_node *n =
		container_of(v4l2_dev, struct streamclass_v4l2_node, v4l2_dev);

	v4l2_ctrl_handler_free(&n->ctrls);
	mutex_destroy(&n->lock);
	spin_lock(&release_lock);
	if (n->released)
		complete(n->released);
	spin_unlock(&release_lock);
	kfree(n);
}

/* A control changed: SRB_SET_DEVICE_PROPERTY, its status as the errno. */
static int s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct streamclass_v4l2_node *n = container_of(ctrl->handler, struct streamclass_v4l2_node,
						       ctrls);

	return streamclass_v4l2_control(n->ctx, ctrl->id, &ctrl->val, true);
}

static const struct v4l2_ctrl_ops ctrl_ops = {
	.s_ctrl = s_ctrl,
};

/*
 * The device's controls on @n, each starting at the device's value
 * (SRB_GET_DEVICE_PROPERTY) when it gives one in range, else its default.
 */
static int add_controls(struct streamclass_v4l2_node *n, const struct streamclass_v4l2_desc *d)
{
	u32 i;

	for (i = 0; i < d->number_of_controls; i++) {
		const struct streamclass_control *c = &d->controls[i];

		v4l2_ctrl_new_std(&n->ctrls, &ctrl_ops, c->id, c->minimum, c->maximum, c->step,
				  c->default_value);
	}
	if (n->ctrls.error)
		return n->ctrls.error;
	for (i = 0; i < d->number_of_controls; i++) {
		struct v4l2_ctrl *ctrl = v4l2_ctrl_find(&n->ctrls, d->controls[i].id);
		s32 v;

		if (ctrl && !streamclass_v4l2_control(n->ctx, ctrl->id, &v, false) &&
		    v >= ctrl->minimum && v <= ctrl->maximum)
			v4l2_ctrl_s_ctrl(ctrl, v);
	}
	return 0;
}

struct streamclass_v4l2_node *streamclass_v4l2_register(const struct streamclass_v4l2_desc *d)
{
	struct streamclass_v4l2_node *n = kzalloc(sizeof(*n), GFP_KERNEL);
	struct streamclass_format f;
	struct vb2_queue *q;
	int ret;

	if (!n)
		return ERR_PTR(-ENOMEM);
	n->parent = d->parent;
	n->ctx = d->ctx;
	n->backend = d->backend;
	INIT_LIST_HEAD(&n->waiting);
	INIT_LIST_HEAD(&n->parked);
	spin_lock_init(&n->start_lock);
	mutex_init(&n->lock);

	/*
	 * No parent here: v4l2_device_register() would make itself the
	 * parent's drvdata, which is the Rust driver core's. The node's
	 * parent is set on the video_device instead.
	 */
	strscpy(n->v4l2_dev.name, d->card, sizeof(n->v4l2_dev.name));
	ret = format_at(n, 0, &f);
	if (!ret)
		ret = v4l2_device_register(NULL, &n->v4l2_dev);
	if (ret) {
		mutex_destroy(&n->lock);
		kfree(n);
		return ERR_PTR(ret);
	}
	to_pix(&f, &n->pix);
	n->v4l2_dev.release = node_release;
	v4l2_ctrl_handler_init(&n->ctrls, d->number_of_controls);
	n->v4l2_dev.ctrl_handler = &n->ctrls;
	ret = add_controls(n, d);
	if (ret)
		goto put;

	q = &n->queue;
	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	/* USERPTR only where pinned user pages can become the list. */
	q->io_modes = VB2_MMAP | VB2_DMABUF | VB2_READ |
		      (n->backend == STREAMCLASS_V4L2_DMA_CONTIG ? 0 : VB2_USERPTR);
	q->drv_priv = n;
	q->buf_struct_size = sizeof(struct streamclass_v4l2_vb);
	q->ops = &queue_ops;
	q->mem_ops = &queue_mem_ops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
	q->min_queued_buffers = 1;
	q->lock = &n->lock;
	q->dev = d->parent;
	ret = vb2_queue_init(q);
	if (ret)
		goto put;

	strscpy(n->vdev.name, d->card, sizeof(n->vdev.name));
	n->vdev.release = video_device_release_empty;
	n->vdev.fops = &fops;
	n->vdev.ioctl_ops = &ioctl_ops;
	n->vdev.device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING | V4L2_CAP_READWRITE;
	n->vdev.lock = &n->lock;
	n->vdev.queue = q;
	n->vdev.v4l2_dev = &n->v4l2_dev;
	n->vdev.dev_parent = d->parent;
	n->vdev.vfl_dir = VFL_DIR_RX;
	video_set_drvdata(&n->vdev, n);
	ret = video_register_device(&n->vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		goto put;
	dev_info(d->parent, "%s: capture stream as %s\n", d->card,
		 video_device_node_name(&n->vdev));
	return n;

put:
	v4l2_device_unregister(&n->v4l2_dev);
	v4l2_device_put(&n->v4l2_dev);
	return ERR_PTR(ret);
}

u32 streamclass_v4l2_bounced(struct streamclass_v4l2_node *n)
{
	return atomic_read(&n->bounced);
}

/*
 * MMAP buffers of @q that something besides videobuf2 still holds (a
 * process's mapping, an exported DMABUF): their memory, allocated for the
 * device, outlives the queue's release. The queue's lock is held.
 */
static unsigned int held_elsewhere(struct vb2_queue *q)
{
	unsigned int i, n = 0;

	if (q->memory != VB2_MEMORY_MMAP)
		return 0;
	for (i = 0; i < q->max_num_buffers; i++) {
		struct vb2_buffer *vb = vb2_get_buffer(q, i);
		void *priv = vb ? vb->planes[0].mem_priv : NULL;

		if (priv && q->mem_ops->num_users(priv) > 1)
			n++;
	}
	return n;
}

void streamclass_v4l2_unregister(struct streamclass_v4l2_node *n)
{
	DECLARE_COMPLETION_ONSTACK(released);
	struct device *parent = n->parent;

	unsigned long until = jiffies + msecs_to_jiffies(DQBUF_WAKE_MS);
	unsigned int held;
	bool waiting;

	/*
	 * A reader blocked in DQBUF wakes with -EIO, once it has the queue
	 * lock again: wait (bounded) for that before the queue is released
	 * below, or vb2 would find the queue no longer streaming and give it
	 * -EINVAL.
	 */
	mutex_lock(&n->lock);
	vb2_queue_error(&n->queue);
	mutex_unlock(&n->lock);
	do {
		mutex_lock(&n->lock);
		waiting = n->queue.waiting_in_dqbuf;
		mutex_unlock(&n->lock);
		if (waiting)
			usleep_range(500, 1000);
	} while (waiting && time_before(jiffies, until));
	/*
	 * As vb2_video_unregister_device(), and it counts, once no process
	 * can map a buffer any more, the buffers the queue's release leaves
	 * behind. Releasing the queue stops a running stream (the last call
	 * into the Rust side) and frees every buffer nothing else holds.
	 */
	get_device(&n->vdev.dev);
	video_unregister_device(&n->vdev);
	mutex_lock(&n->lock);
	held = held_elsewhere(&n->queue);
	vb2_queue_release(&n->queue);
	n->queue.owner = NULL;
	mutex_unlock(&n->lock);
	put_device(&n->vdev.dev);
	v4l2_device_unregister(&n->v4l2_dev);
	if (!held) {
		/*
		 * Nothing of the device's outlives its driver: an opener (idle,
		 * or whose buffers were all freed) gets -ENODEV and frees the
		 * node at its last close, whenever that comes.
		 */
		v4l2_device_put(&n->v4l2_dev);
		return;
	}
	spin_lock(&release_lock);
	n->released = &released;
	spin_unlock(&release_lock);
	v4l2_device_put(&n->v4l2_dev);
	if (wait_for_completion_timeout(&released, msecs_to_jiffies(RELEASE_WAIT_MS)))
		return;
	spin_lock(&release_lock);
	/* Not released yet (so not freed): it must not complete a gone waiter. */
	if (!completion_done(&released))
		n->released = NULL;
	spin_unlock(&release_lock);
	dev_warn(parent, "V4L2 node: %u buffer(s) still mapped or exported %d s after its device went: freed at their last user\n",
		 held, RELEASE_WAIT_MS / 1000);
}
