// SPDX-License-Identifier: GPL-2.0-only
/*
 * queue.c - submission and completion queues: their doorbells, the thread
 * each SQ has, command data transfers, completion posting and interrupts.
 *
 * Each submission queue, the admin queue included, has a thread that
 * fetches up to BATCH entries with one DMA read, executes them (admin.c,
 * io.c) and posts their completions with as few DMA writes as the ring
 * allows, then raises the CQ's vector once.  An I/O SQ's tail doorbell is
 * bound to the thread's eventfd with pciem_ioeventfd(): the driver's write
 * lands in BAR memory and wakes the thread directly.  The admin queue's
 * doorbells (and, with --no-ioeventfd, every doorbell) arrive as events
 * through the main thread: on_doorbell().
 *
 * Shadow doorbells (Doorbell Buffer Config): the host writes SQ tails and
 * CQ heads to a page in memory and rings the real doorbell only when the
 * EventIdx the controller writes asks for it.  A queue thread with work
 * reads the shadow tail and keeps going; when it runs dry it sets EventIdx
 * and looks once more before it sleeps (sq_arm()).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme.h"

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ---- completion queues and interrupts ------------------------------------------ */

void cq_init(struct ctrl *c, unsigned int qid, unsigned int size, uint64_t base,
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

		if (pciem_dma_read(c->d, c->dbbuf_dbs + NVME_DB_CQ_HEAD(cq->qid, DSTRD), &v, 4) == 0 &&
		    v < cq->size)
			return v;
	}
	return atomic_load(&cq->db_head);
}

/*
 * Post n completions to a CQ, as few DMA writes as the ring allows, then
 * one interrupt.  Their status is without the phase bit, which this adds.
 * Waits while the CQ is full (the host has not consumed enough); gives up
 * when @stop is set.  Returns false if not all were posted.
 */
