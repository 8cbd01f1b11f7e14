/* The `x86_64` machine of `cella vm`: a KVM VM with the in-kernel PIC, I/O APIC and PIT, an
 * 8250 UART at 0x3f8 (IRQ 4) on the terminal, an i8042 and the exit port, virtio-mmio devices
 * at 0xd0000000 + i * 4 KiB (IRQ 5 + i), and a Linux kernel booted directly through its
 * 64-bit (bzImage) or PVH (ELF) entry. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "hw/char/term.h"
#include "hw/char/uart16550.h"
#include "kvm/kvm.h"
#include "kvm/virtio.h"
#include "kvm/x86/boot.h"
#include "kvm/x86/bzimage.h"
#include "kvm/x86/cpu.h"
#include "kvm/x86/i8042.h"
#include "kvm/x86/ports.h"
#include "kvm/x86/pvh.h"
#include "vm/guest.h"
#include "vm/machine.h"
#include "vm/signals.h"

#define X86_TSS_ADDR      0xfffbd000ull  /* three pages KVM needs for real-mode emulation... */
#define X86_IDENTITY_ADDR 0xfffbc000ull  /* ...and one for its identity map, under the BIOS */
#define X86_UART_PORT     0x3f8
#define X86_UART_IRQ      4
/* virtio-mmio windows in the 32-bit hole, on the ISA interrupts after the UART's (5..15) */
#define X86_VIRTIO_BASE   0xd0000000ull
#define X86_VIRTIO_IRQ    5
#define X86_VIRTIO_MAX    11

struct x86_machine {
	struct kvm_vm     vm;
	struct uart16550  uart;
	struct term       term;
	bool              uart_ready, i8042_ready;
	struct i8042      i8042;
	struct kvm_virtio virtio;
	char              cmdline[BOOT_CMDLINE_MAX];
};

static size_t x86_console_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct x86_machine *m = opaque;
	return uart16550_receive(&m->uart, buf, n);
}

static void x86_console_quit(void *opaque)
{
	struct x86_machine *m = opaque;
	kvm_vm_stop(&m->vm, 0);
}

static int x86_check_config(const struct vm_config *cfg, struct cerr *e)
{
	if (cfg->bios && strcmp(cfg->bios, "none") != 0)
		return cerr_usage(e, "vm: the x86_64 machine boots the kernel directly; "
				  "--bios is not supported");
	if (cfg->accel && strcmp(cfg->accel, "kvm") != 0)
		return cerr_usage(e, "vm: the x86_64 machine runs on KVM (--accel kvm); --accel %s "
				  "is a riscv64 CPU", cfg->accel);
	if (cfg->trace.what)
		return cerr_usage(e, "vm: --trace follows an emulated CPU (--arch riscv64); "
				  "a KVM vCPU's traps are not seen by cella");
	unsigned n_virtio = (unsigned)(cfg->n_drives + cfg->n_nets + cfg->n_shares) + cfg->rng +
			    (cfg->console_file != NULL);
	if (n_virtio > X86_VIRTIO_MAX)
		return cerr_usage(e, "vm: the x86_64 machine has room for %d virtio devices, not %u",
				  X86_VIRTIO_MAX, n_virtio);
	return 0;
}

/* GSI i reaches 8259 pin i and I/O APIC pin i, except the PIT's GSI 0, which a PC wires to
 * INTIN 2 (the MP table says so too); GSI 2 is the 8259 cascade. */
static int x86_irq_routing(struct kvm_vm *vm, struct cerr *e)
{
	struct {
		struct kvm_irq_routing       hdr;
		struct kvm_irq_routing_entry ent[48];
	} r;
	unsigned n = 0;

	memset(&r, 0, sizeof(r));
	for (unsigned gsi = 0; gsi < 24; gsi++) {
		if (gsi == 2)
			continue;
		if (gsi < 16)
			r.ent[n++] = (struct kvm_irq_routing_entry){
				.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { .irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
								    KVM_IRQCHIP_PIC_SLAVE,
					       .pin = gsi % 8 },
			};
		r.ent[n++] = (struct kvm_irq_routing_entry){
			.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { .irqchip = KVM_IRQCHIP_IOAPIC, .pin = gsi ? gsi : 2 },
		};
	}
	r.hdr.nr = n;
	if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &r) < 0)
		return cerr_set(e, errno, "KVM_SET_GSI_ROUTING");
	return 0;
}

