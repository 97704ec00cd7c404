/* Counter-based random numbers and portable math for simulation (synthetic population, Monte Carlo).
 *
 * Design
 * ------
 * Every random value is a pure function of (seed, stream, index, counter):
 *
 *   key(seed, stream, index) = mix(mix(mix(seed ^ C1) ^ (stream * C2)) ^ (index * C3))
 *   value k (k = 0, 1, 2, ...) = mix(key + (k + 1) * GAMMA)
 *
 * where mix() is the SplitMix64 finaliser (Stafford's "variant 13": xor-shift 30, multiply
 * 0xBF58476D1CE4E5B9, xor-shift 27, multiply 0x94D049BB133111EB, xor-shift 31), GAMMA is
 * 0x9E3779B97F4A7C15 and C1, C2, C3 are the odd constants below. Within one (seed, stream, index)
 * the values are exactly the SplitMix64 sequence started at `key`, so a generator is "jumpable" in
 * O(1): value k of a stream can be computed without the k values before it (ncmi_rng_jump()).
 * Because results depend only on (seed, stream, index, counter), work can be split into chunks (by
 * person, by trial) and run on any number of threads with identical output.
 *
 * Floating point: uniforms are built from the top 52 bits with exact arithmetic; ncmi_exp(),
 * ncmi_log() and the inverse normal CDF use only +, -, *, / and floor/ldexp/frexp on IEEE-754 doubles
 * (all exactly rounded), never the platform libm's exp/log, so results are the same on every machine
 * with IEEE doubles and no excess precision (x86-64 SSE2, AArch64). rng.c disables floating-point
 * contraction (FMA fusion) so compilers cannot change the rounding.
 *
 * All functions are pure or act only on the caller's ncmi_rng: thread-safe. */
#ifndef NCM_INTERNAL_RNG_H
#define NCM_INTERNAL_RNG_H

#include <stdint.h>

#include "internal/common.h"

#define NCMI_RNG_GAMMA 0x9E3779B97F4A7C15ull
#define NCMI_RNG_C1 0x243F6A8885A308D3ull /* pi */
#define NCMI_RNG_C2 0xB7E151628AED2A6Bull /* e */
#define NCMI_RNG_C3 0xD1B54A32D192ED03ull

/* A stream position: state of a SplitMix64 generator. Plain value type; copy freely. */
typedef struct ncmi_rng {
    uint64_t state;
} ncmi_rng;

/* SplitMix64 finaliser (a bijection on 64-bit words). */
static inline uint64_t ncmi_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Key of (seed, stream, index). */
static inline uint64_t ncmi_rng_key(uint64_t seed, uint64_t stream, uint64_t index)
{
    uint64_t k = ncmi_mix64(seed ^ NCMI_RNG_C1);
    k = ncmi_mix64(k ^ (stream * NCMI_RNG_C2));
    return ncmi_mix64(k ^ (index * NCMI_RNG_C3));
}

/* Position a generator at value 0 of (seed, stream, index). */
static inline void ncmi_rng_init(ncmi_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    r->state = ncmi_rng_key(seed, stream, index);
}

/* Next 64-bit value. */
static inline uint64_t ncmi_rng_next(ncmi_rng *r)
{
    r->state += NCMI_RNG_GAMMA;
    return ncmi_mix64(r->state);
}

/* Skip k values in O(1). */
static inline void ncmi_rng_jump(ncmi_rng *r, uint64_t k) { r->state += k * NCMI_RNG_GAMMA; }

/* Value k of (seed, stream, index) directly (counter-based access). */
static inline uint64_t ncmi_rng_at(uint64_t seed, uint64_t stream, uint64_t index, uint64_t k)
{
    return ncmi_mix64(ncmi_rng_key(seed, stream, index) + (k + 1) * NCMI_RNG_GAMMA);
}

/* Uniform double in the open interval (0, 1): ((x >> 12) + 0.5) / 2^52, exact (the numerator needs
 * 53 bits), so never 0 or 1; the extremes are 2^-53 and 1 - 2^-53. */
static inline double ncmi_u01(uint64_t x) { return ((double)(x >> 12) + 0.5) * (1.0 / 4503599627370496.0); }

static inline double ncmi_rng_uniform(ncmi_rng *r) { return ncmi_u01(ncmi_rng_next(r)); }

/* Integer in [0, n) by the multiply-high method (floor(x * n / 2^64)); bias below n / 2^64. */
static inline uint64_t ncmi_below(uint64_t x, uint64_t n)
{
    __extension__ typedef unsigned __int128 u128;
    return (uint64_t)(((u128)x * n) >> 64);
}

static inline uint64_t ncmi_rng_below(ncmi_rng *r, uint64_t n) { return ncmi_below(ncmi_rng_next(r), n); }

/* exp(x) to within about 2 ulp, identical on every IEEE platform. Returns 0 below -745, +inf above 709.8. */
NCMI_HIDDEN double ncmi_exp(double x);
/* Natural log of x > 0 to within about 2 ulp, identical on every IEEE platform; -inf for 0, NaN for x < 0. */
NCMI_HIDDEN double ncmi_log(double x);
/* Inverse of the standard normal CDF at p in (0, 1) (Acklam's rational approximation, relative
 * error below 1.2e-9), using ncmi_log and sqrt only. */
NCMI_HIDDEN double ncmi_norm_inv(double p);
/* A standard normal draw: ncmi_norm_inv of one uniform (one value of the stream). */
NCMI_HIDDEN double ncmi_rng_normal(ncmi_rng *r);

#endif
