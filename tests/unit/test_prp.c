// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_prp.c - unit tests of core/prp.c, the NVMe PRP walk.
 *
 * The PRP lists live in a simulated bus memory (a hash table of written
 * qwords, so page sizes up to 128 MiB cost nothing): its read callback
 * refuses unaligned reads and reads of slots nobody wrote, counts the reads
 * of every slot and can fail the k-th read.  Data pages are never read by
 * the walk, so their addresses are arbitrary page-aligned 64-bit values.
 *
 * Transfers are laid out by two reference builders written here, not by
 * the code under test:
 *   build_ref()    counts entries: a list page with s free slots takes all
 *                  remaining entries if they fit, else s - 1 of them and a
 *                  pointer to the next list page in its last slot.  It can
 *                  start the first list at any qword offset, and records
 *                  every slot it wrote in walk order (data or chain).
 *   build_linux()  a transcription of nvme_pci_setup_prps() of Linux 6.1
 *                  (drivers/nvme/host/pci.c) for any page size: 256-byte
 *                  "small pool" blocks for up to 32 entries, else whole
 *                  pages; a full page moves its last entry to the next page
 *                  and takes the chain pointer instead.
 * The two must write identical memory.  Then the walk must give exactly the
 * expected segments (the transfer's pages in order, first one from PRP1's
 * offset, last one partial), read every written slot exactly once and
 * nothing else, and succeed again with segment == NULL.
 *
 * 1. Hand-laid cases (no builder), the spec's PRP2 examples.
 * 2. Every argument error, before any callback.
 * 3. Bad list entries (data and chain pointers), failing reads and failing
 *    segment callbacks at chosen positions: the error comes back, the walk
 *    stops there, what was delivered before is the expected prefix.
 * 4. Lists that chain to themselves or to each other: the walk ends within
 *    the documented bound.
 * 5. Boundaries for page sizes 4K, 8K, 16K, 32K, 64K, 128K and 128M: PRP1
 *    offsets x list offsets x lengths around one page, two pages, a full
 *    first list page, one entry more, full chained pages, one entry more,
 *    several list pages, and the largest length (4 GiB - 1).
 * 6. Random round trips (page size, offsets, length, page layout, builder),
 *    with a random slot corrupted or a random read failing afterwards.
 *
 * The last line is "prp: N passed, M failed" (N, M count test cases).
 * An optional argument seeds the random tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <inttypes.h>

#include "prp.h"

/* ---- Test bookkeeping ------------------------------------------------------ */

static int n_pass, n_fail, case_failed, n_msgs;
static char case_name[160];

static void case_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void case_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(case_name, sizeof(case_name), fmt, ap);
	va_end(ap);
	case_failed = 0;
}

static void case_end(void)
{
	if (case_failed)
		n_fail++;
	else
		n_pass++;
}

