/* Unit tests for `cella vm` option parsing (src/vm/config.c) and the host memory -m is
 * compared with. */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "vm/config.h"

static int parse(struct vm_config *cfg, struct cerr *e, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	optind = 1;
	return vm_config_parse(cfg, argc, argv, e);
}

static void parses_every_flag(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *argv[] = { "vm", "--arch", "riscv64", "-m", "512M", "--smp", "2", "--kernel", "Image",
			 "--initrd", "rd.gz", "--append", "console=ttyS0", "--drive",
			 "file=disk.img,readonly", "--drive", "file=b.img", "--net",
			 "user,hostfwd=tcp::2222-:22", "--net", "tap=tap0", "--9p", "/srv/a,b,hostshare",
			 "--rng", "--console-file", "hvc.out", "--bios", "none", NULL };

	CHECK_INT(parse(&cfg, &e, argv), 0);
	CHECK_STR(cfg.arch, "riscv64");
	CHECK_INT(cfg.mem_bytes, 512ull << 20);
	CHECK_INT(cfg.smp, 2);
	CHECK_STR(cfg.kernel, "Image");
	CHECK_STR(cfg.initrd, "rd.gz");
	CHECK_STR(cfg.append, "console=ttyS0");
	CHECK_STR(cfg.bios, "none");
	CHECK_INT(cfg.n_drives, 2);
	CHECK_STR(cfg.drive[0].file, "disk.img");
	CHECK(cfg.drive[0].readonly);
	CHECK(!cfg.drive[1].readonly);
	CHECK_INT(cfg.n_nets, 2);
	CHECK_INT(cfg.net[0].kind, VM_NET_USER);
	CHECK_INT(cfg.net[0].n_hostfwd, 1);
	CHECK_STR(cfg.net[0].hostfwd[0], "tcp::2222-:22");
	CHECK_INT(cfg.net[1].kind, VM_NET_TAP);
	CHECK_STR(cfg.net[1].tap, "tap0");
	CHECK_INT(cfg.n_shares, 1);
	CHECK_STR(cfg.share[0].dir, "/srv/a,b");
	CHECK_STR(cfg.share[0].tag, "hostshare");
	CHECK(cfg.rng);
	CHECK_STR(cfg.console_file, "hvc.out");
}

static void sizes_follow_qemu(void)
{
	struct cerr e;
	uint64_t    b;

	CHECK_INT(vm_parse_size("256", &b, &e), 0);
	CHECK_INT(b, 256ull << 20);
	CHECK_INT(vm_parse_size("1G", &b, &e), 0);
	CHECK_INT(b, 1ull << 30);
	CHECK_INT(vm_parse_size("65536K", &b, &e), 0);
	CHECK_INT(b, 64ull << 20);
	CHECK_INT(vm_parse_size("0", &b, &e), -1);
	CHECK_INT(vm_parse_size("-5M", &b, &e), -1);
	CHECK_INT(vm_parse_size("12X", &b, &e), -1);
	CHECK_INT(vm_parse_size("99999999999999999G", &b, &e), -1);
	CHECK_INT(cerr_exit_status(&e), 2);
}

static void bad_flags_are_usage_errors(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *a[] = { "vm", "--arch", "mips", NULL };
	char *b[] = { "vm", "--drive", "readonly", NULL };
	char *c[] = { "vm", "--net", "bridge", NULL };
	char *d[] = { "vm", "--9p", "nodir", NULL };
	char *f[] = { "vm", "--smp", "0", NULL };
	char *g[] = { "vm", "--bogus", NULL };
	char *h[] = { "vm", "--kernel", NULL };

	CHECK_INT(parse(&cfg, &e, a), -1);
	CHECK(strstr(e.msg, "unknown --arch 'mips'") != NULL);
	CHECK_INT(parse(&cfg, &e, b), -1);
	CHECK(strstr(e.msg, "--drive needs file=PATH") || strstr(e.msg, "unknown setting"));
	CHECK_INT(parse(&cfg, &e, c), -1);
	CHECK(strstr(e.msg, "--net wants") != NULL);
	CHECK_INT(parse(&cfg, &e, d), -1);
	CHECK(strstr(e.msg, "--9p wants DIR,TAG") != NULL);
	CHECK_INT(parse(&cfg, &e, f), -1);
	CHECK_INT(parse(&cfg, &e, g), -1);
	CHECK(strstr(e.msg, "unknown option '--bogus'") != NULL);
	CHECK_INT(parse(&cfg, &e, h), -1);
	CHECK(strstr(e.msg, "needs an argument") != NULL);
	CHECK(e.usage);
}

