/* The translator: one block of guest code (straight-line, one page, at most JIT_BLOCK_INSNS
 * instructions, ending at a branch, a jump or an instruction left to the interpreter) becomes
 * host code. Guest registers live in host registers within the block and are written back
 * at every exit; loads and stores hit the soft TLB inline and call the interpreter's slow
 * paths out of line; a fault is exact (pc and instret of the faulting instruction). */
#include "target/riscv/jit/translate.h"

#include <stdio.h>
#include <stdlib.h>

#include "target/riscv/ops.h"

static const uint8_t jt_pool[] = {
	X_RBX, X_R12, X_R13, X_R14, X_R15,                 /* kept across helper calls */
	X_RSI, X_RDI, X_R8, X_R9, X_R10, X_R11,            /* saved around them */
};

static bool jt_caller_saved(unsigned r)
{
	return r == X_RSI || r == X_RDI || (r >= X_R8 && r <= X_R11);
}

static void jt_regs_reset(struct jt_regs *r)
{
	memset(r->host, JT_NONE, sizeof(r->host));
	memset(r->dirty, 0, sizeof(r->dirty));
	memset(r->guest, JT_NONE, sizeof(r->guest));
	memset(r->stamp, 0, sizeof(r->stamp));
}

/* Store guest register g (cached in host register hr) back to h->x[] if it is newer. */
static void jt_store_back(struct jt *t, const struct jt_regs *r, unsigned g)
{
	if (r->dirty[g] && g != 32)
		x86_store(&t->b, X_RBP, JT_OFF_X(g), r->host[g]);
}

/* A free host register, evicting the least recently used guest register not touched by the
 * current instruction. */
static unsigned jt_alloc(struct jt *t)
{
	unsigned best = JT_NONE;

	for (unsigned i = 0; i < sizeof(jt_pool); i++) {
		unsigned hr = jt_pool[i];
		if (t->r.guest[hr] == JT_NONE)
			return hr;
		if (t->r.stamp[hr] < t->now && (best == JT_NONE || t->r.stamp[hr] < t->r.stamp[best]))
			best = hr;
	}
	unsigned g = t->r.guest[best];
	jt_store_back(t, &t->r, g);
	t->r.host[g]     = JT_NONE;
	t->r.dirty[g]    = false;
	t->r.guest[best] = JT_NONE;
	return best;
}

unsigned jt_get(struct jt *t, unsigned g)
{
	unsigned hr = t->r.host[g];
	if (hr == JT_NONE) {
		hr = jt_alloc(t);
		if (g == 0)
			x86_mov_ri(&t->b, hr, 0);
		else
			x86_load(&t->b, hr, X_RBP, JT_OFF_X(g));
		t->r.host[g]   = (uint8_t)hr;
		t->r.guest[hr] = (uint8_t)g;
	}
	t->r.stamp[hr] = t->now;
	return hr;
}

unsigned jt_def(struct jt *t, unsigned g)
{
	unsigned hr = t->r.host[g];
	if (hr == JT_NONE) {
		hr = jt_alloc(t);
		t->r.host[g]   = (uint8_t)hr;
		t->r.guest[hr] = (uint8_t)g;
	}
	t->r.stamp[hr] = t->now;
	t->r.dirty[g]  = g != 32;
	return hr;
}

/* Write every dirty register back (the cache keeps its contents, now clean copies). */
static void jt_writeback(struct jt *t, const struct jt_regs *r, bool callee_saved_only)
{
	for (unsigned g = 1; g < 32; g++)
		if (r->host[g] != JT_NONE && !(callee_saved_only && jt_caller_saved(r->host[g])))
			jt_store_back(t, r, g);
}

static void jt_jmp_to(struct jt *t, const uint8_t *rx_target)
{
	uint8_t *field = x86_jmp32(&t->b);
	if (!t->b.full)
		x86_patch32(field, codemem_rw(&t->j->mem, rx_target));
}

static void jt_call(struct jt *t, const void *fn)
{
	x86_mov_ri(&t->b, X_RAX, (uint64_t)(uintptr_t)fn);
	x86_call_r(&t->b, X_RAX);
}

static void jt_set_pc(struct jt *t, uint64_t pc)
{
	x86_mov_ri(&t->b, X_RAX, pc);
	x86_store(&t->b, X_RBP, JT_OFF_PC, X_RAX);
}

