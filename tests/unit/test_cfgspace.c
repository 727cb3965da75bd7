// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cfgspace.c - unit tests of core/cfgspace.c, the configuration space
 * model.  Plain C, no framework: every failed check prints file:line, and
 * the last line is "cfgspace: N passed, M failed" (N, M count test cases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "cfgspace.h"

static int case_failed;

static void check(int ok, const char *file, int line, const char *what)
{
	if (!ok) {
		printf("%s:%d: check failed: %s\n", file, line, what);
		case_failed = 1;
	}
}

static void check_eq(unsigned long long got, unsigned long long exp, const char *file,
		     int line, const char *gs, const char *es)
{
	if (got != exp) {
		printf("%s:%d: %s is 0x%llx (%lld), expected %s = 0x%llx (%lld)\n",
		       file, line, gs, got, (long long)got, es, exp, (long long)exp);
		case_failed = 1;
	}
}

#define CHECK(cond) check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(got, exp) \
	check_eq((unsigned long long)(got), (unsigned long long)(exp), __FILE__, __LINE__, \
		 #got, #exp)
/* An int result (errno or offset), compared as signed. */
#define CHECK_RET(got, exp) \
	check_eq((unsigned long long)(long long)(got), (unsigned long long)(long long)(exp), \
		 __FILE__, __LINE__, #got, #exp)

/* The device under test and a copy for "failed calls change nothing". */
static struct pcfg dev, saved;
static struct pcfg *const c = &dev;

#define SAVE() memcpy(&saved, &dev, sizeof(dev))
#define CHECK_UNCHANGED() CHECK(memcmp(&saved, &dev, sizeof(dev)) == 0)

static const struct pciem_config_space test_ids = {
	.vendor_id = 0x1234,
	.device_id = 0x5678,
	.subsys_vendor_id = 0xabcd,
	.subsys_device_id = 0xef01,
	.revision = 0x42,
	.class_code = { 0x02, 0x08, 0x01 },
	.header_type = 0,
};

static void setup(void)
{
	pcfg_init(c);
	CHECK_RET(pcfg_set_ids(c, &test_ids), 0);
}

static uint32_t ones(unsigned int size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/*
 * Write all ones then all zeros to a register without W1C bits and check
 * that exactly @wmask changes; the register keeps its old value afterwards.
 */
static void expect_mask(unsigned int off, unsigned int size, uint32_t wmask, const char *file,
			int line)
{
	uint32_t old = pcfg_read(c, off, size);
	uint32_t got;

	pcfg_write(c, off, size, ones(size));
	got = pcfg_read(c, off, size);
	check_eq(got, (old & ~wmask) | wmask, file, line, "after writing ones", "expected");
	pcfg_write(c, off, size, 0);
	got = pcfg_read(c, off, size);
	check_eq(got, old & ~wmask, file, line, "after writing zeros", "expected");
	pcfg_write(c, off, size, old);
	check_eq(pcfg_read(c, off, size), old, file, line, "after restoring", "old value");
}

#define EXPECT_MASK(off, size, wmask) expect_mask(off, size, wmask, __FILE__, __LINE__)
#define EXPECT_RO(off, size) expect_mask(off, size, 0, __FILE__, __LINE__)

/* ---- Capability builders for the tests --------------------------------------- */

static struct pciem_cap_config cap_msi(int log2, int is64, int mask)
{
	struct pciem_cap_config cap;

	memset(&cap, 0, sizeof(cap));
	cap.cap_type = PCIEM_CAP_MSI;
	cap.msi.num_vectors_log2 = (uint8_t)log2;
	cap.msi.has_64bit = (uint8_t)is64;
	cap.msi.has_masking = (uint8_t)mask;
	return cap;
}

static struct pciem_cap_config cap_msix(int bir, uint32_t table, uint32_t pba, int size)
{
	struct pciem_cap_config cap;

	memset(&cap, 0, sizeof(cap));
	cap.cap_type = PCIEM_CAP_MSIX;
	cap.msix.bar_index = (uint8_t)bir;
	cap.msix.table_offset = table;
	cap.msix.pba_offset = pba;
	cap.msix.table_size = (uint16_t)size;
	return cap;
}

static struct pciem_cap_config cap_plain(uint32_t type)
{
	struct pciem_cap_config cap;

	memset(&cap, 0, sizeof(cap));
	cap.cap_type = type;
	return cap;
}

static struct pciem_cap_config cap_vsec(int id, int rev, int len)
{
	struct pciem_cap_config cap = cap_plain(PCIEM_CAP_VSEC);

	cap.vsec.vsec_id = (uint16_t)id;
	cap.vsec.vsec_rev = (uint8_t)rev;
	cap.vsec.length = (uint16_t)len;
	return cap;
}

static struct pciem_cap_config cap_pasid(int width, int exec, int priv)
{
	struct pciem_cap_config cap = cap_plain(PCIEM_CAP_PASID);

	cap.pasid.max_pasid_width = (uint8_t)width;
	cap.pasid.execute_permission = (uint8_t)exec;
	cap.pasid.privileged_mode = (uint8_t)priv;
	return cap;
}

static int add(struct pciem_cap_config cap)
{
	return pcfg_add_cap(c, &cap);
}

/* Add a capability that must fail with @err and change nothing. */
static void add_fails(struct pciem_cap_config cap, int err, const char *file, int line)
{
	SAVE();
	check_eq((unsigned long long)(long long)pcfg_add_cap(c, &cap),
		 (unsigned long long)(long long)err, file, line, "pcfg_add_cap()", "error");
	check(memcmp(&saved, &dev, sizeof(dev)) == 0, file, line, "model unchanged");
}

#define ADD_FAILS(cap, err) add_fails(cap, err, __FILE__, __LINE__)

static void bar_fails(unsigned int index, uint64_t size, uint32_t flags, int err,
		      const char *file, int line)
{
	SAVE();
	check_eq((unsigned long long)(long long)pcfg_add_bar(c, index, size, flags),
		 (unsigned long long)(long long)err, file, line, "pcfg_add_bar()", "error");
	check(memcmp(&saved, &dev, sizeof(dev)) == 0, file, line, "model unchanged");
}

#define BAR_FAILS(i, size, flags, err) bar_fails(i, size, flags, err, __FILE__, __LINE__)

/*
 * Walk the standard list from 0x34; store offsets and IDs; return the count
 * or -1 when the walk leaves 0x40..0xff, is misaligned or loops.
 */
static int walk_std(unsigned int *offs, unsigned int *ids, int max)
{
	unsigned int off = pcfg_read(c, 0x34, 1);
	int n = 0;

	while (off) {
		if (off < 0x40 || off > 0xfc || (off & 3) || n >= max)
			return -1;
		offs[n] = off;
		ids[n] = pcfg_read(c, off, 1);
		n++;
		off = pcfg_read(c, off + 1, 1);
	}
	return n;
}

/* The same for the extended list from 0x100. */
static int walk_ext(unsigned int *offs, unsigned int *ids, int max)
{
	unsigned int off = 0x100;
	int n = 0;

	if (pcfg_read(c, off, 4) == 0)
		return 0;
	while (off) {
		uint32_t hdr = pcfg_read(c, off, 4);

		if (off < 0x100 || off > 0xffc || (off & 3) || n >= max)
			return -1;
		offs[n] = off;
		ids[n] = hdr & 0xffff;
		if (((hdr >> 16) & 0xf) != 1)
			return -1;
		n++;
		off = hdr >> 20;
	}
	return n;
}

/* ---- Header ------------------------------------------------------------------- */

static void test_init_defaults(void)
{
	unsigned int i;

	pcfg_init(c);
	for (i = 0; i < PCFG_SIZE; i++)
		if (i != 0x3d)
			CHECK_EQ(c->data[i], 0);
	CHECK_EQ(pcfg_read(c, 0x3d, 1), PCFG_DEFAULT_INTX_PIN);
	CHECK_EQ(pcfg_read(c, 0x3c, 4), 0x00000100);
	CHECK_EQ(c->std_next, 0x40);
	CHECK_EQ(c->ext_next, 0x100);
	CHECK_EQ(c->std_last, 0);
	CHECK_EQ(c->ext_last, 0);
	CHECK_EQ(c->ncaps, 0);
	CHECK(!c->ids_set);
	CHECK(!c->finalized);
	CHECK_EQ(c->pending, 0);
	for (i = 0; i < PCFG_NUM_BARS; i++) {
		CHECK_EQ(c->bars[i].size, 0);
		CHECK(!c->bars[i].upper);
	}
	CHECK_EQ(pcfg_read(c, 0x34, 1), 0);
	CHECK_EQ(pcfg_read(c, 0x100, 4), 0);
	CHECK(pcfg_find_cap(c, PCIEM_CAP_MSI) == NULL);
}

static void test_set_ids(void)
{
	struct pciem_config_space ids = test_ids;

	setup();
	CHECK(c->ids_set);
	CHECK_EQ(pcfg_read(c, 0x00, 4), 0x56781234);
	CHECK_EQ(pcfg_read(c, 0x00, 2), 0x1234);
	CHECK_EQ(pcfg_read(c, 0x02, 2), 0x5678);
	CHECK_EQ(pcfg_read(c, 0x08, 1), 0x42);
	CHECK_EQ(pcfg_read(c, 0x09, 1), 0x02);	/* prog-if */
	CHECK_EQ(pcfg_read(c, 0x0a, 1), 0x08);	/* subclass */
	CHECK_EQ(pcfg_read(c, 0x0b, 1), 0x01);	/* base class */
	CHECK_EQ(pcfg_read(c, 0x08, 4), 0x01080242);
	CHECK_EQ(pcfg_read(c, 0x0e, 1), 0x00);
	CHECK_EQ(pcfg_read(c, 0x2c, 2), 0xabcd);
	CHECK_EQ(pcfg_read(c, 0x2e, 2), 0xef01);

	/* Again, with other values: replaced. */
	ids.vendor_id = 0x8086;
	ids.device_id = 0x0001;
	ids.class_code[2] = 0x03;
	CHECK_RET(pcfg_set_ids(c, &ids), 0);
	CHECK_EQ(pcfg_read(c, 0x00, 4), 0x00018086);
	CHECK_EQ(pcfg_read(c, 0x08, 4), 0x03080242);
	/* 0xffff as a device ID is allowed. */
	ids.device_id = 0xffff;
	CHECK_RET(pcfg_set_ids(c, &ids), 0);
	CHECK_EQ(pcfg_read(c, 0x02, 2), 0xffff);
}

static void test_set_ids_errors(void)
{
	struct pciem_config_space ids;
	unsigned int i;

	pcfg_init(c);
	ids = test_ids;
	ids.vendor_id = 0;
	SAVE();
	CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
	CHECK_UNCHANGED();
	ids.vendor_id = 0xffff;
	CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
	CHECK_UNCHANGED();
	ids = test_ids;
	ids.header_type = 0x80;		/* multi-function */
	CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
	ids.header_type = 0x01;		/* bridge */
	CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
	ids.header_type = 0x02;
	CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
	CHECK_UNCHANGED();
	for (i = 0; i < sizeof(ids.reserved); i++) {
		ids = test_ids;
		ids.reserved[i] = 1;
		CHECK_RET(pcfg_set_ids(c, &ids), -EINVAL);
		CHECK_UNCHANGED();
	}
	CHECK(!c->ids_set);

	/* After finalize: frozen. */
	CHECK_RET(pcfg_set_ids(c, &test_ids), 0);
	CHECK_RET(pcfg_finalize(c), 0);
	ids = test_ids;
	ids.vendor_id = 0x1111;
	SAVE();
	CHECK_RET(pcfg_set_ids(c, &ids), -EBUSY);
	CHECK_UNCHANGED();
	CHECK_EQ(pcfg_read(c, 0, 2), 0x1234);
}

static void test_header_masks(void)
{
	static const uint8_t wmask[0x40] = {
		[0x04] = 0x46, [0x05] = 0x05, [0x0c] = 0xff, [0x3c] = 0xff,
	};
	uint8_t before[0x40];
	unsigned int off;

	setup();
	/* Every header byte, one at a time (no BARs: BAR bytes read-only). */
	for (off = 0; off < 0x40; off++) {
		if (off == 0x06 || off == 0x07)
			continue;	/* Status: below */
		EXPECT_MASK(off, 1, wmask[off]);
	}
	/* The same as words and dwords. */
	for (off = 0; off < 0x40; off += 2) {
		uint32_t m = wmask[off] | (uint32_t)wmask[off + 1] << 8;

		if (off != 0x06)
			EXPECT_MASK(off, 2, m);
	}
	/* Dword at 0x04: Command takes 0x0546, Status stays 0. */
	pcfg_write(c, 0x04, 4, 0xffffffff);
	CHECK_EQ(pcfg_read(c, 0x04, 4), 0x00000546);
	pcfg_write(c, 0x04, 4, 0);
	CHECK_EQ(pcfg_read(c, 0x04, 4), 0);
	/* I/O Space Enable (bit 0) stays 0: no I/O BARs. */
	pcfg_write(c, 0x04, 2, 0x0001);
	CHECK_EQ(pcfg_read(c, 0x04, 2), 0);

	/* Read-only values kept through writes of ones. */
	memcpy(before, c->data, sizeof(before));
	for (off = 0; off < 0x40; off += 4)
		pcfg_write(c, off, 4, 0xffffffff);
	for (off = 0; off < 0x40; off++)
		CHECK_EQ(c->data[off], before[off] | wmask[off]);
	CHECK_EQ(pcfg_read(c, 0x00, 4), 0x56781234);
	CHECK_EQ(pcfg_read(c, 0x08, 4), 0x01080242);
	CHECK_EQ(pcfg_read(c, 0x0c, 4), 0x000000ff);	/* CLS RW; LT, HT, BIST RO 0 */
	CHECK_EQ(pcfg_read(c, 0x30, 4), 0);		/* no expansion ROM */
	CHECK_EQ(pcfg_read(c, 0x34, 4), 0);
	CHECK_EQ(pcfg_read(c, 0x3c, 4), 0x000001ff);	/* pin 1, line RW */
	CHECK_EQ(pcfg_read(c, 0x3d, 1), PCFG_DEFAULT_INTX_PIN);
}

static void test_status(void)
{
	setup();
	/* Writes never set status bits. */
	pcfg_write(c, 0x06, 2, 0xffff);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0);
	/* Device-set error bits: each W1C bit clears on 1, stays on 0. */
	c->data[0x06] = 0xff;
	c->data[0x07] = 0xff;
	pcfg_write(c, 0x06, 2, 0x0000);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0xffff);
	pcfg_write(c, 0x06, 2, 0x0100);		/* Master Data Parity Error */
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0xfeff);
	pcfg_write(c, 0x07, 1, 0x08);		/* Signaled Target Abort */
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0xf6ff);
	pcfg_write(c, 0x06, 2, 0xffff);
	/* Left: bits 0-7 (incl. Capabilities List, Interrupt Status), 9-10 (RO). */
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x06ff);
	/* Through a dword write at 0x04 as well, Command written alongside. */
	c->data[0x07] = 0xff;
	pcfg_write(c, 0x04, 4, 0x80000006);
	CHECK_EQ(pcfg_read(c, 0x04, 4), 0x7fff0006);

	/* Interrupt Status: device-owned. */
	setup();
	pcfg_set_intx_status(c, true);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0008);
	pcfg_write(c, 0x06, 2, 0xffff);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0008);
	pcfg_write(c, 0x06, 2, 0);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0008);
	pcfg_set_intx_status(c, true);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0008);
	pcfg_set_intx_status(c, false);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0);
	pcfg_set_intx_status(c, false);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0);
	/* Other status bits are kept by pcfg_set_intx_status(). */
	c->data[0x07] = 0x81;
	pcfg_set_intx_status(c, true);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x8108);
	pcfg_set_intx_status(c, false);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x8100);
	/* Capabilities List: RO, 0 without standard capabilities. */
	CHECK_RET(pcfg_finalize(c), 0);
	CHECK_EQ(pcfg_read(c, 0x06, 2) & 0x10, 0);
	pcfg_write(c, 0x06, 2, 0x0010);
	CHECK_EQ(pcfg_read(c, 0x06, 2) & 0x10, 0);
}

