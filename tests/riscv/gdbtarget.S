/* The program tests/integration/riscv-gdb.sh debugs: known register and memory values at
 * labelled places, a loop to break in (with a limit the debugger patches), a trap to step
 * into, a second hart that counts, and a flag the debugger clears to keep hart 0 spinning
 * until Ctrl-C. Run alone (one hart, no debugger) it passes at once. */
#include "test.h"

RVTEST_BEGIN
	csrr t0, mhartid
	bnez t0, hart1
	la t0, gdb_handler
	csrw mtvec, t0
	li s0, 0x1234
	li s1, 0
	.option push
	.option norvc          /* 4-byte instructions the test can patch and step over */
	.globl gdb_loop
gdb_loop:
	addi s1, s1, 1
	.globl gdb_limit
gdb_limit:
	li t0, 10              /* the debugger rewrites this to `li t0, 3` */
	blt s1, t0, gdb_loop
	.globl gdb_step
gdb_step:
	li a2, 5
	.option pop
	c.addi a2, 1           /* a compressed instruction: this step is 2 bytes */
	slli a2, a2, 4
	la a3, gdb_data
	ld a4, 0(a3)
	.globl gdb_ecall
gdb_ecall:
	ecall                  /* a step from here stops at gdb_handler */
	.globl gdb_spin
gdb_spin:
	la t0, gdb_release
	ld t0, 0(t0)
	beqz t0, gdb_spin
	la t0, gdb_data
	ld t1, 0(t0)
	li t2, 0x1122334455667788
	bne t1, t2, fail
	j pass

	.align 2
	.globl gdb_handler
gdb_handler:
	csrr t0, mepc
	addi t0, t0, 4
	csrw mepc, t0
	mret

hart1:
	li s3, 0
	.globl gdb_hart1
gdb_hart1:
	addi s3, s3, 1
	j gdb_hart1
RVTEST_END

	.data
	.align 3
	.globl gdb_data
gdb_data:
	.dword 0x1122334455667788
	.globl gdb_release
gdb_release:
	.dword 1
