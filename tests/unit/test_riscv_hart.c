/* Unit tests of the hart's interface for boards: running code from guest RAM, device windows
 * on the bus, access faults, illegal-instruction traps, and an interrupt raised from another
 * thread waking the hart from WFI. Programs are hand-encoded so no cross compiler is needed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "target/riscv/cpu.h"
#include "target/riscv/internal.h"
#include "target/riscv/jit/jit.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64u << 10)

static uint8_t         *ram;
static struct guest_mem mem;
static struct bus       bus;
static struct rv_hart  *hart;
static bool             use_jit; /* setup() gives the hart the block compiler */

static uint32_t i_type(unsigned opc, unsigned f3, unsigned rd, unsigned rs1, int imm)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
#define ADDI(rd, rs1, imm)  i_type(0x13, 0, rd, rs1, imm)
#define SLLI(rd, rs1, sh)   i_type(0x13, 1, rd, rs1, sh)
#define LW(rd, rs1, imm)    i_type(0x03, 2, rd, rs1, imm)
#define CSRRW(rd, csr, rs1) i_type(0x73, 1, rd, rs1, csr)
#define CSRRS(rd, csr, rs1) i_type(0x73, 2, rd, rs1, csr)
#define CSRRSI(rd, csr, u)  i_type(0x73, 6, rd, u, csr)
#define SW(rs2, rs1, imm)   ((uint32_t)((imm) >> 5) << 25 | (rs2) << 20 | (rs1) << 15 | 2u << 12 | \
			     (uint32_t)((imm) & 31) << 7 | 0x23)
#define LUI(rd, imm20)      ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x37)
#define JAL0_SELF           0x0000006fu /* jal zero, 0: spin */
#define WFI                 0x10500073u

static uint64_t dev_last_off, dev_last_val;

static uint64_t dev_read(void *o, uint64_t off, unsigned size)
{
	(void)o; (void)off; (void)size;
	return 0x1234;
}

static void dev_write(void *o, uint64_t off, uint64_t v, unsigned size)
{
	(void)o; (void)size;
	dev_last_off = off;
	dev_last_val = v;
}

static const struct bus_ops dev_ops = { dev_read, dev_write };

static void setup(const uint32_t *prog, size_t n, uint64_t at)
{
	struct cerr e;
	static bool mapped;
	if (!ram) {
		ram = calloc(1, RAM_SIZE);
		guest_mem_add(&mem, RAM_BASE, RAM_SIZE, ram, &e);
	}
	if (!mapped) {
		bus_map(&bus, "dev", 0x10000000, 0x1000, &dev_ops, NULL, &e);
		mapped = true;
	}
	memset(ram, 0, RAM_SIZE);
	memcpy(ram + (at - RAM_BASE), prog, n * 4);
	if (hart) {
		rv_hart_destroy(hart);
		free(hart);
	}
	hart = calloc(1, sizeof(*hart));
	struct rv_hart_env env = { .mem = &mem, .bus = &bus };
	rv_hart_init(hart, &env, 0, RAM_BASE, &e);
	if (use_jit && rv_jit_init(hart, &e) < 0)
		printf("  rv_jit_init: %s\n", e.msg);
}

/* The same tests with the block compiler running the code (interpreter for what it leaves). */
#define JIT_VARIANT(name)                                                                      \
	static void jit_##name(void)                                                           \
	{                                                                                      \
		use_jit = true;                                                                \
		name();                                                                        \
		use_jit = false;                                                               \
	}

static void runs_code_from_ram(void)
{
	const uint32_t p[] = { ADDI(10, 0, 42), ADDI(10, 10, -2), ADDI(0, 0, 5), JAL0_SELF };
	setup(p, 4, RAM_BASE);
	rv_hart_run(hart, 100);
	CHECK_INT(hart->x[10], 40);
	CHECK_INT(hart->x[0], 0);
	CHECK_INT(hart->pc, RAM_BASE + 12);
}

static void device_window_and_access_fault(void)
{
	const uint32_t p[] = { LUI(5, 0x10000), LW(10, 5, 0), SW(10, 5, 8), LUI(6, 0x20000),
			       LW(11, 6, 0), JAL0_SELF };
	setup(p, 6, RAM_BASE);
	rv_hart_run(hart, 5);
	CHECK_INT(hart->x[10], 0x1234);
	CHECK_INT(dev_last_off, 8);
	CHECK_INT(dev_last_val, 0x1234);
	CHECK_INT(hart->mcause, 5);          /* load access fault outside RAM and windows */
	CHECK_INT(hart->mtval, 0x20000000);
	CHECK_INT(hart->mepc, RAM_BASE + 16);
}

