/* `cella pause`: freeze every process of a container. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int pause_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	int                c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(cmd_pause.usage, stdout);
			return 0;
		}
		return cli_option_error(e, "pause", c, argv);
	}
	const char *id = cli_container_id("pause", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_pause(&cg, id, true, e);
}

const struct cli_command cmd_pause = {
	.name    = "pause",
	.summary = "freeze every process of a container",
	.usage   = "Usage: cella [GLOBAL] pause ID\n\nFreeze container ID's processes (cgroup v1 freezer or cgroup.freeze on v2).\n",
	.run     = pause_run,
};
