/* Entry point of the command line: global options, dispatch to a command, and the one place
 * where an error is printed and turned into the exit status. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

static const struct cli_command *const cli_commands[] = {
	&cmd_help,
	&cmd_host,
	&cmd_vm,
};

const struct cli_command *cli_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cli_commands) / sizeof(cli_commands[0]); i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

void cli_print_usage(FILE *f)
{
	fprintf(f, "Usage: cella [--debug] COMMAND [OPTIONS] [ARGS]\n"
		   "       cella --help | --version | help COMMAND\n\n"
		   "cella runs isolated workloads on Linux: containers, emulated machines and KVM\n"
		   "virtual machines.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cli_commands) / sizeof(cli_commands[0]); i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --debug      log debugging detail to stderr\n"
		   "  -h, --help   show this help\n"
		   "  --version    show the version\n\n"
		   "Run 'cella help COMMAND' for a command's options.\n");
}

int cli_option_error(struct cerr *e, const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return cerr_usage(e, "%s: option '%s' needs an argument", cmd, arg);
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		return cerr_usage(e, "%s: unknown option '-%c'", cmd, optopt);
	return cerr_usage(e, "%s: unknown option '%s'", cmd, arg);
}

static int cli_report(const char *cmd, const struct cerr *e)
{
	fprintf(stderr, "cella: %s\n", e->msg);
	if (e->usage)
		fprintf(stderr, "Try 'cella help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
	return cerr_exit_status(e);
}

int cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug",   no_argument, NULL, 'd' },
		{ "help",    no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct cli_globals g = { 0 };
	struct cerr        e = { 0 };
	int                c;

	opterr = 0;
	/* '+' stops at the command name: what follows belongs to the command. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			g.debug = true;
			log_set_level(LOG_DEBUG);
			break;
		case 'h':
			cli_print_usage(stdout);
			return 0;
		case 'V':
			printf("cella version %s\n", CELLA_VERSION);
			return 0;
		default:
			cli_option_error(&e, "cella", c, argv);
			fprintf(stderr, "cella: %s\n\n", e.msg);
			cli_print_usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "cella: no command given\n\n");
		cli_print_usage(stderr);
		return 2;
	}

	const char               *name = argv[optind];
	const struct cli_command *cmd  = cli_find(name);
	if (!cmd) {
		fprintf(stderr, "cella: unknown command '%s'\n\n", name);
		cli_print_usage(stderr);
		return 2;
	}

	/* The command sees argv[0] = its own name, like a program of its own. */
	int cargc   = argc - optind;
	char **cargv = argv + optind;
	optind = 1;
	optopt = 0;
	int rc = cmd->run(&g, cargc, cargv, &e);
	if (rc < 0)
		return cli_report(cmd->name, &e);
	return rc;
}
