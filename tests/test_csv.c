/* The streaming CSV reader (ncmi_csv_open_stream) against the whole-buffer reader (ncmi_csv_open_file):
 * on the same file, every window size gives the same records, fields, line numbers, errors and
 * messages (after ncmi_csv_settle on an error), including records longer than the window, fields
 * with newlines, CRLF, a byte-order mark and multi-byte characters cut by a window's end. Then the
 * population loader with small windows against the whole-buffer load of the same files (status,
 * message and the table written back), the error order (a later invalid UTF-8 byte beats an earlier
 * bad cell; an earlier bad cell beats a repeated person id) and an allocation-failure walk of the
 * streamed load. The reference is the whole-buffer reader, whose own behaviour the population tests
 * pin down with hand-worked expectations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal/csv.h"
#include "internal/population_impl.h"
#include "ncm/ncm.h"

#define DATA NCM_TEST_DATA "/population/"

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "/tmp/ncm_test_csv_%ld_%s", (long)getpid(), name);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

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

/* A growable text log of everything a reader reports. */
typedef struct {
    char *s;
    size_t len, cap;
} logbuf;

static void log_bytes(logbuf *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        while (l->len + n + 1 > l->cap) l->cap = l->cap ? l->cap * 2 : 1024;
        l->s = realloc(l->s, l->cap);
        assert_non_null(l->s);
    }
    memcpy(l->s + l->len, s, n);
    l->len += n;
    l->s[l->len] = '\0';
}

static void log_fmt(logbuf *l, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    log_bytes(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Read path with window (0: whole-buffer reader), header first when header is set; log records. */
static void read_log(const char *path, size_t window, int header, logbuf *l)
{
    ncmi_csv c;
    ncm_status st = window ? ncmi_csv_open_stream(&c, path, window) : ncmi_csv_open_file(&c, path);
    if (st) {
        log_fmt(l, "fail %d %s\n", st, ncm_last_error());
        return;
    }
    if (header) {
        st = ncmi_csv_read_header(&c);
        if (!st) {
            log_fmt(l, "header line %zu:", c.line);
            for (size_t i = 0; i < c.nheader; i++) log_fmt(l, "[%s]", c.header[i]);
            log_bytes(l, "\n", 1);
        }
    }
    for (int guard = 0; !st && guard < 100000; guard++) {
        int eof;
        st = ncmi_csv_next(&c, &eof);
        if (st || eof) break;
        log_fmt(l, "line %zu next %zu n %zu:", c.line, c.next_line, c.nfields);
        for (size_t i = 0; i < c.nfields; i++) {
            log_fmt(l, "[%zu:", c.fields[i].len);
            log_bytes(l, c.fields[i].s, c.fields[i].len);
            assert_int_equal(c.fields[i].s[c.fields[i].len], '\0');
            log_bytes(l, "]", 1);
        }
        log_bytes(l, "\n", 1);
    }
    if (st) {
        st = ncmi_csv_settle(&c, st);
        log_fmt(l, "fail %d %s\n", st, ncm_last_error());
    } else {
        log_fmt(l, "eof line %zu\n", c.line);
    }
    ncmi_csv_close(&c);
}

/* The last line of a log. */
static const char *last_line(const char *s)
{
    size_t n = strlen(s);
    if (n) n--; /* the final newline */
    while (n && s[n - 1] != '\n') n--;
    return s + n;
}

/* Every window from 8 to len + 2 (and a few larger) gives the whole reader's log. The one
 * difference allowed: where the whole reader fails to open (invalid UTF-8 anywhere), the streamed
 * one may first return the records before the bad byte, then fails with the same message. */
static void check_windows(const char *text, size_t len)
{
    char path[256];
    tmp_path(path, sizeof path, "w.csv");
    write_file(path, text, len);
    for (int header = 0; header < 2; header++) {
        logbuf want = {0}, got = {0};
        read_log(path, 0, header, &want);
        size_t windows[] = {4096, 1 << 20};
        for (size_t w = 8; w <= len + 2 + 2; w++) {
            got.len = 0;
            read_log(path, w <= len + 2 ? w : windows[w - len - 3], header, &got);
            int same = strncmp(want.s, "fail ", 5) == 0 ? strcmp(want.s, last_line(got.s)) == 0
                                                         : strcmp(want.s, got.s) == 0;
            if (!same)
                fail_msg("window %zu, header %d, input of %zu bytes:\n--- whole\n%s--- streamed\n%s", w, header, len,
                         want.s, got.s);
        }
        free(want.s);
        free(got.s);
    }
    remove(path);
}

static void test_stream_cases(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "a,b,c\n1,2,3\n4,5,6\n",
        "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\nfield\",z\n",
        "a,b\r\n1,2\r\n\r\n\r\n3,4\r\n",
        "\xEF\xBB\xBFname,value\n\xC3\xA9t\xC3\xA9,\342\202\2545\n\xF0\x9F\x98\x80,x\n",
        "a,b\n1,2,\n3,\n,\n",
        "a,b\n1,2",
        "a,b\n1,\"2\"",
        "a,b\n1,2\r",
        "a,b\n\n\n\n1,2\n\n",
        "a,b\n1,\"unterminated\n2,3\n",
        "a,b\n1,\"x\"y\n",
        "a,b\n1,x\"y\n",
        "a,b\n1,2\n3,\xFF\n",
        "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,\xC3\n",
        "a,b\n1,2\n\"q\nq\",\xE2\x82\n",
        "a,b\n1,\"a very long quoted field that spans many windows, with \"\"quotes\"\" and\nnewlines\n\"\n2,3\n",
        "a,a\n1,2\n",
        ",b\n1,2\n",
        "",
        "\n\n\n",
        "\xEF\xBB\xBF",
        "x\n\xC0\x80\n",
        "x\n\xED\xA0\x80\n",
        "x\n\xF4\x90\x80\x80\n",
        "a,b\n1,\xC3",
        "a,b\n1,2\n3,\xF0\x9F\x98",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_windows(cases[i], strlen(cases[i]));
}

/* Random mixes of CSV syntax and multi-byte characters (valid and not) at every window size. */
static void test_stream_random(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "bc", ",", "\"", "\n", "\r\n", "\xC3\xA9", "\xE2\x82\xAC",
                                         "\xF0\x9F\x98\x80", "\"\"", "12345678901234567890", "\n\n"};
    static const char *const bad[] = {"\xFF", "\xC3", "\x80", "\xE2\x82", "\xF0\x9F\x98"};
    unsigned seed = 2026;
    char buf[400];
    for (int round = 0; round < 300; round++) {
        size_t len = 0;
        while (len < 200) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            if ((seed >> 8) % 211 == 0) p = bad[(seed >> 20) % (sizeof bad / sizeof bad[0])];
            size_t pl = strlen(p);
            memcpy(buf + len, p, pl);
            len += pl;
            if ((seed >> 4) % 61 == 0) break;
        }
        check_windows(buf, len);
    }
}

