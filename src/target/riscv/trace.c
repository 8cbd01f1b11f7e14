/* The hart's event trace (see trace.h): the line format and the filters. */
#include "target/riscv/trace.h"

#include "target/riscv/internal.h"

static const char *const exc_name[16] = {
	"instruction misaligned", "instruction access fault", "illegal instruction",
	"breakpoint", "load misaligned", "load access fault", "store misaligned",
	"store access fault", "ecall from U", "ecall from S", NULL, "ecall from M",
	"instruction page fault", "load page fault", NULL, "store page fault",
};

static const char *const irq_name[12] = {
	NULL, "supervisor software", NULL, "machine software", NULL, "supervisor timer", NULL,
	"machine timer", NULL, "supervisor external", NULL, "machine external",
};

static const char priv_letter[4] = { 'U', 'S', '?', 'M' };

static bool rv_trace_wants(const struct rv_trace *t, const struct rv_hart *h, unsigned kind,
			   uint64_t pc)
{
	return (t->what & kind) && (t->hart < 0 || (uint64_t)t->hart == h->hartid) &&
	       pc >= t->pc_lo && pc <= t->pc_hi;
}

void rv_trace_trap(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
	struct rv_trace *t    = h->env.trace;
	bool             irq  = cause >> 63;
	unsigned         code = (unsigned)(cause & 63);

	if (!rv_trace_wants(t, h, irq ? RV_TRACE_IRQ : RV_TRACE_EXC, h->pc))
		return;
	const char *name = irq ? (code < 12 ? irq_name[code] : NULL)
			       : (code < 16 ? exc_name[code] : NULL);
	pthread_mutex_lock(&t->lock);
	fprintf(t->out, "hart %llu instret %llu: %s %u (%s) in %c at pc %016llx tval %016llx "
		"sp %016llx tp %016llx a0 %016llx a7 %016llx\n",
		(unsigned long long)h->hartid, (unsigned long long)h->instret,
		irq ? "interrupt" : "exception", code, name ? name : "reserved",
		priv_letter[h->priv & 3], (unsigned long long)h->pc, (unsigned long long)tval,
		(unsigned long long)h->x[2], (unsigned long long)h->x[4],
		(unsigned long long)h->x[10], (unsigned long long)h->x[17]);
	pthread_mutex_unlock(&t->lock);
}

void rv_trace_ret(struct rv_hart *h, const char *name, int from, uint64_t at)
{
	struct rv_trace *t = h->env.trace;

	if (!rv_trace_wants(t, h, RV_TRACE_RET, at))
		return;
	pthread_mutex_lock(&t->lock);
	fprintf(t->out, "hart %llu instret %llu: %s in %c at pc %016llx to %c at pc %016llx\n",
		(unsigned long long)h->hartid, (unsigned long long)h->instret, name,
		priv_letter[from & 3], (unsigned long long)at, priv_letter[h->priv & 3],
		(unsigned long long)h->pc);
	pthread_mutex_unlock(&t->lock);
}
