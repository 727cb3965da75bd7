// SPDX-License-Identifier: GPL-2.0-only
/*
 * trap.c - MMIO trapping for traced BARs.
 *
 * A driver reaches a BAR through a kernel mapping it made with ioremap()
 * (or ioremap_wc(), pci_iomap(), memremap(), devm_*: all of them end in
 * ioremap_page_range()).  For a BAR that is traced, pciem makes that
 * mapping trap from the moment it is created: a kprobe on
 * ioremap_page_range() rewrites the page protection it is called with, so
 * the PTEs are born non-present (reads traced: every access faults) or
 * read-only (only writes traced: reads run at memory speed).  No TLB ever
 * holds a usable translation, and the PTEs stay that way for the mapping's
 * whole life, so every access from every CPU faults: nothing can slip past
 * while another CPU is being serviced, as it can with kmmio's disarm and
 * single-step.
 *
 * The fault reaches fixup_exception() (no exception table entry covers a
 * driver's MMIO instruction), where a second kprobe takes it: it decodes the
 * faulting instruction (core/mmio_insn.c), performs the access on the BAR's
 * memory through pciem's own mapping and/or reports it to the emulator as
 * an MMIO_WRITE / MMIO_READ event, writes a load's result into the
 * destination register, steps RIP over the instruction and makes
 * fixup_exception() return "handled".  A traced read does not wait inside
 * the fault: it asks the emulator and leaves RIP where it is, so the
 * instruction faults again — with interrupts taken in between and, where
 * the driver was preemptible, the scheduler free to run the emulator on
 * that very CPU — until the answer is there or pciem_read_timeout_ms has
 * passed.
 * A third kprobe, on iounmap(), forgets the mapping.
 *
 * The MSI-X table and PBA are the function's own business: accesses to them
 * are served from the BAR's memory and never reported, even in a traced BAR.
 *
 * Before acting, the fault path checks that the faulting address is still
 * mapped to the BAR page it expects, so a mapping torn down behind our back
 * can never turn an unrelated fault into a fake device access.
 *
 * A mapping that ioremap would build from 2 MiB or 1 GiB pages (BAR and
 * virtual address both aligned, mapping at least that large) is built from
 * 4 KiB pages instead: a huge entry cannot be made to trap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/kprobes.h>
#include <linux/magic.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rculist.h>
#include <linux/sched/rt.h>
#include <linux/sched/task_stack.h>	/* current_pt_regs() */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_core.h>
#include <asm/pgtable.h>
#include <asm/ptrace.h>
#include <asm/trapnr.h>

#include "pciem.h"
#include "mmio_insn.h"

/* A traced BAR: where its memory is and what is traced. */
struct trap_bar {
	struct list_head node;
	struct rcu_head rcu;
	struct pciem_device *dev;	/* holds a reference */
	unsigned int bar;
	phys_addr_t phys;
	u64 size;			/* the pool allocation: whole pages */
	u32 flags;			/* PCIEM_TRACE_* */
	/* MSI-X table and PBA in this BAR: served by pciem, never the emulator. */
	u64 msix_start[2], msix_end[2];
};

static bool in_msix(const struct trap_bar *tb, u64 off, unsigned int width)
{
	int i;

	for (i = 0; i < 2; i++)
		if (off < tb->msix_end[i] && off + width > tb->msix_start[i])
			return true;
	return false;
}

/* A driver's mapping of (part of) a traced BAR. */
struct trap_map {
	struct list_head node;
	struct rcu_head rcu;
	unsigned long va, end;		/* page-aligned virtual range */
	phys_addr_t phys;		/* physical address of va */
	struct trap_bar *tb;		/* the BAR it lies in (RCU) */
};

static LIST_HEAD(trap_bars);
static LIST_HEAD(trap_maps);
static DEFINE_RAW_SPINLOCK(trap_lock);	/* writers of both lists */
static bool hooks_ready;
static atomic64_t trap_faults;

static struct trap_bar *find_bar(phys_addr_t phys, u64 len)
{
	struct trap_bar *tb;

	list_for_each_entry_rcu(tb, &trap_bars, node)
		if (phys >= tb->phys && phys + len <= tb->phys + tb->size)
			return tb;
	return NULL;
}

/* Does [phys, phys + len) touch a traced BAR?  (rcu_read_lock held) */
static bool overlaps_traced(phys_addr_t phys, u64 len)
{
	struct trap_bar *tb;

	list_for_each_entry_rcu(tb, &trap_bars, node)
		if (phys < tb->phys + tb->size && tb->phys < phys + len)
			return true;
	return false;
}

static struct trap_map *find_map(unsigned long va)
{
	struct trap_map *m;

	list_for_each_entry_rcu(m, &trap_maps, node)
		if (va >= m->va && va < m->end)
			return m;
	return NULL;
}

