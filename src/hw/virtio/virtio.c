/* The virtio device core: common state set-up, the error state a hostile driver puts a device
 * into, interrupts, and iovec helpers. Register decoding lives in mmio.c, rings in virtq.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "base/log.h"
#include "base/loop.h"
#include "hw/virtio/virtio.h"

int virtio_dev_init(struct virtio_dev *d, const char *name, uint32_t device_id,
		    const struct virtio_dev_ops *ops, unsigned n_queues, uint16_t queue_max,
		    uint64_t features, void *config, uint32_t config_len,
		    const struct guest_mem *mem, struct cerr *e)
{
	if (n_queues > VIRTIO_MAX_QUEUES || queue_max > VIRTQ_MAX_SIZE ||
	    (queue_max & (queue_max - 1)))
		return cerr_set(e, EINVAL, "virtio %s: bad queue layout", name);
	d->elem = calloc(1, sizeof(*d->elem));
	if (!d->elem)
		return cerr_set(e, ENOMEM, "virtio %s", name);
	d->name          = name;
	d->ops           = ops;
	d->mem           = mem;
	d->device_id     = device_id;
	d->host_features = features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC |
			   VIRTIO_F_EVENT_IDX;
	d->config        = config;
	d->config_len    = config_len;
	d->n_queues      = n_queues;
	d->queue_max     = queue_max;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		d->notifier[q].watch = -1;
	for (unsigned q = 0; q < n_queues; q++)
		d->vq[q].num = queue_max;
	pthread_mutex_init(&d->lock, NULL);
	return 0;
}

static void virtio_notifier_ready(void *opaque, int fd, short revents)
{
	struct virtio_notifier *n = opaque;
	uint64_t                count;

	(void)revents;
	if (read(fd, &count, sizeof(count)) == sizeof(count))
		virtio_mmio_notify(n->dev, n->q);
}

int virtio_mmio_watch_notify(struct virtio_dev *d, struct loop *loop, int fd, unsigned q,
			     struct cerr *e)
{
	if (q >= d->n_queues)
		return cerr_set(e, EINVAL, "virtio %s: no queue %u", d->name, q);
	struct virtio_notifier *n = &d->notifier[q];
	if (n->watch >= 0)
		return cerr_set(e, EBUSY, "virtio %s: queue %u already has a notifier", d->name, q);
	*n = (struct virtio_notifier){ .dev = d, .loop = loop, .fd = fd, .q = q, .watch = -1 };
	n->watch = loop_add_fd(loop, fd, POLLIN, virtio_notifier_ready, n, e);
	return n->watch < 0 ? -1 : 0;
}

void virtio_dev_free(struct virtio_dev *d)
{
	if (!d)
		return;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (d->notifier[q].watch >= 0)
			loop_del_fd(d->notifier[q].loop, d->notifier[q].watch);
	free(d->elem);
	d->elem = NULL;
	pthread_mutex_destroy(&d->lock);
	if (d->ops && d->ops->destroy)
		d->ops->destroy(d);
}

void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits)
{
	d->isr |= bits;
	/* asserted again even when already high, so an edge-style irqfd also sees it */
	irq_set(&d->irq, 1);
}

void virtio_dev_fail(struct virtio_dev *d, const char *fmt, ...)
{
	va_list ap;

	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	va_start(ap, fmt);
	vsnprintf(d->broken, sizeof(d->broken), fmt, ap);
	va_end(ap);
	/* a guest that breaks and resets its device in a loop must not flood the terminal */
	if (d->n_failures++ < 10)
		log_warn("virtio %s: guest error, device needs reset: %s%s", d->name, d->broken,
			 d->n_failures == 10 ? " (further errors not logged)" : "");
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_dev_interrupt(d, VIRTIO_INT_CONFIG);
}

void virtio_dev_config_changed(struct virtio_dev *d)
{
	d->config_generation++;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_dev_interrupt(d, VIRTIO_INT_CONFIG);
}

/* Copy len bytes between the scatter list, from byte off on, and a flat buffer: into `to`
 * when it is set, else out of `from`. Returns how many bytes the list held. */
static size_t iov_copy(const struct iovec *iov, unsigned n, size_t off, void *to,
		       const void *from, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t   k   = iov[i].iov_len - off;
		uint8_t *seg = (uint8_t *)iov[i].iov_base + off;
		if (k > len - done)
			k = len - done;
		if (to)
			memcpy((uint8_t *)to + done, seg, k);
		else
			memcpy(seg, (const uint8_t *)from + done, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf, size_t len)
{
	return iov_copy(iov, n, off, buf, NULL, len);
}

size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off, const void *buf,
		    size_t len)
{
	return iov_copy(iov, n, off, NULL, buf, len);
}

unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off, size_t len,
		   struct iovec *out, unsigned max, size_t *got)
{
	unsigned k = 0;

	*got = 0;
	for (unsigned i = 0; i < n && *got < len && k < max; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		size_t take = iov[i].iov_len - off;
		if (take > len - *got)
			take = len - *got;
		if (take == 0)
			continue;
		out[k++] = (struct iovec){ .iov_base = (uint8_t *)iov[i].iov_base + off,
					   .iov_len  = take };
		*got += take;
		off = 0;
	}
	return k;
}
