/* OCI hooks: each runs with the container's state JSON on stdin and must exit 0 within its
 * timeout; a failing hook fails the operation it belongs to. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/internal.h"

static const char *const kind_names[OCI_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static int hook_run(const struct oci_hook *h, const char *kind, const char *state,
		    struct cerr *e)
{
	int   in[2];
	pid_t pid;
	int   status;

	if (pipe2(in, O_CLOEXEC) < 0)
		return cerr_set(e, errno, "hooks.%s: pipe", kind);
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return cerr_set(e, errno, "hooks.%s: fork", kind);
	}
	if (pid == 0) {
		static const char *const no_env[] = { NULL };
		const char *argv0[] = { h->path, NULL };
		dup2(in[0], 0);
		execve(h->path, (char *const *)(h->args ? h->args : argv0),
		       (char *const *)(h->env ? h->env : no_env));
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], state, strlen(state)) < 0) {
		/* the hook need not read its stdin */
	}
	close(in[1]);
	int pfd = pidfd_open(pid, 0);
	if (h->timeout > 0 && pfd >= 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		if (poll(&p, 1, h->timeout * 1000) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(pfd);
			return cerr_set(e, ETIMEDOUT, "hooks.%s: `%s` timed out after %d s", kind, h->path,
					h->timeout);
		}
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cerr_set(e, errno, "hooks.%s: wait", kind);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cerr_set(e, 0, "hooks.%s: `%s` failed (%s %d)", kind, h->path,
				WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

int hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
	      struct cerr *e)
{
	for (size_t i = 0; i < h->n[kind]; i++)
		if (hook_run(&h->list[kind][i], kind_names[kind], state_json ? state_json : "{}", e) < 0)
			return -1;
	return 0;
}
