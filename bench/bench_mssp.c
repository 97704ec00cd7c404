/* Benchmark: MSSP settlement of N synthetic ACO rows (2022 tracks) with ncm_mssp_settle().
 *
 * usage: bench_mssp [N] [DIR]
 *   Generates N rows deterministically, settles them (best of 5 timed runs), prints
 *   "rows=N seconds=S rows_per_second=R". With DIR, also writes DIR/acos.csv (the inputs, benchmark
 *   and expenditure in cents, msr and revenue empty when absent) and DIR/ncm_results.csv (earned in
 *   cents) for bench/mssp.py to compare against its pandas baseline. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ncm/ncm.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 100000;
    const char *dir = argc > 2 ? argv[2] : NULL;
    static const char *const names[6] = {"BASIC_A", "BASIC_B", "BASIC_C", "BASIC_D", "BASIC_E", "ENHANCED"};
    ncm_mssp_tracks *t = NULL;
    if (ncm_mssp_tracks_builtin(2022, &t)) {
        fprintf(stderr, "%s\n", ncm_last_error());
        return 1;
    }
    uint32_t idx6[6];
    if (ncm_mssp_tracks_lookup(t, 2022, 6, names, idx6)) {
        fprintf(stderr, "%s\n", ncm_last_error());
        return 1;
    }
    uint32_t *track = malloc(n * sizeof *track);
    int *tk = malloc(n * sizeof *tk);
    int64_t *nab = malloc(n * sizeof *nab);
    ncm_money *b = malloc(n * sizeof *b), *e = malloc(n * sizeof *e), *rev = malloc(n * sizeof *rev);
    uint8_t *met = malloc(n), *alt = malloc(n);
    double *q = malloc(n * sizeof *q), *msr = malloc(n * sizeof *msr);
    double *s = malloc(n * sizeof *s), *m = malloc(n * sizeof *m), *r = malloc(n * sizeof *r);
    ncm_money *g = malloc(n * sizeof *g), *earned = malloc(n * sizeof *earned);
    if (!track || !tk || !nab || !b || !e || !rev || !met || !alt || !q || !msr || !s || !m || !r || !g || !earned) return 1;
    static const double fixed[5] = {0, 0.005, 0.01, 0.015, 0.02};
    for (size_t i = 0; i < n; i++) {
        int k = (int)(unif() * 6);
        tk[i] = k;
        track[i] = idx6[k];
        nab[i] = 5000 + (int64_t)(unif() * 95000);
        b[i] = (ncm_money)((double)nab[i] * (9000.0 + unif() * 4000.0)) * 100;
        double dev = (unif() + unif() + unif() - 1.5) * 0.12; /* roughly +-18% */
        e[i] = (ncm_money)llround((double)b[i] * (1.0 - dev));
        met[i] = unif() < 0.95;
        alt[i] = 0;
        q[i] = floor((0.6 + 0.4 * unif()) * 10000.0) / 10000.0;
        msr[i] = (k >= 2 && unif() < 0.5) ? fixed[(int)(unif() * 5)] : NAN;
        rev[i] = (k >= 2 && k <= 4 && unif() < 0.5) ? b[i] / 100 * 30 : -1;
    }
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        if (ncm_mssp_settle(t, n, track, nab, b, e, met, q, alt, msr, rev, s, m, g, r, earned)) {
            fprintf(stderr, "%s\n", ncm_last_error());
            return 1;
        }
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    printf("rows=%zu seconds=%.6f rows_per_second=%.0f\n", n, best, (double)n / best);
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/acos.csv", dir);
        FILE *f = fopen(path, "w");
        if (!f) return 1;
        fprintf(f, "aco_id,track,beneficiaries,benchmark,expenditure,quality_met,quality_score,msr,revenue\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "A%zu,%s,%lld,%lld,%lld,%d,%.4f,", i, names[tk[i]], (long long)nab[i], (long long)b[i], (long long)e[i],
                    met[i], q[i]);
            if (!isnan(msr[i])) fprintf(f, "%.3f", msr[i]);
            fputc(',', f);
            if (rev[i] >= 0) fprintf(f, "%lld", (long long)rev[i]);
            fputc('\n', f);
        }
        fclose(f);
        snprintf(path, sizeof path, "%s/ncm_results.csv", dir);
        f = fopen(path, "w");
        if (!f) return 1;
        fprintf(f, "aco_id,generated,earned\n");
        for (size_t i = 0; i < n; i++) fprintf(f, "A%zu,%lld,%lld\n", i, (long long)g[i], (long long)earned[i]);
        fclose(f);
    }
    free(track); free(tk); free(nab); free(b); free(e); free(rev); free(met); free(alt); free(q); free(msr);
    free(s); free(m); free(r); free(g); free(earned);
    ncm_mssp_tracks_free(t);
    return 0;
}
