/* The interpreter: fetch through a host pointer into the current code page, look the
 * instruction up in the pre-decoded cache (tagged by pc and raw bits, so self-modifying code
 * needs no invalidation), and dispatch with computed goto on the dense operation index.
 * A block ends after a budget of instructions or at anything that changes the hart's mode. */
#include "target/riscv/exec.h"
#include "target/riscv/internal.h"
#include "target/riscv/ops.h"

#define SX32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))

static uint64_t rv_amo(unsigned f5, void *p, uint64_t v, bool dword)
{
	if (dword) {
		uint64_t *q = p, old, nv;
		switch (f5) {
		case 0x01: return __atomic_exchange_n(q, v, __ATOMIC_SEQ_CST);
		case 0x00: return __atomic_fetch_add(q, v, __ATOMIC_SEQ_CST);
		case 0x04: return __atomic_fetch_xor(q, v, __ATOMIC_SEQ_CST);
		case 0x0c: return __atomic_fetch_and(q, v, __ATOMIC_SEQ_CST);
		case 0x08: return __atomic_fetch_or(q, v, __ATOMIC_SEQ_CST);
		}
		old = __atomic_load_n(q, __ATOMIC_SEQ_CST);
		do {
			switch (f5) {
			case 0x10: nv = (int64_t)old < (int64_t)v ? old : v; break;
			case 0x14: nv = (int64_t)old > (int64_t)v ? old : v; break;
			case 0x18: nv = old < v ? old : v; break;
			default:   nv = old > v ? old : v; break;
			}
		} while (!__atomic_compare_exchange_n(q, &old, nv, false, __ATOMIC_SEQ_CST,
						      __ATOMIC_SEQ_CST));
		return old;
	}
	uint32_t *q = p, w = (uint32_t)v, old, nv;
	switch (f5) {
	case 0x01: return SX32(__atomic_exchange_n(q, w, __ATOMIC_SEQ_CST));
	case 0x00: return SX32(__atomic_fetch_add(q, w, __ATOMIC_SEQ_CST));
	case 0x04: return SX32(__atomic_fetch_xor(q, w, __ATOMIC_SEQ_CST));
	case 0x0c: return SX32(__atomic_fetch_and(q, w, __ATOMIC_SEQ_CST));
	case 0x08: return SX32(__atomic_fetch_or(q, w, __ATOMIC_SEQ_CST));
	}
	old = __atomic_load_n(q, __ATOMIC_SEQ_CST);
	do {
		switch (f5) {
		case 0x10: nv = (int32_t)old < (int32_t)w ? old : w; break;
		case 0x14: nv = (int32_t)old > (int32_t)w ? old : w; break;
		case 0x18: nv = old < w ? old : w; break;
		default:   nv = old > w ? old : w; break;
		}
	} while (!__atomic_compare_exchange_n(q, &old, nv, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return SX32(old);
}

static uint64_t rv_mulhu(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static uint64_t rv_mulh(uint64_t a, uint64_t b)
{
	return (uint64_t)((__int128)(int64_t)a * (int64_t)b >> 64);
}

static uint64_t rv_mulhsu(uint64_t a, uint64_t b)
{
	return (uint64_t)((__int128)(int64_t)a * (__int128)(unsigned __int128)b >> 64);
}

static uint64_t rv_orc_b(uint64_t v)
{
	uint64_t r = 0;
	for (int i = 0; i < 8; i++)
		if ((v >> (8 * i)) & 0xff)
			r |= 0xffull << (8 * i);
	return r;
}

uint64_t rv_exec_block(struct rv_hart *h, uint64_t budget)
{
	static void *const dispatch[RV_OP_COUNT] = {
#define RV_OP_LABEL(name) [RV_OP_##name] = &&op_##name,
		RV_OPS(RV_OP_LABEL)
#undef RV_OP_LABEL
	};
	uint64_t       *x  = h->x;
	uint64_t        pc = h->pc, n = 0, page_va = 1, v;
	uint8_t        *page = NULL;
	struct rv_dec  *d, straddle;
	struct rv_fault f;
	uint32_t        bits;

	h->block_end = false;
#define RS1  x[d->rs1]
#define RS2  x[d->rs2]
#define RD   x[d->rd]
#define IMM  ((uint64_t)d->imm)
#define NEXT do { pc += d->len; goto next; } while (0)
#define LOAD(size, expr)                                                                       \
	do {                                                                                   \
		if (unlikely(!rv_load(h, RS1 + IMM, size, &v, &f)))                           \
			goto fault;                                                            \
		RD = (expr);                                                                   \
		NEXT;                                                                          \
	} while (0)
#define STORE(size)                                                                            \
	do {                                                                                   \
		if (unlikely(!rv_store(h, RS1 + IMM, size, RS2, &f)))                         \
			goto fault;                                                            \
		NEXT;                                                                          \
	} while (0)
#define BRANCH(cond)                                                                           \
	do {                                                                                   \
		if (cond) {                                                                    \
			pc += IMM;                                                             \
			if (unlikely(n >= budget))                                             \
				goto out;                                                      \
			goto next;                                                             \
		}                                                                              \
		NEXT;                                                                          \
	} while (0)
#define JUMP(target)                                                                           \
	do {                                                                                   \
		pc = (target);                                                                 \
		if (unlikely(n >= budget))                                                     \
			goto out;                                                              \
		goto next;                                                                     \
	} while (0)
#define SYNC() do { h->pc = pc; h->instret += n - 1; n = 1; } while (0)

	/* The budget is checked at taken branches, jumps and page crossings: straight-line code
	 * within one page is finite. */
next:
	if (unlikely((pc & RV_PAGE_MASK) != page_va)) { /* page_va 1: none */
		if (unlikely(n >= budget))
			goto out;
		struct rv_tlb *t = &h->tlb_x[(pc >> 12) & (RV_TLB_SIZE - 1)];
		page_va = pc & RV_PAGE_MASK;
		if (likely(t->tag == page_va)) {
			page = (uint8_t *)(uintptr_t)(page_va + t->addend);
		} else {
			page = rv_fetch_page(h, pc, &f);
			if (!page) {
				page_va = 1;
				goto fetch_fault;
			}
		}
	}
	d = &h->dcache[(pc >> 1) & (RV_DCACHE_SIZE - 1)];
	if (unlikely(d->pc != pc || d->gen != h->dcache_gen)) {
		if (likely((pc & 0xfff) <= 0xffc)) {
			memcpy(&bits, page + (pc & 0xfff), 4);
			if ((bits & 3) != 3)
				bits &= 0xffff;
		} else {
			uint16_t lo;
			memcpy(&lo, page + (pc & 0xfff), 2);
			bits = lo;
			if ((lo & 3) == 3) {
				/* straddles two pages: decoded afresh each time, never cached */
				page_va = 1;
				if (!rv_fetch_slow(h, pc, &bits, &f))
					goto fetch_fault;
				d = &straddle;
				rv_decode(d, bits);
				n++;
				goto *dispatch[d->op];
			}
		}
		rv_code_mark(h, page);
		rv_decode(d, bits);
		d->pc      = pc;
		d->gen     = h->dcache_gen;
		d->handler = dispatch[d->op];
	}
	n++;
	goto *d->handler;

op_LUI:   RD = IMM; NEXT;
op_AUIPC: RD = pc + IMM; NEXT;
op_JAL:   RD = pc + d->len; JUMP(pc + IMM);
op_JALR:  v = (RS1 + IMM) & ~1ull; RD = pc + d->len; JUMP(v);
op_BEQ:   BRANCH(RS1 == RS2);
op_BNE:   BRANCH(RS1 != RS2);
op_BLT:   BRANCH((int64_t)RS1 < (int64_t)RS2);
op_BGE:   BRANCH((int64_t)RS1 >= (int64_t)RS2);
op_BLTU:  BRANCH(RS1 < RS2);
op_BGEU:  BRANCH(RS1 >= RS2);
op_LB:    LOAD(1, (uint64_t)(int8_t)v);
op_LH:    LOAD(2, (uint64_t)(int16_t)v);
op_LW:    LOAD(4, SX32(v));
op_LD:    LOAD(8, v);
op_LBU:   LOAD(1, v);
op_LHU:   LOAD(2, v);
op_LWU:   LOAD(4, v);
op_SB:    STORE(1);
op_SH:    STORE(2);
op_SW:    STORE(4);
op_SD:    STORE(8);
op_ADDI:  RD = RS1 + IMM; NEXT;
op_SLTI:  RD = (int64_t)RS1 < d->imm; NEXT;
op_SLTIU: RD = RS1 < IMM; NEXT;
op_XORI:  RD = RS1 ^ IMM; NEXT;
op_ORI:   RD = RS1 | IMM; NEXT;
op_ANDI:  RD = RS1 & IMM; NEXT;
op_SLLI:  RD = RS1 << IMM; NEXT;
op_SRLI:  RD = RS1 >> IMM; NEXT;
op_SRAI:  RD = (uint64_t)((int64_t)RS1 >> IMM); NEXT;
op_ADD:   RD = RS1 + RS2; NEXT;
op_SUB:   RD = RS1 - RS2; NEXT;
op_SLL:   RD = RS1 << (RS2 & 63); NEXT;
op_SLT:   RD = (int64_t)RS1 < (int64_t)RS2; NEXT;
op_SLTU:  RD = RS1 < RS2; NEXT;
op_XOR:   RD = RS1 ^ RS2; NEXT;
op_SRL:   RD = RS1 >> (RS2 & 63); NEXT;
op_SRA:   RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT;
op_OR:    RD = RS1 | RS2; NEXT;
op_AND:   RD = RS1 & RS2; NEXT;
op_ADDIW: RD = SX32(RS1 + IMM); NEXT;
op_SLLIW: RD = SX32((uint32_t)RS1 << IMM); NEXT;
op_SRLIW: RD = SX32((uint32_t)RS1 >> IMM); NEXT;
op_SRAIW: RD = SX32((int32_t)RS1 >> IMM); NEXT;
op_ADDW:  RD = SX32(RS1 + RS2); NEXT;
op_SUBW:  RD = SX32(RS1 - RS2); NEXT;
op_SLLW:  RD = SX32((uint32_t)RS1 << (RS2 & 31)); NEXT;
op_SRLW:  RD = SX32((uint32_t)RS1 >> (RS2 & 31)); NEXT;
op_SRAW:  RD = SX32((int32_t)RS1 >> (RS2 & 31)); NEXT;
op_FENCE: NEXT;
op_FENCE_I: rv_dcache_flush(h); NEXT;
op_MUL:   RD = RS1 * RS2; NEXT;
op_MULH:  RD = rv_mulh(RS1, RS2); NEXT;
op_MULHSU: RD = rv_mulhsu(RS1, RS2); NEXT;
op_MULHU: RD = rv_mulhu(RS1, RS2); NEXT;
op_DIV:
	if (RS2 == 0) RD = UINT64_MAX;
	else if ((int64_t)RS1 == INT64_MIN && (int64_t)RS2 == -1) RD = RS1;
	else RD = (uint64_t)((int64_t)RS1 / (int64_t)RS2);
	NEXT;
op_DIVU:  RD = RS2 ? RS1 / RS2 : UINT64_MAX; NEXT;
op_REM:
	if (RS2 == 0) RD = RS1;
	else if ((int64_t)RS1 == INT64_MIN && (int64_t)RS2 == -1) RD = 0;
	else RD = (uint64_t)((int64_t)RS1 % (int64_t)RS2);
	NEXT;
op_REMU:  RD = RS2 ? RS1 % RS2 : RS1; NEXT;
op_MULW:  RD = SX32((uint32_t)RS1 * (uint32_t)RS2); NEXT;
op_DIVW: {
	int32_t a = (int32_t)RS1, b = (int32_t)RS2;
	RD = b == 0 ? UINT64_MAX : (a == INT32_MIN && b == -1) ? SX32(a) : SX32(a / b);
	NEXT;
}
op_DIVUW: {
	uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
	RD = b == 0 ? UINT64_MAX : SX32(a / b);
	NEXT;
}
op_REMW: {
	int32_t a = (int32_t)RS1, b = (int32_t)RS2;
	RD = b == 0 ? SX32(a) : (a == INT32_MIN && b == -1) ? 0 : SX32(a % b);
	NEXT;
}
op_REMUW: {
	uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
	RD = b == 0 ? SX32(a) : SX32(a % b);
	NEXT;
}
op_LR_W: op_LR_D: {
	unsigned size = d->op == RV_OP_LR_W ? 4 : 8;
	void    *p    = rv_atomic_ptr(h, RS1, size, RV_ACC_R, &f);
	if (!p)
		goto fault;
	v = size == 4 ? SX32(__atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST))
		      : __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
	h->res_valid = true;
	h->res_addr  = RS1;
	h->res_val   = v;
	RD = v;
	NEXT;
}
op_SC_W: op_SC_D: {
	unsigned size = d->op == RV_OP_SC_W ? 4 : 8;
	void    *p    = rv_atomic_ptr(h, RS1, size, RV_ACC_W, &f);
	if (!p)
		goto fault;
	bool ok = false;
	if (h->res_valid && h->res_addr == RS1) {
		/* the reservation holds while the value is unchanged (other harts store plainly) */
		if (size == 4) {
			uint32_t old = (uint32_t)h->res_val;
			ok = __atomic_compare_exchange_n((uint32_t *)p, &old, (uint32_t)RS2, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		} else {
			uint64_t old = h->res_val;
			ok = __atomic_compare_exchange_n((uint64_t *)p, &old, RS2, false,
							 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		}
	}
	h->res_valid = false;
	RD = !ok;
	NEXT;
}
op_AMO_W: op_AMO_D: {
	bool  dw = d->op == RV_OP_AMO_D;
	void *p  = rv_atomic_ptr(h, RS1, dw ? 8 : 4, RV_ACC_W, &f);
	if (!p)
		goto fault;
	RD = rv_amo(d->aux, p, RS2, dw);
	NEXT;
}
op_FLW: op_FLD: {
	if (!(h->mstatus & MS_FS))
		goto illegal;
	unsigned size = d->op == RV_OP_FLW ? 4 : 8;
	if (!rv_load(h, RS1 + IMM, size, &v, &f))
		goto fault;
	h->f[d->rd] = size == 4 ? (v | 0xffffffff00000000ull) : v;
	rv_fs_dirty(h);
	NEXT;
}
op_FSW: op_FSD:
	if (!(h->mstatus & MS_FS))
		goto illegal;
	if (!rv_store(h, RS1 + IMM, d->op == RV_OP_FSW ? 4 : 8, h->f[d->rs2], &f))
		goto fault;
	NEXT;
op_FP:
	if (!rv_fp_exec(h, d->insn))
		goto illegal;
	NEXT;
op_SH1ADD: RD = (RS1 << 1) + RS2; NEXT;
op_SH2ADD: RD = (RS1 << 2) + RS2; NEXT;
op_SH3ADD: RD = (RS1 << 3) + RS2; NEXT;
op_ADD_UW: RD = (uint64_t)(uint32_t)RS1 + RS2; NEXT;
op_SH1ADD_UW: RD = ((uint64_t)(uint32_t)RS1 << 1) + RS2; NEXT;
op_SH2ADD_UW: RD = ((uint64_t)(uint32_t)RS1 << 2) + RS2; NEXT;
op_SH3ADD_UW: RD = ((uint64_t)(uint32_t)RS1 << 3) + RS2; NEXT;
op_SLLI_UW: RD = (uint64_t)(uint32_t)RS1 << IMM; NEXT;
op_ANDN:  RD = RS1 & ~RS2; NEXT;
op_ORN:   RD = RS1 | ~RS2; NEXT;
op_XNOR:  RD = ~(RS1 ^ RS2); NEXT;
op_CLZ:   RD = RS1 ? (uint64_t)__builtin_clzll(RS1) : 64; NEXT;
op_CTZ:   RD = RS1 ? (uint64_t)__builtin_ctzll(RS1) : 64; NEXT;
op_CPOP:  RD = (uint64_t)__builtin_popcountll(RS1); NEXT;
op_CLZW:  RD = (uint32_t)RS1 ? (uint64_t)__builtin_clz((uint32_t)RS1) : 32; NEXT;
op_CTZW:  RD = (uint32_t)RS1 ? (uint64_t)__builtin_ctz((uint32_t)RS1) : 32; NEXT;
op_CPOPW: RD = (uint64_t)__builtin_popcount((uint32_t)RS1); NEXT;
op_MAX:   RD = (int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2; NEXT;
op_MAXU:  RD = RS1 > RS2 ? RS1 : RS2; NEXT;
op_MIN:   RD = (int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2; NEXT;
op_MINU:  RD = RS1 < RS2 ? RS1 : RS2; NEXT;
op_SEXT_B: RD = (uint64_t)(int8_t)RS1; NEXT;
op_SEXT_H: RD = (uint64_t)(int16_t)RS1; NEXT;
op_ZEXT_H: RD = (uint16_t)RS1; NEXT;
op_ROL:   v = RS2 & 63; RD = (RS1 << v) | (RS1 >> ((64 - v) & 63)); NEXT;
op_ROR:   v = RS2 & 63; RD = (RS1 >> v) | (RS1 << ((64 - v) & 63)); NEXT;
op_RORI:  v = IMM & 63; RD = (RS1 >> v) | (RS1 << ((64 - v) & 63)); NEXT;
op_ROLW: {
	uint32_t a = (uint32_t)RS1, s = RS2 & 31;
	RD = SX32((a << s) | (a >> ((32 - s) & 31)));
	NEXT;
}
op_RORW: {
	uint32_t a = (uint32_t)RS1, s = RS2 & 31;
	RD = SX32((a >> s) | (a << ((32 - s) & 31)));
	NEXT;
}
op_RORIW: {
	uint32_t a = (uint32_t)RS1, s = IMM & 31;
	RD = SX32((a >> s) | (a << ((32 - s) & 31)));
	NEXT;
}
op_ORC_B: RD = rv_orc_b(RS1); NEXT;
op_REV8:  RD = __builtin_bswap64(RS1); NEXT;
op_BCLR:  RD = RS1 & ~(1ull << (RS2 & 63)); NEXT;
op_BCLRI: RD = RS1 & ~(1ull << (IMM & 63)); NEXT;
op_BEXT:  RD = (RS1 >> (RS2 & 63)) & 1; NEXT;
op_BEXTI: RD = (RS1 >> (IMM & 63)) & 1; NEXT;
op_BINV:  RD = RS1 ^ (1ull << (RS2 & 63)); NEXT;
op_BINVI: RD = RS1 ^ (1ull << (IMM & 63)); NEXT;
op_BSET:  RD = RS1 | (1ull << (RS2 & 63)); NEXT;
op_BSETI: RD = RS1 | (1ull << (IMM & 63)); NEXT;

op_CSRRW: op_CSRRS: op_CSRRC: op_CSRRWI: op_CSRRSI: op_CSRRCI: {
	unsigned kind = d->op - RV_OP_CSRRW;          /* 0..2 register, 3..5 immediate */
	unsigned op   = kind % 3 + 1;
	uint64_t src  = kind >= 3 ? d->rs1 : RS1;
	bool     wr   = op == 1 || d->rs1 != 0;
	SYNC();
	if (!rv_csr_access(h, (unsigned)(IMM & 0xfff), op, src, &v, wr))
		goto illegal;
	RD = v;
	pc += d->len;
	if (h->block_end)
		goto out;
	goto next;
}
op_ECALL:
	h->pc = pc;
	n--;
	rv_raise(h, RV_EXC_ECALL_U + (uint64_t)h->priv, 0);
	goto out_raised;
op_EBREAK:
	h->pc = pc;
	n--;
	rv_raise(h, RV_EXC_BREAK, pc);
	goto out_raised;
op_MRET:
	h->pc = pc;
	if (!rv_mret(h))
		goto illegal;
	goto out_raised;
op_SRET:
	h->pc = pc;
	if (!rv_sret(h))
		goto illegal;
	goto out_raised;
op_WFI:
	if (h->priv == RV_PRIV_U || (h->priv == RV_PRIV_S && (h->mstatus & MS_TW)))
		goto illegal;
	h->wfi = true;
	pc += d->len;
	goto out;
op_SFENCE_VMA:
	if (h->priv == RV_PRIV_U || (h->priv == RV_PRIV_S && (h->mstatus & MS_TVM)))
		goto illegal;
	rv_tlb_flush(h);
	rv_dcache_flush(h);
	pc += d->len;
	goto out;

op_ILLEGAL:
illegal:
	h->pc = pc;
	n--;
	rv_raise(h, RV_EXC_ILLEGAL, d->bits);
	goto out_raised;
fault:
	h->pc = pc;
	n--;
	rv_raise(h, f.cause, f.tval);
	goto out_raised;
fetch_fault:
	h->pc = pc;
	rv_raise(h, f.cause, f.tval);
	goto out_raised;
out:
	h->pc = pc;
out_raised:
	h->instret += n;
	return n;
#undef RS1
#undef RS2
#undef RD
#undef IMM
#undef NEXT
#undef LOAD
#undef STORE
#undef BRANCH
#undef JUMP
#undef SYNC
}
