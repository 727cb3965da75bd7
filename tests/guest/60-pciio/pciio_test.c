// SPDX-License-Identifier: BSD-2-Clause
/*
 * pciio-test - checks of /dev/pci (pciio.ko) from inside the test VM.
 *
 *   pciio-test list              every device, from one PCIOCGETCONF
 *   pciio-test page N            the same list, N records per call
 *   pciio-test match             every match flag against the full list
 *   pciio-test gen               the current generation
 *   pciio-test changed GEN       status of a call with offset 1 and GEN
 *   pciio-test errors EDU [IO [OWNED]]
 *                                the errno table of docs/pciio.md; EDU is
 *                                QEMU's edu device (DDDD:BB:SS.F), IO an
 *                                optional device with an I/O BAR, OWNED one
 *                                whose BARs a driver holds ("-": none)
 *   pciio-test fuzz EDU N        N calls with random arguments (writes go
 *                                to EDU only)
 *
 * "list" and "page" print one line per device:
 *   DDDD:BB:SS.F vendor device subvendor subdevice class rev hdr name unit
 * (hex with 0x, as sysfs; name "-" when no driver).  Checks print
 * "FAIL ..." lines and a last line "pciio-test: N passed, M failed"; the
 * exit status is 0 only when nothing failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "pciio.h"

#define EXPECT_OK(fd, req, arg) do {					\
	int r_ = ioctl((fd), (req), (arg));				\
	CHECK(r_ == 0, "%s -> %s, want success", #req "(" #arg ")",	\
	      r_ < 0 ? strerror(errno) : "ok");				\
} while (0)

static int open_pci(int flags)
{
	int fd = open("/dev/pci", flags | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/pci");
		exit(2);
	}
	return fd;
}

static int parse_addr(const char *s, struct pcisel *sel)
{
	unsigned int d, b, dev, f;

	if (sscanf(s, "%x:%x:%x.%x", &d, &b, &dev, &f) != 4)
		return -1;
	memset(sel, 0, sizeof(*sel));
	sel->pc_domain = d;
	sel->pc_bus = (uint8_t)b;
	sel->pc_dev = (uint8_t)dev;
	sel->pc_func = (uint8_t)f;
	return 0;
}

static void print_conf(const struct pci_conf *p)
{
	printf("%04x:%02x:%02x.%x 0x%04x 0x%04x 0x%04x 0x%04x 0x%06x 0x%02x "
	       "0x%02x %s %lu\n", p->pc_sel.pc_domain, p->pc_sel.pc_bus,
	       p->pc_sel.pc_dev, p->pc_sel.pc_func, p->pc_vendor,
	       p->pc_device, p->pc_subvendor, p->pc_subdevice,
	       p->pc_class << 16 | p->pc_subclass << 8 | p->pc_progif,
	       p->pc_revid, p->pc_hdr, p->pd_name[0] ? p->pd_name : "-",
	       p->pd_unit);
}

/* Every device in one call; *gen gets the generation. */
static struct pci_conf *get_all(int fd, uint32_t *n, uint32_t *gen)
{
	static struct pci_conf conf[1024];
	struct pci_conf_io pc;

	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = sizeof(conf);
	pc.matches = conf;
	if (ioctl(fd, PCIOCGETCONF, &pc) < 0) {
		perror("PCIOCGETCONF");
		exit(2);
	}
	if (pc.status != PCI_GETCONF_LAST_DEVICE) {
		fprintf(stderr, "PCIOCGETCONF: status %d\n", pc.status);
		exit(2);
	}
	*n = pc.num_matches;
	if (gen)
		*gen = pc.generation;
	return conf;
}

static int cmd_list(void)
{
	int fd = open_pci(O_RDONLY);
	struct pci_conf *all;
	uint32_t n, i;

	all = get_all(fd, &n, NULL);
	for (i = 0; i < n; i++)
		print_conf(&all[i]);
	close(fd);
	return 0;
}

/* Page through with room for @per records (plus a few stray bytes). */
static int cmd_page(int per)
{
	int fd = open_pci(O_RDONLY);
	struct pci_conf *buf = calloc((size_t)per + 1, sizeof(*buf));
	struct pci_conf_io pc;
	uint32_t total = 0, calls = 0, last_offset = 0;

	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = per * sizeof(*buf) + sizeof(*buf) / 2;
	pc.matches = buf;
	do {
		uint32_t i;

		if (ioctl(fd, PCIOCGETCONF, &pc) < 0) {
			perror("PCIOCGETCONF");
			return 2;
		}
		calls++;
		if (pc.status != PCI_GETCONF_MORE_DEVS &&
		    pc.status != PCI_GETCONF_LAST_DEVICE) {
			fprintf(stderr, "page: status %d after %u records\n",
				pc.status, total);
			return 1;
		}
		if (pc.num_matches > (uint32_t)per ||
		    (pc.status == PCI_GETCONF_MORE_DEVS &&
		     pc.num_matches != (uint32_t)per) ||
		    pc.offset != last_offset + pc.num_matches) {
			fprintf(stderr, "page: %u records, offset %u -> %u, "
				"status %d\n", pc.num_matches, last_offset,
				pc.offset, pc.status);
			return 1;
		}
		last_offset = pc.offset;
		for (i = 0; i < pc.num_matches; i++)
			print_conf(&buf[i]);
		total += pc.num_matches;
		if (calls > 4096) {
			fprintf(stderr, "page: no end\n");
			return 1;
		}
	} while (pc.status == PCI_GETCONF_MORE_DEVS);
	free(buf);
	close(fd);
	return 0;
}

