/* Synthetic population and the counter-based RNG: determinism, structure, age/sex shares, prevalence,
 * codes, costs, an independent re-implementation of the generator's first draws, options, allocation
 * failures and the `ncm synth` command. Expected figures come from the ONS table in
 * docs/synthetic-population.md (copied below by hand), from the published SplitMix64 reference
 * sequence, and from a second implementation written here; never from the generator's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncm/ncm.h"
#include "internal/rng.h"

/* ------------------------------------------------------------------ helpers */

static void expect_msg(const char *part)
{
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static ncm_population *make(uint64_t seed, size_t n)
{
    ncm_synth_options o;
    ncm_synth_options_init(&o);
    o.seed = seed;
    o.people = n;
    ncm_population *p = NULL;
    ncm_status st = ncm_synth_population(&o, &p);
    if (st) fail_msg("ncm_synth_population: %s", ncm_last_error());
    return p;
}

static const char *dx_code(const ncm_population *p, uint64_t k)
{
    return ncm_population_text_value(p, NCM_TEXT_DIAGNOSIS, ncm_population_text_ids(p, NCM_TEXT_DIAGNOSIS)[k]);
}

/* Does person i have a code starting with one of the prefixes (a NULL-terminated list)? */
static int has_prefix(const ncm_population *p, size_t i, const char *const *prefixes)
{
    const uint64_t *off = ncm_population_dx_offsets(p);
    for (uint64_t k = off[i]; k < off[i + 1]; k++) {
        const char *c = dx_code(p, k);
        for (const char *const *q = prefixes; *q; q++)
            if (strncmp(c, *q, strlen(*q)) == 0) return 1;
    }
    return 0;
}

static int grp7(int age)
{
    return age < 18 ? 0 : age < 35 ? 1 : age < 50 ? 2 : age < 65 ? 3 : age < 75 ? 4 : age < 85 ? 5 : 6;
}

/* One 900,000-person population shared by the statistical tests (the size the main job uses). */
static int setup_big(void **state)
{
    *state = make(2015, 900000);
    return *state ? 0 : -1;
}

static int teardown_big(void **state)
{
    ncm_population_free(*state);
    return 0;
}

/* ------------------------------------------------------------------ the RNG */

/* Published SplitMix64 reference outputs for state 1234567 (Vigna's splitmix64.c). */
static void test_splitmix_reference(void **state)
{
    (void)state;
    ncmi_rng r = {1234567u};
    assert_true(ncmi_rng_next(&r) == 6457827717110365317ull);
    assert_true(ncmi_rng_next(&r) == 3203168211198807973ull);
    assert_true(ncmi_rng_next(&r) == 9817491932198370423ull);
    assert_true(ncmi_rng_next(&r) == 4593380528125082431ull);
    assert_true(ncmi_rng_next(&r) == 16408922859458223821ull);
}

static void test_rng_counter_and_jump(void **state)
{
    (void)state;
    ncmi_rng a, b;
    ncmi_rng_init(&a, 42, 3, 1000);
    for (uint64_t k = 0; k < 100; k++) assert_true(ncmi_rng_next(&a) == ncmi_rng_at(42, 3, 1000, k));
    ncmi_rng_init(&a, 42, 3, 1000);
    ncmi_rng_init(&b, 42, 3, 1000);
    for (int k = 0; k < 37; k++) ncmi_rng_next(&a);
    ncmi_rng_jump(&b, 37);
    assert_true(ncmi_rng_next(&a) == ncmi_rng_next(&b));
    /* different streams, indexes and seeds give different values */
    assert_true(ncmi_rng_at(42, 3, 1000, 0) != ncmi_rng_at(42, 4, 1000, 0));
    assert_true(ncmi_rng_at(42, 3, 1000, 0) != ncmi_rng_at(42, 3, 1001, 0));
    assert_true(ncmi_rng_at(42, 3, 1000, 0) != ncmi_rng_at(43, 3, 1000, 0));
    /* uniforms are strictly inside (0, 1), including at the extremes of the 64-bit word */
    assert_true(ncmi_u01(0) > 0.0 && ncmi_u01(UINT64_MAX) < 1.0);
    assert_true(ncmi_u01(0) == 0x1p-53 && ncmi_u01(UINT64_MAX) == 1.0 - 0x1p-53);
    /* below: bounds and rough uniformity of 100,000 draws into 10 bins */
    unsigned bins[10] = {0};
    ncmi_rng_init(&a, 1, 1, 1);
    for (int k = 0; k < 100000; k++) {
        uint64_t v = ncmi_rng_below(&a, 10);
        assert_true(v < 10);
        bins[v]++;
    }
    for (int k = 0; k < 10; k++) assert_in_range(bins[k], 9500, 10500); /* sd about 95 */
}

static void test_portable_math(void **state)
{
    (void)state;
    /* Against the platform libm (accurate to well under 1 ulp on glibc): relative error < 4e-16. */
    for (int i = 0; i <= 20000; i++) {
        double x = -700.0 + 1400.0 * i / 20000.0;
        double a = ncmi_exp(x), b = exp(x);
        if (fabs(a - b) > 4e-16 * b) fail_msg("exp(%.17g): %.17g vs %.17g", x, a, b);
    }
    for (int i = 1; i <= 20000; i++) {
        double x = pow(10.0, -300.0 + 600.0 * i / 20000.0);
        double a = ncmi_log(x), b = log(x);
        if (fabs(a - b) > 4e-16 * fabs(b) + 1e-300) fail_msg("log(%.17g): %.17g vs %.17g", x, a, b);
    }
    for (int i = 1; i < 1000; i++) {
        double x = 0.9 + 0.2 * i / 1000.0; /* near 1, where log is small */
        assert_true(fabs(ncmi_log(x) - log(x)) <= 4e-16 * fabs(log(x)) + 1e-19);
    }
    assert_true(ncmi_exp(0.0) == 1.0);
    assert_true(ncmi_log(1.0) == 0.0);
    assert_true(ncmi_exp(-800.0) == 0.0);
    assert_true(isinf(ncmi_exp(800.0)));
    /* Normal quantiles (tables): 0.975 -> 1.959963985, 0.5 -> 0, 0.001 -> -3.090232306, 1e-10 -> -6.361340902 */
    assert_true(fabs(ncmi_norm_inv(0.975) - 1.959963985) < 1e-8);
    assert_true(ncmi_norm_inv(0.5) == 0.0);
    assert_true(fabs(ncmi_norm_inv(0.001) + 3.090232306) < 1e-8);
    assert_true(fabs(ncmi_norm_inv(1e-10) + 6.361340902) < 1e-8);
    assert_true(fabs(ncmi_norm_inv(0.3) + ncmi_norm_inv(0.7)) < 1e-15);
}

/* ------------------------------------------------------------------ determinism */

static void expect_same(const ncm_population *a, const ncm_population *b)
{
    size_t n = ncm_population_size(a);
    assert_int_equal(n, ncm_population_size(b));
    assert_memory_equal(ncm_population_age(a), ncm_population_age(b), n * sizeof(int32_t));
    assert_memory_equal(ncm_population_sex(a), ncm_population_sex(b), n);
    assert_memory_equal(ncm_population_deprivation(a), ncm_population_deprivation(b), n);
    assert_memory_equal(ncm_population_months(a), ncm_population_months(b), n * sizeof(double));
    assert_memory_equal(ncm_population_cost(a), ncm_population_cost(b), n * sizeof(ncm_money));
    assert_memory_equal(ncm_population_dx_offsets(a), ncm_population_dx_offsets(b), (n + 1) * sizeof(uint64_t));
    uint64_t nd = ncm_population_dx_offsets(a)[n];
    for (uint64_t k = 0; k < nd; k++) assert_string_equal(dx_code(a, k), dx_code(b, k));
    for (int f = NCM_TEXT_PRACTICE; f <= NCM_TEXT_SYSTEM; f++) {
        assert_memory_equal(ncm_population_text_ids(a, (ncm_text_field)f), ncm_population_text_ids(b, (ncm_text_field)f),
                            n * sizeof(uint32_t));
        size_t u = ncm_population_text_count(a, (ncm_text_field)f);
        assert_int_equal(u, ncm_population_text_count(b, (ncm_text_field)f));
        for (uint32_t k = 0; k < u; k++)
            assert_string_equal(ncm_population_text_value(a, (ncm_text_field)f, k),
                                ncm_population_text_value(b, (ncm_text_field)f, k));
    }
    for (uint32_t i = 0; i < n; i += 997)
        assert_string_equal(ncm_population_text_value(a, NCM_TEXT_PERSON, i), ncm_population_text_value(b, NCM_TEXT_PERSON, i));
}

static void test_determinism(void **state)
{
    (void)state;
    ncm_population *a = make(7, 30000), *b = make(7, 30000), *c = make(8, 30000);
    expect_same(a, b);
    /* a different seed changes ages, costs and codes */
    assert_true(memcmp(ncm_population_age(a), ncm_population_age(c), 30000 * sizeof(int32_t)) != 0);
    assert_true(memcmp(ncm_population_cost(a), ncm_population_cost(c), 30000 * sizeof(ncm_money)) != 0);
    /* person draws depend only on (seed, row): the first 30,000 people of a larger population have
     * the same ages and sexes (geography, and so deprivation, may differ) */
    ncm_population *d = make(7, 45000);
    assert_memory_equal(ncm_population_age(a), ncm_population_age(d), 30000 * sizeof(int32_t));
    assert_memory_equal(ncm_population_sex(a), ncm_population_sex(d), 30000);
    assert_string_equal(ncm_population_text_value(d, NCM_TEXT_PERSON, 0), "S000000001");
    assert_string_equal(ncm_population_text_value(d, NCM_TEXT_PERSON, 44999), "S000045000");
    ncm_population_free(a);
    ncm_population_free(b);
    ncm_population_free(c);
    ncm_population_free(d);
}

/* ------------------------------------------------------------------ independent re-implementation */

/* A second, deliberately separate implementation of the generator's key derivation and first three
 * draws, written from the description in lib/synth.c's header comment and rng.h. */
static uint64_t ref_mix(uint64_t z)
{
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ull;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBull;
    z ^= z >> 31;
    return z;
}

static uint64_t ref_draw(uint64_t seed, uint64_t stream, uint64_t index, uint64_t k)
{
    uint64_t key = ref_mix(ref_mix(ref_mix(seed ^ 0x243F6A8885A308D3ull) ^ (stream * 0xB7E151628AED2A6Bull)) ^
                           (index * 0xD1B54A32D192ED03ull));
    return ref_mix(key + (k + 1) * 0x9E3779B97F4A7C15ull);
}

static uint64_t ref_below(uint64_t x, uint64_t n)
{
    /* floor(x * n / 2^64) by 32-bit halves, without __int128 */
    uint64_t xh = x >> 32, xl = x & 0xFFFFFFFFu, nh = n >> 32, nl = n & 0xFFFFFFFFu;
    uint64_t ll = xl * nl, lh = xl * nh, hl = xh * nl, hh = xh * nh;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* ONS mid-2022, England, thousands (docs/synthetic-population.md). */
static const unsigned ONS_M[19] = {1640, 1778, 1838, 1714, 1783, 1856, 1930, 1880, 1790, 1705,
                                   1880, 1865, 1615, 1375, 1290, 1010, 625, 345, 160};
static const unsigned ONS_F[19] = {1562, 1692, 1748, 1625, 1716, 1874, 1990, 1925, 1815, 1745,
                                   1945, 1915, 1680, 1465, 1420, 1150, 785, 505, 355};

static void ref_person(uint64_t seed, uint64_t i, int practice_decile, int *age, int *sex, int *dep)
{
    unsigned total = 0;
    for (int b = 0; b < 19; b++) total += ONS_M[b] + ONS_F[b];
    uint64_t cell = ref_below(ref_draw(seed, 1, i, 0), total);
    int b = 0, male = 0;
    for (;; b++) {
        if (cell < ONS_M[b]) {
            male = 1;
            break;
        }
        cell -= ONS_M[b];
        if (cell < ONS_F[b]) break;
        cell -= ONS_F[b];
    }
    uint64_t x1 = ref_draw(seed, 1, i, 1);
    if (b < 18) {
        *age = 5 * b + (int)ref_below(x1, 5);
    } else {
        static const unsigned w90[15] = {200, 170, 145, 120, 100, 80, 62, 46, 33, 22, 14, 8, 5, 3, 2};
        uint64_t u = ref_below(x1, 1010);
        int y = 0;
        while (y < 14 && u >= w90[y]) u -= w90[y++];
        *age = 90 + y;
    }
    *sex = male ? NCM_SEX_MALE : NCM_SEX_FEMALE;
    uint64_t du = ref_below(ref_draw(seed, 1, i, 2), 100);
    static const int shift[5] = {0, -1, 1, -2, 2};
    int s = du < 50 ? 0 : du < 70 ? 1 : du < 90 ? 2 : du < 95 ? 3 : 4;
    int d = practice_decile + shift[s];
    *dep = d < 1 ? 2 - d : d > 10 ? 20 - d : d;
}

static uint64_t fnv(uint64_t h, uint64_t v)
{
    for (int k = 0; k < 8; k++) h = (h ^ ((v >> (8 * k)) & 0xFF)) * 1099511628211ull;
    return h;
}

static void test_golden_reimplementation(void **state)
{
    (void)state;
    const uint64_t seed = 99;
    const size_t n = 5000;
    ncm_population *p = make(seed, n);
    const int32_t *age = ncm_population_age(p);
    const uint8_t *sex = ncm_population_sex(p), *dep = ncm_population_deprivation(p);
    const uint32_t *prac = ncm_population_text_ids(p, NCM_TEXT_PRACTICE);
    uint64_t want = 1469598103934665603ull, got = want;
    for (size_t i = 0; i < n; i++) {
        /* practice k (named P0000k+1) has decile 1 + below(draw(seed, 13, k, 0), 10) */
        const char *pname = ncm_population_text_value(p, NCM_TEXT_PRACTICE, prac[i]);
        uint64_t k = strtoull(pname + 1, NULL, 10) - 1;
        int pd = 1 + (int)ref_below(ref_draw(seed, 13, k, 0), 10);
        int a, s, d;
        ref_person(seed, i, pd, &a, &s, &d);
        want = fnv(fnv(fnv(want, (uint64_t)a), (uint64_t)s), (uint64_t)d);
        got = fnv(fnv(fnv(got, (uint64_t)age[i]), sex[i]), dep[i]);
        if (i < 50 && (a != age[i] || s != sex[i] || d != dep[i]))
            fail_msg("person %zu: reference age %d sex %d decile %d, generator %d %d %d", i, a, s, d, age[i], sex[i], dep[i]);
    }
    assert_true(want == got);
    ncm_population_free(p);
}

/* ------------------------------------------------------------------ structure */

static void unit_sizes(const ncm_population *p, ncm_level level, uint64_t lo, uint64_t hi)
{
    size_t u = ncm_population_text_count(p, (ncm_text_field)level);
    uint64_t *cnt = calloc(u, sizeof *cnt);
    assert_non_null(cnt);
    assert_int_equal(ncm_population_rollup(p, level, cnt, NULL, NULL, NULL, u), NCM_OK);
    for (size_t k = 0; k < u; k++)
        if (cnt[k] < lo || cnt[k] > hi)
            fail_msg("%s %s has %llu people, outside %llu-%llu", ncm_level_name(level),
                     ncm_population_text_value(p, (ncm_text_field)level, (uint32_t)k), (unsigned long long)cnt[k],
                     (unsigned long long)lo, (unsigned long long)hi);
    free(cnt);
}

static void test_sizes(void **state)
{
    const ncm_population *p = *state;
    assert_int_equal(ncm_population_size(p), 900000);
    unit_sizes(p, NCM_LEVEL_PRACTICE, 2000, 20000);
    unit_sizes(p, NCM_LEVEL_NETWORK, 30000, 50000);
    unit_sizes(p, NCM_LEVEL_PLACE, 250000, 750000);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_SYSTEM), 1);
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_SYSTEM, 0), "SYS1");
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PLACE, 0), "PL01");
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_NETWORK, 0), "N0001");
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PRACTICE, 0), "P00001");
    /* 900,000 / 9,000 is about 100 practices; 900,000 / 40,000 about 22 networks; two places */
    assert_in_range(ncm_population_text_count(p, NCM_TEXT_PRACTICE), 60, 200);
    assert_in_range(ncm_population_text_count(p, NCM_TEXT_NETWORK), 18, 30);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PLACE), 2);
    /* every practice has one network, every network one place */
    uint32_t parent;
    assert_int_equal(ncm_population_parent(p, NCM_LEVEL_PRACTICE, 0, NCM_LEVEL_PLACE, &parent), NCM_OK);
    assert_int_equal(parent, 0);
}

