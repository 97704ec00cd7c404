/*
 * swig/segment.i: segment.h.
 *
 * ncm_condition_groups -> ConditionGroupsHandle, ncm_segmentation -> SegmentationHandle,
 * ncm_segment_summary -> SegmentSummaryHandle (destructors free them). Factories are %newobject and
 * raise the ncm.Error subclass on failure. Segment ids, masks and summary columns cross as numpy
 * buffers (caller-allocated outputs). The Pythonic face is ncm/segment.py.
 */

%ignore ncm_condition_groups_builtin;
%ignore ncm_condition_groups_read_csv;
%ignore ncm_condition_groups_free;
%ignore ncm_condition_groups_find;
%ignore ncm_condition_groups_match;
%ignore ncm_condition_groups_assign;
%ignore ncm_segmentation_read_json;
%ignore ncm_segmentation_read_json_buffer;
%ignore ncm_segmentation_to_json;
%ignore ncm_segmentation_json_free;
%ignore ncm_segmentation_bridges_to_health;
%ignore ncm_segmentation_risk_tiers;
%ignore ncm_segmentation_age_ltc;
%ignore ncm_segmentation_free;
%ignore ncm_segmentation_segment_find;
%ignore ncm_segmentation_assign;
%ignore ncm_segmentation_assign_rules;
%ignore ncm_segment_summarize;
%ignore ncm_segment_summary_free;
%ignore ncm_segment_summary_people;
%ignore ncm_segment_summary_exposure;
%ignore ncm_segment_summary_cost;
%ignore ncm_segment_summary_mean_risk;
%ignore ncm_segment_summary_cost_share;
%ignore ncm_segment_crosstab;

%rename(ConditionGroupsHandle) ncm_condition_groups;
%rename(SegmentationHandle) ncm_segmentation;
%rename(SegmentSummaryHandle) ncm_segment_summary;
%include "ncm/segment.h"

/* ---------------------------------------------------------------- typemaps used by the classes */
NCMPY_OUT_SCALAR(uint64_t, mask_out, PyLong_FromUnsignedLongLong)
NCMPY_OUT_SCALAR(size_t, group_out, PyLong_FromSize_t)
NCMPY_OUT_SCALAR(uint32_t, segment_out, PyLong_FromUnsignedLong)
%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *mask, size_t n_mask), (uint64_t *people, size_t n_people) };
%apply (uint8_t *OUT_ARRAY, size_t OUT_N) { (uint8_t *ltc_count, size_t n_ltc_count) };
%apply (uint32_t *OUT_ARRAY, size_t OUT_N) { (uint32_t *segment, size_t n_segment) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *values, size_t n_values), (double *exposure, size_t n_exposure) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *cost, size_t n_cost) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *scores, size_t nscores) };

/* The rule-index array is optional: None -> (NULL, 0). */
%typemap(in) (uint32_t *rule, size_t n_rule) (Py_buffer view, int have = 0) {
    if ($input == Py_None) {
        $1 = NULL;
        $2 = 0;
    } else {
        if (ncmpy_get_buffer($input, &view, 1, 'u', 4, "$symname", "rule") < 0) SWIG_fail;
        have = 1;
        $1 = (uint32_t *)view.buf;
        $2 = (size_t)(view.len / 4);
    }
}
%typemap(freearg) (uint32_t *rule, size_t n_rule) {
    if (have$argnum) PyBuffer_Release(&view$argnum);
}

%nodefaultctor ncm_condition_groups;
%feature("docstring") ncm_condition_groups "Owning handle of an ncm_condition_groups table (see ncm.ConditionGroups).";
struct ncm_condition_groups {};
%nodefaultctor ncm_segmentation;
%feature("docstring") ncm_segmentation "Owning handle of an ncm_segmentation rule set (see ncm.Segmentation).";
struct ncm_segmentation {};
%nodefaultctor ncm_segment_summary;
%feature("docstring") ncm_segment_summary "Owning handle of an ncm_segment_summary (see ncm.Segmentation.summary).";
struct ncm_segment_summary {};

