/*
 * swig/capitation.i: capitation.h.
 *
 * The opaque ncm_budget becomes the class BudgetHandle (destructor = ncm_budget_free). Budgets are
 * built by one factory, ncmpy_budget_build(), which takes the people as flat columns (one buffer
 * per column, the level ids of all levels concatenated) and covers ncm_capitation_run(),
 * ncm_year_of_care() and ncm_budget_recalculate(); ncmpy_budget_from_population() wraps
 * ncm_capitation_population(). The other primitives (fair shares, top slices, pool shares, pace of
 * change, stop-loss, envelope schedules) take and fill caller buffers through the typemaps of
 * core.i: nothing crosses element by element. The Pythonic face is ncm/capitation.py.
 */

%{
/* New list of n str from a getter of the budget: one C loop, GIL held. */
static PyObject *ncmpy_budget_str_list(const ncm_budget *b, size_t n, size_t arg,
                                       const char *(*get)(const ncm_budget *, size_t, size_t))
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = get(b, arg, i);
        if (!s) s = "";
        PyObject *o = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
        if (!o) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    return list;
}
static const char *ncmpy_get_unit_name(const ncm_budget *b, size_t level, size_t i)
{
    return ncm_budget_unit_name(b, level, i);
}
static const char *ncmpy_get_segment_name(const ncm_budget *b, size_t unused, size_t i)
{
    (void)unused;
    return ncm_budget_segment_name(b, i);
}
static const char *ncmpy_get_level_name(const ncm_budget *b, size_t unused, size_t i)
{
    (void)unused;
    return ncm_budget_level_name(b, i);
}
static const char *ncmpy_get_line_name(const ncm_budget *b, size_t unused, size_t i)
{
    const char *name = NULL;
    (void)unused;
    return ncm_budget_line(b, i, &name, NULL) == NCM_OK ? name : "";
}
%}

/* ---------------------------------------------------------------- scalar outputs */
NCMPY_OUT_SCALAR(size_t, level, PyLong_FromSize_t)
NCMPY_OUT_SCALAR(double, expected, PyFloat_FromDouble)
NCMPY_OUT_SCALAR(ncm_money, distributable, PyLong_FromLongLong)

/* ---------------------------------------------------------------- replaced or hidden C API */
%ignore ncm_capitation_people;
%ignore ncm_capitation_people_init;
%ignore ncm_capitation_options;
%ignore ncm_capitation_options_init;
%ignore ncm_capitation_run;
%ignore ncm_capitation_population;
%ignore ncm_year_of_care;
%ignore ncm_budget_recalculate;
%ignore ncm_budget_free;
%ignore ncm_budget_person_amounts;
%ignore ncm_budget_person_weights;
%ignore ncm_budget_person_months;
%ignore ncm_budget_person_paid;
%ignore ncm_budget_units;
%ignore ncm_budget_segments;
%ignore ncm_budget_line;
%ignore ncm_fair_shares_input;
%ignore ncm_fair_shares;
%ignore ncm_top_slice;
%ignore ncm_pool_share;
%ignore ncm_pace_options;
%ignore ncm_pace_options_init;
%ignore ncm_pace_of_change;
%ignore ncm_pace_project;
%ignore ncm_stop_loss_options;
%ignore ncm_stop_loss_options_init;
%ignore ncm_stop_loss;
%ignore ncm_stop_loss_expected;
%ignore ncm_envelope_options;
%ignore ncm_envelope_options_init;
%ignore ncm_envelope_schedule;
%ignore NCM_CAPITATION_PEOPLE_INIT;
%ignore NCM_CAPITATION_OPTIONS_INIT;
%ignore NCM_FAIR_SHARES_INPUT_INIT;
%ignore NCM_PACE_OPTIONS_INIT;
%ignore NCM_STOP_LOSS_OPTIONS_INIT;
%ignore NCM_ENVELOPE_OPTIONS_INIT;