/* ---- BARs ---------------------------------------------------------------------- */

/* Size a BAR the way Linux does and return the readback. */
static uint32_t size_bar(unsigned int index)
{
	unsigned int off = 0x10 + 4 * index;
	uint32_t old = pcfg_read(c, off, 4), got;

	pcfg_write(c, off, 4, 0xffffffff);
	got = pcfg_read(c, off, 4);
	pcfg_write(c, off, 4, old);
	return got;
}

static void test_bar32(void)
{
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(pcfg_add_bar(c, 1, 16, PCIEM_BAR_FLAG_PREFETCH), 0);
	CHECK_RET(pcfg_add_bar(c, 2, 1ull << 31, 0), 0);
	CHECK_RET(pcfg_add_bar(c, 5, 1ull << 20, PCIEM_BAR_FLAG_PREFETCH), 0);
	CHECK_EQ(c->bars[0].size, 4096);
	CHECK_EQ(c->bars[1].flags, PCIEM_BAR_FLAG_PREFETCH);
	CHECK(!c->bars[1].upper);

	CHECK_EQ(pcfg_read(c, 0x10, 4), 0);
	CHECK_EQ(pcfg_read(c, 0x14, 4), 0x8);
	CHECK_EQ(pcfg_read(c, 0x24, 4), 0x8);
	CHECK_EQ(size_bar(0), 0xfffff000);
	CHECK_EQ(size_bar(1), 0xfffffff8);
	CHECK_EQ(size_bar(2), 0x80000000);
	CHECK_EQ(size_bar(5), 0xfff00008);
	/* Absent BARs read 0 even after all ones. */
	CHECK_EQ(size_bar(3), 0);
	CHECK_EQ(size_bar(4), 0);

	/* Address programming through config writes. */
	pcfg_write(c, 0x10, 4, 0xfebc1234);
	CHECK_EQ(pcfg_read(c, 0x10, 4), 0xfebc1000);
	CHECK_EQ(pcfg_bar_addr(c, 0), 0xfebc1000);
	pcfg_write(c, 0x10, 2, 0xffff);		/* partial write: bits 15:12 only */
	CHECK_EQ(pcfg_read(c, 0x10, 4), 0xfebcf000);
	pcfg_write(c, 0x13, 1, 0x12);
	CHECK_EQ(pcfg_read(c, 0x10, 4), 0x12bcf000);
	pcfg_write(c, 0x14, 4, 0xffffffff);
	pcfg_write(c, 0x14, 1, 0x07);		/* low bits: RO; bits 7:4 take 0 */
	CHECK_EQ(pcfg_read(c, 0x14, 4), 0xffffff08);
	pcfg_write(c, 0x18, 4, 0xffffffff);
	CHECK_EQ(pcfg_bar_addr(c, 2), 0x80000000);

	/* pcfg_set_bar_addr / pcfg_bar_addr */
	pcfg_set_bar_addr(c, 0, 0xe0000000);
	CHECK_EQ(pcfg_read(c, 0x10, 4), 0xe0000000);
	pcfg_set_bar_addr(c, 0, 0x1234567ffull);	/* high bits and sub-size bits dropped */
	CHECK_EQ(pcfg_bar_addr(c, 0), 0x23456000);
	pcfg_set_bar_addr(c, 1, 0xfffffff0);
	CHECK_EQ(pcfg_read(c, 0x14, 4), 0xfffffff8);	/* prefetch bit kept */
	CHECK_EQ(pcfg_bar_addr(c, 1), 0xfffffff0);
	pcfg_set_bar_addr(c, 5, 0);
	CHECK_EQ(pcfg_read(c, 0x24, 4), 0x8);
	CHECK_EQ(pcfg_bar_addr(c, 5), 0);

	/* Absent and out-of-range BARs. */
	SAVE();
	pcfg_set_bar_addr(c, 3, 0xc0000000);
	pcfg_set_bar_addr(c, 6, 0xc0000000);
	pcfg_set_bar_addr(c, 1000, 0xc0000000);
	CHECK_UNCHANGED();
	CHECK_EQ(pcfg_bar_addr(c, 3), 0);
	CHECK_EQ(pcfg_bar_addr(c, 6), 0);
	CHECK_EQ(pcfg_bar_addr(c, 0xffffffffu), 0);
}

