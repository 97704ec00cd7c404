/* Contract model: loading, validation errors (status and message), canonical write-back, accessors,
 * allocation-failure walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ncm/ncm.h"

#define EXAMPLES NCM_TEST_DATA "/../../examples/contracts/"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = 0;
    fclose(f);
    return s;
}

static char *to_json(const ncm_contract *c)
{
    size_t len = 0;
    assert_int_equal(ncm_contract_to_json(c, NULL, 0, &len), NCM_ERR_BUFFER);
    char *s = malloc(len + 2);
    assert_non_null(s);
    assert_int_equal(ncm_contract_to_json(c, s, len + 2, &len), NCM_OK);
    assert_int_equal(strlen(s), len);
    return s;
}

/* load -> write gives the file's own bytes (the examples are canonical); load(write) -> write is stable */
static void roundtrip(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", EXAMPLES, name);
    ncm_contract *c = NULL;
    if (ncm_contract_load_file(path, &c) != NCM_OK) fail_msg("%s: %s", name, ncm_last_error());
    char *text = slurp(path);
    char *w1 = to_json(c);
    assert_string_equal(w1, text);
    ncm_contract *c2 = NULL;
    assert_int_equal(ncm_contract_load_string(w1, name, &c2), NCM_OK);
    char *w2 = to_json(c2);
    assert_string_equal(w1, w2);
    /* file writer gives the same bytes */
    char tmp[] = "/tmp/ncm_contract_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(ncm_contract_write_file(c2, tmp), NCM_OK);
    char *w3 = slurp(tmp);
    assert_string_equal(w3, w1);
    remove(tmp);
    free(w3);
    free(w1);
    free(w2);
    free(text);
    ncm_contract_free(c);
    ncm_contract_free(c2);
}

static void test_roundtrip_examples(void **state)
{
    (void)state;
    roundtrip("bedfordshire_msk.json");
    roundtrip("unitingcare_bid.json");
    roundtrip("unitingcare_cap.json");
    roundtrip("alliance_four.json");
}

static void test_accessors(void **state)
{
    (void)state;
    ncm_contract *c = NULL;
    assert_int_equal(ncm_contract_load_file(EXAMPLES "bedfordshire_msk.json", &c), NCM_OK);
    assert_string_equal(ncm_contract_name(c), "Bedfordshire MSK prime contract");
    assert_int_equal(ncm_contract_get_form(c), NCM_FORM_PRIME_PROVIDER);
    assert_int_equal(ncm_contract_term(c), 5);
    assert_int_equal(ncm_contract_party_count(c), 2);
    assert_string_equal(ncm_contract_party_name(c, 1), "Circle");
    assert_null(ncm_contract_party_name(c, 2));
    ncm_party_role role;
    assert_int_equal(ncm_contract_party_role(c, 0, &role), NCM_OK);
    assert_int_equal(role, NCM_ROLE_COMMISSIONER);
    size_t i = 99;
    assert_int_equal(ncm_contract_find_party(c, "Circle", &i), NCM_OK);
    assert_int_equal(i, 1);
    assert_int_equal(ncm_contract_find_party(c, "Nobody", &i), NCM_ERR_NOT_FOUND);
    assert_non_null(strstr(ncm_last_error(), "Nobody"));
    assert_int_equal(i, 1);
    assert_int_equal(ncm_contract_component_count(c), 3);
    assert_int_equal(ncm_contract_find_component(c, "management fee", &i), NCM_OK);
    assert_int_equal(i, 1);
    ncm_component_type t;
    assert_int_equal(ncm_contract_component_type(c, 2, &t), NCM_OK);
    assert_int_equal(t, NCM_COMPONENT_RISK_SHARE);
    assert_string_equal(ncm_component_type_name(t), "risk_share");
    assert_string_equal(ncm_contract_form_name(NCM_FORM_ALLIANCE), "alliance");
    assert_string_equal(ncm_party_role_name(NCM_ROLE_SUBCONTRACTOR), "subcontractor");
    /* value schedule, worked by hand: each year = previous x 1.013, rounded half-even to the penny.
     * 26,500,000.00 x 1.013 = 26,844,500.00; x 1.013 = 27,193,478.50;
     * x 1.013 = 27,546,993.7205 -> 27,546,993.72; x 1.013 = 27,905,104.63836 -> 27,905,104.64 */
    const ncm_money want[5] = {2650000000, 2684450000, 2719347850, 2754699372, 2790510464};
    for (unsigned y = 1; y <= 5; y++) {
        ncm_money v = 0;
        assert_int_equal(ncm_contract_value(c, y, &v), NCM_OK);
        assert_int_equal(v, want[y - 1]);
    }
    ncm_money v = 7;
    assert_int_equal(ncm_contract_value(c, 6, &v), NCM_ERR_RANGE);
    assert_int_equal(v, 7);
    ncm_contract_free(c);
    ncm_contract_free(NULL);
}

