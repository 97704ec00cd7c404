/**
 * @file simulate.h
 * @brief Monte Carlo evaluation of contracts: scenarios, the multithreaded engine, results and bid viability.
 *
 * An #ncm_scenario describes what may happen to a population's costs over the term of a contract
 * and which contract designs to compare. ncm_simulate() runs N trials x T years; in every trial and
 * year it draws the costs, then settles each design through the bulk settler of settle.h (the same
 * engine as ncm_settle()) and records each party's result. The same random numbers are used for
 * every design, so differences between designs are paired. ncm_scenario_find_bid() searches for the
 * lowest bid at which the provider's probability of a deficit over the term meets a target.
 *
 * The scenario model (JSON schema "ncm.scenario/1", see the guide @ref evaluating-a-contract):
 * - segments of the population, each with a count of people and a cost per person-year that is
 *   lognormal or gamma with a mean and a coefficient of variation (cv), or resampled from the
 *   population's own recorded costs; a population (the built-in synthetic one, or people.csv and
 *   diagnoses.csv read with ncm_population_read_csv(), filtered by the segments' age bands) gives
 *   the counts, the means and cvs, and the costs to resample;
 * - systematic factors per trial: demand growth g and cost inflation i per year, the efficiency
 *   delivered e ~ normal(mean, sd) clipped to [0, 0.95] (drawn once per trial, reached in full after
 *   ramp_years), shocks (each year, with probability p, costs rise by x), and the membership drift
 *   m = joiners - leavers per year. The cost factor of year y (1-based) is
 *   F_y = (1 + i)^(y-1) (1 + g)^(y-1) (1 - e min(1, y / ramp_years)) prod_shocks (1 + x [hit]),
 *   and the people of segment s in year y are n_s (1 + m)^(y-1);
 * - segment mode: the yearly total of segment s is normal with mean n m_s F_y and standard deviation
 *   sqrt(n) cv_s m_s F_y (the sum of n independent people), floored at 0; person mode: one cost per
 *   person per year, cost x F_y (the people-count drift scales the year's total);
 * - outcome results: one total score per trial and year, beta (mean, sd), normal clipped to [0, 1],
 *   or fixed;
 * - designs: a named contract (contract.h) with optional stop-loss bought from an outside insurer
 *   (individual attachment/coinsurance/limit applied per person in person mode and as its expected
 *   value scaled by the year's cost in segment mode; aggregate cover on the retained total; a premium
 *   as a rate of the expected cost), cost shares of alliance members, and an optional cap on the
 *   provider side's cost over the term (a year's cap is the term cap prorated by the contract's value
 *   of that year); the efficiency assumed by the commissioner is recorded for the report only (it is
 *   already priced into the contract's values).
 *
 * Mapping onto the contract's actuals: the settled total cost of a year is the cost retained by the
 * provider side after stop-loss plus the premium; alliance members bear it by their cost shares
 * (default: their value shares), split to the penny with ncm_money_split(); the drawn score is the
 * score of every outcome pot and withhold; care-coordination components get the year's
 * member-months (12 x people). Contracts with activity components are rejected (volumes are not
 * modelled).
 *
 * A party's result in a year: for providers (provider, prime, lead, member, subcontractor) net
 * amount received minus the cost they bore; for the commissioner, its planned spending (what it
 * would pay if the cost equalled the contract value and every outcome were met, settled by the same
 * engine) minus what it paid; for external parties (a tax authority) the net received. Results are
 * in minor units. An extra last party, "providers", is the sum over the provider roles.
 *
 * Determinism: every random value is a pure function of (seed, trial, year, segment or person,
 * stream) through the counter-based generator, trials are the unit of work, and money sums are exact
 * integers, so results are bit-identical for the same seed whatever the thread count.
 *
 * Thread safety: a scenario is read-only during ncm_simulate() and may be shared by any number of
 * threads (the ncm_scenario_set_* calls must not run meanwhile);
 * ncm_simulate() runs its own worker threads and keeps no global state. A results handle is used by
 * one thread at a time; separate handles may be used from many threads at once.
 * @since 0.1.0
 */
#ifndef NCM_SIMULATE_H
#define NCM_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/contract.h"
#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/population.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque, immutable scenario. Load with ncm_scenario_load_file(); free with ncm_scenario_free(). @since 0.1.0 */
typedef struct ncm_scenario ncm_scenario;
/** @brief Opaque results of ncm_simulate(); free with ncm_sim_results_free(). @since 0.1.0 */
typedef struct ncm_sim_results ncm_sim_results;

