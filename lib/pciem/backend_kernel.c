// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * backend_kernel.c - libpciem's way to pciem.ko: /dev/pciem, its ioctls,
 * the event ring it maps and the BARs its instance fd maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pciem.h"
#include "internal.h"

static int kernel_open(struct pciem_dev *d, uint32_t bus_mode)
{
	struct pciem_create_device arg = { .flags = bus_mode };
	int ret;

	d->fd = open(PCIEM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	ret = xioctl(d->fd, PCIEM_IOCTL_CREATE_DEVICE, &arg);
	if (ret < 0)
		goto err;
	d->ring = mmap(NULL, sizeof(*d->ring), PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		       PCIEM_RING_MMAP_OFFSET);
	if (d->ring == MAP_FAILED) {
		d->ring = NULL;
		ret = -errno;
		goto err;
	}
	return 0;

err:
	close(d->fd);
	d->fd = -1;
	return ret;
}

static int kernel_ioctl(struct pciem_dev *d, unsigned long req, void *arg)
{
	return xioctl(d->fd, req, arg);
}

static int kernel_respond(struct pciem_dev *d, const struct pciem_response *r)
{
	ssize_t n;

	do {
		n = write(d->fd, r, sizeof(*r));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(*r) ? 0 : -EIO;
}

static int kernel_readable(struct pciem_dev *d, short revents)
{
	(void)d;
	return revents & (POLLHUP | POLLERR) ? -EPIPE : 0;
}

static void *kernel_map_bar(struct pciem_dev *d, unsigned int i, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->instance_fd,
		       (off_t)i * page);

	return p == MAP_FAILED ? NULL : p;
}

static void kernel_unmap_bar(struct pciem_dev *d, unsigned int i, void *p, size_t len)
{
	(void)d;
	(void)i;
	munmap(p, len);
}

static void kernel_close(struct pciem_dev *d)
{
	if (d->ring)
		munmap(d->ring, sizeof(*d->ring));
	if (d->instance_fd >= 0)
		close(d->instance_fd);
	if (d->fd >= 0)
		close(d->fd);	/* the function leaves the bus */
}

static const struct pciem_backend kernel_backend = {
	.open = kernel_open,
	.ioctl = kernel_ioctl,
	.respond = kernel_respond,
	.readable = kernel_readable,
	.map_bar = kernel_map_bar,
	.unmap_bar = kernel_unmap_bar,
	.close = kernel_close,
};

const struct pciem_backend *pciem_default_backend(void)
{
	return &kernel_backend;
}
