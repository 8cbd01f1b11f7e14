/* The file-system side of virtio-9p: fids and 9P2000.L operations on the shared folder.
 * Containment: a fid holds a path relative to the share, built only from validated single
 * names ("..": lexically, never above the share), and every use resolves it with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) from the share's root fd, so no `..`,
 * symlink (relative or absolute) or magic link leads outside. Entries are then changed with
 * *at() calls on a single validated name that never follow a final symlink. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hw/virtio/9p.h"

#define P9_FID_BUCKETS 256
#define P9_MAX_FIDS    65536
#define P9_MAX_PATHS   (64u << 20)  /* bytes of fid paths a guest may make cella hold */

/* 9P2000.L open flags (Linux's generic values, spelled out so the host's do not matter). */
#define P9_O_EXCL      000200
#define P9_O_TRUNC     001000
#define P9_O_APPEND    002000
#define P9_O_DSYNC     010000
#define P9_O_DIRECTORY 0200000
#define P9_O_SYNC      04000000

#define P9_SETATTR_MODE      0x001
#define P9_SETATTR_UID       0x002
#define P9_SETATTR_GID       0x004
#define P9_SETATTR_SIZE      0x008
#define P9_SETATTR_ATIME     0x010
#define P9_SETATTR_MTIME     0x020
#define P9_SETATTR_ATIME_SET 0x080
#define P9_SETATTR_MTIME_SET 0x100

#define P9_AT_REMOVEDIR 0x200

struct p9_fid {
	struct p9_fid *next;
	uint32_t       id;
	char          *path;  /* "." for the share's root, else "a/b" */
	int            fd;    /* after Tlopen/Tlcreate, else -1 */
	DIR           *dir;   /* a directory opened for Treaddir */
};

struct p9_fs {
	int            root;
	uint32_t       msize;
	unsigned       n_fids;
	size_t         path_bytes;
	struct p9_fid *bucket[P9_FID_BUCKETS];
};

/* Open path (relative to dirfd, which is the share root or a directory inside it) without
 * ever leaving the share. Returns an fd or -errno. */
static int p9_openat_beneath(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags   = (uint64_t)(flags | O_CLOEXEC),
		.mode    = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;
	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : (int)fd;
}

static int p9_open(struct p9_fs *fs, const char *path, int flags)
{
	return p9_openat_beneath(fs->root, path, flags, 0);
}

static struct p9_fid *p9_fid_find(struct p9_fs *fs, uint32_t id)
{
	for (struct p9_fid *f = fs->bucket[id % P9_FID_BUCKETS]; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

bool p9_fs_has_fid(struct p9_fs *fs, uint32_t fid)
{
	return p9_fid_find(fs, fid) != NULL;
}

static void p9_fid_close(struct p9_fid *f)
{
	if (f->dir)
		closedir(f->dir);
	if (f->fd >= 0)
		close(f->fd);
	f->dir = NULL;
	f->fd  = -1;
}

/* Give f a new path (owned), keeping the guest's total within P9_MAX_PATHS. */
static void p9_fid_set_path(struct p9_fs *fs, struct p9_fid *f, char *path)
{
	if (f->path)
		fs->path_bytes -= strlen(f->path) + 1;
	free(f->path);
	f->path = path;
	fs->path_bytes += strlen(path) + 1;
}

/* Takes ownership of path. */
static int p9_fid_add(struct p9_fs *fs, uint32_t id, char *path)
{
	if (id == P9_NOFID || p9_fid_find(fs, id)) {
		free(path);
		return -EBADF;
	}
	if (fs->n_fids >= P9_MAX_FIDS || fs->path_bytes + strlen(path) + 1 > P9_MAX_PATHS) {
		free(path);
		return -ENFILE;
	}
	struct p9_fid *f = calloc(1, sizeof(*f));
	if (!f) {
		free(path);
		return -ENOMEM;
	}
	f->id = id;
	f->fd = -1;
	p9_fid_set_path(fs, f, path);
	f->next = fs->bucket[id % P9_FID_BUCKETS];
	fs->bucket[id % P9_FID_BUCKETS] = f;
	fs->n_fids++;
	return 0;
}

int p9_fs_clunk(struct p9_fs *fs, uint32_t id)
{
	for (struct p9_fid **pp = &fs->bucket[id % P9_FID_BUCKETS]; *pp; pp = &(*pp)->next) {
		struct p9_fid *f = *pp;
		if (f->id != id)
			continue;
		*pp = f->next;
		p9_fid_close(f);
		fs->path_bytes -= strlen(f->path) + 1;
		free(f->path);
		free(f);
		fs->n_fids--;
		return 0;
	}
	return -EBADF;
}

void p9_fs_reset(struct p9_fs *fs)
{
	for (int b = 0; b < P9_FID_BUCKETS; b++)
		while (fs->bucket[b])
			p9_fs_clunk(fs, fs->bucket[b]->id);
}

uint32_t p9_fs_msize(struct p9_fs *fs)
{
	return fs->msize;
}

void p9_fs_set_msize(struct p9_fs *fs, uint32_t msize)
{
	fs->msize = msize;
}

int p9_fs_new(struct p9_fs **out, const char *dir, struct cerr *e)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "9p share `%s`", dir);
	struct p9_fs *fs = calloc(1, sizeof(*fs));
	if (!fs) {
		close(fd);
		return cerr_set(e, ENOMEM, "9p share `%s`", dir);
	}
	/* openat2 exists since Linux 5.6; without it the share cannot be made safe */
	int probe = p9_open(&(struct p9_fs){ .root = fd }, ".", O_PATH);
	if (probe < 0) {
		free(fs);
		close(fd);
		return cerr_set(e, -probe, "9p share `%s`: openat2", dir);
	}
	close(probe);
	fs->root  = fd;
	fs->msize = 8192;
	*out      = fs;
	return 0;
}

