/* x86 vCPU setup (see cpu.h). */
#include "kvm/x86/cpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "base/cleanup.h"
#include "kvm/x86/boot.h"

#define CPUID_HYPERVISOR_BIT (1u << 31)  /* leaf 1 ECX: "running under a hypervisor" */
#define CPUID_HTT_BIT        (1u << 28)  /* leaf 1 EDX: several logical CPUs per package */
#define KVM_CPUID_SIG        0x40000000u

static struct kvm_cpuid2 *x86_supported_cpuid(struct kvm_vm *vm, struct cerr *e)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		/* two spare entries in case the hypervisor leaves must be added */
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (n + 2) * sizeof(c->entries[0]));
		if (!c) {
			cerr_set(e, ENOMEM, "CPUID table");
			return NULL;
		}
		c->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		int err = errno;
		free(c);
		if (err != E2BIG) {
			cerr_set(e, err, "KVM_GET_SUPPORTED_CPUID");
			return NULL;
		}
	}
	cerr_set(e, E2BIG, "KVM_GET_SUPPORTED_CPUID");
	return NULL;
}

static struct kvm_cpuid_entry2 *cpuid_leaf(struct kvm_cpuid2 *c, uint32_t fn, bool add)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn)
			return &c->entries[i];
	if (!add)
		return NULL;
	struct kvm_cpuid_entry2 *ent = &c->entries[c->nent++];
	memset(ent, 0, sizeof(*ent));
	ent->function = fn;
	return ent;
}

static int x86_cpu_cpuid(struct kvm_vm *vm, struct kvm_vcpu *c, struct cerr *e)
{
	cleanup_free struct kvm_cpuid2 *cpuid = x86_supported_cpuid(vm, e);
	if (!cpuid)
		return -1;
	uint32_t apic_id = c->index;

	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *ent = &cpuid->entries[i];
		switch (ent->function) {
		case 1:
			ent->ebx = (ent->ebx & 0xffff) | (apic_id << 24) |
				   ((vm->n_vcpus > 255 ? 255 : vm->n_vcpus) << 16);
			ent->ecx |= CPUID_HYPERVISOR_BIT;
			if (vm->n_vcpus > 1)
				ent->edx |= CPUID_HTT_BIT;
			break;
		case 0xb:
		case 0x1f:
			ent->edx = apic_id;  /* the x2APIC ID of this vCPU */
			break;
		}
	}
	/* KVM's signature leaf, so a guest knows its hypervisor (and its paravirt features) */
	struct kvm_cpuid_entry2 *sig = cpuid_leaf(cpuid, KVM_CPUID_SIG, true);
	if (sig->eax < KVM_CPUID_SIG + 1)
		sig->eax = KVM_CPUID_SIG + 1;
	memcpy(&sig->ebx, "KVMK", 4);
	memcpy(&sig->ecx, "VMKV", 4);
	memcpy(&sig->edx, "M\0\0\0", 4);
	cpuid_leaf(cpuid, KVM_CPUID_SIG + 1, true);

	if (ioctl(c->fd, KVM_SET_CPUID2, cpuid) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_CPUID2", c->index);
	return 0;
}