/** @brief The scenario document schema this library reads and writes. @since 0.1.0 */
#define NCM_SCENARIO_SCHEMA "ncm.scenario/1"

/**
 * @brief How costs are drawn.
 * @since 0.1.0
 */
typedef enum ncm_sim_mode {
    NCM_SIM_MODE_DEFAULT = 0, /**< The scenario's own "mode" (segment if it names none). */
    NCM_SIM_MODE_SEGMENT = 1, /**< One draw per segment per year ("segment"). */
    NCM_SIM_MODE_PERSON = 2   /**< One draw per person per year ("person"). */
} ncm_sim_mode;

/**
 * @brief Figures reported by ncm_sim_results_stats(), in this order.
 * @since 0.1.0
 */
typedef enum ncm_sim_stat {
    NCM_SIM_MEAN = 0,      /**< Mean result (minor units). */
    NCM_SIM_SD = 1,        /**< Standard deviation (minor units). */
    NCM_SIM_Q01 = 2,       /**< 1% quantile. */
    NCM_SIM_Q05 = 3,       /**< 5% quantile. */
    NCM_SIM_Q25 = 4,       /**< 25% quantile. */
    NCM_SIM_Q50 = 5,       /**< Median. */
    NCM_SIM_Q75 = 6,       /**< 75% quantile. */
    NCM_SIM_Q95 = 7,       /**< 95% quantile. */
    NCM_SIM_Q99 = 8,       /**< 99% quantile. */
    NCM_SIM_P_DEFICIT = 9, /**< Probability that the result is below 0. */
    NCM_SIM_ES05 = 10,     /**< Expected shortfall: mean of the worst 5% of results (minor units). */
    NCM_SIM_P_CAP = 11,    /**< Probability that the provider side's cost exceeds the design's cap (NaN without a cap). */
    NCM_SIM_P_LIMIT = 12,  /**< Probability that a cap of the contract's risk share on the provider's gain or loss binds
                                (in the year, or in any year of the term; NaN when no risk share has a cap). */
    NCM_SIM_STAT_COUNT = 13 /**< Number of figures. */
} ncm_sim_stat;

/**
 * @brief Progress callback of ncm_simulate().
 *
 * Called after each block of trials, from worker threads but never two at once.
 * @param user The pointer given in #ncm_sim_options::progress_user.
 * @param done Trials finished so far.
 * @param total Trials in the run.
 * @return 0 to continue, non-zero to cancel (ncm_simulate() then returns #NCM_ERR_CANCELLED).
 * @since 0.1.0
 */
typedef int (*ncm_progress_fn)(void *user, uint64_t done, uint64_t total);

/* ---------------------------------------------------------------- scenario */

/**
 * @brief Load and validate a scenario from a JSON file (schema #NCM_SCENARIO_SCHEMA).
 *
 * Contract files named by designs are read relative to the scenario's folder. Malformed JSON gives
 * #NCM_ERR_PARSE with file, line and column; validation errors name the item, e.g.
 * `s.json: segments[1] "75-84": cost.cv: -1 is negative`.
 * @param path Path of the document; not retained.
 * @param[out] out Receives the scenario (free with ncm_scenario_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_IO; #NCM_ERR_PARSE for malformed
 *         JSON, an unknown key or a wrong type; #NCM_ERR_VERSION for another schema; #NCM_ERR_RANGE
 *         for values out of range; #NCM_ERR_DUPLICATE for a segment or design named twice;
 *         #NCM_ERR_NOT_FOUND for an unknown party; errors of ncm_contract_load_file() and
 *         ncm_synth_population(); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_load_file(const char *path, ncm_scenario **out);

/**
 * @brief Load and validate a scenario from JSON text.
 * @param text NUL-terminated document; not retained.
 * @param name Name used in messages; NULL gives "<string>".
 * @param base_dir Folder that relative contract paths are read from; NULL = the current folder.
 * @param[out] out Receives the scenario; unchanged on failure.
 * @return As ncm_scenario_load_file().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_load_string(const char *text, const char *name, const char *base_dir,
                                            ncm_scenario **out);

/**
 * @brief Write a scenario as JSON (contracts inline), so that loading it gives the same scenario.
 * @param sc The scenario.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO naming the path; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_write_file(const ncm_scenario *sc, const char *path);

/**
 * @brief Free a scenario. NULL is a no-op.
 * @param sc The scenario, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_scenario_free(ncm_scenario *sc);

/**
 * @brief Name of the scenario.
 * @param sc The scenario.
 * @return A string owned by the scenario, or NULL for NULL.
 * @since 0.1.0
 */
