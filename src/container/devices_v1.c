/* linux.resources.devices on a cgroup v1 devices hierarchy. The policy is the one the v2
 * device program enforces (the last matching rule wins: the container's rules over the
 * runtime's default nodes over a catch-all), worked out here first: v1 keeps a default and a
 * list of exceptions, and a deny only takes an exception out when it names it exactly, so
 * writing the rules as they come would leave denied defaults open. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/internal.h"

#define DEV_R 1u
#define DEV_W 2u
#define DEV_M 4u
#define DEV_MAX_EX 512

struct dev_ex {
	char     type;          /* 'a', 'c' or 'b' */
	int64_t  major, minor;  /* -1: any */
	unsigned acc;
};

struct dev_policy {
	bool          allow;    /* the default */
	size_t        n;
	struct dev_ex ex[DEV_MAX_EX];
};

static unsigned dev_access(const char *a)
{
	unsigned bits = 0;

	if (!a || !a[0])
		return DEV_R | DEV_W | DEV_M;
	for (; *a; a++)
		bits |= *a == 'r' ? DEV_R : *a == 'w' ? DEV_W : *a == 'm' ? DEV_M : 0;
	return bits;
}

static bool num_covers(int64_t outer, int64_t inner)
{
	return outer < 0 || outer == inner;
}

static bool num_meets(int64_t a, int64_t b)
{
	return a < 0 || b < 0 || a == b;
}

/* One rule, at its place in the order; idx names it in errors (-1: a default). */
static int policy_apply(struct dev_policy *p, const struct dev_ex *r, bool allow, int idx,
			struct cerr *e)
{
	if (allow != p->allow) {
		for (size_t i = 0; i < p->n; i++) {
			struct dev_ex *x = &p->ex[i];
			if (x->type == r->type && x->major == r->major && x->minor == r->minor) {
				x->acc |= r->acc;
				return 0;
			}
		}
		if (p->n == DEV_MAX_EX)
			return cerr_set(e, E2BIG, "linux.resources.devices: too many rules");
		p->ex[p->n++] = *r;
		return 0;
	}
	/* the same verdict as the default: take it out of every exception it meets */
	for (size_t i = 0; i < p->n; i++) {
		struct dev_ex *x = &p->ex[i];
		if (!(x->acc & r->acc) || !(r->type == 'a' || x->type == 'a' || r->type == x->type) ||
		    !num_meets(r->major, x->major) || !num_meets(r->minor, x->minor))
			continue;
		if ((r->type == 'a' || r->type == x->type) && num_covers(r->major, x->major) &&
		    num_covers(r->minor, x->minor)) {
			x->acc &= ~r->acc;
			continue;
		}
		/* v1 has no "all of these but that one" */
		return cerr_set(e, EINVAL,
				"linux.resources.devices[%d]: cgroup v1 cannot %s part of a wider rule "
				"(%c %" PRId64 ":%" PRId64 ")", idx, allow ? "allow" : "deny", x->type,
				x->major, x->minor);
	}
	return 0;
}

static bool catch_all(const struct oci_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 &&
	       dev_access(r->access) == (DEV_R | DEV_W | DEV_M);
}

static int dev_write(const char *dir, const char *file, const char *val, struct cerr *e)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "open `%s`", path);
	ssize_t w   = write(fd, val, strlen(val));
	int     err = errno;
	close(fd);
	if (w < 0)
		return cerr_set(e, err, "linux.resources.devices: write `%s` to `%s`", val, path);
	return 0;
}

static void ex_text(char *buf, size_t size, const struct dev_ex *x)
{
	char maj[24] = "*", min[24] = "*", acc[4];
	int  n = 0;

	if (x->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, x->major);
	if (x->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, x->minor);
	if (x->acc & DEV_R)
		acc[n++] = 'r';
	if (x->acc & DEV_W)
		acc[n++] = 'w';
	if (x->acc & DEV_M)
		acc[n++] = 'm';
	acc[n] = '\0';
	snprintf(buf, size, "%c %s:%s %s", x->type, maj, min, acc);
}

static const struct dev_ex *policy_find(const struct dev_policy *p, const struct dev_ex *x)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ex[i].type == x->type && p->ex[i].major == x->major && p->ex[i].minor == x->minor)
			return &p->ex[i];
	return NULL;
}

/* What the cgroup allows now, if it denies by default (in allow mode devices.list shows
 * only "a *:* rwm"): true with cur filled, false otherwise. */
