#include "ncm/money.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal/common.h"
#include "internal/int128.h"

static int valid_mode(ncm_rounding mode) { return (unsigned)mode <= (unsigned)NCM_ROUND_CEILING; }

ncm_status ncmi_div_round(ncmi_i128 num, ncmi_i128 den, ncm_rounding mode, int64_t *out)
{
    if (den < 0) { num = -num; den = -den; }
    ncmi_i128 q = num / den, r = num % den;
    int s = num < 0 ? -1 : 1;
    if (r != 0) {
        ncmi_i128 ar = r < 0 ? -r : r;
        switch (mode) {
        case NCM_ROUND_HALF_EVEN:
            if (2 * ar > den || (2 * ar == den && (q % 2 != 0))) q += s;
            break;
        case NCM_ROUND_HALF_UP:
            if (2 * ar >= den) q += s;
            break;
        case NCM_ROUND_DOWN: break;
        case NCM_ROUND_UP: q += s; break;
        case NCM_ROUND_FLOOR: if (num < 0) q -= 1; break;
        case NCM_ROUND_CEILING: if (num > 0) q += 1; break;
        }
    }
    if (q > (ncmi_i128)INT64_MAX || q < -(ncmi_i128)INT64_MAX)
        return ncmi_error(NCM_ERR_OVERFLOW, "money result out of range (beyond +/-%lld minor units)",
                          (long long)INT64_MAX);
    *out = (int64_t)q;
    return NCM_OK;
}

ncm_status ncmi_rate_scaled(double rate, ncmi_i128 *out)
{
    if (!isfinite(rate)) return ncmi_error(NCM_ERR_RANGE, "rate: %g is not a finite number", rate);
    if (fabs(rate) > NCM_RATE_MAX) return ncmi_error(NCM_ERR_RANGE, "rate: %g exceeds %g in magnitude", rate, NCM_RATE_MAX);
    *out = (ncmi_i128)llround(rate * 1e12);
    return NCM_OK;
}

ncm_status ncm_money_parse(const char *s, unsigned decimals, unsigned flags, ncm_money *out)
{
    if (!s || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_money_parse: NULL argument");
    if (decimals > 9) return ncmi_error(NCM_ERR_INVALID, "ncm_money_parse: decimals %u > 9", decimals);
    char q[64];
    ncmi_quote(q, sizeof q, s, strlen(s));
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = (*p++ == '-');
    ncmi_i128 ip = 0;
    const ncmi_i128 lim = (ncmi_i128)1 << 100;
    size_t ndig = 0, group = 0;
    int grouped = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (ip < lim) ip = ip * 10 + (*p - '0');
            ndig++;
            group++;
        } else if (*p == ',' && (flags & NCM_MONEY_GROUPING)) {
            if (ndig == 0 || (grouped ? group != 3 : group > 3))
                return ncmi_error(NCM_ERR_PARSE, "money \"%s\": misplaced thousands separator", q);
            grouped = 1;
            group = 0;
        } else {
            break;
        }
    }
    if (ndig == 0) return ncmi_error(NCM_ERR_PARSE, "money \"%s\": no digits before the decimal point", q);
    if (grouped && group != 3) return ncmi_error(NCM_ERR_PARSE, "money \"%s\": misplaced thousands separator", q);
    ncmi_i128 frac = 0;
    unsigned nfrac = 0;
    int extra_first = -1, extra_rest = 0;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9')) return ncmi_error(NCM_ERR_PARSE, "money \"%s\": no digits after the decimal point", q);
        for (; *p >= '0' && *p <= '9'; p++) {
            if (nfrac < decimals) {
                frac = frac * 10 + (*p - '0');
                nfrac++;
            } else if (extra_first < 0) {
                extra_first = *p - '0';
            } else if (*p != '0') {
                extra_rest = 1;
            }
        }
    }
    if (*p != '\0') {
        if (*p == ',') return ncmi_error(NCM_ERR_PARSE, "money \"%s\": thousands separators are not accepted here", q);
        return ncmi_error(NCM_ERR_PARSE, "money \"%s\": unexpected character '%c'", q, *p);
    }
    if (extra_first >= 0 && !(flags & NCM_MONEY_ROUND) && (extra_first != 0 || extra_rest))
        return ncmi_error(NCM_ERR_PARSE, "money \"%s\": more than %u decimal places", q, decimals);
    for (unsigned i = nfrac; i < decimals; i++) frac *= 10;
    /* ip may reach 10 x 2^100 above, and ip x 10^decimals would overflow 128 bits: anything above
     * INT64_MAX is out of range already. */
    if (ip > (ncmi_i128)INT64_MAX) return ncmi_error(NCM_ERR_OVERFLOW, "money \"%s\": amount out of range", q);
    ncmi_i128 scale = 1;
    for (unsigned i = 0; i < decimals; i++) scale *= 10;
    ncmi_i128 v = ip * scale + frac;
    if (extra_first > 5 || (extra_first == 5 && (extra_rest || (v % 2) != 0))) v += 1;
    if (ip >= lim || v > (ncmi_i128)INT64_MAX)
        return ncmi_error(NCM_ERR_OVERFLOW, "money \"%s\": amount out of range", q);
    *out = neg ? -(int64_t)v : (int64_t)v;
    return NCM_OK;
}

