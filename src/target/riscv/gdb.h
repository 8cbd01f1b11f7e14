/* The riscv64 side of the GDB stub (debug/gdb.h): each hart is a thread that the debugger
 * parks at a block boundary, steps one instruction at a time or lets run until a breakpoint;
 * registers, CSRs and memory are read through the parked harts (gdb.c, gdb_regs.c). */
#ifndef CELLA_TARGET_RISCV_GDB_H
#define CELLA_TARGET_RISCV_GDB_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "target/riscv/cpu.h"

struct rv_gdb;

/* Listen on spec (see gdb_server_open) for a debugger of these harts. wait (-S): every hart
 * is parked before its first instruction until a debugger resumes it. kill(opaque) ends the
 * machine when the debugger asks to. */
int rv_gdb_open(struct rv_gdb **out, const char *spec, bool wait, struct rv_hart *const *harts,
		unsigned n, void (*kill)(void *opaque), void *opaque, struct cerr *e);
const char *rv_gdb_address(const struct rv_gdb *g);
int rv_gdb_start(struct rv_gdb *g, struct cerr *e);
/* The body of hart i's thread while a stub exists: runs, parks and steps as the debugger
 * says, returns when the machine ends. */
void rv_gdb_hart_thread(struct rv_gdb *g, unsigned i);
/* The machine ends (call before stopping the harts for good): parked harts return, the
 * debugger hears the exit status. */
void rv_gdb_exit(struct rv_gdb *g, int status);
void rv_gdb_close(struct rv_gdb *g);

/* The interpreter asks this before decoding an instruction at pc while h->dbg is set (some
 * breakpoint exists): true = a breakpoint is there, the hart stops before executing it. */
bool rv_gdb_break(struct rv_hart *h, uint64_t pc);

#endif
