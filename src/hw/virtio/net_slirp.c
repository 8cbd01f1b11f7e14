/* The user-mode network backend: libslirp gives the guest a NATed 10.0.2.0/24 network
 * (gateway 10.0.2.2, DNS 10.0.2.3, DHCP hands out 10.0.2.15, IPv6 fec0::/64, as QEMU's
 * `-net user`), outbound TCP/UDP through host sockets, and hostfwd port forwards.
 * libslirp is not thread-safe: every call into it is made with the device lock held, from the
 * transmit path or from the event loop's poller, which also runs slirp's timers.
 * libslirp (and the glib it pulls in) is loaded with dlopen() on the first `--net user`: a
 * machine without it never maps those libraries, which were most of `cella vm`'s memory. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libslirp.h>

#include "hw/virtio/net.h"

/* The libslirp entry points cella calls, typed from the header so a mismatch fails to build. */
#define SLIRP_FUNCS(X)                                                                    \
	X(slirp_new) X(slirp_cleanup) X(slirp_add_hostfwd) X(slirp_input)                 \
	X(slirp_pollfds_fill) X(slirp_pollfds_poll) X(slirp_handle_timer)

static struct {
#define X(f) __typeof__(f) *f;
	SLIRP_FUNCS(X)
#undef X
	char error[160];   /* why loading failed, empty when it worked */
} lib;

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_load(void)
{
	/* Debian's libslirp0 soname; kept loaded for the rest of the process. */
	void *h = dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(lib.error, sizeof(lib.error), "%s", dlerror());
		return;
	}