%rename(BudgetHandle) ncm_budget;
%include "ncm/capitation.h"

/* ---------------------------------------------------------------- the handle class */
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *amount_out, size_t n_amount_out), (ncm_money *paid_out, size_t n_paid_out) };
%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *people_out, size_t n_people_out) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *exposure_out, size_t n_exposure_out), (double *weighted_out, size_t n_weighted_out) };

%nodefaultctor ncm_budget;
%feature("docstring") ncm_budget "Owning handle of an ncm_budget (see ncm.Budget for the Pythonic class).";
struct ncm_budget {};

%extend ncm_budget {
    ~ncm_budget() { ncm_budget_free($self); }

    /** Per-person amounts in minor units (int64, read-only view). */
    ncmpy_span amount_array() { return ncmpy_span_make(ncm_budget_person_amounts($self), ncm_budget_people($self), 'q', 8); }
    /** Per-person amounts already paid (int64, read-only view), or None without a true-up. */
    ncmpy_span paid_array() { return ncmpy_span_make(ncm_budget_person_paid($self), ncm_budget_people($self), 'q', 8); }
    /** Per-person weights as given (float64, read-only view), or None when every weight is 1. */
    ncmpy_span weight_array() { return ncmpy_span_make(ncm_budget_person_weights($self), ncm_budget_people($self), 'd', 8); }
    /** Per-person months (float64, read-only view), or None when every person has 12. */
    ncmpy_span months_array() { return ncmpy_span_make(ncm_budget_person_months($self), ncm_budget_people($self), 'd', 8); }

    /** Fill the per-unit columns of one level (each buffer ncm_budget_unit_count() long). */
    ncm_status units_into(size_t lvl, ncm_money *amount_out, size_t n_amount_out, uint64_t *people_out,
                          size_t n_people_out, double *exposure_out, size_t n_exposure_out, double *weighted_out,
                          size_t n_weighted_out, ncm_money *paid_out, size_t n_paid_out) {
        size_t cap = ncm_budget_unit_count($self, lvl);
        if (n_amount_out != cap || n_people_out != cap || n_exposure_out != cap || n_weighted_out != cap ||
            n_paid_out != cap) {
            ncmpy_fail(NCM_ERR_BUFFER, "ncm_budget_units: every buffer must have %zu entries", cap);
            return NCM_ERR_BUFFER;
        }
        return ncm_budget_units($self, lvl, amount_out, people_out, exposure_out, weighted_out, paid_out, cap);
    }
    /** Fill the per-segment columns (each buffer ncm_budget_segment_count() long). */
    ncm_status segments_into(ncm_money *amount_out, size_t n_amount_out, uint64_t *people_out, size_t n_people_out,
                             double *exposure_out, size_t n_exposure_out, double *weighted_out, size_t n_weighted_out,
                             ncm_money *paid_out, size_t n_paid_out) {
        size_t cap = ncm_budget_segment_count($self);
        if (n_amount_out != cap || n_people_out != cap || n_exposure_out != cap || n_weighted_out != cap ||
            n_paid_out != cap) {
            ncmpy_fail(NCM_ERR_BUFFER, "ncm_budget_segments: every buffer must have %zu entries", cap);
            return NCM_ERR_BUFFER;
        }
        return ncm_budget_segments($self, amount_out, people_out, exposure_out, weighted_out, paid_out, cap);
    }
    /** Amounts of the top-slice lines (int64 buffer of ncm_budget_line_count() entries). */
    ncm_status line_amounts_into(ncm_money *amount_out, size_t n_amount_out) {
        size_t n = ncm_budget_line_count($self);
        if (n_amount_out != n) {
            ncmpy_fail(NCM_ERR_BUFFER, "ncm_budget_line: the buffer must have %zu entries", n);
            return NCM_ERR_BUFFER;
        }
        for (size_t k = 0; k < n; k++) {
            ncm_status st = ncm_budget_line($self, k, NULL, &amount_out[k]);
            if (st != NCM_OK) return st;
        }
        return NCM_OK;
    }
}

