/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h - what libpciem's files share. */
#ifndef PCIEM_LIB_INTERNAL_H
#define PCIEM_LIB_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <sys/ioctl.h>

#include "pciem.h"

#define PCIEM_MAX_RANGES 64

struct pciem_range {
	unsigned int bar;
	uint64_t off, len;
	pciem_read_fn rd;
	pciem_write_fn wr;
	void *opaque;
};

struct pciem_dev {
	int fd;				/* /dev/pciem */
	int instance_fd;		/* from PCIEM_IOCTL_REGISTER: maps the BARs */
	struct pciem_shared_ring *ring;	/* mapped at pciem_create() */
	void *bar[6];
	uint64_t bar_size[6];
	size_t bar_map_len[6];

	/* Handlers (dispatch.c). */
	struct pciem_range ranges[PCIEM_MAX_RANGES];
	unsigned int nranges;
	pciem_event_fn on_event[PCIEM_EVENT_DRIVER + 1];
	void *on_event_opaque[PCIEM_EVENT_DRIVER + 1];
	volatile int stop;
	int driver;			/* last PCIEM_EVENT_DRIVER's data; -1: none yet */
};

int pciem_peek_event(struct pciem_dev *d, struct pciem_event *ev);
void pciem_event_done(struct pciem_dev *d);
int pciem_wait_event_peek(struct pciem_dev *d, struct pciem_event *ev, int timeout_ms,
			  bool take);

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
