/*
 * swig/risk.i: risk.h.
 *
 * ncm_risk_model becomes the class RiskModelHandle and ncm_risk_result the class RiskResultHandle
 * (destructors free them). Constructors are %newobject factories that raise the ncm.Error subclass
 * on failure. Scores are written straight into caller-allocated numpy arrays; the explanation
 * (terms per person) comes back as flat CSR arrays filled in one C loop, or as one str per person
 * built in C (no per-person Python loop). The Pythonic face is ncm/risk.py.
 */

/* ---------------------------------------------------------------- replaced or hidden C API */
%ignore ncm_risk_options;
%ignore ncm_risk_options_init;
%ignore ncm_risk_model_cms_hcc;
%ignore ncm_risk_model_read;
%ignore ncm_risk_model_age_sex;
%ignore ncm_risk_model_charlson;
%ignore ncm_risk_model_elixhauser;
%ignore ncm_risk_model_free;
%ignore ncm_risk_model_coefficient;
%ignore ncm_risk_score;
%ignore ncm_risk_result_free;
%ignore ncm_risk_result_terms;
%ignore ncm_risk_result_unknown;
%ignore ncm_risk_result_unknown_code;
%ignore ncm_risk_normalize;
%ignore ncm_risk_cap_growth;
%ignore ncm_risk_weighted_population;
%ignore NCM_RISK_OPTIONS_INIT;

%rename(RiskModelHandle) ncm_risk_model;
%rename(RiskResultHandle) ncm_risk_result;
%include "ncm/risk.h"

/* ---------------------------------------------------------------- typemaps used by the classes */
NCMPY_OUT_SCALAR(double, value_out, PyFloat_FromDouble)
%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *offsets, size_t n_offsets) };
%apply (uint32_t *OUT_ARRAY, size_t OUT_N) { (uint32_t *term_ids, size_t n_term_ids) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *coefficients, size_t n_coefficients) };
%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *occurrences, size_t n_occurrences) };

%nodefaultctor ncm_risk_model;
%feature("docstring") ncm_risk_model "Owning handle of an ncm_risk_model (see ncm.RiskModel for the Pythonic class).";
struct ncm_risk_model {};
%nodefaultctor ncm_risk_result;
%feature("docstring") ncm_risk_result "Owning handle of an ncm_risk_result (see ncm.RiskModel.score).";
struct ncm_risk_result {};

%extend ncm_risk_model {
    ~ncm_risk_model() { ncm_risk_model_free($self); }
    /** The coefficient of `term` in `segment` (None or "" for the first segment). */
    ncm_status coef(const char *segment, const char *term, double *value_out) {
        return ncm_risk_model_coefficient($self, segment, term, value_out);
    }
    /** Write the model in ncm's one-file CSV format. */
    ncm_status save(const char *path) { return ncm_risk_model_write($self, path); }
}

%extend ncm_risk_result {
    ~ncm_risk_result() { ncm_risk_result_free($self); }
    /** Number of people. */
    size_t length() { return ncm_risk_result_size($self); }
    /** Unknown-code occurrences per person (uint32, read-only view). */
    ncmpy_span unknown_array() {
        return ncmpy_span_make(ncm_risk_result_unknown($self), ncm_risk_result_size($self), 'I', 4);
    }
    /** Total unknown-code occurrences. */
    uint64_t unknown_sum() { return ncm_risk_result_unknown_total($self); }
    /** Number of terms recorded over all people (0 when scored without terms). */
    uint64_t term_total() {
        uint64_t total = 0;
        size_t n = ncm_risk_result_size($self);
        for (size_t i = 0; i < n; i++) {
            size_t c = 0;
            const uint32_t *ids = NULL;
            const double *co = NULL;
            if (ncm_risk_result_terms($self, i, &c, &ids, &co) != NCM_OK) return 0;
            total += c;
        }
        return total;
    }
    /** Fill CSR arrays: offsets (n+1), term ids and coefficients (term_total() each). */
    ncm_status terms_into(uint64_t *offsets, size_t n_offsets, uint32_t *term_ids, size_t n_term_ids,
                          double *coefficients, size_t n_coefficients) {
        size_t n = ncm_risk_result_size($self);
        uint64_t k = 0;
        if (n_offsets != n + 1 || n_coefficients != n_term_ids) {
            ncmpy_fail(NCM_ERR_INVALID, "terms_into: %zu offsets for %zu people, %zu ids, %zu coefficients",
                       n_offsets, n, n_term_ids, n_coefficients);
            return NCM_ERR_INVALID;
        }
        offsets[0] = 0;
        for (size_t i = 0; i < n; i++) {
            size_t c = 0;
            const uint32_t *ids = NULL;
            const double *co = NULL;
            ncm_status st = ncm_risk_result_terms($self, i, &c, &ids, &co);
            if (st != NCM_OK) return st;
            if (k + c > n_term_ids) {
                ncmpy_fail(NCM_ERR_BUFFER, "terms_into: more than %zu terms", n_term_ids);
                return NCM_ERR_BUFFER;
            }
            memcpy(term_ids + k, ids, c * sizeof *ids);
            memcpy(coefficients + k, co, c * sizeof *co);
            k += c;
            offsets[i + 1] = k;
        }
        return NCM_OK;
    }
    /** Occurrences of each distinct unknown code, in code order (unknown_code_count() entries). */
    ncm_status unknown_occurrences_into(uint64_t *occurrences, size_t n_occurrences) {
        size_t m = ncm_risk_result_unknown_code_count($self);
        if (n_occurrences < m) {
            ncmpy_fail(NCM_ERR_BUFFER, "unknown_occurrences_into: %zu entries for %zu codes", n_occurrences, m);
            return NCM_ERR_BUFFER;
        }
        for (size_t k = 0; k < m; k++) {
            const char *code = NULL;
            ncm_status st = ncm_risk_result_unknown_code($self, k, &code, &occurrences[k]);
            if (st != NCM_OK) return st;
        }
        return NCM_OK;
    }
}

