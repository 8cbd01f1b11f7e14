/* Getting software onto the virt board: firmware, kernel and initrd placed where QEMU places
 * them, the device tree just below the end of RAM, and the MROM reset vector that hands
 * OpenSBI its fw_dynamic_info (a0 = hartid, a1 = FDT, a2 = &info). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/elf.h"
#include "base/file.h"
#include "target/riscv/boot_image.h"
#include "target/riscv/virt_board.h"
#include "vm/guest.h"

#define MIB (1024ull * 1024ull)
#define FW_DYNAMIC_MAGIC   0x4942534full
#define FW_DYNAMIC_VERSION 2
#define FDT_MAX_SIZE       (64 * 1024)

static const char *const default_bios[] = {
	"/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin",
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Refuse to load [lo, hi) over the firmware already in RAM (fw_lo == fw_hi: none). */
static int virt_check_overlap(const struct rv_virt *v, const char *what, const char *path,
			      uint64_t lo, uint64_t hi, struct cerr *e)
{
	if (lo < v->fw_hi && hi > v->fw_lo)
		return cerr_set(e, 0, "riscv virt: %s `%s` at %#llx-%#llx overlaps the firmware at "
				"%#llx-%#llx (a bare-metal program wants --bios none)", what, path,
				(unsigned long long)lo, (unsigned long long)hi,
				(unsigned long long)v->fw_lo, (unsigned long long)v->fw_hi);
	return 0;
}

static const char *elf_machine_name(uint16_t m)
{
	switch (m) {
	case ELF_EM_X86_64: return " (x86-64)";
	case 183:           return " (arm64)";
	case 40:            return " (arm)";
	case 3:             return " (i386)";
	}
	return "";
}

/* A kernel's ELF outside RAM is linked at its virtual addresses, as Linux's vmlinux is
 * (0xffffffff80000000): like QEMU, load it at `slot` (2 MiB-aligned after the firmware),
 * keeping its layout. Linux on RISC-V runs wherever it is put. 0: keep the addresses. */
static uint64_t virt_elf_shift(const struct rv_virt *v, const struct elf_file *elf, uint64_t slot)
{
	uint64_t lo = UINT64_MAX;
	bool     in_ram = true;

	for (int i = 0; i < elf->n_seg; i++) {
		const struct elf_segment *s = &elf->seg[i];
		if (!guest_mem_ptr(&v->mem, s->paddr, s->memsz))
			in_ram = false;
		if (s->paddr < lo)
			lo = s->paddr;
	}
	return in_ram || !slot ? 0 : slot - lo;
}

static int virt_load_elf(struct rv_virt *v, const char *what, const char *path, const char *data,
			 size_t size, uint64_t slot, uint64_t *entry, uint64_t *end, bool want_htif,
			 struct cerr *e)
{
	struct elf_file elf;

	if (elf_parse(&elf, data, size, path, e) < 0)
		return cerr_wrap(e, "riscv virt: %s", what);
	if (elf.machine != ELF_EM_RISCV)
		return cerr_set(e, 0, "riscv virt: %s `%s` is an ELF for machine %u%s, not RISC-V",
				what, path, elf.machine, elf_machine_name(elf.machine));
	uint64_t shift = virt_elf_shift(v, &elf, slot);
	bool     entry_found = false;
	*end = 0;
	for (int i = 0; i < elf.n_seg; i++) {
		const struct elf_segment *s  = &elf.seg[i];
		uint64_t                  pa = s->paddr + shift;
		uint8_t *dst = guest_mem_ptr(&v->mem, pa, s->memsz);
		if (!dst)
			return cerr_set(e, 0, "riscv virt: %s `%s`: segment at %#llx+%#llx is "
					"outside RAM (%#llx+%#llx)%s", what, path,
					(unsigned long long)pa, (unsigned long long)s->memsz,
					(unsigned long long)VIRT_DRAM_BASE,
					(unsigned long long)v->ram_size,
					shift ? ": give the machine more memory (-m)" : "");
		if (virt_check_overlap(v, what, path, pa, pa + s->memsz, e) < 0)
			return -1;
		memcpy(dst, data + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
		if (pa + s->memsz > *end)
			*end = pa + s->memsz;
		/* the entry is a virtual address when the ELF was moved */
		uint64_t base = shift ? s->vaddr : s->paddr;
		if (!entry_found && elf.entry >= base && elf.entry - base < s->memsz) {
			*entry      = pa + (elf.entry - base);
			entry_found = true;
		}
	}
	if (!entry_found && !shift && elf.entry >= VIRT_DRAM_BASE &&
	    elf.entry - VIRT_DRAM_BASE < v->ram_size) {
		*entry      = elf.entry;  /* outside the segments but in RAM: the program knows */
		entry_found = true;
	}
	if (!entry_found)
		return cerr_set(e, 0, "riscv virt: %s `%s`: entry point %#llx is outside RAM",
				what, path, (unsigned long long)elf.entry);
	/* riscv-tests and other bare-metal programs report through HTIF */
	uint64_t tohost, fromhost;
	if (want_htif && elf_symbol(&elf, "tohost", &tohost) == 0) {
		v->htif_tohost = tohost;
		if (elf_symbol(&elf, "fromhost", &fromhost) == 0)
			v->htif_fromhost = fromhost;
	}
	return 0;
}

/* Load a file at gpa (raw, or a Linux Image) or at its segments' addresses (ELF; a kernel's
 * ELF linked outside RAM goes to gpa when relocatable). *entry and *end describe what was
 * loaded, *end including a Linux Image's bss. */
static int virt_load_image(struct rv_virt *v, const char *what, const char *path, uint64_t gpa,
			   bool relocatable, uint64_t *entry, uint64_t *end, bool want_htif,
			   struct cerr *e)
{
	cleanup_free char *data = NULL;
	size_t             size = 0;
	struct rv_image    img;