%noexception ncm_budget::unit_names;
%noexception ncm_budget::segment_names;
%noexception ncm_budget::level_names;
%noexception ncm_budget::line_names;
%extend ncm_budget {
    /** Names of the units of a level (list of str). */
    PyObject *unit_names(size_t lvl) {
        return ncmpy_budget_str_list($self, ncm_budget_unit_count($self, lvl), lvl, ncmpy_get_unit_name);
    }
    /** Names of the segments (list of str). */
    PyObject *segment_names() {
        return ncmpy_budget_str_list($self, ncm_budget_segment_count($self), 0, ncmpy_get_segment_name);
    }
    /** Names of the levels (list of str). */
    PyObject *level_names() {
        return ncmpy_budget_str_list($self, ncm_budget_level_count($self), 0, ncmpy_get_level_name);
    }
    /** Names of the top-slice lines (list of str). */
    PyObject *line_names() {
        return ncmpy_budget_str_list($self, ncm_budget_line_count($self), 0, ncmpy_get_line_name);
    }
}

/* ---------------------------------------------------------------- budget factories */
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const double *weight, size_t n_weight), (const double *months, size_t n_months),
    (const double *slice_rates, size_t n_slice_rates) };
%apply (const uint32_t *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const uint32_t *level_ids, size_t n_level_ids), (const uint32_t *segment, size_t n_segment),
    (const uint32_t *band, size_t n_band) };
%apply (const uint64_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const uint64_t *level_counts, size_t n_level_counts) };
%apply (const int64_t *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const ncm_money *slice_amounts, size_t n_slice_amounts), (const ncm_money *prices, size_t n_prices),
    (const int64_t *original_row, size_t n_original_row) };
%apply (const char *const *IN_STRINGS, size_t IN_NSTR) {
    (const char *const *level_names, size_t n_level_names), (const char *const *unit_names, size_t n_unit_names),
    (const char *const *segment_names, size_t n_segment_names),
    (const char *const *person_names, size_t n_person_names), (const char *const *slice_names, size_t n_slice_names) };

%{
/* Fill capitation options from the flat arguments; 0 or a failure with a pending exception. */
static int ncmpy_cap_options(ncm_capitation_options *o, unsigned flags, ncm_money base_rate, ncm_money envelope,
                             const char *const *slice_names, size_t n_slice_names, const ncm_money *slice_amounts,
                             size_t n_slice_amounts, const double *slice_rates, size_t n_slice_rates)
{
    ncm_capitation_options_init(o);
    o->flags = flags;
    o->base_rate = base_rate;
    o->envelope = envelope;
    if ((slice_amounts && n_slice_amounts != n_slice_names) || (slice_rates && n_slice_rates != n_slice_names)) {
        ncmpy_fail(NCM_ERR_INVALID, "slices: %zu names but %zu amounts and %zu rates", n_slice_names,
                   n_slice_amounts, n_slice_rates);
        return -1;
    }
    o->nslices = n_slice_names;
    o->slice_names = slice_names;
    o->slice_amounts = slice_amounts;
    o->slice_rates = slice_rates;
    return 0;
}
%}

%newobject ncmpy_budget_build;
%rename(ncm_budget_build) ncmpy_budget_build;
%feature("docstring") ncmpy_budget_build
"ncm_budget_build(mode, n, weight, months, level_ids, level_counts, level_names, unit_names, segment,
nsegments, segment_names, person_names, flags, base_rate, envelope, slice_names, slice_amounts,
slice_rates, prices, band, nbands, original, original_row, paid_months, new_options) -> BudgetHandle

