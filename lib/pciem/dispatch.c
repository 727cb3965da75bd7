// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dispatch.c - regions and event handlers, and the event loop that calls them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/pci_regs.h>

#include "pciem.h"
#include "internal.h"

int pciem_on_bar(struct pciem_dev *d, unsigned int bar, uint64_t off, uint64_t len,
		 pciem_read_fn rd, pciem_write_fn wr, void *opaque)
{
	if (!d || bar >= 6 || !len || off + len < off)
		return -EINVAL;
	if (d->nranges == PCIEM_MAX_RANGES)
		return -ENOSPC;
	d->ranges[d->nranges++] = (struct pciem_range){
		.bar = bar, .off = off, .len = len, .rd = rd, .wr = wr, .opaque = opaque,
	};
	return 0;
}

static bool size_ok(unsigned int s)
{
	return s == 0 || s == 1 || s == 2 || s == 4 || s == 8;
}

int pciem_region(struct pciem_dev *d, unsigned int bar, uint64_t off, uint64_t len,
		 const struct pciem_region_ops *ops, void *opaque)
{
	struct pciem_region_ops *copy;
	unsigned int min, max;

	if (!d || !ops || bar >= 6 || !len || off + len < off || (!ops->read && !ops->write) ||
	    !size_ok(ops->min_access) || !size_ok(ops->max_access) ||
	    (ops->flags & ~PCIEM_REGION_STORE_WRITES))
		return -EINVAL;
	min = ops->min_access ? ops->min_access : 1;
	max = ops->max_access ? ops->max_access : 8;
	if (min > max)
		return -EINVAL;
	if (d->instance_fd >= 0)
		return -EBUSY;
	for (unsigned int i = 0; i < d->nranges; i++) {
		const struct pciem_range *r = &d->ranges[i];

		if (r->ops && r->bar == bar && off < r->off + r->len && r->off < off + len)
			return -EEXIST;
	}
	if (d->nranges == PCIEM_MAX_RANGES)
		return -ENOSPC;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *ops;
	copy->min_access = min;
	copy->max_access = max;
	d->ranges[d->nranges++] = (struct pciem_range){
		.bar = bar, .off = off, .len = len, .ops = copy, .opaque = opaque,
	};
	if (ops->read)
		d->region_trace[bar] |= PCIEM_TRACE_READS;
	if (ops->write) {
		d->region_trace[bar] |= PCIEM_TRACE_WRITES;
		if (!(ops->flags & PCIEM_REGION_STORE_WRITES))
			d->region_trace[bar] |= PCIEM_TRACE_STOP_WRITES;
	}
	return 0;
}

void pciem_free_regions(struct pciem_dev *d)
{
	for (unsigned int i = 0; i < d->nranges; i++)
		free((void *)d->ranges[i].ops);
	d->nranges = 0;
}

int pciem_on_event(struct pciem_dev *d, uint32_t type, pciem_event_fn fn, void *opaque)
{
	if (!d || type > PCIEM_EVENT_DRIVER || type == PCIEM_EVENT_MMIO_READ ||
	    type == PCIEM_EVENT_MMIO_WRITE)
		return -EINVAL;
	d->on_event[type] = fn;
	d->on_event_opaque[type] = opaque;
	return 0;
}

/* The most recently registered range that covers the access. */
static const struct pciem_range *find_range(struct pciem_dev *d, unsigned int bar,
					     uint64_t off, unsigned int size)
{
	for (unsigned int i = d->nranges; i-- > 0;) {
		const struct pciem_range *r = &d->ranges[i];

		if (r->bar == bar && off >= r->off && off + size <= r->off + r->len)
			return r;
	}
	return NULL;
}

/* BAR memory as the driver would see it without traps (bar has regions). */
static bool memory_access(struct pciem_dev *d, const struct pciem_event *ev, bool write,
			  uint64_t *val)
{
	uint8_t *p = d->bar[ev->bar];

	if (!p || ev->size > 8 || ev->offset > d->bar_size[ev->bar] ||
	    ev->size > d->bar_size[ev->bar] - ev->offset)
		return false;
	if (write) {
		memcpy(p + ev->offset, &ev->data, ev->size);	/* little endian */
	} else {
		*val = 0;
		memcpy(val, p + ev->offset, ev->size);
	}
	return true;
}

/* Record a failed access in configuration space, as the completer does. */
static void record_error(struct pciem_dev *d, enum pciem_status st)
{
	if (st == PCIEM_UR && d->exp_cap)
		pciem_config_set_bits(d, d->exp_cap + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_URD);
	else if (st == PCIEM_CA)
		pciem_config_set_bits(d, PCI_STATUS, 2, PCI_STATUS_SIG_TARGET_ABORT);
}

static enum pciem_status region_access(struct pciem_dev *d, const struct pciem_range *r,
				       const struct pciem_event *ev, bool write, uint64_t *val)
{
	const struct pciem_region_ops *ops = r->ops;
	uint64_t off = ev->offset - r->off;
	enum pciem_status st;

	if (ev->size < ops->min_access || ev->size > ops->max_access ||
	    (!ops->unaligned && (off & (ev->size - 1))))
		st = PCIEM_UR;
	else if (write)
		st = ops->write ? ops->write(r->opaque, off, ev->size, ev->data) : PCIEM_OK;
	else
		st = ops->read(r->opaque, off, ev->size, val);
	if (st != PCIEM_OK) {
		if (st != PCIEM_UR && st != PCIEM_CA)
			st = PCIEM_CA;	/* not a status: the device failed */
		record_error(d, st);
	}
	return st;
}

