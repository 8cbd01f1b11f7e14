/* Small file helpers that report failures through struct cerr, naming the path. */
#ifndef CELLA_BASE_FILE_H
#define CELLA_BASE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Read a whole file into a NUL-terminated heap buffer (*out, caller frees). */
int file_read_all(const char *path, char **out, size_t *len, struct cerr *e);

/* Read a file holding one integer (e.g. a /proc/sys entry). */
int file_read_long(const char *path, long *out, struct cerr *e);

/* true if the path exists (any type, symlinks not followed). */
bool file_exists(const char *path);

/* Write buf to path, creating or truncating it with the given mode. */
int file_write_all(const char *path, const void *buf, size_t len, int mode, struct cerr *e);

#endif
