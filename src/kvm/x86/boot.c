/* Direct Linux boot for x86-64: the memory plan and what is written into guest RAM before the
 * first instruction (see boot.h; the protocol is the kernel's Documentation/arch/x86/boot.rst). */
#include "kvm/x86/boot.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE   0x2d0
#define ZP_E820_MAX     128
#define PAGE            0x1000ull

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void plan_e820(struct boot_plan *p, uint64_t addr, uint64_t size, uint32_t type)
{
	p->e820[p->n_e820++] = (struct boot_e820){ .addr = addr, .size = size, .type = type };
}

int boot_plan_layout(struct boot_plan *p, uint64_t ram, uint64_t load_addr, uint64_t mem_end,
		     uint64_t initrd_max, uint32_t cmdline_max, uint64_t initrd_size,
		     const char *cmdline, struct cerr *e)
{
	memset(p, 0, sizeof(*p));
	p->low_ram  = ram < BOOT_PCI_HOLE ? ram : BOOT_PCI_HOLE;
	p->high_ram = ram - p->low_ram;

	p->load_addr  = load_addr;
	p->kernel_end = (mem_end + PAGE - 1) & ~(PAGE - 1);
	if (p->kernel_end > p->low_ram)
		return cerr_set(e, 0, "%llu KiB of guest memory is too little: the kernel runs "
				"at %#llx and needs %llu KiB from there (use -m %lluM or more)",
				(unsigned long long)(ram >> 10), (unsigned long long)load_addr,
				(unsigned long long)((mem_end - load_addr) >> 10),
				(unsigned long long)((p->kernel_end + (1 << 20) - 1) >> 20));

	uint64_t cmdline_size = cmdline_max;
	p->cmdline_len = strlen(cmdline);
	if (cmdline_size > BOOT_CMDLINE_MAX - 1)
		cmdline_size = BOOT_CMDLINE_MAX - 1;
	if (p->cmdline_len > cmdline_size)
		return cerr_set(e, 0, "the command line has %zu bytes, the kernel takes at most %llu",
				p->cmdline_len, (unsigned long long)cmdline_size);

	if (initrd_size) {
		/* at the top of low RAM, as high as the kernel allows: it stays out of the way of
		 * the kernel's decompression and of its early allocations */
		uint64_t top = initrd_max + 1;
		if (top > p->low_ram)
			top = p->low_ram;
		if (initrd_size > top || ((top - initrd_size) & ~(PAGE - 1)) < p->kernel_end)
			return cerr_set(e, 0, "the initrd (%llu KiB) does not fit between the "
					"kernel's end at %#llx and %#llx: give the guest more memory (-m)",
					(unsigned long long)(initrd_size >> 10),
					(unsigned long long)p->kernel_end, (unsigned long long)top);
		p->initrd_addr = (top - initrd_size) & ~(PAGE - 1);
		p->initrd_size = initrd_size;
	}

	plan_e820(p, 0, BOOT_MPTABLE, E820_RAM);
	plan_e820(p, BOOT_MPTABLE, BOOT_LOW_END - BOOT_MPTABLE, E820_RESERVED);
	plan_e820(p, 0x100000, p->low_ram - 0x100000, E820_RAM);
	if (p->high_ram)
		plan_e820(p, BOOT_HIGH_RAM, p->high_ram, E820_RAM);
	return 0;
}

int boot_plan(const struct bzimage *bz, uint64_t ram, uint64_t initrd_size, const char *cmdline,
	      struct boot_plan *p, struct cerr *e)
{
	return boot_plan_layout(p, ram, bz->pref_address, bz->pref_address + bz->init_size,
				bz->initrd_addr_max, bz->cmdline_size, initrd_size, cmdline, e);
}

static int boot_read_initrd(const struct guest_mem *mem, const struct boot_plan *p, int fd,
			    struct cerr *e)
{
	uint8_t *dst = guest_mem_ptr(mem, p->initrd_addr, p->initrd_size);
	uint64_t done = 0;

