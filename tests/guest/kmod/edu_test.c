// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu_test - a driver for QEMU's edu device (1234:11e8) that exercises it on
 * command, so that QEMU's "-device edu" and pciem-edu (examples/edu) can be
 * held to the same checks in the same VM (tests/guest/20-edu).
 *
 * It binds only where it is told to: through driver_override (QEMU's edu
 * is in the VM and other tests give it to vfio-pci), or by ID to an edu
 * with subsystem 1234:5ed0, which QEMU's edu does not have.  Like a real driver it checks in
 * probe that the device is alive: the identification register reads
 * 0x010000ed and the liveness register returns the inverse of a write.  Each bound device gets
 * /sys/kernel/debug/edu_test/<address>: write one command, read back the
 * result line (a failed command fails the write with its errno).
 *
 *   r1|r2|r4|r8 OFF                  BAR 0 read (readb/w/l/q)     -> value
 *   w1|w2|w4|w8 OFF VAL              BAR 0 write
 *   irq none|intx|msi [hard|thread] [ack|noack]
 *                                    interrupt set-up: "none" sets Interrupt
 *                                    Disable; the handler reads 0x24, adds it
 *                                    to "seen" and (ack) writes it to 0x64
 *                                                                  -> Linux irq
 *   clear                            zero the counters
 *   stats                            -> "CALLS EMPTY SEEN": handler calls that
 *                                    found status bits, calls that found none
 *                                    (MSI) / were not ours (INTx), OR of bits
 *   raise N                          N times: write bit (1 << i % 24) to 0x60
 *                                    and wait up to 2 s for one more handler
 *                                    call that finds status bits (calls that
 *                                    find none, e.g. a level interrupt looked
 *                                    at again before the device saw the
 *                                    acknowledgement, do not count); then
 *                                    50 ms of quiet               -> stats
 *   burst N                          write bits 0..N-1 to 0x60 back to back,
 *                                    wait up to 2 s until all were seen,
 *                                    then 50 ms of quiet          -> stats
 *   fact N [IRQ]                     factorial: 0x20 = IRQ ? 0x80 : 0, 0x08 = N,
 *                                    then wait (IRQ: counters cleared, then
 *                                    interrupt bit 0x01; busy bit clear;
 *                                    10 s each)                   -> 0x08
 *   fill|check OFF LEN SEED [START]  DMA buffer: write / compare bytes START..
 *                                    START+LEN-1 of pattern SEED at OFF
 *                                    (check -> number of bytes that differ)
 *   set OFF LEN BYTE                 DMA buffer: memset
 *   iova                             bus address of the DMA buffer
 *   dmastart DIR DEV BUFOFF LEN IRQ [HIGH]
 *                                    program a transfer: DIR 0 RAM -> device,
 *                                    1 device -> RAM; DEV the device address;
 *                                    RAM address iova + BUFOFF, ORed with HIGH
 *                                    (IRQ 1 clears the counters first)
 *   dmaprobe BUFOFF LEN              start RAM -> 0x40000, then at once rewrite
 *                                    every DMA register and read them back
 *                                    -> bits: 0 running, 1-3 source, destination,
 *                                    count unchanged, 4 command unchanged, 5
 *                                    command 0 after completion (0x3f: all good)
 *   dmawait IRQ                      wait for it (interrupt 0x100 or the
 *                                    command's bit 0, 5 s)          -> 0x98
 *   dma DIR DEV BUFOFF LEN IRQ [HIGH]   dmastart + dmawait          -> 0x98
 *   stress MS                        for MS milliseconds (or until the device
 *                                    is gone): liveness writes/reads, raises
 *                                    and acks, DMA both ways  -> "ok|gone OPS"
 *
 * /sys/kernel/debug/edu_test/stress_ops counts stress iterations of all
 * devices (readable while a stress command runs).
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"	/* kernel/pciem/compat.h */

#define EDU_ID		0x010000ed
#define R_ID		0x00
#define R_LIVE		0x04
#define R_FACT		0x08
#define R_STATUS	0x20
#define R_ISTATUS	0x24
#define R_RAISE		0x60
#define R_ACK		0x64
#define R_SRC		0x80
#define R_DST		0x88
#define R_CNT		0x90
#define R_CMD		0x98

#define BUF_SIZE	(16 * 1024)

enum { MODE_NONE, MODE_INTX, MODE_MSI };

struct et_dev {
	struct pci_dev *pdev;
	void __iomem *bar;
	resource_size_t len;
	struct dentry *file;
	struct mutex lock;
	char result[96];

	int mode, irq;
	bool ack;
	atomic_t calls, empty, seen;
	wait_queue_head_t wq;

	void *buf;
	dma_addr_t iova;
};

static struct dentry *et_root;
static atomic_t et_stress_ops;	/* debugfs edu_test/stress_ops, all devices */

static irqreturn_t et_handle(struct et_dev *et)
{
	u32 s = readl(et->bar + R_ISTATUS);

	if (s == ~0u)		/* the device is gone */
		return IRQ_NONE;
	if (!s) {
		atomic_inc(&et->empty);
		wake_up(&et->wq);
		return et->mode == MODE_INTX ? IRQ_NONE : IRQ_HANDLED;
	}
	if (et->ack)
		writel(s, et->bar + R_ACK);
	atomic_or(s, &et->seen);
	atomic_inc(&et->calls);
	wake_up(&et->wq);
	return IRQ_HANDLED;
}

static irqreturn_t et_hard(int irq, void *data)
{
	return et_handle(data);
}

static irqreturn_t et_thread(int irq, void *data)
{
	return et_handle(data);
}

static void et_irq_free(struct et_dev *et)
{
	if (et->irq > 0)
		free_irq(et->irq, et);
	if (et->mode != MODE_NONE)
		pci_free_irq_vectors(et->pdev);
	et->irq = 0;
	et->mode = MODE_NONE;
}

static long et_irq_setup(struct et_dev *et, const char *mode, bool threaded, bool ack)
{
	unsigned long flags = 0;
	int ret;

	et_irq_free(et);
	et->ack = ack;
	if (!strcmp(mode, "none")) {
		pci_intx(et->pdev, 0);
		return 0;
	}
	if (!strcmp(mode, "intx")) {
		ret = pci_alloc_irq_vectors(et->pdev, 1, 1, PCI_IRQ_INTX);
		if (ret < 0)
			return ret;
		et->mode = MODE_INTX;
		pci_intx(et->pdev, 1);
		flags = IRQF_SHARED;
	} else if (!strcmp(mode, "msi")) {
		ret = pci_alloc_irq_vectors(et->pdev, 1, 1, PCI_IRQ_MSI);
		if (ret < 0)
			return ret;
		et->mode = MODE_MSI;
	} else {
		return -EINVAL;
	}
	ret = pci_irq_vector(et->pdev, 0);
	if (ret <= 0) {
		et_irq_free(et);
		return ret ? ret : -ENXIO;
	}
	if (threaded)
		ret = request_threaded_irq(ret, NULL, et_thread, flags | IRQF_ONESHOT,
					   "edu_test", et);
	else
		ret = request_irq(ret, et_hard, flags, "edu_test", et);
	if (ret) {
		et_irq_free(et);
		return ret;
	}
	et->irq = pci_irq_vector(et->pdev, 0);
	return et->irq;
}

static void et_clear(struct et_dev *et)
{
	atomic_set(&et->calls, 0);
	atomic_set(&et->empty, 0);
	atomic_set(&et->seen, 0);
}

static void et_stats(struct et_dev *et)
{
	snprintf(et->result, sizeof(et->result), "%d %d %#x\n", atomic_read(&et->calls),
		 atomic_read(&et->empty), (u32)atomic_read(&et->seen));
}

static u8 pattern(unsigned long i, unsigned long seed)
{
	return (u8)(i * 31 + seed * 17 + (i >> 8) * 7);
}

/* Poll a register until (value & mask) == 0: 0, -ETIMEDOUT, -ENODEV (all ones). */
static int poll_clear(struct et_dev *et, unsigned int reg, u32 mask, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	u32 v;

	for (;;) {
		v = readl(et->bar + reg);
		if (v == ~0u)
			return -ENODEV;
		if (!(v & mask))
			return 0;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(200, 400);
	}
}

static int wait_seen(struct et_dev *et, u32 bits, unsigned int ms)
{
	long left = wait_event_timeout(et->wq, (atomic_read(&et->seen) & bits) == bits,
				       msecs_to_jiffies(ms));

	return left ? 0 : -ETIMEDOUT;
}

static void dma_program(struct et_dev *et, u64 dir, u64 dev, u64 bufoff, u64 len, u64 irq,
			u64 high)
{
	u64 ram = (et->iova + bufoff) | high;

	writeq(dir ? dev : ram, et->bar + R_SRC);
	writeq(dir ? ram : dev, et->bar + R_DST);
	writeq(len, et->bar + R_CNT);
	writel(1 | (dir ? 2 : 0) | (irq ? 4 : 0), et->bar + R_CMD);
}

static long dma_wait(struct et_dev *et, bool irq)
{
	int ret;

	if (irq) {
		ret = wait_seen(et, 0x100, 5000);
		if (ret)
			return ret;
	}
	ret = poll_clear(et, R_CMD, 1, 5000);
	if (ret)
		return ret;
	return readl(et->bar + R_CMD);
}

/* stress MS: everything at once until the time is up or the device is gone. */
static long et_stress(struct et_dev *et, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	unsigned long ops = 0;
	u32 v;

	while (time_before(jiffies, end)) {
		v = (u32)(ops * 0x9e3779b9u) | 1;
		writel(v, et->bar + R_LIVE);
		if (readl(et->bar + R_LIVE) != ~v)
			goto gone;
		writel(0x10000, et->bar + R_RAISE);
		writel(0x10000, et->bar + R_ACK);
		if ((ops & 63) == 0) {
			dma_program(et, ops & 64 ? 1 : 0, 0x40000, 0, 256, 0, 0);
			if (poll_clear(et, R_CMD, 1, 2000))
				goto gone;
		}
		if (readl(et->bar + R_ID) != EDU_ID)
			goto gone;
		ops++;
		atomic_inc(&et_stress_ops);
		cond_resched();
	}
	snprintf(et->result, sizeof(et->result), "ok %lu\n", ops);
	return 0;
gone:
	snprintf(et->result, sizeof(et->result), "gone %lu\n", ops);
	return 0;
}

static u64 bar_read(void __iomem *p, unsigned int width)
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

static void bar_write(void __iomem *p, unsigned int width, u64 v)
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

#define MAXTOK 8

/* Returns 1 when the command set et->result itself, 0 with *val, or -errno. */
static long do_cmd(struct et_dev *et, char *cmd, u64 *val)
{
	char *tok[MAXTOK], *p = cmd, *t;
	u64 a[MAXTOK] = { 0 };
	int n = 0, i;
	long ret;

	while ((t = strsep(&p, " \t\n")) != NULL) {
		if (!*t)
			continue;
		if (n == MAXTOK)
			return -EINVAL;
		tok[n++] = t;
	}
	if (!n)
		return -EINVAL;
	/* Numeric arguments (the irq command has words). */
	if (strcmp(tok[0], "irq"))
		for (i = 1; i < n; i++)
			if (kstrtou64(tok[i], 0, &a[i]))
				return -EINVAL;
	if ((tok[0][0] == 'r' || tok[0][0] == 'w') && tok[0][1] && !tok[0][2] &&
	    strchr("1248", tok[0][1])) {
		unsigned int width = tok[0][1] - '0';

		if (n < (tok[0][0] == 'r' ? 2 : 3) || a[1] + width > et->len)
			return -EINVAL;
		if (tok[0][0] == 'r')
			*val = bar_read(et->bar + a[1], width);
		else
			bar_write(et->bar + a[1], width, a[2]);
		return 0;
	}
	if (!strcmp(tok[0], "irq")) {
		bool threaded = false, ack = true;

		if (n < 2)
			return -EINVAL;
		for (i = 2; i < n; i++) {
			if (!strcmp(tok[i], "thread"))
				threaded = true;
			else if (!strcmp(tok[i], "hard"))
				threaded = false;
			else if (!strcmp(tok[i], "noack"))
				ack = false;
			else if (!strcmp(tok[i], "ack"))
				ack = true;
			else
				return -EINVAL;
		}
		ret = et_irq_setup(et, tok[1], threaded, ack);
		if (ret < 0)
			return ret;
		*val = ret;
		return 0;
	}
	if (!strcmp(tok[0], "clear")) {
		et_clear(et);
		*val = 0;
		return 0;
	}
	if (!strcmp(tok[0], "stats")) {
		et_stats(et);
		return 1;
	}
	if (!strcmp(tok[0], "raise")) {
		if (n < 2 || a[1] > 100000)
			return -EINVAL;
		for (i = 0; i < a[1]; i++) {
			int before = atomic_read(&et->calls);

			writel(1u << (i % 24), et->bar + R_RAISE);
			if (!wait_event_timeout(et->wq, atomic_read(&et->calls) != before,
						msecs_to_jiffies(2000)))
				break;
		}
		msleep(50);
		et_stats(et);
		return 1;
	}
	if (!strcmp(tok[0], "burst")) {
		if (n < 2 || a[1] < 1 || a[1] > 24)
			return -EINVAL;
		for (i = 0; i < a[1]; i++)
			writel(1u << i, et->bar + R_RAISE);
		wait_seen(et, (1u << a[1]) - 1, 2000);
		msleep(50);
		et_stats(et);
		return 1;
	}
	if (!strcmp(tok[0], "fact")) {
		if (n < 2)
			return -EINVAL;
		if (a[2])
			et_clear(et);
		writel(a[2] ? 0x80 : 0, et->bar + R_STATUS);
		writel((u32)a[1], et->bar + R_FACT);
		if (a[2]) {
			ret = wait_seen(et, 0x1, 10000);
			if (ret)
				return ret;
		}
		ret = poll_clear(et, R_STATUS, 1, 10000);
		if (ret)
			return ret;
		*val = readl(et->bar + R_FACT);
		return 0;
	}
	if (!strcmp(tok[0], "fill") || !strcmp(tok[0], "check") || !strcmp(tok[0], "set")) {
		u8 *b = et->buf;
		unsigned long k, bad = 0;

		if (n < 4 || a[1] > BUF_SIZE || a[2] > BUF_SIZE - a[1])
			return -EINVAL;
		for (k = 0; k < a[2]; k++) {
			if (tok[0][0] == 'f')
				b[a[1] + k] = pattern(a[4] + k, a[3]);
			else if (tok[0][0] == 's')
				b[a[1] + k] = (u8)a[3];
			else if (b[a[1] + k] != pattern(a[4] + k, a[3]))
				bad++;
		}
		*val = bad;
		return 0;
	}
	if (!strcmp(tok[0], "iova")) {
		*val = et->iova;
		return 0;
	}
	if (!strcmp(tok[0], "dmastart") || !strcmp(tok[0], "dma")) {
		if (n < 6 || a[3] > BUF_SIZE || a[4] > BUF_SIZE - a[3])
			return -EINVAL;
		if (a[5])
			et_clear(et);
		dma_program(et, a[1], a[2], a[3], a[4], a[5], a[6]);
		if (tok[0][3] == 's') {
			*val = 0;
			return 0;
		}
		ret = dma_wait(et, a[5]);
		if (ret < 0)
			return ret;
		*val = ret;
		return 0;
	}
	if (!strcmp(tok[0], "dmaprobe")) {
		u64 src, dst, cnt;

		if (n < 3 || a[1] > BUF_SIZE || a[2] > BUF_SIZE - a[1])
			return -EINVAL;
		dma_program(et, 0, 0x40000, a[1], a[2], 0, 0);
		src = readq(et->bar + R_SRC);
		dst = readq(et->bar + R_DST);
		cnt = readq(et->bar + R_CNT);
		*val = readl(et->bar + R_CMD) == 1;
		writeq(src ^ 0x1000, et->bar + R_SRC);
		writeq(dst ^ 0x10, et->bar + R_DST);
		writel(cnt ^ 1, et->bar + R_CNT);
		writel(7, et->bar + R_CMD);
		*val |= (readq(et->bar + R_SRC) == src) << 1;
		*val |= (readq(et->bar + R_DST) == dst) << 2;
		*val |= (readq(et->bar + R_CNT) == cnt) << 3;
		*val |= (readl(et->bar + R_CMD) == 1) << 4;
		ret = dma_wait(et, false);
		if (ret < 0)
			return ret;
		*val |= (ret == 0) << 5;
		return 0;
	}
	if (!strcmp(tok[0], "dmawait")) {
		if (n < 2)
			return -EINVAL;
		ret = dma_wait(et, a[1]);
		if (ret < 0)
			return ret;
		*val = ret;
		return 0;
	}
	if (!strcmp(tok[0], "stress")) {
		if (n < 2 || a[1] > 15000)
			return -EINVAL;
		et_stress(et, a[1]);
		return 1;
	}
	return -EINVAL;
}

static ssize_t et_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct et_dev *et = f->private_data;
	char cmd[128];
	u64 val = 0;
	long ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&et->lock);
	ret = do_cmd(et, cmd, &val);
	if (ret == 0)
		snprintf(et->result, sizeof(et->result), "%#llx\n", (unsigned long long)val);
	else if (ret < 0)
		snprintf(et->result, sizeof(et->result), "error %ld\n", ret);
	mutex_unlock(&et->lock);
	return ret < 0 ? ret : len;
}