static int matches(const struct pci_match_conf *m, const struct pci_conf *p)
{
	uint32_t f = (uint32_t)m->flags;

	if (f == PCI_GETCONF_NO_MATCH)
		return 0;
	if ((f & PCI_GETCONF_MATCH_DOMAIN) &&
	    p->pc_sel.pc_domain != m->pc_sel.pc_domain)
		return 0;
	if ((f & PCI_GETCONF_MATCH_BUS) && p->pc_sel.pc_bus != m->pc_sel.pc_bus)
		return 0;
	if ((f & PCI_GETCONF_MATCH_DEV) && p->pc_sel.pc_dev != m->pc_sel.pc_dev)
		return 0;
	if ((f & PCI_GETCONF_MATCH_FUNC) &&
	    p->pc_sel.pc_func != m->pc_sel.pc_func)
		return 0;
	if ((f & PCI_GETCONF_MATCH_NAME) &&
	    strncmp(m->pd_name, p->pd_name, sizeof(p->pd_name)) != 0)
		return 0;
	if ((f & PCI_GETCONF_MATCH_UNIT) && p->pd_unit != m->pd_unit)
		return 0;
	if ((f & PCI_GETCONF_MATCH_VENDOR) && p->pc_vendor != m->pc_vendor)
		return 0;
	if ((f & PCI_GETCONF_MATCH_DEVICE) && p->pc_device != m->pc_device)
		return 0;
	if ((f & PCI_GETCONF_MATCH_CLASS) && p->pc_class != m->pc_class)
		return 0;
	return 1;
}

/* The kernel's answer to @pat must be the full list filtered here. */
static void check_patterns(int fd, const struct pci_conf *all, uint32_t n,
			   const struct pci_match_conf *pat, uint32_t npat,
			   const char *what)
{
	static struct pci_conf got[1024];
	struct pci_conf_io pc;
	uint32_t i, j, k = 0;
	int ok = 1;

	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = sizeof(got);
	pc.matches = got;
	pc.num_patterns = npat;
	pc.pat_buf_len = npat * sizeof(*pat);
	pc.patterns = (struct pci_match_conf *)pat;
	if (ioctl(fd, PCIOCGETCONF, &pc) < 0) {
		CHECK(0, "%s: %s", what, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		int want = 0;

		for (j = 0; j < npat; j++)
			want |= matches(&pat[j], &all[i]);
		if (!want)
			continue;
		if (k >= pc.num_matches ||
		    memcmp(&got[k], &all[i], sizeof(all[i])) != 0)
			ok = 0;
		k++;
	}
	CHECK(ok && k == pc.num_matches &&
	      pc.status == PCI_GETCONF_LAST_DEVICE,
	      "%s: kernel returned %u devices (status %d), expected %u", what,
	      pc.num_matches, pc.status, k);
}

static int cmd_match(void)
{
	static const uint32_t flags[] = {
		PCI_GETCONF_MATCH_DOMAIN, PCI_GETCONF_MATCH_BUS,
		PCI_GETCONF_MATCH_DEV, PCI_GETCONF_MATCH_FUNC,
		PCI_GETCONF_MATCH_NAME, PCI_GETCONF_MATCH_UNIT,
		PCI_GETCONF_MATCH_VENDOR, PCI_GETCONF_MATCH_DEVICE,
		PCI_GETCONF_MATCH_CLASS,
		PCI_GETCONF_MATCH_NAME | PCI_GETCONF_MATCH_UNIT,
		PCI_GETCONF_MATCH_DOMAIN | PCI_GETCONF_MATCH_BUS |
		PCI_GETCONF_MATCH_DEV | PCI_GETCONF_MATCH_FUNC,
		PCI_GETCONF_MATCH_VENDOR | PCI_GETCONF_MATCH_DEVICE |
		PCI_GETCONF_MATCH_CLASS,
	};
	int fd = open_pci(O_RDONLY);
	struct pci_match_conf pat[2];
	struct pci_conf *all;
	char what[128];
	uint32_t n, i, f;

	all = get_all(fd, &n, NULL);
	if (n < 3) {
		fprintf(stderr, "match: only %u devices\n", n);
		return 2;
	}
	/* Each flag, with every device's own values as the pattern. */
	for (i = 0; i < n; i++) {
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			memset(pat, 0, sizeof(pat));
			pat[0].pc_sel = all[i].pc_sel;
			memcpy(pat[0].pd_name, all[i].pd_name,
			       sizeof(pat[0].pd_name));
			pat[0].pd_unit = all[i].pd_unit;
			pat[0].pc_vendor = all[i].pc_vendor;
			pat[0].pc_device = all[i].pc_device;
			pat[0].pc_class = all[i].pc_class;
			pat[0].flags = (pci_getconf_flags)flags[f];
			snprintf(what, sizeof(what), "device %u flags 0x%x", i,
				 flags[f]);
			check_patterns(fd, all, n, pat, 1, what);
		}
	}
	/* Values nothing has. */
	memset(pat, 0, sizeof(pat));
	pat[0].pc_vendor = 0xffff;
	pat[0].flags = PCI_GETCONF_MATCH_VENDOR;
	check_patterns(fd, all, n, pat, 1, "vendor ffff");
	memset(pat, 0, sizeof(pat));
	strcpy(pat[0].pd_name, "no-such-driver");
	pat[0].flags = PCI_GETCONF_MATCH_NAME;
	check_patterns(fd, all, n, pat, 1, "name no-such-driver");
	/* NO_MATCH patterns match nothing; two patterns are an OR. */
	memset(pat, 0, sizeof(pat));
	check_patterns(fd, all, n, pat, 1, "NO_MATCH");
	pat[0].pc_sel = all[0].pc_sel;
	pat[0].flags = (pci_getconf_flags)(PCI_GETCONF_MATCH_BUS |
					   PCI_GETCONF_MATCH_DEV |
					   PCI_GETCONF_MATCH_FUNC);
	pat[1].pc_vendor = all[n - 1].pc_vendor;
	pat[1].flags = PCI_GETCONF_MATCH_VENDOR;
	check_patterns(fd, all, n, pat, 2, "two patterns");
	close(fd);
	return summary("pciio-test");
}

static int cmd_gen(void)
{
	int fd = open_pci(O_RDONLY);
	uint32_t n, gen;

	get_all(fd, &n, &gen);
	printf("%u\n", gen);
	close(fd);
	return 0;
}