static void fail_msg(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail_msg(int line, const char *fmt, ...)
{
	va_list ap;

	case_failed = 1;
	if (++n_msgs > 60)
		return;
	printf("%s:%d: [%s] ", __FILE__, line, case_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(c) do { if (!(c)) fail_msg(__LINE__, "check failed: %s", #c); } while (0)
#define CHECK_EQ(g, e) do { \
	unsigned long long g_ = (unsigned long long)(g), e_ = (unsigned long long)(e); \
	if (g_ != e_) \
		fail_msg(__LINE__, "%s is 0x%llx (%lld), expected %s = 0x%llx (%lld)", \
			 #g, g_, (long long)g_, #e, e_, (long long)e_); \
} while (0)

/* xorshift64*: deterministic, seedable. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		printf("out of memory\n");
		exit(2);
	}
	return p;
}

/* ---- Simulated bus memory holding PRP lists -------------------------------- */

struct slot {
	uint64_t addr;		/* qword address; valid when used */
	uint8_t le[8];		/* the entry, little endian */
	uint32_t reads;
	uint8_t used;
};

struct sim {
	uint32_t ps;
	uint64_t base;		/* bus address of list frame 0 */
	uint32_t nframes, used_frames;
	uint32_t *order;	/* frame allocation order: a permutation */
	struct slot *tab;	/* open addressing, linear probing */
	size_t cap;		/* power of two */
	size_t nwritten;
	/* The read callback's record. */
	uint64_t nreads;
	unsigned int bad;	/* reads the walk must never make */
	uint64_t first_bad;
	int64_t fail_read_at;	/* index of the read that fails, -1: none */
	int fail_read_err;
};

static void sim_init(struct sim *s, uint32_t ps, size_t max_slots, uint32_t nframes)
{
	uint64_t span, room;
	uint32_t i, j, t;

	memset(s, 0, sizeof(*s));
	s->ps = ps;
	s->nframes = nframes;
	s->order = xcalloc(nframes, sizeof(*s->order));
	for (i = 0; i < nframes; i++)
		s->order[i] = i;
	for (i = nframes; i > 1; i--) {		/* list pages in random places */
		j = (uint32_t)rnd_below(i);
		t = s->order[i - 1];
		s->order[i - 1] = s->order[j];
		s->order[j] = t;
	}
	/* Frames anywhere below 2^63, page aligned. */
	span = (uint64_t)nframes * ps;
	room = (1ULL << 63) - span;
	s->base = rnd_below(room) & ~(uint64_t)(ps - 1);
	s->cap = 16;
	while (s->cap < 2 * max_slots + 16)
		s->cap <<= 1;
	s->tab = xcalloc(s->cap, sizeof(*s->tab));
	s->fail_read_at = -1;
}

static void sim_free(struct sim *s)
{
	free(s->order);
	free(s->tab);
	memset(s, 0, sizeof(*s));
}

static size_t sim_hash(const struct sim *s, uint64_t addr)
{
	return (size_t)(((addr >> 3) * 0x9e3779b97f4a7c15ULL) >> 20) & (s->cap - 1);
}

static struct slot *sim_find(struct sim *s, uint64_t addr)
{
	size_t i = sim_hash(s, addr);

	while (s->tab[i].used) {
		if (s->tab[i].addr == addr)
			return &s->tab[i];
		i = (i + 1) & (s->cap - 1);
	}
	return NULL;
}

static void sim_write(struct sim *s, uint64_t addr, uint64_t val)
{
	size_t i = sim_hash(s, addr);
	int b;

	if (addr & 7) {
		printf("test bug: unaligned list write 0x%" PRIx64 "\n", addr);
		exit(2);
	}
	while (s->tab[i].used && s->tab[i].addr != addr)
		i = (i + 1) & (s->cap - 1);
	if (!s->tab[i].used) {
		if (2 * (s->nwritten + 1) > s->cap) {
			printf("test bug: simulated memory full\n");
			exit(2);
		}
		s->nwritten++;
		s->tab[i].used = 1;
		s->tab[i].addr = addr;
	}
	for (b = 0; b < 8; b++)
		s->tab[i].le[b] = (uint8_t)(val >> (8 * b));
}

static uint64_t sim_peek(struct sim *s, uint64_t addr)
{
	struct slot *sl = sim_find(s, addr);
	uint64_t v = 0;
	int b;

	for (b = 7; sl && b >= 0; b--)
		v = (v << 8) | sl->le[b];
	return v;
}

/* A fresh list page (page aligned), in random order within the region. */
static uint64_t sim_alloc_frame(struct sim *s)
{
	if (s->used_frames >= s->nframes) {
		printf("test bug: out of list frames\n");
		exit(2);
	}
	return s->base + (uint64_t)s->order[s->used_frames++] * s->ps;
}

static void sim_reset_reads(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		s->tab[i].reads = 0;
	s->nreads = 0;
	s->bad = 0;
	s->fail_read_at = -1;
}

/* Every written slot read exactly once (so nothing unwritten was read). */
static int sim_all_read_once(const struct sim *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->tab[i].used && s->tab[i].reads != 1)
			return 0;
	return s->bad == 0 && s->nreads == s->nwritten;
}

/* ---- The callbacks ------------------------------------------------------ */

struct walk {
	struct sim *sim;
	uint32_t ps;
	uint64_t *addr;		/* segments received */
	uint32_t *len;
	size_t n, cap;
	unsigned int bad;	/* segments breaking the documented shape */
	int64_t fail_seg_at;	/* index of the segment call that fails, -1 */
	int fail_seg_err;
	int calls_after_fail;
};

static void walk_init(struct walk *w, struct sim *s, uint32_t ps)
{
	memset(w, 0, sizeof(*w));
	w->sim = s;
	w->ps = ps;
	w->fail_seg_at = -1;
}

static void walk_reset(struct walk *w)
{
	w->n = 0;
	w->bad = 0;
	w->fail_seg_at = -1;
	w->calls_after_fail = 0;
}

static void walk_free(struct walk *w)
{
	free(w->addr);
	free(w->len);
	w->addr = NULL;
	w->len = NULL;
	w->cap = 0;
}

static int cb_read(void *ctx, uint64_t addr, uint64_t *entry)
{
	struct walk *w = ctx;
	struct sim *s = w->sim;
	struct slot *sl;
	uint64_t v = 0;
	int b;

	sl = s && !(addr & 7) ? sim_find(s, addr) : NULL;
	if (!sl) {
		if (s && !s->bad++)
			s->first_bad = addr;
		return -EFAULT;
	}
	if ((int64_t)s->nreads++ == s->fail_read_at)
		return s->fail_read_err;
	sl->reads++;
	for (b = 7; b >= 0; b--)
		v = (v << 8) | sl->le[b];
	*entry = v;
	return 0;
}

static int cb_segment(void *ctx, uint64_t addr, uint32_t len)
{
	struct walk *w = ctx;
	uint64_t off = addr & (w->ps - 1);

	if (w->fail_seg_at >= 0 && (int64_t)w->n > w->fail_seg_at)
		w->calls_after_fail++;
	if (!len || len > w->ps || off + len > w->ps)
		w->bad++;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->addr = realloc(w->addr, w->cap * sizeof(*w->addr));
		w->len = realloc(w->len, w->cap * sizeof(*w->len));
		if (!w->addr || !w->len) {
			printf("out of memory\n");
			exit(2);
		}
	}
	w->addr[w->n] = addr;
	w->len[w->n] = len;
	if ((int64_t)w->n++ == w->fail_seg_at)
		return w->fail_seg_err;
	return 0;
}

/* ---- Transfers and the reference builders -------------------------------- */

enum { PAT_CONTIG, PAT_RANDOM, PAT_RUNS, PAT_TOP, PAT_COUNT };

/*
 * A buffer as a driver sees it after DMA mapping: the first page (prp1, with
 * its offset) and the n pages after it, page aligned.
 */
struct xfer {
	uint32_t ps, length;
	uint64_t prp1;
	uint64_t *pages;
	size_t n;
};

static uint64_t first_len(const struct xfer *x)
{
	uint64_t f = x->ps - (x->prp1 & (x->ps - 1));

	return f < x->length ? f : x->length;
}

static size_t entries_after_prp1(uint32_t ps, uint64_t prp1, uint32_t length)
{
	uint64_t f = ps - (prp1 & (ps - 1));

	return length <= f ? 0 : (size_t)((length - f + ps - 1) / ps);
}

static void xfer_make(struct xfer *x, uint32_t ps, uint32_t off1, uint32_t length, int pat)
{
	uint64_t mask = ps - 1, page;
	size_t i, run = 0;

	x->ps = ps;
	x->length = length;
	switch (pat) {
	case PAT_TOP:		/* the first page is the last of the address space */
		page = 0 - (uint64_t)ps;
		break;
	default:
		page = rnd() & ~mask;
		break;
	}
	x->prp1 = page + off1;
	x->n = entries_after_prp1(ps, x->prp1, length);
	x->pages = xcalloc(x->n, sizeof(*x->pages));
	for (i = 0; i < x->n; i++) {
		switch (pat) {
		case PAT_CONTIG:
			page += ps;
			break;
		case PAT_RANDOM:
			page = rnd() & ~mask;
			break;
		case PAT_RUNS:
			if (!run) {
				run = 1 + (size_t)rnd_below(8);
				page = rnd() & ~mask;
			} else {
				page += ps;
			}
			run--;
			break;
		default:	/* PAT_TOP: downwards from the top */
			page -= ps;
			break;
		}
		x->pages[i] = page;
	}
}

static void xfer_free(struct xfer *x)
{
	free(x->pages);
	x->pages = NULL;
}

/* What build_ref() wrote, in the order the walk must read it. */
struct layout {
	uint64_t prp2;
	uint64_t *slot;		/* slot addresses in walk order */
	uint8_t *chain;		/* 1: that slot is a next-list pointer */
	size_t nslots;
	uint32_t list_pages;
};

static void layout_free(struct layout *lo)
{
	free(lo->slot);
	free(lo->chain);
	memset(lo, 0, sizeof(*lo));
}

/* Upper bound of the list pages build_ref() uses for n entries. */
static uint32_t frames_for(uint32_t ps, size_t n)
{
	return (uint32_t)(2 + n / (ps / 8 - 1) + 1);
}

/*
 * Lay out x's entries: PRP2 is unused (garbage: reserved), the second page,
 * or a list starting list_off (qword aligned) into a fresh list page.
 */
static void build_ref(struct sim *s, const struct xfer *x, uint32_t list_off,
		      uint64_t garbage, struct layout *lo)
{
	size_t i = 0, left, take, k;
	uint64_t at, next;
	uint32_t slots;

	memset(lo, 0, sizeof(*lo));
	if (x->n == 0) {
		lo->prp2 = garbage;
		return;
	}
	if (x->n == 1) {
		lo->prp2 = x->pages[0];
		return;
	}
	lo->slot = xcalloc(x->n + x->n / 8 + 4, sizeof(*lo->slot));
	lo->chain = xcalloc(x->n + x->n / 8 + 4, 1);
	at = sim_alloc_frame(s) + list_off;
	lo->prp2 = at;
	lo->list_pages = 1;
	slots = (s->ps - list_off) / 8;
	for (;;) {
		left = x->n - i;
		take = left <= slots ? left : slots - 1;
		for (k = 0; k < take; k++) {
			sim_write(s, at + 8 * k, x->pages[i++]);
			lo->slot[lo->nslots++] = at + 8 * k;
		}
		if (i == x->n)
			break;
		next = sim_alloc_frame(s);
		sim_write(s, at + 8 * take, next);
		lo->chain[lo->nslots] = 1;
		lo->slot[lo->nslots++] = at + 8 * take;
		lo->list_pages++;
		at = next;
		slots = s->ps / 8;
	}
}

/*
 * nvme_pci_setup_prps() of Linux 6.1, with NVME_CTRL_PAGE_SIZE = ps, the
 * scatterlist replaced by x's pages and dma_pool_alloc() by the simulated
 * memory (small_block: which 256-byte block of a page the small pool hands
 * out).  Returns PRP2.
 */
static uint64_t build_linux(struct sim *s, const struct xfer *x, uint32_t small_block)
{
	int64_t length = x->length;
	uint64_t offset = x->prp1 & (x->ps - 1);
	uint64_t prp_list, old_prp_list, prp_dma, first_dma;
	size_t nprps, pg = 0;
	uint32_t i;

	length -= (int64_t)(x->ps - offset);
	if (length <= 0)
		return 0;
	if (length <= x->ps)
		return x->pages[pg];
	nprps = (size_t)((length + x->ps - 1) / x->ps);
	if (nprps <= 256 / 8)
		prp_dma = sim_alloc_frame(s) + 256 * (uint64_t)small_block;
	else
		prp_dma = sim_alloc_frame(s);
	prp_list = prp_dma;
	first_dma = prp_dma;
	i = 0;
	for (;;) {
		if (i == x->ps >> 3) {
			old_prp_list = prp_list;
			prp_list = sim_alloc_frame(s);
			sim_write(s, prp_list, sim_peek(s, old_prp_list + 8 * (i - 1)));
			sim_write(s, old_prp_list + 8 * (i - 1), prp_list);
			i = 1;
		}
		sim_write(s, prp_list + 8 * i++, x->pages[pg++]);
		length -= x->ps;
		if (length <= 0)
			break;
	}
	return first_dma;
}

/* ---- Checking a walk -------------------------------------------------------- */

/* The first count segments of w are x's expected segments. */
static int segs_match(const struct walk *w, const struct xfer *x, size_t count)
{
	uint64_t rest = x->length, len;
	size_t k;

	if (w->n < count)
		return 0;
	for (k = 0; k < count && k <= x->n; k++) {
		len = k ? (rest < x->ps ? rest : x->ps) : first_len(x);
		if (w->addr[k] != (k ? x->pages[k - 1] : x->prp1) || w->len[k] != len)
			return 0;
		rest -= len;
	}
	return k == count;
}

/* The segments tile the buffer: all of x, in order, each byte once. */
static void check_tiles(const struct walk *w, const struct xfer *x, int line)
{
	uint64_t sum = 0;
	size_t k;

	if (w->n != x->n + 1 || !segs_match(w, x, x->n + 1))
		fail_msg(line, "segments differ from the buffer (%zu segments, expected %zu)",
			 w->n, x->n + 1);
	for (k = 0; k < w->n; k++)
		sum += w->len[k];
	if (sum != x->length)
		fail_msg(line, "segments add up to %" PRIu64 ", expected %u", sum, x->length);
	if (w->bad)
		fail_msg(line, "%u segments cross a page or have a bad length", w->bad);
}

/*
 * Walk a laid-out transfer: exact segments, every written slot read once,
 * nothing else read; then the same with segment == NULL.
 */
static void check_walk(struct sim *s, const struct xfer *x, uint64_t prp2, int line)
{
	struct walk w;
	uint64_t reads;
	int ret;

	walk_init(&w, s, x->ps);
	sim_reset_reads(s);
	ret = prp_walk(x->prp1, prp2, x->length, x->ps, cb_read, cb_segment, &w);
	if (ret)
		fail_msg(line, "prp_walk returned %d", ret);
	check_tiles(&w, x, line);
	if (!sim_all_read_once(s))
		fail_msg(line, "list reads: %" PRIu64 " reads of %zu written slots, %u bad (first 0x%"
			 PRIx64 ")", s->nreads, s->nwritten, s->bad, s->first_bad);
	reads = s->nreads;
	sim_reset_reads(s);
	ret = prp_walk(x->prp1, prp2, x->length, x->ps, cb_read, NULL, &w);
	if (ret || s->nreads != reads || s->bad)
		fail_msg(line, "validate-only walk: %d, %" PRIu64 " reads (expected %" PRIu64 ")",
			 ret, s->nreads, reads);
	walk_free(&w);
}

/*
 * Lay out x with build_ref() (list at list_off) and with build_linux() when
 * the list offset is one it can produce, compare the memory, walk.
 */
static void roundtrip(const struct xfer *x, uint32_t list_off, int line)
{
	struct sim s, t;
	struct layout lo;
	uint32_t frames = frames_for(x->ps, x->n);
	uint64_t prp2_linux, saved = rng_state;
	size_t i;

	sim_init(&s, x->ps, x->n + frames, frames);
	build_ref(&s, x, list_off, rnd() | 0xfff, &lo);
	if (lo.list_pages > frames)
		fail_msg(line, "build_ref used %u list pages", lo.list_pages);
	check_walk(&s, x, lo.prp2, line);

	/* Linux lays out lists at offset 0, or 256-byte blocks for <= 32 entries. */
	if (x->n >= 2 && (list_off % 256) == 0 && (list_off == 0 || x->n <= 32)) {
		rng_state = saved;	/* the same list frames as s */
		sim_init(&t, x->ps, x->n + frames, frames);
		prp2_linux = build_linux(&t, x, list_off / 256);
		if (prp2_linux != lo.prp2 || t.nwritten != s.nwritten)
			fail_msg(line, "build_linux: prp2 0x%" PRIx64 " (ref 0x%" PRIx64
				 "), %zu slots (ref %zu)", prp2_linux, lo.prp2, t.nwritten,
				 s.nwritten);
		for (i = 0; i < lo.nslots; i++)
			if (sim_peek(&t, lo.slot[i]) != sim_peek(&s, lo.slot[i]))
				break;
		if (i < lo.nslots)
			fail_msg(line, "build_linux differs at slot 0x%" PRIx64, lo.slot[i]);
		check_walk(&t, x, prp2_linux, line);
		sim_free(&t);
	}
	rnd();
	layout_free(&lo);
	sim_free(&s);
}

/* ---- 1. Hand-laid cases ------------------------------------------------------ */

struct seg {
	uint64_t addr;
	uint32_t len;
};

/* Walk and compare with a literal list of segments; reads: expected count. */
static void expect_segs(struct sim *s, uint64_t prp1, uint64_t prp2, uint32_t length,
			uint32_t ps, const struct seg *exp, size_t nexp, uint64_t reads, int line)
{
	struct walk w;
	size_t k;
	int ret;

	walk_init(&w, s, ps);
	if (s)
		sim_reset_reads(s);
	ret = prp_walk(prp1, prp2, length, ps, cb_read, cb_segment, &w);
	if (ret)
		fail_msg(line, "prp_walk returned %d", ret);
	if (w.n != nexp)
		fail_msg(line, "%zu segments, expected %zu", w.n, nexp);
	for (k = 0; k < w.n && k < nexp; k++)
		if (w.addr[k] != exp[k].addr || w.len[k] != exp[k].len)
			fail_msg(line, "segment %zu is (0x%" PRIx64 ", %u), expected (0x%" PRIx64
				 ", %u)", k, w.addr[k], w.len[k], exp[k].addr, exp[k].len);
	if (s && (s->nreads != reads || s->bad))
		fail_msg(line, "%" PRIu64 " list reads (%u bad), expected %" PRIu64,
			 s->nreads, s->bad, reads);
	walk_free(&w);
}

#define EXPECT(s, p1, p2, len, ps, reads, ...) do { \
	static const struct seg e_[] = { __VA_ARGS__ }; \
	expect_segs(s, p1, p2, len, ps, e_, sizeof(e_) / sizeof(e_[0]), reads, __LINE__); \
} while (0)

static void test_hand_laid(void)
{
	struct sim s;
	struct seg *exp;
	size_t k;

	/* No list: the read callback sees no memory at all. */
	case_begin("single page");
	EXPECT(NULL, 0x10000, 0, 4096, 4096, 0, { 0x10000, 4096 });
	EXPECT(NULL, 0x10000, 0, 1, 4096, 0, { 0x10000, 1 });
	EXPECT(NULL, 0x10000, 0xffffffffffffffffULL, 4096, 4096, 0, { 0x10000, 4096 });
	case_end();

	case_begin("offset in PRP1");
	EXPECT(NULL, 0x10010, 0, 100, 4096, 0, { 0x10010, 100 });
	EXPECT(NULL, 0x10010, 0x3, 4080, 4096, 0, { 0x10010, 4080 });	/* PRP2 reserved */
	EXPECT(NULL, 0x10ffc, 0, 4, 4096, 0, { 0x10ffc, 4 });
	/* Spec PRP2 b) i): one page with an offset crosses one boundary. */
	EXPECT(NULL, 0x10010, 0x55000, 4096, 4096, 0, { 0x10010, 4080 }, { 0x55000, 16 });
	case_end();

	case_begin("two pages");
	/* Spec PRP2 b) ii): offset 0, more than one page, at most two. */
	EXPECT(NULL, 0x20000, 0x50000, 4097, 4096, 0, { 0x20000, 4096 }, { 0x50000, 1 });
	EXPECT(NULL, 0x20000, 0x50000, 8192, 4096, 0, { 0x20000, 4096 }, { 0x50000, 4096 });
	EXPECT(NULL, 0x20000, 0x2000, 16384, 8192, 0, { 0x20000, 8192 }, { 0x2000, 8192 });
	EXPECT(NULL, 0xfffffffffffff000ULL, 0, 8192, 4096, 0,
	       { 0xfffffffffffff000ULL, 4096 }, { 0, 4096 });
	case_end();

	sim_init(&s, 4096, 4096, 1);
	case_begin("list of two entries");
	/* Spec PRP2 c) i): two pages with an offset need three pages. */
	sim_write(&s, 0x9000, 0xa000);
	sim_write(&s, 0x9008, 0xb000);
	EXPECT(&s, 0x20100, 0x9000, 8192, 4096, 2,
	       { 0x20100, 3840 }, { 0xa000, 4096 }, { 0xb000, 256 });
	/* Spec PRP2 c) ii): offset 0, more than two pages. */
	EXPECT(&s, 0x20000, 0x9000, 8193, 4096, 2,
	       { 0x20000, 4096 }, { 0xa000, 4096 }, { 0xb000, 1 });
	EXPECT(&s, 0x20000, 0x9000, 12288, 4096, 2,
	       { 0x20000, 4096 }, { 0xa000, 4096 }, { 0xb000, 4096 });
	case_end();
	sim_free(&s);

	sim_init(&s, 4096, 4096, 1);
	case_begin("list with an offset: exactly full, then chained");
	sim_write(&s, 0x9ff0, 0xa000);
	sim_write(&s, 0x9ff8, 0xb000);
	EXPECT(&s, 0x20000, 0x9ff0, 3 * 4096, 4096, 2,
	       { 0x20000, 4096 }, { 0xa000, 4096 }, { 0xb000, 4096 });
	sim_write(&s, 0x9ff8, 0x7000);		/* now the chain pointer */
	sim_write(&s, 0x7000, 0xb000);
	sim_write(&s, 0x7008, 0xc000);
	EXPECT(&s, 0x20000, 0x9ff0, 3 * 4096 + 1, 4096, 4,
	       { 0x20000, 4096 }, { 0xa000, 4096 }, { 0xb000, 4096 }, { 0xc000, 1 });
	case_end();
	sim_free(&s);

	sim_init(&s, 4096, 4096, 1);
	case_begin("list of one slot (PRP2 at the last qword of its page)");
	sim_write(&s, 0x9ff8, 0x7000);
	sim_write(&s, 0x7000, 0xa000);
	sim_write(&s, 0x7008, 0xb000);
	EXPECT(&s, 0x20000, 0x9ff8, 3 * 4096, 4096, 3,
	       { 0x20000, 4096 }, { 0xa000, 4096 }, { 0xb000, 4096 });
	case_end();
	sim_free(&s);

	/* 512 entries fill a 4 KiB list page; 513 need a second one. */
	exp = xcalloc(600, sizeof(*exp));
	sim_init(&s, 4096, 4096, 1);
	case_begin("4K list page exactly full (512 entries)");
	exp[0].addr = 0x40000000;
	exp[0].len = 4096;
	for (k = 0; k < 512; k++) {
		sim_write(&s, 0x100000 + 8 * k, 0x80000000 + 0x3000 * k);
		exp[k + 1].addr = 0x80000000 + 0x3000 * k;
		exp[k + 1].len = 4096;
	}
	expect_segs(&s, 0x40000000, 0x100000, 513 * 4096, 4096, exp, 513, 512, __LINE__);
	case_end();
	case_begin("4K list pages: 513 entries chain once");
	sim_write(&s, 0x100000 + 8 * 511, 0x200000);
	sim_write(&s, 0x200000, 0x80000000 + 0x3000 * 511);
	sim_write(&s, 0x200008, 0x12345000);
	exp[513].addr = 0x12345000;
	exp[513].len = 7;
	expect_segs(&s, 0x40000000, 0x100000, 513 * 4096 + 7, 4096, exp, 514, 514, __LINE__);
	case_end();
	sim_free(&s);
	free(exp);
}

/* ---- 2. Argument errors --------------------------------------------------- */

/* An error before any callback: no segment, no read. */
static void expect_arg_error(uint64_t prp1, uint64_t prp2, uint32_t length, uint32_t ps,
			     int line)
{
	struct sim s;
	struct walk w;
	int ret;

	sim_init(&s, 4096, 16, 1);
	walk_init(&w, &s, ps ? ps : 1);
	ret = prp_walk(prp1, prp2, length, ps, cb_read, cb_segment, &w);
	if (ret != -EINVAL)
		fail_msg(line, "prp_walk(0x%" PRIx64 ", 0x%" PRIx64 ", %u, 0x%x) returned %d, expected -EINVAL",
			 prp1, prp2, length, ps, ret);
	if (w.n || s.nreads || s.bad)
		fail_msg(line, "%zu segments and %" PRIu64 " reads before the error", w.n,
			 s.nreads + s.bad);
	walk_free(&w);
	sim_free(&s);
}

static void test_arg_errors(void)
{
	static const uint32_t bad_ps[] = {
		0, 1, 2, 8, 512, 2048, 4095, 4097, 6144, 12288, 65535, 65537, 3u << 12,
		1u << 28, 1u << 29, 1u << 31, 0xffffffffu, (1u << 27) + 4096, (1u << 27) - 4096,
	};
	static const uint32_t sizes[] = { 4096, 8192, 16384, 65536, 131072, 1u << 27 };
	struct walk w;
	unsigned int i, j;
	uint32_t ps;
	int ret;

	case_begin("read_entry NULL");
	walk_init(&w, NULL, 4096);
	ret = prp_walk(0x1000, 0, 16, 4096, NULL, cb_segment, &w);
	CHECK_EQ(ret, -EINVAL);
	CHECK_EQ(w.n, 0);
	ret = prp_walk(0x1000, 0x2000, 3 * 4096, 4096, NULL, cb_segment, &w);
	CHECK_EQ(ret, -EINVAL);
	CHECK_EQ(w.n, 0);
	walk_free(&w);
	case_end();

	case_begin("length 0");
	for (i = 0; i < 6; i++)
		expect_arg_error(0x1000, 0x2000, 0, sizes[i], __LINE__);
	expect_arg_error(0, 0, 0, 4096, __LINE__);
	case_end();

	case_begin("page size not a power of two in 4K..128M");
	for (i = 0; i < sizeof(bad_ps) / sizeof(bad_ps[0]); i++) {
		expect_arg_error(0x100000000ULL, 0, 1, bad_ps[i], __LINE__);
		expect_arg_error(0, 0, 0x10000, bad_ps[i], __LINE__);
	}
	case_end();

	case_begin("every power of two 4K..128M is a valid page size");
	for (ps = 4096; ps && ps <= (1u << 27); ps <<= 1) {
		walk_init(&w, NULL, ps);
		ret = prp_walk(0x100000000ULL + 4, 0, ps - 4, ps, cb_read, cb_segment, &w);
		CHECK_EQ(ret, 0);
		CHECK(w.n == 1 && w.addr[0] == 0x100000000ULL + 4 && w.len[0] == ps - 4);
		walk_free(&w);
	}
	case_end();

	case_begin("PRP1 not dword aligned");
	for (i = 0; i < 6; i++) {
		ps = sizes[i];
		for (j = 1; j < 4; j++) {
			expect_arg_error(0x100000000ULL + j, 0, 1, ps, __LINE__);
			expect_arg_error(0x100000000ULL + 0x40 + j, 0, 4, ps, __LINE__);
			expect_arg_error(0x100000000ULL + ps - 4 + j, 0, 1, ps, __LINE__);
			/* Also when PRP2 or a list would follow. */
			expect_arg_error(0x100000000ULL + j, 0x200000000ULL, ps + 1, ps, __LINE__);
			expect_arg_error(0x100000000ULL + j, 0x200000000ULL, 3 * ps, ps, __LINE__);
		}
	}
	case_end();

	case_begin("PRP2 as second data entry with an offset");
	for (i = 0; i < 6; i++) {
		static const uint32_t offs[] = { 1, 2, 3, 4, 8, 0x100 };

		ps = sizes[i];
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			/* PRP1 offset 0: ps + 1 .. 2 ps bytes. */
			expect_arg_error(0x100000000ULL, 0x200000000ULL + offs[j], ps + 1, ps,
					 __LINE__);
			expect_arg_error(0x100000000ULL, 0x200000000ULL + offs[j], 2 * ps, ps,
					 __LINE__);
			/* PRP1 with an offset: one page crosses one boundary. */
			expect_arg_error(0x100000000ULL + 0x10, 0x200000000ULL + offs[j], ps, ps,
					 __LINE__);
		}
		expect_arg_error(0x100000000ULL, 0x200000000ULL + ps / 2, 2 * ps, ps, __LINE__);
		expect_arg_error(0x100000000ULL, 0x200000000ULL + ps - 8, 2 * ps, ps, __LINE__);
		expect_arg_error(0x100000000ULL, 0x200000000ULL + ps - 4, 2 * ps, ps, __LINE__);
	}
	case_end();

	case_begin("PRP2 as list pointer not qword aligned");
	for (i = 0; i < 6; i++) {
		static const uint32_t offs[] = { 1, 2, 3, 4, 5, 6, 7, 0xc, 0x104 };

		ps = sizes[i];
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			expect_arg_error(0x100000000ULL, 0x200000000ULL + offs[j], 2 * ps + 1, ps,
					 __LINE__);
			expect_arg_error(0x100000000ULL + 4, 0x200000000ULL + offs[j], 2 * ps, ps,
					 __LINE__);
			expect_arg_error(0x100000000ULL, 0x200000000ULL + offs[j], 0xffffffffu, ps,
					 __LINE__);
		}
		expect_arg_error(0x100000000ULL, 0x200000000ULL + ps - 4, 2 * ps + 1, ps, __LINE__);
	}
	case_end();

	case_begin("PRP2 unused is reserved: not checked, not read");
	for (i = 0; i < 6; i++) {
		ps = sizes[i];
		walk_init(&w, NULL, ps);
		ret = prp_walk(0x100000000ULL, 0xffffffffffffffffULL, ps, ps, cb_read, cb_segment,
			       &w);
		CHECK_EQ(ret, 0);
		CHECK_EQ(w.n, 1);
		ret = prp_walk(0x100000000ULL + ps - 8, 0x3, 8, ps, cb_read, cb_segment, &w);
		CHECK_EQ(ret, 0);
		CHECK_EQ(w.n, 2);
		walk_free(&w);
	}
	case_end();

	case_begin("PRP2 at exactly two pages is data (qword offset refused), one byte more a list");
	{
		struct sim s;

		sim_init(&s, 4096, 16, 1);
		expect_arg_error(0x100000000ULL, 0x9008, 8192, 4096, __LINE__);
		sim_write(&s, 0x9008, 0xa000);
		sim_write(&s, 0x9010, 0xb000);
		EXPECT(&s, 0x100000000ULL, 0x9008, 8193, 4096, 2,
		       { 0x100000000ULL, 4096 }, { 0xa000, 4096 }, { 0xb000, 1 });
		sim_free(&s);
	}
	case_end();
}

