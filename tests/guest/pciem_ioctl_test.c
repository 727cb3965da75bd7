// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_ioctl_test - every errno of docs/ioctl.md, from a real /dev/pciem.
 *
 * Runs as root inside the test VM with pciem.ko loaded with a 128 MiB BAR
 * pool.  Each check issues one call with one thing wrong and expects the
 * documented errno, then checks that nothing was half-applied: the device is
 * still in the state it was in and a correct call still succeeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pciem_api.h"

#define EXPECT_OK(fd, req, arg) do {					\
	int r_ = ioctl((fd), (req), (arg));				\
	CHECK(r_ >= 0, "%s -> %s, want success", #req "(" #arg ")",	\
	      strerror(errno));						\
} while (0)

static int open_pciem(void)
{
	int fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/pciem");
		exit(2);
	}
	return fd;
}

static const struct pciem_config_space good_ids = {
	.vendor_id = 0x1b36, .device_id = 0x00ee, .class_code = { 0, 0, 0xff },
};

/* A fresh fd with CREATE_DEVICE and SET_CONFIG done. */
static int created(void)
{
	struct pciem_create_device c = { 0 };
	int fd = open_pciem();

	EXPECT_OK(fd, PCIEM_IOCTL_CREATE_DEVICE, &c);
	EXPECT_OK(fd, PCIEM_IOCTL_SET_CONFIG, &good_ids);
	return fd;
}

static uint32_t state_of(int fd)
{
	struct pciem_device_info info;

	memset(&info, 0xa5, sizeof(info));
	if (ioctl(fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info) < 0)
		return 0xdead;
	return info.state;
}

static void test_open_permissions(void)
{
	struct stat st;
	pid_t pid;
	int status;

	CHECK(stat("/dev/pciem", &st) == 0 && (st.st_mode & 0777) == 0600,
	      "/dev/pciem mode %o, want 600", st.st_mode & 0777);
	pid = fork();
	if (pid == 0) {
		/* Without CAP_SYS_ADMIN, even with the file readable. */
		chmod("/dev/pciem", 0666);
		if (setgid(65534) || setuid(65534))
			_exit(3);
		int fd = open("/dev/pciem", O_RDWR);

		_exit(fd < 0 && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	chmod("/dev/pciem", 0600);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "open without CAP_SYS_ADMIN must fail with EPERM (child status %d)", status);
}

static void test_unknown_and_faults(void)
{
	int fd = open_pciem();

	EXPECT_ERR(fd, _IO(PCIEM_IOCTL_MAGIC, 99), NULL, ENOTTY);
	EXPECT_ERR(fd, _IO('x', 1), NULL, ENOTTY);
	EXPECT_ERR(fd, _IOW(PCIEM_IOCTL_MAGIC, 11, uint64_t), NULL, ENOTTY);
	EXPECT_ERR(fd, PCIEM_IOCTL_CREATE_DEVICE, NULL, EFAULT);
	EXPECT_ERR(fd, PCIEM_IOCTL_CREATE_DEVICE, (void *)8, EFAULT);
	CHECK(state_of(fd) == PCIEM_STATE_EMPTY, "EFAULT changed the state");
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_DEVICE_INFO, NULL, EFAULT);
	close(fd);

	fd = created();
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, NULL, EFAULT);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, (void *)16, EFAULT);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, NULL, EFAULT);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY_FLAT, NULL, EFAULT);
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, NULL, EFAULT);
	CHECK(state_of(fd) == PCIEM_STATE_CREATED, "EFAULT changed the state");
	close(fd);
}

static void test_wrong_state(void)
{
	struct pciem_create_device c = { 0 };
	struct pciem_bar_config bar = { .bar_index = 0, .size = 4096 };
	struct pciem_cap_config cap = { .cap_type = PCIEM_CAP_PM };
	struct pciem_bar_info_query q = { .bar_index = 0 };
	int fd = open_pciem(), inst;

	/* Before CREATE_DEVICE. */
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &good_ids, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &bar, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, &cap, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_START, NULL, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, &q, EBADFD);
	CHECK(state_of(fd) == PCIEM_STATE_EMPTY, "state");

	EXPECT_OK(fd, PCIEM_IOCTL_CREATE_DEVICE, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_CREATE_DEVICE, &c, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_START, NULL, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, &q, EBADFD);
	/* REGISTER before SET_CONFIG. */
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, ENODATA);
	CHECK(state_of(fd) == PCIEM_STATE_CREATED, "state");

	EXPECT_OK(fd, PCIEM_IOCTL_SET_CONFIG, &good_ids);
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &bar);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	CHECK(inst >= 0, "REGISTER: %s", strerror(errno));
	CHECK(state_of(fd) == PCIEM_STATE_REGISTERED, "state");
	/* After REGISTER the description is frozen. */
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &good_ids, EBADFD);
	bar.bar_index = 2;
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &bar, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, &cap, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_CREATE_DEVICE, &c, EBADFD);

	EXPECT_OK(fd, PCIEM_IOCTL_START, NULL);
	CHECK(state_of(fd) == PCIEM_STATE_STARTED, "state");
	EXPECT_ERR(fd, PCIEM_IOCTL_START, NULL, EBADFD);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EBADFD);
	close(inst);
	close(fd);
}

