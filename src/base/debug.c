/* Developer knobs from CELLA_DEBUG (see debug.h): parsed once, on first use, thread-safely. */
#include "base/debug.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEBUG_MAX_KNOBS 16

static struct {
	char  text[512];
	char *key[DEBUG_MAX_KNOBS], *value[DEBUG_MAX_KNOBS];
	int   n;
} knobs;
static pthread_once_t knobs_once = PTHREAD_ONCE_INIT;

static void debug_parse(void)
{
	const char *env = getenv("CELLA_DEBUG");

	if (!env)
		return;
	strncpy(knobs.text, env, sizeof(knobs.text) - 1);
	for (char *save = NULL, *kv = strtok_r(knobs.text, ",", &save);
	     kv && knobs.n < DEBUG_MAX_KNOBS; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		knobs.key[knobs.n]   = kv;
		knobs.value[knobs.n] = eq ? eq + 1 : kv + strlen(kv);
		knobs.n++;
	}
}

const char *debug_knob(const char *key)
{
	pthread_once(&knobs_once, debug_parse);
	for (int i = 0; i < knobs.n; i++)
		if (strcmp(knobs.key[i], key) == 0)
			return knobs.value[i];
	return NULL;
}

uint64_t debug_knob_num(const char *key, uint64_t def)
{
	const char *v = debug_knob(key);
	char       *end;

	if (!v || !*v)
		return def;
	unsigned long long n = strtoull(v, &end, 0);
	return *end ? def : (uint64_t)n;
}
