/* The riscv64 machine of `cella vm`: builds the virt board, runs one thread per hart until
 * the guest powers off (test finisher, HTIF, or Ctrl-A x), and returns the exit status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/virtio/mmio_empty.h"
#include "hw/virtio/virtio.h"
#include "target/riscv/jit/jit.h"
#include "target/riscv/virt_board.h"
#include "vm/machine.h"

/* End the machine with this status; the first caller wins. Safe from any thread. */
static void virt_exit(struct rv_virt *v, int status)
{
	pthread_mutex_lock(&v->exit_lock);
	if (!v->exiting) {
		v->exiting     = true;
		v->exit_status = status;
		if (v->gdb)
			rv_gdb_exit(v->gdb, status);
		for (unsigned i = 0; i < v->n_harts; i++)
			rv_hart_stop(v->hart[i]);
	}
	pthread_mutex_unlock(&v->exit_lock);
}

static void virt_power(void *opaque, enum power_event ev, int code)
{
	struct rv_virt *v = opaque;

	/* A reboot ends cella too (QEMU's -no-reboot): the caller can start it again. */
	if (ev == POWER_RESET)
		fprintf(stderr, "cella: guest asked for a reboot; stopping\n");
	virt_exit(v, code);
}

static void virt_quit(void *opaque)
{
	virt_exit(opaque, 0);
}

static void virt_signalled(void *opaque, int status)
{
	virt_exit(opaque, status);
}

static size_t virt_uart_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct rv_virt *v = opaque;
	return uart16550_receive(&v->uart, buf, n);
}

static void virt_htif_end(void *opaque, int status)
{
	virt_exit(opaque, status);
}

static void virt_htif(void *opaque, struct rv_hart *h, uint64_t pa)
{
	struct rv_virt *v = opaque;

	(void)h, (void)pa;
	rv_htif_tohost_written(&v->htif);
}

static uint64_t virt_time(void *opaque)
{
	struct rv_virt *v = opaque;
	return clint_mtime(&v->clint);
}

static void hart_irq(void *opaque, unsigned num, int level)
{
	rv_hart_set_irq(opaque, num, level);
}

static void *virt_hart_thread(void *opaque)
{
	struct rv_hart *h = opaque;
	struct rv_virt *v = h->env.opaque;

	if (v->gdb)
		rv_gdb_hart_thread(v->gdb, (unsigned)h->hartid);
	else
		rv_hart_run(h, 0);
	return NULL;
}

static int virt_trace_open(struct rv_virt *v, const struct vm_trace *t, struct cerr *e)
{
	FILE *out = stderr;

	if (t->file && !(out = fopen(t->file, "we")))
		return cerr_set(e, errno, "vm: --trace: open `%s`", t->file);
	if (out != stderr)
		setvbuf(out, NULL, _IOFBF, 64 * 1024);
	v->trace = (struct rv_trace){
		.out   = out,
		.what  = (t->what & VM_TRACE_EXCEPTIONS ? RV_TRACE_EXC : 0) |
			 (t->what & VM_TRACE_INTERRUPTS ? RV_TRACE_IRQ : 0) |
			 (t->what & VM_TRACE_RETURNS ? RV_TRACE_RET : 0),
		.hart  = t->hart,
		.pc_lo = t->pc_lo,
		.pc_hi = t->pc_hi,
	};
	pthread_mutex_init(&v->trace.lock, NULL);
	return 0;
}

static void virt_gdb_kill(void *opaque)
{
	fprintf(stderr, "cella: the debugger ended the machine\n");
	virt_exit(opaque, 0);
}

/* Listen before anything runs, so an address in use is an error at start. */
static int virt_gdb_open(struct rv_virt *v, const struct vm_config *cfg, struct cerr *e)
{
	if (!cfg->gdb)
		return 0;
	if (rv_gdb_open(&v->gdb, cfg->gdb, cfg->gdb_wait, v->hart, v->n_harts, virt_gdb_kill, v,
			e) < 0)
		return -1;
	fprintf(stderr, "cella: gdb stub on %s%s\n", rv_gdb_address(v->gdb),
		cfg->gdb_wait ? "; waiting for the debugger" : "");
	return 0;
}

static int virt_map(struct rv_virt *v, const char *name, uint64_t base, uint64_t size,
		    const struct bus_ops *ops, void *opaque, struct cerr *e)
{
	return bus_map(&v->bus, name, base, size, ops, opaque, e);
}

