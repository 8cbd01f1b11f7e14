/* The GDB stub's thread: listens on TCP or a unix socket, serves one debugger at a time,
 * frames packets (acks, no-ack mode, resends), and turns the target's own stops, Ctrl-C and
 * the machine's end into stop replies. The meaning of packets is in gdb_session.c. */
#define _GNU_SOURCE /* pipe2, accept4 */
#include "debug/gdb.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "debug/gdb_session.h"

struct gdb_server {
	const struct gdb_target_ops *ops;
	void           *target;
	int             listen_fd;
	int             wake[2];        /* other threads poke the stub's poll() through this */
	char            address[160];
	char            unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t       thread;
	bool            started;

	pthread_mutex_t lock;           /* the fields below, set from other threads */
	bool            stop_pending;
	unsigned        stop_thread;
	int             stop_signal;
	bool            exited;
	int             exit_status;
	bool            quit;

	/* the stub thread's own */
	int                conn;
	bool               running;     /* the target runs: the debugger waits for a stop reply */
	bool               killed;      /* the debugger ended the machine */
	struct gdb_rx      rx;
	struct gdb_reply   reply;
	struct gdb_session session;
	char               out[2 * GDB_REPLY_MAX + 8]; /* the last packet sent, for a resend */
	size_t             out_len;
};

static void poke(struct gdb_server *s)
{
	ssize_t n = write(s->wake[1], "x", 1); /* a full pipe already wakes the thread */
	(void)n;
}

static void drain(struct gdb_server *s)
{
	char    buf[64];
	ssize_t n;
	do
		n = read(s->wake[0], buf, sizeof(buf));
	while (n > 0);
}

static int listen_tcp(struct gdb_server *s, const char *spec, struct cerr *e)
{
	char             host[128];
	const char      *colon = strrchr(spec, ':');
	struct addrinfo  hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				   .ai_flags = AI_NUMERICSERV }, *res = NULL;
	size_t           hlen;

	if (!colon || !colon[1] || (hlen = (size_t)(colon - spec)) >= sizeof(host))
		return cerr_usage(e, "gdb: 'tcp:%s' is not tcp:[HOST]:PORT", spec);
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') { /* [::1] */
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	}
	int rc = getaddrinfo(host[0] ? host : "127.0.0.1", colon + 1, &hints, &res);
	if (rc)
		return cerr_usage(e, "gdb: tcp:%s: %s", spec, gai_strerror(rc));
	cleanup_close int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0) {
		int err = errno;
		freeaddrinfo(res);
		return cerr_set(e, err, "gdb: listening on tcp:%s:%s", host[0] ? host : "127.0.0.1",
				colon + 1);
	}
	freeaddrinfo(res);

	struct sockaddr_storage sa;
	socklen_t               salen = sizeof(sa);
	char                    num[64], port[16];
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) < 0 ||
	    getnameinfo((struct sockaddr *)&sa, salen, num, sizeof(num), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV))
		return cerr_set(e, errno, "gdb: reading the address of tcp:%s", spec);
	snprintf(s->address, sizeof(s->address), sa.ss_family == AF_INET6 ? "tcp:[%s]:%s" : "tcp:%s:%s",
		 num, port);
	s->listen_fd = steal_fd(fd);
	return 0;
}

/* A socket file left by an earlier run that nobody listens on any more is replaced; a live
 * one, or any other file, is an error. */
static int listen_unix(struct gdb_server *s, const char *path, struct cerr *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat        st;

	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return cerr_usage(e, "gdb: unix socket path '%s' is empty or too long", path);
	strcpy(sa.sun_path, path);
	cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cerr_set(e, errno, "gdb: socket for unix:%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		if (err != EADDRINUSE || lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
			return cerr_set(e, err, "gdb: listening on unix:%s", path);
		cleanup_close int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0 || connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
		    errno != ECONNREFUSED)
			return cerr_set(e, EADDRINUSE, "gdb: listening on unix:%s", path);
		if (unlink(path) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return cerr_set(e, errno, "gdb: listening on unix:%s", path);
	}
	if (listen(fd, 1) < 0)
		return cerr_set(e, errno, "gdb: listening on unix:%s", path);
	snprintf(s->address, sizeof(s->address), "unix:%s", path);
	strcpy(s->unix_path, path);
	s->listen_fd = steal_fd(fd);
	return 0;
}