static void test_create_flags(void)
{
	uint32_t bad[] = { 2, 3, 4, 0x100, 0x80000000u };
	int fd = open_pciem();

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pciem_create_device c = { .flags = bad[i] };

		EXPECT_ERR(fd, PCIEM_IOCTL_CREATE_DEVICE, &c, EINVAL);
	}
	CHECK(state_of(fd) == PCIEM_STATE_EMPTY, "state after bad CREATE_DEVICE");
	close(fd);
}

static void test_set_config(void)
{
	struct pciem_config_space ids;
	int fd = created();

	ids = good_ids;
	ids.vendor_id = 0xffff;
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &ids, EINVAL);
	ids.vendor_id = 0x0000;
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &ids, EINVAL);
	ids = good_ids;
	ids.header_type = 0x80;
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &ids, EINVAL);
	ids.header_type = 0x01;
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &ids, EINVAL);
	ids = good_ids;
	ids.reserved[6] = 1;
	EXPECT_ERR(fd, PCIEM_IOCTL_SET_CONFIG, &ids, EINVAL);
	close(fd);
}

static void test_add_bar(void)
{
	struct {
		uint32_t idx, flags;
		uint64_t size;
		uint32_t reserved;
		int err;
	} cases[] = {
		{ 6, 0, 4096, 0, EINVAL },
		{ 0xffffffffu, 0, 4096, 0, EINVAL },
		{ 0, 0, 0, 0, EINVAL },
		{ 0, 0, 3, 0, EINVAL },
		{ 0, 0, 8, 0, EINVAL },			/* below the 16-byte minimum */
		{ 0, 0, 12288, 0, EINVAL },		/* not a power of two */
		{ 0, 0, 1ull << 32, 0, EINVAL },	/* 32-bit BAR over 2 GiB */
		{ 0, PCIEM_BAR_FLAG_IO, 256, 0, EOPNOTSUPP },
		{ 0, 0x2, 4096, 0, EINVAL },		/* "below 1M" type */
		{ 0, 0x10, 4096, 0, EINVAL },
		{ 5, PCIEM_BAR_FLAG_MEM64, 4096, 0, EINVAL },
		{ 0, 0, 4096, 1, EINVAL },		/* reserved */
	};
	struct pciem_bar_config b;
	int fd = created();

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b.bar_index = cases[i].idx;
		b.flags = cases[i].flags;
		b.size = cases[i].size;
		b.reserved = cases[i].reserved;
		EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &b, cases[i].err);
	}
	/* Occupied indexes. */
	b = (struct pciem_bar_config){ .bar_index = 0, .flags = PCIEM_BAR_FLAG_MEM64, .size = 1 << 20 };
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = (struct pciem_bar_config){ .bar_index = 0, .size = 4096 };
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &b, EBUSY);
	b.bar_index = 1;			/* upper half of BAR 0 */
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &b, EBUSY);
	b.bar_index = 3;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = (struct pciem_bar_config){ .bar_index = 2, .flags = PCIEM_BAR_FLAG_MEM64, .size = 4096 };
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_BAR, &b, EBUSY);	/* its upper half (3) is taken */
	close(fd);
}

