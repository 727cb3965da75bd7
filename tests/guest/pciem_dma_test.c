// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_dma_test - the emulated function reading and writing host memory.
 *
 * The driver pciem_mmio_test allocates a coherent DMA buffer on command and
 * reports its bus address: an IOVA when the function is attached behind a
 * root port the test VM's IOMMU translates for (default), a physical address
 * recorded by pciem's own DMA operations with "virtual" (no IOMMU).  This
 * program, as the device, moves data in both directions across page
 * boundaries, runs every atomic operation, walks PRP lists it builds in the
 * buffer (as an NVMe driver would), writes into a BAR by P2P, and checks that
 * the device cannot reach what the driver did not map for it — an address
 * past the buffer, or the buffer after the driver freed it (even when the
 * driver gives dma_free_coherent() the wrong size).  A driver's buffer may be
 * a slab object: the device reaches it as memory all the same.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pciem.h"
#include "testlib.h"


#define BUF	(256 * 1024)

static struct pciem_dev *d;
static char cmdpath[128];

#define cmd(...) driver_cmd(cmdpath, __VA_ARGS__)

static unsigned long sum(const uint8_t *p, size_t n)
{
	unsigned long s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void test_copy(uint64_t iova)
{
	static uint8_t out[BUF], in[BUF];

	for (size_t i = 0; i < BUF; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	/* Whole buffer, then a piece straddling pages at an odd offset. */
	CHECK(pciem_dma_write(d, iova, out, BUF) == 0, "DMA write of the buffer");
	CHECK(cmd("dmasum 0 %d", BUF) == (long)sum(out, BUF), "driver sees what was written");
	CHECK(pciem_dma_write(d, iova + 4093, out, 9000) == 0, "DMA write across pages");
	CHECK(cmd("dmasum 4093 9000") == (long)sum(out, 9000), "unaligned write");
	cmd("dmafill 0 %d 90", BUF);
	CHECK(pciem_dma_read(d, iova, in, BUF) == 0, "DMA read of the buffer");
	{
		int ok = 1;

		for (size_t i = 0; i < BUF; i++)
			if (in[i] != 90)
				ok = 0;
		CHECK(ok, "DMA read returns what the driver wrote");
	}
	/* Past the end of what the driver mapped: refused, nothing copied. */
	CHECK(pciem_dma_read(d, iova + BUF, in, 8) == -ENXIO, "read past the mapping");
	CHECK(pciem_dma_write(d, iova + BUF - 4, out, 8) == -ENXIO, "write running past the mapping");
	CHECK(pciem_dma_read(d, 0x1000, in, 8) == -ENXIO, "read of an address never mapped");
}

static void test_atomics(uint64_t iova)
{
	struct { uint32_t op; uint64_t operand, compare, want_old, want_new; } t[] = {
		{ PCIEM_ATOMIC_FETCH_ADD, 5, 0, 100, 105 },
		{ PCIEM_ATOMIC_FETCH_SUB, 10, 0, 105, 95 },
		{ PCIEM_ATOMIC_SWAP, 0xabcd, 0, 95, 0xabcd },
		{ PCIEM_ATOMIC_CAS, 7, 0xabcd, 0xabcd, 7 },
		{ PCIEM_ATOMIC_CAS, 9, 0x1234, 7, 7 },		/* compare fails */
		{ PCIEM_ATOMIC_FETCH_AND, 6, 0, 7, 6 },
		{ PCIEM_ATOMIC_FETCH_OR, 0x30, 0, 6, 0x36 },
		{ PCIEM_ATOMIC_FETCH_XOR, 0xff, 0, 0x36, 0xc9 },
	};
	uint64_t v = 100, old;

	CHECK(pciem_dma_write(d, iova + 64, &v, 8) == 0, "seed the word");
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = pciem_dma_atomic(d, iova + 64, t[i].op, t[i].operand, t[i].compare, &old);

		CHECK(r == 0 && old == t[i].want_old, "atomic %u: ret %d old %#llx, want %#llx",
		      t[i].op, r, (unsigned long long)old, (unsigned long long)t[i].want_old);
		CHECK((uint64_t)cmd("dmaget 64") == t[i].want_new, "atomic %u: word %#lx, want %#llx",
		      t[i].op, cmd("dmaget 64"), (unsigned long long)t[i].want_new);
	}
	CHECK(pciem_dma_atomic(d, iova + 65, PCIEM_ATOMIC_SWAP, 0, 0, &old) == -EINVAL, "unaligned");
	CHECK(pciem_dma_atomic(d, iova + 64, 0, 0, 0, &old) == -EINVAL, "op 0");
	CHECK(pciem_dma_atomic(d, iova + 64, 8, 0, 0, &old) == -EINVAL, "op 8");
	CHECK(pciem_dma_atomic(d, iova + BUF, PCIEM_ATOMIC_SWAP, 0, 0, &old) == -ENXIO, "unmapped");
}

/* PRP lists built in the buffer's last 16 KiB, data in its first pages. */
static void test_prp(uint64_t iova)
{
	static uint8_t out[200 * 1024], in[200 * 1024];
	const uint32_t pg = 4096;
	uint64_t list = iova + BUF - 16384;
	uint64_t entries[64];
	size_t len = 37 * pg - 100;	/* PRP1 offset 100, 37 pages touched */

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 1);
	/* PRP1 = page 0 + 100; the list names pages 1..36 (one list page: 36 entries). */
	for (int i = 0; i < 36; i++)
		entries[i] = iova + (uint64_t)(i + 1) * pg;
	CHECK(pciem_dma_write(d, list, entries, 36 * 8) == 0, "write the PRP list");
	CHECK(pciem_dma_prp(d, iova + 100, list, pg, out, len, true) == 0, "PRP write");
	CHECK(cmd("dmasum 100 %zu", len) == (long)sum(out, len), "PRP write landed in order");
	CHECK(pciem_dma_prp(d, iova + 100, list, pg, in, len, false) == 0, "PRP read");
	CHECK(!memcmp(in, out, len), "PRP read back");
	/* Two pages: PRP2 is the second page itself. */
	CHECK(pciem_dma_prp(d, iova + 8, iova + pg, pg, out, 2 * pg - 8, true) == 0, "PRP2 page");
	CHECK(cmd("dmasum 8 %u", 2 * pg - 8) == (long)sum(out, 2 * pg - 8), "PRP2 data");
	/* A list entry outside the mapping stops the transfer. */
	entries[3] = iova + BUF + pg;
	pciem_dma_write(d, list, entries, 36 * 8);
	CHECK(pciem_dma_prp(d, iova + 100, list, pg, in, len, false) == -ENXIO, "bad PRP entry");
	CHECK(pciem_dma_prp(d, iova + 1, list, pg, in, len, false) == -EINVAL, "PRP1 not dword aligned");
	CHECK(pciem_dma_prp(d, iova, list, 3000, in, len, false) == -EINVAL, "page size");
}

