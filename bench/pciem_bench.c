// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_bench - the device half of the pciem benchmarks, run inside the test
 * VM by bench/guest/10-pciem-bench.sh (see bench/README.md).
 *
 * It emulates 1b36:00eb (BAR 0 traced for reads and writes, BAR 2 not
 * traced, one MSI vector), attached behind the VM's first PCIe root port so
 * that it has an IOMMU and can do DMA.  The kernel driver pciem_bench
 * (bench/kmod) binds to it and runs the driver side of each measurement on
 * command.  The emulator's thread is pinned to CPU 1 and the driver's loops
 * run on CPU 0 (the thread that writes the command is pinned there); the
 * floors use the same placement.
 *
 * Measured, each beside a floor measured in the same run:
 *   (a) a trapped MMIO write until the emulator has the event: the driver
 *       writes ktime_get_ns(), the emulator subtracts it from its own
 *       CLOCK_MONOTONIC when the event is in its hands; spaced writes.
 *       Floor: eventfd ping-pong between two processes, one way (RTT/2).
 *   (b) a synchronous readl() of a traced register, timed by the driver,
 *       answered at once by the emulator.  Floor: the eventfd RTT.
 *   (c) writes per second, one CPU writing as fast as it can, the emulator
 *       consuming; events_dropped from PCIEM_IOCTL_GET_DEVICE_INFO.
 *   (d) pciem_irq_raise() of an MSI vector until the driver's handler runs
 *       (the handler writes ktime_get_ns() to a traced register).  Floor:
 *       eventfd one way.
 *   (e) pciem_dma_read/pciem_dma_write of the driver's coherent buffer at
 *       4 KiB, 64 KiB and 1 MiB against memcpy() of the same sizes.
 *
 * The latency samples of the floor and of (a), (b) and (d) are taken in
 * interleaved blocks (floor, floor with poll(), (a), (b), (d), ten times
 * over), so that a busy moment of the shared host falls on all of them
 * rather than on one.
 *
 * Output: a readable report, and lines the host runner (bench/run.sh)
 * turns into tables: BENCH-ENV|..., BENCH-LAT|..., BENCH-BW|...,
 * BENCH-INFO|...  No timing is asserted; the exit status is non-zero only
 * when a benchmark could not run.
 *
 *   pciem_bench [-n SAMPLES] [-g GAP_US] [-w WRITES] [-b BLOCKS] [-q] [-v]
 *     -n  latency samples per measurement (2000)
 *     -g  gap between spaced samples in microseconds (500)
 *     -w  writes for the throughput run (200000)
 *     -b  interleaved blocks the latency samples are taken in (10)
 *     -q  quick: 200 samples, 20000 writes, fewer DMA repetitions
 *     -v  per-block medians of the floor, as they are taken
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pciem.h"

#define OFF_WLAT	0x000	/* (a) writeq of the driver's timestamp */
#define OFF_RLAT	0x100	/* (b) readl answered by us */
#define OFF_RATE	0x200	/* (c) writel 1..N */
#define OFF_IRQ		0x300	/* (d) the handler's writeq of its timestamp */
#define READ_VALUE	0x600dcafe

#define CPU_DRV		0	/* the driver's loops, the pinger of the floor */
#define CPU_EMU		1	/* the emulator's thread, the ponger */

static struct pciem_dev *d;
static char cmdpath[160], smppath[160];
static int nsamples = 2000, gap_us = 500, nblocks = 10;
static long nwrites = 200000;
static bool quick, verbose;
static int failures;

/* ---- small helpers ---------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("warning: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
}

static void fatal(const char *what, int err)
{
	printf("FAIL: %s: %s\n", what, err < 0 ? pciem_strerror(err) : "failed");
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		fatal("out of memory", -ENOMEM);
	return p;
}

/* One driver command: its result value, or -errno. */
static long drv(const char *fmt, ...)
{
	char buf[96], out[64] = "";
	va_list ap;
	long ret;
	int fd;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(cmdpath, O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, strlen(buf)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	lseek(fd, 0, SEEK_SET);
	ret = read(fd, out, sizeof(out) - 1);
	close(fd);
	if (ret < 0)
		return -errno;
	return (long)strtoull(out, NULL, 0);
}

/* The samples the last command collected: count of u64 values read. */
static size_t drv_samples(uint64_t *buf, size_t max)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(smppath, O_RDONLY);

	if (fd < 0)
		return 0;
	while (got < max * 8 && (n = read(fd, (char *)buf + got, max * 8 - got)) > 0)
		got += (size_t)n;
	close(fd);
	return got / 8;
}

