/* Memory for generated code, writable and executable but never both through one mapping:
 * one memfd mapped twice, read-write for the translator and read-execute for the CPU. */
#ifndef CELLA_TARGET_RISCV_JIT_CODEMEM_H
#define CELLA_TARGET_RISCV_JIT_CODEMEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct codemem {
	uint8_t  *rw, *rx;   /* the two views of the same pages */
	size_t    size;
	size_t    used;      /* bump allocator */
	size_t    ready;     /* below this, both views are populated */
};

int  codemem_init(struct codemem *m, size_t size, struct cerr *e);
void codemem_free(struct codemem *m);

/* Make [used, used + need) present in both views before code is written there: one call
 * per MiB instead of a page fault per 4 KiB in each view (a boot writes ~25 MiB). */
void codemem_prepare(struct codemem *m, size_t need);

/* The executable address of a byte written at rw pointer p, and back. */
static inline uint8_t *codemem_rx(const struct codemem *m, const uint8_t *p)
{
	return m->rx + (p - m->rw);
}

static inline uint8_t *codemem_rw(const struct codemem *m, const uint8_t *x)
{
	return m->rw + (x - m->rx);
}

#endif
