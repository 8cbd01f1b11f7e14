/* The tap network backend: frames go to and come from a host tap interface (created by
 * cella or existing and owned by the user; creating one needs CAP_NET_ADMIN). The tap is read
 * on the event loop thread; reading pauses while the guest's receive side is full. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hw/virtio/net.h"

struct net_tap {
	struct net_backend be;
	struct virtio_net *net;
	struct loop       *loop;
	int                fd, watch;
	uint8_t            buf[NET_MAX_FRAME];
};

static void tap_readable(void *opaque, int fd, short revents)
{
	struct net_tap *t = opaque;

	(void)revents;
	pthread_mutex_lock(&t->net->vdev.lock);
	for (int i = 0; i < 64 && !virtio_net_rx_full(t->net); i++) {
		ssize_t n = read(fd, t->buf, sizeof(t->buf));
		if (n <= 0)
			break;
		virtio_net_receive(t->net, t->buf, (size_t)n);
	}
	if (virtio_net_rx_full(t->net))
		loop_set_events(t->loop, t->watch, 0);
	pthread_mutex_unlock(&t->net->vdev.lock);
}

static void tap_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
	struct net_tap *t = (struct net_tap *)be;
	ssize_t         n;
	do
		n = write(t->fd, frame, len);
	while (n < 0 && errno == EINTR);
	/* EAGAIN: the host side is congested; dropping is what a real link does */
}

static void tap_rx_space(struct net_backend *be)
{
	struct net_tap *t = (struct net_tap *)be;
	loop_set_events(t->loop, t->watch, POLLIN);
}

static void tap_free(struct net_backend *be)
{
	struct net_tap *t = (struct net_tap *)be;
	if (t->watch >= 0)
		loop_del_fd(t->loop, t->watch);
	close(t->fd);
	free(t);
}

static const struct net_backend_ops tap_ops = {
	.send     = tap_send,
	.rx_space = tap_rx_space,
	.free     = tap_free,
};

int net_tap_new(struct net_backend **out, struct virtio_net *n, const char *ifname,
		struct loop *loop, struct cerr *e)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };

	if (!ifname || !ifname[0] || strlen(ifname) >= IFNAMSIZ)
		return cerr_usage(e, "tap: interface name must be 1 to %d characters",
				  IFNAMSIZ - 1);
	if (!loop)
		return cerr_set(e, EINVAL, "tap `%s`: needs an event loop", ifname);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "tap `%s`: open /dev/net/tun", ifname);
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = errno;
		close(fd);
		return cerr_set(e, err, "tap `%s`%s", ifname,
				err == EPERM ? " (creating or attaching a tap needs CAP_NET_ADMIN, or a "
					       "tap owned by you: ip tuntap add NAME mode tap user $USER)"
					     : "");
	}
	struct net_tap *t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return cerr_set(e, ENOMEM, "tap `%s`", ifname);
	}
	t->be.ops = &tap_ops;
	t->net    = n;
	t->loop   = loop;
	t->fd     = fd;
	t->watch  = loop_add_fd(loop, fd, POLLIN, tap_readable, t, e);
	if (t->watch < 0) {
		close(fd);
		free(t);
		return -1;
	}
	*out = &t->be;
	return 0;
}
