# opaevfio(8): bind a PCI device to vfio-pci / release it.
# Installed to BINDIR; a static copy goes into the test VM.

OPAEVFIO_TOOL_CFLAGS := $(STD) $(WARN) $(CFLAGS) -I$(CURDIR)/include -I$(CURDIR)/lib/opaevfio

PROGRAMS      += $(BUILD)/bin/opaevfio
GUEST_BINS    += $(BUILD)/guest/bin/opaevfio
INSTALL_MANS  += tools/opaevfio/opaevfio.8

$(BUILD)/bin/opaevfio: tools/opaevfio/opaevfio.c $(BUILD)/lib/libopaevfio.a lib/opaevfio/internal.h
	@mkdir -p $(@D)
	$(CC) $(OPAEVFIO_TOOL_CFLAGS) -o $@ $< $(BUILD)/lib/libopaevfio.a -pthread

$(BUILD)/guest/bin/opaevfio: tools/opaevfio/opaevfio.c $(BUILD)/lib/libopaevfio.a lib/opaevfio/internal.h
	@mkdir -p $(@D)
	$(CC) $(OPAEVFIO_TOOL_CFLAGS) -DOPAEVFIO_STATIC -static -o $@ $< $(BUILD)/lib/libopaevfio.a -pthread
