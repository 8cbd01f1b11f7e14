/* Container state on disk: ROOT/ID/state.json written atomically (temp file + rename), a lock
 * per container (flock on its directory), and the status as seen now from the init process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"

int state_dir(const struct ctr_globals *g, char *buf, size_t size, struct cerr *e)
{
	const char *xdg;

	if (g && g->root && g->root[0]) {
		snprintf(buf, size, "%s", g->root);
	} else if (geteuid() != 0 && (xdg = getenv("XDG_RUNTIME_DIR")) && xdg[0]) {
		snprintf(buf, size, "%s/cella", xdg);
	} else {
		snprintf(buf, size, "/run/cella");
	}
	if (mkdir(buf, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return cerr_set(e, errno, "create state directory `%s`", buf);
	/* Clients pass paths like /run/containerd/runc/NAMESPACE: make the parents too. */
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(buf, 0711);
		*p = '/';
		if (rc < 0 && errno != EEXIST)
			return cerr_set(e, errno, "create state directory `%s`", buf);
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return cerr_set(e, errno, "create state directory `%s`", buf);
	return 0;
}

int state_check_id(const char *id, struct cerr *e)
{
	size_t n = strlen(id);

	if (n == 0 || n >= CTR_ID_MAX)
		return cerr_usage(e, "invalid container id `%s`: must be 1 to %d characters", id,
				  CTR_ID_MAX - 1);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
	    id[strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.")])
		return cerr_usage(e, "invalid container id `%s`: use letters, digits, _ + - .", id);
	return 0;
}

int state_lock(const char *root, const char *id, bool create, struct cerr *e)
{
	char path[PATH_MAX];
	int  fd;

	if (state_check_id(id, e) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", root, id);
	if (create && mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return cerr_set(e, 0, "container `%s` already exists", id);
		return cerr_set(e, errno, "create `%s`", path);
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cerr_set(e, 0, "container `%s` does not exist", id);
		return cerr_set(e, errno, "open `%s`", path);
	}
	if (flock(fd, LOCK_EX) < 0) {
		int err = errno;
		close(fd);
		return cerr_set(e, err, "lock `%s`", path);
	}
	/* Deleted by whoever held the lock before us? */
	if (!create && faccessat(fd, ".", F_OK, 0) == 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
			close(fd);
			return cerr_set(e, 0, "container `%s` does not exist", id);
		}
	}
	return fd;
}

int write_file_atomic(int dirfd, const char *name, const char *text, struct cerr *e)
{
	char tmp[300];
	int  fd;
	size_t len = strlen(text), off = 0;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cerr_set(e, errno, "write `%s`", name);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0) {
			int err = errno;
			close(fd);
			unlinkat(dirfd, tmp, 0);
			return cerr_set(e, err, "write `%s`", name);
		}
		off += (size_t)w;
	}
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int err = errno;
		unlinkat(dirfd, tmp, 0);
		return cerr_set(e, err, "rename `%s`", name);
	}
	return 0;
}

int state_write(int dirfd, const struct ctr_state *st, struct cerr *e)
{
	json_t *doc = json_object(), *cgs = json_array();

	for (size_t i = 0; i < st->cg.n; i++) {
		const struct ctr_cgroup_dir *d = &st->cg.dir[i];
		json_array_append_new(cgs, json_pack("{s:s, s:s, s:s, s:b, s:i}", "path", d->path,
						     "mount", d->mount, "controllers", d->ctrls,
						     "v2", d->v2, "created", d->created));
	}
	json_object_set_new(doc, "id", json_string(st->id));
	json_object_set_new(doc, "pid", json_integer(st->pid));
	json_object_set_new(doc, "starttime", json_integer((json_int_t)st->starttime));
	json_object_set_new(doc, "bundle", json_string(st->bundle));
	json_object_set_new(doc, "rootfs", json_string(st->rootfs));
	json_object_set_new(doc, "created", json_string(st->created));
	json_object_set_new(doc, "cgroups", cgs);
	if (st->annotations[0])
		json_object_set_new(doc, "annotations", json_loads(st->annotations, 0, NULL));
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!text)
		return cerr_set(e, ENOMEM, "state of `%s`", st->id);
	int rc = write_file_atomic(dirfd, "state.json", text, e);
	free(text);
	return rc;
}

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int state_read(int dirfd, const char *id, struct ctr_state *st, struct cerr *e)
{
	int          fd = openat(dirfd, "state.json", O_RDONLY | O_CLOEXEC);
	json_error_t jerr;
	json_t      *doc, *cgs;

	memset(st, 0, sizeof(*st));
	if (fd < 0) {
		if (errno == ENOENT)
			return cerr_set(e, 0, "container `%s` does not exist", id);
		return cerr_set(e, errno, "read state of `%s`", id);
	}
	{
		/* One read: json_loadfd reads a byte per syscall. */
		static char buf[65536];
		ssize_t n = read(fd, buf, sizeof(buf));
		close(fd);
		doc = n > 0 && n < (ssize_t)sizeof(buf) ? json_loadb(buf, (size_t)n, 0, &jerr) : NULL;
	}
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		return cerr_set(e, EINVAL, "state of `%s` is corrupt", id);
	}
	copy_str(st->id, sizeof(st->id), json_object_get(doc, "id"));
	st->pid       = (pid_t)json_integer_value(json_object_get(doc, "pid"));
	st->starttime = (unsigned long long)json_integer_value(json_object_get(doc, "starttime"));
	copy_str(st->bundle, sizeof(st->bundle), json_object_get(doc, "bundle"));
	copy_str(st->rootfs, sizeof(st->rootfs), json_object_get(doc, "rootfs"));
	copy_str(st->created, sizeof(st->created), json_object_get(doc, "created"));
	cgs = json_object_get(doc, "cgroups");
	for (size_t i = 0; i < json_array_size(cgs) && i < CTR_MAX_HIER; i++) {
		json_t                *c = json_array_get(cgs, i);
		struct ctr_cgroup_dir *d = &st->cg.dir[st->cg.n++];
		copy_str(d->path, sizeof(d->path), json_object_get(c, "path"));
		copy_str(d->mount, sizeof(d->mount), json_object_get(c, "mount"));
		copy_str(d->ctrls, sizeof(d->ctrls), json_object_get(c, "controllers"));
		d->v2      = json_is_true(json_object_get(c, "v2"));
		d->created = (int)json_integer_value(json_object_get(c, "created"));
	}
	if (json_is_object(json_object_get(doc, "annotations")))
		state_set_annotations(st, doc);
	json_decref(doc);
	return 0;
}

