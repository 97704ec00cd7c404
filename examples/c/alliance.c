/* An alliance of four providers sharing a system gain (year 1) and a system loss (year 2).
 *
 * Each member keeps its own contract value (40/30/20/10% of 100m a year, paid up front as its budget).
 * The system result (sum of budgets minus sum of costs) is shared 50/50 with the commissioner, and the
 * members' half is split in proportion to contract value. Each member's own variance is pooled first,
 * so a member that overspent is made whole from the pool and one that underspent pays in.
 *
 * Run from the repository root (or pass the contract path):
 *   ./build/examples/example_alliance [examples/contracts/alliance_four.json]
 *
 * Every figure is worked by hand in tests/test_settle.c (test_alliance_by_value).
 *
 * Expected output:
 *   1  upfront     100% of the year's value                                       Commissioner -> Acute Trust           40,000,000.00
 *   1  upfront     100% of the year's value                                       Commissioner -> Community Trust       30,000,000.00
 *   1  upfront     100% of the year's value                                       Commissioner -> Mental Health Trust   20,000,000.00
 *   1  upfront     100% of the year's value                                       Commissioner -> GP Federation         10,000,000.00
 *   1  risk_pool   own surplus (budget less cost) paid into the pool              Acute Trust -> Commissioner            2,000,000.00
 *   1  risk_pool   own surplus (budget less cost) paid into the pool              Community Trust -> Commissioner        1,000,000.00
 *   1  risk_pool   own deficit (cost less budget) met from the pool               Commissioner -> Mental Health Trust    1,000,000.00
 *   1  risk_pool   own surplus (budget less cost) paid into the pool              GP Federation -> Commissioner          1,500,000.00
 *   1  risk_member split of the members' share of the system gain (weight 0.4)    Commissioner -> Acute Trust              700,000.00
 *   1  risk_member split of the members' share of the system gain (weight 0.3)    Commissioner -> Community Trust          525,000.00
 *   1  risk_member split of the members' share of the system gain (weight 0.2)    Commissioner -> Mental Health Trust      350,000.00
 *   1  risk_member split of the members' share of the system gain (weight 0.1)    Commissioner -> GP Federation            175,000.00
 *   2  upfront     100% of the year's value                                       Commissioner -> Acute Trust           40,000,000.00
 *   2  upfront     100% of the year's value                                       Commissioner -> Community Trust       30,000,000.00
 *   2  upfront     100% of the year's value                                       Commissioner -> Mental Health Trust   20,000,000.00
 *   2  upfront     100% of the year's value                                       Commissioner -> GP Federation         10,000,000.00
 *   2  risk_pool   own deficit (cost less budget) met from the pool               Commissioner -> Acute Trust            2,000,000.00
 *   2  risk_pool   own deficit (cost less budget) met from the pool               Commissioner -> Community Trust        1,000,000.00
 *   2  risk_pool   own surplus (budget less cost) paid into the pool              Mental Health Trust -> Commissioner    1,000,000.00
 *   2  risk_pool   own deficit (cost less budget) met from the pool               Commissioner -> GP Federation          1,000,000.00
 *   2  risk_member split of the members' share of the system loss (weight 0.4)    Acute Trust -> Commissioner              600,000.00
 *   2  risk_member split of the members' share of the system loss (weight 0.3)    Community Trust -> Commissioner          450,000.00
 *   2  risk_member split of the members' share of the system loss (weight 0.2)    Mental Health Trust -> Commissioner      300,000.00
 *   2  risk_member split of the members' share of the system loss (weight 0.1)    GP Federation -> Commissioner            150,000.00
 *
 *   year 1: system variance 3,500,000.00: members 1,750,000.00, commissioner 1,750,000.00
 *     member                   net income           cost         result
 *     Acute Trust           38,700,000.00  38,000,000.00     700,000.00
 *     Community Trust       29,525,000.00  29,000,000.00     525,000.00
 *     Mental Health Trust   21,350,000.00  21,000,000.00     350,000.00
 *     GP Federation          8,675,000.00   8,500,000.00     175,000.00
 *
 *   year 2: system variance -3,000,000.00: members -1,500,000.00, commissioner -1,500,000.00
 *     member                   net income           cost         result
 *     Acute Trust           41,400,000.00  42,000,000.00    -600,000.00
 *     Community Trust       30,550,000.00  31,000,000.00    -450,000.00
 *     Mental Health Trust   18,700,000.00  19,000,000.00    -300,000.00
 *     GP Federation         10,850,000.00  11,000,000.00    -150,000.00
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
    const char *path = argc > 1 ? argv[1] : "examples/contracts/alliance_four.json";
    const char *member[4] = {"Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"};
    const ncm_money cost[2][4] = {{3800000000, 2900000000, 2100000000, 850000000},
                                  {4200000000, 3100000000, 1900000000, 1100000000}};
    ncm_contract *c = NULL;
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    if (ncm_contract_load_file(path, &c)) return fail(path);
    if (ncm_actuals_create(c, &a)) return fail("actuals");
    for (unsigned y = 1; y <= 2; y++)
        for (int m = 0; m < 4; m++)
            if (ncm_actuals_set_cost(a, y, member[m], cost[y - 1][m])) return fail("cost");
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
        char b[48], who[80];
        fmt(amount[i], b);
        snprintf(who, sizeof who, "%s -> %s", ncm_ledger_party_name(l, payer[i]), ncm_ledger_party_name(l, payee[i]));
        printf("%u  %-11s %-62s %-36s %14s\n", year[i], ncm_line_kind_name((ncm_line_kind)kind[i]), ncm_ledger_what(l, i),
               who, b);
    }
    size_t rs;
    if (ncm_contract_find_component(c, "alliance risk/gain share", &rs)) return fail("component");
    for (unsigned y = 1; y <= 2; y++) {
        ncm_money var, prov, comm;
        char b1[48], b2[48], b3[48];
        if (ncm_ledger_risk(l, y, rs, NULL, &var, &prov, &comm)) return fail("risk");
        fmt(var, b1);
        fmt(prov, b2);
        fmt(comm, b3);
        printf("\nyear %u: system variance %s: members %s, commissioner %s\n", y, b1, b2, b3);
        printf("  %-20s %14s %14s %14s\n", "member", "net income", "cost", "result");
        for (int m = 0; m < 4; m++) {
            size_t p;
            ncm_money in, out, cst;
            if (ncm_contract_find_party(c, member[m], &p) || ncm_ledger_party_totals(l, y, p, &in, &out, &cst, NULL))
                return fail("totals");
            fmt(in - out, b1);
            fmt(cst, b2);
            fmt(in - out - cst, b3);
            printf("  %-20s %14s %14s %14s\n", member[m], b1, b2, b3);
        }
    }
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    return 0;
}
