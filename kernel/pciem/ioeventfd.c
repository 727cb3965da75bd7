// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioeventfd.c - MMIO writes that signal an eventfd (PCIEM_IOCTL_IOEVENTFD).
 *
 * A doorbell register needs no event: the emulator only has to learn that
 * it was written, and the value is in BAR memory anyway.  An ioeventfd
 * binds one register (BAR, offset, access size, optionally one value) to an
 * eventfd: a trapped write that matches it lands in BAR memory as any write
 * does and then signals the eventfd instead of queueing an MMIO_WRITE event.
 * The thread that serves the register can then wait on that eventfd itself,
 * and no other thread of the emulator has to wake up and pass the news on.
 * KVM's ioeventfd is the model.
 *
 * The list is read from the fault path under RCU and changed under
 * dev->lock (the ioctl).  A write that matches no entry is reported as an
 * event, as before.  Writes signalled this way are not part of the ring's
 * order: a later configuration access does not wait for them
 * (docs/events.md, "Ordering").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "pciem.h"

/* Per function: doorbells are few, and each costs a list step per write. */
#define PCIEM_MAX_IOEVENTFDS 64

struct pciem_ioeventfd_entry {
	struct list_head node;
	struct rcu_head rcu;
	struct eventfd_ctx *ctx;
	u64 offset;
	u64 datamatch;
	u32 bar;
	u32 size;
	bool match_data;
};

void pciem_ioeventfd_init(struct pciem_device *dev)
{
	INIT_LIST_HEAD(&dev->ioeventfds);
	dev->nioeventfds = 0;
}

static void entry_free_rcu(struct rcu_head *rcu)
{
	struct pciem_ioeventfd_entry *e = container_of(rcu, struct pciem_ioeventfd_entry, rcu);

	eventfd_ctx_put(e->ctx);
	kfree(e);
}

/* The device is going away: nobody can fault on its BARs any more. */
void pciem_ioeventfd_destroy(struct pciem_device *dev)
{
	struct pciem_ioeventfd_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &dev->ioeventfds, node) {
		list_del_rcu(&e->node);
		call_rcu(&e->rcu, entry_free_rcu);
	}
	dev->nioeventfds = 0;
}

/* Would a write that @a matches also match @b (the same register)? */
static bool same_register(const struct pciem_ioeventfd_entry *a,
			  const struct pciem_ioeventfd_entry *b)
{
	if (a->bar != b->bar || a->offset != b->offset || a->size != b->size)
		return false;
	return !a->match_data || !b->match_data || a->datamatch == b->datamatch;
}

static long assign(struct pciem_device *dev, const struct pciem_ioeventfd *arg)
{
	struct pciem_ioeventfd_entry *e, *old;

	if (dev->nioeventfds >= PCIEM_MAX_IOEVENTFDS)
		return -ENOSPC;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->bar = arg->bar;
	e->offset = arg->offset;
	e->size = arg->size;
	e->match_data = arg->flags & PCIEM_IOEVENTFD_FLAG_DATAMATCH;
	e->datamatch = arg->datamatch;
	list_for_each_entry(old, &dev->ioeventfds, node) {
		if (same_register(old, e)) {
			kfree(e);
			return -EEXIST;
		}
	}
	e->ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(e->ctx)) {
		long ret = PTR_ERR(e->ctx);

		kfree(e);
		return ret;
	}
	list_add_tail_rcu(&e->node, &dev->ioeventfds);
	dev->nioeventfds++;
	return 0;
}

static long deassign(struct pciem_device *dev, const struct pciem_ioeventfd *arg)
{
	bool match_data = arg->flags & PCIEM_IOEVENTFD_FLAG_DATAMATCH;
	struct pciem_ioeventfd_entry *e;
	struct eventfd_ctx *ctx;

	ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	list_for_each_entry(e, &dev->ioeventfds, node) {
		if (e->ctx == ctx && e->bar == arg->bar && e->offset == arg->offset &&
		    e->size == arg->size && e->match_data == match_data &&
		    (!match_data || e->datamatch == arg->datamatch)) {
			list_del_rcu(&e->node);
			dev->nioeventfds--;
			call_rcu(&e->rcu, entry_free_rcu);
			eventfd_ctx_put(ctx);
			return 0;
		}
	}
	eventfd_ctx_put(ctx);
	return -ENOENT;
}

/* PCIEM_IOCTL_IOEVENTFD, under dev->lock.  Errors: docs/ioctl.md. */
long pciem_ioeventfd_ioctl(struct pciem_device *dev, const struct pciem_ioeventfd *arg)
{
	const u32 known = PCIEM_IOEVENTFD_FLAG_DATAMATCH | PCIEM_IOEVENTFD_FLAG_DEASSIGN;

	if (dev->state == PCIEM_STATE_EMPTY)
		return -EBADFD;
	if (arg->flags & ~known || arg->reserved || arg->reserved2)
		return -EINVAL;
	if (arg->bar >= PCFG_NUM_BARS)
		return -EINVAL;
	if (arg->size != 1 && arg->size != 2 && arg->size != 4 && arg->size != 8)
		return -EINVAL;
	if (arg->offset & (arg->size - 1))
		return -EINVAL;
	if ((arg->flags & PCIEM_IOEVENTFD_FLAG_DATAMATCH) && arg->size < 8 &&
	    arg->datamatch >> (arg->size * 8))
		return -EINVAL;		/* a value the register cannot hold */
	if (!dev->cfg->bars[arg->bar].size)
		return -ENOENT;
	if (arg->offset >= dev->cfg->bars[arg->bar].size ||
	    arg->size > dev->cfg->bars[arg->bar].size - arg->offset)
		return -EINVAL;
	if (arg->flags & PCIEM_IOEVENTFD_FLAG_DEASSIGN)
		return deassign(dev, arg);
	return assign(dev, arg);
}

/*
 * From the fault path, after the write went to BAR memory: signal the
 * eventfd bound to this register, if any.  True when one was signalled (no
 * event is queued then).
 */
bool pciem_ioeventfd_signal(struct pciem_device *dev, u32 bar, u64 off, u32 size, u64 val)
{
	struct pciem_ioeventfd_entry *e;
	bool hit = false;

	if (size < 8)
		val &= (1ULL << (size * 8)) - 1;
	rcu_read_lock();
	list_for_each_entry_rcu(e, &dev->ioeventfds, node) {
		if (e->bar != bar || e->offset != off || e->size != size)
			continue;
		if (e->match_data && e->datamatch != val)
			continue;
		pciem_eventfd_signal(e->ctx);
		hit = true;
		break;
	}
	rcu_read_unlock();
	return hit;
}
