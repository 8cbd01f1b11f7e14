/* Virtio-mmio devices on KVM: ioeventfd notifications and irqfd interrupts (see virtio.h). */
#include "kvm/virtio.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/log.h"

/* A device raises its line: one irqfd signal is one edge on the GSI, which is what the ISA
 * (edge-triggered) inputs the MP table announces expect. Lowering needs nothing. */
static void kvm_virtio_irq_set(void *opaque, unsigned num, int level)
{
	struct kvm_virtio_irq *irq = opaque;
	uint64_t               one = 1;

	(void)num;
	if (!level)
		return;
	if (irq->fd >= 0) {
		while (write(irq->fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		return;
	}
	struct kvm_irq_level l = { .irq = irq->gsi, .level = 1 };
	ioctl(irq->vm->vm_fd, KVM_IRQ_LINE, &l);
	l.level = 0;
	ioctl(irq->vm->vm_fd, KVM_IRQ_LINE, &l);
}

static int kvm_virtio_irqfd(struct kvm_virtio_irq *irq, struct kvm_vm *vm, unsigned gsi,
			    struct cerr *e)
{
	irq->vm  = vm;
	irq->gsi = gsi;
	irq->fd  = -1;
	if (kvm_vm_check_cap(vm, KVM_CAP_IRQFD) <= 0)
		return 0;
	irq->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (irq->fd < 0)
		return cerr_set(e, errno, "virtio: eventfd");
	struct kvm_irqfd req = { .fd = (uint32_t)irq->fd, .gsi = gsi };
	if (ioctl(vm->vm_fd, KVM_IRQFD, &req) < 0)
		return cerr_set(e, errno, "virtio: KVM_IRQFD for GSI %u", gsi);
	return 0;
}

static int kvm_virtio_ioeventfds(struct kvm_virtio *kv, struct kvm_vm *vm, struct virtio_dev *d,
				 uint64_t base, struct cerr *e)
{
	if (kvm_vm_check_cap(vm, KVM_CAP_IOEVENTFD) <= 0)
		return 0;  /* QueueNotify then exits to the vCPU thread, which also works */
	for (unsigned q = 0; q < d->n_queues; q++) {
		struct kvm_virtio_notify *n = &kv->notify[kv->n_notify];
		n->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (n->fd < 0)
			return cerr_set(e, errno, "virtio: eventfd");
		kv->n_notify++;
		struct kvm_ioeventfd req = {
			.datamatch = q,
			.addr      = base + VIRTIO_MMIO_QUEUE_NOTIFY,
			.len       = 4,
			.fd        = n->fd,
			.flags     = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};
		if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &req) < 0)
			return cerr_set(e, errno, "virtio: KVM_IOEVENTFD at %#llx",
					(unsigned long long)req.addr);
		/* the devices' loop thread drains it and runs the queue */
		if (virtio_mmio_watch_notify(d, kv->set.loop, n->fd, q, e) < 0)
			return -1;
	}
	return 0;
}

int kvm_virtio_setup(struct kvm_virtio *kv, struct kvm_vm *vm, const struct vm_config *cfg,
		     uint64_t base, unsigned first_gsi, struct cerr *e)
{
	memset(kv, 0, sizeof(*kv));
	for (size_t i = 0; i < sizeof(kv->irq) / sizeof(kv->irq[0]); i++)
		kv->irq[i].fd = -1;
	kv->initialized = true;
	kv->base        = base;
	kv->first_gsi   = first_gsi;
	if (virtio_devices_create(&kv->set, cfg, &vm->mem, e) < 0)
		return -1;
	kv->created = true;
	for (int i = 0; i < kv->set.n; i++) {
		struct virtio_slot *s    = &kv->set.slot[i];
		uint64_t            addr = base + (uint64_t)i * KVM_VIRTIO_STRIDE;
		if (bus_map(&vm->mmio, s->name, addr, s->size, s->ops, s->opaque, e) < 0 ||
		    kvm_virtio_irqfd(&kv->irq[i], vm, first_gsi + (unsigned)i, e) < 0 ||
		    kvm_virtio_ioeventfds(kv, vm, s->opaque, addr, e) < 0)
			return cerr_wrap(e, "%s", s->name);
		virtio_mmio_set_irq(s->opaque, (struct irq_line){
			.set = kvm_virtio_irq_set, .opaque = &kv->irq[i], .num = first_gsi + (unsigned)i });
	}
	return 0;
}

int kvm_virtio_cmdline(const struct kvm_virtio *kv, char *buf, size_t len, struct cerr *e)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < kv->set.n; i++) {
		int n = snprintf(buf + at, len - at, "%svirtio_mmio.device=4K@%#llx:%u", i ? " " : "",
				 (unsigned long long)(kv->base + (uint64_t)i * KVM_VIRTIO_STRIDE),
				 kv->first_gsi + (unsigned)i);
		if (n < 0 || (size_t)n >= len - at)
			return cerr_set(e, E2BIG, "virtio: too many devices for the command line");
		at += (size_t)n;
	}
	return 0;
}

int kvm_virtio_start(struct kvm_virtio *kv, struct cerr *e)
{
	if (!kv->created || kv->set.n == 0)
		return 0;
	return virtio_devices_start(&kv->set, e);
}

void kvm_virtio_free(struct kvm_virtio *kv)
{
	if (!kv->initialized)
		return;
	if (kv->created)
		virtio_devices_free(&kv->set);  /* stops the loop: no callback runs after this */
	kv->created = false;
	for (int i = 0; i < kv->n_notify; i++)
		if (kv->notify[i].fd >= 0)
			close(kv->notify[i].fd);
	kv->n_notify = 0;
	for (size_t i = 0; i < sizeof(kv->irq) / sizeof(kv->irq[0]); i++) {
		if (kv->irq[i].fd >= 0)
			close(kv->irq[i].fd);
		kv->irq[i].fd = -1;
	}
}
