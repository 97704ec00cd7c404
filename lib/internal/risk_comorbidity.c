/* Charlson and Elixhauser comorbidity indices as condition-category models with prefix matching.
 *
 * Code lists: Quan H, Sundararajan V, Halfon P, et al. Coding algorithms for defining comorbidities in
 * ICD-9-CM and ICD-10 administrative data. Med Care 2005;43(11):1130-1139 (Table 2, ICD-10 columns).
 * Charlson weights: Charlson ME, Pompei P, Ales KL, MacKenzie CR. J Chronic Dis 1987;40(5):373-383; and
 * Quan H, Li B, Couris CM, et al. Am J Epidemiol 2011;173(6):676-682 (updated weights).
 * Elixhauser weights: van Walraven C, Austin PC, Jennings A, Quan H, Forster AJ. Med Care
 * 2009;47(6):626-633.
 *
 * Codes are written without dots; "X.x" in the paper is the 3-character prefix X; a token "A-B" is the
 * range of prefixes from A to B with the same letter and number of digits (C00-C26 = C00, C01, ..., C26). */
#include <stdio.h>
#include <string.h>

#include "internal/risk_impl.h"

typedef struct comorbidity {
    const char *name;
    const char *codes;
    double w1, w2; /* Charlson: 1987, Quan 2011; Elixhauser: van Walraven, unused */
} comorbidity;

static const comorbidity charlson[] = {
    {"MI", "I21 I22 I252", 1, 0},
    {"CHF", "I099 I110 I130 I132 I255 I420 I425-I429 I43 I50 P290", 1, 2},
    {"PVD", "I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959", 1, 0},
    {"CEVD", "G45 G46 H340 I60-I69", 1, 0},
    {"DEMENTIA", "F00-F03 F051 G30 G311", 1, 2},
    {"CPD", "I278 I279 J40-J47 J60-J67 J684 J701 J703", 1, 1},
    {"RHEUMD", "M05 M06 M315 M32-M34 M351 M353 M360", 1, 1},
    {"PUD", "K25-K28", 1, 0},
    {"MLD", "B18 K700-K703 K709 K713-K715 K717 K73 K74 K760 K762-K764 K768 K769 Z944", 1, 2},
    {"DIAB", "E100 E101 E106 E108 E109 E110 E111 E116 E118 E119 E120 E121 E126 E128 E129 E130 E131 E136 E138 E139 "
             "E140 E141 E146 E148 E149", 1, 0},
    {"DIABWC", "E102-E105 E107 E112-E115 E117 E122-E125 E127 E132-E135 E137 E142-E145 E147", 2, 1},
    {"HP", "G041 G114 G801 G802 G81 G82 G830-G834 G839", 2, 2},
    {"RD", "I120 I131 N032-N037 N052-N057 N18 N19 N250 Z490-Z492 Z940 Z992", 2, 1},
    {"CANC", "C00-C26 C30-C34 C37-C41 C43 C45-C58 C60-C76 C81-C85 C88 C90-C97", 2, 2},
    {"MSLD", "I850 I859 I864 I982 K704 K711 K721 K729 K765 K766 K767", 3, 4},
    {"METACANC", "C77-C80", 6, 6},
    {"AIDS", "B20-B22 B24", 6, 4},
};

static const char *const charlson_masks[][2] = {{"DIABWC", "DIAB"}, {"METACANC", "CANC"}, {"MSLD", "MLD"}};

static const comorbidity elixhauser[] = {
    {"CHF", "I099 I110 I130 I132 I255 I420 I425-I429 I43 I50 P290", 7, 0},
    {"CARIT", "I441-I443 I456 I459 I47-I49 R000 R001 R008 T821 Z450 Z950", 5, 0},
    {"VALV", "A520 I05-I08 I091 I098 I34-I39 Q230-Q233 Z952-Z954", -1, 0},
    {"PCD", "I26 I27 I280 I288 I289", 4, 0},
    {"PVD", "I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959", 2, 0},
    {"HYPUNC", "I10", 0, 0},
    {"HYPC", "I11-I13 I15", 0, 0},
    {"PARA", "G041 G114 G801 G802 G81 G82 G830-G834 G839", 7, 0},
    {"OND", "G10-G13 G20-G22 G254 G255 G312 G318 G319 G32 G35-G37 G40 G41 G931 G934 R470 R56", 6, 0},
    {"CPD", "I278 I279 J40-J47 J60-J67 J684 J701 J703", 3, 0},
    {"DIABUNC", "E100 E101 E109 E110 E111 E119 E120 E121 E129 E130 E131 E139 E140 E141 E149", 0, 0},
    {"DIABC", "E102-E108 E112-E118 E122-E128 E132-E138 E142-E148", 0, 0},
    {"HYPOTHY", "E00-E03 E890", 0, 0},
    {"RF", "I120 I131 N18 N19 N250 Z490-Z492 Z940 Z992", 5, 0},
    {"LD", "B18 I85 I864 I982 K70 K711 K713-K715 K717 K72-K74 K760 K762-K769 Z944", 11, 0},
    {"PUD", "K257 K259 K267 K269 K277 K279 K287 K289", 0, 0},
    {"AIDS", "B20-B22 B24", 0, 0},
    {"LYMPH", "C81-C85 C88 C96 C900 C902", 9, 0},
    {"METACANC", "C77-C80", 12, 0},
    {"SOLIDTUM", "C00-C26 C30-C34 C37-C41 C43 C45-C58 C60-C76 C97", 4, 0},
    {"RHEUMD", "L940 L941 L943 M05 M06 M08 M120 M123 M30 M310-M313 M32-M35 M45 M461 M468 M469", 0, 0},
    {"COAG", "D65-D68 D691 D693-D696", 3, 0},
    {"OBES", "E66", -4, 0},
    {"WLOSS", "E40-E46 R634 R64", 6, 0},
    {"FED", "E222 E86 E87", 5, 0},
    {"BLANE", "D500", -2, 0},
    {"DANE", "D508 D509 D51-D53", -2, 0},
    {"ALCOHOL", "F10 E52 G621 I426 K292 K700 K703 K709 T51 Z502 Z714 Z721", 0, 0},
    {"DRUG", "F11-F16 F18 F19 Z715 Z722", -7, 0},
    {"PSYCHO", "F20 F22-F25 F28 F29 F302 F312 F315", 0, 0},
    {"DEPRE", "F204 F313-F315 F32 F33 F341 F412 F432", -3, 0},
};

