/* Unit tests for the virtio-mmio transport and split virtqueues (src/hw/virtio/mmio.c,
 * virtq.c), driven like a guest driver through a small echo device defined here; includes the
 * hostile-driver cases: loops, long chains, addresses outside RAM, bad sizes, bad registers. */
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/loop.h"

#include "check.h"
#include "virtio_guest.h"

/* An echo device: copies each chain's readable bytes into its writable part. */
struct echo {
	struct virtio_dev vdev;
	uint8_t           config[8];
	int               handled;
};

static void echo_notify(struct virtio_dev *d, unsigned q)
{
	struct echo       *ec = (struct echo *)d;
	struct virtq      *vq = &d->vq[q];
	struct virtq_elem *el = d->elem;
	uint8_t            buf[4096];
	int                r;

	while ((r = virtq_pop(d, vq, el)) == 1) {
		size_t n = iov_to_buf(el->iov, el->n_out, 0, buf, sizeof(buf));
		size_t w = iov_from_buf(el->iov + el->n_out, el->n_in, 0, buf, n);
		virtq_push(d, vq, el->head, (uint32_t)w);
		ec->handled++;
	}
	virtq_notify_guest(d, vq);
}

static void echo_destroy(struct virtio_dev *d)
{
	free(d);
}

static const struct virtio_dev_ops echo_ops = { .queue_notify = echo_notify,
						.destroy      = echo_destroy };

static struct echo *echo_new(struct vguest *g)
{
	struct echo *ec = calloc(1, sizeof(*ec));
	struct cerr  e;
	memcpy(ec->config, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	if (virtio_dev_init(&ec->vdev, "echo", 42, &echo_ops, 2, 64, 1ULL << 3, ec->config, 8,
			    &g->mem, &e) < 0)
		abort();
	vg_attach(g, &ec->vdev);
	return ec;
}

static uint32_t status(struct vguest *g)
{
	return vg_rd(g, 0x70);
}

static void mmio_identifies_itself(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK_INT(vg_rd(&g, 0x000), 0x74726976);
	CHECK_INT(vg_rd(&g, 0x004), 2);
	CHECK_INT(vg_rd(&g, 0x008), 42);
	vg_wr(&g, 0x14, 1);
	CHECK_INT(vg_rd(&g, 0x10) & 1, 1);                 /* VERSION_1 (bit 32) */
	vg_wr(&g, 0x14, 0);
	CHECK_INT(vg_rd(&g, 0x10) & ((1u << 28) | (1u << 29) | 8), (1u << 28) | (1u << 29) | 8);
	vg_wr(&g, 0x30, 1);
	CHECK_INT(vg_rd(&g, 0x34), 64);
	CHECK_INT(vg_rd(&g, 0x38), 64);                    /* QueueNum defaults to the max */
	vg_wr(&g, 0x30, 2);
	CHECK_INT(vg_rd(&g, 0x34), 0);                     /* no such queue */
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x100, 1), 0x11);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x102, 2), 0x4433);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x100, 8), 0x8877665544332211ULL);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x106, 4), 0);   /* past the config space */
	vg_fini(&g);
}

static void mmio_negotiates_features(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK_INT(vg_negotiate(&g, 0) & VIRTIO_STATUS_FEATURES_OK, 0); /* no VERSION_1 */
	CHECK_INT(vg_negotiate(&g, VIRTIO_F_VERSION_1 | (1ULL << 40)) & VIRTIO_STATUS_FEATURES_OK,
		  0);                                                 /* not offered */
	CHECK_INT(vg_negotiate(&g, VIRTIO_F_VERSION_1 | 8) & VIRTIO_STATUS_FEATURES_OK,
		  VIRTIO_STATUS_FEATURES_OK);
	CHECK(virtio_has_feature(g.dev, 8));
	vg_wr(&g, 0x24, 0);
	vg_wr(&g, 0x20, 0);                                 /* after FEATURES_OK: ignored */
	CHECK(virtio_has_feature(g.dev, 8));
	vg_fini(&g);
}

