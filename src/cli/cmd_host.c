/* `cella host`: report which virtualization techniques this machine supports. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "host/host.h"

static int host_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "json", no_argument,       NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument,       NULL, 'h' },
		{ 0 },
	};
	const char        *prefix = "";
	bool               json   = false;
	struct host_report report;
	int                c;

	(void)g;
	while ((c = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'r':
			prefix = optarg;
			break;
		case 'h':
			fputs(cmd_host.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "host", c, argv);
		}
	}
	if (optind < argc)
		return cerr_usage(e, "host: unexpected argument '%s'", argv[optind]);

	if (host_probe(prefix, &report, e) < 0)
		return -1;
	if (json)
		return host_print_json(stdout, &report, e);
	host_print_text(stdout, &report);
	return 0;
}

const struct cli_command cmd_host = {
	.name    = "host",
	.summary = "show which virtualization techniques this machine supports",
	.usage   = "Usage: cella host [--json] [--root DIR]\n\n"
		   "Report the CPU's virtualization flags, /dev/kvm and what backs it (hardware\n"
		   "or software PVM), namespaces, seccomp and the cgroup mode, then say which\n"
		   "technique to use: a container, a KVM virtual machine or emulation.\n\n"
		   "Options:\n"
		   "  --json       print one JSON document (schema in the README)\n"
		   "  --root DIR   read /proc, /sys and /dev under DIR instead of / (for tests)\n"
		   "  -h, --help   show this help\n",
	.run     = host_run,
};
