/* The table of machine kinds; each machine's folder defines its struct vm_machine. */
#include <string.h>

#include "target/riscv/virt_board.h"
#include "vm/machine.h"

extern const struct vm_machine kvm_x86_64_machine;

static const struct vm_machine *const vm_machines[] = {
	&rv_virt_machine,
	&kvm_x86_64_machine,
	NULL, /* keeps the table valid while a machine is being added: one line per machine above */
};

const struct vm_machine *vm_machine_find(const char *arch)
{
	for (size_t i = 0; i < sizeof(vm_machines) / sizeof(vm_machines[0]); i++)
		if (vm_machines[i] && strcmp(vm_machines[i]->arch, arch) == 0)
			return vm_machines[i];
	return NULL;
}
