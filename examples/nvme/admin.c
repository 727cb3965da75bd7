// SPDX-License-Identifier: GPL-2.0-only
/*
 * admin.c - the admin command set: Identify, Get Log Page, Get and Set
 * Features, creating and deleting I/O queues, Abort, Asynchronous Event
 * Request and Doorbell Buffer Config.  Commands run in the admin queue's
 * thread (queue.c), one after another.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "nvme.h"

#define FIRMWARE_REVISION	"1.0"

/* Space-padded, not terminated (Identify strings). */
static void put_str(char *p, const char *s, size_t len)
{
	size_t n = strlen(s);

	memset(p, ' ', len);
	memcpy(p, s, n < len ? n : len);
}

static uint16_t kelvin_now(void)
{
	return 303;	/* 30 C */
}

/* ---- asynchronous events -------------------------------------------------------- */

/*
 * An asynchronous event: kept until an AER command is outstanding; the
 * admin queue's thread completes it (any thread may report one, the main
 * thread included, which must never wait for CQ space).
 */
void aer_event(struct ctrl *c, enum nvme_aer_type type, enum nvme_aer_info info,
	       enum nvme_log_page lid)
{
	uint32_t dw0 = NVME_AER_DW0(type, info, lid);
	bool dup = false;

	pthread_mutex_lock(&c->aerlock);
	for (unsigned int i = 0; i < c->npending; i++)
		dup |= c->aer_pending[i] == dw0;
	if (!dup && c->npending < AER_KEPT)
		c->aer_pending[c->npending++] = dw0;
	pthread_mutex_unlock(&c->aerlock);
	sq_kick(&c->sq[0]);
}

/* Admin thread: pair kept events with outstanding AERs, as completions in done[]. */
unsigned int aer_deliver(struct ctrl *c, struct nvme_cqe *done, unsigned int room,
			 uint16_t sqhd)
{
	unsigned int n = 0;

	pthread_mutex_lock(&c->aerlock);
	while (n < room && c->naer && c->npending) {
		done[n++] = (struct nvme_cqe){
			.dw0 = c->aer_pending[0], .sqhd = sqhd, .cid = c->aer_cid[0],
		};
		memmove(c->aer_cid, c->aer_cid + 1, --c->naer * sizeof(c->aer_cid[0]));
		memmove(c->aer_pending, c->aer_pending + 1,
			--c->npending * sizeof(c->aer_pending[0]));
	}
	pthread_mutex_unlock(&c->aerlock);
	return n;
}

/* Controller reset: outstanding requests and kept events are dropped. */
void aer_reset(struct ctrl *c)
{
	pthread_mutex_lock(&c->aerlock);
	c->naer = 0;
	c->npending = 0;
	pthread_mutex_unlock(&c->aerlock);
}

/* An Asynchronous Event Request: kept until aer_deliver() completes it. */
static enum completion admin_aer(struct ctrl *c, const struct nvme_sqe *cmd, uint16_t *status)
{
	enum completion when = COMPLETE_LATER;

	pthread_mutex_lock(&c->aerlock);
	if (c->naer > AERL) {
		*status = NVME_SC_AER_LIMIT | NVME_DNR;
		when = COMPLETE_NOW;
	} else {
		c->aer_cid[c->naer++] = cmd->cid;
	}
	pthread_mutex_unlock(&c->aerlock);
	return when;
}

/* ---- Identify ------------------------------------------------------------------- */

static void identify_ctrl(struct ctrl *c, struct nvme_id_ctrl *id)
{
	char nqn[256];

	id->vid = htole16(VENDOR_ID);
	id->ssvid = htole16(SUBSYS_VENDOR_ID);
	put_str(id->sn, c->serial, sizeof(id->sn));
	put_str(id->mn, c->model, sizeof(id->mn));
	put_str(id->fr, FIRMWARE_REVISION, sizeof(id->fr));
	id->rab = 6;
	id->mdts = MDTS;
	id->cntlid = htole16(1);
	id->ver = htole32(NVME_VS(1, 4, 0));
	id->rtd3e = htole32(10000000);		/* 10 s (shutdown timeout) */
	id->cntrltype = NVME_CNTRLTYPE_IO;
	id->oacs = htole16(c->no_dbbuf ? 0 : NVME_OACS_DBBUF);
	id->acl = ACL;
	id->aerl = AERL;
	id->frmw = NVME_FRMW_NSLOTS(1) | NVME_FRMW_SLOT1_RO;
	id->lpa = NVME_LPA_EXTENDED;
	id->elpe = 0;				/* 1 error log entry */
	id->wctemp = htole16(WCTEMP);
	id->cctemp = htole16(CCTEMP);
	id->sqes = NVME_QUEUE_ES(NVME_SQES_LOG2, NVME_SQES_LOG2);
	id->cqes = NVME_QUEUE_ES(NVME_CQES_LOG2, NVME_CQES_LOG2);
	id->nn = htole32(1);
	id->oncs = htole16(NVME_ONCS_DSM | NVME_ONCS_WRITE_ZEROES);
	id->vwc = NVME_VWC_PRESENT | NVME_VWC_FLUSH_NSID_ALL;
	snprintf(nqn, sizeof(nqn), "nqn.2024-01.io.pciem:nvme:%s", c->serial);
	memcpy(id->subnqn, nqn, strlen(nqn));
	id->psd[0].mp = htole16(2500);		/* 25 W */
}

