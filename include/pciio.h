/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * pciio.h - FreeBSD pci(4) ABI for /dev/pci on Linux.
 *
 * Struct layouts (LP64), enum values and ioctl numbers are those of
 * FreeBSD's <sys/pciio.h>, so programs written for FreeBSD's /dev/pci
 * (pciconf(8) among them) build and run unchanged against pciio.ko.
 * FreeBSD encodes _IOWR(g, n, t) as 0xC0000000 | sizeof(t) << 16 |
 * g << 8 | n, which is also what Linux's _IOWR produces for these sizes;
 * the numbers are spelled out below and checked at compile time.
 *
 * This header compiles as C11 and C++ in userspace and inside the kernel.
 * docs/pciio.md documents every ioctl and every errno.
 */
#ifndef PCIIO_H
#define PCIIO_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#define PCIIO_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#include <stdint.h>
#include <stddef.h>
#include <sys/ioctl.h>
#ifdef __cplusplus
#define PCIIO_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#define PCIIO_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif
#endif

#define PCI_MAXNAMELEN	16

typedef enum {
	PCI_GETCONF_LAST_DEVICE		= 0,
	PCI_GETCONF_LIST_CHANGED	= 1,
	PCI_GETCONF_MORE_DEVS		= 2,
	PCI_GETCONF_ERROR		= 3
} pci_getconf_status;

typedef enum {
	PCI_GETCONF_NO_MATCH		= 0x0000,
	PCI_GETCONF_MATCH_DOMAIN	= 0x0001,
	PCI_GETCONF_MATCH_BUS		= 0x0002,
	PCI_GETCONF_MATCH_DEV		= 0x0004,
	PCI_GETCONF_MATCH_FUNC		= 0x0008,
	PCI_GETCONF_MATCH_NAME		= 0x0010,
	PCI_GETCONF_MATCH_UNIT		= 0x0020,
	PCI_GETCONF_MATCH_VENDOR	= 0x0040,
	PCI_GETCONF_MATCH_DEVICE	= 0x0080,
	PCI_GETCONF_MATCH_CLASS		= 0x0100
} pci_getconf_flags;

/* A PCI function: domain (segment), bus, slot (device) and function. */
struct pcisel {
	uint32_t	pc_domain;
	uint8_t		pc_bus;
	uint8_t		pc_dev;
	uint8_t		pc_func;
};

/* One device as PCIOCGETCONF returns it. */
struct pci_conf {
	struct pcisel	pc_sel;
	uint8_t		pc_hdr;		/* header type, without the MF bit */
	uint16_t	pc_subvendor;
	uint16_t	pc_subdevice;
	uint16_t	pc_vendor;
	uint16_t	pc_device;
	uint8_t		pc_class;
	uint8_t		pc_subclass;
	uint8_t		pc_progif;
	uint8_t		pc_revid;
	char		pd_name[PCI_MAXNAMELEN + 1];	/* driver, "" if none */
	unsigned long	pd_unit;	/* index among the driver's devices */
};

/* One PCIOCGETCONF pattern; a device matches if every flagged field does. */
struct pci_match_conf {
	struct pcisel		pc_sel;
	char			pd_name[PCI_MAXNAMELEN + 1];
	unsigned long		pd_unit;
	uint16_t		pc_vendor;
	uint16_t		pc_device;
	uint8_t			pc_class;
	pci_getconf_flags	flags;
};

struct pci_conf_io {
	uint32_t		pat_buf_len;	/* bytes in patterns */
	uint32_t		num_patterns;
	struct pci_match_conf	*patterns;
	uint32_t		match_buf_len;	/* bytes in matches */
	uint32_t		num_matches;	/* out */
	struct pci_conf		*matches;
	uint32_t		offset;		/* in/out: index in device list */
	uint32_t		generation;	/* in/out: device list generation */
	pci_getconf_status	status;		/* out */
};

/* PCIOCREAD, PCIOCWRITE, PCIOCATTACHED. */
struct pci_io {
	struct pcisel	pi_sel;
	int		pi_reg;		/* configuration register offset */
	int		pi_width;	/* 1, 2 or 4 */
	uint32_t	pi_data;
};

/* PCIOCGETBAR. */
struct pci_bar_io {
	struct pcisel	pbi_sel;
	int		pbi_reg;	/* BAR register offset (0x10, ...) */
	int		pbi_enabled;	/* decoding enabled in COMMAND */
	uint64_t	pbi_base;	/* BAR value, type bits included */
	uint64_t	pbi_length;
};

