/* The 9P2000.L protocol side of virtio-9p: bounds-checked message codec and the dispatcher
 * that decodes each T-message, calls the file-system operation and encodes the reply. A
 * malformed or truncated message gets Rlerror(EINVAL) or EPROTO; it never reads or writes
 * outside the message buffers. */
#include <errno.h>
#include <string.h>

#include "hw/virtio/9p.h"

enum {
	P9_TLERROR = 6, P9_RLERROR, P9_TSTATFS = 8, P9_RSTATFS, P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE, P9_TSYMLINK = 16, P9_RSYMLINK, P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME, P9_TREADLINK = 22, P9_RREADLINK, P9_TGETATTR = 24,
	P9_RGETATTR, P9_TSETATTR = 26, P9_RSETATTR, P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE, P9_TREADDIR = 40, P9_RREADDIR, P9_TFSYNC = 50,
	P9_RFSYNC, P9_TLOCK = 52, P9_RLOCK, P9_TGETLOCK = 54, P9_RGETLOCK, P9_TLINK = 70,
	P9_RLINK, P9_TMKDIR = 72, P9_RMKDIR, P9_TRENAMEAT = 74, P9_RRENAMEAT, P9_TUNLINKAT = 76,
	P9_RUNLINKAT, P9_TVERSION = 100, P9_RVERSION, P9_TAUTH = 102, P9_RAUTH, P9_TATTACH = 104,
	P9_RATTACH, P9_TFLUSH = 108, P9_RFLUSH, P9_TWALK = 110, P9_RWALK, P9_TREAD = 116,
	P9_RREAD, P9_TWRITE = 118, P9_RWRITE, P9_TCLUNK = 120, P9_RCLUNK, P9_TREMOVE = 122,
	P9_RREMOVE,
};

#define P9_HDR 7   /* size[4] type[1] tag[2] */

static const uint8_t *p9_take(struct p9_msg *m, size_t n)
{
	if (m->bad || n > m->len - m->pos) {
		m->bad = true;
		return NULL;
	}
	const uint8_t *p = m->buf + m->pos;
	m->pos += n;
	return p;
}

