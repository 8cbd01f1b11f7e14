/* `create` and `run`: the runc model. The runtime clones the container's init with the new
 * namespaces; the init waits for the uid maps and cgroups, builds the rootfs, pivots, reports
 * ready over a socketpair, and then blocks opening exec.fifo until `start` opens the other
 * end (or, for `run`, until the runtime says go), and execs process.args. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#include "base/cleanup.h"
#include "base/log.h"
#include "container/internal.h"

/* --debug shows where the time of create/run goes. */
static double step_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#define STEP(what) log_debug("%8.3f ms  %s", step_ms(), what)

struct init_args {
	const struct oci_config *cfg;
	struct rootfs_ctx        rctx;
	int                      sync;          /* the init's end */
	int                      fifo;          /* O_PATH of exec.fifo, -1 for run */
	int                      procfd;        /* the host's /proc, to reopen the fifo */
	int                      console_sock;
	int                      state_fd;      /* the runtime's locked state dir: not ours */
	int                      preserve_fds;
	bool                     map_root;      /* new user namespace that maps uid 0 */
	struct seccomp_prog      seccomp;
	const struct ctr_cgroup *cg;
	bool                     enter_cgroups; /* join them ourselves (not in a new userns) */
	bool                     in_v2;         /* cloned into the v2 cgroup already */
	bool                     quick;         /* run: exec when ready, nobody waits to say go */
	bool                     no_go;         /* quick, and not even the pid to wait for */
	struct ctr_state        *st;            /* our copy: the pid arrives with the go */
	char                    *state_creating; /* hooks' stdin, made before the pivot */
	char                    *state_created;
};

static int make_console(struct rootfs_ctx *r, struct cerr *e)
{
	struct init_args *a = r->arg;
	r->console_fd = console_create(r->rootfd, a->console_sock, &a->cfg->process, e);
	return r->console_fd < 0 ? -1 : 0;
}

static int before_pivot(struct rootfs_ctx *r, struct cerr *e)
{
	struct init_args *a = r->arg;
	return hooks_run(&a->cfg->hooks, OCI_HOOK_CREATE_CONTAINER, a->state_creating, e);
}

static bool ns_new(const struct oci_config *c, int type)
{
	for (size_t i = 0; i < c->n_ns; i++)
		if (c->ns[i].type == type)
			return !c->ns[i].path;
	return false;
}

static bool ns_listed(const struct oci_config *c, int type)
{
	for (size_t i = 0; i < c->n_ns; i++)
		if (c->ns[i].type == type)
			return true;
	return false;
}

