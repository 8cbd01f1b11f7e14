/* vCPU threads: each runs KVM_RUN in a loop and turns port-I/O and MMIO exits into bus
 * accesses; shutdown and errors end the whole VM (see kvm_vm_stop/kvm_vm_fail). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "base/log.h"
#include "kvm/kvm.h"

/* Nothing to do: the signal only makes KVM_RUN return with EINTR. */
static void kvm_kick_handler(int sig)
{
	(void)sig;
}

static void kvm_vcpu_io(struct kvm_vcpu *c)
{
	struct kvm_run *run  = c->run;
	uint8_t        *data = (uint8_t *)run + run->io.data_offset;
	unsigned        size = run->io.size;

	/* a string instruction (rep outsb) comes as `count` items in a row */
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		uint64_t v = 0;
		if (run->io.direction == KVM_EXIT_IO_OUT) {
			memcpy(&v, data, size);
			if (!bus_write(&c->vm->pio, run->io.port, size, v))
				log_debug("vCPU %u: write %#llx to unused port %#x", c->index,
					  (unsigned long long)v, run->io.port);
		} else {
			if (!bus_read(&c->vm->pio, run->io.port, size, &v))
				v = ~0ull;  /* nothing there: an ISA bus floats high */
			memcpy(data, &v, size);
		}
	}
}

static void kvm_vcpu_mmio(struct kvm_vcpu *c)
{
	struct kvm_run *run  = c->run;
	unsigned        size = run->mmio.len;
	uint64_t        v    = 0;

	if (size == 0 || size > 8)
		return;
	if (run->mmio.is_write) {
		memcpy(&v, run->mmio.data, size);
		if (!bus_write(&c->vm->mmio, run->mmio.phys_addr, size, v))
			log_debug("vCPU %u: write to unused MMIO %#llx", c->index,
				  (unsigned long long)run->mmio.phys_addr);
	} else {
		if (!bus_read(&c->vm->mmio, run->mmio.phys_addr, size, &v))
			v = ~0ull;
		memcpy(run->mmio.data, &v, size);
	}
}

/* One exit; 1 to go on, 0 when the VM stopped, -1 with *e on an error. */
static int kvm_vcpu_exit(struct kvm_vcpu *c, struct cerr *e)
{
	struct kvm_run *run = c->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		kvm_vcpu_io(c);
		return 1;
	case KVM_EXIT_MMIO:
		kvm_vcpu_mmio(c);
		return 1;
	case KVM_EXIT_INTR:
		return 1;
	case KVM_EXIT_HLT:
		/* only without an in-kernel irqchip; nothing can wake this vCPU then */
		log_info("vCPU %u halted", c->index);
		kvm_vm_stop(c->vm, 0);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		/* A triple fault: how a PC resets, and Linux's last reboot method. */
		log_info("vCPU %u: triple fault, the machine resets; cella ends", c->index);
		kvm_vm_stop(c->vm, 0);
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		log_info("vCPU %u: system event %u", c->index, run->system_event.type);
		kvm_vm_stop(c->vm, 0);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		return cerr_set(e, 0, "vCPU %u: KVM could not enter the guest (reason %#llx)",
				c->index,
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return cerr_set(e, 0, "vCPU %u: KVM internal error, suberror %u%s", c->index,
				run->internal.suberror,
				run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
					" (instruction emulation failed)" : "");
	default:
		return cerr_set(e, 0, "vCPU %u: unexpected KVM exit reason %u", c->index,
				run->exit_reason);
	}
}

static bool kvm_vm_stopping(struct kvm_vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	bool s = vm->stopping;
	pthread_mutex_unlock(&vm->lock);
	return s;
}

static void *kvm_vcpu_thread(void *arg)
{
	struct kvm_vcpu *c = arg;
	struct cerr      e = { 0 };
	char             name[16];

	snprintf(name, sizeof(name), "vcpu%u", c->index);
	pthread_setname_np(pthread_self(), name);  /* for top -H and debuggers */
	while (!kvm_vm_stopping(c->vm)) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			cerr_set(&e, errno, "vCPU %u: KVM_RUN", c->index);
			kvm_vm_fail(c->vm, &e);
			break;
		}
		c->exits++;
		int rc = kvm_vcpu_exit(c, &e);
		if (rc < 0)
			kvm_vm_fail(c->vm, &e);
		if (rc <= 0)
			break;
	}
	return NULL;
}

int kvm_vm_run(struct kvm_vm *vm, struct cerr *e)
{
	struct sigaction sa = { .sa_handler = kvm_kick_handler };  /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return cerr_set(e, errno, "vCPU kick signal");

	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct kvm_vcpu *c = &vm->vcpu[i];
		pthread_mutex_lock(&vm->lock);
		int rc = pthread_create(&c->thread, NULL, kvm_vcpu_thread, c);
		c->started = rc == 0;
		pthread_mutex_unlock(&vm->lock);
		if (rc) {
			struct cerr err;
			cerr_set(&err, rc, "vCPU %u: start its thread", i);
			kvm_vm_fail(vm, &err);
			break;
		}
	}
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct kvm_vcpu *c = &vm->vcpu[i];
		if (c->started) {
			pthread_join(c->thread, NULL);
			pthread_mutex_lock(&vm->lock);
			c->started = false;
			pthread_mutex_unlock(&vm->lock);
		}
		log_debug("vCPU %u: %llu exits to user space", i, (unsigned long long)c->exits);
	}
	if (vm->failed) {
		*e = vm->err;
		return -1;
	}
	return vm->status;
}
