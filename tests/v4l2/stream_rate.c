// SPDX-License-Identifier: GPL-2.0
/*
 * The streaming benchmark's measurement: run in the bench VM
 * (tests/scenarios/bench), built static on the host by scripts/run-vm.sh.
 *
 *   stream_rate DEV N [FOURCC WIDTH HEIGHT]
 *
 * Sets YUYV 320x240 (or the format given), allocates 4 MMAP buffers (never
 * touched by the CPU),
 * queues them, streams, and times N rounds of DQBUF + QBUF: prints
 * "FPS CPU_NS", the frames a second (wall clock, CLOCK_MONOTONIC) and
 * the CPU time of this process (user and system, getrusage) a frame. The
 * nodes it measures complete each buffer inside QBUF, so their work is
 * this process's system time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/videodev2.h>

#define NBUF 4

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
	return r;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
	       (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP, .count = NBUF };
	struct v4l2_format f = { .type = type };
	struct v4l2_pix_format want;
	double t0, c0, t1, c1;
	unsigned int i;
	int fd, n, k;

	if (argc != 3 && argc != 6) {
		fprintf(stderr, "usage: %s DEV N [FOURCC WIDTH HEIGHT]\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || n < 1) {
		perror(argv[1]);
		return 1;
	}
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	f.fmt.pix.width = 320;
	f.fmt.pix.height = 240;
	if (argc == 6) {
		f.fmt.pix.pixelformat = v4l2_fourcc(argv[3][0], argv[3][1], argv[3][2], argv[3][3]);
		f.fmt.pix.width = atoi(argv[4]);
		f.fmt.pix.height = atoi(argv[5]);
	}
	want = f.fmt.pix;
	if (xioctl(fd, VIDIOC_S_FMT, &f, "VIDIOC_S_FMT") ||
	    f.fmt.pix.pixelformat != want.pixelformat || f.fmt.pix.width != want.width ||
	    f.fmt.pix.height != want.height ||
	    xioctl(fd, VIDIOC_REQBUFS, &rb, "VIDIOC_REQBUFS") || rb.count != NBUF)
		return 1;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type, "VIDIOC_STREAMON"))
		return 1;
	t0 = now();
	c0 = cpu();
	for (k = 0; k < n; k++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };

		if (xioctl(fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF"))
			return 1;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			fprintf(stderr, "buffer %u: error\n", b.index);
			return 1;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	t1 = now();
	c1 = cpu();
	xioctl(fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF");
	printf("%.2f %.0f\n", n / (t1 - t0), (c1 - c0) * 1e9 / n);
	return 0;
}
