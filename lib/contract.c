/* Contract model: load a JSON contract (schema 1), validate it, write it back canonically. */
#include "ncm/contract.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/common.h"
#include "internal/contract_impl.h"
#include "internal/json.h"
#include "internal/outcome_json.h"
#include "internal/riskshare_json.h"

/* ------------------------------------------------------------------ names */

static const char *const form_names[] = {"block", "activity", "capitated", "prime_provider",
                                         "lead_provider", "alliance", "integrated"};
static const char *const role_names[] = {"commissioner", "provider", "prime", "lead",
                                         "member", "subcontractor", "external"};
static const char *const type_names[] = {"upfront", "management_fee", "capitation", "activity",
                                         "care_coordination", "outcome_pot", "withhold", "vat",
                                         "transformation", "risk_share", "stop_loss"};
static const char *const split_names[] = {"none", "fixed", "value", "variance"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *ncm_contract_form_name(ncm_contract_form f)
{
    return (unsigned)f < COUNT(form_names) ? form_names[f] : "unknown";
}
const char *ncm_party_role_name(ncm_party_role r)
{
    return (unsigned)r < COUNT(role_names) ? role_names[r] : "unknown";
}
const char *ncm_component_type_name(ncm_component_type t)
{
    return (unsigned)t < COUNT(type_names) ? type_names[t] : "unknown";
}

static int lookup(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ free */

static void free_component(ncmi_component *k)
{
    ncmi_free(k->name);
    ncmi_free(k->amounts);
    ncmi_free(k->on);
    ncmi_free(k->split_shares);
    ncmi_free(k->cascade);
    ncm_riskshare_free(k->schedule);
    ncm_outcome_framework_free(k->framework);
    ncmi_free(k->builtin);
}

void ncm_contract_free(ncm_contract *c)
{
    if (!c) return;
    ncmi_free(c->name);
    ncmi_free(c->scope);
    for (size_t i = 0; i < c->nparties; i++) ncmi_free(c->parties[i].name);
    ncmi_free(c->parties);
    for (size_t i = 0; i < c->ncomps; i++) free_component(&c->comps[i]);
    ncmi_free(c->comps);
    ncmi_free(c);
}

/* ------------------------------------------------------------------ loading helpers */

typedef struct ctx {
    const char *file;
    char where[200]; /* e.g. components[2] "fee" */
} ctx;

#define FAIL(cx, st, ...) fail_at((cx), (st), __VA_ARGS__)

static ncm_status fail_at(const ctx *cx, ncm_status st, const char *fmt, ...) NCMI_PRINTF(3, 4);
static ncm_status fail_at(const ctx *cx, ncm_status st, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cx->where[0]) return ncmi_error(st, "%s: %s: %s", cx->file, cx->where, msg);
    return ncmi_error(st, "%s: %s", cx->file, msg);
}

static ncm_status check_keys(const ctx *cx, json_t *obj, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        (void)v;
        if (lookup(allowed, n, key) < 0) return FAIL(cx, NCM_ERR_PARSE, "unknown field \"%s\"", key);
    }
    return NCM_OK;
}

/* Rates are kept to 15 significant digits so that writing and reading them again is exact. */
static double norm15(double x)
{
    char b[40];
    snprintf(b, sizeof b, "%.15g", x);
    return strtod(b, NULL);
}

static ncm_status get_real(const ctx *cx, json_t *obj, const char *key, int required, int *has, double *out,
                           double lo, double hi)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return FAIL(cx, NCM_ERR_PARSE, "missing field \"%s\"", key);
        if (has) *has = 0;
        return NCM_OK;
    }
    if (!json_is_number(v)) return FAIL(cx, NCM_ERR_PARSE, "%s: must be a number", key);
    double x = json_number_value(v);
    if (!isfinite(x)) return FAIL(cx, NCM_ERR_RANGE, "%s: not a finite number", key);
    if (x < 0 && lo >= 0) return FAIL(cx, NCM_ERR_RANGE, "%s: %g is negative", key, x);
    if (x < lo || x > hi) return FAIL(cx, NCM_ERR_RANGE, "%s: %g is outside [%g, %g]", key, x, lo, hi);
    *out = norm15(x);
    if (has) *has = 1;
    return NCM_OK;
}

static ncm_status get_string(const ctx *cx, json_t *obj, const char *key, int required, const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return FAIL(cx, NCM_ERR_PARSE, "missing field \"%s\"", key);
        *out = NULL;
        return NCM_OK;
    }
    if (!json_is_string(v)) return FAIL(cx, NCM_ERR_PARSE, "%s: must be a string", key);
    *out = json_string_value(v);
    return NCM_OK;
}

static ncm_status money_of(const ctx *cx, json_t *v, const char *what, ncm_money *out)
{
    if (json_is_string(v)) {
        ncm_money m;
        if (ncm_money_parse(json_string_value(v), NCM_MONEY_DECIMALS, 0, &m) != NCM_OK)
            return FAIL(cx, NCM_ERR_PARSE, "%s: \"%s\" is not an amount such as \"26500000.00\"", what,
                        json_string_value(v));
        if (m < 0) return FAIL(cx, NCM_ERR_RANGE, "%s: %s is negative", what, json_string_value(v));
        *out = m;
        return NCM_OK;
    }
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) return FAIL(cx, NCM_ERR_RANGE, "%s: %lld is negative", what, (long long)i);
        if (i > INT64_MAX / 100) return FAIL(cx, NCM_ERR_OVERFLOW, "%s: %lld is too large", what, (long long)i);
        *out = (ncm_money)i * 100;
        return NCM_OK;
    }
    return FAIL(cx, NCM_ERR_PARSE, "%s: must be an amount string such as \"26500000.00\"", what);
}

static ncm_status get_money(const ctx *cx, json_t *obj, const char *key, ncm_money *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return FAIL(cx, NCM_ERR_PARSE, "missing field \"%s\"", key);
    return money_of(cx, v, key, out);
}

static ncm_status get_amounts(const ctx *cx, json_t *arr, const char *key, unsigned term, ncm_money **out)
{
    if (!json_is_array(arr)) return FAIL(cx, NCM_ERR_PARSE, "%s: must be an array of amounts", key);
    if (json_array_size(arr) != term)
        return FAIL(cx, NCM_ERR_INCONSISTENT, "%s: %zu amounts for a term of %u years", key, json_array_size(arr),
                    term);
    ncm_money *a = ncmi_malloc_array(term, sizeof *a);
    if (!a) return ncmi_nomem("contract amounts");
    for (unsigned y = 0; y < term; y++) {
        char what[80];
        snprintf(what, sizeof what, "%s[%u]", key, y);
        ncm_status st = money_of(cx, json_array_get(arr, y), what, &a[y]);
        if (st) {
            ncmi_free(a);
            return st;
        }
    }
    *out = a;
    return NCM_OK;
}

static int find_party(const ncm_contract *c, const char *name)
{
    for (size_t i = 0; i < c->nparties; i++)
        if (strcmp(c->parties[i].name, name) == 0) return (int)i;
    return -1;
}

static int find_comp(const ncm_contract *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c->comps[i].name, name) == 0) return (int)i;
    return -1;
}

static ncm_status party_ref(const ctx *cx, const ncm_contract *c, const char *field, const char *name, int *out)
{
    int p = find_party(c, name);
    if (p < 0) return FAIL(cx, NCM_ERR_NOT_FOUND, "%s: no party named \"%s\"", field, name);
    *out = p;
    return NCM_OK;
}

