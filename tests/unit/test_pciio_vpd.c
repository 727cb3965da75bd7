// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pciio_vpd.c - pciio.ko's VPD parser (kernel/pciio/pciio_vpd.c), which
 * turns a device's VPD image into PCIOCLISTVPD's element list, checked on
 * the host with well-formed, odd and broken images -- and end to end with
 * pciconf's -V printer (tools/pciconf/format.c).  The last line is
 * "pciio_vpd: N passed, M failed" (one per check).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pciconf.h"
#include "pciio_vpd.h"

/* A VPD image under construction. */
struct img {
	unsigned char b[70000];
	unsigned int n;
};

static void large(struct img *v, unsigned int name, const void *data,
		  unsigned int len)
{
	v->b[v->n++] = (unsigned char)(0x80 | name);
	v->b[v->n++] = (unsigned char)len;
	v->b[v->n++] = (unsigned char)(len >> 8);
	memcpy(v->b + v->n, data, len);
	v->n += len;
}

static void end_tag(struct img *v)
{
	v->b[v->n++] = 0x78;
}

/* Keywords "XXlen data..." into buf; returns its length. */
static unsigned int kw(unsigned char *buf, const char *k, const char *data,
		       unsigned int len)
{
	buf[0] = (unsigned char)k[0];
	buf[1] = (unsigned char)k[1];
	buf[2] = (unsigned char)len;
	memcpy(buf + 3, data, len);
	return 3 + len;
}

/* The element list, as "flags:KW=data" words, via the parser. */
static long render(const struct img *v, char *txt, size_t txtlen)
{
	unsigned char *out;
	long len, len2, off = 0;

	len = pciio_vpd_elements(v->b, v->n, NULL);
	if (len < 0)
		return len;
	out = malloc((size_t)len + 1);
	len2 = pciio_vpd_elements(v->b, v->n, out);
	if (len2 != len) {
		free(out);
		return -1000;
	}
	txt[0] = '\0';
	while (off < len) {
		const struct pci_vpd_element *e = (const void *)(out + off);
		char one[400];

		snprintf(one, sizeof(one), "%s%d:%c%c=%.*s", off ? " " : "",
			 e->pve_flags, e->pve_keyword[0] ? e->pve_keyword[0] : '-',
			 e->pve_keyword[1] ? e->pve_keyword[1] : '-',
			 e->pve_datalen > 40 ? 40 : e->pve_datalen,
			 (const char *)e->pve_data);
		strncat(txt, one, txtlen - strlen(txt) - 1);
		off += (long)sizeof(*e) + e->pve_datalen;
	}
	free(out);
	return len;
}

static void test_typical(void)
{
	struct img *v = calloc(1, sizeof(*v));
	unsigned char sec[256];
	unsigned int n;
	char txt[1024];
	long len;

	large(v, 0x02, "QEMU VPD", 8);
	n = kw(sec, "PN", "123", 3);
	n += kw(sec + n, "EC", "A1", 2);
	n += kw(sec + n, "RV", "\x42\0\0", 3);
	large(v, 0x10, sec, n);
	n = kw(sec, "YA", "abcd", 4);
	n += kw(sec + n, "RW", "\0\0\0", 3);
	large(v, 0x11, sec, n);
	end_tag(v);

	len = render(v, txt, sizeof(txt));
	CHECK(len == 4 + 8 + 4 + 3 + 4 + 2 + 4 + 3 + 4 + 4 + 4 + 3);
	CHECK(strcmp(txt, "1:--=QEMU VPD 0:PN=123 0:EC=A1 0:RV=B "
		     "2:YA=abcd 2:RW=") == 0);

	/* And what pciconf -V prints of it. */
	{
		unsigned char out[256];
		char *buf = NULL;
		size_t blen = 0;
		FILE *f = open_memstream(&buf, &blen);

		len = pciio_vpd_elements(v->b, v->n, out);
		pciconf_print_vpd(f, out, (size_t)len);
		fclose(f);
		CHECK(strcmp(buf, "    VPD ident  = 'QEMU VPD'\n"
			     "    VPD ro PN  = '123'\n"
			     "    VPD ro EC  = 'A1'\n"
			     "    VPD rw YA  = 'abcd'\n") == 0);
		free(buf);
	}
	free(v);
}

