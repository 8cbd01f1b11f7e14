/* Unit tests for virtio-blk (src/hw/virtio/blk.c) on a temporary raw image: read, write,
 * flush, get-ID, read-only, capacity, requests beyond the end and malformed requests. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "hw/virtio/devices.h"
#include "virtio_guest.h"

#define IMG_SECTORS 64

static char img_path[64];

static void make_image(void)
{
	strcpy(img_path, "/tmp/cella-blk-XXXXXX");
	int fd = mkstemp(img_path);
	for (int s = 0; s < IMG_SECTORS; s++) {
		uint8_t sec[512];
		memset(sec, 'a' + s % 26, sizeof(sec));
		if (write(fd, sec, sizeof(sec)) != sizeof(sec))
			abort();
	}
	close(fd);
}

static bool start_blk(struct vguest *g, bool readonly)
{
	struct virtio_dev *d;
	struct cerr        e;
	vg_init(g);
	if (virtio_blk_new(&d, img_path, readonly, &g->mem, &e) < 0) {
		printf("  %s\n", e.msg);
		return false;
	}
	vg_attach(g, d);
	return vg_start(g, 0, 1, 16);
}

/* One request: header, optional data (out or in), status; returns the status byte and puts
 * the used length in *used_len. */
static int blk_req(struct vguest *g, uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
		   bool data_in, uint32_t *used_len)
{
	uint64_t hdr = vg_alloc(g, 16), st = vg_alloc(g, 1);
	uint32_t h[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };
	memcpy(vg_ptr(g, hdr), h, 16);
	*(uint8_t *)vg_ptr(g, st) = 0xee;
	struct vg_buf b[3];
	unsigned      n = 0;
	b[n++] = (struct vg_buf){ hdr, 16, false };
	if (len)
		b[n++] = (struct vg_buf){ data, len, data_in };
	b[n++] = (struct vg_buf){ st, 1, true };
	vg_add(g, 0, b, n);
	vg_kick(g, 0);
	if (!vg_used(g, 0, NULL, used_len))
		return -1;
	return *(uint8_t *)vg_ptr(g, st);
}

static void file_sector(int s, uint8_t *buf)
{
	int fd = open(img_path, O_RDONLY);
	if (pread(fd, buf, 512, s * 512) != 512)
		memset(buf, 0, 512);
	close(fd);
}

static void blk_reads_writes_and_flushes(void)
{
	struct vguest g;
	uint32_t      ul;
	uint8_t       sec[512];
	make_image();
	CHECK(start_blk(&g, false));
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x100, 8), IMG_SECTORS);   /* capacity */
	CHECK_INT(vg_rd(&g, 0x008), 2);
	uint64_t buf = vg_alloc(&g, 1024);
	CHECK_INT(blk_req(&g, 0, 3, buf, 1024, true, &ul), 0);
	CHECK_INT(ul, 1025);
	CHECK_INT(((uint8_t *)vg_ptr(&g, buf))[0], 'd');
	CHECK_INT(((uint8_t *)vg_ptr(&g, buf))[1023], 'e');
	memset(vg_ptr(&g, buf), 'Z', 512);
	CHECK_INT(blk_req(&g, 1, 5, buf, 512, false, &ul), 0);
	CHECK_INT(ul, 1);
	file_sector(5, sec);
	CHECK_INT(sec[0], 'Z');
	CHECK_INT(sec[511], 'Z');
	file_sector(6, sec);
	CHECK_INT(sec[0], 'g');
	CHECK_INT(blk_req(&g, 4, 0, 0, 0, false, &ul), 0);                  /* flush */
	/* the last sector is fine, one past it is not */
	CHECK_INT(blk_req(&g, 0, IMG_SECTORS - 1, buf, 512, true, &ul), 0);
	CHECK_INT(blk_req(&g, 0, IMG_SECTORS, buf, 512, true, &ul), 1);
	CHECK_INT(blk_req(&g, 1, IMG_SECTORS - 1, buf, 1024, false, &ul), 1);
	CHECK_INT(blk_req(&g, 0, UINT64_MAX / 256, buf, 512, true, &ul), 1); /* overflow */
	CHECK_INT(blk_req(&g, 0, 0, buf, 100, true, &ul), 1);               /* not sectors */
	CHECK_INT(blk_req(&g, 77, 0, buf, 512, true, &ul), 2);              /* unsupported */
	CHECK_INT(vg_rd(&g, 0x70), 0xf);
	vg_fini(&g);
	unlink(img_path);
}

static void blk_get_id_returns_serial(void)
{
	struct vguest g;
	uint32_t      ul;
	make_image();
	CHECK(start_blk(&g, false));
	uint64_t buf = vg_alloc(&g, 20);
	CHECK_INT(blk_req(&g, 8, 0, buf, 20, true, &ul), 0);
	CHECK_INT(ul, 21);
	CHECK(memcmp(vg_ptr(&g, buf), "cella-blk-", 10) == 0);
	vg_fini(&g);
	unlink(img_path);
}

static void blk_read_only_refuses_writes(void)
{
	struct vguest g;
	uint32_t      ul;
	uint8_t       sec[512];
	make_image();
	CHECK(start_blk(&g, true));
	CHECK(vg_rd(&g, 0x10) & (1u << 5));                                 /* F_RO offered */
	uint64_t buf = vg_alloc(&g, 512);
	memset(vg_ptr(&g, buf), 'Q', 512);
	CHECK_INT(blk_req(&g, 1, 2, buf, 512, false, &ul), 1);
	file_sector(2, sec);
	CHECK_INT(sec[0], 'c');
	CHECK_INT(blk_req(&g, 0, 2, buf, 512, true, &ul), 0);
	CHECK_INT(((uint8_t *)vg_ptr(&g, buf))[0], 'c');
	vg_fini(&g);
	unlink(img_path);
}

