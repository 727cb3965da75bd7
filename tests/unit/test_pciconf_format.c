// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pciconf_format.c - pciconf's output (tools/pciconf/format.c,
 * caps.c, pciids.c) against FreeBSD pciconf(8)'s format, byte for byte,
 * on fake configuration spaces.  Plain C; every failed check prints
 * file:line and both texts; the last line is
 * "pciconf_format: N passed, M failed" (one per check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pciconf.h"

static void check_text(const char *file, int line, const char *got,
		       const char *exp)
{
	if (strcmp(got, exp) == 0) {
		t_pass++;
		return;
	}
	t_fail++;
	printf("%s:%d: output differs\n--- expected\n%s--- got\n%s---\n", file,
	       line, exp, got);
}

/* Capture what a printer writes. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

static char *cap_text(struct capture *c)
{
	fclose(c->f);
	c->f = NULL;
	return c->buf;
}

#define CHECK_OUT(c, exp)						\
	do {								\
		check_text(__FILE__, __LINE__, cap_text(c), exp);	\
		free((c)->buf);						\
	} while (0)

/* ---- a fake device -------------------------------------------------------- */

struct fake {
	uint8_t cfg[4096];
	struct pci_bar_io bars[8];
	int nbars;
	unsigned int reads;
};

static uint32_t fake_read(void *ctx, const struct pcisel *sel, long reg,
			  int width)
{
	struct fake *f = ctx;
	uint32_t v = 0;
	int i;

	(void)sel;
	f->reads++;
	if (reg < 0 || reg + width > 4096)
		return 0xffffffff;
	for (i = width - 1; i >= 0; i--)
		v = v << 8 | f->cfg[reg + i];
	return v;
}

static int fake_getbar(void *ctx, struct pci_bar_io *bar)
{
	struct fake *f = ctx;
	int i;

	for (i = 0; i < f->nbars; i++) {
		if (f->bars[i].pbi_reg == bar->pbi_reg) {
			*bar = f->bars[i];
			return 0;
		}
	}
	return -1;
}

static void put(struct fake *f, int reg, int width, uint32_t v)
{
	int i;

	for (i = 0; i < width; i++)
		f->cfg[reg + i] = (uint8_t)(v >> (8 * i));
}

static struct pci_conf conf(const char *name, unsigned long unit,
			    uint8_t bus, uint8_t dev, uint8_t func)
{
	struct pci_conf p;

	memset(&p, 0, sizeof(p));
	snprintf(p.pd_name, sizeof(p.pd_name), "%s", name);
	p.pd_unit = unit;
	p.pc_sel.pc_bus = bus;
	p.pc_sel.pc_dev = dev;
	p.pc_sel.pc_func = func;
	return p;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_lines(void)
{
	struct pci_conf p = conf("nvme", 0, 0, 4, 0);
	struct pci_conf q = conf("", 0, 0, 0, 0);
	struct capture c;
	int none = 0;

	p.pc_class = 0x01;
	p.pc_subclass = 0x08;
	p.pc_progif = 0x02;
	p.pc_revid = 0x02;
	p.pc_vendor = 0x1b36;
	p.pc_device = 0x0010;
	p.pc_subvendor = 0x1af4;
	p.pc_subdevice = 0x1100;
	q.pc_class = 0x06;
	q.pc_vendor = 0x8086;
	q.pc_device = 0x29c0;
	q.pc_subvendor = 0x1af4;
	q.pc_subdevice = 0x1100;
	q.pc_sel.pc_domain = 1;

	pciconf_print_conf(cap_open(&c), &p, &none);
	CHECK_OUT(&c, "nvme0@pci0:0:4:0:\tclass=0x010802 rev=0x02 hdr=0x00 "
		  "vendor=0x1b36 device=0x0010 subvendor=0x1af4 "
		  "subdevice=0x1100\n");
	CHECK(none == 0);

	/* Devices without a driver are "none" with a running count. */
	cap_open(&c);
	pciconf_print_conf(c.f, &q, &none);
	pciconf_print_conf(c.f, &q, &none);
	CHECK_OUT(&c, "none0@pci1:0:0:0:\tclass=0x060000 rev=0x00 hdr=0x00 "
		  "vendor=0x8086 device=0x29c0 subvendor=0x1af4 "
		  "subdevice=0x1100\n"
		  "none1@pci1:0:0:0:\tclass=0x060000 rev=0x00 hdr=0x00 "
		  "vendor=0x8086 device=0x29c0 subvendor=0x1af4 "
		  "subdevice=0x1100\n");
	CHECK(none == 2);

	p.pd_unit = 12;
	p.pc_hdr = 1;
	cap_open(&c);
	pciconf_print_conf_header(c.f);
	pciconf_print_conf_row(c.f, &p, &none);
	pciconf_print_conf_row(c.f, &q, &none);
	CHECK_OUT(&c, "drv\tselector\tclass    rev  hdr  vendor device subven "
		  "subdev\n"
		  "nvme12@pci0:0:4:0:\t010802   02   01   1b36   0010   1af4   "
		  "1100\n"
		  "none2@pci1:0:0:0:\t060000   00   00   8086   29c0   1af4   "
		  "1100\n");

	/* A 16-character driver name is printed whole. */
	p = conf("abcdefghijklmnop", 3, 255, 31, 7);
	p.pc_sel.pc_domain = 0xffffffff;
	pciconf_print_conf(cap_open(&c), &p, &none);
	CHECK_OUT(&c, "abcdefghijklmnop3@pci-1:255:31:7:\tclass=0x000000 "
		  "rev=0x00 hdr=0x00 vendor=0x0000 device=0x0000 "
		  "subvendor=0x0000 subdevice=0x0000\n");
}

static void test_classes(void)
{
	CHECK(strcmp(pciconf_class_name(0x01), "mass storage") == 0);
	CHECK(strcmp(pciconf_subclass_name(0x01, 0x08), "NVM") == 0);
	CHECK(strcmp(pciconf_class_name(0x00), "old") == 0);
	CHECK(strcmp(pciconf_subclass_name(0x06, 0x04), "PCI-PCI") == 0);
	CHECK(strcmp(pciconf_subclass_name(0x0d, 0x41),
		     "cellular controller/modem plus ethernet") == 0);
	CHECK(pciconf_class_name(0xff) == NULL);
	CHECK(pciconf_subclass_name(0x01, 0x80) == NULL);
	CHECK(pciconf_subclass_name(0xff, 0x00) == NULL);
}

static const char ids_text[] =
	"# comment line\n"
	"#\t1234  not a vendor\n"
	"1234  Technical Corp.\n"
	"\t11e8  Edu device\n"
	"\t\t1af4 1100  a subsystem, skipped\n"
	"1b36  Red Hat, Inc.\n"
	"\t0010  QEMU NVM Express Controller\n"
	"\t0001  QEMU PCI-PCI bridge\n"
	"ffff  Illegal Vendor ID\n"
	"C 01  Mass storage controller\n"
	"\t08  Non-Volatile memory controller\n"
	"\t\t02  NVM Express\n"
	"C 0c  Serial bus controller\n"
	"\t0001  not a device of ffff\n";

static void test_verbose(void)
{
	struct pci_conf p = conf("nvme", 0, 0, 4, 0);
	struct pciconf_ids *ids;
	struct capture c;
	FILE *f;

	f = fmemopen((void *)ids_text, sizeof(ids_text) - 1, "r");
	ids = pciconf_ids_read(f);
	fclose(f);
	CHECK(ids != NULL);
	CHECK(strcmp(pciconf_ids_vendor(ids, 0x1b36), "Red Hat, Inc.") == 0);
	CHECK(strcmp(pciconf_ids_device(ids, 0x1234, 0x11e8), "Edu device") ==
	      0);
	CHECK(pciconf_ids_vendor(ids, 0x0001) == NULL);
	CHECK(pciconf_ids_device(ids, 0xffff, 0x0001) == NULL);
	CHECK(pciconf_ids_device(ids, 0x1b36, 0x1100) == NULL);

	p.pc_vendor = 0x1b36;
	p.pc_device = 0x0010;
	p.pc_class = 0x01;
	p.pc_subclass = 0x08;
	pciconf_print_verbose(cap_open(&c), ids, &p);
	CHECK_OUT(&c, "    vendor     = 'Red Hat, Inc.'\n"
		  "    device     = 'QEMU NVM Express Controller'\n"
		  "    class      = mass storage\n"
		  "    subclass   = NVM\n");

	/* Unknown device: vendor only; unknown subclass: class only. */
	p.pc_device = 0x7777;
	p.pc_subclass = 0x42;
	pciconf_print_verbose(cap_open(&c), ids, &p);
	CHECK_OUT(&c, "    vendor     = 'Red Hat, Inc.'\n"
		  "    class      = mass storage\n");

	/* No database at all. */
	p.pc_class = 0xff;
	pciconf_print_verbose(cap_open(&c), NULL, &p);
	CHECK_OUT(&c, "");
	pciconf_ids_free(ids);
}

static void test_bars(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pciconf_io io = { fake_read, fake_getbar, f };
	struct pci_conf p = conf("nvme", 0, 0, 4, 0);
	struct pci_bar_io b;
	struct capture c;

	memset(&b, 0, sizeof(b));
	b.pbi_reg = 0x10;
	b.pbi_base = 0xfebf0004;
	b.pbi_length = 16384;
	b.pbi_enabled = 1;
	f->bars[f->nbars++] = b;
	b.pbi_reg = 0x18;
	b.pbi_base = 0xc041;
	b.pbi_length = 64;
	b.pbi_enabled = 0;
	f->bars[f->nbars++] = b;
	b.pbi_reg = 0x20;
	b.pbi_base = 0x18000000cULL;
	b.pbi_length = 1ULL << 33;
	b.pbi_enabled = 1;
	f->bars[f->nbars++] = b;
	b.pbi_reg = 0x24;
	b.pbi_base = 0x2;
	b.pbi_length = 4096;
	f->bars[f->nbars++] = b;

	pciconf_list_bars(cap_open(&c), &io, &p);
	CHECK_OUT(&c,
		  "    bar   [10] = type Memory, range 64, base 0xfebf0000, "
		  "size 16384, enabled\n"
		  "    bar   [18] = type I/O Port, range 32, base 0xc040, "
		  "size 64, disabled\n"
		  "    bar   [20] = type Prefetchable Memory, range 64, base "
		  "0x180000000, size 8589934592, enabled\n"
		  "    bar   [24] = type Memory, range 20, base 0, "
		  "size 4096, enabled\n");

	/* A bridge has two BARs, a CardBus bridge one. */
	p.pc_hdr = 1;
	pciconf_list_bars(cap_open(&c), &io, &p);
	CHECK_OUT(&c, "    bar   [10] = type Memory, range 64, base 0xfebf0000, "
		  "size 16384, enabled\n");
	p.pc_hdr = 0x7f;
	pciconf_list_bars(cap_open(&c), &io, &p);
	CHECK_OUT(&c, "");
	free(f);
}

static void test_bridge(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pciconf_io io = { fake_read, fake_getbar, f };
	struct pci_conf p = conf("pcieport", 0, 0, 2, 0);
	struct capture c;

	p.pc_hdr = 1;
	put(f, 0x19, 1, 1);		/* secondary bus */
	put(f, 0x1a, 1, 2);		/* subordinate bus */
	put(f, 0x1c, 1, 0x11);		/* I/O base, 32-bit */
	put(f, 0x1d, 1, 0x21);		/* I/O limit */
	put(f, 0x20, 2, 0xfe00);	/* memory base */
	put(f, 0x22, 2, 0xfe10);	/* memory limit */
	put(f, 0x24, 2, 0xfff1);	/* prefetchable base, 64-bit */
	put(f, 0x26, 2, 0x0001);	/* prefetchable limit */
	put(f, 0x3e, 2, 0x0008);	/* bridge control: VGA */
	pciconf_list_bridge(cap_open(&c), &io, &p);
	CHECK_OUT(&c,
		  "    bus range  = 1-2\n"
		  "    window[1c] = type I/O Port, range 32, addr "
		  "0x1000-0x2fff, enabled\n"
		  "    window[20] = type Memory, range 32, addr "
		  "0xfe000000-0xfe1fffff, enabled\n"
		  "    window[24] = type Prefetchable Memory, range 64, addr "
		  "0xfff00000-0xfffff, disabled\n"
		  "    decode     = VGA\n");

	/* No I/O or prefetchable window; ISA and subtractive decode. */
	memset(f->cfg, 0, sizeof(f->cfg));
	put(f, 0x3e, 2, 0x0004);
	p.pc_progif = 0x01;
	pciconf_list_bridge(cap_open(&c), &io, &p);
	CHECK_OUT(&c,
		  "    bus range  = 0-0\n"
		  "    window[20] = type Memory, range 32, addr "
		  "0-0xfffff, enabled\n"
		  "    decode     = ISA, subtractive\n");

	/* Not a bridge: nothing. */
	p.pc_hdr = 0;
	pciconf_list_bridge(cap_open(&c), &io, &p);
	CHECK_OUT(&c, "");
	free(f);
}

/* An NVMe-like endpoint: PM, MSI-X, PCIe v2; AER and DSN. */
static void nvme_like(struct fake *f)
{
	memset(f->cfg, 0, sizeof(f->cfg));
	put(f, 0x06, 2, 0x0010);		/* status: cap list */
	put(f, 0x34, 1, 0x40);
	put(f, 0x40, 2, 0x5001);		/* PM, next 0x50 */
	put(f, 0x42, 2, 0x0003);
	put(f, 0x44, 2, 0x0000);
	put(f, 0x50, 2, 0x6011);		/* MSI-X, next 0x60 */
	put(f, 0x52, 2, 0x0040);		/* 65 vectors */
	put(f, 0x54, 4, 0x00002000);
	put(f, 0x58, 4, 0x00003000);
	put(f, 0x60, 2, 0x0010);		/* PCIe, last */
	put(f, 0x62, 2, 0x0002);		/* v2 endpoint */
	put(f, 0x64, 4, 0x10000000);		/* FLR */
	put(f, 0x68, 2, 0x2810);		/* RO NS, read 512 */
	put(f, 0x6c, 4, 0x00000011);		/* link x1 2.5 */
	put(f, 0x72, 2, 0x0011);
	put(f, 0x100, 4, 0x14820001);		/* AER v2, next 0x148 */
	put(f, 0x148, 4, 0x00010003);		/* DSN v1, last */
	put(f, 0x14c, 4, 0x12345678);
	put(f, 0x150, 4, 0x9abcdef0);
}

static void test_caps(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pciconf_io io = { fake_read, fake_getbar, f };
	struct pci_conf p = conf("nvme", 0, 0, 4, 0);
	struct capture c;

	nvme_like(f);
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 1) == 0);
	CHECK_OUT(&c,
		  "    cap 01[40] = powerspec 3  supports D0 D3  current D0\n"
		  "    cap 11[50] = MSI-X supports 65 messages\n"
		  "                 Table in map 0x10[0x2000], PBA in map "
		  "0x10[0x3000]\n"
		  "    cap 10[60] = PCI-Express 2 endpoint max data 128(128) "
		  "FLR RO NS\n"
		  "                 max read 512\n"
		  "                 link x1(x1) speed 2.5(2.5)\n"
		  "    ecap 0001[100] = AER 2 0 fatal 0 non-fatal 0 corrected\n"
		  "    ecap 0003[148] = Serial 1 9abcdef012345678\n");

	/* MSI with 4 of 8 vectors enabled, 64-bit, masks; PM D1 D2 in D3. */
	memset(f->cfg, 0, sizeof(f->cfg));
	put(f, 0x06, 2, 0x0010);
	put(f, 0x34, 1, 0x48);
	put(f, 0x48, 2, 0x5005);
	put(f, 0x4a, 2, 0x01a7);
	put(f, 0x50, 2, 0x0001);
	put(f, 0x52, 2, 0x0602);
	put(f, 0x54, 2, 0x0003);
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 1) == 0);
	CHECK_OUT(&c,
		  "    cap 05[48] = MSI supports 8 messages, 64 bit, vector "
		  "masks enabled with 4 messages\n"
		  "    cap 01[50] = powerspec 2  supports D0 D1 D2 D3  "
		  "current D3\n");

	/* A capability list that points at itself ends; no hang. */
	memset(f->cfg, 0, sizeof(f->cfg));
	put(f, 0x06, 2, 0x0010);
	put(f, 0x34, 1, 0x40);
	put(f, 0x40, 2, 0x4003);		/* VPD, next = itself */
	f->reads = 0;
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 1) == 0);
	free(cap_text(&c));
	CHECK(f->reads < 200);

	/* No capability list: nothing; bad header type: an error. */
	memset(f->cfg, 0, sizeof(f->cfg));
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 1) == 0);
	CHECK_OUT(&c, "");
	put(f, 0x06, 2, 0x0010);
	p.pc_hdr = 0x05;
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 1) == -1);
	free(cap_text(&c));

	/* A root port with a hot-plug slot, and a vendor ecap with -cc. */
	memset(f->cfg, 0, sizeof(f->cfg));
	p.pc_hdr = 1;
	put(f, 0x06, 2, 0x0010);
	put(f, 0x34, 1, 0x60);
	put(f, 0x60, 2, 0x0010);
	put(f, 0x62, 2, 0x0142);		/* v2 root port, slot */
	put(f, 0x64, 4, 0x00000001);		/* max payload 256 */
	put(f, 0x68, 2, 0x0020);		/* payload 256 */
	put(f, 0x6c, 4, 0x00040c22);		/* x2 5.0, ASPM, ClockPM */
	put(f, 0x70, 2, 0x0102);		/* ASPM L1, ClockPM on */
	put(f, 0x72, 2, 0x0021);		/* x2 2.5 */
	put(f, 0x74, 4, 0x00180000 | (25 << 7) | 0x60);
	put(f, 0x7a, 2, 0x0040);		/* presence detected */
	put(f, 0x100, 4, 0x0001000b);		/* vendor ecap v1 */
	put(f, 0x104, 4, 0x01011234);		/* ID 1234 rev 1 len 16 */
	put(f, 0x108, 4, 0xddccbbaa);
	CHECK(pciconf_list_caps(cap_open(&c), &io, &p, 2) == 0);
	CHECK_OUT(&c,
		  "    cap 10[60] = PCI-Express 2 root port max data 256(256)\n"
		  "                 max read 128\n"
		  "                 link x2(x2) speed 2.5(5.0) ASPM L1(L0s/L1) "
		  "ClockPM enabled\n"
		  "                 slot 3 power limit 25000 mW HotPlug(present) "
		  "surprise\n"
		  "    ecap 000b[100] = Vendor [1] ID 1234 Rev 1 Length 16\n"
		  "                 0b 00 01 00 34 12 01 01 aa bb cc dd 00 00 "
		  "00 00\n");
	free(f);
}

