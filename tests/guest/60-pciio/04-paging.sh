#!/bin/sh
# timeout: 60
# Paging through PCIOCGETCONF with tiny buffers (1, 2, 3, 7 records, each
# with a few stray bytes) gives the same list as one big call, with offset
# advancing by the records returned and MORE_DEVS until the last page.
. /pciem/tests/lib.sh
. "$PCIEM_TEST_DIR/pciio-lib.sh"
load_pciio

pciio-test list >all || fail "pciio-test list"
for n in 1 2 3 7 1000; do
	pciio-test page $n >paged || fail "paging by $n failed"
	if ! cmp -s all paged; then
		diff all paged
		fail "paging by $n gives a different list"
	fi
	info "pages of $n: $(wc -l <paged) devices"
done
pass
