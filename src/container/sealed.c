/* The runtime runs from a sealed memfd copy of itself, so that a container that reaches the
 * runtime's /proc/PID/exe (the CVE-2019-5736 way: a binary whose #! is /proc/self/exe) gets a
 * copy that cannot be written, never the binary on the host. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* How much of the binary exec needs: up to the end of the last part a program header
 * names. What follows (debug info, symbols, section headers: two thirds of a
 * debugoptimized build) is never mapped, so it is not copied, and the copy's header says
 * it has no sections. Under ASan the sanitizer reads the symbols for its reports: copy
 * everything. Returns the size to copy; *hdr gets the header to write over the copy's. */
static off_t exec_extent(int fd, off_t size, Elf64_Ehdr *hdr)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)fd;
	(void)hdr;
	return size;
#else
	Elf64_Phdr ph[32];
	off_t      end = 0;

	if (pread(fd, hdr, sizeof(*hdr), 0) != (ssize_t)sizeof(*hdr) ||
	    memcmp(hdr->e_ident, ELFMAG, SELFMAG) != 0 || hdr->e_ident[EI_CLASS] != ELFCLASS64 ||
	    hdr->e_phentsize != sizeof(ph[0]) || hdr->e_phnum == 0 || hdr->e_phnum > 32)
		return size;
	ssize_t len = (ssize_t)(hdr->e_phnum * sizeof(ph[0]));
	if (pread(fd, ph, (size_t)len, (off_t)hdr->e_phoff) != len)
		return size;
	end = (off_t)(hdr->e_phoff + (Elf64_Off)len);
	for (int i = 0; i < hdr->e_phnum; i++)
		if ((off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
			end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
	if (end >= size)
		return size;
	hdr->e_shoff    = 0;
	hdr->e_shnum    = 0;
	hdr->e_shstrndx = SHN_UNDEF;
	return end;
#endif
}

int ctr_seal_self(char **argv, struct cerr *e)
{
	struct stat st;
	int         self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	if (self < 0)
		return cerr_set(e, errno, "open /proc/self/exe");
	int seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS) {
		close(self);
		return 0; /* already the sealed copy */
	}
	int mfd = memfd_create("cella", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0 || fstat(self, &st) < 0) {
		int err = errno;
		close(self);
		if (mfd >= 0)
			close(mfd);
		return cerr_set(e, err, "copy the runtime into a sealed memfd");
	}
	Elf64_Ehdr hdr;
	off_t      size = exec_extent(self, st.st_size, &hdr);
	for (off_t off = 0; off < size;) {
		ssize_t n = sendfile(mfd, self, &off, (size_t)(size - off));
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			close(self);
			close(mfd);
			return cerr_set(e, err, "copy the runtime into a sealed memfd");
		}
	}
	close(self);
	if (size < st.st_size && pwrite(mfd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)) {
		int err = errno;
		close(mfd);
		return cerr_set(e, err, "copy the runtime into a sealed memfd");
	}
	/* F_SEAL_WRITE fails with EBUSY while any page of the file has a reference beyond the
	 * page cache's: the pages sendfile just wrote can sit in another CPU's LRU batch for a
	 * moment (seen under load). The kernel waits a little itself; wait longer, then give up. */
	int rc, tries = 0;
	while ((rc = fcntl(mfd, F_ADD_SEALS, SEALS)) < 0 && errno == EBUSY && tries++ < 200)
		usleep(tries < 10 ? 100 : 5000);
	if (rc < 0) {
		int err = errno;
		close(mfd);
		return cerr_set(e, err, "seal the runtime's memfd");
	}
	execveat(mfd, "", argv, environ, AT_EMPTY_PATH);
	int err = errno;
	close(mfd);
	return cerr_set(e, err, "run the runtime from its sealed memfd");
}
