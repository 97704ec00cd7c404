/**
 * @file savings.h
 * @brief Shared savings and losses in the style of the Medicare Shared Savings Program (MSSP): the
 *        minimum savings rate, quality-scaled sharing rates, caps, two-sided losses and sequestration,
 *        with the rules of each track held as data.
 *
 * For an ACO with benchmark B, expenditure E and N assigned beneficiaries, the savings rate is
 * s = (B - E) / B. The minimum savings rate (MSR) is either fixed by the ACO's choice (two-sided tracks:
 * 0%, 0.5%, 1%, 1.5%, 2%) or size-based (ncm_mssp_msr()); the minimum loss rate (MLR) equals the MSR.
 * Generated savings or losses G = B - E when |s| >= MSR, else 0 (generated losses are reported for
 * one-sided tracks too, as CMS's files do, but never owed).
 *
 * Savings (G > 0): the sharing rate r is the track's rate, subject to its quality rule
 * (#ncm_mssp_quality_rule); earned = min(r x G x (1 - sequestration), savings_cap x B) when the track
 * sequesters before the cap (all built-in tables: CMS's 2018 results pay a capped ACO exactly 10% of
 * its benchmark), else min(r x G, savings_cap x B) x (1 - sequestration).
 * Losses (G < 0, two-sided tracks): the loss rate l is fixed, or 1 - loss_quality_factor x quality
 * score clamped to [loss_rate_min, loss_rate_max] (a score of 0 when the quality standard is not met);
 * owed = min(l x |G|, loss cap) where the loss cap is the smaller of loss_cap_benchmark x B and
 * loss_cap_revenue x revenue (the revenue part only when the row's revenue is known). Losses are
 * not sequestered. earned is negative for losses owed.
 *
 * Money is exact: the capped product is formed exactly from the 12-decimal rates and rounded once,
 * half-even, to a whole minor unit (cent).
 *
 * Track tables (#ncm_mssp_tracks) are data: one row per (year, track) with the parameters of
 * #ncm_mssp_track_params. Built-in tables: 2018 (TRACK_1, TRACK_2, TRACK_3 = ENHANCED, TRACK_1_PLUS),
 * 2022 (BASIC_A .. BASIC_E, ENHANCED) and 2023 (as 2022 with the sliding scale for ACOs that meet
 * only the alternative quality standard); see ncm_mssp_tracks_builtin() for every number. Tables load
 * from and write to CSV (ncm_mssp_tracks_load_csv()).
 *
 * Thread safety: a track table is immutable once created; any number of threads may use one table at
 * once. Creating and freeing must not race with use. ncm_mssp_msr() is pure.
 * @since 0.1.0
 */
#ifndef NCM_SAVINGS_H
#define NCM_SAVINGS_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque, immutable table of MSSP track parameters. @since 0.1.0 */
typedef struct ncm_mssp_tracks ncm_mssp_tracks;

/** @brief How quality affects the savings sharing rate ("gate", "scaled", "sliding" in CSV). @since 0.1.0 */
typedef enum ncm_mssp_quality_rule {
    NCM_MSSP_QUALITY_GATE = 0,   /**< r = share_rate if the quality standard is met, else 0 (2019-2022). */
    NCM_MSSP_QUALITY_SCALED = 1, /**< r = share_rate x quality score if met, else 0 (2018 and earlier). */
    NCM_MSSP_QUALITY_SLIDING = 2 /**< r = share_rate if met; share_rate x quality score if only the alternative standard is met; else 0 (2023 on). */
} ncm_mssp_quality_rule;

/** @brief How the shared loss rate is set ("none", "fixed", "quality" in CSV). @since 0.1.0 */
typedef enum ncm_mssp_loss_rule {
    NCM_MSSP_LOSS_NONE = 0,   /**< One-sided: no losses are owed. */
    NCM_MSSP_LOSS_FIXED = 1,  /**< l = loss_rate (e.g. 0.30 for BASIC C-E and Track 1+). */
    NCM_MSSP_LOSS_QUALITY = 2 /**< l = 1 - loss_quality_factor x quality score, clamped to [loss_rate_min, loss_rate_max]. */
} ncm_mssp_loss_rule;

