/* The RV64GC hart: an independent CPU object that a board creates, wires to guest RAM and a
 * device bus, and runs in its own host thread. Devices interrupt it from any thread with
 * rv_hart_set_irq(); the hart notices at its next block boundary (or wakes from WFI). */
#ifndef CELLA_TARGET_RISCV_CPU_H
#define CELLA_TARGET_RISCV_CPU_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"

/* Interrupt numbers (bits of mip/mie). */
enum {
	RV_IRQ_SSI = 1, RV_IRQ_MSI = 3, RV_IRQ_STI = 5, RV_IRQ_MTI = 7,
	RV_IRQ_SEI = 9, RV_IRQ_MEI = 11,
};

enum rv_priv { RV_PRIV_U = 0, RV_PRIV_S = 1, RV_PRIV_M = 3 };

#define RV_TLB_SIZE   1024 /* entries per TLB (index < 4096: see tlb_used) */
#define RV_DCACHE_SIZE 131072 /* entries; 4 MiB, allocated zeroed, touched as used */
#define RV_CODE_SUPER  8
#define RV_DCACHE_PAGES (RV_DCACHE_SIZE / 2048) /* groups of slots one 4 KiB page maps to */
#define RV_GROUP_PAGES 4
#define RV_TRIGGERS    4 /* Sdtrig address-match triggers */

struct rv_tlb {
	uint64_t  tag;     /* virtual page address; all ones = empty (no access ever matches) */
	uintptr_t addend;  /* host address = guest virtual address + addend */
};

/* One pre-decoded instruction, valid while its tag equals pc ^ (generation << 48). The
 * generation moves on at FENCE.I, SFENCE.VMA of all addresses, satp writes, privilege
 * changes and any store into a page code was decoded from; SFENCE.VMA of one address clears
 * the entries of that page only. */
struct rv_dec {
	uint64_t tag;
	const void *handler; /* the interpreter's label for op */
	uint32_t insn;     /* the raw instruction (16 bits for a compressed one), for xtval and
			    * F/D (which has no compressed arithmetic) */
	int32_t  imm;      /* every RV64 immediate fits in 32 bits */
	uint16_t op;       /* dense index into the interpreter's dispatch table */
	uint8_t  rd, rs1, rs2, len, aux;
};                         /* 32 bytes: two per cache line, index * 32 */

struct rv_pmp {
	uint8_t  cfg[16];
	uint64_t addr[16];
	/* decoded ranges [lo, hi) for the active entries; n_active 0 = PMP off */
	uint64_t lo[16], hi[16];
	uint8_t  idx[16];
	int      n_active;
};

struct rv_hart;
struct rv_trace;
struct rv_gdb_hart;
struct rv_jit;

/* How a hart reaches the rest of the machine: the board fills this in before running. */
struct rv_hart_env {
	struct guest_mem *mem;          /* RAM (fast path) */
	const struct bus *bus;          /* everything else; outside both = access fault */
	uint64_t        (*time)(void *opaque);   /* the platform timer (mtime), 10 MHz */
	void             *opaque;
	/* A store to physical [watch_lo, watch_hi) calls watch() after it is done (HTIF tohost)
	 * and ends the hart's block, so a watch that stops the hart stops it at that store; the
	 * watched page never enters the store TLB. */
	uint64_t          watch_lo, watch_hi;
	void            (*watch)(void *opaque, struct rv_hart *h, uint64_t pa);
	struct rv_trace  *trace;        /* --trace: log traps and xRETs here (NULL: off) */
};

struct rv_hart {
	/* hot state first; x[32] is where writes to x0 go, so x[0] stays zero */
	uint64_t      x[33];
	uint64_t      pc;
	/* the block compiler (jit/): instructions left in this run (each block subtracts its
	 * length on entry) and the jump generated code just left by, to chain it */
	int64_t       jit_left;
	uint8_t      *jit_exit_site;
	uint64_t      f[32];
	int           priv;
	struct rv_tlb tlb_x[RV_TLB_SIZE], tlb_r[RV_TLB_SIZE], tlb_w[RV_TLB_SIZE];
	/* the entries filled since the last flush (tlb << 12 | index), so that the frequent
	 * flushes at traps clear a few entries, not all; n_tlb_used -1: too many, clear all */
	uint16_t      tlb_used[32];
	int           n_tlb_used;
	uint64_t      instret;           /* retired instructions, never reset: the counters'
					  * CSR values are derived from it (csr.c) */
	bool          block_end;         /* leave the current block (CSR side effects, traps) */

