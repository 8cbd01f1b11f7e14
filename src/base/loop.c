/* The I/O event loop; see loop.h. The loop's own lock guards only its tables and is never held
 * while a callback runs, so callbacks may take device locks and devices holding their lock may
 * call loop_set_events() without a lock-order cycle. */
#include "base/loop.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define LOOP_MAX_WATCHES 64
#define LOOP_MAX_POLLERS 8
#define LOOP_MAX_FDS     256

struct loop_watch {
	bool       used;
	unsigned   gen;      /* bumped on every add, so a stale poll result is recognised */
	int        fd;
	short      events;
	loop_fd_cb cb;
	void      *opaque;
};

struct loop_poller {
	const struct loop_poller_ops *ops;
	void                         *opaque;
};

struct loop_pollset {
	struct pollfd fds[LOOP_MAX_FDS];
	int           n;
};

struct loop {
	pthread_mutex_t    lock;
	struct loop_watch  watch[LOOP_MAX_WATCHES];
	struct loop_poller poller[LOOP_MAX_POLLERS];
	int                n_pollers;
	int                wake_fd;
	pthread_t          thread;
	bool               running;
	bool               stop;     /* set by loop_stop, read with atomics */
	struct loop_pollset ps;   /* only the loop thread touches it */
};

int loop_pollset_add(struct loop_pollset *ps, int fd, short events)
{
	if (ps->n >= LOOP_MAX_FDS)
		return -1;
	ps->fds[ps->n] = (struct pollfd){ .fd = fd, .events = events };
	return ps->n++;
}

short loop_pollset_revents(const struct loop_pollset *ps, int index)
{
	if (index < 0 || index >= ps->n)
		return 0;
	return ps->fds[index].revents;
}

int loop_new(struct loop **out, struct cerr *e)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return cerr_set(e, ENOMEM, "event loop");
	l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wake_fd < 0) {
		free(l);
		return cerr_set(e, errno, "event loop: eventfd");
	}
	pthread_mutex_init(&l->lock, NULL);
	*out = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	loop_stop(l);
	close(l->wake_fd);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void loop_wake(struct loop *l)
{
	uint64_t one = 1;
	ssize_t  r   = write(l->wake_fd, &one, sizeof(one));
	(void)r; /* EAGAIN: the counter is already non-zero, the loop wakes anyway */
}

int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *opaque,
		struct cerr *e)
{
	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < LOOP_MAX_WATCHES; i++) {
		if (l->watch[i].used)
			continue;
		l->watch[i] = (struct loop_watch){
			.used = true, .gen = l->watch[i].gen + 1, .fd = fd, .events = events, .cb = cb,
			.opaque = opaque,
		};
		pthread_mutex_unlock(&l->lock);
		loop_wake(l);
		return i;
	}
	pthread_mutex_unlock(&l->lock);
	return cerr_set(e, ENOSPC, "event loop: more than %d watched descriptors",
			LOOP_MAX_WATCHES);
}

void loop_set_events(struct loop *l, int watch, short events)
{
	if (watch < 0 || watch >= LOOP_MAX_WATCHES)
		return;
	pthread_mutex_lock(&l->lock);
	bool changed = l->watch[watch].used && l->watch[watch].events != events;
	if (changed)
		l->watch[watch].events = events;
	pthread_mutex_unlock(&l->lock);
	if (changed)
		loop_wake(l);
}

void loop_del_fd(struct loop *l, int watch)
{
	if (watch < 0 || watch >= LOOP_MAX_WATCHES)
		return;
	pthread_mutex_lock(&l->lock);
	l->watch[watch].used = false;
	pthread_mutex_unlock(&l->lock);
	loop_wake(l);
}

int loop_add_poller(struct loop *l, const struct loop_poller_ops *ops, void *opaque,
		    struct cerr *e)
{
	pthread_mutex_lock(&l->lock);
	if (l->n_pollers >= LOOP_MAX_POLLERS) {
		pthread_mutex_unlock(&l->lock);
		return cerr_set(e, ENOSPC, "event loop: too many pollers");
	}
	l->poller[l->n_pollers++] = (struct loop_poller){ .ops = ops, .opaque = opaque };
	pthread_mutex_unlock(&l->lock);
	loop_wake(l);
	return 0;
}

