// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - the event ring, responses and notifications.
 *
 * The ring is struct pciem_shared_ring, mapped by the emulator with mmap()
 * on its /dev/pciem fd.  head and tail are indexes in [0, PCIEM_RING_SIZE):
 * the kernel writes events[head] and then advances head; the emulator reads
 * events[tail] and then advances tail.  One slot stays empty, so the ring
 * holds PCIEM_RING_SIZE - 1 events.  The kernel keeps its own copy of head
 * and only ever reads tail, which it treats as untrusted: a value outside
 * the ring reads as "full".
 *
 * When the ring is full, events queue in order in a kernel-side backlog
 * (PCIEM_BACKLOG events) that refills the ring as the emulator makes room:
 * on the next event, on poll(), on write().  Only when the backlog is full
 * too does the producer wait — an MMIO access by retrying its instruction
 * (interrupts open, preemptible where the driver was), a configuration
 * access by spinning, a process by sleeping — for at most
 * pciem_ring_wait_ms.  Only then is the event dropped, and it is counted:
 * PCIEM_IOCTL_GET_DEVICE_INFO reports events_dropped and the kernel log says
 * so (rate-limited).  Nothing is lost silently.
 *
 * Each event gets the next sequence number when it is queued, so seq
 * order is ring order.  A synchronous MMIO read is answered by a struct
 * pciem_response with the same seq, written to the fd with write(); the
 * faulting instruction is retried until the answer is there, for at most
 * pciem_read_timeout_ms, after which it reads all ones and read_timeouts is
 * counted.  An answer with a nonzero status also reads all ones (the
 * emulator's way to say "nothing there").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "pciem.h"

static unsigned int pciem_ring_wait_ms = 1000;
module_param(pciem_ring_wait_ms, uint, 0644);
MODULE_PARM_DESC(pciem_ring_wait_ms,
		 "How long a producer waits for room in a full event ring before the event is dropped and counted (ms)");

static unsigned int pciem_read_timeout_ms = 1000;
module_param(pciem_read_timeout_ms, uint, 0644);
MODULE_PARM_DESC(pciem_read_timeout_ms,
		 "How long a synchronous MMIO read waits for the emulator's answer before reading all ones (ms)");

/*
 * An emulator that stops answering (SIGSTOP, a debugger's breakpoint, an
 * overloaded machine) must not be able to hold CPUs that cannot sleep: a
 * hard-irq handler reading a traced register, a configuration access under
 * the PCI core's pci_lock (interrupts off), an MSI_ACK pushed from a
 * delivery.  Such a wait lasts at most pciem_atomic_wait_ms (and never more
 * than the wait it stands for); when one runs out the emulator is marked
 * stalled and later waits that cannot sleep give up at once (a read reads
 * all ones and counts a read timeout, an event is dropped and counted),
 * until the emulator next comes for events (poll() or write()).  So a
 * stopped emulator costs its driver one bounded wait, not one per access.
 */
static unsigned int pciem_atomic_wait_ms = 250;
module_param(pciem_atomic_wait_ms, uint, 0644);
MODULE_PARM_DESC(pciem_atomic_wait_ms,
		 "Longest wait for the emulator in a context that cannot sleep (ms); after one runs out, such waits give up at once until the emulator is heard from again");

#define RING_BYTES PAGE_ALIGN(sizeof(struct pciem_shared_ring))

static void kick_fn(void *info);
static void away_fn(struct work_struct *work);

/* Runs away_fn: high priority, so that it gets a busy CPU promptly. */
static struct workqueue_struct *pciem_away_wq;

/* Queued on a CPU spinning on top of its idle task: see occupy_this_cpu(). */
static DEFINE_PER_CPU(struct work_struct, occupy_work);

static void occupy_fn(struct work_struct *work)
{
	/* Nothing to do: being runnable while the CPU spun was the point. */
}

int pciem_events_module_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_WORK(per_cpu_ptr(&occupy_work, cpu), occupy_fn);
	pciem_away_wq = alloc_workqueue("pciem_away", WQ_HIGHPRI, 0);
	return pciem_away_wq ? 0 : -ENOMEM;
}

void pciem_events_module_exit(void)
{
	destroy_workqueue(pciem_away_wq);
}

static void free_masks(struct pciem_events *ev)
{
	free_cpumask_var(ev->spinning);
	free_cpumask_var(ev->mask_saved);
	free_cpumask_var(ev->mask_away);
}

