/* Segmentation rule sets: JSON reader/validator/writer, built-in rule sets, block-wise assignment,
 * summaries and cross-tabulation. Condition groups live in lib/internal/segment_groups.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal/segment_impl.h"

/* ------------------------------------------------------------------ rules */
enum {
    K_AGE, K_SEX, K_DEPRIVATION, K_MONTHS, K_COST, K_LTC, K_ANY, K_ALL, K_NONE, K_RISK, K_PCT, K_FLAG, K_ATTR_RANGE,
    K_ATTR_IN, K_NKINDS
};

/* JSON keys of the clause kinds, in the order clauses are written (attribute kinds share "attribute"). */
static const char *const kind_key[K_NKINDS] = {"age",        "sex",        "deprivation",     "months",   "cost",
                                               "ltc_count",  "any_group",  "all_groups",      "no_group", "risk_score",
                                               "risk_percentile", "flag",  "attribute",       "attribute"};

typedef struct clause {
    int kind;
    int has_lo, has_hi;
    double lo, hi;      /* numeric kinds (integers stored exactly) */
    ncm_money mlo, mhi; /* cost */
    uint64_t mask;      /* group bits, or sex bits (1 << ncm_sex) */
    char *attr;         /* attribute / flag name */
    char **values;      /* attribute "in" values */
    size_t nvalues;
} clause;

typedef struct rule {
    char *name;
    uint32_t segment;
    clause *c;
    size_t nc;
} rule;

struct ncm_segmentation {
    char *name;
    ncm_condition_groups *groups;
    rule *rules;
    size_t nrules;
    ncmi_dict *segments;
    uint32_t def;
};

static void clause_clear(clause *c)
{
    ncmi_free(c->attr);
    for (size_t i = 0; i < c->nvalues; i++) ncmi_free(c->values[i]);
    ncmi_free(c->values);
}

void ncm_segmentation_free(ncm_segmentation *s)
{
    if (!s) return;
    for (size_t r = 0; r < s->nrules; r++) {
        for (size_t k = 0; k < s->rules[r].nc; k++) clause_clear(&s->rules[r].c[k]);
        ncmi_free(s->rules[r].c);
        ncmi_free(s->rules[r].name);
    }
    ncmi_free(s->rules);
    ncmi_free(s->name);
    ncmi_dict_free(s->segments);
    ncm_condition_groups_free(s->groups);
    ncmi_free(s);
}

/* ------------------------------------------------------------------ JSON reading */
typedef struct loader {
    const char *doc;
    ncm_segmentation *s;
    size_t ri;         /* 1-based rule number being read */
    const char *rname; /* its name */
} loader;

static ncm_status rule_err(const loader *L, ncm_status st, const char *field, const char *fmt, ...) NCMI_PRINTF(4, 5);
static ncm_status rule_err(const loader *L, ncm_status st, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ncmi_error(st, "%s: rule '%s' (#%zu): %s: %s", L->doc, L->rname ? L->rname : "?", L->ri, field, msg);
}

static int is_int_kind(int k) { return k == K_AGE || k == K_DEPRIVATION || k == K_LTC; }

/* Range object {"min": x, "max": y} for numeric kinds. */
static ncm_status read_range(const loader *L, json_t *v, const char *field, int kind, double lim_lo, double lim_hi,
                             clause *c)
{
    if (!json_is_object(v)) return rule_err(L, NCM_ERR_PARSE, field, "expected an object {\"min\": .., \"max\": ..}");
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x) {
        int lo = strcmp(key, "min") == 0;
        if (!lo && strcmp(key, "max") != 0) return rule_err(L, NCM_ERR_PARSE, field, "unknown key \"%s\" (use min, max)", key);
        if (kind == K_COST) {
            ncm_money m;
            if (!json_is_string(x)) return rule_err(L, NCM_ERR_PARSE, field, "%s must be a money string such as \"5000.00\"", key);
            if (ncm_money_parse(json_string_value(x), NCM_MONEY_DECIMALS, 0, &m) != NCM_OK)
                return rule_err(L, NCM_ERR_PARSE, field, "%s \"%s\" is not a money amount", key, json_string_value(x));
            if (m < 0) return rule_err(L, NCM_ERR_RANGE, field, "%s is negative", key);
            if (lo) {
                c->mlo = m;
                c->has_lo = 1;
            } else {
                c->mhi = m;
                c->has_hi = 1;
            }
            continue;
        }
        if (is_int_kind(kind) ? !json_is_integer(x) : !json_is_number(x))
            return rule_err(L, NCM_ERR_PARSE, field, "%s must be %s", key, is_int_kind(kind) ? "a whole number" : "a number");
        double d = json_number_value(x);
        if (!(d >= lim_lo && d <= lim_hi))
            return rule_err(L, NCM_ERR_RANGE, field, "%s %g is outside %g-%g", key, d, lim_lo, lim_hi);
        if (lo) {
            c->lo = d;
            c->has_lo = 1;
        } else {
            c->hi = d;
            c->has_hi = 1;
        }
    }
    if (!c->has_lo && !c->has_hi) return rule_err(L, NCM_ERR_PARSE, field, "give min, max or both");
    if (kind == K_COST ? (c->has_lo && c->has_hi && c->mlo > c->mhi) : (c->has_lo && c->has_hi && c->lo > c->hi))
        return rule_err(L, NCM_ERR_RANGE, field, "min is above max (empty range)");
    return NCM_OK;
}

static ncm_status read_groups(const loader *L, json_t *v, const char *field, clause *c)
{
    if (json_is_string(v)) {
        size_t k;
        if (ncm_condition_groups_find(L->s->groups, json_string_value(v), &k) != NCM_OK)
            return rule_err(L, NCM_ERR_NOT_FOUND, field, "unknown condition group \"%s\"", json_string_value(v));
        c->mask = (uint64_t)1 << k;
        return NCM_OK;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return rule_err(L, NCM_ERR_PARSE, field, "expected a group name or a non-empty array of group names");
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        size_t k;
        if (!json_is_string(x)) return rule_err(L, NCM_ERR_PARSE, field, "entry %zu is not a string", i + 1);
        if (ncm_condition_groups_find(L->s->groups, json_string_value(x), &k) != NCM_OK)
            return rule_err(L, NCM_ERR_NOT_FOUND, field, "unknown condition group \"%s\"", json_string_value(x));
        c->mask |= (uint64_t)1 << k;
    }
    return NCM_OK;
}

static ncm_status read_sex(const loader *L, json_t *v, clause *c)
{
    json_t *one = json_is_string(v) ? v : NULL;
    size_t n = one ? 1 : json_is_array(v) ? json_array_size(v) : 0;
    if (n == 0) return rule_err(L, NCM_ERR_PARSE, "sex", "expected \"F\", \"M\", \"U\" or an array of them");
    for (size_t i = 0; i < n; i++) {
        json_t *x = one ? one : json_array_get(v, i);
        const char *s = json_string_value(x);
        if (!s) return rule_err(L, NCM_ERR_PARSE, "sex", "entry %zu is not a string", i + 1);
        if (strcmp(s, "F") == 0)
            c->mask |= 1u << NCM_SEX_FEMALE;
        else if (strcmp(s, "M") == 0)
            c->mask |= 1u << NCM_SEX_MALE;
        else if (strcmp(s, "U") == 0)
            c->mask |= 1u << NCM_SEX_UNKNOWN;
        else
            return rule_err(L, NCM_ERR_RANGE, "sex", "\"%s\" is not F, M or U", s);
    }
    return NCM_OK;
}

/* Append one clause (zeroed) to rule r; NULL on NOMEM. */
static clause *add_clause(rule *r)
{
    clause *c = ncmi_realloc_array(r->c, r->nc + 1, sizeof *c);
    if (!c) return NULL;
    r->c = c;
    memset(&c[r->nc], 0, sizeof *c);
    return &c[r->nc++];
}

