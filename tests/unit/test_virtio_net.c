/* Unit tests for virtio-net (src/hw/virtio/net*.c) and the device factory (devices.c): a
 * DHCP DISCOVER sent on the transmit queue gets libslirp's OFFER of 10.0.2.15 on the receive
 * queue, hostfwd parsing and listening, the tap backend's errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "hw/virtio/devices.h"
#include "hw/virtio/net.h"
#include "virtio_guest.h"

static void net_hostfwd_parsing(void)
{
	struct net_hostfwd f;
	struct cerr        e;
	char               a[INET_ADDRSTRLEN];
	CHECK_INT(net_hostfwd_parse("tcp::2222-:22", &f, &e), 0);
	CHECK(!f.udp);
	CHECK_INT(f.host_port, 2222);
	CHECK_INT(f.guest_port, 22);
	CHECK_INT(f.host_addr.s_addr, htonl(INADDR_ANY));
	CHECK_STR(inet_ntop(AF_INET, &f.guest_addr, a, sizeof(a)), "10.0.2.15");
	CHECK_INT(net_hostfwd_parse("udp:127.0.0.1:5353-10.0.2.20:53", &f, &e), 0);
	CHECK(f.udp);
	CHECK_STR(inet_ntop(AF_INET, &f.host_addr, a, sizeof(a)), "127.0.0.1");
	CHECK_STR(inet_ntop(AF_INET, &f.guest_addr, a, sizeof(a)), "10.0.2.20");
	CHECK_INT(net_hostfwd_parse("::8080-:80", &f, &e), 0);  /* protocol left out: tcp */
	static const char *bad[] = { "tcp:2222:22", "sctp::1-:2", "tcp::99999-:22", "tcp::22-:",
				     "tcp::x-:22", "tcp:1.2.3:22-:22", "", "tcp::22-:0" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(net_hostfwd_parse(bad[i], &f, &e), -1);
		CHECK(e.usage);
		CHECK(strstr(e.msg, "hostfwd") != NULL);
	}
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet + IPv4 + UDP + BOOTP DHCPDISCOVER from 52:54:00:12:34:56; returns the length. */
static size_t dhcp_discover(uint8_t *f)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	size_t               bootp = 300, udp = 8 + bootp, ip = 20 + udp;
	memset(f, 0, 14 + ip);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	uint8_t *h = f + 14;
	h[0] = 0x45;
	h[2] = (uint8_t)(ip >> 8);
	h[3] = (uint8_t)ip;
	h[8] = 64;
	h[9] = 17;
	memset(h + 16, 0xff, 4);
	uint16_t c = ip_checksum(h, 20);
	h[10] = (uint8_t)(c >> 8);
	h[11] = (uint8_t)c;
	uint8_t *u = h + 20;
	u[1] = 68;
	u[3] = 67;
	u[4] = (uint8_t)(udp >> 8);
	u[5] = (uint8_t)udp;
	uint8_t *b = u + 8;
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	memcpy(b + 4, "\x12\x34\x56\x78", 4);
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	b[240] = 53;
	b[241] = 1;
	b[242] = 1;    /* DISCOVER */
	b[243] = 255;
	return 14 + ip;
}

static bool start_net(struct vguest *g, struct loop **l, const struct vm_net *cfg)
{
	struct virtio_dev *d;
	struct cerr        e;
	vg_init(g);
	if (loop_new(l, &e) < 0)
		return false;
	if (virtio_net_new(&d, cfg, *l, &g->mem, &e) < 0) {
		printf("  %s\n", e.msg);
		return false;
	}
	vg_attach(g, d);
	return vg_start(g, 0, 2, 64);
}

static void post_rx(struct vguest *g, int n)
{
	for (int i = 0; i < n; i++) {
		struct vg_buf b = { vg_alloc(g, 2048), 2048, true };
		vg_add(g, 0, &b, 1);
	}
	vg_kick(g, 0);
}

static void send_tx(struct vguest *g, const uint8_t *frame, size_t len)
{
	uint64_t hdr = vg_alloc(g, 12), data = vg_alloc(g, len);
	memcpy(vg_ptr(g, data), frame, len);
	struct vg_buf b[] = { { hdr, 12, false }, { data, (uint32_t)len, false } };
	vg_add(g, 1, b, 2);
	vg_kick(g, 1);
}

