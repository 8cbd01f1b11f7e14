/* `cella start`: start a created container. */
#include "cli/cli.h"
#include "container/container.h"

static int start_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_globals cg;
	const char        *id;
	int                rc = cli_id_verb(&cmd_start, g, argc, argv, &cg, &id, e);

	if (rc <= 0)
		return rc;
	return ctr_start(&cg, id, e);
}

const struct cli_command cmd_start = {
	.name    = "start",
	.summary = "start a created container",
	.usage   = "Usage: cella [GLOBAL] start ID\n\nLet container ID's process run (it waits after create).\n",
	.run     = start_run,
};
