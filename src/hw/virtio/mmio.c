/* The virtio-mmio version 2 transport (virtio 1.2 §4.2.2): register decoding, feature
 * negotiation, the status state machine and reset. Registers below 0x100 take 32-bit accesses
 * only; other widths read as zero and are ignored on write. Writes the spec forbids (read-only
 * registers, queue set-up while a queue is live, changing features after FEATURES_OK) are
 * ignored; using queues before FEATURES_OK puts the device into DEVICE_NEEDS_RESET. */
#include <endian.h>
#include <string.h>

#include "base/log.h"
#include "hw/virtio/virtio.h"

enum {
	REG_MAGIC          = 0x000,
	REG_VERSION        = 0x004,
	REG_DEVICE_ID      = 0x008,
	REG_VENDOR_ID      = 0x00c,
	REG_DEV_FEATURES   = 0x010,
	REG_DEV_FEAT_SEL   = 0x014,
	REG_DRV_FEATURES   = 0x020,
	REG_DRV_FEAT_SEL   = 0x024,
	REG_QUEUE_SEL      = 0x030,
	REG_QUEUE_NUM_MAX  = 0x034,
	REG_QUEUE_NUM      = 0x038,
	REG_QUEUE_READY    = 0x044,
	REG_QUEUE_NOTIFY   = VIRTIO_MMIO_QUEUE_NOTIFY,
	REG_INT_STATUS     = 0x060,
	REG_INT_ACK        = 0x064,
	REG_STATUS         = 0x070,
	REG_QUEUE_DESC_LO  = 0x080,
	REG_QUEUE_DESC_HI  = 0x084,
	REG_QUEUE_DRV_LO   = 0x090,
	REG_QUEUE_DRV_HI   = 0x094,
	REG_QUEUE_DEV_LO   = 0x0a0,
	REG_QUEUE_DEV_HI   = 0x0a4,
	REG_SHM_SEL        = 0x0ac,
	REG_SHM_LEN_LO     = 0x0b0,
	REG_SHM_LEN_HI     = 0x0b4,
	REG_CONFIG_GEN     = 0x0fc,
	REG_CONFIG         = 0x100,
};

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "config space reads assume a little-endian host");

#define VIRTIO_MMIO_MAGIC  0x74726976 /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x4c4c4543 /* "CELL" */

void virtio_mmio_set_irq(struct virtio_dev *d, struct irq_line line)
{
	pthread_mutex_lock(&d->lock);
	d->irq = line;
	pthread_mutex_unlock(&d->lock);
}

static void virtio_reset(struct virtio_dev *d)
{
	if (d->ops->reset)
		d->ops->reset(d);
	d->status             = 0;
	d->isr                = 0;
	d->guest_features     = 0;
	d->host_features_sel  = 0;
	d->guest_features_sel = 0;
	d->queue_sel          = 0;
	d->broken[0]          = 0;
	memset(d->vq, 0, sizeof(d->vq));
	for (unsigned q = 0; q < d->n_queues; q++)
		d->vq[q].num = d->queue_max;  /* the default until the driver writes QueueNum */
	irq_set(&d->irq, 0);
}

static struct virtq *virtio_sel_queue(struct virtio_dev *d)
{
	return d->queue_sel < d->n_queues ? &d->vq[d->queue_sel] : NULL;
}

static uint64_t virtio_config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	if (off + size > d->config_len)
		return 0;
	memcpy(&v, d->config + off, size); /* config fields are little-endian, like the host */
	return v;
}

static uint64_t virtio_mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct virtio_dev *d = opaque;
	struct virtq      *vq;
	uint64_t           v = 0;

	pthread_mutex_lock(&d->lock);
	if (off >= REG_CONFIG) {
		v = virtio_config_read(d, off - REG_CONFIG, size);
		goto out;
	}
	if (size != 4 || (off & 3))
		goto out;
	vq = virtio_sel_queue(d);
	switch (off) {
	case REG_MAGIC:         v = VIRTIO_MMIO_MAGIC; break;
	case REG_VERSION:       v = 2; break;
	case REG_DEVICE_ID:     v = d->device_id; break;
	case REG_VENDOR_ID:     v = VIRTIO_MMIO_VENDOR; break;
	case REG_DEV_FEATURES:
		v = d->host_features_sel < 2 ? (uint32_t)(d->host_features >>
							  (32 * d->host_features_sel))
					     : 0;
		break;
	case REG_QUEUE_NUM_MAX: v = vq ? d->queue_max : 0; break;
	case REG_QUEUE_NUM:     v = vq ? vq->num : 0; break;
	case REG_QUEUE_READY:   v = vq ? vq->ready : 0; break;
	case REG_INT_STATUS:    v = d->isr; break;
	case REG_STATUS:        v = d->status; break;
	case REG_QUEUE_DESC_LO: v = vq ? (uint32_t)vq->desc_gpa : 0; break;
	case REG_QUEUE_DESC_HI: v = vq ? vq->desc_gpa >> 32 : 0; break;
	case REG_QUEUE_DRV_LO:  v = vq ? (uint32_t)vq->avail_gpa : 0; break;
	case REG_QUEUE_DRV_HI:  v = vq ? vq->avail_gpa >> 32 : 0; break;
	case REG_QUEUE_DEV_LO:  v = vq ? (uint32_t)vq->used_gpa : 0; break;
	case REG_QUEUE_DEV_HI:  v = vq ? vq->used_gpa >> 32 : 0; break;
	case REG_SHM_LEN_LO:
	case REG_SHM_LEN_HI:    v = 0xffffffff; break; /* no shared memory regions */
	case REG_CONFIG_GEN:    v = d->config_generation; break;
	default:                v = 0; break;
	}
out:
	pthread_mutex_unlock(&d->lock);
	return v;
}

