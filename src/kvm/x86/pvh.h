/* The PVH boot entry of an ELF kernel (a Linux vmlinux built with CONFIG_PVH, or any ELF with
 * a Xen PHYS32_ENTRY note): the loadable segments, the 32-bit entry point, and the
 * hvm_start_info block (command line, e820-style memory map, the initrd as module 0) it
 * receives in %ebx. Every ELF field is checked against the file. */
#ifndef CELLA_KVM_X86_PVH_H
#define CELLA_KVM_X86_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hw/bus.h"
#include "kvm/x86/boot.h"

#define PVH_MAX_SEGMENTS   16
#define PVH_START_INFO     BOOT_ZERO_PAGE          /* hvm_start_info, then module, memmap */
#define PVH_START_MAGIC    0x336ec578u
#define PVH_CMDLINE_MAX    (BOOT_CMDLINE_MAX - 1)

struct pvh_segment {
	uint64_t paddr, offset, filesz, memsz;
};

struct pvh_image {
	uint32_t           entry;     /* 32-bit protected-mode entry, physical */
	uint64_t           lo, hi;    /* lowest and highest physical byte loaded, [lo, hi) */
	int                n;
	struct pvh_segment seg[PVH_MAX_SEGMENTS];
};

/* Does the file start like an ELF file at all? */
bool pvh_is_elf(const uint8_t *file, size_t len);

/* Check the ELF (32- or 64-bit, x86) and find its segments and the PVH entry note. */
int pvh_parse(const uint8_t *file, size_t len, struct pvh_image *img, struct cerr *e);

/* Load the segments and write the common boot data and hvm_start_info. */
int pvh_load(const struct guest_mem *mem, const struct boot_plan *p, const uint8_t *file,
	     const struct pvh_image *img, int initrd_fd, const char *cmdline, struct cerr *e);

#endif
