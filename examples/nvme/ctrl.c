// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctrl.c - the controller registers, and enable, reset and shutdown.
 *
 * Only writes to BAR 0 are traced: every register's value lives in BAR
 * memory, so driver reads run at memory speed.  After a write the emulator
 * puts back the read-only bytes the driver changed (from c->shadow) and
 * acts on CC; it keeps CSTS current itself.  All of this runs in the main
 * thread, which takes the events.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nvme.h"

/* ---- registers in BAR memory ------------------------------------------------ */

static uint32_t reg_get(struct ctrl *c, unsigned int off)
{
	return c->regs[off / 4];
}

static uint64_t reg_get64(struct ctrl *c, unsigned int off)
{
	return reg_get(c, off) | (uint64_t)reg_get(c, off + 4) << 32;
}

/* A device-owned register: BAR memory and the shadow (reglock held). */
static void reg_set_locked(struct ctrl *c, unsigned int off, uint32_t v)
{
	uint32_t le = htole32(v);

	memcpy(c->shadow + off, &le, 4);
	c->regs[off / 4] = v;
}

void csts_update(struct ctrl *c, uint32_t clear, uint32_t set)
{
	pthread_mutex_lock(&c->reglock);
	reg_set_locked(c, NVME_REG_CSTS, (reg_get(c, NVME_REG_CSTS) & ~clear) | set);
	pthread_mutex_unlock(&c->reglock);
}

/* Bytes software may write: CC, AQA, ASQ, ACQ. */
static bool reg_writable(unsigned int off)
{
	return (off >= NVME_REG_CC && off < NVME_REG_CC + 4) ||
	       (off >= NVME_REG_AQA && off < NVME_REG_ACQ + 8);
}

