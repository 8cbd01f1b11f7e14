/* CPU facts from /proc/cpuinfo: vendor, model, and the flags that decide what KVM can do. */
#include <string.h>
#include <sys/utsname.h>

#include "base/cleanup.h"
#include "base/file.h"
#include "host/host.h"

/* "key\t: value" -> value, when line starts with key. */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0 || (line[n] != '\t' && line[n] != ' ' && line[n] != ':'))
		return NULL;
	const char *colon = strchr(line, ':');
	if (!colon)
		return NULL;
	colon++;
	while (*colon == ' ')
		colon++;
	return colon;
}

static bool flag_listed(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)) != NULL; p += n) {
		bool start = p == flags || p[-1] == ' ';
		bool end   = p[n] == ' ' || p[n] == '\0';
		if (start && end)
			return true;
	}
	return false;
}

void host_probe_cpu(const char *prefix, struct host_cpu *cpu)
{
	char              path[PATH_MAX];
	cleanup_free char *text = NULL;
	struct utsname    u;
	struct cerr       e;
	bool              have_flags = false;

	if (uname(&u) == 0)
		snprintf(cpu->arch, sizeof(cpu->arch), "%s", u.machine);
	if (file_read_all(host_path(path, sizeof(path), prefix, "/proc/cpuinfo"), &text, NULL, &e) < 0)
		return;

	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v;
		if (cpuinfo_value(line, "processor"))
			cpu->count++;
		else if ((v = cpuinfo_value(line, "vendor_id")) && !cpu->vendor[0])
			snprintf(cpu->vendor, sizeof(cpu->vendor), "%s", v);
		else if ((v = cpuinfo_value(line, "model name")) && !cpu->model[0])
			snprintf(cpu->model, sizeof(cpu->model), "%s", v);
		else if ((v = cpuinfo_value(line, "flags")) && !have_flags) {
			/* The first processor speaks for all: KVM needs the flag on every one. */
			have_flags      = true;
			cpu->vmx        = flag_listed(v, "vmx");
			cpu->svm        = flag_listed(v, "svm");
			cpu->hypervisor = flag_listed(v, "hypervisor");
		}
	}
}
