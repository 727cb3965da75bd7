/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h - pass/fail counting for the guest test programs: CHECK, the
 * ioctl-error check and the closing summary line the harness reads.  Needs
 * nothing but libc, so programs that do not link libpciem use it too
 * (testlib.h builds on it for those that do).
 */
#ifndef PCIEM_GUEST_CHECK_H
#define PCIEM_GUEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static int passed, failed;

/* Count one check; on failure print where and why. */
#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

/* ioctl() must fail with exactly err. */
#define EXPECT_ERR(fd, req, arg, err) do {				\
	int r_ = ioctl((fd), (req), (arg));				\
	int e_ = errno;							\
	CHECK(r_ < 0 && e_ == (err), "%s -> %d (%s), want %s",		\
	      #req "(" #arg ")", r_, r_ < 0 ? strerror(e_) : "ok",	\
	      strerror(err));						\
} while (0)

/* The summary line the harness reads; the exit status. */
static inline int summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	return failed ? 1 : 0;
}

#endif
