/* Address translation for the hart: Sv39/Sv48 page walks with hardware A/D updates, PMP,
 * the soft TLBs (filled here, hit inline in internal.h), and the slow paths of loads, stores,
 * fetches and atomics: misaligned accesses (done bytewise), device windows, the HTIF watch. */
#include "target/riscv/internal.h"
#include "target/riscv/jit/jit.h"

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

static const uint64_t rv_page_fault[3]   = { RV_EXC_LPAGE, RV_EXC_SPAGE, RV_EXC_IPAGE };
static const uint64_t rv_access_fault[3] = { RV_EXC_LFAULT, RV_EXC_SFAULT, RV_EXC_IFAULT };

void rv_tlb_flush(struct rv_hart *h)
{
	struct rv_tlb *tlbs[3] = { h->tlb_r, h->tlb_w, h->tlb_x };

	if (h->n_tlb_used >= 0) {
		for (int k = 0; k < h->n_tlb_used; k++)
			tlbs[h->tlb_used[k] >> 12][h->tlb_used[k] & 0xfff].tag = UINT64_MAX;
	} else {
		for (int i = 0; i < RV_TLB_SIZE; i++)
			h->tlb_x[i].tag = h->tlb_r[i].tag = h->tlb_w[i].tag = UINT64_MAX;
	}
	h->n_tlb_used = 0;
}

/* Translations changed (satp, SFENCE.VMA of everything, PMP): forget every cached one, in
 * the TLBs and in the decoded instructions. */
void rv_mmu_flush_all(struct rv_hart *h)
{
	rv_tlb_flush(h);
	rv_dcache_flush(h);
	h->n_code_super = 0; /* both caches are empty: no entry came through a superpage */
	for (int g = 0; g < RV_DCACHE_PAGES; g++)
		h->group[g].n = 0;
}

void rv_sfence_vma(struct rv_hart *h, uint64_t va, bool all)
{
	if (all || h->n_code_super < 0) {
		rv_mmu_flush_all(h);
		return;
	}
	/* The fence covers the leaf PTE of va: when code was fetched through a superpage that
	 * holds va, every decoded entry of that superpage may be stale, so drop them all. */
	for (int k = 0; k < h->n_code_super; k++) {
		if (va - h->code_super[k][0] < h->code_super[k][1]) {
			rv_mmu_flush_all(h);
			return;
		}
	}
	rv_tlb_flush(h);
	/* Otherwise only va's 4 KiB page may hold stale decoded entries; when code from it
	 * may be in the cache, they and any other page's entries that share those slots are
	 * cleared. (Entries FENCE.I may take over were decoded, so listed, too.) */
	uint64_t slot = (va >> 1) & (RV_DCACHE_SIZE - 1) & ~(uint64_t)2047;
	unsigned g    = (unsigned)(slot / 2048);
	if (h->group[g].n >= 0) {
		int k;
		for (k = 0; k < h->group[g].n; k++)
			if (h->group[g].vpage[k] == (va & RV_PAGE_MASK))
				break;
		if (k == h->group[g].n)
			return;
	}
	struct rv_dec *d = &h->dcache[slot];
	for (int i = 0; i < 2048; i++)
		d[i].tag = 0;
	h->group[g].n = 0;
}

void rv_code_vpage(struct rv_hart *h, uint64_t pc)
{
	unsigned g  = (unsigned)(((pc >> 1) & (RV_DCACHE_SIZE - 1)) / 2048);
	uint64_t vp = pc & RV_PAGE_MASK;
	int      n  = h->group[g].n;

	if (n < 0)
		return;
	for (int k = 0; k < n; k++)
		if (h->group[g].vpage[k] == vp)
			return;
	if (n == RV_GROUP_PAGES) {
		h->group[g].n = -1;
		return;
	}
	h->group[g].vpage[n] = vp;
	h->group[g].n        = n + 1;
}