int pciem_events_init(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;

	if (!zalloc_cpumask_var(&ev->spinning, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&ev->mask_saved, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&ev->mask_away, GFP_KERNEL))
		goto nomem;
	ev->ring = vmalloc_user(RING_BYTES);
	if (!ev->ring)
		goto nomem;
	ev->backlog = vmalloc(PCIEM_BACKLOG * sizeof(*ev->backlog));
	if (!ev->backlog)
		goto nomem;
	raw_spin_lock_init(&ev->lock);
	spin_lock_init(&ev->efd_lock);
	INIT_CSD(&ev->kick_csd, kick_fn, dev);
	ev->consumer_cpu = -1;
	INIT_WORK(&ev->away_work, away_fn);
	init_waitqueue_head(&ev->wq);
	ev->seq = 0;
	return 0;

nomem:
	vfree(ev->ring);
	ev->ring = NULL;
	free_masks(ev);
	return -ENOMEM;
}

/* The last reference is gone: nobody can push or kick any more. */
void pciem_events_destroy(struct pciem_device *dev)
{
	/* A wake-up sent to another CPU points into the device. */
	pciem_csd_wait(&dev->ev.kick_csd);
	if (dev->ev.efd)
		eventfd_ctx_put(dev->ev.efd);
	if (dev->ev.consumer)
		put_task_struct(dev->ev.consumer);
	vfree(dev->ev.backlog);
	vfree(dev->ev.ring);
	free_masks(&dev->ev);
}

/* Room for one more event in the ring?  Called with ev->lock held. */
static bool ring_has_room(struct pciem_events *ev)
{
	u32 tail = READ_ONCE(ev->ring->tail.counter);

	if (tail >= PCIEM_RING_SIZE)
		return false;	/* corrupted by the emulator: never overwrite */
	return (ev->head + 1) % PCIEM_RING_SIZE != tail;
}

static void ring_put(struct pciem_events *ev, const struct pciem_event *e)
{
	ev->ring->events[ev->head] = *e;
	ev->seq_at[ev->head] = e->seq;	/* the kernel's own copy, for ordering */
	ev->head = (ev->head + 1) % PCIEM_RING_SIZE;
	/* The event's contents are visible before the new head is. */
	smp_store_release(&ev->ring->head.counter, ev->head);
}

/* Move backlogged events into the ring while it has room; true if any moved. */
static bool refill(struct pciem_events *ev)
{
	bool moved = false;

	while (ev->bl_count && ring_has_room(ev)) {
		ring_put(ev, &ev->backlog[ev->bl_first]);
		ev->bl_first = (ev->bl_first + 1) % PCIEM_BACKLOG;
		ev->bl_count--;
		moved = true;
	}
	return moved;
}

bool pciem_events_pending(struct pciem_device *dev)
{
	return READ_ONCE(dev->ev.ring->tail.counter) != READ_ONCE(dev->ev.head) ||
	       READ_ONCE(dev->ev.bl_count);
}

static void notify(struct pciem_device *dev);

static void kick_fn(void *info)
{
	notify(info);
}

/*
 * Wake the emulator from another CPU.  A context that will spin until the
 * emulator answers must not wake it locally: the scheduler would queue it
 * right here (this CPU may look idle, or be the one the emulator was just
 * interrupted on) and it could not run until the spinning stopped.
 */
static void kick_remote(struct pciem_device *dev)
{
	int this = raw_smp_processor_id();
	int cpu = cpumask_any_but(cpu_online_mask, this);

	if (cpu >= nr_cpu_ids || smp_call_function_single_async(cpu, &dev->ev.kick_csd))
		notify(dev);	/* one CPU (nothing better), or a kick is on its way */
}

/*
 * The emulator is consuming events (poll, write): note where it runs, for
 * pciem_emulator_cpu(), and which task it is, for pciem_emulator_is_current()
 * and wake_away().
 */
void pciem_events_seen(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;
	struct task_struct *old;
	unsigned long flags;

	WRITE_ONCE(ev->consumer_cpu, raw_smp_processor_id());
	if (READ_ONCE(ev->stalled))
		WRITE_ONCE(ev->stalled, false);	/* heard from again */
	if (READ_ONCE(ev->consumer) == current)
		return;
	get_task_struct(current);
	raw_spin_lock_irqsave(&ev->lock, flags);
	old = ev->consumer;
	WRITE_ONCE(ev->consumer, current);
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	if (old)
		put_task_struct(old);
}

