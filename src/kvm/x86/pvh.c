/* PVH entry of ELF kernels (see pvh.h; the ABI is Xen's "PVH boot", which Linux, QEMU and
 * Firecracker share). */
#include "kvm/x86/pvh.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

static uint64_t rd(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

bool pvh_is_elf(const uint8_t *f, size_t len)
{
	return len >= 4 && memcmp(f, ELFMAG, SELFMAG) == 0;
}

/* The PHYS32_ENTRY address in a note segment, or 0 when there is none. */
static uint32_t pvh_find_note(const uint8_t *f, uint64_t off, uint64_t size)
{
	uint64_t at = 0;

	while (size - at >= 12) {
		uint32_t namesz = (uint32_t)rd(f + off + at, 4), descsz = (uint32_t)rd(f + off + at + 4, 4);
		uint32_t type   = (uint32_t)rd(f + off + at + 8, 4);
		uint64_t name   = at + 12, desc = name + ((namesz + 3ull) & ~3ull);
		uint64_t next   = desc + ((descsz + 3ull) & ~3ull);
		if (next > size)
			return 0;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
		    memcmp(f + off + name, "Xen", 4) == 0 && (descsz == 4 || descsz == 8))
			return (uint32_t)rd(f + off + desc, 4);
		at = next;
	}
	return 0;
}

int pvh_parse(const uint8_t *f, size_t len, struct pvh_image *img, struct cerr *e)
{
	memset(img, 0, sizeof(*img));
	if (len < sizeof(Elf32_Ehdr) || !pvh_is_elf(f, len))
		return cerr_set(e, 0, "not an ELF file");
	bool is64 = f[EI_CLASS] == ELFCLASS64;
	if ((!is64 && f[EI_CLASS] != ELFCLASS32) || f[EI_DATA] != ELFDATA2LSB ||
	    (is64 && len < sizeof(Elf64_Ehdr)))
		return cerr_set(e, 0, "ELF: not a little-endian 32- or 64-bit file");
	unsigned machine = (unsigned)rd(f + 18, 2), type = (unsigned)rd(f + 16, 2);
	if (machine != (is64 ? EM_X86_64 : EM_386) || type != ET_EXEC)
		return cerr_set(e, 0, "ELF: not an x86 executable (machine %u, type %u)", machine, type);

	uint64_t phoff     = is64 ? rd(f + 32, 8) : rd(f + 28, 4);
	unsigned phentsize = (unsigned)rd(f + (is64 ? 54 : 42), 2);
	unsigned phnum     = (unsigned)rd(f + (is64 ? 56 : 44), 2);
	if (phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phnum == 0 ||
	    phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return cerr_set(e, 0, "ELF: program headers lie outside the file");

	img->lo = UINT64_MAX;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * phentsize;
		uint32_t       pt = (uint32_t)rd(ph, 4);
		uint64_t off, paddr, filesz, memsz;
		if (is64) {
			off = rd(ph + 8, 8), paddr = rd(ph + 24, 8);
			filesz = rd(ph + 32, 8), memsz = rd(ph + 40, 8);
		} else {
			off = rd(ph + 4, 4), paddr = rd(ph + 12, 4);
			filesz = rd(ph + 16, 4), memsz = rd(ph + 20, 4);
		}
		if (pt != PT_LOAD && pt != PT_NOTE)
			continue;
		if (off > len || filesz > len - off)
			return cerr_set(e, 0, "ELF: segment %u lies outside the file", i);
		if (pt == PT_NOTE) {
			if (!img->entry)
				img->entry = pvh_find_note(f, off, filesz);
			continue;
		}
		if (memsz == 0)
			continue;
		if (filesz > memsz || paddr < 0x100000 || paddr + memsz > BOOT_PCI_HOLE ||
		    paddr + memsz < paddr)
			return cerr_set(e, 0, "ELF: segment %u (%#llx+%#llx) is not between 1 MiB and "
					"3 GiB", i, (unsigned long long)paddr, (unsigned long long)memsz);
		if (img->n == PVH_MAX_SEGMENTS)
			return cerr_set(e, 0, "ELF: more than %d loadable segments", PVH_MAX_SEGMENTS);
		img->seg[img->n++] = (struct pvh_segment){
			.paddr = paddr, .offset = off, .filesz = filesz, .memsz = memsz,
		};
		if (paddr < img->lo)
			img->lo = paddr;
		if (paddr + memsz > img->hi)
			img->hi = paddr + memsz;
	}
	if (img->n == 0)
		return cerr_set(e, 0, "ELF: no loadable segment");
	if (!img->entry)
		return cerr_set(e, 0, "ELF without a PVH entry note (Xen PHYS32_ENTRY): build Linux "
				"with CONFIG_PVH, or boot its bzImage");
	if (img->entry < img->lo || img->entry >= img->hi)
		return cerr_set(e, 0, "ELF: the PVH entry %#x is outside the loaded segments",
				img->entry);
	return 0;
}

static void wr(uint8_t *p, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int pvh_load(const struct guest_mem *mem, const struct boot_plan *p, const uint8_t *f,
	     const struct pvh_image *img, int initrd_fd, const char *cmdline, struct cerr *e)
{
	for (int i = 0; i < img->n; i++) {
		const struct pvh_segment *s = &img->seg[i];
		uint8_t *dst = guest_mem_ptr(mem, s->paddr, s->memsz);
		if (!dst)
			return cerr_set(e, EFAULT, "ELF: segment at %#llx is outside guest RAM",
					(unsigned long long)s->paddr);
		memcpy(dst, f + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
	}
	if (boot_load_common(mem, p, initrd_fd, cmdline, e) < 0)
		return -1;

	/* hvm_start_info (56 bytes), one module entry (32), then the memory map (24 each) */
	uint8_t *si = guest_mem_ptr(mem, PVH_START_INFO, 0x1000);
	uint64_t mod = PVH_START_INFO + 0x40, map = PVH_START_INFO + 0x80;
	if (!si)
		return cerr_set(e, EFAULT, "PVH: start info outside guest RAM");
	memset(si, 0, 0x1000);
	wr(si + 0, PVH_START_MAGIC, 4);
	wr(si + 4, 1, 4);                               /* version 1: has the memory map */
	wr(si + 12, p->initrd_size ? 1 : 0, 4);         /* nr_modules */
	wr(si + 16, mod, 8);
	wr(si + 24, BOOT_CMDLINE, 8);
	wr(si + 40, map, 8);
	wr(si + 48, (uint64_t)p->n_e820, 4);
	wr(si + (mod - PVH_START_INFO), p->initrd_addr, 8);
	wr(si + (mod - PVH_START_INFO) + 8, p->initrd_size, 8);
	for (int i = 0; i < p->n_e820; i++) {
		uint8_t *ent = si + (map - PVH_START_INFO) + 24 * i;
		wr(ent, p->e820[i].addr, 8);
		wr(ent + 8, p->e820[i].size, 8);
		wr(ent + 16, p->e820[i].type, 4);
	}
	return 0;
}
