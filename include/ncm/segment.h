/**
 * @file segment.h
 * @brief Population segmentation: condition groups from ICD-10 codes, ordered rule sets (first match
 *        wins), built-in rule sets, per-person segment ids, summaries and cross-tabulations.
 *
 * Three objects:
 * - #ncm_condition_groups: a table mapping normalised ICD-10 code prefixes to named condition groups
 *   (at most #NCM_MAX_CONDITION_GROUPS), each marked as counting, or not, as a long-term condition
 *   (LTC). Built in (ncm_condition_groups_builtin()) or read from CSV.
 * - #ncm_segmentation: an ordered list of rules, each a rule name, a segment name and a condition (an
 *   AND of clauses over age, sex, deprivation, months enrolled, cost, condition groups, LTC count,
 *   risk score or risk percentile, and extra attributes), plus a default segment for people no rule
 *   matches. Read from JSON (and written back), or one of the built-ins: Bridges to Health, the
 *   risk-tier pyramid, and age band x number of LTCs.
 * - #ncm_segment_summary: people, exposure, cost, mean risk and share of cost per segment, for the
 *   whole population or per unit of one geography level.
 *
 * Segment ids are dense: 0 .. ncm_segmentation_segment_count() - 1, in order of first appearance
 * in the rules, the default segment last if it is not named by a rule.
 *
 * The guide page @ref segmentation describes the JSON format, the built-in rule sets and the code
 * lists they use.
 *
 * Thread safety: condition-group tables and segmentations are immutable once built, so any number
 * of threads may use one at once (ncm_segmentation_assign() only reads it). A summary handle is
 * likewise read-only after creation. Creating and freeing must not race with use.
 * @since 0.1.0
 */
#ifndef NCM_SEGMENT_H
#define NCM_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/population.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief The largest number of groups a condition-group table may hold (one bit each in a uint64_t). @since 0.1.0 */
#define NCM_MAX_CONDITION_GROUPS 64

/** @brief Opaque table of condition groups. Free with ncm_condition_groups_free(). @since 0.1.0 */
typedef struct ncm_condition_groups ncm_condition_groups;

/** @brief Opaque segmentation rule set. Free with ncm_segmentation_free(). @since 0.1.0 */
typedef struct ncm_segmentation ncm_segmentation;

/** @brief Opaque segment summary (a result handle). Free with ncm_segment_summary_free(). @since 0.1.0 */
typedef struct ncm_segment_summary ncm_segment_summary;

/**
 * @brief The built-in condition-group table (ICD-10 prefixes written from public definitions).
 *
 * The groups, their prefixes and their sources are listed on the guide page @ref segmentation.
 * @param[out] out Receives a new table owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_builtin(ncm_condition_groups **out);

/**
 * @brief Read a condition-group table from CSV.
 *
 * Columns `group` and `prefix` are required; `ltc` (0 or 1, default 1: whether the group counts as a
 * long-term condition) is optional and must agree across a group's rows. A prefix is an ICD-10 code
 * or code stem, normalised (upper case; dots and spaces removed; 1 to 15 characters of A-Z and 0-9). A
 * prefix written `!C44` excludes codes under C44 from its group: for each group the longest matching
 * prefix decides. Groups are numbered in order of first appearance.
 * @param path Path of the CSV file.
 * @param[out] out Receives a new table owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_IO naming the path; #NCM_ERR_PARSE (missing column, bad prefix, bad ltc
 *         value) with "file:line:col (column): reason"; #NCM_ERR_INCONSISTENT (ltc differs within a
 *         group); #NCM_ERR_DUPLICATE (a prefix repeated in a group); #NCM_ERR_RANGE (more than
 *         #NCM_MAX_CONDITION_GROUPS groups); #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_read_csv(const char *path, ncm_condition_groups **out);

/**
 * @brief Write a condition-group table as CSV (`group,prefix,ltc`), readable by ncm_condition_groups_read_csv().
 * @param groups The table.
 * @param path Path of the file to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO naming the path.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_write_csv(const ncm_condition_groups *groups, const char *path);

/**
 * @brief Free a condition-group table.
 * @param groups The table, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_condition_groups_free(ncm_condition_groups *groups);

/**
 * @brief Number of groups in a table.
 * @param groups The table.
 * @return Groups (at most #NCM_MAX_CONDITION_GROUPS); 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_condition_groups_count(const ncm_condition_groups *groups);

/**
 * @brief Name of group @p k.
 * @param groups The table.
 * @param k Group index (its bit in the masks).
 * @return The name, owned by the table; NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_condition_groups_name(const ncm_condition_groups *groups, size_t k);

/**
 * @brief Whether group @p k counts as a long-term condition.
 * @param groups The table.
 * @param k Group index.
 * @return 1 if it counts, 0 if not or out of range.
 * @since 0.1.0
 */
