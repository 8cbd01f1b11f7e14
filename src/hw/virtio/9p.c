/* virtio-9p (virtio 1.2 §5.11 with the 9P2000.L protocol): the virtio side. Each request
 * chain holds one T-message (readable) and room for its R-message (writable); the message is
 * copied out of guest memory before it is parsed, so the guest cannot change it underneath. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/9p.h"
#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

#define VIRTIO_9P_MOUNT_TAG (1ULL << 0)
#define P9_TAG_MAX          64

struct virtio_9p {
	struct virtio_dev vdev;
	struct p9_fs     *fs;
	uint8_t           config[2 + P9_TAG_MAX];
	uint8_t          *req, *reply;
};

static void p9_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_9p  *p  = (struct virtio_9p *)d;
	struct virtq      *vq = &d->vq[q];
	struct virtq_elem *el = d->elem;

	while (virtq_pop(d, vq, el) == 1) {
		size_t n   = iov_to_buf(el->iov, el->n_out, 0, p->req, P9_MAX_MSIZE);
		size_t max = el->in_len < P9_MAX_MSIZE ? (size_t)el->in_len : P9_MAX_MSIZE;
		size_t len = p9_handle(p->fs, p->req, n, p->reply, max);
		iov_from_buf(el->iov + el->n_out, el->n_in, 0, p->reply, len);
		virtq_push(d, vq, el->head, (uint32_t)len);
	}
	virtq_notify_guest(d, vq);
}

static void p9_reset(struct virtio_dev *d)
{
	p9_fs_reset(((struct virtio_9p *)d)->fs);
}

static void p9_destroy(struct virtio_dev *d)
{
	struct virtio_9p *p = (struct virtio_9p *)d;
	p9_fs_free(p->fs);
	free(p->req);
	free(p->reply);
	free(p);
}

static const struct virtio_dev_ops p9_ops = {
	.queue_notify = p9_notify,
	.reset        = p9_reset,
	.destroy      = p9_destroy,
};

int virtio_9p_new(struct virtio_dev **out, const char *dir, const char *tag,
		  const struct guest_mem *mem, struct cerr *e)
{
	size_t tag_len = strlen(tag);
	if (tag_len == 0 || tag_len > P9_TAG_MAX)
		return cerr_set(e, EINVAL, "9p share `%s`: mount tag must be 1 to %d bytes", dir,
				P9_TAG_MAX);
	struct virtio_9p *p = calloc(1, sizeof(*p));
	if (!p)
		return cerr_set(e, ENOMEM, "9p share `%s`", dir);
	p->req   = malloc(P9_MAX_MSIZE);
	p->reply = malloc(P9_MAX_MSIZE);
	if (!p->req || !p->reply) {
		free(p->req);
		free(p->reply);
		free(p);
		return cerr_set(e, ENOMEM, "9p share `%s`", dir);
	}
	if (p9_fs_new(&p->fs, dir, e) < 0) {
		free(p->req);
		free(p->reply);
		free(p);
		return -1;
	}
	p->config[0] = (uint8_t)tag_len;
	p->config[1] = 0;
	memcpy(p->config + 2, tag, tag_len);
	if (virtio_dev_init(&p->vdev, "9p", VIRTIO_ID_9P, &p9_ops, 1, 128, VIRTIO_9P_MOUNT_TAG,
			    p->config, (uint32_t)(2 + tag_len), mem, e) < 0) {
		p9_destroy(&p->vdev);
		return -1;
	}
	*out = &p->vdev;
	return 0;
}
