/* `cella state`: print a container's state as JSON. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int state_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	int                c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(cmd_state.usage, stdout);
			return 0;
		}
		return cli_option_error(e, "state", c, argv);
	}
	const char *id = cli_container_id("state", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_state(&cg, id, stdout, e);
}

const struct cli_command cmd_state = {
	.name    = "state",
	.summary = "print a container's state as JSON",
	.usage   = "Usage: cella [GLOBAL] state ID\n\nPrint the runtime-spec state of container ID: ociVersion, id, status\n(created, running, paused, stopped), pid, bundle.\n",
	.run     = state_run,
};
