// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_ops.c - the DMA API for a function no IOMMU translates for.
 *
 * Without a translating IOMMU a bus address is a physical address, and the
 * emulator must still reach only what the driver mapped for its function.
 * So such a function gets DMA operations of pciem's own: the same identity
 * mapping dma-direct would make (no bounce buffering: an address beyond the
 * device's DMA mask fails the mapping), plus a record of every live mapping
 * with its direction.  DMA by the emulator is allowed inside those records
 * only, in the direction the driver mapped for (dma.c).
 *
 * The records are an interval tree (mappings may overlap: one page can be
 * mapped twice): a block driver maps and unmaps scatterlists of hundreds of
 * pages, and the emulator looks up every page it transfers, so a list
 * would cost O(n) per call and O(n^2) per request.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/interval_tree.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "pciem.h"

struct dma_rec {
	struct interval_tree_node it;	/* [addr, addr + size - 1] */
	enum dma_data_direction dir;
};

/*
 * Coherent allocations made by pd_alloc(), by first page frame, with their
 * page-aligned size.  pd_free() frees the size recorded here, not the one its
 * caller passes: a driver whose device went away mid-reset can recompute a
 * buffer's size from registers that now read all ones (nvme's shadow
 * doorbells do, from CAP.DSTRD), and freeing pages it never got corrupts
 * the page allocator.  Global, not per function: a driver may free after
 * the function left the bus and its records are gone (nvme frees its
 * controller's buffers when the last opener of /dev/nvmeN lets go).  Each
 * live allocation holds the module, since its free calls pd_free().
 */
static DEFINE_XARRAY(coherent);

/* Functions using these ops, to find ours from a struct device. */
static LIST_HEAD(tracked);
static DEFINE_SPINLOCK(tracked_lock);

static struct pciem_device *owner(struct device *d)
{
	struct pciem_device *dev, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&tracked_lock, flags);
	list_for_each_entry(dev, &tracked, dma.node)
		if (dev->dma.dev == d) {
			found = dev;
			break;
		}
	spin_unlock_irqrestore(&tracked_lock, flags);
	return found;
}

static bool record(struct device *d, dma_addr_t addr, size_t size, enum dma_data_direction dir,
		   gfp_t gfp)
{
	struct pciem_device *dev = owner(d);
	struct dma_rec *r;
	unsigned long flags;

	if (!dev)
		return false;
	r = kmalloc(sizeof(*r), gfp);
	if (!r)
		return false;
	r->it.start = addr;
	r->it.last = addr + size - 1;
	r->dir = dir;
	spin_lock_irqsave(&dev->dma.lock, flags);
	interval_tree_insert(&r->it, &dev->dma.maps);
	spin_unlock_irqrestore(&dev->dma.lock, flags);
	return true;
}

/*
 * The driver unmapped [addr, addr + size) that it mapped for @dir.  The same
 * range can be mapped more than once at a time, in different directions:
 * the record removed must be one of that direction, or a DMA the driver
 * still expects could be refused (and one it no longer allows, let through).
 * Only a driver that unmaps with another direction than it mapped gets one
 * of another direction removed.
 */
static void forget(struct device *d, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	struct pciem_device *dev = owner(d);
	struct dma_rec *found = NULL, *r;
	struct interval_tree_node *it;
	unsigned long flags;

	if (!dev || !size)
		return;
	spin_lock_irqsave(&dev->dma.lock, flags);
	for (it = interval_tree_iter_first(&dev->dma.maps, addr, addr + size - 1); it;
	     it = interval_tree_iter_next(it, addr, addr + size - 1)) {
		r = container_of(it, struct dma_rec, it);
		if (it->start != addr || it->last != addr + size - 1)
			continue;
		if (r->dir == dir) {
			found = r;
			break;
		}
		if (!found)
			found = r;	/* a driver unmapping with another direction */
	}
	if (found)
		interval_tree_remove(&found->it, &dev->dma.maps);
	spin_unlock_irqrestore(&dev->dma.lock, flags);
	kfree(found);
	if (!found)
		dev_warn_ratelimited(d, "pciem: unmapping %pad (%zu bytes), never mapped\n",
				     &addr, size);
}

