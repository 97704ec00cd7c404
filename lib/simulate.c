/* The Monte Carlo engine: N trials x T years, every design settled through the bulk settler. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ncm/riskshare.h"
#include "ncm/settle.h"
#include "ncm/simulate.h"
#include "internal/contract_impl.h"
#include "internal/rng.h"
#include "internal/simulate_impl.h"

/* Random streams (the "stream" of ncmi_rng_key). */
enum {
    S_EFF = 0x51u,    /* index trial: efficiency delivered */
    S_SHOCK = 0x52u,  /* index trial, value y * 16 + shock */
    S_SCORE = 0x53u,  /* index trial, value y (normal score) */
    S_BETA = 0x54u,   /* index trial * 64 + y: sequential gamma draws of a beta score */
    S_SEG = 0x55u,    /* index trial, value y * nsegs + s: segment total */
    S_PERSON = 0x56u  /* index (trial * 64 + y) * 4096 + s: sequential, one or more values per person */
};

#define MAX_CHUNK 256u

/* ------------------------------------------------------------------ distributions */

static double gamma_draw(ncmi_rng *r, double k)
{
    if (k < 1) {
        double g = gamma_draw(r, k + 1);
        double u = ncmi_rng_uniform(r);
        return g * ncmi_exp(ncmi_log(u) / k);
    }
    double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = ncmi_rng_normal(r);
        double v = 1.0 + c * z;
        if (v <= 0) continue;
        v = v * v * v;
        double u = ncmi_rng_uniform(r);
        if (ncmi_log(u) < 0.5 * z * z + d - d * v + d * ncmi_log(v)) return d * v;
    }
}

/* ------------------------------------------------------------------ run state */

typedef struct dprep {
    const ncmi_design *d;
    const ncm_contract *c;
    size_t np, ncomp;
    int bearers;           /* number of parties bearing cost */
    int holder;            /* the single bearer when bearers == 1 */
    double share[NCM_CONTRACT_MAX_PARTIES];
    ncm_party_role role[NCM_CONTRACT_MAX_PARTIES];
    int cc[NCM_CONTRACT_MAX_COMPONENTS];
    size_t ncc;
    ncm_money budget[NCM_CONTRACT_MAX_YEARS]; /* commissioner's planned spending */
    ncm_money premium[NCM_CONTRACT_MAX_YEARS];
    double agg_base[NCM_CONTRACT_MAX_YEARS];  /* aggregate attachment, minor units */
    ncm_money cap_year[NCM_CONTRACT_MAX_YEARS];
    /* risk shares with a cap on the provider's part: schedule and base per year (0 = inactive) */
    size_t nlim;
    const ncm_riskshare *lim_rs[8];
    ncm_money lim_base[8][NCM_CONTRACT_MAX_YEARS];
    size_t lim_comp_index[8];
} dprep;

typedef struct run {
    const ncm_scenario *sc;
    const ncmi_design *designs; /* nd designs (the scenario's, or a scaled copy) */
    size_t nd;
    dprep *dp;
    uint64_t trials, seed;
    unsigned T;
    int person;
    double growth[NCM_CONTRACT_MAX_YEARS]; /* (1+i)^(y-1) (1+g)^(y-1) */
    double members[NCM_CONTRACT_MAX_YEARS]; /* (1+joiners-leavers)^(y-1) */
    double *table;                           /* person mode: nsegs x (cells + 1) lognormal quantiles */
    double *ln_mu, *ln_sigma;
    size_t *npers;                           /* person mode: people per segment */
    ncm_sim_results *res;
    size_t chunk;
    /* shared, under the lock */
    pthread_mutex_t lock;
    uint64_t next, done;
    int cancel;
    ncm_status err;
    uint64_t err_at;
    char errmsg[512];
    ncm_progress_fn progress;
    void *progress_user;
} run;

/* Systematic draws of a trial: cost factor and score of every year. */
static void trial_factors(const run *R, uint64_t t, double *F, double *score)
{
    const ncm_scenario *sc = R->sc;
    double e = sc->eff_mean;
    if (sc->eff_sd > 0) {
        e += sc->eff_sd * ncmi_norm_inv(ncmi_u01(ncmi_rng_at(R->seed, S_EFF, t, 0)));
        if (e < 0) e = 0;
        if (e > 0.95) e = 0.95;
    }
    for (unsigned y = 0; y < R->T; y++) {
        double ramp = (double)(y + 1) / sc->eff_ramp;
        if (ramp > 1) ramp = 1;
        double f = R->growth[y] * (1.0 - e * ramp);
        for (size_t j = 0; j < sc->nshocks; j++)
            if (ncmi_u01(ncmi_rng_at(R->seed, S_SHOCK, t, (uint64_t)y * 16 + j)) < sc->shocks[j].probability)
                f *= 1.0 + sc->shocks[j].increase;
        F[y] = f;
        double s = sc->score_mean;
        if (sc->score_kind == NCMI_SCORE_NORMAL) {
            s += sc->score_sd * ncmi_norm_inv(ncmi_u01(ncmi_rng_at(R->seed, S_SCORE, t, y)));
        } else if (sc->score_kind == NCMI_SCORE_BETA) {
            double m = sc->score_mean, v = sc->score_sd * sc->score_sd, k = m * (1 - m) / v - 1;
            ncmi_rng r;
            ncmi_rng_init(&r, R->seed, S_BETA, t * 64 + y);
            double a = gamma_draw(&r, m * k), b = gamma_draw(&r, (1 - m) * k);
            s = a / (a + b);
        }
        score[y] = s < 0 ? 0 : s > 1 ? 1 : s;
    }
}

static inline ncm_money round_money(double x) { return (ncm_money)floor(x + 0.5); }