static void virtio_set_status(struct virtio_dev *d, uint32_t v)
{
	if (v == 0) {
		virtio_reset(d);
		return;
	}
	v &= 0xff;
	/* NEEDS_RESET is the device's to set; the driver only ever adds bits */
	v &= ~(uint32_t)VIRTIO_STATUS_NEEDS_RESET;
	uint32_t added = v & ~d->status;
	if ((d->status & ~VIRTIO_STATUS_NEEDS_RESET) & ~v)
		return; /* clearing bits without a reset: ignored */
	if (added & VIRTIO_STATUS_FEATURES_OK) {
		bool ok = (d->guest_features & ~d->host_features) == 0 &&
			  (d->guest_features & VIRTIO_F_VERSION_1);
		if (!ok)
			v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK; /* the driver reads back: refused */
	}
	if ((added & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK)) {
		d->status |= v & ~(uint32_t)VIRTIO_STATUS_DRIVER_OK;
		virtio_dev_fail(d, "DRIVER_OK without FEATURES_OK");
		return;
	}
	d->status = v | (d->status & VIRTIO_STATUS_NEEDS_RESET);
	/* `cella --debug vm` shows each device's bring-up: what a guest accepted, or refused */
	log_debug("virtio %s: status %#x, features %#llx of %#llx", d->name, d->status,
		  (unsigned long long)d->guest_features, (unsigned long long)d->host_features);
	if ((added & VIRTIO_STATUS_DRIVER_OK) && virtio_dev_live(d)) {
		if (d->ops->driver_ok)
			d->ops->driver_ok(d);
		/* buffers a driver queued (and kicked) before DRIVER_OK are served now */
		for (unsigned q = 0; q < d->n_queues; q++)
			if (d->vq[q].ready && virtio_dev_live(d))
				d->ops->queue_notify(d, q);
	}
}

static void virtio_notify_locked(struct virtio_dev *d, unsigned q)
{
	if (q >= d->n_queues || !virtio_dev_live(d) || !d->vq[q].ready)
		return; /* a notify for nothing is harmless: ignored */
	d->ops->queue_notify(d, q);
}

void virtio_mmio_notify(struct virtio_dev *d, unsigned q)
{
	pthread_mutex_lock(&d->lock);
	virtio_notify_locked(d, q);
	pthread_mutex_unlock(&d->lock);
}

static void virtio_set_addr(struct virtq *vq, uint64_t *field, bool high, uint32_t v)
{
	if (!vq || vq->ready)
		return; /* a live queue's rings stay where they are */
	if (high)
		*field = (*field & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*field = (*field & ~0xffffffffULL) | v;
}

static void virtio_mmio_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct virtio_dev *d = opaque;
	uint32_t           v = (uint32_t)value;
	struct virtq      *vq;

	pthread_mutex_lock(&d->lock);
	if (off >= REG_CONFIG) {
		if (off - REG_CONFIG + size <= d->config_len && d->ops->config_write)
			d->ops->config_write(d, off - REG_CONFIG, size, value);
		goto out;
	}
	if (size != 4 || (off & 3))
		goto out;
	vq = virtio_sel_queue(d);
	switch (off) {
	case REG_DEV_FEAT_SEL:
		d->host_features_sel = v;
		break;
	case REG_DRV_FEATURES:
		if (d->status & VIRTIO_STATUS_FEATURES_OK)
			break; /* features are fixed once accepted */
		if (d->guest_features_sel == 0)
			d->guest_features = (d->guest_features & ~0xffffffffULL) | v;
		else if (d->guest_features_sel == 1)
			d->guest_features = (d->guest_features & 0xffffffffULL) | (uint64_t)v << 32;
		break;
	case REG_DRV_FEAT_SEL:
		d->guest_features_sel = v;
		break;
	case REG_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case REG_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = v > 0xffff ? 0 : (uint16_t)v; /* checked at QueueReady */
		break;
	case REG_QUEUE_READY:
		if (!vq)
			break;
		if (v == 0) {
			vq->ready = false;
			break;
		}
		if (vq->ready)
			break;
		if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
			virtio_dev_fail(d, "queue %u enabled before FEATURES_OK", d->queue_sel);
			break;
		}
		virtq_enable(d, d->queue_sel);
		break;
	case REG_QUEUE_NOTIFY:
		virtio_notify_locked(d, v & 0xffff);
		break;
	case REG_INT_ACK:
		d->isr &= ~v;
		if (!d->isr)
			irq_set(&d->irq, 0);
		break;
	case REG_STATUS:
		virtio_set_status(d, v);
		break;
	case REG_QUEUE_DESC_LO: virtio_set_addr(vq, vq ? &vq->desc_gpa : NULL, false, v); break;
	case REG_QUEUE_DESC_HI: virtio_set_addr(vq, vq ? &vq->desc_gpa : NULL, true, v); break;
	case REG_QUEUE_DRV_LO:  virtio_set_addr(vq, vq ? &vq->avail_gpa : NULL, false, v); break;
	case REG_QUEUE_DRV_HI:  virtio_set_addr(vq, vq ? &vq->avail_gpa : NULL, true, v); break;
	case REG_QUEUE_DEV_LO:  virtio_set_addr(vq, vq ? &vq->used_gpa : NULL, false, v); break;
	case REG_QUEUE_DEV_HI:  virtio_set_addr(vq, vq ? &vq->used_gpa : NULL, true, v); break;
	case REG_SHM_SEL:
	default:
		break; /* read-only or unknown registers: writes ignored */
	}
out:
	pthread_mutex_unlock(&d->lock);
}

const struct bus_ops virtio_mmio_ops = {
	.read  = virtio_mmio_read,
	.write = virtio_mmio_write,
};
