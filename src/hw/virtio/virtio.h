/* The virtio device core shared by every paravirtual device: the device state a transport
 * exposes (features, status, queues, config space, interrupt status), split virtqueues, and
 * the iovec helpers device models use. Machine-independent: a device sees guest memory through
 * struct guest_mem and raises its struct irq_line, nothing else. See docs/devices.md. */
#ifndef CELLA_HW_VIRTIO_VIRTIO_H
#define CELLA_HW_VIRTIO_VIRTIO_H

#include <endian.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "base/error.h"
#include "hw/bus.h"

/* Device IDs (virtio 1.2 §5). */
#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG     4
#define VIRTIO_ID_9P      9

/* Transport and ring feature bits (§6). */
#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTIO_F_EVENT_IDX     (1ULL << 29)
#define VIRTIO_F_VERSION_1     (1ULL << 32)

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

/* InterruptStatus bits. */
#define VIRTIO_INT_VRING  0x1
#define VIRTIO_INT_CONFIG 0x2

/* Descriptor flags and ring flags (§2.7). */
#define VIRTQ_DESC_F_NEXT         1
#define VIRTQ_DESC_F_WRITE        2
#define VIRTQ_DESC_F_INDIRECT     4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY    1

#define VIRTIO_MAX_QUEUES 4
#define VIRTQ_MAX_SIZE    1024   /* largest QueueNumMax a device offers */
#define VIRTQ_MAX_SEGS    1024   /* largest chain (direct + indirect) accepted */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* num entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t               flags;
	uint16_t               idx;
	struct virtq_used_elem ring[]; /* num entries, then avail_event */
};

/* One split virtqueue. The guest-visible setup (num, ring addresses) is written through the
 * transport; the host pointers are resolved and checked once when the driver sets QueueReady. */
struct virtq {
	uint16_t            num;
	bool                ready;
	uint64_t            desc_gpa, avail_gpa, used_gpa;
	struct virtq_desc  *desc;
	struct virtq_avail *avail;
	struct virtq_used  *used;
	uint16_t            last_avail;     /* next avail entry the device will take */
	uint16_t            used_idx;       /* the device's copy of used->idx */
	uint16_t            signalled_used; /* used_idx when the guest was last interrupted */
	bool                signalled_valid;
};

/* A popped descriptor chain: iov[0, n_out) is device-readable, iov[n_out, n_out + n_in) is
 * device-writable; the host pointers lie inside guest RAM. */
struct virtq_elem {
	uint16_t     head;
	unsigned     n_out, n_in;
	uint64_t     out_len, in_len;
	struct iovec iov[VIRTQ_MAX_SEGS];
};

struct virtio_dev;

struct virtio_dev_ops {
	/* The driver notified queue q (or the device wants it re-polled). Lock held. */
	void (*queue_notify)(struct virtio_dev *d, unsigned q);
	/* The driver reset the device: drop in-flight state. Lock held. Optional. */
	void (*reset)(struct virtio_dev *d);
	/* The driver set DRIVER_OK: e.g. start reading a backend. Lock held. Optional. */
	void (*driver_ok)(struct virtio_dev *d);
	/* A write into the config space (already bounds-checked). Lock held. Optional. */
	void (*config_write)(struct virtio_dev *d, unsigned offset, unsigned size, uint64_t value);
	/* Free the device model (lock not held, nothing else runs). */
	void (*destroy)(struct virtio_dev *d);
};

/* The state of one virtio device as its transport sees it. Device models embed it first. One
 * lock per device serialises register accesses (vCPU threads), notifications (ioeventfd or
 * vCPU threads) and backend callbacks (the event loop thread). */
struct virtio_dev {
	const char                  *name;
	const struct virtio_dev_ops *ops;
	pthread_mutex_t              lock;
	const struct guest_mem      *mem;
	struct irq_line              irq;
	uint32_t                     device_id;
	uint64_t                     host_features, guest_features;
	uint32_t                     host_features_sel, guest_features_sel, queue_sel;
	uint32_t                     status, isr, config_generation;
	uint8_t                     *config;
	uint32_t                     config_len;
	unsigned                     n_queues;
	uint16_t                     queue_max;
	struct virtq                 vq[VIRTIO_MAX_QUEUES];
	struct virtq_elem           *elem;   /* scratch for queue processing (lock held) */
	struct virtio_notifier {             /* ioeventfds watched by virtio_mmio_watch_notify */
		struct virtio_dev *dev;
		struct loop       *loop;
		int                fd, watch;
		unsigned           q;
	} notifier[VIRTIO_MAX_QUEUES];
	char                         broken[160]; /* why NEEDS_RESET was set, "" if not */
	unsigned                     n_failures;  /* guest errors so far (to cap the log) */
};

