/**
 * @file contract.h
 * @brief A declarative contract: parties, form, term, yearly value and the payment components that compose.
 *
 * An #ncm_contract says how money moves between a commissioner and its providers over the term of
 * a contract. It is loaded from a JSON document (schema 1, described in the guide "Contracts and
 * settlement"), validated, and can be written back out in a canonical form: loading the written
 * text gives the same contract, and writing it again gives the same bytes.
 *
 * A contract has
 * - parties, each named once, with a role (#ncm_party_role); alliance members may carry the share
 *   of the contract value they hold;
 * - a form (#ncm_contract_form) and free scope text;
 * - a term in years and a yearly value schedule: either explicit per year, or a year-1 value that
 *   grows each year by `growth` and shrinks by `efficiency` (value_y = round(value_{y-1} x (1 + growth)
 *   x (1 - efficiency)), half-even to the minor unit, the factor rounded to 12 decimals);
 * - payment components (#ncm_component_type) that compose: up-front share, management fee,
 *   capitation / year-of-care budget line, activity payments, care-coordination fee, outcome pot,
 *   withhold with earn-back, VAT, transformation funding and risk/gain share. A risk share embeds
 *   a riskshare.h schedule (or names a built-in one); an outcome pot or withhold may embed an
 *   outcome.h framework that scores measure results into its score; a stop-loss protects the
 *   provider against high-cost people (individual attachment, coinsurance and limit) and/or a high
 *   total (aggregate threshold as a fraction of the year's value or of a payment line), provided by
 *   the commissioner or an external reinsurer, optionally for a premium.
 *
 * Settlement (settle.h) turns a contract and a year's actuals into a ledger.
 *
 * Thread safety: a contract is immutable once loaded; any number of threads may read and settle
 * the same contract at once. Loading and freeing must not race with its use.
 * @since 0.1.0
 */
#ifndef NCM_CONTRACT_H
#define NCM_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "ncm/export.h"
#include "ncm/money.h"
#include "ncm/status.h"

NCM_BEGIN_DECLS

/** @brief Opaque, immutable contract. Load with ncm_contract_load_file() or ncm_contract_load_string(); free with ncm_contract_free(). @since 0.1.0 */
typedef struct ncm_contract ncm_contract;

/** @brief The contract document schema version this library reads and writes. @since 0.1.0 */
#define NCM_CONTRACT_SCHEMA 1

/** @brief Most parties a contract may name. @since 0.1.0 */
#define NCM_CONTRACT_MAX_PARTIES 64
/** @brief Most payment components a contract may hold. @since 0.1.0 */
#define NCM_CONTRACT_MAX_COMPONENTS 64
/** @brief Longest term, in years. @since 0.1.0 */
#define NCM_CONTRACT_MAX_YEARS 50

/**
 * @brief The form of a contract (how money moves, DOMAIN.md section 1).
 * @since 0.1.0
 */
typedef enum ncm_contract_form {
    NCM_FORM_BLOCK = 0,          /**< Fixed sum per year ("block"). */
    NCM_FORM_ACTIVITY = 1,       /**< Payment by activity / tariff ("activity"). */
    NCM_FORM_CAPITATED = 2,      /**< Per-person amount for a defined population ("capitated"). */
    NCM_FORM_PRIME_PROVIDER = 3, /**< One prime holds the budget and subcontracts ("prime_provider"); needs a prime party. */
    NCM_FORM_LEAD_PROVIDER = 4,  /**< A lead provider coordinates ("lead_provider"); needs a lead party. */
    NCM_FORM_ALLIANCE = 5,       /**< Several members share one agreement and a risk/gain pot ("alliance"); needs two or more members. */
    NCM_FORM_INTEGRATED = 6      /**< Accountable / integrated care provider contract ("integrated"). */
} ncm_contract_form;

/**
 * @brief The role of a party.
 * @since 0.1.0
 */
typedef enum ncm_party_role {
    NCM_ROLE_COMMISSIONER = 0,  /**< The payer holding the budget ("commissioner"); exactly one per contract. */
    NCM_ROLE_PROVIDER = 1,      /**< A single provider ("provider"). */
    NCM_ROLE_PRIME = 2,         /**< Prime provider / prime contractor ("prime"). */
    NCM_ROLE_LEAD = 3,          /**< Lead provider ("lead"). */
    NCM_ROLE_MEMBER = 4,        /**< Alliance member ("member"). */
    NCM_ROLE_SUBCONTRACTOR = 5, /**< Subcontractor of the prime or lead ("subcontractor"). */
    NCM_ROLE_EXTERNAL = 6       /**< Outside the care contract, e.g. the tax authority receiving VAT ("external"). */
} ncm_party_role;

