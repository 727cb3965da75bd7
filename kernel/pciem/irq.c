// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq.c - interrupts from an emulated function to its driver.
 *
 * MSI and MSI-X: the emulator names a vector; pciem checks what the driver
 * programmed into the function (enable bits, vector count, per-vector and
 * function masks), finds the Linux interrupt the driver got for that vector
 * and runs its handler.  A masked vector is remembered as pending (MSI
 * Pending Bits in configuration space, the PBA in the BAR) and sent when the
 * driver unmasks it.  Deliveries are queued and run one at a time, each to
 * completion, so N messages are N handler calls: nothing is merged.
 * After each, an MSI_ACK event tells the emulator its interrupt was handled.
 *
 * Handlers must run in hard interrupt context (x86 enforces it for MSI), so
 * deliveries run from an irq_work, which is a real interrupt on the CPU that
 * queued it.
 *
 * INTx: each function gets a Linux interrupt of its own, with a level-type
 * chip: while the emulator holds the line asserted and the driver has not
 * set Interrupt Disable, the interrupt fires, and fires again after the
 * driver's handler returns if the line is still asserted (after a short
 * grace period, so the emulator can see the driver's acknowledgement first).
 * Status.Interrupt Status follows the line.  ACPI is kept out of it: the
 * PCI core sees no interrupt pin, only the interrupt pciem assigned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "pciem.h"

#define INTX_RECHECK_NS	(200 * NSEC_PER_USEC)
#define MSIX_POLL_MS	1

/* ---- the delivery queue ----------------------------------------------------- */

static void deliver_work(struct irq_work *work);
static void deliver_csd(void *info);

/*
 * Where the next queued interrupt wants to run: the first online CPU of its
 * effective affinity (the vector the kernel gave it: a driver with one queue
 * per CPU asks for its completions on the submitting CPU, where the waiting
 * task sleeps), or nr_cpu_ids when it may run anywhere.
 */
static unsigned int wanted_cpu(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;
	const struct cpumask *aff;
	struct irq_data *d;
	unsigned long flags;
	unsigned int irq = 0;

	raw_spin_lock_irqsave(&s->qlock, flags);
	if (s->qcount)
		irq = s->q[s->qfirst].irq;
	raw_spin_unlock_irqrestore(&s->qlock, flags);
	d = irq ? irq_get_irq_data(irq) : NULL;
	if (!d)
		return nr_cpu_ids;
	aff = irq_data_get_effective_affinity_mask(d);
	if (cpumask_subset(cpu_online_mask, aff))
		return nr_cpu_ids;
	return cpumask_first_and(aff, cpu_online_mask);
}

/*
 * Handlers run in hard interrupt context, where the interrupt's affinity
 * sends them.  A handler that reads a traced register waits there,
 * interrupts off, until the emulator's event thread answers, so it must not
 * run on the CPU that thread runs or is queued on (the one it last consumed
 * events on): then, and for interrupts that may run anywhere, this CPU if it
 * qualifies (no IPI needed), else another.
 */
static void kick_delivery(struct pciem_device *dev)
{
	int this, emu;
	unsigned int cpu;

	if (READ_ONCE(dev->irqs.stopped))
		return;
	this = get_cpu();
	emu = pciem_emulator_cpu(dev);
	cpu = wanted_cpu(dev);

	if (cpu >= nr_cpu_ids || cpu == emu)
		cpu = this != emu ? this : cpumask_any_but(cpu_online_mask, emu);
	if (cpu == this || cpu >= nr_cpu_ids)
		irq_work_queue(&dev->irqs.work);	/* here, or the only CPU */
	else
		/*
		 * -EBUSY: a delivery is already on its way (its callback has
		 * not started) and will take this interrupt too.  Not here
		 * instead: this may be the emulator's CPU.
		 */
		smp_call_function_single_async(cpu, &dev->irqs.csd);
	put_cpu();
}

