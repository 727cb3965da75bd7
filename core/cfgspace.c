// SPDX-License-Identifier: GPL-2.0-only
/*
 * cfgspace.c - the configuration space model of one emulated PCIe function.
 *
 * Freestanding C compiled into pciem.ko and into the host tests; see
 * cfgspace.h for the API.  Register offsets and bits are the names of
 * <linux/pci_regs.h> (PCI Local Bus 3.0, PCI Express Base specifications).
 * What that header has no name for -- the values this function powers on
 * with, the bits software may write -- is defined below in terms of its
 * names.  All private names carry a cs_/CS_ prefix so that this file can be
 * #included next to kernel headers.
 */
#include "cfgspace.h"

/* ---- Type 0 header -------------------------------------------------------- */

/*
 * Command bits software may write: the ones a PCI Express function
 * implements.  I/O Space stays 0 because there are no I/O BARs; Special
 * Cycles, Memory Write and Invalidate, VGA Palette Snoop, Stepping and Fast
 * Back-to-Back Enable are hardwired to 0 on PCI Express.
 */
#define CS_COMMAND_WMASK	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
				 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
/* Status bits that are write-1-to-clear: the error bits. */
#define CS_STATUS_W1C		(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
				 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
				 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

/* The bits of a memory BAR below its address: space, type, prefetchable. */
#define CS_BAR_LOW_BITS		((uint32_t)~PCI_BASE_ADDRESS_MEM_MASK)
#define CS_BAR_FLAGS		(PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH)

/* ---- Capabilities ---------------------------------------------------------- */

/* MSI-X Message Control bits software may write. */
#define CS_MSIX_FLAGS_WMASK	(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)

/* Power Management Capabilities: version 3 (PCI PM 1.2); no D1, D2, PME. */
#define CS_PM_PMC_VALUE		0x0003

/*
 * PCI Express capability, version 2, of an Endpoint on an 8 GT/s x4 link:
 * the values it powers on with and the bits software may write.
 */
#define CS_EXP_FLAGS_VALUE	(2 | (PCI_EXP_TYPE_ENDPOINT << 4))
/*
 * Device Capabilities: Max_Payload_Size Supported 256 bytes (encoding 1 of
 * PCI_EXP_DEVCAP_PAYLOAD), Extended Tag Field, no limit on the acceptable
 * L0s and L1 latencies (fields all ones), Role-Based Error Reporting,
 * Function Level Reset.
 */
#define CS_EXP_DEVCAP_VALUE	(1 | PCI_EXP_DEVCAP_EXT_TAG | PCI_EXP_DEVCAP_L0S | \
				 PCI_EXP_DEVCAP_L1 | PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_FLR)
/* Device Control's defaults: Relaxed Ordering, No Snoop, 512-byte reads. */
#define CS_EXP_DEVCTL_VALUE	(PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ_512B)
/*
 * Every Device Control field but Phantom Functions Enable and Aux Power PM
 * Enable, which a function without phantom functions or aux power hardwires
 * to 0.  Initiate FLR is writable so that a 1 reaches cs_write_effects(); it
 * reads back as 0.
 */
#define CS_EXP_DEVCTL_WMASK	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
				 PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE | \
				 PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD | \
				 PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ | PCI_EXP_DEVCTL_BCR_FLR)
#define CS_EXP_DEVCTL_FLR_HI	(PCI_EXP_DEVCTL_BCR_FLR >> 8)	/* in the high byte */
/* Device Status: the error-detected bits are write-1-to-clear. */
#define CS_EXP_DEVSTA_W1C	(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | \
				 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD)
/* Link Capabilities: 8 GT/s, Maximum Link Width x4 (PCI_EXP_LNKCAP_MLW); no ASPM. */
#define CS_EXP_LNKCAP_VALUE	(PCI_EXP_LNKCAP_SLS_8_0GB | (4 << 4))
/*
 * Link Control: ASPM Control, Read Completion Boundary, Common Clock
 * Configuration, Extended Synch.  The other bits are reserved for an
 * Endpoint (Link Disable, Retrain Link) or enable features Link Capabilities
 * does not offer, which a function may hardwire to 0.
 */
#define CS_EXP_LNKCTL_WMASK	(PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_RCB | \
				 PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES)