/* Recompute the decoded PMP ranges after a pmpcfg/pmpaddr write. */
void rv_pmp_update(struct rv_hart *h)
{
	struct rv_pmp *p = &h->pmp;

	p->n_active = 0;
	for (int i = 0; i < 16; i++) {
		unsigned a  = (p->cfg[i] >> 3) & 3;
		uint64_t ad = p->addr[i] & ((1ull << 54) - 1);
		uint64_t lo, hi;
		if (a == 0)
			continue;
		if (a == 1) {
			lo = i ? (p->addr[i - 1] & ((1ull << 54) - 1)) << 2 : 0;
			hi = ad << 2;
		} else if (a == 2) {
			lo = ad << 2;
			hi = lo + 4;
		} else {
			uint64_t mask = ad ^ (ad + 1); /* the trailing ones and the first zero */
			lo = (ad & ~mask) << 2;
			hi = lo + ((mask + 1) << 2);
			if (hi < lo || mask + 1 == 0)
				hi = UINT64_MAX;
		}
		p->lo[p->n_active]  = lo;
		p->hi[p->n_active]  = hi;
		p->idx[p->n_active] = (uint8_t)i; /* searched in entry order: lowest wins */
		p->n_active++;
	}
	rv_mmu_flush_all(h);
}

/* Whether [pa, pa+len) may be accessed; a range matching an entry only in part fails. */
static bool rv_pmp_ok(const struct rv_hart *h, uint64_t pa, uint64_t len, enum rv_access acc,
		      int priv)
{
	const struct rv_pmp *p = &h->pmp;
	uint64_t             end = pa + len;

	for (int k = 0; k < p->n_active; k++) {
		if (end <= p->lo[k] || pa >= p->hi[k])
			continue;
		if (pa < p->lo[k] || end > p->hi[k])
			return false;
		uint8_t cfg = p->cfg[p->idx[k]];
		if (priv == RV_PRIV_M && !(cfg & 0x80))
			return true;
		return (cfg >> acc) & 1 ? true : false;
	}
	return priv == RV_PRIV_M;
}

/* Bit index of the RAM page at host address p, or -1 when p is not RAM. */
static int64_t rv_code_index(const struct rv_hart *h, const uint8_t *p)
{
	const struct guest_mem *m = h->env.mem;
	for (int i = 0; i < h->code_regions; i++) {
		if (p >= m->region[i].host && p < m->region[i].host + m->region[i].size)
			return (int64_t)(h->code_first[i] + (uint64_t)(p - m->region[i].host) / 4096);
	}
	return -1;
}

/* The host address of the start of the guest page holding host address p (guest RAM need
 * not be 4 KiB-aligned on the host: the board's ROM is not), or NULL when p is not RAM. */
static const uint8_t *rv_code_page(const struct rv_hart *h, const uint8_t *p)
{
	const struct guest_mem *m = h->env.mem;
	for (int i = 0; i < h->code_regions; i++) {
		const uint8_t *base = m->region[i].host;
		if (p >= base && p < base + m->region[i].size)
			return base + (size_t)(p - base) / 4096 * 4096;
	}
	return NULL;
}

static bool rv_code_test(const struct rv_hart *h, int64_t i)
{
	return i >= 0 && ((h->code_bits[i / 64] >> (i % 64)) & 1);
}

void rv_code_mark(struct rv_hart *h, const uint8_t *host_page)
{
	if (host_page == h->code_last)
		return;
	int64_t i = rv_code_index(h, host_page);
	if (i < 0 || rv_code_test(h, i)) {
		h->code_last = i < 0 ? NULL : host_page;
		return;
	}
	h->code_last = host_page;
	h->code_bits[i / 64] |= 1ull << (i % 64);
	for (int k = 0; k < RV_TLB_SIZE; k++) {
		struct rv_tlb *t = &h->tlb_w[k];
		if (t->tag != UINT64_MAX && (uintptr_t)(t->tag + t->addend) == (uintptr_t)host_page)
			t->tag = UINT64_MAX;
	}
}

/* A store into RAM at host address p: code decoded from its page is stale now. */
static void rv_code_written(struct rv_hart *h, const uint8_t *p)
{
	int64_t i = rv_code_index(h, p);
	if (rv_code_test(h, i)) {
		h->code_bits[i / 64] &= ~(1ull << (i % 64));
		h->code_last = NULL;
		rv_dcache_flush(h);
		if (h->jit)
			rv_jit_code_written(h, rv_code_page(h, p));
	}
}

static int rv_data_priv(const struct rv_hart *h)
{
	if ((h->mstatus & MS_MPRV) && h->priv == RV_PRIV_M)
		return (int)((h->mstatus & MS_MPP) >> MS_MPP_SHIFT);
	return h->priv;
}

/* Virtual to physical for one access; PMP on the page-table reads, not on the result.
 * *span (when not NULL) is the size of the page va lies in: 4 KiB or a superpage's size
 * (4 KiB too without translation). */
