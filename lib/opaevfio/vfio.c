// SPDX-License-Identifier: BSD-3-Clause
/*
 * libopaevfio: the opae_vfio_* API over Linux VFIO (vfio-pci, type1 IOMMU).
 *
 * Open:   container /dev/vfio/vfio -> group /dev/vfio/N (from the device's
 *         sysfs iommu_group link) -> device fd -> COMMAND register ->
 *         regions (sparse mmap honoured) -> IRQ info -> IOVA ranges.
 * Buffers: mmap (huge pages by size, with fallback) + VFIO_IOMMU_MAP_DMA,
 *         tracked in a hash map by virtual address.
 * IRQs:   VFIO_DEVICE_SET_IRQS with eventfds (trigger) or one u8 per vector
 *         (mask / unmask).
 *
 * Every entry point returns 0 or a positive errno value (also stored in
 * errno) and records a reason for opae_vfio_last_error().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "internal.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

/* Largest INFO reply we are willing to allocate for a capability chain. */
#define MAX_INFO_ARGSZ (1u << 20)

/* IOVA space assumed when the IOMMU reports no IOVA-range capability:
 * below 4 GiB and under the x86 MSI window at 0xfee00000. */
#define DEFAULT_IOVA_LAST 0xfedfffffull

#define API_DECL(ret, name, args) ret name args OPAEVFIO_API

API_DECL(int, opae_vfio_open, (struct opae_vfio *, const char *));
API_DECL(int, opae_vfio_secure_open,
	 (struct opae_vfio *, const char *, const char *));
API_DECL(int, opae_vfio_region_get,
	 (struct opae_vfio *, uint32_t, uint8_t **, size_t *));
API_DECL(int, opae_vfio_buffer_allocate,
	 (struct opae_vfio *, size_t *, uint8_t **, uint64_t *));
API_DECL(int, opae_vfio_buffer_allocate_ex,
	 (struct opae_vfio *, size_t *, uint8_t **, uint64_t *, int));
API_DECL(struct opae_vfio_buffer *, opae_vfio_buffer_info,
	 (struct opae_vfio *, uint8_t *));
API_DECL(int, opae_vfio_buffer_free, (struct opae_vfio *, uint8_t *));
API_DECL(void, opae_vfio_close, (struct opae_vfio *));
API_DECL(int, opae_vfio_irq_enable,
	 (struct opae_vfio *, uint32_t, uint32_t, int));
API_DECL(int, opae_vfio_irq_disable, (struct opae_vfio *, uint32_t, uint32_t));
API_DECL(int, opae_vfio_irq_mask, (struct opae_vfio *, uint32_t, uint32_t));
API_DECL(int, opae_vfio_irq_unmask, (struct opae_vfio *, uint32_t, uint32_t));

static uint64_t sys_page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t)p : 4096;
}

/* ------------------------------------------------------------------ */
/* locking and state                                                   */

/* Lock an open device; EINVAL for NULL, EBADF when not open. */
static int dev_lock(struct opae_vfio *v, const char *fn)
{
	if (!v)
		return opaevfio_fail(EINVAL, "%s: NULL device", fn);
	if (v->open_magic != OPAEVFIO_MAGIC)
		return opaevfio_fail(EBADF, "%s: device is not open", fn);
	if (pthread_mutex_lock(&v->lock))
		return opaevfio_fail(EBADF, "%s: cannot lock device", fn);
	if (v->open_magic != OPAEVFIO_MAGIC) {
		pthread_mutex_unlock(&v->lock);
		return opaevfio_fail(EBADF, "%s: device is not open", fn);
	}
	return 0;
}

static void dev_unlock(struct opae_vfio *v)
{
	pthread_mutex_unlock(&v->lock);
}

/* ------------------------------------------------------------------ */
/* capability chains                                                   */

/*
 * Find capability `id` in an INFO reply of `argsz` bytes whose fixed part is
 * `hdrsz` bytes, starting at `first`.  Every header must lie inside the
 * reply, offsets must be 4-byte aligned and strictly increasing (so a
 * corrupt chain cannot loop).  Returns the header or NULL; *capsz gets the
 * bytes available from the header to the end of the reply.
 */
