/*
 * swig/population.i: population.h.
 *
 * The opaque ncm_population becomes the class PopulationHandle (constructor = read CSV files,
 * destructor = ncm_population_free). Factories (%newobject) build tables from CSV files, CSV text
 * or column arrays. Borrowed library arrays (ages, sexes, ids, ...) come back as read-only
 * BorrowedArray buffers that keep the handle alive (numpy.frombuffer gives zero-copy views).
 * The Pythonic face is ncm/population.py.
 */

%{
static size_t ncmpy_text_len(const ncm_population *pop, ncm_text_field field)
{
    if (field == NCM_TEXT_DIAGNOSIS) {
        const uint64_t *off = ncm_population_dx_offsets(pop);
        return off ? (size_t)off[ncm_population_size(pop)] : 0;
    }
    return ncm_population_size(pop);
}

/* New list of str from a getter: one C loop, GIL held. */
static PyObject *ncmpy_str_list(size_t n, const char *(*get)(const ncm_population *, size_t, size_t),
                                const ncm_population *pop, size_t arg)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (!list) return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = get(pop, arg, i);
        PyObject *o = PyUnicode_DecodeUTF8(s ? s : "", (Py_ssize_t)strlen(s ? s : ""), "replace");
        if (!o) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    return list;
}
static const char *ncmpy_get_text(const ncm_population *pop, size_t field, size_t i)
{
    return ncm_population_text_value(pop, (ncm_text_field)field, (uint32_t)i);
}
static const char *ncmpy_get_attr_text(const ncm_population *pop, size_t k, size_t i)
{
    return ncm_population_attr_text_value(pop, k, (uint32_t)i);
}
static const char *ncmpy_get_attr_name(const ncm_population *pop, size_t unused, size_t k)
{
    (void)unused;
    return ncm_population_attr_name(pop, k);
}
%}

/* ---------------------------------------------------------------- scalar outputs */
NCMPY_OUT_SCALAR(uint32_t, id, PyLong_FromUnsignedLong)
NCMPY_OUT_SCALAR(uint32_t, parent, PyLong_FromUnsignedLong)
NCMPY_OUT_SCALAR(size_t, k_out, PyLong_FromSize_t)
NCMPY_OUT_SCALAR(ncm_level, level_out, PyLong_FromLong)

/* ---------------------------------------------------------------- replaced or hidden C API */
%ignore ncm_text_column;
%ignore ncm_attribute_column;
%ignore ncm_population_columns;
%ignore ncm_population_columns_init;
%ignore ncm_population_from_columns;
%ignore ncm_population_csv_options;
%ignore ncm_population_csv_options_init;
%ignore ncm_population_read_csv;
%ignore ncm_population_read_csv_buffer;
%ignore ncm_population_write_csv;
%ignore ncm_population_free;
%ignore ncm_population_rollup;
%ignore ncm_population_age;
%ignore ncm_population_sex;
%ignore ncm_population_deprivation;
%ignore ncm_population_months;
%ignore ncm_population_cost;
%ignore ncm_population_orec;
%ignore ncm_population_medicaid;
%ignore ncm_population_dx_offsets;
%ignore ncm_population_text_ids;
%ignore ncm_population_attr_numeric;
%ignore ncm_population_attr_text_ids;
%ignore NCM_POPULATION_COLUMNS_INIT;
%ignore NCM_POPULATION_CSV_OPTIONS_INIT;

/* Scalar out-parameters of the kept functions, by their parameter names in population.h. */
%apply size_t *k_out { size_t *k };
%apply ncm_level *level_out { ncm_level *level };

%rename(PopulationHandle) ncm_population;
%include "ncm/population.h"

/* ---------------------------------------------------------------- the handle class */

%apply (uint64_t *OUT_ARRAY, size_t OUT_N) { (uint64_t *people, size_t n_people) };
%apply (double *OUT_ARRAY, size_t OUT_N) { (double *exposure, size_t n_exposure), (double *mean_age, size_t n_mean_age) };
%apply (int64_t *OUT_ARRAY, size_t OUT_N) { (ncm_money *cost, size_t n_cost) };

/* Declared after every %apply its methods need: SWIG wraps a class's %extend methods at the point
 * of the class declaration, with the typemaps known there. */
%nodefaultctor ncm_population;
%feature("docstring") ncm_population "Owning handle of an ncm_population table (see ncm.Population for the Pythonic class).";
struct ncm_population {};


