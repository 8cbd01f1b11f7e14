# Privileged architecture: M/S/U switches, traps and delegation, Sv39 with A/D bits, SUM, MXR,
# MPRV, counter enables, interrupts (software, Sstc timer, vectored), WFI/TW, PMP.
#include "test.h"
#define MPP_MASK (3 << 11)
#define TO_MODE(m) li t0, MPP_MASK; csrc mstatus, t0; li t0, (m) << 11; csrs mstatus, t0; \
	la t0, 9f; csrw mepc, t0; mret; 9:
#define TO_M la a6, 9f; li a7, 1; ecall; 9: li a7, 0
#define CLEAR li s2, -1; li s3, -1
#define EXPECT(n, cause) li TESTNUM, n; li t2, cause; bne s2, t2, fail
#define PTE(table, idx, target, flags) la t0, target; srli t0, t0, 12; slli t0, t0, 10; \
	ori t0, t0, flags; la t1, table; sd t0, (idx) * 8(t1)
#define VA_U 0x40000000
#define VA_K 0x40001000
#define VA_X 0x40002000
#define VA_NONE 0x40003000
#define VA_RO 0x40004000
RVTEST_BEGIN
	la t0, mtrap; csrw mtvec, t0
	la t0, strap; csrw stvec, t0
	li a7, 0
	# misa: RV64 with I M A F D C S U
	li TESTNUM, 2; csrr t0, misa; li t1, (1 << 8) | (1 << 12) | 1 | (1 << 5) | (1 << 3) | (1 << 2) | (1 << 18) | (1 << 20)
	and t2, t0, t1; bne t2, t1, fail; bgez t0, fail
	# illegal instruction: writing a read-only CSR; mtval holds the instruction bits
	CLEAR; 1: csrw mhartid, zero; EXPECT(3, 2)
	li TESTNUM, 4; la t0, 1b; lwu t0, 0(t0); bne s3, t0, fail
	# ecall from M, S, U
	CLEAR; ecall; EXPECT(5, 11)
	TO_MODE(1); CLEAR; ecall; EXPECT(6, 9)
	# S cannot read M CSRs
	CLEAR; csrr t0, mscratch; EXPECT(7, 2)
	TO_M
	TO_MODE(0); CLEAR; ecall; EXPECT(8, 8)
	# counters from U: allowed by mcounteren and scounteren, else illegal
	CLEAR; rdcycle t0; EXPECT(9, 2)
	TO_M; li t0, 7; csrw mcounteren, t0; csrw scounteren, t0
	TO_MODE(0); CLEAR; rdinstret t0; rdcycle t1; EXPECT(10, -1)
	TO_M
	# delegation of U ecalls to S
	li t0, 1 << 8; csrw medeleg, t0
	TO_MODE(0); CLEAR; ecall; EXPECT(11, 8)
	li TESTNUM, 12; li t2, 1; bne s5, t2, fail  # it was the S handler
	TO_M; csrw medeleg, zero

	# Sv39: identity gigapage for code/data, a 4 KiB table at 0x40000000
	li t0, 0x80000000 >> 12; slli t0, t0, 10; ori t0, t0, 0xcf; la t1, pt2; sd t0, 16(t1)
	PTE(pt2, 1, pt1, 0x01)
	PTE(pt1, 0, pt0, 0x01)
	PTE(pt0, 0, upage, 0x17)               # V R W U, A/D clear
	PTE(pt0, 1, kpage, 0x07)               # V R W, A/D clear
	PTE(pt0, 2, xpage, 0x49)               # V X A
	PTE(pt0, 4, ropage, 0x43)              # V R A
	la t0, pt2; srli t0, t0, 12; li t1, 8 << 60; or t0, t0, t1; csrw satp, t0
	sfence.vma
	TO_MODE(1)
	CLEAR; li t0, VA_K; ld t1, 0(t0); EXPECT(13, -1)
	TO_M
	li TESTNUM, 14; la t0, pt0; ld t1, 8(t0); andi t2, t1, 0xc0; li t3, 0x40; bne t2, t3, fail
	TO_MODE(1)
	li t0, VA_K; sd t0, 0(t0)
	TO_M
	li TESTNUM, 15; la t0, pt0; ld t1, 8(t0); andi t2, t1, 0xc0; li t3, 0xc0; bne t2, t3, fail
	li TESTNUM, 16; la t0, kpage; ld t1, 0(t0); li t2, VA_K; bne t1, t2, fail
	TO_MODE(1)
	# S touching a U page needs SUM
	CLEAR; li t0, VA_U; ld t1, 0(t0); EXPECT(17, 13)
	li TESTNUM, 18; li t2, VA_U; bne s3, t2, fail
	li t0, 1 << 18; csrs sstatus, t0
	CLEAR; li t0, VA_U; ld t1, 0(t0); EXPECT(19, -1)
	li t0, 1 << 18; csrc sstatus, t0
	CLEAR; li t0, VA_NONE; ld t1, 0(t0); EXPECT(20, 13)
	CLEAR; li t0, VA_RO; sd t1, 0(t0); EXPECT(21, 15)
	CLEAR; li t0, VA_RO; ld t1, 0(t0); EXPECT(22, -1)
	# misaligned: within a page it just works; across into an unmapped page it faults
	CLEAR; li t0, VA_RO + 4090; lw t1, 0(t0); EXPECT(63, -1)
	CLEAR; li t0, VA_RO + 4094; lw t1, 0(t0); EXPECT(64, 13)
	# execute-only needs MXR to be read
	CLEAR; li t0, VA_X; ld t1, 0(t0); EXPECT(23, 13)
	li t0, 1 << 19; csrs sstatus, t0
	CLEAR; li t0, VA_X; ld t1, 0(t0); EXPECT(24, -1)
	li t0, 1 << 19; csrc sstatus, t0
	# fetch from a page without X
	CLEAR; li t0, VA_K; jalr ra, t0; EXPECT(25, 12)
	# a non-canonical address
	CLEAR; li t0, 0x0000800000000000; ld t1, 0(t0); EXPECT(26, 13)
	TO_M
	# U mode: its own page works, the supervisor page faults (code becomes a U page)
	la t1, pt2; ld t0, 16(t1); ori t0, t0, 0x10; sd t0, 16(t1); sfence.vma
	TO_MODE(0)
	CLEAR; li t0, VA_U; ld t1, 0(t0); EXPECT(27, -1)
	CLEAR; li t0, VA_K; ld t1, 0(t0); EXPECT(28, 13)
	TO_M
	la t1, pt2; ld t0, 16(t1); andi t0, t0, ~0x10; sd t0, 16(t1); sfence.vma
	# MPRV: M-mode loads through S translation
	li t0, MPP_MASK; csrc mstatus, t0; li t0, (1 << 17) | (1 << 11); csrs mstatus, t0
	CLEAR; li t0, VA_K; ld t1, 0(t0); EXPECT(29, -1)
	li TESTNUM, 30; li t2, VA_K; bne t1, t2, fail
	CLEAR; li t0, VA_NONE; ld t1, 0(t0); li t0, 1 << 17; csrc mstatus, t0; EXPECT(31, 13)
	# Sv48: one more level above the same tables
	PTE(pt3, 0, pt2, 0x01)
	la t0, pt3; srli t0, t0, 12; li t1, 9 << 60; or t0, t0, t1; csrw satp, t0; sfence.vma
	li TESTNUM, 42; csrr t1, satp; srli t1, t1, 60; li t2, 9; bne t1, t2, fail
	TO_MODE(1)
	CLEAR; li t0, VA_K; ld t1, 0(t0); EXPECT(43, -1)
	li TESTNUM, 44; li t2, VA_K; bne t1, t2, fail
	CLEAR; li t0, VA_NONE; ld t1, 0(t0); EXPECT(45, 13)
	CLEAR; li t0, 0x0000800000000000; ld t1, 0(t0); EXPECT(46, 13)
	TO_M
	# an unsupported satp mode leaves satp unchanged
	li TESTNUM, 32; csrr t1, satp; li t0, 15 << 60; csrw satp, t0; csrr t2, satp; bne t1, t2, fail
	csrw satp, zero; sfence.vma

	# a supervisor software interrupt delegated to S
	li t0, 2; csrw mideleg, t0; csrw mie, t0
	TO_MODE(1)
	CLEAR; csrsi sstatus, 2; csrsi sip, 2; nop; EXPECT(33, 0x8000000000000001)
	csrci sstatus, 2
	TO_M
