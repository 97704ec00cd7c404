/* Population CSV: reading people.csv + diagnoses.csv, defaults, attributes, canonical writing and
 * byte-identical round trip, every bad-input case (status and message), allocation failures, and
 * the `ncm summary` command. Expected values are read off the fixture files by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncm/ncm.h"
#include "internal/csv.h"

#define DATA NCM_TEST_DATA "/population/"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) b[n] = '\0';
    if (len) *len = (size_t)n;
    return b;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    assert_non_null(x);
    assert_non_null(y);
    if (la != lb || memcmp(x, y, la) != 0) fail_msg("%s and %s differ:\n---\n%s\n---\n%s", a, b, x, y);
    free(x);
    free(y);
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "/tmp/ncm_test_popcsv_%ld_%s", (long)getpid(), name);
}

/* ------------------------------------------------------------------ reading */

static void test_read_canonical(void **state)
{
    (void)state;
    ncm_population *p = NULL;
    ncm_status st = ncm_population_read_csv(DATA "canonical_people.csv", DATA "canonical_diagnoses.csv", NULL, &p);
    if (st) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_population_size(p), 5);
    const int32_t *age = ncm_population_age(p);
    assert_int_equal(age[0], 70);
    assert_int_equal(age[2], 0);
    assert_int_equal(age[3], 130);
    const uint8_t *sex = ncm_population_sex(p);
    assert_int_equal(sex[0], NCM_SEX_MALE);
    assert_int_equal(sex[1], NCM_SEX_FEMALE);
    assert_int_equal(sex[2], NCM_SEX_UNKNOWN);
    assert_int_equal(ncm_population_deprivation(p)[1], 10);
    assert_true(ncm_population_months(p)[1] == 6.5);
    assert_true(ncm_population_months(p)[2] == 0.1);
    assert_true(ncm_population_months(p)[4] == 11.999);
    const ncm_money *cost = ncm_population_cost(p);
    assert_non_null(cost);
    assert_int_equal(cost[0], 171687550);
    assert_int_equal(cost[3], INT64_C(1234567890101));
    assert_int_equal(cost[4], 1);
    assert_int_equal(ncm_population_orec(p)[3], 2);
    assert_int_equal(ncm_population_medicaid(p)[0], 1);
    /* quoted person id with a comma */
    uint32_t id = 99;
    assert_int_equal(ncm_population_text_find(p, NCM_TEXT_PERSON, "P,004", &id), NCM_OK);
    assert_int_equal(id, 3);
    /* segment: CNA, INS, "", NE -> 4 distinct values in first-seen order */
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_SEGMENT), 4);
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_SEGMENT, 2), "");
    /* practices Y001, Y002, Y003; networks N1, N2 */
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_PRACTICE), 3);
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_NETWORK), 2);
    /* diagnoses: P001 {E119, I10}, P002 {J45}, P003 {E119}, P,004 {N18, E119, I10}, P005 {I10} */
    const uint64_t *off = ncm_population_dx_offsets(p);
    const uint64_t want_off[] = {0, 2, 3, 4, 7, 8};
    for (int i = 0; i < 6; i++) assert_int_equal(off[i], want_off[i]);
    const uint32_t *dx = ncm_population_text_ids(p, NCM_TEXT_DIAGNOSIS);
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_DIAGNOSIS, dx[4]), "N18");
    assert_string_equal(ncm_population_text_value(p, NCM_TEXT_DIAGNOSIS, dx[5]), "E119");
    assert_int_equal(ncm_population_text_count(p, NCM_TEXT_DIAGNOSIS), 4);
    /* attributes: bmi numeric, smoker and note text */
    assert_int_equal(ncm_population_attr_count(p), 3);
    size_t k = 9;
    assert_int_equal(ncm_population_attr_find(p, "bmi", &k), NCM_OK);
    assert_int_equal(k, 0);
    const double *bmi = ncm_population_attr_numeric(p, 0);
    assert_non_null(bmi);
    assert_true(bmi[2] == 18.25 && bmi[3] == -4.0 && bmi[4] == 1e20);
    assert_null(ncm_population_attr_numeric(p, 1));
    assert_non_null(ncm_population_attr_text_ids(p, 1));
    assert_int_equal(ncm_population_attr_text_count(p, 1), 3); /* yes, no, "" */
    assert_string_equal(ncm_population_attr_text_value(p, 2, ncm_population_attr_text_ids(p, 2)[2]), "say \"hi\"");
    assert_string_equal(ncm_population_attr_text_value(p, 2, ncm_population_attr_text_ids(p, 2)[3]), "two\nlines");
    assert_string_equal(ncm_population_attr_text_value(p, 2, ncm_population_attr_text_ids(p, 2)[4]), "caf\xc3\xa9");
    ncm_population_free(p);
}