/** @brief Where the MSR/MLR comes from ("size", "choice" in CSV). @since 0.1.0 */
typedef enum ncm_mssp_msr_rule {
    NCM_MSSP_MSR_SIZE = 0,  /**< Size-based by assigned beneficiaries (ncm_mssp_msr()); a row's fixed msr is an error. */
    NCM_MSSP_MSR_CHOICE = 1 /**< The row's fixed msr if given (not NaN), else size-based. */
} ncm_mssp_msr_rule;

/** @brief Current version of #ncm_mssp_track_params. @since 0.1.0 */
#define NCM_MSSP_TRACK_PARAMS_VERSION 1u

/**
 * @brief Parameters of one track in one performance year. All rates are fractions (0.5 = 50%).
 * @since 0.1.0
 */
typedef struct ncm_mssp_track_params {
    unsigned version;                   /**< Must be #NCM_MSSP_TRACK_PARAMS_VERSION. */
    int year;                           /**< Performance year, e.g. 2022. */
    const char *name;                   /**< Track name, unique within the year, e.g. "BASIC_E" (letters, digits, '_'). */
    double share_rate;                  /**< Maximum savings sharing rate, in [0, 1]. */
    ncm_mssp_quality_rule quality_rule; /**< How quality affects the sharing rate. */
    double savings_cap;                 /**< Performance payment cap as a fraction of benchmark, in [0, 1]. */
    ncm_mssp_loss_rule loss_rule;       /**< How the loss rate is set; #NCM_MSSP_LOSS_NONE for one-sided tracks. */
    double loss_rate;                   /**< Fixed loss rate (#NCM_MSSP_LOSS_FIXED), in [0, 1]. */
    double loss_quality_factor;         /**< f in 1 - f x quality score (#NCM_MSSP_LOSS_QUALITY), in [0, 1]. */
    double loss_rate_min;               /**< Lower clamp of a quality-based loss rate, in [0, 1]. */
    double loss_rate_max;               /**< Upper clamp of a quality-based loss rate, in [loss_rate_min, 1]. */
    double loss_cap_benchmark;          /**< Loss cap as a fraction of benchmark (> 0 for two-sided tracks). */
    double loss_cap_revenue;            /**< Loss cap as a fraction of participant revenue; 0 = none. */
    ncm_mssp_msr_rule msr_rule;         /**< Where the MSR/MLR comes from. */
    double sequestration;               /**< Reduction of savings payments, in [0, 1) (0.02 in these years). */
    int sequester_before_cap;           /**< Non-zero: earned = min(r x G x (1 - sequestration), cap x B), as CMS's 2018 file shows for a capped ACO; zero: earned = min(r x G, cap x B) x (1 - sequestration). */
} ncm_mssp_track_params;

