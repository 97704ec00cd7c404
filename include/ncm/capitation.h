/**
 * @file capitation.h
 * @brief Capitation: risk-adjusted budgets, fair shares, pace of change, pool shares, year-of-care
 *        tariffs, carve-outs, stop-loss, multi-year envelopes and mid-year true-ups.
 *
 * Every primitive works on plain columnar arrays; ncm_capitation_population() is a convenience
 * that takes the geography, segments and exposure from an #ncm_population.
 *
 * **Rounding rule (all functions).** Money is exact (#ncm_money, minor units). Whenever an amount is
 * divided between parties (people, units, indicators, years) the parts are computed by the
 * largest-remainder method: each part is floor(|total| x w_i / sum w), then the units left over go
 * one each to the largest fractional remainders, ties to the lower index (the rule of
 * ncm_money_split()). The parts therefore always sum exactly to the total. A single product of an
 * amount and a rate (a growth rate, a percentage top-slice, a coinsurance share) is rounded once,
 * half-even, with ncm_money_mul_rate(). Totals of units and segments are sums of the per-person
 * amounts, so every level of a budget reconciles exactly with every other.
 *
 * **Errors.** Every function checks all of its inputs before it writes any output: on failure
 * the out-parameters and caller arrays are unchanged and ncm_last_error() names the field and
 * index (or row) and the reason.
 *
 * **Thread safety.** An #ncm_budget is immutable once built: any number of threads may read one
 * budget at once. The functions keep no state, so different calls may run on many threads at once.
 * @since 0.1.0
 */
#ifndef NCM_CAPITATION_H
#define NCM_CAPITATION_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/population.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/* ------------------------------------------------------------------ budgets */

/**
 * @brief Opaque, immutable budget: an amount per person rolled up per unit at each grouping level
 *        and per segment, plus named top-slice lines and (after a mid-year change) paid and true-up
 *        amounts. Free with ncm_budget_free().
 * @since 0.1.0
 */
typedef struct ncm_budget ncm_budget;

/** @brief Largest number of grouping levels (practice, network, place, ...) a budget can carry. @since 0.1.0 */
#define NCM_CAPITATION_MAX_LEVELS 8

/** @brief Current version of #ncm_capitation_people. @since 0.1.0 */
#define NCM_CAPITATION_PEOPLE_VERSION 1u

/**
 * @brief The people of a budget as plain columns (versioned input struct).
 *
 * All per-person arrays have @c n entries. Optional arrays may be NULL. Group ids are dense:
 * level k's ids run from 0 to @c level_count[k] - 1 and segment ids from 0 to @c nsegments - 1.
 * Names are optional; without them units are written as their numeric ids. Nothing is retained
 * after the call (names are copied).
 * Initialise with #NCM_CAPITATION_PEOPLE_INIT or ncm_capitation_people_init().
 * @since 0.1.0
 */
typedef struct ncm_capitation_people {
    unsigned version;                                      /**< #NCM_CAPITATION_PEOPLE_VERSION. */
    size_t n;                                              /**< Number of people (may be 0). */
    const double *weight;                                  /**< Per-person weight (risk score, age-sex index, ...), finite, >= 0; NULL = 1. */
    const double *months;                                  /**< Months of exposure in the year, 0 to 12; NULL = 12. */
    size_t nlevels;                                        /**< Number of grouping levels used, 0 to #NCM_CAPITATION_MAX_LEVELS. */
    const uint32_t *level_ids[NCM_CAPITATION_MAX_LEVELS];  /**< Unit id of each person at each level. */
    size_t level_count[NCM_CAPITATION_MAX_LEVELS];         /**< Number of units at each level. */
    const char *level_name[NCM_CAPITATION_MAX_LEVELS];     /**< Name of each level (CSV column), or NULL for "level<k>". */
    const char *const *unit_names[NCM_CAPITATION_MAX_LEVELS]; /**< Per level: @c level_count[k] unit names, or NULL. */
    const uint32_t *segment;                               /**< Segment id of each person, or NULL for no segments. */
    size_t nsegments;                                      /**< Number of segments (when @c segment is given). */
    const char *const *segment_names;                      /**< @c nsegments names, or NULL. */
    const char *const *person_names;                       /**< @c n person ids for the person CSV, or NULL (row numbers). */
} ncm_capitation_people;

/** @brief Static initialiser for #ncm_capitation_people (version set, everything else empty). @since 0.1.0 */
#define NCM_CAPITATION_PEOPLE_INIT {NCM_CAPITATION_PEOPLE_VERSION, 0u, 0, 0, 0u, {0}, {0}, {0}, {0}, 0, 0u, 0, 0}