/* Costs of one trial and year: gross, and per design the cost borne by the provider side. */
static ncm_status trial_year_cost(const run *R, uint64_t t, unsigned y, double F, ncm_money *gross, ncm_money *borne)
{
    const ncm_scenario *sc = R->sc;
    size_t ns = sc->nsegs;
    double g = R->members[y];
    double G = 0;
    double rind[64] = {0};
    ncm_money Gm = 0;
    if (!R->person) {
        double seg[4096];
        for (size_t s = 0; s < ns; s++) {
            const ncmi_segment *gs = &sc->segs[s];
            double n = gs->people * g, mean = n * gs->mean * F;
            double sd = sqrt(n) * gs->cv * gs->mean * F;
            double z = ncmi_norm_inv(ncmi_u01(ncmi_rng_at(R->seed, S_SEG, t, (uint64_t)y * ns + s)));
            double x = mean + sd * z;
            seg[s] = x < 0 ? 0 : x;
            G += seg[s];
        }
        Gm = round_money(G);
        for (size_t d = 0; d < R->nd; d++) {
            const ncmi_design *ds = &R->designs[d];
            if (!ds->has_stop_loss || !ds->sl.attachment) continue;
            double r = 0;
            for (size_t s = 0; s < ns; s++) {
                const ncmi_segment *gs = &sc->segs[s];
                double e;
                ncm_status st = ncm_stop_loss_expected(&ds->sl, gs->mean * F, gs->cv, &e);
                if (st) return st;
                double n = gs->people * g;
                double mean = n * gs->mean * F;
                r += mean > 0 ? e * n * seg[s] / mean : 0;
            }
            rind[d] = r;
        }
    } else {
        uint64_t Gsum = 0;
        uint64_t Rsum[64] = {0};
        for (size_t s = 0; s < ns; s++) {
            const ncmi_segment *gs = &sc->segs[s];
            ncmi_rng r;
            ncmi_rng_init(&r, R->seed, S_PERSON, ((t * 64 + y) << 12) + s);
            size_t n = R->npers[s];
            const double *tab = R->table ? R->table + s * (NCMI_LN_CELLS + 1) : NULL;
            double mu = R->ln_mu ? R->ln_mu[s] : 0, sig = R->ln_sigma ? R->ln_sigma[s] : 0;
            double k = gs->cv > 0 ? 1.0 / (gs->cv * gs->cv) : 0, theta = gs->mean * gs->cv * gs->cv;
            int any_sl = 0;
            for (size_t d = 0; d < R->nd; d++)
                if (R->designs[d].has_stop_loss && R->designs[d].sl.attachment) any_sl = 1;
            for (size_t i = 0; i < n; i++) {
                double v;
                if (gs->dist == NCMI_DIST_LOGNORMAL) {
                    uint64_t x = ncmi_rng_next(&r);
                    uint64_t j = x >> 52;
                    if (sig == 0) v = gs->mean;
                    else if (j >= NCMI_LN_EXACT && j < NCMI_LN_CELLS - NCMI_LN_EXACT) {
                        double f = ((double)((x >> 12) & 0xFFFFFFFFFFull) + 0.5) * (1.0 / 1099511627776.0);
                        v = tab[j] + f * (tab[j + 1] - tab[j]);
                    } else
                        v = ncmi_exp(mu + sig * ncmi_norm_inv(ncmi_u01(x)));
                } else if (gs->dist == NCMI_DIST_GAMMA) {
                    v = k > 0 ? theta * gamma_draw(&r, k) : gs->mean;
                } else {
                    v = gs->pool[ncmi_below(ncmi_rng_next(&r), gs->npool)];
                }
                ncm_money c = round_money(v * F);
                Gsum += (uint64_t)c;
                if (any_sl)
                    for (size_t d = 0; d < R->nd; d++) {
                        const ncmi_design *ds = &R->designs[d];
                        if (!ds->has_stop_loss || !ds->sl.attachment || c <= ds->sl.attachment) continue;
                        ncm_money top = ds->sl.limit && c > ds->sl.limit ? ds->sl.limit : c, p;
                        ncm_status st =
                            ncm_money_mul_rate(top - ds->sl.attachment, 1.0 - ds->sl.coinsurance, NCM_ROUND_HALF_EVEN, &p);
                        if (st) return st;
                        Rsum[d] += (uint64_t)p;
                    }
            }
        }
        if (Gsum > (uint64_t)INT64_MAX / 2) return ncmi_error(NCM_ERR_OVERFLOW, "trial %llu: total cost overflows", (unsigned long long)t);
        Gm = g == 1.0 ? (ncm_money)Gsum : round_money((double)Gsum * g);
        for (size_t d = 0; d < R->nd; d++) rind[d] = (double)Rsum[d] * g;
    }
    *gross = Gm;
    for (size_t d = 0; d < R->nd; d++) {
        const ncmi_design *ds = &R->designs[d];
        ncm_money c = Gm;
        if (ds->has_stop_loss) {
            ncm_money ri = round_money(rind[d]);
            if (ri > c) ri = c;
            c -= ri;
            if (ds->sl.aggregate_threshold > 0) {
                double over = (double)c - R->dp[d].agg_base[y];
                if (over > 0) c -= round_money(over * (1.0 - ds->sl.aggregate_coinsurance));
            }
            c += R->dp[d].premium[y];
        }
        borne[d] = c;
    }
    return NCM_OK;
}

static ncm_status limit_binds(const dprep *p, unsigned y, ncm_money actual, int *hit);

/* Per-thread buffers. */
typedef struct worker {
    run *R;
    ncm_settler **settlers;
    ncm_money *gross;   /* T x chunk */
    ncm_money *borne;   /* nd x T x chunk */
    double *score;      /* T x chunk */
    double *F;          /* T */
    ncm_money *tc;      /* chunk */
    ncm_money *pc;      /* chunk x maxnp */
    double *mm;         /* chunk x maxncomp */
    ncm_money *net;     /* chunk x maxnp */
    double *sc1;        /* chunk scores of one year */
} worker;

static void set_error(run *R, ncm_status st, uint64_t at)
{
    pthread_mutex_lock(&R->lock);
    if (!R->err || at < R->err_at) {
        R->err = st;
        R->err_at = at;
        snprintf(R->errmsg, sizeof R->errmsg, "%s", ncm_last_error());
    }
    R->cancel = 1;
    pthread_mutex_unlock(&R->lock);
}

