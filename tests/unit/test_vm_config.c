/* Unit tests for `cella vm` option parsing (src/vm/config.c). */
#include <getopt.h>

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
	char *d[] = { "vm", "-s", NULL };  /* QEMU's gdb flag: not an abbreviation of --smp */
	char *f[] = { "vm", "--smp", "65", NULL };
	char *g[] = { "vm", "-kernel", NULL };
	char *h[] = { "vm", "--a", "x", NULL };

	CHECK_INT(parse(&cfg, &e, a), -1);
	CHECK_STR(e.msg, "vm: unknown option '-kernal'");
	CHECK_INT(parse(&cfg, &e, b), -1);
	CHECK(strstr(e.msg, "unknown option '-netdev': use --net user") != NULL);
	CHECK_INT(parse(&cfg, &e, c), -1);
	CHECK_STR(e.msg, "vm: option '--rng' takes no argument");
	CHECK_INT(parse(&cfg, &e, d), -1);
	CHECK_STR(e.msg, "vm: unknown option '-s'");
	CHECK_INT(parse(&cfg, &e, f), -1);
	CHECK_STR(e.msg, "vm: --smp wants 1 to 64, not '65'");
	CHECK_INT(parse(&cfg, &e, g), -1);
	CHECK_STR(e.msg, "vm: option '-kernel' needs an argument");
	CHECK(e.usage);
	CHECK_INT(parse(&cfg, &e, h), -1);
	CHECK_STR(e.msg, "vm: option '--a' is ambiguous: --arch or --append");
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
	RUN(qemu_spellings);
	RUN(errors_name_the_word);
	return check_failed_count ? 1 : 0;
}
