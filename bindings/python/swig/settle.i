/*
 * swig/settle.i: settle.h.
 *
 * ncm_actuals becomes ActualsHandle (its setters map one to one), ncm_ledger LedgerHandle.
 * ncm_settle takes the year range as arguments; the ledger's columns come out through one call that
 * fills caller-allocated numpy buffers. The Pythonic face is ncm/settle.py (Contract.settle, Ledger).
 */

NCMPY_OUT_SCALAR(ncm_money, received, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, paid_out, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, cost, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, balance, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, base, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, variance, PyLong_FromLongLong)

%ignore ncm_settle_options;
%ignore ncm_settle_options_init;
%ignore ncm_settle;
%ignore ncm_ledger_keys;
%ignore ncm_ledger_amounts;
%ignore ncm_actuals_free;
%ignore ncm_ledger_free;
%ignore ncm_settler_create;
%ignore ncm_settler_free;
%ignore ncm_settler_run;
%ignore ncm_settler_run_persons;
%ignore ncm_settler;
%ignore ncm_actuals_score_results;
%ignore ncm_actuals_set_person_costs;
%ignore ncm_ledger_years;
%rename(ActualsHandle) ncm_actuals;
%rename(LedgerHandle) ncm_ledger;
%nodefaultctor ncm_actuals;
%nodefaultctor ncm_ledger;
struct ncm_actuals {};
struct ncm_ledger {};
%extend ncm_actuals {
    ~ncm_actuals() { ncm_actuals_free($self); }
}
%extend ncm_ledger {
    ~ncm_ledger() { ncm_ledger_free($self); }
}
NCMPY_OUT_HANDLE(ncm_actuals)
NCMPY_OUT_HANDLE(ncm_ledger)
%include "ncm/settle.h"

%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *l_year, size_t n_year) };
%apply (const char *const *IN_STRINGS, size_t IN_NSTR) { (const char *const *s_ids, size_t s_n) };
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *s_value, size_t s_nvalue) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *s_baseline, size_t s_nbaseline) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *y_out, size_t y_cap) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const int64_t *pc_cost, size_t pc_n) };
%apply (const char *const *IN_STRINGS, size_t IN_NSTR) { (const char *const *pc_party, size_t pc_nparty) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *l_kind, size_t n_kind) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *l_component, size_t n_component) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *l_payer, size_t n_payer) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *l_payee, size_t n_payee) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *l_base, size_t n_base) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *l_rate, size_t n_rate) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *l_amount, size_t n_amount) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *l_paid, size_t n_paid) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *l_balance, size_t n_balance) };
%feature("docstring") ncmpy_settle
"ncmpy_settle(contract, actuals, first_year=0, last_year=0, only_with_actuals=1) -> LedgerHandle

Settle the contract against the actuals (ncm_settle) for the year range (0 = whole term).";
%feature("docstring") ncmpy_ledger_columns
"ncmpy_ledger_columns(ledger, year, kind, component, payer, payee, base, rate, amount, paid, balance) -> None

Copy the ledger's line columns into caller buffers of ncm_ledger_count entries each (int32 year,
kind, component, payer, payee; int64 base, amount, paid, balance; float64 rate).";
%feature("docstring") ncmpy_actuals_score_results
"ncmpy_actuals_score_results(actuals, year, component_or_None, measure_ids, values, baselines_or_None) -> None

ncm_actuals_score_results: score measure results with the component's outcome framework.";
%feature("docstring") ncmpy_ledger_years
"ncmpy_ledger_years(ledger, out) -> int

The settled years into a writable int32 buffer (at least ncm_ledger_count + 50 entries is always
enough); returns how many.";
%feature("docstring") ncmpy_actuals_set_person_costs
"ncmpy_actuals_set_person_costs(actuals, year, costs, parties_or_None) -> None

