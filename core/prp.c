// SPDX-License-Identifier: GPL-2.0-only
/*
 * prp.c - the NVMe PRP walk (rules and references in prp.h).
 */
#include "prp.h"

static bool prp_page_size_ok(uint32_t page_size)
{
	return page_size >= PRP_PAGE_SIZE_MIN && page_size <= PRP_PAGE_SIZE_MAX &&
	       !(page_size & (page_size - 1));
}

static int prp_emit(prp_segment_fn segment, void *ctx, uint64_t addr, uint32_t len)
{
	return segment ? segment(ctx, addr, len) : 0;
}

/*
 * The data entries from the list at list (qword aligned, possibly with an
 * offset in its page) onwards, for the rest bytes (> page_size) that follow
 * the PRP1 page.
 */
static int prp_walk_list(uint64_t list, uint32_t rest, uint32_t page_size,
			 prp_read_entry_fn read_entry, prp_segment_fn segment, void *ctx)
{
	const uint64_t mask = page_size - 1;
	uint64_t slot = list, entry;
	uint32_t len;
	int ret;

	while (rest) {
		ret = read_entry(ctx, slot, &entry);
		if (ret)
			return ret;
		if (entry & mask)
			return -EINVAL;	/* list entries have offset 0 */
		if ((slot & mask) == mask - (PRP_ENTRY_SIZE - 1) && rest > page_size) {
			/*
			 * The last slot of a list page while more than one
			 * page remains: the pointer to the next list page.
			 */
			slot = entry;
			continue;
		}
		len = rest < page_size ? rest : page_size;
		ret = prp_emit(segment, ctx, entry, len);
		if (ret)
			return ret;
		rest -= len;
		/* Not past the page's end: a last slot leaves rest == 0 here. */
		slot += PRP_ENTRY_SIZE;
	}
	return 0;
}

int prp_walk(uint64_t prp1, uint64_t prp2, uint32_t length, uint32_t page_size,
	     prp_read_entry_fn read_entry, prp_segment_fn segment, void *ctx)
{
	uint64_t mask;
	uint32_t first, rest;
	int ret;

	if (!read_entry || !length || !prp_page_size_ok(page_size))
		return -EINVAL;
	mask = page_size - 1;
	if (prp1 & 3)
		return -EINVAL;		/* PRP entries are dword aligned */

	first = page_size - (uint32_t)(prp1 & mask);
	if (first > length)
		first = length;
	rest = length - first;
	if (rest && rest <= page_size && (prp2 & mask))
		return -EINVAL;		/* a second data entry has offset 0 */
	if (rest > page_size && (prp2 & (PRP_ENTRY_SIZE - 1)))
		return -EINVAL;		/* a PRP List pointer is qword aligned */

	ret = prp_emit(segment, ctx, prp1, first);
	if (ret || !rest)
		return ret;
	if (rest <= page_size)
		return prp_emit(segment, ctx, prp2, rest);
	return prp_walk_list(prp2, rest, page_size, read_entry, segment, ctx);
}
