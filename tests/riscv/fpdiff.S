# F/D differential test: every operation over a table of edge values (zeros, subnormals,
# extremes, infinities, quiet and signalling NaNs, ties) in every rounding mode; each
# (operation, rounding mode) prints a hash of all results and fflags. The same ELF runs in
# QEMU and the outputs must be identical.
#include "test.h"
#define N 16

	.macro HASH reg
	xor s11, s11, \reg
	mul s11, s11, s10
	srli t6, s11, 29
	xor s11, s11, t6
	.endm

	# run \body for every (i, j) pair and every rounding mode; fa0/fa1 (double) or fs0/fs1
	# (single) hold the operands, the body leaves its result bits in a0
	.macro SWEEP rmax, body:vararg
	li s1, 0
1:	csrw frm, s1
	li s2, 0
2:	li s3, 0
3:	slli t0, s2, 3; add t0, t0, s8; fld fa0, 0(t0)
	slli t0, s3, 3; add t0, t0, s8; fld fa1, 0(t0)
	slli t0, s2, 2; add t0, t0, s9; flw fs0, 0(t0)
	slli t0, s3, 2; add t0, t0, s9; flw fs1, 0(t0)
	csrwi fflags, 0
	\body
	HASH a0
	csrr a0, fflags
	HASH a0
	addi s3, s3, 1; li t0, N; blt s3, t0, 3b
	addi s2, s2, 1; blt s2, t0, 2b
	mv a0, s11; jal ra, print_hex; li s11, 0x12345
	addi s1, s1, 1; li t0, \rmax; blt s1, t0, 1b
	.endm

RVTEST_BEGIN
	la s8, dtab; la s9, stab
	li s10, 0x100000001b3
	li s11, 0x12345
	SWEEP 5, fadd.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fsub.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fmul.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fdiv.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fsqrt.d fa2, fa0; fmv.x.d a0, fa2
	SWEEP 1, fmin.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 1, fmax.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fmadd.d fa2, fa0, fa1, fa0; fmv.x.d a0, fa2
	SWEEP 5, fnmsub.d fa2, fa0, fa1, fa1; fmv.x.d a0, fa2
	SWEEP 5, fmsub.d fa2, fa1, fa1, fa0; fmv.x.d a0, fa2
	SWEEP 5, fnmadd.d fa2, fa0, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fcvt.s.d fa2, fa0; fmv.x.d a0, fa2
	SWEEP 1, fcvt.d.s fa2, fs0; fmv.x.d a0, fa2
	SWEEP 5, fcvt.w.d a0, fa0
	SWEEP 5, fcvt.wu.d a0, fa0
	SWEEP 5, fcvt.l.d a0, fa0
	SWEEP 5, fcvt.lu.d a0, fa0
	SWEEP 5, fmv.x.d a1, fa0; fcvt.d.l fa2, a1; fmv.x.d a0, fa2
	SWEEP 5, fmv.x.d a1, fa0; fcvt.d.lu fa2, a1; fmv.x.d a0, fa2
	SWEEP 5, fmv.x.d a1, fa0; fcvt.d.w fa2, a1; fmv.x.d a0, fa2
	SWEEP 1, feq.d a0, fa0, fa1
	SWEEP 1, flt.d a0, fa0, fa1
	SWEEP 1, fle.d a0, fa0, fa1
	SWEEP 1, fclass.d a0, fa0
	SWEEP 1, fsgnjx.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 1, fsgnjn.d fa2, fa0, fa1; fmv.x.d a0, fa2
	SWEEP 5, fadd.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 5, fsub.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 5, fmul.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 5, fdiv.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 5, fsqrt.s fs2, fs0; fmv.x.d a0, fs2
	SWEEP 1, fmin.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 1, fmax.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 5, fmadd.s fs2, fs0, fs1, fs0; fmv.x.d a0, fs2
	SWEEP 5, fnmadd.s fs2, fs1, fs1, fs0; fmv.x.d a0, fs2
	SWEEP 5, fcvt.w.s a0, fs0
	SWEEP 5, fcvt.wu.s a0, fs0
	SWEEP 5, fcvt.l.s a0, fs0
	SWEEP 5, fcvt.lu.s a0, fs0
	SWEEP 5, fmv.x.d a1, fa0; fcvt.s.l fs2, a1; fmv.x.d a0, fs2
	SWEEP 5, fmv.x.d a1, fa0; fcvt.s.wu fs2, a1; fmv.x.d a0, fs2
	SWEEP 1, feq.s a0, fs0, fs1
	SWEEP 1, flt.s a0, fs0, fs1
	SWEEP 1, fle.s a0, fs0, fs1
	SWEEP 1, fclass.s a0, fs0
	SWEEP 1, fsgnj.s fs2, fs0, fs1; fmv.x.d a0, fs2
	SWEEP 1, fmv.x.w a0, fs0
	# NaN-boxing: a double's bits used as a single are the canonical NaN
	SWEEP 1, fadd.s fs2, fa0, fs1; fmv.x.d a0, fs2
	SWEEP 1, fclass.s a0, fa1
RVTEST_END

RVTEST_PRINT_HEX

	.section .data
	.align 3
dtab:	.dword 0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000
	.dword 0x3ff8000000000000, 0x0000000000000001, 0x0010000000000000, 0x7fefffffffffffff
	.dword 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001
	.dword 0x3fd5555555555555, 0x3ff0000000000001, 0xc004000000000000, 0x3ca0000000000000
stab:	.word 0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x00000001, 0x00800000, 0x7f7fffff
	.word 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x3eaaaaab, 0x3f800001, 0xc0200000, 0x33800000