static void trace_settings(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *none[] = { "vm", NULL };
	char *all[]  = { "vm", "--trace", "exceptions,returns,file=t.log,hart=3,pc=80000000-8000ffff",
			 NULL };
	char *bad[][4] = {
		{ "vm", "--trace", "file=t.log", NULL },     /* nothing to trace */
		{ "vm", "--trace", "traps,hart=64", NULL },
		{ "vm", "--trace", "traps,pc=10-", NULL },
		{ "vm", "--trace", "traps,pc=20-10", NULL },
		{ "vm", "--trace", "insns", NULL },
	};

	CHECK_INT(parse(&cfg, &e, none), 0);
	CHECK_INT(cfg.trace.what, 0);
	CHECK_INT(parse(&cfg, &e, all), 0);
	CHECK_INT(cfg.trace.what, VM_TRACE_EXCEPTIONS | VM_TRACE_RETURNS);
	CHECK_STR(cfg.trace.file, "t.log");
	CHECK_INT(cfg.trace.hart, 3);
	CHECK_INT(cfg.trace.pc_lo, 0x80000000);
	CHECK_INT(cfg.trace.pc_hi, 0x8000ffff);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(parse(&cfg, &e, bad[i]), -1);
		CHECK(e.usage && strstr(e.msg, "--trace") != NULL);
	}
}

static void accel_choices(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *none[] = { "vm", NULL };
	char *jit[]  = { "vm", "--accel", "jit", NULL };
	char *bad[]  = { "vm", "--accel", "tcg", NULL };

	CHECK_INT(parse(&cfg, &e, none), 0);
	CHECK(cfg.accel == NULL);
	CHECK_INT(parse(&cfg, &e, jit), 0);
	CHECK_STR(cfg.accel, "jit");
	CHECK_INT(parse(&cfg, &e, bad), -1);
	CHECK(e.usage && strstr(e.msg, "unknown --accel 'tcg'") != NULL);
}

static void gdb_flags_follow_qemu(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *a[] = { "vm", "--gdb", "tcp:127.0.0.1:4321", "-S", NULL };
	char *b[] = { "vm", "-s", "--smp", "3", NULL };
	char *c[] = { "vm", "--gdb", "unix:/tmp/gdb.sock", NULL };
	char *d[] = { "vm", "-S", NULL };
	char *bad[][4] = {
		{ "vm", "--gdb", "1234", NULL }, { "vm", "--gdb", "tcp:localhost", NULL },
		{ "vm", "--gdb", "tcp::65536", NULL }, { "vm", "--gdb", "tcp::-1", NULL },
		{ "vm", "--gdb", "tcp::12ab", NULL }, { "vm", "--gdb", "unix:", NULL },
	};

	CHECK_INT(parse(&cfg, &e, a), 0);
	CHECK_STR(cfg.gdb, "tcp:127.0.0.1:4321");
	CHECK(cfg.gdb_wait);
	CHECK_INT(parse(&cfg, &e, b), 0);
	CHECK_STR(cfg.gdb, "tcp::1234");
	CHECK(!cfg.gdb_wait);
	CHECK_INT(cfg.smp, 3);
	CHECK_INT(parse(&cfg, &e, c), 0);
	CHECK_STR(cfg.gdb, "unix:/tmp/gdb.sock");
	CHECK_INT(parse(&cfg, &e, d), -1); /* nothing would ever resume the CPUs */
	CHECK(strstr(e.msg, "-S waits for a debugger") != NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(parse(&cfg, &e, bad[i]), -1);
		CHECK(e.usage);
		CHECK(strstr(e.msg, bad[i][2]) != NULL);
	}
}

