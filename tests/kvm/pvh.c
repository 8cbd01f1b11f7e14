/* The PVH test guest: a 32-bit freestanding ELF that `cella vm` enters through its Xen
 * PHYS32_ENTRY note. It prints what hvm_start_info holds (magic, version, command line, the
 * memory map, the initrd module with a checksum of its contents) on the serial port and
 * returns 0 through the debug-exit port (cella exits 1) when it is consistent, 2 if not. */
#include <stdint.h>

#include "serial.h"

uint32_t pvh_main(const uint32_t *si);

uint32_t pvh_main(const uint32_t *si)
{
	int ok = si[0] == 0x336ec578 && si[1] >= 1;

	puts_("PVH magic=");
	puthex(si[0]);
	puts_(" version=");
	puthex(si[1]);
	puts_("\nPVH cmdline=");
	puts_((const char *)si[6]);
	const uint32_t *map = (const uint32_t *)si[10];
	puts_("\nPVH memmap n=");
	puthex(si[12]);
	puts_("\n");
	for (uint32_t i = 0; i < si[12]; i++, map += 6) {
		puts_("PVH map ");
		if (map[1]) {                               /* above 4 GiB: high word, then low */
			puthex(map[1]);
			for (int sh = 28; sh >= 0; sh -= 4)
				outb(0x3f8, (uint8_t)"0123456789abcdef"[(map[0] >> sh) & 15]);
		} else {
			puthex(map[0]);
		}
		puts_(" ");
		puthex(map[2]);
		puts_(" ");
		puthex(map[4]);
		puts_("\n");
	}
	puts_("PVH modules=");
	puthex(si[3]);
	if (si[3]) {
		const uint32_t *mod = (const uint32_t *)si[4];
		const uint8_t  *p   = (const uint8_t *)mod[0];
		uint32_t        sum = 0;
		for (uint32_t i = 0; i < mod[2]; i++)
			sum = sum * 31 + p[i];
		puts_(" addr=");
		puthex(mod[0]);
		puts_(" size=");
		puthex(mod[2]);
		puts_(" sum=");
		puthex(sum);
		ok &= (mod[0] & 0xfff) == 0;
	}
	puts_(ok ? "\nPVH ok\n" : "\nPVH fail\n");
	return ok ? 0 : 2;
}
