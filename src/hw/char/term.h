/* The host terminal as a serial line: stdin in raw mode when it is a tty, read by a thread
 * that hands bytes to a device (a UART) and watches for the Ctrl-A escapes, as QEMU's
 * -nographic does: Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a Ctrl-A.
 * Restores the terminal on stop. Machine-independent. */
#ifndef CELLA_HW_CHAR_TERM_H
#define CELLA_HW_CHAR_TERM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#include "base/error.h"

struct term {
	int            in_fd;
	bool           tty;        /* raw mode set: restore `saved` and honour Ctrl-A */
	struct termios saved;
	int            wake[2];    /* term_stop writes here to end the reader */
	pthread_t      thread;
	bool           started;
	bool           escape;     /* the previous byte was Ctrl-A */
	/* give bytes to the device; returns how many it took (it may be full) */
	size_t       (*deliver)(void *opaque, const uint8_t *buf, size_t n);
	void         (*quit)(void *opaque);  /* the user typed Ctrl-A x */
	void          *opaque;
};

/* Start reading in_fd. When it is a tty it is put in raw mode until term_stop. */
int term_start(struct term *t, int in_fd, size_t (*deliver)(void *, const uint8_t *, size_t),
	       void (*quit)(void *), void *opaque, struct cerr *e);

/* Stop the reader and restore the terminal. Safe on a term that never started. */
void term_stop(struct term *t);

#endif
