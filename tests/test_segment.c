/* Segmentation: condition groups, rule sets (every clause kind, first match, percentile ties),
 * built-in rule sets, summaries, cross-tabulation, validation errors, JSON round trip, allocation
 * failures, and the CLI. Expected values are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "ncm/ncm.h"

/* ------------------------------------------------------------------ helpers */
#define assert_double_equal(a, b, eps) assert_near((a), (b), (eps), __LINE__)
static void assert_near(double a, double b, double eps, int line)
{
    if (!(fabs(a - b) <= eps)) fail_msg("line %d: %.17g differs from %.17g", line, a, b);
}

#define MAXP 64

typedef struct person {
    const char *id;
    int32_t age;
    uint8_t sex;
    uint8_t depr;
    double months;
    ncm_money cost;
    const char *codes; /* space separated */
    double smoker;     /* numeric attribute */
    const char *tenure; /* text attribute */
    const char *practice;
} person;

/* Build a population; with_attrs adds "smoker" (numeric) and "tenure" (text). */
static ncm_population *make_pop(const person *p, size_t n, int with_cost, int with_attrs)
{
    const char *ids[MAXP], *prac[MAXP], *net[MAXP], *ten[MAXP];
    int32_t age[MAXP];
    uint8_t sex[MAXP], depr[MAXP];
    double months[MAXP], smoker[MAXP];
    ncm_money cost[MAXP];
    uint64_t off[MAXP + 1];
    static char codebuf[MAXP * 8][16];
    const char *codes[MAXP * 8];
    size_t nc = 0;
    assert_true(n <= MAXP);
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        ids[i] = p[i].id;
        age[i] = p[i].age;
        sex[i] = p[i].sex;
        depr[i] = p[i].depr;
        months[i] = p[i].months;
        cost[i] = p[i].cost;
        smoker[i] = p[i].smoker;
        ten[i] = p[i].tenure ? p[i].tenure : "rent";
        prac[i] = p[i].practice ? p[i].practice : "P1";
        net[i] = strcmp(prac[i], "P3") == 0 ? "N2" : "N1";
        const char *s = p[i].codes ? p[i].codes : "";
        while (*s) {
            size_t k = 0;
            while (*s && *s != ' ') codebuf[nc][k++] = *s++;
            codebuf[nc][k] = '\0';
            codes[nc] = codebuf[nc];
            nc++;
            while (*s == ' ') s++;
        }
        off[i + 1] = nc;
    }
    ncm_attribute_column attrs[2];
    memset(attrs, 0, sizeof attrs);
    attrs[0].name = "smoker";
    attrs[0].numeric = smoker;
    attrs[1].name = "tenure";
    attrs[1].text.values = ten;
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = n;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.deprivation_decile = depr;
    c.months_enrolled = months;
    c.annual_cost = with_cost ? cost : NULL;
    c.geo[NCM_LEVEL_PRACTICE].values = prac;
    c.geo[NCM_LEVEL_NETWORK].values = net;
    c.dx_offsets = off;
    c.dx_codes.values = codes;
    c.attributes = with_attrs ? attrs : NULL;
    c.nattributes = with_attrs ? 2 : 0;
    ncm_population *pop = NULL;
    ncm_status st = ncm_population_from_columns(&c, &pop);
    if (st != NCM_OK) fail_msg("population: %s", ncm_last_error());
    return pop;
}

static ncm_segmentation *load(const char *json)
{
    ncm_segmentation *s = NULL;
    ncm_status st = ncm_segmentation_read_json_buffer(json, strlen(json), "t.json", NULL, &s);
    if (st != NCM_OK) fail_msg("load: %s", ncm_last_error());
    return s;
}

/* Assign and compare with expected segment names. */
static void expect_segments(const ncm_segmentation *s, const ncm_population *pop, const double *scores,
                            const char *const *want)
{
    size_t n = ncm_population_size(pop);
    uint32_t out[MAXP];
    ncm_status st = ncm_segmentation_assign(s, pop, scores, scores ? n : 0, out, MAXP);
    if (st != NCM_OK) fail_msg("assign: %s", ncm_last_error());
    for (size_t i = 0; i < n; i++) {
        const char *got = ncm_segmentation_segment_name(s, out[i]);
        if (strcmp(got, want[i]) != 0) fail_msg("person %zu: segment %s, expected %s", i, got, want[i]);
    }
}

static void expect_error(const char *json, ncm_status want, const char *part)
{
    ncm_segmentation *s = (ncm_segmentation *)0x1;
    ncm_status st = ncm_segmentation_read_json_buffer(json, strlen(json), "bad.json", NULL, &s);
    if (st != want) fail_msg("status %d (expected %d) for %s: %s", st, want, json, ncm_last_error());
    assert_ptr_equal(s, (ncm_segmentation *)0x1);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
}

static uint64_t bit(const ncm_condition_groups *g, const char *name)
{
    size_t k;
    assert_int_equal(ncm_condition_groups_find(g, name, &k), NCM_OK);
    return (uint64_t)1 << k;
}

/* Temporary files, removed by the group teardown. */
static char temp_paths[512][40];
static int ntemp;

static char *write_temp(const char *text)
{
    assert_true(ntemp < 512);
    char *p = temp_paths[ntemp++];
    strcpy(p, "/tmp/ncm_segment_XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal((size_t)write(fd, text, len), len);
    close(fd);
    return p;
}

static int remove_temps(void **state)
{
    (void)state;
    for (int i = 0; i < ntemp; i++) unlink(temp_paths[i]);
    unlink("/tmp/ncm_segment_err.txt");
    ntemp = 0;
    return 0;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* ------------------------------------------------------------------ condition groups */
static void test_groups_builtin(void **state)
{
    (void)state;
    ncm_condition_groups *g = NULL;
    assert_int_equal(ncm_condition_groups_builtin(&g), NCM_OK);
    static const char *const required[] = {"hypertension", "diabetes", "copd", "asthma", "heart_failure",
        "atrial_fibrillation", "coronary_heart_disease", "stroke_tia", "chronic_kidney_disease", "dementia",
        "depression", "serious_mental_illness", "cancer", "osteoarthritis", "rheumatoid_arthritis", "epilepsy",
        "parkinsons", "learning_disability", "frailty", "renal_failure", "liver_failure", "respiratory_failure"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) (void)bit(g, required[i]);
    uint64_t m;
    /* E11.9 type 2 diabetes without complications: diabetes only */
    assert_int_equal(ncm_condition_groups_match(g, "E11.9", &m), NCM_OK);
    assert_int_equal(m, bit(g, "diabetes"));
    assert_int_equal(ncm_condition_groups_match(g, "e11 9", &m), NCM_OK); /* spelling normalised */
    assert_int_equal(m, bit(g, "diabetes"));
    /* I11.0 hypertensive heart disease with heart failure: two groups */
    ncm_condition_groups_match(g, "I11.0", &m);
    assert_int_equal(m, bit(g, "hypertension") | bit(g, "heart_failure"));
    ncm_condition_groups_match(g, "I11.9", &m);
    assert_int_equal(m, bit(g, "hypertension"));
    /* cancer excludes C44 (non-melanoma skin cancer), as QOF does */
    ncm_condition_groups_match(g, "C44.3", &m);
    assert_int_equal(m, 0);
    ncm_condition_groups_match(g, "C50.9", &m);
    assert_int_equal(m, bit(g, "cancer"));
    /* G45.4 transient global amnesia is not a TIA; G45.9 is */
    ncm_condition_groups_match(g, "G454", &m);
    assert_int_equal(m, 0);
    ncm_condition_groups_match(g, "G459", &m);
    assert_int_equal(m, bit(g, "stroke_tia"));
    /* CKD stages 1-2 are not on the register; stage 4 is CKD and renal failure */
    ncm_condition_groups_match(g, "N18.2", &m);
    assert_int_equal(m, 0);
    ncm_condition_groups_match(g, "N18.4", &m);
    assert_int_equal(m, bit(g, "chronic_kidney_disease") | bit(g, "renal_failure"));
    ncm_condition_groups_match(g, "Z51.5", &m);
    assert_int_equal(m, bit(g, "end_of_life"));
    ncm_condition_groups_match(g, "O80", &m);
    assert_int_equal(m, bit(g, "pregnancy"));
    ncm_condition_groups_match(g, "XYZ1", &m);
    assert_int_equal(m, 0);
    ncm_condition_groups_match(g, "E1-1", &m); /* not a code */
    assert_int_equal(m, 0);
    assert_true(ncm_condition_groups_is_ltc(g, 1)); /* diabetes */
    size_t k;
    assert_int_equal(ncm_condition_groups_find(g, "frailty", &k), NCM_OK);
    assert_false(ncm_condition_groups_is_ltc(g, k));
    assert_int_equal(ncm_condition_groups_find(g, "nope", &k), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "nope"));
    ncm_condition_groups_free(g);
    ncm_condition_groups_free(NULL);
}

/* One or more codes per built-in group, and near misses, with the groups worked out from the code
 * lists in docs/segmentation.md. */
static void test_groups_codes(void **state)
{
    (void)state;
    static const struct { const char *code, *groups; } cases[] = {
        {"I10", "hypertension"}, {"I12.0", "hypertension"}, {"E11.9", "diabetes"}, {"E13.0", "diabetes"},
        {"J44.1", "copd"}, {"J43.9", "copd"}, {"J45.9", "asthma"}, {"J46", "asthma"},
        {"I50.0", "heart_failure"}, {"I13.2", "hypertension heart_failure"}, {"I42.0", "heart_failure"},
        {"I48.0", "atrial_fibrillation"}, {"I25.10", "coronary_heart_disease"}, {"I21.4", "coronary_heart_disease"},
        {"I63.9", "stroke_tia"}, {"G45.9", "stroke_tia"}, {"I69.3", "stroke_tia"},
        {"N18.3", "chronic_kidney_disease"}, {"N18.5", "chronic_kidney_disease renal_failure"},
        {"G30.1", "dementia"}, {"F01.5", "dementia"}, {"F05.1", "dementia"}, {"F32.1", "depression"},
        {"F33.0", "depression"}, {"F20.0", "serious_mental_illness"}, {"F31.2", "serious_mental_illness"},
        {"C34.1", "cancer"}, {"C7A.0", "cancer"}, {"M17.1", "osteoarthritis"}, {"M05.3", "rheumatoid_arthritis"},
        {"G40.9", "epilepsy"}, {"G20", "parkinsons"}, {"F70", "learning_disability"}, {"Q90.9", "learning_disability"},
        {"K74.6", "liver_failure"}, {"K70.3", "liver_failure"}, {"K72.9", "liver_failure"}, {"I85.0", "liver_failure"},
        {"G80.9", "physical_disability"}, {"G82.2", "physical_disability"}, {"H54.0", "physical_disability"},
        {"R54", "frailty"}, {"R29.6", "frailty"}, {"W19", "frailty"}, {"Z74.0", "frailty"},
        {"N18.6", "chronic_kidney_disease renal_failure"}, {"Z99.2", "renal_failure"}, {"Z49.1", "renal_failure"},
        {"J96.1", "respiratory_failure"}, {"Z99.1", "respiratory_failure"}, {"Z51.5", "end_of_life"},
        {"O24.4", "pregnancy"}, {"Z34.0", "pregnancy"}, {"S72.0", "acute_illness"}, {"J18.9", "acute_illness"},
        {"A41.9", "acute_illness"}, {"N39.0", "acute_illness"}, {"K35.8", "acute_illness"},
        /* near misses: delirium not on dementia, fatty liver, pulmonary embolism, history of cancer, acute
         * respiratory failure, CKD stage 1, NMSC, TGA, other UTI-site codes */
        {"F05.0", ""}, {"K70.0", ""}, {"I26.9", ""}, {"Z85.3", ""}, {"J96.0", ""}, {"N18.1", ""}, {"C44.9", ""},
        {"G45.4", ""}, {"N39.3", ""}, {"D05.1", ""},
    };
    ncm_condition_groups *g;
    assert_int_equal(ncm_condition_groups_builtin(&g), NCM_OK);
    assert_int_equal(ncm_condition_groups_count(g), 26);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t want = 0, got = 0;
        char names[200];
        strcpy(names, cases[i].groups);
        for (char *t = strtok(names, " "); t; t = strtok(NULL, " ")) want |= bit(g, t);
        assert_int_equal(ncm_condition_groups_match(g, cases[i].code, &got), NCM_OK);
        if (got != want) fail_msg("%s: mask %#llx, expected %#llx (%s)", cases[i].code, (unsigned long long)got,
                                  (unsigned long long)want, cases[i].groups);
    }
    ncm_condition_groups_free(g);
}