void p9_fs_free(struct p9_fs *fs)
{
	if (!fs)
		return;
	p9_fs_reset(fs);
	close(fs->root);
	free(fs);
}

static bool p9_name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/');
}

static char *p9_join(const char *dir, const char *name)
{
	char *p;
	if (strcmp(dir, ".") == 0)
		return strdup(name);
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	if (strlen(p) >= PATH_MAX) {
		free(p);
		return NULL;
	}
	return p;
}

static char *p9_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	return strndup(path, (size_t)(slash - path));
}

static void p9_qid_from_stat(const struct stat *st, struct p9_qid *q)
{
	q->type    = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	q->version = (uint32_t)st->st_mtim.tv_sec ^ (uint32_t)st->st_mtim.tv_nsec;
	q->path    = (uint64_t)st->st_ino ^ ((uint64_t)st->st_dev << 48);
}

/* lstat of a share path. */
static int p9_lstat(struct p9_fs *fs, const char *path, struct stat *st)
{
	int fd = p9_open(fs, path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	int r = fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	close(fd);
	return r;
}

int p9_fs_attach(struct p9_fs *fs, uint32_t fid, struct p9_qid *qid)
{
	struct stat st;
	int         r = p9_lstat(fs, ".", &st);
	if (r < 0)
		return r;
	char *root = strdup(".");
	if (!root)
		return -ENOMEM;
	r = p9_fid_add(fs, fid, root);
	if (r < 0)
		return r;
	p9_qid_from_stat(&st, qid);
	return 0;
}

int p9_fs_walk(struct p9_fs *fs, uint32_t fid, uint32_t newfid, unsigned n,
	       char names[][P9_MAX_NAME + 1], struct p9_qid *qids)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	if (!f)
		return -EBADF;
	if (newfid != fid && p9_fid_find(fs, newfid))
		return -EBADF;
	char    *path = strdup(f->path);
	unsigned got  = 0;
	int      err  = 0;
	while (path && got < n) {
		const char *name = names[got];
		char       *next;
		if (strcmp(name, "..") == 0)
			next = p9_parent(path);
		else if (p9_name_ok(name))
			next = p9_join(path, name);
		else {
			err = -ENOENT;
			break;
		}
		struct stat st;
		if (!next) {
			err = -ENAMETOOLONG;
			break;
		}
		err = p9_lstat(fs, next, &st);
		if (err < 0) {
			free(next);
			break;
		}
		p9_qid_from_stat(&st, &qids[got++]);
		free(path);
		path = next;
	}
	if (!path)
		return -ENOMEM;
	if (got < n) {
		free(path);
		return got == 0 ? err : (int)got;  /* partial walk: newfid is not created */
	}
	if (newfid == fid) {
		p9_fid_set_path(fs, f, path);
		return (int)got;
	}
	err = p9_fid_add(fs, newfid, path);
	return err < 0 ? err : (int)got;
}

