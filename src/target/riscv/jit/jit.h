/* The RV64 block compiler (--accel jit): runs guest code translated to x86-64 host code, a
 * block of straight-line guest instructions at a time, and hands every instruction it does
 * not translate to the interpreter. Same interface and semantics as rv_exec_block. */
#ifndef CELLA_TARGET_RISCV_JIT_JIT_H
#define CELLA_TARGET_RISCV_JIT_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

struct rv_hart;

/* Whether this host can run generated code (x86-64 only). */
bool rv_jit_supported(void);

/* Give the hart a block compiler of its own (h->jit); rv_jit_free releases it. */
int  rv_jit_init(struct rv_hart *h, struct cerr *e);
void rv_jit_free(struct rv_hart *h);

/* Run up to about budget instructions from h->pc; returns how many ran. */
uint64_t rv_jit_exec(struct rv_hart *h, uint64_t budget);

/* A store changed guest code in the RAM page at host address page: its blocks are stale. */
void rv_jit_code_written(struct rv_hart *h, const uint8_t *page);

/* FENCE.I: any code may have changed (other harts' and devices' stores are seen only here). */
void rv_jit_fence_i(struct rv_hart *h);

#endif
