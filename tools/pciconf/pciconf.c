// SPDX-License-Identifier: BSD-2-Clause
/*
 * pciconf - FreeBSD pciconf(8) for Linux, on top of /dev/pci (pciio.ko).
 *
 *   pciconf -l [-BbcevV] [device]
 *   pciconf -a device
 *   pciconf -r [-b | -h] device addr[:addr2]
 *   pciconf -w [-b | -h] device addr value
 *   pciconf -D [-b | -h | -x] device bar [start [count]]
 *
 * Output is FreeBSD's, byte for byte; see pciconf.8 and docs/pciio.md.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pciconf.h"

#define PATH_DEVPCI "/dev/pci"

static int exitstatus;

static void usage(void)
{
	fprintf(stderr, "%s",
		"usage: pciconf -l [-BbcevV] [device]\n"
		"       pciconf -a device\n"
		"       pciconf -r [-b | -h] device addr[:addr2]\n"
		"       pciconf -w [-b | -h] device addr value\n"
		"       pciconf -D [-b | -h | -x] device bar [start [count]]\n");
	exit(1);
}

static int open_devpci(int flags)
{
	int fd = open(PATH_DEVPCI, flags | O_CLOEXEC, 0);

	if (fd < 0)
		err(1, "%s", PATH_DEVPCI);
	return fd;
}

static uint32_t dev_read(void *ctx, const struct pcisel *sel, long reg,
			 int width)
{
	struct pci_io pi;

	memset(&pi, 0, sizeof(pi));
	pi.pi_sel = *sel;
	pi.pi_reg = (int)reg;
	pi.pi_width = width;
	if (ioctl(*(int *)ctx, PCIOCREAD, &pi) < 0)
		err(1, "ioctl(PCIOCREAD)");
	return pi.pi_data;
}

static int dev_getbar(void *ctx, struct pci_bar_io *bar)
{
	return ioctl(*(int *)ctx, PCIOCGETBAR, bar) < 0 ? -1 : 0;
}

/* A driver name and unit, through the kernel's pattern matching. */
static struct pcisel getdevice(const struct pciconf_sel *ps)
{
	struct pci_match_conf pattern;
	struct pci_conf_io pc;
	struct pci_conf conf;
	int fd, i;

	fd = open_devpci(O_RDONLY);
	for (i = 0; i < ps->ncand; i++) {
		memset(&pc, 0, sizeof(pc));
		memset(&pattern, 0, sizeof(pattern));
		pc.match_buf_len = sizeof(conf);
		pc.matches = &conf;
		memcpy(pattern.pd_name, ps->cand[i].name,
		       sizeof(pattern.pd_name));
		pattern.pd_unit = ps->cand[i].unit;
		pattern.flags = (pci_getconf_flags)(PCI_GETCONF_MATCH_NAME |
						    PCI_GETCONF_MATCH_UNIT);
		pc.num_patterns = 1;
		pc.pat_buf_len = sizeof(pattern);
		pc.patterns = &pattern;
		if (ioctl(fd, PCIOCGETCONF, &pc) == -1)
			err(1, "ioctl(PCIOCGETCONF)");
		if (pc.status != PCI_GETCONF_LAST_DEVICE &&
		    pc.status != PCI_GETCONF_MORE_DEVS)
			errx(1, "error returned from PCIOCGETCONF ioctl");
		if (pc.num_matches > 0) {
			close(fd);
			return conf.pc_sel;
		}
	}
	close(fd);
	errx(1, "Device not found");
}

static struct pcisel getsel(const char *str)
{
	struct pciconf_sel ps;
	char msg[256];

	if (pciconf_parse_selector(str, &ps, msg, sizeof(msg)) != 0)
		errx(1, "%s", msg);
	if (ps.is_name)
		return getdevice(&ps);
	return ps.sel;
}

static void list_vpd(int fd, const struct pci_conf *p)
{
	struct pci_list_vpd_io list;

	memset(&list, 0, sizeof(list));
	list.plvi_sel = p->pc_sel;
	if (ioctl(fd, PCIOCLISTVPD, &list) < 0 || list.plvi_len == 0)
		return;
	list.plvi_data = malloc(list.plvi_len);
	if (list.plvi_data == NULL)
		return;
	if (ioctl(fd, PCIOCLISTVPD, &list) == 0)
		pciconf_print_vpd(stdout, list.plvi_data, list.plvi_len);
	free(list.plvi_data);
}

struct list_opts {
	int verbose, bars, bridge, caps, errors, vpd, listmode;
};

