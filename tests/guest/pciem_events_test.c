// SPDX-License-Identifier: GPL-2.0-only
/*
 * pciem_events_test - the event ring as the emulator sees it.
 *
 * Configuration accesses made through sysfs (as lspci/setpci do) produce
 * CONFIG_READ / CONFIG_WRITE events when asked for, an FLR produces RESET,
 * seq numbers increase by one per event, poll() and the eventfd wake the
 * emulator, a full ring holds producers back and counts what it finally has
 * to drop, and a consumer that keeps up loses nothing.  DRIVER events say
 * how the probe after START went and when a driver binds and unbinds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pciem.h"
#include "testlib.h"


static struct pciem_dev *dev;
static int cfg_fd;

static uint32_t cfg_read(unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	if (pread(cfg_fd, &v, size, off) != (ssize_t)size)
		die("config read", -errno);
	return v;
}

static void cfg_write(unsigned int off, unsigned int size, uint32_t v)
{
	if (pwrite(cfg_fd, &v, size, off) != (ssize_t)size)
		die("config write", -errno);
}

/* Everything queued, ring and kernel backlog (poll() refills the ring). */
static int drain(void)
{
	struct pciem_event ev;
	int n = 0;

	while (pciem_wait_event(dev, &ev, 0) == 1)
		n++;
	return n;
}

static struct pciem_device_info info(void)
{
	struct pciem_device_info i;
	int ret = pciem_device_info(dev, &i);

	if (ret)
		die("device info", ret);
	return i;
}

static void set_param(const char *name, const char *value)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/module/pciem/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		die(path, -errno);
	close(fd);
}

static void sysfs_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		die(path, -errno);
	close(fd);
}

/* The next DRIVER event within a second, skipping others; -1 if none. */
static int next_driver_event(void)
{
	struct pciem_event ev;

	while (pciem_wait_event(dev, &ev, 1000) == 1)
		if (ev.type == PCIEM_EVENT_DRIVER)
			return (int)ev.data;
	return -1;
}

/* uio_pci_generic (loaded by the script) binds, then unbinds. */
static void test_driver_events(const char *addr)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", addr);
	sysfs_write(path, "uio_pci_generic");
	sysfs_write("/sys/bus/pci/drivers_probe", addr);
	CHECK(next_driver_event() == 1, "DRIVER 1 after a bind");
	sysfs_write("/sys/bus/pci/drivers/uio_pci_generic/unbind", addr);
	CHECK(next_driver_event() == 0, "DRIVER 0 after an unbind");
	sysfs_write(path, "\n");
}

static atomic_int stop_consumer;
static atomic_long consumed, gaps;

static void *consumer(void *arg)
{
	struct pciem_event ev;
	uint64_t last = *(uint64_t *)arg;

	for (;;) {
		if (pciem_wait_event(dev, &ev, 10) != 1) {
			if (atomic_load(&stop_consumer))
				break;
			continue;
		}
		if (ev.seq != last + 1)
			atomic_fetch_add(&gaps, 1);
		last = ev.seq;
		atomic_fetch_add(&consumed, 1);
	}
	return NULL;
}