struct vfio_info_cap_header *opaevfio_find_cap(void *info, uint32_t argsz,
					       uint32_t hdrsz, uint32_t first,
					       uint16_t id, uint32_t *capsz)
{
	uint32_t off = first, prev = 0;

	while (off) {
		struct vfio_info_cap_header *h;

		if (off < hdrsz || off <= prev || (off & 3) ||
		    off > argsz || argsz - off < sizeof(*h))
			return NULL;
		h = (struct vfio_info_cap_header *)((char *)info + off);
		if (h->id == id) {
			*capsz = argsz - off;
			return h;
		}
		prev = off;
		off = h->next;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* regions                                                             */

void opaevfio_free_regions(struct opae_vfio_device *d)
{
	struct opae_vfio_device_region *r = d->regions;

	while (r) {
		struct opae_vfio_device_region *next = r->next;
		struct opae_vfio_sparse_info *s = r->region_sparse;

		/* one munmap covers a sparse reservation and its areas */
		if (r->region_ptr && r->region_ptr != MAP_FAILED)
			munmap(r->region_ptr, r->region_size);
		while (s) {
			struct opae_vfio_sparse_info *sn = s->next;

			free(s);
			s = sn;
		}
		free(r);
		r = next;
	}
	d->regions = NULL;
}

/* VFIO_DEVICE_GET_REGION_INFO with room for its capability chain. */
static int get_region_info(int fd, uint32_t index,
			   struct vfio_region_info **out)
{
	struct vfio_region_info *ri, *big;

	ri = calloc(1, sizeof(*ri));
	if (!ri)
		return ENOMEM;
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
		int err = errno;

		free(ri);
		return err;
	}
	if ((ri->flags & VFIO_REGION_INFO_FLAG_CAPS) &&
	    ri->argsz > sizeof(*ri) && ri->argsz <= MAX_INFO_ARGSZ) {
		uint32_t argsz = ri->argsz;

		big = calloc(1, argsz);
		if (!big) {
			free(ri);
			return ENOMEM;
		}
		big->argsz = argsz;
		big->index = index;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, big) ||
		    big->argsz > argsz) {
			/* keep the plain info, without capabilities */
			free(big);
			ri->flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
		} else {
			big->argsz = argsz;
			free(ri);
			ri = big;
		}
	} else {
		ri->flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	}
	*out = ri;
	return 0;
}