static void test_read_messy_and_defaults(void **state)
{
    (void)state;
    ncm_population *p = NULL;
    /* "1,234.5" needs the grouping flag */
    ncm_status st = ncm_population_read_csv(DATA "messy_people.csv", NULL, NULL, &p);
    assert_int_equal(st, NCM_ERR_PARSE);
    assert_null(p);
    assert_non_null(strstr(ncm_last_error(), "messy_people.csv:5:4 (annual_cost)"));
    assert_non_null(strstr(ncm_last_error(), "thousands separators"));

    ncm_population_csv_options o;
    ncm_population_csv_options_init(&o);
    o.flags = NCM_CSV_MONEY_GROUPING;
    st = ncm_population_read_csv(DATA "messy_people.csv", DATA "messy_diagnoses.csv", &o, &p);
    if (st) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_population_size(p), 3);
    assert_int_equal(ncm_population_sex(p)[0], NCM_SEX_FEMALE); /* lower-case f */
    assert_int_equal(ncm_population_sex(p)[1], NCM_SEX_MALE);
    assert_int_equal(ncm_population_age(p)[2], 42);
    /* empty annual_cost -> 0; "10" -> 1000; "1,234.5" -> 123450 */
    assert_int_equal(ncm_population_cost(p)[0], 0);
    assert_int_equal(ncm_population_cost(p)[1], 1000);
    assert_int_equal(ncm_population_cost(p)[2], 123450);
    /* empty months -> 12 */
    assert_true(ncm_population_months(p)[0] == 12.0);
    assert_true(ncm_population_months(p)[1] == 3.25);
    /* absent columns take defaults and are reported absent */
    assert_false(ncm_population_has_column(p, "network"));
    assert_false(ncm_population_has_column(p, "deprivation_decile"));
    assert_true(ncm_population_has_column(p, "practice"));
    assert_true(ncm_population_has_column(p, "region"));
    assert_int_equal(ncm_population_deprivation(p)[2], 0);
    /* region text, score numeric */
    size_t k;
    assert_int_equal(ncm_population_attr_find(p, "score", &k), NCM_OK);
    assert_non_null(ncm_population_attr_numeric(p, k));
    assert_true(ncm_population_attr_numeric(p, k)[2] == -3.0);
    assert_int_equal(ncm_population_attr_find(p, "region", &k), NCM_OK);
    assert_null(ncm_population_attr_numeric(p, k));
    assert_int_equal(ncm_population_attr_text_count(p, k), 2);
    /* diagnoses out of order, code column first, extra column ignored:
     * B1 {E119, I10}, B2 {}, B3 {I10, J45, E119}; code ids by first appearance: I10 0, E119 1, J45 2 */
    const uint64_t *off = ncm_population_dx_offsets(p);
    assert_int_equal(off[1], 2);
    assert_int_equal(off[2], 2);
    assert_int_equal(off[3], 5);
    const uint32_t *dx = ncm_population_text_ids(p, NCM_TEXT_DIAGNOSIS);
    const uint32_t want[] = {1, 0, 0, 2, 1};
    for (int i = 0; i < 5; i++) assert_int_equal(dx[i], want[i]);
    ncm_population_free(p);
}

