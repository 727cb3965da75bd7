/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h - what libpciem's files share. */
#ifndef PCIEM_LIB_INTERNAL_H
#define PCIEM_LIB_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/ioctl.h>

#include "pciem.h"

#define PCIEM_MAX_RANGES 64
#define PCIEM_MAX_VECTORS 2048	/* MSI-X table size limit */

struct pciem_dev;

/*
 * Where a device lives.  libpciem.a and libpciem.so talk to pciem.ko
 * (backend_kernel.c); libpciem-sim.a links a simulated bus in its place
 * (lib/sim), so the same device program runs inside a host test.
 */
struct pciem_backend {
	/* Create the function: set d->fd (pollable) and d->ring; -errno. */
	int (*open)(struct pciem_dev *d, uint32_t bus_mode);
	/* The ABI's ioctls, by request number: >= 0 or -errno. */
	int (*ioctl)(struct pciem_dev *d, unsigned long req, void *arg);
	/* Answer a read: 0 or -errno (-ENOENT: nobody waits for it). */
	int (*respond)(struct pciem_dev *d, const struct pciem_response *r);
	/* After poll() found d->fd readable: 0, or -EPIPE if the device is gone. */
	int (*readable)(struct pciem_dev *d, short revents);
	/* Map BAR i (len bytes, after REGISTER) / undo it. */
	void *(*map_bar)(struct pciem_dev *d, unsigned int i, size_t len);
	void (*unmap_bar)(struct pciem_dev *d, unsigned int i, void *p, size_t len);
	/* Take the function off the bus and release the backend's state. */
	void (*close)(struct pciem_dev *d);
};

/* The backend pciem_create() uses: the kernel's, or the simulator's. */
const struct pciem_backend *pciem_default_backend(void);

/* A range of a BAR with handlers: pciem_region() or the older pciem_on_bar(). */
struct pciem_range {
	unsigned int bar;
	uint64_t off, len;
	const struct pciem_region_ops *ops;	/* NULL: pciem_on_bar()'s rd/wr */
	pciem_read_fn rd;
	pciem_write_fn wr;
	void *opaque;
};

struct pciem_dev {
	const struct pciem_backend *be;
	int fd;				/* /dev/pciem (or the simulator's), pollable */
	int instance_fd;		/* from PCIEM_IOCTL_REGISTER: maps the BARs */
	void *backend;			/* the backend's own state */
	struct pciem_shared_ring *ring;	/* mapped at pciem_create() */
	void *bar[6];
	uint64_t bar_size[6];
	size_t bar_map_len[6];
	uint32_t region_trace[6];	/* tracing pciem_region() asked for, per BAR */
	uint16_t exp_cap;		/* PCI Express capability offset, 0: none */
	uint16_t msi_cap, msix_cap;	/* found at pciem_register() */

	/* Handlers (dispatch.c). */
	struct pciem_range ranges[PCIEM_MAX_RANGES];
	unsigned int nranges;
	pciem_event_fn on_event[PCIEM_EVENT_DRIVER + 1];
	void *on_event_opaque[PCIEM_EVENT_DRIVER + 1];
	volatile int stop;
	int driver;			/* last PCIEM_EVENT_DRIVER's data; -1: none yet */

	/*
	 * Interrupts raised where they could not be sent at once (irq.c):
	 * in a handler, or INTx from another thread while a dispatcher runs.
	 * The dispatching thread sends them before the next event.
	 */
	pthread_mutex_t irq_lock;
	uint64_t irq_pending[PCIEM_MAX_VECTORS / 64];
	int intx_want;			/* -1: no change queued; else the level */
	atomic_bool has_deferred;
	bool dispatching;		/* a thread is in pciem_dispatch() (irq_lock) */
	int wake_fd;			/* eventfd: wakes the dispatcher for deferred work */
};

int pciem_peek_event(struct pciem_dev *d, struct pciem_event *ev);
void pciem_event_done(struct pciem_dev *d);
int pciem_wait_event_peek(struct pciem_dev *d, struct pciem_event *ev, int timeout_ms,
			  bool take);

/* irq.c: the dispatcher's side of deferred interrupts. */
void pciem_irq_flush(struct pciem_dev *d);
void pciem_set_in_handler(struct pciem_dev *d, bool on);
void pciem_set_dispatching(struct pciem_dev *d, bool on);

/* dispatch.c: free what pciem_region() allocated. */
void pciem_free_regions(struct pciem_dev *d);

/* config.c: find the capabilities the library itself uses. */
void pciem_find_caps(struct pciem_dev *d);

/* The backend's ioctl. */
static inline int dev_ioctl(struct pciem_dev *d, unsigned long req, void *arg)
{
	return d->be->ioctl(d, req, arg);
}

/* ioctl() restarted on EINTR; -errno on failure. */
static inline int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

#endif
