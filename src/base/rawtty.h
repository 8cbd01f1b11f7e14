/* Putting the caller's terminal in raw mode and back: the VM console and the container
 * terminal proxy both hand every keystroke on and must leave the terminal as they found it. */
#ifndef CELLA_BASE_RAWTTY_H
#define CELLA_BASE_RAWTTY_H

#include <stdbool.h>
#include <termios.h>

/* When fd is a terminal, save its settings in *saved and make it raw; keep_output keeps the
 * host's output processing (newline → CR LF). Returns whether raw mode was set, which is
 * when rawtty_restore must be called. */
bool rawtty_enter(int fd, struct termios *saved, bool keep_output);

void rawtty_restore(int fd, const struct termios *saved);

#endif
