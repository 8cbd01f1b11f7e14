/* GDB remote protocol framing (see gdb_proto.h): receive state machine, reply buffers,
 * escaping and hex parsing. Nothing here knows what a packet means. */
#include "debug/gdb_proto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { RX_IDLE, RX_DATA, RX_CS1, RX_CS2 };

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state    = RX_IDLE;
	rx->len      = 0;
	rx->sum      = 0;
	rx->overflow = false;
	rx->buf[0]   = '\0';
}

static void rx_start(struct gdb_rx *rx)
{
	rx->state    = RX_DATA;
	rx->len      = 0;
	rx->sum      = 0;
	rx->overflow = false;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	switch (rx->state) {
	case RX_IDLE:
		if (c == '$')
			rx_start(rx);
		else if (c == 0x03)
			return GDB_RX_INTERRUPT;
		else if (c == '+')
			return GDB_RX_ACK;
		else if (c == '-')
			return GDB_RX_NACK;
		return GDB_RX_NONE; /* noise between packets */
	case RX_DATA:
		if (c == '#') {
			rx->state = RX_CS1;
		} else if (c == '$') {
			rx_start(rx); /* a new packet started: the old one was cut off */
		} else {
			rx->sum += c;
			if (rx->len < GDB_PACKET_MAX)
				rx->buf[rx->len++] = (char)c;
			else
				rx->overflow = true;
		}
		return GDB_RX_NONE;
	case RX_CS1:
		rx->got   = c;
		rx->state = RX_CS2;
		return GDB_RX_NONE;
	default: {
		int hi = hexval(rx->got), lo = hexval(c);
		rx->state       = RX_IDLE;
		rx->buf[rx->len] = '\0';
		if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != rx->sum)
			return GDB_RX_BAD;
		return rx->overflow ? GDB_RX_TOOLONG : GDB_RX_PACKET;
	}
	}
}

void gdb_reply_clear(struct gdb_reply *r)
{
	r->len  = 0;
	r->full = false;
}

void gdb_reply_mem(struct gdb_reply *r, const void *p, size_t n)
{
	size_t room = sizeof(r->data) - r->len;
	if (n > room) {
		n       = room;
		r->full = true;
	}
	memcpy(r->data + r->len, p, n);
	r->len += n;
}

void gdb_reply_str(struct gdb_reply *r, const char *s)
{
	gdb_reply_mem(r, s, strlen(s));
}

void gdb_reply_fmt(struct gdb_reply *r, const char *fmt, ...)
{
	char    buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n       = sizeof(buf) - 1;
		r->full = true;
	}
	gdb_reply_mem(r, buf, (size_t)n);
}

void gdb_reply_hex(struct gdb_reply *r, const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t    *b = p;

	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[b[i] >> 4], digits[b[i] & 15] };
		gdb_reply_mem(r, two, 2);
	}
}

void gdb_reply_error(struct gdb_reply *r, int errnum)
{
	gdb_reply_fmt(r, "E%02x", (unsigned)errnum & 0xff);
}

size_t gdb_frame(const char *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t            o = 0;
	uint8_t           sum = 0;

	out[o++] = '$';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)data[i];
		if (c == '#' || c == '$' || c == '}' || c == '*') {
			out[o++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[o++] = (char)c;
		sum += c;
	}
	out[o++] = '#';
	out[o++] = digits[sum >> 4];
	out[o++] = digits[sum & 15];
	return o;
}

bool gdb_parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t    x = 0;
	int         d;

	if (hexval((unsigned char)*s) < 0)
		return false;
	while ((d = hexval((unsigned char)*s)) >= 0) {
		if (x >> 60)
			return false; /* a 17th significant digit (leading zeros are fine) */
		x = x << 4 | (uint64_t)d;
		s++;
	}
	*p = s;
	*v = x;
	return true;
}

bool gdb_unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((unsigned char)s[2 * i]);
		if (hi < 0)
			return false;
		int lo = hexval((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

size_t gdb_unescape(char *p, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '}') {
			if (++i == n)
				return (size_t)-1;
			p[o++] = (char)(p[i] ^ 0x20);
		} else {
			p[o++] = p[i];
		}
	}
	return o;
}