/* ------------------------------------------------------------------ population loads */

/* Load people (+ diagnoses) with a window; log the status, message and the table written back. */
static void load_log(const char *people, const char *dx, size_t window, logbuf *l)
{
    ncm_population *p = NULL;
    ncm_status st = ncmi_population_read_csv_window(people, dx, NULL, window, &p);
    log_fmt(l, "status %d\n", st);
    if (st) {
        log_fmt(l, "%s\n", ncm_last_error());
        assert_null(p);
        return;
    }
    char op[256], od[256];
    tmp_path(op, sizeof op, "out_p.csv");
    tmp_path(od, sizeof od, "out_d.csv");
    assert_int_equal(ncm_population_write_csv(p, op, od), NCM_OK);
    size_t n;
    char *t = slurp(op, &n);
    log_bytes(l, t, n);
    free(t);
    t = slurp(od, &n);
    log_bytes(l, t, n);
    free(t);
    for (size_t a = 0; a < ncm_population_attr_count(p); a++)
        log_fmt(l, "attr %zu numeric %d\n", a, ncm_population_attr_numeric(p, a) != NULL);
    remove(op);
    remove(od);
    ncm_population_free(p);
}

static void check_load(const char *people, const char *dx)
{
    logbuf want = {0}, got = {0};
    load_log(people, dx, (size_t)1 << 30, &want);
    static const size_t windows[] = {8, 9, 10, 13, 17, 31, 64, 100, 257, 1000};
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        got.len = 0;
        load_log(people, dx, windows[i], &got);
        if (strcmp(want.s, got.s) != 0)
            fail_msg("%s + %s, window %zu:\n--- whole\n%s--- streamed\n%s", people, dx ? dx : "-", windows[i], want.s,
                     got.s);
    }
    free(want.s);
    free(got.s);
}

static void check_load_bytes(const char *people, size_t plen, const char *dx)
{
    char pp[256], dp[256];
    tmp_path(pp, sizeof pp, "lp.csv");
    tmp_path(dp, sizeof dp, "ld.csv");
    write_file(pp, people, plen);
    if (dx) write_file(dp, dx, strlen(dx));
    check_load(pp, dx ? dp : NULL);
    remove(pp);
    remove(dp);
}

static void check_load_text(const char *people, const char *dx) { check_load_bytes(people, strlen(people), dx); }

