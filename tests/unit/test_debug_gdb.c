/* The GDB stub's machine-independent layer against a fake two-thread target: framing and
 * checksums, every command's replies, hostile packets (bad checksums, overlong, bad hex, huge
 * lengths, unknown commands), and the server over a real socket: acks, no-ack mode, Ctrl-C,
 * a thread's own stop, the machine's exit, and addresses already in use. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "debug/gdb.h"
#include "debug/gdb_proto.h"
#include "debug/gdb_session.h"

/* ---- a fake target: 2 threads, 3 registers of 8 bytes (regno 2 read-only), 4 KiB of
 * memory at 0x1000 ---- */
struct fake {
	uint64_t        reg[2][3];
	uint8_t         mem[4096];
	bool            last_phys;
	int             n_bp, cleared, kills, stops;
	uint64_t        bp_addr;
	unsigned        bp_type;
	enum gdb_resume how[2];
	_Atomic int     resumes;
};

static unsigned fk_threads(void *t) { (void)t; return 2; }

static const char *fk_xml(void *t, const char *annex)
{
	(void)t;
	return strcmp(annex, "target.xml") == 0 ? "<target>0123456789abcdef</target>" : NULL;
}

static size_t fk_reg_read(void *t, unsigned th, unsigned regno, uint8_t *buf)
{
	struct fake *f = t;
	if (regno >= 3)
		return 0;
	memcpy(buf, &f->reg[th][regno], 8);
	return 8;
}

static int fk_reg_write(void *t, unsigned th, unsigned regno, const uint8_t *buf, size_t len)
{
	struct fake *f = t;
	if (regno >= 2 || len != 8)
		return -1;
	memcpy(&f->reg[th][regno], buf, 8);
	return 0;
}

static size_t fk_mem(struct fake *f, bool phys, uint64_t addr, uint8_t *buf, size_t len, bool w)
{
	size_t n = 0;
	f->last_phys = phys;
	while (n < len && addr + n >= 0x1000 && addr + n < 0x2000) {
		if (w)
			f->mem[addr + n - 0x1000] = buf[n];
		else
			buf[n] = f->mem[addr + n - 0x1000];
		n++;
	}
	return n;
}

static size_t fk_mem_read(void *t, unsigned th, bool phys, uint64_t a, uint8_t *b, size_t n)
{
	(void)th;
	return fk_mem(t, phys, a, b, n, false);
}

static size_t fk_mem_write(void *t, unsigned th, bool phys, uint64_t a, const uint8_t *b,
			   size_t n)
{
	(void)th;
	return fk_mem(t, phys, a, (uint8_t *)b, n, true);
}

static int fk_bp(void *t, bool insert, unsigned type, uint64_t addr, unsigned kind)
{
	struct fake *f = t;
	(void)kind;
	if (type > 1)
		return 1;
	f->n_bp += insert ? 1 : -1;
	f->bp_addr = addr;
	f->bp_type = type;
	return 0;
}

static void fk_clear(void *t) { ((struct fake *)t)->cleared++; }
static void fk_stop(void *t) { ((struct fake *)t)->stops++; }
static void fk_kill(void *t) { ((struct fake *)t)->kills++; }

static void fk_resume(void *t, const enum gdb_resume *how)
{
	struct fake *f = t;
	memcpy(f->how, how, sizeof(f->how));
	f->resumes++;
}

static void fk_info(void *t, unsigned th, char *buf, size_t size)
{
	(void)t;
	snprintf(buf, size, "cpu %u", th);
}

static const struct gdb_target_ops fake_ops = {
	.threads = fk_threads, .xml = fk_xml, .g_regs = 3, .reg_read = fk_reg_read,
	.reg_write = fk_reg_write, .mem_read = fk_mem_read, .mem_write = fk_mem_write,
	.breakpoint = fk_bp, .clear_breakpoints = fk_clear, .stop = fk_stop,
	.resume = fk_resume, .kill = fk_kill, .thread_info = fk_info,
};

static struct fake       fk;
static struct gdb_session sess;
static struct gdb_reply   rep;
static char               reply_text[GDB_REPLY_MAX + 1];

