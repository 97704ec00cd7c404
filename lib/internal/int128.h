/* Exact 128-bit helpers for money arithmetic (GCC and Clang provide __int128 on 64-bit targets). */
#ifndef NCM_INTERNAL_INT128_H
#define NCM_INTERNAL_INT128_H

#include <stdint.h>

#include "internal/common.h"
#include "ncm/money.h"

__extension__ typedef __int128 ncmi_i128;

/* Round num/den (den != 0) to an integer with mode; NCM_ERR_OVERFLOW if outside the money range. */
NCMI_HIDDEN ncm_status ncmi_div_round(ncmi_i128 num, ncmi_i128 den, ncm_rounding mode, int64_t *out);
/* Rate rounded to 12 decimal places as an integer count of 1e-12; NCM_ERR_RANGE if not finite or too big. */
NCMI_HIDDEN ncm_status ncmi_rate_scaled(double rate, ncmi_i128 *out);
/* Largest-remainder split exactly as ncm_money_split(), without allocating, for n <= NCMI_SPLIT_SMALL
 * parts (hot paths such as settlement). NCM_ERR_INVALID beyond that; other errors as ncm_money_split. */
#define NCMI_SPLIT_SMALL 64
NCMI_HIDDEN ncm_status ncmi_money_split_small(ncm_money total, const double *weights, size_t n, ncm_money *out);
/* 10^12 */
#define NCMI_RATE_SCALE ((ncmi_i128)1000000000000LL)

#endif
