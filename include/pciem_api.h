/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * pciem_api.h - the /dev/pciem userspace ABI.
 *
 * Struct layouts, constant values and ioctl numbers are byte-exact with the
 * PCIem API (ioctl magic 0xAF).  Extensions live in ioctl numbers the PCIem
 * API does not use and in fields it marks reserved; no existing layout is
 * changed.  docs/ioctl.md documents every ioctl and every errno.
 *
 * This header compiles as C11 and C++ in userspace and inside the kernel.
 */
#ifndef PCIEM_API_H
#define PCIEM_API_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/atomic.h>
#include <linux/build_bug.h>
#define PCIEM_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#define PCIEM_OFFSETOF(type, member) offsetof(type, member)
#else
#include <stdint.h>
#include <stddef.h>
#include <sys/ioctl.h>
#ifdef __cplusplus
#include <atomic>
/* The ring's counters are 32-bit atomics shared with the kernel. */
typedef std::atomic<int> atomic_t;
#define PCIEM_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#include <stdatomic.h>
typedef atomic_int atomic_t;
#define PCIEM_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif
#define PCIEM_OFFSETOF(type, member) offsetof(type, member)
#endif

/* ---- CREATE_DEVICE flags ------------------------------------------------ */

/** Mask to extract the bus mode bits from the flags field. */
#define PCIEM_CREATE_FLAG_BUS_MODE_MASK     0x00000003
/** Create a virtual PCIe bus owned entirely by PCIem. */
#define PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL  0x00000000
/** Attach to an existing physical PCIe bus. */
#define PCIEM_CREATE_FLAG_BUS_MODE_ATTACH   0x00000001

struct pciem_create_device {
	uint32_t flags;
};

/* ---- BARs ----------------------------------------------------------------- */

/*
 * pciem_bar_config.flags are the low bits of a memory BAR register, as in
 * <linux/pci_regs.h>: PCI_BASE_ADDRESS_MEM_TYPE_64 and
 * PCI_BASE_ADDRESS_MEM_PREFETCH.  PCI_BASE_ADDRESS_SPACE_IO asks for an I/O
 * BAR, which pciem.ko refuses with EOPNOTSUPP (it has no port space to back
 * one with).
 */
#define PCIEM_BAR_FLAG_IO        0x1u
#define PCIEM_BAR_FLAG_MEM64     0x4u
#define PCIEM_BAR_FLAG_PREFETCH  0x8u

struct pciem_bar_config {
	uint32_t bar_index;
	uint32_t flags;
	uint64_t size;
	uint32_t reserved;
};

/* ---- Capabilities ------------------------------------------------------- */

#define PCIEM_CAP_MSI    0
#define PCIEM_CAP_MSIX   1
#define PCIEM_CAP_PM     2
#define PCIEM_CAP_PCIE   3
#define PCIEM_CAP_VSEC   4
#define PCIEM_CAP_PASID  5

struct pciem_cap_msi_userspace {
	uint8_t num_vectors_log2;
	uint8_t has_64bit;
	uint8_t has_masking;
	uint8_t reserved;
};

struct pciem_cap_msix_userspace {
	uint8_t bar_index;
	uint8_t reserved[3];
	uint32_t table_offset;
	uint32_t pba_offset;
	uint16_t table_size;
	uint16_t reserved2;
};

struct pciem_cap_pasid_userspace {
	uint8_t max_pasid_width;
	uint8_t execute_permission;
	uint8_t privileged_mode;
	uint8_t reserved;
};

/*
 * Extension: parameters of a PCIEM_CAP_VSEC capability, in the union bytes
 * the PCIem API leaves unused for that type.  All zero (what a PCIem program
 * passes) selects the default header: VSEC ID 0x0000, revision 0, length 16
 * (the 8-byte header plus 8 bytes of read-only zero vendor data).  A nonzero
 * length must be a multiple of 4 between 8 and 256.
 */
struct pciem_cap_vsec_userspace {
	uint16_t vsec_id;
	uint8_t vsec_rev;
	uint8_t reserved;
	uint16_t length;
	uint16_t reserved2;
};

struct pciem_cap_config {
	uint32_t cap_type;
	union {
		struct pciem_cap_msi_userspace msi;
		struct pciem_cap_msix_userspace msix;
		struct pciem_cap_pasid_userspace pasid;
		struct pciem_cap_vsec_userspace vsec;
	};
};