ncm_actuals_set_person_costs: the year's per-person costs (int64 minor units) and, optionally, the
party each person's cost is attributed to (a sequence of str of the same length).";
%inline %{
ncm_status ncmpy_actuals_set_person_costs(ncm_actuals *a, unsigned year, const int64_t *pc_cost, size_t pc_n,
                                          const char *const *pc_party, size_t pc_nparty)
{
    if (pc_party && pc_nparty != pc_n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_actuals_set_person_costs: %zu costs but %zu parties", pc_n, pc_nparty);
        return NCM_ERR_INVALID;
    }
    return ncm_actuals_set_person_costs(a, year, pc_n, pc_cost, pc_party);
}

ncm_status ncmpy_actuals_score_results(ncm_actuals *a, unsigned year, const char *component, const char *const *s_ids,
                                       size_t s_n, const double *s_value, size_t s_nvalue, const double *s_baseline,
                                       size_t s_nbaseline)
{
    if (s_nvalue != s_n || (s_baseline && s_nbaseline != s_n)) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_actuals_score_results: %zu measure ids, %zu values, %zu baselines", s_n,
                   s_nvalue, s_nbaseline);
        return NCM_ERR_INVALID;
    }
    return ncm_actuals_score_results(a, year, component, s_n, s_ids, s_value, s_baseline);
}

long ncmpy_ledger_years(const ncm_ledger *l, int32_t *y_out, size_t y_cap)
{
    unsigned years[NCM_CONTRACT_MAX_YEARS];
    size_t count = 0;
    ncm_status st = ncm_ledger_years(l, years, NCM_CONTRACT_MAX_YEARS, &count);
    if (st != NCM_OK) {
        ncmpy_raise_status(st, ncm_last_error());
        return -1;
    }
    if (count > y_cap) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_ledger_years: %zu years, buffer of %zu", count, y_cap);
        return -1;
    }
    for (size_t i = 0; i < count; i++) y_out[i] = (int32_t)years[i];
    return (long)count;
}

ncm_status ncmpy_settle(const ncm_contract *c, const ncm_actuals *a, unsigned first_year, unsigned last_year,
                        int only_with_actuals, ncm_ledger **out)
{
    ncm_settle_options o = NCM_SETTLE_OPTIONS_INIT;
    o.first_year = first_year;
    o.last_year = last_year;
    o.only_with_actuals = only_with_actuals;
    return ncm_settle(c, a, &o, out);
}

ncm_status ncmpy_ledger_columns(const ncm_ledger *l, int32_t *l_year, size_t n_year, int32_t *l_kind, size_t n_kind,
                                int32_t *l_component, size_t n_component, int32_t *l_payer, size_t n_payer,
                                int32_t *l_payee, size_t n_payee, ncm_money *l_base, size_t n_base, double *l_rate,
                                size_t n_rate, ncm_money *l_amount, size_t n_amount, ncm_money *l_paid, size_t n_paid,
                                ncm_money *l_balance, size_t n_balance)
{
    size_t n = ncm_ledger_count(l);
    if (n_year < n || n_kind < n || n_component < n || n_payer < n || n_payee < n || n_base < n || n_rate < n ||
        n_amount < n || n_paid < n || n_balance < n) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_ledger_columns: the ledger has %zu lines; every array needs that many", n);
        return NCM_ERR_BUFFER;
    }
    if (n == 0) return NCM_OK;
    unsigned *y = (unsigned *)malloc(n * sizeof *y);
    int *k = (int *)malloc(n * sizeof *k);
    size_t *c = (size_t *)malloc(3 * n * sizeof *c);
    if (!y || !k || !c) {
        free(y); free(k); free(c);
        ncmpy_fail(NCM_ERR_NOMEM, "ncm_ledger_columns: out of memory");
        return NCM_ERR_NOMEM;
    }
    ncm_status st = ncm_ledger_keys(l, y, k, c, c + n, c + 2 * n, n);
    if (st == NCM_OK) st = ncm_ledger_amounts(l, l_base, l_rate, l_amount, l_paid, l_balance, n);
    if (st == NCM_OK) {
        for (size_t i = 0; i < n; i++) {
            l_year[i] = (int32_t)y[i];
            l_kind[i] = (int32_t)k[i];
            l_component[i] = (int32_t)c[i];
            l_payer[i] = (int32_t)c[n + i];
            l_payee[i] = (int32_t)c[2 * n + i];
        }
    }
    free(y); free(k); free(c);
    return st;
}
%}
