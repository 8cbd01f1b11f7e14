/* Unit tests for the PLIC and the CLINT (src/hw/intc): register semantics and output lines. */
#include <time.h>

#include "check.h"
#include "hw/intc/clint.h"
#include "hw/intc/plic.h"

/* Records the level of each output line. */
static int line_level[128];

static void record_line(void *opaque, unsigned num, int level)
{
	(void)opaque;
	line_level[num] = level;
}

static uint32_t rd(struct plic *p, uint64_t off)
{
	return (uint32_t)plic_ops.read(p, off, 4);
}

static void wr(struct plic *p, uint64_t off, uint32_t v)
{
	plic_ops.write(p, off, v, 4);
}

static void plic_claim_complete_cycle(void)
{
	static struct plic p;
	struct irq_line    out[2] = { { record_line, NULL, 0 }, { record_line, NULL, 1 } };
	struct cerr        e;

	memset(line_level, 0, sizeof(line_level));
	CHECK_INT(plic_init(&p, 97, 2, out, &e), 0);
	struct irq_line uart = plic_line(&p, 10);

	irq_set(&uart, 1);
	CHECK_INT(line_level[1], 0);             /* priority 0: never delivered */
	CHECK_INT(rd(&p, 0x1000) >> 10 & 1, 1);  /* but pending */
	wr(&p, 4 * 10, 1);                       /* priority 1 */
	CHECK_INT(line_level[1], 0);             /* not enabled yet */
	wr(&p, 0x2000 + 0x80 * 1, 1u << 10);     /* enable for context 1 (S-mode hart 0) */
	CHECK_INT(line_level[1], 1);
	CHECK_INT(line_level[0], 0);
	wr(&p, 0x200000 + 0x1000 * 1, 1);        /* threshold 1 masks priority 1 */
	CHECK_INT(line_level[1], 0);
	wr(&p, 0x200000 + 0x1000 * 1, 0);
	CHECK_INT(line_level[1], 1);

	CHECK_INT(rd(&p, 0x200004 + 0x1000), 10); /* claim */
	CHECK_INT(line_level[1], 0);
	CHECK_INT(rd(&p, 0x200004 + 0x1000), 0);  /* nothing else */
	wr(&p, 0x200004 + 0x1000, 10);            /* complete with the line still high */
	CHECK_INT(line_level[1], 1);              /* level-triggered: pending again */
	CHECK_INT(rd(&p, 0x200004 + 0x1000), 10);
	irq_set(&uart, 0);
	wr(&p, 0x200004 + 0x1000, 10);
	CHECK_INT(line_level[1], 0);
	plic_destroy(&p);
}

static void plic_picks_highest_priority_then_lowest_id(void)
{
	static struct plic p;
	struct irq_line    out[1] = { { record_line, NULL, 0 } };
	struct cerr        e;

	CHECK_INT(plic_init(&p, 97, 1, out, &e), 0);
	wr(&p, 4 * 3, 2);
	wr(&p, 4 * 5, 7);
	wr(&p, 4 * 40, 7);
	wr(&p, 0x2000, (1u << 3) | (1u << 5));
	wr(&p, 0x2004, 1u << (40 - 32));
	plic_set_irq(&p, 3, 1);
	plic_set_irq(&p, 40, 1);
	plic_set_irq(&p, 5, 1);
	CHECK_INT(rd(&p, 0x200004), 5);
	CHECK_INT(rd(&p, 0x200004), 40);
	CHECK_INT(rd(&p, 0x200004), 3);
	CHECK_INT(rd(&p, 0x200004), 0);
	plic_destroy(&p);
}

static void plic_ignores_hostile_accesses(void)
{
	static struct plic p;
	struct irq_line    out[1] = { { record_line, NULL, 0 } };
	struct cerr        e;

	CHECK_INT(plic_init(&p, 97, 1, out, &e), 0);
	wr(&p, 0, 7);                          /* source 0 has no priority */
	CHECK_INT(rd(&p, 0), 0);
	wr(&p, 0x2000, 1);                     /* nor an enable bit */
	CHECK_INT(rd(&p, 0x2000), 0);
	wr(&p, 0x1000, 0xffffffff);            /* pending is read-only */
	CHECK_INT(rd(&p, 0x1000), 0);
	wr(&p, 0x200000 + 0x1000 * 9, 3);      /* a context that does not exist */
	CHECK_INT(rd(&p, 0x200000 + 0x1000 * 9), 0);
	wr(&p, 0x200004, 12345);               /* completing what was never claimed */
	plic_set_irq(&p, 500, 1);              /* a source that does not exist */
	CHECK_INT(plic_ops.read(&p, 0x4, 8), 0); /* wrong width */
	CHECK_INT(plic_init(&p, 1, 1, out, &e), -1);
	CHECK_INT(plic_init(&p, 97, 0, out, &e), -1);
}