/* Link Status: trained at 8 GT/s, x4, with the slot's reference clock. */
#define CS_EXP_LNKSTA_VALUE	(PCI_EXP_LNKSTA_CLS_8_0GB | PCI_EXP_LNKSTA_NLW_X4 | \
				 PCI_EXP_LNKSTA_SLC)
/* Device Capabilities 2: Completion Timeout Ranges A-D (bits 3:0), and Disable. */
#define CS_EXP_DEVCAP2_VALUE	(0xf | PCI_EXP_DEVCAP2_COMP_TMOUT_DIS)
/* Device Control 2: the Completion Timeout controls Device Capabilities 2 offers. */
#define CS_EXP_DEVCTL2_WMASK	(PCI_EXP_DEVCTL2_COMP_TIMEOUT | PCI_EXP_DEVCTL2_COMP_TMOUT_DIS)
/* Link Capabilities 2: Supported Link Speeds 2.5, 5 and 8 GT/s. */
#define CS_EXP_LNKCAP2_VALUE	(PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB | \
				 PCI_EXP_LNKCAP2_SLS_8_0GB)
#define CS_EXP_LNKCTL2_VALUE	PCI_EXP_LNKCTL2_TLS_8_0GT	/* Target Link Speed */
/*
 * Link Control 2: all but Selectable De-emphasis (bit 6), which is HwInit.
 * Bits 15:10 (Enter Modified Compliance, Compliance SOS, Compliance
 * Preset/De-emphasis) have no names in pci_regs.h.
 */
#define CS_EXP_LNKCTL2_WMASK	(PCI_EXP_LNKCTL2_TLS | PCI_EXP_LNKCTL2_ENTER_COMP | \
				 PCI_EXP_LNKCTL2_HASD | PCI_EXP_LNKCTL2_TX_MARGIN | 0xfc00)
/*
 * The capability's length: all of version 2, through Slot Status 2.  (Not
 * PCI_CAP_EXP_ENDPOINT_SIZEOF_V2, which ends at the link registers and is
 * 0x32 in 6.1's pci_regs.h but 0x34 in 6.12's.)
 */
#define CS_EXP_LEN		(PCI_EXP_SLTSTA2 + 2)

/* Vendor-specific extended capability: at least its two headers. */
#define CS_VNDR_MIN_LEN		(PCI_VNDR_HEADER + 4)
#define CS_VNDR_MAX_LEN		256

/*
 * PASID Capability's Max PASID Width field starts at bit 8 (its mask,
 * PCI_PASID_CAP_WIDTH, is missing from 6.1's pci_regs.h and linux-libc-dev).
 */
#define CS_PASID_CAP_WIDTH_SHIFT 8
#define CS_PASID_MAX_WIDTH	20

/* Extended capability header fields (pci_regs.h only has decoders for them). */
#define CS_EXT_HDR_VER_SHIFT	16
#define CS_EXT_HDR_NEXT_SHIFT	20

/* ---- Helpers --------------------------------------------------------------- */

static uint32_t cs_get(const uint8_t *a, unsigned int off, unsigned int size)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)a[off + i] << (8 * i);
	return v;
}

