/* Fuzz the risk model readers: the first byte picks ncm_risk_model_read (even) or
 * ncm_risk_model_age_sex (odd); the rest is the CSV. A model that loads is written, read back and
 * written again: both files must be byte-identical. A loaded model also scores a tiny population. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ncm_population *pop;
    if (!pop && ncm_population_read_csv(NCM_SOURCE_DIR "/tests/data/risk/people.csv",
                                        NCM_SOURCE_DIR "/tests/data/risk/diagnoses.csv", NULL, &pop) != NCM_OK) {
        fprintf(stderr, "%s\n", ncm_last_error());
        abort();
    }
    if (size < 1) return 0;
    char p0[96], p1[96], p2[96];
    fuzz_path(p0, sizeof p0, "rm0", "csv");
    fuzz_path(p1, sizeof p1, "rm1", "csv");
    fuzz_path(p2, sizeof p2, "rm2", "csv");
    fuzz_write(p0, data + 1, size - 1);
    ncm_risk_model *m = FUZZ_SENTINEL;
    ncm_status st = (data[0] & 1) ? ncm_risk_model_age_sex(p0, &m) : ncm_risk_model_read(p0, &m);
    FUZZ_CHECK_FAILED(st, m);
    if (st != NCM_OK) return 0;
    if (ncm_risk_model_write(m, p1) != NCM_OK) abort();
    ncm_risk_model *n = NULL;
    if (ncm_risk_model_read(p1, &n) != NCM_OK) { fprintf(stderr, "written model does not load: %s\n", ncm_last_error()); abort(); }
    if (ncm_risk_model_write(n, p2) != NCM_OK) abort();
    fuzz_same_file(p1, p2);
    size_t np = ncm_population_size(pop);
    double *s1 = calloc(np + 1, sizeof *s1);
    if (!s1) abort();
    if (ncm_risk_score(m, pop, NULL, s1, NULL, np, NULL) == NCM_OK)
        for (size_t i = 0; i < np; i++)
            if (s1[i] != s1[i]) abort();
    free(s1);
    ncm_risk_model_free(m);
    ncm_risk_model_free(n);
    return 0;
}
