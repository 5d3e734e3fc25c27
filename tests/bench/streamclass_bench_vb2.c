// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline of the streaming benchmark (`make bench`): a bare
 * videobuf2 capture node with no device behind it, on a platform device of
 * its own (a 32-bit DMA mask, as the null minidriver's virtual device
 * gets), with the class's queue settings for a virtual device (vb2-vmalloc,
 * MMAP). Its buf_queue
 * completes each buffer at once, so the node's frame rate is what V4L2 and
 * videobuf2 alone cost; tests/scenarios/bench compares the class's null
 * minidriver (tests/streamclass_bench_null.rs) against it. One format:
 * YUYV 320x240.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <media/v4l2-device.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>
#include <media/videobuf2-v4l2.h>

#define WIDTH	320
#define HEIGHT	240
#define PITCH	(WIDTH * 2)
#define IMAGE	(PITCH * HEIGHT)

struct bench_node {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct mutex lock;
	u32 sequence;
};

static struct platform_device *pdev;
static struct bench_node *node;

static int queue_setup(struct vb2_queue *q, unsigned int *nbuffers, unsigned int *nplanes,
		       unsigned int sizes[], struct device *alloc_devs[])
{
	if (*nplanes)
		return sizes[0] < IMAGE ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = IMAGE;
	return 0;
}

/* Done at once: what V4L2 and videobuf2 cost without a device. */
static void buf_queue(struct vb2_buffer *vb)
{
	struct bench_node *n = vb2_get_drv_priv(vb->vb2_queue);
	struct vb2_v4l2_buffer *vbuf = to_vb2_v4l2_buffer(vb);

	vb->timestamp = ktime_get_ns();
	vbuf->sequence = n->sequence++;
	vbuf->field = V4L2_FIELD_NONE;
	vb2_set_plane_payload(vb, 0, IMAGE);
	vb2_buffer_done(vb, VB2_BUF_STATE_DONE);
}

static int start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct bench_node *n = vb2_get_drv_priv(q);

	n->sequence = 0;
	return 0;
}

static void stop_streaming(struct vb2_queue *q)
{
	/* Every buffer was done in buf_queue. */
}

static const struct vb2_ops queue_ops = {
	.queue_setup = queue_setup,
	.buf_queue = buf_queue,
	.start_streaming = start_streaming,
	.stop_streaming = stop_streaming,
};

static int querycap(struct file *file, void *priv, struct v4l2_capability *cap)
{
	strscpy(cap->driver, "bench_vb2", sizeof(cap->driver));
	strscpy(cap->card, "bench-vb2", sizeof(cap->card));
	return 0;
}

static int enum_fmt(struct file *file, void *priv, struct v4l2_fmtdesc *f)
{
	if (f->index)
		return -EINVAL;
	f->pixelformat = V4L2_PIX_FMT_YUYV;
	return 0;
}

static int g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct v4l2_pix_format *p = &f->fmt.pix;

	memset(p, 0, sizeof(*p));
	p->width = WIDTH;
	p->height = HEIGHT;
	p->pixelformat = V4L2_PIX_FMT_YUYV;
	p->field = V4L2_FIELD_NONE;
	p->bytesperline = PITCH;
	p->sizeimage = IMAGE;
	p->colorspace = V4L2_COLORSPACE_SRGB;
	return 0;
}

static const struct v4l2_ioctl_ops ioctl_ops = {
	.vidioc_querycap = querycap,
	.vidioc_enum_fmt_vid_cap = enum_fmt,
	.vidioc_g_fmt_vid_cap = g_fmt,
	.vidioc_s_fmt_vid_cap = g_fmt,
	.vidioc_try_fmt_vid_cap = g_fmt,
	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
};

static const struct v4l2_file_operations fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.unlocked_ioctl = video_ioctl2,
	.mmap = vb2_fop_mmap,
	.poll = vb2_fop_poll,
};

static int __init bench_vb2_init(void)
{
	struct platform_device_info info = {
		.name = "streamclass_bench_vb2", .id = PLATFORM_DEVID_NONE,
		.dma_mask = DMA_BIT_MASK(32),
	};
	struct vb2_queue *q;
	int ret;

	pdev = platform_device_register_full(&info);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	/* The class lifts the 64 KiB segment limit of its virtual devices too. */
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	ret = -ENOMEM;
	if (!node)
		goto unregister;
	mutex_init(&node->lock);
	/* Named first: an empty name is taken from the parent's driver (none). */
	strscpy(node->v4l2_dev.name, "bench-vb2", sizeof(node->v4l2_dev.name));
	ret = v4l2_device_register(&pdev->dev, &node->v4l2_dev);
	if (ret)
		goto free;
	q = &node->queue;
	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	q->io_modes = VB2_MMAP;
	q->drv_priv = node;
	q->buf_struct_size = sizeof(struct vb2_v4l2_buffer);
	q->ops = &queue_ops;
	q->mem_ops = &vb2_vmalloc_memops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
	q->lock = &node->lock;
	q->dev = &pdev->dev;
	ret = vb2_queue_init(q);
	if (ret)
		goto v4l2;
	strscpy(node->vdev.name, "bench-vb2", sizeof(node->vdev.name));
	node->vdev.release = video_device_release_empty;
	node->vdev.fops = &fops;
	node->vdev.ioctl_ops = &ioctl_ops;
	node->vdev.device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
	node->vdev.lock = &node->lock;
	node->vdev.queue = q;
	node->vdev.v4l2_dev = &node->v4l2_dev;
	ret = video_register_device(&node->vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		goto v4l2;
	return 0;

v4l2:
	v4l2_device_unregister(&node->v4l2_dev);
free:
	kfree(node);
unregister:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit bench_vb2_exit(void)
{
	vb2_video_unregister_device(&node->vdev);
	v4l2_device_unregister(&node->v4l2_dev);
	kfree(node);
	platform_device_unregister(pdev);
}

module_init(bench_vb2_init);
module_exit(bench_vb2_exit);
MODULE_DESCRIPTION("streamclass benchmark: a bare videobuf2 capture node");
MODULE_LICENSE("GPL");
