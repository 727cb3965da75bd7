// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_irq_test - interrupts, from the emulator to a kernel driver's handler.
 *
 * The device (1b36:00e2) offers INTx, MSI (8 vectors, 64-bit, per-vector
 * masking) and MSI-X (16 vectors, table and PBA in BAR 0); the driver
 * pciem_mmio_test requests one kind at a time on command and counts its
 * handler calls.  Checked: INTx is level-triggered (fires until the driver's
 * acknowledgement makes the emulator deassert it), honours Interrupt
 * Disable and shows in Status; every MSI and MSI-X vector reaches its own
 * handler; N messages are N handler calls, also in a burst; a masked vector
 * is held pending (Pending Bits / PBA) and delivered on unmask; an eventfd
 * bound with SET_IRQFD raises its vector once per write; MSI_ACK events
 * follow deliveries; and every INJECT_IRQ / SET_IRQFD error.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pciem.h"
#include "testlib.h"


#define REG_STATUS	0x24
#define REG_ACK		0x64
#define MSIX_TABLE	0x2000
#define MSIX_PBA	0x3000

static struct pciem_dev *d;
static char cmdpath[128], cfgpath[128];
static atomic_uint intx_status;		/* bit 0: our INTx is asserted */
static atomic_int acks[4];		/* MSI_ACK events by kind */
static atomic_int stop;

#define cmd(...) driver_cmd(cmdpath, __VA_ARGS__)

static uint32_t cfg32(unsigned int off)
{
	uint32_t v = 0;
	int fd = open(cfgpath, O_RDONLY);

	if (fd < 0 || pread(fd, &v, 4, off) != 4)
		die(cfgpath, -errno);
	close(fd);
	return v;
}

/* Device registers: STATUS says whether INTx is ours; ACK deasserts. */
static uint64_t rd(void *o, unsigned int bar, uint64_t off, unsigned int size)
{
	(void)o; (void)bar; (void)size;
	return off == REG_STATUS ? atomic_load(&intx_status) : 0;
}

static void wr(void *o, unsigned int bar, uint64_t off, unsigned int size, uint64_t val)
{
	(void)o; (void)bar; (void)size;
	if (off == REG_ACK && (val & 1)) {
		atomic_store(&intx_status, 0);
		pciem_intx(d, false);
	}
}

static void on_ack(void *o, const struct pciem_event *ev)
{
	(void)o;
	if (ev->data < 4)
		atomic_fetch_add(&acks[ev->data], 1);
}

static atomic_int serving;

static void *serve(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		if (pciem_dispatch(d, 20) < 0)
			break;
		atomic_store(&serving, 1);	/* it has waited for events once */
	}
	return NULL;
}

static int wait_count(int vec, long want)
{
	long c = 0;

	for (int i = 0; i < 300; i++) {
		c = cmd("count %d", vec);
		if (c >= want)
			break;
		usleep(10000);
	}
	usleep(20000);		/* and no more than that */
	return (int)cmd("count %d", vec);
}

