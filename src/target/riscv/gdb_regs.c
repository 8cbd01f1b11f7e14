/* The registers the riscv64 GDB backend shows: the target description GDB's riscv target
 * expects (features riscv.cpu, riscv.fpu, riscv.csr with the CSRs this hart implements, and
 * QEMU's virtual `priv`), and reads and writes of one register of a parked hart. */
#include "target/riscv/gdb_regs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/riscv/internal.h"

static const char *const rv_xreg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3",
	"a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
	"t3", "t4", "t5", "t6",
};

static const char *const rv_freg_names[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1",
	"fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Standard CSR names (privileged spec 1.12, debug spec 1.0); a CSR is described to GDB when
 * it has a name here and the hart answers a read of it. Numbered ranges are named below. */
static const struct { unsigned num; const char *name; } rv_csr_names[] = {
	{ 0xc00, "cycle" }, { 0xc01, "time" }, { 0xc02, "instret" },
	{ 0x100, "sstatus" }, { 0x104, "sie" }, { 0x105, "stvec" }, { 0x106, "scounteren" },
	{ 0x10a, "senvcfg" }, { 0x140, "sscratch" }, { 0x141, "sepc" }, { 0x142, "scause" },
	{ 0x143, "stval" }, { 0x144, "sip" }, { 0x14d, "stimecmp" }, { 0x180, "satp" },
	{ 0x5a8, "scontext" },
	{ 0xf11, "mvendorid" }, { 0xf12, "marchid" }, { 0xf13, "mimpid" }, { 0xf14, "mhartid" },
	{ 0xf15, "mconfigptr" },
	{ 0x300, "mstatus" }, { 0x301, "misa" }, { 0x302, "medeleg" }, { 0x303, "mideleg" },
	{ 0x304, "mie" }, { 0x305, "mtvec" }, { 0x306, "mcounteren" }, { 0x30a, "menvcfg" },
	{ 0x320, "mcountinhibit" }, { 0x340, "mscratch" }, { 0x341, "mepc" }, { 0x342, "mcause" },
	{ 0x343, "mtval" }, { 0x344, "mip" }, { 0x34a, "mtinst" }, { 0x34b, "mtval2" },
	{ 0x7a0, "tselect" }, { 0x7a1, "tdata1" }, { 0x7a2, "tdata2" }, { 0x7a3, "tdata3" },
	{ 0x7a4, "tinfo" }, { 0x7a5, "tcontrol" }, { 0x7a8, "mcontext" },
	{ 0x7b0, "dcsr" }, { 0x7b1, "dpc" }, { 0x7b2, "dscratch0" }, { 0x7b3, "dscratch1" },
	{ 0xb00, "mcycle" }, { 0xb02, "minstret" },
};

static const struct { unsigned first, last, base; const char *prefix; } rv_csr_ranges[] = {
	{ 0xc03, 0xc1f, 3, "hpmcounter" },
	{ 0x323, 0x33f, 3, "mhpmevent" },
	{ 0x3a0, 0x3af, 0, "pmpcfg" },
	{ 0x3b0, 0x3ef, 0, "pmpaddr" },
	{ 0xb03, 0xb1f, 3, "mhpmcounter" },
};

/* A CSR as M-mode software accesses it: rv_csr_access with the (parked) hart's privilege
 * raised for the moment. The FP CSRs are taken from fcsr directly, so the debugger sees them
 * with mstatus.FS off too, as QEMU's does. */
static bool rv_gdb_csr(struct rv_hart *h, unsigned csr, uint64_t *val, bool write)
{
	static const unsigned shift[4] = { 0, 0, 5, 0 }, mask[4] = { 0, 0x1f, 0xe0, 0xff };
	uint64_t              old;
	int                   priv = h->priv;
	bool                  ok;

	if (csr >= 1 && csr <= 3) {
		if (write)
			h->fcsr = (h->fcsr & ~mask[csr]) | ((uint32_t)(*val << shift[csr]) & mask[csr]);
		else
			*val = (h->fcsr & mask[csr]) >> shift[csr];
		return true;
	}
	h->priv = RV_PRIV_M;
	ok      = write ? rv_csr_access(h, csr, 1, *val, &old, true)
			: rv_csr_access(h, csr, 2, 0, val, false);
	h->priv = priv;
	return ok;
}

static void rv_xml_csr(FILE *f, struct rv_hart *h, unsigned csr, const char *name, unsigned idx)
{
	uint64_t v;
	char     buf[32];

	if (!rv_gdb_csr(h, csr, &v, false))
		return;
	if (idx != ~0u) {
		snprintf(buf, sizeof(buf), "%s%u", name, idx);
		name = buf;
	}
	fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n", name,
		RV_GDB_CSR0 + csr);
}

