/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opae/vfio.h - drive a PCIe device bound to vfio-pci from userspace.
 *
 * This is pciem's implementation of OPAE's opae_vfio_* API (twelve
 * functions; see docs/opae.md).  Structure and enum names follow OPAE's
 * header, so a program written against OPAE's <opae/vfio.h> compiles against
 * this one and links with -lopaevfio (pkg-config opaevfio).
 *
 * Every int-returning call returns 0 on success and a positive errno value
 * on failure (errno is set to the same value); docs/opae.md lists the codes
 * each call can return.  opae_vfio_last_error() (an extension) gives a
 * one-line human-readable reason for the calling thread's last failure.
 *
 * A struct opae_vfio must be opened with opae_vfio_open() or
 * opae_vfio_secure_open() before use.  A zero-initialised, failed-to-open or
 * closed struct is recognised: calls on it return EBADF and
 * opae_vfio_close() on it does nothing.  Calls on one device are serialised
 * by a recursive mutex, so threads may share a device; opae_vfio_close()
 * must not race other calls on the same device.
 */
#ifndef PCIEM_OPAE_VFIO_H
#define PCIEM_OPAE_VFIO_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <linux/vfio.h>
#include <opae/mem_alloc.h>
#include <opae/hash_map.h>

/* One allocatable IOVA range reported by the IOMMU (inclusive end). */
struct opae_vfio_iova_range {
	uint64_t start;
	uint64_t end;
	struct opae_vfio_iova_range *next;
};

/* The VFIO group the device belongs to (/dev/vfio/N). */
struct opae_vfio_group {
	char *group_device;	/* e.g. "/dev/vfio/7" */
	int group_fd;
};

/* One mmapped area of a sparse-mmap region. */
struct opae_vfio_sparse_info {
	uint32_t index;		/* area number, from 0 */
	uint32_t offset;	/* offset of the area in the region */
	uint32_t size;		/* size of the area */
	uint8_t *ptr;		/* its address in the region's mapping */
	struct opae_vfio_sparse_info *next;
};

/*
 * One mmapped device region (a BAR).  For a sparse region, region_ptr is the
 * base of a reservation of region_size bytes in which only the areas listed
 * in region_sparse are mapped; the holes are PROT_NONE.
 */
struct opae_vfio_device_region {
	uint32_t region_index;
	uint8_t *region_ptr;
	size_t region_size;
	struct opae_vfio_sparse_info *region_sparse;
	struct opae_vfio_device_region *next;
};

/* Interrupt index info (see struct vfio_irq_info) and our per-vector state. */
struct opae_vfio_device_irq {
	uint32_t flags;		/* VFIO_IRQ_INFO_* */
	uint32_t index;		/* VFIO_PCI_*_IRQ_INDEX */
	uint32_t count;		/* vectors at this index */
	int32_t *event_fds;	/* count entries, -1 = none (or NULL) */
	int32_t *masks;		/* count entries, 1 = masked (or NULL) */
	struct opae_vfio_device_irq *next;
};

/* The VFIO device fd and what was found on it at open time. */
struct opae_vfio_device {
	int device_fd;
	uint64_t device_config_offset;	/* config space offset in device_fd */
	uint32_t device_num_regions;
	struct opae_vfio_device_region *regions;
	uint32_t device_num_irqs;
	struct opae_vfio_device_irq *irqs;
};

/* A DMA buffer: its address, size (rounded to its page size) and IOVA. */
struct opae_vfio_buffer {
	uint8_t *buffer_ptr;
	size_t buffer_size;
	uint64_t buffer_iova;
	int flags;		/* enum opae_vfio_buffer_flags */
};

/* An open device.  May live on the stack. */
struct opae_vfio {
	pthread_mutex_t lock;			/* recursive */
	char *cont_device;			/* "/dev/vfio/vfio" */
	char *cont_pciaddr;			/* canonical "ssss:bb:dd.f" */
	int cont_fd;
	struct opae_vfio_iova_range *cont_ranges;
	struct mem_alloc iova_alloc;
	struct opae_vfio_group group;
	struct opae_vfio_device device;
	opae_hash_map cont_buffers;		/* buffer_ptr -> opae_vfio_buffer */
	uint32_t open_magic;			/* private: set while open */
	uint32_t iova_page_shift;		/* private: log2 IOMMU page */
};

/* Flags for opae_vfio_buffer_allocate_ex(). */
enum opae_vfio_buffer_flags {
	/* map the caller's page-aligned buffer *buf instead of allocating */
	OPAE_VFIO_BUF_PREALLOCATED = 1
};

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Open the device at pciaddr ("ssss:bb:dd.f" or "bb:dd.f"), which must be
 * bound to vfio-pci: container, group, device fd, COMMAND memory + bus
 * master enabled, every mmappable region mapped, IRQ info recorded, IOVA
 * allocator set up.  On failure nothing stays open and v is left closed.
 */
int opae_vfio_open(struct opae_vfio *v, const char *pciaddr);

/* As opae_vfio_open(), passing the VF token (a UUID) to vfio-pci. */
int opae_vfio_secure_open(struct opae_vfio *v, const char *pciaddr,
			  const char *token);

/* Address and size of mmapped region `index`; ptr and size may be NULL. */
int opae_vfio_region_get(struct opae_vfio *v, uint32_t index,
			 uint8_t **ptr, size_t *size);

/*
 * Allocate a DMA buffer of at least *size bytes and map it in the IOMMU.
 * Sizes above 2 MiB try a 1 GiB huge page, sizes above one page a 2 MiB
 * huge page; when the pool has none, the next smaller page size is used.
 * *size is rounded up to a multiple of the page size actually used.  buf and
 * iova may be NULL.
 */
int opae_vfio_buffer_allocate(struct opae_vfio *v, size_t *size,
			      uint8_t **buf, uint64_t *iova);

/* As opae_vfio_buffer_allocate(); with OPAE_VFIO_BUF_PREALLOCATED, map
 * the caller's page-aligned buffer *buf (never freed by the library). */
int opae_vfio_buffer_allocate_ex(struct opae_vfio *v, size_t *size,
				 uint8_t **buf, uint64_t *iova, int flags);

/* The buffer whose start address is vaddr, or NULL. */
struct opae_vfio_buffer *opae_vfio_buffer_info(struct opae_vfio *v,
					       uint8_t *vaddr);

/* Unmap (and, unless preallocated, free) the buffer starting at buf. */
int opae_vfio_buffer_free(struct opae_vfio *v, uint8_t *buf);

/* Release everything opae_vfio_open() and the buffer calls acquired. */
void opae_vfio_close(struct opae_vfio *v);

/* Signal event_fd on interrupt (index, subindex): VFIO_DEVICE_SET_IRQS. */
int opae_vfio_irq_enable(struct opae_vfio *v, uint32_t index,
			 uint32_t subindex, int event_fd);

/* Stop signalling (index, subindex); the index is switched off when no
 * vector of it has an eventfd any more. */
int opae_vfio_irq_disable(struct opae_vfio *v, uint32_t index,
			  uint32_t subindex);

/* Mask / unmask one vector (VFIO_IRQ_SET_DATA_BOOL, one u8 per vector). */
int opae_vfio_irq_mask(struct opae_vfio *v, uint32_t index,
		       uint32_t subindex);
int opae_vfio_irq_unmask(struct opae_vfio *v, uint32_t index,
			 uint32_t subindex);

/* Extension: why the calling thread's last failing call failed ("" if none
 * failed yet).  The string stays valid until the thread's next call. */
const char *opae_vfio_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* PCIEM_OPAE_VFIO_H */
