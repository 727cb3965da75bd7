# pciem-nvme: an NVMe controller on libpciem, namespace stored in a file.
PROGRAMS   += $(BUILD)/bin/pciem-nvme
GUEST_BINS += $(BUILD)/guest/bin/pciem-nvme
INSTALL_MANS += examples/nvme/pciem-nvme.8

# One program from these files (examples/nvme/README.md says what each holds).
NVME_SRCS := $(addprefix examples/nvme/,main.c ctrl.c queue.c admin.c io.c ns.c)
NVME_HDRS := $(wildcard examples/nvme/*.h) include/pciem.h include/pciem_api.h

$(BUILD)/bin/pciem-nvme: $(NVME_SRCS) $(NVME_HDRS) $(LIBPCIEM_A)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -pthread $(NVME_SRCS) $(LIBPCIEM_A) -o $@

$(BUILD)/guest/bin/pciem-nvme: $(NVME_SRCS) $(NVME_HDRS) $(LIBPCIEM_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $(NVME_SRCS) $(LIBPCIEM_SRCS) -o $@
