/* The riscv64 machine as a GDB target: every hart thread runs under a small state machine
 * (park / run / step) guarded by one lock, so the stub reads and writes a parked hart's state
 * consistently; breakpoints stop a hart before the instruction; memory is read through the
 * hart's current translation without touching its TLBs or the page tables' A/D bits. */
#include "target/riscv/gdb.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb.h"
#include "target/riscv/gdb_regs.h"
#include "target/riscv/internal.h"
#include "target/riscv/jit/jit.h"

#define RV_GDB_MAX_BP 64

enum rv_gdb_mode { RV_GDB_PARK, RV_GDB_RUN, RV_GDB_STEP };

struct rv_gdb_hart {
	struct rv_gdb   *g;
	enum rv_gdb_mode mode;    /* what the stub wants the hart to do */
	bool             parked;  /* the hart thread waits in park (or has ended) */
	bool             hit;     /* it stopped at a breakpoint (set by its own thread) */
};

struct rv_gdb {
	struct rv_hart     *hart[64];
	unsigned            n;
	struct gdb_server  *srv;
	void              (*kill)(void *opaque);
	void               *opaque;
	char               *xml;

	pthread_mutex_t     lock;
	pthread_cond_t      cv;       /* any change of a mode, a parked flag or exiting */
	bool                exiting;
	struct rv_gdb_hart  gh[64];

	/* changed only while every hart is parked; read by running harts */
	uint64_t            bp[RV_GDB_MAX_BP];
	unsigned            n_bp;
};

bool rv_gdb_break(struct rv_hart *h, uint64_t pc)
{
	struct rv_gdb_hart *gh = h->dbg;
	const struct rv_gdb *g = gh->g;

	for (unsigned i = 0; i < g->n_bp; i++) {
		if (g->bp[i] == pc) {
			gh->hit = true;
			atomic_store_explicit(&h->stop, true, memory_order_relaxed);
			return true;
		}
	}
	return false;
}

/* Step one instruction even if it sits on a breakpoint; its decoded entry goes away with the
 * step, so the breakpoint stays effective for the next time. */
static void rv_gdb_step(struct rv_hart *h)
{
	struct rv_gdb_hart *dbg = h->dbg;

	h->dbg = NULL;
	rv_hart_step(h);
	rv_dcache_flush(h);
	h->dbg = dbg;
}

void rv_gdb_hart_thread(struct rv_gdb *g, unsigned i)
{
	struct rv_gdb_hart *gh = &g->gh[i];
	struct rv_hart     *h  = g->hart[i];

	pthread_mutex_lock(&g->lock);
	for (;;) {
		while (gh->mode == RV_GDB_PARK && !g->exiting) {
			if (!gh->parked) {
				gh->parked = true;
				pthread_cond_broadcast(&g->cv);
			}
			pthread_cond_wait(&g->cv, &g->lock);
		}
		if (g->exiting)
			break;
		gh->parked = false;
		enum rv_gdb_mode mode = gh->mode;
		pthread_mutex_unlock(&g->lock);
		if (mode == RV_GDB_STEP)
			rv_gdb_step(h);
		else
			rv_hart_run(h, 0); /* until rv_hart_stop() or a breakpoint */
		pthread_mutex_lock(&g->lock);
		if (!g->exiting && (mode == RV_GDB_STEP || gh->hit))
			gdb_server_stopped(g->srv, i, 5 /* SIGTRAP */);
		gh->hit  = false;
		gh->mode = RV_GDB_PARK;
	}
	gh->parked = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->lock);
}

void rv_gdb_exit(struct rv_gdb *g, int status)
{
	pthread_mutex_lock(&g->lock);
	g->exiting = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->lock);
	gdb_server_exited(g->srv, status);
}

static unsigned rv_gdb_threads(void *t)
{
	return ((struct rv_gdb *)t)->n;
}

static const char *rv_gdb_xml(void *t, const char *annex)
{
	struct rv_gdb *g = t;
	return strcmp(annex, "target.xml") == 0 ? g->xml : NULL;
}

static size_t rv_gdb_read_reg(void *t, unsigned thread, unsigned regno, uint8_t *buf)
{
	struct rv_gdb *g = t;
	return rv_gdb_reg_read(g->hart[thread], regno, buf);
}

static int rv_gdb_write_reg(void *t, unsigned thread, unsigned regno, const uint8_t *buf,
			    size_t len)
{
	struct rv_gdb *g = t;
	return rv_gdb_reg_write(g->hart[thread], regno, buf, len);
}

