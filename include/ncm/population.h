/**
 * @file population.h
 * @brief The population table: a columnar table of people with geography, exposure, cost and diagnoses.
 *
 * An #ncm_population holds one row per person: a unique person id, age in whole years, sex, geography
 * codes at four nested levels (practice, network, place, system), deprivation decile, months
 * enrolled in the year, annual cost, and the optional CMS fields segment, orec and medicaid; plus any
 * number of named extra attributes (numeric or text) and a variable-length list of diagnosis codes
 * per person, stored as compressed sparse rows (offsets + code ids).
 *
 * Every text column is dictionary-encoded: each distinct value gets a dense id (0, 1, 2, ... in
 * order of first appearance), per-person arrays hold ids, and the table reports its distinct values.
 *
 * A table is immutable once built. It can be built three ways: from C column arrays
 * (ncm_population_from_columns(), copied or borrowed), from CSV files or memory buffers
 * (ncm_population_read_csv()), and from numpy/pandas through the Python bindings (which use the
 * column form). ncm_population_write_csv() writes it back in the canonical CSV format.
 *
 * Geography must nest: within the levels that are present, every unit maps to exactly one parent
 * (a practice in two networks is an error naming both). Absent levels are skipped in that check.
 *
 * Thread safety: a table is immutable, so any number of threads may read one table at once.
 * Building and freeing a table must not race with its use.
 * @since 0.1.0
 */
#ifndef NCM_POPULATION_H
#define NCM_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque population table. Create with ncm_population_from_columns() or ncm_population_read_csv(); free with ncm_population_free(). @since 0.1.0 */
typedef struct ncm_population ncm_population;

/** @brief Sex codes stored in the sex column (uint8_t). @since 0.1.0 */
typedef enum ncm_sex {
    NCM_SEX_UNKNOWN = 0, /**< Not known or not stated ("U" in CSV). */
    NCM_SEX_FEMALE = 1,  /**< Female ("F" in CSV). */
    NCM_SEX_MALE = 2     /**< Male ("M" in CSV). */
} ncm_sex;

/** @brief Geography levels, from smallest to largest. @since 0.1.0 */
typedef enum ncm_level {
    NCM_LEVEL_PRACTICE = 0, /**< General practice (CSV column `practice`). */
    NCM_LEVEL_NETWORK = 1,  /**< Primary care network or neighbourhood (CSV column `network`). */
    NCM_LEVEL_PLACE = 2,    /**< Place / integrated care partnership (CSV column `place`). */
    NCM_LEVEL_SYSTEM = 3    /**< System / integrated care system (CSV column `system`). */
} ncm_level;

/** @brief Number of geography levels. @since 0.1.0 */
#define NCM_LEVEL_COUNT 4

/**
 * @brief The dictionary-encoded text fields of a table.
 *
 * The first four values equal the #ncm_level values, so a level can be used where a text field is
 * expected.
 * @since 0.1.0
 */
typedef enum ncm_text_field {
    NCM_TEXT_PRACTICE = 0,  /**< Practice code per person. */
    NCM_TEXT_NETWORK = 1,   /**< Network code per person. */
    NCM_TEXT_PLACE = 2,     /**< Place code per person. */
    NCM_TEXT_SYSTEM = 3,    /**< System code per person. */
    NCM_TEXT_SEGMENT = 4,   /**< Eligibility segment code per person (e.g. CNA, INS, NE). */
    NCM_TEXT_DIAGNOSIS = 5, /**< Diagnosis code per diagnosis entry (indexed like the CSR codes). */
    NCM_TEXT_PERSON = 6     /**< Person id per person (ids are the row numbers; values are unique). */
} ncm_text_field;

/**
 * @brief A text column given from C: either one string per row, or dictionary ids plus levels.
 *
 * Exactly one form is used: if @c values is non-NULL it holds one NUL-terminated UTF-8 string per row;
 * otherwise @c index holds one id per row into @c levels (the form `pandas.factorize` gives). A
 * column with both NULL is absent. Strings are always copied into the table.
 * @since 0.1.0
 */
