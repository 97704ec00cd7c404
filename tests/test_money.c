/* Exact money: parsing, formatting, checked arithmetic, rounding modes, splits (with property tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "ncm/ncm.h"

static void parse_ok(const char *s, unsigned flags, ncm_money want)
{
    ncm_money v = 12345;
    ncm_status st = ncm_money_parse(s, 2, flags, &v);
    if (st != NCM_OK) fail_msg("parse \"%s\": %s", s, ncm_last_error());
    assert_int_equal(v, want);
}

static void parse_bad(const char *s, unsigned flags, ncm_status want, const char *msg_part)
{
    ncm_money v = 777;
    assert_int_equal(ncm_money_parse(s, 2, flags, &v), want);
    assert_int_equal(v, 777); /* unchanged on failure */
    if (msg_part && !strstr(ncm_last_error(), msg_part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), msg_part);
}

static void test_parse(void **state)
{
    (void)state;
    parse_ok("26500000.00", 0, 2650000000);
    parse_ok("-0.01", 0, -1);
    parse_ok("+3.5", 0, 350);
    parse_ok("12", 0, 1200);
    parse_ok("0", 0, 0);
    parse_ok("1,234.56", NCM_MONEY_GROUPING, 123456);
    parse_ok("1,234,567", NCM_MONEY_GROUPING, 123456700);
    parse_ok("0.125", NCM_MONEY_ROUND, 12);   /* half-even: 12.5 -> 12 */
    parse_ok("0.135", NCM_MONEY_ROUND, 14);   /* 13.5 -> 14 */
    parse_ok("0.1251", NCM_MONEY_ROUND, 13);  /* above half */
    parse_ok("-0.125", NCM_MONEY_ROUND, -12);
    parse_ok("1.500", 0, 150);                /* trailing zeros are not extra precision */
    parse_ok("92233720368547758.07", 0, INT64_MAX);
    parse_bad("1,234.56", 0, NCM_ERR_PARSE, "separator");
    parse_bad("12,34", NCM_MONEY_GROUPING, NCM_ERR_PARSE, "separator");
    parse_bad("0.125", 0, NCM_ERR_PARSE, "decimal places");
    parse_bad("", 0, NCM_ERR_PARSE, "no digits");
    parse_bad("-", 0, NCM_ERR_PARSE, "no digits");
    parse_bad("1.", 0, NCM_ERR_PARSE, "after the decimal point");
    parse_bad(".5", 0, NCM_ERR_PARSE, "no digits");
    parse_bad("1e5", 0, NCM_ERR_PARSE, "unexpected character");
    parse_bad(" 1", 0, NCM_ERR_PARSE, NULL);
    parse_bad("£5", 0, NCM_ERR_PARSE, NULL);
    parse_bad("92233720368547758.08", 0, NCM_ERR_OVERFLOW, "out of range");
    parse_bad("999999999999999999999999999999999", 0, NCM_ERR_OVERFLOW, "out of range");
    ncm_money v;
    assert_int_equal(ncm_money_parse("5", 10, 0, &v), NCM_ERR_INVALID);
    assert_int_equal(ncm_money_parse(NULL, 2, 0, &v), NCM_ERR_INVALID);
    assert_int_equal(ncm_money_parse("5", 0, 0, &v), NCM_OK);
    assert_int_equal(v, 5);
}

static void fmt_is(ncm_money v, unsigned flags, const char *want)
{
    char buf[48];
    assert_int_equal(ncm_money_format(v, 2, flags, buf, sizeof buf), NCM_OK);
    assert_string_equal(buf, want);
}

static void test_format(void **state)
{
    (void)state;
    fmt_is(2650000000, 0, "26500000.00");
    fmt_is(-1, 0, "-0.01");
    fmt_is(0, 0, "0.00");
    fmt_is(171687500, NCM_MONEY_GROUPING, "1,716,875.00");
    fmt_is(100, NCM_MONEY_PLUS, "+1.00");
    fmt_is(INT64_MAX, 0, "92233720368547758.07");
    fmt_is(INT64_MIN, 0, "-92233720368547758.08");
    char small[4];
    assert_int_equal(ncm_money_format(12345, 2, 0, small, sizeof small), NCM_ERR_BUFFER);
    assert_string_equal(small, "");
    char b[8];
    assert_int_equal(ncm_money_format(7, 0, 0, b, sizeof b), NCM_OK);
    assert_string_equal(b, "7");
}

