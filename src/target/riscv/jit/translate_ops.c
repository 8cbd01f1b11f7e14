/* The translator's arithmetic: RV64I/M register and immediate operations, Zba, Zbb and Zbs,
 * each as a few host instructions over cached guest registers. Results are computed before
 * the destination is claimed, so rd may be any of the sources. */
#include "target/riscv/jit/translate.h"

#include "target/riscv/ops.h"

#define B (&t->b)

static void jt_patch_here(struct jt *t, uint8_t *field)
{
	if (!t->b.full)
		x86_patch32(field, t->b.p);
}

/* rd = rs1 op rs2, 64-bit */
static void jt_rr(struct jt *t, const struct rv_dec *d, enum xalu op, bool commutes)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2), r = jt_def(t, d->rd);

	if (r == a) {
		x86_alu_rr(B, true, op, r, c);
	} else if (r == c) {
		if (commutes) {
			x86_alu_rr(B, true, op, r, a);
		} else {
			x86_mov_rr(B, X_RAX, a);
			x86_alu_rr(B, true, op, X_RAX, c);
			x86_mov_rr(B, r, X_RAX);
		}
	} else {
		x86_mov_rr(B, r, a);
		x86_alu_rr(B, true, op, r, c);
	}
}

/* rd = sext32(rs1 op rs2) */
static void jt_rr_w(struct jt *t, const struct rv_dec *d, enum xalu op)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	x86_mov_rr32(B, X_RAX, a);
	x86_alu_rr(B, false, op, X_RAX, c);
	x86_movsxd(B, jt_def(t, d->rd), X_RAX);
}

/* rd = rs1 op imm (logic) */
static void jt_ri(struct jt *t, const struct rv_dec *d, enum xalu op)
{
	unsigned a = jt_get(t, d->rs1), r = jt_def(t, d->rd);
	if (r != a)
		x86_mov_rr(B, r, a);
	x86_alu_ri(B, true, op, r, d->imm);
}

static void jt_shift_i(struct jt *t, const struct rv_dec *d, enum xshift op, bool w)
{
	unsigned a = jt_get(t, d->rs1);
	unsigned n = (unsigned)d->imm & (w ? 31 : 63);
	if (w) {
		x86_mov_rr32(B, X_RAX, a);
		x86_shift_ri(B, false, op, X_RAX, n);
		x86_movsxd(B, jt_def(t, d->rd), X_RAX);
		return;
	}
	unsigned r = jt_def(t, d->rd);
	if (r != a)
		x86_mov_rr(B, r, a);
	x86_shift_ri(B, true, op, r, n);
}

/* shift or rotate by rs2 (the host masks the count as RISC-V does) */
static void jt_shift_r(struct jt *t, const struct rv_dec *d, enum xshift op, bool w)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	x86_mov_rr(B, X_RCX, c);
	if (w) {
		x86_mov_rr32(B, X_RAX, a);
		x86_shift_cl(B, false, op, X_RAX);
		x86_movsxd(B, jt_def(t, d->rd), X_RAX);
	} else {
		x86_mov_rr(B, X_RAX, a);
		x86_shift_cl(B, true, op, X_RAX);
		x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
	}
}

/* rd = (rs1 <cc> src) ? 1 : 0, src a register or (imm_op) the immediate */
static void jt_set(struct jt *t, const struct rv_dec *d, enum xcc cc, bool imm_op)
{
	unsigned a = jt_get(t, d->rs1), c = imm_op ? 0 : jt_get(t, d->rs2);
	x86_mov_ri(B, X_RAX, 0);                 /* before the compare: xor sets flags */
	if (imm_op)
		x86_alu_ri(B, true, X_CMP, a, d->imm);
	else
		x86_alu_rr(B, true, X_CMP, a, c);
	x86_setcc(B, cc, X_RAX);
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* high half of the 128-bit product: grp3 /5 imul (signed) or /4 mul (unsigned) */
static void jt_mulh(struct jt *t, const struct rv_dec *d, unsigned ext, bool su)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	x86_mov_rr(B, X_RAX, a);
	x86_grp3(B, true, ext, c);
	if (su) {
		/* signed x unsigned = unsigned product, less rs2 << 64 when rs1 < 0 */
		x86_mov_rr(B, X_RCX, a);
		x86_shift_ri(B, true, X_SAR, X_RCX, 63);
		x86_alu_rr(B, true, X_AND, X_RCX, c);
		x86_alu_rr(B, true, X_SUB, X_RDX, X_RCX);
	}
	x86_mov_rr(B, jt_def(t, d->rd), X_RDX);
}

