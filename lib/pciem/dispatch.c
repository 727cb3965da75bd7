// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dispatch.c - handlers for BAR ranges and events, and the event loop.
 */
#include <errno.h>
#include <time.h>

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

static int handle(struct pciem_dev *d, const struct pciem_event *ev)
{
	const struct pciem_range *r;

	switch (ev->type) {
	case PCIEM_EVENT_MMIO_READ:
		r = find_range(d, ev->bar, ev->offset, ev->size);
		if (r && r->rd)
			return pciem_respond(d, ev->seq,
					     r->rd(r->opaque, ev->bar, ev->offset - r->off, ev->size),
					     0);
		return pciem_respond(d, ev->seq, 0, -1);	/* nothing there */
	case PCIEM_EVENT_MMIO_WRITE:
		r = find_range(d, ev->bar, ev->offset, ev->size);
		if (r && r->wr)
			r->wr(r->opaque, ev->bar, ev->offset - r->off, ev->size, ev->data);
		return 0;
	case PCIEM_EVENT_DRIVER:
		d->driver = ev->data != 0;
		/* fall through */
	default:
		if (ev->type <= PCIEM_EVENT_DRIVER && d->on_event[ev->type])
			d->on_event[ev->type](d->on_event_opaque[ev->type], ev);
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
	ret = pciem_wait_event_peek(d, &ev, timeout_ms, false);
	while (ret == 1) {
		ret = handle(d, &ev);
		pciem_event_done(d);
		/* An answer nobody waits for any more (timed out) is not an error. */
		if (ret < 0 && ret != -ENOENT)
			return ret;
		n++;
		ret = pciem_wait_event_peek(d, &ev, 0, false);
	}
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
