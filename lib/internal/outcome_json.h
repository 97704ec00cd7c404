/* Internal JSON bridge for outcome frameworks, so that other documents (contracts) can embed a
 * framework object and write it back. Hidden symbols. */
#ifndef NCM_INTERNAL_OUTCOME_JSON_H
#define NCM_INTERNAL_OUTCOME_JSON_H

#include <jansson.h>

#include "internal/common.h"
#include "ncm/outcome.h"

/* Build a framework from a parsed JSON object of the ncm.outcomes/1 form ("schema" optional here,
 * checked when present). `where` prefixes every message (e.g. "contract.json: outcomes"). */
NCMI_HIDDEN ncm_status ncmi_outcome_framework_from_json(const json_t *obj, const char *where, ncm_outcome_framework **out);
/* A new JSON object (caller owns the reference) describing fw, including "schema". */
NCMI_HIDDEN ncm_status ncmi_outcome_framework_to_json(const ncm_outcome_framework *fw, json_t **out);

#endif
