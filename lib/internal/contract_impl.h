/* Private layout of ncm_contract, shared by contract.c (loading, validation, writing) and settle.c
 * (the settlement engine). Nothing here is public. */
#ifndef NCM_INTERNAL_CONTRACT_IMPL_H
#define NCM_INTERNAL_CONTRACT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/contract.h"
#include "ncm/outcome.h"
#include "ncm/riskshare.h"
#include "internal/common.h"

/* Special payee: the alliance members, split by their value shares. */
#define NCMI_PAYEE_MEMBERS (-2)

enum { NCMI_SPLIT_NONE = 0, NCMI_SPLIT_FIXED = 1, NCMI_SPLIT_VALUE = 2, NCMI_SPLIT_VARIANCE = 3 };

typedef struct ncmi_party {
    char *name;
    ncm_party_role role;
    int has_value_share;
    double value_share;
    int of; /* subcontractor: party it works for, -1 if not given */
} ncmi_party;

typedef struct ncmi_cascade {
    int from, to;
    double share;
} ncmi_cascade;

typedef struct ncmi_component {
    char *name;
    ncm_component_type type;
    int payer;            /* party index (default: the commissioner) */
    int payee;            /* party index or NCMI_PAYEE_MEMBERS */
    int has_payer, has_payee;
    unsigned from_year, to_year; /* inclusive, 1-based */
    int has_from, has_to;
    /* upfront, capitation, outcome_pot: share of value; management_fee, withhold, vat: rate */
    int has_share;
    double share;
    double rate;
    ncm_money *amounts;   /* capitation (optional) and transformation: one per year */
    /* activity */
    ncm_money price;
    int has_threshold;
    int64_t threshold;
    int has_marginal;
    double marginal_rate;
    /* care coordination */
    ncm_money pmpm;
    /* outcome pot */
    int has_gate;
    double gate;
    int carve_from;       /* component index or -1 */
    ncm_outcome_framework *framework; /* outcome_pot, withhold: scores results into the score; or NULL */
    int carved_by;        /* (derived) outcome pot carving this component, or -1 */
    /* withhold */
    int of;               /* component index */
    int has_earn_threshold, has_earn_below;
    double earn_threshold, earn_below;
    /* vat */
    int *on;              /* component indexes */
    size_t non;
    int has_vatable_share;
    double vatable_share;
    int borne_by_provider;
    int authority;        /* party index */
    /* risk share */
    int base;             /* component index, or -1 for the year's value */
    char *builtin;        /* name of a built-in schedule, or NULL when given as an object */
    ncm_riskshare *schedule;
    int split;            /* NCMI_SPLIT_* */
    double *split_shares; /* per party (fixed split), NULL otherwise */
    ncmi_cascade *cascade;
    size_t ncascade;
    /* stop loss (payer = the protector, payee = the provider) */
    int has_individual;   /* "attachment" given */
    ncm_money sl_attachment;
    double sl_coinsurance;
    ncm_money sl_limit;   /* 0 = no limit */
    int has_aggregate;
    double agg_threshold, agg_coinsurance;
    int agg_of;           /* component index, or -1 for the year's value */
    int premium;          /* NCMI_PREMIUM_* */
    ncm_money premium_amount;
    double premium_rate;
} ncmi_component;

enum { NCMI_PREMIUM_NONE = 0, NCMI_PREMIUM_AMOUNT = 1, NCMI_PREMIUM_RATE = 2 };

struct ncm_contract {
    char *name;
    char *scope;
    ncm_contract_form form;
    unsigned term;
    /* value schedule */
    int value_explicit;
    ncm_money year1;
    double growth, efficiency;
    int has_efficiency;
    ncm_money values[NCM_CONTRACT_MAX_YEARS]; /* derived: value per year */
    ncmi_party *parties;
    size_t nparties;
    int commissioner;
    int holder;           /* default payee: prime, lead or single provider; NCMI_PAYEE_MEMBERS; -1 none */
    int members[NCM_CONTRACT_MAX_PARTIES];
    size_t nmembers;      /* parties with role member */
    ncmi_component *comps;
    size_t ncomps;
    size_t max_lines;     /* upper bound on ledger lines per settled year */
};

#endif