/*
 * The flattened 28-byte form some generated documentation of the PCIem API
 * shows (msi, msix and pasid one after another).  The ioctl size is part of
 * the number, so pciem.ko accepts both forms.
 */
struct pciem_cap_config_flat {
	uint32_t cap_type;
	struct pciem_cap_msi_userspace msi;
	struct pciem_cap_msix_userspace msix;
	struct pciem_cap_pasid_userspace pasid;
};

/* ---- Configuration header ----------------------------------------------- */

struct pciem_config_space {
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_device_id;
	uint8_t revision;
	uint8_t class_code[3];	/* [0] prog-if, [1] subclass, [2] base class */
	uint8_t header_type;
	uint8_t reserved[7];
};

/* ---- Events -------------------------------------------------------------- */

#define PCIEM_EVENT_MMIO_READ     1
#define PCIEM_EVENT_MMIO_WRITE    2
#define PCIEM_EVENT_CONFIG_READ   3
#define PCIEM_EVENT_CONFIG_WRITE  4
#define PCIEM_EVENT_MSI_ACK       5
#define PCIEM_EVENT_RESET         6
/*
 * Extension: the PCI core removed the function (echo 1 > .../remove, a
 * hot-plug tool).  It is gone for good: ioctls that need it fail with
 * ENODEV and poll() reports POLLHUP once the ring is empty.
 */
#define PCIEM_EVENT_REMOVED       7
/*
 * Extension: drivers probe the function after START has returned, while the
 * emulator serves.  DRIVER says how that went, and every later change: data
 * 1 when a driver has bound, 0 when it has unbound, its probe failed, or
 * the first probe after START found no driver.
 */
#define PCIEM_EVENT_DRIVER        8

struct pciem_event {
	uint64_t seq;
	uint32_t type;
	uint32_t bar;
	uint64_t offset;
	uint32_t size;
	uint32_t reserved;
	uint64_t data;
	uint64_t timestamp;
};

struct pciem_response {
	uint64_t seq;
	uint64_t data;
	int32_t status;
	uint32_t reserved;
};

/* ---- Interrupts ---------------------------------------------------------- */

/**
 * Parameters for PCIEM_IOCTL_INJECT_IRQ.
 * @vector:   MSI/MSI-X vector number to inject into the guest.
 * @reserved: Must be zero for an MSI/MSI-X message (what PCIem programs
 *            pass).  Extension: PCIEM_IRQ_INTX_ASSERT or
 *            PCIEM_IRQ_INTX_DEASSERT drive the INTx line instead (@vector 0).
 */
struct pciem_irq_inject {
	uint32_t vector;
	uint32_t reserved;
};

/* pciem_irq_inject.reserved (extension): the legacy INTx line, level-triggered. */
#define PCIEM_IRQ_INTX_ASSERT    (1u << 0)
#define PCIEM_IRQ_INTX_DEASSERT  (1u << 1)

/* pciem_event.data of a PCIEM_EVENT_MSI_ACK: which kind of interrupt ran. */
#define PCIEM_ACK_MSI   1
#define PCIEM_ACK_MSIX  2
#define PCIEM_ACK_INTX  3

#define PCIEM_IRQFD_FLAG_LEVEL    (1 << 0)
#define PCIEM_IRQFD_FLAG_DEASSERT (1 << 1)

struct pciem_eventfd_config {
	int32_t eventfd;
	uint32_t reserved;
};

struct pciem_irqfd_config {
	int32_t eventfd;
	uint32_t vector;
	uint32_t flags;
	uint32_t reserved;
};

/* ---- DMA ----------------------------------------------------------------- */

#define PCIEM_DMA_FLAG_READ   0x1
#define PCIEM_DMA_FLAG_WRITE  0x2

struct pciem_dma_op {
	uint64_t guest_iova;
	uint64_t user_addr;
	uint32_t length;
	uint32_t pasid;
	uint32_t flags;
	uint32_t reserved;
};

#define PCIEM_ATOMIC_FETCH_ADD  1
#define PCIEM_ATOMIC_FETCH_SUB  2
#define PCIEM_ATOMIC_SWAP       3
#define PCIEM_ATOMIC_CAS        4
#define PCIEM_ATOMIC_FETCH_AND  5
#define PCIEM_ATOMIC_FETCH_OR   6
#define PCIEM_ATOMIC_FETCH_XOR  7

struct pciem_dma_atomic {
	uint64_t guest_iova;
	uint64_t operand;
	uint64_t compare;
	uint32_t op_type;
	uint32_t pasid;
	uint64_t result;
};

