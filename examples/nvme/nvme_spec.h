/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nvme_spec.h - what pciem-nvme uses of the NVM Express Base Specification
 * 1.4 and the NVM Command Set: controller registers, commands, statuses,
 * and the data structures the controller fills or reads.  Nothing here is
 * particular to this controller (that is nvme.h).
 *
 * Multi-byte fields are little-endian on the wire.  The controller fills
 * the Identify data and log pages with htole*() and reads DSM ranges with
 * le*toh(); submission and completion queue entries it uses as they are,
 * since pciem runs on x86-64, which is little-endian.
 *
 * Command status values follow the Status Field of a completion queue
 * entry without its Phase Tag (bit 0): SC in bits 7:0, SCT in 10:8, DNR in
 * bit 14.  They become bits 15:1 of DW3 when the entry is posted.
 */
#ifndef NVME_SPEC_H
#define NVME_SPEC_H

#include <stddef.h>
#include <stdint.h>

/* ---- controller registers (BAR 0) ------------------------------------------ */

enum nvme_reg {
	NVME_REG_CAP	= 0x00,	/* Controller Capabilities, 64-bit */
	NVME_REG_VS	= 0x08,	/* Version */
	NVME_REG_INTMS	= 0x0c,	/* Interrupt Mask Set */
	NVME_REG_INTMC	= 0x10,	/* Interrupt Mask Clear */
	NVME_REG_CC	= 0x14,	/* Controller Configuration */
	NVME_REG_CSTS	= 0x1c,	/* Controller Status */
	NVME_REG_NSSR	= 0x20,	/* NVM Subsystem Reset */
	NVME_REG_AQA	= 0x24,	/* Admin Queue Attributes */
	NVME_REG_ASQ	= 0x28,	/* Admin Submission Queue Base Address, 64-bit */
	NVME_REG_ACQ	= 0x30,	/* Admin Completion Queue Base Address, 64-bit */
	NVME_REG_DBS	= 0x1000,	/* the first doorbell */
};

/* CAP */
#define NVME_CAP_MQES_SHIFT	0	/* 15:0 maximum queue entries, 0's based */
#define NVME_CAP_CQR		(1ull << 16)	/* contiguous queues required */
#define NVME_CAP_TO_SHIFT	24	/* 31:24 timeout, in 500 ms units */
#define NVME_CAP_DSTRD_SHIFT	32	/* 35:32 doorbell stride: 4 << DSTRD bytes */
#define NVME_CAP_CSS_NVM	(1ull << 37)	/* 44:37 command sets: NVM */
#define NVME_CAP_MPSMIN_SHIFT	48	/* 51:48 memory page size minimum: 4 KiB << n */
#define NVME_CAP_MPSMAX_SHIFT	52	/* 55:52 memory page size maximum */

/* VS, and VER in Identify Controller */
#define NVME_VS(mjr, mnr, ter)	((uint32_t)(mjr) << 16 | (uint32_t)(mnr) << 8 | (uint32_t)(ter))

/* CC */
#define NVME_CC_EN		(1u << 0)
#define NVME_CC_CSS(cc)		(((cc) >> 4) & 7)	/* 0: NVM command set */
#define NVME_CC_MPS(cc)		(((cc) >> 7) & 0xf)
#define NVME_CC_PAGE_SIZE(cc)	(4096u << NVME_CC_MPS(cc))	/* memory page size */
#define NVME_CC_SHN(cc)		(((cc) >> 14) & 3)	/* 0: no shutdown requested */
#define NVME_CC_IOSQES(cc)	(((cc) >> 16) & 0xf)	/* log2 of the I/O SQ entry size */
#define NVME_CC_IOCQES(cc)	(((cc) >> 20) & 0xf)	/* log2 of the I/O CQ entry size */

/* CSTS */
#define NVME_CSTS_RDY		(1u << 0)
#define NVME_CSTS_CFS		(1u << 1)	/* controller fatal status */
#define NVME_CSTS_SHST_MASK	(3u << 2)
#define NVME_CSTS_SHST_OCCURRING (1u << 2)
#define NVME_CSTS_SHST_COMPLETE	(2u << 2)

/* AQA: both sizes 0's based */
#define NVME_AQA_ASQS(aqa)	((aqa) & 0xfff)
#define NVME_AQA_ACQS(aqa)	(((aqa) >> 16) & 0xfff)