static void test_p2p(void)
{
	struct pciem_bar_info_query q;
	struct pciem_p2p_op_user op;
	uint32_t v = 0x5eed1234, back = 0;
	volatile uint32_t *bar = pciem_bar(d, 2, NULL);

	CHECK(pciem_bar_info(d, 2, &q) == 0, "BAR 2 info");
	op = (struct pciem_p2p_op_user){ .target_phys_addr = q.phys_addr + 0x40,
		.user_addr = (uintptr_t)&v, .length = 4, .flags = PCIEM_DMA_FLAG_WRITE };
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_P2P, &op) == 0, "P2P write into a BAR");
	CHECK(bar[0x40 / 4] == 0x5eed1234, "P2P data in the BAR: %#x", bar[0x40 / 4]);
	op.user_addr = (uintptr_t)&back;
	op.flags = PCIEM_DMA_FLAG_READ;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_P2P, &op) == 0 && back == 0x5eed1234, "P2P read");
	op.target_phys_addr = 0x100000;	/* ordinary RAM */
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_P2P, &op) < 0 && errno == EPERM, "P2P into RAM");
	op.flags = 3;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_P2P, &op) < 0 && errno == EINVAL, "P2P flags");
}

static void test_errors(uint64_t iova)
{
	struct pciem_dma_op op = { .guest_iova = iova, .length = 8, .flags = 3 };
	uint64_t x;

	op.user_addr = (uintptr_t)&x;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_DMA, &op) < 0 && errno == EINVAL, "both directions");
	op.flags = PCIEM_DMA_FLAG_READ;
	op.length = 0;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_DMA, &op) < 0 && errno == EINVAL, "length 0");
	op.length = 8;
	op.pasid = 1;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_DMA, &op) < 0 && errno == EOPNOTSUPP, "PASID");
	op.pasid = 0;
	op.reserved = 1;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_DMA, &op) < 0 && errno == EINVAL, "reserved");
	op.reserved = 0;
	op.user_addr = 16;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_DMA, &op) < 0 && errno == EFAULT, "bad user buffer");
}

