/* The container's filesystem, set up by its init inside the new mount namespace: the rootfs
 * bind, the mounts of config.json (every destination resolved inside the rootfs with
 * openat2(RESOLVE_IN_ROOT), so symlinks cannot lead out), device nodes, /dev/console,
 * pivot_root, then masked and read-only paths and sysctls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"

static int openat2_in(int rootfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {
		.flags   = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = resolve,
	};
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

int rootfs_open_in(int rootfd, const char *path, int flags, struct cerr *e)
{
	int fd = openat2_in(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return cerr_set(e, errno, "open `%s` in the rootfs", path);
	return fd;
}

/* The common case of mkpath_depth: only the last component is missing. Make it in its
 * parent (resolved inside the rootfs like every other step) and open it; -1 when that is
 * not the case, for the walk below to handle. */
static int mkpath_leaf(int rootfd, const char *path, bool want_file, unsigned long long resolve)
{
	char   buf[PATH_MAX];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", path);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash || !slash[1])
		return -1;
	*slash = '\0';
	cleanup_close int pfd = openat2_in(rootfd, buf, O_PATH | O_DIRECTORY, resolve);
	if (pfd < 0)
		return -1;
	int rc = want_file ? mknodat(pfd, slash + 1, S_IFREG | 0644, 0) : mkdirat(pfd, slash + 1, 0755);
	if (rc < 0)
		return -1;
	*slash = '/';
	return openat2_in(rootfd, buf, O_PATH, resolve);
}

/* Open (O_PATH) path inside the rootfs, creating missing directories, and the last
 * component as an empty file when want_file. */
static int mkpath_depth(int rootfd, const char *path, bool want_file, unsigned long long resolve,
			int depth, struct cerr *e)
{
	char   buf[PATH_MAX];
	int    fd = openat2_in(rootfd, path, O_PATH, resolve);
	size_t len;

	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0 && errno == ELOOP && (resolve & RESOLVE_NO_SYMLINKS))
			return cerr_set(e, ELOOP, "mount destination `%s` is a symlink in the rootfs: refused",
					path);
		if (fd < 0)
			return cerr_set(e, errno, "mount destination `%s`", path);
		return fd;
	}
	fd = mkpath_leaf(rootfd, path, want_file, resolve);
	if (fd >= 0)
		return fd;
	snprintf(buf, sizeof(buf), "%s", path);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;
		char saved = buf[i];
		buf[i] = '\0';
		fd = openat2_in(rootfd, buf, O_PATH, resolve);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(buf, '/');
			char  parent[PATH_MAX];
			snprintf(parent, sizeof(parent), "%.*s", (int)(slash - buf), buf);
			cleanup_close int pfd = openat2_in(rootfd, parent, O_PATH | O_DIRECTORY, resolve);
			if (pfd < 0)
				return cerr_set(e, errno, "mount destination `%s`", parent[0] ? parent : "/");
			int rc = (saved == '\0' && want_file) ? mknodat(pfd, slash + 1, S_IFREG | 0644, 0)
							       : mkdirat(pfd, slash + 1, 0755);
			if (rc < 0 && errno != EEXIST)
				return cerr_set(e, errno, "create `%s` in the rootfs", buf);
			fd = openat2_in(rootfd, buf, O_PATH, resolve);
			if (fd < 0 && errno == ENOENT && depth < 40) {
				/* A dangling symlink: create what it names, inside the rootfs. */
				char    link[PATH_MAX], next[PATH_MAX * 2 + 2];
				ssize_t l = readlinkat(pfd, slash + 1, link, sizeof(link) - 1);
				if (l > 0) {
					link[l] = '\0';
					if (link[0] == '/')
						snprintf(next, sizeof(next), "%s%s%s", link, saved ? "/" : "",
							 saved ? buf + i + 1 : "");
					else
						snprintf(next, sizeof(next), "%s/%s%s%s", parent, link,
							 saved ? "/" : "", saved ? buf + i + 1 : "");
					return mkpath_depth(rootfd, next, want_file, resolve, depth + 1, e);
				}
			}
		}
		if (fd < 0)
			return cerr_set(e, errno, "mount destination `%s`", buf);
		buf[i] = saved;
		if (saved != '\0')
			close(fd);
		else
			return fd;
	}
	return cerr_set(e, EINVAL, "mount destination `%s`", path);
}