static void test_read_buffer(void **state)
{
    (void)state;
    const char people[] = "person_id,age,sex,months_enrolled\nA,5,F,1.5\nB,6,M,12";
    const char dx[] = "person_id,code\nB,X1\nA,X2\nB,X3";
    ncm_population *p = NULL;
    ncm_status st = ncm_population_read_csv_buffer(people, strlen(people), "mem-people", dx, strlen(dx), "mem-dx", NULL, &p);
    if (st) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_population_size(p), 2);
    assert_true(ncm_population_months(p)[0] == 1.5);
    assert_int_equal(ncm_population_dx_offsets(p)[1], 1);
    assert_int_equal(ncm_population_dx_offsets(p)[2], 3);
    assert_null(ncm_population_cost(p));
    ncm_population_free(p);
    /* names appear in messages */
    const char bad[] = "person_id,age,sex\nA,5,Q\n";
    p = NULL;
    assert_int_equal(ncm_population_read_csv_buffer(bad, strlen(bad), "mem-people", NULL, 0, NULL, NULL, &p), NCM_ERR_PARSE);
    assert_null(p);
    assert_non_null(strstr(ncm_last_error(), "mem-people:2:3 (sex)"));
    /* header only: zero people */
    const char hdr[] = "person_id,age,sex\n";
    assert_int_equal(ncm_population_read_csv_buffer(hdr, strlen(hdr), NULL, NULL, 0, NULL, NULL, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 0);
    ncm_population_free(p);
    /* options version and NULL arguments */
    ncm_population_csv_options o = NCM_POPULATION_CSV_OPTIONS_INIT;
    o.version = 99;
    p = NULL;
    assert_int_equal(ncm_population_read_csv_buffer(people, strlen(people), NULL, NULL, 0, NULL, &o, &p), NCM_ERR_VERSION);
    assert_null(p);
    assert_int_equal(ncm_population_read_csv(NULL, NULL, NULL, &p), NCM_ERR_INVALID);
    assert_int_equal(ncm_population_read_csv(DATA "small_people.csv", NULL, NULL, NULL), NCM_ERR_INVALID);
}

/* ------------------------------------------------------------------ bad input */

/* Expect a failure with status want and a message containing every fragment. */
static void expect_fail(const char *people, const char *dx, ncm_status want, const char *frag1, const char *frag2)
{
    ncm_population *sentinel = (ncm_population *)(uintptr_t)0x1234, *p = sentinel;
    char pp[512], dp[512];
    snprintf(pp, sizeof pp, "%s%s", DATA, people);
    if (dx) snprintf(dp, sizeof dp, "%s%s", DATA, dx);
    ncm_status st = ncm_population_read_csv(pp, dx ? dp : NULL, NULL, &p);
    const char *msg = ncm_last_error();
    if (st != want) fail_msg("%s: status %d, want %d (%s)", people, st, want, msg);
    assert_ptr_equal(p, sentinel);
    if (frag1 && !strstr(msg, frag1)) fail_msg("message \"%s\" lacks \"%s\"", msg, frag1);
    if (frag2 && !strstr(msg, frag2)) fail_msg("message \"%s\" lacks \"%s\"", msg, frag2);
}

