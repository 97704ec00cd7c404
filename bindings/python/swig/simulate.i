/*
 * swig/simulate.i: simulate.h (Monte Carlo evaluation of contracts).
 *
 * ncm_scenario becomes ScenarioHandle (loaded from a file or text; the ncm_scenario_set_* setters map
 * one to one, for sweeps without re-loading), ncm_sim_results SimResultsHandle. The options struct is
 * replaced by keyword arguments of ncmpy_simulate / ncmpy_find_bid / ncmpy_deficit_at; every column
 * comes out through caller-allocated numpy buffers. The progress callback is a Python callable
 * called with (done, total) from the C worker threads with the GIL re-acquired; a true return value
 * or an exception cancels the run (the exception is re-raised in the calling thread); so does Ctrl-C
 * (KeyboardInterrupt), checked whenever the calling thread reports progress.
 * The Pythonic face is ncm/simulate.py (Scenario, simulate, SimulationResult, find_bid).
 */

%ignore ncm_sim_options;
%ignore ncm_sim_options_init;
%ignore ncm_simulate;
%ignore ncm_scenario_free;
%ignore ncm_sim_results_free;
%ignore ncm_scenario_segments;
%ignore ncm_scenario_population;
%ignore ncm_scenario_segment_place_cost;
%ignore ncm_scenario_design_contract;
%ignore ncm_sim_results_stats;
%ignore ncm_sim_results_trial_values;
%ignore ncm_sim_results_cost;
%ignore ncm_sim_results_compare;
%ignore ncm_scenario_deficit_at;
%ignore ncm_scenario_find_bid;
%ignore ncm_progress_fn;
%rename(ScenarioHandle) ncm_scenario;
%rename(SimResultsHandle) ncm_sim_results;
%nodefaultctor ncm_scenario;
%nodefaultctor ncm_sim_results;
struct ncm_scenario {};
struct ncm_sim_results {};
%extend ncm_scenario {
    ~ncm_scenario() { ncm_scenario_free($self); }
}
%extend ncm_sim_results {
    ~ncm_sim_results() { ncm_sim_results_free($self); }
}
NCMPY_OUT_HANDLE(ncm_scenario)
%include "ncm/simulate.h"

NCMPY_OUT_SCALAR(ncm_money, sim_bid_out, PyLong_FromLongLong)
NCMPY_OUT_SCALAR(double, sim_p_out, PyFloat_FromDouble)
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *sg_people, size_t n_people) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *sg_mean, size_t n_mean) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *sg_cv, size_t n_cv) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *st_value, size_t n_value) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *st_se, size_t n_se) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *tv_out, size_t n_out) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *spc_out, size_t n_spc) };
%apply (const int64_t *IN_ARRAY, size_t IN_N) { (const ncm_money *da_bids, size_t n_bids) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *da_p, size_t n_p) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *da_mean, size_t n_mean2) };

%feature("docstring") ncmpy_simulate
"ncmpy_simulate(scenario, trials, seed, threads, mode, progress) -> SimResultsHandle

ncm_simulate with the options as arguments; progress is None or a callable (done, total) -> bool
(true cancels) called from the worker threads with the GIL held.";
%feature("docstring") ncmpy_deficit_at
"ncmpy_deficit_at(scenario, design, trials, seed, threads, mode, bids, p_out, mean_out) -> None