static ncm_status do_chunk(worker *w, uint64_t t0, size_t n)
{
    run *R = w->R;
    unsigned T = R->T;
    size_t C = R->chunk;
    ncm_status st;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = t0 + i;
        double sc[NCM_CONTRACT_MAX_YEARS];
        trial_factors(R, t, w->F, sc);
        for (unsigned y = 0; y < T; y++) {
            ncm_money borne[64];
            if ((st = trial_year_cost(R, t, y, w->F[y], &w->gross[y * C + i], borne))) return st;
            for (size_t d = 0; d < R->nd; d++) w->borne[(d * T + y) * C + i] = borne[d];
            w->score[y * C + i] = sc[y];
        }
    }
    ncm_sim_results *res = R->res;
    uint64_t N = R->trials;
    for (unsigned y = 0; y < T; y++)
        for (size_t i = 0; i < n; i++) {
            res->gross[(size_t)(y + 1) * N + t0 + i] = w->gross[y * C + i];
            res->gross[t0 + i] = (y == 0 ? 0 : res->gross[t0 + i]) + w->gross[y * C + i];
        }
    for (size_t d = 0; d < R->nd; d++) {
        const dprep *p = &R->dp[d];
        size_t np = p->np, np1 = np + 1;
        ncm_money *out = res->res[d], *pcost = res->pcost[d];
        for (unsigned y = 0; y < T; y++) {
            const ncm_money *b = &w->borne[(d * T + y) * C];
            double members = 0;
            for (size_t s = 0; s < R->sc->nsegs; s++) members += R->sc->segs[s].people * R->members[y];
            for (size_t i = 0; i < n; i++) {
                w->tc[i] = b[i];
                w->sc1[i] = w->score[y * C + i];
                if (p->bearers > 1 && ncmi_settle_split_small(b[i], p->share, np, &w->pc[i * np]))
                    return ncmi_error(NCM_ERR_OVERFLOW, "design \"%s\": cannot split the cost %lld", p->d->name,
                                      (long long)b[i]);
                for (size_t k = 0; k < p->ncomp; k++) w->mm[i * p->ncomp + k] = 0;
                for (size_t k = 0; k < p->ncc; k++) w->mm[i * p->ncomp + (size_t)p->cc[k]] = 12.0 * members;
            }
            st = ncm_settler_run(w->settlers[d], y + 1, n, p->bearers > 1 ? NULL : w->tc, p->bearers > 1 ? w->pc : NULL,
                                 w->sc1, NULL, p->ncc ? w->mm : NULL, w->net);
            if (st)
                return ncmi_wrap_error(st, "design \"%s\", year %u, trials from %llu", p->d->name, y + 1,
                                       (unsigned long long)t0);
            for (size_t i = 0; i < n; i++) {
                uint64_t t = t0 + i;
                ncm_money prov = 0;
                for (size_t q = 0; q < np; q++) {
                    ncm_money net = w->net[i * np + q], r;
                    ncm_money cost = p->bearers > 1 ? w->pc[i * np + q] : ((int)q == p->holder ? b[i] : 0);
                    switch (p->role[q]) {
                    case NCM_ROLE_COMMISSIONER: st = ncm_money_add(net, p->budget[y], &r); break;
                    case NCM_ROLE_EXTERNAL: r = net; st = NCM_OK; break;
                    default:
                        st = ncm_money_sub(net, cost, &r);
                        if (!st) st = ncm_money_add(prov, r, &prov);
                    }
                    if (st) return st;
                    out[((q * (T + 1)) + y + 1) * N + t] = r;
                }
                out[((np * (T + 1)) + y + 1) * N + t] = prov;
                pcost[(size_t)(y + 1) * N + t] = b[i];
                if (p->nlim) {
                    int hit;
                    if ((st = limit_binds(p, y, b[i], &hit))) return st;
                    res->limit[d][(size_t)(y + 1) * N + t] = (uint8_t)hit;
                }
            }
        }
        for (size_t q = 0; q < np1; q++)
            for (size_t i = 0; i < n; i++) {
                uint64_t t = t0 + i;
                ncm_money s = 0;
                for (unsigned y = 1; y <= T; y++)
                    if ((st = ncm_money_add(s, out[((q * (T + 1)) + y) * N + t], &s))) return st;
                out[(q * (T + 1)) * N + t] = s;
            }
        for (size_t i = 0; i < n; i++) {
            ncm_money s = 0;
            for (unsigned y = 1; y <= T; y++) s += pcost[(size_t)y * N + t0 + i];
            pcost[t0 + i] = s;
            if (p->nlim) {
                uint8_t any = 0;
                for (unsigned y = 1; y <= T; y++) any |= res->limit[d][(size_t)y * N + t0 + i];
                res->limit[d][t0 + i] = any;
            }
        }
    }
    return NCM_OK;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run *R = w->R;
    for (;;) {
        pthread_mutex_lock(&R->lock);
        if (R->cancel || R->next >= R->trials) {
            pthread_mutex_unlock(&R->lock);
            break;
        }
        uint64_t t0 = R->next;
        size_t n = (size_t)(R->trials - t0 < R->chunk ? R->trials - t0 : R->chunk);
        R->next += n;
        pthread_mutex_unlock(&R->lock);
        ncm_status st = do_chunk(w, t0, n);
        if (st) {
            set_error(R, st, t0);
            break;
        }
        pthread_mutex_lock(&R->lock);
        R->done += n;
        if (R->progress && !R->cancel && R->progress(R->progress_user, R->done, R->trials)) {
            R->cancel = 1;
            if (!R->err) {
                R->err = NCM_ERR_CANCELLED;
                R->err_at = UINT64_MAX;
                snprintf(R->errmsg, sizeof R->errmsg, "cancelled by the progress callback after %llu of %llu trials",
                         (unsigned long long)R->done, (unsigned long long)R->trials);
            }
        }
        pthread_mutex_unlock(&R->lock);
    }
    return NULL;
}

static void worker_free(worker *w, size_t nd)
{
    if (!w) return;
    if (w->settlers)
        for (size_t d = 0; d < nd; d++) ncm_settler_free(w->settlers[d]);
    ncmi_free(w->settlers);
    ncmi_free(w->gross);
    ncmi_free(w->borne);
    ncmi_free(w->score);
    ncmi_free(w->F);
    ncmi_free(w->tc);
    ncmi_free(w->pc);
    ncmi_free(w->mm);
    ncmi_free(w->net);
    ncmi_free(w->sc1);
}

static ncm_status worker_init(worker *w, run *R)
{
    memset(w, 0, sizeof *w);
    w->R = R;
    size_t C = R->chunk, T = R->T, maxnp = 1, maxnc = 1;
    for (size_t d = 0; d < R->nd; d++) {
        if (R->dp[d].np > maxnp) maxnp = R->dp[d].np;
        if (R->dp[d].ncomp > maxnc) maxnc = R->dp[d].ncomp;
    }
    w->settlers = ncmi_calloc(R->nd, sizeof *w->settlers);
    w->gross = ncmi_malloc_array(T * C, sizeof *w->gross);
    w->borne = ncmi_malloc_array(R->nd * T * C, sizeof *w->borne);
    w->score = ncmi_malloc_array(T * C, sizeof *w->score);
    w->F = ncmi_malloc_array(T, sizeof *w->F);
    w->tc = ncmi_malloc_array(C, sizeof *w->tc);
    w->pc = ncmi_malloc_array(C * maxnp, sizeof *w->pc);
    w->mm = ncmi_malloc_array(C * maxnc, sizeof *w->mm);
    w->net = ncmi_malloc_array(C * maxnp, sizeof *w->net);
    w->sc1 = ncmi_malloc_array(C, sizeof *w->sc1);
    if (!w->settlers || !w->gross || !w->borne || !w->score || !w->F || !w->tc || !w->pc || !w->mm || !w->net || !w->sc1)
        return ncmi_nomem("simulation buffers");
    for (size_t d = 0; d < R->nd; d++) {
        ncm_status st = ncm_settler_create(R->dp[d].c, &w->settlers[d]);
        if (st) return st;
    }
    return NCM_OK;
}

/* ------------------------------------------------------------------ preparation */