static void mmio_ignores_read_only_and_odd_writes(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, 0, 1, 8));
	vg_wr(&g, 0x000, 0);
	vg_wr(&g, 0x004, 1);
	vg_wr(&g, 0x008, 7);
	vg_wr(&g, 0x034, 1);
	vg_wr(&g, 0x060, 3);
	vg_wr(&g, 0x0fc, 9);
	vg_wr(&g, 0x150, 9);                                /* past config */
	virtio_mmio_ops.write(g.dev, 0x070, 0, 1);          /* byte write to Status: ignored */
	virtio_mmio_ops.write(g.dev, 0x072, 0, 4);          /* misaligned */
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x000, 2), 0);
	CHECK_INT(vg_rd(&g, 0x000), 0x74726976);
	CHECK_INT(vg_rd(&g, 0x004), 2);
	CHECK_INT(vg_rd(&g, 0x008), 42);
	CHECK_INT(vg_rd(&g, 0x060), 0);
	CHECK_INT(status(&g), 0xf);
	/* queue addresses are fixed while the queue is live */
	vg_wr(&g, 0x30, 0);
	vg_wr(&g, 0x80, 0x1234);
	CHECK_INT(vg_rd(&g, 0x80), (uint32_t)g.q[0].desc);
	vg_wr(&g, 0x70, 0x1);                               /* clearing bits: ignored */
	CHECK_INT(status(&g), 0xf);
	vg_fini(&g);
}

static void virtq_echo_roundtrip_and_interrupt(void)
{
	struct vguest g;
	uint32_t      id, len;
	vg_init(&g);
	struct echo *ec = echo_new(&g);
	CHECK(vg_start(&g, 0, 1, 8));
	uint64_t out = vg_alloc(&g, 64), in = vg_alloc(&g, 64);
	memcpy(vg_ptr(&g, out), "hello", 5);
	struct vg_buf b[] = { { out, 3, false }, { out + 3, 2, false }, { in, 2, true },
			      { in + 2, 62, true } };
	uint16_t head = vg_add(&g, 0, b, 4);
	CHECK_INT(g.irq_level, 0);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, &id, &len));
	CHECK_INT(id, head);
	CHECK_INT(len, 5);
	CHECK(memcmp(vg_ptr(&g, in), "hello", 5) == 0);
	CHECK_INT(g.irq_level, 1);
	CHECK_INT(vg_ack(&g), VIRTIO_INT_VRING);
	CHECK_INT(g.irq_level, 0);
	/* many rounds wrap the 16-bit indexes' low bits around the ring */
	for (int i = 0; i < 40; i++) {
		struct vg_buf c[] = { { out, 5, false }, { in, 5, true } };
		vg_add(&g, 0, c, 2);
		vg_kick(&g, 0);
		CHECK(vg_used(&g, 0, NULL, &len));
		CHECK_INT(len, 5);
	}
	CHECK_INT(ec->handled, 41);
	/* a zero-length buffer is fine */
	struct vg_buf z[] = { { out, 0, false }, { in, 0, true } };
	vg_add(&g, 0, z, 2);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 0);
	CHECK_INT(status(&g), 0xf);
	vg_fini(&g);
}

static void virtq_indirect_descriptors(void)
{
	struct vguest g;
	uint32_t      len;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, VIRTIO_F_INDIRECT_DESC, 1, 8));
	uint64_t out = vg_alloc(&g, 16), in = vg_alloc(&g, 16), tbl = vg_alloc(&g, 48);
	memcpy(vg_ptr(&g, out), "abcdef", 6);
	vg_write_desc(&g, tbl, 0, out, 4, VIRTQ_DESC_F_NEXT, 1);
	vg_write_desc(&g, tbl, 1, out + 4, 2, VIRTQ_DESC_F_NEXT, 2);
	vg_write_desc(&g, tbl, 2, in, 16, VIRTQ_DESC_F_WRITE, 0);
	vg_write_desc(&g, g.q[0].desc, 0, tbl, 48, VIRTQ_DESC_F_INDIRECT, 0);
	vg_publish(&g, 0, 0);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 6);
	CHECK(memcmp(vg_ptr(&g, in), "abcdef", 6) == 0);
	/* a loop inside the indirect table */
	vg_write_desc(&g, tbl, 2, in, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	vg_publish(&g, 0, 0);
	vg_kick(&g, 0);
	CHECK(!vg_used(&g, 0, NULL, NULL));
	CHECK(status(&g) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK(strstr(g.dev->broken, "loops") != NULL);
	vg_fini(&g);
}

static void virtq_indirect_needs_the_feature(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, 0, 1, 8));
	uint64_t tbl = vg_alloc(&g, 16), in = vg_alloc(&g, 16);
	vg_write_desc(&g, tbl, 0, in, 16, VIRTQ_DESC_F_WRITE, 0);
	vg_write_desc(&g, g.q[0].desc, 0, tbl, 16, VIRTQ_DESC_F_INDIRECT, 0);
	vg_publish(&g, 0, 0);
	vg_kick(&g, 0);
	CHECK(status(&g) & VIRTIO_STATUS_NEEDS_RESET);
	vg_fini(&g);
}

