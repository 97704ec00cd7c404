/* Scenarios for the Monte Carlo engine: loading, validating and writing "ncm.scenario/1" documents,
 * and scaling a contract to a bid. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncm/simulate.h"
#include "ncm/synth.h"
#include "internal/json.h"
#include "internal/outcome_impl.h"
#include "internal/outcome_json.h"
#include "internal/simulate_impl.h"

/* ------------------------------------------------------------------ helpers */

ncm_status ncmi_wrap_error(ncm_status st, const char *fmt, ...)
{
    char prev[768], prefix[512];
    snprintf(prev, sizeof prev, "%s", ncm_last_error()); /* copy first: the message buffer is reused */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    return ncmi_error(st, "%s: %s", prefix, prev);
}

typedef struct ctx {
    const char *file;
    const char *base_dir;
} ctx;

static ncm_status get_real(const ctx *cx, const json_t *obj, const char *where, const char *key, double lo, double hi,
                           double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return NCM_OK;
    double x;
    if (ncmi_json_get_number(v, &x))
        return ncmi_error(NCM_ERR_PARSE, "%s: %s%s%s: not a number", cx->file, where, *where ? "." : "", key);
    if (!isfinite(x) || x < lo || x > hi)
        return ncmi_error(NCM_ERR_RANGE, "%s: %s%s%s: %g is outside [%g, %g]", cx->file, where, *where ? "." : "",
                          key, x, lo, hi);
    *out = x;
    return NCM_OK;
}

static ncm_status get_money_key(const ctx *cx, const json_t *obj, const char *where, const char *key, ncm_money *out,
                                int *has)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return NCM_OK;
    ncm_money m;
    if (!json_is_string(v) || ncm_money_parse(json_string_value(v), NCM_MONEY_DECIMALS, 0, &m) != NCM_OK)
        return ncmi_error(NCM_ERR_PARSE, "%s: %s.%s: not an amount (give a string such as \"1234.56\")", cx->file,
                          where, key);
    if (m < 0) return ncmi_error(NCM_ERR_RANGE, "%s: %s.%s: %s is negative", cx->file, where, key, json_string_value(v));
    *out = m;
    if (has) *has = 1;
    return NCM_OK;
}

static ncm_status check_keys(const ctx *cx, const json_t *obj, const char *where, const char *const *keys)
{
    if (!json_is_object(obj)) return ncmi_error(NCM_ERR_PARSE, "%s: %s: expected an object", cx->file, where);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        int ok = 0;
        for (size_t i = 0; keys[i]; i++)
            if (strcmp(k, keys[i]) == 0) ok = 1;
        if (!ok) return ncmi_error(NCM_ERR_PARSE, "%s: %s: unknown key \"%s\"", cx->file, where, k);
    }
    return NCM_OK;
}

void ncmi_scenario_destroy(ncm_scenario *sc)
{
    if (!sc) return;
    ncmi_free(sc->name);
    ncm_population_free(sc->pop);
    if (sc->pop_spec) json_decref(sc->pop_spec);
    ncmi_free(sc->person_segment);
    for (size_t i = 0; i < sc->nsegs; i++) {
        ncmi_free(sc->segs[i].name);
        ncmi_free(sc->segs[i].pool);
    }
    ncmi_free(sc->segs);
    for (size_t i = 0; i < sc->nshocks; i++) ncmi_free(sc->shocks[i].name);
    ncmi_free(sc->shocks);
    for (size_t i = 0; i < sc->ndesigns; i++) {
        ncmi_free(sc->designs[i].name);
        ncm_contract_free(sc->designs[i].contract);
        ncmi_free(sc->designs[i].contract_file);
        ncmi_free(sc->designs[i].cost_share);
    }
    ncmi_free(sc->designs);
    ncm_outcome_framework_free(sc->fw);
    ncmi_free(sc->fw_file);
    ncmi_free(sc->mmodel);
    ncmi_free(sc);
}

void ncm_scenario_free(ncm_scenario *sc) { ncmi_scenario_destroy(sc); }

/* ------------------------------------------------------------------ parts */

static ncm_status parse_population(const ctx *cx, ncm_scenario *sc, const json_t *p)
{
    static const char *const keys[] = {"synth", "csv", "cost_scale", "cost_total", NULL};
    static const char *const skeys[] = {"people", "seed", "places", NULL};
    static const char *const ckeys[] = {"people", "diagnoses", NULL};
    ncm_status st;
    if ((st = check_keys(cx, p, "population", keys))) return st;
    sc->cost_scale = 1.0;
    if ((st = get_real(cx, p, "population", "cost_scale", 0, 1e6, &sc->cost_scale))) return st;
    json_t *sy = json_object_get(p, "synth"), *cv = json_object_get(p, "csv");
    if (!sy == !cv) return ncmi_error(NCM_ERR_PARSE, "%s: population: give exactly one of \"synth\" and \"csv\"", cx->file);
    if (cv) {
        if ((st = check_keys(cx, cv, "population.csv", ckeys))) return st;
        const char *pp = json_string_value(json_object_get(cv, "people"));
        const char *dp = json_string_value(json_object_get(cv, "diagnoses"));
        if (!pp) return ncmi_error(NCM_ERR_PARSE, "%s: population.csv.people: expected a file name", cx->file);
        char p1[4096], p2[4096];
        if (pp[0] == '/' || !cx->base_dir || !*cx->base_dir) snprintf(p1, sizeof p1, "%s", pp);
        else snprintf(p1, sizeof p1, "%s/%s", cx->base_dir, pp);
        if (dp) {
            if (dp[0] == '/' || !cx->base_dir || !*cx->base_dir) snprintf(p2, sizeof p2, "%s", dp);
            else snprintf(p2, sizeof p2, "%s/%s", cx->base_dir, dp);
        }
        if ((st = ncm_population_read_csv(p1, dp ? p2 : NULL, NULL, &sc->pop)))
            return ncmi_wrap_error(st, "%s: population.csv", cx->file);
        return NCM_OK;
    }
    if ((st = check_keys(cx, sy, "population.synth", skeys))) return st;
    ncm_synth_options so;
    ncm_synth_options_init(&so);
    double people = 10000, seed = 2015, places = 0;
    if ((st = get_real(cx, sy, "population.synth", "people", 1, 4e9, &people))) return st;
    if ((st = get_real(cx, sy, "population.synth", "seed", 0, 9007199254740992.0, &seed))) return st;
    if ((st = get_real(cx, sy, "population.synth", "places", 0, 1e6, &places))) return st;
    if (people != floor(people) || seed != floor(seed) || places != floor(places))
        return ncmi_error(NCM_ERR_RANGE, "%s: population.synth: people, seed and places must be whole numbers", cx->file);
    so.people = (size_t)people;
    so.seed = (uint64_t)seed;
    so.places = (size_t)places;
    if ((st = ncm_synth_population(&so, &sc->pop))) return st;
    return NCM_OK;
}