static bool rv_translate_span(struct rv_hart *h, uint64_t va, enum rv_access acc, int priv,
			      uint64_t *pa, uint64_t *span, struct rv_fault *f)
{
	unsigned mode = (unsigned)(h->satp >> 60);

	if (span)
		*span = 4096;
	if (priv == RV_PRIV_M || mode == 0) {
		*pa = va;
		return true;
	}
	int      levels = mode == 8 ? 3 : 4;
	unsigned vabits = 12 + 9 * (unsigned)levels;
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		goto page_fault;
retry:;
	uint64_t a = (h->satp & ((1ull << 44) - 1)) << 12;
	for (int i = levels - 1; i >= 0; i--) {
		uint64_t pte_addr = a + ((va >> (12 + 9 * i)) & 511) * 8;
		if (!rv_pmp_ok(h, pte_addr, 8, RV_ACC_R, RV_PRIV_S))
			goto access_fault;
		uint64_t *pp = guest_mem_ptr(h->env.mem, pte_addr, 8);
		if (!pp)
			goto access_fault;
		uint64_t pte = __atomic_load_n(pp, __ATOMIC_RELAXED);
		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) || (pte >> 54))
			goto page_fault;
		uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
		if (!(pte & (PTE_R | PTE_X))) {
			if (i == 0)
				goto page_fault;
			a = ppn << 12;
			continue;
		}
		if (priv == RV_PRIV_U && !(pte & PTE_U))
			goto page_fault;
		if (priv == RV_PRIV_S && (pte & PTE_U) && (acc == RV_ACC_X || !(h->mstatus & MS_SUM)))
			goto page_fault;
		if (acc == RV_ACC_X && !(pte & PTE_X))
			goto page_fault;
		if (acc == RV_ACC_R && !(pte & PTE_R) && !((h->mstatus & MS_MXR) && (pte & PTE_X)))
			goto page_fault;
		if (acc == RV_ACC_W && !(pte & PTE_W))
			goto page_fault;
		if (i > 0 && (ppn & ((1ull << (9 * i)) - 1)))
			goto page_fault;
		uint64_t want = pte | PTE_A | (acc == RV_ACC_W ? PTE_D : 0);
		if (want != pte) {
			if (!rv_pmp_ok(h, pte_addr, 8, RV_ACC_W, RV_PRIV_S))
				goto access_fault;
			if (!__atomic_compare_exchange_n(pp, &pte, want, false, __ATOMIC_SEQ_CST,
							 __ATOMIC_SEQ_CST))
				goto retry;
		}
		uint64_t off = va & ((1ull << (12 + 9 * i)) - 1);
		*pa = ((ppn << 12) & ~((1ull << (12 + 9 * i)) - 1)) | off;
		if (span)
			*span = 1ull << (12 + 9 * i);
		return true;
	}
page_fault:
	f->cause = rv_page_fault[acc];
	f->tval  = va;
	return false;
access_fault:
	f->cause = rv_access_fault[acc];
	f->tval  = va;
	return false;
}

static bool rv_translate(struct rv_hart *h, uint64_t va, enum rv_access acc, int priv,
			 uint64_t *pa, struct rv_fault *f)
{
	return rv_translate_span(h, va, acc, priv, pa, NULL, f);
}

/* Put va's page in a TLB when it is plain RAM that PMP allows in full. */
static void rv_tlb_fill(struct rv_hart *h, struct rv_tlb *tlb, uint64_t va, uint64_t pa,
			enum rv_access acc, int priv)
{
	uint64_t pp = pa & RV_PAGE_MASK;
	if (acc == RV_ACC_W && h->env.watch && pp < h->env.watch_hi && pp + 4096 > h->env.watch_lo)
		return;
	if (h->pmp.n_active && !rv_pmp_ok(h, pp, 4096, acc, priv))
		return;
	/* a trigger watching this page sees every access in the slow path */
	if (acc != RV_ACC_X && (h->trig_armed & (acc == RV_ACC_R ? RV_TRIG_LD : RV_TRIG_ST)) &&
	    rv_trig_page(h, va & RV_PAGE_MASK, acc == RV_ACC_R ? RV_TRIG_LD : RV_TRIG_ST))
		return;
	uint8_t *host = guest_mem_ptr(h->env.mem, pp, 4096);
	if (!host)
		return;
	if (acc == RV_ACC_W && rv_code_test(h, rv_code_index(h, host)))
		return;
	unsigned       idx = (unsigned)(va >> 12) & (RV_TLB_SIZE - 1);
	struct rv_tlb *t   = &tlb[idx];
	if (h->n_tlb_used >= 0) {
		if (h->n_tlb_used < (int)(sizeof(h->tlb_used) / sizeof(h->tlb_used[0])))
			h->tlb_used[h->n_tlb_used++] = (uint16_t)((unsigned)acc << 12 | idx);
		else
			h->n_tlb_used = -1;
	}
	t->tag    = va & RV_PAGE_MASK;
	t->addend = (uintptr_t)host - (uintptr_t)(va & RV_PAGE_MASK);
}

