/* The empty virtio-mmio slot of mmio_empty.h: three read-only registers, writes ignored. */
#include "hw/virtio/mmio_empty.h"

static uint64_t empty_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	if (size != 4)
		return 0;
	switch (off) {
	case 0x000: return 0x74726976;  /* MagicValue "virt" */
	case 0x004: return 2;           /* Version: virtio-mmio 2 */
	case 0x00c: return 0x4c4c4543;  /* VendorID "CELL" */
	default:    return 0;           /* DeviceID 0: no device */
	}
}

static void empty_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	(void)opaque, (void)off, (void)value, (void)size;
}

const struct bus_ops virtio_mmio_empty_ops = { .read = empty_read, .write = empty_write };