/**
 * @brief Initialise a #ncm_capitation_people (version set, everything else empty).
 * @param[out] people The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_capitation_people_init(ncm_capitation_people *people);

/** @brief Option flag: the base rate is per member per month (annual = 12 x PMPM). @since 0.1.0 */
#define NCM_CAPITATION_PMPM 0x1u
/** @brief Option flag: normalise weights so their exposure-weighted mean is exactly 1. @since 0.1.0 */
#define NCM_CAPITATION_NORMALIZE 0x2u
/** @brief Option flag: distribute the fixed @c envelope instead of base rate x weighted exposure. @since 0.1.0 */
#define NCM_CAPITATION_ENVELOPE 0x4u

/**
 * @brief Option flag: reference the caller's per-person arrays (weight, months, level ids, segment)
 *        instead of copying them; they must stay valid and unchanged until ncm_budget_free(). Faster
 *        and lighter for very large populations.
 * @since 0.1.0
 */
#define NCM_CAPITATION_BORROW 0x8u

/** @brief Current version of #ncm_capitation_options. @since 0.1.0 */
#define NCM_CAPITATION_OPTIONS_VERSION 1u

/**
 * @brief Options of a risk-adjusted capitation or fixed-envelope run (versioned options struct).
 *
 * Gross amount: with #NCM_CAPITATION_ENVELOPE it is @c envelope; otherwise it is
 * base_rate x sum_i(weight_i x months_i / 12) (annual rate; x 12 first with #NCM_CAPITATION_PMPM),
 * the sum taken in long double and rounded once half-even. Top-slice lines (carve-outs of fixed
 * amounts, then percentages of the gross, each rounded half-even) are removed and kept as their own
 * lines; the rest is split over people in proportion to weight_i x months_i (largest remainder).
 * Hence sum(lines) + sum(people) = gross, exactly.
 * @since 0.1.0
 */
typedef struct ncm_capitation_options {
    unsigned version;               /**< #NCM_CAPITATION_OPTIONS_VERSION. */
    unsigned flags;                 /**< Bitwise OR of #NCM_CAPITATION_PMPM, #NCM_CAPITATION_NORMALIZE, #NCM_CAPITATION_ENVELOPE, #NCM_CAPITATION_BORROW. */
    ncm_money base_rate;            /**< Base rate per person-year (or per member-month with #NCM_CAPITATION_PMPM), minor units, >= 0. */
    ncm_money envelope;             /**< Fixed amount to distribute with #NCM_CAPITATION_ENVELOPE, minor units, >= 0. */
    size_t nslices;                 /**< Number of top-slice / carve-out lines. */
    const char *const *slice_names; /**< @c nslices line names (e.g. "high-cost drugs", "reserve"); copied. */
    const ncm_money *slice_amounts; /**< Per line: a fixed amount carved out (minor units, >= 0), or NULL for none. */
    const double *slice_rates;      /**< Per line: a fraction of the gross top-sliced (0.02 = 2%), or NULL for none. */
} ncm_capitation_options;

/** @brief Static initialiser for #ncm_capitation_options (version set, no flags, zero rate, no lines). @since 0.1.0 */
#define NCM_CAPITATION_OPTIONS_INIT {NCM_CAPITATION_OPTIONS_VERSION, 0u, 0, 0, 0u, 0, 0, 0}

