// SPDX-License-Identifier: BSD-2-Clause
/*
 * "pciconf -lc" (capabilities and extended capabilities) and "pciconf -le"
 * (error status), in FreeBSD pciconf(8)'s format.  Capability chains are
 * walked with a step limit, so a looping chain cannot hang the tool.
 */
#include <inttypes.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "pciconf.h"

#define RD(io, p, reg, w) ((io)->read((io)->ctx, &(p)->pc_sel, (reg), (w)))
#define INDENT "                 "

#ifndef PCI_HEADER_TYPE_MASK
#define PCI_HEADER_TYPE_MASK 0x7f
#endif

struct capctx {
	FILE *out;
	const struct pciconf_io *io;
	const struct pci_conf *p;
	int level;
};

/* ---- standard capabilities ----------------------------------------------- */

static void cap_power(struct capctx *c, int ptr)
{
	uint16_t cap = RD(c->io, c->p, ptr + PCI_PM_PMC, 2);
	uint16_t sta = RD(c->io, c->p, ptr + PCI_PM_CTRL, 2);

	fprintf(c->out, "powerspec %d  supports D0%s%s D3  current D%d",
		cap & PCI_PM_CAP_VER_MASK, cap & PCI_PM_CAP_D1 ? " D1" : "",
		cap & PCI_PM_CAP_D2 ? " D2" : "", sta & PCI_PM_CTRL_STATE_MASK);
}

static void cap_agp(struct capctx *c, int ptr)
{
	uint32_t status = RD(c->io, c->p, ptr + PCI_AGP_STATUS, 4);
	uint32_t command = RD(c->io, c->p, ptr + PCI_AGP_COMMAND, 4);
	unsigned int srate = status & 0x7, crate = command & 0x7;

	fprintf(c->out, "AGP ");
	if (status & 0x8) {		/* AGP 3.0 mode */
		fprintf(c->out, "v3 ");
		if (srate & 0x2)
			fprintf(c->out, "8x ");
		if (srate & 0x1)
			fprintf(c->out, "4x ");
	} else {
		if (srate & 0x4)
			fprintf(c->out, "4x ");
		if (srate & 0x2)
			fprintf(c->out, "2x ");
		if (srate & 0x1)
			fprintf(c->out, "1x ");
	}
	if (status & PCI_AGP_STATUS_SBA)
		fprintf(c->out, "SBA ");
	if (!(command & PCI_AGP_COMMAND_AGP)) {
		fprintf(c->out, "disabled");
		return;
	}
	fprintf(c->out, "enabled at ");
	if (command & 0x8) {
		fprintf(c->out, "v3 ");
		if (crate == 0x2)
			fprintf(c->out, "8x ");
		else if (crate == 0x1)
			fprintf(c->out, "4x ");
	} else if (crate == 0x4) {
		fprintf(c->out, "4x ");
	} else if (crate == 0x2) {
		fprintf(c->out, "2x ");
	} else if (crate == 0x1) {
		fprintf(c->out, "1x ");
	}
	if (command & PCI_AGP_COMMAND_SBA)
		fprintf(c->out, "SBA ");
}

static void cap_msi(struct capctx *c, int ptr)
{
	uint16_t ctrl = RD(c->io, c->p, ptr + PCI_MSI_FLAGS, 2);
	int n = 1 << ((ctrl & PCI_MSI_FLAGS_QMASK) >> 1);

	fprintf(c->out, "MSI supports %d message%s%s%s ", n, n == 1 ? "" : "s",
		ctrl & PCI_MSI_FLAGS_64BIT ? ", 64 bit" : "",
		ctrl & PCI_MSI_FLAGS_MASKBIT ? ", vector masks" : "");
	if (ctrl & PCI_MSI_FLAGS_ENABLE) {
		n = 1 << ((ctrl & PCI_MSI_FLAGS_QSIZE) >> 4);
		fprintf(c->out, "enabled with %d message%s", n,
			n == 1 ? "" : "s");
	}
}

static void cap_pcix(struct capctx *c, int ptr)
{
	static const int splits[8] = { 1, 2, 3, 4, 8, 12, 16, 32 };
	uint32_t status = RD(c->io, c->p, ptr + PCI_X_STATUS, 4);
	int bridge = (c->p->pc_hdr & PCI_HEADER_TYPE_MASK) == 1;
	const char *sep = "";
	int max_splits, burst;

	fprintf(c->out, "PCI-X ");
	if (status & PCI_X_STATUS_64BIT)
		fprintf(c->out, "64-bit ");
	if (bridge)
		fprintf(c->out, "bridge ");
	if (!bridge || (status & (PCI_X_STATUS_133MHZ | PCI_X_STATUS_266MHZ |
				  PCI_X_STATUS_533MHZ)))
		fprintf(c->out, "supports");
	if (status & PCI_X_STATUS_133MHZ) {
		fprintf(c->out, " 133MHz");
		sep = ",";
	}
	if (status & PCI_X_STATUS_266MHZ) {
		fprintf(c->out, "%s 266MHz", sep);
		sep = ",";
	}
	if (status & PCI_X_STATUS_533MHZ) {
		fprintf(c->out, "%s 533MHz", sep);
		sep = ",";
	}
	if (bridge)
		return;
	burst = 512 << ((status & PCI_X_STATUS_MAX_READ) >> 21);
	max_splits = splits[(status & PCI_X_STATUS_MAX_SPLIT) >> 23];
	fprintf(c->out, "%s %d burst read, %d split transaction%s", sep, burst,
		max_splits, max_splits == 1 ? "" : "s");
}

