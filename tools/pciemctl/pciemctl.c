// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciemctl - create an emulated PCIe function from the command line.
 *
 *   pciemctl create --vendor 0x1234 --device 0x5678 [options]
 *
 * describes a function, registers and starts it, prints its PCI address and
 * keeps it on the bus until SIGINT or SIGTERM.  The function has no
 * behaviour of its own: its BARs are plain memory.  It is meant for looking
 * at how a description enumerates, for binding generic drivers, and for
 * scripts and tests.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pciem.h"

static const char usage[] =
	"usage: pciemctl create --vendor ID --device ID [options]\n"
	"\n"
	"Describe, register and start an emulated PCIe function, print its PCI\n"
	"address, and keep it on the bus until SIGINT or SIGTERM.\n"
	"\n"
	"  --vendor ID, --device ID         vendor and device ID (required)\n"
	"  --subvendor ID, --subdevice ID   subsystem IDs (default 0)\n"
	"  --rev ID                         revision ID (default 0)\n"
	"  --class CCSSPP                   class, subclass, prog-if (default ff0000)\n"
	"  --attach                         join a free slot of an existing bus\n"
	"                                   (pciem_attach_bus) instead of a new one\n"
	"  --bar N:SIZE[:64][,prefetch]     memory BAR N; SIZE in bytes, K, M or G\n"
	"  --cap msi:LOG2VEC[,64][,mask]    MSI with 2^LOG2VEC vectors\n"
	"  --cap msix:BAR:TABLE:PBA:N       MSI-X, N vectors, table/PBA offsets in BAR\n"
	"  --cap pm | --cap pcie            power management | PCI Express endpoint\n"
	"  --cap pasid:WIDTH[,exec][,priv]  PASID, max width WIDTH bits\n"
	"  --cap vsec[:ID:REV:LEN]          vendor-specific extended capability\n"
	"  --fill BYTE                      fill every BAR with BYTE after registering\n"
	"  --ready FILE                     write the address to FILE once started\n"
	"IDs, revision and class are hexadecimal, 0x optional (as lspci prints them);\n"
	"other numbers are decimal, 0x hexadecimal or 0 octal.\n";

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k':
		v <<= 10; end++;
		break;
	case 'M': case 'm':
		v <<= 20; end++;
		break;
	case 'G': case 'g':
		v <<= 30; end++;
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/*
 * An ID, revision or class code: hexadecimal with or without 0x, as lspci
 * and pciconf print them (so "--class 010802" is NVMe, not octal).
 */
