# Benchmarks (bench/README.md).  `make bench` builds what the test VM needs,
# boots it once with the scripts of bench/guest/ instead of the tests, and
# prints the results table (also written under build/bench/).  Benchmarks
# are not tests: `make check` never runs them and nothing here asserts a
# timing.

# The driver half, built with the other guest modules (so `make check`
# keeps it compiling) and copied into build/guest/modules.
GUEST_KMODS += bench/kmod

# The device half: a static program for the VM, built only for `make bench`.
BENCH_BINS := $(BUILD)/bench/bin/pciem_bench

# Like check/guest/demo, bench boots the VM: build modules for its kernel
# unless KDIR was given on the command line or in the environment.
ifneq ($(filter bench,$(MAKECMDGOALS)),)
ifeq ($(origin KDIR),file)
KDIR = $(shell vm/guest-kdir.sh)
endif
endif

.PHONY: bench
bench: guest-payload $(BENCH_BINS)
	@bench/run.sh

$(BUILD)/bench/bin/pciem_bench: bench/pciem_bench.c $(wildcard lib/pciem/*.c) lib/pciem/internal.h include/pciem.h include/pciem_api.h
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(CPPFLAGS_COMMON) -Ilib/pciem -static -pthread $< $(wildcard lib/pciem/*.c) -o $@