/* A driver command run from a thread pinned to CPU_DRV, while we serve events. */
struct job {
	char cmd[96];
	long result;
	atomic_int done;
	pthread_t thread;
};

static void *job_fn(void *arg)
{
	struct job *j = arg;

	pin(CPU_DRV);
	j->result = drv("%s", j->cmd);
	atomic_store(&j->done, 1);
	return NULL;
}

static void job_start(struct job *j, const char *fmt, ...)
{
	va_list ap;

	memset(j, 0, sizeof(*j));
	va_start(ap, fmt);
	vsnprintf(j->cmd, sizeof(j->cmd), fmt, ap);
	va_end(ap);
	if (pthread_create(&j->thread, NULL, job_fn, j))
		fatal("pthread_create", -errno);
}

static long job_join(struct job *j)
{
	pthread_join(j->thread, NULL);
	return j->result;
}

/* ---- statistics ---------------------------------------------------------------- */

struct stats {
	size_t n;
	double min, med, p99, max, mean;	/* ns */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median and p99 (nearest rank) of n values; v is left sorted. */
static struct stats stats_of(uint64_t *v, size_t n)
{
	struct stats s = { .n = n };
	double sum = 0;

	if (!n)
		return s;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	s.min = (double)v[0];
	s.max = (double)v[n - 1];
	s.med = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	s.p99 = (double)v[(n * 99 + 99) / 100 - 1];
	s.mean = sum / (double)n;
	return s;
}

static void show(const char *what, struct stats s)
{
	printf("  %-44s n=%-6zu min %8.1f  median %8.1f  p99 %8.1f  max %9.1f  mean %8.1f us\n",
	       what, s.n, s.min / 1e3, s.med / 1e3, s.p99 / 1e3, s.max / 1e3, s.mean / 1e3);
}

/* A latency table row: against a floor; target is a ratio (0: none). */
static void lat_row(const char *id, const char *what, struct stats s, const char *floor_name,
		    struct stats f, double target)
{
	double r = s.med / f.med, r99 = s.p99 / f.p99;
	char tgt[32] = "—", met[16] = "—";

	if (target > 0) {
		snprintf(tgt, sizeof(tgt), "≤ %.0f×", target);
		snprintf(met, sizeof(met), "%s", r <= target ? "yes" : "**no**");
	}
	printf("BENCH-LAT|%s|%s|%zu|%.1f µs|%.1f µs|%s|%.1f µs|%.1f µs|%.2f×|%.2f×|%s|%s\n", id, what,
	       s.n, s.med / 1e3, s.p99 / 1e3, floor_name, f.med / 1e3, f.p99 / 1e3, r, r99, tgt, met);
}

static void info(const char *fmt, ...)
{
	va_list ap;

	printf("BENCH-INFO|");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- the emulator's events ---------------------------------------------------- */

/* Next event: 1 with *ev, 0 on timeout. */
static int next_event(struct pciem_event *ev, int timeout_ms)
{
	int r = pciem_wait_event(d, ev, timeout_ms);

	if (r < 0)
		fatal("pciem_wait_event", r);
	return r;
}

/* Answer a read we do not measure. */
static void answer(const struct pciem_event *ev)
{
	if (ev->type == PCIEM_EVENT_MMIO_READ)
		pciem_respond(d, ev->seq, READ_VALUE, 0);
}

/* ---- sample series -------------------------------------------------------------- */

struct series {
	uint64_t *v;
	size_t n, cap;
};

static void put(struct series *s, uint64_t x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			fatal("out of memory", -ENOMEM);
	}
	s->v[s->n++] = x;
}

/* Statistics of a series (its values end up sorted). */
static struct stats st(struct series *s)
{
	return stats_of(s->v, s->n);
}

/* ---- the floor: eventfd ping-pong --------------------------------------------------- */

/*
 * A process pinned to CPU_EMU that answers each eventfd ping with a pong.
 * use_poll: it waits in poll() with a timeout, as pciem_wait_event() does,
 * rather than in read().
 */
struct ponger {
	pid_t pid;
	int ping, pong;
	volatile uint64_t *seen;	/* shared: when the last ping arrived */
};

static void ponger_start(struct ponger *p, bool use_poll)
{
	uint64_t one = 1, v;

	p->ping = eventfd(0, 0);
	p->pong = eventfd(0, 0);
	p->seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->ping < 0 || p->pong < 0 || p->seen == MAP_FAILED)
		fatal("eventfd floor set-up", -errno);
	p->pid = fork();
	if (p->pid < 0)
		fatal("fork", -errno);
	if (p->pid)
		return;
	pin(CPU_EMU);
	for (;;) {
		struct pollfd pf = { .fd = p->ping, .events = POLLIN };

		while (use_poll && poll(&pf, 1, 2000) == 0)
			;
		if (read(p->ping, &v, 8) != 8 || v != 1)
			_exit(0);
		*p->seen = now_ns();
		if (write(p->pong, &one, 8) != 8)
			_exit(1);
	}
}

