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

static uint64_t rtc_now(const struct goldfish_rtc *r)
{
	return hw_clock_ns(CLOCK_REALTIME) + (uint64_t)r->offset_ns;
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

/* The alarm thread's fire(): the alarm in host CLOCK_REALTIME nanoseconds. */
static uint64_t rtc_fire(void *opaque)
{
	struct goldfish_rtc *r = opaque;

	rtc_check_alarm(r);
	return r->alarm_armed ? r->alarm_ns - (uint64_t)r->offset_ns : HW_TIMER_NEVER;
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
		r->offset_ns  = (int64_t)(want - hw_clock_ns(CLOCK_REALTIME));
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
	hw_timer_kick(&r->timer);
	pthread_mutex_unlock(&r->lock);
}

const struct bus_ops goldfish_rtc_ops = { .read = rtc_read, .write = rtc_write };

int goldfish_rtc_init(struct goldfish_rtc *r, struct irq_line irq, struct cerr *e)
{
	memset(r, 0, sizeof(*r));
	r->irq = irq;
	pthread_mutex_init(&r->lock, NULL);
	if (hw_timer_start(&r->timer, &r->lock, CLOCK_REALTIME, rtc_fire, r, e) < 0) {
		pthread_mutex_destroy(&r->lock);
		return cerr_wrap(e, "goldfish-rtc");
	}
	return 0;
}

void goldfish_rtc_destroy(struct goldfish_rtc *r)
{
	hw_timer_stop(&r->timer);
	pthread_mutex_destroy(&r->lock);
}