/* PCIOCLISTVPD returns a packed sequence of these. */
struct pci_vpd_element {
	char		pve_keyword[2];
	uint8_t		pve_flags;
	uint8_t		pve_datalen;
	uint8_t		pve_data[];
};

#define PVE_FLAG_IDENT		0x01	/* the identifier string */
#define PVE_FLAG_RW		0x02	/* a keyword of the VPD-W section */

#define PVE_NEXT(pve)							\
	((struct pci_vpd_element *)((char *)(pve) +			\
	    sizeof(struct pci_vpd_element) + (pve)->pve_datalen))

struct pci_list_vpd_io {
	struct pcisel		plvi_sel;
	size_t			plvi_len;	/* in: buffer size, out: used */
	struct pci_vpd_element	*plvi_data;
};

/* PCIOCBARMMAP: map a memory BAR into the caller. */
struct pci_bar_mmap {
	void		*pbm_map_base;	/* in with FIXED, out */
	size_t		pbm_map_length;	/* out: whole pages mapped */
	uint64_t	pbm_bar_length;	/* out: BAR size */
	int		pbm_bar_off;	/* out: BAR start - pbm_map_base */
	struct pcisel	pbm_sel;
	int		pbm_reg;	/* BAR register offset */
	int		pbm_flags;	/* PCIIO_BAR_MMAP_* */
	int		pbm_memattr;	/* VM_MEMATTR_* */
};

/* PCIOCBARIO: one access to a BAR through the kernel. */
struct pci_bar_ioreq {
	struct pcisel	pbi_sel;
#define PCIBARIO_READ		0x1
#define PCIBARIO_WRITE		0x2
	int		pbi_op;
	uint32_t	pbi_bar;	/* BAR index 0..5 */
	uint32_t	pbi_offset;
	uint32_t	pbi_width;	/* 1, 2, 4 or 8 */
	uint32_t	pbi_value;
};

#define PCIIO_BAR_MMAP_FIXED	0x01
#define PCIIO_BAR_MMAP_EXCL	0x02
#define PCIIO_BAR_MMAP_RW	0x04
#define PCIIO_BAR_MMAP_ACTIVATE	0x08

/*
 * Memory attributes for pbm_memattr, with FreeBSD/amd64's values (PAT
 * types).  pciio.ko accepts UNCACHEABLE (= DEVICE), UNCACHED and
 * WRITE_COMBINING.
 */
#ifndef VM_MEMATTR_DEVICE
#define VM_MEMATTR_UNCACHEABLE		0x00
#define VM_MEMATTR_WRITE_COMBINING	0x01
#define VM_MEMATTR_WRITE_THROUGH	0x04
#define VM_MEMATTR_WRITE_PROTECTED	0x05
#define VM_MEMATTR_WRITE_BACK		0x06
#define VM_MEMATTR_UNCACHED		0x07
#define VM_MEMATTR_DEFAULT		VM_MEMATTR_WRITE_BACK
#define VM_MEMATTR_DEVICE		VM_MEMATTR_UNCACHEABLE
#endif

#define PCIOCGETCONF	_IOWR('p', 5, struct pci_conf_io)
#define PCIOCREAD	_IOWR('p', 2, struct pci_io)
#define PCIOCWRITE	_IOWR('p', 3, struct pci_io)
#define PCIOCATTACHED	_IOWR('p', 4, struct pci_io)
#define PCIOCGETBAR	_IOWR('p', 6, struct pci_bar_io)
#define PCIOCLISTVPD	_IOWR('p', 7, struct pci_list_vpd_io)
#define PCIOCBARMMAP	_IOWR('p', 8, struct pci_bar_mmap)
#define PCIOCBARIO	_IOWR('p', 9, struct pci_bar_ioreq)

/* ---- ABI checks ---------------------------------------------------------- */