static void identify_ns(struct ctrl *c, struct nvme_id_ns *id)
{
	struct ns_ids ids;

	id->nsze = htole64(c->ns.nsze);
	id->ncap = htole64(c->ns.nsze);
	id->nuse = htole64(c->ns.nsze);
	id->nlbaf = 0;				/* one format */
	id->flbas = 0;
	id->dlfeat = NVME_DLFEAT_READ_ZEROES | NVME_DLFEAT_WZ_DEALLOCATE;
	id->nsattr = c->ns.ro ? NVME_NSATTR_WRITE_PROTECTED : 0;
	ns_ids(c->serial, &ids);		/* the UUID: in the descriptors only */
	memcpy(id->nguid, ids.nguid, sizeof(id->nguid));
	memcpy(id->eui64, ids.eui64, sizeof(id->eui64));
	id->lbaf[0].lbads = (uint8_t)c->ns.lba_shift;
}

/* Append one Namespace Identification Descriptor at @p; returns the end. */
static uint8_t *ns_desc(uint8_t *p, enum nvme_nidt type, const void *nid, uint8_t len)
{
	struct nvme_ns_id_desc h = { .nidt = type, .nidl = len };

	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), nid, len);
	return p + sizeof(h) + len;
}

static void identify_ns_descs(struct ctrl *c, uint8_t *buf)
{
	static const uint8_t csi = NVME_CSI_NVM;
	struct ns_ids ids;

	ns_ids(c->serial, &ids);
	buf = ns_desc(buf, NVME_NIDT_EUI64, ids.eui64, sizeof(ids.eui64));
	buf = ns_desc(buf, NVME_NIDT_NGUID, ids.nguid, sizeof(ids.nguid));
	buf = ns_desc(buf, NVME_NIDT_UUID, ids.uuid, sizeof(ids.uuid));
	ns_desc(buf, NVME_NIDT_CSI, &csi, sizeof(csi));
}

static uint16_t admin_identify(struct ctrl *c, const struct nvme_sqe *cmd, uint8_t *buf)
{
	unsigned int cns = NVME_IDENTIFY_CNS(cmd->cdw10), csi = NVME_IDENTIFY_CSI(cmd->cdw11);

	_Static_assert(MAX_XFER >= NVME_IDENTIFY_SIZE, "the buffer holds Identify data");
	memset(buf, 0, NVME_IDENTIFY_SIZE);
	switch (cns) {
	case NVME_ID_CNS_NS:
		if (cmd->nsid == NVME_NSID_ALL)
			return NVME_SC_INVALID_NS | NVME_DNR;	/* no common namespace capabilities */
		if (cmd->nsid != 1)
			return NVME_SC_INVALID_NS | NVME_DNR;
		identify_ns(c, (struct nvme_id_ns *)buf);
		break;
	case NVME_ID_CNS_CTRL:
		identify_ctrl(c, (struct nvme_id_ctrl *)buf);
		break;
	case NVME_ID_CNS_NS_ACTIVE_LIST:	/* active namespace IDs above nsid */
		if (cmd->nsid >= 0xfffffffe)	/* FFFFFFFEh and FFFFFFFFh are invalid here */
			return NVME_SC_INVALID_NS | NVME_DNR;
		if (cmd->nsid < 1) {
			uint32_t one = htole32(1);

			memcpy(buf, &one, sizeof(one));
		}
		break;
	case NVME_ID_CNS_NS_DESC_LIST:
		if (cmd->nsid != 1)
			return NVME_SC_INVALID_NS | NVME_DNR;
		identify_ns_descs(c, buf);
		break;
	case NVME_ID_CNS_CS_CTRL:		/* NVM: no limits, all zeroes */
		if (csi != NVME_CSI_NVM)
			return NVME_SC_INVALID_FIELD | NVME_DNR;
		break;
	default:
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	}
	return xfer(c, cmd, buf, NVME_IDENTIFY_SIZE, true);
}

