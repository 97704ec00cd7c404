/* The synthetic population generator. Figures and sources: docs/synthetic-population.md.
 *
 * Every random draw comes from the counter-based generator in internal/rng.h, keyed by
 * (seed, stream, index): the geography is drawn from streams keyed by unit, each person from the
 * stream (seed, SYN_STREAM_PERSON, row). The draws of one person, in order:
 *   0  age/sex cell: ncmi_below(x, total) over the ONS table below, cells in the order
 *      band 0 male, band 0 female, band 1 male, ... (counts in thousands);
 *   1  age within the band: lo + ncmi_below(x, 5), or for 90+ ncmi_below(x, 1010) over AGE90_W;
 *   2  deprivation: ncmi_below(x, 100) -> offset from the practice's decile (0 50%, -1 20%, +1 20%,
 *      -2 5%, +2 5%, reflected into 1-10);
 *   3  latent health risk: one of 4,096 equally likely quantiles of a lognormal multiplier;
 *      then conditions (two per draw), codes, minor codes, enrolment and cost.
 * The test suite re-implements draws 0-2 independently. Only IEEE-exact operations and the
 * library's own exp/log are used, so output is identical on every platform. */
#include "ncm/synth.h"

#include <stdio.h>
#include <string.h>

#include "internal/common.h"
#include "internal/dict.h"
#include "internal/population_fast.h"
#include "internal/rng.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

enum { SYN_STREAM_PERSON = 1, SYN_STREAM_PLACES = 10, SYN_STREAM_NETWORKS = 11, SYN_STREAM_PRACTICES = 12,
       SYN_STREAM_PRACTICE_DEPR = 13 };

/* ONS mid-2022 population estimates, England, thousands, by five-year band (0-4, ..., 85-89, 90+)
 * and sex (rounded; see docs/synthetic-population.md for the source and caveats). */
static const uint32_t ONS_MALE[19] = {1640, 1778, 1838, 1714, 1783, 1856, 1930, 1880, 1790, 1705,
                                      1880, 1865, 1615, 1375, 1290, 1010, 625,  345,  160};
static const uint32_t ONS_FEMALE[19] = {1562, 1692, 1748, 1625, 1716, 1874, 1990, 1925, 1815, 1745,
                                        1945, 1915, 1680, 1465, 1420, 1150, 785,  505,  355};
/* Relative weights of single years 90, 91, ..., 104 within the 90+ band (sum 1010). */
static const uint16_t AGE90_W[15] = {200, 170, 145, 120, 100, 80, 62, 46, 33, 22, 14, 8, 5, 3, 2};

/* Broad age groups used for prevalence, mortality and cost. */
#define NGRP 7
static int age_group(int age)
{
    return age < 18 ? 0 : age < 35 ? 1 : age < 50 ? 2 : age < 65 ? 3 : age < 75 ? 4 : age < 85 ? 5 : 6;
}

typedef struct {
    const char *code;
    uint8_t w_female, w_male; /* selection weights (per sex), each list sums to 100 */
} syn_code;

typedef struct {
    const char *name;
    double prev[NGRP];  /* prevalence in % by age group 0-17, 18-34, 35-49, 50-64, 65-74, 75-84, 85+ */
    double male_ratio;  /* male : female relative risk */
    double depr_ratio;  /* most deprived decile : least deprived decile relative risk */
    double cost_weight; /* added to the cost multiplier (1 + sum of weights) */
    syn_code codes[5];
} syn_condition;

enum { C_HYPERTENSION, C_DIABETES, C_COPD, C_ASTHMA, C_HEART_FAILURE, C_AF, C_CHD, C_STROKE, C_CKD, C_DEMENTIA,
       C_DEPRESSION, C_SMI, C_CANCER, C_OSTEOARTHRITIS, C_RA, C_EPILEPSY, C_PARKINSONS, C_LD, C_FRAILTY, NCOND };