static int write_meminfo(char *path, const char *text)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* MemAvailable when the kernel has it, else MemTotal; neither is an error naming the file */
static void host_memory_from_meminfo(void)
{
	char        a[] = "/tmp/cella-meminfo-XXXXXX", b[] = "/tmp/cella-meminfo-XXXXXX";
	char        c[] = "/tmp/cella-meminfo-XXXXXX";
	uint64_t    bytes = 0;
	struct cerr e;

	CHECK_INT(write_meminfo(a, "MemTotal:       24000000 kB\nMemFree:         1000 kB\n"
				   "MemAvailable:   2048 kB\nBuffers:  1 kB\n"), 0);
	CHECK_INT(write_meminfo(b, "MemTotal:       4096 kB\nMemFree:         1000 kB\n"), 0);
	CHECK_INT(write_meminfo(c, "MemFree:         1000 kB\n"), 0);
	int ra = vm_host_memory(a, &bytes, &e);
	uint64_t got_a = bytes;
	int rb = vm_host_memory(b, &bytes, &e);
	uint64_t got_b = bytes;
	int rc = vm_host_memory(c, &bytes, &e);
	unlink(a), unlink(b), unlink(c);
	CHECK_INT(ra, 0);
	CHECK_INT(got_a, 2048ull << 10);
	CHECK_INT(rb, 0);
	CHECK_INT(got_b, 4096ull << 10);
	CHECK_INT(rc, -1);
	CHECK(strstr(e.msg, c) != NULL);
	CHECK_INT(vm_host_memory("/proc/meminfo", &bytes, &e), 0);
	CHECK(bytes > 0);
}

/* QEMU's one-dash spellings of cella's own options are the same options. */
static void qemu_spellings(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *a[] = { "vm", "-kernel", "Image", "-initrd", "rd", "-append", "-kernel x",
		      "-smp", "2", "-m", "64", "-nographic", "-no-reboot", "-serial-log", "s.log",
		      "-drive", "file=d.img,format=raw,if=virtio", NULL };

	CHECK_INT(parse(&cfg, &e, a), 0);
	CHECK_STR(cfg.kernel, "Image");
	CHECK_STR(cfg.initrd, "rd");
	CHECK_STR(cfg.append, "-kernel x");  /* an argument is never rewritten */
	CHECK_INT(cfg.smp, 2);
	CHECK_INT(cfg.mem_bytes, 64ull << 20);
	CHECK_STR(cfg.serial_log, "s.log");
	CHECK_STR(cfg.drive[0].file, "d.img");
	CHECK(!cfg.arch_given);
}

/* Errors name the word as typed (not the command name), and point QEMU users at cella's
 * spelling. */
static void errors_name_the_word(void)
{
	static struct vm_config cfg;
	struct cerr             e;
	char *a[] = { "vm", "-kernal", "Image", NULL };
	char *b[] = { "vm", "-netdev", "user,id=n0", NULL };
	char *c[] = { "vm", "--rng=yes", NULL };
	char *f[] = { "vm", "--smp", "65", NULL };
	char *g[] = { "vm", "-kernel", NULL };
	char *h[] = { "vm", "--a", "x", NULL };

	CHECK_INT(parse(&cfg, &e, a), -1);
	CHECK_STR(e.msg, "vm: unknown option '-kernal'");
	CHECK_INT(parse(&cfg, &e, b), -1);
	CHECK(strstr(e.msg, "unknown option '-netdev': use --net user") != NULL);
	CHECK_INT(parse(&cfg, &e, c), -1);
	CHECK_STR(e.msg, "vm: option '--rng' takes no argument");
	CHECK_INT(parse(&cfg, &e, f), -1);
	CHECK_STR(e.msg, "vm: --smp wants 1 to 64, not '65'");
	CHECK_INT(parse(&cfg, &e, g), -1);
	CHECK_STR(e.msg, "vm: option '-kernel' needs an argument");
	CHECK(e.usage);
	CHECK_INT(parse(&cfg, &e, h), -1);
	CHECK_STR(e.msg, "vm: option '--a' is ambiguous: --arch or --append or more");
	CHECK(vm_config_has_option("kernel"));
	CHECK(vm_config_has_option("kernel=Image"));
	CHECK(!vm_config_has_option("kern"));
}

int main(void)
{
	check_suite = "unit/vm_config";
	RUN(parses_every_flag);
	RUN(sizes_follow_qemu);
	RUN(bad_flags_are_usage_errors);
	RUN(trace_settings);
	RUN(gdb_flags_follow_qemu);
	RUN(accel_choices);
	RUN(host_memory_from_meminfo);
	RUN(qemu_spellings);
	RUN(errors_name_the_word);
	return check_failed_count ? 1 : 0;
}