typedef struct ncm_text_column {
    const char *const *values; /**< One string per row, or NULL. */
    const uint32_t *index;     /**< One level id per row (used when @c values is NULL), or NULL. */
    const char *const *levels; /**< The distinct strings that @c index refers to. */
    size_t nlevels;            /**< Number of entries in @c levels. */
} ncm_text_column;

/**
 * @brief An extra named attribute column given from C: numeric or text.
 * @since 0.1.0
 */
typedef struct ncm_attribute_column {
    const char *name;      /**< Column name; must not clash with a canonical column. Copied. */
    const double *numeric; /**< One finite value per row for a numeric attribute, or NULL. */
    ncm_text_column text;  /**< The values of a text attribute (used when @c numeric is NULL). */
} ncm_attribute_column;

/** @brief Flag for ncm_population_columns::flags: reference the numeric arrays instead of copying them. @since 0.1.0 */
#define NCM_POPULATION_BORROW 0x1u

/** @brief Current version of #ncm_population_columns. @since 0.1.0 */
#define NCM_POPULATION_COLUMNS_VERSION 1u

/**
 * @brief Column arrays from which ncm_population_from_columns() builds a table (versioned options struct).
 *
 * All arrays have @c n entries unless stated. Optional arrays may be NULL and then take the
 * documented default. With #NCM_POPULATION_BORROW in @c flags, the numeric arrays (age, sex,
 * deprivation_decile, months_enrolled, annual_cost, orec, medicaid) are referenced, not copied: they
 * must stay valid and unchanged until ncm_population_free(); text columns and diagnoses are always
 * copied. Initialise with #NCM_POPULATION_COLUMNS_INIT or ncm_population_columns_init().
 * @since 0.1.0
 */
typedef struct ncm_population_columns {
    unsigned version;                       /**< #NCM_POPULATION_COLUMNS_VERSION. */
    unsigned flags;                         /**< 0 or #NCM_POPULATION_BORROW. */
    size_t n;                               /**< Number of people (may be 0). */
    ncm_text_column person_id;              /**< Required: unique, non-empty person ids. */
    const int32_t *age;                     /**< Required: age in whole years, 0 to 130. */
    const uint8_t *sex;                     /**< Required: #ncm_sex values. */
    ncm_text_column geo[NCM_LEVEL_COUNT];   /**< Optional per level (index #ncm_level); absent = level absent, code "". */
    const uint8_t *deprivation_decile;      /**< Optional: 1 (most deprived) to 10, or 0 for unknown. Default 0. */
    const double *months_enrolled;          /**< Optional: months enrolled in the year, 0 to 12. Default 12. */
    const ncm_money *annual_cost;           /**< Optional: annual cost in minor units, >= 0. Absent = no cost column. */
    ncm_text_column segment;                /**< Optional: eligibility segment code. Default "". */
    const uint8_t *orec;                    /**< Optional: original reason for entitlement, 0 to 3. Default 0. */
    const uint8_t *medicaid;                /**< Optional: 1 if Medicaid eligible, else 0. Default 0. */
    const uint64_t *dx_offsets;             /**< Optional: n + 1 non-decreasing offsets into @c dx_codes, dx_offsets[0] = 0. */
    ncm_text_column dx_codes;               /**< Diagnosis codes, dx_offsets[n] entries (required when dx_offsets is given). */
    const ncm_attribute_column *attributes; /**< Optional extra columns. */
    size_t nattributes;                     /**< Number of entries in @c attributes. */
} ncm_population_columns;

/** @brief Static initialiser for #ncm_population_columns: version set, everything else zero. @since 0.1.0 */
#define NCM_POPULATION_COLUMNS_INIT {NCM_POPULATION_COLUMNS_VERSION, 0u, 0u, {0, 0, 0, 0}, 0, 0, {{0, 0, 0, 0}}, 0, 0, 0, {0, 0, 0, 0}, 0, 0, 0, {0, 0, 0, 0}, 0, 0}

