/* The memory map of cella's riscv64 board: QEMU's `virt` layout, so that stock OpenSBI,
 * U-Boot and Linux find every device where they expect it. */
#ifndef CELLA_TARGET_RISCV_VIRT_H
#define CELLA_TARGET_RISCV_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define VIRT_MROM_BASE      0x1000ull
#define VIRT_MROM_SIZE      0xf000ull
#define VIRT_TEST_BASE      0x100000ull
#define VIRT_RTC_BASE       0x101000ull
#define VIRT_CLINT_BASE     0x2000000ull
#define VIRT_PLIC_BASE      0xc000000ull
#define VIRT_UART0_BASE     0x10000000ull
#define VIRT_UART0_SIZE     0x100ull
#define VIRT_VIRTIO_BASE    0x10001000ull
#define VIRT_VIRTIO_STRIDE  0x1000ull
#define VIRT_VIRTIO_COUNT   8
#define VIRT_DRAM_BASE      0x80000000ull
#define VIRT_KERNEL_OFFSET  0x200000ull   /* fw_dynamic's next_addr: DRAM + 2 MiB */

#define VIRT_UART0_IRQ      10
#define VIRT_RTC_IRQ        11
#define VIRT_VIRTIO_IRQ     1             /* slot i uses VIRT_VIRTIO_IRQ + i */
#define VIRT_PLIC_NDEV      96            /* riscv,ndev as QEMU 7.2 says it */
#define VIRT_TIMEBASE_HZ    10000000u
#define VIRT_UART_CLOCK_HZ  3686400u
#define VIRT_RNG_SEED_BYTES 64

/* PLIC contexts: hart h has its M-mode context at 2h and its S-mode context at 2h + 1. */
#define VIRT_PLIC_CONTEXT_M(h) (2u * (h))
#define VIRT_PLIC_CONTEXT_S(h) (2u * (h) + 1u)

struct rv_virt_fdt_params {
	unsigned    n_harts;
	const char *isa;          /* riscv,isa of every hart, e.g. "rv64imafdc_zicsr_zifencei";
				   * riscv,isa-base and -extensions are derived from it */
	const char *mmu_type;     /* "riscv,sv39" or "riscv,sv48" */
	uint64_t    ram_bytes;
	const char *bootargs;     /* NULL: no bootargs property */
	uint64_t    initrd_start, initrd_end;  /* 0, 0: no initrd */
	const uint8_t *rng_seed;  /* VIRT_RNG_SEED_BYTES for /chosen/rng-seed; NULL: getrandom() */
};

/* Write the board's flattened device tree into buf. */
int rv_virt_fdt_build(void *buf, size_t size, const struct rv_virt_fdt_params *p,
		      struct cerr *e);

#endif
