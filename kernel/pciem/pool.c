// SPDX-License-Identifier: GPL-2.0-only
/*
 * pool.c - BAR memory.
 *
 * A driver's ioremap() of a BAR must reach memory that the emulator maps
 * too, and x86 refuses to ioremap normal RAM.  So BARs are carved out of a
 * physical range the kernel does not manage: by default whole memory blocks
 * taken from the running kernel at load and given back at unload
 * (pool_ram.c, sized by pciem_pool_size), or a range named by
 * pciem_phys_region=ADDR:SIZE and hidden from the kernel with mem= or
 * memmap= on its command line.  The range is entered in /proc/iomem as
 * "pciem BAR pool" and BAR resources are claimed inside it.
 *
 * Allocation is first fit with the BAR's natural alignment (a BAR's address
 * is a multiple of its size), over a sorted list of allocated ranges: a pool
 * holds few BARs, and this needs no alignment limit (genalloc's is an int).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pciem.h"

struct pool_range {
	struct list_head node;
	phys_addr_t start;
	u64 size;
};

static struct resource pool_res = {
	.name = "pciem BAR pool",
	.flags = IORESOURCE_MEM,
};

static bool pool_ready;
static bool pool_from_ram;	/* taken by pool_ram.c: give it back at exit */
static int pool_nid;
static DEFINE_MUTEX(pool_lock);
static LIST_HEAD(pool_ranges);	/* allocated ranges, sorted by address */

/* "ADDR:SIZE", each accepted by memparse() (0x..., decimal, K/M/G suffixes). */
static int parse_region(const char *s, u64 *start, u64 *size)
{
	char *end;

	*start = memparse(s, &end);
	if (end == s || *end != ':')
		return -EINVAL;
	s = end + 1;
	*size = memparse(s, &end);
	if (end == s || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

/* Enter [start, start + size) in /proc/iomem as the pool. */
static int claim_pool(u64 start, u64 size)
{
	pool_res.start = start;
	pool_res.end = start + size - 1;
	if (insert_resource(&iomem_resource, &pool_res)) {
		pr_err("BAR pool [%#llx-%#llx] conflicts with another resource in /proc/iomem\n",
		       start, start + size - 1);
		return -EBUSY;
	}
	pool_ready = true;
	pr_info("BAR pool [mem %#llx-%#llx] (%llu MiB%s)\n", start, start + size - 1, size >> 20,
		pool_from_ram ? ", taken from RAM until unload" : "");
	return 0;
}

/* Without a region: @ram_size bytes of RAM (memparse() syntax; 0: no pool). */
static int pool_from_kernel_ram(const char *ram_size)
{
	phys_addr_t start;
	char *end;
	u64 size;
	int ret;

	size = memparse(ram_size ? ram_size : "0", &end);
	if (end == ram_size || (*end && *end != '\n')) {
		pr_err("pciem_pool_size=%s: expected a size, e.g. 128M\n", ram_size);
		return -EINVAL;
	}
	if (!size) {
		pr_info("no BAR pool (pciem_pool_size=0): devices cannot have BARs\n");
		return 0;
	}
	ret = pciem_pool_ram_take(&size, &start, &pool_nid);
	if (ret)
		return ret;
	pool_from_ram = true;
	ret = claim_pool(start, size);
	if (ret) {
		pciem_pool_ram_give_back(start, size, pool_nid);
		pool_from_ram = false;
	}
	return ret;
}

int pciem_pool_init(const char *region, const char *ram_size)
{
	u64 start, size;

	if (!region || !*region)
		return pool_from_kernel_ram(ram_size);
	if (parse_region(region, &start, &size)) {
		pr_err("pciem_phys_region=%s: expected ADDR:SIZE, e.g. 0x70000000:0x8000000\n",
		       region);
		return -EINVAL;
	}
	if (!start || !size || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(size) ||
	    start + size < start) {
		pr_err("pciem_phys_region=%s: start and size must be nonzero and page aligned\n",
		       region);
		return -EINVAL;
	}
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT) {
		pr_err("pciem_phys_region [%#llx-%#llx] overlaps System RAM; hide it from the kernel with mem= or memmap=, or leave pciem_phys_region out to take RAM at load\n",
		       start, start + size - 1);
		return -EINVAL;
	}
	return claim_pool(start, size);
}

void pciem_pool_exit(void)
{
	if (!pool_ready)
		return;
	/* Every device holds the module, so nothing can still be allocated. */
	if (!list_empty(&pool_ranges))
		pr_err("BAR pool still has allocations at exit; leaking them\n");
	release_resource(&pool_res);
	if (pool_from_ram && list_empty(&pool_ranges))
		pciem_pool_ram_give_back(pool_res.start, resource_size(&pool_res), pool_nid);
	pool_from_ram = false;
	pool_ready = false;
}

struct resource *pciem_pool_resource(void)
{
	return pool_ready ? &pool_res : NULL;
}

/*
 * A BAR starts out zeroed, so no device ever sees what an earlier one left
 * in the pool.  Write-combining: no cache lines are left behind that could
 * alias the uncached mappings drivers and emulators use later.
 */
static int zero_range(phys_addr_t start, u64 size)
{
	void __iomem *p = ioremap_wc(start, size);

	if (!p)
		return -ENOMEM;
	memset_io(p, 0, size);
	/* Drain the write-combining buffers before the mapping goes away. */
	wmb();
	iounmap(p);
	return 0;
}

/* Returns the start of a free, zeroed, @align-aligned range of @size bytes, or 0. */
phys_addr_t pciem_pool_alloc(u64 size, u64 align)
{
	struct pool_range *r, *nr;
	struct list_head *pos;
	phys_addr_t cand;

	if (!pool_ready || !size || !align || (align & (align - 1)))
		return 0;

	nr = kzalloc(sizeof(*nr), GFP_KERNEL);
	if (!nr)
		return 0;

	mutex_lock(&pool_lock);
	cand = ALIGN((u64)pool_res.start, align);
	pos = &pool_ranges;	/* insert after this node */
	list_for_each_entry(r, &pool_ranges, node) {
		if (cand + size <= r->start && cand + size > cand)
			break;
		cand = ALIGN((u64)(r->start + r->size), align);
		pos = &r->node;
	}
	if (cand < pool_res.start || cand + size < cand || cand + size - 1 > pool_res.end) {
		mutex_unlock(&pool_lock);
		kfree(nr);
		return 0;
	}
	nr->start = cand;
	nr->size = size;
	list_add(&nr->node, pos);
	mutex_unlock(&pool_lock);

	if (zero_range(cand, size)) {
		pciem_pool_free(cand, size);
		return 0;
	}
	return cand;
}

/* Does [addr, addr + len) lie inside one range currently given to a BAR? */
bool pciem_pool_allocated(phys_addr_t addr, u64 len)
{
	struct pool_range *r;
	bool found = false;

	mutex_lock(&pool_lock);
	list_for_each_entry(r, &pool_ranges, node) {
		if (addr >= r->start && addr + len <= r->start + r->size) {
			found = true;
			break;
		}
	}
	mutex_unlock(&pool_lock);
	return found;
}

void pciem_pool_free(phys_addr_t addr, u64 size)
{
	struct pool_range *r;

	mutex_lock(&pool_lock);
	list_for_each_entry(r, &pool_ranges, node) {
		if (r->start == addr && r->size == size) {
			list_del(&r->node);
			mutex_unlock(&pool_lock);
			kfree(r);
			return;
		}
	}
	mutex_unlock(&pool_lock);
	pr_err("freeing unknown BAR range %pa (%llu bytes)\n", &addr, size);
}
