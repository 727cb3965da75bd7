// SPDX-License-Identifier: GPL-2.0-only
/*
 * runas UID GID COMMAND [ARG...] - run COMMAND with that user and group and
 * no supplementary groups (the test VM's busybox has no setuidgid).  Used to
 * fuzz /dev/pci as an unprivileged user, who can only open it read-only.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc < 4) {
		fprintf(stderr, "usage: runas UID GID COMMAND [ARG...]\n");
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 0);
	gid = (gid_t)strtoul(argv[2], NULL, 0);
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		perror("runas");
		return 1;
	}
	execvp(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}