NCM_API const char *ncm_scenario_name(const ncm_scenario *sc);

/**
 * @brief Term in years.
 * @param sc The scenario.
 * @return The term, 0 for NULL.
 * @since 0.1.0
 */
NCM_API unsigned ncm_scenario_term(const ncm_scenario *sc);

/**
 * @brief Number of segments.
 * @param sc The scenario.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_scenario_segment_count(const ncm_scenario *sc);

/**
 * @brief Name of a segment.
 * @param sc The scenario.
 * @param s Segment index.
 * @return A string owned by the scenario, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_scenario_segment_name(const ncm_scenario *sc, size_t s);

/**
 * @brief The year-1 cost model of every segment, as columns.
 * @param sc The scenario.
 * @param[out] people People in each segment (may be NULL).
 * @param[out] mean Mean cost per person-year before the systematic factors, minor units (may be NULL).
 * @param[out] cv Coefficient of variation of the cost per person (may be NULL).
 * @param cap Size of each given array; must be >= ncm_scenario_segment_count().
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p sc; #NCM_ERR_BUFFER if @p cap is too small.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_segments(const ncm_scenario *sc, double *people, double *mean, double *cv, size_t cap);

/**
 * @brief The population the scenario was built on (people outside every segment included).
 * @param sc The scenario.
 * @return The table owned by the scenario, or NULL when the scenario gives counts only.
 * @since 0.1.0
 */
NCM_API const ncm_population *ncm_scenario_population(const ncm_scenario *sc);

/**
 * @brief Expected year-1 cost (before the systematic factors) by segment and place.
 *
 * Needs a population with a place column; the cost of a person is their recorded cost scaled as the
 * scenario says. Row-major: row s holds segment s, column p the place with text id p
 * (ncm_population_text_value(pop, NCM_TEXT_PLACE, p) names it).
 * @param sc The scenario.
 * @param[out] cost Caller's segments x places array, minor units.
 * @param cap Size of @p cost.
 * @param[out] places Receives the number of places (may be NULL).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or no population; #NCM_ERR_BUFFER if @p cap
 *         is too small (then @p places is still set); #NCM_ERR_OVERFLOW.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_segment_place_cost(const ncm_scenario *sc, ncm_money *cost, size_t cap,
                                                   size_t *places);

/**
 * @brief Number of designs.
 * @param sc The scenario.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_scenario_design_count(const ncm_scenario *sc);

/**
 * @brief Name of a design.
 * @param sc The scenario.
 * @param d Design index.
 * @return A string owned by the scenario, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_scenario_design_name(const ncm_scenario *sc, size_t d);

/**
 * @brief The contract of a design.
 * @param sc The scenario.
 * @param d Design index.
 * @return The contract, owned by the scenario, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const ncm_contract *ncm_scenario_design_contract(const ncm_scenario *sc, size_t d);

/**
 * @brief Change one numeric parameter of a loaded scenario (for parameter sweeps without re-loading).
 *
 * Keys: "demand_growth", "cost_inflation" (-0.5 to 1), "efficiency.assumed", "efficiency.delivered.mean"
 * (0 to 0.95), "efficiency.delivered.sd" (0 to 1), "efficiency.ramp_years" (1 to 50), "outcomes.mean",
 * "outcomes.sd" (0 to 1; a beta needs sd^2 < mean (1 - mean)), "membership.joiners",
 * "membership.leavers" (0 to 1). The scenario must not be in use by ncm_simulate() meanwhile.
 * @param sc The scenario.
 * @param key Parameter name, as in the JSON document.
 * @param value New value.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND for an unknown key;
 *         #NCM_ERR_RANGE for a value out of range (nothing is changed).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_set_number(ncm_scenario *sc, const char *key, double value);

/**
 * @brief Change a segment's cost model (for sweeps).
 * @param sc The scenario.
 * @param s Segment index.
 * @param people People in the segment, >= 0, or NaN to keep.
 * @param mean Mean cost per person-year, minor units, > 0, or NaN to keep.
 * @param cv Coefficient of variation, 0 to 20, or NaN to keep.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p sc; #NCM_ERR_RANGE for an index or value out of
 *         range (nothing is changed).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_set_segment(ncm_scenario *sc, size_t s, double people, double mean, double cv);

/**
 * @brief Replace the contract of a design with a copy of @p c (for sweeps of corridor widths, pot sizes...).
 * @param sc The scenario.
 * @param d Design index.
 * @param c The new contract; copied, so the caller keeps ownership.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or a contract with activity components;
 *         #NCM_ERR_RANGE for a design out of range or a term shorter than the scenario's;
 *         #NCM_ERR_NOT_FOUND if the design's cost shares name a party the contract lacks;
 *         #NCM_ERR_NOMEM (nothing is changed on failure).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_set_contract(ncm_scenario *sc, size_t d, const ncm_contract *c);

/* ---------------------------------------------------------------- engine */

