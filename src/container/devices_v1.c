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
