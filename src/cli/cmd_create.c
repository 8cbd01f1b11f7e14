/* `cella create`: set a container up from a bundle; its process waits for `cella start`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "container/container.h"

/* The create options, shared with `run` (which adds --detach and --keep). */
int cli_parse_create(const char *cmd, int argc, char **argv, struct ctr_create_opts *o,
		     bool run, struct cerr *e);

int cli_parse_create(const char *cmd, int argc, char **argv, struct ctr_create_opts *o,
		     bool run, struct cerr *e)
{
	static const struct option opts[] = {
		{ "bundle",         required_argument, NULL, 'b' },
		{ "pid-file",       required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot",       no_argument,       NULL, 'P' },
		{ "preserve-fds",   required_argument, NULL, 'f' },
		{ "no-new-keyring", no_argument,       NULL, 'K' },
		{ "detach",         no_argument,       NULL, 'd' },
		{ "keep",           no_argument,       NULL, 'k' },
		{ "help",           no_argument,       NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'P':
			o->no_pivot = true;
			break;
		case 'K':
			break;
		case 'f': {
			char *end;
			long  n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 4096)
				return cerr_usage(e, "%s: --preserve-fds needs a count, not '%s'", cmd, optarg);
			o->preserve_fds = (int)n;
			break;
		}
		case 'd':
		case 'k':
			if (!run)
				return cerr_usage(e, "%s: unknown option '%s'", cmd, argv[optind - 1]);
			if (c == 'd')
				o->detach = true;
			else
				o->keep = true;
			break;
		case 'h':
			return 1;
		default:
			return cli_option_error(e, cmd, c, argv);
		}
	}
	return 0;
}

static int create_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_create_opts o = { 0 };
	struct ctr_globals     cg;
	int                    rc = cli_parse_create("create", argc, argv, &o, false, e);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		fputs(cmd_create.usage, stdout);
		return 0;
	}
	const char *id = cli_container_id("create", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_create(&cg, id, &o, e);
}

const struct cli_command cmd_create = {
	.name    = "create",
	.summary = "create a container from an OCI bundle (runc-compatible)",
	.usage   = "Usage: cella [GLOBAL] create [OPTIONS] ID\n\n"
		   "Set up container ID from the bundle's config.json: namespaces, cgroups, mounts,\n"
		   "pivot_root. Its process then waits until `cella start ID`.\n\n"
		   "Options:\n"
		   "  -b, --bundle DIR          the bundle (default: the current directory)\n"
		   "  --pid-file FILE           write the container's pid there\n"
		   "  --console-socket PATH     send the terminal's master fd to this socket\n"
		   "  --no-pivot                use MS_MOVE + chroot instead of pivot_root\n"
		   "  --preserve-fds N          pass fds 3..3+N-1 to the container\n"
		   "  -h, --help                show this help\n",
	.run     = create_run,
};
