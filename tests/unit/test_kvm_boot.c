/* Unit tests for the x86 boot path without KVM: bzImage header checks (src/kvm/x86/bzimage.c),
 * the memory plan and zero page (boot.c), the MP table (mptable.c) and ELF/PVH parsing (pvh.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kvm/x86/boot.h"
#include "kvm/x86/bzimage.h"
#include "kvm/x86/pvh.h"

#define KSIZE 0x1000  /* protected-mode part of the fake kernel */

static uint8_t image[1024 + KSIZE];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* A minimal valid bzImage: one setup sector, protocol 2.15, 64-bit, 4 KiB of kernel. */
static void make_image(void)
{
	memset(image, 0, sizeof(image));
	image[0x1f1] = 1;
	put32(image + 0x1f4, KSIZE / 16);
	put16(image + 0x1fe, 0xaa55);
	image[0x200] = 0xeb;
	image[0x201] = 0x280 - 0x202;
	memcpy(image + 0x202, "HdrS", 4);
	put16(image + 0x206, 0x020f);
	image[0x211] = 1;
	put32(image + 0x22c, 0x7fffffff);
	put16(image + 0x236, 1);
	put32(image + 0x238, 255);
	put32(image + 0x258, 0x100000);
	put32(image + 0x260, 0x200000);
	memcpy(image + 1024, "KERNEL", 6);
}

static int parse(size_t len, struct cerr *e)
{
	struct bzimage bz;
	return bzimage_parse(image, len, &bz, e);
}

static void bzimage_accepts_a_valid_header(void)
{
	struct bzimage bz;
	struct cerr    e;

	make_image();
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(bz.version, 0x020f);
	CHECK_INT(bz.setup_size, 1024);
	CHECK_INT(bz.kernel_offset, 1024);
	CHECK_INT(bz.kernel_size, KSIZE);
	CHECK_INT(bz.pref_address, 0x100000);
	CHECK_INT(bz.init_size, 0x200000);
	CHECK_INT(bz.header_len, 0x280 - 0x1f1);
	CHECK_INT(bz.cmdline_size, 255);
}

static void bzimage_refuses_corruption(void)
{
	struct cerr e;

	make_image();
	CHECK_INT(parse(0x200, &e), -1);
	CHECK(strstr(e.msg, "too short"));
	image[0x203] = 'X';
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "HdrS"));
	make_image();
	put16(image + 0x206, 0x020b);
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "2.11 is too old"));
	make_image();
	put16(image + 0x236, 0);
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "64-bit"));
	make_image();
	CHECK_INT(parse(sizeof(image) - 16, &e), -1);     /* cut inside the kernel */
	CHECK(strstr(e.msg, "truncated"));
	make_image();
	image[0x1f1] = 40;                                  /* setup beyond the file */
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "truncated"));
	make_image();
	image[0x201] = 0xf0;                                /* header past its room */
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "setup header length"));
	make_image();
	put32(image + 0x260, 16);                           /* init_size < kernel */
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "init_size"));
	make_image();
	put32(image + 0x258, 0x100800);                     /* unaligned load address */
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "load address"));
	make_image();
	image[0x211] = 0;                                   /* a zImage */
	CHECK_INT(parse(sizeof(image), &e), -1);
	CHECK(strstr(e.msg, "zImage"));
}

static void plan_places_initrd_at_top_of_low_ram(void)
{
	struct bzimage   bz;
	struct boot_plan p;
	struct cerr      e;

	make_image();
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(boot_plan(&bz, 64 << 20, 5000, "console=ttyS0", &p, &e), 0);
	CHECK_INT(p.load_addr, 0x100000);
	CHECK_INT(p.kernel_end, 0x300000);
	CHECK_INT(p.initrd_addr, ((64 << 20) - 5000) & ~0xfff);
	CHECK_INT(p.initrd_size, 5000);
	CHECK_INT(p.n_e820, 3);
	CHECK_INT(p.e820[0].addr, 0);
	CHECK_INT(p.e820[0].size, 0x9f000);
	CHECK_INT(p.e820[1].type, E820_RESERVED);
	CHECK_INT(p.e820[2].addr, 0x100000);
	CHECK_INT(p.e820[2].size, (64 << 20) - 0x100000);
	/* initrd_addr_max caps it below the end of RAM */
	put32(image + 0x22c, 0x00ffffff);
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(boot_plan(&bz, 64 << 20, 4096, "", &p, &e), 0);
	CHECK_INT(p.initrd_addr, 0x1000000 - 4096);
}

