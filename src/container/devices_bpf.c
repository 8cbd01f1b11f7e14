/* linux.resources.devices on cgroup v2: v2 has no devices.allow, so the rules become a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, hand-assembled here and attached to the container's
 * cgroup. Removing the cgroup on delete drops the program with it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container/internal.h"

#define DEV_MAX_INSNS 4096

struct devprog {
	struct bpf_insn insn[DEV_MAX_INSNS];
	size_t          n;
	bool            full;
};

static void emit(struct devprog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n >= DEV_MAX_INSNS) {
		p->full = true;
		return;
	}
	p->insn[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
					     .off = off, .imm = imm };
}

static unsigned access_bits(const char *a)
{
	unsigned bits = 0;

	if (!a || !a[0])
		return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	for (; *a; a++)
		bits |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE :
			*a == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
	return bits;
}

static bool catch_all(const struct oci_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 &&
	       access_bits(r->access) == (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE);
}

/* One rule: the checks jump past the block when the access does not match it; a match
 * returns the rule's verdict. Registers: r2 type, r3 access, r4 major, r5 minor. */
static void emit_rule(struct devprog *p, char type, int64_t major, int64_t minor, unsigned acc,
		      bool allow)
{
	size_t jumps[4], nj = 0;

	if (type == 'c' || type == 'b') {
		jumps[nj++] = p->n;
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
		     type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
	}
	if (major >= 0) {
		jumps[nj++] = p->n;
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)major);
	}
	if (minor >= 0) {
		jumps[nj++] = p->n;
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)minor);
	}
	if (acc != (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)) {
		/* the rule covers the access only if it names every kind asked for */
		emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)(~acc & 7u));
		jumps[nj++] = p->n;
		emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	if (p->full)
		return;
	for (size_t i = 0; i < nj; i++)
		p->insn[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
}

/* The container's own rules win over the runtime's defaults (the nodes every container
 * gets), and those over a catch-all rule: the last matching rule decides, as in runc, so
 * the rules are checked from the last one back to the last catch-all. */
static void devprog_build(struct devprog *p, const struct oci_resources *r,
			  const char *const *defaults, size_t n_defaults)
{
	bool   verdict = true;
	size_t i       = r->n_devices;

	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
	emit(p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	while (i-- > 0) {
		const struct oci_dev_rule *d = &r->devices[i];
		if (catch_all(d)) {
			verdict = d->allow;
			break;
		}
		emit_rule(p, d->type, d->major, d->minor, access_bits(d->access), d->allow);
	}
	for (size_t k = 0; k < n_defaults; k++) {
		char     type;
		unsigned maj;
		int      min = -1;
		char     mins[16];
		if (sscanf(defaults[k], "%c %u:%15[0-9*]", &type, &maj, mins) != 3)
			continue;
		if (mins[0] != '*')
			min = atoi(mins);
		emit_rule(p, type, maj, min, access_bits(NULL), true);
	}
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int devices_bpf_attach(const char *cgroup_dir, const struct oci_resources *r,
		       const char *const *defaults, size_t n_defaults, struct cerr *e)
{
	static struct devprog prog; /* 32 KiB: not on the stack */
	static char           log[4096];
	union bpf_attr        attr;

	memset(&prog, 0, sizeof(prog));
	devprog_build(&prog, r, defaults, n_defaults);
	if (prog.full)
		return cerr_set(e, E2BIG, "linux.resources.devices: too many rules");

	memset(&attr, 0, sizeof(attr));
	log[0]              = '\0';
	attr.prog_type      = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns          = (uint64_t)(uintptr_t)prog.insn;
	attr.insn_cnt       = (uint32_t)prog.n;
	attr.license        = (uint64_t)(uintptr_t)"Apache";
	attr.log_buf        = (uint64_t)(uintptr_t)log;
	attr.log_size       = sizeof(log);
	attr.log_level      = 1;
	cleanup_close int pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (pfd < 0 && errno == ENOSPC) {
		/* the verifier's log did not fit: load again without it */
		attr.log_buf = 0, attr.log_size = 0, attr.log_level = 0;
		pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	if (pfd < 0) {
		char *nl = strchr(log, '\n');
		if (nl)
			*nl = '\0';
		return cerr_set(e, errno, "linux.resources.devices: load the cgroup v2 device program%s%s",
				log[0] ? ": " : "", log);
	}
	cleanup_close int cfd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return cerr_set(e, errno, "open `%s`", cgroup_dir);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd     = (uint32_t)cfd;
	attr.attach_bpf_fd = (uint32_t)pfd;
	attr.attach_type   = BPF_CGROUP_DEVICE;
	/* no flags: one program per cgroup, and `update` replaces it */
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return cerr_set(e, errno, "linux.resources.devices: attach the device program to `%s`",
				cgroup_dir);
	return 0;
}