static void list_devs(const char *name, const struct list_opts *o)
{
	static struct pci_conf conf[255];
	struct pciconf_ids *ids = NULL;
	struct pci_match_conf pattern;
	struct pciconf_io io;
	struct pci_conf_io pc;
	int fd, none_count = 0;
	uint32_t i;

	if (o->verbose)
		ids = pciconf_ids_load();
	fd = open_devpci(o->bridge || o->caps || o->errors ? O_RDWR : O_RDONLY);
	io.read = dev_read;
	io.getbar = dev_getbar;
	io.ctx = &fd;

	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = sizeof(conf);
	pc.matches = conf;
	if (name != NULL) {
		memset(&pattern, 0, sizeof(pattern));
		pattern.pc_sel = getsel(name);
		pattern.flags = (pci_getconf_flags)(PCI_GETCONF_MATCH_DOMAIN |
						    PCI_GETCONF_MATCH_BUS |
						    PCI_GETCONF_MATCH_DEV |
						    PCI_GETCONF_MATCH_FUNC);
		pc.num_patterns = 1;
		pc.pat_buf_len = sizeof(pattern);
		pc.patterns = &pattern;
	}

	do {
		if (ioctl(fd, PCIOCGETCONF, &pc) == -1)
			err(1, "ioctl(PCIOCGETCONF)");
		/* Listing twice is worse than asking to try again. */
		if (pc.status == PCI_GETCONF_LIST_CHANGED) {
			warnx("PCI device list changed, please try again");
			exitstatus = 1;
			break;
		} else if (pc.status == PCI_GETCONF_ERROR) {
			warnx("error returned from PCIOCGETCONF ioctl");
			exitstatus = 1;
			break;
		}
		if (o->listmode == 2)
			pciconf_print_conf_header(stdout);
		for (i = 0; i < pc.num_matches; i++) {
			const struct pci_conf *p = &conf[i];

			if (o->listmode == 2)
				pciconf_print_conf_row(stdout, p, &none_count);
			else
				pciconf_print_conf(stdout, p, &none_count);
			if (o->verbose)
				pciconf_print_verbose(stdout, ids, p);
			if (o->bars)
				pciconf_list_bars(stdout, &io, p);
			if (o->bridge)
				pciconf_list_bridge(stdout, &io, p);
			if (o->caps && pciconf_list_caps(stdout, &io, p,
							 o->caps) != 0)
				errx(1, "list_caps: bad header type");
			if (o->errors)
				pciconf_list_errors(stdout, &io, p);
			if (o->vpd)
				list_vpd(fd, p);
		}
	} while (pc.status == PCI_GETCONF_MORE_DEVS);

	close(fd);
	pciconf_ids_free(ids);
}

static void readit(const char *name, const char *reg, int width)
{
	struct pciconf_io io;
	struct pcisel sel;
	long rstart, rend;
	char *end;
	int fd;

	fd = open_devpci(O_RDWR);
	rend = rstart = strtol(reg, &end, 0);
	if (end != NULL && *end == ':')
		rend = strtol(end + 1, NULL, 0);
	sel = getsel(name);
	io.read = dev_read;
	io.getbar = dev_getbar;
	io.ctx = &fd;
	pciconf_print_regs(stdout, &io, &sel, rstart, rend, width);
	close(fd);
}

static void writeit(const char *name, const char *reg, const char *data,
		    int width)
{
	unsigned long r, v;
	struct pci_io pi;
	int fd;

	memset(&pi, 0, sizeof(pi));
	pi.pi_sel = getsel(name);
	if (pciconf_parse_ulong(reg, &r) != 0 || r > INT32_MAX)
		errx(1, "Invalid register %s", reg);
	if (pciconf_parse_ulong(data, &v) != 0 || v > UINT32_MAX)
		errx(1, "Invalid value %s", data);
	pi.pi_reg = (int)r;
	pi.pi_width = width;
	pi.pi_data = (uint32_t)v;

	fd = open_devpci(O_RDWR);
	if (ioctl(fd, PCIOCWRITE, &pi) < 0)
		err(1, "ioctl(PCIOCWRITE)");
	close(fd);
}

static void chkattached(const char *name)
{
	struct pci_io pi;
	int fd;

	memset(&pi, 0, sizeof(pi));
	pi.pi_sel = getsel(name);
	fd = open_devpci(O_RDWR);
	if (ioctl(fd, PCIOCATTACHED, &pi) < 0)
		err(1, "ioctl(PCIOCATTACHED)");
	exitstatus = pi.pi_data ? 0 : 2;	/* 2: not attached */
	printf("%s: %s%s\n", name, pi.pi_data == 0 ? "not " : "", "attached");
	close(fd);
}

/* One element at its exact width: device memory wants no wider loads. */
static void dump_one(const volatile void *p, int width)
{
	uint64_t x;
	uint32_t d;
	uint16_t h;
	uint8_t b;
	size_t n;

	switch (width) {
	case 1:
		b = *(const volatile uint8_t *)p;
		n = fwrite(&b, 1, 1, stdout);
		break;
	case 2:
		h = *(const volatile uint16_t *)p;
		n = fwrite(&h, 2, 1, stdout);
		break;
	case 4:
		d = *(const volatile uint32_t *)p;
		n = fwrite(&d, 4, 1, stdout);
		break;
	default:
		x = *(const volatile uint64_t *)p;
		n = fwrite(&x, 8, 1, stdout);
		break;
	}
	if (n != 1)
		errx(1, "error writing to stdout");
}

