/* The KVM monitor's core, independent of the boot protocol: /dev/kvm, the VM, guest RAM, one
 * thread per vCPU running KVM_RUN and dispatching port I/O and MMIO exits to two buses, and
 * the end of the run (the first stop or failure wins; the other vCPUs are kicked out). */
#ifndef CELLA_KVM_KVM_H
#define CELLA_KVM_KVM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/bus.h"

#define KVM_DEVICE_DEFAULT "/dev/kvm"
/* Tests point this at a missing path to check the error a host without KVM gets. */
#define KVM_DEVICE_ENV "CELLA_KVM_DEVICE"
#define KVM_VM_MAX_VCPUS 64

struct kvm_vm;
struct kvm_run;

struct kvm_vcpu {
	struct kvm_vm  *vm;
	unsigned        index;     /* also its APIC ID */
	int             fd;
	struct kvm_run *run;
	pthread_t       thread;
	bool            started;
	uint64_t        exits;     /* exits handled in user space (for --debug) */
};

struct kvm_vm {
	const char      *device;
	int              kvm_fd, vm_fd;
	size_t           run_size;
	struct guest_mem mem;
	unsigned         n_slots;
	struct bus       mmio, pio;
	unsigned         n_vcpus;
	struct kvm_vcpu  vcpu[KVM_VM_MAX_VCPUS];

	pthread_mutex_t  lock;      /* guards what follows */
	bool             stopping;
	int              status;    /* cella's exit status when the guest ends the run */
	bool             failed;
	struct cerr      err;
};

/* Open the KVM device (dev, else $CELLA_KVM_DEVICE, else /dev/kvm), check the API version
 * and create an empty VM. */
int kvm_vm_open(struct kvm_vm *vm, const char *dev, struct cerr *e);

/* Back guest-physical [gpa, gpa+size) with fresh anonymous memory (a KVM memory slot). */
int kvm_vm_add_ram(struct kvm_vm *vm, uint64_t gpa, uint64_t size, struct cerr *e);

/* Create n vCPUs (ids 0..n-1) and map their kvm_run areas. */
int kvm_vm_create_vcpus(struct kvm_vm *vm, unsigned n, struct cerr *e);

/* Check for a KVM capability (> 0: present). */
int kvm_vm_check_cap(const struct kvm_vm *vm, long cap);

/* Run every vCPU on its own thread until the guest stops the machine, a vCPU fails or
 * kvm_vm_stop() is called (the machine's stop-signal watcher does, with 128 + the signal). Returns the status
 * (>= 0), or -1 with *e set. */
int kvm_vm_run(struct kvm_vm *vm, struct cerr *e);

/* End the run with an exit status (the guest powered off, asked to exit, or the user quit).
 * Callable from any thread, devices included; the first call wins. */
void kvm_vm_stop(struct kvm_vm *vm, int status);

/* End the run with an error; the first stop or failure wins. */
void kvm_vm_fail(struct kvm_vm *vm, const struct cerr *err);

/* An interrupt line raising GSI gsi through the in-kernel irqchip (KVM_IRQ_LINE). */
struct irq_line kvm_vm_irq_line(struct kvm_vm *vm, unsigned gsi);

/* Release everything kvm_vm_open and later calls set up. Safe on a partly built VM. */
void kvm_vm_close(struct kvm_vm *vm);

#endif
