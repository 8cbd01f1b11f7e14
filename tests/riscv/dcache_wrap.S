# Instructions that end a decode-cache generation many times over: satp writes, PMP writes,
# and AMOs and SCs that store into the page they run from. cella empties its decoded cache
# when its generation counter wraps (about every 8000 such events); the instruction doing it
# must still finish with its own operands. Debian's kernel hit this after ~50 s of context
# switches: `csrw satp` then wrote the old satp into x0, and every use of x0 went wrong.
# Checks and loops compare with s3, a zero made without x0, so a corrupt x0 fails the test
# at once instead of looping.
#include "test.h"
#define N 20000

RVTEST_BEGIN
	xor s3, s3, s3
	/* satp (Bare mode is not needed in M-mode: translation never applies here) */
	li TESTNUM, 1
	li s0, N
	li s1, (8 << 60) | 0x80000
1:	addi s1, s1, 1
	csrrw x0, satp, s1
	bne x0, s3, fail
	addi s0, s0, -1
	bne s0, s3, 1b
	csrr t0, satp
	bne t0, s1, fail

	/* pmpaddr: every write recomputes PMP and flushes translations */
	li TESTNUM, 2
	li s0, N
	li s1, -1
2:	csrrw x0, pmpaddr0, s1
	bne x0, s3, fail
	addi s0, s0, -1
	bne s0, s3, 2b

	/* AMOSWAP into the code page: the old value goes to t1, never to x0 */
	li TESTNUM, 3
	li s0, N
	la s2, code_word
3:	mv t2, s0
	amoswap.w t1, t2, (s2)
	bne x0, s3, fail
	addi t3, s0, 1
	li t4, N + 1
	beq t3, t4, 4f              /* the first swap reads the initial value */
	bne t1, t3, fail
4:	addi s0, s0, -1
	bne s0, s3, 3b
	lw t1, 0(s2)
	li t2, 1
	bne t1, t2, fail

	/* LR/SC into the code page: each SC succeeds (t1 = 0) and stores its value */
	li TESTNUM, 4
	li s0, N
5:	lr.w t1, (s2)
	sc.w t1, s0, (s2)
	bne x0, s3, fail
	bne t1, s3, fail
	lw t3, 0(s2)
	bne t3, s0, fail
	addi s0, s0, -1
	bne s0, s3, 5b
RVTEST_END
	.section .text
	.align 2
code_word:
	.word 0
