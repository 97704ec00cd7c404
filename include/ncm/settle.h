/**
 * @file settle.h
 * @brief Settlement: turn a contract and a year's actuals into a ledger of who owes whom, to the penny.
 *
 * Three objects:
 * - #ncm_actuals holds what happened, year by year: actual costs (in total or per party), activity
 *   volumes, member-months, outcome scores, and payments already made. Fill it from C or read the
 *   CSV formats below.
 * - ncm_settle() settles every year (a multi-year statement) into an #ncm_ledger: one line per money
 *   movement, each naming the year, the component (rule) and what it is, the base, the rate, the
 *   amount due, the payer and the payee, what was already paid and the balance (true-up: positive
 *   = still owed by the payer, negative = claw-back owed back by the payee). Lines sum exactly to the
 *   per-party totals and the grand totals. The ledger writes to CSV and JSON, byte for byte the same
 *   for the same inputs.
 * - #ncm_settler is the allocation-free bulk path for Monte Carlo: it settles n trials of one year
 *   into caller-allocated per-party net amounts without building a ledger.
 *
 * How each component settles in year y (value V_y; amounts rounded half-even to the minor unit):
 * - upfront: share x (V_y - the outcome pot carved from it); capitation: amounts[y] or share x
 *   (V_y - carved pot); management_fee: rate x V_y; transformation: amounts[y];
 * - activity: price x volume, and above a threshold volume price x (volume - threshold) x
 *   marginal_rate instead; care_coordination: pmpm x member-months;
 * - outcome_pot: pot = share x V_y, earned = pot x score (0 if the score is below the gate);
 *   the unearned part stays with the payer;
 * - withhold: rate x each line of the withheld component is returned, then earned back x f where
 *   f = score, or with a threshold f = 1 if score >= threshold else earn_back_below (default 0);
 * - vat: rate x vatable_share x each named line; borne by the provider, the provider pays it to the
 *   authority out of its income; borne by the commissioner, the commissioner funds it first;
 * - risk_share: variance v = base - actual cost, split by the schedule (riskshare.h). A single
 *   holder returns the commissioner's share of a surplus, or is paid the commissioner's share of a
 *   deficit, one line per band. Alliance members (payee "members") pool their own variances
 *   b_i - c_i with the commissioner and then receive (or bear) their split of the members' share
 *   by fixed shares, by value share, or in proportion to their own variances; cascades then pass a
 *   stated share of a party's result down to a subcontractor;
 * - stop_loss (protector = the component's payer, the commissioner or an external reinsurer;
 *   provider = its payee): the provider pays the premium (amount, or rate x V_y) to the protector;
 *   the individual cover pays, for each person with cost c above the attachment a,
 *   (1 - coinsurance) x (min(c, limit) - a), rounded half-even per person (every person of the
 *   year, whichever party their cost is attributed to); the aggregate cover pays
 *   (1 - aggregate coinsurance) x (R - T)^+ where R is the provider's total cost retained after the
 *   individual cover (and after every recovery of stop-loss components listed before it: covers
 *   layer in contract order) and T = threshold x (V_y, or the year's total of a named payment
 *   line). Both come from capitation.h's ncm_stop_loss(). The individual cover needs the year's
 *   per-person costs (ncm_actuals_set_person_costs()); an aggregate cover needs the total cost
 *   (given, or derived from the person or party costs).
 *   Risk shares settle on the actual cost as given (gross of stop-loss recoveries).
 *
 * Order of the lines of a year (deterministic): up-front, capitation, management fee and
 * transformation lines (component order), then activity and care coordination, outcome pots,
 * withholds, VAT, stop-loss (premium, individual, aggregate), risk shares, and finally payments
 * already made that match nothing due.
 *
 * CSV formats (header row, comma separated, RFC 4180 quoting; money with two decimals):
 * - actuals: `year,kind,name,value` with kind `cost` (name = party, or empty for the total cost;
 *   value = money), `volume` (name = activity component; value = whole count) or `member_months`
 *   (name = care-coordination component; value = number);
 * - outcomes: `year,score` with an optional `component` column (empty = every outcome pot and
 *   withhold); score in [0, 1];
 * - paid: `year,component,payer,payee,amount`: payments already made against a component;
 * - results: `year,measure_id,value[,component][,baseline]`: measure results scored by the outcome
 *   framework embedded in an outcome_pot or withhold component (empty component = every one);
 * - person costs: `year,person_id,cost` with an optional `party` column: one row per person and
 *   year (a person_id at most once a year); cost is money >= 0; party names the party the person's
 *   cost is attributed to (every row of a year, or none of them).
 *
 * Thread safety: actuals, ledgers and settlers are used by one thread at a time; separate objects
 * may be used from many threads at once, and many may share one (immutable) contract.
 * @since 0.1.0
 */