/* DIV/DIVU/REM/REMU and their W forms, with RISC-V's results for a zero divisor and for
 * the one signed overflow (which would fault on the host). */
static void jt_div(struct jt *t, const struct rv_dec *d, bool sign, bool rem, bool w)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	uint8_t *ovf = NULL, *done2 = NULL;

	if (w) {
		x86_mov_rr32(B, X_RCX, c);
		x86_mov_rr32(B, X_RAX, a);
	} else {
		x86_mov_rr(B, X_RCX, c);
		x86_mov_rr(B, X_RAX, a);
	}
	x86_test_rr(B, !w, X_RCX, X_RCX);
	uint8_t *zero = x86_jcc32(B, X_E);
	if (sign) {
		x86_alu_ri(B, !w, X_CMP, X_RCX, -1);
		uint8_t *normal = x86_jcc32(B, X_NE);
		if (w) {
			x86_alu_ri(B, false, X_CMP, X_RAX, INT32_MIN);
		} else {
			x86_mov_ri(B, X_RDX, (uint64_t)INT64_MIN);
			x86_alu_rr(B, true, X_CMP, X_RAX, X_RDX);
		}
		ovf = x86_jcc32(B, X_E);
		jt_patch_here(t, normal);
		x86_cqo(B, !w);
		x86_grp3(B, !w, 7, X_RCX);            /* idiv */
	} else {
		x86_mov_ri(B, X_RDX, 0);
		x86_grp3(B, !w, 6, X_RCX);            /* div */
	}
	if (rem)
		x86_mov_rr(B, X_RAX, X_RDX);
	uint8_t *done = x86_jmp32(B);
	jt_patch_here(t, zero);
	if (!rem)
		x86_mov_ri(B, X_RAX, UINT64_MAX);     /* x / 0 = all ones; x % 0 = x (in rax) */
	if (sign) {
		done2 = x86_jmp32(B);
		jt_patch_here(t, ovf);
		if (rem)
			x86_mov_ri(B, X_RAX, 0);      /* MIN % -1 = 0; MIN / -1 = MIN (in rax) */
		jt_patch_here(t, done2);
	}
	jt_patch_here(t, done);
	if (w)
		x86_movsxd(B, jt_def(t, d->rd), X_RAX);
	else
		x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* rd = rs2 + (rs1 [zero-extended from 32 bits] << sh) */