static void plan_splits_ram_around_the_pci_hole(void)
{
	struct bzimage   bz;
	struct boot_plan p;
	struct cerr      e;

	make_image();
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(boot_plan(&bz, 5ull << 30, 0, "", &p, &e), 0);
	CHECK_INT(p.low_ram, 3ull << 30);
	CHECK_INT(p.high_ram, 2ull << 30);
	CHECK_INT(p.n_e820, 4);
	CHECK_INT(p.e820[3].addr, 4ull << 30);
	CHECK_INT(p.e820[3].size, 2ull << 30);
	CHECK_INT(p.e820[2].addr + p.e820[2].size, 3ull << 30);
}

static void plan_refuses_what_does_not_fit(void)
{
	struct bzimage   bz;
	struct boot_plan p;
	struct cerr      e;
	char             longline[300];

	make_image();
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(boot_plan(&bz, 2 << 20, 0, "", &p, &e), -1);
	CHECK(strstr(e.msg, "too little"));
	CHECK(strstr(e.msg, "-m 3M"));
	CHECK_INT(boot_plan(&bz, 4 << 20, 2 << 20, "", &p, &e), -1);
	CHECK(strstr(e.msg, "initrd"));
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	CHECK_INT(boot_plan(&bz, 64 << 20, 0, longline, &p, &e), -1);
	CHECK(strstr(e.msg, "at most 255"));
}

static void load_writes_zero_page_and_tables(void)
{
	struct bzimage   bz;
	struct boot_plan p;
	struct guest_mem m = { 0 };
	struct cerr      e;
	uint64_t         ram = 4 << 20;
	uint8_t         *g = calloc(1, ram);

	CHECK(g);
	make_image();
	CHECK_INT(bzimage_parse(image, sizeof(image), &bz, &e), 0);
	CHECK_INT(boot_plan(&bz, ram, 0, "root=/dev/vda", &p, &e), 0);
	CHECK_INT(guest_mem_add(&m, 0, ram, g, &e), 0);
	CHECK_INT(boot_load(&m, &p, image, sizeof(image), &bz, -1, "root=/dev/vda", &e), 0);
	CHECK(memcmp(g + 0x100000, "KERNEL", 6) == 0);
	CHECK_STR((char *)g + BOOT_CMDLINE, "root=/dev/vda");
	const uint8_t *zp = g + BOOT_ZERO_PAGE;
	CHECK_INT(zp[0x210], 0xff);
	CHECK(memcmp(zp + 0x202, "HdrS", 4) == 0);
	CHECK_INT(get32(zp + 0x228), BOOT_CMDLINE);
	CHECK_INT(zp[0x1e8], 3);
	CHECK_INT(get32(zp + 0x2d0 + 2 * 20), 0x100000);
	CHECK_INT(get32(zp + 0x2d0 + 2 * 20 + 16), E820_RAM);
	CHECK_INT(get32(g + BOOT_PML4), BOOT_PDPT | 3);
	CHECK_INT(get32(g + BOOT_PD + 8), (1 << 21) | 0x83);
	/* the MP table: floating pointer and a table whose bytes sum to zero */
	CHECK_INT(boot_write_mptable(&m, 2, &e), 0);
	const uint8_t *mp = g + BOOT_MPFLOAT;
	CHECK(memcmp(mp, "_MP_", 4) == 0);
	uint8_t sum = 0;
	for (int i = 0; i < 16; i++)
		sum = (uint8_t)(sum + mp[i]);
	CHECK_INT(sum, 0);
	const uint8_t *cfg = g + get32(mp + 4);
	CHECK(memcmp(cfg, "PCMP", 4) == 0);
	sum = 0;
	for (unsigned i = 0; i < (unsigned)(cfg[4] | cfg[5] << 8); i++)
		sum = (uint8_t)(sum + cfg[i]);
	CHECK_INT(sum, 0);
	CHECK_INT(cfg[44 + 20 + 1], 1);  /* the second processor entry: APIC ID 1 */
	CHECK_INT(boot_write_mptable(&m, 64, &e), 0);
	CHECK_INT(boot_write_mptable(&m, 200, &e), -1);
	CHECK(strstr(e.msg, "200 CPUs do not fit"));
	free(g);
}