/* Find the risk shares whose schedule caps the provider's part, and their base in each year (the
 * base does not depend on the actual cost: it is read from a settlement of the plan). */
static ncm_status prep_limits(run *R, dprep *p, const double *members_total)
{
    const ncm_contract *c = p->c;
    p->nlim = 0;
    for (size_t k = 0; k < c->ncomps && p->nlim < 8; k++) {
        const ncmi_component *q = &c->comps[k];
        if (q->type != NCM_COMPONENT_RISK_SHARE || !q->schedule) continue;
        ncm_riskshare_options o;
        if (ncm_riskshare_get_options(q->schedule, &o) != NCM_OK) continue;
        if (o.surplus_cap_kind == NCM_RISKSHARE_LIMIT_NONE && o.deficit_cap_kind == NCM_RISKSHARE_LIMIT_NONE) continue;
        p->lim_rs[p->nlim] = q->schedule;
        memset(p->lim_base[p->nlim], 0, sizeof p->lim_base[p->nlim]);
        p->lim_comp_index[p->nlim] = k;
        p->nlim++;
    }
    if (!p->nlim) return NCM_OK;
    ncm_actuals *a = NULL;
    ncm_ledger *l = NULL;
    ncm_status st = ncm_actuals_create(c, &a);
    for (unsigned y = 1; y <= R->T && !st; y++) {
        ncm_money v, pc[NCM_CONTRACT_MAX_PARTIES];
        st = ncm_contract_value(c, y, &v);
        if (!st && p->bearers > 1) {
            st = ncm_money_split(v, p->share, p->np, pc);
            for (size_t q = 0; q < p->np && !st; q++)
                if (p->share[q] > 0) st = ncm_actuals_set_cost(a, y, ncm_contract_party_name(c, q), pc[q]);
        } else if (!st) {
            st = ncm_actuals_set_cost(a, y, NULL, v);
        }
        if (!st) st = ncm_actuals_set_score(a, y, NULL, 1.0);
        for (size_t k = 0; k < p->ncc && !st; k++)
            st = ncm_actuals_set_member_months(a, y, ncm_contract_component_name(c, (size_t)p->cc[k]), 12.0 * members_total[y - 1]);
    }
    if (!st) st = ncm_settle(c, a, NULL, &l);
    for (size_t j = 0; j < p->nlim && !st; j++)
        for (unsigned y = 1; y <= R->T; y++) {
            ncm_money base = 0;
            if (ncm_ledger_risk(l, y, p->lim_comp_index[j], &base, NULL, NULL, NULL) == NCM_OK && base > 0)
                p->lim_base[j][y - 1] = base;
        }
    ncm_ledger_free(l);
    ncm_actuals_free(a);
    return st;
}

/* 1 if a cap of one of the design's risk shares binds at this actual cost. */
static ncm_status limit_binds(const dprep *p, unsigned y, ncm_money actual, int *hit)
{
    *hit = 0;
    for (size_t j = 0; j < p->nlim; j++) {
        ncm_money base = p->lim_base[j][y];
        if (base <= 0) continue;
        ncm_money bp[64], adj = 0, prov = 0;
        size_t nb = ncm_riskshare_band_count(p->lim_rs[j]);
        if (nb > 64) continue;
        ncm_status st = ncm_riskshare_explain(p->lim_rs[j], base, actual < 0 ? 0 : actual, NULL, bp, 64, &adj, &prov, NULL);
        if (st) return st;
        if (adj == 0) continue;
        ncm_money before = 0;
        for (size_t k = 0; k < nb; k++) before += bp[k];
        ncm_riskshare_options o;
        ncm_riskshare_get_options(p->lim_rs[j], &o);
        int surplus = base - actual > 0;
        ncm_riskshare_limit kind = surplus ? o.surplus_cap_kind : o.deficit_cap_kind;
        if (kind == NCM_RISKSHARE_LIMIT_NONE) continue;
        double capv = kind == NCM_RISKSHARE_LIMIT_MONEY ? (double)(surplus ? o.surplus_cap_money : o.deficit_cap_money)
                                                        : (surplus ? o.surplus_cap_rate : o.deficit_cap_rate) * (double)base;
        /* the cap binds when the bands alone would give the provider more than it in magnitude */
        if (fabs((double)before) > capv + 0.5) *hit = 1;
    }
    return NCM_OK;
}