NCM_API int ncm_condition_groups_is_ltc(const ncm_condition_groups *groups, size_t k);

/**
 * @brief Index of a group by name.
 * @param groups The table.
 * @param name Group name (exact).
 * @param[out] k Receives the index; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_NOT_FOUND; #NCM_ERR_INVALID for NULL arguments.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_find(const ncm_condition_groups *groups, const char *name, size_t *k);

/**
 * @brief The groups one diagnosis code falls in.
 * @param groups The table.
 * @param code An ICD-10 code in any common spelling ("E11.9", "e119", "E11 9"); normalised first.
 * @param[out] mask Receives a bit mask: bit k set when the code is in group k (0 when in none).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_match(const ncm_condition_groups *groups, const char *code, uint64_t *mask);

/**
 * @brief Condition groups and number of long-term conditions of every person in a population.
 *
 * Each distinct diagnosis code of the table is mapped once; people then combine the masks of their codes.
 * @param groups The table.
 * @param pop The population (its diagnoses).
 * @param[out] mask One group mask per person, or NULL.
 * @param[out] ltc_count Number of distinct LTC groups per person, or NULL.
 * @param cap Capacity of each output array (at least ncm_population_size()).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL inputs; #NCM_ERR_BUFFER if @p cap is too small;
 *         #NCM_ERR_NOMEM. Outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_condition_groups_assign(const ncm_condition_groups *groups, const ncm_population *pop,
                                               uint64_t *mask, uint8_t *ltc_count, size_t cap);

/**
 * @brief Read a segmentation rule set from a JSON file.
 *
 * The document: `{"schema": 1, "name": "...", "rules": [{"name": "...", "segment": "...", "when":
 * {...}}, ...], "default": "segment"}`; the clauses allowed in `when` are listed on the guide page
 * @ref segmentation. The rule set keeps its own copy of @p groups.
 * Validation: unknown keys and clause fields; bad ranges (min above max, ages outside 0-130,
 * percentiles outside 0-100, NaN); unknown group names or sex codes; repeated rule names; and
 * unreachable rules (a rule that an earlier rule always pre-empts: an earlier rule with no clauses,
 * or one whose every clause is implied by a clause of the later rule on the same field; or a rule
 * that contradicts itself, such as all_groups and no_group naming the same group).
 * @param path Path of the JSON file.
 * @param groups Condition groups the rules refer to, or NULL for the built-in table.
 * @param[out] out Receives the new rule set, owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_IO naming the path; #NCM_ERR_PARSE with "file:line:column: reason" for bad
 *         JSON, or naming the rule and field for a bad key or type; #NCM_ERR_VERSION for an unsupported
 *         "schema"; #NCM_ERR_RANGE (bad range); #NCM_ERR_NOT_FOUND (unknown group); #NCM_ERR_DUPLICATE
 *         (repeated rule name); #NCM_ERR_INCONSISTENT (unreachable rule; the message names both
 *         rules); #NCM_ERR_INVALID; #NCM_ERR_NOMEM. Rule errors read "file: rule 'name' (#k): field: reason".
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_read_json(const char *path, const ncm_condition_groups *groups,
                                              ncm_segmentation **out);

/**
 * @brief Read a segmentation rule set from JSON text (same format and errors as ncm_segmentation_read_json()).
 * @param text The JSON text (need not be NUL-terminated).
 * @param len Length of @p text in bytes.
 * @param name Name used for the document in error messages (e.g. "rules.json"); NULL gives "<json>".
 * @param groups Condition groups, or NULL for the built-in table.
 * @param[out] out Receives the new rule set; unchanged on failure.
 * @return As ncm_segmentation_read_json().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_read_json_buffer(const char *text, size_t len, const char *name,
                                                     const ncm_condition_groups *groups, ncm_segmentation **out);

/**
 * @brief Write a rule set as JSON; reading the file back gives the same rules (and writing that again
 *        gives identical bytes).
 * @param seg The rule set.
 * @param path Path of the file to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_IO naming the path; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_write_json(const ncm_segmentation *seg, const char *path);

/**
 * @brief Write a rule set as JSON text into a new string.
 * @param seg The rule set.
 * @param[out] text Receives a NUL-terminated string that the caller frees with ncm_segmentation_json_free();
 *        unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_to_json(const ncm_segmentation *seg, char **text);

/**
 * @brief Free a string returned by ncm_segmentation_to_json().
 * @param text The string, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_segmentation_json_free(char *text);

/**
 * @brief The built-in Bridges to Health rule set (Lynn 2007's eight segments, driven by condition groups).
 *
 * Rules in priority order (first match wins): end of life, frailty or dementia, cancer, organ
 * failure, other long-term conditions, stable disability, maternal, infant (age 0), acutely ill;
 * default healthy. Segments: `short_decline`, `long_decline`, `organ_failure`,
 * `chronic_normal_function`, `stable_disability`, `maternal_infant`, `acutely_ill`, `healthy`. The
 * mapping is documented on the guide page @ref segmentation.
 * @param groups Condition groups naming at least the groups the rules use, or NULL for the built-in table.
 * @param[out] out Receives the new rule set; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_NOT_FOUND if @p groups lacks a group the rules use; #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_bridges_to_health(const ncm_condition_groups *groups, ncm_segmentation **out);

/**
 * @brief The built-in risk-tier pyramid by risk-score percentile.
 *
 * With thresholds t_1 < t_2 < ... < t_k (percent of the population, counted from the highest score),
 * segment `tier_1` holds people whose risk percentile is at least 100 - t_1, `tier_2` at least
 * 100 - t_2, ..., and `tier_<k+1>` everyone else. The risk percentile of person i is
 * 100 x (number of people with a strictly lower score) / n, so tied scores share a percentile and a
 * tier (a tie group that straddles a threshold goes to the lower tier), and the top t% tier holds at
 * most floor(t x n / 100) people (exactly that many when scores are distinct).
 * @param top_percent Cumulative tier sizes in percent, strictly increasing, each in (0, 100); NULL for
 *        the defaults 0.5, 5, 20.
 * @param n Number of thresholds (1 to 16; ignored when @p top_percent is NULL).
 * @param[out] out Receives the new rule set; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_RANGE for bad thresholds (naming the index); #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_risk_tiers(const double *top_percent, size_t n, ncm_segmentation **out);

/**
 * @brief The built-in age band x number of long-term conditions rule set.
 *
 * Segments are named `<band>:<k>` with k in 0, 1, 2, 3, 4+, e.g. `18-64:2` or `85+:4+`; bands run
 * from each start to one below the next start, the last is open (`85+`). The last segment is the
 * default.
 * @param band_starts Ages (years) at which bands start: strictly increasing, first 0, all <= 130;
 *        NULL for the defaults 0, 18, 65, 75, 85.
 * @param nbands Number of bands (1 to 20; ignored when @p band_starts is NULL).
 * @param groups Condition groups defining which groups are long-term conditions, or NULL for the built-in table.
 * @param[out] out Receives the new rule set; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_RANGE for bad bands; #NCM_ERR_INVALID; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_age_ltc(const int32_t *band_starts, size_t nbands,
                                            const ncm_condition_groups *groups, ncm_segmentation **out);

/**
 * @brief Free a rule set.
 * @param seg The rule set, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_segmentation_free(ncm_segmentation *seg);

/**
 * @brief Name of the rule set (the JSON "name", or the built-in's name).
 * @param seg The rule set.
 * @return The name owned by the rule set; "" for NULL.
 * @since 0.1.0
 */