static void test_bad_header_missing(void **s)
{
    (void)s;
    expect_fail("bad_header_missing.csv", NULL, NCM_ERR_PARSE, "bad_header_missing.csv:1:1", "required column \"age\" is missing");
}
static void test_bad_header_duplicate(void **s)
{
    (void)s;
    expect_fail("bad_header_duplicate.csv", NULL, NCM_ERR_PARSE, "bad_header_duplicate.csv:1:4",
                "column \"age\" appears twice");
}
static void test_bad_age_text(void **s)
{
    (void)s;
    expect_fail("bad_age_text.csv", NULL, NCM_ERR_PARSE, "bad_age_text.csv:3:2 (age)", "\"forty\" is not a whole number");
}
static void test_bad_age_high(void **s)
{
    (void)s;
    expect_fail("bad_age_high.csv", NULL, NCM_ERR_RANGE, "bad_age_high.csv:4:2 (age)", "131 is outside 0-130");
}
static void test_bad_age_negative(void **s)
{
    (void)s;
    expect_fail("bad_age_negative.csv", NULL, NCM_ERR_RANGE, "bad_age_negative.csv:2:2 (age)", "-1 is outside 0-130");
}
static void test_bad_months(void **s)
{
    (void)s;
    expect_fail("bad_months.csv", NULL, NCM_ERR_RANGE, "bad_months.csv:3:4 (months_enrolled)", "12.5 months is outside 0-12");
}
static void test_bad_sex(void **s)
{
    (void)s;
    expect_fail("bad_sex.csv", NULL, NCM_ERR_PARSE, "bad_sex.csv:3:3 (sex)", "\"X\" is not a sex code");
}
static void test_bad_duplicate_person(void **s)
{
    (void)s;
    expect_fail("bad_duplicate_person.csv", NULL, NCM_ERR_DUPLICATE, "bad_duplicate_person.csv:4:1 (person_id)",
                "\"A\" appears twice (first at line 2)");
}
static void test_bad_dx_unknown_person(void **s)
{
    (void)s;
    expect_fail("small_people.csv", "bad_dx_unknown.csv", NCM_ERR_NOT_FOUND, "bad_dx_unknown.csv:4:1 (person_id)",
                "person \"Z9\" is not in people.csv");
}
static void test_bad_ragged(void **s)
{
    (void)s;
    expect_fail("bad_ragged.csv", NULL, NCM_ERR_PARSE, "bad_ragged.csv:3:4", "ragged row: 3 fields, the header has 4");
}
static void test_bad_unterminated(void **s)
{
    (void)s;
    expect_fail("bad_unterminated.csv", NULL, NCM_ERR_PARSE, "bad_unterminated.csv:3:4", "unterminated quoted field");
}
static void test_bad_empty(void **s)
{
    (void)s;
    expect_fail("bad_empty.csv", NULL, NCM_ERR_PARSE, "bad_empty.csv:1:1", "empty file");
    /* an empty diagnoses file is also an error */
    expect_fail("small_people.csv", "bad_empty.csv", NCM_ERR_PARSE, "bad_empty.csv:1:1", "empty file");
}
static void test_bad_utf8(void **s)
{
    (void)s;
    expect_fail("bad_utf8.csv", NULL, NCM_ERR_PARSE, "bad_utf8.csv:3:4", "invalid UTF-8 (byte 0xff)");
}
static void test_bad_cost_and_nesting(void **s)
{
    (void)s;
    expect_fail("bad_cost.csv", NULL, NCM_ERR_PARSE, "bad_cost.csv:3:4 (annual_cost)", "more than 2 decimal places");
    expect_fail("bad_nesting.csv", NULL, NCM_ERR_INCONSISTENT, "bad_nesting.csv:3:5 (network)",
                "practice \"Y1\" is in two networks: \"N1\" (line 2) and \"N2\"");
}
static void test_bad_missing_file(void **s)
{
    (void)s;
    expect_fail("no_such_file.csv", NULL, NCM_ERR_IO, "no_such_file.csv: cannot open", NULL);
    expect_fail("small_people.csv", "no_such_dx.csv", NCM_ERR_IO, "no_such_dx.csv: cannot open", NULL);
}

/* More bad cells from memory: decile, orec, medicaid, empty age / sex, empty code, dx header. */
static void buf_fail(const char *people, const char *dx, ncm_status want, const char *frag)
{
    ncm_population *p = NULL;
    ncm_status st = ncm_population_read_csv_buffer(people, strlen(people), "p.csv", dx, dx ? strlen(dx) : 0, "d.csv",
                                                   NULL, &p);
    if (st != want) fail_msg("status %d, want %d (%s)", st, want, ncm_last_error());
    assert_null(p);
    if (!strstr(ncm_last_error(), frag)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), frag);
}