int opaevfio_map_sparse(struct opae_vfio_device *d,
			struct opae_vfio_device_region *r,
			const struct vfio_region_info *ri,
			const struct vfio_region_info_cap_sparse_mmap *sp,
			uint32_t capsz)
{
	struct opae_vfio_sparse_info **tail = &r->region_sparse;
	uint64_t page = sys_page_size();
	uint32_t i;

	if (capsz < sizeof(*sp) ||
	    sp->nr_areas > (capsz - sizeof(*sp)) / sizeof(sp->areas[0]))
		return opaevfio_fail(EIO, "region %u: sparse-mmap capability "
				     "is truncated", ri->index);

	r->region_ptr = mmap(NULL, r->region_size, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (r->region_ptr == MAP_FAILED) {
		r->region_ptr = NULL;
		return opaevfio_fail(errno, "region %u: cannot reserve %zu "
				     "bytes", ri->index, r->region_size);
	}
	for (i = 0; i < sp->nr_areas; i++) {
		uint64_t off = sp->areas[i].offset, sz = sp->areas[i].size;
		struct opae_vfio_sparse_info *s;
		void *p;

		if (!sz)
			continue;
		if (off > ri->size || sz > ri->size - off ||
		    (off | sz) & (page - 1) || off > UINT32_MAX ||
		    sz > UINT32_MAX)
			return opaevfio_fail(EIO, "region %u: bad sparse area "
					     "%u (offset 0x%llx size 0x%llx)",
					     ri->index, i,
					     (unsigned long long)off,
					     (unsigned long long)sz);
		p = mmap(r->region_ptr + off, sz, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, d->device_fd,
			 (off_t)(ri->offset + off));
		if (p == MAP_FAILED)
			return opaevfio_fail(errno, "region %u: cannot mmap "
					     "sparse area %u", ri->index, i);
		s = calloc(1, sizeof(*s));
		if (!s)
			return opaevfio_fail(ENOMEM, "out of memory");
		s->index = i;
		s->offset = (uint32_t)off;
		s->size = (uint32_t)sz;
		s->ptr = p;
		*tail = s;
		tail = &s->next;
	}
	return 0;
}

static int map_regions(struct opae_vfio_device *d)
{
	struct opae_vfio_device_region **tail = &d->regions;
	uint32_t i;

	for (i = 0; i < d->device_num_regions; i++) {
		struct vfio_region_info *ri = NULL;
		struct opae_vfio_device_region *r;
		struct vfio_info_cap_header *cap = NULL;
		uint32_t capsz = 0;
		int err;

		err = get_region_info(d->device_fd, i, &ri);
		if (err == EINVAL)
			continue;	/* index not implemented */
		if (err)
			return opaevfio_fail(err, "region %u: "
					     "VFIO_DEVICE_GET_REGION_INFO", i);
		if (!(ri->flags & VFIO_REGION_INFO_FLAG_MMAP) || !ri->size) {
			free(ri);
			continue;
		}
		if (ri->size > SIZE_MAX) {
			free(ri);
			return opaevfio_fail(EFBIG, "region %u is too large", i);
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			free(ri);
			return opaevfio_fail(ENOMEM, "out of memory");
		}
		r->region_index = i;
		r->region_size = (size_t)ri->size;
		*tail = r;
		tail = &r->next;

		if (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
			cap = opaevfio_find_cap(ri, ri->argsz, sizeof(*ri),
				       ri->cap_offset,
				       VFIO_REGION_INFO_CAP_SPARSE_MMAP,
				       &capsz);
		if (cap) {
			err = opaevfio_map_sparse(d, r, ri,
				(struct vfio_region_info_cap_sparse_mmap *)cap,
				capsz);
		} else {
			r->region_ptr = mmap(NULL, r->region_size,
					     PROT_READ | PROT_WRITE, MAP_SHARED,
					     d->device_fd, (off_t)ri->offset);
			if (r->region_ptr == MAP_FAILED) {
				r->region_ptr = NULL;
				err = opaevfio_fail(errno, "region %u: cannot "
						    "mmap %zu bytes", i,
						    r->region_size);
			}
		}
		free(ri);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* IRQ info                                                            */

static void free_irqs(struct opae_vfio_device *d)
{
	struct opae_vfio_device_irq *q = d->irqs;

	while (q) {
		struct opae_vfio_device_irq *next = q->next;

		free(q->event_fds);
		free(q->masks);
		free(q);
		q = next;
	}
	d->irqs = NULL;
}

static int read_irqs(struct opae_vfio_device *d)
{
	struct opae_vfio_device_irq **tail = &d->irqs;
	uint32_t i;

	for (i = 0; i < d->device_num_irqs; i++) {
		struct vfio_irq_info info;
		struct opae_vfio_device_irq *q;

		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = i;
		if (ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info)) {
			if (errno == EINVAL)
				continue;
			return opaevfio_fail(errno, "IRQ index %u: "
					     "VFIO_DEVICE_GET_IRQ_INFO", i);
		}
		q = calloc(1, sizeof(*q));
		if (!q)
			return opaevfio_fail(ENOMEM, "out of memory");
		q->flags = info.flags;
		q->index = info.index;
		q->count = info.count;
		*tail = q;
		tail = &q->next;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* IOVA ranges                                                         */

static void free_ranges(struct opae_vfio *v)
{
	struct opae_vfio_iova_range *r = v->cont_ranges;

	while (r) {
		struct opae_vfio_iova_range *next = r->next;

		free(r);
		r = next;
	}
	v->cont_ranges = NULL;
}

/* Record [start, end] (inclusive) and give it to the allocator; IOVA 0
 * itself is never handed out, so 0 can mean "no address". */
static int add_iova_range(struct opae_vfio *v, uint64_t start, uint64_t end,
			  uint64_t iommu_page,
			  struct opae_vfio_iova_range ***tail)
{
	struct opae_vfio_iova_range *r;
	int err;

	if (start > end)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ENOMEM;
	r->start = start;
	r->end = end;
	**tail = r;
	*tail = &r->next;
	if (start < iommu_page) {
		if (end < iommu_page)
			return 0;
		start = iommu_page;
	}
	err = opaevfio_iova_add_range(&v->iova_alloc, start, end);
	return err == EEXIST ? 0 : err;	/* overlapping reports: keep one */
}

static int discover_iova(struct opae_vfio *v, uint64_t *iommu_page)
{
	struct opae_vfio_iova_range **tail = &v->cont_ranges;
	struct vfio_iommu_type1_info *info;
	struct vfio_iommu_type1_info_cap_iova_range *cap = NULL;
	uint32_t capsz = 0, argsz, i;
	int err = 0;

	*iommu_page = sys_page_size();
	info = calloc(1, sizeof(*info));
	if (!info)
		return opaevfio_fail(ENOMEM, "out of memory");
	info->argsz = sizeof(*info);
	if (ioctl(v->cont_fd, VFIO_IOMMU_GET_INFO, info)) {
		err = errno;
		free(info);
		return opaevfio_fail(err, "VFIO_IOMMU_GET_INFO");
	}
	if ((info->flags & VFIO_IOMMU_INFO_CAPS) &&
	    info->argsz > sizeof(*info) && info->argsz <= MAX_INFO_ARGSZ) {
		struct vfio_iommu_type1_info *big;

		argsz = info->argsz;
		big = calloc(1, argsz);
		if (!big) {
			free(info);
			return opaevfio_fail(ENOMEM, "out of memory");
		}
		big->argsz = argsz;
		if (ioctl(v->cont_fd, VFIO_IOMMU_GET_INFO, big) == 0 &&
		    big->argsz <= argsz && (big->flags & VFIO_IOMMU_INFO_CAPS)) {
			free(info);
			info = big;
			cap = (void *)opaevfio_find_cap(info, argsz, sizeof(*info),
					       info->cap_offset,
					       VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
					       &capsz);
		} else {
			free(big);
		}
	}
	if ((info->flags & VFIO_IOMMU_INFO_PGSIZES) && info->iova_pgsizes) {
		uint64_t lowest = info->iova_pgsizes & -info->iova_pgsizes;

		if (lowest > *iommu_page)
			*iommu_page = lowest;
	}

	if (cap && (capsz < sizeof(*cap) ||
		    cap->nr_iovas > (capsz - sizeof(*cap)) /
				    sizeof(cap->iova_ranges[0])))
		cap = NULL;	/* truncated: fall back to the default */
	if (cap) {
		for (i = 0; i < cap->nr_iovas && !err; i++)
			err = add_iova_range(v, cap->iova_ranges[i].start,
					     cap->iova_ranges[i].end,
					     *iommu_page, &tail);
	} else {
		err = add_iova_range(v, 0, DEFAULT_IOVA_LAST, *iommu_page,
				     &tail);
	}
	free(info);
	if (err)
		return opaevfio_fail(err, "cannot set up the IOVA allocator");
	return 0;
}

/* ------------------------------------------------------------------ */
/* buffers                                                             */

static int unmap_dma(struct opae_vfio *v, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap um;

	memset(&um, 0, sizeof(um));
	um.argsz = sizeof(um);
	um.iova = iova;
	um.size = size;
	if (ioctl(v->cont_fd, VFIO_IOMMU_UNMAP_DMA, &um))
		return errno;
	return 0;
}

/* Unmap from the IOMMU, give back the IOVA and (unless preallocated) the
 * memory.  If the IOMMU unmap fails nothing else is released. */
static int destroy_buffer(struct opae_vfio *v, struct opae_vfio_buffer *b)
{
	int err = unmap_dma(v, b->buffer_iova, b->buffer_size);

	if (err)
		return err;
	opaevfio_iova_free(&v->iova_alloc, b->buffer_iova);
	if (!(b->flags & OPAE_VFIO_BUF_PREALLOCATED))
		munmap(b->buffer_ptr, b->buffer_size);
	free(b);
	return 0;
}

static int log2_u64(uint64_t x)
{
	int n = 0;

	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

/* mmap anonymous memory for *size bytes, trying the page sizes chosen for
 * that size; on success *size is rounded to the page size used. */
static int alloc_memory(uint64_t *size, uint64_t sys_page, uint8_t **out,
			uint64_t *page_used)
{
	uint64_t cand[3];
	int n = opaevfio_page_candidates(*size, sys_page, cand), i;
	int err = ENOMEM;

	for (i = 0; i < n; i++) {
		uint64_t len = opaevfio_round_up(*size, cand[i]);
		int flags = MAP_PRIVATE | MAP_ANONYMOUS;
		void *p;

		if (!len || len > SIZE_MAX)
			continue;
		if (cand[i] != sys_page)
			flags |= MAP_HUGETLB |
				 (log2_u64(cand[i]) << MAP_HUGE_SHIFT);
		p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, flags,
			 -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			continue;
		}
		/* a child must not share (or copy-on-write) DMA memory */
		madvise(p, (size_t)len, MADV_DONTFORK);
		*out = p;
		*size = len;
		*page_used = cand[i];
		return 0;
	}
	return err;
}

int opae_vfio_buffer_allocate_ex(struct opae_vfio *v, size_t *size,
				 uint8_t **buf, uint64_t *iova, int flags)
{
	struct vfio_iommu_type1_dma_map map;
	struct opae_vfio_buffer *b = NULL;
	uint64_t sys_page = sys_page_size(), len, page = 0, io = 0, align;
	uint8_t *vaddr = NULL;
	int prealloc = flags & OPAE_VFIO_BUF_PREALLOCATED;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, "opae_vfio_buffer_allocate");
	if (err)
		return err;
	if (!size || !*size) {
		err = opaevfio_fail(EINVAL, "buffer size is NULL or 0");
		goto out;
	}
	if (flags & ~OPAE_VFIO_BUF_PREALLOCATED) {
		err = opaevfio_fail(EINVAL, "unknown flags 0x%x", flags);
		goto out;
	}
	len = *size;
	if (prealloc) {
		if (!buf || !*buf) {
			err = opaevfio_fail(EINVAL, "OPAE_VFIO_BUF_PREALLOCATED "
					    "needs a buffer in *buf");
			goto out;
		}
		if ((uintptr_t)*buf & (sys_page - 1)) {
			err = opaevfio_fail(EINVAL, "preallocated buffer %p is "
					    "not page-aligned", (void *)*buf);
			goto out;
		}
		len = opaevfio_round_up(len, sys_page);
		if (!len || len > SIZE_MAX ||
		    (uintptr_t)*buf > UINTPTR_MAX - len) {
			err = opaevfio_fail(EINVAL, "buffer size too large");
			goto out;
		}
		if (opaevfio_hmap_find(&v->cont_buffers, (uintptr_t)*buf)) {
			err = opaevfio_fail(EEXIST, "buffer %p is already "
					    "mapped", (void *)*buf);
			goto out;
		}
		vaddr = *buf;
		page = sys_page;
	} else {
		err = alloc_memory(&len, sys_page, &vaddr, &page);
		if (err) {
			err = opaevfio_fail(err, "cannot allocate %zu bytes",
					    *size);
			goto out;
		}
	}

	/* IOVA aligned to the page size used (lets the IOMMU use large
	 * pages) and at least to the IOMMU's own page size */
	align = page;
	if (v->iova_page_shift < 63 && align < (1ull << v->iova_page_shift))
		align = 1ull << v->iova_page_shift;
	err = opaevfio_iova_alloc(&v->iova_alloc, len, align, &io);
	if (err) {
		err = opaevfio_fail(err, "no IOVA space for %llu bytes",
				    (unsigned long long)len);
		goto out_mem;
	}

	memset(&map, 0, sizeof(map));
	map.argsz = sizeof(map);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)vaddr;
	map.iova = io;
	map.size = len;
	if (ioctl(v->cont_fd, VFIO_IOMMU_MAP_DMA, &map)) {
		err = opaevfio_fail(errno, "VFIO_IOMMU_MAP_DMA of %llu bytes "
				    "at IOVA 0x%llx",
				    (unsigned long long)len,
				    (unsigned long long)io);
		goto out_iova;
	}

	b = calloc(1, sizeof(*b));
	if (!b) {
		err = opaevfio_fail(ENOMEM, "out of memory");
		goto out_dma;
	}
	b->buffer_ptr = vaddr;
	b->buffer_size = (size_t)len;
	b->buffer_iova = io;
	b->flags = prealloc;
	err = opaevfio_hmap_add(&v->cont_buffers, (uintptr_t)vaddr, b);
	if (err) {
		err = opaevfio_fail(err, "cannot record buffer %p",
				    (void *)vaddr);
		free(b);
		goto out_dma;
	}

	*size = (size_t)len;
	if (buf)
		*buf = vaddr;
	if (iova)
		*iova = io;
	dev_unlock(v);
	return 0;

out_dma:
	unmap_dma(v, io, len);
out_iova:
	opaevfio_iova_free(&v->iova_alloc, io);
out_mem:
	if (!prealloc)
		munmap(vaddr, (size_t)len);
out:
	dev_unlock(v);
	errno = err;
	return err;
}

int opae_vfio_buffer_allocate(struct opae_vfio *v, size_t *size,
			      uint8_t **buf, uint64_t *iova)
{
	return opae_vfio_buffer_allocate_ex(v, size, buf, iova, 0);
}

struct opae_vfio_buffer *opae_vfio_buffer_info(struct opae_vfio *v,
					       uint8_t *vaddr)
{
	struct opae_vfio_buffer *b;

	opaevfio_clear_error();
	if (dev_lock(v, "opae_vfio_buffer_info"))
		return NULL;
	b = vaddr ? opaevfio_hmap_find(&v->cont_buffers, (uintptr_t)vaddr)
		  : NULL;
	if (!b)
		opaevfio_fail(ENOENT, "no buffer starts at %p", (void *)vaddr);
	dev_unlock(v);
	return b;
}

int opae_vfio_buffer_free(struct opae_vfio *v, uint8_t *buf)
{
	struct opae_vfio_buffer *b;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, "opae_vfio_buffer_free");
	if (err)
		return err;
	if (!buf) {
		err = opaevfio_fail(EINVAL, "opae_vfio_buffer_free: NULL "
				    "buffer");
		goto out;
	}
	b = opaevfio_hmap_find(&v->cont_buffers, (uintptr_t)buf);
	if (!b) {
		err = opaevfio_fail(ENOENT, "no buffer starts at %p (never "
				    "allocated or already freed)", (void *)buf);
		goto out;
	}
	err = destroy_buffer(v, b);
	if (err) {
		err = opaevfio_fail(err, "VFIO_IOMMU_UNMAP_DMA of buffer %p",
				    (void *)buf);
		goto out;
	}
	opaevfio_hmap_remove(&v->cont_buffers, (uintptr_t)buf);
out:
	dev_unlock(v);
	errno = err;
	return err;
}

/* ------------------------------------------------------------------ */
/* open / close                                                        */

static void teardown(struct opae_vfio *v)
{
	struct opae_vfio_buffer *b;

	/* buffers first, while the container is still open */
	while ((b = opaevfio_hmap_pop(&v->cont_buffers))) {
		if (destroy_buffer(v, b)) {
			/* the IOMMU still maps it: release what we own */
			if (!(b->flags & OPAE_VFIO_BUF_PREALLOCATED))
				munmap(b->buffer_ptr, b->buffer_size);
			free(b);
		}
	}
	opaevfio_hmap_destroy(&v->cont_buffers);

	opaevfio_free_regions(&v->device);
	free_irqs(&v->device);
	if (v->device.device_fd >= 0)
		close(v->device.device_fd);
	v->device.device_fd = -1;

	if (v->group.group_fd >= 0) {
		ioctl(v->group.group_fd, VFIO_GROUP_UNSET_CONTAINER);
		close(v->group.group_fd);
	}
	v->group.group_fd = -1;
	free(v->group.group_device);
	v->group.group_device = NULL;

	free_ranges(v);
	opaevfio_iova_destroy(&v->iova_alloc);

	if (v->cont_fd >= 0)
		close(v->cont_fd);
	v->cont_fd = -1;
	free(v->cont_device);
	v->cont_device = NULL;
	free(v->cont_pciaddr);
	v->cont_pciaddr = NULL;
}

/* Read a sysfs symlink's last component into out. */
static int link_basename(const char *path, char *out, size_t outlen)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= outlen)
		return EINVAL;
	strcpy(out, base);
	return 0;
}