static void test_errors(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pciconf_io io = { fake_read, fake_getbar, f };
	struct pci_conf p = conf("nvme", 0, 0, 4, 0);
	struct capture c;

	nvme_like(f);
	pciconf_list_errors(cap_open(&c), &io, &p);
	CHECK_OUT(&c, "");

	put(f, 0x06, 2, 0x2010);		/* received master abort */
	put(f, 0x6a, 2, 0x0009);		/* correctable, UR */
	put(f, 0x104, 4, 0x00100024);		/* UR + surprise down + 0x4 */
	put(f, 0x10c, 4, 0x00000020);		/* surprise down is fatal */
	put(f, 0x110, 4, 0x00000041);
	pciconf_list_errors(cap_open(&c), &io, &p);
	CHECK_OUT(&c,
		  "    PCI errors = Received Master-Abort\n"
		  "  PCI-e errors = Correctable Error Detected\n"
		  "                 Unsupported Request Detected\n"
		  "         Fatal = Surprise Link Down Error\n"
		  "     Non-fatal = Unsupported Request\n"
		  "                 Unknown: 0x00000004\n"
		  "     Corrected = Receiver Error\n"
		  "                 Bad TLP\n");
	free(f);
}

static void test_vpd(void)
{
	static const uint8_t vpd[] = {
		0, 0, PVE_FLAG_IDENT, 4, 'Q', 'E', 'M', 'U',
		'P', 'N', 0, 3, '1', '2', '3',
		'R', 'V', 0, 1, 0x42,
		'C', 'P', 0, 4, 0x01, 0x01, 0x12, 0x34,
		'Y', 'A', PVE_FLAG_RW, 1, 'x',
		'R', 'W', PVE_FLAG_RW, 2, 0, 0,
		'E', 'C', 0, 200, 'z',		/* runs past the end */
	};
	struct capture c;

	pciconf_print_vpd(cap_open(&c), vpd, sizeof(vpd));
	CHECK_OUT(&c,
		  "    VPD ident  = 'QEMU'\n"
		  "    VPD ro PN  = '123'\n"
		  "    VPD ro CP  = ID 01 in map 0x14[0x3412]\n"
		  "    VPD rw YA  = 'x'\n");
	pciconf_print_vpd(cap_open(&c), vpd, 3);
	CHECK_OUT(&c, "");
}