static void test_groups_assign(void **state)
{
    (void)state;
    const person p[] = {
        {"a", 70, 2, 0, 12, 0, "E119 I10 E119 I110", 0, NULL, NULL}, /* diabetes, hypertension, heart failure: 3 LTCs */
        {"b", 40, 1, 0, 12, 0, "", 0, NULL, NULL},                   /* none */
        {"c", 85, 1, 0, 12, 0, "R54 F03 N184", 0, NULL, NULL},       /* frailty(no), dementia, ckd, renal_failure(no): 2 */
    };
    ncm_population *pop = make_pop(p, 3, 0, 0);
    ncm_condition_groups *g;
    ncm_condition_groups_builtin(&g);
    uint64_t mask[3] = {7, 7, 7};
    uint8_t ltc[3] = {9, 9, 9};
    assert_int_equal(ncm_condition_groups_assign(g, pop, mask, ltc, 2), NCM_ERR_BUFFER);
    assert_int_equal(ltc[0], 9);
    assert_int_equal(ncm_condition_groups_assign(g, pop, mask, ltc, 3), NCM_OK);
    assert_int_equal(mask[0], bit(g, "diabetes") | bit(g, "hypertension") | bit(g, "heart_failure"));
    assert_int_equal(ltc[0], 3);
    assert_int_equal(mask[1], 0);
    assert_int_equal(ltc[1], 0);
    assert_int_equal(mask[2], bit(g, "frailty") | bit(g, "dementia") | bit(g, "chronic_kidney_disease") | bit(g, "renal_failure"));
    assert_int_equal(ltc[2], 2);
    ncm_condition_groups_free(g);
    ncm_population_free(pop);
}

static void test_groups_csv(void **state)
{
    (void)state;
    const char *csv = "group,prefix,ltc\nlungs,J44,1\nlungs,j45.0,1\nheart,I5,1\nheart,!I51,1\n\"falls, \"\"any\"\"\",W19,0\n";
    ncm_condition_groups *g = NULL;
    assert_int_equal(ncm_condition_groups_read_csv(write_temp(csv), &g), NCM_OK);
    assert_int_equal(ncm_condition_groups_count(g), 3);
    assert_string_equal(ncm_condition_groups_name(g, 0), "lungs");
    assert_null(ncm_condition_groups_name(g, 3));
    assert_false(ncm_condition_groups_is_ltc(g, 2));
    assert_string_equal(ncm_condition_groups_name(g, 2), "falls, \"any\"");
    uint64_t m;
    ncm_condition_groups_match(g, "J45.01", &m);
    assert_int_equal(m, 1);
    ncm_condition_groups_match(g, "J45.1", &m); /* J450 listed, J451 not */
    assert_int_equal(m, 0);
    ncm_condition_groups_match(g, "I50.9", &m);
    assert_int_equal(m, 2);
    ncm_condition_groups_match(g, "I51.7", &m); /* excluded by the longer !I51 */
    assert_int_equal(m, 0);
    /* write -> read -> write gives identical bytes */
    char *p1 = write_temp(""), *p2 = write_temp("");
    assert_int_equal(ncm_condition_groups_write_csv(g, p1), NCM_OK);
    ncm_condition_groups *g2 = NULL;
    assert_int_equal(ncm_condition_groups_read_csv(p1, &g2), NCM_OK);
    assert_int_equal(ncm_condition_groups_write_csv(g2, p2), NCM_OK);
    char *a = read_all(p1), *b = read_all(p2);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"heart\",!I51,1"));
    free(a);
    free(b);
    ncm_condition_groups_free(g2);
    ncm_condition_groups_free(g);

    static const struct { const char *csv; ncm_status st; const char *part; } bad[] = {
        {"group,code\nx,E11\n", NCM_ERR_PARSE, "missing column \"prefix\""},
        {"group,prefix\nx,E1-1\n", NCM_ERR_PARSE, ":2:2 (prefix): \"E1-1\" is not a code prefix"},
        {"group,prefix\nx,\n", NCM_ERR_PARSE, "is not a code prefix"},
        {"group,prefix\n,E11\n", NCM_ERR_PARSE, "empty group name"},
        {"group,prefix,ltc\nx,E11,2\n", NCM_ERR_PARSE, "\"2\" is not 0 or 1"},
        {"group,prefix,ltc\nx,E11,1\nx,E12,0\n", NCM_ERR_INCONSISTENT, ":3:3 (ltc): group \"x\": ltc 0 differs"},
        {"group,prefix\nx,E11\nx,e11\n", NCM_ERR_DUPLICATE, ":3:2 (prefix): group \"x\" already lists prefix E11"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        g = (ncm_condition_groups *)0x1;
        ncm_status st = ncm_condition_groups_read_csv(write_temp(bad[i].csv), &g);
        if (st != bad[i].st || !strstr(ncm_last_error(), bad[i].part))
            fail_msg("case %zu: status %d, message \"%s\" (want \"%s\")", i, st, ncm_last_error(), bad[i].part);
        assert_ptr_equal(g, (ncm_condition_groups *)0x1);
    }
    /* 65 groups */
    char big[4096] = "group,prefix\n";
    for (int k = 0; k < 65; k++) sprintf(big + strlen(big), "g%d,A%02d\n", k, k);
    assert_int_equal(ncm_condition_groups_read_csv(write_temp(big), &g), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "more than 64 groups"));
    assert_int_equal(ncm_condition_groups_read_csv("/nonexistent/x.csv", &g), NCM_ERR_IO);
    assert_non_null(strstr(ncm_last_error(), "/nonexistent/x.csv"));
}

/* ------------------------------------------------------------------ rule kinds */
static const char every_kind_json[] =
    "{\"schema\": 1, \"name\": \"kinds\", \"rules\": ["
    "{\"name\": \"r_attr_rng\", \"segment\": \"ex_smokers\", \"when\": {\"attribute\": {\"name\": \"smoker\", \"max\": -1}}},"
    "{\"name\": \"r_flag\", \"segment\": \"smokers\", \"when\": {\"flag\": \"smoker\"}},"
    "{\"name\": \"r_attr_in\", \"segment\": \"owners\", \"when\": {\"attribute\": {\"name\": \"tenure\", \"in\": [\"own\"]}}},"
    "{\"name\": \"r_cost\", \"segment\": \"costly\", \"when\": {\"cost\": {\"min\": \"10000.00\"}}},"
    "{\"name\": \"r_all\", \"segment\": \"cardiometabolic\", \"when\": {\"all_groups\": [\"diabetes\", \"hypertension\"]}},"
    "{\"name\": \"r_ltc\", \"segment\": \"multimorbid\", \"when\": {\"ltc_count\": {\"min\": 2}}},"
    "{\"name\": \"r_any\", \"segment\": \"resp\", \"when\": {\"any_group\": [\"asthma\", \"copd\"], \"no_group\": [\"cancer\"]}},"
    "{\"name\": \"r_risk\", \"segment\": \"high_score\", \"when\": {\"risk_score\": {\"min\": 3.0}}},"
    "{\"name\": \"r_pct\", \"segment\": \"top_decile\", \"when\": {\"risk_percentile\": {\"min\": 90}}},"
    "{\"name\": \"r_months\", \"segment\": \"part_year\", \"when\": {\"months\": {\"max\": 6}}},"
    "{\"name\": \"r_depr\", \"segment\": \"deprived\", \"when\": {\"deprivation\": {\"min\": 1, \"max\": 2}}},"
    "{\"name\": \"r_old_women\", \"segment\": \"older_women\", \"when\": {\"age\": {\"min\": 65, \"max\": 130}, \"sex\": \"F\"}},"
    "{\"name\": \"r_unknown_sex\", \"segment\": \"sex_unknown\", \"when\": {\"sex\": [\"U\"]}}"
    "], \"default\": \"other\"}";

