/* The OCI runtime's operations, one per runc verb. The CLI parses options into these structs
 * and calls one function; everything else lives in src/container/. */
#ifndef CELLA_CONTAINER_CONTAINER_H
#define CELLA_CONTAINER_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

/* Options given before the verb. */
struct ctr_globals {
	const char *root;          /* state directory; NULL: the default */
	bool        systemd_cgroup;
};

struct ctr_create_opts {
	const char *bundle;        /* default "." */
	const char *pid_file;
	const char *console_socket;
	bool        no_pivot;
	int         preserve_fds;
	bool        detach;        /* run only */
	bool        keep;          /* run only: do not delete after exit */
};

struct ctr_exec_opts {
	const char  *process_json; /* -p FILE */
	char       **args;         /* or the command line */
	int          n_args;
	bool         tty, detach, no_new_privs;
	const char  *cwd, *user, *pid_file, *console_socket;
	const char **env;
	int          n_env;
	const char **caps;
	int          n_caps;
	int          preserve_fds;
};

enum ctr_format { CTR_TABLE, CTR_JSON, CTR_QUIET };

/* Each returns 0 (or a positive exit status for run/exec) or -1 with *e set. */
int ctr_create(const struct ctr_globals *g, const char *id, const struct ctr_create_opts *o,
	       struct cerr *e);
int ctr_start(const struct ctr_globals *g, const char *id, struct cerr *e);
int ctr_run(const struct ctr_globals *g, const char *id, const struct ctr_create_opts *o,
	    struct cerr *e);
int ctr_state(const struct ctr_globals *g, const char *id, FILE *out, struct cerr *e);
int ctr_kill(const struct ctr_globals *g, const char *id, int sig, bool all, struct cerr *e);
int ctr_delete(const struct ctr_globals *g, const char *id, bool force, struct cerr *e);
int ctr_list(const struct ctr_globals *g, enum ctr_format f, FILE *out, struct cerr *e);
int ctr_ps(const struct ctr_globals *g, const char *id, enum ctr_format f, FILE *out,
	   struct cerr *e);
int ctr_pause(const struct ctr_globals *g, const char *id, bool pause, struct cerr *e);
int ctr_exec(const struct ctr_globals *g, const char *id, const struct ctr_exec_opts *o,
	     struct cerr *e);

/* update: a resources.json file (NULL: none) and/or single values. */
struct ctr_update_opts {
	const char *resources_file;
	const char *memory, *memory_reservation, *memory_swap, *cpu_shares, *cpu_quota,
		*cpu_period, *cpuset_cpus, *cpuset_mems, *pids_limit, *blkio_weight;
};
int ctr_update(const struct ctr_globals *g, const char *id, const struct ctr_update_opts *o,
	       struct cerr *e);

/* spec: write a default config.json into dir. */
int ctr_spec(const char *dir, bool rootless, struct cerr *e);
/* features: the runtime-spec features document. */
int ctr_features(FILE *out, struct cerr *e);

/* Re-exec the runtime from a sealed memfd copy of its binary unless it already runs from
 * one (argv: the whole command line). Returns only on failure. Verbs that put a runtime
 * process into a container (create, run, exec) call this first. */
int ctr_seal_self(char **argv, struct cerr *e);

/* "TERM", "SIGTERM", "15" → 15; -1 unknown. */
int ctr_signal_from_name(const char *name);

#endif
