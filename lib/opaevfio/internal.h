/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal interfaces of libopaevfio.  Everything here is hidden in the
 * shared library; host unit tests link the objects directly.
 */
#ifndef OPAEVFIO_INTERNAL_H
#define OPAEVFIO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <opae/vfio.h>

#define OPAEVFIO_API __attribute__((visibility("default")))

#define OPAEVFIO_MAGIC 0x0fae0f10u

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

/* ---- iova.c: allocator over inclusive [start, last] ranges ---- */
void opaevfio_iova_init(struct mem_alloc *m);
void opaevfio_iova_destroy(struct mem_alloc *m);
/* Add free space; EINVAL if start > last, EEXIST on overlap, ENOMEM. */
int opaevfio_iova_add_range(struct mem_alloc *m, uint64_t start,
			    uint64_t last);
/* Lowest-address fit of size bytes aligned to align (a power of two);
 * EINVAL on size 0 or a bad align, ENOSPC when nothing fits, ENOMEM. */
int opaevfio_iova_alloc(struct mem_alloc *m, uint64_t size, uint64_t align,
			uint64_t *out);
/* Return the allocation starting at start; ENOENT if there is none. */
int opaevfio_iova_free(struct mem_alloc *m, uint64_t start);
/* Bytes still free (saturating at UINT64_MAX) and number of free ranges. */
uint64_t opaevfio_iova_free_bytes(const struct mem_alloc *m);
size_t opaevfio_iova_free_ranges(const struct mem_alloc *m);

/* ---- hash_map.c: u64 key -> pointer ---- */
int opaevfio_hmap_init(opae_hash_map *h, uint32_t num_buckets);
/* EEXIST if the key is present, ENOMEM. */
int opaevfio_hmap_add(opae_hash_map *h, uint64_t key, void *value);
void *opaevfio_hmap_find(const opae_hash_map *h, uint64_t key);
/* Removes and returns the value, NULL if absent. */
void *opaevfio_hmap_remove(opae_hash_map *h, uint64_t key);
/* Removes one item (any) and returns its value, NULL when empty. */
void *opaevfio_hmap_pop(opae_hash_map *h);
void opaevfio_hmap_destroy(opae_hash_map *h);

/* ---- util.c ---- */
/* "ssss:bb:dd.f" or "bb:dd.f" -> canonical "%04x:%02x:%02x.%x"; EINVAL. */
int opaevfio_parse_pciaddr(const char *s, char *out, size_t outlen);
/* 1 if s is exactly a UUID (8-4-4-4-12 hex digits), else 0. */
int opaevfio_uuid_valid(const char *s);
/* Round size up to a multiple of page (a power of two); 0 on overflow. */
uint64_t opaevfio_round_up(uint64_t size, uint64_t page);
/*
 * Page sizes to try for a buffer of size bytes, best first, ending with
 * sys_page: > 2 MiB -> 1G, 2M, sys; > sys_page -> 2M, sys; else sys.
 * Returns how many were written to out[3].
 */
int opaevfio_page_candidates(uint64_t size, uint64_t sys_page,
			     uint64_t out[3]);

/* Record a failure reason for opae_vfio_last_error(); returns err and sets
 * errno = err.  Prints it to stderr when OPAEVFIO_DEBUG is set. */
int opaevfio_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void opaevfio_clear_error(void);

/* ---- vfio.c pieces that are tested on the host ---- */
struct vfio_info_cap_header;
struct vfio_region_info;
struct vfio_region_info_cap_sparse_mmap;
/*
 * Capability `id` in an INFO reply of argsz bytes whose fixed part is hdrsz
 * bytes, chain starting at `first`; NULL if absent or the chain is malformed
 * (offset inside the fixed part, past the end, unaligned, not increasing).
 * *capsz = bytes from the capability to the end of the reply.
 */
struct vfio_info_cap_header *opaevfio_find_cap(void *info, uint32_t argsz,
					       uint32_t hdrsz, uint32_t first,
					       uint16_t id, uint32_t *capsz);
/* Map region r (ri: its info, r->region_size set) area by area from
 * d->device_fd as the sparse-mmap capability sp says; holes stay PROT_NONE.
 * EIO for a truncated capability or an area outside the region. */
int opaevfio_map_sparse(struct opae_vfio_device *d,
			struct opae_vfio_device_region *r,
			const struct vfio_region_info *ri,
			const struct vfio_region_info_cap_sparse_mmap *sp,
			uint32_t capsz);
/* Unmap and free d->regions. */
void opaevfio_free_regions(struct opae_vfio_device *d);

/* Roots, overridable by tests: "/sys/bus/pci" and "/dev/vfio". */
extern const char *opaevfio_sysfs_pci_root;
extern const char *opaevfio_dev_vfio_root;

#endif /* OPAEVFIO_INTERNAL_H */