static void test_every_kind(void **state)
{
    (void)state;
    /* 14 people, scores 0.1 .. 1.4 except where stated; percentile = 100 x (people with lower score) / 14. */
    const person p[] = {
        {"p0", 30, 2, 5, 12, 0, "", 1, "rent", NULL},           /* smoker flag -> smokers */
        {"p1", 30, 2, 5, 12, 0, "", 0, "own", NULL},            /* tenure own -> owners */
        {"p2", 30, 2, 5, 12, 0, "", -2, "rent", NULL},          /* smoker -2 <= -1 -> ex_smokers (before the flag) */
        {"p3", 30, 2, 5, 12, 1000000, "", 0, "rent", NULL},     /* cost 10000.00 -> costly */
        {"p4", 30, 2, 5, 12, 999999, "E11 I10", 0, "rent", NULL}, /* both groups -> cardiometabolic */
        {"p5", 30, 2, 5, 12, 0, "E11 J45", 0, "rent", NULL},    /* 2 LTCs -> multimorbid */
        {"p6", 30, 2, 5, 12, 0, "J45", 0, "rent", NULL},        /* asthma, no cancer -> resp */
        {"p7", 30, 2, 5, 12, 0, "J45 C50", 0, "rent", NULL},    /* asthma + cancer = 2 LTCs -> multimorbid */
        {"p8", 30, 2, 5, 12, 0, "C50", 0, "rent", NULL},        /* score 3.5 -> high_score */
        {"p9", 30, 2, 5, 12, 0, "", 0, "rent", NULL},           /* score 2.0: 13 lower /14 = 92.9 -> top_decile */
        {"p10", 30, 2, 5, 6, 0, "", 0, "rent", NULL},           /* 6 months -> part_year */
        {"p11", 30, 2, 2, 12, 0, "", 0, "rent", NULL},          /* decile 2 -> deprived */
        {"p12", 65, 1, 5, 12, 0, "", 0, "rent", NULL},          /* woman 65 -> older_women */
        {"p13", 64, 0, 5, 12, 0, "", 0, "rent", NULL},          /* sex unknown -> sex_unknown */
    };
    /* p8 (3.5) has 13 lower scores (92.9th percentile) but r_risk comes first. p9 (2.0) has 12 lower
     * (85.7 < 90) and falls through to the default (age 30, male, decile 5, 12 months). */
    double scores[14] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 3.5, 2.0, 0.9, 1.0, 1.1, 1.2};
    ncm_population *pop = make_pop(p, 14, 1, 1);
    ncm_segmentation *s = load(every_kind_json);
    const char *const want[] = {"smokers", "owners", "ex_smokers", "costly", "cardiometabolic", "multimorbid", "resp",
                                "multimorbid", "high_score", "other", "part_year", "deprived", "older_women", "sex_unknown"};
    expect_segments(s, pop, scores, want);
    /* Drop p8 to 1.3: no longer >= 3.0 and 12 lower scores (85.7%) -> other; p9 now has 13 lower
     * (92.9%) -> top_decile. */
    scores[9] = 2.0;
    scores[8] = 1.3;
    const char *const want2[] = {"smokers", "owners", "ex_smokers", "costly", "cardiometabolic", "multimorbid", "resp",
                                 "multimorbid", "other", "top_decile", "part_year", "deprived", "older_women", "sex_unknown"};
    expect_segments(s, pop, scores, want2);
    /* Rules that need inputs the call does not give */
    uint32_t out[14];
    for (int i = 0; i < 14; i++) out[i] = 77;
    assert_int_equal(ncm_segmentation_assign(s, pop, NULL, 0, out, 14), NCM_ERR_INVALID);
    assert_non_null(strstr(ncm_last_error(), "rule 'r_risk' (#8): risk_score: the rule needs risk scores"));
    assert_int_equal(out[0], 77);
    assert_int_equal(ncm_segmentation_assign(s, pop, scores, 13, out, 14), NCM_ERR_RANGE);
    scores[3] = NAN;
    assert_int_equal(ncm_segmentation_assign(s, pop, scores, 14, out, 14), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "scores[3]"));
    scores[3] = 0.4;
    assert_int_equal(ncm_segmentation_assign(s, pop, scores, 14, out, 13), NCM_ERR_BUFFER);
    ncm_population *nocost = make_pop(p, 14, 0, 1);
    assert_int_equal(ncm_segmentation_assign(s, nocost, scores, 14, out, 14), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "rule 'r_cost' (#4): cost: the population has no annual_cost column"));
    ncm_population *noattr = make_pop(p, 14, 1, 0);
    assert_int_equal(ncm_segmentation_assign(s, noattr, scores, 14, out, 14), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "rule 'r_attr_rng' (#1): attribute: the population has no attribute \"smoker\""));
    assert_int_equal(out[0], 77);
    ncm_population_free(nocost);
    ncm_population_free(noattr);
    /* attributes of the wrong type */
    ncm_segmentation *w1 = load("{\"schema\": 1, \"rules\": [{\"name\": \"t\", \"segment\": \"s\", \"when\": "
                                "{\"attribute\": {\"name\": \"tenure\", \"min\": 1}}}], \"default\": \"d\"}");
    assert_int_equal(ncm_segmentation_assign(w1, pop, NULL, 0, out, 14), NCM_ERR_INVALID);
    assert_non_null(strstr(ncm_last_error(), "rule 't' (#1): attribute \"tenure\" is text; a range needs a numeric attribute"));
    ncm_segmentation_free(w1);
    w1 = load("{\"schema\": 1, \"rules\": [{\"name\": \"f\", \"segment\": \"s\", \"when\": {\"flag\": \"tenure\"}}], "
              "\"default\": \"d\"}");
    assert_int_equal(ncm_segmentation_assign(w1, pop, NULL, 0, out, 14), NCM_ERR_INVALID);
    assert_non_null(strstr(ncm_last_error(), "rule 'f' (#1): attribute \"tenure\" is text; a flag needs a numeric attribute"));
    ncm_segmentation_free(w1);
    w1 = load("{\"schema\": 1, \"rules\": [{\"name\": \"i\", \"segment\": \"s\", \"when\": "
              "{\"attribute\": {\"name\": \"smoker\", \"in\": [\"1\"]}}}], \"default\": \"d\"}");
    assert_int_equal(ncm_segmentation_assign(w1, pop, NULL, 0, out, 14), NCM_ERR_INVALID);
    assert_non_null(strstr(ncm_last_error(), "rule 'i' (#1): attribute \"smoker\" is numeric; \"in\" needs a text attribute"));
    ncm_segmentation_free(w1);
    assert_int_equal(out[0], 77);
    /* accessors */
    assert_string_equal(ncm_segmentation_name(s), "kinds");
    assert_int_equal(ncm_segmentation_rule_count(s), 13);
    assert_string_equal(ncm_segmentation_rule_name(s, 4), "r_all");
    assert_string_equal(ncm_segmentation_segment_name(s, ncm_segmentation_rule_segment(s, 4)), "cardiometabolic");
    assert_int_equal(ncm_segmentation_segment_count(s), 14);
    assert_string_equal(ncm_segmentation_segment_name(s, ncm_segmentation_default_segment(s)), "other");
    uint32_t id;
    assert_int_equal(ncm_segmentation_segment_find(s, "resp", &id), NCM_OK);
    assert_int_equal(id, 6);
    assert_int_equal(ncm_segmentation_segment_find(s, "none", &id), NCM_ERR_NOT_FOUND);
    assert_null(ncm_segmentation_rule_name(s, 13));
    assert_int_equal(ncm_segmentation_rule_segment(s, 13), UINT32_MAX);
    ncm_segmentation_free(s);
    ncm_segmentation_free(NULL);
    ncm_population_free(pop);
}

static void test_first_match(void **state)
{
    (void)state;
    /* Two overlapping rules in both orders: a 70-year-old woman with diabetes matches both. */
    const char *ab = "{\"schema\": 1, \"rules\": ["
                     "{\"name\": \"old\", \"segment\": \"old\", \"when\": {\"age\": {\"min\": 65}}},"
                     "{\"name\": \"dm\", \"segment\": \"dm\", \"when\": {\"any_group\": \"diabetes\"}}], \"default\": \"rest\"}";
    const char *ba = "{\"schema\": 1, \"rules\": ["
                     "{\"name\": \"dm\", \"segment\": \"dm\", \"when\": {\"any_group\": \"diabetes\"}},"
                     "{\"name\": \"old\", \"segment\": \"old\", \"when\": {\"age\": {\"min\": 65}}}], \"default\": \"rest\"}";
    const person p[] = {{"w", 70, 1, 0, 12, 0, "E119", 0, NULL, NULL},
                        {"x", 70, 1, 0, 12, 0, "", 0, NULL, NULL},
                        {"y", 40, 1, 0, 12, 0, "E10", 0, NULL, NULL},
                        {"z", 40, 1, 0, 12, 0, "", 0, NULL, NULL}};
    ncm_population *pop = make_pop(p, 4, 0, 0);
    ncm_segmentation *s1 = load(ab), *s2 = load(ba);
    const char *const w1[] = {"old", "old", "dm", "rest"}, *const w2[] = {"dm", "old", "dm", "rest"};
    expect_segments(s1, pop, NULL, w1);
    expect_segments(s2, pop, NULL, w2);
    ncm_segmentation_free(s1);
    ncm_segmentation_free(s2);
    ncm_population_free(pop);
}

/* flag "medicaid" reads the canonical medicaid column; other flags read numeric attributes. */
static void test_medicaid_flag(void **state)
{
    (void)state;
    const char *ids[3] = {"a", "b", "c"};
    const int32_t age[3] = {70, 70, 30};
    const uint8_t sex[3] = {1, 2, 1}, med[3] = {1, 0, 1};
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = 3;
    c.person_id.values = ids;
    c.age = age;
    c.sex = sex;
    c.medicaid = med;
    ncm_population *pop;
    assert_int_equal(ncm_population_from_columns(&c, &pop), NCM_OK);
    ncm_segmentation *s = load("{\"schema\": 1, \"rules\": [{\"name\": \"dual\", \"segment\": \"dual\", "
                               "\"when\": {\"flag\": \"medicaid\", \"age\": {\"min\": 65}}}], \"default\": \"other\"}");
    const char *const want[] = {"dual", "other", "other"};
    expect_segments(s, pop, NULL, want);
    ncm_segmentation_free(s);
    ncm_population_free(pop);
}

