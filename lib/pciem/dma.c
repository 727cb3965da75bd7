// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dma.c - moving data between the device and host memory, as thin ioctl wrappers.
 */
#include <errno.h>
#include <stdint.h>

#include "pciem.h"
#include "internal.h"

static int dma(struct pciem_dev *d, uint64_t iova, const void *buf, size_t len, uint32_t flags)
{
	struct pciem_dma_op op = {
		.guest_iova = iova, .user_addr = (uintptr_t)buf, .flags = flags,
	};

	if (!d || !buf || !len || len > UINT32_MAX)
		return -EINVAL;
	op.length = (uint32_t)len;
	return dev_ioctl(d, PCIEM_IOCTL_DMA, &op);
}

int pciem_dma_read(struct pciem_dev *d, uint64_t iova, void *buf, size_t len)
{
	return dma(d, iova, buf, len, PCIEM_DMA_FLAG_READ);
}

int pciem_dma_write(struct pciem_dev *d, uint64_t iova, const void *buf, size_t len)
{
	return dma(d, iova, buf, len, PCIEM_DMA_FLAG_WRITE);
}

int pciem_dma_atomic(struct pciem_dev *d, uint64_t iova, uint32_t op, uint64_t operand,
		     uint64_t compare, uint64_t *old)
{
	struct pciem_dma_atomic a = {
		.guest_iova = iova, .operand = operand, .compare = compare, .op_type = op,
	};
	int ret;

	if (!d)
		return -EINVAL;
	ret = dev_ioctl(d, PCIEM_IOCTL_DMA_ATOMIC, &a);
	if (!ret && old)
		*old = a.result;
	return ret;
}

int pciem_dma_prp(struct pciem_dev *d, uint64_t prp1, uint64_t prp2, uint32_t page_size,
		  void *buf, size_t len, bool to_host)
{
	struct pciem_dma_indirect r = {
		.prp1 = prp1, .prp2 = prp2, .user_addr = (uintptr_t)buf,
		.page_size = page_size,
		.flags = to_host ? PCIEM_DMA_FLAG_WRITE : PCIEM_DMA_FLAG_READ,
	};

	if (!d || !buf || !len || len > UINT32_MAX)
		return -EINVAL;
	r.length = (uint32_t)len;
	return dev_ioctl(d, PCIEM_IOCTL_DMA_INDIRECT, &r);
}
