// SPDX-License-Identifier: BSD-2-Clause
/*
 * pciconf output, in FreeBSD pciconf(8)'s format: device lines, -v names,
 * -b BARs, -B bridge windows, -c capabilities, -e errors, -V VPD and the
 * -r register dump.  Registers come through struct pciconf_io, so all of
 * this runs on the host against a fake configuration space.
 */
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <linux/pci_regs.h>

#include "pciconf.h"

#define RD(io, p, reg, w) ((io)->read((io)->ctx, &(p)->pc_sel, (reg), (w)))

#ifndef PCI_HEADER_TYPE_MASK
#define PCI_HEADER_TYPE_MASK 0x7f
#endif

/* ---- device lines ------------------------------------------------------- */

static const char *drv_name(const struct pci_conf *p)
{
	return p->pd_name[0] ? p->pd_name : "none";
}

static int drv_unit(const struct pci_conf *p, int *none_count)
{
	return p->pd_name[0] ? (int)p->pd_unit : (*none_count)++;
}

void pciconf_print_conf(FILE *out, const struct pci_conf *p, int *none_count)
{
	const char *name = drv_name(p);
	int unit = drv_unit(p, none_count);

	fprintf(out, "%s%d@pci%d:%d:%d:%d:\tclass=0x%06x rev=0x%02x "
		"hdr=0x%02x vendor=0x%04x device=0x%04x subvendor=0x%04x "
		"subdevice=0x%04x\n",
		name, unit, (int)p->pc_sel.pc_domain, p->pc_sel.pc_bus,
		p->pc_sel.pc_dev, p->pc_sel.pc_func,
		(p->pc_class << 16) | (p->pc_subclass << 8) | p->pc_progif,
		p->pc_revid, p->pc_hdr, p->pc_vendor, p->pc_device,
		p->pc_subvendor, p->pc_subdevice);
}

void pciconf_print_conf_header(FILE *out)
{
	fprintf(out, "drv\tselector\tclass    rev  hdr  "
		"vendor device subven subdev\n");
}

void pciconf_print_conf_row(FILE *out, const struct pci_conf *p,
			    int *none_count)
{
	const char *name = drv_name(p);
	int unit = drv_unit(p, none_count);

	fprintf(out, "%s%d@pci%d:%d:%d:%d:\t%06x   %02x   %02x   "
		"%04x   %04x   %04x   %04x\n",
		name, unit, (int)p->pc_sel.pc_domain, p->pc_sel.pc_bus,
		p->pc_sel.pc_dev, p->pc_sel.pc_func,
		(p->pc_class << 16) | (p->pc_subclass << 8) | p->pc_progif,
		p->pc_revid, p->pc_hdr, p->pc_vendor, p->pc_device,
		p->pc_subvendor, p->pc_subdevice);
}

/* ---- class names (-v) --------------------------------------------------- */

