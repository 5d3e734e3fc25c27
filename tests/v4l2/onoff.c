// SPDX-License-Identifier: GPL-2.0
/*
 * STREAMON/STREAMOFF rounds on a streamclass V4L2 node, from userspace: run
 * in the test VM (tests/scenarios/stream), built static on the host by
 * scripts/run-vm.sh. One process does what N runs of
 * `v4l2-ctl --stream-mmap=2 --stream-count=FRAMES` do, without paying for N
 * process starts under TCG:
 *
 *   onoff DEV N [FRAMES]
 *
 * Each round opens DEV, allocates and maps two MMAP buffers, queues them,
 * STREAMON, waits (poll) for each of FRAMES frames (1 or 2; default 1) and
 * dequeues it (no error flag, some bytes), STREAMOFF, unmaps, frees the
 * buffers (REQBUFS 0) and closes.
 * Prints the first failing round and step; exits 0 when all N rounds pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

#define NBUF 2

static int fail(int round, const char *what)
{
	printf("round %d: %s: %s\n", round, what, strerror(errno));
	return 1;
}

static int one_round(const char *dev, int round, int frames)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP, .count = NBUF };
	struct v4l2_buffer b;
	void *map[NBUF];
	size_t len[NBUF];
	struct pollfd pfd;
	unsigned int i;
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		return fail(round, "open");
	if (ioctl(fd, VIDIOC_REQBUFS, &rb) < 0)
		return fail(round, "REQBUFS");
	if (rb.count != NBUF) {
		printf("round %d: REQBUFS gave %u buffers, %d asked\n", round, rb.count, NBUF);
		return 1;
	}
	for (i = 0; i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (ioctl(fd, VIDIOC_QUERYBUF, &b) < 0)
			return fail(round, "QUERYBUF");
		len[i] = b.length;
		map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (map[i] == MAP_FAILED)
			return fail(round, "mmap");
		if (ioctl(fd, VIDIOC_QBUF, &b) < 0)
			return fail(round, "QBUF");
	}
	if (ioctl(fd, VIDIOC_STREAMON, &type) < 0)
		return fail(round, "STREAMON");
	for (i = 0; i < (unsigned int)frames; i++) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) != 1)
			return fail(round, "poll for a frame (10 s)");
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		if (ioctl(fd, VIDIOC_DQBUF, &b) < 0)
			return fail(round, "DQBUF");
		if ((b.flags & V4L2_BUF_FLAG_ERROR) || !b.bytesused) {
			printf("round %d: frame flags %#x, %u bytes\n", round, b.flags, b.bytesused);
			return 1;
		}
	}
	if (ioctl(fd, VIDIOC_STREAMOFF, &type) < 0)
		return fail(round, "STREAMOFF");
	for (i = 0; i < NBUF; i++)
		munmap(map[i], len[i]);
	rb.count = 0;
	if (ioctl(fd, VIDIOC_REQBUFS, &rb) < 0)
		return fail(round, "REQBUFS 0");
	if (close(fd) < 0)
		return fail(round, "close");
	return 0;
}

int main(int argc, char **argv)
{
	int n, i, frames = argc == 4 ? atoi(argv[3]) : 1;

	if (argc < 3 || argc > 4 || (n = atoi(argv[2])) < 1 || frames < 1 || frames > NBUF) {
		fprintf(stderr, "usage: %s DEV N [FRAMES: 1 to %d]\n", argv[0], NBUF);
		return 2;
	}
	for (i = 0; i < n; i++)
		if (one_round(argv[1], i, frames))
			return 1;
	printf("%d rounds: STREAMON, %d frame(s), STREAMOFF\n", n, frames);
	return 0;
}
