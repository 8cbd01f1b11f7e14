/* Terminal input for a guest's serial console (see term.h). */
#define _GNU_SOURCE
#include "hw/char/term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "base/rawtty.h"

#define TERM_ESCAPE 0x01  /* Ctrl-A */

/* Said on the user's terminal (stderr: it is theirs, not the guest's console), which is in
 * raw mode, hence \r\n. */
static const char term_help[] =
	"\r\ncella console keys: Ctrl-A, then\r\n"
	"  h or ?   this help\r\n"
	"  x        quit: stop the machine (cella exits with status 0)\r\n"
	"  Ctrl-A   send one Ctrl-A to the guest\r\n"
	"  (anything else is sent on, after its Ctrl-A)\r\n";
static const char term_quitting[] = "\r\ncella: Ctrl-A x: stopping the machine\r\n";

static void term_say(const char *text)
{
	size_t n = strlen(text);

	while (n) {
		ssize_t w = write(STDERR_FILENO, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		text += w;
		n -= (size_t)w;
	}
}

/* Wait until fd is readable or term_stop was called; false on stop. */
static bool term_wait(struct term *t, int fd, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = t->wake[0], .events = POLLIN },
		{ .fd = fd,         .events = POLLIN },
	};

	for (;;) {
		int n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		return n >= 0 && !(p[0].revents & POLLIN);
	}
}

/* Hand bytes to the device, waiting while its FIFO is full. false when told to stop. */
static bool term_deliver(struct term *t, const uint8_t *buf, size_t n)
{
	while (n) {
		size_t took = t->deliver(t->opaque, buf, n);
		buf += took;
		n -= took;
		if (n && !term_wait(t, -1, 1))
			return false;
	}
	return true;
}

static void *term_reader(void *arg)
{
	struct term *t = arg;
	uint8_t      in[256], out[257];

	while (term_wait(t, t->in_fd, -1)) {
		ssize_t n = read(t->in_fd, in, sizeof(in));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			/* End of input: the guest keeps running without it. Park until term_stop
			 * joins us rather than exit now: a thread's exit pulls glibc's teardown
			 * code (resolver, RPC, freeres: ~150 KiB) into memory for the whole run. */
			term_wait(t, -1, -1);
			break;
		}
		size_t m = 0;
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = in[i];
			if (!t->tty) {
				out[m++] = c;
			} else if (t->escape) {
				t->escape = false;
				if (c == 'x' || c == 'X') {
					term_deliver(t, out, m);  /* what was typed before */
					term_say(term_quitting);
					t->quit(t->opaque);
					return NULL;
				}
				if (c == 'h' || c == 'H' || c == '?') {
					term_say(term_help);
					continue;
				}
				if (c != TERM_ESCAPE)
					out[m++] = TERM_ESCAPE;
				out[m++] = c;  /* Ctrl-A Ctrl-A sends one Ctrl-A */
			} else if (c == TERM_ESCAPE) {
				t->escape = true;
			} else {
				out[m++] = c;
			}
		}
		if (!term_deliver(t, out, m))
			break;
	}
	return NULL;
}

int term_start(struct term *t, int in_fd, size_t (*deliver)(void *, const uint8_t *, size_t),
	       void (*quit)(void *), void *opaque, struct cerr *e)
{
	memset(t, 0, sizeof(*t));
	t->in_fd   = in_fd;
	t->deliver = deliver;
	t->quit    = quit;
	t->opaque  = opaque;
	t->wake[0] = t->wake[1] = -1;
	if (pipe2(t->wake, O_CLOEXEC) < 0)
		return cerr_set(e, errno, "terminal: pipe");
	t->tty = rawtty_enter(in_fd, &t->saved, true);
	int rc = pthread_create(&t->thread, NULL, term_reader, t);
	if (rc) {
		term_stop(t);
		return cerr_set(e, rc, "terminal: start the input thread");
	}
	t->started = true;
	return 0;
}

void term_stop(struct term *t)
{
	if (t->started) {
		while (write(t->wake[1], "x", 1) < 0 && errno == EINTR)
			;
		pthread_join(t->thread, NULL);
		t->started = false;
	}
	if (t->tty) {
		rawtty_restore(t->in_fd, &t->saved);
		t->tty = false;
	}
	for (int i = 0; i < 2; i++) {
		if (t->wake[i] >= 0)
			close(t->wake[i]);
		t->wake[i] = -1;
	}
}
