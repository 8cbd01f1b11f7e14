/* A small poll(2)-based event loop that runs on its own thread: device backends (network
 * sockets, tap, console input) register file descriptors and "pollers" (sources such as libslirp
 * whose descriptor set changes on every turn) and get their callbacks called on that thread. */
#ifndef CELLA_BASE_LOOP_H
#define CELLA_BASE_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

struct loop;

/* Called on the loop thread with the revents poll() reported for the descriptor. */
typedef void (*loop_fd_cb)(void *opaque, int fd, short revents);

/* A poller adds descriptors before each poll() and handles them after it. */
struct loop_pollset;
struct loop_poller_ops {
	/* Add descriptors with loop_pollset_add(); lower *timeout_ms (-1 = no limit) if the
	 * source has a timer due. */
	void (*prepare)(void *opaque, struct loop_pollset *ps, int *timeout_ms);
	/* After poll(): revents of the descriptors added, by the index add returned. */
	void (*dispatch)(void *opaque, struct loop_pollset *ps, bool poll_failed);
};

/* Index of the added descriptor in this turn's set, or -1 when the set is full. */
int loop_pollset_add(struct loop_pollset *ps, int fd, short events);
short loop_pollset_revents(const struct loop_pollset *ps, int index);

int loop_new(struct loop **out, struct cerr *e);
/* Stops the thread if it runs, then frees. Callbacks are never called after it returns. */
void loop_free(struct loop *l);

/* Watch fd for events; returns a watch id >= 0. Safe from any thread, also from callbacks. */
int loop_add_fd(struct loop *l, int fd, short events, loop_fd_cb cb, void *opaque,
		struct cerr *e);
/* Change what a watch waits for (0 = pause it, e.g. while a device has no buffers). */
void loop_set_events(struct loop *l, int watch, short events);
void loop_del_fd(struct loop *l, int watch);

int loop_add_poller(struct loop *l, const struct loop_poller_ops *ops, void *opaque,
		    struct cerr *e);
/* Remove the poller registered with opaque. Call with the loop stopped, or from its thread. */
void loop_del_poller(struct loop *l, void *opaque);

/* Make the loop re-read its watches now (after a device got new buffers, etc.). */
void loop_wake(struct loop *l);

/* Run one turn on the calling thread: poll with at most timeout_ms, dispatch. For tests and
 * for machines that prefer to drive the loop themselves. */
void loop_run_once(struct loop *l, int timeout_ms);

/* Run the loop on a thread of its own until loop_stop(). */
int loop_start(struct loop *l, struct cerr *e);
void loop_stop(struct loop *l);

#endif