/* ---- Get Log Page ----------------------------------------------------------------- */

static void smart_log(struct ctrl *c, struct nvme_smart_log *log)
{
	struct timespec now;

	log->critical_warning = c->ns.ro ? NVME_SMART_CRIT_READ_ONLY : 0;
	log->temperature = htole16(kelvin_now());
	log->avail_spare = 100;
	log->spare_thresh = 10;
	log->percent_used = 0;
	log->data_units_read[0] = htole64((atomic_load(&c->units_read) + 999) / 1000);
	log->data_units_written[0] = htole64((atomic_load(&c->units_written) + 999) / 1000);
	log->host_reads[0] = htole64(atomic_load(&c->host_reads));
	log->host_writes[0] = htole64(atomic_load(&c->host_writes));
	clock_gettime(CLOCK_MONOTONIC, &now);
	log->power_cycles[0] = htole64(1);
	log->power_on_hours[0] = htole64((uint64_t)(now.tv_sec - c->started.tv_sec) / 3600);
	log->unsafe_shutdowns[0] = htole64(0);
	log->media_errors[0] = htole64(atomic_load(&c->media_errors));
	log->num_err_log_entries[0] = htole64(atomic_load(&c->errors));
}

static uint16_t admin_get_log(struct ctrl *c, const struct nvme_sqe *cmd, uint8_t *buf)
{
	unsigned int lid = NVME_LOG_LID(cmd->cdw10);
	uint64_t numd = (NVME_LOG_NUMDL(cmd->cdw10) |
			 (uint64_t)NVME_LOG_NUMDU(cmd->cdw11) << 16) + 1;
	uint64_t len = numd * 4, off = cmd->cdw12 | ((uint64_t)cmd->cdw13 << 32);
	union {
		uint8_t bytes[512];
		struct nvme_smart_log smart;
		struct nvme_fw_slot_log fw;
	} log;
	size_t loglen;

	if (len > MAX_XFER || off & 3)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	memset(&log, 0, sizeof(log));
	switch (lid) {
	case NVME_LOG_ERROR:		/* one entry, no errors kept */
		loglen = sizeof(struct nvme_error_log_entry);
		break;
	case NVME_LOG_SMART:
		if (cmd->nsid != 0 && cmd->nsid != NVME_NSID_ALL && cmd->nsid != 1)
			return NVME_SC_INVALID_NS | NVME_DNR;
		loglen = sizeof(log.smart);
		smart_log(c, &log.smart);
		break;
	case NVME_LOG_FW_SLOT:
		loglen = sizeof(log.fw);
		log.fw.afi = 1;			/* slot 1 active */
		put_str(log.fw.frs[0], FIRMWARE_REVISION, sizeof(log.fw.frs[0]));
		break;
	default:
		return NVME_SC_INVALID_LOG_PAGE | NVME_DNR;
	}
	if (off > loglen)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	memset(buf, 0, len);
	memcpy(buf, log.bytes + off, loglen - off < len ? loglen - off : len);
	return xfer(c, cmd, buf, len, true);
}

/* ---- Get / Set Features -------------------------------------------------------------- */

/* Defaults, at power-on and after a controller reset. */
void features_reset(struct ctrl *c)
{
	pthread_mutex_lock(&c->flock);
	c->feat_arb = c->feat_pm = c->feat_err_rec = c->feat_irq_coal = 0;
	c->feat_wa = c->feat_aec = 0;
	for (unsigned int i = 0; i < NVME_TEMP_SENSORS; i++) {
		c->temp_over[i] = i == 0 ? WCTEMP : 0xffff;
		c->temp_under[i] = 0;
	}
	memset(c->irq_cfg, 0, sizeof(c->irq_cfg));
	atomic_store(&c->wce, true);
	pthread_mutex_unlock(&c->flock);
}

