# Host tests of the example device programs on libpciem's simulated bus
# (include/pciem_sim.h): each program's main() runs unmodified in a thread,
# renamed with -Dmain=, and the test plays its driver.
#
#   $(BUILD)/unit/test_edu_sim       pciem-edu: registers, IRQs, DMA, removal

UNIT_TESTS += $(BUILD)/unit/test_edu_sim
SAN_TESTS  += $(BUILD)/unit-san/test_edu_sim

EDU_SIM_DEPS := tests/unit/test_edu_sim.c examples/edu/edu.c $(LIBPCIEM_SIM_DEPS) \
                tests/unit/device_sim.mk

# $(1): output, $(2): extra flags
define edu_sim_build
	$(CC) $(STD) $(WARN) $(CFLAGS) $(2) $(CPPFLAGS_COMMON) -pthread -Dmain=pciem_edu_main \
		-c examples/edu/edu.c -o $(1).edu.o
	$(CC) $(STD) $(WARN) $(CFLAGS) $(2) $(CPPFLAGS_COMMON) -Ilib/pciem -pthread -o $(1) \
		tests/unit/test_edu_sim.c $(1).edu.o $(LIBPCIEM_SIM_SRCS)
endef

$(BUILD)/unit/test_edu_sim: $(EDU_SIM_DEPS) | $(BUILD)/unit/.dir
	$(call edu_sim_build,$@,)

$(BUILD)/unit-san/test_edu_sim: $(EDU_SIM_DEPS) | $(BUILD)/unit-san/.dir
	$(call edu_sim_build,$@,$(SANFLAGS))
