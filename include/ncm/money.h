/**
 * @file money.h
 * @brief Exact money: integer minor units, parsing, formatting, checked arithmetic, rounding and splits.
 *
 * An #ncm_money is a signed 64-bit count of minor units (pence, cents). Files and the CLI use two
 * decimal places (#NCM_MONEY_DECIMALS); the parse and format functions take the number of decimal
 * places so that currencies with other minor units work too.
 *
 * Rounding is always explicit. A rate (a double) is first rounded to 12 decimal places, so that
 * 0.05 means exactly five hundredths; the product of an amount and that decimal rate is then
 * computed exactly in 128-bit arithmetic and rounded once with the chosen #ncm_rounding.
 * Splitting an amount always gives parts that sum back to it exactly (largest-remainder method).
 *
 * All functions are pure: they touch only their arguments and are safe from any thread.
 * @since 0.1.0
 */
#ifndef NCM_MONEY_H
#define NCM_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief An amount of money in integer minor units (pence, cents). @since 0.1.0 */
typedef int64_t ncm_money;

/** @brief Largest representable amount, in minor units. @since 0.1.0 */
#define NCM_MONEY_MAX INT64_MAX
/** @brief Smallest amount accepted by ncm, in minor units (-NCM_MONEY_MAX, so negation never overflows). @since 0.1.0 */
#define NCM_MONEY_MIN (-INT64_MAX)
/** @brief Decimal places of the minor unit used by files, the CLI and the bindings (pence, cents). @since 0.1.0 */
#define NCM_MONEY_DECIMALS 2u
/** @brief Largest magnitude of a rate accepted by ncm_money_mul_rate() and friends. @since 0.1.0 */
#define NCM_RATE_MAX 9.0e6

/**
 * @brief How a result that falls between two minor units is rounded.
 * @since 0.1.0
 */
typedef enum ncm_rounding {
    NCM_ROUND_HALF_EVEN = 0, /**< To nearest; ties to the even unit (banker's rounding). The default. */
    NCM_ROUND_HALF_UP = 1,   /**< To nearest; ties away from zero (commercial rounding). */
    NCM_ROUND_DOWN = 2,      /**< Toward zero (truncate). */
    NCM_ROUND_UP = 3,        /**< Away from zero. */
    NCM_ROUND_FLOOR = 4,     /**< Toward negative infinity. */
    NCM_ROUND_CEILING = 5    /**< Toward positive infinity. */
} ncm_rounding;

/** @brief Parse flag: accept thousands separators ("1,234.56"); they must group digits by three. @since 0.1.0 */
#define NCM_MONEY_GROUPING 0x1u
/** @brief Parse flag: accept more decimal places than the minor unit and round them half-even. @since 0.1.0 */
#define NCM_MONEY_ROUND 0x2u
/** @brief Format flag: always print a sign ("+1.00"). @since 0.1.0 */
#define NCM_MONEY_PLUS 0x4u

