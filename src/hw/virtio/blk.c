/* virtio-blk (virtio 1.2 §5.2) on a raw image file: read, write, flush, get-ID, read-only.
 * Requests are served synchronously on the notifying thread (a vCPU or the ioeventfd thread)
 * with preadv/pwritev straight to the file, so a completed write is in the file (page cache)
 * and a guest flush is an fdatasync: killing cella never leaves a half-written request or a
 * corrupted image. Anything a request asks beyond the image fails with IOERR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

#define VIRTIO_BLK_F_SEG_MAX  (1ULL << 2)
#define VIRTIO_BLK_F_RO       (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH    (1ULL << 9)

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define BLK_SECTOR   512
#define BLK_ID_BYTES 20
#define BLK_QUEUE    256
/* Far above what Linux sends (about 1 MiB), low enough that one request cannot keep a vCPU
 * thread in preadv for minutes. */
#define BLK_MAX_DATA (64u << 20)

struct blk_config {           /* the leading fields of struct virtio_blk_config */
	uint64_t capacity;    /* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t  heads, sectors;
	uint32_t blk_size;
	uint8_t  rest[36];
} __attribute__((packed));

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct virtio_blk {
	struct virtio_dev vdev;
	struct blk_config config;
	int               fd;
	bool              readonly;
	uint64_t          sectors;
	char              serial[BLK_ID_BYTES];
	struct iovec      data[VIRTQ_MAX_SEGS];
};

/* Whole-length positional I/O: the kernel may return short counts. */
static int blk_rw(struct virtio_blk *b, bool write, struct iovec *iov, unsigned n, off_t off)
{
	while (n > 0) {
		ssize_t r = write ? pwritev(b->fd, iov, (int)n, off) : preadv(b->fd, iov, (int)n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (write)
				return -1;
			/* the file shrank under us: what is missing reads as zeros */
			for (unsigned i = 0; i < n; i++)
				memset(iov[i].iov_base, 0, iov[i].iov_len);
			return 0;
		}
		off += r;
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

static bool blk_in_range(struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	if (len % BLK_SECTOR || len > BLK_MAX_DATA)
		return false;
	return sector <= b->sectors && len / BLK_SECTOR <= b->sectors - sector;
}

/* One request; returns the used length (bytes written into the writable part) or -1 when
 * the chain is too malformed to answer (no header or no status byte). */
static int blk_handle(struct virtio_blk *b, struct virtq_elem *el)
{
	struct virtio_dev *d = &b->vdev;
	struct blk_req_hdr h;
	struct iovec      *in = el->iov + el->n_out;
	uint8_t            status = VIRTIO_BLK_S_OK;
	size_t             got, written = 0;
	unsigned           n;

	if (el->in_len < 1 || el->in_len > UINT32_MAX ||
	    iov_to_buf(el->iov, el->n_out, 0, &h, sizeof(h)) != sizeof(h)) {
		virtio_dev_fail(d, "request without header or status byte");
		return -1;
	}
	uint64_t sector = le64toh(h.sector), data_in = el->in_len - 1;
	switch (le32toh(h.type)) {
	case VIRTIO_BLK_T_IN:
		n = iov_slice(in, el->n_in, 0, data_in, b->data, VIRTQ_MAX_SEGS, &got);
		if (!blk_in_range(b, sector, data_in) ||
		    blk_rw(b, false, b->data, n, (off_t)(sector * BLK_SECTOR)) < 0)
			status = VIRTIO_BLK_S_IOERR;
		else
			written = data_in;
		break;
	case VIRTIO_BLK_T_OUT: {
		uint64_t len = el->out_len - sizeof(h);
		n = iov_slice(el->iov, el->n_out, sizeof(h), len, b->data, VIRTQ_MAX_SEGS, &got);
		if (b->readonly || !blk_in_range(b, sector, len) ||
		    blk_rw(b, true, b->data, n, (off_t)(sector * BLK_SECTOR)) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		if (!b->readonly && fdatasync(b->fd) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[BLK_ID_BYTES] = { 0 };
		memcpy(id, b->serial, sizeof(id));
		written = iov_from_buf(in, el->n_in, 0, id, data_in < sizeof(id) ? data_in : sizeof(id));
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	iov_from_buf(in, el->n_in, data_in, &status, 1);
	return (int)(written + 1);
}

static void blk_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_blk *b  = (struct virtio_blk *)d;
	struct virtq      *vq = &d->vq[q];

	while (virtq_pop(d, vq, d->elem) == 1) {
		int len = blk_handle(b, d->elem);
		if (len < 0)
			return;
		virtq_push(d, vq, d->elem->head, (uint32_t)len);
	}
	virtq_notify_guest(d, vq);
}

static void blk_destroy(struct virtio_dev *d)
{
	struct virtio_blk *b = (struct virtio_blk *)d;

	if (b->fd >= 0)
		close(b->fd);
	free(b);
}

static const struct virtio_dev_ops blk_ops = {
	.queue_notify = blk_notify,
	.destroy      = blk_destroy,
};

int virtio_blk_new(struct virtio_dev **out, const char *path, bool readonly,
		   const struct guest_mem *mem, struct cerr *e)
{
	cleanup_close int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	struct stat       st;

	if (fd < 0)
		return cerr_set(e, errno, "drive `%s`", path);
	if (fstat(fd, &st) < 0)
		return cerr_set(e, errno, "drive `%s`", path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return cerr_set(e, EINVAL, "drive `%s`: not a regular file or block device", path);
	/* two writers on one image would corrupt it: refuse like QEMU does */
	if (flock(fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		return cerr_set(e, errno, "drive `%s`: in use by another process", path);
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return cerr_set(e, errno, "drive `%s`: size", path);

	struct virtio_blk *b = calloc(1, sizeof(*b));
	if (!b)
		return cerr_set(e, ENOMEM, "drive `%s`", path);
	b->readonly         = readonly;
	b->sectors          = (uint64_t)size / BLK_SECTOR;
	b->config.capacity  = htole64(b->sectors);
	b->config.seg_max   = htole32(VIRTQ_MAX_SEGS - 2);
	b->config.blk_size  = htole32(BLK_SECTOR);
	const char *base    = strrchr(path, '/');
	base                = base ? base + 1 : path;
	memcpy(b->serial, base, strnlen(base, sizeof(b->serial)));
	uint64_t features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
			    (readonly ? VIRTIO_BLK_F_RO : 0);
	if (virtio_dev_init(&b->vdev, "blk", VIRTIO_ID_BLOCK, &blk_ops, 1, BLK_QUEUE, features,
			    &b->config, sizeof(b->config), mem, e) < 0) {
		free(b);
		return cerr_wrap(e, "drive `%s`", path);
	}
	b->fd = steal_fd(fd);
	*out  = &b->vdev;
	return 0;
}
