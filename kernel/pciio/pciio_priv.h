/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pciio.ko internals: FreeBSD pci(4)-compatible /dev/pci.
 */
#ifndef PCIIO_PRIV_H
#define PCIIO_PRIV_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <pciio.h>

/* What PCIOCBARMMAP asks the mmap handler to map, for one vm_mmap() call. */
struct pciio_mmap_req {
	struct task_struct *task;	/* the thread inside the ioctl */
	phys_addr_t phys;		/* page-aligned start */
	size_t len;			/* page-aligned length */
	bool write_combine;
};

/* One open /dev/pci. */
struct pciio_file {
	struct mutex mmap_lock;		/* one PCIOCBARMMAP at a time */
	struct pciio_mmap_req *mmap_req;
};

/* Device list generation: changes whenever a PCI device comes or goes. */
u32 pciio_generation(void);

long pciio_getconf(void __user *uarg);
long pciio_rw(unsigned int cmd, void __user *uarg);
long pciio_attached(void __user *uarg);
long pciio_getbar(void __user *uarg);
long pciio_listvpd(void __user *uarg);
long pciio_barmmap(struct file *file, void __user *uarg);
long pciio_bario(void __user *uarg);
int pciio_mmap(struct file *file, struct vm_area_struct *vma);

/* A user pointer carried in a FreeBSD ABI struct. */
static inline void __user *pciio_uptr(const void *p)
{
	return (void __user *)(uintptr_t)p;
}

/* Shared helpers (pciio_cfg.c). */
struct pci_dev *pciio_get_dev(const struct pcisel *sel);
void pciio_pm_get(struct pci_dev *pdev);
void pciio_pm_put(struct pci_dev *pdev);

/* A BAR as FreeBSD's pci_find_bar() sees it. */
struct pciio_bar {
	int resno;		/* index in pdev->resource[] */
	int reg;		/* its config register */
	bool io;		/* I/O port BAR */
	bool rom;		/* expansion ROM BAR */
	bool iov;		/* SR-IOV VF BAR */
	u64 length;
};

int pciio_find_bar(struct pci_dev *pdev, int reg, struct pciio_bar *bar);
bool pciio_bar_enabled(struct pci_dev *pdev, const struct pciio_bar *bar);

#endif /* PCIIO_PRIV_H */
