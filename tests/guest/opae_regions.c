// SPDX-License-Identifier: BSD-3-Clause
/*
 * opae_regions - open a vfio-pci device with libopaevfio and check what
 * opae_vfio_open() found: regions (and their sparse-mmap areas), IRQ
 * indexes, IOVA ranges.  Used on QEMU's nvme, whose BAR0 holds the MSI-X
 * table and is therefore mapped sparsely by vfio-pci.
 *
 *   opae_regions [-s IDX] [-H IDX] [-x VEC] ADDR [IDX:OFF=VAL ...]
 *
 *   -s IDX       region IDX must be sparse (at least one area, all inside it)
 *   -H IDX       reading the first hole of sparse region IDX must fault
 *   -x VEC       enable MSI-X vector VEC with an eventfd (repeatable), then
 *                disable them all and check that INTx can then be enabled
 *   IDX:OFF=VAL  the 32-bit register at OFF of region IDX reads VAL (hex)
 *
 * Ends with "opae_regions: N passed, M failed"; exit 0 when none failed.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <opae/vfio.h>

static int passed, failed;
static sigjmp_buf jb;

static int ok(int cond, const char *what, unsigned long long a,
	      unsigned long long b)
{
	printf("%s - %s (0x%llx, 0x%llx)\n", cond ? "ok" : "not ok", what, a, b);
	if (cond)
		passed++;
	else
		failed++;
	return cond;
}

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

static struct opae_vfio_device_region *region(struct opae_vfio *v,
					      uint32_t idx)
{
	struct opae_vfio_device_region *r;

	for (r = v->device.regions; r; r = r->next)
		if (r->region_index == idx)
			return r;
	return NULL;
}

/* Is [off, off+len) inside a mapped part of r? */
static int mapped(const struct opae_vfio_device_region *r, uint64_t off,
		  uint64_t len)
{
	const struct opae_vfio_sparse_info *s;

	if (off + len > r->region_size)
		return 0;
	if (!r->region_sparse)
		return 1;
	for (s = r->region_sparse; s; s = s->next)
		if (off >= s->offset && off + len <= (uint64_t)s->offset + s->size)
			return 1;
	return 0;
}

/* Read 32 bits at p; returns the signal that stopped it, 0 if none. */
static __attribute__((noinline)) int probe(volatile uint32_t *p)
{
	int sig;

	signal(SIGSEGV, on_segv);
	signal(SIGBUS, on_segv);
	sig = sigsetjmp(jb, 1);
	if (!sig)
		(void)*p;
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	return sig;
}

/* Reading the first unmapped page of a sparse region must fault. */
static void check_hole(struct opae_vfio *v, uint32_t idx)
{
	struct opae_vfio_device_region *r = region(v, idx);
	uint64_t off;

	for (off = 0; r && off < r->region_size; off += 4096)
		if (!mapped(r, off, 4))
			break;
	if (!ok(r && off < r->region_size, "region has a hole", off, 0))
		return;
	ok(probe((volatile uint32_t *)(r->region_ptr + off)) == SIGSEGV,
	   "reading the hole faults", off, 0);
}

