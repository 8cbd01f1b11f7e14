/* The last steps of a container process before execve, shared by the init of `create` and by
 * `exec`: terminal, working directory (resolved inside the container), rlimits, user and
 * groups, the five capability sets, no_new_privs, seccomp, and the fds that may pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int console_connect(const char *socket_path, struct cerr *e)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int                fd;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return cerr_set(e, ENAMETOOLONG, "console socket `%s`", socket_path);
	strcpy(addr.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cerr_set(e, errno, "console socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;
		close(fd);
		return cerr_set(e, err, "connect to console socket `%s`", socket_path);
	}
	return fd;
}

int console_create(int rootfd, int sock, const struct oci_process *p, struct cerr *e)
{
	char              path[64];
	cleanup_close int opath = -1, master = -1;
	int               slave;

	opath = rootfs_open_in(rootfd, "/dev/pts/ptmx", O_PATH, e);
	if (opath < 0) {
		cerr_clear(e);
		opath = rootfs_open_in(rootfd, "/dev/ptmx", O_PATH, e);
		if (opath < 0)
			return cerr_wrap(e, "terminal");
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", opath);
	master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return cerr_set(e, errno, "open the pty multiplexer");
	if (unlockpt(master) < 0)
		return cerr_set(e, errno, "unlock the pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return cerr_set(e, errno, "open the pty's terminal");
	if (p && (p->console_width || p->console_height)) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	/* Hand the master to whoever listens on the console socket (conmon, a test). */
	char            name[] = "/dev/ptmx";
	struct iovec    iov    = { .iov_base = name, .iov_len = sizeof(name) };
	char            cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr   msg    = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm     = CMSG_FIRSTHDR(&msg);
	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type  = SCM_RIGHTS;
	cm->cmsg_len   = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, &msg, 0) < 0) {
		int err = errno;
		close(slave);
		return cerr_set(e, err, "send the terminal to the console socket");
	}
	return slave;
}

int console_attach(int slave, struct cerr *e)
{
	setsid();
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return cerr_set(e, errno, "make the terminal controlling");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return cerr_set(e, errno, "dup the terminal");
	if (slave > 2)
		close(slave);
	return 0;
}

int process_rlimits(const struct oci_process *p, struct cerr *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
		if (setrlimit((__rlimit_resource_t)p->rlimits[i].resource, &rl) < 0)
			return cerr_set(e, errno, "process.rlimits: set %s", p->rlimits[i].type);
	}
	return 0;
}

static const char *env_get(const struct oci_process *p, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < p->n_env; i++)
		if (strncmp(p->env[i], name, n) == 0 && p->env[i][n] == '=')
			return p->env[i] + n + 1;
	return NULL;
}

int process_find(const struct oci_process *p, char *out, size_t size, struct cerr *e)
{
	struct stat st;

	if (!p->args || !p->args[0] || !p->args[0][0])
		return cerr_set(e, EINVAL, "process.args must name a program");
	if (strchr(p->args[0], '/')) {
		snprintf(out, size, "%s", p->args[0]);
		if (stat(out, &st) < 0)
			return cerr_set(e, errno, "exec `%s`", p->args[0]);
		return 0;
	}
	const char *path = env_get(p, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		snprintf(out, size, "%.*s/%s", (int)len, len ? path : ".", p->args[0]);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return 0;
		path += len;
		if (*path == ':')
			path++;
	}
	return cerr_set(e, ENOENT, "exec `%s`: not found in $PATH", p->args[0]);
}

static int set_caps(const struct oci_caps *c, struct cerr *e)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct   data[2];

	data[0].effective   = (uint32_t)c->effective;
	data[1].effective   = (uint32_t)(c->effective >> 32);
	data[0].permitted   = (uint32_t)c->permitted;
	data[1].permitted   = (uint32_t)(c->permitted >> 32);
	data[0].inheritable = (uint32_t)c->inheritable;
	data[1].inheritable = (uint32_t)(c->inheritable >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return cerr_set(e, errno, "process.capabilities: capset");
	for (int cap = 0; cap < 64; cap++) {
		if (!(c->ambient & (1ull << cap)))
			continue;
		/* Raising needs the capability in permitted and inheritable; like runc, a
		 * capability that cannot be ambient is skipped. */
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EPERM)
			return cerr_set(e, errno, "process.capabilities.ambient: raise %s",
					oci_cap_name(cap) ? oci_cap_name(cap) : "?");
	}
	return 0;
}

static int drop_bounding(const struct oci_caps *c, struct cerr *e)
{
	/* Drop without asking first: dropping one that is gone succeeds, and EINVAL says we
	 * are past the kernel's last capability. Without CAP_SETPCAP only the ones already
	 * gone may be "dropped". */
	for (int cap = 0; cap < 64; cap++) {
		if ((c->bounding & (1ull << cap)) || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break;
		int err = errno;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
			return cerr_set(e, err, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

int process_exec(const struct proc_setup *s, const char *exe, struct cerr *e)
{
	const struct oci_process *p = s->proc;

	if (p->cwd) {
		cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* Resolved inside the container: no "..", symlink or /proc/self/fd/N way out. */
		cleanup_close int cwd = root < 0 ? -1 : rootfs_open_in(root, p->cwd, O_PATH | O_DIRECTORY, e);
		if (cwd < 0)
			return cerr_wrap(e, "process.cwd");
		if (fchdir(cwd) < 0)
			return cerr_set(e, errno, "process.cwd: chdir `%s`", p->cwd);
	}
	if (process_rlimits(p, e) < 0)
		return -1;
	if (s->seccomp && !p->no_new_privileges && seccomp_load_prog(s->seccomp, e) < 0)
		return -1;
	if (p->caps.present && drop_bounding(&p->caps, e) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cerr_set(e, errno, "keep capabilities");
	if (setgroups(p->user.n_additional_gids, p->user.additional_gids) < 0 &&
	    (errno != EPERM || p->user.n_additional_gids))
		return cerr_set(e, errno, "process.user.additionalGids");
	if (setresgid(p->user.gid, p->user.gid, p->user.gid) < 0)
		return cerr_set(e, errno, "process.user.gid %u", p->user.gid);
	if (setresuid(p->user.uid, p->user.uid, p->user.uid) < 0)
		return cerr_set(e, errno, "process.user.uid %u", p->user.uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (p->caps.present && set_caps(&p->caps, e) < 0)
		return -1;
	umask(p->user.has_umask ? p->user.umask : 022);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cerr_set(e, errno, "process.noNewPrivileges");
	/* Only stdio and the preserved fds reach the program. */
	for (int fd = 3; fd < 3 + s->preserve_fds; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	if (close_range((unsigned)(3 + s->preserve_fds), ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		return cerr_set(e, errno, "close_range");
	if (s->seccomp && p->no_new_privileges && seccomp_load_prog(s->seccomp, e) < 0)
		return -1;
	static const char *const no_env[] = { NULL };
	execve(exe, (char *const *)p->args, (char *const *)(p->env ? p->env : no_env));
	return cerr_set(e, errno, "exec `%s`", p->args[0]);
}
