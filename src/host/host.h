/* `cella host`: what this machine can run. Detection reads /proc, /sys and /dev through a root
 * prefix ("" for the live system) so tests can feed it fixture trees; the report is plain data
 * that report.c prints as text or JSON. */
#ifndef CELLA_HOST_HOST_H
#define CELLA_HOST_HOST_H

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"

#define HOST_NAME_LEN 128
#define HOST_LIST_MAX 32

/* A short list of names (controllers, modules, seccomp actions). */
struct host_list {
	int  n;
	char item[HOST_LIST_MAX][32];
};

struct host_cpu {
	char arch[32];                /* uname machine: x86_64, aarch64, ... */
	char vendor[HOST_NAME_LEN];   /* GenuineIntel, AuthenticAMD, ... */
	char model[HOST_NAME_LEN];
	int  count;                   /* processors listed in /proc/cpuinfo */
	bool vmx, svm;                /* hardware virtualization extensions */
	bool hypervisor;              /* this machine is itself a guest */
};

enum kvm_backing {
	KVM_ABSENT,        /* no /dev/kvm */
	KVM_HARDWARE,      /* kvm_intel with vmx, or kvm_amd with svm */
	KVM_SOFTWARE_PVM,  /* kvm_pvm without vmx/svm: every guest instruction is emulated */
	KVM_NOT_LOADED,    /* vmx/svm present, /dev/kvm missing: the module is not loaded */
	KVM_UNKNOWN,       /* /dev/kvm present but no vendor module we know */
};

struct host_kvm {
	bool             present;      /* /dev/kvm exists */
	bool             chardev;      /* and is a character device */
	unsigned         mode;         /* permission bits */
	char             owner[64], group[64];
	bool             accessible;   /* this user can open it read-write */
	int              api_version;  /* KVM_GET_API_VERSION, -1 if unknown */
	char             api_note[128];/* why api_version is unknown */
	struct host_list modules;      /* kvm modules present under /sys/module */
	struct host_list caps;         /* extensions the monitor uses that KVM offers */
	enum kvm_backing backing;
	char             note[200];    /* what an odd combination means, "" when nothing is odd */
};

#define HOST_NS_KINDS 8

struct host_ns {
	struct {
		const char *name;          /* as in /proc/self/ns: cgroup, ipc, mnt, ... */
		bool        present;
		long        max;           /* /proc/sys/user/max_<name>_namespaces, -1 unknown */
	} kind[HOST_NS_KINDS];
	bool userns_unprivileged;      /* an unprivileged user may create a user namespace */
	char userns_note[160];         /* why not, or which setting allows it */
};

struct host_seccomp {
	bool             supported;    /* the kernel has seccomp (Seccomp: in /proc/self/status) */
	bool             filter;       /* and filter mode (actions_avail exists) */
	struct host_list actions;
};

enum cgroup_mode { CGROUP_NONE, CGROUP_V1, CGROUP_V2, CGROUP_HYBRID };

struct host_cgroup {
	enum cgroup_mode mode;
	char             v1_root[PATH_MAX];  /* where the v1 hierarchies hang, e.g. /sys/fs/cgroup */
	struct host_list v1;                 /* controllers bound to v1 hierarchies */
	char             v2_mount[PATH_MAX]; /* where cgroup2 is mounted, "" if not */
	struct host_list v2;                 /* controllers in the v2 root's cgroup.controllers */
};

/* Whether a technique can run here, and one sentence saying why. */
struct host_verdict {
	bool usable;
	char why[320];
};

struct host_report {
	struct host_cpu     cpu;
	struct host_kvm     kvm;
	struct host_ns      ns;
	struct host_seccomp seccomp;
	struct host_cgroup  cgroup;
	bool                root;          /* running as uid 0 */
	struct host_verdict container, kvm_vm, emulation;
	const char         *recommended;   /* "container", "kvm" or "emulation" for a full guest */
};

/* Fill *r from the system under prefix ("" or NULL for the live one). Missing files are facts
 * (a feature is absent), not errors; only an unusable prefix fails. */
int host_probe(const char *prefix, struct host_report *r, struct cerr *e);

/* The parts, each in its own file. */
void host_probe_cpu(const char *prefix, struct host_cpu *cpu);
void host_probe_kvm(const char *prefix, const struct host_cpu *cpu, struct host_kvm *kvm);
void host_probe_ns(const char *prefix, struct host_ns *ns);
void host_probe_seccomp(const char *prefix, struct host_seccomp *sc);
void host_probe_cgroup(const char *prefix, struct host_cgroup *cg);
void host_advise(struct host_report *r);

/* Join prefix and an absolute path into buf. */
const char *host_path(char *buf, size_t size, const char *prefix, const char *path);
bool host_list_has(const struct host_list *l, const char *name);
void host_list_add(struct host_list *l, const char *name);

const char *host_kvm_backing_name(enum kvm_backing b);
const char *host_cgroup_mode_name(enum cgroup_mode m);

/* Output. The JSON document's "schema_version": raised when a key changes meaning or goes
 * away; keys may be added without raising it. */
#define HOST_JSON_SCHEMA_VERSION 1

void host_print_text(FILE *f, const struct host_report *r);
/* Print the report as one JSON document; returns -1 with *e set on failure. */
int host_print_json(FILE *f, const struct host_report *r, struct cerr *e);

#endif
