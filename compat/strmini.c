// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h compatibility layer: Windows stream class minidrivers,
 * built from their source against include/streamclass/strmini.h, run on
 * the C API of include/streamclass.h. Part of streamclass.ko.
 *
 * The layer adds nothing to the class's model; it translates. Each memory
 * it needs rides in what the class already allocates, in front of the
 * minidriver's part, so there is nothing more to free:
 * - the device extension starts with a struct strmini_device (the port
 *   configuration, the translated stream descriptions, the SRBs the
 *   minidriver holds); HwDeviceExtension points after it;
 * - each SRB's per-request extension starts with a struct strmini_srb (the
 *   Windows HW_STREAM_REQUEST_BLOCK and its command data: KSSTREAM_HEADER
 *   and KS_FRAME_INFO, the property descriptor, the intersection);
 *   SRBExtension points after it;
 * - each open stream's extension starts with a struct strmini_stream (the
 *   HW_STREAM_OBJECT); HwStreamExtension points after it.
 * What a device describes (its stream table) is copied with devm, so it
 * goes with the binding.
 *
 * Translation: Documentation/strmini-porting.rst has the table.
 */
#include <linux/device.h>
#include <linux/gcd.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/math64.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/videodev2.h>
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
	/* Protects pending and last_device. */
	spinlock_t lock;
	struct list_head pending;	/* the SRBs the minidriver holds */
	struct strmini_srb *last_device;
};

/* The head of an SRB's per-request extension. */
struct strmini_srb {
	HW_STREAM_REQUEST_BLOCK w;
	struct streamclass_srb *sc;
	struct strmini_device *dev;
	struct strmini_stream *st;
	struct list_head node;		/* on dev->pending while held */
	bool held;
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
};

static void streamclass_strmini_receive_data(struct streamclass_srb *sc);
static void streamclass_strmini_receive_control(struct streamclass_srb *sc);

static void *strmini_win_ext(struct strmini_device *dev)
{
	return (u8 *)dev + STRMINI_DEVICE_HEAD;
}

static struct strmini_device *strmini_device_of(PVOID HwDeviceExtension)
{
	return HwDeviceExtension ? (void *)((u8 *)HwDeviceExtension - STRMINI_DEVICE_HEAD) : NULL;
}

static struct strmini_srb *strmini_srb_of_sc(struct streamclass_srb *sc)
{
	return sc->srb_extension;
}

static struct strmini_srb *strmini_srb_of(PHW_STREAM_REQUEST_BLOCK w)
{
	return container_of(w, struct strmini_srb, w);
}

static struct strmini_stream *strmini_stream_of(PHW_STREAM_OBJECT w)
{
	return w ? container_of(w, struct strmini_stream, w) : NULL;
}

/* An NTSTATUS as the class's status. */
static int strmini_status(NTSTATUS status)
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

/* An errno as an NTSTATUS. */
static NTSTATUS strmini_ntstatus(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -ENOMEM:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -EINVAL:
	case -E2BIG:
		return STATUS_INVALID_PARAMETER;
	case -ENODEV:
		return STATUS_NO_SUCH_DEVICE;
	case -EOPNOTSUPP:
		return STATUS_NOT_SUPPORTED;
	default:
		return STATUS_UNSUCCESSFUL;
	}
}

/* Formats: KS_DATARANGE_VIDEO and KS_DATAFORMAT_VIDEOINFOHEADER <-> V4L2. */

static u32 strmini_pixelformat(const GUID *subtype)
{
	if (IsEqualGUID(subtype, &KSDATAFORMAT_SUBTYPE_YUY2))
		return V4L2_PIX_FMT_YUYV;
	if (IsEqualGUID(subtype, &KSDATAFORMAT_SUBTYPE_UYVY))
		return V4L2_PIX_FMT_UYVY;
	if (IsEqualGUID(subtype, &KSDATAFORMAT_SUBTYPE_NV12))
		return V4L2_PIX_FMT_NV12;
	if (IsEqualGUID(subtype, &KSDATAFORMAT_SUBTYPE_RGB24))
		return V4L2_PIX_FMT_BGR24;
	return 0;
}

/* The bits per pixel of a pixel format (biBitCount). */
static u32 strmini_bits(u32 pixelformat)
{
	switch (pixelformat) {
	case V4L2_PIX_FMT_NV12:
		return 12;
	case V4L2_PIX_FMT_BGR24:
		return 24;
	default:
		return 16;
	}
}

/*
 * AvgTimePerFrame (100 ns units, an integer) as a V4L2 interval: a rate of
 * n or n/1.001 frames a second, rounded to 100 ns as drivers write it
 * (333333 for 1/30 s, 333667 for 1001/30000 s), is that fraction; any
 * other value is exact.
 */
