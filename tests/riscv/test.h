/* A tiny test framework for bare-metal RISC-V tests (cella's own; the riscv-tests convention
 * of reporting through HTIF tohost): gp holds the current test number; `fail` reports it.
 * pass and fail write tohost again and again, as the official suites do: the run must end at
 * the first write (and report once). */
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
	li t0, 1; la t1, tohost;                                       \
1:	sd t0, 0(t1); j 1b;                                            \
fail:                                                                  \
	slli t0, TESTNUM, 1; ori t0, t0, 1; la t1, tohost;             \
1:	sd t0, 0(t1); j 1b;                                            \
test_main:

#define RVTEST_END                                                     \
	j pass;                                                        \
	.section .tohost, "aw", @progbits;                             \
	.align 6; .globl tohost; .type tohost, @object; .size tohost, 8; tohost: .dword 0; \
	.align 6; .globl fromhost; .type fromhost, @object; .size fromhost, 8; fromhost: .dword 0;                 \
	.bss; .align 4; .space 4096; stack_top:;                       \
	.text

/* print_hex: a0 as 16 hex digits and a newline on the HTIF console, for programs whose
 * output is compared with QEMU's; clobbers t1-t5. Placed once, after RVTEST_END. */
#define RVTEST_PRINT_HEX                                               \
	.section .text;                                                \
	.align 2;                                                      \
print_hex:                                                             \
	li t1, 60;                                                     \
1:	srl t2, a0, t1; andi t2, t2, 15; li t3, 10; blt t2, t3, 2f;    \
	addi t2, t2, 'a' - '0' - 10;                                   \
2:	addi t2, t2, '0'; li t5, 0x0101000000000000; or t5, t5, t2;    \
	la t4, tohost; sd t5, 0(t4);                                   \
	addi t1, t1, -4; bgez t1, 1b;                                  \
	li t5, 0x010100000000000a; la t4, tohost; sd t5, 0(t4);        \
	ret

/* rd = inst(a, b) must equal want */
#define TEST_RR(n, inst, want, a, b) \
	li TESTNUM, n; li a1, a; li a2, b; inst a0, a1, a2; li t2, want; bne a0, t2, fail
#define TEST_RI(n, inst, want, a, imm) \
	li TESTNUM, n; li a1, a; inst a0, a1, imm; li t2, want; bne a0, t2, fail
#define TEST_R(n, inst, want, a) \
	li TESTNUM, n; li a1, a; inst a0, a1; li t2, want; bne a0, t2, fail
/* reg must equal want */
#define TEST_EQ(n, reg, want) li TESTNUM, n; li t2, want; bne reg, t2, fail
