/* The OCI runtime-spec config.json as a C struct. Parsing checks every field's type and
 * reports the JSON path of the first wrong one; unknown fields are ignored. Strings point into
 * the parsed JSON document, which the config keeps alive until oci_config_free(). */
#ifndef CELLA_CONTAINER_CONFIG_H
#define CELLA_CONTAINER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

struct oci_rlimit {
	int      resource;     /* RLIMIT_* */
	const char *type;      /* "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

/* Capability sets as bit masks (bit n = capability n). */
struct oci_caps {
	bool     present;       /* process.capabilities given at all */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_user {
	uid_t  uid;
	gid_t  gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	bool   has_umask;
	mode_t umask;
};

struct oci_process {
	bool               terminal;
	unsigned           console_height, console_width;
	struct oci_user    user;
	const char       **args;    /* NULL-terminated */
	size_t             n_args;
	const char       **env;     /* NULL-terminated */
	size_t             n_env;
	const char        *cwd;
	struct oci_caps    caps;
	struct oci_rlimit *rlimits;
	size_t             n_rlimits;
	bool               no_new_privileges;
	bool               has_oom_score_adj;
	int                oom_score_adj;
	const char        *apparmor_profile;
	const char        *selinux_label;
};

struct oci_mount {
	const char *destination;
	const char *type;       /* may be NULL: a bind when options say so */
	const char *source;
	unsigned long flags;    /* MS_* set by options */
	unsigned long clear;    /* MS_* cleared by options (rw, suid, ...) */
	unsigned long propagation; /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC) */
	char       *data;       /* the options the kernel takes as data: size=, mode=, ... */
	bool        bind;
};

struct oci_hook {
	const char  *path;
	const char **args;     /* NULL-terminated, may be NULL */
	const char **env;      /* NULL-terminated, may be NULL */
	int          timeout;  /* seconds, 0 = none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART, OCI_HOOK_CREATE_RUNTIME, OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER, OCI_HOOK_POSTSTART, OCI_HOOK_POSTSTOP, OCI_HOOK_KINDS,
};

struct oci_hooks {
	struct oci_hook *list[OCI_HOOK_KINDS];
	size_t           n[OCI_HOOK_KINDS];
};

struct oci_namespace {
	int         type;   /* CLONE_NEW* */
	const char *path;   /* join this one; NULL: create a new one */
};

struct oci_idmap {
	uint32_t container_id, host_id, size;
};

struct oci_device {
	const char *path;
	char        type;   /* 'c', 'b', 'u', 'p' */
	int64_t     major, minor;
	bool        has_mode, has_uid, has_gid;
	mode_t      file_mode;
	uid_t       uid;
	gid_t       gid;
};

struct oci_dev_rule {
	bool        allow;
	char        type;        /* 'a', 'c', 'b' */
	int64_t     major, minor; /* -1 = any */
	const char *access;      /* "rwm" */
};

struct oci_weight_dev {
	int64_t major, minor;
	bool    has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct oci_throttle_dev {
	int64_t  major, minor;
	uint64_t rate;
};

/* Resources: has_* say which were given, so only those are written. */
struct oci_resources {
	bool    present;
	struct oci_dev_rule *devices;
	size_t  n_devices;
	/* memory */
	bool    has_mem_limit, has_mem_reservation, has_mem_swap, has_mem_swappiness;
	bool    has_mem_kernel, has_mem_kernel_tcp, has_disable_oom_killer;
	int64_t mem_limit, mem_reservation, mem_swap, mem_kernel, mem_kernel_tcp;
	uint64_t mem_swappiness;
	bool    disable_oom_killer;
	/* cpu */
	bool    has_cpu_shares, has_cpu_quota, has_cpu_period, has_cpu_rt_runtime, has_cpu_rt_period;
	uint64_t cpu_shares, cpu_period, cpu_rt_period;
	int64_t cpu_quota, cpu_rt_runtime;
	const char *cpu_cpus, *cpu_mems;
	/* pids */
	bool    has_pids_limit;
	int64_t pids_limit;
	/* blockIO */
	bool    has_blkio_weight, has_blkio_leaf_weight;
	uint16_t blkio_weight, blkio_leaf_weight;
	struct oci_weight_dev   *blkio_weight_dev;
	size_t                   n_blkio_weight_dev;
	struct oci_throttle_dev *blkio_throttle[4]; /* read bps, write bps, read iops, write iops */
	size_t                   n_blkio_throttle[4];
	/* hugepageLimits and unified (cgroup v2 key/values) */
	const char **unified_keys, **unified_values;
	size_t       n_unified;
};

struct oci_seccomp_arg {
	unsigned index;
	uint64_t value, value_two;
	int      op;       /* enum scmp_compare */
};

struct oci_seccomp_rule {
	const char            **names;
	size_t                  n_names;
	uint32_t                action;     /* SCMP_ACT_* without errno data */
	bool                    has_errno;
	unsigned                errno_ret;
	struct oci_seccomp_arg *args;
	size_t                  n_args;
};

struct oci_seccomp {
	bool                     present;
	uint32_t                 default_action;
	bool                     has_default_errno;
	unsigned                 default_errno;
	uint32_t                *arches;      /* SCMP_ARCH_* */
	size_t                   n_arches;
	unsigned                 flags;       /* bit 0 TSYNC, 1 LOG, 2 SPEC_ALLOW */
	struct oci_seccomp_rule *rules;
	size_t                   n_rules;
};

struct oci_sysctl {
	const char *key, *value;
};

struct oci_config {
	void              *json;       /* the parsed document (json_t *) */
	const char        *oci_version;
	struct oci_process process;
	bool               has_process;
	const char        *root_path;  /* as written; relative to the bundle */
	bool               root_readonly;
	const char        *hostname, *domainname;
	struct oci_mount  *mounts;
	size_t             n_mounts;
	struct oci_hooks   hooks;
	/* linux */
	struct oci_namespace ns[8];
	size_t               n_ns;
	struct oci_idmap    *uid_map, *gid_map;
	size_t               n_uid_map, n_gid_map;
	struct oci_device   *devices;
	size_t               n_devices;
	const char          *cgroups_path;
	struct oci_resources resources;
	struct oci_sysctl   *sysctl;
	size_t               n_sysctl;
	struct oci_seccomp   seccomp;
	const char         **masked_paths;
	size_t               n_masked_paths;
	const char         **readonly_paths;
	size_t               n_readonly_paths;
	unsigned long        rootfs_propagation; /* MS_* | MS_REC; 0 = default (rslave) */
	bool                 has_personality;
	unsigned long        personality;
	/* linux.timeOffsets: for a new time namespace, written to timens_offsets */
	bool                 has_time_offsets;
	struct oci_time_offset {
		bool    set;
		int64_t secs;
		int64_t nanosecs;
	} monotonic, boottime;
	const char          *mount_label;
	const char          *annotations_json; /* unused, kept for state */
};

/* Parse a config document; `name` prefixes messages ("config.json"). */
int oci_config_parse(struct oci_config *c, const char *text, size_t len, const char *name,
		     struct cerr *e);
/* Read and parse BUNDLE/config.json. */
int oci_config_load(struct oci_config *c, const char *bundle, struct cerr *e);
/* Parse a lone process object (`exec -p process.json`). */
int oci_process_parse(struct oci_process *p, void **json_out, const char *text, size_t len,
		      const char *name, struct cerr *e);
void oci_process_free(struct oci_process *p);
void oci_config_free(struct oci_config *c);
/* Release a document returned by oci_process_parse or oci_resources_parse. */
void oci_json_free(void *json);

/* Lookups shared with the CLI and the spec writer. */
int oci_cap_from_name(const char *name);      /* "CAP_SYS_ADMIN" → 21, -1 unknown */
const char *oci_cap_name(int cap);
int oci_ns_from_name(const char *name);       /* "pid" → CLONE_NEWPID, 0 unknown */
const char *oci_ns_name(int type);
int oci_rlimit_from_name(const char *name);   /* -1 unknown */
/* Parse resources alone (`update -r`); name prefixes messages. */
int oci_resources_parse(struct oci_resources *r, void **json_out, const char *text, size_t len,
			const char *name, struct cerr *e);
void oci_resources_free(struct oci_resources *r);

#endif