/*
 * Queue one interrupt.  Callers holding dev->lock (ioctls, irqfd) must not
 * start the delivery themselves: a handler that runs on this CPU right away
 * would interrupt the lock holder, and if it reads a traced register the
 * emulator, needing dev->lock for its own ioctls, could not answer.  They
 * leave it to pciem_irq_kick() after unlocking.
 */
static void queue(struct pciem_device *dev, unsigned int irq, u32 vector, u8 kind, bool now)
{
	struct pciem_irqs *s = &dev->irqs;
	unsigned long flags;
	bool full;

	if (READ_ONCE(s->stopped))
		return;
	raw_spin_lock_irqsave(&s->qlock, flags);
	full = s->qcount == ARRAY_SIZE(s->q);
	if (!full) {
		s->q[(s->qfirst + s->qcount) % ARRAY_SIZE(s->q)] =
			(struct pciem_delivery){ .irq = irq, .vector = vector, .kind = kind };
		s->qcount++;
	}
	raw_spin_unlock_irqrestore(&s->qlock, flags);
	if (full) {
		atomic64_inc(&s->lost);
		pr_warn_ratelimited("too many interrupts pending, vector %u not delivered\n", vector);
		return;
	}
	if (now)
		kick_delivery(dev);
}

static void queue_delivery(struct pciem_device *dev, unsigned int irq, u32 vector, u8 kind)
{
	queue(dev, irq, vector, kind, true);
}

/* After dev->lock is dropped: start what the locked section queued. */
void pciem_irq_kick(struct pciem_device *dev)
{
	if (READ_ONCE(dev->irqs.qcount))
		kick_delivery(dev);
}

