/* The interpreter: run pre-decoded instructions from the decoded cache (one tag compare per
 * instruction; a miss fetches through a host pointer into the code page and decodes), and
 * dispatch with computed goto from each handler. A block ends after a budget of instructions
 * or at anything that changes the hart's mode; the run loop then checks interrupts. */
/* Keep one indirect jump per handler instead of GCC merging them into one shared jump; and
 * -O2 even in release (-O3) builds: measured a little faster (boot and bench/riscv-cpu.sh),
 * and it is what the default build uses anyway. */
#pragma GCC optimize("O2", "no-crossjumping")
#include "target/riscv/exec.h"
#include "target/riscv/gdb.h"
#include "target/riscv/internal.h"
#include "target/riscv/jit/jit.h"
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
	static void *const dispatch4[RV_OP_COUNT] = {
#define RV_OP_LABEL(name) [RV_OP_##name] = &&op_##name##_4,
		RV_OPS(RV_OP_LABEL)
#undef RV_OP_LABEL
	};
	static void *const dispatch2[RV_OP_COUNT] = {
#define RV_OP_LABEL(name) [RV_OP_##name] = &&op_##name##_2,
		RV_OPS(RV_OP_LABEL)
#undef RV_OP_LABEL
	};
	uint64_t       *x  = h->x;
	uint64_t        pc = h->pc, n = 0, page_va = 1, v;
	uint64_t        gtag; /* reloaded after anything that may store into code */
	uint8_t        *page = NULL;
	struct rv_dec  *const dc = h->dcache;
	struct rv_dec  *d = &dc[0], straddle[3];
	struct rv_fault f;
	uint32_t        bits;

	h->block_end = false;
#define RELOAD_GEN() (gtag = (uint64_t)h->dcache_gen << 48)
	RELOAD_GEN();
#define RS1  x[d->rs1]
#define RS2  x[d->rs2]
#define RD   x[d->rd]
#define IMM  ((uint64_t)(int64_t)d->imm)
/* Each handler ends in its own copy of the dispatch: one indirect jump per handler predicts
 * far better than one shared jump. */
#define DISPATCH()                                                                             \
	do {                                                                                   \
		if (unlikely(d->tag != (pc ^ gtag)))                                           \
			goto miss;                                                             \
		n++;                                                                           \
		goto *d->handler;                                                              \
	} while (0)
#define NEXT do { pc += LEN; d += LEN / 2; DISPATCH(); } while (0)
/* The TLB hit is written out here (not through rv_load) so the loaded value stays in a
 * host register: only the slow path takes the address of v. */
#define LOAD(size, expr)                                                                       \
	do {                                                                                   \
		uint64_t       va_ = RS1 + IMM;                                                \
		struct rv_tlb *t_  = &h->tlb_r[(va_ >> 12) & (RV_TLB_SIZE - 1)];              \
		if (likely(t_->tag == RV_TLB_TAG(va_, size))) {                                \
			uint64_t w_ = 0;                                                       \
			memcpy(&w_, (const void *)(uintptr_t)(va_ + t_->addend), size);        \
			RD = ({ uint64_t v_ = w_; (void)v_; expr; });                          \
			NEXT;                                                                  \
		}                                                                              \
		if (unlikely(!rv_load_slow(h, va_, size, &v, &f)))                             \
			goto fault;                                                            \
		RD = ({ uint64_t v_ = v; (void)v_; expr; });                                   \
		NEXT;                                                                          \
	} while (0)
/* A store that hits the TLB cannot touch code (code pages never enter the store TLB), so
 * only the slow path may have moved the generation, or ended the block (a watched store:
 * HTIF's tohost may have stopped the machine). */
#define STORE(size)                                                                            \
	do {                                                                                   \
		uint64_t       va_ = RS1 + IMM;                                                \
		struct rv_tlb *t_  = &h->tlb_w[(va_ >> 12) & (RV_TLB_SIZE - 1)];              \
		if (likely(t_->tag == RV_TLB_TAG(va_, size))) {                                \
			uint64_t w_ = RS2;                                                     \
			memcpy((void *)(uintptr_t)(va_ + t_->addend), &w_, size);              \
			NEXT;                                                                  \
		}                                                                              \
		if (unlikely(!rv_store_slow(h, va_, size, RS2, &f)))                           \
			goto fault;                                                            \
		RELOAD_GEN();                                                                  \
		if (unlikely(h->block_end)) {                                                  \
			pc += LEN;                                                             \
			goto out;                                                              \
		}                                                                              \
		NEXT;                                                                          \
	} while (0)
