// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to a streamclass V4L2 node, from userspace: run in the test VM
 * (tests/scenarios/stream), built static on the host by scripts/run-vm.sh.
 *
 *   bad_input abuse DEV    every bad request below gets its errno, the node
 *                          still streams afterwards, and a file closed
 *                          while streaming frees the queue
 *   bad_input gone DEV     holds the node open with two buffers allocated
 *                          (not mapped: a mapping would keep memory of the
 *                          device past its unbind), says "holding", waits
 *                          for stdin to close (the device is unbound
 *                          meanwhile), then expects -ENODEV
 *
 * Each check prints "ok: ..." or "FAIL: ..."; the exit status is the
 * number of failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/videodev2.h>

static int failures;

static void expect(const char *what, int ret, int want_errno)
{
	int got = ret < 0 ? errno : 0;

	if (got == want_errno) {
		printf("ok: %s: %s\n", what, want_errno ? strerror(want_errno) : "success");
	} else {
		printf("FAIL: %s: %s, %s expected\n", what, got ? strerror(got) : "success",
		       want_errno ? strerror(want_errno) : "success");
		failures++;
	}
}

static int reqbufs(int fd, unsigned int count, unsigned int memory, struct v4l2_requestbuffers *rb)
{
	memset(rb, 0, sizeof(*rb));
	rb->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	rb->memory = memory;
	rb->count = count;
	return ioctl(fd, VIDIOC_REQBUFS, rb);
}

static int buf(int fd, unsigned long req, unsigned int index, unsigned int memory)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
		.index = index,
	};

	return ioctl(fd, req, &b);
}

static int abuse(const char *dev)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb;
	struct v4l2_buffer qb = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int fd = open(dev, O_RDWR), fd2;
	unsigned int i;
	void *p;

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	expect("REQBUFS count 2^31-1", reqbufs(fd, 0x7fffffff, V4L2_MEMORY_MMAP, &rb), 0);
	if (rb.count < 1 || rb.count > 64) {
		printf("FAIL: REQBUFS 2^31-1 gave %u buffers\n", rb.count);
		failures++;
	} else {
		printf("ok: REQBUFS 2^31-1 gave %u buffers\n", rb.count);
	}
	expect("REQBUFS with an unknown memory type", reqbufs(fd, 2, 77, &rb), EINVAL);
	expect("REQBUFS 4", reqbufs(fd, 4, V4L2_MEMORY_MMAP, &rb), 0);
	expect("QBUF index 9999", buf(fd, VIDIOC_QBUF, 9999, V4L2_MEMORY_MMAP), EINVAL);
	expect("QBUF index 4 (one past)", buf(fd, VIDIOC_QBUF, 4, V4L2_MEMORY_MMAP), EINVAL);
	expect("QBUF with the wrong memory type", buf(fd, VIDIOC_QBUF, 0, V4L2_MEMORY_DMABUF), EINVAL);
	expect("QUERYBUF index 4", buf(fd, VIDIOC_QUERYBUF, 4, V4L2_MEMORY_MMAP), EINVAL);
	expect("QUERYBUF 0", ioctl(fd, VIDIOC_QUERYBUF, &qb), 0);
	p = mmap(NULL, qb.length, PROT_READ, MAP_SHARED, fd, qb.m.offset + 12345);
	expect("mmap at a wrong offset", p == MAP_FAILED ? -1 : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, qb.length);
	p = mmap(NULL, qb.length + 65536, PROT_READ, MAP_SHARED, fd, qb.m.offset);
	expect("mmap beyond the buffer", p == MAP_FAILED ? -1 : 0, EINVAL);
	if (p != MAP_FAILED)
		munmap(p, qb.length + 65536);
	f.fmt.pix.width = 0xffffffff;
	f.fmt.pix.height = 0xffffffff;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
	expect("S_FMT while buffers exist", ioctl(fd, VIDIOC_S_FMT, &f), EBUSY);
	fd2 = open(dev, O_RDWR);
	expect("a second open", fd2 < 0 ? -1 : 0, 0);
	expect("REQBUFS from the second file while the first owns the queue",
	       reqbufs(fd2, 2, V4L2_MEMORY_MMAP, &rb), EBUSY);
	expect("STREAMON from the second file", ioctl(fd2, VIDIOC_STREAMON, &type), EBUSY);
	close(fd2);
	/* Then it still streams: all four buffers queued, two frames. */
	for (i = 0; i < 4; i++)
		expect("QBUF", buf(fd, VIDIOC_QBUF, i, V4L2_MEMORY_MMAP), 0);
	expect("STREAMON", ioctl(fd, VIDIOC_STREAMON, &type), 0);
	for (i = 0; i < 2; i++) {
		struct v4l2_buffer d = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP };

		expect("DQBUF a frame", ioctl(fd, VIDIOC_DQBUF, &d), 0);
		if (d.flags & V4L2_BUF_FLAG_ERROR || !d.bytesused) {
			printf("FAIL: frame %u: flags %#x, %u bytes\n", i, d.flags, d.bytesused);
			failures++;
		}
	}
	expect("STREAMOFF", ioctl(fd, VIDIOC_STREAMOFF, &type), 0);
	expect("REQBUFS 0 frees them", reqbufs(fd, 0, V4L2_MEMORY_MMAP, &rb), 0);
	/* Close while streaming: the release stops the stream. */
	expect("REQBUFS 3", reqbufs(fd, 3, V4L2_MEMORY_MMAP, &rb), 0);
	for (i = 0; i < 3; i++)
		expect("QBUF", buf(fd, VIDIOC_QBUF, i, V4L2_MEMORY_MMAP), 0);
	expect("STREAMON, then close without STREAMOFF", ioctl(fd, VIDIOC_STREAMON, &type), 0);
	close(fd);
	fd = open(dev, O_RDWR);
	expect("open again after a close while streaming", fd < 0 ? -1 : 0, 0);
	expect("REQBUFS 2 on it: the queue is free again", reqbufs(fd, 2, V4L2_MEMORY_MMAP, &rb), 0);
	close(fd);
	return failures;
}

static int gone(const char *dev)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_capability cap;
	struct v4l2_requestbuffers rb;
	int fd = open(dev, O_RDWR);
	char c;

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	expect("REQBUFS 2", reqbufs(fd, 2, V4L2_MEMORY_MMAP, &rb), 0);
	printf("holding\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	expect("QUERYCAP on a node whose device is gone", ioctl(fd, VIDIOC_QUERYCAP, &cap), ENODEV);
	expect("QBUF on it", buf(fd, VIDIOC_QBUF, 0, V4L2_MEMORY_MMAP), ENODEV);
	expect("STREAMON on it", ioctl(fd, VIDIOC_STREAMON, &type), ENODEV);
	expect("REQBUFS on it", reqbufs(fd, 2, V4L2_MEMORY_MMAP, &rb), ENODEV);
	close(fd);
	return failures;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "abuse"))
		return abuse(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "gone"))
		return gone(argv[2]);
	fprintf(stderr, "usage: %s abuse|gone DEV\n", argv[0]);
	return 2;
}