static bool intx_should_fire(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;

	return s->intx_line && !s->intx_masked &&
	       !(pciem_cfg_get16(dev, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

/* Is this Linux interrupt still the one the driver set up for our function? */
static bool irq_is_ours(struct pciem_device *dev, const struct pciem_delivery *d)
{
	struct msi_desc *desc;
	struct pci_dev *pdev;

	if (d->kind == PCIEM_ACK_INTX)
		return d->irq == dev->irqs.intx_irq && intx_should_fire(dev);
	desc = irq_get_msi_desc(d->irq);
	pdev = READ_ONCE(dev->pdev);
	return desc && pdev && desc->dev == &pdev->dev;
}

static void deliver(struct pciem_device *dev);

static void deliver_work(struct irq_work *work)
{
	deliver(container_of(work, struct pciem_device, irqs.work));
}

/*
 * On the chosen CPU, from its queue of cross-CPU calls: hand over to
 * irq_work rather than run handlers here.  Wake-ups queued for this CPU wait
 * in the same queue and are done only after every call in it has returned,
 * so a handler run from here that reads a traced register could wait for
 * an emulator whose wake-up waits for it.  irq_work's interrupt comes once
 * the queue is done, in the hard interrupt context handlers need (an idle
 * CPU may also run the queue from its idle loop, outside any interrupt).
 */
static void deliver_csd(void *info)
{
	struct pciem_device *dev = info;

	irq_work_queue(&dev->irqs.work);
}

static void deliver(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;
	struct pciem_delivery d;
	unsigned long flags;
	int cpu;

	/* Stopping: the function has left its bus, nobody is to be called. */
	if (READ_ONCE(s->stopped)) {
		raw_spin_lock_irqsave(&s->qlock, flags);
		s->qcount = 0;
		raw_spin_unlock_irqrestore(&s->qlock, flags);
		return;
	}
	/*
	 * We interrupted the emulator's own event thread: a handler reading a
	 * traced register would wait here for the very thread it interrupted.
	 * Go to another CPU (a few times at most, should it follow us).
	 */
	if (pciem_emulator_is_current(dev) && s->hops < 4) {
		cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
		if (cpu < nr_cpu_ids) {
			s->hops++;
			/* Sent, or one is on its way already (-EBUSY): it delivers. */
			smp_call_function_single_async(cpu, &s->csd);
			return;
		}
	}
	s->hops = 0;
again:
	/* One CPU delivers at a time, so one vector never runs twice at once. */
	if (!raw_spin_trylock(&s->deliver_lock))
		return;
	for (;;) {
		raw_spin_lock_irqsave(&s->qlock, flags);
		if (!s->qcount) {
			raw_spin_unlock_irqrestore(&s->qlock, flags);
			break;
		}
		d = s->q[s->qfirst];
		s->qfirst = (s->qfirst + 1) % ARRAY_SIZE(s->q);
		s->qcount--;
		raw_spin_unlock_irqrestore(&s->qlock, flags);

		if (!irq_is_ours(dev, &d))
			continue;
		if (generic_handle_irq(d.irq))
			continue;
		atomic64_inc(&s->delivered);
		pciem_event_push(dev, PCIEM_EVENT_MSI_ACK, 0, d.vector, 0, d.kind, true);
	}
	raw_spin_unlock(&s->deliver_lock);
	/* Something queued while we were finishing, whose irq_work found us busy? */
	if (READ_ONCE(s->qcount))
		goto again;
}

/* ---- INTx -------------------------------------------------------------------- */

static void intx_fire_if_asserted(struct pciem_device *dev)
{
	if (intx_should_fire(dev))
		queue_delivery(dev, dev->irqs.intx_irq, 0, PCIEM_ACK_INTX);
}

/*
 * The line may be about to go low: the driver's acknowledgement (an MMIO
 * write) is in the emulator's queue, and on a real bus it would reach the
 * device before the unmask or the Interrupt Disable change that follows it.
 * So look again once the emulator has taken everything queued (for at most
 * INTX_RECHECK_MAX looks), and fire only if the line is still asserted.
 */
#define INTX_RECHECK_MAX 50

static enum hrtimer_restart intx_recheck(struct hrtimer *t)
{
	struct pciem_device *dev = container_of(t, struct pciem_device, irqs.intx_timer);
	struct pciem_irqs *s = &dev->irqs;

	if (READ_ONCE(s->stopped))
		return HRTIMER_NORESTART;
	if (pciem_events_pending(dev) && ++s->intx_rechecks < INTX_RECHECK_MAX) {
		hrtimer_forward_now(t, ns_to_ktime(INTX_RECHECK_NS));
		return HRTIMER_RESTART;
	}
	s->intx_rechecks = 0;
	intx_fire_if_asserted(dev);
	return HRTIMER_NORESTART;
}

static void intx_recheck_later(struct pciem_device *dev)
{
	if (READ_ONCE(dev->irqs.intx_line) && !READ_ONCE(dev->irqs.stopped))
		hrtimer_start(&dev->irqs.intx_timer, ns_to_ktime(INTX_RECHECK_NS),
			      HRTIMER_MODE_REL);
}

static void intx_mask(struct irq_data *d)
{
	struct pciem_device *dev = irq_data_get_irq_chip_data(d);

	WRITE_ONCE(dev->irqs.intx_masked, true);
}

/* The handler has run: a line still asserted fires again, a moment later. */
static void intx_unmask(struct irq_data *d)
{
	struct pciem_device *dev = irq_data_get_irq_chip_data(d);

	WRITE_ONCE(dev->irqs.intx_masked, false);
	/*
	 * Pairs with the barrier in set_intx_line(): an assertion racing with
	 * this unmask is seen by one side or the other, never lost.
	 */
	smp_mb();
	intx_recheck_later(dev);
}

static struct irq_chip intx_chip = {
	.name = "pciem-INTx",
	.irq_mask = intx_mask,
	.irq_unmask = intx_unmask,
};

/* Called with dev->lock held: the delivery starts at pciem_irq_kick(). */
static void set_intx_line(struct pciem_device *dev, bool asserted)
{
	unsigned long flags;

	WRITE_ONCE(dev->irqs.intx_line, asserted);
	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	pcfg_set_intx_status(dev->cfg, asserted);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	smp_mb();	/* pairs with intx_unmask() */
	if (asserted && intx_should_fire(dev))
		queue(dev, dev->irqs.intx_irq, 0, PCIEM_ACK_INTX, false);
}

/* ---- MSI and MSI-X -------------------------------------------------------------- */

static u32 msix_vector_ctrl(struct pciem_device *dev, const struct pcfg_msix_layout *l,
			   u32 vector)
{
	return readl(dev->bars[l->table_bar].kva + l->table_off + vector * PCI_MSIX_ENTRY_SIZE +
		     PCI_MSIX_ENTRY_VECTOR_CTRL);
}

static void msix_set_pba(struct pciem_device *dev, const struct pcfg_msix_layout *l, u32 vector,
			 bool pending)
{
	void __iomem *p = dev->bars[l->pba_bar].kva + l->pba_off + (vector / 64) * 8;
	u64 v = readq(p);

	v = pending ? v | BIT_ULL(vector % 64) : v & ~BIT_ULL(vector % 64);
	writeq(v, p);
}

/* Where the MSI-X table and PBA are, and Message Control (enable, mask). */
static bool msix_layout(struct pciem_device *dev, struct pcfg_msix_layout *l, u16 *ctrl)
{
	if (!pciem_cfg_msix_layout(dev, l))
		return false;
	*ctrl = pciem_cfg_get16(dev, l->cap + PCI_MSIX_FLAGS);
	return true;
}

/*
 * Pending MSI-X vectors the driver has unmasked since: send them.  Runs from
 * the poll timer and after configuration writes; the table lives in BAR
 * memory the driver writes directly, so it is looked at rather than trapped.
 */
static void msix_flush_pending(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;
	struct pcfg_msix_layout l;
	unsigned long flags;
	bool any = false;
	unsigned int v;
	u16 ctrl;

	if (!s->msix_pending || !msix_layout(dev, &l, &ctrl))
		return;
	spin_lock_irqsave(&s->pend_lock, flags);
	for_each_set_bit(v, s->msix_pending, l.size) {
		if (!(ctrl & PCI_MSIX_FLAGS_ENABLE) || (ctrl & PCI_MSIX_FLAGS_MASKALL) ||
		    (msix_vector_ctrl(dev, &l, v) & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
			any = true;
			continue;
		}
		clear_bit(v, s->msix_pending);
		msix_set_pba(dev, &l, v, false);
		queue_delivery(dev, s->msix_irq[v], v, PCIEM_ACK_MSIX);
	}
	spin_unlock_irqrestore(&s->pend_lock, flags);
	if (any && !READ_ONCE(s->stopped))
		mod_timer(&s->msix_timer, jiffies + msecs_to_jiffies(MSIX_POLL_MS));
}

static void msix_poll(struct timer_list *t)
{
	struct pciem_device *dev = container_of(t, struct pciem_device, irqs.msix_timer);

	msix_flush_pending(dev);
}

/* MSI vectors pending under their mask bits that are now unmasked: send them. */
static void msi_flush_pending(struct pciem_device *dev)
{
	const struct pcfg_cap *cap = pcfg_find_cap(dev->cfg, PCIEM_CAP_MSI);
	struct pciem_irqs *s = &dev->irqs;
	unsigned long flags;
	u32 mask, pend, go;
	u16 ctrl;
	int base;
	unsigned int v;

	if (!cap || !READ_ONCE(s->msi_pending))
		return;
	ctrl = pciem_cfg_get16(dev, cap->offset + PCI_MSI_FLAGS);
	if (!(ctrl & PCI_MSI_FLAGS_ENABLE) || !(ctrl & PCI_MSI_FLAGS_MASKBIT))
		return;
	base = cap->offset + ((ctrl & PCI_MSI_FLAGS_64BIT) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
	spin_lock_irqsave(&s->pend_lock, flags);
	mask = pciem_cfg_get32(dev, base);
	go = s->msi_pending & ~mask;
	s->msi_pending &= ~go;
	pend = s->msi_pending;
	spin_unlock_irqrestore(&s->pend_lock, flags);
	pciem_cfg_set_msi_pending(dev, base + 4, pend);
	for (v = 0; v < 32; v++)
		if (go & BIT(v))
			queue_delivery(dev, s->msi_irq[v], v, PCIEM_ACK_MSI);
}

/* After any configuration write: masks and enables may have opened. */
void pciem_irq_config_written(struct pciem_device *dev)
{
	if (dev->state != PCIEM_STATE_STARTED)
		return;
	msi_flush_pending(dev);
	msix_flush_pending(dev);
	/* Interrupt Disable may have been cleared right after an acknowledgement. */
	intx_recheck_later(dev);
}

/* Process context (the Linux interrupt number is looked up under a mutex). */
static int raise_msi(struct pciem_device *dev, u32 vector)
{
	struct pciem_irqs *s = &dev->irqs;
	const struct pcfg_cap *cap;
	struct pcfg_msix_layout l;
	unsigned long flags;
	u16 ctrl;
	int irq;

	if (msix_layout(dev, &l, &ctrl) && (ctrl & PCI_MSIX_FLAGS_ENABLE)) {
		if (vector >= l.size)
			return -EINVAL;
		irq = pci_irq_vector(dev->pdev, vector);
		if (irq <= 0)
			return -ENOTCONN;	/* the driver did not set this vector up */
		spin_lock_irqsave(&s->pend_lock, flags);
		if ((ctrl & PCI_MSIX_FLAGS_MASKALL) ||
		    (msix_vector_ctrl(dev, &l, vector) & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
			s->msix_irq[vector] = irq;
			set_bit(vector, s->msix_pending);
			msix_set_pba(dev, &l, vector, true);
			spin_unlock_irqrestore(&s->pend_lock, flags);
			mod_timer(&s->msix_timer, jiffies + msecs_to_jiffies(MSIX_POLL_MS));
			return 0;
		}
		spin_unlock_irqrestore(&s->pend_lock, flags);
		queue(dev, irq, vector, PCIEM_ACK_MSIX, false);
		return 0;
	}

	cap = pcfg_find_cap(dev->cfg, PCIEM_CAP_MSI);
	if (!cap)
		return -ENOTCONN;
	ctrl = pciem_cfg_get16(dev, cap->offset + PCI_MSI_FLAGS);
	if (vector >= 1u << ((ctrl & PCI_MSI_FLAGS_QMASK) >> 1))
		return -EINVAL;		/* beyond what the function offers */
	if (!(ctrl & PCI_MSI_FLAGS_ENABLE))
		return -ENOTCONN;
	if (vector >= 1u << ((ctrl & PCI_MSI_FLAGS_QSIZE) >> 4))
		return -ENOTCONN;	/* beyond what the driver enabled */
	irq = pci_irq_vector(dev->pdev, vector);
	if (irq <= 0)
		return -ENOTCONN;
	if (ctrl & PCI_MSI_FLAGS_MASKBIT) {
		int base = cap->offset + ((ctrl & PCI_MSI_FLAGS_64BIT) ? PCI_MSI_MASK_64 :
							 PCI_MSI_MASK_32);

		spin_lock_irqsave(&s->pend_lock, flags);
		if (pciem_cfg_get32(dev, base) & BIT(vector)) {
			s->msi_irq[vector] = irq;
			s->msi_pending |= BIT(vector);
			spin_unlock_irqrestore(&s->pend_lock, flags);
			pciem_cfg_set_msi_pending(dev, base + 4, s->msi_pending);
			return 0;
		}
		spin_unlock_irqrestore(&s->pend_lock, flags);
	}
	queue(dev, irq, vector, PCIEM_ACK_MSI, false);
	return 0;
}

static int inject(struct pciem_device *dev, u32 vector, u32 flags)
{
	switch (flags) {
	case 0:
		return raise_msi(dev, vector);
	case PCIEM_IRQ_INTX_ASSERT:
	case PCIEM_IRQ_INTX_DEASSERT:
		if (vector)
			return -EINVAL;
		if (!dev->irqs.intx_irq)
			return -ENOTCONN;
		set_intx_line(dev, flags == PCIEM_IRQ_INTX_ASSERT);
		return 0;
	default:
		return -EINVAL;
	}
}

/* PCIEM_IOCTL_INJECT_IRQ (dev->lock held; the caller runs pciem_irq_kick()). */
int pciem_irq_inject(struct pciem_device *dev, u32 vector, u32 flags)
{
	int ret = pciem_function_get(dev);

	if (ret)
		return ret;
	ret = inject(dev, vector, flags);
	pciem_function_put(dev);
	return ret;
}

/* ---- irqfd ------------------------------------------------------------------------ */

struct pciem_irqfd {
	struct list_head node;
	struct pciem_device *dev;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	wait_queue_head_t *wqh;
	struct work_struct inject;
	struct work_struct shutdown;
	atomic64_t pending;	/* signals read off the eventfd, not yet raised */
	u32 vector, flags;
	bool dead;		/* taken off the list by pciem_irq_stop() */
};

static void irqfd_inject(struct work_struct *w)
{
	struct pciem_irqfd *f = container_of(w, struct pciem_irqfd, inject);
	struct pciem_device *dev = f->dev;
	u64 n = atomic64_xchg(&f->pending, 0);

	mutex_lock(&dev->lock);
	if (pciem_function_get(dev))
		goto out;	/* not started yet, closing, or removed */
	if (f->flags & PCIEM_IRQFD_FLAG_LEVEL) {
		if (n && dev->irqs.intx_irq)
			set_intx_line(dev, !(f->flags & PCIEM_IRQFD_FLAG_DEASSERT));
	} else {
		/* Each write to the eventfd is one message. */
		while (n--)
			if (raise_msi(dev, f->vector))
				break;
	}
	pciem_function_put(dev);
out:
	mutex_unlock(&dev->lock);
	pciem_irq_kick(dev);
}

static void irqfd_free(struct pciem_irqfd *f)
{
	u64 n;

	eventfd_ctx_remove_wait_queue(f->ctx, &f->wait, &n);
	cancel_work_sync(&f->inject);
	eventfd_ctx_put(f->ctx);
	kfree(f);
}

/* The eventfd was closed: forget it (unless the device is going away anyway). */

static void irqfd_shutdown(struct work_struct *w)
{
	struct pciem_irqfd *f = container_of(w, struct pciem_irqfd, shutdown);
	struct pciem_device *dev = f->dev;
	bool mine = false;

	spin_lock_irq(&dev->irqs.irqfd_lock);
	if (!f->dead) {
		list_del_init(&f->node);
		dev->irqs.nirqfds--;
		mine = true;
	}
	spin_unlock_irq(&dev->irqs.irqfd_lock);
	if (mine)
		irqfd_free(f);
	pciem_device_put(dev);
}

/*
 * Called with the eventfd's wait queue lock held, which reading its count
 * needs (eventfd_ctx_do_read()): take the signals here, raise them later.
 */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct pciem_irqfd *f = container_of(wait, struct pciem_irqfd, wait);
	__poll_t events = key_to_poll(key);

	if (events & EPOLLIN) {
		u64 n;

		eventfd_ctx_do_read(f->ctx, &n);
		atomic64_add(n, &f->pending);
		schedule_work(&f->inject);
	}
	if (events & EPOLLHUP) {
		pciem_device_get(f->dev);
		schedule_work(&f->shutdown);
	}
	return 0;
}

static void irqfd_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct pciem_irqfd *f = container_of(pt, struct pciem_irqfd, pt);

	f->wqh = wqh;
	add_wait_queue(wqh, &f->wait);
}

/* PCIEM_IOCTL_SET_IRQFD (dev->lock held). */
int pciem_irqfd_add(struct pciem_device *dev, int fd, u32 vector, u32 flags)
{
	struct pciem_irqfd *f;
	struct file *file;
	__poll_t events;
	int tries;

	if (flags & ~(PCIEM_IRQFD_FLAG_LEVEL | PCIEM_IRQFD_FLAG_DEASSERT))
		return -EINVAL;
	if ((flags & PCIEM_IRQFD_FLAG_DEASSERT) && !(flags & PCIEM_IRQFD_FLAG_LEVEL))
		return -EINVAL;
	if ((flags & PCIEM_IRQFD_FLAG_LEVEL) && vector)
		return -EINVAL;
	if (!(flags & PCIEM_IRQFD_FLAG_LEVEL) && vector >= 2048)
		return -EINVAL;
	if (dev->state == PCIEM_STATE_EMPTY)
		return -EBADFD;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	file = fget(fd);
	if (!file) {
		kfree(f);
		return -EBADF;
	}
	f->ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(f->ctx)) {
		int ret = PTR_ERR(f->ctx);

		fput(file);
		kfree(f);
		return ret;
	}
	f->dev = dev;
	f->vector = vector;
	f->flags = flags;
	INIT_LIST_HEAD(&f->node);
	INIT_WORK(&f->inject, irqfd_inject);
	INIT_WORK(&f->shutdown, irqfd_shutdown);
	init_waitqueue_func_entry(&f->wait, irqfd_wakeup);
	init_poll_funcptr(&f->pt, irqfd_queue);

	spin_lock_irq(&dev->irqs.irqfd_lock);
	if (dev->irqs.nirqfds >= PCIEM_MAX_IRQFDS) {
		spin_unlock_irq(&dev->irqs.irqfd_lock);
		eventfd_ctx_put(f->ctx);
		fput(file);
		kfree(f);
		return -ENOSPC;
	}
	list_add_tail(&f->node, &dev->irqs.irqfds);
	dev->irqs.nirqfds++;
	spin_unlock_irq(&dev->irqs.irqfd_lock);

	/*
	 * Signalled before we listened: take the count off the eventfd (under
	 * its lock, which unhooks us) and listen again, until no signal slips
	 * in between.  A count left behind is read at the next wake-up.
	 */
	events = vfs_poll(file, &f->pt);
	for (tries = 0; (events & EPOLLIN) && tries < 4; tries++) {
		u64 n;

		eventfd_ctx_remove_wait_queue(f->ctx, &f->wait, &n);
		atomic64_add(n, &f->pending);
		events = vfs_poll(file, &f->pt);
	}
	if (atomic64_read(&f->pending))
		schedule_work(&f->inject);
	fput(file);
	return 0;
}

/* ---- set-up and tear-down ------------------------------------------------------- */

int pciem_irq_init(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;

	raw_spin_lock_init(&s->qlock);
	raw_spin_lock_init(&s->deliver_lock);
	spin_lock_init(&s->pend_lock);
	spin_lock_init(&s->irqfd_lock);
	INIT_LIST_HEAD(&s->irqfds);
	init_irq_work(&s->work, deliver_work);
	INIT_CSD(&s->csd, deliver_csd, dev);
	hrtimer_init(&s->intx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	s->intx_timer.function = intx_recheck;
	timer_setup(&s->msix_timer, msix_poll, 0);
	return 0;
}

/* At REGISTER: per-vector state for MSI-X, the INTx interrupt. */
int pciem_irq_prepare(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;
	struct pcfg_msix_layout l;
	int irq;

	if (pciem_cfg_msix_layout(dev, &l)) {
		s->msix_pending = bitmap_zalloc(l.size, GFP_KERNEL);
		s->msix_irq = kcalloc(l.size, sizeof(*s->msix_irq), GFP_KERNEL);
		if (!s->msix_pending || !s->msix_irq)
			goto nomem;
	}
	if (pcfg_get8(dev->cfg, PCI_INTERRUPT_PIN)) {
		irq = irq_alloc_desc(NUMA_NO_NODE);
		if (irq < 0)
			goto nomem;
		irq_set_chip_and_handler_name(irq, &intx_chip, handle_level_irq, "level");
		irq_set_chip_data(irq, dev);
		s->intx_irq = irq;
	}
	return 0;
nomem:
	bitmap_free(s->msix_pending);
	kfree(s->msix_irq);
	s->msix_pending = NULL;
	s->msix_irq = NULL;
	return -ENOMEM;
}

/*
 * The MSI domain that serves other functions of our PCI segment.  On x86
 * with interrupt remapping the domain comes from the DMAR unit that covers
 * the device, assigned by a bus notifier that does not reach a function on
 * a host bridge made by a driver; every function of the segment under the
 * same "include all" unit uses the same domain, so ours can too.
 */
static struct irq_domain *segment_msi_domain(struct pci_dev *self)
{
	struct pci_dev *p = NULL;
	struct irq_domain *d;

	while ((p = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, p))) {
		if (p == self || pci_domain_nr(p->bus) != pci_domain_nr(self->bus))
			continue;
		d = dev_get_msi_domain(&p->dev);
		if (d && irq_domain_is_hierarchy(d)) {
			pci_dev_put(p);
			return d;
		}
	}
	return NULL;
}

/* Before the PCI core adds the function: its INTx is ours, not ACPI's. */
void pciem_irq_attach(struct pciem_device *dev)
{
	struct irq_domain *d = dev_get_msi_domain(&dev->pdev->dev);

	if (!d || !irq_domain_is_hierarchy(d)) {
		d = segment_msi_domain(dev->pdev);
		if (d)
			dev_set_msi_domain(&dev->pdev->dev, d);
		else
			pci_info(dev->pdev, "pciem: no MSI domain found; MSI and MSI-X unavailable\n");
	}
	if (dev->irqs.intx_irq) {
		dev->pdev->irq = dev->irqs.intx_irq;
		dev->pdev->pin = 0;
	}
}

/*
 * Wait for deliveries on their way: a cross-CPU call that queues the
 * irq_work, the irq_work, which may send the call on (when it finds the
 * emulator's thread under it).  Once stopped, neither starts the other.
 */
static void drain_deliveries(struct pciem_irqs *s)
{
	do {
		pciem_csd_wait(&s->csd);
		irq_work_sync(&s->work);
	} while (pciem_csd_busy(&s->csd) || irq_work_is_busy(&s->work));
}

/*
 * The function has left the bus (its driver is gone) and nothing can inject
 * any more: stop everything that could still run for it, and wait for what
 * is running, so that nothing outlives the device's memory.  Called without
 * dev->lock: irqfd work takes it.
 */
void pciem_irq_stop(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;
	struct pciem_irqfd *f, *tmp;
	LIST_HEAD(gone);

	WRITE_ONCE(s->stopped, true);
	smp_mb();	/* seen by every re-arming and queueing path from now on */

	spin_lock_irq(&s->irqfd_lock);
	list_for_each_entry_safe(f, tmp, &s->irqfds, node) {
		f->dead = true;
		list_move(&f->node, &gone);
	}
	s->nirqfds = 0;
	spin_unlock_irq(&s->irqfd_lock);
	list_for_each_entry_safe(f, tmp, &gone, node) {
		list_del_init(&f->node);
		/* A shutdown queued by the eventfd's close holds a reference. */
		if (cancel_work_sync(&f->shutdown))
			pciem_device_put(dev);
		irqfd_free(f);
	}
	WRITE_ONCE(s->intx_line, false);
	hrtimer_cancel(&s->intx_timer);
	del_timer_sync(&s->msix_timer);
	drain_deliveries(s);
	/* A delivery that checked "stopped" just before it was set re-armed. */
	hrtimer_cancel(&s->intx_timer);
	del_timer_sync(&s->msix_timer);
}

void pciem_irq_destroy(struct pciem_device *dev)
{
	struct pciem_irqs *s = &dev->irqs;

	if (s->intx_irq)
		irq_free_desc(s->intx_irq);
	bitmap_free(s->msix_pending);
	kfree(s->msix_irq);
	s->intx_irq = 0;
	s->msix_pending = NULL;
	s->msix_irq = NULL;
}