static void cap_ht(struct capctx *c, int ptr)
{
	static const struct {
		uint16_t type;
		const char *name;
	} types[] = {
		{ 0x4000, "switch" }, { 0x8000, "interrupt" },
		{ 0x8800, "revision ID" }, { 0x9000, "unit ID clumping" },
		{ 0x9800, "extended config space" },
		{ 0xa000, "address mapping" }, { 0xb000, "direct route" },
		{ 0xb800, "VC set" }, { 0xc000, "retry mode" },
		{ 0xc800, "X86 encoding" }, { 0xd000, "Gen3" },
		{ 0xd800, "function-level extension" },
		{ 0xe000, "power management" },
		{ 0xe800, "high node count" },
	};
	uint16_t cmd = RD(c->io, c->p, ptr + 2, 2);
	uint32_t reg;
	size_t i;

	fprintf(c->out, "HT ");
	if ((cmd & 0xe000) == 0x0000) {
		fprintf(c->out, "slave");
		return;
	}
	if ((cmd & 0xe000) == 0x2000) {
		fprintf(c->out, "host");
		return;
	}
	if ((cmd & 0xf800) == 0xa800) {		/* MSI mapping */
		fprintf(c->out, "MSI %saddress window %s at 0x",
			cmd & 0x2 ? "fixed " : "",
			cmd & 0x1 ? "enabled" : "disabled");
		if (cmd & 0x2) {
			fprintf(c->out, "fee00000");
		} else {
			reg = RD(c->io, c->p, ptr + 8, 4);
			if (reg != 0)
				fprintf(c->out, "%08x", reg);
			fprintf(c->out, "%08x", RD(c->io, c->p, ptr + 4, 4));
		}
		return;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if ((cmd & 0xf800) == types[i].type) {
			fprintf(c->out, "%s", types[i].name);
			return;
		}
	}
	fprintf(c->out, "unknown %02x", cmd);
}

static void cap_vendor(struct capctx *c, int ptr)
{
	uint8_t length = RD(c->io, c->p, ptr + 2, 1);
	uint32_t fvec;
	uint8_t version;
	const char *sep = "";

	fprintf(c->out, "vendor (length %d)", length);
	if (c->p->pc_vendor != 0x8086)
		return;
	version = RD(c->io, c->p, ptr + 3, 1);
	fprintf(c->out, " Intel cap %d version %d", version >> 4, version & 0xf);
	if (version >> 4 != 1 || length != 12)
		return;
	/* Intel feature detection. */
	fvec = RD(c->io, c->p, ptr + 3 + 5, 4);
	fprintf(c->out, "\n\t\t features:");
	if (fvec & (1u << 0)) {
		fprintf(c->out, " AMT");
		sep = ",";
	}
	fvec = RD(c->io, c->p, ptr + 3 + 1, 4);
	if (fvec & (1u << 21)) {
		fprintf(c->out, "%s Quick Resume", sep);
		sep = ",";
	}
	if (fvec & (1u << 18)) {
		fprintf(c->out, "%s SATA RAID-5", sep);
		sep = ",";
	}
	if (fvec & (1u << 9)) {
		fprintf(c->out, "%s Mobile", sep);
		sep = ",";
	}
	fprintf(c->out, "%s %d PCI-e x1 slots", sep, fvec & (1u << 7) ? 6 : 4);
	sep = ",";
	if (fvec & (1u << 5))
		fprintf(c->out, "%s SATA RAID-0/1/10", sep);
	if (fvec & (1u << 3))
		fprintf(c->out, ", SATA AHCI");
}

static void cap_debug(struct capctx *c, int ptr)
{
	uint16_t port = RD(c->io, c->p, ptr + 2, 2);

	fprintf(c->out, "EHCI Debug Port at offset 0x%x in map 0x%x",
		port & 0x1fff, PCI_BASE_ADDRESS_0 + 4 * (port >> 13));
}

static void cap_subvendor(struct capctx *c, int ptr)
{
	uint32_t id = RD(c->io, c->p, ptr + PCI_SSVID_VENDOR_ID, 4);

	fprintf(c->out, "PCI Bridge subvendor=0x%04x subdevice=0x%04x",
		id & 0xffff, id >> 16);
}

static const char *link_speed(unsigned int speed)
{
	static const char *const s[] = { "2.5", "5.0", "8.0", "16.0", "32.0",
					 "64.0" };

	return speed >= 1 && speed <= 6 ? s[speed - 1] : "undef";
}

static const char *max_read(unsigned int v)
{
	static const char *const s[] = { "128", "256", "512", "1024", "2048",
					 "4096" };

	return v <= 5 ? s[v] : "undef";
}

static const char *aspm_name(unsigned int aspm)
{
	switch (aspm) {
	case 1:
		return "L0s";
	case 2:
		return "L1";
	case 3:
		return "L0s/L1";
	default:
		return "disabled";
	}
}

static int slot_power_mw(uint32_t cap)
{
	int mw = (cap & PCI_EXP_SLTCAP_SPLV) >> 7;

	switch ((cap & PCI_EXP_SLTCAP_SPLS) >> 15) {
	case 0:
		return mw * 1000;
	case 1:
		return mw * 100;
	case 2:
		return mw * 10;
	default:
		return mw;
	}
}

