/* The runtime and the container's init talk over a socketpair: one tag byte, then for
 * errors the message, so a failure inside the init reaches the user as a normal error.
 * And the clone that starts them. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container/internal.h"

int sync_send(int fd, char tag, const char *msg)
{
	char   buf[CERR_MSG_MAX + 1];
	size_t n = 1;

	buf[0] = tag;
	if (msg) {
		size_t l = strnlen(msg, CERR_MSG_MAX);
		memcpy(buf + 1, msg, l);
		n += l;
	}
	while (send(fd, buf, n, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int sync_recv(int fd, char *tag, struct cerr *e)
{
	return sync_recv_msg(fd, tag, NULL, 0, e);
}

int sync_recv_msg(int fd, char *tag, char *msg, size_t size, struct cerr *e)
{
	char    buf[CERR_MSG_MAX + 1];
	ssize_t n;

	do
		n = recv(fd, buf, sizeof(buf) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cerr_set(e, errno, "container init");
	if (n == 0)
		return cerr_set(e, 0, "container init exited before it was ready");
	buf[n] = '\0';
	*tag   = buf[0];
	if (buf[0] == '!')
		return cerr_set(e, 0, "%s", buf + 1);
	if (msg && size)
		snprintf(msg, size, "%s", buf + 1);
	return 0;
}

pid_t ctr_clone(unsigned long flags, int cgfd, bool *into)
{
	*into = false;
	if (cgfd >= 0) {
		struct clone_args args = {
			.flags       = flags | CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.cgroup      = (unsigned long long)cgfd,
		};
		long pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*into = true;
			return (pid_t)pid;
		}
		/* an older kernel: the plain way below */
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}