static void test_bad_cells(void **s)
{
    (void)s;
    buf_fail("person_id,age,sex,deprivation_decile\nA,1,F,11\n", NULL, NCM_ERR_RANGE, "p.csv:2:4 (deprivation_decile): 11 is outside 0-10");
    buf_fail("person_id,age,sex,deprivation_decile\nA,1,F,x\n", NULL, NCM_ERR_PARSE, "p.csv:2:4 (deprivation_decile): \"x\" is not a whole number");
    buf_fail("person_id,age,sex,orec\nA,1,F,4\n", NULL, NCM_ERR_RANGE, "p.csv:2:4 (orec): 4 is outside 0-3");
    buf_fail("person_id,age,sex,medicaid\nA,1,F,2\n", NULL, NCM_ERR_RANGE, "p.csv:2:4 (medicaid): 2 is outside 0-1");
    buf_fail("person_id,age,sex\nA,,F\n", NULL, NCM_ERR_PARSE, "p.csv:2:2 (age): empty value");
    buf_fail("person_id,age,sex\nA,1.5,F\n", NULL, NCM_ERR_PARSE, "p.csv:2:2 (age): \"1.5\" is not a whole number");
    buf_fail("person_id,age,sex\nA,1,\n", NULL, NCM_ERR_PARSE, "p.csv:2:3 (sex): \"\" is not a sex code");
    buf_fail("person_id,age,sex\n,1,F\n", NULL, NCM_ERR_RANGE, "p.csv:2:1 (person_id): empty value");
    buf_fail("person_id,age,sex,months_enrolled\nA,1,F,twelve\n", NULL, NCM_ERR_PARSE, "p.csv:2:4 (months_enrolled): \"twelve\" is not a number");
    buf_fail("person_id,age,sex,months_enrolled\nA,1,F,-0.5\n", NULL, NCM_ERR_RANGE, "p.csv:2:4 (months_enrolled): -0.5 months");
    buf_fail("person_id,age,sex,annual_cost\nA,1,F,-5\n", NULL, NCM_ERR_RANGE, "p.csv:2:4 (annual_cost): cost -5 is negative");
    buf_fail("person_id,age,sex,code\nA,1,F,x\n", NULL, NCM_ERR_PARSE, "p.csv:1:4 (code): header: \"code\" is reserved");
    buf_fail("person_id,age,sex\nA,1,F\n", "person_id,dx\nA,I10\n", NCM_ERR_PARSE, "d.csv:1:1: header: required column \"code\"");
    buf_fail("person_id,age,sex\nA,1,F\n", "person_id,code\nA,\n", NCM_ERR_PARSE, "d.csv:2:2 (code): empty diagnosis code");
    buf_fail("person_id,age,sex\nA,1,F\n", "person_id,code\nA,I10,x\n", NCM_ERR_PARSE, "d.csv:2:3: ragged row");
    buf_fail("person_id,age,sex\nA,1,F\n", "person_id,code\n\"A\"x,I10\n", NCM_ERR_PARSE, "d.csv:2:1: unexpected character after closing quote");
}

/* The reader sizes its columns from the newline count taken while validating UTF-8 (a word-at-a-
 * time scan): check it against a byte-by-byte count on random mixes of ASCII runs, newlines and
 * multi-byte characters, at every alignment. */
