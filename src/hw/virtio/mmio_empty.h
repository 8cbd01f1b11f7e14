/* An empty virtio-mmio slot: the transport answers (magic "virt", version 2) with device ID 0,
 * which drivers read as "nothing here". Boards with a fixed set of virtio windows (QEMU's
 * virt has eight) put one in every slot that has no device, so probing them is harmless. */
#ifndef CELLA_HW_VIRTIO_MMIO_EMPTY_H
#define CELLA_HW_VIRTIO_MMIO_EMPTY_H

#include "hw/bus.h"

extern const struct bus_ops virtio_mmio_empty_ops;   /* opaque: unused */

#endif
