// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCIOCREAD, PCIOCWRITE, PCIOCATTACHED, PCIOCGETBAR and PCIOCLISTVPD.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pciio_priv.h"
#include "pciio_vpd.h"

/* The device a pcisel names, referenced, or NULL. */
struct pci_dev *pciio_get_dev(const struct pcisel *sel)
{
	if (sel->pc_domain > INT_MAX || sel->pc_dev > 31 || sel->pc_func > 7)
		return NULL;
	return pci_get_domain_bus_and_slot((int)sel->pc_domain, sel->pc_bus,
					   PCI_DEVFN(sel->pc_dev,
						     sel->pc_func));
}

/*
 * Make config space reachable, as sysfs does for its config file: keep the
 * upstream bridge awake and bring the device out of D3cold if it is there.
 */
void pciio_pm_get(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;

	if (dev->parent)
		pm_runtime_get_sync(dev->parent);
	pm_runtime_get_noresume(dev);
	pm_runtime_barrier(dev);
	if (pdev->current_state == PCI_D3cold)
		pm_runtime_resume(dev);
}

void pciio_pm_put(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;

	pm_runtime_put(dev);
	if (dev->parent)
		pm_runtime_put_sync(dev->parent);
}

static u32 pciio_cfg_read(struct pci_dev *pdev, int reg, int width)
{
	u32 val = 0xffffffff;
	u16 w;
	u8 b;

	switch (width) {
	case 1:
		if (pci_user_read_config_byte(pdev, reg, &b) == 0)
			val = b;
		else
			val = 0xff;
		break;
	case 2:
		if (pci_user_read_config_word(pdev, reg, &w) == 0)
			val = w;
		else
			val = 0xffff;
		break;
	default:
		if (pci_user_read_config_dword(pdev, reg, &val))
			val = 0xffffffff;
		break;
	}
	return val;
}

static void pciio_cfg_write(struct pci_dev *pdev, int reg, int width, u32 val)
{
	switch (width) {
	case 1:
		pci_user_write_config_byte(pdev, reg, (u8)val);
		break;
	case 2:
		pci_user_write_config_word(pdev, reg, (u16)val);
		break;
	default:
		pci_user_write_config_dword(pdev, reg, val);
		break;
	}
}

/* Read config space around runtime PM; all-ones past its end, as FreeBSD. */
static u32 pciio_read_config(struct pci_dev *pdev, int reg, int width)
{
	u32 val;

	if (reg < 0 || reg > pdev->cfg_size - width)
		return width == 4 ? 0xffffffff : (1u << (8 * width)) - 1;
	pciio_pm_get(pdev);
	val = pciio_cfg_read(pdev, reg, width);
	pciio_pm_put(pdev);
	return val;
}

long pciio_rw(unsigned int cmd, void __user *uarg)
{
	struct pci_dev *pdev;
	struct pci_io io;

	if (copy_from_user(&io, uarg, sizeof(io)))
		return -EFAULT;
	switch (io.pi_width) {
	case 1:
	case 2:
	case 4:
		break;
	default:
		return -EINVAL;
	}
	/* The register must be non-negative and naturally aligned. */
	if (io.pi_reg < 0 || (io.pi_reg & (io.pi_width - 1)))
		return -EINVAL;
	pdev = pciio_get_dev(&io.pi_sel);
	if (!pdev)
		return -ENODEV;

	if (cmd == PCIOCWRITE) {
		/* Writes past the device's config space go nowhere. */
		if (io.pi_reg <= pdev->cfg_size - io.pi_width) {
			pciio_pm_get(pdev);
			pciio_cfg_write(pdev, io.pi_reg, io.pi_width,
					io.pi_data);
			pciio_pm_put(pdev);
		}
		pci_dev_put(pdev);
		return 0;
	}

	io.pi_data = pciio_read_config(pdev, io.pi_reg, io.pi_width);
	pci_dev_put(pdev);
	if (copy_to_user(uarg, &io, sizeof(io)))
		return -EFAULT;
	return 0;
}

long pciio_attached(void __user *uarg)
{
	struct pci_dev *pdev;
	struct pci_io io;

	if (copy_from_user(&io, uarg, sizeof(io)))
		return -EFAULT;
	pdev = pciio_get_dev(&io.pi_sel);
	if (!pdev)
		return -ENODEV;
	io.pi_data = READ_ONCE(pdev->dev.driver) ? 1 : 0;
	pci_dev_put(pdev);
	if (copy_to_user(uarg, &io, sizeof(io)))
		return -EFAULT;
	return 0;
}

/*
 * Find the BAR whose register is at @reg: the standard BARs of the header
 * type, the expansion ROM, and the VF BARs of an SR-IOV capability.  The
 * upper half of a 64-bit BAR and unimplemented BARs are not BARs.
 */
