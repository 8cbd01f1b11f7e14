/* Unit tests for virtio-9p (src/hw/virtio/9p*.c): 9P2000.L messages crafted by hand against a
 * temporary share, escape attempts (.., symlinks, absolute links, device nodes, names with
 * slashes), malformed and truncated messages, and one request through the virtqueue. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hw/virtio/9p.h"
#include "hw/virtio/devices.h"
#include "virtio_guest.h"

static char share[64], outside[64];

struct tmsg {
	uint8_t       b[8192];
	struct p9_msg m;
};

static struct p9_msg *t_begin(struct tmsg *t, uint8_t type)
{
	t->m = (struct p9_msg){ .buf = t->b, .len = sizeof(t->b) };
	p9_put_u32(&t->m, 0);
	p9_put_u8(&t->m, type);
	p9_put_u16(&t->m, 1);
	return &t->m;
}

static uint8_t  reply[P9_MAX_MSIZE];
static struct p9_msg r;   /* the last reply, positioned after its header */
static uint8_t  rtype;

/* Send; returns the reply type (7 = Rlerror, then last_err holds the errno). */
static uint32_t last_err;
static uint8_t  t_send(struct p9_fs *fs, struct tmsg *t)
{
	uint32_t n = (uint32_t)t->m.pos;
	memcpy(t->b, &n, 4);
	size_t len = p9_handle(fs, t->b, n, reply, sizeof(reply));
	r          = (struct p9_msg){ .buf = reply, .len = len };
	uint32_t size = p9_get_u32(&r);
	rtype         = p9_get_u8(&r);
	p9_get_u16(&r);
	if (size != len)
		return 0;
	last_err = rtype == 7 ? p9_get_u32(&r) : 0;
	return rtype;
}

static void make_share(void)
{
	strcpy(share, "/tmp/cella-9p-XXXXXX");
	strcpy(outside, "/tmp/cella-9p-out-XXXXXX");
	if (!mkdtemp(share) || !mkdtemp(outside))
		abort();
	char p[256];
	snprintf(p, sizeof(p), "%s/hello.txt", share);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (write(fd, "hello world\n", 12) != 12)
		abort();
	close(fd);
	snprintf(p, sizeof(p), "%s/secret", outside);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (write(fd, "SECRET", 6) != 6)
		abort();
	close(fd);
	snprintf(p, sizeof(p), "%s/sub", share);
	mkdir(p, 0755);
	/* links a hostile guest (or a careless host user) left in the share */
	snprintf(p, sizeof(p), "%s/abs", share);
	if (symlink(outside, p) < 0)
		abort();
	snprintf(p, sizeof(p), "%s/rel", share);
	if (symlink("../../../../../../../../tmp", p) < 0)
		abort();
}

static void rm_share(void)
{
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", share, outside);
	if (system(cmd) != 0)
		abort();
}

static struct p9_fs *mount_share(void)
{
	struct p9_fs *fs;
	struct cerr   e;
	struct tmsg   t;
	if (p9_fs_new(&fs, share, &e) < 0)
		return NULL;
	struct p9_msg *m = t_begin(&t, 100);
	p9_put_u32(m, 65536);
	p9_put_str(m, "9P2000.L");
	if (t_send(fs, &t) != 101)
		return NULL;
	m = t_begin(&t, 104);
	p9_put_u32(m, 0);           /* fid 0 = root */
	p9_put_u32(m, P9_NOFID);
	p9_put_str(m, "root");
	p9_put_str(m, "");
	p9_put_u32(m, 0);
	if (t_send(fs, &t) != 105)
		return NULL;
	return fs;
}

/* Twalk fid → newfid through names (NULL-terminated); returns the reply type. */
static uint8_t walk(struct p9_fs *fs, uint32_t fid, uint32_t newfid, const char *const *names)
{
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, 110);
	uint16_t       n = 0;
	while (names[n])
		n++;
	p9_put_u32(m, fid);
	p9_put_u32(m, newfid);
	p9_put_u16(m, n);
	for (uint16_t i = 0; i < n; i++)
		p9_put_str(m, names[i]);
	return t_send(fs, &t);
}

static uint8_t lopen(struct p9_fs *fs, uint32_t fid, uint32_t flags)
{
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, 12);
	p9_put_u32(m, fid);
	p9_put_u32(m, flags);
	return t_send(fs, &t);
}

