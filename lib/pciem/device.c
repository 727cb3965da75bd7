// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * device.c - describing, registering and starting an emulated function.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pciem.h"
#include "internal.h"

int pciem_create(struct pciem_dev **out, uint32_t bus_mode)
{
	struct pciem_dev *d;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->be = pciem_default_backend();
	d->fd = -1;
	d->instance_fd = -1;
	d->driver = -1;
	d->intx_want = -1;
	pthread_mutex_init(&d->irq_lock, NULL);
	d->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->wake_fd < 0) {
		ret = -errno;
		free(d);
		return ret;
	}
	ret = d->be->open(d, bus_mode);
	if (ret < 0) {
		close(d->wake_fd);
		free(d);
		return ret;
	}
	*out = d;
	return 0;
}

int pciem_set_ids(struct pciem_dev *d, const struct pciem_config_space *ids)
{
	if (!d || !ids)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_SET_CONFIG, (void *)ids);
}

int pciem_add_bar(struct pciem_dev *d, unsigned int index, uint64_t size, uint32_t flags)
{
	struct pciem_bar_config arg = { .bar_index = index, .flags = flags, .size = size };

	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_ADD_BAR, &arg);
}

int pciem_add_capability(struct pciem_dev *d, const struct pciem_cap_config *cap)
{
	if (!d || !cap)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_ADD_CAPABILITY, (void *)cap);
}

int pciem_add_msi(struct pciem_dev *d, unsigned int num_vectors_log2, bool is_64bit,
		  bool per_vector_mask)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_MSI };

	if (num_vectors_log2 > 0xff)
		return -EINVAL;
	c.msi.num_vectors_log2 = (uint8_t)num_vectors_log2;
	c.msi.has_64bit = is_64bit;
	c.msi.has_masking = per_vector_mask;
	return pciem_add_capability(d, &c);
}

int pciem_add_msix(struct pciem_dev *d, unsigned int bar, uint32_t table_offset,
		   uint32_t pba_offset, unsigned int table_size)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_MSIX };

	if (bar > 0xff || table_size > 0xffff)
		return -EINVAL;
	c.msix.bar_index = (uint8_t)bar;
	c.msix.table_offset = table_offset;
	c.msix.pba_offset = pba_offset;
	c.msix.table_size = (uint16_t)table_size;
	return pciem_add_capability(d, &c);
}

int pciem_add_pm(struct pciem_dev *d)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_PM };

	return pciem_add_capability(d, &c);
}

int pciem_add_pcie(struct pciem_dev *d)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_PCIE };

	return pciem_add_capability(d, &c);
}

int pciem_add_vsec(struct pciem_dev *d, uint16_t vsec_id, uint8_t rev, uint16_t length)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_VSEC };

	c.vsec.vsec_id = vsec_id;
	c.vsec.vsec_rev = rev;
	c.vsec.length = length;
	return pciem_add_capability(d, &c);
}

int pciem_add_pasid(struct pciem_dev *d, unsigned int max_width, bool exec, bool priv)
{
	struct pciem_cap_config c = { .cap_type = PCIEM_CAP_PASID };

	if (max_width > 0xff)
		return -EINVAL;
	c.pasid.max_pasid_width = (uint8_t)max_width;
	c.pasid.execute_permission = exec;
	c.pasid.privileged_mode = priv;
	return pciem_add_capability(d, &c);
}

static void unmap_bars(struct pciem_dev *d)
{
	for (int i = 0; i < 6; i++) {
		if (d->bar[i])
			d->be->unmap_bar(d, (unsigned int)i, d->bar[i], d->bar_map_len[i]);
		d->bar[i] = NULL;
		d->bar_size[i] = 0;
		d->bar_map_len[i] = 0;
	}
}

int pciem_register(struct pciem_dev *d)
{
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	if (!d)
		return -EINVAL;
	/* Tracing that pciem_region() implies, before the BARs are frozen. */
	for (unsigned int i = 0; i < 6; i++) {
		if (!d->region_trace[i])
			continue;
		ret = pciem_trace_bar(d, i, d->region_trace[i]);
		if (ret < 0)
			return ret;
	}
	ret = dev_ioctl(d, PCIEM_IOCTL_REGISTER, NULL);
	if (ret < 0)
		return ret;
	d->instance_fd = ret;

	for (unsigned int i = 0; i < 6; i++) {
		struct pciem_bar_info_query q = { .bar_index = i };
		size_t len;
		void *p;

		ret = dev_ioctl(d, PCIEM_IOCTL_GET_BAR_INFO, &q);
		if (ret == -ENOENT)
			continue;
		if (ret < 0)
			goto err;
		len = (size_t)((q.size + (uint64_t)page - 1) & ~((uint64_t)page - 1));
		p = d->be->map_bar(d, i, len);
		if (!p) {
			ret = -errno;
			goto err;
		}
		d->bar[i] = p;
		d->bar_size[i] = q.size;
		d->bar_map_len[i] = len;
	}
	pciem_find_caps(d);
	return 0;

err:
	/* The kernel keeps the registration; only our mappings are undone. */
	unmap_bars(d);
	return ret;
}

void *pciem_bar(struct pciem_dev *d, unsigned int index, uint64_t *size)
{
	if (!d || index >= 6)
		return NULL;
	if (size)
		*size = d->bar_size[index];
	return d->bar[index];
}

int pciem_bar_info(struct pciem_dev *d, unsigned int index, struct pciem_bar_info_query *info)
{
	if (!d || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->bar_index = index;
	return dev_ioctl(d, PCIEM_IOCTL_GET_BAR_INFO, info);
}

int pciem_start(struct pciem_dev *d)
{
	if (!d)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_START, NULL);
}

int pciem_device_info(struct pciem_dev *d, struct pciem_device_info *info)
{
	if (!d || !info)
		return -EINVAL;
	return dev_ioctl(d, PCIEM_IOCTL_GET_DEVICE_INFO, info);
}

int pciem_address(struct pciem_dev *d, char *buf, size_t len)
{
	struct pciem_device_info info;
	int ret;

	if (!buf || len < 13)
		return -EINVAL;
	ret = pciem_device_info(d, &info);
	if (ret < 0)
		return ret;
	if (info.state != PCIEM_STATE_STARTED)
		return -ENODEV;
	snprintf(buf, len, "%04x:%02x:%02x.%x", info.domain, info.bus,
		 (unsigned int)(info.devfn >> 3), (unsigned int)(info.devfn & 7));
	return 0;
}

int pciem_fd(const struct pciem_dev *d)
{
	return d ? d->fd : -EINVAL;
}

void pciem_destroy(struct pciem_dev *d)
{
	if (!d)
		return;
	unmap_bars(d);
	d->be->close(d);
	pciem_free_regions(d);
	close(d->wake_fd);
	pthread_mutex_destroy(&d->irq_lock);
	free(d);
}

const char *pciem_strerror(int err)
{
	/* Only where pciem gives an errno a meaning of its own (docs/ioctl.md). */
	switch (err) {
	case -EBADFD:
		return "call not valid in the device's current lifecycle state";
	case -ENODATA:
		return "device IDs not set (PCIEM_IOCTL_SET_CONFIG missing)";
	case -ENOTCONN:
		return "the driver has not enabled that interrupt";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