/* Each hostile chain: the device must flag NEEDS_RESET, raise a config interrupt, return
 * nothing, and work again after a reset. */
static int hostile_case(int which)
{
	struct vguest g;
	int           ok = 0;
	vg_init(&g);
	echo_new(&g);
	if (!vg_start(&g, VIRTIO_F_INDIRECT_DESC, 1, 8))
		goto out;
	uint64_t buf = vg_alloc(&g, 64), desc = g.q[0].desc;
	switch (which) {
	case 0: /* a two-descriptor loop */
		vg_write_desc(&g, desc, 0, buf, 8, VIRTQ_DESC_F_NEXT, 1);
		vg_write_desc(&g, desc, 1, buf, 8, VIRTQ_DESC_F_NEXT, 0);
		vg_publish(&g, 0, 0);
		break;
	case 1: /* buffer outside RAM */
		vg_write_desc(&g, desc, 0, 0x1000, 8, 0, 0);
		vg_publish(&g, 0, 0);
		break;
	case 2: /* huge length running past the end of RAM */
		vg_write_desc(&g, desc, 0, buf, 0xffffffff, VIRTQ_DESC_F_WRITE, 0);
		vg_publish(&g, 0, 0);
		break;
	case 3: /* next beyond the table */
		vg_write_desc(&g, desc, 0, buf, 8, VIRTQ_DESC_F_NEXT, 200);
		vg_publish(&g, 0, 0);
		break;
	case 4: /* head beyond the table */
		vg_publish(&g, 0, 9);
		break;
	case 5: /* avail index far ahead of the queue size */
		vg_write_desc(&g, desc, 0, buf, 8, 0, 0);
		((struct virtq_avail *)vg_ptr(&g, g.q[0].avail))->idx = 100;
		break;
	case 6: /* readable after writable */
		vg_write_desc(&g, desc, 0, buf, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
		vg_write_desc(&g, desc, 1, buf, 8, 0, 0);
		vg_publish(&g, 0, 0);
		break;
	case 7: /* indirect table with a bad length */
		vg_write_desc(&g, desc, 0, buf, 17, VIRTQ_DESC_F_INDIRECT, 0);
		vg_publish(&g, 0, 0);
		break;
	case 8: /* indirect table outside RAM */
		vg_write_desc(&g, desc, 0, VG_RAM_BASE + VG_RAM_SIZE - 16, 32,
			      VIRTQ_DESC_F_INDIRECT, 0);
		vg_publish(&g, 0, 0);
		break;
	case 9: /* nested indirect */
		vg_write_desc(&g, buf, 0, buf, 16, VIRTQ_DESC_F_INDIRECT, 0);
		vg_write_desc(&g, desc, 0, buf, 16, VIRTQ_DESC_F_INDIRECT, 0);
		vg_publish(&g, 0, 0);
		break;
	}
	vg_kick(&g, 0);
	if (vg_used(&g, 0, NULL, NULL))
		goto out;
	if (!(status(&g) & VIRTIO_STATUS_NEEDS_RESET) || !(vg_rd(&g, 0x60) & VIRTIO_INT_CONFIG) ||
	    g.irq_level != 1)
		goto out;
	vg_kick(&g, 0); /* kicks while broken are ignored */
	/* reset and use it again */
	memset(g.q, 0, sizeof(g.q));
	if (!vg_start(&g, 0, 1, 8) || g.irq_level != 0)
		goto out;
	uint32_t len;
	struct vg_buf b[] = { { buf, 4, false }, { buf + 8, 4, true } };
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	ok = vg_used(&g, 0, NULL, &len) && len == 4;
out:
	vg_fini(&g);
	return ok;
}

static void virtq_hostile_chains_need_reset(void)
{
	for (int i = 0; i <= 9; i++) {
		if (!hostile_case(i))
			printf("  hostile case %d\n", i);
		CHECK(hostile_case(i));
	}
}

static void virtq_long_chain_through_indirect_is_bounded(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, VIRTIO_F_INDIRECT_DESC, 1, 8));
	/* a 64-entry indirect table whose last entry points back to the first */
	uint64_t tbl = vg_alloc(&g, 64 * 16), buf = vg_alloc(&g, 16);
	for (unsigned i = 0; i < 64; i++)
		vg_write_desc(&g, tbl, i, buf, 1, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % 64));
	vg_write_desc(&g, g.q[0].desc, 0, tbl, 64 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	vg_publish(&g, 0, 0);
	vg_kick(&g, 0);
	CHECK(status(&g) & VIRTIO_STATUS_NEEDS_RESET);
	vg_fini(&g);
}

