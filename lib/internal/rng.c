/* Portable math for the counter-based RNG (see rng.h). Only correctly rounded IEEE operations are
 * used (+, -, *, /, sqrt, floor, frexp, ldexp), so results are identical across platforms. */
#include "internal/rng.h"

#include <math.h>

/* No fused multiply-add: GCC in ISO C mode (-std=c11, as the build uses) does not contract; clang
 * contracts within expressions by default, so switch that off. */
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants). */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

/* 2^(j/32), j = 0..31, correctly rounded (computed with 50-digit decimal arithmetic). */
static const double EXP2_J32[32] = {
    1.0,
    1.0218971486541166,
    1.0442737824274138,
    1.0671404006768237,
    1.0905077326652577,
    1.1143867425958924,
    1.1387886347566916,
    1.1637248587775775,
    1.189207115002721,
    1.215247359980469,
    1.241857812073484,
    1.2690509571917332,
    1.2968395546510096,
    1.3252366431597413,
    1.3542555469368927,
    1.383909881963832,
    1.4142135623730951,
    1.4451808069770467,
    1.4768261459394993,
    1.5091644275934228,
    1.5422108254079407,
    1.5759808451078865,
    1.6104903319492543,
    1.645755478153965,
    1.681792830507429,
    1.718619298122478,
    1.7562521603732995,
    1.7947090750031072,
    1.8340080864093424,
    1.8741676341103,
    1.9152065613971474,
    1.9571441241754002
};

double ncmi_exp(double x)
{
    if (x != x) return x;
    if (x > 709.78) return HUGE_VAL;
    if (x < -745.2) return 0.0;
    /* x = (32 e + j) ln2/32 + r, |r| <= ln2/64; e^x = 2^e 2^(j/32) e^r. k * LN2_HI/32 is exact. */
    /* k = floor(x * 32/ln2 + 0.5) by truncation and correction (|k| < 2^16; no libm call). */
    double t = x * (32.0 * INV_LN2) + 0.5;
    int ik = (int)t;
    if ((double)ik > t) ik--;
    double k = (double)ik;
    double r = (x - k * (LN2_HI / 32.0)) - k * (LN2_LO / 32.0);
    int j = ik & 31, e = (ik - j) / 32;
    /* e^r - 1 by its Taylor series to r^6 (|r| <= 0.0109: truncation below 2e-17). */
    double p = 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r * r + r;
    double y = EXP2_J32[j] + EXP2_J32[j] * p;
    /* Scale by 2^e exactly: for e in the normal exponent range, build 2^e from its bits. */
    if (e >= -1022 && e <= 1023) {
        union {
            uint64_t u;
            double d;
        } two;
        two.u = (uint64_t)(e + 1023) << 52;
        return y * two.d;
    }
    return ldexp(y, e);
}

double ncmi_log(double x)
{
    if (x != x || x < 0.0) return NAN;
    if (x == 0.0) return -HUGE_VAL;
    if (x == HUGE_VAL) return x;
    int e;
    double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e--;
    }
    double f = m - 1.0; /* exact; f in [-0.293, 0.415) */
    double s = f / (2.0 + f), s2 = s * s;
    /* log(1 + f) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), |s| <= 0.172: terms to s^23. */
    double q = 1.0 / 23.0;
    q = q * s2 + 1.0 / 21.0;
    q = q * s2 + 1.0 / 19.0;
    q = q * s2 + 1.0 / 17.0;
    q = q * s2 + 1.0 / 15.0;
    q = q * s2 + 1.0 / 13.0;
    q = q * s2 + 1.0 / 11.0;
    q = q * s2 + 1.0 / 9.0;
    q = q * s2 + 1.0 / 7.0;
    q = q * s2 + 1.0 / 5.0;
    q = q * s2 + 1.0 / 3.0;
    /* With 2s = f - s f and R = 2 s2 q: log(1+f) = f - s (f - R) = f - (f^2/2 - s (f^2/2 + R)),
     * the fdlibm arrangement that keeps the leading term f exact. */
    double hfsq = 0.5 * f * f;
    double lf = f - (hfsq - s * (hfsq + 2.0 * s2 * q));
    double de = (double)e;
    return de * LN2_HI + (lf + de * LN2_LO);
}

/* Acklam's rational approximation to the inverse normal CDF. */
static const double A[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                            1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
static const double B[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                            6.680131188771972e+01,  -1.328068155288572e+01};
static const double C[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                            -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
static const double D[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                            3.754408661907416e+00};

static double tail(double p)
{
    double q = sqrt(-2.0 * ncmi_log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
           ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0);
}

double ncmi_norm_inv(double p)
{
    if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -HUGE_VAL : p == 1.0 ? HUGE_VAL : NAN;
    if (p < 0.02425) return tail(p);
    if (p > 1.0 - 0.02425) return -tail(1.0 - p);
    double q = p - 0.5, r = q * q;
    return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
           (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0);
}

double ncmi_rng_normal(ncmi_rng *r) { return ncmi_norm_inv(ncmi_rng_uniform(r)); }