/* Set up the common part. features: the device's own bits; VERSION_1, INDIRECT_DESC and
 * EVENT_IDX are added here. config points into the device model (little-endian fields). */
int virtio_dev_init(struct virtio_dev *d, const char *name, uint32_t device_id,
		    const struct virtio_dev_ops *ops, unsigned n_queues, uint16_t queue_max,
		    uint64_t features, void *config, uint32_t config_len,
		    const struct guest_mem *mem, struct cerr *e);
/* Release the common part and the model (ops->destroy). */
void virtio_dev_free(struct virtio_dev *d);

static inline bool virtio_has_feature(const struct virtio_dev *d, uint64_t bit)
{
	return (d->guest_features & bit) != 0;
}

/* The device is usable: DRIVER_OK set and not in its error state. */
static inline bool virtio_dev_live(const struct virtio_dev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) && !(d->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* A guest broke the protocol: set DEVICE_NEEDS_RESET, raise a config interrupt and stop
 * touching the queues until the driver resets the device. Lock held. */
void virtio_dev_fail(struct virtio_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Raise bits of InterruptStatus and assert the line. Lock held. */
void virtio_dev_interrupt(struct virtio_dev *d, uint32_t bits);

/* Config space contents changed: bump ConfigGeneration and interrupt. Lock held. */
void virtio_dev_config_changed(struct virtio_dev *d);

/* Resolve and check queue q's rings (QueueReady=1). false: device failed. Lock held. */
bool virtq_enable(struct virtio_dev *d, unsigned q);

/* Take the next available chain into *el. 1: got one; 0: queue empty (with EVENT_IDX the
 * device has asked to be notified of the next buffer); -1: the chain was malformed and the
 * device is now in its error state. Lock held. */
int virtq_pop(struct virtio_dev *d, struct virtq *vq, struct virtq_elem *el);

/* Return a chain to the driver with len bytes written into its writable part. Lock held. */
void virtq_push(struct virtio_dev *d, struct virtq *vq, uint16_t head, uint32_t len);

/* After one or more pushes: interrupt the guest unless it asked not to be (flags or
 * used_event). Lock held. */
void virtq_notify_guest(struct virtio_dev *d, struct virtq *vq);

/* iovec helpers: copy between an iovec array (starting at byte offset off) and a buffer.
 * Return the bytes copied (short when the iovecs end). */
size_t iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned n, size_t off, const void *buf,
		    size_t len);
/* Describe bytes [off, off+len) of iov as a new iovec array in out (at most max entries).
 * Returns the number of entries; *got is the bytes covered. */
unsigned iov_slice(const struct iovec *iov, unsigned n, size_t off, size_t len,
		   struct iovec *out, unsigned max, size_t *got);

/* The virtio-mmio version 2 transport (virtio 1.2 §4.2.2): a 0x200-byte register window. */
#define VIRTIO_MMIO_SIZE 0x200
extern const struct bus_ops virtio_mmio_ops;   /* opaque: the struct virtio_dev */

/* Connect the device's interrupt line (the machine's PLIC/IOAPIC input, or an irqfd). The
 * line is level-triggered: set(1) on every new interrupt, set(0) once InterruptStatus is
 * acknowledged to zero. The machine's set() must not call back into the device. */
void virtio_mmio_set_irq(struct virtio_dev *d, struct irq_line line);

/* The driver wrote q to QueueNotify: what the KVM monitor's ioeventfd thread calls directly
 * (the register path of virtio_mmio_ops calls it too). Thread-safe. */
void virtio_mmio_notify(struct virtio_dev *d, unsigned q);

/* Offset of QueueNotify in the window, for registering an ioeventfd. */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050

struct loop;
/* For a KVM ioeventfd: when fd (an eventfd the guest's write of q to QueueNotify signals)
 * becomes readable, the loop thread drains it and calls virtio_mmio_notify(d, q). The device
 * stops watching when freed; the caller keeps owning fd. Call before the loop runs. */
int virtio_mmio_watch_notify(struct virtio_dev *d, struct loop *loop, int fd, unsigned q,
			     struct cerr *e);

#endif