NCM_API const char *ncm_segmentation_name(const ncm_segmentation *seg);

/**
 * @brief Number of distinct segments (the default included).
 * @param seg The rule set.
 * @return Segments; 0 for NULL.
 * @since 0.1.0
 */
NCM_API uint32_t ncm_segmentation_segment_count(const ncm_segmentation *seg);

/**
 * @brief Name of segment @p id.
 * @param seg The rule set.
 * @param id Segment id.
 * @return The name owned by the rule set; NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_segmentation_segment_name(const ncm_segmentation *seg, uint32_t id);

/**
 * @brief Id of a segment by name.
 * @param seg The rule set.
 * @param name Segment name.
 * @param[out] id Receives the id; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_NOT_FOUND; #NCM_ERR_INVALID.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_segment_find(const ncm_segmentation *seg, const char *name, uint32_t *id);

/**
 * @brief Id of the default segment.
 * @param seg The rule set.
 * @return The id; 0 for NULL.
 * @since 0.1.0
 */
NCM_API uint32_t ncm_segmentation_default_segment(const ncm_segmentation *seg);

/**
 * @brief Number of rules (the default not included).
 * @param seg The rule set.
 * @return Rules; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_segmentation_rule_count(const ncm_segmentation *seg);

/**
 * @brief Name of rule @p k (0 = highest priority).
 * @param seg The rule set.
 * @param k Rule index.
 * @return The name owned by the rule set; NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_segmentation_rule_name(const ncm_segmentation *seg, size_t k);

/**
 * @brief Segment id that rule @p k assigns.
 * @param seg The rule set.
 * @param k Rule index.
 * @return The segment id; UINT32_MAX if out of range.
 * @since 0.1.0
 */
