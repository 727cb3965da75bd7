/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cfgspace.h - the configuration space model of one emulated PCIe function.
 *
 * A 4 KiB configuration space with, per byte, a write mask (the bits
 * software may change) and a write-1-to-clear mask.  Every register rule is
 * expressed through those two masks plus a few side effects that masks cannot
 * express (unsupported power states, MSI Multiple Message Enable clamping,
 * the self-clearing Initiate FLR bit).  BAR sizing falls out of the write
 * masks: writing all ones to a BAR reads back ~(size - 1) | type bits.
 *
 * The model does no locking and no allocation; the caller (pciem.ko or a
 * host test) serialises access.  Functions returning int return 0 (or a
 * positive value where documented) on success and a negative errno on error,
 * and leave the model unchanged when they fail.
 */
#ifndef PCIEM_CORE_CFGSPACE_H
#define PCIEM_CORE_CFGSPACE_H

#include "core_types.h"
#include "pciem_api.h"

#define PCFG_SIZE        4096
#define PCFG_STD_SIZE    256
#define PCFG_NUM_BARS    6
#define PCFG_MAX_CAPS    8	/* at most one of each PCIEM_CAP_* type */

/* Power-on value of the Interrupt Pin register (INTA). */
#define PCFG_DEFAULT_INTX_PIN 1

/* Default PCIEM_CAP_VSEC header (struct pciem_cap_vsec_userspace all zero). */
#define PCFG_VSEC_DEFAULT_ID      0x0000
#define PCFG_VSEC_DEFAULT_REV     0x0
#define PCFG_VSEC_DEFAULT_LENGTH  16

/* Bits of pcfg.pending, raised by configuration writes (see pcfg_write). */
#define PCFG_PENDING_FLR  (1u << 0)	/* Initiate Function Level Reset written */

struct pcfg_bar {
	uint64_t size;		/* 0: not implemented */
	uint32_t flags;		/* PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH */
	bool upper;		/* this index is the upper half of a 64-bit BAR */
};

struct pcfg_cap {
	uint32_t type;		/* PCIEM_CAP_* */
	uint16_t offset;	/* where it starts in configuration space */
	uint16_t len;		/* bytes it occupies */
};

struct pcfg {
	uint8_t data[PCFG_SIZE];
	uint8_t wmask[PCFG_SIZE];	/* 1 = writable bit */
	uint8_t w1cmask[PCFG_SIZE];	/* 1 = write-1-to-clear bit */
	uint8_t reset_data[PCFG_SIZE];	/* value restored by pcfg_reset() */

	struct pcfg_bar bars[PCFG_NUM_BARS];
	struct pcfg_cap caps[PCFG_MAX_CAPS];
	unsigned int ncaps;

	uint16_t std_next;	/* next free offset for a standard capability */
	uint16_t std_last;	/* offset of the last standard capability, 0: none */
	uint16_t ext_next;	/* next free offset for an extended capability */
	uint16_t ext_last;	/* offset of the last extended capability, 0: none */

	bool ids_set;		/* pcfg_set_ids() has succeeded */
	bool finalized;		/* pcfg_finalize() has succeeded */
	uint32_t pending;	/* PCFG_PENDING_* raised by writes */
};

/* Empty model: header masks set, no IDs, no BARs, no capabilities. */
void pcfg_init(struct pcfg *c);

/*
 * IDs, revision, class and header type.  -EINVAL when vendor_id is 0x0000 or
 * 0xffff, header_type is not 0x00 (one type-0 function per device), or a
 * reserved byte is nonzero.  May be called again before pcfg_finalize();
 * -EBUSY after it (as pcfg_add_bar() and pcfg_add_cap()).
 */
int pcfg_set_ids(struct pcfg *c, const struct pciem_config_space *ids);

