/* What `cella vm` was asked to run, independent of the machine kind: the flags shared by the
 * emulated RISC-V board and the KVM monitor, parsed once. Each machine reads what it needs. */
#ifndef CELLA_VM_CONFIG_H
#define CELLA_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define VM_MAX_DRIVES 8
#define VM_MAX_NETS   4
#define VM_MAX_SHARES 4
#define VM_MAX_SMP    64  /* both machines: the riscv64 board's PLIC has 2 contexts per hart */

struct vm_drive {
	const char *file;      /* raw image */
	bool        readonly;
};

enum vm_net_kind { VM_NET_USER, VM_NET_TAP };

struct vm_net {
	enum vm_net_kind kind;
	const char      *tap;         /* VM_NET_TAP: interface name */
	const char      *hostfwd[8];  /* VM_NET_USER: "tcp::2222-:22" specs, as QEMU writes them */
	int              n_hostfwd;
};

struct vm_share {
	const char *dir;       /* host folder exported over virtio-9p */
	const char *tag;       /* mount tag the guest uses */
};

/* --trace: what the CPU logs, one line per event (docs/riscv.md, "Debugging a guest") */
enum { VM_TRACE_EXCEPTIONS = 1, VM_TRACE_INTERRUPTS = 2, VM_TRACE_RETURNS = 4 };

struct vm_trace {
	unsigned    what;          /* VM_TRACE_* bits; 0 = no trace */
	const char *file;          /* NULL: standard error */
	int         hart;          /* only this hart; -1: every hart */
	uint64_t    pc_lo, pc_hi;  /* only events at a pc in [pc_lo, pc_hi] */
};

struct vm_config {
	const char     *arch;         /* "riscv64" or "x86_64" */
	bool            arch_given;   /* --arch was given (else arch is the host's default) */
	uint64_t        mem_bytes;
	unsigned        smp;
	const char     *bios;         /* path, "default" or "none"; NULL = the machine's default */
	const char     *kernel, *initrd, *append;
	struct vm_drive drive[VM_MAX_DRIVES];
	int             n_drives;
	struct vm_net   net[VM_MAX_NETS];
	int             n_nets;
	struct vm_share share[VM_MAX_SHARES];
	int             n_shares;
	bool            rng;
	const char     *console_file; /* virtio-console output goes here */
	struct vm_trace trace;
	const char     *accel;        /* --accel: jit, interp (riscv64), kvm (x86_64); NULL default */
	const char     *gdb;          /* GDB stub address: tcp:[HOST]:PORT or unix:PATH; NULL none */
	bool            gdb_wait;     /* -S: the CPUs wait for the debugger before running */
	const char     *serial_log;   /* a copy of the serial console's output goes here */
	/* the strings below point into the argv given to vm_config_parse, or into this scratch */
	char            scratch[4096];
	size_t          scratch_used;
};

/* Parse `cella vm` options (argv[0] is the command name). Usage errors are cerr_usage(). */
int vm_config_parse(struct vm_config *cfg, int argc, char **argv, struct cerr *e);

/* How much memory the host can give a guest: MemAvailable of a meminfo file ("/proc/meminfo"),
 * or MemTotal where the kernel has no MemAvailable. */
int vm_host_memory(const char *meminfo, uint64_t *bytes, struct cerr *e);

/* Whether `name` (up to an '=') is one of `cella vm`'s long options, e.g. "kernel". */
bool vm_config_has_option(const char *name);

/* "256M", "1G", "512" (MiB, as QEMU reads a bare number), "65536K". */
int vm_parse_size(const char *text, uint64_t *bytes, struct cerr *e);

#endif
