/**
 * @file outcome.h
 * @brief Outcome frameworks: measures, scoring (pass/fail, linear, tiers, value-based purchasing),
 *        domain and total scores, gates, the outcome pot, withholds with earn-back, and O/E funnel
 *        limits for variation between providers.
 *
 * A framework (#ncm_outcome_framework) lists domains (each with a weight) and measures. Each measure
 * has an id, a name, a domain, a direction (higher or lower is better), a scoring method, a baseline,
 * a threshold, a benchmark (target), a weight within its domain, optional tiers and a gateway flag.
 *
 * Every method gives a measure score in points from 0 to 10 (x = the provider's result):
 * - #NCM_OUTCOME_PASS_FAIL: 10 if x reaches the threshold (x >= threshold; <= when lower is better), else 0.
 * - #NCM_OUTCOME_LINEAR: 10 x clip((x - threshold) / (benchmark - threshold), 0, 1): 0 at the floor
 *   (threshold), 10 at the target (benchmark), straight line between. For lower-is-better measures the
 *   target lies below the floor and the same formula applies.
 * - #NCM_OUTCOME_TIERS: 10 x the score fraction of the best tier reached (x >= tier value; <= when lower
 *   is better), 0 if none.
 * - #NCM_OUTCOME_VBP: value-based purchasing with achievement threshold AT (threshold), benchmark BM
 *   and the provider's baseline x0: achievement = 10 if x >= BM, 0 if x < AT, else
 *   9 (x - AT)/(BM - AT) + 0.5; improvement = 10 (x - x0)/(BM - x0) - 0.5 clipped to [0, 9] (0 when
 *   there is no baseline or x0 >= BM); measure score = max of the two. Lower-is-better measures flip
 *   the comparisons (achievement = 10 if x <= BM, 0 if x > AT, else 9 (AT - x)/(AT - BM) + 0.5, and
 *   improvement = 10 (x0 - x)/(x0 - BM) - 0.5). With the framework option @c round_points the
 *   achievement and improvement points are rounded half up to whole points (as CMS does: 1-9 between
 *   AT and BM); otherwise they are kept exact.
 *
 * Domain score = earned / possible x 100, where earned = sum of weight x points and possible =
 * sum of weight x 10 over the domain's measures that have data. Total score = sum over domains with
 * data of domain weight x domain score / sum of those domain weights (re-weighting over the domains
 * that have data), from 0 to 100.
 *
 * Gates: the outcome pot is paid only if every gateway measure is met (it has data and reaches its
 * threshold) and the total score is at least the framework's @c min_total_score. Pot earned =
 * pot x total / 100, rounded once (exact money), or 0 when a gate fails.
 *
 * Frameworks load from and write to JSON (schema "ncm.outcomes/1"); results load from CSV with
 * columns measure_id, value and optionally baseline.
 *
 * Thread safety: a framework and a result are immutable once created; any number of threads may
 * read them at once. Creating and freeing must not race with use. The free functions
 * (ncm_withhold_settle(), ncm_poisson_quantile(), ncm_oe_funnel(), ncm_oe_standardise()) are pure.
 * @since 0.1.0
 */
#ifndef NCM_OUTCOME_H
#define NCM_OUTCOME_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque, immutable outcome framework. @since 0.1.0 */
typedef struct ncm_outcome_framework ncm_outcome_framework;

/** @brief Opaque, immutable scoring result of one provider against a framework. @since 0.1.0 */
typedef struct ncm_outcome_result ncm_outcome_result;

/** @brief Which way a measure improves. @since 0.1.0 */
typedef enum ncm_outcome_direction {
    NCM_OUTCOME_HIGHER_IS_BETTER = 0, /**< Higher values are better (e.g. screening uptake). */
    NCM_OUTCOME_LOWER_IS_BETTER = 1   /**< Lower values are better (e.g. emergency readmissions). */
} ncm_outcome_direction;

/** @brief How a measure is scored (see the file description for the formulas). @since 0.1.0 */
typedef enum ncm_outcome_method {
    NCM_OUTCOME_PASS_FAIL = 0, /**< 10 points if the threshold is reached, else 0 ("pass_fail" in JSON). */
    NCM_OUTCOME_LINEAR = 1,    /**< Linear from the floor (threshold) to the target (benchmark) ("linear"). */
    NCM_OUTCOME_TIERS = 2,     /**< Score of the best tier reached ("tiers"). */
    NCM_OUTCOME_VBP = 3        /**< Value-based purchasing achievement/improvement ("vbp"). */
} ncm_outcome_method;

