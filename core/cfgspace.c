// SPDX-License-Identifier: GPL-2.0-only
/*
 * cfgspace.c - the configuration space model of one emulated PCIe function.
 *
 * Freestanding C compiled into pciem.ko and into the host tests; see
 * cfgspace.h for the API.  Register offsets and bit values follow the PCI
 * Local Bus 3.0 and PCI Express Base specifications (the names in comments
 * are those of <linux/pci_regs.h>).  All private names carry a cs_/CS_
 * prefix so that this file can be #included next to kernel headers.
 */
#include "cfgspace.h"

/* ---- Type 0 header -------------------------------------------------------- */

#define CS_VENDOR_ID		0x00	/* PCI_VENDOR_ID */
#define CS_DEVICE_ID		0x02	/* PCI_DEVICE_ID */
#define CS_COMMAND		0x04	/* PCI_COMMAND */
#define CS_STATUS		0x06	/* PCI_STATUS */
#define CS_REVISION		0x08	/* PCI_REVISION_ID */
#define CS_CLASS_PROG		0x09	/* PCI_CLASS_PROG, then subclass, base class */
#define CS_CACHE_LINE		0x0c	/* PCI_CACHE_LINE_SIZE */
#define CS_HEADER_TYPE		0x0e	/* PCI_HEADER_TYPE */
#define CS_BAR0			0x10	/* PCI_BASE_ADDRESS_0 */
#define CS_SUBSYS_VENDOR	0x2c	/* PCI_SUBSYSTEM_VENDOR_ID */
#define CS_SUBSYS_ID		0x2e	/* PCI_SUBSYSTEM_ID */
#define CS_CAP_PTR		0x34	/* PCI_CAPABILITY_LIST */
#define CS_INT_LINE		0x3c	/* PCI_INTERRUPT_LINE */
#define CS_INT_PIN		0x3d	/* PCI_INTERRUPT_PIN */

/* Memory Space, Bus Master, Parity Error Response, SERR# Enable, INTx Disable */
#define CS_COMMAND_WMASK	0x0546
/* Master Data Parity Error, Signaled/Received Target Abort, Received Master
 * Abort, Signaled System Error, Detected Parity Error
 */
#define CS_STATUS_W1C		0xf900
#define CS_STATUS_INTX		0x08	/* PCI_STATUS_INTERRUPT */
#define CS_STATUS_CAP_LIST	0x10	/* PCI_STATUS_CAP_LIST */

#define CS_BAR_LOW_BITS		0xfu
#define CS_BAR_FLAGS		(PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH)

#define CS_STD_FIRST		0x40	/* first byte after the type 0 header */
#define CS_EXT_FIRST		0x100	/* the extended list starts here */

/* ---- Capabilities ---------------------------------------------------------- */

#define CS_CAP_ID_PM		0x01	/* PCI_CAP_ID_PM */
#define CS_CAP_ID_MSI		0x05	/* PCI_CAP_ID_MSI */
#define CS_CAP_ID_EXP		0x10	/* PCI_CAP_ID_EXP */
#define CS_CAP_ID_MSIX		0x11	/* PCI_CAP_ID_MSIX */
#define CS_EXT_CAP_ID_VNDR	0x000b	/* PCI_EXT_CAP_ID_VNDR */
#define CS_EXT_CAP_ID_PASID	0x001b	/* PCI_EXT_CAP_ID_PASID */

/* MSI (PCI_MSI_*) */
#define CS_MSI_FLAGS		0x02
#define CS_MSI_FLAGS_ENABLE	0x0001
#define CS_MSI_FLAGS_QMASK	0x000e	/* Multiple Message Capable */
#define CS_MSI_FLAGS_QSIZE	0x0070	/* Multiple Message Enable */
#define CS_MSI_FLAGS_64BIT	0x0080
#define CS_MSI_FLAGS_MASKBIT	0x0100
#define CS_MSI_ADDRESS_LO	0x04

/* MSI-X (PCI_MSIX_*) */
#define CS_MSIX_FLAGS		0x02
#define CS_MSIX_FLAGS_WMASK	0xc000	/* Function Mask, MSI-X Enable */
#define CS_MSIX_TABLE		0x04
#define CS_MSIX_PBA		0x08
#define CS_MSIX_LEN		12
#define CS_MSIX_BIR		0x7u
#define CS_MSIX_ENTRY_SIZE	16

/* Power management (PCI_PM_*) */
#define CS_PM_PMC		0x02
#define CS_PM_PMC_VALUE		0x0003	/* version 3; no D1, D2, PME */
#define CS_PM_CTRL		0x04
#define CS_PM_CTRL_STATE	0x0003
#define CS_PM_CTRL_NO_SOFT_RST	0x0008
#define CS_PM_LEN		8