static void strmini_interval(s64 avg, struct streamclass_format *out)
{
	static const u32 nums[] = { 1, 1001 };
	u64 g;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		s64 units = nums[i] * STRMINI_KS_UNITS_PER_S;
		s64 den = DIV_ROUND_CLOSEST_ULL(units, avg);

		/* |units / den - avg| < 1: avg is units / den, rounded. */
		if (den > 0 && den <= U32_MAX && abs(units - avg * den) < den) {
			g = gcd(nums[i], den);
			out->interval_numerator = nums[i] / g;
			out->interval_denominator = den / g;
			return;
		}
	}
	g = gcd(avg, STRMINI_KS_UNITS_PER_S);
	out->interval_numerator = avg / g;
	out->interval_denominator = STRMINI_KS_UNITS_PER_S / g;
}

/*
 * The format a video format or range's header describes, or false. A
 * bottom-up RGB image (positive biHeight) has no V4L2 pixel format.
 */
static bool strmini_format(const KSDATAFORMAT *f, const KS_VIDEOINFOHEADER *vih,
			   struct streamclass_format *out)
{
	const KS_BITMAPINFOHEADER *bmi = &vih->bmiHeader;
	u32 pixelformat = strmini_pixelformat(&f->SubFormat);
	s64 avg = vih->AvgTimePerFrame;
	u32 w, h, bpl, size;

	if (!pixelformat || !IsEqualGUID(&f->MajorFormat, &KSDATAFORMAT_TYPE_VIDEO) ||
	    !IsEqualGUID(&f->Specifier, &KSDATAFORMAT_SPECIFIER_VIDEOINFO))
		return false;
	if (bmi->biWidth <= 0 || bmi->biWidth > 16384 || bmi->biHeight == 0 ||
	    bmi->biHeight < -16384 || bmi->biHeight > 16384 || avg <= 0 ||
	    avg > 100 * STRMINI_KS_UNITS_PER_S)
		return false;
	if (pixelformat == V4L2_PIX_FMT_BGR24 && bmi->biHeight > 0)
		return false;
	/* biBitCount must be the subtype's (0: not given). */
	if (bmi->biBitCount && bmi->biBitCount != strmini_bits(pixelformat))
		return false;
	w = bmi->biWidth;
	h = abs(bmi->biHeight);
	switch (pixelformat) {
	case V4L2_PIX_FMT_NV12:
		bpl = w;
		size = bpl * h * 3 / 2;
		break;
	case V4L2_PIX_FMT_BGR24:
		bpl = ALIGN(w * 3, 4);
		size = bpl * h;
		break;
	default:
		bpl = w * 2;
		size = bpl * h;
	}
	if (bmi->biSizeImage > size)
		size = bmi->biSizeImage;
	*out = (struct streamclass_format) {
		.pixelformat = pixelformat,
		.width = w,
		.height = h,
		.bytesperline = bpl,
		.sizeimage = size,
	};
	strmini_interval(avg, out);
	return true;
}

/* The index in dev->formats of one of a stream's described formats, or -1. */
static int strmini_format_index(struct strmini_device *dev, u32 stream,
				const struct streamclass_format *f)
{
	const struct strmini_stream_info *si;
	u32 i;

	if (stream >= dev->nstreams)
		return -1;
	si = &dev->streams[stream];
	for (i = si->first; i < si->first + si->count; i++)
		if (!memcmp(&dev->formats[i], f, sizeof(*f)))
			return i;
	return -1;
}

/* The first of a stream's formats matching pixelformat, width and height. */
static int strmini_format_match(struct strmini_device *dev, u32 stream,
				const struct streamclass_format *f, bool interval)
{
	const struct strmini_stream_info *si;
	const struct streamclass_format *d;
	u32 i;

	if (stream >= dev->nstreams)
		return -1;
	si = &dev->streams[stream];
	for (i = si->first; i < si->first + si->count; i++) {
		d = &dev->formats[i];
		if (d->pixelformat == f->pixelformat && d->width == f->width &&
		    d->height == f->height &&
		    (!interval || (d->interval_numerator == f->interval_numerator &&
				   d->interval_denominator == f->interval_denominator)))
			return i;
	}
	return -1;
}

/* Controls: the VideoProcAmp property set <-> V4L2 controls. */

