/* cella's default guests: the kernel and initramfs a recipe in scripts/ builds for a machine,
 * used by `cella vm` when no --kernel is given. Both machines look them up the same way. */
#ifndef CELLA_VM_GUEST_H
#define CELLA_VM_GUEST_H

#include <limits.h>
#include <stdbool.h>

#include "base/error.h"

struct vm_guest_files {
	char kernel[PATH_MAX];
	char initrd[PATH_MAX];
	bool has_initrd;
};

/* The default guest for arch: $CELLA_GUEST_DIR when set (and only there), else guest/ARCH
 * beside the cella binary (build/guest/riscv64 for build/cella), else guest/ARCH in the
 * installed data directory (where meson install puts it). kernel_name is the kernel's file
 * name there (Image, bzImage), recipe the script that builds it, named in the error when no
 * guest is found. */
int vm_default_guest(const char *arch, const char *kernel_name, const char *recipe,
		     struct vm_guest_files *out, struct cerr *e);

/* The installed data directory (PREFIX/share/cella). */
const char *vm_guest_datadir(void);

#endif