static ncm_status parse_cost(const ctx *cx, ncmi_segment *g, const json_t *c, const char *where, int have_pop)
{
    static const char *const keys[] = {"distribution", "mean", "cv", NULL};
    ncm_status st;
    char w[160];
    snprintf(w, sizeof w, "%s.cost", where);
    if ((st = check_keys(cx, c, w, keys))) return st;
    json_t *d = json_object_get(c, "distribution");
    const char *dn = d ? json_string_value(d) : "lognormal";
    if (!dn) return ncmi_error(NCM_ERR_PARSE, "%s: %s.distribution: expected a string", cx->file, w);
    if (strcmp(dn, "lognormal") == 0) g->dist = NCMI_DIST_LOGNORMAL;
    else if (strcmp(dn, "gamma") == 0) g->dist = NCMI_DIST_GAMMA;
    else if (strcmp(dn, "resample") == 0) g->dist = NCMI_DIST_RESAMPLE;
    else
        return ncmi_error(NCM_ERR_PARSE, "%s: %s.distribution: \"%s\" is not lognormal, gamma or resample", cx->file, w,
                          dn);
    ncm_money m = 0;
    if ((st = get_money_key(cx, c, w, "mean", &m, &g->has_mean))) return st;
    g->mean = (double)m;
    json_t *cvj = json_object_get(c, "cv");
    if (cvj) {
        double cv;
        if (ncmi_json_get_number(cvj, &cv)) return ncmi_error(NCM_ERR_PARSE, "%s: %s.cv: not a number", cx->file, w);
        if (!isfinite(cv) || cv < 0) return ncmi_error(NCM_ERR_RANGE, "%s: %s.cv: %g is negative", cx->file, w, cv);
        if (cv > 20) return ncmi_error(NCM_ERR_RANGE, "%s: %s.cv: %g is above 20", cx->file, w, cv);
        g->cv = cv;
        g->has_cv = 1;
    }
    if (!have_pop && (!g->has_mean || !g->has_cv))
        return ncmi_error(NCM_ERR_PARSE, "%s: %s: mean and cv are required without a population", cx->file, w);
    if (!have_pop && g->dist == NCMI_DIST_RESAMPLE)
        return ncmi_error(NCM_ERR_INVALID, "%s: %s: resample needs a population", cx->file, w);
    if (g->has_mean && g->mean <= 0 && g->dist != NCMI_DIST_RESAMPLE)
        return ncmi_error(NCM_ERR_RANGE, "%s: %s.mean: must be > 0", cx->file, w);
    return NCM_OK;
}

static ncm_status parse_segments(const ctx *cx, ncm_scenario *sc, const json_t *a)
{
    static const char *const keys[] = {"name", "min_age", "max_age", "people", "cost", NULL};
    if (!json_is_array(a) || json_array_size(a) == 0)
        return ncmi_error(NCM_ERR_PARSE, "%s: segments: expected a non-empty array", cx->file);
    size_t n = json_array_size(a);
    if (n > 4096) return ncmi_error(NCM_ERR_RANGE, "%s: segments: %zu segments (at most 4096)", cx->file, n);
    sc->segs = ncmi_calloc(n, sizeof *sc->segs);
    if (!sc->segs) return ncmi_nomem("scenario segments");
    ncm_status st;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(a, i);
        char w[128];
        snprintf(w, sizeof w, "segments[%zu]", i);
        if ((st = check_keys(cx, o, w, keys))) return st;
        const char *nm = json_string_value(json_object_get(o, "name"));
        if (!nm || !*nm) return ncmi_error(NCM_ERR_PARSE, "%s: %s: \"name\" must be a non-empty string", cx->file, w);
        snprintf(w, sizeof w, "segments[%zu] \"%.80s\"", i, nm);
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc->segs[j].name, nm) == 0)
                return ncmi_error(NCM_ERR_DUPLICATE, "%s: %s: segment named twice", cx->file, w);
        ncmi_segment *g = &sc->segs[i];
        sc->nsegs = i + 1;
        if (!(g->name = ncmi_strdup(nm))) return ncmi_nomem("segment name");
        double lo = 0, hi = 130;
        if ((st = get_real(cx, o, w, "min_age", 0, 130, &lo))) return st;
        if ((st = get_real(cx, o, w, "max_age", 0, 130, &hi))) return st;
        if (lo > hi) return ncmi_error(NCM_ERR_RANGE, "%s: %s: min_age %g is above max_age %g", cx->file, w, lo, hi);
        g->min_age = (int)lo;
        g->max_age = (int)hi;
        if (json_object_get(o, "people")) {
            if ((st = get_real(cx, o, w, "people", 0, 4e9, &g->people))) return st;
            g->has_people = 1;
        } else if (!sc->pop_spec) {
            return ncmi_error(NCM_ERR_PARSE, "%s: %s: \"people\" is required without a population", cx->file, w);
        }
        json_t *c = json_object_get(o, "cost");
        if (!c) return ncmi_error(NCM_ERR_PARSE, "%s: %s: \"cost\" is required", cx->file, w);
        if ((st = parse_cost(cx, g, c, w, sc->pop_spec != NULL))) return st;
    }
    return NCM_OK;
}

