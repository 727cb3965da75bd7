# Host unit tests of core/ (included by the top-level Makefile).
#
#   $(BUILD)/unit/test_cfgspace      config-space model, rule by rule
#   $(BUILD)/unit/fuzz_cfgspace      randomized writes against a reference
#
# Each is built twice: plain (UNIT_TESTS) and with $(SANFLAGS) (SAN_TESTS).

CFGSPACE_DEPS := core/cfgspace.c core/cfgspace.h core/core_types.h include/pciem_api.h \
                 tests/unit/unit.mk
CFGSPACE_TESTS := test_cfgspace fuzz_cfgspace

UNIT_TESTS += $(addprefix $(BUILD)/unit/,$(CFGSPACE_TESTS))
SAN_TESTS  += $(addprefix $(BUILD)/unit-san/,$(CFGSPACE_TESTS))

$(BUILD)/unit/test_cfgspace: tests/unit/test_cfgspace.c $(CFGSPACE_DEPS) | $(BUILD)/unit/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -o $@ $< core/cfgspace.c

$(BUILD)/unit/fuzz_cfgspace: tests/unit/fuzz_cfgspace.c $(CFGSPACE_DEPS) | $(BUILD)/unit/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -o $@ $< core/cfgspace.c

$(BUILD)/unit-san/test_cfgspace: tests/unit/test_cfgspace.c $(CFGSPACE_DEPS) | $(BUILD)/unit-san/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) -o $@ $< core/cfgspace.c

$(BUILD)/unit-san/fuzz_cfgspace: tests/unit/fuzz_cfgspace.c $(CFGSPACE_DEPS) | $(BUILD)/unit-san/.dir
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) -o $@ $< core/cfgspace.c