static void test_add_capability(void)
{
	struct pciem_cap_config c;
	struct pciem_cap_config_flat f;
	int fd = created();

#define CAP_ERR(init, err) do {						\
	memset(&c, 0, sizeof(c));					\
	init;								\
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, err);		\
} while (0)
	CAP_ERR(c.cap_type = 6, EINVAL);
	CAP_ERR(c.cap_type = 0xffffffffu, EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSI, c.msi.num_vectors_log2 = 6), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSI, c.msi.has_64bit = 2), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSI, c.msi.has_masking = 7), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSI, c.msi.reserved = 1), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSIX, c.msix.table_size = 0), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSIX, c.msix.table_size = 2049), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSIX, c.msix.table_size = 4, c.msix.bar_index = 6), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSIX, c.msix.table_size = 4, c.msix.table_offset = 4), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_MSIX, c.msix.table_size = 4, c.msix.pba_offset = 0x1002), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_PASID, c.pasid.max_pasid_width = 21), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_PASID, c.pasid.execute_permission = 2), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_VSEC, c.vsec.length = 6), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_VSEC, c.vsec.length = 260), EINVAL);
	CAP_ERR((c.cap_type = PCIEM_CAP_VSEC, c.vsec.length = 18), EINVAL);

	/* Duplicates. */
	memset(&c, 0, sizeof(c));
	c.cap_type = PCIEM_CAP_MSI;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, EEXIST);
	c.cap_type = PCIEM_CAP_PM;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, EEXIST);
	/* The 28-byte flattened form is accepted too. */
	memset(&f, 0, sizeof(f));
	f.cap_type = PCIEM_CAP_PASID;
	f.pasid.max_pasid_width = 20;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY_FLAT, &f);
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY_FLAT, &f, EEXIST);
	f.cap_type = 9;
	EXPECT_ERR(fd, PCIEM_IOCTL_ADD_CAPABILITY_FLAT, &f, EINVAL);
	close(fd);
}

static void test_register_checks(void)
{
	struct pciem_bar_config b = { .bar_index = 0, .size = 4096 };
	struct pciem_cap_config c;
	int fd, inst;

	/* MSI-X table outside its BAR: refused at REGISTER, nothing changes. */
	fd = created();
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	memset(&c, 0, sizeof(c));
	c.cap_type = PCIEM_CAP_MSIX;
	c.msix.bar_index = 0;
	c.msix.table_offset = 0;
	c.msix.pba_offset = 0x800;
	c.msix.table_size = 256;	/* 4 KiB of table: overlaps the PBA */
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EINVAL);
	CHECK(state_of(fd) == PCIEM_STATE_CREATED, "failed REGISTER changed the state");
	close(fd);

	fd = created();
	memset(&c, 0, sizeof(c));
	c.cap_type = PCIEM_CAP_MSIX;
	c.msix.bar_index = 2;	/* no such BAR */
	c.msix.table_size = 1;
	c.msix.pba_offset = 0x100;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EINVAL);
	close(fd);

	/* Extended capability without a PCI Express capability. */
	fd = created();
	memset(&c, 0, sizeof(c));
	c.cap_type = PCIEM_CAP_VSEC;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, EINVAL);
	c.cap_type = PCIEM_CAP_PCIE;
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	CHECK(inst >= 0, "REGISTER after adding PCIe: %s", strerror(errno));
	close(inst);
	close(fd);

	/* Pool exhausted (256 MiB BAR, 128 MiB pool); the pool is untouched. */
	fd = created();
	b = (struct pciem_bar_config){ .bar_index = 0, .size = 256u << 20,
				       .flags = PCIEM_BAR_FLAG_MEM64 };
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = (struct pciem_bar_config){ .bar_index = 2, .size = 4096 };
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	EXPECT_ERR(fd, PCIEM_IOCTL_REGISTER, NULL, ENOSPC);
	CHECK(state_of(fd) == PCIEM_STATE_CREATED, "failed REGISTER changed the state");
	close(fd);
	fd = created();
	b = (struct pciem_bar_config){ .bar_index = 0, .size = 64u << 20 };
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = (struct pciem_bar_config){ .bar_index = 1, .size = 32u << 20 };
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	CHECK(inst >= 0, "96 MiB of BARs after a failed REGISTER: %s", strerror(errno));
	close(inst);
	close(fd);
}

