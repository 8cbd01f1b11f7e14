/* Decoding: a compressed instruction is first expanded to its 32-bit equivalent, then every
 * instruction becomes a struct rv_dec (operation index, registers, immediate), once per
 * cached instruction; the interpreter never looks at the bits again. */
#include "target/riscv/internal.h"
#include "target/riscv/ops.h"

static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
	return (uint32_t)((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (uint32_t)(imm & 0x1f) << 7 | opc;
}

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
		      unsigned opc)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
	       f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

static uint32_t enc_j(int32_t imm, unsigned rd)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define B(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))

static int32_t sext(uint32_t v, unsigned bits)
{
	return (int32_t)(v << (32 - bits)) >> (32 - bits);
}

/* The 32-bit instruction a compressed one stands for; 0 when it is illegal or reserved. */
static uint32_t rvc_expand(uint32_t c)
{
	unsigned rd = B(c, 11, 7), rs2 = B(c, 6, 2);
	unsigned rdp = 8 + B(c, 4, 2), rs1p = 8 + B(c, 9, 7);
	int32_t  imm6 = sext(B(c, 12, 12) << 5 | B(c, 6, 2), 6);

	switch ((c & 3) << 3 | B(c, 15, 13)) {
	case 000: { /* C.ADDI4SPN */
		uint32_t u = B(c, 12, 11) << 4 | B(c, 10, 7) << 6 | B(c, 6, 6) << 2 | B(c, 5, 5) << 3;
		return u ? enc_i((int32_t)u, 2, 0, rdp, 0x13) : 0;
	}
	case 001: return enc_i((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 5) << 6), rs1p, 3, rdp, 0x07);
	case 002: return enc_i((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 6) << 2 | B(c, 5, 5) << 6),
			       rs1p, 2, rdp, 0x03);
	case 003: return enc_i((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 5) << 6), rs1p, 3, rdp, 0x03);
	case 005: return enc_s((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 5) << 6), rdp, rs1p, 3, 0x27);
	case 006: return enc_s((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 6) << 2 | B(c, 5, 5) << 6),
			       rdp, rs1p, 2, 0x23);
	case 007: return enc_s((int32_t)(B(c, 12, 10) << 3 | B(c, 6, 5) << 6), rdp, rs1p, 3, 0x23);
	case 010: return enc_i(imm6, rd, 0, rd, 0x13);                 /* C.ADDI */
	case 011: return rd ? enc_i(imm6, rd, 0, rd, 0x1b) : 0;        /* C.ADDIW */
	case 012: return enc_i(imm6, 0, 0, rd, 0x13);                  /* C.LI */
	case 013:
		if (rd == 2) {                                         /* C.ADDI16SP */
			int32_t v = sext(B(c, 12, 12) << 9 | B(c, 6, 6) << 4 | B(c, 5, 5) << 6 |
					 B(c, 4, 3) << 7 | B(c, 2, 2) << 5, 10);
			return v ? enc_i(v, 2, 0, 2, 0x13) : 0;
		}
		return imm6 ? ((uint32_t)imm6 << 12 | rd << 7 | 0x37) : 0; /* C.LUI */
	case 014: {
		unsigned shamt = B(c, 12, 12) << 5 | B(c, 6, 2);
		switch (B(c, 11, 10)) {
		case 0: return enc_i((int32_t)shamt, rs1p, 5, rs1p, 0x13);
		case 1: return enc_i((int32_t)(shamt | 0x400), rs1p, 5, rs1p, 0x13);
		case 2: return enc_i(imm6, rs1p, 7, rs1p, 0x13);
		default: {
			static const unsigned f3[4] = { 0, 4, 6, 7 };
			unsigned k = B(c, 6, 5);
			if (!B(c, 12, 12))
				return enc_r(k == 0 ? 0x20 : 0, rdp, rs1p, f3[k], rs1p, 0x33);
			if (k >= 2)
				return 0;
			return enc_r(k == 0 ? 0x20 : 0, rdp, rs1p, 0, rs1p, 0x3b);
		}
		}
	}
	case 015:
		return enc_j(sext(B(c, 12, 12) << 11 | B(c, 11, 11) << 4 | B(c, 10, 9) << 8 |
				  B(c, 8, 8) << 10 | B(c, 7, 7) << 6 | B(c, 6, 6) << 7 |
				  B(c, 5, 3) << 1 | B(c, 2, 2) << 5, 12), 0);
	case 016: case 017: {
		int32_t off = sext(B(c, 12, 12) << 8 | B(c, 11, 10) << 3 | B(c, 6, 5) << 6 |
				   B(c, 4, 3) << 1 | B(c, 2, 2) << 5, 9);
		return enc_b(off, 0, rs1p, (c >> 13) & 1);
	}
	case 020: return enc_i((int32_t)(B(c, 12, 12) << 5 | B(c, 6, 2)), rd, 1, rd, 0x13);
	case 021: return enc_i((int32_t)(B(c, 12, 12) << 5 | B(c, 6, 5) << 3 | B(c, 4, 2) << 6),
			       2, 3, rd, 0x07);
	case 022:
		return rd ? enc_i((int32_t)(B(c, 12, 12) << 5 | B(c, 6, 4) << 2 | B(c, 3, 2) << 6),
				  2, 2, rd, 0x03) : 0;
	case 023:
		return rd ? enc_i((int32_t)(B(c, 12, 12) << 5 | B(c, 6, 5) << 3 | B(c, 4, 2) << 6),
				  2, 3, rd, 0x03) : 0;
	case 024:
		if (!B(c, 12, 12)) {
			if (rs2 == 0)
				return rd ? enc_i(0, rd, 0, 0, 0x67) : 0; /* C.JR */
			return enc_r(0, rs2, 0, 0, rd, 0x33);             /* C.MV */
		}
		if (rs2 == 0)
			return rd ? enc_i(0, rd, 0, 1, 0x67) : 0x00100073; /* C.JALR / C.EBREAK */
		return enc_r(0, rs2, rd, 0, rd, 0x33);                     /* C.ADD */
	case 025: return enc_s((int32_t)(B(c, 12, 10) << 3 | B(c, 9, 7) << 6), rs2, 2, 3, 0x27);
	case 026: return enc_s((int32_t)(B(c, 12, 9) << 2 | B(c, 8, 7) << 6), rs2, 2, 2, 0x23);
	case 027: return enc_s((int32_t)(B(c, 12, 10) << 3 | B(c, 9, 7) << 6), rs2, 2, 3, 0x23);
	default: return 0;
	}
}

