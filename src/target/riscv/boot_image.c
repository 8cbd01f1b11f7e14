/* Telling a runnable riscv64 boot file from one that only looks like one (see boot_image.h).
 * Known formats are named by their magic numbers; a file with none is a raw program unless its
 * bytes are spread as evenly as random or compressed data's, which no program's are. */
#include "target/riscv/boot_image.h"

#include <stdbool.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool has(const uint8_t *data, size_t size, size_t off, const void *magic, size_t n)
{
	return size >= off + n && memcmp(data + off, magic, n) == 0;
}

/* Formats a kernel is mistaken for, by their magic at offset 0. */
static const struct {
	const char *magic;
	size_t      len;
	const char *looks_like;
} rv_foreign[] = {
	{ "\x1f\x8b",             2, "gzip-compressed data: decompress it first (zcat FILE >Image)" },
	{ "\xfd" "7zXZ\0",        6, "xz-compressed data: decompress it first (xzcat FILE >Image)" },
	{ "\x28\xb5\x2f\xfd",     4, "zstd-compressed data: decompress it first (zstdcat FILE >Image)" },
	{ "BZh",                  3, "bzip2-compressed data: decompress it first (bzcat FILE >Image)" },
	{ "\x04\x22\x4d\x18",     4, "lz4-compressed data: decompress it first (lz4cat FILE >Image)" },
	{ "070701",               6, "a cpio archive (an initramfs? give it with --initrd)" },
	{ "070702",               6, "a cpio archive (an initramfs? give it with --initrd)" },
	{ "\xd0\x0d\xfe\xed",     4, "a device tree blob (cella builds the board's own)" },
	{ "\x27\x05\x19\x56",     4, "a U-Boot uImage: U-Boot loads those (--kernel u-boot.bin)" },
	{ "#!",                   2, "a script" },
};

/* A PE/COFF machine number as a name, for an EFI program built for another CPU. */
static const char *pe_machine_name(uint16_t m)
{
	switch (m) {
	case 0x8664: return "x86-64";
	case 0x014c: return "i386";
	case 0xaa64: return "arm64";
	case 0x01c4: return "arm";
	case 0x5032: return "riscv32";
	case 0x6232: return "loongarch64";
	}
	return "another machine";
}

/* The Linux Image's EFI stub: a PE header whose sections say how long the file must be. */
static int rv_check_pe(const uint8_t *d, size_t size, const char *what, const char *path,
		       struct cerr *e)
{
	uint32_t pe = rd32(d + 0x3c);

	if (!has(d, size, 0, "MZ", 2) || pe == 0)
		return 0;  /* no EFI stub: nothing more to check */
	if (pe > size || size - pe < 24 || memcmp(d + pe, "PE\0\0", 4) != 0)
		return cerr_set(e, 0, "%s `%s` is cut short or corrupt: its PE header at %#x is "
				"missing (the file has %zu bytes)", what, path, pe, size);
	uint16_t machine = rd16(d + pe + 4), n_sect = rd16(d + pe + 6);
	uint64_t table   = (uint64_t)pe + 24 + rd16(d + pe + 20), need = table + 40ull * n_sect;
	if (machine != 0x5064)
		return cerr_set(e, 0, "%s `%s` carries the RISC-V Image header but a PE header for "
				"%s (machine %#x): corrupt", what, path, pe_machine_name(machine),
				machine);
	for (unsigned i = 0; i < n_sect && table + 40ull * (i + 1) <= size; i++) {
		const uint8_t *s   = d + table + 40ull * i;
		uint64_t       end = (uint64_t)rd32(s + 20) + rd32(s + 16);
		if (end > need)
			need = end;
	}
	if (need > size)
		return cerr_set(e, 0, "%s `%s` is cut short: %zu bytes, but its PE header says "
				"%llu", what, path, size, (unsigned long long)need);
	return 0;
}

static int rv_check_linux(const uint8_t *d, size_t size, const char *what, const char *path,
			  struct rv_image *img, struct cerr *e)
{
	uint64_t image_size = rd64(d + 0x10), flags = rd64(d + 0x18);

	if (flags & 1)
		return cerr_set(e, 0, "%s `%s` is a big-endian RISC-V Linux Image; the harts are "
				"little-endian", what, path);
	/* image_size covers text, data and bss: never less than the file, never absurd */
	if (image_size != 0 && (image_size < size || image_size > (1ull << 32)))
		return cerr_set(e, 0, "%s `%s`: its RISC-V Image header says image_size %llu for a "
				"file of %zu bytes: corrupt", what, path,
				(unsigned long long)image_size, size);
	if (rv_check_pe(d, size, what, path, e) < 0)
		return -1;
	img->kind     = RV_IMAGE_LINUX;
	img->mem_size = image_size ? image_size : size;  /* header v0.1 had no image_size */
	return 0;
}