/* Tsetattr of mode (valid bit 0x1) and size (0x8), no owner or times */
static uint8_t setattr(struct p9_fs *fs, uint32_t fid, uint32_t mode, uint64_t size)
{
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, 26);
	p9_put_u32(m, fid);
	p9_put_u32(m, 0x1 | 0x8);
	p9_put_u32(m, mode);
	p9_put_u32(m, 0);
	p9_put_u32(m, 0);
	p9_put_u64(m, size);
	for (int i = 0; i < 4; i++)
		p9_put_u64(m, 0);
	return t_send(fs, &t);
}

static uint8_t simple(struct p9_fs *fs, uint8_t type, uint32_t fid)
{
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, type);
	p9_put_u32(m, fid);
	if (type == 24)
		p9_put_u64(m, 0x7ff);
	return t_send(fs, &t);
}

static void p9_walk_open_read_getattr(void)
{
	make_share();
	struct p9_fs *fs = mount_share();
	CHECK(fs != NULL);
	CHECK_INT(walk(fs, 0, 1, (const char *[]){ "hello.txt", NULL }), 111);
	CHECK_INT(p9_get_u16(&r), 1);
	CHECK_INT(simple(fs, 24, 1), 25);
	p9_get_u64(&r);
	struct p9_qid q = { .type = p9_get_u8(&r) };
	p9_get_u32(&r);
	p9_get_u64(&r);
	CHECK_INT(q.type, P9_QTFILE);
	CHECK_INT(p9_get_u32(&r) & S_IFMT, S_IFREG);
	p9_get_u32(&r);
	p9_get_u32(&r);
	p9_get_u64(&r);
	p9_get_u64(&r);
	CHECK_INT(p9_get_u64(&r), 12);   /* size */
	CHECK_INT(lopen(fs, 1, 0), 13);
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, 116);
	p9_put_u32(m, 1);
	p9_put_u64(m, 6);
	p9_put_u32(m, 100);
	CHECK_INT(t_send(fs, &t), 117);
	CHECK_INT(p9_get_u32(&r), 6);
	CHECK(memcmp(reply + r.pos, "world\n", 6) == 0);
	CHECK_INT(simple(fs, 120, 1), 121);
	CHECK_INT(simple(fs, 120, 1), 7);   /* clunked twice */
	CHECK_INT(last_err, EBADF);
	CHECK_INT(walk(fs, 0, 2, (const char *[]){ "nope", NULL }), 7);
	CHECK_INT(last_err, ENOENT);
	/* partial walk: one qid, newfid not made */
	CHECK_INT(walk(fs, 0, 3, (const char *[]){ "sub", "nope", NULL }), 111);
	CHECK_INT(p9_get_u16(&r), 1);
	CHECK_INT(simple(fs, 24, 3), 7);
	p9_fs_free(fs);
	rm_share();
}