#ifndef NCM_SETTLE_H
#define NCM_SETTLE_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/contract.h"
#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque actuals (costs, volumes, member-months, scores, payments made) for a contract. @since 0.1.0 */
typedef struct ncm_actuals ncm_actuals;
/** @brief Opaque, immutable settlement ledger. Create with ncm_settle(); free with ncm_ledger_free(). @since 0.1.0 */
typedef struct ncm_ledger ncm_ledger;
/** @brief Opaque preallocated settlement engine for bulk, allocation-free settlement. @since 0.1.0 */
typedef struct ncm_settler ncm_settler;

/**
 * @brief What a ledger line is.
 * @since 0.1.0
 */
typedef enum ncm_line_kind {
    NCM_LINE_UPFRONT = 0,           /**< Up-front share of value ("upfront"). */
    NCM_LINE_MANAGEMENT_FEE = 1,    /**< Management fee ("management_fee"). */
    NCM_LINE_CAPITATION = 2,        /**< Capitation / year-of-care budget ("capitation"). */
    NCM_LINE_ACTIVITY = 3,          /**< Price x volume up to the threshold ("activity"); rate = volume. */
    NCM_LINE_ACTIVITY_MARGINAL = 4, /**< Volume above the threshold at the marginal rate ("activity_marginal"). */
    NCM_LINE_CARE_COORDINATION = 5, /**< PMPM x member-months ("care_coordination"); rate = member-months. */
    NCM_LINE_OUTCOME = 6,           /**< Outcome pot earned ("outcome"); base = pot, rate = score. */
    NCM_LINE_WITHHOLD = 7,          /**< Amount withheld, returned by the payee ("withhold"). */
    NCM_LINE_EARN_BACK = 8,         /**< Withhold earned back ("earn_back"). */
    NCM_LINE_VAT_FUNDED = 9,        /**< VAT funded by the commissioner ("vat_funded"). */
    NCM_LINE_VAT = 10,              /**< VAT paid to the authority ("vat"). */
    NCM_LINE_TRANSFORMATION = 11,   /**< Transformation funding ("transformation"). */
    NCM_LINE_RISK_SHARE = 12,       /**< Commissioner's share of the variance in one band ("risk_share"). */
    NCM_LINE_RISK_THRESHOLD = 13,   /**< Variance below a net-of-threshold gate, kept by the commissioner ("risk_threshold"). */
    NCM_LINE_RISK_LIMIT = 14,       /**< Change made by a cap or floor on the provider's share ("risk_limit"). */
    NCM_LINE_RISK_POOL = 15,        /**< An alliance member's own variance pooled ("risk_pool"). */
    NCM_LINE_RISK_MEMBER = 16,      /**< A member's split of the members' share of the system variance ("risk_member"). */
    NCM_LINE_CASCADE = 17,          /**< Share of a party's risk result passed to a subcontractor ("cascade"). */
    NCM_LINE_UNMATCHED = 18,        /**< A payment already made that matches nothing due ("unmatched"). */
    NCM_LINE_STOP_LOSS = 19,        /**< Individual stop-loss recovery, protector to provider ("stop_loss"); base = the covered excess sum of (min(c, limit) - attachment)^+, rate = 1 - coinsurance. */
    NCM_LINE_STOP_LOSS_AGGREGATE = 20, /**< Aggregate stop-loss recovery ("stop_loss_aggregate"); base = retained cost above the aggregate attachment, rate = 1 - aggregate coinsurance. */
    NCM_LINE_STOP_LOSS_PREMIUM = 21 /**< Stop-loss premium, provider to protector ("stop_loss_premium"); base = the year's value (rate = premium rate) or the amount (rate 1). */
} ncm_line_kind;