static ncm_status read_attribute(const loader *L, rule *r, json_t *v)
{
    if (!json_is_object(v)) return rule_err(L, NCM_ERR_PARSE, "attribute", "expected an object {\"name\": .., ...}");
    json_t *nm = json_object_get(v, "name"), *in = json_object_get(v, "in");
    if (!json_is_string(nm) || !*json_string_value(nm))
        return rule_err(L, NCM_ERR_PARSE, "attribute", "\"name\" (a non-empty string) is required");
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x) {
        if (strcmp(key, "name") && strcmp(key, "in") && strcmp(key, "min") && strcmp(key, "max"))
            return rule_err(L, NCM_ERR_PARSE, "attribute", "unknown key \"%s\" (use name, min, max or in)", key);
    }
    clause *c = add_clause(r);
    if (!c) return ncmi_nomem("segmentation rule");
    if (!(c->attr = ncmi_strdup(json_string_value(nm)))) return ncmi_nomem("segmentation rule");
    if (in) {
        c->kind = K_ATTR_IN;
        if (json_object_get(v, "min") || json_object_get(v, "max"))
            return rule_err(L, NCM_ERR_PARSE, "attribute", "%s: give either \"in\" or min/max, not both", c->attr);
        if (!json_is_array(in) || json_array_size(in) == 0)
            return rule_err(L, NCM_ERR_PARSE, "attribute", "%s: \"in\" must be a non-empty array of strings", c->attr);
        c->values = ncmi_calloc(json_array_size(in), sizeof *c->values);
        if (!c->values) return ncmi_nomem("segmentation rule");
        size_t i;
        json_array_foreach(in, i, x) {
            if (!json_is_string(x)) return rule_err(L, NCM_ERR_PARSE, "attribute", "%s: \"in\" entry %zu is not a string", c->attr, i + 1);
            if (!(c->values[i] = ncmi_strdup(json_string_value(x)))) return ncmi_nomem("segmentation rule");
            c->nvalues = i + 1;
        }
        return NCM_OK;
    }
    c->kind = K_ATTR_RANGE;
    json_t *rg = json_object();
    if (!rg) return ncmi_nomem("segmentation rule");
    if (json_object_get(v, "min")) json_object_set(rg, "min", json_object_get(v, "min"));
    if (json_object_get(v, "max")) json_object_set(rg, "max", json_object_get(v, "max"));
    char field[300];
    snprintf(field, sizeof field, "attribute %s", c->attr);
    ncm_status st = read_range(L, rg, field, K_ATTR_RANGE, -HUGE_VAL, HUGE_VAL, c);
    json_decref(rg);
    return st;
}

static ncm_status read_flag(const loader *L, rule *r, json_t *v)
{
    json_t *one = json_is_string(v) ? v : NULL;
    size_t n = one ? 1 : json_is_array(v) ? json_array_size(v) : 0;
    if (n == 0) return rule_err(L, NCM_ERR_PARSE, "flag", "expected a flag name or a non-empty array of names");
    for (size_t i = 0; i < n; i++) {
        json_t *x = one ? one : json_array_get(v, i);
        if (!json_is_string(x) || !*json_string_value(x)) return rule_err(L, NCM_ERR_PARSE, "flag", "entry %zu is not a name", i + 1);
        clause *c = add_clause(r);
        if (!c) return ncmi_nomem("segmentation rule");
        c->kind = K_FLAG;
        if (!(c->attr = ncmi_strdup(json_string_value(x)))) return ncmi_nomem("segmentation rule");
    }
    return NCM_OK;
}

static ncm_status read_when(const loader *L, rule *r, json_t *when)
{
    if (!json_is_object(when)) return rule_err(L, NCM_ERR_PARSE, "when", "expected an object of clauses");
    const char *key;
    json_t *v;
    json_object_foreach(when, key, v) {
        int kind = -1;
        for (int k = 0; k < K_ATTR_RANGE; k++)
            if (strcmp(key, kind_key[k]) == 0) kind = k;
        if (strcmp(key, "attribute") == 0) {
            ncm_status st = NCM_OK;
            if (json_is_array(v)) {
                size_t i;
                json_t *x;
                if (json_array_size(v) == 0) return rule_err(L, NCM_ERR_PARSE, "attribute", "empty array");
                json_array_foreach(v, i, x) {
                    if ((st = read_attribute(L, r, x)) != NCM_OK) return st;
                }
            } else
                st = read_attribute(L, r, v);
            if (st != NCM_OK) return st;
            continue;
        }
        if (kind < 0)
            return rule_err(L, NCM_ERR_PARSE, key,
                            "unknown field (known: age, sex, deprivation, months, cost, ltc_count, any_group, all_groups, "
                            "no_group, risk_score, risk_percentile, flag, attribute)");
        if (kind == K_FLAG) {
            ncm_status st = read_flag(L, r, v);
            if (st != NCM_OK) return st;
            continue;
        }
        clause *c = add_clause(r);
        if (!c) return ncmi_nomem("segmentation rule");
        c->kind = kind;
        ncm_status st;
        switch (kind) {
        case K_AGE: st = read_range(L, v, key, kind, 0, 130, c); break;
        case K_DEPRIVATION: st = read_range(L, v, key, kind, 0, 10, c); break;
        case K_MONTHS: st = read_range(L, v, key, kind, 0, 12, c); break;
        case K_COST: st = read_range(L, v, key, kind, 0, 0, c); break;
        case K_LTC: st = read_range(L, v, key, kind, 0, NCM_MAX_CONDITION_GROUPS, c); break;
        case K_RISK: st = read_range(L, v, key, kind, -HUGE_VAL, HUGE_VAL, c); break;
        case K_PCT: st = read_range(L, v, key, kind, 0, 100, c); break;
        case K_SEX: st = read_sex(L, v, c); break;
        default: st = read_groups(L, v, key, c); break;
        }
        if (st != NCM_OK) return st;
    }
    return NCM_OK;
}

/* Does clause b (of the later rule) imply clause a (of the earlier rule)? Sound, not complete. */
static int implies(const clause *b, const clause *a)
{
    if (a->kind == K_ANY && b->kind == K_ALL) return (a->mask & b->mask) != 0;
    if (a->kind != b->kind) return 0;
    switch (a->kind) {
    case K_SEX:
    case K_ANY: return (b->mask & ~a->mask) == 0;
    case K_ALL:
    case K_NONE: return (a->mask & ~b->mask) == 0;
    case K_COST:
        return (!a->has_lo || (b->has_lo && b->mlo >= a->mlo)) && (!a->has_hi || (b->has_hi && b->mhi <= a->mhi));
    case K_FLAG: return strcmp(a->attr, b->attr) == 0;
    case K_ATTR_IN:
        if (strcmp(a->attr, b->attr)) return 0;
        for (size_t i = 0; i < b->nvalues; i++) {
            int found = 0;
            for (size_t j = 0; j < a->nvalues && !found; j++) found = strcmp(b->values[i], a->values[j]) == 0;
            if (!found) return 0;
        }
        return 1;
    case K_ATTR_RANGE:
        if (strcmp(a->attr, b->attr)) return 0;
        /* fall through */
    default:
        return (!a->has_lo || (b->has_lo && b->lo >= a->lo)) && (!a->has_hi || (b->has_hi && b->hi <= a->hi));
    }
}

/* Why rule r can never match anyone on its own, or NULL (exact for the cases it reports). */
static const char *self_contradiction(const ncm_segmentation *s, const rule *r)
{
    uint64_t none = 0;
    for (size_t i = 0; i < r->nc; i++)
        if (r->c[i].kind == K_NONE) none |= r->c[i].mask;
    unsigned nltc = 0;
    for (uint64_t m = s->groups->ltc_mask; m; m &= m - 1) nltc++;
    for (size_t i = 0; i < r->nc; i++) {
        const clause *c = &r->c[i];
        if (c->kind == K_ANY && (c->mask & ~none) == 0) return "every group of any_group is excluded by no_group";
        if (c->kind == K_ALL && (c->mask & none) != 0) return "all_groups and no_group name the same group";
        if (c->kind == K_LTC && c->has_lo && c->lo > nltc) return "ltc_count min is above the number of long-term condition groups";
    }
    return NULL;
}

static int rule_covers(const rule *a, const rule *b)
{
    for (size_t i = 0; i < a->nc; i++) {
        int ok = 0;
        for (size_t j = 0; j < b->nc && !ok; j++) ok = implies(&b->c[j], &a->c[i]);
        if (!ok) return 0;
    }
    return 1;
}

static ncm_status intern_segment(ncm_segmentation *s, const char *name, uint32_t *id)
{
    ncm_status st = ncmi_dict_intern(s->segments, name, strlen(name), id, NULL);
    return st == NCM_ERR_NOMEM ? ncmi_nomem("segment names") : st == NCM_OK ? NCM_OK : ncmi_error(st, "too many segments");
}