static void mmio_bad_queue_setups(void)
{
	static const uint16_t sizes[] = { 0, 3, 12, 128, 1024 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct vguest g;
		vg_init(&g);
		echo_new(&g);
		CHECK(vg_negotiate(&g, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
		vg_queue_setup(&g, 0, sizes[i]);
		CHECK_INT(vg_rd(&g, 0x44), 0);
		CHECK(status(&g) & VIRTIO_STATUS_NEEDS_RESET);
		vg_fini(&g);
	}
	/* rings outside RAM; misaligned rings; queue before FEATURES_OK; DRIVER_OK without it */
	for (int which = 0; which < 4; which++) {
		struct vguest g;
		vg_init(&g);
		echo_new(&g);
		if (which == 2) {
			vg_wr(&g, 0x70, 3);
			vg_queue_setup(&g, 0, 8);
		} else if (which == 3) {
			vg_wr(&g, 0x70, 3);
			vg_wr(&g, 0x70, 7);
		} else {
			CHECK(vg_negotiate(&g, VIRTIO_F_VERSION_1) & VIRTIO_STATUS_FEATURES_OK);
			vg_wr(&g, 0x30, 0);
			vg_wr(&g, 0x38, 8);
			vg_wr(&g, 0x80, which == 0 ? 0x1000 : (uint32_t)VG_RAM_BASE + 8);
			vg_wr(&g, 0x84, 0);
			vg_wr(&g, 0x90, (uint32_t)VG_RAM_BASE + 0x4000);
			vg_wr(&g, 0xa0, (uint32_t)VG_RAM_BASE + 0x8000);
			vg_wr(&g, 0x44, 1);
		}
		CHECK(status(&g) & VIRTIO_STATUS_NEEDS_RESET);
		CHECK(vg_rd(&g, 0x60) & VIRTIO_INT_CONFIG);
		CHECK_INT(vg_rd(&g, 0x44), 0);
		vg_fini(&g);
	}
}

static void virtq_event_idx_suppresses_both_ways(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, VIRTIO_F_EVENT_IDX, 1, 8));
	uint64_t            buf   = vg_alloc(&g, 16);
	struct virtq_avail *avail = vg_ptr(&g, g.q[0].avail);
	struct virtq_used  *used  = vg_ptr(&g, g.q[0].used);
	uint16_t           *used_event  = &avail->ring[8];
	uint16_t           *avail_event = (uint16_t *)&used->ring[8];
	struct vg_buf       b[] = { { buf, 1, false }, { buf + 8, 1, true } };

	/* first completion always interrupts */
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK_INT(g.irq_raises, 1);
	CHECK_INT(*avail_event, 1);  /* the device asks to be kicked at the next buffer */
	vg_ack(&g);
	/* the driver wants an interrupt only after used idx passes 3 */
	*used_event = 3;
	for (int i = 0; i < 3; i++) {
		vg_add(&g, 0, b, 2);
		vg_kick(&g, 0);
	}
	CHECK_INT(used->idx, 4);
	CHECK_INT(g.irq_raises, 1 + 1); /* only the completion that made idx 4 interrupted */
	vg_ack(&g);
	*used_event = 100;
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK_INT(used->idx, 5);
	CHECK_INT(g.irq_raises, 2);
	vg_fini(&g);
}