static enum rv_op rv_decode_op_imm(uint32_t i, unsigned f3)
{
	unsigned f6 = i >> 26, f12 = i >> 20;
	switch (f3) {
	case 0: return RV_OP_ADDI;
	case 2: return RV_OP_SLTI;
	case 3: return RV_OP_SLTIU;
	case 4: return RV_OP_XORI;
	case 6: return RV_OP_ORI;
	case 7: return RV_OP_ANDI;
	case 1:
		if (f6 == 0) return RV_OP_SLLI;
		if (f6 == 0x12) return RV_OP_BCLRI;
		if (f6 == 0x1a) return RV_OP_BINVI;
		if (f6 == 0x0a) return RV_OP_BSETI;
		if (f12 == 0x600) return RV_OP_CLZ;
		if (f12 == 0x601) return RV_OP_CTZ;
		if (f12 == 0x602) return RV_OP_CPOP;
		if (f12 == 0x604) return RV_OP_SEXT_B;
		if (f12 == 0x605) return RV_OP_SEXT_H;
		return RV_OP_ILLEGAL;
	default:
		if (f6 == 0) return RV_OP_SRLI;
		if (f6 == 0x10) return RV_OP_SRAI;
		if (f6 == 0x18) return RV_OP_RORI;
		if (f6 == 0x12) return RV_OP_BEXTI;
		if (f12 == 0x287) return RV_OP_ORC_B;
		if (f12 == 0x6b8) return RV_OP_REV8;
		return RV_OP_ILLEGAL;
	}
}

static enum rv_op rv_decode_op(uint32_t i, unsigned f3, unsigned f7)
{
	switch (f7 << 3 | f3) {
	case 0x000: return RV_OP_ADD;
	case 0x100: return RV_OP_SUB;
	case 0x001: return RV_OP_SLL;
	case 0x002: return RV_OP_SLT;
	case 0x003: return RV_OP_SLTU;
	case 0x004: return RV_OP_XOR;
	case 0x005: return RV_OP_SRL;
	case 0x105: return RV_OP_SRA;
	case 0x006: return RV_OP_OR;
	case 0x007: return RV_OP_AND;
	case 0x008: return RV_OP_MUL;
	case 0x009: return RV_OP_MULH;
	case 0x00a: return RV_OP_MULHSU;
	case 0x00b: return RV_OP_MULHU;
	case 0x00c: return RV_OP_DIV;
	case 0x00d: return RV_OP_DIVU;
	case 0x00e: return RV_OP_REM;
	case 0x00f: return RV_OP_REMU;
	case 0x082: return RV_OP_SH1ADD;
	case 0x084: return RV_OP_SH2ADD;
	case 0x086: return RV_OP_SH3ADD;
	case 0x107: return RV_OP_ANDN;
	case 0x106: return RV_OP_ORN;
	case 0x104: return RV_OP_XNOR;
	case 0x029: return RV_OP_CLMUL;
	case 0x02a: return RV_OP_CLMULR;
	case 0x02b: return RV_OP_CLMULH;
	case 0x02e: return RV_OP_MAX;
	case 0x02f: return RV_OP_MAXU;
	case 0x02c: return RV_OP_MIN;
	case 0x02d: return RV_OP_MINU;
	case 0x181: return RV_OP_ROL;
	case 0x185: return RV_OP_ROR;
	case 0x121: return RV_OP_BCLR;
	case 0x125: return RV_OP_BEXT;
	case 0x1a1: return RV_OP_BINV;
	case 0x0a1: return RV_OP_BSET;
	default: (void)i; return RV_OP_ILLEGAL;
	}
}

