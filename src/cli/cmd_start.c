/* `cella start`: start a created container. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int start_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	int                c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(cmd_start.usage, stdout);
			return 0;
		}
		return cli_option_error(e, "start", c, argv);
	}
	const char *id = cli_container_id("start", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_start(&cg, id, e);
}

const struct cli_command cmd_start = {
	.name    = "start",
	.summary = "start a created container",
	.usage   = "Usage: cella [GLOBAL] start ID\n\nLet container ID's process run (it waits after create).\n",
	.run     = start_run,
};
