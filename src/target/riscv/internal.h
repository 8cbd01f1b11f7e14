/* Private to the RV64 interpreter: CSR bit layouts, exception causes, and the inline fast
 * paths of memory access (soft-TLB hit = one compare and one add) used by exec.c. */
#ifndef CELLA_TARGET_RISCV_INTERNAL_H
#define CELLA_TARGET_RISCV_INTERNAL_H

#include <string.h>

#include "target/riscv/cpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum rv_exc {
	RV_EXC_IMISALIGN = 0, RV_EXC_IFAULT = 1, RV_EXC_ILLEGAL = 2, RV_EXC_BREAK = 3,
	RV_EXC_LMISALIGN = 4, RV_EXC_LFAULT = 5, RV_EXC_SMISALIGN = 6, RV_EXC_SFAULT = 7,
	RV_EXC_ECALL_U = 8, RV_EXC_ECALL_S = 9, RV_EXC_ECALL_M = 11,
	RV_EXC_IPAGE = 12, RV_EXC_LPAGE = 13, RV_EXC_SPAGE = 15,
};

/* RV_ACC_AMO only for rv_atomic_ptr: a write for translation and PMP, a load and a store for
 * triggers (an SC is a store only) */
enum rv_access { RV_ACC_R = 0, RV_ACC_W = 1, RV_ACC_X = 2, RV_ACC_AMO = 3 };

/* mstatus fields */
#define MS_SIE   (1ull << 1)
#define MS_MIE   (1ull << 3)
#define MS_SPIE  (1ull << 5)
#define MS_UBE   (1ull << 6)
#define MS_MPIE  (1ull << 7)
#define MS_SPP   (1ull << 8)
#define MS_MPP_SHIFT 11
#define MS_MPP   (3ull << 11)
#define MS_FS    (3ull << 13)
#define MS_XS    (3ull << 15)
#define MS_MPRV  (1ull << 17)
#define MS_SUM   (1ull << 18)
#define MS_MXR   (1ull << 19)
#define MS_TVM   (1ull << 20)
#define MS_TW    (1ull << 21)
#define MS_TSR   (1ull << 22)
#define MS_UXL   (3ull << 32)
#define MS_SXL   (3ull << 34)
#define MS_SD    (1ull << 63)

#define SSTATUS_MASK (MS_SIE | MS_SPIE | MS_UBE | MS_SPP | MS_FS | MS_XS | MS_SUM | MS_MXR | \
		      MS_UXL | MS_SD)

#define MIP_S_MASK ((1u << RV_IRQ_SSI) | (1u << RV_IRQ_STI) | (1u << RV_IRQ_SEI))
#define MIP_ALL    (MIP_S_MASK | (1u << RV_IRQ_MSI) | (1u << RV_IRQ_MTI) | (1u << RV_IRQ_MEI))

#define RV_PAGE_MASK (~(uint64_t)0xfff)

/* What a TLB entry's tag must equal for an access of size bytes at va, looked up at va's
 * index: the page of its last byte. One compare then takes any access within a page, aligned
 * or not (Linux probes misaligned speed and uses them when fast); one that crosses into the
 * next page never hits, because that page's entry sits at the next index. */
#define RV_TLB_TAG(va, size) (((va) + (size) - 1) & RV_PAGE_MASK)

/* A pending exception: cause and tval, set by the slow paths before they return false. */
struct rv_fault {
	uint64_t cause, tval;
};

/* csr.c */
bool rv_csr_access(struct rv_hart *h, unsigned csr, unsigned op, uint64_t src, uint64_t *old,
		   bool write);
void rv_raise(struct rv_hart *h, uint64_t cause, uint64_t tval);
bool rv_take_interrupt(struct rv_hart *h);
uint64_t rv_pending_irqs(struct rv_hart *h);
uint64_t rv_hart_time(struct rv_hart *h); /* mtime: the board's clock or the host's, 10 MHz */
bool rv_mret(struct rv_hart *h);
bool rv_sret(struct rv_hart *h);
void rv_set_priv(struct rv_hart *h, int priv);
void rv_fs_dirty(struct rv_hart *h);

/* mmu.c */
void rv_tlb_flush(struct rv_hart *h);
void rv_mmu_flush_all(struct rv_hart *h);
/* SFENCE.VMA: all addresses (all false) or the page holding va */
void rv_sfence_vma(struct rv_hart *h, uint64_t va, bool all);
void rv_pmp_update(struct rv_hart *h);
bool rv_load_slow(struct rv_hart *h, uint64_t va, unsigned size, uint64_t *val, struct rv_fault *f);
bool rv_store_slow(struct rv_hart *h, uint64_t va, unsigned size, uint64_t val, struct rv_fault *f);
/* host pointer to the instruction page holding va (fills tlb_x), or NULL with *f set */
uint8_t *rv_fetch_page(struct rv_hart *h, uint64_t va, struct rv_fault *f);
bool rv_fetch_slow(struct rv_hart *h, uint64_t va, uint32_t *bits, struct rv_fault *f);
/* host pointer for an atomic access of size bytes at va (RAM only) */
void *rv_atomic_ptr(struct rv_hart *h, uint64_t va, unsigned size, enum rv_access acc,
		    struct rv_fault *f);