static void test_line_count(void **state)
{
    (void)state;
    static const char *const pieces[] = {"\n", "abcdefghijklmnopqrstuvwxyz0123456789,", "\xc3\xa9", "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80", "x", "\n\n\n", ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"};
    char buf[20000];
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t len = 9; /* room for a prefix of 0-9 ASCII bytes to vary the alignment */
        while (len < sizeof buf - 64) {
            seed = seed * 1103515245u + 12345u;
            unsigned k = (seed >> 16) % 8;
            /* long ASCII stretches with no newline now and then */
            size_t rep = (seed >> 8) % 7 == 0 ? 40 : 1;
            for (size_t r = 0; r < rep && len < sizeof buf - 64; r++) {
                size_t pl = strlen(pieces[k == 0 && rep > 1 ? 1 : k]);
                memcpy(buf + len, pieces[k == 0 && rep > 1 ? 1 : k], pl);
                len += pl;
            }
            if ((seed >> 4) % 97 == 0) break;
        }
        for (size_t start = 0; start <= 9; start++) {
            memset(buf, 'a', 9);
            size_t want = 1;
            for (size_t i = start; i < len; i++) want += buf[i] == '\n';
            ncmi_csv c;
            assert_int_equal(ncmi_csv_open_buffer(&c, "t", buf + start, len - start), NCM_OK);
            if (c.max_records != want) fail_msg("round %d start %zu: %zu lines, want %zu", round, start, c.max_records, want);
            ncmi_csv_close(&c);
        }
    }
    /* a bad byte after a long ASCII stretch is still found */
    memset(buf, 'a', 100);
    buf[70] = '\n';
    buf[90] = (char)0xC0;
    ncmi_csv c;
    assert_int_equal(ncmi_csv_open_buffer(&c, "t", buf, 100), NCM_ERR_PARSE);
    assert_non_null(strstr(ncm_last_error(), "t:2:1: invalid UTF-8 (byte 0xc0)"));
}

/* ------------------------------------------------------------------ writing */

static void test_round_trip(void **state)
{
    (void)state;
    char p1[256], d1[256], p2[256], d2[256];
    tmp_path(p1, sizeof p1, "p1.csv");
    tmp_path(d1, sizeof d1, "d1.csv");
    tmp_path(p2, sizeof p2, "p2.csv");
    tmp_path(d2, sizeof d2, "d2.csv");
    ncm_population *p = NULL, *q = NULL;
    assert_int_equal(ncm_population_read_csv(DATA "canonical_people.csv", DATA "canonical_diagnoses.csv", NULL, &p), NCM_OK);
    assert_int_equal(ncm_population_write_csv(p, p1, d1), NCM_OK);
    /* canonical input comes back byte for byte */
    assert_same_file(DATA "canonical_people.csv", p1);
    assert_same_file(DATA "canonical_diagnoses.csv", d1);
    /* messy input: written canonically, and then stable */
    ncm_population_csv_options o = NCM_POPULATION_CSV_OPTIONS_INIT;
    o.flags = NCM_CSV_MONEY_GROUPING;
    assert_int_equal(ncm_population_read_csv(DATA "messy_people.csv", DATA "messy_diagnoses.csv", &o, &q), NCM_OK);
    assert_int_equal(ncm_population_write_csv(q, p1, d1), NCM_OK);
    size_t len;
    char *text = slurp(p1, &len);
    assert_string_equal(text, "person_id,age,sex,practice,months_enrolled,annual_cost,region,score\n"
                              "B1,40,F,X1,12,0.00,north,1\n"
                              "B2,41,M,X1,3.25,10.00,south,2.5\n"
                              "B3,42,U,X2,12,1234.50,north,-3\n");
    free(text);
    text = slurp(d1, &len);
    assert_string_equal(text, "person_id,code\nB1,E119\nB1,I10\nB3,I10\nB3,J45\nB3,E119\n");
    free(text);
    ncm_population_free(q);
    q = NULL;
    assert_int_equal(ncm_population_read_csv(p1, d1, NULL, &q), NCM_OK);
    assert_int_equal(ncm_population_write_csv(q, p2, d2), NCM_OK);
    assert_same_file(p1, p2);
    assert_same_file(d1, d2);
    /* diagnoses may be skipped */
    assert_int_equal(ncm_population_write_csv(q, p2, NULL), NCM_OK);
    /* write errors name the path */
    assert_int_equal(ncm_population_write_csv(p, "/nonexistent-dir/x.csv", NULL), NCM_ERR_IO);
    assert_non_null(strstr(ncm_last_error(), "/nonexistent-dir/x.csv"));
    assert_int_equal(ncm_population_write_csv(NULL, p1, NULL), NCM_ERR_INVALID);
    ncm_population_free(p);
    ncm_population_free(q);
    remove(p1);
    remove(d1);
    remove(p2);
    remove(d2);
}

