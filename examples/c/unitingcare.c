/* A UnitingCare-style 5-year older people's contract (Cambridgeshire and Peterborough, 2015):
 * year-of-care capitation with an outcome pot of 15% of value from year 3 (carved out of the
 * capitation, earned at an outcome score of 0.8), 10m of transformation funding in years 1-2, and
 * VAT borne by the provider and unfunded (illustrative: 20% on 5% of the payments).
 *
 * The same contract is settled at the winning bid (726m) and at the commissioner's cap (752m)
 * against one cost path: the cap's yearly values (what the care was expected to cost, already
 * assuming a 10% reduction) plus the 5m a year spent on transformation. The table shows the
 * year-by-year gap between the provider's income and its cost.
 *
 * Run from the repository root (or pass the two contract paths):
 *   ./build/examples/example_unitingcare [bid.json cap.json]
 *
 * Every figure is worked by hand in tests/test_settle.c (test_unitingcare).
 *
 * Expected output:
 *   Ledger at the bid of 726m:
 *      1  year-of-care capitation  capitation 100% of the year's value                        -> UnitingCare Partnership   140,000,000.00
 *      1  transformation           transformation funding                                     -> UnitingCare Partnership     5,000,000.00
 *      1  VAT                      VAT 20% on "year-of-care capitation" borne by the provider -> HMRC                        1,400,000.00
 *      2  year-of-care capitation  capitation 100% of the year's value                        -> UnitingCare Partnership   143,000,000.00
 *      2  transformation           transformation funding                                     -> UnitingCare Partnership     5,000,000.00
 *      2  VAT                      VAT 20% on "year-of-care capitation" borne by the provider -> HMRC                        1,430,000.00
 *      3  year-of-care capitation  capitation 100% of the year's value less the outcome pot   -> UnitingCare Partnership   123,250,000.00
 *      3  transformation           transformation funding                                     -> UnitingCare Partnership             0.00
 *      3  outcome payments         outcome pot 15% of value earned at score 0.8               -> UnitingCare Partnership    17,400,000.00
 *      3  VAT                      VAT 20% on "year-of-care capitation" borne by the provider -> HMRC                        1,232,500.00
 *      3  VAT                      VAT 20% on "outcome payments" borne by the provider        -> HMRC                          174,000.00
 *      4  year-of-care capitation  capitation 100% of the year's value less the outcome pot   -> UnitingCare Partnership   125,800,000.00
 *      4  transformation           transformation funding                                     -> UnitingCare Partnership             0.00
 *      4  outcome payments         outcome pot 15% of value earned at score 0.8               -> UnitingCare Partnership    17,760,000.00
 *      4  VAT                      VAT 20% on "year-of-care capitation" borne by the provider -> HMRC                        1,258,000.00
 *      4  VAT                      VAT 20% on "outcome payments" borne by the provider        -> HMRC                          177,600.00
 *      5  year-of-care capitation  capitation 100% of the year's value less the outcome pot   -> UnitingCare Partnership   127,500,000.00
 *      5  transformation           transformation funding                                     -> UnitingCare Partnership             0.00
 *      5  outcome payments         outcome pot 15% of value earned at score 0.8               -> UnitingCare Partnership    18,000,000.00
 *      5  VAT                      VAT 20% on "year-of-care capitation" borne by the provider -> HMRC                        1,275,000.00
 *      5  VAT                      VAT 20% on "outcome payments" borne by the provider        -> HMRC                          180,000.00
 *
 *   year               cost    income at bid       gap at bid    income at cap       gap at cap
 *   1        150,000,000.00   143,600,000.00    -6,400,000.00   148,550,000.00    -1,450,000.00
 *   2        153,000,000.00   146,570,000.00    -6,430,000.00   151,520,000.00    -1,480,000.00
 *   3        151,000,000.00   139,243,500.00   -11,756,500.00   145,005,300.00    -5,994,700.00
 *   4        153,000,000.00   142,124,400.00   -10,875,600.00   146,925,900.00    -6,074,100.00
 *   5        155,000,000.00   144,045,000.00   -10,955,000.00   148,846,500.00    -6,153,500.00
 *   total    762,000,000.00   715,582,900.00   -46,417,100.00   740,847,700.00   -21,152,300.00
 */
