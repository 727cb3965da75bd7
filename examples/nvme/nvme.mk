# pciem-nvme: an NVMe controller on libpciem, namespace stored in a file.
PROGRAMS   += $(BUILD)/bin/pciem-nvme
GUEST_BINS += $(BUILD)/guest/bin/pciem-nvme
INSTALL_MANS += examples/nvme/pciem-nvme.8

$(BUILD)/bin/pciem-nvme: examples/nvme/nvme.c $(LIBPCIEM_A) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -pthread $< $(LIBPCIEM_A) -o $@

$(BUILD)/guest/bin/pciem-nvme: examples/nvme/nvme.c $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@
