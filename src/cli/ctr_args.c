/* Argument helpers shared by the container runtime's verbs (runc's command line). */
#include "cli/cli.h"
#include "container/container.h"

const char *cli_container_id(const char *cmd, int argc, char **argv, struct cerr *e)
{
	extern int optind;

	if (optind >= argc) {
		cerr_usage(e, "%s: a container id is required", cmd);
		return NULL;
	}
	if (optind + 1 < argc) {
		cerr_usage(e, "%s: unexpected argument '%s'", cmd, argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

void cli_ctr_globals(const struct cli_globals *g, struct ctr_globals *out)
{
	out->root           = g->root;
	out->systemd_cgroup = g->systemd_cgroup;
}
