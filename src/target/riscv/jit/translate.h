/* Private to the translator: its working state while one block is emitted — the guest
 * registers cached in host registers, the slow paths to place after the block — shared by
 * translate.c (block structure, memory, exits) and translate_ops.c (arithmetic). */
#ifndef CELLA_TARGET_RISCV_JIT_TRANSLATE_H
#define CELLA_TARGET_RISCV_JIT_TRANSLATE_H

#include <stddef.h>

#include "target/riscv/jit/internal.h"
#include "target/riscv/jit/x86.h"

#define JT_NONE 0xff

/* Which guest register each host register holds. Host registers used for guest values:
 * callee-saved rbx, r12-r15 survive helper calls; rsi, rdi, r8-r11 are saved around them.
 * rax, rcx, rdx are scratch; rbp is the hart; rsp the stack. x0 may be cached (as zero);
 * x[32], where writes to x0 go, is cached but never written back. */
struct jt_regs {
	uint8_t  host[33];    /* guest register -> host register, or JT_NONE */
	bool     dirty[33];   /* the host register is newer than h->x[] */
	uint8_t  guest[16];   /* host register -> guest register, or JT_NONE */
	uint32_t stamp[16];   /* the instruction that last used it (eviction: oldest first) */
};

enum jt_slow_kind { JT_SLOW_LOAD, JT_SLOW_STORE };

/* An access that missed the TLB: emitted after the block, with the register state of that
 * point, then back to `back`. */
struct jt_slow {
	enum jt_slow_kind kind;
	uint8_t          *field;   /* the fast path's jne rel32 to patch */
	uint8_t          *back;
	struct jt_regs    regs;
	unsigned          size, k, len, value_reg;
	bool              sign;
	uint64_t          vpc;
};

struct jt {
	struct rv_hart *h;
	struct rv_jit  *j;
	struct xbuf     b;
	struct jt_regs  r;
	uint32_t        now;       /* instruction counter, for stamps */
	uint64_t        vpc0;      /* the block's first pc */
	unsigned        n;         /* guest instructions in the block */
	struct jt_slow  slow[JIT_BLOCK_INSNS];
	unsigned        n_slow;
	bool            bad;       /* something could not be emitted: give up the block */
};

#define JT_OFF_X(r)  ((int32_t)(offsetof(struct rv_hart, x) + 8u * (r)))
#define JT_OFF_PC    ((int32_t)offsetof(struct rv_hart, pc))
#define JT_OFF_LEFT  ((int32_t)offsetof(struct rv_hart, jit_left))
#define JT_OFF_SITE  ((int32_t)offsetof(struct rv_hart, jit_exit_site))
#define JT_OFF_TLB_R ((int32_t)offsetof(struct rv_hart, tlb_r))
#define JT_OFF_TLB_W ((int32_t)offsetof(struct rv_hart, tlb_w))

/* translate.c */
unsigned jt_get(struct jt *t, unsigned g);   /* a host register holding guest register g */
unsigned jt_def(struct jt *t, unsigned g);   /* a host register that will hold g (dirty) */

/* translate_ops.c: one arithmetic/logic instruction; false = not translated */
bool jt_alu(struct jt *t, const struct rv_dec *d, uint64_t vpc);
bool jt_alu_supported(unsigned op, const struct rv_jit *j);

#endif
