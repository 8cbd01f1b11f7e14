/* Sdtrig: RV_TRIGGERS address-match triggers (tselect, tdata1-3, tinfo) of type mcontrol (2)
 * or mcontrol6 (6), matching the virtual address of fetches, loads and stores (equal, NAPOT,
 * >=, <) in M, S and U mode and raising a breakpoint exception before the instruction. The
 * hot paths never look: an armed trigger keeps its pages out of the soft TLBs and its code
 * out of the decode cache, so only the slow paths, which call in here, meet it. */
#include "target/riscv/internal.h"

#define TYPE_SHIFT  60
#define TYPE_MC     2ull
#define TYPE_MC6    6ull
#define TYPE_OFF    15ull
#define MC_M        (1ull << 6)
#define MC_S        (1ull << 4)
#define MC_U        (1ull << 3)
#define MC_KINDS    7ull              /* execute, store, load: RV_TRIG_X | ST | LD */
#define MC_MATCH    (15ull << 7)
#define MC_HIT      (1ull << 20)      /* mcontrol */
#define MC_MASKMAX  (63ull << 53)     /* mcontrol: NAPOT ranges up to 2^63 bytes */
#define MC6_HIT0    (1ull << 22)      /* mcontrol6: hit = 1, "before" */
#define MC6_HIT1    (1ull << 25)

enum { MATCH_EQ = 0, MATCH_NAPOT = 1, MATCH_GE = 2, MATCH_LT = 3 };

static uint64_t trig_type(uint64_t tdata1)
{
	return tdata1 >> TYPE_SHIFT;
}

void rv_trig_reset(struct rv_hart *h)
{
	h->tselect = 0;
	for (int i = 0; i < RV_TRIGGERS; i++) {
		h->tdata1[i] = TYPE_OFF << TYPE_SHIFT;
		h->tdata2[i] = 0;
	}
	h->trig_armed = 0;
}

/* The mode bit that enables trigger t in the hart's current mode. */
static bool trig_in_mode(const struct rv_hart *h, uint64_t t)
{
	uint64_t bit = h->priv == RV_PRIV_M ? MC_M : h->priv == RV_PRIV_S ? MC_S : MC_U;
	return (t & bit) != 0;
}

/* A breakpoint taken in the mode that handles it would clobber that mode's trap state, so
 * (Sdtrig's first reentrancy rule) triggers do not fire in M-mode while mstatus.MIE is 0, nor
 * in S-mode while SIE is 0 when breakpoints are delegated to S. */
static bool trig_may_fire(const struct rv_hart *h)
{
	if (h->priv == RV_PRIV_M)
		return (h->mstatus & MS_MIE) != 0;
	if (h->priv == RV_PRIV_S && ((h->medeleg >> RV_EXC_BREAK) & 1))
		return (h->mstatus & MS_SIE) != 0;
	return true;
}

/* Does any byte of [a, a + len) match trigger i? */
static bool trig_match(const struct rv_hart *h, int i, uint64_t a, uint64_t len)
{
	uint64_t t2 = h->tdata2[i], last = a + len - 1;

	if (last < a)
		last = UINT64_MAX; /* wraps past the top: compare up to it */
	switch ((h->tdata1[i] & MC_MATCH) >> 7) {
	case MATCH_EQ: return t2 - a < len;
	case MATCH_NAPOT: {
		uint64_t any = t2 ^ (t2 + 1); /* the trailing ones and the lowest 0: don't care */
		uint64_t lo  = t2 & ~any;
		return a <= lo + any && last >= lo;
	}
	case MATCH_GE: return last >= t2;
	default:       return a < t2;
	}
}

/* Which kinds (RV_TRIG_*) trigger i watches in the current mode; 0 when disabled. */
static unsigned trig_kinds(const struct rv_hart *h, int i)
{
	uint64_t t = h->tdata1[i], ty = trig_type(t);
	if ((ty != TYPE_MC && ty != TYPE_MC6) || !trig_in_mode(h, t))
		return 0;
	return (unsigned)(t & MC_KINDS);
}

static void trig_hit(struct rv_hart *h, int i)
{
	h->tdata1[i] |= trig_type(h->tdata1[i]) == TYPE_MC ? MC_HIT : MC6_HIT0;
}

/* Triggers of `kind` matching [a, a + len) fire: set their hit bits and say so. *seen (if
 * not NULL) tells whether one matched at all, even if it may not fire now. */
static bool trig_check(struct rv_hart *h, unsigned kind, uint64_t a, uint64_t len, bool *seen)
{
	bool fire = false, may = trig_may_fire(h);

	for (int i = 0; i < RV_TRIGGERS; i++) {
		if (!(trig_kinds(h, i) & kind) || !trig_match(h, i, a, len))
			continue;
		if (seen)
			*seen = true;
		if (may) {
			trig_hit(h, i);
			fire = true;
		}
	}
	return fire;
}