/*
 * Doorbells: from NVME_REG_DBS, SQ y's tail then CQ y's head, each
 * 4 << CAP.DSTRD bytes apart.  The shadow doorbell and EventIdx buffers of
 * Doorbell Buffer Config are laid out the same way from their base.
 */
#define NVME_DB_STRIDE(dstrd)		(4u << (dstrd))
#define NVME_DB_SQ_TAIL(y, dstrd)	(2u * (y) * NVME_DB_STRIDE(dstrd))
#define NVME_DB_CQ_HEAD(y, dstrd)	((2u * (y) + 1) * NVME_DB_STRIDE(dstrd))

/* ---- queue entries ---------------------------------------------------------- */

struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;		/* FUSE 1:0, PSDT 7:6 */
	uint16_t cid;
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1, prp2;	/* the data pointer, as PRPs */
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
} __attribute__((packed));

#define NVME_SQE_FUSE_MASK	0x03	/* fused operation */
#define NVME_SQE_PSDT_MASK	0xc0	/* 0: PRPs; else SGLs */

struct nvme_cqe {
	uint32_t dw0, dw1;	/* command specific */
	uint16_t sqhd, sqid;
	uint16_t cid;
	uint16_t status;	/* bit 0: Phase Tag; 15:1 the Status Field */
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_sqe) == 64, "SQ entry");
_Static_assert(offsetof(struct nvme_sqe, prp1) == 24, "SQE PRP1");
_Static_assert(offsetof(struct nvme_sqe, cdw10) == 40, "SQE CDW10");
_Static_assert(sizeof(struct nvme_cqe) == 16, "CQ entry");
_Static_assert(offsetof(struct nvme_cqe, status) == 14, "CQE status");

#define NVME_SQES_LOG2		6	/* a 64-byte SQ entry */
#define NVME_CQES_LOG2		4	/* a 16-byte CQ entry */

/* ---- opcodes ---------------------------------------------------------------- */

enum nvme_admin_opcode {
	NVME_ADM_DELETE_SQ		= 0x00,
	NVME_ADM_CREATE_SQ		= 0x01,
	NVME_ADM_GET_LOG_PAGE		= 0x02,
	NVME_ADM_DELETE_CQ		= 0x04,
	NVME_ADM_CREATE_CQ		= 0x05,
	NVME_ADM_IDENTIFY		= 0x06,
	NVME_ADM_ABORT			= 0x08,
	NVME_ADM_SET_FEATURES		= 0x09,
	NVME_ADM_GET_FEATURES		= 0x0a,
	NVME_ADM_ASYNC_EVENT_REQUEST	= 0x0c,
	NVME_ADM_DOORBELL_BUFFER_CONFIG	= 0x7c,
};

enum nvme_io_opcode {
	NVME_CMD_FLUSH		= 0x00,
	NVME_CMD_WRITE		= 0x01,
	NVME_CMD_READ		= 0x02,
	NVME_CMD_WRITE_ZEROES	= 0x08,
	NVME_CMD_DSM		= 0x09,	/* Dataset Management */
};

#define NVME_NSID_ALL		0xffffffffu	/* every namespace (broadcast) */

/* ---- command fields ----------------------------------------------------------- */

/* Create I/O Completion / Submission Queue, Delete I/O SQ / CQ (CDW10). */
#define NVME_QUEUE_QID(cdw10)		((cdw10) & 0xffff)
#define NVME_QUEUE_QSIZE(cdw10)		((cdw10) >> 16)	/* 0's based */
/* Create I/O Completion Queue, CDW11 */
#define NVME_CREATE_CQ_PC		(1u << 0)	/* physically contiguous */
#define NVME_CREATE_CQ_IEN		(1u << 1)	/* interrupts enabled */
#define NVME_CREATE_CQ_IV(cdw11)	((cdw11) >> 16)	/* interrupt vector */
/* Create I/O Submission Queue, CDW11 */
#define NVME_CREATE_SQ_PC		(1u << 0)
#define NVME_CREATE_SQ_CQID(cdw11)	((cdw11) >> 16)

/* Identify */
#define NVME_IDENTIFY_SIZE		4096	/* every CNS returns 4 KiB */
#define NVME_IDENTIFY_CNS(cdw10)	((cdw10) & 0xff)
#define NVME_IDENTIFY_CSI(cdw11)	((cdw11) >> 24)