static void test_stream_population_fixtures(void **state)
{
    (void)state;
    static const char *const people[] = {"canonical_people.csv", "messy_people.csv", "small_people.csv",
                                         "bad_age_high.csv", "bad_age_negative.csv", "bad_age_text.csv",
                                         "bad_cost.csv", "bad_duplicate_person.csv", "bad_empty.csv",
                                         "bad_header_duplicate.csv", "bad_header_missing.csv", "bad_months.csv",
                                         "bad_nesting.csv", "bad_ragged.csv", "bad_sex.csv", "bad_unterminated.csv",
                                         "bad_utf8.csv"};
    char a[512], b[512];
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        snprintf(a, sizeof a, "%s%s", DATA, people[i]);
        check_load(a, NULL);
    }
    snprintf(a, sizeof a, "%s", DATA "canonical_people.csv");
    snprintf(b, sizeof b, "%s", DATA "canonical_diagnoses.csv");
    check_load(a, b);
    check_load(DATA "small_people.csv", DATA "bad_dx_unknown.csv");
    check_load(DATA "small_people.csv", DATA "bad_empty.csv");
    check_load(DATA "small_people.csv", DATA "canonical_diagnoses.csv");
    check_load(DATA "messy_people.csv", DATA "messy_diagnoses.csv");
}

static void test_stream_population_cases(void **state)
{
    (void)state;
    /* attributes: numeric, text, text after many numbers, NUL bytes and empty values */
    check_load_text("person_id,age,sex,score,region,late\nA,1,F,1.5,north,1\nB,2,M,-3,south,2\nC,3,U,1e3,,x\n", NULL);
    check_load_text("person_id,age,sex,note\nA,1,F,\"x\ny\"\nB,2,M,z\n\nC,3,F,\"\"\n", NULL);
    check_load_text("person_id,age,sex,practice,network,segment\nA,1,F,Y1,N1,S\nB,2,M,Y1,N1,T\nC,3,F,Y2,N1,S\n",
                    "person_id,code\nC,I10\nA,E11\nA,I10\nB,J45\nC,E11\n");
    static const char nul[] = "person_id,age,sex,tag\nA\0x,1,F,t\0u\nA\0y,2,M,t\0v\n";
    check_load_bytes(nul, sizeof nul - 1, NULL); /* ids end at the NUL: a repeated id */
    static const char nul2[] = "person_id,age,sex,tag\nA\0x,1,F,t\0u\nB\0y,2,M,t\0v\n";
    check_load_bytes(nul2, sizeof nul2 - 1, NULL);
    /* errors, and which one wins */
    check_load_text("person_id,age,sex\nA,1,F\nB,2,M\nA,3,F\nC,200,M\n", NULL);                 /* age beats repeat */
    check_load_text("person_id,age,sex\nA,1,F\nB,2,M\nA,3,F\n,4,M\n", NULL);                    /* repeat first */
    check_load_text("person_id,age,sex\nA,1,F\n,2,M\nA,3,F\n", NULL);                           /* empty first */
    check_load_text("person_id,age,sex\nA,1,F\nB,x,M\nC,3,F\nD,4,F\nE,5,\xFF\n", NULL);        /* UTF-8 beats age */
    check_load_text("person_id,age,sex\nA,1,F\nB,2,M\n", "person_id,code\nA,I10\nZ,E11\nB,J45\nB,\xC3\n");
    check_load_text("person_id,age,sex\nA,1,F\nB,2,M\n", "person_id,code\nB,I10\nA,E11\nA,J45,x\nB,J45\n");
    check_load_text("person_id,age,sex,practice,network\nA,1,F,Y1,N1\nB,2,M,Y1,N2\n", NULL);
    check_load_text("person_id,age,sex\n", "person_id,code\n");
    check_load_text("person_id,age,sex,code\nA,1,F,x\n", NULL);
    /* the whole-buffer reader reports the UTF-8 error, not the earlier age */
    char pp[256];
    tmp_path(pp, sizeof pp, "order.csv");
    const char *t = "person_id,age,sex\nA,1,F\nB,x,M\nC,3,F\nD,4,F\nE,5,\xFF\n";
    write_file(pp, t, strlen(t));
    ncm_population *p = NULL;
    assert_int_equal(ncmi_population_read_csv_window(pp, NULL, NULL, 8, &p), NCM_ERR_PARSE);
    assert_non_null(strstr(ncm_last_error(), "order.csv:6:3: invalid UTF-8 (byte 0xff)"));
    t = "person_id,age,sex\nA,1,F\nB,2,M\nA,3,F\nC,200,M\n";
    write_file(pp, t, strlen(t));
    assert_int_equal(ncmi_population_read_csv_window(pp, NULL, NULL, 8, &p), NCM_ERR_RANGE);
    assert_non_null(strstr(ncm_last_error(), "order.csv:5:2 (age): age 200 is outside 0-130"));
    t = "person_id,age,sex\nA,1,F\nB,2,M\nA,3,F\nC,20,M\n";
    write_file(pp, t, strlen(t));
    assert_int_equal(ncmi_population_read_csv_window(pp, NULL, NULL, 8, &p), NCM_ERR_DUPLICATE);
    assert_non_null(strstr(ncm_last_error(), "order.csv:4:1 (person_id): \"A\" appears twice (first at line 2)"));
    assert_null(p);
    remove(pp);
}

