/* A deadline thread for devices that must act at a time (a timer compare, an alarm): the
 * device's fire() runs under the device's own lock, updates its lines and says when it next
 * wants to run. Devices call hw_timer_kick() after a register write moves a deadline. */
#ifndef CELLA_HW_TIMER_H
#define CELLA_HW_TIMER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/error.h"

#define HW_TIMER_NEVER UINT64_MAX

struct hw_timer {
	pthread_mutex_t *lock;      /* the device's lock, held while fire() runs */
	pthread_cond_t   wake;
	pthread_t        thread;
	clockid_t        clock;     /* deadlines are nanoseconds of this clock */
	bool             running, stopping;
	/* Bring the device up to date; return the next deadline or HW_TIMER_NEVER. */
	uint64_t       (*fire)(void *opaque);
	void            *opaque;
};

int hw_timer_start(struct hw_timer *t, pthread_mutex_t *lock, clockid_t clock,
		   uint64_t (*fire)(void *opaque), void *opaque, struct cerr *e);
/* With the device's lock held: deadlines changed, re-evaluate. */
void hw_timer_kick(struct hw_timer *t);
/* Stop and join the thread; fire() is never called after it returns. */
void hw_timer_stop(struct hw_timer *t);

/* Now on a clock, in nanoseconds. */
uint64_t hw_clock_ns(clockid_t clock);

#endif
