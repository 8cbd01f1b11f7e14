# 64 harts (run with --smp 64, the most QEMU's virt board has, and cella's): each sets its bit
# in a shared mask with an AMO; hart 0 waits for all 64. The board's PLIC then has 128
# contexts (M and S of each hart).
#include "test.h"
RVTEST_BEGIN
	la t0, mask; li t1, 1; sll t1, t1, a0; amoor.d zero, t1, (t0)
	bnez a0, park
	li TESTNUM, 2; la t0, mask; li t2, -1
1:	ld t1, 0(t0); bne t1, t2, 1b
	j pass
park:	wfi
	j park
RVTEST_END
	.section .data
	.align 6
mask:	.dword 0
