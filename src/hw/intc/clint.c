/* CLINT registers and the timer thread that turns mtimecmp deadlines into MTIP levels. */
#include "hw/intc/clint.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "base/debug.h"

/* CELLA_DEBUG=stepped-clock: mtime moves 1000 ticks (100 us at 10 MHz) at every read, not
 * with the host's clock, so two runs of a guest that only reads time see the same times (for
 * comparing runs, docs/riscv.md); the timer then fires by reads, not by the host's time. */
static uint64_t clint_stepped(void)
{
	static _Atomic uint64_t ticks;
	static int              on = -1;

	if (on < 0)
		on = debug_knob("stepped-clock") != NULL;
	return on ? atomic_fetch_add(&ticks, 1000) + 1000 : 0;
}

uint64_t clint_mtime(const struct clint *c)
{
	uint64_t stepped = clint_stepped();
	if (stepped)
		return stepped;
	uint64_t ns = hw_clock_ns(CLOCK_MONOTONIC) - c->epoch_ns;

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

/* The timer thread's fire(): the next deadline in CLOCK_MONOTONIC nanoseconds. */
static uint64_t clint_fire(void *opaque)
{
	struct clint *c    = opaque;
	uint64_t      next = clint_update_timers(c);

	if (next == UINT64_MAX)
		return HW_TIMER_NEVER;
	return c->epoch_ns + next / c->freq_hz * 1000000000u +
	       (next % c->freq_hz) * 1000000000u / c->freq_hz + 1;
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
		hw_timer_kick(&c->timer);
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
			hw_timer_kick(&c->timer);
		}
	}
	pthread_mutex_unlock(&c->lock);
}

const struct bus_ops clint_ops = { .read = clint_read, .write = clint_write };

int clint_init(struct clint *c, unsigned n_harts, uint64_t freq_hz,
	       const struct irq_line *msip_out, const struct irq_line *mtip_out, struct cerr *e)
{
	if (n_harts < 1 || n_harts > CLINT_MAX_HARTS || freq_hz == 0 || freq_hz > 1000000000u)
		return cerr_set(e, EINVAL, "clint: %u harts at %llu Hz is out of range", n_harts,
				(unsigned long long)freq_hz);
	memset(c, 0, sizeof(*c));
	c->n_harts  = n_harts;
	c->freq_hz  = freq_hz;
	c->epoch_ns = hw_clock_ns(CLOCK_MONOTONIC);
	for (unsigned h = 0; h < n_harts; h++) {
		c->mtimecmp[h] = UINT64_MAX; /* no timer until the guest sets one */
		c->msip_out[h] = msip_out[h];
		c->mtip_out[h] = mtip_out[h];
	}
	pthread_mutex_init(&c->lock, NULL);
	if (hw_timer_start(&c->timer, &c->lock, CLOCK_MONOTONIC, clint_fire, c, e) < 0) {
		pthread_mutex_destroy(&c->lock);
		return cerr_wrap(e, "clint");
	}
	return 0;
}

void clint_destroy(struct clint *c)
{
	hw_timer_stop(&c->timer);
	pthread_mutex_destroy(&c->lock);
}
