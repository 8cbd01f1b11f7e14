/* bzImage header checks (see bzimage.h and the kernel's Documentation/arch/x86/boot.rst). */
#include "kvm/x86/bzimage.h"

#include <errno.h>
#include <string.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

int bzimage_parse(const uint8_t *f, size_t len, struct bzimage *bz, struct cerr *e)
{
	memset(bz, 0, sizeof(*bz));
	/* everything up to init_size must be there before any field can be trusted */
	if (len < BZ_INIT_SIZE + 4)
		return cerr_set(e, 0, "not a bzImage: %zu bytes is too short for the setup header",
				len);
	if (get16(f + BZ_BOOT_FLAG) != 0xaa55 || get32(f + BZ_HEADER) != BZ_MAGIC)
		return cerr_set(e, 0, "not a bzImage: no \"HdrS\" boot-protocol header "
				"(an ELF vmlinux or a compressed file?)");
	bz->version = get16(f + BZ_VERSION);
	if (bz->version < BZ_MIN_VERSION)
		return cerr_set(e, 0, "boot protocol %u.%02u is too old: cella needs 2.12 or later",
				bz->version >> 8, bz->version & 0xff);
	bz->loadflags  = f[BZ_LOADFLAGS];
	bz->xloadflags = get16(f + BZ_XLOADFLAGS);
	if (!(bz->loadflags & BZ_LOADED_HIGH))
		return cerr_set(e, 0, "a zImage (loaded low) is not supported: build a bzImage");
	if (!(bz->xloadflags & BZ_XLF_KERNEL_64))
		return cerr_set(e, 0, "the kernel has no 64-bit entry point (xloadflags %#x): "
				"build an x86_64 kernel", bz->xloadflags);

	unsigned sects = f[BZ_SETUP_SECTS] ? f[BZ_SETUP_SECTS] : 4;
	bz->setup_size = (size_t)(sects + 1) * 512;
	if (bz->setup_size >= len)
		return cerr_set(e, 0, "truncated bzImage: %u setup sectors but the file has %zu "
				"bytes", sects, len);
	bz->header_len = (size_t)BZ_JUMP + 2 + f[BZ_JUMP + 1] - BZ_SETUP_SECTS;
	if (BZ_SETUP_SECTS + bz->header_len > BZ_HEADER_END_MAX ||
	    BZ_SETUP_SECTS + bz->header_len < BZ_INIT_SIZE + 4)
		return cerr_set(e, 0, "corrupt bzImage: setup header length %zu is impossible "
				"for protocol %u.%02u", bz->header_len, bz->version >> 8,
				bz->version & 0xff);

	uint32_t syssize  = get32(f + BZ_SYSSIZE);
	bz->kernel_offset = bz->setup_size;
	bz->kernel_size   = (size_t)syssize * 16;
	if (syssize == 0 || bz->kernel_size > len - bz->setup_size)
		return cerr_set(e, 0, "truncated bzImage: the header says %zu bytes of kernel "
				"after the setup, the file has %zu", bz->kernel_size,
				len - bz->setup_size);
	if (bz->kernel_size <= BZ_ENTRY64_OFFSET)
		return cerr_set(e, 0, "corrupt bzImage: %zu bytes of kernel cannot hold the "
				"64-bit entry at +0x200", bz->kernel_size);

	bz->pref_address     = get64(f + BZ_PREF_ADDRESS);
	bz->init_size        = get32(f + BZ_INIT_SIZE);
	bz->initrd_addr_max  = get32(f + BZ_INITRD_ADDR_MAX);
	bz->cmdline_size     = get32(f + BZ_CMDLINE_SIZE);
	bz->kernel_alignment = get32(f + BZ_KERNEL_ALIGNMENT);
	bz->relocatable      = f[BZ_RELOCATABLE] != 0;
	if (bz->init_size < bz->kernel_size)
		return cerr_set(e, 0, "corrupt bzImage: init_size %#x is smaller than the "
				"kernel (%#zx bytes)", bz->init_size, bz->kernel_size);
	if (bz->pref_address < 0x100000 || (bz->pref_address & 0xfff) ||
	    bz->pref_address + bz->init_size > 0xc0000000ull)
		return cerr_set(e, 0, "corrupt bzImage: preferred load address %#llx "
				"(+%#x) is not page-aligned memory between 1 MiB and 3 GiB",
				(unsigned long long)bz->pref_address, bz->init_size);
	if (bz->cmdline_size == 0)
		return cerr_set(e, 0, "corrupt bzImage: cmdline_size is 0");
	if (bz->initrd_addr_max < 0x100000)
		return cerr_set(e, 0, "corrupt bzImage: initrd_addr_max %#x is below 1 MiB",
				bz->initrd_addr_max);
	return 0;
}