/* ---- 3. Errors met during the walk ------------------------------------------ */

/* ps 4K, list at list_off: n entries, so a few chained list pages. */
static void setup_chained(struct sim *s, struct xfer *x, struct layout *lo, uint32_t ps,
			  uint32_t off1, uint32_t list_off, size_t n, uint32_t tail)
{
	uint64_t f = ps - off1;

	xfer_make(x, ps, off1, (uint32_t)(f + (n - 1) * (uint64_t)ps + tail), PAT_RUNS);
	sim_init(s, ps, x->n + frames_for(ps, x->n), frames_for(ps, x->n));
	build_ref(s, x, list_off, 0, lo);
}

/* Data entries among the first j slots of the walk. */
static size_t data_before(const struct layout *lo, size_t j)
{
	size_t k, d = 0;

	for (k = 0; k < j; k++)
		d += !lo->chain[k];
	return d;
}

/* The walk-order index of the slot holding list data entry k (1-based). */
static size_t slot_of_data(const struct layout *lo, size_t k)
{
	size_t j, d = 0;

	for (j = 0; j < lo->nslots; j++)
		if (!lo->chain[j] && ++d == k)
			return j;
	return lo->nslots;
}

/* Slot positions worth breaking: ends, chain pointers and their neighbours. */
static size_t interesting_slots(const struct layout *lo, size_t *pos, size_t max)
{
	size_t k, n = 0;

	for (k = 0; k < lo->nslots && n + 4 <= max; k++) {
		if (k == 0 || k == 1 || k + 1 == lo->nslots || k == lo->nslots / 2 ||
		    lo->chain[k] || (k && lo->chain[k - 1]) ||
		    (k + 1 < lo->nslots && lo->chain[k + 1]))
			pos[n++] = k;
	}
	return n;
}

