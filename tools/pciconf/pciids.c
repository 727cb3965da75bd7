// SPDX-License-Identifier: BSD-2-Clause
/*
 * The PCI ID database for "pciconf -lv": the pci.ids format shipped as
 * /usr/share/misc/pci.ids or /usr/share/hwdata/pci.ids (FreeBSD's own
 * pci_vendors file has the same shape).  Vendor lines are "vvvv  Name",
 * device lines "\tdddd  Name"; subsystem lines (two tabs) and the class
 * section ("C cc  Name" and what follows) are skipped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pciconf.h"

struct pciconf_dev_id {
	uint16_t id;
	char *desc;
};

struct pciconf_vendor_id {
	uint16_t id;
	char *desc;
	struct pciconf_dev_id *devs;
	size_t ndevs, capdevs;
};

struct pciconf_ids {
	struct pciconf_vendor_id *v;
	size_t n, cap;
};

static const char *const pciconf_ids_paths[] = {
	"/usr/share/misc/pci.ids",
	"/usr/share/hwdata/pci.ids",
	"/usr/share/pci.ids",
	"/usr/share/misc/pci_vendors",
	"/usr/local/share/pciids/pci.ids",
};

/* "hhhh<space>desc": the id and where desc starts, or -1. */
static int parse_id_line(const char *s, unsigned int *id, const char **desc)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int c = tolower((unsigned char)s[i]);

		if (!isxdigit(c))
			return -1;
		v = v * 16 + (unsigned int)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	if (s[4] != ' ' && s[4] != '\t')
		return -1;
	s += 4;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return -1;
	*id = v;
	*desc = s;
	return 0;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	np = realloc(p, ncap * size);
	if (np != NULL)
		*cap = ncap;
	return np;
}

struct pciconf_ids *pciconf_ids_read(FILE *f)
{
	struct pciconf_ids *ids;
	struct pciconf_vendor_id *cv = NULL;
	char buf[1024];

	ids = calloc(1, sizeof(*ids));
	if (ids == NULL)
		return NULL;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		const char *desc;
		unsigned int id;
		char *end;
		void *np;

		/* Lines too long for the buffer: skip their remainder. */
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		end = buf + strlen(buf);
		while (end > buf && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;

		if (buf[0] != '\t') {
			cv = NULL;
			if (parse_id_line(buf, &id, &desc) != 0 || id == 0)
				continue;
			np = grow(ids->v, &ids->cap, ids->n, sizeof(*ids->v));
			if (np == NULL)
				break;
			ids->v = np;
			cv = &ids->v[ids->n];
			memset(cv, 0, sizeof(*cv));
			cv->id = (uint16_t)id;
			cv->desc = strdup(desc);
			if (cv->desc == NULL)
				break;
			ids->n++;
			continue;
		}
		if (buf[1] == '\t' || cv == NULL)
			continue;
		if (parse_id_line(buf + 1, &id, &desc) != 0 || id == 0)
			continue;
		np = grow(cv->devs, &cv->capdevs, cv->ndevs, sizeof(*cv->devs));
		if (np == NULL)
			break;
		cv->devs = np;
		cv->devs[cv->ndevs].id = (uint16_t)id;
		cv->devs[cv->ndevs].desc = strdup(desc);
		if (cv->devs[cv->ndevs].desc == NULL)
			break;
		cv->ndevs++;
	}
	return ids;
}

struct pciconf_ids *pciconf_ids_load(void)
{
	const char *env = getenv("PCICONF_VENDOR_DATABASE");
	struct pciconf_ids *ids;
	size_t i;
	FILE *f;

	if (env != NULL && (f = fopen(env, "r")) != NULL) {
		ids = pciconf_ids_read(f);
		fclose(f);
		return ids;
	}
	for (i = 0; i < sizeof(pciconf_ids_paths) / sizeof(pciconf_ids_paths[0]);
	     i++) {
		f = fopen(pciconf_ids_paths[i], "r");
		if (f == NULL)
			continue;
		ids = pciconf_ids_read(f);
		fclose(f);
		return ids;
	}
	return NULL;
}

static const struct pciconf_vendor_id *
find_vendor(const struct pciconf_ids *ids, uint16_t vendor)
{
	size_t i;

	if (ids == NULL)
		return NULL;
	for (i = 0; i < ids->n; i++)
		if (ids->v[i].id == vendor)
			return &ids->v[i];
	return NULL;
}

const char *pciconf_ids_vendor(const struct pciconf_ids *ids, uint16_t vendor)
{
	const struct pciconf_vendor_id *v = find_vendor(ids, vendor);

	return v ? v->desc : NULL;
}

const char *pciconf_ids_device(const struct pciconf_ids *ids, uint16_t vendor,
			       uint16_t device)
{
	const struct pciconf_vendor_id *v = find_vendor(ids, vendor);
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < v->ndevs; i++)
		if (v->devs[i].id == device)
			return v->devs[i].desc;
	return NULL;
}

void pciconf_ids_free(struct pciconf_ids *ids)
{
	size_t i, j;

	if (ids == NULL)
		return;
	for (i = 0; i < ids->n; i++) {
		for (j = 0; j < ids->v[i].ndevs; j++)
			free(ids->v[i].devs[j].desc);
		free(ids->v[i].devs);
		free(ids->v[i].desc);
	}
	free(ids->v);
	free(ids);
}