static void virtq_no_interrupt_flag(void)
{
	struct vguest g;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, 0, 1, 8));
	uint64_t            buf   = vg_alloc(&g, 16);
	struct virtq_avail *avail = vg_ptr(&g, g.q[0].avail);
	struct vg_buf       b[]   = { { buf, 1, false }, { buf + 8, 1, true } };
	avail->flags              = VIRTQ_AVAIL_F_NO_INTERRUPT;
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, NULL));
	CHECK_INT(g.irq_raises, 0);
	avail->flags = 0;
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK_INT(g.irq_raises, 1);
	vg_fini(&g);
}

static void virtio_broken_device_leaves_others_working(void)
{
	struct vguest a, b;
	uint32_t      len;
	vg_init(&a);
	vg_init(&b);
	echo_new(&a);
	echo_new(&b);
	CHECK(vg_start(&a, 0, 1, 8));
	CHECK(vg_start(&b, 0, 1, 8));
	vg_write_desc(&a, a.q[0].desc, 0, 0, 8, 0, 0);
	vg_publish(&a, 0, 0);
	vg_kick(&a, 0);
	CHECK(status(&a) & VIRTIO_STATUS_NEEDS_RESET);
	uint64_t      buf = vg_alloc(&b, 16);
	struct vg_buf c[] = { { buf, 2, false }, { buf + 8, 2, true } };
	vg_add(&b, 0, c, 2);
	vg_kick(&b, 0);
	CHECK(vg_used(&b, 0, NULL, &len));
	CHECK_INT(len, 2);
	vg_fini(&a);
	vg_fini(&b);
}

struct kicker {
	struct vguest *g;
	int            n;
};

static void *kick_thread(void *arg)
{
	struct kicker *k = arg;
	for (int i = 0; i < k->n; i++)
		virtio_mmio_notify(k->g->dev, 0);
	return NULL;
}

/* An ioeventfd-style notifier thread racing register accesses must not lose or double
 * requests. */
static void virtio_notify_from_another_thread(void)
{
	struct vguest g;
	vg_init(&g);
	struct echo *ec = echo_new(&g);
	CHECK(vg_start(&g, VIRTIO_F_EVENT_IDX, 1, 64));
	uint64_t      buf = vg_alloc(&g, 16);
	struct kicker k   = { .g = &g, .n = 2000 };
	pthread_t     t;
	pthread_create(&t, NULL, kick_thread, &k);
	int done = 0;
	for (int i = 0; i < 500; i++) {
		struct vg_buf b[] = { { buf, 1, false }, { buf + 8, 1, true } };
		/* keep at most a queue's worth outstanding */
		while ((uint16_t)(g.q[0].avail_idx - g.q[0].used_seen) >= 32)
			if (vg_used(&g, 0, NULL, NULL))
				done++;
		pthread_mutex_lock(&g.dev->lock);  /* the driver side is one "vCPU" */
		pthread_mutex_unlock(&g.dev->lock);
		vg_add(&g, 0, b, 2);
		if (i % 7 == 0)
			vg_kick(&g, 0);
	}
	pthread_join(t, NULL);
	vg_kick(&g, 0);
	while (vg_used(&g, 0, NULL, NULL))
		done++;
	CHECK_INT(done, 500);
	CHECK_INT(ec->handled, 500);
	CHECK_INT(status(&g), 0xf);
	vg_fini(&g);
}

/* Random rings and random register writes: the device either serves or flags NEEDS_RESET,
 * never crashes (the sanitizer build checks every access), and works after a reset. */
