/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pciem.h - internal interfaces of pciem.ko.
 *
 * main.c  /dev/pciem: open files, the device lifecycle, ioctls, mmap
 * pool.c  the BAR memory pool carved from pciem_phys_region or RAM (pool_ram.c)
 * bus.c   putting a device on a PCI bus: a virtual host bridge of its own,
 *         or a free slot of an existing bus; configuration accessors
 */
#ifndef PCIEM_INTERNAL_H
#define PCIEM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/eventfd.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/timer.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/smp.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "pciem_api.h"
#include "cfgspace.h"
#include "compat.h"

/* Backing memory of one BAR. */
struct pciem_bar_mem {
	phys_addr_t phys;	/* 0: BAR not implemented */
	u64 size;		/* the BAR's size as described */
	u64 alloc;		/* bytes taken from the pool (>= PAGE_SIZE) */
	void __iomem *kva;	/* pciem's own, never trapped, mapping */
	u32 trace;		/* PCIEM_TRACE_* asked for with TRACE_BAR */
};

struct pciem_attach_bus;

/* One interrupt to run: which Linux irq, for which vector, of what kind. */
struct pciem_delivery {
	unsigned int irq;
	u32 vector;
	u8 kind;		/* PCIEM_ACK_MSI, _MSIX, _INTX */
};

/* Interrupt state of a function (irq.c). */
struct pciem_irqs {
	raw_spinlock_t qlock;		/* q */
	struct pciem_delivery q[512];
	u32 qfirst, qcount;
	raw_spinlock_t deliver_lock;	/* one CPU delivers at a time */
	struct irq_work work;		/* delivery on this CPU */
	call_single_data_t csd;		/* delivery on another CPU */
	unsigned int hops;		/* moves away from the emulator's thread */
	atomic64_t delivered, lost;

	spinlock_t pend_lock;		/* msi_pending, msix_pending */
	u32 msi_pending;		/* MSI vectors held back by their mask bits */
	unsigned int msi_irq[32];
	unsigned long *msix_pending;	/* MSI-X vectors held back by masks */
	unsigned int *msix_irq;
	struct timer_list msix_timer;	/* looks for unmasking while any is pending */

	unsigned int intx_irq;		/* 0: no INTx pin */
	bool intx_line, intx_masked;
	struct hrtimer intx_timer;
	unsigned int intx_rechecks;	/* intx_recheck(): looks so far */

	spinlock_t irqfd_lock;
	struct list_head irqfds;
	unsigned int nirqfds;
	bool stopped;			/* pciem_irq_stop(): queue and re-arm nothing */
};

/* A synchronous read waiting for the emulator's pciem_response. */
struct pciem_pending {
	bool busy;		/* slot in use */
	bool done;		/* answer arrived (release/acquire) */
	u64 seq;		/* the MMIO_READ event's seq */
	u64 data;
	s32 status;
	/* Which read this is: the reader retries its instruction until done. */
	struct task_struct *task;
	unsigned int ctx;	/* NMI/hardirq/softirq bits of preempt_count() */
	unsigned long ip, addr;
	ktime_t deadline;
};

/* Events the kernel holds in order while the ring is full. */
#define PCIEM_BACKLOG 16384

/* The event ring and everything around it (events.c). */
struct pciem_events {
	struct pciem_shared_ring *ring;	/* vmalloc_user, mapped by the emulator */
	raw_spinlock_t lock;		/* head, seq, pending[] */
	u32 head;			/* the kernel's copy; ring->head mirrors it */
	u64 seq_at[PCIEM_RING_SIZE];	/* seq of each ring slot, kernel's copy */
	u64 last_write_seq;		/* the newest MMIO_WRITE queued */
	u64 ordered_seq;		/* MMIO writes known done up to this seq */
	u64 seq;			/* seq of the last committed event */
	wait_queue_head_t wq;		/* poll() */
	spinlock_t efd_lock;
	struct eventfd_ctx *efd;	/* SET_EVENTFD */
	struct pciem_pending pending[32];
	struct pciem_event *backlog;	/* PCIEM_BACKLOG, circular */
	u32 bl_first, bl_count;
	ktime_t full_since;		/* when MMIO producers found it all full */
	call_single_data_t kick_csd;	/* wakes the emulator from another CPU */
	int consumer_cpu;		/* where the emulator last talked to us */
	struct task_struct *consumer;	/* who did (a reference; set under lock) */
	struct work_struct away_work;	/* wakes it away from CPUs spinning for it */
	cpumask_var_t spinning;		/* those CPUs (under lock), for away_work */
	cpumask_var_t mask_saved, mask_away; /* away_work's own */
	atomic64_t dropped;		/* events given up on a full ring */
	atomic64_t read_timeouts;	/* synchronous reads never answered */
	bool stalled;			/* a wait that cannot sleep ran out: see events.c */
};

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
	/*
	 * Adds the function to the bus, so drivers probe it, after START has
	 * returned: a driver that talks to its device in probe needs the
	 * emulator serving already.  Cancelled by pciem_bus_remove().
	 */
	struct work_struct add_work;

	struct pciem_events ev;
	struct pciem_irqs irqs;
	struct {			/* DMA API tracking without an IOMMU (dma_ops.c) */
		struct list_head node;
		struct device *dev;
		spinlock_t lock;
		struct rb_root_cached maps;	/* struct dma_rec, an interval tree */
		bool tracked;
	} dma;
	struct list_head ioeventfds;	/* ioeventfd.c: RCU readers, dev->lock writers */
	unsigned int nioeventfds;
	u32 trace_cfg;			/* PCIEM_TRACE_READS/WRITES for config space */
	bool dead;			/* the emulator closed its file: stop waiting */
	/*
	 * The PCI core removed the function (sysfs remove, a hot-plug tool):
	 * set once by the bus notifier, under @present held for writing, so a
	 * holder of @present for reading (pciem_function_get()) may use pdev's
	 * driver-side state (IOMMU domain, MSI vectors) until it lets go.
	 */
	struct rw_semaphore present;
	bool removed;
};

