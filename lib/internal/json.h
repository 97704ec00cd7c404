/* Small shared helpers for ncm's JSON documents (jansson). Hidden symbols. */
#ifndef NCM_INTERNAL_JSON_H
#define NCM_INTERNAL_JSON_H

#include <jansson.h>

#include "internal/common.h"
#include "ncm/money.h"

/* Rounding mode names used in every ncm JSON document: half_even, half_up, down, up, floor, ceiling. */
NCMI_HIDDEN const char *ncmi_rounding_name(ncm_rounding mode);
/* 0 and *out set if known, -1 otherwise. */
NCMI_HIDDEN int ncmi_rounding_parse(const char *name, ncm_rounding *out);
/* Load a JSON file or buffer; syntax errors give NCM_ERR_PARSE "name:line:column: text", a missing
 * file NCM_ERR_IO. On success *out owns one reference. */
NCMI_HIDDEN ncm_status ncmi_json_load_file(const char *path, json_t **out);
NCMI_HIDDEN ncm_status ncmi_json_load_buffer(const char *text, size_t len, const char *name, json_t **out);
/* Write root to path (indent 2, keys in insertion order). Reals use 15 significant digits when every
 * real in the document reads back exactly from 15 digits, else 17 (so writing never loses a bit).
 * Ends the file with a newline. NCM_ERR_IO naming the path on failure. */
NCMI_HIDDEN ncm_status ncmi_json_write_file(const json_t *root, const char *path);
/* A number: a JSON integer when x is whole and small, else a real. NULL only when out of memory. */
NCMI_HIDDEN json_t *ncmi_json_number(double x);
/* Numeric value of an integer or real; 0 and *out set, or -1 if v is not a number. */
NCMI_HIDDEN int ncmi_json_get_number(const json_t *v, double *out);
/* A money amount as a JSON string with two decimals ("1258750.00"). */
NCMI_HIDDEN json_t *ncmi_json_money(ncm_money m);
/* Check that obj has only the listed keys (NULL-terminated); on failure sets NCM_ERR_PARSE naming
 * where.key and returns it. */
NCMI_HIDDEN ncm_status ncmi_json_check_keys(const json_t *obj, const char *where, const char *const *keys);

#endif
