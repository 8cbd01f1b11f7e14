/* Scoped cleanup: a variable declared with one of these is released when it leaves scope, so
 * early returns never leak. Pass ownership on with steal_ptr()/steal_fd(). */
#ifndef CELLA_BASE_CLEANUP_H
#define CELLA_BASE_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define cleanup_free     __attribute__((cleanup(cleanup_freep)))
#define cleanup_close    __attribute__((cleanup(cleanup_closep)))
#define cleanup_fclose   __attribute__((cleanup(cleanup_fclosep)))
#define cleanup_closedir __attribute__((cleanup(cleanup_closedirp)))

/* Take the value out of a cleanup variable so it is not released here. */
#define steal_ptr(p)                                                                           \
	({                                                                                     \
		__typeof__(p) steal_tmp_ = (p);                                                \
		(p) = NULL;                                                                    \
		steal_tmp_;                                                                    \
	})
#define steal_fd(fd)                                                                           \
	({                                                                                     \
		int steal_tmp_ = (fd);                                                         \
		(fd) = -1;                                                                     \
		steal_tmp_;                                                                    \
	})

#endif
