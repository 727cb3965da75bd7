/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core_types.h - what core/ may use from its host environment.
 *
 * core/ is freestanding C: it is compiled into pciem.ko and into the host
 * tests, so it uses neither libc beyond <string.h> nor kernel APIs beyond
 * <linux/string.h>.  Errors are negative errno values, which are the same
 * numbers in the kernel and in Linux userspace.
 *
 * PCI register names come from <linux/pci_regs.h> in both builds: it is a
 * uapi header, so the kernel finds it under include/uapi and userspace in
 * linux-libc-dev.  core/ uses only names that the 6.1 and 6.12 kernels and
 * Debian 12's linux-libc-dev all define.
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
#include <linux/pci_regs.h>

#endif /* PCIEM_CORE_TYPES_H */