int main(void)
{
	struct pciem_config_space ids = {
		.vendor_id = 0x1b36, .device_id = 0x00e1, .class_code = { 0, 0, 0xff },
	};
	struct pciem_event ev;
	char addr[16], path[96];
	uint64_t count, first_seq;
	int efd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = pciem_create(&dev, PCIEM_CREATE_FLAG_BUS_MODE_VIRTUAL);
	if (ret)
		die("create", ret);
	if ((ret = pciem_set_ids(dev, &ids)) || (ret = pciem_add_bar(dev, 0, 4096, 0)) ||
	    (ret = pciem_add_pcie(dev)) || (ret = pciem_register(dev)) ||
	    (ret = pciem_start(dev)) || (ret = pciem_address(dev, addr, sizeof(addr))))
		die("set up", ret);
	/* No driver wants 1b36:00e1: the first probe reports none. */
	CHECK(pciem_wait_probed(dev, 10000) == 0, "DRIVER 0 after START");
	test_driver_events(addr);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	cfg_fd = open(path, O_RDWR);
	if (cfg_fd < 0)
		die(path, -errno);
	efd = eventfd(0, EFD_NONBLOCK);
	CHECK(pciem_set_eventfd(dev, efd) == 0, "SET_EVENTFD");
	drain();

	/* Nothing is reported until asked for. */
	cfg_read(0, 4);
	CHECK(pciem_next_event(dev, &ev) == 0, "event without tracing");

	/* CONFIG_READ. */
	CHECK(pciem_trace_config(dev, PCIEM_TRACE_READS | PCIEM_TRACE_WRITES) == 0, "trace config");
	cfg_read(0, 4);
	CHECK(pciem_wait_event(dev, &ev, 1000) == 1, "no CONFIG_READ event");
	CHECK(ev.type == PCIEM_EVENT_CONFIG_READ && ev.bar == PCIEM_TRACE_CONFIG_SPACE &&
	      ev.offset == 0 && ev.size == 4 && ev.data == 0x00e11b36 && ev.timestamp,
	      "CONFIG_READ type %u bar %#x off %#llx size %u data %#llx", ev.type, ev.bar,
	      (unsigned long long)ev.offset, ev.size, (unsigned long long)ev.data);
	first_seq = ev.seq;
	CHECK(read(efd, &count, 8) == 8 && count >= 1, "eventfd not signalled");

	/* CONFIG_WRITE carries the value after the write masks. */
	cfg_write(0x04, 2, 0xffff);
	CHECK(pciem_wait_event(dev, &ev, 1000) == 1, "no CONFIG_WRITE event");
	CHECK(ev.type == PCIEM_EVENT_CONFIG_WRITE && ev.offset == 4 && ev.size == 2 &&
	      ev.data == 0x0546 && ev.seq == first_seq + 1,
	      "CONFIG_WRITE type %u off %#llx size %u data %#llx seq %llu", ev.type,
	      (unsigned long long)ev.offset, ev.size, (unsigned long long)ev.data,
	      (unsigned long long)ev.seq);
	cfg_write(0x04, 2, 0);
	drain();

	/* poll() says whether there is something to read. */
	{
		struct pollfd p = { .fd = pciem_fd(dev), .events = POLLIN };

		CHECK(poll(&p, 1, 0) == 0, "poll on an empty ring");
		cfg_read(8, 4);
		CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "poll after an event");
		drain();
	}

	/* FLR: a RESET event (PCI Express capability at 0x40, Device Control 0x48). */
	cfg_write(0x48, 2, cfg_read(0x48, 2) | 0x8000);
	usleep(100000);
	{
		int resets = 0;

		while (pciem_next_event(dev, &ev) == 1)
			if (ev.type == PCIEM_EVENT_RESET && ev.data == PCIEM_RESET_FLR)
				resets++;
		CHECK(resets == 1, "%d RESET events after one FLR", resets);
	}

	/* Reads only. */
	CHECK(pciem_trace_config(dev, PCIEM_TRACE_READS) == 0, "trace reads");
	cfg_write(0x3c, 1, 0x11);
	CHECK(pciem_next_event(dev, &ev) == 0, "write reported without TRACE_WRITES");
	CHECK(pciem_trace_config(dev, 0) == 0, "trace off");
	cfg_read(0, 4);
	CHECK(pciem_next_event(dev, &ev) == 0, "read reported after tracing stopped");

	/*
	 * A full ring: 255 events fit, the rest queue in order in the kernel's
	 * backlog and reach the ring as it drains; nothing is lost.
	 */
	CHECK(pciem_trace_config(dev, PCIEM_TRACE_READS) == 0, "trace reads");
	for (int i = 0; i < 300; i++)
		cfg_read(0, 4);
	CHECK(info().events_dropped == 0, "events_dropped %llu with room in the backlog",
	      (unsigned long long)info().events_dropped);
	{
		uint64_t last = 0;
		int n = 0, ordered = 1, in_ring = 0;

		while (pciem_next_event(dev, &ev) == 1) {
			if (n && ev.seq != last + 1)
				ordered = 0;
			last = ev.seq;
			n++;
		}
		in_ring = n;
		while (pciem_wait_event(dev, &ev, 0) == 1) {
			if (ev.seq != last + 1)
				ordered = 0;
			last = ev.seq;
			n++;
		}
		CHECK(in_ring == PCIEM_RING_SIZE - 1, "%d events in a full ring", in_ring);
		CHECK(n == 300, "%d of 300 events after draining the backlog", n);
		CHECK(ordered, "seq not contiguous across ring and backlog");
	}

	/* Ring and backlog full: producers wait 1 ms each, then drop and count. */
	set_param("pciem_ring_wait_ms", "1");
	{
		uint64_t dropped = info().events_dropped, last;
		int n = 0, ordered = 1;

		for (int i = 0; i < PCIEM_RING_SIZE - 1 + 16384 + 10; i++)
			cfg_read(0, 4);
		CHECK(info().events_dropped == dropped + 10, "events_dropped %llu, want %llu",
		      (unsigned long long)info().events_dropped, (unsigned long long)dropped + 10);
		last = 0;
		while (pciem_wait_event(dev, &ev, 0) == 1) {
			if (n && ev.seq != last + 1)
				ordered = 0;
			last = ev.seq;
			n++;
		}
		CHECK(n == PCIEM_RING_SIZE - 1 + 16384, "%d events kept", n);
		CHECK(ordered, "seq not contiguous");
		cfg_read(0, 4);
		CHECK(pciem_next_event(dev, &ev) == 1 && ev.seq == last + 1,
		      "seq after drops: %llu, want %llu (dropped events take no seq)",
		      (unsigned long long)ev.seq, (unsigned long long)last + 1);
	}

	/* A consumer that keeps up: 5000 events, none lost, seq contiguous. */
	set_param("pciem_ring_wait_ms", "1000");
	{
		pthread_t t;
		uint64_t dropped = info().events_dropped;
		uint64_t last = ev.seq;

		drain();

		atomic_store(&stop_consumer, 0);
		pthread_create(&t, NULL, consumer, &last);
		for (int i = 0; i < 5000; i++)
			cfg_read((unsigned int)(i % 64) * 4, 4);
		atomic_store(&stop_consumer, 1);
		pthread_join(t, NULL);
		CHECK(atomic_load(&consumed) == 5000, "consumed %ld of 5000",
		      atomic_load(&consumed));
		CHECK(atomic_load(&gaps) == 0, "%ld seq gaps", atomic_load(&gaps));
		CHECK(info().events_dropped == dropped, "events dropped while consuming");
	}
	pciem_trace_config(dev, 0);

	/* Responses nobody waits for, and malformed ones. */
	CHECK(pciem_respond(dev, 12345, 0, 0) == -ENOENT, "response to an unknown seq");
	{
		struct pciem_response r = { .seq = 1, .reserved = 1 };
		char junk[10] = { 0 };

		CHECK(write(pciem_fd(dev), &r, sizeof(r)) < 0 && errno == EINVAL,
		      "response with reserved set");
		CHECK(write(pciem_fd(dev), junk, sizeof(junk)) < 0 && errno == EINVAL,
		      "response of the wrong size");
	}

	/* Bad input to the event ioctls and the ring mapping. */
	{
		struct pciem_trace_bar t = { .bar_index = PCIEM_TRACE_CONFIG_SPACE, .flags = 8 };
		struct pciem_eventfd_config e = { .eventfd = -2 };
		long page = sysconf(_SC_PAGESIZE);
		void *p;

		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == EINVAL,
		      "unknown trace flag");
		t.flags = PCIEM_TRACE_STOP_WRITES;
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == EINVAL,
		      "STOP_WRITES on config space");
		t.bar_index = 6;
		t.flags = PCIEM_TRACE_WRITES;
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_TRACE_BAR, &t) < 0 && errno == EINVAL,
		      "trace BAR 6");
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_SET_EVENTFD, &e) < 0 && errno == EBADF,
		      "eventfd -2");
		e.eventfd = cfg_fd;
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_SET_EVENTFD, &e) < 0 && errno == EINVAL,
		      "a file that is not an eventfd");
		e.eventfd = -1;
		e.reserved = 1;
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_SET_EVENTFD, &e) < 0 && errno == EINVAL,
		      "eventfd config reserved");
		e.reserved = 0;
		CHECK(ioctl(pciem_fd(dev), PCIEM_IOCTL_SET_EVENTFD, &e) == 0, "eventfd -1 (off)");
		p = mmap(NULL, page, PROT_READ, MAP_SHARED, pciem_fd(dev), page);
		CHECK(p == MAP_FAILED && errno == EINVAL, "ring mmap at offset 1 page");
		p = mmap(NULL, 8 * page, PROT_READ, MAP_SHARED, pciem_fd(dev), 0);
		CHECK(p == MAP_FAILED && errno == EINVAL, "ring mmap too long");
		p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, pciem_fd(dev), 0);
		CHECK(p == MAP_FAILED && errno == EINVAL, "ring mmap private");
	}

	/* A ring whose tail the emulator corrupted is never written, only backlogged. */
	{
		struct pciem_shared_ring *ring = pciem_ring(dev);
		int head = atomic_load(&ring->head);
		struct pciem_event copy = ring->events[head];

		drain();
		atomic_store(&ring->tail, 100000);
		pciem_trace_config(dev, PCIEM_TRACE_READS);
		cfg_read(0, 4);
		CHECK(atomic_load(&ring->head) == head, "ring head moved with a corrupted tail");
		CHECK(!memcmp(&copy, &ring->events[head], sizeof(copy)), "ring written");
		pciem_trace_config(dev, 0);
		atomic_store(&ring->tail, head);
		CHECK(pciem_wait_event(dev, &ev, 100) == 1 && ev.type == PCIEM_EVENT_CONFIG_READ,
		      "backlogged event after the tail was repaired");
	}

	close(cfg_fd);
	close(efd);
	pciem_destroy(dev);
	return summary("pciem_events_test");
}
