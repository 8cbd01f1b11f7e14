/* Split virtqueues (virtio 1.2 §2.7) as the device side sees them, hardened against hostile
 * drivers: every descriptor is checked against guest RAM, chains are bounded by the table size
 * (so loops end), and any protocol violation puts the device into DEVICE_NEEDS_RESET.
 * Ordering: avail->idx is read with acquire before the ring entries it publishes; used entries
 * are written before used->idx is stored with release; full fences separate our index stores
 * from reading the driver's event index (the classic lost-wakeup race). */
#include <endian.h>
#include <string.h>

#include "base/log.h"
#include "hw/virtio/virtio.h"

static inline uint16_t load16_acquire(uint16_t *p)
{
	return le16toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline uint16_t load16(uint16_t *p)
{
	return le16toh(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline void store16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, htole16(v), __ATOMIC_RELAXED);
}

static uint16_t *virtq_used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->num];
}

static uint16_t *virtq_avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

bool virtq_enable(struct virtio_dev *d, unsigned q)
{
	struct virtq *vq  = &d->vq[q];
	uint64_t      num = vq->num;

	if (num == 0 || num > d->queue_max || (num & (num - 1))) {
		virtio_dev_fail(d, "queue %u: bad size %u (max %u, power of two)", q, vq->num,
				d->queue_max);
		return false;
	}
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3)) {
		virtio_dev_fail(d, "queue %u: misaligned rings", q);
		return false;
	}
	vq->desc  = guest_mem_ptr(d->mem, vq->desc_gpa, 16 * num);
	vq->avail = guest_mem_ptr(d->mem, vq->avail_gpa, 6 + 2 * num);
	vq->used  = guest_mem_ptr(d->mem, vq->used_gpa, 6 + 8 * num);
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc  = NULL;
		vq->avail = NULL;
		vq->used  = NULL;
		virtio_dev_fail(d, "queue %u: rings outside guest RAM", q);
		return false;
	}
	vq->last_avail      = 0;
	vq->used_idx        = 0;
	vq->signalled_used  = 0;
	vq->signalled_valid = false;
	vq->ready           = true;
	log_debug("virtio %s: queue %u ready, %u entries at %#llx/%#llx/%#llx", d->name, q,
		  vq->num, (unsigned long long)vq->desc_gpa, (unsigned long long)vq->avail_gpa,
		  (unsigned long long)vq->used_gpa);
	return true;
}

/* Read descriptor i of a table that may be written concurrently by the guest: copy once,
 * then only the copy is trusted. */
static void virtq_read_desc(const void *table, unsigned i, struct virtq_desc *out)
{
	memcpy(out, (const uint8_t *)table + 16 * (size_t)i, sizeof(*out));
	out->addr  = le64toh(out->addr);
	out->len   = le32toh(out->len);
	out->flags = le16toh(out->flags);
	out->next  = le16toh(out->next);
}

