# opae_edu: userspace edu driver on libopaevfio, run in the test VM
# (tests/guest/50-opae/).  Static, like every guest binary.

GUEST_BINS += $(BUILD)/guest/bin/opae_edu

$(BUILD)/guest/bin/opae_edu: tests/guest/opae_edu.c $(BUILD)/lib/libopaevfio.a include/opae/vfio.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -I$(CURDIR)/include -static -pthread -o $@ $< $(BUILD)/lib/libopaevfio.a