static void test_intx(void)
{
	CHECK(cmd("irq intx 0") == 1, "request INTx");
	for (int i = 1; i <= 20; i++) {
		atomic_store(&intx_status, 1);
		CHECK(pciem_intx(d, true) == 0, "assert");
		CHECK(wait_count(0, i) == i, "INTx %d: handled %ld times (%ld spurious, %d acks)", i,
		      cmd("count 0"), cmd("spurious 0"), atomic_load(&acks[PCIEM_ACK_INTX]));
	}
	CHECK(atomic_load(&acks[PCIEM_ACK_INTX]) >= 20, "%d INTx MSI_ACK events",
	      atomic_load(&acks[PCIEM_ACK_INTX]));

	/* Interrupt Disable: the line shows in Status but does not fire. */
	cmd("intx 0");
	atomic_store(&intx_status, 1);
	pciem_intx(d, true);
	usleep(100000);
	CHECK(cmd("count 0") == 20, "INTx fired with Interrupt Disable set");
	CHECK(cfg32(0x04) & (0x08u << 16), "Status.Interrupt Status not set");
	cmd("intx 1");
	CHECK(wait_count(0, 21) == 21, "INTx after Interrupt Disable cleared: %ld",
	      cmd("count 0"));
	CHECK(!(cfg32(0x04) & (0x08u << 16)), "Status.Interrupt Status stuck");

	/* irqfds driving the line: LEVEL asserts, LEVEL|DEASSERT deasserts. */
	{
		int up = eventfd(0, 0), down = eventfd(0, 0);
		uint64_t one = 1;
		long c0 = cmd("count 0");

		CHECK(pciem_irqfd(d, up, 0, PCIEM_IRQFD_FLAG_LEVEL) == 0, "irqfd LEVEL");
		CHECK(pciem_irqfd(d, down, 0, PCIEM_IRQFD_FLAG_LEVEL | PCIEM_IRQFD_FLAG_DEASSERT) == 0,
		      "irqfd LEVEL|DEASSERT");
		CHECK(pciem_irqfd(d, up, 1, PCIEM_IRQFD_FLAG_LEVEL) == -EINVAL, "LEVEL with a vector");
		atomic_store(&intx_status, 1);
		if (write(up, &one, 8) != 8)
			die("eventfd", -errno);
		CHECK(wait_count(0, c0 + 1) == c0 + 1, "INTx through an irqfd: %ld calls",
		      cmd("count 0") - c0);
		/* With Interrupt Disable set, the irqfds move the line and Status only. */
		cmd("intx 0");
		atomic_store(&intx_status, 1);
		if (write(up, &one, 8) != 8)
			die("eventfd", -errno);
		usleep(100000);
		CHECK(cfg32(0x04) & (0x08u << 16), "irqfd assert: Status.Interrupt Status");
		if (write(down, &one, 8) != 8)
			die("eventfd", -errno);
		usleep(100000);
		CHECK(!(cfg32(0x04) & (0x08u << 16)), "irqfd deassert: Status.Interrupt Status");
		atomic_store(&intx_status, 0);
		cmd("intx 1");
		usleep(100000);
		CHECK(cmd("count 0") == c0 + 1, "an interrupt after the line was deasserted");
		close(up);
		close(down);
	}
	cmd("irq free 0");
}

static void test_msi(const char *kind, int nvec)
{
	struct pciem_irq_inject bad = { .vector = (uint32_t)nvec + 100 };
	int ackkind = !strcmp(kind, "msi") ? PCIEM_ACK_MSI : PCIEM_ACK_MSIX;
	int a0;

	CHECK(pciem_irq_raise(d, 0) == -ENOTCONN, "%s before the driver enabled it", kind);
	CHECK(cmd("irq %s %d", kind, nvec) == nvec, "request %d %s vectors", nvec, kind);
	a0 = atomic_load(&acks[ackkind]);
	for (int v = 0; v < nvec; v++)
		for (int i = 1; i <= 5; i++) {
			CHECK(pciem_irq_raise(d, v) == 0, "raise %d", v);
			CHECK(wait_count(v, i) == i, "%s vector %d: %ld calls, want %d", kind, v,
			      cmd("count %d", v), i);
		}
	CHECK(atomic_load(&acks[ackkind]) - a0 == 5 * nvec, "%d MSI_ACK events, want %d",
	      atomic_load(&acks[ackkind]) - a0, 5 * nvec);

	/* A burst: every message is a handler call. */
	for (int i = 0; i < 100; i++)
		pciem_irq_raise(d, 1);
	CHECK(wait_count(1, 105) == 105, "%s burst: %ld calls, want 105", kind, cmd("count 1"));

	/* Masked: held pending, sent once on unmask. */
	cmd("mask 2");
	for (int i = 0; i < 3; i++)
		pciem_irq_raise(d, 2);
	usleep(100000);
	CHECK(cmd("count 2") == 5, "%s masked vector ran (%ld)", kind, cmd("count 2"));
	if (ackkind == PCIEM_ACK_MSIX) {
		volatile uint64_t *pba = (uint64_t *)((char *)pciem_bar(d, 0, NULL) + MSIX_PBA);

		CHECK(*pba & (1u << 2), "PBA bit 2 not set while masked (%#llx)",
		      (unsigned long long)*pba);
	}
	cmd("unmask 2");
	CHECK(wait_count(2, 6) == 6, "%s after unmask: %ld calls, want 6", kind, cmd("count 2"));

	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_INJECT_IRQ, &bad) < 0 && errno == EINVAL,
	      "%s vector out of range", kind);

	/* An eventfd raising vector 3, once per write. */
	{
		int efd = eventfd(0, EFD_NONBLOCK);
		uint64_t one = 1;
		long c0 = cmd("count 3");

		CHECK(pciem_irqfd(d, efd, 3, 0) == 0, "SET_IRQFD");
		for (int i = 0; i < 10; i++) {
			if (write(efd, &one, 8) != 8)
				die("eventfd write", -errno);
			usleep(2000);
		}
		CHECK(wait_count(3, c0 + 10) == c0 + 10, "irqfd: %ld calls, want %ld",
		      cmd("count 3") - c0, 10L);
		close(efd);
	}
	cmd("irq free 0");
}

