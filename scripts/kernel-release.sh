#!/bin/sh
# Print the release (uname -r) of the kernel whose build directory is $1:
# where its modules live, /lib/modules/<release>.
f="$1/include/generated/utsrelease.h"
if [ -f "$f" ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f"
else
	make -s -C "$1" kernelrelease 2>/dev/null
fi