/*
 * Declare a memory BAR.  flags: PCIEM_BAR_FLAG_MEM64, PCIEM_BAR_FLAG_PREFETCH.
 * -EINVAL: index >= 6, size not a power of two, size < 16, a 32-bit BAR over
 *          2 GiB, unknown flag bits, a 64-bit BAR at index 5;
 * -EOPNOTSUPP: PCIEM_BAR_FLAG_IO;
 * -EBUSY: the index (or, for a 64-bit BAR, index + 1) is already in use, or
 *         pcfg_finalize() has succeeded.
 */
int pcfg_add_bar(struct pcfg *c, unsigned int index, uint64_t size, uint32_t flags);

/* Program a BAR's address register (address bits only; low bits kept; absent: ignored). */
void pcfg_set_bar_addr(struct pcfg *c, unsigned int index, uint64_t addr);

/* The address currently programmed in a BAR (0 for an absent BAR). */
uint64_t pcfg_bar_addr(const struct pcfg *c, unsigned int index);

/*
 * Build a capability from the ABI's description and link it into the
 * standard list (MSI, MSI-X, PM, PCI Express; 0x40-0xff) or the extended
 * list (VSEC, PASID; from 0x100).  Returns the capability's offset (> 0).
 * -EINVAL: unknown type or a parameter out of range (MSI: num_vectors_log2
 *          > 5, has_64bit/has_masking not 0 or 1; MSI-X: table_size 0 or
 *          > 2048, bar_index >= 6, offsets not 8-byte aligned; PASID:
 *          max_pasid_width > 20, flags not 0 or 1; VSEC: vsec_rev > 15, a
 *          nonzero length not a multiple of 4 in 8..256 (length 0 selects
 *          PCFG_VSEC_DEFAULT_LENGTH); any reserved field nonzero);
 * -EEXIST: a capability of that type already exists;
 * -ENOSPC: the list has no room left;
 * -EBUSY: pcfg_finalize() has succeeded (checked first).
 * The other checks are made in the order listed.
 */
int pcfg_add_cap(struct pcfg *c, const struct pciem_cap_config *cap);

/* The capability of a type, or NULL. */
const struct pcfg_cap *pcfg_find_cap(const struct pcfg *c, uint32_t type);

/*
 * Where a function's MSI-X table and Pending Bit Array are, decoded from its
 * MSI-X capability: Message Control's Table Size and the Table and PBA
 * Offset/BIR registers.  Offsets are from the start of the BAR the BIR
 * names; lengths are in bytes.
 */
struct pcfg_msix_layout {
	unsigned int cap;		/* offset of the MSI-X capability */
	unsigned int size;		/* table entries (vectors): 1..2048 */
	unsigned int table_bar;		/* BAR index (BIR) of the table */
	uint32_t table_off;
	uint32_t table_len;		/* 16 bytes per entry */
	unsigned int pba_bar;		/* BAR index (BIR) of the PBA */
	uint32_t pba_off;
	uint32_t pba_len;		/* one bit per entry, in whole QWORDs */
};

/*
 * Fill *l from the MSI-X capability; false, with *l untouched, when there is
 * none.  The registers are read-only, so the layout is fixed once the
 * capability is added, and both BIRs are below PCFG_NUM_BARS (pcfg_add_cap()
 * refuses others).  Nothing else is checked here: pcfg_finalize() refuses a
 * table or PBA outside an implemented BAR, or the two overlapping.
 */
bool pcfg_msix_layout(const struct pcfg *c, struct pcfg_msix_layout *l);

/*
 * Check the description as a whole and freeze it.  Sets Status.Capabilities
 * List when there are standard capabilities, then records the reset state
 * (as pcfg_snapshot_reset_state() does).
 * -EBUSY: already finalized;
 * -ENODATA: pcfg_set_ids() was never called;
 * -EINVAL: the MSI-X table or PBA does not fit inside an implemented BAR (or
 *          names the upper half of a 64-bit BAR), table and PBA overlap, or
 *          an extended capability exists without a PCI Express capability
 *          (Linux reads extended space only of PCI Express functions).
 */