static void jt_leave(struct jt *t, enum rv_jit_exit why)
{
	x86_mov_ri(&t->b, X_RAX, why);
	jt_jmp_to(t, t->j->epilogue);
}

/* Give back to the budget the instructions from k on, which did not run. */
static void jt_unspend(struct jt *t, unsigned k)
{
	if (k < t->n)
		x86_alu_mi(&t->b, X_ADD, X_RBP, JT_OFF_LEFT, (int32_t)(t->n - k));
}

/* Registers are written back already. A target in this block's page may later be chained
 * (a jump the dispatcher patches to the target block); another page needs the lookup. */
static void jt_exit_to(struct jt *t, uint64_t target)
{
	if ((target ^ t->vpc0) >> 12) {
		jt_set_pc(t, target);
		x86_mov_rr(&t->b, X_RDI, X_RBP);
		jt_call(t, (const void *)rv_jit_lookup);
		x86_jmp_r(&t->b, X_RAX);
		return;
	}
	uint8_t *site = x86_jmp32(&t->b);  /* falls through to the exit until chained */
	if (!t->b.full)
		x86_patch32(site, t->b.p);
	jt_set_pc(t, target);
	x86_mov_ri(&t->b, X_RAX, (uint64_t)(uintptr_t)codemem_rx(&t->j->mem, site));
	x86_store(&t->b, X_RBP, JT_OFF_SITE, X_RAX);
	jt_leave(t, JIT_EXIT_NEXT);
}

/* --- loads and stores --- */

/* rax = va: check the TLB at off (tlb_r/tlb_w); on a hit rax becomes the host address; on a
 * miss jump to a slow path, whose jne field is returned. Uses rcx and rdx. */
static uint8_t *jt_tlb(struct jt *t, int32_t off, unsigned size)
{
	struct xbuf *b = &t->b;

	x86_mov_rr(b, X_RCX, X_RAX);
	x86_shift_ri(b, true, X_SHR, X_RCX, 12 - 4);
	x86_alu_ri(b, false, X_AND, X_RCX, (RV_TLB_SIZE - 1) << 4);
	if (size > 1)
		x86_lea(b, X_RDX, X_RAX, (int32_t)size - 1);   /* the last byte's page: RV_TLB_TAG */
	else
		x86_mov_rr(b, X_RDX, X_RAX);
	x86_alu_ri(b, true, X_AND, X_RDX, -4096);
	x86_alu_rmx(b, X_CMP, X_RDX, X_RBP, X_RCX, off);
	if (t->j->dbg.slow_mem)
		x86_alu_rr(b, true, X_CMP, X_RSP, X_RBP);   /* never equal: always the slow path */
	uint8_t *miss = x86_jcc32(b, X_NE);
	x86_alu_rmx(b, X_ADD, X_RAX, X_RBP, X_RCX, off + 8);
	return miss;
}

static struct jt_slow *jt_slow_new(struct jt *t, enum jt_slow_kind kind, uint8_t *field,
				   const struct rv_dec *d, uint64_t vpc, unsigned k)
{
	struct jt_slow *s = &t->slow[t->n_slow++];
	*s = (struct jt_slow){ .kind = kind, .field = field, .back = t->b.p, .regs = t->r,
			       .k = k, .len = d->len, .vpc = vpc };
	return s;
}

static void jt_load(struct jt *t, const struct rv_dec *d, uint64_t vpc, unsigned k,
		    unsigned size, bool sign)
{
	unsigned a = jt_get(t, d->rs1);
	x86_lea(&t->b, X_RAX, a, d->imm);
	uint8_t *miss = jt_tlb(t, JT_OFF_TLB_R, size);
	x86_load_sized(&t->b, X_RAX, X_RAX, 0, size, sign);
	struct jt_slow *s = jt_slow_new(t, JT_SLOW_LOAD, miss, d, vpc, k);
	s->size = size;
	s->sign = sign;
	/* only now the destination: a fault leaves it as it was */
	x86_mov_rr(&t->b, jt_def(t, d->rd), X_RAX);
}

static void jt_store(struct jt *t, const struct rv_dec *d, uint64_t vpc, unsigned k,
		     unsigned size)
{
	unsigned a = jt_get(t, d->rs1), v = jt_get(t, d->rs2);
	x86_lea(&t->b, X_RAX, a, d->imm);
	uint8_t *miss = jt_tlb(t, JT_OFF_TLB_W, size);
	x86_store_sized(&t->b, X_RAX, 0, v, size);
	struct jt_slow *s = jt_slow_new(t, JT_SLOW_STORE, miss, d, vpc, k);
	s->size      = size;
	s->value_reg = v;
}