/* Methods that build Python objects keep the GIL (quick C loops). */
%noexception ncm_risk_result::term_names;
%noexception ncm_risk_result::term_kinds;
%noexception ncm_risk_result::unknown_codes;
%noexception ncm_risk_result::terms_text;
%extend ncm_risk_result {
    /** Names of the term ids 0, 1, ... of this result (list of str). */
    PyObject *term_names() {
        uint32_t m = 0;
        while (ncm_risk_result_term_name($self, m)) m++;
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (uint32_t t = 0; t < m; t++) {
            PyObject *o = PyUnicode_FromString(ncm_risk_result_term_name($self, t));
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)t, o);
        }
        return list;
    }
    /** Kinds (0 category, 1 interaction, 2 count, 3 demographic) of the term ids, list of int. */
    PyObject *term_kinds() {
        uint32_t m = 0;
        while (ncm_risk_result_term_name($self, m)) m++;
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (uint32_t t = 0; t < m; t++) {
            PyObject *o = PyLong_FromLong(ncm_risk_result_term_kind($self, t));
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)t, o);
        }
        return list;
    }
    /** The distinct unknown codes in code order (list of str). */
    PyObject *unknown_codes() {
        size_t m = ncm_risk_result_unknown_code_count($self);
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (size_t k = 0; k < m; k++) {
            const char *code = NULL;
            uint64_t occ = 0;
            if (ncm_risk_result_unknown_code($self, k, &code, &occ) != NCM_OK) code = "";
            PyObject *o = PyUnicode_DecodeUTF8(code, (Py_ssize_t)strlen(code), "replace");
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)k, o);
        }
        return list;
    }
    /** One str per person: the names of the terms that fired joined by `sep` (one C loop). */
    PyObject *terms_text(const char *sep) {
        size_t n = ncm_risk_result_size($self);
        size_t seplen = strlen(sep);
        size_t bufcap = 256;
        char *buf = (char *)malloc(bufcap);
        PyObject *list = buf ? PyList_New((Py_ssize_t)n) : NULL;
        if (!list) {
            free(buf);
            return buf ? NULL : PyErr_NoMemory();
        }
        for (size_t i = 0; i < n; i++) {
            size_t c = 0, len = 0;
            const uint32_t *ids = NULL;
            const double *co = NULL;
            ncm_status st = ncm_risk_result_terms($self, i, &c, &ids, &co);
            if (st != NCM_OK) {
                free(buf);
                Py_DECREF(list);
                ncmpy_raise_status(st, ncm_last_error());
                return NULL;
            }
            for (size_t t = 0; t < c; t++) {
                const char *name = ncm_risk_result_term_name($self, ids[t]);
                size_t nl = strlen(name);
                if (len + nl + seplen + 1 > bufcap) {
                    while (len + nl + seplen + 1 > bufcap) bufcap *= 2;
                    char *nb = (char *)realloc(buf, bufcap);
                    if (!nb) {
                        free(buf);
                        Py_DECREF(list);
                        return PyErr_NoMemory();
                    }
                    buf = nb;
                }
                if (t) {
                    memcpy(buf + len, sep, seplen);
                    len += seplen;
                }
                memcpy(buf + len, name, nl);
                len += nl;
            }
            PyObject *o = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
            if (!o) {
                free(buf);
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, (Py_ssize_t)i, o);
        }
        free(buf);
        return list;
    }
}

