// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_pciconf_selector.c - pciconf's selector and number parsing
 * (tools/pciconf/selector.c), against FreeBSD pciconf(8)'s rules.
 * Plain C; every failed check prints file:line; the last line is
 * "pciconf_selector: N passed, M failed" (one per check).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "pciconf.h"

static int addr_is(const char *s, unsigned int d, unsigned int b,
		   unsigned int dev, unsigned int f)
{
	struct pciconf_sel ps;
	char err[128];

	if (pciconf_parse_selector(s, &ps, err, sizeof(err)) != 0) {
		printf("  %s: unexpected error: %s\n", s, err);
		return 0;
	}
	if (ps.is_name) {
		printf("  %s: parsed as a name\n", s);
		return 0;
	}
	if (ps.sel.pc_domain != d || ps.sel.pc_bus != b || ps.sel.pc_dev != dev ||
	    ps.sel.pc_func != f) {
		printf("  %s: got %u:%u:%u:%u\n", s, ps.sel.pc_domain,
		       ps.sel.pc_bus, ps.sel.pc_dev, ps.sel.pc_func);
		return 0;
	}
	return 1;
}

static int error_is(const char *s, const char *msg)
{
	struct pciconf_sel ps;
	char err[128] = "";

	if (pciconf_parse_selector(s, &ps, err, sizeof(err)) == 0) {
		printf("  '%s': parsed, expected error '%s'\n", s, msg);
		return 0;
	}
	if (strcmp(err, msg) != 0) {
		printf("  '%s': error '%s', expected '%s'\n", s, err, msg);
		return 0;
	}
	return 1;
}

/* The candidates, as "name/unit name/unit ...". */
static int names_are(const char *s, const char *expect)
{
	struct pciconf_sel ps;
	char err[128], got[512] = "";
	int i;

	if (pciconf_parse_selector(s, &ps, err, sizeof(err)) != 0) {
		printf("  %s: unexpected error: %s\n", s, err);
		return 0;
	}
	if (!ps.is_name) {
		printf("  %s: parsed as an address\n", s);
		return 0;
	}
	for (i = 0; i < ps.ncand; i++) {
		char one[64];

		snprintf(one, sizeof(one), "%s%s/%lu", i ? " " : "",
			 ps.cand[i].name, ps.cand[i].unit);
		strncat(got, one, sizeof(got) - strlen(got) - 1);
	}
	if (strcmp(got, expect) != 0) {
		printf("  %s: candidates '%s', expected '%s'\n", s, got, expect);
		return 0;
	}
	return 1;
}

static int ulong_is(const char *s, int ok, unsigned long v)
{
	unsigned long got = 0;
	int r = pciconf_parse_ulong(s, &got);

	if (ok)
		return r == 0 && got == v;
	return r != 0;
}

int main(void)
{
	/* FreeBSD's address forms, read right to left. */
	CHECK(addr_is("pci0:1:2:3", 0, 1, 2, 3));
	CHECK(addr_is("pci7:1:2:3", 7, 1, 2, 3));
	CHECK(addr_is("pci1:2:3", 0, 1, 2, 3));
	CHECK(addr_is("pci1:2", 0, 1, 2, 0));
	CHECK(addr_is("pci5:", 0, 0, 5, 0));
	CHECK(addr_is("pci0:0:31:7", 0, 0, 31, 7));
	CHECK(addr_is("pci0:1:2:3:", 0, 1, 2, 3));
	CHECK(addr_is("pci65536:0:1:0", 65536, 0, 1, 0));
	/* Whatever precedes '@' is ignored, as in "-l" output. */
	CHECK(addr_is("nvme0@pci0:4:0:0", 0, 4, 0, 0));
	CHECK(error_is("none3@pci0:0:1f:2",
		       "cannot parse selector none3@pci0:0:1f:2"));
	CHECK(addr_is("x@pci0:0:3:0:", 0, 0, 3, 0));
	/* Linux addresses (an extension). */
	CHECK(addr_is("0000:00:1f.2", 0, 0, 0x1f, 2));
	CHECK(addr_is("00:1f.2", 0, 0, 0x1f, 2));
	CHECK(addr_is("0001:af:00.7", 1, 0xaf, 0, 7));
	CHECK(addr_is("nvme0@0000:00:04.0", 0, 0, 4, 0));

	CHECK(error_is("pci0:1:2:3:4", "cannot parse selector pci0:1:2:3:4"));
	CHECK(error_is("pcix:1", "cannot parse selector pcix:1"));
	CHECK(error_is("pci:1", "cannot parse selector pci:1"));
	CHECK(error_is("pci0:1:2x", "cannot parse selector pci0:1:2x"));
	CHECK(error_is("pci0:256:0:0", "cannot parse selector pci0:256:0:0"));
	CHECK(error_is("pci4294967296:0:0:0",
		       "cannot parse selector pci4294967296:0:0:0"));
	CHECK(error_is("1:2:3", "cannot parse selector 1:2:3"));
	CHECK(error_is("0000:00:20.0", "cannot parse selector 0000:00:20.0"));
	CHECK(error_is("0000:00:1f.8", "cannot parse selector 0000:00:1f.8"));
	CHECK(error_is("00:1f", "cannot parse selector 00:1f"));
	CHECK(error_is(":", "cannot parse selector :"));

	/* Names: FreeBSD's split first, then longer Linux driver names. */
	CHECK(names_are("nvme0", "nvme/0"));
	CHECK(names_are("nvme10", "nvme/10 nvme1/0"));
	CHECK(names_are("e10000", "e/10000 e1000/0"));
	CHECK(names_are("e10001", "e/10001 e1000/1"));
	CHECK(names_are("virtio-pci3", "virtio-pci/3"));
	CHECK(names_are("nvme007", "nvme/7 nvme00/7"));
	CHECK(names_are("abcdefghijklmnop0", "abcdefghijklmnop/0"));
	CHECK(names_are("pci5", "pci/5"));
	CHECK(error_is("", "Empty device name"));
	CHECK(error_is("nvme", "Invalid device name"));
	CHECK(error_is("123", "Invalid device name"));
	CHECK(error_is("abcdefghijklmnopq0", "Device name is too long"));
	CHECK(error_is("nvme99999999999999999999999", "Invalid device name"));

	/* Numbers as strtoul(..., 0) reads them, but whole. */
	CHECK(ulong_is("0x10", 1, 16));
	CHECK(ulong_is("16", 1, 16));
	CHECK(ulong_is("010", 1, 8));
	CHECK(ulong_is("0", 1, 0));
	CHECK(ulong_is("0xffffffff", 1, 0xffffffffUL));
	CHECK(ulong_is("", 0, 0));
	CHECK(ulong_is("1x", 0, 0));
	CHECK(ulong_is("-1", 0, 0));
	CHECK(ulong_is("0x", 0, 0));

	return t_summary("pciconf_selector");
}
