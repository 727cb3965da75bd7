// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * events.c - consuming the event ring and answering reads.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "pciem.h"
#include "internal.h"

int pciem_trace_config(struct pciem_dev *d, uint32_t flags)
{
	struct pciem_trace_bar t = { .bar_index = PCIEM_TRACE_CONFIG_SPACE, .flags = flags };

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_TRACE_BAR, &t);
}

int pciem_trace_bar(struct pciem_dev *d, unsigned int bar, uint32_t flags)
{
	struct pciem_trace_bar t = { .bar_index = bar, .flags = flags };

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_TRACE_BAR, &t);
}

int pciem_set_eventfd(struct pciem_dev *d, int efd)
{
	struct pciem_eventfd_config c = { .eventfd = efd };

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_SET_EVENTFD, &c);
}

int pciem_ioeventfd(struct pciem_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		    int efd, uint32_t flags, uint64_t datamatch)
{
	struct pciem_ioeventfd a = {
		.offset = off, .datamatch = datamatch, .bar = bar, .size = size,
		.fd = efd, .flags = flags,
	};

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_IOEVENTFD, &a);
}

struct pciem_shared_ring *pciem_ring(struct pciem_dev *d)
{
	return d ? d->ring : NULL;
}

/* Copy the oldest event without taking it: 1, 0 (empty) or -errno. */
int pciem_peek_event(struct pciem_dev *d, struct pciem_event *ev)
{
	int head, tail;

	if (!d || !ev || !d->ring)
		return -EINVAL;
	/* Acquire: the event's contents are read after the head that covers them. */
	head = atomic_load_explicit(&d->ring->head, memory_order_acquire);
	tail = atomic_load_explicit(&d->ring->tail, memory_order_relaxed);
	if (head == tail)
		return 0;
	if (head < 0 || head >= PCIEM_RING_SIZE || tail < 0 || tail >= PCIEM_RING_SIZE)
		return -EIO;
	memcpy(ev, &d->ring->events[tail], sizeof(*ev));
	return 1;
}

/* Take the oldest event off the ring (after pciem_peek_event() returned 1). */
void pciem_event_done(struct pciem_dev *d)
{
	int tail = atomic_load_explicit(&d->ring->tail, memory_order_relaxed);

	/* Release: the slot is free for the kernel only after we are done with it. */
	atomic_store_explicit(&d->ring->tail, (tail + 1) % PCIEM_RING_SIZE,
			      memory_order_release);
}

int pciem_next_event(struct pciem_dev *d, struct pciem_event *ev)
{
	int ret = pciem_peek_event(d, ev);

	if (ret == 1)
		pciem_event_done(d);
	return ret;
}

/*
 * Wait for an event; @take: take it off the ring, else only peek at it.
 * Deferred interrupts (wake_fd) end the wait early with 0, so the
 * dispatcher sends them at once.
 */
int pciem_wait_event_peek(struct pciem_dev *d, struct pciem_event *ev, int timeout_ms,
			  bool take)
{
	struct pollfd p[2];
	uint64_t n;
	int ret, ready;

	if (!d || !ev)
		return -EINVAL;
	for (;;) {
		ret = take ? pciem_next_event(d, ev) : pciem_peek_event(d, ev);
		if (ret)
			return ret;
		p[0] = (struct pollfd){ .fd = d->fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = d->wake_fd, .events = POLLIN };
		ready = poll(p, 2, timeout_ms);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -errno;
		if (p[0].revents) {
			ret = d->be->readable(d, p[0].revents);
			if (ret < 0)
				return ret;
		}
		if (p[1].revents & POLLIN)
			(void)!read(d->wake_fd, &n, sizeof(n));
		if (ready == 0 || (p[1].revents & POLLIN))
			return take ? pciem_next_event(d, ev) : pciem_peek_event(d, ev);
	}
}

int pciem_wait_event(struct pciem_dev *d, struct pciem_event *ev, int timeout_ms)
{
	return pciem_wait_event_peek(d, ev, timeout_ms, true);
}

int pciem_respond(struct pciem_dev *d, uint64_t seq, uint64_t data, int32_t status)
{
	struct pciem_response r = { .seq = seq, .data = data, .status = status };

	if (!d)
		return -EINVAL;
	return d->be->respond(d, &r);
}
