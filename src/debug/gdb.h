/* A GDB stub for any of cella's machines: the machine implements struct gdb_target_ops over
 * its CPUs (each CPU is one GDB thread, ids 1..n), the stub serves the remote protocol on its
 * own thread in all-stop mode: every CPU is parked while the debugger looks at the machine. */
#ifndef CELLA_DEBUG_GDB_H
#define CELLA_DEBUG_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define GDB_MAX_THREADS 256

enum gdb_resume { GDB_STAY, GDB_CONTINUE, GDB_STEP };

/* Called on the stub's thread. Every call but resume() and stop() is made with all threads
 * parked; `thread` is 0-based (GDB's thread id - 1). */
struct gdb_target_ops {
	unsigned (*threads)(void *t);
	/* A target description document by name ("target.xml" first), or NULL. */
	const char *(*xml)(void *t, const char *annex);
	unsigned g_regs; /* registers 0..g_regs-1 make up the 'g' packet */
	/* Register regno's bytes in target order into buf (16 bytes of room); returns the size,
	 * 0 when there is no such register. */
	size_t (*reg_read)(void *t, unsigned thread, unsigned regno, uint8_t *buf);
	/* 0, or -1 when there is no such register, len is not its size, or it is read-only. */
	int (*reg_write)(void *t, unsigned thread, unsigned regno, const uint8_t *buf, size_t len);
	/* Copy memory as the thread sees it (phys: guest-physical addresses instead); returns
	 * how many bytes from addr on were accessible (the copy stops at the first that is not). */
	size_t (*mem_read)(void *t, unsigned thread, bool phys, uint64_t addr, uint8_t *buf,
			   size_t len);
	size_t (*mem_write)(void *t, unsigned thread, bool phys, uint64_t addr, const uint8_t *buf,
			    size_t len);
	/* type 0 software, 1 hardware breakpoint; 0 done, -1 failed (full, not set), 1 type not
	 * supported. */
	int  (*breakpoint)(void *t, bool insert, unsigned type, uint64_t addr, unsigned kind);
	void (*clear_breakpoints)(void *t);
	/* Park every thread; returns once all are parked (or gone, when the machine ended). */
	void (*stop)(void *t);
	/* Start the threads: how[i] for thread i. Each runs until stop(), or reports its own
	 * stop (a breakpoint, a finished step) with gdb_server_stopped(). */
	void (*resume)(void *t, const enum gdb_resume *how);
	/* End the machine (the debugger's kill). */
	void (*kill)(void *t);
	/* A line for "info threads", e.g. "hart 0, S-mode". */
	void (*thread_info)(void *t, unsigned thread, char *buf, size_t size);
};

struct gdb_server;

/* Listen on spec now (so an address in use fails at start): "tcp:HOST:PORT", "tcp::PORT"
 * (127.0.0.1) or "unix:PATH". Port 0 picks a free one (see gdb_server_address). */
int gdb_server_open(struct gdb_server **out, const char *spec, const struct gdb_target_ops *ops,
		    void *target, struct cerr *e);
/* Where it listens, e.g. "tcp:127.0.0.1:1234" or "unix:/tmp/s". */
const char *gdb_server_address(const struct gdb_server *s);
/* Serve on a thread of the stub's own. The target may already run; a debugger that connects
 * stops it first. */
int gdb_server_start(struct gdb_server *s, struct cerr *e);
/* From the target's threads, never blocking: `thread` stopped on its own with `signal` (5,
 * SIGTRAP, for a breakpoint or a finished step). */
void gdb_server_stopped(struct gdb_server *s, unsigned thread, int signal);
/* The machine ended with this exit status: the debugger gets 'W' and the stub stops. */
void gdb_server_exited(struct gdb_server *s, int status);
/* Stop the thread (if started), close every socket, free. */
void gdb_server_close(struct gdb_server *s);

#endif
