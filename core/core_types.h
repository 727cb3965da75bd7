/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core_types.h - what core/ may use from its host environment.
 *
 * core/ is freestanding C: it is compiled into pciem.ko and into the host
 * tests, so it uses neither libc beyond <string.h> nor kernel APIs beyond
 * <linux/string.h>.  Errors are negative errno values, which are the same
 * numbers in the kernel and in Linux userspace.
 */
#ifndef PCIEM_CORE_TYPES_H
#define PCIEM_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#endif

#endif /* PCIEM_CORE_TYPES_H */
