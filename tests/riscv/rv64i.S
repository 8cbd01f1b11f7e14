# RV64I: arithmetic, logic, shifts, compares, loads/stores, branches, jumps, and x0.
#include "test.h"
RVTEST_BEGIN
	TEST_RR(2, add, 5, 2, 3)
	TEST_RR(3, add, 0, -1, 1)
	TEST_RR(4, sub, -1, 2, 3)
	TEST_RR(5, sll, 0x8000000000000000, 1, 63)
	TEST_RR(6, sll, 2, 1, 65)
	TEST_RR(7, srl, 1, 0x8000000000000000, 63)
	TEST_RR(8, sra, -1, 0x8000000000000000, 63)
	TEST_RR(9, slt, 1, -1, 0)
	TEST_RR(10, sltu, 0, -1, 0)
	TEST_RR(11, xor, 0xf0f0, 0xff00, 0x0ff0)
	TEST_RR(12, or, 0xfff0, 0xff00, 0x0ff0)
	TEST_RR(13, and, 0x0f00, 0xff00, 0x0ff0)
	TEST_RI(14, addi, -2048, 0, -2048)
	TEST_RI(15, slti, 1, -5, -4)
	TEST_RI(16, sltiu, 1, 5, -1)
	TEST_RI(17, xori, ~0x123, 0x123, -1)
	TEST_RI(18, slli, 0x100000000, 1, 32)
	TEST_RI(19, srli, 0x7fffffffffffffff, -1, 1)
	TEST_RI(20, srai, -1, -2, 1)
	TEST_RI(21, addiw, 0xffffffff80000000, 0x7fffffff, 1)
	TEST_RI(22, slliw, 0xffffffff80000000, 1, 31)
	TEST_RI(23, srliw, 0x7fffffff, -1, 1)
	TEST_RI(24, sraiw, 0xffffffffffffffff, 0x80000000, 31)
	TEST_RR(25, addw, 0, 0xffffffff, 1)
	TEST_RR(26, subw, 0xffffffff80000000, 0x7fffffff, -1)
	TEST_RR(27, sllw, 0xffffffff80000000, 1, 63)
	TEST_RR(28, srlw, 1, 0x80000000, 31)
	TEST_RR(29, sraw, -1, 0x80000000, 63)
	li TESTNUM, 30; lui a0, 0x80000; li t2, 0xffffffff80000000; bne a0, t2, fail
	li TESTNUM, 31; 1: auipc a0, 0; la a1, 1b; bne a0, a1, fail
	# x0 stays zero
	li TESTNUM, 32; li x0, 5; addi a0, x0, 0; bnez a0, fail
	# loads and stores, signed and unsigned
	la s0, data
	li TESTNUM, 33; li t0, 0x8182838485868788; sd t0, 0(s0)
	lb a0, 0(s0); li t2, 0xffffffffffffff88; bne a0, t2, fail
	li TESTNUM, 34; lbu a0, 7(s0); li t2, 0x81; bne a0, t2, fail
	li TESTNUM, 35; lh a0, 6(s0); li t2, 0xffffffffffff8182; bne a0, t2, fail
	li TESTNUM, 36; lhu a0, 2(s0); li t2, 0x8586; bne a0, t2, fail
	li TESTNUM, 37; lw a0, 4(s0); li t2, 0xffffffff81828384; bne a0, t2, fail
	li TESTNUM, 38; lwu a0, 4(s0); li t2, 0x81828384; bne a0, t2, fail
	li TESTNUM, 39; ld a0, 0(s0); bne a0, t0, fail
	li TESTNUM, 40; sb zero, 1(s0); sh zero, 4(s0); sw zero, 8(s0); ld a0, 0(s0)
	li t2, 0x8182000085860088; bne a0, t2, fail
	# misaligned accesses are done by the CPU
	li TESTNUM, 41; li t0, 0x1122334455667788; sd t0, 3(s0); ld a0, 3(s0); bne a0, t0, fail
	lw a0, 5(s0); li t2, 0x33445566; bne a0, t2, fail
	# branches both ways
	li TESTNUM, 42; li a1, -1; li a2, 1
	blt a2, a1, fail; bge a1, a2, fail; bltu a1, a2, fail; bgeu a2, a1, fail
	beq a1, a2, fail; bne a1, a1, fail
	blt a1, a2, 1f; j fail
1:	bgeu a1, a2, 1f; j fail
1:	# jal/jalr link and target
	li TESTNUM, 43; jal ra, 2f
1:	j fail
2:	la t0, 1b; bne ra, t0, fail
	li TESTNUM, 44; la t0, 3f; addi t0, t0, 1; jalr ra, 0(t0); j fail
3:	# fence and fence.i decode
	fence; fence.i
	# self-modifying code: the decoded-instruction cache must notice
	li TESTNUM, 45
	la t0, smc; li t1, 0x00700513; sw t1, 0(t0); fence.i   # addi a0, zero, 7
	jal ra, smc; li t2, 7; bne a0, t2, fail
	li t1, 0x00900513; sw t1, 0(t0); fence.i               # addi a0, zero, 9
	jal ra, smc; li t2, 9; bne a0, t2, fail
	# misaligned across a page boundary, load and store
	li TESTNUM, 46; la t0, page2; addi t0, t0, -3; li t1, 0x0102030405060708; sd t1, 0(t0)
	ld a0, 0(t0); bne a0, t1, fail
	lbu a0, 3(t0); li t2, 0x05; bne a0, t2, fail
	lw a0, 1(t0); li t2, 0x04050607; bne a0, t2, fail
RVTEST_END
	.section .data
	.align 4
data: .space 32
	.balign 4096
	.space 4096
page2:	.space 64
	.section .text
	.align 2
	.option push
	.option norvc
smc:	addi a0, zero, 0
	ret
	.option pop