/* Checks that need only sysfs: device exists, bound to vfio-pci, group. */
static int find_group(const char *addr, char *group, size_t grouplen)
{
	char path[PATH_MAX], name[256];
	struct stat st;
	const char *p;
	int err;

	snprintf(path, sizeof(path), "%s/devices/%s", opaevfio_sysfs_pci_root,
		 addr);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return opaevfio_fail(ENODEV, "no PCI device %s", addr);

	snprintf(path, sizeof(path), "%s/devices/%s/driver",
		 opaevfio_sysfs_pci_root, addr);
	err = link_basename(path, name, sizeof(name));
	if (err == ENOENT)
		return opaevfio_fail(ENXIO, "%s is not bound to any driver; "
				     "bind it to vfio-pci first "
				     "(opaevfio -i %s)", addr, addr);
	if (err)
		return opaevfio_fail(ENXIO, "cannot read the driver of %s",
				     addr);
	if (strcmp(name, "vfio-pci"))
		return opaevfio_fail(ENXIO, "%s is bound to %s, not vfio-pci; "
				     "rebind it with opaevfio -i %s", addr,
				     name, addr);

	snprintf(path, sizeof(path), "%s/devices/%s/iommu_group",
		 opaevfio_sysfs_pci_root, addr);
	err = link_basename(path, name, sizeof(name));
	if (err == ENOENT)
		return opaevfio_fail(ENOENT, "%s has no IOMMU group: the "
				     "IOMMU is off or does not cover the "
				     "device (boot with intel_iommu=on or "
				     "amd_iommu=on)", addr);
	if (err)
		return opaevfio_fail(err, "cannot read the IOMMU group of %s",
				     addr);
	for (p = name; *p; p++)
		if (*p < '0' || *p > '9')
			return opaevfio_fail(EINVAL, "%s: unexpected IOMMU "
					     "group name \"%s\"", addr, name);
	if ((size_t)snprintf(group, grouplen, "%s/%s", opaevfio_dev_vfio_root,
			     name) >= grouplen)
		return opaevfio_fail(ENAMETOOLONG, "group path too long");
	return 0;
}