static void test_age_sex_shares(void **state)
{
    const ncm_population *p = *state;
    size_t n = ncm_population_size(p);
    const int32_t *age = ncm_population_age(p);
    const uint8_t *sex = ncm_population_sex(p);
    double cnt[19][2] = {{0}};
    for (size_t i = 0; i < n; i++) {
        int b = age[i] >= 90 ? 18 : age[i] / 5;
        assert_true(sex[i] == NCM_SEX_FEMALE || sex[i] == NCM_SEX_MALE);
        cnt[b][sex[i] == NCM_SEX_MALE]++;
    }
    double total = 0;
    for (int b = 0; b < 19; b++) total += ONS_M[b] + ONS_F[b];
    /* each cell's share within 0.1 percentage points (the sampling sd is below 0.02 points) */
    for (int b = 0; b < 19; b++) {
        double wm = ONS_M[b] / total, wf = ONS_F[b] / total;
        if (fabs(cnt[b][1] / (double)n - wm) > 0.001 || fabs(cnt[b][0] / (double)n - wf) > 0.001)
            fail_msg("band %d: M %.4f vs %.4f, F %.4f vs %.4f", b, cnt[b][1] / n, wm, cnt[b][0] / n, wf);
    }
    /* 28,079 of the 56,991 thousand in the table are male: 49.27% */
    double m = 0;
    for (int b = 0; b < 19; b++) m += cnt[b][1];
    assert_true(fabs(m / (double)n - 0.4927) < 0.002);
    for (size_t i = 0; i < n; i++) assert_in_range(age[i], 0, 104);
}

