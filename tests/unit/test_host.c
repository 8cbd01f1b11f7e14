/* Unit tests for the advice in src/host: verdicts derived from facts, without a fixture tree. */
#include <string.h>

#include "check.h"
#include "host/host.h"

/* A host with everything a container needs, x86_64, and the given KVM state. */
static void base_report(struct host_report *r, enum kvm_backing backing)
{
	static const char *const kinds[HOST_NS_KINDS] = { "cgroup", "ipc", "mnt", "net",
							  "pid",    "time", "user", "uts" };

	memset(r, 0, sizeof(*r));
	snprintf(r->cpu.arch, sizeof(r->cpu.arch), "x86_64");
	for (int i = 0; i < HOST_NS_KINDS; i++) {
		r->ns.kind[i].name    = kinds[i];
		r->ns.kind[i].present = true;
		r->ns.kind[i].max     = 1000;
	}
	r->ns.userns_unprivileged = true;
	r->seccomp.supported = r->seccomp.filter = true;
	r->cgroup.mode = CGROUP_V2;
	r->root        = true;
	r->kvm.backing = backing;
	r->kvm.present = backing != KVM_ABSENT && backing != KVM_NOT_LOADED;
	r->kvm.chardev = r->kvm.accessible = r->kvm.present;
	r->kvm.api_version = r->kvm.present ? 12 : -1;
}

static void hardware_kvm_is_recommended(void)
{
	struct host_report r;

	base_report(&r, KVM_HARDWARE);
	r.cpu.vmx = true;
	host_advise(&r);
	CHECK(r.kvm_vm.usable);
	CHECK_STR(r.recommended, "kvm");
	CHECK(strstr(r.kvm_vm.why, "kvm_intel") != NULL);
	CHECK(r.container.usable);
}

static void pvm_kvm_is_not_usable_and_says_why(void)
{
	struct host_report r;

	base_report(&r, KVM_SOFTWARE_PVM);
	host_advise(&r);
	CHECK(!r.kvm_vm.usable);
	CHECK_STR(r.recommended, "emulation");
	CHECK(strstr(r.kvm_vm.why, "software-backed") != NULL);
	CHECK(strstr(r.kvm_vm.why, "stock Linux kernel does not boot") != NULL);
	CHECK(r.emulation.usable);
}

static void inaccessible_kvm_names_mode_and_group(void)
{
	struct host_report r;

	base_report(&r, KVM_HARDWARE);
	r.cpu.svm         = true;
	r.kvm.accessible  = false;
	r.kvm.mode        = 0660;
	snprintf(r.kvm.owner, sizeof(r.kvm.owner), "root");
	snprintf(r.kvm.group, sizeof(r.kvm.group), "kvm");
	host_advise(&r);
	CHECK(!r.kvm_vm.usable);
	CHECK(strstr(r.kvm_vm.why, "0660 root:kvm") != NULL);
}

static void vmx_without_module_says_modprobe(void)
{
	struct host_report r;

	base_report(&r, KVM_NOT_LOADED);
	r.cpu.vmx = true;
	host_advise(&r);
	CHECK(!r.kvm_vm.usable);
	CHECK(strstr(r.kvm_vm.why, "modprobe kvm_intel") != NULL);
}

static void rootless_without_userns_cannot_run_containers(void)
{
	struct host_report r;

	base_report(&r, KVM_ABSENT);
	r.root                   = false;
	r.ns.userns_unprivileged = false;
	snprintf(r.ns.userns_note, sizeof(r.ns.userns_note), "user.max_user_namespaces is 0");
	host_advise(&r);
	CHECK(!r.container.usable);
	CHECK(strstr(r.container.why, "max_user_namespaces") != NULL);
	r.root = true;
	host_advise(&r);
	CHECK(r.container.usable);
}

static void foreign_host_arch_cannot_run_x86_guests(void)
{
	struct host_report r;

	base_report(&r, KVM_HARDWARE);
	snprintf(r.cpu.arch, sizeof(r.cpu.arch), "aarch64");
	host_advise(&r);
	CHECK(!r.kvm_vm.usable);
	CHECK(strstr(r.kvm_vm.why, "aarch64") != NULL);
}

int main(void)
{
	check_suite = "unit/host";
	RUN(hardware_kvm_is_recommended);
	RUN(pvm_kvm_is_not_usable_and_says_why);
	RUN(inaccessible_kvm_names_mode_and_group);
	RUN(vmx_without_module_says_modprobe);
	RUN(rootless_without_userns_cannot_run_containers);
	RUN(foreign_host_arch_cannot_run_x86_guests);
	return check_failed_count ? 1 : 0;
}
