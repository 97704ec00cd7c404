/**
 * @file riskshare.h
 * @brief Tiered risk/gain share (corridor) schedules: how a variance from budget is split between
 *        a provider and its commissioner.
 *
 * The variance is v = base - actual (positive = surplus, negative = deficit). Each direction has its
 * own list of bands [lower, upper), given as fractions of the base T, each with the provider's share
 * p_k. The provider's part of a surplus is
 *
 *     T x sum_k p_k x max(0, min(v/T, upper_k) - lower_k)
 *
 * and the mirror for a deficit (the provider bears its share of the loss). The commissioner takes the
 * rest, so the two parts always sum exactly to v.
 *
 * Options add, separately for each direction:
 * - a threshold t (a minimum rate, e.g. the minimum savings rate): with #NCM_RISKSHARE_GATE_FIRST_POUND
 *   nothing is shared unless |v| >= t x T, and then the bands apply from the first pound (all or
 *   nothing); with #NCM_RISKSHARE_GATE_NET the bands apply to the variance net of the threshold,
 *   max(0, |v| - t x T), and the part of the variance below the threshold goes to the commissioner;
 * - a cap and a floor on the provider's part, in money or as a fraction of the base.
 *
 * Exact money and rounding (all explicit):
 * 1. each band edge in money is round(T x edge) half-even (so the 5% band of 25,175,000.00 is
 *    exactly 1,258,750.00); the threshold in money is round(T x t) half-even;
 * 2. the variance falling in band k is the part of |v| (or of the net variance) between the two edges;
 * 3. the provider's amount in band k is round(amount_k x p_k) with the schedule's rounding mode
 *    (default half-even);
 * 4. the provider's total is the sum over bands, then raised to the floor and lowered to the cap
 *    (cap wins if they cross), and never more than |v|; caps and floors in % of base are
 *    round(T x rate) half-even;
 * 5. the commissioner's part is v minus the provider's part (exactly).
 * The provider's part carries the sign of v: positive = the provider keeps a surplus, negative = the
 * provider bears a loss.
 *
 * Bands of one direction must be listed in ascending order and must not overlap; gaps are allowed (the
 * commissioner keeps all of a gap) and the last band may be open (upper = INFINITY). A direction
 * with no bands is borne wholly by the commissioner.
 *
 * Schedules load from and write to JSON (schema "ncm.riskshare/1"); see ncm_riskshare_load_json().
 *
 * Thread safety: a schedule is immutable once created, so any number of threads may apply one
 * schedule at once. Creating and freeing must not race with use.
 * @since 0.1.0
 */
#ifndef NCM_RISKSHARE_H
#define NCM_RISKSHARE_H

#include <stddef.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque, immutable risk/gain share schedule. Create with ncm_riskshare_create(); free with ncm_riskshare_free(). @since 0.1.0 */
typedef struct ncm_riskshare ncm_riskshare;

/** @brief The direction a band applies to. @since 0.1.0 */
typedef enum ncm_riskshare_side {
    NCM_RISKSHARE_SURPLUS = 0, /**< Actual below base: the band splits a gain. */
    NCM_RISKSHARE_DEFICIT = 1  /**< Actual above base: the band splits a loss. */
} ncm_riskshare_side;

/** @brief How a threshold (minimum rate) gates sharing in one direction. @since 0.1.0 */
typedef enum ncm_riskshare_gate {
    NCM_RISKSHARE_GATE_FIRST_POUND = 0, /**< All or nothing: below the threshold nothing is shared; at or above it the bands apply to the whole variance. */
    NCM_RISKSHARE_GATE_NET = 1          /**< Net of threshold: the bands apply to max(0, |v| - threshold x base). */
} ncm_riskshare_gate;

/** @brief The kind of a cap or floor. @since 0.1.0 */
typedef enum ncm_riskshare_limit {
    NCM_RISKSHARE_LIMIT_NONE = 0,  /**< No limit. */
    NCM_RISKSHARE_LIMIT_MONEY = 1, /**< A fixed amount of money (the `_money` member, minor units, >= 0). */
    NCM_RISKSHARE_LIMIT_RATE = 2   /**< A fraction of the base (the `_rate` member, >= 0; 0.1 = 10%). */
} ncm_riskshare_limit;