static const syn_condition CONDITIONS[NCOND] = {
    {"hypertension", {0.05, 1.5, 8, 22, 40, 52, 58}, 1.1, 1.15, 0.15, {{"I10", 100, 100}}},
    {"diabetes", {0.2, 1.2, 4.5, 11, 17, 19, 15}, 1.3, 1.8, 0.4, {{"E119", 100, 100}}},
    {"copd", {0, 0.05, 0.6, 2.8, 5.5, 7.5, 7.5}, 1.1, 2.8, 0.8, {{"J449", 80, 80}, {"J441", 20, 20}}},
    {"asthma", {5, 6, 6, 6.5, 7.5, 7.5, 6.5}, 0.8, 1.3, 0.3, {{"J45909", 90, 90}, {"J4550", 10, 10}}},
    {"heart failure", {0.01, 0.04, 0.2, 0.8, 2.5, 5.5, 9.5}, 1.3, 1.6, 1.5,
     {{"I509", 60, 60}, {"I5022", 25, 25}, {"I110", 15, 15}}},
    {"atrial fibrillation", {0, 0.05, 0.3, 1.8, 6, 11.5, 17}, 1.4, 1.0, 0.6, {{"I4891", 70, 70}, {"I4820", 30, 30}}},
    {"coronary heart disease", {0, 0.04, 0.7, 3.8, 9, 13.5, 16}, 1.8, 1.7, 0.6,
     {{"I2510", 60, 60}, {"I209", 25, 25}, {"I25119", 15, 15}}},
    {"stroke", {0.02, 0.1, 0.5, 2.0, 5, 8.5, 12}, 1.1, 1.5, 0.9, {{"I639", 70, 70}, {"I69351", 30, 30}}},
    {"chronic kidney disease", {0, 0.15, 0.6, 2.8, 7.5, 17, 28}, 0.8, 1.3, 0.7,
     {{"N1830", 35, 35}, {"N1831", 30, 30}, {"N1832", 20, 20}, {"N184", 10, 10}, {"N185", 5, 5}}},
    {"dementia", {0, 0, 0.02, 0.2, 1.2, 4.5, 13}, 0.7, 1.2, 1.5, {{"F0390", 60, 60}, {"G309", 40, 40}}},
    {"depression", {1.5, 13, 15, 14, 11, 10, 10}, 0.55, 1.5, 0.4,
     {{"F329", 55, 55}, {"F322", 20, 20}, {"F331", 15, 15}, {"F332", 10, 10}}},
    {"serious mental illness", {0.05, 1.0, 1.4, 1.4, 1.1, 0.9, 0.8}, 1.0, 2.2, 1.2,
     {{"F209", 40, 40}, {"F319", 45, 45}, {"F251", 15, 15}}},
    {"cancer", {0.1, 0.4, 1.7, 4.8, 10, 14, 15}, 1.0, 0.9, 1.5,
     {{"C50919", 55, 0}, {"C61", 0, 45}, {"C189", 25, 25}, {"C3490", 15, 20}, {"C679", 5, 10}}},
    {"osteoarthritis", {0, 0.3, 2.5, 9, 18, 24, 26}, 0.7, 1.3, 0.4, {{"M170", 60, 60}, {"M169", 40, 40}}},
    {"rheumatoid arthritis", {0.02, 0.15, 0.5, 1.1, 1.6, 1.8, 1.6}, 0.4, 1.3, 0.6, {{"M069", 70, 70}, {"M0579", 30, 30}}},
    {"epilepsy", {0.5, 0.8, 0.8, 0.85, 0.9, 0.9, 0.9}, 1.1, 1.6, 0.6, {{"G40909", 75, 75}, {"G40209", 25, 25}}},
    {"parkinsons", {0, 0, 0.02, 0.15, 0.65, 1.4, 1.9}, 1.5, 1.0, 1.0, {{"G20A1", 100, 100}}},
    {"learning disability", {0.6, 0.8, 0.6, 0.45, 0.3, 0.15, 0.1}, 1.5, 1.6, 1.5, {{"F79", 100, 100}}},
    {"frailty", {0, 0, 0, 0.3, 5, 14, 35}, 0.7, 1.8, 1.2, {{"R54", 100, 100}}},
};

/* Diabetes: type 1 code below age 25; otherwise share with complications by age group. */
static const double DM_COMPLICATED[NGRP] = {0.10, 0.15, 0.20, 0.30, 0.40, 0.45, 0.50};
static const syn_code DM_COMP_CODES[4] = {{"E1122", 30, 30}, {"E1140", 30, 30}, {"E1169", 25, 25}, {"E11319", 15, 15}};

/* Minor, non-HCC codes (acute illness, common chronic non-HCC conditions, encounters). */
#define NMINOR 16
static const syn_code MINOR_CODES[NMINOR] = {
    {"J069", 12, 13}, {"Z0000", 9, 9}, {"E785", 8, 10}, {"M5450", 7, 7}, {"N390", 7, 3},   {"K219", 6, 6},
    {"L309", 5, 5},   {"R519", 5, 4},  {"E039", 5, 2},  {"Z23", 8, 14},  {"J029", 6, 6},   {"B349", 6, 6},
    {"R109", 5, 5},   {"L709", 3, 3},  {"M25561", 4, 4}, {"R059", 4, 3}};
/* Relative rate of minor codes by age group (normalised so the population mean is the option). */
static const double MINOR_AGE[NGRP] = {0.7, 0.7, 0.9, 1.2, 1.6, 1.9, 2.0};

/* Annual probability of death by age group (England, roughly: crude rate about 0.9%). */
static const double DEATH[NGRP] = {0.0002, 0.0005, 0.0015, 0.005, 0.015, 0.045, 0.14};
/* Cost: mean annual cost in pounds of a person with no conditions, by age group; probability of
 * no cost at all for such a person; lognormal sigma; multiplier for the year of death. */