PCIIO_STATIC_ASSERT(sizeof(pci_getconf_flags) == 4, "enum size");
PCIIO_STATIC_ASSERT(sizeof(pci_getconf_status) == 4, "enum size");
PCIIO_STATIC_ASSERT(sizeof(struct pcisel) == 8, "pcisel size");
PCIIO_STATIC_ASSERT(offsetof(struct pcisel, pc_bus) == 4, "pcisel");
PCIIO_STATIC_ASSERT(offsetof(struct pcisel, pc_func) == 6, "pcisel");
PCIIO_STATIC_ASSERT(sizeof(struct pci_io) == 20, "pci_io size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_io, pi_reg) == 8, "pci_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_io, pi_width) == 12, "pci_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_io, pi_data) == 16, "pci_io");
PCIIO_STATIC_ASSERT(sizeof(struct pci_bar_io) == 32, "pci_bar_io size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_io, pbi_reg) == 8, "pci_bar_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_io, pbi_enabled) == 12,
		    "pci_bar_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_io, pbi_base) == 16,
		    "pci_bar_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_io, pbi_length) == 24,
		    "pci_bar_io");
PCIIO_STATIC_ASSERT(sizeof(struct pci_vpd_element) == 4, "vpd element");
PCIIO_STATIC_ASSERT(sizeof(struct pci_bar_ioreq) == 28, "pci_bar_ioreq");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_ioreq, pbi_op) == 8,
		    "pci_bar_ioreq");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_ioreq, pbi_value) == 24,
		    "pci_bar_ioreq");
PCIIO_STATIC_ASSERT(PCIOCREAD == 0xc0147002u, "PCIOCREAD");
PCIIO_STATIC_ASSERT(PCIOCWRITE == 0xc0147003u, "PCIOCWRITE");
PCIIO_STATIC_ASSERT(PCIOCATTACHED == 0xc0147004u, "PCIOCATTACHED");
PCIIO_STATIC_ASSERT(PCIOCGETBAR == 0xc0207006u, "PCIOCGETBAR");
PCIIO_STATIC_ASSERT(PCIOCBARIO == 0xc01c7009u, "PCIOCBARIO");

#if defined(__LP64__) || defined(_LP64)
PCIIO_STATIC_ASSERT(sizeof(struct pci_conf) == 48, "pci_conf size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_hdr) == 8, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_subvendor) == 10,
		    "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_subdevice) == 12,
		    "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_vendor) == 14, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_device) == 16, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_class) == 18, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pc_revid) == 21, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pd_name) == 22, "pci_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf, pd_unit) == 40, "pci_conf");
PCIIO_STATIC_ASSERT(sizeof(struct pci_match_conf) == 56,
		    "pci_match_conf size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, pd_name) == 8,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, pd_unit) == 32,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, pc_vendor) == 40,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, pc_device) == 42,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, pc_class) == 44,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(offsetof(struct pci_match_conf, flags) == 48,
		    "pci_match_conf");
PCIIO_STATIC_ASSERT(sizeof(struct pci_conf_io) == 48, "pci_conf_io size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, patterns) == 8,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, match_buf_len) == 16,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, num_matches) == 20,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, matches) == 24,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, offset) == 32,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, generation) == 36,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_conf_io, status) == 40,
		    "pci_conf_io");
PCIIO_STATIC_ASSERT(sizeof(struct pci_list_vpd_io) == 24,
		    "pci_list_vpd_io size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_list_vpd_io, plvi_len) == 8,
		    "pci_list_vpd_io");
PCIIO_STATIC_ASSERT(offsetof(struct pci_list_vpd_io, plvi_data) == 16,
		    "pci_list_vpd_io");
PCIIO_STATIC_ASSERT(sizeof(struct pci_bar_mmap) == 48, "pci_bar_mmap size");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_mmap, pbm_bar_length) == 16,
		    "pci_bar_mmap");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_mmap, pbm_bar_off) == 24,
		    "pci_bar_mmap");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_mmap, pbm_sel) == 28,
		    "pci_bar_mmap");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_mmap, pbm_reg) == 36,
		    "pci_bar_mmap");
PCIIO_STATIC_ASSERT(offsetof(struct pci_bar_mmap, pbm_memattr) == 44,
		    "pci_bar_mmap");
PCIIO_STATIC_ASSERT(PCIOCGETCONF == 0xc0307005u, "PCIOCGETCONF");
PCIIO_STATIC_ASSERT(PCIOCLISTVPD == 0xc0187007u, "PCIOCLISTVPD");
PCIIO_STATIC_ASSERT(PCIOCBARMMAP == 0xc0307008u, "PCIOCBARMMAP");
#endif

#endif /* PCIIO_H */