/* Pearson's chi-square of the byte histogram, against every byte value being as likely:
 * about 255 for random or compressed bytes, thousands for any program (instructions and
 * data repeat some bytes far more than others). Integer-only, to keep libm out. */
static uint64_t byte_chi2(const uint8_t *d, size_t n)
{
	uint64_t count[256] = { 0 }, sum = 0;

	for (size_t i = 0; i < n; i++)
		count[d[i]]++;
	for (int b = 0; b < 256; b++) {
		int64_t diff = (int64_t)(256 * count[b]) - (int64_t)n;
		sum += (uint64_t)(diff * diff);
	}
	return sum / (256 * (uint64_t)n);
}

#define RV_CHI2_SAMPLE   (64 * 1024)
#define RV_CHI2_MIN_SIZE 1024
#define RV_CHI2_RANDOM   1000  /* random data: 255 +- 23; programs: over 1600 in 1 KiB */

static int rv_check_raw(const uint8_t *d, size_t size, const char *what, const char *path,
			struct rv_image *img, struct cerr *e)
{
	/* the first instruction: 0 and all ones are the ISA's defined illegal encodings */
	uint16_t first = size >= 2 ? rd16(d) : 0;
	if (first == 0 || first == 0xffff)
		return cerr_set(e, 0, "%s `%s` is not a RISC-V program: it starts with %s bytes "
				"(an illegal instruction)", what, path, first ? "0xff" : "zero");
	size_t n = size < RV_CHI2_SAMPLE ? size : RV_CHI2_SAMPLE;
	if (n >= RV_CHI2_MIN_SIZE && byte_chi2(d, n) < RV_CHI2_RANDOM)
		return cerr_set(e, 0, "%s `%s` has no header cella knows, and its bytes are spread "
				"as evenly as random or compressed data's, which no program's are",
				what, path);
	img->kind     = RV_IMAGE_RAW;
	img->mem_size = size;
	return 0;
}

int rv_image_identify(const uint8_t *d, size_t size, const char *what, const char *path,
		      struct rv_image *img, struct cerr *e)
{
	memset(img, 0, sizeof(*img));
	if (size == 0)
		return cerr_set(e, 0, "%s `%s` is empty", what, path);
	if (has(d, size, 0, "\177ELF", 4)) {
		img->kind = RV_IMAGE_ELF;  /* elf_parse checks the rest */
		return 0;
	}
	if (has(d, size, 0x38, RV_IMAGE_MAGIC2, 4) || has(d, size, 0x30, RV_IMAGE_MAGIC, 8))
		return rv_check_linux(d, size, what, path, img, e);
	if (size < RV_IMAGE_HEADER_SIZE && has(d, size, 0, "MZ", 2))
		return cerr_set(e, 0, "%s `%s` is cut short: %zu bytes, less than a RISC-V Linux "
				"Image's %d-byte header", what, path, size, RV_IMAGE_HEADER_SIZE);
	if (has(d, size, 0x202, "HdrS", 4))
		return cerr_set(e, 0, "%s `%s` is an x86 Linux kernel (bzImage), not a RISC-V one "
				"(--arch x86_64 boots it, on KVM)", what, path);
	if (has(d, size, 0x38, "ARM\x64", 4))
		return cerr_set(e, 0, "%s `%s` is an arm64 Linux Image, not a RISC-V one", what,
				path);
	if (has(d, size, 0, "MZ", 2) && size >= 0x40) {
		uint32_t pe = rd32(d + 0x3c);
		if (pe <= size - 6 && memcmp(d + pe, "PE\0\0", 4) == 0)
			return cerr_set(e, 0, "%s `%s` is a PE/EFI program for %s, not a RISC-V "
					"kernel", what, path, pe_machine_name(rd16(d + pe + 4)));
	}
	for (size_t i = 0; i < sizeof(rv_foreign) / sizeof(rv_foreign[0]); i++)
		if (has(d, size, 0, rv_foreign[i].magic, rv_foreign[i].len))
			return cerr_set(e, 0, "%s `%s` is %s", what, path, rv_foreign[i].looks_like);
	return rv_check_raw(d, size, what, path, img, e);
}