static const double COST_BASE[NGRP] = {1430, 1490, 1580, 1725, 1960, 2235, 2095};
static const double COST_ZERO[NGRP] = {0.10, 0.18, 0.14, 0.08, 0.04, 0.02, 0.01};
#define COST_SIGMA 1.2
/* The lognormal cost multiplier is its quantile function at a uniform u, interpolated linearly in a
 * table of COST_CELLS cells and computed exactly (normal quantile, exp) in the two extreme cells. */
#define COST_CELLS 16384
#define COST_DEATH 3.0
#define LATENT_SIGMA 0.5
/* The latent multiplier is drawn from LATENT_LEVELS equally likely quantiles of its lognormal
 * distribution (a table lookup instead of a normal draw and an exp for every person). */
#define LATENT_LEVELS 4096
#define PROB_CAP 0.95

/* Geography bounds (people per unit). */
#define PRACTICE_MIN 2000u
#define PRACTICE_MAX 20000u
#define PRACTICE_MEAN 9000u
#define NETWORK_MIN 30000u
#define NETWORK_MAX 50000u
#define NETWORK_MEAN 40000u
#define PLACE_MIN 250000u
#define PLACE_MAX 750000u
#define PLACE_MEAN 450000u

#define MAX_PEOPLE 4000000000ull

void ncm_synth_options_init(ncm_synth_options *opts)
{
    static const ncm_synth_options d = NCM_SYNTH_OPTIONS_INIT;
    if (opts) *opts = d;
}

/* ------------------------------------------------------------------ geography */

/* Number of units for total t, aiming at mean size `mean` within [lo, hi] when possible. */
static uint64_t unit_count(uint64_t t, uint64_t lo, uint64_t hi, uint64_t mean)
{
    if (t == 0) return 0;
    uint64_t k = (t + mean / 2) / mean, kmin = (t + hi - 1) / hi, kmax = t / lo;
    if (kmax < kmin) kmax = kmin; /* infeasible only when t < lo: one unit */
    if (k < kmin) k = kmin;
    if (k > kmax) k = kmax;
    return k ? k : 1;
}

/* Split t into k sizes (k >= 1, k <= t) within [lo, hi] where feasible: each unit gets lo, the rest
 * is shared in proportion to random weights (water-filling so none exceeds hi), then the integer
 * remainder goes one by one to units below hi. shape 0: weights 0.5 + u; shape 1: lognormal(0, 0.6). */
static void split_sizes(uint64_t t, uint64_t k, uint64_t lo, uint64_t hi, int shape, ncmi_rng *r, uint64_t *size,
                        double *w)
{
    if (lo * k > t) lo = t / k;
    if (hi * k < t) hi = (t + k - 1) / k;
    if (lo == 0) lo = 1;
    for (uint64_t j = 0; j < k; j++) {
        size[j] = lo;
        w[j] = shape == 0 ? 0.5 + ncmi_rng_uniform(r) : ncmi_exp(0.6 * ncmi_rng_normal(r));
    }
    uint64_t rest = t - lo * k;
    while (rest > 0) {
        double wsum = 0;
        for (uint64_t j = 0; j < k; j++)
            if (size[j] < hi) wsum += w[j];
        if (wsum <= 0) break;
        uint64_t given = 0;
        for (uint64_t j = 0; j < k && given < rest; j++) {
            if (size[j] >= hi) continue;
            uint64_t add = (uint64_t)((double)rest * (w[j] / wsum));
            if (add > hi - size[j]) add = hi - size[j];
            if (add > rest - given) add = rest - given;
            size[j] += add;
            given += add;
        }
        if (given == 0) { /* remainders: one each, in order */
            for (uint64_t j = 0; j < k && rest > 0; j++)
                if (size[j] < hi) size[j]++, rest--;
        } else {
            rest -= given;
        }
    }
}

typedef struct {
    uint64_t nplace, nnet, nprac;
    uint64_t *prac_size;   /* per practice */
    uint32_t *prac_net;    /* network of each practice */
    uint32_t *net_place;   /* place of each network */
    uint32_t *place_sys;   /* system of each place */
    uint8_t *prac_depr;    /* deprivation decile of each practice */
} syn_geo;

static void geo_free(syn_geo *g)
{
    ncmi_free(g->prac_size);
    ncmi_free(g->prac_net);
    ncmi_free(g->net_place);
    ncmi_free(g->place_sys);
    ncmi_free(g->prac_depr);
}