static void test_prevalence(void **state)
{
    const ncm_population *p = *state;
    size_t n = ncm_population_size(p);
    const int32_t *age = ncm_population_age(p);
    const uint8_t *dep = ncm_population_deprivation(p);
    static const char *const htn[] = {"I10", NULL}, *const dm[] = {"E11", "E10", NULL}, *const copd[] = {"J44", NULL},
                             *const dem[] = {"F03", "G30", NULL}, *const dep_codes[] = {"F32", "F33", NULL},
                             *const hf[] = {"I50", "I110", NULL};
    double g_n[7] = {0}, g_htn[7] = {0}, g_hf[7] = {0}, g_dem[7] = {0};
    double d_n[2] = {0}, d_copd[2] = {0}, d_dm[2] = {0};
    double all_htn = 0, all_dm = 0, all_dep = 0, all_dem = 0;
    for (size_t i = 0; i < n; i++) {
        int g = grp7(age[i]);
        int h = has_prefix(p, i, htn), d = has_prefix(p, i, dm), c = has_prefix(p, i, copd), de = has_prefix(p, i, dem);
        g_n[g]++;
        g_htn[g] += h;
        g_hf[g] += has_prefix(p, i, hf);
        g_dem[g] += de;
        all_htn += h;
        all_dm += d;
        all_dem += de;
        all_dep += has_prefix(p, i, dep_codes);
        if (age[i] >= 40 && (dep[i] <= 2 || dep[i] >= 9)) {
            int most = dep[i] <= 2;
            d_n[most]++;
            d_copd[most] += c;
            d_dm[most] += d;
        }
    }
    /* prevalence rises with age: strictly across adult groups for hypertension, heart failure, dementia */
    for (int g = 2; g < 7; g++) {
        assert_true(g_htn[g] / g_n[g] > g_htn[g - 1] / g_n[g - 1]);
        assert_true(g_hf[g] / g_n[g] > g_hf[g - 1] / g_n[g - 1]);
    }
    assert_true(g_dem[6] / g_n[6] > 5 * g_dem[4] / g_n[4]);
    /* and with deprivation (deciles 1-2 against 9-10, aged 40+): COPD ratio set to 2.8, diabetes 1.8 */
    assert_true(d_copd[1] / d_n[1] > 1.8 * d_copd[0] / d_n[0]);
    assert_true(d_dm[1] / d_n[1] > 1.3 * d_dm[0] / d_n[0]);
    /* all-ages prevalence near the documented targets (QOF 2022-23 based, see the guide):
     * hypertension 14.5%, diabetes 6.5%, depression (coded F32/F33) 10.6%, dementia 0.75% */
    assert_true(fabs(all_htn / n - 0.145) < 0.012);
    assert_true(fabs(all_dm / n - 0.065) < 0.008);
    assert_true(fabs(all_dep / n - 0.106) < 0.012);
    assert_true(fabs(all_dem / n - 0.0075) < 0.0015);
}

