/* Stop signals for a running machine: SIGINT, SIGTERM and SIGHUP end the run like a guest
 * power-off, with the shell's status for a signal (128 + number), so the terminal is restored
 * and the devices flushed on the way out. Machine-independent. */
#ifndef CELLA_VM_SIGNALS_H
#define CELLA_VM_SIGNALS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "base/error.h"

struct vm_signals {
	sigset_t  set, old;
	pthread_t thread;
	bool      blocked, watching, done;
	void    (*stop)(void *opaque, int status);
	void     *opaque;
};

/* Block the stop signals in the calling thread before it starts any other thread, so that
 * every thread inherits the mask and only the watcher receives them. */
void vm_signals_block(struct vm_signals *s);

/* Start the watcher: a stop signal calls stop(opaque, 128 + signal) from its thread. */
int vm_signals_watch(struct vm_signals *s, void (*stop)(void *opaque, int status), void *opaque,
		     struct cerr *e);

/* End the watcher and restore the signal mask. Safe after a failed or skipped start. */
void vm_signals_end(struct vm_signals *s);

#endif
