/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pciconf: FreeBSD pciconf(8) on top of /dev/pci (pciio.ko).
 *
 * The parts that need no device -- selector parsing, output formatting, the
 * pci.ids reader -- take their input through the small interface below so
 * that host unit tests can feed them a fake configuration space.
 */
#ifndef PCICONF_H
#define PCICONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pciio.h"

/* Access to one device's registers, as pciconf(8) needs it. */
struct pciconf_io {
	/* A config register; the real one exits on an ioctl error. */
	uint32_t (*read)(void *ctx, const struct pcisel *sel, long reg,
			 int width);
	/* PCIOCGETBAR: 0 on success, -1 if the BAR does not exist. */
	int (*getbar)(void *ctx, struct pci_bar_io *bar);
	void *ctx;
};

/* ---- selector.c --------------------------------------------------------- */

#define PCICONF_MAX_CANDIDATES 8

/*
 * A parsed selector: an address ("pci0:1:2:3", "pci1:2:3", "pci1:2",
 * "nvme0@pci0:1:0:0", or a Linux "0000:01:00.0"), or a driver name and unit
 * ("nvme0").  A Linux driver name may end in digits ("e1000"), so a name is
 * kept as every sensible split of name and unit, longest name first; the
 * caller asks the kernel for each until one matches.
 */
struct pciconf_sel {
	int is_name;
	struct pcisel sel;
	int ncand;
	struct {
		char name[PCI_MAXNAMELEN + 1];
		unsigned long unit;
	} cand[PCICONF_MAX_CANDIDATES];
};

/* 0, or -1 with FreeBSD's error message in err. */
int pciconf_parse_selector(const char *str, struct pciconf_sel *out,
			   char *err, size_t errlen);

/* strtol-style number with FreeBSD's base-0 rules; -1 if not all used. */
int pciconf_parse_ulong(const char *s, unsigned long *out);

/* ---- pciids.c ------------------------------------------------------------ */

struct pciconf_ids;

/* Read a pci.ids-format database; NULL if it cannot be read. */
struct pciconf_ids *pciconf_ids_read(FILE *f);
/* PCICONF_VENDOR_DATABASE, then the usual places; NULL if none. */
struct pciconf_ids *pciconf_ids_load(void);
const char *pciconf_ids_vendor(const struct pciconf_ids *ids,
			       uint16_t vendor);
const char *pciconf_ids_device(const struct pciconf_ids *ids,
			       uint16_t vendor, uint16_t device);
void pciconf_ids_free(struct pciconf_ids *ids);

/* ---- format.c ------------------------------------------------------------ */

/* "-l": one line per device; none_count numbers devices without driver. */
void pciconf_print_conf(FILE *out, const struct pci_conf *p, int *none_count);
/* "-ll": the table header and its rows. */
void pciconf_print_conf_header(FILE *out);
void pciconf_print_conf_row(FILE *out, const struct pci_conf *p,
			    int *none_count);

const char *pciconf_class_name(uint8_t class_code);
const char *pciconf_subclass_name(uint8_t class_code, uint8_t subclass);
/* "-v": vendor, device, class and subclass lines. */
void pciconf_print_verbose(FILE *out, const struct pciconf_ids *ids,
			   const struct pci_conf *p);

/* One BAR line (PCIOCGETBAR result) with FreeBSD's label ("bar   "). */
void pciconf_print_bar(FILE *out, const char *label,
		       const struct pci_bar_io *bar);
void pciconf_list_bars(FILE *out, const struct pciconf_io *io,
		       const struct pci_conf *p);
void pciconf_list_bridge(FILE *out, const struct pciconf_io *io,
			 const struct pci_conf *p);
/* 0, or -1 for a header type capabilities cannot be listed for. */
int pciconf_list_caps(FILE *out, const struct pciconf_io *io,
		      const struct pci_conf *p, int level);
void pciconf_list_errors(FILE *out, const struct pciconf_io *io,
			 const struct pci_conf *p);
/* PCIOCLISTVPD output (a packed pci_vpd_element list). */
void pciconf_print_vpd(FILE *out, const void *buf, size_t len);
/* "-r": registers start..end at width, FreeBSD's hex layout. */
void pciconf_print_regs(FILE *out, const struct pciconf_io *io,
			const struct pcisel *sel, long start, long end,
			int width);

#endif /* PCICONF_H */
