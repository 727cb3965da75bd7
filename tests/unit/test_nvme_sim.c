// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_nvme_sim.c - pciem-nvme on libpciem's simulated bus: the program's
 * own main() runs in a thread, unmodified, and this test is a minimal NVMe
 * host driver (NVM Express Base Specification 2.0, 3.5.1 "Memory-based
 * controller initialization"): admin queues, Identify, I/O queues, writes
 * and reads through PRPs, MSI-X, shutdown and surprise removal.  No root,
 * no pciem.ko.  The last line is "nvme-sim: N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "pciem_sim.h"
#include "check.h"

int pciem_nvme_main(int argc, char **argv);	/* examples/nvme's main() */


/* Controller registers (3.1) and the doorbells (stride 4: CAP.DSTRD 0). */
#define NVME_CAP	0x00
#define NVME_VS		0x08
#define NVME_CC		0x14
#define NVME_CSTS	0x1c
#define NVME_AQA	0x24
#define NVME_ASQ	0x28
#define NVME_ACQ	0x30
#define NVME_DB(qid, cq) (0x1000 + (2 * (qid) + (cq)) * 4)

#define CC_EN		(1u << 0)
#define CC_IOSQES	(6u << 16)	/* 64-byte SQ entries */
#define CC_IOCQES	(4u << 20)	/* 16-byte CQ entries */
#define CC_SHN_NORMAL	(1u << 14)
#define CSTS_RDY	(1u << 0)
#define CSTS_SHST_DONE	(2u << 2)

#define QDEPTH		16
#define PAGE		4096u
#define LBA		512u

struct sqe {
	uint8_t opc, flags;
	uint16_t cid;
	uint32_t nsid, cdw2, cdw3;
	uint64_t mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid, cid, status;	/* status bit 0: phase */
};

_Static_assert(sizeof(struct sqe) == 64, "SQ entry");
_Static_assert(sizeof(struct cqe) == 16, "CQ entry");

/* Host memory the controller may reach, at bus address IOVA. */
#define IOVA		0x10000000ull
static uint8_t mem[64 * PAGE] __attribute__((aligned(4096)));

enum { ASQ, ACQ, IOSQ, IOCQ, IDENT, DATA = 8, DATA2 = 24 };	/* page numbers in mem */

static uint64_t iova(unsigned int page)
{
	return IOVA + (uint64_t)page * PAGE;
}

struct queue {
	unsigned int qid, sq_page, cq_page, tail, head;
	uint16_t phase;
};

static struct pciem_sim *s;

static uint64_t rd(unsigned int size, uint64_t off)
{
	uint64_t v = 0;

	CHECKM(pciem_sim_read(s, 0, off, size, &v) == 0, "read %#llx", (unsigned long long)off);
	return v;
}

static void wr(unsigned int size, uint64_t off, uint64_t v)
{
	CHECKM(pciem_sim_write(s, 0, off, size, v) == 0, "write %#llx", (unsigned long long)off);
}

static bool wait_csts(uint32_t mask, uint32_t want)
{
	for (int i = 0; i < 2000; i++) {
		if ((rd(4, NVME_CSTS) & mask) == want)
			return true;
		usleep(1000);
	}
	return false;
}

/* Submit one command and wait for its completion: SCT and SC (0: success). */
static int submit(struct queue *q, struct sqe cmd)
{
	static uint16_t cid;
	struct sqe *sq = (struct sqe *)(mem + q->sq_page * PAGE);
	volatile struct cqe *cq = (volatile struct cqe *)(mem + q->cq_page * PAGE);

	cmd.cid = ++cid;
	sq[q->tail] = cmd;
	q->tail = (q->tail + 1) % QDEPTH;
	wr(4, NVME_DB(q->qid, 0), q->tail);
	for (int i = 0; i < 5000; i++) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if ((cq[q->head].status & 1) == q->phase) {
			uint16_t status = (cq[q->head].status >> 1) & 0x7ff;

			CHECKM(cq[q->head].cid == cmd.cid, "completion for cid %u, want %u",
			      cq[q->head].cid, cmd.cid);
			if (++q->head == QDEPTH) {
				q->head = 0;
				q->phase ^= 1;
			}
			wr(4, NVME_DB(q->qid, 1), q->head);
			return status;
		}
		usleep(1000);
	}
	CHECKM(0, "no completion for opcode %#x", cmd.opc);
	return -1;
}

static void *run_nvme(void *arg)
{
	static char path[] = "/tmp/pciem-nvme-sim.XXXXXX";
	char *argv[] = { "pciem-nvme", "--size", "1M", "--queues", "2", path, NULL };
	int fd = mkstemp(path);

	if (fd >= 0) {
		close(fd);
		unlink(path);	/* the program creates it at --size */
	}
	optind = 1;
	*(int *)arg = pciem_nvme_main(6, argv);
	unlink(path);
	return NULL;
}

