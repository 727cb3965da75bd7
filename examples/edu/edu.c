// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem-edu - QEMU's educational PCI device ("-device edu", 1234:11e8) as a
 * libpciem device program.  Written from the register description in
 * docs/specs/edu.rst of QEMU; examples/edu/README.md says how each register
 * maps and where (and why) this device differs.
 *
 *   pciem-edu [--attach] [--subsystem VENDOR:DEVICE]     (pciem-edu(8))
 *
 * Runs in the foreground until SIGINT/SIGTERM; prints the device's PCI
 * address on stdout once it is on the bus.  BAR 0 (1 MiB) is trapped: every
 * read is answered here and no write reaches the BAR's memory, so all
 * register state lives in this process.
 *
 * Threads: the main thread serves BAR accesses; a factorial thread
 * computes; a DMA thread performs transfers 100 ms after they are started.
 * One mutex guards the registers.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pciem.h"

#define EDU_BAR_SIZE		(1u << 20)
#define EDU_ID			0x010000edu

#define REG_ID			0x00
#define REG_LIVENESS		0x04
#define REG_FACT		0x08
#define REG_STATUS		0x20
#define REG_IRQ_STATUS		0x24
#define REG_IRQ_RAISE		0x60
#define REG_IRQ_ACK		0x64
#define REG_DMA_SRC		0x80
#define REG_DMA_DST		0x88
#define REG_DMA_CNT		0x90
#define REG_DMA_CMD		0x98

#define STATUS_COMPUTING	0x01
#define STATUS_IRQFACT		0x80

#define IRQ_FACT		0x001
#define IRQ_DMA			0x100

#define DMA_RUN			0x1
#define DMA_TO_RAM		0x2	/* direction: 0 RAM -> device, 1 device -> RAM */
#define DMA_IRQ			0x4

#define DMA_BUF_ADDR		0x40000u
#define DMA_BUF_SIZE		4096u
#define DMA_DELAY_NS		100000000L	/* a transfer starts 100 ms after its command */
#define DMA_ADDR_MASK		((1ull << 28) - 1)	/* the device drives 28 address bits */

/*
 * The factorial unit is modelled as taking 1 ns per multiplication (about
 * what QEMU's takes on a current host), so a large operand keeps the
 * device busy long enough for a driver to see the busy bit.  The result
 * itself is exact (mod 2^32).
 */
#define FACT_NS_PER_STEP	1

struct edu {
	struct pciem_dev *d;
	pthread_mutex_t lock;
	pthread_cond_t fact_cond, dma_cond;
	bool stopping;

	uint32_t liveness;	/* holds ~(value written) */
	uint32_t fact;
	uint32_t status;
	uint32_t irq_status;
	bool intx;			/* INTx asserted */
	atomic_bool warned_irq;

	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	struct timespec dma_due;
	uint8_t buf[DMA_BUF_SIZE];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Interrupts.  The status register (0x24) decides: any bit set means the
 * interrupt is up.  With MSI on, each raise sends a message; otherwise the
 * INTx line follows the status.  libpciem sends what a BAR handler raises
 * when the handler returns, before the driver's next access is answered
 * (pciem.h, "Interrupts"), so a driver that writes 0x60 or 0x64 and then
 * reads a register finds the interrupt sent or the line released, as PCIe
 * orders them.  INTx changes are made under e->lock, where the status
 * changes, so the line always matches it; an MSI is raised with the lock
 * dropped, as the driver's handler will read 0x24 at once.
 */

static void warn_irq(struct edu *e, const char *what, int err)
{
	if (atomic_exchange(&e->warned_irq, true))
		return;
	fprintf(stderr, "pciem-edu: %s: %s (interrupts may not reach the driver)\n", what,
		pciem_strerror(err));
}

/* Drive INTx to @up (lock held). */
static void set_intx(struct edu *e, bool up)
{
	int ret;

	if (e->intx == up)
		return;
	ret = pciem_intx(e->d, up);
	if (ret < 0)
		warn_irq(e, "INTx", ret);
	e->intx = up;
}

/*
 * Status bits were set (lock not held): send the MSI message, or raise
 * INTx when the driver did not enable MSI.  A function must not use INTx
 * while MSI is on, so a message sent releases the line.
 */
static void signal_irq(struct edu *e)
{
	int ret = pciem_irq_raise(e->d, 0);

	if (ret < 0 && ret != -ENOTCONN)
		warn_irq(e, "MSI", ret);
	pthread_mutex_lock(&e->lock);
	set_intx(e, ret == -ENOTCONN && e->irq_status);
	pthread_mutex_unlock(&e->lock);
}

/* Status bits were cleared (lock held): INTx falls at 0. */
static void lower_irq(struct edu *e, uint32_t bits)
{
	e->irq_status &= ~bits;
	if (!e->irq_status)
		set_intx(e, false);
}

/*
 * Drivers probe the device after START, and one may read it in probe: serve
 * it until the probe is over, so the address printed is of a device that
 * is on the bus, with its driver if one wanted it.
 */
static int wait_probed(struct edu *e)
{
	int ret;

	do
		ret = pciem_wait_probed(e->d, 100);
	while (!stop && (ret == -ETIMEDOUT || ret == -EINTR));
	return ret < 0 && !stop ? ret : 0;
}

/* Serve BAR 0 until SIGINT/SIGTERM or until the function leaves the bus. */
static int serve(struct edu *e)
{
	int ret;

	while (!stop) {
		ret = pciem_dispatch(e->d, 100);
		if (ret == -EPIPE)
			return 0;	/* removed (sysfs remove, or the bus went away) */
		if (ret < 0 && ret != -EINTR)
			return ret;
	}
	return 0;
}

/* Allowed widths: 4 bytes below 0x80, 4 or 8 from there; naturally aligned. */
static bool access_ok(uint64_t off, unsigned int size)
{
	if (off < REG_DMA_SRC ? size != 4 : size != 4 && size != 8)
		return false;
	return (off & (size - 1)) == 0;
}

static enum pciem_status edu_read(void *opaque, uint64_t off, unsigned int size, uint64_t *val)
{
	struct edu *e = opaque;
	uint64_t v = ~0ull;

