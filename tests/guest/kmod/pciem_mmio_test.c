// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_mmio_test - a driver that touches its device's BAR 0 on command,
 * with every accessor a kernel driver may use.  It binds to 1b36:00e2 and
 * makes /sys/kernel/debug/pciem_mmio_test/<address>: write a command, read
 * back the result line.
 *
 *   r1|r2|r4|r8 OFF               readb/w/l/q through pci_iomap()     -> value
 *   w1|w2|w4|w8 OFF VAL           writeb/w/l/q
 *   ir4 OFF / iw4 OFF VAL         ioread32/iowrite32 (pci_iomap cookie)
 *   wc4 OFF VAL                   writel through a second, ioremap_wc() mapping
 *   rep4 OFF N                    iowrite32_rep() of 0..N-1 into one register
 *   toio OFF N SEED               memcpy_toio() of N bytes (byte i = SEED + i)
 *   fromio OFF N                  memcpy_fromio() of N bytes     -> sum of bytes
 *   set OFF N BYTE                memset_io()
 *   stress OFF N                  each online CPU writes 1..N to OFF + 8 * cpu,
 *                                 all at once                  -> writes done
 *   hammer OFF N                  each online CPU reads OFF N times -> reads done
 *
 * Interrupts (for pciem_irq_test):
 *   irq intx 0 | irq msi N | irq msix N   request INTx, or N MSI/MSI-X vectors
 *   irq free 0                    free them
 *   count V                       handler calls that handled vector V (INTx: 0)
 *   spurious 0                    INTx handler calls that found nothing to do
 *   mask V / unmask V             disable_irq / enable_irq of vector V
 *   intx 0|1                      pci_intx(): Interrupt Disable set / clear
 *
 * DMA (for pciem_dma_test), one coherent buffer at a time:
 *   dmabuf 0 N                    dma_alloc_coherent(N)           -> its bus address
 *   dmafill OFF N BYTE            fill [OFF, OFF + N) with BYTE
 *   dmasum OFF N                  sum of the bytes of [OFF, OFF + N)
 *   dmaget OFF                    the u64 at OFF
 *   dmafree N                     dma_free_coherent(), telling it the buffer
 *                                 is N bytes (0: the size it was allocated
 *                                 with), as a driver that recomputes a size
 *                                 from registers of a vanished device does
 *   dmamask BITS                  dma_set_mask_and_coherent(BITS)
 *   dmahold N                     N more coherent 4 KiB buffers, all held
 *                                 (at most MT_HOLD)  -> the highest bus address
 *   dmarelease 0                  free the held buffers
 *   dmamap DIR N                  kmalloc(N) + dma_map_single(), direction DIR
 *                                 (1 to device, 2 from device)  -> its bus address
 *   dmaslab DIR N                 the same with an object (N <= 1024) of
 *                                 a slab cache that exposes nothing to
 *                                 userspace (as a journal's buffers are);
 *                                 DIR 0 is bidirectional -> its bus address
 *   dmaunmap 0                    dma_unmap_single() + free
 *
 * The INTx handler reads the status register at 0x24; bit 0 set means "mine":
 * it acknowledges by writing 1 to 0x64, as edu-like devices want.
 */
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"	/* kernel/pciem/compat.h */

#define MT_MAX_VEC 32
#define MT_HOLD 2048

struct mt_dev;

struct mt_vec {
	struct mt_dev *mt;
	unsigned int nr;
	atomic_t count;
};

struct mt_dev {
	struct pci_dev *pdev;
	struct mt_vec vec[MT_MAX_VEC];
	int nvec;		/* requested vectors; 0: none */
	bool intx;
	atomic_t spurious;
	void *dma;		/* dmabuf */
	dma_addr_t dma_addr;
	size_t dma_len;
	void **hold;		/* dmahold: MT_HOLD buffers of 4 KiB */
	dma_addr_t *hold_addr;
	unsigned int nhold;
	void *stream;		/* dmamap */
	dma_addr_t stream_addr;
	size_t stream_len;
	enum dma_data_direction stream_dir;
	bool stream_slab;	/* from mt_slab, else kmalloc */
	void __iomem *bar;	/* pci_iomap() */
	void __iomem *wc;	/* ioremap_wc() of the same BAR */
	resource_size_t len;
	struct dentry *file;
	struct mutex lock;
	char result[64];
};

static struct dentry *mt_root;

/* No usercopy region: hardened usercopy refuses any copy of these to or from user memory. */
#define MT_SLAB_SIZE 1024
static struct kmem_cache *mt_slab;

static void mt_release(struct mt_dev *mt)
{
	while (mt->nhold) {
		mt->nhold--;
		dma_free_coherent(&mt->pdev->dev, PAGE_SIZE, mt->hold[mt->nhold],
				  mt->hold_addr[mt->nhold]);
	}
	kvfree(mt->hold);
	kvfree(mt->hold_addr);
	mt->hold = NULL;
	mt->hold_addr = NULL;
}

/* Allocate @n more buffers; the highest bus address of all, or -errno. */
static long mt_hold(struct mt_dev *mt, unsigned long n)
{
	dma_addr_t hi = 0;
	unsigned int i;

	if (!n || n > MT_HOLD - mt->nhold)
		return -EINVAL;
	if (!mt->hold) {
		mt->hold = kvcalloc(MT_HOLD, sizeof(*mt->hold), GFP_KERNEL);
		mt->hold_addr = kvcalloc(MT_HOLD, sizeof(*mt->hold_addr), GFP_KERNEL);
		if (!mt->hold || !mt->hold_addr) {
			mt_release(mt);
			return -ENOMEM;
		}
	}
	while (n--) {
		mt->hold[mt->nhold] = dma_alloc_coherent(&mt->pdev->dev, PAGE_SIZE,
							 &mt->hold_addr[mt->nhold], GFP_KERNEL);
		if (!mt->hold[mt->nhold])
			return -ENOMEM;
		mt->nhold++;
	}
	for (i = 0; i < mt->nhold; i++)
		hi = max(hi, mt->hold_addr[i]);
	return hi;
}

/* Free the dmamap/dmaslab buffer to where it came from. */
static void mt_stream_release(struct mt_dev *mt)
{
	if (mt->stream_slab)
		kmem_cache_free(mt_slab, mt->stream);
	else
		kfree(mt->stream);
	mt->stream = NULL;
}

static void mt_stream_free(struct mt_dev *mt)
{
	dma_unmap_single(&mt->pdev->dev, mt->stream_addr, mt->stream_len, mt->stream_dir);
	mt_stream_release(mt);
}

struct stress_arg {
	struct mt_dev *mt;
	unsigned long off, n;
	bool read;
	atomic_t *left;
	struct completion *done;
};

static int stress_fn(void *data)
{
	struct stress_arg *a = data;
	void __iomem *p = a->mt->bar + a->off;
	unsigned long i;

	for (i = 1; i <= a->n; i++) {
		if (a->read)
			(void)readl(p);
		else
			writel(i, p);
	}
	if (atomic_dec_and_test(a->left))
		complete(a->done);
	return 0;
}

/* Every online CPU at once, each pinned; writers each get their own register. */
static long run_on_all_cpus(struct mt_dev *mt, unsigned long off, unsigned long n, bool read)
{
	DECLARE_COMPLETION_ONSTACK(done);
	struct stress_arg *args;
	struct task_struct *t;
	int cpu, ncpu = 0, i = 0;
	atomic_t left;

	for_each_online_cpu(cpu)
		ncpu++;
	if (!read && off + 8 * ncpu > mt->len)
		return -EINVAL;
	args = kcalloc(ncpu, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	atomic_set(&left, ncpu);
	for_each_online_cpu(cpu) {
		args[i].mt = mt;
		args[i].off = read ? off : off + 8 * i;
		args[i].n = n;
		args[i].read = read;
		args[i].left = &left;
		args[i].done = &done;
		t = kthread_create(stress_fn, &args[i], "pciem_mt/%d", cpu);
		if (IS_ERR(t)) {
			/* Let the ones already started finish before args goes. */
			if (atomic_sub_and_test(ncpu - i, &left))
				complete(&done);
			wait_for_completion(&done);
			kfree(args);
			return PTR_ERR(t);
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		i++;
	}
	wait_for_completion(&done);
	kfree(args);
	return (long)n * ncpu;
}

static irqreturn_t mt_msi_handler(int irq, void *data)
{
	struct mt_vec *v = data;

	atomic_inc(&v->count);
	return IRQ_HANDLED;
}

static irqreturn_t mt_intx_handler(int irq, void *data)
{
	struct mt_vec *v = data;
	struct mt_dev *mt = v->mt;

	if (!(readl(mt->bar + 0x24) & 1)) {
		atomic_inc(&mt->spurious);
		return IRQ_NONE;
	}
	atomic_inc(&v->count);
	writel(1, mt->bar + 0x64);
	return IRQ_HANDLED;
}

static void mt_free_irqs(struct mt_dev *mt)
{
	int i;

	for (i = 0; i < mt->nvec; i++)
		free_irq(pci_irq_vector(mt->pdev, i), &mt->vec[i]);
	if (mt->nvec)
		pci_free_irq_vectors(mt->pdev);
	mt->nvec = 0;
	mt->intx = false;
}

static long mt_request_irqs(struct mt_dev *mt, const char *kind, unsigned long n)
{
	unsigned int type;
	int i, got, ret;

	if (mt->nvec)
		return -EBUSY;
	if (!strcmp(kind, "intx")) {
		type = PCI_IRQ_INTX;
		n = 1;
	} else if (!strcmp(kind, "msi")) {
		type = PCI_IRQ_MSI;
	} else if (!strcmp(kind, "msix")) {
		type = PCI_IRQ_MSIX;
	} else {
		return -EINVAL;
	}
	if (!n || n > MT_MAX_VEC)
		return -EINVAL;
	got = pci_alloc_irq_vectors(mt->pdev, n, n, type);
	if (got < 0)
		return got;
	for (i = 0; i < got; i++) {
		mt->vec[i].mt = mt;
		mt->vec[i].nr = i;
		atomic_set(&mt->vec[i].count, 0);
		/* "mask V" must mask at once, not when the next message comes. */
		irq_set_status_flags(pci_irq_vector(mt->pdev, i), IRQ_DISABLE_UNLAZY);
		ret = request_irq(pci_irq_vector(mt->pdev, i),
				  type == PCI_IRQ_INTX ? mt_intx_handler : mt_msi_handler,
				  type == PCI_IRQ_INTX ? IRQF_SHARED : 0, "pciem_mmio_test",
				  &mt->vec[i]);
		if (ret) {
			mt->nvec = i;
			mt_free_irqs(mt);
			return ret;
		}
	}
	atomic_set(&mt->spurious, 0);
	mt->nvec = got;
	mt->intx = type == PCI_IRQ_INTX;
	return got;
}

static long do_cmd(struct mt_dev *mt, const char *cmd)
{
	unsigned long off, a = 0, b = 0;
	char op[16];
	u8 *buf;
	long ret = 0;
	int n;

	if (!strncmp(cmd, "irq ", 4)) {
		char kind[8];

		if (sscanf(cmd + 4, "%7s %li", kind, &a) != 2)
			return -EINVAL;
		if (!strcmp(kind, "free")) {
			mt_free_irqs(mt);
			return 0;
		}
		return mt_request_irqs(mt, kind, a);
	}
	n = sscanf(cmd, "%15s %li %li %li", op, &off, &a, &b);
	if (n == 3 && !strcmp(op, "dmabuf")) {
		if (mt->dma || !a || a > (4 << 20))
			return -EINVAL;
		mt->dma = dma_alloc_coherent(&mt->pdev->dev, a, &mt->dma_addr, GFP_KERNEL);
		if (!mt->dma)
			return -ENOMEM;
		mt->dma_len = a;
		return mt->dma_addr;
	}
	if (n == 3 && (!strcmp(op, "dmamap") || !strcmp(op, "dmaslab"))) {
		bool slab = op[3] == 's';

		if (mt->stream || !a || a > (slab ? MT_SLAB_SIZE : 1 << 20) ||
		    (off != DMA_TO_DEVICE && off != DMA_FROM_DEVICE &&
		     !(slab && off == DMA_BIDIRECTIONAL)))
			return -EINVAL;
		mt->stream = slab ? kmem_cache_zalloc(mt_slab, GFP_KERNEL) : kzalloc(a, GFP_KERNEL);
		if (!mt->stream)
			return -ENOMEM;
		mt->stream_slab = slab;
		mt->stream_dir = off;
		mt->stream_len = a;
		mt->stream_addr = dma_map_single(&mt->pdev->dev, mt->stream, a, off);
		if (dma_mapping_error(&mt->pdev->dev, mt->stream_addr)) {
			mt_stream_release(mt);
			return -EIO;
		}
		return mt->stream_addr;
	}
	if (n == 2 && !strcmp(op, "dmaunmap")) {
		if (!mt->stream)
			return -EINVAL;
		mt_stream_free(mt);
		return 0;
	}
	if (n == 2 && !strcmp(op, "dmamask"))
		return off >= 24 && off <= 64 ?
		       dma_set_mask_and_coherent(&mt->pdev->dev, DMA_BIT_MASK(off)) : -EINVAL;
	if (n == 2 && !strcmp(op, "dmahold"))
		return mt_hold(mt, off);
	if (n == 2 && !strcmp(op, "dmarelease")) {
		mt_release(mt);
		return 0;
	}
	if (n == 2 && !strcmp(op, "dmafree")) {
		if (!mt->dma || off < 0)
			return -EINVAL;
		dma_free_coherent(&mt->pdev->dev, off ? off : mt->dma_len, mt->dma, mt->dma_addr);
		mt->dma = NULL;
		return 0;
	}
	if (!strncmp(op, "dma", 3)) {
		unsigned long i, sum = 0;

		if (!mt->dma || off >= mt->dma_len)
			return -EINVAL;
		if (!strcmp(op, "dmaget") && n == 2 && off + 8 <= mt->dma_len)
			return *(u64 *)(mt->dma + off);
		if (n < 3 || off + a > mt->dma_len)
			return -EINVAL;
		if (!strcmp(op, "dmasum")) {
			for (i = 0; i < a; i++)
				sum += ((u8 *)mt->dma)[off + i];
			return sum;
		}
		if (!strcmp(op, "dmafill") && n == 4) {
			memset(mt->dma + off, (int)b, a);
			return 0;
		}
		return -EINVAL;
	}
	if (n == 2 && !strcmp(op, "count"))
		return off < mt->nvec ? atomic_read(&mt->vec[off].count) : -EINVAL;
	if (n == 2 && !strcmp(op, "spurious"))
		return atomic_read(&mt->spurious);
	if (n == 2 && (!strcmp(op, "mask") || !strcmp(op, "unmask"))) {
		if (off >= mt->nvec)
			return -EINVAL;
		if (op[0] == 'm')
			disable_irq(pci_irq_vector(mt->pdev, off));
		else
			enable_irq(pci_irq_vector(mt->pdev, off));
		return 0;
	}
	if (n == 2 && !strcmp(op, "intx")) {
		pci_intx(mt->pdev, off);
		return 0;
	}
	if (n < 2 || off >= mt->len)
		return -EINVAL;
	if (!strcmp(op, "r1"))
		return readb(mt->bar + off);
	if (!strcmp(op, "r2"))
		return readw(mt->bar + off);
	if (!strcmp(op, "r4"))
		return readl(mt->bar + off);
	if (!strcmp(op, "r8"))
		return readq(mt->bar + off);
	if (!strcmp(op, "ir4"))
		return ioread32(mt->bar + off);
	if (n < 3)
		return -EINVAL;
	if (!strcmp(op, "w1"))
		writeb(a, mt->bar + off);
	else if (!strcmp(op, "w2"))
		writew(a, mt->bar + off);
	else if (!strcmp(op, "w4"))
		writel(a, mt->bar + off);
	else if (!strcmp(op, "w8"))
		writeq(a, mt->bar + off);
	else if (!strcmp(op, "iw4"))
		iowrite32(a, mt->bar + off);
	else if (!strcmp(op, "wc4"))
		writel(a, mt->wc + off);
	else if (!strcmp(op, "stress"))
		ret = run_on_all_cpus(mt, off, a, false);
	else if (!strcmp(op, "hammer"))
		ret = run_on_all_cpus(mt, off, a, true);
	else if (!strcmp(op, "rep4") || !strcmp(op, "toio") || !strcmp(op, "fromio") ||
		 !strcmp(op, "set")) {
		unsigned long i, len = a;

		if (!len || off + (op[0] == 'r' ? 4 : len) > mt->len || len > 65536)
			return -EINVAL;
		buf = kmalloc(len * 4, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		if (!strcmp(op, "rep4")) {
			for (i = 0; i < len; i++)
				((u32 *)buf)[i] = i;
			iowrite32_rep(mt->bar + off, buf, len);
		} else if (!strcmp(op, "toio")) {
			for (i = 0; i < len; i++)
				buf[i] = (u8)(b + i);
			memcpy_toio(mt->bar + off, buf, len);
		} else if (!strcmp(op, "fromio")) {
			memcpy_fromio(buf, mt->bar + off, len);
			for (i = 0; i < len; i++)
				ret += buf[i];
		} else {
			memset_io(mt->bar + off, (int)b, len);
		}
		kfree(buf);
	} else {
		return -EINVAL;
	}
	return ret;
}

static ssize_t mt_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct mt_dev *mt = f->private_data;
	char cmd[96];
	long ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&mt->lock);
	ret = do_cmd(mt, cmd);
	/* Reads return values, which may look like errnos; the rest may fail. */
	if (ret < 0 && ret > -MAX_ERRNO && cmd[0] != 'r' && strncmp(cmd, "ir4", 3) &&
	    strncmp(cmd, "fromio", 6) && strncmp(cmd, "dmaget", 6)) {
		mutex_unlock(&mt->lock);
		return ret;
	}
	snprintf(mt->result, sizeof(mt->result), "%#lx\n", (unsigned long)ret);
	mutex_unlock(&mt->lock);
	return len;
}

static ssize_t mt_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct mt_dev *mt = f->private_data;
	ssize_t ret;

	mutex_lock(&mt->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, mt->result, strlen(mt->result));
	mutex_unlock(&mt->lock);
	return ret;
}

static const struct file_operations mt_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mt_read,
	.write = mt_write,
	.llseek = default_llseek,
};

