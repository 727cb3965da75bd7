// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_libpciem_sim.c - libpciem's own rules, on the simulated bus:
 * regions (status codes and what the driver and config space see, access
 * sizes, memory behind and around handlers, STORE_WRITES), configuration
 * space from the device's side, and interrupts raised in handlers and from
 * other threads.  The last line is "libpciem-sim: N passed, M failed".
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "pciem.h"
#include "pciem_sim.h"
#include "check.h"


/*
 * BAR 0 (4 KiB): registers at 0x100-0x1ff (4 bytes only, aligned): 0x100
 * reads 0x1234, 0x104 answers CA, anything else in the block UR; writes to
 * 0x180 raise MSI vector 0 and are stored too (STORE_WRITES at 0x180).
 * Everything else in BAR 0 is memory.
 */
static struct pciem_dev *d;
static atomic_uint writes;
static uint64_t last_write;

static enum pciem_status reg_read(void *o, uint64_t off, unsigned int size, uint64_t *val)
{
	(void)o;
	(void)size;
	if (off == 0x00) {
		*val = 0x1234;
		return PCIEM_OK;
	}
	return off == 0x04 ? PCIEM_CA : PCIEM_UR;
}

static enum pciem_status reg_write(void *o, uint64_t off, unsigned int size, uint64_t val)
{
	(void)o;
	(void)size;
	(void)off;
	last_write = val;
	atomic_fetch_add(&writes, 1);
	return PCIEM_OK;
}

static enum pciem_status db_write(void *o, uint64_t off, unsigned int size, uint64_t val)
{
	(void)o;
	(void)off;
	(void)size;
	(void)val;
	/* In a handler: sent when it returns, before the next access is answered. */
	return pciem_irq_raise(d, 0) == 0 ? PCIEM_OK : PCIEM_CA;
}

static atomic_bool stop;

static void *serve(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		if (pciem_dispatch(d, 20) < 0)
			break;
	return NULL;
}

static void test_describe_errors(void)
{
	const struct pciem_region_ops none = { 0 };
	const struct pciem_region_ops bad = { .write = reg_write, .min_access = 3 };
	const struct pciem_region_ops inverted = { .write = reg_write, .min_access = 8,
						   .max_access = 4 };
	const struct pciem_region_ops ok = { .write = reg_write };

	CHECKM(pciem_region(d, 0, 0, 16, &none, NULL) == -EINVAL, "no handler");
	CHECKM(pciem_region(d, 0, 0, 16, &bad, NULL) == -EINVAL, "size 3");
	CHECKM(pciem_region(d, 0, 0, 16, &inverted, NULL) == -EINVAL, "min > max");
	CHECKM(pciem_region(d, 6, 0, 16, &ok, NULL) == -EINVAL, "BAR 6");
	CHECKM(pciem_region(d, 0, 0, 0, &ok, NULL) == -EINVAL, "empty");
	CHECKM(pciem_region(d, 0, ~0ull, 2, &ok, NULL) == -EINVAL, "wraps");
}

static void test_regions(struct pciem_sim *s)
{
	uint64_t v;
	uint32_t st;

	CHECKM(pciem_sim_read(s, 0, 0x100, 4, &v) == 0 && v == 0x1234, "register: %#llx",
	      (unsigned long long)v);
	/* UR: all ones, Unsupported Request Detected in Device Status. */
	CHECKM(pciem_sim_read(s, 0, 0x108, 4, &v) == 0 && v == 0xffffffff, "UR read %#llx",
	      (unsigned long long)v);
	{
		int exp = pciem_find_capability(d, PCI_CAP_ID_EXP);

		CHECKM(exp > 0, "PCIe capability: %d", exp);
		if (exp > 0) {
			st = pciem_sim_cfg_read(s, (unsigned int)exp + PCI_EXP_DEVSTA, 2);
			CHECKM(st & PCI_EXP_DEVSTA_URD, "URD not set: %#x", st);
			pciem_sim_cfg_write(s, (unsigned int)exp + PCI_EXP_DEVSTA, 2,
					    PCI_EXP_DEVSTA_URD);
			st = pciem_sim_cfg_read(s, (unsigned int)exp + PCI_EXP_DEVSTA, 2);
			CHECKM(!(st & PCI_EXP_DEVSTA_URD), "URD is W1C for the driver: %#x", st);
		}
	}
	/* CA: all ones, Signaled Target Abort. */
	CHECKM(pciem_sim_read(s, 0, 0x104, 4, &v) == 0 && v == 0xffffffff, "CA read");
	st = pciem_sim_cfg_read(s, PCI_STATUS, 2);
	CHECKM(st & PCI_STATUS_SIG_TARGET_ABORT, "Signaled Target Abort not set: %#x", st);
	/* Outside the access rules: UR, no handler call. */
	CHECKM(pciem_sim_read(s, 0, 0x100, 2, &v) == 0 && v == 0xffff, "2-byte read: %#llx",
	      (unsigned long long)v);
	CHECKM(pciem_sim_write(s, 0, 0x102, 4, 1) == 0 && pciem_sim_sync(s, 1000) == 0 &&
	      atomic_load(&writes) == 0, "misaligned write reached the handler");
	CHECKM(pciem_sim_write(s, 0, 0x110, 4, 0xabcd) == 0 && pciem_sim_sync(s, 1000) == 0 &&
	      atomic_load(&writes) == 1 && last_write == 0xabcd, "register write");
	/* A register block's writes do not land in memory... */
	CHECKM(((volatile uint32_t *)pciem_bar(d, 0, NULL))[0x110 / 4] == 0, "stored anyway");
	/* ...but around the regions the BAR is memory, both ways. */
	CHECKM(pciem_sim_write(s, 0, 0x800, 8, 0x1122334455667788ull) == 0, "memory write");
	CHECKM(pciem_sim_read(s, 0, 0x800, 8, &v) == 0 && v == 0x1122334455667788ull,
	      "memory read back: %#llx", (unsigned long long)v);
	CHECKM(((volatile uint64_t *)pciem_bar(d, 0, NULL))[0x800 / 8] == 0x1122334455667788ull,
	      "memory write not in the BAR");
}