/* ---- creating and removing mappings --------------------------------------- */

/*
 * A huge entry (2 MiB, 1 GiB) cannot be made to trap page by page, and
 * ioremap makes one wherever a mapping covers a whole aligned block.  It
 * tries pmd_set_huge()/pud_set_huge() first and falls back to 4 KiB PTEs
 * when they return 0: for a block of a traced BAR they do, always (so
 * the fallback PTEs carry the trapping protection ioremap_pre() set).  The
 * same on 6.1 and 6.12, where ioremap_page_range() can no longer be called
 * on part of its area to the same end.
 */
static noinline int no_huge_entry(void)
{
	return 0;
}

/* pmd_set_huge(pmd, phys, prot) / pud_set_huge(pud, phys, prot) */
static int set_huge_pre(struct kprobe *kp, struct pt_regs *regs, u64 size)
{
	phys_addr_t phys = regs->si;
	bool traced;

	rcu_read_lock();
	traced = overlaps_traced(phys, size);
	rcu_read_unlock();
	if (!traced)
		return 0;
	regs->ip = (unsigned long)no_huge_entry;
	return 1;
}

static int pmd_set_huge_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return set_huge_pre(kp, regs, PMD_SIZE);
}

static int pud_set_huge_pre(struct kprobe *kp, struct pt_regs *regs)
{
	return set_huge_pre(kp, regs, PUD_SIZE);
}

/*
 * ioremap_page_range(addr, end, phys_addr, prot): a mapping is being
 * created.  If it lies inside a traced BAR, remember it and hand the caller a
 * protection that traps.
 */
static int ioremap_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long addr = regs->di, end = regs->si;
	phys_addr_t phys = regs->dx;
	struct trap_bar *tb;
	struct trap_map *m;
	unsigned long flags;
	pgprotval_t prot;

	if (end <= addr)
		return 0;
	rcu_read_lock();
	tb = find_bar(phys, end - addr);
	if (!tb) {
		rcu_read_unlock();
		return 0;
	}
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m) {
		rcu_read_unlock();
		pr_err_ratelimited("no memory to trap a mapping of BAR %u\n", tb->bar);
		return 0;
	}
	m->va = addr;
	m->end = end;
	m->phys = phys;
	m->tb = tb;

	prot = regs->cx;
	/*
	 * Not present: every access faults.  PROTNONE (the bit _PAGE_GLOBAL
	 * shares) keeps such a PTE "present" to the kernel's own page table
	 * code, as it is when ioremap's protection has _PAGE_GLOBAL: under
	 * PTI it has not, and iounmap would warn about each page.
	 */
	if (tb->flags & PCIEM_TRACE_READS)
		prot = (prot & ~_PAGE_PRESENT) | _PAGE_PROTNONE;	/* reads and writes fault */
	else
		prot &= ~_PAGE_RW;	/* writes fault */
	regs->cx = prot;
	rcu_read_unlock();

	raw_spin_lock_irqsave(&trap_lock, flags);
	list_add_rcu(&m->node, &trap_maps);
	raw_spin_unlock_irqrestore(&trap_lock, flags);
	return 0;
}

/* iounmap(addr): forget the mapping before its PTEs go. */
static int iounmap_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long va = regs->di & PAGE_MASK;
	struct trap_map *m, *found = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&trap_lock, flags);
	list_for_each_entry(m, &trap_maps, node) {
		if (m->va == va) {
			list_del_rcu(&m->node);
			found = m;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&trap_lock, flags);
	if (found)
		kfree_rcu(found, rcu);
	return 0;
}

/* ---- emulating one access -------------------------------------------------- */

static unsigned long *reg_ptr(struct pt_regs *regs, unsigned int n)
{
	switch (n) {
	case MMIO_REG_RAX: return &regs->ax;
	case MMIO_REG_RCX: return &regs->cx;
	case MMIO_REG_RDX: return &regs->dx;
	case MMIO_REG_RBX: return &regs->bx;
	case MMIO_REG_RSP: return &regs->sp;
	case MMIO_REG_RBP: return &regs->bp;
	case MMIO_REG_RSI: return &regs->si;
	case MMIO_REG_RDI: return &regs->di;
	case MMIO_REG_R8: return &regs->r8;
	case MMIO_REG_R9: return &regs->r9;
	case MMIO_REG_R10: return &regs->r10;
	case MMIO_REG_R11: return &regs->r11;
	case MMIO_REG_R12: return &regs->r12;
	case MMIO_REG_R13: return &regs->r13;
	case MMIO_REG_R14: return &regs->r14;
	default: return &regs->r15;
	}
}

static u64 mem_read(void __iomem *p, unsigned int width)
{
	switch (width) {
	case 1:
		return readb(p);
	case 2:
		return readw(p);
	case 4:
		return readl(p);
	default:
		return readq(p);
	}
}

