/* Settlement speed: the bulk settler (ncm_settler_run) and the full ledger path (ncm_settle) on the
 * Bedfordshire MSK contract, and the bulk settler on the four-member alliance (per-party costs).
 * Usage: bench_settle [N] [examples/contracts]   (defaults: 1000000 trials, run from the repo root)
 * Prints one line per case: name, contracts settled, seconds, contracts per second, and a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ncm/ncm.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_settle: %s: %s\n", what, ncm_last_error());
    return 1;
}

/* deterministic costs around the budget: 20m to 30m in pence */
static ncm_money cost_of(size_t i, ncm_money lo, ncm_money span)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    return lo + (ncm_money)(x % (uint64_t)span);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    const char *dir = argc > 2 ? argv[2] : "examples/contracts";
    char path[512];
    snprintf(path, sizeof path, "%s/bedfordshire_msk.json", dir);
    ncm_contract *c = NULL;
    if (ncm_contract_load_file(path, &c)) return fail(path);
    ncm_money *cost = malloc(n * sizeof *cost), *net = malloc(2 * n * sizeof *net);
    if (!cost || !net) return 1;
    for (size_t i = 0; i < n; i++) cost[i] = cost_of(i, 2000000000, 1000000000);
    ncm_settler *s = NULL;
    if (ncm_settler_create(c, &s)) return fail("settler");
    double t0 = now();
    if (ncm_settler_run(s, 1, n, cost, NULL, NULL, NULL, NULL, net)) return fail("run");
    double t1 = now();
    long long sum = 0;
    for (size_t i = 0; i < n; i++) sum += net[2 * i + 1];
    printf("bulk_bedfordshire %zu %.6f %.0f %lld\n", n, t1 - t0, (double)n / (t1 - t0), sum);

    /* full ledger path: one ncm_settle per contract-year (allocates a ledger each time) */
    size_t m = n / 20 ? n / 20 : 1;
    ncm_actuals *a = NULL;
    if (ncm_actuals_create(c, &a)) return fail("actuals");
    long long sum2 = 0;
    t0 = now();
    for (size_t i = 0; i < m; i++) {
        ncm_ledger *l = NULL;
        if (ncm_actuals_set_cost(a, 1, NULL, cost[i]) || ncm_settle(c, a, NULL, &l)) return fail("settle");
        ncm_money in, out;
        if (ncm_ledger_party_totals(l, 1, 1, &in, &out, NULL, NULL)) return fail("totals");
        sum2 += in - out;
        ncm_ledger_free(l);
    }
    t1 = now();
    printf("ledger_bedfordshire %zu %.6f %.0f %lld\n", m, t1 - t0, (double)m / (t1 - t0), sum2);
    ncm_actuals_free(a);
    ncm_settler_free(s);
    ncm_contract_free(c);

    /* alliance: per-party costs, pooled variances, split by value */
    snprintf(path, sizeof path, "%s/alliance_four.json", dir);
    if (ncm_contract_load_file(path, &c)) return fail(path);
    ncm_money *pc = malloc(5 * n * sizeof *pc), *an = malloc(5 * n * sizeof *an);
    if (!pc || !an) return 1;
    const ncm_money budget[4] = {4000000000, 3000000000, 2000000000, 1000000000};
    for (size_t i = 0; i < n; i++) {
        pc[5 * i] = 0;
        for (int k = 0; k < 4; k++) pc[5 * i + 1 + (size_t)k] = cost_of(4 * i + (size_t)k, budget[k] * 9 / 10, budget[k] / 5);
    }
    if (ncm_settler_create(c, &s)) return fail("settler");
    t0 = now();
    if (ncm_settler_run(s, 1, n, NULL, pc, NULL, NULL, NULL, an)) return fail("run");
    t1 = now();
    sum = 0;
    for (size_t i = 0; i < n; i++) sum += an[5 * i];
    printf("bulk_alliance %zu %.6f %.0f %lld\n", n, t1 - t0, (double)n / (t1 - t0), sum);
    ncm_settler_free(s);
    ncm_contract_free(c);
    free(cost);
    free(net);
    free(pc);
    free(an);
    return 0;
}
