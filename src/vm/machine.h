/* The machine kinds `cella vm` can run, one per guest architecture. A machine takes the parsed
 * vm_config, builds its board or KVM VM, runs the guest to its end, and returns the exit
 * status cella should have (0 when the guest powered off cleanly), or -1 with *e set. */
#ifndef CELLA_VM_MACHINE_H
#define CELLA_VM_MACHINE_H

#include "base/error.h"
#include "vm/config.h"

struct vm_machine {
	const char *arch;     /* matches vm_config.arch */
	const char *summary;  /* one line for `cella help vm` */
	int (*run)(const struct vm_config *cfg, struct cerr *e);
};

/* The machine for arch, or NULL when this build has none. */
const struct vm_machine *vm_machine_find(const char *arch);

#endif