static void mem_write(void __iomem *p, unsigned int width, u64 v)
{
	switch (width) {
	case 1:
		writeb(v, p);
		break;
	case 2:
		writew(v, p);
		break;
	case 4:
		writel(v, p);
		break;
	default:
		writeq(v, p);
		break;
	}
}

/*
 * A read of the BAR at @off: from the emulator when reads are traced (then
 * -EAGAIN until its answer is there: the instruction is retried), else from
 * memory.  @ip and @va identify the reading instruction.
 */
static int bar_read(struct trap_bar *tb, u64 off, unsigned int width, struct pt_regs *regs,
		    unsigned long va, u64 *v)
{
	struct pciem_device *dev = tb->dev;
	int ret;

	if ((tb->flags & PCIEM_TRACE_READS) && !in_msix(tb, off, width)) {
		/*
		 * A context nobody can preempt will spin until the answer
		 * comes; so does a real-time task (a threaded interrupt
		 * handler), which the emulator cannot preempt either.
		 */
		bool spinning = !(regs->flags & X86_EFLAGS_IF) ||
				(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK)) ||
				rt_task(current);

		ret = pciem_sync_read_step(dev, tb->bar, off, width, regs->ip, va, spinning, v);
		if (ret)
			return ret;
		if (width < 8)
			*v &= (1ULL << (width * 8)) - 1;
		return 0;
	}
	*v = mem_read(dev->bars[tb->bar].kva + off, width);
	return 0;
}

/*
 * A write to the BAR at @off: into its memory first (unless STOP_WRITES), then
 * reported: to the eventfd bound to that register (ioeventfd.c), else as an
 * event.  -EAGAIN when the event could not be queued yet: the instruction
 * is retried, which repeats the (idempotent) memory write and queues the
 * event once.
 */
static int bar_write(struct trap_bar *tb, u64 off, unsigned int width, u64 v)
{
	struct pciem_device *dev = tb->dev;

	if (in_msix(tb, off, width)) {
		mem_write(dev->bars[tb->bar].kva + off, width, v);
		return 0;
	}
	if (!(tb->flags & PCIEM_TRACE_STOP_WRITES))
		mem_write(dev->bars[tb->bar].kva + off, width, v);
	if (!(tb->flags & PCIEM_TRACE_WRITES))
		return 0;
	if (pciem_ioeventfd_signal(dev, tb->bar, off, width, v))
		return 0;
	return pciem_event_push_mmio(dev, tb->bar, off, width, v);
}

/*
 * The BAR behind a virtual address of a trapped mapping, checked against the
 * live page table: NULL unless va still maps the page the mapping says.
 */
static struct trap_bar *resolve(unsigned long va, unsigned int width, u64 *off)
{
	struct trap_map *m = find_map(va);
	unsigned int level;
	phys_addr_t phys;
	pte_t *pte;

	if (!m)
		return NULL;
	phys = m->phys + (va - m->va);
	pte = lookup_address(va, &level);
	if (!pte || level != PG_LEVEL_4K || pte_pfn(*pte) != PHYS_PFN(phys))
		return NULL;
	if (va + width > m->end || phys + width > m->tb->phys + m->tb->size)
		return NULL;
	*off = phys - m->tb->phys;
	return m->tb;
}

/* copy_to_kernel_nofault() is not exported; the same, one element wide. */
static int kernel_write_nofault(unsigned long va, unsigned int width, u64 v)
{
	u8 v1 = v;
	u16 v2 = v;
	u32 v4 = v;

	switch (width) {
	case 1:
		__put_kernel_nofault((void *)va, &v1, u8, fault);
		break;
	case 2:
		__put_kernel_nofault((void *)va, &v2, u16, fault);
		break;
	case 4:
		__put_kernel_nofault((void *)va, &v4, u32, fault);
		break;
	default:
		__put_kernel_nofault((void *)va, &v, u64, fault);
		break;
	}
	return 0;
fault:
	return -EFAULT;
}

/*
 * Where the faulting instruction runs: kernel addresses (trapped through
 * trap_maps) or a user process's VFIO mapping of a BAR (@vma).
 */
struct access_space {
	struct vm_area_struct *vma;	/* NULL: the kernel */
};

static struct trap_bar *resolve_user(struct vm_area_struct *vma, unsigned long va,
				     unsigned int width, u64 *off);

static struct trap_bar *space_resolve(const struct access_space *sp, unsigned long va,
				      unsigned int width, u64 *off)
{
	return sp->vma ? resolve_user(sp->vma, va, width, off) : resolve(va, width, off);
}

/* The other end of a MOVS/STOS: ordinary memory of the same space. */
static int plain_read(const struct access_space *sp, unsigned long va, unsigned int width,
		      u64 *v)
{
	*v = 0;
	if (sp->vma)
		return copy_from_user_nofault(v, (void __user *)va, width) ? -EFAULT : 0;
	return copy_from_kernel_nofault(v, (void *)va, width) ? -EFAULT : 0;
}