/* Assign people to segments and derive counts, means, cvs and resample pools. */
static ncm_status derive_from_population(const ctx *cx, ncm_scenario *sc, const json_t *popj)
{
    const ncm_population *pop = sc->pop;
    size_t n = ncm_population_size(pop);
    const int32_t *age = ncm_population_age(pop);
    const ncm_money *cost = ncm_population_cost(pop);
    if (!cost) return ncmi_error(NCM_ERR_INVALID, "%s: population: no annual_cost column", cx->file);
    sc->person_segment = ncmi_malloc_array(n ? n : 1, sizeof *sc->person_segment);
    double *sum = ncmi_calloc(sc->nsegs, sizeof *sum), *sum2 = ncmi_calloc(sc->nsegs, sizeof *sum2);
    size_t *cnt = ncmi_calloc(sc->nsegs, sizeof *cnt);
    ncm_status st = NCM_OK;
    if (!sc->person_segment || !sum || !sum2 || !cnt) {
        st = ncmi_nomem("scenario population");
        goto done;
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = UINT32_MAX;
        for (size_t k = 0; k < sc->nsegs; k++)
            if (age[i] >= sc->segs[k].min_age && age[i] <= sc->segs[k].max_age) {
                s = (uint32_t)k;
                break;
            }
        sc->person_segment[i] = s;
        if (s == UINT32_MAX) continue;
        double c = (double)cost[i];
        sum[s] += c;
        sum2[s] += c * c;
        cnt[s]++;
        total += c;
    }
    json_t *ct = json_object_get(popj, "cost_total");
    if (ct) {
        ncm_money m = 0;
        if ((st = get_money_key(cx, popj, "population", "cost_total", &m, NULL))) goto done;
        if (json_object_get(popj, "cost_scale")) {
            st = ncmi_error(NCM_ERR_INCONSISTENT, "%s: population: give cost_scale or cost_total, not both", cx->file);
            goto done;
        }
        if (total <= 0) {
            st = ncmi_error(NCM_ERR_RANGE, "%s: population.cost_total: the segments' people have no cost", cx->file);
            goto done;
        }
        sc->cost_scale = (double)m / total;
    }
    for (size_t k = 0; k < sc->nsegs; k++) {
        ncmi_segment *g = &sc->segs[k];
        if (!g->has_people) g->people = (double)cnt[k];
        if (cnt[k] == 0 && (!g->has_mean || !g->has_cv || g->dist == NCMI_DIST_RESAMPLE)) {
            st = ncmi_error(NCM_ERR_RANGE, "%s: segments[%zu] \"%s\": nobody in the population is aged %d-%d", cx->file,
                            k, g->name, g->min_age, g->max_age);
            goto done;
        }
        if (cnt[k]) {
            double mu = sum[k] / (double)cnt[k];
            double var = sum2[k] / (double)cnt[k] - mu * mu;
            if (!g->has_mean) g->mean = mu * sc->cost_scale;
            if (!g->has_cv) g->cv = mu > 0 && var > 0 ? sqrt(var) / mu : 0;
        }
        if (g->mean <= 0) {
            st = ncmi_error(NCM_ERR_RANGE, "%s: segments[%zu] \"%s\": mean cost is 0", cx->file, k, g->name);
            goto done;
        }
        if (g->dist == NCMI_DIST_RESAMPLE) {
            g->pool = ncmi_malloc_array(cnt[k], sizeof *g->pool);
            if (!g->pool) {
                st = ncmi_nomem("resample pool");
                goto done;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t s = sc->person_segment[i];
        if (s == UINT32_MAX || !sc->segs[s].pool) continue;
        ncmi_segment *g = &sc->segs[s];
        g->pool[g->npool++] = (double)cost[i] * sc->cost_scale;
    }
done:
    ncmi_free(sum);
    ncmi_free(sum2);
    ncmi_free(cnt);
    return st;
}

static ncm_status parse_design(const ctx *cx, ncm_scenario *sc, size_t i, const json_t *o)
{
    static const char *const keys[] = {"name", "contract", "cost_shares", "stop_loss", "cap", NULL};
    static const char *const slkeys[] = {"attachment",           "coinsurance", "limit", "aggregate_threshold",
                                         "aggregate_coinsurance", "premium_rate", NULL};
    char w[160];
    snprintf(w, sizeof w, "designs[%zu]", i);
    ncm_status st;
    if ((st = check_keys(cx, o, w, keys))) return st;
    const char *nm = json_string_value(json_object_get(o, "name"));
    if (!nm || !*nm) return ncmi_error(NCM_ERR_PARSE, "%s: %s: \"name\" must be a non-empty string", cx->file, w);
    snprintf(w, sizeof w, "designs[%zu] \"%.80s\"", i, nm);
    for (size_t j = 0; j < i; j++)
        if (strcmp(sc->designs[j].name, nm) == 0)
            return ncmi_error(NCM_ERR_DUPLICATE, "%s: %s: design named twice", cx->file, w);
    ncmi_design *d = &sc->designs[i];
    sc->ndesigns = i + 1;
    if (!(d->name = ncmi_strdup(nm))) return ncmi_nomem("design name");
    json_t *c = json_object_get(o, "contract");
    if (json_is_string(c)) {
        const char *f = json_string_value(c);
        if (!(d->contract_file = ncmi_strdup(f))) return ncmi_nomem("contract path");
        char path[4096];
        if (f[0] == '/' || !cx->base_dir || !*cx->base_dir) snprintf(path, sizeof path, "%s", f);
        else snprintf(path, sizeof path, "%s/%s", cx->base_dir, f);
        if ((st = ncm_contract_load_file(path, &d->contract)))
            return ncmi_wrap_error(st, "%s: %s: contract", cx->file, w);
    } else if (json_is_object(c)) {
        char *text = json_dumps(c, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (!text) return ncmi_nomem("contract text");
        char nmbuf[300];
        snprintf(nmbuf, sizeof nmbuf, "%s: %s.contract", cx->file, w);
        st = ncm_contract_load_string(text, nmbuf, &d->contract);
        free(text);
        if (st) return st;
    } else {
        return ncmi_error(NCM_ERR_PARSE, "%s: %s: \"contract\" must be a file name or an object", cx->file, w);
    }
    const ncm_contract *k = d->contract;
    if (ncm_contract_term(k) < sc->term)
        return ncmi_error(NCM_ERR_RANGE, "%s: %s: the contract's term (%u years) is shorter than the scenario's (%u)",
                          cx->file, w, ncm_contract_term(k), sc->term);
    for (size_t j = 0; j < ncm_contract_component_count(k); j++) {
        ncm_component_type t;
        ncm_contract_component_type(k, j, &t);
        if (t == NCM_COMPONENT_ACTIVITY)
            return ncmi_error(NCM_ERR_INVALID, "%s: %s: component \"%s\": activity volumes are not simulated",
                              cx->file, w, ncm_contract_component_name(k, j));
    }
    json_t *cs = json_object_get(o, "cost_shares");
    if (cs) {
        if (!json_is_object(cs)) return ncmi_error(NCM_ERR_PARSE, "%s: %s.cost_shares: expected an object", cx->file, w);
        size_t np = ncm_contract_party_count(k);
        if (!(d->cost_share = ncmi_calloc(np, sizeof *d->cost_share))) return ncmi_nomem("cost shares");
        const char *key;
        json_t *v;
        double tot = 0;
        json_object_foreach(cs, key, v)
        {
            size_t p;
            if (ncm_contract_find_party(k, key, &p) != NCM_OK)
                return ncmi_error(NCM_ERR_NOT_FOUND, "%s: %s.cost_shares: no party \"%s\" in the contract", cx->file, w,
                                  key);
            ncm_party_role r;
            ncm_contract_party_role(k, p, &r);
            if (r == NCM_ROLE_COMMISSIONER || r == NCM_ROLE_EXTERNAL)
                return ncmi_error(NCM_ERR_INVALID, "%s: %s.cost_shares: \"%s\" is not a provider", cx->file, w, key);
            double x;
            if (ncmi_json_get_number(v, &x) || !isfinite(x) || x < 0 || x > 1)
                return ncmi_error(NCM_ERR_RANGE, "%s: %s.cost_shares.%s: must be a number in [0, 1]", cx->file, w, key);
            d->cost_share[p] = x;
            tot += x;
        }
        if (fabs(tot - 1) > 1e-9)
            return ncmi_error(NCM_ERR_INCONSISTENT, "%s: %s.cost_shares: shares sum to %g, not 1", cx->file, w, tot);
    }
    json_t *sl = json_object_get(o, "stop_loss");
    if (sl) {
        char ws[200];
        snprintf(ws, sizeof ws, "%s.stop_loss", w);
        if ((st = check_keys(cx, sl, ws, slkeys))) return st;
        ncm_stop_loss_options_init(&d->sl);
        d->has_stop_loss = 1;
        if ((st = get_money_key(cx, sl, ws, "attachment", &d->sl.attachment, NULL))) return st;
        if ((st = get_money_key(cx, sl, ws, "limit", &d->sl.limit, NULL))) return st;
        if ((st = get_real(cx, sl, ws, "coinsurance", 0, 1, &d->sl.coinsurance))) return st;
        if ((st = get_real(cx, sl, ws, "aggregate_threshold", 0, 100, &d->sl.aggregate_threshold))) return st;
        if ((st = get_real(cx, sl, ws, "aggregate_coinsurance", 0, 1, &d->sl.aggregate_coinsurance))) return st;
        if ((st = get_real(cx, sl, ws, "premium_rate", 0, 1, &d->premium_rate))) return st;
        if (d->sl.limit && d->sl.limit <= d->sl.attachment)
            return ncmi_error(NCM_ERR_RANGE, "%s: %s.limit: must be above the attachment", cx->file, ws);
        if (!d->sl.attachment && !d->sl.aggregate_threshold)
            return ncmi_error(NCM_ERR_INVALID, "%s: %s: give an attachment or an aggregate_threshold", cx->file, ws);
    }
    if ((st = get_money_key(cx, o, w, "cap", &d->cap, &d->has_cap))) return st;
    return NCM_OK;
}

/* The per-measure outcome model: "framework" (a file name or an embedded ncm.outcomes/1 object) and
 * "measures", one distribution per measure of the framework. */
static ncm_status parse_measure_model(const ctx *cx, ncm_scenario *sc, const json_t *oc)
{
    static const char *const mk[] = {"id", "distribution", "mean", "sd", "trend", "min", "max", NULL};
    ncm_status st;
    json_t *f = json_object_get(oc, "framework");
    if (!f) return ncmi_error(NCM_ERR_PARSE, "%s: outcomes.framework: missing (the measures need a framework)", cx->file);
    if (json_is_string(f)) {
        const char *fn = json_string_value(f);
        if (!(sc->fw_file = ncmi_strdup(fn))) return ncmi_nomem("framework path");
        char path[4096];
        if (fn[0] == '/' || !cx->base_dir || !*cx->base_dir) snprintf(path, sizeof path, "%s", fn);
        else snprintf(path, sizeof path, "%s/%s", cx->base_dir, fn);
        if ((st = ncm_outcome_framework_load_json(path, &sc->fw)))
            return ncmi_wrap_error(st, "%s: outcomes.framework", cx->file);
    } else if (json_is_object(f)) {
        char where[300];
        snprintf(where, sizeof where, "%s: outcomes.framework", cx->file);
        if ((st = ncmi_outcome_framework_from_json(f, where, &sc->fw))) return st;
    } else {
        return ncmi_error(NCM_ERR_PARSE, "%s: outcomes.framework: must be a file name or an object", cx->file);
    }
    const ncm_outcome_framework *fw = sc->fw;
    size_t nm = ncm_outcome_measure_count(fw);
    if (nm > 4096) return ncmi_error(NCM_ERR_RANGE, "%s: outcomes.framework: %zu measures (at most 4096)", cx->file, nm);
    json_t *ms = json_object_get(oc, "measures");
    if (!json_is_array(ms)) return ncmi_error(NCM_ERR_PARSE, "%s: outcomes.measures: expected an array", cx->file);
    if (!(sc->mmodel = ncmi_calloc(nm, sizeof *sc->mmodel))) return ncmi_nomem("outcome measures");
    int *seen = ncmi_calloc(nm, sizeof *seen);
    if (!seen) return ncmi_nomem("outcome measures");
    st = NCM_OK;
    size_t i;
    json_t *o;
    json_array_foreach(ms, i, o)
    {
        char w[160];
        snprintf(w, sizeof w, "outcomes.measures[%zu]", i);
        if ((st = check_keys(cx, o, w, mk))) break;
        const char *id = json_string_value(json_object_get(o, "id"));
        if (!id || !*id) {
            st = ncmi_error(NCM_ERR_PARSE, "%s: %s: \"id\" must be a non-empty string", cx->file, w);
            break;
        }
        snprintf(w, sizeof w, "outcomes.measures[%zu] \"%.80s\"", i, id);
        size_t k = nm;
        for (size_t j = 0; j < nm; j++)
            if (strcmp(ncm_outcome_measure_id(fw, j), id) == 0) k = j;
        if (k == nm) {
            st = ncmi_error(NCM_ERR_NOT_FOUND, "%s: %s: no measure \"%.80s\" in the framework", cx->file, w, id);
            break;
        }
        if (seen[k]) {
            st = ncmi_error(NCM_ERR_DUPLICATE, "%s: %s: measure given twice", cx->file, w);
            break;
        }
        seen[k] = 1;
        ncmi_measure_model *m = &sc->mmodel[k];
        const char *dn = json_string_value(json_object_get(o, "distribution"));
        if (json_object_get(o, "distribution") && !dn) {
            st = ncmi_error(NCM_ERR_PARSE, "%s: %s.distribution: expected a string", cx->file, w);
            break;
        }
        if (!dn || strcmp(dn, "normal") == 0) m->dist = NCMI_MEASURE_NORMAL;
        else if (strcmp(dn, "beta") == 0) m->dist = NCMI_MEASURE_BETA;
        else {
            st = ncmi_error(NCM_ERR_PARSE, "%s: %s.distribution: \"%s\" is not normal or beta", cx->file, w, dn);
            break;
        }
        if (!json_object_get(o, "mean")) {
            st = ncmi_error(NCM_ERR_PARSE, "%s: %s.mean: missing", cx->file, w);
            break;
        }
        if ((st = get_real(cx, o, w, "mean", -1e12, 1e12, &m->mean))) break;
        if ((st = get_real(cx, o, w, "sd", 0, 1e12, &m->sd))) break;
        if ((st = get_real(cx, o, w, "trend", -1e12, 1e12, &m->trend))) break;
        if (json_object_get(o, "min")) {
            if ((st = get_real(cx, o, w, "min", -1e12, 1e12, &m->lo))) break;
            m->has_lo = 1;
        }
        if (json_object_get(o, "max")) {
            if ((st = get_real(cx, o, w, "max", -1e12, 1e12, &m->hi))) break;
            m->has_hi = 1;
        }
        if (m->has_lo && m->has_hi && m->lo > m->hi) {
            st = ncmi_error(NCM_ERR_RANGE, "%s: %s: min %g is above max %g", cx->file, w, m->lo, m->hi);
            break;
        }
        if (m->dist == NCMI_MEASURE_BETA) {
            if (m->has_lo || m->has_hi) {
                st = ncmi_error(NCM_ERR_PARSE, "%s: %s: min and max apply to a normal distribution only (a beta lies in (0, 1))",
                                cx->file, w);
                break;
            }
            for (unsigned y = 0; y < sc->term && !st; y++) {
                double mu = m->mean + m->trend * y, v = m->sd * m->sd;
                if (!(mu > 0 && mu < 1 && v > 0 && v < mu * (1 - mu)))
                    st = ncmi_error(NCM_ERR_RANGE,
                                    "%s: %s: year %u: a beta distribution needs 0 < mean < 1 and 0 < sd^2 < mean (1 - mean) "
                                    "(mean %g, sd %g)",
                                    cx->file, w, y + 1, mu, m->sd);
            }
            if (st) break;
        }
    }
    for (size_t k = 0; k < nm && !st; k++)
        if (!seen[k])
            st = ncmi_error(NCM_ERR_PARSE, "%s: outcomes.measures: no distribution for measure \"%.80s\" (weight %g%s)",
                            cx->file, ncm_outcome_measure_id(fw, k), ncmi_outcome_measure_weight(fw, k),
                            ncmi_outcome_measure_is_gateway(fw, k) ? ", gateway" : "");
    ncmi_free(seen);
    return st;
}

static ncm_status parse_root(const ctx *cx, ncm_scenario *sc, const json_t *root)
{
    static const char *const keys[] = {"schema", "name", "term_years", "mode", "population", "segments",
                                       "demand_growth", "cost_inflation", "efficiency", "outcomes", "membership",
                                       "shocks", "designs", NULL};
    ncm_status st;
    if ((st = check_keys(cx, root, "(document)", keys))) return st;
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!schema)
        return ncmi_error(NCM_ERR_PARSE, "%s: schema: %s (expected \"%s\")", cx->file,
                          json_object_get(root, "schema") ? "not a string" : "missing", NCM_SCENARIO_SCHEMA);
    if (strcmp(schema, NCM_SCENARIO_SCHEMA) != 0)
        return ncmi_error(NCM_ERR_VERSION, "%s: schema: \"%s\" is not supported (expected \"%s\")", cx->file, schema,
                          NCM_SCENARIO_SCHEMA);
    const char *nm = json_string_value(json_object_get(root, "name"));
    if (!(sc->name = ncmi_strdup(nm ? nm : ""))) return ncmi_nomem("scenario name");
    double term = 0;
    if (!json_object_get(root, "term_years")) return ncmi_error(NCM_ERR_PARSE, "%s: term_years: missing", cx->file);
    if ((st = get_real(cx, root, "", "term_years", 1, NCM_CONTRACT_MAX_YEARS, &term))) return st;
    if (term != floor(term)) return ncmi_error(NCM_ERR_RANGE, "%s: term_years: %g is not a whole number", cx->file, term);
    sc->term = (unsigned)term;
    sc->mode = NCM_SIM_MODE_SEGMENT;
    json_t *m = json_object_get(root, "mode");
    if (m) {
        const char *ms = json_string_value(m);
        if (ms && strcmp(ms, "segment") == 0) sc->mode = NCM_SIM_MODE_SEGMENT;
        else if (ms && strcmp(ms, "person") == 0) sc->mode = NCM_SIM_MODE_PERSON;
        else return ncmi_error(NCM_ERR_PARSE, "%s: mode: expected \"segment\" or \"person\"", cx->file);
    }
    json_t *popj = json_object_get(root, "population");
    if (popj) {
        if ((st = parse_population(cx, sc, popj))) return st;
        sc->pop_spec = json_deep_copy(popj);
        if (!sc->pop_spec) return ncmi_nomem("population spec");
        /* keep CSV paths as they were resolved, so a written scenario loads from any folder */
        json_t *csvj = json_object_get(sc->pop_spec, "csv");
        static const char *const which[] = {"people", "diagnoses"};
        for (int k = 0; csvj && k < 2; k++) {
            const char *f = json_string_value(json_object_get(csvj, which[k]));
            if (!f || f[0] == '/' || !cx->base_dir || !*cx->base_dir) continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", cx->base_dir, f);
            if (json_object_set_new(csvj, which[k], json_string(path))) return ncmi_nomem("population spec");
        }
    }
    json_t *segs = json_object_get(root, "segments");
    if (!segs) return ncmi_error(NCM_ERR_PARSE, "%s: segments: missing", cx->file);
    if ((st = parse_segments(cx, sc, segs))) return st;
    if (sc->pop && (st = derive_from_population(cx, sc, popj))) return st;
    if ((st = get_real(cx, root, "", "demand_growth", -0.5, 1, &sc->demand_growth))) return st;
    if ((st = get_real(cx, root, "", "cost_inflation", -0.5, 1, &sc->cost_inflation))) return st;
    sc->eff_ramp = 1;
    json_t *e = json_object_get(root, "efficiency");
    if (e) {
        static const char *const ek[] = {"assumed", "delivered", "ramp_years", NULL};
        static const char *const dk[] = {"mean", "sd", NULL};
        if ((st = check_keys(cx, e, "efficiency", ek))) return st;
        if ((st = get_real(cx, e, "efficiency", "assumed", 0, 0.95, &sc->eff_assumed))) return st;
        if ((st = get_real(cx, e, "efficiency", "ramp_years", 1, 50, &sc->eff_ramp))) return st;
        json_t *dl = json_object_get(e, "delivered");
        if (dl) {
            if ((st = check_keys(cx, dl, "efficiency.delivered", dk))) return st;
            if ((st = get_real(cx, dl, "efficiency.delivered", "mean", 0, 0.95, &sc->eff_mean))) return st;
            if ((st = get_real(cx, dl, "efficiency.delivered", "sd", 0, 1, &sc->eff_sd))) return st;
        }
    }
    sc->score_kind = NCMI_SCORE_FIXED;
    sc->score_mean = 1;
    json_t *oc = json_object_get(root, "outcomes");
    if (oc) {
        static const char *const ok[] = {"distribution", "mean", "sd", "framework", "measures", NULL};
        if ((st = check_keys(cx, oc, "outcomes", ok))) return st;
        if (json_object_get(oc, "framework") || json_object_get(oc, "measures")) {
            if (json_object_get(oc, "distribution") || json_object_get(oc, "mean") || json_object_get(oc, "sd"))
                return ncmi_error(NCM_ERR_PARSE,
                                  "%s: outcomes: give either a single score (distribution, mean, sd) or a per-measure "
                                  "model (framework, measures), not both",
                                  cx->file);
            if ((st = parse_measure_model(cx, sc, oc))) return st;
        }
        const char *dn = json_string_value(json_object_get(oc, "distribution"));
        if (!dn || strcmp(dn, "fixed") == 0) sc->score_kind = NCMI_SCORE_FIXED;
        else if (strcmp(dn, "beta") == 0) sc->score_kind = NCMI_SCORE_BETA;
        else if (strcmp(dn, "normal") == 0) sc->score_kind = NCMI_SCORE_NORMAL;
        else return ncmi_error(NCM_ERR_PARSE, "%s: outcomes.distribution: \"%s\" is not fixed, beta or normal", cx->file, dn);
        if ((st = get_real(cx, oc, "outcomes", "mean", 0, 1, &sc->score_mean))) return st;
        if ((st = get_real(cx, oc, "outcomes", "sd", 0, 1, &sc->score_sd))) return st;
        if (sc->score_kind == NCMI_SCORE_BETA) {
            double mm = sc->score_mean, v = sc->score_sd * sc->score_sd;
            if (mm <= 0 || mm >= 1 || v <= 0 || v >= mm * (1 - mm))
                return ncmi_error(NCM_ERR_RANGE,
                                  "%s: outcomes: a beta distribution needs 0 < mean < 1 and 0 < sd^2 < mean (1 - mean)",
                                  cx->file);
        }
    }
    json_t *mb = json_object_get(root, "membership");
    if (mb) {
        static const char *const mk[] = {"joiners", "leavers", NULL};
        if ((st = check_keys(cx, mb, "membership", mk))) return st;
        if ((st = get_real(cx, mb, "membership", "joiners", 0, 1, &sc->joiners))) return st;
        if ((st = get_real(cx, mb, "membership", "leavers", 0, 1, &sc->leavers))) return st;
    }
    json_t *sh = json_object_get(root, "shocks");
    if (sh) {
        static const char *const sk[] = {"name", "probability", "cost_increase", NULL};
        if (!json_is_array(sh)) return ncmi_error(NCM_ERR_PARSE, "%s: shocks: expected an array", cx->file);
        size_t n = json_array_size(sh);
        if (n > 16) return ncmi_error(NCM_ERR_RANGE, "%s: shocks: %zu shocks (at most 16)", cx->file, n);
        if (n && !(sc->shocks = ncmi_calloc(n, sizeof *sc->shocks))) return ncmi_nomem("shocks");
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(sh, i);
            char w[64];
            snprintf(w, sizeof w, "shocks[%zu]", i);
            if ((st = check_keys(cx, o, w, sk))) return st;
            const char *sn = json_string_value(json_object_get(o, "name"));
            sc->nshocks = i + 1;
            if (!(sc->shocks[i].name = ncmi_strdup(sn ? sn : ""))) return ncmi_nomem("shock name");
            if ((st = get_real(cx, o, w, "probability", 0, 1, &sc->shocks[i].probability))) return st;
            if ((st = get_real(cx, o, w, "cost_increase", -0.9, 10, &sc->shocks[i].increase))) return st;
        }
    }
    json_t *ds = json_object_get(root, "designs");
    if (!json_is_array(ds) || json_array_size(ds) == 0)
        return ncmi_error(NCM_ERR_PARSE, "%s: designs: expected a non-empty array", cx->file);
    size_t nd = json_array_size(ds);
    if (nd > 64) return ncmi_error(NCM_ERR_RANGE, "%s: designs: %zu designs (at most 64)", cx->file, nd);
    if (!(sc->designs = ncmi_calloc(nd, sizeof *sc->designs))) return ncmi_nomem("designs");
    for (size_t i = 0; i < nd; i++)
        if ((st = parse_design(cx, sc, i, json_array_get(ds, i)))) return st;
    return NCM_OK;
}

static ncm_status load_root(json_t *root, const char *file, const char *base_dir, ncm_scenario **out)
{
    ctx cx = {file, base_dir};
    ncm_scenario *sc = ncmi_calloc(1, sizeof *sc);
    if (!sc) return ncmi_nomem("scenario");
    ncm_status st = parse_root(&cx, sc, root);
    if (st) {
        ncmi_scenario_destroy(sc);
        return st;
    }
    *out = sc;
    return NCM_OK;
}

ncm_status ncm_scenario_load_file(const char *path, ncm_scenario **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_load_file: NULL argument");
    json_t *root;
    ncm_status st = ncmi_json_load_file(path, &root);
    if (st) return st;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    st = load_root(root, path, dir, out);
    json_decref(root);
    return st;
}

ncm_status ncm_scenario_load_string(const char *text, const char *name, const char *base_dir, ncm_scenario **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_load_string: NULL argument");
    if (!name) name = "<string>";
    json_t *root;
    ncm_status st = ncmi_json_load_buffer(text, strlen(text), name, &root);
    if (st) return st;
    st = load_root(root, name, base_dir, out);
    json_decref(root);
    return st;
}

/* ------------------------------------------------------------------ writing */

static json_t *contract_json(const ncm_contract *c)
{
    size_t len = 0;
    ncm_contract_to_json(c, NULL, 0, &len);
    char *buf = ncmi_malloc(len + 2); /* the text, its final newline and the NUL */
    if (!buf) return NULL;
    json_t *j = NULL;
    if (ncm_contract_to_json(c, buf, len + 2, &len) == NCM_OK) j = json_loads(buf, 0, NULL);
    ncmi_free(buf);
    return j;
}

#define SET(obj, key, val)                                                                                             \
    do {                                                                                                               \
        json_t *v_ = (val);                                                                                            \
        if (!v_ || json_object_set_new((obj), (key), v_)) goto nomem;                                                  \
    } while (0)

ncm_status ncm_scenario_write_file(const ncm_scenario *sc, const char *path)
{
    if (!sc || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_write_file: NULL argument");
    json_t *root = json_object();
    if (!root) return ncmi_nomem("scenario JSON");
    SET(root, "schema", json_string(NCM_SCENARIO_SCHEMA));
    SET(root, "name", json_string(sc->name));
    SET(root, "term_years", json_integer(sc->term));
    SET(root, "mode", json_string(sc->mode == NCM_SIM_MODE_PERSON ? "person" : "segment"));
    if (sc->pop_spec) SET(root, "population", json_deep_copy(sc->pop_spec));
    json_t *segs = json_array();
    SET(root, "segments", segs);
    for (size_t i = 0; i < sc->nsegs; i++) {
        const ncmi_segment *g = &sc->segs[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(segs, o)) goto nomem;
        SET(o, "name", json_string(g->name));
        SET(o, "min_age", json_integer(g->min_age));
        SET(o, "max_age", json_integer(g->max_age));
        if (g->has_people) SET(o, "people", ncmi_json_number(g->people));
        json_t *c = json_object();
        SET(o, "cost", c);
        static const char *const dn[] = {"lognormal", "gamma", "resample"};
        SET(c, "distribution", json_string(dn[g->dist]));
        if (g->has_mean) SET(c, "mean", ncmi_json_money((ncm_money)g->mean));
        if (g->has_cv) SET(c, "cv", ncmi_json_number(g->cv));
    }
    SET(root, "demand_growth", ncmi_json_number(sc->demand_growth));
    SET(root, "cost_inflation", ncmi_json_number(sc->cost_inflation));
    json_t *e = json_object();
    SET(root, "efficiency", e);
    SET(e, "assumed", ncmi_json_number(sc->eff_assumed));
    json_t *dl = json_object();
    SET(e, "delivered", dl);
    SET(dl, "mean", ncmi_json_number(sc->eff_mean));
    SET(dl, "sd", ncmi_json_number(sc->eff_sd));
    SET(e, "ramp_years", ncmi_json_number(sc->eff_ramp));
    json_t *oc = json_object();
    SET(root, "outcomes", oc);
    if (sc->fw) {
        json_t *fj = NULL;
        if (ncmi_outcome_framework_to_json(sc->fw, &fj) != NCM_OK) goto nomem;
        SET(oc, "framework", fj);
        json_t *ms = json_array();
        SET(oc, "measures", ms);
        for (size_t k = 0; k < ncm_outcome_measure_count(sc->fw); k++) {
            const ncmi_measure_model *m = &sc->mmodel[k];
            json_t *o = json_object();
            if (!o || json_array_append_new(ms, o)) goto nomem;
            SET(o, "id", json_string(ncm_outcome_measure_id(sc->fw, k)));
            SET(o, "distribution", json_string(m->dist == NCMI_MEASURE_BETA ? "beta" : "normal"));
            SET(o, "mean", ncmi_json_number(m->mean));
            SET(o, "sd", ncmi_json_number(m->sd));
            SET(o, "trend", ncmi_json_number(m->trend));
            if (m->has_lo) SET(o, "min", ncmi_json_number(m->lo));
            if (m->has_hi) SET(o, "max", ncmi_json_number(m->hi));
        }
    } else {
        static const char *const sn[] = {"fixed", "beta", "normal"};
        SET(oc, "distribution", json_string(sn[sc->score_kind]));
        SET(oc, "mean", ncmi_json_number(sc->score_mean));
        SET(oc, "sd", ncmi_json_number(sc->score_sd));
    }
    json_t *mb = json_object();
    SET(root, "membership", mb);
    SET(mb, "joiners", ncmi_json_number(sc->joiners));
    SET(mb, "leavers", ncmi_json_number(sc->leavers));
    json_t *sh = json_array();
    SET(root, "shocks", sh);
    for (size_t i = 0; i < sc->nshocks; i++) {
        json_t *o = json_object();
        if (!o || json_array_append_new(sh, o)) goto nomem;
        SET(o, "name", json_string(sc->shocks[i].name));
        SET(o, "probability", ncmi_json_number(sc->shocks[i].probability));
        SET(o, "cost_increase", ncmi_json_number(sc->shocks[i].increase));
    }
    json_t *ds = json_array();
    SET(root, "designs", ds);
    for (size_t i = 0; i < sc->ndesigns; i++) {
        const ncmi_design *d = &sc->designs[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(ds, o)) goto nomem;
        SET(o, "name", json_string(d->name));
        SET(o, "contract", contract_json(d->contract));
        if (d->cost_share) {
            json_t *cs = json_object();
            SET(o, "cost_shares", cs);
            for (size_t p = 0; p < ncm_contract_party_count(d->contract); p++)
                if (d->cost_share[p] > 0)
                    SET(cs, ncm_contract_party_name(d->contract, p), ncmi_json_number(d->cost_share[p]));
        }
        if (d->has_stop_loss) {
            json_t *sl = json_object();
            SET(o, "stop_loss", sl);
            SET(sl, "attachment", ncmi_json_money(d->sl.attachment));
            SET(sl, "coinsurance", ncmi_json_number(d->sl.coinsurance));
            SET(sl, "limit", ncmi_json_money(d->sl.limit));
            SET(sl, "aggregate_threshold", ncmi_json_number(d->sl.aggregate_threshold));
            SET(sl, "aggregate_coinsurance", ncmi_json_number(d->sl.aggregate_coinsurance));
            SET(sl, "premium_rate", ncmi_json_number(d->premium_rate));
        }
        if (d->has_cap) SET(o, "cap", ncmi_json_money(d->cap));
    }
    ncm_status st = ncmi_json_write_file(root, path);
    json_decref(root);
    return st;
nomem:
    json_decref(root);
    return ncmi_nomem("scenario JSON");
}

/* ------------------------------------------------------------------ accessors */

const char *ncm_scenario_name(const ncm_scenario *sc) { return sc ? sc->name : NULL; }
unsigned ncm_scenario_term(const ncm_scenario *sc) { return sc ? sc->term : 0; }
size_t ncm_scenario_segment_count(const ncm_scenario *sc) { return sc ? sc->nsegs : 0; }
const char *ncm_scenario_segment_name(const ncm_scenario *sc, size_t s)
{
    return sc && s < sc->nsegs ? sc->segs[s].name : NULL;
}
size_t ncm_scenario_design_count(const ncm_scenario *sc) { return sc ? sc->ndesigns : 0; }
const char *ncm_scenario_design_name(const ncm_scenario *sc, size_t d)
{
    return sc && d < sc->ndesigns ? sc->designs[d].name : NULL;
}
const ncm_contract *ncm_scenario_design_contract(const ncm_scenario *sc, size_t d)
{
    return sc && d < sc->ndesigns ? sc->designs[d].contract : NULL;
}
const ncm_population *ncm_scenario_population(const ncm_scenario *sc) { return sc ? sc->pop : NULL; }

ncm_status ncm_scenario_segments(const ncm_scenario *sc, double *people, double *mean, double *cv, size_t cap)
{
    if (!sc) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_segments: NULL scenario");
    if (cap < sc->nsegs) return ncmi_error(NCM_ERR_BUFFER, "ncm_scenario_segments: cap %zu < %zu segments", cap, sc->nsegs);
    for (size_t s = 0; s < sc->nsegs; s++) {
        if (people) people[s] = sc->segs[s].people;
        if (mean) mean[s] = sc->segs[s].mean;
        if (cv) cv[s] = sc->segs[s].cv;
    }
    return NCM_OK;
}

ncm_status ncm_scenario_segment_place_cost(const ncm_scenario *sc, ncm_money *cost, size_t cap, size_t *places)
{
    if (!sc || !cost) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_segment_place_cost: NULL argument");
    if (!sc->pop) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_segment_place_cost: the scenario has no population");
    size_t np = ncm_population_text_count(sc->pop, NCM_TEXT_PLACE);
    if (places) *places = np;
    if (np == 0 || cap / np < sc->nsegs)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_scenario_segment_place_cost: need %zu x %zu values", sc->nsegs, np);
    const uint32_t *pl = ncm_population_text_ids(sc->pop, NCM_TEXT_PLACE);
    const ncm_money *c = ncm_population_cost(sc->pop);
    size_t n = ncm_population_size(sc->pop);
    double *acc = ncmi_calloc(sc->nsegs * np, sizeof *acc);
    if (!acc) return ncmi_nomem("segment x place");
    for (size_t i = 0; i < n; i++) {
        uint32_t s = sc->person_segment[i];
        if (s != UINT32_MAX) acc[(size_t)s * np + pl[i]] += (double)c[i];
    }
    ncm_status st = NCM_OK;
    for (size_t k = 0; k < sc->nsegs * np && !st; k++)
        st = ncm_money_from_double(acc[k] * sc->cost_scale, NCM_ROUND_HALF_EVEN, &cost[k]);
    ncmi_free(acc);
    return st;
}

/* ------------------------------------------------------------------ bids */

static ncm_status scale_amounts(json_t *arr, double f)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        ncm_money m, r;
        if (!json_is_string(v) || ncm_money_parse(json_string_value(v), NCM_MONEY_DECIMALS, 0, &m))
            return ncmi_error(NCM_ERR_INTERNAL, "contract JSON: bad amount");
        ncm_status st = ncm_money_mul_rate(m, f, NCM_ROUND_HALF_EVEN, &r);
        if (st) return st;
        char buf[48];
        if ((st = ncm_money_format(r, NCM_MONEY_DECIMALS, 0, buf, sizeof buf))) return st;
        if (json_array_set_new(arr, i, json_string(buf))) return ncmi_nomem("contract JSON");
    }
    return NCM_OK;
}