struct pciem_p2p_op_user {
	uint64_t target_phys_addr;
	uint64_t user_addr;
	uint32_t length;
	uint32_t flags;
};

struct pciem_dma_indirect {
	uint64_t prp1;
	uint64_t prp2;
	uint64_t user_addr;
	uint32_t length;
	uint32_t page_size;
	uint32_t pasid;
	uint32_t flags;
	uint32_t reserved;
};

/* ---- BAR information and tracing ---------------------------------------- */

struct pciem_bar_info_query {
	uint32_t bar_index;
	uint64_t phys_addr;
	uint64_t size;
	uint32_t flags;
};

#define PCIEM_WP_FLAG_BAR_KPROBES  (1 << 0)
#define PCIEM_WP_FLAG_BAR_MANUAL   (1 << 1)

/* Notify userspace on BAR reads. */
#define PCIEM_TRACE_READS         (1 << 0)
/* Notify userspace on BAR writes. */
#define PCIEM_TRACE_WRITES        (1 << 1)
/* Report writes but do not apply them to the BAR's memory. */
#define PCIEM_TRACE_STOP_WRITES   (1 << 2)

struct pciem_trace_bar {
	uint32_t bar_index;
	uint32_t flags;
};

/*
 * Extension: bar_index of PCIEM_IOCTL_TRACE_BAR selecting configuration space
 * (flags PCIEM_TRACE_READS and/or PCIEM_TRACE_WRITES ask for CONFIG_READ and
 * CONFIG_WRITE events), and the bar field of those events.
 */
#define PCIEM_TRACE_CONFIG_SPACE  0xffffffffu

/* pciem_event.data of a PCIEM_EVENT_RESET: what reset the function. */
#define PCIEM_RESET_FLR           1	/* Initiate FLR in Device Control */

/* ---- Extension: where the device is ------------------------------------- */

/* pciem_device_info.state */
#define PCIEM_STATE_EMPTY       0	/* no CREATE_DEVICE yet */
#define PCIEM_STATE_CREATED     1	/* describing: SET_CONFIG, ADD_BAR, ... */
#define PCIEM_STATE_REGISTERED  2	/* description frozen, BARs allocated */
#define PCIEM_STATE_STARTED     3	/* visible on the PCI bus */

/*
 * PCIEM_IOCTL_GET_DEVICE_INFO (extension): the device's PCI address once it
 * is started (domain, bus, devfn are 0 before), its lifecycle state, its bus
 * mode, and the two things pciem.ko counts instead of losing silently:
 * events dropped after a full ring stayed full for pciem_ring_wait_ms, and
 * synchronous reads that got no answer within pciem_read_timeout_ms (they
 * read all ones).
 */
struct pciem_device_info {
	uint32_t state;
	uint32_t bus_mode;
	uint32_t domain;
	uint8_t bus;
	uint8_t devfn;
	uint16_t reserved;
	uint64_t events_dropped;
	uint64_t read_timeouts;
};

/**
 * PCIEM_IOCTL_IOEVENTFD (extension): bind one register to an eventfd.  A
 * trapped write (PCIEM_TRACE_WRITES) of exactly @size bytes at @offset in
 * BAR @bar — and, with PCIEM_IOEVENTFD_FLAG_DATAMATCH, of the value
 * @datamatch — goes to BAR memory as usual (unless PCIEM_TRACE_STOP_WRITES)
 * and then signals eventfd @fd instead of queueing an MMIO_WRITE event.
 * PCIEM_IOEVENTFD_FLAG_DEASSIGN removes the binding with the same
 * parameters.  Errors: docs/ioctl.md.
 */
struct pciem_ioeventfd {
	uint64_t offset;
	uint64_t datamatch;
	uint32_t bar;
	uint32_t size;		/* 1, 2, 4 or 8 */
	int32_t fd;
	uint32_t flags;		/* PCIEM_IOEVENTFD_FLAG_* */
	uint32_t reserved;	/* must be 0 */
	uint32_t reserved2;	/* must be 0 */
};

#define PCIEM_IOEVENTFD_FLAG_DATAMATCH (1u << 0)
#define PCIEM_IOEVENTFD_FLAG_DEASSIGN  (1u << 1)

