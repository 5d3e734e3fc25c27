// SPDX-License-Identifier: GPL-2.0
/*
 * Streams N frames from a streamclass V4L2 node through two MMAP buffers
 * that take turns, and checks each one as it is dequeued: run in the test
 * VM (tests/scenarios/srb), built static on the host by scripts/run-vm.sh.
 *
 *   frames DEV N
 *
 * Each frame dequeued must carry no error flag, a full image (bytesused is
 * the format's sizeimage) and the sequence after the one before (the
 * minidriver numbers its frames from 0 at each start). Then STREAMOFF,
 * REQBUFS 0 and close. Prints the first bad frame, or a summary; exits 0
 * when all N are good.
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

static int fail(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP, .count = NBUF };
	struct v4l2_format fmt = { .type = type };
	struct v4l2_buffer b;
	struct pollfd pfd;
	void *map[NBUF];
	size_t len[NBUF];
	int fd, n, i;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s DEV N\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return fail("open");
	if (ioctl(fd, VIDIOC_G_FMT, &fmt) < 0)
		return fail("G_FMT");
	if (ioctl(fd, VIDIOC_REQBUFS, &rb) < 0)
		return fail("REQBUFS");
	if (rb.count != NBUF) {
		printf("REQBUFS gave %u buffers, %d asked\n", rb.count, NBUF);
		return 1;
	}
	for (i = 0; i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		if (ioctl(fd, VIDIOC_QUERYBUF, &b) < 0)
			return fail("QUERYBUF");
		len[i] = b.length;
		map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (map[i] == MAP_FAILED)
			return fail("mmap");
		if (ioctl(fd, VIDIOC_QBUF, &b) < 0)
			return fail("QBUF");
	}
	if (ioctl(fd, VIDIOC_STREAMON, &type) < 0)
		return fail("STREAMON");
	for (i = 0; i < n; i++) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10000) != 1)
			return fail("poll for a frame (10 s)");
		memset(&b, 0, sizeof(b));
		b.type = type;
		b.memory = V4L2_MEMORY_MMAP;
		if (ioctl(fd, VIDIOC_DQBUF, &b) < 0)
			return fail("DQBUF");
		if ((b.flags & V4L2_BUF_FLAG_ERROR) || b.bytesused != fmt.fmt.pix.sizeimage ||
		    b.sequence != (unsigned int)i) {
			printf("frame %d (buffer %u): flags %#x, %u bytes of %u, sequence %u\n", i,
			       b.index, b.flags, b.bytesused, fmt.fmt.pix.sizeimage, b.sequence);
			return 1;
		}
		if (ioctl(fd, VIDIOC_QBUF, &b) < 0)
			return fail("QBUF again");
	}
	if (ioctl(fd, VIDIOC_STREAMOFF, &type) < 0)
		return fail("STREAMOFF");
	for (i = 0; i < NBUF; i++)
		munmap(map[i], len[i]);
	rb.count = 0;
	if (ioctl(fd, VIDIOC_REQBUFS, &rb) < 0)
		return fail("REQBUFS 0");
	if (close(fd) < 0)
		return fail("close");
	printf("%d frames of %u bytes, each whole and in sequence\n", n, fmt.fmt.pix.sizeimage);
	return 0;
}