/* Get (set false) or Set Features. */
static uint16_t admin_features(struct ctrl *c, const struct nvme_sqe *cmd, bool set, uint32_t *dw0)
{
	unsigned int fid = NVME_FEAT_FID(cmd->cdw10), sel = NVME_FEAT_SEL(cmd->cdw10);
	bool dflt = sel == NVME_FEAT_SEL_DEFAULT;
	uint32_t v = cmd->cdw11;
	uint16_t st = NVME_SC_SUCCESS;
	bool over_threshold = false;

	if (set && (cmd->cdw10 & NVME_FEAT_SV))
		return NVME_SC_FEAT_NOT_SAVEABLE | NVME_DNR;
	if (!set && sel == NVME_FEAT_SEL_SUPPORTED) {
		/* Supported capabilities: everything here is changeable, nothing saveable. */
		switch (fid) {
		case NVME_FEAT_ARBITRATION: case NVME_FEAT_POWER_MGMT:
		case NVME_FEAT_TEMP_THRESH: case NVME_FEAT_ERR_RECOVERY:
		case NVME_FEAT_VOLATILE_WC: case NVME_FEAT_NUM_QUEUES:
		case NVME_FEAT_IRQ_COALESCE: case NVME_FEAT_IRQ_CONFIG:
		case NVME_FEAT_WRITE_ATOMIC: case NVME_FEAT_ASYNC_EVENT:
			*dw0 = NVME_FEAT_CAP_CHANGEABLE;
			return NVME_SC_SUCCESS;
		default:
			return NVME_SC_INVALID_FIELD | NVME_DNR;
		}
	}
	if (!set && sel > NVME_FEAT_SEL_SUPPORTED)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	pthread_mutex_lock(&c->flock);
	switch (fid) {
	case NVME_FEAT_ARBITRATION:
		if (set)
			c->feat_arb = v & NVME_ARB_MASK;
		*dw0 = dflt ? 0 : c->feat_arb;
		break;
	case NVME_FEAT_POWER_MGMT:	/* one power state */
		if (set && NVME_PM_PS(v) != 0)
			st = NVME_SC_INVALID_FIELD | NVME_DNR;
		else if (set)
			c->feat_pm = v & NVME_PM_MASK;
		*dw0 = dflt ? 0 : c->feat_pm;
		break;
	case NVME_FEAT_TEMP_THRESH: {
		unsigned int tmpsel = NVME_TEMP_TMPSEL(v), thsel = NVME_TEMP_THSEL(v);
		bool over = thsel == NVME_TEMP_THSEL_OVER;

		if (tmpsel >= NVME_TEMP_SENSORS || thsel > NVME_TEMP_THSEL_UNDER) {
			st = NVME_SC_INVALID_FIELD | NVME_DNR;
			break;
		}
		if (set) {
			if (over)
				c->temp_over[tmpsel] = NVME_TEMP_TMPTH(v);
			else
				c->temp_under[tmpsel] = NVME_TEMP_TMPTH(v);
			/* The composite temperature is past the new threshold already. */
			if (tmpsel == 0 && (over ? kelvin_now() > NVME_TEMP_TMPTH(v)
						 : kelvin_now() < NVME_TEMP_TMPTH(v)))
				over_threshold = true;
		}
		if (dflt)
			*dw0 = over ? (tmpsel == 0 ? WCTEMP : 0xffff) : 0;
		else
			*dw0 = over ? c->temp_over[tmpsel] : c->temp_under[tmpsel];
		break;
	}
	case NVME_FEAT_ERR_RECOVERY:
		if (set)
			c->feat_err_rec = v & NVME_ERR_REC_MASK;
		*dw0 = dflt ? 0 : c->feat_err_rec;
		break;
	case NVME_FEAT_VOLATILE_WC:
		if (set)
			atomic_store(&c->wce, v & NVME_VWC_WCE);
		*dw0 = dflt ? NVME_VWC_WCE : atomic_load(&c->wce);
		break;
	case NVME_FEAT_NUM_QUEUES:
		if (set && (NVME_NUM_QUEUES_NSQR(v) == 0xffff || NVME_NUM_QUEUES_NCQR(v) == 0xffff)) {
			st = NVME_SC_INVALID_FIELD | NVME_DNR;
			break;
		}
		*dw0 = (c->nq - 1) | (c->nq - 1) << 16;
		break;
	case NVME_FEAT_IRQ_COALESCE:	/* accepted, not applied */
		if (set)
			c->feat_irq_coal = v & NVME_IRQ_COALESCE_MASK;
		*dw0 = dflt ? 0 : c->feat_irq_coal;
		break;
	case NVME_FEAT_IRQ_CONFIG: {
		unsigned int iv = NVME_IRQ_CONFIG_IV(v);

		if (iv >= nvectors(c)) {
			st = NVME_SC_INVALID_FIELD | NVME_DNR;
			break;
		}
		if (set)
			c->irq_cfg[iv] = v & (NVME_IRQ_CONFIG_CD | 0xffff);
		*dw0 = dflt ? iv : (c->irq_cfg[iv] & NVME_IRQ_CONFIG_CD) | iv;
		break;
	}
	case NVME_FEAT_WRITE_ATOMIC:
		if (set)
			c->feat_wa = v & NVME_WRITE_ATOMIC_DN;
		*dw0 = dflt ? 0 : c->feat_wa;
		break;
	case NVME_FEAT_ASYNC_EVENT:
		if (set)
			c->feat_aec = v & NVME_ASYNC_EVENT_MASK;
		*dw0 = dflt ? 0 : c->feat_aec;
		break;
	default:
		st = NVME_SC_INVALID_FIELD | NVME_DNR;
		break;
	}
	pthread_mutex_unlock(&c->flock);
	if (over_threshold)	/* completed after this command's completion */
		aer_event(c, NVME_AER_TYPE_SMART, NVME_AER_SMART_TEMP_THRESH, NVME_LOG_SMART);
	return st;
}

