/* PLIC register model. A source is pending while its line is high and it is not in service;
 * a context's output is high while some enabled pending source has priority above the
 * context's threshold. Claim returns the best such source (lowest id among equal priority). */
#include "hw/intc/plic.h"

#include <errno.h>
#include <string.h>

#define PLIC_PRIORITY_BASE  0x000000
#define PLIC_PENDING_BASE   0x001000
#define PLIC_ENABLE_BASE    0x002000
#define PLIC_ENABLE_STRIDE  0x80
#define PLIC_CONTEXT_BASE   0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_PRIORITY_MASK  7u  /* 3 priority bits, as QEMU's virt board */

static bool bit(const uint32_t *w, unsigned n)
{
	return (w[n / 32] >> (n % 32)) & 1;
}

static void bit_set(uint32_t *w, unsigned n, bool v)
{
	if (v)
		w[n / 32] |= 1u << (n % 32);
	else
		w[n / 32] &= ~(1u << (n % 32));
}

/* Best claimable source for context c, 0 if none. Called with the lock held. */
static unsigned plic_best(const struct plic *p, unsigned c)
{
	unsigned best = 0;
	uint32_t best_prio = p->threshold[c];

	for (unsigned s = 1; s < p->n_sources; s++) {
		if (!bit(p->pending, s) || !bit(p->enable[c], s))
			continue;
		if (p->priority[s] > best_prio) {
			best      = s;
			best_prio = p->priority[s];
		}
	}
	return best;
}

/* Recompute every context's output line. Called with the lock held. */
static void plic_update(struct plic *p)
{
	for (unsigned c = 0; c < p->n_contexts; c++) {
		int level = plic_best(p, c) != 0;
		if (level != p->out_level[c]) {
			p->out_level[c] = level;
			irq_set(&p->out[c], level);
		}
	}
}

void plic_set_irq(void *opaque, unsigned source, int level)
{
	struct plic *p = opaque;

	if (source == 0 || source >= p->n_sources)
		return;
	pthread_mutex_lock(&p->lock);
	bit_set(p->level, source, level);
	if (level && !bit(p->claimed, source))
		bit_set(p->pending, source, true);
	else if (!level)
		bit_set(p->pending, source, false);
	plic_update(p);
	pthread_mutex_unlock(&p->lock);
}

static uint32_t plic_claim(struct plic *p, unsigned c)
{
	unsigned s = plic_best(p, c);

	if (s) {
		bit_set(p->pending, s, false);
		bit_set(p->claimed, s, true);
		plic_update(p);
	}
	return s;
}

static void plic_complete(struct plic *p, unsigned c, uint32_t s)
{
	/* A completion for a source the context cannot see is ignored, as the spec allows. */
	if (s == 0 || s >= p->n_sources || !bit(p->enable[c], s) || !bit(p->claimed, s))
		return;
	bit_set(p->claimed, s, false);
	if (bit(p->level, s))
		bit_set(p->pending, s, true); /* still asserted: level-triggered, fire again */
	plic_update(p);
}

static uint64_t plic_read(void *opaque, uint64_t off, unsigned size)
{
	struct plic *p = opaque;
	uint64_t     v = 0;

	if (size != 4)
		return 0;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		unsigned s = (unsigned)(off / 4);
		if (s < p->n_sources)
			v = p->priority[s];
	} else if (off < PLIC_ENABLE_BASE) {
		unsigned w = (unsigned)((off - PLIC_PENDING_BASE) / 4);
		if (w * 32 < p->n_sources)
			v = p->pending[w];
	} else if (off < PLIC_CONTEXT_BASE) {
		unsigned c = (unsigned)((off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
		unsigned w = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
		if (c < p->n_contexts && w * 32 < p->n_sources)
			v = p->enable[c][w];
	} else {
		unsigned c   = (unsigned)((off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
		unsigned reg = (unsigned)((off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE);
		if (c < p->n_contexts && reg == 0)
			v = p->threshold[c];
		else if (c < p->n_contexts && reg == 4)
			v = plic_claim(p, c);
	}
	pthread_mutex_unlock(&p->lock);
	return v;
}

static void plic_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct plic *p = opaque;
	uint32_t     v = (uint32_t)value;

	if (size != 4)
		return;
	pthread_mutex_lock(&p->lock);
	if (off < PLIC_PENDING_BASE) {
		unsigned s = (unsigned)(off / 4);
		if (s > 0 && s < p->n_sources)
			p->priority[s] = v & PLIC_PRIORITY_MASK;
	} else if (off < PLIC_ENABLE_BASE) {
		/* pending bits are read-only */
	} else if (off < PLIC_CONTEXT_BASE) {
		unsigned c = (unsigned)((off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
		unsigned w = (unsigned)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
		if (c < p->n_contexts && w * 32 < p->n_sources) {
			if (w == 0)
				v &= ~1u; /* source 0 does not exist */
			p->enable[c][w] = v;
		}
	} else {
		unsigned c   = (unsigned)((off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
		unsigned reg = (unsigned)((off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE);
		if (c < p->n_contexts && reg == 0)
			p->threshold[c] = v & PLIC_PRIORITY_MASK;
		else if (c < p->n_contexts && reg == 4)
			plic_complete(p, c, v);
	}
	plic_update(p);
	pthread_mutex_unlock(&p->lock);
}

const struct bus_ops plic_ops = { .read = plic_read, .write = plic_write };

int plic_init(struct plic *p, unsigned n_sources, unsigned n_contexts,
	      const struct irq_line *out, struct cerr *e)
{
	if (n_sources < 2 || n_sources > PLIC_MAX_SOURCES || n_contexts < 1 ||
	    n_contexts > PLIC_MAX_CONTEXTS)
		return cerr_set(e, EINVAL, "plic: %u sources and %u contexts are out of range",
				n_sources, n_contexts);
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->n_sources  = n_sources;
	p->n_contexts = n_contexts;
	memcpy(p->out, out, n_contexts * sizeof(out[0]));
	return 0;
}

void plic_destroy(struct plic *p)
{
	pthread_mutex_destroy(&p->lock);
}