One factory for the three ways of building a budget from columns: mode 0 = ncm_capitation_run(),
1 = ncm_year_of_care() (prices: nsegments x nbands int64, band: per-person uint32 or None),
2 = ncm_budget_recalculate() of `original` (original_row: int64 per person, -1 for joiners;
new_options 0 reuses the original's options). level_ids holds the ids of every level one after the
other (len(level_counts) x n uint32); unit_names, when given, holds sum(level_counts) names in the
same order. Amounts are int64 minor units.";
%inline %{
ncm_budget *ncmpy_budget_build(int mode, size_t n, const double *weight, size_t n_weight, const double *months,
                               size_t n_months, const uint32_t *level_ids, size_t n_level_ids,
                               const uint64_t *level_counts, size_t n_level_counts,
                               const char *const *level_names, size_t n_level_names,
                               const char *const *unit_names, size_t n_unit_names, const uint32_t *segment,
                               size_t n_segment, size_t nsegments, const char *const *segment_names,
                               size_t n_segment_names, const char *const *person_names, size_t n_person_names,
                               unsigned flags, ncm_money base_rate, ncm_money envelope,
                               const char *const *slice_names, size_t n_slice_names,
                               const ncm_money *slice_amounts, size_t n_slice_amounts, const double *slice_rates,
                               size_t n_slice_rates, const ncm_money *prices, size_t n_prices,
                               const uint32_t *band, size_t n_band, size_t nbands, const ncm_budget *original,
                               const int64_t *original_row, size_t n_original_row, double paid_months,
                               int new_options)
{
    ncm_capitation_people p;
    ncm_capitation_people_init(&p);
#define NCMPY_LEN(ptr, got, want, name)                                                                         \
    if ((ptr) && (got) != (want)) {                                                                             \
        ncmpy_fail(NCM_ERR_INVALID, "%s: %zu values for %zu people", name, (size_t)(got), (size_t)(want));      \
        return NULL;                                                                                            \
    }
    NCMPY_LEN(weight, n_weight, n, "weight")
    NCMPY_LEN(months, n_months, n, "months")
    NCMPY_LEN(segment, n_segment, n, "segment")
    NCMPY_LEN(person_names, n_person_names, n, "person_names")
    NCMPY_LEN(band, n_band, n, "band")
    NCMPY_LEN(original_row, n_original_row, n, "original_row")
#undef NCMPY_LEN
    if (n_level_counts > NCM_CAPITATION_MAX_LEVELS) {
        ncmpy_fail(NCM_ERR_INVALID, "levels: %zu levels, at most %d", n_level_counts, NCM_CAPITATION_MAX_LEVELS);
        return NULL;
    }
    if (n_level_ids != n_level_counts * n) {
        ncmpy_fail(NCM_ERR_INVALID, "level_ids: %zu values for %zu levels of %zu people", n_level_ids,
                   n_level_counts, n);
        return NULL;
    }
    if (level_names && n_level_names != n_level_counts) {
        ncmpy_fail(NCM_ERR_INVALID, "level_names: %zu names for %zu levels", n_level_names, n_level_counts);
        return NULL;
    }
    size_t total_units = 0;
    for (size_t k = 0; k < n_level_counts; k++) total_units += (size_t)level_counts[k];
    if (unit_names && n_unit_names != total_units) {
        ncmpy_fail(NCM_ERR_INVALID, "unit_names: %zu names for %zu units", n_unit_names, total_units);
        return NULL;
    }
    if (segment_names && n_segment_names != nsegments) {
        ncmpy_fail(NCM_ERR_INVALID, "segment_names: %zu names for %zu segments", n_segment_names, nsegments);
        return NULL;
    }
    p.n = n;
    p.weight = weight;
    p.months = months;
    p.nlevels = n_level_counts;
    size_t off = 0;
    for (size_t k = 0; k < n_level_counts; k++) {
        p.level_ids[k] = level_ids + k * n;
        p.level_count[k] = (size_t)level_counts[k];
        p.level_name[k] = level_names ? level_names[k] : NULL;
        p.unit_names[k] = unit_names ? unit_names + off : NULL;
        off += (size_t)level_counts[k];
    }
    p.segment = segment;
    p.nsegments = segment ? nsegments : 0;
    p.segment_names = segment ? segment_names : NULL;
    p.person_names = person_names;
    ncm_capitation_options o;
    if (ncmpy_cap_options(&o, flags, base_rate, envelope, slice_names, n_slice_names, slice_amounts,
                          n_slice_amounts, slice_rates, n_slice_rates) != 0)
        return NULL;
    ncm_budget *b = NULL;
    ncm_status st;
    if (mode == 0) {
        st = ncm_capitation_run(&p, &o, &b);
    } else if (mode == 1) {
        if (nbands == 0 || n_prices != p.nsegments * nbands) {
            ncmpy_fail(NCM_ERR_INVALID, "prices: %zu values for %zu segments x %zu bands", n_prices, p.nsegments,
                       nbands);
            return NULL;
        }
        st = ncm_year_of_care(&p, prices, band, nbands, &b);
    } else {
        if (!original_row) {
            ncmpy_fail(NCM_ERR_INVALID, "original_row: required for a recalculation");
            return NULL;
        }
        st = ncm_budget_recalculate(original, &p, original_row, paid_months, new_options ? &o : NULL, &b);
    }
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return b;
}
%}

%newobject ncmpy_budget_from_population;
%rename(ncm_budget_from_population) ncmpy_budget_from_population;
%feature("docstring") ncmpy_budget_from_population
"ncm_budget_from_population(pop, weight, flags, base_rate, envelope, slice_names, slice_amounts,
slice_rates) -> BudgetHandle

