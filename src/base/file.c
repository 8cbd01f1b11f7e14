/* File helpers: whole-file reads and writes with errors that name the path. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

int file_read_all(const char *path, char **out, size_t *len, struct cerr *e)
{
	cleanup_close int fd  = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t             cap = 4096, n = 0;

	if (fd < 0)
		return cerr_set(e, errno, "open `%s`", path);
	buf = malloc(cap);
	if (!buf)
		return cerr_set(e, ENOMEM, "read `%s`", path);
	for (;;) {
		if (cap - n < 2) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger)
				return cerr_set(e, ENOMEM, "read `%s`", path);
			buf = bigger;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return cerr_set(e, errno, "read `%s`", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = steal_ptr(buf);
	return 0;
}

int file_read_long(const char *path, long *out, struct cerr *e)
{
	cleanup_free char *text = NULL;
	char              *end;

	if (file_read_all(path, &text, NULL, e) < 0)
		return -1;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return cerr_set(e, 0, "`%s` does not hold an integer", path);
	*out = v;
	return 0;
}

bool file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int file_write_all(const char *path, const void *buf, size_t len, int mode, struct cerr *e)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	const char       *p  = buf;

	if (fd < 0)
		return cerr_set(e, errno, "open `%s`", path);
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return cerr_set(e, errno, "write `%s`", path);
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(steal_fd(fd)) < 0)
		return cerr_set(e, errno, "close `%s`", path);
	return 0;
}
