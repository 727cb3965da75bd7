// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_bench - the driver half of the pciem benchmarks (bench/pciem_bench.c
 * is the device half).  It binds to 1b36:00eb, maps BAR 0 (traced by the
 * emulator) and BAR 2 (not traced), and makes
 * /sys/kernel/debug/pciem_bench/<address>/{cmd,samples}: write one command
 * to cmd, read back its result line; the timings a command collected are
 * in samples (u64 values, native endian, two per sample where noted).
 *
 *   wlat N GAP_US OFF     N times: sleep GAP_US, t0 = ktime_get_ns(),
 *                         writeq(t0, BAR0 + OFF), t1 = ktime_get_ns()
 *                         samples: (t0, t1) pairs                  -> N
 *   rlat N GAP_US OFF     N times: sleep GAP_US, t0, readl(BAR0 + OFF), t1
 *                         samples: (t0, t1) pairs        -> reads of all ones
 *   wrate N OFF           writel(1..N, BAR0 + OFF) back to back    -> ns taken
 *   plain N               N readl then N writel of BAR 2 (untraced), timed
 *                         one by one; samples: N read then N write durations
 *   irq on OFF            one MSI vector; the handler writes ktime_get_ns()
 *                         to BAR0 + OFF (writeq) as its first act
 *                                                      -> its Linux interrupt
 *   irq off               free it
 *   irqs                  handler calls so far
 *   dmabuf SIZE           dma_alloc_coherent(SIZE)                 -> bus address
 *   dmafree               dma_free_coherent()
 *   dmasum OFF LEN        sum of the buffer's bytes [OFF, OFF + LEN)
 *   kcopy LEN REPS MODE   REPS copies of LEN bytes from the DMA buffer into
 *                         kernel memory: MODE 0 memcpy() (rep movsb where the
 *                         CPU has ERMS, as copy_to_user()), 1 an 8-byte loop
 *                                                                  -> ns taken
 *   nofault N             N copy_from_kernel_nofault() of an unmapped kernel
 *                         page: a page fault fixed up through the exception
 *                         table, the cheapest kernel fault there is -> ns taken
 *   ktime N               N ktime_get_ns()                         -> ns taken
 *   faults on|off         count kernel page faults that reach
 *                         fixup_exception() (a kprobe), for diagnosis only
 *                                                     -> count so far (off: total)
 *
 * Timing loops run in the context of the process that writes the command,
 * on whatever CPU it is pinned to.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define PB_MAX_SAMPLES	(1 << 20)

struct pb_dev {
	struct pci_dev *pdev;
	void __iomem *bar;		/* BAR 0: traced */
	void __iomem *plain;		/* BAR 2: not traced */
	resource_size_t len, plain_len;
	struct dentry *dir;
	struct mutex lock;
	char result[96];

	u64 *samples;			/* vmalloc'ed, PB_MAX_SAMPLES */
	size_t nsamples;		/* u64 values in samples */

	int irq;			/* 0: none */
	unsigned long irq_off;
	atomic_t irqs;

	void *dma;
	dma_addr_t dma_addr;
	size_t dma_len;
};

static struct dentry *pb_root;

/* ---- fault counting (diagnosis) ------------------------------------------ */

static atomic64_t pb_faults;
static bool pb_kprobe_on;

static int pb_fault_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic64_inc(&pb_faults);
	return 0;
}

static struct kprobe pb_kp = {
	.symbol_name = "fixup_exception",
	.pre_handler = pb_fault_pre,
};

static long pb_faults_cmd(bool on)
{
	int ret;

	if (on) {
		if (!pb_kprobe_on) {
			memset(&pb_kp, 0, sizeof(pb_kp));
			pb_kp.symbol_name = "fixup_exception";
			pb_kp.pre_handler = pb_fault_pre;
			ret = register_kprobe(&pb_kp);
			if (ret)
				return ret;
			pb_kprobe_on = true;
		}
		atomic64_set(&pb_faults, 0);
		return 0;
	}
	if (pb_kprobe_on) {
		unregister_kprobe(&pb_kp);
		pb_kprobe_on = false;
	}
	return atomic64_read(&pb_faults);
}

/* ---- interrupts ------------------------------------------------------------ */

static irqreturn_t pb_irq(int irq, void *data)
{
	struct pb_dev *pb = data;

	writeq(ktime_get_ns(), pb->bar + pb->irq_off);
	atomic_inc(&pb->irqs);
	return IRQ_HANDLED;
}

static void pb_irq_off(struct pb_dev *pb)
{
	if (!pb->irq)
		return;
	free_irq(pb->irq, pb);
	pci_free_irq_vectors(pb->pdev);
	pb->irq = 0;
}

static long pb_irq_on(struct pb_dev *pb, unsigned long off)
{
	int ret;

	if (pb->irq || off + 8 > pb->len)
		return -EINVAL;
	ret = pci_alloc_irq_vectors(pb->pdev, 1, 1, PCI_IRQ_MSI);
	if (ret < 0)
		return ret;
	pb->irq_off = off;
	atomic_set(&pb->irqs, 0);
	ret = request_irq(pci_irq_vector(pb->pdev, 0), pb_irq, 0, "pciem_bench", pb);
	if (ret) {
		pci_free_irq_vectors(pb->pdev);
		return ret;
	}
	pb->irq = pci_irq_vector(pb->pdev, 0);
	return pb->irq;
}