int pcfg_finalize(struct pcfg *c);

/* Record the current contents as the state pcfg_reset() returns to. */
void pcfg_snapshot_reset_state(struct pcfg *c);

/* Function reset (FLR, bus reset): back to the snapshot; pending cleared. */
void pcfg_reset(struct pcfg *c);

/*
 * Configuration read of 1, 2 or 4 bytes at a naturally aligned offset below
 * 4096.  Anything else reads as all ones of that width.
 */
uint32_t pcfg_read(const struct pcfg *c, unsigned int off, unsigned int size);

/*
 * Configuration write of 1, 2 or 4 bytes at a naturally aligned offset below
 * 4096 (anything else is ignored).  Per byte: writable bits take the new
 * value, read-only bits keep theirs, and W1C bits written as 1 clear.
 * Then the side effects: a PMCSR PowerState of D1/D2 (unsupported) is
 * ignored; MSI Multiple Message Enable is clamped to Multiple Message
 * Capable; a 1 written to Device Control's Initiate FLR raises
 * PCFG_PENDING_FLR and reads back 0.  Returns nothing: config writes cannot
 * fail on the bus.
 */
void pcfg_write(struct pcfg *c, unsigned int off, unsigned int size, uint32_t val);

/*
 * The device's own configuration write (pciem.ko's PCIEM_IOCTL_CONFIG_ACCESS):
 * 1, 2 or 4 bytes at a naturally aligned offset below 4096 take the value
 * as given, whatever the masks say, so a device can set read-only and W1C
 * bits (Status error bits, capability fields, VSEC data).  Read-only bits
 * written so also become the value pcfg_reset() restores.  Bits the device
 * does not own must keep their value: the IDs, Command, Status bits 3-4
 * (Interrupt Status, Capabilities List), Header Type, the BARs, the
 * Capabilities Pointer, Interrupt Line and Pin, each capability's header
 * (ID and Next; a VSEC's first 8 bytes; PCI Express Capabilities) and all
 * of MSI and MSI-X.
 * -EINVAL: bad offset or size; -EACCES: the write would change a bit the
 * device does not own (nothing is written).
 */
int pcfg_device_write(struct pcfg *c, unsigned int off, unsigned int size, uint32_t val);

/*
 * PCIEM_IOCTL_CONFIG_ACCESS on the model: @flags 0 reads, one of
 * PCIEM_CONFIG_ACCESS_WRITE/SET/CLEAR writes *value, ORs it in or clears
 * its bits (through pcfg_device_write()).  *value gets the register's value
 * from before.  -EINVAL: unknown or several flags, bad offset or size, a
 * write operand wider than size; -EACCES as pcfg_device_write().
 */
int pcfg_device_access(struct pcfg *c, uint32_t off, uint32_t size, uint32_t flags,
		       uint64_t *value);

/* Return and clear pcfg.pending. */
uint32_t pcfg_take_pending(struct pcfg *c);

/* Device-owned status: Status.Interrupt Status (bit 3), set while INTx is asserted. */
void pcfg_set_intx_status(struct pcfg *c, bool asserted);

/* Little-endian raw accessors for device-side code (ignore the masks). */
static inline uint8_t pcfg_get8(const struct pcfg *c, unsigned int off)
{
	return c->data[off];
}

static inline uint16_t pcfg_get16(const struct pcfg *c, unsigned int off)
{
	return (uint16_t)(c->data[off] | (c->data[off + 1] << 8));
}

static inline uint32_t pcfg_get32(const struct pcfg *c, unsigned int off)
{
	return (uint32_t)c->data[off] | ((uint32_t)c->data[off + 1] << 8) |
	       ((uint32_t)c->data[off + 2] << 16) | ((uint32_t)c->data[off + 3] << 24);
}

#endif /* PCIEM_CORE_CFGSPACE_H */
