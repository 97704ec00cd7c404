/*
 * swig/outcome.i: outcome.h.
 *
 * ncm_outcome_framework becomes OutcomeFrameworkHandle (loaded from a JSON file or JSON bytes),
 * ncm_outcome_result OutcomeResultHandle. Scoring takes the measure ids as a sequence of str and
 * the values as float64 buffers; per-measure and per-domain scores come back in caller buffers.
 * The Pythonic face is ncm/outcome.py.
 */

NCMPY_OUT_SCALAR(size_t, domain, PyLong_FromSize_t)
NCMPY_OUT_SCALAR(int, direction, PyLong_FromLong)
NCMPY_OUT_SCALAR(int, method, PyLong_FromLong)
NCMPY_OUT_SCALAR(double, total, PyFloat_FromDouble)
NCMPY_OUT_SCALAR(int, gate_met, PyLong_FromLong)
NCMPY_OUT_SCALAR(ncm_money, earned, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(ncm_money, unearned, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(int64_t, k, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(double, prob, PyFloat_FromDouble)

%ignore ncm_outcome_options;
%ignore ncm_outcome_options_init;
%ignore ncm_outcome_framework_create;
%ignore ncm_outcome_score;
%ignore ncm_outcome_result_measures;
%ignore ncm_outcome_result_domains;
%ignore ncm_withhold_settle;
%ignore ncm_oe_standardise;
%ignore ncm_oe_funnel;
%ignore ncm_outcome_framework_free;
%ignore ncm_outcome_result_free;
%rename(OutcomeFrameworkHandle) ncm_outcome_framework;
%rename(OutcomeResultHandle) ncm_outcome_result;
%nodefaultctor ncm_outcome_framework;
%nodefaultctor ncm_outcome_result;
struct ncm_outcome_framework {};
struct ncm_outcome_result {};
%extend ncm_outcome_framework {
    ~ncm_outcome_framework() { ncm_outcome_framework_free($self); }
}
%extend ncm_outcome_result {
    ~ncm_outcome_result() { ncm_outcome_result_free($self); }
}
NCMPY_OUT_HANDLE(ncm_outcome_framework)
NCMPY_OUT_HANDLE(ncm_outcome_result)
%apply (const char *IN_BYTES, size_t IN_NBYTES) { (const char *text, size_t len) };
%include "ncm/outcome.h"
%clear (const char *text, size_t len);

%apply (const char *const *IN_STRINGS, size_t IN_NSTR) { (const char *const *o_ids, size_t o_n) };
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *o_value, size_t o_nvalue) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *o_baseline, size_t o_nbaseline) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *r_points, size_t r1) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *r_ach, size_t r2) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *r_imp, size_t r3) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *r_met, size_t r4) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *d_score, size_t d1) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *d_weight, size_t d2) };
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *f_obs, size_t f_n) };
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *f_exp, size_t f_nexp) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *f_ratio, size_t f1) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *f_lo95, size_t f2) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *f_hi95, size_t f3) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *f_lo998, size_t f4) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *f_hi998, size_t f5) };
%apply (int32_t *OUT_ARRAY, size_t OUT_N) { (int32_t *f_flag, size_t f6) };

%feature("docstring") ncmpy_outcome_score
"ncmpy_outcome_score(framework, measure_ids, values, baselines_or_None) -> OutcomeResultHandle";
%feature("docstring") ncmpy_outcome_result_measures
"ncmpy_outcome_result_measures(result, points, achievement, improvement, met) -> None (buffers of measure_count)";
%feature("docstring") ncmpy_outcome_result_domains
"ncmpy_outcome_result_domains(result, score, effective_weight) -> None (buffers of domain_count)";
%feature("docstring") ncmpy_oe_funnel
"ncmpy_oe_funnel(observed, expected, ratio, lo95, hi95, lo998, hi998, flag) -> None";
%inline %{
ncm_status ncmpy_outcome_score(const ncm_outcome_framework *fw, const char *const *o_ids, size_t o_n,
                               const double *o_value, size_t o_nvalue, const double *o_baseline, size_t o_nbaseline,
                               ncm_outcome_result **out)
{
    if (o_nvalue != o_n || (o_baseline && o_nbaseline != o_n)) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_outcome_score: %zu measure ids, %zu values, %zu baselines", o_n, o_nvalue,
                   o_nbaseline);
        return NCM_ERR_INVALID;
    }
    return ncm_outcome_score(fw, o_n, o_ids, o_value, o_baseline, out);
}

ncm_status ncmpy_outcome_result_measures(const ncm_outcome_result *res, double *r_points, size_t r1, double *r_ach,
                                         size_t r2, double *r_imp, size_t r3, int32_t *r_met, size_t r4)
{
    size_t n = r1;
    if (r2 != n || r3 != n || r4 != n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_outcome_result_measures: arrays of different lengths");
        return NCM_ERR_INVALID;
    }
    int *met = (int *)malloc((n ? n : 1) * sizeof *met);
    if (!met) {
        ncmpy_fail(NCM_ERR_NOMEM, "ncm_outcome_result_measures: out of memory");
        return NCM_ERR_NOMEM;
    }
    ncm_status st = ncm_outcome_result_measures(res, r_points, r_ach, r_imp, met, n);
    if (st == NCM_OK)
        for (size_t i = 0; i < n; i++) r_met[i] = (int32_t)met[i];
    free(met);
    return st;
}

ncm_status ncmpy_outcome_result_domains(const ncm_outcome_result *res, double *d_score, size_t d1, double *d_weight,
                                        size_t d2)
{
    if (d2 != d1) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_outcome_result_domains: arrays of different lengths");
        return NCM_ERR_INVALID;
    }
    return ncm_outcome_result_domains(res, d_score, d_weight, d1);
}

ncm_status ncmpy_oe_funnel(const double *f_obs, size_t f_n, const double *f_exp, size_t f_nexp, double *f_ratio,
                           size_t f1, double *f_lo95, size_t f2, double *f_hi95, size_t f3, double *f_lo998,
                           size_t f4, double *f_hi998, size_t f5, int32_t *f_flag, size_t f6)
{
    if (f_nexp != f_n || f1 != f_n || f2 != f_n || f3 != f_n || f4 != f_n || f5 != f_n || f6 != f_n) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_oe_funnel: observed has %zu entries, expected %zu; outputs must match", f_n,
                   f_nexp);
        return NCM_ERR_INVALID;
    }
    int *flag = (int *)malloc((f_n ? f_n : 1) * sizeof *flag);
    if (!flag) {
        ncmpy_fail(NCM_ERR_NOMEM, "ncm_oe_funnel: out of memory");
        return NCM_ERR_NOMEM;
    }
    ncm_status st = ncm_oe_funnel(f_n, f_obs, f_exp, f_ratio, f_lo95, f_hi95, f_lo998, f_hi998, flag);
    if (st == NCM_OK)
        for (size_t i = 0; i < f_n; i++) f_flag[i] = (int32_t)flag[i];
    free(flag);
    return st;
}
%}
