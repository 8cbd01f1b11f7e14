/* The KVM test guest: a tiny freestanding x86-64 program booted by `cella vm` through the
 * bzImage 64-bit entry. The kernel command line picks what it does (`test=NAME`); it reports
 * on the serial port (0x3f8) and ends through the debug-exit port 0x501 (cella exits with
 * (value << 1) | 1) or, when told to, the i8042 reset (cella exits 0). Kept short: on a
 * software-backed /dev/kvm every instruction is emulated by the host kernel.
 *
 *   test=boot     print what boot_params holds (loader, command line, e820, initrd and a
 *                 checksum of it), check it is consistent, reset through the i8042 when it is
 *   test=exit:N   exit through the debug-exit port with value N
 *   test=reboot   reset through the i8042 (cella exits 0)
 *   test=i8042    probe the i8042 as Linux does (configuration byte, self-test), then reset
 *   test=cpu      print the hypervisor CPUID leaf, the hypervisor bit and the MSRs and FPU
 *                 control word the monitor set
 *   test=unmapped read and write where no device is (port 0x2f8, MMIO 0xe0000000): reads
 *                 float high, writes vanish
 *   test=triple   triple-fault (KVM shutdown exit; cella exits 0, like a reboot)
 *   test=smp      print the BSP's APIC ID, start vCPU 1 with INIT-SIPI into a real-mode
 *                 trampoline, print the APIC ID it reports
 *   test=echo     copy serial input to output until 'q' (with LSR polling)
 *   test=uart     check the UART's scratch, loopback and interrupt identification registers
 *   test=io:N     N writes to port 0x80, then exit value 0 (exits-per-second benchmark)
 *   test=blk      drive the first virtio-blk device (found through `virtio_mmio.device=` on
 *                 the command line): print its capacity and the start of sector 0, write
 *                 sector 1 and read it back
 *   test=hvc      write a line through the first virtio-console's transmit queue
 *   test=rng      fill 64 bytes from virtio-rng and report how many came back
 *   test=irq      take real interrupts through the in-kernel 8259 and the local APIC's LINT0:
 *                 the UART's transmitter-empty interrupt (IRQ 4, KVM_IRQ_LINE) and, with a
 *                 --drive, virtio-blk's completion (IRQ 5, an irqfd) */
#include <stdint.h>

#include "serial.h"

#define DEBUG_EXIT 0x501
#define ZP_CMDLINE 0x228

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void putdec(uint64_t v)
{
	char buf[21];
	int  i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(buf + i);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The value after "key" in the command line (a pointer into it), or 0. */
static const char *arg(const char *cmdline, const char *key)
{
	for (const char *p = cmdline; *p; p++) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		const char *k = key, *q = p;
		while (*k && *q == *k)
			k++, q++;
		if (!*k)
			return q;
	}
	return 0;
}

static int word_is(const char *p, const char *w)
{
	while (*w && *p == *w)
		p++, w++;
	return !*w && (*p == 0 || *p == ' ' || *p == ':');
}

static uint64_t number(const char *p)
{
	uint64_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v;
}

static void reset_i8042(void)
{
	outb(0x64, 0xfe);
}

static int in_ram(const uint8_t *bp, uint64_t addr, uint64_t len)
{
	int n = bp[0x1e8];
	for (int i = 0; i < n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;
		uint64_t       a = rd64(e), s = rd64(e + 8);
		if (rd32(e + 16) == 1 && addr >= a && addr + len <= a + s)
			return 1;
	}
	return 0;
}

static uint32_t test_boot(const uint8_t *bp, const char *cmdline)
{
	int ok = 1;

	puts_("BOOT loader=");
	puthex(bp[0x210]);
	puts_(" version=");
	puthex(bp[0x206] | bp[0x207] << 8);
	puts_(" magic=");
	puts_(rd32(bp + 0x202) == 0x53726448 ? "HdrS" : "bad");
	puts_(" rsi=");
	puthex((uintptr_t)bp);
	puts_("\nCMDLINE ");
	puts_(cmdline);
	puts_("\n");
	ok &= bp[0x210] == 0xff && rd32(bp + 0x202) == 0x53726448;
	ok &= in_ram(bp, rd32(bp + ZP_CMDLINE), 1);

	int n = bp[0x1e8];
	puts_("E820 n=");
	putdec((uint64_t)n);
	puts_("\n");
	uint64_t last_end = 0;
	for (int i = 0; i < n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;
		puts_("E820 ");
		puthex(rd64(e));
		puts_(" ");
		puthex(rd64(e + 8));
		puts_(" ");
		putdec(rd32(e + 16));
		puts_("\n");
		ok &= rd64(e) >= last_end && rd64(e + 8) != 0;  /* sorted, no overlap */
		last_end = rd64(e) + rd64(e + 8);
	}

	uint32_t addr = rd32(bp + 0x218), size = rd32(bp + 0x21c), sum = 0;
	if (size) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
		for (uint32_t i = 0; i < size; i++)
			sum = sum * 31 + p[i];
		ok &= (addr & 0xfff) == 0 && in_ram(bp, addr, size) &&
		      addr + (uint64_t)size <= rd32(bp + 0x22c) + 1ull;
	}
	puts_("INITRD addr=");
	puthex(addr);
	puts_(" size=");
	putdec(size);
	puts_(" sum=");
	puthex(sum);
	puts_(ok ? "\nBOOT-CHECK ok\n" : "\nBOOT-CHECK fail\n");
	if (ok)
		reset_i8042();
	return 1;
}

