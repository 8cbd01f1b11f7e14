/* Control and status registers of privileged architecture 1.12 (M, S, U), trap entry and
 * return, interrupt selection with delegation, and the Zicntr/Sstc counters. */
#include <time.h>

#include "target/riscv/internal.h"
#include "target/riscv/trace.h"


#define MEDELEG_MASK 0xb3ffull
#define MENVCFG_STCE (1ull << 63)
#define MSTATUS_WMASK (MS_SIE | MS_MIE | MS_SPIE | MS_MPIE | MS_SPP | MS_MPP | MS_FS | MS_MPRV | \
		       MS_SUM | MS_MXR | MS_TVM | MS_TW | MS_TSR)

uint64_t rv_hart_time(struct rv_hart *h)
{
	if (h->env.time)
		return h->env.time(h->env.opaque);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u;
}

/* mip as software sees it: software-set bits, device lines, and the Sstc timer comparison. */
static uint64_t rv_mip(struct rv_hart *h)
{
	uint64_t mip = h->mip_sw | atomic_load_explicit(&h->irq_lines, memory_order_relaxed);
	if (h->menvcfg & MENVCFG_STCE) {
		mip &= ~(1ull << RV_IRQ_STI);
		if (rv_hart_time(h) >= h->stimecmp)
			mip |= 1ull << RV_IRQ_STI;
	}
	return mip;
}

uint64_t rv_pending_irqs(struct rv_hart *h)
{
	if (!(h->mie & (1u << RV_IRQ_STI))) /* the timer bit is masked: no need for the time */
		return (h->mip_sw | atomic_load_explicit(&h->irq_lines, memory_order_relaxed)) &
		       h->mie;
	return rv_mip(h) & h->mie;
}

void rv_set_priv(struct rv_hart *h, int priv)
{
	if (priv != h->priv) {
		h->priv = priv;
		h->dcache_gen = (h->dcache_gen & ~3u) | (uint32_t)priv;
		rv_tlb_flush(h);
	}
	h->block_end = true;
}

void rv_fs_dirty(struct rv_hart *h)
{
	h->mstatus |= MS_FS | MS_SD;
}

void rv_raise(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
	bool     irq   = cause >> 63;
	unsigned code  = (unsigned)(cause & 63);
	uint64_t deleg = irq ? h->mideleg : h->medeleg;

	if (unlikely(h->env.trace))
		rv_trace_trap(h, cause, tval);
	h->wfi = false;
	if (h->priv <= RV_PRIV_S && ((deleg >> code) & 1)) {
		h->scause = cause;
		h->sepc   = h->pc;
		h->stval  = tval;
		uint64_t s = h->mstatus & ~(MS_SPP | MS_SPIE | MS_SIE);
		if (h->mstatus & MS_SIE)
			s |= MS_SPIE;
		if (h->priv == RV_PRIV_S)
			s |= MS_SPP;
		h->mstatus = s;
		h->pc = (h->stvec & ~3ull) + ((irq && (h->stvec & 1)) ? 4ull * code : 0);
		rv_set_priv(h, RV_PRIV_S);
	} else {
		h->mcause = cause;
		h->mepc   = h->pc;
		h->mtval  = tval;
		uint64_t s = h->mstatus & ~(MS_MPP | MS_MPIE | MS_MIE);
		if (h->mstatus & MS_MIE)
			s |= MS_MPIE;
		s |= (uint64_t)h->priv << MS_MPP_SHIFT;
		h->mstatus = s;
		h->pc = (h->mtvec & ~3ull) + ((irq && (h->mtvec & 1)) ? 4ull * code : 0);
		rv_set_priv(h, RV_PRIV_M);
	}
	if (h->mstatus & (MS_MPRV | MS_SUM | MS_MXR))
		rv_tlb_flush(h); /* the effective data privilege may have changed */
}

/* Take the highest-priority enabled pending interrupt, if any. */
bool rv_take_interrupt(struct rv_hart *h)
{
	static const unsigned order[] = { RV_IRQ_MEI, RV_IRQ_MSI, RV_IRQ_MTI,
					  RV_IRQ_SEI, RV_IRQ_SSI, RV_IRQ_STI };
	uint64_t pending = rv_pending_irqs(h);
	if (!pending)
		return false;
	uint64_t m_en = (h->priv < RV_PRIV_M || (h->mstatus & MS_MIE)) ? ~h->mideleg : 0;
	uint64_t s_en = (h->priv < RV_PRIV_S || (h->priv == RV_PRIV_S && (h->mstatus & MS_SIE)))
			? h->mideleg : 0;
	uint64_t take = pending & (m_en | s_en);
	if (!take)
		return false;
	/* interrupts for M-mode come before those for S-mode */
	uint64_t m = take & ~h->mideleg;
	if (m)
		take = m;
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((take >> order[i]) & 1) {
			rv_raise(h, (1ull << 63) | order[i], 0);
			return true;
		}
	}
	return false;
}

