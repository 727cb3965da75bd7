// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem-nvme - an NVMe 1.4 controller on libpciem, with one namespace
 * stored in a file.  Linux's own nvme driver binds to it (by class 0x010802).
 *
 *   pciem-nvme [OPTIONS] FILE       (the options: usage[] below, pciem-nvme(8))
 *
 * Runs in the foreground until SIGINT/SIGTERM; prints the controller's PCI
 * address on stdout once it is on the bus.  On SIGINT/SIGTERM the driver is
 * unbound first (so it shuts the controller down while we still serve it),
 * then FILE is flushed and the function leaves the bus.
 *
 * Layout of BAR 0 (64-bit, 16 KiB):
 *   0x0000-0x0fff  controller registers (CAP, VS, CC, CSTS, AQA, ASQ, ACQ...)
 *   0x1000-0x1fff  doorbells (stride 4 bytes: SQ y tail at 0x1000 + 8y,
 *                  CQ y head at 0x1004 + 8y)
 *   0x2000         MSI-X table (one vector per queue), 0x3000 its PBA
 *
 * Only writes are traced: every register's value lives in BAR memory, so
 * driver reads run at memory speed; the emulator puts back read-only
 * registers a driver wrote, and keeps CSTS current.
 *
 * Threads: the main thread takes the events (register and doorbell writes)
 * and handles controller enable, reset and shutdown.  Each submission queue
 * (the admin queue included) has a thread of its own that fetches commands,
 * executes them against FILE and posts completions, one batch at a time,
 * with one interrupt per batch.  With the Doorbell Buffer Config command
 * (shadow doorbells) a busy queue is fetched from without any doorbell
 * write trapping at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "pciem.h"

/* ---- registers ------------------------------------------------------------ */

#define BAR0_SIZE	0x4000u
#define REG_CAP		0x00
#define REG_VS		0x08
#define REG_INTMS	0x0c
#define REG_INTMC	0x10
#define REG_CC		0x14
#define REG_CSTS	0x1c
#define REG_NSSR	0x20
#define REG_AQA		0x24
#define REG_ASQ		0x28
#define REG_ACQ		0x30
#define DB_BASE		0x1000u
#define MSIX_TABLE	0x2000u
#define MSIX_PBA	0x3000u

#define CC_EN		(1u << 0)
#define CC_CSS(cc)	(((cc) >> 4) & 7)
#define CC_MPS(cc)	(((cc) >> 7) & 0xf)
#define CC_SHN(cc)	(((cc) >> 14) & 3)
#define CC_IOSQES(cc)	(((cc) >> 16) & 0xf)
#define CC_IOCQES(cc)	(((cc) >> 20) & 0xf)

#define CSTS_RDY	(1u << 0)
#define CSTS_CFS	(1u << 1)
#define CSTS_SHST_MASK	(3u << 2)
#define CSTS_SHST_BUSY	(1u << 2)
#define CSTS_SHST_DONE	(2u << 2)

#define MQES		1023u		/* queues of up to 1024 entries */
#define MPS_MAX		4u		/* memory pages 4 KiB .. 64 KiB */
#define MDTS		8u		/* transfers up to 2^8 minimum pages: 1 MiB */
#define MAX_XFER	(4096u << MDTS)
#define MAX_QUEUES	64u		/* I/O queue pairs we can offer */
#define AERL		3u		/* 4 outstanding AERs */
#define ACL		3u
#define BATCH		32u		/* commands fetched at once */

/* ---- status codes (status field without phase: SC | SCT << 8 | DNR) ------- */

#define SCT_GENERIC	0
#define SCT_CMD		1
#define SCT_MEDIA	2
#define ST(sct, sc)	((uint16_t)(((sct) << 8) | (sc)))
#define DNR		0x4000u

#define SC_SUCCESS		ST(0, 0x00)
#define SC_INVALID_OPCODE	(ST(0, 0x01) | DNR)
#define SC_INVALID_FIELD	(ST(0, 0x02) | DNR)
#define SC_DATA_XFER_ERROR	ST(0, 0x04)
#define SC_INTERNAL		ST(0, 0x06)
#define SC_SQ_DELETED		ST(0, 0x08)
#define SC_INVALID_NS		(ST(0, 0x0b) | DNR)
#define SC_CMD_SEQ_ERROR	(ST(0, 0x0c) | DNR)
#define SC_INVALID_PRP_OFFSET	(ST(0, 0x13) | DNR)
#define SC_NS_WRITE_PROTECTED	(ST(0, 0x20) | DNR)
#define SC_LBA_RANGE		(ST(0, 0x80) | DNR)
#define SC_CQ_INVALID		(ST(1, 0x00) | DNR)
#define SC_INVALID_QID		(ST(1, 0x01) | DNR)
#define SC_INVALID_QSIZE	(ST(1, 0x02) | DNR)
#define SC_AER_LIMIT		(ST(1, 0x05) | DNR)
#define SC_INVALID_VECTOR	(ST(1, 0x08) | DNR)
#define SC_INVALID_LOG_PAGE	(ST(1, 0x09) | DNR)
#define SC_INVALID_QDELETION	(ST(1, 0x0c) | DNR)
#define SC_FEAT_NOT_SAVEABLE	(ST(1, 0x0d) | DNR)
#define SC_WRITE_FAULT		ST(2, 0x80)
#define SC_READ_ERROR		ST(2, 0x81)

#define NO_COMPLETION		0xffffu	/* the command completes later (AER) */

/* ---- commands ------------------------------------------------------------- */

struct sqe {
	uint8_t opcode;
	uint8_t flags;		/* FUSE 1:0, PSDT 7:6 */
	uint16_t cid;
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid;
	uint16_t cid;
	uint16_t status;	/* bit 0: phase */
};

_Static_assert(sizeof(struct sqe) == 64, "SQ entry");
_Static_assert(sizeof(struct cqe) == 16, "CQ entry");

/* ---- the controller -------------------------------------------------------- */

struct ctrl;

struct cq {
	pthread_mutex_t lock;
	pthread_cond_t space;
	atomic_bool valid;
	atomic_uint db_head;		/* last head written to the doorbell */
	atomic_int waiters;
	uint16_t qid, size, vector;
	bool ien;
	uint64_t base;
	uint16_t tail, head;		/* head: as last looked up (lock) */
	uint8_t phase;
	unsigned int nsq;		/* SQs using it (admin thread / qlock) */
};

struct sq {
	struct ctrl *c;
	pthread_t thread;
	bool running;			/* thread exists (qlock) */
	int efd;			/* the thread waits here; the doorbell signals it */
	bool ioeventfd;			/* the doorbell is bound to efd (else: on_doorbell) */
	atomic_bool stop;
	atomic_bool valid;
	atomic_uint db_tail;		/* last tail written to the doorbell */
	atomic_uint head;		/* next entry to fetch */
	uint16_t qid, cqid, size;
	uint64_t base;
	uint8_t *data;			/* MAX_XFER bytes for transfers */
	struct sqe cmds[BATCH];
	struct cqe done[BATCH];
};

struct ctrl {
	struct pciem_dev *d;
	volatile uint32_t *regs;	/* BAR 0 */
	char addr[32];

	/* Options. */
	unsigned int nq;		/* I/O queue pairs offered */
	unsigned int lba_shift;
	bool ro;
	char serial[21], model[41];
	int fd;
	uint64_t nsze;			/* namespace size in blocks */
	uint8_t *map;			/* FILE mapped (NULL: pread/pwrite) */

	/* Registers (main thread). */
	pthread_mutex_t reglock;	/* CSTS and the shadow of read-only registers */
	uint8_t shadow[DB_BASE];	/* what reads must see (read-only parts) */
	uint32_t cc, intm;
	bool enabled;
	uint32_t mps;			/* memory page size in bytes */

	/* Queues. */
	pthread_mutex_t qlock;
	struct sq sq[MAX_QUEUES + 1];
	struct cq cq[MAX_QUEUES + 1];

	/* Shadow doorbells (Doorbell Buffer Config). */
	atomic_bool dbbuf;
	uint64_t dbbuf_dbs, dbbuf_eis;

	/* Features. */
	pthread_mutex_t flock;
	uint32_t feat_arb, feat_pm, feat_err_rec, feat_irq_coal, feat_wa, feat_aec;
	uint16_t temp_over[9], temp_under[9];
	uint32_t irq_cfg[MAX_QUEUES + 1];
	atomic_bool wce;

	/* Asynchronous events. */
	pthread_mutex_t aerlock;
	uint16_t aer_cid[AERL + 1];
	unsigned int naer;
	uint32_t aer_pending[8];
	unsigned int npending;

	/* SMART counters. */
	atomic_ullong units_read, units_written, host_reads, host_writes;
	atomic_ullong media_errors, errors;
	struct timespec started;

	atomic_bool warned_irq;

	/* --stats: where the work went (printed at the end). */
	atomic_ullong st_cmds, st_fetches, st_posts, st_irqs, st_doorbells, st_sleeps, st_arms;
	/* ... and where the queue threads' time went (ns). */
	atomic_ullong tm_idle, tm_fetch, tm_io, tm_post;
};