static bool fits(struct device *d, dma_addr_t addr, size_t size, u64 mask)
{
	return size && addr + size - 1 >= addr && addr + size - 1 <= mask;
}

static dma_addr_t map_phys(struct device *d, phys_addr_t phys, size_t size,
			   enum dma_data_direction dir, gfp_t gfp)
{
	dma_addr_t addr = phys;	/* identity, as dma-direct without an offset */

	if (!fits(d, addr, size, d->dma_mask ? *d->dma_mask : DMA_BIT_MASK(32)))
		return DMA_MAPPING_ERROR;
	if (!record(d, addr, size, dir, gfp))
		return DMA_MAPPING_ERROR;
	return addr;
}

static dma_addr_t pd_map_page(struct device *d, struct page *page, unsigned long off,
			      size_t size, enum dma_data_direction dir, unsigned long attrs)
{
	return map_phys(d, page_to_phys(page) + off, size, dir, GFP_ATOMIC);
}

static void pd_unmap_page(struct device *d, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	forget(d, addr, size, dir);
}

static void pd_unmap_sg(struct device *d, struct scatterlist *sgl, int nents,
			enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		forget(d, sg_dma_address(sg), sg_dma_len(sg), dir);
}

static int pd_map_sg(struct device *d, struct scatterlist *sgl, int nents,
		     enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg->dma_address = map_phys(d, sg_phys(sg), sg->length, dir, GFP_ATOMIC);
		if (sg->dma_address == DMA_MAPPING_ERROR) {
			pd_unmap_sg(d, sgl, i, dir, attrs);
			return -EIO;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static dma_addr_t pd_map_resource(struct device *d, phys_addr_t phys, size_t size,
				  enum dma_data_direction dir, unsigned long attrs)
{
	return map_phys(d, phys, size, dir, GFP_ATOMIC);
}

static void *pd_alloc(struct device *d, size_t size, dma_addr_t *handle, gfp_t gfp,
		      unsigned long attrs)
{
	u64 mask = d->coherent_dma_mask;
	gfp_t zone = 0;
	unsigned int order;
	struct page *page;

	size = PAGE_ALIGN(size);
	order = get_order(size);
	/*
	 * The zone is for the pages only: the xarray's nodes and the mapping's
	 * record come from slab, which must not be asked for DMA32 memory
	 * (it says "Unexpected gfp" with a stack dump, and ignores it).
	 */
	gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_ZERO);
	if (mask < DMA_BIT_MASK(32))
		zone = GFP_DMA;
	else if (mask < DMA_BIT_MASK(64))
		zone = GFP_DMA32;
	page = alloc_pages(gfp | zone | __GFP_ZERO, order);
	if (!page)
		return NULL;
	if (xa_err(xa_store(&coherent, page_to_pfn(page), xa_mk_value(size), gfp)))
		goto free;
	*handle = map_phys(d, page_to_phys(page), size, DMA_BIDIRECTIONAL, gfp);
	if (*handle == DMA_MAPPING_ERROR) {
		xa_erase(&coherent, page_to_pfn(page));
		goto free;
	}
	__module_get(THIS_MODULE);
	return page_address(page);
free:
	__free_pages(page, order);
	return NULL;
}

/*
 * Frees what pd_alloc() allocated at @vaddr, whatever @size says.  An
 * address pd_alloc() never returned is left alone: its size is unknown,
 * and a leak is better than freeing someone else's pages.
 */
static void pd_free(struct device *d, size_t size, void *vaddr, dma_addr_t handle,
		    unsigned long attrs)
{
	struct page *page = virt_to_page(vaddr);
	size_t allocated;
	void *entry;

	entry = xa_erase(&coherent, page_to_pfn(page));
	if (!entry) {
		dev_warn_ratelimited(d, "pciem: freeing %pad (%zu bytes), never allocated\n",
				     &handle, size);
		return;
	}
	allocated = xa_to_value(entry);
	if (PAGE_ALIGN(size) != allocated)
		dev_warn_ratelimited(d, "pciem: freeing %pad as %zu bytes, allocated as %zu\n",
				     &handle, size, allocated);
	forget(d, handle, allocated, DMA_BIDIRECTIONAL);
	__free_pages(page, get_order(allocated));
	module_put(THIS_MODULE);
}

static int pd_supported(struct device *d, u64 mask)
{
	return 1;
}

static u64 pd_required_mask(struct device *d)
{
	return DMA_BIT_MASK(64);
}

static const struct dma_map_ops pciem_dma_ops = {
	.alloc = pd_alloc,
	.free = pd_free,
	.map_page = pd_map_page,
	.unmap_page = pd_unmap_page,
	.map_sg = pd_map_sg,
	.unmap_sg = pd_unmap_sg,
	.map_resource = pd_map_resource,
	.unmap_resource = pd_unmap_page,
	.dma_supported = pd_supported,
	.get_required_mask = pd_required_mask,
};

/*
 * Before drivers may bind: a function no IOMMU translates for gets the
 * tracking operations.  Returns whether it did.
 */
bool pciem_dma_ops_attach(struct pciem_device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(&dev->pdev->dev);
	unsigned long flags;

	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING))
		return false;
	spin_lock_init(&dev->dma.lock);
	dev->dma.maps = RB_ROOT_CACHED;
	dev->dma.dev = &dev->pdev->dev;
	spin_lock_irqsave(&tracked_lock, flags);
	list_add(&dev->dma.node, &tracked);
	spin_unlock_irqrestore(&tracked_lock, flags);
	set_dma_ops(&dev->pdev->dev, &pciem_dma_ops);
	dev->dma.tracked = true;
	return true;
}

