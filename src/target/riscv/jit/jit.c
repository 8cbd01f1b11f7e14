/* The block compiler's dispatcher (see jit.h): the table of translated blocks keyed by
 * (virtual pc, host address of the code), the entry trampoline, chaining of direct jumps
 * within a page, invalidation by code page, and the C helpers generated code calls. */
#include "target/riscv/jit/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hw/timer.h"
#include "target/riscv/exec.h"
#include "target/riscv/jit/x86.h"

bool rv_jit_supported(void)
{
#if defined(__x86_64__)
	return true;
#else
	return false;
#endif
}

#if defined(__x86_64__)
#include <cpuid.h>

static void rv_jit_host_features(struct rv_jit *j)
{
	unsigned a, b, c, d;

	if (__get_cpuid(1, &a, &b, &c, &d))
		j->has_popcnt = (c >> 23) & 1;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		j->has_bmi1 = (b >> 3) & 1;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		j->has_lzcnt = (c >> 5) & 1;
}
#else
static void rv_jit_host_features(struct rv_jit *j)
{
	(void)j;
}
#endif

/* enter(h, code): save the callee-saved registers the blocks use, h in rbp, jump to code;
 * the epilogue undoes it and returns the exit reason in eax. */
static void rv_jit_emit_trampolines(struct rv_jit *j)
{
	struct xbuf b = { j->mem.rw, j->mem.rw + 256, false };
	static const unsigned saved[] = { X_RBX, X_RBP, X_R12, X_R13, X_R14, X_R15 };

	j->enter = codemem_rx(&j->mem, b.p);
	for (unsigned i = 0; i < 6; i++)
		x86_push(&b, saved[i]);
	x86_alu_ri(&b, true, X_SUB, X_RSP, 8);  /* calls from blocks see a 16-aligned stack */
	x86_mov_rr(&b, X_RBP, X_RDI);
	x86_jmp_r(&b, X_RSI);
	j->epilogue = codemem_rx(&j->mem, b.p);
	x86_alu_ri(&b, true, X_ADD, X_RSP, 8);
	for (unsigned i = 6; i-- > 0;)
		x86_pop(&b, saved[i]);
	x86_ret(&b);
	j->exit_next = codemem_rx(&j->mem, b.p);
	x86_mov_ri(&b, X_RAX, JIT_EXIT_NEXT);
	uint8_t *field = x86_jmp32(&b);
	x86_patch32(field, codemem_rw(&j->mem, j->epilogue));
	j->fixed_end = (size_t)(b.p - j->mem.rw);
	j->mem.used  = j->fixed_end;
}

/* Forget every block; the trampolines stay. Only between runs of generated code. */
static void rv_jit_flush(struct rv_hart *h)
{
	struct rv_jit *j = h->jit;

	rv_jit_table_clear(j);
	j->mem.used = j->fixed_end;
	h->jit_exit_site = NULL;
	j->flushes++;
}

int rv_jit_init(struct rv_hart *h, struct cerr *e)
{
	struct rv_jit *j = mmap(NULL, sizeof(*j), PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j == MAP_FAILED)
		return cerr_set(e, errno, "riscv jit: allocating the block table of hart %llu",
				(unsigned long long)h->hartid);
	j->xlate = rv_jit_translator_new();
	if (!j->xlate) {
		munmap(j, sizeof(*j));
		return cerr_set(e, ENOMEM, "riscv jit: allocating the translator");
	}
	if (codemem_init(&j->mem, JIT_CODE_SIZE, e) < 0 || rv_jit_table_init(j, e) < 0) {
		codemem_free(&j->mem);
		free(j->xlate);
		munmap(j, sizeof(*j));
		return -1;
	}
	rv_jit_host_features(j);
	rv_jit_debug_init(j);
	rv_jit_emit_trampolines(j);
	h->jit = j;
	rv_jit_flush(h);
	j->flushes = 0;
	return 0;
}

void rv_jit_free(struct rv_hart *h)
{
	if (!h->jit)
		return;
	rv_jit_debug_stats(h);
	rv_jit_table_free(h->jit);
	codemem_free(&h->jit->mem);
	free(h->jit->xlate);
	munmap(h->jit, sizeof(*h->jit));
	h->jit = NULL;
}

/* The host address of the instruction at h->pc when the fetch TLB holds its page. */
static const uint8_t *rv_jit_fetch_hit(const struct rv_hart *h, uint64_t pc)
{
	const struct rv_tlb *t = &h->tlb_x[(pc >> 12) & (RV_TLB_SIZE - 1)];
	if (t->tag != (pc & RV_PAGE_MASK))
		return NULL;
	return (const uint8_t *)(uintptr_t)(pc + t->addend);
}

