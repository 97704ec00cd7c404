/* ncm settle: settle a contract against actuals into a ledger (CSV or JSON). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char ncm_cmd_settle_help[] = "settle a contract against a year's actuals into a ledger";

int ncm_cmd_settle(int argc, char **argv)
{
    const char *contract = NULL, *actuals = NULL, *outcomes = NULL, *results = NULL, *paid = NULL, *out = NULL,
               *json = NULL, *persons = NULL;
    int summary = 0;
    const cli_option opts[] = {
        {"contract", &contract, NULL, "FILE  contract JSON (schema 1) (required)"},
        {"actuals", &actuals, NULL, "FILE  actuals CSV: year,kind,name,value; kind cost|volume|member_months (required unless --person-costs)"},
        {"person-costs", &persons, NULL, "FILE  per-person costs CSV: year,person_id,cost[,party] (totals derived; needed by an individual stop_loss)"},
        {"outcomes", &outcomes, NULL, "FILE  outcome scores CSV: year,score[,component]"},
        {"results", &results, NULL, "FILE  measure results CSV scored by the contract's outcome frameworks: year,measure_id,value[,component][,baseline]"},
        {"paid", &paid, NULL, "FILE  payments already made CSV: year,component,payer,payee,amount"},
        {"out", &out, NULL, "FILE  ledger CSV to write: year,component,kind,what,payer,payee,base,rate,amount,paid,balance (required)"},
        {"json", &json, NULL, "FILE  also write the ledger as JSON (lines, per-party totals, risk-share results)"},
        {"summary", NULL, &summary, "print each party's totals for the whole statement to stdout"},
    };
    int r = cli_parse("settle", "--contract c.json --actuals a.csv [--person-costs p.csv] [--outcomes o.csv] [--results r.csv] [--paid p.csv] --out ledger.csv",
                      opts, sizeof opts / sizeof opts[0], argc, argv);
    if (r) return r < 0 ? CLI_OK : r;
    if (!contract) return cli_usage("settle", "--contract is required");
    if (!actuals && !persons) return cli_usage("settle", "--actuals (or --person-costs) is required");
    if (!out) return cli_usage("settle", "--out is required");
    ncm_contract *c = NULL;
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    ncm_status st = ncm_contract_load_file(contract, &c);
    if (!st) st = ncm_actuals_create(c, &a);
    if (!st && actuals) st = ncm_actuals_read_csv(a, actuals);
    if (!st && persons) st = ncm_actuals_read_person_costs_csv(a, persons);
    if (!st && outcomes) st = ncm_actuals_read_outcomes_csv(a, outcomes);
    if (!st && results) st = ncm_actuals_read_results_csv(a, results);
    if (!st && paid) st = ncm_actuals_read_paid_csv(a, paid);
    if (!st) st = ncm_settle(c, a, NULL, &l);
    if (!st) st = ncm_ledger_write_csv(l, out);
    if (!st && json) st = ncm_ledger_write_json(l, json);
    int rc = CLI_OK;
    if (st) {
        rc = cli_fail("settle", st);
    } else if (summary) {
        printf("party,received,paid_out,net,cost,result,balance\n");
        for (size_t p = 0; p < ncm_ledger_party_count(l); p++) {
            ncm_money in, po, cost, bal;
            if ((st = ncm_ledger_party_totals(l, 0, p, &in, &po, &cost, &bal))) {
                rc = cli_fail("settle", st);
                break;
            }
            char b[6][48];
            ncm_money v[6] = {in, po, in - po, cost, in - po - cost, bal};
            for (int i = 0; i < 6; i++) ncm_money_format(v[i], NCM_MONEY_DECIMALS, 0, b[i], sizeof b[i]);
            printf("%s,%s,%s,%s,%s,%s,%s\n", ncm_ledger_party_name(l, p), b[0], b[1], b[2], b[3], b[4], b[5]);
        }
    }
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    ncm_contract_free(c);
    return rc;
}
