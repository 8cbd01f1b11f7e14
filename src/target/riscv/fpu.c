/* F and D: arithmetic on the host's IEEE 754 unit with the guest's rounding mode programmed
 * and the exception flags read back through hostfp.h; what the host
 * does differently from RISC-V (NaN results, min/max, comparisons, conversions to integers,
 * NaN-boxing, and the RMM rounding mode, which hosts lack) is done by hand. */
#pragma GCC optimize("-frounding-math")
#include "target/riscv/hostfp.h"
#include "target/riscv/internal.h"

#define CNAN_S 0x7fc00000u
#define CNAN_D 0x7ff8000000000000ull

#define NX 1u
#define UF 2u
#define OF 4u
#define DZ 8u
#define NV 16u

/* Keep the compiler from moving arithmetic across the rounding mode and flag accesses. */
#if defined(__x86_64__)
#define FP_OPAQUE(v) __asm__ volatile("" : "+x"(v))
#else
#define FP_OPAQUE(v) __asm__ volatile("" : "+w"(v))
#endif

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

static uint32_t rv_get_s_bits(const struct rv_hart *h, unsigned r)
{
	uint64_t v = h->f[r];
	return (v >> 32) == 0xffffffffu ? (uint32_t)v : CNAN_S; /* NaN-boxing */
}

static float rv_get_s(const struct rv_hart *h, unsigned r) { return u2f(rv_get_s_bits(h, r)); }
static double rv_get_d(const struct rv_hart *h, unsigned r) { return u2d(h->f[r]); }

static void rv_set_s_bits(struct rv_hart *h, unsigned r, uint32_t b)
{
	h->f[r] = 0xffffffff00000000ull | b;
}

static void rv_set_s(struct rv_hart *h, unsigned r, float f)
{
	rv_set_s_bits(h, r, isnan(f) ? CNAN_S : f2u(f));
}

static void rv_set_d(struct rv_hart *h, unsigned r, double d)
{
	h->f[r] = isnan(d) ? CNAN_D : d2u(d);
}

static bool snan_s(uint32_t b) { return (b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff) && !(b & 0x400000); }
static bool snan_d(uint64_t b)
{
	return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull) &&
	       !(b & 0x8000000000000ull);
}

/* Program the host for guest rounding mode rm (already resolved, 0..4) and clear flags. */
static void rv_fp_begin(struct rv_hart *h, unsigned rm)
{
	static const int host[5] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
				     FE_TONEAREST };
	if (h->host_rm != (int)rm) {
		hostfp_setround(host[rm]);
		h->host_rm = (int)rm;
	}
	hostfp_clear();
}

static void rv_fp_end(struct rv_hart *h)
{
	int      x = hostfp_test(FE_ALL_EXCEPT);
	unsigned fl = 0;
	if (x & FE_INVALID) fl |= NV;
	if (x & FE_DIVBYZERO) fl |= DZ;
	if (x & FE_OVERFLOW) fl |= OF;
	if (x & FE_UNDERFLOW) fl |= UF;
	if (x & FE_INEXACT) fl |= NX;
	h->fcsr |= fl;
}

static unsigned rv_fclass(bool neg, bool inf, bool nan, bool snan, bool zero, bool sub)
{
	if (nan)
		return snan ? 1u << 8 : 1u << 9;
	if (inf)
		return neg ? 1u << 0 : 1u << 7;
	if (zero)
		return neg ? 1u << 3 : 1u << 4;
	if (sub)
		return neg ? 1u << 2 : 1u << 5;
	return neg ? 1u << 1 : 1u << 6;
}

/* Round to nearest, ties to max magnitude (RMM), which hosts lack: start from the
 * ties-to-even result s of a op b (op 0 add, 1 sub, 2 mul, 3 div) and move one step away
 * from zero when the exact result lay exactly halfway. The exact error comes from
 * error-free transforms (TwoSum, fma); the host is in round-to-nearest here. */
static double rv_rmm_d(unsigned op, double a, double b, double s)
{
	double e, n;

	if (!isfinite(s))
		return s;
	switch (op) {
	case 0: case 1: {
		double bb = op ? -b : b, t = s - a;
		e = (a - (s - t)) + (bb - t);
		break;
	}
	case 2:
		e = hostfp_fma(a, b, -s);
		break;
	case 3: {
		double rem = hostfp_fma(-s, b, a); /* a - s*b, exact */
		if (rem == 0 || !isfinite(rem))
			return s;
		n = hostfp_next(s, (rem > 0) == (b > 0));
		return (fabs(rem) * 2 == fabs(n - s) * fabs(b) && fabs(n) > fabs(s)) ? n : s;
	}
	default:
		return s;
	}
	if (e == 0 || !isfinite(e))
		return s;
	n = hostfp_next(s, e > 0);
	return (fabs(e) * 2 == fabs(n - s) && fabs(n) > fabs(s)) ? n : s;
}

