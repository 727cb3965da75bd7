// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_lifetime_test - what userspace and the PCI core can do to a device
 * that pciem.ko must survive.  One scenario per command, each a regression
 * test for a failure found by fuzzing:
 *
 *   irqfd-close N    close a started device while another thread keeps
 *                    signalling its irqfd (was: the closing task and a
 *                    kworker in D state for ever, dev->lock against
 *                    cancel_work_sync of the irqfd work)
 *   intx-close N     assert INTx from the CPU the emulator polls on, which
 *                    sends the delivery to the other CPU by cross-CPU call,
 *                    and close at once (was: the call ran on freed memory,
 *                    WARNING in kernel/smp.c)
 *   sysfs-remove MODE  the PCI core removes the function (echo 1 > remove):
 *                    the emulator gets PCIEM_EVENT_REMOVED and POLLHUP,
 *                    DMA and INJECT_IRQ fail with ENODEV, a rescan does not
 *                    bring the function back, close is clean (was: use
 *                    after free of the pci_dev)
 *   p2p-self         a P2P read of the caller's own traced BAR: nobody else
 *                    can answer it, so it reads all ones at once (was: a
 *                    wait of pciem_read_timeout_ms per 4-byte element, over
 *                    an hour for 16 KiB, deaf to SIGKILL; found by pciem_fuzz)
 *   stall-config     a device whose emulator never drains its ring and
 *                    traces configuration reads: reading its whole
 *                    configuration space many times costs one bounded wait
 *                    (was: a spin of pciem_ring_wait_ms with interrupts
 *                    off under pci_lock per access, minutes in all)
 *
 * The kernel log is the other judge: the guest runner fails a test on any
 * WARNING, BUG, hung task or soft lockup.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "pciem.h"
#include "testlib.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* A started function: MSI, an INTx pin, one 64 KiB BAR. */
static struct pciem_dev *start_function(uint32_t mode, uint16_t device, char *addr, size_t len)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = device,
		.class_code = { 0x00, 0x80, 0x05 },
	};
	struct pciem_dev *d;
	int ret;

	if ((ret = pciem_create(&d, mode)) ||
	    (ret = pciem_set_ids(d, &ids)) ||
	    (ret = pciem_add_bar(d, 0, 64 << 10, 0)) ||
	    (ret = pciem_add_msi(d, 0, true, false)) ||
	    (ret = pciem_add_pcie(d)) ||
	    (ret = pciem_register(d)) ||
	    (ret = pciem_start(d)) ||
	    (ret = pciem_address(d, addr, len)))
		die("start a function", ret);
	return d;
}

static int sysfs_write(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, what, strlen(what));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int present(const char *addr)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s", addr);
	return access(p, F_OK) == 0;
}

/* ---- irqfd-close ---------------------------------------------------------- */

static atomic_int signaller_stop;

static void *signaller(void *arg)
{
	int efd = *(int *)arg;
	uint64_t one = 1;

	while (!atomic_load(&signaller_stop))
		if (write(efd, &one, sizeof(one)) < 0)
			break;
	return NULL;
}

static void irqfd_close(int rounds)
{
	double worst = 0;

	for (int i = 0; i < rounds; i++) {
		char addr[32];
		struct pciem_dev *d = start_function(PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL,
						     0x00e6, addr, sizeof(addr));
		int efd = eventfd(0, EFD_CLOEXEC);
		pthread_t t;
		double t0;

		CHECK(efd >= 0, "eventfd: %s", strerror(errno));
		/* No driver: each message fails with ENOTCONN, in the work item. */
		CHECK(pciem_irqfd(d, efd, 0, 0) == 0, "SET_IRQFD");
		atomic_store(&signaller_stop, 0);
		pthread_create(&t, NULL, signaller, &efd);
		usleep(1000 * (i % 5));
		t0 = now();
		pciem_destroy(d);	/* closes /dev/pciem while the irqfd fires */
		if (now() - t0 > worst)
			worst = now() - t0;
		atomic_store(&signaller_stop, 1);
		pthread_join(t, NULL);
		close(efd);
		CHECK(!present(addr), "round %d: %s still present after close", i, addr);
	}
	printf("irqfd-close: %d rounds, slowest close %.3f s\n", rounds, worst);
}

/* ---- intx-close ------------------------------------------------------------ */

static void intx_close(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		char addr[32];
		struct pciem_dev *d = start_function(PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL,
						     0x00e7, addr, sizeof(addr));
		struct pollfd p = { .fd = pciem_fd(d), .events = POLLIN };
		int ret;

		/* The emulator is heard from on this CPU: deliveries go elsewhere. */
		poll(&p, 1, 0);
		ret = pciem_intx(d, true);
		CHECK(ret == 0, "round %d: INTx assert: %s", i, pciem_strerror(ret));
		pciem_destroy(d);
	}
	printf("intx-close: %d rounds\n", rounds);
}

/* ---- sysfs-remove -------------------------------------------------------------- */