/** @brief Current version of #ncm_riskshare_options. @since 0.1.0 */
#define NCM_RISKSHARE_OPTIONS_VERSION 1u

/**
 * @brief Options of a schedule: rounding, thresholds, caps and floors per direction.
 *
 * Initialise with #NCM_RISKSHARE_OPTIONS_INIT or ncm_riskshare_options_init() (no threshold, no
 * limits, half-even rounding), then set what you need.
 * @since 0.1.0
 */
typedef struct ncm_riskshare_options {
    unsigned version;                  /**< Must be set to #NCM_RISKSHARE_OPTIONS_VERSION (or an older supported version). */
    ncm_rounding rounding;             /**< Rounding of each band's provider amount (default #NCM_ROUND_HALF_EVEN). */
    double surplus_threshold;          /**< Minimum surplus rate, a fraction of base in [0, 1]; 0 = none. */
    ncm_riskshare_gate surplus_gate;   /**< How @c surplus_threshold gates a surplus. */
    ncm_riskshare_limit surplus_cap_kind;   /**< Kind of the cap on the provider's share of a surplus. */
    double surplus_cap_rate;           /**< Cap as a fraction of base (if kind is #NCM_RISKSHARE_LIMIT_RATE). */
    ncm_money surplus_cap_money;       /**< Cap in minor units (if kind is #NCM_RISKSHARE_LIMIT_MONEY). */
    ncm_riskshare_limit surplus_floor_kind; /**< Kind of the floor (minimum) on the provider's share of a surplus, once any threshold is met. */
    double surplus_floor_rate;         /**< Floor as a fraction of base. */
    ncm_money surplus_floor_money;     /**< Floor in minor units. */
    double deficit_threshold;          /**< Minimum loss rate, a fraction of base in [0, 1]; 0 = none. */
    ncm_riskshare_gate deficit_gate;   /**< How @c deficit_threshold gates a deficit. */
    ncm_riskshare_limit deficit_cap_kind;   /**< Kind of the cap on the provider's share of a loss (its maximum loss). */
    double deficit_cap_rate;           /**< Cap as a fraction of base. */
    ncm_money deficit_cap_money;       /**< Cap in minor units. */
    ncm_riskshare_limit deficit_floor_kind; /**< Kind of the floor (minimum) on the provider's share of a loss, once any threshold is met. */
    double deficit_floor_rate;         /**< Floor as a fraction of base. */
    ncm_money deficit_floor_money;     /**< Floor in minor units. */
} ncm_riskshare_options;

/** @brief Static initialiser for #ncm_riskshare_options: no thresholds, no limits, half-even rounding. @since 0.1.0 */
#define NCM_RISKSHARE_OPTIONS_INIT \
    { NCM_RISKSHARE_OPTIONS_VERSION, NCM_ROUND_HALF_EVEN, \
      0.0, NCM_RISKSHARE_GATE_FIRST_POUND, NCM_RISKSHARE_LIMIT_NONE, 0.0, 0, NCM_RISKSHARE_LIMIT_NONE, 0.0, 0, \
      0.0, NCM_RISKSHARE_GATE_FIRST_POUND, NCM_RISKSHARE_LIMIT_NONE, 0.0, 0, NCM_RISKSHARE_LIMIT_NONE, 0.0, 0 }

/**
 * @brief Fill @p opts with the defaults of #NCM_RISKSHARE_OPTIONS_INIT.
 * @param[out] opts Options to initialise; ignored if NULL.
 * @since 0.1.0
 */
NCM_API void ncm_riskshare_options_init(ncm_riskshare_options *opts);

