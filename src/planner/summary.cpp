#include "planner/summary.h"

#include <algorithm>

namespace xpu {

PlanSummary summarize(const Portfolio& p, const RateTable& rates, const Plan& plan, const CheckReport& check) {
  (void)rates;
  PlanSummary s;
  const int H = p.horizon.months;
  const size_t O = p.offers.size();
  std::vector<OfferMonths> all(O);
  for (size_t o = 0; o < O; ++o) {
    all[o].offer = int(o);
    all[o].provisioned.assign(H, 0.0);
    all[o].used.assign(H, 0.0);
    all[o].bought.assign(H, 0);
  }
  s.cost_by_month.assign(H, 0.0);
  auto charge = [&](const PlanOffer& po, int m, double dollars) {
    if (m < H) {
      s.cost_by_month[m] += dollars;
    } else {
      s.after_horizon += dollars;
    }
    s.cost_by_vendor[std::string(to_string(po.vendor))] += dollars;
    s.cost_by_provider[po.offer.provider] += dollars;
    s.cost_by_term[std::string(to_string(po.offer.term))] += dollars;
  };
  for (const Rental& r : plan.rentals) {
    const PlanOffer& po = p.offers[r.offer.index()];
    all[r.offer.index()].provisioned[r.month] += r.chips;
    charge(po, r.month, r.chips * per_hour(po.price_per_chip()) * p.horizon.hours(r.month));
  }
  for (const Purchase& b : plan.purchases) {
    const PlanOffer& po = p.offers[b.offer.index()];
    all[b.offer.index()].bought[b.month] += b.instances;
    for (int k = 0; k < po.term_months(); ++k) {
      if (b.month + k < H)
        all[b.offer.index()].provisioned[b.month + k] += static_cast<double>(b.instances) * po.offer.chips;
      charge(po, b.month + k,
             static_cast<double>(b.instances) * per_hour(po.offer.price) * p.horizon.hours(b.month + k));
    }
  }
  for (const Porting& x : plan.porting) {
    for (const PortingCost& pc : p.workloads[x.workload.index()].porting) {
      if (pc.runtime == x.runtime) s.porting += pc.cost;
    }
  }
  s.workloads.resize(p.workloads.size());
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    s.workloads[w].workload = int(w);
    if (w < check.progress.size()) s.workloads[w].progress = check.progress[w];
  }
  std::vector<double> total(H, 0.0);
  for (const Assignment& a : plan.assignments) {
    const PlanOffer& po = p.offers[a.offer.index()];
    all[a.offer.index()].used[a.month] += a.chips;
    auto& row = s.workloads[a.workload.index()].chips[po.offer.accelerator];
    row.resize(H, 0.0);
    row[a.month] += a.chips;
    const double pf = a.chips * po.peak_bf16.si() * 1e-15;
    for (auto* share : {&s.vendor_share[std::string(to_string(po.vendor))], &s.provider_share[po.offer.provider]}) {
      share->resize(H, 0.0);
      (*share)[a.month] += pf;
    }
    auto& cv = s.chips_by_vendor[std::string(to_string(po.vendor))];
    cv.resize(H, 0.0);
    cv[a.month] += a.chips;
    total[a.month] += pf;
  }
  for (auto* shares : {&s.vendor_share, &s.provider_share}) {
    for (auto& [k, v] : *shares) {
      for (int m = 0; m < H; ++m) v[m] = total[m] > 0 ? v[m] / total[m] : 0.0;
    }
  }
  for (const Site& site : p.sites) {
    auto& mw = s.power_mw[site.name];
    mw.assign(H, 0.0);
    for (size_t o = 0; o < O; ++o) {
      if (p.offers[o].site != site.name) continue;
      for (int m = 0; m < H; ++m) mw[m] += all[o].provisioned[m] * p.offers[o].it_watts.si() * site.pue * 1e-6;
    }
  }
  for (auto& o : all) {
    const bool touched = std::any_of(o.provisioned.begin(), o.provisioned.end(), [](double x) { return x > 0; }) ||
                         std::any_of(o.used.begin(), o.used.end(), [](double x) { return x > 0; });
    if (touched) s.offers.push_back(std::move(o));
  }
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    const Workload& wl = p.workloads[w];
    WorkloadSchedule& ws = s.workloads[w];
    if (wl.kind == Mode::train) {
      ws.on_time = ws.progress.finish_month >= 0 && ws.progress.finish_month <= wl.deadline;
    } else {
      ws.on_time =
          std::all_of(ws.progress.served.begin(), ws.progress.served.end(), [](double x) { return x >= 1 - 1e-6; });
    }
  }
  s.total = plan_cost(p, plan);
  return s;
}

}  // namespace xpu
