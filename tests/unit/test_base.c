/* Unit tests for src/base: the error value, file helpers, mountinfo parsing. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/file.h"
#include "base/mountinfo.h"
#include "check.h"

static void error_set_appends_errno_text(void)
{
	struct cerr e = { 0 };

	CHECK_INT(cerr_set(&e, ENOENT, "open `%s`", "/x"), -1);
	CHECK_STR(e.msg, "open `/x`: No such file or directory");
	CHECK_INT(e.errnum, ENOENT);
	CHECK_INT(cerr_exit_status(&e), 1);
}

static void error_wrap_adds_context_in_front(void)
{
	struct cerr e = { 0 };

	cerr_set(&e, EACCES, "open `%s`", "/dev/kvm");
	CHECK_INT(cerr_wrap(&e, "vm %s", "test"), -1);
	CHECK_STR(e.msg, "vm test: open `/dev/kvm`: Permission denied");
	CHECK_INT(e.errnum, EACCES);
}

static void error_usage_exits_2_without_errno_text(void)
{
	struct cerr e = { 0 };

	cerr_usage(&e, "host: unknown option '%s'", "--bogus");
	CHECK_STR(e.msg, "host: unknown option '--bogus'");
	CHECK_INT(cerr_exit_status(&e), 2);
	cerr_clear(&e);
	CHECK_INT(cerr_exit_status(&e), 1);
	CHECK_STR(e.msg, "");
}

static void error_long_message_is_truncated_safely(void)
{
	struct cerr e = { 0 };
	char        big[3000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cerr_set(&e, EIO, "%s", big);
	CHECK_INT(strlen(e.msg), CERR_MSG_MAX - 1);
	cerr_wrap(&e, "ctx");
	CHECK_INT(strlen(e.msg), CERR_MSG_MAX - 1);
	CHECK(strncmp(e.msg, "ctx: aaa", 8) == 0);
}

static void file_read_long_accepts_number_and_rejects_text(void)
{
	char        dir[] = "/tmp/cella-unit-XXXXXX";
	char        path[64];
	struct cerr e = { 0 };
	long        v = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/n", dir);
	CHECK_INT(file_write_all(path, "96365\n", 6, 0644, &e), 0);
	CHECK_INT(file_read_long(path, &v, &e), 0);
	CHECK_INT(v, 96365);
	CHECK_INT(file_write_all(path, "12x\n", 4, 0644, &e), 0);
	CHECK_INT(file_read_long(path, &v, &e), -1);
	CHECK(strstr(e.msg, "does not hold an integer") != NULL);
	unlink(path);
	CHECK_INT(file_read_long(path, &v, &e), -1);
	CHECK_INT(e.errnum, ENOENT);
	CHECK(strstr(e.msg, path) != NULL);
	rmdir(dir);
}

static void file_read_all_reads_past_first_buffer(void)
{
	char              dir[] = "/tmp/cella-unit-XXXXXX";
	char              path[64];
	struct cerr       e = { 0 };
	cleanup_free char *big = malloc(20000), *back = NULL;
	size_t            len = 0;

	CHECK(big && mkdtemp(dir) != NULL);
	for (int i = 0; i < 20000; i++)
		big[i] = (char)('a' + i % 26);
	snprintf(path, sizeof(path), "%s/big", dir);
	CHECK_INT(file_write_all(path, big, 20000, 0600, &e), 0);
	CHECK_INT(file_read_all(path, &back, &len, &e), 0);
	CHECK_INT(len, 20000);
	CHECK(memcmp(back, big, 20000) == 0);
	CHECK_INT(back[20000], 0);
	unlink(path);
	rmdir(dir);
}

static void mountinfo_parses_optional_fields_and_escapes(void)
{
	char line[] = "41 31 0:38 / /sys/fs/cgroup/my\\040dir rw,relatime shared:9 master:2 - "
		      "cgroup2 cgroup2 rw,nsdelegate";
	struct mountinfo_entry m;

	CHECK_INT(mountinfo_parse_line(line, &m), 0);
	CHECK_STR(m.mountpoint, "/sys/fs/cgroup/my dir");
	CHECK_STR(m.fstype, "cgroup2");
	CHECK_STR(m.source, "cgroup2");
	CHECK_STR(m.superopts, "rw,nsdelegate");
	CHECK_STR(m.opts, "rw,relatime");
	CHECK_STR(m.root, "/");
}

static void mountinfo_rejects_truncated_lines(void)
{
	char a[] = "41 31 0:38 / /mnt";
	char b[] = "41 31 0:38 / /mnt rw shared:1";
	char c[] = "41 31 0:38 / /mnt rw - ext4";
	struct mountinfo_entry m;

	CHECK_INT(mountinfo_parse_line(a, &m), -1);
	CHECK_INT(mountinfo_parse_line(b, &m), -1);
	CHECK_INT(mountinfo_parse_line(c, &m), -1);
}

int main(void)
{
	check_suite = "unit/base";
	RUN(error_set_appends_errno_text);
	RUN(error_wrap_adds_context_in_front);
	RUN(error_usage_exits_2_without_errno_text);
	RUN(error_long_message_is_truncated_safely);
	RUN(file_read_long_accepts_number_and_rejects_text);
	RUN(file_read_all_reads_past_first_buffer);
	RUN(mountinfo_parses_optional_fields_and_escapes);
	RUN(mountinfo_rejects_truncated_lines);
	return check_failed_count ? 1 : 0;
}