static void test_walk_errors(void)
{
	static const uint32_t bad_offs[] = { 1, 2, 3, 4, 8, 0x800, 0xff8 };
	static const uint32_t list_offs[] = { 0, 8, 0xff8 };
	struct sim s;
	struct xfer x;
	struct layout lo;
	struct walk w;
	size_t pos[64], npos, p, j;
	unsigned int i, b;
	uint64_t orig;
	int ret;

	for (i = 0; i < 3; i++) {
		setup_chained(&s, &x, &lo, 4096, 0x100, list_offs[i], 3 * 511 + 7, 100);
		npos = interesting_slots(&lo, pos, 64);

		case_begin("bad list entry offset (list at +0x%x)", list_offs[i]);
		for (p = 0; p < npos; p++) {
			j = pos[p];
			orig = sim_peek(&s, lo.slot[j]);
			for (b = 0; b < sizeof(bad_offs) / sizeof(bad_offs[0]); b++) {
				sim_write(&s, lo.slot[j], orig | bad_offs[b]);
				sim_reset_reads(&s);
				walk_init(&w, &s, 4096);
				ret = prp_walk(x.prp1, lo.prp2, x.length, 4096, cb_read, cb_segment,
					       &w);
				if (ret != -EINVAL || w.n != 1 + data_before(&lo, j) ||
				    !segs_match(&w, &x, w.n) || s.nreads != j + 1 || s.bad)
					fail_msg(__LINE__, "slot %zu%s |= 0x%x: %d, %zu segments, %"
						 PRIu64 " reads", j, lo.chain[j] ? " (chain)" : "",
						 bad_offs[b], ret, w.n, s.nreads);
				/* Validate-only finds it too. */
				sim_reset_reads(&s);
				ret = prp_walk(x.prp1, lo.prp2, x.length, 4096, cb_read, NULL, &w);
				if (ret != -EINVAL)
					fail_msg(__LINE__, "validate-only: slot %zu: %d", j, ret);
				walk_free(&w);
			}
			sim_write(&s, lo.slot[j], orig);
		}
		check_walk(&s, &x, lo.prp2, __LINE__);	/* intact again */
		case_end();

		case_begin("read_entry failing (list at +0x%x)", list_offs[i]);
		for (p = 0; p < npos; p++) {
			j = pos[p];
			sim_reset_reads(&s);
			s.fail_read_at = (int64_t)j;
			s.fail_read_err = (p & 1) ? -EIO : -EFAULT;
			walk_init(&w, &s, 4096);
			ret = prp_walk(x.prp1, lo.prp2, x.length, 4096, cb_read, cb_segment, &w);
			if (ret != s.fail_read_err || w.n != 1 + data_before(&lo, j) ||
			    !segs_match(&w, &x, w.n) || s.nreads != j + 1 || s.bad)
				fail_msg(__LINE__, "read %zu fails: %d, %zu segments, %" PRIu64
					 " reads", j, ret, w.n, s.nreads);
			walk_free(&w);
		}
		/* A positive value comes back as it is. */
		sim_reset_reads(&s);
		s.fail_read_at = 3;
		s.fail_read_err = 7;
		walk_init(&w, &s, 4096);
		ret = prp_walk(x.prp1, lo.prp2, x.length, 4096, cb_read, cb_segment, &w);
		CHECK_EQ(ret, 7);
		CHECK_EQ(w.n, 1 + data_before(&lo, 3));
		walk_free(&w);
		case_end();

		case_begin("segment callback failing (list at +0x%x)", list_offs[i]);
		for (p = 0; p < npos + 2; p++) {
			/* Segment k: PRP1 (0), the first list entries, around chains, last. */
			size_t k = p < npos ? 1 + data_before(&lo, pos[p]) : p - npos;

			if (k > x.n)
				continue;
			sim_reset_reads(&s);
			walk_init(&w, &s, 4096);
			w.fail_seg_at = (int64_t)k;
			w.fail_seg_err = (p & 1) ? -ENOMEM : 1;
			ret = prp_walk(x.prp1, lo.prp2, x.length, 4096, cb_read, cb_segment, &w);
			/* Reads: through the k-th data entry's slot (none for PRP1). */
			j = k ? slot_of_data(&lo, k) : 0;
			if (ret != w.fail_seg_err || w.n != k + 1 || w.calls_after_fail ||
			    !segs_match(&w, &x, w.n) || s.nreads != (k ? j + 1 : 0) || s.bad)
				fail_msg(__LINE__, "segment %zu fails: %d, %zu segments, %" PRIu64
					 " reads (expected %zu)", k, ret, w.n, s.nreads, k ? j + 1 : 0);
			walk_free(&w);
		}
		case_end();

		layout_free(&lo);
		xfer_free(&x);
		sim_free(&s);
	}

	case_begin("segment callback failing without a list");
	walk_init(&w, NULL, 4096);
	w.fail_seg_at = 0;
	w.fail_seg_err = -EFAULT;
	ret = prp_walk(0x5000, 0x8000, 8192, 4096, cb_read, cb_segment, &w);
	CHECK_EQ(ret, -EFAULT);
	CHECK_EQ(w.n, 1);
	walk_reset(&w);
	w.fail_seg_at = 1;
	w.fail_seg_err = -EFAULT;
	ret = prp_walk(0x5000, 0x8000, 8192, 4096, cb_read, cb_segment, &w);
	CHECK_EQ(ret, -EFAULT);
	CHECK_EQ(w.n, 2);
	walk_free(&w);
	case_end();
}