unsigned long long state_starttime(pid_t pid)
{
	char    path[64], buf[1024];
	ssize_t n;
	int     fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	char state = p[2];
	if (state == 'Z' || state == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool state_pid_alive(pid_t pid, unsigned long long starttime)
{
	if (pid <= 0)
		return false;
	unsigned long long now = state_starttime(pid);
	return now != 0 && now == starttime;
}

const char *state_status(int dirfd, const struct ctr_state *st)
{
	if (!state_pid_alive(st->pid, st->starttime))
		return "stopped";
	if (faccessat(dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	if (cgroup_frozen(&st->cg))
		return "paused";
	return "running";
}

void state_set_annotations(struct ctr_state *st, const void *config_json)
{
	json_t *a    = json_object_get(config_json, "annotations");
	char   *text = json_is_object(a) ? json_dumps(a, JSON_COMPACT) : NULL;

	st->annotations[0] = '\0';
	if (!json_is_object(a))
		snprintf(st->annotations, sizeof(st->annotations), "{}");
	else if (text && strlen(text) < sizeof(st->annotations))
		memcpy(st->annotations, text, strlen(text) + 1);
	free(text);
}

/* Annotations too big to keep in the state (or a state written before they were kept):
 * read from the bundle's config when the state is shown; a config that is gone gives none. */
static json_t *bundle_annotations(const char *bundle)
{
	char    path[PATH_MAX + 16];
	json_t *cfg, *a;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	cfg = json_load_file(path, 0, NULL);
	a   = cfg ? json_object_get(cfg, "annotations") : NULL;
	a   = json_is_object(a) ? json_incref(a) : json_object();
	json_decref(cfg);
	return a;
}

char *state_json(const struct ctr_state *st, const char *status)
{
	json_t *doc = json_object();

	json_object_set_new(doc, "ociVersion", json_string("1.0.2"));
	json_object_set_new(doc, "id", json_string(st->id));
	json_object_set_new(doc, "status", json_string(status));
	if (strcmp(status, "stopped") != 0)
		json_object_set_new(doc, "pid", json_integer(st->pid));
	else
		json_object_set_new(doc, "pid", json_integer(0));
	json_object_set_new(doc, "bundle", json_string(st->bundle));
	json_object_set_new(doc, "rootfs", json_string(st->rootfs));
	json_object_set_new(doc, "created", json_string(st->created));
	json_t *a = st->annotations[0] ? json_loads(st->annotations, 0, NULL) : NULL;
	json_object_set_new(doc, "annotations", json_is_object(a) ? a : bundle_annotations(st->bundle));
	if (a && !json_is_object(a))
		json_decref(a);
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return text;
}

int state_remove(const char *root, const char *id, struct cerr *e)
{
	static const char *const files[] = { "state.json", "exec.fifo", ".state.json.tmp" };
	char path[PATH_MAX];
	int  dfd;

	snprintf(path, sizeof(path), "%s/%s", root, id);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			unlinkat(dfd, files[i], 0);
		close(dfd);
	}
	if (rmdir(path) < 0 && errno != ENOENT)
		return cerr_set(e, errno, "remove `%s`", path);
	return 0;
}