static void blk_malformed_request_needs_reset(void)
{
	struct vguest g;
	make_image();
	CHECK(start_blk(&g, false));
	uint64_t      hdr = vg_alloc(&g, 16);
	struct vg_buf b[] = { { hdr, 8, false }, { hdr + 8, 1, true } };     /* short header */
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK(!vg_used(&g, 0, NULL, NULL));
	CHECK(vg_rd(&g, 0x70) & VIRTIO_STATUS_NEEDS_RESET);
	vg_fini(&g);
	unlink(img_path);
}

static void blk_bad_files_are_clear_errors(void)
{
	struct guest_mem   m = { 0 };
	struct virtio_dev *d;
	struct cerr        e;
	CHECK_INT(virtio_blk_new(&d, "/nonexistent/disk.img", false, &m, &e), -1);
	CHECK(strstr(e.msg, "/nonexistent/disk.img") != NULL);
	CHECK_INT(virtio_blk_new(&d, "/tmp", false, &m, &e), -1);
	/* one writer per image */
	make_image();
	CHECK_INT(virtio_blk_new(&d, img_path, false, &m, &e), 0);
	struct virtio_dev *d2;
	CHECK_INT(virtio_blk_new(&d2, img_path, false, &m, &e), -1);
	CHECK(strstr(e.msg, "in use") != NULL);
	virtio_dev_free(d);
	unlink(img_path);
}

/* The register sequence of Linux's virtio_mmio driver (probe, virtio_blk's config reads,
 * find_vqs, del_vqs, reset), step by step. */
static void blk_linux_mmio_sequence(void)
{
	struct vguest      g;
	struct virtio_dev *d;
	struct cerr        e;
	uint32_t           len;
	make_image();
	vg_init(&g);
	CHECK_INT(virtio_blk_new(&d, img_path, false, &g.mem, &e), 0);
	vg_attach(&g, d);
	CHECK_INT(vg_rd(&g, 0x000), 0x74726976);
	CHECK_INT(vg_rd(&g, 0x004), 2);
	CHECK_INT(vg_rd(&g, 0x008), 2);
	vg_rd(&g, 0x00c);
	vg_wr(&g, 0x070, 0);                                  /* reset */
	vg_wr(&g, 0x070, 1);
	vg_wr(&g, 0x070, 3);
	vg_wr(&g, 0x014, 1);
	uint64_t f = (uint64_t)vg_rd(&g, 0x010) << 32;
	vg_wr(&g, 0x014, 0);
	f |= vg_rd(&g, 0x010);
	CHECK(f & VIRTIO_F_VERSION_1);
	CHECK(f & (1ULL << 9));                               /* FLUSH */
	vg_wr(&g, 0x024, 1);
	vg_wr(&g, 0x020, (uint32_t)(f >> 32));
	vg_wr(&g, 0x024, 0);
	vg_wr(&g, 0x020, (uint32_t)f);
	vg_wr(&g, 0x070, 0xb);
	CHECK_INT(vg_rd(&g, 0x070), 0xb);
	/* virtio_cread64: generation, two 32-bit halves, generation again */
	uint32_t gen = vg_rd(&g, 0x0fc);
	uint64_t cap = vg_rd(&g, 0x100) | (uint64_t)vg_rd(&g, 0x104) << 32;
	CHECK_INT(vg_rd(&g, 0x0fc), gen);
	CHECK_INT(cap, IMG_SECTORS);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x10c, 4), 1022);       /* seg_max */
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x114, 4), 512);        /* blk_size */
	vg_wr(&g, 0x0ac, 0);                                   /* no shared memory */
	CHECK_INT(vg_rd(&g, 0x0b0), 0xffffffff);
	CHECK_INT(vg_rd(&g, 0x0b4), 0xffffffff);
	vg_wr(&g, 0x030, 0);
	CHECK_INT(vg_rd(&g, 0x044), 0);                        /* not set up yet */
	CHECK_INT(vg_rd(&g, 0x034), 256);
	vg_queue_setup(&g, 0, 256);
	CHECK_INT(vg_rd(&g, 0x044), 1);
	vg_driver_ok(&g);
	CHECK_INT(vg_rd(&g, 0x070), 0xf);
	uint64_t hdr = vg_alloc(&g, 16), buf = vg_alloc(&g, 512), st = vg_alloc(&g, 1);
	struct vg_buf b[] = { { hdr, 16, false }, { buf, 512, true }, { st, 1, true } };
	vg_add(&g, 0, b, 3);
	vg_kick(&g, 0);
	/* vm_interrupt: read status, ack it, then look at the ring */
	CHECK_INT(g.irq_level, 1);
	uint32_t isr = vg_rd(&g, 0x060);
	vg_wr(&g, 0x064, isr);
	CHECK_INT(isr, 1);
	CHECK_INT(g.irq_level, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 513);
	/* del_vqs then reset */
	vg_wr(&g, 0x030, 0);
	vg_wr(&g, 0x044, 0);
	CHECK_INT(vg_rd(&g, 0x044), 0);
	vg_wr(&g, 0x070, 0);
	CHECK_INT(vg_rd(&g, 0x070), 0);
	CHECK_INT(vg_rd(&g, 0x060), 0);
	vg_fini(&g);
	unlink(img_path);
}

int main(void)
{
	check_suite = "virtio_blk";
	RUN(blk_reads_writes_and_flushes);
	RUN(blk_get_id_returns_serial);
	RUN(blk_read_only_refuses_writes);
	RUN(blk_malformed_request_needs_reset);
	RUN(blk_bad_files_are_clear_errors);
	RUN(blk_linux_mmio_sequence);
	return check_failed_count != 0;
}