/**
 * @brief The CSV/JSON name of a line kind ("upfront", "risk_share", ...).
 * @param kind A kind.
 * @return A static string; "unknown" outside the enum.
 * @since 0.1.0
 */
NCM_API const char *ncm_line_kind_name(ncm_line_kind kind);

/* ---------------------------------------------------------------- actuals */

/**
 * @brief Create empty actuals for a contract.
 * @param c The contract; it must outlive the actuals (a reference is kept, nothing is copied).
 * @param[out] out Receives the new actuals (free with ncm_actuals_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_create(const ncm_contract *c, ncm_actuals **out);

/**
 * @brief Free actuals. NULL is a no-op.
 * @param a The actuals, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_actuals_free(ncm_actuals *a);

/**
 * @brief Set the actual cost of a year, in total or for one party (replacing any earlier value).
 *
 * If costs are given per party, the total cost of the year is their sum; giving both a total and
 * party costs that do not sum to it is an error at settlement. Person costs
 * (ncm_actuals_set_person_costs()) of the same year must agree with both.
 * @param a The actuals.
 * @param year Contract year, 1 to the term.
 * @param party Party name, or NULL for the total cost.
 * @param cost Cost in minor units, >= 0.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p a; #NCM_ERR_RANGE for a year outside the term or a
 *         negative cost; #NCM_ERR_NOT_FOUND for an unknown party.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_set_cost(ncm_actuals *a, unsigned year, const char *party, ncm_money cost);

/**
 * @brief Set the actual costs of a year person by person (replacing any person costs set earlier
 *        for that year), optionally attributing each person to a party.
 *
 * The person costs determine the year's total cost (their sum) and, when attributed, each party's
 * cost (the sum over the persons attributed to it; parties with no person get no derived cost),
 * exactly. A total or party cost also set with ncm_actuals_set_cost() must agree with them:
 * otherwise ncm_settle() fails with #NCM_ERR_INCONSISTENT naming the year and the party. The
 * individual cover of a stop_loss component settles on them. The arrays are copied.
 * @param a The actuals.
 * @param year Contract year, 1 to the term.
 * @param n Number of persons (0 clears the year's person costs).
 * @param cost @p n costs in minor units, each >= 0.
 * @param party @p n party names, or NULL when the costs are not attributed; when given, every
 *        entry must name a party of the contract.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p a, or NULL @p cost with @p n > 0, or a NULL entry
 *         of @p party; #NCM_ERR_RANGE for a year outside the term or a negative cost (naming the
 *         index); #NCM_ERR_NOT_FOUND for an unknown party (naming the index and name);
 *         #NCM_ERR_OVERFLOW if the sum is out of range; #NCM_ERR_NOMEM. Nothing changes on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_set_person_costs(ncm_actuals *a, unsigned year, size_t n, const ncm_money *cost,
                                                const char *const *party);

/**
 * @brief Set the activity volume of a year for an activity component.
 * @param a The actuals.
 * @param year Contract year.
 * @param component Name of an activity component.
 * @param volume Count, >= 0.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE; #NCM_ERR_NOT_FOUND for an unknown component or
 *         one that is not an activity component.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_set_volume(ncm_actuals *a, unsigned year, const char *component, int64_t volume);

/**
 * @brief Set the member-months of a year for a care-coordination component.
 * @param a The actuals.
 * @param year Contract year.
 * @param component Name of a care_coordination component.
 * @param member_months Member-months, finite and >= 0 (kept to 3 decimals).
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE; #NCM_ERR_NOT_FOUND.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_set_member_months(ncm_actuals *a, unsigned year, const char *component,
                                                 double member_months);

/**
 * @brief Set the outcome score of a year for one outcome pot or withhold, or for all of them.
 * @param a The actuals.
 * @param year Contract year.
 * @param component Name of an outcome_pot or withhold component, or NULL for all of them (a score
 *        set for a named component wins over the year's general score).
 * @param score Score in [0, 1].
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE for a score outside [0, 1] or NaN;
 *         #NCM_ERR_NOT_FOUND.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_set_score(ncm_actuals *a, unsigned year, const char *component, double score);

/**
 * @brief Score a year's measure results with the outcome framework of an outcome_pot or withhold
 *        component (its "framework" in the contract; outcome.h) and set that component's score.
 *
 * The score is the framework's total / 100, or 0 when a gate fails or no measure has data, so the
 * pot earned is pot x total / 100 as in ncm_outcome_result_pot() (the rate rounded to 12 decimals).
 * @param a The actuals.
 * @param year Contract year.
 * @param component Name of a component with a framework, or NULL for every such component.
 * @param n Number of results.
 * @param measure_id Measure id of each result.
 * @param value Result of each measure (NaN = no data).
 * @param baseline The provider's own baseline per result (NaN = the framework's), or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_RANGE for a year outside the term;
 *         #NCM_ERR_NOT_FOUND for an unknown component, one without a framework, or an unknown
 *         measure; the other codes of ncm_outcome_score(); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_score_results(ncm_actuals *a, unsigned year, const char *component, size_t n,
                                             const char *const *measure_id, const double *value,
                                             const double *baseline);

/**
 * @brief Record a payment already made against a component (added to any earlier ones).
 * @param a The actuals.
 * @param year Contract year.
 * @param component Component name.
 * @param payer Party that paid.
 * @param payee Party that received.
 * @param amount Amount in minor units, >= 0.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE; #NCM_ERR_NOT_FOUND for unknown names;
 *         #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_add_paid(ncm_actuals *a, unsigned year, const char *component, const char *payer,
                                        const char *payee, ncm_money amount);

/**
 * @brief Read actual costs, volumes and member-months from a CSV file (`year,kind,name,value`).
 *
 * Errors name the file, line, column and header, e.g. `a.csv:3:4 (value): "2x" is not an amount`.
 * Nothing is changed on failure.
 * @param a The actuals.
 * @param path CSV file.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO; #NCM_ERR_PARSE; #NCM_ERR_RANGE;
 *         #NCM_ERR_NOT_FOUND; #NCM_ERR_DUPLICATE for the same item twice; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_read_csv(ncm_actuals *a, const char *path);

/**
 * @brief Read outcome scores from a CSV file (`year,score[,component]`). Nothing is changed on failure.
 * @param a The actuals.
 * @param path CSV file.
 * @return As ncm_actuals_read_csv().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_read_outcomes_csv(ncm_actuals *a, const char *path);

/**
 * @brief Read payments already made from a CSV file (`year,component,payer,payee,amount`).
 * Nothing is changed on failure.
 * @param a The actuals.
 * @param path CSV file.
 * @return As ncm_actuals_read_csv().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_read_paid_csv(ncm_actuals *a, const char *path);

/**
 * @brief Read measure results from a CSV file (`year,measure_id,value` with optional `component`
 *        and `baseline` columns) and score them with the components' outcome frameworks (see
 *        ncm_actuals_score_results()). Nothing is changed on failure.
 * @param a The actuals.
 * @param path CSV file.
 * @return As ncm_actuals_read_csv(), plus the codes of ncm_actuals_score_results().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_read_results_csv(ncm_actuals *a, const char *path);

/**
 * @brief Read per-person actual costs from a CSV file (`year,person_id,cost[,party]`, see above) and
 *        set them year by year with ncm_actuals_set_person_costs() (years absent from the file keep
 *        what they had). Nothing is changed on failure.
 *
 * Errors name the file, line, column and header, e.g.
 * `p.csv:4:2 (person_id): person "P7" is given twice in year 1`.
 * @param a The actuals.
 * @param path CSV file.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO; #NCM_ERR_PARSE (missing column, bad amount or
 *         year, empty person_id, a year with some rows attributed to a party and some not);
 *         #NCM_ERR_RANGE; #NCM_ERR_NOT_FOUND for an unknown party; #NCM_ERR_DUPLICATE for a person
 *         twice in a year; #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_actuals_read_person_costs_csv(ncm_actuals *a, const char *path);

/* ---------------------------------------------------------------- settlement */

