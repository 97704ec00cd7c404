/* Settlement engine: contract + actuals -> ledger; bulk allocation-free settler; CSV/JSON writers. */
#include "ncm/settle.h"

#include "ncm/capitation.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/common.h"
#include "internal/csvout.h"
#include "internal/int128.h"
#include "internal/contract_impl.h"
#include "internal/csv.h"
#include "internal/dict.h"
#include "internal/json.h"

#define MAXP NCM_CONTRACT_MAX_PARTIES
#define MAXC NCM_CONTRACT_MAX_COMPONENTS
#define MAXB 64 /* bands per risk-share schedule (checked when the contract loads) */

static const char *const kind_names[] = {
    "upfront", "management_fee", "capitation", "activity", "activity_marginal", "care_coordination", "outcome",
    "withhold", "earn_back", "vat_funded", "vat", "transformation", "risk_share", "risk_threshold", "risk_limit",
    "risk_pool", "risk_member", "cascade", "unmatched", "stop_loss", "stop_loss_aggregate", "stop_loss_premium"};

const char *ncm_line_kind_name(ncm_line_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "unknown";
}

/* ================================================================== the engine */

typedef struct sline {
    unsigned year;
    uint16_t comp;
    uint8_t kind;
    int16_t payer, payee;
    int16_t ref; /* risk band index, source component (vat, withhold), or -1 */
    ncm_money base;
    double rate;
    ncm_money amount;
} sline;

typedef struct risk_rec {
    unsigned year;
    uint16_t comp;
    ncm_money base, variance, provider, commissioner;
} risk_rec;

typedef struct yin {
    unsigned year;
    int bulk;
    size_t trial;
    ncm_money total_cost;
    int has_total;
    const ncm_money *party_cost;     /* nparties, or NULL */
    const unsigned char *has_party;  /* nparties, or NULL = all present when party_cost given */
    const double *score;             /* per component (NaN = not given), or NULL */
    double score_all;                /* NaN = not given */
    const int64_t *volume;           /* per component, or NULL */
    const unsigned char *has_volume; /* per component, or NULL = all present */
    const double *mm;                /* per component, or NULL */
    const unsigned char *has_mm;
    const ncm_money *person_cost;    /* nperson per-person costs of the year, or NULL */
    size_t nperson;
} yin;

typedef struct yout {
    sline *lines;
    size_t n, cap;
    risk_rec risk[MAXC];
    size_t nrisk;
    ncm_money cost_used; /* total cost of the year */
} yout;

static ncm_status yfail(const yin *in, ncm_status st, const char *fmt, ...) NCMI_PRINTF(3, 4);
static ncm_status yfail(const yin *in, ncm_status st, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (in->bulk) return ncmi_error(st, "trial %zu, year %u: %s", in->trial, in->year, msg);
    return ncmi_error(st, "year %u: %s", in->year, msg);
}

static ncm_status emit(const yin *in, yout *o, size_t comp, int kind, int payer, int payee, int ref, ncm_money base,
                       double rate, ncm_money amount)
{
    if (o->n >= o->cap) return yfail(in, NCM_ERR_INTERNAL, "ledger line bound exceeded");
    if (amount < 0) {
        int t = payer;
        payer = payee;
        payee = t;
        amount = -amount;
    }
    sline *l = &o->lines[o->n++];
    l->year = in->year;
    l->comp = (uint16_t)comp;
    l->kind = (uint8_t)kind;
    l->payer = (int16_t)payer;
    l->payee = (int16_t)payee;
    l->ref = (int16_t)ref;
    l->base = base;
    l->rate = rate;
    l->amount = amount;
    return NCM_OK;
}

/* The allocation-free largest-remainder split of money.c (n <= NCMI_SPLIT_SMALL = the party limit). */
static int split_small(ncm_money total, const double *w, size_t n, ncm_money *out)
{
    return ncmi_money_split_small(total, w, n, out) == NCM_OK ? 0 : -1;
}

static ncm_status mulr(const yin *in, const ncmi_component *k, ncm_money a, double r, ncm_money *out)
{
    if (ncm_money_mul_rate(a, r, NCM_ROUND_HALF_EVEN, out) != NCM_OK)
        return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": amount out of range", k->name);
    return NCM_OK;
}

/* total += the amounts of lines [first, o->n), checked (a sum of lines can exceed the money range). */
static ncm_status add_lines(const yin *in, const yout *o, size_t first, const ncmi_component *k, ncm_money *total)
{
    for (size_t j = first; j < o->n; j++)
        if (ncm_money_add(*total, o->lines[j].amount, total) != NCM_OK)
            return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": total of its lines out of range", k->name);
    return NCM_OK;
}

static void member_weights(const ncm_contract *c, double *w)
{
    for (size_t m = 0; m < c->nmembers; m++) w[m] = c->parties[c->members[m]].value_share;
}

/* Emit a payment of `amount` from payer to payee, or split by value share when payee is the members. */
static ncm_status pay(const ncm_contract *c, const yin *in, yout *o, size_t comp, int kind, int payer, int payee,
                      ncm_money base, double rate, ncm_money amount)
{
    if (payee != NCMI_PAYEE_MEMBERS) return emit(in, o, comp, kind, payer, payee, -1, base, rate, amount);
    double w[MAXP];
    ncm_money parts[MAXP], bparts[MAXP];
    member_weights(c, w);
    if (split_small(amount, w, c->nmembers, parts) || split_small(base, w, c->nmembers, bparts))
        return yfail(in, NCM_ERR_INTERNAL, "component \"%s\": member value shares sum to zero", c->comps[comp].name);
    for (size_t m = 0; m < c->nmembers; m++) {
        ncm_status st = emit(in, o, comp, kind, payer, c->members[m], -1, bparts[m], rate, parts[m]);
        if (st) return st;
    }
    return NCM_OK;
}

static int active(const ncmi_component *k, unsigned y) { return y >= k->from_year && y <= k->to_year; }

static ncm_status get_score(const yin *in, size_t comp, const ncmi_component *k, double *s)
{
    double x = in->score ? in->score[comp] : NAN;
    if (isnan(x)) x = in->score_all;
    if (isnan(x)) return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no outcome score", k->name);
    if (!(x >= 0 && x <= 1)) return yfail(in, NCM_ERR_RANGE, "component \"%s\": score %g is outside [0, 1]", k->name, x);
    *s = x;
    return NCM_OK;
}

static ncm_status party_cost(const ncm_contract *c, const yin *in, int p, ncm_money *out)
{
    if (!in->party_cost || (in->has_party && !in->has_party[p]))
        return yfail(in, NCM_ERR_NOT_FOUND, "no actual cost for party \"%s\"", c->parties[p].name);
    *out = in->party_cost[p];
    return NCM_OK;
}

static ncm_status risk_share(const ncm_contract *c, const yin *in, yout *o, size_t ki, const ncm_money *comp_total,
                             ncm_money *kept)
{
    const ncmi_component *k = &c->comps[ki];
    ncm_money T = k->base < 0 ? c->values[in->year - 1] : comp_total[k->base];
    if (T <= 0) return yfail(in, NCM_ERR_RANGE, "component \"%s\": risk-share base is not positive", k->name);
    const int comm = c->commissioner;
    ncm_money bv[MAXB], bp[MAXB], adj, prov, cshare, cost;
    size_t nb = ncm_riskshare_band_count(k->schedule);
    ncm_money bud[MAXP], own[MAXP];
    int pooled = k->payee == NCMI_PAYEE_MEMBERS;
    ncm_status st;
    if (pooled) {
        /* member budgets: the base component's lines to each member, else T split by value share */
        int from_lines = k->base >= 0 && c->comps[k->base].payee == NCMI_PAYEE_MEMBERS;
        if (from_lines) {
            for (size_t m = 0; m < c->nmembers; m++) bud[m] = 0;
            for (size_t i = 0; i < o->n; i++) {
                const sline *l = &o->lines[i];
                if (l->comp != k->base) continue;
                for (size_t m = 0; m < c->nmembers; m++)
                    if (l->payee == c->members[m] && ncm_money_add(bud[m], l->amount, &bud[m]) != NCM_OK)
                        return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": member budget out of range", k->name);
            }
        } else {
            double w[MAXP];
            for (size_t m = 0; m < c->nmembers; m++) {
                if (!c->parties[c->members[m]].has_value_share)
                    return yfail(in, NCM_ERR_INCONSISTENT, "component \"%s\": member \"%s\" has no value_share to set its budget",
                                 k->name, c->parties[c->members[m]].name);
                w[m] = c->parties[c->members[m]].value_share;
            }
            if (split_small(T, w, c->nmembers, bud)) return yfail(in, NCM_ERR_INTERNAL, "budget split failed");
        }
        cost = 0;
        for (size_t m = 0; m < c->nmembers; m++) {
            ncm_money cm = 0;
            if ((st = party_cost(c, in, c->members[m], &cm))) return st;
            own[m] = bud[m] - cm;
            cost += cm;
        }
    } else {
        cost = o->cost_used;
    }
    if (ncm_riskshare_explain(k->schedule, T, cost, bv, bp, MAXB, &adj, &prov, &cshare) != NCM_OK)
        return yfail(in, NCM_ERR_RANGE, "component \"%s\": %s", k->name, ncm_last_error());
    ncm_money v = T - cost;
    risk_rec *r = &o->risk[o->nrisk++];
    r->year = in->year;
    r->comp = (uint16_t)ki;
    r->base = T;
    r->variance = v;
    r->provider = prov;
    r->commissioner = cshare;
    for (size_t p = 0; p < c->nparties; p++) kept[p] = 0;
    if (!pooled) {
        /* single holder: the commissioner's part of each band moves between holder and commissioner */
        const int h = k->payee;
        ncm_money sumbv = 0;
        for (size_t b = 0; b < nb; b++) {
            sumbv += bv[b];
            if (bv[b] == 0) continue;
            double lo, hi, sh;
            int side;
            ncm_riskshare_band(k->schedule, b, &side, &lo, &hi, &sh);
            ncm_money cpart = bv[b] - bp[b]; /* > 0: the commissioner's part of a surplus */
            /* a threshold that gates sharing off leaves the whole band with the commissioner */
            double rate = (bp[b] == 0 && sh > 0) ? 1.0 : 1.0 - sh;
            /* cpart > 0: the holder returns the commissioner's part of a surplus; < 0: the commissioner
             * pays its part of a loss (emit turns the direction round) */
            if ((st = emit(in, o, ki, NCM_LINE_RISK_SHARE, h, comm, (int)b, bv[b] < 0 ? -bv[b] : bv[b], rate, cpart)))
                return st;
        }
        if (v - sumbv != 0 && (st = emit(in, o, ki, NCM_LINE_RISK_THRESHOLD, h, comm, -1, (v - sumbv) < 0 ? sumbv - v : v - sumbv, 1.0, v - sumbv)))
            return st;
        if (adj != 0 && (st = emit(in, o, ki, NCM_LINE_RISK_LIMIT, h, comm, -1, adj < 0 ? -adj : adj, 1.0, -adj))) return st;
        kept[h] = prov;
    } else {
        for (size_t m = 0; m < c->nmembers; m++) {
            /* own surplus goes into the pool (member -> commissioner); own deficit is met from it */
            if ((st = emit(in, o, ki, NCM_LINE_RISK_POOL, c->members[m], comm, -1, own[m] < 0 ? -own[m] : own[m], 1.0, own[m])))
                return st;
        }
        double w[MAXP];
        int any = 0;
        for (size_t m = 0; m < c->nmembers; m++) {
            int p = c->members[m];
            switch (k->split) {
            case NCMI_SPLIT_FIXED: w[m] = k->split_shares[p]; break;
            case NCMI_SPLIT_VALUE: w[m] = c->parties[p].value_share; break;
            default: /* variance: in proportion to each member's own variance in the system's direction */
                w[m] = (double)(prov >= 0 ? (own[m] > 0 ? own[m] : 0) : (own[m] < 0 ? -own[m] : 0));
                break;
            }
            if (w[m] > 0) any = 1;
        }
        if (!any) /* nobody moved the system's way: fall back to equal shares */
            for (size_t m = 0; m < c->nmembers; m++) w[m] = 1.0;
        double wsum = 0;
        for (size_t m = 0; m < c->nmembers; m++) wsum += w[m];
        ncm_money parts[MAXP];
        if (split_small(prov, w, c->nmembers, parts)) return yfail(in, NCM_ERR_INTERNAL, "member split failed");
        for (size_t m = 0; m < c->nmembers; m++) {
            if ((st = emit(in, o, ki, NCM_LINE_RISK_MEMBER, comm, c->members[m], -1, prov < 0 ? -prov : prov,
                           w[m] / wsum, parts[m])))
                return st;
            kept[c->members[m]] = parts[m];
        }
    }
    /* cascades: a stated share of a party's result passes down, on its result before its own cascades */
    ncm_money basis[MAXP];
    unsigned char have[MAXP] = {0};
    for (size_t j = 0; j < k->ncascade; j++) {
        const ncmi_cascade *cc = &k->cascade[j];
        if (!have[cc->from]) {
            basis[cc->from] = kept[cc->from];
            have[cc->from] = 1;
        }
        ncm_money pass;
        if ((st = mulr(in, k, basis[cc->from], cc->share, &pass))) return st;
        kept[cc->from] -= pass;
        kept[cc->to] += pass;
        if ((st = emit(in, o, ki, NCM_LINE_CASCADE, cc->from, cc->to, -1, basis[cc->from] < 0 ? -basis[cc->from] : basis[cc->from],
                       cc->share, pass)))
            return st;
    }
    return NCM_OK;
}

