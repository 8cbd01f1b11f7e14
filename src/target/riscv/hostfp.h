/* The host floating-point operations the F and D emulation needs beyond + - * /: rounding
 * mode, exception flags, fused multiply-add, square root, round-half-away and nextafter.
 * On x86-64 they are SSE2 and FMA3 instructions and the MXCSR register, so cella does not link libm (whose
 * load alone made 300 KiB of every cella process resident); other hosts use fenv/libm. */
#ifndef CELLA_RISCV_HOSTFP_H
#define CELLA_RISCV_HOSTFP_H

#include <fenv.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* FE_* below are <fenv.h>'s, which on x86-64 are MXCSR's flag bits, and its rounding modes
 * shifted right by 3 (and the x87 control word's as they are). */
#if defined(__x86_64__)
#include <emmintrin.h>

/* MXCSR rounds the SSE arithmetic; the x87 control word is set too, as fesetround() does,
 * because glibc's fegetround() reads it and libm's software fma (hostfp.c) may ask. */
static inline void hostfp_setround(int mode)
{
	unsigned short cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	cw = (unsigned short)((cw & ~0xc00u) | (unsigned)mode);
	__asm__ volatile("fldcw %0" : : "m"(cw));
	unsigned csr = __builtin_ia32_stmxcsr();
	__builtin_ia32_ldmxcsr((csr & ~0x6000u) | ((unsigned)mode << 3));
}

static inline void hostfp_clear(void)
{
	__builtin_ia32_ldmxcsr(__builtin_ia32_stmxcsr() & ~(unsigned)FE_ALL_EXCEPT);
}

static inline int hostfp_test(int mask) { return (int)__builtin_ia32_stmxcsr() & mask; }

static inline double hostfp_sqrt(double a)
{
	__m128d v = _mm_set_sd(a);
	return _mm_cvtsd_f64(_mm_sqrt_sd(v, v));
}

static inline float hostfp_sqrtf(float a)
{
	return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(a)));
}

double hostfp_fma(double a, double b, double c);
float hostfp_fmaf(float a, float b, float c);
#else
static inline void hostfp_setround(int mode) { fesetround(mode); }
static inline void hostfp_clear(void) { feclearexcept(FE_ALL_EXCEPT); }
static inline int hostfp_test(int mask) { return fetestexcept(mask); }
static inline double hostfp_fma(double a, double b, double c) { return fma(a, b, c); }
static inline float hostfp_fmaf(float a, float b, float c) { return fmaf(a, b, c); }
static inline double hostfp_sqrt(double a) { return sqrt(a); }
static inline float hostfp_sqrtf(float a) { return sqrtf(a); }
#endif

/* x rounded to an integer, halfway cases away from zero, raising no flag: trunc() and the
 * difference x - trunc(x) are exact, and so is adding 1 to an integer below 2^52. */
static inline double hostfp_round(double x)
{
	if (!(fabs(x) < 4503599627370496.0)) /* 2^52: already an integer, or NaN or infinite */
		return x;
	double t = trunc(x);
	return fabs(x - t) >= 0.5 ? t + copysign(1.0, x) : t;
}

/* The bit pattern of the neighbour of a non-NaN value with bits u, towards +infinity (up) or
 * -infinity, in a format whose sign bit is `sign`: magnitudes order like their bit patterns. */
static inline uint64_t hostfp_next_bits(uint64_t u, uint64_t sign, bool up)
{
	if ((u & ~sign) == 0)
		return up ? 1 : sign | 1;  /* from either zero to the smallest subnormal */
	return !(u & sign) == up ? u + 1 : u - 1;
}

static inline double hostfp_next(double x, bool up)
{
	uint64_t u;
	if (isnan(x) || (isinf(x) && (x > 0) == up))
		return x;
	memcpy(&u, &x, 8);
	u = hostfp_next_bits(u, 1ull << 63, up);
	memcpy(&x, &u, 8);
	return x;
}

static inline float hostfp_nextf(float x, bool up)
{
	uint32_t u;
	if (isnan(x) || (isinf(x) && (x > 0) == up))
		return x;
	memcpy(&u, &x, 4);
	u = (uint32_t)hostfp_next_bits(u, 1u << 31, up);
	memcpy(&x, &u, 4);
	return x;
}

#endif