static ncm_status build_geo(uint64_t seed, uint64_t n, uint64_t places, uint64_t systems, syn_geo *g)
{
    memset(g, 0, sizeof *g);
    if (n == 0) return NCM_OK;
    uint64_t np = places ? places : unit_count(n, PLACE_MIN, PLACE_MAX, PLACE_MEAN);
    if (np > n) return ncmi_error(NCM_ERR_RANGE, "places: %llu is more than the %llu people", (unsigned long long)np, (unsigned long long)n);
    if (systems > np)
        return ncmi_error(NCM_ERR_RANGE, "systems: %llu is more than the %llu places", (unsigned long long)systems, (unsigned long long)np);
    /* Upper bounds of unit counts, for allocation: networks <= n / 1 but in practice <= n/NETWORK_MIN + np. */
    uint64_t *psize = ncmi_malloc_array(np, sizeof *psize);
    double *w = ncmi_malloc_array(np, sizeof *w);
    ncm_status st = NCM_OK;
    uint64_t *nsize = NULL;
    double *nw = NULL;
    if (!psize || !w) goto nomem;
    ncmi_rng r;
    ncmi_rng_init(&r, seed, SYN_STREAM_PLACES, 0);
    split_sizes(n, np, PLACE_MIN, PLACE_MAX, 0, &r, psize, w);
    /* count networks */
    uint64_t nn = 0;
    for (uint64_t p = 0; p < np; p++) nn += unit_count(psize[p], NETWORK_MIN, NETWORK_MAX, NETWORK_MEAN);
    nsize = ncmi_malloc_array(nn, sizeof *nsize);
    nw = ncmi_malloc_array(nn, sizeof *nw);
    g->net_place = ncmi_malloc_array(nn, sizeof *g->net_place);
    g->place_sys = ncmi_malloc_array(np, sizeof *g->place_sys);
    if (!nsize || !nw || !g->net_place || !g->place_sys) goto nomem;
    for (uint64_t p = 0; p < np; p++) g->place_sys[p] = (uint32_t)(p * systems / np);
    uint64_t at = 0, nprac = 0;
    for (uint64_t p = 0; p < np; p++) {
        uint64_t k = unit_count(psize[p], NETWORK_MIN, NETWORK_MAX, NETWORK_MEAN);
        ncmi_rng_init(&r, seed, SYN_STREAM_NETWORKS, p);
        split_sizes(psize[p], k, NETWORK_MIN, NETWORK_MAX, 0, &r, nsize + at, nw + at);
        for (uint64_t j = 0; j < k; j++) {
            g->net_place[at + j] = (uint32_t)p;
            nprac += unit_count(nsize[at + j], PRACTICE_MIN, PRACTICE_MAX, PRACTICE_MEAN);
        }
        at += k;
    }
    g->prac_size = ncmi_malloc_array(nprac, sizeof *g->prac_size);
    g->prac_net = ncmi_malloc_array(nprac, sizeof *g->prac_net);
    g->prac_depr = ncmi_malloc_array(nprac, sizeof *g->prac_depr);
    double *pw = ncmi_malloc_array(nprac, sizeof *pw);
    if (!g->prac_size || !g->prac_net || !g->prac_depr || !pw) {
        ncmi_free(pw);
        goto nomem;
    }
    at = 0;
    for (uint64_t q = 0; q < nn; q++) {
        uint64_t k = unit_count(nsize[q], PRACTICE_MIN, PRACTICE_MAX, PRACTICE_MEAN);
        ncmi_rng_init(&r, seed, SYN_STREAM_PRACTICES, q);
        split_sizes(nsize[q], k, PRACTICE_MIN, PRACTICE_MAX, 1, &r, g->prac_size + at, pw + at);
        for (uint64_t j = 0; j < k; j++) {
            g->prac_net[at + j] = (uint32_t)q;
            g->prac_depr[at + j] = (uint8_t)(1 + ncmi_below(ncmi_rng_at(seed, SYN_STREAM_PRACTICE_DEPR, at + j, 0), 10));
        }
        at += k;
    }
    ncmi_free(pw);
    uint64_t total = 0;
    for (uint64_t j = 0; j < nprac; j++) total += g->prac_size[j];
    if (total != n) { /* cannot happen: split_sizes always shares out its total exactly */
        geo_free(g);
        memset(g, 0, sizeof *g);
        st = ncmi_error(NCM_ERR_INTERNAL, "synthetic geography: practices hold %llu of %llu people",
                        (unsigned long long)total, (unsigned long long)n);
        goto done;
    }
    g->nplace = np;
    g->nnet = nn;
    g->nprac = nprac;
    goto done;
nomem:
    st = ncmi_nomem("synthetic geography");
    geo_free(g);
    memset(g, 0, sizeof *g);
done:
    ncmi_free(psize);
    ncmi_free(w);
    ncmi_free(nsize);
    ncmi_free(nw);
    return st;
}

/* Dictionary of unit names "<prefix><number, zero-padded to width>" for 1..count, in order. */
static ncm_status name_units(const char *prefix, int width, uint64_t count, ncmi_dict **out)
{
    ncmi_dict *d = ncmi_dict_new(count);
    if (!d) return NCM_ERR_NOMEM;
    char buf[48];
    for (uint64_t j = 0; j < count; j++) {
        int len = snprintf(buf, sizeof buf, "%s%0*llu", prefix, width, (unsigned long long)(j + 1));
        uint32_t id;
        if (ncmi_dict_intern(d, buf, (size_t)len, &id, NULL)) {
            ncmi_dict_free(d);
            return NCM_ERR_NOMEM;
        }
    }
    *out = d;
    return NCM_OK;
}

