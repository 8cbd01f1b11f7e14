/* HTIF, the host-target interface of Spike and the official RISC-V test suites: a program
 * that defines the symbols `tohost`/`fromhost` reports through stores to tohost. Device 0
 * command 0: odd values end the run (1 = pass, v = test v>>1 failed), even values point at a
 * syscall block (exit, write to stdout/stderr); device 1 command 1 prints a character. */
#ifndef CELLA_TARGET_RISCV_HTIF_H
#define CELLA_TARGET_RISCV_HTIF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/bus.h"

struct rv_htif {
	const struct guest_mem *mem;
	uint64_t                tohost, fromhost;   /* fromhost 0: the program has none */
	int                     out_fd;             /* where printed characters go */
	/* end the run: status 0 = pass, else the failed test's number (QEMU's exit status) */
	void                  (*end)(void *opaque, int status);
	void                   *opaque;
	_Atomic bool            ended;              /* the first end wins; later writes are ignored */
};

/* A store to tohost happened: act on it, acknowledge through fromhost, clear tohost. Once a
 * write has ended the run, tohost is left alone: a test that keeps writing its result (as the
 * official suites' loop does) reports it once. */
void rv_htif_tohost_written(struct rv_htif *h);

#endif