static int x86_cpu_msrs(struct kvm_vcpu *c, struct cerr *e)
{
	static const struct {
		uint32_t index;
		uint64_t value;
	} msrs[] = {
		{ 0x174,      0 },                /* IA32_SYSENTER_CS */
		{ 0x175,      0 },                /* IA32_SYSENTER_ESP */
		{ 0x176,      0 },                /* IA32_SYSENTER_EIP */
		{ 0xc0000081, 0 },                /* STAR */
		{ 0xc0000082, 0 },                /* LSTAR */
		{ 0xc0000083, 0 },                /* CSTAR */
		{ 0xc0000084, 0 },                /* SYSCALL_MASK */
		{ 0xc0000102, 0 },                /* KERNEL_GS_BASE */
		{ 0x10,       0 },                /* IA32_TSC */
		{ 0x1a0,      1 },                /* IA32_MISC_ENABLE: fast strings */
		{ 0x2ff,      (1 << 11) | 6 },    /* MTRRdefType: MTRRs on, write-back */
	};
	enum { N = sizeof(msrs) / sizeof(msrs[0]) };
	struct {
		struct kvm_msrs      hdr;
		struct kvm_msr_entry ent[N];
	} m;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = N;
	for (int i = 0; i < N; i++) {
		m.ent[i].index = msrs[i].index;
		m.ent[i].data  = msrs[i].value;
	}
	int n = ioctl(c->fd, KVM_SET_MSRS, &m);
	if (n < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_MSRS", c->index);
	if (n < N)  /* KVM stops at the first MSR it refuses */
		return cerr_set(e, EINVAL, "vCPU %u: KVM refused MSR %#x", c->index,
				msrs[n].index);
	return 0;
}

static int x86_cpu_fpu(struct kvm_vcpu *c, struct cerr *e)
{
	struct kvm_fpu fpu = {
		.fcw   = 0x37f,   /* the FNINIT state: all exceptions masked, extended precision */
		.mxcsr = 0x1f80,  /* SSE exceptions masked */
	};

	if (ioctl(c->fd, KVM_SET_FPU, &fpu) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_FPU", c->index);
	return 0;
}

/* LINT0 receives the 8259's interrupts (ExtINT), LINT1 NMIs: what a PC's firmware leaves and
 * what Linux expects in virtual-wire mode. */
static int x86_cpu_lapic(struct kvm_vcpu *c, struct cerr *e)
{
	struct kvm_lapic_state l;

	if (ioctl(c->fd, KVM_GET_LAPIC, &l) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_GET_LAPIC", c->index);
	uint32_t lvt0 = 0x700, lvt1 = 0x400;  /* delivery modes ExtINT and NMI, unmasked */
	uint32_t old;
	memcpy(&old, l.regs + 0x350, 4);
	lvt0 |= old & ~0x1c7ffu;
	memcpy(l.regs + 0x350, &lvt0, 4);
	memcpy(&old, l.regs + 0x360, 4);
	lvt1 |= old & ~0x1c7ffu;
	memcpy(l.regs + 0x360, &lvt1, 4);
	if (ioctl(c->fd, KVM_SET_LAPIC, &l) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_LAPIC", c->index);
	return 0;
}

int x86_cpu_init(struct kvm_vm *vm, struct kvm_vcpu *c, struct cerr *e)
{
	if (x86_cpu_cpuid(vm, c, e) < 0 || x86_cpu_msrs(c, e) < 0 || x86_cpu_fpu(c, e) < 0 ||
	    x86_cpu_lapic(c, e) < 0)
		return -1;
	return 0;
}

/* The processor state an entry point expects: flat code and data segments, the control
 * registers, and the TSS limit (the boot GDT at BOOT_GDT has all three descriptors). */
struct x86_entry_mode {
	struct kvm_segment code, data;
	uint32_t           tss_limit;
	uint64_t           cr0, cr3, cr4, efer;
};

static int x86_cpu_enter(struct kvm_vcpu *c, const struct x86_entry_mode *m,
			 const struct kvm_regs *r, struct cerr *e)
{
	struct kvm_sregs s;

	if (ioctl(c->fd, KVM_GET_SREGS, &s) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_GET_SREGS", c->index);
	s.cs = m->code;
	s.ds = s.es = s.fs = s.gs = s.ss = m->data;
	s.tr = (struct kvm_segment){
		.base = 0, .limit = m->tss_limit, .selector = BOOT_TSS, .type = 0xb, .present = 1,
	};
	s.gdt.base  = BOOT_GDT;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base  = 0;
	s.idt.limit = 0;
	s.cr0  = m->cr0;
	s.cr3  = m->cr3;
	s.cr4  = m->cr4;
	s.efer = m->efer;
	if (ioctl(c->fd, KVM_SET_SREGS, &s) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_SREGS", c->index);
	if (ioctl(c->fd, KVM_SET_REGS, r) < 0)
		return cerr_set(e, errno, "vCPU %u: KVM_SET_REGS", c->index);
	return 0;
}

int x86_cpu_boot_regs(struct kvm_vcpu *c, uint64_t entry, uint64_t boot_params, struct cerr *e)
{
	static const struct x86_entry_mode long_mode = {
		.code = { .base = 0, .limit = 0xffffffff, .selector = BOOT_CS, .type = 0xb,
			  .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1 },
		.data = { .base = 0, .limit = 0xffffffff, .selector = BOOT_DS, .type = 0x3,
			  .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 },
		.tss_limit = 0xfff,
		.cr0  = 0x80000033,  /* PG, NE, ET, MP, PE */
		.cr3  = BOOT_PML4,
		.cr4  = 0x20,        /* PAE */
		.efer = 0x500,       /* LMA, LME: long mode active */
	};
	struct kvm_regs r = {
		.rflags = 0x2,    /* the always-one bit; interrupts off */
		.rip    = entry,
		.rsi    = boot_params,
		.rsp    = BOOT_STACK_TOP,
	};
	return x86_cpu_enter(c, &long_mode, &r, e);
}

int x86_cpu_pvh_regs(struct kvm_vcpu *c, uint64_t entry, uint64_t start_info, struct cerr *e)
{
	static const struct x86_entry_mode protected_mode = {
		.code = { .base = 0, .limit = 0xffffffff, .selector = BOOT_CS32, .type = 0xb,
			  .present = 1, .db = 1, .s = 1, .g = 1 },
		.data = { .base = 0, .limit = 0xffffffff, .selector = BOOT_DS, .type = 0x3,
			  .present = 1, .db = 1, .s = 1, .g = 1 },
		.tss_limit = 0x67,
		.cr0 = 0x11,  /* PE, ET: protected mode without paging */
	};
	struct kvm_regs r = { .rflags = 0x2, .rip = entry, .rbx = start_info };
	return x86_cpu_enter(c, &protected_mode, &r, e);
}