static int virt_build(struct rv_virt *v, const struct vm_config *cfg, struct cerr *e)
{
	struct irq_line msip[64], mtip[64], ctx[128];

	v->n_harts  = cfg->smp;
	v->ram_size = cfg->mem_bytes;
	if (v->ram_size < 16ull << 20 || v->ram_size > 64ull << 30)
		return cerr_usage(e, "vm: riscv64 memory must be 16M to 64G");
	v->ram = mmap(NULL, v->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->ram == MAP_FAILED) {
		v->ram = NULL;
		return cerr_set(e, errno, "riscv virt: allocating %llu MiB of guest RAM",
				(unsigned long long)(v->ram_size >> 20));
	}
	/* Transparent huge pages, as QEMU asks for its RAM too: the interpreter's guest loads and
	 * stores miss the host's TLB far less (a boot runs ~3 % faster). Only advice. */
	madvise(v->ram, v->ram_size, MADV_HUGEPAGE);
	if (guest_mem_add(&v->mem, VIRT_DRAM_BASE, v->ram_size, v->ram, e) < 0 ||
	    guest_mem_add(&v->mem, VIRT_MROM_BASE, VIRT_MROM_SIZE, v->mrom, e) < 0)
		return -1;

	struct rv_hart_env env = {
		.mem    = &v->mem,
		.bus    = &v->bus,
		.time   = virt_time,
		.opaque = v,
	};
	for (unsigned i = 0; i < v->n_harts; i++) {
		v->hart[i] = calloc(1, sizeof(struct rv_hart));
		if (!v->hart[i])
			return cerr_set(e, ENOMEM, "riscv virt: allocating hart %u", i);
		msip[i]          = (struct irq_line){ hart_irq, v->hart[i], RV_IRQ_MSI };
		mtip[i]          = (struct irq_line){ hart_irq, v->hart[i], RV_IRQ_MTI };
		ctx[2 * i]       = (struct irq_line){ hart_irq, v->hart[i], RV_IRQ_MEI };
		ctx[2 * i + 1]   = (struct irq_line){ hart_irq, v->hart[i], RV_IRQ_SEI };
	}
	if (clint_init(&v->clint, v->n_harts, VIRT_TIMEBASE_HZ, msip, mtip, e) < 0 ||
	    plic_init(&v->plic, VIRT_PLIC_NDEV + 1, 2 * v->n_harts, ctx, e) < 0 ||
	    goldfish_rtc_init(&v->rtc, plic_line(&v->plic, VIRT_RTC_IRQ), e) < 0)
		return -1;
	uart16550_init(&v->uart, STDOUT_FILENO, plic_line(&v->plic, VIRT_UART0_IRQ));
	if (cfg->serial_log && uart16550_log_to(&v->uart, cfg->serial_log, e) < 0)
		return cerr_wrap(e, "riscv virt");
	v->test = (struct sifive_test){ .power = virt_power, .opaque = v };

	if (virt_map(v, "test", VIRT_TEST_BASE, SIFIVE_TEST_WINDOW_SIZE, &sifive_test_ops, &v->test, e) < 0 ||
	    virt_map(v, "rtc", VIRT_RTC_BASE, GOLDFISH_RTC_WINDOW_SIZE, &goldfish_rtc_ops, &v->rtc, e) < 0 ||
	    virt_map(v, "clint", VIRT_CLINT_BASE, CLINT_WINDOW_SIZE, &clint_ops, &v->clint, e) < 0 ||
	    virt_map(v, "plic", VIRT_PLIC_BASE, PLIC_WINDOW_SIZE, &plic_ops, &v->plic, e) < 0 ||
	    virt_map(v, "uart0", VIRT_UART0_BASE, VIRT_UART0_SIZE, &uart16550_ops, &v->uart, e) < 0)
		return -1;

	if (virtio_devices_create(&v->virtio, cfg, &v->mem, e) < 0)
		return -1;
	v->virtio_created = true;
	if (v->virtio.n > VIRT_VIRTIO_COUNT)
		return cerr_usage(e, "vm: the riscv64 board has %d virtio slots; %d devices asked for",
				  VIRT_VIRTIO_COUNT, v->virtio.n);
	for (int i = 0; i < v->virtio.n; i++) {
		struct virtio_slot *s = &v->virtio.slot[i];
		if (virt_map(v, s->name, VIRT_VIRTIO_BASE + (uint64_t)i * VIRT_VIRTIO_STRIDE, s->size,
			     s->ops, s->opaque, e) < 0)
			return -1;
		virtio_mmio_set_irq(s->opaque, plic_line(&v->plic, VIRT_VIRTIO_IRQ + (unsigned)i));
	}
	/* the device tree lists all eight slots, as QEMU's: the rest answer "no device" */
	for (int i = v->virtio.n; i < VIRT_VIRTIO_COUNT; i++)
		if (virt_map(v, "virtio-empty", VIRT_VIRTIO_BASE + (uint64_t)i * VIRT_VIRTIO_STRIDE,
			     VIRT_VIRTIO_STRIDE, &virtio_mmio_empty_ops, NULL, e) < 0)
			return -1;

	if (rv_virt_boot_prepare(v, cfg, e) < 0)
		return -1;
	if (v->htif_tohost) {
		v->htif = (struct rv_htif){
			.mem      = &v->mem,
			.tohost   = v->htif_tohost,
			.fromhost = v->htif_fromhost,
			.out_fd   = STDOUT_FILENO,
			.end      = virt_htif_end,
			.opaque   = v,
		};
		env.watch_lo = v->htif_tohost;
		env.watch_hi = v->htif_tohost + 8;
		env.watch    = virt_htif;
	}
	if (cfg->trace.what && virt_trace_open(v, &cfg->trace, e) < 0)
		return -1;
	env.trace = v->trace.out ? &v->trace : NULL;
	bool jit = cfg->accel ? strcmp(cfg->accel, "jit") == 0 : rv_jit_supported();
	if (cfg->accel && strcmp(cfg->accel, "kvm") == 0)
		return cerr_usage(e, "vm: the riscv64 machine is emulated: --accel jit or interp");
	if (jit && !rv_jit_supported())
		return cerr_usage(e, "vm: --accel jit needs an x86-64 host; use --accel interp");
	for (unsigned i = 0; i < v->n_harts; i++) {
		if (rv_hart_init(v->hart[i], &env, i, v->start_pc, e) < 0)
			return -1;
		v->hart_ready[i] = true;
		if (jit && rv_jit_init(v->hart[i], e) < 0)
			return -1;
	}
	return 0;
}

