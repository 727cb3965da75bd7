// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem-nvme - an NVMe 1.4 controller on libpciem, with one namespace
 * stored in a file.  Linux's own nvme driver binds to it (by class 0x010802).
 *
 *   pciem-nvme [OPTIONS] FILE       (the options: usage[] below, pciem-nvme(8))
 *
 * Runs in the foreground until SIGINT/SIGTERM; prints the controller's PCI
 * address on stdout once it is on the bus.  On SIGINT/SIGTERM the driver is
 * unbound first (so it shuts the controller down while we still serve it),
 * then FILE is flushed and the function leaves the bus.
 *
 * Layout of BAR 0 (64-bit, 16 KiB):
 *   0x0000-0x0fff  controller registers (CAP, VS, CC, CSTS, AQA, ASQ, ACQ...)
 *   0x1000-0x1fff  doorbells (stride 4 bytes: SQ y tail at 0x1000 + 8y,
 *                  CQ y head at 0x1004 + 8y)
 *   0x2000         MSI-X table (one vector per queue), 0x3000 its PBA
 *
 * Threads: the main thread takes the events (register and doorbell writes)
 * and handles controller enable, reset and shutdown.  Each submission queue
 * (the admin queue included) has a thread of its own that fetches commands,
 * executes them against FILE and posts completions, one batch at a time,
 * with one interrupt per batch.  With the Doorbell Buffer Config command
 * (shadow doorbells) a busy queue is fetched from without any doorbell
 * write trapping at all.
 *
 * The source, by concept (README.md has the table):
 *   nvme_spec.h  the NVMe specification: registers, commands, statuses, structures
 *   nvme.h       this controller's state and what the files call across
 *   main.c       options, setup (every libpciem description call), the event loop
 *   ctrl.c       registers in BAR memory; enable, reset, shutdown
 *   queue.c      SQs and CQs, doorbells, queue threads, completions, interrupts
 *   admin.c      admin commands and asynchronous events
 *   io.c         NVM commands: Read, Write, Flush, Write Zeroes, Dataset Management
 *   ns.c         the namespace and FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "nvme.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- start-up and the end ------------------------------------------------------ */

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* The function as the PCI core sees it: every libpciem description call. */
static int setup(struct ctrl *c, bool attach)
{
	const struct pciem_config_space ids = {
		.vendor_id = VENDOR_ID, .device_id = 0x00f1,
		.subsys_vendor_id = SUBSYS_VENDOR_ID, .subsys_device_id = 0x1100,
		.revision = 0x02,
		.class_code = { 0x02, 0x08, 0x01 },	/* NVM Express */
	};
	/*
	 * Registers and doorbells live in BAR memory: the driver reads them
	 * there untrapped, writes land there too, and the handlers act on
	 * them (a queue thread bound by ioeventfd reads its doorbell there).
	 */
	static const struct pciem_region_ops regs = {
		.write = on_regs, .flags = PCIEM_REGION_STORE_WRITES,
	};
	static const struct pciem_region_ops doorbells = {
		.write = on_doorbell, .min_access = 4, .max_access = 4,
		.flags = PCIEM_REGION_STORE_WRITES,
	};
	uint64_t size;
	int ret;

	if ((ret = pciem_create(&c->d, attach ? PCIEM_CREATE_FLAG_BUS_MODE_ATTACH
				: PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) < 0)
		return fprintf(stderr, "pciem-nvme: %s: %s\n", PCIEM_DEVICE_PATH,
			       pciem_strerror(ret)), ret;
	if ((ret = pciem_set_ids(c->d, &ids)) < 0 ||
	    (ret = pciem_add_bar(c->d, 0, BAR0_SIZE, PCIEM_BAR_FLAG_MEM64)) < 0 ||
	    (ret = pciem_add_pm(c->d)) < 0 ||
	    (ret = pciem_add_msix(c->d, 0, MSIX_TABLE, MSIX_PBA, nvectors(c))) < 0 ||
	    (ret = pciem_add_pcie(c->d)) < 0 ||
	    (ret = pciem_region(c->d, 0, 0, NVME_REG_DBS, &regs, c)) < 0 ||
	    (ret = pciem_region(c->d, 0, NVME_REG_DBS, NVME_REG_DBS, &doorbells, c)) < 0 ||
	    (ret = pciem_on_event(c->d, PCIEM_EVENT_RESET, on_reset, c)) < 0 ||
	    (ret = pciem_register(c->d)) < 0)
		return fprintf(stderr, "pciem-nvme: describing the controller: %s\n",
			       pciem_strerror(ret)), ret;
	c->regs = pciem_bar(c->d, 0, &size);
	if (!c->regs || size < BAR0_SIZE)
		return fprintf(stderr, "pciem-nvme: BAR 0 is not mapped\n"), -ENXIO;
	ctrl_power_on(c);
	return 0;
}

/*
 * Unbind the driver while we still serve it, so it shuts the controller
 * down.  The unbinder is shared by the thread that writes "unbind" and the
 * one that serves meanwhile; each drops a reference, the last frees it, so
 * a thread given up on after 90 s never writes to freed memory.
 */
struct unbinder {
	char path[192], addr[32];
	atomic_bool done;
	atomic_int refs;
};

static void unbinder_put(struct unbinder *u)
{
	if (atomic_fetch_sub(&u->refs, 1) == 1)
		free(u);
}

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;
	int fd = open(u->path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, u->addr, strlen(u->addr)) < 0 && errno != ENODEV)
			fprintf(stderr, "pciem-nvme: unbinding the driver: %s\n", strerror(errno));
		close(fd);
	}
	atomic_store(&u->done, true);
	unbinder_put(u);
	return NULL;
}

