/* `cella resume`: thaw a paused container. */
#include <stdbool.h>

#include "cli/cli.h"
#include "container/container.h"

static int resume_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_globals cg;
	const char        *id;
	int                rc = cli_id_verb(&cmd_resume, g, argc, argv, &cg, &id, e);

	if (rc <= 0)
		return rc;
	return ctr_pause(&cg, id, false, e);
}

const struct cli_command cmd_resume = {
	.name    = "resume",
	.summary = "thaw a paused container",
	.usage   = "Usage: cella [GLOBAL] resume ID\n\nThaw container ID's processes.\n",
	.run     = resume_run,
};