static void test_regs(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pciconf_io io = { fake_read, fake_getbar, f };
	struct pcisel sel = { 0, 0, 4, 0 };
	struct capture c;
	int i;

	for (i = 0; i < 64; i++)
		f->cfg[i] = (uint8_t)i;
	pciconf_print_regs(cap_open(&c), &io, &sel, 0, 0x0f, 1);
	CHECK_OUT(&c, "00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f \n");
	pciconf_print_regs(cap_open(&c), &io, &sel, 0, 0x1c, 4);
	CHECK_OUT(&c, "03020100 07060504 0b0a0908 0f0e0d0c\n"
		  "13121110 17161514 1b1a1918 1f1e1d1c \n");
	pciconf_print_regs(cap_open(&c), &io, &sel, 0, 0, 4);
	CHECK_OUT(&c, "03020100 \n");
	pciconf_print_regs(cap_open(&c), &io, &sel, 2, 6, 2);
	CHECK_OUT(&c, "0302 0504 0706 \n");
	pciconf_print_regs(cap_open(&c), &io, &sel, 8, 4, 4);
	CHECK_OUT(&c, "");
	free(f);
}

int main(void)
{
	test_lines();
	test_classes();
	test_verbose();
	test_bars();
	test_bridge();
	test_caps();
	test_errors();
	test_vpd();
	test_regs();
	return t_summary("pciconf_format");
}