static void test_checked(void **state)
{
    (void)state;
    ncm_money r = 5;
    assert_int_equal(ncm_money_add(INT64_MAX, 1, &r), NCM_ERR_OVERFLOW);
    assert_int_equal(r, 5);
    assert_int_equal(ncm_money_add(INT64_MAX - 1, 1, &r), NCM_OK);
    assert_int_equal(r, INT64_MAX);
    assert_int_equal(ncm_money_sub(-INT64_MAX, 1, &r), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_sub(0, INT64_MAX, &r), NCM_OK);
    assert_int_equal(r, -INT64_MAX);
    assert_int_equal(ncm_money_mul_int(INT64_MAX / 2 + 1, 2, &r), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_mul_int(12500, 40, &r), NCM_OK);
    assert_int_equal(r, 500000);
    assert_int_equal(ncm_money_add(1, 2, NULL), NCM_ERR_INVALID);
}

static ncm_money rate(ncm_money a, double x, ncm_rounding m)
{
    ncm_money r = 0;
    ncm_status st = ncm_money_mul_rate(a, x, m, &r);
    if (st) fail_msg("mul_rate: %s", ncm_last_error());
    return r;
}

static void test_rounding(void **state)
{
    (void)state;
    /* 26.5m x 95% and x 2.5% (Bedfordshire MSK) */
    assert_int_equal(rate(2650000000, 0.95, NCM_ROUND_HALF_EVEN), 2517500000);
    assert_int_equal(rate(2650000000, 0.025, NCM_ROUND_HALF_EVEN), 66250000);
    /* 50 x 0.05 = 2.5: the rate is a decimal, so this is an exact tie */
    assert_int_equal(rate(50, 0.05, NCM_ROUND_HALF_EVEN), 2);
    assert_int_equal(rate(50, 0.05, NCM_ROUND_HALF_UP), 3);
    assert_int_equal(rate(70, 0.05, NCM_ROUND_HALF_EVEN), 4); /* 3.5 -> 4 */
    assert_int_equal(rate(-50, 0.05, NCM_ROUND_HALF_EVEN), -2);
    assert_int_equal(rate(-50, 0.05, NCM_ROUND_HALF_UP), -3);
    /* 10 x 0.33 = 3.3 */
    assert_int_equal(rate(10, 0.33, NCM_ROUND_DOWN), 3);
    assert_int_equal(rate(10, 0.33, NCM_ROUND_UP), 4);
    assert_int_equal(rate(-10, 0.33, NCM_ROUND_DOWN), -3);
    assert_int_equal(rate(-10, 0.33, NCM_ROUND_UP), -4);
    assert_int_equal(rate(-10, 0.33, NCM_ROUND_FLOOR), -4);
    assert_int_equal(rate(-10, 0.33, NCM_ROUND_CEILING), -3);
    assert_int_equal(rate(10, 0.33, NCM_ROUND_FLOOR), 3);
    assert_int_equal(rate(10, 0.33, NCM_ROUND_CEILING), 4);
    ncm_money r = 9;
    assert_int_equal(ncm_money_mul_rate(100, NAN, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_RANGE);
    assert_int_equal(ncm_money_mul_rate(100, INFINITY, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_RANGE);
    assert_int_equal(ncm_money_mul_rate(INT64_MAX, 2.0, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_mul_rate(100, 0.5, (ncm_rounding)99, &r), NCM_ERR_INVALID);
    assert_int_equal(r, 9);
    /* fractions and pro-rata: 1200.00 a year for 7 months = 700.00; 100.00 for 1 month = 8.333.. -> 8.33 */
    assert_int_equal(ncm_money_prorate(120000, 7, NCM_ROUND_HALF_EVEN, &r), NCM_OK);
    assert_int_equal(r, 70000);
    assert_int_equal(ncm_money_prorate(10000, 1, NCM_ROUND_HALF_EVEN, &r), NCM_OK);
    assert_int_equal(r, 833);
    assert_int_equal(ncm_money_prorate(10000, 1.5, NCM_ROUND_HALF_EVEN, &r), NCM_OK);
    assert_int_equal(r, 1250);
    assert_int_equal(ncm_money_prorate(10000, 12.5, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_RANGE);
    assert_int_equal(ncm_money_mul_frac(10, 1, 4, NCM_ROUND_HALF_EVEN, &r), NCM_OK); /* 2.5 */
    assert_int_equal(r, 2);
    assert_int_equal(ncm_money_mul_frac(10, 1, 0, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_INVALID);
    assert_int_equal(ncm_money_from_double(2.5, NCM_ROUND_HALF_EVEN, &r), NCM_OK);
    assert_int_equal(r, 2);
    assert_int_equal(ncm_money_from_double(-2.5, NCM_ROUND_HALF_UP, &r), NCM_OK);
    assert_int_equal(r, -3);
    assert_int_equal(ncm_money_from_double(1e19, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_from_double(NAN, NCM_ROUND_HALF_EVEN, &r), NCM_ERR_RANGE);
}

static void test_split_examples(void **state)
{
    (void)state;
    ncm_money out[4];
    /* 100 units by 1:1:1 -> 34, 33, 33 (ties of equal remainders go to the lowest index) */
    double w3[] = {1, 1, 1};
    assert_int_equal(ncm_money_split(100, w3, 3, out), NCM_OK);
    assert_int_equal(out[0], 34);
    assert_int_equal(out[1], 33);
    assert_int_equal(out[2], 33);
    /* negative totals split symmetrically */
    assert_int_equal(ncm_money_split(-100, w3, 3, out), NCM_OK);
    assert_int_equal(out[0], -34);
    assert_int_equal(out[2], -33);
    /* 10 by 0.5, 0.3, 0.2 -> exact 5, 3, 2; 11 by the same -> 5.5, 3.3, 2.2 -> 6, 3, 2 */
    double w[] = {0.5, 0.3, 0.2};
    assert_int_equal(ncm_money_split(11, w, 3, out), NCM_OK);
    assert_int_equal(out[0], 6);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 2);
    /* zero weight gets nothing */
    double wz[] = {0, 2, 1, 0};
    assert_int_equal(ncm_money_split(7, wz, 4, out), NCM_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 5); /* 4.667 */
    assert_int_equal(out[2], 2); /* 2.333 */
    assert_int_equal(out[3], 0);
    /* errors leave out unchanged */
    ncm_money keep[2] = {42, 43};
    double bad[] = {1, -1};
    assert_int_equal(ncm_money_split(10, bad, 2, keep), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "weights[1]"));
    double zero[] = {0, 0};
    assert_int_equal(ncm_money_split(10, zero, 2, keep), NCM_ERR_RANGE);
    double nan[] = {1, NAN};
    assert_int_equal(ncm_money_split(10, nan, 2, keep), NCM_ERR_RANGE);
    assert_int_equal(keep[0], 42);
    assert_int_equal(keep[1], 43);
    /* the whole int64 range */
    double big[] = {1, 2};
    assert_int_equal(ncm_money_split(INT64_MAX, big, 2, out), NCM_OK);
    assert_true(out[0] + out[1] == INT64_MAX);
}

/* xorshift for reproducible property tests */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void test_split_property(void **state)
{
    (void)state;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    double w[16];
    ncm_money out[16];
    for (int trial = 0; trial < 1000000; trial++) {
        size_t n = 1 + rng_next(&s) % 16;
        for (size_t i = 0; i < n; i++) w[i] = (double)(rng_next(&s) % 1000000) / 1000.0;
        w[rng_next(&s) % n] += 0.5; /* at least one positive weight */
        int64_t total = (int64_t)(rng_next(&s) >> (rng_next(&s) % 63 + 1));
        if (rng_next(&s) & 1) total = -total;
        assert_int_equal(ncm_money_split(total, w, n, out), NCM_OK);
        int64_t sum = 0;
        double W = 0;
        for (size_t i = 0; i < n; i++) W += w[i];
        for (size_t i = 0; i < n; i++) {
            sum += out[i];
            /* each part within one unit of its exact quota */
            double quota = (double)total * (w[i] / W);
            if (fabs((double)out[i] - quota) > 1.0 + fabs(quota) * 1e-12) fail_msg("part %zu = %lld, quota %f", i, (long long)out[i], quota);
        }
        if (sum != total) fail_msg("trial %d: parts sum to %lld, not %lld", trial, (long long)sum, (long long)total);
    }
}

/* The allocating path (more than 64 parts) obeys the same properties. */
static void test_split_property_large(void **state)
{
    (void)state;
    uint64_t s = 0x1234567ull;
    static double w[300];
    static ncm_money out[300];
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = 65 + rng_next(&s) % 236;
        double W = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = (rng_next(&s) % 4 == 0) ? 0.0 : (double)(rng_next(&s) % 100000) / 7.0;
            W += w[i];
        }
        w[0] += 1.0;
        W += 1.0;
        int64_t total = (int64_t)(rng_next(&s) >> (rng_next(&s) % 40 + 20));
        if (rng_next(&s) & 1) total = -total;
        assert_int_equal(ncm_money_split(total, w, n, out), NCM_OK);
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += out[i];
            double quota = (double)total * (w[i] / W);
            if (fabs((double)out[i] - quota) > 1.0 + fabs(quota) * 1e-12) fail_msg("part %zu = %lld, quota %f", i, (long long)out[i], quota);
            if (w[i] == 0) assert_int_equal(out[i], 0);
        }
        assert_true(sum == total);
    }
}

static void test_version_and_errors(void **state)
{
    (void)state;
    assert_int_equal(ncm_version(), NCM_VERSION_NUMBER);
    assert_string_equal(ncm_version_string(), NCM_VERSION_STRING);
    assert_string_equal(ncm_strerror(NCM_OK), "success");
    assert_string_equal(ncm_strerror(NCM_ERR_NOMEM), "out of memory");
    assert_string_equal(ncm_strerror((ncm_status)-999), "unknown status");
    ncm_money v;
    ncm_money_parse("x", 2, 0, &v);
    assert_true(strlen(ncm_last_error()) > 0);
    ncm_clear_error();
    assert_string_equal(ncm_last_error(), "");
    /* allocation failure injection: up to 64 parts a split allocates nothing; beyond, its one
     * allocation fails cleanly */
    double w[100];
    ncm_money out[100];
    for (int i = 0; i < 100; i++) {
        w[i] = 1 + i % 3;
        out[i] = 1;
    }
    ncm_alloc_fail_at(1);
    assert_int_equal(ncm_money_split(10, w, 64, out), NCM_OK);
    ncm_alloc_fail_at(0);
    for (int i = 0; i < 100; i++) out[i] = 1;
    ncm_alloc_fail_at(1);
    assert_int_equal(ncm_money_split(10, w, 100, out), NCM_ERR_NOMEM);
    assert_int_equal(out[0], 1);
    assert_int_equal(ncm_money_split(10, w, 100, out), NCM_OK);
}

/* Found by fuzz_money: a long digit string with many decimals overflowed the 128-bit intermediate
 * (undefined behaviour) before the range check. Each must be an overflow error, value untouched. */
static void test_parse_huge_regression(void **state)
{
    (void)state;
    ncm_money v = 7;
    assert_int_equal(ncm_money_parse("45144444444144244444444500000000", 8, 0, &v), NCM_ERR_OVERFLOW);
    assert_non_null(strstr(ncm_last_error(), "out of range"));
    assert_int_equal(ncm_money_parse("9999999999999999999999999999999999999999", 9, 0, &v), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_parse("-9,999,999,999,999,999,999,999,999,999,999,999.5", 9, NCM_MONEY_GROUPING, &v),
                     NCM_ERR_OVERFLOW);
    assert_int_equal(v, 7);
    /* the edges still parse: INT64_MAX = 9223372036854775807 minor units */
    assert_int_equal(ncm_money_parse("92233720368547758.07", 2, 0, &v), NCM_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(ncm_money_parse("92233720368547758.08", 2, 0, &v), NCM_ERR_OVERFLOW);
    assert_int_equal(ncm_money_parse("9.223372036854775807", 9, NCM_MONEY_ROUND, &v), NCM_OK);
    assert_true(v == 9223372037); /* 9.223372036|854775807 rounds up at 9 decimals */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),          cmocka_unit_test(test_format),
        cmocka_unit_test(test_checked),        cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_split_examples), cmocka_unit_test(test_split_property), cmocka_unit_test(test_split_property_large),
        cmocka_unit_test(test_version_and_errors), cmocka_unit_test(test_parse_huge_regression),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