/* Everything the init does before it is ready; errors go back to the runtime. */
static int init_prepare(struct init_args *a, char *exe, size_t exe_size, struct cerr *e)
{
	const struct oci_config *c = a->cfg;
	char                     tag, msg[32];

	/* The go carries our pid as the host sees it: the hooks that run in here (after the
	 * pivot they could not reach the state dir) need it in their state. */
	if (!a->no_go && sync_recv_msg(a->sync, &tag, msg, sizeof(msg), e) < 0)
		return -1;
	a->st->pid = a->no_go ? 0 : (pid_t)strtol(msg, NULL, 10);
	if (c->hooks.n[OCI_HOOK_CREATE_CONTAINER])
		a->state_creating = state_json(a->st, "creating");
	if (c->hooks.n[OCI_HOOK_START_CONTAINER])
		a->state_created = state_json(a->st, "created");
	if (a->map_root && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return cerr_set(e, errno, "become root in the user namespace");
	/* The user namespace first: the others are owned by it. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < c->n_ns; i++) {
			const struct oci_namespace *ns = &c->ns[i];
			if (!ns->path || ns->type == CLONE_NEWPID ||
			    (pass == 0) != (ns->type == CLONE_NEWUSER))
				continue;
			int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return cerr_set(e, errno, "linux.namespaces: open `%s`", ns->path);
			if (setns(fd, ns->type) < 0) {
				int err = errno;
				close(fd);
				return cerr_set(e, err, "linux.namespaces: join %s namespace `%s`",
						oci_ns_name(ns->type), ns->path);
			}
			close(fd);
		}
	}
	if (c->hostname && c->hostname[0] && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return cerr_set(e, errno, "hostname `%s`", c->hostname);
	if (c->domainname && c->domainname[0] && setdomainname(c->domainname, strlen(c->domainname)) < 0)
		return cerr_set(e, errno, "domainname `%s`", c->domainname);
	if (c->has_personality && personality(c->personality) < 0)
		return cerr_set(e, errno, "linux.personality");
	if (rootfs_setup(&a->rctx, e) < 0 || rootfs_finish(&a->rctx, e) < 0)
		return -1;
	if (process_find(&c->process, exe, exe_size, e) < 0)
		return -1;
	if (a->rctx.console_fd >= 0 && console_attach(a->rctx.console_fd, e) < 0)
		return -1;
	if (a->console_sock >= 0)
		close(a->console_sock);
	return 0;
}

static __attribute__((noreturn)) void init_main(struct init_args *a)
{
	struct cerr e = { 0 };
	char        exe[PATH_MAX];
	char        tag;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A copy of the locked fd would hold the container's lock as long as we wait. */
	close(a->state_fd);
	if (a->enter_cgroups && cgroup_enter_self(a->cg, a->in_v2, &e) < 0) {
		sync_send(a->sync, '!', e.msg);
		_exit(1);
	}
	if (init_prepare(a, exe, sizeof(exe), &e) < 0) {
		sync_send(a->sync, '!', e.msg);
		_exit(1);
	}
	/* From here on the runtime may exit: do not die with it. */
	prctl(PR_SET_PDEATHSIG, 0);
	if (!a->quick)
		sync_send(a->sync, 'r', NULL);
	if (a->quick) {
		/* The runtime only waits for our exit now: silence on the socket says that we
		 * got as far as the exec. */
		close(a->sync);
	} else if (a->fifo >= 0) {
		char path[64];
		snprintf(path, sizeof(path), "self/fd/%d", a->fifo);
		close(a->sync);
		int w = openat(a->procfd, path, O_WRONLY | O_CLOEXEC);
		if (w < 0 || write(w, "0", 1) != 1)
			_exit(1);
		close(w);
		close(a->fifo);
		close(a->procfd);
	} else {
		if (sync_recv(a->sync, &tag, &e) < 0)
			_exit(1);
		close(a->sync);
	}
	if (hooks_run(&a->cfg->hooks, OCI_HOOK_START_CONTAINER, a->state_created, &e) == 0) {
		struct proc_setup s = { .proc = &a->cfg->process, .seccomp = &a->seccomp,
					.preserve_fds = a->preserve_fds };
		process_exec(&s, exe, &e);
	}
	dprintf(2, "cella: %s\n", e.msg);
	_exit(127);
}

/* A new time namespace takes its offsets before any process is in it: unshare makes it
 * the one our next child enters, the offsets go in, and the clone puts the init there.
 * *own keeps our own namespace to go back to. */
static int timens_prepare(const struct oci_config *c, int *own, struct cerr *e)
{
	char buf[128];
	int  len = 0;

	*own = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (*own < 0)
		return cerr_set(e, errno, "linux.namespaces: time namespaces (open /proc/self/ns/time)");
	if (unshare(CLONE_NEWTIME) < 0)
		return cerr_set(e, errno, "linux.namespaces: new time namespace");
	if (c->monotonic.set)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "monotonic %lld %lld\n",
				(long long)c->monotonic.secs, (long long)c->monotonic.nanosecs);
	if (c->boottime.set)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "boottime %lld %lld\n",
				(long long)c->boottime.secs, (long long)c->boottime.nanosecs);
	if (len == 0)
		return 0;
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "linux.timeOffsets: open /proc/self/timens_offsets");
	ssize_t w = write(fd, buf, (size_t)len);
	int     err = errno;
	close(fd);
	if (w != len)
		return cerr_set(e, w < 0 ? err : EIO, "linux.timeOffsets: write /proc/self/timens_offsets");
	return 0;
}

