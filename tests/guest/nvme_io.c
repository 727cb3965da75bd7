// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvme_io - I/O and command helper for the 30-nvme guest tests.
 *
 *   nvme_io rw DISK [OPTS]       each thread writes COUNT random 4 KiB blocks
 *                                (O_DIRECT) and reads each back at once; all
 *                                are read again at the end
 *   nvme_io write DISK [OPTS]    writes only; --sync K: fdatasync every K
 *                                writes and log "THREAD INDEX" (all writes up
 *                                to INDEX durable) to --log FILE; COUNT 0 runs
 *                                until an error
 *   nvme_io randread DISK [OPTS] COUNT random 4 KiB O_DIRECT reads per thread
 *                                anywhere in the span; prints IOPS
 *   nvme_io verify DISK [OPTS]   reads back what write/rw wrote (with --log:
 *                                only what the log says was made durable)
 *   nvme_io admin CTRL OPC [NSID CDW10 CDW11 CDW12 LEN]
 *   nvme_io io DISK OPC [NSID CDW10 CDW11 CDW12 LEN]
 *                                a passthrough command (CTRL: /dev/nvmeN,
 *                                DISK: /dev/nvmeNnM); prints "status 0xSSS
 *                                result 0xRRRRRRRR" (status: SCT << 8 | SC,
 *                                DNR 0x4000); LEN bytes of data to/from a
 *                                zeroed buffer (opcode bit 0: to the device)
 *   nvme_io discard|zeroout DISK OFFSET LEN
 *                                BLKDISCARD / BLKZEROOUT on a byte range
 *   nvme_io seqread|seqwrite DISK MIB
 *                                MIB sequential 1 MiB O_DIRECT reads (writes
 *                                of zeroes) from offset 0, as dd bs=1M
 *                                iflag/oflag=direct does; prints MiB/s,
 *                                timed with the monotonic clock
 *
 * OPTS: --threads T (4), --count N (256), --seed S (1), --span BYTES (the
 * whole disk), --sync K (0: once at the end), --log FILE.
 *
 * Thread t owns blocks t, t+T, t+2T, ... and writes a seeded random
 * permutation of them, so no block is written twice and every block's
 * content (seed, block number, a checksum of both) can be predicted.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BS 4096u

static const char *disk, *logpath;
static unsigned int nthreads = 4, sync_every;
static uint64_t count = 256, seed = 1, span;
static uint64_t nblocks;
static int logfd = -1;
static atomic_int failures;
static atomic_ullong nwrites, nreads;
static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void pattern(uint64_t block, uint64_t *buf)
{
	uint64_t s = seed * 0x100000001b3ull ^ block;

	buf[0] = 0x6e766d655f696f31ull;	/* "nvme_io1" */
	buf[1] = seed;
	buf[2] = block;
	for (unsigned int i = 3; i < BS / 8; i++)
		buf[i] = splitmix(&s);
}

/* Thread t's blocks in the order it writes them (n of them). */
static uint64_t *order(unsigned int t, uint64_t *n)
{
	uint64_t slice = (nblocks - t + nthreads - 1) / nthreads, *o, s = seed ^ (t + 1) * 0x51ull;

	o = malloc(slice * sizeof(*o) + 1);
	if (!o) {
		perror("malloc");
		exit(1);
	}
	for (uint64_t i = 0; i < slice; i++)
		o[i] = i * nthreads + t;
	for (uint64_t i = slice; i > 1; i--) {
		uint64_t j = splitmix(&s) % i, tmp = o[i - 1];

		o[i - 1] = o[j];
		o[j] = tmp;
	}
	*n = count && count < slice ? count : slice;
	return o;
}

static int xpread(int fd, void *buf, uint64_t block)
{
	ssize_t r = pread(fd, buf, BS, (off_t)(block * BS));

	if (r == BS)
		return 0;
	return r < 0 ? -errno : -EIO;
}