static void dump_bar(const char *name, const char *reg, const char *bar_start,
		     const char *bar_count, int width, int verbose)
{
	uint64_t a, start = 0, count = 0;
	struct pci_bar_mmap pbm;
	unsigned long v;
	const char *base;
	int fd;

	if (bar_start != NULL) {
		if (pciconf_parse_ulong(bar_start, &v) != 0)
			errx(1, "Invalid bar start specification %s",
			     bar_start);
		start = v;
	}
	if (bar_count != NULL) {
		if (pciconf_parse_ulong(bar_count, &v) != 0)
			errx(1, "Invalid count specification %s", bar_count);
		count = v;
	}

	memset(&pbm, 0, sizeof(pbm));
	pbm.pbm_sel = getsel(name);
	if (pciconf_parse_ulong(reg, &v) != 0 || v > INT32_MAX)
		errx(1, "Invalid bar specification %s", reg);
	pbm.pbm_reg = (int)v;
	pbm.pbm_flags = 0;
	pbm.pbm_memattr = VM_MEMATTR_DEVICE;

	fd = open_devpci(O_RDWR);
	if (ioctl(fd, PCIOCBARMMAP, &pbm) < 0)
		err(1, "ioctl(PCIOCBARMMAP)");

	if (count == 0)
		count = pbm.pbm_bar_length / width;
	if (start + count < start ||
	    (start + count) * width < (uint64_t)width)
		errx(1, "(start + count) x width overflow");
	if ((start + count) * width > pbm.pbm_bar_length) {
		if (start * width > pbm.pbm_bar_length)
			count = 0;
		else
			count = (pbm.pbm_bar_length - start * width) / width;
	}
	if (verbose)
		fprintf(stderr, "Dumping pci%d:%d:%d:%d BAR %x mapped base %p "
			"off %#x length %#jx from %#jx count %#jx in %d-bytes\n",
			(int)pbm.pbm_sel.pc_domain, pbm.pbm_sel.pc_bus,
			pbm.pbm_sel.pc_dev, pbm.pbm_sel.pc_func, pbm.pbm_reg,
			pbm.pbm_map_base, pbm.pbm_bar_off,
			(uintmax_t)pbm.pbm_bar_length, (uintmax_t)start,
			(uintmax_t)count, width);

	base = (const char *)pbm.pbm_map_base + pbm.pbm_bar_off + start * width;
	for (a = 0; a < count; a++)
		dump_one(base + a * width, width);
	if (fflush(stdout) != 0)
		errx(1, "error writing to stdout");

	munmap(pbm.pbm_map_base, pbm.pbm_map_length);
	close(fd);
}

int main(int argc, char **argv)
{
	int readmode = 0, writemode = 0, attachedmode = 0, dumpbarmode = 0;
	struct list_opts o;
	int c, width = 4;

	memset(&o, 0, sizeof(o));
	while ((c = getopt(argc, argv, "aBbcDehlrwVvx")) != -1) {
		switch (c) {
		case 'a':
			attachedmode = 1;
			break;
		case 'B':
			o.bridge = 1;
			break;
		case 'b':
			o.bars = 1;
			width = 1;
			break;
		case 'c':
			o.caps++;
			break;
		case 'D':
			dumpbarmode = 1;
			break;
		case 'e':
			o.errors = 1;
			break;
		case 'h':
			width = 2;
			break;
		case 'l':
			o.listmode++;
			break;
		case 'r':
			readmode = 1;
			break;
		case 'w':
			writemode = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'V':
			o.vpd = 1;
			break;
		case 'x':
			width = 8;
			break;
		default:
			usage();
		}
	}

	if ((o.listmode && optind + 1 < argc) ||
	    (writemode && optind + 3 != argc) ||
	    (readmode && optind + 2 != argc) ||
	    (attachedmode && optind + 1 != argc) ||
	    (dumpbarmode && (optind + 2 > argc || optind + 4 < argc)) ||
	    (width == 8 && !dumpbarmode))
		usage();

	if (o.listmode) {
		list_devs(optind + 1 == argc ? argv[optind] : NULL, &o);
	} else if (attachedmode) {
		chkattached(argv[optind]);
	} else if (readmode) {
		readit(argv[optind], argv[optind + 1], width);
	} else if (writemode) {
		writeit(argv[optind], argv[optind + 1], argv[optind + 2],
			width);
	} else if (dumpbarmode) {
		dump_bar(argv[optind], argv[optind + 1],
			 optind + 2 < argc ? argv[optind + 2] : NULL,
			 optind + 3 < argc ? argv[optind + 3] : NULL, width,
			 o.verbose);
	} else {
		usage();
	}
	return exitstatus;
}
