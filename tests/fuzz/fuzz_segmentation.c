/* Fuzz ncm_segmentation_read_json_buffer with the built-in condition groups; rules that load are
 * written with ncm_segmentation_to_json, read again and written again: the two texts must be
 * identical. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ncm_condition_groups *g;
    if (!g && ncm_condition_groups_builtin(&g) != NCM_OK) abort();
    ncm_segmentation *s = FUZZ_SENTINEL;
    ncm_status st = ncm_segmentation_read_json_buffer((const char *)data, size, "fuzz.json", g, &s);
    FUZZ_CHECK_FAILED(st, s);
    if (st != NCM_OK) return 0;
    char *j1 = NULL, *j2 = NULL;
    if (ncm_segmentation_to_json(s, &j1) != NCM_OK) abort();
    ncm_segmentation *t = NULL;
    if (ncm_segmentation_read_json_buffer(j1, strlen(j1), "again.json", g, &t) != NCM_OK) {
        fprintf(stderr, "written rules do not load: %s\n%s\n", ncm_last_error(), j1);
        abort();
    }
    if (ncm_segmentation_to_json(t, &j2) != NCM_OK) abort();
    if (strcmp(j1, j2)) { fprintf(stderr, "round trip differs:\n%s\n---\n%s\n", j1, j2); abort(); }
    ncm_segmentation_json_free(j1);
    ncm_segmentation_json_free(j2);
    ncm_segmentation_free(s);
    ncm_segmentation_free(t);
    return 0;
}