static uint64_t p9_get_le(struct p9_msg *m, unsigned n)
{
	const uint8_t *p = p9_take(m, n);
	uint64_t       v = 0;
	if (!p)
		return 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint8_t p9_get_u8(struct p9_msg *m)   { return (uint8_t)p9_get_le(m, 1); }
uint16_t p9_get_u16(struct p9_msg *m) { return (uint16_t)p9_get_le(m, 2); }
uint32_t p9_get_u32(struct p9_msg *m) { return (uint32_t)p9_get_le(m, 4); }
uint64_t p9_get_u64(struct p9_msg *m) { return p9_get_le(m, 8); }

void p9_get_str(struct p9_msg *m, char *out, size_t max)
{
	uint16_t       n = p9_get_u16(m);
	const uint8_t *p = p9_take(m, n);
	out[0]           = 0;
	if (!p)
		return;
	if (n >= max || memchr(p, 0, n)) {
		m->bad = true;
		return;
	}
	memcpy(out, p, n);
	out[n] = 0;
}

static void p9_put_le(struct p9_msg *m, uint64_t v, unsigned n)
{
	if (m->bad || n > m->len - m->pos) {
		m->bad = true;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		m->buf[m->pos++] = (uint8_t)(v >> (8 * i));
}

void p9_put_u8(struct p9_msg *m, uint8_t v)   { p9_put_le(m, v, 1); }
void p9_put_u16(struct p9_msg *m, uint16_t v) { p9_put_le(m, v, 2); }
void p9_put_u32(struct p9_msg *m, uint32_t v) { p9_put_le(m, v, 4); }
void p9_put_u64(struct p9_msg *m, uint64_t v) { p9_put_le(m, v, 8); }

void p9_put_str(struct p9_msg *m, const char *s)
{
	size_t n = strlen(s);
	if (n > 0xffff || m->bad || 2 + n > m->len - m->pos) {
		m->bad = true;
		return;
	}
	p9_put_u16(m, (uint16_t)n);
	memcpy(m->buf + m->pos, s, n);
	m->pos += n;
}

void p9_put_qid(struct p9_msg *m, const struct p9_qid *q)
{
	p9_put_u8(m, q->type);
	p9_put_u32(m, q->version);
	p9_put_u64(m, q->path);
}

/* Decoding state of one request. */
struct p9_req {
	struct p9_fs *fs;
	struct p9_msg in, out;
	uint8_t       type;
	uint16_t      tag;
};

static void p9_begin(struct p9_req *r, uint8_t rtype)
{
	r->out.pos = 0;
	r->out.bad = false;
	p9_put_u32(&r->out, 0); /* size, patched in p9_finish */
	p9_put_u8(&r->out, rtype);
	p9_put_u16(&r->out, r->tag);
}

static void p9_error(struct p9_req *r, int err)
{
	p9_begin(r, P9_RLERROR);
	p9_put_u32(&r->out, (uint32_t)err);
}

static size_t p9_finish(struct p9_req *r)
{
	uint32_t size = (uint32_t)r->out.pos;
	for (int i = 0; i < 4; i++)
		r->out.buf[i] = (uint8_t)(size >> (8 * i));
	return size;
}

static int p9_do_version(struct p9_req *r)
{
	char     version[32];
	uint32_t msize = p9_get_u32(&r->in);
	p9_get_str(&r->in, version, sizeof(version));
	if (r->in.bad)
		return -EINVAL;
	if (msize > P9_MAX_MSIZE)
		msize = P9_MAX_MSIZE;
	if (msize < 4096)
		return -EINVAL;
	p9_fs_reset(r->fs);
	p9_fs_set_msize(r->fs, msize);
	p9_begin(r, P9_RVERSION);
	p9_put_u32(&r->out, msize);
	p9_put_str(&r->out, strcmp(version, "9P2000.L") == 0 ? "9P2000.L" : "unknown");
	return 0;
}

static int p9_do_attach(struct p9_req *r)
{
	char          uname[P9_MAX_NAME + 1], aname[P9_MAX_NAME + 1];
	struct p9_qid qid;
	uint32_t      fid = p9_get_u32(&r->in);
	p9_get_u32(&r->in); /* afid: no authentication */
	p9_get_str(&r->in, uname, sizeof(uname));
	p9_get_str(&r->in, aname, sizeof(aname));
	p9_get_u32(&r->in); /* n_uname */
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_attach(r->fs, fid, &qid);
	if (err < 0)
		return err;
	p9_begin(r, P9_RATTACH);
	p9_put_qid(&r->out, &qid);
	return 0;
}

static int p9_do_walk(struct p9_req *r)
{
	char          names[P9_MAX_WELEM][P9_MAX_NAME + 1];
	struct p9_qid qids[P9_MAX_WELEM];
	uint32_t      fid = p9_get_u32(&r->in), newfid = p9_get_u32(&r->in);
	uint16_t      n   = p9_get_u16(&r->in);
	if (n > P9_MAX_WELEM)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		p9_get_str(&r->in, names[i], sizeof(names[i]));
	if (r->in.bad)
		return -EINVAL;
	int got = p9_fs_walk(r->fs, fid, newfid, n, names, qids);
	if (got < 0)
		return got;
	p9_begin(r, P9_RWALK);
	p9_put_u16(&r->out, (uint16_t)got);
	for (int i = 0; i < got; i++)
		p9_put_qid(&r->out, &qids[i]);
	return 0;
}

static int p9_do_lopen(struct p9_req *r)
{
	struct p9_qid qid;
	uint32_t      fid = p9_get_u32(&r->in), flags = p9_get_u32(&r->in);
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_lopen(r->fs, fid, flags, &qid);
	if (err < 0)
		return err;
	p9_begin(r, P9_RLOPEN);
	p9_put_qid(&r->out, &qid);
	p9_put_u32(&r->out, 0); /* iounit: let the client use msize */
	return 0;
}

static int p9_do_lcreate(struct p9_req *r)
{
	char          name[P9_MAX_NAME + 1];
	struct p9_qid qid;
	uint32_t      fid = p9_get_u32(&r->in);
	p9_get_str(&r->in, name, sizeof(name));
	uint32_t flags = p9_get_u32(&r->in), mode = p9_get_u32(&r->in);
	p9_get_u32(&r->in); /* gid: files belong to whoever runs cella */
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_lcreate(r->fs, fid, name, flags, mode, &qid);
	if (err < 0)
		return err;
	p9_begin(r, P9_RLCREATE);
	p9_put_qid(&r->out, &qid);
	p9_put_u32(&r->out, 0);
	return 0;
}

/* Tread and Treaddir share a shape: fid, offset, count in; a count and that many bytes out.
 * Parse the request, start the reply with room for its count, and cut count to what msize and
 * the driver's buffer leave. The handler fills the bytes, then p9_end_data() sets the count. */
static int p9_begin_data(struct p9_req *r, uint8_t rtype, uint32_t *fid, uint64_t *off,
			 uint32_t *count)
{
	*fid   = p9_get_u32(&r->in);
	*off   = p9_get_u64(&r->in);
	*count = p9_get_u32(&r->in);
	if (r->in.bad)
		return -EINVAL;
	uint32_t room = p9_fs_msize(r->fs) - P9_HDR - 4;
	if (*count > room)
		*count = room;
	p9_begin(r, rtype);
	p9_put_u32(&r->out, 0);
	if (r->out.bad)
		return -ENOBUFS;
	if (*count > r->out.len - r->out.pos)
		*count = (uint32_t)(r->out.len - r->out.pos); /* the driver's buffer is smaller */
	return 0;
}

static void p9_end_data(struct p9_req *r, size_t n)
{
	r->out.pos -= 4;
	p9_put_u32(&r->out, (uint32_t)n);
	r->out.pos += n;
}

static int p9_do_read(struct p9_req *r)
{
	uint32_t fid, count;
	uint64_t off;
	int      err = p9_begin_data(r, P9_RREAD, &fid, &off, &count);
	if (err < 0)
		return err;
	ssize_t n = p9_fs_read(r->fs, fid, off, r->out.buf + r->out.pos, count);
	if (n < 0)
		return (int)n;
	p9_end_data(r, (size_t)n);
	return 0;
}

static int p9_do_write(struct p9_req *r)
{
	uint32_t       fid   = p9_get_u32(&r->in);
	uint64_t       off   = p9_get_u64(&r->in);
	uint32_t       count = p9_get_u32(&r->in);
	const uint8_t *data  = p9_take(&r->in, count);
	if (r->in.bad)
		return -EINVAL;
	ssize_t n = p9_fs_write(r->fs, fid, off, data, count);
	if (n < 0)
		return (int)n;
	p9_begin(r, P9_RWRITE);
	p9_put_u32(&r->out, (uint32_t)n);
	return 0;
}

static int p9_do_getattr(struct p9_req *r)
{
	struct p9_attr a;
	uint32_t       fid = p9_get_u32(&r->in);
	p9_get_u64(&r->in); /* request mask: we always return the basic set */
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_getattr(r->fs, fid, &a);
	if (err < 0)
		return err;
	p9_begin(r, P9_RGETATTR);
	p9_put_u64(&r->out, 0x7ff); /* P9_GETATTR_BASIC */
	p9_put_qid(&r->out, &a.qid);
	p9_put_u32(&r->out, a.mode);
	p9_put_u32(&r->out, a.uid);
	p9_put_u32(&r->out, a.gid);
	p9_put_u64(&r->out, a.nlink);
	p9_put_u64(&r->out, a.rdev);
	p9_put_u64(&r->out, a.size);
	p9_put_u64(&r->out, a.blksize);
	p9_put_u64(&r->out, a.blocks);
	p9_put_u64(&r->out, a.atime_sec);
	p9_put_u64(&r->out, a.atime_nsec);
	p9_put_u64(&r->out, a.mtime_sec);
	p9_put_u64(&r->out, a.mtime_nsec);
	p9_put_u64(&r->out, a.ctime_sec);
	p9_put_u64(&r->out, a.ctime_nsec);
	for (int i = 0; i < 4; i++)
		p9_put_u64(&r->out, 0); /* btime, gen, data_version */
	return 0;
}

static int p9_do_setattr(struct p9_req *r)
{
	struct p9_setattr s;
	uint32_t          fid = p9_get_u32(&r->in);
	s.valid      = p9_get_u32(&r->in);
	s.mode       = p9_get_u32(&r->in);
	s.uid        = p9_get_u32(&r->in);
	s.gid        = p9_get_u32(&r->in);
	s.size       = p9_get_u64(&r->in);
	s.atime_sec  = p9_get_u64(&r->in);
	s.atime_nsec = p9_get_u64(&r->in);
	s.mtime_sec  = p9_get_u64(&r->in);
	s.mtime_nsec = p9_get_u64(&r->in);
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_setattr(r->fs, fid, &s);
	if (err < 0)
		return err;
	p9_begin(r, P9_RSETATTR);
	return 0;
}

static int p9_do_readdir(struct p9_req *r)
{
	uint32_t fid, count;
	uint64_t off;
	int      err = p9_begin_data(r, P9_RREADDIR, &fid, &off, &count);
	if (err < 0)
		return err;
	struct p9_msg ents = { .buf = r->out.buf + r->out.pos, .len = count };
	err = p9_fs_readdir(r->fs, fid, off, count, &ents);
	if (err < 0)
		return err;
	p9_end_data(r, ents.pos);
	return 0;
}

static int p9_do_statfs(struct p9_req *r)
{
	struct p9_statfs s;
	uint32_t         fid = p9_get_u32(&r->in);
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_statfs(r->fs, fid, &s);
	if (err < 0)
		return err;
	p9_begin(r, P9_RSTATFS);
	p9_put_u32(&r->out, s.type);
	p9_put_u32(&r->out, s.bsize);
	p9_put_u64(&r->out, s.blocks);
	p9_put_u64(&r->out, s.bfree);
	p9_put_u64(&r->out, s.bavail);
	p9_put_u64(&r->out, s.files);
	p9_put_u64(&r->out, s.ffree);
	p9_put_u64(&r->out, s.fsid);
	p9_put_u32(&r->out, s.namelen);
	return 0;
}

/* Operations that name an entry in a directory fid and reply with a qid. */
static int p9_do_mkdir_symlink_mknod(struct p9_req *r)
{
	char          name[P9_MAX_NAME + 1], target[4096];
	struct p9_qid qid;
	int           err;
	uint32_t      dfid = p9_get_u32(&r->in);
	p9_get_str(&r->in, name, sizeof(name));
	if (r->type == P9_TMKDIR) {
		uint32_t mode = p9_get_u32(&r->in);
		p9_get_u32(&r->in);
		err = r->in.bad ? -EINVAL : p9_fs_mkdir(r->fs, dfid, name, mode, &qid);
	} else if (r->type == P9_TSYMLINK) {
		p9_get_str(&r->in, target, sizeof(target));
		p9_get_u32(&r->in);
		err = r->in.bad ? -EINVAL : p9_fs_symlink(r->fs, dfid, name, target, &qid);
	} else {
		uint32_t mode = p9_get_u32(&r->in), major = p9_get_u32(&r->in);
		uint32_t minor = p9_get_u32(&r->in);
		p9_get_u32(&r->in);
		err = r->in.bad ? -EINVAL
				: p9_fs_mknod(r->fs, dfid, name, mode, major, minor, &qid);
	}
	if (err < 0)
		return err;
	p9_begin(r, (uint8_t)(r->type + 1));
	p9_put_qid(&r->out, &qid);
	return 0;
}

static int p9_do_readlink(struct p9_req *r)
{
	char     target[4096];
	uint32_t fid = p9_get_u32(&r->in);
	if (r->in.bad)
		return -EINVAL;
	int err = p9_fs_readlink(r->fs, fid, target, sizeof(target));
	if (err < 0)
		return err;
	p9_begin(r, P9_RREADLINK);
	p9_put_str(&r->out, target);
	return 0;
}

static int p9_do_names(struct p9_req *r)
{
	char     a[P9_MAX_NAME + 1], b[P9_MAX_NAME + 1];
	uint32_t x = p9_get_u32(&r->in), y, flags;
	int      err;

	switch (r->type) {
	case P9_TLINK:      /* dfid fid name */
		y = p9_get_u32(&r->in);
		p9_get_str(&r->in, a, sizeof(a));
		err = r->in.bad ? -EINVAL : p9_fs_link(r->fs, x, y, a);
		break;
	case P9_TRENAMEAT:  /* olddirfid oldname newdirfid newname */
		p9_get_str(&r->in, a, sizeof(a));
		y = p9_get_u32(&r->in);
		p9_get_str(&r->in, b, sizeof(b));
		err = r->in.bad ? -EINVAL : p9_fs_renameat(r->fs, x, a, y, b);
		break;
	case P9_TRENAME:    /* fid dfid name */
		y = p9_get_u32(&r->in);
		p9_get_str(&r->in, a, sizeof(a));
		err = r->in.bad ? -EINVAL : p9_fs_rename(r->fs, x, y, a);
		break;
	default:            /* Tunlinkat dirfid name flags */
		p9_get_str(&r->in, a, sizeof(a));
		flags = p9_get_u32(&r->in);
		err   = r->in.bad ? -EINVAL : p9_fs_unlinkat(r->fs, x, a, flags);
		break;
	}
	if (err < 0)
		return err;
	p9_begin(r, (uint8_t)(r->type + 1));
	return 0;
}

static int p9_do_fid_only(struct p9_req *r)
{
	uint32_t fid = p9_get_u32(&r->in);
	uint32_t datasync = r->type == P9_TFSYNC ? p9_get_u32(&r->in) : 0;
	int      err;
	if (r->in.bad)
		return -EINVAL;
	if (r->type == P9_TCLUNK)
		err = p9_fs_clunk(r->fs, fid);
	else if (r->type == P9_TREMOVE)
		err = p9_fs_remove(r->fs, fid);
	else
		err = p9_fs_fsync(r->fs, fid, datasync != 0);
	if (err < 0)
		return err;
	p9_begin(r, (uint8_t)(r->type + 1));
	return 0;
}

/* POSIX locks are per host process here; the guest's own kernel arbitrates between its
 * processes, so granting every lock keeps single-guest semantics. */
static int p9_do_lock(struct p9_req *r)
{
	char     client[P9_MAX_NAME + 1];
	uint32_t fid = p9_get_u32(&r->in);
	uint8_t  type = p9_get_u8(&r->in);
	if (r->type == P9_TLOCK)
		p9_get_u32(&r->in); /* flags */
	uint64_t start = p9_get_u64(&r->in), length = p9_get_u64(&r->in);
	uint32_t proc  = p9_get_u32(&r->in);
	p9_get_str(&r->in, client, sizeof(client));
	if (r->in.bad)
		return -EINVAL;
	if (!p9_fs_has_fid(r->fs, fid))
		return -EBADF;
	(void)type;
	p9_begin(r, (uint8_t)(r->type + 1));
	if (r->type == P9_TLOCK) {
		p9_put_u8(&r->out, 0); /* P9_LOCK_SUCCESS */
	} else {
		p9_put_u8(&r->out, 2); /* F_UNLCK: nobody holds it */
		p9_put_u64(&r->out, start);
		p9_put_u64(&r->out, length);
		p9_put_u32(&r->out, proc);
		p9_put_str(&r->out, client);
	}
	return 0;
}

static int p9_dispatch(struct p9_req *r)
{
	switch (r->type) {
	case P9_TVERSION:  return p9_do_version(r);
	case P9_TATTACH:   return p9_do_attach(r);
	case P9_TWALK:     return p9_do_walk(r);
	case P9_TLOPEN:    return p9_do_lopen(r);
	case P9_TLCREATE:  return p9_do_lcreate(r);
	case P9_TREAD:     return p9_do_read(r);
	case P9_TWRITE:    return p9_do_write(r);
	case P9_TGETATTR:  return p9_do_getattr(r);
	case P9_TSETATTR:  return p9_do_setattr(r);
	case P9_TREADDIR:  return p9_do_readdir(r);
	case P9_TSTATFS:   return p9_do_statfs(r);
	case P9_TMKDIR:
	case P9_TSYMLINK:
	case P9_TMKNOD:    return p9_do_mkdir_symlink_mknod(r);
	case P9_TREADLINK: return p9_do_readlink(r);
	case P9_TLINK:
	case P9_TRENAMEAT:
	case P9_TRENAME:
	case P9_TUNLINKAT: return p9_do_names(r);
	case P9_TCLUNK:
	case P9_TREMOVE:
	case P9_TFSYNC:    return p9_do_fid_only(r);
	case P9_TLOCK:
	case P9_TGETLOCK:  return p9_do_lock(r);
	case P9_TFLUSH:    /* requests complete synchronously: nothing is ever in flight */
		p9_get_u16(&r->in);
		if (r->in.bad)
			return -EINVAL;
		p9_begin(r, P9_RFLUSH);
		return 0;
	case P9_TXATTRWALK:
	case P9_TXATTRCREATE:
		return -EOPNOTSUPP;
	default:
		return -EOPNOTSUPP; /* Tauth and anything unknown */
	}
}

size_t p9_handle(struct p9_fs *fs, const uint8_t *req, size_t req_len, uint8_t *reply,
		 size_t reply_max)
{
	struct p9_req r = {
		.fs  = fs,
		.in  = { .buf = (uint8_t *)req, .len = req_len },
		.out = { .buf = reply, .len = reply_max },
	};
	uint32_t size = p9_get_u32(&r.in);
	r.type        = p9_get_u8(&r.in);
	r.tag         = p9_get_u16(&r.in);
	/* Linux sizes reply buffers to the reply it expects (11 bytes for a walk of no names):
	 * anything that can hold an Rlerror can be answered. */
	if (reply_max < P9_HDR + 4)
		return 0;
	if (r.in.bad || size < P9_HDR || size > req_len) {
		p9_error(&r, EPROTO);
		return p9_finish(&r);
	}
	r.in.len = size;  /* bytes after the declared size are not part of the message */
	int err  = p9_dispatch(&r);
	if (err == 0 && r.out.bad)
		err = -ENOBUFS;  /* the reply did not fit the client's buffer */
	if (err < 0)
		p9_error(&r, -err);
	return p9_finish(&r);
}