%extend ncm_population {
    %feature("docstring") ncm_population "PopulationHandle(people_path, diagnoses_path=None, flags=0)

Read people.csv (and diagnoses.csv) with ncm_population_read_csv(); flags: NCM_CSV_MONEY_GROUPING.";
    ncm_population(const char *people_path, const char *diagnoses_path = NULL, unsigned flags = 0) {
        ncm_population *pop = NULL;
        ncm_population_csv_options opts = NCM_POPULATION_CSV_OPTIONS_INIT;
        opts.flags = flags;
        ncm_status st = ncm_population_read_csv(people_path, diagnoses_path, &opts, &pop);
        if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
        return pop;
    }
    ~ncm_population() { ncm_population_free($self); }

    /** Number of people (ncm_population_size()). */
    size_t length() { return ncm_population_size($self); }

    /** Ages in whole years (int32, read-only view). */
    ncmpy_span age_array() { return ncmpy_span_make(ncm_population_age($self), ncm_population_size($self), 'i', 4); }
    /** Sex codes 0 unknown, 1 F, 2 M (uint8, read-only view). */
    ncmpy_span sex_array() { return ncmpy_span_make(ncm_population_sex($self), ncm_population_size($self), 'B', 1); }
    /** Deprivation deciles 1-10, 0 unknown (uint8, read-only view). */
    ncmpy_span deprivation_array() { return ncmpy_span_make(ncm_population_deprivation($self), ncm_population_size($self), 'B', 1); }
    /** Months enrolled 0-12 (float64, read-only view). */
    ncmpy_span months_array() { return ncmpy_span_make(ncm_population_months($self), ncm_population_size($self), 'd', 8); }
    /** Annual cost in minor units (int64, read-only view), or None without a cost column. */
    ncmpy_span cost_array() { return ncmpy_span_make(ncm_population_cost($self), ncm_population_size($self), 'q', 8); }
    /** Original reason for entitlement 0-3 (uint8, read-only view). */
    ncmpy_span orec_array() { return ncmpy_span_make(ncm_population_orec($self), ncm_population_size($self), 'B', 1); }
    /** Medicaid flags 0/1 (uint8, read-only view). */
    ncmpy_span medicaid_array() { return ncmpy_span_make(ncm_population_medicaid($self), ncm_population_size($self), 'B', 1); }
    /** CSR offsets of diagnoses, size()+1 entries (uint64, read-only view). */
    ncmpy_span dx_offsets_array() { return ncmpy_span_make(ncm_population_dx_offsets($self), ncm_population_size($self) + 1, 'Q', 8); }
    /** Dictionary ids of a text field (uint32, read-only view); None for NCM_TEXT_PERSON. */
    ncmpy_span text_id_array(int field) {
        return ncmpy_span_make(ncm_population_text_ids($self, (ncm_text_field)field),
                               ncmpy_text_len($self, (ncm_text_field)field), 'I', 4);
    }
    /** Values of a numeric attribute (float64, read-only view), or None. */
    ncmpy_span attr_numeric_array(size_t k) { return ncmpy_span_make(ncm_population_attr_numeric($self, k), ncm_population_size($self), 'd', 8); }
    /** Dictionary ids of a text attribute (uint32, read-only view), or None. */
    ncmpy_span attr_text_id_array(size_t k) { return ncmpy_span_make(ncm_population_attr_text_ids($self, k), ncm_population_size($self), 'I', 4); }

    /** Roll up to a level into caller arrays, each of ncm_population_text_count(level) entries. */
    ncm_status rollup_into(ncm_level level, uint64_t *people, size_t n_people, double *exposure, size_t n_exposure,
                           ncm_money *cost, size_t n_cost, double *mean_age, size_t n_mean_age) {
        if (n_exposure != n_people || n_cost != n_people || n_mean_age != n_people) {
            ncmpy_fail(NCM_ERR_INVALID, "rollup_into: output arrays differ in length (%zu, %zu, %zu, %zu)", n_people,
                       n_exposure, n_cost, n_mean_age);
            return NCM_ERR_INVALID;
        }
        return ncm_population_rollup($self, level, people, exposure, cost, mean_age, n_people);
    }

    /** Write people.csv (and diagnoses.csv unless None) in the canonical format. */
    ncm_status save_csv(const char *people_path, const char *diagnoses_path = NULL) {
        return ncm_population_write_csv($self, people_path, diagnoses_path);
    }
}