static int parse_id(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Splits s at the first of seps; returns the rest (or NULL). */
static char *cut(char *s, const char *seps)
{
	char *p = strpbrk(s, seps);

	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

static int add_bar(struct pciem_dev *d, char *spec)
{
	uint32_t idx, flags = 0;
	uint64_t size;
	char *rest = cut(spec, ":");
	char *opts;

	if (!rest || parse_u32(spec, 0xff, &idx))
		return -EINVAL;
	opts = cut(rest, ":,");
	if (parse_u64(rest, &size))
		return -EINVAL;
	while (opts && *opts) {
		char *next = cut(opts, ":,");

		if (!strcmp(opts, "64"))
			flags |= PCIEM_BAR_FLAG_MEM64;
		else if (!strcmp(opts, "prefetch"))
			flags |= PCIEM_BAR_FLAG_PREFETCH;
		else
			return -EINVAL;
		opts = next;
	}
	return pciem_add_bar(d, idx, size, flags);
}

static int add_cap(struct pciem_dev *d, char *spec)
{
	char *args = cut(spec, ":");
	uint32_t a = 0, b = 0, c = 0, n = 0;

	if (!strcmp(spec, "pm") && !args)
		return pciem_add_pm(d);
	if (!strcmp(spec, "pcie") && !args)
		return pciem_add_pcie(d);
	if (!strcmp(spec, "vsec")) {
		char *f2, *f3;

		if (!args)
			return pciem_add_vsec(d, 0, 0, 0);
		f2 = cut(args, ":");
		f3 = f2 ? cut(f2, ":") : NULL;
		if (!f3 || parse_u32(args, 0xffff, &a) || parse_u32(f2, 0xf, &b) ||
		    parse_u32(f3, 0xffff, &c))
			return -EINVAL;
		return pciem_add_vsec(d, (uint16_t)a, (uint8_t)b, (uint16_t)c);
	}
	if (!strcmp(spec, "msi") || !strcmp(spec, "pasid")) {
		bool f1 = false, f2 = false;
		bool msi = !strcmp(spec, "msi");
		char *opts;

		if (!args)
			return -EINVAL;
		opts = cut(args, ",");
		if (parse_u32(args, 0xff, &a))
			return -EINVAL;
		while (opts && *opts) {
			char *next = cut(opts, ",");

			if (msi && !strcmp(opts, "64"))
				f1 = true;
			else if (msi && !strcmp(opts, "mask"))
				f2 = true;
			else if (!msi && !strcmp(opts, "exec"))
				f1 = true;
			else if (!msi && !strcmp(opts, "priv"))
				f2 = true;
			else
				return -EINVAL;
			opts = next;
		}
		return msi ? pciem_add_msi(d, a, f1, f2) : pciem_add_pasid(d, a, f1, f2);
	}
	if (!strcmp(spec, "msix")) {
		char *f2, *f3, *f4;

		if (!args)
			return -EINVAL;
		f2 = cut(args, ":");
		f3 = f2 ? cut(f2, ":") : NULL;
		f4 = f3 ? cut(f3, ":") : NULL;
		if (!f4 || parse_u32(args, 0xff, &a) || parse_u32(f2, UINT32_MAX, &b) ||
		    parse_u32(f3, UINT32_MAX, &c) || parse_u32(f4, 0xffff, &n))
			return -EINVAL;
		return pciem_add_msix(d, a, b, c, n);
	}
	return -EINVAL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define MAX_ITEMS 16

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vendor", required_argument, NULL, 'V' },
		{ "device", required_argument, NULL, 'D' },
		{ "subvendor", required_argument, NULL, 'v' },
		{ "subdevice", required_argument, NULL, 'd' },
		{ "rev", required_argument, NULL, 'r' },
		{ "class", required_argument, NULL, 'c' },
		{ "attach", no_argument, NULL, 'a' },
		{ "bar", required_argument, NULL, 'b' },
		{ "cap", required_argument, NULL, 'C' },
		{ "fill", required_argument, NULL, 'f' },
		{ "ready", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pciem_config_space ids = { .class_code = { 0x00, 0x00, 0xff } };
	char *bars[MAX_ITEMS], *caps[MAX_ITEMS];
	int nbars = 0, ncaps = 0, have = 0, fill = -1, opt, ret;
	uint32_t mode = PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL, v;
	const char *ready = NULL;
	struct pciem_dev *d;
	char addr[16];
	struct sigaction sa = { .sa_handler = on_signal };

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'V': case 'D': case 'v': case 'd':
			if (parse_id(optarg, 0xffff, &v))
				goto bad;
			if (opt == 'V')
				ids.vendor_id = (uint16_t)v, have |= 1;
			else if (opt == 'D')
				ids.device_id = (uint16_t)v, have |= 2;
			else if (opt == 'v')
				ids.subsys_vendor_id = (uint16_t)v;
			else
				ids.subsys_device_id = (uint16_t)v;
			break;
		case 'r':
			if (parse_id(optarg, 0xff, &v))
				goto bad;
			ids.revision = (uint8_t)v;
			break;
		case 'c':
			if (parse_id(optarg, 0xffffff, &v))
				goto bad;
			ids.class_code[0] = v & 0xff;
			ids.class_code[1] = (v >> 8) & 0xff;
			ids.class_code[2] = (v >> 16) & 0xff;
			break;
		case 'a':
			mode = PCIEM_CREATE_FLAG_BUS_MODE_ATTACH;
			break;
		case 'b':
			if (nbars == MAX_ITEMS)
				goto bad;
			bars[nbars++] = optarg;
			break;
		case 'C':
			if (ncaps == MAX_ITEMS)
				goto bad;
			caps[ncaps++] = optarg;
			break;
		case 'f':
			if (parse_u32(optarg, 0xff, &v))
				goto bad;
			fill = (int)v;
			break;
		case 'R':
			ready = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc || have != 3)
		goto bad;

	ret = pciem_create(&d, mode);
	if (ret < 0) {
		fprintf(stderr, "pciemctl: %s: %s\n", PCIEM_DEVICE_PATH, pciem_strerror(ret));
		return 1;
	}
	ret = pciem_set_ids(d, &ids);
	if (ret < 0) {
		fprintf(stderr, "pciemctl: IDs: %s\n", pciem_strerror(ret));
		goto fail;
	}
	for (int i = 0; i < nbars; i++) {
		char spec[128];

		snprintf(spec, sizeof(spec), "%s", bars[i]);
		ret = add_bar(d, spec);
		if (ret < 0) {
			fprintf(stderr, "pciemctl: --bar %s: %s\n", bars[i], pciem_strerror(ret));
			goto fail;
		}
	}
	for (int i = 0; i < ncaps; i++) {
		char spec[128];

		snprintf(spec, sizeof(spec), "%s", caps[i]);
		ret = add_cap(d, spec);
		if (ret < 0) {
			fprintf(stderr, "pciemctl: --cap %s: %s\n", caps[i], pciem_strerror(ret));
			goto fail;
		}
	}
	ret = pciem_register(d);
	if (ret < 0) {
		fprintf(stderr, "pciemctl: register: %s\n", pciem_strerror(ret));
		goto fail;
	}
	if (fill >= 0) {
		for (unsigned int i = 0; i < 6; i++) {
			uint64_t size;
			volatile uint8_t *p = pciem_bar(d, i, &size);

			for (uint64_t off = 0; p && off < size; off++)
				p[off] = (uint8_t)fill;
		}
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = pciem_start(d);
	if (ret < 0) {
		fprintf(stderr, "pciemctl: start: %s\n", pciem_strerror(ret));
		goto fail;
	}
	/* Serve the drivers' probe; the address is printed once it is over. */
	do
		ret = pciem_wait_probed(d, 100);
	while (!stop && (ret == -ETIMEDOUT || ret == -EINTR));
	if (ret < 0 && !stop) {
		fprintf(stderr, "pciemctl: waiting for the probe: %s\n", pciem_strerror(ret));
		goto fail;
	}
	ret = pciem_address(d, addr, sizeof(addr));
	if (ret < 0) {
		fprintf(stderr, "pciemctl: address: %s\n", pciem_strerror(ret));
		goto fail;
	}
	printf("%s\n", addr);
	fflush(stdout);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (!f || fprintf(f, "%s\n", addr) < 0 || fclose(f)) {
			fprintf(stderr, "pciemctl: %s: %s\n", ready, strerror(errno));
			goto fail;
		}
	}
	/*
	 * Serve until told to stop, or until the PCI core removes the function
	 * (echo 1 > .../remove): the kernel then hangs up (-EPIPE).
	 */
	while (!stop) {
		ret = pciem_dispatch(d, 200);
		if (ret == -EPIPE) {
			fprintf(stderr, "pciemctl: %s was removed from the bus\n", addr);
			break;
		}
		if (ret < 0 && ret != -EINTR) {
			fprintf(stderr, "pciemctl: %s\n", pciem_strerror(ret));
			goto fail;
		}
	}
	pciem_destroy(d);
	return 0;

fail:
	pciem_destroy(d);
	return 1;
bad:
	fputs(usage, stderr);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fputs(usage, stderr);
	return 2;
}
