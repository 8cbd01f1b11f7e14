/* Unit tests for the virt board's small devices: the test finisher and the Goldfish RTC. */
#include <time.h>

#include "check.h"
#include "hw/misc/sifive_test.h"
#include "hw/rtc/goldfish_rtc.h"

static int power_calls, power_event, power_code;

static void record_power(void *opaque, enum power_event ev, int code)
{
	(void)opaque;
	power_calls++;
	power_event = ev;
	power_code  = code;
}

static void sifive_test_commands(void)
{
	struct sifive_test t = { .power = record_power };

	power_calls = 0;
	sifive_test_ops.write(&t, 0, 0x5555, 4);
	CHECK_INT(power_calls, 1);
	CHECK_INT(power_event, POWER_OFF);
	CHECK_INT(power_code, 0);
	sifive_test_ops.write(&t, 0, 0x7777, 4);
	CHECK_INT(power_event, POWER_RESET);
	sifive_test_ops.write(&t, 0, (42u << 16) | 0x3333, 4);
	CHECK_INT(power_event, POWER_OFF);
	CHECK_INT(power_code, 42);
	sifive_test_ops.write(&t, 0, 0x1234, 4);  /* unknown: nothing */
	sifive_test_ops.write(&t, 8, 0x5555, 4);  /* other offset: nothing */
	CHECK_INT(power_calls, 3);
}

static int rtc_irq;

static void record_rtc(void *opaque, unsigned num, int level)
{
	(void)opaque, (void)num;
	rtc_irq = level;
}

static uint64_t rtc_time(struct goldfish_rtc *r)
{
	uint64_t lo = goldfish_rtc_ops.read(r, 0x00, 4);
	uint64_t hi = goldfish_rtc_ops.read(r, 0x04, 4);
	return hi << 32 | lo;
}

static void goldfish_rtc_reads_and_sets_time(void)
{
	static struct goldfish_rtc r;
	struct cerr                e;
	struct timespec            ts;

	CHECK_INT(goldfish_rtc_init(&r, (struct irq_line){ record_rtc, NULL, 0 }, &e), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t host = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	uint64_t t    = rtc_time(&r);
	CHECK(t >= host && t - host < 1000000000u);

	/* the guest sets the clock to 2001-09-09 (1e9 s): an offset, the host is untouched */
	uint64_t want = 1000000000ull * 1000000000ull;
	goldfish_rtc_ops.write(&r, 0x04, want >> 32, 4);
	goldfish_rtc_ops.write(&r, 0x00, (uint32_t)want, 4);
	t = rtc_time(&r);
	CHECK(t >= want && t - want < 1000000000u);
	goldfish_rtc_destroy(&r);
}

static void goldfish_rtc_alarm_fires(void)
{
	static struct goldfish_rtc r;
	struct cerr                e;

	rtc_irq = 0;
	CHECK_INT(goldfish_rtc_init(&r, (struct irq_line){ record_rtc, NULL, 0 }, &e), 0);
	goldfish_rtc_ops.write(&r, 0x10, 1, 4);             /* IRQ_ENABLED */
	uint64_t when = rtc_time(&r) + 20000000;            /* 20 ms */
	goldfish_rtc_ops.write(&r, 0x0c, when >> 32, 4);
	goldfish_rtc_ops.write(&r, 0x08, (uint32_t)when, 4);
	CHECK_INT(goldfish_rtc_ops.read(&r, 0x18, 4), 1);    /* armed */
	CHECK_INT(rtc_irq, 0);
	for (int i = 0; i < 2000 && !rtc_irq; i++) {
		struct timespec tick = { 0, 1000000 };
		nanosleep(&tick, NULL);
	}
	CHECK_INT(rtc_irq, 1);
	CHECK_INT(goldfish_rtc_ops.read(&r, 0x18, 4), 0);    /* fired: no longer armed */
	goldfish_rtc_ops.write(&r, 0x1c, 1, 4);             /* CLEAR_INTERRUPT */
	CHECK_INT(rtc_irq, 0);
	goldfish_rtc_destroy(&r);
}

int main(void)
{
	check_suite = "unit/hw_misc";
	RUN(sifive_test_commands);
	RUN(goldfish_rtc_reads_and_sets_time);
	RUN(goldfish_rtc_alarm_fires);
	return check_failed_count ? 1 : 0;
}
