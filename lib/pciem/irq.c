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
 * lock; calls made in that order must reach the line in that order.  Once
 * a dispatcher serves the device, every level change therefore goes
 * through it (last call wins): callers may hold their lock, and the line
 * follows the order of the calls.
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

bool pciem_in_handler(const struct pciem_dev *d)
{
	return handler_dev == d;
}

void pciem_set_in_handler(struct pciem_dev *d, bool on)
{
	handler_dev = on ? d : NULL;
}

void pciem_set_dispatching(struct pciem_dev *d, bool on)
{
	dispatch_dev = on ? d : NULL;
	if (on)
		atomic_store(&d->dispatched, true);
}

/* Must this call wait for the dispatcher?  @level: an INTx change. */
static bool must_defer(struct pciem_dev *d, bool level)
{
	if (handler_dev == d)
		return true;
	return level && dispatch_dev != d && atomic_load(&d->dispatched);
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

static void wake_dispatcher(struct pciem_dev *d)
{
	uint64_t one = 1;

	atomic_store(&d->has_deferred, true);
	if (handler_dev != d)
		(void)!write(d->wake_fd, &one, sizeof(one));
}

int pciem_irq_raise(struct pciem_dev *d, unsigned int vector)
{
	int ret;

	if (!d)
		return -EINVAL;
	if (!must_defer(d, false))
		return inject(d, vector, 0);
	if (vector >= PCIEM_MAX_VECTORS)
		return -EINVAL;
	ret = raise_check(d, vector);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&d->irq_lock);
	d->irq_pending[vector / 64] |= 1ull << (vector % 64);
	pthread_mutex_unlock(&d->irq_lock);
	wake_dispatcher(d);
	return 0;
}

int pciem_intx(struct pciem_dev *d, bool asserted)
{
	if (!d)
		return -EINVAL;
	if (!must_defer(d, true))
		return inject(d, 0, asserted ? PCIEM_IRQ_INTX_ASSERT : PCIEM_IRQ_INTX_DEASSERT);
	pthread_mutex_lock(&d->irq_lock);
	d->intx_want = asserted;
	pthread_mutex_unlock(&d->irq_lock);
	wake_dispatcher(d);
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
