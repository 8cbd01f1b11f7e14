/* `cella list`: the containers in the state directory. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "container/container.h"

/* --format table|json for list and ps. */
int cli_parse_format(const char *cmd, const char *arg, enum ctr_format *f, struct cerr *e);

int cli_parse_format(const char *cmd, const char *arg, enum ctr_format *f, struct cerr *e)
{
	if (strcmp(arg, "table") == 0)
		*f = CTR_TABLE;
	else if (strcmp(arg, "json") == 0)
		*f = CTR_JSON;
	else
		return cerr_usage(e, "%s: --format must be table or json, not '%s'", cmd, arg);
	return 0;
}

static int list_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet",  no_argument,       NULL, 'q' },
		{ "help",   no_argument,       NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	enum ctr_format    f = CTR_TABLE;
	bool               quiet = false;
	int                c;

	while ((c = getopt_long(argc, argv, ":f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format("list", optarg, &f, e) < 0)
				return -1;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(cmd_list.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "list", c, argv);
		}
	}
	if (optind < argc)
		return cerr_usage(e, "list: unexpected argument '%s'", argv[optind]);
	cli_ctr_globals(g, &cg);
	return ctr_list(&cg, quiet ? CTR_QUIET : f, stdout, e);
}

const struct cli_command cmd_list = {
	.name    = "list",
	.summary = "list containers",
	.usage   = "Usage: cella [GLOBAL] list [--format table|json] [-q]\n\n"
		   "List the containers of the state directory with their status.\n\n"
		   "Options:\n"
		   "  -f, --format F   table (default) or json\n"
		   "  -q, --quiet      only the ids\n"
		   "  -h, --help       show this help\n",
	.run     = list_run,
};