static u32 strmini_cid(ULONG id)
{
	switch (id) {
	case KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS:
		return V4L2_CID_BRIGHTNESS;
	case KSPROPERTY_VIDEOPROCAMP_CONTRAST:
		return V4L2_CID_CONTRAST;
	case KSPROPERTY_VIDEOPROCAMP_SATURATION:
		return V4L2_CID_SATURATION;
	case KSPROPERTY_VIDEOPROCAMP_HUE:
		return V4L2_CID_HUE;
	default:
		return 0;
	}
}

/* A property item's range, step and default, as a control, or false. */
static bool strmini_control(const KSPROPERTY_ITEM *item, struct streamclass_control *c)
{
	const KSPROPERTY_VALUES *v = item->Values;
	bool range = false, def = false;
	u32 i;

	c->id = strmini_cid(item->PropertyId);
	if (!c->id || !v || !v->MembersList)
		return false;
	for (i = 0; i < v->MembersListCount; i++) {
		const KSPROPERTY_MEMBERSLIST *m = &v->MembersList[i];
		const KSPROPERTY_MEMBERSHEADER *h = &m->MembersHeader;

		if ((h->MembersFlags == KSPROPERTY_MEMBER_RANGES ||
		     h->MembersFlags == KSPROPERTY_MEMBER_STEPPEDRANGES) &&
		    h->MembersSize >= sizeof(KSPROPERTY_STEPPING_LONG) && m->Members) {
			const KSPROPERTY_STEPPING_LONG *s = m->Members;

			c->minimum = s->Bounds.SignedMinimum;
			c->maximum = s->Bounds.SignedMaximum;
			c->step = s->SteppingDelta ? s->SteppingDelta : 1;
			range = true;
		} else if (h->MembersFlags == KSPROPERTY_MEMBER_VALUES &&
			   (h->Flags & KSPROPERTY_MEMBER_FLAG_DEFAULT) &&
			   h->MembersSize >= sizeof(LONG) && m->Members) {
			c->default_value = *(const LONG *)m->Members;
			def = true;
		}
	}
	if (!range)
		return false;
	if (!def)
		c->default_value = c->minimum;
	return c->minimum <= c->maximum &&
	       ((s64)c->maximum - c->minimum) % c->step == 0 &&
	       c->default_value >= c->minimum && c->default_value <= c->maximum;
}

static void strmini_controls(struct strmini_device *dev, const HW_STREAM_HEADER *hdr)
{
	struct streamclass_control c;
	u32 s, i, k;

	dev->props = hdr->DevicePropertiesArray;
	for (s = 0; dev->props && s < hdr->NumDevPropArrayEntries; s++) {
		const KSPROPERTY_SET *set = &dev->props[s];

		if (!set->Set || !IsEqualGUID(set->Set, &PROPSETID_VIDCAP_VIDEOPROCAMP))
			continue;
		for (i = 0; i < set->PropertiesCount && set->PropertyItem; i++) {
			const KSPROPERTY_ITEM *item = &set->PropertyItem[i];

			if (!item->SetPropertyHandler) {
				dev_info(dev->dev, "VideoProcAmp property %u: read-only: not a control here\n",
					 item->PropertyId);
				continue;
			}
			if (!strmini_control(item, &c)) {
				dev_info(dev->dev, "VideoProcAmp property %u: not a control here\n",
					 item->PropertyId);
				continue;
			}
			for (k = 0; k < dev->ncontrols && dev->controls[k].id != c.id; k++)
				;
			if (k < dev->ncontrols || k == STREAMCLASS_MAX_CONTROLS)
				continue;
			dev->controls[k] = c;
			dev->control_of[k] = (struct strmini_control){ .set = s, .id = item->PropertyId };
			dev->ncontrols++;
		}
	}
}

