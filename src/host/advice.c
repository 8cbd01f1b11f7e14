/* Turns the probed facts into a verdict per technique and a recommendation, applying the
 * classic advice: share the kernel when you can (containers), use KVM when the CPU helps,
 * emulate otherwise or for a foreign CPU. */
#include <string.h>

#include "host/host.h"

/* The namespaces a container needs at the least. */
static const char *const container_ns[] = { "mnt", "pid", "uts", "ipc", "net" };

static bool ns_present(const struct host_ns *ns, const char *name)
{
	for (int i = 0; i < HOST_NS_KINDS; i++)
		if (ns->kind[i].name && strcmp(ns->kind[i].name, name) == 0)
			return ns->kind[i].present;
	return false;
}

static void advise_container(struct host_report *r)
{
	struct host_verdict *v = &r->container;

	for (size_t i = 0; i < sizeof(container_ns) / sizeof(container_ns[0]); i++) {
		if (!ns_present(&r->ns, container_ns[i])) {
			snprintf(v->why, sizeof(v->why), "the kernel lacks %s namespaces",
				 container_ns[i]);
			return;
		}
	}
	if (r->cgroup.mode == CGROUP_NONE) {
		snprintf(v->why, sizeof(v->why), "no cgroup hierarchy is mounted");
		return;
	}
	if (!r->root && !r->ns.userns_unprivileged) {
		snprintf(v->why, sizeof(v->why),
			 "not root, and unprivileged user namespaces are off (%s)", r->ns.userns_note);
		return;
	}
	v->usable = true;
	snprintf(v->why, sizeof(v->why),
		 "namespaces, %s seccomp and cgroups %s are available%s",
		 r->seccomp.filter ? "filter-mode" : "no",
		 host_cgroup_mode_name(r->cgroup.mode),
		 r->root ? "" : "; rootless, through a user namespace");
}

static void advise_kvm(struct host_report *r)
{
	struct host_verdict   *v   = &r->kvm_vm;
	const struct host_kvm *kvm = &r->kvm;
	const char            *ext = r->cpu.vmx ? "vmx" : "svm";

	if (strcmp(r->cpu.arch, "x86_64") != 0) {
		snprintf(v->why, sizeof(v->why),
			 "cella's KVM monitor runs x86_64 guests on x86_64 hosts; this host is %s",
			 r->cpu.arch);
		return;
	}
	switch (kvm->backing) {
	case KVM_ABSENT:
		snprintf(v->why, sizeof(v->why),
			 "no /dev/kvm, and the CPU flags show neither vmx nor svm: no hardware "
			 "virtualization here");
		return;
	case KVM_NOT_LOADED:
		if (host_list_has(&kvm->modules, r->cpu.vmx ? "kvm_intel" : "kvm_amd"))
			snprintf(v->why, sizeof(v->why),
				 "the CPU has %s and %s is loaded, but there is no /dev/kvm: pass the "
				 "device in (a container: --device /dev/kvm) or create it (mknod "
				 "/dev/kvm c 10 232)", ext, r->cpu.vmx ? "kvm_intel" : "kvm_amd");
		else
			snprintf(v->why, sizeof(v->why),
				 "the CPU has %s but /dev/kvm is missing: load the module (modprobe %s)",
				 ext, r->cpu.vmx ? "kvm_intel" : "kvm_amd");
		return;
	case KVM_SOFTWARE_PVM:
		snprintf(v->why, sizeof(v->why),
			 "/dev/kvm is software-backed (kvm_pvm, no vmx/svm): a guest that is not "
			 "PVM-aware runs under the host kernel's instruction emulator at a few "
			 "million instructions per second, and a stock Linux kernel does not boot");
		return;
	case KVM_UNKNOWN:
		snprintf(v->why, sizeof(v->why),
			 "/dev/kvm exists but neither vmx/svm nor a known KVM module was found");
		return;
	case KVM_HARDWARE:
		break;
	}
	if (!kvm->chardev) {
		snprintf(v->why, sizeof(v->why), "/dev/kvm is not a character device");
		return;
	}
	if (!kvm->accessible) {
		snprintf(v->why, sizeof(v->why),
			 "hardware-backed KVM (%s), but /dev/kvm (%04o %s:%s) is not open to this "
			 "user: join its group or run as root",
			 ext, kvm->mode, kvm->owner, kvm->group);
		return;
	}
	if (kvm->api_version != 12) {
		snprintf(v->why, sizeof(v->why), "KVM API version %d is not the stable 12 (%s)",
			 kvm->api_version, kvm->api_note[0] ? kvm->api_note : "unexpected");
		return;
	}
	v->usable = true;
	snprintf(v->why, sizeof(v->why),
		 "hardware-backed KVM (%s with %s): x86_64 guests run at near native speed", ext,
		 r->cpu.vmx ? "kvm_intel" : "kvm_amd");
}

void host_advise(struct host_report *r)
{
	advise_container(r);
	advise_kvm(r);
	r->emulation.usable = true;
	snprintf(r->emulation.why, sizeof(r->emulation.why),
		 "riscv64 (RV64GC, QEMU virt board layout) is emulated in software: it needs no "
		 "privilege and no hardware support, at interpreter speed");
	r->recommended = r->kvm_vm.usable ? "kvm" : "emulation";
}
