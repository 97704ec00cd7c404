/* Segmentation throughput: N people (default 10,000,000) with ~2.5 diagnosis codes each, scores and
 * costs, through a 10-rule set using every common clause (groups, LTC count, risk percentile, age,
 * sex, cost, months). Times ncm_segmentation_assign() (best of R runs) and prints people per second.
 *
 * usage: bench_segment [N] [REPEATS] [DUMP_DIR]
 * With DUMP_DIR the inputs and the C output are written there as raw little-endian arrays for
 * bench/segment.py (the numpy/pandas baseline), which compares its answer with ours. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ncm/ncm.h"

static const char rules_json[] =
    "{\"schema\": 1, \"name\": \"bench-10\", \"rules\": ["
    "{\"name\": \"eol\", \"segment\": \"end_of_life\", \"when\": {\"any_group\": [\"end_of_life\"]}},"
    "{\"name\": \"very_high\", \"segment\": \"very_high_risk\", \"when\": {\"risk_percentile\": {\"min\": 99.5}}},"
    "{\"name\": \"frail\", \"segment\": \"frail_elderly\", \"when\": {\"age\": {\"min\": 75}, \"any_group\": [\"frailty\", \"dementia\"]}},"
    "{\"name\": \"high_cost\", \"segment\": \"high_cost\", \"when\": {\"cost\": {\"min\": \"20000.00\"}}},"
    "{\"name\": \"complex\", \"segment\": \"complex\", \"when\": {\"ltc_count\": {\"min\": 4}}},"
    "{\"name\": \"high\", \"segment\": \"high_risk\", \"when\": {\"risk_percentile\": {\"min\": 95}}},"
    "{\"name\": \"organ\", \"segment\": \"organ_failure\", \"when\": {\"any_group\": [\"heart_failure\", \"copd\"]}},"
    "{\"name\": \"ltc\", \"segment\": \"ltc\", \"when\": {\"ltc_count\": {\"min\": 1}}},"
    "{\"name\": \"part_year\", \"segment\": \"part_year\", \"when\": {\"months\": {\"max\": 6}}},"
    "{\"name\": \"older_women\", \"segment\": \"older_women\", \"when\": {\"age\": {\"min\": 65}, \"sex\": \"F\"}}"
    "], \"default\": \"healthy\"}";

static const char *const codes[] = {
    "I10", "E119", "J449", "J45", "I509", "I48", "I251", "I639", "N184", "F03", "F329", "F209", "C509", "C61",
    "M179", "M069", "G409", "G20", "F71", "R54", "Z515", "O800", "J189", "K359", "Z000", "R51", "M545", "J069",
    "L209", "H109", "K219", "E785", "E039", "D649", "N390", "B349", "R05", "Z880", "S9200", "T784",
};
#define NCODES (sizeof codes / sizeof codes[0])

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int dump(const char *dir, const char *name, const void *p, size_t bytes)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, bytes, f) != bytes) {
        fprintf(stderr, "cannot write %s\n", path);
        if (f) fclose(f);
        return 1;
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    const char *dir = argc > 3 ? argv[3] : NULL;
    int32_t *age = malloc(n * sizeof *age);
    uint8_t *sex = malloc(n);
    double *months = malloc(n * sizeof *months), *scores = malloc(n * sizeof *scores);
    ncm_money *cost = malloc(n * sizeof *cost);
    uint64_t *off = malloc((n + 1) * sizeof *off);
    uint32_t *dxi = malloc(n * 6 * sizeof *dxi), *seg = malloc(n * sizeof *seg);
    uint32_t *pidx = malloc(n * sizeof *pidx);
    if (!age || !sex || !months || !scores || !cost || !off || !dxi || !seg || !pidx) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    size_t nd = 0;
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        pidx[i] = (uint32_t)i;
        age[i] = unif() < 0.82 ? (int32_t)(rnd() % 70) : (int32_t)(70 + rnd() % 31);
        sex[i] = (uint8_t)(unif() < 0.505 ? 1 : 2);
        months[i] = unif() < 0.9 ? 12.0 : (double)(1 + rnd() % 23) / 2.0;
        double z = sqrt(-2 * log(unif() + 1e-300)) * cos(6.283185307179586 * unif());
        cost[i] = (ncm_money)(exp(6.0 + age[i] / 40.0 + 1.2 * z) * 100.0);
        scores[i] = round(exp(-0.2 + 0.6 * z + age[i] / 100.0) * 1000.0) / 1000.0; /* ties on purpose */
        int k = (int)(rnd() % 6); /* 0-5 codes, mean 2.5 */
        for (int j = 0; j < k; j++) dxi[nd++] = (uint32_t)(rnd() % NCODES);
        off[i + 1] = nd;
    }
    /* person ids as a dictionary with one level per person is costly to build; use index ids "P<i>" */
    char (*idtext)[24] = malloc(n * sizeof *idtext);
    const char **idlev = malloc(n * sizeof *idlev);
    if (!idtext || !idlev) return 1;
    for (size_t i = 0; i < n; i++) {
        snprintf(idtext[i], sizeof idtext[i], "P%zu", i);
        idlev[i] = idtext[i];
    }
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.flags = NCM_POPULATION_BORROW;
    c.n = n;
    c.person_id.index = pidx;
    c.person_id.levels = idlev;
    c.person_id.nlevels = n;
    c.age = age;
    c.sex = sex;
    c.months_enrolled = months;
    c.annual_cost = cost;
    c.dx_offsets = off;
    c.dx_codes.index = dxi;
    c.dx_codes.levels = codes;
    c.dx_codes.nlevels = NCODES;
    ncm_population *pop;
    double t0 = now();
    if (ncm_population_from_columns(&c, &pop) != NCM_OK) {
        fprintf(stderr, "population: %s\n", ncm_last_error());
        return 1;
    }
    fprintf(stderr, "population of %zu people, %zu diagnoses built in %.2f s\n", n, nd, now() - t0);
    ncm_segmentation *s;
    if (ncm_segmentation_read_json_buffer(rules_json, sizeof rules_json - 1, "bench", NULL, &s) != NCM_OK) {
        fprintf(stderr, "rules: %s\n", ncm_last_error());
        return 1;
    }
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < repeats; r++) {
        double t = now(), tc = cpu_now();
        if (ncm_segmentation_assign(s, pop, scores, n, seg, n) != NCM_OK) {
            fprintf(stderr, "assign: %s\n", ncm_last_error());
            return 1;
        }
        t = now() - t;
        tc = cpu_now() - tc;
        if (t < best) best = t;
        if (tc < best_cpu) best_cpu = tc;
    }
    uint32_t ns = ncm_segmentation_segment_count(s);
    uint64_t *cnt = calloc(ns, sizeof *cnt);
    for (size_t i = 0; i < n; i++) cnt[seg[i]]++;
    for (uint32_t k = 0; k < ns; k++)
        fprintf(stderr, "  %-16s %10llu\n", ncm_segmentation_segment_name(s, k), (unsigned long long)cnt[k]);
    printf("bench_segment people=%zu rules=%zu seconds=%.6f people_per_second=%.0f cpu_seconds=%.6f "
           "cpu_people_per_second=%.0f\n",
           n, ncm_segmentation_rule_count(s), best, (double)n / best, best_cpu, (double)n / best_cpu);
    if (dir) {
        /* group mask of each distinct code, through the public API, for the baseline */
        ncm_condition_groups *g;
        ncm_condition_groups_builtin(&g);
        uint64_t cm[NCODES], ltc_mask = 0;
        for (size_t k = 0; k < NCODES; k++) ncm_condition_groups_match(g, codes[k], &cm[k]);
        for (size_t k = 0; k < ncm_condition_groups_count(g); k++)
            if (ncm_condition_groups_is_ltc(g, k)) ltc_mask |= (uint64_t)1 << k;
        FILE *f;
        char path[1024];
        snprintf(path, sizeof path, "%s/groups.txt", dir);
        if (!(f = fopen(path, "w"))) return 1;
        fprintf(f, "ltc_mask %llu\n", (unsigned long long)ltc_mask);
        for (size_t k = 0; k < ncm_condition_groups_count(g); k++) fprintf(f, "%s %zu\n", ncm_condition_groups_name(g, k), k);
        for (uint32_t k = 0; k < ns; k++) fprintf(f, "segment %s %u\n", ncm_segmentation_segment_name(s, k), k);
        fclose(f);
        ncm_condition_groups_free(g);
        if (dump(dir, "age.i32", age, n * 4) || dump(dir, "sex.u8", sex, n) || dump(dir, "months.f64", months, n * 8) ||
            dump(dir, "cost.i64", cost, n * 8) || dump(dir, "scores.f64", scores, n * 8) ||
            dump(dir, "off.u64", off, (n + 1) * 8) || dump(dir, "dx.u32", dxi, nd * 4) ||
            dump(dir, "code_mask.u64", cm, sizeof cm) || dump(dir, "segment.u32", seg, n * 4))
            return 1;
    }
    free(cnt);
    ncm_segmentation_free(s);
    ncm_population_free(pop);
    free(idtext);
    free(idlev);
    free(age);
    free(sex);
    free(months);
    free(scores);
    free(cost);
    free(off);
    free(dxi);
    free(seg);
    free(pidx);
    return 0;
}