/* Stop-loss (capitation.h's ncm_stop_loss): premium provider -> protector, then the individual and
 * aggregate recoveries protector -> provider. Stop-loss components layer in contract order: the
 * retained cost an aggregate cover sees is the year's total cost less the individual recoveries of
 * this component and every recovery of the stop-loss components before it (*prior, updated here).
 * No allocation. */
static ncm_status stop_loss(const ncm_contract *c, const yin *in, yout *o, size_t ki, const ncm_money *comp_total,
                            int have_cost, ncm_money *prior)
{
    const ncmi_component *k = &c->comps[ki];
    const ncm_money V = c->values[in->year - 1];
    ncm_status st;
    char why[400];
    if (k->premium) {
        ncm_money amt = k->premium_amount, base = k->premium_amount;
        double rate = 1.0;
        if (k->premium == NCMI_PREMIUM_RATE) {
            base = V;
            rate = k->premium_rate;
            if ((st = mulr(in, k, V, rate, &amt))) return st;
        }
        if ((st = emit(in, o, ki, NCM_LINE_STOP_LOSS_PREMIUM, k->payee, k->payer, -1, base, rate, amt))) return st;
    }
    if (!have_cost && !k->has_individual) return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no actual cost", k->name);
    ncm_money ind = 0, agg = 0;
    if (k->has_individual) {
        if (!in->person_cost)
            return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no per-person costs for the individual stop-loss%s", k->name,
                         in->bulk ? " (ncm_settler_run has none; use ncm_settler_run_persons)" : "");
        ncm_stop_loss_options so = NCM_STOP_LOSS_OPTIONS_INIT, layer;
        ncm_money excess = 0;
        so.attachment = k->sl_attachment;
        so.coinsurance = k->sl_coinsurance;
        so.limit = k->sl_limit;
        layer = so;
        layer.coinsurance = 0.0; /* the covered layer: the same terms with nothing retained */
        if ((st = ncm_stop_loss(&so, in->nperson, in->person_cost, NULL, NULL, NULL, &ind, NULL)) ||
            (st = ncm_stop_loss(&layer, in->nperson, in->person_cost, NULL, NULL, NULL, &excess, NULL))) {
            snprintf(why, sizeof why, "%s", ncm_last_error());
            return yfail(in, st, "component \"%s\": %s", k->name, why);
        }
        if ((st = emit(in, o, ki, NCM_LINE_STOP_LOSS, k->payer, k->payee, -1, excess, 1.0 - k->sl_coinsurance, ind)))
            return st;
    }
    if (k->has_aggregate) {
        /* the provider's retained total as one amount, no individual cover (coinsurance 1) */
        ncm_stop_loss_options so = NCM_STOP_LOSS_OPTIONS_INIT;
        ncm_money retained = o->cost_used - ind - *prior, T = 0;
        if (retained < 0) retained = 0;
        so.coinsurance = 1.0;
        so.aggregate_threshold = k->agg_threshold;
        so.aggregate_coinsurance = k->agg_coinsurance;
        so.expected_total = k->agg_of < 0 ? V : comp_total[k->agg_of];
        if ((st = ncm_stop_loss(&so, 1, &retained, NULL, NULL, NULL, NULL, &agg))) {
            snprintf(why, sizeof why, "%s", ncm_last_error());
            return yfail(in, st, "component \"%s\": %s", k->name, why);
        }
        if ((st = mulr(in, k, so.expected_total, k->agg_threshold, &T))) return st;
        if ((st = emit(in, o, ki, NCM_LINE_STOP_LOSS_AGGREGATE, k->payer, k->payee, -1, retained > T ? retained - T : 0,
                       1.0 - k->agg_coinsurance, agg)))
            return st;
    }
    if (ncm_money_add(*prior, ind, prior) || ncm_money_add(*prior, agg, prior))
        return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": recoveries out of range", k->name);
    return NCM_OK;
}

/* Phase 1 of a year: the lines that do not depend on the year's actuals (outcome pots' sizes, and the
 * up-front, capitation, management fee and transformation lines). Resets o. No allocation. */
static ncm_status settle_fixed(const ncm_contract *c, const yin *in, yout *o, ncm_money *pot, ncm_money *total)
{
    const unsigned y = in->year;
    const ncm_money V = c->values[y - 1];
    ncm_status st;
    o->n = 0;
    o->nrisk = 0;
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        pot[i] = 0;
        total[i] = 0;
        if (k->type == NCM_COMPONENT_OUTCOME_POT && active(k, y) && (st = mulr(in, k, V, k->share, &pot[i]))) return st;
    }
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (!active(k, y)) continue;
        size_t first = o->n;
        ncm_money amt, base;
        switch (k->type) {
        case NCM_COMPONENT_UPFRONT:
        case NCM_COMPONENT_CAPITATION:
            if (k->amounts) {
                st = pay(c, in, o, i, NCM_LINE_CAPITATION, k->payer, k->payee, k->amounts[y - 1], 1.0, k->amounts[y - 1]);
            } else {
                base = V - (k->carved_by >= 0 ? pot[k->carved_by] : 0);
                if ((st = mulr(in, k, base, k->share, &amt))) return st;
                st = pay(c, in, o, i, k->type == NCM_COMPONENT_UPFRONT ? NCM_LINE_UPFRONT : NCM_LINE_CAPITATION, k->payer,
                         k->payee, base, k->share, amt);
            }
            break;
        case NCM_COMPONENT_MANAGEMENT_FEE:
            if ((st = mulr(in, k, V, k->rate, &amt))) return st;
            st = pay(c, in, o, i, NCM_LINE_MANAGEMENT_FEE, k->payer, k->payee, V, k->rate, amt);
            break;
        case NCM_COMPONENT_TRANSFORMATION:
            st = pay(c, in, o, i, NCM_LINE_TRANSFORMATION, k->payer, k->payee, k->amounts[y - 1], 1.0, k->amounts[y - 1]);
            break;
        default:
            continue;
        }
        if (st) return st;
        if ((st = add_lines(in, o, first, k, &total[i]))) return st;
    }
    return NCM_OK;
}

/* Phase 2: everything that depends on the actuals, appended after the fixed lines. total[] holds the
 * fixed components' totals on entry and is completed here. No allocation. */
static ncm_status settle_variable(const ncm_contract *c, const yin *in, yout *o, const ncm_money *pot, ncm_money *total)
{
    const unsigned y = in->year;
    ncm_status st;
    /* total cost */
    ncm_money sum = 0;
    int anyp = 0;
    if (in->party_cost) {
        for (size_t p = 0; p < c->nparties; p++) {
            if (in->has_party && !in->has_party[p]) continue;
            if (in->party_cost[p] < 0)
                return yfail(in, NCM_ERR_RANGE, "cost of \"%s\" is negative", c->parties[p].name);
            if (ncm_money_add(sum, in->party_cost[p], &sum)) return yfail(in, NCM_ERR_OVERFLOW, "total cost out of range");
            anyp = 1;
        }
    }
    if (in->has_total) {
        if (in->total_cost < 0) return yfail(in, NCM_ERR_RANGE, "total cost is negative");
        if (anyp && sum != in->total_cost) {
            char a[48], b[48];
            ncm_money_format(in->total_cost, 2, 0, a, sizeof a);
            ncm_money_format(sum, 2, 0, b, sizeof b);
            return yfail(in, NCM_ERR_INCONSISTENT, "total cost %s differs from the sum of party costs %s", a, b);
        }
        sum = in->total_cost;
    }
    o->cost_used = sum;
    int have_cost = anyp || in->has_total;
    /* activity and care coordination */
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (!active(k, y)) continue;
        size_t first = o->n;
        ncm_money amt, base;
        switch (k->type) {
        case NCM_COMPONENT_ACTIVITY: {
            if (!in->volume || (in->has_volume && !in->has_volume[i]))
                return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no activity volume", k->name);
            int64_t vol = in->volume[i];
            if (vol < 0) return yfail(in, NCM_ERR_RANGE, "component \"%s\": volume %lld is negative", k->name, (long long)vol);
            int64_t below = vol, above = 0;
            if (k->has_threshold && k->has_marginal && vol > k->threshold) {
                below = k->threshold;
                above = vol - k->threshold;
            }
            if (ncm_money_mul_int(k->price, below, &amt))
                return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": price x volume out of range", k->name);
            if ((st = emit(in, o, i, NCM_LINE_ACTIVITY, k->payer, k->payee, -1, k->price, (double)below, amt))) return st;
            if (above > 0) {
                if (ncm_money_mul_int(k->price, above, &base))
                    return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": price x volume out of range", k->name);
                if ((st = mulr(in, k, base, k->marginal_rate, &amt))) return st;
                st = emit(in, o, i, NCM_LINE_ACTIVITY_MARGINAL, k->payer, k->payee, -1, base, k->marginal_rate, amt);
            }
            break;
        }
        case NCM_COMPONENT_CARE_COORDINATION: {
            if (!in->mm || (in->has_mm && !in->has_mm[i]))
                return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no member-months", k->name);
            double mm = in->mm[i];
            if (!(mm >= 0) || !(mm < 9e12))
                return yfail(in, NCM_ERR_RANGE, "component \"%s\": member-months %g out of range", k->name, mm);
            if (ncm_money_mul_frac(k->pmpm, llround(mm * 1000.0), 1000, NCM_ROUND_HALF_EVEN, &amt))
                return yfail(in, NCM_ERR_OVERFLOW, "component \"%s\": PMPM x member-months out of range", k->name);
            st = emit(in, o, i, NCM_LINE_CARE_COORDINATION, k->payer, k->payee, -1, k->pmpm, (double)llround(mm * 1000.0) / 1000.0, amt);
            break;
        }
        default:
            continue;
        }
        if (st) return st;
        if ((st = add_lines(in, o, first, k, &total[i]))) return st;
    }
    /* outcome pots */
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type != NCM_COMPONENT_OUTCOME_POT || !active(k, y)) continue;
        double s = 0;
        ncm_money amt;
        if ((st = get_score(in, i, k, &s))) return st;
        double r = (k->has_gate && s < k->gate) ? 0.0 : s;
        if ((st = mulr(in, k, pot[i], r, &amt))) return st;
        size_t first = o->n;
        if ((st = pay(c, in, o, i, NCM_LINE_OUTCOME, k->payer, k->payee, pot[i], r, amt))) return st;
        if ((st = add_lines(in, o, first, k, &total[i]))) return st;
    }
    /* withholds */
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type != NCM_COMPONENT_WITHHOLD || !active(k, y)) continue;
        double s = 0, f;
        if ((st = get_score(in, i, k, &s))) return st;
        if (k->has_earn_threshold) f = s >= k->earn_threshold ? 1.0 : (k->has_earn_below ? k->earn_below : 0.0);
        else f = s;
        size_t n0 = o->n;
        for (size_t j = 0; j < n0; j++) {
            sline l = o->lines[j];
            if (l.comp != k->of) continue;
            ncm_money w, e;
            if ((st = mulr(in, k, l.amount, k->rate, &w)) || (st = mulr(in, k, w, f, &e))) return st;
            if ((st = emit(in, o, i, NCM_LINE_WITHHOLD, l.payee, l.payer, k->of, l.amount, k->rate, w))) return st;
            if ((st = emit(in, o, i, NCM_LINE_EARN_BACK, l.payer, l.payee, k->of, w, f, e))) return st;
        }
    }
    /* VAT */
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type != NCM_COMPONENT_VAT || !active(k, y)) continue;
        size_t n0 = o->n;
        for (size_t q = 0; q < k->non; q++) {
            for (size_t j = 0; j < n0; j++) {
                sline l = o->lines[j];
                if (l.comp != k->on[q] || l.kind == NCM_LINE_WITHHOLD || l.kind == NCM_LINE_EARN_BACK) continue;
                ncm_money b = l.amount, vat;
                if (k->has_vatable_share && (st = mulr(in, k, l.amount, k->vatable_share, &b))) return st;
                if ((st = mulr(in, k, b, k->rate, &vat))) return st;
                if (!k->borne_by_provider &&
                    (st = emit(in, o, i, NCM_LINE_VAT_FUNDED, l.payer, l.payee, k->on[q], b, k->rate, vat)))
                    return st;
                if ((st = emit(in, o, i, NCM_LINE_VAT, l.payee, k->authority, k->on[q], b, k->rate, vat))) return st;
            }
        }
    }
    /* stop-loss */
    ncm_money recovered = 0;
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type != NCM_COMPONENT_STOP_LOSS || !active(k, y)) continue;
        if ((st = stop_loss(c, in, o, i, total, have_cost, &recovered))) return st;
    }
    /* risk shares */
    for (size_t i = 0; i < c->ncomps; i++) {
        const ncmi_component *k = &c->comps[i];
        if (k->type != NCM_COMPONENT_RISK_SHARE || !active(k, y)) continue;
        if (!have_cost && k->payee != NCMI_PAYEE_MEMBERS)
            return yfail(in, NCM_ERR_NOT_FOUND, "component \"%s\": no actual cost", k->name);
        ncm_money kept[MAXP];
        if ((st = risk_share(c, in, o, i, total, kept))) return st;
    }
    return NCM_OK;
}