static volatile sig_atomic_t stop_requested;
static bool print_stats, no_dbbuf, no_ioeventfd;
static long spin_ns;		/* --poll-us: how long an idle queue polls (ns) */

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

/* Space-padded, not terminated (Identify strings). */
static void put_str(uint8_t *p, const char *s, size_t len)
{
	size_t n = strlen(s);

	memset(p, ' ', len);
	memcpy(p, s, n < len ? n : len);
}

static uint64_t fnv1a(const char *s, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull ^ salt;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* ---- registers in BAR memory ---------------------------------------------- */

static uint32_t reg_get(struct ctrl *c, unsigned int off)
{
	return c->regs[off / 4];
}

/* A device-owned register: BAR memory and the shadow (reglock held). */
static void reg_set_locked(struct ctrl *c, unsigned int off, uint32_t v)
{
	put32(c->shadow + off, v);
	c->regs[off / 4] = v;
}

static void csts_update(struct ctrl *c, uint32_t clear, uint32_t set)
{
	pthread_mutex_lock(&c->reglock);
	reg_set_locked(c, REG_CSTS, (reg_get(c, REG_CSTS) & ~clear) | set);
	pthread_mutex_unlock(&c->reglock);
}

/* Bytes software may write: CC, AQA, ASQ, ACQ. */
static bool reg_writable(unsigned int off)
{
	return (off >= REG_CC && off < REG_CC + 4) || (off >= REG_AQA && off < REG_ACQ + 8);
}

/* Put back what a driver's write changed in read-only bytes (reglock held). */
static void reg_restore_locked(struct ctrl *c, unsigned int off, unsigned int size)
{
	unsigned int w;

	for (w = off & ~3u; w < off + size && w < DB_BASE; w += 4) {
		uint32_t mem = c->regs[w / 4], want = 0;
		unsigned int b;

		for (b = 0; b < 4; b++) {
			uint32_t byte = reg_writable(w + b) ? (mem >> (8 * b)) & 0xff
							     : c->shadow[w + b];
			want |= byte << (8 * b);
		}
		if (want != mem)
			c->regs[w / 4] = want;
	}
}

static void regs_reset(struct ctrl *c)
{
	uint64_t cap = MQES |
		       (1ull << 16) |			/* CQR: contiguous queues */
		       (15ull << 24) |			/* TO: 7.5 s */
		       (0ull << 32) |			/* DSTRD: 4 bytes */
		       (1ull << 37) |			/* CSS: NVM command set */
		       (0ull << 48) |			/* MPSMIN: 4 KiB */
		       ((uint64_t)MPS_MAX << 52);	/* MPSMAX: 64 KiB */

	pthread_mutex_lock(&c->reglock);
	memset(c->shadow, 0, sizeof(c->shadow));
	for (unsigned int off = 0; off < DB_BASE; off += 4)
		c->regs[off / 4] = 0;
	reg_set_locked(c, REG_CAP, (uint32_t)cap);
	reg_set_locked(c, REG_CAP + 4, (uint32_t)(cap >> 32));
	reg_set_locked(c, REG_VS, 0x00010400);
	pthread_mutex_unlock(&c->reglock);
	c->cc = 0;
	c->intm = 0;
}

/* ---- interrupts and completions ------------------------------------------- */

static void raise_irq(struct ctrl *c, struct cq *cq)
{
	int ret;

	if (!cq->ien)
		return;
	ret = pciem_irq_raise(c->d, cq->vector);
	atomic_fetch_add_explicit(&c->st_irqs, 1, memory_order_relaxed);
	/* -ENOTCONN: MSI-X off (the driver is resetting); the entries are there. */
	if (ret < 0 && ret != -ENOTCONN && !atomic_exchange(&c->warned_irq, true))
		fprintf(stderr, "pciem-nvme: interrupt %u: %s\n", cq->vector, pciem_strerror(ret));
}

/* The CQ's head as the host last reported it. */
static uint16_t cq_head(struct ctrl *c, struct cq *cq)
{
	if (cq->qid && atomic_load(&c->dbbuf)) {
		uint32_t v;

		if (pciem_dma_read(c->d, c->dbbuf_dbs + (2u * cq->qid + 1) * 4, &v, 4) == 0 &&
		    v < cq->size)
			return v;
	}
	return atomic_load(&cq->db_head);
}

/*
 * Post n completions to a CQ, as few DMA writes as the ring allows, then
 * one interrupt.  Waits while the CQ is full (the host has not consumed
 * enough); gives up when @stop is set.  Returns false if not all were
 * posted.
 */
static bool post(struct ctrl *c, struct cq *cq, struct cqe *e, unsigned int n, atomic_bool *stop)
{
	bool posted_any = false, ok = true;

	pthread_mutex_lock(&cq->lock);
	while (n) {
		unsigned int room, run, i;

		room = (cq->head + cq->size - cq->tail - 1) % cq->size;
		if (room < n) {
			/* Only now ask where the host is (a DMA read with shadow doorbells). */
			cq->head = cq_head(c, cq);
			room = (cq->head + cq->size - cq->tail - 1) % cq->size;
		}
		if (!room) {
			struct timespec t;

			if ((stop && atomic_load(stop)) || !atomic_load(&cq->valid)) {
				ok = false;
				break;
			}
			if (posted_any) {
				raise_irq(c, cq);
				posted_any = false;
			}
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 2000000;
			if (t.tv_nsec >= 1000000000L) {
				t.tv_nsec -= 1000000000L;
				t.tv_sec++;
			}
			atomic_fetch_add(&cq->waiters, 1);
			pthread_cond_timedwait(&cq->space, &cq->lock, &t);
			atomic_fetch_sub(&cq->waiters, 1);
			continue;
		}
		run = n < room ? n : room;
		if (run > (unsigned int)(cq->size - cq->tail))
			run = cq->size - cq->tail;
		for (i = 0; i < run; i++)
			e[i].status = (uint16_t)((e[i].status << 1) | cq->phase);
		atomic_fetch_add_explicit(&c->st_posts, 1, memory_order_relaxed);
		if (pciem_dma_write(c->d, cq->base + (uint64_t)cq->tail * 16, e, run * 16) < 0) {
			/* The host took the queue away: nothing more to do. */
			ok = false;
			break;
		}
		cq->tail += run;
		if (cq->tail == cq->size) {
			cq->tail = 0;
			cq->phase ^= 1;
		}
		posted_any = true;
		e += run;
		n -= run;
	}
	if (posted_any)
		raise_irq(c, cq);
	pthread_mutex_unlock(&cq->lock);
	return ok;
}

static void sq_kick(struct sq *sq);

/* ---- asynchronous events ---------------------------------------------------- */

/*
 * An asynchronous event (type, information, log page): kept until an AER
 * command is outstanding; the admin queue's thread completes it (any thread
 * may report one, the main thread included, which must never wait for CQ
 * space).
 */
static void aer_event(struct ctrl *c, unsigned int type, unsigned int info, unsigned int lid)
{
	uint32_t dw0 = type | info << 8 | lid << 16;
	bool dup = false;

	pthread_mutex_lock(&c->aerlock);
	for (unsigned int i = 0; i < c->npending; i++)
		dup |= c->aer_pending[i] == dw0;
	if (!dup && c->npending < 8)
		c->aer_pending[c->npending++] = dw0;
	pthread_mutex_unlock(&c->aerlock);
	sq_kick(&c->sq[0]);
}

/* Admin thread: pair kept events with outstanding AERs, as completions in done[]. */
static unsigned int aer_deliver(struct ctrl *c, struct cqe *done, unsigned int room,
				uint16_t sqhd)
{
	unsigned int n = 0;

	pthread_mutex_lock(&c->aerlock);
	while (n < room && c->naer && c->npending) {
		done[n++] = (struct cqe){
			.dw0 = c->aer_pending[0], .sqhd = sqhd, .cid = c->aer_cid[0],
		};
		memmove(c->aer_cid, c->aer_cid + 1, --c->naer * sizeof(c->aer_cid[0]));
		memmove(c->aer_pending, c->aer_pending + 1,
			--c->npending * sizeof(c->aer_pending[0]));
	}
	pthread_mutex_unlock(&c->aerlock);
	return n;
}

/* ---- data transfers ----------------------------------------------------------- */

static uint16_t dma_status(int ret)
{
	return ret == -EINVAL ? SC_INVALID_PRP_OFFSET : SC_DATA_XFER_ERROR;
}

/* PRP transfer of a command's data (to_host: controller -> host memory). */
static uint16_t xfer(struct ctrl *c, const struct sqe *cmd, void *buf, size_t len, bool to_host)
{
	int ret;

	if (cmd->flags & 0xc0)
		return SC_INVALID_FIELD;	/* SGLs are not supported */
	ret = pciem_dma_prp(c->d, cmd->prp1, cmd->prp2, c->mps, buf, len, to_host);
	return ret < 0 ? dma_status(ret) : SC_SUCCESS;
}

/* ---- admin commands ------------------------------------------------------------ */

static void identify_ctrl(struct ctrl *c, uint8_t *id)
{
	char nqn[256];

	put16(id + 0, 0x1b36);			/* VID */
	put16(id + 2, 0x1af4);			/* SSVID */
	put_str(id + 4, c->serial, 20);		/* SN */
	put_str(id + 24, c->model, 40);		/* MN */
	put_str(id + 64, "1.0", 8);		/* FR */
	id[72] = 6;				/* RAB */
	id[77] = MDTS;
	put16(id + 78, 1);			/* CNTLID */
	put32(id + 80, 0x00010400);		/* VER */
	put32(id + 88, 10000000);		/* RTD3E: 10 s (shutdown timeout) */
	id[111] = 1;				/* CNTRLTYPE: I/O controller */
	put16(id + 256, no_dbbuf ? 0 : 1u << 8);	/* OACS: Doorbell Buffer Config */
	id[258] = ACL;
	id[259] = AERL;
	id[260] = 0x03;				/* FRMW: 1 slot, slot 1 read-only */
	id[261] = 0x04;				/* LPA: extended data (NUMDU, LPO) */
	id[262] = 0;				/* ELPE: 1 error log entry */
	put16(id + 266, 0x0157);		/* WCTEMP: 343 K */
	put16(id + 268, 0x0175);		/* CCTEMP: 373 K */
	id[512] = 0x66;				/* SQES */
	id[513] = 0x44;				/* CQES */
	put32(id + 516, 1);			/* NN */
	put16(id + 520, (1u << 2) | (1u << 3));	/* ONCS: DSM, Write Zeroes */
	id[525] = 0x07;				/* VWC present, flush all NSIDs */
	snprintf(nqn, sizeof(nqn), "nqn.2024-01.io.pciem:nvme:%s", c->serial);
	memcpy(id + 768, nqn, strlen(nqn));	/* SUBNQN */
	put16(id + 2048, 2500);			/* PSD0: MP 25 W */
}

static void ns_ids(struct ctrl *c, uint8_t *nguid, uint8_t *eui64, uint8_t *uuid)
{
	put64(nguid, fnv1a(c->serial, 1));
	put64(nguid + 8, fnv1a(c->serial, 2));
	put64(eui64, fnv1a(c->serial, 3));
	put64(uuid, fnv1a(c->serial, 4));
	put64(uuid + 8, fnv1a(c->serial, 5));
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* variant */
}

static void identify_ns(struct ctrl *c, uint8_t *id)
{
	put64(id + 0, c->nsze);			/* NSZE */
	put64(id + 8, c->nsze);			/* NCAP */
	put64(id + 16, c->nsze);		/* NUSE */
	id[25] = 0;				/* NLBAF: one format */
	id[26] = 0;				/* FLBAS */
	id[33] = 0x09;				/* DLFEAT: zeroes after deallocate; WZ deallocates */
	id[99] = c->ro ? 1 : 0;			/* NSATTR: write protected */
	uint8_t uuid[16];

	ns_ids(c, id + 104, id + 120, uuid);	/* NGUID, EUI64 (UUID: descriptors only) */
	put32(id + 128, (uint32_t)c->lba_shift << 16);	/* LBAF0: LBADS */
}

static uint16_t admin_identify(struct ctrl *c, const struct sqe *cmd, uint8_t *buf)
{
	unsigned int cns = cmd->cdw10 & 0xff, csi = cmd->cdw11 >> 24;
	uint8_t nguid[16], eui64[8], uuid[16];

	memset(buf, 0, 4096);
	switch (cns) {
	case 0x00:		/* namespace */
		if (cmd->nsid == 0xffffffff)
			return SC_INVALID_NS;	/* no common namespace capabilities */
		if (cmd->nsid != 1)
			return SC_INVALID_NS;
		identify_ns(c, buf);
		break;
	case 0x01:		/* controller */
		identify_ctrl(c, buf);
		break;
	case 0x02:		/* active namespace IDs above nsid */
		if (cmd->nsid >= 0xfffffffe)
			return SC_INVALID_NS;
		if (cmd->nsid < 1)
			put32(buf, 1);
		break;
	case 0x03:		/* namespace identification descriptors */
		if (cmd->nsid != 1)
			return SC_INVALID_NS;
		ns_ids(c, nguid, eui64, uuid);
		buf[0] = 1, buf[1] = 8;		/* EUI64 */
		memcpy(buf + 4, eui64, 8);
		buf[12] = 2, buf[13] = 16;	/* NGUID */
		memcpy(buf + 16, nguid, 16);
		buf[32] = 3, buf[33] = 16;	/* UUID */
		memcpy(buf + 36, uuid, 16);
		buf[52] = 4, buf[53] = 1;	/* CSI: NVM */
		break;
	case 0x06:		/* I/O command set specific controller: NVM, no limits */
		if (csi != 0)
			return SC_INVALID_FIELD;
		break;
	default:
		return SC_INVALID_FIELD;
	}
	return xfer(c, cmd, buf, 4096, true);
}

static uint16_t kelvin_now(void)
{
	return 303;	/* 30 C */
}

static uint16_t admin_get_log(struct ctrl *c, const struct sqe *cmd, uint8_t *buf)
{
	unsigned int lid = cmd->cdw10 & 0xff;
	uint64_t numd = ((cmd->cdw10 >> 16) | ((uint64_t)(cmd->cdw11 & 0xffff) << 16)) + 1;
	uint64_t len = numd * 4, off = cmd->cdw12 | ((uint64_t)cmd->cdw13 << 32);
	uint8_t log[512];
	size_t loglen;
	struct timespec now;

	if (len > MAX_XFER || off & 3)
		return SC_INVALID_FIELD;
	memset(log, 0, sizeof(log));
	switch (lid) {
	case 0x01:		/* error information: one entry, no errors kept */
		loglen = 64;
		break;
	case 0x02:		/* SMART / health */
		if (cmd->nsid != 0 && cmd->nsid != 0xffffffff && cmd->nsid != 1)
			return SC_INVALID_NS;
		loglen = 512;
		log[0] = c->ro ? 0x08 : 0;	/* critical warning: read-only media */
		put16(log + 1, kelvin_now());
		log[3] = 100;			/* available spare */
		log[4] = 10;			/* threshold */
		log[5] = 0;			/* percentage used */
		put64(log + 32, (atomic_load(&c->units_read) + 999) / 1000);
		put64(log + 48, (atomic_load(&c->units_written) + 999) / 1000);
		put64(log + 64, atomic_load(&c->host_reads));
		put64(log + 80, atomic_load(&c->host_writes));
		clock_gettime(CLOCK_MONOTONIC, &now);
		put64(log + 128, 1);		/* power cycles */
		put64(log + 144, (uint64_t)(now.tv_sec - c->started.tv_sec) / 3600);
		put64(log + 176, atomic_load(&c->errors));
		put64(log + 160, 0);		/* unsafe shutdowns */
		put64(log + 168, atomic_load(&c->media_errors));
		break;
	case 0x03:		/* firmware slot information */
		loglen = 512;
		log[0] = 0x01;			/* slot 1 active */
		put_str(log + 8, "1.0", 8);
		break;
	default:
		return SC_INVALID_LOG_PAGE;
	}
	if (off > loglen)
		return SC_INVALID_FIELD;
	memset(buf, 0, len);
	memcpy(buf, log + off, loglen - off < len ? loglen - off : len);
	return xfer(c, cmd, buf, len, true);
}

static unsigned int nvectors(struct ctrl *c)
{
	return c->nq + 1;
}

/* Get (set false) or Set Features. */
static uint16_t admin_features(struct ctrl *c, const struct sqe *cmd, bool set, uint32_t *dw0)
{
	unsigned int fid = cmd->cdw10 & 0xff, sel = (cmd->cdw10 >> 8) & 7;
	uint32_t v = cmd->cdw11;
	uint16_t st = SC_SUCCESS;

	if (set && (cmd->cdw10 & (1u << 31)))
		return SC_FEAT_NOT_SAVEABLE;
	if (!set && sel == 3) {
		/* Supported capabilities: everything here is changeable, nothing saveable. */
		switch (fid) {
		case 0x01: case 0x02: case 0x04: case 0x05: case 0x06: case 0x07:
		case 0x08: case 0x09: case 0x0a: case 0x0b:
			*dw0 = 1u << 2;
			return SC_SUCCESS;
		default:
			return SC_INVALID_FIELD;
		}
	}
	if (!set && sel > 3)
		return SC_INVALID_FIELD;
	pthread_mutex_lock(&c->flock);
	switch (fid) {
	case 0x01:		/* arbitration */
		if (set)
			c->feat_arb = v & 0xffffff07;
		*dw0 = sel == 1 ? 0 : c->feat_arb;
		break;
	case 0x02:		/* power management: one power state */
		if (set && (v & 0x1f) != 0)
			st = SC_INVALID_FIELD;
		else if (set)
			c->feat_pm = v & 0xff;
		*dw0 = sel == 1 ? 0 : c->feat_pm;
		break;
	case 0x04: {		/* temperature threshold */
		unsigned int tmpsel = (v >> 16) & 0xf, thsel = (v >> 20) & 3;

		if (tmpsel > 8 || thsel > 1) {
			st = SC_INVALID_FIELD;
			break;
		}
		if (set) {
			if (thsel == 0)
				c->temp_over[tmpsel] = v & 0xffff;
			else
				c->temp_under[tmpsel] = v & 0xffff;
			if (tmpsel == 0 && (thsel == 0 ? kelvin_now() > (v & 0xffff)
						      : kelvin_now() < (v & 0xffff)))
				st = 0xfffe;	/* report a SMART event after the completion */
		}
		if (sel == 1)
			*dw0 = thsel == 0 ? (tmpsel == 0 ? 0x0157 : 0xffff) : 0;
		else
			*dw0 = thsel == 0 ? c->temp_over[tmpsel] : c->temp_under[tmpsel];
		break;
	}
	case 0x05:		/* error recovery */
		if (set)
			c->feat_err_rec = v & 0x1ffff;
		*dw0 = sel == 1 ? 0 : c->feat_err_rec;
		break;
	case 0x06:		/* volatile write cache */
		if (set)
			atomic_store(&c->wce, v & 1);
		*dw0 = sel == 1 ? 1 : atomic_load(&c->wce);
		break;
	case 0x07:		/* number of queues */
		if (set && ((v & 0xffff) == 0xffff || (v >> 16) == 0xffff)) {
			st = SC_INVALID_FIELD;
			break;
		}
		*dw0 = (c->nq - 1) | (c->nq - 1) << 16;
		break;
	case 0x08:		/* interrupt coalescing (accepted, not applied) */
		if (set)
			c->feat_irq_coal = v & 0xffff;
		*dw0 = sel == 1 ? 0 : c->feat_irq_coal;
		break;
	case 0x09: {		/* interrupt vector configuration */
		unsigned int iv = v & 0xffff;

		if (iv >= nvectors(c)) {
			st = SC_INVALID_FIELD;
			break;
		}
		if (set)
			c->irq_cfg[iv] = v & 0x1ffff;
		*dw0 = sel == 1 ? iv : (c->irq_cfg[iv] & 0x10000) | iv;
		break;
	}
	case 0x0a:		/* write atomicity normal */
		if (set)
			c->feat_wa = v & 1;
		*dw0 = sel == 1 ? 0 : c->feat_wa;
		break;
	case 0x0b:		/* asynchronous event configuration */
		if (set)
			c->feat_aec = v & 0xff;
		*dw0 = sel == 1 ? 0 : c->feat_aec;
		break;
	default:
		st = SC_INVALID_FIELD;
		break;
	}
	pthread_mutex_unlock(&c->flock);
	return st;
}

static void sq_kick(struct sq *sq)
{
	uint64_t one = 1;

	if (write(sq->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fprintf(stderr, "pciem-nvme: waking SQ %u: %s\n", sq->qid, strerror(errno));
}

/* The offset of SQ @qid's tail doorbell in BAR 0 (doorbell stride 4 bytes). */
static unsigned int sq_db_off(unsigned int qid)
{
	return DB_BASE + 8u * qid;
}

/* Forget kicks meant for an earlier queue with this ID. */
static void sq_drain(struct sq *sq)
{
	uint64_t n;

	while (read(sq->efd, &n, sizeof(n)) > 0)
		;
}

/* Until the doorbell is written or sq_kick() is called. */
static void sq_wait(struct sq *sq)
{
	struct pollfd p = { .fd = sq->efd, .events = POLLIN };
	uint64_t n;

	while (read(sq->efd, &n, sizeof(n)) < 0) {
		if (atomic_load(&sq->stop))
			return;
		poll(&p, 1, -1);
	}
	if (sq->ioeventfd)	/* doorbell writes (and the rare kick) */
		atomic_fetch_add_explicit(&sq->c->st_doorbells, n, memory_order_relaxed);
}

static void *sq_thread(void *arg);

/* Stop and join an SQ's thread (qlock held, or the caller owns the queue). */
static void sq_stop(struct sq *sq)
{
	if (!sq->running)
		return;
	atomic_store(&sq->stop, true);
	sq_kick(sq);
	pthread_cond_broadcast(&sq->c->cq[sq->cqid].space);
	pthread_join(sq->thread, NULL);
	sq->running = false;
	if (sq->ioeventfd &&
	    pciem_ioeventfd(sq->c->d, 0, sq_db_off(sq->qid), 4, sq->efd,
			    PCIEM_IOEVENTFD_FLAG_DEASSIGN, 0) < 0)
		fprintf(stderr, "pciem-nvme: SQ %u doorbell stays bound\n", sq->qid);
	sq->ioeventfd = false;
}

static int sq_start(struct ctrl *c, unsigned int qid, unsigned int cqid, unsigned int size,
		    uint64_t base)
{
	struct sq *sq = &c->sq[qid];
	sigset_t all, old;
	int ret;

	sq->qid = qid;
	sq->cqid = cqid;
	sq->size = size;
	sq->base = base;
	atomic_store(&sq->head, 0);
	atomic_store(&sq->db_tail, 0);
	atomic_store(&sq->stop, false);
	sq_drain(sq);
	/*
	 * An I/O SQ's tail doorbell signals the queue thread directly: the
	 * tail is read from BAR memory, so it must start at 0 there, not at
	 * what an earlier queue with this ID left.
	 */
	c->regs[sq_db_off(qid) / 4] = 0;
	sq->ioeventfd = qid && !no_ioeventfd &&
			pciem_ioeventfd(c->d, 0, sq_db_off(qid), 4, sq->efd, 0, 0) == 0;
	if (!sq->data) {
		sq->data = aligned_alloc(4096, MAX_XFER);
		if (!sq->data)
			return -ENOMEM;
	}
	atomic_store(&sq->valid, true);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&sq->thread, NULL, sq_thread, sq);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		atomic_store(&sq->valid, false);
		return -ret;
	}
	sq->running = true;
	c->cq[cqid].nsq++;
	return 0;
}

static void cq_init(struct ctrl *c, unsigned int qid, unsigned int size, uint64_t base,
		    unsigned int vector, bool ien)
{
	struct cq *cq = &c->cq[qid];

	pthread_mutex_lock(&cq->lock);
	cq->qid = qid;
	cq->size = size;
	cq->base = base;
	cq->vector = vector;
	cq->ien = ien;
	cq->tail = 0;
	cq->head = 0;
	cq->phase = 1;
	cq->nsq = 0;
	atomic_store(&cq->db_head, 0);
	atomic_store(&cq->valid, true);
	pthread_mutex_unlock(&cq->lock);
}

static uint16_t admin_create_cq(struct ctrl *c, const struct sqe *cmd)
{
	unsigned int qid = cmd->cdw10 & 0xffff, size = (cmd->cdw10 >> 16) + 1;
	unsigned int iv = cmd->cdw11 >> 16;
	bool pc = cmd->cdw11 & 1, ien = cmd->cdw11 & 2;

	if (qid == 0 || qid > c->nq || atomic_load(&c->cq[qid].valid))
		return SC_INVALID_QID;
	if (size < 2 || size > MQES + 1)
		return SC_INVALID_QSIZE;
	if (!pc || (cmd->prp1 & (c->mps - 1)) || !cmd->prp1)
		return SC_INVALID_FIELD;
	if (iv >= nvectors(c))
		return SC_INVALID_VECTOR;
	cq_init(c, qid, size, cmd->prp1, iv, ien);
	return SC_SUCCESS;
}

static uint16_t admin_create_sq(struct ctrl *c, const struct sqe *cmd)
{
	unsigned int qid = cmd->cdw10 & 0xffff, size = (cmd->cdw10 >> 16) + 1;
	unsigned int cqid = cmd->cdw11 >> 16;
	bool pc = cmd->cdw11 & 1;
	uint16_t st = SC_SUCCESS;

	if (qid == 0 || qid > c->nq || atomic_load(&c->sq[qid].valid))
		return SC_INVALID_QID;
	if (cqid == 0 || cqid > c->nq || !atomic_load(&c->cq[cqid].valid))
		return SC_CQ_INVALID;
	if (size < 2 || size > MQES + 1)
		return SC_INVALID_QSIZE;
	if (!pc || (cmd->prp1 & (c->mps - 1)) || !cmd->prp1)
		return SC_INVALID_FIELD;
	pthread_mutex_lock(&c->qlock);
	if (sq_start(c, qid, cqid, size, cmd->prp1) < 0)
		st = SC_INTERNAL;
	pthread_mutex_unlock(&c->qlock);
	return st;
}

static uint16_t admin_delete_sq(struct ctrl *c, const struct sqe *cmd)
{
	unsigned int qid = cmd->cdw10 & 0xffff;
	struct sq *sq;

	if (qid == 0 || qid > c->nq || !atomic_load(&c->sq[qid].valid))
		return SC_INVALID_QID;
	sq = &c->sq[qid];
	pthread_mutex_lock(&c->qlock);
	sq_stop(sq);
	atomic_store(&sq->valid, false);
	c->cq[sq->cqid].nsq--;
	pthread_mutex_unlock(&c->qlock);
	return SC_SUCCESS;
}

static uint16_t admin_delete_cq(struct ctrl *c, const struct sqe *cmd)
{
	unsigned int qid = cmd->cdw10 & 0xffff;
	struct cq *cq;

	if (qid == 0 || qid > c->nq || !atomic_load(&c->cq[qid].valid))
		return SC_INVALID_QID;
	cq = &c->cq[qid];
	pthread_mutex_lock(&c->qlock);
	if (cq->nsq) {
		pthread_mutex_unlock(&c->qlock);
		return SC_INVALID_QDELETION;
	}
	pthread_mutex_lock(&cq->lock);
	atomic_store(&cq->valid, false);
	pthread_mutex_unlock(&cq->lock);
	pthread_mutex_unlock(&c->qlock);
	return SC_SUCCESS;
}

static uint16_t admin_dbbuf(struct ctrl *c, const struct sqe *cmd)
{
	uint32_t zero[2] = { 0, 0 };
	unsigned int q;

	if (!cmd->prp1 || !cmd->prp2 || (cmd->prp1 & (c->mps - 1)) || (cmd->prp2 & (c->mps - 1)))
		return SC_INVALID_FIELD;
	/* Reachable?  (The host allocated a page for each.) */
	if (pciem_dma_read(c->d, cmd->prp1, zero, 8) < 0 || pciem_dma_read(c->d, cmd->prp2, zero, 8) < 0)
		return SC_DATA_XFER_ERROR;
	pthread_mutex_lock(&c->qlock);
	c->dbbuf_dbs = cmd->prp1;
	c->dbbuf_eis = cmd->prp2;
	atomic_store(&c->dbbuf, true);
	/* Queues that exist already: take their shadow values over now. */
	for (q = 1; q <= c->nq; q++)
		if (atomic_load(&c->sq[q].valid))
			sq_kick(&c->sq[q]);
	pthread_mutex_unlock(&c->qlock);
	return SC_SUCCESS;
}

/* Execute an admin command; NO_COMPLETION for an AER kept outstanding. */
static uint16_t admin_cmd(struct ctrl *c, struct sq *sq, const struct sqe *cmd, uint32_t *dw0)
{
	uint8_t *buf = sq->data;
	uint16_t st;

	if (cmd->flags & 0x03)
		return SC_INVALID_FIELD;	/* no fused operations */
	switch (cmd->opcode) {
	case 0x00:
		return admin_delete_sq(c, cmd);
	case 0x01:
		return admin_create_sq(c, cmd);
	case 0x02:
		return admin_get_log(c, cmd, buf);
	case 0x04:
		return admin_delete_cq(c, cmd);
	case 0x05:
		return admin_create_cq(c, cmd);
	case 0x06:
		return admin_identify(c, cmd, buf);
	case 0x08:		/* abort: commands run to completion here, so none is aborted */
		*dw0 = 1;
		return SC_SUCCESS;
	case 0x09:
		st = admin_features(c, cmd, true, dw0);
		if (st == 0xfffe) {
			aer_event(c, 1, 0x01, 0x02);	/* SMART: temperature threshold */
			st = SC_SUCCESS;
		}
		return st;
	case 0x0a:
		return admin_features(c, cmd, false, dw0);
	case 0x0c:		/* asynchronous event request: completed by aer_deliver() */
		pthread_mutex_lock(&c->aerlock);
		if (c->naer > AERL) {
			pthread_mutex_unlock(&c->aerlock);
			return SC_AER_LIMIT;
		}
		c->aer_cid[c->naer++] = cmd->cid;
		pthread_mutex_unlock(&c->aerlock);
		return NO_COMPLETION;
	case 0x7c:
		return no_dbbuf ? SC_INVALID_OPCODE : admin_dbbuf(c, cmd);
	default:
		return SC_INVALID_OPCODE;
	}
}

/* ---- I/O commands ----------------------------------------------------------- */

static uint16_t io_error(struct ctrl *c, uint16_t st)
{
	atomic_fetch_add(&c->media_errors, 1);
	return st;
}

/* Zero [off, off + len) of FILE: a hole where the file system can. */
static int zero_range(struct ctrl *c, uint64_t off, uint64_t len, uint8_t *scratch)
{
	if (fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (fallocate(c->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	memset(scratch, 0, MAX_XFER);
	while (len) {
		size_t n = len < MAX_XFER ? len : MAX_XFER;
		ssize_t w = pwrite(c->fd, scratch, n, (off_t)off);

		if (w <= 0)
			return -1;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

static bool full_io(int fd, uint8_t *buf, size_t len, uint64_t off, bool write, bool sync)
{
	while (len) {
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		ssize_t n = write ? pwritev2(fd, &iov, 1, (off_t)off, sync ? RWF_DSYNC : 0)
				  : pread(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0) {
			if (write)
				return false;
			memset(buf, 0, len);	/* beyond the end: reads zeroes */
			return true;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return true;
}

static uint16_t io_rw(struct ctrl *c, struct sq *sq, const struct sqe *cmd, bool write)
{
	uint64_t slba = cmd->cdw10 | ((uint64_t)cmd->cdw11 << 32);
	uint64_t nlb = (cmd->cdw12 & 0xffff) + 1ull;
	bool fua = cmd->cdw12 & (1u << 30);
	size_t len = (size_t)(nlb << c->lba_shift);
	uint64_t off = slba << c->lba_shift;
	uint16_t st;

	if (write && c->ro)
		return SC_NS_WRITE_PROTECTED;
	if (slba >= c->nsze || nlb > c->nsze - slba)
		return SC_LBA_RANGE;
	if (len > MAX_XFER)
		return SC_INVALID_FIELD;
	if (c->map) {
		/* One copy, straight between the file's pages and host memory. */
		st = xfer(c, cmd, c->map + off, len, !write);
		if (st)
			return st;
		if (write && (fua || !atomic_load(&c->wce))) {
			uint64_t a = off & ~4095ull;

			if (msync(c->map + a, off + len - a, MS_SYNC) < 0)
				return io_error(c, SC_WRITE_FAULT);
		}
		if (write) {
			atomic_fetch_add(&c->units_written, nlb << c->lba_shift >> 9);
			atomic_fetch_add(&c->host_writes, 1);
		} else {
			atomic_fetch_add(&c->units_read, nlb << c->lba_shift >> 9);
			atomic_fetch_add(&c->host_reads, 1);
		}
		return SC_SUCCESS;
	}
	if (write) {
		st = xfer(c, cmd, sq->data, len, false);
		if (st)
			return st;
		if (!full_io(c->fd, sq->data, len, off, true, fua || !atomic_load(&c->wce)))
			return io_error(c, SC_WRITE_FAULT);
		atomic_fetch_add(&c->units_written, nlb << c->lba_shift >> 9);
		atomic_fetch_add(&c->host_writes, 1);
		return SC_SUCCESS;
	}
	if (!full_io(c->fd, sq->data, len, off, false, false))
		return io_error(c, SC_READ_ERROR);
	st = xfer(c, cmd, sq->data, len, true);
	if (st)
		return st;
	atomic_fetch_add(&c->units_read, nlb << c->lba_shift >> 9);
	atomic_fetch_add(&c->host_reads, 1);
	return SC_SUCCESS;
}

static uint16_t io_write_zeroes(struct ctrl *c, struct sq *sq, const struct sqe *cmd)
{
	uint64_t slba = cmd->cdw10 | ((uint64_t)cmd->cdw11 << 32);
	uint64_t nlb = (cmd->cdw12 & 0xffff) + 1ull;
	bool fua = cmd->cdw12 & (1u << 30);

	if (c->ro)
		return SC_NS_WRITE_PROTECTED;
	if (slba >= c->nsze || nlb > c->nsze - slba)
		return SC_LBA_RANGE;
	if (zero_range(c, slba << c->lba_shift, nlb << c->lba_shift, sq->data) < 0)
		return io_error(c, SC_WRITE_FAULT);
	if ((fua || !atomic_load(&c->wce)) && fdatasync(c->fd) < 0)
		return io_error(c, SC_WRITE_FAULT);
	return SC_SUCCESS;
}

static uint16_t io_dsm(struct ctrl *c, struct sq *sq, const struct sqe *cmd)
{
	unsigned int nr = (cmd->cdw10 & 0xff) + 1, i;
	bool deallocate = cmd->cdw11 & (1u << 2);
	uint8_t *r = sq->data;
	uint16_t st;

	st = xfer(c, cmd, r, nr * 16, false);
	if (st)
		return st;
	/* All ranges are checked before any is acted on. */
	for (i = 0; i < nr; i++) {
		uint64_t nlb = r[16 * i + 4] | r[16 * i + 5] << 8 | r[16 * i + 6] << 16 |
			       (uint64_t)r[16 * i + 7] << 24;
		uint64_t slba = 0;

		for (int b = 7; b >= 0; b--)
			slba = slba << 8 | r[16 * i + 8 + b];
		if (slba > c->nsze || nlb > c->nsze - slba)
			return SC_LBA_RANGE;
	}
	if (!deallocate)
		return SC_SUCCESS;
	if (c->ro)
		return SC_NS_WRITE_PROTECTED;
	for (i = 0; i < nr; i++) {
		uint64_t nlb = r[16 * i + 4] | r[16 * i + 5] << 8 | r[16 * i + 6] << 16 |
			       (uint64_t)r[16 * i + 7] << 24;
		uint64_t slba = 0;

		for (int b = 7; b >= 0; b--)
			slba = slba << 8 | r[16 * i + 8 + b];
		if (!nlb)
			continue;
		/* Deallocation is advisory: a file system without holes just keeps the data. */
		fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)(slba << c->lba_shift), (off_t)(nlb << c->lba_shift));
	}
	return SC_SUCCESS;
}

static uint16_t io_cmd(struct ctrl *c, struct sq *sq, const struct sqe *cmd)
{
	if (cmd->flags & 0x03)
		return SC_INVALID_FIELD;
	switch (cmd->opcode) {
	case 0x00: case 0x01: case 0x02: case 0x08: case 0x09:
		/* Flush may name every namespace (VWC says so). */
		if (cmd->nsid != 1 && !(cmd->opcode == 0x00 && cmd->nsid == 0xffffffff))
			return SC_INVALID_NS;
		break;
	default:
		return SC_INVALID_OPCODE;
	}
	switch (cmd->opcode) {
	case 0x00:
		if (!c->ro && fdatasync(c->fd) < 0)
			return io_error(c, SC_WRITE_FAULT);
		return SC_SUCCESS;
	case 0x01:
		return io_rw(c, sq, cmd, true);
	case 0x02:
		return io_rw(c, sq, cmd, false);
	case 0x08:
		return io_write_zeroes(c, sq, cmd);
	default:
		return io_dsm(c, sq, cmd);
	}
}

/* ---- submission queue threads ------------------------------------------------ */

/*
 * The tail the host has written: shadow doorbell if set up, else the MMIO
 * one.  With shadow doorbells the MMIO value is stale by design, so a shadow
 * that cannot be read (the host is tearing down) means no new work: @head.
 */
static unsigned int sq_tail(struct ctrl *c, struct sq *sq, unsigned int head)
{
	if (sq->qid && atomic_load(&c->dbbuf)) {
		uint32_t v;

		if (pciem_dma_read(c->d, c->dbbuf_dbs + 2u * sq->qid * 4, &v, 4) == 0)
			return v;
		return head;
	}
	if (sq->ioeventfd)	/* the doorbell write went to BAR memory only */
		return c->regs[sq_db_off(sq->qid) / 4];
	return atomic_load(&sq->db_tail);
}

/*
 * Going idle with shadow doorbells: ask for a doorbell write as soon as the
 * tail moves past what we fetched (EventIdx = head), then look again.  The
 * atomic read is a full barrier, pairing with the host's mb() between its
 * shadow write and its EventIdx read.  Returns the tail seen after that.
 */
static unsigned int sq_arm(struct ctrl *c, struct sq *sq, unsigned int head)
{
	uint32_t ei = head;
	uint64_t old;

	atomic_fetch_add_explicit(&c->st_arms, 1, memory_order_relaxed);
	if (pciem_dma_write(c->d, c->dbbuf_eis + 2u * sq->qid * 4, &ei, 4) < 0)
		return head;	/* the host is tearing down: no new work */
	if (pciem_dma_atomic(c->d, c->dbbuf_dbs + 2u * sq->qid * 4, PCIEM_ATOMIC_FETCH_ADD, 0, 0,
			     &old) < 0)
		return sq_tail(c, sq, head);
	return (uint32_t)old;
}

/*
 * --poll-us with a bound doorbell: busy-poll the doorbell register in BAR
 * memory, where its writes land (with shadow doorbells EventIdx is armed by
 * now, so the host's next submission writes it), rather than sleep at once.
 * True when it was written within spin_ns: then there is work, and no
 * wake-up was needed to find it.
 */
static bool doorbell_poll(struct ctrl *c, struct sq *sq)
{
	volatile uint32_t *db = &c->regs[sq_db_off(sq->qid) / 4];
	uint32_t was = *db;
	uint64_t end = now_ns() + (uint64_t)spin_ns;

	do {
		if (*db != was)
			return true;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	} while (now_ns() < end && !atomic_load(&sq->stop));
	return *db != was;
}

static void *sq_thread(void *arg)
{
	struct sq *sq = arg;
	struct ctrl *c = sq->c;
	struct cq *cq = &c->cq[sq->cqid];
	unsigned int head = 0;
	bool warned = false;

	while (!atomic_load(&sq->stop)) {
		uint64_t t0 = print_stats ? now_ns() : 0, t1, t2;
		unsigned int tail = sq_tail(c, sq, head), n, i, ndone = 0;

		if (tail >= sq->size) {
			if (!warned)
				aer_event(c, 0, 0x01, 0x01);	/* invalid doorbell write value */
			warned = true;
			tail = head;
		}
		if (tail == head && sq->qid && atomic_load(&c->dbbuf)) {
			/*
			 * A short poll of the shadow doorbell first: a host that
			 * submits again right after its completion then needs no
			 * trapped doorbell write, no event and no wake-up.
			 */
			uint64_t end = now_ns() + (uint64_t)spin_ns;

			do
				tail = sq_tail(c, sq, head) % sq->size;
			while (tail == head && spin_ns && !sq->ioeventfd && now_ns() < end &&
			       !atomic_load(&sq->stop));
			if (tail == head)
				tail = sq_arm(c, sq, head) % sq->size;
		}
		if (!sq->qid) {
			ndone = aer_deliver(c, sq->done, BATCH, (uint16_t)head);
			if (ndone && !post(c, cq, sq->done, ndone, &sq->stop))
				break;
			ndone = 0;
		}
		if (tail == head) {
			if (sq->ioeventfd && spin_ns && doorbell_poll(c, sq))
				continue;
			atomic_fetch_add_explicit(&c->st_sleeps, 1, memory_order_relaxed);
			t1 = print_stats ? now_ns() : 0;
			sq_wait(sq);
			if (print_stats) {
				t2 = now_ns();
				atomic_fetch_add_explicit(&c->tm_fetch, t1 - t0, memory_order_relaxed);
				atomic_fetch_add_explicit(&c->tm_idle, t2 - t1, memory_order_relaxed);
			}
			continue;
		}
		n = tail > head ? tail - head : sq->size - head;
		if (n > BATCH)
			n = BATCH;
		atomic_fetch_add_explicit(&c->st_fetches, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&c->st_cmds, n, memory_order_relaxed);
		if (pciem_dma_read(c->d, sq->base + (uint64_t)head * 64, sq->cmds, n * 64) < 0) {
			/* The queue's memory is gone: the host is tearing down. */
			csts_update(c, 0, CSTS_CFS);
			fprintf(stderr, "pciem-nvme: SQ %u unreadable: controller fatal status\n",
				sq->qid);
			break;
		}
		t1 = print_stats ? now_ns() : 0;
		for (i = 0; i < n; i++) {
			const struct sqe *cmd = &sq->cmds[i];
			uint32_t dw0 = 0;
			uint16_t st;

			head = (head + 1) % sq->size;
			atomic_store(&sq->head, head);
			st = sq->qid ? io_cmd(c, sq, cmd) : admin_cmd(c, sq, cmd, &dw0);
			if (st == NO_COMPLETION)
				continue;
			if (st & 0x7ff)
				atomic_fetch_add(&c->errors, 1);
			sq->done[ndone++] = (struct cqe){
				.dw0 = dw0, .sqhd = (uint16_t)head, .sqid = sq->qid,
				.cid = cmd->cid, .status = st,
			};
		}
		t2 = print_stats ? now_ns() : 0;
		if (ndone && !post(c, cq, sq->done, ndone, &sq->stop))
			break;
		if (print_stats) {
			atomic_fetch_add_explicit(&c->tm_fetch, t1 - t0, memory_order_relaxed);
			atomic_fetch_add_explicit(&c->tm_io, t2 - t1, memory_order_relaxed);
			atomic_fetch_add_explicit(&c->tm_post, now_ns() - t2, memory_order_relaxed);
		}
	}
	return NULL;
}

/* ---- controller enable, reset, shutdown (main thread) ------------------------- */

static void stop_queues(struct ctrl *c)
{
	unsigned int q;

	/*
	 * The admin thread first (it creates and deletes the others, taking
	 * qlock: so not under qlock); only this thread starts or stops it.
	 */
	sq_stop(&c->sq[0]);
	pthread_mutex_lock(&c->qlock);
	for (q = 1; q <= c->nq; q++)
		sq_stop(&c->sq[q]);
	for (q = 0; q <= c->nq; q++) {
		atomic_store(&c->sq[q].valid, false);
		pthread_mutex_lock(&c->cq[q].lock);
		atomic_store(&c->cq[q].valid, false);
		pthread_mutex_unlock(&c->cq[q].lock);
	}
	atomic_store(&c->dbbuf, false);
	pthread_mutex_unlock(&c->qlock);
	pthread_mutex_lock(&c->aerlock);
	c->naer = 0;
	c->npending = 0;
	pthread_mutex_unlock(&c->aerlock);
}

static void ctrl_reset(struct ctrl *c)
{
	stop_queues(c);
	pthread_mutex_lock(&c->flock);
	c->feat_arb = c->feat_pm = c->feat_err_rec = c->feat_irq_coal = 0;
	c->feat_wa = c->feat_aec = 0;
	for (unsigned int i = 0; i < 9; i++) {
		c->temp_over[i] = i == 0 ? 0x0157 : 0xffff;
		c->temp_under[i] = 0;
	}
	memset(c->irq_cfg, 0, sizeof(c->irq_cfg));
	atomic_store(&c->wce, true);
	pthread_mutex_unlock(&c->flock);
	c->enabled = false;
}

static void ctrl_enable(struct ctrl *c, uint32_t cc)
{
	uint32_t aqa = reg_get(c, REG_AQA);
	uint64_t asq = reg_get(c, REG_ASQ) | (uint64_t)reg_get(c, REG_ASQ + 4) << 32;
	uint64_t acq = reg_get(c, REG_ACQ) | (uint64_t)reg_get(c, REG_ACQ + 4) << 32;
	unsigned int sqs = (aqa & 0xfff) + 1, cqs = ((aqa >> 16) & 0xfff) + 1;
	const char *why = NULL;

	if (CC_MPS(cc) > MPS_MAX)
		why = "memory page size";
	else if (CC_CSS(cc) != 0)
		why = "command set";
	else if (sqs < 2 || cqs < 2)
		why = "admin queue size";
	else if (!asq || !acq || (asq & ((4096u << CC_MPS(cc)) - 1)) ||
		 (acq & ((4096u << CC_MPS(cc)) - 1)))
		why = "admin queue address";
	else if (CC_IOSQES(cc) && CC_IOSQES(cc) != 6)
		why = "I/O SQ entry size";
	else if (CC_IOCQES(cc) && CC_IOCQES(cc) != 4)
		why = "I/O CQ entry size";
	if (why) {
		/* Not ready, ever: the driver times out, as with real hardware. */
		fprintf(stderr, "pciem-nvme: enable refused: bad %s (CC %#x AQA %#x)\n", why,
			cc, aqa);
		return;
	}
	c->mps = 4096u << CC_MPS(cc);
	cq_init(c, 0, cqs, acq, 0, true);
	pthread_mutex_lock(&c->qlock);
	if (sq_start(c, 0, 0, sqs, asq) < 0) {
		pthread_mutex_unlock(&c->qlock);
		fprintf(stderr, "pciem-nvme: enable: cannot start the admin queue\n");
		return;
	}
	pthread_mutex_unlock(&c->qlock);
	c->enabled = true;
	csts_update(c, CSTS_CFS | CSTS_SHST_MASK, CSTS_RDY);
}

static void ctrl_shutdown(struct ctrl *c)
{
	csts_update(c, CSTS_SHST_MASK, CSTS_SHST_BUSY);
	stop_queues(c);
	if (!c->ro)
		fsync(c->fd);
	csts_update(c, CSTS_SHST_MASK, CSTS_SHST_DONE);
}

static void cc_write(struct ctrl *c, uint32_t cc)
{
	uint32_t old = c->cc;

	c->cc = cc;
	if ((old & CC_EN) && !(cc & CC_EN)) {
		ctrl_reset(c);
		csts_update(c, CSTS_RDY | CSTS_CFS | CSTS_SHST_MASK, 0);
	}
	if (!CC_SHN(old) && CC_SHN(cc))
		ctrl_shutdown(c);
	else if (CC_SHN(old) && !CC_SHN(cc))
		csts_update(c, CSTS_SHST_MASK, 0);
	if (!(old & CC_EN) && (cc & CC_EN) && !CC_SHN(cc))
		ctrl_enable(c, cc);
}

/* ---- events -------------------------------------------------------------------- */

static void on_regs(void *opaque, unsigned int bar, uint64_t off, unsigned int size, uint64_t val)
{
	struct ctrl *c = opaque;

	(void)bar;
	(void)val;
	pthread_mutex_lock(&c->reglock);
	reg_restore_locked(c, (unsigned int)off, size);
	if (off <= REG_INTMC + 3 && off + size > REG_INTMS) {
		/* Pin-based interrupt masks: both registers read the mask. */
		uint32_t v = (uint32_t)val;

		if (off == REG_INTMS && size == 4)
			c->intm |= v;
		else if (off == REG_INTMC && size == 4)
			c->intm &= ~v;
		reg_set_locked(c, REG_INTMS, c->intm);
		reg_set_locked(c, REG_INTMC, c->intm);
	}
	pthread_mutex_unlock(&c->reglock);
	if (off <= REG_CC + 3 && off + size > REG_CC)
		cc_write(c, reg_get(c, REG_CC));
}

static void on_doorbell(void *opaque, unsigned int bar, uint64_t off, unsigned int size,
			uint64_t val)
{
	struct ctrl *c = opaque;
	unsigned int idx = (unsigned int)off / 4, qid = idx / 2;

	(void)bar;
	if (size != 4 || (off & 3) || qid > c->nq)
		return;
	if (!(idx & 1)) {
		struct sq *sq = &c->sq[qid];

		if (!atomic_load(&sq->valid)) {
			aer_event(c, 0, 0x00, 0x01);	/* write to an invalid doorbell */
			return;
		}
		atomic_store(&sq->db_tail, (uint32_t)val);
		atomic_fetch_add_explicit(&c->st_doorbells, 1, memory_order_relaxed);
		sq_kick(sq);
	} else {
		struct cq *cq = &c->cq[qid];

		if (!atomic_load(&cq->valid))
			return;
		if ((uint32_t)val >= cq->size) {
			aer_event(c, 0, 0x01, 0x01);
			return;
		}
		atomic_store(&cq->db_head, (uint32_t)val);
		if (atomic_load(&cq->waiters)) {
			pthread_mutex_lock(&cq->lock);
			pthread_cond_broadcast(&cq->space);
			pthread_mutex_unlock(&cq->lock);
		}
	}
}

/* Function Level Reset: everything back to power-on state. */
static void on_reset(void *opaque, const struct pciem_event *ev)
{
	struct ctrl *c = opaque;

	(void)ev;
	ctrl_reset(c);
	regs_reset(c);
}

/* ---- start-up and the end ------------------------------------------------------ */

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int open_backing(struct ctrl *c, const char *path, uint64_t size, bool size_given)
{
	struct stat st;

	c->fd = open(path, c->ro ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (c->fd < 0) {
		fprintf(stderr, "pciem-nvme: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(c->fd, &st) < 0) {
		fprintf(stderr, "pciem-nvme: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		if (c->ro) {
			fprintf(stderr, "pciem-nvme: %s is empty\n", path);
			return -1;
		}
		if (ftruncate(c->fd, (off_t)size) < 0) {
			fprintf(stderr, "pciem-nvme: %s: setting its size: %s\n", path,
				strerror(errno));
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		if (size_given && (uint64_t)st.st_size != size)
			fprintf(stderr, "pciem-nvme: %s exists: keeping its size (%lld bytes)\n",
				path, (long long)st.st_size);
		size = (uint64_t)st.st_size;
	} else {
		fprintf(stderr, "pciem-nvme: %s is not a regular file\n", path);
		return -1;
	}
	c->nsze = size >> c->lba_shift;
	if (!c->nsze) {
		fprintf(stderr, "pciem-nvme: %s is smaller than one block\n", path);
		return -1;
	}
	/* Data moves between the mapping and host memory in one copy. */
	c->map = mmap(NULL, c->nsze << c->lba_shift, c->ro ? PROT_READ : PROT_READ | PROT_WRITE,
		      MAP_SHARED, c->fd, 0);
	if (c->map == MAP_FAILED)
		c->map = NULL;
	return 0;
}

static int setup(struct ctrl *c, bool attach)
{
	const struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00f1,
		.subsys_vendor_id = 0x1af4, .subsys_device_id = 0x1100,
		.revision = 0x02,
		.class_code = { 0x02, 0x08, 0x01 },	/* NVM Express */
	};
	uint64_t size;
	int ret;

	if ((ret = pciem_create(&c->d, attach ? PCIEM_CREATE_FLAG_BUS_MODE_ATTACH
				: PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) < 0)
		return fprintf(stderr, "pciem-nvme: %s: %s\n", PCIEM_DEVICE_PATH,
			       pciem_strerror(ret)), ret;
	if ((ret = pciem_set_ids(c->d, &ids)) < 0 ||
	    (ret = pciem_add_bar(c->d, 0, BAR0_SIZE, PCIEM_BAR_FLAG_MEM64)) < 0 ||
	    (ret = pciem_add_pm(c->d)) < 0 ||
	    (ret = pciem_add_msix(c->d, 0, MSIX_TABLE, MSIX_PBA, nvectors(c))) < 0 ||
	    (ret = pciem_add_pcie(c->d)) < 0 ||
	    (ret = pciem_trace_bar(c->d, 0, PCIEM_TRACE_WRITES)) < 0 ||
	    (ret = pciem_on_bar(c->d, 0, 0, DB_BASE, NULL, on_regs, c)) < 0 ||
	    (ret = pciem_on_bar(c->d, 0, DB_BASE, DB_BASE, NULL, on_doorbell, c)) < 0 ||
	    (ret = pciem_on_event(c->d, PCIEM_EVENT_RESET, on_reset, c)) < 0 ||
	    (ret = pciem_register(c->d)) < 0)
		return fprintf(stderr, "pciem-nvme: describing the controller: %s\n",
			       pciem_strerror(ret)), ret;
	c->regs = pciem_bar(c->d, 0, &size);
	if (!c->regs || size < BAR0_SIZE)
		return fprintf(stderr, "pciem-nvme: BAR 0 is not mapped\n"), -ENXIO;
	regs_reset(c);
	ctrl_reset(c);
	return 0;
}

/* Unbind the driver while we still serve it, so it shuts the controller down. */
struct unbinder {
	char path[192], addr[32];
	atomic_bool done;
};

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;
	int fd = open(u->path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, u->addr, strlen(u->addr)) < 0 && errno != ENODEV)
			fprintf(stderr, "pciem-nvme: unbinding the driver: %s\n", strerror(errno));
		close(fd);
	}
	atomic_store(&u->done, true);
	return NULL;
}

static void release_driver(struct ctrl *c)
{
	struct unbinder u = { .done = false };
	char link[128];
	struct timespec t0, t;
	pthread_t tid;
	sigset_t all, old;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", c->addr);
	if (access(link, F_OK) != 0)
		return;
	snprintf(u.path, sizeof(u.path), "%s/unbind", link);
	snprintf(u.addr, sizeof(u.addr), "%s", c->addr);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&tid, NULL, unbind_thread, &u)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!atomic_load(&u.done)) {
		int ret = pciem_dispatch(c->d, 20);

		if (ret < 0 && ret != -EINTR)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 90) {
			fprintf(stderr, "pciem-nvme: the driver did not let go within 90 s\n");
			pthread_detach(tid);
			return;
		}
	}
	pthread_join(tid, NULL);
}

static const char usage[] =
	"usage: pciem-nvme [OPTIONS] FILE\n"
	"  An NVMe controller on pciem whose namespace is stored in FILE (created\n"
	"  at --size if missing; an existing file keeps its size and content).\n"
	"  Prints the controller's PCI address once it is on the bus and runs\n"
	"  until SIGINT/SIGTERM.\n"
	"  --size BYTES        size of a new FILE (K/M/G/T suffixes; default 64M)\n"
	"  --queues N          I/O queue pairs offered, 1-64 (default 4)\n"
	"  --block-size B      logical block size, 512 or 4096 (default 512)\n"
	"  --serial S          serial number (20 characters at most)\n"
	"  --model M           model name (40 characters at most)\n"
	"  --read-only         a write-protected namespace (FILE opened read-only)\n"
	"  --attach            join pciem.ko's pciem_attach_bus instead of a host\n"
	"                      bridge of its own\n"
	"  --poll-us US        how long an idle I/O queue keeps polling for the\n"
	"                      host's next submission before it sleeps (default 0:\n"
	"                      it sleeps at once)\n"
	"  --stats             at the end, print what the queues did (stderr)\n"
	"  --no-shadow-doorbells  do not offer Doorbell Buffer Config: every\n"
	"                      doorbell write traps\n"
	"  --no-ioeventfd      I/O queue doorbells arrive as events through the\n"
	"                      main thread rather than waking their queue's thread\n"
	"                      directly (PCIEM_IOCTL_IOEVENTFD)\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "queues", required_argument, NULL, 'q' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "serial", required_argument, NULL, 'S' },
		{ "model", required_argument, NULL, 'M' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "attach", no_argument, NULL, 'a' },
		{ "poll-us", required_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 'T' },
		{ "no-ioeventfd", no_argument, NULL, 'E' },
		{ "no-shadow-doorbells", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t size = 64ull << 20;
	bool size_given = false, attach = false;
	unsigned long v;
	struct ctrl *c;
	char *end;
	int opt, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->nq = 4;
	c->lba_shift = 9;
	snprintf(c->serial, sizeof(c->serial), "PCIEM0001");
	snprintf(c->model, sizeof(c->model), "pciem NVMe Controller");
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_size(optarg, &size) < 0 || !size) {
				fprintf(stderr, "pciem-nvme: bad --size '%s'\n", optarg);
				return 2;
			}
			size_given = true;
			break;
		case 'q':
			v = strtoul(optarg, &end, 0);
			if (*end || v < 1 || v > MAX_QUEUES) {
				fprintf(stderr, "pciem-nvme: --queues takes 1-%u\n", MAX_QUEUES);
				return 2;
			}
			c->nq = (unsigned int)v;
			break;
		case 'b':
			if (!strcmp(optarg, "512")) {
				c->lba_shift = 9;
			} else if (!strcmp(optarg, "4096")) {
				c->lba_shift = 12;
			} else {
				fprintf(stderr, "pciem-nvme: --block-size takes 512 or 4096\n");
				return 2;
			}
			break;
		case 'S':
			if (!*optarg || strlen(optarg) > 20) {
				fprintf(stderr, "pciem-nvme: --serial takes 1-20 characters\n");
				return 2;
			}
			snprintf(c->serial, sizeof(c->serial), "%s", optarg);
			break;
		case 'M':
			if (!*optarg || strlen(optarg) > 40) {
				fprintf(stderr, "pciem-nvme: --model takes 1-40 characters\n");
				return 2;
			}
			snprintf(c->model, sizeof(c->model), "%s", optarg);
			break;
		case 'r':
			c->ro = true;
			break;
		case 'a':
			attach = true;
			break;
		case 'T':
			print_stats = true;
			break;
		case 'D':
			no_dbbuf = true;
			break;
		case 'E':
			no_ioeventfd = true;
			break;
		case 'p':
			v = strtoul(optarg, &end, 0);
			if (*end || v > 1000000) {
				fprintf(stderr, "pciem-nvme: --poll-us takes 0-1000000\n");
				return 2;
			}
			spin_ns = (long)v * 1000;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return 2;
	}

	pthread_mutex_init(&c->reglock, NULL);
	pthread_mutex_init(&c->qlock, NULL);
	pthread_mutex_init(&c->flock, NULL);
	pthread_mutex_init(&c->aerlock, NULL);
	for (unsigned int q = 0; q <= MAX_QUEUES; q++) {
		c->sq[q].c = c;
		c->sq[q].efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->sq[q].efd < 0) {
			perror("pciem-nvme: eventfd");
			return 1;
		}
		pthread_mutex_init(&c->cq[q].lock, NULL);
		pthread_cond_init(&c->cq[q].space, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	if (open_backing(c, argv[optind], size, size_given) < 0)
		return 1;
	if (setup(c, attach) < 0) {
		pciem_destroy(c->d);
		return 1;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = pciem_start(c->d);
	/* Serve the nvme driver's probe (it enables the controller) before printing. */
	while (ret >= 0 && !stop_requested) {
		ret = pciem_wait_probed(c->d, 100);
		if (ret >= 0)
			break;
		if (ret == -ETIMEDOUT || ret == -EINTR)
			ret = 0;
	}
	if (ret >= 0)
		ret = pciem_address(c->d, c->addr, sizeof(c->addr));
	if (ret == 0) {
		printf("%s\n", c->addr);
		fflush(stdout);
		bool removed = false;

		while (!stop_requested) {
			ret = pciem_dispatch(c->d, 100);
			/* Removed (sysfs remove, the bus went away): the driver is gone too. */
			removed = ret == -EPIPE;
			if (ret < 0 && ret != -EINTR)
				break;
			ret = 0;
		}
		if (removed)
			ret = 0;
		else if (ret < 0)
			fprintf(stderr, "pciem-nvme: %s\n", pciem_strerror(ret));
		else
			release_driver(c);
	} else {
		fprintf(stderr, "pciem-nvme: start: %s\n", pciem_strerror(ret));
	}

	ctrl_reset(c);
	if (!c->ro && fsync(c->fd) < 0)
		fprintf(stderr, "pciem-nvme: fsync: %s\n", strerror(errno));
	if (print_stats) {
		double ms = 1e-6;

		fprintf(stderr, "pciem-nvme: %llu commands in %llu fetches; %llu CQ writes, "
			"%llu interrupts; %llu trapped SQ doorbell writes; %llu sleeps, %llu "
			"EventIdx updates\n", (unsigned long long)c->st_cmds,
			(unsigned long long)c->st_fetches, (unsigned long long)c->st_posts,
			(unsigned long long)c->st_irqs, (unsigned long long)c->st_doorbells,
			(unsigned long long)c->st_sleeps, (unsigned long long)c->st_arms);
		fprintf(stderr, "pciem-nvme: queue threads: %.1f ms waiting for work, %.1f ms "
			"fetching (tails, SQ entries), %.1f ms executing, %.1f ms completing "
			"(CQ writes, interrupts)\n",
			c->tm_idle * ms, c->tm_fetch * ms, c->tm_io * ms, c->tm_post * ms);
	}
	pciem_destroy(c->d);	/* the controller leaves the bus */
	close(c->fd);
	for (unsigned int i = 0; i <= MAX_QUEUES; i++)
		free(c->sq[i].data);
	free(c);
	return ret < 0 ? 1 : 0;
}