static void test_bar64(void)
{
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 8192, PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH), 0);
	CHECK_RET(pcfg_add_bar(c, 2, 8ull << 30, PCIEM_BAR_FLAG_MEM64), 0);
	CHECK_RET(pcfg_add_bar(c, 4, 1ull << 62, PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH),
		  0);
	CHECK(c->bars[1].upper);
	CHECK(c->bars[3].upper);
	CHECK(c->bars[5].upper);
	CHECK_EQ(c->bars[1].size, 0);

	CHECK_EQ(pcfg_read(c, 0x10, 4), 0xc);
	CHECK_EQ(pcfg_read(c, 0x14, 4), 0);
	CHECK_EQ(pcfg_read(c, 0x18, 4), 0x4);
	CHECK_EQ(pcfg_read(c, 0x20, 4), 0xc);

	CHECK_EQ(size_bar(0), 0xffffe00c);
	CHECK_EQ(size_bar(1), 0xffffffff);
	/* 8 GiB: no writable bit in the low dword; upper bits 63:33. */
	CHECK_EQ(size_bar(2), 0x00000004);
	CHECK_EQ(size_bar(3), 0xfffffffe);
	/* 2^62 */
	CHECK_EQ(size_bar(4), 0x0000000c);
	CHECK_EQ(size_bar(5), 0xc0000000);

	/* A 64-bit address above 4 GiB. */
	pcfg_write(c, 0x10, 4, 0x89abc000);
	pcfg_write(c, 0x14, 4, 0x00000012);
	CHECK_EQ(pcfg_bar_addr(c, 0), 0x1289abc000ull);
	CHECK_EQ(pcfg_bar_addr(c, 1), 0);	/* the upper half is not a BAR */
	pcfg_set_bar_addr(c, 2, 0x7654321000000000ull);
	CHECK_EQ(pcfg_read(c, 0x18, 4), 0x00000004);
	CHECK_EQ(pcfg_read(c, 0x1c, 4), 0x76543210);
	CHECK_EQ(pcfg_bar_addr(c, 2), 0x7654321000000000ull);
	pcfg_set_bar_addr(c, 2, 0xffffffffffffffffull);
	CHECK_EQ(pcfg_bar_addr(c, 2), 0xfffffffe00000000ull);
	pcfg_set_bar_addr(c, 4, 0x4000000000000000ull);
	CHECK_EQ(pcfg_bar_addr(c, 4), 0x4000000000000000ull);
	CHECK_EQ(pcfg_read(c, 0x20, 4), 0xc);
	/* pcfg_set_bar_addr on an upper half: ignored. */
	SAVE();
	pcfg_set_bar_addr(c, 1, 0xffffffff);
	pcfg_set_bar_addr(c, 5, 0xffffffff);
	CHECK_UNCHANGED();
}

static void test_bar_errors(void)
{
	setup();
	BAR_FAILS(6, 4096, 0, -EINVAL);
	BAR_FAILS(100, 4096, 0, -EINVAL);
	BAR_FAILS(0xffffffffu, 4096, 0, -EINVAL);
	BAR_FAILS(0, 0, 0, -EINVAL);
	BAR_FAILS(0, 8, 0, -EINVAL);
	BAR_FAILS(0, 1, 0, -EINVAL);
	BAR_FAILS(0, 15, 0, -EINVAL);
	BAR_FAILS(0, 24, 0, -EINVAL);
	BAR_FAILS(0, 4097, 0, -EINVAL);
	BAR_FAILS(0, 0xffffffffffffffffull, PCIEM_BAR_FLAG_MEM64, -EINVAL);
	BAR_FAILS(0, 1ull << 32, 0, -EINVAL);		/* 32-bit over 2 GiB */
	BAR_FAILS(0, 1ull << 32, PCIEM_BAR_FLAG_PREFETCH, -EINVAL);
	BAR_FAILS(0, 1ull << 63, PCIEM_BAR_FLAG_MEM64, -EINVAL);
	BAR_FAILS(0, 4096, 0x2, -EINVAL);		/* unknown flag bits */
	BAR_FAILS(0, 4096, 0x10, -EINVAL);
	BAR_FAILS(0, 4096, 0x80000000u, -EINVAL);
	BAR_FAILS(0, 4096, PCIEM_BAR_FLAG_IO | 0x10, -EINVAL);
	BAR_FAILS(0, 4096, PCIEM_BAR_FLAG_IO, -EOPNOTSUPP);
	BAR_FAILS(0, 256, PCIEM_BAR_FLAG_IO | PCIEM_BAR_FLAG_PREFETCH, -EOPNOTSUPP);
	BAR_FAILS(5, 4096, PCIEM_BAR_FLAG_MEM64, -EINVAL);

	/* Limits that are accepted. */
	CHECK_RET(pcfg_add_bar(c, 0, 16, 0), 0);
	CHECK_RET(pcfg_add_bar(c, 1, 1ull << 31, PCIEM_BAR_FLAG_PREFETCH), 0);
	CHECK_RET(pcfg_add_bar(c, 2, 16, PCIEM_BAR_FLAG_MEM64), 0);

	/* -EBUSY: index in use, or index + 1 for a 64-bit BAR. */
	BAR_FAILS(0, 4096, 0, -EBUSY);
	BAR_FAILS(1, 4096, 0, -EBUSY);
	BAR_FAILS(2, 4096, 0, -EBUSY);
	BAR_FAILS(3, 4096, 0, -EBUSY);		/* upper half of BAR 2 */
	BAR_FAILS(3, 4096, PCIEM_BAR_FLAG_MEM64, -EBUSY);
	CHECK_RET(pcfg_add_bar(c, 5, 4096, 0), 0);
	BAR_FAILS(4, 4096, PCIEM_BAR_FLAG_MEM64, -EBUSY);	/* 5 is in use */
	CHECK_RET(pcfg_add_bar(c, 4, 4096, 0), 0);

	/* Frozen after finalize. */
	setup();
	CHECK_RET(pcfg_finalize(c), 0);
	BAR_FAILS(0, 4096, 0, -EBUSY);
}

/* ---- Capability chains --------------------------------------------------------- */

