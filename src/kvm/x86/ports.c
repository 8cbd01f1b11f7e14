/* Legacy PC ports: the debug-exit port and port 0x80 (see ports.h). */
#include "kvm/x86/ports.h"

#include "base/log.h"

/* Both ports read as zero. */
static uint64_t ports_read_zero(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)size;
	return 0;
}

/* QEMU's isa-debug-exit convention, so one test guest gives the same status under both. */
static void debug_exit_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	(void)off;
	if (size < 4)
		value &= (1ull << (8 * size)) - 1;
	log_debug("guest wrote %#llx to the debug-exit port", (unsigned long long)value);
	kvm_vm_stop(opaque, (int)(((value << 1) | 1) & 0xff));
}

static void post_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)value;
	(void)size;
}

static const struct bus_ops debug_exit_ops = { .read = ports_read_zero, .write = debug_exit_write };
static const struct bus_ops post_ops       = { .read = ports_read_zero, .write = post_write };

int x86_ports_map(struct kvm_vm *vm, struct cerr *e)
{
	if (bus_map(&vm->pio, "debug-exit", X86_PORT_DEBUG_EXIT, 2, &debug_exit_ops, vm, e) < 0 ||
	    bus_map(&vm->pio, "post", X86_PORT_POST, 1, &post_ops, vm, e) < 0)
		return -1;
	return 0;
}