/* Settle one year into o. No allocation. */
static ncm_status settle_year(const ncm_contract *c, const yin *in, yout *o)
{
    ncm_money pot[MAXC], total[MAXC];
    ncm_status st = settle_fixed(c, in, o, pot, total);
    return st ? st : settle_variable(c, in, o, pot, total);
}

/* ================================================================== actuals */

typedef struct paid_rec {
    unsigned year;
    int comp, payer, payee;
    ncm_money amount;
} paid_rec;

struct ncm_actuals {
    const ncm_contract *c;
    unsigned term;
    size_t np, nc;
    unsigned char *touched;    /* term */
    ncm_money *total;          /* term */
    unsigned char *has_total;  /* term */
    ncm_money *pcost;          /* term x np */
    unsigned char *has_pcost;
    int64_t *volume;           /* term x nc */
    unsigned char *has_volume;
    double *mm;                /* term x nc */
    unsigned char *has_mm;
    double *score;             /* term x nc, NaN = not set */
    double *score_all;         /* term */
    paid_rec *paid;
    size_t npaid, paidcap;
    ncm_money **person;        /* term: the year's per-person costs, or NULL */
    int **person_party;        /* term: party index of each person, or NULL (not attributed) */
    size_t *nperson;           /* term */
};

void ncm_actuals_free(ncm_actuals *a)
{
    if (!a) return;
    ncmi_free(a->touched);
    ncmi_free(a->total);
    ncmi_free(a->has_total);
    ncmi_free(a->pcost);
    ncmi_free(a->has_pcost);
    ncmi_free(a->volume);
    ncmi_free(a->has_volume);
    ncmi_free(a->mm);
    ncmi_free(a->has_mm);
    ncmi_free(a->score);
    ncmi_free(a->score_all);
    ncmi_free(a->paid);
    for (size_t y = 0; a->person && y < a->term; y++) {
        ncmi_free(a->person[y]);
        if (a->person_party) ncmi_free(a->person_party[y]);
    }
    ncmi_free(a->person);
    ncmi_free(a->person_party);
    ncmi_free(a->nperson);
    ncmi_free(a);
}