static ncm_status load_doc(json_t *root, const char *doc, const ncm_condition_groups *groups, ncm_segmentation **out)
{
    loader L = {doc, NULL, 0, NULL};
    if (!json_is_object(root)) return ncmi_error(NCM_ERR_PARSE, "%s: the document must be a JSON object", doc);
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (strcmp(key, "schema") && strcmp(key, "name") && strcmp(key, "rules") && strcmp(key, "default"))
            return ncmi_error(NCM_ERR_PARSE, "%s: unknown key \"%s\" (known: schema, name, rules, default)", doc, key);
    }
    json_t *schema = json_object_get(root, "schema"), *rules = json_object_get(root, "rules"),
           *def = json_object_get(root, "default"), *name = json_object_get(root, "name");
    if (!schema) return ncmi_error(NCM_ERR_PARSE, "%s: missing \"schema\" (use 1)", doc);
    if (!json_is_integer(schema) || json_integer_value(schema) != 1)
        return ncmi_error(NCM_ERR_VERSION, "%s: schema must be 1 (this library reads schema 1)", doc);
    if (!json_is_array(rules)) return ncmi_error(NCM_ERR_PARSE, "%s: \"rules\" must be an array", doc);
    if (!json_is_string(def) || !*json_string_value(def))
        return ncmi_error(NCM_ERR_PARSE, "%s: \"default\" (the segment for everyone else) must be a non-empty string", doc);
    if (name && !json_is_string(name)) return ncmi_error(NCM_ERR_PARSE, "%s: \"name\" must be a string", doc);

    ncm_status st;
    ncm_segmentation *s = ncmi_calloc(1, sizeof *s);
    if (!s) return ncmi_nomem("segmentation");
    L.s = s;
    if (!(s->name = ncmi_strdup(name ? json_string_value(name) : "")) || !(s->segments = ncmi_dict_new(16))) {
        st = ncmi_nomem("segmentation");
        goto fail;
    }
    if (groups)
        st = ncmi_groups_clone(groups, &s->groups);
    else
        st = ncm_condition_groups_builtin(&s->groups);
    if (st != NCM_OK) {
        st = ncmi_nomem("condition groups");
        goto fail;
    }
    size_t nr = json_array_size(rules);
    s->rules = ncmi_calloc(nr ? nr : 1, sizeof *s->rules);
    if (!s->rules) {
        st = ncmi_nomem("segmentation rules");
        goto fail;
    }
    for (size_t i = 0; i < nr; i++) {
        json_t *jr = json_array_get(rules, i);
        rule *r = &s->rules[i];
        s->nrules = i + 1;
        L.ri = i + 1;
        L.rname = NULL;
        if (!json_is_object(jr)) {
            st = ncmi_error(NCM_ERR_PARSE, "%s: rule #%zu is not an object", doc, i + 1);
            goto fail;
        }
        json_t *rn = json_object_get(jr, "name"), *rs = json_object_get(jr, "segment"), *rw = json_object_get(jr, "when");
        if (!json_is_string(rn) || !*json_string_value(rn)) {
            st = ncmi_error(NCM_ERR_PARSE, "%s: rule #%zu: \"name\" (a non-empty string) is required", doc, i + 1);
            goto fail;
        }
        L.rname = json_string_value(rn);
        json_object_foreach(jr, key, v) {
            if (strcmp(key, "name") && strcmp(key, "segment") && strcmp(key, "when")) {
                st = rule_err(&L, NCM_ERR_PARSE, key, "unknown key (known: name, segment, when)");
                goto fail;
            }
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->rules[j].name, L.rname) == 0) {
                st = rule_err(&L, NCM_ERR_DUPLICATE, "name", "the name is already used by rule #%zu", j + 1);
                goto fail;
            }
        if (!json_is_string(rs) || !*json_string_value(rs)) {
            st = rule_err(&L, NCM_ERR_PARSE, "segment", "a non-empty string is required");
            goto fail;
        }
        if (!(r->name = ncmi_strdup(L.rname))) {
            st = ncmi_nomem("segmentation rule");
            goto fail;
        }
        if ((st = intern_segment(s, json_string_value(rs), &r->segment)) != NCM_OK) goto fail;
        if (rw && (st = read_when(&L, r, rw)) != NCM_OK) goto fail;
        const char *why = self_contradiction(s, r);
        if (why) {
            st = ncmi_error(NCM_ERR_INCONSISTENT, "%s: rule '%s' (#%zu) can never fire: %s", doc, r->name, i + 1, why);
            goto fail;
        }
        for (size_t j = 0; j < i; j++)
            if (rule_covers(&s->rules[j], r)) {
                st = ncmi_error(NCM_ERR_INCONSISTENT,
                                "%s: rule '%s' (#%zu) is unreachable: earlier rule '%s' (#%zu) %s", doc, r->name, i + 1,
                                s->rules[j].name, j + 1,
                                s->rules[j].nc ? "matches everyone it matches" : "has no conditions and matches everyone");
                goto fail;
            }
    }
    if ((st = intern_segment(s, json_string_value(def), &s->def)) != NCM_OK) goto fail;
    *out = s;
    return NCM_OK;
fail:
    ncm_segmentation_free(s);
    return st;
}

ncm_status ncm_segmentation_read_json_buffer(const char *text, size_t len, const char *name,
                                             const ncm_condition_groups *groups, ncm_segmentation **out)
{
    if (!text || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_read_json_buffer: NULL argument");
    if (!name) name = "<json>";
    json_error_t e;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!root) return ncmi_error(NCM_ERR_PARSE, "%s:%d:%d: %s", name, e.line, e.column, e.text);
    ncm_status st = load_doc(root, name, groups, out);
    json_decref(root);
    return st;
}

ncm_status ncm_segmentation_read_json(const char *path, const ncm_condition_groups *groups, ncm_segmentation **out)
{
    if (!path || !out) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_read_json: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return ncmi_error(NCM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    json_error_t e;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!root) return ncmi_error(NCM_ERR_PARSE, "%s:%d:%d: %s", path, e.line, e.column, e.text);
    ncm_status st = load_doc(root, path, groups, out);
    json_decref(root);
    return st;
}

/* ------------------------------------------------------------------ JSON writing */
static int set_new(json_t *o, const char *k, json_t *v) { return v ? json_object_set_new(o, k, v) : -1; }

