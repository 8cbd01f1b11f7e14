/* Unit tests for config.json parsing (src/container/config.c): every section lands in the
 * struct, wrong types are rejected with the field's JSON path, unknown fields are ignored. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "check.h"
#include "container/config.h"
#include "container/container.h"

static const char full[] =
	"{\"ociVersion\":\"1.0.2\",\"futureField\":{\"x\":1},"
	"\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
	" \"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5,6],\"umask\":18},"
	" \"args\":[\"sh\",\"-c\",\"true\"],\"env\":[\"PATH=/bin\",\"A=b\"],\"cwd\":\"/work\","
	" \"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_KILL\"],"
	"  \"inheritable\":[],\"permitted\":[\"CAP_KILL\"],\"ambient\":[\"CAP_NET_RAW\"]},"
	" \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":512}],"
	" \"noNewPrivileges\":true,\"oomScoreAdj\":-500},"
	"\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
	"\"hostname\":\"box\",\"domainname\":\"example\","
	"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	" {\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\",\"ro\",\"nosuid\",\"rslave\"]},"
	" {\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nodev\",\"noexec\",\"size=64k\",\"mode=1777\",\"relatime\"]}],"
	"\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],\"timeout\":5}],"
	" \"poststop\":[{\"path\":\"/bin/false\"}]},"
	"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/run/netns/x\"}],"
	" \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
	" \"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":10}],"
	" \"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,\"fileMode\":438}],"
	" \"cgroupsPath\":\"/cella/test\","
	" \"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
	"  \"memory\":{\"limit\":67108864,\"swap\":-1},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\"},"
	"  \"pids\":{\"limit\":64},\"blockIO\":{\"weight\":300,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}]},"
	"  \"unified\":{\"memory.high\":\"100M\"}},"
	" \"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},"
	" \"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
	"  \"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
	"  \"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	"   {\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
	"   {\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]},"
	" \"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\",\"/proc/bus\"],"
	" \"rootfsPropagation\":\"rprivate\",\"personality\":{\"domain\":\"LINUX\"}}}";

static int parse(struct oci_config *c, const char *text, struct cerr *e)
{
	return oci_config_parse(c, text, strlen(text), "config.json", e);
}

static void parses_every_section(void)
{
	static struct oci_config c;
	struct cerr              e;

	CHECK_INT(parse(&c, full, &e), 0);
	CHECK_STR(c.oci_version, "1.0.2");
	CHECK(c.process.terminal);
	CHECK_INT(c.process.console_width, 80);
	CHECK_INT(c.process.user.uid, 1000);
	CHECK_INT(c.process.user.gid, 100);
	CHECK_INT(c.process.user.n_additional_gids, 2);
	CHECK_INT(c.process.user.additional_gids[1], 6);
	CHECK(c.process.user.has_umask);
	CHECK_INT(c.process.user.umask, 18);
	CHECK_INT(c.process.n_args, 3);
	CHECK_STR(c.process.args[2], "true");
	CHECK(c.process.args[3] == NULL);
	CHECK_STR(c.process.env[1], "A=b");
	CHECK_STR(c.process.cwd, "/work");
	CHECK(c.process.caps.present);
	CHECK_INT(c.process.caps.bounding, (1ull << 5) | (1ull << 21));
	CHECK_INT(c.process.caps.effective, 1ull << 5);
	CHECK_INT(c.process.caps.inheritable, 0);
	CHECK_INT(c.process.caps.ambient, 1ull << 13);
	CHECK_INT(c.process.n_rlimits, 1);
	CHECK_INT(c.process.rlimits[0].resource, RLIMIT_NOFILE);
	CHECK_INT(c.process.rlimits[0].soft, 512);
	CHECK(c.process.no_new_privileges);
	CHECK(c.process.has_oom_score_adj);
	CHECK_INT(c.process.oom_score_adj, -500);
	CHECK_STR(c.root_path, "rootfs");
	CHECK(c.root_readonly);
	CHECK_STR(c.hostname, "box");
	CHECK_STR(c.domainname, "example");
	CHECK_INT(c.n_mounts, 3);
	CHECK(c.mounts[1].bind);
	CHECK_INT(c.mounts[1].flags & (MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID),
		  MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
	CHECK_INT(c.mounts[1].propagation, MS_SLAVE | MS_REC);
	CHECK_STR(c.mounts[2].data, "size=64k,mode=1777");
	CHECK_INT(c.mounts[2].flags, MS_NODEV | MS_NOEXEC | MS_RELATIME);
	CHECK_INT(c.hooks.n[OCI_HOOK_PRESTART], 1);
	CHECK_INT(c.hooks.list[OCI_HOOK_PRESTART][0].timeout, 5);
	CHECK_STR(c.hooks.list[OCI_HOOK_POSTSTOP][0].path, "/bin/false");
	CHECK_INT(c.n_ns, 3);
	CHECK_INT(c.ns[0].type, CLONE_NEWPID);
	CHECK(c.ns[0].path == NULL);
	CHECK_STR(c.ns[2].path, "/run/netns/x");
	CHECK_INT(c.n_uid_map, 1);
	CHECK_INT(c.uid_map[0].host_id, 100000);
	CHECK_INT(c.gid_map[0].size, 10);
	CHECK_INT(c.n_devices, 1);
	CHECK_INT(c.devices[0].minor, 229);
	CHECK_INT(c.devices[0].file_mode, 0666);
	CHECK_STR(c.cgroups_path, "/cella/test");
	CHECK(c.resources.present);
	CHECK_INT(c.resources.n_devices, 2);
	CHECK(!c.resources.devices[0].allow);
	CHECK_INT(c.resources.devices[0].major, -1);
	CHECK_INT(c.resources.devices[1].minor, 3);
	CHECK_INT(c.resources.mem_limit, 67108864);
	CHECK_INT(c.resources.mem_swap, -1);
	CHECK_INT(c.resources.cpu_shares, 512);
	CHECK_INT(c.resources.cpu_quota, 50000);
	CHECK_STR(c.resources.cpu_cpus, "0");
	CHECK_INT(c.resources.pids_limit, 64);
	CHECK_INT(c.resources.blkio_weight, 300);
	CHECK_INT(c.resources.n_blkio_throttle[0], 1);
	CHECK_INT(c.resources.blkio_throttle[0][0].rate, 1048576);
	CHECK_INT(c.resources.n_unified, 1);
	CHECK_STR(c.resources.unified_keys[0], "memory.high");
	CHECK_INT(c.n_sysctl, 1);
	CHECK_STR(c.sysctl[0].key, "net.ipv4.ip_forward");
	CHECK(c.seccomp.present);
	CHECK_INT(c.seccomp.default_errno, 38);
	CHECK_INT(c.seccomp.n_arches, 2);
	CHECK_INT(c.seccomp.arches[0], SCMP_ARCH_X86_64);
	CHECK_INT(c.seccomp.flags, 2);
	CHECK_INT(c.seccomp.n_rules, 3);
	CHECK_INT(c.seccomp.rules[0].n_names, 2);
	CHECK_INT(c.seccomp.rules[1].args[0].op, SCMP_CMP_EQ);
	CHECK_INT(c.seccomp.rules[1].args[0].value, 8);
	CHECK(c.seccomp.rules[2].has_errno);
	CHECK_INT(c.seccomp.rules[2].errno_ret, 1);
	CHECK_INT(c.n_masked_paths, 1);
	CHECK_INT(c.n_readonly_paths, 2);
	CHECK_INT(c.rootfs_propagation, MS_PRIVATE | MS_REC);
	CHECK(c.has_personality);
	oci_config_free(&c);
}

/* Each bad document, and the message it must give. */
static const struct {
	const char *doc;
	const char *msg;
} bad_docs[] = {
	{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\",\"-c\",3]}}",
	  "config.json: process.args[2]: expected a string" },
	{ "{\"root\":{\"path\":5}}", "config.json: root.path: expected a string" },
	{ "{\"root\":{\"path\":\"r\"},\"process\":{\"terminal\":\"yes\"}}",
	  "config.json: process.terminal: expected a boolean" },
	{ "{\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":-1}}}",
	  "config.json: process.user.uid: -1 is out of range" },
	{ "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[1]}]}",
	  "config.json: mounts[0].options[0]: expected a string" },
	{ "{\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"rel\",\"type\":\"tmpfs\"}]}",
	  "config.json: mounts[0]: destination `rel` is not an absolute path" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"bogus\"}]}}",
	  "config.json: linux.namespaces[0]: unknown namespace type `bogus`" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
	  "config.json: linux.namespaces[1]: namespace `pid` given twice" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}",
	  "config.json: linux.resources.memory.limit: expected an integer" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}",
	  "config.json: linux.seccomp.defaultAction: unsupported seccomp action `SCMP_ACT_NOPE`" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
	  "\"syscalls\":[{\"names\":[\"x\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":9,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
	  "config.json: linux.seccomp.syscalls[0].args[0].index: 9 is out of range" },
	{ "{\"root\":{\"path\":\"r\"},\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}}}",
	  "config.json: process.capabilities.bounding[0]: unknown capability `CAP_NOPE`" },
	{ "{\"root\":{\"path\":\"r\"},\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOPE\",\"soft\":1,\"hard\":1}]}}",
	  "config.json: process.rlimits[0]: unknown rlimit `RLIMIT_NOPE`" },
	{ "{\"root\":{\"path\":\"r\"},\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":\"x\",\"size\":1}]}}",
	  "config.json: linux.uidMappings[0].hostID: expected an integer" },
	{ "{\"root\":{\"path\":\"r\"},\"hooks\":{\"prestart\":[{\"args\":[]}]}}",
	  "config.json: hooks.prestart[0]: `path` is required" },
	{ "{\"process\":{}}", "config.json: root.path is required" },
	{ "[1,2]", "config.json: expected a JSON object" },
	{ "{\"root\":", "config.json: line 1 column 8" },
	{ "{\"root\":{\"path\":\"r\"},\"root\":{\"path\":\"s\"}}", "config.json: line 1" },
};