ncm_status ncm_money_format(ncm_money value, unsigned decimals, unsigned flags, char *buf, size_t cap)
{
    if (!buf) return ncmi_error(NCM_ERR_INVALID, "ncm_money_format: NULL buffer");
    if (decimals > 9) return ncmi_error(NCM_ERR_INVALID, "ncm_money_format: decimals %u > 9", decimals);
    char tmp[64];
    size_t o = sizeof tmp;
    uint64_t mag = value < 0 ? (uint64_t)(-(value + 1)) + 1u : (uint64_t)value;
    tmp[--o] = '\0';
    for (unsigned i = 0; i < decimals; i++) {
        tmp[--o] = (char)('0' + mag % 10);
        mag /= 10;
    }
    if (decimals) tmp[--o] = '.';
    unsigned g = 0;
    do {
        if ((flags & NCM_MONEY_GROUPING) && g == 3) {
            tmp[--o] = ',';
            g = 0;
        }
        tmp[--o] = (char)('0' + mag % 10);
        mag /= 10;
        g++;
    } while (mag);
    if (value < 0) tmp[--o] = '-';
    else if (flags & NCM_MONEY_PLUS) tmp[--o] = '+';
    size_t len = sizeof tmp - o;
    if (len > cap) {
        if (cap) buf[0] = '\0';
        return ncmi_error(NCM_ERR_BUFFER, "ncm_money_format: buffer of %zu bytes, need %zu", cap, len);
    }
    memcpy(buf, tmp + o, len);
    return NCM_OK;
}

static ncm_status overflow(const char *op)
{
    return ncmi_error(NCM_ERR_OVERFLOW, "ncm_money_%s: result out of range", op);
}

ncm_status ncm_money_add(ncm_money a, ncm_money b, ncm_money *out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_money_add: NULL out");
    ncmi_i128 r = (ncmi_i128)a + b;
    if (r > INT64_MAX || r < -(ncmi_i128)INT64_MAX) return overflow("add");
    *out = (ncm_money)r;
    return NCM_OK;
}

ncm_status ncm_money_sub(ncm_money a, ncm_money b, ncm_money *out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_money_sub: NULL out");
    ncmi_i128 r = (ncmi_i128)a - b;
    if (r > INT64_MAX || r < -(ncmi_i128)INT64_MAX) return overflow("sub");
    *out = (ncm_money)r;
    return NCM_OK;
}

ncm_status ncm_money_mul_int(ncm_money a, int64_t k, ncm_money *out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_money_mul_int: NULL out");
    ncmi_i128 r = (ncmi_i128)a * k;
    if (r > INT64_MAX || r < -(ncmi_i128)INT64_MAX) return overflow("mul_int");
    *out = (ncm_money)r;
    return NCM_OK;
}

ncm_status ncm_money_mul_rate(ncm_money a, double rate, ncm_rounding mode, ncm_money *out)
{
    if (!out || !valid_mode(mode)) return ncmi_error(NCM_ERR_INVALID, "ncm_money_mul_rate: NULL out or bad rounding mode");
    ncmi_i128 r = 0;
    ncm_status st = ncmi_rate_scaled(rate, &r);
    if (st) return st;
    ncm_money v = 0;
    st = ncmi_div_round((ncmi_i128)a * r, NCMI_RATE_SCALE, mode, &v);
    if (st) return st;
    *out = v;
    return NCM_OK;
}

