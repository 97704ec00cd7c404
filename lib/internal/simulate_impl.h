/* Private layout of ncm_scenario and ncm_sim_results, shared by simulate.c (engine, results) and
 * simulate_scenario.c (loading, writing). Nothing here is public. */
#ifndef NCM_INTERNAL_SIMULATE_IMPL_H
#define NCM_INTERNAL_SIMULATE_IMPL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "ncm/capitation.h"
#include "ncm/contract.h"
#include "ncm/population.h"
#include "ncm/simulate.h"
#include "internal/common.h"

enum { NCMI_DIST_LOGNORMAL = 0, NCMI_DIST_GAMMA = 1, NCMI_DIST_RESAMPLE = 2 };
enum { NCMI_SCORE_FIXED = 0, NCMI_SCORE_BETA = 1, NCMI_SCORE_NORMAL = 2 };

/* Cells of the lognormal quantile table used in person mode (interpolated linearly inside, the
 * outermost NCMI_LN_EXACT cells at each end computed exactly). */
#define NCMI_LN_BITS 12
#define NCMI_LN_CELLS (1u << NCMI_LN_BITS)
#define NCMI_LN_EXACT 8u

typedef struct ncmi_segment {
    char *name;
    int min_age, max_age;      /* population filter, inclusive */
    int has_people, has_mean, has_cv;
    double people;             /* people (given, or counted in the population) */
    double mean;               /* mean cost per person-year, minor units */
    double cv;
    int dist;                  /* NCMI_DIST_* */
    double *pool;              /* resample: scaled costs of the segment's people (minor units) */
    size_t npool;
} ncmi_segment;

typedef struct ncmi_shock {
    char *name;
    double probability, increase;
} ncmi_shock;

typedef struct ncmi_design {
    char *name;
    ncm_contract *contract;
    char *contract_file;       /* as written in the scenario (NULL when inline) */
    double *cost_share;        /* per party, NULL = default (value shares / equal among members) */
    int has_stop_loss;
    ncm_stop_loss_options sl;  /* expected_total unused: the engine sets the aggregate base */
    double premium_rate;       /* premium as a rate of the planned gross cost */
    int has_cap;
    ncm_money cap;             /* over the term */
} ncmi_design;

struct ncm_scenario {
    char *name;
    unsigned term;
    ncm_sim_mode mode;
    /* population */
    ncm_population *pop;       /* owned, or NULL */
    json_t *pop_spec;          /* the "population" object as read (for writing back), or NULL */
    double cost_scale;         /* multiplier applied to recorded costs */
    uint32_t *person_segment;  /* per person: segment index or UINT32_MAX (when pop) */
    /* model */
    ncmi_segment *segs;
    size_t nsegs;
    double demand_growth, cost_inflation;
    double eff_assumed, eff_mean, eff_sd, eff_ramp;
    int score_kind;
    double score_mean, score_sd;
    double joiners, leavers;
    ncmi_shock *shocks;
    size_t nshocks;
    ncmi_design *designs;
    size_t ndesigns;
};

struct ncm_sim_results {
    uint64_t trials;
    unsigned years;
    size_t ndesigns;
    char **design_names;
    size_t *nparties;          /* per design, including "providers" */
    char ***party_names;       /* per design */
    ncm_money **res;           /* per design: [party][year 0..T][trial]; year 0 = term */
    ncm_money **pcost;         /* per design: provider-side cost [year 0..T][trial] */
    int *has_cap;
    ncm_money *cap;            /* per design, over the term */
    ncm_money *cap_year;       /* per design x year (1..T), cap_year[d * (T + 1) + y] */
    ncm_money *gross;          /* [year 0..T][trial] */
    int *has_limit;            /* per design: the contract has a capped risk share */
    uint8_t **limit;           /* per design: [year 0..T][trial], 1 if a risk-share cap bound */
};

/* Free the parts of a scenario (used by loader and ncm_scenario_free). */
NCMI_HIDDEN void ncmi_scenario_destroy(ncm_scenario *sc);
/* Make a copy of contract c with every year's value (and capitation amounts) scaled so that the
 * value over the term equals bid. */
NCMI_HIDDEN ncm_status ncmi_contract_scaled(const ncm_contract *c, ncm_money bid, ncm_contract **out);

/* Re-raise the current error with a prefix: "prefix: previous message". Returns st. */
NCMI_HIDDEN ncm_status ncmi_wrap_error(ncm_status st, const char *fmt, ...) NCMI_PRINTF(2, 3);

/* Allocation-free largest-remainder split for up to 64 parties (lib/settle.c; checked there against
 * ncm_money_split); 0 on success. */
NCMI_HIDDEN int ncmi_settle_split_small(ncm_money total, const double *w, size_t n, ncm_money *out);

#endif
