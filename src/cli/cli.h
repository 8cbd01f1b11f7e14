/* The command line: a table of commands, each in its own cmd_<name>.c, which only parse their
 * options and call the library. Errors come back as struct cerr; cli_main prints them. */
#ifndef CELLA_CLI_CLI_H
#define CELLA_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

/* Options given before the command name (runc puts its global options there too). */
struct cli_globals {
	bool        debug;
	const char *root;           /* --root: the container runtime's state directory */
	const char *log_file;       /* --log */
	bool        log_json;       /* --log-format json */
	bool        systemd_cgroup; /* --systemd-cgroup (accepted; cgroupfs is used) */
};

struct cli_command {
	const char *name;
	const char *summary; /* one line for `cella --help` */
	const char *usage;   /* the whole help text for `cella help NAME` */
	/* 0 or a positive exit status (a guest's), or -1 with *e set */
	int (*run)(const struct cli_globals *g, int argc, char **argv, struct cerr *e);
};

int cli_main(int argc, char **argv);

/* Look a command up by name; NULL when there is none. */
const struct cli_command *cli_find(const char *name);

/* Turn a getopt_long failure (c is '?' or ':') into a usage error naming the option, after
 * "cmd: " (none when cmd is NULL: cella's own global options). */
int cli_option_error(struct cerr *e, const char *cmd, int c, char **argv);

/* Print the list of commands (for `cella --help`). */
void cli_print_usage(FILE *f);

/* The commands, each defined in its own file. */
extern const struct cli_command cmd_help;
extern const struct cli_command cmd_host;
extern const struct cli_command cmd_vm;
/* The OCI runtime (runc's command line). */
extern const struct cli_command cmd_create;
extern const struct cli_command cmd_start;
extern const struct cli_command cmd_state;
extern const struct cli_command cmd_kill;
extern const struct cli_command cmd_delete;
extern const struct cli_command cmd_run;
extern const struct cli_command cmd_list;
extern const struct cli_command cmd_exec;
extern const struct cli_command cmd_ps;
extern const struct cli_command cmd_pause;
extern const struct cli_command cmd_resume;
extern const struct cli_command cmd_update;
extern const struct cli_command cmd_features;
extern const struct cli_command cmd_spec;

/* Shared by the runtime verbs: exactly one container id after the options. */
const char *cli_container_id(const char *cmd, int argc, char **argv, struct cerr *e);
struct ctr_globals;
void cli_ctr_globals(const struct cli_globals *g, struct ctr_globals *out);

/* A verb whose only argument is the container id (start, state, pause, resume): handles
 * --help and option errors, fills *cg and *id. 1: go on; 0: help was printed; -1: *e set. */
int cli_id_verb(const struct cli_command *cmd, const struct cli_globals *g, int argc, char **argv,
		struct ctr_globals *cg, const char **id, struct cerr *e);

#endif
