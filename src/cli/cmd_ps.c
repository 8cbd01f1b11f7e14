/* `cella ps`: the processes of a container. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

int cli_parse_format(const char *cmd, const char *arg, enum ctr_format *f, struct cerr *e);

static int ps_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help",   no_argument,       NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	enum ctr_format    f = CTR_TABLE;
	int                c;

	while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format("ps", optarg, &f, e) < 0)
				return -1;
			break;
		case 'h':
			fputs(cmd_ps.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "ps", c, argv);
		}
	}
	if (optind >= argc)
		return cerr_usage(e, "ps: a container id is required");
	cli_ctr_globals(g, &cg);
	return ctr_ps(&cg, argv[optind], f, stdout, e);
}

const struct cli_command cmd_ps = {
	.name    = "ps",
	.summary = "list the processes of a container",
	.usage   = "Usage: cella [GLOBAL] ps [--format table|json] ID\n\n"
		   "List container ID's processes (host pids): a table of pid and command, or a\n"
		   "JSON array of pids.\n\n"
		   "Options:\n"
		   "  -f, --format F   table (default) or json\n"
		   "  -h, --help       show this help\n",
	.run     = ps_run,
};
