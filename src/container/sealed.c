/* The runtime runs from a sealed memfd copy of itself, so that a container that reaches the
 * runtime's /proc/PID/exe (the CVE-2019-5736 way: a binary whose #! is /proc/self/exe) gets a
 * copy that cannot be written, never the binary on the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

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
	for (off_t off = 0; off < st.st_size;) {
		ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			close(self);
			close(mfd);
			return cerr_set(e, err, "copy the runtime into a sealed memfd");
		}
	}
	close(self);
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