	/*
	 * QEMU's edu never sees 1- and 2-byte accesses: its memory core refuses
	 * them (the region is valid for 4 and 8 bytes only) and such a read
	 * returns 0.  An 8-byte read below 0x80 reaches the device model and
	 * reads all ones.  The driver sees the same here.
	 */
	*val = 0;
	if (size < 4)
		return PCIEM_OK;
	*val = v;
	if (!access_ok(off, size))
		return PCIEM_OK;
	pthread_mutex_lock(&e->lock);
	switch (off) {
	case REG_ID:
		v = EDU_ID;
		break;
	case REG_LIVENESS:
		v = e->liveness;
		break;
	case REG_FACT:
		v = e->fact;
		break;
	case REG_STATUS:
		v = e->status;
		break;
	case REG_IRQ_STATUS:
		v = e->irq_status;
		break;
	case REG_DMA_SRC:
		v = e->dma_src;
		break;
	case REG_DMA_DST:
		v = e->dma_dst;
		break;
	case REG_DMA_CNT:
		v = e->dma_cnt;
		break;
	case REG_DMA_CMD:
		v = e->dma_cmd;
		break;
	}
	pthread_mutex_unlock(&e->lock);
	if (size == 4)
		v &= 0xffffffffu;
	*val = v;
	return PCIEM_OK;
}

static enum pciem_status edu_write(void *opaque, uint64_t off, unsigned int size, uint64_t val)
{
	struct edu *e = opaque;
	bool dma_idle, signal = false;