const void *rv_jit_lookup(struct rv_hart *h)
{
	if (h->jit->dbg.log)
		return h->jit->exit_next;  /* every block boundary through the dispatcher's log */
	const uint8_t    *host = rv_jit_fetch_hit(h, h->pc);
	struct rv_jblock *b    = host ? rv_jit_find(h->jit, h->pc, host) : NULL;
	return b && b->code ? b->code : h->jit->exit_next;
}

/* The block for h->pc, translated if need be; NULL: the interpreter runs this pc (a fetch
 * fault, code outside RAM, an instruction left to it, or a full table). */
static struct rv_jblock *rv_jit_block(struct rv_hart *h)
{
	struct rv_jit *j    = h->jit;
	const uint8_t *host = rv_jit_fetch_hit(h, h->pc);

	if (!host) {
		struct rv_fault f;
		uint8_t        *page = rv_fetch_page(h, h->pc, &f);
		if (!page)
			return NULL;  /* the interpreter raises the fetch fault */
		host = page + (h->pc & 0xfff);
		if (!rv_jit_fetch_hit(h, h->pc))
			return NULL;  /* RAM PMP allows in part: not for translation */
	}
	struct rv_jblock *b = rv_jit_find(j, h->pc, host);
	if (!b) {
		if (j->mem.size - j->mem.used < JIT_BLOCK_BYTES || rv_jit_table_full(j))
			rv_jit_flush(h);
		codemem_prepare(&j->mem, JIT_BLOCK_BYTES);
		uint64_t t0 = j->dbg.stats ? hw_clock_ns(CLOCK_MONOTONIC) : 0;
		b = rv_jit_translate(h, h->pc, host);
		if (j->dbg.stats)
			j->translate_ns += hw_clock_ns(CLOCK_MONOTONIC) - t0;
		if (!b)
			return NULL;
		j->translated++;
	}
	return b->code ? b : NULL;
}

/* Run the interpreter from h->pc until its first taken branch (budget 1). */
static uint64_t rv_jit_interp(struct rv_hart *h)
{
	rv_jit_retire(h);
	uint64_t n = rv_exec_block(h, 1);
	h->jit_left -= (int64_t)n;
	h->jit->start = h->jit_left;
	return n;
}

uint64_t rv_jit_exec(struct rv_hart *h, uint64_t budget)
{
	struct rv_jit *j = h->jit;
	uint64_t (*enter)(struct rv_hart *, const void *) =
		(uint64_t (*)(struct rv_hart *, const void *))(void *)j->enter;

	h->block_end  = false;
	h->jit_left   = (int64_t)budget;
	j->start      = h->jit_left;
	h->jit_exit_site = NULL;
	while (h->jit_left > 0) {
		uint8_t          *site = h->jit_exit_site;
		struct rv_jblock *b    = rv_jit_block(h);
		h->jit_exit_site = NULL;
		if (!b) {
			rv_jit_interp(h);
			break;
		}
		if (j->dbg.log) {
			rv_jit_debug_block(h);
			site = NULL;
		}
		if (site) /* a direct jump within this page: go straight there next time */
			x86_patch32(codemem_rw(&j->mem, site), codemem_rw(&j->mem, b->code));
		j->code_changed = false;
		uint64_t why = enter(h, b->code);
		if (why == JIT_EXIT_INTERP) {
			rv_jit_interp(h);
			break;
		}
		if (why != JIT_EXIT_NEXT || h->block_end)
			break;
	}
	rv_jit_retire(h);
	return budget - (uint64_t)(h->jit_left > 0 ? h->jit_left : 0);
}

struct rv_jit_ret rv_jit_load(struct rv_hart *h, uint64_t va, uint64_t size_sign)
{
	unsigned size = (unsigned)(size_sign & 15);
	uint64_t v;

	if (!rv_load_slow(h, va, size, &v, &h->jit->fault))
		return (struct rv_jit_ret){ 0, 1 };
	if (size_sign & 16) {
		unsigned sh = 64 - 8 * size;
		v = (uint64_t)((int64_t)(v << sh) >> sh);
	}
	return (struct rv_jit_ret){ v, 0 };
}

uint64_t rv_jit_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t size)
{
	if (h->jit->dbg.log)
		rv_jit_debug_store(h, va, value, size);
	if (!rv_store_slow(h, va, (unsigned)size, value, &h->jit->fault))
		return 1;
	/* code changed under the running block, or a watched store (HTIF) ended the block */
	if (h->jit->code_changed || h->block_end)
		return 2;
	return 0;
}

void rv_jit_raise(struct rv_hart *h)
{
	rv_jit_retire(h);
	rv_raise(h, h->jit->fault.cause, h->jit->fault.tval);
}