static ncm_status year_range(const ctx *cx, json_t *o, const char *key, unsigned term, int *has, unsigned *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *has = 0;
        return NCM_OK;
    }
    if (!json_is_integer(v)) return FAIL(cx, NCM_ERR_PARSE, "%s: must be a whole year number", key);
    json_int_t y = json_integer_value(v);
    if (y < 1 || y > (json_int_t)term) return FAIL(cx, NCM_ERR_RANGE, "%s: %lld is outside the term 1-%u", key, (long long)y, term);
    *has = 1;
    *out = (unsigned)y;
    return NCM_OK;
}

/* ------------------------------------------------------------------ parties and value */

static ncm_status load_parties(const ctx *cx0, ncm_contract *c, json_t *arr)
{
    ctx cx = *cx0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return FAIL(&cx, NCM_ERR_PARSE, "parties: must be a non-empty array");
    size_t n = json_array_size(arr);
    if (n > NCM_CONTRACT_MAX_PARTIES)
        return FAIL(&cx, NCM_ERR_RANGE, "parties: %zu parties, at most %d", n, NCM_CONTRACT_MAX_PARTIES);
    c->parties = ncmi_calloc(n, sizeof *c->parties);
    if (!c->parties) return ncmi_nomem("contract parties");
    static const char *const keys[] = {"name", "role", "value_share", "of"};
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        snprintf(cx.where, sizeof cx.where, "parties[%zu]", i);
        if (!json_is_object(o)) return FAIL(&cx, NCM_ERR_PARSE, "must be an object");
        const char *name = NULL, *role = NULL;
        ncm_status st = get_string(&cx, o, "name", 1, &name);
        if (st) return st;
        snprintf(cx.where, sizeof cx.where, "parties[%zu] \"%s\"", i, name ? name : "");
        if ((st = check_keys(&cx, o, keys, COUNT(keys)))) return st;
        if (!name[0]) return FAIL(&cx, NCM_ERR_PARSE, "name: must not be empty");
        if (find_party(c, name) >= 0) return FAIL(&cx, NCM_ERR_DUPLICATE, "party \"%s\" is named twice", name);
        if ((st = get_string(&cx, o, "role", 1, &role))) return st;
        int r = lookup(role_names, COUNT(role_names), role);
        if (r < 0)
            return FAIL(&cx, NCM_ERR_PARSE, "role: unknown role \"%s\" (commissioner, provider, prime, lead, member, "
                        "subcontractor, external)", role);
        ncmi_party *p = &c->parties[i];
        p->of = -1;
        p->role = (ncm_party_role)r;
        if ((st = get_real(&cx, o, "value_share", 0, &p->has_value_share, &p->value_share, 0, 1))) return st;
        p->name = ncmi_strdup(name);
        if (!p->name) return ncmi_nomem("party name");
        c->nparties = i + 1;
    }
    /* "of" refers to any party, so resolve after all names are known */
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        snprintf(cx.where, sizeof cx.where, "parties[%zu] \"%s\"", i, c->parties[i].name);
        const char *of = NULL;
        ncm_status st = get_string(&cx, o, "of", 0, &of);
        if (st) return st;
        if (of && (st = party_ref(&cx, c, "of", of, &c->parties[i].of))) return st;
    }
    cx.where[0] = 0;
    int ncomm = 0, nprime = 0, nlead = 0, nprov = 0;
    c->commissioner = -1;
    for (size_t i = 0; i < n; i++) {
        switch (c->parties[i].role) {
        case NCM_ROLE_COMMISSIONER: ncomm++; c->commissioner = (int)i; break;
        case NCM_ROLE_PRIME: nprime++; break;
        case NCM_ROLE_LEAD: nlead++; break;
        case NCM_ROLE_PROVIDER: nprov++; break;
        case NCM_ROLE_MEMBER: c->members[c->nmembers++] = (int)i; break;
        default: break;
        }
    }
    if (ncomm != 1) return FAIL(&cx, NCM_ERR_INCONSISTENT, "parties: %d commissioners, exactly one is needed", ncomm);
    if (nprime > 1 || nlead > 1)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "parties: at most one prime and one lead provider");
    c->holder = -1;
    for (size_t i = 0; i < n && c->holder < 0; i++)
        if (c->parties[i].role == NCM_ROLE_PRIME) c->holder = (int)i;
    for (size_t i = 0; i < n && c->holder < 0; i++)
        if (c->parties[i].role == NCM_ROLE_LEAD) c->holder = (int)i;
    if (c->holder < 0 && nprov == 1)
        for (size_t i = 0; i < n; i++)
            if (c->parties[i].role == NCM_ROLE_PROVIDER) c->holder = (int)i;
    if (c->holder < 0 && nprov == 0 && c->nmembers > 0) c->holder = NCMI_PAYEE_MEMBERS;
    /* value shares of members: all or none, summing to 1 */
    size_t nshare = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c->parties[i].has_value_share) continue;
        if (c->parties[i].role != NCM_ROLE_MEMBER)
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "parties: \"%s\" has a value_share but is not an alliance member",
                        c->parties[i].name);
        nshare++;
        sum += c->parties[i].value_share;
    }
    if (nshare > 0 && nshare != c->nmembers)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "parties: value_share is given for %zu of %zu members; give all or none",
                    nshare, c->nmembers);
    if (nshare > 0 && fabs(sum - 1.0) > 1e-9)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "parties: member value shares sum to %.12g, not 1", sum);
    switch (c->form) {
    case NCM_FORM_PRIME_PROVIDER:
        if (!nprime) return FAIL(&cx, NCM_ERR_INCONSISTENT, "form prime_provider needs a party with role prime");
        break;
    case NCM_FORM_LEAD_PROVIDER:
        if (!nlead) return FAIL(&cx, NCM_ERR_INCONSISTENT, "form lead_provider needs a party with role lead");
        break;
    case NCM_FORM_ALLIANCE:
        if (c->nmembers < 2) return FAIL(&cx, NCM_ERR_INCONSISTENT, "form alliance needs two or more members");
        break;
    default: break;
    }
    return NCM_OK;
}