ncm_capitation_population(): levels and segments from the table, weight a float64 buffer or None.
With NCM_CAPITATION_BORROW the budget references the table and `weight`: keep both alive.";
%inline %{
ncm_budget *ncmpy_budget_from_population(const ncm_population *pop, const double *weight, size_t n_weight,
                                         unsigned flags, ncm_money base_rate, ncm_money envelope,
                                         const char *const *slice_names, size_t n_slice_names,
                                         const ncm_money *slice_amounts, size_t n_slice_amounts,
                                         const double *slice_rates, size_t n_slice_rates)
{
    if (!pop) {
        ncmpy_fail(NCM_ERR_INVALID, "population: None");
        return NULL;
    }
    if (weight && n_weight != ncm_population_size(pop)) {
        ncmpy_fail(NCM_ERR_INVALID, "weight: %zu values for %zu people", n_weight, ncm_population_size(pop));
        return NULL;
    }
    ncm_capitation_options o;
    if (ncmpy_cap_options(&o, flags, base_rate, envelope, slice_names, n_slice_names, slice_amounts,
                          n_slice_amounts, slice_rates, n_slice_rates) != 0)
        return NULL;
    ncm_budget *b = NULL;
    ncm_status st = ncm_capitation_population(pop, weight, &o, &b);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return b;
}
%}

/* ---------------------------------------------------------------- primitives on caller buffers */
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const double *unit_indices, size_t n_unit_indices), (const double *person_indices, size_t n_person_indices),
    (const double *rates, size_t n_rates), (const double *growth_by_year, size_t n_growth_by_year) };
%apply (const uint32_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const uint32_t *person_unit, size_t n_person_unit) };
%apply (const int64_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const ncm_money *amounts, size_t n_amounts) };
%apply (const double *IN_ARRAY, size_t IN_N) {
    (const double *indicators, size_t n_indicators), (const double *shares_in, size_t n_shares_in) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) {
    (const ncm_money *previous, size_t n_previous), (const ncm_money *target, size_t n_target),
    (const ncm_money *envelopes, size_t n_envelopes), (const ncm_money *cost, size_t n_cost) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) {
    (ncm_money *shares, size_t n_shares), (ncm_money *lines, size_t n_lines), (ncm_money *pay, size_t n_pay),
    (ncm_money *pots, size_t n_pots), (ncm_money *alloc, size_t n_alloc), (ncm_money *kept, size_t n_kept),
    (ncm_money *paid, size_t n_paid), (ncm_money *totals, size_t n_totals), (ncm_money *amount, size_t n_amount),
    (ncm_money *growth, size_t n_growth), (ncm_money *demographic, size_t n_demographic),
    (ncm_money *efficiency, size_t n_efficiency), (ncm_money *rebase, size_t n_rebase) };