/* RMM for a single-precision result f rounded (ties to even) from the exact double q. */
static float rv_rmm_s(double q, float f)
{
	if (!isfinite(f) || (double)f == q)
		return f;
	float n = hostfp_nextf(f, q > (double)f);
	return ((double)n + (double)f == 2 * q && fabsf(n) > fabsf(f)) ? n : f;
}

/* RMM for a fused multiply-add whose ties-to-even result is s: the exact a*b + c = s + e,
 * with e from the product's exact error and a TwoSum of product and addend. */
static double rv_rmm_fma_d(double a, double b, double c, double s)
{
	double p = a * b;
	if (!isfinite(s) || !isfinite(p))
		return s;
	double ep = hostfp_fma(a, b, -p);
	double u = p + c, t = u - p, eu = (p - (u - t)) + (c - t);
	double e = (u - s) + (eu + ep);
	if (e == 0 || !isfinite(e))
		return s;
	double n = hostfp_next(s, e > 0);
	return (fabs(e) * 2 == fabs(n - s) && fabs(n) > fabs(s)) ? n : s;
}

static float rv_rmm_fma_s(float a, float b, float c, float r)
{
	if (!isfinite(r))
		return r;
	double p = (double)a * b; /* exact */
	double q = hostfp_fma((double)a, (double)b, (double)c);
	double u = p + c, t = u - p, eu = (p - (u - t)) + ((double)c - t);
	double e = (u - q) + eu;  /* exact result = q + e */
	if (e != 0 || (double)r == q)
		return r;         /* a tie needs the exact result on a single-precision midpoint */
	float n = hostfp_nextf(r, q > (double)r);
	return ((double)n + (double)r == 2 * q && fabsf(n) > fabsf(r)) ? n : r;
}

/* RMM for an integer converted to floating point (r rounded ties to even). */
static double rv_rmm_int_d(__int128 v, double r)
{
	if (!isfinite(r))
		return r;
	__int128 e = v - (__int128)r;
	if (e == 0)
		return r;
	double n = hostfp_next(r, e > 0);
	return (fabs((double)e) * 2 == fabs(n - r) && fabs(n) > fabs(r)) ? n : r;
}

static float rv_rmm_int_s(__int128 v, float r)
{
	if (!isfinite(r))
		return r;
	__int128 e = v - (__int128)r;
	if (e == 0)
		return r;
	float n = hostfp_nextf(r, e > 0);
	return (fabs((double)e) * 2 == fabs((double)n - (double)r) && fabsf(n) > fabsf(r)) ? n : r;
}

static __int128 rv_int_operand(uint64_t v, unsigned kind)
{
	switch (kind) {
	case 0: return (int32_t)v;
	case 1: return (uint32_t)v;
	case 2: return (int64_t)v;
	default: return (__int128)v;
	}
}

/* Single-precision add/sub/mul/div under RMM: exact (or, for div, faithfully tie-preserving)
 * in double, then rounded to single with the tie decided by rv_rmm_s. */
static float rv_rmm_s_op(struct rv_hart *h, unsigned op, float a, float b)
{
	double da, db, q;
	float  r;

	rv_fp_begin(h, 4);
	FP_OPAQUE(a); FP_OPAQUE(b);
	da = a; /* after begin: widening a signalling NaN raises NV */
	db = b;
	FP_OPAQUE(da); FP_OPAQUE(db);
	switch (op) {
	case 0: q = da + db; break;
	case 1: q = da - db; break;
	case 2: q = da * db; break;
	default: q = da / db; break;
	}
	FP_OPAQUE(q);
	int x = hostfp_test(FE_INVALID | FE_DIVBYZERO | FE_INEXACT);
	hostfp_clear();
	r = (float)q;
	FP_OPAQUE(r);
	rv_fp_end(h);
	h->fcsr |= (x & FE_INVALID ? NV : 0) | (x & FE_DIVBYZERO ? DZ : 0) | (x & FE_INEXACT ? NX : 0);
	return rv_rmm_s(q, r);
}