static int cmd_changed(uint32_t gen)
{
	int fd = open_pci(O_RDONLY);
	struct pci_conf conf[4];
	struct pci_conf_io pc;

	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = sizeof(conf);
	pc.matches = conf;
	pc.offset = 1;
	pc.generation = gen;
	if (ioctl(fd, PCIOCGETCONF, &pc) < 0) {
		perror("PCIOCGETCONF");
		return 2;
	}
	printf("status %d matches %u offset %u generation %u\n", pc.status,
	       pc.num_matches, pc.offset, pc.generation);
	close(fd);
	return 0;
}

/* ---- the errno table ------------------------------------------------------ */

static struct pci_io io_at(const struct pcisel *sel, int reg, int width)
{
	struct pci_io io;

	memset(&io, 0, sizeof(io));
	io.pi_sel = *sel;
	io.pi_reg = reg;
	io.pi_width = width;
	return io;
}

static uint32_t cfg_read(int fd, const struct pcisel *sel, int reg, int w)
{
	struct pci_io io = io_at(sel, reg, w);

	if (ioctl(fd, PCIOCREAD, &io) < 0)
		return 0xdeadbeef;
	return io.pi_data;
}

static void cfg_write(int fd, const struct pcisel *sel, int reg, int w,
		      uint32_t v)
{
	struct pci_io io = io_at(sel, reg, w);

	io.pi_data = v;
	EXPECT_OK(fd, PCIOCWRITE, &io);
}

static void errors_readonly(const struct pcisel *edu)
{
	int ro = open_pci(O_RDONLY);
	struct pci_bar_mmap pbm;
	struct pci_bar_ioreq bio;
	struct pci_list_vpd_io lv;
	struct pci_conf_io pc;
	struct pci_bar_io bar;
	struct pci_conf conf[2];
	struct pci_io io = io_at(edu, 0, 4);

	/* What a read-only descriptor may do. */
	memset(&pc, 0, sizeof(pc));
	pc.match_buf_len = sizeof(conf);
	pc.matches = conf;
	EXPECT_OK(ro, PCIOCGETCONF, &pc);
	memset(&bar, 0, sizeof(bar));
	bar.pbi_sel = *edu;
	bar.pbi_reg = 0x10;
	EXPECT_OK(ro, PCIOCGETBAR, &bar);
	memset(&lv, 0, sizeof(lv));
	lv.plvi_sel = *edu;
	EXPECT_ERR(ro, PCIOCLISTVPD, &lv, ENXIO);

	/* And everything else is EPERM, checked before anything else. */
	EXPECT_ERR(ro, PCIOCREAD, &io, EPERM);
	EXPECT_ERR(ro, PCIOCWRITE, &io, EPERM);
	EXPECT_ERR(ro, PCIOCATTACHED, &io, EPERM);
	io.pi_width = 3;
	EXPECT_ERR(ro, PCIOCREAD, &io, EPERM);
	EXPECT_ERR(ro, PCIOCREAD, NULL, EPERM);
	memset(&pbm, 0, sizeof(pbm));
	pbm.pbm_sel = *edu;
	pbm.pbm_reg = 0x10;
	EXPECT_ERR(ro, PCIOCBARMMAP, &pbm, EPERM);
	memset(&bio, 0, sizeof(bio));
	bio.pbi_sel = *edu;
	bio.pbi_op = PCIBARIO_READ;
	bio.pbi_width = 4;
	EXPECT_ERR(ro, PCIOCBARIO, &bio, EPERM);
	EXPECT_ERR(ro, _IOWR('p', 10, struct pci_io), &io, EPERM);
	EXPECT_ERR(ro, _IO('p', 5), NULL, EPERM);

	/* /dev/pci has no mmap of its own. */
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == ENODEV, "mmap(/dev/pci) -> %s, want ENODEV",
	      strerror(errno));
	close(ro);
}

/* Drop CAP_SYS_ADMIN from this process (no libcap in the guest). */
static int drop_sys_admin(void)
{
	struct {
		uint32_t version;
		int pid;
	} hdr = { 0x20080522, 0 };	/* _LINUX_CAPABILITY_VERSION_3 */
	struct {
		uint32_t effective, permitted, inheritable;
	} data[2];

	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[0].effective &= ~(1u << 21);	/* CAP_SYS_ADMIN */
	data[0].permitted &= ~(1u << 21);
	data[0].inheritable &= ~(1u << 21);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* Run @fn in a child; its exit status. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0)
		_exit(fn());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int open_as_nobody(void)
{
	int fd;

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 10;
	/* The node is 0644: writing is refused by its mode first. */
	fd = open("/dev/pci", O_RDWR);
	if (fd >= 0 || errno != EACCES)
		return 11;
	fd = open("/dev/pci", O_RDONLY);
	if (fd < 0)
		return 12;
	return 0;
}

static int open_without_sys_admin(void)
{
	int fd;

	if (drop_sys_admin() != 0)
		return 20;
	fd = open("/dev/pci", O_RDWR);
	if (fd >= 0 || errno != EPERM)
		return 21;
	fd = open("/dev/pci", O_WRONLY);
	if (fd >= 0 || errno != EPERM)
		return 22;
	fd = open("/dev/pci", O_RDONLY);
	if (fd < 0)
		return 23;
	return 0;
}

static void errors_open(void)
{
	int r;

	r = in_child(open_as_nobody);
	CHECK(r == 0, "as nobody: O_RDWR must be EACCES, O_RDONLY ok "
	      "(step %d)", r);
	r = in_child(open_without_sys_admin);
	CHECK(r == 0, "root without CAP_SYS_ADMIN: O_RDWR/O_WRONLY must be "
	      "EPERM, O_RDONLY ok (step %d)", r);
}