bool rv_trig_fetch(struct rv_hart *h, uint64_t pc, bool *cacheable, struct rv_fault *f)
{
	bool seen = false;
	if (!trig_check(h, RV_TRIG_X, pc, 1, &seen)) {
		/* matching but held back (MIE/SIE clear): decode it afresh each time, so that it
		 * fires once they are set, which moves no decode-cache generation */
		*cacheable = !seen;
		return false;
	}
	*cacheable = false;
	f->cause = RV_EXC_BREAK;
	f->tval  = pc;
	return true;
}

bool rv_trig_access(struct rv_hart *h, uint64_t va, unsigned size, unsigned kinds,
		    struct rv_fault *f)
{
	if (!trig_check(h, kinds & h->trig_armed, va, size, NULL))
		return false;
	f->cause = RV_EXC_BREAK;
	f->tval  = va;
	return true;
}

bool rv_trig_page(const struct rv_hart *h, uint64_t page, unsigned kind)
{
	for (int i = 0; i < RV_TRIGGERS; i++)
		if ((trig_kinds(h, i) & kind) && trig_match(h, i, page, 4096))
			return true;
	return false;
}

/* tdata1 as written, made legal: unsupported types disable the trigger; fields cella does not
 * implement (data match, sizes, timing after, chains, actions other than a breakpoint, Debug
 * Mode, hypervisor modes) read as zero, and match types other than 0-3 as 0 (equal). */
static uint64_t trig_legal(uint64_t v)
{
	uint64_t ty = trig_type(v);
	if (ty != TYPE_MC && ty != TYPE_MC6)
		return TYPE_OFF << TYPE_SHIFT;
	uint64_t keep = MC_M | MC_S | MC_U | MC_KINDS;
	if (((v & MC_MATCH) >> 7) <= MATCH_LT)
		keep |= MC_MATCH;
	if (ty == TYPE_MC)
		return TYPE_MC << TYPE_SHIFT | MC_MASKMAX | (v & (keep | MC_HIT));
	return TYPE_MC6 << TYPE_SHIFT | (v & (keep | MC6_HIT0 | MC6_HIT1));
}

static void trig_update(struct rv_hart *h)
{
	h->trig_armed = 0;
	for (int i = 0; i < RV_TRIGGERS; i++) {
		uint64_t t = h->tdata1[i], ty = trig_type(t);
		if ((ty == TYPE_MC || ty == TYPE_MC6) && (t & (MC_M | MC_S | MC_U)))
			h->trig_armed |= (unsigned)(t & MC_KINDS);
	}
	/* what may match changed: pages and decoded code taken in without looking go */
	rv_tlb_flush(h);
	rv_dcache_flush(h);
}

bool rv_trig_csr_read(struct rv_hart *h, unsigned csr, uint64_t *v)
{
	unsigned i = (unsigned)h->tselect;
	switch (csr) {
	case 0x7a0: *v = h->tselect; return true;
	case 0x7a1: *v = h->tdata1[i]; return true;
	case 0x7a2: *v = h->tdata2[i]; return true;
	case 0x7a3: *v = 0; return true;   /* tdata3 (textra): no extra conditions */
	case 0x7a4:                        /* tinfo: version 1 (Sdtrig 1.0), types 2, 6, 15 */
		*v = 1u << 24 | 1u << TYPE_MC | 1u << TYPE_MC6 | 1u << TYPE_OFF;
		return true;
	default: return false;
	}
}

bool rv_trig_csr_write(struct rv_hart *h, unsigned csr, uint64_t v)
{
	unsigned i = (unsigned)h->tselect;
	switch (csr) {
	case 0x7a0:
		if (v < RV_TRIGGERS)
			h->tselect = v; /* others leave it as it was: software reads back */
		return true;
	case 0x7a1:
		h->tdata1[i] = trig_legal(v);
		break;
	case 0x7a2:
		/* mcontrol6 NAPOT: with bits 62:0 all ones the range would be everything; the
		 * spec's WARL rule clears bit maskmax6 - 1 (maskmax6 is 63 here) */
		if (trig_type(h->tdata1[i]) == TYPE_MC6 &&
		    ((h->tdata1[i] & MC_MATCH) >> 7) == MATCH_NAPOT && (~v << 1) == 0)
			v &= ~(1ull << 62);
		h->tdata2[i] = v;
		break;
	case 0x7a3: case 0x7a4: return true; /* read-only: writes are ignored */
	default: return false;
	}
	trig_update(h);
	return true;
}
