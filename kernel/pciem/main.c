// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - /dev/pciem.
 *
 * One open file is one emulated PCIe function.  Its lifecycle:
 *
 *   EMPTY --CREATE_DEVICE--> CREATED --REGISTER--> REGISTERED --START--> STARTED
 *
 * CREATED accepts SET_CONFIG, ADD_BAR and ADD_CAPABILITY.  REGISTER checks
 * the description as a whole, takes BAR memory from the pool, freezes the
 * configuration space and returns an instance fd whose mmap() maps the BARs.
 * START puts the function on a PCI bus, where drivers bind to it.  Closing
 * the file takes the function off the bus (a bound driver's remove() runs)
 * and its memory goes back to the pool once nothing maps it any more.
 *
 * Every ioctl validates all of its input before it changes anything, so a
 * failed call leaves the device exactly as it was.  docs/ioctl.md lists the
 * errno values.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pciem.h"

static char *pciem_phys_region;
module_param(pciem_phys_region, charp, 0444);
MODULE_PARM_DESC(pciem_phys_region,
		 "BAR memory pool ADDR:SIZE, a physical range hidden from the kernel with mem= or memmap= (default: taken from RAM, pciem_pool_size)");

static char *pciem_pool_size = "128M";
module_param(pciem_pool_size, charp, 0444);
MODULE_PARM_DESC(pciem_pool_size,
		 "Without pciem_phys_region: RAM taken from the kernel for the BAR pool at load, in whole memory blocks, and given back at unload (default 128M; 0: no pool)");

static char *pciem_attach_bus = "0000:00";
module_param(pciem_attach_bus, charp, 0444);
MODULE_PARM_DESC(pciem_attach_bus, "Bus DDDD:BB that ATTACH-mode devices join (default 0000:00)");

/* ---- device lifetime --------------------------------------------------- */

static void pciem_device_release(struct kref *ref)
{
	struct pciem_device *dev = container_of(ref, struct pciem_device, ref);
	int i;

	for (i = 0; i < PCFG_NUM_BARS; i++) {
		if (dev->bars[i].kva)
			iounmap(dev->bars[i].kva);
		if (dev->bars[i].phys)
			pciem_pool_free(dev->bars[i].phys, dev->bars[i].alloc);
	}
	pciem_irq_destroy(dev);
	pciem_ioeventfd_destroy(dev);
	pciem_events_destroy(dev);
	kvfree(dev->cfg);
	kfree(dev);
}

void pciem_device_get(struct pciem_device *dev)
{
	kref_get(&dev->ref);
}

void pciem_device_put(struct pciem_device *dev)
{
	kref_put(&dev->ref, pciem_device_release);
}

/*
 * Use the started function's pci_dev beyond its memory (its IOMMU domain,
 * the vectors its driver set up) until pciem_function_put().  -EBADFD before
 * START, -ENODEV once the PCI core has removed the function.  May sleep
 * while the function is being removed.
 */
int pciem_function_get(struct pciem_device *dev)
{
	down_read(&dev->present);
	if (dev->state != PCIEM_STATE_STARTED) {
		up_read(&dev->present);
		return -EBADFD;
	}
	if (READ_ONCE(dev->removed)) {
		up_read(&dev->present);
		return -ENODEV;
	}
	return 0;
}

void pciem_function_put(struct pciem_device *dev)
{
	up_read(&dev->present);
}

/* ---- BAR mappings (instance fd) ----------------------------------------- */

static void bar_vma_open(struct vm_area_struct *vma)
{
	pciem_device_get(vma->vm_private_data);
}

static void bar_vma_close(struct vm_area_struct *vma)
{
	pciem_device_put(vma->vm_private_data);
}

static const struct vm_operations_struct bar_vm_ops = {
	.open = bar_vma_open,
	.close = bar_vma_close,
};

/* The page offset selects the BAR: offset = bar_index * PAGE_SIZE. */
static int instance_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pciem_device *dev = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct pciem_bar_mem *bar;
	int ret;

	if (vma->vm_pgoff >= PCFG_NUM_BARS)
		return -EINVAL;
	bar = &dev->bars[vma->vm_pgoff];	/* fixed since REGISTER */
	if (!bar->phys)
		return -ENXIO;
	if (len > bar->alloc)
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	pciem_vma_set_io(vma);
	/* Uncached, like the driver's ioremap() of the same BAR. */
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	ret = io_remap_pfn_range(vma, vma->vm_start, bar->phys >> PAGE_SHIFT, len,
				 vma->vm_page_prot);
	if (ret)
		return ret;
	vma->vm_ops = &bar_vm_ops;
	vma->vm_private_data = dev;
	pciem_device_get(dev);
	return 0;
}

