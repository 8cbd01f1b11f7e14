/* The virt board's device tree, built with libfdt. Node names, compatibles and phandle
 * wiring follow QEMU's virt board, which is what OpenSBI's generic platform and Linux probe. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "target/riscv/virt.h"

#define PHANDLE_TEST 1
#define PHANDLE_PLIC 2
#define PHANDLE_CPU(h)  (0x100u + 2u * (h))
#define PHANDLE_INTC(h) (0x101u + 2u * (h))

/* Standard local interrupt numbers, as cpu-intc cells. */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11

/* libfdt calls return negative FDT_ERR_*; turn the first failure into one cerr. */
#define FDT_TRY(call)                                                                          \
	do {                                                                                   \
		int fdt_rc_ = (call);                                                          \
		if (fdt_rc_ < 0)                                                               \
			return cerr_set(e, ENOSPC, "riscv virt: device tree: %s: %s", #call,   \
					fdt_strerror(fdt_rc_));                                \
	} while (0)

static int fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt32_t cells[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
			     cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size) };

	return fdt_property(fdt, "reg", cells, sizeof(cells));
}

static int fdt_compat2(void *fdt, const char *a, const char *b)
{
	char   buf[128];
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;

	memcpy(buf, a, la);
	if (b)
		memcpy(buf + la, b, lb);
	return fdt_property(fdt, "compatible", buf, (int)(la + lb));
}

/* riscv,isa-base and riscv,isa-extensions (which Linux 6.12 prefers to riscv,isa), from the
 * riscv,isa string: "rv64imac_zicsr_sstc" gives "rv64i" and "i", "m", "a", "c", "zicsr",
 * "sstc". One list of what the hart implements, so the three cannot disagree. */
static int fdt_isa_lists(void *fdt, const char *isa, struct cerr *e)
{
	char        list[512];
	size_t      n = 0;
	const char *q = isa + 4;

	if (strncmp(isa, "rv64i", 5) != 0)
		return cerr_set(e, EINVAL, "riscv virt: ISA string `%s` does not start with rv64i", isa);
	for (; *q && *q != '_'; q++) {
		if (*q < 'a' || *q > 'z' || n + 2 > sizeof(list))
			return cerr_set(e, EINVAL, "riscv virt: ISA string `%s`: bad letter", isa);
		list[n++] = *q;
		list[n++] = '\0';
	}
	while (*q == '_') {
		size_t len = strcspn(++q, "_");
		if (len == 0 || n + len + 1 > sizeof(list))
			return cerr_set(e, EINVAL, "riscv virt: ISA string `%s`: bad extension", isa);
		memcpy(list + n, q, len);
		n += len;
		list[n++] = '\0';
		q += len;
	}
	if (*q)
		return cerr_set(e, EINVAL, "riscv virt: ISA string `%s`: bad extension", isa);
	FDT_TRY(fdt_property_string(fdt, "riscv,isa-base", "rv64i"));
	FDT_TRY(fdt_property(fdt, "riscv,isa-extensions", list, (int)n));
	return 0;
}

static int virt_fdt_cpus(void *fdt, const struct rv_virt_fdt_params *p, struct cerr *e)
{
	char name[32];

	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_cell(fdt, "#address-cells", 1));
	FDT_TRY(fdt_property_cell(fdt, "#size-cells", 0));
	FDT_TRY(fdt_property_cell(fdt, "timebase-frequency", VIRT_TIMEBASE_HZ));
	for (unsigned h = 0; h < p->n_harts; h++) {
		snprintf(name, sizeof(name), "cpu@%u", h);
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_CPU(h)));
		FDT_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_TRY(fdt_property_cell(fdt, "reg", h));
		FDT_TRY(fdt_property_string(fdt, "status", "okay"));
		FDT_TRY(fdt_property_string(fdt, "compatible", "riscv"));
		FDT_TRY(fdt_property_string(fdt, "riscv,isa", p->isa));
		if (fdt_isa_lists(fdt, p->isa, e) < 0)
			return -1;
		FDT_TRY(fdt_property_string(fdt, "mmu-type", p->mmu_type));
		FDT_TRY(fdt_begin_node(fdt, "interrupt-controller"));
		FDT_TRY(fdt_property_cell(fdt, "#interrupt-cells", 1));
		FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
		FDT_TRY(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_INTC(h)));
		FDT_TRY(fdt_end_node(fdt));
		FDT_TRY(fdt_end_node(fdt));
	}
	FDT_TRY(fdt_begin_node(fdt, "cpu-map"));
	FDT_TRY(fdt_begin_node(fdt, "cluster0"));
	for (unsigned h = 0; h < p->n_harts; h++) {
		snprintf(name, sizeof(name), "core%u", h);
		FDT_TRY(fdt_begin_node(fdt, name));
		FDT_TRY(fdt_property_cell(fdt, "cpu", PHANDLE_CPU(h)));
		FDT_TRY(fdt_end_node(fdt));
	}
	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

