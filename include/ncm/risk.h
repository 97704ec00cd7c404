/**
 * @file risk.h
 * @brief Risk models: age-sex indices, additive condition-category models (CMS-HCC V24/V28), Charlson and
 *        Elixhauser comorbidity indices, all scored in bulk over a population.
 *
 * Every provider is an #ncm_risk_model built by one of the constructors below and scored by the one call
 * ncm_risk_score(). Internally all providers are the same additive condition-category machine:
 *
 * 1. each distinct diagnosis code of the population is normalised (upper case, dots and spaces removed)
 *    and mapped once to zero or more categories (exact match, or prefix match for the comorbidity indices);
 *    codes the model does not know are counted per person and in total, never silently dropped;
 * 2. code edits by age and sex replace a code's categories (an `override`) or drop them (`invalid`);
 * 3. "requires" rules drop a category unless one of a set of others is present;
 * 4. hierarchies drop a category when one of its parents is present (evaluated on the set after step 3);
 * 5. groups (any member present), interactions (all members present: categories, groups, or the flags
 *    DISABLED, ORIGDS, MEDICAID) and a count term (D1, D2, ..., D10P: the number of categories left) fire;
 * 6. demographic cells fire by segment, sex, age band, Medicaid, originally-disabled and disabled status;
 * 7. raw score = sum of the coefficients, for the person's segment, of every term that fired (a term the
 *    segment has no coefficient for adds 0 and is not listed); payment score = raw / normalisation x
 *    (1 - coding intensity).
 *
 * DISABLED = age < 65 and OREC != 0; ORIGDS = OREC in {1, 3} and not DISABLED; MEDICAID = the population's
 * medicaid flag. Segments whose flag #NCM_RISK_SEGMENT_DEMOGRAPHIC_ONLY is set (CMS new enrollees) score
 * demographic cells only.
 *
 * Thread safety: a model is read-only once built and may be shared by many threads scoring at once; a
 * result handle is used by one thread at a time; separate handles from many threads are fine.
 *
 * @since 0.1.0
 */
#ifndef NCM_RISK_H
#define NCM_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/population.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/**
 * @brief A risk model (any provider). Opaque; read-only after construction.
 * @since 0.1.0
 */
typedef struct ncm_risk_model ncm_risk_model;

/**
 * @brief Scores' explanation: per person the terms that fired with their coefficients, and unknown codes.
 *        Opaque; self-contained (it does not refer to the model or the population).
 * @since 0.1.0
 */
typedef struct ncm_risk_result ncm_risk_result;

/**
 * @brief CMS-HCC model versions that ncm_risk_model_cms_hcc() can import.
 * @since 0.1.0
 */
typedef enum ncm_cms_hcc_version {
    NCM_CMS_HCC_V24 = 24, /**< CMS-HCC V24 (coefficients C24, 86 payment HCCs). */
    NCM_CMS_HCC_V28 = 28  /**< CMS-HCC V28 (coefficients C28, 115 payment HCCs). */
} ncm_cms_hcc_version;

/**
 * @brief Weight sets for the Charlson comorbidity index.
 * @since 0.1.0
 */
typedef enum ncm_charlson_weights {
    NCM_CHARLSON_1987 = 0,    /**< Original weights of Charlson et al. (1987): 1, 2, 3 or 6 per condition. */
    NCM_CHARLSON_QUAN2011 = 1 /**< Updated weights of Quan et al. (2011): 0 to 6 per condition. */
} ncm_charlson_weights;

/**
 * @brief Kinds of model term (what fired for a person).
 * @since 0.1.0
 */
typedef enum ncm_risk_term_kind {
    NCM_RISK_TERM_CATEGORY = 0,    /**< A condition category (e.g. HCC85, CHF). */
    NCM_RISK_TERM_INTERACTION = 1, /**< An interaction (e.g. DIABETES_CHF). */
    NCM_RISK_TERM_COUNT = 2,       /**< A count term (e.g. D2, D10P). */
    NCM_RISK_TERM_DEMOGRAPHIC = 3  /**< A demographic cell or flag term (e.g. M70_74, OriginallyDisabled_Male). */
} ncm_risk_term_kind;

/**
 * @brief Segment flag: the segment scores demographic cells only (no diagnoses), like CMS new enrollees.
 * @since 0.1.0
 */
#define NCM_RISK_SEGMENT_DEMOGRAPHIC_ONLY 0x1u

/**
 * @brief Scoring option flag: do not record the terms per person (the result still holds unknown codes).
 * @since 0.1.0
 */
#define NCM_RISK_NO_TERMS 0x1u