ncm_status ncmi_contract_scaled(const ncm_contract *c, ncm_money bid, ncm_contract **out)
{
    ncm_money total = 0, v;
    ncm_status st;
    for (unsigned y = 1; y <= ncm_contract_term(c); y++) {
        if ((st = ncm_contract_value(c, y, &v)) || (st = ncm_money_add(total, v, &total))) return st;
    }
    if (total <= 0) return ncmi_error(NCM_ERR_RANGE, "contract \"%s\": value over the term is 0", ncm_contract_name(c));
    double f = (double)bid / (double)total;
    json_t *j = contract_json(c);
    if (!j) return ncmi_nomem("contract JSON");
    json_t *val = json_object_get(j, "value");
    json_t *by = json_object_get(val, "by_year");
    if (by) {
        st = scale_amounts(by, f);
    } else {
        /* year1 with growth/efficiency: turn it into explicit years */
        json_t *arr = json_array();
        st = arr ? NCM_OK : ncmi_nomem("contract JSON");
        for (unsigned y = 1; y <= ncm_contract_term(c) && !st; y++) {
            ncm_contract_value(c, y, &v);
            char buf[48];
            ncm_money_format(v, NCM_MONEY_DECIMALS, 0, buf, sizeof buf);
            if (json_array_append_new(arr, json_string(buf))) st = ncmi_nomem("contract JSON");
        }
        if (!st) st = scale_amounts(arr, f);
        if (!st) {
            json_object_clear(val);
            if (json_object_set_new(val, "by_year", arr)) st = ncmi_nomem("contract JSON");
        } else if (arr) {
            json_decref(arr);
        }
    }
    json_t *comps = json_object_get(j, "components");
    size_t i;
    json_t *o;
    json_array_foreach(comps, i, o)
    {
        if (st) break;
        const char *t = json_string_value(json_object_get(o, "type"));
        json_t *am = json_object_get(o, "amounts");
        if (t && strcmp(t, "capitation") == 0 && am) st = scale_amounts(am, f);
    }
    if (!st) {
        char *text = json_dumps(j, JSON_PRESERVE_ORDER);
        if (!text) st = ncmi_nomem("contract JSON");
        else {
            st = ncm_contract_load_string(text, "scaled contract", out);
            free(text);
        }
    }
    json_decref(j);
    return st;
}