static ncm_status load_value(const ctx *cx0, ncm_contract *c, json_t *v)
{
    ctx cx = *cx0;
    snprintf(cx.where, sizeof cx.where, "value");
    if (!json_is_object(v)) return FAIL(&cx, NCM_ERR_PARSE, "must be an object");
    static const char *const keys[] = {"by_year", "year1", "growth", "efficiency"};
    ncm_status st = check_keys(&cx, v, keys, COUNT(keys));
    if (st) return st;
    json_t *by = json_object_get(v, "by_year");
    if (by) {
        if (json_object_get(v, "year1") || json_object_get(v, "growth") || json_object_get(v, "efficiency"))
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "give either by_year or year1 with growth, not both");
        ncm_money *a;
        if ((st = get_amounts(&cx, by, "by_year", c->term, &a))) return st;
        memcpy(c->values, a, c->term * sizeof *a);
        ncmi_free(a);
        c->value_explicit = 1;
        return NCM_OK;
    }
    if ((st = get_money(&cx, v, "year1", &c->year1))) return st;
    if ((st = get_real(&cx, v, "growth", 1, NULL, &c->growth, -1, 10))) return st;
    if ((st = get_real(&cx, v, "efficiency", 0, &c->has_efficiency, &c->efficiency, 0, 1))) return st;
    c->values[0] = c->year1;
    double factor = (1.0 + c->growth) * (1.0 - (c->has_efficiency ? c->efficiency : 0.0));
    for (unsigned y = 1; y < c->term; y++) {
        if (ncm_money_mul_rate(c->values[y - 1], factor, NCM_ROUND_HALF_EVEN, &c->values[y]) != NCM_OK)
            return FAIL(&cx, NCM_ERR_OVERFLOW, "year %u value out of range", y + 1);
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ components */

static ncm_status load_component_a(const ctx *cx0, ncm_contract *c, size_t i, json_t *o)
{
    ctx cx = *cx0;
    ncmi_component *k = &c->comps[i];
    k->carve_from = -1;
    k->carved_by = -1;
    k->of = -1;
    k->base = -1;
    k->authority = -1;
    k->agg_of = -1;
    snprintf(cx.where, sizeof cx.where, "components[%zu]", i);
    if (!json_is_object(o)) return FAIL(&cx, NCM_ERR_PARSE, "must be an object");
    const char *name = NULL, *type = NULL;
    ncm_status st = get_string(&cx, o, "name", 1, &name);
    if (st) return st;
    snprintf(cx.where, sizeof cx.where, "components[%zu] \"%s\"", i, name ? name : "");
    if (!name[0]) return FAIL(&cx, NCM_ERR_PARSE, "name: must not be empty");
    if (find_comp(c, i, name) >= 0) return FAIL(&cx, NCM_ERR_DUPLICATE, "component \"%s\" is named twice", name);
    if ((st = get_string(&cx, o, "type", 1, &type))) return st;
    int t = lookup(type_names, COUNT(type_names), type);
    if (t < 0)
        return FAIL(&cx, NCM_ERR_PARSE, "type: unknown component \"%s\" (upfront, management_fee, capitation, activity, "
                    "care_coordination, outcome_pot, withhold, vat, transformation, risk_share, stop_loss)", type);
    k->type = (ncm_component_type)t;
    k->name = ncmi_strdup(name);
    if (!k->name) return ncmi_nomem("component name");
    return NCM_OK;
}

/* stop_loss: payer = protector (commissioner or external), payee = the protected provider */
static ncm_status load_stop_loss(const ctx *cx, ncm_contract *c, ncmi_component *k, json_t *o)
{
    ncm_status st;
    ncm_party_role pr = c->parties[k->payer].role;
    if (pr != NCM_ROLE_COMMISSIONER && pr != NCM_ROLE_EXTERNAL)
        return FAIL(cx, NCM_ERR_INCONSISTENT, "payer: the protector \"%s\" must be the commissioner or an external reinsurer",
                    c->parties[k->payer].name);
    ncm_party_role qr = c->parties[k->payee].role;
    if (qr == NCM_ROLE_COMMISSIONER || qr == NCM_ROLE_EXTERNAL)
        return FAIL(cx, NCM_ERR_INCONSISTENT, "payee: the protected party \"%s\" must be a provider", c->parties[k->payee].name);
    json_t *att = json_object_get(o, "attachment");
    if (att) {
        if ((st = money_of(cx, att, "attachment", &k->sl_attachment))) return st;
        k->has_individual = 1;
        if ((st = get_real(cx, o, "coinsurance", 0, NULL, &k->sl_coinsurance, 0, 1))) return st;
        json_t *lim = json_object_get(o, "limit");
        if (lim) {
            if ((st = money_of(cx, lim, "limit", &k->sl_limit))) return st;
            if (k->sl_limit <= k->sl_attachment) {
                char a[48], b[48];
                ncm_money_format(k->sl_limit, NCM_MONEY_DECIMALS, 0, a, sizeof a);
                ncm_money_format(k->sl_attachment, NCM_MONEY_DECIMALS, 0, b, sizeof b);
                return FAIL(cx, NCM_ERR_RANGE, "limit: %s is not above the attachment %s", a, b);
            }
        }
    } else if (json_object_get(o, "coinsurance") || json_object_get(o, "limit")) {
        return FAIL(cx, NCM_ERR_INCONSISTENT, "%s: needs an individual \"attachment\"",
                    json_object_get(o, "coinsurance") ? "coinsurance" : "limit");
    }
    json_t *ag = json_object_get(o, "aggregate");
    if (ag) {
        ctx sx = *cx;
        snprintf(sx.where, sizeof sx.where, "%.180s: aggregate", cx->where);
        if (!json_is_object(ag)) return FAIL(&sx, NCM_ERR_PARSE, "must be an object");
        static const char *const akeys[] = {"threshold", "coinsurance", "of"};
        if ((st = check_keys(&sx, ag, akeys, COUNT(akeys)))) return st;
        if ((st = get_real(&sx, ag, "threshold", 1, NULL, &k->agg_threshold, 0, 100))) return st;
        if (!(k->agg_threshold > 0)) return FAIL(&sx, NCM_ERR_RANGE, "threshold: must be above 0 (1.1 = 110%%)");
        if ((st = get_real(&sx, ag, "coinsurance", 0, NULL, &k->agg_coinsurance, 0, 1))) return st;
        const char *of = NULL;
        if ((st = get_string(&sx, ag, "of", 0, &of))) return st;
        if (of && strcmp(of, "value") != 0) {
            k->agg_of = find_comp(c, c->ncomps, of);
            if (k->agg_of < 0) return FAIL(&sx, NCM_ERR_NOT_FOUND, "of: no component named \"%s\" (or \"value\")", of);
            if (c->comps[k->agg_of].type > NCM_COMPONENT_CARE_COORDINATION)
                return FAIL(&sx, NCM_ERR_INCONSISTENT, "of: \"%s\" is not a payment line", of);
        }
        k->has_aggregate = 1;
    }
    if (!k->has_individual && !k->has_aggregate)
        return FAIL(cx, NCM_ERR_INCONSISTENT, "give an individual cover (\"attachment\"), an \"aggregate\" cover, or both");
    json_t *pm = json_object_get(o, "premium");
    if (pm) {
        ctx sx = *cx;
        snprintf(sx.where, sizeof sx.where, "%.180s: premium", cx->where);
        if (!json_is_object(pm)) return FAIL(&sx, NCM_ERR_PARSE, "must be an object with \"amount\" or \"rate\"");
        static const char *const pkeys[] = {"amount", "rate"};
        if ((st = check_keys(&sx, pm, pkeys, COUNT(pkeys)))) return st;
        json_t *am = json_object_get(pm, "amount");
        int hr = json_object_get(pm, "rate") != NULL;
        if ((am != NULL) == hr) return FAIL(&sx, NCM_ERR_INCONSISTENT, "give either amount or rate (of the year's value)");
        if (am) {
            if ((st = money_of(&sx, am, "amount", &k->premium_amount))) return st;
            k->premium = NCMI_PREMIUM_AMOUNT;
        } else {
            if ((st = get_real(&sx, pm, "rate", 1, NULL, &k->premium_rate, 0, 1))) return st;
            k->premium = NCMI_PREMIUM_RATE;
        }
    }
    return NCM_OK;
}

static ncm_status load_component_b(const ctx *cx0, ncm_contract *c, size_t i, json_t *o)
{
    ctx cx = *cx0;
    ncmi_component *k = &c->comps[i];
    snprintf(cx.where, sizeof cx.where, "components[%zu] \"%s\"", i, k->name);
    static const char *const common[] = {"name", "type", "payer", "payee", "from_year", "to_year"};
    static const char *const extra[][6] = {
        /* upfront */ {"share"},
        /* management_fee */ {"rate"},
        /* capitation */ {"share", "amounts"},
        /* activity */ {"price", "threshold", "marginal_rate"},
        /* care_coordination */ {"pmpm"},
        /* outcome_pot */ {"share", "gate", "carve_from", "framework"},
        /* withhold */ {"of", "rate", "earn_back_threshold", "earn_back_below", "framework"},
        /* vat */ {"rate", "on", "vatable_share", "borne_by", "authority"},
        /* transformation */ {"amounts"},
        /* risk_share */ {"base", "schedule", "split", "cascade"},
        /* stop_loss */ {"attachment", "coinsurance", "limit", "aggregate", "premium"},
    };
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        (void)v;
        int ok = lookup(common, COUNT(common), key) >= 0;
        for (size_t j = 0; !ok && j < 6 && extra[k->type][j]; j++) ok = strcmp(extra[k->type][j], key) == 0;
        if (!ok) return FAIL(&cx, NCM_ERR_PARSE, "unknown field \"%s\" for a %s component", key, type_names[k->type]);
    }
    ncm_status st;
    const char *s = NULL;
    /* payer / payee */
    k->payer = c->commissioner;
    if ((st = get_string(&cx, o, "payer", 0, &s))) return st;
    if (s) {
        if ((st = party_ref(&cx, c, "payer", s, &k->payer))) return st;
        k->has_payer = 1;
    }
    k->payee = c->holder;
    if ((st = get_string(&cx, o, "payee", 0, &s))) return st;
    if (s) {
        k->has_payee = 1;
        if (strcmp(s, "members") == 0) {
            if (c->nmembers == 0) return FAIL(&cx, NCM_ERR_INCONSISTENT, "payee: \"members\" but the contract has no members");
            k->payee = NCMI_PAYEE_MEMBERS;
        } else if ((st = party_ref(&cx, c, "payee", s, &k->payee))) {
            return st;
        }
    }
    if (k->type != NCM_COMPONENT_VAT && k->payee == -1)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "payee: needed (no single prime, lead or provider to pay by default)");
    if (k->payee == NCMI_PAYEE_MEMBERS) {
        for (size_t m = 0; m < c->nmembers; m++)
            if (!c->parties[c->members[m]].has_value_share && k->type != NCM_COMPONENT_RISK_SHARE)
                return FAIL(&cx, NCM_ERR_INCONSISTENT, "payee \"members\" needs a value_share on every member (\"%s\" has none)",
                            c->parties[c->members[m]].name);
    }
    if (k->payee == NCMI_PAYEE_MEMBERS && (k->type == NCM_COMPONENT_ACTIVITY || k->type == NCM_COMPONENT_CARE_COORDINATION ||
                                           k->type == NCM_COMPONENT_STOP_LOSS))
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "payee: \"members\" is not allowed for %s; name one party", type_names[k->type]);
    if (k->payee >= 0 && k->payee == k->payer)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "payer and payee are the same party \"%s\"", c->parties[k->payer].name);
    k->from_year = 1;
    k->to_year = c->term;
    if ((st = year_range(&cx, o, "from_year", c->term, &k->has_from, &k->from_year))) return st;
    if ((st = year_range(&cx, o, "to_year", c->term, &k->has_to, &k->to_year))) return st;
    if (k->from_year > k->to_year) return FAIL(&cx, NCM_ERR_RANGE, "from_year %u is after to_year %u", k->from_year, k->to_year);

    switch (k->type) {
    case NCM_COMPONENT_UPFRONT:
        if ((st = get_real(&cx, o, "share", 1, &k->has_share, &k->share, 0, 1))) return st;
        break;
    case NCM_COMPONENT_MANAGEMENT_FEE:
        if ((st = get_real(&cx, o, "rate", 1, NULL, &k->rate, 0, 1))) return st;
        break;
    case NCM_COMPONENT_CAPITATION: {
        json_t *am = json_object_get(o, "amounts");
        if (am && json_object_get(o, "share"))
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "give either share or amounts, not both");
        if (am) {
            if ((st = get_amounts(&cx, am, "amounts", c->term, &k->amounts))) return st;
        } else if ((st = get_real(&cx, o, "share", 1, &k->has_share, &k->share, 0, 1))) {
            return st;
        }
        break;
    }
    case NCM_COMPONENT_ACTIVITY: {
        if ((st = get_money(&cx, o, "price", &k->price))) return st;
        json_t *th = json_object_get(o, "threshold");
        if (th) {
            if (!json_is_integer(th) || json_integer_value(th) < 0)
                return FAIL(&cx, NCM_ERR_RANGE, "threshold: must be a whole, non-negative volume");
            k->has_threshold = 1;
            k->threshold = (int64_t)json_integer_value(th);
        }
        if ((st = get_real(&cx, o, "marginal_rate", 0, &k->has_marginal, &k->marginal_rate, 0, 10))) return st;
        if (k->has_marginal && !k->has_threshold)
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "marginal_rate: needs a threshold volume");
        break;
    }
    case NCM_COMPONENT_CARE_COORDINATION:
        if ((st = get_money(&cx, o, "pmpm", &k->pmpm))) return st;
        break;
    case NCM_COMPONENT_OUTCOME_POT:
        if ((st = get_real(&cx, o, "share", 1, &k->has_share, &k->share, 0, 1))) return st;
        if ((st = get_real(&cx, o, "gate", 0, &k->has_gate, &k->gate, 0, 1))) return st;
        if ((st = get_string(&cx, o, "carve_from", 0, &s))) return st;
        if (s) {
            int j = find_comp(c, c->ncomps, s);
            if (j < 0) return FAIL(&cx, NCM_ERR_NOT_FOUND, "carve_from: no component named \"%s\"", s);
            if (c->comps[j].type != NCM_COMPONENT_UPFRONT &&
                !(c->comps[j].type == NCM_COMPONENT_CAPITATION && c->comps[j].has_share))
                return FAIL(&cx, NCM_ERR_INCONSISTENT, "carve_from: \"%s\" is not an upfront or share-of-value capitation component", s);
            if (c->comps[j].carved_by >= 0)
                return FAIL(&cx, NCM_ERR_DUPLICATE, "carve_from: \"%s\" is already carved by \"%s\"", s,
                            c->comps[c->comps[j].carved_by].name);
            k->carve_from = j;
            c->comps[j].carved_by = (int)i;
        }
        break;
    case NCM_COMPONENT_WITHHOLD:
        if ((st = get_string(&cx, o, "of", 1, &s))) return st;
        k->of = find_comp(c, c->ncomps, s);
        if (k->of < 0) return FAIL(&cx, NCM_ERR_NOT_FOUND, "of: no component named \"%s\"", s);
        if (c->comps[k->of].type > NCM_COMPONENT_CARE_COORDINATION && c->comps[k->of].type != NCM_COMPONENT_TRANSFORMATION)
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "of: \"%s\" is not a payment line that can be withheld", s);
        if ((st = get_real(&cx, o, "rate", 1, NULL, &k->rate, 0, 1))) return st;
        if ((st = get_real(&cx, o, "earn_back_threshold", 0, &k->has_earn_threshold, &k->earn_threshold, 0, 1))) return st;
        if ((st = get_real(&cx, o, "earn_back_below", 0, &k->has_earn_below, &k->earn_below, 0, 1))) return st;
        if (k->has_earn_below && !k->has_earn_threshold)
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "earn_back_below: needs earn_back_threshold");
        break;
    case NCM_COMPONENT_VAT: {
        if ((st = get_real(&cx, o, "rate", 1, NULL, &k->rate, 0, 1))) return st;
        if ((st = get_real(&cx, o, "vatable_share", 0, &k->has_vatable_share, &k->vatable_share, 0, 1))) return st;
        if ((st = get_string(&cx, o, "borne_by", 1, &s))) return st;
        if (strcmp(s, "provider") == 0) k->borne_by_provider = 1;
        else if (strcmp(s, "commissioner") != 0)
            return FAIL(&cx, NCM_ERR_PARSE, "borne_by: \"%s\" is neither \"provider\" nor \"commissioner\"", s);
        if ((st = get_string(&cx, o, "authority", 1, &s))) return st;
        if ((st = party_ref(&cx, c, "authority", s, &k->authority))) return st;
        if (c->parties[k->authority].role != NCM_ROLE_EXTERNAL)
            return FAIL(&cx, NCM_ERR_INCONSISTENT, "authority: \"%s\" must have role external", s);
        json_t *on = json_object_get(o, "on");
        if (!on) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"on\"");
        if (!json_is_array(on) || json_array_size(on) == 0)
            return FAIL(&cx, NCM_ERR_PARSE, "on: must be a non-empty array of component names");
        k->non = json_array_size(on);
        k->on = ncmi_malloc_array(k->non, sizeof *k->on);
        if (!k->on) return ncmi_nomem("vat lines");
        for (size_t j = 0; j < k->non; j++) {
            json_t *e = json_array_get(on, j);
            if (!json_is_string(e)) return FAIL(&cx, NCM_ERR_PARSE, "on[%zu]: must be a component name", j);
            int m = find_comp(c, c->ncomps, json_string_value(e));
            if (m < 0) return FAIL(&cx, NCM_ERR_NOT_FOUND, "on[%zu]: no component named \"%s\"", j, json_string_value(e));
            if (c->comps[m].type > NCM_COMPONENT_OUTCOME_POT && c->comps[m].type != NCM_COMPONENT_TRANSFORMATION)
                return FAIL(&cx, NCM_ERR_INCONSISTENT, "on[%zu]: \"%s\" is not a payment line VAT can apply to", j,
                            json_string_value(e));
            for (size_t q = 0; q < j; q++)
                if (k->on[q] == m) return FAIL(&cx, NCM_ERR_DUPLICATE, "on[%zu]: \"%s\" listed twice", j, json_string_value(e));
            k->on[j] = m;
        }
        break;
    }
    case NCM_COMPONENT_TRANSFORMATION:
        if (!json_object_get(o, "amounts")) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"amounts\"");
        if ((st = get_amounts(&cx, json_object_get(o, "amounts"), "amounts", c->term, &k->amounts))) return st;
        break;
    case NCM_COMPONENT_RISK_SHARE: {
        if ((st = get_string(&cx, o, "base", 1, &s))) return st;
        if (strcmp(s, "value") != 0) {
            k->base = find_comp(c, c->ncomps, s);
            if (k->base < 0) return FAIL(&cx, NCM_ERR_NOT_FOUND, "base: no component named \"%s\" (or \"value\")", s);
            if (c->comps[k->base].type > NCM_COMPONENT_CARE_COORDINATION)
                return FAIL(&cx, NCM_ERR_INCONSISTENT, "base: \"%s\" is not a payment line", s);
        }
        json_t *sch = json_object_get(o, "schedule");
        if (!sch) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"schedule\"");
        if (json_is_string(sch)) {
            st = ncm_riskshare_builtin(json_string_value(sch), &k->schedule);
            if (st) return FAIL(&cx, st, "schedule: %s", ncm_last_error());
            k->builtin = ncmi_strdup(json_string_value(sch));
            if (!k->builtin) return ncmi_nomem("schedule name");
        } else if (json_is_object(sch)) {
            char where[300];
            snprintf(where, sizeof where, "%s: %s: schedule", cx.file, cx.where);
            if ((st = ncmi_riskshare_from_json(sch, where, &k->schedule))) return st;
        } else {
            return FAIL(&cx, NCM_ERR_PARSE, "schedule: must be a schedule object or a built-in name such as \"circle_bedfordshire\"");
        }
        if (ncm_riskshare_band_count(k->schedule) > 64)
            return FAIL(&cx, NCM_ERR_RANGE, "schedule: %zu bands, at most 64", ncm_riskshare_band_count(k->schedule));
        json_t *sp = json_object_get(o, "split");
        int members_payee = k->payee == NCMI_PAYEE_MEMBERS;
        if (sp) {
            if (!members_payee) return FAIL(&cx, NCM_ERR_INCONSISTENT, "split: only with payee \"members\"");
            if (!json_is_object(sp)) return FAIL(&cx, NCM_ERR_PARSE, "split: must be an object");
            static const char *const skeys[] = {"method", "shares"};
            ctx sx = cx;
            snprintf(sx.where, sizeof sx.where, "components[%zu] \"%s\": split", i, k->name);
            if ((st = check_keys(&sx, sp, skeys, COUNT(skeys)))) return st;
            if ((st = get_string(&sx, sp, "method", 1, &s))) return st;
            int m = lookup(split_names, COUNT(split_names), s);
            if (m <= 0) return FAIL(&sx, NCM_ERR_PARSE, "method: \"%s\" is not fixed, value or variance", s);
            k->split = m;
            json_t *sh = json_object_get(sp, "shares");
            if (m == NCMI_SPLIT_FIXED) {
                if (!json_is_object(sh)) return FAIL(&sx, NCM_ERR_PARSE, "shares: a fixed split needs an object of member shares");
                k->split_shares = ncmi_calloc(c->nparties, sizeof *k->split_shares);
                if (!k->split_shares) return ncmi_nomem("split shares");
                for (size_t p = 0; p < c->nparties; p++) k->split_shares[p] = -1;
                double sum = 0;
                json_t *x;
                json_object_foreach(sh, key, x) {
                    int p = find_party(c, key);
                    if (p < 0) return FAIL(&sx, NCM_ERR_NOT_FOUND, "shares: no party named \"%s\"", key);
                    if (c->parties[p].role != NCM_ROLE_MEMBER)
                        return FAIL(&sx, NCM_ERR_INCONSISTENT, "shares: \"%s\" is not an alliance member", key);
                    if (!json_is_number(x) || !isfinite(json_number_value(x)))
                        return FAIL(&sx, NCM_ERR_PARSE, "shares: \"%s\": must be a number", key);
                    double w = norm15(json_number_value(x));
                    if (w < 0) return FAIL(&sx, NCM_ERR_RANGE, "shares: \"%s\": %g is negative", key, w);
                    k->split_shares[p] = w;
                    sum += w;
                }
                for (size_t q = 0; q < c->nmembers; q++)
                    if (k->split_shares[c->members[q]] < 0)
                        return FAIL(&sx, NCM_ERR_INCONSISTENT, "shares: member \"%s\" has no share", c->parties[c->members[q]].name);
                if (fabs(sum - 1.0) > 1e-9)
                    return FAIL(&sx, NCM_ERR_INCONSISTENT, "shares: sum to %.12g, not 1", sum);
            } else {
                if (sh) return FAIL(&sx, NCM_ERR_INCONSISTENT, "shares: only with method fixed");
                if (m == NCMI_SPLIT_VALUE)
                    for (size_t q = 0; q < c->nmembers; q++)
                        if (!c->parties[c->members[q]].has_value_share)
                            return FAIL(&sx, NCM_ERR_INCONSISTENT, "method value: member \"%s\" has no value_share",
                                        c->parties[c->members[q]].name);
            }
        } else if (members_payee) {
            return FAIL(&cx, NCM_ERR_PARSE, "missing field \"split\" (payee is \"members\")");
        }
        json_t *cas = json_object_get(o, "cascade");
        if (cas) {
            if (!json_is_array(cas)) return FAIL(&cx, NCM_ERR_PARSE, "cascade: must be an array");
            k->ncascade = json_array_size(cas);
            k->cascade = ncmi_calloc(k->ncascade ? k->ncascade : 1, sizeof *k->cascade);
            if (!k->cascade) return ncmi_nomem("cascade");
            for (size_t j = 0; j < k->ncascade; j++) {
                json_t *e = json_array_get(cas, j);
                ctx sx = cx;
                snprintf(sx.where, sizeof sx.where, "components[%zu] \"%s\": cascade[%zu]", i, k->name, j);
                if (!json_is_object(e)) return FAIL(&sx, NCM_ERR_PARSE, "must be an object");
                static const char *const ckeys[] = {"from", "to", "share"};
                if ((st = check_keys(&sx, e, ckeys, COUNT(ckeys)))) return st;
                ncmi_cascade *cc = &k->cascade[j];
                if ((st = get_string(&sx, e, "from", 1, &s)) || (st = party_ref(&sx, c, "from", s, &cc->from))) return st;
                if ((st = get_string(&sx, e, "to", 1, &s)) || (st = party_ref(&sx, c, "to", s, &cc->to))) return st;
                if ((st = get_real(&sx, e, "share", 1, NULL, &cc->share, 0, 1))) return st;
                if (cc->from == cc->to) return FAIL(&sx, NCM_ERR_INCONSISTENT, "from and to are the same party");
                int holder_ok = cc->from == k->payee;
                for (size_t q = 0; q < c->nmembers && !holder_ok; q++)
                    holder_ok = members_payee && cc->from == c->members[q];
                for (size_t q = 0; q < j && !holder_ok; q++) holder_ok = k->cascade[q].to == cc->from;
                if (!holder_ok)
                    return FAIL(&sx, NCM_ERR_INCONSISTENT, "from: \"%s\" holds no share of this risk", c->parties[cc->from].name);
                if (c->parties[cc->to].role == NCM_ROLE_COMMISSIONER || c->parties[cc->to].role == NCM_ROLE_EXTERNAL)
                    return FAIL(&sx, NCM_ERR_INCONSISTENT, "to: \"%s\" is not a provider", c->parties[cc->to].name);
            }
            /* the shares passed down by one party must not exceed 1 */
            for (size_t j = 0; j < k->ncascade; j++) {
                double sum = 0;
                for (size_t q = 0; q < k->ncascade; q++)
                    if (k->cascade[q].from == k->cascade[j].from) sum += k->cascade[q].share;
                if (sum > 1.0 + 1e-9)
                    return FAIL(&cx, NCM_ERR_INCONSISTENT, "cascade: \"%s\" passes down %.12g of its share, more than 1",
                                c->parties[k->cascade[j].from].name, sum);
            }
        }
        break;
    }
    case NCM_COMPONENT_STOP_LOSS:
        if ((st = load_stop_loss(&cx, c, k, o))) return st;
        break;
    }
    json_t *fwj = json_object_get(o, "framework");
    if (fwj) {
        if (!json_is_object(fwj)) return FAIL(&cx, NCM_ERR_PARSE, "framework: must be an ncm.outcomes/1 object");
        char where[300];
        snprintf(where, sizeof where, "%s: %s: framework", cx.file, cx.where);
        if ((st = ncmi_outcome_framework_from_json(fwj, where, &k->framework))) return st;
    }
    if (k->type == NCM_COMPONENT_VAT && k->has_payee)
        return FAIL(&cx, NCM_ERR_INCONSISTENT, "payee: a vat component pays the authority; give \"authority\" instead");
    return NCM_OK;
}

