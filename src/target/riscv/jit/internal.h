/* Private to the block compiler: the block table, the per-hart state generated code reads,
 * and the contract between the translator (translate.c) and the dispatcher (jit.c). */
#ifndef CELLA_TARGET_RISCV_JIT_INTERNAL_H
#define CELLA_TARGET_RISCV_JIT_INTERNAL_H

#include <stdio.h>

#include "target/riscv/internal.h"
#include "target/riscv/jit/codemem.h"
#include "target/riscv/jit/jit.h"

#define JIT_CODE_SIZE   (32u << 20)  /* generated code per hart; full = start again */
#define JIT_MAX_BLOCKS  (1u << 17)
#define JIT_HASH_SIZE   (1u << 17)   /* buckets of (vpc) */
#define JIT_PAGE_SLOTS  (1u << 14)   /* code pages with blocks, open addressing */
#define JIT_PAGE_COPIES (JIT_PAGE_SLOTS / 2)  /* pages at most: the table stays half empty */
#define JIT_BLOCK_INSNS 64           /* longest block, in guest instructions */
#define JIT_BLOCK_BYTES 16384        /* room a block's code may need; else a shorter block */

/* Why generated code returned to the dispatcher (its return value). */
enum rv_jit_exit {
	JIT_EXIT_NEXT,    /* h->pc is the next guest pc; h->jit_exit_site may be chained */
	JIT_EXIT_INTERP,  /* h->pc is an instruction the translator left to the interpreter */
	JIT_EXIT_TRAP,    /* a trap was taken; h->pc is the handler */
	JIT_EXIT_BUDGET,  /* the instruction budget ran out before the block at h->pc */
};

/* One translated block: guest code at virtual vpc whose bytes are at host address host (its
 * physical identity: the same vpc under another mapping is another block). */
struct rv_jblock {
	uint64_t       vpc;
	const uint8_t *host;
	uint8_t       *code;      /* executable entry; NULL: the first instruction is left to the
				   * interpreter, so this pc always goes there */
	int32_t        hnext;     /* next block in the same hash bucket, -1 none */
	int32_t        pnext;     /* next block from the same code page, -1 none */
	int32_t        page;      /* its code page's slot */
};

struct rv_jit_page {
	const uint8_t *page;      /* host address of a guest code page; NULL: empty slot */
	int32_t        head;      /* its first block, -1 none (slot kept: tombstone) */
	uint32_t       copy;      /* index of the page's bytes as its blocks were made from */
	uint32_t       epoch;     /* j->epoch when the page was last known to equal the copy */
};

struct rv_jit {
	struct codemem     mem;
	uint8_t           *enter;      /* trampoline: uint64_t enter(struct rv_hart *, code) */
	uint8_t           *epilogue;   /* generated code jumps here with the exit in eax */
	uint8_t           *exit_next;  /* "xor eax, eax; jmp epilogue": return JIT_EXIT_NEXT */
	size_t             fixed_end;  /* code below this (trampolines) survives a flush */

	int32_t            hash[JIT_HASH_SIZE];
	struct rv_jblock   block[JIT_MAX_BLOCKS];
	uint32_t           n_blocks;
	struct rv_jit_page pages[JIT_PAGE_SLOTS];
	uint32_t           n_pages;    /* slots used, tombstones included (= copies used) */
	uint8_t           *copies;     /* JIT_PAGE_COPIES pages of 4 KiB */
	uint32_t           epoch;      /* moves at every FENCE.I */

	/* set by a store into code during a block: the block must not run on */
	bool               code_changed;
	struct rv_fault    fault;      /* a slow-path access's fault, for rv_jit_raise */
	int64_t            start;      /* jit_left when instret was last brought up to date */

	void              *xlate;      /* the translator's working state (translate.c) */

	/* CELLA_DEBUG knobs (debug.c): for finding the translator's own bugs */
	struct {
		unsigned max_insns;       /* jit-max: longest block */
		unsigned off_lo, off_hi;  /* jit-off: ops left to the interpreter (ops.h order) */
		bool     slow_mem;        /* jit-slow-mem: every access through the slow path */
		uint64_t dump_pc;         /* jit-dump: write this block's host code to a file */
		FILE    *log;             /* jit-log: every block entry (no chaining) and store */
		uint64_t regs_lo, regs_hi;/* jit-regs: all registers at entries in this instret range */
		bool     stats;           /* jit-stats: counts at the end */
	} dbg;

	/* what the host CPU offers the translator */
	bool               has_bmi1, has_popcnt, has_lzcnt;
	uint64_t           flushes, translated;
	uint64_t           translate_ns;   /* time spent translating (wall clock), with jit-stats */
};

/* table.c */
int               rv_jit_table_init(struct rv_jit *j, struct cerr *e);
void              rv_jit_table_free(struct rv_jit *j);
void              rv_jit_table_clear(struct rv_jit *j);
bool              rv_jit_table_full(const struct rv_jit *j);
/* The block at (vpc, host), its page checked first after a FENCE.I; NULL: none (or stale) */
struct rv_jblock *rv_jit_find(struct rv_jit *j, uint64_t vpc, const uint8_t *host);
/* A new entry (code filled in by the translator), or NULL when the table is full. */
struct rv_jblock *rv_jit_new_block(struct rv_jit *j, uint64_t vpc, const uint8_t *host);

/* The translator's working state, one per hart (calloc'd; free() releases it). */
void *rv_jit_translator_new(void);

/* Translate the block at h->pc whose first instruction is at host (a RAM page the hart may
 * fetch from). Returns the block, or NULL when the table or the code buffer is full. */
struct rv_jblock *rv_jit_translate(struct rv_hart *h, uint64_t vpc, const uint8_t *host);

/* Called from generated code (SysV ABI). */
struct rv_jit_ret {
	uint64_t value, fault;
};
struct rv_jit_ret rv_jit_load(struct rv_hart *h, uint64_t va, uint64_t size_sign);
uint64_t          rv_jit_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t size);
void              rv_jit_raise(struct rv_hart *h);
const void       *rv_jit_lookup(struct rv_hart *h);

/* debug.c */
void rv_jit_debug_init(struct rv_jit *j);
void rv_jit_debug_block(struct rv_hart *h);
void rv_jit_debug_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t size);
void rv_jit_debug_stats(struct rv_hart *h);

/* Bring h->instret up to date with the instructions generated code has run. */
static inline void rv_jit_retire(struct rv_hart *h)
{
	h->instret += (uint64_t)(h->jit->start - h->jit_left);
	h->jit->start = h->jit_left;
}

#endif
