// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sim.c - libpciem's simulated bus, for host tests (pciem_sim.h).
 *
 * It implements the backend libpciem otherwise gets from pciem.ko: the same
 * ioctls, the same event ring, the same configuration space model (core/),
 * with the test thread in the driver's place.  What pciem.ko does with the
 * kernel's help it does here plainly: BAR memory is anonymous memory, DMA
 * reaches only what the test mapped, interrupts are counted.
 *
 * Lifetime: a struct sim is shared by the program's struct pciem_dev and
 * the test; each holds a reference (refs), the last put frees it.  One
 * mutex (lock) guards everything in it; the condition variable (cond) is
 * broadcast on every change a waiter may want: an answer, an interrupt,
 * the device closing.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "cfgspace.h"
#include "prp.h"
#include "internal.h"
#include "pciem_sim.h"

#define SIM_READ_TIMEOUT_MS 1000
#define SIM_MAX_MAPS 64
#define SIM_MAX_IOEVENTFDS 64
#define SIM_BAR_BASE 0xe0000000ull	/* where the simulated bus places BARs */

struct sim_map {
	uint64_t iova;
	size_t len;
	uint8_t *buf;
};

struct pciem_sim {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	bool closed;		/* the program destroyed its device */
	bool removed;		/* pciem_sim_remove() */
	bool claimed;		/* handed out by pciem_sim_wait_started() */
	struct pciem_sim *next_started;

	uint32_t state, bus_mode;
	int efd;		/* the program's d->fd: signalled per event */
	int user_efd;		/* PCIEM_IOCTL_SET_EVENTFD, -1: none */
	struct pciem_shared_ring *ring;
	uint64_t next_seq;

	/* The one traced read in flight (reads are serialised by read_lock). */
	pthread_mutex_t read_lock;
	uint64_t read_seq;
	bool read_done;
	struct pciem_response answer;

	struct pcfg cfg;
	uint8_t *bar[PCFG_NUM_BARS];
	size_t bar_len[PCFG_NUM_BARS];
	uint32_t trace[PCFG_NUM_BARS], trace_cfg;

	struct pciem_ioeventfd ioeventfd[SIM_MAX_IOEVENTFDS];
	unsigned int nioeventfds;
	struct sim_map maps[SIM_MAX_MAPS];
	unsigned int nmaps;

	unsigned long irqs[PCIEM_MAX_VECTORS];
	uint64_t msix_pending[PCIEM_MAX_VECTORS / 64];
	bool intx;
};

/* Started devices not yet handed to a test, oldest first. */
static pthread_mutex_t started_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cond = PTHREAD_COND_INITIALIZER;
static struct pciem_sim *started_head;