static const char *const elix_masks[][2] = {{"DIABC", "DIABUNC"}, {"HYPC", "HYPUNC"}, {"METACANC", "SOLIDTUM"}};

/* Add one code record per prefix of a token list to category cat. */
static ncm_status add_codes(ncmi_rb *rb, const char *cat, const char *list)
{
    const char *p = list;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        char tok[32];
        size_t k = 0;
        while (*p && *p != ' ' && k + 1 < sizeof tok) tok[k++] = *p++;
        tok[k] = 0;
        ncmi_rb_item *it;
        ncm_status st;
        char *dash = strchr(tok, '-');
        if (!dash) {
            if ((st = ncmi_rb_add(rb, NCMI_RB_CODE, tok, NULL, cat, NULL, 0, &it))) return st;
            continue;
        }
        *dash = 0;
        const char *a = tok, *b = dash + 1;
        size_t width = strlen(a) - 1;
        long lo = 0, hi = 0;
        for (size_t i = 1; a[i]; i++) lo = lo * 10 + (a[i] - '0');
        for (size_t i = 1; b[i]; i++) hi = hi * 10 + (b[i] - '0');
        if (a[0] != b[0] || strlen(b) - 1 != width || hi < lo)
            return ncmi_error(NCM_ERR_INTERNAL, "comorbidity table: bad range %s-%s", a, b);
        for (long x = lo; x <= hi; x++) {
            char code[32];
            snprintf(code, sizeof code, "%c%0*ld", a[0], (int)width, x);
            if ((st = ncmi_rb_add(rb, NCMI_RB_CODE, code, NULL, cat, NULL, 0, &it))) return st;
        }
    }
    return NCM_OK;
}

static ncm_status build(ncmi_rb *rb, const char *title, const comorbidity *t, size_t n, int second,
                        const char *const (*masks)[2], size_t nmasks)
{
    ncm_status st;
    ncmi_rb_item *it;
    if ((st = ncmi_rb_add(rb, NCMI_RB_MODEL, title, NULL, NULL, NULL, 0, &it))) return st;
    if ((st = ncmi_rb_add(rb, NCMI_RB_OPTION, "prefix_match", NULL, NULL, NULL, 0, &it))) return st;
    it->value = 1;
    if ((st = ncmi_rb_add(rb, NCMI_RB_SEGMENT, "ALL", NULL, NULL, NULL, 0, &it))) return st;
    for (size_t k = 0; k < n; k++)
        if ((st = ncmi_rb_add(rb, NCMI_RB_CATEGORY, t[k].name, NULL, NULL, NULL, 0, &it))) return st;
    for (size_t k = 0; k < n; k++)
        if ((st = add_codes(rb, t[k].name, t[k].codes))) return st;
    for (size_t k = 0; k < nmasks; k++)
        if ((st = ncmi_rb_add(rb, NCMI_RB_HIERARCHY, masks[k][0], NULL, masks[k][1], NULL, 0, &it))) return st;
    for (size_t k = 0; k < n; k++) {
        if ((st = ncmi_rb_add(rb, NCMI_RB_COEFFICIENT, t[k].name, "ALL", NULL, NULL, 0, &it))) return st;
        it->value = second ? t[k].w2 : t[k].w1;
    }
    return NCM_OK;
}

ncm_status ncmi_risk_build_charlson(ncmi_rb *rb, ncm_charlson_weights w)
{
    return build(rb, w == NCM_CHARLSON_1987 ? "Charlson (Quan 2005 ICD-10, Charlson 1987 weights)"
                                            : "Charlson (Quan 2005 ICD-10, Quan 2011 weights)",
                 charlson, sizeof charlson / sizeof charlson[0], w == NCM_CHARLSON_QUAN2011, charlson_masks,
                 sizeof charlson_masks / sizeof charlson_masks[0]);
}

ncm_status ncmi_risk_build_elixhauser(ncmi_rb *rb)
{
    return build(rb, "Elixhauser (Quan 2005 ICD-10, van Walraven 2009 weights)", elixhauser,
                 sizeof elixhauser / sizeof elixhauser[0], 0, elix_masks, sizeof elix_masks / sizeof elix_masks[0]);
}
