/**
 * @file ncm.h
 * @brief Umbrella header: includes every public ncm header.
 *
 * ncm is a C library for the money side of new care models: population segmentation, risk
 * adjustment, capitation, contracts, outcome payments, settlement and Monte Carlo evaluation.
 * Conventions that hold across the API: functions return #ncm_status (0 = success); objects are
 * opaque handles created by `ncm_x_create`-style functions and freed by `ncm_x_free` (which
 * accepts NULL); money is #ncm_money (integer minor units); options are versioned structs.
 * @since 0.1.0
 */
#ifndef NCM_NCM_H
#define NCM_NCM_H

#include "ncm/export.h"
#include "ncm/version.h"
#include "ncm/status.h"
#include "ncm/money.h"
#include "ncm/population.h"
#include "ncm/synth.h"
#include "ncm/capitation.h"
#include "ncm/riskshare.h"
#include "ncm/outcome.h"
#include "ncm/savings.h"
#include "ncm/contract.h"
#include "ncm/settle.h"
#include "ncm/segment.h"
#include "ncm/risk.h"

#endif /* NCM_NCM_H */
