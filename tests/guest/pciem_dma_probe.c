// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_dma_probe - a function no IOMMU translates for, with no driver and so
 * no DMA mappings, must reach no memory at all (ENXIO), whatever the
 * address: exits 0 when every attempt is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pciem.h"

int main(void)
{
	struct pciem_config_space ids = { .vendor_id = 0x1b36, .device_id = 0x00e4 };
	uint64_t addrs[] = { 0, 0x1000, 0x100000, 0x7fff0000 }, buf = 0, old;
	struct pciem_dev *d;
	int ret, bad = 0;

	if ((ret = pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) ||
	    (ret = pciem_set_ids(d, &ids)) || (ret = pciem_register(d)) ||
	    (ret = pciem_start(d))) {
		printf("set up: %s\n", pciem_strerror(ret));
		return 1;
	}
	for (unsigned int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		int r1 = pciem_dma_read(d, addrs[i], &buf, 8);
		int r2 = pciem_dma_write(d, addrs[i], &buf, 8);
		int r3 = pciem_dma_atomic(d, addrs[i], PCIEM_ATOMIC_SWAP, 0, 0, &old);

		printf("%#llx: read %d, write %d, atomic %d\n", (unsigned long long)addrs[i],
		       r1, r2, r3);
		if (r1 != -ENXIO || r2 != -ENXIO || r3 != -ENXIO)
			bad++;
	}
	pciem_destroy(d);
	return bad ? 1 : 0;
}
