/* The host floating-point helpers of the RISC-V FPU (target/riscv/hostfp.h) against libm's
 * fenv, nextafter, round, sqrt and fma, on the values where they could differ: zeros of both
 * signs, subnormals, the largest finite values, infinities, halfway cases, every rounding
 * mode. Also Zbc's carry-less product on the host instruction against shift and xor. */
#include <fenv.h>
#include <math.h>

#include "check.h"
#include "target/riscv/hostfp.h"
#include "target/riscv/internal.h"

static const double dv[] = {
	0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.3, -0.7, 3.0, 1e300, -1e300,
	5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
	-1.7976931348623157e308, 4503599627370495.5, -4503599627370495.5, 0.49999999999999994,
	INFINITY, -INFINITY, NAN,
};
#define N_DV (sizeof(dv) / sizeof(dv[0]))

static bool same_d(double a, double b) { return memcmp(&a, &b, 8) == 0 || (isnan(a) && isnan(b)); }
static bool same_f(float a, float b) { return memcmp(&a, &b, 4) == 0 || (isnan(a) && isnan(b)); }

static void hostfp_next_is_nextafter(void)
{
	for (unsigned i = 0; i < N_DV; i++) {
		for (int up = 0; up < 2; up++) {
			double d = dv[i];
			float  f = (float)d;
			CHECK(same_d(hostfp_next(d, up), nextafter(d, up ? INFINITY : -INFINITY)));
			CHECK(same_f(hostfp_nextf(f, up), nextafterf(f, up ? INFINITY : -INFINITY)));
		}
	}
}

static void hostfp_round_is_round(void)
{
	for (unsigned i = 0; i < N_DV; i++)
		CHECK(same_d(hostfp_round(dv[i]), round(dv[i])));
}

/* fma, sqrt and the flags they raise, in each rounding mode, set through hostfp and read back
 * through both it and fenv (the same MXCSR on x86-64). */
static void hostfp_fma_sqrt_and_flags_match_libm(void)
{
	static const int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
	for (unsigned m = 0; m < 4; m++) {
		hostfp_setround(modes[m]);
		CHECK_INT(fegetround(), modes[m]);
		for (unsigned i = 0; i < N_DV; i += 2) {
			for (unsigned j = 1; j < N_DV; j += 3) {
				double a = dv[i], b = dv[j], c = dv[(i + j) % N_DV];
				hostfp_clear();
				volatile double got = hostfp_fma(a, b, c);
				int gflags = hostfp_test(FE_ALL_EXCEPT);
				feclearexcept(FE_ALL_EXCEPT);
				volatile double want = fma(a, b, c);
				CHECK(same_d(got, want));
				CHECK_INT(gflags, fetestexcept(FE_ALL_EXCEPT));
				volatile float gotf = hostfp_fmaf((float)a, (float)b, (float)c);
				CHECK(same_f(gotf, fmaf((float)a, (float)b, (float)c)));
			}
			hostfp_clear();
			volatile double s = hostfp_sqrt(dv[i]);
			int sflags = hostfp_test(FE_ALL_EXCEPT);
			feclearexcept(FE_ALL_EXCEPT);
			CHECK(same_d(s, sqrt(dv[i])));
			CHECK_INT(sflags, fetestexcept(FE_ALL_EXCEPT));
			CHECK(same_f(hostfp_sqrtf((float)dv[i]), sqrtf((float)dv[i])));
		}
	}
	hostfp_setround(FE_TONEAREST);
}

/* Known products, then pseudo-random operands (xorshift) with the edge bits set. */
static void clmul_host_matches_shift_and_xor(void)
{
	uint64_t hi, soft_hi, x = 0x9e3779b97f4a7c15ull;

	CHECK_INT(rv_clmul(3, 5, &hi), 0xf);
	CHECK_INT(hi, 0);
	CHECK_INT(rv_clmul(1ull << 63, 1ull << 63, &hi), 0);
	CHECK_INT(hi, 1ull << 62);
	CHECK_INT(rv_clmul(UINT64_MAX, UINT64_MAX, &hi), 0x5555555555555555ull);
	CHECK_INT(hi, 0x5555555555555555ull);
	for (int i = 0; i < 10000; i++) {
		uint64_t a, b;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17, a = x | (i & 1ull) << 63;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17, b = x | (i & 2ull);
		CHECK_INT(rv_clmul(a, b, &hi), rv_clmul_soft(a, b, &soft_hi));
		CHECK_INT(hi, soft_hi);
	}
}

int main(void)
{
	check_suite = "riscv_hostfp";
	RUN(hostfp_next_is_nextafter);
	RUN(hostfp_round_is_round);
	RUN(hostfp_fma_sqrt_and_flags_match_libm);
	RUN(clmul_host_matches_shift_and_xor);
	fesetround(FE_TONEAREST);
	return check_failed_count != 0;
}
