// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_edu_sim.c - pciem-edu on libpciem's simulated bus: the program's own
 * main() runs in a thread, unmodified, and this test plays its driver
 * (registers, factorial, interrupts by INTx and MSI, DMA both ways,
 * surprise removal).  No root, no pciem.ko.  The last line is
 * "edu-sim: N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/pci_regs.h>

#include "pciem_sim.h"
#include "check.h"

int pciem_edu_main(int argc, char **argv);	/* examples/edu/edu.c's main() */


static struct pciem_sim *s;

static uint64_t rd(unsigned int size, uint64_t off)
{
	uint64_t v = 0;
	int ret = pciem_sim_read(s, 0, off, size, &v);

	CHECKM(ret == 0, "read %u bytes at %#llx: %d", size, (unsigned long long)off, ret);
	return v;
}

static void wr(unsigned int size, uint64_t off, uint64_t v)
{
	int ret = pciem_sim_write(s, 0, off, size, v);

	CHECKM(ret == 0, "write %u bytes at %#llx: %d", size, (unsigned long long)off, ret);
}

/* Poll a register until (value & mask) == want, for up to a second. */
static bool wait_reg(uint64_t off, uint32_t mask, uint32_t want)
{
	for (int i = 0; i < 1000; i++) {
		if ((rd(4, off) & mask) == want)
			return true;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	return false;
}

static void *run_edu(void *arg)
{
	static char *argv[] = { "pciem-edu", NULL };

	*(int *)arg = pciem_edu_main(1, argv);
	return NULL;
}

static void test_registers(void)
{
	CHECKM(pciem_sim_cfg_read(s, PCI_VENDOR_ID, 4) == 0x11e81234, "IDs");
	CHECKM(pciem_sim_cfg_read(s, PCI_CLASS_REVISION, 4) == 0x00ff0010, "class/revision");
	CHECKM(rd(4, 0x00) == 0x010000ed, "identification");
	wr(4, 0x04, 0x12345678);
	CHECKM(rd(4, 0x04) == 0xedcba987, "liveness check inverts");
	/* As QEMU's edu: 1- and 2-byte reads 0, 8 bytes below 0x80 all ones. */
	CHECKM(rd(1, 0x00) == 0, "1-byte read");
	CHECKM(rd(2, 0x04) == 0, "2-byte read");
	CHECKM(rd(8, 0x00) == ~0ull, "8-byte read below 0x80");
	wr(2, 0x04, 0);
	CHECKM(rd(4, 0x04) == 0xedcba987, "a 2-byte write changes nothing");
}

static void test_factorial(void)
{
	wr(4, 0x08, 10);
	CHECKM(wait_reg(0x20, 0x01, 0), "factorial done");
	CHECKM(rd(4, 0x08) == 3628800, "10! = %llu", (unsigned long long)rd(4, 0x08));
}

static void test_intx(void)
{
	wr(4, 0x20, 0x80);	/* interrupt when the factorial is done */
	wr(4, 0x08, 5);
	CHECKM(wait_reg(0x24, 0x1, 0x1), "factorial interrupt status");
	CHECKM(pciem_sim_intx(s), "INTx asserted with status set");
	wr(4, 0x64, 0x1);
	CHECKM(rd(4, 0x24) == 0, "status acknowledged");
	CHECKM(!pciem_sim_intx(s), "INTx released at status 0, before the next read");
	wr(4, 0x20, 0);
}

static void test_msi(void)
{
	unsigned long before;

	CHECKM(pciem_sim_enable_msi(s) == 0, "enable MSI");
	before = pciem_sim_irqs(s, 0);
	wr(4, 0x60, 0x100);	/* raise: the message goes out before the next answer */
	CHECKM(rd(4, 0x24) == 0x100, "status after raise");
	CHECKM(pciem_sim_irqs(s, 0) == before + 1, "one MSI, %lu", pciem_sim_irqs(s, 0) - before);
	CHECKM(!pciem_sim_intx(s), "no INTx while MSI is on");
	wr(4, 0x64, 0x100);
	CHECKM(rd(4, 0x24) == 0, "acknowledged");
}

static void test_dma(void)
{
	static uint8_t host[8192];
	const uint64_t iova = 0x100000;
	unsigned long n = pciem_sim_irqs(s, 0);

	for (unsigned int i = 0; i < 256; i++)
		host[i] = (uint8_t)(i * 7 + 1);
	CHECKM(pciem_sim_dma_map(s, iova, host, sizeof(host)) == 0, "map");
	/* RAM -> device buffer (0x40000), with an interrupt. */
	wr(8, 0x80, iova);
	wr(8, 0x88, 0x40000);
	wr(8, 0x90, 256);
	wr(8, 0x98, 0x1 | 0x4);
	CHECKM(pciem_sim_wait_irq(s, 0, n + 1, 2000) == 0, "DMA interrupt (to device)");
	CHECKM(!(rd(8, 0x98) & 1), "DMA done");
	/* Device buffer -> RAM at iova + 4096. */
	wr(8, 0x80, 0x40000);
	wr(8, 0x88, iova + 4096);
	wr(8, 0x98, 0x1 | 0x2 | 0x4);
	CHECKM(pciem_sim_wait_irq(s, 0, n + 2, 2000) == 0, "DMA interrupt (to RAM)");
	CHECKM(memcmp(host, host + 4096, 256) == 0, "data made the round trip");
	wr(4, 0x64, 0x100);
	/* Outside what the test mapped: the device gets an error, memory is untouched. */
	wr(8, 0x80, 0x40000);
	wr(8, 0x88, 0x800000);
	wr(8, 0x98, 0x1 | 0x2 | 0x4);
	CHECKM(pciem_sim_wait_irq(s, 0, n + 3, 2000) == 0, "a failed DMA still completes");
	CHECKM(pciem_sim_dma_unmap(s, iova) == 0, "unmap");
}

int main(void)
{
	pthread_t t;
	int rc = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pthread_create(&t, NULL, run_edu, &rc))
		return 1;
	s = pciem_sim_wait_started(5000);
	CHECKM(s != NULL, "pciem-edu did not start");
	if (s) {
		pciem_sim_enable(s);
		test_registers();
		test_factorial();
		test_intx();
		test_msi();
		test_dma();
		pciem_sim_remove(s);
	}
	pthread_join(t, NULL);
	CHECKM(rc == 0, "pciem-edu exit status %d after removal", rc);
	pciem_sim_put(s);
	return t_summary("edu-sim");
}