static int p9_map_flags(uint32_t l)
{
	int flags = (int)(l & 3);
	if (flags == 3)
		flags = O_RDONLY; /* P9_DOTL_NOACCESS: an open for ioctl only; read is the least */
	if (l & P9_O_EXCL)
		flags |= O_EXCL;
	if (l & P9_O_TRUNC)
		flags |= O_TRUNC;
	if (l & P9_O_APPEND)
		flags |= O_APPEND;
	if (l & P9_O_DIRECTORY)
		flags |= O_DIRECTORY;
	if ((l & P9_O_SYNC) == P9_O_SYNC)
		flags |= O_SYNC;
	else if (l & P9_O_DSYNC)
		flags |= O_DSYNC;
	/* O_NONBLOCK: a FIFO (which a guest can make) must not block cella's thread in open or
	 * read; regular files and directories ignore it */
	return flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
}

int p9_fs_lopen(struct p9_fs *fs, uint32_t fid, uint32_t flags, struct p9_qid *qid)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	struct stat    st;
	if (!f)
		return -EBADF;
	p9_fid_close(f);
	int fd = p9_open(fs, f->path, p9_map_flags(flags));
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		int dfd = dup(fd);
		f->dir  = dfd < 0 ? NULL : fdopendir(dfd);
		if (!f->dir) {
			int err = -errno;
			if (dfd >= 0)
				close(dfd);
			close(fd);
			return err;
		}
	}
	f->fd = fd;
	p9_qid_from_stat(&st, qid);
	return 0;
}

static int p9_dir_fd(struct p9_fs *fs, uint32_t dfid)
{
	struct p9_fid *d = p9_fid_find(fs, dfid);
	if (!d)
		return -EBADF;
	return p9_open(fs, d->path, O_PATH | O_DIRECTORY);
}

int p9_fs_lcreate(struct p9_fs *fs, uint32_t fid, const char *name, uint32_t flags,
		  uint32_t mode, struct p9_qid *qid)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	struct stat    st;
	if (!f)
		return -EBADF;
	if (!p9_name_ok(name))
		return -EINVAL;
	char *path = p9_join(f->path, name);
	if (!path)
		return -ENAMETOOLONG;
	int dfd = p9_open(fs, f->path, O_PATH | O_DIRECTORY);
	if (dfd < 0) {
		free(path);
		return dfd;
	}
	int fd = p9_openat_beneath(dfd, name, (p9_map_flags(flags) & ~O_DIRECTORY) | O_CREAT,
				   mode & 07777);
	close(dfd);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = fd < 0 ? fd : -errno;
		if (fd >= 0)
			close(fd);
		free(path);
		return err;
	}
	p9_fid_close(f);
	p9_fid_set_path(fs, f, path);
	f->fd = fd;
	p9_qid_from_stat(&st, qid);
	return 0;
}

/* Tread (into in) and Twrite (from out): an open file, not a directory, at an offset off_t
 * can hold. */