/* ---- I/O queues ------------------------------------------------------------------------ */

/* An I/O queue identifier this controller offers. */
static bool io_qid_ok(const struct ctrl *c, unsigned int qid)
{
	return qid >= 1 && qid <= c->nq;
}

static bool queue_size_ok(unsigned int size)
{
	return size >= 2 && size <= MQES + 1;
}

/* A queue's base: physically contiguous (PC), page aligned, not 0. */
static bool queue_base_ok(struct ctrl *c, bool pc, uint64_t base)
{
	return pc && !(base & (c->mps - 1)) && base;
}

static uint16_t admin_create_cq(struct ctrl *c, const struct nvme_sqe *cmd)
{
	unsigned int qid = NVME_QUEUE_QID(cmd->cdw10), size = NVME_QUEUE_QSIZE(cmd->cdw10) + 1;
	unsigned int iv = NVME_CREATE_CQ_IV(cmd->cdw11);
	bool pc = cmd->cdw11 & NVME_CREATE_CQ_PC, ien = cmd->cdw11 & NVME_CREATE_CQ_IEN;

	if (!io_qid_ok(c, qid) || atomic_load(&c->cq[qid].valid))
		return NVME_SC_INVALID_QID | NVME_DNR;
	if (!queue_size_ok(size))
		return NVME_SC_INVALID_QSIZE | NVME_DNR;
	if (!queue_base_ok(c, pc, cmd->prp1))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	if (iv >= nvectors(c))
		return NVME_SC_INVALID_VECTOR | NVME_DNR;
	cq_init(c, qid, size, cmd->prp1, iv, ien);
	return NVME_SC_SUCCESS;
}

static uint16_t admin_create_sq(struct ctrl *c, const struct nvme_sqe *cmd)
{
	unsigned int qid = NVME_QUEUE_QID(cmd->cdw10), size = NVME_QUEUE_QSIZE(cmd->cdw10) + 1;
	unsigned int cqid = NVME_CREATE_SQ_CQID(cmd->cdw11);
	bool pc = cmd->cdw11 & NVME_CREATE_SQ_PC;
	uint16_t st = NVME_SC_SUCCESS;

	if (!io_qid_ok(c, qid) || atomic_load(&c->sq[qid].valid))
		return NVME_SC_INVALID_QID | NVME_DNR;
	if (!io_qid_ok(c, cqid) || !atomic_load(&c->cq[cqid].valid))
		return NVME_SC_CQ_INVALID | NVME_DNR;
	if (!queue_size_ok(size))
		return NVME_SC_INVALID_QSIZE | NVME_DNR;
	if (!queue_base_ok(c, pc, cmd->prp1))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	pthread_mutex_lock(&c->qlock);
	if (sq_start(c, qid, cqid, size, cmd->prp1) < 0)
		st = NVME_SC_INTERNAL;
	pthread_mutex_unlock(&c->qlock);
	return st;
}

static uint16_t admin_delete_sq(struct ctrl *c, const struct nvme_sqe *cmd)
{
	unsigned int qid = NVME_QUEUE_QID(cmd->cdw10);
	struct sq *sq;

	if (!io_qid_ok(c, qid) || !atomic_load(&c->sq[qid].valid))
		return NVME_SC_INVALID_QID | NVME_DNR;
	sq = &c->sq[qid];
	pthread_mutex_lock(&c->qlock);
	sq_stop(sq);
	atomic_store(&sq->valid, false);
	c->cq[sq->cqid].nsq--;
	pthread_mutex_unlock(&c->qlock);
	return NVME_SC_SUCCESS;
}

