/* What the parts of the runtime share: container state on disk, cgroups, the rootfs, the
 * process setup that create and exec have in common, seccomp and hooks. */
#ifndef CELLA_CONTAINER_INTERNAL_H
#define CELLA_CONTAINER_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "container/config.h"
#include "container/container.h"

#define CTR_MAX_HIER 16
#define CTR_ID_MAX   256

/* One cgroup per hierarchy the container lives in. */
struct ctr_cgroup_dir {
	char path[PATH_MAX];  /* e.g. /sys/fs/cgroup/memory/cella/ID */
	char mount[PATH_MAX]; /* the hierarchy's mount point */
	char ctrls[128];      /* controllers of the hierarchy, comma-separated; "" for name= */
	bool v2;
	int  created;         /* how many trailing path components we made (removed on delete) */
};

struct ctr_cgroup {
	size_t                n;
	struct ctr_cgroup_dir dir[CTR_MAX_HIER];
};

struct ctr_state {
	char               id[CTR_ID_MAX];
	pid_t              pid;
	unsigned long long starttime;  /* of pid, to notice pid reuse */
	char               bundle[PATH_MAX];
	char               rootfs[PATH_MAX];
	char               created[40];
	/* config.json's annotations as they were at create: compact JSON, or "" when they did
	 * not fit (then read from the bundle when shown) */
	char               annotations[8192];
	struct ctr_cgroup  cg;
};

/* state.c */
int state_dir(const struct ctr_globals *g, char *buf, size_t size, struct cerr *e);
int state_check_id(const char *id, struct cerr *e);
/* Open ROOT/ID and take its lock (flock on the directory); returns the fd. */
int state_lock(const char *root, const char *id, bool create, struct cerr *e);
int state_write(int dirfd, const struct ctr_state *st, struct cerr *e);
int state_read(int dirfd, const char *id, struct ctr_state *st, struct cerr *e);
/* "created", "running", "paused" or "stopped", looked at now. */
const char *state_status(int dirfd, const struct ctr_state *st);
bool state_pid_alive(pid_t pid, unsigned long long starttime);
unsigned long long state_starttime(pid_t pid);
/* Keep the annotations of a parsed config (its json_t) in the state. */
void state_set_annotations(struct ctr_state *st, const void *config_json);
/* The spec's state JSON (for `state` and for hooks' stdin); caller frees. */
char *state_json(const struct ctr_state *st, const char *status);
/* Remove ROOT/ID and what is in it. */
int state_remove(const char *root, const char *id, struct cerr *e);
int write_file_atomic(int dirfd, const char *name, const char *text, struct cerr *e);

/* cgroup.c */
/* Without a cgroupsPath the cgroup is cella/ID, or cella/HASH-ID for a state directory
 * other than the default (scope: that directory, or NULL). */
int cgroup_create(struct ctr_cgroup *cg, const char *cgroups_path, const char *id,
		  const char *scope, bool systemd, struct cerr *e);
int cgroup_apply(const struct ctr_cgroup *cg, const struct oci_resources *r, struct cerr *e);
int cgroup_enter(const struct ctr_cgroup *cg, pid_t pid, struct cerr *e);
/* The calling (single-threaded) process joins its cgroups; v2_done: it was cloned into the
 * v2 one already. */
int cgroup_enter_self(const struct ctr_cgroup *cg, bool v2_done, struct cerr *e);
/* An O_PATH fd of the v2 directory for CLONE_INTO_CGROUP, or -1. */
int cgroup_v2_fd(const struct ctr_cgroup *cg);
/* fork(), or clone with namespaces, and into the v2 cgroup cgfd when >= 0 (*into says
 * whether that happened). */
pid_t ctr_clone(unsigned long flags, int cgfd, bool *into);
/* Kill every process left and remove the directories. */
int cgroup_destroy(const struct ctr_cgroup *cg, struct cerr *e);
int cgroup_pids(const struct ctr_cgroup *cg, pid_t **out, size_t *n, struct cerr *e);
int cgroup_freeze(const struct ctr_cgroup *cg, bool freeze, struct cerr *e);
bool cgroup_frozen(const struct ctr_cgroup *cg);

