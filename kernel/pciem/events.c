// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - the event ring, responses and notifications.
 *
 * The ring is struct pciem_shared_ring, mapped by the emulator with mmap()
 * on its /dev/pciem fd.  head and tail are indexes in [0, PCIEM_RING_SIZE):
 * the kernel writes events[head] and then advances head; the emulator reads
 * events[tail] and then advances tail.  One slot stays empty, so the ring
 * holds PCIEM_RING_SIZE - 1 events.  The kernel keeps its own copy of head
 * and only ever reads tail, which it treats as untrusted: a value outside
 * the ring reads as "full".
 *
 * A full ring applies back-pressure: the producer waits for the emulator to
 * make room, sleeping where it may and spinning where it must (MMIO and
 * configuration accesses happen in atomic context), for at most
 * pciem_ring_wait_ms.  Only then is the event dropped, and it is counted:
 * PCIEM_IOCTL_GET_DEVICE_INFO reports events_dropped and the kernel log says
 * so (rate-limited).  Nothing is lost silently.
 *
 * Each committed event gets the next sequence number.  A synchronous MMIO
 * read waits for a struct pciem_response with the same seq, written to the
 * fd with write(); after pciem_read_timeout_ms without one it completes
 * with all ones and read_timeouts is counted.  An answer with a nonzero
 * status also reads all ones (the emulator's way to say "nothing there").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "pciem.h"

static unsigned int pciem_ring_wait_ms = 1000;
module_param(pciem_ring_wait_ms, uint, 0644);
MODULE_PARM_DESC(pciem_ring_wait_ms,
		 "How long a producer waits for room in a full event ring before the event is dropped and counted (ms)");

static unsigned int pciem_read_timeout_ms = 1000;
module_param(pciem_read_timeout_ms, uint, 0644);
MODULE_PARM_DESC(pciem_read_timeout_ms,
		 "How long a synchronous MMIO read waits for the emulator's answer before reading all ones (ms)");

#define RING_BYTES PAGE_ALIGN(sizeof(struct pciem_shared_ring))

int pciem_events_init(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;

	ev->ring = vmalloc_user(RING_BYTES);
	if (!ev->ring)
		return -ENOMEM;
	raw_spin_lock_init(&ev->lock);
	spin_lock_init(&ev->efd_lock);
	init_waitqueue_head(&ev->wq);
	ev->seq = 0;
	return 0;
}

void pciem_events_destroy(struct pciem_device *dev)
{
	if (dev->ev.efd)
		eventfd_ctx_put(dev->ev.efd);
	vfree(dev->ev.ring);
}

/* Room for one more event?  Called with ev->lock held. */
static bool ring_has_room(struct pciem_events *ev)
{
	u32 tail = READ_ONCE(ev->ring->tail.counter);

	if (tail >= PCIEM_RING_SIZE)
		return false;	/* corrupted by the emulator: never overwrite */
	return (ev->head + 1) % PCIEM_RING_SIZE != tail;
}

bool pciem_events_pending(struct pciem_device *dev)
{
	return READ_ONCE(dev->ev.ring->tail.counter) != READ_ONCE(dev->ev.head);
}

static void notify(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;
	unsigned long flags;

	wake_up_interruptible_poll(&ev->wq, EPOLLIN | EPOLLRDNORM);
	spin_lock_irqsave(&ev->efd_lock, flags);
	if (ev->efd)
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
		eventfd_signal(ev->efd);
#else
		eventfd_signal(ev->efd, 1);
#endif
	spin_unlock_irqrestore(&ev->efd_lock, flags);
}

/*
 * Commit one event and return its seq (0 if it had to be dropped).  @atomic:
 * the caller cannot sleep, so a full ring is waited for by spinning.  @wait:
 * a pending-answer slot that gets the event's seq atomically with the
 * commit, so that an answer can never arrive before it is expected.
 */
static u64 push(struct pciem_device *dev, u32 type, u32 bar, u64 offset, u32 size,
		u64 data, bool atomic, struct pciem_pending *wait)
{
	struct pciem_events *ev = &dev->ev;
	struct pciem_event *e;
	unsigned long flags;
	ktime_t deadline = 0;
	u64 seq;

	if (!ev->ring)
		return 0;
	for (;;) {
		raw_spin_lock_irqsave(&ev->lock, flags);
		if (ring_has_room(ev))
			break;
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		if (!deadline) {
			deadline = ktime_add_ms(ktime_get(), pciem_ring_wait_ms);
			notify(dev);	/* make sure the emulator is awake */
		}
		if (ktime_after(ktime_get(), deadline) || READ_ONCE(dev->dead)) {
			atomic64_inc(&ev->dropped);
			pr_warn_ratelimited("event ring full for %u ms, event dropped (%lld so far)\n",
					    pciem_ring_wait_ms,
					    (long long)atomic64_read(&ev->dropped));
			return 0;
		}
		if (atomic)
			udelay(2);
		else
			usleep_range(20, 50);
	}

	seq = ++ev->seq;
	if (wait)
		wait->seq = seq;
	e = &ev->ring->events[ev->head];
	e->seq = seq;
	e->type = type;
	e->bar = bar;
	e->offset = offset;
	e->size = size;
	e->reserved = 0;
	e->data = data;
	e->timestamp = ktime_get_ns();
	ev->head = (ev->head + 1) % PCIEM_RING_SIZE;
	/* The event's contents are visible before the new head is. */
	smp_store_release(&ev->ring->head.counter, ev->head);
	raw_spin_unlock_irqrestore(&ev->lock, flags);

	notify(dev);
	return seq;
}

u64 pciem_event_push(struct pciem_device *dev, u32 type, u32 bar, u64 offset, u32 size,
		     u64 data, bool atomic)
{
	return push(dev, type, bar, offset, size, data, atomic, NULL);
}

/* ---- synchronous reads --------------------------------------------------- */

/*
 * Ask the emulator for the value of a read and wait for its answer.  Runs in
 * the faulting context, which may be atomic, so it spins.  Returns true with
 * *val set when answered; false (and counts) when the ring refused the event
 * or no answer came in time.
 */
bool pciem_sync_read(struct pciem_device *dev, u32 bar, u64 offset, u32 size, u64 *val)
{
	struct pciem_events *ev = &dev->ev;
	struct pciem_pending *p = NULL;
	unsigned long flags;
	ktime_t deadline;
	bool ok = false;
	int i;

	raw_spin_lock_irqsave(&ev->lock, flags);
	for (i = 0; i < ARRAY_SIZE(ev->pending); i++) {
		if (!ev->pending[i].busy) {
			p = &ev->pending[i];
			p->busy = true;
			p->done = false;
			p->seq = 0;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	if (!p)
		goto out_timeout;

	if (!push(dev, PCIEM_EVENT_MMIO_READ, bar, offset, size, 0, true, p)) {
		raw_spin_lock_irqsave(&ev->lock, flags);
		p->busy = false;
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		goto out_timeout;
	}

	deadline = ktime_add_ms(ktime_get(), pciem_read_timeout_ms);
	while (!smp_load_acquire(&p->done)) {
		if (ktime_after(ktime_get(), deadline) || READ_ONCE(dev->dead))
			break;
		cpu_relax();
	}
	raw_spin_lock_irqsave(&ev->lock, flags);
	if (p->done) {
		/* A nonzero status is the emulator's "no data": all ones. */
		*val = p->status ? ~0ULL : p->data;
		ok = true;
	}
	p->busy = false;
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	if (ok)
		return true;

out_timeout:
	atomic64_inc(&ev->read_timeouts);
	pr_warn_ratelimited("no answer to a read of BAR %u + %#llx, it reads all ones (%lld so far)\n",
			    bar, offset, (long long)atomic64_read(&ev->read_timeouts));
	return false;
}

/* write(): one or more struct pciem_response. */
ssize_t pciem_events_write(struct pciem_device *dev, const char __user *buf, size_t count)
{
	struct pciem_events *ev = &dev->ev;
	struct pciem_response r;
	size_t done = 0;

	if (!count || count % sizeof(r))
		return -EINVAL;
	while (done < count) {
		unsigned long flags;
		bool matched = false;
		int i;

		if (copy_from_user(&r, buf + done, sizeof(r)))
			return done ? done : -EFAULT;
		if (r.reserved)
			return done ? done : -EINVAL;
		raw_spin_lock_irqsave(&ev->lock, flags);
		for (i = 0; i < ARRAY_SIZE(ev->pending); i++) {
			struct pciem_pending *p = &ev->pending[i];

			if (p->busy && !p->done && p->seq == r.seq) {
				p->data = r.data;
				p->status = r.status;
				smp_store_release(&p->done, true);
				matched = true;
				break;
			}
		}
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		if (!matched)
			return done ? done : -ENOENT;
		done += sizeof(r);
	}
	return done;
}

__poll_t pciem_events_poll(struct pciem_device *dev, struct file *file, poll_table *wait)
{
	poll_wait(file, &dev->ev.wq, wait);
	if (READ_ONCE(dev->dead))
		return EPOLLHUP | EPOLLERR;
	return pciem_events_pending(dev) ? EPOLLIN | EPOLLRDNORM : 0;
}

int pciem_events_set_eventfd(struct pciem_device *dev, int fd)
{
	struct eventfd_ctx *ctx = NULL, *old;
	unsigned long flags;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EBADF;
	}
	spin_lock_irqsave(&dev->ev.efd_lock, flags);
	old = dev->ev.efd;
	dev->ev.efd = ctx;
	spin_unlock_irqrestore(&dev->ev.efd_lock, flags);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static void ring_vma_open(struct vm_area_struct *vma)
{
	pciem_device_get(vma->vm_private_data);
}

static void ring_vma_close(struct vm_area_struct *vma)
{
	pciem_device_put(vma->vm_private_data);
}

static const struct vm_operations_struct ring_vm_ops = {
	.open = ring_vma_open,
	.close = ring_vma_close,
};

/* mmap() of the /dev/pciem fd: the ring, at offset 0, shared. */
int pciem_events_mmap(struct pciem_device *dev, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	int ret;

	if (vma->vm_pgoff != 0 || len > RING_BYTES)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	ret = remap_vmalloc_range(vma, dev->ev.ring, 0);
	if (ret)
		return ret;
	vma->vm_ops = &ring_vm_ops;
	vma->vm_private_data = dev;
	pciem_device_get(dev);
	return 0;
}
