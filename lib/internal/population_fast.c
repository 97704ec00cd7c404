#include "internal/population_fast.h"

#include <string.h>

void ncmi_pop_parts_free(ncmi_pop_parts *q)
{
    if (!q) return;
    ncmi_free(q->age);
    ncmi_free(q->sex);
    ncmi_free(q->depr);
    ncmi_free(q->months);
    ncmi_free(q->cost);
    ncmi_dict_free(q->person);
    for (int l = 0; l < NCM_LEVEL_COUNT; l++) {
        ncmi_dict_free(q->geo[l]);
        ncmi_free(q->geo_ids[l]);
    }
    ncmi_dict_free(q->dx);
    ncmi_free(q->dx_ids);
    ncmi_free(q->dx_off);
    memset(q, 0, sizeof *q);
}

/* A dictionary holding only "" and n zero ids: an absent text column. */
static ncm_status empty_text(size_t n, ncmi_dict **d, uint32_t **ids)
{
    uint32_t id;
    *d = ncmi_dict_new(1);
    *ids = ncmi_calloc(n ? n : 1, sizeof **ids);
    if (!*d || !*ids || ncmi_dict_intern(*d, "", 0, &id, NULL)) return NCM_ERR_NOMEM;
    return NCM_OK;
}

ncm_status ncmi_population_adopt(ncmi_pop_parts *q, ncm_population **out)
{
    if (!q || !out || !q->person || (q->n && (!q->age || !q->sex)))
        return ncmi_error(NCM_ERR_INTERNAL, "ncmi_population_adopt: missing required parts");
    size_t n = q->n;
    ncm_population *p = ncmi_calloc(1, sizeof *p);
    if (!p) return ncmi_nomem("population");
    p->n = n;
    p->present = (1u << NCMI_COL_PERSON_ID) | (1u << NCMI_COL_AGE) | (1u << NCMI_COL_SEX);
    /* Defaults first (the only allocations), so that a failure leaves parts untouched. */
    uint8_t *orec = ncmi_calloc(n ? n : 1, 1), *medicaid = ncmi_calloc(n ? n : 1, 1);
    uint8_t *depr = q->depr ? NULL : ncmi_calloc(n ? n : 1, 1);
    double *months = q->months ? NULL : ncmi_malloc_array(n ? n : 1, sizeof *months);
    uint64_t *dx_off = q->dx_off ? NULL : ncmi_calloc(n + 1, sizeof *dx_off);
    ncm_status st = NCM_OK;
    if (!orec || !medicaid || (!q->depr && !depr) || (!q->months && !months) || (!q->dx_off && !dx_off))
        st = NCM_ERR_NOMEM;
    if (!st) st = empty_text(n, &p->text[4], &p->text_ids[4]);
    for (int l = 0; l < NCM_LEVEL_COUNT && !st; l++)
        if (!q->geo[l]) st = empty_text(n, &p->text[l], &p->text_ids[l]);
    if (!st && !q->dx) {
        p->dx = ncmi_dict_new(0);
        p->dx_ids = ncmi_malloc(1);
        if (!p->dx || !p->dx_ids) st = NCM_ERR_NOMEM;
    }
    if (st) {
        ncmi_free(orec);
        ncmi_free(medicaid);
        ncmi_free(depr);
        ncmi_free(months);
        ncmi_free(dx_off);
        ncm_population_free(p);
        return ncmi_nomem("population");
    }
    if (months)
        for (size_t i = 0; i < n; i++) months[i] = 12.0;
    /* Parent tables need the geography ids: attach them now, detach again if the check fails. */
    for (int l = 0; l < NCM_LEVEL_COUNT; l++)
        if (q->geo[l]) {
            p->text[l] = q->geo[l];
            p->text_ids[l] = q->geo_ids[l];
            p->present |= 1u << (NCMI_COL_PRACTICE + l);
        }
    p->age = q->age;
    p->sex = q->sex;
    if ((st = ncmi_population_build_parents(p, NULL))) {
        for (int l = 0; l < NCM_LEVEL_COUNT; l++)
            if (q->geo[l]) p->text[l] = NULL, p->text_ids[l] = NULL;
        ncmi_free(orec);
        ncmi_free(medicaid);
        ncmi_free(depr);
        ncmi_free(months);
        ncmi_free(dx_off);
        ncm_population_free(p);
        return st;
    }
    /* Commit: from here on nothing fails. */
    p->owned[0] = q->age;
    p->owned[1] = q->sex;
    p->depr = q->depr ? q->depr : depr;
    p->owned[2] = (void *)p->depr;
    p->months = q->months ? q->months : months;
    p->owned[3] = (void *)p->months;
    p->orec = orec;
    p->owned[4] = orec;
    p->medicaid = medicaid;
    p->owned[5] = medicaid;
    if (q->cost) {
        p->cost = q->cost;
        p->owned[6] = q->cost;
        p->present |= 1u << NCMI_COL_COST;
    }
    if (q->depr) p->present |= 1u << NCMI_COL_DEPRIVATION;
    if (q->months) p->present |= 1u << NCMI_COL_MONTHS;
    p->person = q->person;
    if (q->dx) {
        p->dx = q->dx;
        p->dx_ids = q->dx_ids;
    }
    p->dx_off = q->dx_off ? q->dx_off : dx_off;
    memset(q, 0, sizeof *q);
    *out = p;
    return NCM_OK;
}
