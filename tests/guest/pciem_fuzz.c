// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_fuzz - a structure-aware, seedable fuzzer of /dev/pciem (and of the
 * configuration space and BARs it serves, through sysfs and /dev/pci).
 *
 * It keeps a handful of functions in every lifecycle state and, on each
 * step, drives one of them with an operation chosen at random: every ioctl
 * with sizes, flags, indexes and addresses drawn from the interesting
 * values (valid ones most of the time, so that calls reach deep states),
 * mmap and munmap of the ring and the BARs with odd lengths and offsets,
 * answers with stale and invented sequence numbers, a corrupted ring tail,
 * configuration reads and writes through sysfs and /dev/pci, sysfs remove
 * and rescan of started functions, fork with the fds open (the child
 * works on the same function at the same time and is killed at a random
 * moment), closes from another thread while ioctls run, and irqfds and
 * ioeventfds signalled while their device goes away.
 *
 * Oracle: every failing ioctl must fail with an errno docs/ioctl.md lists
 * for it (anything else is a finding); the kernel log must stay free of
 * warnings (the guest runner checks it; with --kmsg the fuzzer checks after
 * every seed itself).  Every finding names the seed that reproduces the
 * sequence of operations (timing between threads is not reproducible).
 *
 *   pciem_fuzz [--seed S] [--seeds N] [--calls N] [--seconds T] [--kmsg]
 *
 * Ends with "pciem_fuzz: N passed, M failed": one check per seed, which
 * fails when the seed had any finding.
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pciem_api.h"
#include "pciio.h"
#include "check.h"

#define NDEV		4
#define BAR_MAX		6

/* ---- randomness ------------------------------------------------------------ */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: small, fast, and the same sequence for the same seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

static const uint64_t sizes[] = {
	0, 1, 2, 3, 4, 8, 16, 255, 256, 4095, 4096, 4097, 8192, 65536, 1 << 20,
	(1 << 20) + 1, 16 << 20, 1ULL << 32, ~0ULL, 0x8000000000000000ULL,
};
static const uint32_t small_ints[] = { 0, 1, 2, 3, 5, 6, 7, 8, 31, 32, 255, 2047, 2048,
				       0xffff, 0x7fffffff, 0xffffffff };

/* ---- the functions under test ---------------------------------------------- */

struct fdev {
	int fd;			/* /dev/pciem, -1: free slot */
	int inst;		/* instance fd after REGISTER, -1 */
	void *ring;
	size_t ring_len;
	bool ring_rw;		/* mapped shared and writable: the tail can be moved */
	void *bar[BAR_MAX];
	size_t bar_len[BAR_MAX];
	uint64_t bar_phys[BAR_MAX];
	int efd;
	char addr[32];		/* once started */
	bool started;
};

static struct fdev devs[NDEV];
static long calls, findings;

/* How deep a run got: what it did that only a well-formed sequence reaches. */
static struct {
	long registered, started, removed, forks, racing_closes, answers, config, ok_ioctls;
} st;
static uint64_t cur_seed;