/* Put back what a driver's write changed in read-only bytes (reglock held). */
static void reg_restore_locked(struct ctrl *c, unsigned int off, unsigned int size)
{
	unsigned int w;

	for (w = off & ~3u; w < off + size && w < NVME_REG_DBS; w += 4) {
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
	uint64_t cap = (uint64_t)MQES << NVME_CAP_MQES_SHIFT |
		       NVME_CAP_CQR |				/* contiguous queues */
		       15ull << NVME_CAP_TO_SHIFT |		/* 7.5 s */
		       (uint64_t)DSTRD << NVME_CAP_DSTRD_SHIFT |
		       NVME_CAP_CSS_NVM |
		       0ull << NVME_CAP_MPSMIN_SHIFT |		/* 4 KiB */
		       (uint64_t)MPS_MAX << NVME_CAP_MPSMAX_SHIFT;	/* 64 KiB */

	pthread_mutex_lock(&c->reglock);
	memset(c->shadow, 0, sizeof(c->shadow));
	for (unsigned int off = 0; off < NVME_REG_DBS; off += 4)
		c->regs[off / 4] = 0;
	reg_set_locked(c, NVME_REG_CAP, (uint32_t)cap);
	reg_set_locked(c, NVME_REG_CAP + 4, (uint32_t)(cap >> 32));
	reg_set_locked(c, NVME_REG_VS, NVME_VS(1, 4, 0));
	pthread_mutex_unlock(&c->reglock);
	c->cc = 0;
	c->intm = 0;
}

/* ---- enable, reset, shutdown ---------------------------------------------------- */

/* Controller reset (CC.EN 1 -> 0): the queues go, features return to defaults. */
void ctrl_reset(struct ctrl *c)
{
	stop_queues(c);
	features_reset(c);
	c->enabled = false;
}

/* Power-on state, as after a Function Level Reset. */
void ctrl_power_on(struct ctrl *c)
{
	ctrl_reset(c);
	regs_reset(c);
}

static void ctrl_enable(struct ctrl *c, uint32_t cc)
{
	uint32_t aqa = reg_get(c, NVME_REG_AQA);
	uint64_t asq = reg_get64(c, NVME_REG_ASQ);
	uint64_t acq = reg_get64(c, NVME_REG_ACQ);
	unsigned int sqs = NVME_AQA_ASQS(aqa) + 1, cqs = NVME_AQA_ACQS(aqa) + 1;
	uint32_t page = NVME_CC_PAGE_SIZE(cc);
	const char *why = NULL;

	if (NVME_CC_MPS(cc) > MPS_MAX)
		why = "memory page size";
	else if (NVME_CC_CSS(cc) != 0)
		why = "command set";
	else if (sqs < 2 || cqs < 2)
		why = "admin queue size";
	else if (!asq || !acq || (asq & (page - 1)) || (acq & (page - 1)))
		why = "admin queue address";
	else if (NVME_CC_IOSQES(cc) && NVME_CC_IOSQES(cc) != NVME_SQES_LOG2)
		why = "I/O SQ entry size";
	else if (NVME_CC_IOCQES(cc) && NVME_CC_IOCQES(cc) != NVME_CQES_LOG2)
		why = "I/O CQ entry size";
	if (why) {
		/* Not ready, ever: the driver times out, as with real hardware. */
		fprintf(stderr, "pciem-nvme: enable refused: bad %s (CC %#x AQA %#x)\n", why,
			cc, aqa);
		return;
	}
	c->mps = page;
	cq_init(c, 0, cqs, acq, 0, true);
	pthread_mutex_lock(&c->qlock);
	if (sq_start(c, 0, 0, sqs, asq) < 0) {
		pthread_mutex_unlock(&c->qlock);
		fprintf(stderr, "pciem-nvme: enable: cannot start the admin queue\n");
		return;
	}
	pthread_mutex_unlock(&c->qlock);
	c->enabled = true;
	csts_update(c, NVME_CSTS_CFS | NVME_CSTS_SHST_MASK, NVME_CSTS_RDY);
}

static void ctrl_shutdown(struct ctrl *c)
{
	csts_update(c, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_OCCURRING);
	stop_queues(c);
	if (!c->ns.ro)
		fsync(c->ns.fd);
	csts_update(c, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_COMPLETE);
}

static void cc_write(struct ctrl *c, uint32_t cc)
{
	uint32_t old = c->cc;

	c->cc = cc;
	if ((old & NVME_CC_EN) && !(cc & NVME_CC_EN)) {
		ctrl_reset(c);
		csts_update(c, NVME_CSTS_RDY | NVME_CSTS_CFS | NVME_CSTS_SHST_MASK, 0);
	}
	if (!NVME_CC_SHN(old) && NVME_CC_SHN(cc))
		ctrl_shutdown(c);
	else if (NVME_CC_SHN(old) && !NVME_CC_SHN(cc))
		csts_update(c, NVME_CSTS_SHST_MASK, 0);
	if (!(old & NVME_CC_EN) && (cc & NVME_CC_EN) && !NVME_CC_SHN(cc))
		ctrl_enable(c, cc);
}

/* ---- events ------------------------------------------------------------------------ */

/* A write to the registers, 0x0000-0x0fff of BAR 0. */
enum pciem_status on_regs(void *opaque, uint64_t off, unsigned int size, uint64_t val)
{
	struct ctrl *c = opaque;

	pthread_mutex_lock(&c->reglock);
	reg_restore_locked(c, (unsigned int)off, size);
	if (off <= NVME_REG_INTMC + 3 && off + size > NVME_REG_INTMS) {
		/* Pin-based interrupt masks: both registers read the mask. */
		uint32_t v = (uint32_t)val;

		if (off == NVME_REG_INTMS && size == 4)
			c->intm |= v;
		else if (off == NVME_REG_INTMC && size == 4)
			c->intm &= ~v;
		reg_set_locked(c, NVME_REG_INTMS, c->intm);
		reg_set_locked(c, NVME_REG_INTMC, c->intm);
	}
	pthread_mutex_unlock(&c->reglock);
	if (off <= NVME_REG_CC + 3 && off + size > NVME_REG_CC)
		cc_write(c, reg_get(c, NVME_REG_CC));
	return PCIEM_OK;
}

/* Function Level Reset: everything back to power-on state. */
void on_reset(void *opaque, const struct pciem_event *ev)
{
	(void)ev;
	ctrl_power_on(opaque);
}
