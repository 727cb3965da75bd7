/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nvme.h - pciem-nvme's own state and what its files call across: the
 * controller (ctrl.c), its queues (queue.c), admin commands (admin.c), NVM
 * commands (io.c) and the namespace (ns.c).  main.c puts them together.
 */
#ifndef NVME_H
#define NVME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pciem.h"
#include "nvme_spec.h"

/* ---- BAR 0 and what the controller offers ------------------------------------ */

#define VENDOR_ID	0x1b36u		/* Red Hat, as QEMU's devices; also Identify VID */
#define SUBSYS_VENDOR_ID 0x1af4u	/* also Identify SSVID */

#define BAR0_SIZE	0x4000u
#define MSIX_TABLE	0x2000u
#define MSIX_PBA	0x3000u
#define DSTRD		0u		/* doorbell stride: 4 bytes */

#define MQES		1023u		/* queues of up to 1024 entries */
#define MPS_MAX		4u		/* memory pages 4 KiB .. 64 KiB */
#define MDTS		8u		/* transfers up to 2^8 minimum pages: 1 MiB */
#define MAX_XFER	(4096u << MDTS)
#define MAX_QUEUES	64u		/* I/O queue pairs we can offer */
#define AERL		3u		/* 4 outstanding AERs */
#define ACL		3u
#define AER_KEPT	8u		/* asynchronous events kept until requested */
#define BATCH		32u		/* commands fetched at once */
#define WCTEMP		343u		/* warning temperature threshold, K */
#define CCTEMP		373u		/* critical temperature threshold, K */

/* ---- state ------------------------------------------------------------------- */

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
	struct nvme_sqe cmds[BATCH];
	/* Completions to post; status without the phase bit until post() adds it. */
	struct nvme_cqe done[BATCH];
};

/* The one namespace (NSID 1), stored in FILE. */
struct ns {
	int fd;
	uint64_t nsze;			/* size in blocks */
	unsigned int lba_shift;
	bool ro;			/* write protected, FILE opened read-only */
	uint8_t *map;			/* FILE mapped (NULL: pread/pwrite) */
};

struct ctrl {
	struct pciem_dev *d;
	volatile uint32_t *regs;	/* BAR 0 */
	char addr[32];

	/* Options. */
	unsigned int nq;		/* I/O queue pairs offered */
	char serial[21], model[41];
	bool print_stats;		/* --stats */
	bool no_dbbuf;			/* --no-shadow-doorbells */
	bool no_ioeventfd;		/* --no-ioeventfd */
	long spin_ns;			/* --poll-us: how long an idle queue polls (ns) */
	struct ns ns;

	/* Registers (main thread). */
	pthread_mutex_t reglock;	/* CSTS and the shadow of read-only registers */
	uint8_t shadow[NVME_REG_DBS];	/* what reads must see (read-only parts) */
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
	uint16_t temp_over[NVME_TEMP_SENSORS], temp_under[NVME_TEMP_SENSORS];
	uint32_t irq_cfg[MAX_QUEUES + 1];
	atomic_bool wce;

	/* Asynchronous events. */
	pthread_mutex_t aerlock;
	uint16_t aer_cid[AERL + 1];
	unsigned int naer;
	uint32_t aer_pending[AER_KEPT];
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

/* MSI-X vectors: one for the admin queue and one per I/O queue pair. */
static inline unsigned int nvectors(const struct ctrl *c)
{
	return c->nq + 1;
}

/* ---- ctrl.c: registers; enable, reset, shutdown ------------------------------ */

void csts_update(struct ctrl *c, uint32_t clear, uint32_t set);
void ctrl_reset(struct ctrl *c);
void ctrl_power_on(struct ctrl *c);
enum pciem_status on_regs(void *opaque, uint64_t off, unsigned int size, uint64_t val);
void on_reset(void *opaque, const struct pciem_event *ev);

/* ---- queue.c: queues, doorbells, their threads, completions ------------------- */

void cq_init(struct ctrl *c, unsigned int qid, unsigned int size, uint64_t base,
	     unsigned int vector, bool ien);
int sq_start(struct ctrl *c, unsigned int qid, unsigned int cqid, unsigned int size,
	     uint64_t base);
void sq_stop(struct sq *sq);
void sq_kick(struct sq *sq);
void stop_queues(struct ctrl *c);
uint16_t xfer(struct ctrl *c, const struct nvme_sqe *cmd, void *buf, size_t len, bool to_host);
enum pciem_status on_doorbell(void *opaque, uint64_t off, unsigned int size, uint64_t val);
void print_queue_stats(struct ctrl *c);

/* ---- admin.c: the admin command set and asynchronous events -------------------- */

/* When a command's completion is posted: with its batch, or later (an AER). */
enum completion {
	COMPLETE_NOW,
	COMPLETE_LATER,
};

enum completion admin_cmd(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd,
			  uint16_t *status, uint32_t *dw0);
void aer_event(struct ctrl *c, enum nvme_aer_type type, enum nvme_aer_info info,
	       enum nvme_log_page lid);
unsigned int aer_deliver(struct ctrl *c, struct nvme_cqe *done, unsigned int room,
			 uint16_t sqhd);
void aer_reset(struct ctrl *c);
void features_reset(struct ctrl *c);

/* ---- io.c: the NVM command set --------------------------------------------------- */

uint16_t io_cmd(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd);

/* ---- ns.c: the namespace and FILE ------------------------------------------------ */

/* The namespace's identifiers, derived from the controller's serial number. */
struct ns_ids {
	uint8_t nguid[16], eui64[8], uuid[16];
};

int ns_open(struct ns *ns, const char *path, uint64_t size, bool size_given);
bool ns_pio(const struct ns *ns, uint8_t *buf, size_t len, uint64_t off, bool write, bool sync);
int ns_msync(const struct ns *ns, uint64_t off, size_t len);
int ns_zero(const struct ns *ns, uint64_t off, uint64_t len, uint8_t *scratch);
void ns_deallocate(const struct ns *ns, uint64_t off, uint64_t len);
void ns_ids(const char *serial, struct ns_ids *ids);

#endif /* NVME_H */
