// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: formats, the stream table and data intersection.
 */
#include <linux/gcd.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/videodev2.h>
#include "strmini_internal.h"

/* Formats: KS_DATARANGE_VIDEO and KS_DATAFORMAT_VIDEOINFOHEADER <-> V4L2. */

/*
 * A video subtype and its V4L2 pixel format. Windows' RGB subtypes are
 * little-endian DIB pixels: RGB24 is B, G, R in memory (BGR24), RGB32
 * B, G, R, X (XBGR32), RGB565 and RGB555 16-bit words with red in the high
 * bits (RGB565, XRGB555). Their lines are DWORD-aligned and, with a
 * positive biHeight, bottom-up; a YUV image is top-down whatever the sign.
 */
struct strmini_subtype {
	const GUID *guid;
	const char *name;
	u32 pixelformat;
	u8 bits;	/* biBitCount */
	bool rgb;	/* a DIB: bottom-up with a positive biHeight */
};

static const struct strmini_subtype strmini_subtypes[] = {
	{ &KSDATAFORMAT_SUBTYPE_YUY2, "YUY2", V4L2_PIX_FMT_YUYV, 16 },
	{ &KSDATAFORMAT_SUBTYPE_UYVY, "UYVY", V4L2_PIX_FMT_UYVY, 16 },
	{ &KSDATAFORMAT_SUBTYPE_YVYU, "YVYU", V4L2_PIX_FMT_YVYU, 16 },
	{ &KSDATAFORMAT_SUBTYPE_NV12, "NV12", V4L2_PIX_FMT_NV12, 12 },
	{ &KSDATAFORMAT_SUBTYPE_YV12, "YV12", V4L2_PIX_FMT_YVU420, 12 },
	{ &KSDATAFORMAT_SUBTYPE_IYUV, "IYUV", V4L2_PIX_FMT_YUV420, 12 },
	{ &KSDATAFORMAT_SUBTYPE_I420, "I420", V4L2_PIX_FMT_YUV420, 12 },
	{ &KSDATAFORMAT_SUBTYPE_Y41P, "Y41P", V4L2_PIX_FMT_Y41P, 12 },
	{ &KSDATAFORMAT_SUBTYPE_YVU9, "YVU9", V4L2_PIX_FMT_YVU410, 9 },
	{ &KSDATAFORMAT_SUBTYPE_Y8, "Y8", V4L2_PIX_FMT_GREY, 8 },
	{ &KSDATAFORMAT_SUBTYPE_Y800, "Y800", V4L2_PIX_FMT_GREY, 8 },
	{ &KSDATAFORMAT_SUBTYPE_RGB24, "RGB24", V4L2_PIX_FMT_BGR24, 24, true },
	{ &KSDATAFORMAT_SUBTYPE_RGB32, "RGB32", V4L2_PIX_FMT_XBGR32, 32, true },
	{ &KSDATAFORMAT_SUBTYPE_RGB565, "RGB565", V4L2_PIX_FMT_RGB565, 16, true },
	{ &KSDATAFORMAT_SUBTYPE_RGB555, "RGB555", V4L2_PIX_FMT_XRGB555, 16, true },
};

static const struct strmini_subtype *strmini_subtype(const GUID *subtype)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(strmini_subtypes); i++)
		if (IsEqualGUID(subtype, strmini_subtypes[i].guid))
			return &strmini_subtypes[i];
	return NULL;
}