static bool rv_phys_load(struct rv_hart *h, uint64_t pa, unsigned size, uint64_t *val)
{
	const uint8_t *p = guest_mem_ptr(h->env.mem, pa, size);
	if (p) {
		uint64_t v = 0;
		memcpy(&v, p, size); /* little-endian host */
		*val = v;
		return true;
	}
	return h->env.bus && bus_read(h->env.bus, pa, size, val);
}

static bool rv_phys_store(struct rv_hart *h, uint64_t pa, unsigned size, uint64_t val)
{
	uint8_t *p = guest_mem_ptr(h->env.mem, pa, size);
	if (p) {
		memcpy(p, &val, size);
		rv_code_written(h, p);
		if (h->env.watch && pa < h->env.watch_hi && pa + size > h->env.watch_lo) {
			h->env.watch(h->env.opaque, h, pa);
			h->block_end = true; /* the watch may have stopped the hart: look now */
		}
		return true;
	}
	return h->env.bus && bus_write(h->env.bus, pa, size, val);
}

bool rv_load_slow(struct rv_hart *h, uint64_t va, unsigned size, uint64_t *val, struct rv_fault *f)
{
	int      priv = rv_data_priv(h);
	uint64_t pa;

	/* before any fault: an address breakpoint ranks above misaligned, page and access
	 * faults (checked again, harmlessly, for each byte of an access across pages) */
	if (unlikely(h->trig_armed & RV_TRIG_LD) && rv_trig_access(h, va, size, RV_TRIG_LD, f))
		return false;
	if ((va & 0xfff) + size > 4096) {
		/* misaligned across two pages: one byte at a time (a misaligned access within a
		 * page takes the normal path below, and the TLB hit from then on; misaligned
		 * accesses never trap) */
		uint64_t v = 0;
		for (unsigned i = 0; i < size; i++) {
			uint64_t b;
			if (!rv_load_slow(h, va + i, 1, &b, f))
				return false;
			v |= b << (8 * i);
		}
		*val = v;
		return true;
	}
	if (!rv_translate(h, va, RV_ACC_R, priv, &pa, f))
		return false;
	if (!rv_pmp_ok(h, pa, size, RV_ACC_R, priv) || !rv_phys_load(h, pa, size, val)) {
		f->cause = RV_EXC_LFAULT;
		f->tval  = va;
		return false;
	}
	rv_tlb_fill(h, h->tlb_r, va, pa, RV_ACC_R, priv);
	return true;
}

bool rv_store_slow(struct rv_hart *h, uint64_t va, unsigned size, uint64_t val, struct rv_fault *f)
{
	int      priv = rv_data_priv(h);
	uint64_t pa;

	if (unlikely(h->trig_armed & RV_TRIG_ST) && rv_trig_access(h, va, size, RV_TRIG_ST, f))
		return false;
	if ((va & 0xfff) + size > 4096) {
		/* across two pages: check both ends first so a fault leaves memory untouched */
		uint64_t pa2;
		if (!rv_translate(h, va, RV_ACC_W, priv, &pa, f) ||
		    !rv_translate(h, va + size - 1, RV_ACC_W, priv, &pa2, f))
			return false;
		for (unsigned i = 0; i < size; i++)
			if (!rv_store_slow(h, va + i, 1, (val >> (8 * i)) & 0xff, f))
				return false;
		return true;
	}
	if (!rv_translate(h, va, RV_ACC_W, priv, &pa, f))
		return false;
	if (!rv_pmp_ok(h, pa, size, RV_ACC_W, priv) || !rv_phys_store(h, pa, size, val)) {
		f->cause = RV_EXC_SFAULT;
		f->tval  = va;
		return false;
	}
	rv_tlb_fill(h, h->tlb_w, va, pa, RV_ACC_W, priv);
	return true;
}