static int digits(uint64_t v)
{
    int k = 1;
    while (v >= 10) v /= 10, k++;
    return k;
}

/* ------------------------------------------------------------------ people */

typedef struct {
    double p[NCOND][NGRP][2][10]; /* prevalence before the latent factor, by condition, group, sex (0 F, 1 M), decile-1 */
    uint64_t minor_cum[NGRP][NMINOR]; /* P(count <= k) * 2^32 of the minor-code Poisson count, by age group */
    double latent[LATENT_LEVELS]; /* quantiles of the latent risk multiplier exp(s z - s^2/2) */
    double cost_q[COST_CELLS + 1]; /* cost multiplier exp(s z - s^2/2) at u = k / COST_CELLS */
    uint32_t cell_cum[38];        /* cumulative ONS counts */
    uint32_t total;
    uint8_t cond_pick[NCOND][2][100]; /* code index for a draw u in 0-99, by condition and sex (0 F, 1 M) */
    uint8_t dm_pick[2][100];
    uint8_t minor_pick[2][100];
} syn_tables;

/* Fill lut[u] (u = 0..99) with the index of the code that a uniform draw u selects. */
static void fill_pick(const syn_code *codes, int ncodes, int male, uint8_t *lut)
{
    int u = 0;
    for (int j = 0; j < ncodes; j++)
        for (int w = male ? codes[j].w_male : codes[j].w_female; w > 0 && u < 100; w--) lut[u++] = (uint8_t)j;
    while (u < 100) lut[u++] = (uint8_t)(ncodes - 1);
}

static void build_tables(const ncm_synth_options *o, syn_tables *t)
{
    for (int c = 0; c < NCOND; c++) {
        const syn_condition *k = &CONDITIONS[c];
        double fm = 2.0 / (1.0 + k->male_ratio), mm = 2.0 * k->male_ratio / (1.0 + k->male_ratio);
        double g = (k->depr_ratio - 1.0) / (4.5 * (k->depr_ratio + 1.0));
        for (int a = 0; a < NGRP; a++)
            for (int d = 0; d < 10; d++) {
                double dm = 1.0 + g * (5.5 - (double)(d + 1));
                t->p[c][a][0][d] = k->prev[a] / 100.0 * fm * dm;
                t->p[c][a][1][d] = k->prev[a] / 100.0 * mm * dm;
            }
    }
    /* Normalise the age profile of minor codes to a population mean of 1 using the ONS weights. */
    static const double GRP_SHARE[NGRP] = {0.215, 0.219, 0.191, 0.191, 0.097, 0.063, 0.024};
    double norm = 0;
    for (int a = 0; a < NGRP; a++) norm += GRP_SHARE[a] * MINOR_AGE[a];
    for (int a = 0; a < NGRP; a++) {
        double lambda = o->minor_codes_mean * MINOR_AGE[a] / norm, pk = ncmi_exp(-lambda), cum = 0.0;
        for (int k = 0; k < NMINOR; k++) {
            cum += pk;
            pk *= lambda / (double)(k + 1);
            double c = cum * 4294967296.0;
            t->minor_cum[a][k] = c >= 4294967296.0 ? UINT64_C(4294967296) : (uint64_t)c;
        }
    }
    for (int k = 0; k < LATENT_LEVELS; k++)
        t->latent[k] = ncmi_exp(LATENT_SIGMA * ncmi_norm_inv(((double)k + 0.5) / LATENT_LEVELS) -
                                0.5 * LATENT_SIGMA * LATENT_SIGMA);
    t->cost_q[0] = 0.0;
    t->cost_q[COST_CELLS] = 0.0; /* the end cells are computed exactly */
    for (int k = 1; k < COST_CELLS; k++)
        t->cost_q[k] = ncmi_exp(COST_SIGMA * ncmi_norm_inv((double)k / COST_CELLS) - 0.5 * COST_SIGMA * COST_SIGMA);
    uint32_t cum = 0;
    for (int b = 0; b < 19; b++) {
        cum += ONS_MALE[b];
        t->cell_cum[2 * b] = cum;
        cum += ONS_FEMALE[b];
        t->cell_cum[2 * b + 1] = cum;
    }
    t->total = cum;
    for (int sx = 0; sx < 2; sx++) {
        for (int c = 0; c < NCOND; c++) {
            int k = 0;
            while (k < 5 && CONDITIONS[c].codes[k].code) k++;
            fill_pick(CONDITIONS[c].codes, k, sx, t->cond_pick[c][sx]);
        }
        fill_pick(DM_COMP_CODES, 4, sx, t->dm_pick[sx]);
        fill_pick(MINOR_CODES, NMINOR, sx, t->minor_pick[sx]);
    }
}

