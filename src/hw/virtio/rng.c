/* virtio-rng (virtio 1.2 §5.4): fills each device-writable buffer from the host's getrandom(). */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

#define RNG_MAX_REQUEST 65536   /* per request: a guest asking for 4 GiB gets 64 KiB */

static void rng_notify(struct virtio_dev *d, unsigned q)
{
	struct virtq      *vq = &d->vq[q];
	struct virtq_elem *el = d->elem;

	while (virtq_pop(d, vq, el) == 1) {
		uint32_t total = 0;
		for (unsigned i = el->n_out; i < el->n_out + el->n_in && total < RNG_MAX_REQUEST; i++) {
			size_t want = el->iov[i].iov_len;
			if (want > RNG_MAX_REQUEST - total)
				want = RNG_MAX_REQUEST - total;
			size_t got = 0;
			while (got < want) {
				ssize_t r = getrandom((uint8_t *)el->iov[i].iov_base + got, want - got, 0);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					break;
				got += (size_t)r;
			}
			total += (uint32_t)got;
			if (got < want)
				break;
		}
		virtq_push(d, vq, el->head, total);
	}
	virtq_notify_guest(d, vq);
}

static void rng_destroy(struct virtio_dev *d)
{
	free(d);
}

static const struct virtio_dev_ops rng_ops = {
	.queue_notify = rng_notify,
	.destroy      = rng_destroy,
};

int virtio_rng_new(struct virtio_dev **out, const struct guest_mem *mem, struct cerr *e)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return cerr_set(e, ENOMEM, "virtio-rng");
	if (virtio_dev_init(d, "rng", VIRTIO_ID_RNG, &rng_ops, 1, 64, 0, NULL, 0, mem, e) < 0) {
		free(d);
		return -1;
	}
	*out = d;
	return 0;
}
