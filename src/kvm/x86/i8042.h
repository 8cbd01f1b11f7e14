/* A minimal i8042 keyboard controller: enough of the command set for Linux to find the
 * controller without timeouts (read/write the configuration byte, self-tests, port enables,
 * a keyboard that acknowledges every command) and the CPU reset line Linux pulses with
 * `reboot=k`, which ends the run with status 0. No keys are ever pressed. */
#ifndef CELLA_KVM_X86_I8042_H
#define CELLA_KVM_X86_I8042_H

#include <pthread.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/bus.h"
#include "kvm/kvm.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT  0x64
#define I8042_IRQ       1

struct i8042 {
	pthread_mutex_t lock;
	struct kvm_vm  *vm;
	struct irq_line irq;
	uint8_t         ctr;        /* controller configuration byte */
	uint8_t         pending;    /* command waiting for its data byte, 0 if none */
	uint8_t         out[8];     /* output buffer (what the data port reads next) */
	unsigned        out_head, out_count;
};

/* Map the controller's two ports on vm->pio. */
int i8042_map(struct i8042 *k, struct kvm_vm *vm, struct cerr *e);
void i8042_destroy(struct i8042 *k);

#endif