enum nvme_identify_cns {
	NVME_ID_CNS_NS			= 0x00,	/* Identify Namespace */
	NVME_ID_CNS_CTRL		= 0x01,	/* Identify Controller */
	NVME_ID_CNS_NS_ACTIVE_LIST	= 0x02,	/* active NSIDs above CDW1.NSID */
	NVME_ID_CNS_NS_DESC_LIST	= 0x03,	/* namespace identification descriptors */
	NVME_ID_CNS_CS_CTRL		= 0x06,	/* I/O command set specific controller */
};

enum nvme_csi {
	NVME_CSI_NVM	= 0x00,
};

/* Get Log Page: NUMD (0's based, in dwords) is NUMDU:NUMDL. */
#define NVME_LOG_LID(cdw10)		((cdw10) & 0xff)
#define NVME_LOG_NUMDL(cdw10)		((cdw10) >> 16)
#define NVME_LOG_NUMDU(cdw11)		((cdw11) & 0xffff)

enum nvme_log_page {
	NVME_LOG_ERROR		= 0x01,	/* Error Information */
	NVME_LOG_SMART		= 0x02,	/* SMART / Health Information */
	NVME_LOG_FW_SLOT	= 0x03,	/* Firmware Slot Information */
};

/* Get / Set Features */
#define NVME_FEAT_FID(cdw10)		((cdw10) & 0xff)
#define NVME_FEAT_SEL(cdw10)		(((cdw10) >> 8) & 7)	/* Get Features */
#define NVME_FEAT_SV			(1u << 31)		/* Set Features: save */

enum nvme_feat_sel {
	NVME_FEAT_SEL_CURRENT	= 0,
	NVME_FEAT_SEL_DEFAULT	= 1,
	NVME_FEAT_SEL_SAVED	= 2,
	NVME_FEAT_SEL_SUPPORTED	= 3,	/* capabilities, in DW0 */
};

#define NVME_FEAT_CAP_CHANGEABLE	(1u << 2)	/* Get Features, SEL 3 */

enum nvme_feature {
	NVME_FEAT_ARBITRATION	= 0x01,
	NVME_FEAT_POWER_MGMT	= 0x02,
	NVME_FEAT_TEMP_THRESH	= 0x04,
	NVME_FEAT_ERR_RECOVERY	= 0x05,
	NVME_FEAT_VOLATILE_WC	= 0x06,
	NVME_FEAT_NUM_QUEUES	= 0x07,
	NVME_FEAT_IRQ_COALESCE	= 0x08,
	NVME_FEAT_IRQ_CONFIG	= 0x09,
	NVME_FEAT_WRITE_ATOMIC	= 0x0a,
	NVME_FEAT_ASYNC_EVENT	= 0x0b,
};

/* Feature values (CDW11 of Set, DW0 of Get) */
#define NVME_ARB_MASK			0xffffff07u	/* AB, LPW, MPW, HPW */
#define NVME_PM_PS(v)			((v) & 0x1f)	/* power state */
#define NVME_PM_MASK			0xffu		/* PS, WH */
#define NVME_TEMP_TMPTH(v)		((v) & 0xffff)	/* threshold, kelvin */
#define NVME_TEMP_TMPSEL(v)		(((v) >> 16) & 0xf)	/* 0: composite, 1-8 sensors */
#define NVME_TEMP_THSEL(v)		(((v) >> 20) & 3)	/* 0: over, 1: under */
#define NVME_TEMP_SENSORS		9	/* composite and sensors 1-8 */
#define NVME_TEMP_THSEL_OVER		0
#define NVME_TEMP_THSEL_UNDER		1
#define NVME_ERR_REC_MASK		0x1ffffu	/* TLER, DULBE */
#define NVME_VWC_WCE			(1u << 0)
#define NVME_NUM_QUEUES_NSQR(v)		((v) & 0xffff)	/* 0's based */
#define NVME_NUM_QUEUES_NCQR(v)		((v) >> 16)
#define NVME_IRQ_COALESCE_MASK		0xffffu		/* THR, TIME */
#define NVME_IRQ_CONFIG_IV(v)		((v) & 0xffff)
#define NVME_IRQ_CONFIG_CD		(1u << 16)	/* coalescing disable */
#define NVME_WRITE_ATOMIC_DN		(1u << 0)
#define NVME_ASYNC_EVENT_MASK		0xffu		/* SMART / health warnings */

/* Asynchronous Event Request completion, DW0 */
#define NVME_AER_DW0(type, info, lid)	((uint32_t)(type) | (uint32_t)(info) << 8 | \
					 (uint32_t)(lid) << 16)

enum nvme_aer_type {
	NVME_AER_TYPE_ERROR	= 0,
	NVME_AER_TYPE_SMART	= 1,
};