	if (!access_ok(off, size))
		return PCIEM_OK;	/* dropped, as QEMU's memory core drops it */
	if (size == 4)
		val &= 0xffffffffu;
	pthread_mutex_lock(&e->lock);
	dma_idle = !(e->dma_cmd & DMA_RUN);
	switch (off) {
	case REG_LIVENESS:
		e->liveness = ~(uint32_t)val;
		break;
	case REG_FACT:
		if (e->status & STATUS_COMPUTING)
			break;		/* busy: the write is lost */
		e->fact = (uint32_t)val;
		e->status |= STATUS_COMPUTING;
		pthread_cond_signal(&e->fact_cond);
		break;
	case REG_STATUS:
		e->status = (e->status & ~STATUS_IRQFACT) | ((uint32_t)val & STATUS_IRQFACT);
		break;
	case REG_IRQ_RAISE:
		e->irq_status |= (uint32_t)val;
		signal = e->irq_status != 0;
		break;
	case REG_IRQ_ACK:
		lower_irq(e, (uint32_t)val);
		break;
	case REG_DMA_SRC:
		if (dma_idle)
			e->dma_src = val;
		break;
	case REG_DMA_DST:
		if (dma_idle)
			e->dma_dst = val;
		break;
	case REG_DMA_CNT:
		if (dma_idle)
			e->dma_cnt = val;
		break;
	case REG_DMA_CMD:
		if (!(val & DMA_RUN) || !dma_idle)
			break;
		e->dma_cmd = val;
		clock_gettime(CLOCK_MONOTONIC, &e->dma_due);
		e->dma_due.tv_nsec += DMA_DELAY_NS;
		if (e->dma_due.tv_nsec >= 1000000000L) {
			e->dma_due.tv_nsec -= 1000000000L;
			e->dma_due.tv_sec++;
		}
		pthread_cond_signal(&e->dma_cond);
		break;
	}
	pthread_mutex_unlock(&e->lock);
	if (signal)
		signal_irq(e);
	return PCIEM_OK;
}

static void add_ns(struct timespec *t, uint64_t ns)
{
	t->tv_sec += (time_t)(ns / 1000000000u);
	t->tv_nsec += (long)(ns % 1000000000u);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static void *fact_thread(void *arg)
{
	struct edu *e = arg;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		struct timespec done;
		uint32_t n, r = 1, i;

		while (!(e->status & STATUS_COMPUTING) && !e->stopping)
			pthread_cond_wait(&e->fact_cond, &e->lock);
		if (e->stopping)
			break;
		n = e->fact;
		/* Once the product has 32 factors of two it stays 0 (n >= 34). */
		for (i = n; i > 0 && r; i--)
			r *= i;
		clock_gettime(CLOCK_MONOTONIC, &done);
		add_ns(&done, (uint64_t)n * FACT_NS_PER_STEP);
		while (!e->stopping &&
		       pthread_cond_timedwait(&e->fact_cond, &e->lock, &done) != ETIMEDOUT)
			;
		if (e->stopping)
			break;
		e->fact = r;
		e->status &= ~STATUS_COMPUTING;
		if (e->status & STATUS_IRQFACT) {
			e->irq_status |= IRQ_FACT;
			pthread_mutex_unlock(&e->lock);
			signal_irq(e);
			pthread_mutex_lock(&e->lock);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* [addr, addr + cnt) inside the device buffer?  A transfer may end at its very end. */
static bool in_buffer(uint64_t addr, uint64_t cnt)
{
	return addr >= DMA_BUF_ADDR && addr < DMA_BUF_ADDR + DMA_BUF_SIZE && cnt >= 1 &&
	       cnt <= DMA_BUF_ADDR + DMA_BUF_SIZE - addr;
}

static uint64_t clamp_addr(uint64_t addr)
{
	if (addr & ~DMA_ADDR_MASK)
		fprintf(stderr, "pciem-edu: clamping DMA address %#llx to %#llx\n",
			(unsigned long long)addr, (unsigned long long)(addr & DMA_ADDR_MASK));
	return addr & DMA_ADDR_MASK;
}

static void *dma_thread(void *arg)
{
	struct edu *e = arg;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		uint64_t cmd, src, dst, cnt, dev;
		bool to_ram;
		int ret;

		while (!(e->dma_cmd & DMA_RUN) && !e->stopping)
			pthread_cond_wait(&e->dma_cond, &e->lock);
		while (!e->stopping &&
		       pthread_cond_timedwait(&e->dma_cond, &e->lock, &e->dma_due) != ETIMEDOUT)
			;
		if (e->stopping)
			break;
		/* While DMA_RUN is set nobody changes these. */
		cmd = e->dma_cmd;
		src = e->dma_src;
		dst = e->dma_dst;
		cnt = e->dma_cnt;
		to_ram = cmd & DMA_TO_RAM;
		dev = to_ram ? src : dst;
		if (!in_buffer(dev, cnt)) {
			fprintf(stderr, "pciem-edu: DMA refused: device range %#llx+%#llx is "
				"outside the buffer [%#x, %#x)\n", (unsigned long long)dev,
				(unsigned long long)cnt, DMA_BUF_ADDR, DMA_BUF_ADDR + DMA_BUF_SIZE);
			e->dma_cmd &= ~(uint64_t)DMA_RUN;
			continue;
		}
		/* The transfer runs unlocked: BAR reads are answered meanwhile. */
		pthread_mutex_unlock(&e->lock);
		if (to_ram)
			ret = pciem_dma_write(e->d, clamp_addr(dst), e->buf + (src - DMA_BUF_ADDR),
					      cnt);
		else
			ret = pciem_dma_read(e->d, clamp_addr(src), e->buf + (dst - DMA_BUF_ADDR),
					     cnt);
		if (ret < 0)
			fprintf(stderr, "pciem-edu: DMA of %llu bytes %s %#llx failed: %s\n",
				(unsigned long long)cnt, to_ram ? "to" : "from",
				(unsigned long long)(to_ram ? dst : src), pciem_strerror(ret));
		pthread_mutex_lock(&e->lock);
		/* Like the bus: a failed transfer still completes. */
		e->dma_cmd &= ~(uint64_t)DMA_RUN;
		if (e->dma_cmd & DMA_IRQ) {
			e->irq_status |= IRQ_DMA;
			pthread_mutex_unlock(&e->lock);
			signal_irq(e);
			pthread_mutex_lock(&e->lock);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

static int setup(struct edu *e, bool attach, uint16_t subsys_vendor, uint16_t subsys_device)
{
	/*
	 * Every access reaches the handlers: sizes and alignment are checked
	 * there, to answer what QEMU's edu answers (access_ok()).
	 */
	static const struct pciem_region_ops regs = {
		.read = edu_read, .write = edu_write, .unaligned = true,
	};
	const struct pciem_config_space ids = {
		.vendor_id = 0x1234, .device_id = 0x11e8,
		.subsys_vendor_id = subsys_vendor, .subsys_device_id = subsys_device,
		.revision = 0x10,
		.class_code = { 0x00, 0xff, 0x00 },	/* PCI_CLASS_OTHERS: 00ff */
	};
	int ret;

	if ((ret = pciem_create(&e->d, attach ? PCIEM_CREATE_FLAG_BUS_MODE_ATTACH
				: PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) < 0)
		return fprintf(stderr, "pciem-edu: %s: %s\n", PCIEM_DEVICE_PATH,
			       pciem_strerror(ret)), ret;
	if ((ret = pciem_set_ids(e->d, &ids)) < 0 ||
	    (ret = pciem_add_bar(e->d, 0, EDU_BAR_SIZE, 0)) < 0 ||
	    (ret = pciem_add_msi(e->d, 0, true, false)) < 0 ||
	    (ret = pciem_region(e->d, 0, 0, EDU_BAR_SIZE, &regs, e)) < 0 ||
	    (ret = pciem_register(e->d)) < 0)
		return fprintf(stderr, "pciem-edu: describing the device: %s\n",
			       pciem_strerror(ret)), ret;
	return 0;
}

static const char usage[] =
	"usage: pciem-edu [--attach] [--subsystem VENDOR:DEVICE]\n"
	"  QEMU's edu device (1234:11e8) on pciem; runs until SIGINT/SIGTERM and\n"
	"  prints the device's PCI address once it is on the bus and drivers have\n"
	"  probed it.\n"
	"  --attach     join an existing bus (pciem.ko's pciem_attach_bus) instead\n"
	"               of a host bridge of its own\n"
	"  --subsystem  subsystem IDs in hex (default 1af4:1100, what QEMU gives\n"
	"               a device that does not choose its own), e.g. for a driver\n"
	"               to match this edu and not QEMU's\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "attach", no_argument, NULL, 'a' },
		{ "subsystem", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_condattr_t ca;
	pthread_t fact_tid, dma_tid;
	sigset_t block, old;
	unsigned int subsys_vendor = 0x1af4, subsys_device = 0x1100;
	bool attach = false;
	struct edu *e;
	char addr[32];
	int c, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			attach = true;
			break;
		case 's': {
			char end;

			if (sscanf(optarg, "%x:%x%c", &subsys_vendor, &subsys_device, &end) != 2 ||
			    subsys_vendor > 0xffff || subsys_device > 0xffff) {
				fprintf(stderr, "pciem-edu: --subsystem %s: expected VENDOR:DEVICE in hex\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}

	e = calloc(1, sizeof(*e));
	if (!e)
		return 1;
	pthread_mutex_init(&e->lock, NULL);
	/* Deadlines are CLOCK_MONOTONIC. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->fact_cond, &ca);
	pthread_cond_init(&e->dma_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (setup(e, attach, subsys_vendor, subsys_device) < 0) {
		pciem_destroy(e->d);
		return 1;
	}

	/* Signals go to the main thread, which serves the BAR. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (pthread_create(&fact_tid, NULL, fact_thread, e) ||
	    pthread_create(&dma_tid, NULL, dma_thread, e)) {
		fprintf(stderr, "pciem-edu: cannot start threads\n");
		pciem_destroy(e->d);
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	ret = pciem_start(e->d);
	if (ret == 0)
		ret = wait_probed(e);
	if (ret == 0)
		ret = pciem_address(e->d, addr, sizeof(addr));
	if (ret == 0) {
		printf("%s\n", addr);
		fflush(stdout);
		ret = serve(e);
		if (ret < 0)
			fprintf(stderr, "pciem-edu: %s\n", pciem_strerror(ret));
	} else {
		fprintf(stderr, "pciem-edu: start: %s\n", pciem_strerror(ret));
	}

	pthread_mutex_lock(&e->lock);
	e->stopping = true;
	pthread_cond_broadcast(&e->fact_cond);
	pthread_cond_broadcast(&e->dma_cond);
	pthread_mutex_unlock(&e->lock);
	pthread_join(fact_tid, NULL);
	pthread_join(dma_tid, NULL);
	pciem_destroy(e->d);	/* the device leaves the bus */
	free(e);
	return ret < 0 ? 1 : 0;
}
