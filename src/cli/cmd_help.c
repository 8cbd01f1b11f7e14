/* `cella help [COMMAND]`: the command list, or one command's whole help text. */
#include <stdio.h>

#include "cli/cli.h"

static int help_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	(void)g;
	if (argc > 2)
		return cerr_usage(e, "help: give at most one command name");
	if (argc < 2) {
		cli_print_usage(stdout);
		return 0;
	}
	const struct cli_command *cmd = cli_find(argv[1]);
	if (!cmd)
		return cerr_usage(e, "help: unknown command '%s'", argv[1]);
	fputs(cmd->usage, stdout);
	return 0;
}

const struct cli_command cmd_help = {
	.name    = "help",
	.summary = "show the help of a command",
	.usage   = "Usage: cella help [COMMAND]\n\n"
		   "Without COMMAND, list the commands; with it, show that command's options.\n",
	.run     = help_run,
};
