/* virtio-net (virtio 1.2 §5.1): one receive and one transmit queue, a MAC address and link
 * status, no offloads (so every frame is a plain Ethernet frame behind a 12-byte header).
 * Frames for the guest wait in a short backlog while it has posted no receive buffers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/devices.h"
#include "hw/virtio/net.h"

#define VIRTIO_NET_F_MAC    (1ULL << 5)
#define VIRTIO_NET_F_STATUS (1ULL << 16)
#define NET_RXQ             0
#define NET_TXQ             1
#define NET_HDR             12   /* struct virtio_net_hdr with num_buffers (VERSION_1) */

static bool net_deliver_one(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	struct virtio_dev *d  = &n->vdev;
	struct virtq_elem *el = d->elem;

	if (virtq_pop(d, &d->vq[NET_RXQ], el) != 1)
		return false;
	struct iovec *in = el->iov + el->n_out;
	if (el->in_len < NET_HDR + len) {
		n->rx_dropped++;          /* the driver's buffer is too small for the frame */
		virtq_push(d, &d->vq[NET_RXQ], el->head, 0);
		return true;
	}
	uint8_t hdr[NET_HDR] = { 0 };
	hdr[10]              = 1;     /* num_buffers */
	iov_from_buf(in, el->n_in, 0, hdr, NET_HDR);
	iov_from_buf(in, el->n_in, NET_HDR, frame, len);
	virtq_push(d, &d->vq[NET_RXQ], el->head, (uint32_t)(NET_HDR + len));
	return true;
}

static void net_flush_backlog(struct virtio_net *n)
{
	bool pushed = false;

	while (n->backlog_n > 0) {
		unsigned i = n->backlog_head;
		if (!net_deliver_one(n, n->backlog[i], n->backlog_len[i]))
			break;
		free(n->backlog[i]);
		n->backlog[i]   = NULL;
		n->backlog_head = (i + 1) % NET_BACKLOG;
		n->backlog_n--;
		pushed = true;
	}
	if (pushed)
		virtq_notify_guest(&n->vdev, &n->vdev.vq[NET_RXQ]);
}

bool virtio_net_rx_full(const struct virtio_net *n)
{
	return n->backlog_n >= NET_BACKLOG;
}

bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	if (!virtio_dev_live(&n->vdev) || len > NET_MAX_FRAME) {
		n->rx_dropped++;
		return false;
	}
	if (n->backlog_n == 0 && net_deliver_one(n, frame, len)) {
		virtq_notify_guest(&n->vdev, &n->vdev.vq[NET_RXQ]);
		return true;
	}
	if (virtio_net_rx_full(n)) {
		n->rx_dropped++;
		return false;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		n->rx_dropped++;
		return false;
	}
	memcpy(copy, frame, len);
	unsigned at       = (n->backlog_head + n->backlog_n) % NET_BACKLOG;
	n->backlog[at]     = copy;
	n->backlog_len[at] = len;
	n->backlog_n++;
	return true;
}

static void net_transmit(struct virtio_net *n)
{
	struct virtio_dev *d  = &n->vdev;
	struct virtq      *vq = &d->vq[NET_TXQ];

	while (virtq_pop(d, vq, d->elem) == 1) {
		struct virtq_elem *el   = d->elem;
		uint16_t           head = el->head;
		size_t             len  = 0;
		if (el->out_len > NET_HDR)
			len = iov_to_buf(el->iov, el->n_out, NET_HDR, n->txbuf, NET_MAX_FRAME);
		/* the backend may answer at once (slirp does), which reuses d->elem for a
		 * receive buffer: nothing of el is used after this point */
		if (len && n->be)
			n->be->ops->send(n->be, n->txbuf, len);
		virtq_push(d, vq, head, 0);
	}
	virtq_notify_guest(d, vq);
}

static void net_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_net *n = (struct virtio_net *)d;

	if (q == NET_TXQ) {
		net_transmit(n);
		return;
	}
	net_flush_backlog(n);
	if (n->be && n->be->ops->rx_space && !virtio_net_rx_full(n))
		n->be->ops->rx_space(n->be);
}

static void net_drop_backlog(struct virtio_net *n)
{
	for (unsigned i = 0; i < NET_BACKLOG; i++) {
		free(n->backlog[i]);
		n->backlog[i] = NULL;
	}
	n->backlog_head = n->backlog_n = 0;
}

static void net_reset(struct virtio_dev *d)
{
	net_drop_backlog((struct virtio_net *)d);
}

static void net_destroy(struct virtio_dev *d)
{
	struct virtio_net *n = (struct virtio_net *)d;

	if (n->be)
		n->be->ops->free(n->be);
	net_drop_backlog(n);
	free(n->txbuf);
	free(n);
}

static const struct virtio_dev_ops net_ops = {
	.queue_notify = net_notify,
	.reset        = net_reset,
	.destroy      = net_destroy,
};

int virtio_net_new(struct virtio_dev **out, const struct vm_net *cfg, struct loop *loop,
		   const struct guest_mem *mem, struct cerr *e)
{
	static unsigned    count;
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n)
		return cerr_set(e, ENOMEM, "virtio-net");
	n->txbuf = malloc(NET_MAX_FRAME);
	if (!n->txbuf) {
		free(n);
		return cerr_set(e, ENOMEM, "virtio-net");
	}
	/* QEMU's locally administered prefix, so guest tooling recognises it */
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	memcpy(n->config, mac, 6);
	n->config[5] = (uint8_t)(0x56 + __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED));
	n->config[6] = 1;  /* VIRTIO_NET_S_LINK_UP */
	if (virtio_dev_init(&n->vdev, "net", VIRTIO_ID_NET, &net_ops, 2, 256,
			    VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS, n->config, 8, mem, e) < 0) {
		free(n->txbuf);
		free(n);
		return -1;
	}
	int r = cfg->kind == VM_NET_TAP ? net_tap_new(&n->be, n, cfg->tap, loop, e)
					: net_slirp_new(&n->be, n, cfg, loop, e);
	if (r < 0) {
		virtio_dev_free(&n->vdev);
		return -1;
	}
	*out = &n->vdev;
	return 0;
}