#ifndef QEMU_REFERENCE /* QEMU 7.2's spike machine has no Sstc */
	# Sstc: stimecmp in the past raises a delegated supervisor timer interrupt
	li t0, 1; slli t0, t0, 63; csrs menvcfg, t0
	li t0, 0x20; csrw mideleg, t0; csrw mie, t0
	TO_MODE(1)
	li t0, -1; csrw stimecmp, t0; csrsi sstatus, 2
	CLEAR; csrw stimecmp, zero; nop; EXPECT(34, 0x8000000000000005)
	# WFI sleeps until stimecmp is due (2 ms ahead), then the interrupt is taken
	csrci sstatus, 2
	csrr t1, time; li t2, 20000; add t1, t1, t2; csrw stimecmp, t1
	CLEAR; csrsi sstatus, 2; wfi; nop; EXPECT(61, 0x8000000000000005)
	li TESTNUM, 62; csrr t3, time; bltu t3, t1, fail
	csrci sstatus, 2
	TO_M
#endif
	# an undelegated interrupt taken from S goes to M, vectored to base + 4 * cause
	csrw mideleg, zero; li t0, 2; csrw mie, t0
	la t0, mvec; ori t0, t0, 1; csrw mtvec, t0
	TO_MODE(1)
	CLEAR; li s6, 0; csrsi sip, 0; 
	TO_M
	csrsi mip, 2; TO_MODE(1); nop; nop; EXPECT(35, 0x8000000000000001)
	li TESTNUM, 36; li t2, 1; bne s6, t2, fail
	TO_M
	la t0, mtrap; csrw mtvec, t0; csrw mie, zero
	# WFI: returns at once with an interrupt pending (even disabled); TW makes it illegal in S
	csrsi mip, 2; li t0, 2; csrw mie, t0; csrci mstatus, 8; wfi; csrci mip, 2; csrw mie, zero
	li t0, 1 << 21; csrs mstatus, t0
	TO_MODE(1); CLEAR; wfi; EXPECT(37, 2)
	TO_M
	li t0, 1 << 21; csrc mstatus, t0

	# PMP: entry 0 denies one page to S/U, entry 1 allows the rest
	la t0, denypage; srli t0, t0, 2; ori t0, t0, 0x1ff; csrw pmpaddr0, t0
	li t0, -1; csrw pmpaddr1, t0
	li t0, 0x1f18; csrw pmpcfg0, t0
	CLEAR; la t0, denypage; ld t1, 0(t0); EXPECT(38, -1)
	TO_MODE(1); CLEAR; la t0, denypage; ld t1, 0(t0); EXPECT(39, 5)
	CLEAR; la t0, denypage; sd t1, 0(t0); EXPECT(40, 7)
	TO_M
	li TESTNUM, 41; csrr t0, pmpcfg0; li t1, 0x1f18; bne t0, t1, fail