bool rv_mret(struct rv_hart *h)
{
	if (h->priv < RV_PRIV_M)
		return false;
	int      mpp = (int)((h->mstatus & MS_MPP) >> MS_MPP_SHIFT);
	uint64_t s   = h->mstatus & ~(MS_MIE | MS_MPP), at = h->pc;
	if (s & MS_MPIE)
		s |= MS_MIE;
	s |= MS_MPIE;
	if (mpp != RV_PRIV_M)
		s &= ~MS_MPRV;
	h->mstatus = s;
	h->pc      = h->mepc;
	rv_tlb_flush(h);
	rv_set_priv(h, mpp);
	if (unlikely(h->env.trace))
		rv_trace_ret(h, "mret", RV_PRIV_M, at);
	return true;
}

bool rv_sret(struct rv_hart *h)
{
	if (h->priv < RV_PRIV_S || (h->priv == RV_PRIV_S && (h->mstatus & MS_TSR)))
		return false;
	int      spp = (h->mstatus & MS_SPP) ? RV_PRIV_S : RV_PRIV_U, from = h->priv;
	uint64_t s   = h->mstatus & ~(MS_SIE | MS_SPP | MS_MPRV), at = h->pc;
	if (s & MS_SPIE)
		s |= MS_SIE;
	s |= MS_SPIE;
	h->mstatus = s;
	h->pc      = h->sepc;
	rv_tlb_flush(h);
	rv_set_priv(h, spp);
	if (unlikely(h->env.trace))
		rv_trace_ret(h, "sret", from, at);
	return true;
}

static uint64_t rv_cycle(const struct rv_hart *h)
{
	return (h->mcountinhibit & 1) ? h->cycle_frozen : h->instret - h->cycle_off;
}

static uint64_t rv_instret(const struct rv_hart *h)
{
	return (h->mcountinhibit & 4) ? h->instret_frozen : h->instret - h->instret_off;
}

/* May the current mode read counter `bit` (0 cycle, 1 time, 2 instret, 3.. hpm)? */
static bool rv_counter_ok(const struct rv_hart *h, unsigned bit)
{
	if (h->priv < RV_PRIV_M && !((h->mcounteren >> bit) & 1))
		return false;
	if (h->priv < RV_PRIV_S && !((h->scounteren >> bit) & 1))
		return false;
	return true;
}

static bool rv_csr_read(struct rv_hart *h, unsigned csr, uint64_t *v)
{
	switch (csr) {
	case 0x001: *v = h->fcsr & 0x1f; break;
	case 0x002: *v = (h->fcsr >> 5) & 7; break;
	case 0x003: *v = h->fcsr & 0xff; break;
	case 0xc00: case 0xc02:
		if (!rv_counter_ok(h, csr & 31))
			return false;
		*v = csr == 0xc00 ? rv_cycle(h) : rv_instret(h);
		break;
	case 0xc01:
		if (!rv_counter_ok(h, 1))
			return false;
		*v = rv_hart_time(h);
		break;
	case 0x100: *v = h->mstatus & SSTATUS_MASK; break;
	case 0x104: *v = h->mie & h->mideleg; break;
	case 0x105: *v = h->stvec; break;
	case 0x106: *v = h->scounteren; break;
	case 0x10a: *v = h->senvcfg; break;
	case 0x140: *v = h->sscratch; break;
	case 0x141: *v = h->sepc; break;
	case 0x142: *v = h->scause; break;
	case 0x143: *v = h->stval; break;
	case 0x144: *v = rv_mip(h) & h->mideleg; break;
	case 0x14d:
		if (h->priv < RV_PRIV_M && (!(h->menvcfg & MENVCFG_STCE) || !(h->mcounteren & 2)))
			return false;
		*v = h->stimecmp;
		break;
	case 0x180:
		if (h->priv == RV_PRIV_S && (h->mstatus & MS_TVM))
			return false;
		*v = h->satp;
		break;
	case 0xf11: case 0xf12: case 0xf13: case 0xf15: *v = 0; break;
	case 0xf14: *v = h->hartid; break;
	case 0x300: *v = h->mstatus; break;
	case 0x301: *v = h->misa; break;
	case 0x302: *v = h->medeleg; break;
	case 0x303: *v = h->mideleg; break;
	case 0x304: *v = h->mie; break;
	case 0x305: *v = h->mtvec; break;
	case 0x306: *v = h->mcounteren; break;
	case 0x30a: *v = h->menvcfg; break;
	case 0x320: *v = h->mcountinhibit; break;
	case 0x340: *v = h->mscratch; break;
	case 0x341: *v = h->mepc; break;
	case 0x342: *v = h->mcause; break;
	case 0x343: *v = h->mtval; break;
	case 0x344: *v = rv_mip(h); break;
	case 0x3a0: case 0x3a2: {
		uint64_t r = 0;
		for (int i = 0; i < 8; i++)
			r |= (uint64_t)h->pmp.cfg[(csr - 0x3a0) * 4 + i] << (8 * i);
		*v = r;
		break;
	}
	case 0xb00: *v = rv_cycle(h); break;
	case 0xb02: *v = rv_instret(h); break;
	case 0x7a0: case 0x7a1: case 0x7a2: case 0x7a3: case 0x7a4:
		return rv_trig_csr_read(h, csr, v);
	default:
		if (csr >= 0x3b0 && csr < 0x3f0) {
			*v = csr < 0x3c0 ? h->pmp.addr[csr - 0x3b0] : 0;
		} else if ((csr >= 0xc03 && csr < 0xc20)) {
			if (!rv_counter_ok(h, csr & 31))
				return false;
			*v = 0;
		} else if ((csr >= 0xb03 && csr < 0xb20) || (csr >= 0x323 && csr < 0x340)) {
			*v = 0;
		} else {
			return false;
		}
	}
	return true;
}

