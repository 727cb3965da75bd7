// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_region_rw ADDR - an edu device bound to vfio-pci, driven through
 * VFIO's region read/write (pread/pwrite on the device fd, no mmap):
 * identification register, liveness check (~value), factorial.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"

static int dev_fd;
static uint64_t bar0;	/* region offset of BAR 0 in the device fd */

static uint32_t rd(uint32_t off)
{
	uint32_t v = 0;

	if (pread(dev_fd, &v, 4, (off_t)(bar0 + off)) != 4)
		printf("pread %#x: %s\n", off, strerror(errno));
	return v;
}

static void wr(uint32_t off, uint32_t v)
{
	if (pwrite(dev_fd, &v, 4, (off_t)(bar0 + off)) != 4)
		printf("pwrite %#x: %s\n", off, strerror(errno));
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = VFIO_PCI_BAR0_REGION_INDEX };
	int container, group;
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: vfio_region_rw ADDR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", argv[1]);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		perror(path);
		return 1;
	}
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &gs) ||
	    !(gs.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		perror("vfio set-up");
		return 1;
	}
	dev_fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	if (dev_fd < 0 || ioctl(dev_fd, VFIO_DEVICE_GET_REGION_INFO, &ri)) {
		perror("device");
		return 1;
	}
	bar0 = ri.offset;
	/* Memory Space on: VFIO refuses BAR access otherwise. */
	{
		uint16_t cmd;
		off_t cfg = (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40;

		if (pread(dev_fd, &cmd, 2, cfg + 4) == 2) {
			cmd |= 2;
			if (pwrite(dev_fd, &cmd, 2, cfg + 4) != 2)
				perror("command");
		}
	}
	CHECK(rd(0x00) == 0x010000ed, "identification %#x", rd(0x00));
	wr(0x04, 0x12345678);
	CHECK(rd(0x04) == (uint32_t)~0x12345678u, "liveness %#x", rd(0x04));
	wr(0x08, 5);
	for (int i = 0; i < 1000 && (rd(0x20) & 1); i++)
		usleep(1000);
	CHECK(rd(0x08) == 120, "5! = %u", rd(0x08));
	close(dev_fd);
	close(group);
	close(container);
	return summary("vfio_region_rw");
}