static void cs_put(uint8_t *a, unsigned int off, unsigned int size, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

static bool cs_access_ok(unsigned int off, unsigned int size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	return off < PCFG_SIZE && (off & (size - 1)) == 0;
}

static bool cs_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static bool cs_bar_used(const struct pcfg *c, unsigned int index)
{
	return c->bars[index].size || c->bars[index].upper;
}

static unsigned int cs_bar_off(unsigned int index)
{
	return PCI_BASE_ADDRESS_0 + 4 * index;
}

/* The offset of a capability type, 0 when absent. */
static unsigned int cs_cap_off(const struct pcfg *c, uint32_t type)
{
	const struct pcfg_cap *cap = pcfg_find_cap(c, type);

	return cap ? cap->offset : 0;
}

/* ---- Header ---------------------------------------------------------------- */

void pcfg_init(struct pcfg *c)
{
	memset(c, 0, sizeof(*c));
	cs_put(c->wmask, PCI_COMMAND, 2, CS_COMMAND_WMASK);
	cs_put(c->w1cmask, PCI_STATUS, 2, CS_STATUS_W1C);
	c->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	c->wmask[PCI_INTERRUPT_LINE] = 0xff;
	c->data[PCI_INTERRUPT_PIN] = PCFG_DEFAULT_INTX_PIN;
	c->std_next = PCI_STD_HEADER_SIZEOF;
	c->ext_next = PCI_CFG_SPACE_SIZE;
	memcpy(c->reset_data, c->data, PCFG_SIZE);
}

int pcfg_set_ids(struct pcfg *c, const struct pciem_config_space *ids)
{
	unsigned int i;

	if (c->finalized)
		return -EBUSY;
	if (ids->vendor_id == 0x0000 || ids->vendor_id == 0xffff)
		return -EINVAL;
	if (ids->header_type != 0x00)
		return -EINVAL;
	for (i = 0; i < sizeof(ids->reserved); i++)
		if (ids->reserved[i])
			return -EINVAL;

	cs_put(c->data, PCI_VENDOR_ID, 2, ids->vendor_id);
	cs_put(c->data, PCI_DEVICE_ID, 2, ids->device_id);
	c->data[PCI_REVISION_ID] = ids->revision;
	for (i = 0; i < 3; i++)
		c->data[PCI_CLASS_PROG + i] = ids->class_code[i];
	c->data[PCI_HEADER_TYPE] = ids->header_type;
	cs_put(c->data, PCI_SUBSYSTEM_VENDOR_ID, 2, ids->subsys_vendor_id);
	cs_put(c->data, PCI_SUBSYSTEM_ID, 2, ids->subsys_device_id);
	c->ids_set = true;
	return 0;
}

/* ---- BARs ------------------------------------------------------------------ */

int pcfg_add_bar(struct pcfg *c, unsigned int index, uint64_t size, uint32_t flags)
{
	bool is64 = flags & PCIEM_BAR_FLAG_MEM64;
	uint64_t amask;
	unsigned int off;

	if (c->finalized)
		return -EBUSY;
	if (index >= PCFG_NUM_BARS)
		return -EINVAL;
	if (flags & ~(PCIEM_BAR_FLAG_IO | CS_BAR_FLAGS))
		return -EINVAL;
	if (flags & PCIEM_BAR_FLAG_IO)
		return -EOPNOTSUPP;
	if (size < 16 || !cs_is_pow2(size))
		return -EINVAL;
	if (!is64 && size > (1ull << 31))
		return -EINVAL;
	if (is64 && (size >= (1ull << 63) || index == PCFG_NUM_BARS - 1))
		return -EINVAL;
	if (cs_bar_used(c, index) || (is64 && cs_bar_used(c, index + 1)))
		return -EBUSY;

	off = cs_bar_off(index);
	amask = ~(size - 1);
	cs_put(c->data, off, 4, flags & CS_BAR_FLAGS);
	cs_put(c->wmask, off, 4, (uint32_t)amask & ~CS_BAR_LOW_BITS);
	c->bars[index].size = size;
	c->bars[index].flags = flags;
	if (is64) {
		cs_put(c->data, off + 4, 4, 0);
		cs_put(c->wmask, off + 4, 4, (uint32_t)(amask >> 32));
		c->bars[index + 1].upper = true;
	}
	return 0;
}

static void cs_put_masked(struct pcfg *c, unsigned int off, uint32_t v)
{
	uint32_t wm = cs_get(c->wmask, off, 4);

	cs_put(c->data, off, 4, (cs_get(c->data, off, 4) & ~wm) | (v & wm));
}

void pcfg_set_bar_addr(struct pcfg *c, unsigned int index, uint64_t addr)
{
	unsigned int off;

	if (index >= PCFG_NUM_BARS || !c->bars[index].size)
		return;
	off = cs_bar_off(index);
	cs_put_masked(c, off, (uint32_t)addr);
	if (c->bars[index].flags & PCIEM_BAR_FLAG_MEM64)
		cs_put_masked(c, off + 4, (uint32_t)(addr >> 32));
}

uint64_t pcfg_bar_addr(const struct pcfg *c, unsigned int index)
{
	unsigned int off;
	uint64_t addr;

	if (index >= PCFG_NUM_BARS || !c->bars[index].size)
		return 0;
	off = cs_bar_off(index);
	addr = cs_get(c->data, off, 4) & ~CS_BAR_LOW_BITS;
	if (c->bars[index].flags & PCIEM_BAR_FLAG_MEM64)
		addr |= (uint64_t)cs_get(c->data, off + 4, 4) << 32;
	return addr;
}

/* ---- Capability builders --------------------------------------------------- */

/*
 * Check a description and return the number of bytes the capability takes
 * (> 0), or -EINVAL.  *ext tells which list it belongs to.
 */
static int cs_cap_len(const struct pciem_cap_config *cap, bool *ext)
{
	const struct pciem_cap_msi_userspace *msi = &cap->msi;
	const struct pciem_cap_msix_userspace *msix = &cap->msix;
	const struct pciem_cap_pasid_userspace *pasid = &cap->pasid;
	const struct pciem_cap_vsec_userspace *vsec = &cap->vsec;

	*ext = false;
	switch (cap->cap_type) {
	case PCIEM_CAP_MSI:
		if (msi->num_vectors_log2 > 5 || msi->has_64bit > 1 ||
		    msi->has_masking > 1 || msi->reserved)
			return -EINVAL;
		return 0x0a + (msi->has_64bit ? 4 : 0) + (msi->has_masking ? 0x0a : 0);
	case PCIEM_CAP_MSIX:
		if (msix->table_size == 0 || msix->table_size > 2048 ||
		    msix->bar_index >= PCFG_NUM_BARS ||
		    (msix->table_offset & 7) || (msix->pba_offset & 7) ||
		    msix->reserved[0] || msix->reserved[1] || msix->reserved[2] ||
		    msix->reserved2)
			return -EINVAL;
		return PCI_CAP_MSIX_SIZEOF;
	case PCIEM_CAP_PM:
		return PCI_PM_SIZEOF;
	case PCIEM_CAP_PCIE:
		return CS_EXP_LEN;
	case PCIEM_CAP_VSEC:
		*ext = true;
		if (vsec->vsec_rev > 0xf || vsec->reserved || vsec->reserved2)
			return -EINVAL;
		if (vsec->length == 0)
			return PCFG_VSEC_DEFAULT_LENGTH;
		if ((vsec->length & 3) || vsec->length < CS_VNDR_MIN_LEN ||
		    vsec->length > CS_VNDR_MAX_LEN)
			return -EINVAL;
		return vsec->length;
	case PCIEM_CAP_PASID:
		*ext = true;
		if (pasid->max_pasid_width > CS_PASID_MAX_WIDTH ||
		    pasid->execute_permission > 1 || pasid->privileged_mode > 1 ||
		    pasid->reserved)
			return -EINVAL;
		return PCI_EXT_CAP_PASID_SIZEOF;
	default:
		return -EINVAL;
	}
}

static void cs_build_msi(struct pcfg *c, unsigned int off,
			 const struct pciem_cap_msi_userspace *msi)
{
	unsigned int nvec = 1u << msi->num_vectors_log2;
	uint32_t vmask = nvec == 32 ? 0xffffffffu : (1u << nvec) - 1;
	uint16_t flags = (uint16_t)(msi->num_vectors_log2 << 1);

	if (msi->has_64bit)
		flags |= PCI_MSI_FLAGS_64BIT;
	if (msi->has_masking)
		flags |= PCI_MSI_FLAGS_MASKBIT;
	cs_put(c->data, off + PCI_MSI_FLAGS, 2, flags);
	cs_put(c->wmask, off + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	cs_put(c->wmask, off + PCI_MSI_ADDRESS_LO, 4, 0xfffffffcu);	/* dword aligned */
	if (msi->has_64bit)
		cs_put(c->wmask, off + PCI_MSI_ADDRESS_HI, 4, 0xffffffffu);
	cs_put(c->wmask, off + (msi->has_64bit ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 2, 0xffff);
	if (msi->has_masking)
		cs_put(c->wmask, off + (msi->has_64bit ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 4,
		       vmask);
}

static void cs_build_msix(struct pcfg *c, unsigned int off,
			  const struct pciem_cap_msix_userspace *msix)
{
	cs_put(c->data, off + PCI_MSIX_FLAGS, 2, msix->table_size - 1u);
	cs_put(c->wmask, off + PCI_MSIX_FLAGS, 2, CS_MSIX_FLAGS_WMASK);
	cs_put(c->data, off + PCI_MSIX_TABLE, 4, msix->table_offset | msix->bar_index);
	cs_put(c->data, off + PCI_MSIX_PBA, 4, msix->pba_offset | msix->bar_index);
}

static void cs_build_pm(struct pcfg *c, unsigned int off)
{
	cs_put(c->data, off + PCI_PM_PMC, 2, CS_PM_PMC_VALUE);
	cs_put(c->data, off + PCI_PM_CTRL, 2, PCI_PM_CTRL_NO_SOFT_RESET);
	cs_put(c->wmask, off + PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK);
}

static void cs_build_exp(struct pcfg *c, unsigned int off)
{
	cs_put(c->data, off + PCI_EXP_FLAGS, 2, CS_EXP_FLAGS_VALUE);
	cs_put(c->data, off + PCI_EXP_DEVCAP, 4, CS_EXP_DEVCAP_VALUE);
	cs_put(c->data, off + PCI_EXP_DEVCTL, 2, CS_EXP_DEVCTL_VALUE);
	cs_put(c->wmask, off + PCI_EXP_DEVCTL, 2, CS_EXP_DEVCTL_WMASK);
	cs_put(c->w1cmask, off + PCI_EXP_DEVSTA, 2, CS_EXP_DEVSTA_W1C);
	cs_put(c->data, off + PCI_EXP_LNKCAP, 4, CS_EXP_LNKCAP_VALUE);
	cs_put(c->wmask, off + PCI_EXP_LNKCTL, 2, CS_EXP_LNKCTL_WMASK);
	cs_put(c->data, off + PCI_EXP_LNKSTA, 2, CS_EXP_LNKSTA_VALUE);
	cs_put(c->data, off + PCI_EXP_DEVCAP2, 4, CS_EXP_DEVCAP2_VALUE);
	cs_put(c->wmask, off + PCI_EXP_DEVCTL2, 2, CS_EXP_DEVCTL2_WMASK);
	cs_put(c->data, off + PCI_EXP_LNKCAP2, 4, CS_EXP_LNKCAP2_VALUE);
	cs_put(c->data, off + PCI_EXP_LNKCTL2, 2, CS_EXP_LNKCTL2_VALUE);
	cs_put(c->wmask, off + PCI_EXP_LNKCTL2, 2, CS_EXP_LNKCTL2_WMASK);
}

static void cs_build_vsec(struct pcfg *c, unsigned int off, unsigned int len,
			  const struct pciem_cap_vsec_userspace *vsec)
{
	uint32_t hdr = vsec->vsec_id | ((uint32_t)vsec->vsec_rev << 16) |
		       ((uint32_t)len << 20);

	cs_put(c->data, off + PCI_VNDR_HEADER, 4, hdr);
}

static void cs_build_pasid(struct pcfg *c, unsigned int off,
			   const struct pciem_cap_pasid_userspace *pasid)
{
	uint16_t cap = (uint16_t)(pasid->max_pasid_width << CS_PASID_CAP_WIDTH_SHIFT);
	uint16_t ctrl = PCI_PASID_CTRL_ENABLE;

	if (pasid->execute_permission) {
		cap |= PCI_PASID_CAP_EXEC;
		ctrl |= PCI_PASID_CTRL_EXEC;
	}
	if (pasid->privileged_mode) {
		cap |= PCI_PASID_CAP_PRIV;
		ctrl |= PCI_PASID_CTRL_PRIV;
	}
	cs_put(c->data, off + PCI_PASID_CAP, 2, cap);
	cs_put(c->wmask, off + PCI_PASID_CTRL, 2, ctrl);
}

static const uint8_t cs_std_ids[] = {
	[PCIEM_CAP_MSI] = PCI_CAP_ID_MSI,
	[PCIEM_CAP_MSIX] = PCI_CAP_ID_MSIX,
	[PCIEM_CAP_PM] = PCI_CAP_ID_PM,
	[PCIEM_CAP_PCIE] = PCI_CAP_ID_EXP,
};

int pcfg_add_cap(struct pcfg *c, const struct pciem_cap_config *cap)
{
	unsigned int off, len;
	bool ext;
	int ret;

	if (c->finalized)
		return -EBUSY;
	ret = cs_cap_len(cap, &ext);
	if (ret < 0)
		return ret;
	len = (unsigned int)ret;
	if (pcfg_find_cap(c, cap->cap_type))
		return -EEXIST;
	if (c->ncaps >= PCFG_MAX_CAPS)
		return -ENOSPC;
	off = ext ? c->ext_next : c->std_next;
	if (off + len > (ext ? PCFG_SIZE : PCFG_STD_SIZE))
		return -ENOSPC;

	switch (cap->cap_type) {
	case PCIEM_CAP_MSI:
		cs_build_msi(c, off, &cap->msi);
		break;
	case PCIEM_CAP_MSIX:
		cs_build_msix(c, off, &cap->msix);
		break;
	case PCIEM_CAP_PM:
		cs_build_pm(c, off);
		break;
	case PCIEM_CAP_PCIE:
		cs_build_exp(c, off);
		break;
	case PCIEM_CAP_VSEC:
		cs_build_vsec(c, off, len, &cap->vsec);
		break;
	case PCIEM_CAP_PASID:
		cs_build_pasid(c, off, &cap->pasid);
		break;
	}

	if (ext) {
		uint16_t id = cap->cap_type == PCIEM_CAP_VSEC ?
			      PCI_EXT_CAP_ID_VNDR : PCI_EXT_CAP_ID_PASID;

		/* Next Capability Offset 0: the end of the list, for now. */
		cs_put(c->data, off, 4, id | (1u << CS_EXT_HDR_VER_SHIFT));
		if (c->ext_last)
			cs_put(c->data, c->ext_last, 4, cs_get(c->data, c->ext_last, 4) |
			       ((uint32_t)off << CS_EXT_HDR_NEXT_SHIFT));
		c->ext_last = (uint16_t)off;
		c->ext_next = (uint16_t)((off + len + 3) & ~3u);
	} else {
		c->data[off + PCI_CAP_LIST_ID] = cs_std_ids[cap->cap_type];
		c->data[off + PCI_CAP_LIST_NEXT] = 0;
		c->data[c->std_last ? c->std_last + PCI_CAP_LIST_NEXT : PCI_CAPABILITY_LIST] =
			(uint8_t)off;
		c->std_last = (uint16_t)off;
		c->std_next = (uint16_t)((off + len + 3) & ~3u);
	}
	c->caps[c->ncaps].type = cap->cap_type;
	c->caps[c->ncaps].offset = (uint16_t)off;
	c->caps[c->ncaps].len = (uint16_t)len;
	c->ncaps++;
	return (int)off;
}

const struct pcfg_cap *pcfg_find_cap(const struct pcfg *c, uint32_t type)
{
	unsigned int i;

	for (i = 0; i < c->ncaps; i++)
		if (c->caps[i].type == type)
			return &c->caps[i];
	return NULL;
}

bool pcfg_msix_layout(const struct pcfg *c, struct pcfg_msix_layout *l)
{
	unsigned int off = cs_cap_off(c, PCIEM_CAP_MSIX);
	uint32_t table, pba;

	if (!off)
		return false;
	table = cs_get(c->data, off + PCI_MSIX_TABLE, 4);
	pba = cs_get(c->data, off + PCI_MSIX_PBA, 4);
	l->cap = off;
	l->size = (cs_get(c->data, off + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE) + 1;
	l->table_bar = table & PCI_MSIX_TABLE_BIR;
	l->table_off = table & PCI_MSIX_TABLE_OFFSET;
	l->table_len = l->size * PCI_MSIX_ENTRY_SIZE;
	l->pba_bar = pba & PCI_MSIX_PBA_BIR;
	l->pba_off = pba & PCI_MSIX_PBA_OFFSET;
	l->pba_len = (l->size + 63) / 64 * 8;
	return true;
}

/* ---- Finalize and reset ---------------------------------------------------- */

/* Whether [off, off + len) lies inside implemented BAR @bir. */
static bool cs_fits_bar(const struct pcfg *c, unsigned int bir, uint64_t off, uint64_t len)
{
	const struct pcfg_bar *bar;

	if (bir >= PCFG_NUM_BARS)
		return false;
	bar = &c->bars[bir];
	return bar->size && !bar->upper && off < bar->size && len <= bar->size - off;
}

static int cs_check_msix(const struct pcfg *c)
{
	struct pcfg_msix_layout l;

	if (!pcfg_msix_layout(c, &l))
		return 0;
	if (!cs_fits_bar(c, l.table_bar, l.table_off, l.table_len) ||
	    !cs_fits_bar(c, l.pba_bar, l.pba_off, l.pba_len))
		return -EINVAL;
	if (l.table_bar == l.pba_bar) {
		uint64_t t = l.table_off, p = l.pba_off;

		if (t < p + l.pba_len && p < t + l.table_len)
			return -EINVAL;
	}
	return 0;
}

int pcfg_finalize(struct pcfg *c)
{
	int ret;

	if (c->finalized)
		return -EBUSY;
	if (!c->ids_set)
		return -ENODATA;
	ret = cs_check_msix(c);
	if (ret)
		return ret;
	if (c->ext_last && !pcfg_find_cap(c, PCIEM_CAP_PCIE))
		return -EINVAL;

	if (c->std_last)
		c->data[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	c->finalized = true;
	pcfg_snapshot_reset_state(c);
	return 0;
}

void pcfg_snapshot_reset_state(struct pcfg *c)
{
	memcpy(c->reset_data, c->data, PCFG_SIZE);
}

void pcfg_reset(struct pcfg *c)
{
	memcpy(c->data, c->reset_data, PCFG_SIZE);
	c->pending = 0;
}

/* ---- Configuration cycles -------------------------------------------------- */

uint32_t pcfg_read(const struct pcfg *c, unsigned int off, unsigned int size)
{
	if (!cs_access_ok(off, size))
		return size && size < 4 ? (1u << (8 * size)) - 1 : 0xffffffffu;
	return cs_get(c->data, off, size);
}

/* Whether byte @reg lies in the access [off, off + size). */
static bool cs_hit(unsigned int reg, unsigned int off, unsigned int size)
{
	return reg >= off && reg < off + size;
}

/* Side effects masks cannot express; @old holds the bytes before the write. */
static void cs_write_effects(struct pcfg *c, unsigned int off, unsigned int size,
			     const uint8_t *old)
{
	unsigned int cap, reg;

	cap = cs_cap_off(c, PCIEM_CAP_PM);
	reg = cap + PCI_PM_CTRL;
	if (cap && cs_hit(reg, off, size)) {
		uint8_t state = c->data[reg] & PCI_PM_CTRL_STATE_MASK;

		/* D1 and D2 are not supported: the data is discarded. */
		if (state == 1 || state == 2)
			c->data[reg] = (uint8_t)((c->data[reg] & ~PCI_PM_CTRL_STATE_MASK) |
						 (old[reg - off] & PCI_PM_CTRL_STATE_MASK));
	}

	cap = cs_cap_off(c, PCIEM_CAP_MSI);
	reg = cap + PCI_MSI_FLAGS;
	if (cap && cs_hit(reg, off, size)) {
		unsigned int mmc = (c->data[reg] & PCI_MSI_FLAGS_QMASK) >> 1;
		unsigned int mme = (c->data[reg] & PCI_MSI_FLAGS_QSIZE) >> 4;

		if (mme > mmc)
			c->data[reg] = (uint8_t)((c->data[reg] & ~PCI_MSI_FLAGS_QSIZE) |
						 (mmc << 4));
	}

	cap = cs_cap_off(c, PCIEM_CAP_PCIE);
	reg = cap + PCI_EXP_DEVCTL + 1;
	if (cap && cs_hit(reg, off, size) && (c->data[reg] & CS_EXP_DEVCTL_FLR_HI)) {
		/* Initiate Function Level Reset: reads as 0, the owner resets. */
		c->data[reg] &= (uint8_t)~CS_EXP_DEVCTL_FLR_HI;
		c->pending |= PCFG_PENDING_FLR;
	}
}

void pcfg_write(struct pcfg *c, unsigned int off, unsigned int size, uint32_t val)
{
	uint8_t old[4];
	unsigned int i;

	if (!cs_access_ok(off, size))
		return;
	for (i = 0; i < size; i++) {
		unsigned int o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t wm = c->wmask[o];

		old[i] = c->data[o];
		c->data[o] = (uint8_t)(((old[i] & ~wm) | (b & wm)) & ~(b & c->w1cmask[o]));
	}
	cs_write_effects(c, off, size, old);
}

uint32_t pcfg_take_pending(struct pcfg *c)
{
	uint32_t p = c->pending;

	c->pending = 0;
	return p;
}

void pcfg_set_intx_status(struct pcfg *c, bool asserted)
{
	if (asserted)
		c->data[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		c->data[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
}

/* ---- The device's own writes ---------------------------------------------- */

/*
 * Bits of byte @off that the device may not change: what the host side owns
 * (Command, BARs, Interrupt Line), what pciem.ko drives (Interrupt Status,
 * the MSI and MSI-X capabilities it delivers from), and what software walks
 * to find everything else (IDs, Header Type, the capability lists).
 */
static uint8_t cs_device_protected(const struct pcfg *c, unsigned int off)
{
	unsigned int i;

	if (off == PCI_STATUS)
		return PCI_STATUS_INTERRUPT | PCI_STATUS_CAP_LIST;
	if (off == PCI_STATUS + 1)
		return 0;	/* error bits: the device's to set */
	if (off < PCI_REVISION_ID || off == PCI_HEADER_TYPE ||
	    (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4 * PCFG_NUM_BARS) ||
	    off == PCI_CAPABILITY_LIST || off == PCI_INTERRUPT_LINE || off == PCI_INTERRUPT_PIN)
		return 0xff;
	for (i = 0; i < c->ncaps; i++) {
		const struct pcfg_cap *cap = &c->caps[i];
		unsigned int head;

		if (off < cap->offset || off >= cap->offset + cap->len)
			continue;
		switch (cap->type) {
		case PCIEM_CAP_MSI:
		case PCIEM_CAP_MSIX:
			return 0xff;
		case PCIEM_CAP_VSEC:
			head = 8;	/* header and VSEC ID/revision/length */
			break;
		case PCIEM_CAP_PASID:
			head = 4;
			break;
		case PCIEM_CAP_PCIE:
			/* and PCI Express Capabilities: the port type the PCI core trusts */
			head = 4;
			break;
		default:
			head = 2;	/* Capability ID, Next Pointer */
			break;
		}
		return off < cap->offset + head ? 0xff : 0;
	}
	return 0;
}

int pcfg_device_write(struct pcfg *c, unsigned int off, unsigned int size, uint32_t val)
{
	unsigned int i;

	if (!cs_access_ok(off, size))
		return -EINVAL;
	for (i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));

		if ((b ^ c->data[off + i]) & cs_device_protected(c, off + i))
			return -EACCES;
	}
	for (i = 0; i < size; i++) {
		unsigned int o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t ro = (uint8_t)~(c->wmask[o] | c->w1cmask[o]);

		c->data[o] = b;
		/* Read-only bits are the device's constants: a reset keeps them. */
		c->reset_data[o] = (uint8_t)((c->reset_data[o] & ~ro) | (b & ro));
	}
	return 0;
}

int pcfg_device_access(struct pcfg *c, uint32_t off, uint32_t size, uint32_t flags,
		       uint64_t *value)
{
	const uint32_t ops = PCIEM_CONFIG_ACCESS_WRITE | PCIEM_CONFIG_ACCESS_SET |
			     PCIEM_CONFIG_ACCESS_CLEAR;
	uint32_t old, v = (uint32_t)*value;
	int ret = 0;

	if ((flags & ~ops) || (flags & (flags - 1)) || !cs_access_ok(off, size))
		return -EINVAL;
	if (flags && size < 8 && (*value >> (8 * size)))
		return -EINVAL;
	old = pcfg_read(c, off, size);
	if (flags & PCIEM_CONFIG_ACCESS_SET)
		ret = pcfg_device_write(c, off, size, old | v);
	else if (flags & PCIEM_CONFIG_ACCESS_CLEAR)
		ret = pcfg_device_write(c, off, size, old & ~v);
	else if (flags & PCIEM_CONFIG_ACCESS_WRITE)
		ret = pcfg_device_write(c, off, size, v);
	if (ret == 0)
		*value = old;
	return ret;
}