static ssize_t p9_fs_io(struct p9_fs *fs, uint32_t fid, uint64_t off, bool write, void *in,
			const void *out, uint32_t count)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	if (!f || f->fd < 0)
		return -EBADF;
	if (f->dir)
		return -EISDIR;
	if (off > INT64_MAX)
		return -EINVAL;
	ssize_t n;
	do
		n = write ? pwrite(f->fd, out, count, (off_t)off) : pread(f->fd, in, count, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t p9_fs_read(struct p9_fs *fs, uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
	return p9_fs_io(fs, fid, off, false, buf, NULL, count);
}

ssize_t p9_fs_write(struct p9_fs *fs, uint32_t fid, uint64_t off, const void *buf,
		    uint32_t count)
{
	return p9_fs_io(fs, fid, off, true, NULL, buf, count);
}

int p9_fs_getattr(struct p9_fs *fs, uint32_t fid, struct p9_attr *a)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	struct stat    st;
	int            r;
	if (!f)
		return -EBADF;
	if (f->fd >= 0)
		r = fstat(f->fd, &st) < 0 ? -errno : 0;
	else
		r = p9_lstat(fs, f->path, &st);
	if (r < 0)
		return r;
	*a = (struct p9_attr){
		.mode = st.st_mode, .uid = st.st_uid, .gid = st.st_gid, .nlink = st.st_nlink,
		.rdev = st.st_rdev, .size = (uint64_t)st.st_size, .blksize = (uint64_t)st.st_blksize,
		.blocks = (uint64_t)st.st_blocks,
		.atime_sec = (uint64_t)st.st_atim.tv_sec, .atime_nsec = (uint64_t)st.st_atim.tv_nsec,
		.mtime_sec = (uint64_t)st.st_mtim.tv_sec, .mtime_nsec = (uint64_t)st.st_mtim.tv_nsec,
		.ctime_sec = (uint64_t)st.st_ctim.tv_sec, .ctime_nsec = (uint64_t)st.st_ctim.tv_nsec,
	};
	p9_qid_from_stat(&st, &a->qid);
	return 0;
}

static struct timespec p9_time(uint32_t valid, uint32_t bit, uint32_t set_bit, uint64_t sec,
			       uint64_t nsec)
{
	if (!(valid & bit))
		return (struct timespec){ .tv_nsec = UTIME_OMIT };
	if (!(valid & set_bit))
		return (struct timespec){ .tv_nsec = UTIME_NOW };
	return (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = (long)(nsec % 1000000000) };
}

int p9_fs_setattr(struct p9_fs *fs, uint32_t fid, const struct p9_setattr *s)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	struct stat    st;
	char           proc[64];
	int            r = 0;
	if (!f)
		return -EBADF;
	/* An O_PATH handle on the exact inode (a final symlink is not followed); mode, size and
	 * times go through its /proc/self/fd entry, which names that inode and nothing else. */
	int fd = p9_open(fs, f->path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	bool link = S_ISLNK(st.st_mode);
	if ((s->valid & (P9_SETATTR_MODE | P9_SETATTR_SIZE)) && link) {
		r = -EINVAL;
		goto out;
	}
	if ((s->valid & P9_SETATTR_MODE) && chmod(proc, s->mode & 07777) < 0) {
		r = -errno;
		goto out;
	}
	if (s->valid & (P9_SETATTR_UID | P9_SETATTR_GID)) {
		uid_t uid = (s->valid & P9_SETATTR_UID) ? s->uid : (uid_t)-1;
		gid_t gid = (s->valid & P9_SETATTR_GID) ? s->gid : (gid_t)-1;
		if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
			r = -errno;
			goto out;
		}
	}
	if (s->valid & P9_SETATTR_SIZE) {
		if (!S_ISREG(st.st_mode) || s->size > INT64_MAX) {
			r = -EINVAL;
			goto out;
		}
		if (truncate(proc, (off_t)s->size) < 0) {
			r = -errno;
			goto out;
		}
	}
	if (s->valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME)) {
		struct timespec ts[2] = {
			p9_time(s->valid, P9_SETATTR_ATIME, P9_SETATTR_ATIME_SET, s->atime_sec,
				s->atime_nsec),
			p9_time(s->valid, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET, s->mtime_sec,
				s->mtime_nsec),
		};
		if (!link && utimensat(AT_FDCWD, proc, ts, 0) < 0)
			r = -errno;
	}
out:
	close(fd);
	return r;
}

int p9_fs_readdir(struct p9_fs *fs, uint32_t fid, uint64_t offset, uint32_t count,
		  struct p9_msg *out)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	if (!f)
		return -EBADF;
	if (!f->dir)
		return -ENOTDIR;
	if (offset == 0)
		rewinddir(f->dir);
	else
		seekdir(f->dir, (long)offset);
	for (;;) {
		long           before = telldir(f->dir);
		struct dirent *de;
		errno = 0;
		de    = readdir(f->dir);
		if (!de)
			break;
		size_t need = 13 + 8 + 1 + 2 + strlen(de->d_name);
		if (out->pos + need > count) {
			seekdir(f->dir, before);
			break;
		}
		struct p9_qid q = {
			.type = de->d_type == DT_DIR ? P9_QTDIR
				: de->d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE,
			.path = de->d_ino,
		};
		p9_put_qid(out, &q);
		p9_put_u64(out, (uint64_t)telldir(f->dir));
		p9_put_u8(out, de->d_type);
		p9_put_str(out, de->d_name);
	}
	return 0;
}

