// SPDX-License-Identifier: BSD-3-Clause
/*
 * Host tests of the opae_vfio_* entry points on every path that needs no
 * VFIO device: NULL arguments, closed/never-opened handles, bad addresses
 * and tokens, and (with a fake sysfs tree) a missing device, a device bound
 * to another driver or to none, no IOMMU group, no /dev/vfio/vfio.
 * Also checks that failed opens leak no file descriptors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"

static char root[256];
static char sysroot[300], devroot[300];

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void mkdirs(const char *fmt, const char *arg)
{
	char p[512], *s;

	snprintf(p, sizeof(p), fmt, root, arg);
	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

static void symlink_in(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s", root, rel);
	unlink(p);
	if (symlink(target, p))
		perror("symlink");
}

/* A v that is not open: every call must say so without crashing. */
static void check_closed(struct opae_vfio *v)
{
	uint8_t *p = (uint8_t *)&p;
	size_t sz = 4096;

	CHECK_EQ(opae_vfio_region_get(v, 0, &p, &sz), EBADF);
	CHECK_EQ(opae_vfio_buffer_allocate(v, &sz, &p, NULL), EBADF);
	CHECK_EQ(opae_vfio_buffer_allocate_ex(v, &sz, &p, NULL,
			OPAE_VFIO_BUF_PREALLOCATED), EBADF);
	CHECK(opae_vfio_buffer_info(v, p) == NULL);
	CHECK_EQ(opae_vfio_buffer_free(v, p), EBADF);
	CHECK_EQ(opae_vfio_irq_enable(v, 0, 0, 0), EBADF);
	CHECK_EQ(opae_vfio_irq_disable(v, 0, 0), EBADF);
	CHECK_EQ(opae_vfio_irq_mask(v, 0, 0), EBADF);
	CHECK_EQ(opae_vfio_irq_unmask(v, 0, 0), EBADF);
	CHECK(strstr(opae_vfio_last_error(), "not open") != NULL);
	opae_vfio_close(v);
	opae_vfio_close(v);
}

static void test_null(void)
{
	uint8_t *p = NULL;
	size_t sz = 4096;
	uint64_t iova;

	CHECK_EQ(opae_vfio_open(NULL, "0000:00:03.0"), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(NULL, "0000:00:03.0",
			"00f5ad6b-2edd-422e-9d1e-34124c686fec"), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(NULL, NULL, NULL), EINVAL);
	CHECK_EQ(opae_vfio_region_get(NULL, 0, &p, &sz), EINVAL);
	CHECK_EQ(opae_vfio_buffer_allocate(NULL, &sz, &p, &iova), EINVAL);
	CHECK_EQ(opae_vfio_buffer_allocate_ex(NULL, &sz, &p, &iova, 0), EINVAL);
	CHECK(opae_vfio_buffer_info(NULL, p) == NULL);
	CHECK_EQ(opae_vfio_buffer_free(NULL, p), EINVAL);
	CHECK_EQ(opae_vfio_irq_enable(NULL, 0, 0, 0), EINVAL);
	CHECK_EQ(opae_vfio_irq_disable(NULL, 0, 0), EINVAL);
	CHECK_EQ(opae_vfio_irq_mask(NULL, 0, 0), EINVAL);
	CHECK_EQ(opae_vfio_irq_unmask(NULL, 0, 0), EINVAL);
	errno = 0;
	CHECK_EQ(opae_vfio_irq_unmask(NULL, 0, 0), EINVAL);
	CHECK_EQ(errno, EINVAL);
	opae_vfio_close(NULL);
	CHECK(1);
}

static void test_not_open(void)
{
	struct opae_vfio v;

	memset(&v, 0, sizeof(v));
	check_closed(&v);

	/* a failed open leaves v closed, whatever it held before */
	memset(&v, 0xa5, sizeof(v));
	CHECK_EQ(opae_vfio_open(&v, NULL), EINVAL);
	check_closed(&v);
	memset(&v, 0xa5, sizeof(v));
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0", NULL), EINVAL);
	check_closed(&v);
}

static void test_bad_args(void)
{
	struct opae_vfio v;
	int fds = count_fds();

	CHECK_EQ(opae_vfio_open(&v, ""), EINVAL);
	CHECK_EQ(opae_vfio_open(&v, "ERROR"), EINVAL);
	CHECK(strstr(opae_vfio_last_error(), "bad PCI address") != NULL);
	CHECK_EQ(opae_vfio_open(&v, "0000:00:20.0"), EINVAL);
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0\n"), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0", ""), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0", "not-a-uuid"),
		 EINVAL);
	CHECK(strstr(opae_vfio_last_error(), "bad VF token") != NULL);
	/* OPAE's unanchored match would take these */
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0",
		 "00f5ad6b-2edd-422e-9d1e-34124c686fec0"), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0",
		 "x00f5ad6b-2edd-422e-9d1e-34124c686fec"), EINVAL);
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0",
		 "00f5ad6b-2edd-422e-9d1e-34124c686fec vf_token=x"), EINVAL);
	check_closed(&v);
	CHECK_EQ(count_fds(), fds);
}