static void sysfs_remove(uint32_t mode)
{
	char addr[32], path[160];
	struct pciem_dev *d = start_function(mode, 0x00e8, addr, sizeof(addr));
	struct pciem_device_info info;
	struct pciem_event ev;
	uint64_t buf = 0;
	int ret, got_removed = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", addr);
	CHECK(sysfs_write(path, "1") == 0, "write %s: %s", path, strerror(errno));
	CHECK(!present(addr), "%s still present after remove", addr);

	/* The emulator hears of it: REMOVED, then the hang-up. */
	for (;;) {
		ret = pciem_wait_event(d, &ev, 5000);
		if (ret <= 0)
			break;
		if (ev.type == PCIEM_EVENT_REMOVED)
			got_removed++;
	}
	CHECK(got_removed == 1, "PCIEM_EVENT_REMOVED seen %d times", got_removed);
	CHECK(ret == -EPIPE, "after REMOVED: %s, want EPIPE", pciem_strerror(ret));

	/* What needs the function fails; the rest still answers. */
	ret = pciem_dma_read(d, 0x1000, &buf, sizeof(buf));
	CHECK(ret == -ENODEV, "DMA after remove: %s, want ENODEV", pciem_strerror(ret));
	ret = pciem_intx(d, true);
	CHECK(ret == -ENODEV, "INTx after remove: %s, want ENODEV", pciem_strerror(ret));
	ret = pciem_irq_raise(d, 0);
	CHECK(ret == -ENODEV, "MSI after remove: %s, want ENODEV", pciem_strerror(ret));
	ret = pciem_device_info(d, &info);
	CHECK(ret == 0 && info.state == PCIEM_STATE_STARTED, "device info after remove: %s",
	      pciem_strerror(ret));

	/* A rescan does not bring it back: it is gone for good. */
	CHECK(sysfs_write("/sys/bus/pci/rescan", "1") == 0, "rescan: %s", strerror(errno));
	CHECK(!present(addr), "%s came back on rescan", addr);

	pciem_destroy(d);
	CHECK(!present(addr), "%s present after close", addr);

	/* The BAR went back to the pool: the same function can be made again. */
	d = start_function(mode, 0x00e8, addr, sizeof(addr));
	CHECK(present(addr), "a new function after the removed one");
	pciem_destroy(d);
}

/* ---- p2p-self ------------------------------------------------------------------ */

static void p2p_self(void)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00eb, .class_code = { 0x00, 0x80, 0x05 },
	};
	static uint8_t buf[16384];
	struct pciem_bar_info_query q = { .bar_index = 0 };
	struct pciem_p2p_op_user op;
	struct pciem_dev *d;
	char addr[32];
	int ret, all_ones = 1;
	double t0;

	if ((ret = pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) ||
	    (ret = pciem_set_ids(d, &ids)) || (ret = pciem_add_bar(d, 0, 64 << 10, 0)) ||
	    (ret = pciem_trace_bar(d, 0, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES)) ||
	    (ret = pciem_register(d)) || (ret = pciem_start(d)) ||
	    (ret = pciem_address(d, addr, sizeof(addr))) || (ret = pciem_bar_info(d, 0, &q)))
		die("a traced function", ret);
	/* This thread is the emulator's event thread: it polled. */
	pciem_dispatch(d, 0);
	op = (struct pciem_p2p_op_user){
		.target_phys_addr = q.phys_addr, .user_addr = (uintptr_t)buf,
		.length = sizeof(buf), .flags = PCIEM_DMA_FLAG_READ,
	};
	t0 = now();
	ret = ioctl(pciem_fd(d), PCIEM_IOCTL_P2P, &op);
	CHECK(ret == 0, "P2P read of the own traced BAR: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(buf); i++)
		all_ones &= buf[i] == 0xff;
	CHECK(all_ones, "an unanswerable read reads all ones");
	printf("p2p-self: 16 KiB read in %.3f s\n", now() - t0);
	pciem_destroy(d);
}

/* ---- stall-config ------------------------------------------------------------- */

static void stall_config(int passes)
{
	char addr[32], path[160];
	struct pciem_dev *d = start_function(PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL, 0x00e9,
					     addr, sizeof(addr));
	struct pciem_device_info info;
	static char cfg[4096];
	double t0 = now();
	int fd, ret;

	/* Every configuration read becomes an event nobody takes. */
	ret = pciem_trace_config(d, PCIEM_TRACE_READS);
	CHECK(ret == 0, "trace config reads: %s", pciem_strerror(ret));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	for (int i = 0; i < passes; i++) {
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0, "open %s", path);
		if (fd < 0)
			break;
		CHECK(pread(fd, cfg, sizeof(cfg), 0) == sizeof(cfg), "read config");
		close(fd);
	}
	ret = pciem_device_info(d, &info);
	CHECK(ret == 0 && info.events_dropped > 0, "events dropped: %llu",
	      (unsigned long long)info.events_dropped);
	printf("stall-config: %d passes of 4 KiB in %.1f s, %llu events dropped\n", passes,
	       now() - t0, (unsigned long long)info.events_dropped);
	pciem_destroy(d);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "irqfd-close")) {
		irqfd_close(n ? n : 50);
	} else if (!strcmp(cmd, "intx-close")) {
		intx_close(n ? n : 200);
	} else if (!strcmp(cmd, "sysfs-remove")) {
		sysfs_remove(argc > 2 && !strcmp(argv[2], "attach") ?
			     PCIEM_CREATE_FLAG_BUS_MODE_ATTACH : PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL);
	} else if (!strcmp(cmd, "p2p-self")) {
		p2p_self();
	} else if (!strcmp(cmd, "stall-config")) {
		stall_config(n ? n : 24);
	} else {
		fprintf(stderr, "usage: pciem_lifetime_test irqfd-close|intx-close [N] | "
			"sysfs-remove [virtual|attach] | p2p-self | stall-config [N]\n");
		return 2;
	}
	return summary(cmd);
}