static enum rv_op rv_decode_op32(uint32_t i, unsigned f3, unsigned f7)
{
	switch (f7 << 3 | f3) {
	case 0x000: return RV_OP_ADDW;
	case 0x100: return RV_OP_SUBW;
	case 0x001: return RV_OP_SLLW;
	case 0x005: return RV_OP_SRLW;
	case 0x105: return RV_OP_SRAW;
	case 0x008: return RV_OP_MULW;
	case 0x00c: return RV_OP_DIVW;
	case 0x00d: return RV_OP_DIVUW;
	case 0x00e: return RV_OP_REMW;
	case 0x00f: return RV_OP_REMUW;
	case 0x020: return RV_OP_ADD_UW;
	case 0x082: return RV_OP_SH1ADD_UW;
	case 0x084: return RV_OP_SH2ADD_UW;
	case 0x086: return RV_OP_SH3ADD_UW;
	case 0x181: return RV_OP_ROLW;
	case 0x185: return RV_OP_RORW;
	case 0x024: return ((i >> 20) & 31) == 0 ? RV_OP_ZEXT_H : RV_OP_ILLEGAL;
	default: return RV_OP_ILLEGAL;
	}
}

static enum rv_op rv_decode_system(uint32_t i, unsigned f3, unsigned rd, unsigned rs1)
{
	static const enum rv_op csr[8] = { RV_OP_ILLEGAL, RV_OP_CSRRW, RV_OP_CSRRS, RV_OP_CSRRC,
					   RV_OP_ILLEGAL, RV_OP_CSRRWI, RV_OP_CSRRSI, RV_OP_CSRRCI };
	if (f3)
		return csr[f3];
	if (i >> 25 == 0x09 && rd == 0)
		return RV_OP_SFENCE_VMA;
	if (rd || rs1)
		return RV_OP_ILLEGAL;
	switch (i >> 20) {
	case 0x000: return RV_OP_ECALL;
	case 0x001: return RV_OP_EBREAK;
	case 0x102: return RV_OP_SRET;
	case 0x302: return RV_OP_MRET;
	case 0x105: return RV_OP_WFI;
	default: return RV_OP_ILLEGAL;
	}
}

static enum rv_op rv_decode_amo(uint32_t i, unsigned f3, unsigned rs2, uint8_t *aux)
{
	unsigned f5 = i >> 27;
	*aux = (uint8_t)f5;
	if (f3 != 2 && f3 != 3)
		return RV_OP_ILLEGAL;
	bool d = f3 == 3;
	switch (f5) {
	case 0x02: return rs2 ? RV_OP_ILLEGAL : d ? RV_OP_LR_D : RV_OP_LR_W;
	case 0x03: return d ? RV_OP_SC_D : RV_OP_SC_W;
	case 0x00: case 0x01: case 0x04: case 0x08: case 0x0c:
	case 0x10: case 0x14: case 0x18: case 0x1c:
		return d ? RV_OP_AMO_D : RV_OP_AMO_W;
	default: return RV_OP_ILLEGAL;
	}
}

