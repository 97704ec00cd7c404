/* The population table built from C columns: values, defaults, dictionaries, nesting, roll-up, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "ncm/ncm.h"

/* Six people in two practices of one network, and a third practice in another network; one place. */
static const char *const ids[] = {"A", "B", "C", "D", "E", "F"};
static const int32_t ages[] = {70, 34, 0, 130, 65, 64};
static const uint8_t sexes[] = {NCM_SEX_MALE, NCM_SEX_FEMALE, NCM_SEX_FEMALE, NCM_SEX_UNKNOWN, NCM_SEX_MALE, NCM_SEX_FEMALE};
static const char *const practices[] = {"P1", "P1", "P2", "P2", "P3", "P3"};
static const char *const networks[] = {"N1", "N1", "N1", "N1", "N2", "N2"};
static const double months[] = {12, 6, 3, 12, 12, 1.5};
static const ncm_money costs[] = {100000, 2550, 0, 12345678, 99, 1};

static ncm_population_columns base_cols(void)
{
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = 6;
    c.person_id.values = ids;
    c.age = ages;
    c.sex = sexes;
    c.geo[NCM_LEVEL_PRACTICE].values = practices;
    c.geo[NCM_LEVEL_NETWORK].values = networks;
    c.months_enrolled = months;
    c.annual_cost = costs;
    return c;
}

static void test_build_and_read(void **state)
{
    (void)state;
    ncm_population_columns c = base_cols();
    uint64_t off[] = {0, 2, 2, 3, 3, 3, 3};
    const char *codes[] = {"E1169", "I509", "E1169"};
    c.dx_offsets = off;
    c.dx_codes.values = codes;
    ncm_population *p = NULL;
    assert_int_equal(ncm_population_from_columns(&c, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 6);
    assert_int_equal(ncm_population_age(p)[3], 130);
    assert_int_equal(ncm_population_sex(p)[1], NCM_SEX_FEMALE);
    assert_int_equal(ncm_population_cost(p)[3], 12345678);
    assert_true(ncm_population_months(p)[5] == 1.5);
    /* defaults for absent columns */
    assert_int_equal(ncm_population_deprivation(p)[0], 0);
    assert_int_equal(ncm_population_orec(p)[0], 0);
    assert_false(ncm_population_has_column(p, "deprivation_decile"));
    assert_true(ncm_population_has_column(p, "annual_cost"));
    assert_false(ncm_population_has_column(p, "place"));
    /* dictionaries: first-seen order */
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PRACTICE), 3);
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PRACTICE, 2), "P3");
    assert_int_equal(ncm_population_text_ids(p, NCM_TEXT_PRACTICE)[3], 1);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PLACE), 1); /* absent level: one unit "" */
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PLACE, 0), "");
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_DIAGNOSIS), 2);
    assert_int_equal(ncm_population_text_ids(p, NCM_TEXT_DIAGNOSIS)[2], 0);
    assert_int_equal(ncm_population_dx_offsets(p)[6], 3);
    uint32_t id = 99;
    assert_int_equal(ncm_population_text_find(p, NCM_TEXT_PERSON, "D", &id), NCM_OK);
    assert_int_equal(id, 3);
    assert_int_equal(ncm_population_text_find(p, NCM_TEXT_PERSON, "Z", &id), NCM_ERR_NOT_FOUND);
    assert_int_equal(id, 3);
    /* nesting: P3 -> N2 */
    uint32_t par = 9;
    assert_int_equal(ncm_population_parent(p, NCM_LEVEL_PRACTICE, 2, NCM_LEVEL_NETWORK, &par), NCM_OK);
    assert_int_equal(par, 1);
    assert_int_equal(ncm_population_parent(p, NCM_LEVEL_PRACTICE, 2, NCM_LEVEL_PLACE, &par), NCM_OK);
    assert_int_equal(par, 0);
    ncm_population_free(p);
}

static void test_rollup(void **state)
{
    (void)state;
    ncm_population_columns c = base_cols();
    ncm_population *p = NULL;
    assert_int_equal(ncm_population_from_columns(&c, &p), NCM_OK);
    uint64_t people[2];
    double expo[2], mage[2];
    ncm_money cost[2];
    assert_int_equal(ncm_population_rollup(p, NCM_LEVEL_NETWORK, people, expo, cost, mage, 2), NCM_OK);
    /* N1 = A, B, C, D: 4 people, (12+6+3+12)/12 = 2.75 years, 100000+2550+0+12345678, ages (70+34+0+130)/4 */
    assert_int_equal(people[0], 4);
    assert_true(fabs(expo[0] - 2.75) < 1e-12);
    assert_int_equal(cost[0], 12448228);
    assert_true(fabs(mage[0] - 58.5) < 1e-12);
    /* N2 = E, F: 13.5/12 years, cost 100, mean age 64.5 */
    assert_int_equal(people[1], 2);
    assert_true(fabs(expo[1] - 1.125) < 1e-12);
    assert_int_equal(cost[1], 100);
    assert_true(fabs(mage[1] - 64.5) < 1e-12);
    assert_int_equal(ncm_population_rollup(p, NCM_LEVEL_PRACTICE, people, NULL, NULL, NULL, 2), NCM_ERR_BUFFER);
    ncm_population_free(p);
}

