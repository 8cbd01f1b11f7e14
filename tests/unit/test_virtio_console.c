/* Unit tests for virtio-console and virtio-rng (src/hw/virtio/console.c, rng.c) and the event
 * loop they use (src/base/loop.c). */
#include <fcntl.h>
#include <unistd.h>

#include "base/loop.h"
#include "check.h"
#include "hw/virtio/devices.h"
#include "virtio_guest.h"

static void rng_fills_buffers(void)
{
	struct vguest      g;
	struct virtio_dev *d;
	struct cerr        e;
	uint32_t           len;
	vg_init(&g);
	CHECK_INT(virtio_rng_new(&d, &g.mem, &e), 0);
	vg_attach(&g, d);
	CHECK_INT(vg_rd(&g, 0x008), 4);
	CHECK(vg_start(&g, 0, 1, 8));
	uint64_t      buf = vg_alloc(&g, 256);
	struct vg_buf b[] = { { buf, 64, true }, { buf + 64, 192, true } };
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 256);
	int zeros = 0;
	for (int i = 0; i < 256; i++)
		zeros += ((uint8_t *)vg_ptr(&g, buf))[i] == 0;
	CHECK(zeros < 32);
	CHECK_INT(g.irq_level, 1);
	vg_fini(&g);
}

static void console_output_reaches_the_fd(void)
{
	struct vguest      g;
	struct virtio_dev *d;
	struct cerr        e;
	int                p[2];
	char               got[32] = { 0 };
	CHECK_INT(pipe(p), 0);
	vg_init(&g);
	CHECK_INT(virtio_console_new(&d, -1, p[1], true, NULL, &g.mem, &e), 0);
	vg_attach(&g, d);
	CHECK_INT(vg_rd(&g, 0x008), 3);
	CHECK(vg_start(&g, 0, 2, 8));
	uint64_t buf = vg_alloc(&g, 16);
	memcpy(vg_ptr(&g, buf), "hi there", 8);
	struct vg_buf b[] = { { buf, 3, false }, { buf + 3, 5, false } };
	vg_add(&g, 1, b, 2);
	vg_kick(&g, 1);
	CHECK(vg_used(&g, 1, NULL, NULL));
	CHECK_INT(read(p[0], got, sizeof(got)), 8);
	CHECK_STR(got, "hi there");
	vg_fini(&g);
	close(p[0]);
}

static void console_input_arrives_through_the_loop(void)
{
	struct vguest      g;
	struct virtio_dev *d;
	struct loop       *l;
	struct cerr        e;
	int                p[2];
	uint32_t           len;
	CHECK_INT(pipe(p), 0);
	CHECK_INT(loop_new(&l, &e), 0);
	vg_init(&g);
	CHECK_INT(virtio_console_new(&d, p[0], -1, true, l, &g.mem, &e), 0);
	vg_attach(&g, d);
	CHECK(vg_start(&g, 0, 2, 8));
	/* input before the guest posted a buffer waits in the device */
	CHECK_INT(write(p[1], "abc", 3), 3);
	loop_run_once(l, 100);
	CHECK(!vg_used(&g, 0, NULL, NULL));
	uint64_t      buf = vg_alloc(&g, 16);
	struct vg_buf b[] = { { buf, 2, true } };
	vg_add(&g, 0, b, 1);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 2);
	CHECK(memcmp(vg_ptr(&g, buf), "ab", 2) == 0);
	struct vg_buf c[] = { { buf + 8, 8, true } };
	vg_add(&g, 0, c, 1);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 1);
	CHECK_INT(*(char *)vg_ptr(&g, buf + 8), 'c');
	/* now on the loop's own thread */
	CHECK_INT(loop_start(l, &e), 0);
	vg_add(&g, 0, c, 1);
	vg_kick(&g, 0);
	CHECK_INT(write(p[1], "xyz", 3), 3);
	bool got = false;
	for (int i = 0; i < 200 && !got; i++) {
		pthread_mutex_lock(&g.dev->lock);
		got = vg_used(&g, 0, NULL, &len);
		pthread_mutex_unlock(&g.dev->lock);
		if (!got)
			usleep(5000);
	}
	CHECK(got);
	CHECK_INT(len, 3);
	CHECK(memcmp(vg_ptr(&g, buf + 8), "xyz", 3) == 0);
	loop_stop(l);
	vg_fini(&g);
	loop_free(l);
	close(p[1]);
}

static int timer_fires;

static void count_cb(void *opaque, int fd, short revents)
{
	char c;
	(void)opaque;
	(void)revents;
	if (read(fd, &c, 1) == 1)
		timer_fires++;
}

static void loop_watches_pause_and_remove(void)
{
	struct loop *l;
	struct cerr  e;
	int          p[2];
	CHECK_INT(pipe(p), 0);
	CHECK_INT(loop_new(&l, &e), 0);
	int w = loop_add_fd(l, p[0], POLLIN, count_cb, NULL, &e);
	CHECK(w >= 0);
	CHECK_INT(write(p[1], "ab", 2), 2);
	loop_run_once(l, 100);
	CHECK_INT(timer_fires, 1);
	loop_set_events(l, w, 0);
	loop_run_once(l, 10);
	CHECK_INT(timer_fires, 1);
	loop_set_events(l, w, POLLIN);
	loop_run_once(l, 100);
	CHECK_INT(timer_fires, 2);
	loop_del_fd(l, w);
	CHECK_INT(write(p[1], "c", 1), 1);
	loop_run_once(l, 10);
	CHECK_INT(timer_fires, 2);
	CHECK_INT(loop_start(l, &e), 0);
	loop_stop(l);   /* returns promptly: the wake-up reaches the sleeping thread */
	loop_free(l);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	check_suite = "virtio_console";
	RUN(rng_fills_buffers);
	RUN(console_output_reaches_the_fd);
	RUN(console_input_arrives_through_the_loop);
	RUN(loop_watches_pause_and_remove);
	return check_failed_count != 0;
}
