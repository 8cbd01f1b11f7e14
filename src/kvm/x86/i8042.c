/* The i8042 keyboard controller, as much as a kernel probes (see i8042.h). */
#include "kvm/x86/i8042.h"

#include "base/log.h"

#define STR_OBF   0x01  /* output buffer full: the data port has a byte */
#define STR_SYS   0x04  /* system flag: self-test passed */
#define CTR_KBDINT 0x01

static void i8042_push(struct i8042 *k, uint8_t v, bool from_keyboard)
{
	if (k->out_count == sizeof(k->out))
		return;
	k->out[(k->out_head + k->out_count++) % sizeof(k->out)] = v;
	/* one edge per byte from the keyboard when its interrupt is enabled */
	if (from_keyboard && (k->ctr & CTR_KBDINT)) {
		irq_set(&k->irq, 1);
		irq_set(&k->irq, 0);
	}
}

static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case 0x20: i8042_push(k, k->ctr, false); break;      /* read configuration byte */
	case 0x60: case 0xd1: case 0xd3: case 0xd4:           /* a data byte follows */
		k->pending = cmd;
		break;
	case 0xa7: k->ctr |= 0x20; break;                     /* disable the aux port */
	case 0xa8: k->ctr &= (uint8_t)~0x20; break;
	case 0xa9: i8042_push(k, 0xff, false); break;         /* aux test: no aux port */
	case 0xaa: i8042_push(k, 0x55, false); break;         /* controller self-test passed */
	case 0xab: i8042_push(k, 0x00, false); break;         /* keyboard interface test ok */
	case 0xad: k->ctr |= 0x10; break;                     /* disable the keyboard */
	case 0xae: k->ctr &= (uint8_t)~0x10; break;
	case 0xd0: i8042_push(k, 0x01, false); break;         /* output port: reset line high */
	case 0xfe:                                            /* pulse the CPU reset line */
		log_debug("guest reset the machine through the i8042");
		kvm_vm_stop(k->vm, 0);
		break;
	default:
		log_debug("i8042: command %#x ignored", cmd);
		break;
	}
}

static void i8042_data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case 0x60: k->ctr = v; break;
	case 0xd1:                                           /* output port: bit 0 is reset */
		if (!(v & 1))
			kvm_vm_stop(k->vm, 0);
		break;
	case 0xd3: break;                                    /* no aux port to loop through */
	case 0xd4: break;
	default:
		i8042_push(k, 0xfa, true);                   /* the keyboard acknowledges */
		if (v == 0xff)
			i8042_push(k, 0xaa, true);           /* ...and passes its reset test */
		break;
	}
}

static uint64_t i8042_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8042 *k = opaque;
	uint8_t       v = 0;

	(void)size;
	pthread_mutex_lock(&k->lock);
	if (off == 0) {
		if (k->out_count) {
			v = k->out[k->out_head];
			k->out_head = (k->out_head + 1) % sizeof(k->out);
			k->out_count--;
		}
	} else if (off == I8042_CMD_PORT - I8042_DATA_PORT) {
		v = STR_SYS | (k->out_count ? STR_OBF : 0);
	}
	pthread_mutex_unlock(&k->lock);
	return v;
}

static void i8042_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
	struct i8042 *k = opaque;

	(void)size;
	pthread_mutex_lock(&k->lock);
	if (off == 0)
		i8042_data(k, (uint8_t)value);
	else if (off == I8042_CMD_PORT - I8042_DATA_PORT)
		i8042_command(k, (uint8_t)value);
	pthread_mutex_unlock(&k->lock);
}

static const struct bus_ops i8042_ops = { .read = i8042_read, .write = i8042_write };

int i8042_map(struct i8042 *k, struct kvm_vm *vm, struct cerr *e)
{
	pthread_mutex_init(&k->lock, NULL);
	k->vm  = vm;
	k->irq = kvm_vm_irq_line(vm, I8042_IRQ);
	k->ctr = 0x45;  /* keyboard interrupt on, system flag, scancode translation */
	/* 0x60..0x64: port 0x61 (the speaker) inside the window is handled by KVM's PIT first */
	return bus_map(&vm->pio, "i8042", I8042_DATA_PORT, 5, &i8042_ops, k, e);
}

void i8042_destroy(struct i8042 *k)
{
	pthread_mutex_destroy(&k->lock);
}