/* Is the task running here the one that consumes our events? */
bool pciem_emulator_is_current(struct pciem_device *dev)
{
	return READ_ONCE(dev->ev.consumer) == current;
}

/*
 * A CPU that spins until the emulator answers (interrupts or preemption
 * off: a hard-irq handler, a driver holding a spinlock, the PCI core's
 * config lock) cannot run the emulator, yet the scheduler may put it right
 * there.  A CPU spinning in an interrupt on top of its idle task looks idle:
 * the wake-up path prefers it, and queues the woken task on its wake list,
 * which only that CPU can empty, with interrupts on.  A task the spinning
 * code preempted stays queued where it was.  Either way the emulator would
 * wait behind the spin for the whole read timeout.
 *
 * So such a spinner does not wake the emulator itself.  It marks its CPU in
 * ev->spinning and has away_fn, on another CPU, narrow the emulator's CPU
 * mask to exclude the marked CPUs (which also migrates it, if it is queued
 * on one), wake it, and put the mask back: the emulator is then running or
 * queued elsewhere, and restoring the mask does not move it again.  A mask
 * that allows no other CPU is left alone.  The mask is narrowed only for
 * that moment; a concurrent change of the emulator's affinity by anyone else
 * is detected and kept.
 */

/*
 * A CPU spinning on top of its idle task looks idle to every wake-up of the
 * emulator, not only to ours: another thread of the emulator's process, a
 * timer, anything may choose it, and a task put on its wake list there
 * stays TASK_WAKING, out of away_fn's reach, until the spin ends.  So the
 * spinner first makes a kworker bound to its CPU runnable: with a task
 * queued, the CPU is no longer idle to the wake-up path, which picks
 * another CPU, or at worst queues the emulator here directly, where
 * check_queued_here() sees it and away_fn can move it.  The kworker runs,
 * doing nothing, once the spin is over.  (pciem_irq_test run 40 times in a
 * row: a hard-irq read timed out with the emulator TASK_WAKING on the
 * reader's CPU in about one run in five before this and deliver_csd() in
 * irq.c, in none of 80 after.)
 */
static void occupy_this_cpu(void)
{
	queue_work_on(raw_smp_processor_id(), pciem_away_wq, this_cpu_ptr(&occupy_work));
}

/*
 * ev->lock held.  Have away_fn wake the emulator, away from this CPU.  False
 * when no other CPU could run the emulator (then nothing is asked).
 */
static bool wake_away(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;
	int this = raw_smp_processor_id();
	int cpu;

	if (cpumask_test_cpu(this, ev->spinning))
		return true;	/* asked already */
	for_each_online_cpu(cpu)
		if (cpu != this && !cpumask_test_cpu(cpu, ev->spinning))
			break;
	if (cpu >= nr_cpu_ids)
		return false;
	cpumask_set_cpu(this, ev->spinning);
	pciem_device_get(dev);	/* for away_fn; the caller holds one too */
	if (!queue_work_on(cpu, pciem_away_wq, &ev->away_work))
		pciem_device_put(dev);	/* queued already: it will see our CPU */
	return true;
}

/*
 * ev->lock held, on each turn of a spinning wait: is the emulator queued
 * behind us, where it cannot run until we stop?
 */
static void check_queued_here(struct pciem_device *dev)
{
	struct task_struct *p = dev->ev.consumer;

	if (p && p != current && task_cpu(p) == raw_smp_processor_id() &&
	    READ_ONCE(p->on_rq) && !READ_ONCE(p->on_cpu))
		wake_away(dev);
}

