/* Wraps a flat x86-64 binary (the test guest's protected-mode part, linked at 1 MiB) into a
 * bzImage-format file with a valid boot-protocol 2.15 setup header, as the kernel's own build
 * does. An optional 16-bit blob becomes the real-mode setup code (for loaders that enter
 * there, like QEMU); otherwise the setup code just halts.
 *
 *   mkbzimage KERNEL.bin OUT.bzImage [REALMODE.bin] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETUP_SECTS  1
#define SETUP_SIZE   ((SETUP_SECTS + 1) * 512)
#define REALMODE_AT  0x280     /* the setup header ends here */
#define LOAD_ADDR    0x100000
#define EXTRA_MEMORY 0x100000  /* bss and stack beyond the file, counted in init_size */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *buf = malloc((size_t)n + 16);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read failed\n", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	uint8_t  setup[SETUP_SIZE] = { 0 };
	size_t   klen, rlen = 0;
	uint8_t *kernel, *real = NULL;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mkbzimage KERNEL.bin OUT [REALMODE.bin]\n");
		return 2;
	}
	if (!(kernel = slurp(argv[1], &klen)) || (argc == 4 && !(real = slurp(argv[3], &rlen))))
		return 1;
	if (rlen > SETUP_SIZE - REALMODE_AT) {
		fprintf(stderr, "%s: real-mode code too big (%zu bytes)\n", argv[3], rlen);
		return 1;
	}
	uint32_t syssize = (uint32_t)((klen + 15) / 16);

	setup[0x1f1] = SETUP_SECTS;
	put32(setup + 0x1f4, syssize);
	put16(setup + 0x1fa, 0xffff);                    /* vid_mode: normal */
	put16(setup + 0x1fe, 0xaa55);
	setup[0x200] = 0xeb;                             /* jmp short to the real-mode code */
	setup[0x201] = REALMODE_AT - 0x202;
	memcpy(setup + 0x202, "HdrS", 4);
	put16(setup + 0x206, 0x020f);                    /* protocol 2.15 */
	setup[0x211] = 0x01;                             /* LOADED_HIGH */
	put32(setup + 0x214, LOAD_ADDR);                 /* code32_start */
	put32(setup + 0x22c, 0x7fffffff);                /* initrd_addr_max */
	put32(setup + 0x230, 0x1000);                    /* kernel_alignment */
	put16(setup + 0x236, 0x0001);                    /* xloadflags: XLF_KERNEL_64 */
	put32(setup + 0x238, 2047);                      /* cmdline_size */
	put64(setup + 0x258, LOAD_ADDR);                 /* pref_address */
	put32(setup + 0x260, (uint32_t)(((klen + 0xfff) & ~0xfffu) + EXTRA_MEMORY));
	if (real)
		memcpy(setup + REALMODE_AT, real, rlen);
	else
		memcpy(setup + REALMODE_AT, "\xfa\xf4\xeb\xfd", 4);  /* cli; hlt; jmp $-1 */

	FILE *out = fopen(argv[2], "wb");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	memset(kernel + klen, 0, 16);
	if (fwrite(setup, 1, sizeof(setup), out) != sizeof(setup) ||
	    fwrite(kernel, 1, (size_t)syssize * 16, out) != (size_t)syssize * 16 || fclose(out)) {
		fprintf(stderr, "%s: write failed\n", argv[2]);
		return 1;
	}
	free(kernel);
	free(real);
	return 0;
}
