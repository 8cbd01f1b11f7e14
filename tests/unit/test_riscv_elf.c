/* Unit tests of the ELF reader (src/base/elf.c) used by the riscv64 loader: every header
 * field that points into the file is checked against the file size. */
#include <stdint.h>
#include <string.h>

#include "base/elf.h"
#include "check.h"

static uint8_t img[512];

/* A minimal RISC-V executable: ELF header, one PT_LOAD program header, no sections. */
static void make_elf(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 2; img[5] = 1; img[6] = 1;
	img[16] = 2;                         /* ET_EXEC */
	img[18] = 243;                       /* EM_RISCV */
	uint64_t entry = 0x80000000;
	memcpy(img + 24, &entry, 8);
	img[32] = 64;                        /* phoff */
	img[52] = 64;                        /* ehsize */
	img[54] = 56;                        /* phentsize */
	img[56] = 1;                         /* phnum */
	uint8_t *ph = img + 64;
	ph[0] = 1;                           /* PT_LOAD */
	uint64_t off = 256, addr = 0x80000000, fsz = 16, msz = 32;
	memcpy(ph + 8, &off, 8);
	memcpy(ph + 16, &addr, 8);
	memcpy(ph + 24, &addr, 8);
	memcpy(ph + 32, &fsz, 8);
	memcpy(ph + 40, &msz, 8);
}

static void elf_valid(void)
{
	struct elf_file f;
	struct cerr     e;
	make_elf();
	CHECK_INT(elf_parse(&f, img, sizeof(img), "t", &e), 0);
	CHECK_INT(f.machine, ELF_EM_RISCV);
	CHECK_INT(f.n_seg, 1);
	CHECK_INT(f.seg[0].memsz, 32);
	uint64_t v;
	CHECK_INT(elf_symbol(&f, "tohost", &v), -1);
}

static void elf_segment_outside_file(void)
{
	struct elf_file f;
	struct cerr     e;
	make_elf();
	uint64_t fsz = 1000;
	memcpy(img + 64 + 32, &fsz, 8);
	CHECK_INT(elf_parse(&f, img, sizeof(img), "t", &e), -1);
	CHECK(strstr(e.msg, "outside the file") != NULL);
}

static void elf_headers_outside_file(void)
{
	struct elf_file f;
	struct cerr     e;
	make_elf();
	img[32] = 0xf0; img[33] = 0xff;      /* phoff far away */
	CHECK_INT(elf_parse(&f, img, sizeof(img), "t", &e), -1);
	CHECK(strstr(e.msg, "program headers lie outside") != NULL);
}

static void elf_wrong_class_and_magic(void)
{
	struct elf_file f;
	struct cerr     e;
	make_elf();
	img[4] = 1;
	CHECK_INT(elf_parse(&f, img, sizeof(img), "t", &e), -1);
	CHECK(strstr(e.msg, "64-bit") != NULL);
	CHECK_INT(elf_parse(&f, "hello", 5, "t", &e), -1);
	CHECK(strstr(e.msg, "not an ELF") != NULL);
}

static void elf_filesz_over_memsz(void)
{
	struct elf_file f;
	struct cerr     e;
	make_elf();
	uint64_t msz = 8;
	memcpy(img + 64 + 40, &msz, 8);
	CHECK_INT(elf_parse(&f, img, sizeof(img), "t", &e), -1);
}

int main(void)
{
	check_suite = "riscv_elf";
	RUN(elf_valid);
	RUN(elf_segment_outside_file);
	RUN(elf_headers_outside_file);
	RUN(elf_wrong_class_and_magic);
	RUN(elf_filesz_over_memsz);
	return check_failed_count != 0;
}
