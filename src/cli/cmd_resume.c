/* `cella resume`: thaw a paused container. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int resume_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	int                c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(cmd_resume.usage, stdout);
			return 0;
		}
		return cli_option_error(e, "resume", c, argv);
	}
	const char *id = cli_container_id("resume", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_pause(&cg, id, false, e);
}

const struct cli_command cmd_resume = {
	.name    = "resume",
	.summary = "thaw a paused container",
	.usage   = "Usage: cella [GLOBAL] resume ID\n\nThaw container ID's processes.\n",
	.run     = resume_run,
};