/**
 * @brief Build a schedule from columnar band arrays and options.
 *
 * Bands of the two directions may be interleaved in the arrays; within a direction they must be in
 * ascending order. Validation errors name the band index (0-based, as given) and the reason:
 * lower < 0, upper <= lower, NaN anywhere, a share outside [0, 1], a band starting below the end of
 * the previous band of the same direction ("overlaps" or "unsorted"), an unknown side; options with
 * a negative or NaN rate, a threshold above 1, an unknown gate or limit kind, or a floor above a cap
 * of the same kind.
 * @param opts Options, or NULL for the defaults; not retained.
 * @param n Number of bands (0 allowed: the commissioner bears everything).
 * @param side Direction of each band (#ncm_riskshare_side values); @p n entries.
 * @param lower Lower edge of each band as a fraction of base (>= 0); @p n entries.
 * @param upper Upper edge of each band as a fraction of base (> lower; INFINITY for an open band).
 * @param share Provider's share of the variance falling in each band, in [0, 1].
 * @param[out] out Receives the new schedule (owned by the caller; free with ncm_riskshare_free());
 *             unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arrays with n > 0, NULL @p out, an unknown side, gate or
 *         limit kind; #NCM_ERR_RANGE for bad numbers (message names "band K" or the option);
 *         #NCM_ERR_INCONSISTENT for overlapping or unsorted bands; #NCM_ERR_VERSION for an
 *         unsupported options version; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_create(const ncm_riskshare_options *opts, size_t n, const int *side,
                                        const double *lower, const double *upper, const double *share,
                                        ncm_riskshare **out);

/**
 * @brief Free a schedule.
 * @param rs Schedule to free; NULL is a no-op.
 * @since 0.1.0
 */
NCM_API void ncm_riskshare_free(ncm_riskshare *rs);