/**
 * @brief Current version of #ncm_risk_options.
 * @since 0.1.0
 */
#define NCM_RISK_OPTIONS_VERSION 1u

/**
 * @brief Options of ncm_risk_score().
 * @since 0.1.0
 */
typedef struct ncm_risk_options {
    unsigned version;        /**< #NCM_RISK_OPTIONS_VERSION. */
    unsigned flags;          /**< 0 or #NCM_RISK_NO_TERMS. */
    double normalization;    /**< Normalisation factor (> 0, finite); payment = raw / normalization x (1 - ci). Default 1. */
    double coding_intensity; /**< Coding-intensity adjustment as a fraction in [0, 1) (0.059 = 5.9%). Default 0. */
} ncm_risk_options;

/**
 * @brief Static initialiser for #ncm_risk_options (normalisation 1, coding intensity 0).
 * @since 0.1.0
 */
#define NCM_RISK_OPTIONS_INIT {NCM_RISK_OPTIONS_VERSION, 0u, 1.0, 0.0}

/**
 * @brief Set @p opts to the defaults (#NCM_RISK_OPTIONS_INIT).
 * @param opts Options to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_risk_options_init(ncm_risk_options *opts);

/**
 * @brief Import a CMS-HCC model from the CMS tables in a folder.
 *
 * Reads coefficients.csv, dx_to_cc.csv, hierarchies.csv and interactions.csv (and for V28
 * dx_edits_v28.csv) from @p tables_dir, following the steps of the tables' README: categories are named
 * `HCC<cc>`; segments CNA, CND, CFA, CFD, CPA, CPD, INS plus the new-enrollee segments NE and SNPNE
 * (demographic only); demographic cells from the coefficient names (`SEG_F70_74`, `_GT` = open top,
 * `NE_MCAID_ORIGDIS_NEF65`...), `SEG_OriginallyDisabled_Female|Male` and `INS_ORIGDS` when ORIGDS,
 * `INS_LTIMCAID` when Medicaid; V24 age/sex edits of the CMS MCE (D66/D67 in women to HCC48; the chronic
 * bronchitis codes under 18 to HCC112; F3481 dropped below 6 and above 18); V28 edits from
 * dx_edits_v28.csv; in V28, HCC223 requires one of HCC221, 222, 224, 225, 226. Interaction coefficients
 * are matched by name, by name plus `_V28`, or by the two SAS-abbreviated V24 names
 * (`ART_OPENINGS_PRESS_ULCER`, `ASP_SPEC_B_PNEUM_PRES_ULC`).
 *
 * @param tables_dir Folder holding the CMS CSV files.
 * @param version #NCM_CMS_HCC_V24 or #NCM_CMS_HCC_V28.
 * @param out Receives the new model (caller frees with ncm_risk_model_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL argument, bad version); #NCM_ERR_IO (a file cannot be read);
 *         #NCM_ERR_PARSE (missing column, a value that is not a number, a coefficient name that fits no
 *         term; the message names file, line and item); #NCM_ERR_NOT_FOUND (an interaction naming an
 *         unknown group or category); #NCM_ERR_INCONSISTENT (a hierarchy cycle); #NCM_ERR_DUPLICATE;
 *         #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_cms_hcc(const char *tables_dir, ncm_cms_hcc_version version,
                                          ncm_risk_model **out);

/**
 * @brief Load a condition-category model from ncm's own one-file CSV format (as written by
 *        ncm_risk_model_write()).
 *
 * Columns: `record,name,segment,members,sex,age_low,age_high,medicaid,origds,disabled,value`. Records:
 * `model` (name), `option` (`prefix_match` with value 0/1), `segment` (value = flags), `category`,
 * `code` (members = categories), `edit` (name = code; members = override categories, empty = invalid;
 * sex F/M or empty; age_low/age_high inclusive, empty = open), `requires` (name dropped unless one of
 * members), `hierarchy` (name = parent, members = children), `group`, `interaction` (members =
 * categories, groups, DISABLED, ORIGDS or MEDICAID), `count` (name = prefix, value = top count, e.g. D
 * and 10 give D1..D9, D10P), `cell` (demographic term: segment, sex, ages, medicaid/origds/disabled 0/1 or
 * empty = any, value = coefficient) and `coefficient` (name = term, segment, value).
 *
 * @param path The CSV file.
 * @param out Receives the new model; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO; #NCM_ERR_PARSE (message "file:line:col (column): reason"
 *         or "file:line: item: reason"); #NCM_ERR_NOT_FOUND (unknown group, category or term);
 *         #NCM_ERR_INCONSISTENT (hierarchy cycle); #NCM_ERR_DUPLICATE; #NCM_ERR_RANGE; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_read(const char *path, ncm_risk_model **out);

/**
 * @brief Write a model in the format read by ncm_risk_model_read() (any provider may be written).
 * @param model The model.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL argument); #NCM_ERR_IO; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_write(const ncm_risk_model *model, const char *path);

/**
 * @brief Load an age-sex model: relative weights by age band and sex.
 *
 * CSV columns `band_low,band_high,sex,weight`: ages in whole years, inclusive; sex `F`, `M` or `*`
 * (both); weight a finite number >= 0. Bands of one sex must not overlap. A person in no band scores 0.
 * The term of a band is named like `F65_69` (`*` gives `A65_69`).
 *
 * @param path The CSV file.
 * @param out Receives the new model; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO; #NCM_ERR_PARSE (missing column, not a number: file, line
 *         and column named); #NCM_ERR_RANGE (negative or inverted band, bad sex, negative weight);
 *         #NCM_ERR_INCONSISTENT (overlapping bands); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_age_sex(const char *path, ncm_risk_model **out);

/**
 * @brief Build the Charlson comorbidity index: Quan et al. (2005) ICD-10 coding algorithm, prefix
 *        matching, with the most-severe-form rules (diabetes with chronic complications masks diabetes
 *        without; metastatic solid tumour masks any malignancy; moderate/severe liver disease masks mild).
 * @param weights #NCM_CHARLSON_1987 or #NCM_CHARLSON_QUAN2011.
 * @param out Receives the new model; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_charlson(ncm_charlson_weights weights, ncm_risk_model **out);

/**
 * @brief Build the Elixhauser comorbidity index: Quan et al. (2005) ICD-10 codes, van Walraven et al.
 *        (2009) weights, with complicated diabetes masking uncomplicated, complicated hypertension masking
 *        uncomplicated, and metastatic cancer masking solid tumour without metastasis.
 * @param out Receives the new model; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_elixhauser(ncm_risk_model **out);

/**
 * @brief Free a model. NULL is a no-op.
 * @param model The model.
 * @since 0.1.0
 */
