/* Legacy PC ports besides the i8042 (i8042.h): a debug-exit port compatible with QEMU's
 * isa-debug-exit, which ends the run, and the POST/delay port 0x80. */
#ifndef CELLA_KVM_X86_PORTS_H
#define CELLA_KVM_X86_PORTS_H

#include "base/error.h"
#include "kvm/kvm.h"

#define X86_PORT_DEBUG_EXIT 0x501  /* write V: cella exits with status (V << 1) | 1 */
#define X86_PORT_POST       0x80

/* Map the ports on vm->pio; each stops vm as described above. */
int x86_ports_map(struct kvm_vm *vm, struct cerr *e);

#endif
