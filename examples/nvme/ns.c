// SPDX-License-Identifier: GPL-2.0-only
/*
 * ns.c - the namespace, NSID 1, and FILE that stores it.
 *
 * FILE is mapped, and data moves in a single copy between its pages and
 * the host's buffers (io.c hands the mapping to the DMA calls); without a
 * mapping it is read and written with pread/pwrite through a queue's
 * buffer.  Deallocation punches holes in FILE.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvme.h"

/* Open (or create, at @size) FILE and map it; 0 or -1 with a message. */
int ns_open(struct ns *ns, const char *path, uint64_t size, bool size_given)
{
	struct stat st;

	ns->fd = open(path, ns->ro ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (ns->fd < 0) {
		fprintf(stderr, "pciem-nvme: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(ns->fd, &st) < 0) {
		fprintf(stderr, "pciem-nvme: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		if (ns->ro) {
			fprintf(stderr, "pciem-nvme: %s is empty\n", path);
			return -1;
		}
		if (ftruncate(ns->fd, (off_t)size) < 0) {
			fprintf(stderr, "pciem-nvme: %s: setting its size: %s\n", path,
				strerror(errno));
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		if (size_given && (uint64_t)st.st_size != size)
			fprintf(stderr, "pciem-nvme: %s exists: keeping its size (%lld bytes)\n",
				path, (long long)st.st_size);
		size = (uint64_t)st.st_size;
	} else {
		fprintf(stderr, "pciem-nvme: %s is not a regular file\n", path);
		return -1;
	}
	ns->nsze = size >> ns->lba_shift;
	if (!ns->nsze) {
		fprintf(stderr, "pciem-nvme: %s is smaller than one block\n", path);
		return -1;
	}
	/* Data moves between the mapping and host memory in one copy. */
	ns->map = mmap(NULL, ns->nsze << ns->lba_shift, ns->ro ? PROT_READ : PROT_READ | PROT_WRITE,
		       MAP_SHARED, ns->fd, 0);
	if (ns->map == MAP_FAILED)
		ns->map = NULL;
	return 0;
}

/* Read or write [off, off + len) of FILE (no mapping); false on an error. */
bool ns_pio(const struct ns *ns, uint8_t *buf, size_t len, uint64_t off, bool write, bool sync)
{
	while (len) {
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		ssize_t n = write ? pwritev2(ns->fd, &iov, 1, (off_t)off, sync ? RWF_DSYNC : 0)
				  : pread(ns->fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0) {
			if (write)
				return false;
			memset(buf, 0, len);	/* beyond the end: reads zeroes */
			return true;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return true;
}

/* Write [off, off + len) of the mapping back to FILE. */
int ns_msync(const struct ns *ns, uint64_t off, size_t len)
{
	uint64_t a = off & ~4095ull;

	return msync(ns->map + a, off + len - a, MS_SYNC);
}

/* Zero [off, off + len) of FILE: a hole where the file system can. */
int ns_zero(const struct ns *ns, uint64_t off, uint64_t len, uint8_t *scratch)
{
	if (fallocate(ns->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (fallocate(ns->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	memset(scratch, 0, MAX_XFER);
	while (len) {
		size_t n = len < MAX_XFER ? len : MAX_XFER;
		ssize_t w = pwrite(ns->fd, scratch, n, (off_t)off);

		if (w <= 0)
			return -1;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

/* Deallocation is advisory: a file system without holes just keeps the data. */
void ns_deallocate(const struct ns *ns, uint64_t off, uint64_t len)
{
	fallocate(ns->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
}

static uint64_t fnv1a(const char *s, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull ^ salt;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * The namespace's NGUID, EUI-64 and UUID: hashes of the controller's serial
 * number, so they stay the same across restarts and differ between
 * controllers with different serials.
 */
void ns_ids(const char *serial, struct ns_ids *ids)
{
	put_le64(ids->nguid, fnv1a(serial, 1));
	put_le64(ids->nguid + 8, fnv1a(serial, 2));
	put_le64(ids->eui64, fnv1a(serial, 3));
	put_le64(ids->uuid, fnv1a(serial, 4));
	put_le64(ids->uuid + 8, fnv1a(serial, 5));
	ids->uuid[6] = (ids->uuid[6] & 0x0f) | 0x40;	/* version 4 */
	ids->uuid[8] = (ids->uuid[8] & 0x3f) | 0x80;	/* variant */
}
