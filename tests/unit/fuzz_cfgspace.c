// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_cfgspace.c - randomized configuration writes against core/cfgspace.c.
 *
 * For several device descriptions, random writes (offset, width, value; some
 * of them invalid) go to the model and to an independent reference: write
 * masks, W1C masks and side effects recomputed here from the description and
 * the specifications, not taken from the model.  After every write the bytes
 * it touched are compared (and classified: a read-only bit changed, a W1C
 * bit set or wrongly cleared, a writable bit not taken, a side effect
 * missing); the whole space is compared periodically and at the end, when
 * the capability chains are walked as well.  Device-side events (error bits
 * raised, INTx status, function reset) are mixed in.
 *
 * usage: fuzz_cfgspace [WRITES [SEED]]   (default 2000000 writes, fixed seed)
 * Last line: "fuzz_cfgspace: N passed, M failed", one case per device and
 * property.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdarg.h>

#include "cfgspace.h"

#define DEFAULT_WRITES 2000000ul
#define DEFAULT_SEED   0x5eed2b1e322ull
#define MAX_REPORTS    5	/* failure lines printed per case */

/* ---- Random numbers (splitmix64) ------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(rnd64() % n);
}

/* ---- Device descriptions ---------------------------------------------------- */

struct bar_desc {
	unsigned int index;
	uint64_t size;
	uint32_t flags;
};

struct cap_desc {
	uint32_t type;
	int a, b, c, d;	/* MSI: log2, 64-bit, masking; MSI-X: bir, table, pba, size;
			 * VSEC: id, rev, length; PASID: width, exec, priv
			 */
};

struct dev_desc {
	const char *name;
	int nbars, ncaps;
	struct bar_desc bars[PCFG_NUM_BARS];
	struct cap_desc caps[6];
};

#define M64 PCIEM_BAR_FLAG_MEM64
#define PF  PCIEM_BAR_FLAG_PREFETCH

static const struct dev_desc devices[] = {
	{ "full", 4, 6,
	  { { 0, 4096, 0 }, { 1, 8ull << 30, M64 | PF }, { 3, 16, PF }, { 4, 1 << 20, M64 } },
	  { { PCIEM_CAP_PM, 0, 0, 0, 0 }, { PCIEM_CAP_MSI, 5, 1, 1, 0 },
	    { PCIEM_CAP_PCIE, 0, 0, 0, 0 }, { PCIEM_CAP_MSIX, 0, 0, 0x800, 64 },
	    { PCIEM_CAP_VSEC, 0, 0, 0, 0 }, { PCIEM_CAP_PASID, 20, 1, 1, 0 } } },
	{ "msi32-ext", 2, 4,
	  { { 0, 16, M64 }, { 2, 1ull << 31, 0 } },
	  { { PCIEM_CAP_PCIE, 0, 0, 0, 0 }, { PCIEM_CAP_MSI, 0, 0, 0, 0 },
	    { PCIEM_CAP_VSEC, 0x1234, 3, 256, 0 }, { PCIEM_CAP_PASID, 0, 0, 0, 0 } } },
	{ "msix-big", 2, 2,
	  { { 2, 1ull << 31, PF }, { 5, 1 << 16, 0 } },
	  { { PCIEM_CAP_MSIX, 5, 0, 0x8000, 2048 }, { PCIEM_CAP_PM, 0, 0, 0, 0 } } },
	{ "bare", 0, 0, { { 0, 0, 0 } }, { { 0, 0, 0, 0, 0 } } },
	{ "msi-mask32", 2, 4,
	  { { 0, 1ull << 62, M64 | PF }, { 2, 128, 0 } },
	  { { PCIEM_CAP_MSI, 3, 0, 1, 0 }, { PCIEM_CAP_PCIE, 0, 0, 0, 0 },
	    { PCIEM_CAP_PM, 0, 0, 0, 0 }, { PCIEM_CAP_PASID, 8, 1, 0, 0 } } },
	{ "msi64-nomask", 1, 5,
	  { { 3, 4096, 0 } },
	  { { PCIEM_CAP_MSI, 2, 1, 0, 0 }, { PCIEM_CAP_MSIX, 3, 0x800, 0xc00, 8 },
	    { PCIEM_CAP_PCIE, 0, 0, 0, 0 }, { PCIEM_CAP_VSEC, 0, 0, 8, 0 },
	    { PCIEM_CAP_PASID, 5, 0, 1, 0 } } },
};