%apply (double *OUT_ARRAY, size_t OUT_N) {
    (double *weighted, size_t n_weighted), (double *distance_before, size_t n_distance_before),
    (double *distance_after, size_t n_distance_after), (double *distance, size_t n_distance) };

%rename(ncm_fair_shares) ncmpy_fair_shares;
%rename(ncm_top_slice) ncmpy_top_slice;
%rename(ncm_pool_share) ncmpy_pool_share;
%rename(ncm_pace_of_change) ncmpy_pace_of_change;
%rename(ncm_pace_project) ncmpy_pace_project;
%rename(ncm_stop_loss) ncmpy_stop_loss;
%rename(ncm_stop_loss_expected) ncmpy_stop_loss_expected;
%rename(ncm_envelope_schedule) ncmpy_envelope_schedule;
%feature("docstring") ncmpy_fair_shares
"ncm_fair_shares(nunits, unit_indices, n_unit_index_arrays, person_unit, person_indices,
n_person_index_arrays, envelope, shares, weighted) -> None

Index arrays are concatenated: unit_indices holds n_unit_index_arrays x nunits float64 values,
person_indices n_person_index_arrays x len(person_unit). shares (int64) and weighted (float64) are
caller buffers of nunits entries.";
%feature("docstring") ncmpy_top_slice "ncm_top_slice(envelope, amounts, rates, lines) -> distributable (minor units)";
%feature("docstring") ncmpy_pool_share
"ncm_pool_share(envelope, nunits, indicators, shares_in, pay, pots) -> None (indicators: len(shares_in) x nunits float64, concatenated)";
%feature("docstring") ncmpy_pace_of_change
"ncm_pace_of_change(flags, floor, cap, ceiling, envelope, previous, target, alloc, distance_before, distance_after) -> None";
%feature("docstring") ncmpy_pace_project
"ncm_pace_project(flags, floor, cap, ceiling, previous, target, envelopes, alloc, distance) -> None (alloc and distance: years x n, row-major by year)";
%feature("docstring") ncmpy_stop_loss
"ncm_stop_loss(attachment, coinsurance, limit, aggregate_threshold, aggregate_coinsurance, expected_total, cost, kept, paid, totals) -> None (totals: 3 int64 = provider total kept, individual paid, aggregate paid)";
%feature("docstring") ncmpy_stop_loss_expected
"ncm_stop_loss_expected(attachment, coinsurance, limit, mean, cv) -> expected protection per person (minor units, float)";
%feature("docstring") ncmpy_envelope_schedule
"ncm_envelope_schedule(year1, years, growth, growth_by_year, demographic, efficiency_term, rebase_year, rebase_amount, amount, growth, demographic, efficiency, rebase) -> None";