/**
 * @brief Initialise a #ncm_population_columns (version set, everything else empty).
 * @param[out] cols The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_population_columns_init(ncm_population_columns *cols);

/**
 * @brief Build a table from column arrays.
 * @param cols The columns; read during the call (and afterwards for borrowed arrays, see
 *        #NCM_POPULATION_BORROW).
 * @param[out] out Receives the new table, owned by the caller (free with ncm_population_free());
 *        unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL pointers or a missing required column;
 *         #NCM_ERR_VERSION for an unsupported struct version; #NCM_ERR_RANGE for an out-of-range value
 *         (the message names the field and row); #NCM_ERR_DUPLICATE for a repeated person id;
 *         #NCM_ERR_INCONSISTENT for geography that does not nest; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_from_columns(const ncm_population_columns *cols, ncm_population **out);

/** @brief Flag for ncm_population_csv_options::flags: accept thousands separators in annual_cost. @since 0.1.0 */
#define NCM_CSV_MONEY_GROUPING 0x1u

/** @brief Current version of #ncm_population_csv_options. @since 0.1.0 */
#define NCM_POPULATION_CSV_OPTIONS_VERSION 1u

/**
 * @brief Options for reading population CSV files (versioned options struct).
 * @since 0.1.0
 */
typedef struct ncm_population_csv_options {
    unsigned version; /**< #NCM_POPULATION_CSV_OPTIONS_VERSION. */
    unsigned flags;   /**< 0 or #NCM_CSV_MONEY_GROUPING. */
} ncm_population_csv_options;

/** @brief Static initialiser for #ncm_population_csv_options. @since 0.1.0 */
#define NCM_POPULATION_CSV_OPTIONS_INIT {NCM_POPULATION_CSV_OPTIONS_VERSION, 0u}