/* Codes that are deliberately outside the CMS-HCC mapping (non-HCC conditions and minor codes). */
static const char *const NON_HCC[] = {"I10",  "J45909", "I2510", "F329", "M170", "M169", "F79",  "R54",
                                      "J069", "Z0000",  "E785",  "M5450", "N390", "K219", "L309", "R519",
                                      "E039", "Z23",    "J029",  "B349", "R109", "L709", "M25561", "R059", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0) return 1;
    return 0;
}

static void test_codes_in_cms_mapping(void **state)
{
    const ncm_population *p = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/cms-hcc/dx_to_cc.csv", NCM_SHARED_DATA);
    FILE *f = fopen(path, "r");
    if (!f) {
        print_message("skipping: %s not found (shared CMS-HCC data absent)\n", path);
        skip();
    }
    /* load the first column into a list */
    size_t cap = 32768, nc = 0;
    char **codes = malloc(cap * sizeof *codes);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        if (!comma) continue;
        *comma = '\0';
        if (nc == cap) codes = realloc(codes, (cap *= 2) * sizeof *codes);
        codes[nc++] = strdup(line);
    }
    fclose(f);
    assert_true(nc > 10000);
    size_t distinct = ncm_population_text_count(p, NCM_TEXT_DIAGNOSIS), hcc = 0, non = 0;
    for (uint32_t k = 0; k < distinct; k++) {
        const char *c = ncm_population_text_value(p, NCM_TEXT_DIAGNOSIS, k);
        int found = 0;
        for (size_t j = 0; j < nc && !found; j++) found = strcmp(codes[j], c) == 0;
        if (in_list(NON_HCC, c)) {
            if (found) fail_msg("%s is listed as non-HCC but is in dx_to_cc.csv", c);
            non++;
        } else {
            if (!found) fail_msg("generated code %s is not in %s", c, path);
            hcc++;
        }
    }
    /* the 900,000 people use every code: 41 HCC codes and 24 non-HCC ones */
    assert_int_equal(hcc, 41);
    assert_int_equal(non, 24);
    for (size_t j = 0; j < nc; j++) free(codes[j]);
    free(codes);
}

