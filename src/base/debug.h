/* Developer knobs, from the environment: CELLA_DEBUG="key[=value],key..." (docs/riscv.md,
 * "Debugging the block compiler"). For finding bugs in cella itself, not for users; reading
 * a knob is cheap after the first call, so callers may cache the answer or not. */
#ifndef CELLA_BASE_DEBUG_H
#define CELLA_BASE_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

/* The value of knob `key`: its text after '=', "" when given without one, NULL when absent. */
const char *debug_knob(const char *key);

/* A knob as a number (decimal, or hex with 0x), or def when absent or not a number. */
uint64_t debug_knob_num(const char *key, uint64_t def);

#endif