NCM_API uint32_t ncm_segmentation_rule_segment(const ncm_segmentation *seg, size_t k);

/**
 * @brief Assign every person of a population to one segment.
 *
 * Person i gets the segment of the first rule whose condition holds, or the default. Rules that use
 * attributes are resolved by name against @p pop; rules on risk need @p scores; rules on cost need an
 * annual_cost column.
 * @param seg The rule set.
 * @param pop The population.
 * @param scores One finite risk score per person (row order of @p pop), or NULL when no rule uses risk.
 * @param nscores Number of entries in @p scores (ncm_population_size(), or 0 with NULL).
 * @param[out] segment Receives one segment id per person.
 * @param cap Capacity of @p segment (at least ncm_population_size()).
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments, a risk rule without scores, or a numeric
 *         attribute used with "in" / a text attribute used as a range or flag (naming the rule);
 *         #NCM_ERR_BUFFER if @p cap is too small; #NCM_ERR_RANGE for a NaN or infinite score
 *         (naming its index) or a wrong @p nscores; #NCM_ERR_NOT_FOUND for an attribute, or the cost
 *         column, missing from @p pop (naming the rule); #NCM_ERR_NOMEM. @p segment is unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_assign(const ncm_segmentation *seg, const ncm_population *pop,
                                           const double *scores, size_t nscores, uint32_t *segment, size_t cap);

/**
 * @brief Assign every person to one segment and say which rule placed them there.
 *
 * As ncm_segmentation_assign(), and also writes, per person, the index of the rule that fired
 * (0 = first rule), or ncm_segmentation_rule_count() for people who fell to the default segment.
 * This tells apart, say, short_decline by end of life from short_decline by cancer.
 * @param seg The rule set.
 * @param pop The population.
 * @param scores One finite risk score per person, or NULL when no rule uses risk.
 * @param nscores Number of entries in @p scores.
 * @param[out] segment Receives one segment id per person, or NULL if not wanted.
 * @param[out] rule Receives one rule index per person, or NULL if not wanted (not both NULL).
 * @param cap Capacity of each output array (at least ncm_population_size()).
 * @return As ncm_segmentation_assign(); outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segmentation_assign_rules(const ncm_segmentation *seg, const ncm_population *pop,
                                                 const double *scores, size_t nscores, uint32_t *segment,
                                                 uint32_t *rule, size_t cap);

/** @brief Value of the @p level argument of ncm_segment_summarize() for one summary over the whole population. @since 0.1.0 */
#define NCM_SUMMARY_WHOLE (-1)