extern const char tramp_start[], tramp_end[], tramp_apic[], tramp_flag[];

static uint32_t test_smp(void)
{
	volatile uint32_t *lapic = (volatile uint32_t *)0xfee00000;
	uint8_t           *dst   = (uint8_t *)0x8000;
	uint32_t           a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	puts_("CPU0 apic=");
	putdec(b >> 24);
	puts_(" logical=");
	putdec((b >> 16) & 0xff);
	puts_("\n");
	for (const char *p = tramp_start; p < tramp_end; p++)
		*dst++ = (uint8_t)*p;
	volatile uint32_t *flag = (volatile uint32_t *)(0x8000 + (tramp_flag - tramp_start));
	volatile uint32_t *apic = (volatile uint32_t *)(0x8000 + (tramp_apic - tramp_start));

	lapic[0xf0 / 4] |= 0x100;             /* software-enable the local APIC */
	lapic[0x310 / 4] = 1u << 24;          /* destination: APIC ID 1 */
	lapic[0x300 / 4] = 0x4500;            /* INIT, level assert */
	lapic[0x310 / 4] = 1u << 24;
	lapic[0x300 / 4] = 0x4600 | 0x08;     /* Startup IPI: start at 0x08 << 12 = 0x8000 */
	for (uint32_t i = 0; i < 500000 && !*flag; i++)
		__asm__ volatile("pause");
	if (!*flag) {
		puts_("AP did not start\n");
		return 2;
	}
	puts_("CPU1 apic=");
	putdec(*apic);
	puts_("\nSMP ok\n");
	return 0;
}

static uint32_t test_echo(void)
{
	puts_("ECHO ready\n");
	for (;;) {
		while (!(inb(COM1 + 5) & 1))
			;
		char c = (char)inb(COM1);
		if (c == 'q')
			break;
		putc_(c);
	}
	puts_("\nECHO done\n");
	return 0;
}

static uint32_t test_uart(void)
{
	int ok = 1;

	outb(COM1 + 7, 0xa5);
	ok &= inb(COM1 + 7) == 0xa5;                 /* scratch */
	outb(COM1 + 3, 0x80);                        /* DLAB: divisor latch */
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	ok &= inb(COM1 + 0) == 0x01;
	outb(COM1 + 3, 0x03);                        /* 8N1 */
	outb(COM1 + 2, 0xc7);                        /* FIFO on, cleared, trigger 14 */
	ok &= (inb(COM1 + 2) & 0xc0) == 0xc0;        /* a 16550A */
	outb(COM1 + 4, 0x10 | 0x0a);                 /* loopback with RTS and OUT2 */
	ok &= (inb(COM1 + 6) & 0xf0) == 0x90;        /* CTS and DCD follow them */
	outb(COM1, 'Z');
	ok &= (inb(COM1 + 5) & 1) && inb(COM1) == 'Z';
	ok &= !(inb(COM1 + 5) & 1);
	outb(COM1 + 4, 0x0b);                        /* loopback off */
	outb(COM1 + 1, 0x02);                        /* THR-empty interrupt */
	ok &= (inb(COM1 + 2) & 0x0f) == 0x02;        /* reported ... */
	ok &= (inb(COM1 + 2) & 0x0f) == 0x01;        /* ... and acknowledged by reading IIR */
	outb(COM1 + 1, 0x00);
	puts_(ok ? "UART ok\n" : "UART fail\n");
	return ok ? 0 : 2;
}

static int i8042_read(uint8_t *v)
{
	for (int i = 0; i < 1000; i++)
		if (inb(0x64) & 1) {
			*v = inb(0x60);
			return 1;
		}
	return 0;
}