/* The slow path of one access: the interpreter's load/store through rv_jit_load/store with
 * the caller-saved registers saved around it; a fault leaves the block exactly. */
static void jt_emit_slow(struct jt *t, const struct jt_slow *s)
{
	struct xbuf *b = &t->b;

	if (!b->full)
		x86_patch32(s->field, b->p);
	for (unsigned g = 1; g < 32; g++)
		if (s->regs.host[g] != JT_NONE && jt_caller_saved(s->regs.host[g]))
			jt_store_back(t, &s->regs, g);
	if (s->kind == JT_SLOW_STORE) {
		x86_mov_rr(b, X_RDX, s->value_reg);
		x86_mov_rr(b, X_RSI, X_RAX);
		x86_mov_rr(b, X_RDI, X_RBP);
		x86_mov_ri(b, X_RCX, s->size);
		jt_call(t, (const void *)rv_jit_store);
		x86_test_rr(b, true, X_RAX, X_RAX);
	} else {
		x86_mov_rr(b, X_RSI, X_RAX);
		x86_mov_rr(b, X_RDI, X_RBP);
		x86_mov_ri(b, X_RDX, s->size | (s->sign ? 16u : 0u));
		jt_call(t, (const void *)rv_jit_load);
		x86_test_rr(b, true, X_RDX, X_RDX);
	}
	uint8_t *bad = x86_jcc32(b, X_NE);
	for (unsigned g = 0; g < 32; g++) {   /* x0 too: a cached zero is a register like any */
		if (s->regs.host[g] == JT_NONE || !jt_caller_saved(s->regs.host[g]))
			continue;
		if (g == 0)
			x86_mov_ri(b, s->regs.host[g], 0);
		else
			x86_load(b, s->regs.host[g], X_RBP, JT_OFF_X(g));
	}
	uint8_t *back = x86_jmp32(b);
	if (!b->full) {
		x86_patch32(back, s->back);
		x86_patch32(bad, b->p);
	}
	/* a fault (or, after a store, a reason to stop): the caller-saved registers are in
	 * h->x already, the others not yet */
	jt_writeback(t, &s->regs, true);
	if (s->kind == JT_SLOW_STORE) {
		x86_alu_ri(b, true, X_CMP, X_RAX, 1);
		uint8_t *fault = x86_jcc32(b, X_E);
		jt_unspend(t, s->k + 1);           /* the store itself retired */
		jt_set_pc(t, s->vpc + s->len);
		jt_leave(t, JIT_EXIT_NEXT);
		if (!b->full)
			x86_patch32(fault, b->p);
	}
	jt_unspend(t, s->k);
	jt_set_pc(t, s->vpc);
	x86_mov_rr(b, X_RDI, X_RBP);
	jt_call(t, (const void *)rv_jit_raise);
	jt_leave(t, JIT_EXIT_TRAP);
}

/* --- the block --- */

static bool jt_is_branch(unsigned op)
{
	return op >= RV_OP_BEQ && op <= RV_OP_BGEU;
}

/* Whether the translator handles op itself (else the block ends before it). */
static bool jt_supported(unsigned op, const struct rv_jit *j)
{
	if (op >= j->dbg.off_lo && op <= j->dbg.off_hi)
		return false;  /* CELLA_DEBUG=jit-off */
	if (jt_is_branch(op) || (op >= RV_OP_LB && op <= RV_OP_SD))
		return true;
	switch (op) {
	case RV_OP_LUI: case RV_OP_AUIPC: case RV_OP_JAL: case RV_OP_JALR: case RV_OP_FENCE:
		return true;
	default:
		return jt_alu_supported(op, j);
	}
}