static int write_maps(pid_t pid, const char *file, const struct oci_idmap *m, size_t n,
		      struct cerr *e)
{
	char   path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
					m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "open `%s`", path);
	ssize_t w = write(fd, buf, len);
	int     err = errno;
	close(fd);
	if (w < 0)
		return cerr_set(e, err, "write %s", file);
	return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct cerr *e)
{
	char tmp[PATH_MAX + 16], val[32];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	snprintf(val, sizeof(val), "%d", pid);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return cerr_set(e, errno, "--pid-file `%s`", path);
	if (write(fd, val, strlen(val)) < 0) {
		int err = errno;
		close(fd);
		unlink(tmp);
		return cerr_set(e, err, "--pid-file `%s`", path);
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		int err = errno;
		unlink(tmp);
		return cerr_set(e, err, "--pid-file `%s`", path);
	}
	return 0;
}

/* The runtime's copies of the descriptors the init inherited: closed once it has them, or
 * on a failed launch. */
static void init_args_close_fds(struct init_args *a)
{
	if (a->console_sock >= 0)
		close(a->console_sock);
	if (a->fifo >= 0)
		close(a->fifo);
	if (a->procfd >= 0)
		close(a->procfd);
	a->console_sock = a->fifo = a->procfd = -1;
}

/* A launched container: its init is ready and waits to be started. */
struct launched {
	char               root[PATH_MAX];
	int                dirfd;
	int                sync;
	int                console_rx;    /* foreground terminal: the master comes here */
	struct ctr_state   st;
	struct oci_config  cfg;
	bool               quick;   /* the init is on its way to exec: see quick_run() */
};

static volatile pid_t run_child;