/**
 * @brief The type of a payment component ("type" in the JSON).
 * @since 0.1.0
 */
typedef enum ncm_component_type {
    NCM_COMPONENT_UPFRONT = 0,           /**< Up-front share of the year's value ("upfront": share). */
    NCM_COMPONENT_MANAGEMENT_FEE = 1,    /**< Fee as a rate of the year's value, paid on top ("management_fee": rate). */
    NCM_COMPONENT_CAPITATION = 2,        /**< Capitation / year-of-care budget line ("capitation": share of value or amounts per year). */
    NCM_COMPONENT_ACTIVITY = 3,          /**< Price x volume, optional marginal rate above a threshold volume ("activity"). */
    NCM_COMPONENT_CARE_COORDINATION = 4, /**< Fee per member per month x member-months ("care_coordination": pmpm). */
    NCM_COMPONENT_OUTCOME_POT = 5,       /**< Share of value earned in proportion to an outcome score ("outcome_pot"). */
    NCM_COMPONENT_WITHHOLD = 6,          /**< Part of another line withheld and earned back by score ("withhold"). */
    NCM_COMPONENT_VAT = 7,               /**< VAT on named lines, borne by the commissioner or the provider ("vat"). */
    NCM_COMPONENT_TRANSFORMATION = 8,    /**< Transformation funding, amounts per year ("transformation"). */
    NCM_COMPONENT_RISK_SHARE = 9,        /**< Risk/gain share of the variance against a base ("risk_share"). */
    NCM_COMPONENT_STOP_LOSS = 10         /**< Individual and/or aggregate stop-loss protection of the provider, with an optional premium ("stop_loss"); settled with capitation.h's ncm_stop_loss(). */
} ncm_component_type;

/**
 * @brief Load and validate a contract from a JSON file.
 *
 * Malformed JSON gives #NCM_ERR_PARSE with the file, line and column. Validation errors name the
 * item, e.g. `c.json: components[2] "fee": rate: -0.1 is negative`: an unknown component type or
 * field (#NCM_ERR_PARSE), shares that must sum to 1 and do not (#NCM_ERR_INCONSISTENT), overlapping
 * or unordered risk-share bands (#NCM_ERR_INCONSISTENT), negative rates or amounts (#NCM_ERR_RANGE),
 * a party or component named twice (#NCM_ERR_DUPLICATE), a reference to an unknown party or
 * component (#NCM_ERR_NOT_FOUND), an unsupported schema (#NCM_ERR_VERSION).
 * @param path Path of the JSON document; not retained.
 * @param[out] out Receives the new contract (free with ncm_contract_free()); unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_IO if the file cannot be read;
 *         the validation codes above; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_load_file(const char *path, ncm_contract **out);

/**
 * @brief Load and validate a contract from JSON text in memory.
 * @param text NUL-terminated JSON document; not retained.
 * @param name Name used in error messages (e.g. "contract.json"); NULL gives "<string>".
 * @param[out] out Receives the new contract; unchanged on failure.
 * @return As ncm_contract_load_file(), without #NCM_ERR_IO.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_load_string(const char *text, const char *name, ncm_contract **out);

/**
 * @brief Free a contract. NULL is a no-op.
 * @param c The contract, or NULL.
 * @since 0.1.0
 */
NCM_API void ncm_contract_free(ncm_contract *c);

/**
 * @brief Write the contract as canonical JSON text (keys in a fixed order, two-space indent, money as strings).
 *
 * The text ends with a newline. Loading it gives an equal contract and writing that again gives
 * the same bytes.
 * @param c The contract.
 * @param[out] buf Caller's buffer, or NULL with @p cap = 0 to ask for the size.
 * @param cap Size of @p buf in bytes.
 * @param[out] len Receives the length of the text (newline included, NUL excluded); may be NULL.
 * @return #NCM_OK; #NCM_ERR_INVALID for a NULL contract; #NCM_ERR_BUFFER if @p cap is smaller than
 *         the length + 1 (then *len still holds the length, and @p buf holds "" if @p cap > 0);
 *         #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_to_json(const ncm_contract *c, char *buf, size_t cap, size_t *len);

/**
 * @brief Write the contract as canonical JSON to a file (see ncm_contract_to_json()).
 * @param c The contract.
 * @param path File to create or replace.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_IO naming the path; #NCM_ERR_NOMEM.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_write_file(const ncm_contract *c, const char *path);

/**
 * @brief The contract's name ("name" in the JSON).
 * @param c The contract.
 * @return A NUL-terminated string owned by the contract, "" if @p c is NULL.
 * @since 0.1.0
 */
