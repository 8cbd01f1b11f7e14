/* Private to the riscv64 GDB backend: the register numbers GDB's riscv target uses, and the
 * register side of it (gdb_regs.c) that gdb.c's target operations call. */
#ifndef CELLA_TARGET_RISCV_GDB_REGS_H
#define CELLA_TARGET_RISCV_GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "target/riscv/cpu.h"

/* GDB's numbering: x0-x31, pc, f0-f31, then CSR n at 65 + n, then the virtual `priv`. */
enum {
	RV_GDB_PC   = 32,
	RV_GDB_F0   = 33,
	RV_GDB_CSR0 = 65,
	RV_GDB_PRIV = 65 + 4096,
	RV_GDB_G_REGS = 33, /* the 'g' packet: x0-x31 and pc; the rest one by one */
};

/* The target description (target.xml) for harts like h: the CSRs listed are those h has.
 * Caller frees. NULL when out of memory. */
char *rv_gdb_target_xml(struct rv_hart *h);
size_t rv_gdb_reg_read(struct rv_hart *h, unsigned regno, uint8_t *buf);
int rv_gdb_reg_write(struct rv_hart *h, unsigned regno, const uint8_t *buf, size_t len);

#endif
