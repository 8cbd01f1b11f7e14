/* An 8250/16550A UART: eight byte-wide registers, a 16-byte receive FIFO, loopback, and one
 * interrupt line. Machine-independent: the x86 machine puts it at port 0x3f8 (IRQ 4), the
 * RISC-V board at MMIO 0x10000000. Output goes to a host fd; input is pushed in by the host. */
#ifndef CELLA_HW_CHAR_UART16550_H
#define CELLA_HW_CHAR_UART16550_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/bus.h"

#define UART16550_FIFO   16
#define UART16550_WINDOW 8   /* bytes of register window (one register per byte) */

struct uart16550 {
	pthread_mutex_t lock;
	struct irq_line irq;
	int             out_fd;    /* transmitted bytes are written here; -1 drops them */
	int             log_fd;    /* and copied here (uart16550_log_to); -1: no copy */
	bool            log_open;  /* log_fd is ours to close */
	int             irq_level; /* last level given to irq, so the line only changes on edges */
	uint8_t         ier, lcr, mcr, lsr_err, msr, scr, fcr;
	uint8_t         dll, dlm;
	uint8_t         msr_delta;  /* modem-status change bits, cleared by reading MSR */
	int             thre_pending; /* "transmitter empty" interrupt raised, not yet seen */
	uint8_t         rx[UART16550_FIFO];
	unsigned        rx_head, rx_count;
};

/* The register window's callbacks; opaque is the struct uart16550. */
extern const struct bus_ops uart16550_ops;

void uart16550_init(struct uart16550 *u, int out_fd, struct irq_line irq);
/* Also copy everything transmitted into the file at path (created or truncated), as QEMU's
 * `-chardev stdio,logfile=F` does; the file is closed by uart16550_destroy. */
int uart16550_log_to(struct uart16550 *u, const char *path, struct cerr *e);
void uart16550_destroy(struct uart16550 *u);

/* Host input for the guest: queues up to n bytes into the receive FIFO and returns how many
 * fit (0 when full, or in loopback mode, where the line is disconnected from the host). */
size_t uart16550_receive(struct uart16550 *u, const uint8_t *buf, size_t n);

#endif
