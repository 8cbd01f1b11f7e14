/* The deadline thread behind hw/timer.h: sleeps on a condition variable until the earliest
 * deadline fire() returned, or until a register write kicks it. */
#include "hw/timer.h"

uint64_t hw_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *hw_timer_thread(void *opaque)
{
	struct hw_timer *t = opaque;

	pthread_mutex_lock(t->lock);
	while (!t->stopping) {
		uint64_t next = t->fire(t->opaque);
		if (next == HW_TIMER_NEVER) {
			pthread_cond_wait(&t->wake, t->lock);
			continue;
		}
		struct timespec until = { .tv_sec  = (time_t)(next / 1000000000u),
					  .tv_nsec = (long)(next % 1000000000u) };
		pthread_cond_timedwait(&t->wake, t->lock, &until);
	}
	pthread_mutex_unlock(t->lock);
	return NULL;
}

int hw_timer_start(struct hw_timer *t, pthread_mutex_t *lock, clockid_t clock,
		   uint64_t (*fire)(void *opaque), void *opaque, struct cerr *e)
{
	pthread_condattr_t attr;

	*t = (struct hw_timer){ .lock = lock, .clock = clock, .fire = fire, .opaque = opaque };
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, clock);
	pthread_cond_init(&t->wake, &attr);
	pthread_condattr_destroy(&attr);
	int rc = pthread_create(&t->thread, NULL, hw_timer_thread, t);
	if (rc != 0) {
		pthread_cond_destroy(&t->wake);
		return cerr_set(e, rc, "starting a device timer thread");
	}
	t->running = true;
	return 0;
}

void hw_timer_kick(struct hw_timer *t)
{
	pthread_cond_signal(&t->wake);
}

void hw_timer_stop(struct hw_timer *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	t->running = false;
}