static void test_bar_info_and_mmap(void)
{
	struct pciem_bar_config b = { .bar_index = 2, .size = 1 << 16,
				      .flags = PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH };
	struct pciem_bar_info_query q;
	long page = sysconf(_SC_PAGESIZE);
	int fd = created(), inst;
	void *p;

	EXPECT_OK(fd, PCIEM_IOCTL_ADD_BAR, &b);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	CHECK(inst >= 0, "REGISTER: %s", strerror(errno));

	q = (struct pciem_bar_info_query){ .bar_index = 6 };
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, &q, EINVAL);
	q.bar_index = 0;
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, &q, ENOENT);
	q.bar_index = 3;	/* upper half of BAR 2 */
	EXPECT_ERR(fd, PCIEM_IOCTL_GET_BAR_INFO, &q, ENOENT);
	q.bar_index = 2;
	EXPECT_OK(fd, PCIEM_IOCTL_GET_BAR_INFO, &q);
	CHECK(q.size == (1 << 16) && q.phys_addr && (q.phys_addr & 0xffff) == 0 &&
	      q.flags == (PCIEM_BAR_FLAG_MEM64 | PCIEM_BAR_FLAG_PREFETCH),
	      "BAR 2 info: phys %#llx size %#llx flags %#x",
	      (unsigned long long)q.phys_addr, (unsigned long long)q.size, q.flags);

	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 6 * page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap BAR 6: want EINVAL");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 0);
	CHECK(p == MAP_FAILED && errno == ENXIO, "mmap absent BAR 0: want ENXIO");
	p = mmap(NULL, 2 << 16, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 2 * page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mmap beyond the BAR: want EINVAL");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, inst, 2 * page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE: want EINVAL");
	p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 2 * page);
	CHECK(p != MAP_FAILED, "mmap BAR 2: %s", strerror(errno));
	if (p != MAP_FAILED) {
		volatile uint32_t *w = p;
		int zero = 1;

		for (unsigned int i = 0; i < (1 << 16) / 4; i++)
			if (w[i])
				zero = 0;
		CHECK(zero, "a new BAR must start zeroed");
		w[5] = 0x12345678;
		CHECK(w[5] == 0x12345678, "BAR memory readback");
		/* The mapping outlives both fds and keeps the memory out of the pool. */
		close(inst);
		close(fd);
		CHECK(w[5] == 0x12345678, "mapping after close");
		munmap(p, 1 << 16);
	} else {
		close(inst);
		close(fd);
	}
}

static void test_data_path_not_built(void)
{
	struct pciem_irq_inject irq = { 0 };
	struct pciem_trace_bar tb = { 0 };
	int fd = open_pciem();

	EXPECT_ERR(fd, PCIEM_IOCTL_TRACE_BAR, &tb, EBADFD);	/* before CREATE_DEVICE */
	close(fd);
	fd = created();
	EXPECT_ERR(fd, PCIEM_IOCTL_TRACE_BAR, &tb, ENOENT);	/* no BAR 0 */
	EXPECT_ERR(fd, PCIEM_IOCTL_INJECT_IRQ, &irq, EBADFD);	/* not started */
	close(fd);
}

static int config_access(int fd, uint32_t flags, uint32_t off, uint32_t size, uint64_t *value)
{
	struct pciem_config_access a = {
		.offset = off, .size = size, .flags = flags, .value = *value,
	};
	int r = ioctl(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a);

	if (r == 0)
		*value = a.value;
	return r < 0 ? -errno : r;
}

static uint64_t dev_read(int fd, uint32_t off, uint32_t size)
{
	uint64_t v = 0xa5a5;
	int r = config_access(fd, 0, off, size, &v);

	CHECK(r == 0, "device read %#x/%u: %s", off, size, strerror(-r));
	return v;
}

static int dev_write(int fd, uint32_t off, uint32_t size, uint64_t value)
{
	return config_access(fd, PCIEM_CONFIG_ACCESS_WRITE, off, size, &value);
}