/* Percentile of i by the documented definition, the slow way. */
static double slow_pct(const double *s, size_t n, size_t i)
{
    size_t below = 0;
    for (size_t j = 0; j < n; j++) below += s[j] < s[i];
    return 100.0 * (double)below / (double)n;
}

static void test_percentile_ties(void **state)
{
    (void)state;
    /* 10 people, scores 1 1 2 2 2 2 3 3 4 5. below counts: 0 0 2 2 2 2 6 6 8 9 -> percentiles 0 0 20 20 20 20 60 60 80 90.
     * Tiers top 10% (p >= 90): only the 5; top 25% (p >= 75): the 4; top 50% (p >= 50): the 3s; rest.
     * The four 2s straddle no threshold here; with top 70% (p >= 30) they would still all miss (20 < 30):
     * a tie group goes to the lower tier together. */
    person p[10];
    char ids[10][4];
    for (int i = 0; i < 10; i++) {
        sprintf(ids[i], "q%d", i);
        p[i] = (person){ids[i], 50, 1, 0, 12, 0, "", 0, NULL, NULL};
    }
    double sc[10] = {3, 1, 2, 5, 2, 1, 2, 4, 3, 2}; /* shuffled */
    ncm_population *pop = make_pop(p, 10, 0, 0);
    double t[4] = {10, 25, 50, 70};
    ncm_segmentation *s = NULL;
    assert_int_equal(ncm_segmentation_risk_tiers(t, 4, &s), NCM_OK);
    /* score 3 -> tier_3; 1 -> tier_5; 2 -> tier_5 (p = 20 < 30); 5 -> tier_1; 4 -> tier_2 */
    const char *const want[] = {"tier_3", "tier_5", "tier_5", "tier_1", "tier_5", "tier_5", "tier_5", "tier_2", "tier_3", "tier_5"};
    expect_segments(s, pop, sc, want);
    ncm_segmentation_free(s);
    /* A ranged percentile clause [20, 60]: the 2s (20) and the 3s (60) qualify, 4 (80) does not. */
    ncm_segmentation *r = load("{\"schema\": 1, \"rules\": [{\"name\": \"mid\", \"segment\": \"mid\", "
                               "\"when\": {\"risk_percentile\": {\"min\": 20, \"max\": 60}}}], \"default\": \"out\"}");
    const char *const want2[] = {"mid", "out", "mid", "out", "mid", "out", "mid", "out", "mid", "mid"};
    expect_segments(r, pop, sc, want2);
    ncm_segmentation_free(r);
    ncm_population_free(pop);

    /* Second implementation on a bigger population with many ties: 60 people, scores in 0..9. */
    person q[60];
    char qid[60][5];
    double qs[60];
    unsigned x = 12345;
    for (int i = 0; i < 60; i++) {
        sprintf(qid[i], "r%d", i);
        q[i] = (person){qid[i], 50, 2, 0, 12, 0, "", 0, NULL, NULL};
        x = x * 1103515245u + 12345u;
        qs[i] = (double)((x >> 16) % 10) * 0.25;
    }
    pop = make_pop(q, 60, 0, 0);
    double thr[3] = {0.5, 5, 20}; /* defaults */
    assert_int_equal(ncm_segmentation_risk_tiers(NULL, 0, &s), NCM_OK);
    uint32_t out[60];
    assert_int_equal(ncm_segmentation_assign(s, pop, qs, 60, out, 60), NCM_OK);
    for (int i = 0; i < 60; i++) {
        double pc = slow_pct(qs, 60, (size_t)i);
        uint32_t want_tier = 3;
        for (int k = 2; k >= 0; k--)
            if (pc >= 100.0 - thr[k]) want_tier = (uint32_t)k;
        assert_int_equal(out[i], want_tier); /* tier_1..tier_4 have ids 0..3 */
    }
    ncm_segmentation_free(s);
    ncm_population_free(pop);
}

/* ------------------------------------------------------------------ built-ins */
static void test_bridges(void **state)
{
    (void)state;
    const person p[] = {
        {"eol", 80, 1, 0, 12, 0, "Z515 C50 R54", 0, NULL, NULL},   /* end of life first */
        {"frail", 88, 1, 0, 12, 0, "R54 C61 I50", 0, NULL, NULL},  /* frailty before cancer and organ failure */
        {"dem", 79, 2, 0, 12, 0, "F03 E11", 0, NULL, NULL},        /* dementia -> long decline */
        {"ca", 60, 2, 0, 12, 0, "C61 I509", 0, NULL, NULL},        /* cancer before organ failure */
        {"hf", 75, 2, 0, 12, 0, "I50.9 E11.9", 0, NULL, NULL},     /* organ failure before LTC */
        {"copd", 66, 1, 0, 12, 0, "J44.9", 0, NULL, NULL},         /* COPD -> organ failure (Lynn) */
        {"dm", 50, 1, 0, 12, 0, "E11.9 F70", 0, NULL, NULL},       /* LTC before disability */
        {"ld", 30, 2, 0, 12, 0, "F71", 0, NULL, NULL},             /* learning disability */
        {"preg", 28, 1, 0, 12, 0, "O80 J18.9", 0, NULL, NULL},     /* maternal before acute */
        {"baby", 0, 2, 0, 12, 0, "", 0, NULL, NULL},               /* infant */
        {"pneu", 35, 2, 0, 12, 0, "J18.9", 0, NULL, NULL},         /* acutely ill */
        {"well", 35, 2, 0, 12, 0, "Z00.0 C44.3", 0, NULL, NULL},   /* no group (C44 excluded) -> healthy */
    };
    ncm_population *pop = make_pop(p, 12, 0, 0);
    ncm_segmentation *s = NULL;
    assert_int_equal(ncm_segmentation_bridges_to_health(NULL, &s), NCM_OK);
    assert_int_equal(ncm_segmentation_segment_count(s), 8);
    const char *const want[] = {"short_decline", "long_decline", "long_decline", "short_decline", "organ_failure",
                                "organ_failure", "chronic_normal_function", "stable_disability", "maternal_infant",
                                "maternal_infant", "acutely_ill", "healthy"};
    expect_segments(s, pop, NULL, want);
    /* which rule fired: end_of_life 0, frailty_dementia 1, cancer 2, organ_failure 3, long_term_conditions 4,
     * disability 5, maternal 6, infant 7, acutely_ill 8, default 9 */
    uint32_t rules[12], segs[12];
    const uint32_t want_rule[12] = {0, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9};
    for (int i = 0; i < 12; i++) rules[i] = 99;
    assert_int_equal(ncm_segmentation_assign_rules(s, pop, NULL, 0, NULL, NULL, 12), NCM_ERR_INVALID);
    assert_int_equal(ncm_segmentation_assign_rules(s, pop, NULL, 0, NULL, rules, 11), NCM_ERR_BUFFER);
    assert_int_equal(rules[0], 99);
    assert_int_equal(ncm_segmentation_assign_rules(s, pop, NULL, 0, NULL, rules, 12), NCM_OK);
    assert_memory_equal(rules, want_rule, sizeof rules);
    assert_int_equal(ncm_segmentation_assign_rules(s, pop, NULL, 0, segs, rules, 12), NCM_OK);
    assert_memory_equal(rules, want_rule, sizeof rules);
    for (int i = 0; i < 12; i++) assert_string_equal(ncm_segmentation_segment_name(s, segs[i]), want[i]);
    ncm_segmentation_free(s);
    /* groups lacking what the rules name */
    ncm_condition_groups *g;
    assert_int_equal(ncm_condition_groups_read_csv(write_temp("group,prefix\ndiabetes,E11\n"), &g), NCM_OK);
    s = (ncm_segmentation *)0x1;
    assert_int_equal(ncm_segmentation_bridges_to_health(g, &s), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "rule 'end_of_life' (#1): any_group: unknown condition group \"end_of_life\""));
    assert_ptr_equal(s, (ncm_segmentation *)0x1);
    ncm_condition_groups_free(g);
    ncm_population_free(pop);
}

static void test_risk_tiers(void **state)
{
    (void)state;
    /* 1000 distinct scores: defaults give exactly 5 / 45 / 150 / 800 people. The person with the k-th
     * lowest score has percentile k/10; tier_1 needs >= 99.5 (k >= 995), tier_2 >= 95, tier_3 >= 80. */
    enum { N = 1000 };
    char (*ids)[8] = malloc(N * sizeof *ids);
    const char **idp = malloc(N * sizeof *idp);
    int32_t *age = malloc(N * sizeof *age);
    uint8_t *sex = malloc(N);
    double *sc = malloc(N * sizeof *sc);
    for (int i = 0; i < N; i++) {
        sprintf(ids[i], "%d", i);
        idp[i] = ids[i];
        age[i] = 40;
        sex[i] = 1;
        sc[i] = (double)((i * 7919) % N) / 100.0; /* a permutation of 0..999 scaled */
    }
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = N;
    c.person_id.values = idp;
    c.age = age;
    c.sex = sex;
    ncm_population *pop;
    assert_int_equal(ncm_population_from_columns(&c, &pop), NCM_OK);
    ncm_segmentation *s;
    assert_int_equal(ncm_segmentation_risk_tiers(NULL, 0, &s), NCM_OK);
    uint32_t *out = malloc(N * sizeof *out);
    assert_int_equal(ncm_segmentation_assign(s, pop, sc, N, out, N), NCM_OK);
    size_t count[4] = {0, 0, 0, 0};
    for (int i = 0; i < N; i++) {
        count[out[i]]++;
        int k = (int)llround(sc[i] * 100); /* rank from the bottom */
        uint32_t want = k >= 995 ? 0 : k >= 950 ? 1 : k >= 800 ? 2 : 3;
        assert_int_equal(out[i], want);
    }
    assert_int_equal(count[0], 5);
    assert_int_equal(count[1], 45);
    assert_int_equal(count[2], 150);
    assert_int_equal(count[3], 800);
    ncm_segmentation_free(s);
    /* bad thresholds */
    double bad1[2] = {5, 5}, bad2[1] = {0}, bad3[1] = {NAN};
    s = (ncm_segmentation *)0x1;
    assert_int_equal(ncm_segmentation_risk_tiers(bad1, 2, &s), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "top_percent[1] = 5 is not above"));
    assert_int_equal(ncm_segmentation_risk_tiers(bad2, 1, &s), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "top_percent[0] = 0 is outside"));
    assert_int_equal(ncm_segmentation_risk_tiers(bad3, 1, &s), NCM_ERR_RANGE);
    assert_int_equal(ncm_segmentation_risk_tiers(bad2, 0, &s), NCM_ERR_RANGE);
    assert_ptr_equal(s, (ncm_segmentation *)0x1);
    ncm_population_free(pop);
    free(ids);
    free(idp);
    free(age);
    free(sex);
    free(sc);
    free(out);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Percentiles on populations large enough for the sampled window (and one where the strided sample
 * is unrepresentative, forcing the full fallback), checked against sort + binary search. */