int p9_fs_statfs(struct p9_fs *fs, uint32_t fid, struct p9_statfs *s)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	struct statfs  st;
	if (!f)
		return -EBADF;
	int fd = p9_open(fs, f->path, O_PATH);
	if (fd < 0)
		return fd;
	int r = fstatfs(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	uint64_t fsid;
	memcpy(&fsid, &st.f_fsid, sizeof(fsid));
	*s = (struct p9_statfs){
		.type = (uint32_t)st.f_type, .bsize = (uint32_t)st.f_bsize, .blocks = st.f_blocks,
		.bfree = st.f_bfree, .bavail = st.f_bavail, .files = st.f_files,
		.ffree = st.f_ffree, .fsid = fsid, .namelen = (uint32_t)st.f_namelen,
	};
	return 0;
}

/* Run op on (directory of dfid, validated name) and return the new entry's qid. */
static int p9_qid_of(int dfd, const char *name, struct p9_qid *qid)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	p9_qid_from_stat(&st, qid);
	return 0;
}

int p9_fs_mkdir(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t mode,
		struct p9_qid *qid)
{
	if (!p9_name_ok(name))
		return -EINVAL;
	int dfd = p9_dir_fd(fs, dfid);
	if (dfd < 0)
		return dfd;
	int r = mkdirat(dfd, name, mode & 07777) < 0 ? -errno : p9_qid_of(dfd, name, qid);
	close(dfd);
	return r;
}

int p9_fs_symlink(struct p9_fs *fs, uint32_t dfid, const char *name, const char *target,
		  struct p9_qid *qid)
{
	/* any target text is allowed: following it is what RESOLVE_BENEATH confines */
	if (!p9_name_ok(name) || !target[0])
		return -EINVAL;
	int dfd = p9_dir_fd(fs, dfid);
	if (dfd < 0)
		return dfd;
	int r = symlinkat(target, dfd, name) < 0 ? -errno : p9_qid_of(dfd, name, qid);
	close(dfd);
	return r;
}

int p9_fs_mknod(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t mode,
		uint32_t major, uint32_t minor, struct p9_qid *qid)
{
	if (!p9_name_ok(name))
		return -EINVAL;
	/* a device node on the host would be a way out of the share */
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return -EPERM;
	(void)major;
	(void)minor;
	int dfd = p9_dir_fd(fs, dfid);
	if (dfd < 0)
		return dfd;
	int r = mknodat(dfd, name, mode & (S_IFMT | 07777), 0) < 0 ? -errno
								  : p9_qid_of(dfd, name, qid);
	close(dfd);
	return r;
}

int p9_fs_readlink(struct p9_fs *fs, uint32_t fid, char *out, size_t max)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	if (!f)
		return -EBADF;
	int fd = p9_open(fs, f->path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	ssize_t n = readlinkat(fd, "", out, max - 1);
	int     r = n < 0 ? -errno : 0;
	close(fd);
	if (n >= 0)
		out[n] = 0;
	return r;
}

/* The directory fd and last name of a fid's path (not the root). */
static int p9_split(struct p9_fs *fs, struct p9_fid *f, const char **name)
{
	if (strcmp(f->path, ".") == 0)
		return -EBUSY;
	char *parent = p9_parent(f->path);
	if (!parent)
		return -ENOMEM;
	int dfd = p9_open(fs, parent, O_PATH | O_DIRECTORY);
	free(parent);
	const char *slash = strrchr(f->path, '/');
	*name             = slash ? slash + 1 : f->path;
	return dfd;
}