/* ------------------------------------------------------------------ sweeps */

/* "outcomes.measures.ID.mean" / ".sd" / ".trend": one parameter of a measure's distribution. */
static ncm_status set_measure_number(ncm_scenario *sc, const char *key, double value)
{
    if (!sc->fw) return ncmi_error(NCM_ERR_NOT_FOUND, "%s: the scenario has no per-measure outcome model", key);
    const char *id = key + 18, *dot = strrchr(id, '.');
    if (!dot || dot == id) return ncmi_error(NCM_ERR_NOT_FOUND, "%s: expected outcomes.measures.ID.mean, .sd or .trend", key);
    size_t len = (size_t)(dot - id), nm = ncm_outcome_measure_count(sc->fw), k = nm;
    for (size_t j = 0; j < nm; j++) {
        const char *mid = ncm_outcome_measure_id(sc->fw, j);
        if (strlen(mid) == len && strncmp(mid, id, len) == 0) k = j;
    }
    if (k == nm) return ncmi_error(NCM_ERR_NOT_FOUND, "%s: no measure \"%.*s\" in the framework", key, (int)len, id);
    ncmi_measure_model m = sc->mmodel[k];
    const char *field = dot + 1;
    if (!isfinite(value) || fabs(value) > 1e12) return ncmi_error(NCM_ERR_RANGE, "%s: %g is out of range", key, value);
    if (strcmp(field, "mean") == 0) m.mean = value;
    else if (strcmp(field, "trend") == 0) m.trend = value;
    else if (strcmp(field, "sd") == 0) {
        if (value < 0) return ncmi_error(NCM_ERR_RANGE, "%s: %g is negative", key, value);
        m.sd = value;
    } else
        return ncmi_error(NCM_ERR_NOT_FOUND, "%s: \"%s\" is not mean, sd or trend", key, field);
    if (m.dist == NCMI_MEASURE_BETA)
        for (unsigned y = 0; y < sc->term; y++) {
            double mu = m.mean + m.trend * y, v = m.sd * m.sd;
            if (!(mu > 0 && mu < 1 && v > 0 && v < mu * (1 - mu)))
                return ncmi_error(NCM_ERR_RANGE,
                                  "%s: %g: year %u: a beta distribution needs 0 < mean < 1 and 0 < sd^2 < mean (1 - mean)",
                                  key, value, y + 1);
        }
    sc->mmodel[k] = m;
    return NCM_OK;
}

