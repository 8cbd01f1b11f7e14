/* cella's riscv64 machine: QEMU's virt board (see virt.h for the map) built from the RV64GC
 * harts and the machine-independent devices. One host thread per hart; devices raise
 * interrupts through the PLIC/CLINT lines into rv_hart_set_irq(). */
#ifndef CELLA_TARGET_RISCV_VIRT_BOARD_H
#define CELLA_TARGET_RISCV_VIRT_BOARD_H

#include <pthread.h>
#include <stdatomic.h>

#include "hw/bus.h"
#include "hw/char/term.h"
#include "hw/char/uart16550.h"
#include "hw/intc/clint.h"
#include "hw/intc/plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/devices.h"
#include "target/riscv/cpu.h"
#include "target/riscv/gdb.h"
#include "target/riscv/htif.h"
#include "target/riscv/trace.h"
#include "target/riscv/virt.h"
#include "vm/config.h"
#include "vm/machine.h"
#include "vm/signals.h"

/* What the harts implement, as the device tree announces it (misa holds the same letters,
 * plus S, U and B for Zba+Zbb+Zbs; tests/unit/test_riscv_fdt.c compares them). Zihintpause's
 * PAUSE is a FENCE; Zicclsm: misaligned loads and stores to RAM work (and are fast). */
#define RV_VIRT_ISA "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zicclsm_zba_zbb_zbc_zbs_sdtrig_sstc"

struct rv_virt {
	unsigned           n_harts;
	uint8_t           *ram;
	uint64_t           ram_size;
	uint8_t            mrom[VIRT_MROM_SIZE];
	struct guest_mem   mem;
	struct bus         bus;
	struct rv_hart    *hart[64];
	bool               hart_ready[64];   /* rv_hart_init succeeded: destroy it */
	pthread_t          thread[64];
	uint64_t           start_pc;
	uint64_t           fdt_gpa;
	uint64_t           fw_lo, fw_hi;     /* where the firmware sits in RAM */
	uint64_t           htif_tohost, htif_fromhost;  /* 0: the program has no HTIF */
	struct rv_htif     htif;
	struct rv_trace    trace;            /* --trace; trace.out NULL: none */

	struct clint        clint;
	struct plic         plic;
	struct uart16550    uart;
	struct goldfish_rtc rtc;
	struct sifive_test  test;
	struct term         term;
	struct vm_signals   signals;
	struct virtio_devices virtio;
	bool               virtio_created;
	struct rv_gdb     *gdb;              /* --gdb: the harts run under the stub's control */

	pthread_mutex_t    exit_lock;
	bool               exiting;
	int                exit_status;
};

/* Load firmware, kernel, initrd; write the device tree and the reset vector. */
extern const struct vm_machine rv_virt_machine;

int rv_virt_boot_prepare(struct rv_virt *v, const struct vm_config *cfg, struct cerr *e);

#endif
