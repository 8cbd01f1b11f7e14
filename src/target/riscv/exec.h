/* The interpreter's entry point, used by the hart's run loop (hart.c). */
#ifndef CELLA_TARGET_RISCV_EXEC_H
#define CELLA_TARGET_RISCV_EXEC_H

#include "target/riscv/cpu.h"

/* Run up to budget instructions from h->pc; returns how many were executed. */
uint64_t rv_exec_block(struct rv_hart *h, uint64_t budget);

#endif