/**
 * @brief Initialise a #ncm_population_csv_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_population_csv_options_init(ncm_population_csv_options *opts);

/**
 * @brief Read a table from people.csv and, optionally, diagnoses.csv.
 *
 * Both files are RFC 4180 CSV in UTF-8 (a byte-order mark is skipped; CRLF or LF line ends;
 * completely empty lines are skipped), with a header row naming the columns in any order (names
 * are case-sensitive; a name may appear only once).
 *
 * people.csv: one row a person. Required columns `person_id`, `age`, `sex`; optional canonical
 * columns `practice, network, place, system, deprivation_decile, months_enrolled, annual_cost,
 * segment, orec, medicaid`; a column named `code` is refused; every other column becomes a named
 * attribute, numeric when every value (including the empty ones) parses as a finite number, else
 * text (so one empty cell makes an attribute text). Values are taken as written (no trimming).
 * - `person_id`: non-empty, unique.
 * - `age`: whole number of years, 0 to 130 (no sign, no decimals); must not be empty.
 * - `sex`: `F`, `M` or `U` (unknown), case-insensitive; must not be empty.
 * - `practice`, `network`, `place`, `system`, `segment`: any text; an empty cell is the code "".
 * - `deprivation_decile`: whole number 1 to 10, or 0 for unknown; empty cell = 0.
 * - `months_enrolled`: decimal number 0 to 12 (fractions allowed); empty cell = 12.
 * - `annual_cost`: non-negative decimal amount with at most two decimal places (e.g. "1716875.5");
 *   thousands separators only with #NCM_CSV_MONEY_GROUPING (then the field must be quoted);
 *   an empty cell = 0.00. Without the column, the table has no cost (ncm_population_cost() is NULL).
 * - `orec`: whole number 0 to 3; empty cell = 0. `medicaid`: 0 or 1; empty cell = 0.
 *
 * diagnoses.csv: columns `person_id` and `code` (other columns are ignored), many rows a person,
 * in any order. Every person id must exist in people.csv; codes must not be empty. Each person's
 * codes are kept in file order (repeats included); diagnosis dictionary ids follow first
 * appearance in diagnoses.csv.
 *
 * Errors name the file, 1-based line and column, the column's header name and the reason, e.g.
 * `people.csv:7:2 (age): age 131 is outside 0-130`. #NCM_ERR_PARSE: empty file, a header without
 * a required column or with a repeated or empty name, a ragged row, an unterminated quote,
 * invalid UTF-8, text where a number is expected, an unknown sex code, an empty age, sex, code or
 * diagnosis person id. #NCM_ERR_RANGE: a number outside its range (age, months, decile, orec,
 * medicaid, negative cost). #NCM_ERR_DUPLICATE: a repeated person id (naming the first line).
 * #NCM_ERR_NOT_FOUND: a diagnosis for a person not in people.csv. #NCM_ERR_INCONSISTENT: geography
 * that does not nest. On any error no table is returned and nothing leaks.
 *
 * Memory: files larger than 16 MiB are read in a 16 MiB window (wider only for a longer row), one
 * file after the other, so the peak is about the finished table plus 16 MiB (10 million people
 * with 5 codes each: about 1.2 GB); smaller files are read whole.
 * @param people_path Path of people.csv.
 * @param diagnoses_path Path of diagnoses.csv, or NULL for none (then every person has no codes).
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the new table, owned by the caller; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p people_path or @p out; #NCM_ERR_IO (names the path);
 *         #NCM_ERR_PARSE, #NCM_ERR_RANGE, #NCM_ERR_DUPLICATE, #NCM_ERR_NOT_FOUND or
 *         #NCM_ERR_INCONSISTENT as above, each with a message "file:line:column (name): reason";
 *         #NCM_ERR_OVERFLOW for a cost that does not fit an #ncm_money; #NCM_ERR_VERSION for an
 *         unsupported options version; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_read_csv(const char *people_path, const char *diagnoses_path,
                                           const ncm_population_csv_options *opts, ncm_population **out);

/**
 * @brief Read a table from CSV text held in memory (same format and errors as ncm_population_read_csv()).
 * @param people Text of people.csv (need not be NUL-terminated); copied during the call.
 * @param people_len Length of @p people in bytes.
 * @param people_name Name used for people.csv in error messages, or NULL for "people.csv".
 * @param diagnoses Text of diagnoses.csv, or NULL for none.
 * @param diagnoses_len Length of @p diagnoses in bytes.
 * @param diagnoses_name Name used for diagnoses.csv in error messages, or NULL for "diagnoses.csv".
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the new table, owned by the caller; unchanged on failure.
 * @return As ncm_population_read_csv().
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_read_csv_buffer(const char *people, size_t people_len, const char *people_name,
                                                  const char *diagnoses, size_t diagnoses_len,
                                                  const char *diagnoses_name, const ncm_population_csv_options *opts,
                                                  ncm_population **out);

/**
 * @brief Write a table as people.csv and, optionally, diagnoses.csv in the canonical format.
 *
 * people.csv has the columns person_id, age, sex, then those of practice, network, place, system,
 * deprivation_decile, months_enrolled, annual_cost, segment, orec, medicaid that are present in
 * the table (ncm_population_has_column()), in that order, then the attributes in table order.
 * Fields are quoted only when they hold a comma, a double quote, CR or LF (RFC 4180); lines end
 * with LF. Sex is written `F`, `M` or `U`; months and numeric attributes as the shortest decimal
 * that reads back as the same double ("12", "6.5"); annual_cost with exactly two decimals
 * ("1716875.50"). diagnoses.csv has the header `person_id,code` and one row per diagnosis entry,
 * people in table order and each person's codes in table order. Reading canonical output back and
 * writing it again gives identical bytes. On a write error the partial file is removed.
 * @param pop The table.
 * @param people_path Path of people.csv to create or replace.
 * @param diagnoses_path Path of diagnoses.csv, or NULL to skip diagnoses.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL @p pop or @p people_path; #NCM_ERR_IO naming the
 *         path; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_write_csv(const ncm_population *pop, const char *people_path,
                                            const char *diagnoses_path);

/**
 * @brief Free a table and everything it owns. Borrowed arrays are not freed.
 * @param pop The table, or NULL (ignored).
 * @since 0.1.0
 */
NCM_API void ncm_population_free(ncm_population *pop);