#define X(f)                                                                              \
	if (!(lib.f = (__typeof__(f) *)dlsym(h, #f))) {                                   \
		snprintf(lib.error, sizeof(lib.error), "libslirp.so.0 has no %s", #f);    \
		return;                                                                   \
	}
	SLIRP_FUNCS(X)
#undef X
}

struct slirp_timer {
	struct slirp_timer *next;
	SlirpTimerId        id;
	SlirpTimerCb        cb;           /* old-style timers */
	void               *cb_opaque;
	int64_t             expire_ms;    /* -1: not armed */
};

struct net_slirp {
	struct net_backend   be;
	struct virtio_net   *net;
	struct loop         *loop;
	Slirp               *slirp;
	struct slirp_timer  *timers;
	struct loop_pollset *ps;          /* during prepare/dispatch */
};

static int64_t slirp_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *s = opaque;
	virtio_net_receive(s->net, buf, len); /* lock held: every slirp call is made under it */
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	(void)msg;
	(void)opaque;
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return slirp_now_ns();
}

static struct slirp_timer *slirp_timer_add(struct net_slirp *s)
{
	struct slirp_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->expire_ms = -1;
	t->next      = s->timers;
	s->timers    = t;
	return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = slirp_timer_add(opaque);
	if (t) {
		t->cb        = cb;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = slirp_timer_add(opaque);
	if (t) {
		t->id        = id;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct net_slirp *s = opaque;
	for (struct slirp_timer **pp = &s->timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = (*pp)->next;
			free(timer);
			return;
		}
	}
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct net_slirp *s = opaque;
	((struct slirp_timer *)timer)->expire_ms = expire_ms;
	loop_wake(s->loop);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	struct net_slirp *s = opaque;
	loop_wake(s->loop);
}

static const SlirpCb slirp_callbacks = {
	.send_packet        = cb_send_packet,
	.guest_error        = cb_guest_error,
	.clock_get_ns       = cb_clock_get_ns,
	.timer_new          = cb_timer_new,
	.timer_free         = cb_timer_free,
	.timer_mod          = cb_timer_mod,
	.register_poll_fd   = cb_register_poll_fd,
	.unregister_poll_fd = cb_register_poll_fd,
	.notify             = cb_notify,
	.timer_new_opaque   = cb_timer_new_opaque,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *s  = opaque;
	short             ev = 0;
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return loop_pollset_add(s->ps, fd, ev);
}

static int cb_get_revents(int idx, void *opaque)
{
	struct net_slirp *s  = opaque;
	short             rv = loop_pollset_revents(s->ps, idx);
	int               ev = 0;
	if (rv & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (rv & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (rv & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (rv & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (rv & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static void slirp_prepare(void *opaque, struct loop_pollset *ps, int *timeout_ms)
{
	struct net_slirp *s       = opaque;
	uint32_t          timeout = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;

	pthread_mutex_lock(&s->net->vdev.lock);
	s->ps = ps;
	lib.slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);
	int64_t now = slirp_now_ns() / 1000000;
	for (struct slirp_timer *t = s->timers; t; t = t->next) {
		if (t->expire_ms < 0)
			continue;
		int64_t left = t->expire_ms > now ? t->expire_ms - now : 0;
		if ((uint64_t)left < timeout)
			timeout = (uint32_t)left;
	}
	pthread_mutex_unlock(&s->net->vdev.lock);
	*timeout_ms = timeout > INT_MAX ? -1 : (int)timeout;
}

static void slirp_dispatch(void *opaque, struct loop_pollset *ps, bool poll_failed)
{
	struct net_slirp *s = opaque;

	pthread_mutex_lock(&s->net->vdev.lock);
	s->ps = ps;
	lib.slirp_pollfds_poll(s->slirp, poll_failed, cb_get_revents, s);
	int64_t now = slirp_now_ns() / 1000000;
	/* a timer callback may re-arm or free timers: rescan from the start after each */
	for (bool fired = true; fired;) {
		fired = false;
		for (struct slirp_timer *t = s->timers; t; t = t->next) {
			if (t->expire_ms < 0 || t->expire_ms > now)
				continue;
			t->expire_ms = -1;
			if (t->cb)
				t->cb(t->cb_opaque);
			else
				lib.slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
			fired = true;
			break;
		}
	}
	s->ps = NULL;
	pthread_mutex_unlock(&s->net->vdev.lock);
}

static const struct loop_poller_ops slirp_poller = {
	.prepare  = slirp_prepare,
	.dispatch = slirp_dispatch,
};

static void slirp_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
	struct net_slirp *s = (struct net_slirp *)be;
	if (len <= INT_MAX)
		lib.slirp_input(s->slirp, frame, (int)len);
}

static void slirp_free_backend(struct net_backend *be)
{
	struct net_slirp *s = (struct net_slirp *)be;
	if (s->loop)
		loop_del_poller(s->loop, s);
	if (s->slirp)
		lib.slirp_cleanup(s->slirp);
	while (s->timers) {
		struct slirp_timer *t = s->timers;
		s->timers             = t->next;
		free(t);
	}
	free(s);
}

static const struct net_backend_ops slirp_backend_ops = {
	.send = slirp_send,
	.free = slirp_free_backend,
};

static int parse_port(const char *text, const char *end, uint16_t *port)
{
	unsigned long v = 0;
	if (text == end || end - text > 5)
		return -1;
	for (const char *p = text; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int parse_addr(const char *text, const char *end, struct in_addr *addr,
		      struct in_addr dflt)
{
	char buf[INET_ADDRSTRLEN];
	if (text == end) {
		*addr = dflt;
		return 0;
	}
	if ((size_t)(end - text) >= sizeof(buf))
		return -1;
	memcpy(buf, text, (size_t)(end - text));
	buf[end - text] = 0;
	return inet_pton(AF_INET, buf, addr) == 1 ? 0 : -1;
}

int net_hostfwd_parse(const char *spec, struct net_hostfwd *out, struct cerr *e)
{
	/* proto ':' [haddr] ':' hport '-' [gaddr] ':' gport */
	const char *p = spec, *c1, *c2, *dash, *c3;
	memset(out, 0, sizeof(*out));
	if (strncmp(p, "tcp:", 4) == 0) {
		p += 4;
	} else if (strncmp(p, "udp:", 4) == 0) {
		out->udp = true;
		p += 4;
	} else if (*p == ':') {
		p += 1;       /* QEMU: the protocol may be left out, meaning tcp */
	} else {
		goto bad;
	}
	c1   = p;
	c2   = strchr(c1, ':');
	dash = c2 ? strchr(c2, '-') : NULL;
	c3   = dash ? strrchr(dash, ':') : NULL;
	if (!c2 || !dash || !c3)
		goto bad;
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) }, guest;
	inet_pton(AF_INET, "10.0.2.15", &guest);
	if (parse_addr(c1, c2, &out->host_addr, any) < 0 ||
	    parse_port(c2 + 1, dash, &out->host_port) < 0 ||
	    parse_addr(dash + 1, c3, &out->guest_addr, guest) < 0 ||
	    parse_port(c3 + 1, c3 + strlen(c3), &out->guest_port) < 0 || out->guest_port == 0)
		goto bad;
	return 0;
bad:
	return cerr_usage(e, "hostfwd `%s`: expected tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:PORT, "
			     "e.g. tcp::2222-:22", spec);
}

int net_slirp_new(struct net_backend **out, struct virtio_net *n, const struct vm_net *cfg,
		  struct loop *loop, struct cerr *e)
{
	struct net_hostfwd fwd[8];
	int                n_fwd = cfg->n_hostfwd < 8 ? cfg->n_hostfwd : 8;

	for (int i = 0; i < n_fwd; i++)
		if (net_hostfwd_parse(cfg->hostfwd[i], &fwd[i], e) < 0)
			return -1;
	pthread_once(&lib_once, lib_load);
	if (lib.error[0])
		return cerr_set(e, ENOENT, "user network needs libslirp (Debian: libslirp0): %s",
				lib.error);
	struct net_slirp *s = calloc(1, sizeof(*s));
	if (!s)
		return cerr_set(e, ENOMEM, "user network");
	s->be.ops = &slirp_backend_ops;
	s->net    = n;
	s->loop   = loop;

	SlirpConfig c = {
		.version     = 4,
		.in_enabled  = true,
		.in6_enabled = true,   /* as QEMU: fec0::/64, gateway fec0::2, DNS fec0::3 */
		.vprefix_len = 64,
		.vhostname   = "cella",
		.if_mtu      = 1500,
		.if_mru      = 1500,
	};
	inet_pton(AF_INET6, "fec0::", &c.vprefix_addr6);
	inet_pton(AF_INET6, "fec0::2", &c.vhost6);
	inet_pton(AF_INET6, "fec0::3", &c.vnameserver6);
	inet_pton(AF_INET, "10.0.2.0", &c.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &c.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &c.vhost);
	inet_pton(AF_INET, "10.0.2.15", &c.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &c.vnameserver);
	s->slirp = lib.slirp_new(&c, &slirp_callbacks, s);
	if (!s->slirp) {
		free(s);
		return cerr_set(e, EINVAL, "user network: libslirp refused its configuration");
	}
	for (int i = 0; i < n_fwd; i++) {
		if (lib.slirp_add_hostfwd(s->slirp, fwd[i].udp, fwd[i].host_addr, fwd[i].host_port,
				      fwd[i].guest_addr, fwd[i].guest_port) < 0) {
			slirp_free_backend(&s->be);
			return cerr_set(e, EADDRINUSE, "hostfwd `%s`: cannot listen on host port %u",
					cfg->hostfwd[i], fwd[i].host_port);
		}
	}
	if (loop && loop_add_poller(loop, &slirp_poller, s, e) < 0) {
		slirp_free_backend(&s->be);
		return -1;
	}
	*out = &s->be;
	return 0;
}