/** @brief Current version of #ncm_sim_options. @since 0.1.0 */
#define NCM_SIM_OPTIONS_VERSION 1u

/**
 * @brief Options of ncm_simulate() (versioned options struct).
 * @since 0.1.0
 */
typedef struct ncm_sim_options {
    unsigned version;        /**< #NCM_SIM_OPTIONS_VERSION. */
    uint64_t trials;         /**< Number of trials, >= 1. Default 10,000. */
    uint64_t seed;           /**< Seed of every random draw. Default 2015. */
    unsigned threads;        /**< Worker threads; 0 (default) = all online cores. Results do not depend on it. */
    ncm_sim_mode mode;       /**< Segment or person mode; default the scenario's. */
    ncm_progress_fn progress; /**< Progress callback, or NULL. */
    void *progress_user;     /**< Passed to @c progress. */
} ncm_sim_options;

/** @brief Static initialiser of #ncm_sim_options with the defaults. @since 0.1.0 */
#define NCM_SIM_OPTIONS_INIT {NCM_SIM_OPTIONS_VERSION, 10000u, 2015u, 0u, NCM_SIM_MODE_DEFAULT, 0, 0}

/**
 * @brief Fill @p opts with #NCM_SIM_OPTIONS_INIT.
 * @param[out] opts Options; ignored if NULL.
 * @since 0.1.0
 */
NCM_API void ncm_sim_options_init(ncm_sim_options *opts);

/**
 * @brief Run the Monte Carlo evaluation of every design of a scenario.
 * @param sc The scenario.
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the results (free with ncm_sim_results_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments, a contract with activity components or a
 *         term shorter than the scenario's; #NCM_ERR_VERSION; #NCM_ERR_RANGE for 0 trials;
 *         #NCM_ERR_CANCELLED if the progress callback asked to stop; errors of ncm_settler_run()
 *         (the message names the design, year and trial); #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM;
 *         #NCM_ERR_INTERNAL if a thread cannot be started.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_simulate(const ncm_scenario *sc, const ncm_sim_options *opts, ncm_sim_results **out);

/* ---------------------------------------------------------------- results */

/**
 * @brief Free results. NULL is a no-op.
 * @param r The results, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_sim_results_free(ncm_sim_results *r);

/**
 * @brief Number of trials.
 * @param r The results.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API uint64_t ncm_sim_results_trials(const ncm_sim_results *r);

/**
 * @brief Number of years simulated (the term).
 * @param r The results.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API unsigned ncm_sim_results_years(const ncm_sim_results *r);

/**
 * @brief Number of designs.
 * @param r The results.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_sim_results_design_count(const ncm_sim_results *r);

/**
 * @brief Name of a design.
 * @param r The results.
 * @param d Design index.
 * @return A string owned by the results, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_sim_results_design_name(const ncm_sim_results *r, size_t d);

/**
 * @brief Number of parties of a design: the contract's parties plus the last, "providers".
 * @param r The results.
 * @param d Design index.
 * @return The count, 0 out of range.
 * @since 0.1.0
 */
NCM_API size_t ncm_sim_results_party_count(const ncm_sim_results *r, size_t d);

