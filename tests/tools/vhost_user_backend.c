/* Test harness: serves one of cella's virtio device models (src/hw/virtio) to QEMU over the
 * vhost-user protocol, so a stock Linux guest's virtio drivers drive cella's virtqueue code and
 * device models for real (QEMU does only the transport). Test-only; see
 * tests/integration/virtio_qemu.sh.
 *
 *   vhost-user-backend SOCKET blk IMAGE | rng | net-user [HOSTFWD]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/loop.h"
#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

enum {
	VU_GET_FEATURES = 1, VU_SET_FEATURES, VU_SET_OWNER, VU_RESET_OWNER, VU_SET_MEM_TABLE,
	VU_SET_LOG_BASE, VU_SET_LOG_FD, VU_SET_VRING_NUM, VU_SET_VRING_ADDR, VU_SET_VRING_BASE,
	VU_GET_VRING_BASE, VU_SET_VRING_KICK, VU_SET_VRING_CALL, VU_SET_VRING_ERR,
	VU_GET_PROTOCOL_FEATURES, VU_SET_PROTOCOL_FEATURES, VU_GET_QUEUE_NUM, VU_SET_VRING_ENABLE,
	VU_GET_CONFIG = 24, VU_SET_CONFIG = 25,
};

#define VU_F_PROTOCOL_FEATURES (1ULL << 30)
#define VU_PROTOCOL_F_CONFIG   (1ULL << 9)
#define VU_MAX_REGIONS         8

struct vu_hdr {
	uint32_t request, flags, size;
} __attribute__((packed));

struct vu_region {
	uint64_t gpa, size, ua, offset;
	uint8_t *map;
	size_t   map_len;
};

struct vu_ring {
	uint16_t num;
	uint64_t desc_ua, avail_ua, used_ua;
	uint16_t base;
	int      kick, call, watch;
	bool     enabled, started;
};

static struct {
	struct virtio_dev *dev;
	struct guest_mem   mem;
	struct loop       *loop;
	struct vu_region   region[VU_MAX_REGIONS];
	int                n_regions;
	struct vu_ring     ring[VIRTIO_MAX_QUEUES];
	bool               protocol, done;
	int                conn;
} vu;

static void *vu_ua_to_host(uint64_t ua, uint64_t len)
{
	for (int i = 0; i < vu.n_regions; i++) {
		struct vu_region *r = &vu.region[i];
		if (ua >= r->ua && ua - r->ua + len <= r->size)
			return r->map + r->offset + (ua - r->ua);
	}
	return NULL;
}

static void vu_irq(void *opaque, unsigned num, int level)
{
	uint64_t one = 1;
	(void)opaque;
	(void)num;
	if (!level)
		return;
	/* the device has one line; QEMU wants one eventfd per queue: signal them all */
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (vu.ring[q].call >= 0 && vu.ring[q].started)
			if (write(vu.ring[q].call, &one, sizeof(one)) < 0)
				continue;
}

static void vu_kick(void *opaque, int fd, short revents)
{
	unsigned q = (unsigned)(uintptr_t)opaque;
	uint64_t v;
	(void)revents;
	if (read(fd, &v, sizeof(v)) < 0)
		return;
	pthread_mutex_lock(&vu.dev->lock);
	if (vu.dev->vq[q].ready)
		vu.dev->ops->queue_notify(vu.dev, q);
	pthread_mutex_unlock(&vu.dev->lock);
}

/* Start ring q once everything about it is known. */
static void vu_ring_update(unsigned q)
{
	struct vu_ring *r  = &vu.ring[q];
	struct virtq   *vq = &vu.dev->vq[q];
	bool            go = r->kick >= 0 && r->num && (r->enabled || !vu.protocol);

	pthread_mutex_lock(&vu.dev->lock);
	if (go && !r->started) {
		vq->num   = r->num;
		vq->desc  = vu_ua_to_host(r->desc_ua, 16ULL * r->num);
		vq->avail = vu_ua_to_host(r->avail_ua, 6 + 2ULL * r->num);
		vq->used  = vu_ua_to_host(r->used_ua, 6 + 8ULL * r->num);
		if (vq->desc && vq->avail && vq->used) {
			vq->last_avail      = r->base;
			vq->used_idx        = vq->used->idx;
			vq->signalled_used  = vq->used_idx;
			vq->signalled_valid = false;
			vq->ready           = true;
			r->started          = true;
			vu.dev->ops->queue_notify(vu.dev, q);
		}
	} else if (!go && r->started) {
		vq->ready  = false;
		r->started = false;
	}
	pthread_mutex_unlock(&vu.dev->lock);
}

