/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opae/hash_map.h - the buffer map used by struct opae_vfio.
 *
 * OPAE's <opae/vfio.h> embeds an `opae_hash_map` (keyed by buffer virtual
 * address) in `struct opae_vfio`, so this header exists for source
 * compatibility.  The layout is ours and private to libopaevfio; use
 * opae_vfio_buffer_info() to look a buffer up.
 */
#ifndef PCIEM_OPAE_HASH_MAP_H
#define PCIEM_OPAE_HASH_MAP_H

#include <stdint.h>

struct opae_hash_map_item {
	uint64_t key;
	void *value;
	struct opae_hash_map_item *next;
};

typedef struct opae_hash_map {
	uint32_t num_buckets;			/* power of two, 0 = not set up */
	uint32_t count;				/* number of items */
	struct opae_hash_map_item **buckets;
} opae_hash_map;

#endif /* PCIEM_OPAE_HASH_MAP_H */