/* A small valid contract used as the base of the bad-input cases; each case replaces one snippet. */
static const char *base_doc =
    "{\"schema\": 1, \"name\": \"t\", \"form\": \"prime_provider\", \"term_years\": 2,\n"
    " \"value\": {\"year1\": \"1000.00\", \"growth\": 0.0},\n"
    " \"parties\": [{\"name\": \"CCG\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"prime\"},\n"
    "              {\"name\": \"S\", \"role\": \"subcontractor\", \"of\": \"P\"}],\n"
    " \"components\": [{\"name\": \"up\", \"type\": \"upfront\", \"share\": 0.95},\n"
    "                  {\"name\": \"fee\", \"type\": \"management_fee\", \"rate\": 0.025},\n"
    "                  {\"name\": \"rs\", \"type\": \"risk_share\", \"base\": \"up\", \"schedule\": \"circle_bedfordshire\","
    " \"cascade\": [{\"from\": \"P\", \"to\": \"S\", \"share\": 0.3}]}]}";

static char *replace(const char *doc, const char *from, const char *to)
{
    const char *p = strstr(doc, from);
    if (!p) fail_msg("snippet \"%s\" not in the base document", from);
    size_t n = strlen(doc) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    size_t pre = (size_t)(p - doc);
    memcpy(s, doc, pre);
    strcpy(s + pre, to);
    strcat(s, p + strlen(from));
    return s;
}

static void bad(const char *from, const char *to, ncm_status want, const char *part)
{
    char *doc = replace(base_doc, from, to);
    ncm_contract *c = (ncm_contract *)(uintptr_t)0x1;
    ncm_status st = ncm_contract_load_string(doc, "c.json", &c);
    if (st != want) fail_msg("replacing %s: status %d (%s), wanted %d", from, st, ncm_last_error(), want);
    assert_ptr_equal(c, (ncm_contract *)(uintptr_t)0x1);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
    free(doc);
}

static void test_base_is_valid(void **state)
{
    (void)state;
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(base_doc, "c.json", &c)) fail_msg("%s", ncm_last_error());
    ncm_contract_free(c);
}

/* value = previous x (1 + growth) x (1 - efficiency), rounded half-even each year:
 * 1,000.00 x 1.05 x 0.98 = x 1.029 -> 1,029.00; x 1.029 = 1,058.841 -> 1,058.84 */
