/* virtio-net internals: the device (net.c) and its backends (net_slirp.c, net_tap.c). A
 * backend moves Ethernet frames between the device and the world; every backend call in
 * either direction happens with the device lock held, so a backend needs no lock of its own
 * and the device's receive path can be called straight from a backend callback. */
#ifndef CELLA_HW_VIRTIO_NET_H
#define CELLA_HW_VIRTIO_NET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "hw/virtio/virtio.h"
#include "vm/config.h"

#define NET_MAX_FRAME 65550  /* a 64 KiB IP packet with its Ethernet header */
#define NET_BACKLOG   128    /* frames held while the guest posts no receive buffers */

struct net_backend;
struct net_backend_ops {
	/* A frame from the guest. Lock held. */
	void (*send)(struct net_backend *be, const uint8_t *frame, size_t len);
	/* The guest posted receive buffers: a paused backend may read again. Lock held. */
	void (*rx_space)(struct net_backend *be);
	/* Free (the event loop is stopped). */
	void (*free)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
};

struct virtio_net {
	struct virtio_dev   vdev;
	uint8_t             config[12];   /* mac[6], status, max_virtqueue_pairs, mtu */
	struct net_backend *be;
	uint8_t            *txbuf;
	uint8_t            *backlog[NET_BACKLOG];
	size_t              backlog_len[NET_BACKLOG];
	unsigned            backlog_head, backlog_n;
	uint64_t            rx_dropped;
};

/* A frame for the guest. Lock held. false: dropped (no buffer and the backlog is full). */
bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len);
/* The backlog is full: a backend should stop reading until rx_space. Lock held. */
bool virtio_net_rx_full(const struct virtio_net *n);

/* "tcp::2222-:22", "udp:127.0.0.1:5353-10.0.2.15:53" (QEMU's hostfwd syntax). */
struct net_hostfwd {
	bool           udp;
	struct in_addr host_addr, guest_addr;
	uint16_t       host_port, guest_port;
};
int net_hostfwd_parse(const char *spec, struct net_hostfwd *out, struct cerr *e);

int net_slirp_new(struct net_backend **out, struct virtio_net *n, const struct vm_net *cfg,
		  struct loop *loop, struct cerr *e);
int net_tap_new(struct net_backend **out, struct virtio_net *n, const char *ifname,
		struct loop *loop, struct cerr *e);

#endif