static int xpwrite(int fd, const void *buf, uint64_t block)
{
	ssize_t r = pwrite(fd, buf, BS, (off_t)(block * BS));

	if (r == BS)
		return 0;
	return r < 0 ? -errno : -EIO;
}

static bool check(unsigned int t, uint64_t block, const uint64_t *got, uint64_t *want)
{
	pattern(block, want);
	if (!memcmp(got, want, BS))
		return true;
	if (atomic_fetch_add(&failures, 1) < 10) {
		unsigned int i;

		for (i = 0; i < BS / 8 && got[i] == want[i]; i++)
			;
		fprintf(stderr, "thread %u: block %" PRIu64 " differs at byte %u: header "
			"%016" PRIx64 " seed %" PRIu64 " block %" PRIu64 "\n", t, block, i * 8,
			got[0], got[1], got[2]);
	}
	return false;
}

struct job {
	unsigned int t;
	int mode;	/* 0 rw, 1 write, 2 verify, 3 randread */
	uint64_t limit;	/* verify: how many of the order */
};

static void log_durable(unsigned int t, uint64_t idx)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%u %" PRIu64 "\n", t, idx);

	if (logfd < 0)
		return;
	pthread_mutex_lock(&loglock);
	if (write(logfd, line, (size_t)n) != n)
		perror("log");
	pthread_mutex_unlock(&loglock);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	uint64_t n, *o = order(j->t, &n), i;
	uint64_t *buf, *want;
	int fd, ret = 0;

	if (posix_memalign((void **)&buf, BS, BS) || posix_memalign((void **)&want, BS, BS)) {
		perror("posix_memalign");
		exit(1);
	}
	fd = open(disk, (j->mode == 2 ? O_RDONLY : O_RDWR) | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "thread %u: %s: %s\n", j->t, disk, strerror(errno));
		atomic_fetch_add(&failures, 1);
		return NULL;
	}
	if (j->mode == 2 && j->limit < n)
		n = j->limit;
	if (j->mode == 3) {
		uint64_t s = seed ^ (j->t + 7) * 0x9e37ull;

		for (i = 0; i < count && !ret; i++) {
			ret = xpread(fd, buf, splitmix(&s) % nblocks);
			if (!ret)
				atomic_fetch_add(&nreads, 1);
		}
		if (ret) {
			fprintf(stderr, "thread %u: read: %s\n", j->t, strerror(-ret));
			atomic_fetch_add(&failures, 1);
		}
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (j->mode == 2) {
			ret = xpread(fd, buf, o[i]);
			if (ret)
				break;
			atomic_fetch_add(&nreads, 1);
			check(j->t, o[i], buf, want);
			continue;
		}
		pattern(o[i], buf);
		ret = xpwrite(fd, buf, o[i]);
		if (ret)
			break;
		atomic_fetch_add(&nwrites, 1);
		if (j->mode == 0) {
			memset(buf, 0, BS);
			ret = xpread(fd, buf, o[i]);
			if (ret)
				break;
			atomic_fetch_add(&nreads, 1);
			check(j->t, o[i], buf, want);
		}
		if (sync_every && (i + 1) % sync_every == 0) {
			if (fdatasync(fd) < 0) {
				ret = -errno;
				break;
			}
			log_durable(j->t, i + 1);
		}
	}
	if (!ret && j->mode != 2 && j->mode != 3) {
		if (fdatasync(fd) < 0)
			ret = -errno;
		else
			log_durable(j->t, n);
	}
	if (ret) {
		fprintf(stderr, "thread %u: %s at index %" PRIu64 " (block %" PRIu64 "): %s\n",
			j->t, j->mode == 2 ? "read" : "I/O", i, i < n ? o[i] : 0, strerror(-ret));
		atomic_fetch_add(&failures, 1);
	}
	/* rw: everything once more, now that all threads are done writing theirs. */
	if (!ret && j->mode == 0) {
		for (i = 0; i < n; i++) {
			if (xpread(fd, buf, o[i]) < 0) {
				fprintf(stderr, "thread %u: re-read failed\n", j->t);
				atomic_fetch_add(&failures, 1);
				break;
			}
			atomic_fetch_add(&nreads, 1);
			check(j->t, o[i], buf, want);
		}
	}
	close(fd);
	free(o);
	free(buf);
	free(want);
	return NULL;
}