static int enable_command(struct opae_vfio_device *d)
{
	uint16_t cmd;
	off_t off = (off_t)(d->device_config_offset + PCI_COMMAND);

	if (pread(d->device_fd, &cmd, sizeof(cmd), off) != sizeof(cmd))
		return opaevfio_fail(EIO, "cannot read the COMMAND register");
	if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) ==
	    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		return 0;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(d->device_fd, &cmd, sizeof(cmd), off) != sizeof(cmd))
		return opaevfio_fail(EIO, "cannot write the COMMAND register");
	return 0;
}

static int init_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int err;

	if (pthread_mutexattr_init(&a))
		return ENOMEM;
	err = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	if (!err)
		err = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return err;
}

static int do_open(struct opae_vfio *v, const char *pciaddr, const char *token)
{
	char addr[32], group[PATH_MAX], arg[128];
	struct vfio_group_status gs;
	struct vfio_device_info di;
	struct vfio_region_info cfg;
	uint64_t iommu_page;
	int err, api, type, fd;

	if (!v)
		return opaevfio_fail(EINVAL, "opae_vfio_open: NULL device");
	memset(v, 0, sizeof(*v));
	v->cont_fd = -1;
	v->group.group_fd = -1;
	v->device.device_fd = -1;
	opaevfio_iova_init(&v->iova_alloc);

	if (!pciaddr)
		return opaevfio_fail(EINVAL, "opae_vfio_open: NULL address");
	if (opaevfio_parse_pciaddr(pciaddr, addr, sizeof(addr)))
		return opaevfio_fail(EINVAL, "bad PCI address \"%s\" (want "
				     "ssss:bb:dd.f or bb:dd.f)", pciaddr);
	if (token && !opaevfio_uuid_valid(token))
		return opaevfio_fail(EINVAL, "bad VF token \"%s\" (want a "
				     "UUID like 00f5ad6b-2edd-422e-9d1e-"
				     "34124c686fec)", token);
	err = find_group(addr, group, sizeof(group));
	if (err)
		return err;

	err = init_mutex(&v->lock);
	if (err)
		return opaevfio_fail(err, "cannot create the device mutex");

	v->cont_device = malloc(strlen(opaevfio_dev_vfio_root) + 6);
	v->cont_pciaddr = strdup(addr);
	v->group.group_device = strdup(group);
	if (!v->cont_device || !v->cont_pciaddr || !v->group.group_device) {
		err = opaevfio_fail(ENOMEM, "out of memory");
		goto fail;
	}
	sprintf(v->cont_device, "%s/vfio", opaevfio_dev_vfio_root);

	v->cont_fd = open(v->cont_device, O_RDWR | O_CLOEXEC);
	if (v->cont_fd < 0) {
		err = opaevfio_fail(errno, "cannot open %s (is the vfio module "
				    "loaded?)", v->cont_device);
		goto fail;
	}
	api = ioctl(v->cont_fd, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION) {
		err = opaevfio_fail(ENOTSUP, "%s: VFIO API version %d, "
				    "expected %d", v->cont_device, api,
				    VFIO_API_VERSION);
		goto fail;
	}
	if (ioctl(v->cont_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		type = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(v->cont_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		type = VFIO_TYPE1_IOMMU;
	else {
		err = opaevfio_fail(ENOTSUP, "no type1 IOMMU support in VFIO "
				    "(is vfio_iommu_type1 loaded?)");
		goto fail;
	}

	v->group.group_fd = open(group, O_RDWR | O_CLOEXEC);
	if (v->group.group_fd < 0) {
		err = errno;
		err = opaevfio_fail(err, "cannot open %s%s", group,
				    err == EBUSY ? " (device already open?)" :
				    err == EACCES ? " (opaevfio -i ... -u USER "
				    "gives it to USER)" : "");
		goto fail;
	}
	memset(&gs, 0, sizeof(gs));
	gs.argsz = sizeof(gs);
	if (ioctl(v->group.group_fd, VFIO_GROUP_GET_STATUS, &gs)) {
		err = opaevfio_fail(errno, "%s: VFIO_GROUP_GET_STATUS", group);
		goto fail;
	}
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		err = opaevfio_fail(EBUSY, "IOMMU group %s is not viable: every "
				    "device in it must be bound to vfio-pci or "
				    "to no driver", group);
		goto fail;
	}
	fd = v->cont_fd;
	if (ioctl(v->group.group_fd, VFIO_GROUP_SET_CONTAINER, &fd)) {
		err = opaevfio_fail(errno, "%s: VFIO_GROUP_SET_CONTAINER",
				    group);
		goto fail;
	}
	if (ioctl(v->cont_fd, VFIO_SET_IOMMU, type)) {
		err = opaevfio_fail(errno, "VFIO_SET_IOMMU");
		goto fail;
	}

	if (token)
		snprintf(arg, sizeof(arg), "%s vf_token=%s", addr, token);
	else
		snprintf(arg, sizeof(arg), "%s", addr);
	v->device.device_fd = ioctl(v->group.group_fd,
				    VFIO_GROUP_GET_DEVICE_FD, arg);
	if (v->device.device_fd < 0) {
		err = errno;
		err = opaevfio_fail(err, "VFIO_GROUP_GET_DEVICE_FD \"%s\"%s",
				    arg, err == EINVAL && token ?
				    " (token rejected; is it a VF/PF with "
				    "this token?)" : "");
		v->device.device_fd = -1;
		goto fail;
	}

	memset(&di, 0, sizeof(di));
	di.argsz = sizeof(di);
	if (ioctl(v->device.device_fd, VFIO_DEVICE_GET_INFO, &di)) {
		err = opaevfio_fail(errno, "VFIO_DEVICE_GET_INFO");
		goto fail;
	}
	v->device.device_num_regions = di.num_regions;
	v->device.device_num_irqs = di.num_irqs;

	memset(&cfg, 0, sizeof(cfg));
	cfg.argsz = sizeof(cfg);
	cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(v->device.device_fd, VFIO_DEVICE_GET_REGION_INFO, &cfg)) {
		err = opaevfio_fail(errno, "config space region info");
		goto fail;
	}
	v->device.device_config_offset = cfg.offset;

	err = enable_command(&v->device);
	if (!err)
		err = map_regions(&v->device);
	if (!err)
		err = read_irqs(&v->device);
	if (!err)
		err = discover_iova(v, &iommu_page);
	if (!err)
		v->iova_page_shift = (uint32_t)log2_u64(iommu_page);
	if (!err && opaevfio_hmap_init(&v->cont_buffers, 64))
		err = opaevfio_fail(ENOMEM, "out of memory");
	if (err)
		goto fail;

	v->open_magic = OPAEVFIO_MAGIC;
	return 0;

fail:
	teardown(v);
	pthread_mutex_destroy(&v->lock);
	v->open_magic = 0;
	errno = err;
	return err;
}

int opae_vfio_open(struct opae_vfio *v, const char *pciaddr)
{
	opaevfio_clear_error();
	return do_open(v, pciaddr, NULL);
}

int opae_vfio_secure_open(struct opae_vfio *v, const char *pciaddr,
			  const char *token)
{
	opaevfio_clear_error();
	if (!token) {
		if (v) {
			memset(v, 0, sizeof(*v));
			v->cont_fd = v->group.group_fd = -1;
			v->device.device_fd = -1;
		}
		return opaevfio_fail(EINVAL, "opae_vfio_secure_open: NULL "
				     "token");
	}
	return do_open(v, pciaddr, token);
}

void opae_vfio_close(struct opae_vfio *v)
{
	opaevfio_clear_error();
	if (dev_lock(v, "opae_vfio_close"))
		return;
	teardown(v);
	v->open_magic = 0;
	dev_unlock(v);
	pthread_mutex_destroy(&v->lock);
}

int opae_vfio_region_get(struct opae_vfio *v, uint32_t index, uint8_t **ptr,
			 size_t *size)
{
	struct opae_vfio_device_region *r;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, "opae_vfio_region_get");
	if (err)
		return err;
	if (index >= v->device.device_num_regions) {
		err = opaevfio_fail(EINVAL, "region %u out of range (device "
				    "has %u)", index,
				    v->device.device_num_regions);
		goto out;
	}
	for (r = v->device.regions; r; r = r->next)
		if (r->region_index == index)
			break;
	if (!r) {
		err = opaevfio_fail(ENOENT, "region %u is not mmapped (absent "
				    "or not mappable)", index);
		goto out;
	}
	if (ptr)
		*ptr = r->region_ptr;
	if (size)
		*size = r->region_size;
out:
	dev_unlock(v);
	errno = err;
	return err;
}