static void test_config(void)
{
	uint32_t v;

	CHECKM(pciem_config_read(d, PCI_VENDOR_ID, 2, &v) == 0 && v == 0x1b36, "vendor %#x", v);
	CHECKM(pciem_config_write(d, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
				 PCI_COMMAND_INTX_DISABLE) == -EACCES, "Command");
	CHECKM(pciem_config_write(d, PCI_SUBSYSTEM_ID, 2, 0x0042) == 0, "Subsystem ID");
	CHECKM(pciem_config_read(d, PCI_SUBSYSTEM_ID, 2, &v) == 0 && v == 0x42, "readback %#x", v);
	CHECKM(pciem_config_write(d, 1, 2, 0) == -EINVAL, "misaligned");
	CHECKM(pciem_find_capability(d, PCI_CAP_ID_MSIX) == -ENOENT, "no MSI-X");
}

static void test_irqs(struct pciem_sim *s)
{
	unsigned long n;
	uint64_t v;

	/* Before the driver enables MSI, a raise in a handler is refused at once. */
	CHECKM(pciem_sim_write(s, 0, 0x180, 4, 1) == 0 && pciem_sim_sync(s, 1000) == 0, "write");
	CHECKM(pciem_sim_irqs(s, 0) == 0, "MSI before enable");
	CHECKM(pciem_sim_enable_msi(s) == 0, "enable MSI");
	n = pciem_sim_irqs(s, 0);
	for (int i = 0; i < 8; i++) {
		pciem_sim_write(s, 0, 0x180, 4, (uint64_t)i);
		/* The next read's answer comes after the interrupt. */
		pciem_sim_read(s, 0, 0x100, 4, &v);
		CHECKM(pciem_sim_irqs(s, 0) == n + (unsigned long)i + 1, "raise %d: %lu", i,
		      pciem_sim_irqs(s, 0) - n);
	}
	CHECKM(pciem_sim_read(s, 0, 0x180, 4, &v) == 0 && v == 7, "STORE_WRITES: %#llx",
	      (unsigned long long)v);
	/* INTx from this thread while the server dispatches: through it, in order. */
	for (int i = 0; i < 50; i++) {
		CHECKM(pciem_intx(d, true) == 0, "assert");
		CHECKM(pciem_intx(d, false) == 0, "deassert");
		CHECKM(pciem_intx(d, true) == 0, "assert");
	}
	CHECKM(pciem_sim_read(s, 0, 0x100, 4, &v) == 0, "read");
	for (int i = 0; i < 1000 && !pciem_sim_intx(s); i++)
		usleep(1000);
	CHECKM(pciem_sim_intx(s), "INTx is up after assert, deassert, assert");
	CHECKM(pciem_intx(d, false) == 0, "deassert");
	for (int i = 0; i < 1000 && pciem_sim_intx(s); i++)
		usleep(1000);
	CHECKM(!pciem_sim_intx(s), "INTx down");
}

int main(void)
{
	const struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00ef, .class_code = { 0, 0, 0xff },
	};
	const struct pciem_region_ops regs = {
		.read = reg_read, .write = reg_write, .min_access = 4, .max_access = 4,
	};
	const struct pciem_region_ops doorbell = {
		.write = db_write, .min_access = 4, .max_access = 4,
		.flags = PCIEM_REGION_STORE_WRITES,
	};
	struct pciem_sim *s;
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECKM(pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL) == 0, "create");
	CHECKM(pciem_set_ids(d, &ids) == 0, "ids");
	CHECKM(pciem_add_bar(d, 0, 4096, 0) == 0, "BAR");
	CHECKM(pciem_add_msi(d, 0, true, false) == 0, "MSI");
	CHECKM(pciem_add_pcie(d) == 0, "PCIe");
	test_describe_errors();
	CHECKM(pciem_region(d, 0, 0x100, 0x80, &regs, NULL) == 0, "registers");
	CHECKM(pciem_region(d, 0, 0x180, 4, &doorbell, NULL) == 0, "doorbell");
	CHECKM(pciem_region(d, 0, 0x17c, 8, &doorbell, NULL) == -EEXIST, "overlap");
	CHECKM(pciem_register(d) == 0, "register");
	CHECKM(pciem_region(d, 0, 0x400, 4, &regs, NULL) == -EBUSY, "after register");
	CHECKM(pciem_start(d) == 0, "start");
	s = pciem_sim_wait_started(1000);
	CHECKM(s != NULL, "started");
	if (!s)
		return 1;
	CHECKM(pciem_wait_probed(d, 1000) == 1, "the test is the driver");
	pthread_create(&t, NULL, serve, NULL);
	pciem_sim_enable(s);
	test_regions(s);
	test_config();
	test_irqs(s);
	pciem_sim_remove(s);
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	CHECKM(pciem_dispatch(d, 0) == -EPIPE, "removed: -EPIPE");
	pciem_destroy(d);
	CHECKM(pciem_sim_read(s, 0, 0x800, 4, &(uint64_t){ 0 }) == -ENODEV, "gone");
	pciem_sim_put(s);
	return t_summary("libpciem-sim");
}