/** @brief Current version of #ncm_settle_options. @since 0.1.0 */
#define NCM_SETTLE_OPTIONS_VERSION 1u

/**
 * @brief Options of ncm_settle().
 * @since 0.1.0
 */
typedef struct ncm_settle_options {
    unsigned version;    /**< #NCM_SETTLE_OPTIONS_VERSION. */
    unsigned first_year; /**< First year to settle; 0 = from year 1. */
    unsigned last_year;  /**< Last year to settle; 0 = to the end of the term. */
    int only_with_actuals; /**< Non-zero (default): skip years for which nothing at all was recorded. */
} ncm_settle_options;

/** @brief Static initialiser of #ncm_settle_options (every year of the term that has actuals). @since 0.1.0 */
#define NCM_SETTLE_OPTIONS_INIT { NCM_SETTLE_OPTIONS_VERSION, 0u, 0u, 1 }

/**
 * @brief Fill @p opts with #NCM_SETTLE_OPTIONS_INIT.
 * @param[out] opts Options to initialise; ignored if NULL.
 * @since 0.1.0
 */
NCM_API void ncm_settle_options_init(ncm_settle_options *opts);

/**
 * @brief Settle the contract year by year against the actuals into a new ledger.
 * @param c The contract.
 * @param a Actuals created for @p c.
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the ledger (free with ncm_ledger_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or actuals of another contract;
 *         #NCM_ERR_VERSION for an unsupported options version; #NCM_ERR_NOT_FOUND naming the year and
 *         item when a needed actual is missing (a cost for a risk share, a volume, member-months, a
 *         score, per-person costs for an individual stop-loss); #NCM_ERR_INCONSISTENT when a total
 *         cost disagrees with the party costs, or a total or party cost with the person costs;
 *         #NCM_ERR_RANGE for a year range outside the term or a non-positive risk-share base;
 *         #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_settle(const ncm_contract *c, const ncm_actuals *a, const ncm_settle_options *opts,
                              ncm_ledger **out);

/* ---------------------------------------------------------------- ledger */

