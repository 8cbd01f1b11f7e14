/* Serial output for the freestanding KVM test guests (guest.c, 64-bit, and pvh.c, 32-bit):
 * bytes go straight to the transmit register of the 8250 at COM1, which cella's UART never
 * holds back. */
#ifndef CELLA_TESTS_KVM_SERIAL_H
#define CELLA_TESTS_KVM_SERIAL_H

#include <stdint.h>

#define COM1 0x3f8

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void putc_(char c)
{
	outb(COM1, (uint8_t)c);
}

static inline void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

/* v in hexadecimal, without leading zeros */
static inline void puthex(uint64_t v)
{
	char buf[17];
	int  i = 16;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	puts_(buf + i);
}

#endif
