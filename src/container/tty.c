/* A terminal for a foreground `run` or `exec -t` without --console-socket, as runc gives one:
 * the container's process gets a pty from its own devpts (the master comes back over a
 * socketpair, the same way it would go to a console socket), and the runtime copies between
 * its own stdio and the master until the process exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/rawtty.h"
#include "container/internal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int tty_socketpair(int sv[2], struct cerr *e)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return cerr_set(e, errno, "terminal: socketpair");
	return 0;
}

int tty_recv_master(int sock, struct cerr *e)
{
	char name[64];
	union {
		struct cmsghdr align;
		char           buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec  iov = { .iov_base = name, .iov_len = sizeof(name) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	ssize_t       n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cerr_set(e, errno, "terminal: receive the pty");
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (n == 0 || !cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return cerr_set(e, EPROTO, "terminal: the container sent no pty");
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* The caller's window size, from whichever of our stdio is a terminal. */
static void tty_resize(int master)
{
	struct winsize ws;

	for (int fd = 0; fd < 3; fd++) {
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
			ioctl(master, TIOCSWINSZ, &ws);
			return;
		}
	}
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		len -= (size_t)w;
	}
	return true;
}

struct tty_input {
	char   buf[4096];
	size_t off, len;
	bool   open;
	int    peer;      /* after our EOF: the pty's terminal side, to see its input queue */
	bool   answered;  /* the process wrote something since our last VEOF */
};

/* Copy what the process wrote; false once its side of the pty is closed for good. */
static bool drain_master(int master, struct tty_input *in, bool *out_ok)
{
	char buf[8192];

	for (;;) {
		ssize_t r = read(master, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return true;
		if (r <= 0)
			return false;  /* EIO: no one has the terminal open any more */
		in->answered = true;
		if (*out_ok && !write_all(1, buf, (size_t)r))
			*out_ok = false;  /* keep reading, so the process never blocks on us */
	}
}

/* Our stdin ended, and a pipe's end stays an end: the process should see end of file too,
 * which on a terminal is the VEOF character (^D) typed at an empty prompt, by a line editor
 * in raw mode as well as in canonical mode. Typed too early it is lost (a shell switching
 * modes reads it as a NUL), so it goes only once the process has read all we gave it, and
 * again only after the process wrote something (a new prompt), not into a deaf process. */
static void input_eof(struct tty_input *in, int master)
{
	struct termios t;
	int            queued = 0;

	if (in->len || !in->answered || in->peer < 0)
		return;
	if (ioctl(in->peer, FIONREAD, &queued) < 0 || queued > 0 || tcgetattr(master, &t) < 0)
		return;
	in->off      = 0;
	in->len      = 1;
	in->buf[0]   = (char)t.c_cc[VEOF];
	in->answered = false;
}

static int proxy_loop(int master, pid_t pid, int sigfd, struct cerr *e)
{
	cleanup_close int pidfd = pidfd_open(pid, 0);
	struct tty_input  in    = { .open = true, .peer = -1, .answered = true };
	bool              master_open = true, out_ok = true;
	int               rc = 0;

	if (pidfd < 0)
		return cerr_set(e, errno, "terminal: open the process %d", pid);
	while (rc == 0) {
		struct pollfd pf[4] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = sigfd, .events = POLLIN },
			{ .fd = master_open ? master : -1,
			  .events = (short)(POLLIN | (in.len ? POLLOUT : 0)) },
			{ .fd = in.open && !in.len ? 0 : -1, .events = POLLIN },
		};
		if (poll(pf, 4, in.open ? -1 : 100) < 0) {
			if (errno != EINTR)
				rc = cerr_set(e, errno, "terminal: poll");
			continue;
		}
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) > 0)
				tty_resize(master);
		}
		if (pf[3].revents) {
			ssize_t r = read(0, in.buf, sizeof(in.buf));
			if (r > 0) {
				in.off = 0;
				in.len = (size_t)r;
			} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
				in.open = false;
				in.peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
			}
		}
		if (!in.open && master_open)
			input_eof(&in, master);
		if (pf[2].revents & POLLOUT && in.len) {
			ssize_t w = write(master, in.buf + in.off, in.len);
			if (w > 0) {
				in.off += (size_t)w;
				in.len -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				in.len = 0;
			}
		}
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			master_open = drain_master(master, &in, &out_ok);
			if (!master_open)
				in.len = 0;
		}
		if (pf[0].revents) {
			/* What the process wrote last may still sit in the pty. */
			if (master_open)
				drain_master(master, &in, &out_ok);
			break;
		}
	}
	if (in.peer >= 0)
		close(in.peer);
	return rc;
}

int tty_proxy(int master, pid_t pid, int *wstatus, struct cerr *e)
{
	struct termios   saved;
	bool             raw = false;
	sigset_t         winch, old_mask;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	int              rc;

	tty_resize(master);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &old_mask);
	/* A reader of our stdout that goes away must not kill us with the terminal raw. */
	sigaction(SIGPIPE, &ign, &old_pipe);
	int sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		rc = cerr_set(e, errno, "terminal: signalfd");
	} else {
		raw = rawtty_enter(STDIN_FILENO, &saved, false);
		rc  = proxy_loop(master, pid, sigfd, e);
		if (raw)
			rawtty_restore(STDIN_FILENO, &saved);
		close(sigfd);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, wstatus, 0) < 0) {
		if (errno != EINTR) {
			*wstatus = 0;
			break;
		}
	}
	return rc;
}