/**
 * @brief Initialise a #ncm_capitation_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_capitation_options_init(ncm_capitation_options *opts);

/**
 * @brief Risk-adjusted capitation from plain columns: payment_i = base x weight_i x months_i / 12.
 *
 * With #NCM_CAPITATION_NORMALIZE, weights are first divided by their exposure-weighted mean
 * sum(w_i m_i) / sum(m_i), so the gross is base x total exposure. See #ncm_capitation_options for
 * the rounding and the top-slice lines.
 * @param people The people and their groupings.
 * @param opts Options, or NULL for the defaults (annual base rate 0, so a zero budget).
 * @param[out] out Receives the new budget, owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL pointers, more than #NCM_CAPITATION_MAX_LEVELS levels or
 *         unknown flags; #NCM_ERR_VERSION; #NCM_ERR_RANGE for a negative, NaN or infinite rate, weight
 *         or months value, a group id out of range (each names the field and index) or positive
 *         exposure with weights that sum to zero; #NCM_ERR_OVERFLOW if an amount does not fit (a gross beyond
 *         #NCM_MONEY_MAX, top slices above the gross); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_capitation_run(const ncm_capitation_people *people, const ncm_capitation_options *opts,
                                      ncm_budget **out);

/**
 * @brief Risk-adjusted capitation of a population table, grouped by every geography level present
 *        (smallest first, named "practice", "network", "place", "system") and by segment.
 *
 * Exposure is ncm_population_months(); segments are the table's segment column when present.
 * Person names are the table's person ids. With #NCM_CAPITATION_BORROW the budget references the
 * table's arrays (and @p weight): free the budget before the table.
 * @param pop The population.
 * @param weight ncm_population_size() per-person weights (risk scores, age-sex indices or any other
 *        weight array), or NULL for 1 each.
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the new budget; unchanged on failure.
 * @return As ncm_capitation_run().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_capitation_population(const ncm_population *pop, const double *weight,
                                             const ncm_capitation_options *opts, ncm_budget **out);

/**
 * @brief Year-of-care tariffs: each person is paid the annual price of their segment (optionally of
 *        their band within the segment, e.g. an age band) x months / 12, rounded half-even per person.
 *
 * The person's weight column is ignored. The budget's gross is the sum of the per-person amounts.
 * @param people The people; @c segment is required.
 * @param prices Annual prices in minor units, @c nsegments x @p nbands, row-major by segment
 *        (prices[s * nbands + b]); each >= 0.
 * @param band Per-person band id below @p nbands, or NULL (band 0).
 * @param nbands Bands per segment, at least 1.
 * @param[out] out Receives the new budget; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL pointers, no segment column, nbands = 0);
 *         #NCM_ERR_VERSION; #NCM_ERR_RANGE (negative price, bad months, id out of range: names the
 *         field and index); #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_year_of_care(const ncm_capitation_people *people, const ncm_money *prices,
                                    const uint32_t *band, size_t nbands, ncm_budget **out);

/**
 * @brief Mid-year change: recalculate a budget for a changed population and show the true-up
 *        against what was already paid. The original budget is never modified.
 *
 * @p people lists everyone in the year after the change: stayers, leavers (with their reduced
 * months) and joiners. @p original_row maps each of them to their row in @p original, or -1 for a
 * joiner; every original row must appear exactly once. The new budget uses the original's options
 * (rate, flags, envelope, lines) unless @p opts is given. Already paid: the original budget's
 * distributed total x paid_months / 12 (rounded half-even), split over the original people in
 * proportion to their original amounts (largest remainder). True-up = new amount - paid, per person
 * and per unit (negative = to recover). The new budget answers ncm_budget_has_trueup() with 1.
 * @param original The budget paid so far; not modified.
 * @param people The population after the change (same level and segment structure is not required).
 * @param original_row Per person of @p people: row in @p original, or -1 for a joiner.
 * @param paid_months Months of the original budget already paid, 0 to 12.
 * @param opts New options, or NULL to reuse the original's.
 * @param[out] out Receives the new budget; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE (bad months, row out of range);
 *         #NCM_ERR_DUPLICATE (an original row mapped twice); #NCM_ERR_NOT_FOUND (an original row
 *         missing from the mapping, named); #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM; and the errors of
 *         ncm_capitation_run().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_recalculate(const ncm_budget *original, const ncm_capitation_people *people,
                                          const int64_t *original_row, double paid_months,
                                          const ncm_capitation_options *opts, ncm_budget **out);

/**
 * @brief Free a budget.
 * @param b The budget, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_budget_free(ncm_budget *b);

/**
 * @brief Gross amount of the budget: top-slice lines plus everything distributed to people.
 * @param b The budget.
 * @return Minor units; 0 for NULL.
 * @since 0.1.0
 */
NCM_API ncm_money ncm_budget_gross(const ncm_budget *b);

/**
 * @brief Amount distributed to people (gross minus the top-slice lines) = sum of the per-person amounts.
 * @param b The budget.
 * @return Minor units; 0 for NULL.
 * @since 0.1.0
 */
NCM_API ncm_money ncm_budget_distributed(const ncm_budget *b);

/**
 * @brief Number of people in the budget.
 * @param b The budget.
 * @return Count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_budget_people(const ncm_budget *b);

/**
 * @brief Per-person amounts in minor units. Borrowed: valid until ncm_budget_free().
 * @param b The budget.
 * @return ncm_budget_people() values, or NULL for NULL.
 * @since 0.1.0
 */
NCM_API const ncm_money *ncm_budget_person_amounts(const ncm_budget *b);