static void illegal_instruction_trap(void)
{
	const uint32_t p[] = { 0xffffffffu };
	setup(p, 1, RAM_BASE);
	rv_hart_run(hart, 1);
	CHECK_INT(hart->mcause, 2);
	CHECK_INT(hart->mtval, 0xffffffffu);
	CHECK_INT(hart->mepc, RAM_BASE);
	CHECK_INT(hart->pc, 0);              /* mtvec is 0 after reset */
}

/* rv_hart_step, a debugger's stepi: one instruction each (4 or 2 bytes, a CSR write), a
 * trap ends the step at the handler, a loop whose entries are decoded already still moves
 * one instruction, and a pending interrupt is taken as a step of its own. */
static void step_retires_exactly_one(void)
{
	const uint32_t p[] = {
		ADDI(10, 0, 1), 0x05050505u /* c.addi a0, 1; c.addi a0, 1 */, CSRRW(0, 0x340, 10),
		0x00000073u /* ecall */,
	};
	const uint32_t handler[] = { ADDI(11, 0, 7), ADDI(10, 10, 1), 0xffdff06fu /* jal -4 */ };
	const uint64_t want_pc[] = { 4, 6, 8, 12, 0x100, 0x104, 0x108, 0x104, 0x108 };
	const uint64_t want_n[]  = { 1, 1, 1, 1, 0,     1,     1,     1,     1 };
	setup(p, 4, RAM_BASE);
	memcpy(ram + 0x100, handler, sizeof(handler));
	hart->mtvec = RAM_BASE + 0x100;
	for (size_t i = 0; i < sizeof(want_pc) / sizeof(want_pc[0]); i++) {
		uint64_t n = rv_hart_step(hart);
		CHECK_INT(hart->pc, RAM_BASE + want_pc[i]);
		CHECK_INT(n, want_n[i]);
		if (i == 2)
			CHECK_INT(hart->x[10], 3);
		if (i == 3)
			CHECK_INT(hart->mscratch, 3);
	}
	CHECK_INT(hart->mcause, 11);
	CHECK_INT(hart->x[11], 7);
	CHECK_INT(hart->x[10], 5);
	rv_hart_run(hart, 1000); /* the loop's entries are valid now */
	uint64_t a0 = hart->x[10], pc = hart->pc;
	rv_hart_step(hart);
	CHECK(hart->pc != pc);
	CHECK_INT(hart->x[10], a0 + (pc == RAM_BASE + 0x104));
	/* an interrupt pending and enabled: the step takes it and stops at the handler */
	hart->mie = 1u << RV_IRQ_MSI;
	hart->mstatus |= MS_MIE;
	rv_hart_set_irq(hart, RV_IRQ_MSI, 1);
	CHECK_INT(rv_hart_step(hart), 0);
	CHECK_INT(hart->pc, RAM_BASE + 0x100);
	CHECK_INT(hart->mcause, (1ull << 63) | RV_IRQ_MSI);
	CHECK_INT(hart->x[11], 7);
}

static void *run_thread(void *arg)
{
	rv_hart_run(arg, 0);
	return NULL;
}

