// Robustness scenarios (docs/portfolio.md, "Robustness"): for each vendor v,
// from month F the plan keeps only (1 - loss) of every chip it holds on v,
// and may re-route work onto other vendors' spare capacity: chips it already
// pays for but does not use, plus the unused capacity of pay-as-you-go
// offers at sites without a power budget. With that, every training run must
// still finish within max_delay of its window after its deadline, and every
// service must still meet its demand. Re-routed chips are counted at the
// run's lowest marginal rate (its largest scale), a conservative figure.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "planner/formulation_build.h"

namespace xpu::detail {

void add_robustness(Builder& b) {
  const Portfolio& p = b.p;
  const Robustness& rob = *p.policy.robustness;
  const int H = b.H;
  const int F = std::max(0, rob.from);
  const bool elastic = b.relaxed(Group::robustness);
  for (Vendor v : p.vendors()) {
    const int vi = static_cast<int>(v);
    std::vector<Terms> reroute(b.f.pools.size() * H);  // q variables per (pool, month)
    for (size_t wi = 0; wi < p.workloads.size(); ++wi) {
      const Workload& w = p.workloads[wi];
      const WorkloadRates& wr = b.rates.workloads[wi];
      if (w.kind == Mode::train) {
        const double window = w.deadline - w.earliest + 1;
        const double late = w.deadline + rob.max_delay * window;
        int last_full = static_cast<int>(std::floor(late + 1e-9));
        double frac = late - last_full;
        if (last_full >= H - 1) {
          last_full = H - 1;
          frac = 0;
        }
        const int last = frac > 1e-9 ? last_full + 1 : last_full;
        auto weight = [&](int m) { return m <= last_full ? 1.0 : (m == last_full + 1 ? frac : 0.0); };
        Terms done;
        for (const auto& s : b.segs) {
          if (s.workload != int(wi) || weight(s.month) == 0) continue;
          const PoolInfo& pi = b.f.pools[b.pools_of(w, s.accelerator).front()];
          const double keep = (s.month >= F && pi.vendor == v) ? 1.0 - rob.loss : 1.0;
          done.emplace_back(s.var, s.progress * keep * weight(s.month));
        }
        for (const std::string& a : w.accelerators) {
          const AcceleratorRate* ar = wr.find(a);
          const std::vector<int> pools = b.pools_of(w, a);
          if (!ar || !ar->usable || pools.empty() || ar->pieces.empty()) continue;
          if (b.f.pools[pools.front()].vendor == v) continue;
          const double r_last = ar->pieces.back().rate;
          for (int m = std::max(F, w.earliest); m <= last; ++m) {
            Terms cap;
            for (const auto& s : b.segs) {
              // In chips: a gang binary weighs its count (the checker counts the gang's chips plus
              // the re-routed ones against the run's largest scale).
              if (s.workload == int(wi) && s.month == m && s.accelerator == a) cap.emplace_back(s.var, s.chips);
            }
            for (int pool : pools) {
              const int q = b.add_var({.name = fmt::format("reroute[{},{},{},{}]", to_string(v), w.name, pool, m),
                                       .upper = ar->max_chips()});
              b.f.reroutes.push_back({vi, int(wi), pool, m, q});
              reroute[pool * H + m].emplace_back(q, 1.0);
              cap.emplace_back(q, 1.0);
              done.emplace_back(q, r_last * p.horizon.hours(m) * 3600.0 / w.train.job.tokens * weight(m));
            }
            b.add_row(row_le(fmt::format("reroute_scale[{},{},{},{}]", to_string(v), w.name, a, m), std::move(cap),
                             ar->max_chips()),
                      {.group = Group::other, .month = m, .workload = int(wi), .vendor = vi});
          }
        }
        if (b.opt.robust_cuts && !elastic) {
          // Gang binaries and continuous re-routes apart, for the rounding cuts (a fluid model has no
          // integer terms there and gets none).
          Terms ints, conts;
          for (auto [var, c] : done) (b.f.model.vars[var].integer ? ints : conts).emplace_back(var, c);
          add_robust_rounding_cuts(b, int(wi), std::string(to_string(v)), ints, conts,
                                   {.group = Group::other, .workload = int(wi), .vendor = vi});
        }
        const int r =
            b.add_row(row_ge(fmt::format("robust_complete[{},{}]", to_string(v), w.name), std::move(done), 1.0),
                      {.group = Group::robustness, .workload = int(wi), .vendor = vi});
        if (elastic) b.add_slack(r, 1.0, b.ref_total, 1.0);
        continue;
      }
      for (int m = F; m < H; ++m) {
        if (!(w.serve.demand_rps[m] > 0)) continue;
        Terms served;
        for (const auto& u : b.f.usage) {
          if (u.workload != int(wi) || u.month != m) continue;
          const PoolInfo& pi = b.f.pools[u.pool];
          const double need = wr.find(pi.accelerator)->need[m];
          const double keep = pi.vendor == v ? 1.0 - rob.loss : 1.0;
          for (auto [var, c] : u.terms) served.emplace_back(var, c * keep / need);
        }
        for (const std::string& a : w.accelerators) {
          const AcceleratorRate* ar = wr.find(a);
          if (!ar || !ar->usable || !(ar->need[m] > 0)) continue;
          for (int pool : b.pools_of(w, a)) {
            if (b.f.pools[pool].vendor == v) continue;
            const int q = b.add_var({.name = fmt::format("reroute[{},{},{},{}]", to_string(v), w.name, pool, m)});
            b.f.reroutes.push_back({vi, int(wi), pool, m, q});
            reroute[pool * H + m].emplace_back(q, 1.0);
            served.emplace_back(q, 1.0 / ar->need[m]);
          }
        }
        const int r =
            b.add_row(row_ge(fmt::format("robust_demand[{},{},{}]", to_string(v), w.name, m), std::move(served), 1.0),
                      {.group = Group::robustness, .month = m, .workload = int(wi), .vendor = vi});
        if (elastic) b.add_slack(r, 1.0, b.ref_total, 1.0);
      }
    }
    // Spare capacity: what the pool's offers can give beyond the plan's own use.
    for (size_t pool = 0; pool < b.f.pools.size(); ++pool) {
      for (int m = F; m < H; ++m) {
        Terms t = reroute[pool * H + m];
        if (t.empty()) continue;
        if (b.used[pool * H + m] >= 0) t.emplace_back(b.used[pool * H + m], 1.0);
        double free = 0;
        for (int o : b.f.pools[pool].offers) {
          const PlanOffer& po = p.offers[o];
          if (!po.is_commitment() && po.site.empty()) {
            free += eff_capacity(po, m);
          } else {
            for (auto [var, c] : b.prov[o * H + m]) t.emplace_back(var, -c);
          }
        }
        b.add_row(row_le(fmt::format("spare[{},{},{}]", to_string(v), pool, m), std::move(t), free),
                  {.group = Group::robustness, .month = m, .vendor = vi});
      }
    }
  }
}

}  // namespace xpu::detail