/* The stream table (HW_STREAM_DESCRIPTOR) as the class's stream info. */
static NTSTATUS strmini_stream_info(struct strmini_device *dev, struct streamclass_stream_info *out)
{
	const HW_STREAM_HEADER *hdr = &dev->descriptor->StreamHeader;
	ULONG n = hdr->NumberOfStreams, step = hdr->SizeOfHwStreamInformation, s, i;
	const u8 *infos = (const u8 *)&dev->descriptor->StreamInfo;
	u32 total = 0;

	if (!step)
		step = sizeof(HW_STREAM_INFORMATION);
	if (n > STREAMCLASS_MAX_STREAMS || step < sizeof(HW_STREAM_INFORMATION) ||
	    sizeof(HW_STREAM_HEADER) + (size_t)n * step > dev->config.StreamDescriptorSize) {
		dev_err(dev->dev, "stream table: %u streams of %u bytes do not fit %u bytes\n",
			n, step, dev->config.StreamDescriptorSize);
		return STATUS_INVALID_PARAMETER;
	}
	for (s = 0; s < n; s++) {
		const HW_STREAM_INFORMATION *si = (const void *)(infos + s * step);

		total += min_t(u32, si->NumberOfFormatArrayEntries, STREAMCLASS_MAX_FORMATS);
	}
	dev->sc_streams = devm_kcalloc(dev->dev, max(n, 1u), sizeof(*dev->sc_streams), GFP_ATOMIC);
	dev->formats = devm_kcalloc(dev->dev, max(total, 1u), sizeof(*dev->formats), GFP_ATOMIC);
	dev->ranges = devm_kcalloc(dev->dev, max(total, 1u), sizeof(*dev->ranges), GFP_ATOMIC);
	if (!dev->sc_streams || !dev->formats || !dev->ranges)
		return STATUS_INSUFFICIENT_RESOURCES;

	for (s = 0; s < n; s++) {
		const HW_STREAM_INFORMATION *si = (const void *)(infos + s * step);
		struct strmini_stream_info *mine = &dev->streams[dev->nstreams];
		struct streamclass_stream_descriptor *d = &dev->sc_streams[dev->nstreams];

		/* The class shows capture streams only. */
		if (si->DataFlow != KSPIN_DATAFLOW_OUT) {
			dev_info(dev->dev, "stream %u: not a capture stream: not shown\n", s);
			continue;
		}
		mine->win = s;
		mine->first = dev->nformats;
		for (i = 0; si->StreamFormatsArray && i < si->NumberOfFormatArrayEntries &&
			    mine->count < STREAMCLASS_MAX_FORMATS; i++) {
			const KSDATAFORMAT *f = si->StreamFormatsArray[i];
			const KS_DATARANGE_VIDEO *r = (const void *)f;

			if (!f || f->FormatSize < sizeof(KS_DATARANGE_VIDEO) ||
			    !strmini_format(f, &r->VideoInfoHeader, &dev->formats[dev->nformats])) {
				dev_info(dev->dev, "stream %u: format %u is not a video format here\n",
					 s, i);
				continue;
			}
			dev->ranges[dev->nformats++] = r;
			mine->count++;
		}
		if (!mine->count) {
			dev_info(dev->dev, "stream %u: no format shown: not shown\n", s);
			continue;
		}
		if (si->Name && IsEqualGUID(si->Name, &PINNAME_VIDEO_PREVIEW))
			strscpy(mine->name, "preview");
		else if (si->Name && IsEqualGUID(si->Name, &PINNAME_VIDEO_CAPTURE))
			strscpy(mine->name, "capture");
		else
			snprintf(mine->name, sizeof(mine->name), "stream%u", s);
		*d = (struct streamclass_stream_descriptor) {
			.data_flow = si->DataFlow,
			.possible_instances = si->NumberOfPossibleInstances,
			.name = mine->name,
			.number_of_formats = mine->count,
			.formats = &dev->formats[mine->first],
		};
		dev->nstreams++;
	}
	strmini_controls(dev, hdr);
	out->number_of_streams = dev->nstreams;
	out->streams = dev->sc_streams;
	out->number_of_controls = dev->ncontrols;
	out->controls = dev->ncontrols ? dev->controls : NULL;
	return STATUS_SUCCESS;
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
	w->SizeOfThisPacket = sizeof(*w);
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
	list_add_tail(&s->node, &dev->pending);
	if (!(s->w.Flags & SRB_HW_FLAGS_STREAM_REQUEST))
		dev->last_device = s;
	else if (!(s->w.Flags & SRB_HW_FLAGS_DATA_TRANSFER))
		s->st->last_control = s;
	spin_unlock_irqrestore(&dev->lock, flags);

	routine(&s->w);

	/* A minidriver sets TimeoutCounter (0: no timeout) for a held SRB. */
	spin_lock_irqsave(&dev->lock, flags);
	if (s->held && s->sc)
		s->sc->timeout_counter = s->w.TimeoutCounter;
	spin_unlock_irqrestore(&dev->lock, flags);
}

/* @s is no longer the minidriver's. Called with dev->lock held. */
static void strmini_unhold(struct strmini_srb *s)
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
static bool strmini_take(struct strmini_srb *s)
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
static void strmini_finish(struct strmini_srb *s)
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
static void strmini_complete(struct strmini_srb *s)
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