/**
 * @brief Free a ledger. NULL is a no-op.
 * @param l The ledger, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_ledger_free(ncm_ledger *l);

/**
 * @brief Number of lines.
 * @param l The ledger.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_ledger_count(const ncm_ledger *l);

/**
 * @brief The contract years that were settled, in order.
 * @param l The ledger.
 * @param[out] years Caller's array, or NULL to ask for the count.
 * @param cap Size of @p years.
 * @param[out] count Receives the number of settled years (may be NULL).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p l; #NCM_ERR_BUFFER if @p years is given and @p cap is
 *         smaller than the count.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_years(const ncm_ledger *l, unsigned *years, size_t cap, size_t *count);

/**
 * @brief Number of parties (the contract's parties, in its order).
 * @param l The ledger.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_ledger_party_count(const ncm_ledger *l);

/**
 * @brief Name of a party (the ledger keeps its own copy).
 * @param l The ledger.
 * @param party Party index.
 * @return The name, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_ledger_party_name(const ncm_ledger *l, size_t party);

/**
 * @brief Name of a component (the ledger keeps its own copy).
 * @param l The ledger.
 * @param component Component index (as in the contract).
 * @return The name, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_ledger_component_name(const ncm_ledger *l, size_t component);

/**
 * @brief The identifying columns of the lines, copied into caller arrays (each may be NULL).
 * @param l The ledger.
 * @param[out] year Contract year of each line.
 * @param[out] kind #ncm_line_kind of each line.
 * @param[out] component Component index of each line.
 * @param[out] payer Party index of the payer of each line.
 * @param[out] payee Party index of the payee of each line.
 * @param cap Size of every given array; must be >= ncm_ledger_count().
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p l; #NCM_ERR_BUFFER if @p cap is too small.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_keys(const ncm_ledger *l, unsigned *year, int *kind, size_t *component, size_t *payer,
                                   size_t *payee, size_t cap);

/**
 * @brief The money columns of the lines, copied into caller arrays (each may be NULL).
 * @param l The ledger.
 * @param[out] base Base of each line (minor units).
 * @param[out] rate Rate applied to the base (a fraction, a score, a volume or member-months).
 * @param[out] amount Amount due from payer to payee (minor units, >= 0).
 * @param[out] paid Amount already paid against the line (minor units).
 * @param[out] balance amount - paid: > 0 still owed by the payer, < 0 to be clawed back from the payee.
 * @param cap Size of every given array; must be >= ncm_ledger_count().
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p l; #NCM_ERR_BUFFER if @p cap is too small.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_amounts(const ncm_ledger *l, ncm_money *base, double *rate, ncm_money *amount,
                                      ncm_money *paid, ncm_money *balance, size_t cap);

/**
 * @brief The explanation of one line, e.g. "surplus band [5%, inf): commissioner 50%".
 * @param l The ledger.
 * @param i Line index.
 * @return A string owned by the ledger, or NULL out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_ledger_what(const ncm_ledger *l, size_t i);

/**
 * @brief Totals of one party for one year or the whole statement.
 *
 * received - paid_out = net; net - cost = the party's result. Summed over all parties, net is 0
 * exactly (every line is paid by one party to another).
 * @param l The ledger.
 * @param year Contract year, or 0 for all settled years.
 * @param party Party index.
 * @param[out] received Amounts due to the party (may be NULL).
 * @param[out] paid_out Amounts due from the party (may be NULL).
 * @param[out] cost Actual cost recorded for the party (may be NULL); the total cost is attributed
 *             to a single holder when no party costs were given.
 * @param[out] balance True-up still to come to the party (> 0) or to be returned by it (< 0)
 *             after payments already made (may be NULL).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p l; #NCM_ERR_RANGE for a party out of range;
 *         #NCM_ERR_OVERFLOW.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_party_totals(const ncm_ledger *l, unsigned year, size_t party, ncm_money *received,
                                           ncm_money *paid_out, ncm_money *cost, ncm_money *balance);

/**
 * @brief The risk/gain share outcome of a year for a risk_share component.
 * @param l The ledger.
 * @param year Contract year (must have been settled).
 * @param component Index of a risk_share component.
 * @param[out] base Base T (minor units; may be NULL).
 * @param[out] variance v = T - actual cost (may be NULL).
 * @param[out] provider Provider side's part of v (> 0 surplus kept, < 0 loss borne; may be NULL).
 * @param[out] commissioner Commissioner's part: provider + commissioner = variance (may be NULL).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p l; #NCM_ERR_NOT_FOUND if the year was not settled
 *         or the component is not a risk share active that year.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_risk(const ncm_ledger *l, unsigned year, size_t component, ncm_money *base,
                                   ncm_money *variance, ncm_money *provider, ncm_money *commissioner);

/**
 * @brief Write the ledger as CSV: `year,component,kind,what,payer,payee,base,rate,amount,paid,balance`.
 * @param l The ledger.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO naming the path.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_write_csv(const ncm_ledger *l, const char *path);

/**
 * @brief Write the ledger as JSON (schema "ncm.ledger/1"): the lines, per-party totals per year and
 *        for the whole statement, and the risk-share results.
 * @param l The ledger.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO naming the path; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_ledger_write_json(const ncm_ledger *l, const char *path);

/* ---------------------------------------------------------------- bulk */

