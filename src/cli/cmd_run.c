/* `cella run`: create and start a container, and wait for it unless --detach. */
#include <stdio.h>

#include "cli/cli.h"
#include "container/container.h"

int cli_parse_create(const char *cmd, int argc, char **argv, struct ctr_create_opts *o,
		     bool run, struct cerr *e);

static int run_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	struct ctr_create_opts o = { 0 };
	struct ctr_globals     cg;
	int                    rc = cli_parse_create("run", argc, argv, &o, true, e);

	if (rc < 0)
		return -1;
	if (rc > 0) {
		fputs(cmd_run.usage, stdout);
		return 0;
	}
	const char *id = cli_container_id("run", argc, argv, e);
	if (!id)
		return -1;
	cli_ctr_globals(g, &cg);
	return ctr_run(&cg, id, &o, e);
}

const struct cli_command cmd_run = {
	.name    = "run",
	.summary = "create and start a container, wait for it to exit",
	.usage   = "Usage: cella [GLOBAL] run [OPTIONS] ID\n\n"
		   "Create container ID from the bundle and start it. Without --detach, wait for it,\n"
		   "delete it, and exit with its status (128+N when killed by signal N).\n\n"
		   "Options:\n"
		   "  -b, --bundle DIR          the bundle (default: the current directory)\n"
		   "  -d, --detach              return once the container runs\n"
		   "  --keep                    do not delete the container when it exits\n"
		   "  --pid-file FILE           write the container's pid there\n"
		   "  --console-socket PATH     send the terminal's master fd to this socket\n"
		   "  --no-pivot                use MS_MOVE + chroot instead of pivot_root\n"
		   "  --preserve-fds N          pass fds 3..3+N-1 to the container\n"
		   "  -h, --help                show this help\n",
	.run     = run_run,
};