static int cmp_money_desc(const void *a, const void *b)
{
    ncm_money x = *(const ncm_money *)a, y = *(const ncm_money *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void test_costs_and_enrolment(void **state)
{
    const ncm_population *p = *state;
    size_t n = ncm_population_size(p);
    const ncm_money *cost = ncm_population_cost(p);
    const int32_t *age = ncm_population_age(p);
    const double *months = ncm_population_months(p);
    const uint64_t *off = ncm_population_dx_offsets(p);
    assert_non_null(cost);
    double total = 0, g_sum[7] = {0}, g_n[7] = {0}, zero = 0, part = 0, mc[2] = {0}, mn[2] = {0};
    for (size_t i = 0; i < n; i++) {
        assert_true(cost[i] >= 0);
        total += (double)cost[i] / 100.0;
        g_sum[grp7(age[i])] += (double)cost[i] / 100.0;
        g_n[grp7(age[i])]++;
        zero += cost[i] == 0;
        assert_true(months[i] >= 1.0 && months[i] <= 12.0 && months[i] == floor(months[i]));
        part += months[i] < 12.0;
        /* morbidity: people aged 65-74 with 4+ codes against those with none */
        if (age[i] >= 65 && age[i] < 75 && (off[i + 1] - off[i] == 0 || off[i + 1] - off[i] >= 4)) {
            int many = off[i + 1] - off[i] >= 4;
            mc[many] += (double)cost[i];
            mn[many]++;
        }
    }
    double mean = total / (double)n;
    /* documented target: about 2,230 pounds a head (NHS England spend is of the order of 2,000-3,000) */
    if (mean < 2100 || mean > 2400) fail_msg("mean cost %.2f outside 2,100-2,400", mean);
    for (int g = 2; g < 7; g++) assert_true(g_sum[g] / g_n[g] > g_sum[g - 1] / g_n[g - 1]);
    assert_true(mc[1] / mn[1] > 1.5 * mc[0] / mn[0]);
    /* heavy right tail: the costliest 5% of people account for over 35% of the cost */
    ncm_money *s = malloc(n * sizeof *s);
    memcpy(s, cost, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_money_desc);
    double top = 0;
    for (size_t i = 0; i < n / 20; i++) top += (double)s[i] / 100.0;
    assert_true(top / total > 0.35);
    free(s);
    /* some people have no cost; part years from churn 8%, deaths about 0.9%, births about 0.6% */
    assert_true(zero / n > 0.03 && zero / n < 0.12);
    assert_true(part / n > 0.085 && part / n < 0.11);
}

/* ------------------------------------------------------------------ options, errors, allocation */

static void test_options(void **state)
{
    (void)state;
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT, d;
    ncm_synth_options_init(&d);
    assert_int_equal(o.version, NCM_SYNTH_OPTIONS_VERSION);
    assert_int_equal(d.people, 10000);
    assert_true(d.seed == 2015 && d.systems == 1 && d.places == 0);
    ncm_synth_options_init(NULL);
    /* NULL options: the defaults (10,000 people) */
    ncm_population *p = NULL;
    assert_int_equal(ncm_synth_population(NULL, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 10000);
    /* a small population: one place and one network */
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PLACE), 1);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_NETWORK), 1);
    unit_sizes(p, NCM_LEVEL_PRACTICE, 2000, 20000);
    ncm_population_free(p);
    /* explicit places and systems */
    o.people = 60000;
    o.places = 3;
    o.systems = 2;
    p = NULL;
    assert_int_equal(ncm_synth_population(&o, &p), NCM_OK);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PLACE), 3);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_SYSTEM), 2);
    unit_sizes(p, NCM_LEVEL_PLACE, 20000, 20000);
    ncm_population_free(p);
    /* sizes stay in range at the edges of the place range: 260,000 (one place) and 751,000 (two) */
    static const size_t edge[2] = {260000, 751000};
    for (int e = 0; e < 2; e++) {
        o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
        o.people = edge[e];
        o.minor_codes_mean = 0.0;
        p = NULL;
        assert_int_equal(ncm_synth_population(&o, &p), NCM_OK);
        assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PLACE), e + 1);
        unit_sizes(p, NCM_LEVEL_PRACTICE, 2000, 20000);
        unit_sizes(p, NCM_LEVEL_NETWORK, 30000, 50000);
        unit_sizes(p, NCM_LEVEL_PLACE, 250000, 750000);
        ncm_population_free(p);
    }
    /* no churn: part years only from births and deaths */
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.people = 50000;
    o.churn_rate = 0.0;
    o.minor_codes_mean = 0.0;
    p = NULL;
    assert_int_equal(ncm_synth_population(&o, &p), NCM_OK);
    size_t part = 0;
    for (size_t i = 0; i < 50000; i++) part += ncm_population_months(p)[i] < 12.0;
    assert_in_range(part, 200, 1200); /* about 0.6% births + 0.9% deaths = 750 */
    /* without minor codes only condition codes remain (about 0.7 a person) */
    double per = (double)ncm_population_dx_offsets(p)[50000] / 50000.0;
    assert_true(per > 0.5 && per < 0.9);
    ncm_population_free(p);
    /* zero and one person */
    o.people = 0;
    p = NULL;
    assert_int_equal(ncm_synth_population(&o, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 0);
    ncm_population_free(p);
    o.people = 1;
    p = NULL;
    assert_int_equal(ncm_synth_population(&o, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 1);
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PERSON, 0), "S000000001");
    ncm_population_free(p);
}

