/* Fused multiply-add on x86-64 without linking libm: the FMA3 instruction where the CPU has
 * it (every x86-64 CPU since 2013-2014), else libm's software fma, loaded on first use. */
#if defined(__x86_64__)
#include <cpuid.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "target/riscv/hostfp.h"

__attribute__((target("fma"))) static double fma_insn(double a, double b, double c)
{
	return __builtin_fma(a, b, c);
}

__attribute__((target("fma"))) static float fmaf_insn(float a, float b, float c)
{
	return __builtin_fmaf(a, b, c);
}

/* FMA3 is usable when the CPU has it and the OS saves the AVX registers it works in (XCR0
 * bits 1 and 2). Asked on first use rather than with __builtin_cpu_supports(), whose libgcc
 * constructor would run in every cella process, most of which never emulate a float. */
static bool have_fma_probe(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	if (!(c & bit_FMA) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return false;
	unsigned lo, hi;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static bool have_fma(void)
{
	static int known = -1; /* racing first calls compute the same answer */
	if (__builtin_expect(known < 0, 0))
		__atomic_store_n(&known, have_fma_probe(), __ATOMIC_RELAXED);
	return __atomic_load_n(&known, __ATOMIC_RELAXED);
}

static double (*libm_fma)(double, double, double);
static float (*libm_fmaf)(float, float, float);
static pthread_once_t libm_once = PTHREAD_ONCE_INIT;

static void libm_load(void)
{
	void *h = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		libm_fma  = (double (*)(double, double, double))dlsym(h, "fma");
		libm_fmaf = (float (*)(float, float, float))dlsym(h, "fmaf");
	}
	if (!libm_fma || !libm_fmaf)
		abort(); /* libc6 ships libm.so.6: it is part of the C library */
}

/* true: use the instruction; false: libm's functions, which are loaded by then */
static bool fma_use_insn(void)
{
	if (__builtin_expect(have_fma(), 1))
		return true;
	pthread_once(&libm_once, libm_load);
	return false;
}

double hostfp_fma(double a, double b, double c)
{
	return fma_use_insn() ? fma_insn(a, b, c) : libm_fma(a, b, c);
}

float hostfp_fmaf(float a, float b, float c)
{
	return fma_use_insn() ? fmaf_insn(a, b, c) : libm_fmaf(a, b, c);
}
#endif
