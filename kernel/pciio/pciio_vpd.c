// SPDX-License-Identifier: GPL-2.0-only
/*
 * VPD image -> FreeBSD's PCIOCLISTVPD element list (see pciio_vpd.h).
 *
 * VPD is a sequence of resource items: large items (tag bit 7 set, 7-bit
 * name, 16-bit little-endian length) -- 0x02 identifier string, 0x10 VPD-R,
 * 0x11 VPD-W -- and small items (4-bit name, 3-bit length) up to the End
 * item (name 0xf).  VPD-R and VPD-W hold keywords: two characters, a length
 * byte and the data.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include <pciio.h>
#include "pciio_vpd.h"

#define VPD_TAG_LARGE		0x80
#define VPD_LTAG_ID_STRING	0x02
#define VPD_LTAG_RO		0x10
#define VPD_LTAG_RW		0x11
#define VPD_STAG_END		0x0f

struct vpd_item {
	unsigned int name;	/* large item name, or 0x100 + small name */
	unsigned int data;	/* offset of the data */
	unsigned int dlen;
};

/* The item at *pos; 0 and *pos moved past it, or -1 at the end. */
static int vpd_next(const unsigned char *vpd, unsigned int len,
		    unsigned int *pos, struct vpd_item *it)
{
	unsigned int p = *pos;

	if (p >= len)
		return -1;
	if (vpd[p] & VPD_TAG_LARGE) {
		if (len - p < 3)
			return -1;
		it->name = vpd[p] & 0x7f;
		it->dlen = vpd[p + 1] | (vpd[p + 2] << 8);
		it->data = p + 3;
	} else {
		it->name = 0x100 | ((vpd[p] >> 3) & 0xf);
		if (it->name == (0x100 | VPD_STAG_END))
			return -1;
		it->dlen = vpd[p] & 7;
		it->data = p + 1;
	}
	if (it->dlen > len - it->data)
		return -1;
	*pos = it->data + it->dlen;
	return 0;
}

static void put_element(unsigned char *out, const char kw[2],
			unsigned char flags, const unsigned char *data,
			unsigned int dlen)
{
	struct pci_vpd_element *e = (struct pci_vpd_element *)out;

	e->pve_keyword[0] = kw[0];
	e->pve_keyword[1] = kw[1];
	e->pve_flags = flags;
	e->pve_datalen = (unsigned char)dlen;
	memcpy(e->pve_data, data, dlen);
}

long pciio_vpd_elements(const unsigned char *vpd, unsigned int len,
			unsigned char *out)
{
	static const char no_kw[2];
	const unsigned char *ident = NULL;
	unsigned int pos = 0, ident_len = 0;
	struct vpd_item it;
	unsigned long total;
	int pass;

	/* The identifier string always comes first out. */
	while (vpd_next(vpd, len, &pos, &it) == 0) {
		if (it.name == VPD_LTAG_ID_STRING) {
			ident = vpd + it.data;
			ident_len = it.dlen < 255 ? it.dlen : 255;
			ident_len = strnlen((const char *)ident, ident_len);
			break;
		}
	}
	if (!ident)
		return -ENXIO;

	total = sizeof(struct pci_vpd_element) + ident_len;
	if (out)
		put_element(out, no_kw, PVE_FLAG_IDENT, ident, ident_len);

	/* Then every read-only keyword, then every read-write one. */
	for (pass = 0; pass < 2; pass++) {
		unsigned int want = pass ? VPD_LTAG_RW : VPD_LTAG_RO;

		pos = 0;
		while (vpd_next(vpd, len, &pos, &it) == 0) {
			unsigned int k = it.data, end = it.data + it.dlen;

			if (it.name != want)
				continue;
			while (end - k >= 3 && vpd[k + 2] <= end - k - 3) {
				unsigned int klen = vpd[k + 2];

				if (out)
					put_element(out + total,
						    (const char *)vpd + k,
						    pass ? PVE_FLAG_RW : 0,
						    vpd + k + 3, klen);
				total += sizeof(struct pci_vpd_element) + klen;
				k += 3 + klen;
			}
		}
	}
	return (long)total;
}