static void deadline(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

static void put_locked(struct pciem_sim *s)
{
	bool last = --s->refs == 0;

	pthread_mutex_unlock(&s->lock);
	if (!last)
		return;
	for (unsigned int i = 0; i < PCFG_NUM_BARS; i++)
		if (s->bar[i])
			munmap(s->bar[i], s->bar_len[i]);
	close(s->efd);
	free(s->ring);
	pthread_mutex_destroy(&s->read_lock);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void pciem_sim_put(struct pciem_sim *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	put_locked(s);
}

static bool alive(const struct pciem_sim *s)
{
	return !s->closed && !s->removed && s->state == PCIEM_STATE_STARTED;
}

/* ---- Events (lock held) ------------------------------------------------------ */

static int push_event(struct pciem_sim *s, const struct pciem_event *ev)
{
	uint64_t one = 1;
	int head, tail;

	for (int waited = 0;; waited++) {
		head = atomic_load_explicit(&s->ring->head, memory_order_relaxed);
		tail = atomic_load_explicit(&s->ring->tail, memory_order_acquire);
		if ((head + 1) % PCIEM_RING_SIZE != tail)
			break;
		if (waited == SIM_READ_TIMEOUT_MS || !alive(s))
			return -EAGAIN;	/* the program stopped taking events */
		pthread_mutex_unlock(&s->lock);
		usleep(1000);
		pthread_mutex_lock(&s->lock);
	}
	s->ring->events[head] = *ev;
	s->ring->events[head].seq = ++s->next_seq;
	atomic_store_explicit(&s->ring->head, (head + 1) % PCIEM_RING_SIZE,
			      memory_order_release);
	(void)!write(s->efd, &one, sizeof(one));
	if (s->user_efd >= 0)
		(void)!write(s->user_efd, &one, sizeof(one));
	return 0;
}

/* Wait (lock held) until the program has taken every event: 0 or -ETIMEDOUT. */
static int drain(struct pciem_sim *s, int timeout_ms)
{
	for (int waited = 0; atomic_load(&s->ring->head) != atomic_load(&s->ring->tail);
	     waited++) {
		if (waited >= timeout_ms || s->closed)
			return -ETIMEDOUT;
		pthread_mutex_unlock(&s->lock);
		usleep(1000);
		pthread_mutex_lock(&s->lock);
	}
	return 0;
}

/* ---- Interrupts (lock held) --------------------------------------------------- */

/* The MSI-X table's vector control of @v, as the driver programmed it. */
static bool msix_masked(const struct pciem_sim *s, const struct pcfg_msix_layout *l,
			uint16_t ctrl, unsigned int v)
{
	uint32_t vc;

	memcpy(&vc, s->bar[l->table_bar] + l->table_off + v * PCI_MSIX_ENTRY_SIZE +
	       PCI_MSIX_ENTRY_VECTOR_CTRL, 4);
	return (ctrl & PCI_MSIX_FLAGS_MASKALL) || (vc & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/* MSI-X Message Control, when MSI-X is there and its table is mapped. */
static bool msix_ctrl(const struct pciem_sim *s, struct pcfg_msix_layout *l, uint16_t *ctrl)
{
	if (!pcfg_msix_layout(&s->cfg, l) || !s->bar[l->table_bar])
		return false;
	*ctrl = pcfg_get16(&s->cfg, l->cap + PCI_MSIX_FLAGS);
	return true;
}

/* Send what unmasking released. */
static void msix_release(struct pciem_sim *s)
{
	struct pcfg_msix_layout l;
	uint16_t ctrl;

	if (!msix_ctrl(s, &l, &ctrl) || !(ctrl & PCI_MSIX_FLAGS_ENABLE))
		return;
	for (unsigned int v = 0; v < l.size; v++) {
		uint64_t bit = 1ull << (v % 64);

		if ((s->msix_pending[v / 64] & bit) && !msix_masked(s, &l, ctrl, v)) {
			s->msix_pending[v / 64] &= ~bit;
			s->irqs[v]++;
			pthread_cond_broadcast(&s->cond);
		}
	}
}

static int raise_msi(struct pciem_sim *s, uint32_t vector)
{
	const struct pcfg_cap *msi = pcfg_find_cap(&s->cfg, PCIEM_CAP_MSI);
	struct pcfg_msix_layout l;
	uint16_t ctrl;

	if (msix_ctrl(s, &l, &ctrl) && (ctrl & PCI_MSIX_FLAGS_ENABLE)) {
		if (vector >= l.size)
			return -EINVAL;
		if (msix_masked(s, &l, ctrl, vector))
			s->msix_pending[vector / 64] |= 1ull << (vector % 64);
		else
			s->irqs[vector]++;
	} else if (msi && (pcfg_get16(&s->cfg, msi->offset + PCI_MSI_FLAGS) &
			   PCI_MSI_FLAGS_ENABLE)) {
		ctrl = pcfg_get16(&s->cfg, msi->offset + PCI_MSI_FLAGS);
		if (vector >= 1u << ((ctrl & PCI_MSI_FLAGS_QSIZE) >> 4))
			return -EINVAL;
		s->irqs[vector]++;
	} else {
		return -ENOTCONN;
	}
	pthread_cond_broadcast(&s->cond);
	return 0;
}

static int inject(struct pciem_sim *s, const struct pciem_irq_inject *i)
{
	if (s->state != PCIEM_STATE_STARTED)
		return -EBADFD;
	if (s->closed || s->removed)
		return -ENODEV;
	if (i->reserved == PCIEM_IRQ_INTX_ASSERT || i->reserved == PCIEM_IRQ_INTX_DEASSERT) {
		s->intx = i->reserved == PCIEM_IRQ_INTX_ASSERT;
		pcfg_set_intx_status(&s->cfg, s->intx);
		pthread_cond_broadcast(&s->cond);
		return 0;
	}
	if (i->reserved)
		return -EINVAL;
	return raise_msi(s, i->vector);
}

/* ---- DMA (lock held) ----------------------------------------------------------- */

/* Host memory at [iova, iova + len), inside one mapping, or NULL. */
static uint8_t *translate(struct pciem_sim *s, uint64_t iova, size_t len)
{
	for (unsigned int i = 0; i < s->nmaps; i++) {
		const struct sim_map *m = &s->maps[i];

		if (iova >= m->iova && iova - m->iova <= m->len && len <= m->len - (iova - m->iova))
			return m->buf + (iova - m->iova);
	}
	return NULL;
}

static int dma_copy(struct pciem_sim *s, uint64_t iova, void *buf, size_t len, bool to_host)
{
	uint8_t *p;

	if (!(pcfg_get16(&s->cfg, PCI_COMMAND) & PCI_COMMAND_MASTER))
		return -EPERM;
	p = translate(s, iova, len);
	if (!p)
		return -EFAULT;
	if (to_host)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

struct prp_ctx {
	struct pciem_sim *s;
	uint8_t *buf;
	bool to_host;
};

static int prp_entry(void *ctx, uint64_t addr, uint64_t *entry)
{
	struct prp_ctx *c = ctx;

	return dma_copy(c->s, addr, entry, sizeof(*entry), false);
}

static int prp_segment(void *ctx, uint64_t addr, uint32_t len)
{
	struct prp_ctx *c = ctx;
	int ret = dma_copy(c->s, addr, c->buf, len, c->to_host);

	c->buf += len;
	return ret;
}

static int dma_ioctl(struct pciem_sim *s, unsigned long req, void *arg)
{
	if (s->state != PCIEM_STATE_STARTED)
		return -EBADFD;
	if (s->closed || s->removed)
		return -ENODEV;
	if (req == PCIEM_IOCTL_DMA) {
		struct pciem_dma_op *op = arg;

		if (!op->length || (op->flags != PCIEM_DMA_FLAG_READ &&
				    op->flags != PCIEM_DMA_FLAG_WRITE))
			return -EINVAL;
		return dma_copy(s, op->guest_iova, (void *)(uintptr_t)op->user_addr, op->length,
				op->flags == PCIEM_DMA_FLAG_WRITE);
	}
	if (req == PCIEM_IOCTL_DMA_INDIRECT) {
		struct pciem_dma_indirect *r = arg;
		struct prp_ctx c = {
			.s = s, .buf = (uint8_t *)(uintptr_t)r->user_addr,
			.to_host = r->flags == PCIEM_DMA_FLAG_WRITE,
		};

		if (r->flags != PCIEM_DMA_FLAG_READ && r->flags != PCIEM_DMA_FLAG_WRITE)
			return -EINVAL;
		return prp_walk(r->prp1, r->prp2, r->length, r->page_size, prp_entry,
				prp_segment, &c);
	}
	if (req == PCIEM_IOCTL_DMA_ATOMIC) {
		struct pciem_dma_atomic *a = arg;
		uint64_t *p, old;

		if (a->guest_iova & 7)
			return -EINVAL;
		if (!(pcfg_get16(&s->cfg, PCI_COMMAND) & PCI_COMMAND_MASTER))
			return -EPERM;
		p = (uint64_t *)translate(s, a->guest_iova, 8);
		if (!p)
			return -EFAULT;
		old = *p;
		switch (a->op_type) {
		case PCIEM_ATOMIC_FETCH_ADD:
			*p = old + a->operand;
			break;
		case PCIEM_ATOMIC_FETCH_SUB:
			*p = old - a->operand;
			break;
		case PCIEM_ATOMIC_FETCH_AND:
			*p = old & a->operand;
			break;
		case PCIEM_ATOMIC_FETCH_OR:
			*p = old | a->operand;
			break;
		case PCIEM_ATOMIC_FETCH_XOR:
			*p = old ^ a->operand;
			break;
		case PCIEM_ATOMIC_SWAP:
			*p = a->operand;
			break;
		case PCIEM_ATOMIC_CAS:
			if (old == a->compare)
				*p = a->operand;
			break;
		default:
			return -EINVAL;
		}
		a->result = old;
		return 0;
	}
	return -EOPNOTSUPP;	/* P2P: no other devices on this bus */
}

/* ---- The ioctls (lock held) --------------------------------------------------- */

static int describe(struct pciem_sim *s, unsigned long req, void *arg)
{
	int ret;

	if (s->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	switch (req) {
	case PCIEM_IOCTL_SET_CONFIG:
		return pcfg_set_ids(&s->cfg, arg);
	case PCIEM_IOCTL_ADD_BAR: {
		const struct pciem_bar_config *b = arg;

		return pcfg_add_bar(&s->cfg, b->bar_index, b->size, b->flags);
	}
	default:
		ret = pcfg_add_cap(&s->cfg, arg);
		return ret < 0 ? ret : 0;
	}
}

static int do_register(struct pciem_sim *s)
{
	uint64_t addr = SIM_BAR_BASE;
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	if (s->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	ret = pcfg_finalize(&s->cfg);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < PCFG_NUM_BARS; i++) {
		uint64_t size = s->cfg.bars[i].size;
		void *p;

		if (!size || s->cfg.bars[i].upper)
			continue;
		s->bar_len[i] = (size_t)((size + (uint64_t)page - 1) & ~((uint64_t)page - 1));
		p = mmap(NULL, s->bar_len[i], PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		s->bar[i] = p;
		addr = (addr + size - 1) & ~(size - 1);
		pcfg_set_bar_addr(&s->cfg, i, addr);
		addr += size;
	}
	pcfg_snapshot_reset_state(&s->cfg);
	s->state = PCIEM_STATE_REGISTERED;
	return 0;
}

static int do_start(struct pciem_sim *s)
{
	struct pciem_event ev = { .type = PCIEM_EVENT_DRIVER, .data = 1 };

	if (s->state != PCIEM_STATE_REGISTERED)
		return -EBADFD;
	s->state = PCIEM_STATE_STARTED;
	s->refs++;	/* the test's, until pciem_sim_put() */
	pthread_mutex_lock(&started_lock);
	{
		struct pciem_sim **p = &started_head;

		while (*p)
			p = &(*p)->next_started;
		*p = s;
	}
	pthread_cond_broadcast(&started_cond);
	pthread_mutex_unlock(&started_lock);
	/* The test is the driver, and it is "bound" from the start. */
	return push_event(s, &ev);
}

static int set_ioeventfd(struct pciem_sim *s, const struct pciem_ioeventfd *a)
{
	const uint32_t known = PCIEM_IOEVENTFD_FLAG_DATAMATCH | PCIEM_IOEVENTFD_FLAG_DEASSIGN;
	unsigned int i;

	if ((a->flags & ~known) || a->reserved || a->reserved2 || a->bar >= PCFG_NUM_BARS ||
	    (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8) ||
	    (a->offset & (a->size - 1)))
		return -EINVAL;
	if (!s->cfg.bars[a->bar].size)
		return -ENOENT;
	if (a->offset + a->size > s->cfg.bars[a->bar].size)
		return -EINVAL;
	for (i = 0; i < s->nioeventfds; i++) {
		struct pciem_ioeventfd *b = &s->ioeventfd[i];

		if (b->bar == a->bar && b->offset == a->offset && b->size == a->size &&
		    ((b->flags ^ a->flags) & PCIEM_IOEVENTFD_FLAG_DATAMATCH) == 0 &&
		    (!(a->flags & PCIEM_IOEVENTFD_FLAG_DATAMATCH) || b->datamatch == a->datamatch))
			break;
	}
	if (a->flags & PCIEM_IOEVENTFD_FLAG_DEASSIGN) {
		if (i == s->nioeventfds || s->ioeventfd[i].fd != a->fd)
			return -ENOENT;
		s->ioeventfd[i] = s->ioeventfd[--s->nioeventfds];
		return 0;
	}
	if (i < s->nioeventfds)
		return -EEXIST;
	if (s->nioeventfds == SIM_MAX_IOEVENTFDS)
		return -ENOSPC;
	s->ioeventfd[s->nioeventfds++] = *a;
	return 0;
}

static int sim_ioctl_locked(struct pciem_sim *s, unsigned long req, void *arg)
{
	switch (req) {
	case PCIEM_IOCTL_SET_CONFIG:
	case PCIEM_IOCTL_ADD_BAR:
	case PCIEM_IOCTL_ADD_CAPABILITY:
		return describe(s, req, arg);
	case PCIEM_IOCTL_REGISTER:
		return do_register(s);
	case PCIEM_IOCTL_START:
		return do_start(s);
	case PCIEM_IOCTL_GET_BAR_INFO: {
		struct pciem_bar_info_query *q = arg;

		if (s->state < PCIEM_STATE_REGISTERED)
			return -EBADFD;
		if (q->bar_index >= PCFG_NUM_BARS)
			return -EINVAL;
		if (!s->bar[q->bar_index])
			return -ENOENT;
		q->phys_addr = pcfg_bar_addr(&s->cfg, q->bar_index);
		q->size = s->cfg.bars[q->bar_index].size;
		q->flags = s->cfg.bars[q->bar_index].flags;
		return 0;
	}
	case PCIEM_IOCTL_GET_DEVICE_INFO: {
		struct pciem_device_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->state = s->state;
		info->bus_mode = s->bus_mode;
		if (s->state == PCIEM_STATE_STARTED)
			info->bus = 0x10;	/* the simulated bus: 0000:10:00.0 */
		return 0;
	}
	case PCIEM_IOCTL_SET_EVENTFD:
		s->user_efd = ((const struct pciem_eventfd_config *)arg)->eventfd;
		return 0;
	case PCIEM_IOCTL_TRACE_BAR: {
		const struct pciem_trace_bar *t = arg;

		if (t->bar_index == PCIEM_TRACE_CONFIG_SPACE) {
			s->trace_cfg = t->flags;
			return 0;
		}
		if (t->bar_index >= PCFG_NUM_BARS)
			return -EINVAL;
		if (s->state == PCIEM_STATE_STARTED)
			return -EBADFD;
		if (!s->cfg.bars[t->bar_index].size)
			return -ENOENT;
		s->trace[t->bar_index] = t->flags;
		return 0;
	}
	case PCIEM_IOCTL_INJECT_IRQ:
		return inject(s, arg);
	case PCIEM_IOCTL_IOEVENTFD:
		return set_ioeventfd(s, arg);
	case PCIEM_IOCTL_DMA:
	case PCIEM_IOCTL_DMA_INDIRECT:
	case PCIEM_IOCTL_DMA_ATOMIC:
	case PCIEM_IOCTL_P2P:
		return dma_ioctl(s, req, arg);
	case PCIEM_IOCTL_CONFIG_ACCESS: {
		struct pciem_config_access *a = arg;

		if (a->reserved)
			return -EINVAL;
		return pcfg_device_access(&s->cfg, a->offset, a->size, a->flags, &a->value);
	}
	case PCIEM_IOCTL_SET_IRQFD:
		return -EOPNOTSUPP;	/* not simulated: raise with pciem_irq_raise() */
	default:
		return -ENOTTY;
	}
}

/* ---- The backend ------------------------------------------------------------------ */

static int sim_open(struct pciem_dev *d, uint32_t bus_mode)
{
	struct pciem_sim *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	if (bus_mode != PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL &&
	    bus_mode != PCIEM_CREATE_FLAG_BUS_MODE_ATTACH) {
		free(s);
		return -EINVAL;
	}
	s->ring = aligned_alloc(64, sizeof(*s->ring));
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!s->ring || s->efd < 0) {
		if (s->efd >= 0)
			close(s->efd);
		free(s->ring);
		free(s);
		return -ENOMEM;
	}
	memset(s->ring, 0, sizeof(*s->ring));
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->read_lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pcfg_init(&s->cfg);
	s->refs = 1;
	s->user_efd = -1;
	s->bus_mode = bus_mode;
	s->state = PCIEM_STATE_CREATED;
	d->backend = s;
	d->fd = s->efd;
	d->ring = s->ring;
	return 0;
}

static int sim_ioctl(struct pciem_dev *d, unsigned long req, void *arg)
{
	struct pciem_sim *s = d->backend;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = sim_ioctl_locked(s, req, arg);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sim_respond(struct pciem_dev *d, const struct pciem_response *r)
{
	struct pciem_sim *s = d->backend;
	int ret = -ENOENT;

	if (r->reserved)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->read_seq && r->seq == s->read_seq && !s->read_done) {
		s->answer = *r;
		s->read_done = true;
		pthread_cond_broadcast(&s->cond);
		ret = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sim_readable(struct pciem_dev *d, short revents)
{
	struct pciem_sim *s = d->backend;
	uint64_t n;
	bool gone;

	(void)revents;
	pthread_mutex_lock(&s->lock);
	gone = s->removed;
	pthread_mutex_unlock(&s->lock);
	if (gone)
		return -EPIPE;	/* and the fd stays readable, as POLLHUP stays */
	(void)!read(s->efd, &n, sizeof(n));
	return 0;
}

static void *sim_map_bar(struct pciem_dev *d, unsigned int i, size_t len)
{
	struct pciem_sim *s = d->backend;

	if (i >= PCFG_NUM_BARS || !s->bar[i] || len > s->bar_len[i]) {
		errno = ENXIO;
		return NULL;
	}
	return s->bar[i];
}

static void sim_unmap_bar(struct pciem_dev *d, unsigned int i, void *p, size_t len)
{
	(void)d;
	(void)i;
	(void)p;
	(void)len;	/* the memory lives as long as the struct pciem_sim */
}

static void sim_close(struct pciem_dev *d)
{
	struct pciem_sim *s = d->backend;

	pthread_mutex_lock(&s->lock);
	s->closed = true;
	pthread_cond_broadcast(&s->cond);
	put_locked(s);
}

static const struct pciem_backend sim_backend = {
	.open = sim_open,
	.ioctl = sim_ioctl,
	.respond = sim_respond,
	.readable = sim_readable,
	.map_bar = sim_map_bar,
	.unmap_bar = sim_unmap_bar,
	.close = sim_close,
};

const struct pciem_backend *pciem_default_backend(void)
{
	return &sim_backend;
}

/* ---- The test's side ------------------------------------------------------------ */

struct pciem_sim *pciem_sim_wait_started(int timeout_ms)
{
	struct pciem_sim *s;
	struct timespec t;

	deadline(&t, timeout_ms < 0 ? 0 : timeout_ms);
	pthread_mutex_lock(&started_lock);
	while (!started_head) {
		if (timeout_ms < 0)
			pthread_cond_wait(&started_cond, &started_lock);
		else if (pthread_cond_timedwait(&started_cond, &started_lock, &t) == ETIMEDOUT)
			break;
	}
	s = started_head;
	if (s)
		started_head = s->next_started;
	pthread_mutex_unlock(&started_lock);
	return s;
}

uint32_t pciem_sim_cfg_read(struct pciem_sim *s, unsigned int off, unsigned int size)
{
	uint32_t v;

	pthread_mutex_lock(&s->lock);
	drain(s, SIM_READ_TIMEOUT_MS);
	v = pcfg_read(&s->cfg, off, size);
	if (alive(s) && (s->trace_cfg & PCIEM_TRACE_READS))
		push_event(s, &(struct pciem_event){ .type = PCIEM_EVENT_CONFIG_READ,
			   .bar = PCIEM_TRACE_CONFIG_SPACE, .offset = off, .size = size,
			   .data = v });
	pthread_mutex_unlock(&s->lock);
	return v;
}

void pciem_sim_cfg_write(struct pciem_sim *s, unsigned int off, unsigned int size,
			 uint32_t val)
{
	uint32_t pending;

	pthread_mutex_lock(&s->lock);
	drain(s, SIM_READ_TIMEOUT_MS);
	pcfg_write(&s->cfg, off, size, val);
	pending = pcfg_take_pending(&s->cfg);
	if (pending & PCFG_PENDING_FLR)
		pcfg_reset(&s->cfg);
	if (alive(s) && (s->trace_cfg & PCIEM_TRACE_WRITES))
		push_event(s, &(struct pciem_event){ .type = PCIEM_EVENT_CONFIG_WRITE,
			   .bar = PCIEM_TRACE_CONFIG_SPACE, .offset = off, .size = size,
			   .data = pcfg_read(&s->cfg, off, size) });
	if (alive(s) && (pending & PCFG_PENDING_FLR))
		push_event(s, &(struct pciem_event){ .type = PCIEM_EVENT_RESET,
			   .bar = PCIEM_TRACE_CONFIG_SPACE, .data = PCIEM_RESET_FLR });
	msix_release(s);
	pthread_mutex_unlock(&s->lock);
}

void pciem_sim_enable(struct pciem_sim *s)
{
	pciem_sim_cfg_write(s, PCI_COMMAND, 2, pciem_sim_cfg_read(s, PCI_COMMAND, 2) |
			    PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

int pciem_sim_enable_msi(struct pciem_sim *s)
{
	const struct pcfg_cap *cap;
	unsigned int off;
	uint16_t ctrl;

	pthread_mutex_lock(&s->lock);
	cap = pcfg_find_cap(&s->cfg, PCIEM_CAP_MSI);
	off = cap ? cap->offset : 0;
	pthread_mutex_unlock(&s->lock);
	if (!off)
		return -ENOENT;
	ctrl = (uint16_t)pciem_sim_cfg_read(s, off + PCI_MSI_FLAGS, 2);
	/* Multiple Message Enable = Capable, then Enable; an address as x86 has it. */
	pciem_sim_cfg_write(s, off + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	pciem_sim_cfg_write(s, off + PCI_MSI_FLAGS, 2,
			    (ctrl & ~PCI_MSI_FLAGS_QSIZE) | ((ctrl & PCI_MSI_FLAGS_QMASK) << 3) |
			    PCI_MSI_FLAGS_ENABLE);
	return 0;
}

int pciem_sim_enable_msix(struct pciem_sim *s)
{
	const struct pcfg_cap *cap;
	unsigned int off;

	pthread_mutex_lock(&s->lock);
	cap = pcfg_find_cap(&s->cfg, PCIEM_CAP_MSIX);
	off = cap ? cap->offset : 0;
	pthread_mutex_unlock(&s->lock);
	if (!off)
		return -ENOENT;
	pciem_sim_cfg_write(s, off + PCI_MSIX_FLAGS, 2,
			    pciem_sim_cfg_read(s, off + PCI_MSIX_FLAGS, 2) | PCI_MSIX_FLAGS_ENABLE);
	return 0;
}

static int check_access(struct pciem_sim *s, unsigned int bar, uint64_t off, unsigned int size)
{
	if (bar >= PCFG_NUM_BARS || !s->bar[bar] ||
	    (size != 1 && size != 2 && size != 4 && size != 8) ||
	    off > s->cfg.bars[bar].size || size > s->cfg.bars[bar].size - off)
		return -EINVAL;
	return alive(s) ? 0 : -ENODEV;
}

/* The MSI-X table and PBA: pciem.ko's, never the program's. */
static bool in_msix(const struct pciem_sim *s, unsigned int bar, uint64_t off)
{
	struct pcfg_msix_layout l;

	if (!pcfg_msix_layout(&s->cfg, &l))
		return false;
	return (l.table_bar == bar && off >= l.table_off &&
		off - l.table_off < l.table_len) ||
	       (l.pba_bar == bar && off >= l.pba_off && off - l.pba_off < l.pba_len);
}

int pciem_sim_read(struct pciem_sim *s, unsigned int bar, uint64_t off, unsigned int size,
		   uint64_t *val)
{
	struct timespec t;
	int ret;

	*val = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
	pthread_mutex_lock(&s->read_lock);
	pthread_mutex_lock(&s->lock);
	ret = check_access(s, bar, off, size);
	if (ret)
		goto out;
	if (!(s->trace[bar] & PCIEM_TRACE_READS) || in_msix(s, bar, off)) {
		*val = 0;
		memcpy(val, s->bar[bar] + off, size);
		goto out;
	}
	s->read_done = false;
	ret = push_event(s, &(struct pciem_event){ .type = PCIEM_EVENT_MMIO_READ, .bar = bar,
			 .offset = off, .size = size });
	if (ret)
		goto out;
	s->read_seq = s->next_seq;
	deadline(&t, SIM_READ_TIMEOUT_MS);
	while (!s->read_done && !s->closed && !s->removed)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &t) == ETIMEDOUT)
			break;
	if (s->read_done && s->answer.status == 0)
		*val = s->answer.data & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
	ret = s->read_done ? 0 : s->closed || s->removed ? -ENODEV : -ETIMEDOUT;
	s->read_seq = 0;
out:
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_unlock(&s->read_lock);
	return ret;
}

int pciem_sim_write(struct pciem_sim *s, unsigned int bar, uint64_t off, unsigned int size,
		    uint64_t val)
{
	uint64_t one = 1;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_access(s, bar, off, size);
	if (ret)
		goto out;
	if (in_msix(s, bar, off)) {
		memcpy(s->bar[bar] + off, &val, size);
		msix_release(s);
		goto out;
	}
	if (!(s->trace[bar] & PCIEM_TRACE_STOP_WRITES) || !(s->trace[bar] & PCIEM_TRACE_WRITES))
		memcpy(s->bar[bar] + off, &val, size);
	if (!(s->trace[bar] & PCIEM_TRACE_WRITES))
		goto out;
	for (unsigned int i = 0; i < s->nioeventfds; i++) {
		const struct pciem_ioeventfd *b = &s->ioeventfd[i];

		if (b->bar == bar && b->offset == off && b->size == size &&
		    (!(b->flags & PCIEM_IOEVENTFD_FLAG_DATAMATCH) || b->datamatch == val)) {
			(void)!write(b->fd, &one, sizeof(one));
			goto out;
		}
	}
	ret = push_event(s, &(struct pciem_event){ .type = PCIEM_EVENT_MMIO_WRITE, .bar = bar,
			 .offset = off, .size = size, .data = val });
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int pciem_sim_sync(struct pciem_sim *s, int timeout_ms)
{
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = drain(s, timeout_ms);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int pciem_sim_dma_map(struct pciem_sim *s, uint64_t iova, void *buf, size_t len)
{
	int ret = 0;

	if (!buf || !len || iova + len < iova)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (s->nmaps == SIM_MAX_MAPS)
		ret = -ENOSPC;
	else
		s->maps[s->nmaps++] = (struct sim_map){ .iova = iova, .len = len, .buf = buf };
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int pciem_sim_dma_unmap(struct pciem_sim *s, uint64_t iova)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < s->nmaps; i++) {
		if (s->maps[i].iova == iova) {
			s->maps[i] = s->maps[--s->nmaps];
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

unsigned long pciem_sim_irqs(struct pciem_sim *s, unsigned int vector)
{
	unsigned long n;

	if (vector >= PCIEM_MAX_VECTORS)
		return 0;
	pthread_mutex_lock(&s->lock);
	n = s->irqs[vector];
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool pciem_sim_intx(struct pciem_sim *s)
{
	bool up;

	pthread_mutex_lock(&s->lock);
	up = s->intx && !(pcfg_get16(&s->cfg, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	pthread_mutex_unlock(&s->lock);
	return up;
}

int pciem_sim_wait_irq(struct pciem_sim *s, unsigned int vector, unsigned long count,
		       int timeout_ms)
{
	struct timespec t;
	int ret = 0;

	if (vector >= PCIEM_MAX_VECTORS)
		return -EINVAL;
	deadline(&t, timeout_ms);
	pthread_mutex_lock(&s->lock);
	while (s->irqs[vector] < count && ret == 0)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &t) == ETIMEDOUT)
			ret = s->irqs[vector] < count ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

void pciem_sim_remove(struct pciem_sim *s)
{
	uint64_t one = 1;

	pthread_mutex_lock(&s->lock);
	s->removed = true;
	(void)!write(s->efd, &one, sizeof(one));
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}