static void release_driver(struct ctrl *c)
{
	struct unbinder *u;
	char link[128];
	struct timespec t0, t;
	pthread_t tid;
	sigset_t all, old;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", c->addr);
	if (access(link, F_OK) != 0)
		return;
	u = calloc(1, sizeof(*u));
	if (!u)
		return;
	snprintf(u->path, sizeof(u->path), "%s/unbind", link);
	snprintf(u->addr, sizeof(u->addr), "%s", c->addr);
	atomic_init(&u->refs, 2);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&tid, NULL, unbind_thread, u)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		free(u);
		return;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!atomic_load(&u->done)) {
		int ret = pciem_dispatch(c->d, 20);

		if (ret < 0 && ret != -EINTR)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 90) {
			fprintf(stderr, "pciem-nvme: the driver did not let go within 90 s\n");
			pthread_detach(tid);
			unbinder_put(u);
			return;
		}
	}
	pthread_join(tid, NULL);
	unbinder_put(u);
}

static const char usage[] =
	"usage: pciem-nvme [OPTIONS] FILE\n"
	"  An NVMe controller on pciem whose namespace is stored in FILE (created\n"
	"  at --size if missing; an existing file keeps its size and content).\n"
	"  Prints the controller's PCI address once it is on the bus and runs\n"
	"  until SIGINT/SIGTERM.\n"
	"  --size BYTES        size of a new FILE (K/M/G/T suffixes; default 64M)\n"
	"  --queues N          I/O queue pairs offered, 1-64 (default 4)\n"
	"  --block-size B      logical block size, 512 or 4096 (default 512)\n"
	"  --serial S          serial number (20 characters at most)\n"
	"  --model M           model name (40 characters at most)\n"
	"  --read-only         a write-protected namespace (FILE opened read-only)\n"
	"  --attach            join pciem.ko's pciem_attach_bus instead of a host\n"
	"                      bridge of its own\n"
	"  --poll-us US        how long an idle I/O queue keeps polling for the\n"
	"                      host's next submission before it sleeps (default 0:\n"
	"                      it sleeps at once)\n"
	"  --stats             at the end, print what the queues did (stderr)\n"
	"  --no-shadow-doorbells  do not offer Doorbell Buffer Config: every\n"
	"                      doorbell write traps\n"
	"  --no-ioeventfd      I/O queue doorbells arrive as events through the\n"
	"                      main thread rather than waking their queue's thread\n"
	"                      directly (PCIEM_IOCTL_IOEVENTFD)\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "queues", required_argument, NULL, 'q' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "serial", required_argument, NULL, 'S' },
		{ "model", required_argument, NULL, 'M' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "attach", no_argument, NULL, 'a' },
		{ "poll-us", required_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 'T' },
		{ "no-ioeventfd", no_argument, NULL, 'E' },
		{ "no-shadow-doorbells", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t size = 64ull << 20;
	bool size_given = false, attach = false;
	unsigned long v;
	struct ctrl *c;
	char *end;
	int opt, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->nq = 4;
	c->ns.lba_shift = 9;
	snprintf(c->serial, sizeof(c->serial), "PCIEM0001");
	snprintf(c->model, sizeof(c->model), "pciem NVMe Controller");
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (parse_size(optarg, &size) < 0 || !size) {
				fprintf(stderr, "pciem-nvme: bad --size '%s'\n", optarg);
				return 2;
			}
			size_given = true;
			break;
		case 'q':
			v = strtoul(optarg, &end, 0);
			if (*end || v < 1 || v > MAX_QUEUES) {
				fprintf(stderr, "pciem-nvme: --queues takes 1-%u\n", MAX_QUEUES);
				return 2;
			}
			c->nq = (unsigned int)v;
			break;
		case 'b':
			if (!strcmp(optarg, "512")) {
				c->ns.lba_shift = 9;
			} else if (!strcmp(optarg, "4096")) {
				c->ns.lba_shift = 12;
			} else {
				fprintf(stderr, "pciem-nvme: --block-size takes 512 or 4096\n");
				return 2;
			}
			break;
		case 'S':
			if (!*optarg || strlen(optarg) > 20) {
				fprintf(stderr, "pciem-nvme: --serial takes 1-20 characters\n");
				return 2;
			}
			snprintf(c->serial, sizeof(c->serial), "%s", optarg);
			break;
		case 'M':
			if (!*optarg || strlen(optarg) > 40) {
				fprintf(stderr, "pciem-nvme: --model takes 1-40 characters\n");
				return 2;
			}
			snprintf(c->model, sizeof(c->model), "%s", optarg);
			break;
		case 'r':
			c->ns.ro = true;
			break;
		case 'a':
			attach = true;
			break;
		case 'T':
			c->print_stats = true;
			break;
		case 'D':
			c->no_dbbuf = true;
			break;
		case 'E':
			c->no_ioeventfd = true;
			break;
		case 'p':
			v = strtoul(optarg, &end, 0);
			if (*end || v > 1000000) {
				fprintf(stderr, "pciem-nvme: --poll-us takes 0-1000000\n");
				return 2;
			}
			c->spin_ns = (long)v * 1000;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage, stderr);
		return 2;
	}

	pthread_mutex_init(&c->reglock, NULL);
	pthread_mutex_init(&c->qlock, NULL);
	pthread_mutex_init(&c->flock, NULL);
	pthread_mutex_init(&c->aerlock, NULL);
	for (unsigned int q = 0; q <= MAX_QUEUES; q++) {
		c->sq[q].c = c;
		c->sq[q].efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->sq[q].efd < 0) {
			perror("pciem-nvme: eventfd");
			return 1;
		}
		pthread_mutex_init(&c->cq[q].lock, NULL);
		pthread_cond_init(&c->cq[q].space, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	if (ns_open(&c->ns, argv[optind], size, size_given) < 0)
		return 1;
	if (setup(c, attach) < 0) {
		pciem_destroy(c->d);
		return 1;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = pciem_start(c->d);
	/* Serve the nvme driver's probe (it enables the controller) before printing. */
	while (ret >= 0 && !stop_requested) {
		ret = pciem_wait_probed(c->d, 100);
		if (ret >= 0)
			break;
		if (ret == -ETIMEDOUT || ret == -EINTR)
			ret = 0;
	}
	if (ret >= 0)
		ret = pciem_address(c->d, c->addr, sizeof(c->addr));
	if (ret == 0) {
		printf("%s\n", c->addr);
		fflush(stdout);
		bool removed = false;

		while (!stop_requested) {
			ret = pciem_dispatch(c->d, 100);
			/* Removed (sysfs remove, the bus went away): the driver is gone too. */
			removed = ret == -EPIPE;
			if (ret < 0 && ret != -EINTR)
				break;
			ret = 0;
		}
		if (removed)
			ret = 0;
		else if (ret < 0)
			fprintf(stderr, "pciem-nvme: %s\n", pciem_strerror(ret));
		else
			release_driver(c);
	} else {
		fprintf(stderr, "pciem-nvme: start: %s\n", pciem_strerror(ret));
	}

	ctrl_reset(c);
	if (!c->ns.ro && fsync(c->ns.fd) < 0)
		fprintf(stderr, "pciem-nvme: fsync: %s\n", strerror(errno));
	if (c->print_stats)
		print_queue_stats(c);
	pciem_destroy(c->d);	/* the controller leaves the bus */
	close(c->ns.fd);
	for (unsigned int i = 0; i <= MAX_QUEUES; i++)
		free(c->sq[i].data);
	free(c);
	return ret < 0 ? 1 : 0;
}
