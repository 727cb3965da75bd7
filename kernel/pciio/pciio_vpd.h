/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VPD image -> FreeBSD's PCIOCLISTVPD element list.  Freestanding: built
 * into pciio.ko and into a host unit test (tests/unit/test_pciio_vpd.c).
 */
#ifndef PCIIO_VPD_H
#define PCIIO_VPD_H

/*
 * Walk the VPD image @vpd (@len bytes) and measure (@out NULL) or fill the
 * element list FreeBSD returns: the identifier string (at most 255 bytes,
 * up to its first NUL), then the VPD-R keywords, then the VPD-W keywords.
 * Returns the list's length in bytes, or -ENXIO if there is no identifier
 * string.  Malformed or truncated items end the walk.
 */
long pciio_vpd_elements(const unsigned char *vpd, unsigned int len,
			unsigned char *out);

#endif /* PCIIO_VPD_H */