static bool post(struct ctrl *c, struct cq *cq, struct nvme_cqe *e, unsigned int n,
		 atomic_bool *stop)
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
		if (pciem_dma_write(c->d, cq->base + (uint64_t)cq->tail * sizeof(*e), e,
				    run * sizeof(*e)) < 0) {
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

/* ---- command data ------------------------------------------------------------------- */

static uint16_t dma_status(int ret)
{
	return ret == -EINVAL ? NVME_SC_INVALID_PRP_OFFSET | NVME_DNR
			      : NVME_SC_DATA_TRANSFER_ERROR;
}

/* PRP transfer of a command's data (to_host: controller -> host memory). */
uint16_t xfer(struct ctrl *c, const struct nvme_sqe *cmd, void *buf, size_t len, bool to_host)
{
	int ret;

	if (cmd->flags & NVME_SQE_PSDT_MASK)
		return NVME_SC_INVALID_FIELD | NVME_DNR;	/* SGLs are not supported */
	ret = pciem_dma_prp(c->d, cmd->prp1, cmd->prp2, c->mps, buf, len, to_host);
	return ret < 0 ? dma_status(ret) : NVME_SC_SUCCESS;
}

/* ---- submission queues ---------------------------------------------------------------- */

/* Wake an SQ's thread. */
void sq_kick(struct sq *sq)
{
	uint64_t one = 1;

	if (write(sq->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fprintf(stderr, "pciem-nvme: waking SQ %u: %s\n", sq->qid, strerror(errno));
}

/* The offset of SQ @qid's tail doorbell in BAR 0. */
static unsigned int sq_db_off(unsigned int qid)
{
	return NVME_REG_DBS + NVME_DB_SQ_TAIL(qid, DSTRD);
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

/*
 * The tail the host has written: shadow doorbell if set up, else the MMIO
 * one.  With shadow doorbells the MMIO value is stale by design, so a shadow
 * that cannot be read (the host is tearing down) means no new work: @head.
 */
static unsigned int sq_tail(struct ctrl *c, struct sq *sq, unsigned int head)
{
	if (sq->qid && atomic_load(&c->dbbuf)) {
		uint32_t v;

		if (pciem_dma_read(c->d, c->dbbuf_dbs + NVME_DB_SQ_TAIL(sq->qid, DSTRD), &v, 4) == 0)
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
	if (pciem_dma_write(c->d, c->dbbuf_eis + NVME_DB_SQ_TAIL(sq->qid, DSTRD), &ei, 4) < 0)
		return head;	/* the host is tearing down: no new work */
	if (pciem_dma_atomic(c->d, c->dbbuf_dbs + NVME_DB_SQ_TAIL(sq->qid, DSTRD),
			     PCIEM_ATOMIC_FETCH_ADD, 0, 0, &old) < 0)
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
	uint64_t end = now_ns() + (uint64_t)c->spin_ns;

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
		uint64_t t0 = c->print_stats ? now_ns() : 0, t1, t2;
		unsigned int tail = sq_tail(c, sq, head), n, i, ndone = 0;

		if (tail >= sq->size) {
			if (!warned)
				aer_event(c, NVME_AER_TYPE_ERROR, NVME_AER_ERR_INVALID_DB_VALUE,
					  NVME_LOG_ERROR);
			warned = true;
			tail = head;
		}
		if (tail == head && sq->qid && atomic_load(&c->dbbuf)) {
			/*
			 * A short poll of the shadow doorbell first: a host that
			 * submits again right after its completion then needs no
			 * trapped doorbell write, no event and no wake-up.
			 */
			uint64_t end = now_ns() + (uint64_t)c->spin_ns;

			do
				tail = sq_tail(c, sq, head) % sq->size;
			while (tail == head && c->spin_ns && !sq->ioeventfd && now_ns() < end &&
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
			if (sq->ioeventfd && c->spin_ns && doorbell_poll(c, sq))
				continue;
			atomic_fetch_add_explicit(&c->st_sleeps, 1, memory_order_relaxed);
			t1 = c->print_stats ? now_ns() : 0;
			sq_wait(sq);
			if (c->print_stats) {
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
		if (pciem_dma_read(c->d, sq->base + (uint64_t)head * sizeof(sq->cmds[0]), sq->cmds,
				   n * sizeof(sq->cmds[0])) < 0) {
			/* The queue's memory is gone: the host is tearing down. */
			csts_update(c, 0, NVME_CSTS_CFS);
			fprintf(stderr, "pciem-nvme: SQ %u unreadable: controller fatal status\n",
				sq->qid);
			break;
		}
		t1 = c->print_stats ? now_ns() : 0;
		for (i = 0; i < n; i++) {
			const struct nvme_sqe *cmd = &sq->cmds[i];
			uint32_t dw0 = 0;
			uint16_t st;

			head = (head + 1) % sq->size;
			atomic_store(&sq->head, head);
			if (sq->qid)
				st = io_cmd(c, sq, cmd);
			else if (admin_cmd(c, sq, cmd, &st, &dw0) == COMPLETE_LATER)
				continue;
			if (st & NVME_SC_MASK)
				atomic_fetch_add(&c->errors, 1);
			sq->done[ndone++] = (struct nvme_cqe){
				.dw0 = dw0, .sqhd = (uint16_t)head, .sqid = sq->qid,
				.cid = cmd->cid, .status = st,
			};
		}
		t2 = c->print_stats ? now_ns() : 0;
		if (ndone && !post(c, cq, sq->done, ndone, &sq->stop))
			break;
		if (c->print_stats) {
			atomic_fetch_add_explicit(&c->tm_fetch, t1 - t0, memory_order_relaxed);
			atomic_fetch_add_explicit(&c->tm_io, t2 - t1, memory_order_relaxed);
			atomic_fetch_add_explicit(&c->tm_post, now_ns() - t2, memory_order_relaxed);
		}
	}
	return NULL;
}

/* The SQ's tail doorbell back to an MMIO_WRITE event: a later queue binds its own. */
static void sq_unbind_doorbell(struct sq *sq)
{
	if (sq->ioeventfd &&
	    pciem_ioeventfd(sq->c->d, 0, sq_db_off(sq->qid), 4, sq->efd,
			    PCIEM_IOEVENTFD_FLAG_DEASSIGN, 0) < 0)
		fprintf(stderr, "pciem-nvme: SQ %u doorbell stays bound\n", sq->qid);
	sq->ioeventfd = false;
}

/* Stop and join an SQ's thread (qlock held, or the caller owns the queue). */
void sq_stop(struct sq *sq)
{
	if (!sq->running)
		return;
	atomic_store(&sq->stop, true);
	sq_kick(sq);
	pthread_cond_broadcast(&sq->c->cq[sq->cqid].space);
	pthread_join(sq->thread, NULL);
	sq->running = false;
	sq_unbind_doorbell(sq);
}

/* Create an SQ and start its thread (qlock held). */
int sq_start(struct ctrl *c, unsigned int qid, unsigned int cqid, unsigned int size,
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
	if (!sq->data) {
		sq->data = aligned_alloc(4096, MAX_XFER);
		if (!sq->data)
			return -ENOMEM;
	}
	sq->ioeventfd = qid && !c->no_ioeventfd &&
			pciem_ioeventfd(c->d, 0, sq_db_off(qid), 4, sq->efd, 0, 0) == 0;
	atomic_store(&sq->valid, true);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&sq->thread, NULL, sq_thread, sq);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		sq_unbind_doorbell(sq);
		atomic_store(&sq->valid, false);
		return -ret;
	}
	sq->running = true;
	c->cq[cqid].nsq++;
	return 0;
}

/* Every queue goes (controller reset and shutdown; main thread). */
void stop_queues(struct ctrl *c)
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
	aer_reset(c);
}

/* ---- doorbell writes that arrive as events (main thread) --------------------------- */

/* A 4-byte write to the doorbells, 0x1000-0x1fff of BAR 0 (the region's rule). */
enum pciem_status on_doorbell(void *opaque, uint64_t off, unsigned int size, uint64_t val)
{
	struct ctrl *c = opaque;
	unsigned int idx = (unsigned int)off / NVME_DB_STRIDE(DSTRD), qid = idx / 2;

	(void)size;
	if (qid > c->nq)
		return PCIEM_OK;	/* no such queue: the write is dropped */
	if (off == NVME_DB_SQ_TAIL(qid, DSTRD)) {
		struct sq *sq = &c->sq[qid];

		if (!atomic_load(&sq->valid)) {
			aer_event(c, NVME_AER_TYPE_ERROR, NVME_AER_ERR_INVALID_DB_REG,
				  NVME_LOG_ERROR);
			return PCIEM_OK;
		}
		atomic_store(&sq->db_tail, (uint32_t)val);
		atomic_fetch_add_explicit(&c->st_doorbells, 1, memory_order_relaxed);
		sq_kick(sq);
	} else {
		struct cq *cq = &c->cq[qid];

		if (!atomic_load(&cq->valid))
			return PCIEM_OK;
		if ((uint32_t)val >= cq->size) {
			aer_event(c, NVME_AER_TYPE_ERROR, NVME_AER_ERR_INVALID_DB_VALUE,
				  NVME_LOG_ERROR);
			return PCIEM_OK;
		}
		atomic_store(&cq->db_head, (uint32_t)val);
		if (atomic_load(&cq->waiters)) {
			pthread_mutex_lock(&cq->lock);
			pthread_cond_broadcast(&cq->space);
			pthread_mutex_unlock(&cq->lock);
		}
	}	return PCIEM_OK;
}

/* --stats: what the queues did and where their threads' time went. */
void print_queue_stats(struct ctrl *c)
{
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