static uint8_t elf[512];

static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* An ELF64 executable: one PT_LOAD of 0x100 bytes at 1 MiB (0x80 in the file), one PT_NOTE
 * holding the Xen PHYS32_ENTRY note (entry 1 MiB + 0x10). */
static void make_elf(void)
{
	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\x7f" "ELF", 4);
	elf[4] = 2;                /* ELFCLASS64 */
	elf[5] = 1;                /* little-endian */
	elf[6] = 1;
	put16(elf + 16, 2);        /* ET_EXEC */
	put16(elf + 18, 62);       /* EM_X86_64 */
	put64(elf + 32, 64);       /* phoff */
	put16(elf + 54, 56);
	put16(elf + 56, 2);
	uint8_t *ph = elf + 64;
	put32(ph, 1);              /* PT_LOAD */
	put64(ph + 8, 0x100);
	put64(ph + 24, 0x100000);
	put64(ph + 32, 0x80);
	put64(ph + 40, 0x100);
	ph += 56;
	put32(ph, 4);              /* PT_NOTE */
	put64(ph + 8, 0x180);
	put64(ph + 32, 20);
	uint8_t *note = elf + 0x180;
	put32(note, 4);
	put32(note + 4, 4);
	put32(note + 8, 18);
	memcpy(note + 12, "Xen", 4);
	put32(note + 16, 0x100010);
}

static void pvh_parses_entry_note_and_refuses_bad_elf(void)
{
	struct pvh_image img;
	struct cerr      e;

	make_elf();
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), 0);
	CHECK_INT(img.entry, 0x100010);
	CHECK_INT(img.n, 1);
	CHECK_INT(img.lo, 0x100000);
	CHECK_INT(img.hi, 0x100100);
	put32(elf + 0x180 + 8, 17);                         /* another note type */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "PVH entry note"));
	make_elf();
	put64(elf + 64 + 32, 0x1000);                       /* file size beyond the file */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "outside the file"));
	make_elf();
	put64(elf + 64 + 24, 0x1000);                       /* below 1 MiB */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "between 1 MiB"));
	make_elf();
	put16(elf + 56, 200);                               /* headers past the end */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "program headers"));
	make_elf();
	put16(elf + 18, 40);                                /* ARM */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "not an x86 executable"));
	make_elf();
	put32(elf + 0x180 + 16, 0x200000);                  /* entry outside the segments */
	CHECK_INT(pvh_parse(elf, sizeof(elf), &img, &e), -1);
	CHECK(strstr(e.msg, "outside the loaded segments"));
}

int main(void)
{
	check_suite = "unit/kvm_boot";
	RUN(bzimage_accepts_a_valid_header);
	RUN(bzimage_refuses_corruption);
	RUN(plan_places_initrd_at_top_of_low_ram);
	RUN(plan_splits_ram_around_the_pci_hole);
	RUN(plan_refuses_what_does_not_fit);
	RUN(load_writes_zero_page_and_tables);
	RUN(pvh_parses_entry_note_and_refuses_bad_elf);
	return check_failed_count != 0;
}