static int handle_read(struct pciem_dev *d, const struct pciem_event *ev)
{
	const struct pciem_range *r = find_range(d, ev->bar, ev->offset, ev->size);
	uint64_t val = 0;
	enum pciem_status st;

	if (r && !r->ops) {
		if (!r->rd)
			return pciem_respond(d, ev->seq, 0, -1);
		pciem_set_in_handler(d, true);
		val = r->rd(r->opaque, ev->bar, ev->offset - r->off, ev->size);
		pciem_set_in_handler(d, false);
		return pciem_respond(d, ev->seq, val, 0);
	}
	if (r && r->ops->read) {
		pciem_set_in_handler(d, true);
		st = region_access(d, r, ev, false, &val);
		pciem_set_in_handler(d, false);
		return pciem_respond(d, ev->seq, val, st == PCIEM_OK ? 0 : -1);
	}
	if (d->region_trace[ev->bar] && memory_access(d, ev, false, &val))
		return pciem_respond(d, ev->seq, val, 0);
	return pciem_respond(d, ev->seq, 0, -1);	/* nothing there */
}

static void handle_write(struct pciem_dev *d, const struct pciem_event *ev)
{
	const struct pciem_range *r = find_range(d, ev->bar, ev->offset, ev->size);
	bool stopped = d->region_trace[ev->bar] & PCIEM_TRACE_STOP_WRITES;

	if (r && !r->ops) {
		if (r->wr) {
			pciem_set_in_handler(d, true);
			r->wr(r->opaque, ev->bar, ev->offset - r->off, ev->size, ev->data);
			pciem_set_in_handler(d, false);
		}
		return;
	}
	/* Memory first: the handler may look at what was written. */
	if (stopped && (!r || !r->ops->write || (r->ops->flags & PCIEM_REGION_STORE_WRITES)))
		memory_access(d, ev, true, NULL);
	if (r && r->ops->write) {
		pciem_set_in_handler(d, true);
		region_access(d, r, ev, true, NULL);
		pciem_set_in_handler(d, false);
	}
}

static int handle(struct pciem_dev *d, const struct pciem_event *ev)
{
	switch (ev->type) {
	case PCIEM_EVENT_MMIO_READ:
		if (ev->bar >= 6)
			return pciem_respond(d, ev->seq, 0, -1);
		return handle_read(d, ev);
	case PCIEM_EVENT_MMIO_WRITE:
		if (ev->bar < 6)
			handle_write(d, ev);
		return 0;
	case PCIEM_EVENT_DRIVER:
		d->driver = ev->data != 0;
		/* fall through */
	default:
		if (ev->type <= PCIEM_EVENT_DRIVER && d->on_event[ev->type]) {
			pciem_set_in_handler(d, true);
			d->on_event[ev->type](d->on_event_opaque[ev->type], ev);
			pciem_set_in_handler(d, false);
		}
		return 0;
	}
}

/*
 * Each event leaves the ring only after its handler has run: the kernel
 * takes "consumed" to mean "done" when it orders a later configuration
 * access after earlier MMIO writes, as PCI orders them (docs/events.md).
 */
int pciem_dispatch(struct pciem_dev *d, int timeout_ms)
{
	struct pciem_event ev;
	int n = 0, ret;

	if (!d)
		return -EINVAL;
	pciem_set_dispatching(d, true);
	pciem_irq_flush(d);
	ret = pciem_wait_event_peek(d, &ev, timeout_ms, false);
	while (ret == 1) {
		ret = handle(d, &ev);
		/* What the handler raised goes out before the access counts as done. */
		pciem_irq_flush(d);
		pciem_event_done(d);
		/* An answer nobody waits for any more (timed out) is not an error. */
		if (ret < 0 && ret != -ENOENT)
			break;
		n++;
		ret = pciem_wait_event_peek(d, &ev, 0, false);
	}
	pciem_set_dispatching(d, false);	/* and sends what is still queued */
	return ret < 0 ? ret : n;
}

int pciem_wait_probed(struct pciem_dev *d, int timeout_ms)
{
	struct timespec now, end;
	int ret, left = timeout_ms;

	if (!d)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	while (d->driver < 0) {
		if (timeout_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (int)((end.tv_sec - now.tv_sec) * 1000 +
				     (end.tv_nsec - now.tv_nsec) / 1000000);
			if (left <= 0)
				return -ETIMEDOUT;
		}
		ret = pciem_dispatch(d, timeout_ms < 0 || left > 100 ? 100 : left);
		if (ret < 0)
			return ret;
	}
	return d->driver;
}

int pciem_run(struct pciem_dev *d)
{
	int ret;

	if (!d)
		return -EINVAL;
	d->stop = 0;
	while (!d->stop) {
		ret = pciem_dispatch(d, 100);
		if (ret < 0 && ret != -EINTR)
			return ret;
	}
	return 0;
}

void pciem_stop(struct pciem_dev *d)
{
	if (d)
		d->stop = 1;
}