ncm_status ncm_actuals_create(const ncm_contract *c, ncm_actuals **out)
{
    if (!c || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_create: NULL argument");
    ncm_actuals *a = ncmi_calloc(1, sizeof *a);
    if (!a) return ncmi_nomem("actuals");
    a->c = c;
    a->term = c->term;
    a->np = c->nparties;
    a->nc = c->ncomps;
    size_t t = c->term;
    a->touched = ncmi_calloc(t, 1);
    a->total = ncmi_calloc(t, sizeof *a->total);
    a->has_total = ncmi_calloc(t, 1);
    a->pcost = ncmi_calloc(t * a->np, sizeof *a->pcost);
    a->has_pcost = ncmi_calloc(t * a->np, 1);
    a->volume = ncmi_calloc(t * a->nc, sizeof *a->volume);
    a->has_volume = ncmi_calloc(t * a->nc, 1);
    a->mm = ncmi_calloc(t * a->nc, sizeof *a->mm);
    a->has_mm = ncmi_calloc(t * a->nc, 1);
    a->score = ncmi_malloc_array(t * a->nc, sizeof *a->score);
    a->score_all = ncmi_malloc_array(t, sizeof *a->score_all);
    a->person = ncmi_calloc(t, sizeof *a->person);
    a->person_party = ncmi_calloc(t, sizeof *a->person_party);
    a->nperson = ncmi_calloc(t, sizeof *a->nperson);
    if (!a->touched || !a->total || !a->has_total || !a->pcost || !a->has_pcost || !a->volume || !a->has_volume ||
        !a->mm || !a->has_mm || !a->score || !a->score_all || !a->person || !a->person_party || !a->nperson) {
        ncm_actuals_free(a);
        return ncmi_nomem("actuals");
    }
    for (size_t i = 0; i < t * a->nc; i++) a->score[i] = NAN;
    for (size_t i = 0; i < t; i++) a->score_all[i] = NAN;
    *out = a;
    return NCM_OK;
}

static ncm_status check_year(const ncm_actuals *a, unsigned year)
{
    if (year < 1 || year > a->term)
        return ncmi_error(NCM_ERR_RANGE, "year %u is outside the contract term 1-%u", year, a->term);
    return NCM_OK;
}

static int comp_index(const ncm_contract *c, const char *name)
{
    for (size_t i = 0; i < c->ncomps; i++)
        if (strcmp(c->comps[i].name, name) == 0) return (int)i;
    return -1;
}

static int party_index(const ncm_contract *c, const char *name)
{
    for (size_t i = 0; i < c->nparties; i++)
        if (strcmp(c->parties[i].name, name) == 0) return (int)i;
    return -1;
}

static ncm_status comp_of_type(const ncm_actuals *a, const char *name, int t1, int t2, int *out)
{
    int k = comp_index(a->c, name);
    if (k < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "no component named \"%s\"", name);
    int t = (int)a->c->comps[k].type;
    if (t != t1 && t != t2)
        return ncmi_error(NCM_ERR_NOT_FOUND, "component \"%s\" is a %s component, not %s", name,
                          ncm_component_type_name((ncm_component_type)t), ncm_component_type_name((ncm_component_type)t1));
    *out = k;
    return NCM_OK;
}

ncm_status ncm_actuals_set_cost(ncm_actuals *a, unsigned year, const char *party, ncm_money cost)
{
    if (!a) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_set_cost: NULL actuals");
    ncm_status st = check_year(a, year);
    if (st) return st;
    if (cost < 0) return ncmi_error(NCM_ERR_RANGE, "year %u: cost of \"%s\" is negative", year, party ? party : "total");
    if (!party) {
        a->total[year - 1] = cost;
        a->has_total[year - 1] = 1;
    } else {
        int p = party_index(a->c, party);
        if (p < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: cost: no party named \"%s\"", year, party);
        a->pcost[(year - 1) * a->np + (size_t)p] = cost;
        a->has_pcost[(year - 1) * a->np + (size_t)p] = 1;
    }
    a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_set_volume(ncm_actuals *a, unsigned year, const char *component, int64_t volume)
{
    if (!a || !component) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_set_volume: NULL argument");
    ncm_status st = check_year(a, year);
    int k;
    if (st || (st = comp_of_type(a, component, NCM_COMPONENT_ACTIVITY, -1, &k))) return st;
    if (volume < 0) return ncmi_error(NCM_ERR_RANGE, "year %u: volume of \"%s\" is negative", year, component);
    a->volume[(year - 1) * a->nc + (size_t)k] = volume;
    a->has_volume[(year - 1) * a->nc + (size_t)k] = 1;
    a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_set_member_months(ncm_actuals *a, unsigned year, const char *component, double mm)
{
    if (!a || !component) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_set_member_months: NULL argument");
    ncm_status st = check_year(a, year);
    int k;
    if (st || (st = comp_of_type(a, component, NCM_COMPONENT_CARE_COORDINATION, -1, &k))) return st;
    if (!isfinite(mm) || mm < 0 || mm >= 9e12)
        return ncmi_error(NCM_ERR_RANGE, "year %u: member-months of \"%s\": %g is not a finite number >= 0", year, component, mm);
    a->mm[(year - 1) * a->nc + (size_t)k] = mm;
    a->has_mm[(year - 1) * a->nc + (size_t)k] = 1;
    a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_set_score(ncm_actuals *a, unsigned year, const char *component, double score)
{
    if (!a) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_set_score: NULL actuals");
    ncm_status st = check_year(a, year);
    if (st) return st;
    if (!(score >= 0 && score <= 1))
        return ncmi_error(NCM_ERR_RANGE, "year %u: score %g is outside [0, 1]", year, score);
    if (!component) {
        a->score_all[year - 1] = score;
    } else {
        int k;
        if ((st = comp_of_type(a, component, NCM_COMPONENT_OUTCOME_POT, NCM_COMPONENT_WITHHOLD, &k))) return st;
        a->score[(year - 1) * a->nc + (size_t)k] = score;
    }
    a->touched[year - 1] = 1;
    return NCM_OK;
}

static ncm_status add_paid_idx(ncm_actuals *a, unsigned year, int k, int payer, int payee, ncm_money amount)
{
    for (size_t i = 0; i < a->npaid; i++) {
        paid_rec *r = &a->paid[i];
        if (r->year == year && r->comp == k && r->payer == payer && r->payee == payee) {
            if (ncm_money_add(r->amount, amount, &r->amount))
                return ncmi_error(NCM_ERR_OVERFLOW, "year %u: payments made against \"%s\" out of range", year, a->c->comps[k].name);
            return NCM_OK;
        }
    }
    if (a->npaid == a->paidcap) {
        size_t nc = a->paidcap ? 2 * a->paidcap : 16;
        paid_rec *p = ncmi_realloc_array(a->paid, nc, sizeof *p);
        if (!p) return ncmi_nomem("payments made");
        a->paid = p;
        a->paidcap = nc;
    }
    paid_rec r = {year, k, payer, payee, amount};
    a->paid[a->npaid++] = r;
    a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_add_paid(ncm_actuals *a, unsigned year, const char *component, const char *payer,
                                const char *payee, ncm_money amount)
{
    if (!a || !component || !payer || !payee) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_add_paid: NULL argument");
    ncm_status st = check_year(a, year);
    if (st) return st;
    int k = comp_index(a->c, component);
    if (k < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: paid: no component named \"%s\"", year, component);
    int p = party_index(a->c, payer), q = party_index(a->c, payee);
    if (p < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: paid: no party named \"%s\"", year, payer);
    if (q < 0) return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: paid: no party named \"%s\"", year, payee);
    if (amount < 0) return ncmi_error(NCM_ERR_RANGE, "year %u: paid: amount is negative", year);
    return add_paid_idx(a, year, k, p, q, amount);
}

/* score = total / 100, or 0 when a gate fails or nothing has data */
static ncm_status score_one(ncm_actuals *a, unsigned year, int k, size_t n, const char *const *id, const double *value,
                            const double *baseline)
{
    const ncmi_component *kc = &a->c->comps[k];
    ncm_outcome_result *res = NULL;
    ncm_status st = ncm_outcome_score(kc->framework, n, id, value, baseline, &res);
    if (st) {
        char why[600];
        snprintf(why, sizeof why, "%s", ncm_last_error());
        return ncmi_error(st, "year %u: component \"%s\": %s", year, kc->name, why);
    }
    double total = NAN;
    int gate = 0;
    st = ncm_outcome_result_total(res, &total, &gate);
    ncm_outcome_result_free(res);
    if (st) return st;
    double sc = (gate && !isnan(total)) ? total / 100.0 : 0.0;
    if (sc < 0) sc = 0;
    if (sc > 1) sc = 1;
    a->score[(year - 1) * a->nc + (size_t)k] = sc;
    a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_score_results(ncm_actuals *a, unsigned year, const char *component, size_t n,
                                     const char *const *measure_id, const double *value, const double *baseline)
{
    if (!a || (n && (!measure_id || !value))) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_score_results: NULL argument");
    ncm_status st = check_year(a, year);
    if (st) return st;
    if (component) {
        int k = comp_index(a->c, component);
        if (k < 0 || !a->c->comps[k].framework)
            return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: no component named \"%s\" with an outcome framework", year, component);
        return score_one(a, year, k, n, measure_id, value, baseline);
    }
    /* all components with a framework: score into a copy first so that a failure changes nothing */
    double keep[MAXC];
    int any = 0;
    for (size_t k = 0; k < a->nc; k++) keep[k] = a->score[(year - 1) * a->nc + k];
    unsigned char touched = a->touched[year - 1];
    for (size_t k = 0; k < a->nc && !st; k++) {
        if (!a->c->comps[k].framework) continue;
        any = 1;
        st = score_one(a, year, (int)k, n, measure_id, value, baseline);
    }
    if (st) {
        for (size_t k = 0; k < a->nc; k++) a->score[(year - 1) * a->nc + k] = keep[k];
        a->touched[year - 1] = touched;
        return st;
    }
    if (!any) return ncmi_error(NCM_ERR_NOT_FOUND, "year %u: the contract has no component with an outcome framework", year);
    return NCM_OK;
}

/* ---------------------------------------------------------------- CSV readers */

static ncm_status csv_begin(ncmi_csv *cv, const char *path, const char *const *need, size_t nneed, long *col)
{
    ncm_status st = ncmi_csv_open_file(cv, path);
    if (st) return st;
    if ((st = ncmi_csv_read_header(cv))) {
        ncmi_csv_close(cv);
        return st;
    }
    for (size_t i = 0; i < nneed; i++) {
        col[i] = ncmi_csv_column(cv, need[i]);
        if (col[i] < 0 && need[i][0] != '?') {
            ncmi_csv_close(cv);
            return ncmi_error(NCM_ERR_PARSE, "%s:1: missing column \"%s\"", path, need[i]);
        }
    }
    return NCM_OK;
}

static ncm_status csv_year(const ncmi_csv *cv, long col, unsigned term, unsigned *year)
{
    int64_t y;
    const ncmi_csv_field *f = &cv->fields[col];
    if (ncmi_parse_i64(f->s, f->len, &y)) return ncmi_csv_fail(cv, (size_t)col, NCM_ERR_PARSE, "\"%s\" is not a whole year", f->s);
    if (y < 1 || y > (int64_t)term)
        return ncmi_csv_fail(cv, (size_t)col, NCM_ERR_RANGE, "year %lld is outside the contract term 1-%u", (long long)y, term);
    *year = (unsigned)y;
    return NCM_OK;
}

static ncm_status csv_money(const ncmi_csv *cv, long col, ncm_money *out)
{
    const ncmi_csv_field *f = &cv->fields[col];
    if (ncm_money_parse(f->s, NCM_MONEY_DECIMALS, 0, out))
        return ncmi_csv_fail(cv, (size_t)col, NCM_ERR_PARSE, "\"%s\" is not an amount such as 23000000.00", f->s);
    if (*out < 0) return ncmi_csv_fail(cv, (size_t)col, NCM_ERR_RANGE, "%s is negative", f->s);
    return NCM_OK;
}

/* Work on a copy so that a failure leaves the caller's actuals unchanged. */
static ncm_status actuals_copy(const ncm_actuals *a, ncm_actuals **out)
{
    ncm_actuals *b;
    ncm_status st = ncm_actuals_create(a->c, &b);
    if (st) return st;
    size_t t = a->term;
    memcpy(b->touched, a->touched, t);
    memcpy(b->total, a->total, t * sizeof *a->total);
    memcpy(b->has_total, a->has_total, t);
    memcpy(b->pcost, a->pcost, t * a->np * sizeof *a->pcost);
    memcpy(b->has_pcost, a->has_pcost, t * a->np);
    memcpy(b->volume, a->volume, t * a->nc * sizeof *a->volume);
    memcpy(b->has_volume, a->has_volume, t * a->nc);
    memcpy(b->mm, a->mm, t * a->nc * sizeof *a->mm);
    memcpy(b->has_mm, a->has_mm, t * a->nc);
    memcpy(b->score, a->score, t * a->nc * sizeof *a->score);
    memcpy(b->score_all, a->score_all, t * sizeof *a->score_all);
    if (a->npaid) {
        b->paid = ncmi_malloc_array(a->npaid, sizeof *b->paid);
        if (!b->paid) {
            ncm_actuals_free(b);
            return ncmi_nomem("payments made");
        }
        memcpy(b->paid, a->paid, a->npaid * sizeof *a->paid);
        b->npaid = b->paidcap = a->npaid;
    }
    for (size_t y = 0; y < t; y++) {
        size_t n = a->nperson[y];
        if (!a->person[y]) continue;
        b->person[y] = ncmi_malloc_array(n, sizeof *b->person[y]);
        if (b->person[y] && a->person_party[y]) b->person_party[y] = ncmi_malloc_array(n, sizeof *b->person_party[y]);
        if (!b->person[y] || (a->person_party[y] && !b->person_party[y])) {
            ncm_actuals_free(b);
            return ncmi_nomem("person costs");
        }
        memcpy(b->person[y], a->person[y], n * sizeof *a->person[y]);
        if (a->person_party[y]) memcpy(b->person_party[y], a->person_party[y], n * sizeof *a->person_party[y]);
        b->nperson[y] = n;
    }
    *out = b;
    return NCM_OK;
}

static void actuals_swap(ncm_actuals *a, ncm_actuals *b)
{
    ncm_actuals t = *a;
    *a = *b;
    *b = t;
}

ncm_status ncm_actuals_read_csv(ncm_actuals *a, const char *path)
{
    if (!a || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_read_csv: NULL argument");
    static const char *const need[] = {"year", "kind", "name", "value"};
    long col[4] = {-1, -1, -1, -1};
    ncmi_csv cv;
    ncm_status st = csv_begin(&cv, path, need, 4, col);
    if (st) return st;
    ncm_actuals *b;
    if ((st = actuals_copy(a, &b))) {
        ncmi_csv_close(&cv);
        return st;
    }
    unsigned char *seen = ncmi_calloc(a->term * (a->np + 1 + 2 * a->nc), 1);
    if (!seen) st = ncmi_nomem("actuals");
    for (;;) {
        int eof;
        if (st || (st = ncmi_csv_next(&cv, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&cv))) break;
        unsigned y = 0;
        if ((st = csv_year(&cv, col[0], a->term, &y))) break;
        const char *kind = cv.fields[col[1]].s, *name = cv.fields[col[2]].s;
        const ncmi_csv_field *vf = &cv.fields[col[3]];
        size_t slot;
        if (strcmp(kind, "cost") == 0) {
            ncm_money m;
            if ((st = csv_money(&cv, col[3], &m))) break;
            if (!name[0]) {
                slot = 0;
                b->total[y - 1] = m;
                b->has_total[y - 1] = 1;
            } else {
                int p = party_index(a->c, name);
                if (p < 0) { st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_NOT_FOUND, "no party named \"%s\"", name); break; }
                slot = 1 + (size_t)p;
                b->pcost[(y - 1) * a->np + (size_t)p] = m;
                b->has_pcost[(y - 1) * a->np + (size_t)p] = 1;
            }
        } else if (strcmp(kind, "volume") == 0 || strcmp(kind, "member_months") == 0) {
            int vol = kind[0] == 'v';
            int k = comp_index(a->c, name);
            ncm_component_type want = vol ? NCM_COMPONENT_ACTIVITY : NCM_COMPONENT_CARE_COORDINATION;
            if (k < 0 || a->c->comps[k].type != want) {
                st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_NOT_FOUND, "no %s component named \"%s\"",
                                   ncm_component_type_name(want), name);
                break;
            }
            slot = 1 + a->np + (vol ? 0 : a->nc) + (size_t)k;
            if (vol) {
                int64_t v;
                if (ncmi_parse_i64(vf->s, vf->len, &v) || v < 0) {
                    st = ncmi_csv_fail(&cv, (size_t)col[3], NCM_ERR_PARSE, "\"%s\" is not a whole, non-negative volume", vf->s);
                    break;
                }
                b->volume[(y - 1) * a->nc + (size_t)k] = v;
                b->has_volume[(y - 1) * a->nc + (size_t)k] = 1;
            } else {
                double v;
                if (ncmi_parse_double(vf->s, vf->len, &v) || v < 0 || v >= 9e12) {
                    st = ncmi_csv_fail(&cv, (size_t)col[3], NCM_ERR_PARSE, "\"%s\" is not a non-negative number of member-months", vf->s);
                    break;
                }
                b->mm[(y - 1) * a->nc + (size_t)k] = v;
                b->has_mm[(y - 1) * a->nc + (size_t)k] = 1;
            }
        } else {
            st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_PARSE, "unknown kind \"%s\" (cost, volume, member_months)", kind);
            break;
        }
        unsigned char *s = &seen[(y - 1) * (a->np + 1 + 2 * a->nc) + slot];
        if (*s) {
            st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_DUPLICATE, "%s of \"%s\" in year %u is given twice", kind, name, y);
            break;
        }
        *s = 1;
        b->touched[y - 1] = 1;
    }
    ncmi_csv_close(&cv);
    ncmi_free(seen);
    if (!st) actuals_swap(a, b);
    ncm_actuals_free(b);
    return st;
}

ncm_status ncm_actuals_read_outcomes_csv(ncm_actuals *a, const char *path)
{
    if (!a || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_read_outcomes_csv: NULL argument");
    static const char *const need[] = {"year", "score", "?component"};
    long col[3] = {-1, -1, -1};
    ncmi_csv cv;
    ncm_status st = csv_begin(&cv, path, need, 2, col);
    if (st) return st;
    col[2] = ncmi_csv_column(&cv, "component");
    ncm_actuals *b;
    if ((st = actuals_copy(a, &b))) {
        ncmi_csv_close(&cv);
        return st;
    }
    unsigned char *seen = ncmi_calloc((size_t)a->term * (a->nc + 1), 1);
    if (!seen) st = ncmi_nomem("outcome scores");
    for (;;) {
        int eof;
        if (st || (st = ncmi_csv_next(&cv, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&cv))) break;
        unsigned y = 0;
        if ((st = csv_year(&cv, col[0], a->term, &y))) break;
        const ncmi_csv_field *f = &cv.fields[col[1]];
        double s = 0;
        if (ncmi_parse_double(f->s, f->len, &s)) { st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_PARSE, "\"%s\" is not a number", f->s); break; }
        if (!(s >= 0 && s <= 1)) { st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_RANGE, "score %s is outside [0, 1]", f->s); break; }
        const char *name = col[2] >= 0 ? cv.fields[col[2]].s : "";
        double *slot;
        size_t sk = a->nc; /* seen slot: the component, or nc for the year's general score */
        if (!name[0]) {
            slot = &b->score_all[y - 1];
        } else {
            int k = comp_index(a->c, name);
            if (k < 0 || (a->c->comps[k].type != NCM_COMPONENT_OUTCOME_POT && a->c->comps[k].type != NCM_COMPONENT_WITHHOLD)) {
                st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_NOT_FOUND, "no outcome_pot or withhold component named \"%s\"", name);
                break;
            }
            slot = &b->score[(y - 1) * a->nc + (size_t)k];
            sk = (size_t)k;
        }
        unsigned char *sn = &seen[(size_t)(y - 1) * (a->nc + 1) + sk];
        if (*sn) {
            st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_DUPLICATE, "a second score for %s%s%s in year %u",
                               name[0] ? "\"" : "", name[0] ? name : "every component", name[0] ? "\"" : "", y);
            break;
        }
        *sn = 1;
        *slot = s;
        b->touched[y - 1] = 1;
    }
    ncmi_free(seen);
    ncmi_csv_close(&cv);
    if (!st) actuals_swap(a, b);
    ncm_actuals_free(b);
    return st;
}

