/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tiny check macros for the host unit tests (libopaevfio, pciconf, pciio's
 * VPD parser).  Each program ends with the line "NAME: N passed, M failed"
 * (scripts/run-unit.sh sums them) and exits non-zero when anything failed.
 */
#ifndef PCIEM_UNIT_CHECK_H
#define PCIEM_UNIT_CHECK_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do {						\
	if (cond) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

/* CHECK with a printf-style message saying what was found. */
#define CHECKM(cond, ...) do {						\
	if (cond) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	unsigned long long _a = (unsigned long long)(a);		\
	unsigned long long _b = (unsigned long long)(b);		\
	if (_a == _b) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: %s == %s (0x%llx != 0x%llx)\n", \
			__FILE__, __LINE__, #a, #b, _a, _b);		\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a && _b && !strcmp(_a, _b)) {				\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: %s == \"%s\" (got \"%s\")\n", \
			__FILE__, __LINE__, #a, _b ? _b : "(null)",	\
			_a ? _a : "(null)");				\
	}								\
} while (0)

static int t_summary(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