/* ---- 4. Lists that loop ------------------------------------------------------- */

/* The documented bound on slots read for a list transfer of rest bytes. */
static uint64_t slot_bound(uint32_t ps, uint64_t rest)
{
	uint64_t n = (rest + ps - 1) / ps, per = ps / 8 - 1;

	return n + 1 + (n + per - 1) / per;
}

static void walk_cycle(struct sim *s, uint64_t prp2, uint32_t length, const char *what, int line)
{
	struct walk w;
	uint64_t sum = 0;
	size_t k;
	int ret;

	walk_init(&w, s, s->ps);
	sim_reset_reads(s);
	ret = prp_walk(0x7000000000ULL, prp2, length, s->ps, cb_read, cb_segment, &w);
	for (k = 0; k < w.n; k++)
		sum += w.len[k];
	if (ret || sum != length || w.n != 1 + ((uint64_t)length - 1) / s->ps || w.bad ||
	    s->bad || s->nreads > slot_bound(s->ps, length - s->ps))
		fail_msg(line, "%s: %d, %zu segments, %" PRIu64 " bytes, %" PRIu64
			 " reads (bound %" PRIu64 ")", what, ret, w.n, sum, s->nreads,
			 slot_bound(s->ps, length - s->ps));
	walk_free(&w);
}

