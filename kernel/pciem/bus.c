// SPDX-License-Identifier: GPL-2.0-only
/*
 * bus.c - putting an emulated function on a PCI bus.
 *
 * VIRTUAL mode: each device gets a host bridge of its own, made with
 * pci_create_root_bus() as drivers/pci/controller/vmd.c does, in PCI domain 0
 * on a bus number nothing else uses (searched downwards from 0xff).  Domain
 * 0 matters: an IOMMU whose DMAR unit covers "all devices of segment 0"
 * (QEMU's intel-iommu, most Intel hosts) then gives the device an IOMMU
 * group, which vfio-pci needs.  Its configuration accessors serve devfn 00.0
 * from the device's core/ model and report every other devfn as absent.
 *
 * ATTACH mode: the device takes function 0 of a free slot on an existing bus
 * (module parameter pciem_attach_bus, default 0000:00).  The bus's pci_ops
 * are replaced by a copy whose read/write serve our slots from our models
 * and hand every other access to the original accessors; the original ops
 * come back when the last attached device leaves.
 *
 * In both modes BAR resources are claimed inside the BAR pool resource, so
 * /proc/iomem shows them and pci_enable_device() accepts them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "pciem.h"

#define PCIEM_DOMAIN		0
#define PCIEM_BUS_FIRST		0xff	/* bus numbers are searched downwards */
#define PCIEM_BUS_LAST		0x01

/* Serialises finding a free place and adding/removing devices. */
static DEFINE_MUTEX(topology_lock);

/* ---- configuration accessors shared by both modes --------------------- */

/*
 * The accessors run under the PCI core's pci_lock, in atomic context; events
 * are pushed after the model's lock is dropped.
 */
u32 pciem_cfg_read(struct pciem_device *dev, int where, int size)
{
	unsigned long flags;
	u32 val;

	/* The emulator or the function is gone: it reads as absent (all ones). */
	if (READ_ONCE(dev->dead) || READ_ONCE(dev->removed))
		return size == 4 ? ~0u : (1u << (size * 8)) - 1;
	pciem_events_order_writes(dev);
	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	val = pcfg_read(dev->cfg, where, size);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	if (READ_ONCE(dev->trace_cfg) & PCIEM_TRACE_READS)
		pciem_event_push(dev, PCIEM_EVENT_CONFIG_READ, PCIEM_TRACE_CONFIG_SPACE, where,
				 size, val, true);
	return val;
}

void pciem_cfg_write(struct pciem_device *dev, int where, int size, u32 val)
{
	unsigned long flags;
	u32 pending, now;

	if (READ_ONCE(dev->dead) || READ_ONCE(dev->removed))
		return;
	pciem_events_order_writes(dev);
	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	pcfg_write(dev->cfg, where, size, val);
	now = pcfg_read(dev->cfg, where, size);
	pending = pcfg_take_pending(dev->cfg);
	/*
	 * Initiate FLR: the function returns to its power-on state at once;
	 * Linux waits 100 ms and then restores what it saved.
	 */
	if (pending & PCFG_PENDING_FLR)
		pcfg_reset(dev->cfg);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);

	/* CONFIG_WRITE carries the register as the write left it (masks applied). */
	if (READ_ONCE(dev->trace_cfg) & PCIEM_TRACE_WRITES)
		pciem_event_push(dev, PCIEM_EVENT_CONFIG_WRITE, PCIEM_TRACE_CONFIG_SPACE, where,
				 size, now, true);
	if (pending & PCFG_PENDING_FLR)
		pciem_event_push(dev, PCIEM_EVENT_RESET, PCIEM_TRACE_CONFIG_SPACE, 0, 0,
				 PCIEM_RESET_FLR, true);
	/* Unmasking or enabling may release pending interrupts. */
	pciem_irq_config_written(dev);
}

u16 pciem_cfg_get16(struct pciem_device *dev, unsigned int off)
{
	unsigned long flags;
	u16 v;

	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	v = pcfg_get16(dev->cfg, off);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	return v;
}