static uint16_t admin_delete_cq(struct ctrl *c, const struct nvme_sqe *cmd)
{
	unsigned int qid = NVME_QUEUE_QID(cmd->cdw10);
	struct cq *cq;

	if (!io_qid_ok(c, qid) || !atomic_load(&c->cq[qid].valid))
		return NVME_SC_INVALID_QID | NVME_DNR;
	cq = &c->cq[qid];
	pthread_mutex_lock(&c->qlock);
	if (cq->nsq) {
		pthread_mutex_unlock(&c->qlock);
		return NVME_SC_INVALID_QDELETION | NVME_DNR;
	}
	pthread_mutex_lock(&cq->lock);
	atomic_store(&cq->valid, false);
	pthread_mutex_unlock(&cq->lock);
	pthread_mutex_unlock(&c->qlock);
	return NVME_SC_SUCCESS;
}

/* Doorbell Buffer Config: PRP1 the shadow doorbells, PRP2 the EventIdx buffer. */
static uint16_t admin_dbbuf(struct ctrl *c, const struct nvme_sqe *cmd)
{
	uint32_t zero[2] = { 0, 0 };
	unsigned int q;

	if (!cmd->prp1 || !cmd->prp2 || (cmd->prp1 & (c->mps - 1)) || (cmd->prp2 & (c->mps - 1)))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	/* Reachable?  (The host allocated a page for each.) */
	if (pciem_dma_read(c->d, cmd->prp1, zero, 8) < 0 || pciem_dma_read(c->d, cmd->prp2, zero, 8) < 0)
		return NVME_SC_DATA_TRANSFER_ERROR;
	pthread_mutex_lock(&c->qlock);
	c->dbbuf_dbs = cmd->prp1;
	c->dbbuf_eis = cmd->prp2;
	atomic_store(&c->dbbuf, true);
	/* Queues that exist already: take their shadow values over now. */
	for (q = 1; q <= c->nq; q++)
		if (atomic_load(&c->sq[q].valid))
			sq_kick(&c->sq[q]);
	pthread_mutex_unlock(&c->qlock);
	return NVME_SC_SUCCESS;
}

/* ---- dispatch ------------------------------------------------------------------------- */

/*
 * Execute an admin command: *status (and *dw0) for its completion, unless
 * it completes later (an AER).
 */
enum completion admin_cmd(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd,
			  uint16_t *status, uint32_t *dw0)
{
	uint8_t *buf = sq->data;

	if (cmd->flags & NVME_SQE_FUSE_MASK) {
		*status = NVME_SC_INVALID_FIELD | NVME_DNR;	/* no fused operations */
		return COMPLETE_NOW;
	}
	switch (cmd->opcode) {
	case NVME_ADM_DELETE_SQ:
		*status = admin_delete_sq(c, cmd);
		break;
	case NVME_ADM_CREATE_SQ:
		*status = admin_create_sq(c, cmd);
		break;
	case NVME_ADM_GET_LOG_PAGE:
		*status = admin_get_log(c, cmd, buf);
		break;
	case NVME_ADM_DELETE_CQ:
		*status = admin_delete_cq(c, cmd);
		break;
	case NVME_ADM_CREATE_CQ:
		*status = admin_create_cq(c, cmd);
		break;
	case NVME_ADM_IDENTIFY:
		*status = admin_identify(c, cmd, buf);
		break;
	case NVME_ADM_ABORT:	/* commands run to completion here, so none is aborted */
		*dw0 = 1;
		*status = NVME_SC_SUCCESS;
		break;
	case NVME_ADM_SET_FEATURES:
		*status = admin_features(c, cmd, true, dw0);
		break;
	case NVME_ADM_GET_FEATURES:
		*status = admin_features(c, cmd, false, dw0);
		break;
	case NVME_ADM_ASYNC_EVENT_REQUEST:
		return admin_aer(c, cmd, status);
	case NVME_ADM_DOORBELL_BUFFER_CONFIG:
		*status = c->no_dbbuf ? NVME_SC_INVALID_OPCODE | NVME_DNR : admin_dbbuf(c, cmd);
		break;
	default:
		*status = NVME_SC_INVALID_OPCODE | NVME_DNR;
		break;
	}
	return COMPLETE_NOW;
}
