/* host_probe: runs each detector against the root prefix, then derives the advice. */
#include "host/host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *host_path(char *buf, size_t size, const char *prefix, const char *path)
{
	snprintf(buf, size, "%s%s", prefix ? prefix : "", path);
	return buf;
}

bool host_list_has(const struct host_list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->item[i], name) == 0)
			return true;
	return false;
}

void host_list_add(struct host_list *l, const char *name)
{
	if (l->n >= HOST_LIST_MAX || host_list_has(l, name))
		return;
	snprintf(l->item[l->n++], sizeof(l->item[0]), "%s", name);
}

int host_probe(const char *prefix, struct host_report *r, struct cerr *e)
{
	struct stat st;

	if (!prefix)
		prefix = "";
	if (prefix[0]) {
		if (stat(prefix, &st) < 0)
			return cerr_set(e, errno, "host root `%s`", prefix);
		if (!S_ISDIR(st.st_mode))
			return cerr_set(e, ENOTDIR, "host root `%s`", prefix);
	}
	memset(r, 0, sizeof(*r));
	r->root = geteuid() == 0;
	host_probe_cpu(prefix, &r->cpu);
	host_probe_kvm(prefix, &r->cpu, &r->kvm);
	host_probe_ns(prefix, &r->ns);
	host_probe_seccomp(prefix, &r->seccomp);
	host_probe_cgroup(prefix, &r->cgroup);
	host_advise(r);
	return 0;
}