static void expect_fail(ncm_population_columns *c, ncm_status want, const char *part)
{
    ncm_population *p = (ncm_population *)0x1;
    ncm_status st = ncm_population_from_columns(c, &p);
    if (st != want) fail_msg("status %d, want %d (%s)", st, want, ncm_last_error());
    assert_ptr_equal(p, (ncm_population *)0x1);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static void test_bad_input(void **state)
{
    (void)state;
    ncm_population_columns c = base_cols();
    int32_t bad_age[] = {70, 34, 0, 131, 65, 64};
    c.age = bad_age;
    expect_fail(&c, NCM_ERR_RANGE, "age[3]: 131 is outside 0-130");
    c = base_cols();
    int32_t neg_age[] = {-1, 34, 0, 13, 65, 64};
    c.age = neg_age;
    expect_fail(&c, NCM_ERR_RANGE, "age[0]");
    c = base_cols();
    double bad_m[] = {12, 6, 3, 12.5, 12, 1};
    c.months_enrolled = bad_m;
    expect_fail(&c, NCM_ERR_RANGE, "months_enrolled[3]: 12.5 is outside 0-12");
    double nan_m[] = {12, 6, NAN, 12, 12, 1};
    c.months_enrolled = nan_m;
    expect_fail(&c, NCM_ERR_RANGE, "months_enrolled[2]");
    c = base_cols();
    uint8_t bad_sex[] = {1, 2, 3, 0, 1, 1};
    c.sex = bad_sex;
    expect_fail(&c, NCM_ERR_RANGE, "sex[2]");
    c = base_cols();
    const char *dup[] = {"A", "B", "C", "B", "E", "F"};
    c.person_id.values = dup;
    expect_fail(&c, NCM_ERR_DUPLICATE, "person_id[3]: \"B\" appears twice (first at row 1)");
    c = base_cols();
    const char *empty[] = {"A", "", "C", "D", "E", "F"};
    c.person_id.values = empty;
    expect_fail(&c, NCM_ERR_RANGE, "person_id[1]: empty value");
    c = base_cols();
    const char *two_nets[] = {"N1", "N1", "N1", "N9", "N2", "N2"};
    c.geo[NCM_LEVEL_NETWORK].values = two_nets;
    expect_fail(&c, NCM_ERR_INCONSISTENT, "practice \"P2\" is in two networks: \"N1\" (row 2) and \"N9\"");
    c = base_cols();
    ncm_money neg_cost[] = {1, 2, -3, 4, 5, 6};
    c.annual_cost = neg_cost;
    expect_fail(&c, NCM_ERR_RANGE, "annual_cost[2]");
    c = base_cols();
    c.version = 99;
    expect_fail(&c, NCM_ERR_VERSION, "version 99");
    c = base_cols();
    c.age = NULL;
    expect_fail(&c, NCM_ERR_INVALID, "age: required");
    c = base_cols();
    ncm_attribute_column at = {"age", NULL, {0, 0, 0, 0}};
    double v[6] = {0};
    at.numeric = v;
    c.attributes = &at;
    c.nattributes = 1;
    expect_fail(&c, NCM_ERR_DUPLICATE, "canonical column");
}

static void test_index_levels_and_attributes(void **state)
{
    (void)state;
    ncm_population_columns c = base_cols();
    /* practice given as pandas.factorize output, in a different level order */
    static const uint32_t idx[] = {1, 1, 0, 0, 2, 2};
    static const char *const lv[] = {"P2", "P1", "P3"};
    c.geo[NCM_LEVEL_PRACTICE].values = NULL;
    c.geo[NCM_LEVEL_PRACTICE].index = idx;
    c.geo[NCM_LEVEL_PRACTICE].levels = lv;
    c.geo[NCM_LEVEL_PRACTICE].nlevels = 3;
    double frailty[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    static const char *const eth[] = {"x", "y", "x", "x", "z", "y"};
    ncm_attribute_column at[2] = {{"frailty", frailty, {0, 0, 0, 0}}, {"ethnicity", NULL, {eth, 0, 0, 0}}};
    c.attributes = at;
    c.nattributes = 2;
    ncm_population *p = NULL;
    assert_int_equal(ncm_population_from_columns(&c, &p), NCM_OK);
    /* ids follow first appearance in rows: P1 first */
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_PRACTICE, 0), "P1");
    assert_int_equal(ncm_population_text_ids(p, NCM_TEXT_PRACTICE)[2], 1);
    size_t k = 9;
    assert_int_equal(ncm_population_attr_find(p, "ethnicity", &k), NCM_OK);
    assert_int_equal(k, 1);
    assert_int_equal(ncm_population_attr_text_count(p, 1), 3);
    assert_string_equal(ncm_population_attr_text_value(p, 1, ncm_population_attr_text_ids(p, 1)[4]), "z");
    assert_true(ncm_population_attr_numeric(p, 0)[5] == 0.6);
    assert_null(ncm_population_attr_numeric(p, 1));
    assert_true(ncm_population_has_column(p, "frailty"));
    ncm_population_free(p);
}

static void test_borrow_and_alloc_failures(void **state)
{
    (void)state;
    ncm_population_columns c = base_cols();
    c.flags = NCM_POPULATION_BORROW;
    ncm_population *p = NULL;
    assert_int_equal(ncm_population_from_columns(&c, &p), NCM_OK);
    assert_ptr_equal(ncm_population_age(p), ages); /* zero-copy */
    ncm_population_free(p);
    /* walk every allocation */
    c.flags = 0;
    uint64_t off[] = {0, 1, 1, 1, 1, 1, 2};
    const char *codes[] = {"E1169", "I509"};
    c.dx_offsets = off;
    c.dx_codes.values = codes;
    unsigned long k;
    for (k = 1; k < 1000; k++) {
        p = NULL;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_population_from_columns(&c, &p);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_null(p);
    }
    assert_true(k > 5);
    assert_non_null(p);
    ncm_population_free(p);
    ncm_population_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_read), cmocka_unit_test(test_rollup), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_index_levels_and_attributes), cmocka_unit_test(test_borrow_and_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