static int instance_release(struct inode *inode, struct file *file)
{
	pciem_device_put(file->private_data);
	return 0;
}

static const struct file_operations instance_fops = {
	.owner = THIS_MODULE,
	.mmap = instance_mmap,
	.release = instance_release,
	.llseek = noop_llseek,
};

/* Is @file an instance fd, whose mmap() maps BAR memory for the emulator? */
bool pciem_is_instance_file(const struct file *file)
{
	return file && file->f_op == &instance_fops;
}

/* ---- ioctls ----------------------------------------------------------------- */

static long ioctl_create_device(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_create_device arg;
	u32 mode;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state != PCIEM_STATE_EMPTY)
		return -EBADFD;
	mode = arg.flags & PCIEM_CREATE_FLAG_BUS_MODE_MASK;
	if (arg.flags & ~PCIEM_CREATE_FLAG_BUS_MODE_MASK)
		return -EINVAL;
	if (mode != PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL &&
	    mode != PCIEM_CREATE_FLAG_BUS_MODE_ATTACH)
		return -EINVAL;

	dev->cfg = kvzalloc(sizeof(*dev->cfg), GFP_KERNEL);
	if (!dev->cfg)
		return -ENOMEM;
	pcfg_init(dev->cfg);
	dev->bus_mode = mode;
	dev->state = PCIEM_STATE_CREATED;
	return 0;
}

static long ioctl_set_config(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_config_space arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	return pcfg_set_ids(dev->cfg, &arg);
}

static long ioctl_add_bar(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_bar_config arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	if (arg.reserved)
		return -EINVAL;
	return pcfg_add_bar(dev->cfg, arg.bar_index, arg.size, arg.flags);
}