	struct rv_hart_env env;
	uint64_t      hartid;

	/* interrupt lines raised by devices from any thread (bits as in mip) */
	_Atomic uint32_t irq_lines;
	_Atomic bool     stop;           /* ask rv_hart_run to return */
	bool             wfi;
	/* set while a debugger has breakpoints: every instruction without a valid decoded
	 * entry is checked against them (target/riscv/gdb.c) */
	struct rv_gdb_hart *dbg;
	struct rv_jit      *jit;         /* NULL: interpreter only (--accel interp) */

	/* CSRs */
	uint64_t mstatus, misa, medeleg, mideleg, mie, mip_sw; /* mip_sw: bits written by software */
	uint64_t mtvec, mscratch, mepc, mcause, mtval, mcounteren, menvcfg, mcountinhibit;
	uint64_t stvec, sscratch, sepc, scause, stval, scounteren, senvcfg, satp, stimecmp;
	uint32_t fcsr;
	/* mcycle/minstret = instret - offset, or the frozen value while mcountinhibit stops them;
	 * a cycle is one retired instruction here */
	uint64_t cycle_off, instret_off, cycle_frozen, instret_frozen;
	struct rv_pmp pmp;

	/* LR/SC reservation */
	uint64_t res_addr, res_val;
	bool     res_valid;

	/* host rounding mode currently programmed, -1 unknown */
	int host_rm;

	/* decoded-instruction cache and the pages code was decoded from (one bit per RAM page) */
	uint32_t      dcache_gen;
	uint64_t     *code_bits;
	uint64_t      code_first[GUEST_MEM_MAX_REGIONS]; /* bit index of each RAM region's page 0 */
	int           code_regions;      /* RAM regions the map covers (those at init) */
	const uint8_t *code_last;        /* the page marked last, still marked (or NULL) */
	/* RV_DCACHE_SIZE + 2 entries (+2: stepping past the end just misses); all zeros is
	 * invalid, so the allocation is touched only where code runs */
	struct rv_dec *dcache;
	/* virtual superpages (base, size) code was fetched through since the last flush of both
	 * the dcache and the TLBs: an SFENCE.VMA of one address inside one clears the whole
	 * dcache; n_code_super -1: too many to remember, every SFENCE.VMA clears it */
	uint64_t      code_super[RV_CODE_SUPER][2];
	int           n_code_super;
	/* per group of dcache slots, the virtual pages decoded into it since it was last
	 * cleared (n -1: more than RV_GROUP_PAGES), so that an SFENCE.VMA of a page no code
	 * came from (the usual case) clears nothing */
	struct {
		uint64_t vpage[RV_GROUP_PAGES];
		int      n;
	} group[RV_DCACHE_PAGES];

	/* Sdtrig (trigger.c): the selected trigger, each one's tdata1/tdata2, and which kinds of
	 * access (RV_TRIG_* bits) some trigger watches in some mode */
	uint64_t      tselect, tdata1[RV_TRIGGERS], tdata2[RV_TRIGGERS];
	unsigned      trig_armed;
};

/* Reset a hart (caller allocated, e.g. with calloc): M-mode at pc, registers zero. env->mem
 * must list all RAM already. Release with rv_hart_destroy. */
int rv_hart_init(struct rv_hart *h, const struct rv_hart_env *env, uint64_t hartid, uint64_t pc,
		 struct cerr *e);
void rv_hart_destroy(struct rv_hart *h);

/* Run until rv_hart_stop() (from any thread, or from a device/watch callback); returns the
 * number of instructions retired. max_insns 0 = no limit, else stop after about that many. */
uint64_t rv_hart_run(struct rv_hart *h, uint64_t max_insns);

void rv_hart_stop(struct rv_hart *h);

/* A debugger's single step: take a pending interrupt (the hart then stands at the handler's
 * first instruction) or retire exactly one instruction (a trap it raises leaves the hart at
 * the handler). In WFI it first waits for an interrupt or rv_hart_stop(). Returns the
 * instructions retired, 0 or 1. */
uint64_t rv_hart_step(struct rv_hart *h);

/* Raise (level 1) or lower an interrupt line, from any thread: irq is RV_IRQ_MSI, RV_IRQ_MTI,
 * RV_IRQ_MEI, RV_IRQ_SEI (the CLINT and PLIC drive these). Wakes the hart from WFI. */
void rv_hart_set_irq(struct rv_hart *h, unsigned irq, int level);

#endif
