/* Internal, allocation-free scoring of an outcome framework, for engines that score many result
 * vectors (the Monte Carlo engine scores one per trial and year). Hidden symbols. */
#ifndef NCM_INTERNAL_OUTCOME_IMPL_H
#define NCM_INTERNAL_OUTCOME_IMPL_H

#include <stddef.h>

#include "internal/common.h"
#include "ncm/outcome.h"

/* Score one result vector given in the framework's measure order (val[i] for measure i, NaN = no
 * data; the framework's own baselines are used). Same formulas as ncm_outcome_score():
 * points[i] (0-10, NaN without data), met[i], the total score (0-100, NaN if nothing has data) and
 * the gate. work holds 2 x ncm_outcome_domain_count(fw) doubles. points and met may be NULL. */
NCMI_HIDDEN void ncmi_outcome_score_values(const ncm_outcome_framework *fw, const double *val, double *points,
                                           int *met, double *work, double *total, int *gate);
/* 1 if the framework has a gate (a gateway measure or a minimum total score above 0). */
NCMI_HIDDEN int ncmi_outcome_has_gate(const ncm_outcome_framework *fw);
/* Weight of measure i within its domain, and whether it is a gateway measure. */
NCMI_HIDDEN double ncmi_outcome_measure_weight(const ncm_outcome_framework *fw, size_t i);
NCMI_HIDDEN int ncmi_outcome_measure_is_gateway(const ncm_outcome_framework *fw, size_t i);

#endif
