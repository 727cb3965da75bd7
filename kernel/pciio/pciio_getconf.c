// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIOCGETCONF: list PCI devices, optionally filtered by patterns, in pages.
 *
 * Every call takes a snapshot of the PCI bus's device list (the order in
 * which devices were added), fills in driver names and units, and then walks
 * it from the caller's offset exactly as FreeBSD's pci_user.c walks its
 * pci_devq.
 */
#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/pci.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/mm.h>

#include "pciio_priv.h"

struct pciio_entry {
	struct pci_conf conf;
	u64 addr;		/* domain, bus, devfn: sort key for units */
};

struct pciio_snap {
	struct pciio_entry *ent;
	u32 n;
	u32 cap;
	bool overflow;
	int err;
};

static int pciio_count_one(struct device *dev, void *data)
{
	u32 *count = data;

	(*count)++;
	return 0;
}

static int pciio_snap_one(struct device *dev, void *data)
{
	struct pciio_snap *s = data;
	struct pci_dev *pdev = to_pci_dev(dev);
	struct pciio_entry *e;
	struct pci_conf *c;
	int ret;

	if (s->n >= s->cap) {
		s->overflow = true;
		return 1;
	}
	e = &s->ent[s->n];
	c = &e->conf;
	memset(e, 0, sizeof(*e));
	c->pc_sel.pc_domain = (u32)pci_domain_nr(pdev->bus);
	c->pc_sel.pc_bus = pdev->bus->number;
	c->pc_sel.pc_dev = PCI_SLOT(pdev->devfn);
	c->pc_sel.pc_func = PCI_FUNC(pdev->devfn);
	c->pc_hdr = pdev->hdr_type & 0x7f;
	c->pc_subvendor = pdev->subsystem_vendor;
	c->pc_subdevice = pdev->subsystem_device;
	c->pc_vendor = pdev->vendor;
	c->pc_device = pdev->device;
	c->pc_class = (pdev->class >> 16) & 0xff;
	c->pc_subclass = (pdev->class >> 8) & 0xff;
	c->pc_progif = pdev->class & 0xff;
	c->pc_revid = pdev->revision;
	e->addr = ((u64)c->pc_sel.pc_domain << 16) |
		  ((u64)pdev->bus->number << 8) | pdev->devfn;

	/*
	 * The device lock keeps the driver bound, and so its module and name
	 * alive, while the name is copied.
	 */
	ret = device_lock_interruptible(dev);
	if (ret) {
		s->err = -ERESTARTSYS;
		return 1;
	}
	if (dev->driver && dev->driver->name)
		strscpy(c->pd_name, dev->driver->name, sizeof(c->pd_name));
	device_unlock(dev);

	s->n++;
	return 0;
}

static int pciio_cmp_unit(const void *a, const void *b)
{
	const struct pciio_entry *x = *(const struct pciio_entry * const *)a;
	const struct pciio_entry *y = *(const struct pciio_entry * const *)b;
	int r = strcmp(x->conf.pd_name, y->conf.pd_name);

	if (r)
		return r;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/*
 * pd_unit: the device's index among the devices bound to a driver of the
 * same (possibly truncated) name, in address order, so that name and unit
 * name one device, as FreeBSD's "nvme0" does.
 */
static int pciio_assign_units(struct pciio_snap *s)
{
	struct pciio_entry **order;
	unsigned long unit = 0;
	u32 i;

	if (!s->n)
		return 0;
	order = kvmalloc_array(s->n, sizeof(*order), GFP_KERNEL);
	if (!order)
		return -ENOMEM;
	for (i = 0; i < s->n; i++)
		order[i] = &s->ent[i];
	sort(order, s->n, sizeof(*order), pciio_cmp_unit, NULL);
	for (i = 0; i < s->n; i++) {
		if (!order[i]->conf.pd_name[0])
			continue;
		if (i == 0 || strcmp(order[i]->conf.pd_name,
				     order[i - 1]->conf.pd_name))
			unit = 0;
		order[i]->conf.pd_unit = unit++;
	}
	kvfree(order);
	return 0;
}

static void pciio_snap_free(struct pciio_snap *s)
{
	kvfree(s->ent);
	s->ent = NULL;
}

/* Take a consistent snapshot; *gen is the generation it belongs to. */
static int pciio_snapshot(struct pciio_snap *s, u32 *gen)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		u32 count = 0;
		u32 before;
		int ret;

		before = pciio_generation();
		bus_for_each_dev(&pci_bus_type, NULL, &count, pciio_count_one);

		memset(s, 0, sizeof(*s));
		s->cap = count + 8;
		s->ent = kvcalloc(s->cap, sizeof(*s->ent), GFP_KERNEL);
		if (!s->ent)
			return -ENOMEM;
		bus_for_each_dev(&pci_bus_type, NULL, s, pciio_snap_one);
		if (s->err) {
			ret = s->err;
			pciio_snap_free(s);
			return ret;
		}
		if (!s->overflow && pciio_generation() == before) {
			ret = pciio_assign_units(s);
			if (ret) {
				pciio_snap_free(s);
				return ret;
			}
			*gen = before;
			return 0;
		}
		pciio_snap_free(s);
	}
	/* The bus keeps changing under us; let the caller try again. */
	return -EAGAIN;
}