uint8_t *rv_fetch_page(struct rv_hart *h, uint64_t va, struct rv_fault *f)
{
	uint64_t pa, span;

	if (!rv_translate_span(h, va, RV_ACC_X, h->priv, &pa, &span, f))
		return NULL;
	if (span > 4096 && h->n_code_super >= 0) {
		/* remember the superpage, for SFENCE.VMA of one address (rv_sfence_vma) */
		uint64_t base = va & ~(span - 1);
		int      k;
		for (k = 0; k < h->n_code_super; k++)
			if (h->code_super[k][0] == base && h->code_super[k][1] == span)
				break;
		if (k == h->n_code_super) {
			if (k == RV_CODE_SUPER) {
				h->n_code_super = -1;
			} else {
				h->code_super[k][0] = base;
				h->code_super[k][1] = span;
				h->n_code_super++;
			}
		}
	}
	uint8_t *host = guest_mem_ptr(h->env.mem, pa & RV_PAGE_MASK, 4096);
	if (!host || !rv_pmp_ok(h, pa, 2, RV_ACC_X, h->priv)) {
		f->cause = RV_EXC_IFAULT;
		f->tval  = va;
		return NULL;
	}
	rv_tlb_fill(h, h->tlb_x, va, pa, RV_ACC_X, h->priv);
	return host;
}

/* A 32-bit instruction whose halves lie on two pages. */
bool rv_fetch_slow(struct rv_hart *h, uint64_t va, uint32_t *bits, struct rv_fault *f)
{
	uint8_t *p1 = rv_fetch_page(h, va, f);
	if (!p1)
		return false;
	uint16_t lo, hi;
	memcpy(&lo, p1 + (va & 0xfff), 2);
	if ((lo & 3) != 3) {
		*bits = lo;
		return true;
	}
	uint8_t *p2 = rv_fetch_page(h, va + 2, f);
	if (!p2)
		return false;
	memcpy(&hi, p2 + ((va + 2) & 0xfff), 2);
	*bits = (uint32_t)lo | (uint32_t)hi << 16;
	return true;
}

void *rv_atomic_ptr(struct rv_hart *h, uint64_t va, unsigned size, enum rv_access acc,
		    struct rv_fault *f)
{
	int      priv = rv_data_priv(h);
	uint64_t pa;
	unsigned i    = (unsigned)(va >> 12) & (RV_TLB_SIZE - 1);
	unsigned trig = acc == RV_ACC_R ? RV_TRIG_LD
		      : acc == RV_ACC_AMO ? RV_TRIG_LD | RV_TRIG_ST : RV_TRIG_ST;

	if (acc == RV_ACC_AMO)
		acc = RV_ACC_W;
	/* not RV_TLB_TAG: tags are page addresses, so a misaligned va never matches this and
	 * reaches the misaligned check below (atomics must not be misaligned) */
	uint64_t want = va & (RV_PAGE_MASK | (size - 1));

	/* An aligned address whose page is in the load TLB (and for a write in the store TLB
	 * too, at the same host address) is RAM that PMP allows reading (and writing) in full,
	 * and no code page: code pages never enter the store TLB. */
	if (h->tlb_r[i].tag == want &&
	    (acc == RV_ACC_R ||
	     (h->tlb_w[i].tag == want && h->tlb_w[i].addend == h->tlb_r[i].addend)))
		return (void *)(uintptr_t)(va + h->tlb_r[i].addend);
	/* a trigger's pages are never in the TLBs: it is seen here */
	if (unlikely(h->trig_armed & trig) && rv_trig_access(h, va, size, trig, f))
		return NULL;
	if (va & (size - 1)) {
		f->cause = acc == RV_ACC_R ? RV_EXC_LMISALIGN : RV_EXC_SMISALIGN;
		f->tval  = va;
		return NULL;
	}
	if (!rv_translate(h, va, acc, priv, &pa, f))
		return NULL;
	void *p = guest_mem_ptr(h->env.mem, pa, size);
	if (!p || !rv_pmp_ok(h, pa, size, acc, priv) ||
	    (acc == RV_ACC_W && !rv_pmp_ok(h, pa, size, RV_ACC_R, priv))) {
		f->cause = rv_access_fault[acc];
		f->tval  = va;
		return NULL;
	}
	if (acc == RV_ACC_W)
		rv_code_written(h, p);
	return p;
}