static uint32_t test_i8042(void)
{
	uint8_t ctr = 0, v = 0;
	int     ok  = 1;

	outb(0x64, 0x20);                            /* read the configuration byte */
	ok &= i8042_read(&ctr);
	outb(0x64, 0x60);                            /* write it back without the interrupt */
	outb(0x60, (uint8_t)(ctr & ~1));
	outb(0x64, 0x20);
	ok &= i8042_read(&v) && v == (uint8_t)(ctr & ~1);
	outb(0x64, 0xaa);                            /* controller self-test */
	ok &= i8042_read(&v) && v == 0x55;
	ok &= !(inb(0x64) & 1);                      /* nothing left to read */
	puts_(ok ? "I8042 ok\n" : "I8042 fail\n");
	if (ok)
		reset_i8042();
	return 2;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (uint64_t)hi << 32;
}

static uint32_t test_cpu(void)
{
	uint32_t a, b, c, d, sig[3];
	uint16_t fcw;

	cpuid(1, &a, &b, &c, &d);
	puts_("CPU hypervisor-bit=");
	putdec(c >> 31);
	cpuid(0x40000000, &a, &sig[0], &sig[1], &sig[2]);
	puts_(" leaf=");
	for (int i = 0; i < 12 && ((const char *)sig)[i]; i++)
		putc_(((const char *)sig)[i]);
	puts_(" max=");
	puthex(a);
	puts_("\nMSR misc-enable=");
	puthex(rdmsr(0x1a0) & 1);
	puts_(" mtrr-def-type=");
	puthex(rdmsr(0x2ff));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	puts_(" fcw=");
	puthex(fcw);
	puts_("\n");
	return 0;
}

static uint32_t test_unmapped(void)
{
	volatile uint32_t *hole = (volatile uint32_t *)0xe0000000;
	int                ok   = inb(0x2f8) == 0xff;

	outb(0x2f8, 0x12);
	*hole = 0x12345678;
	ok &= *hole == 0xffffffff;
	puts_(ok ? "UNMAPPED ok\n" : "UNMAPPED fail\n");
	return ok ? 0 : 2;
}

static uint32_t test_triple(void)
{
	static const struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} no_idt = { 0, 0 };
	puts_("TRIPLE\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(no_idt));
	return 2;
}

/* --- virtio-mmio, polled (the guest keeps interrupts off) --------------------------------- */

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define VQ_NUM   8
#define VQ_AREA  0x300000  /* rings and buffers, above the guest image, below 4 MiB */
#define VD_NEXT  1
#define VD_WRITE 2

static volatile uint8_t *vbase;

static uint32_t vr(unsigned off)
{
	return *(volatile uint32_t *)(vbase + off);
}

static void vw(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(vbase + off) = v;
}

static uint64_t hexnum(const char *p)
{
	uint64_t v = 0;
	for (;; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v * 16 + (uint64_t)d;
	}
}

/* Find the first announced virtio-mmio device with this device ID and bring it to DRIVER_OK
 * with queue q set up. */
static int virtio_open(const char *cmdline, uint32_t id, unsigned q)
{
	for (const char *p = cmdline; (p = arg(p, "virtio_mmio.device=4K@0x")); ) {
		vbase = (volatile uint8_t *)(uintptr_t)hexnum(p);
		if (vr(0x000) != 0x74726976 || vr(0x004) != 2 || vr(0x008) != id)
			continue;
		vw(0x070, 0);
		vw(0x070, 1 | 2);                      /* ACKNOWLEDGE, DRIVER */
		vw(0x014, 1);
		if (!(vr(0x010) & 1))                  /* VERSION_1 */
			return -1;
		vw(0x024, 1);
		vw(0x020, 1);
		vw(0x024, 0);
		vw(0x020, 0);
		vw(0x070, 1 | 2 | 8);                  /* FEATURES_OK */
		if (!(vr(0x070) & 8))
			return -1;
		vw(0x030, q);
		if (vr(0x034) < VQ_NUM)
			return -1;
		for (uint8_t *m = (uint8_t *)VQ_AREA; m < (uint8_t *)VQ_AREA + 0x3000; m++)
			*m = 0;
		vw(0x038, VQ_NUM);
		vw(0x080, VQ_AREA);
		vw(0x084, 0);
		vw(0x090, VQ_AREA + 0x1000);
		vw(0x094, 0);
		vw(0x0a0, VQ_AREA + 0x2000);
		vw(0x0a4, 0);
		vw(0x044, 1);
		vw(0x070, 1 | 2 | 8 | 4);              /* DRIVER_OK */
		return 0;
	}
	return -1;
}