/* A device property SRB's STREAM_PROPERTY_DESCRIPTOR, for a control. */
static int strmini_property(struct strmini_srb *s)
{
	struct streamclass_srb *sc = s->sc;
	struct strmini_device *dev = s->dev;
	struct streamclass_property *p = sc->command_data.property;
	struct strmini_control *c = NULL;
	u32 k;

	for (k = 0; k < dev->ncontrols; k++)
		if (dev->controls[k].id == p->id)
			c = &dev->control_of[k];
	if (!c)
		return STREAMCLASS_STATUS_NOT_IMPLEMENTED;
	s->u.prop.value.Property.Set = *dev->props[c->set].Set;
	s->u.prop.value.Property.Id = c->id;
	s->u.prop.value.Property.Flags = sc->command == SRB_GET_DEVICE_PROPERTY ?
						 KSPROPERTY_TYPE_GET : KSPROPERTY_TYPE_SET;
	if (sc->command == SRB_SET_DEVICE_PROPERTY) {
		s->u.prop.value.Value = p->value;
		s->u.prop.value.Flags = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL;
	}
	s->u.prop.desc.Property = &s->u.prop.value.Property;
	s->u.prop.desc.PropertySetID = c->set;
	s->u.prop.desc.PropertyInfo = &s->u.prop.value;
	s->u.prop.desc.PropertyInputSize = sizeof(s->u.prop.value);
	s->u.prop.desc.PropertyOutputSize = sizeof(s->u.prop.value);
	s->w.CommandData.PropertyInfo = &s->u.prop.desc;
	return STREAMCLASS_STATUS_SUCCESS;
}

/*
 * SRB_GET_DATA_INTERSECTION's STREAM_DATA_INTERSECT_INFO: the stream's first
 * range of the asked pixel format (else its first range), at the asked size.
 */
static int strmini_intersection(struct strmini_srb *s)
{
	struct streamclass_data_intersection *x = s->sc->command_data.intersect;
	struct strmini_device *dev = s->dev;
	struct strmini_stream_info *si;
	KS_BITMAPINFOHEADER *bmi;
	u32 k, pick;

	if (x->stream_number >= dev->nstreams)
		return STREAMCLASS_STATUS_NOT_IMPLEMENTED;
	si = &dev->streams[x->stream_number];
	pick = si->first;
	for (k = si->first; k < si->first + si->count; k++) {
		if (dev->formats[k].pixelformat == x->request.pixelformat) {
			pick = k;
			break;
		}
	}
	s->u.isect.range = *dev->ranges[pick];
	bmi = &s->u.isect.range.VideoInfoHeader.bmiHeader;
	bmi->biWidth = x->request.width;
	bmi->biHeight = bmi->biHeight < 0 ? -(LONG)x->request.height : x->request.height;
	s->u.isect.info.StreamNumber = si->win;
	s->u.isect.info.DataRange = &s->u.isect.range.DataRange;
	s->u.isect.info.DataFormatBuffer = &s->u.isect.result;
	s->u.isect.info.SizeOfDataFormatBuffer = sizeof(s->u.isect.result);
	s->w.CommandData.IntersectInfo = &s->u.isect.info;
	return STREAMCLASS_STATUS_SUCCESS;
}