static void cap_express(struct capctx *c, int ptr)
{
	static const char *const types[] = {
		"endpoint", "legacy endpoint", NULL, NULL, "root port",
		"upstream port", "downstream port", "PCI bridge",
		"PCI to PCIe bridge", "root endpoint", "event collector",
	};
	uint16_t flags = RD(c->io, c->p, ptr + PCI_EXP_FLAGS, 2);
	unsigned int version = flags & PCI_EXP_FLAGS_VERS;
	unsigned int type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	uint16_t ctl, sta, lctl;
	uint32_t cap, cap2;

	fprintf(c->out, "PCI-Express %u ", version);
	if (type < sizeof(types) / sizeof(types[0]) && types[type])
		fprintf(c->out, "%s", types[type]);
	else
		fprintf(c->out, "type %u", type);
	if (flags & PCI_EXP_FLAGS_IRQ)
		fprintf(c->out, " MSI %d", (flags & PCI_EXP_FLAGS_IRQ) >> 9);

	cap = RD(c->io, c->p, ptr + PCI_EXP_DEVCAP, 4);
	ctl = RD(c->io, c->p, ptr + PCI_EXP_DEVCTL, 2);
	fprintf(c->out, " max data %d(%d)",
		128 << ((ctl & PCI_EXP_DEVCTL_PAYLOAD) >> 5),
		128 << (cap & PCI_EXP_DEVCAP_PAYLOAD));
	if (cap & PCI_EXP_DEVCAP_FLR)
		fprintf(c->out, " FLR");
	if (ctl & PCI_EXP_DEVCTL_RELAX_EN)
		fprintf(c->out, " RO");
	if (ctl & PCI_EXP_DEVCTL_NOSNOOP_EN)
		fprintf(c->out, " NS");
	if (version >= 2) {
		cap2 = RD(c->io, c->p, ptr + PCI_EXP_DEVCAP2, 4);
		if (cap2 & PCI_EXP_DEVCAP2_ARI)
			fprintf(c->out, " ARI %s",
				RD(c->io, c->p, ptr + PCI_EXP_DEVCTL2, 2) &
				PCI_EXP_DEVCTL2_ARI ? "enabled" : "disabled");
	}
	fprintf(c->out, "\n" INDENT "max read %s",
		max_read((ctl & PCI_EXP_DEVCTL_READRQ) >> 12));

	cap = RD(c->io, c->p, ptr + PCI_EXP_LNKCAP, 4);
	sta = RD(c->io, c->p, ptr + PCI_EXP_LNKSTA, 2);
	if (cap == 0 && sta == 0)
		return;
	fprintf(c->out, "\n                ");
	fprintf(c->out, " link x%d(x%d)", (sta & PCI_EXP_LNKSTA_NLW) >> 4,
		(cap & PCI_EXP_LNKCAP_MLW) >> 4);
	if (cap & PCI_EXP_LNKCAP_MLW)
		fprintf(c->out, " speed %s(%s)",
			(sta & PCI_EXP_LNKSTA_NLW) == 0 ? "0.0" :
			link_speed(sta & PCI_EXP_LNKSTA_CLS),
			link_speed(cap & PCI_EXP_LNKCAP_SLS));
	if (cap & PCI_EXP_LNKCAP_ASPMS) {
		lctl = RD(c->io, c->p, ptr + PCI_EXP_LNKCTL, 2);
		fprintf(c->out, " ASPM %s(%s)",
			aspm_name(lctl & PCI_EXP_LNKCTL_ASPMC),
			aspm_name((cap & PCI_EXP_LNKCAP_ASPMS) >> 10));
	}
	if (cap & PCI_EXP_LNKCAP_CLKPM) {
		lctl = RD(c->io, c->p, ptr + PCI_EXP_LNKCTL, 2);
		fprintf(c->out, " ClockPM %s",
			lctl & PCI_EXP_LNKCTL_CLKREQ_EN ? "enabled" :
			"disabled");
	}
	if (!(flags & PCI_EXP_FLAGS_SLOT))
		return;
	cap = RD(c->io, c->p, ptr + PCI_EXP_SLTCAP, 4);
	sta = RD(c->io, c->p, ptr + PCI_EXP_SLTSTA, 2);
	ctl = RD(c->io, c->p, ptr + PCI_EXP_SLTCTL, 2);
	fprintf(c->out, "\n                ");
	fprintf(c->out, " slot %d", (cap & PCI_EXP_SLTCAP_PSN) >> 19);
	fprintf(c->out, " power limit %d mW", slot_power_mw(cap));
	if (cap & PCI_EXP_SLTCAP_HPC)
		fprintf(c->out, " HotPlug(%s)",
			sta & PCI_EXP_SLTSTA_PDS ? "present" : "empty");
	if (cap & PCI_EXP_SLTCAP_HPS)
		fprintf(c->out, " surprise");
	if (cap & PCI_EXP_SLTCAP_ABP)
		fprintf(c->out, " Attn Button");
	if (cap & PCI_EXP_SLTCAP_PCP)
		fprintf(c->out, " PC(%s)",
			ctl & PCI_EXP_SLTCTL_PCC ? "off" : "on");
	if (cap & PCI_EXP_SLTCAP_MRLSP)
		fprintf(c->out, " MRL(%s)",
			sta & PCI_EXP_SLTSTA_MRLSS ? "open" : "closed");
	if (cap & PCI_EXP_SLTCAP_EIP)
		fprintf(c->out, " EI(%s)",
			sta & PCI_EXP_SLTSTA_EIS ? "engaged" : "disengaged");
}

