# Four harts (run with --smp 4): each starts at the entry with a0 = its hart id and sets its
# bit with an AMO; hart 0 waits for all four bits and checks a shared LR/SC counter.
#include "test.h"
RVTEST_BEGIN
	la t0, mask; li t1, 1; sll t1, t1, a0; amoor.d zero, t1, (t0)
	la t0, counter; li t3, 1000
1:	lr.d t1, (t0); addi t1, t1, 1; sc.d t2, t1, (t0); bnez t2, 1b
	addi t3, t3, -1; bnez t3, 1b
	la t0, done; li t1, 1; amoadd.d zero, t1, (t0)
	bnez a0, park
	li TESTNUM, 2; la t0, done; li t2, 4
2:	ld t1, 0(t0); bne t1, t2, 2b
	la t0, mask; ld t1, 0(t0); li t2, 0xf; bne t1, t2, fail
	li TESTNUM, 3; la t0, counter; ld t1, 0(t0); li t2, 4000; bne t1, t2, fail
	j pass
park:	wfi
	j park
RVTEST_END
	.section .data
	.align 6
mask:	.dword 0
	.align 6
counter: .dword 0
	.align 6
done:	.dword 0
