/* The riscv64 machine `cella vm` runs (src/vm/machines.c lists it). */
#ifndef CELLA_TARGET_RISCV_MACHINE_H
#define CELLA_TARGET_RISCV_MACHINE_H

#include "base/error.h"
#include "vm/config.h"
#include "vm/machine.h"

extern const struct vm_machine rv_machine_bare;

int rv_bare_run(const struct vm_config *cfg, struct cerr *e);

#endif