void streamclass_strmini_receive_packet(PDRIVER_OBJECT DriverObject, struct streamclass_srb *sc)
{
	struct strmini_driver *drv = DriverObject->Compat;
	struct strmini_device *dev = sc->hw_device_extension;
	struct strmini_stream *st = NULL;
	int status = STREAMCLASS_STATUS_SUCCESS;
	struct strmini_srb *s;

	if (sc->command == SRB_INITIALIZE_DEVICE) {
		dev->drv = drv;
		spin_lock_init(&dev->lock);
		INIT_LIST_HEAD(&dev->pending);
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
	}
	s = strmini_prepare(sc, dev, st);

	switch (sc->command) {
	case SRB_INITIALIZE_DEVICE:
		s->w.CommandData.ConfigInfo = &dev->config;
		break;
	case SRB_GET_STREAM_INFO:
		s->w.CommandData.StreamBuffer = dev->descriptor;
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
	s->u.data.header.Size = sizeof(KSSTREAM_HEADER) +
				min_t(ULONG, st->w.StreamHeaderMediaSpecific, sizeof(KS_FRAME_INFO));
	s->u.data.header.FrameExtent = h->frame_extent;
	s->u.data.header.Data = h->data;
	s->u.data.header.PresentationTime.Numerator = 1;
	s->u.data.header.PresentationTime.Denominator = 1;
	s->u.data.frame.ExtendedHeaderSize = sizeof(KS_FRAME_INFO);
	s->w.CommandData.DataBufferArray = &s->u.data.header;
	s->w.NumberOfBytesToTransfer = sc->number_of_bytes_to_transfer;
	s->w.ScatterGatherBuffer = (PKSSCATTER_GATHER)sc->scatter_gather_buffer;
	s->w.NumberOfScatterGatherElements = sc->number_of_scatter_gather_elements;
	s->w.NumberOfPhysicalPages = strmini_pages(sc);
	strmini_send(s, st->w.ReceiveDataPacket);
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

	s->w.TimeoutCounter = sc->timeout_counter;
	if (drv->hw.HwRequestTimeoutHandler)
		drv->hw.HwRequestTimeoutHandler(&s->w);
	else if (drv->hw.HwCancelPacket)
		drv->hw.HwCancelPacket(&s->w);
	spin_lock_irqsave(&dev->lock, flags);
	if (s->held)
		sc->timeout_counter = s->w.TimeoutCounter;
	spin_unlock_irqrestore(&dev->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_request_timeout, "STREAMCLASS");

/* Registration: DriverEntry's StreamClassRegisterMinidriver(). */

/*
 * One INF hardware ID: "PCI\VEN_vvvv&DEV_dddd[&SUBSYS_ssssvvvv][&...]" as a
 * PCI ID (1; other parts, such as REV_rr, are logged and not matched on),
 * any other bus (0: a virtual device), or a PCI ID with no vendor (-EINVAL).
 */
static int strmini_pci_id(const char *hwid, struct pci_device_id *id)
{
	char part[24];
	const char *p;
	size_t n;
	u32 v;

	if (strncasecmp(hwid, "PCI\\", 4))
		return 0;
	*id = (struct pci_device_id){ .vendor = PCI_ANY_ID, .device = PCI_ANY_ID,
				      .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID };
	for (p = hwid + 4; *p; p += n + (p[n] == '&')) {
		n = strcspn(p, "&");
		strscpy(part, p, min(n + 1, sizeof(part)));
		if (n < sizeof(part) && !strncasecmp(part, "VEN_", 4) && !kstrtou32(part + 4, 16, &v))
			id->vendor = v;
		else if (n < sizeof(part) && !strncasecmp(part, "DEV_", 4) &&
			 !kstrtou32(part + 4, 16, &v))
			id->device = v;
		else if (n < sizeof(part) && !strncasecmp(part, "SUBSYS_", 7) &&
			 !kstrtou32(part + 7, 16, &v)) {
			id->subdevice = v >> 16;
			id->subvendor = v & 0xffff;
		} else {
			pr_info("streamclass: hardware ID %s: %.*s is not matched on\n", hwid,
				(int)n, p);
		}
	}
	if (id->vendor == PCI_ANY_ID) {
		pr_err("streamclass: hardware ID %s: no VEN_vvvv\n", hwid);
		return -EINVAL;
	}
	return 1;
}

NTSTATUS StreamClassRegisterAdapter(PVOID Argument1, PVOID Argument2,
				    PHW_INITIALIZATION_DATA HwInitializationData)
{
	PDRIVER_OBJECT d = Argument1;
	struct strmini_driver *drv = d ? d->Compat : NULL;
	PHW_INITIALIZATION_DATA hw = HwInitializationData;
	struct streamclass_init_data init = { .size = sizeof(init) };
	const char *const *hwid;
	u32 n = 0, npci = 0, nvirt = 0, align;
	struct streamclass_minidriver *md;

	if (!drv || !hw || !hw->HwReceivePacket ||
	    hw->HwInitializationDataSize < offsetof(HW_INITIALIZATION_DATA, NumNameExtensions))
		return STATUS_INVALID_PARAMETER;
	if (drv->registered || drv->ids)
		return STATUS_INVALID_DEVICE_REQUEST;
	memcpy(&drv->hw, hw, min_t(size_t, hw->HwInitializationDataSize, sizeof(drv->hw)));
	if (drv->hw.FilterInstanceExtensionSize)
		pr_warn("streamclass: %s: filter instances are not supported: one per device\n",
			d->Name);

	/* BufferAlignment is a mask (3: four bytes), the class takes a power of two. */
	align = drv->hw.BufferAlignment ? drv->hw.BufferAlignment + 1 : 0;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return STATUS_INVALID_PARAMETER;
	init.device_extension_size = STRMINI_DEVICE_HEAD + drv->hw.DeviceExtensionSize;
	init.per_request_extension_size = STRMINI_SRB_HEAD + drv->hw.PerRequestExtensionSize;
	init.per_stream_extension_size = STRMINI_STREAM_HEAD + drv->hw.PerStreamExtensionSize;
	init.dma_buffer_size = drv->hw.DmaBufferSize;
	init.buffer_alignment = align;
	init.bus_master_dma = drv->hw.BusMasterDMA;
	init.dma_24bit_addresses = drv->hw.Dma24BitAddresses;
	init.hw_receive_packet = drv->glue->receive_packet;
	init.hw_interrupt = drv->hw.HwInterrupt ? drv->glue->interrupt : NULL;
	init.hw_cancel_packet = drv->glue->cancel_packet;
	init.hw_request_timeout_handler = drv->glue->request_timeout;
	init.turn_off_synchronization = drv->hw.TurnOffSynchronization;

	for (hwid = d->HardwareIds; hwid && *hwid; hwid++)
		n++;
	if (!n)
		return STATUS_INVALID_PARAMETER;
	drv->ids = kcalloc(n + 1, sizeof(*drv->ids), GFP_KERNEL);
	if (!drv->ids)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (hwid = d->HardwareIds; *hwid; hwid++) {
		int kind = strmini_pci_id(*hwid, &drv->ids[npci]);

		if (kind < 0)
			return STATUS_INVALID_PARAMETER;
		if (kind)
			npci++;
		else
			nvirt++;
	}
	/* The table ends with a zeroed entry. */
	memset(&drv->ids[npci], 0, sizeof(drv->ids[npci]));
	if (npci) {
		md = __streamclass_register_minidriver(d->Name, drv->ids, &init, d->Owner);
		if (IS_ERR(md))
			return strmini_ntstatus(PTR_ERR(md));
		drv->pci = md;
	}
	if (nvirt) {
		md = __streamclass_register_virtual_minidriver(d->Name,
							       min_t(u32, nvirt, 16), &init,
							       d->Owner);
		if (IS_ERR(md))
			return strmini_ntstatus(PTR_ERR(md));
		drv->virt = md;
	}
	drv->registered = true;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(StreamClassRegisterAdapter, "STREAMCLASS");

int streamclass_strmini_load(PDRIVER_OBJECT DriverObject,
			     const struct streamclass_strmini_glue *glue,
			     NTSTATUS (*entry)(PDRIVER_OBJECT, PUNICODE_STRING))
{
	static UNICODE_STRING registry_path;
	struct strmini_driver *drv;
	NTSTATUS status;

	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->glue = glue;
	DriverObject->Compat = drv;
	status = entry(DriverObject, &registry_path);
	if (NT_SUCCESS(status) && drv->registered)
		return 0;
	pr_err("streamclass: %s: DriverEntry returned %#x%s\n", DriverObject->Name, status,
	       drv->registered ? "" : " without registering");
	streamclass_strmini_unload(DriverObject);
	return NT_SUCCESS(status) ? -ENODEV : -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_load, "STREAMCLASS");

void streamclass_strmini_unload(PDRIVER_OBJECT DriverObject)
{
	struct strmini_driver *drv = DriverObject->Compat;

	if (!drv)
		return;
	streamclass_unregister_minidriver(drv->virt);
	streamclass_unregister_minidriver(drv->pci);
	kfree(drv->ids);
	kfree(drv);
	DriverObject->Compat = NULL;
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_unload, "STREAMCLASS");

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
	case HardwareStarved:
		/* The class sends every queued buffer at once. */
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
	/* Completion implies readiness for the next request here. */
	strmini_complete(strmini_srb_of(Srb));
}
EXPORT_SYMBOL_NS_GPL(StreamClassCompleteRequestAndMarkQueueReady, "STREAMCLASS");

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
	spin_unlock_irqrestore(&dev->lock, flags);
	/* The class completes them: the minidriver must forget them. */
	list_for_each_entry_safe(s, next, &abort, node) {
		list_del_init(&s->node);
		s->w.Status = Status;
		strmini_finish(s);
	}
}
EXPORT_SYMBOL_NS_GPL(StreamClassAbortOutstandingRequests, "STREAMCLASS");

/* Buffers, timers, priorities, clocks, configuration space. */

PVOID StreamClassGetDmaBuffer(PVOID HwDeviceExtension)
{
	return streamclass_get_dma_buffer(strmini_device_of(HwDeviceExtension));
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetDmaBuffer, "STREAMCLASS");

STREAM_PHYSICAL_ADDRESS StreamClassGetPhysicalAddress(PVOID HwDeviceExtension,
						      PHW_STREAM_REQUEST_BLOCK HwSRB,
						      PVOID VirtualAddress,
						      STREAM_BUFFER_TYPE Type, ULONG *Length)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	struct streamclass_srb *sc = HwSRB ? strmini_srb_of(HwSRB)->sc : NULL;
	STREAM_PHYSICAL_ADDRESS pa = { .QuadPart = 0 };
	enum streamclass_buffer_type type;

	switch (Type) {
	case PerRequestExtension:
		type = STREAMCLASS_PER_REQUEST_EXTENSION;
		break;
	case DmaBuffer:
		type = STREAMCLASS_DMA_BUFFER;
		break;
	case SRBDataBuffer:
		type = STREAMCLASS_SRB_DATA_BUFFER;
		break;
	default:
		if (Length)
			*Length = 0;
		return pa;
	}
	pa.QuadPart = streamclass_get_physical_address(dev, sc, VirtualAddress, type, Length);
	return pa;
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetPhysicalAddress, "STREAMCLASS");

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

