# The /dev/pciem ABI: ioctl numbers and constants (C), and the headers
# compiling as C++.
UNIT_TESTS += $(BUILD)/unit/test_abi $(BUILD)/unit/abi_cxx
SAN_TESTS  += $(BUILD)/unit-san/test_abi

$(BUILD)/unit/test_abi: tests/unit/test_abi.c include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) $< -o $@

$(BUILD)/unit-san/test_abi: tests/unit/test_abi.c include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS_COMMON) $< -o $@

# Not a test program of its own: building it is the check; running it
# prints the summary line run-unit.sh expects.
$(BUILD)/unit/abi_cxx: tests/unit/abi_cxx.cpp include/pciem_api.h include/pciem.h
	@mkdir -p $(@D)
	$(CXX) -std=c++11 $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) $< -o $@.bin
	printf '#!/bin/sh\n"$$(dirname "$$0")/abi_cxx.bin" && echo "abi_cxx: 1 passed, 0 failed" || echo "abi_cxx: 0 passed, 1 failed"\n' > $@
	chmod +x $@
