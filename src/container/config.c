/* config.json → struct oci_config. Every field is type-checked and a wrong one is reported with
 * its JSON path ("config.json: process.args[2]: expected a string"); unknown fields are ignored
 * so newer specs still load. */
#define _GNU_SOURCE
#include "container/config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "base/cleanup.h"
#include "base/file.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct pctx {
	const char  *name;
	struct cerr *e;
};

static int bad(struct pctx *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct pctx *p, const char *path, const char *fmt, ...)
{
	char    what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cerr_set(p->e, 0, "%s: %s: %s", p->name, path, what);
}

static void join(char *out, size_t size, const char *base, const char *key)
{
	if (!base || !base[0])
		snprintf(out, size, "%s", key);
	else
		snprintf(out, size, "%s.%s", base, key);
}

/* Optional typed members: absent (or null) leaves *out alone and returns 0. */
static int opt_str(struct pctx *p, json_t *obj, const char *base, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char    path[256];

	if (!v || json_is_null(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_string(v))
		return bad(p, path, "expected a string");
	*out = json_string_value(v);
	return 0;
}

static int opt_bool(struct pctx *p, json_t *obj, const char *base, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	char    path[256];

	if (!v || json_is_null(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_boolean(v))
		return bad(p, path, "expected a boolean");
	*out = json_is_true(v);
	return 0;
}

/* An integer in [lo, hi]; *has says whether it was given. */
static int opt_int(struct pctx *p, json_t *obj, const char *base, const char *key, int64_t lo,
		   int64_t hi, int64_t *out, bool *has)
{
	json_t *v = json_object_get(obj, key);
	char    path[256];

	if (!v || json_is_null(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_integer(v))
		return bad(p, path, "expected an integer");
	json_int_t n = json_integer_value(v);
	if (n < lo || n > hi)
		return bad(p, path, "%lld is out of range", (long long)n);
	*out = n;
	if (has)
		*has = true;
	return 0;
}

/* Unsigned 64-bit values above INT64_MAX do not fit jansson's integers; they are rare enough
 * (a "max" memory limit is written as -1) that the signed range is what we accept. */
static int opt_u64(struct pctx *p, json_t *obj, const char *base, const char *key, uint64_t *out,
		   bool *has)
{
	int64_t v = 0;
	bool    got = false;

	if (opt_int(p, obj, base, key, 0, INT64_MAX, &v, &got) < 0)
		return -1;
	if (got) {
		*out = (uint64_t)v;
		if (has)
			*has = true;
	}
	return 0;
}

static int opt_obj(struct pctx *p, json_t *obj, const char *base, const char *key, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	char    path[256];

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_object(v))
		return bad(p, path, "expected an object");
	*out = v;
	return 0;
}

static int opt_arr(struct pctx *p, json_t *obj, const char *base, const char *key, json_t **out)
{
	json_t *v = json_object_get(obj, key);
	char    path[256];

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	join(path, sizeof(path), base, key);
	if (!json_is_array(v))
		return bad(p, path, "expected an array");
	*out = v;
	return 0;
}

/* An array of strings → a NULL-terminated vector of pointers into the document. */
static int opt_strv(struct pctx *p, json_t *obj, const char *base, const char *key,
		    const char ***out, size_t *n)
{
	json_t *a;
	char    path[256];

	if (opt_arr(p, obj, base, key, &a) < 0)
		return -1;
	if (!a)
		return 0;
	join(path, sizeof(path), base, key);
	const char **v = calloc(json_array_size(a) + 1, sizeof(*v));
	if (!v)
		return cerr_set(p->e, ENOMEM, "%s: %s", p->name, path);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *s = json_array_get(a, i);
		if (!json_is_string(s)) {
			char ipath[300];
			snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
			free(v);
			return bad(p, ipath, "expected a string");
		}
		v[i] = json_string_value(s);
	}
	free((void *)*out);
	*out = v;
	if (n)
		*n = json_array_size(a);
	return 0;
}

/* An array whose items must be objects; calls fn for each with its path. */
static int each_obj(struct pctx *p, json_t *arr, const char *path,
		    int (*fn)(struct pctx *, json_t *, const char *, size_t, void *), void *arg)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		char    ipath[256];
		json_t *item = json_array_get(arr, i);
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (!json_is_object(item))
			return bad(p, ipath, "expected an object");
		if (fn(p, item, ipath, i, arg) < 0)
			return -1;
	}
	return 0;
}

/* ---- name tables ---- */

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int oci_cap_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strcasecmp(cap_names[i], name) == 0 ||
		    (strncasecmp(name, "CAP_", 4) != 0 && strcasecmp(cap_names[i] + 4, name) == 0))
			return (int)i;
	return -1;
}

const char *oci_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= sizeof(cap_names) / sizeof(cap_names[0]))
		return NULL;
	return cap_names[cap];
}

