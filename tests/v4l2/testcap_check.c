// SPDX-License-Identifier: GPL-2.0
/*
 * Check the software capture sample's frames by value: run in the test VM
 * (tests/scenarios/testcap), built static on the host by scripts/run-vm.sh.
 *
 *   testcap_check DEV FOURCC WIDTH HEIGHT FPS N [OUT]
 *
 * Sets the format (YUYV or RGB3) and frame rate, streams N frames by mmap
 * and checks each one against what samples/streamclass_testcap.rs
 * promises, computed here independently (floating point):
 * - the centre of each of the eight 75% SMPTE bars (R'G'B' 191/0, or its
 *   BT.601 limited-range Y'CbCr) within 2 of the expected value;
 * - the frame number drawn in the bottom band equals the buffer's
 *   sequence, and the sequence strictly increases;
 * - the moving marker is where the frame number puts it.
 * - the timestamp is CLOCK_MONOTONIC's (the buffer says so) and lies in
 *   the 2 s before the DQBUF that returned it, by this process's own
 *   reading of that clock.
 * Then the mean timestamp step per sequence number, against the frame
 * interval: printed, and, for N of 30 or more, checked within 10%. The
 * sample's timer keeps absolute due times and stamps each frame with the
 * stream clock at its tick, so the mean's error is the difference of the
 * first and the last tick's latencies over the whole span: 3 s of frames
 * (90 at 1/30, 45 at 1/15) allow 300 ms, which only a guest descheduled
 * that long would exceed; here the error was under 0.3%.
 * OUT, when given, receives the last frame (for the demo). Exit status 0
 * when all holds.
 *
 *   testcap_check red FILE WIDTH HEIGHT X Y
 *
 * Prints the red value of pixel (X, Y) of each RGB24 frame of WIDTH x HEIGHT
 * in FILE, one frame after the other on one line: what a shell loop of od
 * would give, in one process (a process start costs about 0.1 s under TCG).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>

#define NBUF 4

static const int bars[8][3] = {
	{ 191, 191, 191 }, { 191, 191, 0 }, { 0, 191, 191 }, { 0, 191, 0 },
	{ 191, 0, 191 }, { 191, 0, 0 }, { 0, 0, 191 }, { 0, 0, 0 },
};

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
	return r;
}

/* BT.601, limited range, from 8-bit R'G'B'. */
static void to_ycbcr(const int rgb[3], int out[3])
{
	double r = rgb[0] / 255.0, g = rgb[1] / 255.0, b = rgb[2] / 255.0;
	double y = 0.299 * r + 0.587 * g + 0.114 * b;

	out[0] = (int)lround(16 + 219 * y);
	out[1] = (int)lround(128 + 224 * (b - y) / 1.772);
	out[2] = (int)lround(128 + 224 * (r - y) / 1.402);
}

struct fmt {
	int yuyv;
	unsigned int w, h, pitch;
};

/* The colour at (x, y): R'G'B', or Y'CbCr of the pair x belongs to. */
static void pixel(const struct fmt *f, const unsigned char *p, unsigned int x, unsigned int y,
		  int out[3])
{
	const unsigned char *row = p + (size_t)y * f->pitch;

	if (f->yuyv) {
		const unsigned char *q = row + (x & ~1u) * 2;

		out[0] = q[(x & 1) * 2];
		out[1] = q[1];
		out[2] = q[3];
	} else {
		out[0] = row[x * 3];
		out[1] = row[x * 3 + 1];
		out[2] = row[x * 3 + 2];
	}
}

static int is_white(const struct fmt *f, const int c[3])
{
	return f->yuyv ? c[0] > 200 : c[0] > 200 && c[1] > 200 && c[2] > 200;
}

/* 0, or 1 with a message on stderr. */
static int check_frame(const struct fmt *f, const unsigned char *p, unsigned int seq)
{
	unsigned int i, n = 0, cell = f->w / 32, marker = (f->w / 16) & ~1u;
	unsigned int x0 = (unsigned int)((unsigned long long)seq * 4 % (f->w - marker)) & ~1u;
	int c[3], want[3], k;

	for (i = 0; i < 8; i++) {
		pixel(f, p, (2 * i + 1) * f->w / 16, f->h * 3 / 8, c);
		if (f->yuyv)
			to_ycbcr(bars[i], want);
		else
			memcpy(want, bars[i], sizeof(want));
		for (k = 0; k < 3; k++) {
			if (abs(c[k] - want[k]) > 2) {
				fprintf(stderr, "frame %u: bar %u is %d/%d/%d, not %d/%d/%d\n", seq, i,
					c[0], c[1], c[2], want[0], want[1], want[2]);
				return 1;
			}
		}
	}
	for (i = 0; i < 32; i++) {
		pixel(f, p, i * cell + cell / 2, f->h * 15 / 16, c);
		n |= (unsigned int)is_white(f, c) << i;
	}
	if (n != seq) {
		fprintf(stderr, "frame with sequence %u shows frame number %u\n", seq, n);
		return 1;
	}
	pixel(f, p, x0 + marker / 2, f->h * 13 / 16, c);
	if (!is_white(f, c)) {
		fprintf(stderr, "frame %u: no marker at x %u\n", seq, x0 + marker / 2);
		return 1;
	}
	pixel(f, p, (x0 + marker + f->w / 4) % f->w, f->h * 13 / 16, c);
	if (is_white(f, c) && marker < f->w / 4) {
		fprintf(stderr, "frame %u: marker band white away from the marker\n", seq);
		return 1;
	}
	return 0;
}