static int plain_write(const struct access_space *sp, unsigned long va, unsigned int width,
		       u64 v)
{
	if (sp->vma)
		return copy_to_user_nofault((void __user *)va, &v, width) ? -EFAULT : 0;
	return kernel_write_nofault(va, width, v);
}

/* One element of a MOVS/STOS, at either end trapped or plain memory. */
static int element_read(struct pt_regs *regs, const struct access_space *sp, unsigned long va,
			unsigned int width, u64 *v)
{
	struct trap_bar *tb;
	u64 off;

	tb = space_resolve(sp, va, width, &off);
	if (tb)
		return bar_read(tb, off, width, regs, va, v);
	return plain_read(sp, va, width, v);
}

/*
 * The write half of an element whose read half may already have consumed
 * an answer: it cannot be retried without asking again, so an event that
 * finds ring and backlog full for pciem_ring_wait_ms is dropped and counted.
 */
static int element_write(const struct access_space *sp, unsigned long va, unsigned int width,
			 u64 v)
{
	struct trap_bar *tb;
	u64 off;
	int ret;

	tb = space_resolve(sp, va, width, &off);
	if (!tb)
		return plain_write(sp, va, width, v);
	while ((ret = bar_write(tb, off, width, v)) == -EAGAIN)
		udelay(1);
	return ret;
}

/*
 * MOVS/STOS, element by element from where the registers say the
 * instruction is.  An element whose read must wait ends this round with the
 * registers showing the progress so far; the instruction is then retried,
 * as the CPU itself may interrupt a REP string instruction between
 * elements.  Returns 0 when the whole instruction is done.
 */
static int emulate_string(struct pt_regs *regs, const struct access_space *sp,
			  const struct mmio_insn *in)
{
	long step = (regs->flags & X86_EFLAGS_DF) ? -(long)in->width : in->width;
	unsigned long count = in->rep ? regs->cx : 1;
	int ret;
	u64 v;

	while (count) {
		if (in->op == MMIO_INSN_MOVS) {
			ret = element_read(regs, sp, regs->si, in->width, &v);
			if (ret)
				return ret;
		} else {
			v = mmio_insn_store_value(in, regs->ax);
		}
		ret = element_write(sp, regs->di, in->width, v);
		if (ret)
			return ret;
		if (in->op == MMIO_INSN_MOVS)
			regs->si += step;
		regs->di += step;
		count--;
		if (in->rep)
			regs->cx = count;
	}
	return 0;
}

/*
 * Perform the instruction at regs->ip that faulted on @addr.  0: done, RIP
 * advanced; -EAGAIN: retry the instruction; else: not ours to fix.
 */
static int emulate(struct pt_regs *regs, unsigned long addr, const struct access_space *sp)
{
	u8 code[MMIO_INSN_MAX_LEN];
	struct mmio_insn in;
	struct trap_bar *tb;
	size_t avail;
	u64 off, v;
	int ret;

	if (sp->vma && !user_64bit_mode(regs))
		return -EOPNOTSUPP;
	/* Fetch what is readable of the instruction (it may end at a page). */
	for (avail = MMIO_INSN_MAX_LEN; avail; avail--) {
		if (sp->vma ? !copy_from_user_nofault(code, (void __user *)regs->ip, avail) :
			      !copy_from_kernel_nofault(code, (void *)regs->ip, avail))
			break;
	}
	if (!avail || mmio_insn_decode(code, avail, &in))
		return -EOPNOTSUPP;

	switch (in.op) {
	case MMIO_INSN_LOAD:
		tb = space_resolve(sp, addr, in.width, &off);
		if (!tb)
			return -EFAULT;
		ret = bar_read(tb, off, in.width, regs, addr, &v);
		if (ret)
			return ret;
		*reg_ptr(regs, in.reg) = mmio_insn_load_result(&in, *reg_ptr(regs, in.reg), v);
		break;
	case MMIO_INSN_STORE:
		tb = space_resolve(sp, addr, in.width, &off);
		if (!tb)
			return -EFAULT;
		v = in.has_imm ? in.imm : mmio_insn_store_value(&in, *reg_ptr(regs, in.reg));
		ret = bar_write(tb, off, in.width, v);
		if (ret)
			return ret;
		break;
	default:
		ret = emulate_string(regs, sp, &in);
		if (ret)
			return ret;
		break;
	}
	regs->ip += in.len;
	return 0;
}

/* ---- userspace mappings through VFIO ---------------------------------------- */