/* Bytes per line and image size of a w x h image of a subtype. */
static void strmini_geometry(const struct strmini_subtype *t, u32 w, u32 h, u32 *bpl,
			     u32 *size)
{
	switch (t->pixelformat) {
	case V4L2_PIX_FMT_NV12:
	case V4L2_PIX_FMT_YVU420:
	case V4L2_PIX_FMT_YUV420:
		/* A w-byte Y plane, then h/2 lines of w/2 (or w for NV12). */
		*bpl = w;
		*size = w * h + 2 * DIV_ROUND_UP(w, 2) * DIV_ROUND_UP(h, 2);
		return;
	case V4L2_PIX_FMT_YVU410:
		*bpl = w;
		*size = w * h + 2 * DIV_ROUND_UP(w, 4) * DIV_ROUND_UP(h, 4);
		return;
	case V4L2_PIX_FMT_Y41P:
		/* 8 pixels in 12 bytes. */
		*bpl = DIV_ROUND_UP(w, 8) * 12;
		break;
	default:
		*bpl = t->rgb ? ALIGN(w * t->bits / 8, 4) : w * t->bits / 8;
	}
	*size = *bpl * h;
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
bool strmini_format(const KSDATAFORMAT *f, const KS_VIDEOINFOHEADER *vih,
			   struct streamclass_format *out)
{
	const KS_BITMAPINFOHEADER *bmi = &vih->bmiHeader;
	const struct strmini_subtype *t = strmini_subtype(&f->SubFormat);
	s64 avg = vih->AvgTimePerFrame;
	u32 w, h, bpl, size;

	if (!t || !IsEqualGUID(&f->MajorFormat, &KSDATAFORMAT_TYPE_VIDEO) ||
	    !IsEqualGUID(&f->Specifier, &KSDATAFORMAT_SPECIFIER_VIDEOINFO))
		return false;
	if (bmi->biWidth <= 0 || bmi->biWidth > 16384 || bmi->biHeight == 0 ||
	    bmi->biHeight < -16384 || bmi->biHeight > 16384 || avg <= 0 ||
	    avg > 100 * STRMINI_KS_UNITS_PER_S)
		return false;
	if (t->rgb && bmi->biHeight > 0)
		return false;
	/* biBitCount must be the subtype's (0: not given). */
	if (bmi->biBitCount && bmi->biBitCount != t->bits)
		return false;
	w = bmi->biWidth;
	h = abs(bmi->biHeight);
	strmini_geometry(t, w, h, &bpl, &size);
	if (bmi->biSizeImage > size)
		size = bmi->biSizeImage;
	*out = (struct streamclass_format) {
		.pixelformat = t->pixelformat,
		.width = w,
		.height = h,
		.bytesperline = bpl,
		.sizeimage = size,
	};
	strmini_interval(avg, out);
	return true;
}

/*
 * A range the layer leaves out: a bottom-up RGB one gets its own line,
 * naming it (a DIB's default layout, which V4L2 has not); others the
 * generic one.
 */
static void strmini_format_refused(struct strmini_device *dev, u32 stream, u32 index,
				   const KSDATAFORMAT *f)
{
	const KS_DATARANGE_VIDEO *r = (const void *)f;
	const struct strmini_subtype *t;

	if (f && f->FormatSize >= sizeof(KS_DATARANGE_VIDEO) &&
	    IsEqualGUID(&f->MajorFormat, &KSDATAFORMAT_TYPE_VIDEO)) {
		t = strmini_subtype(&f->SubFormat);
		if (t && t->rgb && r->VideoInfoHeader.bmiHeader.biHeight > 0) {
			dev_warn(dev->dev,
				 "stream %u: format %u (%s %dx%d) is bottom-up (positive biHeight): not offered; declare it top-down (negative biHeight)\n",
				 stream, index, t->name, r->VideoInfoHeader.bmiHeader.biWidth,
				 r->VideoInfoHeader.bmiHeader.biHeight);
			return;
		}
	}
	dev_info(dev->dev, "stream %u: format %u is not a video format here\n", stream, index);
}

/* The index in dev->formats of one of a stream's described formats, or -1. */
int strmini_format_index(struct strmini_device *dev, u32 stream,
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
int strmini_format_match(struct strmini_device *dev, u32 stream,
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

/* The stream table (HW_STREAM_DESCRIPTOR) as the class's stream info. */
NTSTATUS strmini_stream_info(struct strmini_device *dev, struct streamclass_stream_info *out)
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
				strmini_format_refused(dev, s, i, f);
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

/*
 * SRB_GET_DATA_INTERSECTION's STREAM_DATA_INTERSECT_INFO: the stream's first
 * range of the asked pixel format (else its first range), at the asked size.
 */
int strmini_intersection(struct strmini_srb *s)
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