static void rv_pmpcfg_write(struct rv_hart *h, unsigned first, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t c = (uint8_t)(v >> (8 * i));
		if (h->pmp.cfg[first + i] & 0x80)
			continue;             /* locked */
		if ((c & 3) == 2)
			c &= (uint8_t)~2;     /* W without R is reserved */
		h->pmp.cfg[first + i] = c & 0x9f;
	}
	rv_pmp_update(h);
}

static bool rv_csr_write(struct rv_hart *h, unsigned csr, uint64_t v)
{
	switch (csr) {
	case 0x001: h->fcsr = (h->fcsr & ~0x1fu) | (v & 0x1f); rv_fs_dirty(h); break;
	case 0x002: h->fcsr = (h->fcsr & 0x1f) | (uint32_t)(v & 7) << 5; rv_fs_dirty(h); break;
	case 0x003: h->fcsr = v & 0xff; rv_fs_dirty(h); break;
	case 0x100: v = (h->mstatus & ~(SSTATUS_MASK & MSTATUS_WMASK)) | (v & SSTATUS_MASK & MSTATUS_WMASK);
		/* fall through */
	case 0x300: {
		uint64_t s = (h->mstatus & ~MSTATUS_WMASK) | (v & MSTATUS_WMASK);
		if ((s & MS_MPP) == (2ull << MS_MPP_SHIFT))
			s &= ~MS_MPP;           /* no H mode: MPP=2 is not legal */
		s = (s & ~MS_SD) | (((s & MS_FS) == MS_FS) ? MS_SD : 0);
		if ((s ^ h->mstatus) & (MS_MPRV | MS_MPP | MS_SUM | MS_MXR))
			rv_tlb_flush(h);
		h->mstatus = s;
		break;
	}
	case 0x104: h->mie = (h->mie & ~h->mideleg) | (v & h->mideleg); break;
	case 0x105: h->stvec = v & ~2ull; break;
	case 0x106: h->scounteren = v & 0xffffffff; break;
	case 0x10a: h->senvcfg = v & 1; break;
	case 0x140: h->sscratch = v; break;
	case 0x141: h->sepc = v & ~1ull; break;
	case 0x142: h->scause = v; break;
	case 0x143: h->stval = v; break;
	case 0x144: {
		uint64_t m = h->mideleg & (1u << RV_IRQ_SSI);
		h->mip_sw = (h->mip_sw & ~m) | (v & m);
		break;
	}
	case 0x14d:
		if (h->priv < RV_PRIV_M && (!(h->menvcfg & MENVCFG_STCE) || !(h->mcounteren & 2)))
			return false;
		h->stimecmp = v;
		break;
	case 0x180: {
		if (h->priv == RV_PRIV_S && (h->mstatus & MS_TVM))
			return false;
		unsigned mode = (unsigned)(v >> 60);
		if (mode != 0 && mode != 8 && mode != 9)
			break;                  /* unsupported modes leave satp as it was */
		h->satp = v & ((15ull << 60) | (0xffffull << 44) | ((1ull << 44) - 1));
		rv_mmu_flush_all(h); /* decoded entries are keyed by virtual pc */
		break;
	}
	case 0x302: h->medeleg = v & MEDELEG_MASK; break;
	case 0x303: h->mideleg = v & MIP_S_MASK; break;
	case 0x304: h->mie = v & MIP_ALL; break;
	case 0x305: h->mtvec = v & ~2ull; break;
	case 0x306: h->mcounteren = v & 0xffffffff; break;
	case 0x30a: h->menvcfg = v & (MENVCFG_STCE | 1); break;
	case 0x320: {
		uint64_t n = v & 0xfffffffd, now = h->instret + 1; /* + the writing instruction */
		if ((n & 1) && !(h->mcountinhibit & 1))
			h->cycle_frozen = now - h->cycle_off;
		if (!(n & 1) && (h->mcountinhibit & 1))
			h->cycle_off = now - h->cycle_frozen;
		if ((n & 4) && !(h->mcountinhibit & 4))
			h->instret_frozen = now - h->instret_off;
		if (!(n & 4) && (h->mcountinhibit & 4))
			h->instret_off = now - h->instret_frozen;
		h->mcountinhibit = n;
		break;
	}
	case 0x340: h->mscratch = v; break;
	case 0x341: h->mepc = v & ~1ull; break;
	case 0x342: h->mcause = v; break;
	case 0x343: h->mtval = v; break;
	case 0x344: {
		uint64_t m = MIP_S_MASK;
		if (h->menvcfg & MENVCFG_STCE)
			m &= ~(1ull << RV_IRQ_STI);
		h->mip_sw = (h->mip_sw & ~m) | (v & m);
		break;
	}
	case 0x3a0: rv_pmpcfg_write(h, 0, v); break;
	case 0x3a2: rv_pmpcfg_write(h, 8, v); break;
	/* h->instret excludes the writing instruction, which still retires: the next read
	 * must see exactly v, so the offsets count it in */
	case 0xb00:
		h->cycle_off    = h->instret + 1 - v;
		h->cycle_frozen = v;
		break;
	case 0xb02:
		h->instret_off    = h->instret + 1 - v;
		h->instret_frozen = v;
		break;
	case 0x301: case 0x3a1: case 0x3a3: break;
	case 0x7a0: case 0x7a1: case 0x7a2: case 0x7a3: case 0x7a4:
		return rv_trig_csr_write(h, csr, v);
	default:
		if (csr >= 0x3b0 && csr < 0x3c0) {
			unsigned i = csr - 0x3b0;
			if (h->pmp.cfg[i] & 0x80)
				break;
			if (i < 15 && (h->pmp.cfg[i + 1] & 0x80) && ((h->pmp.cfg[i + 1] >> 3) & 3) == 1)
				break;
			h->pmp.addr[i] = v & ((1ull << 54) - 1);
			rv_pmp_update(h);
		} else if ((csr >= 0x3c0 && csr < 0x3f0) || (csr >= 0xb03 && csr < 0xb20) ||
			   (csr >= 0x323 && csr < 0x340)) {
			/* unimplemented counters and PMP entries: read-only zero */
		} else {
			return false;
		}
	}
	return true;
}