static void errors_getconf(int fd)
{
	struct pci_match_conf pat[2];
	struct pci_conf conf[4];
	struct pci_conf_io pc;
	uint32_t n, gen;

	get_all(fd, &n, &gen);
	memset(pat, 0, sizeof(pat));
	pat[0].flags = PCI_GETCONF_MATCH_VENDOR;
	pat[0].pc_vendor = 0x1234;

#define RESET_PC() do {							\
		memset(&pc, 0, sizeof(pc));				\
		pc.match_buf_len = sizeof(conf);			\
		pc.matches = conf;					\
	} while (0)

	/* pat_buf_len must be num_patterns * sizeof(pci_match_conf). */
	RESET_PC();
	pc.num_patterns = 1;
	pc.pat_buf_len = sizeof(pat[0]) - 1;
	pc.patterns = pat;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	CHECK(pc.status == PCI_GETCONF_ERROR, "status %d, want ERROR",
	      pc.status);
	RESET_PC();
	pc.num_patterns = 1;
	pc.pat_buf_len = 2 * sizeof(pat[0]);
	pc.patterns = pat;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	RESET_PC();
	pc.num_patterns = 1;
	pc.patterns = pat;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	RESET_PC();
	pc.pat_buf_len = sizeof(pat[0]);
	pc.patterns = pat;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	/* As many patterns as devices: FreeBSD refuses that too. */
	RESET_PC();
	pc.num_patterns = n;
	pc.pat_buf_len = n * sizeof(pat[0]);
	pc.patterns = pat;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	/* Unreadable patterns are EINVAL too, unwritable matches EFAULT. */
	RESET_PC();
	pc.num_patterns = 1;
	pc.pat_buf_len = sizeof(pat[0]);
	pc.patterns = (struct pci_match_conf *)8;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EINVAL);
	RESET_PC();
	pc.matches = (struct pci_conf *)8;
	EXPECT_ERR(fd, PCIOCGETCONF, &pc, EFAULT);
	EXPECT_ERR(fd, PCIOCGETCONF, (void *)8, EFAULT);
	EXPECT_ERR(fd, PCIOCGETCONF, NULL, EFAULT);

	/* The statuses. */
	RESET_PC();
	pc.offset = n;
	pc.generation = gen;
	EXPECT_OK(fd, PCIOCGETCONF, &pc);
	CHECK(pc.status == PCI_GETCONF_LAST_DEVICE && pc.num_matches == 0 &&
	      pc.offset == n, "offset past the end: status %d, %u matches, "
	      "offset %u", pc.status, pc.num_matches, pc.offset);
	RESET_PC();
	pc.offset = 1;
	pc.generation = gen + 1;
	EXPECT_OK(fd, PCIOCGETCONF, &pc);
	CHECK(pc.status == PCI_GETCONF_LIST_CHANGED && pc.num_matches == 0 &&
	      pc.offset == 1 && pc.generation == gen + 1,
	      "stale generation: status %d, %u matches, offset %u, gen %u",
	      pc.status, pc.num_matches, pc.offset, pc.generation);
	/* Generation is not looked at when offset is 0. */
	RESET_PC();
	pc.generation = gen + 1;
	pc.match_buf_len = 2 * sizeof(conf[0]);
	EXPECT_OK(fd, PCIOCGETCONF, &pc);
	CHECK(pc.status == PCI_GETCONF_MORE_DEVS && pc.num_matches == 2 &&
	      pc.offset == 2 && pc.generation == gen,
	      "first page: status %d, %u matches, offset %u, gen %u",
	      pc.status, pc.num_matches, pc.offset, pc.generation);
	/* A buffer too small for one record: nothing, MORE_DEVS. */
	RESET_PC();
	pc.match_buf_len = sizeof(conf[0]) - 1;
	EXPECT_OK(fd, PCIOCGETCONF, &pc);
	CHECK(pc.status == PCI_GETCONF_MORE_DEVS && pc.num_matches == 0 &&
	      pc.offset == 0, "tiny buffer: status %d, %u matches, offset %u",
	      pc.status, pc.num_matches, pc.offset);
	/* The pattern that matched, with room to spare. */
	RESET_PC();
	pc.num_patterns = 1;
	pc.pat_buf_len = sizeof(pat[0]);
	pc.patterns = pat;
	EXPECT_OK(fd, PCIOCGETCONF, &pc);
	CHECK(pc.status == PCI_GETCONF_LAST_DEVICE && pc.num_matches >= 1 &&
	      conf[0].pc_vendor == 0x1234, "vendor 1234: status %d, %u "
	      "matches", pc.status, pc.num_matches);
#undef RESET_PC
}

