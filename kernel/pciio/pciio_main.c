// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciio.ko: FreeBSD pci(4)-compatible configuration access on Linux.
 *
 * Registers the misc device /dev/pci, which answers the ioctls of FreeBSD's
 * <sys/pciio.h> (include/pciio.h here) for every PCI device the kernel knows,
 * real or emulated.  Semantics follow FreeBSD's /dev/pci; docs/pciio.md lists
 * every ioctl with every errno.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/security.h>
#include <linux/slab.h>

#include "pciio_priv.h"

static atomic_t pciio_gen = ATOMIC_INIT(1);

u32 pciio_generation(void)
{
	return (u32)atomic_read(&pciio_gen);
}

/*
 * The generation is bumped after a device has joined the bus's device list
 * and after it has left it, so a snapshot of the list is never reported with
 * a generation that a later, different list could also carry.
 */
static int pciio_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
	case BUS_NOTIFY_REMOVED_DEVICE:
		atomic_inc(&pciio_gen);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pciio_nb = {
	.notifier_call = pciio_bus_notify,
};

static int pciio_open(struct inode *inode, struct file *file)
{
	struct pciio_file *pf;
	int ret;

	/* Like FreeBSD's securelevel check: writers must be trusted. */
	if (file->f_mode & FMODE_WRITE) {
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		ret = security_locked_down(LOCKDOWN_PCI_ACCESS);
		if (ret)
			return ret;
	}

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->mmap_lock);
	file->private_data = pf;
	return nonseekable_open(inode, file);
}

static int pciio_release(struct inode *inode, struct file *file)
{
	struct pciio_file *pf = file->private_data;

	mutex_destroy(&pf->mmap_lock);
	kfree(pf);
	return 0;
}

static long pciio_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/*
	 * A read-only descriptor promises not to change system state, not even
	 * through side effects of reading device registers.
	 */
	if (!(file->f_mode & FMODE_WRITE)) {
		switch (cmd) {
		case PCIOCGETCONF:
		case PCIOCGETBAR:
		case PCIOCLISTVPD:
			break;
		default:
			return -EPERM;
		}
	}

	switch (cmd) {
	case PCIOCGETCONF:
		return pciio_getconf(uarg);
	case PCIOCREAD:
	case PCIOCWRITE:
		return pciio_rw(cmd, uarg);
	case PCIOCATTACHED:
		return pciio_attached(uarg);
	case PCIOCGETBAR:
		return pciio_getbar(uarg);
	case PCIOCLISTVPD:
		return pciio_listvpd(uarg);
	case PCIOCBARMMAP:
		return pciio_barmmap(file, uarg);
	case PCIOCBARIO:
		return pciio_bario(uarg);
	default:
		return -ENOTTY;
	}
}

/* /dev/pci has no file position (no_llseek, gone in Linux 6.12, did this). */
static loff_t pciio_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

static const struct file_operations pciio_fops = {
	.owner = THIS_MODULE,
	.open = pciio_open,
	.release = pciio_release,
	.unlocked_ioctl = pciio_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = pciio_mmap,
	.llseek = pciio_llseek,
};

static struct miscdevice pciio_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pci",
	.fops = &pciio_fops,
	.mode = 0644,
};

static int __init pciio_init(void)
{
	int ret;

	ret = bus_register_notifier(&pci_bus_type, &pciio_nb);
	if (ret)
		return ret;
	ret = misc_register(&pciio_misc);
	if (ret) {
		bus_unregister_notifier(&pci_bus_type, &pciio_nb);
		return ret;
	}
	pr_info("/dev/pci ready\n");
	return 0;
}

static void __exit pciio_exit(void)
{
	misc_deregister(&pciio_misc);
	bus_unregister_notifier(&pci_bus_type, &pciio_nb);
}

module_init(pciio_init);
module_exit(pciio_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("FreeBSD pci(4)-compatible /dev/pci");
MODULE_AUTHOR("pciem project");