static void bad(ncm_synth_options o, ncm_status want, const char *part)
{
    ncm_population *sentinel = (ncm_population *)&o, *p = sentinel;
    assert_int_equal(ncm_synth_population(&o, &p), want);
    assert_ptr_equal(p, sentinel);
    expect_msg(part);
}

static void test_bad_options(void **state)
{
    (void)state;
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    assert_int_equal(ncm_synth_population(&o, NULL), NCM_ERR_INVALID);
    o.version = 0;
    bad(o, NCM_ERR_VERSION, "version 0");
    o.version = NCM_SYNTH_OPTIONS_VERSION + 1;
    bad(o, NCM_ERR_VERSION, "not supported");
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.churn_rate = 1.5;
    bad(o, NCM_ERR_RANGE, "churn_rate: 1.5 is outside 0-1");
    o.churn_rate = NAN;
    bad(o, NCM_ERR_RANGE, "churn_rate");
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.minor_codes_mean = -1;
    bad(o, NCM_ERR_RANGE, "minor_codes_mean: -1 is outside 0-20");
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.systems = 0;
    bad(o, NCM_ERR_RANGE, "systems: must be at least 1");
    o.systems = 5;
    o.places = 2;
    bad(o, NCM_ERR_RANGE, "systems: 5 is more than the 2 places");
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.people = 10;
    o.places = 11;
    bad(o, NCM_ERR_RANGE, "places: 11 is more than the 10 people");
    o = (ncm_synth_options)NCM_SYNTH_OPTIONS_INIT;
    o.people = (size_t)5000000000ull;
    bad(o, NCM_ERR_RANGE, "people: 5000000000 is more than 4000000000");
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ncm_synth_options o = NCM_SYNTH_OPTIONS_INIT;
    o.people = 3000;
    ncm_population *ref = NULL;
    assert_int_equal(ncm_synth_population(&o, &ref), NCM_OK);
    unsigned long k;
    for (k = 1; k < 10000; k++) {
        ncm_population *sentinel = (ncm_population *)&o, *p = sentinel;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_synth_population(&o, &p);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            expect_same(ref, p);
            ncm_population_free(p);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(p, sentinel);
        expect_msg("out of memory");
    }
    assert_true(k > 10 && k < 10000);
    ncm_population_free(ref);
}