static void jt_shadd(struct jt *t, const struct rv_dec *d, unsigned sh, bool uw)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	if (uw) {
		x86_mov_rr32(B, X_RAX, a);
		a = X_RAX;
	}
	x86_lea_sib(B, true, X_RAX, c, a, sh, 0);
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* count leading/trailing zeros or ones set; w: of the low 32 bits */
static void jt_count(struct jt *t, const struct rv_dec *d, unsigned kind, bool w)
{
	unsigned a = jt_get(t, d->rs1), bits = w ? 32 : 64;

	if (kind == 2) {                              /* cpop */
		x86_f3_rr(B, !w, 0xb8, X_RAX, a);
	} else if (kind == 0 && t->j->has_lzcnt) {    /* clz */
		x86_f3_rr(B, !w, 0xbd, X_RAX, a);
	} else if (kind == 1 && t->j->has_bmi1) {     /* ctz */
		x86_f3_rr(B, !w, 0xbc, X_RAX, a);
	} else if (kind == 0) {
		/* bsr: index of the top set bit (ZF when the source is 0): clz = bits-1 - index,
		 * and an index of -1 for 0 gives bits */
		x86_mov_ri(B, X_RDX, UINT64_MAX);
		x86_bs_rr(B, !w, 0xbd, X_RCX, a);
		x86_cmov(B, true, X_E, X_RCX, X_RDX);
		x86_mov_ri(B, X_RAX, bits - 1);
		x86_alu_rr(B, true, X_SUB, X_RAX, X_RCX);
	} else {
		x86_mov_ri(B, X_RDX, bits);
		x86_bs_rr(B, !w, 0xbc, X_RAX, a);        /* bsf */
		x86_cmov(B, true, X_E, X_RAX, X_RDX);
	}
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

static void jt_minmax(struct jt *t, const struct rv_dec *d, enum xcc take_rs2)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	x86_mov_rr(B, X_RAX, a);
	x86_alu_rr(B, true, X_CMP, X_RAX, c);
	x86_cmov(B, true, take_rs2, X_RAX, c);
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* rs1 AND/OR/XOR NOT rs2, or NOT(rs1 ^ rs2) */
static void jt_inverted(struct jt *t, const struct rv_dec *d, enum xalu op)
{
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
	x86_mov_rr(B, X_RAX, c);
	if (op == X_XOR) {
		x86_alu_rr(B, true, X_XOR, X_RAX, a);
		x86_grp3(B, true, 2, X_RAX);
	} else {
		x86_grp3(B, true, 2, X_RAX);
		x86_alu_rr(B, true, op, X_RAX, a);
	}
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* single-bit operations: 0xb3 btr (clear), 0xab bts (set), 0xbb btc (invert), 0xa3 bt
 * (extract); the bit number from rs2 or the immediate, mod 64 */
static void jt_bit(struct jt *t, const struct rv_dec *d, uint8_t op, bool imm_op)
{
	unsigned a = jt_get(t, d->rs1);
	if (imm_op)
		x86_mov_ri(B, X_RCX, (unsigned)d->imm & 63);
	else
		x86_mov_rr(B, X_RCX, jt_get(t, d->rs2));
	if (op == 0xa3) {
		x86_mov_ri(B, X_RAX, 0);
		x86_bt_rr(B, 0xa3, a, X_RCX);
		x86_setcc(B, X_B, X_RAX);
	} else {
		x86_mov_rr(B, X_RAX, a);
		x86_bt_rr(B, op, X_RAX, X_RCX);
	}
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

/* rd = f(rs1) through rax with one unary step */
static void jt_unary(struct jt *t, const struct rv_dec *d)
{
	unsigned a = jt_get(t, d->rs1);
	switch (d->op) {
	case RV_OP_SEXT_B: x86_movsx8(B, X_RAX, a); break;
	case RV_OP_SEXT_H: x86_movsx16(B, X_RAX, a); break;
	case RV_OP_ZEXT_H: x86_movzx16(B, X_RAX, a); break;
	case RV_OP_REV8:   x86_mov_rr(B, X_RAX, a); x86_bswap(B, X_RAX); break;
	case RV_OP_SLLI_UW:
		x86_mov_rr32(B, X_RAX, a);
		x86_shift_ri(B, true, X_SHL, X_RAX, (unsigned)d->imm & 63);
		break;
	case RV_OP_ADD_UW:
		x86_mov_rr32(B, X_RAX, a);
		x86_alu_rr(B, true, X_ADD, X_RAX, jt_get(t, d->rs2));
		break;
	}
	x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
}

bool jt_alu_supported(unsigned op, const struct rv_jit *j)
{
	if ((op >= RV_OP_ADDI && op <= RV_OP_SRAW) || (op >= RV_OP_MUL && op <= RV_OP_REMUW))
		return true;
	if (op >= RV_OP_SH1ADD && op <= RV_OP_BSETI)
		return op != RV_OP_ORC_B && ((op != RV_OP_CPOP && op != RV_OP_CPOPW) || j->has_popcnt);
	return false;
}

bool jt_alu(struct jt *t, const struct rv_dec *d, uint64_t vpc)
{
	(void)vpc;
	switch (d->op) {
	case RV_OP_ADDI: {
		unsigned a = jt_get(t, d->rs1), r = jt_def(t, d->rd);
		if (r != a)
			x86_lea(B, r, a, d->imm);
		else if (d->imm)
			x86_alu_ri(B, true, X_ADD, r, d->imm);
		return true;
	}
	case RV_OP_SLTI:  jt_set(t, d, X_L, true); return true;
	case RV_OP_SLTIU: jt_set(t, d, X_B, true); return true;
	case RV_OP_XORI:  jt_ri(t, d, X_XOR); return true;
	case RV_OP_ORI:   jt_ri(t, d, X_OR); return true;
	case RV_OP_ANDI:  jt_ri(t, d, X_AND); return true;
	case RV_OP_SLLI:  jt_shift_i(t, d, X_SHL, false); return true;
	case RV_OP_SRLI:  jt_shift_i(t, d, X_SHR, false); return true;
	case RV_OP_SRAI:  jt_shift_i(t, d, X_SAR, false); return true;
	case RV_OP_ADD:   jt_rr(t, d, X_ADD, true); return true;
	case RV_OP_SUB:   jt_rr(t, d, X_SUB, false); return true;
	case RV_OP_XOR:   jt_rr(t, d, X_XOR, true); return true;
	case RV_OP_OR:    jt_rr(t, d, X_OR, true); return true;
	case RV_OP_AND:   jt_rr(t, d, X_AND, true); return true;
	case RV_OP_SLL:   jt_shift_r(t, d, X_SHL, false); return true;
	case RV_OP_SRL:   jt_shift_r(t, d, X_SHR, false); return true;
	case RV_OP_SRA:   jt_shift_r(t, d, X_SAR, false); return true;
	case RV_OP_SLT:   jt_set(t, d, X_L, false); return true;
	case RV_OP_SLTU:  jt_set(t, d, X_B, false); return true;
	case RV_OP_ADDIW: {
		unsigned a = jt_get(t, d->rs1);
		x86_lea(B, X_RAX, a, d->imm);
		x86_movsxd(B, jt_def(t, d->rd), X_RAX);
		return true;
	}
	case RV_OP_SLLIW: jt_shift_i(t, d, X_SHL, true); return true;
	case RV_OP_SRLIW: jt_shift_i(t, d, X_SHR, true); return true;
	case RV_OP_SRAIW: jt_shift_i(t, d, X_SAR, true); return true;
	case RV_OP_ADDW:  jt_rr_w(t, d, X_ADD); return true;
	case RV_OP_SUBW:  jt_rr_w(t, d, X_SUB); return true;
	case RV_OP_SLLW:  jt_shift_r(t, d, X_SHL, true); return true;
	case RV_OP_SRLW:  jt_shift_r(t, d, X_SHR, true); return true;
	case RV_OP_SRAW:  jt_shift_r(t, d, X_SAR, true); return true;
	case RV_OP_MUL: {
		unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
		x86_mov_rr(B, X_RAX, a);
		x86_imul_rr(B, true, X_RAX, c);
		x86_mov_rr(B, jt_def(t, d->rd), X_RAX);
		return true;
	}
	case RV_OP_MULW: {
		unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);
		x86_mov_rr32(B, X_RAX, a);
		x86_imul_rr(B, false, X_RAX, c);
		x86_movsxd(B, jt_def(t, d->rd), X_RAX);
		return true;
	}
	case RV_OP_MULH:   jt_mulh(t, d, 5, false); return true;
	case RV_OP_MULHU:  jt_mulh(t, d, 4, false); return true;
	case RV_OP_MULHSU: jt_mulh(t, d, 4, true); return true;
	case RV_OP_DIV:    jt_div(t, d, true, false, false); return true;
	case RV_OP_DIVU:   jt_div(t, d, false, false, false); return true;
	case RV_OP_REM:    jt_div(t, d, true, true, false); return true;
	case RV_OP_REMU:   jt_div(t, d, false, true, false); return true;
	case RV_OP_DIVW:   jt_div(t, d, true, false, true); return true;
	case RV_OP_DIVUW:  jt_div(t, d, false, false, true); return true;
	case RV_OP_REMW:   jt_div(t, d, true, true, true); return true;
	case RV_OP_REMUW:  jt_div(t, d, false, true, true); return true;
	case RV_OP_SH1ADD: jt_shadd(t, d, 1, false); return true;
	case RV_OP_SH2ADD: jt_shadd(t, d, 2, false); return true;
	case RV_OP_SH3ADD: jt_shadd(t, d, 3, false); return true;
	case RV_OP_SH1ADD_UW: jt_shadd(t, d, 1, true); return true;
	case RV_OP_SH2ADD_UW: jt_shadd(t, d, 2, true); return true;
	case RV_OP_SH3ADD_UW: jt_shadd(t, d, 3, true); return true;
	case RV_OP_ADD_UW: case RV_OP_SLLI_UW: case RV_OP_SEXT_B: case RV_OP_SEXT_H:
	case RV_OP_ZEXT_H: case RV_OP_REV8:
		jt_unary(t, d);
		return true;
	case RV_OP_ANDN:  jt_inverted(t, d, X_AND); return true;
	case RV_OP_ORN:   jt_inverted(t, d, X_OR); return true;
	case RV_OP_XNOR:  jt_inverted(t, d, X_XOR); return true;
	case RV_OP_CLZ:   jt_count(t, d, 0, false); return true;
	case RV_OP_CTZ:   jt_count(t, d, 1, false); return true;
	case RV_OP_CPOP:  jt_count(t, d, 2, false); return true;
	case RV_OP_CLZW:  jt_count(t, d, 0, true); return true;
	case RV_OP_CTZW:  jt_count(t, d, 1, true); return true;
	case RV_OP_CPOPW: jt_count(t, d, 2, true); return true;
	case RV_OP_MAX:   jt_minmax(t, d, X_L); return true;
	case RV_OP_MIN:   jt_minmax(t, d, X_G); return true;
	case RV_OP_MAXU:  jt_minmax(t, d, X_B); return true;
	case RV_OP_MINU:  jt_minmax(t, d, X_A); return true;
	case RV_OP_ROL:   jt_shift_r(t, d, X_ROL, false); return true;
	case RV_OP_ROR:   jt_shift_r(t, d, X_ROR, false); return true;
	case RV_OP_RORI:  jt_shift_i(t, d, X_ROR, false); return true;
	case RV_OP_ROLW:  jt_shift_r(t, d, X_ROL, true); return true;
	case RV_OP_RORW:  jt_shift_r(t, d, X_ROR, true); return true;
	case RV_OP_RORIW: jt_shift_i(t, d, X_ROR, true); return true;
	case RV_OP_BCLR:  jt_bit(t, d, 0xb3, false); return true;
	case RV_OP_BCLRI: jt_bit(t, d, 0xb3, true); return true;
	case RV_OP_BSET:  jt_bit(t, d, 0xab, false); return true;
	case RV_OP_BSETI: jt_bit(t, d, 0xab, true); return true;
	case RV_OP_BINV:  jt_bit(t, d, 0xbb, false); return true;
	case RV_OP_BINVI: jt_bit(t, d, 0xbb, true); return true;
	case RV_OP_BEXT:  jt_bit(t, d, 0xa3, false); return true;
	case RV_OP_BEXTI: jt_bit(t, d, 0xa3, true); return true;
	default:
		return false;
	}
}