/**
 * @brief Summarise segments over the whole population or per unit of one geography level.
 *
 * Cells are indexed `unit * nsegments + segment`; for #NCM_SUMMARY_WHOLE there is one unit.
 * @param pop The population (exposure = months enrolled / 12; cost = annual_cost, 0 when absent).
 * @param segment One segment id per person (e.g. from ncm_segmentation_assign()).
 * @param n Number of entries in @p segment (must equal ncm_population_size()).
 * @param nsegments Number of segments (every id must be below it).
 * @param scores One risk score per person for the mean risk, or NULL.
 * @param level A #ncm_level value, or #NCM_SUMMARY_WHOLE.
 * @param[out] out Receives the new summary owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID (NULL, bad level, @p n differs from the population);
 *         #NCM_ERR_RANGE (a segment id out of range or a non-finite score, naming the index);
 *         #NCM_ERR_OVERFLOW (a cost total does not fit); #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summarize(const ncm_population *pop, const uint32_t *segment, size_t n,
                                         uint32_t nsegments, const double *scores, int level,
                                         ncm_segment_summary **out);

/**
 * @brief Free a summary.
 * @param s The summary, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_segment_summary_free(ncm_segment_summary *s);

/**
 * @brief Number of units (1 for a whole-population summary, else the level's distinct codes).
 * @param s The summary.
 * @return Units; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_segment_summary_units(const ncm_segment_summary *s);

/**
 * @brief Number of segments per unit.
 * @param s The summary.
 * @return Segments; 0 for NULL.
 * @since 0.1.0
 */
NCM_API uint32_t ncm_segment_summary_segments(const ncm_segment_summary *s);

/**
 * @brief Number of cells (units x segments): the length of every column.
 * @param s The summary.
 * @return Cells; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_segment_summary_cells(const ncm_segment_summary *s);

/**
 * @brief People per cell.
 * @param s The summary.
 * @param[out] out Receives ncm_segment_summary_cells() values.
 * @param cap Capacity of @p out.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER if @p cap is too small (out unchanged).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summary_people(const ncm_segment_summary *s, uint64_t *out, size_t cap);

/**
 * @brief Exposure per cell in person-years (sum of months enrolled / 12).
 * @param s The summary.
 * @param[out] out Receives ncm_segment_summary_cells() values.
 * @param cap Capacity of @p out.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summary_exposure(const ncm_segment_summary *s, double *out, size_t cap);

/**
 * @brief Total annual cost per cell in minor units.
 * @param s The summary.
 * @param[out] out Receives ncm_segment_summary_cells() values.
 * @param cap Capacity of @p out.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summary_cost(const ncm_segment_summary *s, ncm_money *out, size_t cap);

/**
 * @brief Exposure-weighted mean risk score per cell: sum(score x exposure) / sum(exposure); NaN for a
 *        cell with no exposure.
 * @param s The summary.
 * @param[out] out Receives ncm_segment_summary_cells() values.
 * @param cap Capacity of @p out.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER; #NCM_ERR_NOT_FOUND if the summary was made without scores.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summary_mean_risk(const ncm_segment_summary *s, double *out, size_t cap);

/**
 * @brief Share of cost per cell: the cell's cost / the total cost of its unit (0 when that total is 0).
 * @param s The summary.
 * @param[out] out Receives ncm_segment_summary_cells() values (fractions summing to 1 per unit with cost).
 * @param cap Capacity of @p out.
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_summary_cost_share(const ncm_segment_summary *s, double *out, size_t cap);

/**
 * @brief Cross-tabulate two segmentations of the same people.
 *
 * Cell `a * nb + b` counts the people in segment a of the first and b of the second.
 * @param a Segment ids of the first segmentation, @p n values.
 * @param na Number of segments of the first (every id below it).
 * @param b Segment ids of the second, @p n values.
 * @param nb Number of segments of the second.
 * @param n Number of people.
 * @param pop The population for exposure and cost (ncm_population_size() must equal @p n), or NULL.
 * @param[out] people People per cell, or NULL.
 * @param[out] exposure Exposure per cell in person-years, or NULL (needs @p pop).
 * @param[out] cost Cost per cell in minor units, or NULL (needs @p pop).
 * @param cap Capacity of each output array (at least na x nb).
 * @return #NCM_OK; #NCM_ERR_INVALID; #NCM_ERR_BUFFER; #NCM_ERR_RANGE (an id out of range, naming the
 *         index); #NCM_ERR_OVERFLOW; #NCM_ERR_NOMEM. Outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_segment_crosstab(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb, size_t n,
                                        const ncm_population *pop, uint64_t *people, double *exposure,
                                        ncm_money *cost, size_t cap);

NCM_END_DECLS

#endif /* NCM_SEGMENT_H */
