/* `cella vm`: boot a guest on the machine for its architecture (emulated or KVM). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "host/host.h"
#include "vm/config.h"
#include "vm/guest.h"
#include "vm/machine.h"

/* Without --kernel the x86_64 machine boots its default guest, which a user may be about to
 * spend half an hour building: first ask the host probe whether KVM can run it at all, and if
 * not, name what runs here instead (the riscv64 machine needs no privilege or hardware). */
static int vm_check_kvm(const struct vm_config *cfg, struct cerr *e)
{
	static struct host_report r;
	struct vm_guest_files     rv;
	struct cerr               ignored;

	if (cfg->kernel || strcmp(cfg->arch, "x86_64") != 0)
		return 0;
	if (host_probe(NULL, &r, e) < 0)
		return cerr_wrap(e, "vm");
	if (r.kvm_vm.usable)
		return 0;
	bool rv_built = vm_default_guest("riscv64", "Image", "", &rv, &ignored) == 0;
	return cerr_set(e, 0, "vm: the x86_64 machine%s needs KVM, which is not usable here: %s. "
			"The riscv64 machine is emulated and runs on any host: %s",
			cfg->arch_given ? "" : " (the default on this host)", r.kvm_vm.why,
			rv_built ? "cella vm --arch riscv64"
				 : "scripts/build-riscv-guest, then cella vm --arch riscv64");
}

static int vm_run(const struct cli_globals *g, int argc, char **argv, struct cerr *e)
{
	static struct vm_config cfg;

	(void)g;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "-help") == 0) {
			fputs(cmd_vm.usage, stdout);
			return 0;
		}
	}
	if (vm_config_parse(&cfg, argc, argv, e) < 0 || vm_check_kvm(&cfg, e) < 0)
		return -1;
	/* guest RAM is reserved lazily, so a size beyond the host's only fails once the guest
	 * touches it (the host swaps or kills cella): say so, but run as asked, as QEMU does */
	uint64_t    host;
	struct cerr he;
	if (vm_host_memory("/proc/meminfo", &host, &he) == 0 && cfg.mem_bytes > host)
		log_warn("vm: -m %llu MiB is more than the %llu MiB this host has available; the "
			 "guest may be killed or the host swap once the guest uses it",
			 (unsigned long long)(cfg.mem_bytes >> 20), (unsigned long long)(host >> 20));
	const struct vm_machine *m = vm_machine_find(cfg.arch);
	if (!m)
		return cerr_set(e, 0, "vm: this build of cella has no %s machine", cfg.arch);
	return m->run(&cfg, e);
}

const struct cli_command cmd_vm = {
	.name    = "vm",
	.summary = "boot a virtual machine (riscv64 emulated, x86_64 with KVM)",
	.usage   =
	"Usage: cella vm [--arch riscv64|x86_64] [-m SIZE] [--smp N] [--bios PATH|default|none]\n"
	"                [--kernel FILE] [--initrd FILE] [--append CMDLINE]\n"
	"                [--drive file=IMG[,readonly]]... [--net user[,hostfwd=...]|tap=NAME]...\n"
	"                [--9p DIR,TAG]... [--rng] [--console-file FILE] [--serial-log FILE]\n"
	"                [--gdb tcp:[HOST]:PORT|unix:PATH] [-s] [-S] [--trace WHAT[,...]]\n"
	"                [--accel jit|interp|kvm]\n\n"
	"Boot a guest. The default --arch is x86_64 (KVM) on an x86_64 host, else riscv64;\n"
	"riscv64 is emulated and runs anywhere ('cella host' says what this machine can run).\n"
	"Without --kernel, the machine's default guest boots (scripts/build-riscv-guest and\n"
	"scripts/build-x86-guest build them). The guest's serial console is the terminal;\n"
	"cella exits when the guest powers off.\n\n"
	"Options:\n"
	"  --arch ARCH          riscv64 (software emulation) or x86_64 (KVM)\n"
	"  -m, --memory SIZE    guest RAM: 256M (the default), 1G, 512 (MiB)\n"
	"  --smp N              number of CPUs, 1 to 64 (default 1)\n"
	"  --bios B             riscv64 firmware: a file, 'default' (Debian's OpenSBI) or 'none'\n"
	"  --kernel FILE        a Linux kernel (riscv64: Image or ELF; x86_64: bzImage or PVH\n"
	"                       ELF), or a bare-metal program with --bios none\n"
	"  --initrd FILE        initial RAM disk\n"
	"  --append CMDLINE     kernel command line\n"
	"  --drive file=IMG     a raw disk image as virtio-blk; ',readonly' to refuse writes\n"
	"  --net user           user-mode network (libslirp); ',hostfwd=tcp::2222-:22' forwards\n"
	"  --net tap=NAME       a host tap interface\n"
	"  --9p DIR,TAG         share a host folder over virtio-9p under mount tag TAG\n"
	"  --rng                virtio-rng fed by the host's getrandom()\n"
	"  --console-file FILE  virtio-console (hvc0) output to FILE\n"
	"  --serial-log FILE    also copy the serial console's output to FILE\n"
	"  --gdb ADDRESS        serve the GDB remote protocol (riscv64): tcp:HOST:PORT,\n"
	"                       tcp::PORT (on 127.0.0.1) or unix:PATH; every CPU is a thread\n"
	"  -s                   --gdb tcp::1234, listening on 127.0.0.1:1234 (QEMU's -s)\n"
	"  -S                   CPUs wait for the debugger before their first instruction\n"
	"  --accel A            the CPU: riscv64 jit (block compiler, the default on x86-64\n"
	"                       hosts) or interp (interpreter); x86_64 kvm\n"
	"  --trace WHAT         riscv64: log each trap as a line; WHAT is traps, exceptions,\n"
	"                       interrupts or returns, with file=PATH (default stderr),\n"
	"                       hart=N, pc=LO-HI (hex) to narrow it\n"
	"  -h, --help           show this help\n"
	"QEMU's one-dash spellings work too (-kernel, -append, -smp, ...); -nographic and\n"
	"-no-reboot are accepted, since cella always runs so.\n\n"
	"Console keys (when stdin is a terminal):\n"
	"  Ctrl-A x             quit: stop the machine\n"
	"  Ctrl-A h             list these keys\n"
	"  Ctrl-A Ctrl-A        send one Ctrl-A to the guest\n\n"
	"Exit status:\n"
	"  0       the guest powered off, or rebooted (cella stops, like QEMU's -no-reboot),\n"
	"          or Ctrl-A x\n"
	"  N       riscv64 bare-metal test N failed (HTIF tohost, or the test device's code)\n"
	"  2V+1    x86_64: the guest wrote V to port 0x501 (QEMU's isa-debug-exit)\n"
	"  1       cella failed; the message says what\n"
	"  2       bad options\n"
	"  128+N   cella got signal N (SIGINT 130, SIGTERM 143, SIGHUP 129)\n",
	.run     = vm_run,
};