/* rootfs.c: runs in the container's init, in its new mount namespace. */
struct rootfs_ctx {
	const struct oci_config *cfg;
	const char              *rootfs;    /* absolute, resolved */
	const struct ctr_cgroup *cg;
	bool                     no_pivot;
	bool                     userns;    /* in a new user namespace: bind devices */
	bool                     new_cgroupns;
	bool                     want_console;
	int                      console_fd; /* pty slave to bind on /dev/console, or -1 */
	int                      rootfd;     /* valid during the callbacks */
	/* Called after the mounts, to open the terminal (sets console_fd). */
	int (*make_console)(struct rootfs_ctx *r, struct cerr *e);
	/* Called just before pivot_root (createContainer hooks). */
	int (*before_pivot)(struct rootfs_ctx *r, struct cerr *e);
	void *arg;
};
int rootfs_setup(struct rootfs_ctx *r, struct cerr *e);
int rootfs_finish(struct rootfs_ctx *r, struct cerr *e);  /* after pivot: masks, ro, sysctl */
/* Open path inside root (a dir fd) without leaving it; O_PATH. */
int rootfs_open_in(int rootfd, const char *path, int flags, struct cerr *e);

/* process.c: the last steps before exec, shared by create and exec. */
struct proc_setup {
	const struct oci_process *proc;
	const struct seccomp_prog *seccomp;  /* may be NULL */
	int                       preserve_fds;
};
/* Terminal: connect to the console socket (before leaving the host's mount namespace), create
 * a pty inside the container and send its master there; attach makes the slave our
 * controlling terminal and stdio. */
int console_connect(const char *socket_path, struct cerr *e);
int console_create(int rootfd, int sock, const struct oci_process *p, struct cerr *e);
int console_attach(int slave, struct cerr *e);
/* Find process.args[0] along the PATH of process.env. */
int process_find(const struct oci_process *p, char *out, size_t size, struct cerr *e);
/* chdir, rlimits, user, caps, seccomp, then execve(exe). Returns only on failure. */
int process_exec(const struct proc_setup *s, const char *exe, struct cerr *e);
int process_rlimits(const struct oci_process *p, struct cerr *e);

/* tty.c: a foreground terminal without a console socket. The container's side of the
 * socketpair goes where a console socket would; the master comes back on the other. */
int tty_socketpair(int sv[2], struct cerr *e);
int tty_recv_master(int sock, struct cerr *e);
/* Copy between our stdio and master (raw mode on our terminal, window size and SIGWINCH
 * passed on, our EOF as the terminal's) until pid exits; then reap it into *wstatus. */
int tty_proxy(int master, pid_t pid, int *wstatus, struct cerr *e);

/* seccomp.c: compile (or find in the cache under cache_dir) in the runtime, load in the
 * container's process. */
struct seccomp_prog {
	void    *insns;   /* struct sock_filter[n] */
	size_t   n;
	unsigned flags;   /* SECCOMP_FILTER_FLAG_* */
};
int seccomp_prepare(const struct oci_seccomp *s, const char *cache_dir, struct seccomp_prog *out,
		    struct cerr *e);
int seccomp_load_prog(const struct seccomp_prog *p, struct cerr *e);
void seccomp_prog_free(struct seccomp_prog *p);

/* hooks.c */
int hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state_json,
	      struct cerr *e);

/* lifecycle.c: delete with the config already at hand (NULL: read the bundle's). */
int ctr_delete_with(const struct ctr_globals *g, const char *id, bool force,
		    const struct oci_config *cfg, struct cerr *e);

/* devices_bpf.c: linux.resources.devices (and DEFAULTS, "c 1:3 rwm" lines, allowed unless
 * a rule of the container's says otherwise) as a device program attached to a v2 cgroup. */
int devices_bpf_attach(const char *cgroup_dir, const struct oci_resources *r,
		       const char *const *defaults, size_t n_defaults, struct cerr *e);
/* devices_v1.c: the same policy as devices.deny/devices.allow writes on a v1 hierarchy. */
int devices_v1_apply(const char *cgroup_dir, const struct oci_resources *r,
		     const char *const *defaults, size_t n_defaults, struct cerr *e);

/* sync.c: the little protocol between the runtime and the container's init. */
int sync_send(int fd, char tag, const char *msg);
/* Wait for a message; tag '!' carries an error text, which becomes *e. */
int sync_recv(int fd, char *tag, struct cerr *e);
/* The same, and the text after a non-error tag into MSG (SIZE bytes, NUL-terminated). */
int sync_recv_msg(int fd, char *tag, char *msg, size_t size, struct cerr *e);

#endif