/*
 * A user process (a VFIO userspace driver) maps a BAR through vfio-pci.  For
 * a traced BAR pciem's fault handler takes the place of vfio's (see
 * vfio_mmap_ret() below): it emulates the faulting user instruction,
 * advances the user's RIP and reports "no page", so no PTE is ever
 * installed and every access comes back here.  A read waiting for the
 * emulator simply leaves RIP alone: the user instruction faults again, and
 * the process is preemptible in between.
 */

/* The physical address behind @addr in a taken-over mapping (vm_pgoff: the pfn). */
static phys_addr_t user_phys(struct vm_area_struct *vma, unsigned long addr)
{
	return ((phys_addr_t)vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);
}

/* The BAR behind a user address of a taken-over mapping, or NULL. */
static struct trap_bar *resolve_user(struct vm_area_struct *vma, unsigned long va,
				     unsigned int width, u64 *off)
{
	phys_addr_t phys;
	struct trap_bar *tb;

	if (va < vma->vm_start || va + width > vma->vm_end)
		return NULL;
	phys = user_phys(vma, va);
	tb = find_bar(phys, width);
	if (tb)
		*off = phys - tb->phys;
	return tb;
}

/*
 * A fault on a user mapping of a traced BAR (rcu_read_lock held, the BAR
 * found): emulate the user's instruction.  A fault the kernel takes on the
 * user's behalf (a copy_from_user() out of the mapping, say) has no user
 * instruction to emulate; it fails as an access to unmapped memory would.
 */
static vm_fault_t user_fault(struct vm_fault *vmf)
{
	struct pt_regs *regs = current_pt_regs();
	unsigned long addr = vmf->real_address;	/* ->address is page-aligned */
	int ret;

	if (!(vmf->flags & FAULT_FLAG_USER))
		return VM_FAULT_SIGBUS;
	ret = emulate(regs, addr, &(struct access_space){ .vma = vmf->vma });
	if (ret && ret != -EAGAIN) {
		pr_warn_ratelimited("%s[%d]: cannot emulate the access at %#lx to %#lx (%d)\n",
				    current->comm, task_pid_nr(current), regs->ip, addr, ret);
		return VM_FAULT_SIGBUS;
	}
	atomic64_inc(&trap_faults);
	return VM_FAULT_NOPAGE;
}

/* ---- other userspace mappings: sysfs resourceN, /dev/pci ---------------------- */

/*
 * sysfs resourceN files and /dev/pci's PCIOCBARMMAP map a BAR at mmap time,
 * with (io_)remap_pfn_range(): every later access would go straight to BAR
 * memory and miss the emulator.  For a range inside a traced BAR pciem takes
 * remap_pfn_range()'s place: no PTE is made, the VMA gets pciem's fault
 * handler, and every access is emulated as for VFIO above.  Only a call
 * mapping the whole VMA, with no fault handler or open/close of the
 * caller's own, is taken over; any other call that reaches into a traced
 * BAR fails with EINVAL rather than map what the emulator would never see.
 *
 * The handler is pciem.ko's code, so a VMA holds a reference to the module
 * (open/close) -- except under sysfs, which refuses VMAs with a close()
 * and, when the device's files go (before pciem.ko can), stops calling
 * the handler of every VMA it handed out.
 */
static vm_fault_t bar_vma_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = VM_FAULT_SIGBUS;	/* the device is gone */

	rcu_read_lock();
	if (find_bar(user_phys(vmf->vma, vmf->real_address), 1))
		ret = user_fault(vmf);
	rcu_read_unlock();
	return ret;
}

static void bar_vma_open(struct vm_area_struct *vma)
{
	__module_get(THIS_MODULE);
}

static void bar_vma_close(struct vm_area_struct *vma)
{
	module_put(THIS_MODULE);
}

static const struct vm_operations_struct bar_vma_ops = {
	.open = bar_vma_open,
	.close = bar_vma_close,
	.fault = bar_vma_fault,
};

static const struct vm_operations_struct bar_vma_ops_sysfs = {
	.fault = bar_vma_fault,
};

/* Where a mapping of [phys, phys + len) lies with respect to traced BARs. */
enum map_kind {
	MAP_UNTRACED,	/* outside every traced BAR: none of pciem's business */
	MAP_IN_BAR,	/* inside one traced BAR: taken over */
	MAP_PARTLY,	/* reaching into one: refused */
};

static enum map_kind classify_map(phys_addr_t phys, u64 len)
{
	enum map_kind kind = MAP_UNTRACED;

	rcu_read_lock();
	if (overlaps_traced(phys, len))	/* one walk, for every other caller */
		kind = find_bar(phys, len) ? MAP_IN_BAR : MAP_PARTLY;
	rcu_read_unlock();
	return kind;
}

/*
 * Make @vma, mapping a traced BAR from @phys on, pciem's: no PTEs, every
 * access faults into bar_vma_fault().
 */