/**
 * @brief Build one of the documented built-in schedules.
 *
 * Names:
 * - `"circle_bedfordshire"`: Bedfordshire MSK prime contract (Circle, 2014): surplus [0, 5%) provider
 *   100%, [5%, inf) provider 50%; deficit [0, inf) provider 100%. Base = the 95% up-front payment.
 * - `"aco_reach_global"`: ACO REACH Global risk corridors (share kept by the ACO, symmetric for
 *   savings and losses): [0, 25%) 100%, [25%, 35%) 50%, [35%, 50%) 25%, [50%, inf) 10%. Base = benchmark.
 * - `"aco_reach_professional"`: ACO REACH Professional: [0, 5%) 50%, [5%, 10%) 35%, [10%, 15%) 15%,
 *   [15%, inf) 5%, symmetric. Base = benchmark.
 * All have no threshold, no caps, half-even rounding.
 * @param name One of the names above; not retained.
 * @param[out] out Receives the new schedule (owned by the caller); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND for an unknown name (the
 *         message lists the known ones); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_builtin(const char *name, ncm_riskshare **out);

/**
 * @brief Number of bands in a schedule (both directions).
 * @param rs Schedule.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_riskshare_band_count(const ncm_riskshare *rs);

/**
 * @brief Read one band back.
 *
 * Bands are stored in the order given to ncm_riskshare_create() (or the order of the JSON file:
 * surplus bands first, then deficit bands).
 * @param rs Schedule.
 * @param i Band index, below ncm_riskshare_band_count().
 * @param[out] side Direction (#ncm_riskshare_side); may be NULL.
 * @param[out] lower Lower edge (fraction of base); may be NULL.
 * @param[out] upper Upper edge (fraction of base, INFINITY if open); may be NULL.
 * @param[out] share Provider's share; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p rs or @p i out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_band(const ncm_riskshare *rs, size_t i, int *side, double *lower, double *upper,
                                      double *share);

/**
 * @brief Copy a schedule's options out.
 * @param rs Schedule.
 * @param[out] opts Receives the options (its version set to #NCM_RISKSHARE_OPTIONS_VERSION).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_get_options(const ncm_riskshare *rs, ncm_riskshare_options *opts);

/**
 * @brief Split the variance of one year between provider and commissioner.
 * @param rs Schedule.
 * @param base The base T (budget or benchmark) in minor units; must be > 0.
 * @param actual Actual cost in minor units; must be >= 0.
 * @param[out] provider The provider's part of the variance (minor units; > 0 kept surplus, < 0 borne
 *             loss); may be NULL.
 * @param[out] commissioner The commissioner's part, so that provider + commissioner = base - actual
 *             exactly; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p rs; #NCM_ERR_RANGE for base <= 0 or actual < 0;
 *         #NCM_ERR_OVERFLOW if an amount does not fit. Outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_apply(const ncm_riskshare *rs, ncm_money base, ncm_money actual,
                                       ncm_money *provider, ncm_money *commissioner);

/**
 * @brief Split the variance and explain it band by band.
 *
 * For every band k (in the schedule's order): @p band_variance[k] is the part of the variance (signed
 * like the variance; net of the threshold with #NCM_RISKSHARE_GATE_NET) that falls in band k, and
 * @p band_provider[k] the provider's part of it before caps and floors (0 for bands of the other
 * direction, and for every band when the threshold gates the payment off). Then
 * provider = sum(band_provider) + @p limit_adjustment.
 * @param rs Schedule.
 * @param base The base T in minor units; > 0.
 * @param actual Actual cost in minor units; >= 0.
 * @param[out] band_variance Caller's array of @p cap amounts; may be NULL.
 * @param[out] band_provider Caller's array of @p cap amounts; may be NULL.
 * @param cap Size of the arrays; must be >= ncm_riskshare_band_count() if either array is given.
 * @param[out] limit_adjustment Change made by the cap, floor or the bound |provider| <= |v| (minor
 *             units, signed); may be NULL.
 * @param[out] provider As for ncm_riskshare_apply(); may be NULL.
 * @param[out] commissioner As for ncm_riskshare_apply(); may be NULL.
 * @return As ncm_riskshare_apply(), plus #NCM_ERR_BUFFER if @p cap is too small.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_explain(const ncm_riskshare *rs, ncm_money base, ncm_money actual,
                                         ncm_money *band_variance, ncm_money *band_provider, size_t cap,
                                         ncm_money *limit_adjustment, ncm_money *provider, ncm_money *commissioner);

/**
 * @brief Bulk form of ncm_riskshare_apply() over @p n rows (for Monte Carlo and portfolios).
 * @param rs Schedule.
 * @param n Number of rows.
 * @param base @p n bases (minor units, > 0).
 * @param actual @p n actual costs (minor units, >= 0).
 * @param[out] provider Caller's array of @p n provider parts; may be NULL.
 * @param[out] commissioner Caller's array of @p n commissioner parts; may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL inputs with n > 0; #NCM_ERR_RANGE or #NCM_ERR_OVERFLOW
 *         naming the row index. Every row is checked before any output is written: the outputs are
 *         unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_apply_bulk(const ncm_riskshare *rs, size_t n, const ncm_money *base,
                                            const ncm_money *actual, ncm_money *provider, ncm_money *commissioner);

/**
 * @brief Load a schedule from a JSON file.
 *
 * Format (schema "ncm.riskshare/1"):
 * @code{.json}
 * { "schema": "ncm.riskshare/1", "rounding": "half_even",
 *   "surplus": { "bands": [ {"from": 0, "to": 0.05, "provider_share": 1},
 *                           {"from": 0.05, "to": null, "provider_share": 0.5} ],
 *                "threshold": {"rate": 0.02, "gate": "first_pound"},
 *                "cap": {"rate": 0.10}, "floor": {"money": "0.00"} },
 *   "deficit": { "bands": [ {"from": 0, "to": null, "provider_share": 1} ] } }
 * @endcode
 * "to": null (or absent) is an open band. "rounding" is one of half_even, half_up, down, up, floor,
 * ceiling. A cap or floor gives exactly one of "rate" (fraction of base) or "money" (a decimal
 * string with two places). Unknown keys are errors. Syntax errors name "file:line:column"; other
 * errors name the file and the JSON path (e.g. `surplus.bands[1].to`).
 * @param path File to read; not retained.
 * @param[out] out Receives the new schedule (owned by the caller); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_IO; #NCM_ERR_PARSE for bad JSON or wrong types; #NCM_ERR_VERSION for an
 *         unknown schema; the codes of ncm_riskshare_create(); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_load_json(const char *path, ncm_riskshare **out);

/**
 * @brief Load a schedule from JSON text in memory (same format as ncm_riskshare_load_json()).
 * @param text JSON text; need not be NUL-terminated; not retained.
 * @param len Length of @p text in bytes.
 * @param name Name used in error messages (e.g. "<string>"); may be NULL.
 * @param[out] out Receives the new schedule; unchanged on failure.
 * @return As ncm_riskshare_load_json() (no #NCM_ERR_IO).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_load_json_buffer(const char *text, size_t len, const char *name,
                                                  ncm_riskshare **out);

/**
 * @brief Write a schedule as JSON (schema "ncm.riskshare/1"); loading the file gives the same schedule.
 * @param rs Schedule.
 * @param path File to create or replace; not retained.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_IO if the file cannot be written;
 *         #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_riskshare_write_json(const ncm_riskshare *rs, const char *path);

NCM_END_DECLS

#endif /* NCM_RISKSHARE_H */
