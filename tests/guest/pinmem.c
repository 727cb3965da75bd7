// SPDX-License-Identifier: GPL-2.0-only
/*
 * pinmem MIB - pin MIB MiB of anonymous memory for DMA until killed.
 *
 * The pages are registered as io_uring fixed buffers, which pins them
 * long-term (FOLL_LONGTERM), as VFIO does a userspace driver's DMA buffers:
 * the kernel cannot migrate them, so a memory block holding one cannot be
 * offlined.  Prints "pinned N MiB" once done, then waits for a signal.
 */
#include <errno.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define CHUNK (64UL << 20)	/* one fixed buffer (io_uring takes up to 1 GiB each) */

int main(int argc, char **argv)
{
	struct io_uring_params p;
	unsigned long mib, n, i;
	struct iovec *iov;
	char *end, *mem;
	int fd;

	mib = argc == 2 ? strtoul(argv[1], &end, 0) : 0;
	if (!mib || *end || mib % (CHUNK >> 20)) {
		fprintf(stderr, "usage: pinmem MIB (a multiple of %lu)\n", CHUNK >> 20);
		return 2;
	}
	n = (mib << 20) / CHUNK;
	mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	iov = calloc(n, sizeof(*iov));
	if (mem == MAP_FAILED || !iov) {
		perror("pinmem: mmap");
		return 1;
	}
	for (i = 0; i < (mib << 20); i += 4096)
		mem[i] = 1;	/* ordinary, movable pages first */
	for (i = 0; i < n; i++)
		iov[i] = (struct iovec){ .iov_base = mem + i * CHUNK, .iov_len = CHUNK };
	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0 || syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, iov, n) < 0) {
		fprintf(stderr, "pinmem: io_uring: %s\n", strerror(errno));
		return 1;
	}
	printf("pinned %lu MiB\n", mib);
	fflush(stdout);
	for (;;)
		pause();
}