static void test_std_chain(void)
{
	unsigned int offs[16], ids[16];
	const struct pcfg_cap *cap;

	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	CHECK_RET(add(cap_msi(3, 1, 1)), 0x48);			/* 0x18 bytes */
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x60);	/* 0x3c bytes */
	CHECK_RET(add(cap_msix(0, 0, 0x800, 16)), 0x9c);
	CHECK_EQ(c->std_next, 0xa8);
	CHECK_EQ(c->std_last, 0x9c);
	CHECK_EQ(c->ncaps, 4);

	CHECK_EQ(pcfg_read(c, 0x34, 1), 0x40);
	CHECK_EQ(walk_std(offs, ids, 16), 4);
	CHECK_EQ(offs[0], 0x40);
	CHECK_EQ(ids[0], 0x01);
	CHECK_EQ(offs[1], 0x48);
	CHECK_EQ(ids[1], 0x05);
	CHECK_EQ(offs[2], 0x60);
	CHECK_EQ(ids[2], 0x10);
	CHECK_EQ(offs[3], 0x9c);
	CHECK_EQ(ids[3], 0x11);
	CHECK_EQ(pcfg_read(c, 0x9d, 1), 0);	/* end of list */

	cap = pcfg_find_cap(c, PCIEM_CAP_MSI);
	CHECK(cap != NULL);
	if (cap) {
		CHECK_EQ(cap->type, PCIEM_CAP_MSI);
		CHECK_EQ(cap->offset, 0x48);
		CHECK_EQ(cap->len, 0x18);
	}
	cap = pcfg_find_cap(c, PCIEM_CAP_PCIE);
	CHECK(cap && cap->offset == 0x60 && cap->len == 0x3c);
	cap = pcfg_find_cap(c, PCIEM_CAP_MSIX);
	CHECK(cap && cap->offset == 0x9c && cap->len == 12);
	cap = pcfg_find_cap(c, PCIEM_CAP_PM);
	CHECK(cap && cap->offset == 0x40 && cap->len == 8);
	CHECK(pcfg_find_cap(c, PCIEM_CAP_VSEC) == NULL);
	CHECK(pcfg_find_cap(c, PCIEM_CAP_PASID) == NULL);
	CHECK(pcfg_find_cap(c, 99) == NULL);

	/* Cap pointer and next pointers are read-only; Capabilities List set at finalize. */
	EXPECT_RO(0x34, 1);
	EXPECT_RO(0x40, 2);
	EXPECT_RO(0x9c, 2);
	CHECK_EQ(pcfg_read(c, 0x06, 2) & 0x10, 0);
	CHECK_RET(pcfg_finalize(c), 0);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0010);
	pcfg_write(c, 0x06, 2, 0xffff);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0010);
	/* Nothing in extended space. */
	CHECK_EQ(pcfg_read(c, 0x100, 4), 0);

	/* Another order: MSI 32-bit without masking (0x0a bytes, rounded to 0x0c). */
	setup();
	CHECK_RET(add(cap_msi(0, 0, 0)), 0x40);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x4c);
	CHECK_RET(add(cap_msi(0, 0, 0)), -EEXIST);
	CHECK_EQ(walk_std(offs, ids, 16), 2);
	CHECK(offs[0] == 0x40 && ids[0] == 0x05 && offs[1] == 0x4c && ids[1] == 0x01);
	CHECK_EQ(pcfg_read(c, 0x40, 2), 0x4c05);
	CHECK_EQ(pcfg_read(c, 0x4c, 2), 0x0001);

	/* MSI sizes: 0x0a, 0x0e, 0x14, 0x18. */
	setup();
	CHECK_RET(add(cap_msi(0, 1, 0)), 0x40);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_MSI)->len, 0x0e);
	CHECK_EQ(c->std_next, 0x50);
	setup();
	CHECK_RET(add(cap_msi(0, 0, 1)), 0x40);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_MSI)->len, 0x14);
	CHECK_EQ(c->std_next, 0x54);
	setup();
	CHECK_RET(add(cap_msi(0, 0, 0)), 0x40);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_MSI)->len, 0x0a);
	CHECK_EQ(c->std_next, 0x4c);
}

static void test_ext_chain(void)
{
	unsigned int offs[16], ids[16];

	setup();
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x40);
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	CHECK_RET(add(cap_pasid(20, 1, 1)), 0x110);
	CHECK_EQ(c->ext_last, 0x110);
	CHECK_EQ(c->ext_next, 0x118);
	CHECK_EQ(pcfg_read(c, 0x100, 4), 0x1101000b);
	CHECK_EQ(pcfg_read(c, 0x110, 4), 0x0001001b);
	CHECK_EQ(walk_ext(offs, ids, 16), 2);
	CHECK(offs[0] == 0x100 && ids[0] == 0x000b && offs[1] == 0x110 && ids[1] == 0x001b);
	EXPECT_RO(0x100, 4);
	EXPECT_RO(0x110, 4);
	CHECK_RET(pcfg_finalize(c), 0);
	CHECK_EQ(walk_ext(offs, ids, 16), 2);
	/* The PCIe capability is the only standard one. */
	CHECK_EQ(walk_std(offs, ids, 16), 1);

	/* PASID first, then a 256-byte VSEC. */
	setup();
	CHECK_RET(add(cap_pasid(0, 0, 0)), 0x100);
	CHECK_RET(add(cap_vsec(0x1234, 0xf, 256)), 0x108);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x40);
	CHECK_EQ(c->ext_next, 0x208);
	CHECK_EQ(pcfg_read(c, 0x100, 4), 0x1081001b);
	CHECK_EQ(pcfg_read(c, 0x108, 4), 0x0001000b);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_VSEC)->len, 256);
	CHECK_EQ(walk_ext(offs, ids, 16), 2);
	CHECK(offs[0] == 0x100 && ids[0] == 0x001b && offs[1] == 0x108 && ids[1] == 0x000b);
	CHECK_RET(pcfg_finalize(c), 0);
}

static void test_cap_errors(void)
{
	struct pciem_cap_config cap;
	unsigned int i;

	setup();
	ADD_FAILS(cap_plain(6), -EINVAL);
	ADD_FAILS(cap_plain(0xffffffffu), -EINVAL);
	/* MSI */
	ADD_FAILS(cap_msi(6, 0, 0), -EINVAL);
	ADD_FAILS(cap_msi(255, 0, 0), -EINVAL);
	ADD_FAILS(cap_msi(0, 2, 0), -EINVAL);
	ADD_FAILS(cap_msi(0, 0, 2), -EINVAL);
	ADD_FAILS(cap_msi(0, 0xff, 0xff), -EINVAL);
	cap = cap_msi(0, 0, 0);
	cap.msi.reserved = 1;
	ADD_FAILS(cap, -EINVAL);
	/* MSI-X */
	ADD_FAILS(cap_msix(0, 0, 0x800, 0), -EINVAL);
	ADD_FAILS(cap_msix(0, 0, 0x8000, 2049), -EINVAL);
	ADD_FAILS(cap_msix(0, 0, 0x8000, 0xffff), -EINVAL);
	ADD_FAILS(cap_msix(6, 0, 0x800, 1), -EINVAL);
	ADD_FAILS(cap_msix(7, 0, 0x800, 1), -EINVAL);
	ADD_FAILS(cap_msix(0, 4, 0x800, 1), -EINVAL);
	ADD_FAILS(cap_msix(0, 1, 0x800, 1), -EINVAL);
	ADD_FAILS(cap_msix(0, 0, 0x804, 1), -EINVAL);
	ADD_FAILS(cap_msix(0, 0, 0x802, 1), -EINVAL);
	for (i = 0; i < 3; i++) {
		cap = cap_msix(0, 0, 0x800, 1);
		cap.msix.reserved[i] = 1;
		ADD_FAILS(cap, -EINVAL);
	}
	cap = cap_msix(0, 0, 0x800, 1);
	cap.msix.reserved2 = 1;
	ADD_FAILS(cap, -EINVAL);
	/* PASID */
	ADD_FAILS(cap_pasid(21, 0, 0), -EINVAL);
	ADD_FAILS(cap_pasid(0xff, 0, 0), -EINVAL);
	ADD_FAILS(cap_pasid(8, 2, 0), -EINVAL);
	ADD_FAILS(cap_pasid(8, 0, 2), -EINVAL);
	cap = cap_pasid(8, 0, 0);
	cap.pasid.reserved = 1;
	ADD_FAILS(cap, -EINVAL);
	/* VSEC */
	ADD_FAILS(cap_vsec(0, 0, 4), -EINVAL);
	ADD_FAILS(cap_vsec(0, 0, 7), -EINVAL);
	ADD_FAILS(cap_vsec(0, 0, 10), -EINVAL);
	ADD_FAILS(cap_vsec(0, 0, 258), -EINVAL);
	ADD_FAILS(cap_vsec(0, 0, 260), -EINVAL);
	ADD_FAILS(cap_vsec(0, 0, 0xfffc), -EINVAL);
	ADD_FAILS(cap_vsec(0, 16, 16), -EINVAL);
	cap = cap_vsec(0, 0, 16);
	cap.vsec.reserved = 1;
	ADD_FAILS(cap, -EINVAL);
	cap = cap_vsec(0, 0, 16);
	cap.vsec.reserved2 = 0x100;
	ADD_FAILS(cap, -EINVAL);

	/* The limits are accepted; a second one of each type: -EEXIST. */
	CHECK_RET(add(cap_msi(5, 1, 1)), 0x40);
	CHECK_RET(add(cap_msix(0, 0, 0x8000, 2048)), 0x58);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x64);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x6c);
	CHECK_RET(add(cap_vsec(0xffff, 15, 8)), 0x100);
	CHECK_RET(add(cap_pasid(20, 1, 1)), 0x108);
	ADD_FAILS(cap_msi(0, 0, 0), -EEXIST);
	ADD_FAILS(cap_msix(0, 0, 0x800, 1), -EEXIST);
	ADD_FAILS(cap_plain(PCIEM_CAP_PM), -EEXIST);
	ADD_FAILS(cap_plain(PCIEM_CAP_PCIE), -EEXIST);
	ADD_FAILS(cap_vsec(0, 0, 0), -EEXIST);
	ADD_FAILS(cap_pasid(0, 0, 0), -EEXIST);
	/* Invalid parameters are reported before -EEXIST. */
	ADD_FAILS(cap_msi(6, 0, 0), -EINVAL);

	/* -ENOSPC: no room left in the standard list... */
	setup();
	c->std_next = 0xf8;
	ADD_FAILS(cap_plain(PCIEM_CAP_PCIE), -ENOSPC);
	ADD_FAILS(cap_msi(0, 1, 1), -ENOSPC);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0xf8);		/* exactly fits */
	CHECK_EQ(c->std_next, 0x100);
	ADD_FAILS(cap_msi(0, 0, 0), -ENOSPC);
	/* ... or in the extended list ... */
	c->ext_next = 0xffc;
	ADD_FAILS(cap_pasid(0, 0, 0), -ENOSPC);
	ADD_FAILS(cap_vsec(0, 0, 0), -ENOSPC);
	c->ext_next = 0xff8;
	CHECK_RET(add(cap_pasid(0, 0, 0)), 0xff8);
	/* ... or in the capability table. */
	setup();
	c->ncaps = PCFG_MAX_CAPS;
	ADD_FAILS(cap_plain(PCIEM_CAP_PM), -ENOSPC);

	/* Frozen after finalize (checked before anything else). */
	setup();
	CHECK_RET(pcfg_finalize(c), 0);
	ADD_FAILS(cap_plain(PCIEM_CAP_PM), -EBUSY);
	ADD_FAILS(cap_plain(6), -EBUSY);
}

