// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_readme_sim.c - the device in README.md ("A device in 46 lines"),
 * extracted from the README by the build, on the simulated bus: its counter
 * register, an MSI from a write, an Unsupported Request, plain memory
 * around the region, and its exit when the device is removed.  The last
 * line is "readme-sim: N passed, M failed".
 */
#include <pthread.h>
#include <stdio.h>

#include <linux/pci_regs.h>

#include "pciem_sim.h"
#include "check.h"

int readme_main(void);	/* README.md's main(), renamed by the build */


static void *run(void *arg)
{
	*(int *)arg = readme_main();
	return NULL;
}

int main(void)
{
	struct pciem_sim *s;
	pthread_t t;
	uint64_t v = 0;
	int rc = -1, exp = 0x40;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&t, NULL, run, &rc);
	s = pciem_sim_wait_started(5000);
	CHECKM(s != NULL, "the README's device did not start");
	if (!s)
		return 1;
	pciem_sim_enable(s);
	CHECKM(pciem_sim_read(s, 0, 0, 4, &v) == 0 && v == 1, "first read %llu",
	      (unsigned long long)v);
	CHECKM(pciem_sim_read(s, 0, 0, 4, &v) == 0 && v == 2, "second read %llu",
	      (unsigned long long)v);
	CHECKM(pciem_sim_enable_msi(s) == 0, "enable MSI");
	CHECKM(pciem_sim_write(s, 0, 4, 4, 1) == 0 && pciem_sim_wait_irq(s, 0, 1, 1000) == 0,
	      "a write to 0x4 sends MSI 0");
	/* A 2-byte read breaks the region's rule: all ones, and URD in Device Status. */
	CHECKM(pciem_sim_read(s, 0, 0, 2, &v) == 0 && v == 0xffff, "2-byte read %#llx",
	      (unsigned long long)v);
	for (unsigned int off = pciem_sim_cfg_read(s, PCI_CAPABILITY_LIST, 1); off;
	     off = pciem_sim_cfg_read(s, off + 1, 1))
		if (pciem_sim_cfg_read(s, off, 1) == PCI_CAP_ID_EXP)
			exp = (int)off;
	CHECKM(pciem_sim_cfg_read(s, (unsigned int)exp + PCI_EXP_DEVSTA, 2) & PCI_EXP_DEVSTA_URD,
	      "URD after an Unsupported Request");
	/* Beyond the region, BAR 0 is memory. */
	CHECKM(pciem_sim_write(s, 0, 0x100, 4, 0xfeed) == 0, "memory write");
	CHECKM(pciem_sim_read(s, 0, 0x100, 4, &v) == 0 && v == 0xfeed, "memory read %#llx",
	      (unsigned long long)v);
	pciem_sim_remove(s);
	pthread_join(t, NULL);
	CHECKM(rc == 0, "exit status %d after removal", rc);
	pciem_sim_put(s);
	return t_summary("readme-sim");
}