static json_t *range_json(const clause *c)
{
    json_t *o = json_object();
    if (!o) return NULL;
    int bad = 0;
    for (int side = 0; side < 2; side++) {
        if (!(side ? c->has_hi : c->has_lo)) continue;
        const char *k = side ? "max" : "min";
        if (c->kind == K_COST) {
            char buf[48];
            ncm_money_format(side ? c->mhi : c->mlo, NCM_MONEY_DECIMALS, 0, buf, sizeof buf);
            bad |= set_new(o, k, json_string(buf));
        } else if (is_int_kind(c->kind))
            bad |= set_new(o, k, json_integer((json_int_t)(side ? c->hi : c->lo)));
        else
            bad |= set_new(o, k, json_real(side ? c->hi : c->lo));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *group_names_json(const ncm_condition_groups *g, uint64_t mask)
{
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t k = 0; k < g->ngroups; k++)
        if (((mask >> k) & 1) && json_array_append_new(a, json_string(g->names[k]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *when_json(const ncm_segmentation *s, const rule *r)
{
    json_t *w = json_object();
    if (!w) return NULL;
    int bad = 0;
    for (int kind = 0; kind < K_NKINDS && !bad; kind++) {
        if (kind == K_ATTR_IN) continue; /* written with K_ATTR_RANGE, in rule order */
        json_t *arr = NULL;
        for (size_t i = 0; i < r->nc && !bad; i++) {
            const clause *c = &r->c[i];
            int k2 = c->kind == K_ATTR_IN ? K_ATTR_RANGE : c->kind;
            if (k2 != kind) continue;
            json_t *v = NULL;
            switch (c->kind) {
            case K_SEX:
                v = json_array();
                if (v && (c->mask >> NCM_SEX_FEMALE) & 1) bad |= json_array_append_new(v, json_string("F"));
                if (v && (c->mask >> NCM_SEX_MALE) & 1) bad |= json_array_append_new(v, json_string("M"));
                if (v && (c->mask >> NCM_SEX_UNKNOWN) & 1) bad |= json_array_append_new(v, json_string("U"));
                break;
            case K_ANY:
            case K_ALL:
            case K_NONE: v = group_names_json(s->groups, c->mask); break;
            case K_FLAG: v = json_string(c->attr); break;
            case K_ATTR_IN:
                v = json_object();
                if (v) {
                    json_t *in = json_array();
                    bad |= set_new(v, "name", json_string(c->attr));
                    for (size_t j = 0; in && j < c->nvalues; j++) bad |= json_array_append_new(in, json_string(c->values[j]));
                    bad |= set_new(v, "in", in);
                }
                break;
            case K_ATTR_RANGE:
                v = range_json(c);
                if (v) {
                    json_t *o = json_object();
                    bad |= set_new(o ? o : v, "name", json_string(c->attr));
                    if (o) {
                        json_object_update(o, v);
                        json_decref(v);
                        v = o;
                    } else
                        bad = 1;
                }
                break;
            default: v = range_json(c); break;
            }
            if (!v) {
                bad = 1;
                break;
            }
            if (kind == K_FLAG || kind == K_ATTR_RANGE) {
                if (!arr && !(arr = json_array())) bad = 1;
                if (arr) bad |= json_array_append_new(arr, v);
                else json_decref(v);
            } else
                bad |= set_new(w, kind_key[kind], v);
        }
        if (arr) bad |= set_new(w, kind_key[kind], arr);
    }
    if (bad) {
        json_decref(w);
        return NULL;
    }
    return w;
}

static json_t *seg_json(const ncm_segmentation *s)
{
    json_t *root = json_object(), *rules = json_array();
    int bad = !root || !rules;
    if (!bad) {
        bad |= set_new(root, "schema", json_integer(1));
        bad |= set_new(root, "name", json_string(s->name));
    }
    for (size_t i = 0; i < s->nrules && !bad; i++) {
        const rule *r = &s->rules[i];
        json_t *o = json_object();
        if (!o) {
            bad = 1;
            break;
        }
        bad |= set_new(o, "name", json_string(r->name));
        bad |= set_new(o, "segment", json_string(ncmi_dict_str(s->segments, r->segment)));
        if (r->nc) bad |= set_new(o, "when", when_json(s, r));
        bad |= json_array_append_new(rules, o);
    }
    if (!bad) {
        bad |= set_new(root, "rules", rules);
        rules = NULL;
        bad |= set_new(root, "default", json_string(ncmi_dict_str(s->segments, s->def)));
    }
    if (bad) {
        json_decref(rules);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Fewest significant digits (1-17) that print v so that it reads back exactly. */
static int real_digits(double v)
{
    char buf[40];
    for (int p = 1; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v) return p;
    }
    return 17;
}

/* Precision for the whole document: enough for its most demanding number, so values such as 99.5
 * print as written and every value reads back exactly. */
static int doc_precision(const ncm_segmentation *s)
{
    int p = 1;
    for (size_t r = 0; r < s->nrules; r++)
        for (size_t k = 0; k < s->rules[r].nc; k++) {
            const clause *c = &s->rules[r].c[k];
            if (c->kind == K_COST || is_int_kind(c->kind)) continue;
            if (c->has_lo && real_digits(c->lo) > p) p = real_digits(c->lo);
            if (c->has_hi && real_digits(c->hi) > p) p = real_digits(c->hi);
        }
    return p;
}

ncm_status ncm_segmentation_to_json(const ncm_segmentation *s, char **text)
{
    if (!s || !text) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_to_json: NULL argument");
    json_t *root = seg_json(s);
    if (!root) return ncmi_nomem("JSON document");
    char *j = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(doc_precision(s)));
    json_decref(root);
    if (!j) return ncmi_nomem("JSON text");
    char *copy = ncmi_malloc(strlen(j) + 2);
    if (!copy) {
        free(j);
        return ncmi_nomem("JSON text");
    }
    strcpy(copy, j);
    strcat(copy, "\n");
    free(j);
    *text = copy;
    return NCM_OK;
}

void ncm_segmentation_json_free(char *text) { ncmi_free(text); }

ncm_status ncm_segmentation_write_json(const ncm_segmentation *s, const char *path)
{
    if (!s || !path) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_write_json: NULL argument");
    char *text;
    ncm_status st = ncm_segmentation_to_json(s, &text);
    if (st != NCM_OK) return st;
    FILE *f = fopen(path, "wb");
    if (!f) {
        ncmi_free(text);
        return ncmi_error(NCM_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    size_t len = strlen(text);
    int bad = fwrite(text, 1, len, f) != len;
    ncmi_free(text);
    if (fclose(f) != 0 || bad) return ncmi_error(NCM_ERR_IO, "%s: write failed", path);
    return NCM_OK;
}

/* ------------------------------------------------------------------ built-ins */
static const char bridges_json[] =
    "{\"schema\": 1, \"name\": \"bridges-to-health\", \"rules\": ["
    "{\"name\": \"end_of_life\", \"segment\": \"short_decline\", \"when\": {\"any_group\": [\"end_of_life\"]}},"
    "{\"name\": \"frailty_dementia\", \"segment\": \"long_decline\", \"when\": {\"any_group\": [\"frailty\", \"dementia\"]}},"
    "{\"name\": \"cancer\", \"segment\": \"short_decline\", \"when\": {\"any_group\": [\"cancer\"]}},"
    "{\"name\": \"organ_failure\", \"segment\": \"organ_failure\", \"when\": {\"any_group\": [\"heart_failure\", \"copd\","
    " \"renal_failure\", \"liver_failure\", \"respiratory_failure\"]}},"
    "{\"name\": \"long_term_conditions\", \"segment\": \"chronic_normal_function\", \"when\": {\"any_group\": ["
    "\"hypertension\", \"diabetes\", \"asthma\", \"atrial_fibrillation\", \"coronary_heart_disease\", \"stroke_tia\","
    " \"chronic_kidney_disease\", \"depression\", \"serious_mental_illness\", \"osteoarthritis\", \"rheumatoid_arthritis\","
    " \"epilepsy\", \"parkinsons\"]}},"
    "{\"name\": \"disability\", \"segment\": \"stable_disability\", \"when\": {\"any_group\": [\"learning_disability\","
    " \"physical_disability\"]}},"
    "{\"name\": \"maternal\", \"segment\": \"maternal_infant\", \"when\": {\"any_group\": [\"pregnancy\"]}},"
    "{\"name\": \"infant\", \"segment\": \"maternal_infant\", \"when\": {\"age\": {\"max\": 0}}},"
    "{\"name\": \"acutely_ill\", \"segment\": \"acutely_ill\", \"when\": {\"any_group\": [\"acute_illness\"]}}"
    "], \"default\": \"healthy\"}";

ncm_status ncm_segmentation_bridges_to_health(const ncm_condition_groups *groups, ncm_segmentation **out)
{
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_bridges_to_health: NULL argument");
    return ncm_segmentation_read_json_buffer(bridges_json, sizeof bridges_json - 1, "bridges-to-health", groups, out);
}

/* Append to a growing text buffer; returns 0 on failure. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int bad;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) NCMI_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->bad) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->bad = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
        char *p = ncmi_realloc(b->p, cap);
        if (!p) {
            b->bad = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
}

ncm_status ncm_segmentation_risk_tiers(const double *top_percent, size_t n, ncm_segmentation **out)
{
    static const double defaults[3] = {0.5, 5.0, 20.0};
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_risk_tiers: NULL argument");
    if (!top_percent) {
        top_percent = defaults;
        n = 3;
    }
    if (n < 1 || n > 16) return ncmi_error(NCM_ERR_RANGE, "risk tiers: %zu thresholds (1-16 allowed)", n);
    for (size_t i = 0; i < n; i++) {
        if (!(top_percent[i] > 0 && top_percent[i] < 100))
            return ncmi_error(NCM_ERR_RANGE, "risk tiers: top_percent[%zu] = %g is outside (0, 100)", i, top_percent[i]);
        if (i && !(top_percent[i] > top_percent[i - 1]))
            return ncmi_error(NCM_ERR_RANGE, "risk tiers: top_percent[%zu] = %g is not above top_percent[%zu] = %g", i,
                              top_percent[i], i - 1, top_percent[i - 1]);
    }
    sbuf b = {NULL, 0, 0, 0};
    sb_printf(&b, "{\"schema\": 1, \"name\": \"risk-tiers\", \"rules\": [");
    for (size_t i = 0; i < n; i++)
        sb_printf(&b, "%s{\"name\": \"top_%.17g%%\", \"segment\": \"tier_%zu\", \"when\": {\"risk_percentile\": {\"min\": %.17g}}}",
                  i ? ", " : "", top_percent[i], i + 1, 100.0 - top_percent[i]);
    sb_printf(&b, "], \"default\": \"tier_%zu\"}", n + 1);
    if (b.bad) {
        ncmi_free(b.p);
        return ncmi_nomem("risk tiers");
    }
    ncm_status st = ncm_segmentation_read_json_buffer(b.p, b.len, "risk-tiers", NULL, out);
    ncmi_free(b.p);
    return st;
}

ncm_status ncm_segmentation_age_ltc(const int32_t *band_starts, size_t nbands, const ncm_condition_groups *groups,
                                    ncm_segmentation **out)
{
    static const int32_t defaults[5] = {0, 18, 65, 75, 85};
    if (!out) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_age_ltc: NULL argument");
    if (!band_starts) {
        band_starts = defaults;
        nbands = 5;
    }
    if (nbands < 1 || nbands > 20) return ncmi_error(NCM_ERR_RANGE, "age bands: %zu bands (1-20 allowed)", nbands);
    if (band_starts[0] != 0) return ncmi_error(NCM_ERR_RANGE, "age bands: band_starts[0] = %ld must be 0", (long)band_starts[0]);
    for (size_t i = 1; i < nbands; i++)
        if (band_starts[i] <= band_starts[i - 1] || band_starts[i] > 130)
            return ncmi_error(NCM_ERR_RANGE, "age bands: band_starts[%zu] = %ld must be above the previous start and at most 130",
                              i, (long)band_starts[i]);
    sbuf b = {NULL, 0, 0, 0};
    sb_printf(&b, "{\"schema\": 1, \"name\": \"age-ltc\", \"rules\": [");
    char label[40] = "";
    int first = 1;
    for (size_t i = 0; i < nbands; i++) {
        long lo = band_starts[i], hi = i + 1 < nbands ? (long)band_starts[i + 1] - 1 : 130;
        if (i + 1 < nbands)
            snprintf(label, sizeof label, "%ld-%ld", lo, hi);
        else
            snprintf(label, sizeof label, "%ld+", lo);
        for (int k = 0; k <= 4; k++) {
            if (i + 1 == nbands && k == 4) break; /* the default */
            sb_printf(&b, "%s{\"name\": \"%s:%d%s\", \"segment\": \"%s:%d%s\", \"when\": {\"age\": {\"min\": %ld, \"max\": %ld}, "
                          "\"ltc_count\": {\"min\": %d%s}}}",
                      first ? "" : ", ", label, k, k == 4 ? "+" : "", label, k, k == 4 ? "+" : "", lo, hi, k,
                      k == 4 ? "" : k == 0 ? ", \"max\": 0" : k == 1 ? ", \"max\": 1" : k == 2 ? ", \"max\": 2" : ", \"max\": 3");
            first = 0;
        }
    }
    sb_printf(&b, "], \"default\": \"%s:4+\"}", label);
    if (b.bad) {
        ncmi_free(b.p);
        return ncmi_nomem("age-ltc rules");
    }
    ncm_status st = ncm_segmentation_read_json_buffer(b.p, b.len, "age-ltc", groups, out);
    ncmi_free(b.p);
    return st;
}

/* ------------------------------------------------------------------ accessors */
const char *ncm_segmentation_name(const ncm_segmentation *s) { return s ? s->name : ""; }
uint32_t ncm_segmentation_segment_count(const ncm_segmentation *s) { return s ? (uint32_t)ncmi_dict_size(s->segments) : 0; }
const char *ncm_segmentation_segment_name(const ncm_segmentation *s, uint32_t id)
{
    return s && id < ncmi_dict_size(s->segments) ? ncmi_dict_str(s->segments, id) : NULL;
}
ncm_status ncm_segmentation_segment_find(const ncm_segmentation *s, const char *name, uint32_t *id)
{
    if (!s || !name || !id) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_segment_find: NULL argument");
    if (!ncmi_dict_find(s->segments, name, strlen(name), id))
        return ncmi_error(NCM_ERR_NOT_FOUND, "segment \"%s\" does not exist in rule set '%s'", name, s->name);
    return NCM_OK;
}
uint32_t ncm_segmentation_default_segment(const ncm_segmentation *s) { return s ? s->def : 0; }
size_t ncm_segmentation_rule_count(const ncm_segmentation *s) { return s ? s->nrules : 0; }
const char *ncm_segmentation_rule_name(const ncm_segmentation *s, size_t k) { return s && k < s->nrules ? s->rules[k].name : NULL; }
uint32_t ncm_segmentation_rule_segment(const ncm_segmentation *s, size_t k)
{
    return s && k < s->nrules ? s->rules[k].segment : UINT32_MAX;
}

/* ------------------------------------------------------------------ assignment */
#define BLOCK 1024

typedef struct cclause {
    int kind;
    double lo, hi;        /* inclusive bounds (doubles) */
    int64_t ilo, ihi;     /* inclusive bounds (integers, money) */
    uint64_t mask;
    const double *num;    /* attribute / flag values */
    const uint8_t *u8;    /* medicaid flag */
    const uint32_t *ids;  /* text attribute ids */
    uint8_t *ok;          /* per text id: value in the set (owned) */
    size_t k_lo, k_hi;    /* risk percentile: order statistics giving the bounds, or SIZE_MAX */
} cclause;

typedef struct crule {
    uint32_t segment;
    cclause *c;
    size_t nc;
} crule;

/* Swap helper and 3-way quickselect: afterwards a[k] is the k-th smallest of a[lo, hi). */
static void select_k(double *a, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        double x = a[lo], y = a[mid], z = a[hi - 1];
        double p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t lt = lo, i = lo, gt = hi; /* [lo,lt) < p, [lt,i) == p, [gt,hi) > p */
        while (i < gt) {
            double v = a[i];
            if (v < p) {
                a[i] = a[lt];
                a[lt++] = v;
                i++;
            } else if (v > p) {
                a[i] = a[--gt];
                a[gt] = v;
            } else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

/* Smallest b in [0, n] with 100 b / n >= t (n > 0), using the documented double expression. */
static size_t pct_lo_count(double t, size_t n)
{
    double est = ceil(t * (double)n / 100.0);
    size_t b = est <= 0 ? 0 : est >= (double)n ? n : (size_t)est;
    while (b > 0 && 100.0 * (double)(b - 1) / (double)n >= t) b--;
    while (b < n && !(100.0 * (double)b / (double)n >= t)) b++;
    return b;
}

typedef struct compiled {
    crule *rules;
    size_t nrules;
    size_t nclauses;
    int need_groups;
    uint64_t *code_mask;
    int need_pct;
} compiled;

static void compiled_free(compiled *C)
{
    if (C->rules) {
        for (size_t r = 0; r < C->nrules; r++) {
            for (size_t k = 0; k < C->rules[r].nc; k++) ncmi_free(C->rules[r].c[k].ok);
            ncmi_free(C->rules[r].c);
        }
    }
    ncmi_free(C->rules);
    ncmi_free(C->code_mask);
}

/* Order statistics of s[0, n): vals[j] = the ks[j]-th smallest (0-based), ks sorted ascending.
 * Exact and deterministic. To avoid copying and selecting over all n scores, a fixed strided sample
 * gives a value window that should hold the wanted ranks; one pass counts the scores below the window
 * and in it, a second gathers the window, and selection runs on that. If the counts show the window
 * missed a rank, it falls back to selecting over a full copy. */
static ncm_status order_stats(const double *s, size_t n, const size_t *ks, size_t nk, double *vals)
{
    enum { SAMPLE = 65536 };
    double vlo = -HUGE_VAL, vhi = HUGE_VAL;
    size_t below = 0, ncand = n;
    if (n > 4 * (size_t)SAMPLE) {
        double *smp = ncmi_malloc_array(SAMPLE, sizeof *smp);
        if (!smp) return ncmi_nomem("risk percentiles");
        size_t stride = n / SAMPLE;
        for (size_t j = 0; j < SAMPLE; j++) smp[j] = s[j * stride];
        double qlo = (double)ks[0] / (double)n - 0.01, qhi = (double)ks[nk - 1] / (double)n + 0.01;
        if (qlo > 0) {
            size_t j = (size_t)(qlo * SAMPLE);
            select_k(smp, 0, SAMPLE, j);
            vlo = smp[j];
        }
        if (qhi < 1) {
            size_t j = (size_t)(qhi * SAMPLE) + 1;
            if (j < SAMPLE) {
                select_k(smp, 0, SAMPLE, j);
                vhi = smp[j];
            }
        }
        ncmi_free(smp);
        size_t in = 0;
        below = 0;
        for (size_t i = 0; i < n; i++) {
            below += s[i] < vlo;
            in += s[i] >= vlo && s[i] <= vhi;
        }
        if (below <= ks[0] && below + in > ks[nk - 1])
            ncand = in;
        else { /* the sample missed: use everything */
            vlo = -HUGE_VAL;
            vhi = HUGE_VAL;
            below = 0;
        }
    }
    double *c = ncmi_malloc_array(ncand ? ncand : 1, sizeof *c);
    if (!c) return ncmi_nomem("risk percentiles");
    size_t m = 0;
    if (ncand == n)
        memcpy(c, s, n * sizeof *s);
    else
        for (size_t i = 0; i < n; i++)
            if (s[i] >= vlo && s[i] <= vhi) c[m++] = s[i];
    size_t from = 0;
    for (size_t j = 0; j < nk; j++) {
        size_t k = ks[j] - below;
        select_k(c, from, ncand, k); /* ranks below `from` are already in place */
        vals[j] = c[k];
        from = k;
    }
    ncmi_free(c);
    return NCM_OK;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Turn the percentile clauses' order-statistic ranks into score bounds. */
static ncm_status resolve_percentiles(compiled *C, const double *scores, size_t n)
{
    size_t nk = 0;
    for (size_t r = 0; r < C->nrules; r++)
        for (size_t k = 0; k < C->rules[r].nc; k++)
            if (C->rules[r].c[k].kind == K_PCT) nk += 2;
    size_t *ks = ncmi_malloc_array(nk ? nk : 1, sizeof *ks);
    double *vals = ncmi_malloc_array(nk ? nk : 1, sizeof *vals);
    if (!ks || !vals) {
        ncmi_free(ks);
        ncmi_free(vals);
        return ncmi_nomem("risk percentiles");
    }
    size_t m = 0;
    for (size_t r = 0; r < C->nrules; r++)
        for (size_t k = 0; k < C->rules[r].nc; k++) {
            const cclause *cc = &C->rules[r].c[k];
            if (cc->kind != K_PCT) continue;
            if (cc->k_lo != SIZE_MAX) ks[m++] = cc->k_lo;
            if (cc->k_hi != SIZE_MAX) ks[m++] = cc->k_hi;
        }
    qsort(ks, m, sizeof *ks, cmp_size);
    size_t u = 0;
    for (size_t j = 0; j < m; j++)
        if (u == 0 || ks[j] != ks[u - 1]) ks[u++] = ks[j];
    ncm_status st = u ? order_stats(scores, n, ks, u, vals) : NCM_OK;
    if (st == NCM_OK)
        for (size_t r = 0; r < C->nrules; r++)
            for (size_t k = 0; k < C->rules[r].nc; k++) {
                cclause *cc = &C->rules[r].c[k];
                if (cc->kind != K_PCT) continue;
                if (cc->k_lo != SIZE_MAX) {
                    size_t *p = bsearch(&cc->k_lo, ks, u, sizeof *ks, cmp_size);
                    cc->lo = nextafter(vals[p - ks], HUGE_VAL); /* s > a[k_lo] */
                }
                if (cc->k_hi != SIZE_MAX) {
                    size_t *p = bsearch(&cc->k_hi, ks, u, sizeof *ks, cmp_size);
                    cc->hi = vals[p - ks]; /* s <= a[k_hi] */
                }
            }
    ncmi_free(ks);
    ncmi_free(vals);
    return st;
}

static ncm_status compile(const ncm_segmentation *s, const ncm_population *pop, const double *scores, compiled *C)
{
    size_t n = ncm_population_size(pop);
    memset(C, 0, sizeof *C);
    C->rules = ncmi_calloc(s->nrules ? s->nrules : 1, sizeof *C->rules);
    if (!C->rules) return ncmi_nomem("compiled rules");
    C->nrules = s->nrules;
    for (size_t r = 0; r < s->nrules; r++) {
        const rule *R = &s->rules[r];
        crule *cr = &C->rules[r];
        cr->segment = R->segment;
        cr->c = ncmi_calloc(R->nc ? R->nc : 1, sizeof *cr->c);
        if (!cr->c) return ncmi_nomem("compiled rules");
        cr->nc = R->nc;
        for (size_t k = 0; k < R->nc; k++) {
            const clause *c = &R->c[k];
            cclause *cc = &cr->c[k];
            cc->kind = c->kind;
            cc->lo = c->has_lo ? c->lo : -HUGE_VAL;
            cc->hi = c->has_hi ? c->hi : HUGE_VAL;
            /* integer kinds hold whole numbers within 0-130 (checked at load), so the casts are exact */
            cc->ilo = c->has_lo && is_int_kind(c->kind) ? (int64_t)c->lo : INT64_MIN;
            cc->ihi = c->has_hi && is_int_kind(c->kind) ? (int64_t)c->hi : INT64_MAX;
            cc->mask = c->mask;
            switch (c->kind) {
            case K_COST:
                if (!ncm_population_cost(pop))
                    return ncmi_error(NCM_ERR_NOT_FOUND, "rule '%s' (#%zu): cost: the population has no annual_cost column",
                                      R->name, r + 1);
                cc->ilo = c->has_lo ? c->mlo : INT64_MIN;
                cc->ihi = c->has_hi ? c->mhi : INT64_MAX;
                break;
            case K_LTC:
            case K_ANY:
            case K_ALL:
            case K_NONE: C->need_groups = 1; break;
            case K_RISK:
            case K_PCT:
                if (!scores)
                    return ncmi_error(NCM_ERR_INVALID, "rule '%s' (#%zu): %s: the rule needs risk scores and none were given",
                                      R->name, r + 1, kind_key[c->kind]);
                if (c->kind == K_PCT) {
                    /* percentile p = 100 below / n in [plo, phi]  <=>  below in [b1, b3 - 1]; resolved to
                     * score bounds by resolve_percentiles() once every needed order statistic is known */
                    cc->k_lo = cc->k_hi = SIZE_MAX;
                    cc->lo = -HUGE_VAL;
                    cc->hi = HUGE_VAL;
                    if (n == 0) break;
                    size_t b1 = pct_lo_count(c->has_lo ? c->lo : 0.0, n);
                    size_t b3 = c->has_hi ? pct_lo_count(nextafter(c->hi, HUGE_VAL), n) : n;
                    if (b1 >= n || b3 == 0 || b1 >= b3) { /* nobody */
                        cc->lo = HUGE_VAL;
                        cc->hi = -HUGE_VAL;
                        break;
                    }
                    if (b1 > 0) cc->k_lo = b1 - 1;     /* below >= b1  <=>  s > a[b1-1] */
                    if (b3 <= n - 1) cc->k_hi = b3 - 1; /* below <= b3-1  <=>  s <= a[b3-1] */
                    C->need_pct = 1;
                }
                break;
            case K_FLAG:
            case K_ATTR_RANGE:
            case K_ATTR_IN: {
                size_t a;
                if (c->kind == K_FLAG && strcmp(c->attr, "medicaid") == 0 &&
                    ncm_population_attr_find(pop, c->attr, &a) != NCM_OK) {
                    cc->u8 = ncm_population_medicaid(pop);
                    if (!cc->u8)
                        return ncmi_error(NCM_ERR_NOT_FOUND, "rule '%s' (#%zu): flag: the population has no medicaid column",
                                          R->name, r + 1);
                    break;
                }
                if (ncm_population_attr_find(pop, c->attr, &a) != NCM_OK)
                    return ncmi_error(NCM_ERR_NOT_FOUND, "rule '%s' (#%zu): %s: the population has no attribute \"%s\"",
                                      R->name, r + 1, kind_key[c->kind], c->attr);
                if (c->kind == K_ATTR_IN) {
                    cc->ids = ncm_population_attr_text_ids(pop, a);
                    if (!cc->ids)
                        return ncmi_error(NCM_ERR_INVALID, "rule '%s' (#%zu): attribute \"%s\" is numeric; \"in\" needs a text attribute",
                                          R->name, r + 1, c->attr);
                    size_t nt = ncm_population_attr_text_count(pop, a);
                    cc->ok = ncmi_calloc(nt ? nt : 1, 1);
                    if (!cc->ok) return ncmi_nomem("attribute lookup");
                    for (size_t t = 0; t < nt; t++)
                        for (size_t v = 0; v < c->nvalues; v++)
                            if (strcmp(ncm_population_attr_text_value(pop, a, (uint32_t)t), c->values[v]) == 0) cc->ok[t] = 1;
                } else {
                    cc->num = ncm_population_attr_numeric(pop, a);
                    if (!cc->num)
                        return ncmi_error(NCM_ERR_INVALID, "rule '%s' (#%zu): attribute \"%s\" is text; %s needs a numeric attribute",
                                          R->name, r + 1, c->attr, c->kind == K_FLAG ? "a flag" : "a range");
                }
                break;
            }
            default: break;
            }
        }
    }
    if (C->need_groups) {
        ncm_status st = ncmi_groups_code_masks(s->groups, pop, &C->code_mask);
        if (st != NCM_OK) return st;
    }
    if (C->need_pct) return resolve_percentiles(C, scores, n);
    return NCM_OK;
}

/* Evaluate one clause on people [b, b+m): act[i] &= clause holds. Bounds are copied to locals and
 * pointers are restrict-qualified, with non-short-circuit '&', so that the loops vectorise. */
#define RANGE_LOOP(T, x, lo, hi)                                                                                        \
    do {                                                                                                                \
        const T *restrict xs_ = (x);                                                                                    \
        const T lo_ = (lo), hi_ = (hi);                                                                                 \
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & (xs_[i] >= lo_) & (xs_[i] <= hi_));                 \
    } while (0)

static void eval_clause(const cclause *c, const ncm_population *pop, const double *restrict scores,
                        const uint64_t *restrict gm, const uint8_t *restrict ltc, size_t b, size_t m,
                        uint8_t *restrict act)
{
    switch (c->kind) {
    case K_AGE: {
        int32_t lo = c->ilo < 0 ? 0 : c->ilo > INT32_MAX ? INT32_MAX : (int32_t)c->ilo;
        int32_t hi = c->ihi > INT32_MAX ? INT32_MAX : c->ihi < 0 ? -1 : (int32_t)c->ihi;
        RANGE_LOOP(int32_t, ncm_population_age(pop) + b, lo, hi);
        break;
    }
    case K_SEX: {
        const uint8_t *restrict sex = ncm_population_sex(pop) + b;
        const uint32_t mask = (uint32_t)c->mask;
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & (mask >> sex[i]));
        break;
    }
    case K_DEPRIVATION: {
        int lo = c->ilo < 0 ? 0 : c->ilo > 255 ? 256 : (int)c->ilo, hi = c->ihi > 255 ? 255 : (int)c->ihi;
        if (lo > 255) {
            memset(act, 0, m);
            break;
        }
        RANGE_LOOP(uint8_t, ncm_population_deprivation(pop) + b, (uint8_t)lo, (uint8_t)hi);
        break;
    }
    case K_MONTHS: RANGE_LOOP(double, ncm_population_months(pop) + b, c->lo, c->hi); break;
    case K_COST: RANGE_LOOP(int64_t, ncm_population_cost(pop) + b, c->ilo, c->ihi); break;
    case K_LTC: {
        int lo = c->ilo < 0 ? 0 : c->ilo > 255 ? 256 : (int)c->ilo, hi = c->ihi > 255 ? 255 : (int)c->ihi;
        if (lo > 255) {
            memset(act, 0, m);
            break;
        }
        RANGE_LOOP(uint8_t, ltc, (uint8_t)lo, (uint8_t)hi);
        break;
    }
    case K_ANY: {
        const uint64_t mask = c->mask;
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & ((gm[i] & mask) != 0));
        break;
    }
    case K_ALL: {
        const uint64_t mask = c->mask;
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & ((gm[i] & mask) == mask));
        break;
    }
    case K_NONE: {
        const uint64_t mask = c->mask;
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & ((gm[i] & mask) == 0));
        break;
    }
    case K_RISK:
    case K_PCT: RANGE_LOOP(double, scores + b, c->lo, c->hi); break;
    case K_FLAG:
        if (c->u8) {
            const uint8_t *restrict x = c->u8 + b;
            for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & (x[i] != 0));
        } else {
            const double *restrict x = c->num + b;
            for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & (x[i] != 0));
        }
        break;
    case K_ATTR_RANGE: RANGE_LOOP(double, c->num + b, c->lo, c->hi); break;
    case K_ATTR_IN: {
        const uint32_t *restrict x = c->ids + b;
        const uint8_t *restrict ok = c->ok;
        for (size_t i = 0; i < m; i++) act[i] = (uint8_t)(act[i] & ok[x[i]]);
        break;
    }
    default: break;
    }
}

