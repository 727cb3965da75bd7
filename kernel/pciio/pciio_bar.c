// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIOCBARMMAP (map a memory BAR into the caller) and PCIOCBARIO (one BAR
 * access through the kernel).
 */
#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>

#include "pciio_priv.h"

static const struct vm_operations_struct pciio_vm_ops = {
#ifdef CONFIG_HAVE_IOREMAP_PROT
	.access = generic_access_phys,
#endif
};

/*
 * /dev/pci maps nothing on its own: only the vm_mmap() that PCIOCBARMMAP
 * makes, from inside the ioctl, finds a request here.
 */
int pciio_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pciio_file *pf = file->private_data;
	struct pciio_mmap_req *req = READ_ONCE(pf->mmap_req);

	if (!req || req->task != current)
		return -ENODEV;
	if (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start != req->len)
		return -EINVAL;

	if (req->write_combine)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	vma->vm_ops = &pciio_vm_ops;
	return io_remap_pfn_range(vma, vma->vm_start, req->phys >> PAGE_SHIFT,
				  req->len, vma->vm_page_prot);
}

long pciio_barmmap(struct file *file, void __user *uarg)
{
	struct pciio_file *pf = file->private_data;
	struct pciio_mmap_req req = { };
	unsigned long addr, prot, flags;
	struct pci_bar_mmap pbm;
	struct pciio_bar bar;
	struct pci_dev *pdev;
	struct resource *res;
	resource_size_t start;
	long ret;

	if (copy_from_user(&pbm, uarg, sizeof(pbm)))
		return -EFAULT;
	pdev = pciio_get_dev(&pbm.pbm_sel);
	if (!pdev)
		return -ENODEV;

	ret = -EINVAL;
	if (pbm.pbm_flags & ~(PCIIO_BAR_MMAP_FIXED | PCIIO_BAR_MMAP_EXCL |
			      PCIIO_BAR_MMAP_RW | PCIIO_BAR_MMAP_ACTIVATE))
		goto put;
	switch (pbm.pbm_memattr) {
	case VM_MEMATTR_UNCACHEABLE:
	case VM_MEMATTR_UNCACHED:
		req.write_combine = false;
		break;
	case VM_MEMATTR_WRITE_COMBINING:
		req.write_combine = true;
		break;
	default:
		goto put;
	}
	if (pciio_find_bar(pdev, pbm.pbm_reg, &bar))
		goto put;
	/* Like FreeBSD, map only what decodes; ACTIVATE does not enable. */
	ret = -EBUSY;
	if (!pciio_bar_enabled(pdev, &bar))
		goto put;
	ret = -EIO;
	if (bar.io)
		goto put;
	res = &pdev->resource[bar.resno];
	ret = -EBUSY;
	if ((res->flags & IORESOURCE_UNSET) || !res->start)
		goto put;
	/* Write-combining only where it is safe: prefetchable BARs (sysfs). */
	ret = -EINVAL;
	if (req.write_combine && !(res->flags & IORESOURCE_PREFETCH))
		goto put;

	start = res->start;
	req.task = current;
	req.phys = start & PAGE_MASK;
	req.len = PAGE_ALIGN(start + bar.length) - req.phys;

	prot = PROT_READ;
	if (pbm.pbm_flags & PCIIO_BAR_MMAP_RW)
		prot |= PROT_WRITE;
	flags = MAP_SHARED;
	addr = 0;
	if (pbm.pbm_flags & PCIIO_BAR_MMAP_FIXED) {
		addr = (unsigned long)pbm.pbm_map_base;
		flags |= (pbm.pbm_flags & PCIIO_BAR_MMAP_EXCL) ?
			 MAP_FIXED_NOREPLACE : MAP_FIXED;
	}

	mutex_lock(&pf->mmap_lock);
	WRITE_ONCE(pf->mmap_req, &req);
	addr = vm_mmap(file, addr, req.len, prot, flags, 0);
	WRITE_ONCE(pf->mmap_req, NULL);
	mutex_unlock(&pf->mmap_lock);
	if (IS_ERR_VALUE(addr)) {
		ret = (long)addr;
		/* FreeBSD reports an occupied range under EXCL as ENOMEM. */
		if (ret == -EEXIST)
			ret = -ENOMEM;
		goto put;
	}

	pbm.pbm_map_base = (void *)addr;
	pbm.pbm_map_length = req.len;
	pbm.pbm_bar_off = (int)(start - req.phys);
	pbm.pbm_bar_length = bar.length;
	ret = 0;
	if (copy_to_user(uarg, &pbm, sizeof(pbm))) {
		vm_munmap(addr, req.len);
		ret = -EFAULT;
	}
put:
	pci_dev_put(pdev);
	return ret;
}