static void test_percentile_large(void **state)
{
    (void)state;
    enum { N = 300007 };
    char (*ids)[12] = malloc(N * sizeof *ids);
    const char **idp = malloc(N * sizeof *idp);
    int32_t *age = calloc(N, sizeof *age);
    uint8_t *sex = calloc(N, 1);
    double *sc = malloc(N * sizeof *sc), *sorted = malloc(N * sizeof *sorted);
    uint32_t *out = malloc(N * sizeof *out);
    for (int i = 0; i < N; i++) {
        sprintf(ids[i], "%d", i);
        idp[i] = ids[i];
    }
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = N;
    c.person_id.values = idp;
    c.age = age;
    c.sex = sex;
    ncm_population *pop;
    assert_int_equal(ncm_population_from_columns(&c, &pop), NCM_OK);
    ncm_segmentation *s = load("{\"schema\": 1, \"rules\": ["
                               "{\"name\": \"a\", \"segment\": \"a\", \"when\": {\"risk_percentile\": {\"min\": 99.5}}},"
                               "{\"name\": \"b\", \"segment\": \"b\", \"when\": {\"risk_percentile\": {\"min\": 40, \"max\": 60}}},"
                               "{\"name\": \"c\", \"segment\": \"c\", \"when\": {\"risk_percentile\": {\"max\": 2.5}}}"
                               "], \"default\": \"d\"}");
    for (int pass = 0; pass < 2; pass++) {
        unsigned x = 777;
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            /* pass 0: many ties (2,000 distinct values); pass 1: every 4th person (the strided sample's
             * stride divides by 4) scores 1e9, so the sample sees only 1e9 and its window misses the middle ranks */
            sc[i] = pass == 0 ? (double)((x >> 8) % 2000) : (i % 4 == 0 ? 1e9 : 1.0 + (double)((x >> 8) % 100000));
        }
        memcpy(sorted, sc, N * sizeof *sc);
        qsort(sorted, N, sizeof *sorted, cmp_double);
        assert_int_equal(ncm_segmentation_assign(s, pop, sc, N, out, N), NCM_OK);
        for (int i = 0; i < N; i++) {
            /* below = index of the first sorted value >= sc[i] */
            size_t lo = 0, hi = N;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (sorted[mid] < sc[i]) lo = mid + 1; else hi = mid;
            }
            double pc = 100.0 * (double)lo / (double)N;
            uint32_t want = pc >= 99.5 ? 0 : (pc >= 40 && pc <= 60) ? 1 : pc <= 2.5 ? 2 : 3;
            if (out[i] != want) fail_msg("pass %d person %d: segment %u, expected %u (percentile %g)", pass, i, out[i], want, pc);
        }
    }
    ncm_segmentation_free(s);
    ncm_population_free(pop);
    free(ids);
    free(idp);
    free(age);
    free(sex);
    free(sc);
    free(sorted);
    free(out);
}

static void test_age_ltc(void **state)
{
    (void)state;
    const person p[] = {
        {"a", 0, 1, 0, 12, 0, "", 0, NULL, NULL},                    /* 0-17:0 */
        {"b", 17, 1, 0, 12, 0, "J45", 0, NULL, NULL},                /* 0-17:1 */
        {"c", 18, 1, 0, 12, 0, "J45 E11 R54", 0, NULL, NULL},        /* frailty is not an LTC -> 18-64:2 */
        {"d", 64, 1, 0, 12, 0, "J45 E11 I10", 0, NULL, NULL},        /* 18-64:3 */
        {"e", 65, 1, 0, 12, 0, "J45 E11 I10 I48 F32", 0, NULL, NULL}, /* 65-74:4+ */
        {"f", 85, 1, 0, 12, 0, "E11 E11.9 E10", 0, NULL, NULL},      /* one group however many codes -> 85+:1 */
        {"g", 100, 1, 0, 12, 0, "J45 E11 I10 I48", 0, NULL, NULL},   /* 85+:4+ (the default) */
    };
    ncm_population *pop = make_pop(p, 7, 0, 0);
    ncm_segmentation *s;
    assert_int_equal(ncm_segmentation_age_ltc(NULL, 0, NULL, &s), NCM_OK);
    assert_int_equal(ncm_segmentation_segment_count(s), 25);
    assert_string_equal(ncm_segmentation_segment_name(s, 0), "0-17:0");
    assert_string_equal(ncm_segmentation_segment_name(s, 24), "85+:4+");
    const char *const want[] = {"0-17:0", "0-17:1", "18-64:2", "18-64:3", "65-74:4+", "85+:1", "85+:4+"};
    expect_segments(s, pop, NULL, want);
    ncm_segmentation_free(s);
    int32_t bands[2] = {0, 65};
    assert_int_equal(ncm_segmentation_age_ltc(bands, 2, NULL, &s), NCM_OK);
    const char *const want2[] = {"0-64:0", "0-64:1", "0-64:2", "0-64:3", "65+:4+", "65+:1", "65+:4+"};
    expect_segments(s, pop, NULL, want2);
    ncm_segmentation_free(s);
    int32_t bad[2] = {5, 65}, bad2[2] = {0, 0};
    s = (ncm_segmentation *)0x1;
    assert_int_equal(ncm_segmentation_age_ltc(bad, 2, NULL, &s), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "band_starts[0] = 5 must be 0"));
    assert_int_equal(ncm_segmentation_age_ltc(bad2, 2, NULL, &s), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "band_starts[1] = 0"));
    assert_ptr_equal(s, (ncm_segmentation *)0x1);
    ncm_population_free(pop);
}

/* ------------------------------------------------------------------ summaries, crosstab */
static void test_summary(void **state)
{
    (void)state;
    /* Six people in two practices (P1, P3 in networks N1, N2), two segments (0, 1):
     *   id  prac seg months cost     score
     *   a   P1   0   12     100.00   1.0
     *   b   P1   0    6     300.00   2.0
     *   c   P1   1   12     600.00   0.5
     *   d   P3   1    3       0.00   4.0
     *   e   P3   1   12     200.00   1.0
     *   f   P3   0    0      50.00   9.0
     * Whole: seg0 people 3, exposure 1 + 0.5 + 0 = 1.5, cost 450.00, mean risk (1x1 + 2x0.5 + 9x0)/1.5 = 2/1.5,
     *        seg1 people 3, exposure 1 + 0.25 + 1 = 2.25, cost 800.00, mean risk (0.5 + 4x0.25 + 1)/2.25 = 2.5/2.25;
     *        shares 450/1250 = 0.36 and 800/1250 = 0.64.
     * By practice: P1 seg0 2, 1.5, 400.00, (1 + 1)/1.5; seg1 1, 1, 600.00, 0.5; shares 0.4 / 0.6.
     *              P3 seg0 1, 0, 50.00, NaN (no exposure); seg1 2, 1.25, 200.00, (1 + 1)/1.25; shares 0.2 / 0.8. */
    const person p[] = {{"a", 50, 1, 0, 12, 10000, "", 0, NULL, "P1"}, {"b", 50, 1, 0, 6, 30000, "", 0, NULL, "P1"},
                        {"c", 50, 1, 0, 12, 60000, "", 0, NULL, "P1"}, {"d", 50, 1, 0, 3, 0, "", 0, NULL, "P3"},
                        {"e", 50, 1, 0, 12, 20000, "", 0, NULL, "P3"}, {"f", 50, 1, 0, 0, 5000, "", 0, NULL, "P3"}};
    ncm_population *pop = make_pop(p, 6, 1, 0);
    uint32_t seg[6] = {0, 0, 1, 1, 1, 0};
    double sc[6] = {1, 2, 0.5, 4, 1, 9};
    ncm_segment_summary *S = NULL;
    assert_int_equal(ncm_segment_summarize(pop, seg, 6, 2, sc, NCM_SUMMARY_WHOLE, &S), NCM_OK);
    assert_int_equal(ncm_segment_summary_units(S), 1);
    assert_int_equal(ncm_segment_summary_segments(S), 2);
    assert_int_equal(ncm_segment_summary_cells(S), 2);
    uint64_t people[4];
    double ex[4], mr[4], sh[4];
    ncm_money cost[4];
    assert_int_equal(ncm_segment_summary_people(S, people, 1), NCM_ERR_BUFFER);
    assert_int_equal(ncm_segment_summary_people(S, people, 2), NCM_OK);
    assert_int_equal(ncm_segment_summary_exposure(S, ex, 2), NCM_OK);
    assert_int_equal(ncm_segment_summary_cost(S, cost, 2), NCM_OK);
    assert_int_equal(ncm_segment_summary_mean_risk(S, mr, 2), NCM_OK);
    assert_int_equal(ncm_segment_summary_cost_share(S, sh, 2), NCM_OK);
    assert_int_equal(people[0], 3);
    assert_int_equal(people[1], 3);
    assert_double_equal(ex[0], 1.5, 1e-12);
    assert_double_equal(ex[1], 2.25, 1e-12);
    assert_int_equal(cost[0], 45000);
    assert_int_equal(cost[1], 80000);
    assert_double_equal(mr[0], 2.0 / 1.5, 1e-12);
    assert_double_equal(mr[1], 2.5 / 2.25, 1e-12);
    assert_double_equal(sh[0], 0.36, 1e-12);
    assert_double_equal(sh[1], 0.64, 1e-12);
    ncm_segment_summary_free(S);

    assert_int_equal(ncm_segment_summarize(pop, seg, 6, 2, sc, NCM_LEVEL_PRACTICE, &S), NCM_OK);
    assert_int_equal(ncm_segment_summary_units(S), 2);
    assert_int_equal(ncm_segment_summary_people(S, people, 4), NCM_OK);
    assert_int_equal(ncm_segment_summary_exposure(S, ex, 4), NCM_OK);
    assert_int_equal(ncm_segment_summary_cost(S, cost, 4), NCM_OK);
    assert_int_equal(ncm_segment_summary_mean_risk(S, mr, 4), NCM_OK);
    assert_int_equal(ncm_segment_summary_cost_share(S, sh, 4), NCM_OK);
    const uint64_t wp[4] = {2, 1, 1, 2};
    const double we[4] = {1.5, 1, 0, 1.25}, wm[4] = {2.0 / 1.5, 0.5, NAN, 2.0 / 1.25}, ws[4] = {0.4, 0.6, 0.2, 0.8};
    const ncm_money wc[4] = {40000, 60000, 5000, 20000};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(people[k], wp[k]);
        assert_double_equal(ex[k], we[k], 1e-12);
        assert_int_equal(cost[k], wc[k]);
        if (isnan(wm[k]))
            assert_true(isnan(mr[k]));
        else
            assert_double_equal(mr[k], wm[k], 1e-12);
        assert_double_equal(sh[k], ws[k], 1e-12);
    }
    ncm_segment_summary_free(S);
    /* by network: N1 = P1, N2 = P3, the same numbers */
    assert_int_equal(ncm_segment_summarize(pop, seg, 6, 2, NULL, NCM_LEVEL_NETWORK, &S), NCM_OK);
    assert_int_equal(ncm_segment_summary_cost(S, cost, 4), NCM_OK);
    for (int k = 0; k < 4; k++) assert_int_equal(cost[k], wc[k]);
    assert_int_equal(ncm_segment_summary_mean_risk(S, mr, 4), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "without scores"));
    ncm_segment_summary_free(S);
    /* errors */
    S = (ncm_segment_summary *)0x1;
    uint32_t badseg[6] = {0, 0, 2, 1, 1, 0};
    assert_int_equal(ncm_segment_summarize(pop, badseg, 6, 2, NULL, NCM_SUMMARY_WHOLE, &S), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "segment[2] = 2"));
    assert_int_equal(ncm_segment_summarize(pop, seg, 5, 2, NULL, NCM_SUMMARY_WHOLE, &S), NCM_ERR_INVALID);
    assert_int_equal(ncm_segment_summarize(pop, seg, 6, 2, NULL, 7, &S), NCM_ERR_INVALID);
    sc[4] = INFINITY;
    assert_int_equal(ncm_segment_summarize(pop, seg, 6, 2, sc, NCM_SUMMARY_WHOLE, &S), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "scores[4]"));
    assert_ptr_equal(S, (ncm_segment_summary *)0x1);
    ncm_population_free(pop);
}