#ifndef QEMU_REFERENCE /* QEMU's TCG instret follows host time, not instructions */
	# counters: instret counts retired instructions exactly; a write is what the next read sees
	li TESTNUM, 47; csrr a0, minstret; nop; nop; csrr a1, minstret; sub a1, a1, a0; li t2, 3; bne a1, t2, fail
	li TESTNUM, 48; li t0, 1000; csrw minstret, t0; csrr a1, minstret; li t2, 1000; bne a1, t2, fail
	# mcountinhibit.IR stops minstret (but not mcycle); clearing it resumes from there
	li TESTNUM, 65; csrsi mcountinhibit, 4; csrr a0, minstret; nop; nop; csrr a1, minstret; bne a0, a1, fail
	li TESTNUM, 66; csrr a2, mcycle; nop; csrr a3, mcycle; beq a2, a3, fail
	li TESTNUM, 67; csrci mcountinhibit, 4; csrr a2, minstret; bne a2, a1, fail     # the clearing csrci is not counted
	li TESTNUM, 68; nop; csrr a3, minstret; sub a3, a3, a2; li t2, 4; bne a3, t2, fail
#endif
	# FS: off makes FP instructions illegal; a write makes it dirty and sets SD
	li t0, 3 << 13; csrc mstatus, t0
	CLEAR; fadd.d f1, f2, f3; EXPECT(49, 2)
	CLEAR; csrr t0, fflags; EXPECT(50, 2)
	li t0, 1 << 13; csrs mstatus, t0
	li TESTNUM, 51; csrr t0, mstatus; bltz t0, fail
	fmv.d.x f1, zero
	li TESTNUM, 52; csrr t0, mstatus; bgez t0, fail; srli t1, t0, 13; andi t1, t1, 3; li t2, 3; bne t1, t2, fail
	# TSR: sret in S is illegal; TVM: satp and sfence.vma in S are illegal
	li t0, (1 << 22) | (1 << 20); csrs mstatus, t0
	TO_MODE(1)
	CLEAR; sret; EXPECT(53, 2)
	CLEAR; csrr t0, satp; EXPECT(54, 2)
	CLEAR; sfence.vma; EXPECT(55, 2)
	TO_M
	li t0, (1 << 22) | (1 << 20); csrc mstatus, t0
	# a locked PMP entry binds M-mode too; TOR ranges (entry 1 = [pmpaddr0, pmpaddr1))
	la t0, denypage; srli t0, t0, 2; csrw pmpaddr0, t0
	la t0, denypage + 4096; srli t0, t0, 2; csrw pmpaddr1, t0
	li t0, -1; csrw pmpaddr2, t0
	li t0, (0x1f << 16) | (0x89 << 8); csrw pmpcfg0, t0
	CLEAR; la t0, denypage; ld t1, 0(t0); EXPECT(56, -1)
	CLEAR; la t0, denypage; sd t1, 0(t0); EXPECT(57, 7)
	li TESTNUM, 58; li t0, 0xff00; csrc pmpcfg0, t0; csrr t1, pmpcfg0; srli t1, t1, 8; andi t1, t1, 0xff; li t2, 0x89; bne t1, t2, fail
	li TESTNUM, 59; csrr t1, pmpaddr0; csrw pmpaddr0, zero; csrr t2, pmpaddr0; bne t1, t2, fail
	CLEAR; la t0, denypage + 4096; sd t1, 0(t0); EXPECT(60, -1)
