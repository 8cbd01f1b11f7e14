/* An Intel MultiProcessor Specification 1.4 table: how a kernel without ACPI learns its CPUs,
 * the I/O APIC and where each ISA interrupt arrives (ISA IRQ 0, the PIT, on INTIN 2 as on a
 * PC; the machine's GSI routing matches). */
#include <errno.h>
#include <string.h>

#include "kvm/x86/boot.h"

#define MP_IOAPIC_ADDR 0xfec00000u
#define MP_LAPIC_ADDR  0xfee00000u

static uint8_t mp_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static uint8_t *mp_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*p++ = (uint8_t)(v >> (8 * i));
	return p;
}

/* An I/O interrupt (type 3) or local interrupt (type 4) assignment entry. */
static uint8_t *mp_intsrc(uint8_t *p, uint8_t type, uint8_t kind, uint8_t bus_irq, uint8_t dst,
			  uint8_t pin)
{
	p[0] = type;
	p[1] = kind;       /* 0 vectored, 1 NMI, 3 ExtINT */
	p[2] = p[3] = 0;   /* polarity and trigger conform to the bus (ISA: high, edge) */
	p[4] = 0;          /* bus 0: ISA */
	p[5] = bus_irq;
	p[6] = dst;
	p[7] = pin;
	return p + 8;
}

int boot_write_mptable(const struct guest_mem *mem, unsigned n_cpus, struct cerr *e)
{
	uint8_t *base = guest_mem_ptr(mem, BOOT_MPTABLE, BOOT_LOW_END - BOOT_MPTABLE);
	size_t   need = 44 + 20 * (size_t)n_cpus + 8 + 8 + 8 * 16 + 8 * 2;

	if (!base)
		return cerr_set(e, EFAULT, "MP table: base memory is not RAM");
	if (need > BOOT_MPFLOAT - BOOT_MPTABLE)
		return cerr_set(e, E2BIG, "MP table: %u CPUs do not fit", n_cpus);
	memset(base, 0, BOOT_LOW_END - BOOT_MPTABLE);

	uint8_t *cfg = base, *p = cfg + 44, *fp = base + (BOOT_MPFLOAT - BOOT_MPTABLE);
	uint8_t  ioapic_id = (uint8_t)n_cpus;  /* the first ID after the CPUs' */
	unsigned count = 0;

	for (unsigned i = 0; i < n_cpus; i++, count++) {
		p[0] = 0;                      /* processor */
		p[1] = (uint8_t)i;             /* local APIC ID */
		p[2] = 0x14;                   /* local APIC version */
		p[3] = 1 | (i == 0 ? 2 : 0);   /* enabled, boot processor */
		mp_put32(p + 4, 0x600);        /* family 6 */
		mp_put32(p + 8, 0x201);        /* FPU, APIC */
		p += 20;
	}
	memcpy(p, "\x01\x00ISA   ", 8);     /* bus 0: ISA */
	p += 8, count++;
	p[0] = 2;                            /* I/O APIC */
	p[1] = ioapic_id;
	p[2] = 0x11;
	p[3] = 1;
	mp_put32(p + 4, MP_IOAPIC_ADDR);
	p += 8, count++;
	/* INTIN 0 carries the 8259's output (ExtINT); ISA IRQ 0 comes in on INTIN 2 */
	p = mp_intsrc(p, 3, 3, 0, ioapic_id, 0), count++;
	for (uint8_t irq = 0; irq < 16; irq++) {
		if (irq == 2)
			continue;  /* the cascade */
		p = mp_intsrc(p, 3, 0, irq, ioapic_id, irq == 0 ? 2 : irq), count++;
	}
	p = mp_intsrc(p, 4, 3, 0, 0xff, 0), count++;  /* every CPU's LINT0: ExtINT */
	p = mp_intsrc(p, 4, 1, 0, 0xff, 1), count++;  /* LINT1: NMI */

	size_t len = (size_t)(p - cfg);
	memcpy(cfg, "PCMP", 4);
	cfg[4] = (uint8_t)len;
	cfg[5] = (uint8_t)(len >> 8);
	cfg[6] = 4;                          /* spec revision 1.4 */
	memcpy(cfg + 8, "CELLA   ", 8);
	memcpy(cfg + 16, "KVM x86_64  ", 12);
	cfg[34] = (uint8_t)count;
	cfg[35] = (uint8_t)(count >> 8);
	mp_put32(cfg + 36, MP_LAPIC_ADDR);
	cfg[7] = mp_checksum(cfg, len);

	memcpy(fp, "_MP_", 4);               /* the floating pointer, found by scanning */
	mp_put32(fp + 4, BOOT_MPTABLE);
	fp[8]  = 1;                          /* 16 bytes */
	fp[9]  = 4;
	fp[10] = mp_checksum(fp, 16);
	return 0;
}
