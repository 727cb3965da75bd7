// SPDX-License-Identifier: BSD-3-Clause
/*
 * Host tests of libopaevfio's capability-chain walk (bounds checks, loops)
 * and of sparse region mapping, with a regular file standing in for the
 * VFIO device fd: only the listed areas are mapped, holes fault, bad
 * capabilities are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "internal.h"
#include "check.h"

static sigjmp_buf jb;

static void on_fault(int sig)
{
	siglongjmp(jb, sig);
}

/* Read one byte at p; returns the signal that stopped it, 0 if none. */
static __attribute__((noinline)) int probe(volatile uint8_t *p, uint8_t *out)
{
	int sig;

	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
	sig = sigsetjmp(jb, 1);
	if (!sig)
		*out = *p;
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	return sig;
}

static void put_hdr(uint8_t *buf, uint32_t off, uint16_t id, uint32_t next)
{
	struct vfio_info_cap_header h = { .id = id, .version = 1, .next = next };

	memcpy(buf + off, &h, sizeof(h));
}

static void test_find_cap(void)
{
	uint8_t buf[256] __attribute__((aligned(8)));
	const uint32_t hdr = sizeof(struct vfio_region_info);	/* 32 */
	struct vfio_info_cap_header *c;
	uint32_t capsz = 0;

	memset(buf, 0, sizeof(buf));
	put_hdr(buf, 32, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 40);
	put_hdr(buf, 40, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);

	c = opaevfio_find_cap(buf, 128, hdr, 32,
			      VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz);
	CHECK(c == (void *)(buf + 40));
	CHECK_EQ(capsz, 128 - 40);
	c = opaevfio_find_cap(buf, 128, hdr, 32,
			      VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, &capsz);
	CHECK(c == (void *)(buf + 32));
	CHECK(opaevfio_find_cap(buf, 128, hdr, 32, VFIO_REGION_INFO_CAP_TYPE,
				&capsz) == NULL);
	/* no chain */
	CHECK(opaevfio_find_cap(buf, 128, hdr, 0,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	/* first offset inside the fixed part, unaligned, past the end */
	CHECK(opaevfio_find_cap(buf, 128, hdr, 8,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	CHECK(opaevfio_find_cap(buf, 128, hdr, 34,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	CHECK(opaevfio_find_cap(buf, 128, hdr, 200,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	/* the second header does not fit in argsz */
	CHECK(opaevfio_find_cap(buf, 44, hdr, 32,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	CHECK(opaevfio_find_cap(buf, 48, hdr, 32,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) != NULL);
	/* a header that straddles the end */
	put_hdr(buf, 40, VFIO_REGION_INFO_CAP_TYPE, 124);
	CHECK(opaevfio_find_cap(buf, 128, hdr, 32,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	/* loops: to itself, backwards */
	put_hdr(buf, 40, VFIO_REGION_INFO_CAP_TYPE, 40);
	CHECK(opaevfio_find_cap(buf, 128, hdr, 32,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	put_hdr(buf, 40, VFIO_REGION_INFO_CAP_TYPE, 32);
	CHECK(opaevfio_find_cap(buf, 128, hdr, 32,
				VFIO_REGION_INFO_CAP_SPARSE_MMAP, &capsz) == NULL);
	/* a long but valid chain */
	memset(buf, 0, sizeof(buf));
	for (uint32_t off = 32; off < 240; off += 8)
		put_hdr(buf, off, 100, off + 8 < 240 ? off + 8 : 0);
	put_hdr(buf, 232, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 0);
	c = opaevfio_find_cap(buf, 256, hdr, 32,
			      VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, &capsz);
	CHECK(c == (void *)(buf + 232));
	CHECK_EQ(capsz, 24);
}

#define PG 4096

/* A sparse-mmap capability with n areas, in a buffer of its own. */
static struct vfio_region_info_cap_sparse_mmap *sparse_cap(uint32_t n,
							   const uint64_t *a)
{
	struct vfio_region_info_cap_sparse_mmap *sp;
	uint32_t i;

	sp = calloc(1, sizeof(*sp) + n * sizeof(sp->areas[0]));
	sp->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sp->nr_areas = n;
	for (i = 0; i < n; i++) {
		sp->areas[i].offset = a[2 * i];
		sp->areas[i].size = a[2 * i + 1];
	}
	return sp;
}

static uint32_t cap_size(uint32_t n)
{
	return (uint32_t)(sizeof(struct vfio_region_info_cap_sparse_mmap) +
			  n * sizeof(struct vfio_region_sparse_mmap_area));
}

static int try_map(int fd, uint64_t region_off, uint64_t size, uint32_t n,
		   const uint64_t *areas, uint32_t capsz,
		   struct opae_vfio_device *d)
{
	struct vfio_region_info_cap_sparse_mmap *sp = sparse_cap(n, areas);
	struct vfio_region_info ri;
	struct opae_vfio_device_region *r = calloc(1, sizeof(*r));
	int err;

	memset(&ri, 0, sizeof(ri));
	ri.index = 0;
	ri.size = size;
	ri.offset = region_off;
	memset(d, 0, sizeof(*d));
	d->device_fd = fd;
	r->region_size = (size_t)size;
	d->regions = r;
	err = opaevfio_map_sparse(d, r, &ri, sp, capsz);
	free(sp);
	return err;
}

static void test_map_sparse(void)
{
	char path[] = "/tmp/opaevfio-sparse.XXXXXX";
	uint8_t file[5 * PG], got = 0;
	struct opae_vfio_device d;
	struct opae_vfio_device_region *r;
	struct opae_vfio_sparse_info *s;
	int fd = mkstemp(path), i;

	if (fd < 0) {
		perror("mkstemp");
		CHECK(0);
		return;
	}
	unlink(path);
	for (i = 0; i < (int)sizeof(file); i++)
		file[i] = (uint8_t)(i / PG * 16 + i % 7);
	CHECK_EQ(write(fd, file, sizeof(file)), sizeof(file));

	/* region at file offset 4 KiB, 16 KiB long; areas: page 0 and pages
	 * 2-3, an empty area in between; page 1 is the hole */
	{
		const uint64_t a[] = { 0, PG, PG, 0, 2 * PG, 2 * PG };

		CHECK_EQ(try_map(fd, PG, 4 * PG, 3, a, cap_size(3), &d), 0);
	}
	r = d.regions;
	CHECK(r->region_ptr != NULL);
	s = r->region_sparse;
	CHECK(s && s->index == 0 && s->offset == 0 && s->size == PG &&
	      s->ptr == r->region_ptr);
	CHECK(s && s->next && s->next->index == 2 &&
	      s->next->offset == 2 * PG && s->next->size == 2 * PG &&
	      s->next->ptr == r->region_ptr + 2 * PG && !s->next->next);
	CHECK_EQ(probe(r->region_ptr + 5, &got), 0);
	CHECK_EQ(got, file[PG + 5]);
	CHECK_EQ(probe(r->region_ptr + 3 * PG + 9, &got), 0);
	CHECK_EQ(got, file[4 * PG + 9]);
	/* the hole is PROT_NONE, not silently readable memory */
	CHECK_EQ(probe(r->region_ptr + PG + 1, &got), SIGSEGV);
	/* writes go to the "device" */
	r->region_ptr[2 * PG] = 0xab;
	CHECK_EQ(pread(fd, &got, 1, 3 * PG), 1);
	CHECK_EQ(got, 0xab);
	opaevfio_free_regions(&d);
	CHECK(d.regions == NULL);

	/* no areas: all of it reserved, nothing readable */
	CHECK_EQ(try_map(fd, 0, 2 * PG, 0, NULL, cap_size(0), &d), 0);
	CHECK(d.regions->region_sparse == NULL);
	CHECK_EQ(probe(d.regions->region_ptr, &got), SIGSEGV);
	opaevfio_free_regions(&d);

	/* bad capabilities are refused, and clean up */
	{
		const uint64_t out[] = { 2 * PG, 4 * PG };	/* past the end */
		const uint64_t odd[] = { 100, PG };		/* unaligned */
		const uint64_t wrap[] = { PG, UINT64_MAX - 10 }; /* overflow */
		const uint64_t two[] = { 0, PG, PG, PG };

		CHECK_EQ(try_map(fd, 0, 4 * PG, 1, out, cap_size(1), &d), EIO);
		opaevfio_free_regions(&d);
		CHECK_EQ(try_map(fd, 0, 4 * PG, 1, odd, cap_size(1), &d), EIO);
		opaevfio_free_regions(&d);
		CHECK_EQ(try_map(fd, 0, 4 * PG, 1, wrap, cap_size(1), &d), EIO);
		opaevfio_free_regions(&d);
		/* nr_areas says 2, the reply holds 1 */
		CHECK_EQ(try_map(fd, 0, 4 * PG, 2, two, cap_size(1), &d), EIO);
		opaevfio_free_regions(&d);
		/* not even the capability header */
		CHECK_EQ(try_map(fd, 0, 4 * PG, 0, NULL, 8, &d), EIO);
		opaevfio_free_regions(&d);
		/* nr_areas so large that n * 16 would overflow 32 bits */
		{
			struct vfio_region_info_cap_sparse_mmap sp;
			struct vfio_region_info ri;
			struct opae_vfio_device_region *rr = calloc(1, sizeof(*rr));

			memset(&sp, 0, sizeof(sp));
			sp.nr_areas = 0x10000001u;
			memset(&ri, 0, sizeof(ri));
			ri.size = 4 * PG;
			memset(&d, 0, sizeof(d));
			d.device_fd = fd;
			rr->region_size = 4 * PG;
			d.regions = rr;
			CHECK_EQ(opaevfio_map_sparse(&d, rr, &ri, &sp, sizeof(sp)),
				 EIO);
			opaevfio_free_regions(&d);
		}
	}
	close(fd);
}

int main(void)
{
	test_find_cap();
	test_map_sparse();
	return t_summary("test_opaevfio_caps");
}
