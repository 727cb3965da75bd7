// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * irq.c - raising interrupts from anywhere without deadlock.
 *
 * A driver's interrupt handler usually reads a register at once.  If that
 * register is traced, only the thread that dispatches events can answer it.
 * pciem.ko runs interrupt handlers away from the dispatching thread's CPU,
 * but a raise made inside one of our handlers would still have the driver
 * read while the dispatcher is busy in that handler, perhaps holding the
 * lock the answer needs.  So a raise from a handler is sent when the
 * handler returns, before the access counts as done: an MSI is ordered
 * ahead of the completion of any later read, as PCIe orders it.  Raises of
 * one vector that wait together are merged, as a masked MSI-X vector merges
 * them in its pending bit.
 *
 * INTx is a level, which a device derives from its status under its own
 * lock; calls made in that order must reach the line in that order.  While
 * a thread is in pciem_dispatch(), every level change from elsewhere
 * therefore goes through it (last call wins; the dispatcher is woken), and
 * it sends what is queued when it leaves; irq_lock makes "queue it" and
 * "nobody dispatches, send it now" exclusive, so the order holds.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "pciem.h"
#include "internal.h"

/* The device whose handler this thread is running, if any. */
static _Thread_local const struct pciem_dev *handler_dev;
/* The device this thread is dispatching, if any. */
static _Thread_local const struct pciem_dev *dispatch_dev;

void pciem_set_in_handler(struct pciem_dev *d, bool on)
{
	handler_dev = on ? d : NULL;
}

void pciem_set_dispatching(struct pciem_dev *d, bool on)
{
	dispatch_dev = on ? d : NULL;
	/* Under irq_lock: a queued INTx change is either flushed below or not queued. */
	pthread_mutex_lock(&d->irq_lock);
	d->dispatching = on;
	pthread_mutex_unlock(&d->irq_lock);
	if (!on)
		pciem_irq_flush(d);
}

static int inject(struct pciem_dev *d, unsigned int vector, uint32_t how)
{
	struct pciem_irq_inject i = { .vector = vector, .reserved = how };

	return dev_ioctl(d, PCIEM_IOCTL_INJECT_IRQ, &i);
}

/*
 * What pciem.ko would answer now for a raise of @vector, read from the
 * function's own configuration space: 0, -ENOTCONN or -EINVAL.
 */
static int raise_check(struct pciem_dev *d, unsigned int vector)
{
	uint32_t ctrl;

	if (d->msix_cap && pciem_config_read(d, d->msix_cap + PCI_MSIX_FLAGS, 2, &ctrl) == 0 &&
	    (ctrl & PCI_MSIX_FLAGS_ENABLE))
		return vector <= (ctrl & PCI_MSIX_FLAGS_QSIZE) ? 0 : -EINVAL;
	if (d->msi_cap && pciem_config_read(d, d->msi_cap + PCI_MSI_FLAGS, 2, &ctrl) == 0 &&
	    (ctrl & PCI_MSI_FLAGS_ENABLE))
		return vector < (1u << ((ctrl & PCI_MSI_FLAGS_QSIZE) >> 4)) ? 0 : -EINVAL;
	return -ENOTCONN;
}

int pciem_irq_raise(struct pciem_dev *d, unsigned int vector)
{
	int ret;

	if (!d)
		return -EINVAL;
	if (handler_dev != d)
		return inject(d, vector, 0);
	if (vector >= PCIEM_MAX_VECTORS)
		return -EINVAL;
	ret = raise_check(d, vector);
	if (ret < 0)
		return ret;
	/* Sent when the handler returns. */
	pthread_mutex_lock(&d->irq_lock);
	d->irq_pending[vector / 64] |= 1ull << (vector % 64);
	pthread_mutex_unlock(&d->irq_lock);
	atomic_store(&d->has_deferred, true);
	return 0;
}

int pciem_intx(struct pciem_dev *d, bool asserted)
{
	uint32_t how = asserted ? PCIEM_IRQ_INTX_ASSERT : PCIEM_IRQ_INTX_DEASSERT;
	uint64_t one = 1;
	bool queued = false;

	if (!d)
		return -EINVAL;
	if (dispatch_dev == d && handler_dev != d)
		return inject(d, 0, how);	/* the dispatcher, between events */
	pthread_mutex_lock(&d->irq_lock);
	if (handler_dev == d || d->dispatching) {
		d->intx_want = asserted;
		queued = true;
	}
	pthread_mutex_unlock(&d->irq_lock);
	if (!queued)
		return inject(d, 0, how);	/* nobody dispatches: now, in call order */
	atomic_store(&d->has_deferred, true);
	if (handler_dev != d)
		(void)!write(d->wake_fd, &one, sizeof(one));
	return 0;
}

/* The dispatcher, between events: send what was raised meanwhile. */
void pciem_irq_flush(struct pciem_dev *d)
{
	uint64_t pending[PCIEM_MAX_VECTORS / 64];
	int intx;

	if (!atomic_exchange(&d->has_deferred, false))
		return;
	pthread_mutex_lock(&d->irq_lock);
	for (unsigned int i = 0; i < PCIEM_MAX_VECTORS / 64; i++) {
		pending[i] = d->irq_pending[i];
		d->irq_pending[i] = 0;
	}
	intx = d->intx_want;
	d->intx_want = -1;
	pthread_mutex_unlock(&d->irq_lock);

	/* A failure now (the driver disabled the vector meanwhile) loses it, as on a bus. */
	if (intx >= 0)
		inject(d, 0, intx ? PCIEM_IRQ_INTX_ASSERT : PCIEM_IRQ_INTX_DEASSERT);
	for (unsigned int i = 0; i < PCIEM_MAX_VECTORS / 64; i++)
		for (uint64_t w = pending[i]; w; w &= w - 1)
			inject(d, i * 64 + (unsigned int)__builtin_ctzll(w), 0);
}

int pciem_irqfd(struct pciem_dev *d, int efd, unsigned int vector, uint32_t flags)
{
	struct pciem_irqfd_config c = { .eventfd = efd, .vector = vector, .flags = flags };

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_SET_IRQFD, &c);
}