/* PCI Express capability (PCI_EXP_*), version 2, Endpoint */
#define CS_EXP_FLAGS		0x02
#define CS_EXP_FLAGS_VALUE	0x0002
#define CS_EXP_DEVCAP		0x04
#define CS_EXP_DEVCAP_VALUE	0x10008fe1
#define CS_EXP_DEVCTL		0x08
#define CS_EXP_DEVCTL_VALUE	0x2810
#define CS_EXP_DEVCTL_WMASK	0xf9ff
#define CS_EXP_DEVCTL_FLR_HI	0x80	/* PCI_EXP_DEVCTL_BCR_FLR, in the high byte */
#define CS_EXP_DEVSTA		0x0a
#define CS_EXP_DEVSTA_W1C	0x000f
#define CS_EXP_LNKCAP		0x0c
#define CS_EXP_LNKCAP_VALUE	0x00000043
#define CS_EXP_LNKCTL		0x10
#define CS_EXP_LNKCTL_WMASK	0x00cb
#define CS_EXP_LNKSTA		0x12
#define CS_EXP_LNKSTA_VALUE	0x1043
#define CS_EXP_DEVCAP2		0x24
#define CS_EXP_DEVCAP2_VALUE	0x0000001f
#define CS_EXP_DEVCTL2		0x28
#define CS_EXP_DEVCTL2_WMASK	0x001f
#define CS_EXP_LNKCAP2		0x2c
#define CS_EXP_LNKCAP2_VALUE	0x0000000e
#define CS_EXP_LNKCTL2		0x30
#define CS_EXP_LNKCTL2_VALUE	0x0003
#define CS_EXP_LNKCTL2_WMASK	0xffbf
#define CS_EXP_LEN		0x3c

/* Vendor-specific extended capability (PCI_VNDR_*) */
#define CS_VNDR_HEADER		0x04
#define CS_VNDR_MIN_LEN		8
#define CS_VNDR_MAX_LEN		256

/* PASID (PCI_PASID_*) */
#define CS_PASID_CAP		0x04
#define CS_PASID_CAP_EXEC	0x0002
#define CS_PASID_CAP_PRIV	0x0004
#define CS_PASID_CAP_WIDTH_SHIFT 8
#define CS_PASID_CTRL		0x06
#define CS_PASID_CTRL_ENABLE	0x0001
#define CS_PASID_CTRL_EXEC	0x0002
#define CS_PASID_CTRL_PRIV	0x0004
#define CS_PASID_LEN		8
#define CS_PASID_MAX_WIDTH	20

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
	return CS_BAR0 + 4 * index;
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
	cs_put(c->wmask, CS_COMMAND, 2, CS_COMMAND_WMASK);
	cs_put(c->w1cmask, CS_STATUS, 2, CS_STATUS_W1C);
	c->wmask[CS_CACHE_LINE] = 0xff;
	c->wmask[CS_INT_LINE] = 0xff;
	c->data[CS_INT_PIN] = PCFG_DEFAULT_INTX_PIN;
	c->std_next = CS_STD_FIRST;
	c->ext_next = CS_EXT_FIRST;
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

	cs_put(c->data, CS_VENDOR_ID, 2, ids->vendor_id);
	cs_put(c->data, CS_DEVICE_ID, 2, ids->device_id);
	c->data[CS_REVISION] = ids->revision;
	for (i = 0; i < 3; i++)
		c->data[CS_CLASS_PROG + i] = ids->class_code[i];
	c->data[CS_HEADER_TYPE] = ids->header_type;
	cs_put(c->data, CS_SUBSYS_VENDOR, 2, ids->subsys_vendor_id);
	cs_put(c->data, CS_SUBSYS_ID, 2, ids->subsys_device_id);
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
		return CS_MSIX_LEN;
	case PCIEM_CAP_PM:
		return CS_PM_LEN;
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
		return CS_PASID_LEN;
	default:
		return -EINVAL;
	}
}

