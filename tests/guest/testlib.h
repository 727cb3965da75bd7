/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testlib.h - what the guest test programs share: pass/fail counting, the
 * closing summary line, and commands to the pciem_mmio_test driver.
 */
#ifndef PCIEM_GUEST_TESTLIB_H
#define PCIEM_GUEST_TESTLIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "pciem.h"


static inline void die(const char *what, int err)
{
	printf("FAIL: %s: %s\n", what, pciem_strerror(err));
	exit(1);
}

/*
 * Run a command of the pciem_mmio_test (or edu_test) driver through its
 * debugfs file; returns the result it prints, or -errno if the command failed.
 */
static inline long driver_cmd(const char *path, const char *fmt, ...)
{
	char buf[128], out[64] = "";
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path, -errno);
	if (write(fd, buf, strlen(buf)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	lseek(fd, 0, SEEK_SET);
	if (read(fd, out, sizeof(out) - 1) < 0)
		die("driver result", -errno);
	close(fd);
	return (long)strtoull(out, NULL, 0);
}

/* Wait for the driver to bind to the device at addr; its command file. */
static inline void wait_driver(char *path, size_t len, const char *driver, const char *addr)
{
	snprintf(path, len, "/sys/kernel/debug/%s/%s", driver, addr);
	for (int i = 0; i < 200 && access(path, F_OK); i++)
		usleep(50000);
	if (access(path, F_OK))
		die("the test driver did not bind", -ENODEV);
}

#endif