/* Every code the generator can emit has a slot: condition k code j -> k * 5 + j; diabetes extras and
 * minor codes after them. Dictionary ids are assigned on first use, so ids follow first appearance. */
enum { SLOT_E109 = NCOND * 5, SLOT_E119, SLOT_DM_COMP, SLOT_MINOR = SLOT_DM_COMP + 4, NSLOTS = SLOT_MINOR + NMINOR };

typedef struct {
    uint32_t id[NSLOTS]; /* UINT32_MAX until first use */
} code_cache;

static const char *slot_code(int slot)
{
    if (slot < NCOND * 5) return CONDITIONS[slot / 5].codes[slot % 5].code;
    if (slot == SLOT_E109) return "E109";
    if (slot == SLOT_E119) return "E119";
    if (slot < SLOT_MINOR) return DM_COMP_CODES[slot - SLOT_DM_COMP].code;
    return MINOR_CODES[slot - SLOT_MINOR].code;
}

static inline ncm_status code_id(ncmi_dict *d, code_cache *cc, int slot, uint32_t *id)
{
    if (cc->id[slot] != UINT32_MAX) {
        *id = cc->id[slot];
        return NCM_OK;
    }
    const char *code = slot_code(slot);
    if (ncmi_dict_intern(d, code, strlen(code), &cc->id[slot], NULL)) return NCM_ERR_NOMEM;
    *id = cc->id[slot];
    return NCM_OK;
}

/* Person ids "S" + the row number (1-based) zero-padded to width digits, appended in chunks. */
static ncm_status person_ids(ncmi_dict *d, uint64_t n, int width)
{
    enum { CHUNK = 4096 };
    size_t len = (size_t)width + 1;
    char *buf = ncmi_malloc_array(CHUNK, len);
    if (!buf) return NCM_ERR_NOMEM;
    char pid[32];
    pid[0] = 'S';
    memset(pid + 1, '0', (size_t)width);
    for (uint64_t i = 0; i < n;) {
        size_t k = 0;
        for (; k < CHUNK && i < n; k++, i++) {
            for (int j = width; j >= 1; j--) {
                if (pid[j] != '9') {
                    pid[j]++;
                    break;
                }
                pid[j] = '0';
            }
            memcpy(buf + k * len, pid, len);
        }
        ncm_status st = ncmi_dict_append_distinct(d, buf, len, k);
        if (st) {
            ncmi_free(buf);
            return st;
        }
    }
    ncmi_free(buf);
    return NCM_OK;
}

