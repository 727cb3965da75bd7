/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.h - the kernel-version and kernel-internal differences pciem.ko
 * depends on, in one place.  Each helper says which kernel changed what.
 */
#ifndef PCIEM_COMPAT_H
#define PCIEM_COMPAT_H

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/smp.h>
#include <linux/version.h>

/*
 * The legacy interrupt type of pci_alloc_irq_vectors(): PCI_IRQ_INTX since
 * 6.8, when PCI_IRQ_LEGACY became its old name (gone in 6.10).  Used by
 * the test drivers, which include this header too.
 */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/* Signal an eventfd once (its signature lost the count in 6.8). */
static inline void pciem_eventfd_signal(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* A VMA of device memory with no struct pages (vm_flags became read-only in 6.3). */
static inline void pciem_vma_set_io(struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
#else
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
#endif
}

/*
 * Is an asynchronous cross-CPU call (smp_call_function_single_async()) still
 * queued or running?  The kernel keeps CSD_FLAG_LOCK (<linux/smp_types.h>)
 * set from queueing until the callback has returned, and offers no exported
 * way to wait for it (csd_lock_wait() is private to kernel/smp.c), so the
 * memory holding a csd may be freed only once this is false.
 */
static inline bool pciem_csd_busy(call_single_data_t *csd)
{
	/* Acquire: pairs with csd_unlock()'s release after the callback ran. */
	return smp_load_acquire(&csd->node.u_flags) & CSD_FLAG_LOCK;
}

/* Wait (interrupts on: the target CPU must be able to take the IPI) for it. */
static inline void pciem_csd_wait(call_single_data_t *csd)
{
	while (pciem_csd_busy(csd))
		cpu_relax();
}

#endif /* PCIEM_COMPAT_H */