static const struct {
	const char *name;
	int         type;
} ns_names[] = {
	{ "pid", CLONE_NEWPID },     { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

int oci_ns_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (strcmp(ns_names[i].name, name) == 0)
			return ns_names[i].type;
	return 0;
}

const char *oci_ns_name(int type)
{
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (ns_names[i].type == type)
			return ns_names[i].name;
	return "?";
}

static const struct {
	const char *name;
	int         res;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int oci_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (strcmp(rlimit_names[i].name, name) == 0)
			return rlimit_names[i].res;
	return -1;
}

/* ---- process ---- */

static int parse_caps(struct pctx *p, json_t *o, const char *path, struct oci_caps *c)
{
	static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted",
					    "ambient" };
	uint64_t *masks[] = { &c->bounding, &c->effective, &c->inheritable, &c->permitted,
			      &c->ambient };

	c->present = true;
	for (size_t s = 0; s < 5; s++) {
		cleanup_free const char **names = NULL;
		size_t n = 0;
		char   spath[256];
		if (opt_strv(p, o, path, sets[s], &names, &n) < 0)
			return -1;
		join(spath, sizeof(spath), path, sets[s]);
		for (size_t i = 0; i < n; i++) {
			int cap = oci_cap_from_name(names[i]);
			if (cap < 0) {
				char ipath[300];
				snprintf(ipath, sizeof(ipath), "%s[%zu]", spath, i);
				return bad(p, ipath, "unknown capability `%s`", names[i]);
			}
			*masks[s] |= 1ull << cap;
		}
	}
	return 0;
}

static int parse_rlimit(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_process *proc = arg;
	struct oci_rlimit  *r    = &proc->rlimits[i];
	bool                has_soft = false, has_hard = false;

	if (opt_str(p, o, path, "type", &r->type) < 0 ||
	    opt_u64(p, o, path, "soft", &r->soft, &has_soft) < 0 ||
	    opt_u64(p, o, path, "hard", &r->hard, &has_hard) < 0)
		return -1;
	if (!r->type)
		return bad(p, path, "`type` is required");
	r->resource = oci_rlimit_from_name(r->type);
	if (r->resource < 0)
		return bad(p, path, "unknown rlimit `%s`", r->type);
	if (!has_soft || !has_hard)
		return bad(p, path, "`soft` and `hard` are required");
	return 0;
}

static int parse_process(struct pctx *p, json_t *o, const char *path, struct oci_process *proc)
{
	json_t *user, *caps, *rl, *cs;
	int64_t v;
	bool    has;

	if (opt_bool(p, o, path, "terminal", &proc->terminal) < 0 ||
	    opt_strv(p, o, path, "args", &proc->args, &proc->n_args) < 0 ||
	    opt_strv(p, o, path, "env", &proc->env, &proc->n_env) < 0 ||
	    opt_str(p, o, path, "cwd", &proc->cwd) < 0 ||
	    opt_bool(p, o, path, "noNewPrivileges", &proc->no_new_privileges) < 0 ||
	    opt_str(p, o, path, "apparmorProfile", &proc->apparmor_profile) < 0 ||
	    opt_str(p, o, path, "selinuxLabel", &proc->selinux_label) < 0)
		return -1;
	v = 0;
	has = false;
	if (opt_int(p, o, path, "oomScoreAdj", -1000, 1000, &v, &has) < 0)
		return -1;
	proc->has_oom_score_adj = has;
	proc->oom_score_adj     = (int)v;

	if (opt_obj(p, o, path, "consoleSize", &cs) < 0)
		return -1;
	if (cs) {
		char    cpath[256];
		int64_t h = 0, w = 0;
		join(cpath, sizeof(cpath), path, "consoleSize");
		if (opt_int(p, cs, cpath, "height", 0, UINT16_MAX, &h, NULL) < 0 ||
		    opt_int(p, cs, cpath, "width", 0, UINT16_MAX, &w, NULL) < 0)
			return -1;
		proc->console_height = (unsigned)h;
		proc->console_width  = (unsigned)w;
	}

	if (opt_obj(p, o, path, "user", &user) < 0)
		return -1;
	if (user) {
		char    upath[256];
		int64_t uid = 0, gid = 0, um = 0;
		join(upath, sizeof(upath), path, "user");
		if (opt_int(p, user, upath, "uid", 0, UINT32_MAX - 1, &uid, NULL) < 0 ||
		    opt_int(p, user, upath, "gid", 0, UINT32_MAX - 1, &gid, NULL) < 0 ||
		    opt_int(p, user, upath, "umask", 0, 0777, &um, &proc->user.has_umask) < 0)
			return -1;
		proc->user.uid   = (uid_t)uid;
		proc->user.gid   = (gid_t)gid;
		proc->user.umask = (mode_t)um;
		json_t *ag;
		if (opt_arr(p, user, upath, "additionalGids", &ag) < 0)
			return -1;
		if (ag) {
			proc->user.additional_gids = calloc(json_array_size(ag) + 1, sizeof(gid_t));
			if (!proc->user.additional_gids)
				return cerr_set(p->e, ENOMEM, "%s", p->name);
			for (size_t i = 0; i < json_array_size(ag); i++) {
				json_t *g = json_array_get(ag, i);
				if (!json_is_integer(g) || json_integer_value(g) < 0 ||
				    json_integer_value(g) >= UINT32_MAX) {
					char ipath[300];
					snprintf(ipath, sizeof(ipath), "%s.additionalGids[%zu]", upath, i);
					return bad(p, ipath, "expected a group id");
				}
				proc->user.additional_gids[i] = (gid_t)json_integer_value(g);
			}
			proc->user.n_additional_gids = json_array_size(ag);
		}
		if (json_object_get(user, "username") && !json_is_string(json_object_get(user, "username")))
			return bad(p, "process.user.username", "expected a string");
	}

	if (opt_obj(p, o, path, "capabilities", &caps) < 0)
		return -1;
	if (caps) {
		char cpath[256];
		join(cpath, sizeof(cpath), path, "capabilities");
		if (parse_caps(p, caps, cpath, &proc->caps) < 0)
			return -1;
	}

	if (opt_arr(p, o, path, "rlimits", &rl) < 0)
		return -1;
	if (rl) {
		char rpath[256];
		join(rpath, sizeof(rpath), path, "rlimits");
		proc->rlimits = calloc(json_array_size(rl) + 1, sizeof(*proc->rlimits));
		if (!proc->rlimits)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		proc->n_rlimits = json_array_size(rl);
		if (each_obj(p, rl, rpath, parse_rlimit, proc) < 0)
			return -1;
	}
	if (proc->cwd && proc->cwd[0] != '/')
		return bad(p, "process.cwd", "must be an absolute path, not `%s`", proc->cwd);
	return 0;
}

