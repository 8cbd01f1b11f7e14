/* The HTIF commands of htif.h, as Spike and QEMU's spike machine carry them out. */
#include "target/riscv/htif.h"

#include <stdio.h>
#include <unistd.h>

#define HTIF_SYS_WRITE 64
#define HTIF_SYS_EXIT  93

/* An exit status from a test number: QEMU exits with the number itself. */
static int htif_status(uint64_t code)
{
	if (code == 0)
		return 0;
	return (code & 0xff) ? (int)(code & 0xff) : 1;
}

static void htif_end(struct rv_htif *h, uint64_t code)
{
	if (atomic_exchange(&h->ended, true))
		return; /* another hart's write ended it first */
	if (code)
		fprintf(stderr, "cella: test %llu failed\n", (unsigned long long)code);
	h->end(h->opaque, htif_status(code));
}

static void htif_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return; /* nowhere to report it: the output is lost, the program runs on */
		p += w;
		n -= (size_t)w;
	}
}

/* The syscall proxy of riscv-tests' benchmarks: magic_mem = { number, a0, a1, a2 }. */
static void htif_syscall(struct rv_htif *h, uint64_t addr)
{
	uint64_t mm[4];

	if (guest_mem_read(h->mem, addr, mm, sizeof(mm)) < 0)
		return;
	if (mm[0] == HTIF_SYS_EXIT) {
		htif_end(h, mm[1]);
		return;
	}
	if (mm[0] == HTIF_SYS_WRITE && (mm[1] == 1 || mm[1] == 2) && mm[3] < (1u << 20)) {
		const void *p = guest_mem_ptr(h->mem, mm[2], mm[3]);
		if (p)
			htif_write_all(mm[1] == 1 ? h->out_fd : STDERR_FILENO, p, mm[3]);
		mm[0] = p ? mm[3] : (uint64_t)-14;  /* -EFAULT */
	} else {
		mm[0] = (uint64_t)-38;              /* -ENOSYS */
	}
	guest_mem_write(h->mem, addr, mm, sizeof(mm[0]));
}

void rv_htif_tohost_written(struct rv_htif *h)
{
	uint64_t v, zero = 0;

	if (atomic_load(&h->ended) || guest_mem_read(h->mem, h->tohost, &v, sizeof(v)) < 0 || v == 0)
		return;
	unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
	uint64_t payload = v & ((1ull << 48) - 1);
	uint64_t ack     = (uint64_t)dev << 56 | (uint64_t)cmd << 48;

	if (dev == 0 && cmd == 0) {
		if (payload & 1) {
			htif_end(h, payload >> 1);
			return;
		}
		htif_syscall(h, payload);
		ack = 1;
	} else if (dev == 1 && cmd == 1) {
		char c = (char)(payload & 0xff);
		htif_write_all(h->out_fd, &c, 1);
	}
	guest_mem_write(h->mem, h->tohost, &zero, sizeof(zero));
	if (h->fromhost)
		guest_mem_write(h->mem, h->fromhost, &ack, sizeof(ack));
}