NCM_API const char *ncm_contract_name(const ncm_contract *c);

/**
 * @brief The contract's scope text ("scope" in the JSON).
 * @param c The contract.
 * @return A NUL-terminated string owned by the contract, "" if none or @p c is NULL.
 * @since 0.1.0
 */
NCM_API const char *ncm_contract_scope(const ncm_contract *c);

/**
 * @brief The contract's form.
 * @param c The contract (not NULL).
 * @return The form.
 * @since 0.1.0
 */
NCM_API ncm_contract_form ncm_contract_get_form(const ncm_contract *c);

/**
 * @brief The term of the contract in years.
 * @param c The contract.
 * @return Years (1 to #NCM_CONTRACT_MAX_YEARS), 0 if @p c is NULL.
 * @since 0.1.0
 */
NCM_API unsigned ncm_contract_term(const ncm_contract *c);

/**
 * @brief The contract value of one year of the term.
 * @param c The contract.
 * @param year Contract year, 1 to the term.
 * @param[out] value Receives the value in minor units; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_RANGE for a year outside the term.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_value(const ncm_contract *c, unsigned year, ncm_money *value);

/**
 * @brief Number of parties.
 * @param c The contract.
 * @return The count, 0 if @p c is NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_contract_party_count(const ncm_contract *c);

/**
 * @brief Name of a party.
 * @param c The contract.
 * @param i Party index, below ncm_contract_party_count().
 * @return A string owned by the contract, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_contract_party_name(const ncm_contract *c, size_t i);

/**
 * @brief Role of a party.
 * @param c The contract.
 * @param i Party index.
 * @param[out] role Receives the role; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_RANGE for an index out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_party_role(const ncm_contract *c, size_t i, ncm_party_role *role);

/**
 * @brief Index of a party by name.
 * @param c The contract.
 * @param name Party name.
 * @param[out] index Receives the index; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND naming the party.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_find_party(const ncm_contract *c, const char *name, size_t *index);

/**
 * @brief Number of payment components.
 * @param c The contract.
 * @return The count, 0 if @p c is NULL.
 * @since 0.1.0
 */
NCM_API size_t ncm_contract_component_count(const ncm_contract *c);

/**
 * @brief Name of a component (unique within the contract).
 * @param c The contract.
 * @param i Component index, below ncm_contract_component_count().
 * @return A string owned by the contract, or NULL if out of range.
 * @since 0.1.0
 */
NCM_API const char *ncm_contract_component_name(const ncm_contract *c, size_t i);

/**
 * @brief Type of a component.
 * @param c The contract.
 * @param i Component index.
 * @param[out] type Receives the type; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_RANGE for an index out of range.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_component_type(const ncm_contract *c, size_t i, ncm_component_type *type);

/**
 * @brief Index of a component by name.
 * @param c The contract.
 * @param name Component name.
 * @param[out] index Receives the index; unchanged on failure.
 * @return #NCM_OK; #NCM_ERR_INVALID for NULL arguments; #NCM_ERR_NOT_FOUND naming the component.
 * @since 0.1.0
 */
NCM_API ncm_status ncm_contract_find_component(const ncm_contract *c, const char *name, size_t *index);

/**
 * @brief The JSON name of a form ("block", "activity", ...).
 * @param form A form.
 * @return A static string; "unknown" for a value outside the enum.
 * @since 0.1.0
 */
NCM_API const char *ncm_contract_form_name(ncm_contract_form form);

/**
 * @brief The JSON name of a role ("commissioner", "prime", ...).
 * @param role A role.
 * @return A static string; "unknown" for a value outside the enum.
 * @since 0.1.0
 */
NCM_API const char *ncm_party_role_name(ncm_party_role role);

/**
 * @brief The JSON name of a component type ("upfront", "risk_share", ...).
 * @param type A component type.
 * @return A static string; "unknown" for a value outside the enum.
 * @since 0.1.0
 */
NCM_API const char *ncm_component_type_name(ncm_component_type type);

NCM_END_DECLS

#endif /* NCM_CONTRACT_H */