/* Methods that build Python lists need the GIL: no %exception (they are quick C loops). */
%noexception ncm_population::text_values;
%noexception ncm_population::attr_text_values;
%noexception ncm_population::attr_names;
%extend ncm_population {
    /** All distinct values of a text field in id order (for NCM_TEXT_PERSON: the person ids). */
    PyObject *text_values(int field) {
        return ncmpy_str_list(ncm_population_text_count($self, (ncm_text_field)field), ncmpy_get_text, $self,
                              (size_t)field);
    }
    /** Distinct values of text attribute k in id order. */
    PyObject *attr_text_values(size_t k) {
        return ncmpy_str_list(ncm_population_attr_text_count($self, k), ncmpy_get_attr_text, $self, k);
    }
    /** Names of the extra attribute columns, in table order. */
    PyObject *attr_names() {
        return ncmpy_str_list(ncm_population_attr_count($self), ncmpy_get_attr_name, $self, 0);
    }
}

/* ---------------------------------------------------------------- factories */
%newobject ncmpy_population_read_csv;
%rename(ncm_population_read_csv) ncmpy_population_read_csv;
%newobject ncmpy_population_read_csv_buffer;
%rename(ncm_population_read_csv_buffer) ncmpy_population_read_csv_buffer;
%apply (const char *IN_BYTES, size_t IN_NBYTES) {
    (const char *people, size_t people_len), (const char *diagnoses, size_t diagnoses_len)
};
%newobject ncmpy_population_from_columns;
%rename(ncm_population_from_columns) ncmpy_population_from_columns;

%apply (const char *const *IN_STRINGS, size_t IN_NSTR) {
    (const char *const *person_id, size_t n),
    (const char *const *practice_levels, size_t n_practice_levels),
    (const char *const *network_levels, size_t n_network_levels),
    (const char *const *place_levels, size_t n_place_levels),
    (const char *const *system_levels, size_t n_system_levels),
    (const char *const *segment_levels, size_t n_segment_levels),
    (const char *const *dx_levels, size_t n_dx_levels),
    (const char *const *attr_names, size_t n_attr_names),
    (const char *const *attr_levels, size_t n_attr_levels)
};
%apply (const int32_t *IN_ARRAY, size_t IN_N) { (const int32_t *age, size_t n_age) };
%apply (const uint8_t *IN_ARRAY, size_t IN_N) { (const uint8_t *sex, size_t n_sex) };
%apply (const uint32_t *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const uint32_t *practice, size_t n_practice), (const uint32_t *network, size_t n_network),
    (const uint32_t *place, size_t n_place), (const uint32_t *system, size_t n_system),
    (const uint32_t *segment, size_t n_segment), (const uint32_t *dx_codes, size_t n_dx_codes),
    (const uint32_t *attr_text, size_t n_attr_text)
};
%apply (const uint8_t *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const uint8_t *deprivation_decile, size_t n_deprivation_decile), (const uint8_t *orec, size_t n_orec),
    (const uint8_t *medicaid, size_t n_medicaid), (const uint8_t *attr_kinds, size_t n_attr_kinds)
};
%apply (const double *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const double *months_enrolled, size_t n_months_enrolled), (const double *attr_numeric, size_t n_attr_numeric)
};
%apply (const int64_t *IN_ARRAY_OPT, size_t IN_N_OPT) { (const ncm_money *annual_cost, size_t n_annual_cost) };
%apply (const uint64_t *IN_ARRAY_OPT, size_t IN_N_OPT) {
    (const uint64_t *dx_offsets, size_t n_dx_offsets), (const uint64_t *attr_nlevels, size_t n_attr_nlevels)
};

%feature("docstring") ncmpy_population_read_csv "ncm_population_read_csv(people_path, diagnoses_path, flags) -> PopulationHandle";
%feature("docstring") ncmpy_population_read_csv_buffer
"ncm_population_read_csv_buffer(people, people_name, diagnoses, diagnoses_name, flags) -> PopulationHandle

people and diagnoses are bytes-like objects (bytes, memoryview, mmap) holding CSV text, read
without a copy; diagnoses may be None.";
%feature("docstring") ncmpy_population_from_columns
"ncm_population_from_columns(person_id, age, sex, practice, practice_levels, network, network_levels,
    place, place_levels, system, system_levels, segment, segment_levels, deprivation_decile,
    months_enrolled, annual_cost, orec, medicaid, dx_offsets, dx_codes, dx_levels, attr_names,
    attr_kinds, attr_numeric, attr_text, attr_levels, attr_nlevels) -> PopulationHandle