/**
 * @brief Per-person weights as given (multiply by ncm_budget_weight_factor() for the weights used).
 *        Borrowed: valid until ncm_budget_free().
 * @param b The budget.
 * @return ncm_budget_people() values, or NULL when every weight is 1 (no weights given, year of care).
 * @since 0.1.0
 */
NCM_API const double *ncm_budget_person_weights(const ncm_budget *b);

/**
 * @brief Normalisation factor applied to every weight: sum(months) / sum(weight x months) with
 *        #NCM_CAPITATION_NORMALIZE, else 1.
 * @param b The budget.
 * @return The factor; 1 for NULL.
 * @since 0.1.0
 */
NCM_API double ncm_budget_weight_factor(const ncm_budget *b);

/**
 * @brief Per-person months of exposure (0 to 12). Borrowed: valid until ncm_budget_free().
 * @param b The budget.
 * @return ncm_budget_people() values, or NULL when every person has 12 months.
 * @since 0.1.0
 */
NCM_API const double *ncm_budget_person_months(const ncm_budget *b);

/**
 * @brief Per-person amounts already paid (mid-year budgets; joiners 0). Borrowed.
 * @param b The budget.
 * @return ncm_budget_people() values, or NULL when the budget has no true-up.
 * @since 0.1.0
 */
NCM_API const ncm_money *ncm_budget_person_paid(const ncm_budget *b);

/**
 * @brief Whether the budget comes from ncm_budget_recalculate() and so has paid and true-up amounts.
 * @param b The budget.
 * @return 1 or 0.
 * @since 0.1.0
 */
NCM_API int ncm_budget_has_trueup(const ncm_budget *b);

/**
 * @brief Total already paid (sum of ncm_budget_person_paid()); leavers stay in a recalculated
 *        budget with their reduced months, so nothing paid is lost from view.
 * @param b The budget.
 * @return Minor units; 0 without a true-up.
 * @since 0.1.0
 */
NCM_API ncm_money ncm_budget_paid_total(const ncm_budget *b);

/**
 * @brief Number of grouping levels.
 * @param b The budget.
 * @return Count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_budget_level_count(const ncm_budget *b);

/**
 * @brief Name of a grouping level.
 * @param b The budget.
 * @param level Level index below ncm_budget_level_count().
 * @return Name owned by the budget, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_budget_level_name(const ncm_budget *b, size_t level);

/**
 * @brief Find a level by name.
 * @param b The budget.
 * @param name Level name, e.g. "practice".
 * @param[out] level Receives the index; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_NOT_FOUND (the message lists the levels); #NCM_ERR_INVALID.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_level_find(const ncm_budget *b, const char *name, size_t *level);

/**
 * @brief Number of units at a level.
 * @param b The budget.
 * @param level Level index.
 * @return Count; 0 if out of range.
 * @since 0.1.0
 */
NCM_API size_t ncm_budget_unit_count(const ncm_budget *b, size_t level);

/**
 * @brief Name of a unit (its given name, or its id in decimal).
 * @param b The budget.
 * @param level Level index.
 * @param unit Unit id.
 * @return Name owned by the budget, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_budget_unit_name(const ncm_budget *b, size_t level, size_t unit);

/**
 * @brief The budget per unit of one level, columnar (each output indexed by unit id; NULL to skip).
 * @param b The budget.
 * @param level Level index.
 * @param[out] amount Amount per unit (sum of its people's amounts), minor units.
 * @param[out] people People per unit.
 * @param[out] exposure Person-years per unit (sum of months / 12).
 * @param[out] weighted Weighted person-years per unit (sum of weight x months / 12).
 * @param[out] paid Already paid per unit (0 without a true-up), minor units.
 * @param cap Capacity of each output array (at least ncm_budget_unit_count()).
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL budget, bad level); #NCM_ERR_BUFFER. Outputs unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_units(const ncm_budget *b, size_t level, ncm_money *amount, uint64_t *people,
                                    double *exposure, double *weighted, ncm_money *paid, size_t cap);

/**
 * @brief Number of segments (0 when the budget has none).
 * @param b The budget.
 * @return Count.
 * @since 0.1.0
 */
NCM_API size_t ncm_budget_segment_count(const ncm_budget *b);

/**
 * @brief Name of a segment.
 * @param b The budget.
 * @param segment Segment id.
 * @return Name owned by the budget, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_budget_segment_name(const ncm_budget *b, size_t segment);

/**
 * @brief The budget per segment, columnar (same outputs as ncm_budget_units()).
 * @param b The budget.
 * @param[out] amount Amount per segment, minor units, or NULL.
 * @param[out] people People per segment, or NULL.
 * @param[out] exposure Person-years per segment, or NULL.
 * @param[out] weighted Weighted person-years per segment, or NULL.
 * @param[out] paid Already paid per segment, minor units, or NULL.
 * @param cap Capacity of each output array.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_segments(const ncm_budget *b, ncm_money *amount, uint64_t *people, double *exposure,
                                       double *weighted, ncm_money *paid, size_t cap);

/**
 * @brief Number of top-slice / carve-out lines.
 * @param b The budget.
 * @return Count.
 * @since 0.1.0
 */