static void test_cycles(void)
{
	static const uint32_t sizes[] = { 4096, 65536 };
	struct sim s;
	uint32_t ps, epp, k, i;
	uint64_t a, b;

	for (i = 0; i < 2; i++) {
		ps = sizes[i];
		epp = ps / 8;

		case_begin("list page chaining to itself (%u)", ps);
		sim_init(&s, ps, 2 * epp, 2);
		a = sim_alloc_frame(&s);
		for (k = 0; k + 1 < epp; k++)
			sim_write(&s, a + 8 * k, 0x5500000000ULL + (uint64_t)k * ps);
		sim_write(&s, a + 8 * (epp - 1), a);
		walk_cycle(&s, a, ps + 7 * (epp - 1) * ps + 3 * ps + 5, "self", __LINE__);
		walk_cycle(&s, a + 8 * (epp - 1), ps + 5 * (epp - 1) * ps + 1, "self via last slot",
			   __LINE__);
		walk_cycle(&s, a + 8 * (epp / 2), ps + 3 * (epp - 1) * ps, "self from the middle",
			   __LINE__);
		walk_cycle(&s, a, 0xffffffffu - (0xffffffffu % ps), "self, longest", __LINE__);
		case_end();

		case_begin("two list pages chaining to each other (%u)", ps);
		b = sim_alloc_frame(&s);
		for (k = 0; k + 1 < epp; k++)
			sim_write(&s, b + 8 * k, 0x6600000000ULL + (uint64_t)k * ps);
		sim_write(&s, a + 8 * (epp - 1), b);
		sim_write(&s, b + 8 * (epp - 1), a);
		walk_cycle(&s, a, ps + 9 * (epp - 1) * ps + 11, "a <-> b", __LINE__);
		walk_cycle(&s, b + 8 * (epp - 1), ps + 4 * (epp - 1) * ps + ps, "a <-> b via last",
			   __LINE__);
		case_end();
		sim_free(&s);
	}
}

