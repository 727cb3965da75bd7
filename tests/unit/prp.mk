# Host unit tests of core/prp.c, the NVMe PRP walk behind
# PCIEM_IOCTL_DMA_INDIRECT (included by the top-level Makefile).
#
#   $(BUILD)/unit/test_prp      hand-laid PRPs, every error, looping lists,
#                               boundaries for 4K..128M pages, random round
#                               trips through two reference list builders
#
# Built twice: plain (UNIT_TESTS) and with $(SANFLAGS) (SAN_TESTS).

PRP_DEPS := tests/unit/test_prp.c core/prp.c core/prp.h core/core_types.h \
            tests/unit/prp.mk

UNIT_TESTS += $(BUILD)/unit/test_prp
SAN_TESTS  += $(BUILD)/unit-san/test_prp

$(BUILD)/unit/test_prp: $(PRP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -o $@ tests/unit/test_prp.c core/prp.c

$(BUILD)/unit-san/test_prp: $(PRP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) -o $@ \
		tests/unit/test_prp.c core/prp.c