u32 pciem_cfg_get32(struct pciem_device *dev, unsigned int off)
{
	unsigned long flags;
	u32 v;

	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	v = pcfg_get32(dev->cfg, off);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	return v;
}

/* Where the MSI-X table and PBA are (false: no MSI-X capability). */
bool pciem_cfg_msix_layout(struct pciem_device *dev, struct pcfg_msix_layout *l)
{
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	ret = pcfg_msix_layout(dev->cfg, l);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
	return ret;
}

/* MSI Pending Bits: read-only to software, set by the device. */
void pciem_cfg_set_msi_pending(struct pciem_device *dev, unsigned int off, u32 bits)
{
	unsigned long flags;
	int i;

	raw_spin_lock_irqsave(&dev->cfg_lock, flags);
	for (i = 0; i < 4; i++)
		dev->cfg->data[off + i] = bits >> (8 * i);
	raw_spin_unlock_irqrestore(&dev->cfg_lock, flags);
}

/* ---- VIRTUAL: a host bridge of our own ---------------------------------- */

static struct pciem_device *vbus_dev(struct pci_bus *bus)
{
	return container_of(bus->sysdata, struct pciem_device, sysdata);
}

/*
 * Only devfn 00.0 exists, and only until the PCI core removes it: a rescan
 * after a sysfs remove finds nothing (the function is gone for good).
 */
