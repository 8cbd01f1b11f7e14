/* The paravirtual devices and the factory machines use to create them from a vm_config.
 * A machine maps each slot's window (virtio_mmio_ops, VIRTIO_MMIO_SIZE bytes) at an address
 * of its choosing, connects an interrupt line with virtio_mmio_set_irq(), then starts the
 * event loop. See docs/devices.md. */
#ifndef CELLA_HW_VIRTIO_DEVICES_H
#define CELLA_HW_VIRTIO_DEVICES_H

#include <stdbool.h>

#include "base/error.h"
#include "base/loop.h"
#include "hw/bus.h"
#include "vm/config.h"

struct virtio_dev;

/* Constructors. Each returns 0 and the device in *out. Free with virtio_dev_free(), after
 * loop_stop() for a device whose backend is on a loop (console input, net, notifiers). */
int virtio_blk_new(struct virtio_dev **out, const char *path, bool readonly,
		   const struct guest_mem *mem, struct cerr *e);
int virtio_rng_new(struct virtio_dev **out, const struct guest_mem *mem, struct cerr *e);
/* Port 0 of a console: guest output is written to out_fd; input is read from in_fd (-1: none)
 * on the loop thread. The device closes the fds it is given when own_fds. */
int virtio_console_new(struct virtio_dev **out, int in_fd, int out_fd, bool own_fds,
		       struct loop *loop, const struct guest_mem *mem, struct cerr *e);
/* A 9P2000.L share of host folder dir under mount tag tag. */
int virtio_9p_new(struct virtio_dev **out, const char *dir, const char *tag,
		  const struct guest_mem *mem, struct cerr *e);
/* A network card with a user-mode (libslirp) or tap backend, serviced on the loop thread. */
int virtio_net_new(struct virtio_dev **out, const struct vm_net *net, struct loop *loop,
		   const struct guest_mem *mem, struct cerr *e);

#define VIRTIO_MAX_DEVICES 16

struct virtio_slot {
	const char           *name;    /* "virtio-blk0", "virtio-net0", ... */
	const struct bus_ops *ops;     /* &virtio_mmio_ops */
	void                 *opaque;  /* the struct virtio_dev */
	uint64_t              size;    /* VIRTIO_MMIO_SIZE */
	char                  name_buf[24];
};

/* Every device of a VM and the event loop their backends run on. Slot i is meant for the
 * machine's i-th virtio-mmio window and interrupt. */
struct virtio_devices {
	int                n;
	struct virtio_slot slot[VIRTIO_MAX_DEVICES];
	struct loop       *loop;
};

/* Create the devices cfg asks for (drives, nets, shares, rng, console_file), in that order,
 * plus the event loop (not yet running). On error nothing is left allocated. */
int virtio_devices_create(struct virtio_devices *set, const struct vm_config *cfg,
			  const struct guest_mem *mem, struct cerr *e);
/* Start the event loop thread (after the machine wired the slots). */
int virtio_devices_start(struct virtio_devices *set, struct cerr *e);
/* Stop the loop and free every device. */
void virtio_devices_free(struct virtio_devices *set);

#endif
