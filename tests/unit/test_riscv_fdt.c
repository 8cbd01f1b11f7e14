/* Unit tests for the virt board's device tree (src/target/riscv/virt_fdt.c), read back with
 * libfdt the way OpenSBI and Linux read it: layout, the ISA in both of Linux's forms (and
 * against misa), the rng-seed. */
#include <libfdt.h>
#include <stdlib.h>

#include "check.h"
#include "target/riscv/virt.h"
#include "target/riscv/virt_board.h"

static uint8_t blob[64 * 1024];

static const char *prop_str(const void *fdt, const char *path, const char *name)
{
	int off = fdt_path_offset(fdt, path);
	return off < 0 ? NULL : fdt_getprop(fdt, off, name, NULL);
}

static void fdt_has_the_virt_layout(void)
{
	struct rv_virt_fdt_params p = {
		.n_harts      = 2,
		.isa          = "rv64imafdc_zicsr_zifencei",
		.mmu_type     = "riscv,sv48",
		.ram_bytes    = 256ull << 20,
		.bootargs     = "console=ttyS0 quiet",
		.initrd_start = 0x88200000,
		.initrd_end   = 0x88300000,
	};
	struct cerr e;
	int         len;

	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), 0);
	CHECK_INT(fdt_check_header(blob), 0);
	CHECK_STR(prop_str(blob, "/chosen", "bootargs"), "console=ttyS0 quiet");
	CHECK_STR(prop_str(blob, "/chosen", "stdout-path"), "/soc/serial@10000000");
	CHECK_STR(prop_str(blob, "/cpus/cpu@1", "riscv,isa"), "rv64imafdc_zicsr_zifencei");
	CHECK_STR(prop_str(blob, "/cpus/cpu@0", "mmu-type"), "riscv,sv48");
	CHECK_STR(prop_str(blob, "/soc/serial@10000000", "compatible"), "ns16550a");
	CHECK_STR(prop_str(blob, "/soc/clint@2000000", "compatible"), "sifive,clint0");
	CHECK_STR(prop_str(blob, "/soc/plic@c000000", "compatible"), "sifive,plic-1.0.0");
	CHECK_STR(prop_str(blob, "/soc/rtc@101000", "compatible"), "google,goldfish-rtc");
	CHECK_STR(prop_str(blob, "/soc/virtio_mmio@10008000", "compatible"), "virtio,mmio");
	CHECK_STR(prop_str(blob, "/poweroff", "compatible"), "syscon-poweroff");
	CHECK_STR(prop_str(blob, "/reboot", "compatible"), "syscon-reboot");

	int cpus = fdt_path_offset(blob, "/cpus");
	const fdt32_t *tb = fdt_getprop(blob, cpus, "timebase-frequency", &len);
	CHECK(tb && len == 4);
	CHECK_INT(fdt32_to_cpu(*tb), 10000000);

	int mem = fdt_path_offset(blob, "/memory@80000000");
	const fdt32_t *reg = fdt_getprop(blob, mem, "reg", &len);
	CHECK(reg && len == 16);
	CHECK_INT(fdt32_to_cpu(reg[1]), 0x80000000u);
	CHECK_INT(fdt32_to_cpu(reg[3]), 256u << 20);

	int chosen = fdt_path_offset(blob, "/chosen");
	const void *rd = fdt_getprop(blob, chosen, "linux,initrd-start", &len);
	CHECK(rd && len == 8);
	fdt64_t start; /* properties are only 4-byte aligned */
	memcpy(&start, rd, sizeof(start));
	CHECK_INT(fdt64_to_cpu(start), 0x88200000);

	/* the PLIC's interrupts-extended points at each hart's intc: M ext (11), S ext (9) */
	int plic = fdt_path_offset(blob, "/soc/plic@c000000");
	const fdt32_t *ie = fdt_getprop(blob, plic, "interrupts-extended", &len);
	CHECK(ie && len == 2 * 16);
	int intc1 = fdt_path_offset(blob, "/cpus/cpu@1/interrupt-controller");
	CHECK_INT(fdt32_to_cpu(ie[4]), fdt_get_phandle(blob, intc1));
	CHECK_INT(fdt32_to_cpu(ie[5]), 11);
	CHECK_INT(fdt32_to_cpu(ie[7]), 9);

	/* the UART's interrupt parent is the PLIC, source 10 */
	int uart = fdt_path_offset(blob, "/soc/serial@10000000");
	const fdt32_t *parent = fdt_getprop(blob, uart, "interrupt-parent", &len);
	CHECK(parent && fdt32_to_cpu(*parent) == fdt_get_phandle(blob, plic));
	const fdt32_t *irq = fdt_getprop(blob, uart, "interrupts", &len);
	CHECK(irq && fdt32_to_cpu(*irq) == 10);
}

static void fdt_without_initrd_or_bootargs(void)
{
	struct rv_virt_fdt_params p = { .n_harts = 1, .isa = "rv64imac", .mmu_type = "riscv,sv39",
					.ram_bytes = 64ull << 20 };
	struct cerr e;

	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), 0);
	CHECK(prop_str(blob, "/chosen", "bootargs") == NULL);
	CHECK(prop_str(blob, "/chosen", "linux,initrd-start") == NULL);
	CHECK(fdt_path_offset(blob, "/cpus/cpu@1") < 0);
}

