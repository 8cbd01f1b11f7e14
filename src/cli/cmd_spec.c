/* `cella spec`: write a default config.json for a bundle. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int spec_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "bundle",   required_argument, NULL, 'b' },
		{ "rootless", no_argument,       NULL, 'r' },
		{ "help",     no_argument,       NULL, 'h' },
		{ 0 },
	};
	const char *dir = ".";
	bool        rootless = false;
	int         c;

	(void)g;
	while ((c = getopt_long(argc, argv, ":b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			dir = optarg;
			break;
		case 'r':
			rootless = true;
			break;
		case 'h':
			fputs(cmd_spec.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "spec", c, argv);
		}
	}
	if (optind < argc)
		return cerr_usage(e, "spec: unexpected argument '%s'", argv[optind]);
	return ctr_spec(dir, rootless, e);
}

const struct cli_command cmd_spec = {
	.name    = "spec",
	.summary = "write a default config.json",
	.usage   = "Usage: cella spec [--bundle DIR] [--rootless]\n\n"
		   "Write DIR/config.json (default: here): rootfs `rootfs` read-only, `sh`, pid,\n"
		   "network, ipc, uts and mount namespaces, the usual /proc /dev /sys mounts, and a\n"
		   "default seccomp profile (unknown syscalls get ENOSYS, dangerous ones EPERM).\n\n"
		   "Options:\n"
		   "  -b, --bundle DIR   where to write config.json\n"
		   "  --rootless         for a non-root user: a user namespace mapping root to you\n"
		   "  -h, --help         show this help\n",
	.run     = spec_run,
};
