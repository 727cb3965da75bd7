#!/usr/bin/env bash
# bench/run.sh: run the pciem benchmarks in the test VM (one boot) and print
# the results as Markdown, also written to build/bench/results-<time>.md.
#
# `make bench` builds everything first and then runs this.  Run directly, it
# uses what is built already (make bench does: make guest-payload and
# build/bench/bin/pciem_bench).
#
# The VM is the test VM of vm/ (vm/run-tests.sh boots it), with a payload of
# its own under build/bench/guest: pciem.ko, pciem_bench.ko, pciem_bench and
# bench/guest/*.sh in place of the tests, so `make check` never sees them.
#
# Environment:
#   PCIEM_BENCH_ARGS   arguments for pciem_bench in the guest (e.g. "-q" for a
#                      quick run, "-n 5000 -g 300"); see bench/pciem_bench.c
#   PCIEM_CACHE, PCIEM_VM_TIMEOUT, PCIEM_VM_APPEND   as for vm/run-tests.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
repo=$PWD
build=$repo/build
out=$build/bench
payload=$out/guest

for f in "$build/guest/modules/pciem.ko" "$build/guest/modules/pciem_bench.ko" \
	"$out/bin/pciem_bench" "$build/guest/bin/pciem-nvme" "$build/guest/bin/nvme_io"; do
	[ -e "$f" ] || { echo "bench: $f is missing: run make bench" >&2; exit 1; }
done

rm -rf "$payload"
mkdir -p "$payload/modules" "$payload/bin" "$payload/tests/90-bench"
cp "$build/guest/modules/pciem.ko" "$build/guest/modules/pciem_bench.ko" "$payload/modules/"
cp "$out/bin/pciem_bench" "$payload/bin/"
# The NVMe benchmark (guest/20-nvme-bench.sh): pciem-nvme, nvme_io and the
# 30-nvme tests' helpers.
cp "$build/guest/bin/pciem-nvme" "$build/guest/bin/nvme_io" "$payload/bin/"
mkdir -p "$payload/tests/30-nvme"
cp tests/guest/lib.sh tests/guest/pciem-lib.sh "$payload/tests/"
cp tests/guest/30-nvme/nvme-lib.sh "$payload/tests/30-nvme/"
cp bench/guest/*.sh "$payload/tests/90-bench/"
chmod +x "$payload"/tests/90-bench/*.sh
printf '%s\n' "${PCIEM_BENCH_ARGS:-}" >"$payload/tests/90-bench/bench.args"

stamp=$(date +%Y%m%d-%H%M%S)
date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Other VMs share the host's CPUs: count them now and every 2 s during the run
# (ours is the one whose initrd is under $out/vm).
others() { pgrep -af '^qemu-system-x86_64 ' | grep -vc -- "$out/vm/" || true; }
others_start=$(others)
others_max=$out/.others-max
echo "$others_start" >"$others_max"
(
	max=$others_start
	while sleep 2; do
		n=$(others)
		[ "$n" -gt "$max" ] && max=$n && echo "$max" >"$others_max"
	done
) &
sampler=$!

PCIEM_GUEST_DIR=$payload PCIEM_VM_OUT=$out/vm vm/run-tests.sh --no-build
rc=$?
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
others_max=$(cat "$others_max")
log=$(readlink -f "$out/vm/tests-latest.log")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Our lines, without the runner's "[90-bench/NN-name] " prefix.
lines=$(sed -n 's/\r$//; s/^\[90-bench\/[^]]*\] \(BENCH-[A-Z]*|\)/\1/p' "$log")
field() { printf '%s\n' "$lines" | sed -n "s/^BENCH-$1|//p"; }
row() { sed 's/|/ | /g; s/^/| /; s/$/ |/'; }

res=$out/results-$stamp.md
{
	echo "## Run of $date_utc"
	echo
	echo "- command: \`make bench\`${PCIEM_BENCH_ARGS:+ with PCIEM_BENCH_ARGS=\"$PCIEM_BENCH_ARGS\"}"
	if commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null); then
		[ -n "$(git -C "$repo" status --porcelain -- kernel lib core include 2>/dev/null)" ] &&
			commit="$commit with uncommitted changes to kernel/ lib/ core/ include/"
		echo "- tree: $commit"
	fi
	echo "- host: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(qemu-system-x86_64 --version | head -n 1)"
	echo "- guest: 2 vCPU QEMU TCG VM (vm/common.sh); host load average before $load_before, after $load_after; other VMs on the host: $others_start at the start, at most $others_max during the run"
	field ENV | sed 's/^/- /'
	echo "- console log: ${log#"$repo"/}"
	echo
	echo "### Latency"
	echo
	echo "| | benchmark | n | median | p99 | floor | floor median | floor p99 | ratio (median) | ratio (p99) | target | met |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	field LAT | row
	echo
	echo "### Throughput"
	echo
	echo "| | benchmark | measured | floor / reference | ratio / detail | target | met |"
	echo "|---|---|---|---|---|---|---|"
	field BW | row
	echo
	echo "### Where the time goes"
	echo
	field INFO | sed 's/^/- /'
	echo
	echo "### NVMe: pciem-nvme against QEMU's -device nvme (median of 5 rounds)"
	echo
	echo "| benchmark | pciem-nvme | QEMU nvme | ratio | target | met |"
	echo "|---|---|---|---|---|---|"
	field NVME | row
	echo
	echo "| round | seq. write MiB/s (ours / QEMU) | seq. read MiB/s (ours / QEMU) | random read IOPS (ours / QEMU) |"
	echo "|---|---|---|---|"
	field NVMERUN | row
	echo
	echo "#### NVMe profile: pciem-nvme --stats, one workload per run"
	echo
	echo "| workload | result | pciem-nvme --stats |"
	echo "|---|---|---|"
	field NVMEPROF | row
} >"$res"
echo
cat "$res"
echo
echo "bench: results in ${res#"$repo"/}"
if [ $rc != 0 ] || [ -z "$(field LAT)" ] || [ -z "$(field NVME)" ]; then
	echo "bench: the benchmark run did not complete (see $log)" >&2
	exit 1
fi
