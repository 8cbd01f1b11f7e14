/* The one error model of cella: a function that can fail returns a negative value and fills a
 * struct cerr with the errno and a message naming the object; callers add context and pass it
 * upward; only the command line prints it. */
#ifndef CELLA_BASE_ERROR_H
#define CELLA_BASE_ERROR_H

#include <stdbool.h>

#define CERR_MSG_MAX 1024

struct cerr {
	int  errnum;              /* errno value, 0 when the error has none */
	bool usage;               /* the caller misused the command line: exit status 2 */
	char msg[CERR_MSG_MAX];   /* "open `/dev/kvm`: Permission denied" */
};

/* Fill *e and return -1. The errno text is appended when errnum != 0. */
int cerr_set(struct cerr *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A command-line misuse (unknown option, missing argument): exit status 2. */
int cerr_usage(struct cerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put "context: " before the message already in *e and return -1. */
int cerr_wrap(struct cerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empty the error (for callers that try one way and then another). */
void cerr_clear(struct cerr *e);

/* The process exit status for an error: 2 for usage errors, 1 otherwise. */
int cerr_exit_status(const struct cerr *e);

#endif
