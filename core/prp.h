/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prp.h - the NVMe PRP (Physical Region Page) walk behind
 * PCIEM_IOCTL_DMA_INDIRECT.
 *
 * A transfer of length bytes is described by the two PRP fields of an NVMe
 * command (PRP1, PRP2) and, for more than two memory pages, by PRP lists in
 * host memory.  prp_walk() turns them into the sequence of (bus address,
 * length) segments that cover the transfer, in transfer order.  The rules
 * (NVM Express Base Specification 2.0, 4.1.1 "Physical Region Page Entry and
 * List", and the PRP1/PRP2 definitions of the Data Pointer in the Common
 * Command Format), with P = page_size, the memory page size of CC.MPS:
 *
 *  1. P is a power of two from 4 KiB to 128 MiB (CC.MPS = 0..15 selects
 *     2^(12 + MPS) bytes), else -EINVAL.  length is nonzero, else -EINVAL.
 *  2. Every PRP entry is dword aligned (bits 1:0 are 00b).  The spec lets a
 *     controller either report PRP Offset Invalid or ignore those bits; this
 *     walk reports it: PRP1 & 3 != 0 is -EINVAL.
 *  3. PRP1 is the first data entry and may have any (dword-aligned) offset
 *     in its page.  The first segment runs from PRP1 to the end of that page
 *     or to the end of the transfer, whichever comes first.
 *  4. With R the bytes left after the first segment:
 *       R == 0:  PRP2 is reserved and ignored (not checked);
 *       R <= P:  the transfer crosses exactly one page boundary: PRP2 is the
 *                second data entry and must have offset 0 (PRP2 & (P - 1)
 *                == 0), else -EINVAL.  The segment is (PRP2, R);
 *       R > P:   the transfer crosses more than one page boundary: PRP2 is
 *                a PRP List pointer.  It must be qword aligned (PRP2 & 7
 *                == 0), else -EINVAL, and may have a nonzero offset: the
 *                first list then starts at that offset and its slots run to
 *                the end of that page ((P - (PRP2 & (P - 1))) / 8 slots).
 *  5. A PRP list is an array of 8-byte entries within one memory page.
 *     Entries are read in order; each data entry describes the next
 *     min(R, P) bytes and must have offset 0 (entry & (P - 1) == 0), else
 *     -EINVAL.
 *  6. If the transfer still needs more than one page (R > P) when the walk
 *     reaches the LAST slot of a list page, that slot is not a data entry
 *     but a pointer to the next list page, which must have offset 0 (it is
 *     an entry contained in a PRP list), else -EINVAL; the next list starts
 *     at its first slot.  If exactly one page or less is left (R <= P), the
 *     last slot is the final data entry: a list page whose entries exactly
 *     cover the rest of the transfer has no chain pointer.
 *  7. Segments are produced one per data entry (PRP1, PRP2 or a list entry)
 *     and are NOT merged, even when contiguous.  Every segment lies within
 *     one memory page; all but the first start at offset 0; every segment
 *     but the last ends at the end of its page; their lengths add up to
 *     length.  addr + len never exceeds 2^64 (it may equal it).
 *
 * Termination: every list slot read either transfers a page (R shrinks by
 * min(R, P)) or is the last slot of a list page; a chained-to list page is
 * page aligned and so has P / 8 >= 512 slots, at least P / 8 - 1 of them
 * data entries.  For N = ceil(R / P) list data entries the walk therefore
 * reads at most 1 + ceil(N / (P / 8 - 1)) list pages (the 1 is the PRP2
 * list page, which holds a single slot when PRP2 points at the last qword
 * of its page) and N + that many slots, whatever the lists contain: lists
 * that chain back to themselves or to each other cannot make it loop; they
 * only make the host's entries repeat.
 * No recursion, no allocation; O(length / P) steps.
 */
#ifndef PCIEM_CORE_PRP_H
#define PCIEM_CORE_PRP_H

#include "core_types.h"

#define PRP_PAGE_SIZE_MIN	(1u << 12)	/* CC.MPS = 0 */
#define PRP_PAGE_SIZE_MAX	(1u << 27)	/* CC.MPS = 15 */
#define PRP_ENTRY_SIZE		8u		/* bytes of one PRP entry */

/*
 * Read the 8-byte PRP list entry at bus address addr (always qword aligned)
 * into *entry, converted from little endian to CPU order.  Return 0, or
 * nonzero (a negative errno) to abort the walk with that value.
 */
typedef int (*prp_read_entry_fn)(void *ctx, uint64_t addr, uint64_t *entry);

/*
 * One segment of the transfer: len (1..page_size) bytes at bus address addr.
 * Return 0 to continue, or nonzero (a negative errno) to stop the walk with
 * that value.
 */
typedef int (*prp_segment_fn)(void *ctx, uint64_t addr, uint32_t len);

/*
 * Walk the PRPs of a transfer of length bytes with memory pages of
 * page_size bytes (rules above), calling segment() for each segment in
 * order and read_entry() once for each PRP list slot the walk visits, in
 * walk order (never a slot after the one holding the last entry the
 * transfer needs).  Both get ctx.
 *
 * segment may be NULL: the walk then only validates (reading the lists).
 * read_entry must not be NULL, even when no list is needed.
 *
 * Returns 0 when the whole transfer was delivered.  Errors:
 *   -EINVAL  read_entry is NULL, length is 0, page_size is not a power of
 *            two in PRP_PAGE_SIZE_MIN..PRP_PAGE_SIZE_MAX, PRP1 is not dword
 *            aligned, PRP2 used as a data entry has a nonzero offset, PRP2
 *            used as a list pointer is not qword aligned, or a list entry
 *            (data entry or next-list pointer) has a nonzero offset;
 *   other    the nonzero value read_entry() or segment() returned.
 * The argument checks (everything but list entries) are made before any
 * callback, so they fail with no segment delivered.  A bad list entry is
 * found when it is read: the segments before it have been delivered by
 * then.  A caller that must not act on a bad transfer walks twice, first
 * with segment == NULL.
 */
int prp_walk(uint64_t prp1, uint64_t prp2, uint32_t length, uint32_t page_size,
	     prp_read_entry_fn read_entry, prp_segment_fn segment, void *ctx);

#endif /* PCIEM_CORE_PRP_H */
