/* Carry-less multiplication for Zbc (clmul, clmulh, clmulr): the host's PCLMULQDQ where the
 * CPU has it (every x86-64 CPU since 2010-2011), else shift and xor. Linux computes CRCs with
 * these instructions once the device tree lists Zbc, so a loop of 64 steps would cost. */
#include "target/riscv/internal.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <wmmintrin.h>

__attribute__((target("pclmul,sse2"))) static uint64_t clmul_insn(uint64_t a, uint64_t b,
								  uint64_t *hi)
{
	__m128i p = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)a),
					 _mm_cvtsi64_si128((long long)b), 0);
	*hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(p, p));
	return (uint64_t)_mm_cvtsi128_si64(p);
}

/* Asked on first use, as hostfp.c asks for FMA3, not through a libgcc constructor. */
static bool have_pclmul(void)
{
	static int known = -1; /* racing first calls compute the same answer */
	if (__builtin_expect(known < 0, 0)) {
		unsigned a, b, c = 0, d;
		__atomic_store_n(&known, __get_cpuid(1, &a, &b, &c, &d) && (c & bit_PCLMUL),
				 __ATOMIC_RELAXED);
	}
	return __atomic_load_n(&known, __ATOMIC_RELAXED);
}
#endif

uint64_t rv_clmul_soft(uint64_t a, uint64_t b, uint64_t *hi)
{
	uint64_t lo = 0, h = 0;
	for (unsigned i = 0; i < 64; i++) {
		uint64_t m = -((b >> i) & 1);
		lo ^= (a << i) & m;
		h ^= (i ? a >> (64 - i) : 0) & m;
	}
	*hi = h;
	return lo;
}

uint64_t rv_clmul(uint64_t a, uint64_t b, uint64_t *hi)
{
#if defined(__x86_64__)
	if (__builtin_expect(have_pclmul(), 1))
		return clmul_insn(a, b, hi);
#endif
	return rv_clmul_soft(a, b, hi);
}