static void errors_rw(int fd, const struct pcisel *edu)
{
	static const int bad_widths[] = { 0, 3, 5, 8, -1, -4, 16 };
	struct pcisel none = { 0, 255, 31, 7 };
	struct pci_io io;
	unsigned int i;

	for (i = 0; i < sizeof(bad_widths) / sizeof(bad_widths[0]); i++) {
		io = io_at(edu, 0, bad_widths[i]);
		EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);
		EXPECT_ERR(fd, PCIOCWRITE, &io, EINVAL);
		/* The width is checked before the device is looked up. */
		io = io_at(&none, 0, bad_widths[i]);
		EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);
	}
	io = io_at(edu, 1, 2);
	EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);
	io = io_at(edu, 2, 4);
	EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);
	io = io_at(edu, 3, 4);
	EXPECT_ERR(fd, PCIOCWRITE, &io, EINVAL);
	io = io_at(edu, -4, 4);
	EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);
	io = io_at(edu, -1, 1);
	EXPECT_ERR(fd, PCIOCWRITE, &io, EINVAL);
	io = io_at(&none, 1, 2);
	EXPECT_ERR(fd, PCIOCREAD, &io, EINVAL);

	io = io_at(&none, 0, 4);
	EXPECT_ERR(fd, PCIOCREAD, &io, ENODEV);
	EXPECT_ERR(fd, PCIOCWRITE, &io, ENODEV);
	EXPECT_ERR(fd, PCIOCATTACHED, &io, ENODEV);
	io = io_at(edu, 0, 4);
	io.pi_sel.pc_dev = 32;		/* must not alias slot 0 */
	EXPECT_ERR(fd, PCIOCREAD, &io, ENODEV);
	io = io_at(edu, 0, 4);
	io.pi_sel.pc_func = 8;
	EXPECT_ERR(fd, PCIOCREAD, &io, ENODEV);
	io = io_at(edu, 0, 4);
	io.pi_sel.pc_domain = 0x80000000u;
	EXPECT_ERR(fd, PCIOCREAD, &io, ENODEV);
	EXPECT_ERR(fd, PCIOCREAD, (void *)8, EFAULT);
	EXPECT_ERR(fd, PCIOCWRITE, NULL, EFAULT);
	EXPECT_ERR(fd, PCIOCATTACHED, NULL, EFAULT);

	/* Reads at each width; past the config space: all ones. */
	CHECK(cfg_read(fd, edu, 0, 4) == 0x11e81234, "edu ID %#x",
	      cfg_read(fd, edu, 0, 4));
	CHECK(cfg_read(fd, edu, 0, 2) == 0x1234, "vendor %#x",
	      cfg_read(fd, edu, 0, 2));
	CHECK(cfg_read(fd, edu, 2, 2) == 0x11e8, "device %#x",
	      cfg_read(fd, edu, 2, 2));
	CHECK(cfg_read(fd, edu, 8, 1) == 0x10, "revision %#x",
	      cfg_read(fd, edu, 8, 1));
	CHECK(cfg_read(fd, edu, 0x100, 4) == 0xffffffff, "0x100: %#x",
	      cfg_read(fd, edu, 0x100, 4));
	CHECK(cfg_read(fd, edu, 0xffc, 2) == 0xffff, "0xffc: %#x",
	      cfg_read(fd, edu, 0xffc, 2));
	CHECK(cfg_read(fd, edu, 0x10000, 1) == 0xff, "0x10000: %#x",
	      cfg_read(fd, edu, 0x10000, 1));
	CHECK(cfg_read(fd, edu, 0x7ffffffc, 4) == 0xffffffff,
	      "0x7ffffffc: %#x", cfg_read(fd, edu, 0x7ffffffc, 4));
	/* Writes there go nowhere, successfully. */
	io = io_at(edu, 0x200, 4);
	EXPECT_OK(fd, PCIOCWRITE, &io);
	/* Interrupt Line (0x3c): writable at every width. */
	{
		uint32_t saved = cfg_read(fd, edu, 0x3c, 1);

		cfg_write(fd, edu, 0x3c, 1, 0x5a);
		CHECK(cfg_read(fd, edu, 0x3c, 1) == 0x5a, "byte write");
		cfg_write(fd, edu, 0x3c, 2, 0x01a5);
		CHECK((cfg_read(fd, edu, 0x3c, 2) & 0xff) == 0xa5,
		      "word write");
		cfg_write(fd, edu, 0x3c, 1, saved);
		CHECK(cfg_read(fd, edu, 0x3c, 1) == saved, "restored");
	}
}

static void errors_getbar(int fd, const struct pcisel *edu)
{
	struct pcisel none = { 0, 255, 31, 7 };
	struct pci_bar_io bar;
	static const int bad_regs[] = { 0, 0x0c, 0x11, 0x14, 0x28, 0x40,
					0x100, -4 };
	unsigned int i;

	memset(&bar, 0, sizeof(bar));
	bar.pbi_sel = none;
	bar.pbi_reg = 0x10;
	EXPECT_ERR(fd, PCIOCGETBAR, &bar, ENODEV);
	for (i = 0; i < sizeof(bad_regs) / sizeof(bad_regs[0]); i++) {
		memset(&bar, 0, sizeof(bar));
		bar.pbi_sel = *edu;
		bar.pbi_reg = bad_regs[i];
		EXPECT_ERR(fd, PCIOCGETBAR, &bar, EINVAL);
	}
	EXPECT_ERR(fd, PCIOCGETBAR, NULL, EFAULT);
	memset(&bar, 0, sizeof(bar));
	bar.pbi_sel = *edu;
	bar.pbi_reg = 0x10;
	EXPECT_OK(fd, PCIOCGETBAR, &bar);
	CHECK(bar.pbi_length == 1u << 20 && (bar.pbi_base & 0xf) == 0 &&
	      bar.pbi_base != 0, "edu BAR0 base %#llx length %#llx",
	      (unsigned long long)bar.pbi_base,
	      (unsigned long long)bar.pbi_length);
}

static void *map_bar(int fd, const struct pcisel *sel, int flags, void *at,
		     struct pci_bar_mmap *pbm, int *err)
{
	memset(pbm, 0, sizeof(*pbm));
	pbm->pbm_sel = *sel;
	pbm->pbm_reg = 0x10;
	pbm->pbm_flags = flags;
	pbm->pbm_memattr = VM_MEMATTR_DEVICE;
	pbm->pbm_map_base = at;
	if (ioctl(fd, PCIOCBARMMAP, pbm) < 0) {
		*err = errno;
		return NULL;
	}
	*err = 0;
	return (char *)pbm->pbm_map_base + pbm->pbm_bar_off;
}