ncm_status ncm_synth_population(const ncm_synth_options *opts, ncm_population **out)
{
    ncm_synth_options o;
    ncm_synth_options_init(&o);
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_synth_population: NULL out");
    if (opts) {
        if (opts->version == 0 || opts->version > NCM_SYNTH_OPTIONS_VERSION)
            return ncmi_error(NCM_ERR_VERSION, "ncm_synth_options: version %u is not supported (1-%u)", opts->version,
                              NCM_SYNTH_OPTIONS_VERSION);
        o = *opts;
    }
    if (!(o.churn_rate >= 0.0 && o.churn_rate <= 1.0))
        return ncmi_error(NCM_ERR_RANGE, "churn_rate: %g is outside 0-1", o.churn_rate);
    if (!(o.minor_codes_mean >= 0.0 && o.minor_codes_mean <= 20.0))
        return ncmi_error(NCM_ERR_RANGE, "minor_codes_mean: %g is outside 0-20", o.minor_codes_mean);
    if (o.systems == 0) return ncmi_error(NCM_ERR_RANGE, "systems: must be at least 1");
    if ((uint64_t)o.people > MAX_PEOPLE)
        return ncmi_error(NCM_ERR_RANGE, "people: %zu is more than %llu", o.people, MAX_PEOPLE);
    if (o.people && o.places > o.people)
        return ncmi_error(NCM_ERR_RANGE, "places: %zu is more than the %zu people", o.places, o.people);

    const size_t n = o.people;
    syn_geo g;
    ncm_status st = build_geo(o.seed, n, o.places, o.systems, &g);
    if (st) return st;

    syn_tables *t = ncmi_malloc(sizeof *t);
    ncmi_pop_parts q;
    memset(&q, 0, sizeof q);
    q.n = n;
    uint64_t dx_cap = (uint64_t)((double)n * (o.minor_codes_mean + 1.0)) + 64;
    if (!t) goto nomem;
    build_tables(&o, t);
    q.age = ncmi_malloc_array(n ? n : 1, sizeof *q.age);
    q.sex = ncmi_malloc_array(n ? n : 1, 1);
    q.depr = ncmi_malloc_array(n ? n : 1, 1);
    q.months = ncmi_malloc_array(n ? n : 1, sizeof *q.months);
    q.cost = ncmi_malloc_array(n ? n : 1, sizeof *q.cost);
    q.dx_off = ncmi_malloc_array(n + 1, sizeof *q.dx_off);
    q.dx_ids = ncmi_malloc_array(dx_cap, sizeof *q.dx_ids);
    q.dx = ncmi_dict_new(64);
    q.person = ncmi_dict_new(n);
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) q.geo_ids[l] = ncmi_malloc_array(n ? n : 1, sizeof *q.geo_ids[l]);
    if (!q.age || !q.sex || !q.depr || !q.months || !q.cost || !q.dx_off || !q.dx_ids || !q.dx || !q.person ||
        !q.geo_ids[0] || !q.geo_ids[1] || !q.geo_ids[2] || !q.geo_ids[3])
        goto nomem;
    if (name_units("P", digits(g.nprac) > 5 ? digits(g.nprac) : 5, g.nprac, &q.geo[0]) ||
        name_units("N", digits(g.nnet) > 4 ? digits(g.nnet) : 4, g.nnet, &q.geo[1]) ||
        name_units("PL", digits(g.nplace) > 2 ? digits(g.nplace) : 2, g.nplace, &q.geo[2]) ||
        name_units("SYS", 1, o.systems, &q.geo[3]))
        goto nomem;

    if (person_ids(q.person, n, digits(n) > 9 ? digits(n) : 9)) goto nomem;
    {
        code_cache cc;
        for (int j = 0; j < NSLOTS; j++) cc.id[j] = UINT32_MAX;
        /* guide table for the age/sex cell: first cell whose cumulative count exceeds j << 10 */
        uint8_t guide[64];
        for (uint32_t j = 0, c = 0; j < 64; j++) {
            while (c < 37 && t->cell_cum[c] <= (j << 10)) c++;
            guide[j] = (uint8_t)c;
        }
        uint64_t ndx = 0, i = 0;
        q.dx_off[0] = 0;
        for (uint64_t pr = 0; pr < g.nprac; pr++) {
            const uint32_t net = g.prac_net[pr], place = g.net_place[net], sys = g.place_sys[place];
            const int pdep = g.prac_depr[pr];
            for (uint64_t e = i + g.prac_size[pr]; i < e; i++) {
                q.geo_ids[0][i] = (uint32_t)pr;
                q.geo_ids[1][i] = net;
                q.geo_ids[2][i] = place;
                q.geo_ids[3][i] = sys;

                ncmi_rng r;
                ncmi_rng_init(&r, o.seed, SYN_STREAM_PERSON, i);
                /* draw 0-1: age and sex */
                uint64_t cell = ncmi_below(ncmi_rng_next(&r), t->total);
                int c = guide[cell >> 10];
                while (t->cell_cum[c] <= cell) c++;
                int band = c / 2, male = (c % 2) == 0;
                int age;
                uint64_t x1 = ncmi_rng_next(&r);
                if (band < 18) {
                    age = band * 5 + (int)ncmi_below(x1, 5);
                } else {
                    uint64_t u = ncmi_below(x1, 1010), acc = 0;
                    int y = 0;
                    while (y < 14 && u >= acc + AGE90_W[y]) acc += AGE90_W[y++];
                    age = 90 + y;
                }
                /* draw 2: deprivation */
                uint64_t du = ncmi_below(ncmi_rng_next(&r), 100);
                int dep = pdep + (du < 50 ? 0 : du < 70 ? -1 : du < 90 ? 1 : du < 95 ? -2 : 2);
                if (dep < 1) dep = 2 - dep;
                if (dep > 10) dep = 20 - dep;
                /* draw 3: latent health risk, a mean-one lognormal multiplier (one of 4,096 quantiles) */
                double m = t->latent[ncmi_below(ncmi_rng_next(&r), LATENT_LEVELS)];
                int grp = age_group(age);
                /* draws 4-13: conditions, two per draw (low 32 bits for even k, high for odd k) */
                uint32_t has = 0;
                double cw = 0.0;
                const double *pk = &t->p[0][grp][male][dep - 1];
                const size_t stride = sizeof t->p[0] / sizeof(double);
                uint64_t x = 0;
                for (int k = 0; k < NCOND; k++) {
                    if ((k & 1) == 0) x = ncmi_rng_next(&r);
                    double p = pk[(size_t)k * stride] * m;
                    if (p > PROB_CAP) p = PROB_CAP;
                    uint64_t u32 = (k & 1) ? x >> 32 : x & 0xFFFFFFFFu;
                    if ((double)u32 < p * 4294967296.0) {
                        has |= 1u << k;
                        cw += CONDITIONS[k].cost_weight;
                    }
                }
                if (ndx + NCOND + NMINOR + 1 > dx_cap) {
                    uint64_t cap = dx_cap + dx_cap / 2 + NCOND + NMINOR + 64;
                    uint32_t *nd = ncmi_realloc_array(q.dx_ids, cap, sizeof *nd);
                    if (!nd) goto nomem;
                    q.dx_ids = nd;
                    dx_cap = cap;
                }
                /* then one draw per condition present (two for diabetes at 25 and over) */
                for (uint32_t h = has; h; h &= h - 1) {
                    int k = __builtin_ctz(h);
                    int slot;
                    uint64_t xc = ncmi_rng_next(&r);
                    if (k == C_DIABETES) {
                        if (age < 25) slot = SLOT_E109;
                        else if (ncmi_rng_uniform(&r) < DM_COMPLICATED[grp]) slot = SLOT_DM_COMP + t->dm_pick[male][ncmi_below(xc, 100)];
                        else slot = SLOT_E119;
                    } else {
                        slot = k * 5 + t->cond_pick[k][male][ncmi_below(xc, 100)];
                    }
                    if (code_id(q.dx, &cc, slot, &q.dx_ids[ndx])) goto nomem;
                    ndx++;
                }
                /* minor codes: a Poisson count (capped at NMINOR) by inverse CDF from the high 32 bits
                 * of one draw; then codes from 16-bit chunks of further draws, four per draw, a repeated
                 * code being redrawn (up to three times) so that each person's codes are distinct */
                {
                    uint64_t u = ncmi_rng_next(&r) >> 32;
                    int count = 0;
                    while (count < NMINOR && u >= t->minor_cum[grp][count]) count++;
                    unsigned seen = 0;
                    uint64_t bits = 0;
                    int left = 0;
                    for (int k = 0; k < count; k++) {
                        for (int tries = 0; tries < 3; tries++) {
                            if (left == 0) bits = ncmi_rng_next(&r), left = 4;
                            int j = t->minor_pick[male][((bits & 0xFFFFu) * 100u) >> 16];
                            bits >>= 16;
                            left--;
                            if (!(seen & (1u << j))) {
                                seen |= 1u << j;
                                if (code_id(q.dx, &cc, SLOT_MINOR + j, &q.dx_ids[ndx])) goto nomem;
                                ndx++;
                                break;
                            }
                        }
                    }
                }
                q.dx_off[i + 1] = ndx;
                /* enrolment: deaths, births, moves */
                double pd = DEATH[grp] * m;
                int died = ncmi_rng_uniform(&r) < (pd > 0.5 ? 0.5 : pd);
                uint64_t xm = ncmi_rng_next(&r);
                int months = 12, moved = 0;
                if (died) months = 1 + (int)ncmi_below(xm, 11);
                else if (age == 0) months = 1 + (int)ncmi_below(xm, 12);
                else if (ncmi_rng_uniform(&r) < o.churn_rate) months = 1 + (int)ncmi_below(xm, 11), moved = 1;
                /* cost */
                uint64_t xc = ncmi_rng_next(&r);
                ncm_money cost = 0;
                if (has || died || ncmi_rng_uniform(&r) >= COST_ZERO[grp]) {
                    double mean = COST_BASE[grp] * (1.0 + cw) * (died ? COST_DEATH : 1.0);
                    if (moved) mean *= (double)months / 12.0;
                    uint64_t cell = xc >> 50; /* top 14 bits: the cell; the next 39 bits: the position in it */
                    double mult;
                    if (cell == 0 || cell == COST_CELLS - 1) {
                        mult = ncmi_exp(COST_SIGMA * ncmi_norm_inv(ncmi_u01(xc)) - 0.5 * COST_SIGMA * COST_SIGMA);
                    } else {
                        double f = (double)((xc >> 11) & ((UINT64_C(1) << 39) - 1)) * (1.0 / 549755813888.0);
                        mult = t->cost_q[cell] + (t->cost_q[cell + 1] - t->cost_q[cell]) * f;
                    }
                    double pounds = mean * mult;
                    if (pounds > 5.0e6) pounds = 5.0e6;
                    cost = (ncm_money)(pounds * 100.0 + 0.5);
                }
                q.age[i] = age;
                q.sex[i] = male ? NCM_SEX_MALE : NCM_SEX_FEMALE;
                q.depr[i] = (uint8_t)dep;
                q.months[i] = (double)months;
                q.cost[i] = cost;
            }
        }
        if (ndx < dx_cap / 2) { /* give back unused capacity */
            uint32_t *nd = ncmi_realloc_array(q.dx_ids, ndx ? ndx : 1, sizeof *nd);
            if (nd) q.dx_ids = nd;
        }
    }
    if (n == 0)
        for (int l = 0; l < NCM_LEVEL_COUNT; l++) {
            ncmi_dict_free(q.geo[l]);
            ncmi_free(q.geo_ids[l]);
            q.geo[l] = NULL;
            q.geo_ids[l] = NULL;
        }
    ncmi_free(t);
    t = NULL;
    geo_free(&g);
    st = ncmi_population_adopt(&q, out);
    if (st) ncmi_pop_parts_free(&q);
    return st;
nomem:
    ncmi_free(t);
    geo_free(&g);
    ncmi_pop_parts_free(&q);
    return ncmi_nomem("synthetic population");
}