/* After the function left the bus (its driver has unmapped everything). */
void pciem_dma_ops_detach(struct pciem_device *dev)
{
	struct interval_tree_node *it;
	unsigned long flags;

	if (!dev->dma.tracked)
		return;
	spin_lock_irqsave(&tracked_lock, flags);
	list_del(&dev->dma.node);
	spin_unlock_irqrestore(&tracked_lock, flags);
	while ((it = interval_tree_iter_first(&dev->dma.maps, 0, ULONG_MAX))) {
		interval_tree_remove(it, &dev->dma.maps);
		kfree(container_of(it, struct dma_rec, it));
	}
	dev->dma.tracked = false;
}

/*
 * The physical address behind [addr, addr + len) if one live mapping covers
 * it in a direction allowing the access (@to_host: the device writes memory);
 * 0 if none does, with *denied set when a mapping exists in the other
 * direction only.  @span (may be NULL) gets the range of the mapping found.
 */
phys_addr_t pciem_dma_ops_lookup(struct pciem_device *dev, u64 addr, u64 len, bool to_host,
				 bool *denied, struct pciem_dma_span *span)
{
	struct interval_tree_node *it;
	phys_addr_t phys = 0;
	unsigned long flags;

	*denied = false;
	if (!len || addr + len - 1 < addr)
		return 0;
	spin_lock_irqsave(&dev->dma.lock, flags);
	for (it = interval_tree_iter_first(&dev->dma.maps, addr, addr + len - 1); it;
	     it = interval_tree_iter_next(it, addr, addr + len - 1)) {
		struct dma_rec *r = container_of(it, struct dma_rec, it);

		if (addr < it->start || addr + len - 1 > it->last)
			continue;	/* overlaps, does not cover */
		if (r->dir == DMA_BIDIRECTIONAL ||
		    r->dir == (to_host ? DMA_FROM_DEVICE : DMA_TO_DEVICE)) {
			phys = addr;
			*denied = false;
			if (span)
				*span = (struct pciem_dma_span){ it->start, it->last };
			break;
		}
		*denied = true;
	}
	spin_unlock_irqrestore(&dev->dma.lock, flags);
	return phys;
}