static int mkpath_in(int rootfd, const char *path, bool want_file, unsigned long long resolve,
		     struct cerr *e)
{
	return mkpath_depth(rootfd, path, want_file, resolve, 0, e);
}

static void fdpath(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

static unsigned long long attr_of(unsigned long flags)
{
	unsigned long long a = 0;

	if (flags & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	if (flags & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	return a;
}

/* Clone the tree at (dfd, path), apply flags, and attach it on target. */
static int bind_tree(int dfd, const char *path, int target, unsigned long flags,
		     unsigned long propagation, const char *what, struct cerr *e)
{
	bool  rec = flags & MS_REC;
	unsigned int of = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0);
	if (!path[0])
		of |= AT_EMPTY_PATH;
	cleanup_close int tree = open_tree(dfd, path, of);
	if (tree < 0)
		return cerr_set(e, errno, "bind mount `%s`", what);
	struct mount_attr attr = { .attr_set = attr_of(flags) };
	if (flags & MS_RDONLY)
		attr.attr_clr = 0;
	if (propagation)
		attr.propagation = propagation & ~(unsigned long)MS_REC;
	if ((attr.attr_set || attr.propagation) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return cerr_set(e, errno, "set options of bind mount `%s`", what);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cerr_set(e, errno, "attach bind mount `%s`", what);
	return 0;
}

static bool is_type(const struct oci_mount *m, const char *t)
{
	return m->type && strcmp(m->type, t) == 0;
}

/* cgroup v1 (and hybrid): a tmpfs with the container's own directory of each hierarchy. */
static int mount_cgroup_v1(struct rootfs_ctx *r, int rootfd, const struct oci_mount *m,
			   int target, struct cerr *e)
{
	char              p[64];
	cleanup_close int top = -1;

	fdpath(p, sizeof(p), target);
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return cerr_set(e, errno, "mount tmpfs on `%s`", m->destination);
	for (size_t i = 0; r->cg && i < r->cg->n; i++) {
		const struct ctr_cgroup_dir *d = &r->cg->dir[i];
		char sub[PATH_MAX];
		const char *name = d->v2 ? "unified" : d->ctrls;
		snprintf(sub, sizeof(sub), "%s/%s", m->destination, name);
		cleanup_close int t = mkpath_in(rootfd, sub, false, RESOLVE_IN_ROOT, e);
		if (t < 0)
			return -1;
		if (bind_tree(AT_FDCWD, d->path, t, MS_BIND | (m->flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
			      0, d->path, e) < 0)
			return -1;
	}
	if (m->flags & MS_RDONLY) {
		top = openat2_in(rootfd, m->destination, O_PATH, RESOLVE_IN_ROOT);
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (top >= 0)
			mount_setattr(top, "", AT_EMPTY_PATH, &attr, sizeof(attr));
	}
	return 0;
}

static int mount_one(struct rootfs_ctx *r, int rootfd, const struct oci_mount *m, struct cerr *e)
{
	char              p[64];
	cleanup_close int target = -1;

	if (m->bind) {
		struct stat st;
		if (stat(m->source, &st) < 0)
			return cerr_set(e, errno, "bind mount source `%s`", m->source);
		target = mkpath_in(rootfd, m->destination, !S_ISDIR(st.st_mode), RESOLVE_IN_ROOT, e);
		if (target < 0)
			return -1;
		return bind_tree(AT_FDCWD, m->source, target, m->flags, m->propagation, m->destination, e);
	}
	/* procfs and sysfs must land where they are named: a symlink there is refused. */
	unsigned long long resolve = RESOLVE_IN_ROOT;
	if (is_type(m, "proc") || is_type(m, "sysfs"))
		resolve |= RESOLVE_NO_SYMLINKS;
	target = mkpath_in(rootfd, m->destination, false, resolve, e);
	if (target < 0)
		return -1;
	if (is_type(m, "cgroup") && r->cg && !(r->cg->n == 1 && r->cg->dir[0].v2))
		return mount_cgroup_v1(r, rootfd, m, target, e);
	const char *type = is_type(m, "cgroup") ? "cgroup2" : m->type;
	if (strcmp(type, "cgroup2") == 0 && r->cg && r->cg->n && !r->new_cgroupns) {
		/* Without a cgroup namespace the whole tree would show: bind our own part. */
		const struct ctr_cgroup_dir *d = &r->cg->dir[r->cg->n - 1];
		return bind_tree(AT_FDCWD, d->path, target, MS_BIND | m->flags, 0, d->path, e);
	}
	fdpath(p, sizeof(p), target);
	unsigned long flags = m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	if (mount(m->source ? m->source : type, p, type, flags, m->data[0] ? m->data : NULL) < 0) {
		/* sysfs cannot be mounted in a user namespace without its own network namespace:
		 * fall back to a read-only bind of the host's. */
		if (errno == EPERM && strcmp(type, "sysfs") == 0 && r->userns)
			return bind_tree(AT_FDCWD, "/sys", target, MS_BIND | MS_REC | MS_RDONLY, 0, "/sys", e);
		return cerr_set(e, errno, "mount %s on `%s`", type, m->destination);
	}
	if (m->propagation) {
		cleanup_close int top = openat2_in(rootfd, m->destination, O_PATH, RESOLVE_IN_ROOT);
		if (top < 0)
			return cerr_set(e, errno, "reopen `%s`", m->destination);
		fdpath(p, sizeof(p), top);
		if (mount(NULL, p, NULL, m->propagation, NULL) < 0)
			return cerr_set(e, errno, "set propagation of `%s`", m->destination);
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned    major, minor;
} default_devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

/* Make the device node path, which is name in the directory dfd. set_owner says whether
 * uid:gid 0:0 must be set too: a node root makes in a directory that is not set-group-ID
 * has that owner already. */
static int make_node(struct rootfs_ctx *r, int dfd, const char *name, const char *path,
		     mode_t type, dev_t dev, mode_t mode, uid_t uid, gid_t gid, bool set_owner,
		     struct cerr *e)
{
	int rc = -1;

	if (!r->userns) {
		rc = mknodat(dfd, name, type | mode, dev);
		if (rc < 0 && errno == EEXIST) {
			unlinkat(dfd, name, 0);
			rc = mknodat(dfd, name, type | mode, dev);
		}
	}
	if (rc == 0) {
		if ((set_owner || uid || gid) && fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			return cerr_set(e, errno, "chown device `%s`", path);
		return 0;
	}
	if (!r->userns && errno != EPERM)
		return cerr_set(e, errno, "create device `%s`", path);
	unlinkat(dfd, name, 0);
	/* In a user namespace mknod is refused: bind the host's node instead. */
	if (mknodat(dfd, name, S_IFREG | 0644, 0) < 0)
		return cerr_set(e, errno, "create `%s`", path);
	cleanup_close int t = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0)
		return cerr_set(e, errno, "open `%s`", path);
	return bind_tree(AT_FDCWD, path, t, MS_BIND, 0, path, e);
}

static int make_device(struct rootfs_ctx *r, int rootfd, const char *path, mode_t type,
		       dev_t dev, mode_t mode, uid_t uid, gid_t gid, struct cerr *e)
{
	char   parent[PATH_MAX];
	const char *slash = strrchr(path, '/');

	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	cleanup_close int pfd = mkpath_in(rootfd, parent[0] ? parent : "/", false, RESOLVE_IN_ROOT, e);
	if (pfd < 0)
		return -1;
	cleanup_close int dfd = -1;
	{
		char p[64];
		fdpath(p, sizeof(p), pfd);
		dfd = open(p, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (dfd < 0)
			return cerr_set(e, errno, "open `%s`", parent);
	}
	return make_node(r, dfd, slash + 1, path, type, dev, mode, uid, gid, true, e);
}

static bool dev_is_bound(const struct oci_config *c)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (strcmp(c->mounts[i].destination, "/dev") == 0 && c->mounts[i].bind)
			return true;
	return false;
}

static int setup_dev(struct rootfs_ctx *r, int rootfd, struct cerr *e)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },     { "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
		{ "pts/ptmx", "/dev/ptmx" },
	};
	const struct oci_config *c = r->cfg;

	if (dev_is_bound(c))
		return 0;
	cleanup_close int devfd = -1;
	struct stat       ds;
	{
		cleanup_close int dp = mkpath_in(rootfd, "/dev", false, RESOLVE_IN_ROOT, e);
		char p[64];
		if (dp < 0)
			return -1;
		fdpath(p, sizeof(p), dp);
		devfd = open(p, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (devfd < 0 || fstat(devfd, &ds) < 0)
			return cerr_set(e, errno, "open /dev in the rootfs");
	}
	bool set_owner = (ds.st_mode & S_ISGID) || geteuid() != 0 || getegid() != 0;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		const char *name = default_devices[i].name;
		bool        given = false;
		for (size_t k = 0; k < c->n_devices; k++)
			given |= strcmp(c->devices[k].path, name) == 0;
		if (!given && make_node(r, devfd, name + 5, name, S_IFCHR,
					makedev(default_devices[i].major, default_devices[i].minor),
					0666, 0, 0, set_owner, e) < 0)
			return -1;
	}
	for (size_t k = 0; k < c->n_devices; k++) {
		const struct oci_device *d = &c->devices[k];
		mode_t t = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
		if (make_device(r, rootfd, d->path, t, makedev((unsigned)d->major, (unsigned)d->minor),
				d->has_mode ? d->file_mode & 07777 : 0666, d->has_uid ? d->uid : 0,
				d->has_gid ? d->gid : 0, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const char *name = links[i][1] + 5;
		if (symlinkat(links[i][0], devfd, name) == 0)
			continue;
		/* one the rootfs has stays, except ptmx: it must be the new devpts' */
		if (errno == EEXIST && strcmp(name, "ptmx") != 0)
			continue;
		unlinkat(devfd, name, 0);
		if (symlinkat(links[i][0], devfd, name) < 0)
			return cerr_set(e, errno, "create symlink `%s`", links[i][1]);
	}
	if (r->console_fd >= 0) {
		/* The terminal is /dev/console, set up before any masking. */
		char src[64];
		if (mknodat(devfd, "console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
			return cerr_set(e, errno, "create /dev/console");
		cleanup_close int t = openat(devfd, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (t < 0)
			return cerr_set(e, errno, "open /dev/console");
		fdpath(src, sizeof(src), r->console_fd);
		char dst[64];
		fdpath(dst, sizeof(dst), t);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return cerr_set(e, errno, "bind the terminal on /dev/console");
	}
	return 0;
}

static int do_pivot(struct rootfs_ctx *r, int rootfd, struct cerr *e)
{
	if (fchdir(rootfd) < 0)
		return cerr_set(e, errno, "chdir to the rootfs");
	if (r->no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return cerr_set(e, errno, "move the rootfs to /");
		if (chroot(".") < 0)
			return cerr_set(e, errno, "chroot");
	} else {
		if (syscall(SYS_pivot_root, ".", ".") < 0)
			return cerr_set(e, errno, "pivot_root to `%s`", r->rootfs);
		/* The old root is stacked under the new one: detach it without telling the host. */
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return cerr_set(e, errno, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return cerr_set(e, errno, "detach the old root");
	}
	if (chdir("/") < 0)
		return cerr_set(e, errno, "chdir /");
	return 0;
}

int rootfs_setup(struct rootfs_ctx *r, struct cerr *e)
{
	const struct oci_config *c = r->cfg;
	unsigned long prop = c->rootfs_propagation ? c->rootfs_propagation : MS_SLAVE | MS_REC;

	/* Nothing we mount may travel back to the host. */
	if (mount(NULL, "/", NULL, (prop & (MS_SHARED)) ? MS_SLAVE | MS_REC : prop, NULL) < 0)
		return cerr_set(e, errno, "set the propagation of /");
	if (mount(r->rootfs, r->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cerr_set(e, errno, "bind the rootfs `%s`", r->rootfs);
	cleanup_close int rootfd = open(r->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cerr_set(e, errno, "open the rootfs `%s`", r->rootfs);
	r->rootfd = rootfd;
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (mount_one(r, rootfd, &c->mounts[i], e) < 0)
			return cerr_wrap(e, "mounts[%zu]", i);
	}
	if (r->want_console && r->make_console && r->make_console(r, e) < 0)
		return -1;
	if (setup_dev(r, rootfd, e) < 0)
		return -1;
	if (r->before_pivot && r->before_pivot(r, e) < 0)
		return -1;
	if (c->rootfs_propagation & MS_SHARED) {
		if (mount(NULL, r->rootfs, NULL, MS_SHARED | MS_REC, NULL) < 0)
			return cerr_set(e, errno, "make the rootfs shared");
	}
	r->rootfd = -1;
	return do_pivot(r, rootfd, e);
}

/* A file under /proc that we write must really be procfs, not something mounted over it. */
static int write_proc(const char *path, const char *val, struct cerr *e)
{
	struct statfs     sfs;
	cleanup_close int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return cerr_set(e, errno, "open `%s`", path);
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return cerr_set(e, EPERM, "`%s` is not on procfs: refused", path);
	if (write(fd, val, strlen(val)) < 0)
		return cerr_set(e, errno, "write `%s`", path);
	return 0;
}

static int mask_paths(const struct oci_config *c, struct cerr *e)
{
	struct stat       st;
	cleanup_close int null = -1;

	if (!c->n_masked_paths)
		return 0;
	/* /dev/null is ours (made above), but check it: a swapped node would unmask. */
	null = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (null < 0 || fstat(null, &st) < 0)
		return cerr_set(e, errno, "open /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return cerr_set(e, EPERM, "/dev/null is not the null device: refusing to mask with it");
	for (size_t i = 0; i < c->n_masked_paths; i++) {
		const char *p = c->masked_paths[i];
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return cerr_set(e, errno, "masked path `%s`", p);
		}
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) < 0)
				return cerr_set(e, errno, "mask `%s`", p);
			continue;
		}
		cleanup_close int tree = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (tree < 0 || move_mount(tree, "", AT_FDCWD, p, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return cerr_set(e, errno, "mask `%s`", p);
	}
	return 0;
}

static int readonly_paths(const struct oci_config *c, struct cerr *e)
{
	for (size_t i = 0; i < c->n_readonly_paths; i++) {
		const char       *p = c->readonly_paths[i];
		cleanup_close int t = open(p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (t < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return cerr_set(e, errno, "read-only path `%s`", p);
		}
		struct cerr sub;
		if (bind_tree(t, "", t, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0,
			      p, &sub) < 0) {
			*e = sub;
			return -1;
		}
	}
	return 0;
}

int rootfs_finish(struct rootfs_ctx *r, struct cerr *e)
{
	const struct oci_config *c = r->cfg;

	/* sysctls first: /proc/sys is usually among the read-only paths. */
	for (size_t i = 0; i < c->n_sysctl; i++) {
		char path[PATH_MAX];
		int  n = snprintf(path, sizeof(path), "/proc/sys/%s", c->sysctl[i].key);
		for (int k = 10; k < n; k++)
			if (path[k] == '.')
				path[k] = '/';
		if (write_proc(path, c->sysctl[i].value, e) < 0)
			return cerr_wrap(e, "linux.sysctl.%s", c->sysctl[i].key);
	}
	if (mask_paths(c, e) < 0 || readonly_paths(c, e) < 0)
		return -1;
	if (c->root_readonly) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
			return cerr_set(e, errno, "make the root read-only");
	}
	return 0;
}