/* Guest-physical address of va as the hart's loads see it now (M-mode with MPRV uses MPP's
 * translation, as QEMU's debug accesses do): any valid mapping counts, whatever its
 * permission bits, and nothing is written (no A/D bits) or cached. */
static bool rv_gdb_translate(const struct rv_hart *h, uint64_t va, uint64_t *pa)
{
	unsigned mode = (unsigned)(h->satp >> 60);
	int      priv = h->priv;

	if (priv == RV_PRIV_M && (h->mstatus & MS_MPRV))
		priv = (int)((h->mstatus & MS_MPP) >> MS_MPP_SHIFT);
	if (priv == RV_PRIV_M || mode == 0) {
		*pa = va;
		return true;
	}
	int      levels = mode == 8 ? 3 : 4;
	unsigned vabits = 12 + 9 * (unsigned)levels;
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		return false;
	uint64_t a = (h->satp & ((1ull << 44) - 1)) << 12;
	for (int i = levels - 1; i >= 0; i--) {
		uint64_t pte;
		if (guest_mem_read(h->env.mem, a + ((va >> (12 + 9 * i)) & 511) * 8, &pte, 8) < 0)
			return false;
		if (!(pte & 1) || ((pte & 6) == 4) || (pte >> 54))
			return false; /* invalid, W without R, or reserved bits (as mmu.c) */
		uint64_t ppn = (pte >> 10) & ((1ull << 44) - 1);
		if (pte & 0xa) { /* R or X: a leaf */
			uint64_t off = va & ((1ull << (12 + 9 * i)) - 1);
			if (ppn & ((1ull << (9 * i)) - 1))
				return false; /* a misaligned superpage */
			*pa = (ppn << 12) + off;
			return true;
		}
		a = ppn << 12;
	}
	return false;
}

static size_t rv_gdb_access(struct rv_gdb *g, unsigned thread, bool phys, uint64_t addr,
			    uint8_t *buf, size_t len, bool write)
{
	struct rv_hart *h    = g->hart[thread];
	size_t          done = 0;

	while (done < len) {
		uint64_t va = addr + done, pa = va;
		if (!phys && !rv_gdb_translate(h, va, &pa))
			break;
		size_t   chunk = 4096 - (size_t)(va & 4095);
		if (chunk > len - done)
			chunk = len - done;
		/* RAM and ROM only: reading a device register could change the device */
		uint8_t *p = guest_mem_ptr(h->env.mem, pa, chunk);
		while (!p && chunk > 1)
			p = guest_mem_ptr(h->env.mem, pa, --chunk); /* up to where the region ends */
		if (!p)
			break;
		if (write)
			memcpy(p, buf + done, chunk);
		else
			memcpy(buf + done, p, chunk);
		done += chunk;
	}
	if (write && done)
		for (unsigned i = 0; i < g->n; i++)
		{
			rv_dcache_flush(g->hart[i]); /* code may have changed under decoded entries */
			rv_jit_fence_i(g->hart[i]);  /* and under translated blocks (parked hart) */
		}
	return done;
}

static size_t rv_gdb_read_mem(void *t, unsigned thread, bool phys, uint64_t addr, uint8_t *buf,
			      size_t len)
{
	return rv_gdb_access(t, thread, phys, addr, buf, len, false);
}

static size_t rv_gdb_write_mem(void *t, unsigned thread, bool phys, uint64_t addr,
			       const uint8_t *buf, size_t len)
{
	return rv_gdb_access(t, thread, phys, addr, (uint8_t *)buf, len, true);
}

/* Point every hart at the breakpoint check while any breakpoint exists. Entries decoded
 * before an insertion are dropped, so none stands on the new address. */
static void rv_gdb_bp_changed(struct rv_gdb *g, bool inserted)
{
	for (unsigned i = 0; i < g->n; i++) {
		g->hart[i]->dbg = g->n_bp ? &g->gh[i] : NULL;
		if (inserted)
			rv_dcache_flush(g->hart[i]);
	}
}

/* Software and hardware breakpoints are the same here: neither writes guest memory. */
static int rv_gdb_breakpoint(void *t, bool insert, unsigned type, uint64_t addr, unsigned kind)
{
	struct rv_gdb *g = t;
	unsigned       i;

	(void)kind;
	if (type > 1)
		return 1; /* watchpoints: not supported */
	for (i = 0; i < g->n_bp && g->bp[i] != addr; i++)
		;
	if (insert) {
		if (i < g->n_bp)
			return 0;
		if (g->n_bp == RV_GDB_MAX_BP)
			return -1;
		g->bp[g->n_bp++] = addr;
	} else {
		if (i == g->n_bp)
			return 0;
		g->bp[i] = g->bp[--g->n_bp];
	}
	rv_gdb_bp_changed(g, insert);
	return 0;
}

