// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_trap_test - MMIO trapping, from the emulator's side.
 *
 * The kernel driver pciem_mmio_test (tests/guest/kmod) binds to 1b36:00e2
 * and performs accesses on command (debugfs).  This program is its device:
 * it answers reads and records writes, and checks that every access the
 * driver makes arrives exactly — offset, width, value, order — including
 * memcpy_toio/memcpy_fromio/memset_io/iowrite32_rep, a second (write-
 * combining) mapping, and two CPUs writing at once; that unanswered reads
 * read all ones and are counted; that write-only, STOP_WRITES and
 * untraced BARs behave as documented; and that a register bound to an
 * eventfd (PCIEM_IOCTL_IOEVENTFD) signals it instead of making an event.
 *
 *   pciem_trap_test            run every check
 *   pciem_trap_test --serve    only be the device (for the kill test)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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


#define BAR_SIZE	(64 * 1024)
#define HUGE_BAR_SIZE	(4u << 20)	/* what ioremap would map with 2 MiB pages */
#define REG_ID		0x0000	/* reads 0x1234abcd */
#define REG_COUNTER	0x0010	/* each read returns one more than the last */
#define UNDECODED	0x8000	/* from here up reads answer "nothing" (all ones) */
#define LOG_MAX		200000

struct wlog {
	uint64_t seq, off, data;
	uint32_t size;
};

/* One emulated device and the thread serving it. */
struct emu {
	struct pciem_dev *d;
	char addr[16];
	char cmdpath[128];
	pthread_t thread;
	atomic_int stop, mute;		/* mute: ignore reads (no answer) */
	atomic_int reads;
	uint32_t counter;
	uint8_t *shadow;		/* what writes left, for reads to return */
	struct wlog *log;
	atomic_int nlog;
};

static uint64_t answer(struct emu *e, uint64_t off, uint32_t size, int *status)
{
	uint64_t v = 0;

	*status = 0;
	if (off >= UNDECODED) {
		*status = -1;
		return 0;
	}
	if (off == REG_COUNTER && size == 4)
		return ++e->counter;
	if (off < 4) {
		uint32_t id = 0x1234abcd;

		memcpy(&v, (uint8_t *)&id + off, size > 4 - off ? 4 - off : size);
		return v;
	}
	memcpy(&v, e->shadow + off, size);
	return v;
}

static void *serve(void *arg)
{
	struct emu *e = arg;
	struct pciem_event ev;

	while (!atomic_load(&e->stop)) {
		int r = pciem_wait_event(e->d, &ev, 20), status;

		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (ev.type == PCIEM_EVENT_MMIO_READ) {
			uint64_t v;

			atomic_fetch_add(&e->reads, 1);
			if (atomic_load(&e->mute))
				continue;
			v = answer(e, ev.offset, ev.size, &status);
			pciem_respond(e->d, ev.seq, v, status);
		} else if (ev.type == PCIEM_EVENT_MMIO_WRITE) {
			int n = atomic_load(&e->nlog);

			if (ev.offset + ev.size <= BAR_SIZE)
				memcpy(e->shadow + ev.offset, &ev.data, ev.size);
			if (n < LOG_MAX) {
				e->log[n] = (struct wlog){ ev.seq, ev.offset, ev.data, ev.size };
				atomic_store(&e->nlog, n + 1);
			}
		}
	}
	return NULL;
}

static void emu_start(struct emu *e, uint32_t trace, uint32_t bar_size)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00e2, .class_code = { 0, 0, 0xff },
	};
	int ret;

	memset(e, 0, sizeof(*e));
	e->shadow = calloc(1, BAR_SIZE);
	e->log = calloc(LOG_MAX, sizeof(*e->log));
	if ((ret = pciem_create(&e->d, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL)) ||
	    (ret = pciem_set_ids(e->d, &ids)) || (ret = pciem_add_bar(e->d, 0, bar_size, 0)) ||
	    (trace && (ret = pciem_trace_bar(e->d, 0, trace))) ||
	    (ret = pciem_register(e->d)) || (ret = pciem_start(e->d)) ||
	    (ret = pciem_address(e->d, e->addr, sizeof(e->addr))))
		die("device set-up", ret);
	wait_driver(e->cmdpath, sizeof(e->cmdpath), "pciem_mmio_test", e->addr);
	pthread_create(&e->thread, NULL, serve, e);
}