/* Round x (not NaN) to an integer in guest mode rm without touching the host flags. */
static double rv_round_int(double x, unsigned rm)
{
	switch (rm) {
	case 1: return trunc(x);
	case 2: return floor(x);
	case 3: return ceil(x);
	case 4: return hostfp_round(x);
	default: {
		double r = hostfp_round(x); /* ties away; fix ties to even */
		if (fabs(r - x) == 0.5)
			r = 2.0 * hostfp_round(x / 2.0);
		return r;
	}
	}
}

/* FCVT.{W,WU,L,LU}.{S,D}: saturating, NV for NaN and out of range, NX when inexact. */
static uint64_t rv_fcvt_to_int(struct rv_hart *h, double x, unsigned kind, unsigned rm)
{
	static const double lo[4] = { -2147483648.0, 0.0, -9223372036854775808.0, 0.0 };
	static const double hi[4] = { 2147483648.0, 4294967296.0, 9223372036854775808.0,
				      18446744073709551616.0 };
	static const uint64_t max[4] = { 0x7fffffffull, UINT64_MAX, INT64_MAX, UINT64_MAX };
	static const uint64_t min[4] = { (uint64_t)(int64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0 };

	if (isnan(x)) {
		h->fcsr |= NV;
		return max[kind];
	}
	double r = rv_round_int(x, rm);
	if (r < lo[kind]) {
		h->fcsr |= NV;
		return min[kind];
	}
	if (r >= hi[kind]) {
		h->fcsr |= NV;
		return max[kind];
	}
	if (r != x)
		h->fcsr |= NX;
	switch (kind) {
	case 0: return (uint64_t)(int64_t)(int32_t)r;
	case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
	case 2: return (uint64_t)(int64_t)r;
	default: return (uint64_t)r;
	}
}

/* The operations below work alike on both formats: values come as double (a float widens
 * exactly, NaNs stay NaNs) and bit patterns as uint64_t, with the format's sign bit. */

/* An invalid product (inf * 0) raises NV even when the addend is a quiet NaN; the host's
 * fma returns the NaN without a flag. */
static void rv_fma_check(struct rv_hart *h, double a, double b, double c)
{
	if (isnan(c) && ((isinf(a) && b == 0) || (a == 0 && isinf(b))))
		h->fcsr |= NV;
}

/* FSGNJ, FSGNJN, FSGNJX (f3 0, 1, 2): a's magnitude with a sign from b. false for other f3. */
static bool rv_fsgnj(unsigned f3, uint64_t ab, uint64_t bb, uint64_t sign, uint64_t *res)
{
	uint64_t s;
	if (f3 == 0) s = bb & sign;
	else if (f3 == 1) s = ~bb & sign;
	else if (f3 == 2) s = (ab ^ bb) & sign;
	else return false;
	*res = (ab & ~sign) | s;
	return true;
}

/* FMIN, FMAX (f3 0, 1): NaN only when both are, -0 below +0, NV on a signalling NaN. */
static uint64_t rv_fminmax(struct rv_hart *h, unsigned f3, double a, double b, uint64_t ab,
			   uint64_t bb, bool snan, uint64_t cnan)
{
	if (snan)
		h->fcsr |= NV;
	if (isnan(a) && isnan(b)) return cnan;
	if (isnan(a)) return bb;
	if (isnan(b)) return ab;
	if (a == b) return f3 == 0 ? (ab | bb) : (ab & bb); /* -0 < +0 */
	return (f3 == 0) == (a < b) ? ab : bb;
}

/* FLE, FLT, FEQ (f3 0, 1, 2): 0 for any NaN; NV for any NaN but FEQ's quiet ones. */
static uint64_t rv_fcmp(struct rv_hart *h, unsigned f3, double a, double b, bool snan)
{
	bool nan = isnan(a) || isnan(b);
	if (f3 == 2 ? snan : nan)
		h->fcsr |= NV;
	return nan ? 0 : f3 == 0 ? a <= b : f3 == 1 ? a < b : a == b;
}

static bool rv_fp_exec_s(struct rv_hart *h, uint32_t insn, unsigned rm)
{
	unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	unsigned f7 = insn >> 25, opc = insn & 0x7f, f3 = (insn >> 12) & 7;
	uint32_t ab = rv_get_s_bits(h, rs1), bb = rv_get_s_bits(h, rs2);
	float    a = u2f(ab), b = u2f(bb), r;

	if (opc != 0x53) { /* fused multiply-add family */
		float c = rv_get_s(h, insn >> 27);
		if (opc == 0x4b || opc == 0x4f) a = -a;
		if (opc == 0x47 || opc == 0x4f) c = -c;
		rv_fma_check(h, a, b, c);
		rv_fp_begin(h, rm);
		FP_OPAQUE(a); FP_OPAQUE(b); FP_OPAQUE(c);
		r = hostfp_fmaf(a, b, c);
		FP_OPAQUE(r);
		rv_fp_end(h);
		if (rm == 4)
			r = rv_rmm_fma_s(a, b, c, r);
		rv_set_s(h, rd, r);
		return true;
	}
	switch (f7 >> 2) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x0b:
		if ((f7 >> 2) == 0x0b && rs2 != 0)
			return false;
		if (rm == 4 && (f7 >> 2) <= 3) {
			rv_set_s(h, rd, rv_rmm_s_op(h, f7 >> 2, a, b));
			return true;
		}
		rv_fp_begin(h, rm);
		FP_OPAQUE(a); FP_OPAQUE(b);
		switch (f7 >> 2) {
		case 0x00: r = a + b; break;
		case 0x01: r = a - b; break;
		case 0x02: r = a * b; break;
		case 0x03: r = a / b; break;
		default:   r = hostfp_sqrtf(a); break; /* square roots never tie */
		}
		FP_OPAQUE(r);
		rv_fp_end(h);
		rv_set_s(h, rd, r);
		return true;
	case 0x04: {
		uint64_t res;
		if (!rv_fsgnj(f3, ab, bb, 0x80000000u, &res))
			return false;
		rv_set_s_bits(h, rd, (uint32_t)res);
		return true;
	}
	case 0x05:
		if (f3 > 1)
			return false;
		rv_set_s_bits(h, rd, (uint32_t)rv_fminmax(h, f3, a, b, ab, bb, snan_s(ab) || snan_s(bb),
							  CNAN_S));
		return true;
	case 0x08: /* FCVT.S.D */
		if (rs2 != 1)
			return false;
		{
			double d = rv_get_d(h, rs1);
			rv_fp_begin(h, rm);
			FP_OPAQUE(d);
			r = (float)d;
			FP_OPAQUE(r);
			rv_fp_end(h);
			if (rm == 4)
				r = rv_rmm_s(d, r);
			rv_set_s(h, rd, r);
		}
		return true;
	case 0x14:
		if (f3 > 2)
			return false;
		h->x[rd ? rd : 32] = rv_fcmp(h, f3, a, b, snan_s(ab) || snan_s(bb));
		return true;
	case 0x18:
		if (rs2 > 3)
			return false;
		h->x[rd ? rd : 32] = rv_fcvt_to_int(h, (double)a, rs2, rm);
		return true;
	case 0x1a: {
		if (rs2 > 3)
			return false;
		uint64_t v = h->x[rs1];
		rv_fp_begin(h, rm);
		FP_OPAQUE(v);
		switch (rs2) {
		case 0: r = (float)(int32_t)v; break;
		case 1: r = (float)(uint32_t)v; break;
		case 2: r = (float)(int64_t)v; break;
		default: r = (float)v; break;
		}
		FP_OPAQUE(r);
		rv_fp_end(h);
		if (rm == 4)
			r = rv_rmm_int_s(rv_int_operand(v, rs2), r);
		rv_set_s(h, rd, r);
		return true;
	}
	case 0x1c:
		if (rs2 != 0)
			return false;
		if (f3 == 0)
			h->x[rd ? rd : 32] = (uint64_t)(int64_t)(int32_t)(uint32_t)h->f[rs1]; /* FMV.X.W: raw bits */
		else if (f3 == 1)
			h->x[rd ? rd : 32] = rv_fclass(ab >> 31, isinf(a), isnan(a), snan_s(ab), a == 0,
					     fpclassify(a) == FP_SUBNORMAL);
		else
			return false;
		return true;
	case 0x1e:
		if (rs2 != 0 || f3 != 0)
			return false;
		rv_set_s_bits(h, rd, (uint32_t)h->x[rs1]);
		return true;
	default:
		return false;
	}
}