/* ---- Capability registers ------------------------------------------------------ */

static void test_msi(void)
{
	int log2, is64, mask;

	for (is64 = 0; is64 <= 1; is64++) {
		for (mask = 0; mask <= 1; mask++) {
			for (log2 = 0; log2 <= 5; log2++) {
				unsigned int base, dat, mme;
				uint32_t ctl, vmask;

				setup();
				CHECK_RET(add(cap_msi(log2, is64, mask)), 0x40);
				base = 0x40;
				dat = base + (is64 ? 0x0c : 0x08);
				ctl = (uint32_t)(log2 << 1) | (is64 ? 0x80 : 0) | (mask ? 0x100 : 0);
				vmask = log2 == 5 ? 0xffffffffu : (1u << (1u << log2)) - 1;

				CHECK_EQ(pcfg_read(c, base, 4), 0x0005 | ctl << 16);
				CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_MSI)->len,
					 0x0a + 4 * is64 + 0x0a * mask);
				/* Message Control: Enable and MME RW, the rest RO. */
				pcfg_write(c, base + 2, 2, 0xffff);
				CHECK_EQ(pcfg_read(c, base + 2, 2), ctl | (uint32_t)log2 << 4 | 1);
				pcfg_write(c, base + 2, 2, 0);
				CHECK_EQ(pcfg_read(c, base + 2, 2), ctl);
				/* MME clamping, all eight values, word and byte writes. */
				for (mme = 0; mme < 8; mme++) {
					unsigned int exp = mme < (unsigned int)log2 ? mme : (unsigned int)log2;

					pcfg_write(c, base + 2, 2, mme << 4 | 1);
					CHECK_EQ(pcfg_read(c, base + 2, 2), ctl | exp << 4 | 1);
					pcfg_write(c, base + 2, 1, mme << 4);
					CHECK_EQ(pcfg_read(c, base + 2, 2), ctl | exp << 4);
					pcfg_write(c, base, 4, (uint32_t)(mme << 4) << 16);
					CHECK_EQ(pcfg_read(c, base + 2, 2), ctl | exp << 4);
				}
				/* Message Address: bits 1:0 RO 0. */
				EXPECT_MASK(base + 4, 4, 0xfffffffc);
				pcfg_write(c, base + 4, 4, 0xfee00003);
				CHECK_EQ(pcfg_read(c, base + 4, 4), 0xfee00000);
				if (is64)
					EXPECT_MASK(base + 8, 4, 0xffffffff);
				/* Message Data: low 16 bits. */
				EXPECT_MASK(dat, 4, 0x0000ffff);
				if (mask) {
					EXPECT_MASK(dat + 4, 4, vmask);		/* Mask Bits */
					EXPECT_RO(dat + 8, 4);			/* Pending Bits */
				} else {
					EXPECT_RO(dat + 4, 4);			/* beyond the cap */
				}
			}
		}
	}
	/* Pending bits set by the device stay through config writes. */
	setup();
	CHECK_RET(add(cap_msi(2, 0, 1)), 0x40);
	c->data[0x50] = 0x05;
	pcfg_write(c, 0x50, 4, 0xffffffff);
	pcfg_write(c, 0x50, 4, 0);
	CHECK_EQ(pcfg_read(c, 0x50, 4), 0x05);
}

static void test_msix(void)
{
	setup();
	CHECK_RET(pcfg_add_bar(c, 2, 16384, PCIEM_BAR_FLAG_MEM64), 0);
	CHECK_RET(add(cap_msix(2, 0x1000, 0x3000, 64)), 0x40);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_MSIX)->len, 12);
	CHECK_EQ(pcfg_read(c, 0x40, 4), 0x003f0011);
	CHECK_EQ(pcfg_read(c, 0x44, 4), 0x00001002);
	CHECK_EQ(pcfg_read(c, 0x48, 4), 0x00003002);
	EXPECT_MASK(0x42, 2, 0xc000);
	EXPECT_RO(0x44, 4);
	EXPECT_RO(0x48, 4);
	pcfg_write(c, 0x42, 2, 0x8000);
	CHECK_EQ(pcfg_read(c, 0x42, 2), 0x803f);
	pcfg_write(c, 0x43, 1, 0x40);
	CHECK_EQ(pcfg_read(c, 0x42, 2), 0x403f);
	CHECK_RET(pcfg_finalize(c), 0);

	setup();
	CHECK_RET(add(cap_msix(5, 0xfffffff8u, 0, 2048)), 0x40);
	CHECK_EQ(pcfg_read(c, 0x40, 4), 0x07ff0011);
	CHECK_EQ(pcfg_read(c, 0x44, 4), 0xfffffffd);
	CHECK_EQ(pcfg_read(c, 0x48, 4), 0x00000005);
	EXPECT_MASK(0x40, 4, 0xc0000000);
	setup();
	CHECK_RET(add(cap_msix(0, 0, 8, 1)), 0x40);
	CHECK_EQ(pcfg_read(c, 0x40, 4), 0x00000011);
}

/* Fill a layout with a pattern no decoding produces. */
static void poison_layout(struct pcfg_msix_layout *l)
{
	memset(l, 0xa5, sizeof(*l));
}

static void test_msix_layout(void)
{
	struct pcfg_msix_layout l, poisoned;

	poison_layout(&poisoned);

	/* No MSI-X capability: false, *l untouched. */
	setup();
	l = poisoned;
	CHECK(!pcfg_msix_layout(c, &l));
	CHECK(memcmp(&l, &poisoned, sizeof(l)) == 0);
	CHECK_RET(add(cap_msi(5, 1, 1)), 0x40);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x58);
	CHECK(!pcfg_msix_layout(c, &l));
	CHECK(memcmp(&l, &poisoned, sizeof(l)) == 0);

	/* After another capability, so the capability offset is not 0x40. */
	setup();
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	CHECK_RET(add(cap_msix(2, 0x1000, 0x3000, 64)), 0x48);
	poison_layout(&l);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.cap, 0x48);
	CHECK_EQ(l.size, 64);
	CHECK_EQ(l.table_bar, 2);
	CHECK_EQ(l.table_off, 0x1000);
	CHECK_EQ(l.table_len, 64 * 16);
	CHECK_EQ(l.pba_bar, 2);
	CHECK_EQ(l.pba_off, 0x3000);
	CHECK_EQ(l.pba_len, 8);
	/* Enabling and masking leave it alone; so do writes to the BIR registers. */
	pcfg_write(c, 0x4a, 2, 0xc000);
	pcfg_write(c, 0x4c, 4, 0xffffffff);
	pcfg_write(c, 0x50, 4, 0);
	poison_layout(&l);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.size, 64);
	CHECK_EQ(l.table_bar, 2);
	CHECK_EQ(l.table_off, 0x1000);
	CHECK_EQ(l.pba_off, 0x3000);
	/* It does not need pcfg_finalize(), and finalizing changes nothing. */
	CHECK_RET(pcfg_add_bar(c, 2, 16384, 0), 0);
	CHECK_RET(pcfg_finalize(c), 0);
	pcfg_reset(c);
	poison_layout(&l);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.cap, 0x48);
	CHECK_EQ(l.size, 64);
	CHECK_EQ(l.table_len, 1024);

	/* The PBA takes whole QWORDs: 1..64 vectors 8 bytes, 65 16 bytes. */
	setup();
	CHECK_RET(add(cap_msix(0, 0, 0x800, 1)), 0x40);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.size, 1);
	CHECK_EQ(l.table_len, 16);
	CHECK_EQ(l.pba_len, 8);
	setup();
	CHECK_RET(add(cap_msix(0, 0, 0x800, 65)), 0x40);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.size, 65);
	CHECK_EQ(l.table_len, 65 * 16);
	CHECK_EQ(l.pba_len, 16);

	/* The extremes: 2048 vectors, BIR 5, the highest offset. */
	setup();
	CHECK_RET(add(cap_msix(5, 0xfffffff8u, 0xfffffff0u, 2048)), 0x40);
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.size, 2048);
	CHECK_EQ(l.table_bar, 5);
	CHECK_EQ(l.table_off, 0xfffffff8u);
	CHECK_EQ(l.table_len, 32768);
	CHECK_EQ(l.pba_bar, 5);
	CHECK_EQ(l.pba_off, 0xfffffff0u);
	CHECK_EQ(l.pba_len, 256);

	/*
	 * The table's and the PBA's BIR are decoded separately (the ABI gives
	 * both the same BAR, so the registers are set directly here), and only
	 * Table Size counts from Message Control.
	 */
	setup();
	CHECK_RET(add(cap_msix(0, 0, 0x800, 1)), 0x40);
	c->data[0x42] = 0x06;		/* Table Size 7: 7 vectors */
	c->data[0x43] = 0xc0;		/* MSI-X Enable, Function Mask */
	memcpy(&c->data[0x44], "\x03\x20\x00\x00", 4);	/* table: BIR 3, offset 0x2000 */
	memcpy(&c->data[0x48], "\x09\x00\x01\x00", 4);	/* PBA: BIR 1, offset 0x10008 */
	CHECK(pcfg_msix_layout(c, &l));
	CHECK_EQ(l.size, 7);
	CHECK_EQ(l.table_bar, 3);
	CHECK_EQ(l.table_off, 0x2000);
	CHECK_EQ(l.table_len, 7 * 16);
	CHECK_EQ(l.pba_bar, 1);
	CHECK_EQ(l.pba_off, 0x10008);
	CHECK_EQ(l.pba_len, 8);
}

