/* Benchmark: risk-adjusted capitation for N people rolled up to practice, network and place; fair shares
 * over 10,000 units with 5 indices plus pace of change. Run by bench/capitation.py next to the pandas
 * baseline. Usage: bench_capitation [--people N] [--repeat R]. Prints key=value lines. Single thread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ncm/ncm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t s = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}
static double urand(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    size_t n = 10000000, repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--people") == 0) n = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--repeat") == 0) repeat = strtoull(argv[i + 1], NULL, 10);
    }
    if (repeat < 1) repeat = 1;
    size_t npr = n / 7000 + 1, nnw = npr / 5 + 1, npl = nnw / 10 + 1;
    double *w = malloc(n * sizeof *w), *m = malloc(n * sizeof *m);
    uint32_t *pr = malloc(n * sizeof *pr), *nw = malloc(n * sizeof *nw), *pl = malloc(n * sizeof *pl);
    if (!w || !m || !pr || !nw || !pl) return 1;
    for (size_t i = 0; i < n; i++) {
        double u = urand();
        w[i] = 0.2 + 3.0 * u * u;               /* risk score, skewed */
        m[i] = (rnd() % 10) ? 12.0 : (double)(1 + rnd() % 11);
        pr[i] = (uint32_t)(rnd() % npr);
        nw[i] = pr[i] / 5;
        pl[i] = nw[i] / 10;
    }
    ncm_capitation_people p;
    ncm_capitation_people_init(&p);
    p.n = n;
    p.weight = w;
    p.months = m;
    p.nlevels = 3;
    p.level_ids[0] = pr;
    p.level_count[0] = npr;
    p.level_name[0] = "practice";
    p.level_ids[1] = nw;
    p.level_count[1] = nnw;
    p.level_name[1] = "network";
    p.level_ids[2] = pl;
    p.level_count[2] = npl;
    p.level_name[2] = "place";
    ncm_capitation_options o = NCM_CAPITATION_OPTIONS_INIT;
    o.base_rate = 150000; /* 1,500.00 per person-year */
    o.flags = NCM_CAPITATION_NORMALIZE;
    double best[2] = {1e30, 1e30}, bestcpu[2] = {1e30, 1e30};
    ncm_money check = 0;
    for (int mode = 0; mode < 2; mode++) {
        o.flags = NCM_CAPITATION_NORMALIZE | (mode ? NCM_CAPITATION_BORROW : 0u);
        for (size_t r = 0; r < repeat; r++) {
            ncm_budget *b = NULL;
            double c0 = cpu(), t0 = now();
            ncm_status st = ncm_capitation_run(&p, &o, &b);
            double t1 = now(), c1 = cpu();
            if (c1 - c0 < bestcpu[mode]) bestcpu[mode] = c1 - c0;
            if (st) {
                fprintf(stderr, "capitation failed: %s\n", ncm_last_error());
                return 1;
            }
            if (t1 - t0 < best[mode]) best[mode] = t1 - t0;
            check = ncm_budget_distributed(b);
            ncm_budget_free(b);
        }
    }
    printf("people=%zu\npractices=%zu\nnetworks=%zu\nplaces=%zu\n", n, npr, nnw, npl);
    printf("capitation_seconds=%.6f\n", best[0]);
    printf("capitation_people_per_second=%.0f\n", (double)n / best[0]);
    printf("capitation_borrow_seconds=%.6f\n", best[1]);
    printf("capitation_cpu_seconds=%.6f\ncapitation_borrow_cpu_seconds=%.6f\n", bestcpu[0], bestcpu[1]);
    printf("capitation_borrow_people_per_second=%.0f\n", (double)n / best[1]);
    printf("capitation_total=%lld\n", (long long)check);

    /* fair shares: 10,000 units, 5 indices; then pace of change toward those shares */
    enum { U = 10000 };
    static double idx[5][U];
    static ncm_money share[U], prev[U], alloc[U];
    for (int k = 0; k < 5; k++)
        for (int u = 0; u < U; u++) idx[k][u] = k == 0 ? 2000 + 10000 * urand() : 0.8 + 0.4 * urand();
    for (int u = 0; u < U; u++) prev[u] = 100000000 + (ncm_money)(rnd() % 100000000);
    const double *ip[5] = {idx[0], idx[1], idx[2], idx[3], idx[4]};
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = U;
    in.unit_indices = ip;
    in.n_unit_indices = 5;
    ncm_pace_options po = NCM_PACE_OPTIONS_INIT;
    po.floor = 0.01;
    po.cap = 0.05;
    double times[41];
    int nt = 41;
    for (int r = 0; r < nt; r++) {
        double t0 = now();
        ncm_money E = 1600000000000; /* 16,000,000,000.00 */
        if (ncm_fair_shares(&in, E, share, NULL, U) || ncm_pace_of_change(&po, E, U, prev, share, alloc, NULL, NULL)) {
            fprintf(stderr, "fair shares / pace failed: %s\n", ncm_last_error());
            return 1;
        }
        times[r] = now() - t0;
    }
    qsort(times, (size_t)nt, sizeof times[0], cmp_d);
    printf("fair_shares_pace_units=%d\nfair_shares_pace_ms_median=%.3f\nfair_shares_pace_ms_min=%.3f\n", U,
           times[nt / 2] * 1e3, times[0] * 1e3);
    free(w);
    free(m);
    free(pr);
    free(nw);
    free(pl);
    return 0;
}