static void ponger_stop(struct ponger *p)
{
	uint64_t two = 2;

	if (write(p->ping, &two, 8) != 8)
		kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->ping);
	close(p->pong);
}

struct floor_series {
	struct series rtt, half, direct, sender, back;
};

/* count spaced round trips from CPU_DRV (the calling thread moves there and back). */
static void floor_block(struct ponger *p, int count, struct floor_series *f)
{
	uint64_t one = 1, v, t0, t1, t2;

	pin(CPU_DRV);
	for (int i = 0; i < count; i++) {
		usleep((useconds_t)gap_us);
		t0 = now_ns();
		if (write(p->ping, &one, 8) != 8)
			fatal("eventfd ping", -errno);
		t1 = now_ns();
		if (read(p->pong, &v, 8) != 8)
			fatal("eventfd pong", -errno);
		t2 = now_ns();
		put(&f->rtt, t2 - t0);
		put(&f->half, (t2 - t0) / 2);
		put(&f->direct, *p->seen - t0);
		put(&f->sender, t1 - t0);
		put(&f->back, t2 - *p->seen);
	}
	if (verbose) {
		struct stats a = stats_of(f->direct.v + f->direct.n - count, count),
			     b = stats_of(f->back.v + f->back.n - count, count);

		printf("block: one way %.1f µs, way back %.1f µs\n", a.med / 1e3, b.med / 1e3);
	}
	pin(CPU_EMU);
}

/* ---- (a) write latency ------------------------------------------------------------- */

struct wlat_series {
	struct series lat, f2q, q2s, dur;
	int missing;
};

/*
 * count spaced writeq()s of the driver's timestamp.  spin: the emulator
 * busy-polls the ring instead of sleeping in poll() (diagnosis: the same
 * path without the wakeup).
 */
static void wlat_block(int count, bool spin, struct wlat_series *w)
{
	uint64_t *smp = xcalloc(2 * (size_t)count, 8);
	struct pciem_event ev;
	int got = 0, r;
	struct job j;
	size_t ns;

	job_start(&j, "wlat %d %d %d", count, gap_us, OFF_WLAT);
	while (got < count) {
		if (spin) {
			r = pciem_next_event(d, &ev);
			if (r < 0)
				fatal("pciem_next_event", r);
			if (!r && atomic_load(&j.done))
				r = next_event(&ev, 2000);	/* poll() also refills */
		} else {
			r = next_event(&ev, 2000);
		}
		if (!r) {
			if (atomic_load(&j.done))
				break;
			continue;
		}

		uint64_t t = now_ns();

		answer(&ev);
		if (ev.type != PCIEM_EVENT_MMIO_WRITE || ev.offset != OFF_WLAT)
			continue;
		put(&w->lat, t - ev.data);
		put(&w->f2q, ev.timestamp - ev.data);
		put(&w->q2s, t - ev.timestamp);
		got++;
	}
	if (job_join(&j) != count)
		printf("warning: wlat returned %ld\n", j.result);
	w->missing += count - got;
	ns = drv_samples(smp, 2 * (size_t)count) / 2;
	for (size_t i = 0; i < ns; i++)
		put(&w->dur, smp[2 * i + 1] - smp[2 * i]);
	free(smp);
}

/* ---- (b) read round trip ------------------------------------------------------------ */

struct rlat_series {
	struct series tot, queued, wake, back, respond;
	long bad, missing;
};