/* Wait (running the loop) for a received frame; returns its guest address or 0. */
static uint64_t wait_rx(struct vguest *g, struct loop *l, uint32_t *len)
{
	for (int i = 0; i < 50; i++) {
		uint32_t id;
		if (vg_used(g, 0, &id, len)) {
			struct virtq_desc *d = vg_ptr(g, g->q[0].desc + 16 * id);
			return d->addr;
		}
		loop_run_once(l, 20);
	}
	return 0;
}

static void net_dhcp_offer_for_10_0_2_15(void)
{
	struct vguest g;
	struct loop  *l;
	struct vm_net cfg = { .kind = VM_NET_USER };
	uint8_t       frame[512];
	uint32_t      len;
	CHECK(start_net(&g, &l, &cfg));
	CHECK_INT(vg_rd(&g, 0x008), 1);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x100, 1), 0x52);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x106, 2), 1);   /* link up */
	/* the discover goes out before any receive buffer exists: the offer waits */
	send_tx(&g, frame, dhcp_discover(frame));
	CHECK(vg_used(&g, 1, NULL, NULL));
	post_rx(&g, 8);
	uint64_t at = wait_rx(&g, l, &len);
	CHECK(at != 0);
	uint8_t *f = vg_ptr(&g, at) + 12;   /* past the virtio-net header */
	CHECK(len > 12 + 14 + 20 + 8 + 240);
	CHECK_INT(f[12], 0x08);
	CHECK_INT(f[13], 0x00);
	CHECK_INT(f[14 + 9], 17);                       /* UDP */
	uint8_t *u = f + 14 + (f[14] & 15) * 4;
	CHECK_INT(u[3], 68);                            /* to the DHCP client port */
	uint8_t *b = u + 8;
	CHECK_INT(b[0], 2);                             /* BOOTREPLY */
	char ip[INET_ADDRSTRLEN];
	CHECK_STR(inet_ntop(AF_INET, b + 16, ip, sizeof(ip)), "10.0.2.15");
	bool offer = false;
	for (uint8_t *o = b + 240; o < f + (len - 12) && *o != 255; o += o[0] ? 2 + o[1] : 1)
		if (o[0] == 53 && o[2] == 2)
			offer = true;
	CHECK(offer);
	CHECK(g.irq_raises > 0);
	vg_fini(&g);
	loop_free(l);
}

static void net_hostfwd_listens_and_reaches_the_guest(void)
{
	struct vguest g;
	struct loop  *l;
	char          spec[64];
	uint16_t      port = 0;
	struct vm_net cfg  = { .kind = VM_NET_USER, .hostfwd = { spec }, .n_hostfwd = 1 };
	uint32_t      len;
	bool          up = false;
	/* a free port: try a few, another program may hold one */
	for (int i = 0; i < 20 && !up; i++) {
		port = (uint16_t)(20000 + (getpid() + i * 7919) % 20000);
		snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u-:22", port);
		up = start_net(&g, &l, &cfg);
		if (!up) {   /* the port was taken: virtio_net_new failed, nothing else made */
			free(g.ram);
			loop_free(l);
		}
	}
	CHECK(up);
	post_rx(&g, 8);
	int                s  = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	CHECK(r == 0 || errno == EINPROGRESS);
	/* slirp accepts and calls the guest: an ARP for 10.0.2.15 or the SYN itself */
	uint64_t at = wait_rx(&g, l, &len);
	CHECK(at != 0);
	uint8_t *f = vg_ptr(&g, at) + 12;
	CHECK((f[12] == 0x08 && f[13] == 0x06) || (f[12] == 0x08 && f[13] == 0x00));
	close(s);
	/* the same port again: a clear error */
	struct virtio_dev *d2;
	struct cerr        e;
	CHECK_INT(virtio_net_new(&d2, &cfg, l, &g.mem, &e), -1);
	CHECK(strstr(e.msg, spec) != NULL);
	vg_fini(&g);
	loop_free(l);
}

/* Odd but legal chains: a transmit shorter than its header, a receive buffer too small for
 * a frame. Neither breaks the device. */
