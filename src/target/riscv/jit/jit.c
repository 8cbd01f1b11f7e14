/* The block compiler's dispatcher (see jit.h): the table of translated blocks keyed by
 * (virtual pc, host address of the code), the entry trampoline, chaining of direct jumps
 * within a page, invalidation by code page, and the C helpers generated code calls. */
#include "target/riscv/jit/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

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

	for (uint32_t i = 0; i < JIT_HASH_SIZE; i++)
		j->hash[i] = -1;
	memset(j->pages, 0, sizeof(j->pages));
	j->n_blocks = 0;
	j->n_pages  = 0;
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
	if (codemem_init(&j->mem, JIT_CODE_SIZE, e) < 0) {
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
	codemem_free(&h->jit->mem);
	munmap(h->jit, sizeof(*h->jit));
	h->jit = NULL;
}

static uint32_t rv_jit_hash(uint64_t vpc)
{
	return (uint32_t)((vpc >> 1) ^ (vpc >> 17)) & (JIT_HASH_SIZE - 1);
}

static uint32_t rv_jit_page_hash(const uint8_t *page)
{
	uintptr_t p = (uintptr_t)page >> 12;
	return (uint32_t)(p ^ (p >> 14)) & (JIT_PAGE_SLOTS - 1);
}

/* The slot of a code page, or the empty slot where it would go. */
static struct rv_jit_page *rv_jit_page_slot(struct rv_jit *j, const uint8_t *page)
{
	for (uint32_t i = rv_jit_page_hash(page);; i = (i + 1) & (JIT_PAGE_SLOTS - 1))
		if (j->pages[i].page == page || !j->pages[i].page)
			return &j->pages[i];
}

static struct rv_jblock *rv_jit_find(struct rv_jit *j, uint64_t vpc, const uint8_t *host)
{
	for (int32_t i = j->hash[rv_jit_hash(vpc)]; i >= 0; i = j->block[i].hnext)
		if (j->block[i].vpc == vpc && j->block[i].host == host)
			return &j->block[i];
	return NULL;
}

/* A new block entry (code filled in by the caller), or NULL when the table is full. */
struct rv_jblock *rv_jit_new_block(struct rv_jit *j, uint64_t vpc, const uint8_t *host);
struct rv_jblock *rv_jit_new_block(struct rv_jit *j, uint64_t vpc, const uint8_t *host)
{
	if (j->n_blocks >= JIT_MAX_BLOCKS || j->n_pages >= JIT_PAGE_SLOTS / 2)
		return NULL;
	struct rv_jit_page *slot = rv_jit_page_slot(j, (const uint8_t *)((uintptr_t)host & ~4095ul));
	if (!slot->page) {
		slot->page = (const uint8_t *)((uintptr_t)host & ~4095ul);
		slot->head = -1;
		j->n_pages++;
	}
	int32_t           i = (int32_t)j->n_blocks++;
	struct rv_jblock *b = &j->block[i];
	uint32_t          k = rv_jit_hash(vpc);
	*b = (struct rv_jblock){ .vpc = vpc, .host = host, .hnext = j->hash[k], .pnext = slot->head };
	j->hash[k] = i;
	slot->head = i;
	return b;
}

void rv_jit_code_written(struct rv_hart *h, const uint8_t *page)
{
	struct rv_jit *j = h->jit;

	if (!j)
		return;
	struct rv_jit_page *slot = rv_jit_page_slot(j, page);
	if (!slot->page || slot->head < 0)
		return;
	/* Unlink the page's blocks from their hash chains; chained jumps reach a block only
	 * from its own page, so nothing points at them any more. Their code stays until the
	 * next flush: the block running now may be one of them. */
	for (int32_t i = slot->head; i >= 0; i = j->block[i].pnext) {
		struct rv_jblock *b = &j->block[i];
		for (int32_t *link = &j->hash[rv_jit_hash(b->vpc)]; *link >= 0;
		     link = &j->block[*link].hnext) {
			if (*link == i) {
				*link = b->hnext;
				break;
			}
		}
	}
	slot->head      = -1;
	j->code_changed = true;
	h->jit_exit_site = NULL;
}

void rv_jit_fence_i(struct rv_hart *h)
{
	if (h->jit)
		rv_jit_flush(h);
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
		if (j->mem.size - j->mem.used < JIT_BLOCK_BYTES || j->n_blocks >= JIT_MAX_BLOCKS ||
		    j->n_pages >= JIT_PAGE_SLOTS / 2)
			rv_jit_flush(h);
		b = rv_jit_translate(h, h->pc, host);
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