static void test_errors(void)
{
	struct pciem_irq_inject i = { .vector = 1, .reserved = PCIEM_IRQ_INTX_ASSERT };
	int efds[PCIEM_MAX_IRQFDS + 1];

	usleep(100000);		/* eventfds closed earlier are unbound asynchronously */

	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_INJECT_IRQ, &i) < 0 && errno == EINVAL,
	      "INTx with a vector");
	i = (struct pciem_irq_inject){ .reserved = 3 };
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_INJECT_IRQ, &i) < 0 && errno == EINVAL,
	      "assert and deassert at once");
	i.reserved = 0x100;
	CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_INJECT_IRQ, &i) < 0 && errno == EINVAL,
	      "unknown flag");
	CHECK(pciem_irqfd(d, -1, 0, 0) == -EBADF, "irqfd -1");
	CHECK(pciem_irqfd(d, pciem_fd(d), 0, 0) == -EINVAL, "irqfd on a non-eventfd");
	CHECK(pciem_irqfd(d, 0, 0, PCIEM_IRQFD_FLAG_DEASSERT) == -EINVAL, "DEASSERT without LEVEL");
	CHECK(pciem_irqfd(d, 0, 0, 0x10) == -EINVAL, "irqfd unknown flag");
	for (int k = 0; k <= PCIEM_MAX_IRQFDS; k++) {
		efds[k] = eventfd(0, 0);
		int r = pciem_irqfd(d, efds[k], 0, 0);

		if (k < PCIEM_MAX_IRQFDS)
			CHECK(r == 0, "irqfd %d: %s", k, pciem_strerror(r));
		else
			CHECK(r == -ENOSPC, "irqfd beyond PCIEM_MAX_IRQFDS: %s", pciem_strerror(r));
	}
	for (int k = 0; k <= PCIEM_MAX_IRQFDS; k++)
		close(efds[k]);
	usleep(100000);		/* closing them frees their slots */
	{
		int efd = eventfd(0, 0);

		CHECK(pciem_irqfd(d, efd, 0, 0) == 0, "irqfd slot after closing the others");
		close(efd);
	}
}

int main(void)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00e2, .class_code = { 0, 0, 0xff },
	};
	pthread_t t;
	char addr[16];
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((ret = pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) ||
	    (ret = pciem_set_ids(d, &ids)) || (ret = pciem_add_bar(d, 0, 64 << 10, 0)) ||
	    (ret = pciem_add_msi(d, 3, true, true)) ||
	    (ret = pciem_add_msix(d, 0, MSIX_TABLE, MSIX_PBA, 16)) ||
	    (ret = pciem_trace_bar(d, 0, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES)) ||
	    (ret = pciem_on_bar(d, 0, 0, 0x1000, rd, wr, NULL)) ||
	    (ret = pciem_on_event(d, PCIEM_EVENT_MSI_ACK, on_ack, NULL)) ||
	    (ret = pciem_register(d)))
		die("set up", ret);
	CHECK(pciem_irq_raise(d, 0) == -EBADFD, "INJECT_IRQ before START");
	if ((ret = pciem_start(d)) || (ret = pciem_address(d, addr, sizeof(addr))))
		die("start", ret);
	snprintf(cfgpath, sizeof(cfgpath), "/sys/bus/pci/devices/%s/config", addr);
	wait_driver(cmdpath, sizeof(cmdpath), "pciem_mmio_test", addr);
	pthread_create(&t, NULL, serve, NULL);
	/*
	 * Handlers here read a traced register with interrupts off; pciem
	 * keeps the thread that answers away from their CPU once it knows it,
	 * which is when it first waits for events (docs/events.md).
	 */
	while (!atomic_load(&serving))
		usleep(1000);

	test_intx();
	test_msi("msi", 8);
	test_msi("msix", 16);
	test_errors();

	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	pciem_destroy(d);
	return summary("pciem_irq_test");
}