/* ------------------------------------------------------------------ */
/* interrupts                                                          */

static int find_irq(struct opae_vfio *v, uint32_t index, uint32_t subindex,
		    struct opae_vfio_device_irq **out)
{
	struct opae_vfio_device_irq *q;

	for (q = v->device.irqs; q; q = q->next)
		if (q->index == index)
			break;
	if (!q)
		return opaevfio_fail(EINVAL, "no IRQ index %u", index);
	if (subindex >= q->count)
		return opaevfio_fail(EINVAL, "IRQ %u.%u out of range (index "
				     "%u has %u vectors)", index, subindex,
				     index, q->count);
	*out = q;
	return 0;
}

static int set_irqs(struct opae_vfio *v, uint32_t flags, uint32_t index,
		    uint32_t start, uint32_t count, const void *data,
		    size_t datalen)
{
	struct vfio_irq_set *s;
	int err = 0;

	s = calloc(1, sizeof(*s) + datalen);
	if (!s)
		return ENOMEM;
	s->argsz = (uint32_t)(sizeof(*s) + datalen);
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (datalen)
		memcpy(s->data, data, datalen);
	if (ioctl(v->device.device_fd, VFIO_DEVICE_SET_IRQS, s))
		err = errno;
	free(s);
	return err;
}

static int32_t *new_fd_array(uint32_t count)
{
	int32_t *a = malloc((size_t)count * sizeof(*a));
	uint32_t i;

	if (a)
		for (i = 0; i < count; i++)
			a[i] = -1;
	return a;
}