static ncm_status assign_impl(const char *fn, const ncm_segmentation *s, const ncm_population *pop, const double *scores,
                              size_t nscores, uint32_t *segment, uint32_t *rule_out, size_t cap)
{
    if (!s || !pop || (!segment && !rule_out)) return ncmi_error(NCM_ERR_INVALID, "%s: NULL argument", fn);
    size_t n = ncm_population_size(pop);
    if (cap < n) return ncmi_error(NCM_ERR_BUFFER, "%s: cap %zu is below the %zu people", fn, cap, n);
    if (scores) {
        if (nscores != n) return ncmi_error(NCM_ERR_RANGE, "%s: %zu scores for %zu people", fn, nscores, n);
        for (size_t i = 0; i < n; i++)
            if (!isfinite(scores[i])) return ncmi_error(NCM_ERR_RANGE, "scores[%zu]: %g is not a finite number", i, scores[i]);
    }
    compiled C;
    ncm_status st = compile(s, pop, scores, &C);
    if (st != NCM_OK) {
        compiled_free(&C);
        return st;
    }
    const uint64_t *off = ncm_population_dx_offsets(pop);
    const uint32_t *dx = ncm_population_text_ids(pop, NCM_TEXT_DIAGNOSIS);
    uint64_t ltc_mask = s->groups->ltc_mask;
    uint32_t def = s->def, def_rule = (uint32_t)s->nrules;
    uint64_t gm[BLOCK];
    uint8_t ltc[BLOCK], act[BLOCK], open[BLOCK];
    uint32_t segbuf[BLOCK], rulebuf[BLOCK];
    for (size_t b = 0; b < n; b += BLOCK) {
        size_t m = n - b < BLOCK ? n - b : BLOCK;
        uint32_t *out = segment ? segment + b : segbuf;
        if (C.need_groups) ncmi_groups_people(C.code_mask, off, dx, ltc_mask, b, b + m, gm, ltc);
        memset(open, 1, m);
        size_t left = m;
        for (size_t r = 0; r < C.nrules && left; r++) {
            const crule *cr = &C.rules[r];
            memcpy(act, open, m);
            for (size_t k = 0; k < cr->nc; k++) eval_clause(&cr->c[k], pop, scores, gm, ltc, b, m, act);
            uint32_t sid = cr->segment;
            size_t hit = 0;
            for (size_t i = 0; i < m; i++) {
                out[i] = act[i] ? sid : out[i];
                open[i] = (uint8_t)(open[i] & !act[i]);
                hit += act[i];
            }
            if (rule_out)
                for (size_t i = 0; i < m; i++) rulebuf[i] = act[i] ? (uint32_t)r : rulebuf[i];
            left -= hit;
        }
        if (left) {
            for (size_t i = 0; i < m; i++) out[i] = open[i] ? def : out[i];
            if (rule_out)
                for (size_t i = 0; i < m; i++) rulebuf[i] = open[i] ? def_rule : rulebuf[i];
        }
        if (rule_out) memcpy(rule_out + b, rulebuf, m * sizeof *rulebuf);
    }
    compiled_free(&C);
    return NCM_OK;
}