static void rlat_block(int count, struct rlat_series *s)
{
	uint64_t *ts = xcalloc(count, 8), *seen = xcalloc(count, 8), *done = xcalloc(count, 8);
	uint64_t *smp = xcalloc(2 * (size_t)count, 8);
	struct pciem_event ev;
	int got = 0;
	struct job j;
	size_t ns;

	job_start(&j, "rlat %d %d %d", count, gap_us, OFF_RLAT);
	while (!atomic_load(&j.done) || got < count) {
		if (!next_event(&ev, 20)) {
			if (atomic_load(&j.done))
				break;
			continue;
		}
		uint64_t t = now_ns();

		answer(&ev);
		if (ev.type != PCIEM_EVENT_MMIO_READ || ev.offset != OFF_RLAT || got >= count)
			continue;
		ts[got] = ev.timestamp;
		seen[got] = t;
		done[got] = now_ns();
		got++;
	}
	s->bad += job_join(&j);
	ns = drv_samples(smp, 2 * (size_t)count) / 2;
	for (size_t i = 0; i < ns; i++) {
		put(&s->tot, smp[2 * i + 1] - smp[2 * i]);
		if ((int)ns != got)
			continue;
		put(&s->queued, ts[i] - smp[2 * i]);
		put(&s->wake, seen[i] - ts[i]);
		put(&s->back, smp[2 * i + 1] - seen[i]);
		put(&s->respond, done[i] - seen[i]);
	}
	s->missing += count - (long)ns;
	free(ts);
	free(seen);
	free(done);
	free(smp);
}

/* ---- (d) interrupt latency --------------------------------------------------------- */

struct irq_series {
	struct series lat, ioctl, back;
	int missing;
};

static void irq_block(int count, struct irq_series *s)
{
	struct pciem_event ev;

	for (int i = 0; i < count; i++) {
		uint64_t t0, t1, t2;
		int r;

		usleep((useconds_t)gap_us);
		t0 = now_ns();
		r = pciem_irq_raise(d, 0);
		t1 = now_ns();
		if (r)
			fatal("pciem_irq_raise", r);
		for (;;) {
			if (!next_event(&ev, 2000))
				break;
			answer(&ev);
			if (ev.type == PCIEM_EVENT_MMIO_WRITE && ev.offset == OFF_IRQ)
				break;
		}
		t2 = now_ns();
		if (ev.type != PCIEM_EVENT_MMIO_WRITE || ev.offset != OFF_IRQ) {
			s->missing++;
			continue;
		}
		put(&s->lat, ev.data - t0);
		put(&s->ioctl, t1 - t0);
		put(&s->back, t2 - ev.data);
	}
}

/* ---- (c) sustained writes ---------------------------------------------------------- */

static void bench_write_rate(void)
{
	struct pciem_device_info i0, i1;
	struct pciem_event ev;
	uint64_t t0, tlast = 0, expect = 1, disorder = 0;
	long got = 0, elapsed;
	struct job j;

	pciem_device_info(d, &i0);
	t0 = now_ns();
	job_start(&j, "wrate %ld %d", nwrites, OFF_RATE);
	while (got < nwrites) {
		if (!next_event(&ev, 2000)) {
			if (atomic_load(&j.done))
				break;
			continue;
		}
		answer(&ev);
		if (ev.type != PCIEM_EVENT_MMIO_WRITE || ev.offset != OFF_RATE)
			continue;
		if (ev.data != expect)
			disorder++;
		expect = ev.data + 1;
		got++;
		tlast = now_ns();
	}
	elapsed = job_join(&j);
	pciem_device_info(d, &i1);

	double drv_rate = elapsed > 0 ? (double)nwrites * 1e9 / (double)elapsed : 0;
	double e2e = tlast > t0 ? (double)got * 1e9 / (double)(tlast - t0) : 0;
	unsigned long long dropped = (unsigned long long)(i1.events_dropped - i0.events_dropped);

	printf("(c) %ld writel() back to back from CPU %d: driver %.3f s (%.0f writes/s); emulator had %ld events after %.3f s (%.0f/s); %llu out of sequence; events_dropped %llu\n",
	       nwrites, CPU_DRV, elapsed / 1e9, drv_rate, got, (tlast - t0) / 1e9, e2e,
	       (unsigned long long)disorder, dropped);
	printf("BENCH-BW|(c)|sustained trapped writes, one CPU (%ld writel)|%.0f writes/s|%.0f events/s reach the emulator|events_dropped %llu, %ld of %ld events seen, %llu out of sequence|zero loss|%s\n",
	       nwrites, drv_rate, e2e, dropped, got, nwrites, (unsigned long long)disorder,
	       dropped == 0 && got == nwrites && !disorder ? "yes" : "**no**");
	info("(c) per write: %.1f µs on the writing CPU", elapsed / 1e3 / (double)nwrites);
	if (got != nwrites)
		failures++;
}

/* ---- (e) DMA bandwidth ------------------------------------------------------------ */

