/* The 8250/16550A UART (see uart16550.h). Transmission is instantaneous: a byte written to THR
 * goes straight to the host fd, so the transmitter always reads as empty. */
#include "hw/char/uart16550.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

enum {
	REG_RBR_THR = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define IER_RDI   0x01  /* received data available */
#define IER_THRI  0x02  /* transmitter holding register empty */
#define IER_RLSI  0x04  /* receiver line status */
#define IER_MSI   0x08  /* modem status */

#define IIR_NONE  0x01
#define IIR_MSI   0x00
#define IIR_THRI  0x02
#define IIR_RDI   0x04
#define IIR_RLSI  0x06
#define IIR_TOUT  0x0c
#define IIR_FIFO  0xc0  /* both bits: a 16550A with working FIFOs (bit 5 clear: not a 16750) */

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB  0x80

#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10

#define LSR_DR    0x01
#define LSR_OE    0x02
#define LSR_THRE  0x20
#define LSR_TEMT  0x40

#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_RI    0x40
#define MSR_DCD   0x80

static const unsigned uart_trigger[4] = { 1, 4, 8, 14 };

/* Modem status lines: wired to the modem-control outputs in loopback, else "carrier up". */
static uint8_t uart_msr_lines(const struct uart16550 *u)
{
	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return (u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
	       (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0);
}

/* The highest-priority pending interrupt, as IIR reports it (without the FIFO bits). */
static uint8_t uart_iir(const struct uart16550 *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr_err & LSR_OE))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count) {
		if (!(u->fcr & FCR_ENABLE) || u->rx_count >= uart_trigger[u->fcr >> 6])
			return IIR_RDI;
		return IIR_TOUT;  /* below the trigger level: report it as the FIFO timeout */
	}
	if ((u->ier & IER_THRI) && u->thre_pending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return IIR_MSI;
	return IIR_NONE;
}

static void uart_update_irq(struct uart16550 *u)
{
	int level = uart_iir(u) != IIR_NONE;

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->irq, level);
	}
}

static void uart_rx_push(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count == UART16550_FIFO) {
		u->lsr_err |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART16550_FIFO] = c;
	u->rx_count++;
}

static uint8_t uart_rx_pop(struct uart16550 *u)
{
	if (!u->rx_count)
		return 0;
	uint8_t c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART16550_FIFO;
	u->rx_count--;
	return c;
}

static void uart_transmit(struct uart16550 *u, uint8_t c)
{
	if (u->mcr & MCR_LOOP) {
		uart_rx_push(u, c);
		return;
	}
	/* A device cannot report errors; a closed or full terminal loses output, as a real line
	 * without a listener would. */
	if (u->out_fd >= 0)
		while (write(u->out_fd, &c, 1) < 0 && errno == EINTR)
			;
	if (u->log_fd >= 0)
		while (write(u->log_fd, &c, 1) < 0 && errno == EINTR)
			;
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
	struct uart16550 *u = opaque;
	uint8_t           v = 0;

	(void)size;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case REG_RBR_THR:
		v = (u->lcr & LCR_DLAB) ? u->dll : uart_rx_pop(u);
		break;
	case REG_IER:
		v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case REG_IIR_FCR:
		v = uart_iir(u);
		if (v == IIR_THRI)
			u->thre_pending = 0;  /* reading IIR acknowledges "transmitter empty" */
		if (u->fcr & FCR_ENABLE)
			v |= IIR_FIFO;
		break;
	case REG_LCR:
		v = u->lcr;
		break;
	case REG_MCR:
		v = u->mcr;
		break;
	case REG_LSR:
		v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) | u->lsr_err;
		u->lsr_err = 0;
		break;
	case REG_MSR:
		v = uart_msr_lines(u) | u->msr_delta;
		u->msr_delta = 0;
		break;
	case REG_SCR:
		v = u->scr;
		break;
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return v;
}

static void uart_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct uart16550 *u = opaque;
	uint8_t           v = (uint8_t)value;

	(void)size;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
		} else {
			uart_transmit(u, v);
			u->thre_pending = 1;
		}
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* enabling THRI with an empty transmitter raises it at once */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thre_pending = 1;
			u->ier = v & 0x0f;  /* upper bits are not writable on a 16550A */
		}
		break;
	case REG_IIR_FCR:
		if ((v ^ u->fcr) & FCR_ENABLE)
			v |= FCR_CLEAR_RX;  /* switching FIFO mode empties the FIFOs */
		if (v & FCR_CLEAR_RX) {
			u->rx_head  = 0;
			u->rx_count = 0;
		}
		u->fcr = v & 0xc1;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR: {
		uint8_t before = uart_msr_lines(u);
		u->mcr = v & 0x1f;
		uint8_t after = uart_msr_lines(u), changed = before ^ after;
		u->msr_delta |= (changed & MSR_CTS ? 0x01 : 0) | (changed & MSR_DSR ? 0x02 : 0) |
				((before & MSR_RI) && !(after & MSR_RI) ? 0x04 : 0) |
				(changed & MSR_DCD ? 0x08 : 0);
		break;
	}
	case REG_SCR:
		u->scr = v;
		break;
	default:  /* LSR and MSR writes are factory-test only */
		break;
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

const struct bus_ops uart16550_ops = { .read = uart_read, .write = uart_write };

void uart16550_init(struct uart16550 *u, int out_fd, struct irq_line irq)
{
	memset(u, 0, sizeof(*u));
	pthread_mutex_init(&u->lock, NULL);
	u->out_fd = out_fd;
	u->log_fd = -1;
	u->irq    = irq;
	u->dll    = 12;  /* 9600 baud, the divisor a PC firmware leaves */
}

int uart16550_log_to(struct uart16550 *u, const char *path, struct cerr *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);

	if (fd < 0)
		return cerr_set(e, errno, "serial log `%s`", path);
	if (u->log_open)
		close(u->log_fd);
	u->log_fd   = fd;
	u->log_open = true;
	return 0;
}

void uart16550_destroy(struct uart16550 *u)
{
	/* log_open, not log_fd >= 0: a board torn down before init has a zeroed UART */
	if (u->log_open)
		close(u->log_fd);
	u->log_open = false;
	u->log_fd   = -1;
	pthread_mutex_destroy(&u->lock);
}

size_t uart16550_receive(struct uart16550 *u, const uint8_t *buf, size_t n)
{
	size_t taken = 0;

	pthread_mutex_lock(&u->lock);
	if (!(u->mcr & MCR_LOOP)) {
		while (taken < n && u->rx_count < UART16550_FIFO)
			uart_rx_push(u, buf[taken++]);
		uart_update_irq(u);
	}
	pthread_mutex_unlock(&u->lock);
	return taken;
}
