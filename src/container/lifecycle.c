/* The verbs that act on an existing container: start, state, kill, delete, list, ps, pause and
 * resume. Each takes the container's lock, reads its state and looks at its init process. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "container/internal.h"

static const struct {
	const char *name;
	int         sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },     { "QUIT", SIGQUIT },   { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT },   { "IOT", SIGIOT },     { "BUS", SIGBUS },
	{ "FPE", SIGFPE },   { "KILL", SIGKILL },   { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },   { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },   { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO },     { "POLL", SIGPOLL },   { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int ctr_signal_from_name(const char *name)
{
	char *end;

	if (name[0] >= '0' && name[0] <= '9') {
		long n = strtol(name, &end, 10);
		return (*end || n <= 0 || n > SIGRTMAX) ? -1 : (int)n;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(signals[i].name, name) == 0)
			return signals[i].sig;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		long off = 0;
		if (name[5]) {
			off = strtol(name + 5, &end, 10);
			if (*end)
				return -1;
		}
		int s = (strncasecmp(name, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX) + (int)off;
		return (s < SIGRTMIN || s > SIGRTMAX) ? -1 : s;
	}
	return -1;
}

/* Lock and read one container. */
static int open_ctr(const struct ctr_globals *g, const char *id, char *root, size_t root_size,
		    struct ctr_state *st, struct cerr *e)
{
	int dirfd;

	if (state_dir(g, root, root_size, e) < 0)
		return -1;
	dirfd = state_lock(root, id, false, e);
	if (dirfd < 0)
		return -1;
	if (state_read(dirfd, id, st, e) < 0) {
		close(dirfd);
		return -1;
	}
	return dirfd;
}