static void movsb(void *dst, const void *src, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

enum { K_DMA_READ, K_DMA_WRITE, K_MEMCPY, K_MOVSB, K_NKINDS };

static void bench_dma(void)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20 };
	static const int reps[] = { 2000, 400, 40 };
	long iova = drv("dmabuf %d", 1 << 20);
	unsigned long sum = 0;
	uint8_t *a, *b;

	if (iova < 0 && iova > -4096) {
		printf("(e) no DMA buffer: %s\n", strerror((int)-iova));
		failures++;
		return;
	}
	if (posix_memalign((void **)&a, 4096, 1 << 20) || posix_memalign((void **)&b, 4096, 1 << 20))
		fatal("posix_memalign", -ENOMEM);
	for (size_t i = 0; i < (1 << 20); i++) {
		a[i] = (uint8_t)(i * 7 + 1);
		b[i] = (uint8_t)(i * 3);
	}
	/* Does it work at all?  4 KiB written, checked by the driver. */
	for (size_t i = 0; i < 4096; i++)
		sum += a[i];
	if (pciem_dma_write(d, (uint64_t)iova, a, 4096) || drv("dmasum 0 4096") != (long)sum) {
		printf("(e) DMA write did not land in the driver's buffer\n");
		failures++;
		return;
	}
	printf("(e) DMA bandwidth, MB/s at the median time of each size (buffer at IOVA %#lx)\n",
	       (unsigned long)iova);
	for (int k = 0; k < 3; k++) {
		size_t sz = sizes[k];
		int r = quick ? reps[k] / 10 + 3 : reps[k], warm = r / 10 + 1;
		struct series t[K_NKINDS] = { 0 };
		double v[K_NKINDS];
		char label[32];

		/* The four kinds take turns, so that they share the machine's moods. */
		for (int i = 0; i < warm + r; i++) {
			for (int kind = 0; kind < K_NKINDS; kind++) {
				uint64_t t0 = now_ns();
				int ret = 0;

				switch (kind) {
				case K_DMA_READ:
					ret = pciem_dma_read(d, (uint64_t)iova, a, sz);
					break;
				case K_DMA_WRITE:
					ret = pciem_dma_write(d, (uint64_t)iova, a, sz);
					break;
				case K_MEMCPY:
					memcpy(a, b, sz);
					break;
				default:
					movsb(a, b, sz);
					break;
				}
				uint64_t dt = now_ns() - t0;

				if (ret)
					fatal("DMA", ret);
				__asm__ volatile("" : : "r"(a), "r"(b) : "memory");
				if (i >= warm)
					put(&t[kind], dt);
			}
		}
		for (int kind = 0; kind < K_NKINDS; kind++) {
			v[kind] = (double)sz * 1e3 / st(&t[kind]).med;
			free(t[kind].v);
		}
		if (sz >= (1 << 20))
			snprintf(label, sizeof(label), "%zu MiB", sz >> 20);
		else
			snprintf(label, sizeof(label), "%zu KiB", sz >> 10);
		printf("  %-8s dma_read %8.0f  dma_write %8.0f  memcpy %8.0f  rep-movsb %8.0f  (%d reps)\n",
		       label, v[K_DMA_READ], v[K_DMA_WRITE], v[K_MEMCPY], v[K_MOVSB], r);
		printf("BENCH-BW|(e)|DMA %s: pciem_dma_read / pciem_dma_write|%.0f / %.0f MB/s|memcpy %.0f MB/s (rep movsb %.0f)|%.2f× / %.2f× of memcpy|%s|%s\n",
		       label, v[K_DMA_READ], v[K_DMA_WRITE], v[K_MEMCPY], v[K_MOVSB],
		       v[K_DMA_READ] / v[K_MEMCPY], v[K_DMA_WRITE] / v[K_MEMCPY],
		       sz == (1 << 20) ? "≥ 0.5× at 1 MiB" : "—",
		       sz != (1 << 20) ? "—" :
		       v[K_DMA_READ] / v[K_MEMCPY] >= 0.5 && v[K_DMA_WRITE] / v[K_MEMCPY] >= 0.5 ?
		       "yes" : "**no**");
	}
	/* The guest kernel's own copies, for comparison (diagnosis). */
	for (int k = 0; k < 3; k++) {
		int r = quick ? 5 : reps[k] / 4 + 5;
		long m = drv("kcopy %zu %d 0", sizes[k], r), l = drv("kcopy %zu %d 1", sizes[k], r);

		if (m > 0 && l > 0)
			info("(e) guest kernel, %zu KiB from the DMA buffer into kernel memory: memcpy() %.0f MB/s, 8-byte load/store loop %.0f MB/s (mean of %d)",
			     sizes[k] >> 10, (double)sizes[k] * r * 1e3 / (double)m,
			     (double)sizes[k] * r * 1e3 / (double)l, r);
	}
	drv("dmafree");
	free(a);
	free(b);
}

