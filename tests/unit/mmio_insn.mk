# Host unit tests of core/mmio_insn.c, the x86-64 MMIO instruction decoder
# (included by the top-level Makefile).
#
#   $(BUILD)/unit/test_mmio_insn      assembler and compiler cases (decoded and
#                                     executed), rejections, truth tables,
#                                     random byte strings
#
# Built twice: plain (UNIT_TESTS) and with $(SANFLAGS) (SAN_TESTS).  x86-64
# hosts only: the test executes the instructions it decodes.

ifeq ($(shell uname -m),x86_64)
MMIO_INSN_DEPS := tests/unit/test_mmio_insn.c core/mmio_insn.c core/mmio_insn.h \
                  core/core_types.h tests/unit/mmio_insn.mk

UNIT_TESTS += $(BUILD)/unit/test_mmio_insn
SAN_TESTS  += $(BUILD)/unit-san/test_mmio_insn

$(BUILD)/unit/test_mmio_insn: $(MMIO_INSN_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -o $@ tests/unit/test_mmio_insn.c \
		core/mmio_insn.c

$(BUILD)/unit-san/test_mmio_insn: $(MMIO_INSN_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) -o $@ \
		tests/unit/test_mmio_insn.c core/mmio_insn.c
endif