static void vu_reply(struct vu_hdr *h, const void *payload, uint32_t size)
{
	struct vu_hdr out = { .request = h->request, .flags = 0x1 | 0x4, .size = size };
	if (write(vu.conn, &out, sizeof(out)) != sizeof(out) ||
	    (size && write(vu.conn, payload, size) != (ssize_t)size))
		vu.done = true;
}

static void vu_set_mem_table(const uint8_t *p, int *fds, int n_fds)
{
	uint32_t n;
	memcpy(&n, p, 4);
	for (int i = 0; i < vu.n_regions; i++)
		munmap(vu.region[i].map, vu.region[i].map_len);
	vu.n_regions = 0;
	vu.mem.n     = 0;
	for (uint32_t i = 0; i < n && i < VU_MAX_REGIONS && (int)i < n_fds; i++) {
		struct vu_region *r = &vu.region[vu.n_regions];
		uint64_t          f[4];
		memcpy(f, p + 8 + 32 * i, 32);
		r->gpa     = f[0];
		r->size    = f[1];
		r->ua      = f[2];
		r->offset  = f[3];
		r->map_len = r->size + r->offset;
		r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
		close(fds[i]);
		if (r->map == MAP_FAILED)
			continue;
		struct cerr e;
		guest_mem_add(&vu.mem, r->gpa, r->size, r->map + r->offset, &e);
		vu.n_regions++;
	}
}