static void test_efficiency_and_forms(void **state)
{
    (void)state;
    char *doc = replace(base_doc, "\"growth\": 0.0", "\"growth\": 0.05, \"efficiency\": 0.02");
    char *doc2 = replace(doc, "\"term_years\": 2", "\"term_years\": 3");
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(doc2, "c.json", &c)) fail_msg("%s", ncm_last_error());
    ncm_money v;
    assert_int_equal(ncm_contract_value(c, 2, &v), NCM_OK);
    assert_int_equal(v, 102900);
    assert_int_equal(ncm_contract_value(c, 3, &v), NCM_OK);
    assert_int_equal(v, 105884);
    ncm_contract_free(c);
    free(doc);
    free(doc2);
    /* a lead-provider contract needs a lead */
    bad("\"form\": \"prime_provider\"", "\"form\": \"lead_provider\"", NCM_ERR_INCONSISTENT, "needs a party with role lead");
    doc = replace(base_doc, "\"form\": \"prime_provider\"", "\"form\": \"lead_provider\"");
    doc2 = replace(doc, "\"role\": \"prime\"", "\"role\": \"lead\"");
    if (ncm_contract_load_string(doc2, "c.json", &c)) fail_msg("%s", ncm_last_error());
    assert_int_equal(ncm_contract_get_form(c), NCM_FORM_LEAD_PROVIDER);
    ncm_contract_free(c);
    free(doc);
    free(doc2);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    /* unknown component type, unknown fields */
    bad("\"type\": \"management_fee\"", "\"type\": \"bonus\"", NCM_ERR_PARSE, "components[1] \"fee\": type: unknown component \"bonus\"");
    bad("\"rate\": 0.025", "\"rate\": 0.025, \"colour\": 1", NCM_ERR_PARSE, "unknown field \"colour\" for a management_fee");
    bad("\"term_years\": 2", "\"term_years\": 2, \"extra\": 1", NCM_ERR_PARSE, "unknown field \"extra\"");
    /* negative rates and out-of-range shares */
    bad("\"rate\": 0.025", "\"rate\": -0.1", NCM_ERR_RANGE, "components[1] \"fee\": rate: -0.1 is negative");
    bad("\"share\": 0.95", "\"share\": 1.5", NCM_ERR_RANGE, "share: 1.5 is outside [0, 1]");
    bad("\"year1\": \"1000.00\"", "\"year1\": \"-1000.00\"", NCM_ERR_RANGE, "value: year1: -1000.00 is negative");
    bad("\"year1\": \"1000.00\"", "\"year1\": \"10,00\"", NCM_ERR_PARSE, "not an amount");
    /* a party or component named twice */
    bad("{\"name\": \"S\", \"role\": \"subcontractor\", \"of\": \"P\"}", "{\"name\": \"P\", \"role\": \"subcontractor\"}",
        NCM_ERR_DUPLICATE, "party \"P\" is named twice");
    bad("\"name\": \"fee\"", "\"name\": \"up\"", NCM_ERR_DUPLICATE, "component \"up\" is named twice");
    /* references */
    bad("\"base\": \"up\"", "\"base\": \"nothing\"", NCM_ERR_NOT_FOUND, "base: no component named \"nothing\"");
    bad("\"to\": \"S\"", "\"to\": \"Q\"", NCM_ERR_NOT_FOUND, "cascade[0]: to: no party named \"Q\"");
    bad("\"of\": \"P\"", "\"of\": \"X\"", NCM_ERR_NOT_FOUND, "of: no party named \"X\"");
    /* cascade shares above 1 */
    bad("\"share\": 0.3}", "\"share\": 0.7}, {\"from\": \"P\", \"to\": \"S\", \"share\": 0.4}", NCM_ERR_INCONSISTENT,
        "passes down 1.1 of its share");
    /* overlapping bands in an embedded schedule (message from riskshare, prefixed with the item) */
    bad("\"schedule\": \"circle_bedfordshire\"",
        "\"schedule\": {\"surplus\": {\"bands\": [{\"from\": 0, \"to\": 0.1, \"provider_share\": 1},"
        " {\"from\": 0.05, \"to\": null, \"provider_share\": 0.5}]}}",
        NCM_ERR_INCONSISTENT, "components[2] \"rs\": schedule");
    bad("\"schedule\": \"circle_bedfordshire\"", "\"schedule\": \"no_such\"", NCM_ERR_NOT_FOUND, "schedule:");
    /* schema, form, roles, syntax */
    bad("\"schema\": 1", "\"schema\": 2", NCM_ERR_VERSION, "schema: version 2 is not supported");
    bad("\"form\": \"prime_provider\"", "\"form\": \"barter\"", NCM_ERR_PARSE, "form: unknown form \"barter\"");
    bad("\"form\": \"prime_provider\"", "\"form\": \"alliance\"", NCM_ERR_INCONSISTENT, "needs two or more members");
    bad("\"role\": \"prime\"", "\"role\": \"king\"", NCM_ERR_PARSE, "role: unknown role \"king\"");
    bad("\"role\": \"commissioner\"", "\"role\": \"provider\"", NCM_ERR_INCONSISTENT, "0 commissioners");
    bad("\"term_years\": 2,", "\"term_years\": 2,,", NCM_ERR_PARSE, "c.json:1:");
    bad("\"growth\": 0.0", "\"growth\": 0.0, \"by_year\": [\"1.00\", \"2.00\"]", NCM_ERR_INCONSISTENT, "either by_year");
    bad("\"year1\": \"1000.00\", \"growth\": 0.0", "\"by_year\": [\"1.00\"]", NCM_ERR_INCONSISTENT, "1 amounts for a term of 2 years");
    bad("\"rate\": 0.025}", "\"rate\": 0.025, \"from_year\": 3}", NCM_ERR_RANGE, "from_year: 3 is outside the term");
}