ncm_status ncm_actuals_read_paid_csv(ncm_actuals *a, const char *path)
{
    if (!a || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_read_paid_csv: NULL argument");
    static const char *const need[] = {"year", "component", "payer", "payee", "amount"};
    long col[5] = {-1, -1, -1, -1, -1};
    ncmi_csv cv;
    ncm_status st = csv_begin(&cv, path, need, 5, col);
    if (st) return st;
    ncm_actuals *b;
    if ((st = actuals_copy(a, &b))) {
        ncmi_csv_close(&cv);
        return st;
    }
    for (;;) {
        int eof;
        if ((st = ncmi_csv_next(&cv, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&cv))) break;
        unsigned y = 0;
        if ((st = csv_year(&cv, col[0], a->term, &y))) break;
        int k = comp_index(a->c, cv.fields[col[1]].s);
        if (k < 0) { st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_NOT_FOUND, "no component named \"%s\"", cv.fields[col[1]].s); break; }
        int p = party_index(a->c, cv.fields[col[2]].s), q = party_index(a->c, cv.fields[col[3]].s);
        if (p < 0) { st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_NOT_FOUND, "no party named \"%s\"", cv.fields[col[2]].s); break; }
        if (q < 0) { st = ncmi_csv_fail(&cv, (size_t)col[3], NCM_ERR_NOT_FOUND, "no party named \"%s\"", cv.fields[col[3]].s); break; }
        ncm_money m;
        if ((st = csv_money(&cv, col[4], &m))) break;
        if ((st = add_paid_idx(b, y, k, p, q, m))) break;
    }
    ncmi_csv_close(&cv);
    if (!st) actuals_swap(a, b);
    ncm_actuals_free(b);
    return st;
}

typedef struct result_row {
    unsigned year;
    int comp; /* -1 = every component with a framework */
    char *id;
    double value, baseline;
    size_t line;
} result_row;

ncm_status ncm_actuals_read_results_csv(ncm_actuals *a, const char *path)
{
    if (!a || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_read_results_csv: NULL argument");
    static const char *const need[] = {"year", "measure_id", "value"};
    long col[3] = {-1, -1, -1};
    ncmi_csv cv;
    ncm_status st = csv_begin(&cv, path, need, 3, col);
    if (st) return st;
    long ccomp = ncmi_csv_column(&cv, "component"), cbase = ncmi_csv_column(&cv, "baseline");
    result_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    for (;;) {
        int eof;
        if ((st = ncmi_csv_next(&cv, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&cv))) break;
        result_row r = {0, -1, NULL, NAN, NAN, cv.line};
        if ((st = csv_year(&cv, col[0], a->term, &r.year))) break;
        const char *cname = ccomp >= 0 ? cv.fields[ccomp].s : "";
        if (cname[0]) {
            r.comp = comp_index(a->c, cname);
            if (r.comp < 0 || !a->c->comps[r.comp].framework) {
                st = ncmi_csv_fail(&cv, (size_t)ccomp, NCM_ERR_NOT_FOUND, "no component named \"%s\" with an outcome framework", cname);
                break;
            }
        }
        const ncmi_csv_field *f = &cv.fields[col[2]];
        if (f->len && ncmi_parse_double(f->s, f->len, &r.value)) {
            st = ncmi_csv_fail(&cv, (size_t)col[2], NCM_ERR_PARSE, "\"%s\" is not a number", f->s);
            break;
        }
        if (cbase >= 0 && cv.fields[cbase].len &&
            ncmi_parse_double(cv.fields[cbase].s, cv.fields[cbase].len, &r.baseline)) {
            st = ncmi_csv_fail(&cv, (size_t)cbase, NCM_ERR_PARSE, "\"%s\" is not a number", cv.fields[cbase].s);
            break;
        }
        if (nrows == cap) {
            size_t nc = cap ? 2 * cap : 32;
            result_row *nr = ncmi_realloc_array(rows, nc, sizeof *nr);
            if (!nr) { st = ncmi_nomem("results"); break; }
            rows = nr;
            cap = nc;
        }
        r.id = ncmi_strdup(cv.fields[col[1]].s);
        if (!r.id) { st = ncmi_nomem("results"); break; }
        rows[nrows++] = r;
    }
    char name[256];
    snprintf(name, sizeof name, "%s", cv.name);
    ncmi_csv_close(&cv);
    ncm_actuals *b = NULL;
    const char **ids = NULL;
    double *val = NULL, *base = NULL;
    if (!st) st = actuals_copy(a, &b);
    if (!st && nrows) {
        ids = ncmi_malloc_array(nrows, sizeof *ids);
        val = ncmi_malloc_array(nrows, sizeof *val);
        base = ncmi_malloc_array(nrows, sizeof *base);
        if (!ids || !val || !base) st = ncmi_nomem("results");
    }
    /* score each (year, component) group of rows, in the order the groups first appear */
    for (size_t i = 0; i < nrows && !st; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            if (rows[j].year == rows[i].year && rows[j].comp == rows[i].comp) first = 0;
        if (!first) continue;
        size_t m = 0;
        for (size_t j = i; j < nrows; j++) {
            if (rows[j].year != rows[i].year || rows[j].comp != rows[i].comp) continue;
            ids[m] = rows[j].id;
            val[m] = rows[j].value;
            base[m] = rows[j].baseline;
            m++;
        }
        const char *cn = rows[i].comp >= 0 ? a->c->comps[rows[i].comp].name : NULL;
        st = ncm_actuals_score_results(b, rows[i].year, cn, m, ids, val, base);
        if (st) {
            char why[700];
            snprintf(why, sizeof why, "%s", ncm_last_error());
            st = ncmi_error(st, "%s: %s", name, why);
        }
    }
    if (!st) actuals_swap(a, b);
    ncm_actuals_free(b);
    for (size_t i = 0; i < nrows; i++) ncmi_free(rows[i].id);
    ncmi_free(rows);
    ncmi_free(ids);
    ncmi_free(val);
    ncmi_free(base);
    return st;
}

/* ---------------------------------------------------------------- per-person costs */

/* Replace the person costs of a year (pidx: party index per person, or NULL). Nothing changes on failure. */
static ncm_status set_persons_idx(ncm_actuals *a, unsigned year, size_t n, const ncm_money *cost, const int *pidx)
{
    ncm_money sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (cost[i] < 0)
            return ncmi_error(NCM_ERR_RANGE, "year %u: person costs: cost[%zu] = %lld is negative", year, i, (long long)cost[i]);
        if (ncm_money_add(sum, cost[i], &sum))
            return ncmi_error(NCM_ERR_OVERFLOW, "year %u: person costs: the sum is out of range at cost[%zu]", year, i);
    }
    ncm_money *pc = NULL;
    int *pp = NULL;
    if (n) {
        pc = ncmi_malloc_array(n, sizeof *pc);
        if (pc && pidx) pp = ncmi_malloc_array(n, sizeof *pp);
        if (!pc || (pidx && !pp)) {
            ncmi_free(pc);
            return ncmi_nomem("person costs");
        }
        memcpy(pc, cost, n * sizeof *pc);
        if (pidx) memcpy(pp, pidx, n * sizeof *pp);
    }
    ncmi_free(a->person[year - 1]);
    ncmi_free(a->person_party[year - 1]);
    a->person[year - 1] = pc;
    a->person_party[year - 1] = pp;
    a->nperson[year - 1] = n;
    if (n) a->touched[year - 1] = 1;
    return NCM_OK;
}

ncm_status ncm_actuals_set_person_costs(ncm_actuals *a, unsigned year, size_t n, const ncm_money *cost,
                                        const char *const *party)
{
    if (!a || (n && !cost)) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_set_person_costs: NULL argument");
    ncm_status st = check_year(a, year);
    if (st) return st;
    if (!party || !n) return set_persons_idx(a, year, n, cost, NULL);
    int *idx = ncmi_malloc_array(n, sizeof *idx);
    if (!idx) return ncmi_nomem("person costs");
    for (size_t i = 0; i < n && !st; i++) {
        if (!party[i]) {
            st = ncmi_error(NCM_ERR_INVALID, "year %u: person costs: party[%zu] is NULL (attribute every person or pass no parties)",
                            year, i);
        } else if ((idx[i] = party_index(a->c, party[i])) < 0) {
            st = ncmi_error(NCM_ERR_NOT_FOUND, "year %u: person costs: party[%zu]: no party named \"%s\"", year, i, party[i]);
        }
    }
    if (!st) st = set_persons_idx(a, year, n, cost, idx);
    ncmi_free(idx);
    return st;
}

ncm_status ncm_actuals_read_person_costs_csv(ncm_actuals *a, const char *path)
{
    if (!a || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_actuals_read_person_costs_csv: NULL argument");
    static const char *const need[] = {"year", "person_id", "cost"};
    long col[3] = {-1, -1, -1};
    ncmi_csv cv;
    ncm_status st = csv_begin(&cv, path, need, 3, col);
    if (st) return st;
    long cparty = ncmi_csv_column(&cv, "party");
    unsigned *ry = NULL;
    ncm_money *rc = NULL;
    int *rp = NULL;
    uint64_t *seen = NULL; /* per distinct person id: bit y-1 = seen in year y (term <= 50) */
    size_t nrows = 0, cap = 0, seencap = 0;
    unsigned char attributed[NCM_CONTRACT_MAX_YEARS] = {0}; /* 0 no rows yet, 1 with party, 2 without */
    size_t count[NCM_CONTRACT_MAX_YEARS] = {0};
    ncmi_dict *ids = ncmi_dict_new(0);
    if (!ids) st = ncmi_nomem("person costs");
    for (;;) {
        int eof;
        if (st || (st = ncmi_csv_next(&cv, &eof)) || eof) break;
        if ((st = ncmi_csv_check_width(&cv))) break;
        unsigned y = 0;
        if ((st = csv_year(&cv, col[0], a->term, &y))) break;
        const ncmi_csv_field *idf = &cv.fields[col[1]];
        if (!idf->len) { st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_PARSE, "empty person_id"); break; }
        ncm_money m;
        if ((st = csv_money(&cv, col[2], &m))) break;
        int p = -1;
        const char *pname = cparty >= 0 ? cv.fields[cparty].s : "";
        if (pname[0] && (p = party_index(a->c, pname)) < 0) {
            st = ncmi_csv_fail(&cv, (size_t)cparty, NCM_ERR_NOT_FOUND, "no party named \"%s\"", pname);
            break;
        }
        unsigned char how = p >= 0 ? 1 : 2;
        if (attributed[y - 1] && attributed[y - 1] != how) {
            st = ncmi_csv_fail(&cv, cparty >= 0 ? (size_t)cparty : (size_t)col[1], NCM_ERR_PARSE,
                               "year %u has rows with and without a party; attribute every person of a year or none", y);
            break;
        }
        attributed[y - 1] = how;
        uint32_t id;
        int added = 0;
        if (ncmi_dict_intern(ids, idf->s, idf->len, &id, &added)) { st = ncmi_nomem("person ids"); break; }
        if (id >= seencap) {
            size_t nc = seencap ? 2 * seencap : 256;
            while (nc <= id) nc *= 2;
            uint64_t *ns = ncmi_realloc_array(seen, nc, sizeof *ns);
            if (!ns) { st = ncmi_nomem("person ids"); break; }
            memset(ns + seencap, 0, (nc - seencap) * sizeof *ns);
            seen = ns;
            seencap = nc;
        }
        if (seen[id] & ((uint64_t)1 << (y - 1))) {
            st = ncmi_csv_fail(&cv, (size_t)col[1], NCM_ERR_DUPLICATE, "person \"%s\" is given twice in year %u", idf->s, y);
            break;
        }
        seen[id] |= (uint64_t)1 << (y - 1);
        if (nrows == cap) {
            size_t nc = cap ? 2 * cap : 256;
            unsigned *ny = ncmi_realloc_array(ry, nc, sizeof *ny);
            if (ny) ry = ny;
            ncm_money *nm = ny ? ncmi_realloc_array(rc, nc, sizeof *nm) : NULL;
            if (nm) rc = nm;
            int *np = nm ? ncmi_realloc_array(rp, nc, sizeof *np) : NULL;
            if (!np) { st = ncmi_nomem("person costs"); break; }
            rp = np;
            cap = nc;
        }
        ry[nrows] = y;
        rc[nrows] = m;
        rp[nrows] = p;
        nrows++;
        count[y - 1]++;
    }
    char name[256];
    snprintf(name, sizeof name, "%s", cv.name);
    ncmi_csv_close(&cv);
    ncmi_dict_free(ids);
    ncmi_free(seen);
    /* group the rows by year (in file order within a year) and set each year on a copy */
    ncm_actuals *b = NULL;
    ncm_money *gc = NULL;
    int *gp = NULL;
    if (!st) st = actuals_copy(a, &b);
    if (!st && nrows) {
        gc = ncmi_malloc_array(nrows, sizeof *gc);
        gp = ncmi_malloc_array(nrows, sizeof *gp);
        if (!gc || !gp) st = ncmi_nomem("person costs");
    }
    for (unsigned y = 1; y <= a->term && !st; y++) {
        if (!count[y - 1]) continue;
        size_t m = 0;
        for (size_t i = 0; i < nrows; i++)
            if (ry[i] == y) {
                gc[m] = rc[i];
                gp[m] = rp[i];
                m++;
            }
        st = set_persons_idx(b, y, m, gc, attributed[y - 1] == 1 ? gp : NULL);
        if (st) {
            char why[600];
            snprintf(why, sizeof why, "%s", ncm_last_error());
            st = ncmi_error(st, "%s: %s", name, why);
        }
    }
    if (!st && b) actuals_swap(a, b);
    ncm_actuals_free(b);
    ncmi_free(ry);
    ncmi_free(rc);
    ncmi_free(rp);
    ncmi_free(gc);
    ncmi_free(gp);
    return st;
}