enum nvme_aer_info {
	/* NVME_AER_TYPE_ERROR */
	NVME_AER_ERR_INVALID_DB_REG	= 0x00,	/* write to an invalid doorbell register */
	NVME_AER_ERR_INVALID_DB_VALUE	= 0x01,	/* invalid doorbell write value */
	/* NVME_AER_TYPE_SMART */
	NVME_AER_SMART_TEMP_THRESH	= 0x01,	/* temperature threshold */
};

/* Read, Write, Write Zeroes */
#define NVME_RW_SLBA(cdw10, cdw11)	((cdw10) | (uint64_t)(cdw11) << 32)
#define NVME_RW_NLB(cdw12)		((cdw12) & 0xffff)	/* 0's based */
#define NVME_RW_FUA			(1u << 30)		/* in CDW12 */

/* Dataset Management */
#define NVME_DSM_NR(cdw10)		((cdw10) & 0xff)	/* ranges, 0's based */
#define NVME_DSM_AD			(1u << 2)		/* CDW11: deallocate */
#define NVME_DSM_MAX_RANGES		256

struct nvme_dsm_range {
	uint32_t cattr;		/* context attributes */
	uint32_t nlb;		/* length in logical blocks (not 0's based) */
	uint64_t slba;
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_dsm_range) == 16, "DSM range");
_Static_assert(offsetof(struct nvme_dsm_range, slba) == 8, "DSM range SLBA");

/* ---- status codes ------------------------------------------------------------- */

#define NVME_SCT_SHIFT		8
#define NVME_SC_MASK		0x7ff	/* SCT and SC: nonzero is an error */
#define NVME_DNR		0x4000	/* Do Not Retry */

enum nvme_status {
	/* Generic Command Status (SCT 0) */
	NVME_SC_SUCCESS			= 0x000,
	NVME_SC_INVALID_OPCODE		= 0x001,
	NVME_SC_INVALID_FIELD		= 0x002,
	NVME_SC_DATA_TRANSFER_ERROR	= 0x004,
	NVME_SC_INTERNAL		= 0x006,
	NVME_SC_INVALID_NS		= 0x00b,	/* invalid namespace or format */
	NVME_SC_INVALID_PRP_OFFSET	= 0x013,
	NVME_SC_NS_WRITE_PROTECTED	= 0x020,
	NVME_SC_LBA_RANGE		= 0x080,	/* LBA out of range */
	/* Command Specific Status (SCT 1) */
	NVME_SC_CQ_INVALID		= 0x100,
	NVME_SC_INVALID_QID		= 0x101,
	NVME_SC_INVALID_QSIZE		= 0x102,
	NVME_SC_AER_LIMIT		= 0x105,	/* async event request limit exceeded */
	NVME_SC_INVALID_VECTOR		= 0x108,
	NVME_SC_INVALID_LOG_PAGE	= 0x109,
	NVME_SC_INVALID_QDELETION	= 0x10c,
	NVME_SC_FEAT_NOT_SAVEABLE	= 0x10d,
	/* Media and Data Integrity Errors (SCT 2) */
	NVME_SC_WRITE_FAULT		= 0x280,
	NVME_SC_READ_ERROR		= 0x281,
};

/* ---- Identify data structures ---------------------------------------------------- */

struct nvme_power_state {
	uint16_t mp;		/* maximum power, centiwatts (MXPS 0) */
	uint8_t rsvd2[30];
} __attribute__((packed));

struct nvme_id_ctrl {
	uint16_t vid;
	uint16_t ssvid;
	char sn[20];		/* serial number: ASCII, space padded */
	char mn[40];		/* model number */
	char fr[8];		/* firmware revision */
	uint8_t rab;		/* recommended arbitration burst */
	uint8_t ieee[3];
	uint8_t cmic;
	uint8_t mdts;		/* maximum data transfer: 2^n minimum pages */
	uint16_t cntlid;
	uint32_t ver;
	uint32_t rtd3r;
	uint32_t rtd3e;		/* RTD3 entry latency, us: the shutdown timeout */
	uint8_t rsvd92[19];
	uint8_t cntrltype;
	uint8_t rsvd112[144];
	uint16_t oacs;		/* optional admin command support */
	uint8_t acl;		/* abort command limit, 0's based */
	uint8_t aerl;		/* async event request limit, 0's based */
	uint8_t frmw;		/* firmware updates */
	uint8_t lpa;		/* log page attributes */
	uint8_t elpe;		/* error log page entries, 0's based */
	uint8_t rsvd263[3];
	uint16_t wctemp;	/* warning composite temperature threshold, K */
	uint16_t cctemp;	/* critical composite temperature threshold, K */
	uint8_t rsvd270[242];
	uint8_t sqes;		/* 7:4 maximum, 3:0 required SQ entry size, log2 */
	uint8_t cqes;
	uint16_t maxcmd;
	uint32_t nn;		/* number of namespaces */
	uint16_t oncs;		/* optional NVM command support */
	uint16_t fuses;
	uint8_t fna;
	uint8_t vwc;		/* volatile write cache */
	uint8_t rsvd526[242];
	char subnqn[256];	/* NVM subsystem NVMe qualified name, NUL terminated */
	uint8_t rsvd1024[1024];
	struct nvme_power_state psd[32];
	uint8_t vs[1024];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_power_state) == 32, "power state descriptor");