static const char *alliance_doc =
    "{\"schema\": 1, \"name\": \"a\", \"form\": \"alliance\", \"term_years\": 1,\n"
    " \"value\": {\"by_year\": [\"100.00\"]},\n"
    " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"A\", \"role\": \"member\", \"value_share\": 0.6},\n"
    "              {\"name\": \"B\", \"role\": \"member\", \"value_share\": 0.4}],\n"
    " \"components\": [{\"name\": \"b\", \"type\": \"upfront\", \"payee\": \"members\", \"share\": 1},\n"
    "   {\"name\": \"rs\", \"type\": \"risk_share\", \"payee\": \"members\", \"base\": \"b\", \"schedule\": \"aco_reach_global\","
    " \"split\": {\"method\": \"fixed\", \"shares\": {\"A\": 0.5, \"B\": 0.5}}}]}";

static void bad_alliance(const char *from, const char *to, ncm_status want, const char *part)
{
    char *doc = replace(alliance_doc, from, to);
    ncm_contract *c = NULL;
    ncm_status st = ncm_contract_load_string(doc, "a.json", &c);
    if (st != want) fail_msg("replacing %s: status %d (%s), wanted %d", from, st, ncm_last_error(), want);
    assert_null(c);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
    free(doc);
}

static void test_alliance_validation(void **state)
{
    (void)state;
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(alliance_doc, "a.json", &c)) fail_msg("%s", ncm_last_error());
    ncm_contract_free(c);
    /* shares not summing to 1 */
    bad_alliance("\"B\": 0.5", "\"B\": 0.6", NCM_ERR_INCONSISTENT, "split: shares: sum to 1.1, not 1");
    bad_alliance("\"value_share\": 0.4", "\"value_share\": 0.3", NCM_ERR_INCONSISTENT, "member value shares sum to 0.9, not 1");
    bad_alliance(", \"B\": 0.5", "", NCM_ERR_INCONSISTENT, "member \"B\" has no share");
    bad_alliance("\"method\": \"fixed\"", "\"method\": \"lottery\"", NCM_ERR_PARSE, "method: \"lottery\"");
    bad_alliance("\"split\": {\"method\": \"fixed\", \"shares\": {\"A\": 0.5, \"B\": 0.5}}", "\"base\": \"b\"",
                 NCM_ERR_PARSE, "duplicate");
    bad_alliance(", \"split\": {\"method\": \"fixed\", \"shares\": {\"A\": 0.5, \"B\": 0.5}}", "", NCM_ERR_PARSE,
                 "missing field \"split\"");
}