int opae_vfio_irq_enable(struct opae_vfio *v, uint32_t index,
			 uint32_t subindex, int event_fd)
{
	struct opae_vfio_device_irq *q;
	int32_t old;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, "opae_vfio_irq_enable");
	if (err)
		return err;
	err = find_irq(v, index, subindex, &q);
	if (err)
		goto out;
	if (event_fd < 0) {
		err = opaevfio_fail(EINVAL, "bad eventfd %d", event_fd);
		goto out;
	}
	if (!(q->flags & VFIO_IRQ_INFO_EVENTFD)) {
		err = opaevfio_fail(ENOTSUP, "IRQ index %u cannot signal an "
				    "eventfd", index);
		goto out;
	}
	if (!q->event_fds && !(q->event_fds = new_fd_array(q->count))) {
		err = opaevfio_fail(ENOMEM, "out of memory");
		goto out;
	}
	old = q->event_fds[subindex];
	q->event_fds[subindex] = event_fd;
	err = set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD |
		       VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, q->count,
		       q->event_fds, q->count * sizeof(int32_t));
	if (err) {
		q->event_fds[subindex] = old;
		err = opaevfio_fail(err, "VFIO_DEVICE_SET_IRQS: enable IRQ "
				    "%u.%u%s", index, subindex,
				    err == EINVAL ? " (is another IRQ type "
				    "enabled?)" : "");
	}
