/* The "test finisher" at 0x100000 on QEMU's virt board (sifive,test0): a write of 0x5555
 * powers off, 0x7777 resets, 0x3333 | code << 16 powers off with a failure code. Linux and
 * OpenSBI reach it through syscon-poweroff / syscon-reboot nodes. The machine decides what
 * power-off means (usually: stop the harts, exit with the status). */
#ifndef CELLA_HW_MISC_SIFIVE_TEST_H
#define CELLA_HW_MISC_SIFIVE_TEST_H

#include "hw/bus.h"

#define SIFIVE_TEST_WINDOW_SIZE 0x1000

enum power_event { POWER_OFF, POWER_RESET };

struct sifive_test {
	/* exit_code is 0 for a plain power-off, the guest's code for a failure */
	void (*power)(void *opaque, enum power_event ev, int exit_code);
	void *opaque;
};

extern const struct bus_ops sifive_test_ops;

#endif
