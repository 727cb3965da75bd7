// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NVMe PRP walk is shared with the host unit tests and lives in core/;
 * this file compiles it into pciem.ko.
 */
#include "../../core/prp.c"