int main(int argc, char **argv)
{
	struct opae_vfio v;
	struct opae_vfio_device_region *r;
	struct opae_vfio_device_irq *q;
	struct opae_vfio_iova_range *ir;
	int c, i, sparse_idx = -1, hole_idx = -1, nvec = 0, vec[8], err;

	while ((c = getopt(argc, argv, "s:H:x:")) != -1) {
		switch (c) {
		case 's': sparse_idx = atoi(optarg); break;
		case 'H': hole_idx = atoi(optarg); break;
		case 'x':
			if (nvec < 8)
				vec[nvec++] = atoi(optarg);
			break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: %s [-s IDX] [-H IDX] [-x VEC] ADDR "
			"[IDX:OFF=VAL ...]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = opae_vfio_open(&v, argv[optind]);
	if (!ok(err == 0, "open", (unsigned)err, 0)) {
		printf("# %s\n", opae_vfio_last_error());
		goto out;
	}

	printf("# %u regions, %u IRQ indexes, config at 0x%llx\n",
	       v.device.device_num_regions, v.device.device_num_irqs,
	       (unsigned long long)v.device.device_config_offset);
	for (r = v.device.regions; r; r = r->next) {
		struct opae_vfio_sparse_info *s;

		printf("# region %u: %p, 0x%zx bytes%s\n", r->region_index,
		       (void *)r->region_ptr, r->region_size,
		       r->region_sparse ? ", sparse:" : "");
		for (s = r->region_sparse; s; s = s->next)
			printf("#   area %u: +0x%x, 0x%x bytes at %p\n",
			       s->index, s->offset, s->size, (void *)s->ptr);
	}
	for (q = v.device.irqs; q; q = q->next)
		printf("# IRQ index %u: %u vectors, flags 0x%x\n", q->index,
		       q->count, q->flags);
	for (ir = v.cont_ranges; ir; ir = ir->next)
		printf("# IOVA range 0x%llx-0x%llx\n",
		       (unsigned long long)ir->start,
		       (unsigned long long)ir->end);
	ok(v.cont_ranges != NULL, "IOVA ranges reported", 0, 0);

	if (sparse_idx >= 0) {
		struct opae_vfio_sparse_info *s;
		int good = 1, n = 0;

		r = region(&v, (uint32_t)sparse_idx);
		ok(r && r->region_sparse, "region is sparse", sparse_idx, 0);
		for (s = r ? r->region_sparse : NULL; s; s = s->next, n++)
			if ((uint64_t)s->offset + s->size > r->region_size ||
			    s->ptr != r->region_ptr + s->offset)
				good = 0;
		ok(r && n > 0 && good, "sparse areas inside the region", n, 0);
	}

	if (hole_idx >= 0)
		check_hole(&v, (uint32_t)hole_idx);

	if (nvec) {
		int efd = eventfd(0, EFD_CLOEXEC);

		/* enable all, then disable all: the last disable switches the
		 * index off */
		for (i = 0; i < nvec; i++) {
			err = opae_vfio_irq_enable(&v, VFIO_PCI_MSIX_IRQ_INDEX,
						   (uint32_t)vec[i], efd);
			ok(err == 0, "irq_enable(MSI-X)", vec[i], (unsigned)err);
		}
		for (i = 0; i < nvec; i++) {
			err = opae_vfio_irq_disable(&v, VFIO_PCI_MSIX_IRQ_INDEX,
						    (uint32_t)vec[i]);
			ok(err == 0, "irq_disable(MSI-X)", vec[i], (unsigned)err);
		}
		/* with MSI-X off, INTx can be enabled */
		err = opae_vfio_irq_enable(&v, VFIO_PCI_INTX_IRQ_INDEX, 0, efd);
		ok(err == 0, "irq_enable(INTx) after MSI-X is off", 0,
		   (unsigned)err);
		opae_vfio_irq_disable(&v, VFIO_PCI_INTX_IRQ_INDEX, 0);
		close(efd);
	}

	for (i = optind + 1; i < argc; i++) {
		unsigned int idx;
		unsigned long long off, want;
		uint8_t *p = NULL;
		size_t sz = 0;

		if (sscanf(argv[i], "%u:%llx=%llx", &idx, &off, &want) != 3) {
			ok(0, argv[i], 0, 0);
			continue;
		}
		r = region(&v, idx);
		if (!ok(opae_vfio_region_get(&v, idx, &p, &sz) == 0 && r &&
			mapped(r, off, 4), "register is in a mapped part", idx,
			off))
			continue;
		ok(*(volatile uint32_t *)(p + off) == want, argv[i],
		   *(volatile uint32_t *)(p + off), want);
	}
	opae_vfio_close(&v);
out:
	printf("opae_regions: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