static ncm_status load_components(const ctx *cx, ncm_contract *c, json_t *arr)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return FAIL(cx, NCM_ERR_PARSE, "components: must be a non-empty array");
    size_t n = json_array_size(arr);
    if (n > NCM_CONTRACT_MAX_COMPONENTS)
        return FAIL(cx, NCM_ERR_RANGE, "components: %zu components, at most %d", n, NCM_CONTRACT_MAX_COMPONENTS);
    c->comps = ncmi_calloc(n, sizeof *c->comps);
    if (!c->comps) return ncmi_nomem("contract components");
    ncm_status st;
    /* names and types first, so that references may point forward or back */
    for (size_t i = 0; i < n; i++) {
        if ((st = load_component_a(cx, c, i, json_array_get(arr, i)))) {
            c->ncomps = i + 1;
            return st;
        }
        c->ncomps = i + 1;
    }
    for (size_t i = 0; i < n; i++)
        if ((st = load_component_b(cx, c, i, json_array_get(arr, i)))) return st;
    /* upper bound on the lines of one settled year: payment lines first (one per payee, two for
     * activity), then withholds (two per withheld line), VAT (two per taxed line), risk shares (one per
     * band plus threshold and limit lines, or two per member when pooled, plus cascades) */
    size_t m = c->nmembers > 0 ? c->nmembers : 1, lines = 0, per_comp[NCM_CONTRACT_MAX_COMPONENTS];
    for (size_t i = 0; i < n; i++) {
        const ncmi_component *k = &c->comps[i];
        size_t per = k->payee == NCMI_PAYEE_MEMBERS ? m : 1;
        per_comp[i] = 0;
        if (k->type <= NCM_COMPONENT_OUTCOME_POT || k->type == NCM_COMPONENT_TRANSFORMATION)
            per_comp[i] = k->type == NCM_COMPONENT_ACTIVITY ? 2 * per : per;
        lines += per_comp[i];
    }
    for (size_t i = 0; i < n; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type == NCM_COMPONENT_WITHHOLD) lines += 2 * per_comp[k->of];
        if (k->type == NCM_COMPONENT_VAT)
            for (size_t j = 0; j < k->non; j++) lines += 2 * per_comp[k->on[j]];
        if (k->type == NCM_COMPONENT_RISK_SHARE)
            lines += (k->payee == NCMI_PAYEE_MEMBERS ? 2 * m : ncm_riskshare_band_count(k->schedule) + 2) + k->ncascade;
        if (k->type == NCM_COMPONENT_STOP_LOSS) lines += 3; /* premium, individual, aggregate */
    }
    c->max_lines = lines;
    return NCM_OK;
}