static void take_over_vma(struct vm_area_struct *vma, phys_addr_t phys)
{
	vma->vm_pgoff = PHYS_PFN(phys);	/* user_phys() */
	pciem_vma_set_io(vma);
	if (vma->vm_file && vma->vm_file->f_path.dentry->d_sb->s_magic == SYSFS_MAGIC) {
		vma->vm_ops = &bar_vma_ops_sysfs;
	} else {
		vma->vm_ops = &bar_vma_ops;
		__module_get(THIS_MODULE);	/* put by bar_vma_close() */
	}
}

/* remap_pfn_range() returns one of these instead, for a traced BAR. */
static noinline int remap_taken(void)
{
	return 0;
}

static noinline int remap_refused(void)
{
	return -EINVAL;
}

/* remap_pfn_range(vma, addr, pfn, size, prot) */
static int remap_pre(struct kprobe *kp, struct pt_regs *kregs)
{
	struct vm_area_struct *vma = (struct vm_area_struct *)kregs->di;
	unsigned long addr = kregs->si, pfn = kregs->dx, size = kregs->cx;
	const struct vm_operations_struct *ops = vma->vm_ops;
	enum map_kind kind;

	if (pciem_is_instance_file(vma->vm_file))
		return 0;	/* the emulator's own view of its BAR memory */
	kind = classify_map(PFN_PHYS(pfn), size);
	if (kind == MAP_UNTRACED)
		return 0;
	if (kind == MAP_PARTLY || addr != vma->vm_start || size != vma->vm_end - vma->vm_start ||
	    (ops && (ops->fault || ops->open || ops->close))) {
		pr_warn_ratelimited("%s[%d]: refusing a mapping of %#llx (%#lx bytes) in a traced BAR\n",
				    current->comm, task_pid_nr(current),
				    (unsigned long long)PFN_PHYS(pfn), size);
		kregs->ip = (unsigned long)remap_refused;
		return 1;
	}
	take_over_vma(vma, PFN_PHYS(pfn));
	kregs->ip = (unsigned long)remap_taken;
	return 1;
}

/*
 * The handlers take locks, allocate, wake the emulator and change regs->ip
 * to take a function's place.  That is only right where the kernel puts a
 * probe at a function's entry on ftrace (KPROBES_ON_FTRACE, as Debian's
 * kernels do): the handler then runs in the probed function's own context.
 * An int3 probe's handler runs in exception context, where lockdep treats
 * it like an NMI, and a jump-optimized one ignores a changed regs->ip.  So
 * every hook must be on ftrace, or it is not used.
 */
static bool on_ftrace(const struct kprobe *kp)
{
	return kp->flags & KPROBE_FLAG_FTRACE;
}

/*
 * vfio_pci_core_mmap(core_vdev, vma): exported, with the same arguments
 * from Linux 5.15 on, while the fault path behind it changed (6.1:
 * vfio_pci_mmap_fault() with vm_pgoff rewritten to the BAR's pfn; 6.10:
 * vm_pgoff left as the file offset, unmap_mapping_range(); 6.12: a
 * huge_fault handler that may map 2 MiB or 1 GiB at once).  pciem acts at
 * its return, before any fault: a mapping of a traced BAR gets pciem's own
 * fault handler (no huge_fault, so only 4 KiB faults) and vm_pgoff = the
 * BAR's pfn, as for sysfs above; vfio never sees a fault on it.  A mapping
 * that only partly covers a traced BAR fails with EINVAL.
 */
struct vfio_mmap_call {
	struct vm_area_struct *vma;
	phys_addr_t phys;		/* of the mapping's first byte; 0: not a BAR */
};

static int vfio_mmap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vfio_mmap_call *call = (struct vfio_mmap_call *)ri->data;
	struct vfio_device *core_vdev = (struct vfio_device *)regs->di;
	struct vm_area_struct *vma = (struct vm_area_struct *)regs->si;
	struct pci_dev *pdev;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(off);

	call->vma = vma;
	call->phys = 0;
	if (index > PCI_STD_RESOURCE_END)
		return 0;
	pdev = container_of(core_vdev, struct vfio_pci_core_device, vdev)->pdev;
	if (pci_resource_len(pdev, index))
		call->phys = pci_resource_start(pdev, index) + (off & VFIO_PCI_OFFSET_MASK);
	return 0;
}

static int vfio_mmap_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vfio_mmap_call *call = (struct vfio_mmap_call *)ri->data;
	struct vm_area_struct *vma = call->vma;
	u64 len = vma->vm_end - vma->vm_start;

	if (regs_return_value(regs) || !call->phys)
		return 0;
	switch (classify_map(call->phys, len)) {
	case MAP_UNTRACED:
		break;
	case MAP_PARTLY:
		pr_warn_ratelimited("%s[%d]: refusing a VFIO mapping of %#llx (%#llx bytes) that is partly in a traced BAR\n",
				    current->comm, task_pid_nr(current),
				    (unsigned long long)call->phys, len);
		regs_set_return_value(regs, -EINVAL);
		break;
	case MAP_IN_BAR:
		take_over_vma(vma, call->phys);
		break;
	}
	return 0;
}