static void errors_barmmap(int fd, const struct pcisel *edu,
			   const struct pcisel *iodev)
{
	struct pcisel none = { 0, 255, 31, 7 };
	struct pci_bar_mmap pbm;
	volatile uint32_t *regs;
	uint16_t cmd;
	void *hole;
	int err;

	map_bar(fd, &none, 0, NULL, &pbm, &err);
	CHECK(err == ENODEV, "BARMMAP no device: %s", strerror(err));
	map_bar(fd, edu, 0x10, NULL, &pbm, &err);
	CHECK(err == EINVAL, "BARMMAP bad flag: %s", strerror(err));
	memset(&pbm, 0, sizeof(pbm));
	pbm.pbm_sel = *edu;
	pbm.pbm_reg = 0x10;
	pbm.pbm_memattr = VM_MEMATTR_WRITE_BACK;
	EXPECT_ERR(fd, PCIOCBARMMAP, &pbm, EINVAL);
	pbm.pbm_memattr = 99;
	EXPECT_ERR(fd, PCIOCBARMMAP, &pbm, EINVAL);
	/* Write-combining: prefetchable BARs only, and edu's is not. */
	pbm.pbm_memattr = VM_MEMATTR_WRITE_COMBINING;
	EXPECT_ERR(fd, PCIOCBARMMAP, &pbm, EINVAL);
	pbm.pbm_memattr = VM_MEMATTR_DEVICE;
	pbm.pbm_reg = 0x14;
	EXPECT_ERR(fd, PCIOCBARMMAP, &pbm, EINVAL);
	EXPECT_ERR(fd, PCIOCBARMMAP, NULL, EFAULT);
	if (iodev) {
		int reg;

		for (reg = 0x10; reg <= 0x24; reg += 4) {
			struct pci_bar_io bar;

			memset(&bar, 0, sizeof(bar));
			bar.pbi_sel = *iodev;
			bar.pbi_reg = reg;
			if (ioctl(fd, PCIOCGETBAR, &bar) == 0 &&
			    (bar.pbi_base & 1) && bar.pbi_enabled)
				break;
		}
		memset(&pbm, 0, sizeof(pbm));
		pbm.pbm_sel = *iodev;
		pbm.pbm_reg = reg;
		EXPECT_ERR(fd, PCIOCBARMMAP, &pbm, EIO);
	}

	/* A BAR the device does not decode: EBUSY. */
	cmd = (uint16_t)cfg_read(fd, edu, 0x04, 2);
	cfg_write(fd, edu, 0x04, 2, cmd & ~0x2);
	map_bar(fd, edu, 0, NULL, &pbm, &err);
	CHECK(err == EBUSY, "BARMMAP disabled BAR: %s", strerror(err));
	cfg_write(fd, edu, 0x04, 2, cmd | 0x2);

	/* Read-only map: the ID register. */
	regs = map_bar(fd, edu, 0, NULL, &pbm, &err);
	CHECK(regs != NULL && pbm.pbm_bar_length == 1u << 20 &&
	      pbm.pbm_map_length >= 1u << 20, "BARMMAP: %s", strerror(err));
	if (regs == NULL)
		return;
	CHECK(regs[0] == 0x010000ed, "edu ID via mmap %#x", regs[0]);
	munmap(pbm.pbm_map_base, pbm.pbm_map_length);

	/* Read-write, at a fixed address: the liveness register. */
	hole = mmap(NULL, 2u << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	regs = map_bar(fd, edu, PCIIO_BAR_MMAP_RW | PCIIO_BAR_MMAP_FIXED,
		       hole, &pbm, &err);
	CHECK(regs != NULL && pbm.pbm_map_base == hole,
	      "BARMMAP FIXED: %s, at %p not %p", strerror(err),
	      pbm.pbm_map_base, hole);
	if (regs != NULL) {
		regs[1] = 0x12345678;
		CHECK(regs[1] == 0xedcba987, "liveness via mmap %#x", regs[1]);
	}
	/* FIXED|EXCL over a mapping that exists: ENOMEM. */
	map_bar(fd, edu, PCIIO_BAR_MMAP_FIXED | PCIIO_BAR_MMAP_EXCL, hole,
		&pbm, &err);
	CHECK(err == ENOMEM, "BARMMAP FIXED|EXCL over a mapping: %s",
	      strerror(err));
	munmap(hole, 2u << 20);
}

static int bario(int fd, const struct pcisel *sel, int op, uint32_t bar,
		 uint32_t off, uint32_t width, uint32_t *val)
{
	struct pci_bar_ioreq r;

	memset(&r, 0, sizeof(r));
	r.pbi_sel = *sel;
	r.pbi_op = op;
	r.pbi_bar = bar;
	r.pbi_offset = off;
	r.pbi_width = width;
	r.pbi_value = *val;
	if (ioctl(fd, PCIOCBARIO, &r) < 0)
		return errno;
	*val = r.pbi_value;
	return 0;
}

static void errors_bario(int fd, const struct pcisel *edu,
			 const struct pcisel *owned)
{
	struct pcisel none = { 0, 255, 31, 7 };
	uint32_t v = 0;
	int e;

#define BARIO_ERR(sel, op, bar, off, w, err) do {			\
		uint32_t v_ = 0;					\
		int e_ = bario(fd, (sel), (op), (bar), (off), (w), &v_); \
		CHECK(e_ == (err), "BARIO(op %d bar %u off %#x width %u) "	\
		      "-> %s, want %s", (op), (bar), (off), (w),	\
		      strerror(e_), strerror(err));			\
	} while (0)

	BARIO_ERR(&none, PCIBARIO_READ, 0, 0, 4, ENODEV);
	BARIO_ERR(edu, 0, 0, 0, 4, EINVAL);
	BARIO_ERR(edu, 3, 0, 0, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 1, 0, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 6, 0, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0xffffffffu, 0, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0, 1u << 20, 1, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0, (1u << 20) - 2, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0, 0xfffffffeu, 4, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0, 0, 3, EINVAL);
	BARIO_ERR(edu, PCIBARIO_WRITE, 0, 0, 16, EINVAL);
	BARIO_ERR(edu, PCIBARIO_READ, 0, 0, 0, EINVAL);
	EXPECT_ERR(fd, PCIOCBARIO, NULL, EFAULT);
	if (owned)
		BARIO_ERR(owned, PCIBARIO_READ, 0, 0, 4, ENOENT);

	e = bario(fd, edu, PCIBARIO_READ, 0, 0, 4, &v);
	CHECK(e == 0 && v == 0x010000ed, "BARIO edu ID: %s %#x", strerror(e),
	      v);
	v = 0x12345678;
	e = bario(fd, edu, PCIBARIO_WRITE, 0, 4, 4, &v);
	CHECK(e == 0, "BARIO write: %s", strerror(e));
	v = 0;
	e = bario(fd, edu, PCIBARIO_READ, 0, 4, 4, &v);
	CHECK(e == 0 && v == 0xedcba987, "BARIO liveness: %s %#x",
	      strerror(e), v);
	/* Narrow accesses go through (what edu answers is its business). */
	v = 0;
	e = bario(fd, edu, PCIBARIO_READ, 0, 0, 1, &v);
	CHECK(e == 0 && v <= 0xff, "BARIO byte: %s %#x", strerror(e), v);
	v = 0;
	e = bario(fd, edu, PCIBARIO_READ, 0, 2, 2, &v);
	CHECK(e == 0 && v <= 0xffff, "BARIO word: %s %#x", strerror(e), v);
	/* 8 bytes from 0x80 (DMA source): the low half comes back. */
	v = 0x00abc000;
	e = bario(fd, edu, PCIBARIO_WRITE, 0, 0x80, 8, &v);
	CHECK(e == 0, "BARIO write 8: %s", strerror(e));
	v = 0;
	e = bario(fd, edu, PCIBARIO_READ, 0, 0x80, 8, &v);
	CHECK(e == 0 && v == 0x00abc000, "BARIO read 8: %s %#x", strerror(e),
	      v);
#undef BARIO_ERR
}

