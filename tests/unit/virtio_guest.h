/* A fake virtio driver for unit tests: guest RAM in a struct guest_mem, the virtio-mmio
 * registers poked through virtio_mmio_ops exactly as a guest driver would, descriptor chains
 * written into the rings, used entries and interrupts read back. */
#ifndef CELLA_TESTS_VIRTIO_GUEST_H
#define CELLA_TESTS_VIRTIO_GUEST_H

#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtio.h"

#define VG_RAM_BASE 0x40000000ULL
#define VG_RAM_SIZE (4u << 20)

struct vg_queue {
	uint16_t num, avail_idx, used_seen, next_desc;
	uint64_t desc, avail, used;
};

struct vguest {
	uint8_t           *ram;
	struct guest_mem   mem;
	struct virtio_dev *dev;
	int                irq_level, irq_raises;
	uint64_t           bump;
	struct vg_queue    q[VIRTIO_MAX_QUEUES];
};

struct vg_buf {
	uint64_t gpa;
	uint32_t len;
	bool     write;
};

static void vg_irq_set(void *opaque, unsigned num, int level)
{
	struct vguest *g = opaque;
	(void)num;
	g->irq_level = level;
	if (level)
		g->irq_raises++;
}

static inline void vg_init(struct vguest *g)
{
	struct cerr e;
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, VG_RAM_SIZE);
	guest_mem_add(&g->mem, VG_RAM_BASE, VG_RAM_SIZE, g->ram, &e);
	g->bump = VG_RAM_BASE + 0x100000; /* below: rings */
}

static inline void vg_attach(struct vguest *g, struct virtio_dev *d)
{
	g->dev = d;
	virtio_mmio_set_irq(d, (struct irq_line){ .set = vg_irq_set, .opaque = g, .num = 5 });
}

static inline void vg_fini(struct vguest *g)
{
	if (g->dev)
		virtio_dev_free(g->dev);
	free(g->ram);
}

static inline uint32_t vg_rd(struct vguest *g, uint64_t off)
{
	return (uint32_t)virtio_mmio_ops.read(g->dev, off, 4);
}

static inline void vg_wr(struct vguest *g, uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(g->dev, off, v, 4);
}

static inline void *vg_ptr(struct vguest *g, uint64_t gpa)
{
	return g->ram + (gpa - VG_RAM_BASE);
}

static inline uint64_t vg_alloc(struct vguest *g, size_t len)
{
	uint64_t at = (g->bump + 15) & ~15ULL;
	g->bump     = at + len;
	memset(vg_ptr(g, at), 0, len);
	return at;
}

/* Reset, ACKNOWLEDGE|DRIVER, offer features, FEATURES_OK; returns the Status read back. */
static inline uint32_t vg_negotiate(struct vguest *g, uint64_t features)
{
	vg_wr(g, 0x70, 0);
	vg_wr(g, 0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vg_wr(g, 0x24, 0);
	vg_wr(g, 0x20, (uint32_t)features);
	vg_wr(g, 0x24, 1);
	vg_wr(g, 0x20, (uint32_t)(features >> 32));
	vg_wr(g, 0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			       VIRTIO_STATUS_FEATURES_OK);
	return vg_rd(g, 0x70);
}

/* Rings for queue q at fixed places per queue (64 KiB each, below the buffer heap). */
static inline void vg_queue_setup(struct vguest *g, unsigned q, uint16_t num)
{
	struct vg_queue *vq = &g->q[q];
	uint64_t         at = VG_RAM_BASE + (uint64_t)q * 0x10000;
	memset(vg_ptr(g, at), 0, 0x10000);
	*vq = (struct vg_queue){ .num = num, .desc = at, .avail = at + 0x4000,
				 .used = at + 0x8000 };
	vg_wr(g, 0x30, q);
	vg_wr(g, 0x38, num);
	vg_wr(g, 0x80, (uint32_t)vq->desc);
	vg_wr(g, 0x84, (uint32_t)(vq->desc >> 32));
	vg_wr(g, 0x90, (uint32_t)vq->avail);
	vg_wr(g, 0x94, (uint32_t)(vq->avail >> 32));
	vg_wr(g, 0xa0, (uint32_t)vq->used);
	vg_wr(g, 0xa4, (uint32_t)(vq->used >> 32));
	vg_wr(g, 0x44, 1);
}

static inline void vg_driver_ok(struct vguest *g)
{
	vg_wr(g, 0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* The whole bring-up: features (VERSION_1 added), nq queues of num entries, DRIVER_OK. */
static inline bool vg_start(struct vguest *g, uint64_t features, unsigned nq, uint16_t num)
{
	if (!(vg_negotiate(g, features | VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK))
		return false;
	for (unsigned q = 0; q < nq; q++)
		vg_queue_setup(g, q, num);
	vg_driver_ok(g);
	return vg_rd(g, 0x70) == 0xf;
}

static inline void vg_write_desc(struct vguest *g, uint64_t table, unsigned i, uint64_t addr,
				 uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { .addr = addr, .len = len, .flags = flags, .next = next };
	memcpy(vg_ptr(g, table + 16 * i), &d, sizeof(d));
}

/* Publish head in the avail ring (without a kick). */
static inline void vg_publish(struct vguest *g, unsigned q, uint16_t head)
{
	struct vg_queue    *vq = &g->q[q];
	struct virtq_avail *av = vg_ptr(g, vq->avail);
	av->ring[vq->avail_idx % vq->num] = head;
	vq->avail_idx++;
	__atomic_store_n(&av->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

/* Write a chain of n buffers into consecutive descriptors and publish it; returns the head. */
static inline uint16_t vg_add(struct vguest *g, unsigned q, const struct vg_buf *b, unsigned n)
{
	struct vg_queue *vq   = &g->q[q];
	uint16_t         head = vq->next_desc;
	for (unsigned i = 0; i < n; i++) {
		uint16_t idx  = (uint16_t)((head + i) % vq->num);
		uint16_t next = (uint16_t)((head + i + 1) % vq->num);
		vg_write_desc(g, vq->desc, idx, b[i].gpa, b[i].len,
			      (uint16_t)((b[i].write ? VIRTQ_DESC_F_WRITE : 0) |
					 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
			      next);
	}
	vq->next_desc = (uint16_t)((head + n) % vq->num);
	vg_publish(g, q, head);
	return head;
}

static inline void vg_kick(struct vguest *g, unsigned q)
{
	vg_wr(g, 0x50, q);
}

/* Take the next used entry; false when the device has not returned one. */
static inline bool vg_used(struct vguest *g, unsigned q, uint32_t *id, uint32_t *len)
{
	struct vg_queue   *vq = &g->q[q];
	struct virtq_used *u  = vg_ptr(g, vq->used);
	if (__atomic_load_n(&u->idx, __ATOMIC_ACQUIRE) == vq->used_seen)
		return false;
	struct virtq_used_elem el = u->ring[vq->used_seen % vq->num];
	vq->used_seen++;
	if (id)
		*id = el.id;
	if (len)
		*len = el.len;
	return true;
}

/* Acknowledge every pending interrupt; returns the InterruptStatus seen. */
static inline uint32_t vg_ack(struct vguest *g)
{
	uint32_t isr = vg_rd(g, 0x60);
	vg_wr(g, 0x64, isr);
	return isr;
}

#endif
