#!/bin/sh
# timeout: 120
# Closing a started device while another thread keeps signalling one of its
# irqfds: the close returns, the function leaves the bus, nothing hangs (the
# irqfd work takes dev->lock; close must not wait for it while holding it).
. /pciem/tests/lib.sh
. /pciem/tests/pciem-lib.sh
load_pciem
check pciem_lifetime_test irqfd-close 40
unload_pciem
pass