static void cs_build_msi(struct pcfg *c, unsigned int off,
			 const struct pciem_cap_msi_userspace *msi)
{
	unsigned int nvec = 1u << msi->num_vectors_log2;
	uint32_t vmask = nvec == 32 ? 0xffffffffu : (1u << nvec) - 1;
	unsigned int data_off = off + CS_MSI_ADDRESS_LO + 4;
	uint16_t flags = (uint16_t)(msi->num_vectors_log2 << 1);

	if (msi->has_64bit)
		flags |= CS_MSI_FLAGS_64BIT;
	if (msi->has_masking)
		flags |= CS_MSI_FLAGS_MASKBIT;
	cs_put(c->data, off + CS_MSI_FLAGS, 2, flags);
	cs_put(c->wmask, off + CS_MSI_FLAGS, 2, CS_MSI_FLAGS_ENABLE | CS_MSI_FLAGS_QSIZE);
	cs_put(c->wmask, off + CS_MSI_ADDRESS_LO, 4, 0xfffffffcu);
	if (msi->has_64bit) {
		cs_put(c->wmask, data_off, 4, 0xffffffffu);	/* Upper Address */
		data_off += 4;
	}
	cs_put(c->wmask, data_off, 2, 0xffff);			/* Message Data */
	if (msi->has_masking)
		cs_put(c->wmask, data_off + 4, 4, vmask);	/* Mask Bits */
}

static void cs_build_msix(struct pcfg *c, unsigned int off,
			  const struct pciem_cap_msix_userspace *msix)
{
	cs_put(c->data, off + CS_MSIX_FLAGS, 2, msix->table_size - 1u);
	cs_put(c->wmask, off + CS_MSIX_FLAGS, 2, CS_MSIX_FLAGS_WMASK);
	cs_put(c->data, off + CS_MSIX_TABLE, 4, msix->table_offset | msix->bar_index);
	cs_put(c->data, off + CS_MSIX_PBA, 4, msix->pba_offset | msix->bar_index);
}

static void cs_build_pm(struct pcfg *c, unsigned int off)
{
	cs_put(c->data, off + CS_PM_PMC, 2, CS_PM_PMC_VALUE);
	cs_put(c->data, off + CS_PM_CTRL, 2, CS_PM_CTRL_NO_SOFT_RST);
	cs_put(c->wmask, off + CS_PM_CTRL, 2, CS_PM_CTRL_STATE);
}

static void cs_build_exp(struct pcfg *c, unsigned int off)
{
	cs_put(c->data, off + CS_EXP_FLAGS, 2, CS_EXP_FLAGS_VALUE);
	cs_put(c->data, off + CS_EXP_DEVCAP, 4, CS_EXP_DEVCAP_VALUE);
	cs_put(c->data, off + CS_EXP_DEVCTL, 2, CS_EXP_DEVCTL_VALUE);
	cs_put(c->wmask, off + CS_EXP_DEVCTL, 2, CS_EXP_DEVCTL_WMASK);
	cs_put(c->w1cmask, off + CS_EXP_DEVSTA, 2, CS_EXP_DEVSTA_W1C);
	cs_put(c->data, off + CS_EXP_LNKCAP, 4, CS_EXP_LNKCAP_VALUE);
	cs_put(c->wmask, off + CS_EXP_LNKCTL, 2, CS_EXP_LNKCTL_WMASK);
	cs_put(c->data, off + CS_EXP_LNKSTA, 2, CS_EXP_LNKSTA_VALUE);
	cs_put(c->data, off + CS_EXP_DEVCAP2, 4, CS_EXP_DEVCAP2_VALUE);
	cs_put(c->wmask, off + CS_EXP_DEVCTL2, 2, CS_EXP_DEVCTL2_WMASK);
	cs_put(c->data, off + CS_EXP_LNKCAP2, 4, CS_EXP_LNKCAP2_VALUE);
	cs_put(c->data, off + CS_EXP_LNKCTL2, 2, CS_EXP_LNKCTL2_VALUE);
	cs_put(c->wmask, off + CS_EXP_LNKCTL2, 2, CS_EXP_LNKCTL2_WMASK);
}

static void cs_build_vsec(struct pcfg *c, unsigned int off, unsigned int len,
			  const struct pciem_cap_vsec_userspace *vsec)
{
	uint32_t hdr = vsec->vsec_id | ((uint32_t)vsec->vsec_rev << 16) |
		       ((uint32_t)len << 20);

	cs_put(c->data, off + CS_VNDR_HEADER, 4, hdr);
}

static void cs_build_pasid(struct pcfg *c, unsigned int off,
			   const struct pciem_cap_pasid_userspace *pasid)
{
	uint16_t cap = (uint16_t)(pasid->max_pasid_width << CS_PASID_CAP_WIDTH_SHIFT);
	uint16_t ctrl = CS_PASID_CTRL_ENABLE;

	if (pasid->execute_permission) {
		cap |= CS_PASID_CAP_EXEC;
		ctrl |= CS_PASID_CTRL_EXEC;
	}
	if (pasid->privileged_mode) {
		cap |= CS_PASID_CAP_PRIV;
		ctrl |= CS_PASID_CTRL_PRIV;
	}
	cs_put(c->data, off + CS_PASID_CAP, 2, cap);
	cs_put(c->wmask, off + CS_PASID_CTRL, 2, ctrl);
}