_Static_assert(sizeof(struct nvme_id_ctrl) == NVME_IDENTIFY_SIZE, "Identify Controller");
_Static_assert(offsetof(struct nvme_id_ctrl, sn) == 4, "Identify Controller SN");
_Static_assert(offsetof(struct nvme_id_ctrl, mdts) == 77, "Identify Controller MDTS");
_Static_assert(offsetof(struct nvme_id_ctrl, rtd3e) == 88, "Identify Controller RTD3E");
_Static_assert(offsetof(struct nvme_id_ctrl, cntrltype) == 111, "Identify Controller CNTRLTYPE");
_Static_assert(offsetof(struct nvme_id_ctrl, oacs) == 256, "Identify Controller OACS");
_Static_assert(offsetof(struct nvme_id_ctrl, wctemp) == 266, "Identify Controller WCTEMP");
_Static_assert(offsetof(struct nvme_id_ctrl, sqes) == 512, "Identify Controller SQES");
_Static_assert(offsetof(struct nvme_id_ctrl, nn) == 516, "Identify Controller NN");
_Static_assert(offsetof(struct nvme_id_ctrl, vwc) == 525, "Identify Controller VWC");
_Static_assert(offsetof(struct nvme_id_ctrl, subnqn) == 768, "Identify Controller SUBNQN");
_Static_assert(offsetof(struct nvme_id_ctrl, psd) == 2048, "Identify Controller PSD0");

#define NVME_CNTRLTYPE_IO		1	/* an I/O controller */
#define NVME_OACS_DBBUF			(1u << 8)	/* Doorbell Buffer Config */
#define NVME_FRMW_SLOT1_RO		(1u << 0)
#define NVME_FRMW_NSLOTS(n)		((n) << 1)
#define NVME_LPA_EXTENDED		(1u << 2)	/* NUMDU and LPO in Get Log Page */
#define NVME_ONCS_DSM			(1u << 2)
#define NVME_ONCS_WRITE_ZEROES		(1u << 3)
#define NVME_VWC_PRESENT		(1u << 0)
#define NVME_VWC_FLUSH_NSID_ALL		(3u << 1)	/* Flush takes NSID FFFFFFFFh */
#define NVME_QUEUE_ES(max, req)		((max) << 4 | (req))	/* SQES, CQES */

struct nvme_lbaf {
	uint16_t ms;		/* metadata size */
	uint8_t lbads;		/* LBA data size, log2 */
	uint8_t rp;		/* relative performance */
} __attribute__((packed));

struct nvme_id_ns {
	uint64_t nsze;		/* size, in logical blocks */
	uint64_t ncap;		/* capacity */
	uint64_t nuse;		/* utilization */
	uint8_t nsfeat;
	uint8_t nlbaf;		/* number of LBA formats, 0's based */
	uint8_t flbas;		/* formatted LBA size: the format in use */
	uint8_t mc;
	uint8_t dpc;
	uint8_t dps;
	uint8_t nmic;
	uint8_t rescap;
	uint8_t fpi;
	uint8_t dlfeat;		/* deallocate logical block features */
	uint8_t rsvd34[65];
	uint8_t nsattr;		/* namespace attributes */
	uint8_t rsvd100[4];
	uint8_t nguid[16];
	uint8_t eui64[8];
	struct nvme_lbaf lbaf[16];
	uint8_t rsvd192[3904];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_lbaf) == 4, "LBA format");