static void jt_branch(struct jt *t, const struct rv_dec *d, uint64_t vpc)
{
	static const enum xcc cc[] = {
		[RV_OP_BEQ - RV_OP_BEQ] = X_E,  [RV_OP_BNE - RV_OP_BEQ] = X_NE,
		[RV_OP_BLT - RV_OP_BEQ] = X_L,  [RV_OP_BGE - RV_OP_BEQ] = X_GE,
		[RV_OP_BLTU - RV_OP_BEQ] = X_B, [RV_OP_BGEU - RV_OP_BEQ] = X_AE,
	};
	unsigned a = jt_get(t, d->rs1), c = jt_get(t, d->rs2);

	jt_writeback(t, &t->r, false);   /* stores leave the flags alone, but come first */
	x86_alu_rr(&t->b, true, X_CMP, a, c);
	uint8_t *taken = x86_jcc32(&t->b, cc[d->op - RV_OP_BEQ]);
	jt_exit_to(t, vpc + d->len);
	if (!t->b.full)
		x86_patch32(taken, t->b.p);
	jt_exit_to(t, vpc + (uint64_t)(int64_t)d->imm);
}

static void jt_jalr(struct jt *t, const struct rv_dec *d, uint64_t vpc)
{
	unsigned a = jt_get(t, d->rs1);
	x86_lea(&t->b, X_RAX, a, d->imm);
	x86_alu_ri(&t->b, true, X_AND, X_RAX, -2);
	x86_store(&t->b, X_RBP, JT_OFF_PC, X_RAX);     /* the target, before rd may change rs1 */
	x86_mov_ri(&t->b, jt_def(t, d->rd), vpc + d->len);
	jt_writeback(t, &t->r, false);
	x86_mov_rr(&t->b, X_RDI, X_RBP);
	jt_call(t, (const void *)rv_jit_lookup);
	x86_jmp_r(&t->b, X_RAX);
}

/* One instruction in the middle of a block (k-th), or its last one (a jump or branch). */
static void jt_insn(struct jt *t, const struct rv_dec *d, uint64_t vpc, unsigned k)
{
	t->now++;
	switch (d->op) {
	case RV_OP_LUI:   x86_mov_ri(&t->b, jt_def(t, d->rd), (uint64_t)(int64_t)d->imm); return;
	case RV_OP_AUIPC: x86_mov_ri(&t->b, jt_def(t, d->rd), vpc + (uint64_t)(int64_t)d->imm); return;
	case RV_OP_FENCE: return; /* the host orders memory more strictly than RVWMO asks */
	case RV_OP_LB:  jt_load(t, d, vpc, k, 1, true); return;
	case RV_OP_LH:  jt_load(t, d, vpc, k, 2, true); return;
	case RV_OP_LW:  jt_load(t, d, vpc, k, 4, true); return;
	case RV_OP_LD:  jt_load(t, d, vpc, k, 8, false); return;
	case RV_OP_LBU: jt_load(t, d, vpc, k, 1, false); return;
	case RV_OP_LHU: jt_load(t, d, vpc, k, 2, false); return;
	case RV_OP_LWU: jt_load(t, d, vpc, k, 4, false); return;
	case RV_OP_SB:  jt_store(t, d, vpc, k, 1); return;
	case RV_OP_SH:  jt_store(t, d, vpc, k, 2); return;
	case RV_OP_SW:  jt_store(t, d, vpc, k, 4); return;
	case RV_OP_SD:  jt_store(t, d, vpc, k, 8); return;
	case RV_OP_JAL:
		x86_mov_ri(&t->b, jt_def(t, d->rd), vpc + d->len);
		jt_writeback(t, &t->r, false);
		jt_exit_to(t, vpc + (uint64_t)(int64_t)d->imm);
		return;
	case RV_OP_JALR: jt_jalr(t, d, vpc); return;
	default:
		if (jt_is_branch(d->op))
			jt_branch(t, d, vpc);
		else if (!jt_alu(t, d, vpc))
			t->bad = true;
	}
}

/* Decode the block's instructions from its page: up to a branch or jump (included), an
 * instruction the translator leaves to the interpreter (excluded), the page's end or max.
 * *stop_pc is where a block without a jump at its end goes on. */
static unsigned jt_scan(const struct rv_jit *j, uint64_t vpc, const uint8_t *host,
			struct rv_dec *d, unsigned max, bool *interp_next)
{
	unsigned off = (unsigned)(vpc & 0xfff), n = 0;
	const uint8_t *page = host - off;

	*interp_next = false;
	while (n < max && off + 2 <= 4096) {
		uint16_t lo;
		uint32_t bits;
		memcpy(&lo, page + off, 2);
		bits = lo;
		if ((lo & 3) == 3) {
			if (off + 4 > 4096) {
				*interp_next = true;   /* straddles two pages */
				break;
			}
			memcpy(&bits, page + off, 4);
		}
		rv_decode(&d[n], bits);
		if (!jt_supported(d[n].op, j)) {
			*interp_next = true;
			break;
		}
		off += d[n].len;
		unsigned op = d[n++].op;
		if (jt_is_branch(op) || op == RV_OP_JAL || op == RV_OP_JALR)
			break;
	}
	return n;
}