static void virt_teardown(struct rv_virt *v)
{
	rv_gdb_close(v->gdb); /* its thread reads the harts: before they go */
	vm_signals_end(&v->signals);
	term_stop(&v->term);
	if (v->virtio_created)
		virtio_devices_free(&v->virtio);
	goldfish_rtc_destroy(&v->rtc);
	clint_destroy(&v->clint);
	plic_destroy(&v->plic);
	uart16550_destroy(&v->uart);
	for (unsigned i = 0; i < v->n_harts; i++) {
		if (v->hart_ready[i])
			rv_hart_destroy(v->hart[i]);
		free(v->hart[i]);
	}
	if (v->ram)
		munmap(v->ram, v->ram_size);
	if (v->trace.out) {
		if (v->trace.out != stderr)
			fclose(v->trace.out);
		else
			fflush(stderr);
		pthread_mutex_destroy(&v->trace.lock);
	}
	pthread_mutex_destroy(&v->exit_lock);
}

static int virt_run(const struct vm_config *cfg, struct cerr *e)
{
	struct rv_virt *v = calloc(1, sizeof(*v));
	int             rc = -1;
	unsigned        started = 0;

	if (!v)
		return cerr_set(e, ENOMEM, "riscv virt: allocating the board");
	pthread_mutex_init(&v->exit_lock, NULL);
	/* before any thread exists (the devices' timers start in virt_build) */
	vm_signals_block(&v->signals);
	if (virt_build(v, cfg, e) < 0 || virt_gdb_open(v, cfg, e) < 0)
		goto out;
	if (virtio_devices_start(&v->virtio, e) < 0 ||
	    term_start(&v->term, STDIN_FILENO, virt_uart_input, virt_quit, v, e) < 0 ||
	    vm_signals_watch(&v->signals, virt_signalled, v, e) < 0 ||
	    (v->gdb && rv_gdb_start(v->gdb, e) < 0))
		goto out;
	for (; started < v->n_harts; started++) {
		int err = pthread_create(&v->thread[started], NULL, virt_hart_thread, v->hart[started]);
		if (err) {
			cerr_set(e, err, "riscv virt: starting hart %u", started);
			virt_exit(v, 1);
			break;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(v->thread[i], NULL);
	if (started == v->n_harts)
		rc = v->exit_status;
out:
	virt_teardown(v);
	free(v);
	return rc;
}

const struct vm_machine rv_virt_machine = {
	.arch    = "riscv64",
	.summary = "RV64GC harts on QEMU's virt board layout, emulated in software",
	.run     = virt_run,
};
