# Host tests on libpciem's simulated bus (include/pciem_sim.h).  For the
# example device programs, each program's main() runs unmodified in a
# thread, renamed with -Dmain=, and the test plays its driver.
#
#   $(BUILD)/unit/test_libpciem_sim  libpciem: regions, config access, IRQ rules
#   $(BUILD)/unit/test_edu_sim       pciem-edu: registers, IRQs, DMA, removal
#   $(BUILD)/unit/test_nvme_sim      pciem-nvme: init, Identify, I/O, MSI-X, shutdown
#   $(BUILD)/unit/test_readme_sim    the device in README.md, extracted from it

DEVICE_SIM_TESTS := test_edu_sim test_nvme_sim test_readme_sim
UNIT_TESTS += $(addprefix $(BUILD)/unit/,$(DEVICE_SIM_TESTS) test_libpciem_sim)
SAN_TESTS  += $(addprefix $(BUILD)/unit-san/,$(DEVICE_SIM_TESTS) test_libpciem_sim)

$(BUILD)/unit/test_libpciem_sim: tests/unit/test_libpciem_sim.c $(LIBPCIEM_SIM_DEPS) tests/unit/check.h \
		tests/unit/device_sim.mk | $(BUILD)/unit/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -pthread -o $@ $< \
		$(LIBPCIEM_SIM_SRCS)

$(BUILD)/unit-san/test_libpciem_sim: tests/unit/test_libpciem_sim.c $(LIBPCIEM_SIM_DEPS) tests/unit/check.h \
		tests/unit/device_sim.mk | $(BUILD)/unit-san/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -pthread \
		-o $@ $< $(LIBPCIEM_SIM_SRCS)

# The program under test: its sources and the name its main() gets.
test_edu_sim_SRCS  := examples/edu/edu.c
test_edu_sim_MAIN  := pciem_edu_main
test_nvme_sim_SRCS := $(wildcard examples/nvme/*.c)
test_nvme_sim_MAIN := pciem_nvme_main
test_readme_sim_SRCS := $(BUILD)/unit/readme_device.c
test_readme_sim_MAIN := readme_main

# The C block under README.md's "## A device in" heading.
$(BUILD)/unit/readme_device.c: README.md tests/unit/device_sim.mk | $(BUILD)/unit/.dir
	awk '/^## A device in/ { h = 1 } h && /^```c/ { c = 1; next } c && /^```/ { exit } c' \
		$< > $@
	@test -s $@ || { echo "README.md: no C block under '## A device in'"; rm -f $@; exit 1; }

# $(1): test name, $(2): output, $(3): extra flags.  The program's sources
# are compiled apart, so that only their main() is renamed.
define device_sim_build
	rm -f $(2).prog.o
	$(CC) $(STD) $(WARN) $(CFLAGS) $(3) $(CPPFLAGS_COMMON) -pthread -Dmain=$($(1)_MAIN) \
		-r -nostdlib $($(1)_SRCS) -o $(2).prog.o
	$(CC) $(STD) $(WARN) $(CFLAGS) $(3) $(CPPFLAGS_COMMON) -Ilib/pciem -pthread -o $(2) \
		tests/unit/$(1).c $(2).prog.o $(LIBPCIEM_SIM_SRCS)
endef

$(BUILD)/unit/test_edu_sim: tests/unit/test_edu_sim.c $(test_edu_sim_SRCS) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit/.dir
	$(call device_sim_build,test_edu_sim,$@,)

$(BUILD)/unit-san/test_edu_sim: tests/unit/test_edu_sim.c $(test_edu_sim_SRCS) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit-san/.dir
	$(call device_sim_build,test_edu_sim,$@,$(SANFLAGS))

$(BUILD)/unit/test_nvme_sim: tests/unit/test_nvme_sim.c $(test_nvme_sim_SRCS) $(wildcard examples/nvme/*.h) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit/.dir
	$(call device_sim_build,test_nvme_sim,$@,)

$(BUILD)/unit-san/test_nvme_sim: tests/unit/test_nvme_sim.c $(test_nvme_sim_SRCS) $(wildcard examples/nvme/*.h) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit-san/.dir
	$(call device_sim_build,test_nvme_sim,$@,$(SANFLAGS))

$(BUILD)/unit/test_readme_sim: tests/unit/test_readme_sim.c $(test_readme_sim_SRCS) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit/.dir
	$(call device_sim_build,test_readme_sim,$@,)

$(BUILD)/unit-san/test_readme_sim: tests/unit/test_readme_sim.c $(test_readme_sim_SRCS) \
		$(LIBPCIEM_SIM_DEPS) tests/unit/check.h tests/unit/device_sim.mk | $(BUILD)/unit-san/.dir
	$(call device_sim_build,test_readme_sim,$@,$(SANFLAGS))
