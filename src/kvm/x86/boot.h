/* The x86-64 guest's memory map and direct Linux boot: where RAM is (below the 32-bit PCI
 * hole and above 4 GiB), the e820 table, where the kernel, command line, initrd, zero page,
 * page tables and GDT go, and writing them into guest RAM. */
#ifndef CELLA_KVM_X86_BOOT_H
#define CELLA_KVM_X86_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/bus.h"
#include "kvm/x86/bzimage.h"

/* Fixed low-memory layout (all below 1 MiB, in RAM the kernel is told is usable or reserved). */
#define BOOT_GDT          0x500
#define BOOT_STACK_TOP    0x7000   /* a small stack below the zero page, for simple guests */
#define BOOT_ZERO_PAGE    0x7000   /* struct boot_params */
#define BOOT_PML4         0x9000
#define BOOT_PDPT         0xa000
#define BOOT_PD           0xb000   /* four pages: 2 MiB pages identity-mapping 0..4 GiB */
#define BOOT_CMDLINE      0x20000
#define BOOT_CMDLINE_MAX  0x10000
#define BOOT_MPTABLE      0x9f000  /* MP configuration table: the last 4 KiB of base memory, */
#define BOOT_MPFLOAT      0x9fc00  /* reserved in e820; its pointer in the very last KiB */
#define BOOT_LOW_END      0xa0000  /* base memory ends at the VGA hole */

#define BOOT_PCI_HOLE     0xc0000000ull  /* RAM stops at 3 GiB; devices live above */
#define BOOT_HIGH_RAM     0x100000000ull /* the rest of RAM continues at 4 GiB */

/* Selectors of the boot GDT, as Linux's own boot code uses them (and a 32-bit code segment for
 * the PVH entry). */
#define BOOT_CS32         0x08
#define BOOT_CS           0x10
#define BOOT_DS           0x18
#define BOOT_TSS          0x20

#define E820_RAM          1
#define E820_RESERVED     2
#define BOOT_E820_MAX     8

struct boot_e820 {
	uint64_t addr, size;
	uint32_t type;
};

struct boot_plan {
	uint64_t         low_ram, high_ram;   /* bytes at 0 and at 4 GiB */
	uint64_t         load_addr, kernel_end;
	uint64_t         initrd_addr, initrd_size;
	size_t           cmdline_len;
	int              n_e820;
	struct boot_e820 e820[BOOT_E820_MAX];
};

/* Decide the memory map for ram bytes of RAM, a kernel occupying [load_addr, mem_end), an
 * initrd of initrd_size bytes (0 for none) ending at or below initrd_max + 1, and a command
 * line of at most cmdline_max bytes; refuses what does not fit, saying what is too big. */
int boot_plan_layout(struct boot_plan *p, uint64_t ram, uint64_t load_addr, uint64_t mem_end,
		     uint64_t initrd_max, uint32_t cmdline_max, uint64_t initrd_size,
		     const char *cmdline, struct cerr *e);

/* The same for a bzImage, from its header. */
int boot_plan(const struct bzimage *bz, uint64_t ram, uint64_t initrd_size, const char *cmdline,
	      struct boot_plan *p, struct cerr *e);

/* What every boot method puts in low memory and at the top of RAM: the initrd (read from
 * initrd_fd unless -1), the command line, the identity-mapping page tables and the GDT. */
int boot_load_common(const struct guest_mem *mem, const struct boot_plan *p, int initrd_fd,
		     const char *cmdline, struct cerr *e);

/* Write everything into guest RAM: the kernel, the initrd (read from initrd_fd unless -1),
 * the command line, the zero page, page tables and GDT. */
int boot_load(const struct guest_mem *mem, const struct boot_plan *p, const uint8_t *kernel,
	      size_t kernel_len, const struct bzimage *bz, int initrd_fd, const char *cmdline,
	      struct cerr *e);

/* An MP table announcing n CPUs (APIC IDs 0..n-1), the I/O APIC and ISA interrupts, so a
 * Linux without ACPI finds its processors. */
int boot_write_mptable(const struct guest_mem *mem, unsigned n_cpus, struct cerr *e);

#endif
