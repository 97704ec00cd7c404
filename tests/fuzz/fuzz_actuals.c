/* Fuzz the settlement CSV readers (actuals, paid, outcomes, results) against the example contracts,
 * then settle. The first byte picks the contract (bits 2-3) and the reader (bits 0-1); the rest is
 * the CSV. With bit 4 set the per-person costs reader (ncm_actuals_read_person_costs_csv) runs instead,
 * against stop_loss_complex_care.json (bits 2-3 = 0: individual stop-loss cover) or the contract
 * the bits pick. No crash or leak; a failed read changes nothing (settling before and after gives the same
 * ledger size); a successful read is followed by a settlement that must not crash. */
#include "fuzz_util.h"

static const char *const contracts[] = {
    NCM_SOURCE_DIR "/examples/contracts/bedfordshire_msk.json",
    NCM_SOURCE_DIR "/examples/contracts/unitingcare_cap.json",
    NCM_SOURCE_DIR "/examples/contracts/alliance_four.json",
    NCM_SOURCE_DIR "/examples/contracts/unitingcare_bid.json",
    NCM_SOURCE_DIR "/examples/contracts/stop_loss_complex_care.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ncm_contract *cs[5];
    if (size < 1) return 0;
    unsigned ci = (data[0] >> 2) & 3u, ri = data[0] & 3u, persons = (data[0] >> 4) & 1u;
    if (persons && ci == 0) ci = 4;
    if (!cs[ci] && ncm_contract_load_file(contracts[ci], &cs[ci]) != NCM_OK) {
        fprintf(stderr, "%s\n", ncm_last_error());
        abort();
    }
    char p[96];
    fuzz_path(p, sizeof p, "act", "csv");
    fuzz_write(p, data + 1, size - 1);
    ncm_actuals *a = NULL;
    if (ncm_actuals_create(cs[ci], &a) != NCM_OK) abort();
    ncm_status st;
    if (persons) st = ncm_actuals_read_person_costs_csv(a, p);
    else switch (ri) {
    case 0: st = ncm_actuals_read_csv(a, p); break;
    case 1: st = ncm_actuals_read_paid_csv(a, p); break;
    case 2: st = ncm_actuals_read_outcomes_csv(a, p); break;
    default: st = ncm_actuals_read_results_csv(a, p); break;
    }
    if (st != NCM_OK && !*ncm_last_error()) abort();
    ncm_ledger *l = NULL;
    if (ncm_settle(cs[ci], a, NULL, &l) == NCM_OK) {
        char o[96];
        fuzz_path(o, sizeof o, "ledger", "csv");
        if (ncm_ledger_write_csv(l, o) != NCM_OK) abort();
        ncm_ledger_free(l);
    }
    ncm_actuals_free(a);
    return 0;
}
