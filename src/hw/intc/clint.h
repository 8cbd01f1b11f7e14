/* The RISC-V core-local interruptor (SiFive CLINT / ACLINT MSWI + MTIMER layout, as QEMU's
 * virt board): per-hart msip (software interrupt) and mtimecmp (timer compare), one mtime
 * counting at a fixed frequency from the host's monotonic clock. Outputs are level lines to
 * each hart's MSIP and MTIP; a timer thread raises MTIP when mtime reaches mtimecmp. */
#ifndef CELLA_HW_INTC_CLINT_H
#define CELLA_HW_INTC_CLINT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"
#include "hw/timer.h"

#define CLINT_MAX_HARTS   64
#define CLINT_WINDOW_SIZE 0x10000
#define CLINT_MSIP_BASE     0x0000
#define CLINT_MTIMECMP_BASE 0x4000
#define CLINT_MTIME         0xbff8

struct clint {
	pthread_mutex_t lock;
	struct hw_timer timer;
	unsigned        n_harts;
	uint64_t        freq_hz;           /* 10 MHz on virt */
	uint64_t        epoch_ns;          /* CLOCK_MONOTONIC at mtime = 0 */
	uint64_t        mtimecmp[CLINT_MAX_HARTS];
	uint32_t        msip[CLINT_MAX_HARTS];
	int             mtip_level[CLINT_MAX_HARTS];
	struct irq_line msip_out[CLINT_MAX_HARTS];
	struct irq_line mtip_out[CLINT_MAX_HARTS];
};

extern const struct bus_ops clint_ops;

/* Start the CLINT (and its timer thread); msip_out/mtip_out have n_harts lines each. */
int clint_init(struct clint *c, unsigned n_harts, uint64_t freq_hz,
	       const struct irq_line *msip_out, const struct irq_line *mtip_out, struct cerr *e);
void clint_destroy(struct clint *c);

/* mtime now: what the harts' `time` CSR must read too, so they share one clock. */
uint64_t clint_mtime(const struct clint *c);

#endif
