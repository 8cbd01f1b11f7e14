/* The error value: formatting and context chaining. See error.h for the contract. */
#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void cerr_vformat(struct cerr *e, int errnum, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);

	if (n < 0)
		n = 0;
	if (errnum != 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", strerror(errnum));
	e->errnum = errnum;
}

int cerr_set(struct cerr *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cerr_vformat(e, errnum, fmt, ap);
	va_end(ap);
	e->usage = false;
	return -1;
}

int cerr_usage(struct cerr *e, const char *fmt, ...)
{
	va_list ap;

	/* Formatted without the errno text, which adds nothing to a usage message. */
	va_start(ap, fmt);
	cerr_vformat(e, 0, fmt, ap);
	va_end(ap);
	e->errnum = EINVAL;
	e->usage  = true;
	return -1;
}

int cerr_wrap(struct cerr *e, const char *fmt, ...)
{
	char    old[CERR_MSG_MAX];
	va_list ap;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	/* Append ": old" by hand: the sum may be longer than the buffer and is cut. */
	size_t at = (size_t)n < sizeof(e->msg) ? (size_t)n : sizeof(e->msg) - 1;
	const char *tail[2] = { ": ", old };
	for (int i = 0; i < 2; i++) {
		size_t room = sizeof(e->msg) - 1 - at, len = strlen(tail[i]);
		if (len > room)
			len = room;
		memcpy(e->msg + at, tail[i], len);
		at += len;
	}
	e->msg[at] = '\0';
	return -1;
}

void cerr_clear(struct cerr *e)
{
	e->errnum = 0;
	e->usage  = false;
	e->msg[0] = '\0';
}

int cerr_exit_status(const struct cerr *e)
{
	return e->usage ? 2 : 1;
}