/* ---- 5. Boundaries ------------------------------------------------------------ */

static void boundary_case(uint32_t ps, uint32_t off1, uint32_t list_off, uint64_t length,
			  const char *what)
{
	struct xfer x;

	if (!length || length > 0xffffffffu)
		return;
	case_begin("ps %u, PRP1 +0x%x, list +0x%x, length %" PRIu64 " (%s)", ps, off1, list_off,
		   length, what);
	xfer_make(&x, ps, off1, (uint32_t)length, (int)rnd_below(PAT_COUNT));
	roundtrip(&x, list_off, __LINE__);
	xfer_free(&x);
	case_end();
}

static void test_boundaries(void)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768, 65536, 131072, 1u << 27 };
	uint32_t ps, epp, s1, off1, loff, offs1[4], loffs[4];
	unsigned int i, a, b, t;
	uint64_t f, n, tails[4];

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ps = sizes[i];
		epp = ps / 8;
		offs1[0] = 0;
		offs1[1] = 4;
		offs1[2] = ps / 2 + 12;
		offs1[3] = ps - 4;
		loffs[0] = 0;
		loffs[1] = 8;
		loffs[2] = 256;
		loffs[3] = ps - 8;
		tails[0] = 1;
		tails[1] = 4;
		tails[2] = ps - 1;
		tails[3] = ps;
		for (a = 0; a < 4; a++) {
			off1 = offs1[a];
			f = ps - off1;
			for (b = 0; b < 4; b++) {
				loff = loffs[b];
				s1 = (ps - loff) / 8;
				if (b == 0) {	/* no list: list offset irrelevant */
					boundary_case(ps, off1, loff, 1, "1 byte");
					boundary_case(ps, off1, loff, 4, "4 bytes");
					boundary_case(ps, off1, loff, f - 1, "PRP1 page - 1");
					boundary_case(ps, off1, loff, f, "PRP1 page exactly");
					for (t = 0; t < 4; t++)
						boundary_case(ps, off1, loff, f + tails[t],
							      "PRP2 page");
				}
				/* n entries after PRP1, the last holding tail bytes. */
#define N_CASE(nn, what) do { \
	n = (nn); \
	if (n >= 2) \
		for (t = 0; t < 4; t++) \
			boundary_case(ps, off1, loff, f + (n - 1) * ps + tails[t], what); \
} while (0)
				N_CASE(2, "list of 2");
				N_CASE(3, "list of 3");
				N_CASE(s1 - 1, "first list page - 1");
				N_CASE(s1, "first list page exactly full");
				N_CASE(s1 + 1, "one entry more: chain");
				N_CASE(s1 - 1 + epp - 1, "second list page - 1");
				N_CASE(s1 - 1 + epp, "second list page exactly full");
				N_CASE(s1 - 1 + epp + 1, "one entry more: third page");
				N_CASE(s1 - 1 + 2 * (epp - 1) + epp, "third list page exactly full");
				N_CASE(s1 - 1 + 2 * (epp - 1) + epp + 1, "one entry more: fourth page");
				N_CASE(s1 - 1 + 5 * (epp - 1) + 17, "seven list pages");
#undef N_CASE
			}
		}
	}

	/* The longest transfer: 4 GiB - 1 bytes in 4 KiB pages (2053 list pages). */
	boundary_case(4096, 0, 0, 0xffffffffu, "longest");
	boundary_case(4096, 0xffc, 0x800, 0xffffffffu, "longest");
	boundary_case(131072, 0, 0, 0xffffffffu, "longest");
	boundary_case(1u << 27, 0x100, 8, 0xffffffffu, "longest");
}