static void net_odd_buffers(void)
{
	struct vguest g;
	struct loop  *l;
	struct vm_net cfg = { .kind = VM_NET_USER };
	uint8_t       frame[512];
	uint32_t      len;
	CHECK(start_net(&g, &l, &cfg));
	send_tx(&g, frame, 0);                   /* header only */
	CHECK(vg_used(&g, 1, NULL, &len));
	uint64_t      hdr = vg_alloc(&g, 4);
	struct vg_buf b   = { hdr, 4, false };   /* not even a header */
	vg_add(&g, 1, &b, 1);
	vg_kick(&g, 1);
	CHECK(vg_used(&g, 1, NULL, NULL));
	struct vg_buf small = { vg_alloc(&g, 64), 64, true };
	vg_add(&g, 0, &small, 1);
	vg_kick(&g, 0);
	send_tx(&g, frame, dhcp_discover(frame)); /* the offer cannot fit 64 bytes */
	uint64_t at = wait_rx(&g, l, &len);
	CHECK(at != 0);
	CHECK_INT(len, 0);
	CHECK(((struct virtio_net *)g.dev)->rx_dropped > 0);
	CHECK_INT(vg_rd(&g, 0x70), 0xf);
	vg_fini(&g);
	loop_free(l);
}

static void net_tap_errors_are_clear(void)
{
	struct guest_mem   m = { 0 };
	struct virtio_dev *d;
	struct loop       *l;
	struct cerr        e;
	CHECK_INT(loop_new(&l, &e), 0);
	struct vm_net cfg = { .kind = VM_NET_TAP, .tap = "a-name-much-too-long-for-linux" };
	CHECK_INT(virtio_net_new(&d, &cfg, l, &m, &e), -1);
	CHECK(e.usage);
	cfg.tap = "cellatst0";
	if (virtio_net_new(&d, &cfg, l, &m, &e) == 0) {
		virtio_dev_free(d);       /* allowed here (root with /dev/net/tun) */
	} else {
		CHECK(strstr(e.msg, "tap `cellatst0`") != NULL);
	}
	loop_free(l);
}

static void factory_builds_every_device(void)
{
	struct guest_mem      m = { 0 };
	struct virtio_devices set;
	struct cerr           e;
	char img[] = "/tmp/cella-fac-XXXXXX", dir[] = "/tmp/cella-facd-XXXXXX";
	char con[64];
	int  fd = mkstemp(img);
	CHECK(fd >= 0);
	CHECK_INT(ftruncate(fd, 4096), 0);
	close(fd);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(con, sizeof(con), "%s/console.out", dir);
	struct vm_config cfg = {
		.drive = { { .file = img } }, .n_drives = 1,
		.net = { { .kind = VM_NET_USER } }, .n_nets = 1,
		.share = { { .dir = dir, .tag = "share" } }, .n_shares = 1,
		.rng = true, .console_file = con,
	};
	CHECK_INT(virtio_devices_create(&set, &cfg, &m, &e), 0);
	CHECK_INT(set.n, 5);
	CHECK_STR(set.slot[0].name, "virtio-blk0");
	CHECK_STR(set.slot[1].name, "virtio-net0");
	CHECK_STR(set.slot[2].name, "virtio-9p0");
	CHECK_STR(set.slot[3].name, "virtio-rng0");
	CHECK_STR(set.slot[4].name, "virtio-console0");
	CHECK(set.slot[0].ops == &virtio_mmio_ops);
	CHECK_INT(set.slot[0].size, 0x200);
	CHECK_INT(set.slot[3].ops->read(set.slot[3].opaque, 0x8, 4), 4);
	CHECK_INT(virtio_devices_start(&set, &e), 0);
	virtio_devices_free(&set);
	CHECK_INT(access(con, F_OK), 0);
	/* a bad drive: a clear error, nothing left behind (the sanitizer build checks leaks) */
	cfg.drive[0].file = "/nonexistent.img";
	CHECK_INT(virtio_devices_create(&set, &cfg, &m, &e), -1);
	CHECK(strstr(e.msg, "/nonexistent.img") != NULL);
	cfg.drive[0].file = img;
	cfg.share[0].dir  = "/nonexistent-dir";
	CHECK_INT(virtio_devices_create(&set, &cfg, &m, &e), -1);
	CHECK(strstr(e.msg, "/nonexistent-dir") != NULL);
	unlink(img);
	unlink(con);
	rmdir(dir);
}

int main(void)
{
	check_suite = "virtio_net";
	RUN(net_hostfwd_parsing);
	RUN(net_dhcp_offer_for_10_0_2_15);
	RUN(net_hostfwd_listens_and_reaches_the_guest);
	RUN(net_odd_buffers);
	RUN(net_tap_errors_are_clear);
	RUN(factory_builds_every_device);
	return check_failed_count != 0;
}