static void virtio_fuzzed_rings_and_registers(void)
{
	struct vguest g;
	uint32_t      len;
	vg_init(&g);
	echo_new(&g);
	srand(42);
	for (int round = 0; round < 400; round++) {
		memset(g.q, 0, sizeof(g.q));
		CHECK(vg_start(&g, VIRTIO_F_INDIRECT_DESC | ((round & 1) ? VIRTIO_F_EVENT_IDX : 0),
			       1, 16));
		uint8_t *desc = vg_ptr(&g, g.q[0].desc);
		for (int i = 0; i < 16; i++) {
			struct virtq_desc d = {
				.addr  = (rand() & 3) ? VG_RAM_BASE + (uint64_t)(rand() % VG_RAM_SIZE)
						      : ((uint64_t)rand() << 32 | (uint64_t)rand()),
				.len   = (rand() & 3) ? (uint32_t)(rand() % 4096) : (uint32_t)rand(),
				.flags = (uint16_t)(rand() & 7),
				.next  = (uint16_t)((rand() & 7) ? rand() % 16 : rand()),
			};
			memcpy(desc + 16 * i, &d, sizeof(d));
		}
		struct virtq_avail *av = vg_ptr(&g, g.q[0].avail);
		for (int i = 0; i < 16; i++)
			av->ring[i] = (uint16_t)((rand() & 7) ? rand() % 16 : rand());
		av->idx = (uint16_t)((rand() & 3) ? rand() % 17 : rand());
		vg_kick(&g, 0);
		uint32_t st = vg_rd(&g, 0x70);
		CHECK(st == 0xf || st == (0xf | VIRTIO_STATUS_NEEDS_RESET));
	}
	for (int i = 0; i < 20000; i++) {
		uint64_t off  = (uint64_t)(rand() % 0x200);
		unsigned size = 1u << (rand() % 4);
		virtio_mmio_ops.write(g.dev, off & ~(uint64_t)(size - 1), (uint64_t)rand(), size);
		virtio_mmio_ops.read(g.dev, (uint64_t)(rand() % 0x200) & ~3ULL, 4);
	}
	CHECK_INT(vg_rd(&g, 0x000), 0x74726976);
	memset(g.q, 0, sizeof(g.q));
	CHECK(vg_start(&g, 0, 1, 8));
	uint64_t      buf = vg_alloc(&g, 16);
	struct vg_buf b[] = { { buf, 3, false }, { buf + 8, 3, true } };
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 3);
	vg_fini(&g);
}

/* The KVM monitor's path: QueueNotify lands on an eventfd the loop watches. */
static void virtio_notify_through_an_eventfd(void)
{
	struct vguest g;
	struct loop  *l;
	struct cerr   e;
	uint32_t      len;
	vg_init(&g);
	echo_new(&g);
	CHECK(vg_start(&g, 0, 2, 8));
	CHECK_INT(loop_new(&l, &e), 0);
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_INT(virtio_mmio_watch_notify(g.dev, l, fd, 0, &e), 0);
	CHECK_INT(virtio_mmio_watch_notify(g.dev, l, fd, 0, &e), -1);
	CHECK_INT(virtio_mmio_watch_notify(g.dev, l, fd, 7, &e), -1);
	uint64_t      buf = vg_alloc(&g, 16);
	struct vg_buf b[] = { { buf, 1, false }, { buf + 8, 1, true } };
	vg_add(&g, 0, b, 2);
	loop_run_once(l, 0);
	CHECK(!vg_used(&g, 0, NULL, NULL));
	uint64_t one = 1;
	CHECK_INT(write(fd, &one, 8), 8);
	loop_run_once(l, 100);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 1);
	vg_fini(&g);
	loop_free(l);
	close(fd);
}

int main(void)
{
	check_suite = "virtio_mmio";
	RUN(mmio_identifies_itself);
	RUN(mmio_negotiates_features);
	RUN(mmio_ignores_read_only_and_odd_writes);
	RUN(mmio_bad_queue_setups);
	RUN(virtq_echo_roundtrip_and_interrupt);
	RUN(virtq_indirect_descriptors);
	RUN(virtq_indirect_needs_the_feature);
	RUN(virtq_hostile_chains_need_reset);
	RUN(virtq_long_chain_through_indirect_is_bounded);
	RUN(virtq_event_idx_suppresses_both_ways);
	RUN(virtq_no_interrupt_flag);
	RUN(virtio_broken_device_leaves_others_working);
	RUN(virtio_notify_from_another_thread);
	RUN(virtio_notify_through_an_eventfd);
	RUN(virtio_fuzzed_rings_and_registers);
	return check_failed_count != 0;
}
