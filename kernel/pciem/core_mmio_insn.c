// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 MMIO instruction decoder is shared with the host unit tests and
 * lives in core/; this file compiles it into pciem.ko.
 */
#include "../../core/mmio_insn.c"