/**
 * PCIEM_IOCTL_CONFIG_ACCESS (extension): the device reads or writes its own
 * configuration space, as the hardware behind it would.  @size bytes (1, 2
 * or 4, naturally aligned) at @offset (below 4096).  @flags 0 reads;
 * PCIEM_CONFIG_ACCESS_WRITE stores @value, PCIEM_CONFIG_ACCESS_SET ORs it
 * in and PCIEM_CONFIG_ACCESS_CLEAR clears its bits, atomically with the
 * driver's accesses.  Every access returns in @value the register as it
 * was before.  Writes ignore the driver's masks (read-only and
 * write-1-to-clear bits included: Status error bits, capability fields,
 * vendor-specific data) but must leave alone the bits pciem.ko and the host
 * own: EACCES, nothing written, if the result would change the IDs,
 * Command, Status bits 3-4, Header Type, a BAR, the Capabilities Pointer,
 * Interrupt Line or Pin, a capability's header (ID and Next; a VSEC's first
 * 8 bytes; the PCI Express Capabilities register) or any byte of the MSI or
 * MSI-X capability.  Read-only bits written become the value a reset (FLR)
 * restores.  Errors: docs/ioctl.md.
 */
struct pciem_config_access {
	uint32_t offset;
	uint32_t size;		/* 1, 2 or 4 */
	uint32_t flags;		/* one PCIEM_CONFIG_ACCESS_*, or 0 to read */
	uint32_t reserved;	/* must be 0 */
	uint64_t value;		/* in: the operand (at most size bytes); out: the old value */
};

#define PCIEM_CONFIG_ACCESS_WRITE (1u << 0)
#define PCIEM_CONFIG_ACCESS_SET   (1u << 1)
#define PCIEM_CONFIG_ACCESS_CLEAR (1u << 2)

/* ---- Shared event ring --------------------------------------------------- */

#define PCIEM_RING_SIZE   256
#define PCIEM_MAX_IRQFDS  32

/**
 * Single-producer/single-consumer event ring shared between the kernel and
 * userspace, mapped with mmap() on the /dev/pciem fd at offset 0.
 *
 * @head:   write index, owned by the kernel; advanced after an event is
 *          committed.
 * @tail:   read index, owned by userspace; advanced after an event is
 *          consumed.  The kernel treats it as untrusted input.
 * @events: circular buffer of PCIEM_RING_SIZE events.
 */
struct pciem_shared_ring {
	atomic_t head;
	char _pad1[60];
	atomic_t tail;
	char _pad2[60];
	struct pciem_event events[PCIEM_RING_SIZE];
};

/* ---- ioctls -------------------------------------------------------------- */

#define PCIEM_IOCTL_MAGIC 0xAF

#define PCIEM_IOCTL_CREATE_DEVICE  _IOWR(PCIEM_IOCTL_MAGIC, 10, struct pciem_create_device)
#define PCIEM_IOCTL_ADD_BAR        _IOW(PCIEM_IOCTL_MAGIC, 11, struct pciem_bar_config)
#define PCIEM_IOCTL_ADD_CAPABILITY _IOW(PCIEM_IOCTL_MAGIC, 12, struct pciem_cap_config)
#define PCIEM_IOCTL_SET_CONFIG     _IOW(PCIEM_IOCTL_MAGIC, 13, struct pciem_config_space)
#define PCIEM_IOCTL_REGISTER       _IO(PCIEM_IOCTL_MAGIC, 14)
#define PCIEM_IOCTL_INJECT_IRQ     _IOW(PCIEM_IOCTL_MAGIC, 15, struct pciem_irq_inject)
#define PCIEM_IOCTL_DMA            _IOWR(PCIEM_IOCTL_MAGIC, 16, struct pciem_dma_op)
#define PCIEM_IOCTL_DMA_ATOMIC     _IOWR(PCIEM_IOCTL_MAGIC, 17, struct pciem_dma_atomic)
#define PCIEM_IOCTL_P2P            _IOWR(PCIEM_IOCTL_MAGIC, 18, struct pciem_p2p_op_user)
#define PCIEM_IOCTL_GET_BAR_INFO   _IOWR(PCIEM_IOCTL_MAGIC, 19, struct pciem_bar_info_query)
#define PCIEM_IOCTL_SET_EVENTFD    _IOW(PCIEM_IOCTL_MAGIC, 21, struct pciem_eventfd_config)
#define PCIEM_IOCTL_SET_IRQFD      _IOW(PCIEM_IOCTL_MAGIC, 22, struct pciem_irqfd_config)
#define PCIEM_IOCTL_DMA_INDIRECT   _IOWR(PCIEM_IOCTL_MAGIC, 24, struct pciem_dma_indirect)
#define PCIEM_IOCTL_TRACE_BAR      _IOWR(PCIEM_IOCTL_MAGIC, 25, struct pciem_trace_bar)
#define PCIEM_IOCTL_START          _IO(PCIEM_IOCTL_MAGIC, 26)