#include <stdio.h>

#include "ncm/ncm.h"

static void fmt(ncm_money v, char *b) { ncm_money_format(v, NCM_MONEY_DECIMALS, NCM_MONEY_GROUPING, b, 48); }

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, ncm_last_error());
    return 1;
}

static const ncm_money cost[5] = {15000000000, 15300000000, 15100000000, 15300000000, 15500000000};

static int settle(const char *path, ncm_contract **c, ncm_ledger **l)
{
    ncm_actuals *a = NULL;
    if (ncm_contract_load_file(path, c)) return fail(path);
    if (ncm_actuals_create(*c, &a)) return fail("actuals");
    for (unsigned y = 1; y <= 5; y++) {
        if (ncm_actuals_set_cost(a, y, "UnitingCare Partnership", cost[y - 1])) return fail("cost");
        if (y >= 3 && ncm_actuals_set_score(a, y, NULL, 0.8)) return fail("score");
    }
    if (ncm_settle(*c, a, NULL, l)) return fail("settle");
    ncm_actuals_free(a);
    return 0;
}

static void print_ledger(const ncm_ledger *l)
{
    size_t n = ncm_ledger_count(l);
    unsigned year[64];
    size_t comp[64], payee[64];
    ncm_money amount[64];
    if (n > 64 || ncm_ledger_keys(l, year, NULL, comp, NULL, payee, 64) ||
        ncm_ledger_amounts(l, NULL, NULL, amount, NULL, NULL, 64))
        return;
    for (size_t i = 0; i < n; i++) {
        char b[48];
        fmt(amount[i], b);
        printf("%4u  %-24s %-58s -> %-24s %15s\n", year[i], ncm_ledger_component_name(l, comp[i]),
               ncm_ledger_what(l, i), ncm_ledger_party_name(l, payee[i]), b);
    }
}

int main(int argc, char **argv)
{
    const char *bid_path = argc > 2 ? argv[1] : "examples/contracts/unitingcare_bid.json";
    const char *cap_path = argc > 2 ? argv[2] : "examples/contracts/unitingcare_cap.json";
    ncm_contract *bid = NULL, *cap = NULL;
    ncm_ledger *lb = NULL, *lc = NULL;
    if (settle(bid_path, &bid, &lb) || settle(cap_path, &cap, &lc)) return 1;
    printf("Ledger at the bid of 726m:\n");
    print_ledger(lb);
    size_t pb, pc;
    if (ncm_contract_find_party(bid, "UnitingCare Partnership", &pb) ||
        ncm_contract_find_party(cap, "UnitingCare Partnership", &pc))
        return fail("party");
    printf("\n%-6s %16s %16s %16s %16s %16s\n", "year", "cost", "income at bid", "gap at bid", "income at cap",
           "gap at cap");
    for (unsigned i = 1; i <= 6; i++) {
        unsigned y = i == 6 ? 0 : i; /* years 1-5, then 0 = the whole term */
        ncm_money ib, ob, ic, oc, cb, cc;
        if (ncm_ledger_party_totals(lb, y, pb, &ib, &ob, &cb, NULL) || ncm_ledger_party_totals(lc, y, pc, &ic, &oc, &cc, NULL))
            return fail("totals");
        char b[5][48];
        fmt(cb, b[0]);
        fmt(ib - ob, b[1]);
        fmt(ib - ob - cb, b[2]);
        fmt(ic - oc, b[3]);
        fmt(ic - oc - cc, b[4]);
        char label[8];
        snprintf(label, sizeof label, "%u", y);
        printf("%-6s %16s %16s %16s %16s %16s\n", y ? label : "total", b[0], b[1], b[2], b[3], b[4]);
    }
    ncm_ledger_free(lb);
    ncm_ledger_free(lc);
    ncm_contract_free(bid);
    ncm_contract_free(cap);
    return 0;
}
