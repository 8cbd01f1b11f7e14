/* `features`: what this runtime supports, as the runtime-spec's features.md describes. */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "container/internal.h"

#define STRS(...) strs((const char *const[]){ __VA_ARGS__, NULL })

static json_t *strs(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

int ctr_features(FILE *out, struct cerr *e)
{
	json_t *caps = json_array();

	for (int i = 0; oci_cap_name(i); i++)
		json_array_append_new(caps, json_string(oci_cap_name(i)));
	json_t *seccomp = json_pack(
		"{s:b, s:o, s:o, s:o, s:o}", "enabled", 1,
		"actions", STRS("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
				"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
				"SCMP_ACT_TRACE", "SCMP_ACT_TRAP"),
		"operators", STRS("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
				  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"),
		"archs", STRS("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE",
			      "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86",
			      "SCMP_ARCH_X86_64"),
		"knownFlags", STRS("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
				   "SECCOMP_FILTER_FLAG_TSYNC"));
	json_t *lin = json_pack(
		"{s:o, s:o, s:{s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}}",
		"namespaces", STRS("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"),
		"capabilities", caps,
		"cgroup", "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0,
		"seccomp", seccomp, "apparmor", "enabled", 0, "selinux", "enabled", 0);
	json_t *doc = json_pack(
		"{s:s, s:s, s:o, s:o, s:o}", "ociVersionMin", "1.0.0", "ociVersionMax", "1.1.0",
		"hooks", STRS("prestart", "createRuntime", "createContainer", "startContainer",
			      "poststart", "poststop"),
		"mountOptions", STRS("async", "atime", "bind", "dev", "diratime", "dirsync", "exec",
				     "mand", "noatime", "nodev", "nodiratime", "noexec", "nomand",
				     "norelatime", "nostrictatime", "nosuid", "private", "rbind",
				     "relatime", "remount", "ro", "rprivate", "rshared", "rslave",
				     "runbindable", "rw", "shared", "slave", "strictatime", "suid",
				     "sync", "unbindable"),
		"linux", lin);
	if (!doc)
		return cerr_set(e, EINVAL, "features: build the document");
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (!text)
		return cerr_set(e, ENOMEM, "features");
	fprintf(out, "%s\n", text);
	free(text);
	return 0;
}