ncm_status ncm_segmentation_assign(const ncm_segmentation *s, const ncm_population *pop, const double *scores,
                                   size_t nscores, uint32_t *segment, size_t cap)
{
    if (!segment) return ncmi_error(NCM_ERR_INVALID, "ncm_segmentation_assign: NULL argument");
    return assign_impl("ncm_segmentation_assign", s, pop, scores, nscores, segment, NULL, cap);
}

ncm_status ncm_segmentation_assign_rules(const ncm_segmentation *s, const ncm_population *pop, const double *scores,
                                         size_t nscores, uint32_t *segment, uint32_t *rule, size_t cap)
{
    return assign_impl("ncm_segmentation_assign_rules", s, pop, scores, nscores, segment, rule, cap);
}

/* ------------------------------------------------------------------ summaries */
struct ncm_segment_summary {
    size_t units;
    uint32_t nseg;
    uint64_t *people;
    double *exposure, *risk_sum;
    ncm_money *cost;
    int has_risk;
};

void ncm_segment_summary_free(ncm_segment_summary *s)
{
    if (!s) return;
    ncmi_free(s->people);
    ncmi_free(s->exposure);
    ncmi_free(s->risk_sum);
    ncmi_free(s->cost);
    ncmi_free(s);
}

ncm_status ncm_segment_summarize(const ncm_population *pop, const uint32_t *segment, size_t n, uint32_t nsegments,
                                 const double *scores, int level, ncm_segment_summary **out)
{
    if (!pop || !segment || !out || nsegments == 0)
        return ncmi_error(NCM_ERR_INVALID, "ncm_segment_summarize: NULL argument or no segments");
    if (n != ncm_population_size(pop))
        return ncmi_error(NCM_ERR_INVALID, "ncm_segment_summarize: %zu segment ids for %zu people", n, ncm_population_size(pop));
    if (level != NCM_SUMMARY_WHOLE && (level < 0 || level >= NCM_LEVEL_COUNT))
        return ncmi_error(NCM_ERR_INVALID, "ncm_segment_summarize: level %d is not a geography level or NCM_SUMMARY_WHOLE", level);
    for (size_t i = 0; i < n; i++) {
        if (segment[i] >= nsegments)
            return ncmi_error(NCM_ERR_RANGE, "segment[%zu] = %lu is not below the %lu segments", i, (unsigned long)segment[i],
                              (unsigned long)nsegments);
        if (scores && !isfinite(scores[i])) return ncmi_error(NCM_ERR_RANGE, "scores[%zu]: %g is not a finite number", i, scores[i]);
    }
    const uint32_t *unit = level == NCM_SUMMARY_WHOLE ? NULL : ncm_population_text_ids(pop, (ncm_text_field)level);
    size_t units = level == NCM_SUMMARY_WHOLE ? 1 : ncm_population_text_count(pop, (ncm_text_field)level);
    if (units == 0) units = 1;
    if (units > SIZE_MAX / nsegments) return ncmi_error(NCM_ERR_OVERFLOW, "ncm_segment_summarize: too many cells");
    size_t cells = units * nsegments;
    ncm_segment_summary *S = ncmi_calloc(1, sizeof *S);
    if (!S) return ncmi_nomem("segment summary");
    S->units = units;
    S->nseg = nsegments;
    S->has_risk = scores != NULL;
    S->people = ncmi_calloc(cells, sizeof *S->people);
    S->exposure = ncmi_calloc(cells, sizeof *S->exposure);
    S->risk_sum = ncmi_calloc(cells, sizeof *S->risk_sum);
    S->cost = ncmi_calloc(cells, sizeof *S->cost);
    if (!S->people || !S->exposure || !S->risk_sum || !S->cost) {
        ncm_segment_summary_free(S);
        return ncmi_nomem("segment summary");
    }
    const double *months = ncm_population_months(pop);
    const ncm_money *cost = ncm_population_cost(pop);
    for (size_t i = 0; i < n; i++) {
        size_t c = (unit ? unit[i] : 0) * (size_t)nsegments + segment[i];
        double e = months[i] / 12.0;
        S->people[c]++;
        S->exposure[c] += e;
        if (scores) S->risk_sum[c] += scores[i] * e;
        if (cost && ncm_money_add(S->cost[c], cost[i], &S->cost[c]) != NCM_OK) {
            ncm_segment_summary_free(S);
            return ncmi_error(NCM_ERR_OVERFLOW, "ncm_segment_summarize: cost total of segment %lu overflows at person %zu",
                              (unsigned long)segment[i], i);
        }
    }
    *out = S;
    return NCM_OK;
}