/** @brief Current version of #ncm_outcome_options. @since 0.1.0 */
#define NCM_OUTCOME_OPTIONS_VERSION 1u

/**
 * @brief Framework-wide options.
 * @since 0.1.0
 */
typedef struct ncm_outcome_options {
    unsigned version;       /**< Must be #NCM_OUTCOME_OPTIONS_VERSION (or an older supported version). */
    int round_points;       /**< Non-zero: round VBP achievement/improvement points half up to whole points. Default 0. */
    double min_total_score; /**< Gate: no pot unless the total score (0-100) is at least this. Default 0. */
} ncm_outcome_options;

/** @brief Static initialiser for #ncm_outcome_options (exact points, no minimum total). @since 0.1.0 */
#define NCM_OUTCOME_OPTIONS_INIT { NCM_OUTCOME_OPTIONS_VERSION, 0, 0.0 }

/**
 * @brief Fill @p opts with the defaults of #NCM_OUTCOME_OPTIONS_INIT.
 * @param[out] opts Options to initialise; ignored if NULL.
 * @since 0.1.0
 */
NCM_API void ncm_outcome_options_init(ncm_outcome_options *opts);

/**
 * @brief Build a framework from columnar arrays (one entry per measure) and a domain table.
 *
 * Validation (messages name the measure by index and id): ids non-empty and unique
 * (#NCM_ERR_DUPLICATE), domain listed in @p domain_ids when a domain table is given
 * (#NCM_ERR_NOT_FOUND), unknown method or direction (#NCM_ERR_INVALID), NaN threshold or benchmark,
 * weight not positive (#NCM_ERR_RANGE), benchmark not better than threshold for linear and vbp
 * measures (#NCM_ERR_INCONSISTENT), tiers only for the tiers method, tier scores outside [0, 1] or tier
 * values not strictly ordered from worst to best.
 * @param opts Options, or NULL for the defaults; not retained.
 * @param n Number of measures (at least 1).
 * @param id Measure ids (UTF-8, unique).
 * @param name Measure names; NULL for none, or entries may be NULL.
 * @param domain Domain id of each measure.
 * @param direction #ncm_outcome_direction of each measure.
 * @param method #ncm_outcome_method of each measure.
 * @param baseline Default baseline x0 of each measure (NaN = none; a result's own baseline wins); may be NULL.
 * @param threshold Threshold / floor / achievement threshold of each measure (ignored for tiers: may be NaN).
 * @param benchmark Benchmark / target of each measure (NaN allowed for pass/fail and tiers).
 * @param weight Weight of each measure within its domain (> 0); NULL for all 1.
 * @param gateway Non-zero for gateway measures; NULL for none.
 * @param tier_offsets CSR offsets (n + 1 entries, non-decreasing, starting at 0) into the tier arrays;
 *        NULL when no measure has tiers.
 * @param tier_value Value each tier requires, ordered from worst to best.
 * @param tier_score Score fraction (0 to 1) of each tier.
 * @param ndomains Number of domains in the table; 0 to derive domains from the measures in order of
 *        first appearance, each with weight 1.
 * @param domain_ids Domain ids (unique); NULL when @p ndomains is 0.
 * @param domain_weight Domain weights (> 0); NULL for all 1.
 * @param[out] out Receives the framework (owned by the caller; free with ncm_outcome_framework_free());
 *             unchanged on failure.
 * @return #NCM_OK or the error codes listed above; #NCM_ERR_VERSION for bad options; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_framework_create(const ncm_outcome_options *opts, size_t n, const char *const *id,
                                                const char *const *name, const char *const *domain,
                                                const int *direction, const int *method, const double *baseline,
                                                const double *threshold, const double *benchmark,
                                                const double *weight, const int *gateway,
                                                const size_t *tier_offsets, const double *tier_value,
                                                const double *tier_score, size_t ndomains,
                                                const char *const *domain_ids, const double *domain_weight,
                                                ncm_outcome_framework **out);

/**
 * @brief Free a framework.
 * @param fw Framework; NULL is a no-op.
 * @since 0.1.0
 */