static bool current_allow_list(const char *dir, struct dev_policy *cur)
{
	static char buf[65536];
	char        path[PATH_MAX + 32];
	size_t      len = 0;
	ssize_t     n;

	snprintf(path, sizeof(path), "%s/devices.list", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (len == sizeof(buf) - 1)
		return false;
	cur->allow = false;
	cur->n     = 0;
	for (char *line = buf, *next; *line; line = next) {
		char maj[24], min[24], acc[8];
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		struct dev_ex x = { 0 };
		if (sscanf(line, "%c %23[0-9*]:%23[0-9*] %7s", &x.type, maj, min, acc) != 4 ||
		    cur->n == DEV_MAX_EX)
			return false;
		if (x.type == 'a' && strcmp(maj, "*") == 0 && strcmp(min, "*") == 0 &&
		    dev_access(acc) == (DEV_R | DEV_W | DEV_M))
			return false;  /* allows everything: not a list to edit */
		x.major = maj[0] == '*' ? -1 : strtoll(maj, NULL, 10);
		x.minor = min[0] == '*' ? -1 : strtoll(min, NULL, 10);
		x.acc   = dev_access(acc);
		cur->ex[cur->n++] = x;
	}
	return true;
}

int devices_v1_apply(const char *cgroup_dir, const struct oci_resources *r,
		     const char *const *defaults, size_t n_defaults, struct cerr *e)
{
	static struct dev_policy p;  /* 12 KiB: not on the stack */
	size_t                   first = 0;
	bool                     reset = false;

	memset(&p, 0, sizeof(p));
	p.allow = true;
	for (size_t i = 0; i < r->n_devices; i++) {
		if (catch_all(&r->devices[i])) {
			p.allow = r->devices[i].allow;
			first   = i + 1;
			reset   = true;
		}
	}
	if (!p.allow) {
		for (size_t k = 0; k < n_defaults; k++) {
			struct dev_ex x = { .acc = DEV_R | DEV_W | DEV_M, .minor = -1 };
			char          mins[16];
			unsigned      maj;
			if (sscanf(defaults[k], "%c %u:%15[0-9*]", &x.type, &maj, mins) != 3)
				continue;
			x.major = maj;
			if (mins[0] != '*')
				x.minor = atoi(mins);
			if (policy_apply(&p, &x, true, -1, e) < 0)
				return -1;
		}
	}
	for (size_t i = first; i < r->n_devices; i++) {
		const struct oci_dev_rule *d = &r->devices[i];
		struct dev_ex x = { .type = d->type ? d->type : 'a', .major = d->major,
				    .minor = d->minor, .acc = dev_access(d->access) };
		if (x.type == 'a')
			x.major = x.minor = -1;
		if (policy_apply(&p, &x, d->allow, (int)i, e) < 0)
			return -1;
	}
	/* `update` of a container that already denies by default: a catch-all would deny
	 * everything for a moment, so the running processes could fail to open /dev/null. Add
	 * what is new first, then take away what is no longer allowed. */
	static struct dev_policy cur;
	if (reset && !p.allow && current_allow_list(cgroup_dir, &cur)) {
		char text[80];
		for (size_t i = 0; i < p.n; i++) {
			if (!p.ex[i].acc)
				continue;
			ex_text(text, sizeof(text), &p.ex[i]);
			if (dev_write(cgroup_dir, "devices.allow", text, e) < 0)
				return -1;
		}
		for (size_t i = 0; i < cur.n; i++) {
			const struct dev_ex *t    = policy_find(&p, &cur.ex[i]);
			struct dev_ex        gone = cur.ex[i];
			gone.acc &= ~(t ? t->acc : 0u);
			if (!gone.acc)
				continue;
			ex_text(text, sizeof(text), &gone);
			if (dev_write(cgroup_dir, "devices.deny", text, e) < 0)
				return -1;
		}
		return 0;
	}
	/* A catch-all sets the default and drops the exceptions; without one the cgroup keeps
	 * what it inherited (an allow-all, unless someone above restricts it). */
	if (reset && dev_write(cgroup_dir, p.allow ? "devices.allow" : "devices.deny", "a", e) < 0)
		return -1;
	for (size_t i = 0; i < p.n; i++) {
		char text[80];
		if (!p.ex[i].acc)
			continue;
		ex_text(text, sizeof(text), &p.ex[i]);
		if (dev_write(cgroup_dir, p.allow ? "devices.deny" : "devices.allow", text, e) < 0)
			return -1;
	}
	return 0;
}