/* The device's side of configuration space: what the host sees, what it may not touch. */
static void test_config_access(void)
{
	struct pciem_cap_config exp = { .cap_type = PCIEM_CAP_PCIE };
	struct pciem_cap_config vsec = { .cap_type = PCIEM_CAP_VSEC };
	struct pciem_config_access a = { .size = 4 };
	struct pciem_device_info info;
	uint16_t status;
	uint64_t v;
	char path[96];
	int fd = open_pciem(), cfd, inst;

	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EBADFD);
	close(fd);
	fd = created();
	a = (struct pciem_config_access){ .size = 3 };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 2, .offset = 1 };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 4, .offset = 4096 };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 4, .flags = 8 };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 4, .flags = PCIEM_CONFIG_ACCESS_SET |
							      PCIEM_CONFIG_ACCESS_CLEAR };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 4, .reserved = 1 };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	a = (struct pciem_config_access){ .size = 1, .offset = 0x2c, .value = 0x100,
					  .flags = PCIEM_CONFIG_ACCESS_WRITE };
	EXPECT_ERR(fd, PCIEM_IOCTL_CONFIG_ACCESS, &a, EINVAL);
	CHECK(dev_read(fd, 0x00, 4) == 0x00ee1b36, "device read of the IDs");

	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &exp);
	EXPECT_OK(fd, PCIEM_IOCTL_ADD_CAPABILITY, &vsec);
	/* Before REGISTER: shapes the power-on state (Subsystem ID is read-only). */
	CHECK(dev_write(fd, 0x2e, 2, 0x4242) == 0, "write Subsystem ID");
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	CHECK(inst >= 0, "REGISTER: %s", strerror(errno));
	EXPECT_OK(fd, PCIEM_IOCTL_START, NULL);
	EXPECT_OK(fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%x/config",
		 info.domain, info.bus, info.devfn >> 3, info.devfn & 7);
	cfd = open(path, O_RDWR);
	CHECK(cfd >= 0, "%s: %s", path, strerror(errno));
	if (cfd < 0)
		goto out;

	/* Signaled Target Abort (W1C): set by the device, seen and cleared by the host. */
	v = 0x0800;
	CHECK(config_access(fd, PCIEM_CONFIG_ACCESS_SET, 0x06, 2, &v) == 0 && v == 0x0010,
	      "set Status bit 11: old value %#llx, want 0x10", (unsigned long long)v);
	CHECK(pread(cfd, &status, 2, 0x06) == 2 && (status & 0x0800),
	      "host reads Status %#x, want bit 11", status);
	status = 0x0800;
	CHECK(pwrite(cfd, &status, 2, 0x06) == 2, "host clears Status bit 11");
	CHECK(!(dev_read(fd, 0x06, 2) & 0x0800), "bit 11 still set after the host's W1C");
	CHECK(pread(cfd, &status, 2, 0x2e) == 2 && status == 0x4242,
	      "host reads Subsystem ID %#x, want 0x4242", status);

	/* What the host owns: refused, nothing written. */
	CHECK(dev_write(fd, 0x04, 2, 0x0007) == -EACCES, "device write of Command");
	CHECK(dev_write(fd, 0x10, 4, 0xfe000000) == -EACCES, "device write of BAR 0");
	CHECK(dev_write(fd, 0x34, 1, 0x80) == -EACCES, "device write of the cap pointer");
	CHECK(dev_write(fd, 0x00, 2, 0x8086) == -EACCES, "device write of Vendor ID");
	CHECK(dev_read(fd, 0x00, 2) == 0x1b36, "Vendor ID changed by a refused write");
	v = 0x0400;	/* Command's INTx Disable, through SET: refused as well */
	CHECK(config_access(fd, PCIEM_CONFIG_ACCESS_SET, 0x04, 2, &v) == -EACCES,
	      "SET of a Command bit");
	v = 0xffff;	/* CLEAR of bits that are all 0 already changes nothing: allowed */
	CHECK(config_access(fd, PCIEM_CONFIG_ACCESS_CLEAR, 0x2c, 2, &v) == 0,
	      "CLEAR of Subsystem Vendor ID");
	close(cfd);
out:
	close(inst);
	close(fd);
}

static void test_eight_devices(void)
{
	enum { N = 8 };
	int fds[N], inst[N];
	struct pciem_device_info info[N];

	for (int i = 0; i < N; i++) {
		struct pciem_create_device c = {
			.flags = i % 2 ? PCIEM_CREATE_FLAG_BUS_MODE_ATTACH :
					 PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL,
		};
		struct pciem_bar_config b = { .bar_index = 0, .size = 1 << 20 };

		fds[i] = open_pciem();
		EXPECT_OK(fds[i], PCIEM_IOCTL_CREATE_DEVICE, &c);
		EXPECT_OK(fds[i], PCIEM_IOCTL_SET_CONFIG, &good_ids);
		EXPECT_OK(fds[i], PCIEM_IOCTL_ADD_BAR, &b);
		inst[i] = ioctl(fds[i], PCIEM_IOCTL_REGISTER, NULL);
		CHECK(inst[i] >= 0, "REGISTER %d: %s", i, strerror(errno));
		EXPECT_OK(fds[i], PCIEM_IOCTL_START, NULL);
		EXPECT_OK(fds[i], PCIEM_IOCTL_GET_DEVICE_INFO, &info[i]);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			CHECK(info[i].bus != info[j].bus || info[i].devfn != info[j].devfn,
			      "devices %d and %d share %02x:%02x", i, j, info[i].bus,
			      info[i].devfn);
	for (int i = 0; i < N; i++) {
		char path[96];

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%x/vendor",
			 info[i].domain, info[i].bus, info[i].devfn >> 3, info[i].devfn & 7);
		CHECK(access(path, F_OK) == 0, "device %d not in sysfs (%s)", i, path);
		close(inst[i]);
		close(fds[i]);
		CHECK(access(path, F_OK) != 0, "device %d still in sysfs after close", i);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_open_permissions();
	test_unknown_and_faults();
	test_wrong_state();
	test_create_flags();
	test_set_config();
	test_add_bar();
	test_add_capability();
	test_register_checks();
	test_bar_info_and_mmap();
	test_data_path_not_built();
	test_eight_devices();
	test_config_access();
	return summary("pciem_ioctl_test");
}