/**
 * @brief Create a bulk settlement engine for a contract; all memory is allocated here, none later.
 * @param c The contract; it must outlive the settler.
 * @param[out] out Receives the settler (free with ncm_settler_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_settler_create(const ncm_contract *c, ncm_settler **out);

/**
 * @brief Free a settler. NULL is a no-op.
 * @param s The settler, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_settler_free(ncm_settler *s);

/**
 * @brief Settle @p n independent trials of one contract year, writing each party's net amount due.
 *
 * Row-major matrices: row t holds trial t. Does not allocate. Gives the same figures as
 * ncm_settle() for the same inputs (nothing already paid).
 * @param s The settler.
 * @param year Contract year, 1 to the term.
 * @param n Number of trials.
 * @param total_cost @p n total actual costs (minor units, >= 0), or NULL to sum @p party_cost.
 * @param party_cost @p n x party-count costs per party, or NULL (needed for alliance pools).
 * @param score @p n outcome scores in [0, 1] used by every outcome pot and withhold, or NULL if
 *        the contract has none active this year.
 * @param volume @p n x component-count activity volumes (only activity columns are read), or NULL.
 * @param member_months @p n x component-count member-months (only care-coordination columns are
 *        read), or NULL.
 * @param[out] party_net Caller's @p n x party-count array: amounts due to each party minus amounts
 *        due from it (minor units).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_RANGE for a bad year or input
 *         (the message names the trial); #NCM_ERR_NOT_FOUND for a missing needed input;
 *         #NCM_ERR_OVERFLOW. On failure rows before the failing trial may have been written.
 *         This call has no per-person input: a stop_loss component with an individual cover
 *         active in @p year fails with #NCM_ERR_NOT_FOUND (use ncm_settler_run_persons());
 *         premiums and aggregate-only covers (on the total cost) are settled here.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_settler_run(ncm_settler *s, unsigned year, size_t n, const ncm_money *total_cost,
                                   const ncm_money *party_cost, const double *score, const int64_t *volume,
                                   const double *member_months, ncm_money *party_net);

/**
 * @brief Settle @p n independent trials of one contract year from per-person costs (for a Monte Carlo
 *        of a contract with an individual stop-loss), writing each party's net amount due.
 *
 * As ncm_settler_run(), except that the total cost of trial t is the sum of its persons' costs
 * person_cost[person_offset[t]] .. person_cost[person_offset[t + 1] - 1], and a stop_loss
 * component's individual cover settles on them. Does not allocate. Gives the same figures as
 * ncm_settle() with ncm_actuals_set_person_costs() (unattributed) for the same inputs.
 * @param s The settler.
 * @param year Contract year, 1 to the term.
 * @param n Number of trials.
 * @param person_offset @p n + 1 non-decreasing offsets into @p person_cost.
 * @param person_cost Per-person costs of all trials, back to back (minor units, >= 0); may be NULL
 *        when no trial has a person.
 * @param party_cost @p n x party-count costs per party (must sum to each trial's person total), or NULL.
 * @param score As ncm_settler_run().
 * @param volume As ncm_settler_run().
 * @param member_months As ncm_settler_run().
 * @param[out] party_net Caller's @p n x party-count array of net amounts (minor units).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or decreasing offsets (naming the index);
 *         #NCM_ERR_RANGE for a bad year or a negative cost (naming the trial and person);
 *         #NCM_ERR_INCONSISTENT when party costs disagree with the person total; the other codes
 *         of ncm_settler_run(). On failure rows before the failing trial may have been written.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_settler_run_persons(ncm_settler *s, unsigned year, size_t n, const size_t *person_offset,
                                           const ncm_money *person_cost, const ncm_money *party_cost,
                                           const double *score, const int64_t *volume, const double *member_months,
                                           ncm_money *party_net);

NCM_END_DECLS

#endif /* NCM_SETTLE_H */