/* ---- timing loops ------------------------------------------------------------ */

static void pb_sleep(unsigned long us)
{
	if (us)
		usleep_range(us, us + us / 8 + 1);
}

static long pb_wlat(struct pb_dev *pb, unsigned long n, unsigned long gap, unsigned long off)
{
	unsigned long i;
	u64 t0;

	if (n > PB_MAX_SAMPLES / 2 || off + 8 > pb->len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		pb_sleep(gap);
		t0 = ktime_get_ns();
		writeq(t0, pb->bar + off);
		pb->samples[2 * i + 1] = ktime_get_ns();
		pb->samples[2 * i] = t0;
	}
	pb->nsamples = 2 * n;
	return n;
}

static long pb_rlat(struct pb_dev *pb, unsigned long n, unsigned long gap, unsigned long off)
{
	unsigned long i, bad = 0;
	u64 t0;

	if (n > PB_MAX_SAMPLES / 2 || off + 4 > pb->len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		pb_sleep(gap);
		t0 = ktime_get_ns();
		if (readl(pb->bar + off) == ~0u)
			bad++;
		pb->samples[2 * i + 1] = ktime_get_ns();
		pb->samples[2 * i] = t0;
	}
	pb->nsamples = 2 * n;
	return bad;
}

static long pb_wrate(struct pb_dev *pb, unsigned long n, unsigned long off)
{
	unsigned long i;
	u64 t0;

	if (off + 4 > pb->len)
		return -EINVAL;
	t0 = ktime_get_ns();
	for (i = 1; i <= n; i++)
		writel(i, pb->bar + off);
	return ktime_get_ns() - t0;
}

static long pb_plain(struct pb_dev *pb, unsigned long n)
{
	unsigned long i;
	u64 t0;

	if (!pb->plain || n > PB_MAX_SAMPLES / 2)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		(void)readl(pb->plain + 4 * (i % 64));
		pb->samples[i] = ktime_get_ns() - t0;
	}
	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		writel(i, pb->plain + 4 * (i % 64));
		pb->samples[n + i] = ktime_get_ns() - t0;
	}
	pb->nsamples = 2 * n;
	return n;
}

static long pb_kcopy(struct pb_dev *pb, unsigned long len, unsigned long reps,
		     unsigned long mode)
{
	unsigned long r, i;
	u64 t0;

	if (!pb->dma || !len || len > pb->dma_len || len > PB_MAX_SAMPLES * sizeof(u64) ||
	    len % 8 || !reps)
		return -EINVAL;
	t0 = ktime_get_ns();
	for (r = 0; r < reps; r++) {
		if (mode == 0) {
			memcpy(pb->samples, pb->dma, len);
		} else {
			const u64 *src = pb->dma;
			u64 *dst = pb->samples;

			for (i = 0; i < len / 8; i++)
				WRITE_ONCE(dst[i], READ_ONCE(src[i]));
		}
		cond_resched();
	}
	pb->nsamples = 0;
	return ktime_get_ns() - t0;
}

/* A vmalloc area's guard page is never mapped: every access faults. */
static long pb_nofault(unsigned long n)
{
	char *p = vmalloc(PAGE_SIZE);
	unsigned long i;
	u32 v;
	u64 t0;

	if (!p)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		if (!copy_from_kernel_nofault(&v, p + PAGE_SIZE, sizeof(v)))
			break;
	t0 = ktime_get_ns() - t0;
	vfree(p);
	return i == n ? (long)t0 : -EIO;
}

static long pb_ktime(unsigned long n)
{
	unsigned long i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < n; i++)
		ktime_get_ns();
	return ktime_get_ns() - t0;
}

/* ---- commands ---------------------------------------------------------------- */

