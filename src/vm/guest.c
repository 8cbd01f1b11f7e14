/* Finding cella's default guest for a machine (see guest.h). */
#include "vm/guest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vm_default_guest(const char *arch, const char *kernel_name, const char *recipe,
		     struct vm_guest_files *out, struct cerr *e)
{
	const char *env = getenv("CELLA_GUEST_DIR");
	char        dir[PATH_MAX];

	if (env && env[0]) {
		snprintf(dir, sizeof(dir), "%s", env);
	} else {
		char    exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return cerr_set(e, errno, "vm: finding the default %s guest", arch);
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if (snprintf(dir, sizeof(dir), "%s/guest/%s", exe, arch) >= (int)sizeof(dir))
			return cerr_set(e, ENAMETOOLONG, "vm: finding the default %s guest", arch);
	}
	if (snprintf(out->kernel, sizeof(out->kernel), "%s/%s", dir, kernel_name) >=
		    (int)sizeof(out->kernel) ||
	    snprintf(out->initrd, sizeof(out->initrd), "%s/initramfs.cpio.gz", dir) >=
		    (int)sizeof(out->initrd))
		return cerr_set(e, ENAMETOOLONG, "vm: default guest folder `%s`", dir);
	if (access(out->kernel, R_OK) < 0)
		return cerr_set(e, 0, "vm: no --kernel given and no default %s guest at `%s`: "
				"build one with %s, or pass --kernel", arch, dir, recipe);
	out->has_initrd = access(out->initrd, R_OK) == 0;
	return 0;
}
