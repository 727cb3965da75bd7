# libpciem: the device author's library (static, shared, pkg-config "pciem").
LIBPCIEM_SRCS    := $(wildcard lib/pciem/*.c)
# What a program compiled from those sources (static guest copies) depends on.
LIBPCIEM_DEPS    := $(LIBPCIEM_SRCS) lib/pciem/internal.h include/pciem.h include/pciem_api.h
LIBPCIEM_OBJS    := $(patsubst lib/pciem/%.c,$(BUILD)/obj/libpciem/%.o,$(LIBPCIEM_SRCS))
LIBPCIEM_SONAME  := libpciem.so.0
LIBPCIEM_A       := $(BUILD)/lib/libpciem.a
LIBPCIEM_SO      := $(BUILD)/lib/$(LIBPCIEM_SONAME).2.0

LIBS       += $(LIBPCIEM_A) $(LIBPCIEM_SO) $(BUILD)/lib/$(LIBPCIEM_SONAME) $(BUILD)/lib/libpciem.so
PKGCONFIGS += $(BUILD)/lib/pkgconfig/pciem.pc
INSTALL_HDRS += pciem.h pciem_api.h
INSTALL_MANS += lib/pciem/libpciem.3

$(BUILD)/obj/libpciem/%.o: lib/pciem/%.c lib/pciem/internal.h include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) -fPIC $(CPPFLAGS_COMMON) -c $< -o $@

$(LIBPCIEM_A): $(LIBPCIEM_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBPCIEM_SO): $(LIBPCIEM_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBPCIEM_SONAME) $(CFLAGS) -o $@ $^

$(BUILD)/lib/$(LIBPCIEM_SONAME): $(LIBPCIEM_SO)
	ln -sf $(notdir $<) $@

$(BUILD)/lib/libpciem.so: $(BUILD)/lib/$(LIBPCIEM_SONAME)
	ln -sf $(notdir $<) $@

$(BUILD)/lib/pkgconfig/pciem.pc: lib/pciem/pciem.pc.in
	@mkdir -p $(@D)
	cp $< $@
