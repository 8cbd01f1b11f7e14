/* The virt board's power-off / reset register; see sifive_test.h. */
#include "hw/misc/sifive_test.h"

#define SIFIVE_TEST_FAIL 0x3333
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_RESET 0x7777

static uint64_t sifive_test_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque, (void)off, (void)size;
	return 0;
}

static void sifive_test_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct sifive_test *t = opaque;

	if (off != 0 || size < 2 || !t->power)
		return;
	switch (value & 0xffff) {
	case SIFIVE_TEST_PASS:
		t->power(t->opaque, POWER_OFF, 0);
		break;
	case SIFIVE_TEST_FAIL: {
		int code = (int)((value >> 16) & 0xffff);
		t->power(t->opaque, POWER_OFF, code ? code : 1);
		break;
	}
	case SIFIVE_TEST_RESET:
		t->power(t->opaque, POWER_RESET, 0);
		break;
	default:
		break; /* an unknown command does nothing, as on QEMU */
	}
}

const struct bus_ops sifive_test_ops = { .read = sifive_test_read, .write = sifive_test_write };
