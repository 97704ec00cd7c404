/* bench_risk: CMS-HCC scoring speed.
 *
 * usage: bench_risk TABLES_DIR [N] [SUBSAMPLE_PREFIX [SUBSAMPLE_N]]
 *
 * Generates N people (default 1,000,000) with on average 6 diagnosis codes (0 to 12, uniform) sampled from
 * dx_to_cc.csv (V24 and V28 rows, so some codes are unknown to V24), segments CNA 70%, CND 8%, CFA 5%,
 * CFD 4%, CPA 3%, CPD 2%, INS 3%, NE 5%; scores them with CMS-HCC V24 (best of 5 runs, thread CPU time, one core) with and
 * without recording the terms, and prints key=value lines. With SUBSAMPLE_PREFIX it also writes the first
 * SUBSAMPLE_N people (default 20,000) to PREFIX_people.csv, PREFIX_diagnoses.csv and their C raw scores
 * to PREFIX_scores.csv, for the Python baseline in bench/risk.py. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ncm/ncm.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned uni(unsigned n) { return (unsigned)(next() % n); }

/* CPU time of this thread: the machine may be shared, and the target is "on one core". */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_risk TABLES_DIR [N] [SUBSAMPLE_PREFIX [SUBSAMPLE_N]]\n");
        return 2;
    }
    const char *dir = argv[1];
    size_t n = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000000;
    const char *prefix = argc > 3 ? argv[3] : NULL;
    size_t nsub = argc > 4 ? (size_t)strtoull(argv[4], NULL, 10) : 20000;
    if (nsub > n) nsub = n;

    /* distinct codes of dx_to_cc.csv */
    char path[4096];
    snprintf(path, sizeof path, "%s/dx_to_cc.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    char line[256];
    char **codes = NULL;
    size_t ncodes = 0, cap = 0;
    if (!fgets(line, sizeof line, f)) return 1;
    while (fgets(line, sizeof line, f)) {
        char *c = strchr(line, ',');
        if (!c) continue;
        *c = 0;
        if (ncodes && !strcmp(codes[ncodes - 1], line)) continue; /* file is sorted by code */
        if (ncodes == cap) {
            cap = cap ? cap * 2 : 4096;
            codes = realloc(codes, cap * sizeof *codes);
        }
        codes[ncodes++] = strdup(line);
    }
    fclose(f);

    static const char *const segs[] = {"CNA", "CND", "CFA", "CFD", "CPA", "CPD", "INS", "NE"};
    static const unsigned cum[] = {70, 78, 83, 87, 90, 92, 95, 100};
    int32_t *age = malloc(n * sizeof *age);
    uint8_t *sex = malloc(n), *orec = malloc(n), *mcaid = malloc(n);
    uint32_t *segi = malloc(n * sizeof *segi);
    uint64_t *off = malloc((n + 1) * sizeof *off);
    size_t dcap = n * 7 + 16, nd = 0;
    uint32_t *dx = malloc(dcap * sizeof *dx);
    char **ids = malloc(n * sizeof *ids);
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned u = uni(100), s = 0;
        while (u >= cum[s]) s++;
        segi[i] = s;
        int disabled_seg = s == 1 || s == 3 || s == 5;
        age[i] = disabled_seg ? 18 + (int)uni(47) : s == 7 ? 60 + (int)uni(31) : s == 6 ? 50 + (int)uni(51) : 65 + (int)uni(36);
        sex[i] = (uint8_t)(1 + uni(2));
        orec[i] = (uint8_t)(disabled_seg ? 1 : uni(10) == 0 ? 1 : 0);
        mcaid[i] = (uint8_t)(uni(5) == 0);
        unsigned k = uni(13);
        if (nd + k > dcap) {
            dcap *= 2;
            dx = realloc(dx, dcap * sizeof *dx);
        }
        for (unsigned j = 0; j < k; j++) dx[nd++] = uni((unsigned)ncodes);
        off[i + 1] = nd;
        char b[24];
        snprintf(b, sizeof b, "P%zu", i);
        ids[i] = strdup(b);
    }
    ncm_population_columns c;
    ncm_population_columns_init(&c);
    c.n = n;
    c.person_id.values = (const char *const *)ids;
    c.age = age;
    c.sex = sex;
    c.orec = orec;
    c.medicaid = mcaid;
    c.segment.index = segi;
    c.segment.levels = segs;
    c.segment.nlevels = 8;
    c.dx_offsets = off;
    c.dx_codes.index = dx;
    c.dx_codes.levels = (const char *const *)codes;
    c.dx_codes.nlevels = ncodes;
    ncm_population *pop = NULL;
    ncm_risk_model *m = NULL;
    if (ncm_population_from_columns(&c, &pop) || ncm_risk_model_cms_hcc(dir, NCM_CMS_HCC_V24, &m)) {
        fprintf(stderr, "bench_risk: %s\n", ncm_last_error());
        return 1;
    }
    double *raw = malloc(n * sizeof *raw), *pay = malloc(n * sizeof *pay);
    ncm_risk_options o = NCM_RISK_OPTIONS_INIT;
    o.normalization = 1.146;
    o.coding_intensity = 0.059;
    double best_terms = 1e30, best_plain = 1e30;
    uint64_t unknown = 0;
    for (int rep = 0; rep < 5; rep++) {
        ncm_risk_result *r = NULL;
        double t0 = now();
        if (ncm_risk_score(m, pop, &o, raw, pay, n, &r)) {
            fprintf(stderr, "bench_risk: %s\n", ncm_last_error());
            return 1;
        }
        double t1 = now();
        unknown = ncm_risk_result_unknown_total(r);
        ncm_risk_result_free(r);
        if (t1 - t0 < best_terms) best_terms = t1 - t0;
        t0 = now();
        ncm_risk_score(m, pop, &o, raw, pay, n, NULL);
        t1 = now();
        if (t1 - t0 < best_plain) best_plain = t1 - t0;
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += raw[i];
    mean /= (double)n;
    printf("people=%zu\ncodes=%zu\nunknown_codes=%llu\nmean_raw=%.6f\n", n, (size_t)off[n], (unsigned long long)unknown, mean);
    printf("c_seconds_with_terms=%.6f\nc_seconds_scores_only=%.6f\n", best_terms, best_plain);
    printf("c_people_per_second_with_terms=%.0f\nc_people_per_second_scores_only=%.0f\n", (double)n / best_terms,
           (double)n / best_plain);
    if (prefix) {
        char p1[4096];
        snprintf(p1, sizeof p1, "%s_people.csv", prefix);
        FILE *fp = fopen(p1, "w");
        snprintf(p1, sizeof p1, "%s_diagnoses.csv", prefix);
        FILE *fd = fopen(p1, "w");
        snprintf(p1, sizeof p1, "%s_scores.csv", prefix);
        FILE *fs = fopen(p1, "w");
        if (!fp || !fd || !fs) {
            perror(prefix);
            return 1;
        }
        fprintf(fp, "person_id,age,sex,segment,orec,medicaid\n");
        fprintf(fd, "person_id,code\n");
        fprintf(fs, "person_id,raw_score\n");
        for (size_t i = 0; i < nsub; i++) {
            fprintf(fp, "%s,%d,%c,%s,%u,%u\n", ids[i], age[i], sex[i] == 1 ? 'F' : 'M', segs[segi[i]], orec[i], mcaid[i]);
            for (uint64_t j = off[i]; j < off[i + 1]; j++) fprintf(fd, "%s,%s\n", ids[i], codes[dx[j]]);
            fprintf(fs, "%s,%.17g\n", ids[i], raw[i]);
        }
        fclose(fp);
        fclose(fd);
        fclose(fs);
        printf("subsample=%zu\n", nsub);
    }
    ncm_risk_model_free(m);
    ncm_population_free(pop);
    for (size_t i = 0; i < n; i++) free(ids[i]);
    for (size_t i = 0; i < ncodes; i++) free(codes[i]);
    free(ids);
    free(codes);
    free(age);
    free(sex);
    free(orec);
    free(mcaid);
    free(segi);
    free(off);
    free(dx);
    free(raw);
    free(pay);
    return 0;
}
