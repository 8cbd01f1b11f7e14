/* mountinfo line parsing: fields are space separated, paths escape space, tab, newline and
 * backslash as \ooo octal, and a variable list of optional fields ends with "-". */
#include "base/mountinfo.h"

#include <string.h>

static void mountinfo_unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

int mountinfo_parse_line(char *line, struct mountinfo_entry *m)
{
	char *field[6] = { 0 }, *save = NULL, *tok;
	int   n        = 0;

	/* id, parent, major:minor, root, mountpoint, options */
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		field[n++] = tok;
		if (n == 6)
			break;
	}
	if (n < 6)
		return -1;
	/* optional fields up to the "-" separator */
	while ((tok = strtok_r(NULL, " \n", &save)) && strcmp(tok, "-") != 0)
		;
	if (!tok)
		return -1;
	m->fstype    = strtok_r(NULL, " \n", &save);
	m->source    = strtok_r(NULL, " \n", &save);
	m->superopts = strtok_r(NULL, " \n", &save);
	if (!m->fstype || !m->source)
		return -1;
	if (!m->superopts)
		m->superopts = "";
	m->root       = field[3];
	m->mountpoint = field[4];
	m->opts       = field[5];
	mountinfo_unescape(m->root);
	mountinfo_unescape(m->mountpoint);
	return 0;
}