/**
 * @brief Number of people in the table.
 * @param pop The table.
 * @return Rows; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_population_size(const ncm_population *pop);

/**
 * @brief Whether a column was present in the input (canonical or attribute name).
 * @param pop The table.
 * @param name Column name such as "annual_cost" or "network".
 * @return 1 if present, 0 if absent (then its values are the documented defaults).
 * @since 0.1.0
 */
NCM_API int ncm_population_has_column(const ncm_population *pop, const char *name);

/**
 * @brief Ages in whole years, one per person. Borrowed: valid until ncm_population_free().
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const int32_t *ncm_population_age(const ncm_population *pop);

/**
 * @brief Sex codes (#ncm_sex), one per person. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const uint8_t *ncm_population_sex(const ncm_population *pop);

/**
 * @brief Deprivation deciles (1-10, 0 unknown), one per person. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const uint8_t *ncm_population_deprivation(const ncm_population *pop);

/**
 * @brief Months enrolled in the year (0-12), one per person; exposure in years is months / 12. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const double *ncm_population_months(const ncm_population *pop);

/**
 * @brief Annual cost in minor units, one per person, or NULL when the table has no cost column. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values, or NULL.
 * @since 0.1.0
 */
NCM_API const ncm_money *ncm_population_cost(const ncm_population *pop);

/**
 * @brief Original reason for entitlement codes (0-3), one per person. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const uint8_t *ncm_population_orec(const ncm_population *pop);

/**
 * @brief Medicaid flags (0/1), one per person. Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() values.
 * @since 0.1.0
 */
NCM_API const uint8_t *ncm_population_medicaid(const ncm_population *pop);

/**
 * @brief Dictionary ids of a text field. Borrowed.
 *
 * For the geography levels and #NCM_TEXT_SEGMENT: one id per person. For #NCM_TEXT_DIAGNOSIS:
 * one id per diagnosis entry, indexed by ncm_population_dx_offsets(). For #NCM_TEXT_PERSON: NULL
 * (a person's id is their row number).
 * @param pop The table.
 * @param field The field.
 * @return The id array, or NULL.
 * @since 0.1.0
 */
NCM_API const uint32_t *ncm_population_text_ids(const ncm_population *pop, ncm_text_field field);

/**
 * @brief Number of distinct values of a text field (for #NCM_TEXT_PERSON, the number of people).
 * @param pop The table.
 * @param field The field.
 * @return Distinct values; 0 for NULL or an unknown field.
 * @since 0.1.0
 */
NCM_API size_t ncm_population_text_count(const ncm_population *pop, ncm_text_field field);

/**
 * @brief The string of one dictionary id of a text field.
 * @param pop The table.
 * @param field The field.
 * @param id An id below ncm_population_text_count().
 * @return NUL-terminated UTF-8 string owned by the table, or NULL if @p id is out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_population_text_value(const ncm_population *pop, ncm_text_field field, uint32_t id);

/**
 * @brief Look up the dictionary id of a string in a text field.
 * @param pop The table.
 * @param field The field (for #NCM_TEXT_PERSON the id found is the person's row).
 * @param value NUL-terminated string.
 * @param[out] id Receives the id; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_NOT_FOUND; #NCM_ERR_INVALID for NULL arguments or an unknown field.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_text_find(const ncm_population *pop, ncm_text_field field, const char *value,
                                            uint32_t *id);

/**
 * @brief Offsets of each person's diagnoses in the CSR arrays: person i's codes are entries
 *        [offsets[i], offsets[i+1]) of ncm_population_text_ids(pop, NCM_TEXT_DIAGNOSIS). Borrowed.
 * @param pop The table.
 * @return Array of ncm_population_size() + 1 values (all 0 when there are no diagnoses).
 * @since 0.1.0
 */
NCM_API const uint64_t *ncm_population_dx_offsets(const ncm_population *pop);

