/* The hart's event trace (`cella vm --trace`): one text line per exception, interrupt and
 * xRET, written as it happens, for finding where a guest went wrong. Off (a NULL pointer in
 * the hart) it costs one predictable branch per trap. */
#ifndef CELLA_TARGET_RISCV_TRACE_H
#define CELLA_TARGET_RISCV_TRACE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct rv_hart;

enum {
	RV_TRACE_EXC = 1u << 0, /* synchronous exceptions (ecall included) */
	RV_TRACE_IRQ = 1u << 1, /* interrupts taken */
	RV_TRACE_RET = 1u << 2, /* mret and sret */
};

/* One sink shared by every hart of a machine; lines from different harts never mix. */
struct rv_trace {
	FILE           *out;
	pthread_mutex_t lock;
	unsigned        what;           /* RV_TRACE_* */
	int             hart;           /* only this hart, or -1 for all */
	uint64_t        pc_lo, pc_hi;   /* only events at a pc in [pc_lo, pc_hi] */
};

/* A trap about to be taken: the hart still holds the state it was in. */
void rv_trace_trap(struct rv_hart *h, uint64_t cause, uint64_t tval);
/* An xRET just done (name "mret"/"sret"), from privilege `from`; h->pc is where it went. */
void rv_trace_ret(struct rv_hart *h, const char *name, int from, uint64_t at);

#endif