#define BRANCH(cond)                                                                           \
	do {                                                                                   \
		if (cond)                                                                      \
			JUMP(pc + IMM);                                                        \
		NEXT;                                                                          \
	} while (0)
#define JUMP(target)                                                                           \
	do {                                                                                   \
		pc = (target);                                                                 \
		d  = &dc[(pc >> 1) & (RV_DCACHE_SIZE - 1)];                                    \
		if (unlikely(n >= budget))                                                     \
			goto out;                                                              \
		DISPATCH();                                                                    \
	} while (0)
/* Retire what ran so far. The budget shrinks by as much, so a loop through a CSR access
 * (which syncs on every turn) still ends its block and lets the hart see stops and IRQs. */
#define SYNC()                                                                                 \
	do {                                                                                   \
		h->pc = pc;                                                                    \
		h->instret += n - 1;                                                           \
		budget = budget > n ? budget - (n - 1) : 1;                                    \
		n      = 1;                                                                    \
	} while (0)

	/* A valid entry needs no fetch: it was decoded in this generation and privilege mode,
	 * so its page's mapping and permissions still stand (any change is an SFENCE.VMA, a satp
	 * or PMP write, or a privilege change, all of which move the generation). The budget is
	 * checked at taken branches, jumps and cache misses. */
next:
	if (unlikely(d->tag != (pc ^ gtag)))
		goto miss;
	n++;
	goto *d->handler;

	/* d is not pc's entry (after a CSR write, an uncached straddling instruction, or past the
	 * end of the cache), or the entry holds another instruction: find the slot, decode */
miss:
	if (unlikely(n >= budget))
		goto out;
	d = &dc[(pc >> 1) & (RV_DCACHE_SIZE - 1)];
	if (d->tag != (pc ^ gtag)) {
		/* A breakpoint's instruction never gets a valid entry, so it always comes here. */
		if (unlikely(h->dbg != NULL) && rv_gdb_break(h, pc))
			goto out;
		/* an execute trigger fires before the fetch; code it matches is never cached
		 * (arming one moves the generation), so valid entries need no check */
		bool cache = true;
		if (unlikely(h->trig_armed & RV_TRIG_X) && rv_trig_fetch(h, pc, &cache, &f))
			goto fetch_fault;
		if ((pc & RV_PAGE_MASK) != page_va) { /* page_va 1: none */
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
				d = &straddle[0];
				rv_decode(d, bits);
				n++;
				goto *dispatch4[d->op];
			}
		}
		/* A slot that already holds the decoding of these very bits (from an older
		 * generation, a privilege mode since left, or another pc with the same
		 * instruction) is taken over: decoding depends on the bits alone, and the fetch
		 * above has just checked this pc's translation and permission. */
		rv_code_mark(h, page);
		rv_code_vpage(h, pc);
		if (!d->handler || d->insn != bits) {
			rv_decode(d, bits);
			d->handler = d->len == 4 ? dispatch4[d->op] : dispatch2[d->op];
		}
		d->tag = cache ? pc ^ gtag : 0;
	}
	n++;
	goto *d->handler;

#define LEN 4
#define L(name) op_##name##_4
#include "target/riscv/exec_ops.inc"
#undef LEN
#undef L
#define LEN 2
#define L(name) op_##name##_2
#include "target/riscv/exec_ops.inc"
#undef LEN
#undef L

	/* A trap: what ran before it retires first, so the trap (and its trace line) sees
	 * the exact instret; the trapping instruction itself does not retire. */
illegal:
	f.cause = RV_EXC_ILLEGAL;
	f.tval  = d->insn;
fault:
	n--;
fetch_fault:
	h->pc = pc;
	h->instret += n;
	rv_raise(h, f.cause, f.tval);
	return n;
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
#undef RELOAD_GEN
#undef SYNC
}
