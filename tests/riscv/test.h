/* A tiny test framework for bare-metal RISC-V tests (cella's own; the riscv-tests convention
 * of reporting through HTIF tohost): gp holds the current test number; `fail` reports it. */
#define TESTNUM gp

#define PRINT_CHAR(c) li t5, 0x0101000000000000 | (c); la t4, tohost; sd t5, 0(t4)

#define RVTEST_BEGIN                                                   \
	.section .text.init;                                           \
	.globl _start;                                                 \
_start:                                                                \
	la t0, default_trap; csrw mtvec, t0;                           \
	li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0;   \
	li t0, (1 << 13); csrs mstatus, t0; csrwi fcsr, 0;             \
	li TESTNUM, 1;                                                 \
	la sp, stack_top;                                              \
	j test_main;                                                   \
	.align 2;                                                      \
default_trap:                                                          \
	j fail;                                                        \
pass:                                                                  \
	li t0, 1; la t1, tohost; sd t0, 0(t1);                         \
1:	j 1b;                                                          \
fail:                                                                  \
	slli t0, TESTNUM, 1; ori t0, t0, 1; la t1, tohost; sd t0, 0(t1); \
1:	j 1b;                                                          \
test_main:

#define RVTEST_END                                                     \
	j pass;                                                        \
	.section .tohost, "aw", @progbits;                             \
	.align 6; .globl tohost; .type tohost, @object; .size tohost, 8; tohost: .dword 0; \
	.align 6; .globl fromhost; .type fromhost, @object; .size fromhost, 8; fromhost: .dword 0;                 \
	.bss; .align 4; .space 4096; stack_top:;                       \
	.text

/* rd = inst(a, b) must equal want */
#define TEST_RR(n, inst, want, a, b) \
	li TESTNUM, n; li a1, a; li a2, b; inst a0, a1, a2; li t2, want; bne a0, t2, fail
#define TEST_RI(n, inst, want, a, imm) \
	li TESTNUM, n; li a1, a; inst a0, a1, imm; li t2, want; bne a0, t2, fail
#define TEST_R(n, inst, want, a) \
	li TESTNUM, n; li a1, a; inst a0, a1; li t2, want; bne a0, t2, fail
/* reg must equal want */
#define TEST_EQ(n, reg, want) li TESTNUM, n; li t2, want; bne reg, t2, fail