/* ---- mounts ---- */

static const struct {
	const char   *name;
	bool          clear;
	unsigned long flag;
} mount_flags[] = {
	{ "ro", false, MS_RDONLY },          { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },      { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },        { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },      { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },   { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },    { "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },      { "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME },       { "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME }, { "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },  { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "bind", false, MS_BIND },          { "rbind", false, MS_BIND | MS_REC },
};

static const struct {
	const char   *name;
	unsigned long flag;
} prop_flags[] = {
	{ "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static unsigned long prop_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(prop_flags) / sizeof(prop_flags[0]); i++)
		if (strcmp(prop_flags[i].name, name) == 0)
			return prop_flags[i].flag;
	return 0;
}

static int parse_mount(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_config *c = arg;
	struct oci_mount  *m = &c->mounts[i];
	cleanup_free const char **opts = NULL;
	size_t n = 0, dlen = 0;

	if (opt_str(p, o, path, "destination", &m->destination) < 0 ||
	    opt_str(p, o, path, "type", &m->type) < 0 ||
	    opt_str(p, o, path, "source", &m->source) < 0 ||
	    opt_strv(p, o, path, "options", &opts, &n) < 0)
		return -1;
	if (!m->destination)
		return bad(p, path, "`destination` is required");
	if (m->destination[0] != '/')
		return bad(p, path, "destination `%s` is not an absolute path", m->destination);
	m->data = calloc(1, 1);
	if (!m->data)
		return cerr_set(p->e, ENOMEM, "%s", p->name);
	for (size_t k = 0; k < n; k++) {
		const char *opt = opts[k];
		bool        known = false;
		for (size_t f = 0; f < sizeof(mount_flags) / sizeof(mount_flags[0]); f++) {
			if (strcmp(mount_flags[f].name, opt) == 0) {
				if (mount_flags[f].clear) {
					m->clear |= mount_flags[f].flag;
					m->flags &= ~mount_flags[f].flag;
				} else {
					m->flags |= mount_flags[f].flag;
				}
				known = true;
			}
		}
		if (!known && prop_from_name(opt)) {
			m->propagation |= prop_from_name(opt);
			known = true;
		}
		if (known)
			continue;
		/* Anything else goes to the filesystem as data (size=, mode=, gid=, newinstance). */
		size_t olen = strlen(opt);
		char  *d    = realloc(m->data, dlen + olen + 2);
		if (!d)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		m->data = d;
		if (dlen)
			m->data[dlen++] = ',';
		memcpy(m->data + dlen, opt, olen + 1);
		dlen += olen;
	}
	if (m->flags & MS_BIND) {
		m->bind = true;
	} else if (m->type && strcmp(m->type, "bind") == 0) {
		m->bind = true;
		m->flags |= MS_BIND;
	}
	if (m->bind && !m->source)
		return bad(p, path, "a bind mount needs a `source`");
	if (!m->bind && !m->type)
		return bad(p, path, "`type` is required unless the mount is a bind");
	return 0;
}

/* ---- hooks ---- */

static const char *const hook_names[OCI_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

struct hook_arg {
	struct oci_hook *list;
};

static int parse_hook(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct hook_arg *ha = arg;
	struct oci_hook *h  = &ha->list[i];
	int64_t          t  = 0;

	if (opt_str(p, o, path, "path", &h->path) < 0 || opt_strv(p, o, path, "args", &h->args, NULL) < 0 ||
	    opt_strv(p, o, path, "env", &h->env, NULL) < 0 ||
	    opt_int(p, o, path, "timeout", 1, INT_MAX, &t, NULL) < 0)
		return -1;
	if (!h->path)
		return bad(p, path, "`path` is required");
	h->timeout = (int)t;
	return 0;
}

static int parse_hooks(struct pctx *p, json_t *o, struct oci_hooks *hooks)
{
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		json_t *a;
		char    path[64];
		if (opt_arr(p, o, "hooks", hook_names[k], &a) < 0)
			return -1;
		if (!a)
			continue;
		snprintf(path, sizeof(path), "hooks.%s", hook_names[k]);
		hooks->list[k] = calloc(json_array_size(a) + 1, sizeof(struct oci_hook));
		if (!hooks->list[k])
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		hooks->n[k] = json_array_size(a);
		struct hook_arg ha = { hooks->list[k] };
		if (each_obj(p, a, path, parse_hook, &ha) < 0)
			return -1;
	}
	return 0;
}

/* ---- linux ---- */

static int parse_ns(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_config *c = arg;
	const char        *type = NULL, *nspath = NULL;

	(void)i;
	if (opt_str(p, o, path, "type", &type) < 0 || opt_str(p, o, path, "path", &nspath) < 0)
		return -1;
	if (!type)
		return bad(p, path, "`type` is required");
	int t = oci_ns_from_name(type);
	if (!t)
		return bad(p, path, "unknown namespace type `%s`", type);
	for (size_t k = 0; k < c->n_ns; k++)
		if (c->ns[k].type == t)
			return bad(p, path, "namespace `%s` given twice", type);
	if (nspath && !nspath[0])
		nspath = NULL;
	c->ns[c->n_ns++] = (struct oci_namespace){ .type = t, .path = nspath };
	return 0;
}

static int parse_idmaps(struct pctx *p, json_t *lin, const char *key, struct oci_idmap **out,
			size_t *n)
{
	json_t *a;
	char    path[64];

	if (opt_arr(p, lin, "linux", key, &a) < 0)
		return -1;
	if (!a)
		return 0;
	*out = calloc(json_array_size(a) + 1, sizeof(**out));
	if (!*out)
		return cerr_set(p->e, ENOMEM, "%s", p->name);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		int64_t c = 0, h = 0, s = 0;
		snprintf(path, sizeof(path), "linux.%s[%zu]", key, i);
		if (!json_is_object(o))
			return bad(p, path, "expected an object");
		if (opt_int(p, o, path, "containerID", 0, UINT32_MAX, &c, NULL) < 0 ||
		    opt_int(p, o, path, "hostID", 0, UINT32_MAX, &h, NULL) < 0 ||
		    opt_int(p, o, path, "size", 0, UINT32_MAX, &s, NULL) < 0)
			return -1;
		(*out)[i] = (struct oci_idmap){ (uint32_t)c, (uint32_t)h, (uint32_t)s };
	}
	*n = json_array_size(a);
	return 0;
}

