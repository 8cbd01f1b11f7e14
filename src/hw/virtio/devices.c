/* The device factory: turns a vm_config's drives, nets, shares, rng and console file into
 * virtio devices, one slot each, in a fixed order, so the RISC-V board and the KVM monitor
 * expose the same devices in the same order. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio/devices.h"
#include "hw/virtio/virtio.h"

static int slot_add(struct virtio_devices *set, struct virtio_dev *d, const char *kind,
		    int index, struct cerr *e)
{
	if (set->n >= VIRTIO_MAX_DEVICES) {
		virtio_dev_free(d);
		return cerr_set(e, ENOSPC, "more than %d virtio devices", VIRTIO_MAX_DEVICES);
	}
	struct virtio_slot *s = &set->slot[set->n++];
	snprintf(s->name_buf, sizeof(s->name_buf), "virtio-%s%d", kind, index);
	s->name   = s->name_buf;
	s->ops    = &virtio_mmio_ops;
	s->opaque = d;
	s->size   = VIRTIO_MMIO_SIZE;
	return 0;
}

int virtio_devices_create(struct virtio_devices *set, const struct vm_config *cfg,
			  const struct guest_mem *mem, struct cerr *e)
{
	struct virtio_dev *d;

	memset(set, 0, sizeof(*set));
	if (loop_new(&set->loop, e) < 0)
		return -1;
	for (int i = 0; i < cfg->n_drives; i++) {
		if (virtio_blk_new(&d, cfg->drive[i].file, cfg->drive[i].readonly, mem, e) < 0 ||
		    slot_add(set, d, "blk", i, e) < 0)
			goto fail;
	}
	for (int i = 0; i < cfg->n_nets; i++) {
		if (virtio_net_new(&d, &cfg->net[i], set->loop, mem, e) < 0 ||
		    slot_add(set, d, "net", i, e) < 0)
			goto fail;
	}
	for (int i = 0; i < cfg->n_shares; i++) {
		if (virtio_9p_new(&d, cfg->share[i].dir, cfg->share[i].tag, mem, e) < 0 ||
		    slot_add(set, d, "9p", i, e) < 0)
			goto fail;
	}
	if (cfg->rng) {
		if (virtio_rng_new(&d, mem, e) < 0 || slot_add(set, d, "rng", 0, e) < 0)
			goto fail;
	}
	if (cfg->console_file) {
		int fd = open(cfg->console_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			cerr_set(e, errno, "console file `%s`", cfg->console_file);
			goto fail;
		}
		if (virtio_console_new(&d, -1, fd, true, set->loop, mem, e) < 0) {
			close(fd);
			goto fail;
		}
		if (slot_add(set, d, "console", 0, e) < 0)
			goto fail;
	}
	return 0;
fail:
	virtio_devices_free(set);
	return -1;
}

int virtio_devices_start(struct virtio_devices *set, struct cerr *e)
{
	return loop_start(set->loop, e);
}

void virtio_devices_free(struct virtio_devices *set)
{
	if (set->loop)
		loop_stop(set->loop);
	for (int i = 0; i < set->n; i++)
		virtio_dev_free(set->slot[i].opaque);
	set->n = 0;
	loop_free(set->loop);
	set->loop = NULL;
}