/* 64 harts, as on QEMU's virt board: 128 contexts, the last one (S-mode of hart 63) works. */
static void plic_has_contexts_for_64_harts(void)
{
	static struct plic p;
	static struct irq_line out[129];
	struct cerr        e;

	for (unsigned i = 0; i < 129; i++)
		out[i] = (struct irq_line){ record_line, NULL, i < 128 ? i : 0 };
	CHECK_INT(plic_init(&p, 97, 129, out, &e), -1);
	CHECK(strstr(e.msg, "out of range") != NULL);
	memset(line_level, 0, sizeof(line_level));
	CHECK_INT(plic_init(&p, 97, 128, out, &e), 0);
	struct irq_line dev = plic_line(&p, 96);
	wr(&p, 4 * 96, 3);
	wr(&p, 0x2000 + 0x80 * 127 + 12, 1u << 0);   /* source 96 is bit 0 of word 3 */
	irq_set(&dev, 1);
	CHECK_INT(line_level[127], 1);
	CHECK_INT(line_level[126], 0);
	CHECK_INT(rd(&p, 0x200004 + 0x1000 * 127), 96);
	CHECK_INT(line_level[127], 0);
	plic_destroy(&p);
}

static void clint_msip_and_timer(void)
{
	static struct clint c;
	struct irq_line     msip[1] = { { record_line, NULL, 0 } };
	struct irq_line     mtip[1] = { { record_line, NULL, 1 } };
	struct cerr         e;

	memset(line_level, 0, sizeof(line_level));
	CHECK_INT(clint_init(&c, 1, 10000000, msip, mtip, &e), 0);
	clint_ops.write(&c, 0x0, 1, 4);
	CHECK_INT(line_level[0], 1);
	CHECK_INT(clint_ops.read(&c, 0x0, 4), 1);
	clint_ops.write(&c, 0x0, 0, 4);
	CHECK_INT(line_level[0], 0);

	uint64_t t0 = clint_ops.read(&c, 0xbff8, 8);
	struct timespec ms = { 0, 2000000 };
	nanosleep(&ms, NULL);
	uint64_t t1 = clint_ops.read(&c, 0xbff8, 8);
	CHECK(t1 > t0 + 10000);                      /* 2 ms at 10 MHz is 20000 ticks */
	CHECK_INT(line_level[1], 0);                 /* mtimecmp starts at the far future */
	clint_ops.write(&c, 0x4000, t1 - 1, 8);      /* in the past: immediately pending */
	CHECK_INT(line_level[1], 1);
	clint_ops.write(&c, 0x4000, UINT64_MAX, 8);  /* far future: cleared */
	CHECK_INT(line_level[1], 0);

	/* 5 ms ahead, written as two 32-bit halves like RV32 software does */
	uint64_t when = clint_ops.read(&c, 0xbff8, 8) + 50000;
	clint_ops.write(&c, 0x4004, 0xffffffff, 4);
	clint_ops.write(&c, 0x4000, (uint32_t)when, 4);
	clint_ops.write(&c, 0x4004, when >> 32, 4);
	CHECK_INT(clint_ops.read(&c, 0x4000, 8), when);
	CHECK_INT(line_level[1], 0);
	for (int i = 0; i < 2000 && !line_level[1]; i++) {
		struct timespec tick = { 0, 1000000 };
		nanosleep(&tick, NULL);
	}
	CHECK_INT(line_level[1], 1);                 /* the timer thread raised MTIP */
	CHECK(clint_mtime(&c) >= when);
	clint_destroy(&c);
}

static void clint_ignores_other_harts_and_widths(void)
{
	static struct clint c;
	struct irq_line     msip[1] = { { record_line, NULL, 0 } };
	struct irq_line     mtip[1] = { { record_line, NULL, 1 } };
	struct cerr         e;

	memset(line_level, 0, sizeof(line_level));
	CHECK_INT(clint_init(&c, 1, 10000000, msip, mtip, &e), 0);
	clint_ops.write(&c, 0x4, 1, 4);              /* hart 1 does not exist */
	CHECK_INT(clint_ops.read(&c, 0x4, 4), 0);
	clint_ops.write(&c, 0x4008, 0, 8);
	CHECK_INT(line_level[1], 0);
	clint_ops.write(&c, 0x1, 1, 1);              /* misaligned msip */
	CHECK_INT(line_level[0], 0);
	clint_destroy(&c);
	CHECK_INT(clint_init(&c, 0, 10000000, msip, mtip, &e), -1);
}

int main(void)
{
	check_suite = "unit/hw_intc";
	RUN(plic_claim_complete_cycle);
	RUN(plic_picks_highest_priority_then_lowest_id);
	RUN(plic_ignores_hostile_accesses);
	RUN(plic_has_contexts_for_64_harts);
	RUN(clint_msip_and_timer);
	RUN(clint_ignores_other_harts_and_widths);
	return check_failed_count ? 1 : 0;
}