static void p9_create_write_mkdir_readdir_rename_unlink(void)
{
	make_share();
	struct p9_fs  *fs = mount_share();
	struct tmsg    t;
	struct p9_msg *m;
	char           path[256], buf[32] = { 0 };
	CHECK(fs != NULL);
	CHECK_INT(walk(fs, 0, 1, (const char *[]){ NULL }), 111);   /* clone root */
	m = t_begin(&t, 14);                                         /* Tlcreate */
	p9_put_u32(m, 1);
	p9_put_str(m, "new.txt");
	p9_put_u32(m, 02 | 0100);
	p9_put_u32(m, 0640);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 15);
	m = t_begin(&t, 118);                                        /* Twrite */
	p9_put_u32(m, 1);
	p9_put_u64(m, 0);
	p9_put_u32(m, 5);
	memcpy(t.b + m->pos, "abcde", 5);
	m->pos += 5;
	CHECK_INT(t_send(fs, &t), 119);
	CHECK_INT(p9_get_u32(&r), 5);
	snprintf(path, sizeof(path), "%s/new.txt", share);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INT(read(fd, buf, sizeof(buf)), 5);
	close(fd);
	CHECK_STR(buf, "abcde");
	struct stat st;
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777 & ~0640, 0);   /* at most what was asked (umask) */
	/* Tsetattr: size 2 and mode 0600 */
	CHECK_INT(setattr(fs, 1, 0600, 2), 27);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_size, 2);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* Tmkdir, Trenameat, Tunlinkat */
	m = t_begin(&t, 72);
	p9_put_u32(m, 0);
	p9_put_str(m, "d");
	p9_put_u32(m, 0755);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 73);
	CHECK_INT(p9_get_u8(&r), P9_QTDIR);
	m = t_begin(&t, 74);
	p9_put_u32(m, 0);
	p9_put_str(m, "new.txt");
	p9_put_u32(m, 0);
	p9_put_str(m, "moved.txt");
	CHECK_INT(t_send(fs, &t), 75);
	snprintf(path, sizeof(path), "%s/moved.txt", share);
	CHECK_INT(access(path, F_OK), 0);
	CHECK_INT(simple(fs, 24, 1), 25);  /* the open fid followed the rename */
	/* Treaddir on the root lists what we made */
	CHECK_INT(walk(fs, 0, 2, (const char *[]){ NULL }), 111);
	CHECK_INT(lopen(fs, 2, 0), 13);
	int seen = 0;
	uint64_t off = 0;
	for (int round = 0; round < 20; round++) {
		m = t_begin(&t, 40);
		p9_put_u32(m, 2);
		p9_put_u64(m, off);
		p9_put_u32(m, 64);     /* small: forces several rounds */
		CHECK_INT(t_send(fs, &t), 41);
		uint32_t n = p9_get_u32(&r);
		if (n == 0)
			break;
		size_t end = r.pos + n;
		while (r.pos < end) {
			char name[256];
			p9_get_u8(&r);
			p9_get_u32(&r);
			p9_get_u64(&r);
			off = p9_get_u64(&r);
			p9_get_u8(&r);
			p9_get_str(&r, name, sizeof(name));
			if (!strcmp(name, "moved.txt") || !strcmp(name, "d") || !strcmp(name, "hello.txt"))
				seen++;
		}
	}
	CHECK_INT(seen, 3);
	m = t_begin(&t, 76);
	p9_put_u32(m, 0);
	p9_put_str(m, "d");
	p9_put_u32(m, 0x200);
	CHECK_INT(t_send(fs, &t), 77);
	snprintf(path, sizeof(path), "%s/d", share);
	CHECK(access(path, F_OK) != 0);
	CHECK_INT(simple(fs, 8, 0), 9);       /* Tstatfs */
	p9_get_u32(&r);
	CHECK(p9_get_u32(&r) > 0);            /* bsize */
	CHECK_INT(simple(fs, 50, 1), 7);      /* Tfsync needs a datasync field: malformed */
	CHECK_INT(last_err, EINVAL);
	p9_fs_free(fs);
	rm_share();
}