void pciem_device_get(struct pciem_device *dev);
void pciem_device_put(struct pciem_device *dev);
int pciem_function_get(struct pciem_device *dev);
void pciem_function_put(struct pciem_device *dev);

/* Configuration accessors used by both bus modes (cfg_lock inside). */
u32 pciem_cfg_read(struct pciem_device *dev, int where, int size);
void pciem_cfg_write(struct pciem_device *dev, int where, int size, u32 val);
/* The device's own view of its registers (no events, cfg_lock inside). */
u16 pciem_cfg_get16(struct pciem_device *dev, unsigned int off);
u32 pciem_cfg_get32(struct pciem_device *dev, unsigned int off);
bool pciem_cfg_msix_layout(struct pciem_device *dev, struct pcfg_msix_layout *l);
void pciem_cfg_set_msi_pending(struct pciem_device *dev, unsigned int off, u32 bits);

/* ioeventfd.c */
void pciem_ioeventfd_init(struct pciem_device *dev);
void pciem_ioeventfd_destroy(struct pciem_device *dev);
long pciem_ioeventfd_ioctl(struct pciem_device *dev, const struct pciem_ioeventfd *arg);
bool pciem_ioeventfd_signal(struct pciem_device *dev, u32 bar, u64 off, u32 size, u64 val);

/* irq.c */
int pciem_irq_init(struct pciem_device *dev);
int pciem_irq_prepare(struct pciem_device *dev);
void pciem_irq_attach(struct pciem_device *dev);
void pciem_irq_stop(struct pciem_device *dev);
void pciem_irq_destroy(struct pciem_device *dev);
int pciem_irq_inject(struct pciem_device *dev, u32 vector, u32 flags);
int pciem_irqfd_add(struct pciem_device *dev, int fd, u32 vector, u32 flags);
void pciem_irq_config_written(struct pciem_device *dev);
void pciem_irq_kick(struct pciem_device *dev);

/* events.c */
int pciem_events_init(struct pciem_device *dev);
void pciem_events_destroy(struct pciem_device *dev);
int pciem_events_module_init(void);
void pciem_events_module_exit(void);
u64 pciem_event_push(struct pciem_device *dev, u32 type, u32 bar, u64 offset, u32 size,
		     u64 data, bool atomic);
int pciem_event_push_mmio(struct pciem_device *dev, u32 bar, u64 offset, u32 size, u64 data);
bool pciem_events_pending(struct pciem_device *dev);
void pciem_events_removed(struct pciem_device *dev);
void pciem_events_driver(struct pciem_device *dev, bool bound);
int pciem_sync_read_step(struct pciem_device *dev, u32 bar, u64 offset, u32 size,
			 unsigned long ip, unsigned long addr, bool spinning, u64 *val);
void pciem_events_seen(struct pciem_device *dev);
void pciem_events_order_writes(struct pciem_device *dev);
int pciem_emulator_cpu(struct pciem_device *dev);
bool pciem_emulator_is_current(struct pciem_device *dev);
ssize_t pciem_events_write(struct pciem_device *dev, const char __user *buf, size_t count);
__poll_t pciem_events_poll(struct pciem_device *dev, struct file *file, poll_table *wait);
int pciem_events_set_eventfd(struct pciem_device *dev, int fd);
int pciem_events_mmap(struct pciem_device *dev, struct vm_area_struct *vma);

/* trap.c */
int pciem_trap_init(void);
void pciem_trap_exit(void);
bool pciem_trap_available(void);
int pciem_trap_set(struct pciem_device *dev, unsigned int bar, u32 flags);
void pciem_trap_release(struct pciem_device *dev);
u64 pciem_trap_count(void);

/* pool.c */
int pciem_pool_init(const char *region, const char *ram_size);
int pciem_pool_ram_take(u64 *size, phys_addr_t *start, int *nid);
void pciem_pool_ram_give_back(phys_addr_t start, u64 size, int nid);
void pciem_pool_exit(void);
struct resource *pciem_pool_resource(void);
phys_addr_t pciem_pool_alloc(u64 size, u64 align);
void pciem_pool_free(phys_addr_t addr, u64 size);
bool pciem_pool_allocated(phys_addr_t addr, u64 len);

/* main.c */
bool pciem_is_instance_file(const struct file *file);

/* dma_ops.c */
bool pciem_dma_ops_attach(struct pciem_device *dev);
void pciem_dma_ops_detach(struct pciem_device *dev);
/* The bus addresses one recorded mapping covers: [start, last]. */
struct pciem_dma_span {
	u64 start, last;
};

phys_addr_t pciem_dma_ops_lookup(struct pciem_device *dev, u64 addr, u64 len, bool to_host,
				 bool *denied, struct pciem_dma_span *span);

/* dma.c */
int pciem_dma(struct pciem_device *dev, const struct pciem_dma_op *op);
int pciem_dma_atomic(struct pciem_device *dev, struct pciem_dma_atomic *a);
int pciem_dma_indirect(struct pciem_device *dev, const struct pciem_dma_indirect *r);
int pciem_p2p(struct pciem_device *dev, const struct pciem_p2p_op_user *op);

/* bus.c */
int pciem_bus_init(const char *attach_bus);
void pciem_bus_exit(void);
int pciem_bus_add(struct pciem_device *dev);
void pciem_bus_remove(struct pciem_device *dev);

#endif /* PCIEM_INTERNAL_H */