size_t ncm_segment_summary_units(const ncm_segment_summary *s) { return s ? s->units : 0; }
uint32_t ncm_segment_summary_segments(const ncm_segment_summary *s) { return s ? s->nseg : 0; }
size_t ncm_segment_summary_cells(const ncm_segment_summary *s) { return s ? s->units * s->nseg : 0; }

static ncm_status check_out(const ncm_segment_summary *s, const void *out, size_t cap, const char *fn)
{
    if (!s || !out) return ncmi_error(NCM_ERR_INVALID, "%s: NULL argument", fn);
    if (cap < s->units * s->nseg) return ncmi_error(NCM_ERR_BUFFER, "%s: cap %zu is below the %zu cells", fn, cap, s->units * s->nseg);
    return NCM_OK;
}

ncm_status ncm_segment_summary_people(const ncm_segment_summary *s, uint64_t *out, size_t cap)
{
    ncm_status st = check_out(s, out, cap, "ncm_segment_summary_people");
    if (st == NCM_OK) memcpy(out, s->people, s->units * s->nseg * sizeof *out);
    return st;
}

ncm_status ncm_segment_summary_exposure(const ncm_segment_summary *s, double *out, size_t cap)
{
    ncm_status st = check_out(s, out, cap, "ncm_segment_summary_exposure");
    if (st == NCM_OK) memcpy(out, s->exposure, s->units * s->nseg * sizeof *out);
    return st;
}

