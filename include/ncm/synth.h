/**
 * @file synth.h
 * @brief The synthetic population: a seeded generator of a realistic English-style population.
 *
 * ncm_synth_population() builds an #ncm_population of any size whose age and sex structure follows
 * the ONS mid-year estimates for England, registered with general practices of 2,000-20,000
 * people grouped into networks of 30,000-50,000 and places of 250,000-750,000 (one system by
 * default), with deprivation deciles, months enrolled (births, deaths and moves give part years),
 * nineteen long-term conditions (diabetes with or without complications, hypertension, COPD,
 * dementia, ...) whose prevalence rises with age and deprivation, emitted as billable ICD-10-CM
 * codes together with minor non-HCC codes, and annual costs with a heavy right tail that rise with
 * age and morbidity. The figures used and their sources are in the guide page
 * @ref synthetic-population.
 *
 * The same options give the same population, byte for byte, on any machine with IEEE-754 doubles:
 * every random draw is a counter-based function of (seed, stream, person), and the generator uses
 * its own exp/log, not the platform's.
 *
 * Thread safety: the function keeps no state; any number of threads may call it at once.
 * @since 0.1.0
 */
#ifndef NCM_SYNTH_H
#define NCM_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/population.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Current version of #ncm_synth_options. @since 0.1.0 */
#define NCM_SYNTH_OPTIONS_VERSION 1u

/** @brief Default annual churn rate of #ncm_synth_options (share of people who join or leave part way through the year). @since 0.1.0 */
#define NCM_SYNTH_DEFAULT_CHURN 0.08

/** @brief Default mean number of minor (non-chronic, non-HCC) diagnosis codes per person per year. @since 0.1.0 */
#define NCM_SYNTH_DEFAULT_MINOR_CODES 2.0

/**
 * @brief Options for ncm_synth_population() (versioned options struct).
 *
 * Initialise with #NCM_SYNTH_OPTIONS_INIT or ncm_synth_options_init(), then set what you need.
 * @since 0.1.0
 */
typedef struct ncm_synth_options {
    unsigned version;          /**< #NCM_SYNTH_OPTIONS_VERSION. */
    uint64_t seed;             /**< Seed; any value. Default 2015. */
    size_t people;             /**< Number of people to generate (0 gives an empty table). Default 10,000. */
    size_t places;             /**< Number of places; 0 (the default) chooses it so places hold 250,000-750,000 people. */
    size_t systems;            /**< Number of systems the places are grouped into, 1 or more. Default 1. */
    double churn_rate;         /**< Share of people (0 to 1) who join or leave during the year and so are enrolled part of it. Default #NCM_SYNTH_DEFAULT_CHURN. */
    double minor_codes_mean;   /**< Mean number of minor, non-HCC diagnosis codes per person (0 to 20). Default #NCM_SYNTH_DEFAULT_MINOR_CODES. */
} ncm_synth_options;

/** @brief Static initialiser for #ncm_synth_options with the defaults. @since 0.1.0 */
#define NCM_SYNTH_OPTIONS_INIT {NCM_SYNTH_OPTIONS_VERSION, 2015u, 10000u, 0u, 1u, NCM_SYNTH_DEFAULT_CHURN, NCM_SYNTH_DEFAULT_MINOR_CODES}

/**
 * @brief Initialise a #ncm_synth_options with the defaults.
 * @param[out] opts The struct to initialise; NULL is ignored.
 * @since 0.1.0
 */
NCM_API void ncm_synth_options_init(ncm_synth_options *opts);

/**
 * @brief Generate a synthetic population.
 *
 * The table has the columns person_id ("S000000001", ...), age, sex (F/M), practice ("P00001"),
 * network ("N0001"), place ("PL01"), system ("SYS1"), deprivation_decile (1 = most deprived),
 * months_enrolled (whole months, 1-12), annual_cost (pounds and pence) and diagnosis codes. With
 * #ncm_synth_options::places = 0 and at least 250,000 people, every practice holds 2,000-20,000
 * people, every network 30,000-50,000 and every place 250,000-750,000; a smaller population has
 * fewer, smaller units (one place, and one network below 30,000 people).
 * @param opts Options, or NULL for the defaults.
 * @param[out] out Receives the new table, owned by the caller (free with ncm_population_free());
 *        unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for a NULL @p out; #NCM_ERR_VERSION for an unsupported options
 *         version; #NCM_ERR_RANGE for an option out of range (the message names it: churn_rate
 *         outside 0-1, minor_codes_mean outside 0-20, systems = 0, more places or systems than can
 *         be formed, or more than 4,000,000,000 people); #NCM_ERR_NOMEM; #NCM_ERR_INTERNAL if an internal
 *         consistency check fails (a bug; please report it).
 * @since 0.1.0
 */
NCM_API ncm_status ncm_synth_population(const ncm_synth_options *opts, ncm_population **out);

NCM_END_DECLS

#endif /* NCM_SYNTH_H */
