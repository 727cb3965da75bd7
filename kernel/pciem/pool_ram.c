// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool_ram.c - a BAR pool taken from the kernel's RAM at load, given back at
 * unload.
 *
 * BAR memory must be memory the kernel does not manage (pool.c says why).
 * Instead of a range hidden on the kernel command line, pciem can take whole
 * memory blocks away from the running kernel, as virtio-mem does: each is
 * offlined (its pages migrated elsewhere) and removed
 * (offline_and_remove_memory()), after which it has no struct pages and no
 * direct mapping and can be ioremapped like device memory.  At unload it is
 * added back (add_memory()) and onlined as the kernel's memory hot-plug
 * policy says.  No reserved range, no reboot.
 *
 * Which blocks: below 4 GiB first (where 32-bit BARs must lie), the highest
 * ones first, in "System RAM" ranges, skipping a
 * block that a range cannot lose.  The kernel shrinks or splits a System RAM
 * resource around a removed block, which it cannot do while a child
 * resource (the kernel image, a crash kernel) lies at or above the block,
 * and it does not split a 1 GiB direct-map page.  A block holding a page
 * that cannot move (an unmovable kernel allocation, a pinned user page)
 * fails with EBUSY and the next one down is tried.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/sched/signal.h>
#include <asm/pgtable_types.h>
#include <asm/smp.h>

#include "pciem.h"

#ifdef CONFIG_MEMORY_HOTREMOVE

#define MAX_RANGES	64	/* System RAM ranges looked at */
#define MAX_TRIES	16	/* candidate blocks tried before giving up */

struct ram_ranges {
	u64 start[MAX_RANGES], end[MAX_RANGES];	/* inclusive */
	unsigned int n;
};

/* One "System RAM" resource; its children (the kernel image) come after it. */
static int note_ram_range(struct resource *res, void *arg)
{
	struct ram_ranges *r = arg;

	if (r->n && res->start >= r->start[r->n - 1] && res->end <= r->end[r->n - 1])
		return 0;	/* a child of the range before */
	if (r->n < MAX_RANGES) {
		r->start[r->n] = res->start;
		r->end[r->n] = res->end;
		r->n++;
	}
	return 0;
}

/*
 * Could [start, end] leave its System RAM resource?  Not if a child of that
 * resource lies in it or above it (the kernel would have to shrink the
 * resource below its child: a WARNING, and the memory could not come back).
 * A probe resource over [start, range_end] is inserted and adopts whatever
 * children it covers; it is removed at once.
 */
static bool can_leave_range(u64 start, u64 range_end)
{
	struct resource probe = {
		.name = "pciem probe",
		.start = start,
		.end = range_end,
		.flags = IORESOURCE_MEM,
	};
	bool children;

	if (insert_resource(&iomem_resource, &probe))
		return false;
	/*
	 * Covering the whole range (a block given back earlier is a range of
	 * its own), the probe adopts the range itself: what matters is then
	 * whether the range has children.
	 */
	children = probe.child;
	if (children && probe.child->start == start && probe.child->end == range_end &&
	    !probe.child->sibling)
		children = probe.child->child;
	remove_resource(&probe);
	return !children;
}

/* Is any of [start, start + size) mapped with 1 GiB pages in the direct map? */
static bool in_gigantic_page(u64 start, u64 size, u64 block)
{
	unsigned int level;
	u64 a;

	for (a = start; a < start + size; a += block)
		if (lookup_address((unsigned long)__va(a), &level) && level == PG_LEVEL_1G)
			return true;
	return false;
}

/*
 * Can every page of [start, start + size) move away?  offline_pages()
 * retries a page that cannot migrate (pinned: a VFIO user's DMA buffer,
 * O_DIRECT in flight) until the loading process is killed, so the range is
 * first emptied with alloc_contig_range(), which gives up at once (EBUSY)
 * on such a page.  Freed again right away, the range then holds nothing for
 * the offlining to migrate, short of what is allocated in between.
 */