/* ------------------------------------------------------------------ top level */

static ncm_status load_json(json_t *root, const char *file, ncm_contract **out)
{
    ctx cx = {file, ""};
    if (!json_is_object(root)) return FAIL(&cx, NCM_ERR_PARSE, "the document must be a JSON object");
    static const char *const keys[] = {"schema", "name", "form", "scope", "term_years", "value", "parties", "components"};
    ncm_status st = check_keys(&cx, root, keys, COUNT(keys));
    if (st) return st;
    json_t *sv = json_object_get(root, "schema");
    if (!sv) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"schema\"");
    if (!json_is_integer(sv)) return FAIL(&cx, NCM_ERR_PARSE, "schema: must be a whole number");
    if (json_integer_value(sv) != NCM_CONTRACT_SCHEMA)
        return FAIL(&cx, NCM_ERR_VERSION, "schema: version %lld is not supported (this library reads %d)",
                    (long long)json_integer_value(sv), NCM_CONTRACT_SCHEMA);
    const char *name = NULL, *form = NULL, *scope = NULL;
    if ((st = get_string(&cx, root, "name", 1, &name))) return st;
    if ((st = get_string(&cx, root, "form", 1, &form))) return st;
    if ((st = get_string(&cx, root, "scope", 0, &scope))) return st;
    int f = lookup(form_names, COUNT(form_names), form);
    if (f < 0)
        return FAIL(&cx, NCM_ERR_PARSE, "form: unknown form \"%s\" (block, activity, capitated, prime_provider, "
                    "lead_provider, alliance, integrated)", form);
    json_t *tv = json_object_get(root, "term_years");
    if (!tv) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"term_years\"");
    if (!json_is_integer(tv) || json_integer_value(tv) < 1 || json_integer_value(tv) > NCM_CONTRACT_MAX_YEARS)
        return FAIL(&cx, NCM_ERR_RANGE, "term_years: must be a whole number of years from 1 to %d", NCM_CONTRACT_MAX_YEARS);
    if (!json_object_get(root, "value")) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"value\"");
    if (!json_object_get(root, "parties")) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"parties\"");
    if (!json_object_get(root, "components")) return FAIL(&cx, NCM_ERR_PARSE, "missing field \"components\"");

    ncm_contract *c = ncmi_calloc(1, sizeof *c);
    if (!c) return ncmi_nomem("contract");
    c->form = (ncm_contract_form)f;
    c->term = (unsigned)json_integer_value(tv);
    c->name = ncmi_strdup(name);
    c->scope = scope ? ncmi_strdup(scope) : NULL;
    if (!c->name || (scope && !c->scope)) {
        ncm_contract_free(c);
        return ncmi_nomem("contract name");
    }
    if ((st = load_value(&cx, c, json_object_get(root, "value"))) ||
        (st = load_parties(&cx, c, json_object_get(root, "parties"))) ||
        (st = load_components(&cx, c, json_object_get(root, "components")))) {
        ncm_contract_free(c);
        return st;
    }
    *out = c;
    return NCM_OK;
}

