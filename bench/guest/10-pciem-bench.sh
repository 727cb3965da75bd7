#!/bin/sh
# The pciem benchmarks (bench/pciem_bench.c, driver bench/kmod): MMIO write
# and read latency, write throughput, interrupt latency and DMA bandwidth,
# each beside its floor.  Not a test: it fails only when a measurement could
# not be taken.  The function is attached behind the first PCIe root port
# (bus 01) so that the IOMMU translates for it and DMA is possible.
# timeout: 1200
. /pciem/tests/lib.sh

load_pciem pciem_attach_bus=0000:01
insmod /pciem/modules/pciem_bench.ko || fail "insmod pciem_bench"
args=
[ -f "$PCIEM_TEST_DIR/bench.args" ] && args=$(cat "$PCIEM_TEST_DIR/bench.args")
# shellcheck disable=SC2086  # words
pciem_bench $args
rc=$?
rmmod pciem_bench || fail "rmmod pciem_bench"
unload_pciem
[ $rc = 0 ] || fail "pciem_bench exited with status $rc"
pass
