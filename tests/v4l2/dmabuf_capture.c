// SPDX-License-Identifier: GPL-2.0
/*
 * Capture into another driver's buffers: run in the test VM
 * (tests/scenarios/stream), built static on the host by scripts/run-vm.sh.
 *
 *   dmabuf_capture EXPORTER DEV N WIDTH HEIGHT FILE
 *
 * Allocates 4 buffers on EXPORTER (vivid) and exports them (EXPBUF), imports
 * them into DEV (a streamclass node, GREY WIDTH x HEIGHT) as DMABUF, using
 * the first image size of each (QBUF's length: a contiguous importer needs
 * only that much contiguous), streams
 * N frames, and writes each frame, read back through the exported buffer's
 * own mapping (between DMA_BUF_IOCTL_SYNC calls), to FILE. Zero copy: the
 * device writes the exporter's memory. Exit status 0 when all N came back
 * without an error flag and with the full image size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#define NBUF 4

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		fprintf(stderr, "%s: %s\n", what, strerror(errno));
	return r;
}

static int sync_buf(int fd, __u64 flags)
{
	struct dma_buf_sync s = { .flags = flags | DMA_BUF_SYNC_READ };

	return xioctl(fd, DMA_BUF_IOCTL_SYNC, &s, "DMA_BUF_IOCTL_SYNC");
}

int main(int argc, char **argv)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers rb = { .type = type, .memory = V4L2_MEMORY_MMAP, .count = NBUF };
	struct v4l2_format f = { .type = type };
	int efd, dfd, fds[NBUF], n, got = 0;
	unsigned int len[NBUF], i, size;
	void *map[NBUF];
	FILE *out;

	if (argc != 7) {
		fprintf(stderr, "usage: %s EXPORTER DEV N WIDTH HEIGHT FILE\n", argv[0]);
		return 2;
	}
	n = atoi(argv[3]);
	efd = open(argv[1], O_RDWR);
	dfd = open(argv[2], O_RDWR);
	out = fopen(argv[6], "w");
	if (efd < 0 || dfd < 0 || !out) {
		perror("open");
		return 1;
	}
	f.fmt.pix.width = atoi(argv[4]);
	f.fmt.pix.height = atoi(argv[5]);
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
	if (xioctl(dfd, VIDIOC_S_FMT, &f, "S_FMT") < 0)
		return 1;
	size = f.fmt.pix.sizeimage;
	if (xioctl(efd, VIDIOC_REQBUFS, &rb, "exporter REQBUFS") < 0 || rb.count < NBUF)
		return 1;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_exportbuffer e = { .type = type, .index = i, .flags = O_RDWR };
		struct v4l2_buffer q = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(efd, VIDIOC_QUERYBUF, &q, "exporter QUERYBUF") < 0 ||
		    xioctl(efd, VIDIOC_EXPBUF, &e, "EXPBUF") < 0)
			return 1;
		fds[i] = e.fd;
		len[i] = q.length;
		if (len[i] < size) {
			fprintf(stderr, "exported buffer of %u bytes, %u needed\n", len[i], size);
			return 1;
		}
		map[i] = mmap(NULL, len[i], PROT_READ, MAP_SHARED, fds[i], 0);
		if (map[i] == MAP_FAILED) {
			perror("mmap of the exported buffer");
			return 1;
		}
	}
	rb.memory = V4L2_MEMORY_DMABUF;
	if (xioctl(dfd, VIDIOC_REQBUFS, &rb, "REQBUFS DMABUF") < 0)
		return 1;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer q = { .type = type, .memory = V4L2_MEMORY_DMABUF, .index = i,
					 .length = size };

		q.m.fd = fds[i];
		if (xioctl(dfd, VIDIOC_QBUF, &q, "QBUF DMABUF") < 0)
			return 1;
	}
	if (xioctl(dfd, VIDIOC_STREAMON, &type, "STREAMON") < 0)
		return 1;
	while (got < n) {
		struct v4l2_buffer q = { .type = type, .memory = V4L2_MEMORY_DMABUF };

		if (xioctl(dfd, VIDIOC_DQBUF, &q, "DQBUF") < 0)
			return 1;
		if ((q.flags & V4L2_BUF_FLAG_ERROR) || q.bytesused != size || q.index >= NBUF) {
			fprintf(stderr, "frame %d: flags %#x, %u bytes\n", got, q.flags, q.bytesused);
			return 1;
		}
		sync_buf(fds[q.index], DMA_BUF_SYNC_START);
		fwrite(map[q.index], 1, size, out);
		sync_buf(fds[q.index], DMA_BUF_SYNC_END);
		got++;
		q.m.fd = fds[q.index];
		q.length = size;
		if (xioctl(dfd, VIDIOC_QBUF, &q, "QBUF DMABUF") < 0)
			return 1;
	}
	xioctl(dfd, VIDIOC_STREAMOFF, &type, "STREAMOFF");
	fclose(out);
	printf("%d frames of %u bytes captured into %s's exported buffers\n", got, size, argv[1]);
	return 0;
}
