/* The GDB remote serial protocol's framing, independent of any machine: a byte-at-a-time
 * receiver for `$data#cs` packets (checksums, Ctrl-C, acks, overlong input), reply buffers
 * that never overflow, framing of replies, and the strict hex parsing every command uses. */
#ifndef CELLA_DEBUG_GDB_PROTO_H
#define CELLA_DEBUG_GDB_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet either side sends (the PacketSize cella announces), in bytes of data
 * between '$' and '#'. */
#define GDB_PACKET_MAX 16384

enum gdb_rx_event {
	GDB_RX_NONE,      /* needs more bytes */
	GDB_RX_PACKET,    /* a packet with a good checksum: rx->buf[0..len), NUL-terminated */
	GDB_RX_BAD,       /* a packet whose checksum is wrong or not hex: answer '-' */
	GDB_RX_TOOLONG,   /* a packet (good checksum) longer than GDB_PACKET_MAX: dropped */
	GDB_RX_INTERRUPT, /* 0x03 outside a packet: the debugger's Ctrl-C */
	GDB_RX_ACK,
	GDB_RX_NACK,
};

struct gdb_rx {
	int      state;
	uint8_t  sum;       /* running checksum of the data */
	uint8_t  got;       /* the first checksum digit, as read */
	bool     overflow;  /* data went past buf: the packet is dropped when it ends */
	size_t   len;
	char     buf[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);
/* Feed one received byte; say what it completed. The packet in buf stays valid until the
 * next call. */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c);

/* A reply under construction. Appending past the end sets `full` and keeps what fit, so a
 * caller checks once at the end (or sizes its request to fit beforehand). */
#define GDB_REPLY_MAX GDB_PACKET_MAX

struct gdb_reply {
	size_t len;
	bool   full;
	char   data[GDB_REPLY_MAX];
};

void gdb_reply_clear(struct gdb_reply *r);
void gdb_reply_str(struct gdb_reply *r, const char *s);
void gdb_reply_mem(struct gdb_reply *r, const void *p, size_t n);
void gdb_reply_fmt(struct gdb_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* bytes as two lower-case hex digits each */
void gdb_reply_hex(struct gdb_reply *r, const void *p, size_t n);
/* "E" and two hex digits of an errno value: GDB shows such replies as failures */
void gdb_reply_error(struct gdb_reply *r, int errnum);

/* Frame data as "$data#cs" into out (size >= 2 * n + 4): '#', '$', '}' and '*' are escaped as
 * '}' + (byte ^ 0x20). Returns the framed length. */
size_t gdb_frame(const char *data, size_t n, char *out);

/* Parse a hex number of at most 16 digits at *p; advances *p past it. false: no digit, or
 * more than 64 bits. */
bool gdb_parse_hex(const char **p, uint64_t *v);
/* Decode exactly n bytes from 2n hex digits at s (stopping at NUL). false: bad digit. */
bool gdb_unhex(const char *s, uint8_t *out, size_t n);
/* Undo '}' escapes of binary data in place; returns the decoded length, or (size_t)-1 when
 * the data ends inside an escape. */
size_t gdb_unescape(char *p, size_t n);

#endif