/**
 * @brief Number of extra attribute columns.
 * @param pop The table.
 * @return Count; 0 for NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_population_attr_count(const ncm_population *pop);

/**
 * @brief Name of attribute @p k.
 * @param pop The table.
 * @param k Attribute index below ncm_population_attr_count().
 * @return The name owned by the table, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_population_attr_name(const ncm_population *pop, size_t k);

/**
 * @brief Index of an attribute by name.
 * @param pop The table.
 * @param name Attribute name.
 * @param[out] k Receives the index; unchanged on failure.
 * @return #NCM_OK, #NCM_ERR_NOT_FOUND or #NCM_ERR_INVALID.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_attr_find(const ncm_population *pop, const char *name, size_t *k);

/**
 * @brief Values of a numeric attribute, one per person. Borrowed.
 * @param pop The table.
 * @param k Attribute index.
 * @return The array, or NULL if @p k is out of range or the attribute is text.
 * @since 0.1.0
 */
NCM_API const double *ncm_population_attr_numeric(const ncm_population *pop, size_t k);

/**
 * @brief Dictionary ids of a text attribute, one per person. Borrowed.
 * @param pop The table.
 * @param k Attribute index.
 * @return The array, or NULL if @p k is out of range or the attribute is numeric.
 * @since 0.1.0
 */
NCM_API const uint32_t *ncm_population_attr_text_ids(const ncm_population *pop, size_t k);

/**
 * @brief Number of distinct values of a text attribute.
 * @param pop The table.
 * @param k Attribute index.
 * @return Count; 0 if out of range or numeric.
 * @since 0.1.0
 */
NCM_API size_t ncm_population_attr_text_count(const ncm_population *pop, size_t k);

/**
 * @brief The string of one id of a text attribute.
 * @param pop The table.
 * @param k Attribute index.
 * @param id Id below ncm_population_attr_text_count().
 * @return The string owned by the table, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_population_attr_text_value(const ncm_population *pop, size_t k, uint32_t id);

/**
 * @brief The parent unit of a geography unit at the next present level up.
 * @param pop The table.
 * @param level Level of the child (practice, network or place).
 * @param id Child unit id at @p level.
 * @param parent_level Level of the parent (must be above @p level).
 * @param[out] parent Receives the parent's id at @p parent_level; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for bad levels or ids; #NCM_ERR_NOT_FOUND if the unit has no people.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_parent(const ncm_population *pop, ncm_level level, uint32_t id,
                                         ncm_level parent_level, uint32_t *parent);

/**
 * @brief Roll the population up to one geography level (columnar outputs, indexed by unit id).
 *
 * Each output array, if not NULL, must hold at least ncm_population_text_count(pop, level) values.
 * @param pop The table.
 * @param level The level to roll up to.
 * @param[out] people People per unit, or NULL.
 * @param[out] exposure Exposure per unit in person-years (sum of months / 12), or NULL.
 * @param[out] cost Total annual cost per unit in minor units (0 when there is no cost column), or NULL.
 * @param[out] mean_age Mean age per unit in years (0 for a unit with no people), or NULL.
 * @param cap Capacity of each output array.
 * @return #NCM_OK; #NCM_ERR_INVALID for a NULL table or bad level; #NCM_ERR_BUFFER if @p cap is too
 *         small; #NCM_ERR_OVERFLOW if a unit's cost does not fit. Outputs are unchanged on failure.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_population_rollup(const ncm_population *pop, ncm_level level, uint64_t *people,
                                         double *exposure, ncm_money *cost, double *mean_age, size_t cap);

/**
 * @brief Parse a geography level name: "practice", "network", "place" or "system".
 * @param name The name.
 * @param[out] level Receives the level; unchanged on failure.
 * @return #NCM_OK or #NCM_ERR_INVALID (the message lists the valid names).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_level_parse(const char *name, ncm_level *level);

/**
 * @brief Name of a geography level, the same as its CSV column.
 * @param level The level.
 * @return "practice", "network", "place", "system", or "?" for an unknown value. Static.
 * @since 0.1.0
 */
NCM_API const char *ncm_level_name(ncm_level level);

NCM_END_DECLS

#endif /* NCM_POPULATION_H */
