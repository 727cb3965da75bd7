// SPDX-License-Identifier: BSD-2-Clause
/*
 * pciconf selectors, parsed the way FreeBSD's pciconf(8) parses them.
 *
 * A selector without a colon is a device name ("nvme0"); one with a colon
 * is an address: everything up to an '@' is ignored, then "pci" and one to
 * four decimal numbers separated by colons, read from the right as function
 * (only when there are three or more), slot, bus and domain.  As an
 * extension, a Linux address ("0000:00:1f.2" or "00:1f.2", hexadecimal) is
 * accepted too; FreeBSD rejects those.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pciconf.h"

int pciconf_parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s == '\0' || *s == '-')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

static int set_sel(struct pcisel *sel, unsigned long dom, unsigned long bus,
		   unsigned long dev, unsigned long func)
{
	if (dom > UINT32_MAX || bus > 255 || dev > 255 || func > 255)
		return -1;
	sel->pc_domain = (uint32_t)dom;
	sel->pc_bus = (uint8_t)bus;
	sel->pc_dev = (uint8_t)dev;
	sel->pc_func = (uint8_t)func;
	return 0;
}

/* "pci" [D:]B:S[:F] with FreeBSD's right-to-left reading. */
static int parse_bsd_addr(const char *p, struct pcisel *sel)
{
	unsigned long v[4];
	int n = 0;

	if (strncmp(p, "pci", 3) != 0)
		return -1;
	p += 3;
	while (isdigit((unsigned char)*p) && n < 4) {
		char *end;

		errno = 0;
		v[n++] = strtoul(p, &end, 10);
		if (errno != 0)
			return -1;
		p = end;
		if (*p == ':')
			p++;
	}
	if (n == 0 || *p != '\0')
		return -1;
	switch (n) {
	case 1:
		return set_sel(sel, 0, 0, v[0], 0);
	case 2:
		return set_sel(sel, 0, v[0], v[1], 0);
	case 3:
		return set_sel(sel, 0, v[0], v[1], v[2]);
	default:
		return set_sel(sel, v[0], v[1], v[2], v[3]);
	}
}

static int parse_hex_field(const char **pp, int maxdigits, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;
	int n = 0;

	while (isxdigit((unsigned char)*p) && n < maxdigits) {
		int c = tolower((unsigned char)*p);

		v = v * 16 + (unsigned long)(isdigit(c) ? c - '0' : c - 'a' + 10);
		p++;
		n++;
	}
	if (n == 0)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/* Linux "[DDDD:]BB:SS.F" in hexadecimal. */
static int parse_linux_addr(const char *p, struct pcisel *sel)
{
	unsigned long f[3], func;
	int n = 0;

	for (;;) {
		if (n == 3 || parse_hex_field(&p, n == 0 ? 8 : 4, &f[n]) != 0)
			return -1;
		n++;
		if (*p == ':') {
			p++;
			continue;
		}
		break;
	}
	if (*p != '.' || n < 2)
		return -1;
	p++;
	if (parse_hex_field(&p, 1, &func) != 0 || *p != '\0')
		return -1;
	if (n == 2)
		return f[1] > 31 || func > 7 ? -1 : set_sel(sel, 0, f[0], f[1], func);
	return f[2] > 31 || func > 7 ? -1 : set_sel(sel, f[0], f[1], f[2], func);
}

/*
 * "name" + "unit": FreeBSD splits at the trailing digits, and that split is
 * tried first.  Linux driver names may themselves end in digits ("e1000"),
 * so every shorter unit written the way units are printed (no leading zero)
 * follows, longest name first.
 */
static int add_candidate(struct pciconf_sel *out, const char *str,
			 size_t nlen)
{
	unsigned long unit;

	if (out->ncand >= PCICONF_MAX_CANDIDATES || nlen > PCI_MAXNAMELEN)
		return -1;
	errno = 0;
	unit = strtoul(str + nlen, NULL, 10);
	if (errno != 0)
		return -1;
	memcpy(out->cand[out->ncand].name, str, nlen);
	out->cand[out->ncand].name[nlen] = '\0';
	out->cand[out->ncand].unit = unit;
	out->ncand++;
	return 0;
}

static int parse_name(const char *str, struct pciconf_sel *out, char *err,
		      size_t errlen)
{
	size_t len = strlen(str), digits = 0, i;

	if (len == 0) {
		snprintf(err, errlen, "Empty device name");
		return -1;
	}
	while (digits < len && isdigit((unsigned char)str[len - 1 - digits]))
		digits++;
	if (digits == 0 || digits == len) {
		snprintf(err, errlen, "Invalid device name");
		return -1;
	}
	if (len - digits > PCI_MAXNAMELEN) {
		snprintf(err, errlen, "Device name is too long");
		return -1;
	}
	out->is_name = 1;
	if (add_candidate(out, str, len - digits) != 0) {
		snprintf(err, errlen, "Invalid device name");
		return -1;
	}
	/* i: how many trailing digits form the unit. */
	for (i = 1; i < digits; i++) {
		if (i > 1 && str[len - i] == '0')
			continue;
		add_candidate(out, str, len - i);
	}
	return 0;
}

int pciconf_parse_selector(const char *str, struct pciconf_sel *out,
			   char *err, size_t errlen)
{
	const char *at;

	memset(out, 0, sizeof(*out));
	if (strchr(str, ':') == NULL)
		return parse_name(str, out, err, errlen);

	at = strchr(str, '@');
	at = at ? at + 1 : str;
	if (parse_bsd_addr(at, &out->sel) == 0 ||
	    parse_linux_addr(at, &out->sel) == 0)
		return 0;
	snprintf(err, errlen, "cannot parse selector %s", str);
	return -1;
}
