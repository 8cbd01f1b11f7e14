/* The bare-metal riscv64 machine behind `cella vm --arch riscv64 --bios none --kernel X.elf`:
 * RAM at 0x80000000, the ELF's segments loaded, --smp harts started together at the entry in
 * M-mode (a0 = hartid), each in its own thread, and two ways for a program to end: HTIF
 * tohost (the riscv-tests convention) and the QEMU-virt "test" finisher at 0x100000. The full
 * board (issue 5) grows from this. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/elf.h"
#include "base/file.h"
#include "target/riscv/cpu.h"
#include "target/riscv/machine.h"
#include "vm/machine.h"

#define RV_RAM_BASE   0x80000000ull
#define RV_FINISHER   0x100000ull

struct rv_bare {
	struct rv_hart  *hart[64];
	unsigned         n_harts;
	pthread_mutex_t  lock;    /* HTIF and the end state: harts report from their threads */
	struct guest_mem mem;
	struct bus       bus;
	uint64_t         tohost, fromhost;
	/* how the guest ended: status 0 = pass, >0 = the failed test's number */
	bool             ended;
	uint64_t         status;
};

/* Called with m->lock held. */
static void rv_bare_end(struct rv_bare *m, uint64_t status)
{
	if (!m->ended) {
		m->ended  = true;
		m->status = status;
	}
	for (unsigned i = 0; i < m->n_harts; i++)
		rv_hart_stop(m->hart[i]);
}

/* The HTIF syscall proxy (riscv-tests' benchmarks): magic_mem = {num, a0, a1, a2, ...}. */
static void rv_htif_syscall(struct rv_bare *m, uint64_t addr)
{
	uint64_t mm[4];
	if (guest_mem_read(&m->mem, addr, mm, sizeof(mm)) < 0)
		return;
	if (mm[0] == 93) { /* exit */
		rv_bare_end(m, mm[1]);
		return;
	}
	if (mm[0] == 64 && (mm[1] == 1 || mm[1] == 2)) { /* write to stdout/stderr */
		const void *p = guest_mem_ptr(&m->mem, mm[2], mm[3]);
		if (p && mm[3] < (1u << 20)) {
			fwrite(p, 1, mm[3], stdout);
			fflush(stdout);
		}
		mm[0] = p ? mm[3] : (uint64_t)-14;
	} else {
		mm[0] = (uint64_t)-38; /* ENOSYS */
	}
	guest_mem_write(&m->mem, addr, mm, 8);
}

static void rv_htif_watch(void *opaque, struct rv_hart *h, uint64_t pa)
{
	struct rv_bare *m = opaque;
	uint64_t        v, ack;

	(void)h;
	(void)pa;
	pthread_mutex_lock(&m->lock);
	if (guest_mem_read(&m->mem, m->tohost, &v, 8) < 0 || v == 0) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	unsigned dev = (unsigned)(v >> 56), cmd = (unsigned)(v >> 48) & 0xff;
	uint64_t payload = v & ((1ull << 48) - 1);
	if (dev == 0 && cmd == 0) {
		if (payload & 1) {
			rv_bare_end(m, payload >> 1);
			pthread_mutex_unlock(&m->lock);
			return;
		}
		rv_htif_syscall(m, payload);
		ack = 1;
	} else if (dev == 1 && cmd == 1) {
		putchar((int)(payload & 0xff));
		if ((payload & 0xff) == '\n')
			fflush(stdout);
		ack = (uint64_t)dev << 56 | (uint64_t)cmd << 48;
	} else {
		ack = (uint64_t)dev << 56 | (uint64_t)cmd << 48;
	}
	uint64_t zero = 0;
	guest_mem_write(&m->mem, m->tohost, &zero, 8);
	if (m->fromhost)
		guest_mem_write(&m->mem, m->fromhost, &ack, 8);
	pthread_mutex_unlock(&m->lock);
}

/* QEMU virt's "test" device: 0x5555 pass, 0x3333 | code << 16 fail, 0x7777 reset (= end). */
static uint64_t rv_finisher_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque; (void)off; (void)size;
	return 0;
}

static void rv_finisher_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	struct rv_bare *m = opaque;

	(void)size;
	if (off != 0)
		return;
	pthread_mutex_lock(&m->lock);
	if ((v & 0xffff) == 0x5555 || (v & 0xffff) == 0x7777)
		rv_bare_end(m, 0);
	else if ((v & 0xffff) == 0x3333)
		rv_bare_end(m, (v >> 16) ? (v >> 16) : 1);
	pthread_mutex_unlock(&m->lock);
}

static const struct bus_ops rv_finisher_ops = { rv_finisher_read, rv_finisher_write };

static void *rv_hart_thread(void *arg)
{
	struct rv_hart *h = arg;
	rv_hart_run(h, 0);
	return NULL;
}

