/* The Goldfish real-time clock (Android emulator's, on QEMU's virt board at 0x101000): a
 * nanosecond wall clock read as TIME_LOW then TIME_HIGH, and one alarm that raises its
 * interrupt line when the clock passes it. */
#ifndef CELLA_HW_RTC_GOLDFISH_RTC_H
#define CELLA_HW_RTC_GOLDFISH_RTC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/timer.h"

#define GOLDFISH_RTC_WINDOW_SIZE 0x1000

struct goldfish_rtc {
	pthread_mutex_t lock;
	struct hw_timer timer;
	int64_t         offset_ns;     /* guest time = host CLOCK_REALTIME + offset */
	uint32_t        time_high;     /* latched by a TIME_LOW read */
	uint64_t        alarm_ns;
	bool            alarm_armed;
	uint32_t        alarm_high;    /* ALARM_HIGH written before ALARM_LOW arms it */
	bool            irq_enabled;
	bool            irq_pending;
	struct irq_line irq;
};

extern const struct bus_ops goldfish_rtc_ops;

int goldfish_rtc_init(struct goldfish_rtc *r, struct irq_line irq, struct cerr *e);
void goldfish_rtc_destroy(struct goldfish_rtc *r);

#endif