void loop_del_poller(struct loop *l, void *opaque)
{
	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < l->n_pollers; i++) {
		if (l->poller[i].opaque != opaque)
			continue;
		memmove(&l->poller[i], &l->poller[i + 1],
			(size_t)(l->n_pollers - i - 1) * sizeof(l->poller[0]));
		l->n_pollers--;
		break;
	}
	pthread_mutex_unlock(&l->lock);
}

void loop_run_once(struct loop *l, int timeout_ms)
{
	struct loop_pollset *ps = &l->ps;
	int                  watch_idx[LOOP_MAX_WATCHES];
	unsigned             watch_gen[LOOP_MAX_WATCHES];
	int                  watch_of[LOOP_MAX_FDS];
	int                  poller_base[LOOP_MAX_POLLERS + 1];
	struct loop_poller   pollers[LOOP_MAX_POLLERS];
	int                  n_pollers;

	ps->n = 0;
	loop_pollset_add(ps, l->wake_fd, POLLIN);
	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < LOOP_MAX_WATCHES; i++) {
		watch_idx[i] = -1;
		if (l->watch[i].used && l->watch[i].events) {
			watch_idx[i]       = loop_pollset_add(ps, l->watch[i].fd, l->watch[i].events);
			watch_gen[i]       = l->watch[i].gen;
			watch_of[ps->n - 1] = i;
		}
	}
	n_pollers = l->n_pollers;
	memcpy(pollers, l->poller, sizeof(pollers));
	pthread_mutex_unlock(&l->lock);

	for (int p = 0; p < n_pollers; p++) {
		poller_base[p] = ps->n;
		pollers[p].ops->prepare(pollers[p].opaque, ps, &timeout_ms);
	}
	poller_base[n_pollers] = ps->n;

	int  r      = poll(ps->fds, (nfds_t)ps->n, timeout_ms);
	bool failed = r < 0;
	if (failed)
		for (int i = 0; i < ps->n; i++)
			ps->fds[i].revents = 0;

	if (ps->fds[0].revents & POLLIN) {
		uint64_t v;
		ssize_t  n = read(l->wake_fd, &v, sizeof(v));
		(void)n;
	}
	for (int i = 1; i < poller_base[0]; i++) {
		if (!ps->fds[i].revents)
			continue;
		int w = watch_of[i];
		pthread_mutex_lock(&l->lock);
		/* the watch may have been removed or paused while we polled */
		bool       live = l->watch[w].used && l->watch[w].events && watch_idx[w] == i &&
			    l->watch[w].gen == watch_gen[w];
		loop_fd_cb cb   = l->watch[w].cb;
		void      *op   = l->watch[w].opaque;
		int        fd   = l->watch[w].fd;
		pthread_mutex_unlock(&l->lock);
		if (live)
			cb(op, fd, ps->fds[i].revents);
	}
	for (int p = 0; p < n_pollers; p++)
		pollers[p].ops->dispatch(pollers[p].opaque, ps, failed);
}

static void *loop_thread(void *arg)
{
	struct loop *l = arg;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE))
		loop_run_once(l, -1);
	return NULL;
}

int loop_start(struct loop *l, struct cerr *e)
{
	if (l->running)
		return 0;
	__atomic_store_n(&l->stop, false, __ATOMIC_RELEASE);
	int r   = pthread_create(&l->thread, NULL, loop_thread, l);
	if (r != 0)
		return cerr_set(e, r, "event loop: start thread");
	l->running = true;
	return 0;
}

void loop_stop(struct loop *l)
{
	if (!l->running)
		return;
	__atomic_store_n(&l->stop, true, __ATOMIC_RELEASE);
	loop_wake(l);
	pthread_join(l->thread, NULL);
	l->running = false;
}