int ctr_start(const struct ctr_globals *g, const char *id, struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	cleanup_close int dirfd = open_ctr(g, id, root, sizeof(root), &st, e);
	const char       *status;

	if (dirfd < 0)
		return -1;
	status = state_status(dirfd, &st);
	if (strcmp(status, "created") != 0)
		return cerr_set(e, 0, "cannot start container `%s`: it is %s", id, status);
	cleanup_close int fifo = openat(dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return cerr_set(e, errno, "start `%s`: open exec.fifo", id);
	/* The init is blocked opening the other end; it writes one byte and execs. */
	for (;;) {
		struct pollfd p = { .fd = fifo, .events = POLLIN };
		int           n = poll(&p, 1, 100);
		if (n < 0 && errno != EINTR)
			return cerr_set(e, errno, "start `%s`", id);
		if (n > 0) {
			char    b;
			ssize_t r = read(fifo, &b, 1);
			if (r == 1)
				break;
			if (r < 0 && errno == EAGAIN)
				continue;
			return cerr_set(e, 0, "start `%s`: the container init exited", id);
		}
		if (!state_pid_alive(st.pid, st.starttime))
			return cerr_set(e, 0, "start `%s`: the container init exited", id);
	}
	unlinkat(dirfd, "exec.fifo", 0);
	{
		struct oci_config c;
		struct cerr       ce;
		if (oci_config_load(&c, st.bundle, &ce) == 0) {
			if (c.hooks.n[OCI_HOOK_POSTSTART]) {
				char *sj = state_json(&st, "running");
				if (hooks_run(&c.hooks, OCI_HOOK_POSTSTART, sj, &ce) < 0)
					log_warn("%s", ce.msg);
				free(sj);
			}
			oci_config_free(&c);
		}
	}
	return 0;
}

int ctr_state(const struct ctr_globals *g, const char *id, FILE *out, struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	cleanup_close int dirfd = open_ctr(g, id, root, sizeof(root), &st, e);

	if (dirfd < 0)
		return -1;
	char *text = state_json(&st, state_status(dirfd, &st));
	if (!text)
		return cerr_set(e, ENOMEM, "state of `%s`", id);
	fprintf(out, "%s\n", text);
	free(text);
	return 0;
}

int ctr_kill(const struct ctr_globals *g, const char *id, int sig, bool all, struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	cleanup_close int dirfd = open_ctr(g, id, root, sizeof(root), &st, e);

	if (dirfd < 0)
		return -1;
	if (strcmp(state_status(dirfd, &st), "stopped") == 0) {
		if (all)
			return 0;
		return cerr_set(e, 0, "container `%s` is not running", id);
	}
	if (all) {
		pid_t *pids = NULL;
		size_t n    = 0;
		if (cgroup_pids(&st.cg, &pids, &n, e) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			kill(pids[i], sig);
		free(pids);
		if (sig == SIGKILL && cgroup_frozen(&st.cg)) {
			struct cerr ignored;
			cgroup_freeze(&st.cg, false, &ignored);
		}
	}
	if (kill(st.pid, sig) < 0 && !(all && errno == ESRCH))
		return cerr_set(e, errno, "kill `%s`", id);
	return 0;
}

static bool wait_gone(const struct ctr_state *st, int ms)
{
	for (int i = 0; i < ms; i++) {
		if (!state_pid_alive(st->pid, st->starttime))
			return true;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return false;
}

int ctr_delete(const struct ctr_globals *g, const char *id, bool force, struct cerr *e)
{
	return ctr_delete_with(g, id, force, NULL, e);
}

int ctr_delete_with(const struct ctr_globals *g, const char *id, bool force,
		    const struct oci_config *cfg, struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	int               dirfd;
	const char       *status;

	if (state_dir(g, root, sizeof(root), e) < 0)
		return -1;
	dirfd = state_lock(root, id, false, e);
	if (dirfd < 0) {
		if (force && strstr(e->msg, "does not exist"))
			return 0;
		return -1;
	}
	if (state_read(dirfd, id, &st, e) < 0) {
		/* A create that died before its first state (written right after the cgroups
		 * are made): nothing else can be left. */
		close(dirfd);
		if (strstr(e->msg, "does not exist"))
			return state_remove(root, id, e);
		if (force) {
			struct cerr ignored;
			state_remove(root, id, &ignored);
			return 0;
		}
		return -1;
	}
	status = state_status(dirfd, &st);
	if (strcmp(status, "stopped") != 0) {
		if (strcmp(status, "created") != 0 && !force) {
			close(dirfd);
			return cerr_set(e, 0, "container `%s` is %s: stop it first or use --force", id,
					status);
		}
		if (cgroup_frozen(&st.cg)) {
			struct cerr ignored;
			cgroup_freeze(&st.cg, false, &ignored);
		}
		kill(st.pid, SIGKILL);
		if (!wait_gone(&st, 5000)) {
			close(dirfd);
			return cerr_set(e, 0, "container `%s`: init %d did not die", id, st.pid);
		}
	}
	int rc = cgroup_destroy(&st.cg, e);
	{
		struct oci_config c;
		struct cerr       ce;
		bool              loaded = false;
		if (!cfg && oci_config_load(&c, st.bundle, &ce) == 0) {
			cfg    = &c;
			loaded = true;
		}
		if (cfg && cfg->hooks.n[OCI_HOOK_POSTSTOP]) {
			char *sj = state_json(&st, "stopped");
			if (hooks_run(&cfg->hooks, OCI_HOOK_POSTSTOP, sj, &ce) < 0)
				log_warn("%s", ce.msg);
			free(sj);
		}
		if (loaded)
			oci_config_free(&c);
	}
	struct cerr re;
	if (state_remove(root, id, &re) < 0 && rc == 0) {
		*e = re;
		rc = -1;
	}
	close(dirfd);
	return rc;
}

int ctr_list(const struct ctr_globals *g, enum ctr_format f, FILE *out, struct cerr *e)
{
	char                 root[PATH_MAX];
	cleanup_closedir DIR *d = NULL;
	struct dirent       *de;
	json_t              *arr = json_array();

	if (state_dir(g, root, sizeof(root), e) < 0) {
		json_decref(arr);
		return -1;
	}
	d = opendir(root);
	if (!d) {
		json_decref(arr);
		return cerr_set(e, errno, "open `%s`", root);
	}
	/* The ID column fits the longest id (podman's are 64 hex digits): each entry is named
	 * by its container's id. */
	int id_width = 20;
	if (f == CTR_TABLE) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.' && (int)strlen(de->d_name) > id_width)
				id_width = (int)strlen(de->d_name);
		rewinddir(d);
		fprintf(out, "%-*s %-8s %-10s %-40s %-20s %s\n", id_width, "ID", "PID", "STATUS",
			"BUNDLE", "CREATED", "OWNER");
	}
	while ((de = readdir(d))) {
		char             path[PATH_MAX + 256];
		struct ctr_state st;
		struct cerr      ignored;
		struct stat      sb;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (state_read(dfd, de->d_name, &st, &ignored) < 0) {
			close(dfd);
			continue;
		}
		const char    *status = state_status(dfd, &st);
		/* No process yet: a create holding the lock is under way; one that died is
		 * stopped (and delete removes it). */
		if (st.pid == 0 && flock(dfd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
			status = "creating";
		struct passwd *pw     = fstat(dfd, &sb) == 0 ? getpwuid(sb.st_uid) : NULL;
		const char    *owner  = pw ? pw->pw_name : "?";
		close(dfd);
		pid_t pid = strcmp(status, "stopped") == 0 ? 0 : st.pid;
		if (f == CTR_QUIET)
			fprintf(out, "%s\n", st.id);
		else if (f == CTR_TABLE)
			fprintf(out, "%-*s %-8d %-10s %-40s %-20s %s\n", id_width, st.id, pid, status,
				st.bundle, st.created, owner);
		else
			json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s}",
							     "id", st.id, "pid", pid, "status", status,
							     "bundle", st.bundle, "rootfs", st.rootfs,
							     "created", st.created, "owner", owner));
	}
	if (f == CTR_JSON) {
		char *text = json_dumps(arr, JSON_COMPACT);
		fprintf(out, "%s\n", text ? text : "[]");
		free(text);
	}
	json_decref(arr);
	return 0;
}

int ctr_ps(const struct ctr_globals *g, const char *id, enum ctr_format f, FILE *out,
	   struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	cleanup_close int dirfd = open_ctr(g, id, root, sizeof(root), &st, e);
	pid_t            *pids = NULL;
	size_t            n = 0;

	if (dirfd < 0)
		return -1;
	if (cgroup_pids(&st.cg, &pids, &n, e) < 0)
		return -1;
	if (f == CTR_JSON) {
		fputc('[', out);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s%d", i ? "," : "", pids[i]);
		fputs("]\n", out);
	} else {
		fprintf(out, "%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			char path[64], cmd[256] = "";
			snprintf(path, sizeof(path), "/proc/%d/cmdline", pids[i]);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				ssize_t r = read(fd, cmd, sizeof(cmd) - 1);
				close(fd);
				for (ssize_t k = 0; k < r - 1; k++)
					if (!cmd[k])
						cmd[k] = ' ';
				cmd[r > 0 ? r : 0] = '\0';
			}
			fprintf(out, "%-8d %s\n", pids[i], cmd);
		}
	}
	free(pids);
	return 0;
}

int ctr_pause(const struct ctr_globals *g, const char *id, bool pause, struct cerr *e)
{
	char              root[PATH_MAX];
	struct ctr_state  st;
	cleanup_close int dirfd = open_ctr(g, id, root, sizeof(root), &st, e);

	if (dirfd < 0)
		return -1;
	const char *status = state_status(dirfd, &st);
	if (pause && strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
		return cerr_set(e, 0, "cannot pause container `%s`: it is %s", id, status);
	if (!pause && strcmp(status, "paused") != 0)
		return cerr_set(e, 0, "cannot resume container `%s`: it is %s", id, status);
	return cgroup_freeze(&st.cg, pause, e);
}
