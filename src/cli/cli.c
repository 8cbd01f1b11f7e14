/* Entry point of the command line: global options, dispatch to a command, and the one place
 * where an error is printed and turned into the exit status. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/version.h"
#include "container/container.h"
#include "vm/config.h"

static const struct cli_command *const cli_commands[] = {
	&cmd_help,
	&cmd_host,
	&cmd_vm,
	&cmd_create,
	&cmd_start,
	&cmd_state,
	&cmd_kill,
	&cmd_delete,
	&cmd_run,
	&cmd_list,
	&cmd_exec,
	&cmd_ps,
	&cmd_pause,
	&cmd_resume,
	&cmd_update,
	&cmd_features,
	&cmd_spec,
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
		   "  --root DIR   container state directory (default /run/cella, or\n"
		   "               $XDG_RUNTIME_DIR/cella when not root)\n"
		   "  --log FILE   also write errors and warnings to FILE\n"
		   "  --log-format text|json\n"
		   "  --systemd-cgroup  accepted for runc compatibility (cgroupfs is used)\n"
		   "  -h, --help   show this help\n"
		   "  --version    show the version\n\n"
		   "Run 'cella help COMMAND' for a command's options.\n");
}

int cli_option_error(struct cerr *e, const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *sep = cmd ? ": " : "";

	cmd = cmd ? cmd : "";
	if (c == ':')
		return cerr_usage(e, "%s%soption '%s' needs an argument", cmd, sep, arg);
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		return cerr_usage(e, "%s%sunknown option '-%c'", cmd, sep, optopt);
	return cerr_usage(e, "%s%sunknown option '%s'", cmd, sep, arg);
}

/* An unknown option before the command. QEMU users write `cella -kernel Image`: a word that
 * is one of `cella vm`'s options is named as such. */
static int cli_bad_global(const char *word, int c, char **argv)
{
	struct cerr e = { 0 };
	const char *name = word + strspn(word, "-");

	if (c != ':' && word[0] == '-' && word[1] != '-' && strlen(word) > 2)
		cerr_usage(&e, "unknown option '%s'", word);  /* -kernel, not '-k' */
	else
		cli_option_error(&e, NULL, c, argv);
	fprintf(stderr, "cella: %s\n", e.msg);
	if (name[0] && vm_config_has_option(name))
		fprintf(stderr, "cella: '%s' is an option of the vm command: cella vm --%s ...\n",
			word, name);
	fputc('\n', stderr);
	cli_print_usage(stderr);
	return 2;
}

static FILE *cli_log_file;

static int cli_report(const char *cmd, const struct cerr *e)
{
	fprintf(stderr, "cella: %s\n", e->msg);
	if (cli_log_file)
		log_error("%s", e->msg);
	if (e->usage)
		fprintf(stderr, "Try 'cella help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
	return cerr_exit_status(e);
}

int cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug",   no_argument, NULL, 'd' },
		{ "root",    required_argument, NULL, 'r' },
		{ "log",     required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "help",    no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct cli_globals g = { 0 };
	struct cerr        e = { 0 };
	int                c;

	opterr = 0;
	/* '+' stops at the command name: what follows belongs to the command, so the word being
	 * parsed is always argv[word]. */
	for (int word = optind; (c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1;
	     word = optind) {
		switch (c) {
		case 'd':
			g.debug = true;
			log_set_level(LOG_DEBUG);
			break;
		case 'r':
			g.root = optarg;
			break;
		case 'l':
			g.log_file = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				g.log_json = true;
			} else if (strcmp(optarg, "text") != 0) {
				fprintf(stderr, "cella: --log-format must be text or json, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 's':
			g.systemd_cgroup = true;
			break;
		case 'h':
			cli_print_usage(stdout);
			return 0;
		case 'V':
			printf("cella version %s (commit %s, %s)\n", CELLA_VERSION, CELLA_COMMIT,
			       CELLA_BUILD);
			return 0;
		default:
			return cli_bad_global(argv[word], c, argv);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "cella: no command given\n\n");
		cli_print_usage(stderr);
		return 2;
	}

	if (g.log_json)
		log_set_format(LOG_JSON);
	if (g.log_file) {
		cli_log_file = fopen(g.log_file, "ae");
		if (!cli_log_file) {
			fprintf(stderr, "cella: --log `%s`: cannot open\n", g.log_file);
			return 1;
		}
		log_set_sink(cli_log_file);
	}

	const char               *name = argv[optind];
	const struct cli_command *cmd  = cli_find(name);
	if (!cmd) {
		fprintf(stderr, "cella: unknown command '%s'\n\n", name);
		cli_print_usage(stderr);
		return 2;
	}

	/* These verbs put a runtime process into a container: run from a sealed copy. */
	if (strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0) {
		if (ctr_seal_self(argv, &e) < 0)
			return cli_report(name, &e);
	}

	/* The command sees argv[0] = its own name, like a program of its own. */
	int cargc   = argc - optind;
	char **cargv = argv + optind;
	optind = 1;
	optopt = 0;
	int rc = cmd->run(&g, cargc, cargv, &e);
	if (rc < 0)
		rc = cli_report(cmd->name, &e);
	if (cli_log_file) {
		log_set_sink(NULL);
		fclose(cli_log_file);
		cli_log_file = NULL;
	}
	return rc;
}
