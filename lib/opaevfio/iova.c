// SPDX-License-Identifier: BSD-3-Clause
/*
 * IOVA allocator: first fit at the lowest address over a sorted list of free
 * inclusive ranges, coalesced on free.  Inclusive ends let a range reach
 * UINT64_MAX without overflow.  Pure logic, tested on the host.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

void opaevfio_iova_init(struct mem_alloc *m)
{
	m->free_list = NULL;
	m->used_list = NULL;
}

static void free_chain(struct mem_alloc_range *r)
{
	while (r) {
		struct mem_alloc_range *next = r->next;

		free(r);
		r = next;
	}
}

void opaevfio_iova_destroy(struct mem_alloc *m)
{
	free_chain(m->free_list);
	free_chain(m->used_list);
	m->free_list = NULL;
	m->used_list = NULL;
}

static struct mem_alloc_range *new_range(uint64_t start, uint64_t last)
{
	struct mem_alloc_range *r = malloc(sizeof(*r));

	if (r) {
		r->start = start;
		r->last = last;
		r->next = NULL;
	}
	return r;
}

static int overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* Insert [start, last] into the sorted free list, merging neighbours. */
static int insert_free(struct mem_alloc *m, uint64_t start, uint64_t last)
{
	struct mem_alloc_range **pp = &m->free_list;
	struct mem_alloc_range *prev = NULL, *r;

	while (*pp && (*pp)->start < start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	/* merge with the previous range */
	if (prev && prev->last != UINT64_MAX && prev->last + 1 == start) {
		prev->last = last;
		r = prev->next;
		if (r && last != UINT64_MAX && last + 1 == r->start) {
			prev->last = r->last;
			prev->next = r->next;
			free(r);
		}
		return 0;
	}
	/* merge with the next range */
	r = *pp;
	if (r && last != UINT64_MAX && last + 1 == r->start) {
		r->start = start;
		return 0;
	}
	r = new_range(start, last);
	if (!r)
		return ENOMEM;
	r->next = *pp;
	*pp = r;
	return 0;
}

int opaevfio_iova_add_range(struct mem_alloc *m, uint64_t start,
			    uint64_t last)
{
	struct mem_alloc_range *r;

	if (!m || start > last)
		return EINVAL;
	for (r = m->free_list; r; r = r->next)
		if (overlaps(start, last, r->start, r->last))
			return EEXIST;
	for (r = m->used_list; r; r = r->next)
		if (overlaps(start, last, r->start, r->last))
			return EEXIST;
	return insert_free(m, start, last);
}

int opaevfio_iova_alloc(struct mem_alloc *m, uint64_t size, uint64_t align,
			uint64_t *out)
{
	struct mem_alloc_range **pp, *r, *used, *tail;

	if (!m || !out || !size || !align || (align & (align - 1)))
		return EINVAL;

	for (pp = &m->free_list; (r = *pp); pp = &r->next) {
		uint64_t a, end;

		/* a = r->start rounded up to align, without overflow */
		a = r->start + ((align - (r->start & (align - 1))) & (align - 1));
		if (a < r->start || a > r->last)
			continue;
		if (r->last - a < size - 1)
			continue;
		end = a + (size - 1);

		used = new_range(a, end);
		if (!used)
			return ENOMEM;
		if (a > r->start && end < r->last) {
			/* split in two: [start, a-1] stays, [end+1, last] new */
			tail = new_range(end + 1, r->last);
			if (!tail) {
				free(used);
				return ENOMEM;
			}
			tail->next = r->next;
			r->next = tail;
			r->last = a - 1;
		} else if (a > r->start) {
			r->last = a - 1;
		} else if (end < r->last) {
			r->start = end + 1;
		} else {
			*pp = r->next;
			free(r);
		}
		used->next = m->used_list;
		m->used_list = used;
		*out = a;
		return 0;
	}
	return ENOSPC;
}

int opaevfio_iova_free(struct mem_alloc *m, uint64_t start)
{
	struct mem_alloc_range **pp, *r;

	if (!m)
		return EINVAL;
	for (pp = &m->used_list; (r = *pp); pp = &r->next) {
		if (r->start == start) {
			int err = insert_free(m, r->start, r->last);

			if (err)
				return err;	/* keep it allocated */
			*pp = r->next;
			free(r);
			return 0;
		}
	}
	return ENOENT;
}

uint64_t opaevfio_iova_free_bytes(const struct mem_alloc *m)
{
	const struct mem_alloc_range *r;
	uint64_t total = 0;

	for (r = m ? m->free_list : NULL; r; r = r->next) {
		uint64_t n = r->last - r->start;	/* bytes - 1 */

		if (n == UINT64_MAX || total > UINT64_MAX - n - 1)
			return UINT64_MAX;
		total += n + 1;
	}
	return total;
}

size_t opaevfio_iova_free_ranges(const struct mem_alloc *m)
{
	const struct mem_alloc_range *r;
	size_t n = 0;

	for (r = m ? m->free_list : NULL; r; r = r->next)
		n++;
	return n;
}