%extend ncm_condition_groups {
    ~ncm_condition_groups() { ncm_condition_groups_free($self); }
    /** Index of a group by name. */
    ncm_status index_of(const char *name, size_t *group_out) { return ncm_condition_groups_find($self, name, group_out); }
    /** Group mask of one code. */
    ncm_status code_mask(const char *code, uint64_t *mask_out) { return ncm_condition_groups_match($self, code, mask_out); }
    /** Masks and LTC counts of every person into caller arrays of the population's size. */
    ncm_status assign_into(const ncm_population *pop, uint64_t *mask, size_t n_mask, uint8_t *ltc_count,
                           size_t n_ltc_count) {
        if (n_mask != n_ltc_count) {
            ncmpy_fail(NCM_ERR_INVALID, "assign_into: %zu masks, %zu counts", n_mask, n_ltc_count);
            return NCM_ERR_INVALID;
        }
        return ncm_condition_groups_assign($self, pop, mask, ltc_count, n_mask);
    }
}

%extend ncm_segmentation {
    ~ncm_segmentation() { ncm_segmentation_free($self); }
    /** Id of a segment by name. */
    ncm_status segment_id(const char *name, uint32_t *segment_out) {
        return ncm_segmentation_segment_find($self, name, segment_out);
    }
    /** Segment ids (and, if `rule` is not None, rule indices) of every person into caller uint32 arrays. */
    ncm_status assign_into(const ncm_population *pop, const double *scores, size_t nscores, uint32_t *segment,
                           size_t n_segment, uint32_t *rule, size_t n_rule) {
        if (rule && n_rule != n_segment) {
            ncmpy_fail(NCM_ERR_INVALID, "assign_into: %zu segment ids, %zu rule indices", n_segment, n_rule);
            return NCM_ERR_INVALID;
        }
        if (rule) return ncm_segmentation_assign_rules($self, pop, scores, nscores, segment, rule, n_segment);
        return ncm_segmentation_assign($self, pop, scores, nscores, segment, n_segment);
    }
    /** Write the rule set as a JSON file. */
    ncm_status save(const char *path) { return ncm_segmentation_write_json($self, path); }
}

%noexception ncm_condition_groups::names;
%noexception ncm_segmentation::segment_names;
%noexception ncm_segmentation::rule_names;
%noexception ncm_segmentation::json_text;
%extend ncm_condition_groups {
    /** Group names in index order (list of str). */
    PyObject *names() {
        size_t m = ncm_condition_groups_count($self);
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (size_t k = 0; k < m; k++) {
            PyObject *o = PyUnicode_FromString(ncm_condition_groups_name($self, k));
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)k, o);
        }
        return list;
    }
}
%extend ncm_segmentation {
    /** Segment names in id order (list of str). */
    PyObject *segment_names() {
        uint32_t m = ncm_segmentation_segment_count($self);
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (uint32_t k = 0; k < m; k++) {
            PyObject *o = PyUnicode_FromString(ncm_segmentation_segment_name($self, k));
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)k, o);
        }
        return list;
    }
    /** Rule names in priority order (list of str). */
    PyObject *rule_names() {
        size_t m = ncm_segmentation_rule_count($self);
        PyObject *list = PyList_New((Py_ssize_t)m);
        if (!list) return NULL;
        for (size_t k = 0; k < m; k++) {
            PyObject *o = PyUnicode_FromString(ncm_segmentation_rule_name($self, k));
            if (!o) { Py_DECREF(list); return NULL; }
            PyList_SET_ITEM(list, (Py_ssize_t)k, o);
        }
        return list;
    }
    /** The rule set as JSON text (str). */
    PyObject *json_text() {
        char *text = NULL;
        ncm_status st = ncm_segmentation_to_json($self, &text);
        if (st != NCM_OK) {
            ncmpy_raise_status(st, ncm_last_error());
            return NULL;
        }
        PyObject *o = PyUnicode_FromString(text);
        ncm_segmentation_json_free(text);
        return o;
    }
}

%extend ncm_segment_summary {
    ~ncm_segment_summary() { ncm_segment_summary_free($self); }
    ncm_status people_into(uint64_t *people, size_t n_people) { return ncm_segment_summary_people($self, people, n_people); }
    ncm_status exposure_into(double *values, size_t n_values) { return ncm_segment_summary_exposure($self, values, n_values); }
    ncm_status cost_into(ncm_money *cost, size_t n_cost) { return ncm_segment_summary_cost($self, cost, n_cost); }
    ncm_status mean_risk_into(double *values, size_t n_values) { return ncm_segment_summary_mean_risk($self, values, n_values); }
    ncm_status cost_share_into(double *values, size_t n_values) { return ncm_segment_summary_cost_share($self, values, n_values); }
}