/**
 * @brief Parse a decimal string such as "26500000.00", "-0.01" or "12" into minor units.
 *
 * Accepted: an optional leading '+' or '-', digits, optionally a '.' followed by at most
 * @p decimals digits (more only with #NCM_MONEY_ROUND). No spaces, exponents, currency signs or
 * separators (unless #NCM_MONEY_GROUPING). "1,234.56" is rejected unless that flag is given.
 * @param s NUL-terminated text; not retained.
 * @param decimals Decimal places of the minor unit (0 to 9); 2 for pence and cents.
 * @param flags Bitwise OR of #NCM_MONEY_GROUPING and #NCM_MONEY_ROUND, or 0.
 * @param[out] out Receives the amount; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL pointers or decimals > 9; #NCM_ERR_PARSE for text that is
 *         not a decimal amount; #NCM_ERR_OVERFLOW if the amount does not fit an #ncm_money.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_parse(const char *s, unsigned decimals, unsigned flags, ncm_money *out);

/**
 * @brief Format an amount as a decimal string with exactly @p decimals places, e.g. "-1716875.00".
 * @param value Amount in minor units.
 * @param decimals Decimal places of the minor unit (0 to 9).
 * @param flags #NCM_MONEY_GROUPING to insert ',' every three digits; #NCM_MONEY_PLUS for a '+' sign.
 * @param[out] buf Caller's buffer; 40 bytes always suffice.
 * @param cap Size of @p buf in bytes.
 * @return #NCM_OK; #NCM_ERR_INVALID for a NULL buffer or decimals > 9; #NCM_ERR_BUFFER if @p cap is too
 *         small (then @p buf holds "" when cap > 0).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_format(ncm_money value, unsigned decimals, unsigned flags, char *buf, size_t cap);

/**
 * @brief Checked addition.
 * @param a First amount (minor units).
 * @param b Second amount (minor units).
 * @param[out] out a + b; unchanged on failure.
 * @return #NCM_OK, #NCM_ERR_INVALID for NULL @p out, or #NCM_ERR_OVERFLOW if the sum leaves
 *         [#NCM_MONEY_MIN, #NCM_MONEY_MAX].
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_add(ncm_money a, ncm_money b, ncm_money *out);

/**
 * @brief Checked subtraction.
 * @param a Amount (minor units).
 * @param b Amount to subtract (minor units).
 * @param[out] out a - b; unchanged on failure.
 * @return #NCM_OK, #NCM_ERR_INVALID or #NCM_ERR_OVERFLOW as for ncm_money_add().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_sub(ncm_money a, ncm_money b, ncm_money *out);

/**
 * @brief Checked multiplication by a whole number (price x volume).
 * @param a Amount (minor units).
 * @param k Count.
 * @param[out] out a * k; unchanged on failure.
 * @return #NCM_OK, #NCM_ERR_INVALID or #NCM_ERR_OVERFLOW.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_mul_int(ncm_money a, int64_t k, ncm_money *out);

/**
 * @brief Multiply an amount by a rate and round once.
 *
 * The rate is rounded to 12 decimal places first (so 0.025 is exactly 25/1000); the product is then
 * exact and rounded with @p mode. Example: 2650000000 (26.5m pounds) x 0.95 = 2517500000.
 * @param a Amount (minor units).
 * @param rate Finite rate with |rate| <= #NCM_RATE_MAX (a fraction: 0.025 is 2.5%).
 * @param mode Rounding of the result to a whole minor unit.
 * @param[out] out The rounded product; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p out or an unknown mode; #NCM_ERR_RANGE for a NaN,
 *         infinite or too large rate; #NCM_ERR_OVERFLOW if the result does not fit.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_mul_rate(ncm_money a, double rate, ncm_rounding mode, ncm_money *out);

/**
 * @brief Exact a x num / den, rounded once with @p mode (for fractions such as months/12).
 * @param a Amount (minor units).
 * @param num Numerator.
 * @param den Denominator, non-zero.
 * @param mode Rounding of the result.
 * @param[out] out The rounded quotient; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p out, @p den = 0 or an unknown mode;
 *         #NCM_ERR_OVERFLOW if the result does not fit.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_mul_frac(ncm_money a, int64_t num, int64_t den, ncm_rounding mode, ncm_money *out);

/**
 * @brief Pro-rata an annual amount by months of exposure: annual x months / 12, rounded once.
 * @param annual Annual amount (minor units).
 * @param months Months of exposure, finite, 0 to 12 (fractions allowed; rounded to 12 decimals).
 * @param mode Rounding of the result.
 * @param[out] out The pro-rated amount; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p out or an unknown mode; #NCM_ERR_RANGE for months
 *         outside [0, 12] or not finite.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_prorate(ncm_money annual, double months, ncm_rounding mode, ncm_money *out);

/**
 * @brief Split @p total into @p n parts in proportion to @p weights, summing exactly to @p total.
 *
 * Largest-remainder method: each part is first floor(|total| x w_i / sum w), then the units left
 * over go one each to the parts with the largest fractional remainders; ties go to the lower
 * index. A negative total is split as its magnitude and every part negated, so splits are
 * symmetric. Parts with weight 0 get 0.
 * @param total Amount to split (minor units).
 * @param weights @p n finite, non-negative weights with a positive sum; not retained.
 * @param n Number of parts (at least 1).
 * @param[out] out Caller's array of @p n amounts; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arrays or n = 0; #NCM_ERR_RANGE for a negative, NaN or
 *         infinite weight (the message names its index) or weights summing to zero.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_split(ncm_money total, const double *weights, size_t n, ncm_money *out);

/**
 * @brief Check that a double holding an amount of money is finite and fits, then round it.
 * @param value Amount in minor units as a double (e.g. from a float column).
 * @param mode Rounding of any fraction.
 * @param[out] out The rounded amount; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p out; #NCM_ERR_RANGE for NaN or infinity;
 *         #NCM_ERR_OVERFLOW if out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_money_from_double(double value, ncm_rounding mode, ncm_money *out);

NCM_END_DECLS

#endif /* NCM_MONEY_H */