BOOLEAN StreamClassReadWriteConfig(PVOID HwDeviceExtension, BOOLEAN Read, PVOID Buffer,
				   ULONG Offset, ULONG Length)
{
	struct strmini_device *dev = strmini_device_of(HwDeviceExtension);
	u8 *b = Buffer;
	ULONG i;

	if (!dev || !dev->pdev || !Buffer)
		return FALSE;
	for (i = 0; i < Length; i++) {
		int err = Read ? pci_read_config_byte(dev->pdev, Offset + i, &b[i]) :
				 pci_write_config_byte(dev->pdev, Offset + i, b[i]);

		if (err)
			return FALSE;
	}
	return TRUE;
}
EXPORT_SYMBOL_NS_GPL(StreamClassReadWriteConfig, "STREAMCLASS");

/* Debugging. */

VOID StreamClassDebugPrint(STREAM_DEBUG_LEVEL DebugPrintLevel, PCCHAR DebugMessage, ...)
{
	struct va_format vaf;
	va_list ap;

	/* Trace and Verbose are dropped, as in a free build. */
	if (DebugPrintLevel > DebugLevelInfo)
		return;
	va_start(ap, DebugMessage);
	vaf.fmt = DebugMessage;
	vaf.va = &ap;
	switch (DebugPrintLevel) {
	case DebugLevelFatal:
	case DebugLevelError:
		pr_err("%pV", &vaf);
		break;
	case DebugLevelWarning:
		pr_warn("%pV", &vaf);
		break;
	default:
		pr_info("%pV", &vaf);
	}
	va_end(ap);
}
EXPORT_SYMBOL_NS_GPL(StreamClassDebugPrint, "STREAMCLASS");

