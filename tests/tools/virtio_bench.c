/* Micro-benchmark of the device layer without a guest: requests per second through the
 * virtio-mmio register path (kick → pop → device → push → interrupt), with the fake driver of
 * tests/unit/virtio_guest.h. Run by bench/virtio.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../unit/virtio_guest.h"
#include "hw/virtio/devices.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n blk requests of len bytes each (IN), one kick per request; returns requests/s. */
static double blk_run(struct vguest *g, unsigned n, uint32_t len, uint64_t sectors)
{
	uint64_t hdr = vg_alloc(g, 16), data = vg_alloc(g, len), st = vg_alloc(g, 1);
	double   t0  = now();
	for (unsigned i = 0; i < n; i++) {
		uint64_t sector = (uint64_t)i * (len / 512) % (sectors - len / 512);
		uint32_t h[4]   = { 0, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
		memcpy(vg_ptr(g, hdr), h, 16);
		struct vg_buf b[] = { { hdr, 16, false }, { data, len, true }, { st, 1, true } };
		vg_add(g, 0, b, 3);
		vg_kick(g, 0);
		if (!vg_used(g, 0, NULL, NULL) || *(uint8_t *)vg_ptr(g, st) != 0) {
			fprintf(stderr, "virtio-bench: request failed\n");
			exit(1);
		}
		vg_ack(g);
	}
	return n / (now() - t0);
}

int main(void)
{
	char               img[] = "/tmp/cella-bench-XXXXXX";
	struct vguest      g;
	struct virtio_dev *d;
	struct cerr        e;
	int                fd = mkstemp(img);
	uint64_t           size = 64ULL << 20;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return 1;
	close(fd);
	vg_init(&g);
	if (virtio_blk_new(&d, img, false, &g.mem, &e) < 0) {
		fprintf(stderr, "virtio-bench: %s\n", e.msg);
		return 1;
	}
	vg_attach(&g, d);
	if (!vg_start(&g, VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC, 1, 256))
		return 1;
	blk_run(&g, 2000, 4096, size / 512);           /* warm the page cache */
	double small = blk_run(&g, 200000, 4096, size / 512);
	double big   = blk_run(&g, 4000, 65536, size / 512);
	printf("blk_4k_read_iops %.0f\n", small);
	printf("blk_64k_read_mib_s %.0f\n", big * 65536 / (1 << 20));
	vg_fini(&g);
	unlink(img);

	vg_init(&g);
	if (virtio_rng_new(&d, &g.mem, &e) < 0)
		return 1;
	vg_attach(&g, d);
	if (!vg_start(&g, VIRTIO_F_EVENT_IDX, 1, 64))
		return 1;
	uint64_t buf = vg_alloc(&g, 64);
	double   t0  = now();
	unsigned n   = 200000;
	for (unsigned i = 0; i < n; i++) {
		struct vg_buf b = { buf, 16, true };
		vg_add(&g, 0, &b, 1);
		vg_kick(&g, 0);
		vg_used(&g, 0, NULL, NULL);
		vg_ack(&g);
	}
	printf("rng_16b_requests_s %.0f\n", n / (now() - t0));
	vg_fini(&g);
	return 0;
}
