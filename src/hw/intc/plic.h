/* A RISC-V platform-level interrupt controller (the SiFive PLIC as QEMU's virt board has
 * it): level-triggered sources, per-source priorities, and per-context enables, threshold and
 * claim/complete. Contexts are the board's to assign (virt: hart i has M = 2i, S = 2i+1). */
#ifndef CELLA_HW_INTC_PLIC_H
#define CELLA_HW_INTC_PLIC_H

#include <pthread.h>
#include <stdint.h>

#include "hw/bus.h"

#define PLIC_MAX_SOURCES  128  /* source 0 does not exist; 1..n-1 are usable */
#define PLIC_MAX_CONTEXTS 128 /* M and S for each of 64 harts, as QEMU's virt board has */
#define PLIC_WINDOW_SIZE  0x600000 /* QEMU virt's: room for 1024 contexts at 0x200000 + 0x1000 * ctx */

struct plic {
	pthread_mutex_t lock;
	unsigned        n_sources;  /* including the nonexistent source 0 */
	unsigned        n_contexts;
	uint32_t        priority[PLIC_MAX_SOURCES];
	uint32_t        pending[PLIC_MAX_SOURCES / 32];
	uint32_t        level[PLIC_MAX_SOURCES / 32];    /* current input line levels */
	uint32_t        claimed[PLIC_MAX_SOURCES / 32];  /* claimed, not yet completed */
	uint32_t        enable[PLIC_MAX_CONTEXTS][PLIC_MAX_SOURCES / 32];
	uint32_t        threshold[PLIC_MAX_CONTEXTS];
	struct irq_line out[PLIC_MAX_CONTEXTS];          /* to each context's hart (MEIP/SEIP) */
	int             out_level[PLIC_MAX_CONTEXTS];
};

extern const struct bus_ops plic_ops;

/* n_sources counts source 0 (virt: 96 -> 95 usable); out[i] drives context i. */
int plic_init(struct plic *p, unsigned n_sources, unsigned n_contexts,
	      const struct irq_line *out, struct cerr *e);
void plic_destroy(struct plic *p);

/* The input side, shaped as struct irq_line's set(): opaque = the plic, num = source. */
void plic_set_irq(void *opaque, unsigned source, int level);

/* An irq_line for a device wired to source n. */
static inline struct irq_line plic_line(struct plic *p, unsigned source)
{
	return (struct irq_line){ .set = plic_set_irq, .opaque = p, .num = source };
}

#endif