static int parse_device(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_config *c = arg;
	struct oci_device *d = &c->devices[i];
	const char        *type = NULL;
	int64_t            v;

	if (opt_str(p, o, path, "path", &d->path) < 0 || opt_str(p, o, path, "type", &type) < 0 ||
	    opt_int(p, o, path, "major", 0, UINT32_MAX, &d->major, NULL) < 0 ||
	    opt_int(p, o, path, "minor", 0, UINT32_MAX, &d->minor, NULL) < 0)
		return -1;
	if (!d->path || d->path[0] != '/')
		return bad(p, path, "`path` must be an absolute path");
	if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
		return bad(p, path, "`type` must be one of c, b, u, p");
	d->type = type[0];
	v = 0;
	if (opt_int(p, o, path, "fileMode", 0, 07777, &v, &d->has_mode) < 0)
		return -1;
	d->file_mode = (mode_t)v;
	v = 0;
	if (opt_int(p, o, path, "uid", 0, UINT32_MAX - 1, &v, &d->has_uid) < 0)
		return -1;
	d->uid = (uid_t)v;
	v = 0;
	if (opt_int(p, o, path, "gid", 0, UINT32_MAX - 1, &v, &d->has_gid) < 0)
		return -1;
	d->gid = (gid_t)v;
	return 0;
}

static int parse_dev_rule(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_resources *r = arg;
	struct oci_dev_rule  *d = &r->devices[i];
	const char           *type = NULL;

	d->major = d->minor = -1;
	if (opt_bool(p, o, path, "allow", &d->allow) < 0 || opt_str(p, o, path, "type", &type) < 0 ||
	    opt_int(p, o, path, "major", -1, UINT32_MAX, &d->major, NULL) < 0 ||
	    opt_int(p, o, path, "minor", -1, UINT32_MAX, &d->minor, NULL) < 0 ||
	    opt_str(p, o, path, "access", &d->access) < 0)
		return -1;
	if (!json_object_get(o, "allow"))
		return bad(p, path, "`allow` is required");
	d->type = 'a';
	if (type) {
		if (strlen(type) != 1 || !strchr("acb", type[0]))
			return bad(p, path, "`type` must be one of a, c, b");
		d->type = type[0];
	}
	if (d->access && d->access[strspn(d->access, "rwm")])
		return bad(p, path, "`access` must be made of r, w, m");
	return 0;
}

static int parse_weight_dev(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_weight_dev *w = &((struct oci_weight_dev *)arg)[i];
	int64_t                v = 0;

	if (opt_int(p, o, path, "major", 0, UINT32_MAX, &w->major, NULL) < 0 ||
	    opt_int(p, o, path, "minor", 0, UINT32_MAX, &w->minor, NULL) < 0 ||
	    opt_int(p, o, path, "weight", 10, 1000, &v, &w->has_weight) < 0)
		return -1;
	w->weight = (uint16_t)v;
	if (opt_int(p, o, path, "leafWeight", 10, 1000, &v, &w->has_leaf_weight) < 0)
		return -1;
	w->leaf_weight = (uint16_t)v;
	return 0;
}

static int parse_throttle_dev(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_throttle_dev *t = &((struct oci_throttle_dev *)arg)[i];

	if (opt_int(p, o, path, "major", 0, UINT32_MAX, &t->major, NULL) < 0 ||
	    opt_int(p, o, path, "minor", 0, UINT32_MAX, &t->minor, NULL) < 0 ||
	    opt_u64(p, o, path, "rate", &t->rate, NULL) < 0)
		return -1;
	return 0;
}

static int alloc_items(struct pctx *p, json_t *a, size_t size, void **out, size_t *n)
{
	*out = calloc(json_array_size(a) + 1, size);
	if (!*out)
		return cerr_set(p->e, ENOMEM, "%s", p->name);
	*n = json_array_size(a);
	return 0;
}