static void interrupt_from_another_thread(void)
{
	const uint32_t p[] = {
		ADDI(5, 0, 1), SLLI(5, 5, 31), ADDI(5, 5, 0x100), CSRRW(0, 0x305, 5), /* mtvec */
		ADDI(6, 0, 1), SLLI(6, 6, 11), CSRRS(0, 0x304, 6),                    /* mie.MEIE */
		CSRRSI(0, 0x300, 8),                                                  /* mstatus.MIE */
		WFI, 0xffdff06fu /* jal zero, -4 */,
	};
	const uint32_t handler[] = { CSRRS(12, 0x342, 0), ADDI(11, 0, 1), JAL0_SELF };
	setup(p, 10, RAM_BASE);
	memcpy(ram + 0x100, handler, sizeof(handler));
	pthread_t t;
	CHECK_INT(pthread_create(&t, NULL, run_thread, hart), 0);
	struct timespec ms = { 0, 20 * 1000 * 1000 };
	nanosleep(&ms, NULL);
	CHECK_INT(__atomic_load_n(&hart->x[11], __ATOMIC_RELAXED), 0); /* still waiting */
	rv_hart_set_irq(hart, RV_IRQ_MEI, 1);
	for (int i = 0; i < 500 && __atomic_load_n(&hart->x[11], __ATOMIC_RELAXED) == 0; i++) {
		struct timespec tick = { 0, 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	rv_hart_stop(hart);
	pthread_join(t, NULL);
	CHECK_INT(hart->x[11], 1);
	CHECK_INT(hart->x[12], (1ull << 63) | 11);
	CHECK_INT(hart->mepc, RAM_BASE + 36); /* the jump after WFI */
}

static uint32_t b_type(unsigned f3, unsigned rs1, unsigned rs2, int off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
#define AMOADD_D(rd, rs2, rs1) (0u << 27 | (rs2) << 20 | (rs1) << 15 | 3u << 12 | (rd) << 7 | 0x2f)
#define LR_D(rd, rs1)          (2u << 27 | (rs1) << 15 | 3u << 12 | (rd) << 7 | 0x2f)
#define SC_D(rd, rs2, rs1)     (3u << 27 | (rs2) << 20 | (rs1) << 15 | 3u << 12 | (rd) << 7 | 0x2f)
#define SD(rs2, rs1, imm)      ((uint32_t)((imm) >> 5) << 25 | (rs2) << 20 | (rs1) << 15 | 3u << 12 | \
				(uint32_t)((imm) & 31) << 7 | 0x23)
#define BNE(rs1, rs2, off)     b_type(1, rs1, rs2, off)

/* Two harts in two threads increment shared counters with AMOADD and with LR/SC loops:
 * no increment may be lost. */
static void two_harts_atomics(void)
{
	enum { T0 = 5, T1 = 6, T2 = 7, T3 = 28, A0 = 10, A1 = 11, A2 = 12 };
	const uint32_t p[] = {
		ADDI(T0, 0, 1), SLLI(T0, T0, 18), ADDI(T1, 0, 1),
		AMOADD_D(0, T1, A0), ADDI(T0, T0, -1), BNE(T0, 0, -8),          /* 3..5 */
		ADDI(T0, 0, 1), SLLI(T0, T0, 18),
		LR_D(T2, A1), ADDI(T2, T2, 1), SC_D(T3, T2, A1), BNE(T3, 0, -12), /* 8..11 */
		ADDI(T0, T0, -1), BNE(T0, 0, -20),
		SD(T1, A2, 0), JAL0_SELF,
	};
	setup(p, sizeof(p) / sizeof(p[0]), RAM_BASE);
	struct rv_hart *h2 = calloc(1, sizeof(*h2));
	struct cerr     e;
	struct rv_hart_env env = { .mem = &mem, .bus = &bus };
	CHECK(h2 != NULL);
	CHECK_INT(rv_hart_init(h2, &env, 1, RAM_BASE, &e), 0);
	struct rv_hart *harts[2] = { hart, h2 };
	for (int i = 0; i < 2; i++) {
		harts[i]->x[A0] = RAM_BASE + 0x8000;
		harts[i]->x[A1] = RAM_BASE + 0x8040;
		harts[i]->x[A2] = RAM_BASE + 0x8080 + 64 * (uint64_t)i;
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		CHECK_INT(pthread_create(&t[i], NULL, run_thread, harts[i]), 0);
	uint64_t *done0 = (uint64_t *)(ram + 0x8080), *done1 = (uint64_t *)(ram + 0x80c0);
	for (int i = 0; i < 10000 && !(__atomic_load_n(done0, __ATOMIC_ACQUIRE) &&
				      __atomic_load_n(done1, __ATOMIC_ACQUIRE)); i++) {
		struct timespec tick = { 0, 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	for (int i = 0; i < 2; i++) {
		rv_hart_stop(harts[i]);
		pthread_join(t[i], NULL);
	}
	uint64_t amo, lrsc;
	memcpy(&amo, ram + 0x8000, 8);
	memcpy(&lrsc, ram + 0x8040, 8);
	rv_hart_destroy(h2);
	free(h2);
	CHECK_INT(*done0, 1);
	CHECK_INT(*done1, 1);
	CHECK_INT(amo, 2 << 18);
	CHECK_INT(lrsc, 2 << 18);
}

/* csrrs/csrrc on mip while the PLIC holds SEIP high must not latch SEIP into the software
 * bit (OpenSBI sets SSIP that way on every IPI): once the line drops, SEIP is gone. */
static void mip_set_does_not_latch_device_lines(void)
{
	const uint32_t p[] = { JAL0_SELF };
	uint64_t       old = 0, now = 0;

	setup(p, 1, RAM_BASE);
	rv_hart_set_irq(hart, RV_IRQ_SEI, 1);
	CHECK(rv_csr_access(hart, 0x344, 2, 1u << RV_IRQ_SSI, &old, true));
	CHECK(old & (1u << RV_IRQ_SEI));
	rv_hart_set_irq(hart, RV_IRQ_SEI, 0);
	CHECK(rv_csr_access(hart, 0x344, 2, 0, &now, false));
	CHECK(now & (1u << RV_IRQ_SSI));
	CHECK(!(now & (1u << RV_IRQ_SEI)));
	rv_hart_set_irq(hart, RV_IRQ_SEI, 1);
	CHECK(rv_csr_access(hart, 0x344, 3, 1u << RV_IRQ_SSI, &old, true));
	rv_hart_set_irq(hart, RV_IRQ_SEI, 0);
	CHECK(rv_csr_access(hart, 0x344, 2, 0, &now, false));
	CHECK_INT(now & ((1u << RV_IRQ_SSI) | (1u << RV_IRQ_SEI)), 0);
}

static uint32_t j_type(unsigned rd, int off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}
#define FENCE_I 0x0000100fu
#define RET     0x00008067u /* jalr zero, 0(ra) */

/* Code rewritten behind the hart's back (a device's DMA, another hart) is seen after FENCE.I,
 * whether the decoded copy is dropped or taken over after FENCE.I: a function returning
 * 1 is called, rewritten in RAM by the host (a 4-byte and then a compressed li), the hart
 * runs FENCE.I and calls it again. A second FENCE.I with the code unchanged keeps working. */
static void fence_i_sees_code_written_behind_the_hart(void)
{
	uint32_t p[68] = {
		j_type(1, 0x100), ADDI(8, 10, 0), JAL0_SELF,            /* 0x00: a0 = f(), s0 */
		FENCE_I, j_type(1, 0x100 - 0x10), ADDI(9, 10, 0), JAL0_SELF, /* 0x0c: s1 */
		FENCE_I, j_type(1, 0x100 - 0x20), ADDI(18, 10, 0), JAL0_SELF, /* 0x1c: s2 */
		FENCE_I, j_type(1, 0x100 - 0x30), ADDI(19, 10, 0), JAL0_SELF, /* 0x2c: s3 */
	};
	p[0x100 / 4] = ADDI(10, 0, 1);
	p[0x104 / 4] = RET;
	setup(p, 68, RAM_BASE);
	rv_hart_run(hart, 50);
	CHECK_INT(hart->pc, RAM_BASE + 0x08);
	CHECK_INT(hart->x[8], 1);

	uint32_t li2 = ADDI(10, 0, 2);
	memcpy(ram + 0x100, &li2, 4);                      /* as DMA would: no hart store */
	hart->pc = RAM_BASE + 0x0c;
	rv_hart_run(hart, 50);
	CHECK_INT(hart->pc, RAM_BASE + 0x18);
	CHECK_INT(hart->x[9], 2);

	hart->pc = RAM_BASE + 0x1c;                        /* unchanged code, FENCE.I again */
	rv_hart_run(hart, 50);
	CHECK_INT(hart->pc, RAM_BASE + 0x28);
	CHECK_INT(hart->x[18], 2);

	const uint16_t c_li3[2] = { 0x450d /* c.li a0, 3 */, 0x0001 /* c.nop */ };
	memcpy(ram + 0x100, c_li3, 4);
	hart->pc = RAM_BASE + 0x2c;
	rv_hart_run(hart, 50);
	CHECK_INT(hart->pc, RAM_BASE + 0x38);
	CHECK_INT(hart->x[19], 3);
}

/* A misaligned load or store within a page is served by the soft TLB once its page is there
 * (Linux times misaligned accesses at boot and calls them slow otherwise), an access that
 * crosses pages is not, and an atomic stays refused when misaligned. The TLB entries are
 * pointed at shadow pages after the first run: what the second run reads and writes shows
 * whether it went through them. */
JIT_VARIANT(runs_code_from_ram)
JIT_VARIANT(device_window_and_access_fault)
JIT_VARIANT(illegal_instruction_trap)
JIT_VARIANT(interrupt_from_another_thread)
JIT_VARIANT(fence_i_sees_code_written_behind_the_hart)

static void misaligned_access_hits_the_tlb(void)
{
	static uint8_t shadow_r[4096], shadow_w[4096];
	const uint32_t p[] = { LW(10, 5, 0), SW(10, 5, 0x10), JAL0_SELF };
	const uint64_t va = RAM_BASE + 0x2001, page = RAM_BASE + 0x2000;
	const unsigned idx = (unsigned)(va >> 12) & (RV_TLB_SIZE - 1);
	struct rv_fault f;
	uint32_t        w;
	uint64_t        v = 0;

	setup(p, 3, RAM_BASE);
	memcpy(ram + 0x2001, "\x44\x33\x22\x11", 4);
	hart->x[5] = va;
	rv_hart_run(hart, 3);
	CHECK_INT(hart->x[10], 0x11223344);
	CHECK_INT(hart->tlb_r[idx].tag, page);
	CHECK_INT(hart->tlb_w[idx].tag, page);

	memcpy(shadow_r + 1, "\x88\x77\x66\x55", 4);
	memcpy(shadow_r + 0xffe, "\xaa\xbb", 2);
	hart->tlb_r[idx].addend = (uintptr_t)shadow_r - (uintptr_t)page;
	hart->tlb_w[idx].addend = (uintptr_t)shadow_w - (uintptr_t)page;
	hart->pc = RAM_BASE;
	rv_hart_run(hart, 3);                              /* the interpreter's own hit */
	CHECK_INT(hart->x[10], 0x55667788);
	memcpy(&w, shadow_w + 0x11, 4);
	CHECK_INT(w, 0x55667788);
	memcpy(&w, ram + 0x2011, 4);
	CHECK_INT(w, 0x11223344);                          /* RAM kept the first run's store */
	CHECK(rv_load(hart, va + 2, 4, &v, &f));           /* internal.h's hit */
	CHECK_INT(v, 0x5566);
	CHECK(rv_store(hart, va + 0x100, 8, 0x0102030405060708ull, &f));
	CHECK_INT(shadow_w[0x101], 0x08);
	CHECK_INT(shadow_w[0x108], 0x01);
	CHECK(rv_atomic_ptr(hart, va + 3, 4, RV_ACC_R, &f) == shadow_r + 4); /* aligned: hit */
	CHECK(rv_atomic_ptr(hart, va, 4, RV_ACC_R, &f) == NULL);
	CHECK_INT(f.cause, RV_EXC_LMISALIGN);
	CHECK_INT(f.tval, va);
	CHECK(rv_atomic_ptr(hart, va + 1, 8, RV_ACC_W, &f) == NULL);
	CHECK_INT(f.cause, RV_EXC_SMISALIGN);
	ram[0x2ffe] = 0x01, ram[0x2fff] = 0x02, ram[0x3000] = 0x03, ram[0x3001] = 0x04;
	CHECK(rv_load(hart, page + 0xffe, 4, &v, &f));     /* crosses pages: RAM, not shadow */
	CHECK_INT(v, 0x04030201);
}

int main(void)
{
	check_suite = "riscv_hart";
	RUN(runs_code_from_ram);
	RUN(device_window_and_access_fault);
	RUN(illegal_instruction_trap);
	RUN(step_retires_exactly_one);
	RUN(interrupt_from_another_thread);
	RUN(two_harts_atomics);
	RUN(mip_set_does_not_latch_device_lines);
	RUN(fence_i_sees_code_written_behind_the_hart);
	RUN(misaligned_access_hits_the_tlb);
	if (rv_jit_supported()) {
		RUN(jit_runs_code_from_ram);
		RUN(jit_device_window_and_access_fault);
		RUN(jit_illegal_instruction_trap);
		RUN(jit_interrupt_from_another_thread);
		RUN(jit_fence_i_sees_code_written_behind_the_hart);
		use_jit = false;
	}
	if (hart) {
		rv_hart_destroy(hart);
		free(hart);
	}
	free(ram);
	return check_failed_count != 0;
}