int gdb_server_open(struct gdb_server **out, const char *spec, const struct gdb_target_ops *ops,
		    void *target, struct cerr *e)
{
	struct gdb_server *s = calloc(1, sizeof(*s));
	int                rc;

	if (!s)
		return cerr_set(e, ENOMEM, "gdb: allocating the stub");
	s->ops       = ops;
	s->target    = target;
	s->listen_fd = -1;
	s->conn      = -1;
	s->wake[0]   = s->wake[1] = -1;
	pthread_mutex_init(&s->lock, NULL);
	if (strncmp(spec, "tcp:", 4) == 0)
		rc = listen_tcp(s, spec + 4, e);
	else if (strncmp(spec, "unix:", 5) == 0)
		rc = listen_unix(s, spec + 5, e);
	else
		rc = cerr_usage(e, "gdb: '%s' is not tcp:[HOST]:PORT or unix:PATH", spec);
	if (rc == 0 && pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		rc = cerr_set(e, errno, "gdb: creating the stub's wake-up pipe");
	if (rc < 0) {
		gdb_server_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

const char *gdb_server_address(const struct gdb_server *s)
{
	return s->address;
}

void gdb_server_stopped(struct gdb_server *s, unsigned thread, int signal)
{
	pthread_mutex_lock(&s->lock);
	if (!s->stop_pending) { /* the first stop is reported; the others are dropped */
		s->stop_pending = true;
		s->stop_thread  = thread;
		s->stop_signal  = signal;
	}
	pthread_mutex_unlock(&s->lock);
	poke(s);
}

void gdb_server_exited(struct gdb_server *s, int status)
{
	pthread_mutex_lock(&s->lock);
	s->exited      = true;
	s->exit_status = status;
	pthread_mutex_unlock(&s->lock);
	poke(s);
}

static bool send_all(struct gdb_server *s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(s->conn, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false; /* gone, or not reading for the send timeout: drop it */
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool send_packet(struct gdb_server *s, const char *data, size_t n)
{
	s->out_len = gdb_frame(data, n, s->out);
	return send_all(s, s->out, s->out_len);
}

static bool send_reply(struct gdb_server *s)
{
	return send_packet(s, s->reply.data, s->reply.len);
}

/* Park the target and forget the stops its threads reported meanwhile: a thread that
 * stopped at a breakpoint has not executed it and stops there again when resumed. */
static void stop_target(struct gdb_server *s)
{
	s->ops->stop(s->target);
	pthread_mutex_lock(&s->lock);
	s->stop_pending = false;
	pthread_mutex_unlock(&s->lock);
	s->running = false;
}

/* Events from other threads. false: the session is over (the machine ended). */
static bool handle_wake(struct gdb_server *s)
{
	bool     exited, quit, stopped;
	unsigned thread;
	int      signal, status;

	drain(s);
	pthread_mutex_lock(&s->lock);
	exited  = s->exited;
	quit    = s->quit;
	status  = s->exit_status;
	stopped = s->stop_pending;
	thread  = s->stop_thread;
	signal  = s->stop_signal;
	pthread_mutex_unlock(&s->lock);
	if (exited) {
		char w[8];
		snprintf(w, sizeof(w), "W%02x", (unsigned)status & 0xff);
		send_packet(s, w, strlen(w));
		return false;
	}
	if (quit)
		return false;
	if (stopped && s->running) {
		stop_target(s);
		gdb_session_stopped(&s->session, thread, signal, &s->reply);
		return send_reply(s);
	}
	if (stopped) { /* reported while stopping anyway */
		pthread_mutex_lock(&s->lock);
		s->stop_pending = false;
		pthread_mutex_unlock(&s->lock);
	}
	return true;
}

/* One packet from the debugger. false: end the session. */
static bool handle_packet(struct gdb_server *s, enum gdb_rx_event ev)
{
	if (!s->session.no_ack && !send_all(s, "+", 1))
		return false;
	if (s->running) {
		/* all-stop: nothing but Ctrl-C is expected until the stop reply */
		gdb_reply_clear(&s->reply);
		gdb_reply_error(&s->reply, EBUSY);
		return send_reply(s);
	}
	if (ev == GDB_RX_TOOLONG) {
		gdb_reply_clear(&s->reply);
		gdb_reply_error(&s->reply, EMSGSIZE);
		return send_reply(s);
	}
	switch (gdb_session_packet(&s->session, s->rx.buf, s->rx.len, &s->reply)) {
	case GDB_NEXT_REPLY:
		return send_reply(s);
	case GDB_NEXT_RUNNING:
		s->running = true;
		return true;
	case GDB_NEXT_DETACH:
		send_reply(s);
		return false;
	case GDB_NEXT_KILL:
		s->killed = true;
		return false;
	}
	return false;
}

static bool handle_input(struct gdb_server *s)
{
	uint8_t buf[4096];
	ssize_t n = recv(s->conn, buf, sizeof(buf), 0);

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		enum gdb_rx_event ev = gdb_rx_feed(&s->rx, buf[i]);
		switch (ev) {
		case GDB_RX_PACKET:
		case GDB_RX_TOOLONG:
			if (!handle_packet(s, ev))
				return false;
			break;
		case GDB_RX_BAD:
			/* no-ack mode has no way to ask again: the packet is dropped */
			if (!s->session.no_ack && !send_all(s, "-", 1))
				return false;
			break;
		case GDB_RX_NACK:
			if (s->out_len && !send_all(s, s->out, s->out_len))
				return false;
			break;
		case GDB_RX_INTERRUPT:
			if (s->running) {
				stop_target(s);
				gdb_session_stopped(&s->session, s->session.stop_thread, 2, &s->reply);
				if (!send_reply(s))
					return false;
			}
			break;
		case GDB_RX_ACK:
		case GDB_RX_NONE:
			break;
		}
	}
	return true;
}

/* Serve one connection. The target is parked while a debugger is attached; when it goes
 * (detach, or the connection drops), breakpoints go with it and the machine runs on. */
static bool serve(struct gdb_server *s)
{
	bool alive = true;

	stop_target(s);
	s->killed = false;
	gdb_session_init(&s->session, s->ops, s->target);
	gdb_rx_init(&s->rx);
	s->out_len = 0;
	for (;;) {
		struct pollfd p[2] = { { .fd = s->conn, .events = POLLIN },
				       { .fd = s->wake[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents && !handle_wake(s)) {
			alive = false;
			break;
		}
		if (p[0].revents && !handle_input(s))
			break;
	}
	if (s->killed)
		return false; /* the machine is ending: nothing to resume, nobody else to serve */
	if (alive) {
		if (s->running)
			stop_target(s);
		s->ops->clear_breakpoints(s->target);
		for (unsigned i = 0; i < GDB_MAX_THREADS; i++)
			s->session.how[i] = GDB_CONTINUE;
		s->ops->resume(s->target, s->session.how);
	}
	return alive;
}

static int accept_one(struct gdb_server *s)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = s->listen_fd, .events = POLLIN },
				       { .fd = s->wake[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[1].revents) {
			drain(s);
			pthread_mutex_lock(&s->lock);
			bool end = s->exited || s->quit;
			s->stop_pending = false; /* nobody to tell */
			pthread_mutex_unlock(&s->lock);
			if (end)
				return -1;
		}
		if (p[0].revents) {
			int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				continue; /* the client went away already, or a transient error */
			int            one = 1;
			struct timeval tv  = { .tv_sec = 10 };
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* fails on unix: fine */
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			return fd;
		}
	}
}

static void *server_thread(void *opaque)
{
	struct gdb_server *s = opaque;

	for (;;) {
		s->conn = accept_one(s);
		if (s->conn < 0)
			break;
		bool alive = serve(s);
		close(s->conn);
		s->conn = -1;
		if (!alive)
			break;
	}
	return NULL;
}

int gdb_server_start(struct gdb_server *s, struct cerr *e)
{
	int err = pthread_create(&s->thread, NULL, server_thread, s);
	if (err)
		return cerr_set(e, err, "gdb: starting the stub's thread");
	s->started = true;
	return 0;
}

void gdb_server_close(struct gdb_server *s)
{
	if (!s)
		return;
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->quit = true;
		pthread_mutex_unlock(&s->lock);
		poke(s);
		pthread_join(s->thread, NULL);
	}
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->unix_path[0])
		unlink(s->unix_path);
	for (int i = 0; i < 2; i++)
		if (s->wake[i] >= 0)
			close(s->wake[i]);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
