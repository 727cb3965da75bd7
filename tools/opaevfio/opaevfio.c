// SPDX-License-Identifier: BSD-3-Clause
/*
 * opaevfio - bind a PCI device to vfio-pci for a userspace driver, and
 * release it again.
 *
 *   opaevfio -i ADDR [-u USER] [-g GROUP]   bind ADDR to vfio-pci
 *   opaevfio -r ADDR [-d DRIVER]            give ADDR back to DRIVER / the
 *                                           kernel's choice
 *
 * Binding uses driver_override, so only this device is affected (no new_id
 * that would also catch other devices with the same IDs).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "internal.h"	/* opaevfio_parse_pciaddr() */

static const char *prog = "opaevfio";
static const char *const sysfs = "/sys/bus/pci";
static const char *const devvfio = "/dev/vfio";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s -i ADDR [-u USER] [-g GROUP]   bind ADDR to vfio-pci\n"
		"       %s -r ADDR [-d DRIVER]            release ADDR from vfio-pci\n"
		"       %s -h                             this help\n"
		"ADDR is ssss:bb:dd.f or bb:dd.f.  See opaevfio(8).\n",
		prog, prog, prog);
}

static int err_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Write s to a sysfs file; returns 0 or errno. */
static int sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(s))
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}

/* Name of the link target's last component, "" if there is no link. */
static void link_name(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	out[0] = '\0';
	if (n < 0)
		return;
	buf[n] = '\0';
	b = strrchr(buf, '/');
	b = b ? b + 1 : buf;
	if (strlen(b) < len)
		memcpy(out, b, strlen(b) + 1);
}

static void driver_of(const char *addr, char *out, size_t len)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/devices/%s/driver", sysfs, addr);
	link_name(p, out, len);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int driver_loaded(const char *drv)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/drivers/%s", sysfs, drv);
	return exists(p);
}

/* Run modprobe NAME quietly; returns its exit status (or -1). */
static int modprobe(const char *name)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("modprobe", "modprobe", name, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Make sure driver `drv` is registered, loading its module if needed. */
static int ensure_driver(const char *drv)
{
	int rc;

	if (driver_loaded(drv))
		return 0;
	rc = modprobe(drv);
	if (driver_loaded(drv))
		return 0;
	if (rc == 127)
		return err_msg("the %s driver is not loaded and modprobe could "
			       "not be run", drv);
	return err_msg("the %s driver is missing: `modprobe %s` %s", drv, drv,
		       rc == 0 ? "succeeded but registered no such PCI driver"
			       : "failed (is the module installed?)");
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s)
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return (*end || errno || *out > 0xfffffffeUL) ? -1 : 0;
}

/* Look NAME up in a passwd/group-style file: field 3 is the id, field 4 the
 * user's primary group (passwd only). */
static int lookup_file(const char *file, const char *name, unsigned long *id)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	int found = -1;

	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *field = strtok_r(line, ":", &save);

		if (!field || strcmp(field, name))
			continue;
		strtok_r(NULL, ":", &save);		/* password */
		field = strtok_r(NULL, ":", &save);	/* id */
		if (field && !parse_id(field, id))
			found = 0;
	}
	fclose(f);
	return found;
}

static int resolve_user(const char *s, uid_t *uid)
{
	unsigned long id;

	if (!parse_id(s, &id)) {
		*uid = (uid_t)id;
		return 0;
	}
#ifndef OPAEVFIO_STATIC
	{
		struct passwd *pw = getpwnam(s);

		if (pw) {
			*uid = pw->pw_uid;
			return 0;
		}
	}
#endif
	if (!lookup_file("/etc/passwd", s, &id)) {
		*uid = (uid_t)id;
		return 0;
	}
	return err_msg("no such user: %s", s);
}

