// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config.c - the function's configuration space from the device's side.
 */
#include <errno.h>
#include <stdint.h>

#include <linux/pci_regs.h>

#include "pciem.h"
#include "internal.h"

static int config_access(struct pciem_dev *d, uint32_t flags, unsigned int off,
			 unsigned int size, uint64_t *value)
{
	struct pciem_config_access a = {
		.offset = off, .size = size, .flags = flags, .value = *value,
	};
	int ret;

	if (!d)
		return -EINVAL;
	ret = dev_ioctl(d, PCIEM_IOCTL_CONFIG_ACCESS, &a);
	if (ret == 0)
		*value = a.value;
	return ret;
}

int pciem_config_read(struct pciem_dev *d, unsigned int off, unsigned int size, uint32_t *val)
{
	uint64_t v = 0;
	int ret;

	if (!val)
		return -EINVAL;
	ret = config_access(d, 0, off, size, &v);
	if (ret == 0)
		*val = (uint32_t)v;
	return ret;
}

int pciem_config_write(struct pciem_dev *d, unsigned int off, unsigned int size, uint32_t val)
{
	uint64_t v = val;

	return config_access(d, PCIEM_CONFIG_ACCESS_WRITE, off, size, &v);
}

int pciem_config_set_bits(struct pciem_dev *d, unsigned int off, unsigned int size,
			  uint32_t bits)
{
	uint64_t v = bits;

	/* One access: the driver's W1C of other bits, or pciem.ko's INTx status, stays. */
	return config_access(d, PCIEM_CONFIG_ACCESS_SET, off, size, &v);
}

int pciem_find_capability(struct pciem_dev *d, unsigned int cap_id)
{
	uint32_t status, ptr, hdr;
	int ret;

	ret = pciem_config_read(d, PCI_STATUS, 2, &status);
	if (ret < 0)
		return ret;
	if (!(status & PCI_STATUS_CAP_LIST))
		return -ENOENT;
	ret = pciem_config_read(d, PCI_CAPABILITY_LIST, 1, &ptr);
	/* At most 48 capabilities fit in 0x40-0xff: a loop cannot go on longer. */
	for (int n = 0; ret == 0 && ptr >= 0x40 && n < 48; n++) {
		ret = pciem_config_read(d, ptr & ~3u, 2, &hdr);
		if (ret == 0 && (hdr & 0xff) == cap_id)
			return (int)(ptr & ~3u);
		ptr = hdr >> 8;
	}
	return ret < 0 ? ret : -ENOENT;
}

void pciem_find_caps(struct pciem_dev *d)
{
	int off;

	off = pciem_find_capability(d, PCI_CAP_ID_EXP);
	d->exp_cap = off > 0 ? (uint16_t)off : 0;
	off = pciem_find_capability(d, PCI_CAP_ID_MSI);
	d->msi_cap = off > 0 ? (uint16_t)off : 0;
	off = pciem_find_capability(d, PCI_CAP_ID_MSIX);
	d->msix_cap = off > 0 ? (uint16_t)off : 0;
}