_Static_assert(sizeof(struct nvme_id_ns) == NVME_IDENTIFY_SIZE, "Identify Namespace");
_Static_assert(offsetof(struct nvme_id_ns, nlbaf) == 25, "Identify Namespace NLBAF");
_Static_assert(offsetof(struct nvme_id_ns, dlfeat) == 33, "Identify Namespace DLFEAT");
_Static_assert(offsetof(struct nvme_id_ns, nsattr) == 99, "Identify Namespace NSATTR");
_Static_assert(offsetof(struct nvme_id_ns, nguid) == 104, "Identify Namespace NGUID");
_Static_assert(offsetof(struct nvme_id_ns, eui64) == 120, "Identify Namespace EUI64");
_Static_assert(offsetof(struct nvme_id_ns, lbaf) == 128, "Identify Namespace LBAF0");

#define NVME_DLFEAT_READ_ZEROES		0x01	/* deallocated blocks read zeroes */
#define NVME_DLFEAT_WZ_DEALLOCATE	0x08	/* Write Zeroes may deallocate */
#define NVME_NSATTR_WRITE_PROTECTED	(1u << 0)

/* A Namespace Identification Descriptor: this header, then NIDL bytes. */
struct nvme_ns_id_desc {
	uint8_t nidt;		/* type */
	uint8_t nidl;		/* length */
	uint8_t rsvd2[2];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_ns_id_desc) == 4, "namespace identification descriptor");

enum nvme_nidt {
	NVME_NIDT_EUI64	= 1,	/* 8 bytes */
	NVME_NIDT_NGUID	= 2,	/* 16 bytes */
	NVME_NIDT_UUID	= 3,	/* 16 bytes */
	NVME_NIDT_CSI	= 4,	/* 1 byte */
};

/* ---- log pages ------------------------------------------------------------------- */

struct nvme_error_log_entry {
	uint64_t error_count;
	uint16_t sqid;
	uint16_t cid;
	uint16_t status;
	uint16_t param_error_location;
	uint64_t lba;
	uint32_t nsid;
	uint8_t vs;
	uint8_t trtype;
	uint8_t rsvd30[2];
	uint64_t cs;
	uint16_t trtype_spec;
	uint8_t rsvd42[22];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_error_log_entry) == 64, "error information log entry");

/* 128-bit counters are two little-endian halves: [0] the low 64 bits. */
struct nvme_smart_log {
	uint8_t critical_warning;
	uint16_t temperature;		/* composite, kelvin */
	uint8_t avail_spare;		/* percent */
	uint8_t spare_thresh;
	uint8_t percent_used;
	uint8_t rsvd6[26];
	uint64_t data_units_read[2];	/* thousands of 512-byte units */
	uint64_t data_units_written[2];
	uint64_t host_reads[2];		/* commands */
	uint64_t host_writes[2];
	uint64_t ctrl_busy_time[2];
	uint64_t power_cycles[2];
	uint64_t power_on_hours[2];
	uint64_t unsafe_shutdowns[2];
	uint64_t media_errors[2];
	uint64_t num_err_log_entries[2];
	uint8_t rsvd192[320];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_smart_log) == 512, "SMART / health log");
_Static_assert(offsetof(struct nvme_smart_log, temperature) == 1, "SMART temperature");
_Static_assert(offsetof(struct nvme_smart_log, data_units_read) == 32, "SMART data units read");
_Static_assert(offsetof(struct nvme_smart_log, power_cycles) == 112, "SMART power cycles");
_Static_assert(offsetof(struct nvme_smart_log, power_on_hours) == 128, "SMART power on hours");
_Static_assert(offsetof(struct nvme_smart_log, unsafe_shutdowns) == 144, "SMART unsafe shutdowns");
_Static_assert(offsetof(struct nvme_smart_log, media_errors) == 160, "SMART media errors");
_Static_assert(offsetof(struct nvme_smart_log, num_err_log_entries) == 176, "SMART error entries");

#define NVME_SMART_CRIT_READ_ONLY	(1u << 3)	/* media placed in read-only mode */

struct nvme_fw_slot_log {
	uint8_t afi;			/* active firmware info: 2:0 the active slot */
	uint8_t rsvd1[7];
	char frs[7][8];			/* firmware revision of slots 1-7 */
	uint8_t rsvd64[448];
} __attribute__((packed));

_Static_assert(sizeof(struct nvme_fw_slot_log) == 512, "firmware slot log");
_Static_assert(offsetof(struct nvme_fw_slot_log, frs) == 8, "firmware slot log FRS1");

#endif /* NVME_SPEC_H */