static int resolve_group(const char *s, gid_t *gid)
{
	unsigned long id;

	if (!parse_id(s, &id)) {
		*gid = (gid_t)id;
		return 0;
	}
#ifndef OPAEVFIO_STATIC
	{
		struct group *gr = getgrnam(s);

		if (gr) {
			*gid = gr->gr_gid;
			return 0;
		}
	}
#endif
	if (!lookup_file("/etc/group", s, &id)) {
		*gid = (gid_t)id;
		return 0;
	}
	return err_msg("no such group: %s", s);
}

/* Warn about devices sharing the IOMMU group that still have a host driver:
 * the group is not viable for VFIO until they are unbound. */
static void check_group_peers(const char *addr, const char *group)
{
	char p[PATH_MAX], drv[256];
	struct dirent *e;
	DIR *d;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%s/devices", group);
	d = opendir(p);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, addr))
			continue;
		driver_of(e->d_name, drv, sizeof(drv));
		if (drv[0] && strcmp(drv, "vfio-pci") && strcmp(drv, "pcieport"))
			fprintf(stderr, "%s: warning: IOMMU group %s also holds "
				"%s, bound to %s: VFIO cannot use the group "
				"until it is unbound or bound to vfio-pci\n",
				prog, group, e->d_name, drv);
	}
	closedir(d);
}

static int do_bind(const char *addr, const char *user, const char *grp)
{
	char dev[128], p[PATH_MAX], drv[256], group[256], node[PATH_MAX];
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int err, i;

	if (user && resolve_user(user, &uid))
		return 1;
	if (grp && resolve_group(grp, &gid))
		return 1;

	snprintf(dev, sizeof(dev), "%s/devices/%s", sysfs, addr);
	if (!exists(dev))
		return err_msg("no PCI device %s (see lspci -D)", addr);
	snprintf(p, sizeof(p), "%s/iommu_group", dev);
	link_name(p, group, sizeof(group));
	if (!group[0])
		return err_msg("%s has no IOMMU group: the IOMMU is off or does "
			       "not cover it (boot with intel_iommu=on or "
			       "amd_iommu=on); vfio-pci cannot drive it",
			       addr);
	if (ensure_driver("vfio-pci"))
		return 1;
	/* VFIO needs an IOMMU backend, which modprobe vfio-pci may not load
	 * (a soft dependency); libopaevfio uses type1 */
	if (!exists("/sys/module/vfio_iommu_type1") &&
	    (modprobe("vfio_iommu_type1") ||
	     !exists("/sys/module/vfio_iommu_type1")))
		fprintf(stderr, "%s: warning: could not load vfio_iommu_type1; "
			"opae_vfio_open() will fail without it\n", prog);

	driver_of(addr, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		snprintf(p, sizeof(p), "%s/driver_override", dev);
		err = sysfs_write(p, "vfio-pci");
		if (err)
			return err_msg("cannot set %s: %s", p, strerror(err));
		if (drv[0]) {
			snprintf(p, sizeof(p), "%s/driver/unbind", dev);
			err = sysfs_write(p, addr);
			if (err) {
				snprintf(p, sizeof(p), "%s/driver_override", dev);
				sysfs_write(p, "\n");
				return err_msg("cannot unbind %s from %s: %s",
					       addr, drv, strerror(err));
			}
		}
		snprintf(p, sizeof(p), "%s/drivers_probe", sysfs);
		err = sysfs_write(p, addr);
		driver_of(addr, drv, sizeof(drv));
		if (strcmp(drv, "vfio-pci")) {
			/* undo: let the kernel pick the device's own driver */
			snprintf(p, sizeof(p), "%s/driver_override", dev);
			sysfs_write(p, "\n");
			snprintf(p, sizeof(p), "%s/drivers_probe", sysfs);
			sysfs_write(p, addr);
			return err_msg("vfio-pci did not bind to %s%s%s (see "
				       "dmesg)", addr, err ? ": " : "",
				       err ? strerror(err) : "");
		}
	}

	check_group_peers(addr, group);

	snprintf(node, sizeof(node), "%s/%s", devvfio, group);
	for (i = 0; i < 50 && !exists(node); i++)
		sleep_ms(100);
	if (!exists(node))
		return err_msg("%s is bound to vfio-pci but %s did not appear",
			       addr, node);
	if (user || grp) {
		if (chown(node, uid, gid))
			return err_msg("cannot chown %s: %s", node,
				       strerror(errno));
		if (grp && chmod(node, 0660))
			return err_msg("cannot chmod %s: %s", node,
				       strerror(errno));
	}
	printf("%s bound to vfio-pci, IOMMU group %s (%s)\n", addr, group,
	       node);
	return 0;
}