static void test_fake_sysfs(void)
{
	struct opae_vfio v;
	int fds = count_fds(), fd;
	char p[512];

	snprintf(root, sizeof(root), "/tmp/opaevfio-test.XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		CHECK(0);
		return;
	}
	snprintf(sysroot, sizeof(sysroot), "%s/sys/bus/pci", root);
	snprintf(devroot, sizeof(devroot), "%s/dev/vfio", root);
	opaevfio_sysfs_pci_root = sysroot;
	opaevfio_dev_vfio_root = devroot;
	mkdirs("%s/sys/bus/pci/devices/%s", "0000:00:03.0");
	mkdirs("%s/sys/bus/pci/drivers/%s", "vfio-pci");
	mkdirs("%s/sys/bus/pci/drivers/%s", "e1000");
	mkdirs("%s/sys/kernel/iommu_groups/%s", "7");

	/* no such device: valid address, valid token, still ENODEV */
	CHECK_EQ(opae_vfio_open(&v, "0000:00:04.0"), ENODEV);
	CHECK(strstr(opae_vfio_last_error(), "no PCI device 0000:00:04.0"));
	CHECK_EQ(opae_vfio_secure_open(&v, "00:04.0",
		 "00f5ad6b-2edd-422e-9d1e-34124c686fec"), ENODEV);
	check_closed(&v);

	/* bound to no driver */
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), ENXIO);
	CHECK(strstr(opae_vfio_last_error(), "not bound to any driver"));
	/* bound to another driver */
	symlink_in("../../../bus/pci/drivers/e1000", "0000:00:03.0/driver");
	CHECK_EQ(opae_vfio_open(&v, "00:03.0"), ENXIO);
	CHECK(strstr(opae_vfio_last_error(), "bound to e1000, not vfio-pci"));
	check_closed(&v);

	/* vfio-pci but no IOMMU group: a clear error, never "ERROR" */
	symlink_in("../../../bus/pci/drivers/vfio-pci", "0000:00:03.0/driver");
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), ENOENT);
	CHECK(strstr(opae_vfio_last_error(), "has no IOMMU group"));
	CHECK(strstr(opae_vfio_last_error(), "ERROR") == NULL);
	check_closed(&v);

	/* a group link whose name is not a number */
	symlink_in("../../../kernel/iommu_groups/x7", "0000:00:03.0/iommu_group");
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), EINVAL);
	CHECK(strstr(opae_vfio_last_error(), "unexpected IOMMU group"));

	/* group 7 but no /dev/vfio/vfio (vfio not loaded) */
	symlink_in("../../../kernel/iommu_groups/7", "0000:00:03.0/iommu_group");
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), ENOENT);
	CHECK(strstr(opae_vfio_last_error(), "/dev/vfio/vfio"));
	CHECK(strstr(opae_vfio_last_error(), "vfio module"));
	check_closed(&v);

	/* /dev/vfio/vfio that is not a VFIO container */
	mkdirs("%s/dev/%s", "vfio");
	snprintf(p, sizeof(p), "%s/vfio", devroot);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), ENOTSUP);
	CHECK(strstr(opae_vfio_last_error(), "VFIO API version"));
	CHECK_EQ(opae_vfio_secure_open(&v, "0000:00:03.0",
		 "00f5ad6b-2edd-422e-9d1e-34124c686fec"), ENOTSUP);
	check_closed(&v);
	/* nothing leaked by any failed open */
	CHECK_EQ(count_fds(), fds);

	/* unreadable container */
	if (geteuid() != 0) {
		chmod(p, 0);
		CHECK_EQ(opae_vfio_open(&v, "0000:00:03.0"), EACCES);
	}

	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	if (system(p))
		fprintf(stderr, "cleanup of %s failed\n", root);
	opaevfio_sysfs_pci_root = "/sys/bus/pci";
	opaevfio_dev_vfio_root = "/dev/vfio";
}

static void test_real_sysfs(void)
{
	struct opae_vfio v;

	/* bus ff device 1f function 7 of domain ffff: not on any machine */
	CHECK_EQ(opae_vfio_open(&v, "ffff:ff:1f.7"), ENODEV);
	check_closed(&v);
}

int main(void)
{
	test_null();
	test_not_open();
	test_bad_args();
	test_fake_sysfs();
	test_real_sysfs();
	return t_summary("test_opaevfio_api");
}