static void away_fn(struct work_struct *work)
{
	struct pciem_events *ev = container_of(work, struct pciem_events, away_work);
	struct pciem_device *dev = container_of(ev, struct pciem_device, ev);
	struct task_struct *p;
	unsigned long flags;
	bool narrowed = false;

	raw_spin_lock_irqsave(&ev->lock, flags);
	p = ev->consumer;
	if (p)
		get_task_struct(p);
	cpumask_copy(ev->mask_saved, p ? &p->cpus_mask : cpu_possible_mask);
	cpumask_andnot(ev->mask_away, ev->mask_saved, ev->spinning);
	cpumask_clear(ev->spinning);
	raw_spin_unlock_irqrestore(&ev->lock, flags);

	/*
	 * A task already on its way to a spinning CPU's wake list cannot be
	 * moved until that CPU takes it; don't wait for that here.
	 */
	if (p && READ_ONCE(p->__state) != TASK_WAKING &&
	    !cpumask_equal(ev->mask_away, ev->mask_saved) &&
	    cpumask_intersects(ev->mask_away, cpu_active_mask))
		narrowed = !set_cpus_allowed_ptr(p, ev->mask_away);
	notify(dev);
	if (narrowed && cpumask_equal(&p->cpus_mask, ev->mask_away))
		set_cpus_allowed_ptr(p, ev->mask_saved);
	if (p)
		put_task_struct(p);
	pciem_device_put(dev);
}

int pciem_emulator_cpu(struct pciem_device *dev)
{
	return READ_ONCE(dev->ev.consumer_cpu);
}

static void notify(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;
	unsigned long flags;

	wake_up_interruptible_poll(&ev->wq, EPOLLIN | EPOLLRDNORM);
	spin_lock_irqsave(&ev->efd_lock, flags);
	if (ev->efd)
		pciem_eventfd_signal(ev->efd);
	spin_unlock_irqrestore(&ev->efd_lock, flags);
}

/* How long a wait may last: @ms, or less when it cannot sleep. */
static ktime_t wait_deadline(unsigned int ms, bool atomic)
{
	if (atomic)
		ms = min(ms, READ_ONCE(pciem_atomic_wait_ms));
	return ktime_add_ms(ktime_get(), ms);
}

/* A wait that cannot sleep ran out: the next ones give up at once. */
static void mark_stalled(struct pciem_device *dev)
{
	if (READ_ONCE(dev->ev.stalled))
		return;
	WRITE_ONCE(dev->ev.stalled, true);
	pr_warn_ratelimited("the emulator has not answered for %u ms; waits that cannot sleep give up at once until it is heard from again\n",
			    READ_ONCE(pciem_atomic_wait_ms));
}

/* Should a wait that cannot sleep not even start? */
static bool stalled(struct pciem_device *dev)
{
	return READ_ONCE(dev->ev.stalled) || READ_ONCE(dev->dead);
}

/*
 * Queue one event without waiting: into the ring, or behind what is already
 * backlogged.  Returns its seq, or 0 when ring and backlog are both full.
 * @wait: a pending-answer slot that gets the seq atomically with the queueing,
 * so that an answer can never arrive before it is expected.
 */
static u64 try_push(struct pciem_device *dev, u32 type, u32 bar, u64 offset, u32 size,
		    u64 data, struct pciem_pending *wait, bool spinning)
{
	struct pciem_events *ev = &dev->ev;
	struct pciem_event e = {
		.type = type, .bar = bar, .offset = offset, .size = size, .data = data,
	};
	unsigned long flags;
	bool away;

	if (!ev->ring)
		return 0;
	raw_spin_lock_irqsave(&ev->lock, flags);
	refill(ev);
	if (ev->bl_count == PCIEM_BACKLOG) {
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		return 0;
	}
	e.seq = ++ev->seq;
	if (wait)
		wait->seq = e.seq;
	if (type == PCIEM_EVENT_MMIO_WRITE)
		WRITE_ONCE(ev->last_write_seq, e.seq);
	e.timestamp = ktime_get_ns();
	if (!ev->bl_count && ring_has_room(ev)) {
		ring_put(ev, &e);
	} else {
		ev->backlog[(ev->bl_first + ev->bl_count) % PCIEM_BACKLOG] = e;
		ev->bl_count++;
	}
	/*
	 * Spinning on top of the idle task, this CPU looks idle: a wake-up
	 * from anywhere could choose it.  Elsewhere a plain remote kick does.
	 */
	away = false;
	if (spinning && is_idle_task(current)) {
		occupy_this_cpu();
		away = wake_away(dev);
	}
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	if (away)
		return e.seq;
	if (spinning)
		kick_remote(dev);
	else
		notify(dev);
	return e.seq;
}

static void count_drop(struct pciem_device *dev)
{
	atomic64_inc(&dev->ev.dropped);
	pr_warn_ratelimited("event ring and backlog full, event dropped (%lld so far)\n",
			    (long long)atomic64_read(&dev->ev.dropped));
}