/* Numbers that need care: shortest round-trip months and numeric attributes. */
static void test_write_numbers(void **state)
{
    (void)state;
    const char *ids[] = {"a", "b", "c", "d"};
    const int32_t ages[] = {1, 2, 3, 4};
    const uint8_t sexes[] = {0, 1, 2, 0};
    const double months[] = {12, 6.5, 0.1 + 0.2, 1.0 / 3.0};
    const double attr[] = {0.1, 1e-7, 123456789012345678.0, -2.5};
    ncm_attribute_column ac = {"x", attr, {0, 0, 0, 0}};
    ncm_population_columns c = NCM_POPULATION_COLUMNS_INIT;
    c.n = 4;
    c.person_id.values = ids;
    c.age = ages;
    c.sex = sexes;
    c.months_enrolled = months;
    c.attributes = &ac;
    c.nattributes = 1;
    ncm_population *p = NULL, *q = NULL;
    assert_int_equal(ncm_population_from_columns(&c, &p), NCM_OK);
    char p1[256];
    tmp_path(p1, sizeof p1, "num.csv");
    assert_int_equal(ncm_population_write_csv(p, p1, NULL), NCM_OK);
    char *text = slurp(p1, NULL);
    assert_string_equal(text, "person_id,age,sex,months_enrolled,x\n"
                              "a,1,U,12,0.1\n"
                              "b,2,F,6.5,1e-07\n"
                              "c,3,M,0.30000000000000004,1.2345678901234568e+17\n"
                              "d,4,U,0.3333333333333333,-2.5\n");
    free(text);
    assert_int_equal(ncm_population_read_csv(p1, NULL, NULL, &q), NCM_OK);
    for (int i = 0; i < 4; i++) {
        assert_true(ncm_population_months(q)[i] == months[i]);
        assert_true(ncm_population_attr_numeric(q, 0)[i] == attr[i]);
    }
    ncm_population_free(p);
    ncm_population_free(q);
    remove(p1);
}

/* ------------------------------------------------------------------ allocation failures */

static void test_alloc_failures(void **state)
{
    (void)state;
    ncm_population *sentinel = (ncm_population *)(uintptr_t)0x5678;
    unsigned long k;
    ncm_status st = NCM_ERR_NOMEM;
    ncm_population *p = sentinel;
    for (k = 1; k < 10000; k++) {
        p = sentinel;
        ncm_alloc_fail_at(k);
        st = ncm_population_read_csv(DATA "canonical_people.csv", DATA "canonical_diagnoses.csv", NULL, &p);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        if (st != NCM_ERR_NOMEM) fail_msg("step %lu: status %d (%s)", k, st, ncm_last_error());
        assert_ptr_equal(p, sentinel);
    }
    assert_int_equal(st, NCM_OK);
    assert_true(k > 20);
    ncm_population_free(p);
    /* the same walk over the buffer reader and over writing */
    size_t lp, ld;
    char *pt = slurp(DATA "canonical_people.csv", &lp), *dt = slurp(DATA "canonical_diagnoses.csv", &ld);
    for (k = 1; k < 10000; k++) {
        p = sentinel;
        ncm_alloc_fail_at(k);
        st = ncm_population_read_csv_buffer(pt, lp, "p", dt, ld, "d", NULL, &p);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
        assert_ptr_equal(p, sentinel);
    }
    assert_int_equal(st, NCM_OK);
    char p1[256];
    tmp_path(p1, sizeof p1, "alloc.csv");
    for (k = 1; k < 100; k++) {
        ncm_alloc_fail_at(k);
        st = ncm_population_write_csv(p, p1, p1);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) break;
        assert_int_equal(st, NCM_ERR_NOMEM);
    }
    assert_int_equal(st, NCM_OK);
    remove(p1);
    ncm_population_free(p);
    free(pt);
    free(dt);
}