/* ---- faults per access (diagnosis, short runs of their own) ---------------------- */

static void serve_until(struct job *j)
{
	struct pciem_event ev;

	while (!atomic_load(&j->done))
		if (next_event(&ev, 20))
			answer(&ev);
	job_join(j);
	while (next_event(&ev, 50))
		answer(&ev);
}

static void bench_fault_counts(void)
{
	const int n = 200;
	struct job j;
	long f;

	if (drv("faults on") < 0) {
		info("fault counts: kprobe on fixup_exception unavailable");
		return;
	}
	job_start(&j, "rlat %d %d %d", n, gap_us, OFF_RLAT);
	serve_until(&j);
	f = drv("faults off");
	{
		uint64_t smp[2 * 200], total = 0;
		size_t ns = drv_samples(smp, 2 * 200) / 2;

		for (size_t i = 0; i < ns; i++)
			total += smp[2 * i + 1] - smp[2 * i];
		if (ns)
			total /= ns;
		printf("diagnosis: %d spaced readl(): %ld faults (%.1f per read), reads took %.1f µs on average\n",
		       n, f, (double)f / n, total / 1e3);
		info("page faults per traced readl() (%d spaced reads, own run): %.1f, for reads that took %.1f µs on average: the reading CPU faults again every %.2f µs while it waits (the first fault asks the emulator, every further one is a retry)",
		     n, (double)f / n, total / 1e3, f > n ? total / 1e3 / ((double)f / n - 1) : 0);
	}

	drv("faults on");
	job_start(&j, "wlat %d %d %d", n, gap_us, OFF_WLAT);
	serve_until(&j);
	f = drv("faults off");
	printf("diagnosis: %d spaced writeq(): %ld faults (%.2f per write)\n", n, f, (double)f / n);
	info("page faults per traced writeq() (%d spaced writes, own run): %.2f", n, (double)f / n);
}

/* ---- set-up ------------------------------------------------------------------------ */

static void environment(void)
{
	char cs[64] = "?";
	struct utsname u;
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");

	if (f) {
		if (fgets(cs, sizeof(cs), f))
			cs[strcspn(cs, "\n")] = 0;
		fclose(f);
	}
	uname(&u);
	printf("BENCH-ENV|guest kernel %s, %ld CPUs online, clocksource %s\n", u.release,
	       sysconf(_SC_NPROCESSORS_ONLN), cs);
	printf("BENCH-ENV|%d samples per latency, %d µs apart, taken in %d interleaved blocks (floor, (a), (b), (d) in turn); %ld writes for (c); driver side on CPU %d, emulator thread on CPU %d (floors likewise)\n",
	       nsamples, gap_us, nblocks, nwrites, CPU_DRV, CPU_EMU);
}

static void start_device(void)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00eb, .class_code = { 0, 0, 0xff },
	};
	char addr[16];
	int ret;

	if ((ret = pciem_create(&d, PCIEM_CREATE_FLAG_BUS_MODE_ATTACH)) ||
	    (ret = pciem_set_ids(d, &ids)) || (ret = pciem_add_bar(d, 0, 64 << 10, 0)) ||
	    (ret = pciem_add_bar(d, 2, 4096, 0)) || (ret = pciem_add_msi(d, 0, true, false)) ||
	    (ret = pciem_add_pcie(d)) ||
	    (ret = pciem_trace_bar(d, 0, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES)) ||
	    (ret = pciem_register(d)) || (ret = pciem_start(d)) ||
	    (ret = pciem_address(d, addr, sizeof(addr))))
		fatal("device set-up", ret);
	snprintf(cmdpath, sizeof(cmdpath), "/sys/kernel/debug/pciem_bench/%s/cmd", addr);
	snprintf(smppath, sizeof(smppath), "/sys/kernel/debug/pciem_bench/%s/samples", addr);
	for (int i = 0; i < 200 && access(cmdpath, F_OK); i++)
		usleep(50000);
	if (access(cmdpath, F_OK))
		fatal("the pciem_bench driver did not bind", -ENODEV);
	printf("device 1b36:00eb at %s, driver pciem_bench bound\n", addr);
}

