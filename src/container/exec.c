/* `exec`: a new process in a running container. The runtime joins the container's pid
 * namespace (for its children), forks, puts the child in the container's cgroups; the child
 * joins the other namespaces through a pidfd and runs the same last steps as the init. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "base/log.h"
#include "container/internal.h"

/* The exec'd process: -p process.json, or the container's own with the flags applied. */
static int exec_process(const struct ctr_exec_opts *o, struct oci_config *c,
			struct oci_process *p, void **pjson, const char ***env_out, struct cerr *e)
{
	*pjson   = NULL;
	*env_out = NULL;
	if (o->process_json) {
		cleanup_free char *text = NULL;
		size_t             len;
		if (file_read_all(o->process_json, &text, &len, e) < 0)
			return -1;
		if (oci_process_parse(p, pjson, text, len, o->process_json, e) < 0)
			return -1;
	} else {
		*p = c->process;
		/* The config still owns these arrays; take copies we may change. */
		p->args = NULL;
		p->rlimits = NULL;
		p->user.additional_gids = NULL;
		p->env = NULL;
		p->n_env = 0;
		p->terminal = o->tty;
		const char **env = calloc(c->process.n_env + (size_t)o->n_env + 1, sizeof(char *));
		if (!env)
			return cerr_set(e, ENOMEM, "exec");
		for (size_t i = 0; i < c->process.n_env; i++)
			env[p->n_env++] = c->process.env[i];
		for (int i = 0; i < o->n_env; i++)
			env[p->n_env++] = o->env[i];
		p->env = env;
		*env_out = env;
		p->args   = (const char **)o->args;
		p->n_args = (size_t)o->n_args;
		if (o->cwd)
			p->cwd = o->cwd;
		if (o->user) {
			char *end;
			unsigned long uid = strtoul(o->user, &end, 10);
			unsigned long gid = 0;
			if (end == o->user || (*end && *end != ':'))
				return cerr_usage(e, "exec: --user must be UID[:GID], not '%s'", o->user);
			if (*end == ':') {
				const char *g = end + 1;
				gid = strtoul(g, &end, 10);
				if (end == g || *end)
					return cerr_usage(e, "exec: --user must be UID[:GID], not '%s'", o->user);
			}
			p->user.uid = (uid_t)uid;
			p->user.gid = (gid_t)gid;
			p->user.n_additional_gids = 0;
		}
		for (int i = 0; i < o->n_caps; i++) {
			int cap = oci_cap_from_name(o->caps[i]);
			if (cap < 0)
				return cerr_usage(e, "exec: unknown capability '%s'", o->caps[i]);
			uint64_t b = 1ull << cap;
			p->caps.present = true;
			p->caps.bounding |= b;
			p->caps.effective |= b;
			p->caps.permitted |= b;
			p->caps.inheritable |= b;
			p->caps.ambient |= b;
		}
		if (o->no_new_privs)
			p->no_new_privileges = true;
		p->n_rlimits = c->process.n_rlimits;
		p->rlimits   = c->process.rlimits;
		p->user.additional_gids = o->user ? NULL : c->process.user.additional_gids;
	}
	if (o->tty)
		p->terminal = true;
	if (p->cwd && p->cwd[0] != '/')
		return cerr_usage(e, "exec: --cwd must be an absolute path");
	if (!p->args || !p->args[0])
		return cerr_usage(e, "exec: give a command or -p process.json");
	return 0;
}

static int exec_child(int sync, int pidfd, int nsflags, const struct seccomp_prog *prog,
		      const struct oci_process *p, int console_sock, int preserve_fds,
		      struct cerr *e)
{
	char tag;
	char exe[PATH_MAX];