static int parse_resources(struct pctx *p, json_t *o, const char *path, struct oci_resources *r)
{
	json_t *a, *mem, *cpu, *pids, *bio, *uni;
	char    sub[128];
	int64_t v;

	r->present = true;
	if (opt_arr(p, o, path, "devices", &a) < 0)
		return -1;
	if (a) {
		join(sub, sizeof(sub), path, "devices");
		if (alloc_items(p, a, sizeof(*r->devices), (void **)&r->devices, &r->n_devices) < 0 ||
		    each_obj(p, a, sub, parse_dev_rule, r) < 0)
			return -1;
	}
	if (opt_obj(p, o, path, "memory", &mem) < 0)
		return -1;
	if (mem) {
		join(sub, sizeof(sub), path, "memory");
		if (opt_int(p, mem, sub, "limit", -1, INT64_MAX, &r->mem_limit, &r->has_mem_limit) < 0 ||
		    opt_int(p, mem, sub, "reservation", -1, INT64_MAX, &r->mem_reservation,
			    &r->has_mem_reservation) < 0 ||
		    opt_int(p, mem, sub, "swap", -1, INT64_MAX, &r->mem_swap, &r->has_mem_swap) < 0 ||
		    opt_int(p, mem, sub, "kernel", -1, INT64_MAX, &r->mem_kernel, &r->has_mem_kernel) < 0 ||
		    opt_int(p, mem, sub, "kernelTCP", -1, INT64_MAX, &r->mem_kernel_tcp,
			    &r->has_mem_kernel_tcp) < 0 ||
		    opt_bool(p, mem, sub, "disableOOMKiller", &r->disable_oom_killer) < 0)
			return -1;
		r->has_disable_oom_killer = json_object_get(mem, "disableOOMKiller") != NULL;
		v = 0;
		if (opt_int(p, mem, sub, "swappiness", 0, 100, &v, &r->has_mem_swappiness) < 0)
			return -1;
		r->mem_swappiness = (uint64_t)v;
	}
	if (opt_obj(p, o, path, "cpu", &cpu) < 0)
		return -1;
	if (cpu) {
		join(sub, sizeof(sub), path, "cpu");
		if (opt_u64(p, cpu, sub, "shares", &r->cpu_shares, &r->has_cpu_shares) < 0 ||
		    opt_int(p, cpu, sub, "quota", -1, INT64_MAX, &r->cpu_quota, &r->has_cpu_quota) < 0 ||
		    opt_u64(p, cpu, sub, "period", &r->cpu_period, &r->has_cpu_period) < 0 ||
		    opt_int(p, cpu, sub, "realtimeRuntime", -1, INT64_MAX, &r->cpu_rt_runtime,
			    &r->has_cpu_rt_runtime) < 0 ||
		    opt_u64(p, cpu, sub, "realtimePeriod", &r->cpu_rt_period, &r->has_cpu_rt_period) < 0 ||
		    opt_str(p, cpu, sub, "cpus", &r->cpu_cpus) < 0 ||
		    opt_str(p, cpu, sub, "mems", &r->cpu_mems) < 0)
			return -1;
		if (r->cpu_cpus && !r->cpu_cpus[0])
			r->cpu_cpus = NULL;
		if (r->cpu_mems && !r->cpu_mems[0])
			r->cpu_mems = NULL;
	}
	if (opt_obj(p, o, path, "pids", &pids) < 0)
		return -1;
	if (pids) {
		join(sub, sizeof(sub), path, "pids");
		if (opt_int(p, pids, sub, "limit", -1, INT64_MAX, &r->pids_limit, &r->has_pids_limit) < 0)
			return -1;
	}
	if (opt_obj(p, o, path, "blockIO", &bio) < 0)
		return -1;
	if (bio) {
		static const char *const thr[4] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
						   "throttleReadIOPSDevice", "throttleWriteIOPSDevice" };
		join(sub, sizeof(sub), path, "blockIO");
		v = 0;
		if (opt_int(p, bio, sub, "weight", 10, 1000, &v, &r->has_blkio_weight) < 0)
			return -1;
		r->blkio_weight = (uint16_t)v;
		if (opt_int(p, bio, sub, "leafWeight", 10, 1000, &v, &r->has_blkio_leaf_weight) < 0)
			return -1;
		r->blkio_leaf_weight = (uint16_t)v;
		if (opt_arr(p, bio, sub, "weightDevice", &a) < 0)
			return -1;
		if (a) {
			char wpath[160];
			join(wpath, sizeof(wpath), sub, "weightDevice");
			if (alloc_items(p, a, sizeof(struct oci_weight_dev), (void **)&r->blkio_weight_dev,
					&r->n_blkio_weight_dev) < 0 ||
			    each_obj(p, a, wpath, parse_weight_dev, r->blkio_weight_dev) < 0)
				return -1;
		}
		for (int k = 0; k < 4; k++) {
			char tpath[160];
			if (opt_arr(p, bio, sub, thr[k], &a) < 0)
				return -1;
			if (!a)
				continue;
			join(tpath, sizeof(tpath), sub, thr[k]);
			if (alloc_items(p, a, sizeof(struct oci_throttle_dev),
					(void **)&r->blkio_throttle[k], &r->n_blkio_throttle[k]) < 0 ||
			    each_obj(p, a, tpath, parse_throttle_dev, r->blkio_throttle[k]) < 0)
				return -1;
		}
	}
	if (opt_obj(p, o, path, "unified", &uni) < 0)
		return -1;
	if (uni && json_object_size(uni)) {
		const char *k;
		json_t     *val;
		size_t      i = 0;
		r->unified_keys   = calloc(json_object_size(uni) + 1, sizeof(char *));
		r->unified_values = calloc(json_object_size(uni) + 1, sizeof(char *));
		if (!r->unified_keys || !r->unified_values)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		join(sub, sizeof(sub), path, "unified");
		json_object_foreach(uni, k, val) {
			char upath[300];
			snprintf(upath, sizeof(upath), "%s.%s", sub, k);
			if (!json_is_string(val))
				return bad(p, upath, "expected a string");
			if (strchr(k, '/') || k[0] == '.')
				return bad(p, upath, "not a cgroup file name");
			r->unified_keys[i]     = k;
			r->unified_values[i++] = json_string_value(val);
		}
		r->n_unified = i;
	}
	return 0;
}