#define NDEV (sizeof(devices) / sizeof(devices[0]))

/* ---- Reference model --------------------------------------------------------- */

struct ref {
	uint8_t rw[PCFG_SIZE];		/* bits a write sets to the written value */
	uint8_t w1c[PCFG_SIZE];		/* bits a written 1 clears */
	uint8_t se[PCFG_SIZE];		/* bits with a side effect */
	unsigned int off[6];		/* expected capability offsets, per desc */
	unsigned int len[6];
	unsigned int pm, msi, pcie;	/* offsets, 0: absent */
	unsigned int mmc;		/* MSI Multiple Message Capable */
	unsigned int w1c_bytes[8];	/* where the device may raise error bits */
	unsigned int nw1c;
};

static void put(uint8_t *a, unsigned int off, unsigned int size, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

/* Bytes a capability occupies, from the specifications. */
static unsigned int spec_len(const struct cap_desc *cd, int *ext)
{
	*ext = 0;
	switch (cd->type) {
	case PCIEM_CAP_MSI:
		/* ID/next/control 4, address 4 (+4), data 2, (+2 reserved, mask 4, pending 4) */
		return 4 + 4 + (cd->b ? 4 : 0) + 2 + (cd->c ? 10 : 0);
	case PCIEM_CAP_MSIX:
		return 12;
	case PCIEM_CAP_PM:
		return 8;
	case PCIEM_CAP_PCIE:
		return 60;
	case PCIEM_CAP_VSEC:
		*ext = 1;
		return cd->c ? (unsigned int)cd->c : 16;
	case PCIEM_CAP_PASID:
		*ext = 1;
		return 8;
	}
	return 0;
}

static void ref_build(struct ref *r, const struct dev_desc *d)
{
	unsigned int std = 0x40, ext = 0x100;
	int i;

	memset(r, 0, sizeof(*r));
	/* Type 0 header */
	put(r->rw, 0x04, 2, 0x0546);
	put(r->w1c, 0x06, 2, 0xf900);
	r->rw[0x0c] = 0xff;
	r->rw[0x3c] = 0xff;
	r->w1c_bytes[r->nw1c++] = 0x07;
	for (i = 0; i < d->nbars; i++) {
		const struct bar_desc *b = &d->bars[i];
		uint64_t addr_mask = ~(b->size - 1);

		put(r->rw, 0x10 + 4 * b->index, 4, (uint32_t)addr_mask & 0xfffffff0u);
		if (b->flags & M64)
			put(r->rw, 0x14 + 4 * b->index, 4, (uint32_t)(addr_mask >> 32));
	}
	for (i = 0; i < d->ncaps; i++) {
		const struct cap_desc *cd = &d->caps[i];
		int is_ext;
		unsigned int len = spec_len(cd, &is_ext);
		unsigned int o = is_ext ? ext : std;

		r->off[i] = o;
		r->len[i] = len;
		if (is_ext)
			ext = (o + len + 3) & ~3u;
		else
			std = (o + len + 3) & ~3u;

		switch (cd->type) {
		case PCIEM_CAP_MSI: {
			unsigned int dat = o + (cd->b ? 12 : 8);
			unsigned int n = 1u << cd->a;

			r->msi = o;
			r->mmc = (unsigned int)cd->a;
			r->rw[o + 2] = 0x71;		/* Enable, Multiple Message Enable */
			r->se[o + 2] = 0x70;
			put(r->rw, o + 4, 4, 0xfffffffc);
			if (cd->b)
				put(r->rw, o + 8, 4, 0xffffffff);
			put(r->rw, dat, 2, 0xffff);
			if (cd->c)
				put(r->rw, dat + 4, 4, n == 32 ? 0xffffffffu : (1u << n) - 1);
			break;
		}
		case PCIEM_CAP_MSIX:
			r->rw[o + 3] = 0xc0;		/* Function Mask, Enable */
			break;
		case PCIEM_CAP_PM:
			r->pm = o;
			r->rw[o + 4] = 0x03;		/* PowerState */
			r->se[o + 4] = 0x03;
			break;
		case PCIEM_CAP_PCIE:
			r->pcie = o;
			put(r->rw, o + 0x08, 2, 0xf9ff);	/* Device Control */
			r->se[o + 0x09] = 0x80;			/* Initiate FLR */
			put(r->w1c, o + 0x0a, 2, 0x000f);	/* Device Status */
			r->w1c_bytes[r->nw1c++] = o + 0x0a;
			put(r->rw, o + 0x10, 2, 0x00cb);	/* Link Control */
			put(r->rw, o + 0x28, 2, 0x001f);	/* Device Control 2 */
			put(r->rw, o + 0x30, 2, 0xffbf);	/* Link Control 2 */
			break;
		case PCIEM_CAP_PASID:
			r->rw[o + 6] = (uint8_t)(1 | cd->b << 1 | cd->c << 2);
			break;
		}
	}
}

static int access_ok(unsigned int off, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && off < PCFG_SIZE && off % size == 0;
}

/* Apply a configuration write to the shadow copy; returns the pending bits. */
static uint32_t ref_write(const struct ref *r, uint8_t *d, unsigned int off, unsigned int size,
			  uint32_t val)
{
	uint32_t pending = 0;
	unsigned int i;

	if (!access_ok(off, size))
		return 0;
	for (i = 0; i < size; i++) {
		unsigned int o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t old = d[o];
		uint8_t nv = (uint8_t)((old & ~r->rw[o]) | (b & r->rw[o]));

		nv = (uint8_t)(nv & ~(b & r->w1c[o]));
		if (r->pm && o == r->pm + 4) {
			unsigned int st = b & 3;

			if (st == 1 || st == 2)		/* D1, D2 unsupported: ignored */
				nv = (uint8_t)((nv & ~3) | (old & 3));
		}
		if (r->msi && o == r->msi + 2) {
			unsigned int mme = (b >> 4) & 7;

			if (mme > r->mmc)
				mme = r->mmc;
			nv = (uint8_t)((nv & ~0x70) | mme << 4);
		}
		if (r->pcie && o == r->pcie + 9) {
			if (b & 0x80)
				pending |= PCFG_PENDING_FLR;
			nv &= 0x7f;
		}
		d[o] = nv;
	}
	return pending;
}

/* ---- Cases ------------------------------------------------------------------- */

enum {
	C_LAYOUT, C_RO, C_W1C, C_RW, C_SIDE, C_STRAY, C_READ, C_RESET, C_CHAIN, C_N
};

static const char *const case_names[C_N] = {
	"layout", "read-only bits", "W1C bits", "writable bits", "side effects",
	"untouched bytes", "reads", "reset", "capability chain",
};

static unsigned long fails[C_N];
static const char *cur_dev;

static void report(int kind, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(int kind, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (fails[kind]++ < MAX_REPORTS) {
		printf("%s:%d: [%s] %s: ", file, line, cur_dev, case_names[kind]);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

#define fail(kind, ...) report(kind, __FILE__, __LINE__, __VA_ARGS__)

/* Compare the bytes of one write and classify any difference. */
static void compare_bytes(const struct ref *r, const struct pcfg *c, const uint8_t *shadow,
			  unsigned long op, unsigned int off, unsigned int size)
{
	unsigned int i;

	for (i = 0; i < size; i++) {
		unsigned int o = off + i;
		uint8_t got = c->data[o], exp = shadow[o];
		uint8_t diff = got ^ exp;

		if (!diff)
			continue;
		if (diff & r->se[o])
			fail(C_SIDE, "op %lu: byte 0x%x is 0x%02x, expected 0x%02x", op, o, got, exp);
		else if (diff & r->w1c[o])
			fail(C_W1C, "op %lu: byte 0x%x is 0x%02x, expected 0x%02x", op, o, got, exp);
		else if (diff & r->rw[o])
			fail(C_RW, "op %lu: byte 0x%x is 0x%02x, expected 0x%02x", op, o, got, exp);
		else
			fail(C_RO, "op %lu: byte 0x%x is 0x%02x, expected 0x%02x", op, o, got, exp);
	}
}

static void compare_all(const struct pcfg *c, const uint8_t *shadow, unsigned long op,
			int kind)
{
	unsigned int o;

	for (o = 0; o < PCFG_SIZE; o++) {
		if (c->data[o] != shadow[o]) {
			fail(kind, "op %lu: byte 0x%x is 0x%02x, expected 0x%02x",
			     op, o, c->data[o], shadow[o]);
			return;
		}
	}
}

static uint32_t shadow_read(const uint8_t *shadow, unsigned int off, unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	if (!access_ok(off, size))
		return size >= 1 && size <= 3 ? (1u << (8 * size)) - 1 : 0xffffffffu;
	for (i = 0; i < size; i++)
		v |= (uint32_t)shadow[off + i] << (8 * i);
	return v;
}

static struct pciem_cap_config to_cap(const struct cap_desc *cd)
{
	struct pciem_cap_config cap;

	memset(&cap, 0, sizeof(cap));
	cap.cap_type = cd->type;
	switch (cd->type) {
	case PCIEM_CAP_MSI:
		cap.msi.num_vectors_log2 = (uint8_t)cd->a;
		cap.msi.has_64bit = (uint8_t)cd->b;
		cap.msi.has_masking = (uint8_t)cd->c;
		break;
	case PCIEM_CAP_MSIX:
		cap.msix.bar_index = (uint8_t)cd->a;
		cap.msix.table_offset = (uint32_t)cd->b;
		cap.msix.pba_offset = (uint32_t)cd->c;
		cap.msix.table_size = (uint16_t)cd->d;
		break;
	case PCIEM_CAP_VSEC:
		cap.vsec.vsec_id = (uint16_t)cd->a;
		cap.vsec.vsec_rev = (uint8_t)cd->b;
		cap.vsec.length = (uint16_t)cd->c;
		break;
	case PCIEM_CAP_PASID:
		cap.pasid.max_pasid_width = (uint8_t)cd->a;
		cap.pasid.execute_permission = (uint8_t)cd->b;
		cap.pasid.privileged_mode = (uint8_t)cd->c;
		break;
	}
	return cap;
}

static const uint8_t std_ids[] = { 0x05, 0x11, 0x01, 0x10 };	/* by PCIEM_CAP_* */

/* Walk both lists in the model and compare with the description. */
static void check_chains(const struct pcfg *c, const struct ref *r, const struct dev_desc *d)
{
	unsigned int exp_std[6], exp_ext[6], nstd = 0, next = 0, off, n;
	uint32_t exp_std_id[6], exp_ext_id[6];
	int i, is_ext;

	for (i = 0; i < d->ncaps; i++) {
		spec_len(&d->caps[i], &is_ext);
		if (is_ext) {
			exp_ext_id[next] = d->caps[i].type == PCIEM_CAP_VSEC ? 0x000b : 0x001b;
			exp_ext[next++] = r->off[i];
		} else {
			exp_std_id[nstd] = std_ids[d->caps[i].type];
			exp_std[nstd++] = r->off[i];
		}
	}
	off = pcfg_read(c, 0x34, 1);
	for (n = 0; off && n < 48; n++) {
		if (n >= nstd || off != exp_std[n] || pcfg_read(c, off, 1) != exp_std_id[n]) {
			fail(C_CHAIN, "standard cap %u at 0x%x, expected 0x%x (of %u)",
			     n, off, n < nstd ? exp_std[n] : 0, nstd);
			return;
		}
		off = pcfg_read(c, off + 1, 1);
	}
	if (n != nstd)
		fail(C_CHAIN, "standard list has %u entries, expected %u", n, nstd);
	if (!!(pcfg_read(c, 0x06, 2) & 0x10) != (nstd > 0))
		fail(C_CHAIN, "Status.Capabilities List wrong (%u caps)", nstd);

	off = pcfg_read(c, 0x100, 4) ? 0x100 : 0;
	for (n = 0; off && n < 48; n++) {
		uint32_t hdr = pcfg_read(c, off, 4);

		if (n >= next || off != exp_ext[n] || (hdr & 0xffff) != exp_ext_id[n] ||
		    ((hdr >> 16) & 0xf) != 1) {
			fail(C_CHAIN, "extended cap %u at 0x%x header 0x%x (of %u)",
			     n, off, hdr, next);
			return;
		}
		off = hdr >> 20;
	}
	if (n != next)
		fail(C_CHAIN, "extended list has %u entries, expected %u", n, next);
}

/* Pick an offset: mostly the header and the capabilities, sometimes anywhere. */
static unsigned int pick_off(const struct ref *r, const struct dev_desc *d)
{
	uint32_t k = rnd(100);

	if (k < 35 || (k < 75 && d->ncaps == 0))
		return rnd(0x40);
	if (k < 75) {
		unsigned int i = rnd((uint32_t)d->ncaps);

		return r->off[i] + rnd(((r->len[i] + 3) & ~3u) + 4);
	}
	if (k < 92)
		return rnd(PCFG_SIZE);
	return rnd(PCFG_SIZE + 0x100);
}

static uint32_t pick_val(void)
{
	switch (rnd(8)) {
	case 0:
		return 0xffffffffu;
	case 1:
		return 0;
	case 2:
		return 1u << rnd(32);
	case 3:
		return ~(1u << rnd(32));
	default:
		return (uint32_t)rnd64();
	}
}

static void fuzz_device(const struct dev_desc *d, unsigned long writes)
{
	static struct pcfg dev;
	static struct ref r;
	static uint8_t shadow[PCFG_SIZE], snapshot[PCFG_SIZE];
	struct pcfg *c = &dev;
	struct pciem_config_space ids;
	unsigned long op = 0, done = 0;
	int i, ret;

	cur_dev = d->name;
	ref_build(&r, d);

	/* Build the model and check its layout against the reference. */
	pcfg_init(c);
	memset(&ids, 0, sizeof(ids));
	ids.vendor_id = 0x1af4;
	ids.device_id = (uint16_t)(0x1000 + (d - devices));
	ids.class_code[2] = 0xff;
	if (pcfg_set_ids(c, &ids))
		fail(C_LAYOUT, "pcfg_set_ids failed");
	for (i = 0; i < d->nbars; i++) {
		ret = pcfg_add_bar(c, d->bars[i].index, d->bars[i].size, d->bars[i].flags);
		if (ret)
			fail(C_LAYOUT, "BAR %u: error %d", d->bars[i].index, ret);
	}
	for (i = 0; i < d->ncaps; i++) {
		struct pciem_cap_config cap = to_cap(&d->caps[i]);
		const struct pcfg_cap *pc;

		ret = pcfg_add_cap(c, &cap);
		pc = pcfg_find_cap(c, d->caps[i].type);
		if (ret != (int)r.off[i] || !pc || pc->offset != r.off[i] || pc->len != r.len[i])
			fail(C_LAYOUT, "cap %d (type %u) at %d, expected 0x%x",
			     i, d->caps[i].type, ret, r.off[i]);
	}
	ret = pcfg_finalize(c);
	if (ret)
		fail(C_LAYOUT, "pcfg_finalize: %d", ret);
	check_chains(c, &r, d);
	memcpy(shadow, c->data, PCFG_SIZE);
	memcpy(snapshot, c->data, PCFG_SIZE);

	while (done < writes) {
		uint32_t k = rnd(1000);

		op++;
		if (k < 900) {
			unsigned int off = pick_off(&r, d), size;
			uint32_t val = pick_val(), exp_pending, got_pending;
			uint32_t s = rnd(100);
			static const unsigned int odd_sizes[] = { 0, 3, 5, 8, 16, 0xffffffffu };

			if (s < 30)
				size = 1;
			else if (s < 60)
				size = 2;
			else if (s < 95)
				size = 4;
			else
				size = odd_sizes[rnd(6)];
			if (size && size <= 4 && rnd(10))
				off &= ~(size - 1);
			done++;

			pcfg_write(c, off, size, val);
			exp_pending = ref_write(&r, shadow, off, size, val);
			got_pending = pcfg_take_pending(c);
			if (got_pending != exp_pending)
				fail(C_SIDE, "op %lu: write 0x%x/%u: pending 0x%x, expected 0x%x",
				     op, off, size, got_pending, exp_pending);
			if (access_ok(off, size)) {
				compare_bytes(&r, c, shadow, op, off, size);
				if (pcfg_read(c, off, size) != shadow_read(shadow, off, size))
					fail(C_READ, "op %lu: read 0x%x/%u = 0x%x", op, off,
					     size, pcfg_read(c, off, size));
			} else {
				/* Ignored: the bytes around it are unchanged. */
				unsigned int lo = off & ~7u, o;

				for (o = lo; o < lo + 16 && o < PCFG_SIZE; o++)
					if (c->data[o] != shadow[o]) {
						fail(C_STRAY, "op %lu: bad write 0x%x/%u changed 0x%x",
						     op, off, size, o);
						break;
					}
				if (pcfg_read(c, off, size) != shadow_read(shadow, off, size))
					fail(C_READ, "op %lu: bad read 0x%x/%u = 0x%x", op, off,
					     size, pcfg_read(c, off, size));
			}
			if ((done & 1023) == 0)
				compare_all(c, shadow, op, C_STRAY);
		} else if (k < 950) {
			/* Reads of random width anywhere. */
			unsigned int off = pick_off(&r, d), size = 1u << rnd(3);

			if (rnd(8))
				off &= ~(size - 1);
			if (pcfg_read(c, off, size) != shadow_read(shadow, off, size))
				fail(C_READ, "op %lu: read 0x%x/%u = 0x%x", op, off, size,
				     pcfg_read(c, off, size));
		} else if (k < 980) {
			/*
			 * The device sets bits of a status byte holding W1C bits
			 * (error bits, and device-owned read-only bits alongside).
			 */
			unsigned int o = r.w1c_bytes[rnd(r.nw1c)];
			uint8_t bits = (uint8_t)rnd(256);

			c->data[o] |= bits;
			shadow[o] |= bits;
		} else if (k < 999) {
			bool on = rnd(2);

			pcfg_set_intx_status(c, on);
			shadow[0x06] = (uint8_t)((shadow[0x06] & ~0x08) | (on ? 0x08 : 0));
			compare_bytes(&r, c, shadow, op, 0x06, 2);
		} else if (rnd(20) == 0) {
			pcfg_write(c, r.pcie ? r.pcie + 8 : 0x04, 2, 0x8000);
			pcfg_reset(c);
			if (c->pending)
				fail(C_RESET, "op %lu: pending 0x%x after reset", op, c->pending);
			memcpy(shadow, snapshot, PCFG_SIZE);
			compare_all(c, shadow, op, C_RESET);
		}
	}
	compare_all(c, shadow, op, C_STRAY);
	check_chains(c, &r, d);
	/* The chain survives a reset too. */
	pcfg_reset(c);
	compare_all(c, snapshot, op, C_RESET);
	check_chains(c, &r, d);
}

int main(int argc, char **argv)
{
	unsigned long writes = DEFAULT_WRITES, passed = 0, failed = 0;
	uint64_t seed = DEFAULT_SEED;
	unsigned int i, k;

	if (argc > 1)
		writes = strtoul(argv[1], NULL, 0);
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 0);
	rng_state = seed;
	printf("fuzz_cfgspace: %lu writes over %u devices, seed 0x%llx\n", writes,
	       (unsigned int)NDEV, (unsigned long long)seed);

	for (i = 0; i < NDEV; i++) {
		memset(fails, 0, sizeof(fails));
		fuzz_device(&devices[i], writes / NDEV + (i < writes % NDEV));
		for (k = 0; k < C_N; k++) {
			if (fails[k]) {
				printf("FAIL %s: %s (%lu failures)\n", devices[i].name,
				       case_names[k], fails[k]);
				failed++;
			} else {
				passed++;
			}
		}
	}
	printf("fuzz_cfgspace: %lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
