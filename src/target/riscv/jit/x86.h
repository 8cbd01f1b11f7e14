/* An x86-64 instruction encoder for the block compiler: each function appends one host
 * instruction to a byte buffer. Only the forms the translator uses exist; operands are host
 * registers (X_RAX...X_R15), 64-bit unless the name ends in 32, and memory as base + disp32. */
#ifndef CELLA_TARGET_RISCV_JIT_X86_H
#define CELLA_TARGET_RISCV_JIT_X86_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum xreg {
	X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
	X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
};

/* condition codes, as in Jcc/SETcc/CMOVcc */
enum xcc {
	X_O, X_NO, X_B, X_AE, X_E, X_NE, X_BE, X_A, X_S, X_NS, X_P, X_NP, X_L, X_GE, X_LE, X_G,
};

/* ALU operations of the 0x01..0x3b family and of group 1 (0x81/0x83) */
enum xalu { X_ADD, X_OR, X_ADC, X_SBB, X_AND, X_SUB, X_XOR, X_CMP };

/* group 2 shifts (0xc1/0xd3) */
enum xshift { X_ROL = 0, X_ROR = 1, X_SHL = 4, X_SHR = 5, X_SAR = 7 };

struct xbuf {
	uint8_t *p, *end;
	bool     full;   /* an emit did not fit: the caller throws the block away */
};

static inline void x86_byte(struct xbuf *b, uint8_t v)
{
	if (b->p < b->end)
		*b->p++ = v;
	else
		b->full = true;
}

static inline void x86_u32(struct xbuf *b, uint32_t v)
{
	if (b->end - b->p >= 4) {
		memcpy(b->p, &v, 4);
		b->p += 4;
	} else {
		b->full = true;
	}
}

static inline void x86_u64(struct xbuf *b, uint64_t v)
{
	x86_u32(b, (uint32_t)v);
	x86_u32(b, (uint32_t)(v >> 32));
}

/* REX with W, and the high bits of reg, index and base; `force` emits 0x40 even when empty
 * (byte access to sil/dil/bpl/spl). */
static inline void x86_rex(struct xbuf *b, bool w, unsigned reg, unsigned index, unsigned base,
			   bool force)
{
	uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 |
				((base >> 3) & 1));
	if (rex != 0x40 || force)
		x86_byte(b, rex);
}