/* ---------------------------------------------------------------- factories and bulk calls */
%newobject ncmpy_risk_model_cms_hcc;
%newobject ncmpy_risk_model_read;
%newobject ncmpy_risk_model_age_sex;
%newobject ncmpy_risk_model_charlson;
%newobject ncmpy_risk_model_elixhauser;
%newobject ncmpy_risk_score;
%rename(ncm_risk_model_cms_hcc) ncmpy_risk_model_cms_hcc;
%rename(ncm_risk_model_read) ncmpy_risk_model_read;
%rename(ncm_risk_model_age_sex) ncmpy_risk_model_age_sex;
%rename(ncm_risk_model_charlson) ncmpy_risk_model_charlson;
%rename(ncm_risk_model_elixhauser) ncmpy_risk_model_elixhauser;
%rename(ncm_risk_score) ncmpy_risk_score;
%rename(ncm_risk_normalize) ncmpy_risk_normalize;
%rename(ncm_risk_cap_growth) ncmpy_risk_cap_growth;
%rename(ncm_risk_weighted_population) ncmpy_risk_weighted_population;

%apply (double *OUT_ARRAY, size_t OUT_N) {
    (double *raw, size_t n_raw), (double *payment, size_t n_payment), (double *out, size_t n_out),
    (double *weighted, size_t n_weighted)
};
%apply (const double *IN_ARRAY, size_t IN_N) { (const double *scores, size_t n_scores), (const double *last, size_t n_last) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *exposure, size_t n_exposure) };
NCMPY_OUT_SCALAR(double, used_factor_out, PyFloat_FromDouble)
NCMPY_OUT_SCALAR(size_t, capped_out, PyLong_FromSize_t)

%feature("docstring") ncmpy_risk_score
"ncm_risk_score(model, population, flags, normalization, coding_intensity, raw, payment) -> RiskResultHandle

Score every person: raw and payment are writable float64 arrays of the population's size; flags 0 or
NCM_RISK_NO_TERMS. The result holds the terms and the unknown codes.";

%inline %{
ncm_risk_model *ncmpy_risk_model_cms_hcc(const char *tables_dir, int version)
{
    ncm_risk_model *m = NULL;
    ncm_status st = ncm_risk_model_cms_hcc(tables_dir, (ncm_cms_hcc_version)version, &m);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return m;
}

ncm_risk_model *ncmpy_risk_model_read(const char *path)
{
    ncm_risk_model *m = NULL;
    ncm_status st = ncm_risk_model_read(path, &m);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return m;
}

ncm_risk_model *ncmpy_risk_model_age_sex(const char *path)
{
    ncm_risk_model *m = NULL;
    ncm_status st = ncm_risk_model_age_sex(path, &m);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return m;
}

ncm_risk_model *ncmpy_risk_model_charlson(int weights)
{
    ncm_risk_model *m = NULL;
    ncm_status st = ncm_risk_model_charlson((ncm_charlson_weights)weights, &m);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return m;
}

ncm_risk_model *ncmpy_risk_model_elixhauser(void)
{
    ncm_risk_model *m = NULL;
    ncm_status st = ncm_risk_model_elixhauser(&m);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return m;
}

ncm_risk_result *ncmpy_risk_score(const ncm_risk_model *model, const ncm_population *population, unsigned flags,
                                   double normalization, double coding_intensity, double *raw, size_t n_raw,
                                   double *payment, size_t n_payment)
{
    ncm_risk_options o = NCM_RISK_OPTIONS_INIT;
    ncm_risk_result *r = NULL;
    if (n_raw != n_payment) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_risk_score: raw has %zu entries, payment %zu", n_raw, n_payment);
        return NULL;
    }
    o.flags = flags;
    o.normalization = normalization;
    o.coding_intensity = coding_intensity;
    ncm_status st = ncm_risk_score(model, population, &o, raw, payment, n_raw, &r);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return r;
}

ncm_status ncmpy_risk_normalize(const double *scores, size_t n_scores, const double *exposure, size_t n_exposure,
                                double factor, double *out, size_t n_out, double *used_factor_out)
{
    if ((exposure && n_exposure != n_scores) || n_out != n_scores) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_risk_normalize: %zu scores, %zu exposures, %zu outputs", n_scores,
                   n_exposure, n_out);
        return NCM_ERR_INVALID;
    }
    return ncm_risk_normalize(scores, exposure, n_scores, factor, out, used_factor_out);
}

ncm_status ncmpy_risk_cap_growth(const double *scores, size_t n_scores, const double *last, size_t n_last,
                                 double max_growth, double *out, size_t n_out, size_t *capped_out)
{
    if (n_last != n_scores || n_out != n_scores) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_risk_cap_growth: %zu scores, %zu last-year scores, %zu outputs", n_scores,
                   n_last, n_out);
        return NCM_ERR_INVALID;
    }
    return ncm_risk_cap_growth(scores, last, n_scores, max_growth, out, capped_out);
}

ncm_status ncmpy_risk_weighted_population(const ncm_population *population, const double *scores, size_t n_scores,
                                          int level, double *weighted, size_t n_weighted)
{
    if (n_scores != ncm_population_size(population)) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_risk_weighted_population: %zu scores for %zu people", n_scores,
                   ncm_population_size(population));
        return NCM_ERR_INVALID;
    }
    return ncm_risk_weighted_population(population, scores, (ncm_level)level, weighted, n_weighted);
}
%}
