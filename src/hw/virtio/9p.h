/* virtio-9p internals shared by the protocol side (9p_proto.c: message framing, decoding,
 * replies) and the file-system side (9p_fs.c: fids and operations on the shared folder). */
#ifndef CELLA_HW_VIRTIO_9P_H
#define CELLA_HW_VIRTIO_9P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

#define P9_MAX_MSIZE (256 * 1024)   /* the largest message we accept or send */
#define P9_MAX_WELEM 16             /* Twalk names per message */
#define P9_MAX_NAME  255
#define P9_NOFID     0xffffffffu

#define P9_QTDIR     0x80
#define P9_QTSYMLINK 0x02
#define P9_QTFILE    0x00

struct p9_qid {
	uint8_t  type;
	uint32_t version;
	uint64_t path;
};

/* A message being read or written: every access is bounds-checked; an overrun sets bad and
 * later reads return zeros, so a truncated T-message is noticed once, at the end. */
struct p9_msg {
	uint8_t *buf;
	size_t   len;   /* reading: bytes present; writing: capacity */
	size_t   pos;
	bool     bad;
};

uint8_t  p9_get_u8(struct p9_msg *m);
uint16_t p9_get_u16(struct p9_msg *m);
uint32_t p9_get_u32(struct p9_msg *m);
uint64_t p9_get_u64(struct p9_msg *m);
/* A string into out (NUL-terminated, at most max-1 bytes); embedded NULs or an overlong
 * string mark the message bad. */
void     p9_get_str(struct p9_msg *m, char *out, size_t max);
void     p9_put_u8(struct p9_msg *m, uint8_t v);
void     p9_put_u16(struct p9_msg *m, uint16_t v);
void     p9_put_u32(struct p9_msg *m, uint32_t v);
void     p9_put_u64(struct p9_msg *m, uint64_t v);
void     p9_put_str(struct p9_msg *m, const char *s);
void     p9_put_qid(struct p9_msg *m, const struct p9_qid *q);

struct p9_fs;

int  p9_fs_new(struct p9_fs **out, const char *dir, struct cerr *e);
void p9_fs_free(struct p9_fs *fs);

/* Handle one T-message (req, req_len bytes) and write the R-message into reply (at most
 * reply_max bytes). Always produces a well-formed reply (Rlerror for anything wrong);
 * returns its length. */
size_t p9_handle(struct p9_fs *fs, const uint8_t *req, size_t req_len, uint8_t *reply,
		 size_t reply_max);

/* File-system operations, each returning 0 (or a count) or a negative errno. */
struct p9_attr {
	struct p9_qid qid;
	uint32_t      mode, uid, gid;
	uint64_t      nlink, rdev, size, blksize, blocks;
	uint64_t      atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

struct p9_setattr {
	uint32_t valid, mode, uid, gid;
	uint64_t size, atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct p9_statfs {
	uint32_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree, fsid;
	uint32_t namelen;
};

void    p9_fs_reset(struct p9_fs *fs);  /* Tversion: forget every fid */
uint32_t p9_fs_msize(struct p9_fs *fs);
void    p9_fs_set_msize(struct p9_fs *fs, uint32_t msize);
int     p9_fs_attach(struct p9_fs *fs, uint32_t fid, struct p9_qid *qid);
int     p9_fs_walk(struct p9_fs *fs, uint32_t fid, uint32_t newfid, unsigned n,
		   char names[][P9_MAX_NAME + 1], struct p9_qid *qids);
int     p9_fs_clunk(struct p9_fs *fs, uint32_t fid);
int     p9_fs_remove(struct p9_fs *fs, uint32_t fid);
int     p9_fs_lopen(struct p9_fs *fs, uint32_t fid, uint32_t flags, struct p9_qid *qid);
int     p9_fs_lcreate(struct p9_fs *fs, uint32_t fid, const char *name, uint32_t flags,
		      uint32_t mode, struct p9_qid *qid);
ssize_t p9_fs_read(struct p9_fs *fs, uint32_t fid, uint64_t off, void *buf, uint32_t count);
ssize_t p9_fs_write(struct p9_fs *fs, uint32_t fid, uint64_t off, const void *buf,
		    uint32_t count);
int     p9_fs_getattr(struct p9_fs *fs, uint32_t fid, struct p9_attr *a);
int     p9_fs_setattr(struct p9_fs *fs, uint32_t fid, const struct p9_setattr *s);
/* Entries from offset on, encoded into out (qid, offset, type, name) until count bytes. */
int     p9_fs_readdir(struct p9_fs *fs, uint32_t fid, uint64_t offset, uint32_t count,
		      struct p9_msg *out);
int     p9_fs_statfs(struct p9_fs *fs, uint32_t fid, struct p9_statfs *s);
int     p9_fs_mkdir(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t mode,
		    struct p9_qid *qid);
int     p9_fs_symlink(struct p9_fs *fs, uint32_t dfid, const char *name, const char *target,
		      struct p9_qid *qid);
int     p9_fs_mknod(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t mode,
		    uint32_t major, uint32_t minor, struct p9_qid *qid);
int     p9_fs_readlink(struct p9_fs *fs, uint32_t fid, char *out, size_t max);
int     p9_fs_link(struct p9_fs *fs, uint32_t dfid, uint32_t fid, const char *name);
int     p9_fs_renameat(struct p9_fs *fs, uint32_t olddfid, const char *oldname,
		       uint32_t newdfid, const char *newname);
int     p9_fs_rename(struct p9_fs *fs, uint32_t fid, uint32_t dfid, const char *name);
int     p9_fs_unlinkat(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t flags);
int     p9_fs_fsync(struct p9_fs *fs, uint32_t fid, bool datasync);
bool    p9_fs_has_fid(struct p9_fs *fs, uint32_t fid);

#endif