/* One Zicsr instruction: op 1 = write, 2 = set, 3 = clear. false = illegal instruction. */
bool rv_csr_access(struct rv_hart *h, unsigned csr, unsigned op, uint64_t src, uint64_t *old,
		   bool write)
{
	if (((csr >> 8) & 3) > (unsigned)h->priv)
		return false;
	if (write && (csr >> 10) == 3)
		return false;
	if (csr <= 3 && !(h->mstatus & MS_FS))
		return false;
	uint64_t v = 0;
	if (!rv_csr_read(h, csr, &v))
		return false;
	if (write) {
		/* For mip/sip only the software-writable bits take part in a set or clear: a device
		 * line that happens to be high (SEIP from the PLIC) must not be latched into the
		 * software bit, or the interrupt never goes away (priv spec 3.1.9). */
		uint64_t base = (csr == 0x344 || csr == 0x144) ? h->mip_sw : v;
		uint64_t n    = op == 1 ? src : op == 2 ? (base | src) : (base & ~src);
		if (!rv_csr_write(h, csr, n))
			return false;
		/* Leave the block when translation or protection may differ, and for the
		 * registers that gate interrupts only when one is now pending (the run loop
		 * takes it before the next instruction). The kernel writes sstatus around
		 * every lock; ending the block each time cost more than the check. */
		switch (csr) {
		case 0x100: case 0x300: case 0x104: case 0x304: case 0x144: case 0x344:
		case 0x14d: case 0x140: case 0x340: case 0x141: case 0x341: case 0x142:
		case 0x342: case 0x143: case 0x343:
			if (rv_pending_irqs(h))
				h->block_end = true;
			break;
		default:
			h->block_end = true;
			break;
		}
	}
	*old = v;
	return true;
}