static ssize_t et_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	struct et_dev *et = f->private_data;
	ssize_t ret;

	mutex_lock(&et->lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, et->result, strlen(et->result));
	mutex_unlock(&et->lock);
	return ret;
}

static const struct file_operations et_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = et_read,
	.write = et_write,
	.llseek = default_llseek,
};

static int et_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct et_dev *et;
	u32 ident, live;
	int ret;

	if (pdev->vendor != 0x1234 || pdev->device != 0x11e8)
		return -ENODEV;
	et = devm_kzalloc(&pdev->dev, sizeof(*et), GFP_KERNEL);
	if (!et)
		return -ENOMEM;
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), "edu_test");
	if (ret)
		return ret;
	/* The edu device drives 28 address bits. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(28));
	if (ret)
		return ret;
	pci_set_master(pdev);
	et->pdev = pdev;
	et->bar = pcim_iomap_table(pdev)[0];
	ident = readl(et->bar + 0x00);
	writel(0x5eed1234, et->bar + 0x04);
	live = readl(et->bar + 0x04);
	if (ident != 0x010000ed || live != ~0x5eed1234u) {
		pci_err(pdev, "edu_test: device not alive (identification %#x, liveness %#x)\n",
			ident, live);
		return -EIO;
	}
	et->len = pci_resource_len(pdev, 0);
	et->buf = dma_alloc_coherent(&pdev->dev, BUF_SIZE, &et->iova, GFP_KERNEL);
	if (!et->buf)
		return -ENOMEM;
	mutex_init(&et->lock);
	init_waitqueue_head(&et->wq);
	strscpy(et->result, "none\n", sizeof(et->result));
	pci_intx(pdev, 0);	/* no interrupts until told */
	pci_set_drvdata(pdev, et);
	et->file = debugfs_create_file(pci_name(pdev), 0600, et_root, et, &et_fops);
	pci_info(pdev, "edu_test bound, BAR 0 %pR, DMA buffer at %pad\n", &pdev->resource[0],
		 &et->iova);
	return 0;
}