NCM_API size_t ncm_budget_line_count(const ncm_budget *b);

/**
 * @brief One top-slice / carve-out line.
 * @param b The budget.
 * @param k Line index.
 * @param[out] name Receives the line name (owned by the budget), or NULL to skip.
 * @param[out] amount Receives the amount (minor units), or NULL to skip.
 * @return #NCM_OK or #NCM_ERR_INVALID (NULL budget, k out of range).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_line(const ncm_budget *b, size_t k, const char **name, ncm_money *amount);

/**
 * @brief What a budget CSV lists.
 * @since 0.1.0
 */
typedef enum ncm_budget_table {
    NCM_BUDGET_UNITS = 0,   /**< One row per unit of a level: unit_id, people, exposure, weighted, amount[, paid, true_up]. */
    NCM_BUDGET_SEGMENTS = 1,/**< One row per segment: segment, people, exposure, weighted, amount[, paid, true_up]. */
    NCM_BUDGET_PEOPLE = 2,  /**< One row per person: person_id, one column per level, segment, weight, months, amount[, paid, true_up]. */
    NCM_BUDGET_LINES = 3    /**< Lines: line, amount; then "distributed" and "gross" rows. */
} ncm_budget_table;

/**
 * @brief Write a table of the budget as CSV (header row; amounts as exact decimals with two places).
 * @param b The budget.
 * @param what Which table.
 * @param level Level index for #NCM_BUDGET_UNITS (ignored otherwise).
 * @param path File to create or replace, or "-" for standard output.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL, bad table or level, no segments); #NCM_ERR_IO naming the path.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_budget_write_csv(const ncm_budget *b, ncm_budget_table what, size_t level, const char *path);

/* ------------------------------------------------------------------ fair shares */

/** @brief Current version of #ncm_fair_shares_input. @since 0.1.0 */
#define NCM_FAIR_SHARES_INPUT_VERSION 1u

/**
 * @brief Units and need indices for ncm_fair_shares() (versioned input struct).
 *
 * The weighted population of unit p is
 * W_p = prod_k unit_index_k[p] x (sum over people i in p of prod_j person_index_j[i])
 * and, when no people are given, W_p = prod_k unit_index_k[p] (so a unit index is typically the
 * registered list size). Initialise with #NCM_FAIR_SHARES_INPUT_INIT.
 * @since 0.1.0
 */
typedef struct ncm_fair_shares_input {
    unsigned version;                     /**< #NCM_FAIR_SHARES_INPUT_VERSION. */
    size_t nunits;                        /**< Number of units, at least 1. */
    const double *const *unit_indices;    /**< @c n_unit_indices arrays of @c nunits finite values >= 0. */
    size_t n_unit_indices;                /**< Number of per-unit indices (0 allowed when people are given). */
    size_t npeople;                       /**< Number of people (0 for unit-level data only). */
    const uint32_t *person_unit;          /**< Unit id of each person (below @c nunits). */
    const double *const *person_indices;  /**< @c n_person_indices arrays of @c npeople finite values >= 0. */
    size_t n_person_indices;              /**< Number of per-person indices (0 = each person counts 1). */
} ncm_fair_shares_input;

/** @brief Static initialiser for #ncm_fair_shares_input. @since 0.1.0 */
#define NCM_FAIR_SHARES_INPUT_INIT {NCM_FAIR_SHARES_INPUT_VERSION, 0u, 0, 0u, 0u, 0, 0, 0u}