/* ---- 6. Random round trips ---------------------------------------------------- */

static void test_random(unsigned int iters)
{
	static const uint32_t sizes[] = {
		4096, 4096, 4096, 8192, 16384, 32768, 65536, 131072, 1u << 20, 1u << 27,
	};
	struct sim s;
	struct xfer x;
	struct layout lo;
	struct walk w;
	unsigned int it, pat;
	uint32_t ps, epp, off1, loff;
	uint64_t f, nmax, n, len, orig;
	size_t j;
	int ret, kind;

	for (it = 0; it < iters; it++) {
		ps = sizes[rnd_below(sizeof(sizes) / sizeof(sizes[0]))];
		epp = ps / 8;
		off1 = (uint32_t)(rnd_below(4) ? rnd_below(ps / 4) * 4 : 0);
		f = ps - off1;
		/* At most 20000 list entries per transfer (and 4 GiB - 1 bytes). */
		nmax = (0xffffffffu - f) / ps;
		if (nmax > 20000)
			nmax = 20000;
		kind = (int)rnd_below(4);
		if (kind == 0) {		/* a few pages */
			len = 1 + rnd_below(4 * (uint64_t)ps);
		} else if (kind == 1) {		/* around a list page boundary */
			n = (uint64_t)epp * rnd_below(4) + rnd_below(5) + (rnd() & 1 ? 0 : epp - 2);
			if (n > nmax)
				n = nmax;
			len = f + n * ps + rnd_below(3);
			len = len > 1 ? len - 1 : 1;
		} else {			/* anything */
			len = 1 + rnd_below(f + nmax * ps);
		}
		if (len > 0xffffffffu)
			len = 0xffffffffu;
		if (rnd_below(3) == 0)
			loff = 0;
		else if (rnd_below(2))
			loff = (uint32_t)rnd_below(ps / 256) * 256;	/* Linux small pool */
		else
			loff = (uint32_t)rnd_below(epp) * 8;
		pat = (unsigned int)rnd_below(PAT_COUNT);
		case_begin("random #%u: ps %u, PRP1 +0x%x, list +0x%x, length %" PRIu64
			   ", pattern %u", it, ps, off1, loff, len, pat);
		xfer_make(&x, ps, off1, (uint32_t)len, (int)pat);
		roundtrip(&x, loff, __LINE__);

		/* The same layout with one slot corrupted, or one read failing. */
		if (x.n >= 2) {
			sim_init(&s, ps, x.n + frames_for(ps, x.n), frames_for(ps, x.n));
			build_ref(&s, &x, loff, 0, &lo);
			j = (size_t)rnd_below(lo.nslots);
			walk_init(&w, &s, ps);
			sim_reset_reads(&s);
			if (rnd() & 1) {
				orig = sim_peek(&s, lo.slot[j]);
				sim_write(&s, lo.slot[j], orig | (4 * (1 + rnd_below(2 * epp - 1))));
				ret = prp_walk(x.prp1, lo.prp2, x.length, ps, cb_read, cb_segment, &w);
				CHECK_EQ(ret, -EINVAL);
			} else {
				s.fail_read_at = (int64_t)j;
				s.fail_read_err = -EIO;
				ret = prp_walk(x.prp1, lo.prp2, x.length, ps, cb_read, cb_segment, &w);
				CHECK_EQ(ret, -EIO);
			}
			CHECK_EQ(w.n, 1 + data_before(&lo, j));
			CHECK(segs_match(&w, &x, w.n));
			CHECK_EQ(s.nreads, j + 1);
			CHECK_EQ(s.bad, 0);
			walk_free(&w);
			layout_free(&lo);
			sim_free(&s);
		}
		xfer_free(&x);
		case_end();
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x5eed0f9a9e0e7ULL;

	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	rng_state = seed ? seed : 1;
	printf("seed 0x%" PRIx64 "\n", seed);

	test_hand_laid();
	test_arg_errors();
	test_walk_errors();
	test_cycles();
	test_boundaries();
	test_random(3000);

	printf("prp: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