static ncm_status prep_design(run *R, size_t di)
{
    dprep *p = &R->dp[di];
    const ncmi_design *d = &R->designs[di];
    const ncm_scenario *sc = R->sc;
    const ncm_contract *c = d->contract;
    memset(p, 0, sizeof *p);
    p->d = d;
    p->c = c;
    p->np = ncm_contract_party_count(c);
    p->ncomp = ncm_contract_component_count(c);
    p->holder = -1;
    int nmembers = 0;
    for (size_t q = 0; q < p->np; q++) {
        ncm_contract_party_role(c, q, &p->role[q]);
        if (p->role[q] == NCM_ROLE_MEMBER) nmembers++;
    }
    for (size_t k = 0; k < p->ncomp; k++) {
        ncm_component_type t;
        ncm_contract_component_type(c, k, &t);
        if (t == NCM_COMPONENT_CARE_COORDINATION) p->cc[p->ncc++] = (int)k;
        if (t == NCM_COMPONENT_ACTIVITY)
            return ncmi_error(NCM_ERR_INVALID, "design \"%s\": component \"%s\": activity volumes are not simulated",
                              d->name, ncm_contract_component_name(c, k));
    }
    if (d->cost_share) {
        for (size_t q = 0; q < p->np; q++) p->share[q] = d->cost_share[q];
    } else if (nmembers > 0) {
        int all = 1;
        for (size_t q = 0; q < p->np; q++)
            if (p->role[q] == NCM_ROLE_MEMBER && !c->parties[q].has_value_share) all = 0;
        for (size_t q = 0; q < p->np; q++)
            if (p->role[q] == NCM_ROLE_MEMBER) p->share[q] = all ? c->parties[q].value_share : 1.0 / nmembers;
    } else {
        int h = -1;
        for (size_t q = 0; q < p->np && h < 0; q++)
            if (p->role[q] == NCM_ROLE_PRIME || p->role[q] == NCM_ROLE_LEAD || p->role[q] == NCM_ROLE_PROVIDER) h = (int)q;
        for (size_t q = 0; q < p->np && h < 0; q++)
            if (p->role[q] != NCM_ROLE_COMMISSIONER && p->role[q] != NCM_ROLE_EXTERNAL) h = (int)q;
        if (h < 0) return ncmi_error(NCM_ERR_INVALID, "design \"%s\": the contract has no provider", d->name);
        p->share[h] = 1;
    }
    for (size_t q = 0; q < p->np; q++)
        if (p->share[q] > 0) {
            p->bearers++;
            p->holder = (int)q;
        }
    /* planned figures per year */
    double members_total[NCM_CONTRACT_MAX_YEARS];
    for (unsigned y = 0; y < R->T; y++) {
        double ramp = (double)(y + 1) / sc->eff_ramp;
        if (ramp > 1) ramp = 1;
        double F = R->growth[y] * (1.0 - sc->eff_mean * ramp);
        double gross = 0, ind = 0, people = 0;
        for (size_t s = 0; s < sc->nsegs; s++) {
            double n = sc->segs[s].people * R->members[y];
            people += n;
            gross += n * sc->segs[s].mean * F;
            if (d->has_stop_loss && d->sl.attachment) {
                double e;
                ncm_status st = ncm_stop_loss_expected(&d->sl, sc->segs[s].mean * F, sc->segs[s].cv, &e);
                if (st) return ncmi_wrap_error(st, "design \"%s\": stop_loss", d->name);
                ind += e * n;
            }
        }
        members_total[y] = people;
        p->agg_base[y] = d->sl.aggregate_threshold * (gross - ind);
        p->premium[y] = d->has_stop_loss ? round_money(d->premium_rate * gross) : 0;
    }
    /* the commissioner's plan: cost = value, score 1, through the same settler */
    ncm_settler *s;
    ncm_status st = ncm_settler_create(c, &s);
    if (st) return st;
    ncm_money tc, pc[NCM_CONTRACT_MAX_PARTIES], net[NCM_CONTRACT_MAX_PARTIES];
    double mm[NCM_CONTRACT_MAX_COMPONENTS] = {0}, one = 1.0;
    for (unsigned y = 0; y < R->T && !st; y++) {
        st = ncm_contract_value(c, y + 1, &tc);
        if (!st && p->bearers > 1) st = ncm_money_split(tc, p->share, p->np, pc);
        for (size_t k = 0; k < p->ncc; k++) mm[p->cc[k]] = 12.0 * members_total[y];
        if (!st)
            st = ncm_settler_run(s, y + 1, 1, p->bearers > 1 ? NULL : &tc, p->bearers > 1 ? pc : NULL, &one, NULL,
                                 p->ncc ? mm : NULL, net);
        if (!st)
            for (size_t q = 0; q < p->np; q++)
                if (p->role[q] == NCM_ROLE_COMMISSIONER) p->budget[y] = -net[q];
    }
    ncm_settler_free(s);
    if (st) return ncmi_wrap_error(st, "design \"%s\": planned settlement", d->name);
    if ((st = prep_limits(R, p, members_total))) return ncmi_wrap_error(st, "design \"%s\": risk-share caps", d->name);
    if (d->has_cap) {
        ncm_money tot = 0, v;
        for (unsigned y = 1; y <= R->T; y++) {
            ncm_contract_value(c, y, &v);
            tot += v;
        }
        for (unsigned y = 1; y <= R->T; y++) {
            ncm_contract_value(c, y, &v);
            if ((st = ncm_money_mul_frac(d->cap, v, tot > 0 ? tot : 1, NCM_ROUND_HALF_EVEN, &p->cap_year[y - 1])))
                return st;
        }
    }
    return NCM_OK;
}

void ncm_sim_results_free(ncm_sim_results *r)
{
    if (!r) return;
    for (size_t d = 0; d < r->ndesigns; d++) {
        if (r->design_names) ncmi_free(r->design_names[d]);
        if (r->party_names && r->party_names[d]) {
            for (size_t p = 0; p < r->nparties[d]; p++) ncmi_free(r->party_names[d][p]);
            ncmi_free(r->party_names[d]);
        }
        if (r->res) ncmi_free(r->res[d]);
        if (r->pcost) ncmi_free(r->pcost[d]);
        if (r->limit) ncmi_free(r->limit[d]);
    }
    ncmi_free(r->limit);
    ncmi_free(r->has_limit);
    ncmi_free(r->design_names);
    ncmi_free(r->party_names);
    ncmi_free(r->nparties);
    ncmi_free(r->res);
    ncmi_free(r->pcost);
    ncmi_free(r->has_cap);
    ncmi_free(r->cap);
    ncmi_free(r->cap_year);
    ncmi_free(r->gross);
    ncmi_free(r);
}

static ncm_status results_alloc(const run *R, ncm_sim_results **out)
{
    ncm_sim_results *r = ncmi_calloc(1, sizeof *r);
    if (!r) return ncmi_nomem("results");
    r->trials = R->trials;
    r->years = R->T;
    size_t nd = R->nd, N = (size_t)R->trials, T1 = R->T + 1;
    r->design_names = ncmi_calloc(nd, sizeof *r->design_names);
    r->party_names = ncmi_calloc(nd, sizeof *r->party_names);
    r->nparties = ncmi_calloc(nd, sizeof *r->nparties);
    r->res = ncmi_calloc(nd, sizeof *r->res);
    r->pcost = ncmi_calloc(nd, sizeof *r->pcost);
    r->has_cap = ncmi_calloc(nd, sizeof *r->has_cap);
    r->cap = ncmi_calloc(nd, sizeof *r->cap);
    r->cap_year = ncmi_calloc(nd * T1, sizeof *r->cap_year);
    r->gross = ncmi_malloc_array(T1 * N, sizeof *r->gross);
    r->has_limit = ncmi_calloc(nd, sizeof *r->has_limit);
    r->limit = ncmi_calloc(nd, sizeof *r->limit);
    if (!r->has_limit || !r->limit || !r->design_names || !r->party_names || !r->nparties || !r->res || !r->pcost || !r->has_cap || !r->cap ||
        !r->cap_year || !r->gross) {
        ncm_sim_results_free(r);
        return ncmi_nomem("results");
    }
    r->ndesigns = nd;
    for (size_t d = 0; d < nd; d++) {
        const dprep *p = &R->dp[d];
        size_t np1 = p->np + 1;
        r->nparties[d] = np1;
        r->design_names[d] = ncmi_strdup(R->designs[d].name);
        r->party_names[d] = ncmi_calloc(np1, sizeof **r->party_names);
        r->res[d] = ncmi_malloc_array(np1 * T1, N * sizeof(ncm_money));
        r->pcost[d] = ncmi_malloc_array(T1, N * sizeof(ncm_money));
        r->has_limit[d] = p->nlim > 0;
        if (p->nlim) r->limit[d] = ncmi_calloc(T1 * N, 1);
        if (!r->design_names[d] || !r->party_names[d] || !r->res[d] || !r->pcost[d] || (p->nlim && !r->limit[d])) {
            ncm_sim_results_free(r);
            return ncmi_nomem("results");
        }
        for (size_t q = 0; q < np1; q++) {
            r->party_names[d][q] = ncmi_strdup(q < p->np ? ncm_contract_party_name(p->c, q) : "providers");
            if (!r->party_names[d][q]) {
                ncm_sim_results_free(r);
                return ncmi_nomem("results");
            }
        }
        r->has_cap[d] = R->designs[d].has_cap;
        r->cap[d] = R->designs[d].cap;
        for (unsigned y = 0; y < R->T; y++) r->cap_year[d * T1 + y + 1] = p->cap_year[y];
        r->cap_year[d * T1] = R->designs[d].cap;
    }
    *out = r;
    return NCM_OK;
}