/**
 * @brief Size-based minimum savings rate for @p beneficiaries assigned beneficiaries.
 *
 * Linear inside each band from its low-end to its high-end rate: 5,000-5,999: 3.9%-3.6%;
 * 6,000-6,999: 3.6%-3.4%; 7,000-7,999: 3.4%-3.2%; 8,000-8,999: 3.2%-3.1%; 9,000-9,999: 3.1%-3.0%;
 * 10,000-14,999: 3.0%-2.7%; 15,000-19,999: 2.7%-2.5%; 20,000-49,999: 2.5%-2.2%; 50,000-59,999:
 * 2.2%-2.0%; 60,000 and over: 2.0%. MSR = low - (N - lo)/(hi - lo) x (low - high), e.g.
 * 7,207 -> 0.034 - 207/999 x 0.002 = 0.033586.
 * @param beneficiaries Assigned beneficiaries (at least 5,000; smaller ACOs must be given a fixed MSR).
 * @param[out] msr The MSR as a fraction.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p msr; #NCM_ERR_RANGE below 5,000.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_msr(int64_t beneficiaries, double *msr);

/**
 * @brief Build a track table from parameter rows (copied; names are copied).
 * @param n Number of rows (at least 1).
 * @param params @p n rows, each with a supported version.
 * @param[out] out Receives the table (owned by the caller; free with ncm_mssp_tracks_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments, an empty or bad name, or an unknown rule;
 *         #NCM_ERR_VERSION for an unsupported params version; #NCM_ERR_RANGE for a rate outside its
 *         range (message names the row and field); #NCM_ERR_DUPLICATE for a (year, name) given twice;
 *         #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_create(size_t n, const ncm_mssp_track_params *params, ncm_mssp_tracks **out);

/**
 * @brief The built-in track tables.
 *
 * 2018: TRACK_1 (r = 0.50 x quality, cap 10%, one-sided, size-based MSR); TRACK_2 (r = 0.60 x quality,
 * cap 15%; l = 1 - 0.60 x quality in [0.40, 0.60], loss cap 10% of benchmark (the cap from the third
 * year of an agreement; first- and second-year ACOs had 5% and 7.5%: load a custom table for them);
 * MSR by choice); TRACK_3 and its alias ENHANCED (r = 0.75 x quality, cap 20%; l = 1 - 0.75 x quality
 * in [0.40, 0.75], loss cap 15%); TRACK_1_PLUS (r = 0.50 x quality, cap 10%; l = 0.30 fixed; loss cap 4%
 * of benchmark or 8% of revenue, the smaller). 2022: BASIC_A and BASIC_B (r = 0.40, gate, cap 10%,
 * one-sided, size-based MSR); BASIC_C, BASIC_D, BASIC_E (r = 0.50, cap 10%, l = 0.30, loss cap 1%/2%/4%
 * of benchmark or 2%/4%/8% of revenue); ENHANCED (r = 0.75, cap 20%, l = 1 - 0.75 x quality in
 * [0.40, 0.75], loss cap 15%). 2023: as 2022 with the sliding quality rule. Sequestration 2% throughout,
 * applied before the savings cap.
 * @param year 2018, 2022 or 2023; 0 for all of them in one table.
 * @param[out] out Receives the table; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p out; #NCM_ERR_NOT_FOUND for another year; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_builtin(int year, ncm_mssp_tracks **out);

/**
 * @brief Load a track table from CSV.
 *
 * Header: year,track,share_rate,quality_rule,savings_cap,loss_rule,loss_rate,loss_quality_factor,
 * loss_rate_min,loss_rate_max,loss_cap_benchmark,loss_cap_revenue,msr_rule,sequestration,
 * sequester_before_cap (0 or 1) (any order; all required). Rules are written as in #ncm_mssp_quality_rule, #ncm_mssp_loss_rule and
 * #ncm_mssp_msr_rule. Errors name file:line:column (header) and the reason.
 * @param path CSV file; not retained.
 * @param[out] out Receives the table; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_IO; #NCM_ERR_PARSE; #NCM_ERR_NOT_FOUND for a missing column; the codes of
 *         ncm_mssp_tracks_create(); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_load_csv(const char *path, ncm_mssp_tracks **out);

/**
 * @brief Write a track table as CSV in the format of ncm_mssp_tracks_load_csv() (reads back the same).
 * @param t Table.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_write_csv(const ncm_mssp_tracks *t, const char *path);

/**
 * @brief Free a track table.
 * @param t Table; NULL is a no-op.
 * @since 0.1.0
 */
NCM_API void ncm_mssp_tracks_free(ncm_mssp_tracks *t);

