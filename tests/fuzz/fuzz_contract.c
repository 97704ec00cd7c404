/* Fuzz ncm_contract_load_string: no crash or leak; a failure leaves the out-parameter alone and sets
 * a message; a contract that loads is written with ncm_contract_to_json, loaded again, and written
 * again: the two texts must be identical (load -> write -> load gives the same contract). */
#include "fuzz_util.h"

static char *to_json(const ncm_contract *c)
{
    size_t len = 0;
    ncm_status st = ncm_contract_to_json(c, NULL, 0, &len); /* the size query */
    if (st != NCM_OK && st != NCM_ERR_BUFFER) abort();
    char *buf = malloc(len + 1);
    if (!buf) abort();
    size_t len2 = 0;
    if (ncm_contract_to_json(c, buf, len + 1, &len2) != NCM_OK || len2 != len) abort();
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    ncm_contract *c = FUZZ_SENTINEL;
    ncm_status st = ncm_contract_load_string(text, "fuzz.json", &c);
    free(text);
    FUZZ_CHECK_FAILED(st, c);
    if (st != NCM_OK) return 0;
    char *j1 = to_json(c);
    ncm_contract *d = NULL;
    if (ncm_contract_load_string(j1, "again.json", &d) != NCM_OK) {
        fprintf(stderr, "written contract does not load: %s\n%s\n", ncm_last_error(), j1);
        abort();
    }
    char *j2 = to_json(d);
    if (strcmp(j1, j2)) {
        fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", j1, j2);
        abort();
    }
    free(j1);
    free(j2);
    ncm_contract_free(c);
    ncm_contract_free(d);
    return 0;
}