/* ModRM for a register operand */
static inline void x86_modrm_reg(struct xbuf *b, unsigned reg, unsigned rm)
{
	x86_byte(b, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* ModRM (+SIB) for [base + disp]; rbp/r13 need a displacement, rsp/r12 a SIB byte */
static inline void x86_modrm_mem(struct xbuf *b, unsigned reg, unsigned base, int32_t disp)
{
	unsigned mod = disp == 0 && (base & 7) != 5 ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
	x86_byte(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
	if ((base & 7) == 4)
		x86_byte(b, 0x24);
	if (mod == 1)
		x86_byte(b, (uint8_t)(int8_t)disp);
	else if (mod == 2)
		x86_u32(b, (uint32_t)disp);
}

/* ModRM + SIB for [base + index*scale + disp] (index is never rsp) */
static inline void x86_modrm_sib(struct xbuf *b, unsigned reg, unsigned base, unsigned index,
				 unsigned scale_log2, int32_t disp)
{
	unsigned mod = disp == 0 && (base & 7) != 5 ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
	x86_byte(b, (uint8_t)(mod << 6 | (reg & 7) << 3 | 4));
	x86_byte(b, (uint8_t)(scale_log2 << 6 | (index & 7) << 3 | (base & 7)));
	if (mod == 1)
		x86_byte(b, (uint8_t)(int8_t)disp);
	else if (mod == 2)
		x86_u32(b, (uint32_t)disp);
}

/* op reg, r/m (register form), with an optional 0x0f escape; w = 64-bit */
static inline void x86_op_rr(struct xbuf *b, bool w, bool esc, uint8_t op, unsigned reg,
			     unsigned rm)
{
	x86_rex(b, w, reg, 0, rm, false);
	if (esc)
		x86_byte(b, 0x0f);
	x86_byte(b, op);
	x86_modrm_reg(b, reg, rm);
}

static inline void x86_op_rm(struct xbuf *b, bool w, bool esc, uint8_t op, unsigned reg,
			     unsigned base, int32_t disp)
{
	x86_rex(b, w, reg, 0, base, false);
	if (esc)
		x86_byte(b, 0x0f);
	x86_byte(b, op);
	x86_modrm_mem(b, reg, base, disp);
}

/* op reg, [base + index + disp] */
static inline void x86_op_rmx(struct xbuf *b, bool w, bool esc, uint8_t op, unsigned reg,
			      unsigned base, unsigned index, int32_t disp)
{
	x86_rex(b, w, reg, index, base, false);
	if (esc)
		x86_byte(b, 0x0f);
	x86_byte(b, op);
	x86_modrm_sib(b, reg, base, index, 0, disp);
}

/* --- moves --- */
static inline void x86_mov_rr(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_op_rr(b, true, false, 0x89, src, dst);
}

static inline void x86_mov_rr32(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_op_rr(b, false, false, 0x89, src, dst);
}

/* dst = imm, in the shortest form */
static inline void x86_mov_ri(struct xbuf *b, unsigned dst, uint64_t imm)
{
	if (imm == 0) {
		x86_op_rr(b, false, false, 0x31, dst, dst);        /* xor r32, r32 */
	} else if (imm <= UINT32_MAX) {
		x86_rex(b, false, 0, 0, dst, false);
		x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
		x86_u32(b, (uint32_t)imm);
	} else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
		x86_rex(b, true, 0, 0, dst, false);                /* mov r/m64, simm32 */
		x86_byte(b, 0xc7);
		x86_modrm_reg(b, 0, dst);
		x86_u32(b, (uint32_t)imm);
	} else {
		x86_rex(b, true, 0, 0, dst, false);
		x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
		x86_u64(b, imm);
	}
}

static inline void x86_load(struct xbuf *b, unsigned dst, unsigned base, int32_t disp)
{
	x86_op_rm(b, true, false, 0x8b, dst, base, disp);
}

static inline void x86_store(struct xbuf *b, unsigned base, int32_t disp, unsigned src)
{
	x86_op_rm(b, true, false, 0x89, src, base, disp);
}

/* [base + disp] = simm32 (64-bit store) */
static inline void x86_store_i(struct xbuf *b, unsigned base, int32_t disp, int32_t imm)
{
	x86_op_rm(b, true, false, 0xc7, 0, base, disp);
	x86_u32(b, (uint32_t)imm);
}

/* Guest-memory loads through a host address register: size 1, 2, 4, 8; sign-extended to
 * 64 bits or zero-extended. */
static inline void x86_load_sized(struct xbuf *b, unsigned dst, unsigned base, int32_t disp,
				  unsigned size, bool sign)
{
	switch (size) {
	case 1: x86_op_rm(b, sign, true, sign ? 0xbe : 0xb6, dst, base, disp); break;
	case 2: x86_op_rm(b, sign, true, sign ? 0xbf : 0xb7, dst, base, disp); break;
	case 4:
		if (sign)
			x86_op_rm(b, true, false, 0x63, dst, base, disp);  /* movsxd */
		else
			x86_op_rm(b, false, false, 0x8b, dst, base, disp); /* mov r32 zero-extends */
		break;
	default: x86_load(b, dst, base, disp); break;
	}
}

static inline void x86_store_sized(struct xbuf *b, unsigned base, int32_t disp, unsigned src,
				   unsigned size)
{
	switch (size) {
	case 1:
		x86_rex(b, false, src, 0, base, src >= 4 && src < 8);
		x86_byte(b, 0x88);
		x86_modrm_mem(b, src, base, disp);
		break;
	case 2:
		x86_byte(b, 0x66);
		x86_op_rm(b, false, false, 0x89, src, base, disp);
		break;
	case 4: x86_op_rm(b, false, false, 0x89, src, base, disp); break;
	default: x86_store(b, base, disp, src); break;
	}
}

/* dst = sign-extended low 32 bits of src (movsxd) */
static inline void x86_movsxd(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_op_rr(b, true, false, 0x63, dst, src);
}

/* dst = [base + index*scale + disp] address (lea) */
static inline void x86_lea(struct xbuf *b, unsigned dst, unsigned base, int32_t disp)
{
	x86_op_rm(b, true, false, 0x8d, dst, base, disp);
}

static inline void x86_lea_sib(struct xbuf *b, bool w, unsigned dst, unsigned base,
			       unsigned index, unsigned scale_log2, int32_t disp)
{
	x86_rex(b, w, dst, index, base, false);
	x86_byte(b, 0x8d);
	x86_modrm_sib(b, dst, base, index, scale_log2, disp);
}

/* --- arithmetic --- */
/* dst op= src (w: 64-bit) */
static inline void x86_alu_rr(struct xbuf *b, bool w, enum xalu op, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, false, (uint8_t)(op * 8 + 1), src, dst);
}

/* dst op= [base + disp] */
static inline void x86_alu_rm(struct xbuf *b, bool w, enum xalu op, unsigned dst,
			      unsigned base, int32_t disp)
{
	x86_op_rm(b, w, false, (uint8_t)(op * 8 + 3), dst, base, disp);
}

/* dst op= simm32 */
static inline void x86_alu_ri(struct xbuf *b, bool w, enum xalu op, unsigned dst, int32_t imm)
{
	x86_rex(b, w, 0, 0, dst, false);
	if (imm >= -128 && imm <= 127) {
		x86_byte(b, 0x83);
		x86_modrm_reg(b, op, dst);
		x86_byte(b, (uint8_t)(int8_t)imm);
	} else {
		x86_byte(b, 0x81);
		x86_modrm_reg(b, op, dst);
		x86_u32(b, (uint32_t)imm);
	}
}

/* dst op= [base + index + disp] (64-bit) */
static inline void x86_alu_rmx(struct xbuf *b, enum xalu op, unsigned dst, unsigned base,
			       unsigned index, int32_t disp)
{
	x86_op_rmx(b, true, false, (uint8_t)(op * 8 + 3), dst, base, index, disp);
}

/* rdx:rax = sign extension of rax (cqo), edx:eax of eax (cdq) */
static inline void x86_cqo(struct xbuf *b, bool w)
{
	if (w)
		x86_byte(b, 0x48);
	x86_byte(b, 0x99);
}

/* [base + disp] op= simm32 (64-bit) */
static inline void x86_alu_mi(struct xbuf *b, enum xalu op, unsigned base, int32_t disp,
			      int32_t imm)
{
	bool small = imm >= -128 && imm <= 127;
	x86_op_rm(b, true, false, small ? 0x83 : 0x81, op, base, disp);
	if (small)
		x86_byte(b, (uint8_t)(int8_t)imm);
	else
		x86_u32(b, (uint32_t)imm);
}

/* cmp [base + disp], reg (64-bit) */
static inline void x86_cmp_mr(struct xbuf *b, unsigned base, int32_t disp, unsigned reg)
{
	x86_op_rm(b, true, false, 0x39, reg, base, disp);
}

static inline void x86_test_rr(struct xbuf *b, bool w, unsigned a, unsigned c)
{
	x86_op_rr(b, w, false, 0x85, c, a);
}

static inline void x86_shift_ri(struct xbuf *b, bool w, enum xshift op, unsigned dst,
				unsigned n)
{
	x86_rex(b, w, 0, 0, dst, false);
	x86_byte(b, 0xc1);
	x86_modrm_reg(b, op, dst);
	x86_byte(b, (uint8_t)n);
}

/* shift by cl */
static inline void x86_shift_cl(struct xbuf *b, bool w, enum xshift op, unsigned dst)
{
	x86_rex(b, w, 0, 0, dst, false);
	x86_byte(b, 0xd3);
	x86_modrm_reg(b, op, dst);
}

/* dst *= src (signed low half; the same bits as unsigned) */
static inline void x86_imul_rr(struct xbuf *b, bool w, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, true, 0xaf, dst, src);
}

