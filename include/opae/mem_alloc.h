/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opae/mem_alloc.h - IOVA space bookkeeping used by struct opae_vfio.
 *
 * OPAE's <opae/vfio.h> embeds a `struct mem_alloc` in `struct opae_vfio`,
 * so this header exists for source compatibility.  The layout is ours and is
 * private to libopaevfio: applications should not touch it.  The allocator
 * keeps two singly linked lists of inclusive [start, last] ranges: the free
 * ranges, sorted by address and coalesced, and the ranges handed out.
 */
#ifndef PCIEM_OPAE_MEM_ALLOC_H
#define PCIEM_OPAE_MEM_ALLOC_H

#include <stdint.h>

struct mem_alloc_range {
	uint64_t start;			/* first address of the range */
	uint64_t last;			/* last address (inclusive) */
	struct mem_alloc_range *next;
};

struct mem_alloc {
	struct mem_alloc_range *free_list;	/* sorted, coalesced */
	struct mem_alloc_range *used_list;	/* allocations, any order */
};

#endif /* PCIEM_OPAE_MEM_ALLOC_H */