static void untraced_baseline(void)
{
	uint64_t *smp = xcalloc(2000, 8);
	long f = drv("nofault %d", 20000), k = drv("ktime %d", 20000);

	if (f > 0 && k > 0)
		info("guest kernel costs: a kernel page fault fixed up through the exception table (copy_from_kernel_nofault() of an unmapped page, pciem's kprobe on fixup_exception() passing it on) %.2f µs; ktime_get_ns() %.2f µs (HPET)",
		     f / 20000e3, k / 20000e3);

	if (drv("plain %d", 1000) == 1000 && drv_samples(smp, 2000) == 2000) {
		struct stats r = stats_of(smp, 1000), w = stats_of(smp + 1000, 1000);

		show("untraced BAR readl() (driver)", r);
		show("untraced BAR writel() (driver)", w);
		info("untraced BAR (no trap): readl() %.2f µs, writel() %.2f µs median, as the driver times them (ktime_get_ns() pair included)",
		     r.med / 1e3, w.med / 1e3);
	}
	free(smp);
}

int main(int argc, char **argv)
{
	struct floor_series fl = { 0 }, fp = { 0 };
	struct wlat_series wl = { 0 }, ws = { 0 };
	struct rlat_series rl = { 0 };
	struct irq_series iq = { 0 };
	struct pciem_device_info i0, i1;
	struct ponger pr, pp;
	long irq;
	int opt, per;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "n:g:w:b:qv")) != -1) {
		switch (opt) {
		case 'n':
			nsamples = atoi(optarg);
			break;
		case 'g':
			gap_us = atoi(optarg);
			break;
		case 'w':
			nwrites = atol(optarg);
			break;
		case 'b':
			nblocks = atoi(optarg);
			break;
		case 'v':
			verbose = true;
			break;
		case 'q':
			quick = true;
			nsamples = 200;
			nwrites = 20000;
			break;
		default:
			fprintf(stderr, "usage: %s [-n SAMPLES] [-g GAP_US] [-w WRITES] [-b BLOCKS] [-q] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	if (nsamples < 10 || gap_us < 0 || nwrites < 1 || nblocks < 1 || nblocks > nsamples)
		fatal("bad arguments", -EINVAL);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		fatal("needs two CPUs", -EINVAL);
	per = nsamples / nblocks;
	nsamples = per * nblocks;
	environment();

	/* The floors' partners first, before this process has threads or a device. */
	ponger_start(&pr, false);
	ponger_start(&pp, true);
	pin(CPU_EMU);
	start_device();
	untraced_baseline();

	irq = drv("irq on %d", OFF_IRQ);
	if (irq < 0)
		fatal("MSI set-up in the driver", (int)irq);
	pciem_device_info(d, &i0);
	for (int b = 0; b < nblocks; b++) {
		floor_block(&pr, per, &fl);
		floor_block(&pp, per, &fp);
		wlat_block(per, false, &wl);
		rlat_block(per, &rl);
		irq_block(per, &iq);
	}
	pciem_device_info(d, &i1);
	printf("irq handler calls: %ld\n", drv("irqs"));
	drv("irq off");
	ponger_stop(&pr);
	ponger_stop(&pp);

	struct stats oneway = st(&fl.half), rtt = st(&fl.rtt), direct = st(&fl.direct),
		     sender = st(&fl.sender), back = st(&fl.back), pdirect = st(&fp.direct),
		     phalf = st(&fp.half), pback = st(&fp.back);

	printf("floor: eventfd ping-pong, CPU %d <-> CPU %d, round trips %d µs apart\n", CPU_DRV,
	       CPU_EMU, gap_us);
	show("one way (RTT/2)", oneway);
	show("round trip", rtt);
	show("one way measured directly", direct);
	show("  the sender's write() (wakes the receiver)", sender);
	show("the way back (CPU 1 -> CPU 0)", back);
	show("one way, receiver in poll() (diagnosis)", pdirect);
	show("  the way back", pback);
	info("floor: eventfd one-way measured directly (sender's clock → receiver's clock) %.1f µs median, %.1f p99; the way back %.1f µs median; RTT/2 %.1f / %.1f; the sender's write(), which wakes the receiver, takes %.1f µs",
	     direct.med / 1e3, direct.p99 / 1e3, back.med / 1e3, oneway.med / 1e3,
	     oneway.p99 / 1e3, sender.med / 1e3);
	info("floor variant: eventfd one-way with the receiver waiting in poll() with a timeout, as pciem_wait_event() does: %.1f µs median measured directly (%.1f p99), the way back %.1f µs, RTT/2 %.1f µs",
	     pdirect.med / 1e3, pdirect.p99 / 1e3, pback.med / 1e3, phalf.med / 1e3);

	/* (a) */
	{
		struct stats s = st(&wl.lat), sf = st(&wl.f2q), sq = st(&wl.q2s), sd = st(&wl.dur);

		printf("(a) trapped MMIO write -> the emulator has the event (%zu events, %d missing)\n",
		       s.n, wl.missing);
		show("driver ktime -> emulator has the event", s);
		show("  driver ktime -> event queued (fault path)", sf);
		show("  event queued -> emulator has it (wakeup)", sq);
		show("  writeq() as the driver sees it", sd);
		lat_row("(a)", "trapped MMIO write → emulator has the event", s,
			"eventfd one-way (RTT/2)", oneway, 2);
		lat_row("(a)", "the same", s, "eventfd one-way, measured directly", direct, 2);
		info("(a) split: driver timestamp → event queued %.1f µs median (%.1f p99); queued → emulator has it %.1f µs (%.1f); the writeq() itself, seen by the driver, %.1f µs (%.1f)",
		     sf.med / 1e3, sf.p99 / 1e3, sq.med / 1e3, sq.p99 / 1e3, sd.med / 1e3,
		     sd.p99 / 1e3);
		if (wl.missing)
			failures++;
	}
	/* (b) */
	{
		struct stats s = st(&rl.tot);

		printf("(b) synchronous readl() round trip (%zu reads, %ld missing, %ld read all ones, %llu timeouts)\n",
		       s.n, rl.missing, rl.bad,
		       (unsigned long long)(i1.read_timeouts - i0.read_timeouts));
		show("readl() as the driver times it", s);
		if (rl.queued.n) {
			struct stats s1 = st(&rl.queued), s2 = st(&rl.wake), s3 = st(&rl.back),
				     s4 = st(&rl.respond);

			show("  driver t0 -> MMIO_READ queued", s1);
			show("  queued -> emulator has it (wakeup)", s2);
			show("  emulator has it -> readl() returns", s3);
			show("  (pciem_respond(), the write syscall)", s4);
			info("(b) split: driver t0 → MMIO_READ queued %.1f µs median; queued → emulator has it %.1f µs; emulator has it → readl() returns %.1f µs (pciem_respond() itself takes %.1f µs to return)",
			     s1.med / 1e3, s2.med / 1e3, s3.med / 1e3, s4.med / 1e3);
		}
		lat_row("(b)", "synchronous readl() round trip", s, "eventfd RTT", rtt, 3);
		lat_row("(b)", "the same, against the one-way floor", s, "eventfd one-way (RTT/2)",
			oneway, 0);
		if (rl.bad || rl.missing)
			failures++;
	}
	/* (d) */
	{
		struct stats s = st(&iq.lat), si = st(&iq.ioctl), sb = st(&iq.back);

		printf("(d) pciem_irq_raise() -> the driver's MSI handler runs (%zu, %d missing)\n",
		       s.n, iq.missing);
		show("raise -> handler's ktime_get_ns()", s);
		show("  the INJECT_IRQ ioctl itself", si);
		show("  handler's write -> emulator has it", sb);
		lat_row("(d)", "INJECT_IRQ (MSI) → driver's handler runs", s,
			"eventfd one-way (RTT/2)", oneway, 2);
		lat_row("(d)", "the same", s, "eventfd one-way, measured directly", direct, 2);
		info("(d) the INJECT_IRQ ioctl returns after %.1f µs median (%.1f p99)", si.med / 1e3,
		     si.p99 / 1e3);
		if (iq.missing)
			failures++;
	}

	bench_write_rate();
	bench_dma();
	bench_fault_counts();

	/* (a) once more with the emulator busy-polling: the path without the wakeup. */
	wlat_block(per * 2 < nsamples ? per * 2 : nsamples, true, &ws);
	{
		struct stats s = st(&ws.lat), sf = st(&ws.f2q), sd = st(&ws.dur);

		printf("(a, diagnosis) the same with the emulator busy-polling the ring\n");
		show("driver ktime -> emulator has the event", s);
		show("  driver ktime -> event queued (fault path)", sf);
		show("  writeq() as the driver sees it", sd);
		info("(a) with the emulator busy-polling the ring instead of sleeping in poll() (%zu writes, own run): %.1f µs median (%.1f p99); timestamp → queued %.1f µs; the writeq() takes the driver %.1f µs",
		     s.n, s.med / 1e3, s.p99 / 1e3, sf.med / 1e3, sd.med / 1e3);
	}

	pciem_destroy(d);
	printf("pciem_bench: done%s\n", failures ? " (some measurements incomplete)" : "");
	return failures ? 1 : 0;
}
