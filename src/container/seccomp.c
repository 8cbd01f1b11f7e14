/* linux.seccomp → a BPF program. libseccomp compiles it (syscall names this libseccomp does
 * not know are skipped: profiles list syscalls of newer kernels); compiling a full profile
 * takes milliseconds, so the program is cached under the state directory, keyed by a hash of
 * the parsed profile, and the container's process only loads it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"

#define SECCOMP_CACHE_VERSION 2

static uint32_t with_errno(uint32_t act, bool has, unsigned err)
{
	if (act == SCMP_ACT_ERRNO(0))
		return SCMP_ACT_ERRNO(has ? err : EPERM);
	return act;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct oci_seccomp_rule *r,
		    const char *name, struct cerr *e)
{
	struct scmp_arg_cmp cmp[6];
	bool                repeated = false;
	unsigned            seen = 0;
	int                 rc;

	if (r->n_args > 6)
		return cerr_set(e, EINVAL, "linux.seccomp: %s: more than 6 argument conditions", name);
	for (size_t i = 0; i < r->n_args; i++) {
		cmp[i] = (struct scmp_arg_cmp){ .arg = r->args[i].index, .op = r->args[i].op,
						.datum_a = r->args[i].value,
						.datum_b = r->args[i].value_two };
		if (seen & (1u << r->args[i].index))
			repeated = true;
		seen |= 1u << r->args[i].index;
	}
	if (!repeated) {
		rc = seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, cmp);
	} else {
		/* Several conditions on one argument mean "any of them": one rule each. */
		rc = 0;
		for (size_t i = 0; i < r->n_args && rc == 0; i++)
			rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
	}
	if (rc < 0)
		return cerr_set(e, -rc, "linux.seccomp: add rule for `%s`", name);
	return 0;
}

static int compile(const struct oci_seccomp *s, struct seccomp_prog *out, struct cerr *e)
{
	uint32_t        def = with_errno(s->default_action, s->has_default_errno, s->default_errno);
	scmp_filter_ctx ctx = seccomp_init(def);
	int             rc;

	if (!ctx)
		return cerr_set(e, ENOMEM, "linux.seccomp: init");
	/* no_new_privs is process.noNewPrivileges' business, not the filter's. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree of syscall numbers instead of one long chain: a full profile's program
	 * takes a few levels per syscall instead of hundreds of compares, and the kernel, which
	 * runs the filter for every syscall number when it is loaded (to cache what is always
	 * allowed), loads it several times faster. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < s->n_arches; i++) {
		rc = seccomp_arch_add(ctx, s->arches[i]);
		if (rc < 0 && rc != -EEXIST) {
			seccomp_release(ctx);
			return cerr_set(e, -rc, "linux.seccomp: add architecture");
		}
	}
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct oci_seccomp_rule *r = &s->rules[i];
		uint32_t act = with_errno(r->action, r->has_errno, r->errno_ret);
		if (act == def)
			continue;
		for (size_t k = 0; k < r->n_names; k++) {
			int nr = seccomp_syscall_resolve_name(r->names[k]);
			if (nr == __NR_SCMP_ERROR)
				continue;
			if (add_rule(ctx, act, nr, r, r->names[k], e) < 0) {
				seccomp_release(ctx);
				return -1;
			}
		}
	}
	int mfd = memfd_create("seccomp", MFD_CLOEXEC);
	if (mfd < 0) {
		seccomp_release(ctx);
		return cerr_set(e, errno, "linux.seccomp: memfd");
	}
	rc = seccomp_export_bpf(ctx, mfd);
	seccomp_release(ctx);
	if (rc < 0) {
		close(mfd);
		return cerr_set(e, -rc, "linux.seccomp: compile");
	}
	off_t len = lseek(mfd, 0, SEEK_END);
	if (len <= 0 || len % 8 || len > 65536 * 8) {
		close(mfd);
		return cerr_set(e, EINVAL, "linux.seccomp: compiled program has %lld bytes", (long long)len);
	}
	out->insns = malloc((size_t)len);
	if (!out->insns || pread(mfd, out->insns, (size_t)len, 0) != len) {
		close(mfd);
		free(out->insns);
		out->insns = NULL;
		return cerr_set(e, EIO, "linux.seccomp: read the program");
	}
	close(mfd);
	out->n = (size_t)len / 8;
	return 0;
}

/* FNV-1a over everything in the parsed profile that changes the program. */
static void h_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

static uint64_t profile_hash(const struct oci_seccomp *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	unsigned v = SECCOMP_CACHE_VERSION;

	h_bytes(&h, &v, sizeof(v));
	h_bytes(&h, &s->default_action, sizeof(s->default_action));
	h_bytes(&h, &s->has_default_errno, sizeof(s->has_default_errno));
	h_bytes(&h, &s->default_errno, sizeof(s->default_errno));
	h_bytes(&h, s->arches, s->n_arches * sizeof(*s->arches));
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct oci_seccomp_rule *r = &s->rules[i];
		h_bytes(&h, "|", 1);
		for (size_t k = 0; k < r->n_names; k++)
			h_bytes(&h, r->names[k], strlen(r->names[k]) + 1);
		h_bytes(&h, &r->action, sizeof(r->action));
		h_bytes(&h, &r->has_errno, sizeof(r->has_errno));
		h_bytes(&h, &r->errno_ret, sizeof(r->errno_ret));
		for (size_t k = 0; k < r->n_args; k++) {
			h_bytes(&h, &r->args[k].index, sizeof(r->args[k].index));
			h_bytes(&h, &r->args[k].value, sizeof(r->args[k].value));
			h_bytes(&h, &r->args[k].value_two, sizeof(r->args[k].value_two));
			h_bytes(&h, &r->args[k].op, sizeof(r->args[k].op));
		}
	}
	return h;
}

int seccomp_prepare(const struct oci_seccomp *s, const char *cache_dir, struct seccomp_prog *out,
		    struct cerr *e)
{
	char path[PATH_MAX];

	memset(out, 0, sizeof(out[0]));
	if (!s->present)
		return 0;
	out->flags = (s->flags & 1 ? SECCOMP_FILTER_FLAG_TSYNC : 0) |
		     (s->flags & 2 ? SECCOMP_FILTER_FLAG_LOG : 0) |
		     (s->flags & 4 ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0);
	snprintf(path, sizeof(path), "%s/.seccomp-%016llx.bpf", cache_dir,
		 (unsigned long long)profile_hash(s));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size % 8 == 0 &&
		    st.st_size <= 65536 * 8 && st.st_uid == geteuid()) {
			out->insns = malloc((size_t)st.st_size);
			if (out->insns && read(fd, out->insns, (size_t)st.st_size) == st.st_size) {
				out->n = (size_t)st.st_size / 8;
				close(fd);
				return 0;
			}
			free(out->insns);
			out->insns = NULL;
		}
		close(fd);
	}
	if (compile(s, out, e) < 0)
		return -1;
	/* Best effort: a cache we cannot write only costs time. */
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof(tmp), "%s.%d", path, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		bool ok = write(fd, out->insns, out->n * 8) == (ssize_t)(out->n * 8);
		close(fd);
		if (!ok || rename(tmp, path) < 0)
			unlink(tmp);
	}
	return 0;
}

int seccomp_load_prog(const struct seccomp_prog *p, struct cerr *e)
{
	struct sock_fprog prog = { .len = (unsigned short)p->n, .filter = p->insns };

	if (!p->insns)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0)
		return cerr_set(e, errno, "linux.seccomp: load the filter");
	return 0;
}

void seccomp_prog_free(struct seccomp_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->n     = 0;
}
