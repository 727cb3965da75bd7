# pciconf: FreeBSD pciconf(8) on top of /dev/pci (pciio.ko).
#
#   $(BUILD)/bin/pciconf          the tool
#   $(BUILD)/guest/bin/pciconf    the same, static, for the test VM
#   $(BUILD)/guest/bin/pciio-test static ioctl checks used by tests/guest/60-pciio
# plus host unit tests (tests/unit/test_pciconf_*.c) for selector parsing and
# output formatting, which need no device.

PCICONF_LIB_SRCS := tools/pciconf/selector.c tools/pciconf/pciids.c \
                    tools/pciconf/format.c tools/pciconf/caps.c
PCICONF_SRCS     := tools/pciconf/pciconf.c $(PCICONF_LIB_SRCS)
PCICONF_HDRS     := tools/pciconf/pciconf.h include/pciio.h
PCICONF_CFLAGS    = $(STD) $(WARN) $(CPPFLAGS_COMMON) -Itools/pciconf

PROGRAMS     += $(BUILD)/bin/pciconf
GUEST_BINS   += $(BUILD)/guest/bin/pciconf $(BUILD)/guest/bin/pciio-test
INSTALL_MANS += tools/pciconf/pciconf.8

$(BUILD)/bin/pciconf: $(PCICONF_SRCS) $(PCICONF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) $(CFLAGS) -o $@ $(PCICONF_SRCS)

$(BUILD)/guest/bin/pciconf: $(PCICONF_SRCS) $(PCICONF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) $(CFLAGS) -static -o $@ $(PCICONF_SRCS)

$(BUILD)/guest/bin/pciio-test: tests/guest/60-pciio/pciio_test.c tests/guest/check.h include/pciio.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -static -o $@ $<

# ---- host unit tests -------------------------------------------------------
PCICONF_UNIT := selector format

UNIT_TESTS += $(patsubst %,$(BUILD)/unit/test_pciconf_%,$(PCICONF_UNIT))
SAN_TESTS  += $(patsubst %,$(BUILD)/unit-san/test_pciconf_%,$(PCICONF_UNIT))

$(BUILD)/unit/test_pciconf_%: tests/unit/test_pciconf_%.c tests/unit/check.h $(PCICONF_LIB_SRCS) $(PCICONF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) -O1 -g -o $@ $< $(PCICONF_LIB_SRCS)

$(BUILD)/unit-san/test_pciconf_%: tests/unit/test_pciconf_%.c tests/unit/check.h $(PCICONF_LIB_SRCS) $(PCICONF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) -O1 -g $(SANFLAGS) -o $@ $< $(PCICONF_LIB_SRCS)

# pciio.ko's VPD parser is freestanding C: tested on the host, end to end
# with pciconf's -V printer.
PCIIO_VPD_SRCS := kernel/pciio/pciio_vpd.c
PCIIO_VPD_DEPS := tests/unit/test_pciio_vpd.c tests/unit/check.h $(PCIIO_VPD_SRCS) kernel/pciio/pciio_vpd.h \
                  $(PCICONF_LIB_SRCS) $(PCICONF_HDRS)

UNIT_TESTS += $(BUILD)/unit/test_pciio_vpd
SAN_TESTS  += $(BUILD)/unit-san/test_pciio_vpd

$(BUILD)/unit/test_pciio_vpd: $(PCIIO_VPD_DEPS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) -Ikernel/pciio -O1 -g -o $@ $< $(PCIIO_VPD_SRCS) $(PCICONF_LIB_SRCS)

$(BUILD)/unit-san/test_pciio_vpd: $(PCIIO_VPD_DEPS)
	@mkdir -p $(@D)
	$(CC) $(PCICONF_CFLAGS) -Ikernel/pciio -O1 -g $(SANFLAGS) -o $@ $< $(PCIIO_VPD_SRCS) $(PCICONF_LIB_SRCS)
