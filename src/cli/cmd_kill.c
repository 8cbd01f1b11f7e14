/* `cella kill`: send a signal to a container's init (or, with --all, to every process). */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int kill_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "all",  no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ctr_globals cg;
	bool               all = false;
	int                c, sig = 15;

	while ((c = getopt_long(argc, argv, ":ah", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(cmd_kill.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "kill", c, argv);
		}
	}
	if (optind >= argc)
		return cerr_usage(e, "kill: a container id is required");
	if (optind + 2 < argc)
		return cerr_usage(e, "kill: unexpected argument '%s'", argv[optind + 2]);
	if (optind + 1 < argc) {
		sig = ctr_signal_from_name(argv[optind + 1]);
		if (sig < 0)
			return cerr_usage(e, "kill: unknown signal '%s'", argv[optind + 1]);
	}
	cli_ctr_globals(g, &cg);
	return ctr_kill(&cg, argv[optind], sig, all, e);
}

const struct cli_command cmd_kill = {
	.name    = "kill",
	.summary = "send a signal to a container",
	.usage   = "Usage: cella [GLOBAL] kill [--all] ID [SIGNAL]\n\n"
		   "Send SIGNAL (a name like TERM or SIGKILL, or a number; default TERM) to\n"
		   "container ID's init process.\n\n"
		   "Options:\n"
		   "  -a, --all    signal every process of the container\n"
		   "  -h, --help   show this help\n",
	.run     = kill_run,
};