/*
 * Queue one event, waiting for room when ring and backlog are full: by
 * spinning when @atomic, else by sleeping; at most pciem_ring_wait_ms, then
 * the event is dropped and counted.  Returns its seq, or 0 if dropped.
 */
u64 pciem_event_push(struct pciem_device *dev, u32 type, u32 bar, u64 offset, u32 size,
		     u64 data, bool atomic)
{
	ktime_t deadline = 0;
	u64 seq;

	for (;;) {
		seq = try_push(dev, type, bar, offset, size, data, NULL, false);
		if (seq)
			return seq;
		if (atomic && stalled(dev)) {
			count_drop(dev);
			return 0;
		}
		if (!deadline)
			deadline = wait_deadline(pciem_ring_wait_ms, atomic);
		if (ktime_after(ktime_get(), deadline) || READ_ONCE(dev->dead)) {
			if (atomic)
				mark_stalled(dev);
			count_drop(dev);
			return 0;
		}
		if (atomic)
			udelay(2);
		else
			usleep_range(20, 50);
	}
}

/*
 * The same for an MMIO write, which waits by retrying its instruction:
 * 0 when queued or finally dropped (carry on), -EAGAIN when the caller should
 * retry the instruction later.  The wait is measured from when the device's
 * ring and backlog were first found full.
 */
/* Ring and backlog are full: has the MMIO producer waited long enough? */
static bool full_wait_over(struct pciem_device *dev)
{
	ktime_t since = READ_ONCE(dev->ev.full_since);

	if (!since) {
		WRITE_ONCE(dev->ev.full_since, ktime_get());
		return false;
	}
	if (READ_ONCE(dev->dead) ||
	    ktime_after(ktime_get(), ktime_add_ms(since, pciem_ring_wait_ms))) {
		count_drop(dev);
		return true;
	}
	return false;
}

int pciem_event_push_mmio(struct pciem_device *dev, u32 bar, u64 offset, u32 size, u64 data)
{
	if (try_push(dev, PCIEM_EVENT_MMIO_WRITE, bar, offset, size, data, NULL, false)) {
		WRITE_ONCE(dev->ev.full_since, 0);
		return 0;
	}
	return full_wait_over(dev) ? 0 : -EAGAIN;
}

/* ---- ordering ------------------------------------------------------------- */

/* Has the emulator finished with every event up to @seq?  ev->lock held. */
static bool done_up_to(struct pciem_events *ev, u64 seq)
{
	u32 tail = READ_ONCE(ev->ring->tail.counter);

	refill(ev);
	if (tail >= PCIEM_RING_SIZE)
		return true;	/* corrupted ring: nothing to wait for */
	if (tail != ev->head)
		return ev->seq_at[tail] > seq;
	return !ev->bl_count || ev->backlog[ev->bl_first].seq > seq;
}

/*
 * PCI ordering: a configuration access does not pass the MMIO writes the
 * driver posted before it.  So before one is served, wait (at most
 * pciem_read_timeout_ms, as for a read) until the emulator has finished with
 * every MMIO_WRITE event queued so far — libpciem's dispatcher takes an event off the ring only
 * after its handler ran.  Not from the emulator's own thread, which would
 * wait for itself.
 */
void pciem_events_order_writes(struct pciem_device *dev)
{
	struct pciem_events *ev = &dev->ev;
	u64 target = READ_ONCE(ev->last_write_seq);
	unsigned long flags;
	ktime_t deadline;
	bool done;

	if (target <= READ_ONCE(ev->ordered_seq) || pciem_emulator_is_current(dev))
		return;
	/* Configuration accessors run under pci_lock: this wait cannot sleep. */
	deadline = wait_deadline(pciem_read_timeout_ms, true);
	for (;;) {
		raw_spin_lock_irqsave(&ev->lock, flags);
		done = done_up_to(ev, target);
		if (!done)
			check_queued_here(dev);
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		if (done || stalled(dev))
			break;
		if (ktime_after(ktime_get(), deadline)) {
			mark_stalled(dev);
			break;
		}
		udelay(2);
	}
	if (done)
		WRITE_ONCE(ev->ordered_seq, target);
}

/* ---- synchronous reads --------------------------------------------------- */

