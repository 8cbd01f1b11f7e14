/* The narrow interface between machines and devices: a device is a register window on a bus
 * (read/write callbacks), an interrupt line it raises or lowers, and checked access to guest
 * memory. Devices include this header and nothing of any machine; machines (the RISC-V board,
 * the KVM monitor) own the buses, wire devices to addresses and route the interrupt lines. */
#ifndef CELLA_HW_BUS_H
#define CELLA_HW_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Callbacks of a register window. offset is relative to the window's base; size is 1, 2, 4
 * or 8 bytes; values are little-endian register values. The callbacks may be called from
 * several vCPU/hart threads at once: a device protects its own state. */
struct bus_ops {
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
};

struct bus_region {
	uint64_t              base, size;
	const struct bus_ops *ops;
	void                 *opaque;
	const char           *name;
};

#define BUS_MAX_REGIONS 64

/* One address space of devices: MMIO on every machine, port I/O on x86. Regions are kept
 * sorted by base; lookups are a binary search. Built before the machine runs, then only read. */
struct bus {
	int               n;
	struct bus_region region[BUS_MAX_REGIONS];
};

/* Map a window; an overlap with an existing one, a zero size or a full bus is an error. */
int bus_map(struct bus *b, const char *name, uint64_t base, uint64_t size,
	    const struct bus_ops *ops, void *opaque, struct cerr *e);

/* The region holding addr, or NULL. */
const struct bus_region *bus_find(const struct bus *b, uint64_t addr);

/* Access through the bus. false: no device there (the machine decides: bus error, fault,
 * or reads as zero). An access straddling a window's end is refused the same way. */
bool bus_read(const struct bus *b, uint64_t addr, unsigned size, uint64_t *value);
bool bus_write(const struct bus *b, uint64_t addr, unsigned size, uint64_t value);

/* An interrupt line as a device sees it: the machine supplies set(); the device calls
 * irq_set(line, 1) to assert and irq_set(line, 0) to deassert (level-triggered). */
struct irq_line {
	void (*set)(void *opaque, unsigned num, int level);
	void    *opaque;
	unsigned num;
};

static inline void irq_set(const struct irq_line *l, int level)
{
	if (l->set)
		l->set(l->opaque, l->num, level);
}

/* Guest RAM as devices (and loaders) see it: a few contiguous regions. Every access is
 * bounds-checked against them, so a guest-supplied address can never reach host memory
 * outside RAM. */
#define GUEST_MEM_MAX_REGIONS 4

struct guest_mem {
	int n;
	struct {
		uint64_t gpa;    /* guest-physical base */
		uint64_t size;
		uint8_t *host;   /* where it is mapped in cella */
	} region[GUEST_MEM_MAX_REGIONS];
};

int guest_mem_add(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host, struct cerr *e);

/* Host pointer to [gpa, gpa+len) if the whole range lies in one RAM region, else NULL.
 * len may be 0 (then gpa itself must be inside RAM or at its end). */
void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Copy to/from guest RAM; -1 (nothing copied) when the range is not all RAM. */
int guest_mem_read(const struct guest_mem *m, uint64_t gpa, void *buf, size_t len);
int guest_mem_write(const struct guest_mem *m, uint64_t gpa, const void *buf, size_t len);

#endif
