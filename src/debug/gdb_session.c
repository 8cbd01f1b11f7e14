/* The stub's command interpreter: parses each packet strictly (a malformed one gets an
 * error reply, an unknown one the empty reply that means "not supported") and calls into the
 * target. All-stop: every command but the resuming ones runs with the target parked. */
#include "debug/gdb_session.h"

#include <errno.h>
#include <string.h>

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops, void *target)
{
	memset(s, 0, sizeof(*s));
	s->ops         = ops;
	s->target      = target;
	s->c_thread    = -1;
	s->stop_signal = 5;
}

static unsigned n_threads(const struct gdb_session *s)
{
	unsigned n = s->ops->threads(s->target);
	return n > GDB_MAX_THREADS ? GDB_MAX_THREADS : n;
}

static bool at_end(const char *p)
{
	return *p == '\0';
}

/* A thread id: "-1" (all, as -1), "0" (any), hex n, or "pPID.TID" (the PID is ignored). */
static bool parse_thread(const char **p, long *tid)
{
	uint64_t v;

	if (**p == 'p') {
		(*p)++;
		if ((*p)[0] == '-' && (*p)[1] == '1')
			*p += 2;
		else if (!gdb_parse_hex(p, &v))
			return false;
		if (**p != '.') {
			*tid = -1;
			return true;
		}
		(*p)++;
	}
	if ((*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*tid = -1;
		return true;
	}
	if (!gdb_parse_hex(p, &v) || v > GDB_MAX_THREADS)
		return false;
	*tid = (long)v;
	return true;
}

static bool thread_valid(const struct gdb_session *s, long tid)
{
	return tid >= 1 && (unsigned long)tid <= n_threads(s);
}

void gdb_session_stopped(struct gdb_session *s, unsigned thread, int signal, struct gdb_reply *r)
{
	s->stop_thread = thread;
	s->stop_signal = signal;
	s->g_thread    = thread; /* the debugger looks at the thread that stopped first */
	gdb_reply_clear(r);
	gdb_reply_fmt(r, "T%02xthread:%x;", (unsigned)signal & 0xff, thread + 1);
}

static void cmd_read_regs(struct gdb_session *s, struct gdb_reply *r)
{
	uint8_t buf[16];

	for (unsigned i = 0; i < s->ops->g_regs; i++) {
		size_t n = s->ops->reg_read(s->target, s->g_thread, i, buf);
		gdb_reply_hex(r, buf, n);
	}
}

static void cmd_write_regs(struct gdb_session *s, const char *hex, struct gdb_reply *r)
{
	uint8_t buf[16];
	size_t  total = 0, len = strlen(hex);

	for (unsigned i = 0; i < s->ops->g_regs; i++)
		total += s->ops->reg_read(s->target, s->g_thread, i, buf);
	if (len != 2 * total) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	for (unsigned i = 0; i < s->ops->g_regs; i++) {
		size_t n = s->ops->reg_read(s->target, s->g_thread, i, buf);
		if (!gdb_unhex(hex, buf, n)) {
			gdb_reply_error(r, EINVAL);
			return;
		}
		/* read-only registers (x0) simply keep their value */
		s->ops->reg_write(s->target, s->g_thread, i, buf, n);
		hex += 2 * n;
	}
	gdb_reply_str(r, "OK");
}

static bool parse_regno(const char **p, unsigned *regno)
{
	uint64_t v;
	if (!gdb_parse_hex(p, &v) || v > 0xffffff)
		return false;
	*regno = (unsigned)v;
	return true;
}

static void cmd_read_reg(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	unsigned regno;
	uint8_t  buf[16];
	size_t   n;

	if (!parse_regno(&p, &regno) || !at_end(p)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	n = s->ops->reg_read(s->target, s->g_thread, regno, buf);
	if (!n)
		gdb_reply_error(r, ENOENT);
	else
		gdb_reply_hex(r, buf, n);
}

static void cmd_write_reg(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	unsigned regno;
	uint8_t  buf[16];
	size_t   len;

	if (!parse_regno(&p, &regno) || *p++ != '=') {
		gdb_reply_error(r, EINVAL);
		return;
	}
	len = strlen(p);
	if (len == 0 || len % 2 || len > 2 * sizeof(buf) || !gdb_unhex(p, buf, len / 2)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	if (s->ops->reg_write(s->target, s->g_thread, regno, buf, len / 2) < 0)
		gdb_reply_error(r, ENOENT);
	else
		gdb_reply_str(r, "OK");
}

/* "ADDR,LEN" then `end` (NUL or ':'); LEN 1..max */
static bool parse_range(const char **p, uint64_t *addr, uint64_t *len, char end, uint64_t max)
{
	if (!gdb_parse_hex(p, addr) || *(*p)++ != ',' || !gdb_parse_hex(p, len))
		return false;
	if (**p != end)
		return false;
	if (end)
		(*p)++;
	return *len >= 1 && *len <= max;
}

static void cmd_read_mem(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	uint8_t *buf = s->mem;
	uint64_t addr, len;

	/* a longer request than a reply holds is shortened: GDB asks again for the rest */
	if (!parse_range(&p, &addr, &len, '\0', UINT64_MAX)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	if (len > sizeof(s->mem))
		len = sizeof(s->mem);
	if (addr + len < addr)
		len = 0 - addr; /* stop at the top of the address space */
	size_t got = s->ops->mem_read(s->target, s->g_thread, s->phys, addr, buf, (size_t)len);
	if (!got)
		gdb_reply_error(r, EFAULT);
	else
		gdb_reply_hex(r, buf, got);
}

static void mem_write_reply(struct gdb_session *s, uint64_t addr, const uint8_t *buf,
			    size_t len, struct gdb_reply *r)
{
	if (addr + len < addr) {
		gdb_reply_error(r, EFAULT);
		return;
	}
	size_t done = s->ops->mem_write(s->target, s->g_thread, s->phys, addr, buf, len);
	if (done != len)
		gdb_reply_error(r, EFAULT);
	else
		gdb_reply_str(r, "OK");
}

static void cmd_write_mem(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	uint8_t *buf = s->mem;
	uint64_t addr, len;

	if (!parse_range(&p, &addr, &len, ':', sizeof(s->mem)) || strlen(p) != 2 * len ||
	    !gdb_unhex(p, buf, (size_t)len)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	mem_write_reply(s, addr, buf, (size_t)len, r);
}

/* X: binary data, which may hold NUL bytes: the packet's length counts, not strlen. */
static void cmd_write_bin(struct gdb_session *s, char *pkt, size_t n, struct gdb_reply *r)
{
	const char *p = pkt + 1;
	uint64_t    addr, len;

	if (!gdb_parse_hex(&p, &addr) || *p++ != ',' || !gdb_parse_hex(&p, &len) || *p++ != ':' ||
	    len > GDB_MEM_MAX) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	char  *data = pkt + (p - pkt);
	size_t got  = gdb_unescape(data, n - (size_t)(p - pkt));
	if (got != len) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	if (len == 0) { /* GDB's probe for X support */
		gdb_reply_str(r, "OK");
		return;
	}
	mem_write_reply(s, addr, (const uint8_t *)data, (size_t)len, r);
}

static void cmd_breakpoint(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	bool     insert = *p++ == 'Z';
	uint64_t type, addr, kind;

	if (!gdb_parse_hex(&p, &type) || *p++ != ',' || !gdb_parse_hex(&p, &addr) ||
	    *p++ != ',' || !gdb_parse_hex(&p, &kind) || !at_end(p) || kind > 64) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	if (type > 4)
		return; /* not a breakpoint kind the protocol knows: unsupported */
	int rc = s->ops->breakpoint(s->target, insert, (unsigned)type, addr, (unsigned)kind);
	if (rc == 0)
		gdb_reply_str(r, "OK");
	else if (rc < 0)
		gdb_reply_error(r, ENOSPC);
	/* rc > 0: empty reply, this kind is not supported */
}

static void cmd_set_thread(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	char op = *p++;
	long tid;

	if ((op != 'g' && op != 'c') || !parse_thread(&p, &tid) || !at_end(p) ||
	    (tid > 0 && !thread_valid(s, tid))) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	if (op == 'g') {
		if (tid > 0)
			s->g_thread = (unsigned)tid - 1;
	} else {
		s->c_thread = tid > 0 ? (int)tid : -1;
	}
	gdb_reply_str(r, "OK");
}

static enum gdb_next resume(struct gdb_session *s, struct gdb_reply *r)
{
	s->ops->resume(s->target, s->how);
	(void)r;
	return GDB_NEXT_RUNNING;
}

/* c, s, C sig, S sig; an address to resume at is refused (GDB has not sent one in years). */
static enum gdb_next cmd_legacy_resume(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	char     op = *p++;
	uint64_t sig;
	unsigned n  = n_threads(s);

	if ((op == 'C' || op == 'S') && (!gdb_parse_hex(&p, &sig) || (*p && *p != ';'))) {
		gdb_reply_error(r, EINVAL);
		return GDB_NEXT_REPLY;
	}
	if (!at_end(p)) {
		gdb_reply_error(r, EINVAL);
		return GDB_NEXT_REPLY;
	}
	for (unsigned i = 0; i < n; i++)
		s->how[i] = (op == 'c' || op == 'C') ? GDB_CONTINUE : GDB_STAY;
	if (op == 's' || op == 'S') {
		unsigned t = s->c_thread > 0 ? (unsigned)s->c_thread - 1 : s->g_thread;
		s->how[t]  = GDB_STEP;
	}
	return resume(s, r);
}

/* vCont;ACTION[:TID]...: each thread takes the leftmost action that names it. In all-stop
 * mode a step runs that one thread alone: the others stay parked (GDB's own default
 * `vCont;s:N;c` would otherwise let them run for as long as the step takes). */
static enum gdb_next cmd_vcont(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	unsigned n = n_threads(s);
	bool     set[GDB_MAX_THREADS] = { false };
	int      stepping = -1;

	for (unsigned i = 0; i < n; i++)
		s->how[i] = GDB_STAY;
	while (*p == ';') {
		uint64_t sig;
		long     tid = -1;
		char     a   = *++p;

		if (!a)
			goto bad;
		p++;
		if (a == 'C' || a == 'S') {
			if (!gdb_parse_hex(&p, &sig))
				goto bad;
			a = a == 'C' ? 'c' : 's';
		}
		if (a != 'c' && a != 's')
			goto bad;
		if (*p == ':') {
			p++;
			if (!parse_thread(&p, &tid) || tid == 0 || (tid > 0 && !thread_valid(s, tid)))
				goto bad;
		}
		for (unsigned i = 0; i < n; i++) {
			if (set[i] || (tid > 0 && (unsigned long)tid != i + 1))
				continue;
			set[i]    = true;
			s->how[i] = a == 's' ? GDB_STEP : GDB_CONTINUE;
			if (a == 's' && stepping < 0)
				stepping = (int)i;
		}
	}
	if (!at_end(p))
		goto bad;
	if (stepping >= 0)
		for (unsigned i = 0; i < n; i++)
			s->how[i] = (int)i == stepping ? GDB_STEP : GDB_STAY;
	for (unsigned i = 0; i < n; i++)
		if (s->how[i] != GDB_STAY)
			return resume(s, r);
bad:
	gdb_reply_error(r, EINVAL);
	return GDB_NEXT_REPLY;
}

static enum gdb_next cmd_v(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	if (strcmp(p, "vCont?") == 0) {
		gdb_reply_str(r, "vCont;c;C;s;S");
	} else if (strncmp(p, "vCont;", 6) == 0) {
		return cmd_vcont(s, p + 5, r);
	} else if (strncmp(p, "vKill", 5) == 0) {
		s->ops->kill(s->target);
		gdb_reply_str(r, "OK");
		return GDB_NEXT_KILL;
	}
	return GDB_NEXT_REPLY; /* vMustReplyEmpty and everything else: empty */
}

static void cmd_xfer_features(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	char        annex[64];
	const char *colon = strchr(p, ':');
	uint64_t    off, len;

	if (!colon || (size_t)(colon - p) >= sizeof(annex)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	memcpy(annex, p, (size_t)(colon - p));
	annex[colon - p] = '\0';
	p = colon + 1;
	if (!gdb_parse_hex(&p, &off) || *p++ != ',' || !gdb_parse_hex(&p, &len) || !at_end(p)) {
		gdb_reply_error(r, EINVAL);
		return;
	}
	const char *doc = s->ops->xml(s->target, annex);
	if (!doc) {
		gdb_reply_error(r, ENOENT);
		return;
	}
	size_t size = strlen(doc);
	if (off >= size) {
		gdb_reply_str(r, "l");
		return;
	}
	if (len > GDB_MEM_MAX)
		len = GDB_MEM_MAX;
	if (len > size - off)
		len = size - off;
	gdb_reply_str(r, off + len < size ? "m" : "l");
	gdb_reply_mem(r, doc + off, (size_t)len);
}

static void cmd_q(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	unsigned n = n_threads(s);
	long     tid;

	if (strncmp(p, "qSupported", 10) == 0) {
		gdb_reply_fmt(r, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+",
			      GDB_PACKET_MAX);
	} else if (strncmp(p, "qAttached", 9) == 0) {
		gdb_reply_str(r, "1"); /* quitting GDB detaches: the machine runs on */
	} else if (strcmp(p, "qC") == 0) {
		gdb_reply_fmt(r, "QC%x", s->g_thread + 1);
	} else if (strcmp(p, "qfThreadInfo") == 0) {
		gdb_reply_str(r, "m");
		for (unsigned i = 0; i < n; i++)
			gdb_reply_fmt(r, i ? ",%x" : "%x", i + 1);
	} else if (strcmp(p, "qsThreadInfo") == 0) {
		gdb_reply_str(r, "l");
	} else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
		const char *q = p + 17;
		char        text[128];
		if (!parse_thread(&q, &tid) || !at_end(q) || !thread_valid(s, tid)) {
			gdb_reply_error(r, EINVAL);
			return;
		}
		s->ops->thread_info(s->target, (unsigned)tid - 1, text, sizeof(text));
		gdb_reply_hex(r, text, strnlen(text, sizeof(text)));
	} else if (strncmp(p, "qSymbol", 7) == 0) {
		gdb_reply_str(r, "OK");
	} else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
		cmd_xfer_features(s, p + 20, r);
	} else if (strcmp(p, "qqemu.PhyMemMode") == 0) {
		gdb_reply_str(r, s->phys ? "1" : "0");
	}
	/* anything else: empty, "not supported" */
}

static void cmd_Q(struct gdb_session *s, const char *p, struct gdb_reply *r)
{
	if (strcmp(p, "QStartNoAckMode") == 0) {
		s->no_ack = true;
		gdb_reply_str(r, "OK");
	} else if (strncmp(p, "Qqemu.PhyMemMode:", 17) == 0) {
		/* QEMU's switch between virtual (0) and physical (1) memory access */
		if ((p[17] != '0' && p[17] != '1') || p[18]) {
			gdb_reply_error(r, EINVAL);
			return;
		}
		s->phys = p[17] == '1';
		gdb_reply_str(r, "OK");
	}
}

static enum gdb_next cmd_detach(struct gdb_session *s, struct gdb_reply *r)
{
	unsigned n = n_threads(s);

	s->ops->clear_breakpoints(s->target);
	for (unsigned i = 0; i < n; i++)
		s->how[i] = GDB_CONTINUE;
	s->ops->resume(s->target, s->how);
	gdb_reply_str(r, "OK");
	return GDB_NEXT_DETACH;
}

enum gdb_next gdb_session_packet(struct gdb_session *s, char *pkt, size_t len,
				 struct gdb_reply *r)
{
	long tid;

	gdb_reply_clear(r);
	switch (pkt[0]) {
	case '?':
		gdb_session_stopped(s, s->stop_thread, s->stop_signal, r);
		break;
	case 'g':
		if (pkt[1])
			gdb_reply_error(r, EINVAL);
		else
			cmd_read_regs(s, r);
		break;
	case 'G': cmd_write_regs(s, pkt + 1, r); break;
	case 'p': cmd_read_reg(s, pkt + 1, r); break;
	case 'P': cmd_write_reg(s, pkt + 1, r); break;
	case 'm': cmd_read_mem(s, pkt + 1, r); break;
	case 'M': cmd_write_mem(s, pkt + 1, r); break;
	case 'X': cmd_write_bin(s, pkt, len, r); break;
	case 'Z': case 'z': cmd_breakpoint(s, pkt, r); break;
	case 'H': cmd_set_thread(s, pkt + 1, r); break;
	case 'T': {
		const char *p = pkt + 1;
		if (parse_thread(&p, &tid) && at_end(p) && thread_valid(s, tid))
			gdb_reply_str(r, "OK");
		else
			gdb_reply_error(r, ESRCH);
		break;
	}
	case 'c': case 'C': case 's': case 'S':
		return cmd_legacy_resume(s, pkt, r);
	case 'v': return cmd_v(s, pkt, r);
	case 'q': cmd_q(s, pkt, r); break;
	case 'Q': cmd_Q(s, pkt, r); break;
	case 'D': return cmd_detach(s, r);
	case 'k':
		s->ops->kill(s->target);
		return GDB_NEXT_KILL;
	default:
		break; /* unknown: the empty reply */
	}
	if (r->full) { /* cannot happen with the limits above; never send a cut reply */
		gdb_reply_clear(r);
		gdb_reply_error(r, ENOMEM);
	}
	return GDB_NEXT_REPLY;
}
