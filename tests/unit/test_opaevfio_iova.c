// SPDX-License-Identifier: BSD-3-Clause
/* Host tests of libopaevfio's IOVA allocator (lib/opaevfio/iova.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "check.h"

static void test_add_range(void)
{
	struct mem_alloc m;

	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x2000, 0x1fff), EINVAL);
	CHECK_EQ(opaevfio_iova_add_range(NULL, 0, 1), EINVAL);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1000, 0x1fff), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1800, 0x27ff), EEXIST);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x0, 0x1000), EEXIST);
	/* adjacent ranges coalesce, on either side */
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x2000, 0x2fff), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x0, 0xfff), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), 0x3000);
	/* a separate range stays separate, in order */
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x10000, 0x10fff), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x8000, 0x8fff), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 3);
	CHECK(m.free_list->start == 0 && m.free_list->next->start == 0x8000 &&
	      m.free_list->next->next->start == 0x10000);
	/* filling the gaps merges everything */
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x3000, 0x7fff), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x9000, 0xffff), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), 0x11000);
	opaevfio_iova_destroy(&m);
	CHECK(m.free_list == NULL && m.used_list == NULL);
	opaevfio_iova_destroy(&m);	/* twice is harmless */
}

static void test_alloc_basic(void)
{
	struct mem_alloc m;
	uint64_t a = 0, b = 0, c = 0;

	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &a), ENOSPC);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1000, 0xfffff), 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0, 0x1000, &a), EINVAL);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0, &a), EINVAL);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x3000, &a), EINVAL);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, NULL), EINVAL);
	CHECK_EQ(opaevfio_iova_alloc(NULL, 0x1000, 0x1000, &a), EINVAL);

	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &a), 0);
	CHECK_EQ(a, 0x1000);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &b), 0);
	CHECK_EQ(b, 0x2000);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x3000, 0x1000, &c), 0);
	CHECK_EQ(c, 0x3000);
	/* lowest fit reuses a freed hole */
	CHECK_EQ(opaevfio_iova_free(&m, b), 0);
	CHECK_EQ(opaevfio_iova_free(&m, b), ENOENT);	/* double free */
	CHECK_EQ(opaevfio_iova_free(&m, 0x1234), ENOENT);
	CHECK_EQ(opaevfio_iova_free(&m, c + 0x1000), ENOENT); /* not a start */
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &b), 0);
	CHECK_EQ(b, 0x2000);
	/* too big */
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x100000, 0x1000, &b), ENOSPC);
	/* everything back: one range again */
	CHECK_EQ(opaevfio_iova_free(&m, a), 0);
	CHECK_EQ(opaevfio_iova_free(&m, c), 0);
	CHECK_EQ(opaevfio_iova_free(&m, 0x2000), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), 0xff000);
	/* whole range at once */
	CHECK_EQ(opaevfio_iova_alloc(&m, 0xff000, 0x1000, &a), 0);
	CHECK_EQ(a, 0x1000);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, 1, 1, &b), ENOSPC);
	CHECK_EQ(opaevfio_iova_free(&m, a), 0);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), 0xff000);
	opaevfio_iova_destroy(&m);
}

static void test_alignment(void)
{
	struct mem_alloc m;
	uint64_t a, b, g[4];
	int i;

	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1000, 0x7fffffff), 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, SZ_2M, SZ_2M, &a), 0);
	CHECK_EQ(a, SZ_2M);
	/* the part below the aligned block stays usable */
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &b), 0);
	CHECK_EQ(b, 0x1000);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 2);
	CHECK_EQ(opaevfio_iova_free(&m, a), 0);
	CHECK_EQ(opaevfio_iova_free(&m, b), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	opaevfio_iova_destroy(&m);

	/* x86-like layout: a hole for the MSI window below 4 GiB */
	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1000, 0xfedfffff), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0xfef00000, 0x7fffffffffull), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(opaevfio_iova_alloc(&m, SZ_1G, SZ_1G, &g[i]), 0);
	CHECK_EQ(g[0], 0x40000000);
	CHECK_EQ(g[1], 0x80000000);
	CHECK_EQ(g[2], 0x100000000ull);		/* skips the MSI hole */
	CHECK_EQ(g[3], 0x140000000ull);
	/* 2 MiB blocks still fit below 1 GiB and around the hole */
	CHECK_EQ(opaevfio_iova_alloc(&m, SZ_2M, SZ_2M, &a), 0);
	CHECK_EQ(a, SZ_2M);
	for (i = 0; i < 4; i++)
		CHECK_EQ(opaevfio_iova_free(&m, g[i]), 0);
	CHECK_EQ(opaevfio_iova_free(&m, a), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 2);
	opaevfio_iova_destroy(&m);
}