static void p9_cannot_escape_the_share(void)
{
	make_share();
	struct p9_fs  *fs = mount_share();
	struct tmsg    t;
	struct p9_msg *m;
	CHECK(fs != NULL);
	/* ".." from the root stays at the root */
	CHECK_INT(walk(fs, 0, 1, (const char *[]){ "..", "..", "..", NULL }), 111);
	CHECK_INT(walk(fs, 1, 2, (const char *[]){ "hello.txt", NULL }), 111);
	CHECK_INT(walk(fs, 1, 3, (const char *[]){ "..", "tmp", NULL }), 111);
	CHECK_INT(p9_get_u16(&r), 1);          /* stopped at the root: /tmp is not reachable */
	CHECK_INT(simple(fs, 24, 3), 7);
	/* names with a slash, absolute names, "." */
	CHECK_INT(walk(fs, 0, 4, (const char *[]){ "/etc", NULL }), 7);
	CHECK_INT(walk(fs, 0, 4, (const char *[]){ "../../etc", NULL }), 7);
	CHECK_INT(walk(fs, 0, 4, (const char *[]){ "sub/../..", NULL }), 7);
	/* symlinks out: the link itself is visible, nothing through it */
	CHECK_INT(walk(fs, 0, 5, (const char *[]){ "abs", NULL }), 111);
	CHECK_INT(lopen(fs, 5, 0), 7);
	CHECK_INT(walk(fs, 0, 6, (const char *[]){ "abs", "secret", NULL }), 111);
	CHECK_INT(p9_get_u16(&r), 1);
	CHECK_INT(simple(fs, 24, 6), 7);
	CHECK_INT(walk(fs, 0, 6, (const char *[]){ "rel", NULL }), 111);
	CHECK_INT(walk(fs, 6, 7, (const char *[]){ "cella-9p-out", NULL }), 7);
	CHECK_INT(lopen(fs, 6, 0200000), 7);
	/* a symlink the guest makes itself is as harmless */
	m = t_begin(&t, 16);
	p9_put_u32(m, 0);
	p9_put_str(m, "mine");
	p9_put_str(m, outside);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 17);
	CHECK_INT(walk(fs, 0, 8, (const char *[]){ "mine", NULL }), 111);
	CHECK_INT(lopen(fs, 8, 2), 7);
	CHECK_INT(simple(fs, 22, 8), 23);    /* but readlink works */
	/* creating through a link or with a bad name */
	CHECK_INT(walk(fs, 0, 9, (const char *[]){ "abs", NULL }), 111);
	m = t_begin(&t, 14);
	p9_put_u32(m, 9);
	p9_put_str(m, "planted");
	p9_put_u32(m, 0101);
	p9_put_u32(m, 0644);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 7);
	const char *bad[] = { "..", ".", "a/b", "" };
	for (int i = 0; i < 4; i++) {
		m = t_begin(&t, 72);
		p9_put_u32(m, 0);
		p9_put_str(m, bad[i]);
		p9_put_u32(m, 0755);
		p9_put_u32(m, 0);
		CHECK_INT(t_send(fs, &t), 7);
	}
	/* renaming onto "..", a device node */
	m = t_begin(&t, 74);
	p9_put_u32(m, 0);
	p9_put_str(m, "hello.txt");
	p9_put_u32(m, 0);
	p9_put_str(m, "../hello.txt");
	CHECK_INT(t_send(fs, &t), 7);
	m = t_begin(&t, 18);
	p9_put_u32(m, 0);
	p9_put_str(m, "sda");
	p9_put_u32(m, S_IFBLK | 0666);
	p9_put_u32(m, 8);
	p9_put_u32(m, 0);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 7);
	CHECK_INT(last_err, EPERM);
	/* a FIFO the guest makes cannot block cella in open or read */
	m = t_begin(&t, 18);
	p9_put_u32(m, 0);
	p9_put_str(m, "fifo");
	p9_put_u32(m, S_IFIFO | 0666);
	p9_put_u32(m, 0);
	p9_put_u32(m, 0);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 19);
	CHECK_INT(walk(fs, 0, 10, (const char *[]){ "fifo", NULL }), 111);
	CHECK_INT(lopen(fs, 10, 0), 13);
	m = t_begin(&t, 116);
	p9_put_u32(m, 10);
	p9_put_u64(m, 0);
	p9_put_u32(m, 100);
	uint8_t rt = t_send(fs, &t);
	CHECK(rt == 117 || rt == 7);   /* no writer: EOF or EAGAIN, never a wait */
	/* O_EXCL is honoured */
	CHECK_INT(walk(fs, 0, 11, (const char *[]){ NULL }), 111);
	m = t_begin(&t, 14);
	p9_put_u32(m, 11);
	p9_put_str(m, "hello.txt");
	p9_put_u32(m, 0100 | 0200 | 1);
	p9_put_u32(m, 0644);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 7);
	CHECK_INT(last_err, EEXIST);
	/* setattr through a link does not touch the target */
	char secret[256];
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	CHECK_INT(chmod(secret, 0644), 0);
	CHECK_INT(setattr(fs, 8, 0777, 0), 7);
	struct stat st;
	CHECK_INT(stat(secret, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	CHECK_INT(st.st_size, 6);
	/* nothing was created outside */
	char planted[256];
	snprintf(planted, sizeof(planted), "%s/planted", outside);
	CHECK(access(planted, F_OK) != 0);
	p9_fs_free(fs);
	rm_share();
}

static void p9_malformed_messages_get_errors(void)
{
	make_share();
	struct p9_fs *fs = mount_share();
	struct tmsg   t;
	CHECK(fs != NULL);
	uint8_t small[3] = { 9, 0, 0 };
	size_t  len      = p9_handle(fs, small, sizeof(small), reply, sizeof(reply));
	CHECK(len >= 7);
	CHECK_INT(reply[4], 7);
	/* size field larger than the bytes present */
	struct p9_msg *m = t_begin(&t, 120);
	p9_put_u32(m, 0);
	uint32_t big = 1000;
	memcpy(t.b, &big, 4);
	len = p9_handle(fs, t.b, m->pos, reply, sizeof(reply));
	CHECK_INT(reply[4], 7);
	/* a string running past the end */
	m = t_begin(&t, 110);
	p9_put_u32(m, 0);
	p9_put_u32(m, 1);
	p9_put_u16(m, 1);
	p9_put_u16(m, 200);
	m->pos += 3;
	CHECK_INT(t_send(fs, &t), 7);
	CHECK_INT(last_err, EINVAL);
	/* too many walk names */
	m = t_begin(&t, 110);
	p9_put_u32(m, 0);
	p9_put_u32(m, 1);
	p9_put_u16(m, 17);
	for (int i = 0; i < 17; i++)
		p9_put_str(m, "sub");
	CHECK_INT(t_send(fs, &t), 7);
	/* a write claiming more data than the message carries */
	CHECK_INT(walk(fs, 0, 1, (const char *[]){ "hello.txt", NULL }), 111);
	CHECK_INT(lopen(fs, 1, 2), 13);
	m = t_begin(&t, 118);
	p9_put_u32(m, 1);
	p9_put_u64(m, 0);
	p9_put_u32(m, 0xfffffff0);
	CHECK_INT(t_send(fs, &t), 7);
	/* an embedded NUL in a name */
	m = t_begin(&t, 72);
	p9_put_u32(m, 0);
	p9_put_u16(m, 3);
	memcpy(t.b + m->pos, "a\0b", 3);
	m->pos += 3;
	p9_put_u32(m, 0755);
	p9_put_u32(m, 0);
	CHECK_INT(t_send(fs, &t), 7);
	/* unknown type, Tauth, xattrs */
	CHECK_INT(simple(fs, 250, 0), 7);
	CHECK_INT(simple(fs, 102, 0), 7);
	CHECK_INT(simple(fs, 30, 0), 7);
	/* a read asking more than msize is cut to fit */
	m = t_begin(&t, 116);
	p9_put_u32(m, 1);
	p9_put_u64(m, 0);
	p9_put_u32(m, 0xffffffff);
	CHECK_INT(t_send(fs, &t), 117);
	CHECK_INT(p9_get_u32(&r), 12);
	/* every truncation of valid messages and random bytes: always a well-formed reply */
	srand(7);
	for (int i = 0; i < 3000; i++) {
		uint8_t junk[64];
		for (size_t k = 0; k < sizeof(junk); k++)
			junk[k] = (uint8_t)rand();
		size_t n = (size_t)rand() % sizeof(junk);
		uint32_t sz = (uint32_t)n;
		if (i % 2)
			memcpy(junk, &sz, 4);
		static const uint8_t types[] = { 8, 12, 14, 16, 18, 20, 22, 24, 26, 40, 50, 52, 54,
						 70, 72, 74, 76, 104, 108, 110, 116, 118, 120, 122 };
		junk[4] = types[(size_t)rand() % sizeof(types)];
		len = p9_handle(fs, junk, n, reply, sizeof(reply));
		uint32_t got;
		memcpy(&got, reply, 4);
		CHECK(len >= 7 && got == len);
	}
	/* a guest hoarding fids hits a limit instead of exhausting cella's memory */
	int made = 0;
	for (uint32_t fid = 100; fid < 100 + 70000; fid++) {
		if (walk(fs, 0, fid, (const char *[]){ NULL }) != 111)
			break;
		made++;
	}
	CHECK(made > 60000 && made < 70000);
	CHECK_INT(last_err, ENFILE);
	p9_fs_free(fs);
	rm_share();
}

static void p9_through_the_virtqueue(void)
{
	struct vguest      g;
	struct virtio_dev *d;
	struct cerr        e;
	uint32_t           len;
	make_share();
	vg_init(&g);
	CHECK_INT(virtio_9p_new(&d, share, "hostshare", &g.mem, &e), 0);
	vg_attach(&g, d);
	CHECK_INT(vg_rd(&g, 0x008), 9);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x100, 2), 9);
	CHECK_INT(virtio_mmio_ops.read(g.dev, 0x102, 1), 'h');
	CHECK(vg_start(&g, 1, 1, 8));
	struct tmsg    t;
	struct p9_msg *m = t_begin(&t, 100);
	p9_put_u32(m, 8192);
	p9_put_str(m, "9P2000.L");
	uint32_t n = (uint32_t)m->pos;
	memcpy(t.b, &n, 4);
	uint64_t out = vg_alloc(&g, n), in = vg_alloc(&g, 8192);
	memcpy(vg_ptr(&g, out), t.b, n);
	struct vg_buf b[] = { { out, n, false }, { in, 8192, true } };
	vg_add(&g, 0, b, 2);
	vg_kick(&g, 0);
	CHECK(vg_used(&g, 0, NULL, &len));
	CHECK_INT(len, 4 + 1 + 2 + 4 + 2 + 8);
	CHECK_INT(((uint8_t *)vg_ptr(&g, in))[4], 101);
	CHECK_INT(virtio_9p_new(&d, "/nonexistent-share", "x", &g.mem, &e), -1);
	CHECK(strstr(e.msg, "/nonexistent-share") != NULL);
	vg_fini(&g);
	rm_share();
}

int main(void)
{
	check_suite = "virtio_9p";
	RUN(p9_walk_open_read_getattr);
	RUN(p9_create_write_mkdir_readdir_rename_unlink);
	RUN(p9_cannot_escape_the_share);
	RUN(p9_malformed_messages_get_errors);
	RUN(p9_through_the_virtqueue);
	return check_failed_count != 0;
}