static bool jt_emit(struct jt *t, const struct rv_dec *d, unsigned n, bool interp_next)
{
	struct xbuf *b = &t->b;
	uint64_t     vpc = t->vpc0;

	/* entry: leave when the budget is spent, else pay for the whole block (a run ends at
	 * most a block's length past its budget) */
	x86_alu_mi(b, X_CMP, X_RBP, JT_OFF_LEFT, 0);
	uint8_t *broke = x86_jcc32(b, X_LE);
	x86_alu_mi(b, X_SUB, X_RBP, JT_OFF_LEFT, (int32_t)n);
	for (unsigned k = 0; k < n && !t->bad; k++) {
		jt_insn(t, &d[k], vpc, k);
		vpc += d[k].len;
	}
	unsigned last = d[n - 1].op;
	if (!(jt_is_branch(last) || last == RV_OP_JAL || last == RV_OP_JALR)) {
		jt_writeback(t, &t->r, false);
		if (interp_next) {
			jt_set_pc(t, vpc);
			jt_leave(t, JIT_EXIT_INTERP);
		} else {
			jt_exit_to(t, vpc);
		}
	}
	for (unsigned i = 0; i < t->n_slow; i++)
		jt_emit_slow(t, &t->slow[i]);
	if (!b->full)
		x86_patch32(broke, b->p);
	jt_set_pc(t, t->vpc0);
	jt_leave(t, JIT_EXIT_BUDGET);
	return !b->full && !t->bad;
}

/* CELLA_DEBUG=jit-dump=PC: the host code of the block at PC, for objdump -b binary. */
static void jt_dump(const struct rv_jblock *blk, const uint8_t *code, size_t len)
{
	char  name[64];
	snprintf(name, sizeof(name), "cella-jit-%llx.bin", (unsigned long long)blk->vpc);
	FILE *f = fopen(name, "w");
	if (f) {
		fwrite(code, 1, len, f);
		fclose(f);
	}
	fprintf(stderr, "cella: jit: block %llx (%zu bytes at %p) written to %s\n",
		(unsigned long long)blk->vpc, len, (void *)blk->code, name);
}

void *rv_jit_translator_new(void)
{
	return calloc(1, sizeof(struct jt));
}

struct rv_jblock *rv_jit_translate(struct rv_hart *h, uint64_t vpc, const uint8_t *host)
{
	struct rv_jit    *j = h->jit;
	struct jt        *t = j->xlate;
	struct rv_dec     d[JIT_BLOCK_INSNS];
	bool              interp_next;
	unsigned          max = j->dbg.max_insns;

	struct rv_jblock *blk = rv_jit_new_block(j, vpc, host);
	if (!blk)
		return NULL;
	rv_code_mark(h, host - (vpc & 0xfff));
	for (;;) {
		unsigned n = jt_scan(j, vpc, host, d, max, &interp_next);
		if (n == 0)
			return blk;                   /* code NULL: the interpreter's */
		/* field by field: zeroing the whole state (its 64 slow-path slots) was a fifth of
		 * the time a boot spent translating */
		t->h      = h;
		t->j      = j;
		t->vpc0   = vpc;
		t->n      = n;
		t->now    = 0;
		t->n_slow = 0;
		t->bad    = false;
		t->b = (struct xbuf){ j->mem.rw + j->mem.used, j->mem.rw + j->mem.used + JIT_BLOCK_BYTES,
				     false };
		if (j->mem.size - j->mem.used < JIT_BLOCK_BYTES)
			return blk;
		jt_regs_reset(&t->r);
		uint8_t *start = t->b.p;
		if (jt_emit(t, d, n, interp_next)) {
			j->mem.used += (size_t)(t->b.p - start);
			j->mem.used  = (j->mem.used + 15) & ~(size_t)15;
			blk->code = codemem_rx(&j->mem, start);
			if (vpc == j->dbg.dump_pc)
				jt_dump(blk, start, (size_t)(t->b.p - start));
			return blk;
		}
		if (t->bad || n == 1)
			return blk;                   /* cannot emit: the interpreter's */
		max = n / 2;                          /* too long for the buffer: shorter */
	}
}
