/* CLINT registers and the timer thread that turns mtimecmp deadlines into MTIP levels. */
#include "hw/intc/clint.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t clint_mtime(const struct clint *c)
{
	uint64_t ns = mono_ns() - c->epoch_ns;

	/* ns * freq / 1e9 without overflow for centuries of uptime at 10 MHz */
	return ns / 1000000000u * c->freq_hz + ns % 1000000000u * c->freq_hz / 1000000000u;
}

/* Bring every MTIP line in line with mtime; return the earliest future deadline (mtime
 * units), or UINT64_MAX. Called with the lock held. */
static uint64_t clint_update_timers(struct clint *c)
{
	uint64_t now = clint_mtime(c), next = UINT64_MAX;

	for (unsigned h = 0; h < c->n_harts; h++) {
		int level = c->mtimecmp[h] <= now;
		if (level != c->mtip_level[h]) {
			c->mtip_level[h] = level;
			irq_set(&c->mtip_out[h], level);
		}
		if (!level && c->mtimecmp[h] < next)
			next = c->mtimecmp[h];
	}
	return next;
}

static void *clint_timer_thread(void *opaque)
{
	struct clint *c = opaque;

	pthread_mutex_lock(&c->lock);
	while (!c->stopping) {
		uint64_t next = clint_update_timers(c);
		if (next == UINT64_MAX) {
			pthread_cond_wait(&c->wake, &c->lock);
			continue;
		}
		/* Sleep until the deadline in CLOCK_MONOTONIC terms (the cond uses it). */
		uint64_t ticks = next;
		uint64_t ns    = ticks / c->freq_hz * 1000000000u +
			      (ticks % c->freq_hz) * 1000000000u / c->freq_hz + c->epoch_ns + 1;
		struct timespec until = { .tv_sec  = (time_t)(ns / 1000000000u),
					  .tv_nsec = (long)(ns % 1000000000u) };
		pthread_cond_timedwait(&c->wake, &c->lock, &until);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static uint64_t clint_read(void *opaque, uint64_t off, unsigned size)
{
	struct clint *c = opaque;
	uint64_t      v = 0;

	pthread_mutex_lock(&c->lock);
	if (off < CLINT_MTIMECMP_BASE) {
		unsigned h = (unsigned)(off / 4);
		if (size == 4 && off % 4 == 0 && h < c->n_harts)
			v = c->msip[h];
	} else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
		uint64_t t = clint_mtime(c);
		v = size == 8 ? t : (uint32_t)(t >> (8 * (off - CLINT_MTIME)));
	} else if (off < CLINT_MTIMECMP_BASE + 8 * CLINT_MAX_HARTS) {
		unsigned h = (unsigned)((off - CLINT_MTIMECMP_BASE) / 8);
		unsigned b = (unsigned)((off - CLINT_MTIMECMP_BASE) % 8);
		if (h < c->n_harts)
			v = size == 8 ? c->mtimecmp[h] : (uint32_t)(c->mtimecmp[h] >> (8 * b));
	}
	pthread_mutex_unlock(&c->lock);
	return v;
}

static void clint_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct clint *c = opaque;

	pthread_mutex_lock(&c->lock);
	if (off < CLINT_MTIMECMP_BASE) {
		unsigned h = (unsigned)(off / 4);
		if (size == 4 && off % 4 == 0 && h < c->n_harts) {
			c->msip[h] = value & 1;
			irq_set(&c->msip_out[h], (int)(value & 1));
		}
	} else if (off >= CLINT_MTIME && off < CLINT_MTIME + 8) {
		/* mtime follows the host clock: writes move the epoch */
		uint64_t t = clint_mtime(c), want = value;
		if (size == 4) {
			unsigned shift = 8 * (unsigned)(off - CLINT_MTIME);
			want = (t & ~(0xffffffffull << shift)) | ((value & 0xffffffffull) << shift);
		}
		int64_t delta_ticks = (int64_t)(want - t);
		c->epoch_ns -= (uint64_t)(delta_ticks * (int64_t)(1000000000u / c->freq_hz));
		pthread_cond_signal(&c->wake);
	} else if (off < CLINT_MTIMECMP_BASE + 8 * CLINT_MAX_HARTS) {
		unsigned h = (unsigned)((off - CLINT_MTIMECMP_BASE) / 8);
		unsigned b = (unsigned)((off - CLINT_MTIMECMP_BASE) % 8);
		if (h < c->n_harts) {
			if (size == 8)
				c->mtimecmp[h] = value;
			else if (size == 4 && (b == 0 || b == 4))
				c->mtimecmp[h] = (c->mtimecmp[h] & ~(0xffffffffull << (8 * b))) |
						 ((value & 0xffffffffull) << (8 * b));
			clint_update_timers(c);
			pthread_cond_signal(&c->wake);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

const struct bus_ops clint_ops = { .read = clint_read, .write = clint_write };

int clint_init(struct clint *c, unsigned n_harts, uint64_t freq_hz,
	       const struct irq_line *msip_out, const struct irq_line *mtip_out, struct cerr *e)
{
	pthread_condattr_t attr;

	if (n_harts < 1 || n_harts > CLINT_MAX_HARTS || freq_hz == 0 || freq_hz > 1000000000u)
		return cerr_set(e, EINVAL, "clint: %u harts at %llu Hz is out of range", n_harts,
				(unsigned long long)freq_hz);
	memset(c, 0, sizeof(*c));
	c->n_harts  = n_harts;
	c->freq_hz  = freq_hz;
	c->epoch_ns = mono_ns();
	for (unsigned h = 0; h < n_harts; h++) {
		c->mtimecmp[h] = UINT64_MAX; /* no timer until the guest sets one */
		c->msip_out[h] = msip_out[h];
		c->mtip_out[h] = mtip_out[h];
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &attr);
	pthread_condattr_destroy(&attr);
	int rc = pthread_create(&c->thread, NULL, clint_timer_thread, c);
	if (rc != 0) {
		pthread_cond_destroy(&c->wake);
		pthread_mutex_destroy(&c->lock);
		return cerr_set(e, rc, "clint: starting the timer thread");
	}
	c->thread_running = true;
	return 0;
}

void clint_destroy(struct clint *c)
{
	if (c->thread_running) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
		c->thread_running = false;
	}
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
}
