# Code under a changing mapping: decoded instructions must follow the page tables. In S-mode
# with Sv39, a virtual code page is remapped to another physical page (SFENCE.VMA of that
# address, of all addresses, and of that address in one ASID), code is rewritten behind a
# mapping (FENCE.I), a 2 MiB superpage is remapped with an SFENCE.VMA of a different 4 KiB
# page inside it, and one of six pages 256 KiB apart (so they share decode-cache slots in
# cella, more than it tracks per group) is remapped. Each time the next call must run the
# new code.
#include "test.h"
#define MPP_MASK (3 << 11)
#define TO_MODE(m) li t0, MPP_MASK; csrc mstatus, t0; li t0, (m) << 11; csrs mstatus, t0; \
	la t0, 9f; csrw mepc, t0; mret; 9:
/* PTE for a physical address held in a register */
#define PTE_REG(table, idx, reg, flags) srli t0, reg, 12; slli t0, t0, 10; ori t0, t0, flags; \
	la t1, table; sd t0, (idx) * 8(t1)
#define PTE(table, idx, target, flags) la t2, target; PTE_REG(table, idx, t2, flags)
/* call va, expect a0 == want */
#define CALL(n, va, want) li TESTNUM, n; li a0, -1; li t0, va; jalr ra, t0; li t2, want; bne a0, t2, fail
#define LI_A0(v) (((v) << 20) | 0x513)   /* addi a0, zero, v */
#define RET 0x00008067                   /* jalr zero, 0(ra) */
#define VA_C 0x40000000
#define VA_D 0x40001000
#define VA_M 0x40200000                  /* a megapage */
#define PA_M1 0x80200000
#define PA_M2 0x80400000
#define XFLAGS 0xcb                      /* V R X A D */
#define VA_G 0x40010000                  /* six pages 256 KiB apart */
#define PTE_G(k, target) la t2, target; srli t0, t2, 12; slli t0, t0, 10; ori t0, t0, XFLAGS; \
	la t1, pt0; li t3, (16 + 64 * (k)) * 8; add t1, t1, t3; sd t0, 0(t1)

RVTEST_BEGIN
	# identity gigapage for this program (V R W X A D), 4 KiB pages at 0x40000000
	li t0, 0x80000000 >> 12; slli t0, t0, 10; ori t0, t0, 0xcf; la t1, pt2; sd t0, 16(t1)
	PTE(pt2, 1, pt1, 0x01)
	PTE(pt1, 0, pt0, 0x01)
	PTE(pt0, 0, code_a, XFLAGS)
	PTE(pt0, 1, code_a, XFLAGS)
	# the two megapages' code, 4 KiB into each
	li t1, PA_M1 + 0x1000; li t0, LI_A0(4); sw t0, 0(t1); li t0, RET; sw t0, 4(t1)
	li t1, PA_M2 + 0x1000; li t0, LI_A0(5); sw t0, 0(t1); li t0, RET; sw t0, 4(t1)
	li t2, PA_M1; PTE_REG(pt1, 1, t2, XFLAGS)
	PTE_G(0, code_a); PTE_G(1, code_a); PTE_G(2, code_a); PTE_G(3, code_a); PTE_G(4, code_a)
	PTE_G(5, code_a)
	fence.i
	la t0, pt2; srli t0, t0, 12; li t1, (8 << 60) | (1 << 44); or t0, t0, t1; csrw satp, t0
	sfence.vma
	TO_MODE(1)

	CALL(2, VA_C, 1)
	# remap one page, SFENCE.VMA of its address
	PTE(pt0, 0, code_b, XFLAGS); li t0, VA_C; sfence.vma t0
	CALL(3, VA_C, 2)
	# remap it again, SFENCE.VMA of all addresses
	PTE(pt0, 0, code_a, XFLAGS); sfence.vma
	CALL(4, VA_C, 1)
	# remap it, SFENCE.VMA of its address in the current ASID (1)
	PTE(pt0, 0, code_b, XFLAGS); li t0, VA_C; li t1, 1; sfence.vma t0, t1
	CALL(5, VA_C, 2)
	# rewrite the code behind the mapping (through the identity map), FENCE.I
	la t1, code_b; li t0, LI_A0(6); sw t0, 0(t1); fence.i
	CALL(6, VA_C, 6)
	# code written to a page never run, then mapped in place of a page that ran
	CALL(7, VA_D, 1)
	la t1, code_c; li t0, LI_A0(7); sw t0, 0(t1); li t0, RET; sw t0, 4(t1); fence.i
	PTE(pt0, 1, code_c, XFLAGS); li t0, VA_D; sfence.vma t0
	CALL(8, VA_D, 7)
	# the old physical page is unchanged and still reachable through VA_C's new mapping
	PTE(pt0, 0, code_a, XFLAGS); li t0, VA_C; sfence.vma t0
	CALL(9, VA_C, 1)
	# a megapage: run code 4 KiB into it, remap the megapage, fence a different 4 KiB page of it
	CALL(10, VA_M + 0x1000, 4)
	li t2, PA_M2; PTE_REG(pt1, 1, t2, XFLAGS); li t0, VA_M + 0x5000; sfence.vma t0
	CALL(11, VA_M + 0x1000, 5)
	# and back, fencing the megapage's last byte
	li t2, PA_M1; PTE_REG(pt1, 1, t2, XFLAGS); li t0, VA_M + 0x1fffff; sfence.vma t0
	CALL(12, VA_M + 0x1000, 4)
	# six pages sharing cache slots: run all, remap the last, fence it; then the first
	CALL(13, VA_G, 1); CALL(14, VA_G + 0x40000, 1); CALL(15, VA_G + 0x80000, 1)
	CALL(16, VA_G + 0xc0000, 1); CALL(17, VA_G + 0x100000, 1); CALL(18, VA_G + 0x140000, 1)
	PTE_G(5, code_c); li t0, VA_G + 0x140000; sfence.vma t0
	CALL(19, VA_G + 0x140000, 7)
	PTE_G(0, code_c); li t0, VA_G; sfence.vma t0
	CALL(20, VA_G, 7)
	CALL(21, VA_G + 0x40000, 1)
RVTEST_END

	.section .data
	.balign 4096
pt2:	.space 4096
pt1:	.space 4096
pt0:	.space 4096
code_a:	.word LI_A0(1), RET
	.balign 4096
code_b:	.word LI_A0(2), RET
	.balign 4096
code_c:	.word 0, 0
	.balign 4096