ncm_status ncm_scenario_set_number(ncm_scenario *sc, const char *key, double value)
{
    if (!sc || !key) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_set_number: NULL argument");
    if (strncmp(key, "outcomes.measures.", 18) == 0) return set_measure_number(sc, key, value);
    if (sc->fw && (strcmp(key, "outcomes.mean") == 0 || strcmp(key, "outcomes.sd") == 0))
        return ncmi_error(NCM_ERR_INVALID, "%s: the scenario models each outcome measure (use \"outcomes.measures.ID.mean\")",
                          key);
    static const struct {
        const char *key;
        double lo, hi;
    } keys[] = {{"demand_growth", -0.5, 1},         {"cost_inflation", -0.5, 1},      {"efficiency.assumed", 0, 0.95},
                {"efficiency.delivered.mean", 0, 0.95}, {"efficiency.delivered.sd", 0, 1}, {"efficiency.ramp_years", 1, 50},
                {"outcomes.mean", 0, 1},            {"outcomes.sd", 0, 1},            {"membership.joiners", 0, 1},
                {"membership.leavers", 0, 1}};
    double *field[] = {&sc->demand_growth, &sc->cost_inflation, &sc->eff_assumed, &sc->eff_mean, &sc->eff_sd,
                       &sc->eff_ramp,      &sc->score_mean,     &sc->score_sd,    &sc->joiners,  &sc->leavers};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(key, keys[i].key) != 0) continue;
        if (!isfinite(value) || value < keys[i].lo || value > keys[i].hi)
            return ncmi_error(NCM_ERR_RANGE, "%s: %g is outside [%g, %g]", key, value, keys[i].lo, keys[i].hi);
        if (sc->score_kind == NCMI_SCORE_BETA && (field[i] == &sc->score_mean || field[i] == &sc->score_sd)) {
            double m = field[i] == &sc->score_mean ? value : sc->score_mean;
            double sd = field[i] == &sc->score_sd ? value : sc->score_sd;
            if (m <= 0 || m >= 1 || sd <= 0 || sd * sd >= m * (1 - m))
                return ncmi_error(NCM_ERR_RANGE, "%s: %g: a beta distribution needs 0 < mean < 1 and 0 < sd^2 < mean (1 - mean)",
                                  key, value);
        }
        *field[i] = value;
        return NCM_OK;
    }
    return ncmi_error(NCM_ERR_NOT_FOUND, "ncm_scenario_set_number: unknown parameter \"%s\"", key);
}

