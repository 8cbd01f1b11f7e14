/* virtio-console (virtio 1.2 §5.3), port 0 only: what the guest writes to hvc0 goes to an
 * output fd (a file or a terminal); an input fd is read on the event loop thread into a small
 * buffer and handed to the guest as it posts receive buffers. When the guest posts none, the
 * loop stops watching the input, so a stalled guest costs no CPU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

#define CONSOLE_RXQ  0
#define CONSOLE_TXQ  1
#define CONSOLE_BUF  4096

struct console_config {
	uint16_t cols, rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
} __attribute__((packed));

struct virtio_console {
	struct virtio_dev     vdev;
	struct console_config config;
	int                   in_fd, out_fd;
	bool                  own_fds, in_eof;
	struct loop          *loop;
	int                   watch;
	uint8_t               pending[CONSOLE_BUF];
	size_t                pending_len;
};

/* Hand buffered input to the guest; resume or pause reading. Lock held. */
static void console_deliver(struct virtio_console *c)
{
	struct virtio_dev *d      = &c->vdev;
	struct virtq      *vq     = &d->vq[CONSOLE_RXQ];
	bool               pushed = false;

	while (c->pending_len > 0 && virtq_pop(d, vq, d->elem) == 1) {
		struct virtq_elem *el = d->elem;
		size_t n = iov_from_buf(el->iov + el->n_out, el->n_in, 0, c->pending, c->pending_len);
		memmove(c->pending, c->pending + n, c->pending_len - n);
		c->pending_len -= n;
		virtq_push(d, vq, el->head, (uint32_t)n);
		pushed = true;
	}
	if (pushed)
		virtq_notify_guest(d, vq);
	if (c->loop && c->watch >= 0 && !c->in_eof)
		loop_set_events(c->loop, c->watch, c->pending_len < CONSOLE_BUF ? POLLIN : 0);
}

static void console_input(void *opaque, int fd, short revents)
{
	struct virtio_console *c = opaque;

	(void)revents;
	pthread_mutex_lock(&c->vdev.lock);
	if (c->pending_len < CONSOLE_BUF) {
		ssize_t r = read(fd, c->pending + c->pending_len, CONSOLE_BUF - c->pending_len);
		if (r > 0) {
			c->pending_len += (size_t)r;
		} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			c->in_eof = true;   /* end of input: stop watching for good */
			loop_set_events(c->loop, c->watch, 0);
		}
	}
	console_deliver(c);
	pthread_mutex_unlock(&c->vdev.lock);
}

static void console_transmit(struct virtio_console *c)
{
	struct virtio_dev *d  = &c->vdev;
	struct virtq      *vq = &d->vq[CONSOLE_TXQ];

	while (virtq_pop(d, vq, d->elem) == 1) {
		struct virtq_elem *el = d->elem;
		for (unsigned i = 0; i < el->n_out && c->out_fd >= 0; i++) {
			const uint8_t *p = el->iov[i].iov_base;
			size_t         n = el->iov[i].iov_len;
			while (n > 0) {
				ssize_t w = write(c->out_fd, p, n);
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0)
					break; /* output gone: the guest's text is dropped */
				p += w;
				n -= (size_t)w;
			}
		}
		virtq_push(d, vq, el->head, 0);
	}
	virtq_notify_guest(d, vq);
}

static void console_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_console *c = (struct virtio_console *)d;

	if (q == CONSOLE_TXQ)
		console_transmit(c);
	else
		console_deliver(c);
}

static void console_destroy(struct virtio_dev *d)
{
	struct virtio_console *c = (struct virtio_console *)d;

	if (c->loop && c->watch >= 0)
		loop_del_fd(c->loop, c->watch);
	if (c->own_fds) {
		if (c->in_fd >= 0)
			close(c->in_fd);
		if (c->out_fd >= 0 && c->out_fd != c->in_fd)
			close(c->out_fd);
	}
	free(c);
}

static const struct virtio_dev_ops console_ops = {
	.queue_notify = console_notify,
	.destroy      = console_destroy,
};

int virtio_console_new(struct virtio_dev **out, int in_fd, int out_fd, bool own_fds,
		       struct loop *loop, const struct guest_mem *mem, struct cerr *e)
{
	struct virtio_console *c = calloc(1, sizeof(*c));

	if (!c)
		return cerr_set(e, ENOMEM, "virtio-console");
	c->in_fd   = in_fd;
	c->out_fd  = out_fd;
	c->own_fds = own_fds;
	c->loop    = loop;
	c->watch   = -1;
	c->config.max_nr_ports = htole32(1);
	if (virtio_dev_init(&c->vdev, "console", VIRTIO_ID_CONSOLE, &console_ops, 2, 64, 0,
			    &c->config, sizeof(c->config), mem, e) < 0) {
		free(c);
		return -1;
	}
	if (in_fd >= 0 && loop) {
		c->watch = loop_add_fd(loop, in_fd, POLLIN, console_input, c, e);
		if (c->watch < 0) {
			c->own_fds = false;
			virtio_dev_free(&c->vdev);
			return -1;
		}
	}
	*out = &c->vdev;
	return 0;
}
