/* /dev/kvm: presence, permissions, API version, and what backs it (hardware or PVM). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/kvm.h>
#include <pwd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "host/host.h"

static const char *const kvm_modules[] = { "kvm", "kvm_intel", "kvm_amd", "kvm_pvm" };

static const struct {
	int         cap;
	const char *name;
} kvm_caps[] = {
	{ KVM_CAP_USER_MEMORY, "user_memory" },
	{ KVM_CAP_IRQCHIP,     "irqchip" },
	{ KVM_CAP_PIT2,        "pit2" },
	{ KVM_CAP_IRQFD,       "irqfd" },
	{ KVM_CAP_IOEVENTFD,   "ioeventfd" },
	{ KVM_CAP_EXT_CPUID,   "ext_cpuid" },
};

static void kvm_query_api(const char *dev, struct host_kvm *kvm)
{
	kvm->api_version = -1;
	if (!kvm->chardev) {
		snprintf(kvm->api_note, sizeof(kvm->api_note), "not a character device");
		return;
	}
	cleanup_close int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(kvm->api_note, sizeof(kvm->api_note), "cannot open: %s", strerror(errno));
		return;
	}
	int v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v < 0) {
		snprintf(kvm->api_note, sizeof(kvm->api_note), "KVM_GET_API_VERSION: %s",
			 strerror(errno));
		return;
	}
	kvm->api_version = v;
	for (size_t i = 0; i < sizeof(kvm_caps) / sizeof(kvm_caps[0]); i++)
		if (ioctl(fd, KVM_CHECK_EXTENSION, kvm_caps[i].cap) > 0)
			host_list_add(&kvm->caps, kvm_caps[i].name);
}

static void kvm_owner(const struct stat *st, struct host_kvm *kvm)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group  *gr = getgrgid(st->st_gid);

	if (pw)
		snprintf(kvm->owner, sizeof(kvm->owner), "%s", pw->pw_name);
	else
		snprintf(kvm->owner, sizeof(kvm->owner), "%u", (unsigned)st->st_uid);
	if (gr)
		snprintf(kvm->group, sizeof(kvm->group), "%s", gr->gr_name);
	else
		snprintf(kvm->group, sizeof(kvm->group), "%u", (unsigned)st->st_gid);
}

void host_probe_kvm(const char *prefix, const struct host_cpu *cpu, struct host_kvm *kvm)
{
	char        dev[PATH_MAX], path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(kvm_modules) / sizeof(kvm_modules[0]); i++) {
		char mod[64];
		snprintf(mod, sizeof(mod), "/sys/module/%s", kvm_modules[i]);
		if (file_exists(host_path(path, sizeof(path), prefix, mod)))
			host_list_add(&kvm->modules, kvm_modules[i]);
	}

	host_path(dev, sizeof(dev), prefix, "/dev/kvm");
	kvm->api_version = -1;
	kvm->present     = stat(dev, &st) == 0;
	if (kvm->present) {
		kvm->chardev    = S_ISCHR(st.st_mode);
		kvm->mode       = st.st_mode & 07777;
		kvm->accessible = access(dev, R_OK | W_OK) == 0;
		kvm_owner(&st, kvm);
		kvm_query_api(dev, kvm);
	}

	bool hw_intel = cpu->vmx && host_list_has(&kvm->modules, "kvm_intel");
	bool hw_amd   = cpu->svm && host_list_has(&kvm->modules, "kvm_amd");
	if (!kvm->present)
		kvm->backing = (cpu->vmx || cpu->svm) ? KVM_NOT_LOADED : KVM_ABSENT;
	else if (hw_intel || hw_amd)
		kvm->backing = KVM_HARDWARE;
	else if (host_list_has(&kvm->modules, "kvm_pvm"))
		kvm->backing = KVM_SOFTWARE_PVM;
	else if (cpu->vmx || cpu->svm)
		kvm->backing = KVM_HARDWARE; /* vendor module built in without a /sys/module entry */
	else
		kvm->backing = KVM_UNKNOWN;
	if (!kvm->present && kvm->modules.n > 0)
		snprintf(kvm->note, sizeof(kvm->note),
			 "KVM modules are loaded but there is no /dev/kvm device node: typical inside "
			 "a container (the device was not passed in) or a VM without nested "
			 "virtualization");
}

const char *host_kvm_backing_name(enum kvm_backing b)
{
	switch (b) {
	case KVM_ABSENT:       return "absent";
	case KVM_HARDWARE:     return "hardware";
	case KVM_SOFTWARE_PVM: return "software-pvm";
	case KVM_NOT_LOADED:   return "not-loaded";
	case KVM_UNKNOWN:      break;
	}
	return "unknown";
}
