/* Every public function called with NULL handles, NULL arrays and zero sizes (hardening, issue 7):
 * nothing crashes (this runs in the ASan+UBSan build too); every function that returns a status
 * returns NCM_ERR_INVALID with a message naming the function (or NCM_OK where n = 0 means "nothing
 * to do", as documented); accessors return their documented empty values. The call list was
 * generated from the NCM_API prototypes of the public headers (pointer -> NULL, number -> 0) and
 * trimmed of the functions whose documentation requires a non-NULL handle (ncm_contract_get_form).
 * Add a call here when adding a public function (the simulate and per-person settlement functions
 * were added when those modules landed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ncm/ncm.h"

#define EXPECT_STATUS(want, frag, call)                                                             \
    do {                                                                                            \
        ncm_clear_error();                                                                          \
        ncm_status st_ = (call);                                                                    \
        if (st_ != (want)) fail_msg("%s: status %d, want %d (%s)", #call, (int)st_, (int)(want), ncm_last_error()); \
        if (st_ != NCM_OK && (!*ncm_last_error() || !strstr(ncm_last_error(), frag)))              \
            fail_msg("%s: message \"%s\" lacks \"%s\"", #call, ncm_last_error(), frag);              \
        n_status++;                                                                                 \
    } while (0)
/* Accessors: a NULL handle gives 0, NULL or "" (or the documented sentinel). */
#define NULLCALL_PTR(call) (void)(call)
#define NULLCALL_VALUE(call) (void)(call)