static const uint8_t cs_std_ids[] = {
	[PCIEM_CAP_MSI] = CS_CAP_ID_MSI,
	[PCIEM_CAP_MSIX] = CS_CAP_ID_MSIX,
	[PCIEM_CAP_PM] = CS_CAP_ID_PM,
	[PCIEM_CAP_PCIE] = CS_CAP_ID_EXP,
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
			      CS_EXT_CAP_ID_VNDR : CS_EXT_CAP_ID_PASID;

		/* Next Capability Offset 0: the end of the list, for now. */
		cs_put(c->data, off, 4, id | (1u << CS_EXT_HDR_VER_SHIFT));
		if (c->ext_last)
			cs_put(c->data, c->ext_last, 4, cs_get(c->data, c->ext_last, 4) |
			       ((uint32_t)off << CS_EXT_HDR_NEXT_SHIFT));
		c->ext_last = (uint16_t)off;
		c->ext_next = (uint16_t)((off + len + 3) & ~3u);
	} else {
		c->data[off] = cs_std_ids[cap->cap_type];
		c->data[off + 1] = 0;
		c->data[c->std_last ? c->std_last + 1u : CS_CAP_PTR] = (uint8_t)off;
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
	unsigned int off = cs_cap_off(c, PCIEM_CAP_MSIX);
	uint32_t table, pba, tlen, plen, nent;

	if (!off)
		return 0;
	nent = (cs_get(c->data, off + CS_MSIX_FLAGS, 2) & 0x7ff) + 1;
	table = cs_get(c->data, off + CS_MSIX_TABLE, 4);
	pba = cs_get(c->data, off + CS_MSIX_PBA, 4);
	tlen = nent * CS_MSIX_ENTRY_SIZE;
	plen = (nent + 63) / 64 * 8;

	if (!cs_fits_bar(c, table & CS_MSIX_BIR, table & ~CS_MSIX_BIR, tlen) ||
	    !cs_fits_bar(c, pba & CS_MSIX_BIR, pba & ~CS_MSIX_BIR, plen))
		return -EINVAL;
	if ((table & CS_MSIX_BIR) == (pba & CS_MSIX_BIR)) {
		uint64_t t = table & ~CS_MSIX_BIR, p = pba & ~CS_MSIX_BIR;

		if (t < p + plen && p < t + tlen)
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
		c->data[CS_STATUS] |= CS_STATUS_CAP_LIST;
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
	reg = cap + CS_PM_CTRL;
	if (cap && cs_hit(reg, off, size)) {
		uint8_t state = c->data[reg] & CS_PM_CTRL_STATE;

		/* D1 and D2 are not supported: the data is discarded. */
		if (state == 1 || state == 2)
			c->data[reg] = (uint8_t)((c->data[reg] & ~CS_PM_CTRL_STATE) |
						 (old[reg - off] & CS_PM_CTRL_STATE));
	}

	cap = cs_cap_off(c, PCIEM_CAP_MSI);
	reg = cap + CS_MSI_FLAGS;
	if (cap && cs_hit(reg, off, size)) {
		unsigned int mmc = (c->data[reg] & CS_MSI_FLAGS_QMASK) >> 1;
		unsigned int mme = (c->data[reg] & CS_MSI_FLAGS_QSIZE) >> 4;

		if (mme > mmc)
			c->data[reg] = (uint8_t)((c->data[reg] & ~CS_MSI_FLAGS_QSIZE) |
						 (mmc << 4));
	}

	cap = cs_cap_off(c, PCIEM_CAP_PCIE);
	reg = cap + CS_EXP_DEVCTL + 1;
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
		c->data[CS_STATUS] |= CS_STATUS_INTX;
	else
		c->data[CS_STATUS] &= (uint8_t)~CS_STATUS_INTX;
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

	if (off == CS_STATUS)
		return CS_STATUS_INTX | CS_STATUS_CAP_LIST;
	if (off == CS_STATUS + 1)
		return 0;	/* error bits: the device's to set */
	if (off < CS_REVISION || (off >= CS_BAR0 && off < CS_BAR0 + 4 * PCFG_NUM_BARS) ||
	    off == CS_HEADER_TYPE || off == CS_CAP_PTR || off == CS_INT_LINE ||
	    off == CS_INT_PIN)
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