static void count_timeout(struct pciem_device *dev, u32 bar, u64 offset)
{
	atomic64_inc(&dev->ev.read_timeouts);
	pr_warn_ratelimited("no answer to a read of BAR %u + %#llx, it reads all ones (%lld so far; cpu %d, emulator cpu %d, %s)\n",
			    bar, offset, (long long)atomic64_read(&dev->ev.read_timeouts),
			    raw_smp_processor_id(), READ_ONCE(dev->ev.consumer_cpu),
			    in_hardirq() ? "hardirq" : in_serving_softirq() ? "softirq" :
			    is_idle_task(current) ? "idle" : current->comm);
}

/*
 * One step of a synchronous read, called each time the reading instruction
 * faults.  The first step asks the emulator (an MMIO_READ event); later steps
 * find the answer.  Returns 0 with *val set when the read is complete
 * (answered, or timed out/refused: all ones), -EAGAIN when the instruction
 * should be retried.  A read is identified by the task, its context
 * (process, softirq, hardirq, NMI), the instruction and the address, so an
 * interrupt handler's read never takes the interrupted code's answer.
 */
int pciem_sync_read_step(struct pciem_device *dev, u32 bar, u64 offset, u32 size,
			 unsigned long ip, unsigned long addr, bool spinning, u64 *val)
{
	struct pciem_events *ev = &dev->ev;
	unsigned int ctx = preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK);
	struct pciem_pending *p = NULL, *free = NULL;
	unsigned long flags;
	bool give_up;
	int i;

	*val = ~0ULL;
	/*
	 * Nobody can answer a read made by the emulator's own event thread (a
	 * P2P read of its own traced BAR, say), and a process being killed
	 * must not wait for answers (one P2P read of 16 KiB is 4096 of them).
	 */
	give_up = !spinning && (pciem_emulator_is_current(dev) || fatal_signal_pending(current));
	/* ...nor one to a function whose emulator has gone or is stalled. */
	give_up = give_up || READ_ONCE(dev->dead) || (spinning && READ_ONCE(ev->stalled));
	raw_spin_lock_irqsave(&ev->lock, flags);
	for (i = 0; i < ARRAY_SIZE(ev->pending); i++) {
		struct pciem_pending *q = &ev->pending[i];

		if (!q->busy) {
			if (!free)
				free = q;
			continue;
		}
		if (q->task == current && q->ctx == ctx && q->ip == ip && q->addr == addr) {
			p = q;
			break;
		}
	}
	if (p) {
		/* Pairs with the release in pciem_events_write(). */
		if (smp_load_acquire(&p->done)) {
			/* A nonzero status is the emulator's "no data": all ones. */
			*val = p->status ? ~0ULL : p->data;
			p->busy = false;
			raw_spin_unlock_irqrestore(&ev->lock, flags);
			return 0;
		}
		if (give_up || ktime_after(ktime_get(), p->deadline)) {
			p->busy = false;
			raw_spin_unlock_irqrestore(&ev->lock, flags);
			/* An emulator that has gone is not stalled. */
			if (spinning && !READ_ONCE(dev->dead))
				mark_stalled(dev);
			count_timeout(dev, bar, offset);
			return 0;
		}
		if (spinning)
			check_queued_here(dev);
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		return -EAGAIN;
	}
	if (!free || give_up) {
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		count_timeout(dev, bar, offset);
		return 0;
	}
	free->busy = true;
	free->done = false;
	free->seq = 0;
	free->task = current;
	free->ctx = ctx;
	free->ip = ip;
	free->addr = addr;
	free->deadline = wait_deadline(pciem_read_timeout_ms, spinning);
	raw_spin_unlock_irqrestore(&ev->lock, flags);

	if (try_push(dev, PCIEM_EVENT_MMIO_READ, bar, offset, size, 0, free, spinning)) {
		WRITE_ONCE(ev->full_since, 0);
		return -EAGAIN;
	}
	/* Ring and backlog full: give the slot back and try again later. */
	raw_spin_lock_irqsave(&ev->lock, flags);
	free->busy = false;
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	if (!full_wait_over(dev))
		return -EAGAIN;
	count_timeout(dev, bar, offset);
	return 0;
}

/* The emulator came for events: hand it what the backlog holds. */
static void refill_now(struct pciem_device *dev)
{
	unsigned long flags;
	bool moved;

	raw_spin_lock_irqsave(&dev->ev.lock, flags);
	moved = refill(&dev->ev);
	raw_spin_unlock_irqrestore(&dev->ev.lock, flags);
	if (moved)
		notify(dev);
}