	if (file_read_all(path, &data, &size, e) < 0)
		return cerr_wrap(e, "riscv virt: %s", what);
	if (rv_image_identify((const uint8_t *)data, size, what, path, &img, e) < 0)
		return cerr_wrap(e, "riscv virt");
	if (img.kind == RV_IMAGE_ELF)
		return virt_load_elf(v, what, path, data, size, relocatable ? gpa : 0, entry, end,
				     want_htif, e);
	uint8_t *dst = guest_mem_ptr(&v->mem, gpa, img.mem_size);
	if (!dst)
		return cerr_set(e, 0, "riscv virt: %s `%s` (%llu bytes%s) does not fit in RAM at "
				"%#llx: give the machine more memory (-m)", what, path,
				(unsigned long long)img.mem_size,
				img.kind == RV_IMAGE_LINUX ? " with its bss" : "",
				(unsigned long long)gpa);
	if (virt_check_overlap(v, what, path, gpa, gpa + img.mem_size, e) < 0)
		return -1;
	memcpy(dst, data, size);
	*entry = gpa;
	*end   = gpa + img.mem_size;
	return 0;
}

static int virt_pick_bios(const struct vm_config *cfg, const char **path, struct cerr *e)
{
	if (cfg->bios && strcmp(cfg->bios, "none") == 0) {
		*path = NULL;
		return 0;
	}
	if (cfg->bios && strcmp(cfg->bios, "default") != 0) {
		*path = cfg->bios;
		return 0;
	}
	for (size_t i = 0; i < sizeof(default_bios) / sizeof(default_bios[0]); i++) {
		if (access(default_bios[i], R_OK) == 0) {
			*path = default_bios[i];
			return 0;
		}
	}
	return cerr_set(e, 0, "riscv virt: no firmware: Debian's OpenSBI (%s) is not "
			"installed; install the `opensbi` package, or pass --bios PATH or --bios none",
			default_bios[0]);
}

/* The reset vector at 0x1000, as QEMU's virt board has it: every hart runs it. */
static void virt_write_mrom(struct rv_virt *v, uint64_t start, uint64_t fdt, uint64_t next,
			    uint64_t next_mode)
{
	static const uint32_t code[] = {
		0x00000297, /* auipc t0, 0          t0 = 0x1000 */
		0x02828613, /* addi  a2, t0, 40     a2 = &fw_dynamic_info */
		0xf1402573, /* csrr  a0, mhartid */
		0x0202b583, /* ld    a1, 32(t0)     FDT address */
		0x0182b283, /* ld    t0, 24(t0)     firmware entry */
		0x00028067, /* jr    t0 */
	};
	uint64_t data[] = {
		start, fdt,
		/* fw_dynamic_info */
		FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next, next_mode, 0 /* options */,
		0 /* boot_hart */,
	};

	memset(v->mrom, 0, sizeof(v->mrom));
	memcpy(v->mrom, code, sizeof(code));
	memcpy(v->mrom + sizeof(code), data, sizeof(data));
}

int rv_virt_boot_prepare(struct rv_virt *v, const struct vm_config *cfg_in, struct cerr *e)
{
	struct vm_config cfg_copy;
	const struct vm_config *cfg = cfg_in;
	struct vm_guest_files guest;

	const char *bios;
	uint64_t    fw_entry = VIRT_DRAM_BASE, fw_end = VIRT_DRAM_BASE;
	uint64_t    k_entry = 0, k_end = 0, rd_start = 0, rd_end = 0;

	if (virt_pick_bios(cfg, &bios, e) < 0)
		return -1;
	if (!bios && !cfg->kernel)
		return cerr_usage(e, "vm: --bios none needs --kernel");
	if (!cfg->kernel) {
		if (vm_default_guest("riscv64", "Image", "scripts/build-riscv-guest", &guest, e) < 0)
			return -1;
		cfg_copy        = *cfg_in;
		cfg_copy.kernel = guest.kernel;
		if (!cfg_copy.initrd && guest.has_initrd)
			cfg_copy.initrd = guest.initrd;
		if (!cfg_copy.append)
			cfg_copy.append = "console=ttyS0 quiet";
		cfg = &cfg_copy;
	}

	if (bios && virt_load_image(v, "firmware", bios, VIRT_DRAM_BASE, false, &fw_entry, &fw_end,
				    false, e) < 0)
		return -1;
	if (bios) {
		v->fw_lo = VIRT_DRAM_BASE;
		v->fw_hi = align_up(fw_end, 2 * MIB); /* its bss and heap reach up to here */
	}
	if (cfg->kernel) {
		/* After firmware: the next 2 MiB boundary (0x80200000 for OpenSBI); without
		 * firmware the kernel is the first thing in RAM. */
		uint64_t at = bios ? align_up(fw_end, 2 * MIB) : VIRT_DRAM_BASE;
		if (virt_load_image(v, "kernel", cfg->kernel, at, bios != NULL, &k_entry, &k_end,
				    !bios, e) < 0)
			return -1;
	}

	/* The FDT goes 2 MiB-aligned just below the end of RAM (or of the first 3 GiB). */
	uint64_t top     = VIRT_DRAM_BASE + (v->ram_size < 3072 * MIB ? v->ram_size : 3072 * MIB);
	uint64_t fdt_gpa = (top - FDT_MAX_SIZE) & ~(2 * MIB - 1);
	if (fdt_gpa < (k_end > fw_end ? k_end : fw_end))
		return cerr_set(e, 0, "riscv virt: %llu MiB of RAM is too little for the "
				"images: give the machine more memory (-m)",
				(unsigned long long)(v->ram_size / MIB));

	if (cfg->initrd) {
		cleanup_free char *data = NULL;
		size_t             size = 0;
		if (file_read_all(cfg->initrd, &data, &size, e) < 0)
			return cerr_wrap(e, "riscv virt: initrd");
		/* QEMU's rule: half of RAM (at most 128 MiB) above the kernel's start */
		uint64_t half = v->ram_size / 2 < 128 * MIB ? v->ram_size / 2 : 128 * MIB;
		rd_start = (k_entry ? k_entry : VIRT_DRAM_BASE) + half;
		if (rd_start < k_end)
			rd_start = align_up(k_end, 4096);
		rd_end = rd_start + size;
		uint8_t *dst = rd_end <= fdt_gpa ? guest_mem_ptr(&v->mem, rd_start, size) : NULL;
		if (!dst)
			return cerr_set(e, 0, "riscv virt: initrd `%s` (%zu bytes) does not fit "
					"in RAM: give the machine more memory (-m)", cfg->initrd, size);
		memcpy(dst, data, size);
	}

	struct rv_virt_fdt_params fp = {
		.n_harts      = v->n_harts,
		.isa          = RV_VIRT_ISA,
		.mmu_type     = "riscv,sv48",
		.ram_bytes    = v->ram_size,
		.bootargs     = cfg->append,
		.initrd_start = rd_start,
		.initrd_end   = rd_end,
	};
	uint8_t *fdt = guest_mem_ptr(&v->mem, fdt_gpa, FDT_MAX_SIZE);
	if (!fdt || rv_virt_fdt_build(fdt, FDT_MAX_SIZE, &fp, e) < 0)
		return cerr_wrap(e, "riscv virt");
	v->fdt_gpa = fdt_gpa;

	/* Every hart starts in the reset vector, as on QEMU's virt board. With firmware it
	 * enters the firmware, which enters the kernel in S-mode; without, it enters the program
	 * itself in M-mode. Either way a0 = hartid, a1 = FDT. */
	v->start_pc = VIRT_MROM_BASE;
	if (bios)
		virt_write_mrom(v, fw_entry, fdt_gpa, k_entry ? k_entry : align_up(fw_end, 2 * MIB),
				1 /* S-mode */);
	else
		virt_write_mrom(v, k_entry, fdt_gpa, k_entry, 3 /* M-mode */);
	return 0;
}
