// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcibar - read or write a PCI memory BAR through sysfs, as a driver would
 * see it (the resourceN file maps the BAR's physical address, uncached).
 *
 *   pcibar FILE read OFFSET [WIDTH]          prints 0x... (WIDTH 1, 2, 4, 8)
 *   pcibar FILE write OFFSET VALUE [WIDTH]
 *   pcibar FILE check OFFSET LEN BYTE        every byte of a range equals BYTE
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	if (end == s || *end) {
		fprintf(stderr, "pcibar: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct stat st;
	uint64_t off, width = 4;
	volatile uint8_t *p;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: pcibar FILE read|write|check OFFSET ...\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "pcibar: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "pcibar: mmap %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	off = num(argv[3]);
	if (!strcmp(argv[2], "check") && argc == 6) {
		uint64_t len = num(argv[4]), byte = num(argv[5]);

		if (off + len > (uint64_t)st.st_size)
			return 2;
		for (uint64_t i = 0; i < len; i++) {
			if (p[off + i] != byte) {
				printf("byte %#" PRIx64 " is %#x, not %#" PRIx64 "\n", off + i,
				       p[off + i], byte);
				return 1;
			}
		}
		return 0;
	}
	if (!strcmp(argv[2], "read") && (argc == 4 || argc == 5)) {
		uint64_t v;

		if (argc == 5)
			width = num(argv[4]);
		if (off + width > (uint64_t)st.st_size || off % width)
			return 2;
		switch (width) {
		case 1: v = *(volatile uint8_t *)(p + off); break;
		case 2: v = *(volatile uint16_t *)(p + off); break;
		case 4: v = *(volatile uint32_t *)(p + off); break;
		case 8: v = *(volatile uint64_t *)(p + off); break;
		default: return 2;
		}
		printf("%#" PRIx64 "\n", v);
		return 0;
	}
	if (!strcmp(argv[2], "write") && (argc == 5 || argc == 6)) {
		uint64_t v = num(argv[4]);

		if (argc == 6)
			width = num(argv[5]);
		if (off + width > (uint64_t)st.st_size || off % width)
			return 2;
		switch (width) {
		case 1: *(volatile uint8_t *)(p + off) = (uint8_t)v; break;
		case 2: *(volatile uint16_t *)(p + off) = (uint16_t)v; break;
		case 4: *(volatile uint32_t *)(p + off) = (uint32_t)v; break;
		case 8: *(volatile uint64_t *)(p + off) = v; break;
		default: return 2;
		}
		return 0;
	}
	fprintf(stderr, "usage: pcibar FILE read|write|check OFFSET ...\n");
	return 2;
}
