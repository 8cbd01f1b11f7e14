# RVC: each compressed instruction against its 32-bit meaning.
#include "test.h"
RVTEST_BEGIN
	la s0, buf
	li TESTNUM, 2; li a0, 5; c.addi a0, -3; li t2, 2; bne a0, t2, fail
	li TESTNUM, 3; c.li a0, -32; li t2, -32; bne a0, t2, fail
	li TESTNUM, 4; c.lui a0, 0xfffe1; li t2, -0x1f000; bne a0, t2, fail
	li TESTNUM, 5; li a0, 0x7fffffff; c.addiw a0, 1; li t2, 0xffffffff80000000; bne a0, t2, fail
	li TESTNUM, 6; mv t0, sp; c.addi16sp sp, -64; sub t1, t0, sp; li t2, 64; bne t1, t2, fail; c.addi16sp sp, 64
	li TESTNUM, 7; c.addi4spn a0, sp, 1020; sub t1, a0, sp; li t2, 1020; bne t1, t2, fail
	li TESTNUM, 8; li a0, 1; c.slli a0, 63; li t2, 0x8000000000000000; bne a0, t2, fail
	li TESTNUM, 9; li a0, -1; c.srli a0, 60; li t2, 15; bne a0, t2, fail
	li TESTNUM, 10; li a0, -16; c.srai a0, 2; li t2, -4; bne a0, t2, fail
	li TESTNUM, 11; li a0, 0xff; c.andi a0, 0x0f; li t2, 0xf; bne a0, t2, fail
	li TESTNUM, 12; li a0, 7; li a1, 3; c.sub a0, a1; li t2, 4; bne a0, t2, fail
	li TESTNUM, 13; li a0, 6; c.xor a0, a1; li t2, 5; bne a0, t2, fail
	li TESTNUM, 14; li a0, 4; c.or a0, a1; li t2, 7; bne a0, t2, fail
	li TESTNUM, 15; li a0, 6; c.and a0, a1; li t2, 2; bne a0, t2, fail
	li TESTNUM, 16; li a0, 0x7fffffff; li a1, 1; c.addw a0, a1; li t2, 0xffffffff80000000; bne a0, t2, fail
	li TESTNUM, 17; li a0, 0; c.subw a0, a1; li t2, -1; bne a0, t2, fail
	li TESTNUM, 18; li a1, 42; c.mv a0, a1; li t2, 42; bne a0, t2, fail
	li TESTNUM, 19; li a0, 1; c.add a0, a1; li t2, 43; bne a0, t2, fail
	li TESTNUM, 20; li a1, 0x1234567890; c.sd a1, 8(s0); c.ld a0, 8(s0); bne a0, a1, fail
	li TESTNUM, 21; li a1, -5; c.sw a1, 4(s0); c.lw a0, 4(s0); bne a0, a1, fail
	li TESTNUM, 22; li a1, 77; c.sdsp a1, 16(sp); c.ldsp a0, 16(sp); bne a0, a1, fail
	li TESTNUM, 23; c.swsp a1, 8(sp); c.lwsp a0, 8(sp); bne a0, a1, fail
	li TESTNUM, 24; c.j 1f; j fail
1:	li TESTNUM, 25; li a0, 0; c.beqz a0, 1f; j fail
1:	c.bnez a0, fail
	li TESTNUM, 26; li a0, 1; c.bnez a0, 1f; j fail
1:	li TESTNUM, 27; la t0, 2f; c.jr t0; j fail
2:	li TESTNUM, 28; la t0, 3f; c.jalr t0
4:	j 5f
3:	la t1, 4b; bne ra, t1, fail; ret
5:	# the all-zero halfword is an illegal instruction whose tval is 0
	li TESTNUM, 29; la t0, trap; csrw mtvec, t0; li t1, -1; csrw mtval, t1
	.hword 0
	j fail
	.align 2
trap:	csrr t0, mcause; li t2, 2; bne t0, t2, fail; csrr t0, mtval; bnez t0, fail
	# a 32-bit instruction straddling a page boundary
	li TESTNUM, 30; jal ra, straddle; li t2, 0x555; bne a0, t2, fail
	li TESTNUM, 31; la t0, ebr; csrw mtvec, t0; c.ebreak; j fail
	.align 2
ebr:	csrr t0, mcause; li t2, 3; bne t0, t2, fail
	# compressed FP loads and stores
	la s0, buf
	li TESTNUM, 32; li t0, 0x4000000000000001; fmv.d.x fs0, t0; c.fsd fs0, 16(s0); c.fld fs1, 16(s0)
	fmv.x.d a0, fs1; bne a0, t0, fail
	li TESTNUM, 33; c.fsdsp fs0, 24(sp); c.fldsp fa5, 24(sp); fmv.x.d a0, fa5; bne a0, t0, fail
RVTEST_END
	.section .data
	.align 4
buf: .space 32
	.section .text
	.balign 4096
	.space 4094
	.option push
	.option norvc
straddle: addi a0, zero, 0x555
	ret
	.option pop
