/* A very small unit-test harness. Each test prints one "PASS name" or "FAIL name: where"
 * line, which tests/run counts; main() returns non-zero when any test failed. */
#ifndef CELLA_TESTS_CHECK_H
#define CELLA_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int         check_failed_count;
static int         check_current_failed;
static const char *check_suite = "unit";

#define CHECK(cond)                                                                            \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);      \
			check_current_failed = 1;                                              \
			return;                                                                \
		}                                                                              \
	} while (0)

#define CHECK_INT(got, want)                                                                   \
	do {                                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);                       \
		if (g_ != w_) {                                                                \
			printf("  %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_,  \
			       w_);                                                            \
			check_current_failed = 1;                                              \
			return;                                                                \
		}                                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                                   \
	do {                                                                                   \
		const char *g_ = (got), *w_ = (want);                                          \
		if (!g_ || strcmp(g_, w_) != 0) {                                              \
			printf("  %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,   \
			       g_ ? g_ : "(null)", w_);                                        \
			check_current_failed = 1;                                              \
			return;                                                                \
		}                                                                              \
	} while (0)

static inline void check_run(const char *name, void (*fn)(void))
{
	check_current_failed = 0;
	fn();
	if (check_current_failed) {
		check_failed_count++;
		printf("FAIL %s/%s\n", check_suite, name);
	} else {
		printf("PASS %s/%s\n", check_suite, name);
	}
	fflush(stdout);
}

#define RUN(fn) check_run(#fn, fn)

#endif