static void et_remove(struct pci_dev *pdev)
{
	struct et_dev *et = pci_get_drvdata(pdev);

	/* Waits for a command in progress. */
	debugfs_remove(et->file);
	et_irq_free(et);
	dma_free_coherent(&pdev->dev, BUF_SIZE, et->buf, et->iova);
}

/*
 * Only an edu with subsystem 1234:5ed0 (pciem-edu --subsystem 1234:5ed0)
 * matches by ID, and is probed the moment it is on the bus; every other
 * edu, QEMU's (1af4:1100) included, is handed over with driver_override.
 */
static const struct pci_device_id et_ids[] = {
	{ PCI_DEVICE_SUB(0x1234, 0x11e8, 0x1234, 0x5ed0) },
	{ }
};

static struct pci_driver et_driver = {
	.name = "edu_test",
	.id_table = et_ids,
	.probe = et_probe,
	.remove = et_remove,
};

static int __init et_init(void)
{
	et_root = debugfs_create_dir("edu_test", NULL);
	debugfs_create_atomic_t("stress_ops", 0400, et_root, &et_stress_ops);
	return pci_register_driver(&et_driver);
}

static void __exit et_exit(void)
{
	pci_unregister_driver(&et_driver);
	debugfs_remove_recursive(et_root);
}

module_init(et_init);
module_exit(et_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("edu test driver: every register, interrupt and DMA of QEMU's edu on command");