static void cap_msix(struct capctx *c, int ptr)
{
	uint16_t ctrl = RD(c->io, c->p, ptr + PCI_MSIX_FLAGS, 2);
	uint32_t table = RD(c->io, c->p, ptr + PCI_MSIX_TABLE, 4);
	uint32_t pba = RD(c->io, c->p, ptr + PCI_MSIX_PBA, 4);
	int n = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;

	fprintf(c->out, "MSI-X supports %d message%s%s\n", n, n == 1 ? "" : "s",
		ctrl & PCI_MSIX_FLAGS_ENABLE ? ", enabled" : "");
	fprintf(c->out, INDENT "Table in map 0x%x[0x%x], PBA in map 0x%x[0x%x]",
		PCI_BASE_ADDRESS_0 + 4 * (table & PCI_MSIX_TABLE_BIR),
		table & ~(uint32_t)PCI_MSIX_TABLE_BIR,
		PCI_BASE_ADDRESS_0 + 4 * (pba & PCI_MSIX_PBA_BIR),
		pba & ~(uint32_t)PCI_MSIX_PBA_BIR);
}

static void cap_pciaf(struct capctx *c, int ptr)
{
	uint8_t cap = RD(c->io, c->p, ptr + PCI_AF_CAP, 1);

	fprintf(c->out, "PCI Advanced Features:%s%s",
		cap & PCI_AF_CAP_FLR ? " FLR" : "",
		cap & PCI_AF_CAP_TP ? " TP" : "");
}

static const char *ea_bei_name(unsigned int bei)
{
	static const char *const bars[] = { "BAR0", "BAR1", "BAR2", "BAR3",
					    "BAR4", "BAR5" };
	static const char *const vfbars[] = { "VFBAR0", "VFBAR1", "VFBAR2",
					      "VFBAR3", "VFBAR4", "VFBAR5" };

	if (bei <= 5)
		return bars[bei];
	if (bei >= 9 && bei <= 14)
		return vfbars[bei - 9];
	switch (bei) {
	case 6:
		return "BRIDGE";
	case 7:
		return "ENI";
	case 8:
		return "ROM";
	default:
		return "RSVD";
	}
}

static const char *ea_prop_name(unsigned int prop)
{
	switch (prop) {
	case 0x00:
		return "Non-Prefetchable Memory";
	case 0x01:
		return "Prefetchable Memory";
	case 0x02:
		return "I/O Space";
	case 0x03:
		return "VF Prefetchable Memory";
	case 0x04:
		return "VF Non-Prefetchable Memory";
	case 0x05:
		return "Bridge Non-Prefetchable Memory";
	case 0x06:
		return "Bridge Prefetchable Memory";
	case 0x07:
		return "Bridge I/O Space";
	case 0xfd:
		return "Reserved Memory";
	case 0xfe:
		return "Reserved I/O Space";
	case 0xff:
		return "Unavailable";
	default:
		return "Reserved";
	}
}

static void cap_ea(struct capctx *c, int ptr)
{
	int nent = RD(c->io, c->p, ptr + PCI_EA_NUM_ENT, 2) &
		   PCI_EA_NUM_ENT_MASK;
	int a, b, esize;

	fprintf(c->out, "PCI Enhanced Allocation (%d entries)", nent);
	ptr += 4;
	if ((c->p->pc_hdr & PCI_HEADER_TYPE_MASK) == PCI_HEADER_TYPE_BRIDGE) {
		uint32_t v = RD(c->io, c->p, ptr, 4);

		fprintf(c->out, "\n\t\t BRIDGE, sec bus [%d], sub bus [%d]",
			v & 0xff, (v >> 8) & 0xff);
		ptr += 4;
	}
	for (a = 0; a < nent && ptr < 0x100; a++) {
		uint32_t dw[8] = { 0 }, flags;
		uint64_t base, maxoff;
		unsigned int bei, pp, sp;

		flags = RD(c->io, c->p, ptr, 4);
		ptr += 4;
		esize = flags & PCI_EA_ES;
		for (b = 0; b < esize; b++) {
			dw[b] = RD(c->io, c->p, ptr, 4);
			ptr += 4;
		}
		pp = (flags >> 8) & 0xff;
		sp = (flags >> 16) & 0xff;
		bei = (flags >> 4) & 0xf;
		base = dw[0] & 0xfffffffc;
		maxoff = dw[1] | ~(uint64_t)0xfffffffc;
		b = 2;
		if ((dw[0] & 0x2) && b < esize)
			base |= (uint64_t)dw[b++] << 32;
		if ((dw[1] & 0x2) && b < esize)
			maxoff |= (uint64_t)dw[b++] << 32;
		fprintf(c->out, "\n\t\t [%d] %s, %s, %s, base [0x%jx], size "
			"[0x%jx]\n\t\t\tPrimary properties [0x%x] (%s)"
			"\n\t\t\tSecondary properties [0x%x] (%s)",
			bei, ea_bei_name(bei),
			flags & 0x80000000 ? "Enabled" : "Disabled",
			flags & 0x40000000 ? "Writable" : "Read-only",
			(uintmax_t)base, (uintmax_t)(maxoff + 1), pp,
			ea_prop_name(pp), sp, ea_prop_name(sp));
	}
}

