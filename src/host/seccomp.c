/* seccomp: whether the kernel filters system calls, and with which actions. */
#include <string.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "host/host.h"

void host_probe_seccomp(const char *prefix, struct host_seccomp *sc)
{
	char              path[PATH_MAX];
	cleanup_free char *status  = NULL;
	cleanup_free char *actions = NULL;
	struct cerr       e;

	if (file_read_all(host_path(path, sizeof(path), prefix, "/proc/self/status"), &status,
			  NULL, &e) == 0)
		sc->supported = strstr(status, "\nSeccomp:") != NULL;

	if (file_read_all(host_path(path, sizeof(path), prefix,
				    "/proc/sys/kernel/seccomp/actions_avail"),
			  &actions, NULL, &e) < 0)
		return;
	sc->filter = true;
	for (char *save = NULL, *w = strtok_r(actions, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save))
		host_list_add(&sc->actions, w);
}