static void test_crosstab(void **state)
{
    (void)state;
    const person p[] = {{"a", 50, 1, 0, 12, 10000, "", 0, NULL, NULL}, {"b", 50, 1, 0, 6, 30000, "", 0, NULL, NULL},
                        {"c", 50, 1, 0, 12, 60000, "", 0, NULL, NULL}, {"d", 50, 1, 0, 3, 0, "", 0, NULL, NULL}};
    ncm_population *pop = make_pop(p, 4, 1, 0);
    uint32_t a[4] = {0, 0, 1, 1}, b[4] = {2, 0, 2, 2};
    /* cells a*3+b: (0,2) a; (0,0) b; (1,2) c, d -> people [1,0,1, 0,0,2]; exposure [0.5,0,1, 0,0,1.25];
     * cost [300.00, 0, 100.00, 0, 0, 600.00] */
    uint64_t pe[6];
    double ex[6];
    ncm_money co[6];
    assert_int_equal(ncm_segment_crosstab(a, 2, b, 3, 4, pop, pe, ex, co, 6), NCM_OK);
    const uint64_t wp[6] = {1, 0, 1, 0, 0, 2};
    const double we[6] = {0.5, 0, 1, 0, 0, 1.25};
    const ncm_money wc[6] = {30000, 0, 10000, 0, 0, 60000};
    for (int k = 0; k < 6; k++) {
        assert_int_equal(pe[k], wp[k]);
        assert_double_equal(ex[k], we[k], 1e-12);
        assert_int_equal(co[k], wc[k]);
    }
    assert_int_equal(ncm_segment_crosstab(a, 2, b, 3, 4, NULL, pe, NULL, NULL, 6), NCM_OK);
    assert_int_equal(pe[5], 2);
    pe[0] = 99;
    assert_int_equal(ncm_segment_crosstab(a, 2, b, 3, 4, NULL, pe, ex, NULL, 6), NCM_ERR_INVALID);
    assert_int_equal(ncm_segment_crosstab(a, 2, b, 3, 4, pop, pe, NULL, NULL, 5), NCM_ERR_BUFFER);
    assert_int_equal(ncm_segment_crosstab(a, 2, b, 2, 4, pop, pe, NULL, NULL, 6), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "b[0] = 2"));
    assert_int_equal(pe[0], 99);
    ncm_population_free(pop);
}

/* ------------------------------------------------------------------ validation */
#define R1(when) "{\"schema\": 1, \"rules\": [{\"name\": \"r1\", \"segment\": \"s\", \"when\": " when "}], \"default\": \"d\"}"

