/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pciem.h - internal interfaces of pciem.ko.
 *
 * main.c  /dev/pciem: open files, the device lifecycle, ioctls, mmap
 * pool.c  the BAR memory pool carved from pciem_phys_region
 * bus.c   putting a device on a PCI bus: a virtual host bridge of its own,
 *         or a free slot of an existing bus; configuration accessors
 */
#ifndef PCIEM_INTERNAL_H
#define PCIEM_INTERNAL_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pciem_api.h"
#include "cfgspace.h"

/* Backing memory of one BAR. */
struct pciem_bar_mem {
	phys_addr_t phys;	/* 0: BAR not implemented */
	u64 size;		/* the BAR's size as described */
	u64 alloc;		/* bytes taken from the pool (>= PAGE_SIZE) */
};

struct pciem_attach_bus;

/*
 * One emulated function: one open /dev/pciem file.  Reference counted: the
 * open file, the instance file REGISTER returns, every mmap of a BAR and a
 * started virtual host bridge each hold a reference; BAR memory returns to
 * the pool only when the last one is gone, so no stale mapping can ever
 * reach memory that another device has been given.
 */
struct pciem_device {
	struct kref ref;
	struct mutex lock;		/* lifecycle and ioctls */
	u32 state;			/* PCIEM_STATE_* */
	u32 bus_mode;			/* PCIEM_CREATE_FLAG_BUS_MODE_* */

	raw_spinlock_t cfg_lock;	/* cfg; taken inside the PCI core's pci_lock */
	struct pcfg *cfg;

	struct pciem_bar_mem bars[PCFG_NUM_BARS];

	/* Where the device is once started. */
	struct pci_bus *bus;
	struct pci_dev *pdev;
	unsigned int devfn;
	struct pci_sysdata sysdata;	/* virtual host bridge's sysdata */
	struct resource busn;		/* virtual host bridge's bus number */
	struct pciem_attach_bus *abus;	/* attach mode: the bus we joined */
};

void pciem_device_get(struct pciem_device *dev);
void pciem_device_put(struct pciem_device *dev);

/* Configuration accessors used by both bus modes (cfg_lock inside). */
u32 pciem_cfg_read(struct pciem_device *dev, int where, int size);
void pciem_cfg_write(struct pciem_device *dev, int where, int size, u32 val);

/* pool.c */
int pciem_pool_init(const char *region);
void pciem_pool_exit(void);
struct resource *pciem_pool_resource(void);
phys_addr_t pciem_pool_alloc(u64 size, u64 align);
void pciem_pool_free(phys_addr_t addr, u64 size);

/* bus.c */
int pciem_bus_init(const char *attach_bus);
void pciem_bus_exit(void);
int pciem_bus_add(struct pciem_device *dev);
void pciem_bus_remove(struct pciem_device *dev);

#endif /* PCIEM_INTERNAL_H */