int p9_fs_link(struct p9_fs *fs, uint32_t dfid, uint32_t fid, const char *name)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	const char    *old;
	if (!f)
		return -EBADF;
	if (!p9_name_ok(name))
		return -EINVAL;
	int sfd = p9_split(fs, f, &old);
	if (sfd < 0)
		return sfd;
	int dfd = p9_dir_fd(fs, dfid);
	int r   = dfd < 0 ? dfd : linkat(sfd, old, dfd, name, 0) < 0 ? -errno : 0;
	if (dfd >= 0)
		close(dfd);
	close(sfd);
	return r;
}

/* After a rename, fids below the old path follow the entry to its new place. */
static void p9_fix_paths(struct p9_fs *fs, const char *from, const char *to)
{
	size_t n = strlen(from);
	for (int b = 0; b < P9_FID_BUCKETS; b++) {
		for (struct p9_fid *f = fs->bucket[b]; f; f = f->next) {
			if (strncmp(f->path, from, n) != 0 || (f->path[n] && f->path[n] != '/'))
				continue;
			char *p;
			if (asprintf(&p, "%s%s", to, f->path + n) < 0)
				continue;
			p9_fid_set_path(fs, f, p);
		}
	}
}

static int p9_rename_in(struct p9_fs *fs, int ofd, const char *odir, const char *oname,
			uint32_t newdfid, const char *nname)
{
	struct p9_fid *nd = p9_fid_find(fs, newdfid);
	if (!nd)
		return -EBADF;
	if (!p9_name_ok(oname) || !p9_name_ok(nname))
		return -EINVAL;
	int nfd = p9_open(fs, nd->path, O_PATH | O_DIRECTORY);
	if (nfd < 0)
		return nfd;
	int r = renameat(ofd, oname, nfd, nname) < 0 ? -errno : 0;
	close(nfd);
	if (r == 0) {
		char *from = p9_join(odir, oname), *to = p9_join(nd->path, nname);
		if (from && to)
			p9_fix_paths(fs, from, to);
		free(from);
		free(to);
	}
	return r;
}

int p9_fs_renameat(struct p9_fs *fs, uint32_t olddfid, const char *oldname, uint32_t newdfid,
		   const char *newname)
{
	struct p9_fid *od = p9_fid_find(fs, olddfid);
	if (!od)
		return -EBADF;
	int ofd = p9_open(fs, od->path, O_PATH | O_DIRECTORY);
	if (ofd < 0)
		return ofd;
	int r = p9_rename_in(fs, ofd, od->path, oldname, newdfid, newname);
	close(ofd);
	return r;
}

int p9_fs_rename(struct p9_fs *fs, uint32_t fid, uint32_t dfid, const char *name)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	const char    *old;
	if (!f)
		return -EBADF;
	int ofd = p9_split(fs, f, &old);
	if (ofd < 0)
		return ofd;
	char *odir  = p9_parent(f->path);
	char *oname = strdup(old);
	int   r     = odir && oname ? p9_rename_in(fs, ofd, odir, oname, dfid, name) : -ENOMEM;
	free(odir);
	free(oname);
	close(ofd);
	return r;
}

int p9_fs_unlinkat(struct p9_fs *fs, uint32_t dfid, const char *name, uint32_t flags)
{
	if (!p9_name_ok(name))
		return -EINVAL;
	int dfd = p9_dir_fd(fs, dfid);
	if (dfd < 0)
		return dfd;
	int r = unlinkat(dfd, name, (flags & P9_AT_REMOVEDIR) ? AT_REMOVEDIR : 0) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

int p9_fs_remove(struct p9_fs *fs, uint32_t fid)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	const char    *name;
	struct stat    st;
	if (!f)
		return -EBADF;
	int dfd = p9_split(fs, f, &name);
	int r   = dfd;
	if (dfd >= 0) {
		r = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
		if (r == 0 && unlinkat(dfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			r = -errno;
		close(dfd);
	}
	p9_fs_clunk(fs, fid); /* Tremove clunks the fid even when removing failed */
	return r;
}

int p9_fs_fsync(struct p9_fs *fs, uint32_t fid, bool datasync)
{
	struct p9_fid *f = p9_fid_find(fs, fid);
	if (!f)
		return -EBADF;
	if (f->fd < 0)
		return 0;
	return (datasync ? fdatasync(f->fd) : fsync(f->fd)) < 0 ? -errno : 0;
}
