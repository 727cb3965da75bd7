# libpciem-sim: libpciem with a simulated bus in place of pciem.ko, for
# host tests of device programs (include/pciem_sim.h).  Static only: a test
# links it instead of libpciem.
LIBPCIEM_SIM_SRCS := $(filter-out lib/pciem/backend_kernel.c,$(LIBPCIEM_SRCS)) lib/sim/sim.c \
                     core/cfgspace.c core/prp.c
# What a program compiled from those sources depends on.
LIBPCIEM_SIM_DEPS := $(LIBPCIEM_SIM_SRCS) lib/pciem/internal.h include/pciem.h \
                     include/pciem_api.h include/pciem_sim.h core/cfgspace.h core/prp.h \
                     core/core_types.h
LIBPCIEM_SIM_OBJS := $(patsubst %.c,$(BUILD)/obj/libpciem-sim/%.o,$(LIBPCIEM_SIM_SRCS))
LIBPCIEM_SIM_A    := $(BUILD)/lib/libpciem-sim.a

LIBS += $(LIBPCIEM_SIM_A)
INSTALL_HDRS += pciem_sim.h

$(BUILD)/obj/libpciem-sim/%.o: %.c $(LIBPCIEM_SIM_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -pthread -c $< -o $@

$(LIBPCIEM_SIM_A): $(LIBPCIEM_SIM_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