/**
 * @brief Fair shares of a fixed envelope: T_p = E x W_p / sum_q W_q, exactly E in total.
 * @param in Units and indices.
 * @param envelope Envelope E in minor units, >= 0.
 * @param[out] shares Caller's array of at least @c nunits amounts; unchanged on failure.
 * @param[out] weighted Caller's array for W_p, or NULL.
 * @param cap Capacity of @p shares (and @p weighted).
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL, nunits = 0, no index at all); #NCM_ERR_VERSION;
 *         #NCM_ERR_BUFFER; #NCM_ERR_RANGE (negative or non-finite index or envelope, a person's unit
 *         out of range, all weights zero: the message names the index array and position);
 *         #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_fair_shares(const ncm_fair_shares_input *in, ncm_money envelope, ncm_money *shares,
                                   double *weighted, size_t cap);

/**
 * @brief Top-slices and carve-outs: remove fixed amounts and percentages of an envelope before it is
 *        distributed, as separate lines.
 *
 * Line k removes amounts[k] + round_half_even(envelope x rates[k]).
 * @param envelope Gross envelope, minor units, >= 0.
 * @param n Number of lines.
 * @param amounts Fixed amounts per line (>= 0), or NULL.
 * @param rates Fractions of the envelope per line (0 to 1), or NULL.
 * @param[out] lines Caller's array of @p n line amounts, or NULL.
 * @param[out] distributable Receives envelope - sum(lines).
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE (negative amount or rate, names the index);
 *         #NCM_ERR_OVERFLOW (lines exceed the envelope). Outputs unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_top_slice(ncm_money envelope, size_t n, const ncm_money *amounts, const double *rates,
                                 ncm_money *lines, ncm_money *distributable);

/**
 * @brief Pool-share capitation (openIMIS style): Pay_i = sum_a split(E x share_a) by indicator a.
 *
 * The envelope is first split into one pot per indicator by @p shares (largest remainder), then each
 * pot is split over units in proportion to that indicator (largest remainder); a unit's pay is the sum.
 * @param envelope Envelope in minor units, >= 0.
 * @param nunits Number of units.
 * @param indicators @p nind arrays of @p nunits finite values >= 0 (population, insured, visits, ...).
 * @param shares @p nind fractions of the pot, >= 0, summing to 1 within 1e-9.
 * @param nind Number of indicators, at least 1.
 * @param[out] pay Caller's array of @p nunits amounts.
 * @param[out] pots Caller's array of @p nind pot amounts, or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE (bad value, an indicator with a positive pot
 *         summing to zero); #NCM_ERR_INCONSISTENT (shares not summing to 1); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_pool_share(ncm_money envelope, size_t nunits, const double *const *indicators,
                                  const double *shares, size_t nind, ncm_money *pay, ncm_money *pots);

/* ------------------------------------------------------------------ pace of change */

/** @brief Pace flag: apply @c ceiling (maximum growth for units above target). @since 0.1.0 */
#define NCM_PACE_CEILING 0x1u

/** @brief Current version of #ncm_pace_options. @since 0.1.0 */
#define NCM_PACE_OPTIONS_VERSION 1u

/**
 * @brief Pace-of-change rules (versioned options struct).
 *
 * Targets are read as shares: t_p = E x target_p / sum target. Steps: (1) everyone gets the floor,
 * F_p = A_p x (1 + floor), rounded up to a whole minor unit; the envelope must cover sum F_p.
 * (2) Units below target get extra growth x_p = min(lambda (t_p - F_p), cap x A_p), with one lambda in
 * [0, 1] chosen so the extra uses what is left. (3) Anything still left is spread over all units in
 * proportion to their allocation, except that units above target (with #NCM_PACE_CEILING) grow at
 * most @c ceiling over A_p. (4) The envelope minus sum F_p is split over units by the growth above
 * the floor (largest remainder), so the total is exactly E and no unit is below its floor.
 * @since 0.1.0
 */
typedef struct ncm_pace_options {
    unsigned version; /**< #NCM_PACE_OPTIONS_VERSION. */
    unsigned flags;   /**< 0 or #NCM_PACE_CEILING. */
    double floor;     /**< Minimum growth for every unit (0.01 = +1%); may be negative (a cut), > -1. */
    double cap;       /**< Largest extra growth toward target, as a fraction of last year (0.05 = +5%), >= 0. */
    double ceiling;   /**< With #NCM_PACE_CEILING: largest total growth for units above target, >= floor. */
} ncm_pace_options;

/** @brief Static initialiser for #ncm_pace_options (floor 0, cap 0, no ceiling). @since 0.1.0 */
#define NCM_PACE_OPTIONS_INIT {NCM_PACE_OPTIONS_VERSION, 0u, 0.0, 0.0, 0.0}

