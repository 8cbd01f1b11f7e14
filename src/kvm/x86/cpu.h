/* x86 vCPU state for a directly booted 64-bit kernel: CPUID (KVM's supported set, the KVM
 * hypervisor leaf, per-vCPU APIC IDs), MSRs, FPU, local APIC LINT pins, and for the boot CPU
 * the long-mode registers of the Linux 64-bit boot protocol. */
#ifndef CELLA_KVM_X86_CPU_H
#define CELLA_KVM_X86_CPU_H

#include <stdint.h>

#include "base/error.h"
#include "kvm/kvm.h"

/* Everything every vCPU needs (APs then wait for INIT/SIPI in the in-kernel LAPIC). */
int x86_cpu_init(struct kvm_vm *vm, struct kvm_vcpu *c, struct cerr *e);

/* The boot CPU's registers: 64-bit mode, paging on, rip = entry, rsi = boot_params. */
int x86_cpu_boot_regs(struct kvm_vcpu *c, uint64_t entry, uint64_t boot_params,
		      struct cerr *e);

/* The boot CPU's registers for the PVH entry: 32-bit protected mode, paging off, flat
 * segments, rip = entry, rbx = hvm_start_info. */
int x86_cpu_pvh_regs(struct kvm_vcpu *c, uint64_t entry, uint64_t start_info, struct cerr *e);

#endif
