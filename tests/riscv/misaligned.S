# Misaligned loads and stores of every size, within a page and across two, integer and FP:
# done without a trap (mtvec is the test's fail), twice over so that the second pass takes
# the soft-TLB hit. Misaligned LR/SC still trap, with the load or store misaligned cause.
#include "test.h"
#define T(n, ld, off, want) li TESTNUM, n; ld a0, off(s0); li t2, want; bne a0, t2, fail
#define X(n, ld, off, want) li TESTNUM, n; ld a0, off(s2); li t2, want; bne a0, t2, fail
RVTEST_BEGIN
	la s0, buf + 1
	la s2, buf + 4096
	li s1, 2
again:
	li TESTNUM, 2; li t0, 0xf8f7f6f5f4f3f2f1; sd t0, 0(s0); sd zero, 8(s0)
	T(3, ld, 0, 0xf8f7f6f5f4f3f2f1)
	T(4, lw, 1, 0xfffffffff5f4f3f2)
	T(5, lwu, 1, 0xf5f4f3f2)
	T(6, lh, 2, 0xfffffffffffff4f3)
	T(7, lhu, 6, 0xf8f7)
	T(8, lw, 3, 0xfffffffff7f6f5f4)
	li TESTNUM, 9; li t0, 0x1234; sh t0, 4(s0); sw t0, 10(s0)
	T(10, lhu, 4, 0x1234)
	T(11, ld, 3, 0x340000f8f71234f4)
	T(12, lwu, 10, 0x1234)
	/* across the page boundary at buf + 4096 */
	li TESTNUM, 13; li t0, 0x1122334455667788; sd t0, -3(s2)
	X(14, ld, -3, 0x1122334455667788)
	X(15, lw, -2, 0x44556677)
	X(16, lhu, -1, 0x5566)
	X(17, lb, 1, 0x44)
	/* FP loads and stores */
	li TESTNUM, 18; li t0, 0x400921fb54442d18; fmv.d.x ft0, t0; fsd ft0, 5(s0)
	fld ft1, 5(s0); fmv.x.d a0, ft1; bne a0, t0, fail
	li TESTNUM, 19; li t0, 0x40490fdb; fmv.w.x ft2, t0; fsw ft2, -2(s2)
	flw ft3, -2(s2); fmv.x.w a0, ft3; sext.w t0, t0; bne a0, t0, fail
	addi s1, s1, -1
	bnez s1, again
	/* misaligned LR traps as a load, SC as a store (QEMU 7.2 reports a load) */
	li TESTNUM, 20; la t0, lr_trap; csrw mtvec, t0; lr.d a0, (s0); j fail
	.align 2
lr_trap: csrr t0, mcause; li t2, 4; bne t0, t2, fail
	csrr t0, mtval; bne t0, s0, fail
#ifndef QEMU_REFERENCE
	li TESTNUM, 21; la t0, sc_trap; csrw mtvec, t0; sc.w a0, a0, (s0); j fail
	.align 2
sc_trap: csrr t0, mcause; li t2, 6; bne t0, t2, fail
	csrr t0, mtval; bne t0, s0, fail
#endif
RVTEST_END
	.section .data
	.align 12
buf: .space 8192