static void run_forward(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* `run` in the foreground passes the usual signals on to the container. */
static void forward_signals(pid_t pid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = run_forward };

	run_child = pid;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* A foreground `run` with no hook between ready and start and no terminal needs no
 * ready/go round trip: the runtime writes the state while the init sets up, the init execs
 * as soon as it is ready, and a failure comes back as a message found after its exit. That
 * is two wake-ups fewer on the path of every container. */
static bool quick_run(const struct oci_config *c, const struct ctr_create_opts *o, bool run)
{
	return run && !o->detach && !c->process.terminal && !c->hooks.n[OCI_HOOK_PRESTART] &&
	       !c->hooks.n[OCI_HOOK_CREATE_RUNTIME] && !c->hooks.n[OCI_HOOK_CREATE_CONTAINER] &&
	       !c->hooks.n[OCI_HOOK_START_CONTAINER] && !c->hooks.n[OCI_HOOK_POSTSTART];
}

static void undo(struct launched *L, pid_t pid, bool cg)
{
	struct cerr ignored;

	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (cg)
		cgroup_destroy(&L->st.cg, &ignored);
	state_remove(L->root, L->st.id, &ignored);
}

static int launch(const struct ctr_globals *g, const char *id, const struct ctr_create_opts *o,
		  bool run, struct launched *L, struct cerr *e)
{
	struct oci_config *c = &L->cfg;
	struct init_args   a = { .fifo = -1, .procfd = -1, .console_sock = -1 };
	char               bundle[PATH_MAX], rootfs[PATH_MAX + 8];
	int                sv[2];
	pid_t              pid;
	bool               userns;
	unsigned long      flags = 0;
	int                own_pidns = -1, own_timens = -1;

	memset(L, 0, sizeof(*L));
	L->dirfd = L->sync = L->console_rx = -1;
	if (state_check_id(id, e) < 0)
		return -1;
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return cerr_set(e, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
	STEP("launch");
	if (oci_config_load(c, bundle, e) < 0)
		return -1;
	STEP("config parsed");
	if (!c->has_process || !c->process.args || !c->process.args[0])
		return cerr_set(e, EINVAL, "config.json: process.args is required"), oci_config_free(c), -1;
	{
		char joined[PATH_MAX * 2];
		if (c->root_path[0] == '/')
			snprintf(joined, sizeof(joined), "%s", c->root_path);
		else
			snprintf(joined, sizeof(joined), "%s/%s", bundle, c->root_path);
		if (!realpath(joined, rootfs)) {
			cerr_set(e, errno, "root.path: rootfs `%s`", joined);
			oci_config_free(c);
			return -1;
		}
	}
	if (!ns_listed(c, CLONE_NEWNS)) {
		oci_config_free(c);
		return cerr_set(e, EINVAL, "config.json: linux.namespaces must include `mount`");
	}
	if ((c->hostname && c->hostname[0]) && !ns_new(c, CLONE_NEWUTS)) {
		oci_config_free(c);
		return cerr_set(e, EINVAL, "config.json: hostname needs a new uts namespace");
	}
	if (c->process.terminal && !o->console_socket && !(run && !o->detach)) {
		oci_config_free(c);
		return cerr_usage(e, "process.terminal is set: --console-socket is required");
	}
	if (c->process.apparmor_profile && c->process.apparmor_profile[0])
		log_warn("process.apparmorProfile `%s` is not supported: ignored",
			 c->process.apparmor_profile);
	if (c->process.selinux_label && c->process.selinux_label[0])
		log_warn("process.selinuxLabel is not supported: ignored");
	if (c->has_time_offsets && !ns_new(c, CLONE_NEWTIME)) {
		oci_config_free(c);
		return cerr_set(e, EINVAL, "config.json: linux.timeOffsets needs a new time namespace in linux.namespaces");
	}
	userns = ns_new(c, CLONE_NEWUSER);
	if (userns && (!c->n_uid_map || !c->n_gid_map)) {
		oci_config_free(c);
		return cerr_set(e, EINVAL, "config.json: a new user namespace needs linux.uidMappings and gidMappings");
	}

	if (state_dir(g, L->root, sizeof(L->root), e) < 0) {
		oci_config_free(c);
		return -1;
	}
	L->dirfd = state_lock(L->root, id, true, e);
	if (L->dirfd < 0) {
		oci_config_free(c);
		return -1;
	}
	snprintf(L->st.id, sizeof(L->st.id), "%s", id);
	snprintf(L->st.bundle, sizeof(L->st.bundle), "%s", bundle);
	snprintf(L->st.rootfs, sizeof(L->st.rootfs), "%s", rootfs);
	state_set_annotations(&L->st, c->json);

	if (cgroup_create(&L->st.cg, c->cgroups_path, id, g->root && g->root[0] ? L->root : NULL,
			  g->systemd_cgroup, e) < 0) {
		/* Rootless: cgroups are not ours to make; without limits to apply, go on. */
		if (geteuid() == 0 || c->resources.present ||
		    (e->errnum != EACCES && e->errnum != EPERM && e->errnum != EROFS))
			goto fail_state;
		log_debug("no cgroups: %s", e->msg);
		cerr_clear(e);
		memset(&L->st.cg, 0, sizeof(L->st.cg));
	}
	{
		time_t    now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(L->st.created, sizeof(L->st.created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	/* A first state, with no process yet: a runtime killed from here on leaves the
	 * cgroups where `delete --force` finds them (the status reads stopped). */
	if (state_write(L->dirfd, &L->st, e) < 0)
		goto fail_cg;
	if (cgroup_apply(&L->st.cg, &c->resources, e) < 0)
		goto fail_cg;
	STEP("cgroups made");
	if (!run) {
		if (mkfifoat(L->dirfd, "exec.fifo", 0600) < 0) {
			cerr_set(e, errno, "create exec.fifo");
			goto fail_cg;
		}
		a.fifo   = openat(L->dirfd, "exec.fifo", O_PATH | O_CLOEXEC);
		a.procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (a.fifo < 0 || a.procfd < 0) {
			cerr_set(e, errno, "open exec.fifo");
			goto fail_fds;
		}
	}
	if (seccomp_prepare(&c->seccomp, L->root, &a.seccomp, e) < 0)
		goto fail_fds;
	STEP("seccomp ready");
	if (c->process.terminal && o->console_socket) {
		a.console_sock = console_connect(o->console_socket, e);
		if (a.console_sock < 0)
			goto fail_fds;
	} else if (c->process.terminal) {
		/* `run` in the foreground: a pty of its own, which we serve (as runc does) */
		int tv[2];
		if (tty_socketpair(tv, e) < 0)
			goto fail_fds;
		a.console_sock = tv[1];
		L->console_rx  = tv[0];
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		cerr_set(e, errno, "socketpair");
		goto fail_fds;
	}
	for (size_t i = 0; i < c->n_ns; i++) {
		if (!c->ns[i].path) {
			/* a time namespace is made below: clone(2) reads 0x80 as the exit signal */
			if (c->ns[i].type != CLONE_NEWTIME)
				flags |= (unsigned long)c->ns[i].type;
		} else if (c->ns[i].type == CLONE_NEWPID) {
			/* Joining a pid namespace takes effect for children: do it here. */
			int fd = open(c->ns[i].path, O_RDONLY | O_CLOEXEC);
			own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
			if (fd < 0 || own_pidns < 0 || setns(fd, CLONE_NEWPID) < 0) {
				cerr_set(e, errno, "linux.namespaces: join pid namespace `%s`", c->ns[i].path);
				if (fd >= 0)
					close(fd);
				goto fail_sync;
			}
			close(fd);
		}
	}
	a.cfg  = c;
	a.st   = &L->st;
	a.sync = sv[1];
	a.state_fd = L->dirfd;
	a.preserve_fds = o->preserve_fds;
	a.map_root = false;
	for (size_t i = 0; userns && i < c->n_uid_map; i++)
		if (c->uid_map[i].container_id == 0 && c->uid_map[i].size > 0)
			a.map_root = true;
	a.rctx = (struct rootfs_ctx){
		.cfg = c, .rootfs = rootfs, .cg = &L->st.cg, .no_pivot = o->no_pivot,
		.userns = userns || ns_listed(c, CLONE_NEWUSER), .new_cgroupns = ns_new(c, CLONE_NEWCGROUP),
		.want_console = c->process.terminal && a.console_sock >= 0, .console_fd = -1,
		.rootfd = -1, .make_console = make_console, .before_pivot = before_pivot, .arg = &a,
	};
	if (c->hooks.n[OCI_HOOK_CREATE_CONTAINER] == 0)
		a.rctx.before_pivot = NULL;

	a.cg            = &L->st.cg;
	a.enter_cgroups = !(flags & CLONE_NEWUSER);
	a.quick         = L->quick = quick_run(c, o, run);
	/* Without id maps, a cgroup to be moved into or an oomScoreAdj to be set by us, the
	 * quick init has nothing to wait for: it sets up while we write the state. */
	a.no_go         = a.quick && !(flags & CLONE_NEWUSER) && a.enter_cgroups &&
			  !c->process.has_oom_score_adj;
	if (ns_new(c, CLONE_NEWTIME) && timens_prepare(c, &own_timens, e) < 0)
		goto fail_sync;
	int cgfd        = a.enter_cgroups ? cgroup_v2_fd(&L->st.cg) : -1;
	fflush(NULL);
	pid = ctr_clone(flags, cgfd, &a.in_v2);
	if (cgfd >= 0)
		close(cgfd);
	if (pid != 0 && own_timens >= 0) {
		/* our later children (hooks, exec) are not the container's */
		setns(own_timens, CLONE_NEWTIME);
		close(own_timens);
		own_timens = -1;
	}
	if (pid > 0)
		STEP("cloned");
	if (pid < 0) {
		cerr_set(e, errno, "clone the container init");
		goto fail_sync;
	}
	if (pid == 0) {
		close(sv[0]);
		init_main(&a);
	}
	close(sv[1]);
	sv[1] = -1;
	if (own_pidns >= 0) {
		/* back to our own pid namespace for any later child (hooks) */
		setns(own_pidns, CLONE_NEWPID);
		close(own_pidns);
		own_pidns = -1;
	}
	init_args_close_fds(&a);
	L->sync = sv[0];
	L->st.pid = pid;

	if (flags & CLONE_NEWUSER) {
		if (geteuid() != 0) {
			/* An unprivileged writer of gid_map must first give up setgroups(2). */
			char path[64];
			snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
			int fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, "deny", 4) != 4) {
				cerr_set(e, errno, "write setgroups");
				if (fd >= 0)
					close(fd);
				goto fail_child;
			}
			close(fd);
		}
		if (write_maps(pid, "uid_map", c->uid_map, c->n_uid_map, e) < 0 ||
		    write_maps(pid, "gid_map", c->gid_map, c->n_gid_map, e) < 0)
			goto fail_child;
	}
	if (!a.enter_cgroups && cgroup_enter(&L->st.cg, pid, e) < 0)
		goto fail_child;
	if (c->process.has_oom_score_adj) {
		char path[64], val[16];
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
		snprintf(val, sizeof(val), "%d", c->process.oom_score_adj);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, val, strlen(val)) < 0) {
			cerr_set(e, errno, "process.oomScoreAdj");
			if (fd >= 0)
				close(fd);
			goto fail_child;
		}
		close(fd);
	}
	char tag = 0, pidmsg[16];
	snprintf(pidmsg, sizeof(pidmsg), "%d", pid);
	if (L->quick) {
		L->st.starttime = state_starttime(pid);
		if (state_write(L->dirfd, &L->st, e) < 0)
			goto fail_child;
		if (o->pid_file && write_pid_file(o->pid_file, pid, e) < 0)
			goto fail_child;
		forward_signals(pid);
		if (!a.no_go && sync_send(L->sync, 'g', pidmsg) < 0) {
			cerr_set(e, errno, "start `%s`", id);
			goto fail_child;
		}
		seccomp_prog_free(&a.seccomp);
		STEP("state written, init told to go");
		return 0;
	}
	if (sync_send(L->sync, 'g', pidmsg) < 0 || sync_recv(L->sync, &tag, e) < 0 || tag != 'r') {
		if (tag != '!' && !e->msg[0])
			cerr_set(e, 0, "container init failed");
		cerr_wrap(e, "create `%s`", id);
		goto fail_child;
	}
	STEP("init ready");
	L->st.starttime = state_starttime(pid);
	/* Not renamed over the first state: ext4 flushes a file that replaces another by
	 * rename, and delete's unlink then waits for that write, milliseconds on every run.
	 * (Without a state for a moment, under our lock: a reader that does not lock, list,
	 * skips the container.) */
	unlinkat(L->dirfd, "state.json", 0);
	if (state_write(L->dirfd, &L->st, e) < 0)
		goto fail_child;
	if (c->hooks.n[OCI_HOOK_CREATE_RUNTIME] || c->hooks.n[OCI_HOOK_PRESTART]) {
		char *sj = state_json(&L->st, "created");
		int   rc = hooks_run(&c->hooks, OCI_HOOK_PRESTART, sj, e);
		if (rc == 0)
			rc = hooks_run(&c->hooks, OCI_HOOK_CREATE_RUNTIME, sj, e);
		free(sj);
		if (rc < 0)
			goto fail_child;
	}
	if (o->pid_file && write_pid_file(o->pid_file, pid, e) < 0)
		goto fail_child;
	seccomp_prog_free(&a.seccomp);
	STEP("state written");
	return 0;

fail_child:
	close(L->sync);
	L->sync = -1;
	undo(L, pid, true);
	goto out;
fail_sync:
	close(sv[0]);
	close(sv[1]);
	if (own_pidns >= 0) {
		setns(own_pidns, CLONE_NEWPID);
		close(own_pidns);
	}
	if (own_timens >= 0) {
		setns(own_timens, CLONE_NEWTIME);
		close(own_timens);
	}
fail_fds:
	init_args_close_fds(&a);
fail_cg:
	undo(L, 0, true);
	goto out;
fail_state:
	undo(L, 0, false);
out:
	if (L->console_rx >= 0)
		close(L->console_rx);
	L->console_rx = -1;
	seccomp_prog_free(&a.seccomp);
	close(L->dirfd);
	L->dirfd = -1;
	oci_config_free(c);
	return -1;
}

static void launched_close(struct launched *L)
{
	if (L->sync >= 0)
		close(L->sync);
	if (L->console_rx >= 0)
		close(L->console_rx);
	if (L->dirfd >= 0)
		close(L->dirfd);
	oci_config_free(&L->cfg);
}

int ctr_create(const struct ctr_globals *g, const char *id, const struct ctr_create_opts *o,
	       struct cerr *e)
{
	struct launched L;

	if (launch(g, id, o, false, &L, e) < 0)
		return -1;
	launched_close(&L);
	return 0;
}

int ctr_run(const struct ctr_globals *g, const char *id, const struct ctr_create_opts *o,
	    struct cerr *e)
{
	struct launched L;
	int             status, rc, master = -1;

	if (launch(g, id, o, true, &L, e) < 0)
		return -1;
	bool own_tty = L.console_rx >= 0;
	if (own_tty) {
		/* The init made its pty before it said ready: the master is waiting for us. */
		master = tty_recv_master(L.console_rx, e);
		close(L.console_rx);
		L.console_rx = -1;
	}
	if (!o->detach && !L.quick)
		forward_signals(L.st.pid);
	/* A quick run has no terminal (quick_run) and no go to send. */
	if (!L.quick && ((own_tty && master < 0) || sync_send(L.sync, 's', NULL) < 0)) {
		struct cerr ignored;
		if (own_tty && master < 0)
			cerr_wrap(e, "start `%s`", id);
		else
			cerr_set(e, errno, "start `%s`", id);
		if (master >= 0)
			close(master);
		kill(L.st.pid, SIGKILL);
		waitpid(L.st.pid, NULL, 0);
		cgroup_destroy(&L.st.cg, &ignored);
		state_remove(L.root, id, &ignored);
		launched_close(&L);
		return -1;
	}
	if (L.cfg.hooks.n[OCI_HOOK_POSTSTART]) {
		char *sj = state_json(&L.st, "running");
		struct cerr he;
		if (hooks_run(&L.cfg.hooks, OCI_HOOK_POSTSTART, sj, &he) < 0)
			log_warn("%s", he.msg);
		free(sj);
	}
	if (o->detach) {
		launched_close(&L);
		return 0;
	}
	/* Let `cella kill` and `delete` in; we only wait now. */
	close(L.dirfd);
	L.dirfd = -1;
	if (master >= 0) {
		struct cerr te = { 0 };
		if (tty_proxy(master, L.st.pid, &status, &te) < 0)
			log_warn("%s", te.msg);
		close(master);
	} else {
		while (waitpid(L.st.pid, &status, 0) < 0) {
			if (errno != EINTR) {
				status = 0;
				break;
			}
		}
	}
	STEP("container exited");
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (L.quick) {
		/* The init is gone, so is its end of the socket: a message, if any, waits. */
		char tag = 0;
		if (sync_recv(L.sync, &tag, e) < 0 && tag == '!') {
			struct cerr ignored;
			cerr_wrap(e, "create `%s`", id);
			ctr_delete_with(g, id, true, &L.cfg, &ignored);
			launched_close(&L);
			return -1;
		}
		cerr_clear(e);
	}
	if (!o->keep) {
		struct cerr ignored;
		ctr_delete_with(g, id, true, &L.cfg, &ignored);
	}
	STEP("deleted");
	launched_close(&L);
	return rc;
}