	if (sync_recv(sync, &tag, e) < 0)
		return -1;
	/* Container processes may not open our /proc/PID/exe or memory while we set up. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (nsflags && setns(pidfd, nsflags) < 0)
		return cerr_set(e, errno, "join the container's namespaces");
	close(pidfd);
	if (chdir("/") < 0)
		return cerr_set(e, errno, "chdir /");
	if (process_find(p, exe, sizeof(exe), e) < 0)
		return -1;
	if (console_sock >= 0) {
		cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int slave = console_create(root, console_sock, p, e);
		if (slave < 0 || console_attach(slave, e) < 0)
			return -1;
		close(console_sock);
	}
	struct proc_setup s = { .proc = p, .seccomp = prog, .preserve_fds = preserve_fds };
	return process_exec(&s, exe, e);
}

static volatile pid_t exec_pid;

static void exec_forward(int sig)
{
	if (exec_pid > 0)
		kill(exec_pid, sig);
}

int ctr_exec(const struct ctr_globals *g, const char *id, const struct ctr_exec_opts *o,
	     struct cerr *e)
{
	char               root[PATH_MAX];
	struct ctr_state   st;
	struct oci_config  c;
	struct oci_process p;
	void              *pjson = NULL;
	const char       **env   = NULL;
	int                dirfd, pidfd = -1, sv[2] = { -1, -1 }, sock = -1, rc = -1;
	int                tty_rx = -1, master = -1;
	int                nsflags = 0, own_pidns = -1;
	pid_t              pid;
	struct seccomp_prog prog = { 0 };

	if (state_dir(g, root, sizeof(root), e) < 0)
		return -1;
	dirfd = state_lock(root, id, false, e);
	if (dirfd < 0)
		return -1;
	if (state_read(dirfd, id, &st, e) < 0) {
		close(dirfd);
		return -1;
	}
	const char *status = state_status(dirfd, &st);
	close(dirfd);
	if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0)
		return cerr_set(e, 0, "cannot exec in container `%s`: it is %s", id, status);
	if (oci_config_load(&c, st.bundle, e) < 0)
		return cerr_wrap(e, "exec `%s`", id);
	memset(&p, 0, sizeof(p));
	if (exec_process(o, &c, &p, &pjson, &env, e) < 0)
		goto out;
	if (p.terminal && o->console_socket) {
		sock = console_connect(o->console_socket, e);
		if (sock < 0)
			goto out;
	} else if (p.terminal && o->detach) {
		cerr_usage(e, "exec: a terminal with --detach needs --console-socket");
		goto out;
	} else if (p.terminal) {
		/* in the foreground: a pty of its own, which we serve (as runc does) */
		int tv[2];
		if (tty_socketpair(tv, e) < 0)
			goto out;
		sock   = tv[1];
		tty_rx = tv[0];
	}
	if (seccomp_prepare(&c.seccomp, root, &prog, e) < 0)
		goto out;
	pidfd = pidfd_open(st.pid, 0);
	if (pidfd < 0) {
		cerr_set(e, errno, "exec `%s`: open the init process", id);
		goto out;
	}
	for (size_t i = 0; i < c.n_ns; i++)
		if (c.ns[i].type != CLONE_NEWPID)
			nsflags |= c.ns[i].type;
	for (size_t i = 0; i < c.n_ns; i++) {
		if (c.ns[i].type != CLONE_NEWPID)
			continue;
		/* For our children only; we go back right after the fork (a runtime whose
		 * children land elsewhere confuses, e.g., LeakSanitizer at exit). */
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0 || setns(pidfd, CLONE_NEWPID) < 0) {
			cerr_set(e, errno, "exec `%s`: join the pid namespace", id);
			goto out;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		cerr_set(e, errno, "socketpair");
		goto out;
	}
	int  cgfd = cgroup_v2_fd(&st.cg);
	bool in_v2;
	fflush(NULL);
	pid = ctr_clone(0, cgfd, &in_v2);
	if (cgfd >= 0)
		close(cgfd);
	if (pid < 0) {
		cerr_set(e, errno, "fork");
		goto out;
	}
	if (pid == 0) {
		struct cerr ce = { 0 };
		close(sv[0]);
		if (cgroup_enter_self(&st.cg, in_v2, &ce) == 0)
			exec_child(sv[1], pidfd, nsflags, &prog, &p, sock, o->preserve_fds, &ce);
		sync_send(sv[1], '!', ce.msg);
		_exit(127);
	}
	close(sv[1]);
	sv[1] = -1;
	if (tty_rx >= 0) {
		/* the child's end: the child's copy alone, so its death reads as EOF */
		close(sock);
		sock = -1;
	}
	if (own_pidns >= 0) {
		setns(own_pidns, CLONE_NEWPID);
		close(own_pidns);
		own_pidns = -1;
	}
	sync_send(sv[0], 'g', NULL);
	{
		/* The child's end closes on execve: silence means it runs. */
		char    buf[CERR_MSG_MAX + 1];
		ssize_t n;
		do
			n = recv(sv[0], buf, sizeof(buf) - 1, 0);
		while (n < 0 && errno == EINTR);
		if (n > 0) {
			buf[n] = '\0';
			waitpid(pid, NULL, 0);
			cerr_set(e, 0, "exec `%s`: %s", id, buf[0] == '!' ? buf + 1 : "failed");
			goto out;
		}
	}
	if (tty_rx >= 0) {
		/* sent before the execve: already here */
		master = tty_recv_master(tty_rx, e);
		if (master < 0) {
			cerr_wrap(e, "exec `%s`", id);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
	}
	if (o->pid_file) {
		char val[32], tmp[PATH_MAX + 8];
		snprintf(val, sizeof(val), "%d", pid);
		snprintf(tmp, sizeof(tmp), "%s.tmp", o->pid_file);
		if (file_write_all(tmp, val, strlen(val), 0644, e) < 0 || rename(tmp, o->pid_file) < 0) {
			if (!e->msg[0])
				cerr_set(e, errno, "--pid-file `%s`", o->pid_file);
			goto out;
		}
	}
	if (o->detach) {
		rc = 0;
		goto out;
	}
	{
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
		struct sigaction sa = { .sa_handler = exec_forward };
		int              wstatus = 0;
		exec_pid = pid;
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, NULL);
		if (master >= 0) {
			/* a new size reaches the process through the pty, not as our signal */
			struct cerr te = { 0 };
			if (tty_proxy(master, pid, &wstatus, &te) < 0)
				log_warn("%s", te.msg);
		} else {
			while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
				;
		}
		rc = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	}
out:
	if (own_pidns >= 0) {
		setns(own_pidns, CLONE_NEWPID);
		close(own_pidns);
	}
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (sock >= 0)
		close(sock);
	if (tty_rx >= 0)
		close(tty_rx);
	if (master >= 0)
		close(master);
	if (pidfd >= 0)
		close(pidfd);
	free(env);
	seccomp_prog_free(&prog);
	if (pjson) {
		oci_process_free(&p);
		oci_json_free(pjson);
	}
	oci_config_free(&c);
	return rc;
}
