#!/bin/sh
# timeout: 120
# An INTx delivery sent to the other CPU by cross-CPU call, then an
# immediate close, hundreds of times: close waits for the call and the
# irq_work it queues, so neither runs on freed memory (the next device
# reuses it) and kernel/smp.c never warns.
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
check pciem_lifetime_test intx-close 300
unload_pciem
pass