/* FreeBSD's pci_conf_match(): true if any pattern matches. */
static bool pciio_match(const struct pci_match_conf *pat, u32 npat,
			const struct pci_conf *c)
{
	u32 i;

	for (i = 0; i < npat; i++) {
		const struct pci_match_conf *p = &pat[i];
		u32 f = (u32)p->flags;

		if (f == PCI_GETCONF_NO_MATCH)
			continue;
		if ((f & PCI_GETCONF_MATCH_DOMAIN) &&
		    c->pc_sel.pc_domain != p->pc_sel.pc_domain)
			continue;
		if ((f & PCI_GETCONF_MATCH_BUS) &&
		    c->pc_sel.pc_bus != p->pc_sel.pc_bus)
			continue;
		if ((f & PCI_GETCONF_MATCH_DEV) &&
		    c->pc_sel.pc_dev != p->pc_sel.pc_dev)
			continue;
		if ((f & PCI_GETCONF_MATCH_FUNC) &&
		    c->pc_sel.pc_func != p->pc_sel.pc_func)
			continue;
		if ((f & PCI_GETCONF_MATCH_VENDOR) &&
		    c->pc_vendor != p->pc_vendor)
			continue;
		if ((f & PCI_GETCONF_MATCH_DEVICE) &&
		    c->pc_device != p->pc_device)
			continue;
		if ((f & PCI_GETCONF_MATCH_CLASS) &&
		    c->pc_class != p->pc_class)
			continue;
		if ((f & PCI_GETCONF_MATCH_UNIT) && c->pd_unit != p->pd_unit)
			continue;
		if ((f & PCI_GETCONF_MATCH_NAME) &&
		    strncmp(p->pd_name, c->pd_name, sizeof(c->pd_name)))
			continue;
		return true;
	}
	return false;
}

long pciio_getconf(void __user *uarg)
{
	struct pci_match_conf *pat = NULL;
	struct pci_conf __user *matches;
	struct pciio_snap snap = { };
	struct pci_conf_io cio;
	u32 gen, ionum, i;
	long ret = 0;

	if (copy_from_user(&cio, uarg, sizeof(cio)))
		return -EFAULT;
	cio.num_matches = 0;

	/* A caller paging through an older list must start over. */
	if (cio.offset != 0 && cio.generation != pciio_generation()) {
		cio.status = PCI_GETCONF_LIST_CHANGED;
		goto out;
	}

	ret = pciio_snapshot(&snap, &gen);
	if (ret)
		return ret;

	if (cio.offset != 0 && cio.generation != gen) {
		cio.status = PCI_GETCONF_LIST_CHANGED;
		goto out;
	}
	if (cio.offset >= snap.n) {
		cio.status = PCI_GETCONF_LAST_DEVICE;
		goto out;
	}

	/* Whole pci_conf records that fit, at most one per device. */
	ionum = min_t(u32, cio.match_buf_len / sizeof(struct pci_conf), snap.n);

	if (cio.num_patterns > 0 && cio.num_patterns < snap.n &&
	    cio.pat_buf_len > 0) {
		if ((u64)cio.num_patterns * sizeof(struct pci_match_conf) !=
		    cio.pat_buf_len) {
			ret = -EINVAL;
			goto bad;
		}
		pat = vmemdup_user(pciio_uptr(cio.patterns),
				   cio.pat_buf_len);
		if (IS_ERR(pat)) {
			ret = PTR_ERR(pat) == -EFAULT ? -EINVAL : PTR_ERR(pat);
			pat = NULL;
			if (ret == -EINVAL)
				goto bad;
			goto free;
		}
	} else if (cio.num_patterns > 0 || cio.pat_buf_len > 0) {
		ret = -EINVAL;
		goto bad;
	}

	matches = pciio_uptr(cio.matches);
	for (i = cio.offset; i < snap.n; i++) {
		const struct pci_conf *c = &snap.ent[i].conf;

		if (pat && !pciio_match(pat, cio.num_patterns, c))
			continue;
		/* Full: resume from this matching device next time. */
		if (cio.num_matches >= ionum)
			break;
		if (copy_to_user(&matches[cio.num_matches], c, sizeof(*c))) {
			ret = -EFAULT;
			goto free;
		}
		cio.num_matches++;
	}
	cio.offset = i;
	cio.generation = gen;
	cio.status = i >= snap.n ? PCI_GETCONF_LAST_DEVICE :
				   PCI_GETCONF_MORE_DEVS;
out:
	if (copy_to_user(uarg, &cio, sizeof(cio)))
		ret = -EFAULT;
free:
	kvfree(pat);
	pciio_snap_free(&snap);
	return ret;

bad:
	/*
	 * FreeBSD sets PCI_GETCONF_ERROR here but, as the ioctl fails, never
	 * copies it out.  We do, so that callers can see it; errno is EINVAL.
	 */
	cio.status = PCI_GETCONF_ERROR;
	cio.num_matches = 0;
	if (copy_to_user(uarg, &cio, sizeof(cio)))
		ret = -EINVAL;	/* best effort: errno stays EINVAL */
	goto free;
}