/* group 3 on a register: 2 not, 3 neg, 4 mul, 5 imul (rdx:rax), 6 div, 7 idiv */
static inline void x86_grp3(struct xbuf *b, bool w, unsigned ext, unsigned rm)
{
	x86_op_rr(b, w, false, 0xf7, ext, rm);
}

static inline void x86_setcc(struct xbuf *b, enum xcc cc, unsigned dst)
{
	x86_rex(b, false, 0, 0, dst, dst >= 4 && dst < 8);
	x86_byte(b, 0x0f);
	x86_byte(b, (uint8_t)(0x90 + cc));
	x86_modrm_reg(b, 0, dst);
}

static inline void x86_movzx8(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_rex(b, false, dst, 0, src, src >= 4 && src < 8);
	x86_byte(b, 0x0f);
	x86_byte(b, 0xb6);
	x86_modrm_reg(b, dst, src);
}

static inline void x86_movzx16(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_op_rr(b, false, true, 0xb7, dst, src);
}

static inline void x86_movsx8(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_rex(b, true, dst, 0, src, false);
	x86_byte(b, 0x0f);
	x86_byte(b, 0xbe);
	x86_modrm_reg(b, dst, src);
}

static inline void x86_movsx16(struct xbuf *b, unsigned dst, unsigned src)
{
	x86_op_rr(b, true, true, 0xbf, dst, src);
}

