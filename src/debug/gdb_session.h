/* One debugger connection's protocol state and its command interpreter: a packet in, a reply
 * out, calls into the target. Used by the stub's server (gdb_server.c) and the unit tests. */
#ifndef CELLA_DEBUG_GDB_SESSION_H
#define CELLA_DEBUG_GDB_SESSION_H

#include "debug/gdb.h"
#include "debug/gdb_proto.h"

/* Largest memory transfer in one packet: its hex must fit a reply (or a packet). */
#define GDB_MEM_MAX ((GDB_REPLY_MAX - 8) / 2)

struct gdb_session {
	const struct gdb_target_ops *ops;
	void    *target;
	bool     no_ack;        /* QStartNoAckMode accepted */
	bool     phys;          /* Qqemu.PhyMemMode:1: memory packets use physical addresses */
	unsigned g_thread;      /* Hg: registers and memory */
	int      c_thread;      /* Hc: legacy c/s; -1 all */
	unsigned stop_thread;   /* the thread the last stop reply named */
	int      stop_signal;
	enum gdb_resume how[GDB_MAX_THREADS];
	uint8_t  mem[GDB_MEM_MAX]; /* memory packets' data */
};

enum gdb_next {
	GDB_NEXT_REPLY,   /* send the reply; the target stays stopped */
	GDB_NEXT_RUNNING, /* the target runs: no reply until it stops */
	GDB_NEXT_DETACH,  /* send the reply; the target runs on without the debugger */
	GDB_NEXT_KILL,    /* the target is being ended: no reply, close */
};

/* A fresh connection to a stopped target. */
void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target);
/* Act on one packet (its data, NUL-terminated, may be modified). */
enum gdb_next gdb_session_packet(struct gdb_session *s, char *pkt, size_t len,
				 struct gdb_reply *r);
/* The target stopped (thread, signal): remember it and write the stop reply. */
void gdb_session_stopped(struct gdb_session *s, unsigned thread, int signal, struct gdb_reply *r);

#endif
