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
 *	pciem_wait_probed(d, -1);	(serves drivers' probes; optional)
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

/*
 * Put the function on the PCI bus.  Returns at once: drivers probe it
 * afterwards, while this program serves (pciem_wait_probed()).
 */
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

/*
 * ioeventfd: a traced write of exactly size (1, 2, 4, 8) bytes at off in
 * BAR bar signals efd instead of becoming an MMIO_WRITE event; the value is
 * in BAR memory as usual.  With PCIEM_IOEVENTFD_FLAG_DATAMATCH in flags,
 * only writes of the value datamatch do.  PCIEM_IOEVENTFD_FLAG_DEASSIGN
 * with the same arguments removes the binding.  Meant for doorbells: the
 * thread that serves one waits on its eventfd directly.  -EEXIST: that
 * register (and value) is bound already; -ENOENT: no such BAR, or nothing to
 * remove; -ENOSPC: 64 bindings per device.
 */
int pciem_ioeventfd(struct pciem_dev *d, unsigned int bar, uint64_t off, unsigned int size,
		    int efd, uint32_t flags, uint64_t datamatch);

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

/* ---- Regions: how a range of a BAR behaves --------------------------------
 *
 * pciem_region() gives a range of a BAR handlers, as a device model
 * describes a register block.  pciem_dispatch() (one batch) or pciem_run()
 * (until pciem_stop()) calls them, in the thread that dispatches, one access
 * at a time and in the order the driver made them.
 *
 * A handler returns a completion status:
 *   PCIEM_OK        the access completed (a read's value in *val);
 *   PCIEM_UR        Unsupported Request: the device does not decode it;
 *   PCIEM_CA        Completer Abort: the device decodes it but failed.
 * The driver's read of a UR or CA returns all ones, and a write is dropped,
 * as a root port reports either to the CPU.  The device records it as
 * PCIe hardware does: UR sets Unsupported Request Detected in Device Status
 * (with a PCI Express capability), CA sets Signaled Target Abort in Status.
 *
 * The library enforces the access rules of struct pciem_region_ops before
 * calling a handler; an access that breaks them is an Unsupported Request
 * that no handler sees.  Registering handlers is all it takes: the library
 * traces the BAR itself (pciem_trace_bar() is for programs that consume
 * events their own way).  On a BAR with regions, accesses that no region's
 * handler takes behave as plain memory: reads return the BAR's contents,
 * writes land in it.
 */
enum pciem_status {
	PCIEM_OK = 0,
	PCIEM_UR = 1,	/* Unsupported Request */
	PCIEM_CA = 2,	/* Completer Abort */
};

/* Writes to the region also land in BAR memory, before .write runs. */
#define PCIEM_REGION_STORE_WRITES (1u << 0)

struct pciem_region_ops {
	/*
	 * @off is relative to the region's start; @size is 1, 2, 4 or 8.
	 * read NULL: reads are not trapped and return the BAR's memory (the
	 * device keeps its registers there, as pciem-nvme does).  write NULL:
	 * writes just land in BAR memory.
	 */
	enum pciem_status (*read)(void *opaque, uint64_t off, unsigned int size, uint64_t *val);
	enum pciem_status (*write)(void *opaque, uint64_t off, unsigned int size, uint64_t val);
	/*
	 * Access sizes the region accepts, in bytes (powers of two from 1 to
	 * 8; 0 means 1 for min and 8 for max); accesses must be naturally
	 * aligned unless .unaligned is set.
	 */
	unsigned int min_access, max_access;
	bool unaligned;
	uint32_t flags;		/* PCIEM_REGION_* */
};

/*
 * Give [off, off + len) of a BAR these ops (copied; opaque is passed to
 * them).  Before pciem_register().  Regions may not overlap.  Up to 64.
 * -EINVAL: bad BAR, empty or overflowing range, no handler, bad sizes;
 * -EEXIST: overlaps a region; -ENOSPC: too many; -EBUSY: after pciem_register().
 */
int pciem_region(struct pciem_dev *d, unsigned int bar, uint64_t off, uint64_t len,
		 const struct pciem_region_ops *ops, void *opaque);

/* ---- Configuration space from the device's side ----------------------------
 *
 * The function's own access to its configuration space (pciem.ko's
 * PCIEM_IOCTL_CONFIG_ACCESS): set Status or Device Status error bits, fill
 * capability fields and vendor-specific data, all read-only or W1C to the
 * driver.  1, 2 or 4 bytes at a naturally aligned offset.  Bits the host
 * owns (IDs, Command, BARs, capability headers, MSI and MSI-X) cannot be
 * changed: -EACCES, nothing written.  docs/ioctl.md has the full list.
 */
int pciem_config_read(struct pciem_dev *d, unsigned int off, unsigned int size, uint32_t *val);
int pciem_config_write(struct pciem_dev *d, unsigned int off, unsigned int size, uint32_t val);
/* OR @bits into the register, atomically with the driver's writes. */
int pciem_config_set_bits(struct pciem_dev *d, unsigned int off, unsigned int size,
			  uint32_t bits);
/* Offset of the standard capability with this ID (PCI_CAP_ID_*), or -ENOENT. */
int pciem_find_capability(struct pciem_dev *d, unsigned int cap_id);

/* ---- Handlers and the event loop -----------------------------------------
 *
 * The older, lower-level form of regions: pciem_on_bar() handlers cannot
 * fail and imply no tracing (call pciem_trace_bar() as well).  A read with
 * no handler answers "nothing there" (all ones).  Handlers run in the
 * thread that dispatches.  New code uses pciem_region().
 */
typedef uint64_t (*pciem_read_fn)(void *opaque, unsigned int bar, uint64_t off,
				  unsigned int size);
typedef void (*pciem_write_fn)(void *opaque, unsigned int bar, uint64_t off,
			       unsigned int size, uint64_t val);
typedef void (*pciem_event_fn)(void *opaque, const struct pciem_event *ev);

/* Handle [off, off + len) of a BAR; either function may be NULL.  Up to 64 ranges. */
int pciem_on_bar(struct pciem_dev *d, unsigned int bar, uint64_t off, uint64_t len,
		 pciem_read_fn rd, pciem_write_fn wr, void *opaque);

/* Called for each event of a type (CONFIG_*, MSI_ACK, RESET; MMIO goes to pciem_on_bar). */
int pciem_on_event(struct pciem_dev *d, uint32_t type, pciem_event_fn fn, void *opaque);

/* Handle what is queued now, waiting up to timeout_ms for the first event: count or -errno. */
int pciem_dispatch(struct pciem_dev *d, int timeout_ms);

/*
 * After pciem_start(): dispatch (serving the driver's accesses) until the
 * kernel reports how the first probe went (PCIEM_EVENT_DRIVER): 1 when a
 * driver bound, 0 when none did; -ETIMEDOUT after timeout_ms (-1: no
 * limit), or another -errno from pciem_dispatch().  A signal does not end
 * the wait: a program that stops on one waits in short rounds.
 * Later calls return the current state at once.
 */
int pciem_wait_probed(struct pciem_dev *d, int timeout_ms);

/* Dispatch until pciem_stop() (safe from a signal handler) or an error; 0 or -errno. */
int pciem_run(struct pciem_dev *d);
void pciem_stop(struct pciem_dev *d);

/* ---- Interrupts ------------------------------------------------------------
 *
 * Threads.  A driver's interrupt handler usually reads a register at once,
 * which only the dispatching thread can answer if it is traced.
 *  - In a handler (pciem_region(), pciem_on_bar(), pciem_on_event()), a
 *    raise or INTx change is sent when the handler returns, before the
 *    access counts as done; hold any lock you like.
 *  - From another thread, pciem_irq_raise() is sent at once: do not hold a
 *    lock your handlers take while calling it.
 *  - pciem_intx() from another thread while a thread is in
 *    pciem_dispatch() (pciem_run(), pciem_wait_probed()) goes through that
 *    thread, in call order: call it under the lock that guards the status
 *    the level comes from, and the line follows the status.
 * Raises of one vector that wait together are merged into one message.
 */
/*
 * Send MSI-X message @vector if the driver enabled MSI-X, else MSI message
 * @vector if it enabled MSI.  A masked vector stays pending and is sent when
 * unmasked.  -ENOTCONN: the driver enabled neither; -EINVAL: no such vector
 * (for a raise that waits for the dispatcher, as the driver's settings are
 * now; a later change loses it, as on a bus).
 */
int pciem_irq_raise(struct pciem_dev *d, unsigned int vector);

/* Drive the INTx line (level-triggered): asserted until deasserted (last call wins). */
int pciem_intx(struct pciem_dev *d, bool asserted);

/*
 * Bind an eventfd to a vector: every write to it raises the vector (flags
 * 0), or drives INTx (PCIEM_IRQFD_FLAG_LEVEL: asserts; with
 * PCIEM_IRQFD_FLAG_DEASSERT: deasserts).
 */
int pciem_irqfd(struct pciem_dev *d, int efd, unsigned int vector, uint32_t flags);

/* ---- DMA -------------------------------------------------------------------
 *
 * Addresses are bus addresses as the driver programmed them into the device
 * (IOVAs when an IOMMU translates for the device).  pciem.ko lets a device
 * reach only memory its driver mapped for it.
 */

/* Read len bytes of host memory at iova into buf. */
int pciem_dma_read(struct pciem_dev *d, uint64_t iova, void *buf, size_t len);

/* Write len bytes from buf to host memory at iova. */
int pciem_dma_write(struct pciem_dev *d, uint64_t iova, const void *buf, size_t len);

/* An atomic on a naturally aligned 8-byte word: PCIEM_ATOMIC_*; *old gets the old value. */
int pciem_dma_atomic(struct pciem_dev *d, uint64_t iova, uint32_t op, uint64_t operand,
		     uint64_t compare, uint64_t *old);

/*
 * NVMe-style scatter transfer: len bytes described by PRP1/PRP2 (and PRP
 * lists) with memory pages of page_size bytes; to_host: emulator -> host.
 */
int pciem_dma_prp(struct pciem_dev *d, uint64_t prp1, uint64_t prp2, uint32_t page_size,
		  void *buf, size_t len, bool to_host);

/* Take the function off the bus, unmap everything and free @d (NULL is fine). */
void pciem_destroy(struct pciem_dev *d);

/* Message for a negative errno returned by this library. */
const char *pciem_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* PCIEM_H */
