# RV64A: LR/SC pairs (success, failure without a reservation, after an intervening store)
# and every AMO in word and doubleword form, with sign-extension of word results.
#include "test.h"
#define AMO(n, inst, init, src, old, new) \
	li TESTNUM, n; li t0, init; sd t0, 0(s0); li a1, src; inst a0, a1, (s0); \
	li t2, old; bne a0, t2, fail; ld a3, 0(s0); li t2, new; bne a3, t2, fail
RVTEST_BEGIN
	la s0, buf
	AMO(2, amoswap.d, 5, 7, 5, 7)
	AMO(3, amoadd.d, 5, -7, 5, -2)
	AMO(4, amoxor.d, 0xff, 0x0f, 0xff, 0xf0)
	AMO(5, amoand.d, 0xff, 0x0f, 0xff, 0x0f)
	AMO(6, amoor.d, 0xf0, 0x0f, 0xf0, 0xff)
	AMO(7, amomin.d, -1, 1, -1, -1)
	AMO(8, amomax.d, -1, 1, -1, 1)
	AMO(9, amominu.d, -1, 1, -1, 1)
	AMO(10, amomaxu.d, -1, 1, -1, -1)
	AMO(11, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
	AMO(12, amoswap.w, 0x1234567880000000, 1, 0xffffffff80000000, 0x1234567800000001)
	AMO(13, amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
	AMO(14, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
	AMO(15, amomax.w, 0x80000000, 1, 0xffffffff80000000, 1)
	AMO(16, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
	AMO(17, amoor.w, 0, 0x80000000, 0, 0x80000000)
	AMO(18, amoand.w.aqrl, 0xffffffffffffffff, 0, 0xffffffffffffffff, 0xffffffff00000000)
	AMO(19, amoxor.w, 0, 0xffffffff, 0, 0xffffffff)
	# LR/SC success
	li TESTNUM, 20; li t0, 10; sd t0, 0(s0)
	lr.d a0, (s0); addi a0, a0, 1; sc.d a1, a0, (s0); bnez a1, fail
	ld a2, 0(s0); li t2, 11; bne a2, t2, fail
	# SC without a reservation fails and does not store
	li TESTNUM, 21; li t0, 99; sc.d a1, t0, (s0); beqz a1, fail
	ld a2, 0(s0); li t2, 11; bne a2, t2, fail
	# an intervening store of a different value breaks the reservation
	li TESTNUM, 22; lr.w a0, (s0); li t0, 12; sw t0, 0(s0); sc.w a1, a0, (s0); beqz a1, fail
	li TESTNUM, 23; lr.w a0, (s0); addi t1, s0, 4; sc.w a1, zero, (t1); beqz a1, fail
	# misaligned AMO: store/AMO address misaligned (QEMU 7.2 reports a load misaligned here)
	li TESTNUM, 24; la t0, trap; csrw mtvec, t0; addi a0, s0, 1; amoadd.d a1, a1, (a0); j fail
	.align 2
trap:	csrr t0, mcause; li t2, 6; bne t0, t2, fail
	csrr t0, mtval; bne t0, a0, fail
RVTEST_END
	.section .data
	.align 4
buf: .space 16
