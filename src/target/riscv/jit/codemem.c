/* Memory for generated code (see codemem.h). Pages are touched only as code is written, so
 * a large reservation costs nothing until it is used. */
#define _GNU_SOURCE
#include "target/riscv/jit/codemem.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

int codemem_init(struct codemem *m, size_t size, struct cerr *e)
{
	*m = (struct codemem){ .size = size };
	int fd = memfd_create("cella-jit", MFD_CLOEXEC);
	if (fd < 0)
		return cerr_set(e, errno, "riscv jit: memfd for generated code");
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = errno;
		close(fd);
		return cerr_set(e, err, "riscv jit: sizing the code buffer (%zu MiB)", size >> 20);
	}
	m->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	if (m->rw == MAP_FAILED || m->rx == MAP_FAILED) {
		codemem_free(m);
		return cerr_set(e, err, "riscv jit: mapping the code buffer (executable memory "
				"refused?)");
	}
	return 0;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ  22  /* Linux 5.14; older kernels refuse it, and faults do the work */
#define MADV_POPULATE_WRITE 23
#endif
#define CODEMEM_CHUNK (1u << 20)

void codemem_prepare(struct codemem *m, size_t need)
{
	while (m->used + need > m->ready && m->ready < m->size) {
		size_t len = m->size - m->ready < CODEMEM_CHUNK ? m->size - m->ready : CODEMEM_CHUNK;
		madvise(m->rw + m->ready, len, MADV_POPULATE_WRITE);
		madvise(m->rx + m->ready, len, MADV_POPULATE_READ);
		m->ready += len;
	}
}

void codemem_free(struct codemem *m)
{
	if (m->rw && m->rw != MAP_FAILED)
		munmap(m->rw, m->size);
	if (m->rx && m->rx != MAP_FAILED)
		munmap(m->rx, m->size);
	m->rw = m->rx = NULL;
}