ncm_status ncm_scenario_set_segment(ncm_scenario *sc, size_t s, double people, double mean, double cv)
{
    if (!sc) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_set_segment: NULL scenario");
    if (s >= sc->nsegs) return ncmi_error(NCM_ERR_RANGE, "ncm_scenario_set_segment: segment %zu of %zu", s, sc->nsegs);
    ncmi_segment *g = &sc->segs[s];
    if (!isnan(people) && !(isfinite(people) && people >= 0 && people <= 4e9))
        return ncmi_error(NCM_ERR_RANGE, "segments[%zu] \"%s\".people: %g is out of range", s, g->name, people);
    if (!isnan(mean) && !(isfinite(mean) && mean > 0))
        return ncmi_error(NCM_ERR_RANGE, "segments[%zu] \"%s\".cost.mean: %g is not > 0", s, g->name, mean);
    if (!isnan(cv) && !(isfinite(cv) && cv >= 0 && cv <= 20))
        return ncmi_error(NCM_ERR_RANGE, "segments[%zu] \"%s\".cost.cv: %g is outside [0, 20]", s, g->name, cv);
    if (!isnan(people)) {
        g->people = people;
        g->has_people = 1;
    }
    if (!isnan(mean)) {
        g->mean = mean;
        g->has_mean = 1;
    }
    if (!isnan(cv)) {
        g->cv = cv;
        g->has_cv = 1;
    }
    return NCM_OK;
}

