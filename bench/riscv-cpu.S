# CPU-bound guest for bench/riscv-cpu.sh: Sv39 paging on, U-mode loop mixing integer ops,
# loads/stores and branches; M-mode prints minstret (hex) over HTIF and exits.
#include "test.h"
#define ITERS 15000000
RVTEST_BEGIN
	la t0, mtrap; csrw mtvec, t0
	li t0, -1; csrw mcounteren, t0
	# identity gigapage for 0x80000000, user-accessible
	li t0, (0x80000000 >> 12) << 10 | 0xdf; la t1, pt2; sd t0, 16(t1)
	srli t1, t1, 12; li t0, 8 << 60; or t0, t0, t1; csrw satp, t0; sfence.vma
	li t0, 3 << 11; csrc mstatus, t0
	la t0, user; csrw mepc, t0
	csrw minstret, zero
	mret
	.align 2
mtrap:	csrr a0, minstret
	jal ra, print_hex
	j pass
	.align 2
user:	la a4, buf; li a5, 4095 & ~15; li a1, 0; li a2, ITERS; li t1, 1; li t2, 2; li s1, 0
1:	add a0, a4, a1
	ld t0, 0(a0)
	add t1, t1, t0
	xor t2, t2, t1
	slli t3, t2, 3
	srli t4, t3, 7
	sd t4, 8(a0)
	addi a1, a1, 16
	and a1, a1, a5
	bltu t1, t2, 2f
	addi s1, s1, 1
2:	addi a2, a2, -1
	bnez a2, 1b
	ecall
RVTEST_END
RVTEST_PRINT_HEX
	.section .data
	.balign 4096
pt2:	.space 4096
buf:	.space 4096
