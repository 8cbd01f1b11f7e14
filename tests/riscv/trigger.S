# Sdtrig triggers: software finds them (tselect read back, tinfo, disabled after tdata1 = 0),
# and an execute, load or store address match raises a breakpoint before the instruction,
# with mepc and mtval; on code already decoded and data pages already in the TLB; AMO and LR
# as loads, SC not; NAPOT, >= and < ranges; S mode; not in M mode while MIE is 0. The trap
# handler counts breakpoints in s9, keeps mepc/mtval in s10/s11 and skips the instruction.
#include "test.h"
#define MC(bits)  ((2 << 60) | (bits))        /* mcontrol */
#define MC6(bits) ((6 << 60) | (bits))        /* mcontrol6 */
#define M_ (1 << 6)
#define S_ (1 << 4)
#define X_ (1 << 2)
#define ST (1 << 1)
#define LD 1
#define NAPOT (1 << 7)
#define GE (2 << 7)
#define LT (3 << 7)
#define ARM(sel, t1, addr) li t0, sel; csrw tselect, t0; la t0, addr; csrw tdata2, t0; \
	li t0, t1; csrw tdata1, t0
/* no mode enabled (QEMU 7.2 ignores tdata1 = 0) */
#define OFF(sel) li t0, sel; csrw tselect, t0; li t0, MC(0); csrw tdata1, t0
#define TRAPS(n, count) li TESTNUM, n; li t2, count; bne s9, t2, fail
RVTEST_BEGIN
	.option norvc                  # the handler skips 4-byte instructions
	la t0, trap; csrw mtvec, t0
	csrsi mstatus, 8               # MIE: triggers fire in M mode
	li s9, 0
	la s0, data

	# at least two triggers, both of type 2 and 6, disabled once tdata1 is written with 0
	li TESTNUM, 2; li t0, 1; csrw tselect, t0; csrr t1, tselect; bne t0, t1, fail
#ifndef QEMU_REFERENCE
	/* QEMU 7.2 has no tinfo and only type 2 */
	li TESTNUM, 3; csrr t0, tinfo; andi t1, t0, 0x44; li t2, 0x44; bne t1, t2, fail
	li TESTNUM, 4; csrw tdata1, zero; csrr t0, tdata1; srli t0, t0, 60; li t2, 15; bne t0, t2, fail
	li TESTNUM, 5; li t0, -1; csrw tselect, t0; csrr t1, tselect; beq t0, t1, fail
#endif

	# execute, on code that already ran (decoded before the trigger was armed)
	li TESTNUM, 6; jal ra, func; li t2, 1; bne a0, t2, fail; TRAPS(7, 0)
	ARM(0, MC(M_ | X_), func)
	li a0, 0; jal ra, func; TRAPS(8, 1)
	li TESTNUM, 9; bnez a0, fail                 # li a0, 1 did not run
	la t0, func; bne s10, t0, fail
#ifndef QEMU_REFERENCE
	/* mtval: the address (QEMU 7.2 writes 0, which the spec allows too, and sets no hit
	 * bit, which is optional) */
	bne s11, t0, fail
#endif
#ifndef QEMU_REFERENCE
	li TESTNUM, 10; csrr t0, tdata1; li t1, 1 << 20; and t0, t0, t1; beqz t0, fail # hit
#endif
#ifndef QEMU_REFERENCE
	/* held back while MIE is 0 (QEMU 7.2 fires), and fires again once it is set */
	csrci mstatus, 8; li a0, 0; jal ra, func; csrsi mstatus, 8
	li TESTNUM, 11; li t2, 1; bne a0, t2, fail; TRAPS(12, 1)
	li a0, 0; jal ra, func; TRAPS(13, 2)
#endif
	li s9, 0; OFF(0); li a0, 0; jal ra, func; TRAPS(14, 0)

	# load, equal, on a page already in the TLB; any byte of the access matches
	lw t0, 4(s0)
	ARM(1, MC(M_ | LD), data + 4)
	li TESTNUM, 15; la t3, data + 4; lw t0, 4(s0); TRAPS(16, 1)
#ifndef QEMU_REFERENCE
	bne s11, t3, fail
#endif
	lw t0, 0(s0); sw t0, 4(s0); TRAPS(17, 1)     # other bytes; a store
	OFF(1)
#ifndef QEMU_REFERENCE
	/* QEMU 7.2 compares only an access's first byte, takes AMOs as stores only, and has
	 * neither mcontrol6 nor ranges */
	ARM(1, MC(M_ | LD), data + 4)
	ld t0, 0(s0); TRAPS(18, 2)                   # data..data+7 holds data+4
	amoadd.w t0, zero, (t3); TRAPS(19, 3)        # an AMO loads
	lr.w t0, (t3); TRAPS(20, 4)
	sc.w t0, zero, (t3); TRAPS(21, 4)            # an SC does not
	OFF(1)

	# store, mcontrol6, NAPOT over data+16..data+31: the store is not done
	ARM(0, MC6(M_ | ST | NAPOT), data + 16 + 7)
	li s9, 0; li t1, 0x55; sw t1, 20(s0); TRAPS(22, 1)
	lw t0, 20(s0); li TESTNUM, 23; bnez t0, fail
	sw t1, 32(s0); sw t1, 12(s0); TRAPS(24, 1)
	li TESTNUM, 25; csrr t0, tdata1; li t1, 1 << 22; and t0, t0, t1; beqz t0, fail # hit0
	OFF(0)
	# >= and <
	ARM(0, MC(M_ | LD | GE), data + 64)
	lw t0, 60(s0); TRAPS(26, 1)
	lw t0, 62(s0); TRAPS(27, 2)                  # bytes data+62..65
	OFF(0)
	ARM(0, MC(M_ | LD | LT), data + 64)
	lw t0, 64(s0); TRAPS(28, 2)
	lw t0, 60(s0); TRAPS(29, 3)
	OFF(0)
#endif

	# S mode: a trigger for S fires there (to M: breakpoints are not delegated), one for M not
	li s9, 0
	ARM(0, MC(S_ | LD), data + 4)
	la s8, 1f; li t0, 3 << 11; csrc mstatus, t0; li t0, 1 << 11; csrs mstatus, t0
	la t0, smode; csrw mepc, t0; mret
1:	TRAPS(30, 1)
	ARM(0, MC(M_ | LD), data + 4)
	la s8, 1f; li t0, 3 << 11; csrc mstatus, t0; li t0, 1 << 11; csrs mstatus, t0
	la t0, smode; csrw mepc, t0; mret
1:	TRAPS(31, 1)
	OFF(0)
	j pass

smode:	lw t0, 4(s0); ecall

	.align 2
func:	li a0, 1
	ret

	.align 2
trap:	csrr t0, mcause; li t1, 9; beq t0, t1, from_s
	li t1, 3; bne t0, t1, fail
	addi s9, s9, 1; csrr s10, mepc; csrr s11, mtval
	addi t0, s10, 4; csrw mepc, t0; mret
from_s:	li t0, 3 << 11; csrs mstatus, t0; csrw mepc, s8; mret
RVTEST_END
	.section .data
	.align 6
data:	.space 128