void rv_decode(struct rv_dec *d, uint32_t bits)
{
	uint32_t i = bits;

	d->insn = bits;
	d->len  = 4;
	d->aux  = 0;
	if ((bits & 3) != 3) {
		d->len = 2;
		i = rvc_expand(bits & 0xffff);
		if (!i) {
			d->op = RV_OP_ILLEGAL;
			return;
		}
	}
	unsigned opc = i & 0x7f, rd = B(i, 11, 7), f3 = B(i, 14, 12), rs1 = B(i, 19, 15);
	unsigned rs2 = B(i, 24, 20), f7 = i >> 25;
	int64_t  imm_i = (int32_t)i >> 20;
	int64_t  imm_s = ((int32_t)i >> 25) * 32 | (int64_t)B(i, 11, 7);
	int64_t  imm_b = sext(B(i, 31, 31) << 12 | B(i, 7, 7) << 11 | B(i, 30, 25) << 5 |
			      B(i, 11, 8) << 1, 13);
	enum rv_op op = RV_OP_ILLEGAL;

	d->rd  = (uint8_t)rd;
	d->rs1 = (uint8_t)rs1;
	d->rs2 = (uint8_t)rs2;
	d->imm = imm_i;
	switch (opc) {
	case 0x37: op = RV_OP_LUI; d->imm = (int32_t)(i & 0xfffff000); break;
	case 0x17: op = RV_OP_AUIPC; d->imm = (int32_t)(i & 0xfffff000); break;
	case 0x6f:
		op = RV_OP_JAL;
		d->imm = sext(B(i, 31, 31) << 20 | B(i, 19, 12) << 12 | B(i, 20, 20) << 11 |
			      B(i, 30, 21) << 1, 21);
		break;
	case 0x67: op = f3 == 0 ? RV_OP_JALR : RV_OP_ILLEGAL; break;
	case 0x63: {
		static const enum rv_op br[8] = { RV_OP_BEQ, RV_OP_BNE, RV_OP_ILLEGAL, RV_OP_ILLEGAL,
						  RV_OP_BLT, RV_OP_BGE, RV_OP_BLTU, RV_OP_BGEU };
		op = br[f3];
		d->imm = imm_b;
		break;
	}
	case 0x03: {
		static const enum rv_op ld[8] = { RV_OP_LB, RV_OP_LH, RV_OP_LW, RV_OP_LD,
						  RV_OP_LBU, RV_OP_LHU, RV_OP_LWU, RV_OP_ILLEGAL };
		op = ld[f3];
		break;
	}
	case 0x23: {
		static const enum rv_op st[8] = { RV_OP_SB, RV_OP_SH, RV_OP_SW, RV_OP_SD };
		op = f3 < 4 ? st[f3] : RV_OP_ILLEGAL;
		d->imm = imm_s;
		break;
	}
	case 0x13: op = rv_decode_op_imm(i, f3); if (f3 == 1 || f3 == 5) d->imm = B(i, 25, 20); break;
	case 0x1b:
		if (f3 == 0) op = RV_OP_ADDIW;
		else if (f3 == 1 && f7 == 0) op = RV_OP_SLLIW;
		else if (f3 == 1 && (i >> 26) == 0x02) op = RV_OP_SLLI_UW;
		else if (f3 == 5 && f7 == 0) op = RV_OP_SRLIW;
		else if (f3 == 5 && f7 == 0x20) op = RV_OP_SRAIW;
		else if (f3 == 5 && f7 == 0x30) op = RV_OP_RORIW;
		else if (f3 == 1 && f7 == 0x30 && rs2 == 0) op = RV_OP_CLZW;
		else if (f3 == 1 && f7 == 0x30 && rs2 == 1) op = RV_OP_CTZW;
		else if (f3 == 1 && f7 == 0x30 && rs2 == 2) op = RV_OP_CPOPW;
		if (f3 != 0)
			d->imm = op == RV_OP_SLLI_UW ? B(i, 25, 20) : B(i, 24, 20);
		break;
	case 0x33: op = rv_decode_op(i, f3, f7); break;
	case 0x3b: op = rv_decode_op32(i, f3, f7); break;
	case 0x0f:
		if (f3 == 0) op = RV_OP_FENCE;
		else if (f3 == 1) op = RV_OP_FENCE_I;
		break;
	case 0x73: op = rv_decode_system(i, f3, rd, rs1); d->imm = i >> 20; break;
	case 0x2f: op = rv_decode_amo(i, f3, rs2, &d->aux); break;
	case 0x07: op = f3 == 2 ? RV_OP_FLW : f3 == 3 ? RV_OP_FLD : RV_OP_ILLEGAL; break;
	case 0x27:
		op = f3 == 2 ? RV_OP_FSW : f3 == 3 ? RV_OP_FSD : RV_OP_ILLEGAL;
		d->imm = imm_s;
		break;
	case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: op = RV_OP_FP; break;
	default: break;
	}
	d->op = (uint16_t)op;
	if (d->rd == 0 && op != RV_OP_FLW && op != RV_OP_FLD)
		d->rd = 32; /* writes to x0 land in the sink register */
}