static void fdt_too_small_buffer_is_an_error(void)
{
	struct rv_virt_fdt_params p = { .n_harts = 8, .isa = "rv64imac", .mmu_type = "riscv,sv39",
					.ram_bytes = 64ull << 20 };
	struct cerr e;

	CHECK_INT(rv_virt_fdt_build(blob, 512, &p, &e), -1);
	CHECK(strstr(e.msg, "device tree") != NULL);
	p.n_harts = 0;
	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), -1);
}

/* The board's ISA as riscv,isa, riscv,isa-base and riscv,isa-extensions, and the single
 * letters exactly misa's (but S and U, privilege modes, and B, which zba/zbb/zbs spell). */
static void fdt_isa_lists_match_misa(void)
{
	struct rv_virt_fdt_params p = { .n_harts = 1, .isa = RV_VIRT_ISA, .mmu_type = "riscv,sv48",
					.ram_bytes = 64ull << 20 };
	struct cerr e;
	int         len;

	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), 0);
	CHECK_STR(prop_str(blob, "/cpus/cpu@0", "riscv,isa"), RV_VIRT_ISA);
	CHECK_STR(prop_str(blob, "/cpus/cpu@0", "riscv,isa-base"), "rv64i");
	const char *ext = fdt_getprop(blob, fdt_path_offset(blob, "/cpus/cpu@0"),
				      "riscv,isa-extensions", &len);
	static const char want[] = "i\0m\0a\0f\0d\0c\0zicntr\0zicsr\0zifencei\0zihintpause\0"
				   "zicclsm\0zba\0zbb\0zbc\0zbs\0sdtrig\0sstc";
	CHECK(ext != NULL);
	CHECK_INT(len, sizeof(want));
	CHECK(memcmp(ext, want, sizeof(want)) == 0);

	struct rv_hart *h = calloc(1, sizeof(*h));
	uint8_t         ram[4096];
	struct guest_mem mem = { 0 };
	CHECK(h != NULL);
	CHECK_INT(guest_mem_add(&mem, 0x80000000, sizeof(ram), ram, &e), 0);
	struct rv_hart_env env = { .mem = &mem };
	CHECK_INT(rv_hart_init(h, &env, 0, 0x80000000, &e), 0);
	uint64_t letters = 0;
	for (const char *q = ext; q < ext + len; q += strlen(q) + 1)
		if (q[1] == '\0')
			letters |= 1ull << (q[0] - 'a');
	uint64_t misa = h->misa & ((1ull << 26) - 1);
	rv_hart_destroy(h);
	free(h);
	CHECK_INT(misa & ~(1ull << ('s' - 'a') | 1ull << ('u' - 'a') | 1ull << ('b' - 'a')), letters);
	CHECK(misa & (1ull << ('b' - 'a')));
	CHECK(strstr(RV_VIRT_ISA, "_zba_zbb_") && strstr(RV_VIRT_ISA, "_zbs"));

	p.isa = "rv32imac";
	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), -1);
	CHECK(strstr(e.msg, "rv32imac") != NULL);
	p.isa = "rv64imac__zicsr";
	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), -1);
}

/* /chosen/rng-seed: 64 bytes, the caller's when given, else fresh from getrandom() each time */
static void fdt_rng_seed(void)
{
	struct rv_virt_fdt_params p = { .n_harts = 1, .isa = "rv64imac", .mmu_type = "riscv,sv39",
					.ram_bytes = 64ull << 20 };
	static uint8_t other[64 * 1024];
	uint8_t        fixed[VIRT_RNG_SEED_BYTES];
	struct cerr    e;
	int            len, len2;

	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), 0);
	CHECK_INT(rv_virt_fdt_build(other, sizeof(other), &p, &e), 0);
	const uint8_t *a = fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "rng-seed", &len);
	const uint8_t *b = fdt_getprop(other, fdt_path_offset(other, "/chosen"), "rng-seed", &len2);
	CHECK(a && b);
	CHECK_INT(len, 64);
	CHECK_INT(len2, 64);
	CHECK(memcmp(a, b, 64) != 0);

	for (unsigned i = 0; i < sizeof(fixed); i++)
		fixed[i] = (uint8_t)(i * 7 + 1);
	p.rng_seed = fixed;
	CHECK_INT(rv_virt_fdt_build(blob, sizeof(blob), &p, &e), 0);
	a = fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "rng-seed", &len);
	CHECK(a && len == 64 && memcmp(a, fixed, 64) == 0);
}

int main(void)
{
	check_suite = "unit/riscv_fdt";
	RUN(fdt_has_the_virt_layout);
	RUN(fdt_without_initrd_or_bootargs);
	RUN(fdt_too_small_buffer_is_an_error);
	RUN(fdt_isa_lists_match_misa);
	RUN(fdt_rng_seed);
	return check_failed_count ? 1 : 0;
}