ncm_status ncm_scenario_set_contract(ncm_scenario *sc, size_t d, const ncm_contract *c)
{
    if (!sc || !c) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_set_contract: NULL argument");
    if (d >= sc->ndesigns) return ncmi_error(NCM_ERR_RANGE, "ncm_scenario_set_contract: design %zu of %zu", d, sc->ndesigns);
    ncmi_design *ds = &sc->designs[d];
    if (ncm_contract_term(c) < sc->term)
        return ncmi_error(NCM_ERR_RANGE, "design \"%s\": the contract's term (%u years) is shorter than the scenario's (%u)",
                          ds->name, ncm_contract_term(c), sc->term);
    for (size_t j = 0; j < ncm_contract_component_count(c); j++) {
        ncm_component_type t;
        ncm_contract_component_type(c, j, &t);
        if (t == NCM_COMPONENT_ACTIVITY)
            return ncmi_error(NCM_ERR_INVALID, "design \"%s\": component \"%s\": activity volumes are not simulated",
                              ds->name, ncm_contract_component_name(c, j));
    }
    double *share = NULL;
    if (ds->cost_share) {
        /* keep the cost shares by party name */
        size_t np = ncm_contract_party_count(c);
        share = ncmi_calloc(np ? np : 1, sizeof *share);
        if (!share) return ncmi_nomem("cost shares");
        for (size_t p = 0; p < ncm_contract_party_count(ds->contract); p++) {
            if (ds->cost_share[p] <= 0) continue;
            size_t q;
            if (ncm_contract_find_party(c, ncm_contract_party_name(ds->contract, p), &q) != NCM_OK) {
                ncmi_free(share);
                return ncmi_error(NCM_ERR_NOT_FOUND, "design \"%s\": cost_shares: no party \"%s\" in the new contract",
                                  ds->name, ncm_contract_party_name(ds->contract, p));
            }
            share[q] = ds->cost_share[p];
        }
    }
    ncm_money total = 0, v;
    for (unsigned y = 1; y <= ncm_contract_term(c); y++)
        if (ncm_contract_value(c, y, &v) == NCM_OK) total += v;
    ncm_contract *copy = NULL;
    ncm_status st = total > 0 ? ncmi_contract_scaled(c, total, &copy) : ncmi_error(NCM_ERR_RANGE, "design \"%s\": contract value is 0", ds->name);
    if (st) {
        ncmi_free(share);
        return st;
    }
    ncm_contract_free(ds->contract);
    ds->contract = copy;
    ncmi_free(ds->contract_file);
    ds->contract_file = NULL;
    if (share) {
        ncmi_free(ds->cost_share);
        ds->cost_share = share;
    }
    return NCM_OK;
}