ncm_scenario_deficit_at: P(providers' deficit over the term) and mean result at each bid (int64 minor units).";
%feature("docstring") ncmpy_find_bid
"ncmpy_find_bid(scenario, design, trials, seed, threads, mode, target, tolerance) -> [bid, p_deficit]

ncm_scenario_find_bid: the lowest bid (minor units) with P(deficit over the term) <= target.";

%newobject ncmpy_simulate;
%newobject ncmpy_scenario_design_contract_json;
%{
typedef struct ncmpy_progress_ctx {
    PyObject *callable; /* borrowed: the argument of the call, alive during it */
    PyObject *etype, *evalue, *etb;
} ncmpy_progress_ctx;

/* Called by the engine from a worker thread (never two at once), with the GIL released. */
static int ncmpy_progress_cb(void *user, uint64_t done, uint64_t total)
{
    ncmpy_progress_ctx *c = (ncmpy_progress_ctx *)user;
    int stop = 0;
    PyGILState_STATE gil = PyGILState_Ensure();
    if (c->etype) {
        stop = 1;
    } else if (PyErr_CheckSignals() < 0) { /* Ctrl-C (only ever seen on the main thread): cancel */
        PyErr_Fetch(&c->etype, &c->evalue, &c->etb);
        stop = 1;
    } else if (c->callable) {
        PyObject *r = PyObject_CallFunction(c->callable, "KK", (unsigned long long)done, (unsigned long long)total);
        if (!r) {
            PyErr_Fetch(&c->etype, &c->evalue, &c->etb);
            if (!c->etype) c->etype = PyExc_RuntimeError, Py_INCREF(c->etype);
            stop = 1;
        } else {
            int t = PyObject_IsTrue(r);
            Py_DECREF(r);
            if (t < 0) {
                PyErr_Fetch(&c->etype, &c->evalue, &c->etb);
                stop = 1;
            } else {
                stop = t;
            }
        }
    }
    PyGILState_Release(gil);
    return stop;
}

static ncm_status ncmpy_sim_opts(ncm_sim_options *o, uint64_t trials, uint64_t seed, unsigned threads, int mode)
{
    ncm_sim_options_init(o);
    o->trials = trials;
    o->seed = seed;
    o->threads = threads;
    if (mode < 0 || mode > 2) {
        ncmpy_fail(NCM_ERR_INVALID, "mode: %d is not 0 (the scenario's), 1 (segment) or 2 (person)", mode);
        return NCM_ERR_INVALID;
    }
    o->mode = (ncm_sim_mode)mode;
    return NCM_OK;
}

%}

%inline %{
ncm_sim_results *ncmpy_simulate(const ncm_scenario *sc, uint64_t trials, uint64_t seed, unsigned threads, int mode,
                                PyObject *progress)
{
    ncm_sim_options o;
    if (ncmpy_sim_opts(&o, trials, seed, threads, mode) != NCM_OK) return NULL;
    ncmpy_progress_ctx ctx = {NULL, NULL, NULL, NULL};
    /* Always installed: without a Python callable it only checks for Ctrl-C (KeyboardInterrupt
     * cancels the run when the calling thread, which runs worker 0, reports progress). */
    if (progress && progress != Py_None) ctx.callable = progress;
    o.progress = ncmpy_progress_cb;
    o.progress_user = &ctx;
    ncm_sim_results *r = NULL;
    ncm_status st = ncm_simulate(sc, &o, &r);
    if (ctx.etype) { /* the callback raised: re-raise it here (the run was cancelled) */
        PyGILState_STATE gil = PyGILState_Ensure();
        PyErr_Restore(ctx.etype, ctx.evalue, ctx.etb);
        PyGILState_Release(gil);
        ncm_sim_results_free(r);
        return NULL;
    }
    if (st != NCM_OK) {
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    return r;
}

ncm_status ncmpy_scenario_segments(const ncm_scenario *sc, double *sg_people, size_t n_people, double *sg_mean,
                                   size_t n_mean, double *sg_cv, size_t n_cv)
{
    size_t n = ncm_scenario_segment_count(sc);
    if (n_people < n || n_mean < n || n_cv < n) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_scenario_segments: %zu segments; every array needs that many", n);
        return NCM_ERR_BUFFER;
    }
    return ncm_scenario_segments(sc, sg_people, sg_mean, sg_cv, n);
}

/* Number of places of the scenario's population (0 without a population or a place column). */
size_t ncmpy_scenario_place_count(const ncm_scenario *sc)
{
    size_t places = 0;
    ncm_money one;
    if (!ncm_scenario_population(sc)) return 0;
    ncm_status st = ncm_scenario_segment_place_cost(sc, &one, 0, &places);
    (void)st;
    return places;
}

/* Name of place p of the scenario's population, or NULL. */
const char *ncmpy_scenario_place_name(const ncm_scenario *sc, size_t p)
{
    const ncm_population *pop = ncm_scenario_population(sc);
    return pop ? ncm_population_text_value(pop, NCM_TEXT_PLACE, p) : NULL;
}

ncm_status ncmpy_scenario_segment_place_cost(const ncm_scenario *sc, ncm_money *spc_out, size_t n_spc)
{
    size_t places = 0;
    return ncm_scenario_segment_place_cost(sc, spc_out, n_spc, &places);
}

/* The design's contract as canonical JSON (a copy: load it with ncm_contract_load_string). */
char *ncmpy_scenario_design_contract_json(const ncm_scenario *sc, size_t d)
{
    const ncm_contract *c = ncm_scenario_design_contract(sc, d);
    if (!c) {
        ncmpy_fail(NCM_ERR_RANGE, "design %zu: out of range (%zu designs)", d, ncm_scenario_design_count(sc));
        return NULL;
    }
    size_t len = 0;
    ncm_status st = ncm_contract_to_json(c, NULL, 0, &len);
    if (st != NCM_OK && st != NCM_ERR_BUFFER) {
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    char *buf = (char *)malloc(len + 2);
    if (!buf) {
        ncmpy_fail(NCM_ERR_NOMEM, "design contract: out of memory");
        return NULL;
    }
    st = ncm_contract_to_json(c, buf, len + 2, &len);
    if (st != NCM_OK) {
        free(buf);
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    return buf;
}

ncm_status ncmpy_sim_stats(const ncm_sim_results *r, size_t d, size_t p, unsigned year, double *st_value,
                           size_t n_value, double *st_se, size_t n_se)
{
    if (n_value < NCM_SIM_STAT_COUNT || n_se < NCM_SIM_STAT_COUNT) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_sim_results_stats: arrays need %d entries", (int)NCM_SIM_STAT_COUNT);
        return NCM_ERR_BUFFER;
    }
    return ncm_sim_results_stats(r, d, p, year, st_value, st_se, NCM_SIM_STAT_COUNT);
}

ncm_status ncmpy_sim_compare(const ncm_sim_results *r, size_t a, size_t pa, size_t b, size_t pb, unsigned year,
                             double *st_value, size_t n_value, double *st_se, size_t n_se)
{
    if (n_value < NCM_SIM_STAT_COUNT || n_se < NCM_SIM_STAT_COUNT) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_sim_results_compare: arrays need %d entries", (int)NCM_SIM_STAT_COUNT);
        return NCM_ERR_BUFFER;
    }
    return ncm_sim_results_compare(r, a, pa, b, pb, year, st_value, st_se, NCM_SIM_STAT_COUNT);
}

ncm_status ncmpy_sim_trial_values(const ncm_sim_results *r, size_t d, size_t p, unsigned year, ncm_money *tv_out,
                                  size_t n_out)
{
    return ncm_sim_results_trial_values(r, d, p, year, tv_out, n_out);
}

ncm_status ncmpy_sim_cost(const ncm_sim_results *r, unsigned year, ncm_money *tv_out, size_t n_out)
{
    return ncm_sim_results_cost(r, year, tv_out, n_out);
}

ncm_status ncmpy_deficit_at(const ncm_scenario *sc, size_t d, uint64_t trials, uint64_t seed, unsigned threads,
                            int mode, const ncm_money *da_bids, size_t n_bids, double *da_p, size_t n_p,
                            double *da_mean, size_t n_mean2)
{
    ncm_sim_options o;
    ncm_status st = ncmpy_sim_opts(&o, trials, seed, threads, mode);
    if (st != NCM_OK) return st;
    if (n_p < n_bids || n_mean2 < n_bids) {
        ncmpy_fail(NCM_ERR_BUFFER, "ncm_scenario_deficit_at: %zu bids; the output arrays need that many", n_bids);
        return NCM_ERR_BUFFER;
    }
    return ncm_scenario_deficit_at(sc, d, &o, n_bids, da_bids, da_p, da_mean);
}

ncm_status ncmpy_find_bid(const ncm_scenario *sc, size_t d, uint64_t trials, uint64_t seed, unsigned threads, int mode,
                          double target, ncm_money tolerance, ncm_money *sim_bid_out, double *sim_p_out)
{
    ncm_sim_options o;
    ncm_status st = ncmpy_sim_opts(&o, trials, seed, threads, mode);
    if (st != NCM_OK) return st;
    return ncm_scenario_find_bid(sc, d, &o, target, tolerance, sim_bid_out, sim_p_out);
}
%}