static void emu_stop(struct emu *e)
{
	atomic_store(&e->stop, 1);
	pthread_join(e->thread, NULL);
	pciem_destroy(e->d);
	free(e->shadow);
	free(e->log);
}

/* Run a driver command; returns its result value. */
#define cmd(e, ...) ((unsigned long)driver_cmd((e)->cmdpath, __VA_ARGS__))

/* Wait until the thread has logged at least n writes. */
static int wait_log(struct emu *e, int n)
{
	for (int i = 0; i < 500 && atomic_load(&e->nlog) < n; i++)
		usleep(10000);
	return atomic_load(&e->nlog);
}

static void test_single_accesses(struct emu *e)
{
	volatile uint8_t *bar = pciem_bar(e->d, 0, NULL);
	int n0 = atomic_load(&e->nlog);
	struct { const char *op; unsigned int off, size; uint64_t val; } w[] = {
		{ "w4", 0x100, 4, 0xdeadbeef }, { "w1", 0x105, 1, 0x5a }, { "w2", 0x10a, 2, 0xbeef },
		{ "w8", 0x110, 8, 0x0123456789abcdefULL }, { "iw4", 0x120, 4, 0xcafef00d },
		{ "wc4", 0x130, 4, 0x600dcafe },
	};

	for (unsigned int i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		cmd(e, "%s %#x %#llx", w[i].op, w[i].off, (unsigned long long)w[i].val);
	CHECK(wait_log(e, n0 + 6) == n0 + 6, "%d write events, want 6", atomic_load(&e->nlog) - n0);
	for (unsigned int i = 0; i < 6; i++) {
		struct wlog *l = &e->log[n0 + i];
		uint64_t mem = 0;

		CHECK(l->off == w[i].off && l->size == w[i].size && l->data == w[i].val,
		      "%s: event off %#llx size %u data %#llx", w[i].op,
		      (unsigned long long)l->off, l->size, (unsigned long long)l->data);
		CHECK(i == 0 || l->seq > e->log[n0 + i - 1].seq, "%s: out of order", w[i].op);
		memcpy(&mem, (const void *)(bar + w[i].off), w[i].size);
		CHECK(mem == w[i].val, "%s: BAR memory %#llx, the write was not applied", w[i].op,
		      (unsigned long long)mem);
	}

	/* Reads answered by the emulator, at each width. */
	CHECK(cmd(e, "r4 0") == 0x1234abcd, "r4 ID");
	CHECK(cmd(e, "ir4 0") == 0x1234abcd, "ioread32 ID");
	CHECK(cmd(e, "r1 1") == 0xab, "r1 ID byte 1");
	CHECK(cmd(e, "r2 2") == 0x1234, "r2 ID high half");
	CHECK(cmd(e, "r8 0x110") == 0x0123456789abcdefULL, "r8 of a written register");
	{
		unsigned long a = cmd(e, "r4 %#x", REG_COUNTER), b = cmd(e, "r4 %#x", REG_COUNTER);

		CHECK(b == a + 1, "computed-on-read register: %lu then %lu", a, b);
	}
	CHECK(cmd(e, "r4 %#x", UNDECODED) == 0xffffffffUL, "undecoded offset reads all ones");
	CHECK(cmd(e, "r1 %#x", UNDECODED + 3) == 0xff, "undecoded byte reads 0xff");
}

/*
 * A BAR ioremap would map with 2 MiB pages: pciem maps a traced one with
 * 4 KiB pages instead (a huge entry cannot trap), so every part of it
 * reaches the emulator, the last page of each 2 MiB block included.
 */
static void test_huge_bar(void)
{
	static const unsigned int undecoded[] = {
		UNDECODED, 0x1ffffc, 0x200000, HUGE_BAR_SIZE - 4,
	};
	struct emu e;
	int n0;

	emu_start(&e, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES, HUGE_BAR_SIZE);
	CHECK(cmd(&e, "r4 0") == 0x1234abcd, "huge BAR: r4 ID");
	for (unsigned int i = 0; i < sizeof(undecoded) / sizeof(undecoded[0]); i++)
		CHECK(cmd(&e, "r4 %#x", undecoded[i]) == 0xffffffffUL,
		      "huge BAR: r4 %#x answered by the emulator (all ones), not BAR memory",
		      undecoded[i]);
	n0 = atomic_load(&e.nlog);
	cmd(&e, "w4 %#x 0x5eed", HUGE_BAR_SIZE - 0x1000);
	cmd(&e, "w4 %#x 0x600d", 0x1ff000);
	CHECK(wait_log(&e, n0 + 2) == n0 + 2, "huge BAR: %d write events, want 2",
	      atomic_load(&e.nlog) - n0);
	CHECK(e.log[n0].off == HUGE_BAR_SIZE - 0x1000 && e.log[n0].data == 0x5eed &&
	      e.log[n0 + 1].off == 0x1ff000 && e.log[n0 + 1].data == 0x600d,
	      "huge BAR: write events at the right offsets");
	emu_stop(&e);
}

static void test_string_ops(struct emu *e)
{
	volatile uint8_t *bar = pciem_bar(e->d, 0, NULL);
	int n0 = atomic_load(&e->nlog), n, ok;
	unsigned int covered = 0;
	unsigned long sum = 0;

	/* memcpy_toio: every byte written exactly once, in order. */
	cmd(e, "toio 0x200 64 0x40");
	for (int tries = 0; tries < 500; tries++) {
		covered = 0;
		n = atomic_load(&e->nlog) - n0;
		for (int i = 0; i < n; i++)
			covered += e->log[n0 + i].size;
		if (covered >= 64)
			break;
		usleep(10000);
	}
	covered = 0;
	ok = 1;
	for (int i = 0; i < n; i++) {
		struct wlog *l = &e->log[n0 + i];

		if (l->off != 0x200 + covered)
			ok = 0;
		covered += l->size;
	}
	CHECK(ok && covered == 64, "memcpy_toio covered %u bytes in order (%d events)", covered, n);
	ok = 1;
	for (int i = 0; i < 64; i++)
		if (bar[0x200 + i] != (uint8_t)(0x40 + i))
			ok = 0;
	CHECK(ok, "memcpy_toio data in BAR memory");

	/* memcpy_fromio: the emulator's answers. */
	for (int i = 0; i < 64; i++)
		sum += (uint8_t)(0x40 + i);
	CHECK(cmd(e, "fromio 0x200 64") == sum, "memcpy_fromio sum");

	/* memset_io: as many events as the CPU's string store makes, 32 bytes in all. */
	n0 = atomic_load(&e->nlog);
	cmd(e, "set 0x300 32 0x5a");
	covered = 0;
	for (int tries = 0; tries < 500 && covered < 32; tries++) {
		covered = 0;
		n = atomic_load(&e->nlog) - n0;
		for (int i = 0; i < n; i++)
			covered += e->log[n0 + i].size;
		if (covered < 32)
			usleep(10000);
	}
	CHECK(covered == 32, "memset_io wrote %u bytes", covered);
	ok = 1;
	for (int i = 0; i < 32; i++)
		if (bar[0x300 + i] != 0x5a)
			ok = 0;
	CHECK(ok, "memset_io data");

	/* iowrite32_rep: eight writes to one register, values in order. */
	n0 = atomic_load(&e->nlog);
	cmd(e, "rep4 0x400 8");
	n = wait_log(e, n0 + 8) - n0;
	ok = n == 8;
	for (int i = 0; ok && i < 8; i++)
		if (e->log[n0 + i].off != 0x400 || e->log[n0 + i].data != (uint64_t)i)
			ok = 0;
	CHECK(ok, "iowrite32_rep: %d events", n);
}

static void test_two_cpus(struct emu *e)
{
	const unsigned long N = 3000;
	int n0 = atomic_load(&e->nlog), n, cpus;
	uint64_t next[8];
	int bad = 0;

	cpus = (int)(cmd(e, "stress 0x1000 %lu", N) / N);
	n = wait_log(e, n0 + cpus * (int)N) - n0;
	CHECK(cpus >= 2, "stress ran on %d CPUs", cpus);
	CHECK(n == cpus * (int)N, "%d of %lu writes arrived", n, cpus * N);
	for (int c = 0; c < 8; c++)
		next[c] = 1;
	for (int i = 0; i < n; i++) {
		struct wlog *l = &e->log[n0 + i];
		unsigned int c = (unsigned int)(l->off - 0x1000) / 8;

		if (c >= 8 || l->data != next[c]++)
			bad++;
	}
	CHECK(bad == 0, "%d writes out of program order or lost", bad);

	/* Both CPUs reading at once: every read answered. */
	{
		struct pciem_device_info info;
		int r0 = atomic_load(&e->reads);

		pciem_device_info(e->d, &info);
		uint64_t t0 = info.read_timeouts;

		cmd(e, "hammer 0 1000");
		pciem_device_info(e->d, &info);
		CHECK(atomic_load(&e->reads) - r0 == cpus * 1000, "%d reads seen",
		      atomic_load(&e->reads) - r0);
		CHECK(info.read_timeouts == t0, "reads timed out under load");
	}
}

static void test_read_timeout(struct emu *e)
{
	struct pciem_device_info info;
	uint64_t t0;
	int fd = open("/sys/module/pciem/parameters/pciem_read_timeout_ms", O_WRONLY);

	if (fd < 0 || write(fd, "50", 2) != 2)
		die("pciem_read_timeout_ms", -errno);
	pciem_device_info(e->d, &info);
	t0 = info.read_timeouts;
	atomic_store(&e->mute, 1);
	CHECK(cmd(e, "r4 0x20") == 0xffffffffUL, "unanswered read");
	atomic_store(&e->mute, 0);
	pciem_device_info(e->d, &info);
	CHECK(info.read_timeouts == t0 + 1, "read_timeouts %llu, want %llu",
	      (unsigned long long)info.read_timeouts, (unsigned long long)t0 + 1);
	if (write(fd, "1000", 4) != 4)
		die("pciem_read_timeout_ms", -errno);
	close(fd);
	CHECK(cmd(e, "r4 0") == 0x1234abcd, "answers again after a timeout");
}

/* Writes traced, reads straight from memory; STOP_WRITES; untraced. */
static void test_modes(void)
{
	struct emu e;
	volatile uint32_t *bar;

	emu_start(&e, PCIEM_TRACE_WRITES, BAR_SIZE);
	bar = pciem_bar(e.d, 0, NULL);
	bar[0x40 / 4] = 0x11223344;
	CHECK(cmd(&e, "r4 0x40") == 0x11223344, "write-only tracing: read from memory");
	CHECK(atomic_load(&e.reads) == 0, "write-only tracing produced read events");
	cmd(&e, "w4 0x44 0x55667788");
	CHECK(wait_log(&e, 1) == 1 && e.log[0].data == 0x55667788, "write-only tracing: write event");
	CHECK(bar[0x44 / 4] == 0x55667788, "write-only tracing: write applied");
	emu_stop(&e);

	emu_start(&e, PCIEM_TRACE_WRITES | PCIEM_TRACE_STOP_WRITES, BAR_SIZE);
	bar = pciem_bar(e.d, 0, NULL);
	cmd(&e, "w4 0x48 0x99999999");
	CHECK(wait_log(&e, 1) == 1 && e.log[0].data == 0x99999999, "STOP_WRITES: event");
	CHECK(bar[0x48 / 4] == 0, "STOP_WRITES: the write reached memory");
	emu_stop(&e);

	emu_start(&e, 0, BAR_SIZE);
	bar = pciem_bar(e.d, 0, NULL);
	cmd(&e, "w4 0x4c 0x1234");
	CHECK(bar[0x4c / 4] == 0x1234, "untraced: write in memory");
	bar[0x50 / 4] = 0x4321;
	CHECK(cmd(&e, "r4 0x50") == 0x4321, "untraced: read from memory");
	usleep(50000);
	CHECK(atomic_load(&e.nlog) == 0 && atomic_load(&e.reads) == 0, "untraced BAR made events");
	emu_stop(&e);
}

static void test_trace_errors(void)
{
	struct pciem_trace_bar t = { .bar_index = 2, .flags = PCIEM_TRACE_WRITES };
	struct emu e;

	emu_start(&e, PCIEM_TRACE_WRITES, BAR_SIZE);
	t.bar_index = 0;
	CHECK(ioctl(pciem_fd(e.d), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == EBADFD,
	      "TRACE_BAR after START");
	emu_stop(&e);
	{
		struct pciem_dev *d;
		struct pciem_config_space ids = { .vendor_id = 0x1b36, .device_id = 0x00e3 };

		if (pciem_create(&d, 0) || pciem_set_ids(d, &ids) || pciem_add_bar(d, 0, 4096, 0))
			die("create", -EIO);
		t.bar_index = 2;
		CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == ENOENT,
		      "TRACE_BAR of a BAR not added");
		t.bar_index = 0;
		t.flags = 0x10;
		CHECK(ioctl(pciem_fd(d), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == EINVAL,
		      "TRACE_BAR unknown flag");
		pciem_destroy(d);
	}
}

/* How many times efd was signalled since the last call (0 if none). */
static uint64_t efd_count(int efd)
{
	uint64_t n = 0;

	for (int i = 0; i < 100; i++) {
		if (read(efd, &n, sizeof(n)) == sizeof(n))
			return n;
		usleep(1000);
	}
	return 0;
}

static int ioeventfd_err(struct pciem_dev *d, unsigned int bar, uint64_t off, unsigned int size,
			 int efd, uint32_t flags, uint64_t datamatch)
{
	return -pciem_ioeventfd(d, bar, off, size, efd, flags, datamatch);
}

/* PCIEM_IOCTL_IOEVENTFD: doorbells that signal an eventfd, and its errors. */
static void test_ioeventfd(void)
{
	const uint32_t DM = PCIEM_IOEVENTFD_FLAG_DATAMATCH, DE = PCIEM_IOEVENTFD_FLAG_DEASSIGN;
	int efd = eventfd(0, EFD_NONBLOCK), efd2 = eventfd(0, EFD_NONBLOCK);
	volatile uint32_t *bar;
	struct emu e;
	int n0, i, ret;

	emu_start(&e, PCIEM_TRACE_WRITES, BAR_SIZE);
	bar = pciem_bar(e.d, 0, NULL);
	CHECK(pciem_ioeventfd(e.d, 0, 0x200, 4, efd, 0, 0) == 0, "bind BAR 0 + 0x200 (4 bytes)");
	CHECK(pciem_ioeventfd(e.d, 0, 0x208, 4, efd2, DM, 7) == 0, "bind BAR 0 + 0x208 = 7");

	cmd(&e, "w4 0x200 0xa1");
	cmd(&e, "w4 0x200 0xa2");
	cmd(&e, "w4 0x200 0xa3");
	CHECK(efd_count(efd) == 3, "3 writes to a bound register: 3 signals");
	CHECK(bar[0x200 / 4] == 0xa3, "a bound register's write still reaches BAR memory");
	cmd(&e, "w2 0x200 0xb1");	/* other width: not the bound register */
	cmd(&e, "w4 0x208 7");
	cmd(&e, "w4 0x208 8");		/* other value */
	cmd(&e, "w4 0x204 0xc1");
	n0 = wait_log(&e, 3);
	CHECK(n0 == 3 && e.log[0].off == 0x200 && e.log[0].size == 2 && e.log[1].off == 0x208 &&
	      e.log[1].data == 8 && e.log[2].off == 0x204,
	      "only unbound writes are events (%d events)", n0);
	CHECK(efd_count(efd2) == 1, "datamatch: the matching value signals once");
	CHECK(efd_count(efd) == 0, "a 2-byte write does not signal a 4-byte binding");

	/* Errors: nothing changes. */
	CHECK(ioeventfd_err(e.d, 0, 0x200, 4, efd2, 0, 0) == EEXIST, "same register twice: EEXIST");
	CHECK(ioeventfd_err(e.d, 0, 0x200, 4, efd2, DM, 1) == EEXIST,
	      "a value of a register bound for every value: EEXIST");
	CHECK(ioeventfd_err(e.d, 0, 0x208, 4, efd, DM, 7) == EEXIST, "same value twice: EEXIST");
	CHECK(ioeventfd_err(e.d, 0, 0x208, 4, efd, DM, 9) == 0, "another value of it: bound");
	CHECK(ioeventfd_err(e.d, 0, 0x208, 4, efd, DM | DE, 9) == 0, "and removed again");
	CHECK(ioeventfd_err(e.d, 0, 0x202, 3, efd, 0, 0) == EINVAL, "size 3: EINVAL");
	CHECK(ioeventfd_err(e.d, 0, 0x202, 4, efd, 0, 0) == EINVAL, "unaligned: EINVAL");
	CHECK(ioeventfd_err(e.d, 0, BAR_SIZE, 4, efd, 0, 0) == EINVAL, "beyond the BAR: EINVAL");
	CHECK(ioeventfd_err(e.d, 6, 0, 4, efd, 0, 0) == EINVAL, "BAR 6: EINVAL");
	CHECK(ioeventfd_err(e.d, 2, 0, 4, efd, 0, 0) == ENOENT, "BAR not added: ENOENT");
	CHECK(ioeventfd_err(e.d, 0, 0x300, 4, efd, 0x100, 0) == EINVAL, "unknown flag: EINVAL");
	CHECK(ioeventfd_err(e.d, 0, 0x300, 2, efd, DM, 0x10000) == EINVAL,
	      "a value wider than the register: EINVAL");
	CHECK(ioeventfd_err(e.d, 0, 0x300, 4, -1, 0, 0) == EBADF, "fd -1: EBADF");
	CHECK(ioeventfd_err(e.d, 0, 0x300, 4, 0, 0, 0) == EINVAL, "not an eventfd: EINVAL");
	CHECK(ioeventfd_err(e.d, 0, 0x300, 4, efd, DE, 0) == ENOENT, "remove what is not bound: ENOENT");
	CHECK(ioeventfd_err(e.d, 0, 0x200, 4, efd2, DE, 0) == ENOENT,
	      "remove with another eventfd: ENOENT");
	{
		struct pciem_ioeventfd a = { .offset = 0x300, .size = 4, .fd = efd, .reserved = 1 };

		CHECK(ioctl(pciem_fd(e.d), PCIEM_IOCTL_IOEVENTFD, &a) < 0 && errno == EINVAL,
		      "reserved not 0: EINVAL");
	}
	for (i = 0, ret = 0; i < 64 && !ret; i++)
		ret = pciem_ioeventfd(e.d, 0, 0x1000 + 8 * i, 8, efd, 0, 0);
	CHECK(ret == -ENOSPC && i == 63, "the 65th binding: ENOSPC (after %d more)", i - 1);
	cmd(&e, "w4 0x200 0xd1");
	CHECK(efd_count(efd) == 1, "still bound after the refused calls");

	CHECK(pciem_ioeventfd(e.d, 0, 0x200, 4, efd, DE, 0) == 0, "unbind BAR 0 + 0x200");
	cmd(&e, "w4 0x200 0xd2");
	CHECK(wait_log(&e, 4) == 4 && e.log[3].off == 0x200 && e.log[3].data == 0xd2,
	      "unbound: the write is an event again");
	CHECK(efd_count(efd) == 0, "unbound: no signal");
	emu_stop(&e);

	{
		struct pciem_ioeventfd a = { .offset = 0, .size = 4, .fd = efd };
		int fd = open("/dev/pciem", O_RDWR);

		CHECK(fd >= 0 && ioctl(fd, PCIEM_IOCTL_IOEVENTFD, &a) < 0 && errno == EBADFD,
		      "before CREATE_DEVICE: EBADFD");
		if (fd >= 0)
			close(fd);
	}
	close(efd);
	close(efd2);
}

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

int main(int argc, char **argv)
{
	struct emu e;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--serve")) {
		signal(SIGTERM, on_signal);
		emu_start(&e, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES, BAR_SIZE);
		printf("%s\n", e.addr);
		while (!quit)
			pause();
		emu_stop(&e);
		return 0;
	}
	emu_start(&e, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES, BAR_SIZE);
	test_single_accesses(&e);
	test_string_ops(&e);
	test_two_cpus(&e);
	test_read_timeout(&e);
	emu_stop(&e);
	test_modes();
	test_huge_bar();
	test_trace_errors();
	test_ioeventfd();
	return summary("pciem_trap_test");
}