ncm_status ncm_money_mul_frac(ncm_money a, int64_t num, int64_t den, ncm_rounding mode, ncm_money *out)
{
    if (!out || !valid_mode(mode) || den == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_money_mul_frac: NULL out, zero denominator or bad rounding mode");
    ncm_money v = 0;
    ncm_status st = ncmi_div_round((ncmi_i128)a * num, den, mode, &v);
    if (st) return st;
    *out = v;
    return NCM_OK;
}

ncm_status ncm_money_prorate(ncm_money annual, double months, ncm_rounding mode, ncm_money *out)
{
    if (!out || !valid_mode(mode)) return ncmi_error(NCM_ERR_INVALID, "ncm_money_prorate: NULL out or bad rounding mode");
    if (!(months >= 0.0 && months <= 12.0))
        return ncmi_error(NCM_ERR_RANGE, "months: %g is outside 0-12", months);
    ncmi_i128 m = (ncmi_i128)llround(months * 1e12);
    ncm_money v = 0;
    ncm_status st = ncmi_div_round((ncmi_i128)annual * m, NCMI_RATE_SCALE * 12, mode, &v);
    if (st) return st;
    *out = v;
    return NCM_OK;
}

ncm_status ncm_money_from_double(double value, ncm_rounding mode, ncm_money *out)
{
    if (!out || !valid_mode(mode)) return ncmi_error(NCM_ERR_INVALID, "ncm_money_from_double: NULL out or bad rounding mode");
    if (!isfinite(value)) return ncmi_error(NCM_ERR_RANGE, "amount: %g is not a finite number", value);
    double r;
    switch (mode) {
    case NCM_ROUND_HALF_EVEN: {
        r = floor(value);
        double d = value - r;
        if (d > 0.5 || (d == 0.5 && fmod(r, 2.0) != 0.0)) r += 1.0;
        break;
    }
    case NCM_ROUND_HALF_UP: r = round(value); break;
    case NCM_ROUND_DOWN: r = trunc(value); break;
    case NCM_ROUND_UP: r = value < 0 ? floor(value) : ceil(value); break;
    case NCM_ROUND_FLOOR: r = floor(value); break;
    default: r = ceil(value); break;
    }
    if (!(r < 9223372036854775808.0 && r > -9223372036854775808.0))
        return ncmi_error(NCM_ERR_OVERFLOW, "amount: %g minor units is out of range", value);
    *out = (ncm_money)r;
    return NCM_OK;
}

typedef struct {
    long double rem;
    size_t idx;
} split_rem;

static int rem_desc(const void *pa, const void *pb)
{
    const split_rem *a = pa, *b = pb;
    if (a->rem > b->rem) return -1;
    if (a->rem < b->rem) return 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

/* The largest-remainder split proper, for validated weights with positive sum W; r has room for the
 * number of positive weights. Writes every out[i]. */
static void split_core(ncm_money total, const double *weights, size_t n, long double W, split_rem *r, ncm_money *out)
{
    int64_t T = total < 0 ? -total : total, sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        if (!(weights[i] > 0)) continue;
        long double q = (long double)T * (long double)weights[i] / W;
        long double f = floorl(q);
        if (f > (long double)T) f = (long double)T;
        if (f < 0) f = 0;
        r[k].rem = q - f;
        r[k].idx = i;
        out[i] = (int64_t)f;
        sum += (int64_t)f;
        k++;
    }
    int64_t d = T - sum;
    if (d != 0) {
        qsort(r, k, sizeof *r, rem_desc);
        if (d > 0) {
            for (size_t j = 0; d > 0; j = (j + 1) % k, d--) out[r[j].idx] += 1;
        } else {
            for (size_t j = k; d < 0; j = (j == 0 ? k : j)) {
                j--;
                if (out[r[j].idx] > 0) { out[r[j].idx] -= 1; d++; }
            }
        }
    }
    if (total < 0)
        for (size_t i = 0; i < n; i++) out[i] = -out[i];
}

/* Validate weights: NCM_OK with their sum and the count of positive ones. */
static ncm_status split_check(ncm_money total, const double *weights, size_t n, long double *W, size_t *npos)
{
    if (total == INT64_MIN) return ncmi_error(NCM_ERR_OVERFLOW, "ncm_money_split: total out of range");
    long double sum = 0;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        double w = weights[i];
        if (!isfinite(w) || w < 0)
            return ncmi_error(NCM_ERR_RANGE, "weights[%zu]: %g is not a finite non-negative number", i, w);
        sum += w;
        pos += w > 0;
    }
    if (!(sum > 0)) return ncmi_error(NCM_ERR_RANGE, "weights: they sum to zero, nothing to split by");
    *W = sum;
    *npos = pos;
    return NCM_OK;
}

ncm_status ncmi_money_split_small(ncm_money total, const double *weights, size_t n, ncm_money *out)
{
    if (n > NCMI_SPLIT_SMALL) return ncmi_error(NCM_ERR_INVALID, "split of %zu parts exceeds %d", n, NCMI_SPLIT_SMALL);
    long double W = 0;
    size_t npos = 0;
    ncm_status st = split_check(total, weights, n, &W, &npos);
    if (st) return st;
    split_rem r[NCMI_SPLIT_SMALL];
    split_core(total, weights, n, W, r, out);
    return NCM_OK;
}

ncm_status ncm_money_split(ncm_money total, const double *weights, size_t n, ncm_money *out)
{
    if (!weights || !out || n == 0) return ncmi_error(NCM_ERR_INVALID, "ncm_money_split: NULL array or n = 0");
    if (n <= NCMI_SPLIT_SMALL) return ncmi_money_split_small(total, weights, n, out);
    long double W = 0;
    size_t npos = 0;
    ncm_status st = split_check(total, weights, n, &W, &npos);
    if (st) return st;
    split_rem *r = ncmi_malloc_array(npos, sizeof *r);
    if (!r) return ncmi_nomem("split remainders");
    split_core(total, weights, n, W, r, out);
    ncmi_free(r);
    return NCM_OK;
}