static long pciio_bar_access(struct pci_dev *pdev, const struct pciio_bar *bar,
			     struct pci_bar_ioreq *r)
{
	void __iomem *p;
	long ret = 0;

	switch (r->pbi_width) {
	case 1:
	case 2:
	case 4:
		break;
	case 8:
		/* 8-byte accesses exist for memory BARs only. */
		if (IS_ENABLED(CONFIG_64BIT) && !bar->io)
			break;
		fallthrough;
	default:
		return -EINVAL;
	}
	p = pci_iomap_range(pdev, bar->resno, r->pbi_offset, r->pbi_width);
	if (!p)
		return -ENOMEM;

	pm_runtime_get_sync(&pdev->dev);
	switch (r->pbi_width) {
	case 1:
		if (r->pbi_op == PCIBARIO_READ)
			r->pbi_value = ioread8(p);
		else
			iowrite8(r->pbi_value, p);
		break;
	case 2:
		if (r->pbi_op == PCIBARIO_READ)
			r->pbi_value = ioread16(p);
		else
			iowrite16(r->pbi_value, p);
		break;
	case 4:
		if (r->pbi_op == PCIBARIO_READ)
			r->pbi_value = ioread32(p);
		else
			iowrite32(r->pbi_value, p);
		break;
#ifdef CONFIG_64BIT
	case 8:
		/* As FreeBSD: the value field holds the low 32 bits. */
		if (r->pbi_op == PCIBARIO_READ)
			r->pbi_value = (u32)readq(p);
		else
			writeq(r->pbi_value, p);
		break;
#endif
	default:
		ret = -EINVAL;
		break;
	}
	pm_runtime_put(&pdev->dev);
	pci_iounmap(pdev, p);
	return ret;
}

long pciio_bario(void __user *uarg)
{
	struct resource *res, *claim;
	struct pci_bar_ioreq r;
	struct pciio_bar bar;
	struct pci_dev *pdev;
	long ret;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	pdev = pciio_get_dev(&r.pbi_sel);
	if (!pdev)
		return -ENODEV;

	ret = -EINVAL;
	if (r.pbi_op != PCIBARIO_READ && r.pbi_op != PCIBARIO_WRITE)
		goto put;
	if (r.pbi_bar > 5 ||
	    pciio_find_bar(pdev, PCI_BASE_ADDRESS_0 + 4 * r.pbi_bar, &bar))
		goto put;
	if (r.pbi_offset + r.pbi_width < r.pbi_offset ||
	    bar.length < (u64)r.pbi_offset + r.pbi_width)
		goto put;

	/*
	 * FreeBSD allocates the BAR as a resource for the access, which fails
	 * with ENOENT while a driver holds it.  Claim the region the same way,
	 * quietly (pci_request_region() would log every refusal).
	 */
	res = &pdev->resource[bar.resno];
	ret = -ENOENT;
	if ((res->flags & IORESOURCE_UNSET) || !res->start)
		goto put;
	if (bar.io)
		claim = request_region(res->start, resource_size(res), "pciio");
	else
		claim = request_mem_region(res->start, resource_size(res),
					   "pciio");
	if (!claim)
		goto put;
	ret = pciio_bar_access(pdev, &bar, &r);
	if (bar.io)
		release_region(res->start, resource_size(res));
	else
		release_mem_region(res->start, resource_size(res));

	if (!ret && r.pbi_op == PCIBARIO_READ &&
	    copy_to_user(uarg, &r, sizeof(r)))
		ret = -EFAULT;
put:
	pci_dev_put(pdev);
	return ret;
}