static void test_pm(void)
{
	setup();
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	CHECK_EQ(pcfg_read(c, 0x40, 4), 0x00030001);
	CHECK_EQ(pcfg_read(c, 0x44, 4), 0x00000008);
	EXPECT_RO(0x40, 4);
	EXPECT_MASK(0x44, 4, 0x00000003);
	/* D3hot, then D1 and D2 are discarded, D0 back. */
	pcfg_write(c, 0x44, 2, 0x0003);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x000b);
	pcfg_write(c, 0x44, 2, 0x0001);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x000b);
	pcfg_write(c, 0x44, 1, 0x02);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x000b);
	pcfg_write(c, 0x44, 4, 0xfffffffe);	/* dword write with D2 */
	CHECK_EQ(pcfg_read(c, 0x44, 4), 0x0000000b);
	pcfg_write(c, 0x44, 2, 0x0000);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x0008);
	pcfg_write(c, 0x44, 2, 0xfff9);		/* D1 from D0 */
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x0008);
	pcfg_write(c, 0x44, 2, 0x0002);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x0008);
	/* Writes elsewhere in the cap leave PowerState alone. */
	pcfg_write(c, 0x44, 2, 0x0003);
	pcfg_write(c, 0x45, 1, 0xff);
	pcfg_write(c, 0x46, 2, 0xffff);
	pcfg_write(c, 0x40, 4, 0xffffffff);
	CHECK_EQ(pcfg_read(c, 0x44, 4), 0x0000000b);
	CHECK_EQ(pcfg_read(c, 0x40, 4), 0x00030001);
	/* PME_Status (bit 15) is RO 0: no PME support. */
	c->data[0x45] = 0;
	pcfg_write(c, 0x44, 2, 0x8103);
	CHECK_EQ(pcfg_read(c, 0x44, 2), 0x000b);
}

static void test_pcie(void)
{
	unsigned int b, off;

	setup();
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	b = (unsigned int)add(cap_plain(PCIEM_CAP_PCIE));
	CHECK_EQ(b, 0x48);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_PCIE)->len, 0x3c);
	CHECK_EQ(pcfg_read(c, 0x41, 1), 0x48);
	CHECK_EQ(pcfg_read(c, b, 4), 0x00020010);
	CHECK_EQ(pcfg_read(c, b + 0x04, 4), 0x10008fe1);	/* DevCap */
	CHECK_EQ(pcfg_read(c, b + 0x08, 4), 0x00002810);	/* DevCtl, DevSta */
	CHECK_EQ(pcfg_read(c, b + 0x0c, 4), 0x00000043);	/* LnkCap */
	CHECK_EQ(pcfg_read(c, b + 0x10, 4), 0x10430000);	/* LnkCtl, LnkSta */
	for (off = 0x14; off < 0x24; off += 4)			/* slot, root */
		CHECK_EQ(pcfg_read(c, b + off, 4), 0);
	CHECK_EQ(pcfg_read(c, b + 0x24, 4), 0x0000001f);	/* DevCap2 */
	CHECK_EQ(pcfg_read(c, b + 0x28, 4), 0);			/* DevCtl2, DevSta2 */
	CHECK_EQ(pcfg_read(c, b + 0x2c, 4), 0x0000000e);	/* LnkCap2 */
	CHECK_EQ(pcfg_read(c, b + 0x30, 4), 0x00000003);	/* LnkCtl2, LnkSta2 */
	CHECK_EQ(pcfg_read(c, b + 0x34, 4), 0);
	CHECK_EQ(pcfg_read(c, b + 0x38, 4), 0);

	EXPECT_RO(b, 4);
	EXPECT_RO(b + 0x04, 4);
	EXPECT_MASK(b + 0x08, 2, 0x79ff);	/* bit 15: below */
	EXPECT_RO(b + 0x0c, 4);
	EXPECT_MASK(b + 0x10, 2, 0x00cb);
	EXPECT_RO(b + 0x12, 2);
	for (off = 0x14; off < 0x24; off += 2)
		EXPECT_RO(b + off, 2);
	EXPECT_RO(b + 0x24, 4);
	EXPECT_MASK(b + 0x28, 2, 0x001f);
	EXPECT_RO(b + 0x2a, 2);
	EXPECT_RO(b + 0x2c, 4);
	EXPECT_MASK(b + 0x30, 2, 0xffbf);
	EXPECT_RO(b + 0x32, 2);
	EXPECT_RO(b + 0x34, 4);
	EXPECT_RO(b + 0x38, 4);
	/* Writing ones to Device Control above included Initiate FLR. */
	CHECK_EQ(pcfg_take_pending(c), PCFG_PENDING_FLR);

	/* Device Status: bits 3:0 W1C, the rest RO. */
	pcfg_write(c, b + 0x0a, 2, 0xffff);
	CHECK_EQ(pcfg_read(c, b + 0x0a, 2), 0);
	c->data[b + 0x0a] = 0x3f;
	pcfg_write(c, b + 0x0a, 2, 0x0005);
	CHECK_EQ(pcfg_read(c, b + 0x0a, 2), 0x003a);
	pcfg_write(c, b + 0x0a, 2, 0xfff0);
	CHECK_EQ(pcfg_read(c, b + 0x0a, 2), 0x003a);
	pcfg_write(c, b + 0x0a, 1, 0xff);
	CHECK_EQ(pcfg_read(c, b + 0x0a, 2), 0x0030);

	/* Initiate FLR: reads 0, raises PCFG_PENDING_FLR. */
	CHECK_EQ(pcfg_take_pending(c), 0);
	pcfg_write(c, b + 0x08, 2, 0x7fff);
	CHECK_EQ(pcfg_take_pending(c), 0);
	pcfg_write(c, b + 0x08, 2, 0xa810);
	CHECK_EQ(pcfg_read(c, b + 0x08, 2), 0x2810);
	CHECK_EQ(c->pending, PCFG_PENDING_FLR);
	CHECK_EQ(pcfg_take_pending(c), PCFG_PENDING_FLR);
	CHECK_EQ(pcfg_take_pending(c), 0);
	CHECK_EQ(c->pending, 0);
	pcfg_write(c, b + 0x09, 1, 0x80);		/* byte write */
	CHECK_EQ(pcfg_read(c, b + 0x08, 2), 0x0010);
	CHECK_EQ(pcfg_take_pending(c), PCFG_PENDING_FLR);
	/* Dword write: FLR plus clearing Device Status errors. */
	c->data[b + 0x0a] = 0x0f;
	pcfg_write(c, b + 0x08, 4, 0x000f8000 | 0x2810);
	CHECK_EQ(pcfg_read(c, b + 0x08, 4), 0x00002810);
	CHECK_EQ(pcfg_take_pending(c), PCFG_PENDING_FLR);
	/* A write of 0 to bit 15 or elsewhere: nothing pending. */
	pcfg_write(c, b + 0x08, 1, 0xff);
	pcfg_write(c, b + 0x0a, 2, 0xffff);
	pcfg_write(c, b + 0x04, 4, 0xffffffff);
	CHECK_EQ(pcfg_take_pending(c), 0);
	/* Pending raised twice is still one bit; pcfg_reset clears it. */
	pcfg_write(c, b + 0x08, 2, 0x8000);
	pcfg_write(c, b + 0x08, 2, 0x8000);
	CHECK_EQ(c->pending, PCFG_PENDING_FLR);
	pcfg_reset(c);
	CHECK_EQ(c->pending, 0);
}

static void test_vsec(void)
{
	unsigned int off;

	setup();
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_VSEC)->len, PCFG_VSEC_DEFAULT_LENGTH);
	CHECK_EQ(pcfg_read(c, 0x100, 4), 0x0001000b);
	CHECK_EQ(pcfg_read(c, 0x104, 4),
		 PCFG_VSEC_DEFAULT_ID | PCFG_VSEC_DEFAULT_REV << 16 |
		 (uint32_t)PCFG_VSEC_DEFAULT_LENGTH << 20);
	CHECK_EQ(pcfg_read(c, 0x104, 4), 0x01000000);
	for (off = 0x100; off < 0x100 + PCFG_VSEC_DEFAULT_LENGTH; off += 4) {
		EXPECT_RO(off, 4);
		EXPECT_RO(off, 2);
		EXPECT_RO(off + 3, 1);
	}
	CHECK_EQ(pcfg_read(c, 0x108, 4), 0);
	CHECK_EQ(pcfg_read(c, 0x10c, 4), 0);
	CHECK_EQ(c->ext_next, 0x110);

	setup();
	CHECK_RET(add(cap_vsec(0xbeef, 5, 64)), 0x100);
	CHECK_EQ(pcfg_read(c, 0x104, 4), 0x0405beef);
	CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_VSEC)->len, 64);
	for (off = 0x100; off < 0x140; off += 4)
		EXPECT_RO(off, 4);
	CHECK_EQ(c->ext_next, 0x140);
	/* Length 0 with an ID: default length. */
	setup();
	CHECK_RET(add(cap_vsec(0x0042, 1, 0)), 0x100);
	CHECK_EQ(pcfg_read(c, 0x104, 4), 0x01010042);
	setup();
	CHECK_RET(add(cap_vsec(1, 0, 256)), 0x100);
	CHECK_EQ(pcfg_read(c, 0x104, 4), 0x10000001);
}