static struct kretprobe krp_vfio = {
	.kp.symbol_name = "vfio_pci_core_mmap",
	.entry_handler = vfio_mmap_entry,
	.handler = vfio_mmap_ret,
	.data_size = sizeof(struct vfio_mmap_call),
	.maxactive = 64,
};

static DEFINE_MUTEX(vfio_hook_lock);
static bool vfio_hooked;

/*
 * vfio-pci-core is a module of its own: hook it whenever it is there.
 * @loaded: it has just been loaded (else it may simply not be there yet).
 */
static void vfio_hook(bool loaded)
{
	mutex_lock(&vfio_hook_lock);
	if (!vfio_hooked) {
		int ret;

		krp_vfio.kp.addr = NULL;
		krp_vfio.kp.flags = 0;
		ret = register_kretprobe(&krp_vfio);
		vfio_hooked = !ret;
		if (ret && (loaded || ret != -ENOENT))
			pr_warn_once("cannot hook vfio_pci_core_mmap (%d); VFIO mappings of traced BARs are not trapped\n",
				     ret);
	}
	mutex_unlock(&vfio_hook_lock);
}

static void vfio_unhook(void)
{
	mutex_lock(&vfio_hook_lock);
	if (vfio_hooked)
		unregister_kretprobe(&krp_vfio);
	vfio_hooked = false;
	mutex_unlock(&vfio_hook_lock);
}

static int vfio_module_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "vfio_pci_core"))
		return NOTIFY_DONE;
	if (action == MODULE_STATE_LIVE)
		vfio_hook(true);
	else if (action == MODULE_STATE_GOING)
		vfio_unhook();
	return NOTIFY_OK;
}

static struct notifier_block vfio_module_nb = {
	.notifier_call = vfio_module_event,
};

/* fixup_exception() returns this instead, when the fault was ours. */
static noinline int handled(void)
{
	return 1;
}

/* fixup_exception(regs, trapnr, error_code, fault_addr) */
static int fixup_pre(struct kprobe *kp, struct pt_regs *kregs)
{
	struct pt_regs *regs = (struct pt_regs *)kregs->di;
	unsigned long addr = kregs->cx;
	int ret;

	if (kregs->si != X86_TRAP_PF || user_mode(regs))
		return 0;
	rcu_read_lock();
	if (!find_map(addr)) {
		rcu_read_unlock();
		return 0;
	}
	ret = emulate(regs, addr, &(struct access_space){ .vma = NULL });
	rcu_read_unlock();
	if (ret == -EAGAIN) {
		/*
		 * Waiting for the emulator: return to the instruction, which
		 * faults again.  Interrupts are taken in between, and a
		 * preemptible context can be preempted, so the emulator gets a
		 * CPU even when every CPU is waiting for it (with preempt=full).
		 */
		cpu_relax();
	} else if (ret) {
		pr_err_ratelimited("cannot emulate the access at %pS to %#lx (%d)\n",
				   (void *)regs->ip, addr, ret);
		return 0;	/* the kernel reports the fault as usual */
	}
	atomic64_inc(&trap_faults);
	kregs->ip = (unsigned long)handled;
	return 1;
}

static struct kprobe kp_ioremap = {
	.symbol_name = "ioremap_page_range",
	.pre_handler = ioremap_pre,
};

static struct kprobe kp_iounmap = {
	.symbol_name = "iounmap",
	.pre_handler = iounmap_pre,
};

static struct kprobe kp_fixup = {
	.symbol_name = "fixup_exception",
	.pre_handler = fixup_pre,
};

static struct kprobe kp_remap = {
	.symbol_name = "remap_pfn_range",
	.pre_handler = remap_pre,
};

static struct kprobe kp_pmd_huge = {
	.symbol_name = "pmd_set_huge",
	.pre_handler = pmd_set_huge_pre,
};

static struct kprobe kp_pud_huge = {
	.symbol_name = "pud_set_huge",
	.pre_handler = pud_set_huge_pre,
};

static struct kprobe *hooks[] = {
	&kp_fixup, &kp_iounmap, &kp_pmd_huge, &kp_pud_huge, &kp_ioremap, &kp_remap,
};

/* ---- traced BARs ---------------------------------------------------------- */

