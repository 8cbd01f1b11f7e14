/* The hart's life cycle: reset, the run loop (interrupt check at each block boundary, WFI
 * sleeping on a futex), and the thread-safe entry points devices and boards use. */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "target/riscv/exec.h"
#include "target/riscv/internal.h"
#include "target/riscv/jit/jit.h"

#define RV_BLOCK_BUDGET 4096

int rv_hart_init(struct rv_hart *h, const struct rv_hart_env *env, uint64_t hartid, uint64_t pc,
		 struct cerr *e)
{
	uint64_t pages = 0;

	memset(h, 0, sizeof(*h));
	for (int i = 0; i < env->mem->n; i++) {
		h->code_first[i] = pages;
		pages += (env->mem->region[i].size + 4095) / 4096;
	}
	h->code_regions = env->mem->n;
	h->code_bits = calloc(pages / 64 + 1, sizeof(uint64_t));
	h->dcache    = calloc(RV_DCACHE_SIZE + 2, sizeof(struct rv_dec));
	if (!h->code_bits || !h->dcache) {
		free(h->code_bits);
		free(h->dcache);
		return cerr_set(e, ENOMEM, "riscv: allocating the decode cache of hart %llu",
				(unsigned long long)hartid);
	}
	h->env     = *env;
	h->hartid  = hartid;
	h->pc      = pc;
	h->priv    = RV_PRIV_M;
	h->dcache_gen = 4 + RV_PRIV_M; /* generation 1: the zeroed entries are empty */
	/* RV64 A B C D F I M S U (B: Zba, Zbb and Zbs; see RV_VIRT_ISA) */
	h->misa    = (2ull << 62) | (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5) |
		     (1u << 8) | (1u << 12) | (1u << 18) | (1u << 20);
	h->mstatus = (2ull << 32) | (2ull << 34); /* UXL = SXL = 64 */
	h->host_rm = -1;
	h->stimecmp = UINT64_MAX;
	h->n_tlb_used = -1; /* the first flush clears everything */
	rv_tlb_flush(h);
	rv_trig_reset(h);
	return 0;
}

void rv_hart_destroy(struct rv_hart *h)
{
	rv_jit_free(h);
	free(h->code_bits);
	free(h->dcache);
	h->code_bits = NULL;
	h->dcache    = NULL;
}

/* Invalidate every entry by its tag alone. The decodings stay: the instruction that moved
 * the generation here (a satp or PMP write, an AMO or SC into its own page) is still running
 * from one of these entries and reads its operands from it afterwards, and a later miss may
 * take a decoding over. Untouched entries (tag 0) are only read, so pages that never held
 * code stay unallocated. */
void rv_dcache_reset(struct rv_hart *h)
{
	for (size_t i = 0; i < RV_DCACHE_SIZE + 2; i++)
		if (h->dcache[i].tag)
			h->dcache[i].tag = 0;
	h->dcache_gen = (uint32_t)h->priv + 4;
}

static void rv_futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	syscall(SYS_futex, (uint32_t *)word, op, val, ts, NULL, 0);
}

/* WFI: sleep until an interrupt is pending (enabled or not, as the spec says) or stop.
 * Device lines wake the futex; the Sstc timer is the one source nobody signals, so the sleep
 * ends when stimecmp is due (and at least every 100 ms). */
static void rv_wfi_wait(struct rv_hart *h)
{
	while (!atomic_load(&h->stop)) {
		if (rv_pending_irqs(h)) {
			h->wfi = false;
			return;
		}
		uint32_t lines = atomic_load(&h->irq_lines);
		uint64_t ns = 100 * 1000 * 1000;
		if ((h->menvcfg >> 63) && (h->mie & (1u << RV_IRQ_STI))) {
			uint64_t now = rv_hart_time(h);
			if (h->stimecmp > now && (h->stimecmp - now) < ns / 100)
				ns = (h->stimecmp - now) * 100; /* 10 MHz ticks */
		}
		struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
		rv_futex(&h->irq_lines, FUTEX_WAIT_PRIVATE, lines, &ts);
	}
}

uint64_t rv_hart_run(struct rv_hart *h, uint64_t max_insns)
{
	uint64_t total = 0;

	while (!atomic_load_explicit(&h->stop, memory_order_relaxed)) {
		if (max_insns && total >= max_insns)
			break;
		if (h->wfi) {
			rv_wfi_wait(h);
			continue;
		}
		if (h->mie)
			rv_take_interrupt(h);
		uint64_t budget = RV_BLOCK_BUDGET;
		if (max_insns && max_insns - total < budget)
			budget = max_insns - total;
		/* the block compiler when the hart has one, but not while a debugger or a trigger
		 * watches instructions: the interpreter checks those at every decode */
		bool jit = h->jit && !h->dbg && !h->trig_armed;
		total += (jit ? rv_jit_exec(h, budget) : rv_exec_block(h, budget)) + 1;
		/* +1: a trapping block still makes progress */
	}
	return total;
}

uint64_t rv_hart_step(struct rv_hart *h)
{
	if (h->wfi) {
		rv_wfi_wait(h);
		if (h->wfi)
			return 0; /* stopped while waiting */
	}
	if (h->mie && rv_take_interrupt(h))
		return 0;
	/* With every entry invalid, the first instruction is decoded afresh and the one after
	 * it misses too, which ends the block there (the budget is checked at misses). */
	rv_dcache_flush(h);
	return rv_exec_block(h, 1);
}

void rv_hart_stop(struct rv_hart *h)
{
	atomic_store(&h->stop, true);
	rv_futex(&h->irq_lines, FUTEX_WAKE_PRIVATE, 1, NULL);
}

void rv_hart_set_irq(struct rv_hart *h, unsigned irq, int level)
{
	if (irq > 31)
		return;
	if (level)
		atomic_fetch_or(&h->irq_lines, 1u << irq);
	else
		atomic_fetch_and(&h->irq_lines, ~(1u << irq));
	rv_futex(&h->irq_lines, FUTEX_WAKE_PRIVATE, 1, NULL);
}
