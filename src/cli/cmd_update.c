/* `cella update`: change a container's resource limits. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int update_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static const struct option opts[] = {
		{ "resources",          required_argument, NULL, 'r' },
		{ "memory",             required_argument, NULL, 'm' },
		{ "memory-reservation", required_argument, NULL, 'R' },
		{ "memory-swap",        required_argument, NULL, 's' },
		{ "cpu-shares",         required_argument, NULL, 'S' },
		{ "cpu-quota",          required_argument, NULL, 'q' },
		{ "cpu-period",         required_argument, NULL, 'P' },
		{ "cpuset-cpus",        required_argument, NULL, 'c' },
		{ "cpuset-mems",        required_argument, NULL, 'M' },
		{ "pids-limit",         required_argument, NULL, 'p' },
		{ "blkio-weight",       required_argument, NULL, 'b' },
		{ "help",               no_argument,       NULL, 'h' },
		{ 0 },
	};
	struct ctr_update_opts o = { 0 };
	struct ctr_globals     cg;
	int                    c;

	while ((c = getopt_long(argc, argv, ":r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.resources_file = optarg; break;
		case 'm': o.memory = optarg; break;
		case 'R': o.memory_reservation = optarg; break;
		case 's': o.memory_swap = optarg; break;
		case 'S': o.cpu_shares = optarg; break;
		case 'q': o.cpu_quota = optarg; break;
		case 'P': o.cpu_period = optarg; break;
		case 'c': o.cpuset_cpus = optarg; break;
		case 'M': o.cpuset_mems = optarg; break;
		case 'p': o.pids_limit = optarg; break;
		case 'b': o.blkio_weight = optarg; break;
		case 'h':
			fputs(cmd_update.usage, stdout);
			return 0;
		default:
			return cli_option_error(e, "update", c, argv);
		}
	}
	const char *id = cli_container_id("update", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_update(&cg, id, &o, e);
}

const struct cli_command cmd_update = {
	.name    = "update",
	.summary = "change a container's resource limits",
	.usage   = "Usage: cella [GLOBAL] update [OPTIONS] ID\n\n"
		   "Write new limits to container ID's cgroups, through whichever hierarchy (v1 or\n"
		   "v2) holds each controller.\n\n"
		   "Options:\n"
		   "  -r, --resources FILE      linux.resources as JSON ('-' for stdin)\n"
		   "  --memory BYTES            memory limit (k, m, g suffixes; -1 for none)\n"
		   "  --memory-reservation BYTES\n"
		   "  --memory-swap BYTES       memory + swap limit\n"
		   "  --cpu-shares N, --cpu-quota US, --cpu-period US\n"
		   "  --cpuset-cpus LIST, --cpuset-mems LIST\n"
		   "  --pids-limit N            (-1 or 0 for none)\n"
		   "  --blkio-weight N          10 to 1000\n"
		   "  -h, --help                show this help\n",
	.run     = update_run,
};
