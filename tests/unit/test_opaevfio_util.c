// SPDX-License-Identifier: BSD-3-Clause
/* Host tests of libopaevfio helpers: PCI addresses, UUIDs, page sizes,
 * the buffer hash map and the last-error string. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "check.h"

static void test_pciaddr(void)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "0000:00:03.0", "0000:00:03.0" },
		{ "00:03.0", "0000:00:03.0" },
		{ "0:3.7", "0000:00:03.7" },
		{ "0000:AB:1F.7", "0000:ab:1f.7" },
		{ "ffff:ff:1f.7", "ffff:ff:1f.7" },
		{ "10000:00:00.0", "10000:00:00.0" },	/* VMD-style domain */
		{ "1:02:03.4", "0001:02:03.4" },
	};
	static const char *const bad[] = {
		"", "0000", "0000:00:03", "0000:00:03.", "0000:00:20.0",
		"0000:00:03.8", "0000:100:03.0", "0000:00:03.0 ", " 00:03.0",
		"0000:00:03.0\n", "0000:00:003.0", "00:00:00:03.0",
		"123456789:00:00.0", "0000:00:03.00", "gg:00.0", "0000-00:03.0",
		"0000:00:03:0", "000:00.0", "ERROR",
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(out, 0, sizeof(out));
		CHECK_EQ(opaevfio_parse_pciaddr(ok[i].in, out, sizeof(out)), 0);
		CHECK_STR(out, ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = opaevfio_parse_pciaddr(bad[i], out, sizeof(out));

		if (r != EINVAL)
			fprintf(stderr, "accepted bad address \"%s\"\n", bad[i]);
		CHECK_EQ(r, EINVAL);
	}
	CHECK_EQ(opaevfio_parse_pciaddr(NULL, out, sizeof(out)), EINVAL);
	CHECK_EQ(opaevfio_parse_pciaddr("00:03.0", NULL, 0), EINVAL);
	CHECK_EQ(opaevfio_parse_pciaddr("00:03.0", out, 5), EINVAL);
}