/* Every allocation of the loader and writer fails in turn: NOMEM, out unchanged, no leak (ASan). */
static void test_alloc_failures(void **state)
{
    (void)state;
    char *text = slurp(EXAMPLES "alliance_four.json");
    int ok = 0;
    for (unsigned long k = 1; k < 500 && !ok; k++) {
        ncm_contract *c = (ncm_contract *)(uintptr_t)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_contract_load_string(text, "a.json", &c);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            ncm_contract_free(c);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(c, (ncm_contract *)(uintptr_t)0x1);
        }
    }
    assert_true(ok);
    free(text);
}

/* ------------------------------------------------------------------ stop_loss component */

static const char *sl_doc =
    "{\"schema\": 1, \"name\": \"sl\", \"form\": \"capitated\", \"term_years\": 2,\n"
    " \"value\": {\"by_year\": [\"1000.00\", \"1100.00\"]},\n"
    " \"parties\": [{\"name\": \"C\", \"role\": \"commissioner\"}, {\"name\": \"P\", \"role\": \"provider\"},\n"
    "              {\"name\": \"Re\", \"role\": \"external\"}],\n"
    " \"components\": [{\"name\": \"cap\", \"type\": \"capitation\", \"share\": 1},\n"
    "                  {\"name\": \"sl\", \"type\": \"stop_loss\", \"payer\": \"Re\", \"attachment\": \"100.00\","
    " \"coinsurance\": 0.2, \"limit\": \"500.00\", \"aggregate\": {\"threshold\": 1.1, \"coinsurance\": 0.5, \"of\": \"cap\"},"
    " \"premium\": {\"amount\": \"10.00\"}}]}";

static void bad_sl(const char *from, const char *to, ncm_status want, const char *part)
{
    char *doc = replace(sl_doc, from, to);
    ncm_contract *c = (ncm_contract *)(uintptr_t)0x1;
    ncm_status st = ncm_contract_load_string(doc, "c.json", &c);
    if (st != want) fail_msg("replacing %s: status %d (%s), wanted %d", from, st, ncm_last_error(), want);
    assert_ptr_equal(c, (ncm_contract *)(uintptr_t)0x1);
    if (!strstr(ncm_last_error(), part)) fail_msg("message \"%s\" lacks \"%s\"", ncm_last_error(), part);
    free(doc);
}

/* A stop_loss component loads, keeps every field through load -> write -> load (identical text), and
 * the shipped example is canonical. */
static void test_stop_loss_roundtrip(void **state)
{
    (void)state;
    roundtrip("stop_loss_complex_care.json");
    ncm_contract *c = NULL;
    if (ncm_contract_load_string(sl_doc, "sl.json", &c)) fail_msg("%s", ncm_last_error());
    size_t k;
    ncm_component_type t;
    assert_int_equal(ncm_contract_find_component(c, "sl", &k), NCM_OK);
    assert_int_equal(ncm_contract_component_type(c, k, &t), NCM_OK);
    assert_int_equal(t, NCM_COMPONENT_STOP_LOSS);
    assert_string_equal(ncm_component_type_name(NCM_COMPONENT_STOP_LOSS), "stop_loss");
    char *w1 = to_json(c);
    assert_non_null(strstr(w1, "\"attachment\": \"100.00\""));
    assert_non_null(strstr(w1, "\"limit\": \"500.00\""));
    assert_non_null(strstr(w1, "\"of\": \"cap\""));
    assert_non_null(strstr(w1, "\"amount\": \"10.00\""));
    ncm_contract *c2 = NULL;
    assert_int_equal(ncm_contract_load_string(w1, "w1.json", &c2), NCM_OK);
    char *w2 = to_json(c2);
    assert_string_equal(w1, w2);
    free(w1);
    free(w2);
    ncm_contract_free(c);
    ncm_contract_free(c2);
    /* aggregate-only with a premium rate and the default "of" */
    char *doc = replace(sl_doc, "\"attachment\": \"100.00\", \"coinsurance\": 0.2, \"limit\": \"500.00\", ", "");
    char *doc2 = replace(doc, "\"amount\": \"10.00\"", "\"rate\": 0.015");
    char *doc3 = replace(doc2, ", \"of\": \"cap\"", "");
    assert_int_equal(ncm_contract_load_string(doc3, "a.json", &c), NCM_OK);
    w1 = to_json(c);
    assert_null(strstr(w1, "attachment"));
    assert_non_null(strstr(w1, "\"of\": \"value\""));
    assert_non_null(strstr(w1, "\"rate\": 0.015"));
    assert_int_equal(ncm_contract_load_string(w1, "w1.json", &c2), NCM_OK);
    w2 = to_json(c2);
    assert_string_equal(w1, w2);
    free(w1);
    free(w2);
    free(doc);
    free(doc2);
    free(doc3);
    ncm_contract_free(c);
    ncm_contract_free(c2);
}