NCM_API void ncm_outcome_framework_free(ncm_outcome_framework *fw);

/**
 * @brief Load a framework from JSON.
 *
 * @code{.json}
 * { "schema": "ncm.outcomes/1", "round_points": false, "min_total_score": 0,
 *   "domains": [ {"id": "safety", "weight": 2}, {"id": "experience", "weight": 1} ],
 *   "measures": [
 *     {"id": "readmit", "name": "30-day readmissions", "domain": "safety", "direction": "lower",
 *      "method": "vbp", "baseline": 0.14, "threshold": 0.12, "benchmark": 0.09, "weight": 1,
 *      "gateway": false},
 *     {"id": "ffT", "domain": "experience", "direction": "higher", "method": "tiers",
 *      "tiers": [ {"at": 0.8, "score": 0.5}, {"at": 0.9, "score": 1} ]} ] }
 * @endcode
 * "domains" is optional (see ncm_outcome_framework_create()); "direction" defaults to "higher",
 * "weight" to 1, "gateway" to false. Methods: "pass_fail", "linear", "tiers", "vbp". Unknown keys
 * are errors. Syntax errors name file:line:column; others the file and JSON path
 * (e.g. `f.json: measures[2] ("readmit").method: unknown method "best"`).
 * @param path JSON file; not retained.
 * @param[out] out Receives the framework; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_IO; #NCM_ERR_PARSE; #NCM_ERR_VERSION for a missing or unknown schema; the
 *         codes of ncm_outcome_framework_create(); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_framework_load_json(const char *path, ncm_outcome_framework **out);

/**
 * @brief Load a framework from JSON text in memory (format of ncm_outcome_framework_load_json()).
 * @param text JSON text (need not be NUL-terminated); not retained.
 * @param len Length of @p text in bytes.
 * @param name Name used in messages; may be NULL.
 * @param[out] out Receives the framework; unchanged on failure.
 * @return As ncm_outcome_framework_load_json() (no #NCM_ERR_IO).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_framework_load_json_buffer(const char *text, size_t len, const char *name,
                                                          ncm_outcome_framework **out);

/**
 * @brief Write a framework as JSON; loading the file gives the same framework.
 * @param fw Framework.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_framework_write_json(const ncm_outcome_framework *fw, const char *path);

/**
 * @brief Number of measures in a framework.
 * @param fw Framework.
 * @return The count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_outcome_measure_count(const ncm_outcome_framework *fw);

/**
 * @brief Id of a measure.
 * @param fw Framework.
 * @param i Measure index.
 * @return The id (owned by the framework, valid while it lives), or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_outcome_measure_id(const ncm_outcome_framework *fw, size_t i);

/**
 * @brief Domain, direction and method of a measure.
 * @param fw Framework.
 * @param i Measure index.
 * @param[out] domain Domain index (see ncm_outcome_domain_id()); may be NULL.
 * @param[out] direction #ncm_outcome_direction value; may be NULL.
 * @param[out] method #ncm_outcome_method value; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p fw or @p i out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_measure_info(const ncm_outcome_framework *fw, size_t i, size_t *domain, int *direction,
                                            int *method);

/**
 * @brief Name of a scoring method as used in JSON ("pass_fail", "linear", "tiers", "vbp").
 * @param method An #ncm_outcome_method value.
 * @return A static string; "unknown" for other values.
 * @since 0.1.0
 */
NCM_API const char *ncm_outcome_method_name(int method);

