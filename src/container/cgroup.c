/* cgroups for containers on v1, pure v2 and hybrid hosts: one directory per hierarchy, each
 * limit written through whichever hierarchy holds its controller, everything removed on
 * delete. The host layout comes from host_probe_cgroup(). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"
#include "host/host.h"

static int write_at(const char *dir, const char *file, const char *val, struct cerr *e)
{
	char path[PATH_MAX + 64];
	int  fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "cgroup: open `%s`", path);
	ssize_t n = write(fd, val, strlen(val));
	int     err = errno;
	close(fd);
	if (n < 0)
		return cerr_set(e, err, "cgroup: write `%s` to `%s`", val, path);
	return 0;
}

static int read_at(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	int  fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* mkdir -p below mount; returns how many components were made. */
static int mkdir_below(const char *mount, const char *rel, int *made, struct cerr *e)
{
	char   path[PATH_MAX];
	size_t base  = strlen(mount);
	int    tries = 0;

again:
	*made = 0;
	snprintf(path, sizeof(path), "%s/%s", mount, rel);
	/* Usually only the leaf is new. */
	if (mkdir(path, 0755) == 0) {
		*made = 1;
		return 0;
	}
	if (errno != ENOENT)
		return errno == EEXIST ? 0 : cerr_set(e, errno, "cgroup: create `%s`", path);
	for (char *p = path + base + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (p > path + base + 1 && p[-1] != '/') {
				if (mkdir(path, 0755) == 0)
					(*made)++;
				else if (errno == ENOENT && ++tries < 5)
					goto again;  /* a delete took an empty parent away meanwhile */
				else if (errno != EEXIST)
					return cerr_set(e, errno, "cgroup: create `%s`", path);
				else if (c == '\0')
					*made = 0;  /* the leaf existed: not ours to remove */
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

/* "slice:prefix:name" (systemd notation) → "slice/prefix-name.scope". */
static void cgroup_rel_path(char *out, size_t size, const char *cgroups_path, const char *id,
			    const char *scope, bool systemd)
{
	const char *c1, *c2;

	if (!cgroups_path || !cgroups_path[0]) {
		if (scope) {
			/* FNV-1a of the state directory: ids are unique only within one. One
			 * level, not cella/HASH/ID: a directory more to make and remove on every
			 * run costs half a millisecond across nine v1 hierarchies. */
			uint32_t h = 2166136261u;
			for (const char *s = scope; *s; s++)
				h = (h ^ (uint8_t)*s) * 16777619u;
			snprintf(out, size, strlen(id) + 9 > NAME_MAX ? "cella/%08x/%s" : "cella/%08x-%s",
				 h, id);
		} else {
			snprintf(out, size, "cella/%s", id);
		}
		return;
	}
	c1 = strchr(cgroups_path, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c1 && c2 && cgroups_path[0] != '/') {
		int slen = (int)(c1 - cgroups_path), plen = (int)(c2 - c1 - 1);
		snprintf(out, size, "%.*s/%.*s%s%s.scope", slen ? slen : 11,
			 slen ? cgroups_path : "system.slice", plen, c1 + 1, plen ? "-" : "", c2 + 1);
		return;
	}
	(void)systemd;
	while (*cgroups_path == '/')
		cgroups_path++;
	snprintf(out, size, "%s", cgroups_path);
}

/* A new v1 cpuset has no CPUs or memory nodes, and no task may join it until it does:
 * inherit the parent's. */
static int cpuset_fill(const char *leaf, const char *mount, struct cerr *e)
{
	char path[PATH_MAX], val[4096];

	snprintf(path, sizeof(path), "%s", leaf);
	for (;;) {
		if (read_at(path, "cpuset.cpus", val, sizeof(val)) == 0 && val[0])
			break;
		char *slash = strrchr(path, '/');
		if (!slash || (size_t)(slash - path) < strlen(mount))
			return 0;
		*slash = '\0';
	}
	const char *last = strrchr(leaf, '/');
	if (last && (size_t)(last - leaf) == strlen(path)) {
		/* The usual case: the parent has them, val holds its CPUs. */
		char mems[4096];
		if (read_at(path, "cpuset.mems", mems, sizeof(mems)) < 0)
			return cerr_set(e, errno, "cgroup: read cpuset of `%s`", path);
		if (write_at(leaf, "cpuset.cpus", val, e) < 0 || write_at(leaf, "cpuset.mems", mems, e) < 0)
			return -1;
		return 0;
	}
	/* Fill from the top down so each child has what its parent has. */
	char walk[PATH_MAX];
	size_t start = strlen(path);
	snprintf(walk, sizeof(walk), "%s", leaf);
	for (size_t i = start + 1; i <= strlen(leaf); i++) {
		if (leaf[i] != '/' && leaf[i] != '\0')
			continue;
		char parent[PATH_MAX], child[PATH_MAX], cpus[4096], mems[4096];
		snprintf(child, sizeof(child), "%.*s", (int)i, leaf);
		snprintf(parent, sizeof(parent), "%s", child);
		*strrchr(parent, '/') = '\0';
		if (read_at(child, "cpuset.cpus", val, sizeof(val)) == 0 && val[0])
			continue;
		if (read_at(parent, "cpuset.cpus", cpus, sizeof(cpus)) < 0 ||
		    read_at(parent, "cpuset.mems", mems, sizeof(mems)) < 0)
			return cerr_set(e, errno, "cgroup: read cpuset of `%s`", parent);
		if (write_at(child, "cpuset.cpus", cpus, e) < 0 ||
		    write_at(child, "cpuset.mems", mems, e) < 0)
			return -1;
	}
	return 0;
}

/* A cgroup that exists already may be ours to reuse, but not while processes live in it:
 * they belong to someone else, and delete would kill them. */
static int cgroup_check_unused(const struct ctr_cgroup_dir *d, struct cerr *e)
{
	char procs[64];

	if (d->created || read_at(d->path, "cgroup.procs", procs, sizeof(procs)) < 0 || !procs[0])
		return 0;
	return cerr_set(e, EBUSY, "cgroup `%s` already holds processes (process %.*s...): another "
			"container's? Give this one its own linux.cgroupsPath", d->path,
			(int)strcspn(procs, "\n"), procs);
}

int cgroup_create(struct ctr_cgroup *cg, const char *cgroups_path, const char *id,
		  const char *scope, bool systemd, struct cerr *e)
{
	struct host_cgroup host;
	char               rel[PATH_MAX];
	dev_t              seen_dev[CTR_MAX_HIER];
	ino_t              seen_ino[CTR_MAX_HIER];
	size_t             n_seen = 0;

	memset(cg, 0, sizeof(*cg));
	memset(&host, 0, sizeof(host));
	host_probe_cgroup("", &host);
	if (host.mode == CGROUP_NONE)
		return 0;
	cgroup_rel_path(rel, sizeof(rel), cgroups_path, id, scope, systemd);
	if (strstr(rel, "..") && (strstr(rel, "/../") || strncmp(rel, "../", 3) == 0 ||
				  strcmp(rel, "..") == 0))
		return cerr_set(e, EINVAL, "linux.cgroupsPath `%s` leaves the cgroup tree", rel);

	for (int i = 0; i < host.v1.n && cg->n < CTR_MAX_HIER - 1; i++) {
		struct ctr_cgroup_dir *d = &cg->dir[cg->n];
		struct stat            st;
		char                   mount[PATH_MAX + 64];
		snprintf(mount, sizeof(mount), "%s/%s", host.v1_root, host.v1.item[i]);
		if (stat(mount, &st) < 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n_seen; k++)
			dup |= seen_dev[k] == st.st_dev && seen_ino[k] == st.st_ino;
		if (dup) {
			/* co-mounted (cpu,cpuacct): add the name to the earlier entry */
			for (size_t k = 0; k < cg->n; k++) {
				struct stat s2;
				if (stat(cg->dir[k].mount, &s2) == 0 && s2.st_ino == st.st_ino &&
				    s2.st_dev == st.st_dev) {
					size_t l = strlen(cg->dir[k].ctrls);
					snprintf(cg->dir[k].ctrls + l, sizeof(cg->dir[k].ctrls) - l,
						 ",%s", host.v1.item[i]);
				}
			}
			continue;
		}
		seen_dev[n_seen] = st.st_dev;
		seen_ino[n_seen++] = st.st_ino;
		snprintf(d->mount, sizeof(d->mount), "%s", mount);
		snprintf(d->ctrls, sizeof(d->ctrls), "%s", host.v1.item[i]);
		snprintf(d->path, sizeof(d->path), "%s/%s", mount, rel);
		cg->n++;
	}
	if (host.v2_mount[0]) {
		struct ctr_cgroup_dir *d = &cg->dir[cg->n++];
		d->v2 = true;
		snprintf(d->mount, sizeof(d->mount), "%s", host.v2_mount);
		size_t l = 0;
		for (int i = 0; i < host.v2.n; i++)
			l += (size_t)snprintf(d->ctrls + l, sizeof(d->ctrls) - l, "%s%s", l ? "," : "",
					      host.v2.item[i]);
		snprintf(d->path, sizeof(d->path), "%s/%s", host.v2_mount, rel);
	}
	for (size_t i = 0; i < cg->n; i++) {
		struct ctr_cgroup_dir *d = &cg->dir[i];
		if (mkdir_below(d->mount, rel, &d->created, e) < 0 || cgroup_check_unused(d, e) < 0) {
			struct cerr ignored;
			struct ctr_cgroup part = *cg;
			part.n = i;
			cgroup_destroy(&part, &ignored);
			return -1;
		}
		/* cella/HASH (ids too long for cella/HASH-ID) belongs to all the containers
		 * of one --root: the last one out removes it (rmdir fails while others are in) */
		if (scope && (!cgroups_path || !cgroups_path[0]) && strchr(rel + 6, '/') &&
		    d->created == 1)
			d->created = 2;
		if (!d->v2 && strstr(d->ctrls, "cpuset") && cpuset_fill(d->path, d->mount, e) < 0) {
			struct cerr       ignored;
			struct ctr_cgroup part = *cg;
			part.n = i + 1;
			cgroup_destroy(&part, &ignored);
			return -1;
		}
	}
	return 0;
}

static bool has_ctrl(const char *list, const char *ctrl)
{
	size_t n = strlen(ctrl);
	for (const char *p = list; (p = strstr(p, ctrl)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The hierarchy that holds ctrl: v1 first (on hybrid hosts the v2 tree is nearly empty), or
 * an error naming the missing controller and what the host has. */
static const struct ctr_cgroup_dir *hier_for(const struct ctr_cgroup *cg, const char *ctrl,
					     const char *field, struct cerr *e)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->dir[i].v2 && has_ctrl(cg->dir[i].ctrls, ctrl))
			return &cg->dir[i];
	for (size_t i = 0; i < cg->n; i++)
		if (cg->dir[i].v2 && has_ctrl(cg->dir[i].ctrls, ctrl))
			return &cg->dir[i];
	if (cg->n == 0)
		cerr_set(e, 0, "%s: no cgroup hierarchy is mounted", field);
	else
		cerr_set(e, 0, "%s: the `%s` cgroup controller is not available on this host", field,
			 ctrl);
	return NULL;
}

static int wr(const struct ctr_cgroup_dir *d, const char *file, struct cerr *e, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));

static int wr(const struct ctr_cgroup_dir *d, const char *file, struct cerr *e, const char *fmt, ...)
{
	char    val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return write_at(d->path, file, val, e);
}

static void v2_enable(const struct ctr_cgroup_dir *d, const char *ctrl)
{
	/* Each ancestor below the mount must delegate the controller to its children. */
	char        path[PATH_MAX], val[64];
	struct cerr ignored;
	size_t      base = strlen(d->mount);

	snprintf(val, sizeof(val), "+%s", ctrl);
	for (size_t i = base; d->path[i]; i++) {
		if (d->path[i] != '/')
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)i, d->path);
		write_at(path, "cgroup.subtree_control", val, &ignored);
	}
}

static int apply_devices(const struct ctr_cgroup *cg, const struct oci_resources *r,
			 struct cerr *e)
{
	static const char *const defaults[] = { "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
					       "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
					       "c 136:* rwm" };
	const struct ctr_cgroup_dir *d = NULL;

	for (size_t i = 0; i < cg->n; i++)
		if (!cg->dir[i].v2 && has_ctrl(cg->dir[i].ctrls, "devices"))
			d = &cg->dir[i];
	if (!d) {
		/* v2 has no devices files: the rules become a BPF program on the cgroup */
		for (size_t i = 0; i < cg->n; i++)
			if (cg->dir[i].v2)
				return devices_bpf_attach(cg->dir[i].path, r, defaults,
							  sizeof(defaults) / sizeof(defaults[0]), e);
		return 0;
	}
	return devices_v1_apply(d->path, r, defaults, sizeof(defaults) / sizeof(defaults[0]), e);
}

static const char *max_or(char *buf, int64_t v)
{
	if (v < 0)
		return "max";
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

int cgroup_apply(const struct ctr_cgroup *cg, const struct oci_resources *r, struct cerr *e)
{
	const struct ctr_cgroup_dir *d;
	char                         nb[24];

	if (!r->present)
		return 0;
	if (r->n_devices && apply_devices(cg, r, e) < 0)
		return -1;

	if (r->has_mem_limit || r->has_mem_reservation || r->has_mem_swap ||
	    r->has_mem_swappiness || (r->has_disable_oom_killer && r->disable_oom_killer)) {
		if (!(d = hier_for(cg, "memory", "linux.resources.memory", e)))
			return -1;
		if (d->v2) {
			v2_enable(d, "memory");
			if (r->has_mem_limit && wr(d, "memory.max", e, "%s", max_or(nb, r->mem_limit)) < 0)
				return -1;
			if (r->has_mem_reservation &&
			    wr(d, "memory.low", e, "%" PRId64, r->mem_reservation) < 0)
				return -1;
			if (r->has_mem_swap) {
				int64_t sw = r->mem_swap < 0 ? -1 :
					     r->mem_swap - (r->has_mem_limit ? r->mem_limit : 0);
				if (wr(d, "memory.swap.max", e, "%s", max_or(nb, sw)) < 0)
					return -1;
			}
		} else {
			if (r->has_mem_limit &&
			    wr(d, "memory.limit_in_bytes", e, "%" PRId64, r->mem_limit) < 0)
				return -1;
			if (r->has_mem_reservation &&
			    wr(d, "memory.soft_limit_in_bytes", e, "%" PRId64, r->mem_reservation) < 0)
				return -1;
			if (r->has_mem_swap &&
			    wr(d, "memory.memsw.limit_in_bytes", e, "%" PRId64, r->mem_swap) < 0)
				return -1;
			if (r->has_mem_swappiness &&
			    wr(d, "memory.swappiness", e, "%" PRIu64, r->mem_swappiness) < 0)
				return -1;
			if (r->has_disable_oom_killer && r->disable_oom_killer &&
			    write_at(d->path, "memory.oom_control", "1", e) < 0)
				return -1;
		}
	}
	if (r->has_cpu_shares || r->has_cpu_quota || r->has_cpu_period || r->has_cpu_rt_runtime ||
	    r->has_cpu_rt_period) {
		if (!(d = hier_for(cg, "cpu", "linux.resources.cpu", e)))
			return -1;
		if (d->v2) {
			v2_enable(d, "cpu");
			if (r->has_cpu_shares && r->cpu_shares &&
			    wr(d, "cpu.weight", e, "%" PRIu64,
			       1 + ((r->cpu_shares < 2 ? 0 : r->cpu_shares - 2) * 9999) / 262142) < 0)
				return -1;
			if (r->has_cpu_quota || r->has_cpu_period) {
				uint64_t period = r->has_cpu_period ? r->cpu_period : 100000;
				int      rc     = r->has_cpu_quota && r->cpu_quota > 0
						 ? wr(d, "cpu.max", e, "%" PRId64 " %" PRIu64, r->cpu_quota, period)
						 : wr(d, "cpu.max", e, "max %" PRIu64, period);
				if (rc < 0)
					return -1;
			}
		} else {
			if (r->has_cpu_shares && r->cpu_shares &&
			    wr(d, "cpu.shares", e, "%" PRIu64, r->cpu_shares) < 0)
				return -1;
			if (r->has_cpu_period && r->cpu_period &&
			    wr(d, "cpu.cfs_period_us", e, "%" PRIu64, r->cpu_period) < 0)
				return -1;
			if (r->has_cpu_quota && wr(d, "cpu.cfs_quota_us", e, "%" PRId64, r->cpu_quota) < 0)
				return -1;
			if (r->has_cpu_rt_period && r->cpu_rt_period &&
			    wr(d, "cpu.rt_period_us", e, "%" PRIu64, r->cpu_rt_period) < 0)
				return -1;
			if (r->has_cpu_rt_runtime &&
			    wr(d, "cpu.rt_runtime_us", e, "%" PRId64, r->cpu_rt_runtime) < 0)
				return -1;
		}
	}
	if (r->cpu_cpus || r->cpu_mems) {
		if (!(d = hier_for(cg, "cpuset", "linux.resources.cpu.cpus", e)))
			return -1;
		if (d->v2)
			v2_enable(d, "cpuset");
		if (r->cpu_cpus && write_at(d->path, "cpuset.cpus", r->cpu_cpus, e) < 0)
			return -1;
		if (r->cpu_mems && write_at(d->path, "cpuset.mems", r->cpu_mems, e) < 0)
			return -1;
	}
	if (r->has_pids_limit) {
		if (!(d = hier_for(cg, "pids", "linux.resources.pids", e)))
			return -1;
		if (d->v2)
			v2_enable(d, "pids");
		if (wr(d, "pids.max", e, "%s", max_or(nb, r->pids_limit <= 0 ? -1 : r->pids_limit)) < 0)
			return -1;
	}
	bool bio = r->has_blkio_weight || r->has_blkio_leaf_weight || r->n_blkio_weight_dev;
	for (int k = 0; k < 4; k++)
		bio |= r->n_blkio_throttle[k] > 0;
	if (bio) {
		static const char *const v1thr[4] = { "blkio.throttle.read_bps_device",
						     "blkio.throttle.write_bps_device",
						     "blkio.throttle.read_iops_device",
						     "blkio.throttle.write_iops_device" };
		static const char *const v2thr[4] = { "rbps", "wbps", "riops", "wiops" };
		bool v2;
		if (!(d = hier_for(cg, "blkio", "linux.resources.blockIO", e))) {
			cerr_clear(e);
			if (!(d = hier_for(cg, "io", "linux.resources.blockIO", e)))
				return -1;
		}
		v2 = d->v2;
		if (v2)
			v2_enable(d, "io");
		if (r->has_blkio_weight &&
		    wr(d, v2 ? "io.weight" : "blkio.weight", e, v2 ? "default %u" : "%u",
		       (unsigned)r->blkio_weight) < 0)
			return -1;
		if (r->has_blkio_leaf_weight && !v2 &&
		    wr(d, "blkio.leaf_weight", e, "%u", (unsigned)r->blkio_leaf_weight) < 0)
			return -1;
		for (size_t i = 0; i < r->n_blkio_weight_dev; i++) {
			const struct oci_weight_dev *w = &r->blkio_weight_dev[i];
			if (w->has_weight &&
			    wr(d, v2 ? "io.weight" : "blkio.weight_device", e, "%" PRId64 ":%" PRId64 " %u",
			       w->major, w->minor, (unsigned)w->weight) < 0)
				return -1;
		}
		for (int k = 0; k < 4; k++) {
			for (size_t i = 0; i < r->n_blkio_throttle[k]; i++) {
				const struct oci_throttle_dev *t = &r->blkio_throttle[k][i];
				int rc = v2 ? wr(d, "io.max", e, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
						 t->major, t->minor, v2thr[k], t->rate)
					    : wr(d, v1thr[k], e, "%" PRId64 ":%" PRId64 " %" PRIu64,
						 t->major, t->minor, t->rate);
				if (rc < 0)
					return -1;
			}
		}
	}
	if (r->n_unified) {
		const struct ctr_cgroup_dir *v2d = NULL;
		for (size_t i = 0; i < cg->n; i++)
			if (cg->dir[i].v2)
				v2d = &cg->dir[i];
		if (!v2d)
			return cerr_set(e, 0, "linux.resources.unified: no cgroup v2 hierarchy on this host");
		for (size_t i = 0; i < r->n_unified; i++) {
			char ctrl[64];
			snprintf(ctrl, sizeof(ctrl), "%s", r->unified_keys[i]);
			char *dot = strchr(ctrl, '.');
			if (dot)
				*dot = '\0';
			if (strcmp(ctrl, "cgroup") != 0 && !has_ctrl(v2d->ctrls, ctrl))
				return cerr_set(e, 0,
						"linux.resources.unified.%s: the `%s` controller is "
						"not in the cgroup v2 hierarchy",
						r->unified_keys[i], ctrl);
			v2_enable(v2d, ctrl);
			if (write_at(v2d->path, r->unified_keys[i], r->unified_values[i], e) < 0)
				return -1;
		}
	}
	return 0;
}

int cgroup_enter(const struct ctr_cgroup *cg, pid_t pid, struct cerr *e)
{
	char val[32];

	snprintf(val, sizeof(val), "%d", pid);
	for (size_t i = 0; i < cg->n; i++)
		if (write_at(cg->dir[i].path, "cgroup.procs", val, e) < 0)
			return -1;
	return 0;
}

/* Moving another process takes the global threadgroup lock, which waits for an RCU grace
 * period (milliseconds); a single-threaded process moving itself through v1's `tasks` does
 * not. On v2 the process is cloned straight into its cgroup (CLONE_INTO_CGROUP) instead. */
int cgroup_enter_self(const struct ctr_cgroup *cg, bool v2_done, struct cerr *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		const struct ctr_cgroup_dir *d = &cg->dir[i];
		if (d->v2 && v2_done)
			continue;
		if (write_at(d->path, d->v2 ? "cgroup.procs" : "tasks", "0", e) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v2_fd(const struct ctr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->dir[i].v2)
			return open(cg->dir[i].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return -1;
}

int cgroup_pids(const struct ctr_cgroup *cg, pid_t **out, size_t *n, struct cerr *e)
{
	char path[PATH_MAX + 32];

	*out = NULL;
	*n   = 0;
	if (cg->n == 0)
		return 0;
	/* Any hierarchy holds every process of the container; prefer one with a controller. */
	const struct ctr_cgroup_dir *d = &cg->dir[0];
	for (size_t i = 0; i < cg->n; i++)
		if (has_ctrl(cg->dir[i].ctrls, "pids") || has_ctrl(cg->dir[i].ctrls, "freezer"))
			d = &cg->dir[i];
	snprintf(path, sizeof(path), "%s/cgroup.procs", d->path);
	cleanup_fclose FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return cerr_set(e, errno, "open `%s`", path);
	}
	size_t cap = 0;
	long   pid;
	while (fscanf(f, "%ld", &pid) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			pid_t *bigger = realloc(*out, cap * sizeof(pid_t));
			if (!bigger) {
				free(*out);
				*out = NULL;
				return cerr_set(e, ENOMEM, "read `%s`", path);
			}
			*out = bigger;
		}
		(*out)[(*n)++] = (pid_t)pid;
	}
	return 0;
}

static const struct ctr_cgroup_dir *freezer_dir(const struct ctr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->dir[i].v2 && has_ctrl(cg->dir[i].ctrls, "freezer"))
			return &cg->dir[i];
	for (size_t i = 0; i < cg->n; i++)
		if (cg->dir[i].v2)
			return &cg->dir[i];
	return NULL;
}

/* Has the freezer got where it was asked to go? Both versions freeze asynchronously. */
static bool freezer_settled(const struct ctr_cgroup_dir *d, bool freeze)
{
	char buf[256];

	if (d->v2)
		return read_at(d->path, "cgroup.events", buf, sizeof(buf)) == 0 &&
		       strstr(buf, freeze ? "frozen 1" : "frozen 0");
	return read_at(d->path, "freezer.state", buf, sizeof(buf)) == 0 &&
	       strcmp(buf, freeze ? "FROZEN" : "THAWED") == 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define FREEZE_TIMEOUT_S 10

/* Returns once the processes are all stopped (or running again), so that `state` right
 * after says paused: on a loaded machine freezing takes a while. A v1 freezer can stay
 * FREEZING while the container forks: ask again, and now and then thaw for a moment so the
 * stragglers get scheduled. A freeze that does not finish is undone: half-frozen is worse. */
int cgroup_freeze(const struct ctr_cgroup *cg, bool freeze, struct cerr *e)
{
	const struct ctr_cgroup_dir *d = freezer_dir(cg);
	const char                  *file, *want;
	double                       deadline = now_s() + FREEZE_TIMEOUT_S;

	if (!d)
		return cerr_set(e, 0, "no freezer: neither a v1 freezer nor cgroup v2 is available");
	file = d->v2 ? "cgroup.freeze" : "freezer.state";
	want = d->v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	for (int i = 0;; i++) {
		if (!d->v2 && freeze && i % 50 == 49) {
			struct timespec ts = { 0, 10000000 };
			write_at(d->path, file, "THAWED", e);
			nanosleep(&ts, NULL);
		}
		if ((i == 0 || !d->v2) && write_at(d->path, file, want, e) < 0)
			return -1;
		if (freezer_settled(d, freeze))
			return 0;
		if (now_s() > deadline)
			break;
		struct timespec ts = { 0, i < 100 ? 1000000 : 10000000 };
		nanosleep(&ts, NULL);
	}
	if (freeze) {
		struct cerr ignored;
		write_at(d->path, file, d->v2 ? "0" : "THAWED", &ignored);
	}
	return cerr_set(e, EBUSY, "%s: the container's processes did not all %s within %d s",
			freeze ? "pause" : "resume", freeze ? "stop" : "run again", FREEZE_TIMEOUT_S);
}

/* Asked to freeze (finished or not): `state` says paused, and killing needs a thaw first. */
bool cgroup_frozen(const struct ctr_cgroup *cg)
{
	const struct ctr_cgroup_dir *d = freezer_dir(cg);
	char                         state[64];

	if (!d)
		return false;
	if (d->v2)
		return read_at(d->path, "cgroup.freeze", state, sizeof(state)) == 0 &&
		       strcmp(state, "1") == 0;
	return read_at(d->path, "freezer.state", state, sizeof(state)) == 0 &&
	       (strcmp(state, "FROZEN") == 0 || strcmp(state, "FREEZING") == 0);
}

#define DESTROY_TIMEOUT_S 10

int cgroup_destroy(const struct ctr_cgroup *cg, struct cerr *e)
{
	int    rc       = 0;
	double deadline = now_s() + DESTROY_TIMEOUT_S;

	/* Processes left behind (a container without its own pid namespace): kill them, thawing
	 * first so they can die. Dying takes its time on a loaded machine: wait by the clock,
	 * not by a count of short sleeps. */
	for (int round = 0; now_s() < deadline; round++) {
		pid_t *pids = NULL;
		size_t n    = 0;
		struct cerr ignored;
		if (cgroup_pids(cg, &pids, &n, &ignored) < 0 || n == 0) {
			free(pids);
			break;
		}
		if (round == 0 && cgroup_frozen(cg))
			cgroup_freeze(cg, false, &ignored);
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		free(pids);
		struct timespec ts = { 0, 2000000 };
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < cg->n; i++) {
		const struct ctr_cgroup_dir *d = &cg->dir[i];
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s", d->path);
		for (int k = 0; k < d->created; k++) {
			/* EBUSY: a task that has exited is still being let go of; for the parents
			 * we made, other containers living there */
			while (rmdir(path) < 0) {
				if (errno == ENOENT)
					break;
				if (errno != EBUSY || k > 0 || now_s() > deadline) {
					if (k == 0 && rc == 0)
						rc = cerr_set(e, errno, "cgroup: remove `%s`", path);
					goto next;
				}
				struct timespec ts = { 0, 1000000 };
				nanosleep(&ts, NULL);
			}
			char *slash = strrchr(path, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
next:;
	}
	return rc;
}
