// SPDX-License-Identifier: GPL-2.0-only
/*
 * io.c - the NVM command set: Read, Write, Flush, Write Zeroes and Dataset
 * Management, on the one namespace (ns.c).  Commands run in their I/O
 * queue's thread (queue.c); the queues run concurrently.
 *
 * The volatile write cache is FILE's page cache: Flush fdatasync()s it, and
 * a write with FUA, or with the cache turned off (Set Features), is synced
 * before it completes.
 */
#include <endian.h>
#include <unistd.h>

#include "nvme.h"

/* A media error: counted for the SMART log. */
static uint16_t io_error(struct ctrl *c, uint16_t st)
{
	atomic_fetch_add(&c->media_errors, 1);
	return st;
}

/* [slba, slba + nlb) lies within the namespace. */
static bool lba_range_ok(const struct ns *ns, uint64_t slba, uint64_t nlb)
{
	return slba <= ns->nsze && nlb <= ns->nsze - slba;
}

/* Written data must reach FILE before the completion. */
static bool write_through(struct ctrl *c, const struct nvme_sqe *cmd)
{
	return (cmd->cdw12 & NVME_RW_FUA) || !atomic_load(&c->wce);
}

/* The SMART counters of a read or write of nlb blocks (data units: 512 bytes). */
static void count_io(struct ctrl *c, uint64_t nlb, bool write)
{
	uint64_t units = nlb << c->ns.lba_shift >> 9;

	if (write) {
		atomic_fetch_add(&c->units_written, units);
		atomic_fetch_add(&c->host_writes, 1);
	} else {
		atomic_fetch_add(&c->units_read, units);
		atomic_fetch_add(&c->host_reads, 1);
	}
}

static uint16_t io_rw(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd, bool write)
{
	const struct ns *ns = &c->ns;
	uint64_t slba = NVME_RW_SLBA(cmd->cdw10, cmd->cdw11);
	uint64_t nlb = NVME_RW_NLB(cmd->cdw12) + 1ull;
	size_t len = (size_t)(nlb << ns->lba_shift);
	uint64_t off = slba << ns->lba_shift;
	uint16_t st;

	if (write && ns->ro)
		return NVME_SC_NS_WRITE_PROTECTED | NVME_DNR;
	if (!lba_range_ok(ns, slba, nlb))
		return NVME_SC_LBA_RANGE | NVME_DNR;
	if (len > MAX_XFER)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	if (ns->map) {
		/* One copy, straight between the file's pages and host memory. */
		st = xfer(c, cmd, ns->map + off, len, !write);
		if (st)
			return st;
		if (write && write_through(c, cmd) && ns_msync(ns, off, len) < 0)
			return io_error(c, NVME_SC_WRITE_FAULT);
		count_io(c, nlb, write);
		return NVME_SC_SUCCESS;
	}
	if (write) {
		st = xfer(c, cmd, sq->data, len, false);
		if (st)
			return st;
		if (!ns_pio(ns, sq->data, len, off, true, write_through(c, cmd)))
			return io_error(c, NVME_SC_WRITE_FAULT);
		count_io(c, nlb, true);
		return NVME_SC_SUCCESS;
	}
	if (!ns_pio(ns, sq->data, len, off, false, false))
		return io_error(c, NVME_SC_READ_ERROR);
	st = xfer(c, cmd, sq->data, len, true);
	if (st)
		return st;
	count_io(c, nlb, false);
	return NVME_SC_SUCCESS;
}

static uint16_t io_write_zeroes(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd)
{
	const struct ns *ns = &c->ns;
	uint64_t slba = NVME_RW_SLBA(cmd->cdw10, cmd->cdw11);
	uint64_t nlb = NVME_RW_NLB(cmd->cdw12) + 1ull;

	if (ns->ro)
		return NVME_SC_NS_WRITE_PROTECTED | NVME_DNR;
	if (!lba_range_ok(ns, slba, nlb))
		return NVME_SC_LBA_RANGE | NVME_DNR;
	if (ns_zero(ns, slba << ns->lba_shift, nlb << ns->lba_shift, sq->data) < 0)
		return io_error(c, NVME_SC_WRITE_FAULT);
	if (write_through(c, cmd) && fdatasync(ns->fd) < 0)
		return io_error(c, NVME_SC_WRITE_FAULT);
	return NVME_SC_SUCCESS;
}

/* Dataset Management: only deallocation does anything. */
static uint16_t io_dsm(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd)
{
	const struct ns *ns = &c->ns;
	unsigned int nr = NVME_DSM_NR(cmd->cdw10) + 1, i;
	const struct nvme_dsm_range *r = (const struct nvme_dsm_range *)sq->data;
	struct {
		uint64_t slba, nlb;
	} range[NVME_DSM_MAX_RANGES];
	uint16_t st;

	st = xfer(c, cmd, sq->data, nr * sizeof(*r), false);
	if (st)
		return st;
	/* All ranges are checked before any is acted on. */
	for (i = 0; i < nr; i++) {
		range[i].slba = le64toh(r[i].slba);
		range[i].nlb = le32toh(r[i].nlb);
		if (!lba_range_ok(ns, range[i].slba, range[i].nlb))
			return NVME_SC_LBA_RANGE | NVME_DNR;
	}
	if (!(cmd->cdw11 & NVME_DSM_AD))
		return NVME_SC_SUCCESS;
	if (ns->ro)
		return NVME_SC_NS_WRITE_PROTECTED | NVME_DNR;
	for (i = 0; i < nr; i++)
		if (range[i].nlb)
			ns_deallocate(ns, range[i].slba << ns->lba_shift,
				      range[i].nlb << ns->lba_shift);
	return NVME_SC_SUCCESS;
}

/* Execute an NVM command; its status. */
uint16_t io_cmd(struct ctrl *c, struct sq *sq, const struct nvme_sqe *cmd)
{
	if (cmd->flags & NVME_SQE_FUSE_MASK)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	switch (cmd->opcode) {
	case NVME_CMD_FLUSH: case NVME_CMD_WRITE: case NVME_CMD_READ:
	case NVME_CMD_WRITE_ZEROES: case NVME_CMD_DSM:
		/* Flush may name every namespace (VWC says so). */
		if (cmd->nsid != 1 && !(cmd->opcode == NVME_CMD_FLUSH && cmd->nsid == NVME_NSID_ALL))
			return NVME_SC_INVALID_NS | NVME_DNR;
		break;
	default:
		return NVME_SC_INVALID_OPCODE | NVME_DNR;
	}
	switch (cmd->opcode) {
	case NVME_CMD_FLUSH:
		if (!c->ns.ro && fdatasync(c->ns.fd) < 0)
			return io_error(c, NVME_SC_WRITE_FAULT);
		return NVME_SC_SUCCESS;
	case NVME_CMD_WRITE:
		return io_rw(c, sq, cmd, true);
	case NVME_CMD_READ:
		return io_rw(c, sq, cmd, false);
	case NVME_CMD_WRITE_ZEROES:
		return io_write_zeroes(c, sq, cmd);
	default:
		return io_dsm(c, sq, cmd);
	}
}