/* Streaming mappings: the direction the driver mapped for is the one allowed. */
static void test_directions(bool tracked)
{
	uint64_t to_dev, from_dev, x = 0x1122334455667788ULL;

	to_dev = (uint64_t)cmd("dmamap 1 8192");
	CHECK((long)to_dev > 0, "map to device");
	CHECK(pciem_dma_read(d, to_dev, &x, 8) == 0, "device reads a to-device mapping");
	if (tracked)
		CHECK(pciem_dma_write(d, to_dev, &x, 8) == -EPERM,
		      "device writes a to-device mapping");
	cmd("dmaunmap 0");
	CHECK(pciem_dma_read(d, to_dev, &x, 8) == -ENXIO, "read after dma_unmap_single");
	from_dev = (uint64_t)cmd("dmamap 2 8192");
	CHECK((long)from_dev > 0, "map from device");
	CHECK(pciem_dma_write(d, from_dev + 4000, &x, 8) == 0, "device writes a from-device mapping");
	if (tracked)
		CHECK(pciem_dma_read(d, from_dev, &x, 8) == -EPERM,
		      "device reads a from-device mapping");
	cmd("dmaunmap 0");
}

/*
 * A buffer that is an object of a slab cache exposing nothing to userspace,
 * as a file system's journal buffers are: the device reads and writes it
 * like any other (hardened usercopy would stop the copy, with a kernel BUG,
 * if pciem copied it as a kernel object rather than as memory).
 */
static void test_slab_object(void)
{
	uint8_t out[1024], in[1024];
	uint64_t iova = (uint64_t)cmd("dmaslab 0 1024");

	CHECK((long)iova > 0, "map a 1 KiB slab object");
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 5 + 11);
	CHECK(pciem_dma_write(d, iova, out, sizeof(out)) == 0, "DMA write of the slab object");
	CHECK(pciem_dma_read(d, iova, in, sizeof(in)) == 0, "DMA read of the slab object");
	CHECK(!memcmp(in, out, sizeof(in)), "slab object read back");
	CHECK(pciem_dma_write(d, iova + 1000, out, 24) == 0, "DMA write at its end");
	CHECK(cmd("dmaunmap 0") == 0, "unmap the slab object");
}

/*
 * A driver frees a coherent buffer claiming a size it never allocated (nvme
 * does, recomputing its doorbell buffer's size from a CAP that reads all
 * ones once the device is gone).  pciem's DMA operations free what was
 * allocated, and the device loses the buffer all the same.  Freeing the
 * wrong number of pages would corrupt the page allocator: "Bad page state"
 * in the kernel log, which fails the test.
 */