/* Where this BAR holds the MSI-X table and PBA, if it does. */
static void msix_ranges(struct pciem_device *dev, unsigned int bar, struct trap_bar *tb)
{
	struct pcfg_msix_layout l;

	if (!pciem_cfg_msix_layout(dev, &l))
		return;
	if (l.table_bar == bar) {
		tb->msix_start[0] = l.table_off;
		tb->msix_end[0] = tb->msix_start[0] + l.table_len;
	}
	if (l.pba_bar == bar) {
		tb->msix_start[1] = l.pba_off;
		tb->msix_end[1] = tb->msix_start[1] + l.pba_len;
	}
}

bool pciem_trap_available(void)
{
	return hooks_ready;
}

/*
 * Start trapping accesses to a BAR (flags PCIEM_TRACE_*), or stop (flags 0).  Only mappings created afterwards trap, which is why
 * TRACE_BAR is accepted only before START.  Called with dev->lock held.
 */
int pciem_trap_set(struct pciem_device *dev, unsigned int bar, u32 flags)
{
	struct trap_bar *tb, *old = NULL;
	unsigned long irqflags;

	if (!hooks_ready)
		return -EOPNOTSUPP;
	tb = NULL;
	if (flags) {
		tb = kzalloc(sizeof(*tb), GFP_KERNEL);
		if (!tb)
			return -ENOMEM;
		tb->dev = dev;
		tb->bar = bar;
		tb->phys = dev->bars[bar].phys;
		tb->size = dev->bars[bar].alloc;
		tb->flags = flags;
		msix_ranges(dev, bar, tb);
		pciem_device_get(dev);
	}
	raw_spin_lock_irqsave(&trap_lock, irqflags);
	list_for_each_entry(old, &trap_bars, node)
		if (old->dev == dev && old->bar == bar)
			break;
	if (list_entry_is_head(old, &trap_bars, node))
		old = NULL;
	if (old) {
		struct trap_map *m, *mtmp;

		list_del_rcu(&old->node);
		/* Mappings made under the old settings follow the new ones. */
		list_for_each_entry_safe(m, mtmp, &trap_maps, node) {
			if (m->tb != old)
				continue;
			if (tb) {
				WRITE_ONCE(m->tb, tb);
			} else {
				list_del_rcu(&m->node);
				kfree_rcu(m, rcu);
			}
		}
	}
	if (tb)
		list_add_rcu(&tb->node, &trap_bars);
	raw_spin_unlock_irqrestore(&trap_lock, irqflags);
	if (old) {
		synchronize_rcu();
		pciem_device_put(old->dev);
		kfree(old);
	}
	return 0;
}

/*
 * The device is going away: its driver is gone (and unmapped everything it
 * mapped); drop what still refers to it.  Mappings a driver leaked stay
 * trapped and read all ones.
 */
void pciem_trap_release(struct pciem_device *dev)
{
	struct trap_bar *tb, *tmp;
	struct trap_map *m, *mtmp;
	unsigned long flags;
	LIST_HEAD(dead);

	raw_spin_lock_irqsave(&trap_lock, flags);
	list_for_each_entry_safe(m, mtmp, &trap_maps, node) {
		if (m->tb->dev == dev) {
			pr_warn("a mapping of BAR %u outlived its driver; it is no longer served\n",
				m->tb->bar);
			list_del_rcu(&m->node);
			kfree_rcu(m, rcu);
		}
	}
	list_for_each_entry_safe(tb, tmp, &trap_bars, node) {
		if (tb->dev == dev) {
			list_del_rcu(&tb->node);
			list_add(&tb->node, &dead);
		}
	}
	raw_spin_unlock_irqrestore(&trap_lock, flags);
	if (list_empty(&dead))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(tb, tmp, &dead, node) {
		list_del(&tb->node);
		pciem_device_put(tb->dev);
		kfree(tb);
	}
}

u64 pciem_trap_count(void)
{
	return atomic64_read(&trap_faults);
}

int pciem_trap_init(void)
{
	int ret = register_kprobes(hooks, ARRAY_SIZE(hooks));
	int i;

	if (ret) {
		pr_warn("MMIO trapping unavailable (kprobes: %d); TRACE_BAR will fail\n", ret);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (on_ftrace(hooks[i]))
			continue;
		pr_warn("MMIO trapping unavailable: the probe on %s is not on ftrace (needs CONFIG_KPROBES_ON_FTRACE); TRACE_BAR will fail\n",
			hooks[i]->symbol_name);
		unregister_kprobes(hooks, ARRAY_SIZE(hooks));
		return 0;
	}
	hooks_ready = true;
	register_module_notifier(&vfio_module_nb);
	vfio_hook(false);	/* fails quietly while vfio-pci-core is not loaded */
	return 0;
}

void pciem_trap_exit(void)
{
	if (hooks_ready) {
		unregister_module_notifier(&vfio_module_nb);
		vfio_unhook();
		unregister_kprobes(hooks, ARRAY_SIZE(hooks));
	}
	hooks_ready = false;
	rcu_barrier();	/* kfree_rcu() callbacks run before the module goes */
}