static void test_pasid(void)
{
	int exec, priv, width;

	for (exec = 0; exec <= 1; exec++) {
		for (priv = 0; priv <= 1; priv++) {
			for (width = 0; width <= 20; width += 4) {
				uint32_t cap = (uint32_t)width << 8 | (uint32_t)exec << 1 |
					       (uint32_t)priv << 2;

				setup();
				CHECK_RET(add(cap_pasid(width, exec, priv)), 0x100);
				CHECK_EQ(pcfg_find_cap(c, PCIEM_CAP_PASID)->len, 8);
				CHECK_EQ(pcfg_read(c, 0x100, 4), 0x0001001b);
				CHECK_EQ(pcfg_read(c, 0x104, 4), cap);
				EXPECT_RO(0x104, 2);
				EXPECT_MASK(0x106, 2, 1u | (uint32_t)exec << 1 |
					    (uint32_t)priv << 2);
				EXPECT_MASK(0x104, 4, (1u | (uint32_t)exec << 1 |
						       (uint32_t)priv << 2) << 16);
				pcfg_write(c, 0x106, 2, 0x0007);
				CHECK_EQ(pcfg_read(c, 0x106, 2),
					 1u | (uint32_t)exec << 1 | (uint32_t)priv << 2);
			}
		}
	}
	setup();
	CHECK_RET(add(cap_pasid(20, 1, 1)), 0x100);
	CHECK_EQ(pcfg_read(c, 0x104, 2), 0x1406);
}

/* ---- Finalize, reset ----------------------------------------------------------- */

static void finalize_fails(int err, const char *file, int line)
{
	SAVE();
	check_eq((unsigned long long)(long long)pcfg_finalize(c),
		 (unsigned long long)(long long)err, file, line, "pcfg_finalize()", "error");
	check(memcmp(&saved, &dev, sizeof(dev)) == 0, file, line, "model unchanged");
}

#define FINALIZE_FAILS(err) finalize_fails(err, __FILE__, __LINE__)

static void test_finalize(void)
{
	/* No IDs. */
	pcfg_init(c);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	FINALIZE_FAILS(-ENODATA);
	CHECK(!c->finalized);
	CHECK_RET(pcfg_set_ids(c, &test_ids), 0);
	CHECK_RET(pcfg_finalize(c), 0);
	CHECK(c->finalized);
	FINALIZE_FAILS(-EBUSY);
	/* Finalize records the reset state. */
	CHECK(memcmp(c->reset_data, c->data, PCFG_SIZE) == 0);

	/* MSI-X table in an absent BAR. */
	setup();
	CHECK_RET(add(cap_msix(1, 0, 0x800, 8)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	/* ... in the upper half of a 64-bit BAR. */
	CHECK_RET(pcfg_add_bar(c, 0, 4096, PCIEM_BAR_FLAG_MEM64), 0);
	FINALIZE_FAILS(-EINVAL);

	/* Table (8 x 16 = 128 bytes) past the end of the BAR. */
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0xf88, 0x800, 8)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	/* ... exactly up to the end: fine. */
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0xf80, 0x800, 8)), 0x40);
	CHECK_RET(pcfg_finalize(c), 0);
	/* Table offset beyond the BAR (no wrap-around). */
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0xfffffff8u, 0x800, 1)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	/* PBA (1..64 entries: 8 bytes; 65: 16 bytes) past the end. */
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0, 0xff8, 64)), 0x40);
	CHECK_RET(pcfg_finalize(c), 0);
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 8192, 0), 0);
	CHECK_RET(add(cap_msix(0, 0, 0x1ff8, 65)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0, 0x1000, 1)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	/* Table and PBA overlap. */
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0, 0x78, 8)), 0x40);		/* table 0..0x7f */
	FINALIZE_FAILS(-EINVAL);
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0x100, 0xf8, 8)), 0x40);	/* PBA 0xf8..0xff */
	CHECK_RET(pcfg_finalize(c), 0);
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0x100, 0x100, 1)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_msix(0, 0x100, 0x80, 65)), 0x40);	/* PBA 0x80..0x8f */
	CHECK_RET(pcfg_finalize(c), 0);
	/* The full 2048 entries in a 64-bit BAR above 4 GiB in size. */
	setup();
	CHECK_RET(pcfg_add_bar(c, 4, 1ull << 33, PCIEM_BAR_FLAG_MEM64), 0);
	CHECK_RET(add(cap_msix(4, 0xffff8000u, 0x10000, 2048)), 0x40);
	CHECK_RET(pcfg_finalize(c), 0);

	/* Extended capabilities need a PCI Express capability. */
	setup();
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	FINALIZE_FAILS(-EINVAL);
	setup();
	CHECK_RET(add(cap_pasid(0, 0, 0)), 0x100);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	FINALIZE_FAILS(-EINVAL);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x48);
	CHECK_RET(pcfg_finalize(c), 0);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0010);
	/* ENODATA comes before EINVAL. */
	pcfg_init(c);
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	FINALIZE_FAILS(-ENODATA);
}

static void test_reset(void)
{
	unsigned int b;
	static uint8_t snap[PCFG_SIZE];
	static uint8_t wm[PCFG_SIZE];

	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, PCIEM_BAR_FLAG_MEM64), 0);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	CHECK_RET(add(cap_msi(2, 1, 1)), 0x48);
	b = (unsigned int)add(cap_plain(PCIEM_CAP_PCIE));
	CHECK_EQ(b, 0x60);
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	CHECK_RET(pcfg_finalize(c), 0);
	memcpy(snap, c->data, PCFG_SIZE);
	memcpy(wm, c->wmask, PCFG_SIZE);

	/* Dirty everything writable. */
	pcfg_write(c, 0x04, 2, 0x0546);
	pcfg_write(c, 0x0c, 1, 0x10);
	pcfg_write(c, 0x3c, 1, 0x0b);
	pcfg_write(c, 0x10, 4, 0xfebf0000);
	pcfg_write(c, 0x14, 4, 0x1);
	pcfg_write(c, 0x44, 2, 0x0003);
	pcfg_write(c, 0x4a, 2, 0x0021);
	pcfg_write(c, 0x4c, 4, 0xfee00000);
	pcfg_write(c, b + 0x08, 2, 0x8000 | 0x00ff);
	pcfg_set_intx_status(c, true);
	CHECK(memcmp(snap, c->data, PCFG_SIZE) != 0);
	CHECK_EQ(c->pending, PCFG_PENDING_FLR);
	pcfg_reset(c);
	CHECK(memcmp(snap, c->data, PCFG_SIZE) == 0);
	CHECK(memcmp(wm, c->wmask, PCFG_SIZE) == 0);
	CHECK_EQ(c->pending, 0);
	CHECK_EQ(pcfg_read(c, 0x04, 4), 0x00100000);
	CHECK_EQ(pcfg_read(c, b + 0x08, 2), 0x2810);
	/* Still writable after the reset. */
	EXPECT_MASK(0x04, 2, 0x0546);

	/* A new snapshot becomes the reset state. */
	pcfg_set_bar_addr(c, 0, 0x2000000000ull);
	pcfg_snapshot_reset_state(c);
	pcfg_write(c, 0x10, 4, 0);
	pcfg_write(c, 0x14, 4, 0);
	CHECK_EQ(pcfg_bar_addr(c, 0), 0);
	pcfg_reset(c);
	CHECK_EQ(pcfg_bar_addr(c, 0), 0x2000000000ull);
	/* Reset before finalize goes back to the state at init. */
	setup();
	pcfg_write(c, 0x3c, 1, 0x0b);
	pcfg_reset(c);
	CHECK_EQ(pcfg_read(c, 0x3c, 4), 0x00000100);
	CHECK_EQ(pcfg_read(c, 0x00, 4), 0);
}

/* ---- The device's own writes ------------------------------------------------- */