/* Post the chain starting at descriptor 0 on queue q and wait for the device to use it. */
static int virtio_submit(unsigned q)
{
	volatile uint16_t *avail = (volatile uint16_t *)(VQ_AREA + 0x1000);
	volatile uint16_t *used  = (volatile uint16_t *)(VQ_AREA + 0x2000);
	uint16_t           want  = (uint16_t)(avail[1] + 1);

	avail[2 + avail[1] % VQ_NUM] = 0;
	__asm__ volatile("mfence" ::: "memory");
	avail[1] = want;
	__asm__ volatile("mfence" ::: "memory");
	vw(0x050, q);
	for (uint32_t i = 0; i < 1000000; i++)
		if (used[1] == want)
			return 0;
	return -1;
}

static int blk_io(uint32_t type, uint64_t sector, uint8_t *data)
{
	struct vdesc *d   = (struct vdesc *)VQ_AREA;
	uint8_t      *hdr = (uint8_t *)(VQ_AREA + 0x3000), *status = hdr + 16;

	for (int i = 0; i < 16; i++)
		hdr[i] = 0;
	hdr[0] = (uint8_t)type;
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(sector >> (8 * i));
	*status = 0xff;
	d[0] = (struct vdesc){ (uintptr_t)hdr, 16, VD_NEXT, 1 };
	d[1] = (struct vdesc){ (uintptr_t)data, 512, (uint16_t)(VD_NEXT | (type == 0 ? VD_WRITE : 0)), 2 };
	d[2] = (struct vdesc){ (uintptr_t)status, 1, VD_WRITE, 0 };
	if (virtio_submit(0) < 0)
		return -1;
	return *status;
}

static uint32_t test_blk(const char *cmdline)
{
	uint8_t *buf = (uint8_t *)(VQ_AREA + 0x4000), *back = buf + 512;

	if (virtio_open(cmdline, 2, 0) < 0) {
		puts_("BLK no device\n");
		return 2;
	}
	puts_("BLK capacity=");
	putdec(vr(0x100) | (uint64_t)vr(0x104) << 32);
	int st = blk_io(0, 0, buf);
	puts_(" read-status=");
	putdec((uint64_t)(uint32_t)st);
	puts_("\nSECTOR0 ");
	for (int i = 0; i < 16; i++)
		putc_(buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '.');
	puts_("\n");
	const char *stamp = "CELLA-WRITE-TEST";
	for (int i = 0; i < 512; i++)
		buf[i] = (uint8_t)(i < 16 ? stamp[i] : i);
	if (st != 0 || blk_io(1, 1, buf) != 0 || blk_io(0, 1, back) != 0)
		return 3;
	for (int i = 0; i < 512; i++)
		if (back[i] != buf[i])
			return 4;
	puts_("BLK write-read ok\n");
	return 0;
}

static uint32_t test_hvc(const char *cmdline)
{
	static const char line[] = "HVC hello from the guest\n";
	struct vdesc     *d       = (struct vdesc *)VQ_AREA;
	char             *buf     = (char *)(VQ_AREA + 0x3000);

	if (virtio_open(cmdline, 3, 1) < 0) {          /* queue 1: port 0's transmitq */
		puts_("HVC no device\n");
		return 2;
	}
	for (unsigned i = 0; i < sizeof(line) - 1; i++)
		buf[i] = line[i];
	d[0] = (struct vdesc){ (uintptr_t)buf, sizeof(line) - 1, 0, 0 };
	if (virtio_submit(1) < 0)
		return 3;
	puts_("HVC sent\n");
	return 0;
}

static uint32_t test_rng(const char *cmdline)
{
	struct vdesc      *d    = (struct vdesc *)VQ_AREA;
	volatile uint32_t *used = (volatile uint32_t *)(VQ_AREA + 0x2000);
	uint8_t           *buf  = (uint8_t *)(VQ_AREA + 0x3000);
	unsigned           nonzero = 0;

	if (virtio_open(cmdline, 4, 0) < 0) {
		puts_("RNG no device\n");
		return 2;
	}
	for (int i = 0; i < 64; i++)
		buf[i] = 0;
	d[0] = (struct vdesc){ (uintptr_t)buf, 64, VD_WRITE, 0 };
	if (virtio_submit(0) < 0)
		return 3;
	for (int i = 0; i < 64; i++)
		nonzero += buf[i] != 0;
	puts_("RNG got=");
	putdec(used[2]);                          /* used ring entry 0: id, then len */
	puts_(nonzero > 32 ? " random\n" : " zeros\n");
	return 0;
}

