/* Shared helpers for ncm's JSON documents. */
#include "internal/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rounding_names[] = {"half_even", "half_up", "down", "up", "floor", "ceiling"};

const char *ncmi_rounding_name(ncm_rounding mode)
{
    if ((unsigned)mode < sizeof rounding_names / sizeof rounding_names[0]) return rounding_names[mode];
    return "half_even";
}

int ncmi_rounding_parse(const char *name, ncm_rounding *out)
{
    for (size_t i = 0; i < sizeof rounding_names / sizeof rounding_names[0]; i++)
        if (name && strcmp(name, rounding_names[i]) == 0) {
            *out = (ncm_rounding)i;
            return 0;
        }
    return -1;
}

ncm_status ncmi_json_load_file(const char *path, json_t **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "NULL path");
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        if (err.line <= 0) return ncmi_error(NCM_ERR_IO, "%s: %s", path, err.text);
        return ncmi_error(NCM_ERR_PARSE, "%s:%d:%d: %s", path, err.line, err.column, err.text);
    }
    *out = root;
    return NCM_OK;
}

ncm_status ncmi_json_load_buffer(const char *text, size_t len, const char *name, json_t **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "NULL JSON text");
    if (!name) name = "<string>";
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) return ncmi_error(NCM_ERR_PARSE, "%s:%d:%d: %s", name, err.line, err.column, err.text);
    *out = root;
    return NCM_OK;
}

static int reals_fit_15(const json_t *v)
{
    size_t i;
    const char *k;
    json_t *c;
    switch (json_typeof(v)) {
    case JSON_REAL: {
        char buf[40];
        snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
        return strtod(buf, NULL) == json_real_value(v);
    }
    case JSON_ARRAY:
        json_array_foreach(v, i, c) if (!reals_fit_15(c)) return 0;
        return 1;
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, k, c) if (!reals_fit_15(c)) return 0;
        return 1;
    default: return 1;
    }
}

ncm_status ncmi_json_write_file(const json_t *root, const char *path)
{
    if (!root || !path) return ncmi_error(NCM_ERR_INVALID, "NULL argument");
    size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(reals_fit_15(root) ? 15 : 17);
    char *text = json_dumps(root, flags);
    if (!text) return ncmi_nomem("JSON text");
    FILE *f = fopen(path, "wb");
    if (!f) {
        int e = errno;
        free(text);
        return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    size_t len = strlen(text);
    int bad = fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF;
    free(text);
    if (fclose(f) != 0) bad = 1;
    if (bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

json_t *ncmi_json_number(double x)
{
    if (isfinite(x) && x == floor(x) && fabs(x) < 9.0e15) return json_integer((json_int_t)x);
    return json_real(x);
}

int ncmi_json_get_number(const json_t *v, double *out)
{
    if (json_is_integer(v)) {
        *out = (double)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v)) {
        *out = json_real_value(v);
        return 0;
    }
    return -1;
}

json_t *ncmi_json_money(ncm_money m)
{
    char buf[48];
    if (ncm_money_format(m, NCM_MONEY_DECIMALS, 0, buf, sizeof buf) != NCM_OK) return NULL;
    return json_string(buf);
}

ncm_status ncmi_json_check_keys(const json_t *obj, const char *where, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        int ok = 0;
        for (const char *const *p = keys; *p; p++)
            if (strcmp(*p, k) == 0) ok = 1;
        if (!ok) return ncmi_error(NCM_ERR_PARSE, "%s.%s: unknown key", where, k);
    }
    return NCM_OK;
}