int pciio_find_bar(struct pci_dev *pdev, int reg, struct pciio_bar *bar)
{
	int nbars, rom_reg, resno = -1;
	struct resource *res;

	memset(bar, 0, sizeof(*bar));
	switch (pdev->hdr_type & 0x7f) {
	case PCI_HEADER_TYPE_NORMAL:
		nbars = 6;
		rom_reg = PCI_ROM_ADDRESS;
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		nbars = 2;
		rom_reg = PCI_ROM_ADDRESS1;
		break;
	case PCI_HEADER_TYPE_CARDBUS:
		nbars = 1;
		rom_reg = -1;
		break;
	default:
		return -EINVAL;
	}

	if (reg >= PCI_BASE_ADDRESS_0 && reg < PCI_BASE_ADDRESS_0 + 4 * nbars &&
	    !(reg & 3)) {
		resno = (reg - PCI_BASE_ADDRESS_0) / 4;
	} else if (reg == rom_reg) {
		resno = PCI_ROM_RESOURCE;
		bar->rom = true;
	}
#ifdef CONFIG_PCI_IOV
	else if (pdev->is_physfn && reg >= PCI_CFG_SPACE_SIZE) {
		int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
		int first = pos + PCI_SRIOV_BAR;

		if (pos && reg >= first && reg < first + 4 * PCI_SRIOV_NUM_BARS &&
		    !((reg - first) & 3)) {
			resno = PCI_IOV_RESOURCES + (reg - first) / 4;
			bar->iov = true;
		}
	}
#endif
	if (resno < 0)
		return -EINVAL;

	res = &pdev->resource[resno];
	if (!(res->flags & (IORESOURCE_MEM | IORESOURCE_IO)) ||
	    !resource_size(res))
		return -EINVAL;

	bar->resno = resno;
	bar->reg = reg;
	bar->io = !!(res->flags & IORESOURCE_IO);
	bar->length = resource_size(res);
#ifdef CONFIG_PCI_IOV
	/* The resource spans every VF's copy of the BAR; report one. */
	if (bar->iov) {
		int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
		u16 total = 0;

		if (pos)
			pci_read_config_word(pdev, pos + PCI_SRIOV_TOTAL_VF,
					     &total);
		if (total)
			bar->length = div_u64(bar->length, total);
	}
#endif
	return 0;
}

/* FreeBSD's pci_bar_enabled(): is the BAR decoded? */
bool pciio_bar_enabled(struct pci_dev *pdev, const struct pciio_bar *bar)
{
	u16 cmd;

#ifdef CONFIG_PCI_IOV
	if (bar->iov) {
		int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_SRIOV);
		u16 ctrl = 0;

		if (pos)
			ctrl = pciio_read_config(pdev, pos + PCI_SRIOV_CTRL, 2);
		return ctrl != 0xffff && (ctrl & PCI_SRIOV_CTRL_MSE);
	}
#endif
	cmd = pciio_read_config(pdev, PCI_COMMAND, 2);
	if (cmd == 0xffff)
		return false;
	if (bar->rom)
		return (cmd & PCI_COMMAND_MEMORY) &&
		       (pciio_read_config(pdev, bar->reg, 4) &
			PCI_ROM_ADDRESS_ENABLE);
	return cmd & (bar->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY);
}

long pciio_getbar(void __user *uarg)
{
	struct pciio_bar bar;
	struct pci_bar_io bio;
	struct pci_dev *pdev;
	u32 lo;

	if (copy_from_user(&bio, uarg, sizeof(bio)))
		return -EFAULT;
	pdev = pciio_get_dev(&bio.pbi_sel);
	if (!pdev)
		return -ENODEV;
	if (pciio_find_bar(pdev, bio.pbi_reg, &bar)) {
		pci_dev_put(pdev);
		return -EINVAL;
	}

	/* The BAR register as programmed, type bits included. */
	lo = pciio_read_config(pdev, bar.reg, 4);
	bio.pbi_base = lo;
	if (!bar.io && !bar.rom &&
	    (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
	    PCI_BASE_ADDRESS_MEM_TYPE_64)
		bio.pbi_base |= (u64)pciio_read_config(pdev, bar.reg + 4, 4)
				<< 32;
	bio.pbi_length = bar.length;
	bio.pbi_enabled = pciio_bar_enabled(pdev, &bar);
	pci_dev_put(pdev);

	if (copy_to_user(uarg, &bio, sizeof(bio)))
		return -EFAULT;
	return 0;
}

/* ---- PCIOCLISTVPD ------------------------------------------------------- */

long pciio_listvpd(void __user *uarg)
{
	struct pci_list_vpd_io lv;
	struct pci_dev *pdev;
	unsigned int size;
	u8 *vpd, *out;
	long len, ret;

	if (copy_from_user(&lv, uarg, sizeof(lv)))
		return -EFAULT;
	pdev = pciio_get_dev(&lv.plvi_sel);
	if (!pdev)
		return -ENODEV;
	vpd = pci_vpd_alloc(pdev, &size);
	pci_dev_put(pdev);
	if (IS_ERR(vpd))
		return PTR_ERR(vpd) == -ENOMEM ? -ENOMEM : -ENXIO;

	len = pciio_vpd_elements(vpd, size, NULL);
	if (len < 0) {
		ret = len;
		goto out;
	}
	if (lv.plvi_len == 0 || lv.plvi_len < len) {
		/* Size query, or too small (ENOMEM); either way say how big. */
		ret = lv.plvi_len == 0 ? 0 : -ENOMEM;
		lv.plvi_len = len;
		if (copy_to_user(uarg, &lv, sizeof(lv)) && !ret)
			ret = -EFAULT;
		goto out;
	}

	out = kvzalloc(len, GFP_KERNEL);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	pciio_vpd_elements(vpd, size, out);
	ret = 0;
	if (copy_to_user(pciio_uptr(lv.plvi_data), out, len))
		ret = -EFAULT;
	kvfree(out);
	if (!ret) {
		lv.plvi_len = len;
		if (copy_to_user(uarg, &lv, sizeof(lv)))
			ret = -EFAULT;
	}
out:
	kfree(vpd);
	return ret;
}
