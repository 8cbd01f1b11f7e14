/* `cella pause`: freeze every process of a container. */
#include <stdbool.h>

#include "cli/cli.h"
#include "container/container.h"

static int pause_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_globals cg;
	const char        *id;
	int                rc = cli_id_verb(&cmd_pause, g, argc, argv, &cg, &id, e);

	if (rc <= 0)
		return rc;
	return ctr_pause(&cg, id, true, e);
}

const struct cli_command cmd_pause = {
	.name    = "pause",
	.summary = "freeze every process of a container",
	.usage   = "Usage: cella [GLOBAL] pause ID\n\nFreeze container ID's processes (cgroup v1 freezer or cgroup.freeze on v2).\n",
	.run     = pause_run,
};