static int mt_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mt_dev *mt;
	int ret;

	mt = devm_kzalloc(&pdev->dev, sizeof(*mt), GFP_KERNEL);
	if (!mt)
		return -ENOMEM;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), "pciem_mmio_test");
	if (ret)
		return ret;
	mt->pdev = pdev;
	mt->bar = pcim_iomap_table(pdev)[0];
	mt->len = pci_resource_len(pdev, 0);
	mt->wc = ioremap_wc(pci_resource_start(pdev, 0), mt->len);
	if (!mt->wc)
		return -ENOMEM;
	mutex_init(&mt->lock);
	strscpy(mt->result, "none\n", sizeof(mt->result));
	mt->file = debugfs_create_file(pci_name(pdev), 0600, mt_root, mt, &mt_fops);
	pci_set_drvdata(pdev, mt);
	pci_info(pdev, "pciem_mmio_test bound, BAR 0 %pR\n", &pdev->resource[0]);
	return 0;
}

static void mt_remove(struct pci_dev *pdev)
{
	struct mt_dev *mt = pci_get_drvdata(pdev);

	debugfs_remove(mt->file);
	mt_free_irqs(mt);
	if (mt->dma)
		dma_free_coherent(&pdev->dev, mt->dma_len, mt->dma, mt->dma_addr);
	if (mt->stream)
		mt_stream_free(mt);
	mt_release(mt);
	iounmap(mt->wc);
}

static const struct pci_device_id mt_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x00e2) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mt_ids);

static struct pci_driver mt_driver = {
	.name = "pciem_mmio_test",
	.id_table = mt_ids,
	.probe = mt_probe,
	.remove = mt_remove,
};

static int __init mmio_test_init(void)
{
	int ret;

	mt_slab = kmem_cache_create("pciem_mmio_test_1k", MT_SLAB_SIZE, MT_SLAB_SIZE, 0, NULL);
	if (!mt_slab)
		return -ENOMEM;
	mt_root = debugfs_create_dir("pciem_mmio_test", NULL);
	ret = pci_register_driver(&mt_driver);
	if (ret) {
		debugfs_remove_recursive(mt_root);
		kmem_cache_destroy(mt_slab);
	}
	return ret;
}

static void __exit mmio_test_exit(void)
{
	pci_unregister_driver(&mt_driver);
	debugfs_remove_recursive(mt_root);
	kmem_cache_destroy(mt_slab);
}

module_init(mmio_test_init);
module_exit(mmio_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pciem test driver: every MMIO accessor on command");
