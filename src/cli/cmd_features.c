/* `cella features`: the runtime's features document (runtime-spec features.md). */
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

static int features_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	(void)g;
	if (argc > 1 && (argv[1][0] != '-' || argv[1][1] != 'h') && 0 != __builtin_strcmp(argv[1], "--help"))
		return cerr_usage(e, "features: unexpected argument '%s'", argv[1]);
	if (argc > 1) {
		fputs(cmd_features.usage, stdout);
		return 0;
	}
	return ctr_features(stdout, e);
}

const struct cli_command cmd_features = {
	.name    = "features",
	.summary = "print the OCI runtime's features as JSON",
	.usage   = "Usage: cella features\n\n"
		   "Print what the runtime supports (namespaces, capabilities, mount options, hooks,\n"
		   "seccomp actions, cgroup versions) as the runtime-spec's features document.\n",
	.run     = features_run,
};