NCM_API void ncm_risk_model_free(ncm_risk_model *model);

/**
 * @brief The model's name (e.g. "CMS-HCC V24", "Charlson (Quan 2011 weights)").
 * @param model The model.
 * @return A string owned by the model, or "" when @p model is NULL.
 * @since 0.1.0
 */
NCM_API const char *ncm_risk_model_name(const ncm_risk_model *model);

/**
 * @brief Number of terms (categories, interactions, count terms, demographic cells) of a model.
 * @param model The model.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_risk_model_term_count(const ncm_risk_model *model);

/**
 * @brief Look up a coefficient of a model.
 * @param model The model.
 * @param segment Segment name (e.g. "CNA"); NULL or "" for the first segment.
 * @param term Term name (e.g. "HCC85", "D10P", "M70_74").
 * @param value Receives the coefficient; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_NOT_FOUND (unknown segment or term, or no coefficient
 *         for the term in that segment).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_model_coefficient(const ncm_risk_model *model, const char *segment,
                                              const char *term, double *value);

/**
 * @brief Score every person of a population.
 *
 * People are scored in their segment (the population's segment column). A model with one segment scores
 * everybody in it and ignores the column; otherwise an empty or unknown segment is an error.
 *
 * @param model The model.
 * @param pop The population (ages, sexes, segments, OREC, Medicaid, diagnoses).
 * @param opts Options, or NULL for the defaults.
 * @param raw Receives n raw scores (caller-allocated), or NULL.
 * @param payment Receives n payment scores = raw / normalization x (1 - coding_intensity), or NULL.
 * @param cap Capacity of @p raw and @p payment (elements); must be >= the population size.
 * @param result Receives the explanation (terms and unknown codes; free with ncm_risk_result_free()),
 *        or NULL if not wanted. All outputs are unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL model or population); #NCM_ERR_VERSION; #NCM_ERR_RANGE
 *         (normalisation not > 0, coding intensity outside [0, 1)); #NCM_ERR_BUFFER (cap too small);
 *         #NCM_ERR_NOT_FOUND (a person's segment is not a segment of the model; names person and segment);
 *         #NCM_ERR_OVERFLOW (more than 2^30 distinct category sets); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_score(const ncm_risk_model *model, const ncm_population *pop,
                                  const ncm_risk_options *opts, double *raw, double *payment, size_t cap,
                                  ncm_risk_result **result);

/**
 * @brief Free a result. NULL is a no-op.
 * @param result The result.
 * @since 0.1.0
 */
NCM_API void ncm_risk_result_free(ncm_risk_result *result);