/* FreeBSD's names for PCI classes (sub = -1) and subclasses. */
static const struct {
	int cls;
	int sub;
	const char *desc;
} class_names[] = {
	{ 0x00, -1, "old" },
	{ 0x00, 0x00, "non-VGA display device" },
	{ 0x00, 0x01, "VGA-compatible display device" },
	{ 0x01, -1, "mass storage" },
	{ 0x01, 0x00, "SCSI" },
	{ 0x01, 0x01, "ATA" },
	{ 0x01, 0x02, "floppy disk" },
	{ 0x01, 0x03, "IPI" },
	{ 0x01, 0x04, "RAID" },
	{ 0x01, 0x05, "ATA (ADMA)" },
	{ 0x01, 0x06, "SATA" },
	{ 0x01, 0x07, "SAS" },
	{ 0x01, 0x08, "NVM" },
	{ 0x01, 0x09, "UFS" },
	{ 0x02, -1, "network" },
	{ 0x02, 0x00, "ethernet" },
	{ 0x02, 0x01, "token ring" },
	{ 0x02, 0x02, "fddi" },
	{ 0x02, 0x03, "ATM" },
	{ 0x02, 0x04, "ISDN" },
	{ 0x02, 0x05, "WorldFip" },
	{ 0x02, 0x06, "PICMG" },
	{ 0x02, 0x07, "InfiniBand" },
	{ 0x02, 0x08, "host fabric" },
	{ 0x03, -1, "display" },
	{ 0x03, 0x00, "VGA" },
	{ 0x03, 0x01, "XGA" },
	{ 0x03, 0x02, "3D" },
	{ 0x04, -1, "multimedia" },
	{ 0x04, 0x00, "video" },
	{ 0x04, 0x01, "audio" },
	{ 0x04, 0x02, "telephony" },
	{ 0x04, 0x03, "HDA" },
	{ 0x05, -1, "memory" },
	{ 0x05, 0x00, "RAM" },
	{ 0x05, 0x01, "flash" },
	{ 0x06, -1, "bridge" },
	{ 0x06, 0x00, "HOST-PCI" },
	{ 0x06, 0x01, "PCI-ISA" },
	{ 0x06, 0x02, "PCI-EISA" },
	{ 0x06, 0x03, "PCI-MCA" },
	{ 0x06, 0x04, "PCI-PCI" },
	{ 0x06, 0x05, "PCI-PCMCIA" },
	{ 0x06, 0x06, "PCI-NuBus" },
	{ 0x06, 0x07, "PCI-CardBus" },
	{ 0x06, 0x08, "PCI-RACEway" },
	{ 0x06, 0x09, "Semi-transparent PCI-to-PCI" },
	{ 0x06, 0x0a, "InfiniBand-PCI" },
	{ 0x06, 0x0b, "AdvancedSwitching-PCI" },
	{ 0x07, -1, "simple comms" },
	{ 0x07, 0x00, "UART" },
	{ 0x07, 0x01, "parallel port" },
	{ 0x07, 0x02, "multiport serial" },
	{ 0x07, 0x03, "generic modem" },
	{ 0x08, -1, "base peripheral" },
	{ 0x08, 0x00, "interrupt controller" },
	{ 0x08, 0x01, "DMA controller" },
	{ 0x08, 0x02, "timer" },
	{ 0x08, 0x03, "realtime clock" },
	{ 0x08, 0x04, "PCI hot-plug controller" },
	{ 0x08, 0x05, "SD host controller" },
	{ 0x08, 0x06, "IOMMU" },
	{ 0x08, 0x07, "Root Complex Event Collector" },
	{ 0x09, -1, "input device" },
	{ 0x09, 0x00, "keyboard" },
	{ 0x09, 0x01, "digitizer" },
	{ 0x09, 0x02, "mouse" },
	{ 0x09, 0x03, "scanner" },
	{ 0x09, 0x04, "gameport" },
	{ 0x0a, -1, "docking station" },
	{ 0x0b, -1, "processor" },
	{ 0x0c, -1, "serial bus" },
	{ 0x0c, 0x00, "FireWire" },
	{ 0x0c, 0x01, "AccessBus" },
	{ 0x0c, 0x02, "SSA" },
	{ 0x0c, 0x03, "USB" },
	{ 0x0c, 0x04, "Fibre Channel" },
	{ 0x0c, 0x05, "SMBus" },
	{ 0x0c, 0x06, "InfiniBand" },
	{ 0x0c, 0x07, "IPMI" },
	{ 0x0c, 0x08, "SERCOS" },
	{ 0x0c, 0x09, "CANbus" },
	{ 0x0c, 0x0a, "MIPI I3C" },
	{ 0x0d, -1, "wireless controller" },
	{ 0x0d, 0x00, "iRDA" },
	{ 0x0d, 0x01, "IR" },
	{ 0x0d, 0x10, "RF" },
	{ 0x0d, 0x11, "bluetooth" },
	{ 0x0d, 0x12, "broadband" },
	{ 0x0d, 0x20, "ethernet 802.11a" },
	{ 0x0d, 0x21, "ethernet 802.11b" },
	{ 0x0d, 0x40, "cellular controller/modem" },
	{ 0x0d, 0x41, "cellular controller/modem plus ethernet" },
	{ 0x0e, -1, "intelligent I/O controller" },
	{ 0x0e, 0x00, "I2O" },
	{ 0x0f, -1, "satellite communication" },
	{ 0x0f, 0x01, "sat TV" },
	{ 0x0f, 0x02, "sat audio" },
	{ 0x0f, 0x03, "sat voice" },
	{ 0x0f, 0x04, "sat data" },
	{ 0x10, -1, "encrypt/decrypt" },
	{ 0x10, 0x00, "network/computer crypto" },
	{ 0x10, 0x10, "entertainment crypto" },
	{ 0x11, -1, "dasp" },
	{ 0x11, 0x00, "DPIO module" },
	{ 0x11, 0x01, "performance counters" },
	{ 0x11, 0x10, "communication synchronizer" },
	{ 0x11, 0x20, "signal processing management" },
	{ 0x12, -1, "processing accelerators" },
	{ 0x12, 0x00, "processing accelerators" },
	{ 0x13, -1, "non-essential instrumentation" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The class's first entry, as FreeBSD's guess_class(). */
const char *pciconf_class_name(uint8_t class_code)
{
	size_t i;

	for (i = 0; i < NELEM(class_names); i++)
		if (class_names[i].cls == class_code)
			return class_names[i].desc;
	return NULL;
}

const char *pciconf_subclass_name(uint8_t class_code, uint8_t subclass)
{
	size_t i;

	for (i = 0; i < NELEM(class_names); i++)
		if (class_names[i].cls == class_code &&
		    class_names[i].sub == subclass)
			return class_names[i].desc;
	return NULL;
}

void pciconf_print_verbose(FILE *out, const struct pciconf_ids *ids,
			   const struct pci_conf *p)
{
	const char *s;

	s = pciconf_ids_vendor(ids, p->pc_vendor);
	if (s != NULL) {
		fprintf(out, "    vendor     = '%s'\n", s);
		s = pciconf_ids_device(ids, p->pc_vendor, p->pc_device);
		if (s != NULL)
			fprintf(out, "    device     = '%s'\n", s);
	}
	s = pciconf_class_name(p->pc_class);
	if (s != NULL)
		fprintf(out, "    class      = %s\n", s);
	s = pciconf_subclass_name(p->pc_class, p->pc_subclass);
	if (s != NULL)
		fprintf(out, "    subclass   = %s\n", s);
}

/* ---- BARs (-b) ------------------------------------------------------------ */

void pciconf_print_bar(FILE *out, const char *label,
		       const struct pci_bar_io *bar)
{
	const char *type;
	uint64_t base;
	int range;

	if (bar->pbi_base & PCI_BASE_ADDRESS_SPACE_IO) {
		type = "I/O Port";
		range = 32;
		base = bar->pbi_base & 0xfffffffcULL;
	} else {
		type = (bar->pbi_base & PCI_BASE_ADDRESS_MEM_PREFETCH) ?
		       "Prefetchable Memory" : "Memory";
		switch (bar->pbi_base & PCI_BASE_ADDRESS_MEM_TYPE_MASK) {
		case PCI_BASE_ADDRESS_MEM_TYPE_32:
			range = 32;
			break;
		case PCI_BASE_ADDRESS_MEM_TYPE_1M:
			range = 20;
			break;
		case PCI_BASE_ADDRESS_MEM_TYPE_64:
			range = 64;
			break;
		default:
			range = -1;
			break;
		}
		base = bar->pbi_base & ~(uint64_t)0xf;
	}
	fprintf(out, "    %s[%02x] = type %s, range %2d, base %#jx, ", label,
		bar->pbi_reg, type, range, (uintmax_t)base);
	fprintf(out, "size %ju, %s\n", (uintmax_t)bar->pbi_length,
		bar->pbi_enabled ? "enabled" : "disabled");
}

static void print_bar_at(FILE *out, const struct pciconf_io *io,
			 const struct pci_conf *p, const char *label, int reg)
{
	struct pci_bar_io bar;

	memset(&bar, 0, sizeof(bar));
	bar.pbi_sel = p->pc_sel;
	bar.pbi_reg = reg;
	if (io->getbar(io->ctx, &bar) != 0)
		return;
	pciconf_print_bar(out, label, &bar);
}

void pciconf_list_bars(FILE *out, const struct pciconf_io *io,
		       const struct pci_conf *p)
{
	int i, max;

	switch (p->pc_hdr & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_NORMAL:
		max = 5;
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		max = 1;
		break;
	case PCI_HEADER_TYPE_CARDBUS:
		max = 0;
		break;
	default:
		return;
	}
	for (i = 0; i <= max; i++)
		print_bar_at(out, io, p, "bar   ", PCI_BASE_ADDRESS_0 + 4 * i);
}

/* ---- bridge windows (-B) -------------------------------------------------- */

static uint64_t ppb_mem_base(uint64_t hi, uint32_t lo)
{
	return ((hi << 32) + ((uint64_t)lo << 16)) & ~(uint64_t)0xfffff;
}

static uint64_t ppb_mem_limit(uint64_t hi, uint32_t lo)
{
	return ((hi << 32) + ((uint64_t)lo << 16)) | 0xfffff;
}

static uint64_t ppb_io_base(uint32_t hi, uint32_t lo)
{
	return (((uint64_t)hi << 16) + ((uint64_t)lo << 8)) & ~(uint64_t)0xfff;
}

static uint64_t ppb_io_limit(uint32_t hi, uint32_t lo)
{
	return (((uint64_t)hi << 16) + ((uint64_t)lo << 8)) | 0xfff;
}

static void print_window(FILE *out, int reg, const char *type, int range,
			 uint64_t base, uint64_t limit)
{
	fprintf(out, "    window[%02x] = type %s, range %2d, addr %#jx-%#jx, "
		"%s\n", reg, type, range, (uintmax_t)base, (uintmax_t)limit,
		base < limit ? "enabled" : "disabled");
}

static void print_special_decode(FILE *out, int isa, int vga, int subtractive)
{
	const char *sep = "";

	if (!isa && !vga && !subtractive)
		return;
	fprintf(out, "    decode     = ");
	if (isa) {
		fprintf(out, "ISA");
		sep = ", ";
	}
	if (vga) {
		fprintf(out, "%sVGA", sep);
		sep = ", ";
	}
	if (subtractive)
		fprintf(out, "%ssubtractive", sep);
	fprintf(out, "\n");
}

static void print_bridge_windows(FILE *out, const struct pciconf_io *io,
				 const struct pci_conf *p)
{
	uint64_t base, limit;
	uint32_t val, id;
	int range, subtractive;
	uint16_t bctl;

	/* A window whose base and limit read 0 is taken as unimplemented. */
	val = RD(io, p, PCI_IO_BASE, 1);
	if (val != 0 || RD(io, p, PCI_IO_LIMIT, 1) != 0) {
		if ((val & PCI_IO_RANGE_TYPE_MASK) == PCI_IO_RANGE_TYPE_32) {
			base = ppb_io_base(RD(io, p, PCI_IO_BASE_UPPER16, 2),
					   val);
			limit = ppb_io_limit(RD(io, p, PCI_IO_LIMIT_UPPER16, 2),
					     RD(io, p, PCI_IO_LIMIT, 1));
			range = 32;
		} else {
			base = ppb_io_base(0, val);
			limit = ppb_io_limit(0, RD(io, p, PCI_IO_LIMIT, 1));
			range = 16;
		}
		print_window(out, PCI_IO_BASE, "I/O Port", range, base, limit);
	}

	base = ppb_mem_base(0, RD(io, p, PCI_MEMORY_BASE, 2));
	limit = ppb_mem_limit(0, RD(io, p, PCI_MEMORY_LIMIT, 2));
	print_window(out, PCI_MEMORY_BASE, "Memory", 32, base, limit);

	val = RD(io, p, PCI_PREF_MEMORY_BASE, 2);
	if (val != 0 || RD(io, p, PCI_PREF_MEMORY_LIMIT, 2) != 0) {
		if ((val & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64) {
			base = ppb_mem_base(RD(io, p, PCI_PREF_BASE_UPPER32, 4),
					    val);
			limit = ppb_mem_limit(RD(io, p, PCI_PREF_LIMIT_UPPER32,
						 4),
					      RD(io, p, PCI_PREF_MEMORY_LIMIT,
						 2));
			range = 64;
		} else {
			base = ppb_mem_base(0, val);
			limit = ppb_mem_limit(0, RD(io, p,
						    PCI_PREF_MEMORY_LIMIT, 2));
			range = 32;
		}
		print_window(out, PCI_PREF_MEMORY_BASE, "Prefetchable Memory",
			     range, base, limit);
	}

	/* Subtractive decode: the prog-if, or bridges known to do it. */
	subtractive = p->pc_progif == 0x01;
	id = (uint32_t)p->pc_device << 16 | p->pc_vendor;
	if (id == 0xa002177d || id == 0x124b8086 || id == 0x060513d7)
		subtractive = 1;
	if (p->pc_vendor == 0x8086 && (p->pc_device & 0xff00) == 0x2400)
		subtractive = 1;

	bctl = RD(io, p, PCI_BRIDGE_CONTROL, 2);
	print_special_decode(out, bctl & PCI_BRIDGE_CTL_ISA,
			     bctl & PCI_BRIDGE_CTL_VGA, subtractive);
}

static void print_cardbus_mem_window(FILE *out, const struct pciconf_io *io,
				     const struct pci_conf *p, int basereg,
				     int limitreg, int prefetch)
{
	print_window(out, basereg, prefetch ? "Prefetchable Memory" : "Memory",
		     32, RD(io, p, basereg, 4) & ~(uint32_t)0xfffff,
		     RD(io, p, limitreg, 4) | 0xfffff);
}

static void print_cardbus_io_window(FILE *out, const struct pciconf_io *io,
				    const struct pci_conf *p, int basereg,
				    int limitreg)
{
	uint32_t base, limit, val;
	int range;

	val = RD(io, p, basereg, 2);
	if ((val & 0x3) == 0x1) {
		base = RD(io, p, basereg, 4) & ~(uint32_t)0x3;
		limit = RD(io, p, limitreg, 4) & ~(uint32_t)0x3;
		range = 32;
	} else {
		base = val & ~(uint32_t)0x3;
		limit = RD(io, p, limitreg, 2) & ~(uint32_t)0x3;
		range = 16;
	}
	print_window(out, basereg, "I/O Port", range, base, limit);
}

static void print_cardbus_windows(FILE *out, const struct pciconf_io *io,
				  const struct pci_conf *p)
{
	uint16_t bctl = RD(io, p, PCI_CB_BRIDGE_CONTROL, 2);

	print_cardbus_mem_window(out, io, p, PCI_CB_MEMORY_BASE_0,
				 PCI_CB_MEMORY_LIMIT_0,
				 bctl & PCI_CB_BRIDGE_CTL_PREFETCH_MEM0);
	print_cardbus_mem_window(out, io, p, PCI_CB_MEMORY_BASE_1,
				 PCI_CB_MEMORY_LIMIT_1,
				 bctl & PCI_CB_BRIDGE_CTL_PREFETCH_MEM1);
	print_cardbus_io_window(out, io, p, PCI_CB_IO_BASE_0,
				PCI_CB_IO_LIMIT_0);
	print_cardbus_io_window(out, io, p, PCI_CB_IO_BASE_1,
				PCI_CB_IO_LIMIT_1);
	print_special_decode(out, bctl & PCI_CB_BRIDGE_CTL_ISA,
			     bctl & PCI_CB_BRIDGE_CTL_VGA, 0);
}

void pciconf_list_bridge(FILE *out, const struct pciconf_io *io,
			 const struct pci_conf *p)
{
	switch (p->pc_hdr & PCI_HEADER_TYPE_MASK) {
	case PCI_HEADER_TYPE_BRIDGE:
		fprintf(out, "    bus range  = %u-%u\n",
			RD(io, p, PCI_SECONDARY_BUS, 1),
			RD(io, p, PCI_SUBORDINATE_BUS, 1));
		print_bridge_windows(out, io, p);
		break;
	case PCI_HEADER_TYPE_CARDBUS:
		fprintf(out, "    bus range  = %u-%u\n",
			RD(io, p, PCI_CB_CARD_BUS, 1),
			RD(io, p, PCI_CB_SUBORDINATE_BUS, 1));
		print_cardbus_windows(out, io, p);
		break;
	}
}

/* ---- VPD (-V) ------------------------------------------------------------- */

void pciconf_print_vpd(FILE *out, const void *buf, size_t len)
{
	const uint8_t *b = buf, *end = b + len;

	while (b + sizeof(struct pci_vpd_element) <= end) {
		const struct pci_vpd_element *e = (const void *)b;
		size_t dlen = e->pve_datalen;
		int rw = e->pve_flags & PVE_FLAG_RW;

		if (b + sizeof(*e) + dlen > end)
			break;
		b += sizeof(*e) + dlen;
		if (e->pve_flags == PVE_FLAG_IDENT) {
			fprintf(out, "    VPD ident  = '%.*s'\n", (int)dlen,
				(const char *)e->pve_data);
			continue;
		}
		/* The checksum and the unused read-write space: not shown. */
		if (!rw && memcmp(e->pve_keyword, "RV", 2) == 0)
			continue;
		if (rw && memcmp(e->pve_keyword, "RW", 2) == 0)
			continue;
		if (!rw && memcmp(e->pve_keyword, "CP", 2) == 0 && dlen >= 4) {
			fprintf(out, "    VPD ro CP  = ID %02x in map 0x%x[0x%x]\n",
				e->pve_data[0],
				PCI_BASE_ADDRESS_0 + 4 * e->pve_data[1],
				(unsigned int)e->pve_data[3] << 8 |
				e->pve_data[2]);
			continue;
		}
		fprintf(out, "    VPD %s %c%c  = '%.*s'\n", rw ? "rw" : "ro",
			e->pve_keyword[0], e->pve_keyword[1], (int)dlen,
			(const char *)e->pve_data);
	}
}

/* ---- register dump (-r) --------------------------------------------------- */

void pciconf_print_regs(FILE *out, const struct pciconf_io *io,
			const struct pcisel *sel, long start, long end,
			int width)
{
	int per_line = 16 / width;
	long r;
	int i;

	for (i = 1, r = start; r <= end; i++, r += width) {
		fprintf(out, "%0*x", width * 2, io->read(io->ctx, sel, r, width));
		if (i % 8 == 0)
			fputc(' ', out);
		fputc(i % per_line ? ' ' : '\n', out);
	}
	if (i % per_line != 1)
		fputc('\n', out);
}
