/* Bedfordshire MSK prime contract (Circle, 2014): settle five years and print the ledger.
 *
 * Year-1 budget 26.5m rising 1.3% a year; 95% paid up front, 2.5% management fee on top; the
 * surplus on the up-front payment is kept whole up to 5% of that payment and split 50/50 beyond;
 * a deficit is borne wholly by the prime. Cost path: 23.0m, 25.0m, 26.5m, 24.0m, 22.5m.
 *
 * Run from the repository root (or pass the contract path):
 *   ./build/examples/example_bedfordshire_msk [examples/contracts/bedfordshire_msk.json]
 *
 * Every figure is worked by hand in tests/test_settle.c (test_bedfordshire).
 *
 * Expected output:
 *   year  line                                                            payer -> payee                        amount
 *      1  up-front payment: 95% of the year's value                       Bedfordshire CCG -> Circle     25,175,000.00
 *      1  management fee: management fee 2.5% of the year's value         Bedfordshire CCG -> Circle        662,500.00
 *      1  risk/gain share: surplus band [0%, 5%): commissioner 0%         Circle -> Bedfordshire CCG              0.00
 *      1  risk/gain share: surplus band [5%, inf): commissioner 50%       Circle -> Bedfordshire CCG        458,125.00
 *      2  up-front payment: 95% of the year's value                       Bedfordshire CCG -> Circle     25,502,275.00
 *      2  management fee: management fee 2.5% of the year's value         Bedfordshire CCG -> Circle        671,112.50
 *      2  risk/gain share: surplus band [0%, 5%): commissioner 0%         Circle -> Bedfordshire CCG              0.00
 *      3  up-front payment: 95% of the year's value                       Bedfordshire CCG -> Circle     25,833,804.58
 *      3  management fee: management fee 2.5% of the year's value         Bedfordshire CCG -> Circle        679,836.96
 *      3  risk/gain share: deficit band [0%, inf): commissioner 0%        Circle -> Bedfordshire CCG              0.00
 *      4  up-front payment: 95% of the year's value                       Bedfordshire CCG -> Circle     26,169,644.03
 *      4  management fee: management fee 2.5% of the year's value         Bedfordshire CCG -> Circle        688,674.84
 *      4  risk/gain share: surplus band [0%, 5%): commissioner 0%         Circle -> Bedfordshire CCG              0.00
 *      4  risk/gain share: surplus band [5%, inf): commissioner 50%       Circle -> Bedfordshire CCG        430,580.91
 *      5  up-front payment: 95% of the year's value                       Bedfordshire CCG -> Circle     26,509,849.41
 *      5  management fee: management fee 2.5% of the year's value         Bedfordshire CCG -> Circle        697,627.62
 *      5  risk/gain share: surplus band [0%, 5%): commissioner 0%         Circle -> Bedfordshire CCG              0.00
 *      5  risk/gain share: surplus band [5%, inf): commissioner 50%       Circle -> Bedfordshire CCG      1,342,178.47
 *
 *   year 1: surplus 2,175,000.00: provider keeps 1,716,875.00 of surplus and returns 458,125.00
 *   year 2: surplus 502,275.00: provider keeps 502,275.00 of surplus and returns 0.00
 *   year 3: deficit 666,195.42: provider bears 666,195.42 and the commissioner 0.00
 *   year 4: surplus 2,169,644.03: provider keeps 1,739,063.12 of surplus and returns 430,580.91
 *   year 5: surplus 4,009,849.41: provider keeps 2,667,670.94 of surplus and returns 1,342,178.47
 *   five years: Circle is paid 130,359,440.56 net for costs of 121,000,000.00: result 9,359,440.56
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
    const char *path = argc > 1 ? argv[1] : "examples/contracts/bedfordshire_msk.json";
    ncm_contract *c = NULL;
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    if (ncm_contract_load_file(path, &c)) return fail(path);
    if (ncm_actuals_create(c, &a)) return fail("actuals");
    const ncm_money cost[5] = {2300000000, 2500000000, 2650000000, 2400000000, 2250000000};
    for (unsigned y = 1; y <= 5; y++)
        if (ncm_actuals_set_cost(a, y, NULL, cost[y - 1])) return fail("cost");
    if (ncm_settle(c, a, NULL, &l)) return fail("settle");

    size_t n = ncm_ledger_count(l);
    unsigned year[64];
    size_t comp[64], payer[64], payee[64];
    ncm_money amount[64];
    if (n > 64 || ncm_ledger_keys(l, year, NULL, comp, payer, payee, 64) ||
        ncm_ledger_amounts(l, NULL, NULL, amount, NULL, NULL, 64))
        return fail("ledger");
    printf("%-4s  %-62s  %-28s  %14s\n", "year", "line", "payer -> payee", "amount");
    for (size_t i = 0; i < n; i++) {
        char line[160], who[80], b[48];
        snprintf(line, sizeof line, "%s: %s", ncm_ledger_component_name(l, comp[i]), ncm_ledger_what(l, i));
        snprintf(who, sizeof who, "%s -> %s", ncm_ledger_party_name(l, payer[i]), ncm_ledger_party_name(l, payee[i]));
        fmt(amount[i], b);
        printf("%4u  %-62s  %-28s  %14s\n", year[i], line, who, b);
    }
    size_t rs, circle;
    if (ncm_contract_find_component(c, "risk/gain share", &rs) || ncm_contract_find_party(c, "Circle", &circle))
        return fail("lookup");
    printf("\n");
    for (unsigned y = 1; y <= 5; y++) {
        ncm_money var, kept, ret;
        char b1[48], b2[48], b3[48];
        if (ncm_ledger_risk(l, y, rs, NULL, &var, &kept, &ret)) return fail("risk");
        fmt(var < 0 ? -var : var, b1);
        fmt(var < 0 ? -kept : kept, b2);
        fmt(var < 0 ? -ret : ret, b3);
        if (var >= 0)
            printf("year %u: surplus %s: provider keeps %s of surplus and returns %s\n", y, b1, b2, b3);
        else
            printf("year %u: deficit %s: provider bears %s and the commissioner %s\n", y, b1, b2, b3);
    }
    ncm_money in, out, cst;
    char b1[48], b2[48], b3[48];
    if (ncm_ledger_party_totals(l, 0, circle, &in, &out, &cst, NULL)) return fail("totals");
    fmt(in - out, b1);
    fmt(cst, b2);
    fmt(in - out - cst, b3);
    printf("five years: Circle is paid %s net for costs of %s: result %s\n", b1, b2, b3);
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    return 0;
}