static void vu_message(void *opaque, int fd, short revents)
{
	struct vu_hdr   h;
	uint8_t         p[4096];
	int             fds[8], n_fds = 0;
	char            cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec    iov = { .iov_base = &h, .iov_len = sizeof(h) };
	struct msghdr   mh  = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				.msg_controllen = sizeof(cbuf) };
	(void)opaque;
	(void)revents;
	ssize_t got = recvmsg(fd, &mh, 0);
	if (got != sizeof(h) || h.size > sizeof(p)) {
		vu.done = true;
		return;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n_fds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), (size_t)n_fds * sizeof(int));
		}
	if (h.size && read(fd, p, h.size) != (ssize_t)h.size) {
		vu.done = true;
		return;
	}
	uint64_t u64;
	uint32_t idx = 0, num = 0;
	memcpy(&u64, p, 8);
	memcpy(&idx, p, 4);
	memcpy(&num, p + 4, 4);
	struct vu_ring *r = idx < VIRTIO_MAX_QUEUES ? &vu.ring[idx] : &vu.ring[0];
	switch (h.request) {
	case VU_GET_FEATURES:
		u64 = vu.dev->host_features | VU_F_PROTOCOL_FEATURES;
		vu_reply(&h, &u64, 8);
		break;
	case VU_SET_FEATURES:
		vu.dev->guest_features = u64 & vu.dev->host_features;
		vu.protocol            = (u64 & VU_F_PROTOCOL_FEATURES) != 0;
		fprintf(stderr, "features %#llx\n", (unsigned long long)vu.dev->guest_features);
		break;
	case VU_GET_PROTOCOL_FEATURES:
		u64 = VU_PROTOCOL_F_CONFIG;
		vu_reply(&h, &u64, 8);
		break;
	case VU_SET_MEM_TABLE:
		vu_set_mem_table(p, fds, n_fds);
		n_fds = 0;
		break;
	case VU_SET_VRING_NUM:
		r->num = (uint16_t)num;
		break;
	case VU_SET_VRING_ADDR: {
		uint64_t a[3];
		memcpy(a, p + 8, 24);
		r->desc_ua  = a[0];
		r->used_ua  = a[1];
		r->avail_ua = a[2];
		break;
	}
	case VU_SET_VRING_BASE:
		r->base = (uint16_t)num;
		break;
	case VU_GET_VRING_BASE:
		pthread_mutex_lock(&vu.dev->lock);
		num = vu.dev->vq[idx].last_avail;
		pthread_mutex_unlock(&vu.dev->lock);
		if (r->watch >= 0)
			loop_del_fd(vu.loop, r->watch);
		if (r->kick >= 0)
			close(r->kick);
		r->kick  = -1;
		r->watch = -1;
		vu_ring_update(idx);
		memcpy(p + 4, &num, 4);
		vu_reply(&h, p, 8);
		break;
	case VU_SET_VRING_KICK:
	case VU_SET_VRING_CALL:
	case VU_SET_VRING_ERR: {
		unsigned q  = (unsigned)(u64 & 0xff);
		int      nf = (u64 & 0x100) || n_fds < 1 ? -1 : fds[0];
		n_fds       = 0;
		if (q >= VIRTIO_MAX_QUEUES) {
			if (nf >= 0)
				close(nf);
			break;
		}
		if (h.request == VU_SET_VRING_ERR) {
			if (nf >= 0)
				close(nf);
		} else if (h.request == VU_SET_VRING_CALL) {
			vu.ring[q].call = nf;
		} else {
			struct cerr e;
			if (vu.ring[q].watch >= 0)
				loop_del_fd(vu.loop, vu.ring[q].watch);
			if (vu.ring[q].kick >= 0)
				close(vu.ring[q].kick);
			vu.ring[q].kick  = nf;
			vu.ring[q].watch = loop_add_fd(vu.loop, nf, POLLIN, vu_kick,
						       (void *)(uintptr_t)q, &e);
			vu_ring_update(q);
		}
		break;
	}
	case VU_SET_VRING_ENABLE:
		r->enabled = num != 0;
		vu_ring_update(idx);
		break;
	case VU_GET_CONFIG: {
		uint32_t off, size;
		memcpy(&off, p, 4);
		memcpy(&size, p + 4, 4);
		memset(p + 12, 0, sizeof(p) - 12);
		if (off < vu.dev->config_len && size <= sizeof(p) - 12)
			memcpy(p + 12, vu.dev->config + off,
			       size < vu.dev->config_len - off ? size : vu.dev->config_len - off);
		vu_reply(&h, p, 12 + (size <= sizeof(p) - 12 ? size : 0));
		break;
	}
	default:
		break; /* SET_OWNER, RESET_OWNER, SET_PROTOCOL_FEATURES, SET_CONFIG... */
	}
	for (int i = 0; i < n_fds; i++)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	struct cerr e;
	int         r = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: vhost-user-backend SOCKET blk IMAGE|rng|net-user [HOSTFWD]\n");
		return 2;
	}
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vu.ring[q] = (struct vu_ring){ .kick = -1, .call = -1, .watch = -1 };
	if (loop_new(&vu.loop, &e) < 0)
		goto out;
	struct vm_net net = { .kind = VM_NET_USER };
	if (argc > 3 && !strcmp(argv[2], "net-user")) {
		net.hostfwd[0] = argv[3];
		net.n_hostfwd  = 1;
	}
	if (!strcmp(argv[2], "blk") && argc > 3)
		r = virtio_blk_new(&vu.dev, argv[3], false, &vu.mem, &e);
	else if (!strcmp(argv[2], "rng"))
		r = virtio_rng_new(&vu.dev, &vu.mem, &e);
	else if (!strcmp(argv[2], "net-user"))
		r = virtio_net_new(&vu.dev, &net, vu.loop, &vu.mem, &e);
	else
		cerr_set(&e, EINVAL, "unknown device `%s`", argv[2]);
	if (r < 0)
		goto out;
	vu.dev->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
	vu.dev->irq    = (struct irq_line){ .set = vu_irq };

	int                ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		r = cerr_set(&e, errno, "listen on `%s`", argv[1]);
		goto out;
	}
	vu.conn = accept(ls, NULL, NULL);
	close(ls);
	if (vu.conn < 0) {
		r = cerr_set(&e, errno, "accept");
		goto out;
	}
	if (loop_add_fd(vu.loop, vu.conn, POLLIN, vu_message, NULL, &e) < 0)
		goto out;
	while (!vu.done)
		loop_run_once(vu.loop, 1000);
	r = 0;
out:
	if (r < 0)
		fprintf(stderr, "vhost-user-backend: %s\n", e.msg);
	if (vu.dev)
		virtio_dev_free(vu.dev);
	loop_free(vu.loop);
	for (int i = 0; i < vu.n_regions; i++)
		munmap(vu.region[i].map, vu.region[i].map_len);
	return r < 0 ? 1 : 0;
}