static bool rv_fp_exec_d(struct rv_hart *h, uint32_t insn, unsigned rm)
{
	unsigned rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	unsigned f7 = insn >> 25, opc = insn & 0x7f, f3 = (insn >> 12) & 7;
	uint64_t ab = h->f[rs1], bb = h->f[rs2];
	double   a = u2d(ab), b = u2d(bb), r;

	if (opc != 0x53) {
		double c = rv_get_d(h, insn >> 27);
		if (opc == 0x4b || opc == 0x4f) a = -a;
		if (opc == 0x47 || opc == 0x4f) c = -c;
		rv_fma_check(h, a, b, c);
		rv_fp_begin(h, rm);
		FP_OPAQUE(a); FP_OPAQUE(b); FP_OPAQUE(c);
		r = hostfp_fma(a, b, c);
		FP_OPAQUE(r);
		rv_fp_end(h);
		if (rm == 4)
			r = rv_rmm_fma_d(a, b, c, r);
		rv_set_d(h, rd, r);
		return true;
	}
	switch (f7 >> 2) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x0b:
		if ((f7 >> 2) == 0x0b && rs2 != 0)
			return false;
		rv_fp_begin(h, rm);
		FP_OPAQUE(a); FP_OPAQUE(b);
		switch (f7 >> 2) {
		case 0x00: r = a + b; break;
		case 0x01: r = a - b; break;
		case 0x02: r = a * b; break;
		case 0x03: r = a / b; break;
		default:   r = hostfp_sqrt(a); break; /* square roots never tie */
		}
		FP_OPAQUE(r);
		rv_fp_end(h);
		if (rm == 4)
			r = rv_rmm_d(f7 >> 2, a, b, r);
		rv_set_d(h, rd, r);
		return true;
	case 0x04:
		return rv_fsgnj(f3, ab, bb, 1ull << 63, &h->f[rd]);
	case 0x05:
		if (f3 > 1)
			return false;
		h->f[rd] = rv_fminmax(h, f3, a, b, ab, bb, snan_d(ab) || snan_d(bb), CNAN_D);
		return true;
	case 0x08: /* FCVT.D.S */
		if (rs2 != 0)
			return false;
		{
			uint32_t sb = rv_get_s_bits(h, rs1);
			if (snan_s(sb))
				h->fcsr |= NV;
			rv_set_d(h, rd, (double)u2f(sb));
		}
		return true;
	case 0x14:
		if (f3 > 2)
			return false;
		h->x[rd ? rd : 32] = rv_fcmp(h, f3, a, b, snan_d(ab) || snan_d(bb));
		return true;
	case 0x18:
		if (rs2 > 3)
			return false;
		h->x[rd ? rd : 32] = rv_fcvt_to_int(h, a, rs2, rm);
		return true;
	case 0x1a: {
		if (rs2 > 3)
			return false;
		uint64_t v = h->x[rs1];
		rv_fp_begin(h, rm);
		FP_OPAQUE(v);
		switch (rs2) {
		case 0: r = (double)(int32_t)v; break;
		case 1: r = (double)(uint32_t)v; break;
		case 2: r = (double)(int64_t)v; break;
		default: r = (double)v; break;
		}
		FP_OPAQUE(r);
		rv_fp_end(h);
		if (rm == 4)
			r = rv_rmm_int_d(rv_int_operand(v, rs2), r);
		rv_set_d(h, rd, r);
		return true;
	}
	case 0x1c:
		if (rs2 != 0)
			return false;
		if (f3 == 0)
			h->x[rd ? rd : 32] = ab;
		else if (f3 == 1)
			h->x[rd ? rd : 32] = rv_fclass(ab >> 63, isinf(a), isnan(a), snan_d(ab), a == 0,
					     fpclassify(a) == FP_SUBNORMAL);
		else
			return false;
		return true;
	case 0x1e:
		if (rs2 != 0 || f3 != 0)
			return false;
		h->f[rd] = h->x[rs1];
		return true;
	default:
		return false;
	}
}

bool rv_fp_exec(struct rv_hart *h, uint32_t insn)
{
	unsigned fmt = (insn >> 25) & 3, rm = (insn >> 12) & 7;

	if (!(h->mstatus & MS_FS) || fmt > 1)
		return false;
	if (rm == 7)
		rm = (h->fcsr >> 5) & 7;
	/* rm is only checked where it is a rounding mode */
	unsigned f5 = insn >> 27;
	bool uses_rm = (insn & 0x7f) != 0x53 || f5 <= 3 || f5 == 0x0b || f5 == 0x08 ||
		       f5 == 0x18 || f5 == 0x1a;
	if (uses_rm && rm > 4)
		return false;
	bool ok = fmt == 0 ? rv_fp_exec_s(h, insn, rm) : rv_fp_exec_d(h, insn, rm);
	if (ok)
		rv_fs_dirty(h);
	return ok;
}