void ncm_sim_options_init(ncm_sim_options *opts)
{
    if (!opts) return;
    ncm_sim_options o = NCM_SIM_OPTIONS_INIT;
    *opts = o;
}

static ncm_status run_engine(const ncm_scenario *sc, const ncmi_design *designs, size_t nd, const ncm_sim_options *opts,
                             ncm_sim_results **out)
{
    ncm_sim_options o = NCM_SIM_OPTIONS_INIT;
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_SIM_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_sim_options: version %u is not supported (1 to %u)", opts->version,
                              NCM_SIM_OPTIONS_VERSION);
        o = *opts;
    }
    if (o.trials == 0) return ncmi_error(NCM_ERR_RANGE, "trials: must be at least 1");
    if (o.trials > ((uint64_t)1 << 40)) return ncmi_error(NCM_ERR_RANGE, "trials: %llu is too many", (unsigned long long)o.trials);
    if ((unsigned)o.mode > NCM_SIM_MODE_PERSON) return ncmi_error(NCM_ERR_INVALID, "mode: %d is not a mode", (int)o.mode);
    if (nd > 64) return ncmi_error(NCM_ERR_RANGE, "at most 64 designs");
    run R;
    memset(&R, 0, sizeof R);
    R.sc = sc;
    R.designs = designs;
    R.nd = nd;
    R.trials = o.trials;
    R.seed = o.seed;
    R.T = sc->term;
    R.person = (o.mode == NCM_SIM_MODE_DEFAULT ? sc->mode : o.mode) == NCM_SIM_MODE_PERSON;
    R.progress = o.progress;
    R.progress_user = o.progress_user;
    double gr = 1, mb = 1;
    for (unsigned y = 0; y < R.T; y++) {
        R.growth[y] = gr;
        R.members[y] = mb;
        gr *= (1 + sc->cost_inflation) * (1 + sc->demand_growth);
        mb *= 1 + sc->joiners - sc->leavers;
    }
    unsigned threads = o.threads;
    if (threads == 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 ? (unsigned)c : 1;
    }
    if (threads > 256) threads = 256;
    uint64_t per = R.trials / ((uint64_t)threads * 16);
    R.chunk = per < 1 ? 1 : per > MAX_CHUNK ? MAX_CHUNK : (size_t)per;
    if ((uint64_t)threads > (R.trials + R.chunk - 1) / R.chunk) threads = (unsigned)((R.trials + R.chunk - 1) / R.chunk);
    ncm_status st = NCM_OK;
    worker *ws = NULL;
    pthread_t *tids = NULL;
    unsigned nw = 0;
    ncm_sim_results *res = NULL;
    R.dp = ncmi_calloc(nd, sizeof *R.dp);
    if (!R.dp) return ncmi_nomem("simulation");
    for (size_t d = 0; d < nd && !st; d++) st = prep_design(&R, d);
    if (!st && R.person) {
        size_t ns = sc->nsegs;
        R.npers = ncmi_calloc(ns, sizeof *R.npers);
        R.table = ncmi_malloc_array(ns * (NCMI_LN_CELLS + 1), sizeof *R.table);
        R.ln_mu = ncmi_calloc(ns, sizeof *R.ln_mu);
        R.ln_sigma = ncmi_calloc(ns, sizeof *R.ln_sigma);
        if (!R.npers || !R.table || !R.ln_mu || !R.ln_sigma) st = ncmi_nomem("person tables");
        for (size_t s = 0; s < ns && !st; s++) {
            const ncmi_segment *g = &sc->segs[s];
            R.npers[s] = (size_t)floor(g->people + 0.5);
            if (g->dist != NCMI_DIST_LOGNORMAL) continue;
            double s2 = ncmi_log(1 + g->cv * g->cv), sig = sqrt(s2), mu = ncmi_log(g->mean) - s2 / 2;
            R.ln_mu[s] = mu;
            R.ln_sigma[s] = sig;
            double *tab = R.table + s * (NCMI_LN_CELLS + 1);
            tab[0] = 0;
            for (unsigned j = 1; j < NCMI_LN_CELLS; j++)
                tab[j] = ncmi_exp(mu + sig * ncmi_norm_inv((double)j / NCMI_LN_CELLS));
            tab[NCMI_LN_CELLS] = tab[NCMI_LN_CELLS - 1];
        }
    }
    if (!st) st = results_alloc(&R, &res);
    if (!st) {
        R.res = res;
        ws = ncmi_calloc(threads, sizeof *ws);
        tids = ncmi_calloc(threads, sizeof *tids);
        if (!ws || !tids) st = ncmi_nomem("threads");
    }
    for (unsigned k = 0; k < threads && !st; k++) {
        st = worker_init(&ws[k], &R);
        nw = k + 1;
    }
    if (!st) {
        if (pthread_mutex_init(&R.lock, NULL)) st = ncmi_error(NCM_ERR_INTERNAL, "cannot create a mutex");
    }
    if (!st) {
        unsigned started = 0;
        for (unsigned k = 1; k < threads; k++) {
            if (pthread_create(&tids[k], NULL, worker_main, &ws[k])) break;
            started = k;
        }
        worker_main(&ws[0]);
        for (unsigned k = 1; k <= started; k++) pthread_join(tids[k], NULL);
        pthread_mutex_destroy(&R.lock);
        if (R.err) st = ncmi_error(R.err, "%s", R.errmsg);
        else if (R.done != R.trials) st = ncmi_error(NCM_ERR_INTERNAL, "only %llu of %llu trials ran", (unsigned long long)R.done, (unsigned long long)R.trials);
    }
    for (unsigned k = 0; k < nw; k++) worker_free(&ws[k], nd);
    ncmi_free(ws);
    ncmi_free(tids);
    ncmi_free(R.dp);
    ncmi_free(R.npers);
    ncmi_free(R.table);
    ncmi_free(R.ln_mu);
    ncmi_free(R.ln_sigma);
    if (st) {
        ncm_sim_results_free(res);
        return st;
    }
    *out = res;
    return NCM_OK;
}