static void test_edges(void)
{
	struct mem_alloc m;
	uint64_t a, b;

	/* the full 64-bit space, inclusive ends, no overflow */
	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0, UINT64_MAX), 0);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), UINT64_MAX);	/* saturates */
	CHECK_EQ(opaevfio_iova_alloc(&m, UINT64_MAX, 1, &a), 0);
	CHECK_EQ(a, 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, 1, 1, &b), 0);
	CHECK_EQ(b, UINT64_MAX);
	CHECK_EQ(opaevfio_iova_alloc(&m, 1, 1, &b), ENOSPC);
	CHECK_EQ(opaevfio_iova_free(&m, UINT64_MAX), 0);
	CHECK_EQ(opaevfio_iova_free(&m, 0), 0);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 1);
	CHECK(m.free_list && m.free_list->start == 0 &&
	      m.free_list->last == UINT64_MAX);
	opaevfio_iova_destroy(&m);

	/* alignment that would overflow past the top of the range */
	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, UINT64_MAX - 0xfff, UINT64_MAX), 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 1ull << 63, &a), ENOSPC);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x2000, 0x1000, &a), ENOSPC);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x1000, &a), 0);
	CHECK_EQ(a, UINT64_MAX - 0xfff);
	opaevfio_iova_destroy(&m);

	/* size + alignment larger than the range */
	opaevfio_iova_init(&m);
	CHECK_EQ(opaevfio_iova_add_range(&m, 0x1000, 0x2fff), 0);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x4000, &a), ENOSPC);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x2000, 0x2000, &a), ENOSPC);
	CHECK_EQ(opaevfio_iova_alloc(&m, 0x1000, 0x2000, &a), 0);
	CHECK_EQ(a, 0x2000);
	opaevfio_iova_destroy(&m);
}

/* Random allocations and frees against a byte map of a small space. */
static void test_random(void)
{
	enum { SPACE = 4096, N = 64, ROUNDS = 20000 };
	static unsigned char owner[SPACE];
	struct { uint64_t start, size; int live; } al[N];
	struct mem_alloc m;
	unsigned int seed = 12345;
	int r, i, bad = 0, allocs = 0;
	uint64_t used = 0;

	memset(owner, 0, sizeof(owner));
	memset(al, 0, sizeof(al));
	opaevfio_iova_init(&m);
	/* three ranges with holes between them */
	CHECK_EQ(opaevfio_iova_add_range(&m, 16, 1023), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 1100, 2999), 0);
	CHECK_EQ(opaevfio_iova_add_range(&m, 3072, SPACE - 1), 0);
	for (i = 0; i < 16; i++)
		owner[i] = 0xff;
	for (i = 1024; i < 1100; i++)
		owner[i] = 0xff;
	for (i = 3000; i < 3072; i++)
		owner[i] = 0xff;
	const uint64_t total = opaevfio_iova_free_bytes(&m);

	for (r = 0; r < ROUNDS && !bad; r++) {
		i = rand_r(&seed) % N;
		if (al[i].live) {
			if (opaevfio_iova_free(&m, al[i].start))
				bad++;
			for (uint64_t k = 0; k < al[i].size; k++)
				owner[al[i].start + k] = 0;
			used -= al[i].size;
			al[i].live = 0;
		} else {
			uint64_t size = 1 + rand_r(&seed) % 200;
			uint64_t align = 1ull << (rand_r(&seed) % 6);
			uint64_t a;
			int err = opaevfio_iova_alloc(&m, size, align, &a);

			if (err == ENOSPC)
				continue;
			if (err || (a & (align - 1)) || a + size > SPACE) {
				bad++;
				break;
			}
			for (uint64_t k = 0; k < size; k++) {
				if (owner[a + k])
					bad++;
				owner[a + k] = (unsigned char)(i + 1);
			}
			al[i].start = a;
			al[i].size = size;
			al[i].live = 1;
			used += size;
			allocs++;
		}
		if (opaevfio_iova_free_bytes(&m) != total - used)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(allocs > 1000);
	for (i = 0; i < N; i++)
		if (al[i].live)
			CHECK_EQ(opaevfio_iova_free(&m, al[i].start), 0);
	CHECK_EQ(opaevfio_iova_free_bytes(&m), total);
	CHECK_EQ(opaevfio_iova_free_ranges(&m), 3);
	opaevfio_iova_destroy(&m);
}

int main(void)
{
	test_add_range();
	test_alloc_basic();
	test_alignment();
	test_edges();
	test_random();
	return t_summary("test_opaevfio_iova");
}
