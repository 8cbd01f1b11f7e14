/* Unit tests for telling riscv64 boot files apart (src/target/riscv/boot_image.c), on
 * synthetic headers: each kind of file the board must refuse, and the ones it must run. */
#include <stdlib.h>

#include "check.h"
#include "target/riscv/boot_image.h"

static uint8_t buf[64 * 1024];

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A Linux Image header with an EFI stub whose one section ends at pe_end. */
static void linux_image(uint64_t image_size, uint32_t pe_end)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	put64(buf + 0x08, 0x200000);
	put64(buf + 0x10, image_size);
	put32(buf + 0x20, 2);
	memcpy(buf + 0x30, "RISCV\0\0\0RSC\x05", 12);
	put32(buf + 0x3c, 0x40);
	memcpy(buf + 0x40, "PE\0\0\x64\x50\x01\0", 8);  /* RISCV64, one section */
	/* optional header size 0: the section table follows at 0x40 + 24 */
	put32(buf + 0x58 + 16, pe_end - 0x1000);       /* SizeOfRawData */
	put32(buf + 0x58 + 20, 0x1000);                /* PointerToRawData */
	for (size_t i = 0x1000; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i % 7 == 0 ? 0x13 : i % 5);  /* code-like bytes */
}

static void linux_images(void)
{
	struct rv_image img;
	struct cerr     e;

	linux_image(0x20000, 0x10000);
	CHECK_INT(rv_image_identify(buf, 0x10000, "kernel", "k", &img, &e), 0);
	CHECK_INT(img.kind, RV_IMAGE_LINUX);
	CHECK_INT(img.mem_size, 0x20000);                 /* bss included */
	CHECK_INT(rv_image_identify(buf, 0x8000, "kernel", "k", &img, &e), -1);
	CHECK_STR(e.msg, "kernel `k` is cut short: 32768 bytes, but its PE header says 65536");
	CHECK_INT(rv_image_identify(buf, 0x50, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "cut short or corrupt: its PE header at 0x40 is missing") != NULL);
	CHECK_INT(rv_image_identify(buf, 40, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "less than a RISC-V Linux Image's 64-byte header") != NULL);
	linux_image(0x8000, 0x10000);                     /* image_size below the file size */
	CHECK_INT(rv_image_identify(buf, 0x10000, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "image_size 32768 for a file of 65536 bytes: corrupt") != NULL);
	linux_image(0x20000, 0x10000);
	buf[0x18] = 1;                                    /* flags: big-endian */
	CHECK_INT(rv_image_identify(buf, 0x10000, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "big-endian") != NULL);
}

static void foreign_files(void)
{
	struct rv_image img;
	struct cerr     e;

	CHECK_INT(rv_image_identify(buf, 0, "kernel", "k", &img, &e), -1);
	CHECK_STR(e.msg, "kernel `k` is empty");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x202, "HdrS", 4);
	buf[0] = 0xeb;
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "x86 Linux kernel (bzImage)") != NULL);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	memcpy(buf + 0x38, "ARM\x64", 4);
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "arm64 Linux Image") != NULL);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "MZ", 2);
	put32(buf + 0x3c, 0x80);
	memcpy(buf + 0x80, "PE\0\0\x64\x86", 6);
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "PE/EFI program for x86-64") != NULL);
	memcpy(buf, "\x1f\x8b\x08", 3);
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "gzip-compressed") != NULL);
	memcpy(buf, "070701", 6);
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "cpio archive") != NULL);
	memset(buf, 0, sizeof(buf));
	CHECK_INT(rv_image_identify(buf, 8192, "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "starts with zero bytes") != NULL);
	srand(1);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(rand() >> 7);
	CHECK_INT(rv_image_identify(buf, sizeof(buf), "kernel", "k", &img, &e), -1);
	CHECK(strstr(e.msg, "as evenly as random or compressed data") != NULL);
	CHECK_INT(rv_image_identify(buf, 1024, "kernel", "k", &img, &e), -1);
	/* under 1 KiB there are too few bytes to tell: run as a raw program */
	CHECK_INT(rv_image_identify(buf, 1000, "kernel", "k", &img, &e), 0);
	CHECK_INT(img.kind, RV_IMAGE_RAW);
}

static void programs_run(void)
{
	struct rv_image img;
	struct cerr     e;

	/* raw code: instructions repeat bytes far more than random data does */
	static const uint8_t loop[] = { 0x97, 0x02, 0x00, 0x00, 0x93, 0x82, 0x02, 0x00,
					0x73, 0x00, 0x10, 0x00, 0x6f, 0xf0, 0xdf, 0xff };
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = loop[i % sizeof(loop)];
	CHECK_INT(rv_image_identify(buf, sizeof(buf), "kernel", "k", &img, &e), 0);
	CHECK_INT(img.kind, RV_IMAGE_RAW);
	CHECK_INT(img.mem_size, sizeof(buf));
	memcpy(buf, "\177ELF", 4);
	CHECK_INT(rv_image_identify(buf, 100, "kernel", "k", &img, &e), 0);
	CHECK_INT(img.kind, RV_IMAGE_ELF);
}

int main(void)
{
	check_suite = "unit/riscv_boot_image";
	RUN(linux_images);
	RUN(foreign_files);
	RUN(programs_run);
	return check_failed_count ? 1 : 0;
}