/**
 * @brief Number of people in a result.
 * @param result The result.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_risk_result_size(const ncm_risk_result *result);

/**
 * @brief Terms that fired for one person, in the order demographic cells, categories, interactions, count.
 * @param result The result (scored without #NCM_RISK_NO_TERMS).
 * @param person Person row (0-based).
 * @param count Receives the number of terms.
 * @param term_ids Receives a pointer to @p count term ids (see ncm_risk_result_term_name()), owned by the result.
 * @param coefficients Receives a pointer to the @p count coefficients (same order), owned by the result.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL argument, or terms were not recorded); #NCM_ERR_RANGE (person >= size).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_result_terms(const ncm_risk_result *result, size_t person, size_t *count,
                                         const uint32_t **term_ids, const double **coefficients);

/**
 * @brief Name of a term id of a result.
 * @param result The result.
 * @param term_id Term id (from ncm_risk_result_terms()).
 * @return The name (owned by the result), or NULL when out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_risk_result_term_name(const ncm_risk_result *result, uint32_t term_id);

/**
 * @brief Kind of a term id of a result.
 * @param result The result.
 * @param term_id Term id.
 * @return The #ncm_risk_term_kind, or -1 when out of range.
 * @since 0.1.0
 */
NCM_API int ncm_risk_result_term_kind(const ncm_risk_result *result, uint32_t term_id);

/**
 * @brief Number of unknown diagnosis codes per person (codes the model does not map; each occurrence counts).
 * @param result The result.
 * @return Pointer to n counts, owned by the result; NULL for NULL.
 * @since 0.1.0
 */
NCM_API const uint32_t *ncm_risk_result_unknown(const ncm_risk_result *result);

/**
 * @brief Total number of unknown diagnosis code occurrences in the population.
 * @param result The result.
 * @return The total, 0 for NULL.
 * @since 0.1.0
 */
NCM_API uint64_t ncm_risk_result_unknown_total(const ncm_risk_result *result);

/**
 * @brief Number of distinct unknown codes (as written in the population, before normalisation).
 * @param result The result.
 * @return The count, 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_risk_result_unknown_code_count(const ncm_risk_result *result);

/**
 * @brief One distinct unknown code and how often it occurred (sorted by code, byte order).
 * @param result The result.
 * @param k Index, 0 to ncm_risk_result_unknown_code_count() - 1.
 * @param code Receives the code (owned by the result).
 * @param occurrences Receives the number of occurrences.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL argument); #NCM_ERR_RANGE (k out of range).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_result_unknown_code(const ncm_risk_result *result, size_t k, const char **code,
                                                uint64_t *occurrences);

/**
 * @brief Normalise scores so that their exposure-weighted mean is 1 (or divide by a given factor).
 * @param scores n scores.
 * @param exposure n exposures in years (months enrolled / 12), or NULL for 1 each.
 * @param n Number of people.
 * @param factor Divisor > 0, or 0 to use the exposure-weighted mean sum(s x e) / sum(e).
 * @param out Receives the n normalised scores (may equal @p scores).
 * @param used_factor Receives the divisor used, or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL arrays with n > 0); #NCM_ERR_RANGE (a NaN/inf or negative
 *         score or exposure, naming the index; factor < 0; a zero mean).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_normalize(const double *scores, const double *exposure, size_t n, double factor,
                                      double *out, double *used_factor);

/**
 * @brief Cap year-on-year risk growth: out = min(score, last x (1 + max_growth)) for people with a last score.
 * @param scores n scores this year.
 * @param last n scores last year; a NaN entry means "no previous score" (that person is not capped).
 * @param n Number of people.
 * @param max_growth Largest allowed relative growth, >= 0 (0.03 = +3%).
 * @param out Receives the n capped scores (may equal @p scores).
 * @param capped Receives how many people were capped, or NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_RANGE (NaN/inf score, negative last score, bad max_growth).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_cap_growth(const double *scores, const double *last, size_t n, double max_growth,
                                       double *out, size_t *capped);

/**
 * @brief Weighted population per geography unit: sum over its people of score x exposure (months / 12).
 * @param pop The population.
 * @param scores n scores (e.g. age-sex weights).
 * @param level Geography level.
 * @param weighted Receives one value per unit of @p level (indexed by the level's text ids).
 * @param cap Capacity of @p weighted; must be >= ncm_population_text_count() of the level.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER; #NCM_ERR_RANGE (a NaN/inf score, naming the index).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_risk_weighted_population(const ncm_population *pop, const double *scores, ncm_level level,
                                                double *weighted, size_t cap);

NCM_END_DECLS

#endif /* NCM_RISK_H */