/* --- interrupts -------------------------------------------------------------------------- */

struct iframe;
static volatile uint32_t irq_count[16];

__attribute__((interrupt)) static void isr_uart(struct iframe *f)
{
	(void)f;
	irq_count[4]++;
	(void)inb(COM1 + 2);        /* reading IIR acknowledges transmitter-empty */
	outb(COM1 + 1, 0);
	outb(0x20, 0x20);           /* end of interrupt at the 8259 */
}

__attribute__((interrupt)) static void isr_virtio(struct iframe *f)
{
	(void)f;
	irq_count[5]++;
	vw(0x064, vr(0x060));       /* acknowledge InterruptStatus */
	outb(0x20, 0x20);
}

static uint64_t idt[2 * 256] __attribute__((aligned(16)));

static void idt_set(unsigned vec, void (*fn)(struct iframe *))
{
	uint64_t a = (uint64_t)(uintptr_t)fn;
	/* a 64-bit interrupt gate: present, DPL 0, type 0xe, selector BOOT_CS (0x10) */
	idt[2 * vec]     = (a & 0xffff) | (0x10ull << 16) | (0x8e00ull << 32) |
			   ((a >> 16 & 0xffff) << 48);
	idt[2 * vec + 1] = a >> 32;
}

static int wait_irq(unsigned irq)
{
	__asm__ volatile("sti");
	for (uint32_t i = 0; i < 300000 && !irq_count[irq]; i++)
		__asm__ volatile("pause");
	__asm__ volatile("cli");
	return irq_count[irq] != 0;
}

static uint32_t test_irq(const char *cmdline)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	volatile uint32_t *lapic = (volatile uint32_t *)0xfee00000;

	idt_set(0x24, isr_uart);
	idt_set(0x25, isr_virtio);
	__asm__ volatile("lidt %0" : : "m"(idtr));
	lapic[0xf0 / 4] |= 0x100;           /* software-enable the local APIC (LINT0 = ExtINT) */
	outb(0x20, 0x11);                   /* 8259s: vectors 0x20 and 0x28, cascade on IRQ 2 */
	outb(0x21, 0x20);
	outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, 0x28);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, (uint8_t)~((1 << 4) | (1 << 5)));
	outb(0xa1, 0xff);

	outb(COM1 + 1, 0x02);               /* THR empty: the UART raises IRQ 4 at once */
	int uart = wait_irq(4);
	puts_("IRQ uart=");
	putdec(irq_count[4]);
	puts_("\n");
	if (!uart)
		return 2;
	if (!arg(cmdline, "virtio_mmio.device="))
		return 0;
	uint8_t *buf = (uint8_t *)(VQ_AREA + 0x4000);
	if (virtio_open(cmdline, 2, 0) < 0 || blk_io(0, 0, buf) != 0)
		return 3;
	int blk = wait_irq(5);
	puts_("IRQ virtio=");
	putdec(irq_count[5]);
	puts_("\n");
	return blk ? 0 : 4;
}

uint32_t guest_main(const uint8_t *bp);

uint32_t guest_main(const uint8_t *bp)
{
	const char *cmdline = (const char *)(uintptr_t)rd32(bp + ZP_CMDLINE);
	const char *t       = arg(cmdline, "test=");

	if (!t) {
		puts_("no test= on the command line: ");
		puts_(cmdline);
		puts_("\n");
		return 0x7f;
	}
	if (word_is(t, "boot"))
		return test_boot(bp, cmdline);
	if (word_is(t, "exit"))
		return (uint32_t)number(t + 5);
	if (word_is(t, "reboot")) {
		reset_i8042();
		return 0x7e;
	}
	if (word_is(t, "i8042"))
		return test_i8042();
	if (word_is(t, "cpu"))
		return test_cpu();
	if (word_is(t, "unmapped"))
		return test_unmapped();
	if (word_is(t, "triple"))
		return test_triple();
	if (word_is(t, "smp"))
		return test_smp();
	if (word_is(t, "echo"))
		return test_echo();
	if (word_is(t, "uart"))
		return test_uart();
	if (word_is(t, "blk"))
		return test_blk(cmdline);
	if (word_is(t, "irq"))
		return test_irq(cmdline);
	if (word_is(t, "rng"))
		return test_rng(cmdline);
	if (word_is(t, "hvc"))
		return test_hvc(cmdline);
	if (word_is(t, "io")) {
		for (uint64_t n = number(t + 3); n; n--)
			outb(0x80, 0);
		return 0;
	}
	puts_("unknown test\n");
	return 0x7f;
}
