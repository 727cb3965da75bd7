#!/bin/sh
# Run the kernel's checkpatch.pl over the kernel sources of this project.
# It comes from Debian's linux-source-6.1 (installed if missing); only the
# script and its data files are extracted, into build/checkpatch.
set -e
cd "$(dirname "$0")/.."
dir=build/checkpatch
if [ ! -x $dir/scripts/checkpatch.pl ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
	if [ -z "$tarball" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-source-6.1 >/dev/null
		tarball=/usr/src/linux-source-6.1.tar.xz
	fi
	mkdir -p $dir
	tar -xJf "$tarball" -C $dir --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
files=$(git ls-files 'kernel/*.c' 'kernel/*.h' 'core/*.c' 'core/*.h' 'tests/guest/kmod/*.c')
# LINUX_VERSION_CODE: version guards are how out-of-tree code keeps building
# on newer kernels (docs/ARCHITECTURE.md).
exec $dir/scripts/checkpatch.pl --no-tree -q --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f $files