/* ---- extended capabilities ----------------------------------------------- */

static unsigned int popcount32(uint32_t x)
{
	unsigned int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static void ecap_aer(struct capctx *c, int ptr, unsigned int ver)
{
	uint32_t sta, sev;

	fprintf(c->out, "AER %d", ver);
	if (ver < 1) {
		fprintf(c->out, "\n");
		return;
	}
	sta = RD(c->io, c->p, ptr + PCI_ERR_UNCOR_STATUS, 4);
	sev = RD(c->io, c->p, ptr + PCI_ERR_UNCOR_SEVER, 4);
	fprintf(c->out, " %d fatal", popcount32(sta & sev));
	fprintf(c->out, " %d non-fatal", popcount32(sta & ~sev));
	sta = RD(c->io, c->p, ptr + PCI_ERR_COR_STATUS, 4);
	fprintf(c->out, " %d corrected\n", popcount32(sta));
}

static void ecap_vc(struct capctx *c, int ptr, unsigned int ver)
{
	uint32_t cap1;

	fprintf(c->out, "VC %d", ver);
	if (ver < 1) {
		fprintf(c->out, "\n");
		return;
	}
	cap1 = RD(c->io, c->p, ptr + PCI_VC_PORT_CAP1, 4);
	fprintf(c->out, " max VC%d", cap1 & 0x7);
	if (cap1 & 0x70)
		fprintf(c->out, " lowpri VC0-VC%d", (cap1 & 0x70) >> 4);
	fprintf(c->out, "\n");
}

static void ecap_sernum(struct capctx *c, int ptr, unsigned int ver)
{
	uint32_t lo, hi;

	fprintf(c->out, "Serial %d", ver);
	if (ver < 1) {
		fprintf(c->out, "\n");
		return;
	}
	lo = RD(c->io, c->p, ptr + 4, 4);
	hi = RD(c->io, c->p, ptr + 8, 4);
	fprintf(c->out, " %08x%08x\n", hi, lo);
}

static void ecap_vendor(struct capctx *c, int ptr, unsigned int ver)
{
	uint32_t hdr0 = RD(c->io, c->p, ptr, 4);
	uint32_t hdr = RD(c->io, c->p, ptr + PCI_VSEC_HDR, 4);
	unsigned int next = hdr0 >> 20, len = hdr >> 20, i;

	if (len == 0) {
		if (next == 0)
			next = 0x1000;
		len = next > (unsigned int)ptr ? next - ptr : 0;
	}
	fprintf(c->out, "Vendor [%d] ID %04x Rev %d Length %d\n", ver,
		hdr & 0xffff, (hdr >> 16) & 0xf, len);
	if (ver < 1 || c->level <= 1)
		return;
	for (i = 0; i < len && ptr + i < 0x1000; i += 4) {
		uint32_t v = RD(c->io, c->p, ptr + i, 4);

		if (i % 16 == 0)
			fprintf(c->out, INDENT);
		fprintf(c->out, "%02x %02x %02x %02x", v & 0xff,
			(v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff);
		fprintf(c->out, (i + 4) % 16 == 0 || i + 4 >= len ? "\n" : " ");
	}
}

static void ecap_sec_pcie(struct capctx *c, int ptr, unsigned int ver)
{
	fprintf(c->out, "PCIe Sec %d", ver);
	if (ver < 1) {
		fprintf(c->out, "\n");
		return;
	}
	fprintf(c->out, " lane errors %#x\n", RD(c->io, c->p, ptr + 8, 4));
}

static const char *enabled(int v)
{
	return v ? "enabled" : "disabled";
}

static void ecap_sriov(struct capctx *c, int ptr, unsigned int ver)
{
	uint16_t ctl, total, num;
	uint32_t caps, size;
	const char *sep = "";
	int i;

	fprintf(c->out, "SR-IOV %d ", ver);
	ctl = RD(c->io, c->p, ptr + PCI_SRIOV_CTRL, 2);
	fprintf(c->out, "IOV %s, Memory Space %s, ARI %s\n",
		enabled(ctl & PCI_SRIOV_CTRL_VFE),
		enabled(ctl & PCI_SRIOV_CTRL_MSE),
		enabled(ctl & PCI_SRIOV_CTRL_ARI));
	total = RD(c->io, c->p, ptr + PCI_SRIOV_TOTAL_VF, 2);
	num = RD(c->io, c->p, ptr + PCI_SRIOV_NUM_VF, 2);
	fprintf(c->out, "                     ");
	fprintf(c->out, "%d VFs configured out of %d supported\n", num, total);
	fprintf(c->out, "                     ");
	fprintf(c->out, "First VF RID Offset 0x%04x, VF RID Stride 0x%04x\n",
		RD(c->io, c->p, ptr + PCI_SRIOV_VF_OFFSET, 2),
		RD(c->io, c->p, ptr + PCI_SRIOV_VF_STRIDE, 2));
	fprintf(c->out, "                     VF Device ID 0x%04x\n",
		RD(c->io, c->p, ptr + PCI_SRIOV_VF_DID, 2));
	caps = RD(c->io, c->p, ptr + PCI_SRIOV_SUP_PGSIZE, 4);
	size = RD(c->io, c->p, ptr + PCI_SRIOV_SYS_PGSIZE, 4);
	fprintf(c->out, "                     ");
	fprintf(c->out, "Page Sizes: ");
	for (i = 0; i < 20; i++) {
		if (!(caps & (1u << i)))
			continue;
		fprintf(c->out, "%s%u%s", sep, 1u << (i + 12),
			size & (1u << i) ? " (enabled)" : "");
		sep = ", ";
	}
	fprintf(c->out, "\n");
	for (i = 0; i < 6; i++) {
		struct pci_bar_io bar;

		memset(&bar, 0, sizeof(bar));
		bar.pbi_sel = c->p->pc_sel;
		bar.pbi_reg = ptr + PCI_SRIOV_BAR + 4 * i;
		if (c->io->getbar(c->io->ctx, &bar) == 0)
			pciconf_print_bar(c->out, "iov bar  ", &bar);
	}
}

static const char *avail_state(unsigned int cap, unsigned int ctl,
			       unsigned int bit)
{
	if (!(cap & bit))
		return "unavailable";
	return ctl & bit ? "enabled" : "disabled";
}

static void ecap_acs(struct capctx *c, int ptr, unsigned int ver)
{
	static const char *const acc[] = { "access enabled",
					   "blocking enabled",
					   "redirect enabled", "reserved" };
	uint16_t cap, ctl;

	fprintf(c->out, "ACS %d ", ver);
	if (ver != 1) {
		fprintf(c->out, "\n");
		return;
	}
	cap = RD(c->io, c->p, ptr + PCI_ACS_CAP, 2);
	ctl = RD(c->io, c->p, ptr + PCI_ACS_CTRL, 2);
	fprintf(c->out, "Source Validation %s, Translation Blocking %s\n",
		avail_state(cap, ctl, PCI_ACS_SV),
		avail_state(cap, ctl, PCI_ACS_TB));
	fprintf(c->out, "                     ");
	fprintf(c->out, "P2P Req Redirect %s, P2P Cmpl Redirect %s\n",
		avail_state(cap, ctl, PCI_ACS_RR),
		avail_state(cap, ctl, PCI_ACS_CR));
	fprintf(c->out, "                     ");
	fprintf(c->out, "P2P Upstream Forwarding %s, P2P Egress Control %s\n",
		avail_state(cap, ctl, PCI_ACS_UF),
		avail_state(cap, ctl, PCI_ACS_EC));
	fprintf(c->out, "                     ");
	fprintf(c->out, "P2P Direct Translated %s, Enhanced Capability %s\n",
		avail_state(cap, ctl, PCI_ACS_DT),
		cap & 0x0080 ? "available" : "unavailable");
	if (!(cap & 0x0080))
		return;
	fprintf(c->out, "                     ");
	fprintf(c->out, "I/O Req Blocking %s, Unclaimed Req Redirect Control "
		"%s\n", enabled(ctl & 0x0080), enabled(ctl & 0x1000));
	fprintf(c->out, "                     ");
	fprintf(c->out, "DSP BAR %s, USP BAR %s\n", acc[(ctl & 0x0300) >> 8],
		acc[(ctl & 0x0c00) >> 10]);
}

static const char *const ecap_names[] = {
	[0x01] = "AER",
	[0x02] = "Virtual Channel",
	[0x03] = "Device Serial Number",
	[0x04] = "Power Budgeting",
	[0x05] = "Root Complex Link Declaration",
	[0x06] = "Root Complex Internal Link Control",
	[0x07] = "Root Complex Event Collector ASsociation",
	[0x08] = "MFVC",
	[0x09] = "Virtual Channel 2",
	[0x0a] = "RCRB",
	[0x0c] = "Configuration Access Correction",
	[0x0d] = "ACS",
	[0x0e] = "ARI",
	[0x0f] = "ATS",
	[0x10] = "SRIOV",
	[0x11] = "MRIOV",
	[0x12] = "Multicast",
	[0x13] = "Page Page Request",
	[0x14] = "AMD proprietary ",
	[0x15] = "Resizable BAR",
	[0x16] = "DPA",
	[0x17] = "TPH Requester",
	[0x18] = "LTR",
	[0x19] = "Secondary PCI Express",
	[0x1a] = "Protocol Multiplexing",
	[0x1b] = "Process Address Space ID",
	[0x1c] = "LN Requester",
	[0x1d] = "Downstream Port Containment",
	[0x1e] = "L1 PM Substates",
	[0x1f] = "Precision Time Measurement",
	[0x20] = "PCIe over M-PHY",
	[0x21] = "FRS Queuing",
	[0x22] = "Readiness Time Reporting",
	[0x23] = "Designated Vendor-Specific",
	[0x24] = "VF Resizable BAR",
	[0x25] = "Data Link Feature",
	[0x26] = "Physical Layer 16.0 GT/s",
	[0x27] = "Lane Margining at Receiver",
	[0x28] = "Hierarchy ID",
	[0x29] = "Native PCIe Enclosure Management",
	[0x2a] = "Physical Layer 32.0 GT/s",
	[0x2b] = "Alternate Protocol",
	[0x2c] = "System Firmware Intermediary",
};

static void list_ecaps(struct capctx *c)
{
	uint32_t ecap;
	int ptr = PCI_CFG_SPACE_SIZE, steps;

	ecap = RD(c->io, c->p, ptr, 4);
	if (ecap == 0xffffffff || ecap == 0)
		return;
	for (steps = 0; steps < (4096 - 256) / 4; steps++) {
		unsigned int id = ecap & 0xffff, ver = (ecap >> 16) & 0xf;

		fprintf(c->out, "    ecap %04x[%03x] = ", id, ptr);
		switch (id) {
		case PCI_EXT_CAP_ID_ERR:
			ecap_aer(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_VC:
			ecap_vc(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_DSN:
			ecap_sernum(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_VNDR:
			ecap_vendor(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_SECPCI:
			ecap_sec_pcie(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_SRIOV:
			ecap_sriov(c, ptr, ver);
			break;
		case PCI_EXT_CAP_ID_ACS:
			ecap_acs(c, ptr, ver);
			break;
		default:
			fprintf(c->out, "%s %d\n",
				id < sizeof(ecap_names) / sizeof(ecap_names[0]) &&
				ecap_names[id] ? ecap_names[id] : "unknown",
				ver);
			break;
		}
		ptr = ecap >> 20;
		if (ptr < PCI_CFG_SPACE_SIZE)
			break;
		ecap = RD(c->io, c->p, ptr, 4);
	}
}

static int first_cap_ptr(const struct pci_conf *p)
{
	switch (p->pc_hdr & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_NORMAL:
	case PCI_HEADER_TYPE_BRIDGE:
		return PCI_CAPABILITY_LIST;
	case PCI_HEADER_TYPE_CARDBUS:
		return PCI_CB_CAPABILITY_LIST;
	default:
		return -1;
	}
}

int pciconf_list_caps(FILE *out, const struct pciconf_io *io,
		      const struct pci_conf *p, int level)
{
	struct capctx c = { out, io, p, level };
	int express = 0, steps, ptr;

	if (!(RD(io, p, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = first_cap_ptr(p);
	if (ptr < 0)
		return -1;
	ptr = RD(io, p, ptr, 1);
	for (steps = 0; ptr != 0 && ptr != 0xff && steps < 48; steps++) {
		unsigned int cap = RD(io, p, ptr + PCI_CAP_LIST_ID, 1);

		fprintf(out, "    cap %02x[%02x] = ", cap, ptr);
		switch (cap) {
		case PCI_CAP_ID_PM:
			cap_power(&c, ptr);
			break;
		case PCI_CAP_ID_AGP:
			cap_agp(&c, ptr);
			break;
		case PCI_CAP_ID_VPD:
			fprintf(out, "VPD");
			break;
		case PCI_CAP_ID_MSI:
			cap_msi(&c, ptr);
			break;
		case PCI_CAP_ID_PCIX:
			cap_pcix(&c, ptr);
			break;
		case PCI_CAP_ID_HT:
			cap_ht(&c, ptr);
			break;
		case PCI_CAP_ID_VNDR:
			cap_vendor(&c, ptr);
			break;
		case PCI_CAP_ID_DBG:
			cap_debug(&c, ptr);
			break;
		case PCI_CAP_ID_SSVID:
			cap_subvendor(&c, ptr);
			break;
		case PCI_CAP_ID_EXP:
			express = 1;
			cap_express(&c, ptr);
			break;
		case PCI_CAP_ID_MSIX:
			cap_msix(&c, ptr);
			break;
		case PCI_CAP_ID_SATA:
			fprintf(out, "SATA Index-Data Pair");
			break;
		case PCI_CAP_ID_AF:
			cap_pciaf(&c, ptr);
			break;
		case PCI_CAP_ID_EA:
			cap_ea(&c, ptr);
			break;
		default:
			fprintf(out, "unknown");
			break;
		}
		fprintf(out, "\n");
		ptr = RD(io, p, ptr + PCI_CAP_LIST_NEXT, 1);
	}
	if (express)
		list_ecaps(&c);
	return 0;
}

/* Offset of capability @id, or 0. */
static int find_cap(const struct pciconf_io *io, const struct pci_conf *p,
		    unsigned int id)
{
	int ptr, steps;

	if (!(RD(io, p, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = first_cap_ptr(p);
	if (ptr < 0)
		return 0;
	ptr = RD(io, p, ptr, 1);
	for (steps = 0; ptr != 0 && ptr != 0xff && steps < 48; steps++) {
		if (RD(io, p, ptr + PCI_CAP_LIST_ID, 1) == id)
			return ptr;
		ptr = RD(io, p, ptr + PCI_CAP_LIST_NEXT, 1);
	}
	return 0;
}

/* Offset of extended capability @id, or 0. */
static int find_ecap(const struct pciconf_io *io, const struct pci_conf *p,
		     unsigned int id)
{
	int ptr = PCI_CFG_SPACE_SIZE, steps;
	uint32_t ecap = RD(io, p, ptr, 4);

	if (ecap == 0xffffffff || ecap == 0)
		return 0;
	for (steps = 0; steps < (4096 - 256) / 4; steps++) {
		if ((ecap & 0xffff) == id)
			return ptr;
		ptr = ecap >> 20;
		if (ptr < PCI_CFG_SPACE_SIZE)
			break;
		ecap = RD(io, p, ptr, 4);
	}
	return 0;
}

/* ---- errors (-e) ---------------------------------------------------------- */

struct bit_name {
	uint32_t mask;
	const char *desc;
};

static const struct bit_name pci_status_bits[] = {
	{ PCI_STATUS_PARITY, "Master Data Parity Error" },
	{ PCI_STATUS_SIG_TARGET_ABORT, "Sent Target-Abort" },
	{ PCI_STATUS_REC_TARGET_ABORT, "Received Target-Abort" },
	{ PCI_STATUS_REC_MASTER_ABORT, "Received Master-Abort" },
	{ PCI_STATUS_SIG_SYSTEM_ERROR, "Signalled System Error" },
	{ PCI_STATUS_DETECTED_PARITY, "Detected Parity Error" },
	{ 0, NULL },
};

static const struct bit_name pcie_status_bits[] = {
	{ PCI_EXP_DEVSTA_CED, "Correctable Error Detected" },
	{ PCI_EXP_DEVSTA_NFED, "Non-Fatal Error Detected" },
	{ PCI_EXP_DEVSTA_FED, "Fatal Error Detected" },
	{ PCI_EXP_DEVSTA_URD, "Unsupported Request Detected" },
	{ 0, NULL },
};

static const struct bit_name aer_uc_bits[] = {
	{ 0x00000001, "Link Training Error" },
	{ PCI_ERR_UNC_DLP, "Data Link Protocol Error" },
	{ PCI_ERR_UNC_SURPDN, "Surprise Link Down Error" },
	{ PCI_ERR_UNC_POISON_TLP, "Poisoned TLP" },
	{ PCI_ERR_UNC_FCP, "Flow Control Protocol Error" },
	{ PCI_ERR_UNC_COMP_TIME, "Completion Timeout" },
	{ PCI_ERR_UNC_COMP_ABORT, "Completer Abort" },
	{ PCI_ERR_UNC_UNX_COMP, "Unexpected Completion" },
	{ PCI_ERR_UNC_RX_OVER, "Receiver Overflow Error" },
	{ PCI_ERR_UNC_MALF_TLP, "Malformed TLP" },
	{ PCI_ERR_UNC_ECRC, "ECRC Error" },
	{ PCI_ERR_UNC_UNSUP, "Unsupported Request" },
	{ PCI_ERR_UNC_ACSV, "ACS Violation" },
	{ PCI_ERR_UNC_INTN, "Uncorrectable Internal Error" },
	{ PCI_ERR_UNC_MCBTLP, "MC Blocked TLP" },
	{ PCI_ERR_UNC_ATOMEG, "AtomicOp Egress Blocked" },
	{ PCI_ERR_UNC_TLPPRE, "TLP Prefix Blocked Error" },
	{ 0, NULL },
};

static const struct bit_name aer_cor_bits[] = {
	{ PCI_ERR_COR_RCVR, "Receiver Error" },
	{ PCI_ERR_COR_BAD_TLP, "Bad TLP" },
	{ PCI_ERR_COR_BAD_DLLP, "Bad DLLP" },
	{ PCI_ERR_COR_REP_ROLL, "REPLAY_NUM Rollover" },
	{ PCI_ERR_COR_REP_TIMER, "Replay Timer Timeout" },
	{ PCI_ERR_COR_ADV_NFAT, "Advisory Non-Fatal Error" },
	{ PCI_ERR_COR_INTERNAL, "Corrected Internal Error" },
	{ PCI_ERR_COR_LOG_OVER, "Header Log Overflow" },
	{ 0, NULL },
};

static void print_bits(FILE *out, const char *header,
		       const struct bit_name *t, uint32_t mask)
{
	int first = 1;

	for (; t->desc != NULL; t++) {
		if (!(mask & t->mask))
			continue;
		if (first)
			fprintf(out, "%14s = ", header);
		else
			fprintf(out, INDENT);
		first = 0;
		fprintf(out, "%s\n", t->desc);
		mask &= ~t->mask;
	}
	if (mask != 0) {
		if (first)
			fprintf(out, "%14s = ", header);
		else
			fprintf(out, INDENT);
		fprintf(out, "Unknown: 0x%08x\n", mask);
	}
}

void pciconf_list_errors(FILE *out, const struct pciconf_io *io,
			 const struct pci_conf *p)
{
	const uint16_t pci_errors = PCI_STATUS_PARITY |
		PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |
		PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR |
		PCI_STATUS_DETECTED_PARITY;
	const uint16_t pcie_errors = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
		PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD;
	uint32_t mask, sev;
	int pcie, aer;

	print_bits(out, "PCI errors", pci_status_bits,
		   RD(io, p, PCI_STATUS, 2) & pci_errors);
	pcie = find_cap(io, p, PCI_CAP_ID_EXP);
	if (pcie == 0)
		return;
	print_bits(out, "PCI-e errors", pcie_status_bits,
		   RD(io, p, pcie + PCI_EXP_DEVSTA, 2) & pcie_errors);
	aer = find_ecap(io, p, PCI_EXT_CAP_ID_ERR);
	if (aer == 0)
		return;
	mask = RD(io, p, aer + PCI_ERR_UNCOR_STATUS, 4);
	sev = RD(io, p, aer + PCI_ERR_UNCOR_SEVER, 4);
	print_bits(out, "Fatal", aer_uc_bits, mask & sev);
	print_bits(out, "Non-fatal", aer_uc_bits, mask & ~sev);
	print_bits(out, "Corrected", aer_cor_bits,
		   RD(io, p, aer + PCI_ERR_COR_STATUS, 4));
}
