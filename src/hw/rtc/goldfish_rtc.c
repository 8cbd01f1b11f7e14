/* Goldfish RTC registers and the alarm thread. The guest may set the clock (TIME_LOW/HIGH
 * writes): that moves an offset, never the host's clock. */
#include "hw/rtc/goldfish_rtc.h"

#include <errno.h>
#include <string.h>
#include <time.h>

enum {
	RTC_TIME_LOW        = 0x00,
	RTC_TIME_HIGH       = 0x04,
	RTC_ALARM_LOW       = 0x08,
	RTC_ALARM_HIGH      = 0x0c,
	RTC_IRQ_ENABLED     = 0x10,
	RTC_CLEAR_ALARM     = 0x14,
	RTC_ALARM_STATUS    = 0x18,
	RTC_CLEAR_INTERRUPT = 0x1c,
};

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_now(const struct goldfish_rtc *r)
{
	return realtime_ns() + (uint64_t)r->offset_ns;
}

/* Fire the alarm if due. Called with the lock held. */
static void rtc_check_alarm(struct goldfish_rtc *r)
{
	if (r->alarm_armed && rtc_now(r) >= r->alarm_ns) {
		r->alarm_armed = false;
		r->irq_pending = true;
	}
	irq_set(&r->irq, r->irq_pending && r->irq_enabled);
}

static void *rtc_alarm_thread(void *opaque)
{
	struct goldfish_rtc *r = opaque;

	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		rtc_check_alarm(r);
		if (!r->alarm_armed) {
			pthread_cond_wait(&r->wake, &r->lock);
			continue;
		}
		/* The alarm is in guest time; the wait is in host CLOCK_REALTIME. */
		uint64_t        host = r->alarm_ns - (uint64_t)r->offset_ns;
		struct timespec until = { .tv_sec  = (time_t)(host / 1000000000u),
					  .tv_nsec = (long)(host % 1000000000u) };
		pthread_cond_timedwait(&r->wake, &r->lock, &until);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static uint64_t rtc_read(void *opaque, uint64_t off, unsigned size)
{
	struct goldfish_rtc *r = opaque;
	uint64_t             v = 0, now;

	if (size != 4)
		return 0;
	pthread_mutex_lock(&r->lock);
	switch (off) {
	case RTC_TIME_LOW:
		now          = rtc_now(r);
		r->time_high = (uint32_t)(now >> 32);
		v            = (uint32_t)now;
		break;
	case RTC_TIME_HIGH:
		v = r->time_high;
		break;
	case RTC_ALARM_LOW:
		v = (uint32_t)r->alarm_ns;
		break;
	case RTC_ALARM_HIGH:
		v = (uint32_t)(r->alarm_ns >> 32);
		break;
	case RTC_IRQ_ENABLED:
		v = r->irq_enabled;
		break;
	case RTC_ALARM_STATUS:
		v = r->alarm_armed;
		break;
	}
	pthread_mutex_unlock(&r->lock);
	return v;
}

static void rtc_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct goldfish_rtc *r = opaque;
	uint32_t             v = (uint32_t)value;

	if (size != 4)
		return;
	pthread_mutex_lock(&r->lock);
	switch (off) {
	case RTC_TIME_LOW: {
		/* Setting the clock: TIME_HIGH first (latched), then TIME_LOW commits. */
		uint64_t want = ((uint64_t)r->time_high << 32) | v;
		r->offset_ns  = (int64_t)(want - realtime_ns());
		break;
	}
	case RTC_TIME_HIGH:
		r->time_high = v;
		break;
	case RTC_ALARM_HIGH:
		r->alarm_high = v;
		break;
	case RTC_ALARM_LOW:
		r->alarm_ns    = ((uint64_t)r->alarm_high << 32) | v;
		r->alarm_armed = true;
		break;
	case RTC_IRQ_ENABLED:
		r->irq_enabled = v & 1;
		break;
	case RTC_CLEAR_ALARM:
		r->alarm_armed = false;
		break;
	case RTC_CLEAR_INTERRUPT:
		r->irq_pending = false;
		break;
	}
	rtc_check_alarm(r);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

const struct bus_ops goldfish_rtc_ops = { .read = rtc_read, .write = rtc_write };

int goldfish_rtc_init(struct goldfish_rtc *r, struct irq_line irq, struct cerr *e)
{
	memset(r, 0, sizeof(*r));
	r->irq = irq;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL); /* CLOCK_REALTIME, like the alarm */
	int rc = pthread_create(&r->thread, NULL, rtc_alarm_thread, r);
	if (rc != 0) {
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		return cerr_set(e, rc, "goldfish-rtc: starting the alarm thread");
	}
	r->thread_running = true;
	return 0;
}

void goldfish_rtc_destroy(struct goldfish_rtc *r)
{
	if (r->thread_running) {
		pthread_mutex_lock(&r->lock);
		r->stopping = true;
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
		r->thread_running = false;
	}
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
}
