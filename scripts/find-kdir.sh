#!/bin/sh
# Print the kernel build directory to build modules against: the running
# kernel's when it exists, else the newest Debian linux-headers-*-amd64.
run="/lib/modules/$(uname -r)/build"
if [ -d "$run" ]; then
	echo "$run"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "$newest"
else
	echo "/nonexistent-kernel-headers"
fi