/* --log FILE: the highest durable index per thread. */
static void read_log(uint64_t *limit)
{
	FILE *f = fopen(logpath, "r");
	unsigned int t;
	uint64_t idx;

	for (t = 0; t < nthreads; t++)
		limit[t] = 0;
	if (!f) {
		perror(logpath);
		exit(1);
	}
	while (fscanf(f, "%u %" SCNu64, &t, &idx) == 2)
		if (t < nthreads && idx > limit[t])
			limit[t] = idx;
	fclose(f);
}

static int passthru(bool admin, int argc, char **argv)
{
	struct nvme_passthru_cmd c;
	void *buf = NULL;
	int fd, ret;

	if (argc < 2) {
		fprintf(stderr, "nvme_io admin|io DEV OPC [NSID CDW10 CDW11 CDW12 LEN]\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.opcode = (uint8_t)strtoul(argv[1], NULL, 0);
	if (argc > 2)
		c.nsid = (uint32_t)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		c.cdw10 = (uint32_t)strtoul(argv[3], NULL, 0);
	if (argc > 4)
		c.cdw11 = (uint32_t)strtoul(argv[4], NULL, 0);
	if (argc > 5)
		c.cdw12 = (uint32_t)strtoul(argv[5], NULL, 0);
	if (argc > 6)
		c.data_len = (uint32_t)strtoul(argv[6], NULL, 0);
	if (c.data_len) {
		if (posix_memalign(&buf, 4096, c.data_len))
			return 1;
		memset(buf, 0, c.data_len);
		c.addr = (uintptr_t)buf;
	}
	c.timeout_ms = 10000;
	fd = open(argv[0], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	ret = ioctl(fd, admin ? NVME_IOCTL_ADMIN_CMD : NVME_IOCTL_IO_CMD, &c);
	if (ret < 0) {
		fprintf(stderr, "ioctl: %s\n", strerror(errno));
		return 1;
	}
	/* ret: the NVMe status (SC | SCT << 8 | CRD | M | DNR). */
	printf("status 0x%03x%s result 0x%08x\n", ret & 0x7ff, ret & 0x4000 ? " dnr" : "",
	       c.result);
	close(fd);
	free(buf);
	return 0;
}

static int range_op(bool discard, int argc, char **argv)
{
	uint64_t r[2];
	int fd;

	if (argc < 3) {
		fprintf(stderr, "nvme_io discard|zeroout DISK OFFSET LEN\n");
		return 2;
	}
	r[0] = strtoull(argv[1], NULL, 0);
	r[1] = strtoull(argv[2], NULL, 0);
	fd = open(argv[0], O_RDWR);
	if (fd < 0 || ioctl(fd, discard ? BLKDISCARD : BLKZEROOUT, r) < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

/* Seconds on the monotonic clock, for timing a run. */
static double now_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* seqread|seqwrite DISK MIB: dd bs=1M with O_DIRECT, timed precisely. */
static int seq_io(bool write, int argc, char **argv)
{
	const size_t mib = 1u << 20;
	unsigned long n, i;
	double t0, secs;
	void *buf;
	int fd;

	if (argc != 2 || !(n = strtoul(argv[1], NULL, 0)))
		return fprintf(stderr, "usage: nvme_io seqread|seqwrite DISK MIB\n"), 2;
	if (posix_memalign(&buf, 4096, mib))
		return perror("posix_memalign"), 1;
	memset(buf, 0, mib);
	fd = open(argv[0], (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return fprintf(stderr, "nvme_io: %s: %s\n", argv[0], strerror(errno)), 1;
	t0 = now_secs();
	for (i = 0; i < n; i++) {
		ssize_t r = write ? pwrite(fd, buf, mib, (off_t)(i * mib))
				  : pread(fd, buf, mib, (off_t)(i * mib));

		if (r != (ssize_t)mib)
			return fprintf(stderr, "nvme_io: %s at %lu MiB: %s\n", argv[0], i,
				       r < 0 ? strerror(errno) : "short transfer"), 1;
	}
	secs = now_secs() - t0;
	close(fd);
	free(buf);
	printf("%s %s: %lu MiB in %.4f s, %.1f MiB/s\n", write ? "seqwrite" : "seqread", argv[0],
	       n, secs, n / secs);
	return 0;
}

int main(int argc, char **argv)
{
	struct job jobs[64];
	pthread_t tids[64];
	uint64_t limit[64], size = 0;
	double t0, secs;
	int mode, fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: nvme_io rw|write|verify DISK [OPTS] | admin|io DEV OPC ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "admin") || !strcmp(argv[1], "io"))
		return passthru(!strcmp(argv[1], "admin"), argc - 2, argv + 2);
	if (!strcmp(argv[1], "discard") || !strcmp(argv[1], "zeroout"))
		return range_op(!strcmp(argv[1], "discard"), argc - 2, argv + 2);
	if (!strcmp(argv[1], "seqread") || !strcmp(argv[1], "seqwrite"))
		return seq_io(!strcmp(argv[1], "seqwrite"), argc - 2, argv + 2);
	if (!strcmp(argv[1], "rw"))
		mode = 0;
	else if (!strcmp(argv[1], "write"))
		mode = 1;
	else if (!strcmp(argv[1], "verify"))
		mode = 2;
	else if (!strcmp(argv[1], "randread"))
		mode = 3;
	else
		return fprintf(stderr, "nvme_io: unknown mode %s\n", argv[1]), 2;
	disk = argv[2];
	for (i = 3; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return fprintf(stderr, "nvme_io: %s needs a value\n", o), 2;
		if (!strcmp(o, "--threads"))
			nthreads = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(o, "--count"))
			count = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--span"))
			span = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--sync"))
			sync_every = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(o, "--log"))
			logpath = v;
		else
			return fprintf(stderr, "nvme_io: unknown option %s\n", o), 2;
		i++;
	}
	if (nthreads < 1 || nthreads > 64)
		return fprintf(stderr, "nvme_io: --threads 1-64\n"), 2;
	fd = open(disk, O_RDONLY);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) < 0)
		return fprintf(stderr, "nvme_io: %s: %s\n", disk, strerror(errno)), 1;
	close(fd);
	if (span && span < size)
		size = span;
	nblocks = size / BS;
	if (nblocks < nthreads)
		return fprintf(stderr, "nvme_io: %s is too small\n", disk), 1;
	if (mode == 2 && logpath)
		read_log(limit);
	else
		for (i = 0; i < 64; i++)
			limit[i] = UINT64_MAX;
	if (mode == 1 && logpath) {
		logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		if (logfd < 0)
			return fprintf(stderr, "nvme_io: %s: %s\n", logpath, strerror(errno)), 1;
	}
	t0 = now_secs();
	for (i = 0; i < (int)nthreads; i++) {
		jobs[i] = (struct job){ .t = (unsigned int)i, .mode = mode, .limit = limit[i] };
		if (pthread_create(&tids[i], NULL, worker, &jobs[i]))
			return fprintf(stderr, "nvme_io: pthread_create failed\n"), 1;
	}
	for (i = 0; i < (int)nthreads; i++)
		pthread_join(tids[i], NULL);
	secs = now_secs() - t0;
	if (mode == 3)
		printf("randread %s: %llu reads in %.2f s, %.0f IOPS, %u threads\n", disk,
		       (unsigned long long)nreads, secs, secs > 0 ? nreads / secs : 0.0, nthreads);
	printf("%s %s: %llu writes, %llu reads, %u threads, %d failures\n", argv[1], disk,
	       (unsigned long long)nwrites, (unsigned long long)nreads, nthreads,
	       atomic_load(&failures));
	return atomic_load(&failures) ? 1 : 0;
}