/* ------------------------------------------------------------------ ncm summary */

/* Run a shell command; capture its combined output; return its exit status. */
static int run(const char *cmd, char *out, size_t cap)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    int rc = pclose(f);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli_summary(void **state)
{
    (void)state;
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd, "%s summary --people %scanonical_people.csv --diagnoses %scanonical_diagnoses.csv --level network --csv 2>&1",
             NCM_CLI, DATA, DATA);
    assert_int_equal(run(cmd, out, sizeof out), 0);
    /* By hand from canonical_people.csv:
     * N1: P001 (70, 12 m, 1716875.50), P002 (34, 6.5 m, 0.00), P003 (0, 0.1 m, 99.99)
     *     people 3, exposure (12 + 6.5 + 0.1) / 12 = 1.55, cost 1716975.49, mean age 104 / 3 = 34.67,
     *     diagnoses 2 + 1 + 1 = 4
     * N2: P,004 (130, 0 m, 12345678901.01), P005 (65, 11.999 m, 0.01)
     *     people 2, exposure 11.999 / 12 = 0.99991..., cost 12345678901.02, mean age 97.5, diagnoses 4 */
    assert_string_equal(out, "network,people,exposure_years,cost,mean_age,diagnoses\n"
                             "N1,3,1.5500,1716975.49,34.67,4\n"
                             "N2,2,0.9999,12345678901.02,97.50,4\n");
    snprintf(cmd, sizeof cmd, "%s summary --people %scanonical_people.csv --level practice 2>&1", NCM_CLI, DATA);
    assert_int_equal(run(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "Y002"));
    assert_non_null(strstr(out, "total"));
    /* bad input: exit 1, one line naming file, line and reason */
    snprintf(cmd, sizeof cmd, "%s summary --people %sbad_age_high.csv 2>&1", NCM_CLI, DATA);
    assert_int_equal(run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "bad_age_high.csv:4:2 (age): age 131 is outside 0-130"));
    assert_non_null(strstr(out, "ncm summary: "));
    assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* exactly one line */
    snprintf(cmd, sizeof cmd, "%s summary --people %ssmall_people.csv --diagnoses %sbad_dx_unknown.csv 2>&1", NCM_CLI,
             DATA, DATA);
    assert_int_equal(run(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "bad_dx_unknown.csv:4:1 (person_id): person \"Z9\" is not in people.csv"));
    /* usage errors: exit 2 */
    snprintf(cmd, sizeof cmd, "%s summary 2>&1", NCM_CLI);
    assert_int_equal(run(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "--people"));
    snprintf(cmd, sizeof cmd, "%s summary --people x.csv --level county 2>&1", NCM_CLI);
    assert_int_equal(run(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "county"));
    snprintf(cmd, sizeof cmd, "%s summary --help 2>&1", NCM_CLI);
    assert_int_equal(run(cmd, out, sizeof out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_canonical),
        cmocka_unit_test(test_read_messy_and_defaults),
        cmocka_unit_test(test_read_buffer),
        cmocka_unit_test(test_bad_header_missing),
        cmocka_unit_test(test_bad_header_duplicate),
        cmocka_unit_test(test_bad_age_text),
        cmocka_unit_test(test_bad_age_high),
        cmocka_unit_test(test_bad_age_negative),
        cmocka_unit_test(test_bad_months),
        cmocka_unit_test(test_bad_sex),
        cmocka_unit_test(test_bad_duplicate_person),
        cmocka_unit_test(test_bad_dx_unknown_person),
        cmocka_unit_test(test_bad_ragged),
        cmocka_unit_test(test_bad_unterminated),
        cmocka_unit_test(test_bad_empty),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_bad_cost_and_nesting),
        cmocka_unit_test(test_bad_missing_file),
        cmocka_unit_test(test_bad_cells),
        cmocka_unit_test(test_line_count),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_numbers),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_cli_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
