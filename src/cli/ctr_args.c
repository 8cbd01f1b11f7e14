/* Argument helpers shared by the container runtime's verbs (runc's command line). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

const char *cli_container_id(const char *cmd, int argc, char **argv, struct cerr *e)
{
	extern int optind;

	if (optind >= argc) {
		cerr_usage(e, "%s: a container id is required", cmd);
		return NULL;
	}
	if (optind + 1 < argc) {
		cerr_usage(e, "%s: unexpected argument '%s'", cmd, argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

void cli_ctr_globals(const struct cli_globals *g, struct ctr_globals *out)
{
	out->root           = g->root;
	out->systemd_cgroup = g->systemd_cgroup;
}

int cli_id_verb(const struct cli_command *cmd, const struct cli_globals *g, int argc, char **argv,
		struct ctr_globals *cg, const char **id, struct cerr *e)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(cmd->usage, stdout);
			return 0;
		}
		return cli_option_error(e, cmd->name, c, argv);
	}
	*id = cli_container_id(cmd->name, argc, argv, e);
	if (!*id)
		return -1;
	cli_ctr_globals(g, cg);
	return 1;
}
