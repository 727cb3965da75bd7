# pciemctl: create emulated functions from the command line.
PROGRAMS   += $(BUILD)/bin/pciemctl
GUEST_BINS += $(BUILD)/guest/bin/pciemctl
INSTALL_MANS += tools/pciemctl/pciemctl.8

$(BUILD)/bin/pciemctl: tools/pciemctl/pciemctl.c $(LIBPCIEM_A) include/pciem.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) $< $(LIBPCIEM_A) -o $@

$(BUILD)/guest/bin/pciemctl: tools/pciemctl/pciemctl.c $(LIBPCIEM_DEPS) include/pciem.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -static $< $(LIBPCIEM_SRCS) -o $@
