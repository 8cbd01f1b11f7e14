# What a block compiler gets wrong: registers cached in host registers across the slow path
# of a load or store (x0 too), blocks that touch more guest registers than the host has, a
# fault in the middle of a block (state exact at the faulting instruction), a store that
# rewrites an instruction later in the same block, and a timer interrupt reaching a loop
# that jumps to itself. Runs under --accel jit and --accel interp, and in QEMU.
#include "test.h"
#define MTIMECMP 0x2004000
#define MTIME    0x200bff8

RVTEST_BEGIN
	la t0, mtrap; csrw mtvec, t0

	/* 1. six registers first, so x0 lands in a caller-saved host register; each store and
	 * load touches a page for the first time (a TLB miss: the slow path) */
	li TESTNUM, 1
	la s0, pages
	li s1, 8
1:	li a0, 0x1111; li a1, 0x2222; li a2, 0x3333; li a3, 0x4444; li a4, 0x5555
	li a5, 0x6666
	add t0, zero, a0          /* x0 cached here */
	sd a1, 0(s0)              /* miss */
	add t1, zero, a2          /* x0 must still read 0 */
	ld t2, 0(s0)
	add t3, zero, a3
	li t4, 0x1111; bne t0, t4, fail
	li t4, 0x3333; bne t1, t4, fail
	li t4, 0x2222; bne t2, t4, fail
	li t4, 0x4444; bne t3, t4, fail
	li t4, 0x5555; bne a4, t4, fail
	li t4, 0x6666; bne a5, t4, fail
	li t4, 4096; add s0, s0, t4
	addi s1, s1, -1
	bnez s1, 1b

	/* 2. twenty registers changed in one block, then all checked */
	li TESTNUM, 2
	li x1, 1; li x5, 5; li x6, 6; li x7, 7; li x9, 9; li x10, 10; li x11, 11
	li x12, 12; li x13, 13; li x14, 14; li x15, 15; li x16, 16; li x17, 17; li x18, 18
	li x19, 19; li x20, 20; li x21, 21; li x22, 22; li x23, 23; li x24, 24
	addi x1, x1, 100; addi x5, x5, 100; addi x6, x6, 100; addi x7, x7, 100
	addi x9, x9, 100; addi x10, x10, 100; addi x11, x11, 100; addi x12, x12, 100
	addi x13, x13, 100; addi x14, x14, 100; addi x15, x15, 100; addi x16, x16, 100
	addi x17, x17, 100; addi x18, x18, 100; addi x19, x19, 100; addi x20, x20, 100
	addi x21, x21, 100; addi x22, x22, 100; addi x23, x23, 100; addi x24, x24, 100
	li t2, 101; bne x1, t2, fail
	li t2, 105; bne x5, t2, fail
	li t2, 106; bne x6, t2, fail
	li t2, 109; bne x9, t2, fail
	li t2, 110; bne x10, t2, fail
	li t2, 111; bne x11, t2, fail
	li t2, 112; bne x12, t2, fail
	li t2, 113; bne x13, t2, fail
	li t2, 114; bne x14, t2, fail
	li t2, 115; bne x15, t2, fail
	li t2, 116; bne x16, t2, fail
	li t2, 117; bne x17, t2, fail
	li t2, 118; bne x18, t2, fail
	li t2, 119; bne x19, t2, fail
	li t2, 120; bne x20, t2, fail
	li t2, 121; bne x21, t2, fail
	li t2, 122; bne x22, t2, fail
	li t2, 123; bne x23, t2, fail
	li t2, 124; bne x24, t2, fail

	/* 3. a load from nowhere in the middle of a block: the instructions before it are done,
	 * its destination and the ones after it are not; mepc and minstret are exact */
	li TESTNUM, 3
	li s1, 0; li a0, 7; li a1, 0; li a2, 0
	csrr s4, minstret
	addi a1, a1, 1            /* done before the fault */
	addi a2, a2, 2
	.globl at_fault
at_fault:
	ld a0, 0(zero)            /* access fault */
	addi a1, a1, 100          /* after the handler */
	li t2, 1; bne s1, t2, fail            /* the handler ran once */
	li t2, 7; bne a0, t2, fail            /* the destination kept its value */
	li t2, 101; bne a1, t2, fail
	li t2, 2; bne a2, t2, fail
	la t2, at_fault; bne s2, t2, fail     /* mepc */
#ifndef QEMU_REFERENCE
	/* retired: csrr s4, two addi, then the handler's csrr, bltz, csrr before its csrr s3 */
	sub t3, s3, s4; li t2, 6; bne t3, t2, fail
#endif

	/* 4. a store rewriting an instruction later in the same block takes effect, without a
	 * FENCE.I (cella promises it; the spec, and QEMU for RISC-V, do not) */
#ifndef QEMU_REFERENCE
	li TESTNUM, 4
	la t0, patched
	li t1, 0x00100513         /* addi a0, zero, 1 */
	li a0, 0
	sw t1, 0(t0)
	.option push
	.option norvc             /* four bytes, as the word written over it */
patched:
	addi a0, zero, 2
	.option pop
	li t2, 1; bne a0, t2, fail
#endif

	/* 5. a timer interrupt stops a loop that jumps to itself */
	li TESTNUM, 5
	li s1, 0
	li t0, MTIME; ld t1, 0(t0); addi t1, t1, 200
	li t0, MTIMECMP; sd t1, 0(t0)
	li t0, 1 << 7; csrs mie, t0
	csrsi mstatus, 8
	li s5, 0
2:	addi s5, s5, 1
	beqz s1, 2b               /* until the handler sets s1 */
	csrci mstatus, 8
	li t2, 2; bne s1, t2, fail            /* it was the timer */
	j pass

	.align 2
mtrap:
	csrr t0, mcause
	bltz t0, 3f
	csrr s2, mepc
	csrr s3, minstret
	addi t1, s2, 4; csrw mepc, t1
	addi s1, s1, 1
	mret
3:	li s1, 2                  /* the timer: push it away, disable it */
	li t0, MTIMECMP; li t1, -1; sd t1, 0(t0)
	li t0, 1 << 7; csrc mie, t0
	mret
RVTEST_END
	.data
	.align 12
pages:	.space 4096 * 8