static void test_stop_loss_validation(void **state)
{
    (void)state;
    bad_sl("\"attachment\": \"100.00\"", "\"attachment\": \"-1.00\"", NCM_ERR_RANGE,
           "c.json: components[1] \"sl\": attachment: -1.00 is negative");
    bad_sl("\"attachment\": \"100.00\"", "\"attachment\": \"1x\"", NCM_ERR_PARSE, "attachment: \"1x\" is not an amount");
    bad_sl("\"coinsurance\": 0.2", "\"coinsurance\": 1.2", NCM_ERR_RANGE, "coinsurance: 1.2 is outside [0, 1]");
    bad_sl("\"coinsurance\": 0.2", "\"coinsurance\": -0.2", NCM_ERR_RANGE, "coinsurance: -0.2 is negative");
    bad_sl("\"limit\": \"500.00\"", "\"limit\": \"100.00\"", NCM_ERR_RANGE, "limit: 100.00 is not above the attachment 100.00");
    bad_sl("\"attachment\": \"100.00\", ", "", NCM_ERR_INCONSISTENT, "coinsurance: needs an individual \"attachment\"");
    bad_sl("\"threshold\": 1.1", "\"threshold\": 0", NCM_ERR_RANGE, "sl\": aggregate: threshold: must be above 0");
    bad_sl("\"threshold\": 1.1, ", "", NCM_ERR_PARSE, "aggregate: missing field \"threshold\"");
    bad_sl("\"coinsurance\": 0.5", "\"coinsurance\": 2", NCM_ERR_RANGE, "aggregate: coinsurance: 2 is outside [0, 1]");
    bad_sl("\"of\": \"cap\"", "\"of\": \"nothing\"", NCM_ERR_NOT_FOUND, "aggregate: of: no component named \"nothing\"");
    bad_sl("\"of\": \"cap\"", "\"of\": \"sl\"", NCM_ERR_INCONSISTENT, "of: \"sl\" is not a payment line");
    bad_sl("\"of\": \"cap\"", "\"off\": \"cap\"", NCM_ERR_PARSE, "aggregate: unknown field \"off\"");
    bad_sl("\"premium\": {\"amount\": \"10.00\"}", "\"premium\": {\"amount\": \"10.00\", \"rate\": 0.1}", NCM_ERR_INCONSISTENT,
           "premium: give either amount or rate");
    bad_sl("\"premium\": {\"amount\": \"10.00\"}", "\"premium\": {}", NCM_ERR_INCONSISTENT, "premium: give either amount or rate");
    bad_sl("\"premium\": {\"amount\": \"10.00\"}", "\"premium\": {\"rate\": -0.1}", NCM_ERR_RANGE, "premium: rate: -0.1 is negative");
    bad_sl("\"premium\": {\"amount\": \"10.00\"}", "\"premium\": 3", NCM_ERR_PARSE, "premium: must be an object");
    bad_sl("\"payer\": \"Re\"", "\"payer\": \"P\"", NCM_ERR_INCONSISTENT, "payer and payee are the same party");
    bad_sl("\"payer\": \"Re\"", "\"payer\": \"Re\", \"payee\": \"Re\"", NCM_ERR_INCONSISTENT, "payer and payee are the same party");
    bad_sl("\"payer\": \"Re\"", "\"payer\": \"Nobody\"", NCM_ERR_NOT_FOUND, "payer: no party named \"Nobody\"");
    bad_sl("\"payer\": \"Re\"", "\"payee\": \"Re\"", NCM_ERR_INCONSISTENT, "payee: the protected party \"Re\" must be a provider");
    bad_sl("{\"name\": \"P\", \"role\": \"provider\"}", "{\"name\": \"P\", \"role\": \"provider\"}, {\"name\": \"Q\", \"role\": \"provider\"}",
           NCM_ERR_INCONSISTENT, "payee: needed");
    bad_sl("\"payer\": \"Re\", \"attachment\": \"100.00\", \"coinsurance\": 0.2, \"limit\": \"500.00\", "
           "\"aggregate\": {\"threshold\": 1.1, \"coinsurance\": 0.5, \"of\": \"cap\"}, ",
           "", NCM_ERR_INCONSISTENT, "give an individual cover (\"attachment\"), an \"aggregate\" cover, or both");
    bad_sl("\"limit\": \"500.00\"", "\"limit\": \"500.00\", \"share\": 1", NCM_ERR_PARSE,
           "unknown field \"share\" for a stop_loss component");
    bad_sl("\"type\": \"stop_loss\"", "\"type\": \"stoploss\"", NCM_ERR_PARSE, "transformation, risk_share, stop_loss)");
    /* a subcontractor protector is refused: only the commissioner or an external reinsurer */
    bad_sl("{\"name\": \"Re\", \"role\": \"external\"}", "{\"name\": \"Re\", \"role\": \"subcontractor\"}", NCM_ERR_INCONSISTENT,
           "payer: the protector \"Re\" must be the commissioner or an external reinsurer");
    /* an alliance's stop-loss protects one named member, not "members" (explicitly or by default) */
    bad_alliance("\"split\": {\"method\": \"fixed\", \"shares\": {\"A\": 0.5, \"B\": 0.5}}}]",
                 "\"split\": {\"method\": \"fixed\", \"shares\": {\"A\": 0.5, \"B\": 0.5}}},"
                 " {\"name\": \"sl\", \"type\": \"stop_loss\", \"attachment\": \"10.00\"}]",
                 NCM_ERR_INCONSISTENT, "components[2] \"sl\": payee: \"members\" is not allowed for stop_loss; name one party");
    /* a stop-loss is neither withheld nor taxed nor a risk-share base */
    bad_sl("\"premium\": {\"amount\": \"10.00\"}}]", "\"premium\": {\"amount\": \"10.00\"}}, "
           "{\"name\": \"w\", \"type\": \"withhold\", \"of\": \"sl\", \"rate\": 0.1}]", NCM_ERR_INCONSISTENT,
           "of: \"sl\" is not a payment line that can be withheld");
}

static void test_stop_loss_alloc_failures(void **state)
{
    (void)state;
    int ok = 0;
    for (unsigned long k = 1; k < 500 && !ok; k++) {
        ncm_contract *c = (ncm_contract *)(uintptr_t)0x1;
        ncm_alloc_fail_at(k);
        ncm_status st = ncm_contract_load_string(sl_doc, "sl.json", &c);
        ncm_alloc_fail_at(0);
        if (st == NCM_OK) {
            ok = 1;
            ncm_contract_free(c);
        } else {
            assert_int_equal(st, NCM_ERR_NOMEM);
            assert_ptr_equal(c, (ncm_contract *)(uintptr_t)0x1);
        }
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_examples), cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_base_is_valid),      cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_alliance_validation), cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_efficiency_and_forms),
        cmocka_unit_test(test_stop_loss_roundtrip), cmocka_unit_test(test_stop_loss_validation),
        cmocka_unit_test(test_stop_loss_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