static void test_controller(void)
{
	struct queue admin = { .qid = 0, .sq_page = ASQ, .cq_page = ACQ, .phase = 1 };
	struct queue io = { .qid = 1, .sq_page = IOSQ, .cq_page = IOCQ, .phase = 1 };
	uint64_t cap = rd(8, NVME_CAP);
	uint8_t *id = mem + IDENT * PAGE;
	unsigned long irqs;

	CHECKM((cap & 0xffff) >= QDEPTH - 1, "CAP.MQES %llu", (unsigned long long)(cap & 0xffff));
	CHECKM(((cap >> 32) & 0xf) == 0, "CAP.DSTRD 0");
	CHECKM(rd(4, NVME_VS) >= 0x00010400, "VS %#llx", (unsigned long long)rd(4, NVME_VS));

	wr(4, NVME_AQA, ((QDEPTH - 1) << 16) | (QDEPTH - 1));
	wr(8, NVME_ASQ, iova(ASQ));
	wr(8, NVME_ACQ, iova(ACQ));
	wr(4, NVME_CC, CC_EN | CC_IOSQES | CC_IOCQES);
	CHECKM(wait_csts(CSTS_RDY, CSTS_RDY), "CSTS.RDY after CC.EN");

	/* Identify Controller (CNS 1). */
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x06, .prp1 = iova(IDENT), .cdw10 = 1 }) == 0,
	      "Identify Controller");
	CHECKM(id[0] == 0x36 && id[1] == 0x1b, "PCI vendor ID in Identify: %02x%02x", id[1], id[0]);
	CHECKM(id[77] == 0 || id[77] >= 1, "MDTS readable");
	/* Identify Namespace 1 (CNS 0): NSZE = 1 MiB of 512-byte blocks. */
	memset(id, 0xaa, PAGE);
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x06, .nsid = 1, .prp1 = iova(IDENT) }) == 0,
	      "Identify Namespace");
	{
		uint64_t nsze;

		memcpy(&nsze, id, 8);
		CHECKM(nsze == (1u << 20) / LBA, "NSZE %llu", (unsigned long long)nsze);
	}
	/* SMART / Health log (LID 2, 512 bytes): fields where the spec puts them. */
	memset(id, 0xaa, PAGE);
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x02, .nsid = 0xffffffff, .prp1 = iova(IDENT),
		      .cdw10 = (127u << 16) | 2 }) == 0, "Get Log Page SMART");
	{
		uint64_t cycles, hours, unsafe, media;
		uint16_t kelvin;

		memcpy(&kelvin, id + 1, 2);
		memcpy(&cycles, id + 112, 8);
		memcpy(&hours, id + 128, 8);
		memcpy(&unsafe, id + 144, 8);
		memcpy(&media, id + 160, 8);
		CHECKM(id[0] == 0 && kelvin > 273 && kelvin < 373, "warning %#x, %u K", id[0],
		       kelvin);
		CHECKM(cycles == 1 && hours == 0 && unsafe == 0 && media == 0,
		       "power cycles %llu, hours %llu, unsafe %llu, media errors %llu",
		       (unsigned long long)cycles, (unsigned long long)hours,
		       (unsigned long long)unsafe, (unsigned long long)media);
	}
	/* An unknown admin opcode: Invalid Command Opcode (SCT 0, SC 1). */
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x7f }) == 0x1, "unknown opcode status");

	/* One I/O queue pair on MSI-X vector 1. */
	CHECKM(pciem_sim_enable_msix(s) == 0, "enable MSI-X");
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x05, .prp1 = iova(IOCQ),
		     .cdw10 = ((QDEPTH - 1) << 16) | 1, .cdw11 = (1u << 16) | 0x3 }) == 0,
	      "Create I/O CQ");
	CHECKM(submit(&admin, (struct sqe){ .opc = 0x01, .prp1 = iova(IOSQ),
		     .cdw10 = ((QDEPTH - 1) << 16) | 1, .cdw11 = (1u << 16) | 0x1 }) == 0,
	      "Create I/O SQ");

	/* Write 16 blocks (8 KiB: PRP1 and PRP2), read them back elsewhere. */
	for (unsigned int i = 0; i < 2 * PAGE; i++)
		mem[DATA * PAGE + i] = (uint8_t)(i * 13 + 5);
	irqs = pciem_sim_irqs(s, 1);
	CHECKM(submit(&io, (struct sqe){ .opc = 0x01, .nsid = 1, .prp1 = iova(DATA),
		     .prp2 = iova(DATA + 1), .cdw10 = 8, .cdw12 = 15 }) == 0, "Write");
	CHECKM(submit(&io, (struct sqe){ .opc = 0x02, .nsid = 1, .prp1 = iova(DATA2),
		     .prp2 = iova(DATA2 + 1), .cdw10 = 8, .cdw12 = 15 }) == 0, "Read");
	CHECKM(memcmp(mem + DATA * PAGE, mem + DATA2 * PAGE, 2 * PAGE) == 0,
	      "data read back differs");
	CHECKM(pciem_sim_wait_irq(s, 1, irqs + 2, 2000) == 0, "an MSI-X message per completion");
	/* Past the end of the namespace: LBA Out of Range (SCT 0, SC 0x80). */
	CHECKM(submit(&io, (struct sqe){ .opc = 0x02, .nsid = 1, .prp1 = iova(DATA2),
		     .cdw10 = (1u << 20) / LBA }) == 0x80, "read past the end");
	/* A PRP outside host memory the test mapped: Data Transfer Error (SC 4). */
	CHECKM(submit(&io, (struct sqe){ .opc = 0x02, .nsid = 1, .prp1 = 0x7000000000ull }) == 0x4,
	      "read into unmapped memory");

	/* Normal shutdown. */
	wr(4, NVME_CC, CC_EN | CC_IOSQES | CC_IOCQES | CC_SHN_NORMAL);
	CHECKM(wait_csts(0xc, CSTS_SHST_DONE), "CSTS.SHST complete");
}

int main(void)
{
	pthread_t t;
	int rc = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pthread_create(&t, NULL, run_nvme, &rc))
		return 1;
	s = pciem_sim_wait_started(5000);
	CHECKM(s != NULL, "pciem-nvme did not start");
	if (s) {
		CHECKM(pciem_sim_dma_map(s, IOVA, mem, sizeof(mem)) == 0, "map host memory");
		pciem_sim_enable(s);
		test_controller();
		pciem_sim_remove(s);
	}
	pthread_join(t, NULL);
	CHECKM(rc == 0, "pciem-nvme exit status %d after removal", rc);
	pciem_sim_put(s);
	return t_summary("nvme-sim");
}
