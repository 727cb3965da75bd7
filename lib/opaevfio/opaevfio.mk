# libopaevfio: OPAE-compatible VFIO userspace driver library (opae_vfio_*).
#
#   $(BUILD)/lib/libopaevfio.a
#   $(BUILD)/lib/libopaevfio.so.1.0.0  (soname libopaevfio.so.1)
#   $(BUILD)/lib/libopaevfio.so.1      -> libopaevfio.so.1.0.0
#   $(BUILD)/lib/libopaevfio.so        -> libopaevfio.so.1
#   $(BUILD)/lib/pkgconfig/opaevfio.pc
# plus its host unit tests (tests/unit/test_opaevfio_*.c).

OPAEVFIO_SRCS   := $(wildcard lib/opaevfio/*.c)
OPAEVFIO_OBJDIR := $(BUILD)/obj/opaevfio
OPAEVFIO_OBJS   := $(patsubst lib/opaevfio/%.c,$(OPAEVFIO_OBJDIR)/%.o,$(OPAEVFIO_SRCS))
OPAEVFIO_HDRS   := include/opae/vfio.h include/opae/mem_alloc.h include/opae/hash_map.h \
                   lib/opaevfio/internal.h
OPAEVFIO_CFLAGS := $(STD) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -pthread \
                   -I$(CURDIR)/include -I$(CURDIR)/lib/opaevfio
OPAEVFIO_SONAME := libopaevfio.so.1
OPAEVFIO_REAL   := libopaevfio.so.1.0.0

LIBS         += $(BUILD)/lib/libopaevfio.a $(BUILD)/lib/$(OPAEVFIO_REAL) \
                $(BUILD)/lib/$(OPAEVFIO_SONAME) $(BUILD)/lib/libopaevfio.so
PKGCONFIGS   += $(BUILD)/lib/pkgconfig/opaevfio.pc
INSTALL_HDRS += opae/vfio.h opae/mem_alloc.h opae/hash_map.h

$(OPAEVFIO_OBJDIR)/%.o: lib/opaevfio/%.c $(OPAEVFIO_HDRS)
	@mkdir -p $(@D)
	$(CC) $(OPAEVFIO_CFLAGS) -c -o $@ $<

$(BUILD)/lib/libopaevfio.a: $(OPAEVFIO_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/lib/$(OPAEVFIO_REAL): $(OPAEVFIO_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -pthread -Wl,-soname,$(OPAEVFIO_SONAME) -Wl,-z,defs -o $@ $^

$(BUILD)/lib/$(OPAEVFIO_SONAME): $(BUILD)/lib/$(OPAEVFIO_REAL)
	ln -sf $(OPAEVFIO_REAL) $@

$(BUILD)/lib/libopaevfio.so: $(BUILD)/lib/$(OPAEVFIO_SONAME)
	ln -sf $(OPAEVFIO_SONAME) $@

$(BUILD)/lib/pkgconfig/opaevfio.pc: lib/opaevfio/opaevfio.pc.in
	@mkdir -p $(@D)
	cp $< $@

# ---- host unit tests: library sources compiled straight into each test ----
OPAEVFIO_UNIT := iova util api caps
OPAEVFIO_TEST_CFLAGS := $(STD) $(WARN) -O1 -g -pthread -I$(CURDIR)/include -I$(CURDIR)/lib/opaevfio

UNIT_TESTS += $(patsubst %,$(BUILD)/unit/test_opaevfio_%,$(OPAEVFIO_UNIT))
SAN_TESTS  += $(patsubst %,$(BUILD)/unit-san/test_opaevfio_%,$(OPAEVFIO_UNIT))

$(BUILD)/unit/test_opaevfio_%: tests/unit/test_opaevfio_%.c $(OPAEVFIO_SRCS) $(OPAEVFIO_HDRS) tests/unit/check.h
	@mkdir -p $(@D)
	$(CC) $(OPAEVFIO_TEST_CFLAGS) -o $@ $< $(OPAEVFIO_SRCS)

$(BUILD)/unit-san/test_opaevfio_%: tests/unit/test_opaevfio_%.c $(OPAEVFIO_SRCS) $(OPAEVFIO_HDRS) tests/unit/check.h
	@mkdir -p $(@D)
	$(CC) $(OPAEVFIO_TEST_CFLAGS) $(SANFLAGS) -o $@ $< $(OPAEVFIO_SRCS)