static inline void x86_cmov(struct xbuf *b, bool w, enum xcc cc, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, true, (uint8_t)(0x40 + cc), dst, src);
}

static inline void x86_bswap(struct xbuf *b, unsigned r)
{
	x86_rex(b, true, 0, 0, r, false);
	x86_byte(b, 0x0f);
	x86_byte(b, (uint8_t)(0xc8 + (r & 7)));
}

/* F3-prefixed bit counts: 0xb8 popcnt, 0xbc tzcnt, 0xbd lzcnt */
static inline void x86_f3_rr(struct xbuf *b, bool w, uint8_t op, unsigned dst, unsigned src)
{
	x86_byte(b, 0xf3);
	x86_op_rr(b, w, true, op, dst, src);
}

/* bsr/bsf: 0xbd / 0xbc without the prefix */
static inline void x86_bs_rr(struct xbuf *b, bool w, uint8_t op, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, true, op, dst, src);
}

/* bt/btr/bts/btc dst, src register: 0xa3 bt, 0xb3 btr, 0xab bts, 0xbb btc */
static inline void x86_bt_rr(struct xbuf *b, uint8_t op, unsigned dst, unsigned src)
{
	x86_op_rr(b, true, true, op, src, dst);
}

/* --- control flow --- */
/* jmp/jcc rel32 with a zero displacement; returns the displacement's address to patch */
static inline uint8_t *x86_jmp32(struct xbuf *b)
{
	x86_byte(b, 0xe9);
	uint8_t *at = b->p;
	x86_u32(b, 0);
	return at;
}

static inline uint8_t *x86_jcc32(struct xbuf *b, enum xcc cc)
{
	x86_byte(b, 0x0f);
	x86_byte(b, (uint8_t)(0x80 + cc));
	uint8_t *at = b->p;
	x86_u32(b, 0);
	return at;
}

/* Point a rel32 field (as returned above, in the same buffer) at target. */
static inline void x86_patch32(uint8_t *field, const uint8_t *target)
{
	int32_t rel = (int32_t)(target - (field + 4));
	memcpy(field, &rel, 4);
}

static inline void x86_call_r(struct xbuf *b, unsigned r)
{
	x86_rex(b, false, 0, 0, r, false);
	x86_byte(b, 0xff);
	x86_modrm_reg(b, 2, r);
}

static inline void x86_jmp_r(struct xbuf *b, unsigned r)
{
	x86_rex(b, false, 0, 0, r, false);
	x86_byte(b, 0xff);
	x86_modrm_reg(b, 4, r);
}

static inline void x86_push(struct xbuf *b, unsigned r)
{
	x86_rex(b, false, 0, 0, r, false);
	x86_byte(b, (uint8_t)(0x50 + (r & 7)));
}

static inline void x86_pop(struct xbuf *b, unsigned r)
{
	x86_rex(b, false, 0, 0, r, false);
	x86_byte(b, (uint8_t)(0x58 + (r & 7)));
}

static inline void x86_ret(struct xbuf *b)
{
	x86_byte(b, 0xc3);
}

#endif