static void errors_misc(int fd, const struct pcisel *edu)
{
	struct pcisel none = { 0, 255, 31, 7 };
	struct pci_list_vpd_io lv;
	struct pci_io io = io_at(edu, 0, 4);

	EXPECT_ERR(fd, _IOWR('p', 10, struct pci_io), &io, ENOTTY);
	EXPECT_ERR(fd, _IOWR('p', 1, struct pci_conf_io), &io, ENOTTY);
	EXPECT_ERR(fd, _IOWR('p', 2, int), &io, ENOTTY);
	EXPECT_ERR(fd, _IO('p', 5), NULL, ENOTTY);
	EXPECT_ERR(fd, 0, NULL, ENOTTY);

	memset(&lv, 0, sizeof(lv));
	lv.plvi_sel = none;
	EXPECT_ERR(fd, PCIOCLISTVPD, &lv, ENODEV);
	lv.plvi_sel = *edu;
	EXPECT_ERR(fd, PCIOCLISTVPD, &lv, ENXIO);
	EXPECT_ERR(fd, PCIOCLISTVPD, NULL, EFAULT);

	/* ATTACHED answers 0 or 1. */
	EXPECT_OK(fd, PCIOCATTACHED, &io);
	CHECK(io.pi_data == 0 || io.pi_data == 1, "ATTACHED %u", io.pi_data);
}

static int cmd_errors(const char *edu_s, const char *io_s, const char *own_s)
{
	struct pcisel edu, iodev, owned;
	uint16_t cmd;
	int fd;

	if (parse_addr(edu_s, &edu) != 0 ||
	    (io_s && parse_addr(io_s, &iodev) != 0) ||
	    (own_s && parse_addr(own_s, &owned) != 0)) {
		fprintf(stderr, "bad address\n");
		return 2;
	}
	errors_readonly(&edu);
	errors_open();
	fd = open_pci(O_RDWR);
	/* The BAR tests need memory decoding; leave COMMAND as it was. */
	cmd = (uint16_t)cfg_read(fd, &edu, 0x04, 2);
	cfg_write(fd, &edu, 0x04, 2, cmd | 0x2);
	errors_getconf(fd);
	errors_rw(fd, &edu);
	errors_getbar(fd, &edu);
	errors_barmmap(fd, &edu, io_s ? &iodev : NULL);
	errors_bario(fd, &edu, own_s ? &owned : NULL);
	errors_misc(fd, &edu);
	cfg_write(fd, &edu, 0x04, 2, cmd);
	close(fd);
	return summary("pciio-test");
}


/* ---- random input ----------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small, sometimes anything: the values that find edge cases. */
static uint32_t rnd_u32(void)
{
	switch (rnd() % 4) {
	case 0:
		return (uint32_t)(rnd() % 8);
	case 1:
		return (uint32_t)(rnd() % 4200);
	case 2:
		return (uint32_t)(0xffffffffu - rnd() % 8);
	default:
		return (uint32_t)rnd();
	}
}

/*
 * Random arguments to every ioctl, on real devices and made-up ones.  Writes
 * (config and BAR) only ever go to @edu, and never to its COMMAND register;
 * BAR mappings are undone.  Nothing here may warn in the kernel log.
 */