static int vbus_read(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)
{
	if (devfn != 0 || READ_ONCE(vbus_dev(bus)->removed)) {
		*val = ~0u;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	*val = pciem_cfg_read(vbus_dev(bus), where, size);
	return PCIBIOS_SUCCESSFUL;
}

static int vbus_write(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)
{
	if (devfn != 0 || READ_ONCE(vbus_dev(bus)->removed))
		return PCIBIOS_DEVICE_NOT_FOUND;
	pciem_cfg_write(vbus_dev(bus), where, size, val);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops vbus_ops = {
	.read = vbus_read,
	.write = vbus_write,
};

/* A bus number that is no bus yet and lies behind no bridge. */
static int find_free_busnr(void)
{
	struct pci_bus *b;
	int nr;

	for (nr = PCIEM_BUS_FIRST; nr >= PCIEM_BUS_LAST; nr--) {
		bool used = false;

		if (pci_find_bus(PCIEM_DOMAIN, nr))
			continue;
		b = NULL;
		while ((b = pci_find_next_bus(b))) {
			if (pci_domain_nr(b) != PCIEM_DOMAIN || pci_is_root_bus(b))
				continue;
			if (nr >= b->busn_res.start && nr <= b->busn_res.end) {
				used = true;
				break;
			}
		}
		if (!used)
			return nr;
	}
	return -ENOSPC;
}

/* The host bridge is freed when its last user lets go, maybe after close(). */
static void vbus_release(struct pci_host_bridge *bridge)
{
	struct pciem_device *dev = bridge->release_data;

	pciem_device_put(dev);
	module_put(THIS_MODULE);
}

static int claim_bars(struct pciem_device *dev)
{
	struct resource *pool = pciem_pool_resource();
	int i;

	for (i = 0; i < PCFG_NUM_BARS; i++) {
		struct resource *r = &dev->pdev->resource[i];

		if (!dev->bars[i].phys)
			continue;
		if (!pool || r->start != dev->bars[i].phys ||
		    resource_size(r) != dev->bars[i].size) {
			pci_err(dev->pdev, "BAR %d reads back as %pR, not where pciem put it\n",
				i, r);
			return -EIO;
		}
		if (request_resource(pool, r)) {
			pci_err(dev->pdev, "BAR %d %pR: cannot claim it in the BAR pool\n", i, r);
			return -EBUSY;
		}
	}
	return 0;
}

/*
 * The PCI core releases the BAR resources as it destroys the pci_dev.
 * pci_remove_root_bus() unregisters the host bridge; the reference that
 * pci_create_root_bus() handed us is dropped here, and the bridge (with our
 * reference on the device) goes when its last user lets go.
 */
static void vbus_destroy(struct pci_bus *bus)
{
	struct device *bridge = bus->bridge;

	pci_stop_root_bus(bus);
	pci_remove_root_bus(bus);
	put_device(bridge);
}

static int vbus_add(struct pciem_device *dev)
{
	struct pci_host_bridge *bridge;
	struct resource *pool = pciem_pool_resource();
	struct pci_dev *pdev;
	struct pci_bus *bus;
	LIST_HEAD(resources);
	int nr, ret;

	nr = find_free_busnr();
	if (nr < 0)
		return nr;

	dev->sysdata.domain = PCIEM_DOMAIN;
	dev->sysdata.node = NUMA_NO_NODE;
	dev->busn.name = "pciem bus";
	dev->busn.start = nr;
	dev->busn.end = nr;
	dev->busn.flags = IORESOURCE_BUS;
	pci_add_resource(&resources, &dev->busn);
	if (pool)
		pci_add_resource(&resources, pool);

	bus = pci_create_root_bus(NULL, nr, &vbus_ops, &dev->sysdata, &resources);
	if (!bus) {
		pci_free_resource_list(&resources);
		return -ENOMEM;
	}
	bridge = to_pci_host_bridge(bus->bridge);
	/* The bridge keeps the device (its sysdata) and the module (its ops). */
	pciem_device_get(dev);
	__module_get(THIS_MODULE);
	pci_set_host_bridge_release(bridge, vbus_release, dev);

	dev->bus = bus;
	dev->devfn = 0;
	dev->pdev = pci_dev_get(pci_scan_single_device(bus, 0));
	if (!dev->pdev) {
		ret = -EIO;
		goto err_bus;
	}
	ret = claim_bars(dev);
	if (ret)
		goto err_bus;
	pciem_irq_attach(dev);
	pciem_dma_ops_attach(dev);
	queue_work(system_unbound_wq, &dev->add_work);
	return 0;

err_bus:
	/* Not yet a function the notifier should report as removed. */
	pdev = dev->pdev;
	dev->pdev = NULL;
	vbus_destroy(bus);
	pci_dev_put(pdev);
	dev->bus = NULL;
	return ret;
}

/* The function may be gone already (removed by the PCI core): the bus is not. */
static void vbus_remove(struct pciem_device *dev)
{
	vbus_destroy(dev->bus);
	dev->bus = NULL;
}

/* ---- ATTACH: a slot on an existing bus ---------------------------------- */

struct pciem_attach_bus {
	struct pci_bus *bus;
	struct pci_ops *orig;
	struct pci_ops ops;			/* copy of *orig with our read/write */
	struct pciem_device *slot[32];		/* function 0 of each slot */
	unsigned int users;
};

static struct pciem_attach_bus *attach_bus;	/* under topology_lock */
static DEFINE_RAW_SPINLOCK(attach_lock);	/* slot[] against the accessors */
static unsigned int attach_domain;
static unsigned int attach_busnr;

static struct pciem_attach_bus *abus_of(struct pci_bus *bus)
{
	return container_of(bus->ops, struct pciem_attach_bus, ops);
}

/*
 * Our slot's function 0 is served from the model; its other functions do
 * not exist; everything else goes to the bus's own accessors.  Runs under
 * pci_lock, so the ops cannot be swapped back underneath us.
 */
static int abus_read(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)
{
	struct pciem_attach_bus *ab = abus_of(bus);
	struct pciem_device *dev;
	unsigned long flags;

	raw_spin_lock_irqsave(&attach_lock, flags);
	dev = ab->slot[PCI_SLOT(devfn)];
	if (dev && PCI_FUNC(devfn) == 0)
		*val = pciem_cfg_read(dev, where, size);
	raw_spin_unlock_irqrestore(&attach_lock, flags);
	if (dev) {
		if (PCI_FUNC(devfn) == 0)
			return PCIBIOS_SUCCESSFUL;
		*val = ~0u;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	return ab->orig->read(bus, devfn, where, size, val);
}

static int abus_write(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)
{
	struct pciem_attach_bus *ab = abus_of(bus);
	struct pciem_device *dev;
	unsigned long flags;

	raw_spin_lock_irqsave(&attach_lock, flags);
	dev = ab->slot[PCI_SLOT(devfn)];
	if (dev && PCI_FUNC(devfn) == 0)
		pciem_cfg_write(dev, where, size, val);
	raw_spin_unlock_irqrestore(&attach_lock, flags);
	if (dev)
		return PCI_FUNC(devfn) == 0 ? PCIBIOS_SUCCESSFUL : PCIBIOS_DEVICE_NOT_FOUND;
	return ab->orig->write(bus, devfn, where, size, val);
}

static struct pciem_attach_bus *abus_get(void)
{
	struct pciem_attach_bus *ab;
	struct pci_bus *bus;

	if (attach_bus) {
		attach_bus->users++;
		return attach_bus;
	}
	bus = pci_find_bus(attach_domain, attach_busnr);
	if (!bus)
		return ERR_PTR(-ENODEV);
	ab = kzalloc(sizeof(*ab), GFP_KERNEL);
	if (!ab)
		return ERR_PTR(-ENOMEM);
	get_device(&bus->dev);
	ab->bus = bus;
	ab->orig = bus->ops;
	ab->ops = *bus->ops;	/* keeps map_bus etc. for generic accessors */
	ab->ops.read = abus_read;
	ab->ops.write = abus_write;
	ab->users = 1;
	pci_bus_set_ops(bus, &ab->ops);
	attach_bus = ab;
	return ab;
}

static void abus_put(struct pciem_attach_bus *ab)
{
	if (--ab->users)
		return;
	pci_bus_set_ops(ab->bus, ab->orig);
	attach_bus = NULL;
	put_device(&ab->bus->dev);
	kfree(ab);
}

/* Function 0 of a slot nothing answers in, as seen through the original ops. */
static int find_free_slot(struct pciem_attach_bus *ab)
{
	struct pci_dev *pdev;
	int slot;

	for (slot = 0; slot < 32; slot++) {
		u32 id = ~0u;

		if (ab->slot[slot])
			continue;
		pdev = pci_get_slot(ab->bus, PCI_DEVFN(slot, 0));
		if (pdev) {
			pci_dev_put(pdev);
			continue;
		}
		ab->orig->read(ab->bus, PCI_DEVFN(slot, 0), PCI_VENDOR_ID, 4, &id);
		if (id != ~0u && id != 0 && (id & 0xffff) != 0xffff)
			continue;
		return slot;
	}
	return -ENOSPC;
}

static void abus_set_slot(struct pciem_attach_bus *ab, int slot, struct pciem_device *dev)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&attach_lock, flags);
	ab->slot[slot] = dev;
	raw_spin_unlock_irqrestore(&attach_lock, flags);
}

static int abus_add(struct pciem_device *dev)
{
	struct pciem_attach_bus *ab;
	struct pci_dev *pdev;
	int slot, ret;

	ab = abus_get();
	if (IS_ERR(ab))
		return PTR_ERR(ab);
	slot = find_free_slot(ab);
	if (slot < 0) {
		abus_put(ab);
		return slot;
	}
	abus_set_slot(ab, slot, dev);
	dev->abus = ab;
	dev->bus = ab->bus;
	dev->devfn = PCI_DEVFN(slot, 0);
	dev->pdev = pci_dev_get(pci_scan_single_device(ab->bus, dev->devfn));
	if (!dev->pdev) {
		ret = -EIO;
		goto err_slot;
	}
	ret = claim_bars(dev);
	if (ret)
		goto err_dev;
	pciem_irq_attach(dev);
	pciem_dma_ops_attach(dev);
	queue_work(system_unbound_wq, &dev->add_work);
	return 0;

err_dev:
	/* Not yet a function the notifier should report as removed. */
	pdev = dev->pdev;
	dev->pdev = NULL;
	pci_stop_and_remove_bus_device(pdev);
	pci_dev_put(pdev);
err_slot:
	abus_set_slot(ab, slot, NULL);
	abus_put(ab);
	dev->abus = NULL;
	dev->bus = NULL;
	return ret;
}

static void abus_remove(struct pciem_device *dev)
{
	struct pciem_attach_bus *ab = dev->abus;

	if (!READ_ONCE(dev->removed))
		pci_stop_and_remove_bus_device(dev->pdev);
	abus_set_slot(ab, PCI_SLOT(dev->devfn), NULL);
	abus_put(ab);
	dev->abus = NULL;
	dev->bus = NULL;
}

/* ---- entry points -------------------------------------------------------- */

/*
 * After START has returned: the function goes on the bus (sysfs, procfs)
 * and drivers probe it, in this work item and not in the emulator's
 * thread, which must be free to answer a driver that reads its device in
 * probe (nvme does, since Linux 6.3).  Unless the PCI core removed the
 * function in the meantime: then there is nothing to add.
 */
static void pciem_bus_add_work(struct work_struct *work)
{
	struct pciem_device *dev = container_of(work, struct pciem_device, add_work);
	struct pci_dev *pdev;

	pci_lock_rescan_remove();
	pdev = dev->pdev;
	/*
	 * A rescan (echo 1 > /sys/bus/pci/rescan) since START may have added
	 * it already: pci_bus_add_devices() skips what is added, and
	 * pci_bus_add_device() sets match_driver (there is no public "added"
	 * flag), which must not run twice.
	 */
	if (pdev && !READ_ONCE(dev->removed)) {
		if (!dev->abus)
			pci_bus_add_devices(dev->bus);
		else if (!pdev->match_driver)
			pci_bus_add_device(pdev);
	}
	pci_unlock_rescan_remove();
	/* No driver took it (a bound one has been reported by the notifier). */
	if (pdev && !READ_ONCE(pdev->dev.driver) && !READ_ONCE(dev->removed))
		pciem_events_driver(dev, false);
}

int pciem_bus_add(struct pciem_device *dev)
{
	int ret;

	INIT_WORK(&dev->add_work, pciem_bus_add_work);
	mutex_lock(&topology_lock);
	pci_lock_rescan_remove();
	if (dev->bus_mode == PCIEM_CREATE_FLAG_BUS_MODE_ATTACH)
		ret = abus_add(dev);
	else
		ret = vbus_add(dev);
	pci_unlock_rescan_remove();
	mutex_unlock(&topology_lock);
	return ret;
}

/*
 * The emulator has gone (its file was closed): like a surprise removal, the
 * function is marked disconnected and reads all ones, in configuration space
 * and in every BAR, so a bound driver sees at once that its device is gone
 * instead of waiting out timeouts against a device nobody runs any more.
 */
static void surprise_removal(struct pciem_device *dev)
{
	int i;

	dev->pdev->error_state = pci_channel_io_perm_failure;
	for (i = 0; i < PCFG_NUM_BARS; i++)
		if (dev->bars[i].kva)
			memset_io(dev->bars[i].kva, 0xff, dev->bars[i].alloc);
}

/*
 * Unbinds the driver (its remove() runs) and takes the device off the bus,
 * unless the PCI core removed the function already.  pciem's reference on
 * the pci_dev is dropped last.
 */
void pciem_bus_remove(struct pciem_device *dev)
{
	struct pci_dev *pdev = dev->pdev;

	if (pdev && READ_ONCE(dev->dead) && !READ_ONCE(dev->removed))
		surprise_removal(dev);
	/*
	 * A probe in progress ends first: against a dead emulator its reads
	 * return all ones at once, and its waits end with its driver's
	 * timeouts.  The work takes no lock we hold (dev->lock is ours).
	 */
	cancel_work_sync(&dev->add_work);
	mutex_lock(&topology_lock);
	pci_lock_rescan_remove();
	if (dev->abus)
		abus_remove(dev);
	else if (dev->bus)
		vbus_remove(dev);
	pciem_dma_ops_detach(dev);
	WRITE_ONCE(dev->pdev, NULL);
	pci_unlock_rescan_remove();
	mutex_unlock(&topology_lock);
	pci_dev_put(pdev);
}

/*
 * Which started function is @pdev, if it is one of ours?  Called under
 * pci_lock_rescan_remove(), which pciem_bus_add() and pciem_bus_remove()
 * hold while they change what this looks at, or with @pdev's device lock
 * held (a driver binding or unbinding), which pciem_bus_remove() waits
 * for before it lets go of the function.
 */
static struct pciem_device *pciem_function_of(struct pci_dev *pdev)
{
	struct pciem_device *dev = NULL;
	unsigned long flags;

	if (pdev->bus->ops == &vbus_ops) {
		dev = vbus_dev(pdev->bus);
	} else if (pdev->bus->ops->read == abus_read) {
		raw_spin_lock_irqsave(&attach_lock, flags);
		dev = abus_of(pdev->bus)->slot[PCI_SLOT(pdev->devfn)];
		raw_spin_unlock_irqrestore(&attach_lock, flags);
	}
	return dev && dev->pdev == pdev ? dev : NULL;
}

/*
 * The PCI core is deleting a function (after unbinding its driver): when it
 * is ours and the emulator did not ask for it (echo 1 > .../remove, a
 * hot-plug tool), the function is gone for good.  Holders of dev->present
 * finish first; later ioctls that need the function fail with ENODEV, its
 * configuration space reads as absent (a rescan finds nothing) and the
 * emulator gets PCIEM_EVENT_REMOVED and then EPOLLHUP.  pciem keeps its
 * reference on the pci_dev until the emulator closes its file.
 */
static int pciem_bus_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct pciem_device *dev;

	switch (action) {
	case BUS_NOTIFY_BOUND_DRIVER:
	case BUS_NOTIFY_UNBOUND_DRIVER:
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		dev = pciem_function_of(pdev);
		if (dev && !READ_ONCE(dev->removed) && !READ_ONCE(dev->dead))
			pciem_events_driver(dev, action == BUS_NOTIFY_BOUND_DRIVER);
		return NOTIFY_DONE;
	case BUS_NOTIFY_DEL_DEVICE:
		break;
	default:
		return NOTIFY_DONE;
	}
	dev = pciem_function_of(pdev);
	if (!dev || READ_ONCE(dev->removed))
		return NOTIFY_DONE;
	down_write(&dev->present);
	WRITE_ONCE(dev->removed, true);
	up_write(&dev->present);
	if (!READ_ONCE(dev->dead)) {
		pci_info(pdev, "pciem: the PCI core removed the function; its emulator is told\n");
		pciem_events_removed(dev);
	}
	return NOTIFY_OK;
}

static struct notifier_block pciem_bus_nb = {
	.notifier_call = pciem_bus_notify,
};

int pciem_bus_init(const char *attach_bus)
{
	if (sscanf(attach_bus, "%x:%x", &attach_domain, &attach_busnr) != 2 ||
	    attach_domain > 0xffff || attach_busnr > 0xff) {
		pr_err("pciem_attach_bus=%s: expected DDDD:BB, e.g. 0000:00\n", attach_bus);
		return -EINVAL;
	}
	return bus_register_notifier(&pci_bus_type, &pciem_bus_nb);
}

void pciem_bus_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &pciem_bus_nb);
	/* Every device holds the module, so no bus can still be ours. */
	if (attach_bus)
		pr_err("attach bus still in use at exit\n");
}