static const struct {
	const char *name;
	uint32_t    act;
} seccomp_actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
};

static int seccomp_action(struct pctx *p, const char *path, const char *name, uint32_t *act)
{
	for (size_t i = 0; i < sizeof(seccomp_actions) / sizeof(seccomp_actions[0]); i++) {
		if (strcmp(seccomp_actions[i].name, name) == 0) {
			*act = seccomp_actions[i].act;
			return 0;
		}
	}
	return bad(p, path, "unsupported seccomp action `%s`", name);
}

static int parse_seccomp_rule(struct pctx *p, json_t *o, const char *path, size_t i, void *arg)
{
	struct oci_seccomp      *s = arg;
	struct oci_seccomp_rule *r = &s->rules[i];
	const char              *action = NULL;
	json_t                  *args;
	int64_t                  v = 0;
	char                     apath[300];

	if (opt_strv(p, o, path, "names", &r->names, &r->n_names) < 0 ||
	    opt_str(p, o, path, "action", &action) < 0)
		return -1;
	if (!r->names) {
		/* The older single-name form. */
		const char *one = NULL;
		if (opt_str(p, o, path, "name", &one) < 0)
			return -1;
		if (!one)
			return bad(p, path, "`names` is required");
		r->names = calloc(2, sizeof(char *));
		if (!r->names)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		r->names[0] = one;
		r->n_names  = 1;
	}
	join(apath, sizeof(apath), path, "action");
	if (!action)
		return bad(p, path, "`action` is required");
	if (seccomp_action(p, apath, action, &r->action) < 0)
		return -1;
	if (opt_int(p, o, path, "errnoRet", 0, 4095, &v, &r->has_errno) < 0)
		return -1;
	r->errno_ret = (unsigned)v;
	if (opt_arr(p, o, path, "args", &args) < 0)
		return -1;
	if (args) {
		r->args   = calloc(json_array_size(args) + 1, sizeof(*r->args));
		if (!r->args)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		r->n_args = json_array_size(args);
		for (size_t k = 0; k < r->n_args; k++) {
			static const struct { const char *n; int op; } ops[] = {
				{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
				{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
				{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
				{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
			};
			json_t     *a = json_array_get(args, k);
			const char *op = NULL;
			int64_t     idx = 0;
			snprintf(apath, sizeof(apath), "%s.args[%zu]", path, k);
			if (!json_is_object(a))
				return bad(p, apath, "expected an object");
			if (opt_int(p, a, apath, "index", 0, 5, &idx, NULL) < 0 ||
			    opt_u64(p, a, apath, "value", &r->args[k].value, NULL) < 0 ||
			    opt_u64(p, a, apath, "valueTwo", &r->args[k].value_two, NULL) < 0 ||
			    opt_str(p, a, apath, "op", &op) < 0)
				return -1;
			r->args[k].index = (unsigned)idx;
			r->args[k].op    = 0;
			for (size_t q = 0; op && q < sizeof(ops) / sizeof(ops[0]); q++)
				if (strcmp(ops[q].n, op) == 0)
					r->args[k].op = ops[q].op;
			if (!r->args[k].op)
				return bad(p, apath, "unknown comparison `%s`", op ? op : "(none)");
		}
	}
	return 0;
}

static int parse_seccomp(struct pctx *p, json_t *o, struct oci_seccomp *s)
{
	const char *def = NULL;
	json_t     *a;
	int64_t     v = 0;
	cleanup_free const char **arches = NULL, **flags = NULL;
	size_t n_arches = 0, n_flags = 0;

	s->present = true;
	if (opt_str(p, o, "linux.seccomp", "defaultAction", &def) < 0)
		return -1;
	if (!def)
		return bad(p, "linux.seccomp", "`defaultAction` is required");
	if (seccomp_action(p, "linux.seccomp.defaultAction", def, &s->default_action) < 0)
		return -1;
	if (opt_int(p, o, "linux.seccomp", "defaultErrnoRet", 0, 4095, &v, &s->has_default_errno) < 0)
		return -1;
	s->default_errno = (unsigned)v;
	if (opt_strv(p, o, "linux.seccomp", "architectures", &arches, &n_arches) < 0 ||
	    opt_strv(p, o, "linux.seccomp", "flags", &flags, &n_flags) < 0)
		return -1;
	s->arches = calloc(n_arches + 1, sizeof(uint32_t));
	if (!s->arches)
		return cerr_set(p->e, ENOMEM, "%s", p->name);
	for (size_t i = 0; i < n_arches; i++) {
		char lower[64], path[64];
		snprintf(path, sizeof(path), "linux.seccomp.architectures[%zu]", i);
		if (strncmp(arches[i], "SCMP_ARCH_", 10) != 0)
			return bad(p, path, "unknown architecture `%s`", arches[i]);
		snprintf(lower, sizeof(lower), "%s", arches[i] + 10);
		for (char *c = lower; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		uint32_t arch = seccomp_arch_resolve_name(lower);
		if (!arch)
			return bad(p, path, "unknown architecture `%s`", arches[i]);
		s->arches[s->n_arches++] = arch;
	}
	for (size_t i = 0; i < n_flags; i++) {
		char path[64];
		snprintf(path, sizeof(path), "linux.seccomp.flags[%zu]", i);
		if (strcmp(flags[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			s->flags |= 1;
		else if (strcmp(flags[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
			s->flags |= 2;
		else if (strcmp(flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			s->flags |= 4;
		else
			return bad(p, path, "unknown seccomp flag `%s`", flags[i]);
	}
	if (opt_arr(p, o, "linux.seccomp", "syscalls", &a) < 0)
		return -1;
	if (a) {
		if (alloc_items(p, a, sizeof(*s->rules), (void **)&s->rules, &s->n_rules) < 0 ||
		    each_obj(p, a, "linux.seccomp.syscalls", parse_seccomp_rule, s) < 0)
			return -1;
	}
	if (json_object_get(o, "listenerPath"))
		return bad(p, "linux.seccomp.listenerPath", "seccomp notification is not supported");
	return 0;
}

static int parse_linux(struct pctx *p, json_t *lin, struct oci_config *c)
{
	json_t     *a, *o;
	const char *prop = NULL;

	if (opt_arr(p, lin, "linux", "namespaces", &a) < 0)
		return -1;
	if (a && each_obj(p, a, "linux.namespaces", parse_ns, c) < 0)
		return -1;
	if (parse_idmaps(p, lin, "uidMappings", &c->uid_map, &c->n_uid_map) < 0 ||
	    parse_idmaps(p, lin, "gidMappings", &c->gid_map, &c->n_gid_map) < 0)
		return -1;
	if (opt_arr(p, lin, "linux", "devices", &a) < 0)
		return -1;
	if (a && (alloc_items(p, a, sizeof(*c->devices), (void **)&c->devices, &c->n_devices) < 0 ||
		  each_obj(p, a, "linux.devices", parse_device, c) < 0))
		return -1;
	if (opt_str(p, lin, "linux", "cgroupsPath", &c->cgroups_path) < 0)
		return -1;
	if (opt_obj(p, lin, "linux", "resources", &o) < 0)
		return -1;
	if (o && parse_resources(p, o, "linux.resources", &c->resources) < 0)
		return -1;
	if (opt_obj(p, lin, "linux", "sysctl", &o) < 0)
		return -1;
	if (o && json_object_size(o)) {
		const char *k;
		json_t     *v;
		c->sysctl = calloc(json_object_size(o) + 1, sizeof(*c->sysctl));
		if (!c->sysctl)
			return cerr_set(p->e, ENOMEM, "%s", p->name);
		json_object_foreach(o, k, v) {
			char path[300];
			snprintf(path, sizeof(path), "linux.sysctl.%s", k);
			if (!json_is_string(v))
				return bad(p, path, "expected a string");
			if (strstr(k, "..") || k[0] == '.' || k[0] == '/')
				return bad(p, path, "not a sysctl name");
			c->sysctl[c->n_sysctl++] = (struct oci_sysctl){ k, json_string_value(v) };
		}
	}
	if (opt_obj(p, lin, "linux", "seccomp", &o) < 0)
		return -1;
	if (o && parse_seccomp(p, o, &c->seccomp) < 0)
		return -1;
	if (opt_strv(p, lin, "linux", "maskedPaths", &c->masked_paths, &c->n_masked_paths) < 0 ||
	    opt_strv(p, lin, "linux", "readonlyPaths", &c->readonly_paths, &c->n_readonly_paths) < 0 ||
	    opt_str(p, lin, "linux", "rootfsPropagation", &prop) < 0 ||
	    opt_str(p, lin, "linux", "mountLabel", &c->mount_label) < 0)
		return -1;
	if (prop && prop[0]) {
		c->rootfs_propagation = prop_from_name(prop);
		if (!c->rootfs_propagation)
			return bad(p, "linux.rootfsPropagation", "unknown propagation `%s`", prop);
	}
	if (opt_obj(p, lin, "linux", "personality", &o) < 0)
		return -1;
	if (o) {
		const char *dom = NULL;
		if (opt_str(p, o, "linux.personality", "domain", &dom) < 0)
			return -1;
		if (!dom || (strcmp(dom, "LINUX") != 0 && strcmp(dom, "LINUX32") != 0))
			return bad(p, "linux.personality.domain", "expected LINUX or LINUX32");
		c->has_personality = true;
		c->personality     = strcmp(dom, "LINUX32") == 0 ? 0x0008 : 0;
	}
	if (opt_obj(p, lin, "linux", "timeOffsets", &o) < 0)
		return -1;
	if (o) {
		static const char *const clocks[] = { "monotonic", "boottime" };
		for (int i = 0; i < 2; i++) {
			struct oci_time_offset *t = i ? &c->boottime : &c->monotonic;
			json_t                 *clk;
			char                    path[64];
			snprintf(path, sizeof(path), "linux.timeOffsets.%s", clocks[i]);
			if (opt_obj(p, o, "linux.timeOffsets", clocks[i], &clk) < 0)
				return -1;
			if (!clk)
				continue;
			/* the kernel takes offsets of up to about 146 years either way */
			if (opt_int(p, clk, path, "secs", -(INT64_C(1) << 32), INT64_C(1) << 32,
				    &t->secs, NULL) < 0 ||
			    opt_int(p, clk, path, "nanosecs", 0, 999999999, &t->nanosecs, NULL) < 0)
				return -1;
			t->set = true;
			c->has_time_offsets = true;
		}
	}
	return 0;
}

static int parse_root(struct pctx *p, json_t *doc, struct oci_config *c)
{
	json_t *o;

	if (opt_str(p, doc, "", "ociVersion", &c->oci_version) < 0 ||
	    opt_str(p, doc, "", "hostname", &c->hostname) < 0 ||
	    opt_str(p, doc, "", "domainname", &c->domainname) < 0)
		return -1;
	if (opt_obj(p, doc, "", "process", &o) < 0)
		return -1;
	if (o) {
		c->has_process = true;
		if (parse_process(p, o, "process", &c->process) < 0)
			return -1;
	}
	if (opt_obj(p, doc, "", "root", &o) < 0)
		return -1;
	if (o && (opt_str(p, o, "root", "path", &c->root_path) < 0 ||
		  opt_bool(p, o, "root", "readonly", &c->root_readonly) < 0))
		return -1;
	if (opt_arr(p, doc, "", "mounts", &o) < 0)
		return -1;
	if (o && (alloc_items(p, o, sizeof(*c->mounts), (void **)&c->mounts, &c->n_mounts) < 0 ||
		  each_obj(p, o, "mounts", parse_mount, c) < 0))
		return -1;
	if (opt_obj(p, doc, "", "hooks", &o) < 0)
		return -1;
	if (o && parse_hooks(p, o, &c->hooks) < 0)
		return -1;
	if (opt_obj(p, doc, "", "linux", &o) < 0)
		return -1;
	if (o && parse_linux(p, o, c) < 0)
		return -1;
	if (opt_obj(p, doc, "", "annotations", &o) < 0)
		return -1;
	return 0;
}

/* Parse a document that must be a JSON object (config.json, process.json, resources.json). */
static json_t *load_json(const char *text, size_t len, const char *name, struct cerr *e)
{
	json_error_t jerr;
	json_t      *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);

	if (!doc) {
		cerr_set(e, 0, "%s: line %d column %d: %s", name, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		cerr_set(e, 0, "%s: expected a JSON object", name);
		return NULL;
	}
	return doc;
}

int oci_config_parse(struct oci_config *c, const char *text, size_t len, const char *name,
		     struct cerr *e)
{
	struct pctx p = { name, e };

	memset(c, 0, sizeof(*c));
	c->json = load_json(text, len, name, e);
	if (!c->json)
		return -1;
	if (parse_root(&p, c->json, c) < 0) {
		oci_config_free(c);
		return -1;
	}
	if (!c->root_path) {
		oci_config_free(c);
		return cerr_set(e, 0, "%s: root.path is required", name);
	}
	return 0;
}

int oci_config_load(struct oci_config *c, const char *bundle, struct cerr *e)
{
	char              path[PATH_MAX];
	cleanup_free char *text = NULL;
	size_t             len = 0;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (file_read_all(path, &text, &len, e) < 0)
		return -1;
	return oci_config_parse(c, text, len, "config.json", e);
}

int oci_process_parse(struct oci_process *proc, void **json_out, const char *text, size_t len,
		      const char *name, struct cerr *e)
{
	struct pctx p = { name, e };
	json_t     *doc;

	memset(proc, 0, sizeof(*proc));
	*json_out = NULL;
	doc = load_json(text, len, name, e);
	if (!doc)
		return -1;
	if (parse_process(&p, doc, "", proc) < 0) {
		oci_process_free(proc);
		json_decref(doc);
		return -1;
	}
	*json_out = doc;
	return 0;
}

int oci_resources_parse(struct oci_resources *r, void **json_out, const char *text, size_t len,
			const char *name, struct cerr *e)
{
	struct pctx p = { name, e };
	json_t     *doc;

	memset(r, 0, sizeof(*r));
	*json_out = NULL;
	doc = load_json(text, len, name, e);
	if (!doc)
		return -1;
	if (parse_resources(&p, doc, "", r) < 0) {
		oci_resources_free(r);
		json_decref(doc);
		return -1;
	}
	*json_out = doc;
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	free(p->args);
	free(p->env);
	free(p->rlimits);
	free(p->user.additional_gids);
	memset(p, 0, sizeof(*p));
}

void oci_resources_free(struct oci_resources *r)
{
	free(r->devices);
	free(r->blkio_weight_dev);
	for (int k = 0; k < 4; k++)
		free(r->blkio_throttle[k]);
	free(r->unified_keys);
	free(r->unified_values);
	memset(r, 0, sizeof(*r));
}

void oci_config_free(struct oci_config *c)
{
	oci_process_free(&c->process);
	for (size_t i = 0; c->mounts && i < c->n_mounts; i++)
		free(c->mounts[i].data);
	free(c->mounts);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < c->hooks.n[k]; i++) {
			free(c->hooks.list[k][i].args);
			free(c->hooks.list[k][i].env);
		}
		free(c->hooks.list[k]);
	}
	free(c->uid_map);
	free(c->gid_map);
	free(c->devices);
	oci_resources_free(&c->resources);
	free(c->sysctl);
	for (size_t i = 0; i < c->seccomp.n_rules; i++) {
		free(c->seccomp.rules[i].names);
		free(c->seccomp.rules[i].args);
	}
	free(c->seccomp.rules);
	free(c->seccomp.arches);
	free(c->masked_paths);
	free(c->readonly_paths);
	if (c->json)
		json_decref(c->json);
	memset(c, 0, sizeof(*c));
}

void oci_json_free(void *json)
{
	if (json)
		json_decref(json);
}
