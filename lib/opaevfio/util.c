// SPDX-License-Identifier: BSD-3-Clause
/*
 * libopaevfio helpers that need no device: PCI address and UUID parsing,
 * page-size choice and rounding, the per-thread last-error string.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *opaevfio_sysfs_pci_root = "/sys/bus/pci";
const char *opaevfio_dev_vfio_root = "/dev/vfio";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse 1..maxdigits hex digits at *p; advances *p; *ndig gets the count. */
static int parse_hex(const char **p, int maxdigits, unsigned long *val,
		     int *ndig)
{
	unsigned long v = 0;
	int n = 0;

	while (hexval(**p) >= 0) {
		if (++n > maxdigits)
			return -1;
		v = v * 16 + (unsigned long)hexval(**p);
		(*p)++;
	}
	if (!n)
		return -1;
	*val = v;
	if (ndig)
		*ndig = n;
	return 0;
}

int opaevfio_parse_pciaddr(const char *s, char *out, size_t outlen)
{
	unsigned long f[4], dom = 0, bus, dev, fn;
	const char *p = s;
	int colons = 0, n, ndig0 = 0;

	if (!s || !out)
		return EINVAL;
	/* fields separated by ':' ... then '.' function */
	for (n = 0; n < 3; n++) {
		if (parse_hex(&p, n == 0 ? 8 : 2, &f[n], n == 0 ? &ndig0 : NULL))
			return EINVAL;
		if (*p != ':')
			break;
		colons++;
		p++;
	}
	if (colons == 2) {
		dom = f[0];
		bus = f[1];
		dev = f[2];
	} else if (colons == 1) {
		if (ndig0 > 2)
			return EINVAL;
		bus = f[0];
		dev = f[1];
	} else {
		return EINVAL;
	}
	if (*p != '.')
		return EINVAL;
	p++;
	if (parse_hex(&p, 1, &fn, NULL) || *p != '\0')
		return EINVAL;
	if (dom > 0xffffffffUL || bus > 0xff || dev > 0x1f || fn > 7)
		return EINVAL;
	n = snprintf(out, outlen, "%04lx:%02lx:%02lx.%lx", dom, bus, dev, fn);
	if (n < 0 || (size_t)n >= outlen)
		return EINVAL;
	return 0;
}

int opaevfio_uuid_valid(const char *s)
{
	static const int groups[5] = { 8, 4, 4, 4, 12 };
	int g, i;

	if (!s)
		return 0;
	for (g = 0; g < 5; g++) {
		for (i = 0; i < groups[g]; i++, s++)
			if (hexval(*s) < 0)
				return 0;
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == '\0';
}

uint64_t opaevfio_round_up(uint64_t size, uint64_t page)
{
	if (!page || (page & (page - 1)))
		return 0;
	if (size > UINT64_MAX - (page - 1))
		return 0;
	return (size + page - 1) & ~(page - 1);
}

int opaevfio_page_candidates(uint64_t size, uint64_t sys_page,
			     uint64_t out[3])
{
	int n = 0;

	if (size > SZ_2M && sys_page < SZ_1G)
		out[n++] = SZ_1G;
	if (size > sys_page && sys_page < SZ_2M)
		out[n++] = SZ_2M;
	out[n++] = sys_page;
	return n;
}

static __thread char last_error[256];

const char *opae_vfio_last_error(void) OPAEVFIO_API;
const char *opae_vfio_last_error(void)
{
	return last_error;
}

void opaevfio_clear_error(void)
{
	last_error[0] = '\0';
}

int opaevfio_fail(int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	n = strlen(last_error);
	if (n + 3 < sizeof(last_error))
		snprintf(last_error + n, sizeof(last_error) - n, " (%s)",
			 strerror(err));
	if (getenv("OPAEVFIO_DEBUG"))
		fprintf(stderr, "libopaevfio: %s\n", last_error);
	errno = err;
	return err;
}