/* The "red" mode above. */
static int red(const char *file, long w, long h, long x, long y)
{
	long frame = w * h * 3, at = y * w * 3 + x * 3;
	unsigned char *buf;
	FILE *f = fopen(file, "rb");

	if (!f || w < 1 || h < 1 || x < 0 || x >= w || y < 0 || y >= h) {
		fprintf(stderr, "%s: cannot read, or the pixel is outside the frame\n", file);
		return 2;
	}
	buf = malloc(frame);
	if (!buf)
		return 1;
	while (fread(buf, 1, frame, f) == (size_t)frame)
		printf(" %u", buf[at]);
	printf("\n");
	free(buf);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP, .count = NBUF };
	struct v4l2_streamparm parm = { .type = type };
	struct v4l2_format f = { .type = type };
	double first_ts = 0, last_ts = 0, interval, step;
	unsigned int first_seq = 0, last_seq = 0, i;
	int fd, n, got = 0, bad = 0;
	void *map[NBUF];
	struct fmt fm;
	FILE *out = NULL;

	if (argc == 7 && !strcmp(argv[1], "red"))
		return red(argv[2], atol(argv[3]), atol(argv[4]), atol(argv[5]), atol(argv[6]));
	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: %s DEV FOURCC WIDTH HEIGHT FPS N [OUT]\n"
			"       %s red FILE WIDTH HEIGHT X Y\n", argv[0], argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	f.fmt.pix.pixelformat = v4l2_fourcc(argv[2][0], argv[2][1], argv[2][2], argv[2][3]);
	f.fmt.pix.width = atoi(argv[3]);
	f.fmt.pix.height = atoi(argv[4]);
	if (xioctl(fd, VIDIOC_S_FMT, &f, "VIDIOC_S_FMT"))
		return 1;
	if (f.fmt.pix.pixelformat != v4l2_fourcc(argv[2][0], argv[2][1], argv[2][2], argv[2][3]) ||
	    f.fmt.pix.width != (unsigned int)atoi(argv[3]) ||
	    f.fmt.pix.height != (unsigned int)atoi(argv[4])) {
		fprintf(stderr, "S_FMT gave %ux%u\n", f.fmt.pix.width, f.fmt.pix.height);
		return 1;
	}
	fm.yuyv = f.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV;
	fm.w = f.fmt.pix.width;
	fm.h = f.fmt.pix.height;
	fm.pitch = f.fmt.pix.bytesperline;
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = atoi(argv[5]);
	if (xioctl(fd, VIDIOC_S_PARM, &parm, "VIDIOC_S_PARM"))
		return 1;
	interval = (double)parm.parm.capture.timeperframe.numerator /
		   parm.parm.capture.timeperframe.denominator;
	if (parm.parm.capture.timeperframe.denominator != (unsigned int)atoi(argv[5])) {
		fprintf(stderr, "S_PARM gave %u/%u\n", parm.parm.capture.timeperframe.numerator,
			parm.parm.capture.timeperframe.denominator);
		return 1;
	}
	n = atoi(argv[6]);
	if (argc == 8) {
		out = fopen(argv[7], "w");
		if (!out) {
			perror(argv[7]);
			return 1;
		}
	}
	if (xioctl(fd, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS") || rb.count < 2)
		return 1;
	for (i = 0; i < rb.count && i < NBUF; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(fd, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return 1;
		map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (map[i] == MAP_FAILED || xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type, "VIDIOC_STREAMON"))
		return 1;
	while (got < n) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };
		struct timespec now;
		double ts, at;

		if (xioctl(fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF"))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		at = now.tv_sec + now.tv_nsec / 1e9;
		ts = b.timestamp.tv_sec + b.timestamp.tv_usec / 1e6;
		if ((b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ||
		    ts > at || at - ts > 2.0) {
			fprintf(stderr, "buffer %u: timestamp %.6f s (flags %#x), dequeued at %.6f s (CLOCK_MONOTONIC)\n",
				b.index, ts, b.flags, at);
			bad++;
		}
		if (b.flags & V4L2_BUF_FLAG_ERROR || b.bytesused != f.fmt.pix.sizeimage) {
			fprintf(stderr, "buffer %u: flags %#x, %u bytes\n", b.index, b.flags,
				b.bytesused);
			bad++;
		} else {
			if (got && b.sequence <= last_seq) {
				fprintf(stderr, "sequence %u after %u\n", b.sequence, last_seq);
				bad++;
			}
			bad += check_frame(&fm, map[b.index], b.sequence);
			if (!got) {
				first_seq = b.sequence;
				first_ts = ts;
			}
			last_seq = b.sequence;
			last_ts = ts;
			if (out && got == n - 1)
				fwrite(map[b.index], 1, f.fmt.pix.sizeimage, out);
		}
		got++;
		if (got < n && xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	xioctl(fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF");
	if (out)
		fclose(out);
	if (last_seq == first_seq) {
		fprintf(stderr, "one sequence number only\n");
		return 1;
	}
	step = (last_ts - first_ts) / (last_seq - first_seq);
	printf("%s %ux%u at 1/%s s: %d frames, sequence %u..%u (%u dropped), mean timestamp step %.2f ms for %.2f ms, %d bad\n",
	       argv[2], fm.w, fm.h, argv[5], got, first_seq, last_seq,
	       last_seq - first_seq + 1 - got, step * 1e3, interval * 1e3, bad);
	if (got >= 30 && fabs(step - interval) > interval / 10) {
		fprintf(stderr, "mean timestamp step %.2f ms, not %.2f ms within 10%%\n", step * 1e3,
			interval * 1e3);
		bad++;
	}
	return bad ? 1 : 0;
}