/* Code pages: decoding from a page marks it (and takes it out of the store TLB); a store
 * into a marked page unmarks it and starts a new dcache generation. */
void rv_code_mark(struct rv_hart *h, const uint8_t *host_page);
/* Remember that code at virtual pc is decoded into its dcache slot (for rv_sfence_vma). */
void rv_code_vpage(struct rv_hart *h, uint64_t pc);
/* dcache_gen = generation * 4 + privilege: entries decoded in one mode are not used in
 * another, because fetch permission checks happen only when decoding. Entries are tagged
 * pc ^ (dcache_gen << 48); code addresses have their top 16 bits all equal (canonical
 * virtual addresses, or RAM below 2^48), so keeping dcache_gen below 2^15 makes two
 * different (pc, generation) pairs never share a tag. Generations start at 1 (dcache_gen >=
 * 4), so a zero tag never matches a pc that can be fetched: it marks an empty entry.
 * An invalid entry keeps its decoding: a miss whose bits equal the entry's takes it over
 * (exec.c), so flushes cost a fetch and a compare per instruction, not a decode. */
void rv_dcache_reset(struct rv_hart *h);
static inline void rv_dcache_flush(struct rv_hart *h)
{
	h->dcache_gen += 4;
	if (unlikely(h->dcache_gen >= (1u << 15) - 4))
		rv_dcache_reset(h); /* before the generation wraps onto old entries */
}

/* trigger.c: Sdtrig. An armed trigger's pages never enter the load/store TLBs (rv_tlb_fill
 * asks rv_trig_page) and code it matches never stays in the decode cache (exec.c asks
 * rv_trig_fetch on a miss), so the slow paths are where triggers are checked. */
enum { RV_TRIG_LD = 1, RV_TRIG_ST = 2, RV_TRIG_X = 4 }; /* mcontrol's load/store/execute bits */
void rv_trig_reset(struct rv_hart *h);
bool rv_trig_csr_read(struct rv_hart *h, unsigned csr, uint64_t *v);
bool rv_trig_csr_write(struct rv_hart *h, unsigned csr, uint64_t v);
/* true: a trigger fires at pc (*f is the breakpoint); *cacheable false: one matches pc, so
 * its decoded entry must not stay valid */
bool rv_trig_fetch(struct rv_hart *h, uint64_t pc, bool *cacheable, struct rv_fault *f);
/* true: a load and/or store trigger (kinds) fires on [va, va + size); *f is the breakpoint */
bool rv_trig_access(struct rv_hart *h, uint64_t va, unsigned size, unsigned kinds,
		    struct rv_fault *f);
/* whether a trigger of `kind` enabled in the current mode may match in this 4 KiB page */
bool rv_trig_page(const struct rv_hart *h, uint64_t page, unsigned kind);

/* decode.c */
void rv_decode(struct rv_dec *d, uint32_t bits);

/* clmul.c: the 128-bit carry-less product of a and b (Zbc); returns the low half */
uint64_t rv_clmul(uint64_t a, uint64_t b, uint64_t *hi);
uint64_t rv_clmul_soft(uint64_t a, uint64_t b, uint64_t *hi); /* without the host instruction */

/* fpu.c: one F/D instruction (not loads/stores); false = illegal instruction */
bool rv_fp_exec(struct rv_hart *h, uint32_t insn);

static inline bool rv_load(struct rv_hart *h, uint64_t va, unsigned size, uint64_t *val,
			   struct rv_fault *f)
{
	struct rv_tlb *t = &h->tlb_r[(va >> 12) & (RV_TLB_SIZE - 1)];
	if (likely(t->tag == RV_TLB_TAG(va, size))) {
		const void *p = (const void *)(uintptr_t)(va + t->addend);
		switch (size) {
		case 1: *val = *(const uint8_t *)p; break;
		case 2: { uint16_t v; memcpy(&v, p, 2); *val = v; break; }
		case 4: { uint32_t v; memcpy(&v, p, 4); *val = v; break; }
		default: memcpy(val, p, 8); break;
		}
		return true;
	}
	return rv_load_slow(h, va, size, val, f);
}

static inline bool rv_store(struct rv_hart *h, uint64_t va, unsigned size, uint64_t val,
			    struct rv_fault *f)
{
	struct rv_tlb *t = &h->tlb_w[(va >> 12) & (RV_TLB_SIZE - 1)];
	if (likely(t->tag == RV_TLB_TAG(va, size))) {
		void *p = (void *)(uintptr_t)(va + t->addend);
		switch (size) {
		case 1: *(uint8_t *)p = (uint8_t)val; break;
		case 2: { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); break; }
		case 4: { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); break; }
		default: memcpy(p, &val, 8); break;
		}
		return true;
	}
	return rv_store_slow(h, va, size, val, f);
}

#endif
