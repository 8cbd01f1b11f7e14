/* The log sink. Text lines go to a terminal-friendly "cella: level: message"; JSON lines
 * follow the {"level","msg","time"} shape that runc's --log-format json uses. */
#include "base/log.h"

#include <stdarg.h>
#include <time.h>

static enum log_level  log_level_now  = LOG_WARN;
static enum log_format log_format_now = LOG_TEXT;
static FILE           *log_sink;

static const char *const log_level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN]  = "warning",
	[LOG_INFO]  = "info",
	[LOG_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	log_level_now = level;
}

void log_set_format(enum log_format format)
{
	log_format_now = format;
}

void log_set_sink(FILE *f)
{
	log_sink = f;
}

static void log_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE   *f = log_sink ? log_sink : stderr;
	char    msg[2048];
	va_list ap;

	if (level > log_level_now)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (log_format_now == LOG_JSON) {
		char       stamp[64];
		time_t     now = time(NULL);
		struct tm  tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(f, "{\"level\":\"%s\",\"msg\":", log_level_names[level]);
		log_json_string(f, msg);
		fprintf(f, ",\"time\":\"%s\"}\n", stamp);
	} else {
		fprintf(f, "cella: %s: %s\n", log_level_names[level], msg);
	}
	fflush(f);
}