/* Extensions. */
#define PCIEM_IOCTL_ADD_CAPABILITY_FLAT \
	_IOW(PCIEM_IOCTL_MAGIC, 12, struct pciem_cap_config_flat)
#define PCIEM_IOCTL_GET_DEVICE_INFO _IOR(PCIEM_IOCTL_MAGIC, 27, struct pciem_device_info)
#define PCIEM_IOCTL_IOEVENTFD       _IOW(PCIEM_IOCTL_MAGIC, 28, struct pciem_ioeventfd)
#define PCIEM_IOCTL_CONFIG_ACCESS   _IOWR(PCIEM_IOCTL_MAGIC, 29, struct pciem_config_access)

/*
 * mmap() offsets.  On the /dev/pciem fd, offset 0 maps the shared ring.  On
 * the instance fd that PCIEM_IOCTL_REGISTER returns, the page offset selects
 * the BAR: offset = bar_index * page size.
 */
#define PCIEM_RING_MMAP_OFFSET 0

/* ---- Layout assertions (x86-64 LP64) ------------------------------------ */

PCIEM_STATIC_ASSERT(sizeof(struct pciem_create_device) == 4, "create_device");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_bar_config) == 24, "bar_config");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_bar_config, size) == 8, "bar_config.size");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_bar_config, reserved) == 16, "bar_config.reserved");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_msi_userspace) == 4, "cap_msi");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_msix_userspace) == 16, "cap_msix");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_msix_userspace, table_offset) == 4, "msix.table_offset");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_msix_userspace, pba_offset) == 8, "msix.pba_offset");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_msix_userspace, table_size) == 12, "msix.table_size");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_pasid_userspace) == 4, "cap_pasid");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_vsec_userspace) == 8, "cap_vsec");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_config) == 20, "cap_config");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_config, msi) == 4, "cap_config.msi");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_config, msix) == 4, "cap_config.msix");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_config, pasid) == 4, "cap_config.pasid");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_cap_config_flat) == 28, "cap_config_flat");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_config_flat, msix) == 8, "flat.msix");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_cap_config_flat, pasid) == 24, "flat.pasid");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_config_space) == 20, "config_space");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_config_space, revision) == 8, "config.revision");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_config_space, header_type) == 12, "config.header_type");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_event) == 48, "event");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_event, offset) == 16, "event.offset");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_event, data) == 32, "event.data");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_event, timestamp) == 40, "event.timestamp");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_response) == 24, "response");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_response, status) == 16, "response.status");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_irq_inject) == 8, "irq_inject");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_dma_op) == 32, "dma_op");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_dma_op, flags) == 24, "dma_op.flags");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_dma_atomic) == 40, "dma_atomic");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_dma_atomic, result) == 32, "dma_atomic.result");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_p2p_op_user) == 24, "p2p_op");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_bar_info_query) == 32, "bar_info_query");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_bar_info_query, phys_addr) == 8, "bar_info.phys_addr");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_bar_info_query, size) == 16, "bar_info.size");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_bar_info_query, flags) == 24, "bar_info.flags");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_eventfd_config) == 8, "eventfd_config");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_irqfd_config) == 16, "irqfd_config");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_dma_indirect) == 48, "dma_indirect");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_dma_indirect, length) == 24, "dma_indirect.length");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_dma_indirect, reserved) == 40, "dma_indirect.reserved");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_trace_bar) == 8, "trace_bar");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_device_info) == 32, "device_info");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_ioeventfd) == 40, "ioeventfd");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_ioeventfd, bar) == 16, "ioeventfd.bar");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_ioeventfd, fd) == 24, "ioeventfd.fd");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_config_access) == 24, "config_access");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_config_access, value) == 16,
		    "config_access.value");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_shared_ring, tail) == 64, "ring.tail");
PCIEM_STATIC_ASSERT(PCIEM_OFFSETOF(struct pciem_shared_ring, events) == 128, "ring.events");
PCIEM_STATIC_ASSERT(sizeof(struct pciem_shared_ring) == 128 + 48 * PCIEM_RING_SIZE, "ring");

#endif /* PCIEM_API_H */
