/* Finding cella's default guest for a machine (see guest.h): $CELLA_GUEST_DIR, else beside the
 * binary (a build tree), else the installed data directory. */
#include "vm/guest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CELLA_DATADIR
#define CELLA_DATADIR "/usr/local/share/cella"
#endif

/* Fill out from folder dir; 0 when its kernel is readable. */
static int guest_in(const char *dir, const char *kernel_name, struct vm_guest_files *out)
{
	if (snprintf(out->kernel, sizeof(out->kernel), "%s/%s", dir, kernel_name) >=
		    (int)sizeof(out->kernel) ||
	    snprintf(out->initrd, sizeof(out->initrd), "%s/initramfs.cpio.gz", dir) >=
		    (int)sizeof(out->initrd) ||
	    access(out->kernel, R_OK) < 0)
		return -1;
	out->has_initrd = access(out->initrd, R_OK) == 0;
	return 0;
}

const char *vm_guest_datadir(void)
{
	return CELLA_DATADIR;
}

int vm_default_guest(const char *arch, const char *kernel_name, const char *recipe,
		     struct vm_guest_files *out, struct cerr *e)
{
	const char *env = getenv("CELLA_GUEST_DIR");
	char        beside[PATH_MAX], installed[PATH_MAX];

	if (env && env[0]) {
		if (guest_in(env, kernel_name, out) == 0)
			return 0;
		return cerr_set(e, 0, "vm: no --kernel given and no default %s guest at `%s` "
				"($CELLA_GUEST_DIR): build one with %s, or pass --kernel", arch, env,
				recipe);
	}
	char    exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return cerr_set(e, errno, "vm: finding the default %s guest", arch);
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(beside, sizeof(beside), "%s/guest/%s", exe, arch);
	snprintf(installed, sizeof(installed), "%s/guest/%s", vm_guest_datadir(), arch);
	if (guest_in(beside, kernel_name, out) == 0 || guest_in(installed, kernel_name, out) == 0)
		return 0;
	return cerr_set(e, 0, "vm: no --kernel given and no default %s guest at `%s` or `%s`: "
			"build one with %s (meson install then installs it), set CELLA_GUEST_DIR, "
			"or pass --kernel", arch, beside, installed, recipe);
}
