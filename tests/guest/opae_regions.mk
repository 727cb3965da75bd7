# opae_regions: checks what libopaevfio maps on a vfio-pci device (sparse
# BARs, IRQ indexes, IOVA ranges); run in the test VM (tests/guest/50-opae/).

GUEST_BINS += $(BUILD)/guest/bin/opae_regions

$(BUILD)/guest/bin/opae_regions: tests/guest/opae_regions.c $(BUILD)/lib/libopaevfio.a include/opae/vfio.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -I$(CURDIR)/include -static -pthread -o $@ $< $(BUILD)/lib/libopaevfio.a
