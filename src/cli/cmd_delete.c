/* `cella delete`: remove a stopped (or, with --force, any) container and its cgroups. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int delete_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help",  no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	bool               force = false;
	int                c;

	while ((c = getopt_long(argc, argv, ":fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(cmd_delete.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "delete", c, argv);
		}
	}
	const char *id = cli_container_id("delete", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_delete(&cg, id, force, e);
}

const struct cli_command cmd_delete = {
	.name    = "delete",
	.summary = "delete a container",
	.usage   = "Usage: cella [GLOBAL] delete [--force] ID\n\n"
		   "Remove container ID: its state, its cgroups, and (poststop) hooks run. A\n"
		   "running container needs --force, which kills it first.\n\n"
		   "Options:\n"
		   "  -f, --force  kill the container if it still runs\n"
		   "  -h, --help   show this help\n",
	.run     = delete_run,
};