/**
 * @brief Number of rows of a track table.
 * @param t Table.
 * @return The count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_mssp_tracks_count(const ncm_mssp_tracks *t);

/**
 * @brief Read one row of a track table.
 * @param t Table.
 * @param i Row index.
 * @param[out] params Receives the row; its @c name points into the table (valid while it lives).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments or @p i out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_get(const ncm_mssp_tracks *t, size_t i, ncm_mssp_track_params *params);

/**
 * @brief Map track names to row indices for one year (for the @p track column of ncm_mssp_settle()).
 * @param t Table.
 * @param year Performance year; 0 if the names are unique across the table's years.
 * @param n Number of names.
 * @param names Track names (case-sensitive).
 * @param[out] index Caller's array of @p n row indices; may be written before a failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND naming the first unknown
 *         name, its position and the year; #NCM_ERR_INCONSISTENT if year is 0 and a name is in several years.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_tracks_lookup(const ncm_mssp_tracks *t, int year, size_t n, const char *const *names,
                                          uint32_t *index);

/**
 * @brief Settle @p n ACOs (one row each, columnar).
 * @param t Track table.
 * @param n Number of ACOs.
 * @param track Row index into @p t of each ACO's track (see ncm_mssp_tracks_lookup()).
 * @param beneficiaries Assigned beneficiaries (>= 0; >= 5,000 unless a fixed msr is given).
 * @param benchmark Total benchmark B (minor units, > 0, at most 1e14).
 * @param expenditure Total expenditure E (minor units, >= 0, at most 1e14).
 * @param quality_met Non-zero if the quality performance standard is met.
 * @param quality_score Quality score as a fraction in [0, 1].
 * @param alt_quality_met Non-zero if the alternative quality standard is met; NULL for none.
 * @param msr Fixed MSR/MLR per ACO (fraction; NaN = size-based); NULL for all size-based.
 * @param revenue ACO participant revenue (minor units; negative = unknown); NULL for unknown.
 * @param[out] savings_rate s = (B - E)/B; may be NULL.
 * @param[out] msr_out The MSR/MLR used; may be NULL.
 * @param[out] generated Generated savings (> 0) or losses (< 0), or 0 inside the MSR/MLR corridor; may be NULL.
 * @param[out] sharing_rate The savings sharing rate (s >= 0) or the loss rate (s < 0; 0 for one-sided); may be NULL.
 * @param[out] earned Shared savings after sequestration (> 0) or shared losses owed (< 0); may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL inputs or a track index out of range; #NCM_ERR_RANGE
 *         naming the field and row for bad values (NaN, out of range, a fixed msr on a size-based track,
 *         under 5,000 beneficiaries without a fixed msr); #NCM_ERR_OVERFLOW. Every row is checked before
 *         any output is written: the outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_settle(const ncm_mssp_tracks *t, size_t n, const uint32_t *track,
                                   const int64_t *beneficiaries, const ncm_money *benchmark,
                                   const ncm_money *expenditure, const uint8_t *quality_met,
                                   const double *quality_score, const uint8_t *alt_quality_met, const double *msr,
                                   const ncm_money *revenue, double *savings_rate, double *msr_out,
                                   ncm_money *generated, double *sharing_rate, ncm_money *earned);

/**
 * @brief Settle every ACO of a CSV file and write the results to another CSV file.
 *
 * Input columns (header names, any order; extra columns are copied through): aco_id, track,
 * beneficiaries, benchmark, expenditure, quality_met (0 or 1), quality_score (a fraction, or a percent
 * such as "89.41%"), and optionally alt_quality_met (0 or 1), msr (fraction or percent; empty =
 * size-based) and revenue (empty = unknown). Money is in dollars (or pounds) with at most two decimals.
 * Output: every input column as read, then savings_rate, msr_used, generated, sharing_rate, earned
 * (rates with 8 decimals, money with 2). Errors name file:line:column (header) and the reason.
 * @param t Track table.
 * @param year Performance year of the track names (0 if names are unique across the table).
 * @param in_path Input CSV; not retained.
 * @param out_path Output CSV to create or replace (not created on failure); not retained.
 * @param[out] rows Number of ACOs settled; may be NULL.
 * @return #NCM_OK; #NCM_ERR_IO; #NCM_ERR_PARSE; #NCM_ERR_NOT_FOUND for a missing column or unknown
 *         track; the codes of ncm_mssp_settle() (with the file position); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_mssp_settle_csv(const ncm_mssp_tracks *t, int year, const char *in_path, const char *out_path,
                                       size_t *rows);

NCM_END_DECLS

#endif /* NCM_SAVINGS_H */