VOID StreamClassDebugAssert(PCHAR File, ULONG Line, PCHAR AssertText, ULONG AssertValue)
{
	WARN(1, "streamclass: assertion failed at %s:%u: %s\n", File, Line, AssertText);
}
EXPORT_SYMBOL_NS_GPL(StreamClassDebugAssert, "STREAMCLASS");

/* What the class does not offer: a status, and one line in the log. */

VOID StreamClassReenumerateStreams(PVOID HwDeviceExtension, ULONG StreamDescriptorSize)
{
	pr_warn_once("streamclass: StreamClassReenumerateStreams: not supported (streams are fixed at probe)\n");
}
EXPORT_SYMBOL_NS_GPL(StreamClassReenumerateStreams, "STREAMCLASS");

VOID StreamClassFilterReenumerateStreams(PVOID HwInstanceExtension, ULONG StreamDescriptorSize)
{
	pr_warn_once("streamclass: StreamClassFilterReenumerateStreams: not supported (no filter instances)\n");
}
EXPORT_SYMBOL_NS_GPL(StreamClassFilterReenumerateStreams, "STREAMCLASS");

PKSEVENT_ENTRY StreamClassGetNextEvent(PVOID HwInstanceExtension_OR_HwDeviceExtension,
				       PHW_STREAM_OBJECT HwStreamObject, GUID *EventGuid,
				       ULONG EventItem, PKSEVENT_ENTRY CurrentEvent)
{
	pr_warn_once("streamclass: StreamClassGetNextEvent: no events are supported: NULL\n");
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(StreamClassGetNextEvent, "STREAMCLASS");

NTSTATUS StreamClassRegisterFilterWithNoKSPins(PDEVICE_OBJECT DeviceObject,
					       const GUID *InterfaceClassGUID, ULONG PinCount,
					       BOOL *PinDirection, KSPIN_MEDIUM *MediumList,
					       GUID *CategoryList)
{
	pr_warn_once("streamclass: StreamClassRegisterFilterWithNoKSPins: not supported: STATUS_NOT_SUPPORTED\n");
	return STATUS_NOT_SUPPORTED;
}
EXPORT_SYMBOL_NS_GPL(StreamClassRegisterFilterWithNoKSPins, "STREAMCLASS");
