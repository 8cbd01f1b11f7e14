/* The command line: a table of commands, each in its own cmd_<name>.c, which only parse their
 * options and call the library. Errors come back as struct cerr; cli_main prints them. */
#ifndef CELLA_CLI_CLI_H
#define CELLA_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

/* Options given before the command name (runc puts its global options there too). */
struct cli_globals {
	bool debug;
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

/* Turn a getopt_long failure (c is '?' or ':') into a usage error naming the option. */
int cli_option_error(struct cerr *e, const char *cmd, int c, char **argv);

/* Print the list of commands (for `cella --help`). */
void cli_print_usage(FILE *f);

/* The commands, each defined in its own file. */
extern const struct cli_command cmd_help;
extern const struct cli_command cmd_host;
extern const struct cli_command cmd_vm;

#endif