char *rv_gdb_target_xml(struct rv_hart *h)
{
	char  *doc = NULL;
	size_t len = 0;
	FILE  *f   = open_memstream(&doc, &len);

	if (!f)
		return NULL;
	fputs("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	      "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
	      /* a whole machine, not a Linux process: GDB then steps with the stub, not
	       * with breakpoints of its own (its default for riscv64 GNU/Linux) */
	      "<osabi>none</osabi>\n"
	      "<feature name=\"org.gnu.gdb.riscv.cpu\">\n", f);
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n",
			rv_xreg_names[i], i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4) ? "data_ptr" : "int", i);
	fprintf(f, "  <reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%u\"/>\n"
		"</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
		"  <union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
		"<field name=\"double\" type=\"ieee_double\"/></union>\n", RV_GDB_PC);
	for (unsigned i = 0; i < 32; i++)
		fprintf(f, "  <reg name=\"%s\" bitsize=\"64\" type=\"riscv_double\" regnum=\"%u\"/>\n",
			rv_freg_names[i], RV_GDB_F0 + i);
	static const char *const fcsrs[3] = { "fflags", "frm", "fcsr" };
	for (unsigned i = 0; i < 3; i++)
		fprintf(f, "  <reg name=\"%s\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n",
			fcsrs[i], RV_GDB_CSR0 + 1 + i);
	fputs("</feature>\n<feature name=\"org.gnu.gdb.riscv.csr\">\n", f);
	for (size_t i = 0; i < sizeof(rv_csr_names) / sizeof(rv_csr_names[0]); i++)
		rv_xml_csr(f, h, rv_csr_names[i].num, rv_csr_names[i].name, ~0u);
	for (size_t i = 0; i < sizeof(rv_csr_ranges) / sizeof(rv_csr_ranges[0]); i++)
		for (unsigned c = rv_csr_ranges[i].first; c <= rv_csr_ranges[i].last; c++)
			rv_xml_csr(f, h, c, rv_csr_ranges[i].prefix,
				   c - rv_csr_ranges[i].first + rv_csr_ranges[i].base);
	fprintf(f, "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
		"  <reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n"
		"</feature>\n</target>\n", RV_GDB_PRIV);
	if (fclose(f) != 0) {
		free(doc);
		return NULL;
	}
	return doc;
}

static size_t put64(uint8_t *buf, uint64_t v)
{
	memcpy(buf, &v, 8); /* little-endian host and target */
	return 8;
}

size_t rv_gdb_reg_read(struct rv_hart *h, unsigned regno, uint8_t *buf)
{
	uint64_t v;

	if (regno < 32)
		return put64(buf, h->x[regno]);
	if (regno == RV_GDB_PC)
		return put64(buf, h->pc);
	if (regno < RV_GDB_CSR0)
		return put64(buf, h->f[regno - RV_GDB_F0]);
	if (regno == RV_GDB_PRIV)
		return put64(buf, (uint64_t)h->priv);
	if (regno >= RV_GDB_PRIV || !rv_gdb_csr(h, regno - RV_GDB_CSR0, &v, false))
		return 0;
	if (regno <= RV_GDB_CSR0 + 3) { /* fflags, frm, fcsr: 32 bits, as GDB describes them */
		uint32_t w = (uint32_t)v;
		memcpy(buf, &w, 4);
		return 4;
	}
	return put64(buf, v);
}

int rv_gdb_reg_write(struct rv_hart *h, unsigned regno, const uint8_t *buf, size_t len)
{
	uint64_t v = 0;
	size_t   want = (regno >= RV_GDB_CSR0 + 1 && regno <= RV_GDB_CSR0 + 3) ? 4 : 8;

	if (len != want)
		return -1;
	memcpy(&v, buf, len);
	if (regno == 0)
		return 0; /* x0 stays zero */
	if (regno < 32) {
		h->x[regno] = v;
	} else if (regno == RV_GDB_PC) {
		h->pc  = v & ~1ull;
		h->wfi = false; /* the hart goes where it is sent, not back to sleep */
	} else if (regno < RV_GDB_CSR0) {
		h->f[regno - RV_GDB_F0] = v;
	} else if (regno == RV_GDB_PRIV) {
		if (v != RV_PRIV_U && v != RV_PRIV_S && v != RV_PRIV_M)
			return -1;
		rv_set_priv(h, (int)v);
	} else if (regno > RV_GDB_PRIV || !rv_gdb_csr(h, regno - RV_GDB_CSR0, &v, true)) {
		return -1;
	}
	return 0;
}