static void rejects_wrong_types_with_path(void)
{
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct oci_config c;
		struct cerr       e = { 0 };
		int               rc = parse(&c, bad_docs[i].doc, &e);
		if (rc == 0)
			oci_config_free(&c);
		CHECK_INT(rc, -1);
		if (strncmp(e.msg, bad_docs[i].msg, strlen(bad_docs[i].msg)) != 0) {
			printf("  doc %zu: got \"%s\", want \"%s\"\n", i, e.msg, bad_docs[i].msg);
			check_current_failed = 1;
			return;
		}
	}
}

static void ignores_unknown_fields(void)
{
	struct oci_config c;
	struct cerr       e;

	CHECK_INT(parse(&c, "{\"root\":{\"path\":\"r\",\"new\":[1]},\"x\":1,\"process\":{\"args\":[\"a\"],"
			    "\"someday\":true},\"linux\":{\"intelRdt\":{},\"memoryPolicy\":3}}", &e), 0);
	CHECK_STR(c.process.args[0], "a");
	oci_config_free(&c);
}

static void parses_process_and_resources_alone(void)
{
	struct oci_process   p;
	struct oci_resources r;
	void                *json;
	struct cerr          e;
	const char          *pdoc = "{\"args\":[\"ls\"],\"cwd\":\"/\",\"terminal\":true}";
	const char          *rdoc = "{\"pids\":{\"limit\":10},\"memory\":{\"limit\":1048576}}";

	CHECK_INT(oci_process_parse(&p, &json, pdoc, strlen(pdoc), "process.json", &e), 0);
	CHECK_STR(p.args[0], "ls");
	CHECK(p.terminal);
	oci_process_free(&p);
	oci_json_free(json);
	CHECK_INT(oci_resources_parse(&r, &json, rdoc, strlen(rdoc), "r.json", &e), 0);
	CHECK_INT(r.pids_limit, 10);
	CHECK_INT(r.mem_limit, 1048576);
	oci_resources_free(&r);
	oci_json_free(json);
	CHECK_INT(oci_process_parse(&p, &json, "{\"args\":[1]}", 12, "process.json", &e), -1);
	CHECK_STR(e.msg, "process.json: args[0]: expected a string");
}

static void names_tables(void)
{
	CHECK_INT(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	CHECK_INT(oci_cap_from_name("net_raw"), 13);
	CHECK_INT(oci_cap_from_name("CAP_NOPE"), -1);
	CHECK_STR(oci_cap_name(0), "CAP_CHOWN");
	CHECK_INT(oci_ns_from_name("network"), CLONE_NEWNET);
	CHECK_INT(oci_ns_from_name("net"), 0);
	CHECK_INT(ctr_signal_from_name("KILL"), 9);
	CHECK_INT(ctr_signal_from_name("SIGTERM"), 15);
	CHECK_INT(ctr_signal_from_name("10"), 10);
	CHECK_INT(ctr_signal_from_name("RTMIN+1"), SIGRTMIN + 1);
	CHECK_INT(ctr_signal_from_name("SIGNOPE"), -1);
	CHECK_INT(ctr_signal_from_name("0"), -1);
}

int main(void)
{
	check_suite = "container_config";
	RUN(parses_every_section);
	RUN(rejects_wrong_types_with_path);
	RUN(ignores_unknown_fields);
	RUN(parses_process_and_resources_alone);
	RUN(names_tables);
	return check_failed_count ? 1 : 0;
}
