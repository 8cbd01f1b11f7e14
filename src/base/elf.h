/* A validating reader of 64-bit little-endian ELF files: program headers for loaders and the
 * symbol table for lookups (e.g. the HTIF `tohost` symbol of bare-metal tests). Every offset
 * and size is checked against the file before it is used, so a corrupt file is an error. */
#ifndef CELLA_BASE_ELF_H
#define CELLA_BASE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define ELF_MAX_SEGMENTS 64

struct elf_segment {
	uint64_t offset, vaddr, paddr, filesz, memsz;
	uint32_t flags;
};

struct elf_file {
	const uint8_t     *data;     /* the whole file, owned by the caller */
	size_t             size;
	uint16_t           machine;  /* EM_RISCV = 243, EM_X86_64 = 62 */
	uint64_t           entry;
	int                n_seg;    /* PT_LOAD segments only */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	/* symbol table (0 when the file has none) */
	uint64_t           symtab_off, symtab_n, strtab_off, strtab_size;
};

#define ELF_EM_RISCV  243
#define ELF_EM_X86_64 62

/* Check the headers of data[0..size) and fill *f; `what` names the file in errors. */
int elf_parse(struct elf_file *f, const void *data, size_t size, const char *what, struct cerr *e);

/* Value of the symbol `name`; -1 when absent (no error is set: absence is normal). */
int elf_symbol(const struct elf_file *f, const char *name, uint64_t *value);

#endif