static void test_null_arguments(void **state)
{
    (void)state;
    size_t n_status = 0;
    ncm_capitation_people_init(NULL);
    ncm_capitation_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_capitation_run", ncm_capitation_run(NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_capitation_population", ncm_capitation_population(NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_year_of_care", ncm_year_of_care(NULL, NULL, NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_recalculate", ncm_budget_recalculate(NULL, NULL, NULL, 0.0, NULL, NULL));
    ncm_budget_free(NULL);
    NULLCALL_VALUE(ncm_budget_gross(NULL));
    NULLCALL_VALUE(ncm_budget_distributed(NULL));
    NULLCALL_VALUE(ncm_budget_people(NULL));
    NULLCALL_PTR(ncm_budget_person_amounts(NULL));
    NULLCALL_PTR(ncm_budget_person_weights(NULL));
    NULLCALL_VALUE(ncm_budget_weight_factor(NULL));
    NULLCALL_PTR(ncm_budget_person_months(NULL));
    NULLCALL_PTR(ncm_budget_person_paid(NULL));
    NULLCALL_VALUE(ncm_budget_has_trueup(NULL));
    NULLCALL_VALUE(ncm_budget_paid_total(NULL));
    NULLCALL_VALUE(ncm_budget_level_count(NULL));
    NULLCALL_PTR(ncm_budget_level_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_level_find", ncm_budget_level_find(NULL, NULL, NULL));
    NULLCALL_VALUE(ncm_budget_unit_count(NULL, 0));
    NULLCALL_PTR(ncm_budget_unit_name(NULL, 0, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_units", ncm_budget_units(NULL, 0, NULL, NULL, NULL, NULL, NULL, 0));
    NULLCALL_VALUE(ncm_budget_segment_count(NULL));
    NULLCALL_PTR(ncm_budget_segment_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_segments", ncm_budget_segments(NULL, NULL, NULL, NULL, NULL, NULL, 0));
    NULLCALL_VALUE(ncm_budget_line_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_line", ncm_budget_line(NULL, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_budget_write_csv", ncm_budget_write_csv(NULL, 0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_fair_shares", ncm_fair_shares(NULL, 0, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_top_slice", ncm_top_slice(0, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_pool_share", ncm_pool_share(0, 0, NULL, NULL, 0, NULL, NULL));
    ncm_pace_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "NULL", ncm_pace_of_change(NULL, 0, 0, NULL, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "NULL", ncm_pace_project(NULL, 0, NULL, NULL, NULL, 0, NULL, NULL));
    ncm_stop_loss_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "NULL", ncm_stop_loss(NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "NULL", ncm_stop_loss_expected(NULL, 0.0, 0.0, NULL));
    ncm_envelope_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_envelope_schedule", ncm_envelope_schedule(NULL, NULL, NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_load_file", ncm_contract_load_file(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_load_string", ncm_contract_load_string(NULL, NULL, NULL));
    ncm_contract_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_to_json", ncm_contract_to_json(NULL, NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_write_file", ncm_contract_write_file(NULL, NULL));
    NULLCALL_PTR(ncm_contract_name(NULL));
    NULLCALL_PTR(ncm_contract_scope(NULL));
    NULLCALL_VALUE(ncm_contract_term(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_value", ncm_contract_value(NULL, 0, NULL));
    NULLCALL_VALUE(ncm_contract_party_count(NULL));
    NULLCALL_PTR(ncm_contract_party_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_party_role", ncm_contract_party_role(NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_find_party", ncm_contract_find_party(NULL, NULL, NULL));
    NULLCALL_VALUE(ncm_contract_component_count(NULL));
    NULLCALL_PTR(ncm_contract_component_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_component_type", ncm_contract_component_type(NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_contract_find_component", ncm_contract_find_component(NULL, NULL, NULL));
    NULLCALL_PTR(ncm_contract_form_name(0));
    NULLCALL_PTR(ncm_party_role_name(0));
    NULLCALL_PTR(ncm_component_type_name(0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_parse", ncm_money_parse(NULL, 0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_format", ncm_money_format(0, 0, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_add", ncm_money_add(0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_sub", ncm_money_sub(0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_mul_int", ncm_money_mul_int(0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_mul_rate", ncm_money_mul_rate(0, 0.0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_mul_frac", ncm_money_mul_frac(0, 0, 0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_prorate", ncm_money_prorate(0, 0.0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_split", ncm_money_split(0, NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_money_from_double", ncm_money_from_double(0.0, 0, NULL));
    ncm_outcome_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_framework_create", ncm_outcome_framework_create(NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL));
    ncm_outcome_framework_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_framework_load_json", ncm_outcome_framework_load_json(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_framework_load_json_buffer", ncm_outcome_framework_load_json_buffer(NULL, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_framework_write_json", ncm_outcome_framework_write_json(NULL, NULL));
    NULLCALL_VALUE(ncm_outcome_measure_count(NULL));
    NULLCALL_PTR(ncm_outcome_measure_id(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_measure_info", ncm_outcome_measure_info(NULL, 0, NULL, NULL, NULL));
    NULLCALL_PTR(ncm_outcome_method_name(0));
    NULLCALL_VALUE(ncm_outcome_domain_count(NULL));
    NULLCALL_PTR(ncm_outcome_domain_id(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_score", ncm_outcome_score(NULL, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_score_csv", ncm_outcome_score_csv(NULL, NULL, NULL));
    ncm_outcome_result_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_result_total", ncm_outcome_result_total(NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_result_measures", ncm_outcome_result_measures(NULL, NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_result_domains", ncm_outcome_result_domains(NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_outcome_result_pot", ncm_outcome_result_pot(NULL, 0, 0, NULL, NULL));
    EXPECT_STATUS(NCM_OK, "", ncm_withhold_settle(0, NULL, 0.0, NULL, 0, NULL, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_poisson_quantile", ncm_poisson_quantile(0.0, 0.0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_poisson_cdf", ncm_poisson_cdf(0, 0.0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_oe_standardise", ncm_oe_standardise(0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_OK, "", ncm_oe_funnel(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    ncm_population_columns_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_from_columns", ncm_population_from_columns(NULL, NULL));
    ncm_population_csv_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_read_csv", ncm_population_read_csv(NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_read_csv_buffer", ncm_population_read_csv_buffer(NULL, 0, NULL, NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_write_csv", ncm_population_write_csv(NULL, NULL, NULL));
    ncm_population_free(NULL);
    NULLCALL_VALUE(ncm_population_size(NULL));
    NULLCALL_VALUE(ncm_population_has_column(NULL, NULL));
    NULLCALL_PTR(ncm_population_age(NULL));
    NULLCALL_PTR(ncm_population_sex(NULL));
    NULLCALL_PTR(ncm_population_deprivation(NULL));
    NULLCALL_PTR(ncm_population_months(NULL));
    NULLCALL_PTR(ncm_population_cost(NULL));
    NULLCALL_PTR(ncm_population_orec(NULL));
    NULLCALL_PTR(ncm_population_medicaid(NULL));
    NULLCALL_PTR(ncm_population_text_ids(NULL, 0));
    NULLCALL_VALUE(ncm_population_text_count(NULL, 0));
    NULLCALL_PTR(ncm_population_text_value(NULL, 0, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_text_find", ncm_population_text_find(NULL, 0, NULL, NULL));
    NULLCALL_PTR(ncm_population_dx_offsets(NULL));
    NULLCALL_VALUE(ncm_population_attr_count(NULL));
    NULLCALL_PTR(ncm_population_attr_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_attr_find", ncm_population_attr_find(NULL, NULL, NULL));
    NULLCALL_PTR(ncm_population_attr_numeric(NULL, 0));
    NULLCALL_PTR(ncm_population_attr_text_ids(NULL, 0));
    NULLCALL_VALUE(ncm_population_attr_text_count(NULL, 0));
    NULLCALL_PTR(ncm_population_attr_text_value(NULL, 0, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_parent", ncm_population_parent(NULL, 0, 0, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_population_rollup", ncm_population_rollup(NULL, 0, NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_level_parse", ncm_level_parse(NULL, NULL));
    NULLCALL_PTR(ncm_level_name(0));
    ncm_risk_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_cms_hcc", ncm_risk_model_cms_hcc(NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_read", ncm_risk_model_read(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_write", ncm_risk_model_write(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_age_sex", ncm_risk_model_age_sex(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_charlson", ncm_risk_model_charlson(0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_elixhauser", ncm_risk_model_elixhauser(NULL));
    ncm_risk_model_free(NULL);
    NULLCALL_PTR(ncm_risk_model_name(NULL));
    NULLCALL_VALUE(ncm_risk_model_term_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_model_coefficient", ncm_risk_model_coefficient(NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_score", ncm_risk_score(NULL, NULL, NULL, NULL, NULL, 0, NULL));
    ncm_risk_result_free(NULL);
    NULLCALL_VALUE(ncm_risk_result_size(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_result_terms", ncm_risk_result_terms(NULL, 0, NULL, NULL, NULL));
    NULLCALL_PTR(ncm_risk_result_term_name(NULL, 0));
    NULLCALL_VALUE(ncm_risk_result_term_kind(NULL, 0));
    NULLCALL_PTR(ncm_risk_result_unknown(NULL));
    NULLCALL_VALUE(ncm_risk_result_unknown_total(NULL));
    NULLCALL_VALUE(ncm_risk_result_unknown_code_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_result_unknown_code", ncm_risk_result_unknown_code(NULL, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_RANGE, "", ncm_risk_normalize(NULL, NULL, 0, 0.0, NULL, NULL));
    EXPECT_STATUS(NCM_OK, "", ncm_risk_cap_growth(NULL, NULL, 0, 0.0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_risk_weighted_population", ncm_risk_weighted_population(NULL, NULL, 0, NULL, 0));
    ncm_riskshare_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_create", ncm_riskshare_create(NULL, 0, NULL, NULL, NULL, NULL, NULL));
    ncm_riskshare_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_builtin", ncm_riskshare_builtin(NULL, NULL));
    NULLCALL_VALUE(ncm_riskshare_band_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_band", ncm_riskshare_band(NULL, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_get_options", ncm_riskshare_get_options(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_apply", ncm_riskshare_apply(NULL, 0, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_explain", ncm_riskshare_explain(NULL, 0, 0, NULL, NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_apply_bulk", ncm_riskshare_apply_bulk(NULL, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_load_json", ncm_riskshare_load_json(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_load_json_buffer", ncm_riskshare_load_json_buffer(NULL, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_riskshare_write_json", ncm_riskshare_write_json(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_msr", ncm_mssp_msr(0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_create", ncm_mssp_tracks_create(0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_builtin", ncm_mssp_tracks_builtin(0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_load_csv", ncm_mssp_tracks_load_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_write_csv", ncm_mssp_tracks_write_csv(NULL, NULL));
    ncm_mssp_tracks_free(NULL);
    NULLCALL_VALUE(ncm_mssp_tracks_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_get", ncm_mssp_tracks_get(NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_tracks_lookup", ncm_mssp_tracks_lookup(NULL, 0, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_settle", ncm_mssp_settle(NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_mssp_settle_csv", ncm_mssp_settle_csv(NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_builtin", ncm_condition_groups_builtin(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_read_csv", ncm_condition_groups_read_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_write_csv", ncm_condition_groups_write_csv(NULL, NULL));
    ncm_condition_groups_free(NULL);
    NULLCALL_VALUE(ncm_condition_groups_count(NULL));
    NULLCALL_PTR(ncm_condition_groups_name(NULL, 0));
    NULLCALL_VALUE(ncm_condition_groups_is_ltc(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_find", ncm_condition_groups_find(NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_match", ncm_condition_groups_match(NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_condition_groups_assign", ncm_condition_groups_assign(NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_read_json", ncm_segmentation_read_json(NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_read_json_buffer", ncm_segmentation_read_json_buffer(NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_write_json", ncm_segmentation_write_json(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_to_json", ncm_segmentation_to_json(NULL, NULL));
    ncm_segmentation_json_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_bridges_to_health", ncm_segmentation_bridges_to_health(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_risk_tiers", ncm_segmentation_risk_tiers(NULL, 0, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_age_ltc", ncm_segmentation_age_ltc(NULL, 0, NULL, NULL));
    ncm_segmentation_free(NULL);
    NULLCALL_PTR(ncm_segmentation_name(NULL));
    NULLCALL_VALUE(ncm_segmentation_segment_count(NULL));
    NULLCALL_PTR(ncm_segmentation_segment_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_segment_find", ncm_segmentation_segment_find(NULL, NULL, NULL));
    NULLCALL_VALUE(ncm_segmentation_default_segment(NULL));
    NULLCALL_VALUE(ncm_segmentation_rule_count(NULL));
    NULLCALL_PTR(ncm_segmentation_rule_name(NULL, 0));
    NULLCALL_VALUE(ncm_segmentation_rule_segment(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_assign", ncm_segmentation_assign(NULL, NULL, NULL, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segmentation_assign_rules", ncm_segmentation_assign_rules(NULL, NULL, NULL, 0, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summarize", ncm_segment_summarize(NULL, NULL, 0, 0, NULL, 0, NULL));
    ncm_segment_summary_free(NULL);
    NULLCALL_VALUE(ncm_segment_summary_units(NULL));
    NULLCALL_VALUE(ncm_segment_summary_segments(NULL));
    NULLCALL_VALUE(ncm_segment_summary_cells(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summary_people", ncm_segment_summary_people(NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summary_exposure", ncm_segment_summary_exposure(NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summary_cost", ncm_segment_summary_cost(NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summary_mean_risk", ncm_segment_summary_mean_risk(NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_summary_cost_share", ncm_segment_summary_cost_share(NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_segment_crosstab", ncm_segment_crosstab(NULL, 0, NULL, 0, 0, NULL, NULL, NULL, NULL, 0));
    NULLCALL_PTR(ncm_line_kind_name(0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_create", ncm_actuals_create(NULL, NULL));
    ncm_actuals_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_set_cost", ncm_actuals_set_cost(NULL, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_set_volume", ncm_actuals_set_volume(NULL, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_set_member_months", ncm_actuals_set_member_months(NULL, 0, NULL, 0.0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_set_score", ncm_actuals_set_score(NULL, 0, NULL, 0.0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_score_results", ncm_actuals_score_results(NULL, 0, NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_add_paid", ncm_actuals_add_paid(NULL, 0, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_read_csv", ncm_actuals_read_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_read_outcomes_csv", ncm_actuals_read_outcomes_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_read_paid_csv", ncm_actuals_read_paid_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_read_results_csv", ncm_actuals_read_results_csv(NULL, NULL));
    ncm_settle_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_settle", ncm_settle(NULL, NULL, NULL, NULL));
    ncm_ledger_free(NULL);
    NULLCALL_VALUE(ncm_ledger_count(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_years", ncm_ledger_years(NULL, NULL, 0, NULL));
    NULLCALL_VALUE(ncm_ledger_party_count(NULL));
    NULLCALL_PTR(ncm_ledger_party_name(NULL, 0));
    NULLCALL_PTR(ncm_ledger_component_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_keys", ncm_ledger_keys(NULL, NULL, NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_amounts", ncm_ledger_amounts(NULL, NULL, NULL, NULL, NULL, NULL, 0));
    NULLCALL_PTR(ncm_ledger_what(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_party_totals", ncm_ledger_party_totals(NULL, 0, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_risk", ncm_ledger_risk(NULL, 0, 0, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_write_csv", ncm_ledger_write_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_ledger_write_json", ncm_ledger_write_json(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_settler_create", ncm_settler_create(NULL, NULL));
    ncm_settler_free(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_settler_run", ncm_settler_run(NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL));
    ncm_synth_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_synth_population", ncm_synth_population(NULL, NULL));
    /* added after simulate and per-person settlement landed */
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_set_person_costs", ncm_actuals_set_person_costs(NULL, 0, 0, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_actuals_read_person_costs_csv", ncm_actuals_read_person_costs_csv(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_settler_run_persons",
                  ncm_settler_run_persons(NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_load_file", ncm_scenario_load_file(NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_load_string", ncm_scenario_load_string(NULL, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_write_file", ncm_scenario_write_file(NULL, NULL));
    ncm_scenario_free(NULL);
    NULLCALL_PTR(ncm_scenario_name(NULL));
    NULLCALL_VALUE(ncm_scenario_term(NULL));
    NULLCALL_VALUE(ncm_scenario_segment_count(NULL));
    NULLCALL_PTR(ncm_scenario_segment_name(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_segments", ncm_scenario_segments(NULL, NULL, NULL, NULL, 0));
    NULLCALL_PTR(ncm_scenario_population(NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_segment_place_cost", ncm_scenario_segment_place_cost(NULL, NULL, 0, NULL));
    NULLCALL_VALUE(ncm_scenario_design_count(NULL));
    NULLCALL_PTR(ncm_scenario_design_name(NULL, 0));
    NULLCALL_PTR(ncm_scenario_design_contract(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_set_number", ncm_scenario_set_number(NULL, NULL, 0.0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_set_segment", ncm_scenario_set_segment(NULL, 0, 0.0, 0.0, 0.0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_set_contract", ncm_scenario_set_contract(NULL, 0, NULL));
    ncm_sim_options_init(NULL);
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_simulate", ncm_simulate(NULL, NULL, NULL));
    ncm_sim_results_free(NULL);
    NULLCALL_VALUE(ncm_sim_results_trials(NULL));
    NULLCALL_VALUE(ncm_sim_results_years(NULL));
    NULLCALL_VALUE(ncm_sim_results_design_count(NULL));
    NULLCALL_PTR(ncm_sim_results_design_name(NULL, 0));
    NULLCALL_VALUE(ncm_sim_results_party_count(NULL, 0));
    NULLCALL_PTR(ncm_sim_results_party_name(NULL, 0, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_stats", ncm_sim_results_stats(NULL, 0, 0, 0, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_trial_values", ncm_sim_results_trial_values(NULL, 0, 0, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_cost", ncm_sim_results_cost(NULL, 0, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_compare",
                  ncm_sim_results_compare(NULL, 0, 0, 0, 0, 0, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_scores", ncm_sim_results_scores(NULL, 0, NULL, 0));
    NULLCALL_VALUE(ncm_sim_results_measure_count(NULL));
    NULLCALL_PTR(ncm_sim_results_measure_id(NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_gate", ncm_sim_results_gate(NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_sim_results_measure_stats",
                  ncm_sim_results_measure_stats(NULL, 0, 0, NULL, NULL, NULL, NULL, 0));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_deficit_at", ncm_scenario_deficit_at(NULL, 0, NULL, 0, NULL, NULL, NULL));
    EXPECT_STATUS(NCM_ERR_INVALID, "ncm_scenario_find_bid", ncm_scenario_find_bid(NULL, 0, NULL, 0.0, 0, NULL, NULL));
    printf("%zu status-returning functions checked\n", n_status);
    assert_true(n_status >= 150);
    /* documented values of accessors on NULL */
    assert_int_equal(ncm_population_size(NULL), 0);
    assert_null(ncm_population_age(NULL));
    assert_string_equal(ncm_contract_name(NULL), "");
    assert_int_equal(ncm_contract_term(NULL), 0);
    assert_int_equal(ncm_budget_people(NULL), 0);
    assert_int_equal(ncm_risk_result_term_kind(NULL, 0), -1);
    assert_int_equal(ncm_mssp_tracks_count(NULL), 0);
    assert_int_equal(ncm_ledger_count(NULL), 0);
    assert_int_equal(ncm_outcome_measure_count(NULL), 0);
    assert_int_equal(ncm_condition_groups_count(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