static void test_validation(void **state)
{
    (void)state;
    expect_error("{\"schema\": 1, \"rules\": [", NCM_ERR_PARSE, "bad.json:1:");
    expect_error("{\"schema\": 1,\n \"rules\": [],\n \"rules\": [], \"default\": \"d\"}", NCM_ERR_PARSE, "bad.json:3:");
    expect_error("[]", NCM_ERR_PARSE, "must be a JSON object");
    expect_error("{\"rules\": [], \"default\": \"d\"}", NCM_ERR_PARSE, "missing \"schema\"");
    expect_error("{\"schema\": 2, \"rules\": [], \"default\": \"d\"}", NCM_ERR_VERSION, "schema must be 1");
    expect_error("{\"schema\": 1, \"rules\": [], \"default\": \"d\", \"extra\": 1}", NCM_ERR_PARSE, "unknown key \"extra\"");
    expect_error("{\"schema\": 1, \"rules\": []}", NCM_ERR_PARSE, "\"default\"");
    expect_error("{\"schema\": 1, \"rules\": {}, \"default\": \"d\"}", NCM_ERR_PARSE, "\"rules\" must be an array");
    expect_error("{\"schema\": 1, \"rules\": [3], \"default\": \"d\"}", NCM_ERR_PARSE, "rule #1 is not an object");
    expect_error("{\"schema\": 1, \"rules\": [{\"segment\": \"s\"}], \"default\": \"d\"}", NCM_ERR_PARSE, "rule #1: \"name\"");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"r1\"}], \"default\": \"d\"}", NCM_ERR_PARSE, "rule 'r1' (#1): segment:");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"r1\", \"segment\": \"s\", \"if\": {}}], \"default\": \"d\"}",
                 NCM_ERR_PARSE, "rule 'r1' (#1): if: unknown key");
    /* unknown field */
    expect_error(R1("{\"weight\": {\"min\": 3}}"), NCM_ERR_PARSE, "rule 'r1' (#1): weight: unknown field");
    expect_error(R1("{\"age\": {\"min\": 3, \"mode\": 1}}"), NCM_ERR_PARSE, "rule 'r1' (#1): age: unknown key \"mode\"");
    expect_error(R1("{\"age\": {}}"), NCM_ERR_PARSE, "age: give min, max or both");
    expect_error(R1("{\"age\": {\"min\": 3.5}}"), NCM_ERR_PARSE, "age: min must be a whole number");
    expect_error(R1("{\"age\": 3}"), NCM_ERR_PARSE, "age: expected an object");
    /* bad ranges */
    expect_error(R1("{\"age\": {\"min\": 70, \"max\": 60}}"), NCM_ERR_RANGE, "rule 'r1' (#1): age: min is above max");
    expect_error(R1("{\"age\": {\"max\": 131}}"), NCM_ERR_RANGE, "age: max 131 is outside 0-130");
    expect_error(R1("{\"risk_percentile\": {\"min\": 101}}"), NCM_ERR_RANGE, "risk_percentile: min 101 is outside 0-100");
    expect_error(R1("{\"months\": {\"min\": -1}}"), NCM_ERR_RANGE, "months: min -1 is outside 0-12");
    expect_error(R1("{\"ltc_count\": {\"min\": -1}}"), NCM_ERR_RANGE, "ltc_count: min -1");
    expect_error(R1("{\"deprivation\": {\"min\": 11}}"), NCM_ERR_RANGE, "deprivation: min 11");
    expect_error(R1("{\"cost\": {\"min\": \"500.00\", \"max\": \"100.00\"}}"), NCM_ERR_RANGE, "cost: min is above max");
    expect_error(R1("{\"cost\": {\"min\": 500}}"), NCM_ERR_PARSE, "cost: min must be a money string");
    expect_error(R1("{\"cost\": {\"min\": \"5,00\"}}"), NCM_ERR_PARSE, "is not a money amount");
    expect_error(R1("{\"cost\": {\"min\": \"-5.00\"}}"), NCM_ERR_RANGE, "cost: min is negative");
    expect_error(R1("{\"risk_score\": {\"min\": 2, \"max\": 1}}"), NCM_ERR_RANGE, "risk_score: min is above max");
    expect_error(R1("{\"attribute\": {\"name\": \"x\", \"min\": 2, \"max\": 1}}"), NCM_ERR_RANGE, "attribute x: min is above max");
    /* unknown names and values */
    expect_error(R1("{\"any_group\": [\"diabetes\", \"gout\"]}"), NCM_ERR_NOT_FOUND, "rule 'r1' (#1): any_group: unknown condition group \"gout\"");
    expect_error(R1("{\"all_groups\": []}"), NCM_ERR_PARSE, "all_groups: expected a group name");
    expect_error(R1("{\"sex\": \"X\"}"), NCM_ERR_RANGE, "sex: \"X\" is not F, M or U");
    expect_error(R1("{\"flag\": 3}"), NCM_ERR_PARSE, "flag: expected a flag name");
    expect_error(R1("{\"attribute\": {\"min\": 1}}"), NCM_ERR_PARSE, "attribute: \"name\"");
    expect_error(R1("{\"attribute\": {\"name\": \"t\", \"in\": [\"a\"], \"max\": 1}}"), NCM_ERR_PARSE, "either \"in\" or min/max");
    expect_error(R1("{\"attribute\": {\"name\": \"t\", \"is\": 1}}"), NCM_ERR_PARSE, "unknown key \"is\"");
    /* duplicate rule name */
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"a\", \"segment\": \"s\", \"when\": {\"age\": {\"min\": 5}}},"
                 "{\"name\": \"a\", \"segment\": \"t\"}], \"default\": \"d\"}",
                 NCM_ERR_DUPLICATE, "rule 'a' (#2): name: the name is already used by rule #1");
    /* unreachable rules */
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"all\", \"segment\": \"s\"},"
                 "{\"name\": \"old\", \"segment\": \"t\", \"when\": {\"age\": {\"min\": 65}}}], \"default\": \"d\"}",
                 NCM_ERR_INCONSISTENT, "rule 'old' (#2) is unreachable: earlier rule 'all' (#1) has no conditions");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"wide\", \"segment\": \"s\", \"when\": {\"age\": {\"min\": 60}}},"
                 "{\"name\": \"x\", \"segment\": \"x\", \"when\": {\"sex\": \"F\"}},"
                 "{\"name\": \"narrow\", \"segment\": \"t\", \"when\": {\"age\": {\"min\": 65, \"max\": 80}}}], \"default\": \"d\"}",
                 NCM_ERR_INCONSISTENT, "rule 'narrow' (#3) is unreachable: earlier rule 'wide' (#1) matches everyone it matches");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"same\", \"segment\": \"s\", \"when\": {\"any_group\": [\"copd\", \"asthma\"]}},"
                 "{\"name\": \"again\", \"segment\": \"t\", \"when\": {\"any_group\": \"asthma\", \"age\": {\"min\": 5}}}], \"default\": \"d\"}",
                 NCM_ERR_INCONSISTENT, "rule 'again' (#2) is unreachable: earlier rule 'same' (#1)");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"a\", \"segment\": \"s\", \"when\": {\"any_group\": [\"copd\"]}},"
                 "{\"name\": \"b\", \"segment\": \"t\", \"when\": {\"all_groups\": [\"copd\", \"asthma\"]}}], \"default\": \"d\"}",
                 NCM_ERR_INCONSISTENT, "rule 'b' (#2) is unreachable");
    expect_error("{\"schema\": 1, \"rules\": [{\"name\": \"a\", \"segment\": \"s\", \"when\": {\"cost\": {\"min\": \"100.00\"}}},"
                 "{\"name\": \"b\", \"segment\": \"t\", \"when\": {\"cost\": {\"min\": \"100.00\"}}}], \"default\": \"d\"}",
                 NCM_ERR_INCONSISTENT, "rule 'b' (#2) is unreachable");
    /* rules that contradict themselves */
    expect_error(R1("{\"any_group\": [\"copd\"], \"no_group\": [\"copd\", \"asthma\"]}"), NCM_ERR_INCONSISTENT,
                 "rule 'r1' (#1) can never fire: every group of any_group is excluded by no_group");
    expect_error(R1("{\"all_groups\": [\"copd\", \"asthma\"], \"no_group\": \"asthma\"}"), NCM_ERR_INCONSISTENT,
                 "rule 'r1' (#1) can never fire: all_groups and no_group name the same group");
    /* the built-in table has 20 LTC groups */
    expect_error(R1("{\"ltc_count\": {\"min\": 21}}"), NCM_ERR_INCONSISTENT, "ltc_count min is above the number");
    ncm_segmentation_free(load(R1("{\"ltc_count\": {\"min\": 20}, \"any_group\": [\"copd\", \"asthma\"], \"no_group\": \"asthma\"}")));
    /* not unreachable: narrower earlier rule, or a different field */
    ncm_segmentation *s = load("{\"schema\": 1, \"rules\": [{\"name\": \"n\", \"segment\": \"s\", \"when\": {\"age\": {\"min\": 65, \"max\": 80}}},"
                               "{\"name\": \"w\", \"segment\": \"t\", \"when\": {\"age\": {\"min\": 60}}},"
                               "{\"name\": \"f\", \"segment\": \"t\", \"when\": {\"sex\": \"F\", \"age\": {\"min\": 50}}}], \"default\": \"d\"}");
    ncm_segmentation_free(s);
    /* io */
    s = (ncm_segmentation *)0x1;
    assert_int_equal(ncm_segmentation_read_json("/nonexistent/rules.json", NULL, &s), NCM_ERR_IO);
    assert_non_null(strstr(ncm_last_error(), "/nonexistent/rules.json"));
    assert_int_equal(ncm_segmentation_read_json(write_temp("{\n  \"schema\": 1,\n  oops\n}"), NULL, &s), NCM_ERR_PARSE);
    assert_non_null(strstr(ncm_last_error(), ":3:"));
    assert_ptr_equal(s, (ncm_segmentation *)0x1);
}

static void test_json_roundtrip(void **state)
{
    (void)state;
    ncm_segmentation *sets[4];
    sets[0] = load(every_kind_json);
    assert_int_equal(ncm_segmentation_bridges_to_health(NULL, &sets[1]), NCM_OK);
    assert_int_equal(ncm_segmentation_risk_tiers(NULL, 0, &sets[2]), NCM_OK);
    assert_int_equal(ncm_segmentation_age_ltc(NULL, 0, NULL, &sets[3]), NCM_OK);
    for (int k = 0; k < 4; k++) {
        char *path = write_temp("");
        assert_int_equal(ncm_segmentation_write_json(sets[k], path), NCM_OK);
        ncm_segmentation *back = NULL;
        if (ncm_segmentation_read_json(path, NULL, &back) != NCM_OK) fail_msg("reload %d: %s", k, ncm_last_error());
        /* the same rules: names, segments, default */
        assert_int_equal(ncm_segmentation_rule_count(back), ncm_segmentation_rule_count(sets[k]));
        for (size_t r = 0; r < ncm_segmentation_rule_count(back); r++) {
            assert_string_equal(ncm_segmentation_rule_name(back, r), ncm_segmentation_rule_name(sets[k], r));
            assert_int_equal(ncm_segmentation_rule_segment(back, r), ncm_segmentation_rule_segment(sets[k], r));
        }
        assert_int_equal(ncm_segmentation_default_segment(back), ncm_segmentation_default_segment(sets[k]));
        assert_string_equal(ncm_segmentation_name(back), ncm_segmentation_name(sets[k]));
        /* and the same conditions: writing again gives the same text */
        char *t1, *t2;
        assert_int_equal(ncm_segmentation_to_json(sets[k], &t1), NCM_OK);
        assert_int_equal(ncm_segmentation_to_json(back, &t2), NCM_OK);
        assert_string_equal(t1, t2);
        char *file = read_all(path);
        assert_string_equal(file, t1);
        free(file);
        ncm_segmentation_json_free(t1);
        ncm_segmentation_json_free(t2);
        ncm_segmentation_free(back);
    }
    /* and the same assignments for the every-kind set (conditions survive the trip) */
    char *t;
    assert_int_equal(ncm_segmentation_to_json(sets[0], &t), NCM_OK);
    assert_non_null(strstr(t, "\"cost\": {\n"));
    assert_non_null(strstr(t, "\"10000.00\""));
    ncm_segmentation *back = load(t);
    const person p[] = {{"p0", 30, 2, 5, 12, 0, "", 1, "rent", NULL}, {"p1", 30, 2, 5, 12, 0, "", 0, "own", NULL},
                        {"p4", 30, 2, 5, 12, 999999, "E11 I10", 0, "rent", NULL}, {"p12", 65, 1, 5, 12, 0, "", 0, "rent", NULL}};
    ncm_population *pop = make_pop(p, 4, 1, 1);
    double sc[4] = {1, 2, 3.5, 0.5};
    const char *const want[] = {"smokers", "owners", "cardiometabolic", "older_women"};
    expect_segments(back, pop, sc, want);
    expect_segments(sets[0], pop, sc, want);
    ncm_population_free(pop);
    ncm_segmentation_free(back);
    ncm_segmentation_json_free(t);
    for (int k = 0; k < 4; k++) ncm_segmentation_free(sets[k]);

    /* numbers come back exactly: 0.1 + 0.2 needs 17 digits, 99.5 prints as written */
    ncm_segmentation *x = load("{\"schema\": 1, \"rules\": [{\"name\": \"r\", \"segment\": \"hi\", \"when\": "
                               "{\"risk_score\": {\"min\": 0.30000000000000004}, \"risk_percentile\": {\"max\": 99.5}}}], "
                               "\"default\": \"lo\"}");
    assert_int_equal(ncm_segmentation_to_json(x, &t), NCM_OK);
    assert_non_null(strstr(t, "0.30000000000000004"));
    assert_non_null(strstr(t, "99.5"));
    ncm_segmentation *y = load(t);
    ncm_segmentation_json_free(t);
    const person q[] = {{"a", 30, 1, 0, 12, 0, "", 0, NULL, NULL}, {"b", 30, 1, 0, 12, 0, "", 0, NULL, NULL}};
    pop = make_pop(q, 2, 0, 0);
    double qs[2] = {0.3, 0.1 + 0.2}; /* 0.3 < 0.30000000000000004 */
    const char *const wq[] = {"lo", "hi"};
    expect_segments(x, pop, qs, wq);
    expect_segments(y, pop, qs, wq);
    ncm_population_free(pop);
    ncm_segmentation_free(x);
    ncm_segmentation_free(y);
}

