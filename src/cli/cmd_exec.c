/* `cella exec`: run a new process inside a running container. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"

#define EXEC_MAX_LIST 256

static int exec_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "process",        required_argument, NULL, 'p' },
		{ "tty",            no_argument,       NULL, 't' },
		{ "cwd",            required_argument, NULL, 'w' },
		{ "env",            required_argument, NULL, 'e' },
		{ "user",           required_argument, NULL, 'u' },
		{ "detach",         no_argument,       NULL, 'd' },
		{ "pid-file",       required_argument, NULL, 'P' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "cap",            required_argument, NULL, 'C' },
		{ "no-new-privs",   no_argument,       NULL, 'n' },
		{ "preserve-fds",   required_argument, NULL, 'f' },
		{ "process-label",  required_argument, NULL, 'L' },
		{ "apparmor",       required_argument, NULL, 'A' },
		{ "cgroup",         required_argument, NULL, 'G' },
		{ "help",           no_argument,       NULL, 'h' },
		{ 0 },
	};
	static const char   *env[EXEC_MAX_LIST], *caps[EXEC_MAX_LIST];
	struct ctr_exec_opts o = { .env = env, .caps = caps };
	struct ctr_globals   cg;
	int                  c;

	/* '+': the command after the id keeps its own options. */
	while ((c = getopt_long(argc, argv, "+:p:tw:e:u:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.process_json = optarg; break;
		case 't': o.tty = true; break;
		case 'w': o.cwd = optarg; break;
		case 'u': o.user = optarg; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'c': o.console_socket = optarg; break;
		case 'n': o.no_new_privs = true; break;
		case 'L': case 'A': case 'G': break;
		case 'e':
			if (o.n_env == EXEC_MAX_LIST)
				return cerr_usage(e, "exec: too many --env");
			env[o.n_env++] = optarg;
			break;
		case 'C':
			if (o.n_caps == EXEC_MAX_LIST)
				return cerr_usage(e, "exec: too many --cap");
			caps[o.n_caps++] = optarg;
			break;
		case 'f': {
			char *end;
			long  n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 4096)
				return cerr_usage(e, "exec: --preserve-fds needs a count, not '%s'", optarg);
			o.preserve_fds = (int)n;
			break;
		}
		case 'h':
			fputs(cmd_exec.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "exec", c, argv);
		}
	}
	if (optind >= argc)
		return cerr_usage(e, "exec: a container id is required");
	const char *id = argv[optind++];
	if (optind < argc && argv[optind][0] == '-' && argv[optind][1] == '-' && !argv[optind][2])
		optind++;
	o.args   = argv + optind;
	o.n_args = argc - optind;
	if (o.process_json && o.n_args)
		return cerr_usage(e, "exec: give either -p process.json or a command, not both");
	if (!o.process_json && !o.n_args)
		return cerr_usage(e, "exec: give a command or -p process.json");
	cli_ctr_globals(g, &cg);
	return ctr_exec(&cg, id, &o, e);
}

const struct cli_command cmd_exec = {
	.name    = "exec",
	.summary = "run a process in a running container",
	.usage   = "Usage: cella [GLOBAL] exec [OPTIONS] ID COMMAND [ARG...]\n"
		   "       cella [GLOBAL] exec [OPTIONS] -p process.json ID\n\n"
		   "Run a process in container ID's namespaces and cgroups, with its seccomp\n"
		   "profile. Exits with the process's status unless --detach.\n\n"
		   "Options:\n"
		   "  -p, --process FILE      the whole process, as in config.json's `process`\n"
		   "  -t, --tty               give the process a terminal\n"
		   "  -w, --cwd DIR           working directory (inside the container)\n"
		   "  -e, --env NAME=VALUE    add to the environment (repeatable)\n"
		   "  -u, --user UID[:GID]    run as this user\n"
		   "  -d, --detach            return once the process runs\n"
		   "  --pid-file FILE         write the process's pid there\n"
		   "  --console-socket PATH   send the terminal's master fd to this socket\n"
		   "  --cap CAP               add a capability (repeatable)\n"
		   "  --no-new-privs          set no_new_privs\n"
		   "  --preserve-fds N        pass fds 3..3+N-1\n"
		   "  -h, --help              show this help\n",
	.run     = exec_run,
};