/**
 * @brief Initialise a #ncm_pace_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_pace_options_init(ncm_pace_options *opts);

/**
 * @brief One year of pace of change toward target.
 *
 * Distance from target is (allocation - t_p) / t_p: negative below target, 0 on it.
 * @param opts The rules.
 * @param envelope This year's envelope E, minor units, >= 0.
 * @param n Number of units, at least 1.
 * @param previous Last year's allocations A_p, minor units, each > 0.
 * @param target This year's targets (any scale; read as shares), each >= 0, positive sum.
 * @param[out] alloc Caller's array of @p n new allocations, summing exactly to E.
 * @param[out] distance_before Caller's array of @p n distances of A_p from t_p, or NULL.
 * @param[out] distance_after Caller's array of @p n distances of the allocations from t_p, or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_VERSION; #NCM_ERR_RANGE (bad option, non-positive
 *         previous allocation, negative target, the floor costing more than the envelope, or a ceiling
 *         that leaves money unallocated); #NCM_ERR_NOMEM. Outputs unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_pace_of_change(const ncm_pace_options *opts, ncm_money envelope, size_t n,
                                      const ncm_money *previous, const ncm_money *target, ncm_money *alloc,
                                      double *distance_before, double *distance_after);

/**
 * @brief Multi-year path to target: apply ncm_pace_of_change() year after year, with the target
 *        shares fixed and one envelope per year.
 * @param opts The rules.
 * @param n Number of units.
 * @param previous Allocations of the year before the first projected year.
 * @param target Target shares (any scale).
 * @param envelopes @p years envelopes, minor units.
 * @param years Number of years, at least 1.
 * @param[out] alloc Caller's array of @p years x @p n allocations, row-major by year (alloc[y * n + p]).
 * @param[out] distance Caller's array of @p years x @p n distances after each year, or NULL.
 * @return As ncm_pace_of_change() (the message names the year).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_pace_project(const ncm_pace_options *opts, size_t n, const ncm_money *previous,
                                    const ncm_money *target, const ncm_money *envelopes, size_t years,
                                    ncm_money *alloc, double *distance);

/* ------------------------------------------------------------------ stop-loss */

/** @brief Current version of #ncm_stop_loss_options. @since 0.1.0 */
#define NCM_STOP_LOSS_OPTIONS_VERSION 1u

/**
 * @brief Individual and aggregate stop-loss terms (versioned options struct).
 *
 * Individual (when @c attachment > 0): for a person with cost c, protection pays
 * (1 - coinsurance) x (min(c, limit) - a)^+, rounded half-even; the provider keeps the rest. Aggregate (when @c aggregate_threshold > 0): the
 * provider's retained total R beyond T = aggregate_threshold x expected_total is paid
 * (1 - aggregate_coinsurance) x (R - T)^+ by the aggregate protection.
 * @since 0.1.0
 */
typedef struct ncm_stop_loss_options {
    unsigned version;             /**< #NCM_STOP_LOSS_OPTIONS_VERSION. */
    ncm_money attachment;         /**< Individual attachment point a, minor units, >= 0; 0 = no individual cover (as in #NCM_STOP_LOSS_OPTIONS_INIT), so that an aggregate-only contract pays nothing per person. */
    double coinsurance;           /**< Share above the attachment the provider still bears, 0 to 1. */
    ncm_money limit;              /**< Cost above which nothing more is covered, > a; 0 = no limit. */
    double aggregate_threshold;   /**< Aggregate attachment as a fraction of expected (1.10 = 110%); 0 = none. */
    double aggregate_coinsurance; /**< Share above the aggregate attachment the provider still bears, 0 to 1. */
    ncm_money expected_total;     /**< Expected total retained cost the aggregate threshold applies to, minor units. */
} ncm_stop_loss_options;

/** @brief Static initialiser for #ncm_stop_loss_options (no attachment, no limit, no aggregate). @since 0.1.0 */
#define NCM_STOP_LOSS_OPTIONS_INIT {NCM_STOP_LOSS_OPTIONS_VERSION, 0, 0.0, 0, 0.0, 0.0, 0}