static void test_odd(void)
{
	struct img *v = calloc(1, sizeof(*v));
	unsigned char sec[300];
	char big[600], txt[2048];
	unsigned int n;
	long len;

	/* No identifier string: ENXIO; nothing at all: ENXIO. */
	n = kw(sec, "PN", "1", 1);
	large(v, 0x10, sec, n);
	end_tag(v);
	CHECK(render(v, txt, sizeof(txt)) == -ENXIO);
	v->n = 0;
	CHECK(render(v, txt, sizeof(txt)) == -ENXIO);
	/* What a missing device reads: all ones. */
	memset(v->b, 0xff, 256);
	v->n = 256;
	CHECK(render(v, txt, sizeof(txt)) == -ENXIO);

	/* VPD-W before VPD-R, a small item on the way: order is fixed. */
	v->n = 0;
	v->b[v->n++] = 0x22;			/* small item, 2 bytes */
	v->b[v->n++] = 0;
	v->b[v->n++] = 0;
	large(v, 0x02, "id", 2);
	n = kw(sec, "V1", "w", 1);
	large(v, 0x11, sec, n);
	n = kw(sec, "SN", "42", 2);
	large(v, 0x10, sec, n);
	end_tag(v);
	len = render(v, txt, sizeof(txt));
	CHECK(len == 4 + 2 + 4 + 2 + 4 + 1);
	CHECK(strcmp(txt, "1:--=id 0:SN=42 2:V1=w") == 0);

	/* Items after the End tag are not VPD. */
	n = kw(sec, "ZZ", "late", 4);
	large(v, 0x10, sec, n);
	CHECK(render(v, txt, sizeof(txt)) == len);

	/* An identifier longer than 255 bytes is cut to 255; at a NUL too. */
	v->n = 0;
	memset(big, 'x', sizeof(big));
	large(v, 0x02, big, 300);
	end_tag(v);
	CHECK(render(v, txt, sizeof(txt)) == 4 + 255);
	v->n = 0;
	large(v, 0x02, "ab\0cd", 5);
	end_tag(v);
	CHECK(render(v, txt, sizeof(txt)) == 4 + 2);
	CHECK(strcmp(txt, "1:--=ab") == 0);

	/* Truncated: an item longer than the image ends the walk. */
	v->n = 0;
	large(v, 0x02, "id", 2);
	n = kw(sec, "PN", "123", 3);
	large(v, 0x10, sec, n);
	v->n -= 2;				/* cut the section short */
	CHECK(render(v, txt, sizeof(txt)) == 4 + 2);
	/* A keyword longer than its section is dropped with the rest. */
	v->n = 0;
	large(v, 0x02, "id", 2);
	n = kw(sec, "PN", "123", 3);
	n += kw(sec + n, "EC", "4567", 4);
	sec[n - 4 - 1] = 200;			/* EC claims 200 bytes */
	large(v, 0x10, sec, n);
	end_tag(v);
	len = render(v, txt, sizeof(txt));
	CHECK(len == 4 + 2 + 4 + 3);
	CHECK(strcmp(txt, "1:--=id 0:PN=123") == 0);
	/* A large tag cut inside its header. */
	v->n = 0;
	large(v, 0x02, "id", 2);
	v->b[v->n++] = 0x90;
	v->b[v->n++] = 0x05;
	CHECK(render(v, txt, sizeof(txt)) == 4 + 2);
	/* Zero-length keywords and sections. */
	v->n = 0;
	large(v, 0x02, "", 0);
	large(v, 0x10, sec, 0);
	n = kw(sec, "Y0", "", 0);
	large(v, 0x11, sec, n);
	end_tag(v);
	CHECK(render(v, txt, sizeof(txt)) == 4 + 4);
	CHECK(strcmp(txt, "1:--= 2:Y0=") == 0);
	free(v);
}

/* The largest VPD there is (32 KiB), full of keywords. */
static void test_large(void)
{
	struct img *v = calloc(1, sizeof(*v));
	unsigned char *sec = calloc(1, 32768);
	static const char filler[255];
	unsigned int n = 0, count = 0;
	unsigned char *out;
	long len;

	large(v, 0x02, "big", 3);
	while (n + 3 + 255 <= 32000) {
		char k[2] = { 'V', (char)('0' + count % 10) };

		n += kw(sec + n, k, filler, 255);
		count++;
	}
	large(v, 0x10, sec, n);
	end_tag(v);
	len = pciio_vpd_elements(v->b, v->n, NULL);
	CHECK(len == (long)(4 + 3 + count * (4 + 255)));
	out = malloc((size_t)len);
	CHECK(pciio_vpd_elements(v->b, v->n, out) == len);
	free(out);
	free(sec);
	free(v);
}

int main(void)
{
	test_typical();
	test_odd();
	test_large();
	return t_summary("pciio_vpd");
}