static bool can_empty(u64 start, u64 size)
{
#ifdef CONFIG_CONTIG_ALLOC
	unsigned long pfn = PHYS_PFN(start), n = PHYS_PFN(size);

	if (!pfn_to_online_page(pfn))
		return true;	/* offline (given back, never onlined): nothing to move */
	if (alloc_contig_range(pfn, pfn + n, MIGRATE_MOVABLE, GFP_KERNEL | __GFP_NOWARN))
		return false;
	free_contig_range(pfn, n);
#endif
	return true;
}

/* One attempt: 0, -EBUSY (try another block) or another -errno (give up). */
static int take(u64 cand, u64 size, phys_addr_t *start, int *nid)
{
	int ret;

	*nid = memory_add_physaddr_to_nid(cand);
	if (!can_empty(cand, size))
		ret = -EBUSY;
	else
		ret = offline_and_remove_memory(cand, size);
	if (!ret) {
		/*
		 * Cached write-back until now; the pool is used uncached and
		 * write-combined, so no dirty line may land on it later.
		 */
		wbinvd_on_all_cpus();
		*start = cand;
		return 0;
	}
	if (signal_pending(current))
		return -EINTR;
	return -EBUSY;
}

/*
 * Take *@size bytes of RAM, rounded up to whole memory blocks (*@size is
 * updated), away from the kernel: their start in *start and NUMA node in
 * *nid; or a negative errno (ENOSPC: no block could be taken; EINTR: the
 * loading process was signalled).
 */
int pciem_pool_ram_take(u64 *psize, phys_addr_t *start, int *nid)
{
	u64 block = memory_block_size_bytes(), size;
	static struct ram_ranges ranges;	/* under module_mutex: init only */
	unsigned int tries = 0, busy = 0, pinned = 0, pass, i;
	int ret;

	*start = 0;

	size = round_up(*psize, block);
	*psize = size;
	ranges.n = 0;
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    &ranges, note_ram_range);
	/*
	 * Below 4 GiB first: a 32-bit BAR must lie there.  Then anywhere, for
	 * devices with 64-bit BARs only.
	 */
	for (pass = 0; pass < 2; pass++) {
		u64 limit = pass ? U64_MAX : SZ_4G;

		for (i = ranges.n; i-- > 0 && tries < MAX_TRIES;) {
			u64 lo = round_up(ranges.start[i], block);
			u64 top = min(round_down(ranges.end[i] + 1, block), limit);
			u64 cand;

			if (top < lo + size || (pass && top <= SZ_4G))
				continue;	/* too small, or tried in pass 0 */
			for (cand = top - size; tries < MAX_TRIES; cand -= block) {
				if (!can_leave_range(cand, ranges.end[i])) {
					pinned++;
					break;	/* so is every block below it */
				}
				if (in_gigantic_page(cand, size, block)) {
					pinned++;
				} else {
					tries++;
					ret = take(cand, size, start, nid);
					if (ret != -EBUSY)
						return ret;
					busy++;
				}
				if (cand < lo + block || (pass && cand < SZ_4G + block))
					break;
			}
		}
	}
	pr_err("could not take %llu MiB of RAM for the BAR pool (%u blocks hold pages that cannot move: kernel memory, or pinned for DMA; %u held by the kernel image or 1 GiB pages); try a smaller pciem_pool_size=, or give pciem_phys_region= a range hidden with mem= or memmap=\n",
	       size >> 20, busy, pinned);
	return -ENOSPC;
}

/* Give back what pciem_pool_ram_take() took. */
void pciem_pool_ram_give_back(phys_addr_t start, u64 size, int nid)
{
	int ret = add_memory(nid, start, size, MHP_NONE);

	if (ret)
		pr_err("could not give [mem %pa] (%llu MiB) back to the kernel (%d); it stays unused until reboot\n",
		       &start, size >> 20, ret);
}

#else /* !CONFIG_MEMORY_HOTREMOVE */

int pciem_pool_ram_take(u64 *size, phys_addr_t *start, int *nid)
{
	pr_err("this kernel cannot remove memory (no CONFIG_MEMORY_HOTREMOVE): give pciem_phys_region= a range hidden with mem= or memmap=\n");
	return -EOPNOTSUPP;
}

void pciem_pool_ram_give_back(phys_addr_t start, u64 size, int nid)
{
}

#endif