/**
 * @brief Number of domains in a framework.
 * @param fw Framework.
 * @return The count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_outcome_domain_count(const ncm_outcome_framework *fw);

/**
 * @brief Id of a domain.
 * @param fw Framework.
 * @param d Domain index (table order).
 * @return The id (owned by the framework), or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_outcome_domain_id(const ncm_outcome_framework *fw, size_t d);

/**
 * @brief Score one provider's results.
 *
 * Results are given by measure id, in any order; measures without a row (or with a NaN value) have
 * no data and drop out of their domain's possible points.
 * @param fw Framework.
 * @param n Number of results.
 * @param measure_id Measure id of each result.
 * @param value Result value of each measure (NaN = no data).
 * @param baseline The provider's own baseline per result (NaN = use the framework's); may be NULL.
 * @param[out] out Receives the result (owned by the caller; free with ncm_outcome_result_free());
 *             unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND for an unknown measure id;
 *         #NCM_ERR_DUPLICATE for a measure given twice; #NCM_ERR_RANGE for an infinite value;
 *         #NCM_ERR_NOMEM. Messages name the result index and id.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_score(const ncm_outcome_framework *fw, size_t n, const char *const *measure_id,
                                     const double *value, const double *baseline, ncm_outcome_result **out);

/**
 * @brief Score results read from a CSV file with columns measure_id, value and optionally baseline.
 *
 * Empty value or baseline cells mean no data. Errors name file:line:column (header).
 * @param fw Framework.
 * @param path CSV file; not retained.
 * @param[out] out Receives the result; unchanged on failure.
 * @return As ncm_outcome_score(), plus #NCM_ERR_IO, #NCM_ERR_PARSE (bad number, missing column),
 *         #NCM_ERR_NOT_FOUND for a missing column.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_score_csv(const ncm_outcome_framework *fw, const char *path,
                                         ncm_outcome_result **out);

/**
 * @brief Free a result.
 * @param res Result; NULL is a no-op.
 * @since 0.1.0
 */
NCM_API void ncm_outcome_result_free(ncm_outcome_result *res);

