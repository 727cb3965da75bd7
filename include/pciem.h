/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pciem.h - libpciem, the device author's library.
 *
 * A device program describes its function (IDs, BARs, capabilities),
 * registers it, gets pointers to its BARs and starts it; the kernel's own
 * drivers then bind to it.  Every call returns 0 (or a documented
 * non-negative value) on success and a negative errno on failure;
 * pciem_strerror() turns one into a message.  No call exits or prints.
 *
 * Typical use:
 *
 *	struct pciem_dev *d;
 *	struct pciem_config_space ids = { .vendor_id = 0x1234, ... };
 *
 *	pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL);
 *	pciem_set_ids(d, &ids);
 *	pciem_add_bar(d, 0, 1 << 20, 0);
 *	pciem_add_msi(d, 0, true, false);
 *	pciem_register(d);
 *	uint32_t *regs = pciem_bar(d, 0, NULL);
 *	pciem_start(d);
 *	...
 *	pciem_destroy(d);	(the function leaves the bus)
 */
#ifndef PCIEM_H
#define PCIEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pciem_api.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pciem_dev;

/* Path of the control node; tests may override it. */
#define PCIEM_DEVICE_PATH "/dev/pciem"

/* Open /dev/pciem and create an (empty) function in the given bus mode. */
int pciem_create(struct pciem_dev **out, uint32_t bus_mode);

/* Describe the function (before pciem_register()). */
int pciem_set_ids(struct pciem_dev *d, const struct pciem_config_space *ids);
int pciem_add_bar(struct pciem_dev *d, unsigned int index, uint64_t size, uint32_t flags);
int pciem_add_msi(struct pciem_dev *d, unsigned int num_vectors_log2, bool is_64bit,
		  bool per_vector_mask);
int pciem_add_msix(struct pciem_dev *d, unsigned int bar, uint32_t table_offset,
		   uint32_t pba_offset, unsigned int table_size);
int pciem_add_pm(struct pciem_dev *d);
int pciem_add_pcie(struct pciem_dev *d);
/* vsec_id, rev, length all 0: the documented default header (see pciem_api.h). */
int pciem_add_vsec(struct pciem_dev *d, uint16_t vsec_id, uint8_t rev, uint16_t length);
int pciem_add_pasid(struct pciem_dev *d, unsigned int max_width, bool exec, bool priv);
/* Any capability, described with the raw ABI struct. */
int pciem_add_capability(struct pciem_dev *d, const struct pciem_cap_config *cap);

/* Freeze the description, get BAR memory and map every BAR. */
int pciem_register(struct pciem_dev *d);

/* The emulator's mapping of a BAR (NULL before pciem_register() or if absent). */
void *pciem_bar(struct pciem_dev *d, unsigned int index, uint64_t *size);

/* Physical address and size of a BAR as the kernel placed it. */
int pciem_bar_info(struct pciem_dev *d, unsigned int index, struct pciem_bar_info_query *info);

/* Put the function on the PCI bus; drivers may bind from now on. */
int pciem_start(struct pciem_dev *d);

/* Where the function is: "DDDD:BB:SS.F" into buf (at least 13 bytes). */
int pciem_address(struct pciem_dev *d, char *buf, size_t len);
int pciem_device_info(struct pciem_dev *d, struct pciem_device_info *info);

/* The /dev/pciem file descriptor (for poll/epoll and raw ioctls). */
int pciem_fd(const struct pciem_dev *d);

/* ---- Events ---------------------------------------------------------------
 *
 * The kernel reports accesses as struct pciem_event in a ring shared with
 * the process (mapped by pciem_create()).  docs/events.md says when each
 * event type is sent and what its fields hold.
 */

/* Ask for CONFIG_READ/CONFIG_WRITE events (PCIEM_TRACE_READS/WRITES; 0 stops). */
int pciem_trace_config(struct pciem_dev *d, uint32_t flags);

/* Trap a BAR's accesses (PCIEM_TRACE_* flags; 0 stops). */
int pciem_trace_bar(struct pciem_dev *d, unsigned int bar, uint32_t flags);

/* Also signal this eventfd for every event (-1 stops). */
int pciem_set_eventfd(struct pciem_dev *d, int efd);

/* Take the next event off the ring: 1 if one was taken, 0 if the ring is empty. */
int pciem_next_event(struct pciem_dev *d, struct pciem_event *ev);

/*
 * Wait up to timeout_ms (-1: forever) for the next event: 1 with *ev filled,
 * 0 on timeout, -EPIPE when the kernel has given up on the device.
 */
int pciem_wait_event(struct pciem_dev *d, struct pciem_event *ev, int timeout_ms);

/* Answer a PCIEM_EVENT_MMIO_READ (status 0: data is the value read). */
int pciem_respond(struct pciem_dev *d, uint64_t seq, uint64_t data, int32_t status);

/* The shared ring itself, for programs that consume it their own way. */
struct pciem_shared_ring *pciem_ring(struct pciem_dev *d);

/* Take the function off the bus, unmap everything and free @d (NULL is fine). */
void pciem_destroy(struct pciem_dev *d);

/* Message for a negative errno returned by this library. */
const char *pciem_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* PCIEM_H */
