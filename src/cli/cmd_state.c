/* `cella state`: print a container's state as JSON. */
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int state_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_globals cg;
	const char        *id;
	int                rc = cli_id_verb(&cmd_state, g, argc, argv, &cg, &id, e);

	if (rc <= 0)
		return rc;
	return ctr_state(&cg, id, stdout, e);
}

const struct cli_command cmd_state = {
	.name    = "state",
	.summary = "print a container's state as JSON",
	.usage   = "Usage: cella [GLOBAL] state ID\n\nPrint the runtime-spec state of container ID: ociVersion, id, status\n(created, running, paused, stopped), pid, bundle.\n",
	.run     = state_run,
};