static void test_free_wrong_size(void)
{
	uint64_t iova, x;
	int i;

	for (i = 0; i < 64; i++) {
		iova = (uint64_t)cmd("dmabuf 0 8192");
		CHECK((long)iova > 0, "allocate 8 KiB (%d)", i);
		CHECK(cmd("dmafree %d", 786432) == 0, "free it as 768 KiB (%d)", i);
		CHECK(pciem_dma_read(d, iova, &x, 8) == -ENXIO, "read after the mis-sized free");
	}
}

/*
 * A driver limited to 32-bit DMA (dma_set_mask_and_coherent(32)) gets its
 * coherent buffers below 4 GiB.  pciem records each in slab memory, which
 * must not be asked for the DMA32 zone the pages come from: it would say
 * "Unexpected gfp" with a stack dump (failing the test) once it needed a
 * new slab, which a thousand buffers held at once make certain.
 */
static void test_mask32(void)
{
	uint64_t hi, x = 0;

	CHECK(cmd("dmamask 32") == 0, "32-bit DMA mask");
	hi = (uint64_t)cmd("dmahold 1024");
	CHECK((long)hi > 0 && hi + 4096 <= (1ULL << 32), "1024 buffers below 4 GiB (highest %#llx)",
	      (unsigned long long)hi);
	CHECK(pciem_dma_write(d, hi + 8, &hi, 8) == 0 && pciem_dma_read(d, hi + 8, &x, 8) == 0 &&
	      x == hi, "the device reaches the highest");
	CHECK(cmd("dmarelease 0") == 0, "free them");
	CHECK(pciem_dma_read(d, hi, &x, 8) == -ENXIO, "and then not");
	CHECK(cmd("dmamask 64") == 0, "64-bit DMA mask again");
}

int main(int argc, char **argv)
{
	/* "virtual": a function no IOMMU translates for (pciem's tracked DMA API). */
	bool tracked = argc > 1 && !strcmp(argv[1], "virtual");
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00e2, .class_code = { 0, 0, 0xff },
	};
	char addr[16];
	uint64_t iova, x;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Default: attached behind a root port the IOMMU covers (pciem_attach_bus). */
	if ((ret = pciem_create(&d, tracked ? PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL :
					      PCIEM_CREATE_FLAG_BUS_MODE_ATTACH)) ||
	    (ret = pciem_set_ids(d, &ids)) || (ret = pciem_add_bar(d, 0, 64 << 10, 0)) ||
	    (ret = pciem_add_bar(d, 2, 4096, 0)) || (ret = pciem_register(d)))
		die("set up", ret);
	CHECK(pciem_dma_read(d, 0, &x, 8) == -EBADFD, "DMA before START");
	if ((ret = pciem_start(d)) || (ret = pciem_address(d, addr, sizeof(addr))))
		die("start", ret);
	wait_driver(cmdpath, sizeof(cmdpath), "pciem_mmio_test", addr);

	iova = (uint64_t)cmd("dmabuf 0 %d", BUF);
	CHECK(iova && (long)iova > 0, "driver's DMA buffer at %#llx", (unsigned long long)iova);
	test_copy(iova);
	test_atomics(iova);
	test_prp(iova);
	test_p2p();
	test_errors(iova);
	test_directions(tracked);
	test_slab_object();
	/* Once the driver frees the buffer, the device cannot reach it any more. */
	CHECK(cmd("dmafree 0") == 0, "free");
	CHECK(pciem_dma_read(d, iova, &x, 8) == -ENXIO, "read after the driver unmapped it");
	CHECK(pciem_dma_write(d, iova, &x, 8) == -ENXIO, "write after the driver unmapped it");
	if (tracked) {
		test_free_wrong_size();
		test_mask32();
	}

	pciem_destroy(d);
	return summary("pciem_dma_test");
}
