# Trap round trips for bench/riscv-cpu.sh: S-mode ecall -> M handler -> mret, 2 million times.
#include "test.h"
RVTEST_BEGIN
	la t0, h; csrw mtvec, t0
	li t0, 3 << 11; csrc mstatus, t0
	li t0, 1 << 11; csrs mstatus, t0      # MPP = S
	la t0, s; csrw mepc, t0
	li s1, 2000000
	mret
	.align 2
h:	addi s1, s1, -1
	beqz s1, pass
	csrr t0, mepc; addi t0, t0, 4; csrw mepc, t0
	mret
	.align 2
s:	li a0, 0
1:	addi a0, a0, 1
	ld a1, 0(sp)
	ecall
	j 1b
RVTEST_END
