// SPDX-License-Identifier: BSD-3-Clause
/*
 * A small chained hash map from u64 keys to pointers: libopaevfio's buffer
 * table, keyed by buffer virtual address.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

static uint32_t bucket_of(const opae_hash_map *h, uint64_t key)
{
	/* Fibonacci hashing; page-aligned keys differ in their high bits. */
	uint64_t x = key * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 32) & (h->num_buckets - 1);
}

int opaevfio_hmap_init(opae_hash_map *h, uint32_t num_buckets)
{
	if (!h || !num_buckets || (num_buckets & (num_buckets - 1)))
		return EINVAL;
	h->buckets = calloc(num_buckets, sizeof(*h->buckets));
	if (!h->buckets) {
		h->num_buckets = 0;
		h->count = 0;
		return ENOMEM;
	}
	h->num_buckets = num_buckets;
	h->count = 0;
	return 0;
}

int opaevfio_hmap_add(opae_hash_map *h, uint64_t key, void *value)
{
	struct opae_hash_map_item *it;
	uint32_t b;

	if (!h || !h->num_buckets)
		return EINVAL;
	b = bucket_of(h, key);
	for (it = h->buckets[b]; it; it = it->next)
		if (it->key == key)
			return EEXIST;
	it = malloc(sizeof(*it));
	if (!it)
		return ENOMEM;
	it->key = key;
	it->value = value;
	it->next = h->buckets[b];
	h->buckets[b] = it;
	h->count++;
	return 0;
}

void *opaevfio_hmap_find(const opae_hash_map *h, uint64_t key)
{
	const struct opae_hash_map_item *it;

	if (!h || !h->num_buckets)
		return NULL;
	for (it = h->buckets[bucket_of(h, key)]; it; it = it->next)
		if (it->key == key)
			return it->value;
	return NULL;
}

void *opaevfio_hmap_remove(opae_hash_map *h, uint64_t key)
{
	struct opae_hash_map_item **pp, *it;

	if (!h || !h->num_buckets)
		return NULL;
	for (pp = &h->buckets[bucket_of(h, key)]; (it = *pp); pp = &it->next) {
		if (it->key == key) {
			void *value = it->value;

			*pp = it->next;
			free(it);
			h->count--;
			return value;
		}
	}
	return NULL;
}

void *opaevfio_hmap_pop(opae_hash_map *h)
{
	uint32_t b;

	if (!h || !h->num_buckets || !h->count)
		return NULL;
	for (b = 0; b < h->num_buckets; b++) {
		struct opae_hash_map_item *it = h->buckets[b];

		if (it) {
			void *value = it->value;

			h->buckets[b] = it->next;
			free(it);
			h->count--;
			return value;
		}
	}
	return NULL;
}

void opaevfio_hmap_destroy(opae_hash_map *h)
{
	uint32_t b;

	if (!h || !h->buckets)
		return;
	for (b = 0; b < h->num_buckets; b++) {
		struct opae_hash_map_item *it = h->buckets[b];

		while (it) {
			struct opae_hash_map_item *next = it->next;

			free(it);
			it = next;
		}
	}
	free(h->buckets);
	h->buckets = NULL;
	h->num_buckets = 0;
	h->count = 0;
}
