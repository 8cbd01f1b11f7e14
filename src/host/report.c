/* The host report as text for people and as JSON for scripts (schema in the README). */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "host/host.h"

static void print_list(FILE *f, const struct host_list *l)
{
	if (l->n == 0)
		fputs(" (none)", f);
	for (int i = 0; i < l->n; i++)
		fprintf(f, " %s", l->item[i]);
	fputc('\n', f);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_kvm(FILE *f, const struct host_kvm *kvm)
{
	fprintf(f, "KVM\n");
	if (!kvm->present) {
		fprintf(f, "  /dev/kvm        absent\n");
	} else {
		fprintf(f, "  /dev/kvm        present, %s, mode %04o %s:%s, %s for this user\n",
			kvm->chardev ? "character device" : "NOT a character device", kvm->mode,
			kvm->owner, kvm->group, kvm->accessible ? "read-write" : "not accessible");
		if (kvm->api_version >= 0) {
			fprintf(f, "  API version     %d; extensions:", kvm->api_version);
			print_list(f, &kvm->caps);
		} else {
			fprintf(f, "  API version     unknown (%s)\n", kvm->api_note);
		}
	}
	fprintf(f, "  modules        ");
	print_list(f, &kvm->modules);

	static const char *const what[] = {
		[KVM_ABSENT]       = "no KVM",
		[KVM_HARDWARE]     = "hardware virtualization (vmx/svm)",
		[KVM_SOFTWARE_PVM] = "software (PVM): no vmx/svm, guest code is emulated by the host kernel",
		[KVM_NOT_LOADED]   = "hardware present, KVM module not loaded",
		[KVM_UNKNOWN]      = "unknown",
	};
	fprintf(f, "  backing         %s — %s\n", host_kvm_backing_name(kvm->backing),
		what[kvm->backing]);
	if (kvm->note[0])
		fprintf(f, "  note            %s\n", kvm->note);
}

static void print_verdict(FILE *f, const char *name, const struct host_verdict *v)
{
	fprintf(f, "  %-15s %-3s  %s\n", name, yes_no(v->usable), v->why);
}

void host_print_text(FILE *f, const struct host_report *r)
{
	const struct host_cpu *cpu = &r->cpu;

	fprintf(f, "CPU\n");
	fprintf(f, "  architecture    %s, %d processor%s\n", cpu->arch, cpu->count,
		cpu->count == 1 ? "" : "s");
	fprintf(f, "  vendor          %s%s%s\n", cpu->vendor[0] ? cpu->vendor : "unknown",
		cpu->model[0] ? ", " : "", cpu->model);
	fprintf(f, "  vmx / svm       %s / %s\n", yes_no(cpu->vmx), yes_no(cpu->svm));
	fprintf(f, "  hypervisor      %s\n",
		cpu->hypervisor ? "yes: this machine is itself a guest" : "no");

	print_kvm(f, &r->kvm);

	fprintf(f, "Namespaces\n  available      ");
	for (int i = 0; i < HOST_NS_KINDS; i++)
		if (r->ns.kind[i].present)
			fprintf(f, " %s", r->ns.kind[i].name);
	fprintf(f, "\n  limits         ");
	for (int i = 0; i < HOST_NS_KINDS; i++)
		if (r->ns.kind[i].max >= 0)
			fprintf(f, " %s=%ld", r->ns.kind[i].name, r->ns.kind[i].max);
	fprintf(f, "\n  unprivileged user namespaces: %s\n", r->ns.userns_note);

	fprintf(f, "Seccomp\n  %s", !r->seccomp.supported ? "not supported\n"
				    : r->seccomp.filter     ? "filter mode; actions:"
							    : "strict mode only\n");
	if (r->seccomp.filter)
		print_list(f, &r->seccomp.actions);

	fprintf(f, "cgroups\n  mode            %s\n", host_cgroup_mode_name(r->cgroup.mode));
	if (r->cgroup.v1.n > 0) {
		fprintf(f, "  v1 (%s):", r->cgroup.v1_root);
		print_list(f, &r->cgroup.v1);
	}
	if (r->cgroup.v2_mount[0]) {
		fprintf(f, "  v2 (%s):", r->cgroup.v2_mount);
		print_list(f, &r->cgroup.v2);
	}

	fprintf(f, "\nTechniques (usable here?)\n");
	print_verdict(f, "container", &r->container);
	print_verdict(f, "kvm (x86_64)", &r->kvm_vm);
	print_verdict(f, "emulation", &r->emulation);

	fprintf(f, "\nAdvice\n");
	if (r->container.usable)
		fprintf(f, "  - Linux workloads that can share this kernel: a container, the cheapest.\n");
	if (r->kvm_vm.usable)
		fprintf(f, "  - A whole x86_64 machine with its own kernel: a KVM virtual machine.\n");
	else
		fprintf(f, "  - A whole machine with its own kernel: emulation, since KVM is not "
			   "usable here (%s).\n", host_kvm_backing_name(r->kvm.backing));
	fprintf(f, "  - A foreign CPU (riscv64): emulation.\n");

	fprintf(f, "\nNext\n");
	if (r->kvm_vm.usable)
		fprintf(f, "  %-27s %s\n", "cella vm",
			"boot an x86_64 KVM machine to a shell (its guest: scripts/build-x86-guest)");
	fprintf(f, "  %-27s %s\n", "cella vm --arch riscv64",
		"boot an emulated riscv64 machine to a shell (its guest: scripts/build-riscv-guest)");
	if (r->container.usable)
		fprintf(f, "  %-27s %s\n", "cella spec && cella run ID",
			"run a container from a bundle (cella help run)");
}

static json_t *list_json(const struct host_list *l)
{
	json_t *a = json_array();

	for (int i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->item[i]));
	return a;
}

