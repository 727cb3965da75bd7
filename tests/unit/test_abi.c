// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_abi - the /dev/pciem ABI is the PCIem one, number for number.
 *
 * Struct sizes and offsets are asserted at compile time in pciem_api.h
 * itself; this checks the ioctl numbers and constants against the values
 * PCIem programs are compiled with (magic 0xAF, _IOC encoding of x86-64).
 */
#include <stdio.h>

#include "pciem_api.h"

static int passed, failed;

#define EQ(a, b) do {							\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ == b_) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: %s = %#llx, want %#llx\n",		\
		       __FILE__, __LINE__, #a, a_, b_);			\
	}								\
} while (0)

int main(void)
{
	/* _IOC(dir, 0xAF, nr, size): dir<<30 | size<<16 | 0xAF<<8 | nr */
	EQ(PCIEM_IOCTL_CREATE_DEVICE, 0xc004af0aULL);
	EQ(PCIEM_IOCTL_ADD_BAR, 0x4018af0bULL);
	EQ(PCIEM_IOCTL_ADD_CAPABILITY, 0x4014af0cULL);
	EQ(PCIEM_IOCTL_ADD_CAPABILITY_FLAT, 0x401caf0cULL);
	EQ(PCIEM_IOCTL_SET_CONFIG, 0x4014af0dULL);
	EQ(PCIEM_IOCTL_REGISTER, 0x0000af0eULL);
	EQ(PCIEM_IOCTL_INJECT_IRQ, 0x4008af0fULL);
	EQ(PCIEM_IOCTL_DMA, 0xc020af10ULL);
	EQ(PCIEM_IOCTL_DMA_ATOMIC, 0xc028af11ULL);
	EQ(PCIEM_IOCTL_P2P, 0xc018af12ULL);
	EQ(PCIEM_IOCTL_GET_BAR_INFO, 0xc020af13ULL);
	EQ(PCIEM_IOCTL_SET_EVENTFD, 0x4008af15ULL);
	EQ(PCIEM_IOCTL_SET_IRQFD, 0x4010af16ULL);
	EQ(PCIEM_IOCTL_DMA_INDIRECT, 0xc030af18ULL);
	EQ(PCIEM_IOCTL_TRACE_BAR, 0xc008af19ULL);
	EQ(PCIEM_IOCTL_START, 0x0000af1aULL);
	EQ(PCIEM_IOCTL_GET_DEVICE_INFO, 0x8020af1bULL);

	EQ(PCIEM_CAP_MSI, 0); EQ(PCIEM_CAP_MSIX, 1); EQ(PCIEM_CAP_PM, 2);
	EQ(PCIEM_CAP_PCIE, 3); EQ(PCIEM_CAP_VSEC, 4); EQ(PCIEM_CAP_PASID, 5);
	EQ(PCIEM_EVENT_MMIO_READ, 1); EQ(PCIEM_EVENT_MMIO_WRITE, 2);
	EQ(PCIEM_EVENT_CONFIG_READ, 3); EQ(PCIEM_EVENT_CONFIG_WRITE, 4);
	EQ(PCIEM_EVENT_MSI_ACK, 5); EQ(PCIEM_EVENT_RESET, 6);
	EQ(PCIEM_TRACE_READS, 1); EQ(PCIEM_TRACE_WRITES, 2); EQ(PCIEM_TRACE_STOP_WRITES, 4);
	EQ(PCIEM_ATOMIC_FETCH_ADD, 1); EQ(PCIEM_ATOMIC_FETCH_SUB, 2);
	EQ(PCIEM_ATOMIC_SWAP, 3); EQ(PCIEM_ATOMIC_CAS, 4); EQ(PCIEM_ATOMIC_FETCH_AND, 5);
	EQ(PCIEM_ATOMIC_FETCH_OR, 6); EQ(PCIEM_ATOMIC_FETCH_XOR, 7);
	EQ(PCIEM_DMA_FLAG_READ, 1); EQ(PCIEM_DMA_FLAG_WRITE, 2);
	EQ(PCIEM_IRQFD_FLAG_LEVEL, 1); EQ(PCIEM_IRQFD_FLAG_DEASSERT, 2);
	EQ(PCIEM_WP_FLAG_BAR_KPROBES, 1); EQ(PCIEM_WP_FLAG_BAR_MANUAL, 2);
	EQ(PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL, 0); EQ(PCIEM_CREATE_FLAG_BUS_MODE_ATTACH, 1);
	EQ(PCIEM_CREATE_FLAG_BUS_MODE_MASK, 3);
	EQ(PCIEM_MAX_IRQFDS, 32); EQ(PCIEM_RING_SIZE, 256);
	EQ(sizeof(struct pciem_shared_ring), 128 + 48 * 256);

	printf("abi: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