/**
 * @brief Total score and gate of a result.
 * @param res Result.
 * @param[out] total Total score from 0 to 100 (NaN if no measure has data); may be NULL.
 * @param[out] gate_met 1 if every gateway measure is met and the minimum total is reached, else 0; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p res.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_result_total(const ncm_outcome_result *res, double *total, int *gate_met);

/**
 * @brief Per-measure scores of a result, in the framework's measure order.
 * @param res Result.
 * @param[out] points Measure score in points 0-10 (NaN = no data); may be NULL.
 * @param[out] achievement VBP achievement points (NaN for other methods or no data); may be NULL.
 * @param[out] improvement VBP improvement points (NaN if not computable); may be NULL.
 * @param[out] met 1 if the measure reaches its threshold (for tiers: any tier), else 0; may be NULL.
 * @param cap Capacity of each given array; must be >= ncm_outcome_measure_count().
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER if @p cap is too small.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_result_measures(const ncm_outcome_result *res, double *points, double *achievement,
                                               double *improvement, int *met, size_t cap);

/**
 * @brief Per-domain scores of a result, in the framework's domain order.
 * @param res Result.
 * @param[out] score Domain score 0-100 (NaN if the domain has no data); may be NULL.
 * @param[out] effective_weight Share of the total carried by the domain after re-weighting (sums to 1
 *             over domains with data; 0 for the others); may be NULL.
 * @param cap Capacity of each given array; must be >= ncm_outcome_domain_count().
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_result_domains(const ncm_outcome_result *res, double *score, double *effective_weight,
                                              size_t cap);

/**
 * @brief Outcome pot earned: pot x total / 100 rounded once with @p mode, or 0 if a gate fails or no
 *        measure has data.
 * @param res Result.
 * @param pot The pot at stake (minor units, >= 0).
 * @param mode Rounding of the earned amount.
 * @param[out] earned Amount earned (minor units).
 * @param[out] unearned pot - earned (minor units); may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or a bad mode; #NCM_ERR_RANGE for a negative pot.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_outcome_result_pot(const ncm_outcome_result *res, ncm_money pot, ncm_rounding mode,
                                          ncm_money *earned, ncm_money *unearned);

/**
 * @brief Withhold and earn-back over @p n rows (e.g. providers or months).
 *
 * For each row: withheld = round(fee x rate) half-even; the earn-back fraction f is, with no tiers,
 * the score clipped to [0, 1], or with tiers the fraction of the highest tier whose minimum score the
 * row reaches (0 if none); earned back = round(withheld x f) half-even; recovered = withheld - earned
 * back (kept by the commissioner, or clawed back if the fee was paid in full). Example: fee
 * 100,000.00, 5% withheld = 5,000.00; a readmission target missed gives f = 0.85: 4,250.00 earned
 * back, 750.00 recovered.
 * @param n Number of rows.
 * @param fee Fees subject to the withhold (minor units, >= 0).
 * @param rate Withhold rate, a fraction in [0, 1].
 * @param score Score of each row as a fraction 0-1 (e.g. total / 100).
 * @param ntiers Number of earn-back tiers (0 = linear in the score).
 * @param tier_min Minimum score of each tier, strictly increasing; NULL if @p ntiers is 0.
 * @param tier_fraction Fraction earned back in each tier, in [0, 1].
 * @param[out] withheld Caller's array of @p n; may be NULL.
 * @param[out] earned_back Caller's array of @p n; may be NULL.
 * @param[out] recovered Caller's array of @p n; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL inputs; #NCM_ERR_RANGE naming the field and row for
 *         NaN or out-of-range values; #NCM_ERR_INCONSISTENT for unsorted tiers.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_withhold_settle(size_t n, const ncm_money *fee, double rate, const double *score,
                                       size_t ntiers, const double *tier_min, const double *tier_fraction,
                                       ncm_money *withheld, ncm_money *earned_back, ncm_money *recovered);

/**
 * @brief Poisson quantile: the smallest k with P(X <= k) >= p for X ~ Poisson(mean).
 * @param p Probability in (0, 1).
 * @param mean Poisson mean (>= 0, at most 1e9).
 * @param[out] k The quantile.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p k; #NCM_ERR_RANGE for p or mean out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_poisson_quantile(double p, double mean, int64_t *k);

/**
 * @brief Poisson distribution function P(X <= k) for X ~ Poisson(mean).
 * @param k Count (negative gives 0).
 * @param mean Poisson mean (>= 0, finite).
 * @param[out] prob The probability.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE for a bad mean.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_poisson_cdf(int64_t k, double mean, double *prob);

/**
 * @brief Indirectly standardised observed and expected counts per provider.
 *
 * Rows are (provider, stratum) cells with a population (or person-years) and an observed count of
 * events. The reference rate of each stratum is @p ref_rate if given, else the pooled rate
 * sum(observed) / sum(population) over all providers. Expected E_p = sum over the provider's rows of
 * ref_rate[stratum] x population; O_p = sum of observed.
 * @param n Number of rows.
 * @param provider Provider index of each row (< @p nproviders).
 * @param stratum Stratum index of each row (< @p nstrata; e.g. age-sex band).
 * @param population Population of each row (>= 0).
 * @param observed Observed events of each row (>= 0).
 * @param nproviders Number of providers.
 * @param nstrata Number of strata.
 * @param ref_rate Reference rate per stratum (>= 0), or NULL for the pooled rates.
 * @param[out] obs_out Caller's array of @p nproviders observed totals.
 * @param[out] exp_out Caller's array of @p nproviders expected totals.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arrays; #NCM_ERR_RANGE naming the field and row.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_oe_standardise(size_t n, const uint32_t *provider, const uint32_t *stratum,
                                      const double *population, const double *observed, size_t nproviders,
                                      size_t nstrata, const double *ref_rate, double *obs_out, double *exp_out);

/**
 * @brief O/E ratios and funnel-plot control limits around 1 from the exact Poisson distribution of O given E.
 *
 * For each provider with expected E > 0: ratio = O/E; the limits are q(p, E)/E with q the Poisson
 * quantile (ncm_poisson_quantile()) at p = 0.025 and 0.975 (95%) and 0.001 and 0.999 (99.8%). Flag:
 * -2 if O < q(0.001), -1 if O < q(0.025), +2 if O > q(0.999), +1 if O > q(0.975), else 0 (a provider
 * outside a limit is unusual at that level; flag rather than rank).
 * @param n Number of providers.
 * @param observed Observed counts (whole numbers >= 0).
 * @param expected Expected counts (> 0).
 * @param[out] ratio O/E per provider; may be NULL.
 * @param[out] lo95 Lower 95% limit of the ratio; may be NULL.
 * @param[out] hi95 Upper 95% limit; may be NULL.
 * @param[out] lo998 Lower 99.8% limit; may be NULL.
 * @param[out] hi998 Upper 99.8% limit; may be NULL.
 * @param[out] flag Flag per provider as above; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL inputs; #NCM_ERR_RANGE naming the field and index.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_oe_funnel(size_t n, const double *observed, const double *expected, double *ratio,
                                 double *lo95, double *hi95, double *lo998, double *hi998, int *flag);

NCM_END_DECLS

#endif /* NCM_OUTCOME_H */
