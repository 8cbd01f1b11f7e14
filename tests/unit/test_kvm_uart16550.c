/* Unit tests for the 8250/16550A UART (src/hw/char/uart16550.c) through its register window:
 * output to an fd, the receive FIFO, interrupt identification and the interrupt line,
 * loopback, the divisor latch. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "hw/char/uart16550.h"

struct line {
	int level, edges;
};

static void line_set(void *opaque, unsigned num, int level)
{
	struct line *l = opaque;
	(void)num;
	if (level && !l->level)
		l->edges++;
	l->level = level;
}

static struct uart16550 u;
static struct line      irq;

static uint8_t rd(unsigned off)
{
	return (uint8_t)uart16550_ops.read(&u, off, 1);
}

static void wr(unsigned off, uint8_t v)
{
	uart16550_ops.write(&u, off, v, 1);
}

static void setup(int out_fd)
{
	irq = (struct line){ 0 };
	uart16550_init(&u, out_fd, (struct irq_line){ .set = line_set, .opaque = &irq, .num = 4 });
}

static void uart_transmits_to_the_fd(void)
{
	int  p[2];
	char buf[8] = { 0 };

	CHECK_INT(pipe(p), 0);
	setup(p[1]);
	wr(0, 'h');
	wr(0, 'i');
	CHECK_INT(read(p[0], buf, sizeof(buf)), 2);
	CHECK_STR(buf, "hi");
	CHECK_INT(rd(5) & 0x60, 0x60);  /* THRE and TEMT: always empty */
	close(p[0]);
	close(p[1]);
	uart16550_destroy(&u);
}

/* --serial-log: the same bytes go to the terminal and to the log file, not loopback's. */
static void uart_logs_to_a_file(void)
{
	char        path[] = "/tmp/cella-uart-log.XXXXXX";
	int         p[2], tmp = mkstemp(path);
	char        buf[8] = { 0 };
	struct cerr e;

	CHECK(tmp >= 0);
	close(tmp);
	CHECK_INT(pipe(p), 0);
	setup(p[1]);
	CHECK_INT(uart16550_log_to(&u, path, &e), 0);
	wr(0, 'o');
	wr(0, 'k');
	wr(4, 0x10);  /* loopback: neither the terminal nor the log sees this */
	wr(0, '!');
	uart16550_destroy(&u);
	CHECK_INT(read(p[0], buf, sizeof(buf)), 2);
	CHECK_STR(buf, "ok");
	int fd = open(path, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK_INT(read(fd, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "ok");
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink(path);
	CHECK_INT(uart16550_log_to(&u, "/nonexistent/dir/log", &e), -1);
	CHECK(strstr(e.msg, "serial log `/nonexistent/dir/log`") != NULL);
}

static void uart_receives_with_interrupts(void)
{
	setup(-1);
	CHECK_INT(rd(2), 0x01);                 /* nothing pending, FIFOs off */
	wr(1, 0x01);                            /* received-data interrupt */
	CHECK_INT(uart16550_receive(&u, (const uint8_t *)"ab", 2), 2);
	CHECK_INT(irq.level, 1);
	CHECK_INT(rd(2), 0x04);
	CHECK_INT(rd(5) & 1, 1);
	CHECK_INT(rd(0), 'a');
	CHECK_INT(irq.level, 1);
	CHECK_INT(rd(0), 'b');
	CHECK_INT(irq.level, 0);
	CHECK_INT(rd(5) & 1, 0);
	/* FIFO mode: below the trigger level it is the timeout interrupt, 16 bytes at most */
	wr(2, 0xc1);
	CHECK_INT(rd(2), 0xc1);
	CHECK_INT(uart16550_receive(&u, (const uint8_t *)"0123456789abcdefXYZ", 19), 16);
	CHECK_INT(rd(2), 0xc4);
	wr(2, 0xc3);                            /* clear the receive FIFO */
	CHECK_INT(rd(5) & 1, 0);
	CHECK_INT(uart16550_receive(&u, (const uint8_t *)"x", 1), 1);
	CHECK_INT(rd(2), 0xcc);
	uart16550_destroy(&u);
}

static void uart_thr_empty_interrupt(void)
{
	setup(-1);
	wr(1, 0x02);                            /* enabling it raises it at once */
	CHECK_INT(irq.level, 1);
	CHECK_INT(rd(2), 0x02);                 /* reading IIR acknowledges it */
	CHECK_INT(irq.level, 0);
	CHECK_INT(rd(2), 0x01);
	wr(0, 'x');                             /* each transmitted byte raises it again */
	CHECK_INT(irq.level, 1);
	CHECK_INT(irq.edges, 2);
	wr(1, 0x00);
	CHECK_INT(irq.level, 0);
	uart16550_destroy(&u);
}

static void uart_loopback_and_registers(void)
{
	setup(-1);
	wr(7, 0x5a);
	CHECK_INT(rd(7), 0x5a);
	wr(3, 0x80);                            /* DLAB */
	wr(0, 0x0c);
	wr(1, 0x00);
	CHECK_INT(rd(0), 0x0c);
	CHECK_INT(rd(1), 0x00);
	wr(3, 0x03);
	CHECK_INT(rd(3), 0x03);
	wr(1, 0xff);
	CHECK_INT(rd(1), 0x0f);                 /* only four IER bits exist */
	wr(1, 0);
	wr(4, 0x10 | 0x0a);                     /* loopback, RTS, OUT2 */
	CHECK_INT(rd(6) & 0xf0, 0x90);          /* CTS and DCD */
	wr(0, 'L');
	CHECK_INT(rd(5) & 1, 1);
	CHECK_INT(rd(0), 'L');
	CHECK_INT(uart16550_receive(&u, (const uint8_t *)"h", 1), 0);  /* line disconnected */
	/* overrun: a 17th byte in loopback sets OE, reading LSR clears it */
	wr(2, 0x01);
	for (int i = 0; i < 17; i++)
		wr(0, (uint8_t)i);
	CHECK_INT(rd(5) & 0x03, 0x03);
	CHECK_INT(rd(5) & 0x02, 0);
	wr(4, 0x00);
	CHECK_INT(rd(6), 0xb0 | 0x02);          /* DSR changed leaving loopback: delta bit */
	CHECK_INT(rd(6), 0xb0);                 /* cleared by the read */                 /* carrier, DSR, CTS up on the host side */
	uart16550_destroy(&u);
}

int main(void)
{
	check_suite = "unit/kvm_uart16550";
	RUN(uart_transmits_to_the_fd);
	RUN(uart_logs_to_a_file);
	RUN(uart_receives_with_interrupts);
	RUN(uart_thr_empty_interrupt);
	RUN(uart_loopback_and_registers);
	return check_failed_count != 0;
}