static void rv_gdb_clear_breakpoints(void *t)
{
	struct rv_gdb *g = t;
	g->n_bp = 0;
	rv_gdb_bp_changed(g, false);
}

static void rv_gdb_stop(void *t)
{
	struct rv_gdb *g = t;
	bool           all;

	pthread_mutex_lock(&g->lock);
	for (unsigned i = 0; i < g->n; i++) {
		g->gh[i].mode = RV_GDB_PARK;
		rv_hart_stop(g->hart[i]);
	}
	do {
		all = true;
		for (unsigned i = 0; i < g->n; i++)
			all = all && g->gh[i].parked;
		if (!all && !g->exiting)
			pthread_cond_wait(&g->cv, &g->lock);
	} while (!all && !g->exiting);
	pthread_mutex_unlock(&g->lock);
}

static void rv_gdb_resume(void *t, const enum gdb_resume *how)
{
	struct rv_gdb *g = t;

	pthread_mutex_lock(&g->lock);
	if (!g->exiting) { /* a stop for the machine's end must stay */
		for (unsigned i = 0; i < g->n; i++) {
			if (how[i] == GDB_STAY)
				continue;
			g->gh[i].mode = how[i] == GDB_STEP ? RV_GDB_STEP : RV_GDB_RUN;
			atomic_store(&g->hart[i]->stop, false);
		}
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->lock);
}

static void rv_gdb_kill(void *t)
{
	struct rv_gdb *g = t;
	g->kill(g->opaque);
}

static void rv_gdb_thread_info(void *t, unsigned thread, char *buf, size_t size)
{
	static const char *const modes[4] = { "U", "S", "?", "M" };
	struct rv_gdb           *g = t;
	const struct rv_hart    *h = g->hart[thread];

	snprintf(buf, size, "hart %llu, %s-mode%s", (unsigned long long)h->hartid,
		 modes[h->priv & 3], h->wfi ? ", in WFI" : "");
}

static const struct gdb_target_ops rv_gdb_ops = {
	.threads           = rv_gdb_threads,
	.xml               = rv_gdb_xml,
	.g_regs            = RV_GDB_G_REGS,
	.reg_read          = rv_gdb_read_reg,
	.reg_write         = rv_gdb_write_reg,
	.mem_read          = rv_gdb_read_mem,
	.mem_write         = rv_gdb_write_mem,
	.breakpoint        = rv_gdb_breakpoint,
	.clear_breakpoints = rv_gdb_clear_breakpoints,
	.stop              = rv_gdb_stop,
	.resume            = rv_gdb_resume,
	.kill              = rv_gdb_kill,
	.thread_info       = rv_gdb_thread_info,
};

int rv_gdb_open(struct rv_gdb **out, const char *spec, bool wait, struct rv_hart *const *harts,
		unsigned n, void (*kill)(void *opaque), void *opaque, struct cerr *e)
{
	struct rv_gdb *g = calloc(1, sizeof(*g));

	if (!g)
		return cerr_set(e, ENOMEM, "gdb: allocating the riscv64 stub");
	if (n > 64)
		n = 64;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->n      = n;
	g->kill   = kill;
	g->opaque = opaque;
	for (unsigned i = 0; i < n; i++) {
		g->hart[i]     = harts[i];
		g->gh[i]       = (struct rv_gdb_hart){ .g = g, .mode = wait ? RV_GDB_PARK : RV_GDB_RUN };
	}
	g->xml = rv_gdb_target_xml(harts[0]);
	if (!g->xml) {
		rv_gdb_close(g);
		return cerr_set(e, ENOMEM, "gdb: building the target description");
	}
	if (gdb_server_open(&g->srv, spec, &rv_gdb_ops, g, e) < 0) {
		rv_gdb_close(g);
		return -1;
	}
	*out = g;
	return 0;
}

const char *rv_gdb_address(const struct rv_gdb *g)
{
	return gdb_server_address(g->srv);
}

int rv_gdb_start(struct rv_gdb *g, struct cerr *e)
{
	return gdb_server_start(g->srv, e);
}

void rv_gdb_close(struct rv_gdb *g)
{
	if (!g)
		return;
	gdb_server_close(g->srv);
	for (unsigned i = 0; i < g->n; i++)
		g->hart[i]->dbg = NULL;
	free(g->xml);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->lock);
	free(g);
}
