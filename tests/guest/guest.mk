# Static helper programs the guest tests run inside the VM.
GUEST_BINS += $(BUILD)/guest/bin/pciem_ioctl_test $(BUILD)/guest/bin/pcibar

$(BUILD)/guest/bin/pciem_ioctl_test: tests/guest/pciem_ioctl_test.c tests/guest/check.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -static $< -o $@

$(BUILD)/guest/bin/pcibar: tests/guest/pcibar.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -static $< -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_events_test

$(BUILD)/guest/bin/pciem_events_test: tests/guest/pciem_events_test.c tests/guest/testlib.h tests/guest/check.h $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_trap_test

$(BUILD)/guest/bin/pciem_trap_test: tests/guest/pciem_trap_test.c tests/guest/testlib.h tests/guest/check.h $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_irq_test

$(BUILD)/guest/bin/pciem_irq_test: tests/guest/pciem_irq_test.c tests/guest/testlib.h tests/guest/check.h $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_dma_test

$(BUILD)/guest/bin/pciem_dma_test: tests/guest/pciem_dma_test.c tests/guest/testlib.h tests/guest/check.h $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_dma_probe

$(BUILD)/guest/bin/pciem_dma_probe: tests/guest/pciem_dma_probe.c $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/vfio_region_rw

$(BUILD)/guest/bin/vfio_region_rw: tests/guest/vfio_region_rw.c tests/guest/check.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -static $< -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_lifetime_test

$(BUILD)/guest/bin/pciem_lifetime_test: tests/guest/pciem_lifetime_test.c tests/guest/testlib.h tests/guest/check.h $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@

GUEST_BINS += $(BUILD)/guest/bin/pinmem

$(BUILD)/guest/bin/pinmem: tests/guest/pinmem.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -static $< -o $@

GUEST_BINS += $(BUILD)/guest/bin/pciem_fuzz

$(BUILD)/guest/bin/pciem_fuzz: tests/guest/pciem_fuzz.c tests/guest/check.h include/pciem_api.h include/pciio.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -static -pthread $< -o $@

GUEST_BINS += $(BUILD)/guest/bin/runas

$(BUILD)/guest/bin/runas: tests/guest/runas.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -static $< -o $@