static long do_cmd(struct pb_dev *pb, const char *cmd)
{
	unsigned long a = 0, b = 0, c = 0;
	char op[16], word[8];
	int n;

	if (!strncmp(cmd, "irq ", 4) && sscanf(cmd + 4, "%7s %li", word, &a) >= 1) {
		if (!strcmp(word, "on"))
			return pb_irq_on(pb, a);
		if (!strcmp(word, "off")) {
			pb_irq_off(pb);
			return 0;
		}
		return -EINVAL;
	}
	if (!strncmp(cmd, "faults ", 7) && sscanf(cmd + 7, "%7s", word) == 1)
		return pb_faults_cmd(!strcmp(word, "on"));
	n = sscanf(cmd, "%15s %li %li %li", op, &a, &b, &c);
	if (n < 1)
		return -EINVAL;
	if (!strcmp(op, "wlat") && n == 4)
		return pb_wlat(pb, a, b, c);
	if (!strcmp(op, "rlat") && n == 4)
		return pb_rlat(pb, a, b, c);
	if (!strcmp(op, "wrate") && n == 3)
		return pb_wrate(pb, a, b);
	if (!strcmp(op, "plain") && n == 2)
		return pb_plain(pb, a);
	if (!strcmp(op, "kcopy") && n == 4)
		return pb_kcopy(pb, a, b, c);
	if (!strcmp(op, "nofault") && n == 2)
		return pb_nofault(a);
	if (!strcmp(op, "ktime") && n == 2)
		return pb_ktime(a);
	if (!strcmp(op, "irqs"))
		return atomic_read(&pb->irqs);
	if (!strcmp(op, "dmabuf") && n == 2) {
		if (pb->dma || !a || a > (4 << 20))
			return -EINVAL;
		pb->dma = dma_alloc_coherent(&pb->pdev->dev, a, &pb->dma_addr, GFP_KERNEL);
		if (!pb->dma)
			return -ENOMEM;
		pb->dma_len = a;
		return pb->dma_addr;
	}
	if (!strcmp(op, "dmafree")) {
		if (!pb->dma)
			return -EINVAL;
		dma_free_coherent(&pb->pdev->dev, pb->dma_len, pb->dma, pb->dma_addr);
		pb->dma = NULL;
		return 0;
	}
	if (!strcmp(op, "dmasum") && n == 3) {
		unsigned long i, sum = 0;

		if (!pb->dma || a > pb->dma_len || b > pb->dma_len - a)
			return -EINVAL;
		for (i = 0; i < b; i++)
			sum += ((u8 *)pb->dma)[a + i];
		return sum;
	}
	return -EINVAL;
}

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct pb_dev *pb = f->private_data;
	char cmd[96];
	long ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&pb->lock);
	ret = do_cmd(pb, cmd);
	if (ret < 0 && ret > -MAX_ERRNO && strncmp(cmd, "dmabuf", 6)) {
		mutex_unlock(&pb->lock);
		return ret;
	}
	snprintf(pb->result, sizeof(pb->result), "%#lx\n", (unsigned long)ret);
	mutex_unlock(&pb->lock);
	return len;
}

static ssize_t cmd_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct pb_dev *pb = f->private_data;
	ssize_t ret;

	mutex_lock(&pb->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, pb->result, strlen(pb->result));
	mutex_unlock(&pb->lock);
	return ret;
}

static ssize_t samples_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct pb_dev *pb = f->private_data;
	ssize_t ret;

	mutex_lock(&pb->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, pb->samples,
				      pb->nsamples * sizeof(u64));
	mutex_unlock(&pb->lock);
	return ret;
}

static const struct file_operations cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = cmd_read,
	.write = cmd_write,
	.llseek = default_llseek,
};

static const struct file_operations samples_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = samples_read,
	.llseek = default_llseek,
};

static int pb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pb_dev *pb;
	int ret;

	pb = devm_kzalloc(&pdev->dev, sizeof(*pb), GFP_KERNEL);
	if (!pb)
		return -ENOMEM;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0) | (pci_resource_len(pdev, 2) ? BIT(2) : 0),
				 "pciem_bench");
	if (ret)
		return ret;
	pb->samples = vzalloc(PB_MAX_SAMPLES * sizeof(u64));
	if (!pb->samples)
		return -ENOMEM;
	pb->pdev = pdev;
	pb->bar = pcim_iomap_table(pdev)[0];
	pb->len = pci_resource_len(pdev, 0);
	pb->plain = pcim_iomap_table(pdev)[2];
	pb->plain_len = pci_resource_len(pdev, 2);
	mutex_init(&pb->lock);
	strscpy(pb->result, "none\n", sizeof(pb->result));
	pb->dir = debugfs_create_dir(pci_name(pdev), pb_root);
	debugfs_create_file("cmd", 0600, pb->dir, pb, &cmd_fops);
	debugfs_create_file("samples", 0400, pb->dir, pb, &samples_fops);
	pci_set_drvdata(pdev, pb);
	return 0;
}

static void pb_remove(struct pci_dev *pdev)
{
	struct pb_dev *pb = pci_get_drvdata(pdev);

	debugfs_remove_recursive(pb->dir);
	pb_irq_off(pb);
	if (pb->dma)
		dma_free_coherent(&pdev->dev, pb->dma_len, pb->dma, pb->dma_addr);
	vfree(pb->samples);
}

static const struct pci_device_id pb_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x00eb) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pb_ids);

static struct pci_driver pb_driver = {
	.name = "pciem_bench",
	.id_table = pb_ids,
	.probe = pb_probe,
	.remove = pb_remove,
};

static int __init pb_init(void)
{
	pb_root = debugfs_create_dir("pciem_bench", NULL);
	return pci_register_driver(&pb_driver);
}

static void __exit pb_exit(void)
{
	pci_unregister_driver(&pb_driver);
	debugfs_remove_recursive(pb_root);
	pb_faults_cmd(false);
}

module_init(pb_init);
module_exit(pb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pciem benchmarks: the driver side (MMIO, interrupt and DMA timings)");