static json_t *verdict_json(const struct host_verdict *v)
{
	return json_pack("{s:b, s:s}", "usable", v->usable, "why", v->why);
}

static json_t *kvm_json(const struct host_kvm *kvm)
{
	char mode[8];

	snprintf(mode, sizeof(mode), "%04o", kvm->mode);
	return json_pack("{s:s, s:b, s:b, s:s?, s:s?, s:s?, s:b, s:o, s:s?, s:o, s:o, s:s, s:s?}",
			 "device", "/dev/kvm",
			 "present", kvm->present,
			 "chardev", kvm->chardev,
			 "mode", kvm->present ? mode : NULL,
			 "owner", kvm->present ? kvm->owner : NULL,
			 "group", kvm->present ? kvm->group : NULL,
			 "accessible", kvm->accessible,
			 "api_version", kvm->api_version >= 0 ? json_integer(kvm->api_version)
							      : json_null(),
			 "api_note", kvm->api_note[0] ? kvm->api_note : NULL,
			 "extensions", list_json(&kvm->caps),
			 "modules", list_json(&kvm->modules),
			 "backing", host_kvm_backing_name(kvm->backing),
			 "note", kvm->note[0] ? kvm->note : NULL);
}

static json_t *ns_json(const struct host_ns *ns)
{
	json_t *avail = json_array(), *max = json_object();

	for (int i = 0; i < HOST_NS_KINDS; i++) {
		if (ns->kind[i].present)
			json_array_append_new(avail, json_string(ns->kind[i].name));
		if (ns->kind[i].max >= 0)
			json_object_set_new(max, ns->kind[i].name, json_integer(ns->kind[i].max));
	}
	return json_pack("{s:o, s:o, s:{s:b, s:s}}", "available", avail, "max", max,
			 "user", "unprivileged", ns->userns_unprivileged, "note", ns->userns_note);
}

static json_t *cgroup_json(const struct host_cgroup *cg)
{
	json_t *v1 = cg->v1.n ? json_pack("{s:s, s:o}", "root", cg->v1_root, "controllers",
					  list_json(&cg->v1))
			      : json_null();
	json_t *v2 = cg->v2_mount[0] ? json_pack("{s:s, s:o}", "mount", cg->v2_mount,
						 "controllers", list_json(&cg->v2))
				     : json_null();

	return json_pack("{s:s, s:o, s:o}", "mode", host_cgroup_mode_name(cg->mode), "v1", v1,
			 "v2", v2);
}

int host_print_json(FILE *f, const struct host_report *r, struct cerr *e)
{
	const struct host_cpu *cpu = &r->cpu;
	json_t *doc = json_pack(
		"{s:i, s:{s:s, s:s, s:s, s:i, s:b, s:b, s:b}, s:o, s:o, s:{s:b, s:b, s:o}, s:o, s:b,"
		" s:{s:o, s:o, s:o}, s:{s:[s], s:s}, s:s}",
		"schema_version", HOST_JSON_SCHEMA_VERSION,
		"cpu", "arch", cpu->arch, "vendor", cpu->vendor, "model", cpu->model,
		"count", cpu->count, "vmx", cpu->vmx, "svm", cpu->svm, "hypervisor",
		cpu->hypervisor,
		"kvm", kvm_json(&r->kvm),
		"namespaces", ns_json(&r->ns),
		"seccomp", "supported", r->seccomp.supported, "filter", r->seccomp.filter,
		"actions", list_json(&r->seccomp.actions),
		"cgroups", cgroup_json(&r->cgroup),
		"root", r->root,
		"techniques", "container", verdict_json(&r->container), "kvm",
		verdict_json(&r->kvm_vm), "emulation", verdict_json(&r->emulation),
		"guests", "emulated", "riscv64", "kvm", "x86_64",
		"recommended", r->recommended);

	if (!doc)
		return cerr_set(e, ENOMEM, "host: building the JSON report");
	int rc = json_dumpf(doc, f, JSON_INDENT(2)) == 0 ? 0 : -1;
	json_decref(doc);
	if (rc < 0)
		return cerr_set(e, EIO, "host: writing the JSON report");
	fputc('\n', f);
	return 0;
}
