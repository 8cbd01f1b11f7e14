/* Namespaces: which kinds the kernel has, their limits, and whether unprivileged users may
 * create user namespaces (the basis of rootless containers). */
#include <string.h>

#include "base/file.h"
#include "host/host.h"

static const char *const ns_kinds[HOST_NS_KINDS] = {
	"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts",
};

static long read_sysctl(const char *prefix, const char *path)
{
	char        buf[PATH_MAX];
	long        v;
	struct cerr e;

	if (file_read_long(host_path(buf, sizeof(buf), prefix, path), &v, &e) < 0)
		return -1;
	return v;
}

void host_probe_ns(const char *prefix, struct host_ns *ns)
{
	char path[PATH_MAX], rel[64];
	long user_max = -1;

	for (int i = 0; i < HOST_NS_KINDS; i++) {
		ns->kind[i].name = ns_kinds[i];
		snprintf(rel, sizeof(rel), "/proc/self/ns/%s", ns_kinds[i]);
		ns->kind[i].present = file_exists(host_path(path, sizeof(path), prefix, rel));
		snprintf(rel, sizeof(rel), "/proc/sys/user/max_%s_namespaces",
			 ns_kinds[i]);
		ns->kind[i].max = read_sysctl(prefix, rel);
		if (strcmp(ns_kinds[i], "user") == 0)
			user_max = ns->kind[i].max;
	}

	/* Debian's and Ubuntu's switches come on top of the generic limit. */
	long debian_clone = read_sysctl(prefix, "/proc/sys/kernel/unprivileged_userns_clone");
	long apparmor = read_sysctl(prefix, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	bool has_user = file_exists(host_path(path, sizeof(path), prefix, "/proc/self/ns/user"));

	ns->userns_unprivileged = false;
	if (!has_user)
		snprintf(ns->userns_note, sizeof(ns->userns_note), "the kernel has no user namespaces");
	else if (user_max == 0)
		snprintf(ns->userns_note, sizeof(ns->userns_note),
			 "user.max_user_namespaces is 0");
	else if (debian_clone == 0)
		snprintf(ns->userns_note, sizeof(ns->userns_note),
			 "kernel.unprivileged_userns_clone is 0");
	else if (apparmor == 1)
		snprintf(ns->userns_note, sizeof(ns->userns_note),
			 "kernel.apparmor_restrict_unprivileged_userns is 1");
	else {
		ns->userns_unprivileged = true;
		snprintf(ns->userns_note, sizeof(ns->userns_note), "allowed (max %ld)", user_max);
	}
}