	if (!dst)
		return cerr_set(e, EFAULT, "initrd: %#llx is outside guest RAM",
				(unsigned long long)p->initrd_addr);
	while (done < p->initrd_size) {
		ssize_t n = pread(fd, dst + done, p->initrd_size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cerr_set(e, errno, "initrd: read");
		if (n == 0)
			return cerr_set(e, EIO, "initrd: the file shrank while it was read");
		done += (uint64_t)n;
	}
	return 0;
}

static void boot_zero_page(uint8_t *zp, const struct boot_plan *p, const uint8_t *kernel,
			   const struct bzimage *bz)
{
	memset(zp, 0, PAGE);
	/* the setup header travels with the kernel; the loader fills in its own fields */
	memcpy(zp + BZ_SETUP_SECTS, kernel + BZ_SETUP_SECTS, bz->header_len);
	zp[BZ_TYPE_OF_LOADER] = 0xff;  /* "undefined" loader: no registered loader id */
	zp[BZ_LOADFLAGS] |= BZ_CAN_USE_HEAP;
	put16(zp + BZ_HEAP_END_PTR, 0xfe00);
	put32(zp + BZ_CMD_LINE_PTR, BOOT_CMDLINE);
	put32(zp + BZ_RAMDISK_IMAGE, (uint32_t)p->initrd_addr);
	put32(zp + BZ_RAMDISK_SIZE, (uint32_t)p->initrd_size);
	zp[ZP_E820_ENTRIES] = (uint8_t)p->n_e820;
	for (int i = 0; i < p->n_e820 && i < ZP_E820_MAX; i++) {
		uint8_t *ent = zp + ZP_E820_TABLE + 20 * i;
		put64(ent, p->e820[i].addr);
		put64(ent + 8, p->e820[i].size);
		put32(ent + 16, p->e820[i].type);
	}
}

/* 4-level tables identity-mapping the first 4 GiB with 2 MiB pages: the kernel image, the
 * zero page, the command line, and the local APIC / devices above 3 GiB. */
static void boot_page_tables(uint8_t *low)
{
	put64(low + BOOT_PML4, BOOT_PDPT | 0x3);  /* present, writable */
	for (uint64_t i = 0; i < 4; i++) {
		put64(low + BOOT_PDPT + 8 * i, (BOOT_PD + i * PAGE) | 0x3);
		for (uint64_t j = 0; j < 512; j++)
			put64(low + BOOT_PD + i * PAGE + 8 * j, ((i * 512 + j) << 21) | 0x83);
	}
}

static void boot_gdt(uint8_t *low)
{
	static const uint64_t gdt[] = {
		0,
		0x00cf9b000000ffffull,  /* BOOT_CS32: 32-bit flat code, for the PVH entry */
		0x00af9b000000ffffull,  /* BOOT_CS: 64-bit code, DPL 0 */
		0x00cf93000000ffffull,  /* BOOT_DS: flat data */
		0x00008b0000000fffull,  /* BOOT_TSS: a busy TSS, required for entry */
	};
	for (size_t i = 0; i < sizeof(gdt) / sizeof(gdt[0]); i++)
		put64(low + BOOT_GDT + 8 * i, gdt[i]);
}

int boot_load_common(const struct guest_mem *mem, const struct boot_plan *p, int initrd_fd,
		     const char *cmdline, struct cerr *e)
{
	uint8_t *low = guest_mem_ptr(mem, 0, 0x100000);

	if (!low)
		return cerr_set(e, EFAULT, "boot: the first MiB of guest memory is not RAM");
	if (p->initrd_size && boot_read_initrd(mem, p, initrd_fd, e) < 0)
		return -1;
	memcpy(low + BOOT_CMDLINE, cmdline, p->cmdline_len + 1);
	boot_page_tables(low);
	boot_gdt(low);
	return 0;
}

int boot_load(const struct guest_mem *mem, const struct boot_plan *p, const uint8_t *kernel,
	      size_t kernel_len, const struct bzimage *bz, int initrd_fd, const char *cmdline,
	      struct cerr *e)
{
	if (bz->kernel_offset + bz->kernel_size > kernel_len)
		return cerr_set(e, EINVAL, "boot: the kernel is shorter than its header says");
	if (guest_mem_write(mem, p->load_addr, kernel + bz->kernel_offset, bz->kernel_size) < 0)
		return cerr_set(e, EFAULT, "boot: the kernel at %#llx is outside guest RAM",
				(unsigned long long)p->load_addr);
	if (boot_load_common(mem, p, initrd_fd, cmdline, e) < 0)
		return -1;
	boot_zero_page(guest_mem_ptr(mem, BOOT_ZERO_PAGE, PAGE), p, kernel, bz);
	return 0;
}