/* ================================================================== ledger */

struct ncm_ledger {
    char *contract;
    size_t np, nc;
    char **party;
    char **comp;
    sline *lines;
    ncm_money *paid;
    size_t *what;  /* offsets into pool */
    size_t n, cap;
    char *pool;
    size_t pool_len, pool_cap;
    unsigned *years;
    size_t nyears;
    ncm_money *cost; /* nyears x np */
    risk_rec *risk;
    size_t nrisk, riskcap;
};

void ncm_ledger_free(ncm_ledger *l)
{
    if (!l) return;
    ncmi_free(l->contract);
    for (size_t i = 0; l->party && i < l->np; i++) ncmi_free(l->party[i]);
    for (size_t i = 0; l->comp && i < l->nc; i++) ncmi_free(l->comp[i]);
    ncmi_free(l->party);
    ncmi_free(l->comp);
    ncmi_free(l->lines);
    ncmi_free(l->paid);
    ncmi_free(l->what);
    ncmi_free(l->pool);
    ncmi_free(l->years);
    ncmi_free(l->cost);
    ncmi_free(l->risk);
    ncmi_free(l);
}

static void pct(char *b, size_t cap, double x)
{
    snprintf(b, cap, "%.10g%%", x * 100.0);
}

static void describe(const ncm_contract *c, const sline *l, char *b, size_t cap)
{
    const ncmi_component *k = &c->comps[l->comp];
    char p1[40], p2[40], p3[40];
    const int carved = k->carved_by >= 0 && active(&c->comps[k->carved_by], l->year);
    switch ((ncm_line_kind)l->kind) {
    case NCM_LINE_UPFRONT:
        pct(p1, sizeof p1, l->rate);
        snprintf(b, cap, "%s of the year's value%s", p1, carved ? " less the outcome pot" : "");
        break;
    case NCM_LINE_MANAGEMENT_FEE: pct(p1, sizeof p1, l->rate); snprintf(b, cap, "management fee %s of the year's value", p1); break;
    case NCM_LINE_CAPITATION:
        if (k->amounts) snprintf(b, cap, "capitation budget for the year");
        else {
            pct(p1, sizeof p1, l->rate);
            snprintf(b, cap, "capitation %s of the year's value%s", p1, carved ? " less the outcome pot" : "");
        }
        break;
    case NCM_LINE_ACTIVITY: snprintf(b, cap, "price x volume (%.0f)", l->rate); break;
    case NCM_LINE_ACTIVITY_MARGINAL:
        pct(p1, sizeof p1, l->rate);
        snprintf(b, cap, "volume above %lld at %s of price", (long long)k->threshold, p1);
        break;
    case NCM_LINE_CARE_COORDINATION: snprintf(b, cap, "PMPM x %.3f member-months", l->rate); break;
    case NCM_LINE_OUTCOME:
        pct(p1, sizeof p1, k->share);
        if (k->has_gate && l->rate == 0 && l->base > 0) snprintf(b, cap, "outcome pot %s of value: gate %g not met", p1, k->gate);
        else snprintf(b, cap, "outcome pot %s of value earned at score %.6g", p1, l->rate);
        break;
    case NCM_LINE_WITHHOLD: pct(p1, sizeof p1, l->rate); snprintf(b, cap, "withhold %s of \"%s\"", p1, c->comps[l->ref].name); break;
    case NCM_LINE_EARN_BACK: pct(p1, sizeof p1, l->rate); snprintf(b, cap, "withhold earned back at %s", p1); break;
    case NCM_LINE_VAT_FUNDED:
        pct(p1, sizeof p1, l->rate);
        snprintf(b, cap, "VAT %s on \"%s\" funded by the commissioner", p1, c->comps[l->ref].name);
        break;
    case NCM_LINE_VAT:
        pct(p1, sizeof p1, l->rate);
        snprintf(b, cap, "VAT %s on \"%s\" %s", p1, c->comps[l->ref].name,
                 k->borne_by_provider ? "borne by the provider" : "paid on to the authority");
        break;
    case NCM_LINE_TRANSFORMATION: snprintf(b, cap, "transformation funding"); break;
    case NCM_LINE_RISK_SHARE: {
        int side;
        double lo, hi, sh;
        ncm_riskshare_band(k->schedule, (size_t)l->ref, &side, &lo, &hi, &sh);
        pct(p1, sizeof p1, lo);
        if (isfinite(hi)) pct(p2, sizeof p2, hi);
        else snprintf(p2, sizeof p2, "inf");
        pct(p3, sizeof p3, l->rate);
        snprintf(b, cap, "%s band [%s, %s): commissioner %s%s", side == NCM_RISKSHARE_SURPLUS ? "surplus" : "deficit", p1, p2, p3,
                 (l->rate == 1.0 && sh > 0) ? " (threshold not met)" : "");
        break;
    }
    case NCM_LINE_RISK_THRESHOLD: snprintf(b, cap, "variance within the threshold, to the commissioner"); break;
    case NCM_LINE_RISK_LIMIT: snprintf(b, cap, "cap or floor on the provider's share"); break;
    case NCM_LINE_RISK_POOL:
        snprintf(b, cap, l->payee == c->commissioner ? "own surplus (budget less cost) paid into the pool"
                                                     : "own deficit (cost less budget) met from the pool");
        break;
    case NCM_LINE_RISK_MEMBER:
        snprintf(b, cap, "split of the members' share of the system %s (weight %.6g)", l->payer == c->commissioner ? "gain" : "loss",
                 l->rate);
        break;
    case NCM_LINE_CASCADE: pct(p1, sizeof p1, l->rate); snprintf(b, cap, "%s of the risk result passed down", p1); break;
    case NCM_LINE_UNMATCHED: snprintf(b, cap, "paid with nothing due: to be returned"); break;
    case NCM_LINE_STOP_LOSS: {
        char a1[48], a2[48];
        ncm_money_format(k->sl_attachment, NCM_MONEY_DECIMALS, 0, a1, sizeof a1);
        pct(p1, sizeof p1, l->rate);
        if (k->sl_limit) {
            ncm_money_format(k->sl_limit, NCM_MONEY_DECIMALS, 0, a2, sizeof a2);
            snprintf(b, cap, "individual stop-loss: %s of each person's cost between %s and %s", p1, a1, a2);
        } else {
            snprintf(b, cap, "individual stop-loss: %s of each person's cost above %s", p1, a1);
        }
        break;
    }
    case NCM_LINE_STOP_LOSS_AGGREGATE:
        pct(p1, sizeof p1, l->rate);
        pct(p2, sizeof p2, k->agg_threshold);
        snprintf(b, cap, "aggregate stop-loss: %s of the retained cost above %s of %s%s%s", p1, p2,
                 k->agg_of < 0 ? "the year's value" : "\"", k->agg_of < 0 ? "" : c->comps[k->agg_of].name,
                 k->agg_of < 0 ? "" : "\"");
        break;
    case NCM_LINE_STOP_LOSS_PREMIUM:
        if (k->premium == NCMI_PREMIUM_RATE) {
            pct(p1, sizeof p1, l->rate);
            snprintf(b, cap, "stop-loss premium %s of the year's value", p1);
        } else {
            snprintf(b, cap, "stop-loss premium");
        }
        break;
    }
}

static ncm_status ledger_add(ncm_ledger *l, const ncm_contract *c, const sline *s, ncm_money paid)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        sline *a = ncmi_realloc_array(l->lines, nc, sizeof *a);
        if (!a) return ncmi_nomem("ledger lines");
        l->lines = a;
        ncm_money *p = ncmi_realloc_array(l->paid, nc, sizeof *p);
        if (!p) return ncmi_nomem("ledger lines");
        l->paid = p;
        size_t *w = ncmi_realloc_array(l->what, nc, sizeof *w);
        if (!w) return ncmi_nomem("ledger lines");
        l->what = w;
        l->cap = nc;
    }
    char b[256];
    describe(c, s, b, sizeof b);
    size_t len = strlen(b) + 1;
    if (l->pool_len + len > l->pool_cap) {
        size_t nc = l->pool_cap ? 2 * l->pool_cap : 4096;
        while (nc < l->pool_len + len) nc *= 2;
        char *p = ncmi_realloc(l->pool, nc);
        if (!p) return ncmi_nomem("ledger text");
        l->pool = p;
        l->pool_cap = nc;
    }
    memcpy(l->pool + l->pool_len, b, len);
    l->what[l->n] = l->pool_len;
    l->pool_len += len;
    l->lines[l->n] = *s;
    l->paid[l->n] = paid;
    l->n++;
    return NCM_OK;
}

void ncm_settle_options_init(ncm_settle_options *o)
{
    if (!o) return;
    ncm_settle_options d = NCM_SETTLE_OPTIONS_INIT;
    *o = d;
}

/* Match payments made in year y to due lines of the same component, payer and payee, filling lines in
 * order; any excess lands on the last line; payments with no due line become unmatched lines. */
