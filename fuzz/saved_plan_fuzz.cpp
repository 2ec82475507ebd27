// The saved-plan reader (`xpuplan simulate --plan`, ingest/saved_plan_io.h),
// read against the shipped example portfolio: no crash, every diagnostic at a
// JSON pointer, and a plan read without errors names only the portfolio's
// workloads, offers and months, is in canonical order, has whole instances
// and finite, non-negative chips, and costs a finite, non-negative amount.
#include <cmath>

#include "fuzz_support.h"
#include "ingest/portfolio_io.h"
#include "ingest/saved_plan_io.h"
#include "planner/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xpu;
  static const Portfolio p =
      load_portfolio(std::string(XPUPLAN_TEST_DIR) + "/../examples/portfolio.yaml", fuzz::shipped_data());
  Diagnostics ds;
  const Plan plan = parse_saved_plan(fuzz::text_of(data, size), "plan.json", p, ds);
  fuzz::require_located(ds);
  if (has_errors(ds)) return 0;
  const int offers = static_cast<int>(p.offers.size()), workloads = static_cast<int>(p.workloads.size());
  const int months = p.horizon.months;
  auto in_range = [](int v, int n) { return v >= 0 && v < n; };
  auto chips_ok = [](double c) { return std::isfinite(c) && c >= 0; };
  for (const Purchase& b : plan.purchases) {
    fuzz::require(in_range(b.offer.value(), offers) && in_range(b.month, months) && b.instances >= 0,
                  "purchase outside the portfolio or negative");
  }
  for (const Rental& r : plan.rentals) {
    fuzz::require(
        in_range(r.offer.value(), offers) && in_range(r.month, months) && chips_ok(r.chips) && r.instances >= 0,
        "rental outside the portfolio or with bad chips");
  }
  for (const Assignment& a : plan.assignments) {
    fuzz::require(in_range(a.offer.value(), offers) && in_range(a.workload.value(), workloads) &&
                      in_range(a.month, months) && chips_ok(a.chips),
                  "assignment outside the portfolio or with bad chips");
  }
  for (const Gang& g : plan.gangs) {
    fuzz::require(in_range(g.workload.value(), workloads) && in_range(g.month, months) && g.chips >= 0 &&
                      std::isfinite(g.tokens_per_s),
                  "gang outside the portfolio or with bad numbers");
  }
  for (const Replicas& x : plan.replicas) {
    fuzz::require(in_range(x.workload.value(), workloads) && in_range(x.month, months) && x.replicas >= 0 &&
                      x.chips_per_replica >= 0,
                  "replica set outside the portfolio or negative");
  }
  Plan sorted = plan;
  canonicalize(sorted);
  fuzz::require(sorted.purchases == plan.purchases && sorted.rentals == plan.rentals &&
                    sorted.assignments == plan.assignments && sorted.reserves == plan.reserves &&
                    sorted.porting == plan.porting && sorted.gangs == plan.gangs && sorted.replicas == plan.replicas,
                "the plan read is not in canonical order");
  const double cost = plan_cost(p, plan).si();
  fuzz::require(std::isfinite(cost) && cost >= 0, "the plan's cost is not a finite, non-negative amount");
  return 0;
}
