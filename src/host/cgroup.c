/* cgroup mode (v1, v2 or hybrid) and the controllers each hierarchy holds, read from
 * mountinfo so that fixture trees can describe any layout. */
#include <string.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "base/mountinfo.h"
#include "host/host.h"

static const char *const v1_controllers[] = {
	"blkio", "cpu",    "cpuacct", "cpuset",  "devices", "freezer", "hugetlb",
	"memory", "misc",  "net_cls", "net_prio", "perf_event", "pids", "rdma",
};

static bool is_v1_controller(const char *name)
{
	for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++)
		if (strcmp(v1_controllers[i], name) == 0)
			return true;
	return false;
}

static void cgroup_add_v1(struct host_cgroup *cg, const struct mountinfo_entry *m)
{
	char opts[512];

	snprintf(opts, sizeof(opts), "%s", m->superopts);
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
		if (is_v1_controller(o))
			host_list_add(&cg->v1, o);
	if (!cg->v1_root[0]) {
		/* The hierarchies hang side by side: their parent is the v1 root. */
		snprintf(cg->v1_root, sizeof(cg->v1_root), "%s", m->mountpoint);
		char *slash = strrchr(cg->v1_root, '/');
		if (slash && slash != cg->v1_root)
			*slash = '\0';
	}
}

static void cgroup_read_v2(const char *prefix, struct host_cgroup *cg)
{
	char              rel[PATH_MAX + 32], path[PATH_MAX * 2];
	cleanup_free char *text = NULL;
	struct cerr       e;

	snprintf(rel, sizeof(rel), "%s/cgroup.controllers", cg->v2_mount);
	if (file_read_all(host_path(path, sizeof(path), prefix, rel), &text, NULL, &e) < 0)
		return;
	for (char *save = NULL, *w = strtok_r(text, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		host_list_add(&cg->v2, w);
}

void host_probe_cgroup(const char *prefix, struct host_cgroup *cg)
{
	char              path[PATH_MAX];
	cleanup_free char *text = NULL;
	struct cerr       e;

	if (file_read_all(host_path(path, sizeof(path), prefix, "/proc/self/mountinfo"), &text,
			  NULL, &e) < 0)
		return;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct mountinfo_entry m;
		if (mountinfo_parse_line(line, &m) < 0)
			continue;
		if (strcmp(m.fstype, "cgroup") == 0) {
			cgroup_add_v1(cg, &m);
		} else if (strcmp(m.fstype, "cgroup2") == 0 && !cg->v2_mount[0]) {
			snprintf(cg->v2_mount, sizeof(cg->v2_mount), "%s", m.mountpoint);
		}
	}
	if (cg->v2_mount[0])
		cgroup_read_v2(prefix, cg);

	if (cg->v1.n > 0)
		cg->mode = cg->v2_mount[0] ? CGROUP_HYBRID : CGROUP_V1;
	else if (cg->v2_mount[0])
		cg->mode = CGROUP_V2;
	else
		cg->mode = CGROUP_NONE;
}

const char *host_cgroup_mode_name(enum cgroup_mode m)
{
	switch (m) {
	case CGROUP_V1:     return "v1";
	case CGROUP_V2:     return "v2";
	case CGROUP_HYBRID: return "hybrid";
	case CGROUP_NONE:   break;
	}
	return "none";
}