/* interrupts-extended = <&intc0 a &intc0 b &intc1 a ...> */
static int fdt_irqs_ext(void *fdt, unsigned n_harts, uint32_t a, uint32_t b)
{
	fdt32_t cells[4 * 64];

	for (unsigned h = 0; h < n_harts; h++) {
		cells[4 * h + 0] = cpu_to_fdt32(PHANDLE_INTC(h));
		cells[4 * h + 1] = cpu_to_fdt32(a);
		cells[4 * h + 2] = cpu_to_fdt32(PHANDLE_INTC(h));
		cells[4 * h + 3] = cpu_to_fdt32(b);
	}
	return fdt_property(fdt, "interrupts-extended", cells, (int)(16 * n_harts));
}

static int virt_fdt_device(void *fdt, const char *name, uint64_t base, uint64_t size,
			   const char *compat, unsigned irq, struct cerr *e)
{
	FDT_TRY(fdt_begin_node(fdt, name));
	FDT_TRY(fdt_property_cell(fdt, "interrupts", irq));
	FDT_TRY(fdt_property_cell(fdt, "interrupt-parent", PHANDLE_PLIC));
	FDT_TRY(fdt_reg(fdt, base, size));
	FDT_TRY(fdt_property_string(fdt, "compatible", compat));
	return 0;
}

static int virt_fdt_soc(void *fdt, const struct rv_virt_fdt_params *p, struct cerr *e)
{
	char name[48];

	FDT_TRY(fdt_begin_node(fdt, "soc"));
	FDT_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_cell(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	FDT_TRY(fdt_property(fdt, "ranges", NULL, 0));

	if (virt_fdt_device(fdt, "rtc@101000", VIRT_RTC_BASE, 0x1000, "google,goldfish-rtc",
			    VIRT_RTC_IRQ, e) < 0)
		return -1;
	FDT_TRY(fdt_end_node(fdt));

	if (virt_fdt_device(fdt, "serial@10000000", VIRT_UART0_BASE, VIRT_UART0_SIZE, "ns16550a",
			    VIRT_UART0_IRQ, e) < 0)
		return -1;
	FDT_TRY(fdt_property_cell(fdt, "clock-frequency", VIRT_UART_CLOCK_HZ));
	FDT_TRY(fdt_end_node(fdt));

	FDT_TRY(fdt_begin_node(fdt, "test@100000"));
	FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_TEST));
	FDT_TRY(fdt_reg(fdt, VIRT_TEST_BASE, 0x1000));
	FDT_TRY(fdt_property(fdt, "compatible", "sifive,test1\0sifive,test0\0syscon",
			     sizeof("sifive,test1\0sifive,test0\0syscon")));
	FDT_TRY(fdt_end_node(fdt));

	/* Listed from the last slot down, as QEMU does: Linux numbers them in reverse. */
	for (int i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
		uint64_t base = VIRT_VIRTIO_BASE + (uint64_t)i * VIRT_VIRTIO_STRIDE;
		snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
		if (virt_fdt_device(fdt, name, base, VIRT_VIRTIO_STRIDE, "virtio,mmio",
				    VIRT_VIRTIO_IRQ + (unsigned)i, e) < 0)
			return -1;
		FDT_TRY(fdt_end_node(fdt));
	}

	FDT_TRY(fdt_begin_node(fdt, "plic@c000000"));
	FDT_TRY(fdt_property_cell(fdt, "phandle", PHANDLE_PLIC));
	FDT_TRY(fdt_property_cell(fdt, "riscv,ndev", VIRT_PLIC_NDEV));
	FDT_TRY(fdt_reg(fdt, VIRT_PLIC_BASE, 0x600000));
	FDT_TRY(fdt_irqs_ext(fdt, p->n_harts, IRQ_M_EXT, IRQ_S_EXT));
	FDT_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_TRY(fdt_compat2(fdt, "sifive,plic-1.0.0", "riscv,plic0"));
	FDT_TRY(fdt_property_cell(fdt, "#address-cells", 0));
	FDT_TRY(fdt_property_cell(fdt, "#interrupt-cells", 1));
	FDT_TRY(fdt_end_node(fdt));

	FDT_TRY(fdt_begin_node(fdt, "clint@2000000"));
	FDT_TRY(fdt_irqs_ext(fdt, p->n_harts, IRQ_M_SOFT, IRQ_M_TIMER));
	FDT_TRY(fdt_reg(fdt, VIRT_CLINT_BASE, 0x10000));
	FDT_TRY(fdt_compat2(fdt, "sifive,clint0", "riscv,clint0"));
	FDT_TRY(fdt_end_node(fdt));

	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