out:
	dev_unlock(v);
	errno = err;
	return err;
}

int opae_vfio_irq_disable(struct opae_vfio *v, uint32_t index,
			  uint32_t subindex)
{
	struct opae_vfio_device_irq *q;
	uint32_t i, active = 0;
	int32_t old;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, "opae_vfio_irq_disable");
	if (err)
		return err;
	err = find_irq(v, index, subindex, &q);
	if (err || !q->event_fds || q->event_fds[subindex] < 0)
		goto out;	/* not enabled: nothing to do */
	old = q->event_fds[subindex];
	q->event_fds[subindex] = -1;
	for (i = 0; i < q->count; i++)
		if (q->event_fds[i] >= 0)
			active++;
	if (active)
		err = set_irqs(v, VFIO_IRQ_SET_DATA_EVENTFD |
			       VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, q->count,
			       q->event_fds, q->count * sizeof(int32_t));
	else	/* last vector: switch the whole index off */
		err = set_irqs(v, VFIO_IRQ_SET_DATA_NONE |
			       VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0,
			       NULL, 0);
	if (err) {
		q->event_fds[subindex] = old;
		err = opaevfio_fail(err, "VFIO_DEVICE_SET_IRQS: disable IRQ "
				    "%u.%u", index, subindex);
	}
out:
	dev_unlock(v);
	errno = err;
	return err;
}

static int irq_mask_op(struct opae_vfio *v, uint32_t index, uint32_t subindex,
		       int mask)
{
	const char *what = mask ? "mask" : "unmask";
	struct opae_vfio_device_irq *q;
	uint8_t one = 1;
	int err;

	opaevfio_clear_error();
	err = dev_lock(v, mask ? "opae_vfio_irq_mask" : "opae_vfio_irq_unmask");
	if (err)
		return err;
	err = find_irq(v, index, subindex, &q);
	if (err)
		goto out;
	if (!(q->flags & VFIO_IRQ_INFO_MASKABLE) &&
	    !(!mask && (q->flags & VFIO_IRQ_INFO_AUTOMASKED))) {
		err = opaevfio_fail(ENOTSUP, "IRQ index %u cannot be %sed",
				    index, what);
		goto out;
	}
	if (!q->masks && !(q->masks = calloc(q->count, sizeof(int32_t)))) {
		err = opaevfio_fail(ENOMEM, "out of memory");
		goto out;
	}
	err = set_irqs(v, VFIO_IRQ_SET_DATA_BOOL |
		       (mask ? VFIO_IRQ_SET_ACTION_MASK :
			       VFIO_IRQ_SET_ACTION_UNMASK),
		       index, subindex, 1, &one, sizeof(one));
	if (err)
		err = opaevfio_fail(err, "VFIO_DEVICE_SET_IRQS: %s IRQ %u.%u%s",
				    what, index, subindex,
				    err == EINVAL ? " (is it enabled?)" : "");
	else
		q->masks[subindex] = mask;
out:
	dev_unlock(v);
	errno = err;
	return err;
}

int opae_vfio_irq_mask(struct opae_vfio *v, uint32_t index, uint32_t subindex)
{
	return irq_mask_op(v, index, subindex, 1);
}

int opae_vfio_irq_unmask(struct opae_vfio *v, uint32_t index,
			 uint32_t subindex)
{
	return irq_mask_op(v, index, subindex, 0);
}
