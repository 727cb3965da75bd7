// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma.c - the emulated function reading and writing host memory.
 *
 * Addresses are bus addresses as the driver gave them to the device.  When
 * an IOMMU translates for the function (a DMA or VFIO domain), each page is
 * translated through that domain, so the function reaches exactly what its
 * driver mapped for it and nothing else: an address the domain does not map
 * fails with ENXIO, as a real device's access would fault in the IOMMU.
 *
 * Without a translating IOMMU (no IOMMU, an identity domain, a function
 * outside the IOMMU's scope) a bus address is a physical address.  Such a
 * function uses pciem's own DMA operations (dma_ops.c), which record every
 * mapping its driver makes; the emulator reaches exactly those, in the
 * direction they were mapped for (EPERM otherwise), and nothing else
 * (ENXIO).  Either way the emulator is never a path to arbitrary memory.
 *
 * P2P reaches BARs of emulated functions (the BAR pool) only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "pciem.h"
#include "prp.h"

static struct iommu_domain *paging_domain(struct pciem_device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(&dev->pdev->dev);

	return dom && (dom->type & __IOMMU_DOMAIN_PAGING) ? dom : NULL;
}

static int no_mapping(struct pciem_device *dev, u64 iova)
{
	dev_warn_ratelimited(&dev->pdev->dev,
			     "pciem: DMA to %#llx, which the driver has not mapped\n", iova);
	return -ENXIO;
}

/*
 * A transfer's span cache (a struct pciem_dma_span): of the driver's
 * recorded mappings (no translating IOMMU), the one that covered its last
 * page, valid for the transfer's direction only (one transfer, one
 * direction).  A transfer's pages mostly lie in a few mappings (a
 * scatterlist's segments); looking each page up took about a tenth of a
 * 1 MiB PRP transfer's time in the test VM.  Like the lookups it saves, it
 * holds what was mapped when the transfer reached it: a mapping the driver
 * tears down during the transfer (a driver bug) stays reachable until the
 * transfer ends, as a real device's IOTLB entry does until the driver's
 * invalidation completes.
 */
#define DMA_SPAN_NONE { .start = 1, .last = 0 }	/* last < start: none yet */

/*
 * The host physical address of [iova, iova + len), which lies within one
 * page: through the IOMMU domain, or the driver's recorded mappings.
 * @cache: NULL, or the span cache of a transfer in direction @to_host.
 */
static int translate(struct pciem_device *dev, struct iommu_domain *dom, u64 iova, u32 len,
		     bool to_host, phys_addr_t *phys, struct pciem_dma_span *cache)
{
	bool denied;

	if (dom) {
		*phys = iommu_iova_to_phys(dom, iova);
		return *phys ? 0 : no_mapping(dev, iova);
	}
	if (!dev->dma.tracked)
		return -EOPNOTSUPP;
	if (cache && iova >= cache->start && iova + len - 1 <= cache->last &&
	    iova + len - 1 >= iova) {
		*phys = iova;	/* these mappings are identity: bus address == physical */
		return 0;
	}
	*phys = pciem_dma_ops_lookup(dev, iova, len, to_host, &denied, cache);
	if (*phys)
		return 0;
	if (denied) {
		dev_warn_ratelimited(&dev->pdev->dev,
				     "pciem: DMA %s %#llx, against the direction the driver mapped it for\n",
				     to_host ? "to" : "from", iova);
		return -EPERM;
	}
	return no_mapping(dev, iova);
}

/* Called with the function held (pciem_function_get): started, on the bus. */
static int check_dma_allowed(struct pciem_device *dev)
{
	if (!paging_domain(dev) && !dev->dma.tracked)
		return -EOPNOTSUPP;
	return 0;
}

/*
 * Copy between the emulator's buffer and host memory at @iova, page by page
 * (each translated separately).  @to_host: user -> host memory.
 *
 * The copy goes through copy_page_{from,to}_iter(), as a read() of page
 * cache does, and not copy_{from,to}_user() on the page's address: what the
 * driver mapped may be a slab object (a file system's journal buffer, say)
 * of a cache that exposes nothing to userspace, and hardened usercopy
 * rightly stops any kernel object being copied that way (a BUG).  A device
 * transfers pages, not kernel objects; the translation above already
 * confines it to what the driver mapped.
 */
static int copy_dma(struct pciem_device *dev, struct iommu_domain *dom, u64 iova,
		    u8 __user *ubuf, u32 len, bool to_host, struct pciem_dma_span *cache)
{
	struct iov_iter iter;

	iov_iter_ubuf(&iter, to_host ? ITER_SOURCE : ITER_DEST, ubuf, len);
	while (len) {
		u32 chunk = min_t(u64, len, PAGE_SIZE - offset_in_page(iova));
		struct page *page;
		phys_addr_t phys;
		size_t done;
		int ret = translate(dev, dom, iova, chunk, to_host, &phys, cache);

		if (ret)
			return ret;
		if (!pfn_valid(PHYS_PFN(phys)))
			return -EOPNOTSUPP;	/* not RAM: use P2P for BARs */
		page = pfn_to_page(PHYS_PFN(phys));
		if (to_host)
			done = copy_page_from_iter(page, offset_in_page(phys), chunk, &iter);
		else
			done = copy_page_to_iter(page, offset_in_page(phys), chunk, &iter);
		if (done != chunk)
			return -EFAULT;
		iova += chunk;
		len -= chunk;
	}
	return 0;
}

static int dma_flags_dir(u32 flags, bool *to_host)
{
	if (flags == PCIEM_DMA_FLAG_READ)
		*to_host = false;
	else if (flags == PCIEM_DMA_FLAG_WRITE)
		*to_host = true;
	else
		return -EINVAL;
	return 0;
}

/* PCIEM_IOCTL_DMA.  READ: host memory -> emulator; WRITE: emulator -> host memory. */
int pciem_dma(struct pciem_device *dev, const struct pciem_dma_op *op)
{
	struct pciem_dma_span cache = DMA_SPAN_NONE;
	bool to_host;
	int ret;

	if (op->reserved || !op->length || dma_flags_dir(op->flags, &to_host))
		return -EINVAL;
	if (op->pasid)
		return -EOPNOTSUPP;
	if (op->guest_iova + op->length < op->guest_iova)
		return -EINVAL;
	ret = check_dma_allowed(dev);
	if (ret)
		return ret;
	return copy_dma(dev, paging_domain(dev), op->guest_iova, u64_to_user_ptr(op->user_addr),
			op->length, to_host, &cache);
}

/* PCIEM_IOCTL_DMA_ATOMIC on a naturally aligned 8-byte word. */
int pciem_dma_atomic(struct pciem_device *dev, struct pciem_dma_atomic *a)
{
	struct iommu_domain *dom;
	phys_addr_t phys;
	atomic64_t *v;
	void *p;
	s64 old;
	int ret;

	if (a->op_type < PCIEM_ATOMIC_FETCH_ADD || a->op_type > PCIEM_ATOMIC_FETCH_XOR)
		return -EINVAL;
	if (a->guest_iova & 7)
		return -EINVAL;
	if (a->pasid)
		return -EOPNOTSUPP;
	ret = check_dma_allowed(dev);
	if (ret)
		return ret;
	/* Read-modify-write: the mapping must allow both directions. */
	dom = paging_domain(dev);
	ret = translate(dev, dom, a->guest_iova, 8, false, &phys, NULL);
	if (!ret)
		ret = translate(dev, dom, a->guest_iova, 8, true, &phys, NULL);
	if (ret)
		return ret;
	if (!pfn_valid(PHYS_PFN(phys)))
		return -EOPNOTSUPP;
	p = kmap_local_page(pfn_to_page(PHYS_PFN(phys)));
	v = p + offset_in_page(phys);
	switch (a->op_type) {
	case PCIEM_ATOMIC_FETCH_ADD:
		old = atomic64_fetch_add(a->operand, v);
		break;
	case PCIEM_ATOMIC_FETCH_SUB:
		old = atomic64_fetch_sub(a->operand, v);
		break;
	case PCIEM_ATOMIC_SWAP:
		old = atomic64_xchg(v, a->operand);
		break;
	case PCIEM_ATOMIC_CAS:
		old = atomic64_cmpxchg(v, a->compare, a->operand);
		break;
	case PCIEM_ATOMIC_FETCH_AND:
		old = atomic64_fetch_and(a->operand, v);
		break;
	case PCIEM_ATOMIC_FETCH_OR:
		old = atomic64_fetch_or(a->operand, v);
		break;
	default:
		old = atomic64_fetch_xor(a->operand, v);
		break;
	}
	kunmap_local(p);
	a->result = old;
	return 0;
}

/* ---- PRP lists -------------------------------------------------------------- */

struct prp_ctx {
	struct pciem_device *dev;
	struct iommu_domain *dom;	/* looked up once per transfer */
	u8 __user *ubuf;
	bool to_host;
	struct pciem_dma_span cache;	/* for the data pages */
	/* The PRP list page last read: its entries are read one by one. */
	u64 list_iova;			/* page-aligned; 1 (never aligned): none */
	phys_addr_t list_phys;
};

static int prp_read(void *c, u64 addr, u64 *entry)
{
	struct prp_ctx *ctx = c;
	phys_addr_t phys;
	void *p;

	if ((addr & PAGE_MASK) == ctx->list_iova) {
		phys = ctx->list_phys + offset_in_page(addr);
	} else {
		int ret = translate(ctx->dev, ctx->dom, addr, 8, false, &phys, NULL);

		if (ret)
			return ret;
		if (!pfn_valid(PHYS_PFN(phys)))
			return -EOPNOTSUPP;
		ctx->list_iova = addr & PAGE_MASK;
		ctx->list_phys = phys & PAGE_MASK;
	}
	p = kmap_local_page(pfn_to_page(PHYS_PFN(phys)));
	*entry = le64_to_cpu(*(__le64 *)(p + offset_in_page(phys)));
	kunmap_local(p);
	return 0;
}

static int prp_segment(void *c, u64 addr, u32 len)
{
	struct prp_ctx *ctx = c;
	int ret = copy_dma(ctx->dev, ctx->dom, addr, ctx->ubuf, len, ctx->to_host, &ctx->cache);

	ctx->ubuf += len;
	return ret;
}

/* PCIEM_IOCTL_DMA_INDIRECT: an NVMe PRP1/PRP2 transfer (core/prp.c walks it). */
int pciem_dma_indirect(struct pciem_device *dev, const struct pciem_dma_indirect *r)
{
	struct prp_ctx ctx = {
		.dev = dev, .ubuf = u64_to_user_ptr(r->user_addr), .list_iova = 1,
		.cache = DMA_SPAN_NONE,
	};
	int ret;

	if (r->reserved || !r->length || dma_flags_dir(r->flags, &ctx.to_host))
		return -EINVAL;
	if (r->pasid)
		return -EOPNOTSUPP;
	ret = check_dma_allowed(dev);
	if (ret)
		return ret;
	ctx.dom = paging_domain(dev);
	return prp_walk(r->prp1, r->prp2, r->length, r->page_size, prp_read, prp_segment, &ctx);
}

/* PCIEM_IOCTL_P2P: into a BAR of an emulated function (the BAR pool). */
int pciem_p2p(struct pciem_device *dev, const struct pciem_p2p_op_user *op)
{
	struct resource *pool = pciem_pool_resource();
	void __iomem *p;
	bool to_host;
	void *buf;
	int ret = 0;

	if (!op->length || dma_flags_dir(op->flags, &to_host))
		return -EINVAL;
	if (!pool || op->target_phys_addr < pool->start ||
	    op->target_phys_addr + op->length - 1 > pool->end ||
	    op->target_phys_addr + op->length < op->target_phys_addr)
		return -EPERM;
	if (!pciem_pool_allocated(op->target_phys_addr, op->length))
		return -ENXIO;
	buf = kvmalloc(op->length, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = ioremap(op->target_phys_addr, op->length);
	if (!p) {
		kvfree(buf);
		return -ENOMEM;
	}
	if (to_host) {
		if (copy_from_user(buf, u64_to_user_ptr(op->user_addr), op->length))
			ret = -EFAULT;
		else
			memcpy_toio(p, buf, op->length);
	} else {
		memcpy_fromio(buf, p, op->length);
		if (copy_to_user(u64_to_user_ptr(op->user_addr), buf, op->length))
			ret = -EFAULT;
	}
	iounmap(p);
	kvfree(buf);
	return ret;
}