static ncm_status add_year(ncm_ledger *l, const ncm_contract *c, const ncm_actuals *a, unsigned y, const yout *o)
{
    ncm_status st;
    size_t start = l->n;
    for (size_t i = 0; i < o->n; i++)
        if ((st = ledger_add(l, c, &o->lines[i], 0))) return st;
    for (size_t r = 0; r < a->npaid; r++) {
        const paid_rec *pr = &a->paid[r];
        if (pr->year != y) continue;
        ncm_money left = pr->amount;
        long last = -1;
        for (size_t i = start; i < l->n; i++) {
            sline *s = &l->lines[i];
            if (s->comp != pr->comp || s->payer != pr->payer || s->payee != pr->payee || s->kind == NCM_LINE_UNMATCHED) continue;
            ncm_money room = s->amount - l->paid[i];
            ncm_money take = room < left ? (room > 0 ? room : 0) : left;
            l->paid[i] += take;
            left -= take;
            last = (long)i;
        }
        if (last >= 0) {
            l->paid[last] += left;
        } else {
            sline s = {y, (uint16_t)pr->comp, NCM_LINE_UNMATCHED, (int16_t)pr->payer, (int16_t)pr->payee, -1, 0, 0.0, 0};
            if ((st = ledger_add(l, c, &s, pr->amount))) return st;
        }
    }
    if (l->nrisk + o->nrisk > l->riskcap) {
        size_t nc = l->riskcap ? 2 * l->riskcap : 16;
        while (nc < l->nrisk + o->nrisk) nc *= 2;
        risk_rec *rr = ncmi_realloc_array(l->risk, nc, sizeof *rr);
        if (!rr) return ncmi_nomem("ledger risk results");
        l->risk = rr;
        l->riskcap = nc;
    }
    if (o->nrisk) memcpy(l->risk + l->nrisk, o->risk, o->nrisk * sizeof *o->risk);
    l->nrisk += o->nrisk;
    return NCM_OK;
}

static ncm_status ledger_new(const ncm_contract *c, ncm_ledger **out)
{
    ncm_ledger *l = ncmi_calloc(1, sizeof *l);
    if (!l) return ncmi_nomem("ledger");
    l->np = c->nparties;
    l->nc = c->ncomps;
    l->contract = ncmi_strdup(c->name);
    l->party = ncmi_calloc(l->np, sizeof *l->party);
    l->comp = ncmi_calloc(l->nc, sizeof *l->comp);
    l->years = ncmi_calloc(c->term, sizeof *l->years);
    l->cost = ncmi_calloc(c->term * l->np, sizeof *l->cost);
    if (!l->contract || !l->party || !l->comp || !l->years || !l->cost) {
        ncm_ledger_free(l);
        return ncmi_nomem("ledger");
    }
    for (size_t i = 0; i < l->np; i++)
        if (!(l->party[i] = ncmi_strdup(c->parties[i].name))) {
            ncm_ledger_free(l);
            return ncmi_nomem("ledger");
        }
    for (size_t i = 0; i < l->nc; i++)
        if (!(l->comp[i] = ncmi_strdup(c->comps[i].name))) {
            ncm_ledger_free(l);
            return ncmi_nomem("ledger");
        }
    *out = l;
    return NCM_OK;
}

/* Fold the year's person costs into the year's inputs: the total cost is their sum and, when they
 * are attributed, each party's cost the sum over its persons; explicit costs must agree. */
static ncm_status person_merge(const ncm_actuals *a, unsigned y, yin *in, ncm_money *pc, unsigned char *hp)
{
    const ncm_contract *c = a->c;
    const size_t n = a->nperson[y - 1];
    if (!n) return NCM_OK;
    const ncm_money *cost = a->person[y - 1];
    const int *party = a->person_party[y - 1];
    ncm_money sum = 0, derived[MAXP];
    unsigned char dh[MAXP];
    char x[48], z[48];
    memset(dh, 0, sizeof dh);
    for (size_t i = 0; i < n; i++) {
        sum += cost[i]; /* checked when set */
        if (party) {
            if (!dh[party[i]]) derived[party[i]] = 0;
            derived[party[i]] += cost[i];
            dh[party[i]] = 1;
        }
    }
    if (in->has_total && in->total_cost != sum) {
        ncm_money_format(in->total_cost, NCM_MONEY_DECIMALS, 0, x, sizeof x);
        ncm_money_format(sum, NCM_MONEY_DECIMALS, 0, z, sizeof z);
        return ncmi_error(NCM_ERR_INCONSISTENT, "year %u: total cost %s differs from the sum of the %zu person costs %s", y, x,
                          n, z);
    }
    memcpy(pc, in->party_cost, c->nparties * sizeof *pc);
    memcpy(hp, in->has_party, c->nparties);
    for (size_t p = 0; party && p < c->nparties; p++) {
        if (!dh[p]) continue;
        if (hp[p] && pc[p] != derived[p]) {
            ncm_money_format(pc[p], NCM_MONEY_DECIMALS, 0, x, sizeof x);
            ncm_money_format(derived[p], NCM_MONEY_DECIMALS, 0, z, sizeof z);
            return ncmi_error(NCM_ERR_INCONSISTENT, "year %u: cost of \"%s\" %s differs from the sum of its persons' costs %s", y,
                              c->parties[p].name, x, z);
        }
        pc[p] = derived[p];
        hp[p] = 1;
    }
    in->party_cost = pc;
    in->has_party = hp;
    in->total_cost = sum;
    in->has_total = 1;
    in->person_cost = cost;
    in->nperson = n;
    return NCM_OK;
}

ncm_status ncm_settle(const ncm_contract *c, const ncm_actuals *a, const ncm_settle_options *opts, ncm_ledger **out)
{
    if (!c || !a || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_settle: NULL argument");
    if (a->c != c) return ncmi_error(NCM_ERR_INVALID, "ncm_settle: the actuals were created for another contract");
    ncm_settle_options o = NCM_SETTLE_OPTIONS_INIT;
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_SETTLE_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_settle: options version %u is not supported (1-%u)", opts->version,
                              NCM_SETTLE_OPTIONS_VERSION);
        o = *opts;
    }
    unsigned y0 = o.first_year ? o.first_year : 1, y1 = o.last_year ? o.last_year : c->term;
    if (y0 > c->term || y1 > c->term || y0 > y1)
        return ncmi_error(NCM_ERR_RANGE, "ncm_settle: years %u-%u are not within the term 1-%u", y0, y1, c->term);
    ncm_ledger *l = NULL;
    ncm_status st = ledger_new(c, &l);
    if (st) return st;
    yout *yo = ncmi_malloc(sizeof *yo);
    sline *buf = ncmi_malloc_array(c->max_lines ? c->max_lines : 1, sizeof *buf);
    if (!yo || !buf) {
        ncmi_free(yo);
        ncmi_free(buf);
        ncm_ledger_free(l);
        return ncmi_nomem("settlement");
    }
    yo->lines = buf;
    yo->cap = c->max_lines;
    for (unsigned y = y0; y <= y1 && !st; y++) {
        if (o.only_with_actuals && !a->touched[y - 1]) continue;
        yin in;
        memset(&in, 0, sizeof in);
        in.year = y;
        in.total_cost = a->total[y - 1];
        in.has_total = a->has_total[y - 1];
        in.party_cost = a->pcost + (size_t)(y - 1) * a->np;
        in.has_party = a->has_pcost + (size_t)(y - 1) * a->np;
        in.score = a->score + (size_t)(y - 1) * a->nc;
        in.score_all = a->score_all[y - 1];
        in.volume = a->volume + (size_t)(y - 1) * a->nc;
        in.has_volume = a->has_volume + (size_t)(y - 1) * a->nc;
        in.mm = a->mm + (size_t)(y - 1) * a->nc;
        in.has_mm = a->has_mm + (size_t)(y - 1) * a->nc;
        ncm_money pcm[MAXP];
        unsigned char hpm[MAXP];
        if ((st = person_merge(a, y, &in, pcm, hpm))) break;
        if ((st = settle_year(c, &in, yo))) break;
        size_t yi = l->nyears++;
        l->years[yi] = y;
        int anyp = 0;
        for (size_t p = 0; p < c->nparties; p++) {
            if (in.has_party[p]) anyp = 1;
            l->cost[yi * l->np + p] = in.has_party[p] ? in.party_cost[p] : 0;
        }
        if (!anyp && in.has_total && c->holder >= 0) l->cost[yi * l->np + (size_t)c->holder] = in.total_cost;
        st = add_year(l, c, a, y, yo);
    }
    ncmi_free(buf);
    ncmi_free(yo);
    if (st) {
        ncm_ledger_free(l);
        return st;
    }
    *out = l;
    return NCM_OK;
}

size_t ncm_ledger_count(const ncm_ledger *l) { return l ? l->n : 0; }

ncm_status ncm_ledger_years(const ncm_ledger *l, unsigned *years, size_t cap, size_t *count)
{
    if (!l) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_years: NULL ledger");
    if (count) *count = l->nyears;
    if (!years) return NCM_OK;
    if (cap < l->nyears) return ncmi_error(NCM_ERR_BUFFER, "ncm_ledger_years: array of %zu for %zu years", cap, l->nyears);
    for (size_t i = 0; i < l->nyears; i++) years[i] = l->years[i];
    return NCM_OK;
}
size_t ncm_ledger_party_count(const ncm_ledger *l) { return l ? l->np : 0; }
const char *ncm_ledger_party_name(const ncm_ledger *l, size_t p) { return l && p < l->np ? l->party[p] : NULL; }
const char *ncm_ledger_component_name(const ncm_ledger *l, size_t k) { return l && k < l->nc ? l->comp[k] : NULL; }
const char *ncm_ledger_what(const ncm_ledger *l, size_t i) { return l && i < l->n ? l->pool + l->what[i] : NULL; }

ncm_status ncm_ledger_keys(const ncm_ledger *l, unsigned *year, int *kind, size_t *component, size_t *payer,
                           size_t *payee, size_t cap)
{
    if (!l) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_keys: NULL ledger");
    if ((year || kind || component || payer || payee) && cap < l->n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_ledger_keys: arrays of %zu for %zu lines", cap, l->n);
    for (size_t i = 0; i < l->n; i++) {
        const sline *s = &l->lines[i];
        if (year) year[i] = s->year;
        if (kind) kind[i] = s->kind;
        if (component) component[i] = s->comp;
        if (payer) payer[i] = (size_t)s->payer;
        if (payee) payee[i] = (size_t)s->payee;
    }
    return NCM_OK;
}

ncm_status ncm_ledger_amounts(const ncm_ledger *l, ncm_money *base, double *rate, ncm_money *amount, ncm_money *paid,
                              ncm_money *balance, size_t cap)
{
    if (!l) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_amounts: NULL ledger");
    if ((base || rate || amount || paid || balance) && cap < l->n)
        return ncmi_error(NCM_ERR_BUFFER, "ncm_ledger_amounts: arrays of %zu for %zu lines", cap, l->n);
    for (size_t i = 0; i < l->n; i++) {
        const sline *s = &l->lines[i];
        if (base) base[i] = s->base;
        if (rate) rate[i] = s->rate;
        if (amount) amount[i] = s->amount;
        if (paid) paid[i] = l->paid[i];
        if (balance) balance[i] = s->amount - l->paid[i];
    }
    return NCM_OK;
}

ncm_status ncm_ledger_party_totals(const ncm_ledger *l, unsigned year, size_t party, ncm_money *received,
                                   ncm_money *paid_out, ncm_money *cost, ncm_money *balance)
{
    if (!l) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_party_totals: NULL ledger");
    if (party >= l->np) return ncmi_error(NCM_ERR_RANGE, "ncm_ledger_party_totals: party %zu of %zu", party, l->np);
    ncm_money in = 0, outm = 0, bal = 0, cst = 0;
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        const sline *s = &l->lines[i];
        if (year && s->year != year) continue;
        ncm_money b = s->amount - l->paid[i];
        if ((size_t)s->payee == party) {
            bad |= ncm_money_add(in, s->amount, &in) != NCM_OK;
            bad |= ncm_money_add(bal, b, &bal) != NCM_OK;
        }
        if ((size_t)s->payer == party) {
            bad |= ncm_money_add(outm, s->amount, &outm) != NCM_OK;
            bad |= ncm_money_sub(bal, b, &bal) != NCM_OK;
        }
    }
    for (size_t yi = 0; yi < l->nyears; yi++)
        if (!year || l->years[yi] == year) bad |= ncm_money_add(cst, l->cost[yi * l->np + party], &cst) != NCM_OK;
    if (bad) return ncmi_error(NCM_ERR_OVERFLOW, "ncm_ledger_party_totals: totals of \"%s\" out of range", l->party[party]);
    if (received) *received = in;
    if (paid_out) *paid_out = outm;
    if (cost) *cost = cst;
    if (balance) *balance = bal;
    return NCM_OK;
}

