/* `cella vm` option parsing into struct vm_config (see config.h for the flags' meaning). */
#include "vm/config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/cleanup.h"
#include "base/file.h"

int vm_parse_size(const char *text, uint64_t *bytes, struct cerr *e)
{
	char              *end;
	unsigned long long v;

	errno = 0;
	if (!text[0] || text[0] == '-')
		return cerr_usage(e, "vm: bad memory size '%s'", text);
	v = strtoull(text, &end, 10);
	if (errno || end == text)
		return cerr_usage(e, "vm: bad memory size '%s'", text);
	unsigned shift;
	switch (*end) {
	case '\0':
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
	case 'G': case 'g': shift = 30; break;
	default:
		return cerr_usage(e, "vm: bad memory size '%s' (use K, M or G)", text);
	}
	if (*end && end[1] && !(end[1] == 'B' || end[1] == 'b' || end[1] == 'i'))
		return cerr_usage(e, "vm: bad memory size '%s'", text);
	if (v == 0 || v > (UINT64_MAX >> shift))
		return cerr_usage(e, "vm: memory size '%s' is out of range", text);
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* Copy an option's text into the config's scratch so it can be split in place. */
static char *vm_scratch_copy(struct vm_config *cfg, const char *s, struct cerr *e)
{
	size_t n = strlen(s) + 1;

	if (cfg->scratch_used + n > sizeof(cfg->scratch)) {
		cerr_usage(e, "vm: options too long");
		return NULL;
	}
	char *p = cfg->scratch + cfg->scratch_used;
	memcpy(p, s, n);
	cfg->scratch_used += n;
	return p;
}

static int vm_parse_drive(struct vm_config *cfg, const char *arg, struct cerr *e)
{
	if (cfg->n_drives >= VM_MAX_DRIVES)
		return cerr_usage(e, "vm: at most %d --drive", VM_MAX_DRIVES);
	char *s = vm_scratch_copy(cfg, arg, e);
	if (!s)
		return -1;
	struct vm_drive d = { 0 };
	for (char *save = NULL, *kv = strtok_r(s, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		if (strncmp(kv, "file=", 5) == 0 && kv[5])
			d.file = kv + 5;
		else if (strcmp(kv, "readonly") == 0 || strcmp(kv, "readonly=on") == 0)
			d.readonly = true;
		else if (strcmp(kv, "readonly=off") == 0)
			d.readonly = false;
		else if (strcmp(kv, "format=raw") == 0 || strcmp(kv, "if=virtio") == 0)
			; /* the only format and interface; accepted for QEMU users */
		else
			return cerr_usage(e, "vm: --drive: unknown setting '%s' (want file=PATH[,readonly])", kv);
	}
	if (!d.file)
		return cerr_usage(e, "vm: --drive needs file=PATH");
	cfg->drive[cfg->n_drives++] = d;
	return 0;
}

static int vm_parse_net(struct vm_config *cfg, const char *arg, struct cerr *e)
{
	if (cfg->n_nets >= VM_MAX_NETS)
		return cerr_usage(e, "vm: at most %d --net", VM_MAX_NETS);
	char *s = vm_scratch_copy(cfg, arg, e);
	if (!s)
		return -1;
	struct vm_net n = { 0 };
	char *save = NULL, *kv = strtok_r(s, ",", &save);
	if (kv && strcmp(kv, "user") == 0) {
		n.kind = VM_NET_USER;
		while ((kv = strtok_r(NULL, ",", &save))) {
			if (strncmp(kv, "hostfwd=", 8) != 0 || !kv[8])
				return cerr_usage(e, "vm: --net user: unknown setting '%s'", kv);
			if (n.n_hostfwd >= 8)
				return cerr_usage(e, "vm: --net user: at most 8 hostfwd");
			n.hostfwd[n.n_hostfwd++] = kv + 8;
		}
	} else if (kv && strncmp(kv, "tap=", 4) == 0 && kv[4]) {
		n.kind = VM_NET_TAP;
		n.tap  = kv + 4;
		if ((kv = strtok_r(NULL, ",", &save)))
			return cerr_usage(e, "vm: --net tap: unknown setting '%s'", kv);
	} else {
		return cerr_usage(e, "vm: --net wants user[,hostfwd=tcp::HOST-:GUEST] or tap=NAME, not '%s'", arg);
	}
	cfg->net[cfg->n_nets++] = n;
	return 0;
}

static int vm_parse_share(struct vm_config *cfg, const char *arg, struct cerr *e)
{
	if (cfg->n_shares >= VM_MAX_SHARES)
		return cerr_usage(e, "vm: at most %d --9p", VM_MAX_SHARES);
	char *s = vm_scratch_copy(cfg, arg, e);
	if (!s)
		return -1;
	char *comma = strrchr(s, ',');
	if (!comma || comma == s || !comma[1])
		return cerr_usage(e, "vm: --9p wants DIR,TAG, not '%s'", arg);
	*comma = '\0';
	cfg->share[cfg->n_shares++] = (struct vm_share){ .dir = s, .tag = comma + 1 };
	return 0;
}

/* The value in kB of a "Name:   123 kB" line of meminfo, or -1 without one. */
static long long meminfo_kb(const char *text, const char *name)
{
	size_t      len  = strlen(name);
	const char *line = text;

	while (line) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			char     *end;
			long long v = strtoll(line + len + 1, &end, 10);
			return end == line + len + 1 || v < 0 ? -1 : v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

int vm_host_memory(const char *meminfo, uint64_t *bytes, struct cerr *e)
{
	cleanup_free char *text = NULL;
	size_t             len;

	if (file_read_all(meminfo, &text, &len, e) < 0)
		return -1;
	long long kb = meminfo_kb(text, "MemAvailable");
	if (kb < 0)
		kb = meminfo_kb(text, "MemTotal"); /* kernels before 3.14 */
	if (kb < 0)
		return cerr_set(e, ENOENT, "%s: neither MemAvailable nor MemTotal", meminfo);
	*bytes = (uint64_t)kb << 10;
	return 0;
}


/* --trace traps|exceptions|interrupts|returns[,file=PATH][,hart=N][,pc=LO-HI] */
static int vm_parse_trace(struct vm_config *cfg, const char *arg, struct cerr *e)
{
	static const struct { const char *name; unsigned bits; } kinds[] = {
		{ "traps", VM_TRACE_EXCEPTIONS | VM_TRACE_INTERRUPTS | VM_TRACE_RETURNS },
		{ "exceptions", VM_TRACE_EXCEPTIONS },
		{ "interrupts", VM_TRACE_INTERRUPTS },
		{ "returns", VM_TRACE_RETURNS },
	};
	struct vm_trace *t = &cfg->trace;
	char            *s = vm_scratch_copy(cfg, arg, e), *end;

	if (!s)
		return -1;
	for (char *save = NULL, *kv = strtok_r(s, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		size_t k;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kv, kinds[k].name) == 0)
				break;
		if (k < sizeof(kinds) / sizeof(kinds[0])) {
			t->what |= kinds[k].bits;
		} else if (strncmp(kv, "file=", 5) == 0 && kv[5]) {
			t->file = kv + 5;
		} else if (strncmp(kv, "hart=", 5) == 0) {
			unsigned long h = strtoul(kv + 5, &end, 10);
			if (!kv[5] || *end || h > 63)
				return cerr_usage(e, "vm: --trace: bad hart '%s' (0 to 63)", kv + 5);
			t->hart = (int)h;
		} else if (strncmp(kv, "pc=", 3) == 0) {
			errno = 0;
			t->pc_lo = strtoull(kv + 3, &end, 16);
			if (errno || end == kv + 3 || *end != '-')
				return cerr_usage(e, "vm: --trace: bad range '%s' (want pc=LO-HI, hex)", kv + 3);
			const char *hi = end + 1;
			t->pc_hi = strtoull(hi, &end, 16);
			if (errno || end == hi || *end || t->pc_hi < t->pc_lo)
				return cerr_usage(e, "vm: --trace: bad range '%s' (want pc=LO-HI, hex)", kv + 3);
		} else {
			return cerr_usage(e, "vm: --trace: unknown setting '%s' (want traps, exceptions, "
					  "interrupts, returns, file=PATH, hart=N, pc=LO-HI)", kv);
		}
	}
	if (!t->what)
		return cerr_usage(e, "vm: --trace needs what to trace: traps, exceptions, interrupts "
				  "or returns");
	return 0;
}

/* The address forms the GDB stub listens on (resolving a host name waits for the start). */
static int vm_check_gdb(const char *spec, struct cerr *e)
{
	if (strncmp(spec, "unix:", 5) == 0 && spec[5])
		return 0;
	const char *colon = strncmp(spec, "tcp:", 4) == 0 ? strrchr(spec + 4, ':') : NULL;
	char       *end;
	if (colon && colon[1] && colon[1] != '-' && colon[1] != '+') {
		errno = 0;
		unsigned long port = strtoul(colon + 1, &end, 10);
		if (!errno && !*end && port <= 65535)
			return 0;
	}
	return cerr_usage(e, "vm: --gdb wants tcp:[HOST]:PORT or unix:PATH, not '%s'", spec);
}

static const struct option vm_opts[] = {
	{ "arch",         required_argument, NULL, 'a' },
	{ "memory",       required_argument, NULL, 'm' },
	{ "smp",          required_argument, NULL, 'P' },
	{ "bios",         required_argument, NULL, 'b' },
	{ "kernel",       required_argument, NULL, 'k' },
	{ "initrd",       required_argument, NULL, 'i' },
	{ "append",       required_argument, NULL, 'A' },
	{ "drive",        required_argument, NULL, 'd' },
	{ "net",          required_argument, NULL, 'n' },
	{ "9p",           required_argument, NULL, '9' },
	{ "rng",          no_argument,       NULL, 'r' },
	{ "console-file", required_argument, NULL, 'c' },
	{ "serial-log",   required_argument, NULL, 'L' },
	{ "trace",        required_argument, NULL, 't' },
	{ "gdb",          required_argument, NULL, 'g' },
	{ "accel",        required_argument, NULL, 'X' },
	/* QEMU habits that say what cella always does: the console is the terminal, and a
	 * guest's reboot ends the run */
	{ "nographic",    no_argument,       NULL, 'N' },
	{ "no-reboot",    no_argument,       NULL, 'N' },
	{ 0 },
};

/* The option whose name is `name` up to an '=' (exactly: no abbreviation), or NULL. */
static const struct option *vm_option(const char *name)
{
	size_t n = strcspn(name, "=");

	for (const struct option *o = vm_opts; o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

bool vm_config_has_option(const char *name)
{
	return vm_option(name) != NULL;
}

/* QEMU spells long options with one dash (-kernel Image), which getopt reads as -k -e -r...
 * A one-dash word that names an option exactly gets its second dash; abbreviations do not,
 * so QEMU's -s or -S is never taken for --smp. Option arguments are left as they are. */
static int vm_qemu_spellings(struct vm_config *cfg, int argc, char **argv, char **out,
			     struct cerr *e)
{
	for (int i = 0; i <= argc; i++)
		out[i] = i < argc ? argv[i] : NULL;
	for (int i = 1; i < argc; i++) {
		const char          *w = argv[i];
		const struct option *o = NULL;

		if (w[0] != '-' || strcmp(w, "--") == 0)
			break;  /* getopt stops here too ('+') */
		if (w[1] == '-') {
			o = vm_option(w + 2);
		} else if (strcmp(w, "-m") == 0) {
			i++;  /* -m SIZE */
		} else if (w[1] && w[2] && (o = vm_option(w + 1))) {
			char two[256];
			if (snprintf(two, sizeof(two), "-%s", w) >= (int)sizeof(two))
				return cerr_usage(e, "vm: option '%.40s...' is too long", w);
			if (!(out[i] = vm_scratch_copy(cfg, two, e)))
				return -1;
		}
		if (o && o->has_arg == required_argument && !strchr(w, '='))
			i++;  /* its argument, whatever it looks like */
	}
	return 0;
}

/* What QEMU users reach for, and cella's way to say it. */
static const struct {
	const char *qemu[4];
	const char *hint;
} vm_qemu_hints[] = {
	{ { "M", "machine" }, "the machine is --arch riscv64 (QEMU's virt board) or --arch x86_64 (KVM)" },
	{ { "cpu" }, "riscv64 harts are RV64GC with Zba, Zbb, Zbs and Sstc; x86_64 vCPUs are the host's" },
	{ { "serial", "chardev", "monitor", "mon" },
	  "the serial console is the terminal; --serial-log FILE also copies it to FILE "
	  "(Ctrl-A h lists the keys)" },
	{ { "netdev", "nic" }, "use --net user[,hostfwd=tcp::HOST-:GUEST] or --net tap=NAME" },
	{ { "device" }, "devices come from --drive, --net, --9p, --rng and --console-file" },
	{ { "hda", "cdrom", "blockdev" }, "use --drive file=IMG" },
	{ { "fsdev", "virtfs" }, "use --9p DIR,TAG" },
	{ { "enable-kvm" }, "--arch x86_64 runs on KVM (--accel kvm); riscv64 is emulated (--accel jit or interp)" },
	{ { "display", "vga", "vnc", "curses" }, "cella has no display: the console is the terminal" },
};

static int vm_option_error(const char *word, int c, struct cerr *e)
{
	const char *name = word + strspn(word, "-");
	size_t      n    = strcspn(name, "=");
	const char *hit[4];
	int         n_hit = 0;

	if (c == ':')
		return cerr_usage(e, "vm: option '%s' needs an argument", word);
	const struct option *o = vm_option(name);
	if (o && o->has_arg == no_argument && name[n] == '=')
		return cerr_usage(e, "vm: option '--%s' takes no argument", o->name);
	for (o = vm_opts; o->name && word[1] == '-'; o++)  /* getopt allows --abbreviations */
		if (strncmp(o->name, name, n) == 0 && n_hit < 4)
			hit[n_hit++] = o->name;
	if (n_hit > 1)
		return cerr_usage(e, "vm: option '%.*s' is ambiguous: --%s or --%s%s", (int)(n + 2),
				  word, hit[0], hit[1], n_hit > 2 ? " or more" : "");
	for (size_t i = 0; i < sizeof(vm_qemu_hints) / sizeof(vm_qemu_hints[0]); i++)
		for (int j = 0; j < 4 && vm_qemu_hints[i].qemu[j]; j++)
			if (strlen(vm_qemu_hints[i].qemu[j]) == n &&
			    strncmp(vm_qemu_hints[i].qemu[j], name, n) == 0)
				return cerr_usage(e, "vm: unknown option '%s': %s", word,
						  vm_qemu_hints[i].hint);
	return cerr_usage(e, "vm: unknown option '%s'", word);
}

static int vm_parse_smp(struct vm_config *cfg, const char *arg, struct cerr *e)
{
	char         *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (*end || end == arg || n < 1 || n > VM_MAX_SMP || arg[0] == '-')
		return cerr_usage(e, "vm: --smp wants 1 to %d, not '%s'", VM_MAX_SMP, arg);
	cfg->smp = (unsigned)n;
	return 0;
}

int vm_config_parse(struct vm_config *cfg, int argc, char **argv, struct cerr *e)
{
	struct utsname u;
	int            c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->arch      = (uname(&u) == 0 && strcmp(u.machine, "x86_64") == 0) ? "x86_64" : "riscv64";
	cfg->mem_bytes = 256ull << 20;
	cfg->smp       = 1;
	cfg->trace     = (struct vm_trace){ .hart = -1, .pc_hi = UINT64_MAX };

	cleanup_free char **args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return cerr_set(e, ENOMEM, "vm: parsing options");
	if (vm_qemu_spellings(cfg, argc, argv, args, e) < 0)
		return -1;
	/* '+': the first word that is not an option ends them, so args[word] is always the word
	 * being parsed, and the error names it as the user wrote it. optind = 0 resets all of
	 * getopt's state, also a position inside a word left by an earlier failed parse. */
	optind = 0;
	for (int word = 1; (c = getopt_long(argc, args, "+:m:sS", vm_opts, NULL)) != -1;
	     word = optind) {
		switch (c) {
		case 'a':
			if (strcmp(optarg, "riscv64") && strcmp(optarg, "x86_64"))
				return cerr_usage(e, "vm: unknown --arch '%s' (riscv64 or x86_64)", optarg);
			cfg->arch       = optarg;
			cfg->arch_given = true;
			break;
		case 'm':
			if (vm_parse_size(optarg, &cfg->mem_bytes, e) < 0)
				return -1;
			break;
		case 'P':
			if (vm_parse_smp(cfg, optarg, e) < 0)
				return -1;
			break;
		case 'b': cfg->bios = optarg; break;
		case 'k': cfg->kernel = optarg; break;
		case 'i': cfg->initrd = optarg; break;
		case 'A': cfg->append = optarg; break;
		case 'd':
			if (vm_parse_drive(cfg, optarg, e) < 0)
				return -1;
			break;
		case 'n':
			if (vm_parse_net(cfg, optarg, e) < 0)
				return -1;
			break;
		case '9':
			if (vm_parse_share(cfg, optarg, e) < 0)
				return -1;
			break;
		case 'r': cfg->rng = true; break;
		case 'c': cfg->console_file = optarg; break;
		case 'L': cfg->serial_log = optarg; break;
		case 't':
			if (vm_parse_trace(cfg, optarg, e) < 0)
				return -1;
			break;
		case 'X':
			if (strcmp(optarg, "jit") && strcmp(optarg, "interp") && strcmp(optarg, "kvm"))
				return cerr_usage(e, "vm: unknown --accel '%s' (jit or interp for riscv64, "
						  "kvm for x86_64)", optarg);
			cfg->accel = optarg;
			break;
		case 'g':
			if (vm_check_gdb(optarg, e) < 0)
				return -1;
			cfg->gdb = optarg;
			break;
		case 's': cfg->gdb = "tcp::1234"; break; /* QEMU's -s (but on 127.0.0.1 only) */
		case 'S': cfg->gdb_wait = true; break;
		case 'N': break;
		default:
			return vm_option_error(argv[word], c, e);
		}
	}
	if (optind < argc)
		return cerr_usage(e, "vm: unexpected argument '%s'", argv[optind]);
	if (cfg->gdb_wait && !cfg->gdb)
		return cerr_usage(e, "vm: -S waits for a debugger: add --gdb ADDRESS or -s");
	return 0;
}