static int virt_fdt_syscon(void *fdt, const char *node, const char *compat, uint32_t value,
			   struct cerr *e)
{
	FDT_TRY(fdt_begin_node(fdt, node));
	FDT_TRY(fdt_property_cell(fdt, "value", value));
	FDT_TRY(fdt_property_cell(fdt, "offset", 0));
	FDT_TRY(fdt_property_cell(fdt, "regmap", PHANDLE_TEST));
	FDT_TRY(fdt_property_string(fdt, "compatible", compat));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

int rv_virt_fdt_build(void *buf, size_t size, const struct rv_virt_fdt_params *p,
		      struct cerr *e)
{
	void *fdt = buf;

	if (p->n_harts < 1 || p->n_harts > 64)
		return cerr_set(e, EINVAL, "riscv virt: %u harts (1 to 64)", p->n_harts);
	FDT_TRY(fdt_create(fdt, (int)size));
	FDT_TRY(fdt_finish_reservemap(fdt));
	FDT_TRY(fdt_begin_node(fdt, ""));
	FDT_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_cell(fdt, "#size-cells", 2));
	FDT_TRY(fdt_property_string(fdt, "compatible", "riscv-virtio"));
	FDT_TRY(fdt_property_string(fdt, "model", "riscv-virtio,cella"));

	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	/* entropy for the guest's crng from the first instant, as QEMU gives (Linux would wait
	 * for its own jitter collection otherwise, ~30 s here) */
	uint8_t seed[VIRT_RNG_SEED_BYTES];
	if (p->rng_seed)
		memcpy(seed, p->rng_seed, sizeof(seed));
	else if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		return cerr_set(e, errno, "riscv virt: device tree: getrandom for rng-seed");
	FDT_TRY(fdt_property(fdt, "rng-seed", seed, sizeof(seed)));
	if (p->initrd_end > p->initrd_start) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	if (p->bootargs)
		FDT_TRY(fdt_property_string(fdt, "bootargs", p->bootargs));
	FDT_TRY(fdt_property_string(fdt, "stdout-path", "/soc/serial@10000000"));
	FDT_TRY(fdt_end_node(fdt));

	if (virt_fdt_syscon(fdt, "poweroff", "syscon-poweroff", 0x5555, e) < 0 ||
	    virt_fdt_syscon(fdt, "reboot", "syscon-reboot", 0x7777, e) < 0)
		return -1;

	FDT_TRY(fdt_begin_node(fdt, "memory@80000000"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
	FDT_TRY(fdt_reg(fdt, VIRT_DRAM_BASE, p->ram_bytes));
	FDT_TRY(fdt_end_node(fdt));

	if (virt_fdt_cpus(fdt, p, e) < 0 || virt_fdt_soc(fdt, p, e) < 0)
		return -1;

	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_finish(fdt));
	return 0;
}