static long add_capability(struct pciem_device *dev, const struct pciem_cap_config *cap)
{
	int ret;

	if (dev->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	ret = pcfg_add_cap(dev->cfg, cap);
	return ret < 0 ? ret : 0;
}

static long ioctl_add_capability(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_cap_config arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	return add_capability(dev, &arg);
}

/* The 28-byte form: msi, msix and pasid side by side instead of a union. */
static long ioctl_add_capability_flat(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_cap_config_flat flat;
	struct pciem_cap_config arg;

	if (copy_from_user(&flat, uarg, sizeof(flat)))
		return -EFAULT;
	memset(&arg, 0, sizeof(arg));
	arg.cap_type = flat.cap_type;
	switch (flat.cap_type) {
	case PCIEM_CAP_MSI:
		arg.msi = flat.msi;
		break;
	case PCIEM_CAP_MSIX:
		arg.msix = flat.msix;
		break;
	case PCIEM_CAP_PASID:
		arg.pasid = flat.pasid;
		break;
	}
	return add_capability(dev, &arg);
}

static void free_bars(struct pciem_device *dev)
{
	int i;

	for (i = 0; i < PCFG_NUM_BARS; i++) {
		u32 trace = dev->bars[i].trace;

		if (dev->bars[i].kva)
			iounmap(dev->bars[i].kva);
		if (dev->bars[i].phys)
			pciem_pool_free(dev->bars[i].phys, dev->bars[i].alloc);
		memset(&dev->bars[i], 0, sizeof(dev->bars[i]));
		dev->bars[i].trace = trace;
	}
}

/* Biggest BARs first, so natural alignment wastes as little pool as it can. */
static int alloc_bars(struct pciem_device *dev)
{
	bool done[PCFG_NUM_BARS] = { };
	int n, i;

	for (n = 0; n < PCFG_NUM_BARS; n++) {
		int best = -1;

		for (i = 0; i < PCFG_NUM_BARS; i++) {
			if (done[i] || !dev->cfg->bars[i].size)
				continue;
			if (best < 0 || dev->cfg->bars[i].size > dev->cfg->bars[best].size)
				best = i;
		}
		if (best < 0)
			break;
		done[best] = true;
		dev->bars[best].size = dev->cfg->bars[best].size;
		dev->bars[best].alloc = max_t(u64, dev->bars[best].size, PAGE_SIZE);
		dev->bars[best].phys = pciem_pool_alloc(dev->bars[best].alloc,
							dev->bars[best].alloc);
		/* pciem's own mapping, made before any trapping of this BAR starts. */
		if (dev->bars[best].phys)
			dev->bars[best].kva = ioremap(dev->bars[best].phys, dev->bars[best].alloc);
		if (!dev->bars[best].phys || !dev->bars[best].kva) {
			pr_err_ratelimited("BAR %d (%llu bytes): BAR pool %s\n", best,
					   dev->bars[best].size,
					   pciem_pool_resource() ? "exhausted" :
					   "not configured (pciem_pool_size=0)");
			free_bars(dev);
			return -ENOSPC;
		}
	}
	return 0;
}

static long ioctl_register(struct pciem_device *dev)
{
	struct file *file;
	int fd, ret, i;

	if (dev->state != PCIEM_STATE_CREATED)
		return -EBADFD;
	if (!dev->cfg->ids_set)
		return -ENODATA;

	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile("[pciem-instance]", &instance_fops, dev, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	pciem_device_get(dev);	/* dropped by instance_release() */

	ret = alloc_bars(dev);
	if (ret)
		goto err_file;
	for (i = 0; i < PCFG_NUM_BARS; i++) {
		if (!dev->bars[i].trace)
			continue;
		ret = pciem_trap_set(dev, i, dev->bars[i].trace);
		if (ret)
			goto err_trap;
	}
	i = PCFG_NUM_BARS;
	ret = pciem_irq_prepare(dev);
	if (ret)
		goto err_trap;
	/* pcfg_finalize() has no undo, so it is the last step that may fail. */
	ret = pcfg_finalize(dev->cfg);
	if (ret) {
		pciem_irq_destroy(dev);
		goto err_trap;
	}
	for (i = 0; i < PCFG_NUM_BARS; i++)
		if (dev->bars[i].phys)
			pcfg_set_bar_addr(dev->cfg, i, dev->bars[i].phys);
	pcfg_snapshot_reset_state(dev->cfg);

	dev->state = PCIEM_STATE_REGISTERED;
	fd_install(fd, file);
	return fd;

err_trap:
	while (--i >= 0)
		if (dev->bars[i].trace)
			pciem_trap_set(dev, i, 0);
	free_bars(dev);
err_file:
	put_unused_fd(fd);
	fput(file);	/* instance_release() drops the reference */
	return ret;
}

static long ioctl_start(struct pciem_device *dev)
{
	int ret;

	if (dev->state != PCIEM_STATE_REGISTERED)
		return -EBADFD;
	ret = pciem_bus_add(dev);
	if (ret)
		return ret;
	dev->state = PCIEM_STATE_STARTED;
	pci_info(dev->pdev, "pciem: emulated device started\n");
	return 0;
}

static long ioctl_get_bar_info(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_bar_info_query arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state < PCIEM_STATE_REGISTERED)
		return -EBADFD;
	if (arg.bar_index >= PCFG_NUM_BARS)
		return -EINVAL;
	if (!dev->bars[arg.bar_index].phys)
		return -ENOENT;
	arg.phys_addr = dev->bars[arg.bar_index].phys;
	arg.size = dev->bars[arg.bar_index].size;
	arg.flags = dev->cfg->bars[arg.bar_index].flags;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static long ioctl_get_device_info(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_device_info info;

	memset(&info, 0, sizeof(info));
	info.state = dev->state;
	info.bus_mode = dev->bus_mode;
	info.events_dropped = atomic64_read(&dev->ev.dropped);
	info.read_timeouts = atomic64_read(&dev->ev.read_timeouts);
	if (dev->state == PCIEM_STATE_STARTED) {
		info.domain = pci_domain_nr(dev->bus);
		info.bus = dev->bus->number;
		info.devfn = dev->devfn;
	}
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long ioctl_set_eventfd(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_eventfd_config arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;
	return pciem_events_set_eventfd(dev, arg.eventfd);
}

static long ioctl_trace_bar(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_trace_bar arg;
	const u32 known = PCIEM_TRACE_READS | PCIEM_TRACE_WRITES | PCIEM_TRACE_STOP_WRITES;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state == PCIEM_STATE_EMPTY)
		return -EBADFD;
	if (arg.flags & ~known)
		return -EINVAL;
	if (arg.bar_index == PCIEM_TRACE_CONFIG_SPACE) {
		if (arg.flags & PCIEM_TRACE_STOP_WRITES)
			return -EINVAL;
		WRITE_ONCE(dev->trace_cfg, arg.flags);
		return 0;
	}
	if (arg.bar_index >= PCFG_NUM_BARS)
		return -EINVAL;
	/* Only mappings made after this trap, so drivers must not have bound yet. */
	if (dev->state == PCIEM_STATE_STARTED)
		return -EBADFD;
	if (!dev->cfg->bars[arg.bar_index].size)
		return -ENOENT;
	if (!pciem_trap_available())
		return -EOPNOTSUPP;
	if (dev->state == PCIEM_STATE_REGISTERED) {
		int ret = pciem_trap_set(dev, arg.bar_index, arg.flags);

		if (ret)
			return ret;
	}
	dev->bars[arg.bar_index].trace = arg.flags;
	return 0;
}

static long ioctl_config_access(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_config_access arg;
	unsigned long flags;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (dev->state == PCIEM_STATE_EMPTY)
		return -EBADFD;
	if (arg.reserved)
		return -EINVAL;
	/* Under cfg_lock: SET and CLEAR are atomic with the driver's writes. */
	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	ret = pcfg_device_access(dev->cfg, arg.offset, arg.size, arg.flags, &arg.value);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

static long ioctl_inject_irq(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_irq_inject arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	return pciem_irq_inject(dev, arg.vector, arg.reserved);
}

static long ioctl_set_irqfd(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_irqfd_config arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;
	return pciem_irqfd_add(dev, arg.eventfd, arg.vector, arg.flags);
}

static long ioctl_ioeventfd(struct pciem_device *dev, void __user *uarg)
{
	struct pciem_ioeventfd arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	return pciem_ioeventfd_ioctl(dev, &arg);
}

static long ioctl_dma(struct pciem_device *dev, unsigned int cmd, void __user *uarg)
{
	union {
		struct pciem_dma_op op;
		struct pciem_dma_atomic at;
		struct pciem_dma_indirect ind;
		struct pciem_p2p_op_user p2p;
	} a;
	long ret;

	if (copy_from_user(&a, uarg, _IOC_SIZE(cmd)))
		return -EFAULT;
	ret = pciem_function_get(dev);
	if (ret)
		return ret;
	switch (cmd) {
	case PCIEM_IOCTL_DMA:
		ret = pciem_dma(dev, &a.op);
		break;
	case PCIEM_IOCTL_DMA_INDIRECT:
		ret = pciem_dma_indirect(dev, &a.ind);
		break;
	case PCIEM_IOCTL_P2P:
		ret = pciem_p2p(dev, &a.p2p);
		break;
	default:
		ret = pciem_dma_atomic(dev, &a.at);
		break;
	}
	pciem_function_put(dev);
	if (!ret && cmd == PCIEM_IOCTL_DMA_ATOMIC && copy_to_user(uarg, &a.at, sizeof(a.at)))
		ret = -EFAULT;
	return ret;
}

static long pciem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pciem_device *dev = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&dev->lock);
	switch (cmd) {
	case PCIEM_IOCTL_CREATE_DEVICE:
		ret = ioctl_create_device(dev, uarg);
		break;
	case PCIEM_IOCTL_SET_CONFIG:
		ret = ioctl_set_config(dev, uarg);
		break;
	case PCIEM_IOCTL_ADD_BAR:
		ret = ioctl_add_bar(dev, uarg);
		break;
	case PCIEM_IOCTL_ADD_CAPABILITY:
		ret = ioctl_add_capability(dev, uarg);
		break;
	case PCIEM_IOCTL_ADD_CAPABILITY_FLAT:
		ret = ioctl_add_capability_flat(dev, uarg);
		break;
	case PCIEM_IOCTL_REGISTER:
		ret = ioctl_register(dev);
		break;
	case PCIEM_IOCTL_START:
		ret = ioctl_start(dev);
		break;
	case PCIEM_IOCTL_GET_BAR_INFO:
		ret = ioctl_get_bar_info(dev, uarg);
		break;
	case PCIEM_IOCTL_GET_DEVICE_INFO:
		ret = ioctl_get_device_info(dev, uarg);
		break;
	case PCIEM_IOCTL_SET_EVENTFD:
		ret = ioctl_set_eventfd(dev, uarg);
		break;
	case PCIEM_IOCTL_TRACE_BAR:
		ret = ioctl_trace_bar(dev, uarg);
		break;
	case PCIEM_IOCTL_CONFIG_ACCESS:
		ret = ioctl_config_access(dev, uarg);
		break;
	case PCIEM_IOCTL_INJECT_IRQ:
		ret = ioctl_inject_irq(dev, uarg);
		mutex_unlock(&dev->lock);
		pciem_irq_kick(dev);
		return ret;
	case PCIEM_IOCTL_SET_IRQFD:
		ret = ioctl_set_irqfd(dev, uarg);
		break;
	case PCIEM_IOCTL_IOEVENTFD:
		ret = ioctl_ioeventfd(dev, uarg);
		break;
	case PCIEM_IOCTL_DMA:
	case PCIEM_IOCTL_DMA_ATOMIC:
	case PCIEM_IOCTL_P2P:
	case PCIEM_IOCTL_DMA_INDIRECT:
		/*
		 * DMA does not need dev->lock: the device cannot leave while
		 * its own file is in an ioctl, and the PCI core cannot remove
		 * the function while pciem_function_get() holds it.
		 */
		mutex_unlock(&dev->lock);
		return ioctl_dma(dev, cmd, uarg);
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&dev->lock);
	return ret;
}

/* ---- /dev/pciem -------------------------------------------------------------- */

static int pciem_open(struct inode *inode, struct file *file)
{
	struct pciem_device *dev;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	if (pciem_events_init(dev)) {
		kfree(dev);
		return -ENOMEM;
	}
	pciem_irq_init(dev);
	pciem_ioeventfd_init(dev);
	kref_init(&dev->ref);
	mutex_init(&dev->lock);
	init_rwsem(&dev->present);
	raw_spin_lock_init(&dev->cfg_lock);
	dev->state = PCIEM_STATE_EMPTY;
	file->private_data = dev;
	return 0;
}

/*
 * The owner closed the file or died: take the function off its bus now,
 * even while a driver is bound (its remove() runs); memory is freed when the
 * last mapping and reference are gone.
 *
 * Interrupt sources are stopped only after dev->lock is dropped: irqfd work
 * takes dev->lock, and stopping waits for that work.  The state is EMPTY by
 * then, so work that gets the lock first finds nothing to do.
 */
static int pciem_release(struct inode *inode, struct file *file)
{
	struct pciem_device *dev = file->private_data;

	/* Nobody will answer or drain the ring any more: stop waiting for it. */
	WRITE_ONCE(dev->dead, true);
	mutex_lock(&dev->lock);
	if (dev->state == PCIEM_STATE_STARTED) {
		if (!READ_ONCE(dev->removed))
			pci_info(dev->pdev, "pciem: emulator closed its device, removing it\n");
		pciem_bus_remove(dev);
	}
	dev->state = PCIEM_STATE_EMPTY;
	mutex_unlock(&dev->lock);
	pciem_irq_stop(dev);
	pciem_trap_release(dev);
	pciem_device_put(dev);
	return 0;
}

static int pciem_mmap(struct file *file, struct vm_area_struct *vma)
{
	return pciem_events_mmap(file->private_data, vma);
}

static __poll_t pciem_poll(struct file *file, poll_table *wait)
{
	return pciem_events_poll(file->private_data, file, wait);
}

static ssize_t pciem_write(struct file *file, const char __user *buf, size_t count,
			   loff_t *ppos)
{
	return pciem_events_write(file->private_data, buf, count);
}

static const struct file_operations pciem_fops = {
	.owner = THIS_MODULE,
	.open = pciem_open,
	.release = pciem_release,
	.mmap = pciem_mmap,
	.poll = pciem_poll,
	.write = pciem_write,
	.unlocked_ioctl = pciem_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pciem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pciem",
	.fops = &pciem_fops,
	.mode = 0600,
};

static int __init pciem_init(void)
{
	int ret;

	ret = pciem_bus_init(pciem_attach_bus);
	if (ret)
		return ret;
	ret = pciem_pool_init(pciem_phys_region, pciem_pool_size);
	if (ret)
		goto err_bus;
	ret = pciem_events_module_init();
	if (ret)
		goto err_pool;
	pciem_trap_init();
	ret = misc_register(&pciem_misc);
	if (ret)
		goto err_trap;
	return 0;

err_trap:
	pciem_trap_exit();
	pciem_events_module_exit();
err_pool:
	pciem_pool_exit();
err_bus:
	pciem_bus_exit();
	return ret;
}

static void __exit pciem_exit(void)
{
	misc_deregister(&pciem_misc);
	pciem_trap_exit();
	pciem_bus_exit();
	pciem_events_module_exit();
	pciem_pool_exit();
	/* ioeventfd entries are freed by RCU callbacks in this module. */
	rcu_barrier();
}

module_init(pciem_init);
module_exit(pciem_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Emulated PCIe devices implemented in userspace");
/* What the test suite runs on (docs/ARCHITECTURE.md, "Kernels"). */
MODULE_INFO(supported_kernels, "x86-64; Linux 6.1 and 6.12 (tested: Debian 12's kernels)");
