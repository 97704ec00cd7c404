/* A capitated complex-care contract with two layers of stop-loss, settled from per-person costs.
 *
 * Northshire ICB pays Northshire Health Partners 100% of the contract value (1,200,000.00 in year 1,
 * +2% a year) as capitation for a complex-care cohort. Two stop-loss covers protect the provider:
 * - "high-cost cover", bought from an external reinsurer (Reliance Re) for a premium of 2% of the
 *   value: for each person costing c above 50,000.00 it pays 80% (coinsurance 20%) of
 *   min(c, 250,000.00) - 50,000.00;
 * - "aggregate cover", given by the commissioner at no premium: 50% of the provider's retained
 *   cost (after the reinsurer's recoveries) above 110% of the year's value.
 *
 * Run from the repository root (or pass the contract and the person-costs CSV):
 *   ./build/examples/example_stop_loss_complex_care \
 *       [examples/contracts/stop_loss_complex_care.json examples/contracts/stop_loss_complex_care_person_costs.csv]
 *
 * Worked by hand (also in tests/test_settle.c, test_stop_loss_example):
 *   year 1: 20 people, 1,250,000.00; above 50,000: P01 310,000 -> 0.8 x (250,000 - 50,000) = 160,000.00,
 *           P02 120,000 -> 0.8 x 70,000 = 56,000.00, P03 50,000 -> 0, P04 64,321.47 -> 0.8 x 14,321.47
 *           = 11,457.176 -> 11,457.18; individual 227,457.18. Retained 1,022,542.82 < 110% x 1,200,000
 *           = 1,320,000.00: no aggregate recovery. Premium 2% x 1,200,000 = 24,000.00.
 *   year 2: 30 people, 1,700,000.00; P01 180,000 -> 104,000.00, P05 400,000 -> 160,000.00; individual
 *           264,000.00. Retained 1,436,000.00; threshold 110% x 1,224,000 = 1,346,400.00; aggregate
 *           0.5 x 89,600 = 44,800.00. Premium 24,480.00.
 *   provider: received 2,424,000 + 227,457.18 + 264,000 + 44,800 = 2,960,257.18, paid 48,480.00,
 *           cost 2,950,000.00, result -38,222.82 (without cover: 2,424,000 - 2,950,000 = -526,000.00).
 *
 * Expected output:
 *   1  capitation          Northshire ICB -> Northshire Health Partners               1,200,000.00
 *   1  stop_loss_premium   Northshire Health Partners -> Reliance Re                     24,000.00
 *   1  stop_loss           Reliance Re -> Northshire Health Partners                    227,457.18
 *   1  stop_loss_aggregate Northshire ICB -> Northshire Health Partners                       0.00
 *   2  capitation          Northshire ICB -> Northshire Health Partners               1,224,000.00
 *   2  stop_loss_premium   Northshire Health Partners -> Reliance Re                     24,480.00
 *   2  stop_loss           Reliance Re -> Northshire Health Partners                    264,000.00
 *   2  stop_loss_aggregate Northshire ICB -> Northshire Health Partners                  44,800.00
 *
 *   party                                net income           cost         result
 *   Northshire ICB                    -2,468,800.00           0.00  -2,468,800.00
 *   Northshire Health Partners         2,911,777.18   2,950,000.00     -38,222.82
 *   Reliance Re                         -442,977.18           0.00    -442,977.18
 */
#include <stdio.h>

#include "ncm/ncm.h"

static void fmt(ncm_money v, char *b) { ncm_money_format(v, NCM_MONEY_DECIMALS, NCM_MONEY_GROUPING, b, 48); }

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, ncm_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = argc > 2 ? argv[1] : "examples/contracts/stop_loss_complex_care.json";
    const char *persons = argc > 2 ? argv[2] : "examples/contracts/stop_loss_complex_care_person_costs.csv";
    ncm_contract *c = NULL;
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    if (ncm_contract_load_file(path, &c)) return fail(path);
    if (ncm_actuals_create(c, &a)) return fail("actuals");
    if (ncm_actuals_read_person_costs_csv(a, persons)) return fail(persons);
    if (ncm_settle(c, a, NULL, &l)) return fail("settle");

    size_t n = ncm_ledger_count(l);
    unsigned year[64];
    int kind[64];
    size_t payer[64], payee[64];
    ncm_money amount[64];
    if (n > 64 || ncm_ledger_keys(l, year, kind, NULL, payer, payee, 64) ||
        ncm_ledger_amounts(l, NULL, NULL, amount, NULL, NULL, 64))
        return fail("ledger");
    for (size_t i = 0; i < n; i++) {
        char b[48], who[100];
        fmt(amount[i], b);
        snprintf(who, sizeof who, "%s -> %s", ncm_ledger_party_name(l, payer[i]), ncm_ledger_party_name(l, payee[i]));
        printf("%u  %-19s %-56s %14s\n", year[i], ncm_line_kind_name((ncm_line_kind)kind[i]), who, b);
    }
    printf("\n%-30s %16s %14s %14s\n", "party", "net income", "cost", "result");
    for (size_t p = 0; p < ncm_ledger_party_count(l); p++) {
        ncm_money in, out, cst;
        char b1[48], b2[48], b3[48];
        if (ncm_ledger_party_totals(l, 0, p, &in, &out, &cst, NULL)) return fail("totals");
        fmt(in - out, b1);
        fmt(cst, b2);
        fmt(in - out - cst, b3);
        printf("%-30s %16s %14s %14s\n", ncm_ledger_party_name(l, p), b1, b2, b3);
    }
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    return 0;
}