/* ------------------------------------------------------------------ allocation failures */
static void test_alloc_walk(void **state)
{
    (void)state;
    /* rule loading */
    for (unsigned long k = 1;; k++) {
        ncm_segmentation *s = (ncm_segmentation *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segmentation_read_json_buffer(every_kind_json, strlen(every_kind_json), "t.json", NULL, &s);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_segmentation_free(s);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(s, (ncm_segmentation *)0x1);
        assert_true(k < 100000);
    }
    for (unsigned long k = 1;; k++) {
        ncm_segmentation *s = (ncm_segmentation *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segmentation_age_ltc(NULL, 0, NULL, &s);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_segmentation_free(s);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(s, (ncm_segmentation *)0x1);
    }
    const char *gpath = write_temp("group,prefix,ltc\nlungs,J44,1\nheart,I5,1\nheart,!I51,1\n");
    for (unsigned long k = 1;; k++) {
        ncm_condition_groups *g = (ncm_condition_groups *)0x1;
        const char *path = gpath;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_condition_groups_read_csv(path, &g);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_condition_groups_free(g);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(g, (ncm_condition_groups *)0x1);
    }
    for (unsigned long k = 1;; k++) {
        ncm_condition_groups *g = (ncm_condition_groups *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_condition_groups_builtin(&g);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_condition_groups_free(g);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(g, (ncm_condition_groups *)0x1);
    }
    /* assignment, to_json, summary, crosstab */
    const person p[] = {{"p0", 30, 2, 5, 12, 0, "", 1, "rent", NULL}, {"p1", 30, 2, 5, 12, 0, "J45 E11", 0, "own", NULL},
                        {"p4", 30, 2, 5, 12, 999999, "E11 I10", 0, "rent", NULL}, {"p12", 65, 1, 5, 12, 0, "", 0, "rent", NULL}};
    ncm_population *pop = make_pop(p, 4, 1, 1);
    ncm_segmentation *s = load(every_kind_json);
    double sc[4] = {1, 2, 3.5, 0.5};
    uint32_t want[4], out[4];
    assert_int_equal(ncm_segmentation_assign(s, pop, sc, 4, want, 4), NCM_OK);
    for (unsigned long k = 1;; k++) {
        for (int i = 0; i < 4; i++) out[i] = 99;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segmentation_assign(s, pop, sc, 4, out, 4);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        for (int i = 0; i < 4; i++) assert_int_equal(out[i], 99);
    }
    assert_memory_equal(out, want, sizeof out);
    ncm_condition_groups *bg;
    assert_int_equal(ncm_condition_groups_builtin(&bg), NCM_OK);
    for (unsigned long k = 1;; k++) {
        uint64_t mask[4] = {9, 9, 9, 9};
        uint8_t ltc[4] = {9, 9, 9, 9};
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_condition_groups_assign(bg, pop, mask, ltc, 4);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            assert_int_equal(ltc[1], 2);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_int_equal(mask[0], 9);
        assert_int_equal(ltc[3], 9);
    }
    ncm_condition_groups_free(bg);
    for (unsigned long k = 1;; k++) {
        char *t = (char *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segmentation_to_json(s, &t);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_segmentation_json_free(t);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(t, (char *)0x1);
    }
    for (unsigned long k = 1;; k++) {
        ncm_segment_summary *S = (ncm_segment_summary *)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segment_summarize(pop, want, 4, ncm_segmentation_segment_count(s), sc, NCM_LEVEL_PRACTICE, &S);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ncm_segment_summary_free(S);
            break;
        }
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(S, (ncm_segment_summary *)0x1);
    }
    for (unsigned long k = 1;; k++) {
        uint64_t pe[196];
        pe[0] = 5;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_segment_crosstab(want, 14, want, 14, 4, pop, pe, NULL, NULL, 196);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_int_equal(pe[0], 5);
    }
    ncm_segmentation_free(s);
    ncm_population_free(pop);
}

/* ------------------------------------------------------------------ CLI */
static int run(const char *args, char *err, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s segment %s 2>/tmp/ncm_segment_err.txt", NCM_CLI, args);
    int rc = system(cmd);
    FILE *f = fopen("/tmp/ncm_segment_err.txt", "rb");
    size_t n = f ? fread(err, 1, cap - 1, f) : 0;
    if (f) fclose(f);
    err[n] = '\0';
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli(void **state)
{
    (void)state;
    if (access(NCM_CLI, X_OK) != 0) {
        printf("skipping: the ncm program %s was not built\n", NCM_CLI);
        skip();
    }
    char *people = strdup(write_temp("person_id,age,sex,months_enrolled,annual_cost\na,80,F,12,100.00\nb,30,M,12,50.00\n"
                                     "\"c,1\",0,M,6,0.00\nd,70,M,12,900.00\ne,40,F,12,0.00\n"));
    char *dx = strdup(write_temp("person_id,code\na,R54\nd,E11.9\nd,I50.9\n"));
    /* 5 people, scores 1.5 0.2 0.1 2.5 0.3: percentiles 60 20 0 80 40; top 20% (p >= 80) is d only */
    char *sc = strdup(write_temp("\xEF\xBB\xBFperson_id,raw_score,payment_score,terms\r\na,1,1.5,x\r\nb,1,0.2,\r\n"
                                 "\"c,1\",1,0.1,\r\nd,2,2.5,\"A B\"\r\ne,1,0.3,\r\n"));
    char *out = strdup(write_temp(""));
    char args[1024], err[1024];
    snprintf(args, sizeof args, "--rules bridges-to-health --people %s --diagnoses %s --out %s", people, dx, out);
    if (run(args, err, sizeof err) != 0) fail_msg("cli: %s", err);
    char *got = read_all(out);
    assert_string_equal(got, "person_id,segment\na,long_decline\nb,healthy\n\"c,1\",maternal_infant\nd,organ_failure\ne,healthy\n");
    free(got);
    /* summary: total cost 1,050.00; shares 100/1050, 900/1050, 50/1050 */
    char *sumf = strdup(write_temp(""));
    snprintf(args, sizeof args, "--rules bridges-to-health --people %s --diagnoses %s --out %s --summary %s", people, dx,
             out, sumf);
    if (run(args, err, sizeof err) != 0) fail_msg("cli: %s", err);
    got = read_all(sumf);
    assert_string_equal(got, "segment,people,exposure,cost,cost_share\n"
                             "short_decline,0,0.000000,0.00,0.000000\n"
                             "long_decline,1,1.000000,100.00,0.095238\n"
                             "organ_failure,1,1.000000,900.00,0.857143\n"
                             "chronic_normal_function,0,0.000000,0.00,0.000000\n"
                             "stable_disability,0,0.000000,0.00,0.000000\n"
                             "maternal_infant,1,0.500000,0.00,0.000000\n"
                             "acutely_ill,0,0.000000,0.00,0.000000\n"
                             "healthy,2,2.000000,50.00,0.047619\n");
    free(got);
    snprintf(args, sizeof args, "--rules bridges-to-health --people %s --out %s --level region --summary %s", people, out, sumf);
    assert_int_equal(run(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--level: 'region'"));
    free(sumf);
    snprintf(args, sizeof args, "--rules risk-tiers --people %s --scores %s --out %s", people, sc, out);
    if (run(args, err, sizeof err) != 0) fail_msg("cli: %s", err);
    got = read_all(out);
    assert_string_equal(got, "person_id,segment\na,tier_4\nb,tier_4\n\"c,1\",tier_4\nd,tier_3\ne,tier_4\n");
    free(got);
    /* a JSON rule file */
    char *rules = strdup(write_temp("{\"schema\": 1, \"rules\": [{\"name\": \"old\", \"segment\": \"old\", "
                                    "\"when\": {\"age\": {\"min\": 65}}}], \"default\": \"young\"}"));
    snprintf(args, sizeof args, "--rules %s --people %s --out %s", rules, people, out);
    if (run(args, err, sizeof err) != 0) fail_msg("cli: %s", err);
    got = read_all(out);
    assert_string_equal(got, "person_id,segment\na,old\nb,young\n\"c,1\",young\nd,old\ne,young\n");
    free(got);
    /* failures: exit 1 with the library's message, exit 2 for usage */
    snprintf(args, sizeof args, "--rules risk-tiers --people %s --out %s", people, out);
    assert_int_equal(run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, "rule 'top_0.5%' (#1): risk_percentile: the rule needs risk scores"));
    char *badsc = strdup(write_temp("person_id,payment_score\na,1\nb,x\n"));
    snprintf(args, sizeof args, "--rules risk-tiers --people %s --scores %s --out %s", people, badsc, out);
    assert_int_equal(run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, ":3:2 (payment_score): \"x\" is not a finite number"));
    char *short_sc = strdup(write_temp("person_id,score\na,1\n"));
    snprintf(args, sizeof args, "--rules risk-tiers --people %s --scores %s --out %s", people, short_sc, out);
    assert_int_equal(run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, "person 'b' has no score"));
    char *badrules = strdup(write_temp("{\"schema\": 1, \"rules\": [{\"name\": \"x\", \"segment\": \"s\", "
                                       "\"when\": {\"agee\": {\"min\": 65}}}], \"default\": \"d\"}"));
    snprintf(args, sizeof args, "--rules %s --people %s --out %s", badrules, people, out);
    assert_int_equal(run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, "rule 'x' (#1): agee: unknown field"));
    snprintf(args, sizeof args, "--people %s --out %s", people, out);
    assert_int_equal(run(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--rules"));
    free(people);
    free(dx);
    free(sc);
    free(out);
    free(rules);
    free(badsc);
    free(short_sc);
    free(badrules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_builtin), cmocka_unit_test(test_groups_codes), cmocka_unit_test(test_groups_assign), cmocka_unit_test(test_groups_csv),
        cmocka_unit_test(test_every_kind),     cmocka_unit_test(test_first_match),   cmocka_unit_test(test_medicaid_flag),   cmocka_unit_test(test_percentile_ties),
        cmocka_unit_test(test_bridges),        cmocka_unit_test(test_risk_tiers),    cmocka_unit_test(test_percentile_large),    cmocka_unit_test(test_age_ltc),
        cmocka_unit_test(test_summary),        cmocka_unit_test(test_crosstab),      cmocka_unit_test(test_validation),
        cmocka_unit_test(test_json_roundtrip), cmocka_unit_test(test_alloc_walk),      cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temps);
}
