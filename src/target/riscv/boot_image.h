/* What a file handed to the riscv64 board (--kernel, --bios) is, decided from its bytes before
 * anything is loaded: an ELF, a Linux Image with the RISC-V header, or a raw program. Anything
 * else (empty, cut short, an x86 or arm64 kernel, compressed, an archive, random bytes) is
 * refused with a message saying what it looks like: run, it would only trap in a loop behind
 * the firmware's banner. */
#ifndef CELLA_TARGET_RISCV_BOOT_IMAGE_H
#define CELLA_TARGET_RISCV_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* The RISC-V Linux Image header (Documentation/arch/riscv/boot-image-header.rst). */
#define RV_IMAGE_HEADER_SIZE 64
#define RV_IMAGE_MAGIC2      "RSC\x05"  /* at 0x38 */
#define RV_IMAGE_MAGIC       "RISCV\0\0" /* at 0x30, deprecated but still written */

enum rv_image_kind {
	RV_IMAGE_ELF,    /* loaded by its program headers */
	RV_IMAGE_LINUX,  /* a Linux Image: raw, with the header */
	RV_IMAGE_RAW,    /* a program with no header (U-Boot's u-boot.bin, bare-metal binaries) */
};

struct rv_image {
	enum rv_image_kind kind;
	uint64_t           mem_size;  /* bytes of RAM it takes from its load address: the
					 header's image_size (text, data and bss) for LINUX,
					 the file's size for RAW; 0 for ELF */
};

/* Identify data[0..size), the file at path given as `what` ("kernel", "firmware"). Fails with a
 * message naming the file and what it looks like when it is nothing the board can run. */
int rv_image_identify(const uint8_t *data, size_t size, const char *what, const char *path,
		      struct rv_image *img, struct cerr *e);

#endif