ncm_status ncm_ledger_risk(const ncm_ledger *l, unsigned year, size_t component, ncm_money *base, ncm_money *variance,
                           ncm_money *provider, ncm_money *commissioner)
{
    if (!l) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_risk: NULL ledger");
    for (size_t i = 0; i < l->nrisk; i++) {
        const risk_rec *r = &l->risk[i];
        if (r->year != year || r->comp != component) continue;
        if (base) *base = r->base;
        if (variance) *variance = r->variance;
        if (provider) *provider = r->provider;
        if (commissioner) *commissioner = r->commissioner;
        return NCM_OK;
    }
    return ncmi_error(NCM_ERR_NOT_FOUND, "ledger: no risk-share result for component %zu in year %u", component, year);
}

/* ---------------------------------------------------------------- writers */


static void money_str(ncm_money m, char *b) { ncm_money_format(m, NCM_MONEY_DECIMALS, 0, b, 48); }

ncm_status ncm_ledger_write_csv(const ncm_ledger *l, const char *path)
{
    if (!l || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_write_csv: NULL argument");
    FILE *f = fopen(path, "wb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot create the file", path);
    fputs("year,component,kind,what,payer,payee,base,rate,amount,paid,balance\n", f);
    for (size_t i = 0; i < l->n; i++) {
        const sline *s = &l->lines[i];
        char b1[48], b2[48], b3[48], b4[48];
        money_str(s->base, b1);
        money_str(s->amount, b2);
        money_str(l->paid[i], b3);
        money_str(s->amount - l->paid[i], b4);
        fprintf(f, "%u,", s->year);
        ncmi_csv_put_text(f, l->comp[s->comp]);
        fprintf(f, ",%s,", kind_names[s->kind]);
        ncmi_csv_put_text(f, l->pool + l->what[i]);
        fputc(',', f);
        ncmi_csv_put_text(f, l->party[s->payer]);
        fputc(',', f);
        ncmi_csv_put_text(f, l->party[s->payee]);
        fprintf(f, ",%s,%.15g,%s,%s,%s\n", b1, s->rate, b2, b3, b4);
    }
    if (ferror(f) | (fclose(f) != 0)) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

static int jm(json_t *o, const char *k, ncm_money m) { return json_object_set_new(o, k, ncmi_json_money(m)); }

static int totals_json(const ncm_ledger *l, json_t *arr, unsigned year)
{
    int e = 0;
    for (size_t p = 0; p < l->np; p++) {
        ncm_money in, outm, cost, bal;
        if (ncm_ledger_party_totals(l, year, p, &in, &outm, &cost, &bal)) return 1;
        json_t *t = json_object();
        if (!t) return 1;
        e |= json_object_set_new(t, "year", year ? json_integer(year) : json_null());
        e |= json_object_set_new(t, "party", json_string(l->party[p]));
        e |= jm(t, "received", in);
        e |= jm(t, "paid_out", outm);
        e |= jm(t, "net", in - outm);
        e |= jm(t, "cost", cost);
        e |= jm(t, "result", in - outm - cost);
        e |= jm(t, "balance", bal);
        e |= json_array_append_new(arr, t);
    }
    return e;
}

ncm_status ncm_ledger_write_json(const ncm_ledger *l, const char *path)
{
    if (!l || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_ledger_write_json: NULL argument");
    json_t *r = json_object(), *lines = json_array(), *tot = json_array(), *risk = json_array();
    int e = !r || !lines || !tot || !risk;
    if (!e) {
        e |= json_object_set_new(r, "schema", json_string("ncm.ledger/1"));
        e |= json_object_set_new(r, "contract", json_string(l->contract));
        e |= json_object_set_new(r, "lines", lines);
        e |= json_object_set_new(r, "totals", tot);
        e |= json_object_set_new(r, "risk_share", risk);
    } else {
        json_decref(lines);
        json_decref(tot);
        json_decref(risk);
    }
    for (size_t i = 0; !e && i < l->n; i++) {
        const sline *s = &l->lines[i];
        json_t *o = json_object();
        if (!o) { e = 1; break; }
        e |= json_array_append_new(lines, o);
        e |= json_object_set_new(o, "year", json_integer(s->year));
        e |= json_object_set_new(o, "component", json_string(l->comp[s->comp]));
        e |= json_object_set_new(o, "kind", json_string(kind_names[s->kind]));
        e |= json_object_set_new(o, "what", json_string(l->pool + l->what[i]));
        e |= json_object_set_new(o, "payer", json_string(l->party[s->payer]));
        e |= json_object_set_new(o, "payee", json_string(l->party[s->payee]));
        e |= jm(o, "base", s->base);
        e |= json_object_set_new(o, "rate", ncmi_json_number(s->rate));
        e |= jm(o, "amount", s->amount);
        e |= jm(o, "paid", l->paid[i]);
        e |= jm(o, "balance", s->amount - l->paid[i]);
    }
    for (size_t yi = 0; !e && yi < l->nyears; yi++) e |= totals_json(l, tot, l->years[yi]);
    if (!e) e |= totals_json(l, tot, 0);
    for (size_t i = 0; !e && i < l->nrisk; i++) {
        const risk_rec *rr = &l->risk[i];
        json_t *o = json_object();
        if (!o) { e = 1; break; }
        e |= json_array_append_new(risk, o);
        e |= json_object_set_new(o, "year", json_integer(rr->year));
        e |= json_object_set_new(o, "component", json_string(l->comp[rr->comp]));
        e |= jm(o, "base", rr->base);
        e |= jm(o, "variance", rr->variance);
        e |= jm(o, "provider", rr->provider);
        e |= jm(o, "commissioner", rr->commissioner);
    }
    if (e) {
        json_decref(r);
        return ncmi_nomem("ledger JSON");
    }
    ncm_status st = ncmi_json_write_file(r, path);
    json_decref(r);
    return st;
}

/* ================================================================== bulk settler */

struct ncm_settler {
    const ncm_contract *c;
    yout out;
    sline *lines;
};

ncm_status ncm_settler_create(const ncm_contract *c, ncm_settler **out)
{
    if (!c || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_settler_create: NULL argument");
    ncm_settler *s = ncmi_calloc(1, sizeof *s);
    if (!s) return ncmi_nomem("settler");
    s->lines = ncmi_malloc_array(c->max_lines ? c->max_lines : 1, sizeof *s->lines);
    if (!s->lines) {
        ncmi_free(s);
        return ncmi_nomem("settler");
    }
    s->c = c;
    s->out.lines = s->lines;
    s->out.cap = c->max_lines;
    *out = s;
    return NCM_OK;
}

void ncm_settler_free(ncm_settler *s)
{
    if (!s) return;
    ncmi_free(s->lines);
    ncmi_free(s);
}

static ncm_status settler_run(ncm_settler *s, unsigned year, size_t n, const ncm_money *total_cost,
                              const ncm_money *party_cost, const double *score, const int64_t *volume,
                              const double *member_months, ncm_money *party_net, const size_t *person_offset,
                              const ncm_money *person_cost);

ncm_status ncm_settler_run(ncm_settler *s, unsigned year, size_t n, const ncm_money *total_cost,
                           const ncm_money *party_cost, const double *score, const int64_t *volume,
                           const double *member_months, ncm_money *party_net)
{
    return settler_run(s, year, n, total_cost, party_cost, score, volume, member_months, party_net, NULL, NULL);
}

ncm_status ncm_settler_run_persons(ncm_settler *s, unsigned year, size_t n, const size_t *person_offset,
                                   const ncm_money *person_cost, const ncm_money *party_cost, const double *score,
                                   const int64_t *volume, const double *member_months, ncm_money *party_net)
{
    if (!s || (n && (!person_offset || !party_net)) || (n && person_offset[n] > person_offset[0] && !person_cost))
        return ncmi_error(NCM_ERR_INVALID, "ncm_settler_run_persons: NULL argument");
    for (size_t t = 0; t < n; t++)
        if (person_offset[t + 1] < person_offset[t])
            return ncmi_error(NCM_ERR_INVALID, "ncm_settler_run_persons: person_offset[%zu] = %zu is below person_offset[%zu] = %zu",
                              t + 1, person_offset[t + 1], t, person_offset[t]);
    return settler_run(s, year, n, NULL, party_cost, score, volume, member_months, party_net, person_offset, person_cost);
}

static ncm_status settler_run(ncm_settler *s, unsigned year, size_t n, const ncm_money *total_cost,
                              const ncm_money *party_cost, const double *score, const int64_t *volume,
                              const double *member_months, ncm_money *party_net, const size_t *person_offset,
                              const ncm_money *person_cost)
{
    if (!s || (n && !party_net)) return ncmi_error(NCM_ERR_INVALID, "ncm_settler_run: NULL argument");
    const ncm_contract *c = s->c;
    if (year < 1 || year > c->term)
        return ncmi_error(NCM_ERR_RANGE, "ncm_settler_run: year %u is outside the term 1-%u", year, c->term);
    const size_t np = c->nparties, nc = c->ncomps;
    ncm_money pot[MAXC], total0[MAXC], total[MAXC], fixed_net[MAXP];
    yin in;
    memset(&in, 0, sizeof in);
    in.year = year;
    in.bulk = 1;
    ncm_status st = settle_fixed(c, &in, &s->out, pot, total0);
    if (st) return st;
    const size_t nfixed = s->out.n;
    for (size_t p = 0; p < np; p++) fixed_net[p] = 0;
    for (size_t i = 0; i < nfixed; i++) {
        const sline *l = &s->out.lines[i];
        if (ncm_money_add(fixed_net[l->payee], l->amount, &fixed_net[l->payee]) != NCM_OK ||
            ncm_money_sub(fixed_net[l->payer], l->amount, &fixed_net[l->payer]) != NCM_OK)
            return ncmi_error(NCM_ERR_OVERFLOW, "ncm_settler_run: year %u: a party's net is out of range", year);
    }
    for (size_t t = 0; t < n; t++) {
        in.trial = t;
        in.has_total = total_cost != NULL;
        in.total_cost = total_cost ? total_cost[t] : 0;
        in.party_cost = party_cost ? party_cost + t * np : NULL;
        in.score_all = score ? score[t] : NAN;
        if (score && !(score[t] >= 0 && score[t] <= 1))
            return ncmi_error(NCM_ERR_RANGE, "ncm_settler_run: score[%zu] = %g is not in [0, 1]", t, score[t]);
        in.volume = volume ? volume + t * nc : NULL;
        in.mm = member_months ? member_months + t * nc : NULL;
        if (person_offset) { /* the trial's persons: their sum is its total cost */
            static const ncm_money nobody = 0;
            in.person_cost = person_cost ? person_cost + person_offset[t] : &nobody;
            in.nperson = person_offset[t + 1] - person_offset[t];
            in.total_cost = 0;
            in.has_total = 1;
            for (size_t i = 0; i < in.nperson; i++) {
                if (in.person_cost[i] < 0)
                    return ncmi_error(NCM_ERR_RANGE, "ncm_settler_run_persons: trial %zu: person cost %zu = %lld is negative", t,
                                      person_offset[t] + i, (long long)in.person_cost[i]);
                if (ncm_money_add(in.total_cost, in.person_cost[i], &in.total_cost))
                    return ncmi_error(NCM_ERR_OVERFLOW, "ncm_settler_run_persons: trial %zu: total cost out of range", t);
            }
        }
        s->out.n = nfixed;
        s->out.nrisk = 0;
        memcpy(total, total0, nc * sizeof *total);
        if ((st = settle_variable(c, &in, &s->out, pot, total))) return st;
        ncm_money *net = party_net + t * np;
        memcpy(net, fixed_net, np * sizeof *net);
        for (size_t i = nfixed; i < s->out.n; i++) {
            const sline *l = &s->out.lines[i];
            if (ncm_money_add(net[l->payee], l->amount, &net[l->payee]) != NCM_OK ||
                ncm_money_sub(net[l->payer], l->amount, &net[l->payer]) != NCM_OK)
                return ncmi_error(NCM_ERR_OVERFLOW, "ncm_settler_run: trial %zu, year %u: a party's net is out of range", t, year);
        }
    }
    return NCM_OK;
}