static void finding(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void finding(const char *fmt, ...)
{
	va_list ap;

	findings++;
	printf("FINDING seed %#" PRIx64 " call %ld: ", cur_seed, calls);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (reproduce: pciem_fuzz --seed %#" PRIx64 " --seeds 1)\n", cur_seed);
}

/*
 * The oracle: errno values docs/ioctl.md lists for each call (plus the
 * ones every call may give: EFAULT, ENOTTY, EBADFD).  0 ends a list.
 */
static const int common_errs[] = { EFAULT, ENOTTY, EBADFD, 0 };

static bool listed(const int *l, int e)
{
	for (; *l; l++)
		if (*l == e)
			return true;
	return false;
}

static long xioctl(int fd, unsigned long req, void *arg, const char *name, const int *errs)
{
	long r;

	calls++;
	r = ioctl(fd, req, arg);
	if (r >= 0)
		st.ok_ioctls++;
	if (r < 0 && errno != EBADF && !listed(common_errs, errno) && !listed(errs, errno))
		finding("%s failed with %s, which docs/ioctl.md does not list", name,
			strerror(errno));
	return r;
}

#define IOC(fd, req, arg, ...) \
	xioctl((fd), (req), (arg), #req, (const int[]){ __VA_ARGS__, 0 })

/* ---- sysfs -------------------------------------------------------------------- */

static int sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

/* ---- operations ------------------------------------------------------------------ */

static void dev_forget_maps(struct fdev *d)
{
	if (d->ring)
		munmap(d->ring, d->ring_len);
	d->ring = NULL;
	for (int i = 0; i < BAR_MAX; i++) {
		if (d->bar[i])
			munmap(d->bar[i], d->bar_len[i]);
		d->bar[i] = NULL;
	}
}

static void dev_close(struct fdev *d)
{
	if (d->fd < 0)
		return;
	dev_forget_maps(d);
	if (d->inst >= 0)
		close(d->inst);
	if (d->efd >= 0)
		close(d->efd);
	close(d->fd);
	calls++;
	memset(d, 0, sizeof(*d));
	d->fd = d->inst = d->efd = -1;
}

static void op_open(struct fdev *d)
{
	dev_close(d);
	d->fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);
	calls++;
	if (d->fd < 0)
		finding("open /dev/pciem: %s", strerror(errno));
	d->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static void op_create(struct fdev *d)
{
	struct pciem_create_device a = { .flags = chance(85) ? below(2) : (uint32_t)rnd() };

	IOC(d->fd, PCIEM_IOCTL_CREATE_DEVICE, &a, EINVAL, ENOMEM);
}

static void op_set_config(struct fdev *d)
{
	struct pciem_config_space c = {
		/* IDs no driver in the VM binds to, so nothing probes by accident. */
		.vendor_id = 0x1b36, .device_id = 0x00d0 + below(16),
		.class_code = { 0, 0, 0xff },
		.revision = (uint8_t)rnd(), .subsys_vendor_id = (uint16_t)rnd(),
		.subsys_device_id = (uint16_t)rnd(),
		.header_type = chance(90) ? 0 : (uint8_t)rnd(),
	};

	if (chance(5))
		c.reserved[below(7)] = 1;
	IOC(d->fd, PCIEM_IOCTL_SET_CONFIG, &c, EINVAL);
}

static void op_add_bar(struct fdev *d)
{
	static const uint32_t flags[] = { 0, PCIEM_BAR_FLAG_MEM64,
					  PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH,
					  PCIEM_BAR_FLAG_IO, PCIEM_BAR_FLAG_PREFETCH, 0x10, ~0u };
	struct pciem_bar_config b = {
		.bar_index = chance(90) ? below(6) : PICK(small_ints),
		.size = chance(70) ? 4096ULL << below(9) : PICK(sizes),
		.flags = chance(70) ? PICK(flags) & 0xc : PICK(flags),
		.reserved = chance(95) ? 0 : 1,
	};

	IOC(d->fd, PCIEM_IOCTL_ADD_BAR, &b, EBUSY, EINVAL, EOPNOTSUPP);
}

static void op_add_cap(struct fdev *d)
{
	struct pciem_cap_config c;

	memset(&c, 0, sizeof(c));
	c.cap_type = chance(90) ? below(6) : PICK(small_ints);
	switch (c.cap_type) {
	case PCIEM_CAP_MSI:
		c.msi.num_vectors_log2 = chance(80) ? below(6) : (uint8_t)rnd();
		c.msi.has_64bit = below(2);
		c.msi.has_masking = below(2);
		break;
	case PCIEM_CAP_MSIX:
		c.msix.bar_index = chance(80) ? below(6) : (uint8_t)rnd();
		c.msix.table_offset = chance(80) ? 0x1000 * below(4) : (uint32_t)rnd();
		c.msix.pba_offset = chance(80) ? 0x800 + 0x1000 * below(4) : (uint32_t)rnd();
		c.msix.table_size = chance(80) ? 1 + below(64) : (uint16_t)rnd();
		break;
	case PCIEM_CAP_PASID:
		c.pasid.max_pasid_width = (uint8_t)rnd();
		c.pasid.execute_permission = below(2);
		c.pasid.privileged_mode = below(2);
		break;
	default:
		if (chance(20))
			memset(&c.msi, (int)rnd(), sizeof(c.msi));
		break;
	}
	if (chance(50)) {
		IOC(d->fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, EEXIST, EINVAL, ENOSPC);
	} else {
		struct pciem_cap_config_flat f;

		memset(&f, 0, sizeof(f));
		f.cap_type = c.cap_type;
		f.msi = c.msi;
		f.msix = c.msix;
		f.pasid = c.pasid;
		IOC(d->fd, PCIEM_IOCTL_ADD_CAPABILITY_FLAT, &f, EEXIST, EINVAL, ENOSPC);
	}
}

static void op_register(struct fdev *d)
{
	long r = IOC(d->fd, PCIEM_IOCTL_REGISTER, NULL, EINVAL, EMFILE, ENFILE, ENOMEM,
		     ENODATA, ENOSPC, ENXIO);

	if (r >= 0) {
		st.registered++;
		if (d->inst >= 0)
			close(d->inst);
		d->inst = (int)r;
		for (int i = 0; i < BAR_MAX; i++) {
			struct pciem_bar_info_query q = { .bar_index = i };

			d->bar_phys[i] = IOC(d->fd, PCIEM_IOCTL_GET_BAR_INFO, &q, EINVAL, ENOENT)
					 ? 0 : q.phys_addr;
		}
	}
}

static void op_start(struct fdev *d)
{
	struct pciem_device_info info;

	if (IOC(d->fd, PCIEM_IOCTL_START, NULL, EBUSY, EIO, ENODEV, ENOMEM, ENOSPC))
		return;
	memset(&info, 0, sizeof(info));
	if (!IOC(d->fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, EINVAL)) {
		snprintf(d->addr, sizeof(d->addr), "%04x:%02x:%02x.%x", info.domain, info.bus,
			 info.devfn >> 3, info.devfn & 7);
		d->started = true;
		st.started++;
	}
}

static void op_info(struct fdev *d)
{
	struct pciem_device_info info;
	struct pciem_bar_info_query q = { .bar_index = chance(90) ? below(6) : PICK(small_ints) };

	IOC(d->fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, EINVAL);
	IOC(d->fd, PCIEM_IOCTL_GET_BAR_INFO, &q, EINVAL, ENOENT);
}

static void op_trace(struct fdev *d)
{
	struct pciem_trace_bar t = {
		.bar_index = chance(20) ? PCIEM_TRACE_CONFIG_SPACE :
			     chance(90) ? below(6) : PICK(small_ints),
		.flags = chance(90) ? below(8) : (uint32_t)rnd(),
	};

	IOC(d->fd, PCIEM_IOCTL_TRACE_BAR, &t, EINVAL, ENOENT, EOPNOTSUPP);
}

static void op_eventfd(struct fdev *d)
{
	struct pciem_eventfd_config c = {
		.eventfd = chance(60) ? d->efd : chance(50) ? -1 : (int32_t)PICK(small_ints),
		.reserved = chance(95) ? 0 : 1,
	};

	IOC(d->fd, PCIEM_IOCTL_SET_EVENTFD, &c, EBADF, EINVAL);
}

static void op_inject(struct fdev *d)
{
	static const uint32_t flags[] = { 0, 0, 0, PCIEM_IRQ_INTX_ASSERT, PCIEM_IRQ_INTX_DEASSERT,
					  3, 4, 0x100 };
	struct pciem_irq_inject i = { .vector = chance(80) ? below(4) : PICK(small_ints),
				      .reserved = PICK(flags) };

	IOC(d->fd, PCIEM_IOCTL_INJECT_IRQ, &i, EINVAL, ENODEV, ENOTCONN);
}

static void op_irqfd(struct fdev *d)
{
	static const uint32_t flags[] = { 0, 0, PCIEM_IRQFD_FLAG_LEVEL,
					  PCIEM_IRQFD_FLAG_LEVEL | PCIEM_IRQFD_FLAG_DEASSERT,
					  PCIEM_IRQFD_FLAG_DEASSERT, 4 };
	struct pciem_irqfd_config c = {
		.eventfd = chance(80) ? d->efd : (int32_t)PICK(small_ints),
		.vector = chance(80) ? below(3) : PICK(small_ints),
		.flags = PICK(flags),
		.reserved = chance(95) ? 0 : 1,
	};
	uint64_t one = 1 + below(3);

	IOC(d->fd, PCIEM_IOCTL_SET_IRQFD, &c, EBADF, EINVAL, ENOSPC);
	if (d->efd >= 0 && write(d->efd, &one, sizeof(one)) < 0)
		(void)0;	/* full counter: fine */
}

static void op_ioeventfd(struct fdev *d)
{
	struct pciem_ioeventfd a = {
		.bar = chance(90) ? below(6) : PICK(small_ints),
		.offset = chance(80) ? 4 * below(64) : PICK(sizes),
		.size = chance(80) ? 1u << below(4) : PICK(small_ints),
		.fd = chance(80) ? d->efd : (int32_t)PICK(small_ints),
		.flags = chance(80) ? below(4) : (uint32_t)rnd(),
		.datamatch = below(4),
		.reserved = chance(95) ? 0 : 1,
	};

	IOC(d->fd, PCIEM_IOCTL_IOEVENTFD, &a, EBADF, EEXIST, EINVAL, ENOENT, ENOSPC);
}

/* The device's own configuration accesses, mostly well formed. */
static void op_config_access(struct fdev *d)
{
	struct pciem_config_access a = {
		.size = chance(80) ? 1u << below(3) : PICK(small_ints),
		.flags = chance(90) ? below(2) : (uint32_t)rnd(),
		.reserved = chance(95) ? 0 : 1,
		.value = chance(90) ? below(0x10000) : rnd(),
	};

	a.offset = chance(80) ? a.size * below(4096 / (a.size ? a.size : 1)) : PICK(sizes);
	IOC(d->fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EACCES, EINVAL);
}

/* The emulator's side of DMA: 3 MiB, then a guard the kernel's copies stop at. */
#define DMABUF_LEN (3 << 20)
static uint8_t *dmabuf;

static uint64_t dma_addr(struct fdev *d)
{
	switch (below(5)) {
	case 0:
		return PICK(sizes);
	case 1:
		return d->bar_phys[below(BAR_MAX)] + below(8192);
	case 2:
		return 0x1000ULL * below(0x80000);	/* low RAM */
	case 3:
		return 0x70000000ULL + 0x1000 * below(0x8000);	/* the VM's BAR pool */
	default:
		return rnd();
	}
}

static void *dma_user(void)
{
	switch (below(8)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)rnd();
	default:
		return dmabuf + below(4096);
	}
}

static void op_dma(struct fdev *d)
{
	static const int dma_errs[] = { EINVAL, ENODEV, ENXIO, EOPNOTSUPP, EPERM, ENOMEM, 0 };
	uint32_t len = chance(80) ? 1 + below(2 << 20) : (uint32_t)PICK(sizes);

	switch (below(4)) {
	case 0: {
		struct pciem_dma_op o = {
			.guest_iova = dma_addr(d), .user_addr = (uint64_t)(uintptr_t)dma_user(),
			.length = len, .flags = chance(90) ? 1 + below(2) : (uint32_t)rnd(),
			.pasid = chance(95) ? 0 : 1,
		};
		xioctl(d->fd, PCIEM_IOCTL_DMA, &o, "PCIEM_IOCTL_DMA", dma_errs);
		break;
	}
	case 1: {
		struct pciem_dma_atomic a = {
			.guest_iova = dma_addr(d) & (chance(80) ? ~7ULL : ~0ULL),
			.operand = rnd(), .compare = rnd(),
			.op_type = chance(90) ? 1 + below(7) : PICK(small_ints),
		};
		xioctl(d->fd, PCIEM_IOCTL_DMA_ATOMIC, &a, "PCIEM_IOCTL_DMA_ATOMIC", dma_errs);
		break;
	}
	case 2: {
		struct pciem_dma_indirect r = {
			.prp1 = dma_addr(d), .prp2 = dma_addr(d),
			.user_addr = (uint64_t)(uintptr_t)dma_user(), .length = len,
			.page_size = chance(80) ? 4096u << below(3) : PICK(small_ints),
			.flags = chance(90) ? 1 + below(2) : (uint32_t)rnd(),
		};
		xioctl(d->fd, PCIEM_IOCTL_DMA_INDIRECT, &r, "PCIEM_IOCTL_DMA_INDIRECT",
		       dma_errs);
		break;
	}
	default: {
		struct pciem_p2p_op_user p = {
			.target_phys_addr = dma_addr(d),
			.user_addr = (uint64_t)(uintptr_t)dma_user(),
			.length = chance(80) ? 1 + below(16384) : len,
			.flags = chance(90) ? 1 + below(2) : (uint32_t)rnd(),
		};
		IOC(d->fd, PCIEM_IOCTL_P2P, &p, EINVAL, ENODEV, ENOMEM, ENXIO, EPERM);
		break;
	}
	}
}

static void op_bad_ioctl(struct fdev *d)
{
	unsigned long req = chance(50) ?
		_IOC(below(4), PCIEM_IOCTL_MAGIC, below(40), below(128)) : (unsigned long)rnd();

	calls++;
	if (ioctl(d->fd, req, dmabuf) < 0 && errno != ENOTTY && errno != EFAULT &&
	    errno != EBADFD && errno != EINVAL && errno != ENOENT && errno != EBADF &&
	    errno != ENODEV && errno != ENXIO && errno != EPERM && errno != EOPNOTSUPP &&
	    errno != ENOTCONN && errno != EEXIST && errno != ENOSPC && errno != ENODATA &&
	    errno != EBUSY && errno != EIO && errno != ENOMEM && errno != EMFILE)
		finding("ioctl %#lx failed with %s", req, strerror(errno));
}

static void op_map_ring(struct fdev *d)
{
	size_t len = chance(80) ? sizeof(struct pciem_shared_ring) : PICK(sizes) & 0xffffff;
	off_t off = chance(90) ? 0 : 4096 * below(3);
	int prot = chance(90) ? PROT_READ | PROT_WRITE : PROT_READ;
	void *p;

	if (d->ring) {
		munmap(d->ring, d->ring_len);
		d->ring = NULL;
	}
	calls++;
	p = mmap(NULL, len ? len : 1, prot, chance(90) ? MAP_SHARED : MAP_PRIVATE, d->fd, off);
	if (p == MAP_FAILED)
		return;
	d->ring = p;
	d->ring_len = len ? len : 1;
	d->ring_rw = prot & PROT_WRITE;
}

/* Take events, answer reads (sometimes wrongly), or corrupt the tail. */
static void op_consume(struct fdev *d)
{
	struct pciem_shared_ring *r = d->ring;
	struct pciem_response resp;
	struct pollfd p = { .fd = d->fd, .events = POLLIN };

	calls++;
	poll(&p, 1, 0);
	if (!r || d->ring_len < sizeof(*r) || !d->ring_rw)
		return;
	if (chance(5)) {
		atomic_store((atomic_int *)&r->tail, chance(50) ? (int)rnd() : (int)below(256));
		return;
	}
	for (int n = 0; n < 64; n++) {
		int head = atomic_load((atomic_int *)&r->head);
		int tail = atomic_load((atomic_int *)&r->tail);
		struct pciem_event ev;

		if (head == tail || tail < 0 || tail >= PCIEM_RING_SIZE)
			break;
		ev = r->events[tail];
		if (ev.type == PCIEM_EVENT_MMIO_READ && chance(90)) {
			memset(&resp, 0, sizeof(resp));
			resp.seq = chance(90) ? ev.seq : rnd();
			resp.data = rnd();
			resp.status = chance(90) ? 0 : -1;
			resp.reserved = chance(98) ? 0 : 1;
			calls++;
			st.answers++;
			(void)!write(d->fd, &resp, chance(95) ? sizeof(resp) : below(64));
		}
		atomic_store((atomic_int *)&r->tail, (tail + 1) % PCIEM_RING_SIZE);
	}
}

static void op_map_bar(struct fdev *d)
{
	int i = below(BAR_MAX);
	size_t len = chance(80) ? 4096u << below(5) : PICK(sizes) & 0xfffffff;
	off_t off = (chance(90) ? i : (off_t)below(16)) * 4096;
	void *p;

	if (d->inst < 0)
		return;
	if (d->bar[i]) {
		munmap(d->bar[i], d->bar_len[i]);
		d->bar[i] = NULL;
	}
	calls++;
	p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE,
		 chance(95) ? MAP_SHARED : MAP_PRIVATE, d->inst, off);
	if (p == MAP_FAILED)
		return;
	d->bar[i] = p;
	d->bar_len[i] = len ? len : 1;
	((volatile uint32_t *)p)[below(len / 4 ? len / 4 : 1)] = (uint32_t)rnd();
}

/* Configuration space through sysfs (pciem's accessors under pci_lock). */
static void op_config(struct fdev *d)
{
	char path[128];
	uint8_t buf[256];
	int fd;

	if (!d->started)
		return;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", d->addr);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	calls++;
	st.config++;
	if (chance(70)) {
		(void)!pread(fd, buf, 1 + below(sizeof(buf)), below(4096));
	} else {
		/* Never the BARs (0x10-0x27): moving them is the PCI core's job. */
		static const uint16_t regs[] = { 0x04, 0x06, 0x0c, 0x3c, 0x40, 0x44, 0x48,
						 0x50, 0x54, 0x60, 0x64, 0x68, 0x70, 0x100 };
		uint32_t v = (uint32_t)rnd();

		(void)!pwrite(fd, &v, 1 << below(3), PICK(regs) + below(4));
	}
	close(fd);
}

static void op_remove(struct fdev *d)
{
	char path[128];

	if (!d->started)
		return;
	calls++;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", d->addr);
	if (!sysfs_write(path, "1"))
		st.removed++;
	if (chance(50)) {
		calls++;
		sysfs_write("/sys/bus/pci/rescan", "1");
	}
}

/*
 * /dev/pci (pciio.ko) on our own functions only: configuration reads and
 * writes (never the BARs), BAR queries, accesses and mappings, and device
 * list queries with random patterns.  Its errors are docs/pciio.md's.
 */
static int pci_fd = -1;

static void op_pciio(struct fdev *d)
{
	static const int errs[] = { EINVAL, ENODEV, ENXIO, EPERM, ENOMEM, EFAULT, ENOTTY,
				    EBUSY, EIO, ENOENT, EOPNOTSUPP, ENOSPC, 0 };
	static const uint16_t regs[] = { 0x00, 0x04, 0x06, 0x08, 0x0c, 0x2c, 0x34, 0x3c, 0x40,
					 0x44, 0x48, 0x50, 0x60, 0x100, 0xffc, 0x1000 };
	struct pcisel sel = { 0 };
	unsigned int dom, bus, slot, fn;

	if (pci_fd < 0 || !d->started ||
	    sscanf(d->addr, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
		return;
	sel = (struct pcisel){ .pc_domain = dom, .pc_bus = bus, .pc_dev = slot, .pc_func = fn };
	switch (below(5)) {
	case 0: {
		struct pci_io io = { .pi_sel = sel, .pi_reg = PICK(regs) + below(4),
				     .pi_width = chance(80) ? 1 << below(3) : (int)PICK(small_ints),
				     .pi_data = (uint32_t)rnd() };
		xioctl(pci_fd, chance(60) ? PCIOCREAD : PCIOCWRITE, &io, "PCIOCREAD/WRITE", errs);
		break;
	}
	case 1: {
		struct pci_bar_io b = { .pbi_sel = sel, .pbi_reg = 0x10 + 4 * below(7) };

		xioctl(pci_fd, PCIOCGETBAR, &b, "PCIOCGETBAR", errs);
		break;
	}
	case 2: {
		struct pci_bar_ioreq r = { .pbi_sel = sel, .pbi_op = 1 + below(2),
					   .pbi_bar = below(7), .pbi_offset = 4 * below(1024),
					   .pbi_width = 1 << below(4), .pbi_value = (uint32_t)rnd() };

		xioctl(pci_fd, PCIOCBARIO, &r, "PCIOCBARIO", errs);
		break;
	}
	case 3: {
		struct pci_bar_mmap m = { .pbm_sel = sel, .pbm_reg = 0x10 + 4 * below(6),
					  .pbm_flags = chance(80) ? PCIIO_BAR_MMAP_RW : (int)below(16),
					  .pbm_memattr = chance(80) ? VM_MEMATTR_UNCACHEABLE :
								      (int)below(8) };

		if (!xioctl(pci_fd, PCIOCBARMMAP, &m, "PCIOCBARMMAP", errs) && m.pbm_map_base) {
			if (m.pbm_map_length >= 4 && chance(50))
				((volatile uint32_t *)m.pbm_map_base)[0] = (uint32_t)rnd();
			munmap(m.pbm_map_base, m.pbm_map_length);
		}
		break;
	}
	default: {
		struct pci_match_conf pat = { .pc_sel = sel, .pc_vendor = 0x1b36,
					      .flags = (pci_getconf_flags)below(256) };
		/* Room for every length offered below: a short buffer is the caller's bug. */
		struct pci_conf conf[1024 / sizeof(struct pci_conf) + 1];
		struct pci_conf_io cio = {
			.pat_buf_len = chance(90) ? sizeof(pat) : below(512),
			.num_patterns = chance(80) ? 1 : below(4),
			.patterns = chance(95) ? &pat : (struct pci_match_conf *)(uintptr_t)rnd(),
			.match_buf_len = chance(90) ? 4 * sizeof(conf[0]) : below(1024),
			.matches = conf,
			.offset = below(4),
		};

		xioctl(pci_fd, PCIOCGETCONF, &cio, "PCIOCGETCONF", errs);
		break;
	}
	}
}

/* ---- concurrency ---------------------------------------------------------------- */

/* Another thread closes the fd while this one keeps calling on it. */
struct closer {
	int fd;
	unsigned int delay_us;
};

static void *closer_fn(void *arg)
{
	struct closer *c = arg;

	usleep(c->delay_us);
	close(c->fd);
	return NULL;
}

static void op_close_racing(struct fdev *d)
{
	struct closer c = { .fd = d->fd, .delay_us = below(2000) };
	struct pciem_device_info info;
	pthread_t t;
	uint64_t one = 1;

	st.racing_closes++;
	pthread_create(&t, NULL, closer_fn, &c);
	for (int i = 0; i < 50; i++) {
		struct pciem_irq_inject inj = { .vector = 0 };

		calls += 3;
		(void)!ioctl(c.fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info);
		(void)!ioctl(c.fd, PCIEM_IOCTL_INJECT_IRQ, &inj);
		if (d->efd >= 0)
			(void)!write(d->efd, &one, sizeof(one));
	}
	pthread_join(t, NULL);
	d->fd = -1;	/* closed by the other thread */
	dev_forget_maps(d);
	if (d->inst >= 0)
		close(d->inst);
	if (d->efd >= 0)
		close(d->efd);
	memset(d, 0, sizeof(*d));
	d->fd = d->inst = d->efd = -1;
}

static void step(struct fdev *d);

/*
 * fork() with every fd open: the child works on the same functions at the
 * same time (it shares them), and is killed at a random moment.
 */
static void op_fork(void)
{
	uint64_t child_seed = rnd();
	pid_t pid = fork();

	calls++;
	if (pid == 0) {
		rng = child_seed | 1;
		for (;;)
			step(&devs[below(NDEV)]);
	}
	if (pid < 0)
		return;
	st.forks++;
	usleep(below(20000));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- the loop --------------------------------------------------------------------- */

static volatile sig_atomic_t cur_case = -1;

static void step(struct fdev *d)
{
	if (d->fd < 0) {
		op_open(d);
		return;
	}
	cur_case = (sig_atomic_t)below(30);
	switch (cur_case) {
	case 0: op_create(d); break;
	case 1: case 2: op_set_config(d); break;
	case 3: case 4: op_add_bar(d); break;
	case 5: case 6: op_add_cap(d); break;
	case 7: op_register(d); break;
	case 8: op_start(d); break;
	case 9: op_info(d); break;
	case 10: op_trace(d); break;
	case 11: op_eventfd(d); break;
	case 12: case 13: op_inject(d); break;
	case 14: op_irqfd(d); break;
	case 15: if (chance(50)) op_ioeventfd(d); else op_config_access(d); break;
	case 16: case 17: op_dma(d); break;
	case 18: op_bad_ioctl(d); break;
	case 19: op_map_ring(d); break;
	case 20: case 21: op_consume(d); break;
	case 22: op_map_bar(d); break;
	case 23: case 24: op_config(d); break;
	case 25: if (chance(30)) op_remove(d); else op_pciio(d); break;
	case 26: if (chance(30)) dev_close(d); break;
	case 27: if (chance(8)) op_close_racing(d); break;
	case 28: if (chance(10)) op_open(d); break;
	default:
		/* Walk a fresh function quickly to STARTED, where most code is. */
		if (chance(50)) {
			op_create(d);
			op_set_config(d);
			op_add_bar(d);
			if (chance(70))
				op_add_cap(d);
			op_register(d);
			op_start(d);
		}
		break;
	}
}

/* New lines in the kernel log that mean trouble (as the guest runner judges). */
static int kmsg_fd = -1;

static bool kmsg_trouble(void)
{
	static const char *const bad[] = { "BUG", "WARNING:", "Oops", "hung task",
					   "blocked for more than", "soft lockup",
					   "general protection", "UBSAN:", "KASAN:",
					   "possible circular locking", "lockdep" };
	char rec[8192];
	bool found = false;
	ssize_t n;

	if (kmsg_fd < 0)
		return false;
	while ((n = read(kmsg_fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(rec, bad[i])) {
				printf("kernel: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
				found = true;
			}
	}
	return found;
}

static void run_seed(uint64_t seed, long ncalls, double until)
{
	struct timespec ts;
	long start = calls, before = findings;

	cur_seed = seed;
	rng = seed | 1;
	for (int i = 0; i < NDEV; i++) {
		memset(&devs[i], 0, sizeof(devs[i]));
		devs[i].fd = devs[i].inst = devs[i].efd = -1;
	}
	while (calls - start < ncalls) {
		if (until > 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (ts.tv_sec + ts.tv_nsec / 1e9 > until)
				break;
		}
		if (chance(1) && chance(20))
			op_fork();
		else
			step(&devs[below(NDEV)]);
	}
	for (int i = 0; i < NDEV; i++)
		dev_close(&devs[i]);
	if (kmsg_trouble())
		finding("the kernel log reports trouble (above)");
	CHECK(findings == before, "seed %#" PRIx64 ": %ld findings", seed, findings - before);
	printf("seed %#" PRIx64 ": %ld calls (%ld succeeded), %ld findings; %ld registered, "
	       "%ld started, %ld removed by sysfs, %ld config accesses, %ld answers, "
	       "%ld forks killed, %ld racing closes\n", seed, calls - start, st.ok_ioctls,
	       findings - before, st.registered, st.started, st.removed, st.config, st.answers,
	       st.forks, st.racing_closes);
	memset(&st, 0, sizeof(st));
}

/* A crash of the fuzzer itself: say where, then die of the signal. */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	void *frames[32];
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "pciem_fuzz: signal %d at %p in step case %d\n",
			 sig, si->si_addr, (int)cur_case);

	(void)uc;
	(void)!write(2, msg, (size_t)n);
	backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	long nseeds = 1, ncalls = 20000;
	double seconds = 0, until = 0;
	bool use_kmsg = false;
	struct timespec ts;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_RESETHAND };

		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
			nseeds = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			ncalls = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--kmsg"))
			use_kmsg = true;
		else {
			fprintf(stderr, "usage: pciem_fuzz [--seed S] [--seeds N] [--calls N] "
				"[--seconds T] [--kmsg]\n");
			return 2;
		}
	}
	if (!seed) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec;
	}
	dmabuf = mmap(NULL, DMABUF_LEN + (1 << 20), PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dmabuf == MAP_FAILED || mprotect(dmabuf + DMABUF_LEN, 1 << 20, PROT_NONE)) {
		perror("pciem_fuzz: DMA buffer");
		return 1;
	}
	/* pciio.ko, when loaded: /dev/pci on the same functions. */
	pci_fd = open("/dev/pci", O_RDWR | O_CLOEXEC);
	if (use_kmsg) {
		kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (kmsg_fd >= 0)
			lseek(kmsg_fd, 0, SEEK_END);
	}
	if (seconds > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		until = ts.tv_sec + ts.tv_nsec / 1e9 + seconds;
		if (nseeds == 1)
			nseeds = 1L << 40;	/* as many as fit */
	}
	for (long i = 0; i < nseeds; i++) {
		if (until > 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (ts.tv_sec + ts.tv_nsec / 1e9 > until)
				break;
		}
		run_seed(seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL, ncalls, until);
	}
	printf("pciem_fuzz: %ld calls, %ld findings\n", calls, findings);
	return summary("pciem_fuzz");
}