static int do_release(const char *addr, const char *want)
{
	char dev[128], p[PATH_MAX], drv[256];
	int err;

	snprintf(dev, sizeof(dev), "%s/devices/%s", sysfs, addr);
	if (!exists(dev))
		return err_msg("no PCI device %s (see lspci -D)", addr);
	driver_of(addr, drv, sizeof(drv));
	if (drv[0] && strcmp(drv, "vfio-pci"))
		return err_msg("%s is bound to %s, not vfio-pci: nothing to "
			       "release", addr, drv);
	if (want && ensure_driver(want))
		return 1;

	if (drv[0]) {
		snprintf(p, sizeof(p), "%s/driver/unbind", dev);
		err = sysfs_write(p, addr);
		if (err)
			return err_msg("cannot unbind %s from vfio-pci: %s",
				       addr, strerror(err));
	}
	snprintf(p, sizeof(p), "%s/driver_override", dev);
	err = sysfs_write(p, "\n");
	if (err)
		return err_msg("cannot clear %s: %s", p, strerror(err));

	if (want) {
		snprintf(p, sizeof(p), "%s/drivers/%s/bind", sysfs, want);
		err = sysfs_write(p, addr);
		driver_of(addr, drv, sizeof(drv));
		if (strcmp(drv, want))
			return err_msg("%s did not bind to %s%s%s", want, addr,
				       err ? ": " : "",
				       err ? strerror(err) : "");
	} else {
		snprintf(p, sizeof(p), "%s/drivers_probe", sysfs);
		err = sysfs_write(p, addr);
		if (err && err != ENODEV)
			fprintf(stderr, "%s: warning: probing drivers for %s: "
				"%s\n", prog, addr, strerror(err));
		driver_of(addr, drv, sizeof(drv));
	}
	if (drv[0])
		printf("%s released from vfio-pci, now bound to %s\n", addr,
		       drv);
	else
		printf("%s released from vfio-pci, no driver bound\n", addr);
	return 0;
}

int main(int argc, char **argv)
{
	const char *init = NULL, *rel = NULL, *user = NULL, *grp = NULL;
	const char *drv = NULL;
	char addr[32];
	int c;

	while ((c = getopt(argc, argv, "i:r:u:g:d:h")) != -1) {
		switch (c) {
		case 'i': init = optarg; break;
		case 'r': rel = optarg; break;
		case 'u': user = optarg; break;
		case 'g': grp = optarg; break;
		case 'd': drv = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !!init == !!rel) {
		if (optind != argc)
			err_msg("unexpected argument: %s", argv[optind]);
		else
			err_msg("give exactly one of -i ADDR and -r ADDR");
		usage(stderr);
		return 2;
	}
	if ((init && drv) || (rel && (user || grp))) {
		err_msg("-u and -g go with -i, -d goes with -r");
		usage(stderr);
		return 2;
	}
	if (drv && (!*drv || strchr(drv, '/') || !strcmp(drv, ".") ||
		    !strcmp(drv, ".."))) {
		err_msg("bad driver name: \"%s\"", drv);
		return 2;
	}
	if (opaevfio_parse_pciaddr(init ? init : rel, addr, sizeof(addr))) {
		err_msg("bad PCI address \"%s\" (want ssss:bb:dd.f or bb:dd.f)",
			init ? init : rel);
		return 2;
	}
	if (init)
		return do_bind(addr, user, grp);
	return do_release(addr, drv);
}