static int virtq_walk(struct virtio_dev *d, struct virtq *vq, struct virtq_elem *el,
		      unsigned head)
{
	const void *table     = vq->desc;
	unsigned    table_len = vq->num, i = head, count = 0;
	bool        indirect  = false;

	el->n_out = el->n_in = 0;
	el->out_len = el->in_len = 0;
	for (;;) {
		struct virtq_desc dsc;

		if (++count > table_len) {
			virtio_dev_fail(d, "descriptor chain loops or exceeds its table (%u)",
					table_len);
			return -1;
		}
		virtq_read_desc(table, i, &dsc);
		if (dsc.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC) || indirect ||
			    (dsc.flags & VIRTQ_DESC_F_NEXT)) {
				virtio_dev_fail(d, "indirect descriptor not allowed here");
				return -1;
			}
			if (dsc.len == 0 || dsc.len % 16 || dsc.len / 16 > VIRTQ_MAX_SEGS) {
				virtio_dev_fail(d, "indirect table of bad length %u", dsc.len);
				return -1;
			}
			table = guest_mem_ptr(d->mem, dsc.addr, dsc.len);
			if (!table) {
				virtio_dev_fail(d, "indirect table outside guest RAM");
				return -1;
			}
			table_len = dsc.len / 16;
			i         = 0;
			count     = 0;
			indirect  = true;
			continue;
		}
		void *p = guest_mem_ptr(d->mem, dsc.addr, dsc.len);
		if (!p) {
			virtio_dev_fail(d, "buffer %#llx+%u outside guest RAM",
					(unsigned long long)dsc.addr, dsc.len);
			return -1;
		}
		unsigned n = el->n_out + el->n_in;
		if (n >= VIRTQ_MAX_SEGS) {
			virtio_dev_fail(d, "descriptor chain longer than %d", VIRTQ_MAX_SEGS);
			return -1;
		}
		el->iov[n] = (struct iovec){ .iov_base = p, .iov_len = dsc.len };
		if (dsc.flags & VIRTQ_DESC_F_WRITE) {
			el->n_in++;
			el->in_len += dsc.len;
		} else {
			if (el->n_in) {
				virtio_dev_fail(d, "readable descriptor after a writable one");
				return -1;
			}
			el->n_out++;
			el->out_len += dsc.len;
		}
		if (!(dsc.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		i = dsc.next;
		if (i >= table_len) {
			virtio_dev_fail(d, "descriptor next %u beyond table (%u)", i, table_len);
			return -1;
		}
	}
}

int virtq_pop(struct virtio_dev *d, struct virtq *vq, struct virtq_elem *el)
{
	if (!vq->ready || !virtio_dev_live(d))
		return 0;

	bool     event_idx = virtio_has_feature(d, VIRTIO_F_EVENT_IDX);
	uint16_t avail     = load16_acquire(&vq->avail->idx);
	if (avail == vq->last_avail) {
		if (!event_idx)
			return 0;
		/* Ask for a kick at the next buffer, then look again: the driver may have added
		 * one before it could see our request. */
		store16(virtq_avail_event(vq), vq->last_avail);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail = load16_acquire(&vq->avail->idx);
		if (avail == vq->last_avail)
			return 0;
	}
	if ((uint16_t)(avail - vq->last_avail) > vq->num) {
		virtio_dev_fail(d, "avail index ran %u entries ahead of a %u-entry queue",
				(uint16_t)(avail - vq->last_avail), vq->num);
		return -1;
	}
	uint16_t head = load16(&vq->avail->ring[vq->last_avail & (vq->num - 1)]);
	if (head >= vq->num) {
		virtio_dev_fail(d, "avail ring names descriptor %u of %u", head, vq->num);
		return -1;
	}
	vq->last_avail++;
	if (event_idx)
		store16(virtq_avail_event(vq), vq->last_avail);
	el->head = head;
	return virtq_walk(d, vq, el, head);
}

void virtq_push(struct virtio_dev *d, struct virtq *vq, uint16_t head, uint32_t len)
{
	(void)d;
	if (!vq->ready)
		return;
	struct virtq_used_elem *u = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	struct virtq_used_elem  v = { .id = htole32(head), .len = htole32(len) };
	memcpy(u, &v, sizeof(v));
	vq->used_idx++;
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
}

/* virtio 1.2 §2.7.10: interrupt if the used index moved past used_event since last time. */
static bool vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

void virtq_notify_guest(struct virtio_dev *d, struct virtq *vq)
{
	bool need;

	if (!vq->ready || vq->signalled_used == vq->used_idx)
		return; /* nothing returned since the last look */
	/* our used->idx store must be visible before we read the driver's suppression state */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (virtio_has_feature(d, VIRTIO_F_EVENT_IDX)) {
		uint16_t old = vq->signalled_used;
		bool     was = vq->signalled_valid;
		vq->signalled_used  = vq->used_idx;
		vq->signalled_valid = true;
		need = !was || vring_need_event(load16(virtq_used_event(vq)), vq->used_idx, old);
	} else {
		vq->signalled_used  = vq->used_idx;
		vq->signalled_valid = true;
		need = !(load16(&vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (need)
		virtio_dev_interrupt(d, VIRTIO_INT_VRING);
}