/* ---------------------------------------------------------------- factories and bulk calls */
%newobject ncmpy_condition_groups_builtin;
%newobject ncmpy_condition_groups_read_csv;
%newobject ncmpy_segmentation_read_json;
%newobject ncmpy_segmentation_read_json_buffer;
%newobject ncmpy_segmentation_bridges_to_health;
%newobject ncmpy_segmentation_risk_tiers;
%newobject ncmpy_segmentation_age_ltc;
%newobject ncmpy_segment_summarize;
%rename(ncm_condition_groups_builtin) ncmpy_condition_groups_builtin;
%rename(ncm_condition_groups_read_csv) ncmpy_condition_groups_read_csv;
%rename(ncm_segmentation_read_json) ncmpy_segmentation_read_json;
%rename(ncm_segmentation_read_json_buffer) ncmpy_segmentation_read_json_buffer;
%rename(ncm_segmentation_bridges_to_health) ncmpy_segmentation_bridges_to_health;
%rename(ncm_segmentation_risk_tiers) ncmpy_segmentation_risk_tiers;
%rename(ncm_segmentation_age_ltc) ncmpy_segmentation_age_ltc;
%rename(ncm_segment_summarize) ncmpy_segment_summarize;
%rename(ncm_segment_crosstab) ncmpy_segment_crosstab;

%apply (const char *IN_BYTES, size_t IN_NBYTES) { (const char *text, size_t len) };
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) { (const double *top_percent, size_t n_top_percent) };
%apply (const int32_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const int32_t *band_starts, size_t nbands) };
%apply (const uint32_t *IN_ARRAY, size_t IN_N) {
    (const uint32_t *segment_ids, size_t n_segment_ids), (const uint32_t *a, size_t n_a), (const uint32_t *b, size_t n_b)
};
%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *people_out, size_t n_people_out) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *exposure_out, size_t n_exposure_out) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *cost_out, size_t n_cost_out) };

%inline %{
ncm_condition_groups *ncmpy_condition_groups_builtin(void)
{
    ncm_condition_groups *g = NULL;
    ncm_status st = ncm_condition_groups_builtin(&g);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return g;
}

ncm_condition_groups *ncmpy_condition_groups_read_csv(const char *path)
{
    ncm_condition_groups *g = NULL;
    ncm_status st = ncm_condition_groups_read_csv(path, &g);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return g;
}

ncm_segmentation *ncmpy_segmentation_read_json(const char *path, const ncm_condition_groups *groups)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_read_json(path, groups, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_segmentation *ncmpy_segmentation_read_json_buffer(const char *text, size_t len, const char *name,
                                                      const ncm_condition_groups *groups)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_read_json_buffer(text ? text : "", len, name, groups, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_segmentation *ncmpy_segmentation_bridges_to_health(const ncm_condition_groups *groups)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_bridges_to_health(groups, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_segmentation *ncmpy_segmentation_risk_tiers(const double *top_percent, size_t n_top_percent)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_risk_tiers(top_percent, n_top_percent, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_segmentation *ncmpy_segmentation_age_ltc(const int32_t *band_starts, size_t nbands,
                                             const ncm_condition_groups *groups)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_age_ltc(band_starts, nbands, groups, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_segment_summary *ncmpy_segment_summarize(const ncm_population *pop, const uint32_t *segment_ids,
                                             size_t n_segment_ids, uint32_t nsegments, const double *scores,
                                             size_t nscores, int level)
{
    ncm_segment_summary *s = NULL;
    if (scores && nscores != n_segment_ids) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_segment_summarize: %zu scores for %zu people", nscores, n_segment_ids);
        return NULL;
    }
    ncm_status st = ncm_segment_summarize(pop, segment_ids, n_segment_ids, nsegments, scores, level, &s);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return s;
}

ncm_status ncmpy_segment_crosstab(const uint32_t *a, size_t n_a, uint32_t na, const uint32_t *b, size_t n_b,
                                  uint32_t nb, const ncm_population *pop, uint64_t *people_out,
                                  size_t n_people_out, double *exposure_out, size_t n_exposure_out,
                                  ncm_money *cost_out, size_t n_cost_out)
{
    if (n_a != n_b) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_segment_crosstab: %zu ids in the first segmentation, %zu in the second",
                   n_a, n_b);
        return NCM_ERR_INVALID;
    }
    if (n_exposure_out != n_people_out || n_cost_out != n_people_out) {
        ncmpy_fail(NCM_ERR_INVALID, "ncm_segment_crosstab: output arrays differ in length");
        return NCM_ERR_INVALID;
    }
    return ncm_segment_crosstab(a, na, b, nb, n_a, pop, people_out, pop ? exposure_out : NULL,
                                pop ? cost_out : NULL, n_people_out);
}
%}