static void test_uuid(void)
{
	static const char *const ok[] = {
		"00f5ad6b-2edd-422e-9d1e-34124c686fec",
		"00F5AD6B-2EDD-422E-9D1E-34124C686FEC",
		"00000000-0000-0000-0000-000000000000",
	};
	static const char *const bad[] = {
		"", "00f5ad6b2edd422e9d1e34124c686fec",
		"00f5ad6b-2edd-422e-9d1e-34124c686fe",
		"00f5ad6b-2edd-422e-9d1e-34124c686fecc",
		"x00f5ad6b-2edd-422e-9d1e-34124c686fec",
		"00f5ad6b-2edd-422e-9d1e-34124c686fec ",
		"00f5ad6b-2edd-422e-9d1e-34124c686feg",
		"00f5ad6b-2edd-422e-9d1e_34124c686fec",
		"00f5ad6b-2edd-422e9-d1e-34124c686fec",
		"{00f5ad6b-2edd-422e-9d1e-34124c686fec}",
		"00f5ad6b-2edd-422e-9d1e-34124c686fec,vf_token=x",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK_EQ(opaevfio_uuid_valid(ok[i]), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(opaevfio_uuid_valid(bad[i]), 0);
	CHECK_EQ(opaevfio_uuid_valid(NULL), 0);
}

static void test_rounding(void)
{
	uint64_t c[3];
	int n;

	CHECK_EQ(opaevfio_round_up(1, 4096), 4096);
	CHECK_EQ(opaevfio_round_up(4096, 4096), 4096);
	CHECK_EQ(opaevfio_round_up(4097, 4096), 8192);
	CHECK_EQ(opaevfio_round_up(5000, SZ_2M), SZ_2M);
	CHECK_EQ(opaevfio_round_up(SZ_2M + 1, SZ_2M), 2 * SZ_2M);
	CHECK_EQ(opaevfio_round_up(SZ_2M + 1, SZ_1G), SZ_1G);
	CHECK_EQ(opaevfio_round_up(3 * SZ_1G - 1, SZ_1G), 3 * SZ_1G);
	CHECK_EQ(opaevfio_round_up(0, 4096), 0);
	CHECK_EQ(opaevfio_round_up(UINT64_MAX, 4096), 0);	/* overflow */
	CHECK_EQ(opaevfio_round_up(UINT64_MAX - 4095, 4096), UINT64_MAX - 4095);
	CHECK_EQ(opaevfio_round_up(100, 0), 0);
	CHECK_EQ(opaevfio_round_up(100, 3000), 0);		/* not 2^n */

	/* page choice by size, best first, ending at the system page */
	n = opaevfio_page_candidates(1, 4096, c);
	CHECK_EQ(n, 1);
	CHECK_EQ(c[0], 4096);
	n = opaevfio_page_candidates(4096, 4096, c);
	CHECK_EQ(n, 1);
	n = opaevfio_page_candidates(4097, 4096, c);
	CHECK_EQ(n, 2);
	CHECK_EQ(c[0], SZ_2M);
	CHECK_EQ(c[1], 4096);
	n = opaevfio_page_candidates(SZ_2M, 4096, c);
	CHECK_EQ(n, 2);
	CHECK_EQ(c[0], SZ_2M);
	n = opaevfio_page_candidates(SZ_2M + 1, 4096, c);
	CHECK_EQ(n, 3);
	CHECK_EQ(c[0], SZ_1G);
	CHECK_EQ(c[1], SZ_2M);
	CHECK_EQ(c[2], 4096);
	/* 64 KiB base pages (e.g. arm64) */
	n = opaevfio_page_candidates(65536, 65536, c);
	CHECK_EQ(n, 1);
	n = opaevfio_page_candidates(65537, 65536, c);
	CHECK_EQ(n, 2);
	CHECK_EQ(c[0], SZ_2M);

	/* the sizes callers get back, for each page actually used */
	CHECK_EQ(opaevfio_round_up(5000, c[0]), SZ_2M);
	CHECK_EQ(opaevfio_round_up(5000, 4096), 8192);
}

static void test_hmap(void)
{
	opae_hash_map h;
	int vals[300], i, bad = 0;

	memset(&h, 0, sizeof(h));
	CHECK(opaevfio_hmap_find(&h, 1) == NULL);	/* not set up */
	CHECK(opaevfio_hmap_pop(&h) == NULL);
	CHECK_EQ(opaevfio_hmap_add(&h, 1, vals), EINVAL);
	CHECK_EQ(opaevfio_hmap_init(&h, 3), EINVAL);
	CHECK_EQ(opaevfio_hmap_init(&h, 16), 0);
	for (i = 0; i < 300; i++)
		if (opaevfio_hmap_add(&h, 0x7f0000000000ull + (uint64_t)i * 4096,
				      &vals[i]))
			bad++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(h.count, 300);
	CHECK_EQ(opaevfio_hmap_add(&h, 0x7f0000000000ull, vals), EEXIST);
	for (i = 0; i < 300; i++)
		if (opaevfio_hmap_find(&h, 0x7f0000000000ull +
				       (uint64_t)i * 4096) != &vals[i])
			bad++;
	CHECK_EQ(bad, 0);
	CHECK(opaevfio_hmap_find(&h, 0x7f0000000001ull) == NULL);
	CHECK(opaevfio_hmap_remove(&h, 0x7f0000000000ull) == &vals[0]);
	CHECK(opaevfio_hmap_remove(&h, 0x7f0000000000ull) == NULL);
	CHECK_EQ(h.count, 299);
	for (i = 0; opaevfio_hmap_pop(&h); i++)
		;
	CHECK_EQ(i, 299);
	CHECK_EQ(h.count, 0);
	CHECK_EQ(opaevfio_hmap_add(&h, 5, vals), 0);
	opaevfio_hmap_destroy(&h);	/* frees the remaining item */
	CHECK(h.buckets == NULL && h.num_buckets == 0);
	opaevfio_hmap_destroy(&h);
	opaevfio_hmap_destroy(NULL);
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* each thread has its own last-error string */
	return (void *)(uintptr_t)(opae_vfio_last_error()[0] == '\0');
}

static void test_last_error(void)
{
	pthread_t t;
	void *res = NULL;

	opaevfio_clear_error();
	CHECK_STR(opae_vfio_last_error(), "");
	errno = 0;
	CHECK_EQ(opaevfio_fail(ENODEV, "no PCI device %s", "0000:00:03.0"),
		 ENODEV);
	CHECK_EQ(errno, ENODEV);
	CHECK(strstr(opae_vfio_last_error(), "no PCI device 0000:00:03.0"));
	CHECK(strstr(opae_vfio_last_error(), strerror(ENODEV)));
	CHECK_EQ(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, &res);
	CHECK(res != NULL);
	opaevfio_clear_error();
	CHECK_STR(opae_vfio_last_error(), "");
}

int main(void)
{
	test_pciaddr();
	test_uuid();
	test_rounding();
	test_hmap();
	test_last_error();
	return t_summary("test_opaevfio_util");
}
