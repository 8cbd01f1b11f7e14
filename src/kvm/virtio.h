/* The shared virtio-mmio devices (src/hw/virtio) on a KVM VM: each device's register window
 * on the MMIO bus, its QueueNotify writes caught in the kernel by ioeventfds (one per queue,
 * matched on the queue index) and served on the devices' event loop, and its interrupt sent
 * through an irqfd, so neither costs an exit to a vCPU thread. */
#ifndef CELLA_KVM_VIRTIO_H
#define CELLA_KVM_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"
#include "kvm/kvm.h"
#include "vm/config.h"

#define KVM_VIRTIO_STRIDE 0x1000  /* one 4 KiB page per device, as the command line announces */

struct kvm_virtio_notify {
	int fd;  /* an eventfd KVM signals on QueueNotify; the device's loop watches it */
};

struct kvm_virtio_irq {
	struct kvm_vm *vm;
	int            fd;    /* an irqfd, or -1: KVM_IRQ_LINE is used */
	unsigned       gsi;
};

struct kvm_virtio {
	struct virtio_devices    set;
	bool                     initialized, created;
	struct kvm_virtio_irq    irq[VIRTIO_MAX_DEVICES];
	struct kvm_virtio_notify notify[VIRTIO_MAX_DEVICES * VIRTIO_MAX_QUEUES];
	int                      n_notify;
	uint64_t                 base;
	unsigned                 first_gsi;
};

/* Create the devices cfg asks for and wire device i at base + i * KVM_VIRTIO_STRIDE with GSI
 * first_gsi + i. vm's RAM must be in place. */
int kvm_virtio_setup(struct kvm_virtio *kv, struct kvm_vm *vm, const struct vm_config *cfg,
		     uint64_t base, unsigned first_gsi, struct cerr *e);

/* The kernel parameters announcing the devices ("virtio_mmio.device=4K@0xADDR:IRQ ..."),
 * written into buf; -1 when it does not fit. */
int kvm_virtio_cmdline(const struct kvm_virtio *kv, char *buf, size_t len, struct cerr *e);

/* Start the devices' event loop. */
int kvm_virtio_start(struct kvm_virtio *kv, struct cerr *e);

/* Stop the loop, free the devices and the eventfds. Safe on a zeroed struct (never set up). */
void kvm_virtio_free(struct kvm_virtio *kv);

#endif
