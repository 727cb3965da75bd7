# pciem-edu: QEMU's edu device (1234:11e8) on libpciem.
PROGRAMS   += $(BUILD)/bin/pciem-edu
GUEST_BINS += $(BUILD)/guest/bin/pciem-edu
INSTALL_MANS += examples/edu/pciem-edu.8

$(BUILD)/bin/pciem-edu: examples/edu/edu.c $(LIBPCIEM_A) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -pthread $< $(LIBPCIEM_A) -o $@

$(BUILD)/guest/bin/pciem-edu: examples/edu/edu.c $(LIBPCIEM_DEPS) include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(LIBPCIEM_SRCS) -o $@