static void fresh(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.reg[0][0] = 0x1122334455667788ull;
	fk.reg[1][0] = 0xaa;
	for (int i = 0; i < 4096; i++)
		fk.mem[i] = (uint8_t)i;
	gdb_session_init(&sess, &fake_ops, &fk);
}

/* Run one packet's data; the reply as a string. */
static enum gdb_next cmd_n(const char *data, size_t n)
{
	static char buf[GDB_PACKET_MAX + 1];
	memcpy(buf, data, n);
	buf[n] = '\0';
	enum gdb_next next = gdb_session_packet(&sess, buf, n, &rep);
	memcpy(reply_text, rep.data, rep.len);
	reply_text[rep.len] = '\0';
	return next;
}

static const char *cmd(const char *data)
{
	cmd_n(data, strlen(data));
	return reply_text;
}

static enum gdb_next run(const char *data)
{
	return cmd_n(data, strlen(data));
}

/* ---- framing ---- */

static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s)
{
	enum gdb_rx_event ev = GDB_RX_NONE;
	for (; *s; s++) {
		ev = gdb_rx_feed(rx, (uint8_t)*s);
		if (ev != GDB_RX_NONE && s[1])
			return (enum gdb_rx_event)-1; /* an event before the end */
	}
	return ev;
}

static void rx_packets_and_checksums(void)
{
	static struct gdb_rx rx;
	gdb_rx_init(&rx);
	CHECK_INT(feed(&rx, "$g#67"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "g");
	CHECK_INT(feed(&rx, "$g#68"), GDB_RX_BAD);
	CHECK_INT(feed(&rx, "$g#6z"), GDB_RX_BAD);
	CHECK_INT(feed(&rx, "$g#A7"), GDB_RX_BAD); /* 0xa7 is not 0x67 */
	CHECK_INT(feed(&rx, "$qC#B4"), GDB_RX_PACKET); /* upper-case digits are fine */
	CHECK_INT(feed(&rx, "noise$?#3f"), GDB_RX_PACKET);
	CHECK_STR(rx.buf, "?");
	CHECK_INT(feed(&rx, "$m1,2$?#3f"), GDB_RX_PACKET); /* a '$' restarts a cut packet */
	CHECK_STR(rx.buf, "?");
	CHECK_INT(feed(&rx, "\x03"), GDB_RX_INTERRUPT);
	CHECK_INT(feed(&rx, "+"), GDB_RX_ACK);
	CHECK_INT(feed(&rx, "-"), GDB_RX_NACK);
	CHECK_INT(feed(&rx, "$#00"), GDB_RX_PACKET);
	CHECK_INT(rx.len, 0);
}

static void rx_overlong_packet_is_dropped(void)
{
	static struct gdb_rx rx;
	uint8_t              sum = 0;
	enum gdb_rx_event    ev = GDB_RX_NONE;
	char                 cs[8];

	gdb_rx_init(&rx);
	gdb_rx_feed(&rx, '$');
	for (int i = 0; i < GDB_PACKET_MAX + 100; i++) {
		ev = gdb_rx_feed(&rx, 'a');
		sum += 'a';
		CHECK_INT(ev, GDB_RX_NONE);
	}
	snprintf(cs, sizeof(cs), "#%02x", sum);
	CHECK_INT(feed(&rx, cs), GDB_RX_TOOLONG);
	CHECK_INT(feed(&rx, "$g#67"), GDB_RX_PACKET); /* and the next one is whole */
	CHECK_STR(rx.buf, "g");
}

static void frame_escapes_and_sums(void)
{
	char out[32];
	size_t n = gdb_frame("a#b$c}d*", 8, out);
	out[n] = '\0';
	/* checksum over the escaped bytes */
	uint8_t sum = 0;
	for (size_t i = 1; i < n - 3; i++)
		sum += (uint8_t)out[i];
	char want[64];
	snprintf(want, sizeof(want), "$a}\x03" "b}\x04" "c}]d}\x0a#%02x", sum);
	CHECK_STR(out, want);
	char bin[] = "x}\x03y";
	CHECK_INT(gdb_unescape(bin, 4), 3);
	CHECK(memcmp(bin, "x#y", 3) == 0);
	char cut[] = "ab}";
	CHECK_INT(gdb_unescape(cut, 3), (size_t)-1);
}

static void hex_parsing_is_strict(void)
{
	const char *p;
	uint64_t    v;

	p = "ffffffffffffffff,";
	CHECK(gdb_parse_hex(&p, &v) && v == UINT64_MAX && *p == ',');
	p = "0000000000000000000001";
	CHECK(gdb_parse_hex(&p, &v) && v == 1);
	p = "10000000000000000"; /* 2^64 */
	CHECK(!gdb_parse_hex(&p, &v));
	p = ",1";
	CHECK(!gdb_parse_hex(&p, &v));
	uint8_t b[2];
	CHECK(gdb_unhex("a0F1", b, 2) && b[0] == 0xa0 && b[1] == 0xf1);
	CHECK(!gdb_unhex("a0g1", b, 2));
	CHECK(!gdb_unhex("a", b, 1)); /* the NUL is not a digit */
}

static void reply_buffer_never_overflows(void)
{
	static struct gdb_reply r;
	gdb_reply_clear(&r);
	for (int i = 0; i < GDB_REPLY_MAX; i++)
		gdb_reply_str(&r, "xy");
	CHECK(r.full);
	CHECK_INT(r.len, GDB_REPLY_MAX);
}

/* ---- commands ---- */

static void registers(void)
{
	fresh();
	CHECK_STR(cmd("g"), "887766554433221100000000000000000000000000000000");
	CHECK_STR(cmd("p0"), "8877665544332211");
	CHECK_STR(cmd("p3"), "E02");                 /* no such register */
	CHECK_STR(cmd("pffffffffffffffffff"), "E16"); /* bad number */
	CHECK_STR(cmd("p"), "E16");
	CHECK_STR(cmd("p1x"), "E16");
	CHECK_STR(cmd("P1=0100000000000000"), "OK");
	CHECK_INT(fk.reg[0][1], 1);
	CHECK_STR(cmd("P1=01"), "E02");               /* wrong size */
	CHECK_STR(cmd("P1=0"), "E16");                /* odd hex */
	CHECK_STR(cmd("P1=zz00000000000000"), "E16");
	CHECK_STR(cmd("P1"), "E16");
	CHECK_STR(cmd("G00"), "E16");                 /* not the 'g' size */
	CHECK_STR(cmd("G" "0200000000000000" "0300000000000000" "0400000000000000"), "OK");
	CHECK_INT(fk.reg[0][0], 2);
	CHECK_INT(fk.reg[0][1], 3);
	CHECK_INT(fk.reg[0][2], 0);                   /* read-only: kept */
	CHECK_STR(cmd("Hg2"), "OK");
	CHECK_STR(cmd("p0"), "aa00000000000000");
	CHECK_STR(cmd("Hg3"), "E16");
	CHECK_STR(cmd("Hgzz"), "E16");
	CHECK_STR(cmd("Hx1"), "E16");
	CHECK_STR(cmd("Hg-1"), "OK");
	CHECK_STR(cmd("Hc-1"), "OK");
	CHECK_STR(cmd("Hgp1.1"), "OK");
	CHECK_STR(cmd("qC"), "QC1");
}

static void memory(void)
{
	fresh();
	CHECK_STR(cmd("m1000,4"), "00010203");
	CHECK_STR(cmd("m1ffe,10"), "feff");           /* what is there, up to the end */
	CHECK_STR(cmd("m2000,1"), "E0e");
	CHECK_STR(cmd("m0,1"), "E0e");
	CHECK_STR(cmd("m1000,0"), "E16");
	CHECK_STR(cmd("m1000"), "E16");
	CHECK_STR(cmd("mzz,4"), "E16");
	CHECK_STR(cmd("m1000,4,"), "E16");
	CHECK_STR(cmd("mffffffffffffffff,ffffffffffffffff"), "E0e");
	cmd("m1000,ffffffffffffffff");                /* huge: shortened, never overflows */
	CHECK_INT(strlen(reply_text), 2 * 4096);
	CHECK_STR(cmd("M1000,2:abcd"), "OK");
	CHECK(fk.mem[0] == 0xab && fk.mem[1] == 0xcd);
	CHECK_STR(cmd("M1000,2:abc"), "E16");         /* length mismatch */
	CHECK_STR(cmd("M1000,1:abcd"), "E16");
	CHECK_STR(cmd("M1000,1:zz"), "E16");
	CHECK_STR(cmd("M1fff,2:0102"), "E0e");        /* partly outside */
	CHECK_STR(cmd("Mffffffffffffffff,2:0102"), "E0e");
	CHECK_STR(cmd("M1000,ffffffff:00"), "E16");
	/* X: binary, with an escaped '#' and a NUL */
	CHECK_INT(cmd_n("X1004,3:}\x03\0z", 12), GDB_NEXT_REPLY);
	CHECK_STR(reply_text, "OK");
	CHECK(fk.mem[4] == '#' && fk.mem[5] == 0 && fk.mem[6] == 'z');
	CHECK_STR(cmd("X1000,0:"), "OK");
	CHECK_STR(cmd("X1000,2:a"), "E16");
	CHECK_STR(cmd("X1000,100000000:"), "E16");
	CHECK_STR(cmd("X1000,1:}"), "E16");
	CHECK(!fk.last_phys);
	CHECK_STR(cmd("Qqemu.PhyMemMode:1"), "OK");
	CHECK_STR(cmd("qqemu.PhyMemMode"), "1");
	cmd("m1000,1");
	CHECK(fk.last_phys);
	CHECK_STR(cmd("Qqemu.PhyMemMode:2"), "E16");
}

static void breakpoints(void)
{
	fresh();
	CHECK_STR(cmd("Z0,80200000,4"), "OK");
	CHECK_INT(fk.n_bp, 1);
	CHECK_INT(fk.bp_addr, 0x80200000);
	CHECK_STR(cmd("Z1,1000,2"), "OK");
	CHECK_INT(fk.bp_type, 1);
	CHECK_STR(cmd("z0,80200000,4"), "OK");
	CHECK_STR(cmd("Z2,1000,4"), "");              /* watchpoints: not supported */
	CHECK_STR(cmd("Z9,1000,4"), "");
	CHECK_STR(cmd("Z0,1000"), "E16");
	CHECK_STR(cmd("Z0,zz,4"), "E16");
	CHECK_STR(cmd("Z0,1000,4;X1,0"), "E16");      /* conditions were not offered */
	CHECK_STR(cmd("Z"), "E16");
	CHECK_INT(fk.n_bp, 1);
}

static void resuming(void)
{
	fresh();
	CHECK_STR(cmd("vCont?"), "vCont;c;C;s;S");
	CHECK_INT(run("vCont;c"), GDB_NEXT_RUNNING);
	CHECK(fk.how[0] == GDB_CONTINUE && fk.how[1] == GDB_CONTINUE);
	/* a step runs the stepped thread alone */
	CHECK_INT(run("vCont;s:2;c"), GDB_NEXT_RUNNING);
	CHECK(fk.how[0] == GDB_STAY && fk.how[1] == GDB_STEP);
	CHECK_INT(run("vCont;C05:1"), GDB_NEXT_RUNNING);
	CHECK(fk.how[0] == GDB_CONTINUE && fk.how[1] == GDB_STAY);
	CHECK_INT(run("vCont;c:p1.2;s:1"), GDB_NEXT_RUNNING); /* leftmost match wins */
	CHECK(fk.how[0] == GDB_STEP && fk.how[1] == GDB_STAY);
	int before = fk.resumes;
	CHECK_STR(cmd("vCont;"), "E16");
	CHECK_STR(cmd("vCont;x"), "E16");
	CHECK_STR(cmd("vCont;s:9"), "E16");
	CHECK_STR(cmd("vCont;c:0"), "E16");
	CHECK_STR(cmd("vCont;cc"), "E16");
	CHECK_STR(cmd("vCont;C"), "E16");
	CHECK_INT(fk.resumes, before);
	CHECK_STR(cmd("Hc2"), "OK");
	CHECK_INT(run("s"), GDB_NEXT_RUNNING);
	CHECK(fk.how[0] == GDB_STAY && fk.how[1] == GDB_STEP);
	CHECK_INT(run("c"), GDB_NEXT_RUNNING);
	CHECK(fk.how[0] == GDB_CONTINUE && fk.how[1] == GDB_CONTINUE);
	CHECK_STR(cmd("c80000000"), "E16");           /* resuming elsewhere is refused */
	CHECK_STR(cmd("Cxx"), "E16");
	CHECK_INT(run("C05"), GDB_NEXT_RUNNING);
	gdb_session_stopped(&sess, 1, 5, &rep);
	CHECK_STR(cmd("?"), "T05thread:2;");
	CHECK_STR(cmd("qC"), "QC2");
}

static void queries(void)
{
	fresh();
	CHECK(strstr(cmd("qSupported:multiprocess+;swbreak+"), "PacketSize=4000") != NULL);
	CHECK(strstr(reply_text, "qXfer:features:read+") != NULL);
	CHECK(strstr(reply_text, "QStartNoAckMode+") != NULL);
	CHECK_STR(cmd("qAttached"), "1");
	CHECK_STR(cmd("qfThreadInfo"), "m1,2");
	CHECK_STR(cmd("qsThreadInfo"), "l");
	CHECK_STR(cmd("qThreadExtraInfo,2"), "6370752031"); /* "cpu 1" */
	CHECK_STR(cmd("qThreadExtraInfo,3"), "E16");
	CHECK_STR(cmd("T1"), "OK");
	CHECK_STR(cmd("T3"), "E03");
	CHECK_STR(cmd("T"), "E03");
	CHECK_STR(cmd("?"), "T05thread:1;");
	CHECK_STR(cmd("qXfer:features:read:target.xml:0,8"), "m<target>");
	CHECK_STR(cmd("qXfer:features:read:target.xml:8,1000"), "l0123456789abcdef</target>");
	CHECK_STR(cmd("qXfer:features:read:target.xml:1000,10"), "l");
	CHECK_STR(cmd("qXfer:features:read:../../etc/passwd:0,10"), "E02");
	CHECK_STR(cmd("qXfer:features:read:target.xml:0"), "E16");
	CHECK_STR(cmd("qXfer:features:read:target.xml"), "E16");
	char big[200] = "qXfer:features:read:";
	memset(big + strlen(big), 'a', 150);
	strcat(big, ":0,10");
	CHECK_STR(cmd(big), "E16");
	CHECK_STR(cmd("qSymbol::"), "OK");
	CHECK_STR(cmd("QStartNoAckMode"), "OK");
	CHECK(sess.no_ack);
	/* unknown commands: the empty reply */
	CHECK_STR(cmd("qFooBar"), "");
	CHECK_STR(cmd("vMustReplyEmpty"), "");
	CHECK_STR(cmd("Jxyz"), "");
	CHECK_STR(cmd(""), "");
	CHECK_STR(cmd("!"), "");
}

static void detach_and_kill(void)
{
	fresh();
	CHECK_INT(run("D"), GDB_NEXT_DETACH);
	CHECK_STR(reply_text, "OK");
	CHECK_INT(fk.cleared, 1);
	CHECK(fk.how[0] == GDB_CONTINUE && fk.how[1] == GDB_CONTINUE);
	CHECK_INT(run("D;1"), GDB_NEXT_DETACH);
	CHECK_INT(run("k"), GDB_NEXT_KILL);
	CHECK_INT(fk.kills, 1);
	CHECK_INT(run("vKill;1"), GDB_NEXT_KILL);
	CHECK_INT(fk.kills, 2);
}

/* Random packets of printable bytes: every one gets some reply, nothing crashes. */
static void random_packets(void)
{
	static const char alphabet[] = "gGpPmMXZzHTcsCSvqQDk?0123456789abcdef,:;=-.+";
	unsigned          seed = 1;

	fresh();
	for (int i = 0; i < 20000; i++) {
		char   p[64];
		size_t n = (size_t)(rand_r(&seed) % 40);
		for (size_t k = 0; k < n; k++)
			p[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		p[n] = '\0';
		enum gdb_next next = cmd_n(p, n);
		CHECK(next != GDB_NEXT_REPLY || !rep.full);
	}
}

/* ---- the server, over a unix socket ---- */

static int  srv_fd = -1;
static char srv_buf[GDB_REPLY_MAX * 2 + 16];

static int read_byte(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t       c;
	if (poll(&p, 1, timeout_ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

/* The next packet's data (after any acks): NULL when none comes or the socket closed. */
static const char *read_packet(int fd)
{
	int    c;
	size_t n = 0;
	while ((c = read_byte(fd, 10000)) != '$')
		if (c < 0)
			return NULL;
	while ((c = read_byte(fd, 10000)) != '#') {
		if (c < 0 || n + 1 >= sizeof(srv_buf))
			return NULL;
		srv_buf[n++] = (char)c;
	}
	if (read_byte(fd, 10000) < 0 || read_byte(fd, 10000) < 0)
		return NULL;
	srv_buf[n] = '\0';
	return srv_buf;
}

static void send_raw(int fd, const char *s, size_t n)
{
	CHECK(write(fd, s, n) == (ssize_t)n);
}

static void send_pkt(int fd, const char *data)
{
	char out[2 * GDB_REPLY_MAX + 8];
	size_t n = gdb_frame(data, strlen(data), out);
	send_raw(fd, out, n);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void server_session(void)
{
	char               path[64];
	struct gdb_server *s;
	struct cerr        e;

	fresh();
	snprintf(path, sizeof(path), "/tmp/cella-gdb-test.%d", (int)getpid());
	unlink(path);
	CHECK(gdb_server_open(&s, (snprintf(srv_buf, 80, "unix:%s", path), srv_buf), &fake_ops,
			      &fk, &e) == 0);
	CHECK(strstr(gdb_server_address(s), path) != NULL);
	CHECK(gdb_server_start(s, &e) == 0);
	int fd = srv_fd = connect_unix(path);
	CHECK(fd >= 0);

	send_pkt(fd, "?");
	CHECK_INT(read_byte(fd, 10000), '+');
	const char *r = read_packet(fd);
	CHECK(r && strcmp(r, "T05thread:1;") == 0);
	CHECK(fk.stops >= 1); /* attaching stops the target */

	send_raw(fd, "$g#68", 5); /* bad checksum: a NACK, nothing else */
	CHECK_INT(read_byte(fd, 10000), '-');
	send_raw(fd, "-", 1);     /* our NACK: the last packet again */
	r = read_packet(fd);
	CHECK(r && strcmp(r, "T05thread:1;") == 0);

	send_pkt(fd, "QStartNoAckMode");
	CHECK_INT(read_byte(fd, 10000), '+');
	r = read_packet(fd);
	CHECK(r && strcmp(r, "OK") == 0);

	/* no acks from now on; an overlong packet gets an error, not silence */
	static char big[GDB_PACKET_MAX + 200];
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	send_pkt(fd, big);
	r = read_packet(fd);
	CHECK(r && strcmp(r, "E5a") == 0);
	send_raw(fd, "$g#00", 5); /* bad checksum in no-ack mode: dropped */
	send_pkt(fd, "qC");
	r = read_packet(fd);
	CHECK(r && strcmp(r, "QC1") == 0);

	/* continue, then Ctrl-C */
	send_pkt(fd, "vCont;c");
	send_raw(fd, "\x03", 1);
	r = read_packet(fd);
	CHECK(r && strcmp(r, "T02thread:1;") == 0);

	/* continue, then thread 2 stops on its own */
	int before = fk.resumes;
	send_pkt(fd, "vCont;c");
	for (int i = 0; i < 10000 && fk.resumes == before; i++)
		usleep(1000);
	CHECK(fk.resumes > before);
	send_pkt(fd, "g"); /* while running: refused, not queued */
	r = read_packet(fd);
	CHECK(r && strcmp(r, "E10") == 0);
	gdb_server_stopped(s, 1, 5);
	r = read_packet(fd);
	CHECK(r && strcmp(r, "T05thread:2;") == 0);

	/* the machine ends: W and the connection closes */
	gdb_server_exited(s, 3);
	r = read_packet(fd);
	CHECK(r && strcmp(r, "W03") == 0);
	CHECK_INT(read_byte(fd, 10000), -1);
	close(fd);
	gdb_server_close(s);
	CHECK(access(path, F_OK) != 0); /* the socket file goes with the stub */
}

static void server_reconnect_resumes(void)
{
	char               path[64];
	struct gdb_server *s;
	struct cerr        e;

	fresh();
	snprintf(path, sizeof(path), "unix:/tmp/cella-gdb-test2.%d", (int)getpid());
	CHECK(gdb_server_open(&s, path, &fake_ops, &fk, &e) == 0);
	CHECK(gdb_server_start(s, &e) == 0);
	for (int round = 0; round < 2; round++) {
		int fd = connect_unix(path + 5);
		CHECK(fd >= 0);
		send_pkt(fd, "Z0,1000,4");
		const char *r = read_packet(fd);
		CHECK(r && strcmp(r, "OK") == 0);
		int before = fk.resumes;
		close(fd); /* a debugger that vanishes: breakpoints go, the machine runs on */
		for (int i = 0; i < 10000 && fk.resumes == before; i++)
			usleep(1000);
		CHECK(fk.resumes > before);
		CHECK_INT(fk.cleared, round + 1);
		CHECK(fk.how[0] == GDB_CONTINUE && fk.how[1] == GDB_CONTINUE);
	}
	gdb_server_close(s);
}

static void addresses_in_use_and_bad(void)
{
	struct gdb_server *a, *b;
	struct cerr        e;
	char               spec[64];

	CHECK(gdb_server_open(&a, "tcp::0", &fake_ops, &fk, &e) == 0);
	const char *addr = gdb_server_address(a);
	CHECK(strncmp(addr, "tcp:127.0.0.1:", 14) == 0);
	snprintf(spec, sizeof(spec), "tcp::%s", addr + 14);
	CHECK(gdb_server_open(&b, spec, &fake_ops, &fk, &e) < 0);
	CHECK_INT(e.errnum, EADDRINUSE);
	CHECK(strstr(e.msg, addr + 4) != NULL);       /* names 127.0.0.1:PORT */
	CHECK(strstr(e.msg, "in use") != NULL);
	gdb_server_close(a);

	/* a unix socket somebody listens on is in use; a stale one is replaced */
	char path[64];
	snprintf(path, sizeof(path), "unix:/tmp/cella-gdb-test3.%d", (int)getpid());
	CHECK(gdb_server_open(&a, path, &fake_ops, &fk, &e) == 0);
	CHECK(gdb_server_open(&b, path, &fake_ops, &fk, &e) < 0);
	CHECK_INT(e.errnum, EADDRINUSE);
	gdb_server_close(a);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, path + 5);
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(stale >= 0 && bind(stale, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(stale); /* the file stays, nobody listens */
	CHECK(gdb_server_open(&a, path, &fake_ops, &fk, &e) == 0);
	gdb_server_close(a);
	CHECK(access(path + 5, F_OK) != 0);

	CHECK(gdb_server_open(&b, "tcp:1234", &fake_ops, &fk, &e) < 0);
	CHECK(e.usage);
	CHECK(gdb_server_open(&b, "serial:/dev/ttyS0", &fake_ops, &fk, &e) < 0);
	CHECK(strstr(e.msg, "serial:/dev/ttyS0") != NULL);
	CHECK(gdb_server_open(&b, "unix:", &fake_ops, &fk, &e) < 0);
}

int main(void)
{
	check_suite = "debug_gdb";
	RUN(rx_packets_and_checksums);
	RUN(rx_overlong_packet_is_dropped);
	RUN(frame_escapes_and_sums);
	RUN(hex_parsing_is_strict);
	RUN(reply_buffer_never_overflows);
	RUN(registers);
	RUN(memory);
	RUN(breakpoints);
	RUN(resuming);
	RUN(queries);
	RUN(detach_and_kill);
	RUN(random_packets);
	RUN(server_session);
	RUN(server_reconnect_resumes);
	RUN(addresses_in_use_and_bad);
	return check_failed_count ? 1 : 0;
}
