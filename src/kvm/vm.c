/* The VM: opening /dev/kvm, guest RAM as KVM memory slots, vCPU creation, interrupt lines and
 * the shared end-of-run state. The vCPU threads themselves are in vcpu.c. */
#include "kvm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/cleanup.h"

int kvm_vm_open(struct kvm_vm *vm, const char *dev, struct cerr *e)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	if (!dev)
		dev = getenv(KVM_DEVICE_ENV);
	if (!dev || !dev[0])
		dev = KVM_DEVICE_DEFAULT;
	vm->device = dev;

	vm->kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int err = errno;
		cerr_set(e, 0, "open `%s`: %s (KVM is not usable here; `cella host` tells why)",
			 dev, strerror(err));
		e->errnum = err;
		return -1;
	}
	int api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api < 0)
		return cerr_set(e, errno, "`%s`: KVM_GET_API_VERSION (is it a KVM device?)", dev);
	if (api != KVM_API_VERSION)
		return cerr_set(e, 0, "`%s`: KVM API version %d, cella needs %d", dev, api,
				KVM_API_VERSION);
	static const struct {
		long        cap;
		const char *name;
	} needed[] = {
		{ KVM_CAP_USER_MEMORY,    "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IRQCHIP,        "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0)
			return cerr_set(e, 0, "`%s`: the kernel lacks %s", dev, needed[i].name);

	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(struct kvm_run))
		return cerr_set(e, errno, "`%s`: KVM_GET_VCPU_MMAP_SIZE", dev);
	vm->run_size = (size_t)run_size;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return cerr_set(e, errno, "`%s`: KVM_CREATE_VM", dev);
	return 0;
}

int kvm_vm_check_cap(const struct kvm_vm *vm, long cap)
{
	return ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, cap);
}

int kvm_vm_add_ram(struct kvm_vm *vm, uint64_t gpa, uint64_t size, struct cerr *e)
{
	/* Untouched pages cost nothing: the host allocates them when the guest writes. */
	void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return cerr_set(e, errno, "guest RAM: map %llu MiB",
				(unsigned long long)(size >> 20));
	if (guest_mem_add(&vm->mem, gpa, size, host, e) < 0) {
		munmap(host, size);
		return -1;
	}
	struct kvm_userspace_memory_region r = {
		.slot            = vm->n_slots,
		.guest_phys_addr = gpa,
		.memory_size     = size,
		.userspace_addr  = (uintptr_t)host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return cerr_set(e, errno, "guest RAM: KVM_SET_USER_MEMORY_REGION %#llx+%#llx",
				(unsigned long long)gpa, (unsigned long long)size);
	vm->n_slots++;
	return 0;
}

int kvm_vm_create_vcpus(struct kvm_vm *vm, unsigned n, struct cerr *e)
{
	int max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (n > KVM_VM_MAX_VCPUS || (max > 0 && n > (unsigned)max))
		return cerr_set(e, 0, "--smp %u: this KVM allows at most %d vCPUs", n,
				max > 0 && max < KVM_VM_MAX_VCPUS ? max : KVM_VM_MAX_VCPUS);
	for (unsigned i = 0; i < n; i++) {
		struct kvm_vcpu *c = &vm->vcpu[i];
		c->vm    = vm;
		c->index = i;
		c->fd    = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
		if (c->fd < 0)
			return cerr_set(e, errno, "vCPU %u: KVM_CREATE_VCPU", i);
		vm->n_vcpus = i + 1;
		c->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			return cerr_set(e, errno, "vCPU %u: map kvm_run", i);
		}
	}
	return 0;
}

/* Kick every vCPU out of KVM_RUN: immediate_exit covers a thread about to enter it, the
 * signal one already inside. */
static void kvm_vm_kick_all(struct kvm_vm *vm)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		struct kvm_vcpu *c = &vm->vcpu[i];
		if (!c->run)
			continue;
		__atomic_store_n(&c->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		if (c->started && !pthread_equal(c->thread, pthread_self()))
			pthread_kill(c->thread, SIGUSR1);
	}
}

void kvm_vm_stop(struct kvm_vm *vm, int status)
{
	pthread_mutex_lock(&vm->lock);
	bool first = !vm->stopping;
	if (first) {
		vm->stopping = true;
		vm->status   = status;
		kvm_vm_kick_all(vm);
	}
	pthread_mutex_unlock(&vm->lock);
}

void kvm_vm_fail(struct kvm_vm *vm, const struct cerr *err)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->stopping) {
		vm->stopping = true;
		vm->failed   = true;
		vm->err      = *err;
		kvm_vm_kick_all(vm);
	}
	pthread_mutex_unlock(&vm->lock);
}

static void kvm_irq_set(void *opaque, unsigned num, int level)
{
	struct kvm_vm  *vm = opaque;
	struct kvm_irq_level l = { .irq = num, .level = level ? 1 : 0 };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0) {
		struct cerr e;
		cerr_set(&e, errno, "KVM_IRQ_LINE %u", num);
		kvm_vm_fail(vm, &e);
	}
}

struct irq_line kvm_vm_irq_line(struct kvm_vm *vm, unsigned gsi)
{
	return (struct irq_line){ .set = kvm_irq_set, .opaque = vm, .num = gsi };
}

void kvm_vm_close(struct kvm_vm *vm)
{
	for (unsigned i = 0; i < vm->n_vcpus; i++) {
		if (vm->vcpu[i].run)
			munmap(vm->vcpu[i].run, vm->run_size);
		if (vm->vcpu[i].fd >= 0)
			close(vm->vcpu[i].fd);
	}
	vm->n_vcpus = 0;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	for (int i = 0; i < vm->mem.n; i++)
		munmap(vm->mem.region[i].host, vm->mem.region[i].size);
	vm->mem.n = 0;
	pthread_mutex_destroy(&vm->lock);
}