static ncm_status load_common(json_t *root, const json_error_t *err, const char *file, ncm_contract **out)
{
    if (!root) {
        if (err->line < 0 && err->position == 0 && strstr(err->text, "open"))
            return ncmi_error(NCM_ERR_IO, "%s: %s", file, err->text);
        return ncmi_error(NCM_ERR_PARSE, "%s:%d:%d: %s", file, err->line, err->column, err->text);
    }
    ncm_contract *c = NULL;
    ncm_status st = load_json(root, file, &c);
    json_decref(root);
    if (st) return st;
    *out = c;
    return NCM_OK;
}

ncm_status ncm_contract_load_file(const char *path, ncm_contract **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_load_file: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open the contract file", path);
    fclose(f);
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    return load_common(root, &err, path, out);
}

ncm_status ncm_contract_load_string(const char *text, const char *name, ncm_contract **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_load_string: NULL argument");
    json_error_t err;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    return load_common(root, &err, name ? name : "<string>", out);
}

/* ------------------------------------------------------------------ writing */

static int set_money(json_t *o, const char *key, ncm_money m)
{
    char b[48];
    ncm_money_format(m, NCM_MONEY_DECIMALS, 0, b, sizeof b);
    return json_object_set_new(o, key, json_string(b));
}

static int set_real(json_t *o, const char *key, double x) { return json_object_set_new(o, key, ncmi_json_number(x)); }

