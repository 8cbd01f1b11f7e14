/* Unit tests for src/hw/bus.c: window lookup, overlap refusal, bounds of guest memory. */
#include <stdint.h>

#include "check.h"
#include "hw/bus.h"

struct reg_dev {
	uint64_t last_off, last_val;
	unsigned last_size;
};

static uint64_t reg_read(void *opaque, uint64_t off, unsigned size)
{
	struct reg_dev *d = opaque;
	d->last_off  = off;
	d->last_size = size;
	return 0x1000 + off;
}

static void reg_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
	struct reg_dev *d = opaque;
	d->last_off  = off;
	d->last_val  = val;
	d->last_size = size;
}

static const struct bus_ops reg_ops = { .read = reg_read, .write = reg_write };

static void bus_routes_to_the_right_window(void)
{
	static struct bus b;
	struct reg_dev    d1 = { 0 }, d2 = { 0 };
	struct cerr       e;
	uint64_t          v;

	b.n = 0;
	CHECK_INT(bus_map(&b, "uart", 0x10000000, 0x100, &reg_ops, &d1, &e), 0);
	CHECK_INT(bus_map(&b, "rtc", 0x101000, 0x1000, &reg_ops, &d2, &e), 0);
	CHECK(bus_read(&b, 0x10000005, 1, &v));
	CHECK_INT(v, 0x1005);
	CHECK_INT(d1.last_off, 5);
	CHECK(bus_write(&b, 0x101010, 4, 0xabcd));
	CHECK_INT(d2.last_val, 0xabcd);
	CHECK_INT(d2.last_size, 4);
	CHECK(!bus_read(&b, 0x10000100, 1, &v));       /* just past the window */
	CHECK(!bus_read(&b, 0x100000fc, 8, &v));       /* straddles the end */
	CHECK(!bus_write(&b, 0x0, 4, 1));              /* nothing there */
}

static void bus_refuses_overlaps_and_bad_sizes(void)
{
	static struct bus b;
	struct reg_dev    d = { 0 };
	struct cerr       e;

	b.n = 0;
	CHECK_INT(bus_map(&b, "a", 0x1000, 0x1000, &reg_ops, &d, &e), 0);
	CHECK_INT(bus_map(&b, "b", 0x1800, 0x1000, &reg_ops, &d, &e), -1);
	CHECK(strstr(e.msg, "overlaps `a`") != NULL);
	CHECK_INT(bus_map(&b, "c", 0x0, 0x1001, &reg_ops, &d, &e), -1);
	CHECK_INT(bus_map(&b, "d", 0x5000, 0, &reg_ops, &d, &e), -1);
	CHECK_INT(bus_map(&b, "e", UINT64_MAX - 10, 0x100, &reg_ops, &d, &e), -1);
	CHECK_INT(bus_map(&b, "f", 0x2000, 0x1000, &reg_ops, &d, &e), 0);
	CHECK_INT(b.n, 2);
}

static void guest_mem_checks_every_bound(void)
{
	static uint8_t   ram[4096];
	struct guest_mem m = { 0 };
	struct cerr      e;
	uint8_t          buf[16];

	CHECK_INT(guest_mem_add(&m, 0x80000000, sizeof(ram), ram, &e), 0);
	CHECK(guest_mem_ptr(&m, 0x80000000, 4096) == ram);
	CHECK(guest_mem_ptr(&m, 0x80000ff0, 16) == ram + 0xff0);
	CHECK(guest_mem_ptr(&m, 0x80000ff0, 17) == NULL);
	CHECK(guest_mem_ptr(&m, 0x7fffffff, 2) == NULL);
	CHECK(guest_mem_ptr(&m, 0x80000001, UINT64_MAX) == NULL);
	CHECK(guest_mem_ptr(&m, UINT64_MAX, 2) == NULL);
	CHECK_INT(guest_mem_write(&m, 0x80000010, "hello", 5), 0);
	CHECK_INT(guest_mem_read(&m, 0x80000010, buf, 5), 0);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_INT(guest_mem_read(&m, 0x80000ffc, buf, 8), -1);
}

int main(void)
{
	check_suite = "unit/hw_bus";
	RUN(bus_routes_to_the_right_window);
	RUN(bus_refuses_overlaps_and_bad_sizes);
	RUN(guest_mem_checks_every_bound);
	return check_failed_count ? 1 : 0;
}