/* The x86 platform parts of KVM: its private pages under 4 GiB, then the irqchip and PIT. */
static int x86_vm_platform(struct kvm_vm *vm, struct cerr *e)
{
	uint64_t ident = X86_IDENTITY_ADDR;

	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)X86_TSS_ADDR) < 0)
		return cerr_set(e, errno, "KVM_SET_TSS_ADDR");
	if (kvm_vm_check_cap(vm, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
	    ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0)
		return cerr_set(e, errno, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return cerr_set(e, errno, "KVM_CREATE_IRQCHIP");
	if (x86_irq_routing(vm, e) < 0)
		return -1;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return cerr_set(e, errno, "KVM_CREATE_PIT2");
	return 0;
}

static int x86_open_initrd(const char *path, uint64_t *size, struct cerr *e)
{
	struct stat st;
	int         fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cerr_set(e, errno, "initrd `%s`", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		int err = errno;
		close(fd);
		if (S_ISREG(st.st_mode) && st.st_size == 0)
			return cerr_set(e, 0, "initrd `%s` is empty", path);
		return cerr_set(e, err ? err : EINVAL, "initrd `%s`: not a regular file", path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int x86_plan(bool is_elf, const struct bzimage *bz, const struct pvh_image *pvh,
		    uint64_t ram, uint64_t initrd_size, const char *cmdline, struct boot_plan *p,
		    struct cerr *e)
{
	if (!is_elf)
		return boot_plan(bz, ram, initrd_size, cmdline, p, e);
	/* an ELF kernel gives no initrd limit: keep it below 4 GiB, where low RAM ends anyway */
	return boot_plan_layout(p, ram, pvh->lo, pvh->hi, 0xffffffffull, PVH_CMDLINE_MAX,
				initrd_size, cmdline, e);
}

static int x86_boot(struct x86_machine *m, const struct vm_config *cfg, struct cerr *e)
{
	struct kvm_vm          *vm = &m->vm;
	cleanup_free char      *kernel = NULL;
	size_t                  kernel_len;
	cleanup_close int       initrd_fd = -1;
	uint64_t                initrd_size = 0;
	struct bzimage          bz;
	struct pvh_image        pvh;
	bool                    is_elf;
	struct boot_plan        plan;
	const char             *cmdline = cfg->append ? cfg->append : "";

	/* Everything about the guest's files is checked before KVM is touched. */
	if (file_read_all(cfg->kernel, &kernel, &kernel_len, e) < 0)
		return cerr_wrap(e, "kernel");
	is_elf = pvh_is_elf((const uint8_t *)kernel, kernel_len);
	if (is_elf ? pvh_parse((const uint8_t *)kernel, kernel_len, &pvh, e) < 0 :
		     bzimage_parse((const uint8_t *)kernel, kernel_len, &bz, e) < 0)
		return cerr_wrap(e, "kernel `%s`", cfg->kernel);
	if (cfg->initrd && (initrd_fd = x86_open_initrd(cfg->initrd, &initrd_size, e)) < 0)
		return -1;
	if (x86_plan(is_elf, &bz, &pvh, cfg->mem_bytes, initrd_size, cmdline, &plan, e) < 0)
		return -1;

	if (kvm_vm_open(vm, NULL, e) < 0 || x86_vm_platform(vm, e) < 0)
		return -1;
	if (kvm_vm_add_ram(vm, 0, plan.low_ram, e) < 0 ||
	    (plan.high_ram && kvm_vm_add_ram(vm, BOOT_HIGH_RAM, plan.high_ram, e) < 0))
		return -1;

	/* the devices come first on the command line: whatever follows " -- " is init's */
	if (kvm_virtio_setup(&m->virtio, vm, cfg, X86_VIRTIO_BASE, X86_VIRTIO_IRQ, e) < 0 ||
	    kvm_virtio_cmdline(&m->virtio, m->cmdline, sizeof(m->cmdline), e) < 0)
		return -1;
	size_t used = strlen(m->cmdline);
	if ((size_t)snprintf(m->cmdline + used, sizeof(m->cmdline) - used, "%s%s",
			     used && cmdline[0] ? " " : "", cmdline) >= sizeof(m->cmdline) - used)
		return cerr_set(e, 0, "the command line is too long");
	cmdline = m->cmdline;
	if (x86_plan(is_elf, &bz, &pvh, cfg->mem_bytes, initrd_size, cmdline, &plan, e) < 0)
		return -1;

	const uint8_t *image = (const uint8_t *)kernel;
	if (is_elf ? pvh_load(&vm->mem, &plan, image, &pvh, initrd_fd, cmdline, e) < 0 :
		     boot_load(&vm->mem, &plan, image, kernel_len, &bz, initrd_fd, cmdline, e) < 0)
		return -1;
	if (boot_write_mptable(&vm->mem, cfg->smp, e) < 0)
		return -1;

	uart16550_init(&m->uart, STDOUT_FILENO, kvm_vm_irq_line(vm, X86_UART_IRQ));
	m->uart_ready = true;
	if (cfg->serial_log && uart16550_log_to(&m->uart, cfg->serial_log, e) < 0)
		return cerr_wrap(e, "vm");
	if (bus_map(&vm->pio, "serial", X86_UART_PORT, UART16550_WINDOW, &uart16550_ops, &m->uart,
		    e) < 0 ||
	    x86_ports_map(vm, e) < 0)
		return -1;
	m->i8042_ready = true;
	if (i8042_map(&m->i8042, vm, e) < 0)
		return -1;

	if (kvm_vm_create_vcpus(vm, cfg->smp, e) < 0)
		return -1;
	for (unsigned i = 0; i < vm->n_vcpus; i++)
		if (x86_cpu_init(vm, &vm->vcpu[i], e) < 0)
			return -1;
	if (is_elf)
		return x86_cpu_pvh_regs(&vm->vcpu[0], pvh.entry, PVH_START_INFO, e);
	return x86_cpu_boot_regs(&vm->vcpu[0], plan.load_addr + BZ_ENTRY64_OFFSET,
				 BOOT_ZERO_PAGE, e);
}

/* SIGINT, SIGTERM, SIGHUP: end the run with the shell's status for the signal. */
static void x86_signalled(void *opaque, int status)
{
	struct x86_machine *m = opaque;
	kvm_vm_stop(&m->vm, status);
}

/* Without --kernel: the guest scripts/build-x86-guest made, with a command line that lets
 * its `poweroff -f` end the run (no ACPI here: init exits, the kernel panics and resets at
 * once through the i8042). */
#define X86_DEFAULT_APPEND \
	"console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nomux i8042.dumbkbd quiet"

static int x86_run(const struct vm_config *cfg_in, struct cerr *e)
{
	const struct vm_config *cfg = cfg_in;
	struct vm_config        with_guest;
	struct vm_guest_files   guest;

	if (cfg->gdb)
		return cerr_usage(e, "vm: --gdb, -s and -S work on --arch riscv64 only (so far)");
	if (!cfg->kernel) {
		if (vm_default_guest("x86_64", "bzImage", "scripts/build-x86-guest", &guest,
				     e) < 0)
			return -1;
		with_guest        = *cfg_in;
		with_guest.kernel = guest.kernel;
		if (!with_guest.initrd && guest.has_initrd)
			with_guest.initrd = guest.initrd;
		if (!with_guest.append)
			with_guest.append = X86_DEFAULT_APPEND;
		cfg = &with_guest;
	}
	if (x86_check_config(cfg, e) < 0)
		return -1;
	/* Most of the machine is room for vCPUs, devices and queues this run does not use. Fresh
	 * anonymous pages read as zero and stay unbacked until written; calloc would clear all
	 * 75 KiB from the heap and so make every page of it resident. */
	struct x86_machine *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return cerr_set(e, errno, "vm");
	m->vm.kvm_fd = m->vm.vm_fd = -1;

	struct vm_signals sig = { 0 };
	vm_signals_block(&sig);  /* before any thread starts, so only the watcher takes them */
	int rc = x86_boot(m, cfg, e);
	if (rc == 0)
		rc = kvm_virtio_start(&m->virtio, e);
	if (rc == 0)
		rc = vm_signals_watch(&sig, x86_signalled, m, e);
	if (rc == 0) {
		rc = term_start(&m->term, STDIN_FILENO, x86_console_input, x86_console_quit, m, e);
		if (rc == 0) {
			rc = kvm_vm_run(&m->vm, e);
			term_stop(&m->term);
		}
	}
	vm_signals_end(&sig);
	kvm_virtio_free(&m->virtio);  /* its loop thread stops before the VM goes */
	if (m->vm.vm_fd >= 0 || m->vm.kvm_fd >= 0)
		kvm_vm_close(&m->vm);
	if (m->uart_ready)
		uart16550_destroy(&m->uart);
	if (m->i8042_ready)
		i8042_destroy(&m->i8042);
	munmap(m, sizeof(*m));
	return rc;
}

const struct vm_machine kvm_x86_64_machine = {
	.arch    = "x86_64",
	.summary = "x86-64 guest on KVM: direct bzImage/PVH boot, 8250 console, virtio-mmio",
	.run     = x86_run,
};
