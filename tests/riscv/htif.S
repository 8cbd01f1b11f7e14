# HTIF: the run ends at the first write to tohost, as under Spike and QEMU. What the program
# does after it (print on the board's UART, report a failure) must have no effect.
#include "test.h"
RVTEST_BEGIN
	la t1, tohost; li t2, 0x10000000; li t3, 'X'; li t4, 5 << 1 | 1; li t0, 1
	sd t0, 0(t1)            # pass: the run ends here
	sb t3, 0(t2)            # never printed
	sd t4, 0(t1)            # never reported
	j fail
RVTEST_END