static void test_device_write(void)
{
	unsigned int exp, msi, msix, vsec;

	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	msi = (unsigned int)add(cap_msi(0, 1, 0));
	exp = (unsigned int)add(cap_plain(PCIEM_CAP_PCIE));
	msix = (unsigned int)add(cap_msix(0, 0x800, 0xc00, 4));
	vsec = (unsigned int)add(cap_vsec(0x1234, 1, 16));
	CHECK_EQ(vsec, 0x100);
	CHECK_RET(pcfg_finalize(c), 0);

	/* Status error bits: W1C to software, set by the device. */
	CHECK_RET(pcfg_device_write(c, 0x06, 2, 0x0810 | 0x4000), 0);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x4810);
	pcfg_write(c, 0x06, 2, 0x4000);
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0810);
	/* PCIe Device Status: Unsupported Request Detected (W1C). */
	CHECK_RET(pcfg_device_write(c, exp + 0x0a, 2, 0x0008), 0);
	CHECK_EQ(pcfg_read(c, exp + 0x0a, 2), 0x0008);
	/* A read-only field, and the VSEC payload; a reset keeps both. */
	CHECK_RET(pcfg_device_write(c, 0x2e, 2, 0x4242), 0);
	CHECK_RET(pcfg_device_write(c, vsec + 8, 4, 0xdeadbeef), 0);
	CHECK_EQ(pcfg_read(c, vsec + 8, 4), 0xdeadbeef);
	pcfg_reset(c);
	CHECK_EQ(pcfg_read(c, 0x2e, 2), 0x4242);
	CHECK_EQ(pcfg_read(c, vsec + 8, 4), 0xdeadbeef);
	CHECK_EQ(pcfg_read(c, exp + 0x0a, 2), 0);	/* W1C bits are not constants */
	CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0010);

	/* Writing the value a protected bit already has is fine. */
	CHECK_RET(pcfg_device_write(c, 0x00, 4, pcfg_read(c, 0x00, 4)), 0);
	CHECK_RET(pcfg_device_write(c, 0x40, 1, 0x01), 0);

	/* What the device does not own: refused whole, nothing written. */
	SAVE();
	CHECK_RET(pcfg_device_write(c, 0x00, 2, 0x1111), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x04, 2, 0x0002), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x06, 1, 0x18), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x0e, 1, 0x80), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x10, 4, 0xfe000000), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x34, 1, 0x48), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x3c, 1, 0x0b), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x3d, 1, 0x02), -EACCES);
	CHECK_RET(pcfg_device_write(c, 0x41, 1, 0x00), -EACCES);	/* PM's Next */
	CHECK_RET(pcfg_device_write(c, exp + 2, 2, 0x0042), -EACCES);	/* Root Port */
	CHECK_RET(pcfg_device_write(c, msi + 4, 4, 0xfee00000), -EACCES);
	CHECK_RET(pcfg_device_write(c, msix + 2, 2, 0x8003), -EACCES);
	CHECK_RET(pcfg_device_write(c, vsec + 4, 2, 0x9999), -EACCES);
	CHECK_RET(pcfg_device_write(c, vsec, 4, 0), -EACCES);
	/* Partly allowed is refused whole: Cache Line Size yes, Header Type no. */
	CHECK_RET(pcfg_device_write(c, 0x0c, 4, 0xffffffff), -EACCES);
	/* PCIEM_IOCTL_CONFIG_ACCESS: SET, CLEAR and bad arguments. */
	{
		uint64_t v = 0x0100;

		CHECK_RET(pcfg_device_access(c, 0x06, 2, PCIEM_CONFIG_ACCESS_SET |
					     PCIEM_CONFIG_ACCESS_CLEAR, &v), -EINVAL);
		CHECK_RET(pcfg_device_access(c, 0x06, 2, 8, &v), -EINVAL);
		v = 0x10000;
		CHECK_RET(pcfg_device_access(c, 0x06, 2, PCIEM_CONFIG_ACCESS_SET, &v), -EINVAL);
		v = 0x0400;
		CHECK_RET(pcfg_device_access(c, 0x04, 2, PCIEM_CONFIG_ACCESS_SET, &v), -EACCES);
		CHECK_EQ(v, 0x0400);	/* unchanged on failure */
	}
	CHECK_UNCHANGED();
	{
		uint64_t v = 0x0100;	/* Master Data Parity Error */

		CHECK_RET(pcfg_device_access(c, 0x06, 2, PCIEM_CONFIG_ACCESS_SET, &v), 0);
		CHECK_EQ(v, 0x0010);
		CHECK_EQ(pcfg_read(c, 0x06, 2), 0x0110);
		v = 0x0100;
		CHECK_RET(pcfg_device_access(c, 0x06, 2, PCIEM_CONFIG_ACCESS_CLEAR, &v), 0);
		CHECK_EQ(v, 0x0110);
		v = 0;
		CHECK_RET(pcfg_device_access(c, 0x06, 2, 0, &v), 0);
		CHECK_EQ(v, 0x0010);
	}
	SAVE();
	/* Bad shapes. */
	CHECK_RET(pcfg_device_write(c, 0x01, 2, 0), -EINVAL);
	CHECK_RET(pcfg_device_write(c, 0x00, 3, 0), -EINVAL);
	CHECK_RET(pcfg_device_write(c, PCFG_SIZE, 1, 0), -EINVAL);
	CHECK_UNCHANGED();
}

/* ---- Access rules -------------------------------------------------------------- */

static void test_bad_access(void)
{
	static const struct {
		unsigned int off, size;
		uint32_t exp;
	} bad[] = {
		{ 0x00, 0, 0xffffffff }, { 0x00, 3, 0x00ffffff }, { 0x00, 8, 0xffffffff },
		{ 0x00, 5, 0xffffffff }, { 0x00, 0xffffffffu, 0xffffffff },
		{ 0x05, 2, 0xffff }, { 0x3d, 2, 0xffff }, { 0x06, 4, 0xffffffff },
		{ 0x3e, 4, 0xffffffff }, { 0x3d, 4, 0xffffffff }, { 0x3c, 3, 0x00ffffff },
		{ 0x1000, 1, 0xff }, { 0x1000, 2, 0xffff }, { 0x1000, 4, 0xffffffff },
		{ 0x1001, 1, 0xff }, { 0xffff, 1, 0xff }, { 0xfffffffcu, 4, 0xffffffff },
		{ 0xffffffffu, 1, 0xff }, { 0xfff, 2, 0xffff }, { 0xffd, 4, 0xffffffff },
		{ 0xffe, 4, 0xffffffff },
	};
	unsigned int i;

	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, 0), 0);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x40);
	CHECK_RET(add(cap_vsec(0, 0, 0)), 0x100);
	CHECK_RET(pcfg_finalize(c), 0);
	c->data[0xfff] = 0x5a;		/* make the last bytes visible */
	c->data[0xffc] = 0xa5;
	pcfg_snapshot_reset_state(c);
	SAVE();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(pcfg_read(c, bad[i].off, bad[i].size), bad[i].exp);
		pcfg_write(c, bad[i].off, bad[i].size, 0xffffffff);
		pcfg_write(c, bad[i].off, bad[i].size, 0);
		/* An FLR write at a bad alignment does nothing either. */
		pcfg_write(c, 0x49, bad[i].size == 2 ? 4 : 2, 0xffffffff);
	}
	CHECK_UNCHANGED();
	CHECK_EQ(pcfg_take_pending(c), 0);
	/* The last valid accesses. */
	CHECK_EQ(pcfg_read(c, 0xfff, 1), 0x5a);
	CHECK_EQ(pcfg_read(c, 0xffe, 2), 0x5a00);
	CHECK_EQ(pcfg_read(c, 0xffc, 4), 0x5a0000a5);
	CHECK_EQ(pcfg_read(c, 0xffc, 1), 0xa5);
	/* Extended space past the capabilities reads 0. */
	CHECK_EQ(pcfg_read(c, 0x800, 4), 0);
	EXPECT_RO(0x800, 4);
}

static void test_widths_agree(void)
{
	unsigned int off;
	int fails = 0;

	setup();
	CHECK_RET(pcfg_add_bar(c, 0, 4096, PCIEM_BAR_FLAG_MEM64), 0);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PM)), 0x40);
	CHECK_RET(add(cap_msi(5, 1, 1)), 0x48);
	CHECK_RET(add(cap_plain(PCIEM_CAP_PCIE)), 0x60);
	CHECK_RET(add(cap_pasid(16, 1, 0)), 0x100);
	CHECK_RET(pcfg_finalize(c), 0);
	for (off = 0; off < PCFG_SIZE; off += 4) {
		uint32_t d = pcfg_read(c, off, 4);
		uint32_t w = pcfg_read(c, off, 2) | pcfg_read(c, off + 2, 2) << 16;
		uint32_t b = pcfg_read(c, off, 1) | pcfg_read(c, off + 1, 1) << 8 |
			     pcfg_read(c, off + 2, 1) << 16 | pcfg_read(c, off + 3, 1) << 24;

		if (d != w || d != b || d != pcfg_get32(c, off) ||
		    pcfg_read(c, off, 2) != pcfg_get16(c, off) ||
		    pcfg_read(c, off + 3, 1) != pcfg_get8(c, off + 3))
			fails++;
	}
	CHECK_EQ(fails, 0);
	/* Little-endian writes at every width land in the same bytes. */
	pcfg_write(c, 0x4c, 4, 0x12345678);
	CHECK_EQ(pcfg_read(c, 0x4c, 1), 0x78);
	CHECK_EQ(pcfg_read(c, 0x4f, 1), 0x12);
	pcfg_write(c, 0x4e, 2, 0xabcd);
	CHECK_EQ(pcfg_read(c, 0x4c, 4), 0xabcd5678);
	pcfg_write(c, 0x4d, 1, 0xef);
	CHECK_EQ(pcfg_read(c, 0x4c, 4), 0xabcdef78);
}

/* ---- Main ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "init_defaults", test_init_defaults },
	{ "set_ids", test_set_ids },
	{ "set_ids_errors", test_set_ids_errors },
	{ "header_masks", test_header_masks },
	{ "status", test_status },
	{ "bar32", test_bar32 },
	{ "bar64", test_bar64 },
	{ "bar_errors", test_bar_errors },
	{ "std_chain", test_std_chain },
	{ "ext_chain", test_ext_chain },
	{ "cap_errors", test_cap_errors },
	{ "msi", test_msi },
	{ "msix", test_msix },
	{ "msix_layout", test_msix_layout },
	{ "pm", test_pm },
	{ "pcie", test_pcie },
	{ "vsec", test_vsec },
	{ "pasid", test_pasid },
	{ "finalize", test_finalize },
	{ "reset", test_reset },
	{ "bad_access", test_bad_access },
	{ "widths_agree", test_widths_agree },
	{ "device_write", test_device_write },
};

int main(void)
{
	unsigned int i, passed = 0, failed = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		case_failed = 0;
		tests[i].fn();
		if (case_failed) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("cfgspace: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
