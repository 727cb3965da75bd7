# nvme_io: O_DIRECT I/O and passthrough commands for the 30-nvme guest tests.
GUEST_BINS += $(BUILD)/guest/bin/nvme_io

$(BUILD)/guest/bin/nvme_io: tests/guest/nvme_io.c
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -static -pthread $< -o $@
