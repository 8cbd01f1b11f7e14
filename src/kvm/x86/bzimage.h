/* The bzImage header of the Linux x86 boot protocol: where the setup code ends, where the
 * protected-mode kernel lies in the file, and what it asks of the loader. Every field is
 * checked against the file so a corrupt or truncated image is refused before anything runs. */
#ifndef CELLA_KVM_X86_BZIMAGE_H
#define CELLA_KVM_X86_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Offsets in the file and in boot_params (the setup header sits at the same place in both). */
#define BZ_SETUP_SECTS      0x1f1
#define BZ_SYSSIZE          0x1f4
#define BZ_BOOT_FLAG        0x1fe
#define BZ_JUMP             0x200
#define BZ_HEADER           0x202
#define BZ_VERSION          0x206
#define BZ_TYPE_OF_LOADER   0x210
#define BZ_LOADFLAGS        0x211
#define BZ_RAMDISK_IMAGE    0x218
#define BZ_RAMDISK_SIZE     0x21c
#define BZ_HEAP_END_PTR     0x224
#define BZ_CMD_LINE_PTR     0x228
#define BZ_INITRD_ADDR_MAX  0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE      0x234
#define BZ_XLOADFLAGS       0x236
#define BZ_CMDLINE_SIZE     0x238
#define BZ_PREF_ADDRESS     0x258
#define BZ_INIT_SIZE        0x260
#define BZ_HEADER_END_MAX   0x290   /* boot_params fields after the setup header start here */

#define BZ_MAGIC            0x53726448u  /* "HdrS" */
#define BZ_MIN_VERSION      0x020c       /* 2.12: xloadflags, the 64-bit entry is announced */
#define BZ_LOADED_HIGH      0x01
#define BZ_CAN_USE_HEAP     0x80
#define BZ_XLF_KERNEL_64    0x0001
#define BZ_ENTRY64_OFFSET   0x200        /* 64-bit entry: load address + 0x200 */

struct bzimage {
	uint16_t version;
	uint8_t  loadflags;
	uint16_t xloadflags;
	size_t   setup_size;       /* boot sector + setup sectors, in bytes */
	size_t   kernel_offset;    /* the protected-mode kernel in the file ... */
	size_t   kernel_size;      /* ... and its length (syssize paragraphs) */
	size_t   header_len;       /* setup-header bytes from 0x1f1 to copy into boot_params */
	uint64_t pref_address;     /* where it wants to run */
	uint32_t init_size;        /* memory it needs from there, for decompression and more */
	uint32_t initrd_addr_max;  /* highest byte address an initrd may occupy */
	uint32_t cmdline_size;     /* longest command line, without the NUL */
	uint32_t kernel_alignment;
	bool     relocatable;
};

/* Check and decode the header of a bzImage held in memory. */
int bzimage_parse(const uint8_t *file, size_t len, struct bzimage *bz, struct cerr *e);

#endif
