/* `update`: change a running container's cgroup limits, from a resources.json document
 * and/or single-value flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "container/internal.h"

/* "512m", "1G", "-1", "100000" */
static int parse_num(const char *flag, const char *s, int64_t *out, struct cerr *e)
{
	char     *end;
	long long v = strtoll(s, &end, 10);

	if (end == s)
		return cerr_usage(e, "update: %s needs a number, not '%s'", flag, s);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return cerr_usage(e, "update: %s needs a number, not '%s'", flag, s);
	*out = v;
	return 0;
}

int ctr_update(const struct ctr_globals *g, const char *id, const struct ctr_update_opts *o,
	       struct cerr *e)
{
	char                 root[PATH_MAX];
	struct ctr_state     st;
	struct oci_resources r;
	void                *json = NULL;
	int64_t              v;
	int                  rc = -1;

	memset(&r, 0, sizeof(r));
	if (o->resources_file) {
		cleanup_free char *text = NULL;
		size_t             len;
		const char        *name = strcmp(o->resources_file, "-") == 0 ? "/dev/stdin" : o->resources_file;
		if (file_read_all(name, &text, &len, e) < 0)
			return -1;
		if (oci_resources_parse(&r, &json, text, len, o->resources_file, e) < 0)
			return -1;
	}
	r.present = true;
#define NUM(field, flag, has, dst)                                                             \
	if (o->field) {                                                                        \
		if (parse_num(flag, o->field, &v, e) < 0)                                      \
			goto out;                                                              \
		r.has = true;                                                                  \
		r.dst = v;                                                                     \
	}
	NUM(memory, "--memory", has_mem_limit, mem_limit)
	NUM(memory_reservation, "--memory-reservation", has_mem_reservation, mem_reservation)
	NUM(memory_swap, "--memory-swap", has_mem_swap, mem_swap)
	NUM(cpu_shares, "--cpu-shares", has_cpu_shares, cpu_shares)
	NUM(cpu_quota, "--cpu-quota", has_cpu_quota, cpu_quota)
	NUM(cpu_period, "--cpu-period", has_cpu_period, cpu_period)
	NUM(pids_limit, "--pids-limit", has_pids_limit, pids_limit)
	NUM(blkio_weight, "--blkio-weight", has_blkio_weight, blkio_weight)
#undef NUM
	if (o->cpuset_cpus)
		r.cpu_cpus = o->cpuset_cpus;
	if (o->cpuset_mems)
		r.cpu_mems = o->cpuset_mems;
	if (state_dir(g, root, sizeof(root), e) < 0)
		goto out;
	{
		cleanup_close int dirfd = state_lock(root, id, false, e);
		if (dirfd < 0 || state_read(dirfd, id, &st, e) < 0)
			goto out;
		if (strcmp(state_status(dirfd, &st), "stopped") == 0) {
			cerr_set(e, 0, "cannot update container `%s`: it is stopped", id);
			goto out;
		}
		rc = cgroup_apply(&st.cg, &r, e);
	}
out:
	if (json) {
		oci_resources_free(&r);
		oci_json_free(json);
	}
	return rc;
}