RVTEST_END

	.section .text
	.align 6
mvec:	j mtrap
	j mvec_ssi
	.align 2
mvec_ssi:
	li s6, 1
	j mtrap

	.align 2
mtrap:	csrr s2, mcause; csrr s3, mtval
	bltz s2, m_irq
	li t0, 1; beq a7, t0, m_back
	li t0, 12; beq s2, t0, m_fetch
	csrr t0, mepc; lhu t1, 0(t0); andi t1, t1, 3; li t2, 3
	addi t0, t0, 2; bne t1, t2, 1f; addi t0, t0, 2
1:	csrw mepc, t0; mret
m_fetch: csrw mepc, ra; mret
m_back:	li t0, 8; bltu s2, t0, fail; li t0, 11; bgtu s2, t0, fail
	li t0, MPP_MASK; csrs mstatus, t0; jr a6
m_irq:	csrci mip, 2; csrw mie, zero; mret

	.align 2
strap:	li s5, 1; csrr s2, scause; csrr s3, stval
	bltz s2, s_irq
	li t0, 1; beq a7, t0, s_back
	csrr t0, sepc; addi t0, t0, 4; csrw sepc, t0; sret
s_back:	ecall
s_irq:	csrci sip, 2; slli t0, s2, 1; srli t0, t0, 1; li t1, 5; bne t0, t1, 1f
	li t0, -1; csrw stimecmp, t0
1:	sret

	.section .data
	.balign 4096
pt3:	.space 4096
pt2:	.space 4096
pt1:	.space 4096
pt0:	.space 4096
upage:	.space 4096
kpage:	.space 4096
xpage:	.space 4096
ropage:	.space 4096
denypage: .space 4096