%inline %{
ncm_status ncmpy_fair_shares(size_t nunits, const double *unit_indices, size_t n_unit_indices, size_t n_unit_arrays,
                             const uint32_t *person_unit, size_t n_person_unit, const double *person_indices,
                             size_t n_person_indices, size_t n_person_arrays, ncm_money envelope, ncm_money *shares,
                             size_t n_shares, double *weighted, size_t n_weighted)
{
    const double *ui[16], *pi[16];
    if (n_unit_arrays > 16 || n_person_arrays > 16) {
        ncmpy_fail(NCM_ERR_INVALID, "fair shares: at most 16 unit and 16 person indices");
        return NCM_ERR_INVALID;
    }
    if (n_unit_indices != n_unit_arrays * nunits) {
        ncmpy_fail(NCM_ERR_INVALID, "unit_indices: %zu values for %zu indices of %zu units", n_unit_indices,
                   n_unit_arrays, nunits);
        return NCM_ERR_INVALID;
    }
    if (n_person_indices != n_person_arrays * n_person_unit) {
        ncmpy_fail(NCM_ERR_INVALID, "person_indices: %zu values for %zu indices of %zu people", n_person_indices,
                   n_person_arrays, n_person_unit);
        return NCM_ERR_INVALID;
    }
    if (n_shares != nunits || n_weighted != nunits) {
        ncmpy_fail(NCM_ERR_BUFFER, "fair shares: output buffers must have %zu entries", nunits);
        return NCM_ERR_BUFFER;
    }
    for (size_t k = 0; k < n_unit_arrays; k++) ui[k] = unit_indices + k * nunits;
    for (size_t k = 0; k < n_person_arrays; k++) pi[k] = person_indices + k * n_person_unit;
    ncm_fair_shares_input in = NCM_FAIR_SHARES_INPUT_INIT;
    in.nunits = nunits;
    in.unit_indices = ui;
    in.n_unit_indices = n_unit_arrays;
    in.npeople = person_unit ? n_person_unit : 0;
    in.person_unit = person_unit;
    in.person_indices = pi;
    in.n_person_indices = n_person_arrays;
    return ncm_fair_shares(&in, envelope, shares, weighted, nunits);
}

ncm_status ncmpy_top_slice(ncm_money envelope, const ncm_money *amounts, size_t n_amounts, const double *rates,
                           size_t n_rates, ncm_money *lines, size_t n_lines, ncm_money *distributable)
{
    if ((amounts && n_amounts != n_lines) || (rates && n_rates != n_lines)) {
        ncmpy_fail(NCM_ERR_INVALID, "top slice: %zu lines but %zu amounts and %zu rates", n_lines, n_amounts, n_rates);
        return NCM_ERR_INVALID;
    }
    return ncm_top_slice(envelope, n_lines, amounts, rates, lines, distributable);
}

ncm_status ncmpy_pool_share(ncm_money envelope, size_t nunits, const double *indicators, size_t n_indicators,
                            const double *shares_in, size_t n_shares_in, ncm_money *pay, size_t n_pay,
                            ncm_money *pots, size_t n_pots)
{
    const double *ind[64];
    if (n_shares_in > 64 || n_indicators != n_shares_in * nunits || n_pay != nunits || n_pots != n_shares_in) {
        ncmpy_fail(NCM_ERR_INVALID, "pool share: %zu indicator values for %zu indicators (at most 64) of %zu units",
                   n_indicators, n_shares_in, nunits);
        return NCM_ERR_INVALID;
    }
    for (size_t k = 0; k < n_shares_in; k++) ind[k] = indicators + k * nunits;
    return ncm_pool_share(envelope, nunits, ind, shares_in, n_shares_in, pay, pots);
}

ncm_status ncmpy_pace_of_change(unsigned flags, double floor, double cap, double ceiling, ncm_money envelope,
                                const ncm_money *previous, size_t n_previous, const ncm_money *target,
                                size_t n_target, ncm_money *alloc, size_t n_alloc, double *distance_before,
                                size_t n_distance_before, double *distance_after, size_t n_distance_after)
{
    if (n_target != n_previous || n_alloc != n_previous || n_distance_before != n_previous ||
        n_distance_after != n_previous) {
        ncmpy_fail(NCM_ERR_INVALID, "pace of change: %zu previous allocations but %zu targets", n_previous, n_target);
        return NCM_ERR_INVALID;
    }
    ncm_pace_options o = NCM_PACE_OPTIONS_INIT;
    o.flags = flags;
    o.floor = floor;
    o.cap = cap;
    o.ceiling = ceiling;
    return ncm_pace_of_change(&o, envelope, n_previous, previous, target, alloc, distance_before, distance_after);
}

ncm_status ncmpy_pace_project(unsigned flags, double floor, double cap, double ceiling, const ncm_money *previous,
                              size_t n_previous, const ncm_money *target, size_t n_target,
                              const ncm_money *envelopes, size_t n_envelopes, ncm_money *alloc, size_t n_alloc,
                              double *distance, size_t n_distance)
{
    if (n_target != n_previous || n_alloc != n_previous * n_envelopes || n_distance != n_alloc) {
        ncmpy_fail(NCM_ERR_INVALID, "pace projection: %zu previous allocations, %zu targets, %zu years", n_previous,
                   n_target, n_envelopes);
        return NCM_ERR_INVALID;
    }
    ncm_pace_options o = NCM_PACE_OPTIONS_INIT;
    o.flags = flags;
    o.floor = floor;
    o.cap = cap;
    o.ceiling = ceiling;
    return ncm_pace_project(&o, n_previous, previous, target, envelopes, n_envelopes, alloc, distance);
}

ncm_status ncmpy_stop_loss(ncm_money attachment, double coinsurance, ncm_money limit, double aggregate_threshold,
                           double aggregate_coinsurance, ncm_money expected_total, const ncm_money *cost,
                           size_t n_cost, ncm_money *kept, size_t n_kept, ncm_money *paid, size_t n_paid,
                           ncm_money *totals, size_t n_totals)
{
    if (n_kept != n_cost || n_paid != n_cost || n_totals != 3) {
        ncmpy_fail(NCM_ERR_INVALID, "stop loss: kept and paid need %zu entries and totals 3", n_cost);
        return NCM_ERR_INVALID;
    }
    ncm_stop_loss_options o = NCM_STOP_LOSS_OPTIONS_INIT;
    o.attachment = attachment;
    o.coinsurance = coinsurance;
    o.limit = limit;
    o.aggregate_threshold = aggregate_threshold;
    o.aggregate_coinsurance = aggregate_coinsurance;
    o.expected_total = expected_total;
    return ncm_stop_loss(&o, n_cost, cost, kept, paid, &totals[0], &totals[1], &totals[2]);
}

ncm_status ncmpy_stop_loss_expected(ncm_money attachment, double coinsurance, ncm_money limit, double mean, double cv,
                                    double *expected)
{
    ncm_stop_loss_options o = NCM_STOP_LOSS_OPTIONS_INIT;
    o.attachment = attachment;
    o.coinsurance = coinsurance;
    o.limit = limit;
    return ncm_stop_loss_expected(&o, mean, cv, expected);
}

ncm_status ncmpy_envelope_schedule(ncm_money year1, size_t years, double growth_rate, const double *growth_by_year,
                                   size_t n_growth_by_year, double demographic_rate, double efficiency_term,
                                   size_t rebase_year, ncm_money rebase_amount, ncm_money *amount, size_t n_amount,
                                   ncm_money *growth, size_t n_growth, ncm_money *demographic, size_t n_demographic,
                                   ncm_money *efficiency, size_t n_efficiency, ncm_money *rebase, size_t n_rebase)
{
    if (growth_by_year && n_growth_by_year != years) {
        ncmpy_fail(NCM_ERR_INVALID, "growth_by_year: %zu rates for %zu years", n_growth_by_year, years);
        return NCM_ERR_INVALID;
    }
    if (n_amount != n_growth || n_amount != n_demographic || n_amount != n_efficiency || n_amount != n_rebase) {
        ncmpy_fail(NCM_ERR_BUFFER, "envelope schedule: output buffers of different lengths");
        return NCM_ERR_BUFFER;
    }
    ncm_envelope_options o = NCM_ENVELOPE_OPTIONS_INIT;
    o.year1 = year1;
    o.years = years;
    o.growth = growth_rate;
    o.growth_by_year = growth_by_year;
    o.demographic = demographic_rate;
    o.efficiency_term = efficiency_term;
    o.rebase_year = rebase_year;
    o.rebase_amount = rebase_amount;
    return ncm_envelope_schedule(&o, amount, growth, demographic, efficiency, rebase, n_amount);
}
%}
