/* ELF64 little-endian parsing with every header field checked against the file size. */
#include "base/elf.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* true when [off, off+len) lies inside a file of `size` bytes, without overflow */
static int elf_in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

int elf_parse(struct elf_file *f, const void *data, size_t size, const char *what, struct cerr *e)
{
	const uint8_t *d = data;

	memset(f, 0, sizeof(*f));
	f->data = d;
	f->size = size;
	if (size < 64 || memcmp(d, "\177ELF", 4) != 0)
		return cerr_set(e, 0, "%s: not an ELF file", what);
	if (d[4] != 2)
		return cerr_set(e, 0, "%s: not a 64-bit ELF file", what);
	if (d[5] != 1)
		return cerr_set(e, 0, "%s: not a little-endian ELF file", what);
	if (d[6] != 1)
		return cerr_set(e, 0, "%s: unknown ELF version %u", what, d[6]);
	uint16_t type = rd16(d + 16);
	if (type != 2 && type != 3)
		return cerr_set(e, 0, "%s: ELF type %u is not an executable", what, type);
	f->machine = rd16(d + 18);
	f->entry   = rd64(d + 24);
	uint64_t phoff = rd64(d + 32), shoff = rd64(d + 40);
	uint16_t ehsize = rd16(d + 52), phentsize = rd16(d + 54), phnum = rd16(d + 56);
	uint16_t shentsize = rd16(d + 58), shnum = rd16(d + 60);
	if (ehsize < 64)
		return cerr_set(e, 0, "%s: ELF header size %u is too small", what, ehsize);
	if (phnum == 0)
		return cerr_set(e, 0, "%s: ELF file has no program headers", what);
	if (phentsize < 56)
		return cerr_set(e, 0, "%s: ELF program header size %u is too small", what, phentsize);
	if (!elf_in_file(phoff, (uint64_t)phentsize * phnum, size))
		return cerr_set(e, 0, "%s: ELF program headers lie outside the file", what);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + (uint64_t)i * phentsize;
		if (rd32(ph) != 1) /* PT_LOAD */
			continue;
		struct elf_segment s = {
			.flags  = rd32(ph + 4),
			.offset = rd64(ph + 8),
			.vaddr  = rd64(ph + 16),
			.paddr  = rd64(ph + 24),
			.filesz = rd64(ph + 32),
			.memsz  = rd64(ph + 40),
		};
		if (!elf_in_file(s.offset, s.filesz, size))
			return cerr_set(e, 0, "%s: ELF segment %u lies outside the file", what, i);
		if (s.filesz > s.memsz)
			return cerr_set(e, 0, "%s: ELF segment %u is larger in the file than in memory",
					what, i);
		if (s.paddr + s.memsz < s.paddr || s.vaddr + s.memsz < s.vaddr)
			return cerr_set(e, 0, "%s: ELF segment %u wraps around the address space", what, i);
		if (f->n_seg >= ELF_MAX_SEGMENTS)
			return cerr_set(e, 0, "%s: more than %d loadable ELF segments", what,
					ELF_MAX_SEGMENTS);
		f->seg[f->n_seg++] = s;
	}
	if (f->n_seg == 0)
		return cerr_set(e, 0, "%s: ELF file has no loadable segment", what);

	/* Section headers are optional; only the symbol table is read from them. */
	if (shoff == 0 || shnum == 0)
		return 0;
	if (shentsize < 64)
		return cerr_set(e, 0, "%s: ELF section header size %u is too small", what, shentsize);
	if (!elf_in_file(shoff, (uint64_t)shentsize * shnum, size))
		return cerr_set(e, 0, "%s: ELF section headers lie outside the file", what);
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + (uint64_t)i * shentsize;
		if (rd32(sh + 4) != 2) /* SHT_SYMTAB */
			continue;
		uint64_t off = rd64(sh + 24), sz = rd64(sh + 32), entsize = rd64(sh + 56);
		uint32_t link = rd32(sh + 40);
		if (entsize < 24 || !elf_in_file(off, sz, size))
			return cerr_set(e, 0, "%s: ELF symbol table is malformed", what);
		if (link >= shnum)
			return cerr_set(e, 0, "%s: ELF symbol table names a missing string table", what);
		const uint8_t *st = d + shoff + (uint64_t)link * shentsize;
		uint64_t stoff = rd64(st + 24), stsz = rd64(st + 32);
		if (rd32(st + 4) != 3 || !elf_in_file(stoff, stsz, size))
			return cerr_set(e, 0, "%s: ELF string table is malformed", what);
		if (entsize != 24)
			return cerr_set(e, 0, "%s: ELF symbol size %llu is not 24", what,
					(unsigned long long)entsize);
		f->symtab_off  = off;
		f->symtab_n    = sz / 24;
		f->strtab_off  = stoff;
		f->strtab_size = stsz;
		break;
	}
	return 0;
}

int elf_symbol(const struct elf_file *f, const char *name, uint64_t *value)
{
	size_t len = strlen(name);

	for (uint64_t i = 0; i < f->symtab_n; i++) {
		const uint8_t *sym = f->data + f->symtab_off + i * 24;
		uint32_t       nm  = rd32(sym);
		if (nm >= f->strtab_size || len >= f->strtab_size - nm)
			continue;
		const char *s = (const char *)f->data + f->strtab_off + nm;
		if (memcmp(s, name, len + 1) == 0) {
			*value = rd64(sym + 8);
			return 0;
		}
	}
	return -1;
}
