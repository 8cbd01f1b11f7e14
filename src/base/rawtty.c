/* Raw mode for the caller's terminal (see rawtty.h). */
#include "base/rawtty.h"

#include <unistd.h>

bool rawtty_enter(int fd, struct termios *saved, bool keep_output)
{
	if (!isatty(fd) || tcgetattr(fd, saved) < 0)
		return false;
	struct termios raw = *saved;
	cfmakeraw(&raw);
	if (keep_output)
		raw.c_oflag |= OPOST | ONLCR;
	return tcsetattr(fd, TCSANOW, &raw) == 0;
}

void rawtty_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSANOW, saved);
}
