/* Knobs for finding the block compiler's own bugs (CELLA_DEBUG, see docs/riscv.md,
 * "Debugging the block compiler"): shorter blocks, ops left to the interpreter, every access
 * through the slow path, a log of every block entry with a hash of the registers (and every
 * store) to compare two runs with, the host code of one block, counts at the end. */
#include <inttypes.h>
#include <pthread.h>

#include "base/debug.h"
#include "target/riscv/jit/internal.h"

/* one log for every hart of the process */
static FILE           *jit_log;
static pthread_once_t  jit_log_once = PTHREAD_ONCE_INIT;

static void rv_jit_open_log(void)
{
	const char *path = debug_knob("jit-log");
	if (path && *path && !(jit_log = fopen(path, "we")))
		fprintf(stderr, "cella: debug: jit-log: cannot open %s\n", path);
}

static void rv_jit_range(const char *key, uint64_t *lo, uint64_t *hi)
{
	const char *v = debug_knob(key);
	unsigned long long a, b;

	if (v && sscanf(v, "%lli-%lli", &a, &b) == 2) {
		*lo = a;
		*hi = b;
	}
}

void rv_jit_debug_init(struct rv_jit *j)
{
	uint64_t off_lo = 1, off_hi = 0;

	j->dbg.max_insns = (unsigned)debug_knob_num("jit-max", JIT_BLOCK_INSNS);
	if (j->dbg.max_insns < 1 || j->dbg.max_insns > JIT_BLOCK_INSNS)
		j->dbg.max_insns = JIT_BLOCK_INSNS;
	rv_jit_range("jit-off", &off_lo, &off_hi);
	j->dbg.off_lo   = (unsigned)off_lo;
	j->dbg.off_hi   = (unsigned)off_hi;
	j->dbg.slow_mem = debug_knob("jit-slow-mem") != NULL;
	j->dbg.dump_pc  = debug_knob_num("jit-dump", UINT64_MAX);
	j->dbg.stats    = debug_knob("jit-stats") != NULL;
	j->dbg.regs_lo  = 1;
	rv_jit_range("jit-regs", &j->dbg.regs_lo, &j->dbg.regs_hi);
	pthread_once(&jit_log_once, rv_jit_open_log);
	j->dbg.log = jit_log;
}

/* "hart instret pc hash": the instret exact, as at a block boundary the interpreter could
 * have; the hash covers x1..x31. */
void rv_jit_debug_block(struct rv_hart *h)
{
	struct rv_jit *j  = h->jit;
	uint64_t       ir = h->instret + (uint64_t)(j->start - h->jit_left), hs = 0;

	for (int r = 1; r < 32; r++)
		hs = (hs ^ h->x[r]) * 0x100000001b3ull;
	flockfile(j->dbg.log);
	fprintf(j->dbg.log, "%" PRIu64 " %" PRIu64 " %" PRIx64 " %016" PRIx64 "\n", h->hartid, ir,
		h->pc, hs);
	if (ir >= j->dbg.regs_lo && ir <= j->dbg.regs_hi)
		for (int r = 1; r < 32; r++)
			fprintf(j->dbg.log, "  x%d %" PRIx64 "\n", r, h->x[r]);
	funlockfile(j->dbg.log);
}

/* "S hart va value size" for every store the slow path does (all of them with jit-slow-mem) */
void rv_jit_debug_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t size)
{
	fprintf(h->jit->dbg.log, "S %" PRIu64 " %" PRIx64 " %" PRIx64 " %" PRIu64 "\n", h->hartid,
		va, value, size);
}

void rv_jit_debug_stats(struct rv_hart *h)
{
	const struct rv_jit *j = h->jit;

	if (j->dbg.stats)
		fprintf(stderr, "cella: jit: hart %" PRIu64 ": %" PRIu64 " blocks translated in %.3f s "
			"(%.0f per second), %" PRIu64 " flushes, %zu KiB of code in use\n", h->hartid,
			j->translated, (double)j->translate_ns / 1e9,
			j->translate_ns ? (double)j->translated * 1e9 / (double)j->translate_ns : 0.0,
			j->flushes, j->mem.used >> 10);
}