/**
 * @brief Name of a party of a design ("providers" for the last).
 * @param r The results.
 * @param d Design index.
 * @param p Party index.
 * @return A string owned by the results, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_sim_results_party_name(const ncm_sim_results *r, size_t d, size_t p);

/**
 * @brief Summary figures of one party's result in one year or over the term.
 * @param r The results.
 * @param d Design index.
 * @param p Party index.
 * @param year Year 1 to the term, or 0 for the whole term.
 * @param[out] value #NCM_SIM_STAT_COUNT figures in #ncm_sim_stat order (may be NULL).
 * @param[out] se Monte Carlo standard error of each figure (may be NULL; NaN where unknown).
 * @param cap Size of each given array; must be >= #NCM_SIM_STAT_COUNT.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p r; #NCM_ERR_RANGE for an index out of range;
 *         #NCM_ERR_BUFFER; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_sim_results_stats(const ncm_sim_results *r, size_t d, size_t p, unsigned year, double *value,
                                         double *se, size_t cap);

/**
 * @brief Per-trial results of one party (for plots and custom figures).
 * @param r The results.
 * @param d Design index.
 * @param p Party index.
 * @param year Year 1 to the term, or 0 for the whole term.
 * @param[out] out Caller's array of one result per trial, minor units.
 * @param cap Size of @p out; must be >= ncm_sim_results_trials().
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_sim_results_trial_values(const ncm_sim_results *r, size_t d, size_t p, unsigned year,
                                                ncm_money *out, size_t cap);

/**
 * @brief Per-trial gross cost of care before stop-loss (the same for every design).
 * @param r The results.
 * @param year Year 1 to the term, or 0 for the whole term.
 * @param[out] out Caller's array of one cost per trial, minor units.
 * @param cap Size of @p out; must be >= ncm_sim_results_trials().
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_sim_results_cost(const ncm_sim_results *r, unsigned year, ncm_money *out, size_t cap);

/**
 * @brief Paired comparison: summary figures of (result of party @p pa in design @p a) minus (result
 *        of party @p pb in design @p b), trial by trial.
 * @param r The results.
 * @param a First design.
 * @param pa Party of the first design.
 * @param b Second design.
 * @param pb Party of the second design.
 * @param year Year 1 to the term, or 0 for the whole term.
 * @param[out] value #NCM_SIM_STAT_COUNT figures of the differences (P_DEFICIT = P(a worse than b);
 *        P_CAP and P_LIMIT are NaN) (may be NULL).
 * @param[out] se Their Monte Carlo standard errors (may be NULL).
 * @param cap Size of each given array; must be >= #NCM_SIM_STAT_COUNT.
 * @return As ncm_sim_results_stats().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_sim_results_compare(const ncm_sim_results *r, size_t a, size_t pa, size_t b, size_t pb,
                                           unsigned year, double *value, double *se, size_t cap);

/* ---------------------------------------------------------------- bid viability */

/**
 * @brief Probability of a provider-side deficit over the term at given bids, for one design.
 *
 * A bid B scales the design's contract value (every year's value and any capitation amounts) by
 * B / (the contract's value summed over the term), rounded half-even per year; each bid is
 * evaluated with the same options (so the same random numbers).
 * @param sc The scenario.
 * @param d Design index.
 * @param opts Options of the runs (NULL for the defaults).
 * @param n Number of bids.
 * @param bids @p n bids over the whole term, minor units, > 0.
 * @param[out] p_deficit Caller's @p n probabilities that the "providers" result over the term is < 0.
 * @param[out] mean Caller's @p n mean "providers" results over the term, minor units (may be NULL).
 * @return As ncm_simulate(); #NCM_ERR_RANGE for a design out of range or a bid <= 0.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_deficit_at(const ncm_scenario *sc, size_t d, const ncm_sim_options *opts, size_t n,
                                           const ncm_money *bids, double *p_deficit, double *mean);

/**
 * @brief Lowest bid at which P(provider-side deficit over the term) <= @p target, by bisection.
 *
 * The search starts from [lo, hi] = [0.5, 2] x the contract's value, widening hi (doubling up to 64x)
 * until the target is met and halving lo while it meets it too, then bisects until hi - lo <=
 * @p tolerance. With a fixed seed the
 * probability is a step function of the bid that does not increase with it, so the answer is the
 * smallest bid on a grid of width @p tolerance that meets the target in these trials; its own Monte
 * Carlo error is that of P(deficit) (about sqrt(target (1 - target) / trials)).
 * @param sc The scenario.
 * @param d Design index.
 * @param opts Options of each run (NULL for the defaults).
 * @param target Target probability, in (0, 1).
 * @param tolerance Width of the final bracket, minor units, > 0.
 * @param[out] bid Receives the bid (hi of the final bracket).
 * @param[out] p_deficit Receives P(deficit) at that bid (may be NULL).
 * @return As ncm_scenario_deficit_at(); #NCM_ERR_RANGE for a bad target or tolerance, or
 *         #NCM_ERR_NOT_FOUND if no bid up to 64x the contract value meets the target.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_scenario_find_bid(const ncm_scenario *sc, size_t d, const ncm_sim_options *opts, double target,
                                         ncm_money tolerance, ncm_money *bid, double *p_deficit);

NCM_END_DECLS

#endif /* NCM_SIMULATE_H */