static json_t *amounts_json(const ncm_money *a, unsigned n)
{
    json_t *arr = json_array();
    if (!arr) return NULL;
    for (unsigned i = 0; i < n; i++) {
        char b[48];
        ncm_money_format(a[i], NCM_MONEY_DECIMALS, 0, b, sizeof b);
        if (json_array_append_new(arr, json_string(b))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static const char *payee_name(const ncm_contract *c, int p)
{
    return p == NCMI_PAYEE_MEMBERS ? "members" : c->parties[p].name;
}

static json_t *component_json(const ncm_contract *c, const ncmi_component *k)
{
    json_t *o = json_object();
    if (!o) return NULL;
    int e = 0;
    e |= json_object_set_new(o, "name", json_string(k->name));
    e |= json_object_set_new(o, "type", json_string(type_names[k->type]));
    if (k->has_payer) e |= json_object_set_new(o, "payer", json_string(c->parties[k->payer].name));
    if (k->has_payee) e |= json_object_set_new(o, "payee", json_string(payee_name(c, k->payee)));
    if (k->has_from) e |= json_object_set_new(o, "from_year", json_integer(k->from_year));
    if (k->has_to) e |= json_object_set_new(o, "to_year", json_integer(k->to_year));
    switch (k->type) {
    case NCM_COMPONENT_UPFRONT: e |= set_real(o, "share", k->share); break;
    case NCM_COMPONENT_MANAGEMENT_FEE: e |= set_real(o, "rate", k->rate); break;
    case NCM_COMPONENT_CAPITATION:
        if (k->amounts) e |= json_object_set_new(o, "amounts", amounts_json(k->amounts, c->term));
        else e |= set_real(o, "share", k->share);
        break;
    case NCM_COMPONENT_ACTIVITY:
        e |= set_money(o, "price", k->price);
        if (k->has_threshold) e |= json_object_set_new(o, "threshold", json_integer(k->threshold));
        if (k->has_marginal) e |= set_real(o, "marginal_rate", k->marginal_rate);
        break;
    case NCM_COMPONENT_CARE_COORDINATION: e |= set_money(o, "pmpm", k->pmpm); break;
    case NCM_COMPONENT_OUTCOME_POT:
        e |= set_real(o, "share", k->share);
        if (k->has_gate) e |= set_real(o, "gate", k->gate);
        if (k->carve_from >= 0) e |= json_object_set_new(o, "carve_from", json_string(c->comps[k->carve_from].name));
        break;
    case NCM_COMPONENT_WITHHOLD:
        e |= json_object_set_new(o, "of", json_string(c->comps[k->of].name));
        e |= set_real(o, "rate", k->rate);
        if (k->has_earn_threshold) e |= set_real(o, "earn_back_threshold", k->earn_threshold);
        if (k->has_earn_below) e |= set_real(o, "earn_back_below", k->earn_below);
        break;
    case NCM_COMPONENT_VAT: {
        e |= set_real(o, "rate", k->rate);
        json_t *on = json_array();
        for (size_t j = 0; on && j < k->non; j++) e |= json_array_append_new(on, json_string(c->comps[k->on[j]].name));
        e |= json_object_set_new(o, "on", on);
        if (k->has_vatable_share) e |= set_real(o, "vatable_share", k->vatable_share);
        e |= json_object_set_new(o, "borne_by", json_string(k->borne_by_provider ? "provider" : "commissioner"));
        e |= json_object_set_new(o, "authority", json_string(c->parties[k->authority].name));
        break;
    }
    case NCM_COMPONENT_TRANSFORMATION: e |= json_object_set_new(o, "amounts", amounts_json(k->amounts, c->term)); break;
    case NCM_COMPONENT_RISK_SHARE: {
        e |= json_object_set_new(o, "base", json_string(k->base < 0 ? "value" : c->comps[k->base].name));
        if (k->builtin) {
            e |= json_object_set_new(o, "schedule", json_string(k->builtin));
        } else {
            json_t *sj = NULL;
            if (ncmi_riskshare_to_json(k->schedule, &sj) != NCM_OK) e = 1;
            else e |= json_object_set_new(o, "schedule", sj);
        }
        if (k->split) {
            json_t *sp = json_object();
            if (sp) {
                e |= json_object_set_new(sp, "method", json_string(split_names[k->split]));
                if (k->split == NCMI_SPLIT_FIXED) {
                    json_t *sh = json_object();
                    for (size_t q = 0; sh && q < c->nmembers; q++)
                        e |= set_real(sh, c->parties[c->members[q]].name, k->split_shares[c->members[q]]);
                    e |= json_object_set_new(sp, "shares", sh);
                }
            }
            e |= json_object_set_new(o, "split", sp);
        }
        if (k->cascade) {
            json_t *arr = json_array();
            for (size_t j = 0; arr && j < k->ncascade; j++) {
                json_t *x = json_object();
                if (x) {
                    e |= json_object_set_new(x, "from", json_string(c->parties[k->cascade[j].from].name));
                    e |= json_object_set_new(x, "to", json_string(c->parties[k->cascade[j].to].name));
                    e |= set_real(x, "share", k->cascade[j].share);
                }
                e |= json_array_append_new(arr, x);
            }
            e |= json_object_set_new(o, "cascade", arr);
        }
        break;
    }
    case NCM_COMPONENT_STOP_LOSS:
        if (k->has_individual) {
            e |= set_money(o, "attachment", k->sl_attachment);
            e |= set_real(o, "coinsurance", k->sl_coinsurance);
            if (k->sl_limit) e |= set_money(o, "limit", k->sl_limit);
        }
        if (k->has_aggregate) {
            json_t *ag = json_object();
            if (ag) {
                e |= set_real(ag, "threshold", k->agg_threshold);
                e |= set_real(ag, "coinsurance", k->agg_coinsurance);
                e |= json_object_set_new(ag, "of", json_string(k->agg_of < 0 ? "value" : c->comps[k->agg_of].name));
            }
            e |= json_object_set_new(o, "aggregate", ag);
        }
        if (k->premium) {
            json_t *pm = json_object();
            if (pm) {
                if (k->premium == NCMI_PREMIUM_AMOUNT) e |= set_money(pm, "amount", k->premium_amount);
                else e |= set_real(pm, "rate", k->premium_rate);
            }
            e |= json_object_set_new(o, "premium", pm);
        }
        break;
    }
    if (k->framework) {
        json_t *fj = NULL;
        if (ncmi_outcome_framework_to_json(k->framework, &fj) != NCM_OK) e = 1;
        else e |= json_object_set_new(o, "framework", fj);
    }
    if (e) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *contract_json(const ncm_contract *c)
{
    json_t *r = json_object();
    if (!r) return NULL;
    int e = 0;
    e |= json_object_set_new(r, "schema", json_integer(NCM_CONTRACT_SCHEMA));
    e |= json_object_set_new(r, "name", json_string(c->name));
    e |= json_object_set_new(r, "form", json_string(form_names[c->form]));
    if (c->scope) e |= json_object_set_new(r, "scope", json_string(c->scope));
    e |= json_object_set_new(r, "term_years", json_integer(c->term));
    json_t *v = json_object();
    if (v) {
        if (c->value_explicit) {
            e |= json_object_set_new(v, "by_year", amounts_json(c->values, c->term));
        } else {
            e |= set_money(v, "year1", c->year1);
            e |= set_real(v, "growth", c->growth);
            if (c->has_efficiency) e |= set_real(v, "efficiency", c->efficiency);
        }
    }
    e |= json_object_set_new(r, "value", v);
    json_t *ps = json_array();
    for (size_t i = 0; ps && i < c->nparties; i++) {
        const ncmi_party *p = &c->parties[i];
        json_t *o = json_object();
        if (o) {
            e |= json_object_set_new(o, "name", json_string(p->name));
            e |= json_object_set_new(o, "role", json_string(role_names[p->role]));
            if (p->has_value_share) e |= set_real(o, "value_share", p->value_share);
            if (p->of >= 0) e |= json_object_set_new(o, "of", json_string(c->parties[p->of].name));
        }
        e |= json_array_append_new(ps, o);
    }
    e |= json_object_set_new(r, "parties", ps);
    json_t *cs = json_array();
    for (size_t i = 0; cs && i < c->ncomps; i++) e |= json_array_append_new(cs, component_json(c, &c->comps[i]));
    e |= json_object_set_new(r, "components", cs);
    if (e) {
        json_decref(r);
        return NULL;
    }
    return r;
}

static char *dump(const ncm_contract *c)
{
    json_t *r = contract_json(c);
    if (!r) return NULL;
    char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
    json_decref(r);
    return s;
}

ncm_status ncm_contract_to_json(const ncm_contract *c, char *buf, size_t cap, size_t *len)
{
    if (!c || (!buf && cap)) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_to_json: NULL argument");
    char *s = dump(c);
    if (!s) return ncmi_nomem("contract JSON text");
    size_t n = strlen(s);
    if (len) *len = n + 1; /* the text ends with a newline */
    if (cap < n + 2) {
        free(s);
        if (buf && cap) buf[0] = 0;
        return ncmi_error(NCM_ERR_BUFFER, "ncm_contract_to_json: buffer of %zu bytes, %zu needed", cap, n + 2);
    }
    memcpy(buf, s, n);
    buf[n] = '\n';
    buf[n + 1] = 0;
    free(s);
    return NCM_OK;
}

ncm_status ncm_contract_write_file(const ncm_contract *c, const char *path)
{
    if (!c || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_write_file: NULL argument");
    char *s = dump(c);
    if (!s) return ncmi_nomem("contract JSON text");
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(s);
        return ncmi_error(NCM_ERR_IO, "%s: cannot create the file", path);
    }
    size_t n = strlen(s);
    int bad = fwrite(s, 1, n, f) != n || fputc('\n', f) == EOF;
    bad |= fclose(f) != 0;
    free(s);
    if (bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

/* ------------------------------------------------------------------ accessors */

const char *ncm_contract_name(const ncm_contract *c) { return c ? c->name : ""; }
const char *ncm_contract_scope(const ncm_contract *c) { return c && c->scope ? c->scope : ""; }
ncm_contract_form ncm_contract_get_form(const ncm_contract *c) { return c->form; }
unsigned ncm_contract_term(const ncm_contract *c) { return c ? c->term : 0; }

ncm_status ncm_contract_value(const ncm_contract *c, unsigned year, ncm_money *value)
{
    if (!c || !value) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_value: NULL argument");
    if (year < 1 || year > c->term)
        return ncmi_error(NCM_ERR_RANGE, "ncm_contract_value: year %u is outside the term 1-%u", year, c->term);
    *value = c->values[year - 1];
    return NCM_OK;
}

size_t ncm_contract_party_count(const ncm_contract *c) { return c ? c->nparties : 0; }
const char *ncm_contract_party_name(const ncm_contract *c, size_t i)
{
    return c && i < c->nparties ? c->parties[i].name : NULL;
}
ncm_status ncm_contract_party_role(const ncm_contract *c, size_t i, ncm_party_role *role)
{
    if (!c || !role) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_party_role: NULL argument");
    if (i >= c->nparties) return ncmi_error(NCM_ERR_RANGE, "ncm_contract_party_role: party %zu of %zu", i, c->nparties);
    *role = c->parties[i].role;
    return NCM_OK;
}
ncm_status ncm_contract_find_party(const ncm_contract *c, const char *name, size_t *index)
{
    if (!c || !name || !index) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_find_party: NULL argument");
    int p = find_party(c, name);
    if (p < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "contract \"%s\": no party named \"%s\"", c->name, name);
    *index = (size_t)p;
    return NCM_OK;
}
size_t ncm_contract_component_count(const ncm_contract *c) { return c ? c->ncomps : 0; }
const char *ncm_contract_component_name(const ncm_contract *c, size_t i)
{
    return c && i < c->ncomps ? c->comps[i].name : NULL;
}
ncm_status ncm_contract_component_type(const ncm_contract *c, size_t i, ncm_component_type *type)
{
    if (!c || !type) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_component_type: NULL argument");
    if (i >= c->ncomps) return ncmi_error(NCM_ERR_RANGE, "ncm_contract_component_type: component %zu of %zu", i, c->ncomps);
    *type = c->comps[i].type;
    return NCM_OK;
}
ncm_status ncm_contract_find_component(const ncm_contract *c, const char *name, size_t *index)
{
    if (!c || !name || !index) return ncmi_error(NCM_ERR_INVALID, "ncm_contract_find_component: NULL argument");
    int k = find_comp(c, c->ncomps, name);
    if (k < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "contract \"%s\": no component named \"%s\"", c->name, name);
    *index = (size_t)k;
    return NCM_OK;
}