/* A file of a few thousand rows whose first window has long lines and the rest short ones: the
 * streamed load outgrows its first size estimate for every column. */
static void test_stream_growth(void **state)
{
    (void)state;
    size_t cap = 1 << 20, len = 0, dlen = 0;
    char *t = malloc(cap), *d = malloc(cap);
    assert_non_null(t);
    assert_non_null(d);
    len += (size_t)sprintf(t + len, "person_id,age,sex,practice,network,deprivation_decile,months_enrolled,annual_cost,"
                                    "segment,note,score\n");
    dlen += (size_t)sprintf(d + dlen, "person_id,code\n");
    for (int i = 0; i < 6000; i++) {
        len += (size_t)sprintf(t + len, "P%05d,%d,%c,Y%d,N%d,%d,%s,%d.%02d,S%d,%s,%d\n", i, i % 131, "FMU"[i % 3],
                               i / 700, i / 2100, i % 11, i % 5 ? "12" : "6.5", i * 7, i % 100, i % 4,
                               i < 40 ? "a long note that makes the first rows much longer than the rest of them" : "n",
                               i % 17);
        for (int k = 0; k < i % 4; k++) dlen += (size_t)sprintf(d + dlen, "P%05d,C%d\n", i, (i * 31 + k) % 50);
    }
    assert_true(len < cap && dlen < cap);
    char pp[256], dp[256];
    tmp_path(pp, sizeof pp, "gp.csv");
    tmp_path(dp, sizeof dp, "gd.csv");
    write_file(pp, t, len);
    write_file(dp, d, dlen);
    logbuf want = {0}, got = {0};
    load_log(pp, dp, (size_t)1 << 30, &want);
    static const size_t windows[] = {64, 4096, 65536};
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        got.len = 0;
        load_log(pp, dp, windows[i], &got);
        if (strcmp(want.s, got.s) != 0) fail_msg("window %zu: streamed load differs", windows[i]);
    }
    /* sanity: the whole load itself is right (6000 people, 0+1+2+3 codes per 4 people) */
    ncm_population *p = NULL;
    assert_int_equal(ncmi_population_read_csv_window(pp, dp, NULL, 4096, &p), NCM_OK);
    assert_int_equal(ncm_population_size(p), 6000);
    assert_int_equal(ncm_population_dx_offsets(p)[6000], 9000);
    assert_int_equal(ncm_population_age(p)[5999], 5999 % 131);
    ncm_population_free(p);
    free(want.s);
    free(got.s);
    free(t);
    free(d);
    remove(pp);
    remove(dp);
}

/* Every allocation of a streamed load fails cleanly (NCM_ERR_NOMEM, output untouched). */
static void test_stream_alloc_failures(void **state)
{
    (void)state;
    ncm_population *sentinel = (ncm_population *)(uintptr_t)0x5678;
    static const char *const files[][2] = {{DATA "canonical_people.csv", DATA "canonical_diagnoses.csv"},
                                           {DATA "messy_people.csv", DATA "messy_diagnoses.csv"}};
    ncm_population_csv_options o = NCM_POPULATION_CSV_OPTIONS_INIT;
    o.flags = NCM_CSV_MONEY_GROUPING;
    for (size_t f = 0; f < 2; f++) {
        unsigned long k;
        ncm_status st = NCM_ERR_NOMEM;
        ncm_population *p = sentinel;
        for (k = 1; k < 100000; k++) {
            p = sentinel;
            ncm_alloc_fail_at(k);
            st = ncmi_population_read_csv_window(files[f][0], files[f][1], &o, 16, &p);
            ncm_alloc_fail_at(0);
            if (st == NCM_OK) break;
            if (st != NCM_ERR_NOMEM) fail_msg("step %lu: status %d (%s)", k, st, ncm_last_error());
            assert_ptr_equal(p, sentinel);
        }
        assert_int_equal(st, NCM_OK);
        assert_true(k > 20);
        ncm_population_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_cases),
        cmocka_unit_test(test_stream_random),
        cmocka_unit_test(test_stream_population_fixtures),
        cmocka_unit_test(test_stream_population_cases),
        cmocka_unit_test(test_stream_growth),
        cmocka_unit_test(test_stream_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
