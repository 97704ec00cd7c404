/* Internal JSON bridge for risk/gain share schedules, so that other documents (contracts) can embed a
 * schedule object and write it back. Hidden symbols; jansson types do not appear in public headers. */
#ifndef NCM_INTERNAL_RISKSHARE_JSON_H
#define NCM_INTERNAL_RISKSHARE_JSON_H

#include <jansson.h>

#include "internal/common.h"
#include "ncm/riskshare.h"

/* Build a schedule from a parsed JSON object of the ncm.riskshare/1 form. The "schema" member is
 * optional here (required by the file loaders); when present it must be "ncm.riskshare/1".
 * `where` prefixes every message (e.g. "contract.json: components[2].riskshare"). */
NCMI_HIDDEN ncm_status ncmi_riskshare_from_json(const json_t *obj, const char *where, ncm_riskshare **out);
/* A new JSON object (caller owns the reference) describing rs, including "schema". */
NCMI_HIDDEN ncm_status ncmi_riskshare_to_json(const ncm_riskshare *rs, json_t **out);

#endif