Build a table with ncm_population_from_columns(). person_id: sequence of str. age: int32 buffer.
sex: uint8 buffer. Text columns: uint32 index buffer + list of level strings (or None, None).
deprivation_decile/orec/medicaid: uint8 or None; months_enrolled: float64 or None; annual_cost:
int64 minor units or None; dx_offsets: uint64 (n+1) or None; dx_codes: uint32 index into dx_levels.
Attributes: attr_names (list), attr_kinds (uint8: 0 numeric, 1 text), attr_numeric (float64, the
numeric columns one after another), attr_text (uint32, the text columns one after another),
attr_levels (all levels of the text columns one after another), attr_nlevels (uint64, levels per
text column). The arrays are read during the call only (the table copies them).";

%inline %{
ncm_population *ncmpy_population_read_csv(const char *people_path, const char *diagnoses_path, unsigned flags)
{
    ncm_population *pop = NULL;
    ncm_population_csv_options opts = NCM_POPULATION_CSV_OPTIONS_INIT;
    opts.flags = flags;
    ncm_status st = ncm_population_read_csv(people_path, diagnoses_path, &opts, &pop);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return pop;
}

ncm_population *ncmpy_population_read_csv_buffer(const char *people, size_t people_len, const char *people_name,
                                                 const char *diagnoses, size_t diagnoses_len,
                                                 const char *diagnoses_name, unsigned flags)
{
    ncm_population *pop = NULL;
    ncm_population_csv_options opts = NCM_POPULATION_CSV_OPTIONS_INIT;
    opts.flags = flags;
    ncm_status st = ncm_population_read_csv_buffer(people, people_len, people_name, diagnoses, diagnoses_len,
                                                   diagnoses_name, &opts, &pop);
    if (st != NCM_OK) ncmpy_raise_status(st, ncm_last_error());
    return pop;
}

ncm_population *ncmpy_population_from_columns(
    const char *const *person_id, size_t n,
    const int32_t *age, size_t n_age,
    const uint8_t *sex, size_t n_sex,
    const uint32_t *practice, size_t n_practice, const char *const *practice_levels, size_t n_practice_levels,
    const uint32_t *network, size_t n_network, const char *const *network_levels, size_t n_network_levels,
    const uint32_t *place, size_t n_place, const char *const *place_levels, size_t n_place_levels,
    const uint32_t *system, size_t n_system, const char *const *system_levels, size_t n_system_levels,
    const uint32_t *segment, size_t n_segment, const char *const *segment_levels, size_t n_segment_levels,
    const uint8_t *deprivation_decile, size_t n_deprivation_decile,
    const double *months_enrolled, size_t n_months_enrolled,
    const ncm_money *annual_cost, size_t n_annual_cost,
    const uint8_t *orec, size_t n_orec,
    const uint8_t *medicaid, size_t n_medicaid,
    const uint64_t *dx_offsets, size_t n_dx_offsets,
    const uint32_t *dx_codes, size_t n_dx_codes, const char *const *dx_levels, size_t n_dx_levels,
    const char *const *attr_names, size_t n_attr_names,
    const uint8_t *attr_kinds, size_t n_attr_kinds,
    const double *attr_numeric, size_t n_attr_numeric,
    const uint32_t *attr_text, size_t n_attr_text,
    const char *const *attr_levels, size_t n_attr_levels,
    const uint64_t *attr_nlevels, size_t n_attr_nlevels)
{
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    ncm_population *pop = NULL;
    ncm_attribute_column *attrs = NULL;
    const uint32_t *geo[NCM_LEVEL_COUNT] = {practice, network, place, system};
    const size_t ngeo[NCM_LEVEL_COUNT] = {n_practice, n_network, n_place, n_system};
    const char *const *geo_levels[NCM_LEVEL_COUNT] = {practice_levels, network_levels, place_levels, system_levels};
    const size_t ngeo_levels[NCM_LEVEL_COUNT] = {n_practice_levels, n_network_levels, n_place_levels,
                                                 n_system_levels};
    static const char *const geo_names[NCM_LEVEL_COUNT] = {"practice", "network", "place", "system"};
#define NCMPY_LEN(ptr, got, want, name)                                                                         \
    if ((ptr) && (got) != (want)) {                                                                             \
        ncmpy_fail(NCM_ERR_INVALID, "%s: %zu values for %zu people", name, (size_t)(got), (size_t)(want));   \
        return NULL;                                                                                            \
    }
    NCMPY_LEN(age, n_age, n, "age")
    NCMPY_LEN(sex, n_sex, n, "sex")
    NCMPY_LEN(segment, n_segment, n, "segment")
    NCMPY_LEN(deprivation_decile, n_deprivation_decile, n, "deprivation_decile")
    NCMPY_LEN(months_enrolled, n_months_enrolled, n, "months_enrolled")
    NCMPY_LEN(annual_cost, n_annual_cost, n, "annual_cost")
    NCMPY_LEN(orec, n_orec, n, "orec")
    NCMPY_LEN(medicaid, n_medicaid, n, "medicaid")
    NCMPY_LEN(dx_offsets, n_dx_offsets, n + 1, "dx_offsets")
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) NCMPY_LEN(geo[l], ngeo[l], n, geo_names[l])
#undef NCMPY_LEN
    if (!person_id || !age || !sex) {
        ncmpy_fail(NCM_ERR_INVALID, "%s: required column missing", !person_id ? "person_id" : !age ? "age" : "sex");
        return NULL;
    }
    if (dx_offsets && (!dx_codes || n_dx_codes != dx_offsets[n])) {
        ncmpy_fail(NCM_ERR_INVALID, "dx_codes: %zu codes but dx_offsets[%zu] = %llu", n_dx_codes, n,
                   (unsigned long long)dx_offsets[n]);
        return NULL;
    }
    c.n = n;
    c.person_id.values = person_id;
    c.age = age;
    c.sex = sex;
    for (int l = 0; l < NCM_LEVEL_COUNT; l++)
        if (geo[l]) {
            c.geo[l].index = geo[l];
            c.geo[l].levels = geo_levels[l];
            c.geo[l].nlevels = ngeo_levels[l];
        }
    if (segment) {
        c.segment.index = segment;
        c.segment.levels = segment_levels;
        c.segment.nlevels = n_segment_levels;
    }
    c.deprivation_decile = deprivation_decile;
    c.months_enrolled = months_enrolled;
    c.annual_cost = annual_cost;
    c.orec = orec;
    c.medicaid = medicaid;
    if (dx_offsets) {
        c.dx_offsets = dx_offsets;
        c.dx_codes.index = dx_codes;
        c.dx_codes.levels = dx_levels;
        c.dx_codes.nlevels = n_dx_levels;
    }
    if (n_attr_names) {
        size_t knum = 0, ktxt = 0, lev = 0;
        if (n_attr_kinds != n_attr_names) {
            ncmpy_fail(NCM_ERR_INVALID, "attr_kinds: %zu kinds for %zu attributes", n_attr_kinds, n_attr_names);
            return NULL;
        }
        for (size_t a = 0; a < n_attr_names; a++) {
            if (attr_kinds[a] > 1) {
                ncmpy_fail(NCM_ERR_INVALID, "attr_kinds[%zu]: %u is not 0 (numeric) or 1 (text)", a,
                           (unsigned)attr_kinds[a]);
                return NULL;
            }
            if (attr_kinds[a] == 0) knum++;
            else ktxt++;
        }
        if (n_attr_numeric != knum * n || n_attr_text != ktxt * n || n_attr_nlevels != ktxt) {
            ncmpy_fail(NCM_ERR_INVALID, "attributes: array sizes do not match %zu numeric and %zu text columns of %zu",
                       knum, ktxt, n);
            return NULL;
        }
        for (size_t t = 0; t < ktxt; t++) lev += (size_t)attr_nlevels[t];
        if (lev != n_attr_levels) {
            ncmpy_fail(NCM_ERR_INVALID, "attr_levels: %zu levels but attr_nlevels sums to %zu", n_attr_levels, lev);
            return NULL;
        }
        attrs = (ncm_attribute_column *)calloc(n_attr_names, sizeof *attrs);
        if (!attrs) {
            ncmpy_fail(NCM_ERR_NOMEM, "attributes: out of memory");
            return NULL;
        }
        size_t inum = 0, itxt = 0;
        lev = 0;
        for (size_t a = 0; a < n_attr_names; a++) {
            attrs[a].name = attr_names[a];
            if (attr_kinds[a] == 0) {
                attrs[a].numeric = attr_numeric + inum * n;
                inum++;
            } else {
                attrs[a].text.index = attr_text + itxt * n;
                attrs[a].text.levels = attr_levels + lev;
                attrs[a].text.nlevels = (size_t)attr_nlevels[itxt];
                lev += (size_t)attr_nlevels[itxt];
                itxt++;
            }
        }
        c.attributes = attrs;
        c.nattributes = n_attr_names;
    }
    ncm_status st = ncm_population_from_columns(&c, &pop);
    free(attrs);
    if (st != NCM_OK) {
        ncmpy_raise_status(st, ncm_last_error());
        return NULL;
    }
    return pop;
}
%}