/* write(): one or more struct pciem_response. */
ssize_t pciem_events_write(struct pciem_device *dev, const char __user *buf, size_t count)
{
	struct pciem_events *ev = &dev->ev;
	struct pciem_response r;
	size_t done = 0;

	if (!count || count % sizeof(r))
		return -EINVAL;
	pciem_events_seen(dev);
	refill_now(dev);
	while (done < count) {
		unsigned long flags;
		bool matched = false;
		int i;

		if (copy_from_user(&r, buf + done, sizeof(r)))
			return done ? done : -EFAULT;
		if (r.reserved)
			return done ? done : -EINVAL;
		raw_spin_lock_irqsave(&ev->lock, flags);
		for (i = 0; i < ARRAY_SIZE(ev->pending); i++) {
			struct pciem_pending *p = &ev->pending[i];

			if (p->busy && !p->done && p->seq == r.seq) {
				p->data = r.data;
				p->status = r.status;
				/* The answer is visible before "done" is. */
				smp_store_release(&p->done, true);
				matched = true;
				break;
			}
		}
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		if (!matched)
			return done ? done : -ENOENT;
		done += sizeof(r);
	}
	return done;
}

__poll_t pciem_events_poll(struct pciem_device *dev, struct file *file, poll_table *wait)
{
	poll_wait(file, &dev->ev.wq, wait);
	pciem_events_seen(dev);
	refill_now(dev);
	if (READ_ONCE(dev->dead))
		return EPOLLHUP | EPOLLERR;
	if (pciem_events_pending(dev))
		return EPOLLIN | EPOLLRDNORM;
	/* Removed by the PCI core: hang up once PCIEM_EVENT_REMOVED is taken. */
	return READ_ONCE(dev->removed) ? EPOLLHUP : 0;
}

/*
 * Queue an event nobody waits for, without waiting for room: the callers
 * below run in the PCI and driver cores with their locks held.  A drop is
 * counted; the emulator is woken either way.
 */
static void push_unwaited(struct pciem_device *dev, u32 type, u64 data)
{
	if (!try_push(dev, type, 0, 0, 0, data, NULL, false))
		count_drop(dev);
	notify(dev);
}

/*
 * The PCI core removed the function (bus.c): tell the emulator (the remover
 * holds the PCI core's rescan lock).  poll() reports EPOLLHUP once the ring
 * is empty, so an emulator hears of it even if the event itself could not
 * be queued.
 */
void pciem_events_removed(struct pciem_device *dev)
{
	push_unwaited(dev, PCIEM_EVENT_REMOVED, 0);
}

/*
 * A driver bound to the function (@bound) or left it, or the first probe
 * after START found none.  Sent from the driver core's notifier, with the
 * device locked.
 */
void pciem_events_driver(struct pciem_device *dev, bool bound)
{
	push_unwaited(dev, PCIEM_EVENT_DRIVER, bound);
}

int pciem_events_set_eventfd(struct pciem_device *dev, int fd)
{
	struct eventfd_ctx *ctx = NULL, *old;
	unsigned long flags;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EBADF;
	}
	spin_lock_irqsave(&dev->ev.efd_lock, flags);
	old = dev->ev.efd;
	dev->ev.efd = ctx;
	spin_unlock_irqrestore(&dev->ev.efd_lock, flags);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static void ring_vma_open(struct vm_area_struct *vma)
{
	pciem_device_get(vma->vm_private_data);
}

static void ring_vma_close(struct vm_area_struct *vma)
{
	pciem_device_put(vma->vm_private_data);
}

static const struct vm_operations_struct ring_vm_ops = {
	.open = ring_vma_open,
	.close = ring_vma_close,
};

/* mmap() of the /dev/pciem fd: the ring, at offset 0, shared. */
int pciem_events_mmap(struct pciem_device *dev, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	int ret;

	if (vma->vm_pgoff != 0 || len > RING_BYTES)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	ret = remap_vmalloc_range(vma, dev->ev.ring, 0);
	if (ret)
		return ret;
	vma->vm_ops = &ring_vm_ops;
	vma->vm_private_data = dev;
	pciem_device_get(dev);
	return 0;
}