static int cmd_fuzz(const char *edu_s, unsigned long rounds)
{
	static struct pci_conf conf[64];
	static struct pci_match_conf pat[64];
	static unsigned char vpdbuf[4096];
	struct pci_conf *all;
	struct pcisel edu;
	uint32_t n, i;
	unsigned long r;
	int fd, ro;

	if (parse_addr(edu_s, &edu) != 0)
		return 2;
	fd = open_pci(O_RDWR);
	ro = open_pci(O_RDONLY);
	all = get_all(fd, &n, NULL);
	for (r = 0; r < rounds; r++) {
		struct pcisel sel = all[rnd() % n].pc_sel;
		int any = rnd() % 4 == 0;

		if (any) {
			sel.pc_domain = rnd_u32() % 3 == 0 ? rnd_u32() : 0;
			sel.pc_bus = (uint8_t)rnd();
			sel.pc_dev = (uint8_t)rnd();
			sel.pc_func = (uint8_t)rnd();
		}
		switch (rnd() % 7) {
		case 0: {
			struct pci_conf_io pc;

			memset(&pc, 0, sizeof(pc));
			pc.match_buf_len = rnd_u32() % (sizeof(conf) + 100);
			pc.matches = conf;
			pc.num_patterns = rnd_u32() % 70;
			pc.pat_buf_len = rnd() % 2 ? pc.num_patterns * sizeof(pat[0]) :
				rnd_u32();
			if (pc.pat_buf_len > sizeof(pat))
				pc.pat_buf_len = pc.num_patterns = 0;
			for (i = 0; i < 64; i++) {
				pat[i].flags = (pci_getconf_flags)(rnd() & 0x3ff);
				pat[i].pc_sel = all[rnd() % n].pc_sel;
				pat[i].pc_vendor = all[rnd() % n].pc_vendor;
				pat[i].pc_class = (uint8_t)rnd();
				pat[i].pd_unit = rnd() % 3;
				memset(pat[i].pd_name, 'a' + (int)(rnd() % 26),
				       sizeof(pat[i].pd_name));
				if (rnd() % 2)
					memcpy(pat[i].pd_name, "nvme", 5);
			}
			pc.patterns = pat;
			pc.offset = rnd_u32() % (n + 3);
			pc.generation = (uint32_t)(rnd() % 8);
			ioctl(rnd() % 2 ? fd : ro, PCIOCGETCONF, &pc);
			break;
		}
		case 1: {
			struct pci_io io;

			memset(&io, 0, sizeof(io));
			io.pi_sel = sel;
			io.pi_reg = (int)rnd_u32();
			io.pi_width = (int)(rnd_u32() % 9);
			io.pi_data = (uint32_t)rnd();
			ioctl(fd, PCIOCREAD, &io);
			ioctl(fd, PCIOCATTACHED, &io);
			/*
			 * Writes: edu only, and inside its config space only
			 * to Interrupt Line (any width and alignment); past
			 * the end they go nowhere.
			 */
			io.pi_sel = edu;
			if (io.pi_reg >= 0 && io.pi_reg < 0x100)
				io.pi_reg = 0x3c + (io.pi_reg & 3);
			ioctl(fd, PCIOCWRITE, &io);
			break;
		}
		case 2: {
			struct pci_bar_io bar;

			memset(&bar, 0, sizeof(bar));
			bar.pbi_sel = sel;
			bar.pbi_reg = (int)rnd_u32();
			if (rnd() % 2)
				bar.pbi_reg = 0x10 + 4 * (int)(rnd() % 8);
			ioctl(rnd() % 2 ? fd : ro, PCIOCGETBAR, &bar);
			break;
		}
		case 3: {
			struct pci_list_vpd_io lv;

			memset(&lv, 0, sizeof(lv));
			lv.plvi_sel = sel;
			lv.plvi_len = rnd() % 2 ? 0 : rnd_u32() % sizeof(vpdbuf);
			lv.plvi_data = (struct pci_vpd_element *)vpdbuf;
			ioctl(rnd() % 2 ? fd : ro, PCIOCLISTVPD, &lv);
			break;
		}
		case 4: {
			struct pci_bar_mmap pbm;

			memset(&pbm, 0, sizeof(pbm));
			pbm.pbm_sel = rnd() % 2 ? edu : sel;
			pbm.pbm_reg = rnd() % 2 ? 0x10 + 4 * (int)(rnd() % 8) :
				(int)rnd_u32();
			pbm.pbm_flags = (int)(rnd() % 2 ? rnd() % 16 : rnd_u32());
			pbm.pbm_flags &= ~PCIIO_BAR_MMAP_FIXED;
			pbm.pbm_memattr = (int)(rnd() % 2 ? rnd() % 8 : rnd_u32());
			if (ioctl(fd, PCIOCBARMMAP, &pbm) == 0)
				munmap(pbm.pbm_map_base, pbm.pbm_map_length);
			break;
		}
		case 5: {
			struct pci_bar_ioreq req;

			memset(&req, 0, sizeof(req));
			req.pbi_sel = sel;
			req.pbi_op = PCIBARIO_READ;
			if (rnd() % 4 == 0)
				req.pbi_op = (int)rnd_u32();
			req.pbi_bar = rnd_u32() % 8;
			req.pbi_offset = rnd_u32();
			req.pbi_width = rnd_u32() % 10;
			/* Only edu is read or written through its BARs. */
			if (req.pbi_op == PCIBARIO_READ ||
			    req.pbi_op == PCIBARIO_WRITE) {
				req.pbi_sel = edu;
				req.pbi_offset %= 0x100;
				/* Liveness or DMA source: no side effects. */
				if (req.pbi_op == PCIBARIO_WRITE)
					req.pbi_offset = rnd() % 2 ? 4 : 0x80;
			}
			ioctl(fd, PCIOCBARIO, &req);
			break;
		}
		default:
			/* Unknown and mis-sized commands. */
			ioctl(rnd() % 2 ? fd : ro,
			      (unsigned long)_IOC(rnd() % 4, 'p', rnd() % 16,
						  rnd() % 64),
			      conf);
			break;
		}
	}
	close(ro);
	close(fd);
	printf("pciio-test: %lu random calls made\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cmd_list();
	if (argc == 3 && strcmp(argv[1], "page") == 0)
		return cmd_page(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1);
	if (argc == 2 && strcmp(argv[1], "match") == 0)
		return cmd_match();
	if (argc == 2 && strcmp(argv[1], "gen") == 0)
		return cmd_gen();
	if (argc == 3 && strcmp(argv[1], "changed") == 0)
		return cmd_changed((uint32_t)strtoul(argv[2], NULL, 0));
	if (argc >= 3 && argc <= 5 && strcmp(argv[1], "errors") == 0)
		return cmd_errors(argv[2],
				  argc > 3 && argv[3][0] != '-' ? argv[3] : NULL,
				  argc > 4 && argv[4][0] != '-' ? argv[4] : NULL);
	if (argc == 4 && strcmp(argv[1], "fuzz") == 0)
		return cmd_fuzz(argv[2], strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: pciio-test list | page N | match | gen | "
		"changed GEN | errors EDU [IODEV|-] [OWNED|-] | fuzz EDU N\n");
	return 2;
}