ncm_status ncm_segment_summary_cost(const ncm_segment_summary *s, ncm_money *out, size_t cap)
{
    ncm_status st = check_out(s, out, cap, "ncm_segment_summary_cost");
    if (st == NCM_OK) memcpy(out, s->cost, s->units * s->nseg * sizeof *out);
    return st;
}

ncm_status ncm_segment_summary_mean_risk(const ncm_segment_summary *s, double *out, size_t cap)
{
    ncm_status st = check_out(s, out, cap, "ncm_segment_summary_mean_risk");
    if (st != NCM_OK) return st;
    if (!s->has_risk) return ncmi_error(NCM_ERR_NOT_FOUND, "ncm_segment_summary_mean_risk: the summary was made without scores");
    for (size_t c = 0; c < s->units * s->nseg; c++) out[c] = s->exposure[c] > 0 ? s->risk_sum[c] / s->exposure[c] : NAN;
    return NCM_OK;
}

ncm_status ncm_segment_summary_cost_share(const ncm_segment_summary *s, double *out, size_t cap)
{
    ncm_status st = check_out(s, out, cap, "ncm_segment_summary_cost_share");
    if (st != NCM_OK) return st;
    for (size_t u = 0; u < s->units; u++) {
        double total = 0;
        for (uint32_t k = 0; k < s->nseg; k++) total += (double)s->cost[u * s->nseg + k];
        for (uint32_t k = 0; k < s->nseg; k++)
            out[u * s->nseg + k] = total > 0 ? (double)s->cost[u * s->nseg + k] / total : 0.0;
    }
    return NCM_OK;
}

ncm_status ncm_segment_crosstab(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb, size_t n,
                                const ncm_population *pop, uint64_t *people, double *exposure, ncm_money *cost, size_t cap)
{
    if ((!a || !b) && n) return ncmi_error(NCM_ERR_INVALID, "ncm_segment_crosstab: NULL segment ids");
    if (na == 0 || nb == 0) return ncmi_error(NCM_ERR_INVALID, "ncm_segment_crosstab: a segmentation with no segments");
    if ((exposure || cost) && !pop)
        return ncmi_error(NCM_ERR_INVALID, "ncm_segment_crosstab: exposure and cost need the population");
    if (pop && ncm_population_size(pop) != n)
        return ncmi_error(NCM_ERR_INVALID, "ncm_segment_crosstab: %zu ids for %zu people", n, ncm_population_size(pop));
    size_t cells = (size_t)na * nb;
    if (cap < cells) return ncmi_error(NCM_ERR_BUFFER, "ncm_segment_crosstab: cap %zu is below the %zu cells", cap, cells);
    for (size_t i = 0; i < n; i++) {
        if (a[i] >= na) return ncmi_error(NCM_ERR_RANGE, "a[%zu] = %lu is not below %lu", i, (unsigned long)a[i], (unsigned long)na);
        if (b[i] >= nb) return ncmi_error(NCM_ERR_RANGE, "b[%zu] = %lu is not below %lu", i, (unsigned long)b[i], (unsigned long)nb);
    }
    uint64_t *p = ncmi_calloc(cells, sizeof *p);
    double *e = ncmi_calloc(cells, sizeof *e);
    ncm_money *c = ncmi_calloc(cells, sizeof *c);
    if (!p || !e || !c) {
        ncmi_free(p);
        ncmi_free(e);
        ncmi_free(c);
        return ncmi_nomem("cross-tabulation");
    }
    const double *months = pop ? ncm_population_months(pop) : NULL;
    const ncm_money *pc = pop ? ncm_population_cost(pop) : NULL;
    ncm_status st = NCM_OK;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)a[i] * nb + b[i];
        p[k]++;
        if (months) e[k] += months[i] / 12.0;
        if (pc && ncm_money_add(c[k], pc[i], &c[k]) != NCM_OK) {
            st = ncmi_error(NCM_ERR_OVERFLOW, "ncm_segment_crosstab: cost of cell (%lu, %lu) overflows at person %zu",
                            (unsigned long)a[i], (unsigned long)b[i], i);
            break;
        }
    }
    if (st == NCM_OK) {
        if (people) memcpy(people, p, cells * sizeof *p);
        if (exposure) memcpy(exposure, e, cells * sizeof *e);
        if (cost) memcpy(cost, c, cells * sizeof *c);
    }
    ncmi_free(p);
    ncmi_free(e);
    ncmi_free(c);
    return st;
}