/**
 * @brief Initialise a #ncm_stop_loss_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_stop_loss_options_init(ncm_stop_loss_options *opts);

/**
 * @brief Apply stop-loss to per-person actual costs.
 * @param opts The terms.
 * @param n Number of people.
 * @param cost Per-person annual cost, minor units, >= 0.
 * @param[out] kept Caller's array: what the provider bears per person after the individual cover, or NULL.
 * @param[out] paid Caller's array: what the individual protection pays per person, or NULL.
 * @param[out] total_kept Provider's total after individual and aggregate cover, or NULL.
 * @param[out] individual_paid Total paid by the individual protection, or NULL.
 * @param[out] aggregate_paid Total paid by the aggregate protection, or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_VERSION; #NCM_ERR_RANGE (negative cost, naming the
 *         index; bad terms); #NCM_ERR_OVERFLOW. total cost = total_kept + individual_paid + aggregate_paid exactly.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_stop_loss(const ncm_stop_loss_options *opts, size_t n, const ncm_money *cost,
                                 ncm_money *kept, ncm_money *paid, ncm_money *total_kept,
                                 ncm_money *individual_paid, ncm_money *aggregate_paid);

/**
 * @brief Premium-equivalent expected individual stop-loss cost per person when the cost is lognormal
 *        with a given mean and coefficient of variation.
 *
 * With sigma^2 = ln(1 + cv^2) and mu = ln(mean) - sigma^2/2, E[min(c, x)] = mean x Phi((ln x - mu -
 * sigma^2)/sigma) + x (1 - Phi((ln x - mu)/sigma)), and the expected protection is
 * (1 - coinsurance) x (E[min(c, L)] - E[min(c, a)]) (closed form; L = infinity without a limit).
 * @param opts The terms (individual part only; attachment 0 = no individual cover, expected 0).
 * @param mean Mean annual cost per person, minor units (as a double), > 0.
 * @param cv Coefficient of variation of the cost, >= 0 (0 = every person costs the mean).
 * @param[out] expected Expected protection paid per person, minor units (a double; multiply by the
 *        number of people and round with ncm_money_from_double() for a premium).
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_VERSION; #NCM_ERR_RANGE.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_stop_loss_expected(const ncm_stop_loss_options *opts, double mean, double cv,
                                          double *expected);

/* ------------------------------------------------------------------ multi-year envelopes */

/** @brief Current version of #ncm_envelope_options. @since 0.1.0 */
#define NCM_ENVELOPE_OPTIONS_VERSION 1u

/**
 * @brief A multi-year envelope (versioned options struct).
 *
 * Year 1 is @c year1. Each later year y starts from year y-1 and adds, in order, growth
 * (prev x g_y), demographic growth ((prev + growth) x d) and removes efficiency
 * ((prev + growth + demographic) x e), each rounded half-even; e = 1 - (1 - efficiency_term)^(1/(years-1))
 * so the efficiency compounds to @c efficiency_term over the term. A rebase replaces the year's
 * computed amount with a given one and later years grow from it.
 * @since 0.1.0
 */
typedef struct ncm_envelope_options {
    unsigned version;              /**< #NCM_ENVELOPE_OPTIONS_VERSION. */
    ncm_money year1;               /**< Year-1 budget, minor units, >= 0. */
    size_t years;                  /**< Number of years, at least 1. */
    double growth;                 /**< Growth per year (0.013 = +1.3%), > -1; used when @c growth_by_year is NULL. */
    const double *growth_by_year;  /**< @c years growth rates (entry 0 ignored), or NULL. */
    double demographic;            /**< Demographic growth per year, > -1. */
    double efficiency_term;        /**< Efficiency over the whole term (0.10 = -10%), 0 to < 1. */
    size_t rebase_year;            /**< 1-based year rebased, 0 = none. */
    ncm_money rebase_amount;       /**< Amount of the rebased year, minor units. */
} ncm_envelope_options;

/** @brief Static initialiser for #ncm_envelope_options (one year of 0, no growth). @since 0.1.0 */
#define NCM_ENVELOPE_OPTIONS_INIT {NCM_ENVELOPE_OPTIONS_VERSION, 0, 1u, 0.0, 0, 0.0, 0.0, 0u, 0}

/**
 * @brief Initialise a #ncm_envelope_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_envelope_options_init(ncm_envelope_options *opts);

/**
 * @brief The schedule table of a multi-year envelope, one row per year (columnar; NULL to skip).
 *
 * For every year y >= 2: amount[y] = amount[y-1] + growth[y] + demographic[y] - efficiency[y] + rebase[y]
 * exactly; year 1 has only the amount (and rebase when rebased).
 * @param opts The envelope.
 * @param[out] amount Budget per year, minor units.
 * @param[out] growth Growth added per year.
 * @param[out] demographic Demographic growth added per year.
 * @param[out] efficiency Efficiency removed per year (>= 0).
 * @param[out] rebase Rebasing adjustment per year (0 except in the rebased year).
 * @param cap Capacity of each output array (at least @c years).
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_VERSION; #NCM_ERR_BUFFER; #NCM_ERR_RANGE (bad rate,
 *         naming it); #NCM_ERR_OVERFLOW. Outputs unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_envelope_schedule(const ncm_envelope_options *opts, ncm_money *amount, ncm_money *growth,
                                         ncm_money *demographic, ncm_money *efficiency, ncm_money *rebase,
                                         size_t cap);

NCM_END_DECLS

#endif /* NCM_CAPITATION_H */