ncm_status ncm_simulate(const ncm_scenario *sc, const ncm_sim_options *opts, ncm_sim_results **out)
{
    if (!sc || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_simulate: NULL argument");
    return run_engine(sc, sc->designs, sc->ndesigns, opts, out);
}

/* ------------------------------------------------------------------ results */

uint64_t ncm_sim_results_trials(const ncm_sim_results *r) { return r ? r->trials : 0; }
unsigned ncm_sim_results_years(const ncm_sim_results *r) { return r ? r->years : 0; }
size_t ncm_sim_results_design_count(const ncm_sim_results *r) { return r ? r->ndesigns : 0; }
const char *ncm_sim_results_design_name(const ncm_sim_results *r, size_t d)
{
    return r && d < r->ndesigns ? r->design_names[d] : NULL;
}
size_t ncm_sim_results_party_count(const ncm_sim_results *r, size_t d)
{
    return r && d < r->ndesigns ? r->nparties[d] : 0;
}
const char *ncm_sim_results_party_name(const ncm_sim_results *r, size_t d, size_t p)
{
    return r && d < r->ndesigns && p < r->nparties[d] ? r->party_names[d][p] : NULL;
}

static ncm_status check_index(const ncm_sim_results *r, size_t d, size_t p, unsigned year, const char *fn)
{
    if (!r) return ncmi_error(NCM_ERR_INVALID, "%s: NULL results", fn);
    if (d >= r->ndesigns) return ncmi_error(NCM_ERR_RANGE, "%s: design %zu of %zu", fn, d, r->ndesigns);
    if (p >= r->nparties[d]) return ncmi_error(NCM_ERR_RANGE, "%s: party %zu of %zu", fn, p, r->nparties[d]);
    if (year > r->years) return ncmi_error(NCM_ERR_RANGE, "%s: year %u beyond the term of %u", fn, year, r->years);
    return NCM_OK;
}

static const ncm_money *series(const ncm_sim_results *r, size_t d, size_t p, unsigned year)
{
    return r->res[d] + ((p * (r->years + 1)) + year) * (size_t)r->trials;
}

ncm_status ncm_sim_results_trial_values(const ncm_sim_results *r, size_t d, size_t p, unsigned year, ncm_money *out,
                                        size_t cap)
{
    ncm_status st = check_index(r, d, p, year, "ncm_sim_results_trial_values");
    if (st) return st;
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_sim_results_trial_values: NULL out");
    if (cap < r->trials) return ncmi_error(NCM_ERR_BUFFER, "ncm_sim_results_trial_values: cap %zu < %llu trials", cap, (unsigned long long)r->trials);
    memcpy(out, series(r, d, p, year), (size_t)r->trials * sizeof *out);
    return NCM_OK;
}

ncm_status ncm_sim_results_cost(const ncm_sim_results *r, unsigned year, ncm_money *out, size_t cap)
{
    if (!r || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_sim_results_cost: NULL argument");
    if (year > r->years) return ncmi_error(NCM_ERR_RANGE, "ncm_sim_results_cost: year %u beyond the term of %u", year, r->years);
    if (cap < r->trials) return ncmi_error(NCM_ERR_BUFFER, "ncm_sim_results_cost: cap %zu < %llu trials", cap, (unsigned long long)r->trials);
    memcpy(out, r->gross + (size_t)year * r->trials, (size_t)r->trials * sizeof *out);
    return NCM_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile of sorted x (type 7, linear between order statistics). */
static double quantile(const double *x, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* Figures of n values (sorted in place). */
static void figures(double *x, size_t n, const ncm_money *cost, int has_cap, ncm_money cap, const uint8_t *limit,
                    double *v, double *se)
{
    static const double qs[7] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    double m = 0, ss = 0, neg = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        ss += (x[i] - m) * (x[i] - m);
        if (x[i] < 0) neg += 1;
    }
    double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
    qsort(x, n, sizeof *x, cmp_double);
    double out[NCM_SIM_STAT_COUNT], err[NCM_SIM_STAT_COUNT];
    out[NCM_SIM_MEAN] = m;
    err[NCM_SIM_MEAN] = sd / sqrt((double)n);
    out[NCM_SIM_SD] = sd;
    err[NCM_SIM_SD] = n > 1 ? sd / sqrt(2.0 * (double)(n - 1)) : NAN;
    for (int k = 0; k < 7; k++) {
        double q = qs[k];
        out[NCM_SIM_Q01 + k] = quantile(x, n, q);
        /* order-statistic interval: the ranks n q +- sqrt(n q (1 - q)) span about +-1 standard error */
        double h = sqrt((double)n * q * (1 - q));
        double lo = (double)n * q - h, hi = (double)n * q + h;
        size_t il = lo < 0 ? 0 : (size_t)lo, ih = hi > (double)(n - 1) ? n - 1 : (size_t)hi;
        err[NCM_SIM_Q01 + k] = (x[ih] - x[il]) / 2;
    }
    double p = neg / (double)n;
    out[NCM_SIM_P_DEFICIT] = p;
    err[NCM_SIM_P_DEFICIT] = sqrt(p * (1 - p) / (double)n);
    size_t k5 = (size_t)ceil(0.05 * (double)n);
    if (k5 < 1) k5 = 1;
    double es = 0, es2 = 0;
    for (size_t i = 0; i < k5; i++) es += x[i];
    es /= (double)k5;
    for (size_t i = 0; i < k5; i++) es2 += (x[i] - es) * (x[i] - es);
    double var_tail = k5 > 1 ? es2 / (double)(k5 - 1) : 0, var5 = x[k5 - 1];
    out[NCM_SIM_ES05] = es;
    err[NCM_SIM_ES05] = sqrt((var_tail + 0.95 * (es - var5) * (es - var5)) / (double)k5);
    if (has_cap && cost) {
        double hit = 0;
        for (size_t i = 0; i < n; i++) hit += cost[i] > cap;
        double pc = hit / (double)n;
        out[NCM_SIM_P_CAP] = pc;
        err[NCM_SIM_P_CAP] = sqrt(pc * (1 - pc) / (double)n);
    } else {
        out[NCM_SIM_P_CAP] = NAN;
        err[NCM_SIM_P_CAP] = NAN;
    }
    if (limit) {
        double hit = 0;
        for (size_t i = 0; i < n; i++) hit += limit[i];
        double pl = hit / (double)n;
        out[NCM_SIM_P_LIMIT] = pl;
        err[NCM_SIM_P_LIMIT] = sqrt(pl * (1 - pl) / (double)n);
    } else {
        out[NCM_SIM_P_LIMIT] = NAN;
        err[NCM_SIM_P_LIMIT] = NAN;
    }
    if (v) memcpy(v, out, sizeof out);
    if (se) memcpy(se, err, sizeof err);
}

ncm_status ncm_sim_results_stats(const ncm_sim_results *r, size_t d, size_t p, unsigned year, double *value, double *se,
                                 size_t cap)
{
    ncm_status st = check_index(r, d, p, year, "ncm_sim_results_stats");
    if (st) return st;
    if (cap < NCM_SIM_STAT_COUNT) return ncmi_error(NCM_ERR_BUFFER, "ncm_sim_results_stats: cap %zu < %d", cap, NCM_SIM_STAT_COUNT);
    size_t n = (size_t)r->trials;
    double *x = ncmi_malloc_array(n, sizeof *x);
    if (!x) return ncmi_nomem("results figures");
    const ncm_money *s = series(r, d, p, year);
    for (size_t i = 0; i < n; i++) x[i] = (double)s[i];
    figures(x, n, r->pcost[d] + (size_t)year * n, r->has_cap[d], r->cap_year[d * (r->years + 1) + year],
            r->has_limit[d] ? r->limit[d] + (size_t)year * n : NULL, value, se);
    ncmi_free(x);
    return NCM_OK;
}

ncm_status ncm_sim_results_compare(const ncm_sim_results *r, size_t a, size_t pa, size_t b, size_t pb, unsigned year,
                                   double *value, double *se, size_t cap)
{
    ncm_status st = check_index(r, a, pa, year, "ncm_sim_results_compare");
    if (!st) st = check_index(r, b, pb, year, "ncm_sim_results_compare");
    if (st) return st;
    if (cap < NCM_SIM_STAT_COUNT) return ncmi_error(NCM_ERR_BUFFER, "ncm_sim_results_compare: cap %zu < %d", cap, NCM_SIM_STAT_COUNT);
    size_t n = (size_t)r->trials;
    double *x = ncmi_malloc_array(n, sizeof *x);
    if (!x) return ncmi_nomem("comparison");
    const ncm_money *sa = series(r, a, pa, year), *sb = series(r, b, pb, year);
    for (size_t i = 0; i < n; i++) x[i] = (double)sa[i] - (double)sb[i];
    figures(x, n, NULL, 0, 0, NULL, value, se);
    ncmi_free(x);
    return NCM_OK;
}

/* ------------------------------------------------------------------ bids */

static ncm_status deficit_at(const ncm_scenario *sc, size_t d, const ncm_sim_options *opts, ncm_money bid, double *p,
                             double *mean)
{
    ncmi_design copy = sc->designs[d];
    ncm_contract *c = NULL;
    ncm_status st = ncmi_contract_scaled(sc->designs[d].contract, bid, &c);
    if (st) return st;
    copy.contract = c;
    ncm_sim_results *r = NULL;
    st = run_engine(sc, &copy, 1, opts, &r);
    if (!st) {
        const ncm_money *s = series(r, 0, r->nparties[0] - 1, 0);
        size_t n = (size_t)r->trials, neg = 0;
        double m = 0;
        for (size_t i = 0; i < n; i++) {
            neg += s[i] < 0;
            m += (double)s[i];
        }
        *p = (double)neg / (double)n;
        if (mean) *mean = m / (double)n;
    }
    ncm_sim_results_free(r);
    ncm_contract_free(c);
    return st;
}

ncm_status ncm_scenario_deficit_at(const ncm_scenario *sc, size_t d, const ncm_sim_options *opts, size_t n,
                                   const ncm_money *bids, double *p_deficit, double *mean)
{
    if (!sc || (n && (!bids || !p_deficit))) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_deficit_at: NULL argument");
    if (d >= sc->ndesigns) return ncmi_error(NCM_ERR_RANGE, "ncm_scenario_deficit_at: design %zu of %zu", d, sc->ndesigns);
    for (size_t i = 0; i < n; i++)
        if (bids[i] <= 0) return ncmi_error(NCM_ERR_RANGE, "bids[%zu]: must be > 0", i);
    double *pp = ncmi_malloc_array(n ? n : 1, sizeof *pp), *mm = ncmi_malloc_array(n ? n : 1, sizeof *mm);
    ncm_status st = pp && mm ? NCM_OK : ncmi_nomem("bids");
    for (size_t i = 0; i < n && !st; i++) st = deficit_at(sc, d, opts, bids[i], &pp[i], &mm[i]);
    if (!st) {
        memcpy(p_deficit, pp, n * sizeof *pp);
        if (mean) memcpy(mean, mm, n * sizeof *mm);
    }
    ncmi_free(pp);
    ncmi_free(mm);
    return st;
}

ncm_status ncm_scenario_find_bid(const ncm_scenario *sc, size_t d, const ncm_sim_options *opts, double target,
                                 ncm_money tolerance, ncm_money *bid, double *p_deficit)
{
    if (!sc || !bid) return ncmi_error(NCM_ERR_INVALID, "ncm_scenario_find_bid: NULL argument");
    if (d >= sc->ndesigns) return ncmi_error(NCM_ERR_RANGE, "ncm_scenario_find_bid: design %zu of %zu", d, sc->ndesigns);
    if (!(target > 0 && target < 1)) return ncmi_error(NCM_ERR_RANGE, "target: %g is not in (0, 1)", target);
    if (tolerance <= 0) return ncmi_error(NCM_ERR_RANGE, "tolerance: must be > 0");
    const ncm_contract *c = sc->designs[d].contract;
    ncm_money total = 0, v;
    for (unsigned y = 1; y <= ncm_contract_term(c); y++) {
        ncm_contract_value(c, y, &v);
        total += v;
    }
    if (total <= 0) return ncmi_error(NCM_ERR_RANGE, "design \"%s\": contract value is 0", sc->designs[d].name);
    ncm_money lo = total / 2, hi = total * 2;
    double p, phi;
    ncm_status st = deficit_at(sc, d, opts, hi, &phi, NULL);
    while (!st && phi > target) {
        if (hi >= total * 64)
            return ncmi_error(NCM_ERR_NOT_FOUND, "design \"%s\": P(deficit) is %.3g even at a bid of 64 x the contract value",
                              sc->designs[d].name, phi);
        lo = hi;
        hi *= 2;
        st = deficit_at(sc, d, opts, hi, &phi, NULL);
    }
    /* the answer may lie below the starting bracket: halve lo while it already meets the target */
    while (!st && lo > tolerance) {
        st = deficit_at(sc, d, opts, lo, &p, NULL);
        if (st || p > target) break;
        hi = lo;
        phi = p;
        lo /= 2;
    }
    while (!st && hi - lo > tolerance) {
        ncm_money mid = lo + (hi - lo) / 2;
        st = deficit_at(sc, d, opts, mid, &p, NULL);
        if (st) break;
        if (p <= target) {
            hi = mid;
            phi = p;
        } else {
            lo = mid;
        }
    }
    if (st) return st;
    *bid = hi;
    if (p_deficit) *p_deficit = phi;
    return NCM_OK;
}