/* ------------------------------------------------------------------ the command */

static void test_cli_synth(void **state)
{
    (void)state;
    char dir[] = "/tmp/ncm_test_synth_XXXXXX", cmd[2048], people[256], dx[256];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "%s synth --people 2500 --seed 31 --out %s/out 2>/dev/null", NCM_CLI, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(people, sizeof people, "%s/out/people.csv", dir);
    snprintf(dx, sizeof dx, "%s/out/diagnoses.csv", dir);
    /* the files read back equal the population generated in memory */
    ncm_population *a = NULL, *b = make(31, 2500);
    if (ncm_population_read_csv(people, dx, NULL, &a)) fail_msg("read back: %s", ncm_last_error());
    assert_int_equal(ncm_population_size(a), 2500);
    assert_memory_equal(ncm_population_age(a), ncm_population_age(b), 2500 * sizeof(int32_t));
    assert_memory_equal(ncm_population_sex(a), ncm_population_sex(b), 2500);
    assert_memory_equal(ncm_population_cost(a), ncm_population_cost(b), 2500 * sizeof(ncm_money));
    assert_memory_equal(ncm_population_months(a), ncm_population_months(b), 2500 * sizeof(double));
    assert_memory_equal(ncm_population_dx_offsets(a), ncm_population_dx_offsets(b), 2501 * sizeof(uint64_t));
    for (uint64_t k = 0; k < ncm_population_dx_offsets(a)[2500]; k++) assert_string_equal(dx_code(a, k), dx_code(b, k));
    ncm_population_free(a);
    ncm_population_free(b);
    /* a second run writes byte-identical files; another seed does not */
    snprintf(cmd, sizeof cmd,
             "%s synth --people 2500 --seed 31 --out %s/again 2>/dev/null && cmp -s %s/out/people.csv %s/again/people.csv"
             " && cmp -s %s/out/diagnoses.csv %s/again/diagnoses.csv",
             NCM_CLI, dir, dir, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s synth --people 2500 --seed 32 --out %s/other 2>/dev/null && cmp -s %s/out/people.csv %s/other/people.csv",
             NCM_CLI, dir, dir, dir);
    assert_int_not_equal(system(cmd), 0);
    /* usage errors exit 2; a folder that cannot be created exits 1 with one line naming it */
    snprintf(cmd, sizeof cmd, "%s synth --people many --out %s 2>/dev/null", NCM_CLI, dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "%s synth --out %s 2>/dev/null", NCM_CLI, dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "%s synth --people 10 --churn 2 --out %s 2>%s/err.txt", NCM_CLI, dir, dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    snprintf(cmd, sizeof cmd, "%s synth --people 10 --out %s/out/people.csv/x 2>%s/err.txt", NCM_CLI, dir, dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    snprintf(people, sizeof people, "%s/err.txt", dir);
    FILE *f = fopen(people, "r");
    char line[512] = "";
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_non_null(strstr(line, "people.csv/x: cannot create folder"));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splitmix_reference),
        cmocka_unit_test(test_rng_counter_and_jump),
        cmocka_unit_test(test_portable_math),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_golden_reimplementation),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_cli_synth),
    };
    const struct CMUnitTest big[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_age_sex_shares),
        cmocka_unit_test(test_prevalence),
        cmocka_unit_test(test_codes_in_cms_mapping),
        cmocka_unit_test(test_costs_and_enrolment),
    };
    int failed = cmocka_run_group_tests_name("synth", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("synth_900k", big, setup_big, teardown_big);
    return failed;
}