static int rv_load_elf(struct rv_bare *m, const char *path, uint64_t *entry, struct cerr *e)
{
	cleanup_free char *data = NULL;
	size_t             len;
	struct elf_file    elf;

	if (file_read_all(path, &data, &len, e) < 0)
		return -1;
	if (elf_parse(&elf, data, len, path, e) < 0)
		return -1;
	if (elf.machine != ELF_EM_RISCV)
		return cerr_set(e, 0, "%s: not a RISC-V ELF file (machine %u)", path, elf.machine);
	for (int i = 0; i < elf.n_seg; i++) {
		const struct elf_segment *s = &elf.seg[i];
		if (s->memsz == 0)
			continue;
		if (!guest_mem_ptr(&m->mem, s->paddr, s->memsz))
			return cerr_set(e, 0, "%s: segment at %#llx (%llu bytes) lies outside RAM "
					"(%#llx, %llu MiB; see -m)", path,
					(unsigned long long)s->paddr, (unsigned long long)s->memsz,
					(unsigned long long)m->mem.region[0].gpa,
					(unsigned long long)(m->mem.region[0].size >> 20));
		guest_mem_write(&m->mem, s->paddr, elf.data + s->offset, s->filesz);
	}
	if (!guest_mem_ptr(&m->mem, elf.entry, 2))
		return cerr_set(e, 0, "%s: entry point %#llx is outside RAM", path,
				(unsigned long long)elf.entry);
	*entry = elf.entry;
	if (elf_symbol(&elf, "tohost", &m->tohost) == 0) {
		if (!guest_mem_ptr(&m->mem, m->tohost, 8))
			return cerr_set(e, 0, "%s: tohost at %#llx is outside RAM", path,
					(unsigned long long)m->tohost);
		if (elf_symbol(&elf, "fromhost", &m->fromhost) < 0 ||
		    !guest_mem_ptr(&m->mem, m->fromhost, 8))
			m->fromhost = 0;
	}
	return 0;
}

int rv_bare_run(const struct vm_config *cfg, struct cerr *e)
{
	static struct rv_bare m;
	pthread_t             t[64];
	unsigned              started = 0;
	uint64_t              entry = 0;
	int                   rc = -1;

	if (!cfg->bios || strcmp(cfg->bios, "none") != 0)
		return cerr_usage(e, "vm: riscv64 runs bare-metal programs only for now: "
				  "use --bios none --kernel PROGRAM.elf");
	if (!cfg->kernel)
		return cerr_usage(e, "vm: riscv64 needs --kernel PROGRAM.elf");
	if (cfg->n_drives || cfg->n_nets || cfg->n_shares || cfg->rng || cfg->initrd)
		return cerr_usage(e, "vm: the bare-metal riscv64 machine has no devices");

	memset(&m, 0, sizeof(m));
	pthread_mutex_init(&m.lock, NULL);
	void *ram = mmap(NULL, cfg->mem_bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		return cerr_set(e, errno, "vm: cannot reserve %llu MiB of guest RAM",
				(unsigned long long)(cfg->mem_bytes >> 20));
	if (guest_mem_add(&m.mem, RV_RAM_BASE, cfg->mem_bytes, ram, e) < 0 ||
	    bus_map(&m.bus, "finisher", RV_FINISHER, 0x1000, &rv_finisher_ops, &m, e) < 0 ||
	    rv_load_elf(&m, cfg->kernel, &entry, e) < 0)
		goto out;

	struct rv_hart_env env = {
		.mem = &m.mem, .bus = &m.bus, .opaque = &m,
	};
	if (m.tohost) {
		env.watch_lo = m.tohost;
		env.watch_hi = m.tohost + 8;
		env.watch    = rv_htif_watch;
	}
	for (unsigned i = 0; i < cfg->smp; i++) {
		m.hart[i] = calloc(1, sizeof(*m.hart[i]));
		if (!m.hart[i]) {
			cerr_set(e, errno, "vm: allocating hart %u", i);
			goto out;
		}
		m.n_harts = i + 1;
		if (rv_hart_init(m.hart[i], &env, i, entry, e) < 0)
			goto out;
		m.hart[i]->x[10] = i; /* a0 = hartid */
	}
	/* one host thread per hart; a hart that ends the program stops all of them */
	for (; started < m.n_harts; started++) {
		int err = pthread_create(&t[started], NULL, rv_hart_thread, m.hart[started]);
		if (err) {
			cerr_set(e, err, "vm: starting the thread of hart %u", started);
			pthread_mutex_lock(&m.lock);
			rv_bare_end(&m, 0);
			pthread_mutex_unlock(&m.lock);
			break;
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	fflush(stdout);
	if (started < m.n_harts)
		goto out;
	if (m.status == 0) {
		rc = 0;
	} else {
		cerr_set(e, 0, "riscv64: the guest reported failure: test %llu failed",
			 (unsigned long long)m.status);
	}
out:
	for (unsigned i = 0; i < m.n_harts; i++) {
		rv_hart_destroy(m.hart[i]);
		free(m.hart[i]);
	}
	munmap(ram, cfg->mem_bytes);
	pthread_mutex_destroy(&m.lock);
	return rc;
}

const struct vm_machine rv_machine_bare = {
	.arch    = "riscv64",
	.summary = "riscv64 software emulation (bare-metal ELF with --bios none)",
	.run     = rv_bare_run,
};
