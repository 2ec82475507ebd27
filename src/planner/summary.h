// What a plan amounts to, month by month: chips per offer, vendor and
// workload, cost by vendor, provider, term and month, compute shares, power
// per site, and each workload's schedule and finish. Derived from the plan's
// decisions for reports; the checker verifies the same facts on its own.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "planner/check.h"
#include "planner/plan.h"
#include "planner/portfolio.h"
#include "planner/rates.h"

namespace xpu {

struct OfferMonths {
  int offer = 0;
  std::vector<double> provisioned;  // chips per month (rented, or committed and active)
  std::vector<double> used;         // assigned to workloads
  std::vector<int64_t> bought;      // commitment instances bought per month
};

struct WorkloadSchedule {
  int workload = 0;
  // Average chips per month by accelerator ("h100-sxm" -> per month).
  std::map<std::string, std::vector<double>> chips;
  WorkloadProgress progress;  // from the checker
  bool on_time = true;        // training: done by the deadline; services: demand met every month
};

struct PlanSummary {
  std::vector<OfferMonths> offers;  // offers the plan touches, in offer order
  Dollars total;
  Dollars porting;
  std::vector<double> cost_by_month;  // $ per horizon month; commitments' months past the horizon go to `after_horizon`
  double after_horizon = 0;
  std::map<std::string, double> cost_by_vendor, cost_by_provider, cost_by_term;  // $
  // Used compute share (bf16 peak of assigned chips) per month, by vendor and provider.
  std::map<std::string, std::vector<double>> vendor_share, provider_share;
  std::map<std::string, std::vector<double>> chips_by_vendor;  // used chips per month
  std::map<std::string, std::vector<double>> power_mw;  // per site per month, facility power of provisioned chips
  std::vector<WorkloadSchedule> workloads;              // in workload order
};

PlanSummary summarize(const Portfolio& p, const RateTable& rates, const Plan& plan, const CheckReport& check);

}  // namespace xpu
