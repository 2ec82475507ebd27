// What binds and what relaxing it is worth: shadow prices from the LP with
// the MILP's integer decisions fixed (valid for small changes, until the
// basis changes), summed over the months where a constraint binds; and for
// the policy's parameters, re-solves that say what a real change saves.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>

#include "base/unit_text.h"
#include "milp/solve.h"
#include "planner/planner.h"
#include "planner/warm_start.h"

namespace xpu {
namespace {

std::string money(double usd) { return to_short_text(dollars(usd)); }

// "2027-01..2027-03, 2027-06" from sorted month indices.
std::string month_ranges(const Horizon& h, std::vector<int> months) {
  std::sort(months.begin(), months.end());
  months.erase(std::unique(months.begin(), months.end()), months.end());
  std::string out;
  for (size_t i = 0; i < months.size();) {
    size_t j = i;
    while (j + 1 < months.size() && months[j + 1] == months[j] + 1) ++j;
    out += (out.empty() ? "" : ", ") + h.label(months[i]) + (j > i ? ".." + h.label(months[j]) : "");
    i = j + 1;
  }
  return out;
}

struct Acc {
  Binding b;
  std::vector<int> months;
};

}  // namespace

std::vector<Binding> binding_constraints(const Portfolio& p, const Formulation& f, const std::vector<double>& values) {
  LpOptions lo;
  lo.fix_integers = values;
  const LpResult lp = solve_lp(f.model, lo);
  if (lp.status != LpStatus::optimal) return {};
  const int H = p.horizon.months;
  // Used compute per month (PFLOP/s), to turn a share row's dual into $ per percentage point.
  std::vector<double> compute(H, 0.0);
  for (const auto& u : f.usage) {
    const double pf = p.offers[f.pools[u.pool].offers.front()].peak_bf16.si() * 1e-15;
    for (auto [v, c] : u.terms) compute[u.month] += c * values[v] * pf;
  }
  std::map<std::pair<int, std::string>, Acc> acc;
  const bool lateness = p.policy.objective == Objective::lateness;
  for (size_t i = 0; i < f.rows.size(); ++i) {
    const RowInfo& info = f.rows[i];
    const double d = lp.row_duals[i];
    if (std::abs(d) < 1e-7) continue;
    std::string what, unit, entity;
    double value = 0;
    switch (info.group) {
      case Group::capacity:
        entity = p.offers[info.offer].key;
        what = fmt::format("offer '{}' capacity", entity);
        unit = "chip";
        value = -d;
        break;
      case Group::power:
        entity = p.sites[info.site].name;
        what = fmt::format("site '{}' power", entity);
        unit = "MW";
        value = -d;
        break;
      case Group::vendor_share:
        entity = std::string(to_string(static_cast<Vendor>(info.vendor)));
        what = fmt::format("vendor {} share cap", entity);
        unit = "percentage point";
        value = -d * 0.01 * compute[info.month];
        break;
      case Group::provider_share:
        entity = info.provider;
        what = fmt::format("provider {} share cap", entity);
        unit = "percentage point";
        value = -d * 0.01 * compute[info.month];
        break;
      case Group::budget:
        what = "budget";
        unit = "$1M";
        value = lateness ? -d * 1e6 / f.lateness_weight : -d * 1e6;
        break;
      case Group::deadlines:
        entity = p.workloads[info.workload].name;
        what = fmt::format("run '{}' tokens", entity);
        unit = "% of tokens";
        value = d * 0.01;
        break;
      case Group::demand:
        entity = p.workloads[info.workload].name;
        what = fmt::format("service '{}' demand", entity);
        unit = "% of demand";
        value = d * 0.01;
        break;
      default:
        continue;
    }
    if (std::abs(value) < (lateness && info.group == Group::budget ? 1e-9 : 1.0)) continue;
    Acc& a = acc[{static_cast<int>(info.group), what}];
    a.b.group = info.group;
    a.b.what = what;
    a.b.entity = entity;
    a.b.unit = unit;
    a.b.value += value;
    if (info.month >= 0) a.months.push_back(info.month);
  }
  std::vector<Binding> out;
  for (auto& [key, a] : acc) {
    Binding b = a.b;
    b.months = month_ranges(p.horizon, a.months);
    const bool one_month = std::ranges::adjacent_find(a.months, std::not_equal_to{}) == a.months.end();
    const std::string when = b.months.empty() ? "" : (one_month ? " in " : " in each of ") + b.months;
    switch (b.group) {
      case Group::capacity:
        b.message = fmt::format("one more chip of '{}'{} saves {}", b.entity, when, money(b.value));
        break;
      case Group::power:
        b.message = fmt::format("one more MW at site '{}'{} saves {}", b.entity, when, money(b.value));
        break;
      case Group::vendor_share:
      case Group::provider_share:
        b.message = fmt::format("raising the {} by one percentage point{} saves {}", b.what, when, money(b.value));
        break;
      case Group::budget:
        b.message = lateness ? fmt::format("one more $1M of budget cuts lateness by {:.3f} months", b.value)
                             : fmt::format("one more $1M of budget saves {}", money(b.value));
        break;
      case Group::deadlines:
        b.message = fmt::format("the last 1% of {} costs {}", b.what, money(b.value));
        break;
      case Group::demand:
        b.message = fmt::format("1% of {}{} costs {}", b.what, when, money(b.value));
        break;
      default:
        break;
    }
    out.push_back(std::move(b));
  }
  std::stable_sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) { return a.value > b.value; });
  return out;
}

namespace {

// The cost of the best plan for `q` within `seconds`, or NaN. `start` (one
// value per variable of q's model, or empty) is the floor: the plan being
// re-solved, which a relaxed rule still admits.
double resolve_cost(const Portfolio& q, const RateTable& rates, const PlanOptions& options, double seconds,
                    const std::function<std::vector<double>(const Formulation&)>& start) {
  const Formulation f = formulate(q, rates, {.fluid = options.fluid});
  MilpOptions mo;
  mo.time_limit_s = seconds;
  mo.relative_gap = options.relative_gap;
  mo.threads = options.threads;
  mo.start = start(f);
  if (!mo.start.empty()) {
    // Half the time re-chooses rentals, commitments and replicas around the
    // plan's gangs (often all a relaxed cap or budget changes), the rest
    // searches cold with the result as the floor.
    MilpOptions po = mo;
    po.time_limit_s = seconds / 2;
    mo.start = polish_start(f, mo.start, po);
    mo.start_to_cbc = false;
    mo.time_limit_s = std::max(0.5, seconds / 2);
  }
  const MilpResult r = solve_milp(f.model, mo);
  return r.has_solution() ? plan_cost_of(f, q, r.values) : kNaN;
}

}  // namespace

void resolve_bindings(const Portfolio& p, const RateTable& rates, const PlanOptions& options, double cost,
                      std::vector<Binding>& binding, const Formulation& f, const std::vector<double>& values,
                      int count) {
  const auto started = std::chrono::steady_clock::now();
  // The plan's values by variable name, for the relaxed models' starts.
  std::unordered_map<std::string, double> by_name;
  if (values.size() == f.model.vars.size()) {
    for (size_t j = 0; j < values.size(); ++j) by_name.emplace(f.model.vars[j].name, values[j]);
  }
  auto start = [&](const Formulation& g) {
    if (by_name.empty()) return std::vector<double>{};
    std::vector<double> x(g.model.vars.size(), 0.0);  // a variable the plan's model lacks is 0 (unused)
    for (size_t j = 0; j < x.size(); ++j) {
      if (auto it = by_name.find(g.model.vars[j].name); it != by_name.end()) x[j] = it->second;
    }
    return x;
  };
  struct Change {
    Binding* target;  // existing entry, or null for a new one
    Group group;
    std::string what, change;
    Portfolio q;
  };
  std::vector<Change> changes;
  bool vendor_done = false, provider_done = false;
  for (Binding& b : binding) {
    if (static_cast<int>(changes.size()) >= count) break;
    Portfolio q = p;
    std::string change;
    if (b.group == Group::power) {
      const std::string& name = b.entity;
      for (Site& s : q.sites) {
        if (s.name == name) {
          s.budget = s.budget * 1.1;
          change = fmt::format("site '{}' power budget +10% (to {:.2f} MW)", name, s.budget.si() * 1e-6);
        }
      }
    } else if (b.group == Group::vendor_share && !vendor_done && p.policy.max_vendor_share < 1) {
      q.policy.max_vendor_share = std::min(1.0, p.policy.max_vendor_share + 0.1);
      change = fmt::format("vendor cap {:.0f}% -> {:.0f}%", 100 * p.policy.max_vendor_share,
                           100 * q.policy.max_vendor_share);
      vendor_done = true;
    } else if (b.group == Group::provider_share && !provider_done && p.policy.max_provider_share < 1) {
      q.policy.max_provider_share = std::min(1.0, p.policy.max_provider_share + 0.1);
      change = fmt::format("provider cap {:.0f}% -> {:.0f}%", 100 * p.policy.max_provider_share,
                           100 * q.policy.max_provider_share);
      provider_done = true;
    }
    if (!change.empty()) changes.push_back({&b, b.group, b.what, change, std::move(q)});
  }
  if (p.policy.robustness) {
    Portfolio q = p;
    q.policy.robustness.reset();
    changes.push_back({nullptr, Group::robustness, "robustness rule", "without the robustness rule", std::move(q)});
  }
  if (p.policy.min_vendors > 1) {
    Portfolio q = p;
    q.policy.min_vendors = p.policy.min_vendors - 1;
    changes.push_back({nullptr, Group::min_vendors, "minimum vendors",
                       fmt::format("min vendors {} -> {}", p.policy.min_vendors, q.policy.min_vendors), std::move(q)});
  }
  std::vector<Binding> added;
  for (size_t i = 0; i < changes.size(); ++i) {
    Change& c = changes[i];
    // An even share of what is left; a re-solve with under a second is not run.
    const double left =
        options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double seconds = left / static_cast<double>(changes.size() - i);
    const bool run = seconds >= 1.0;
    const double other = run ? resolve_cost(c.q, rates, options, seconds, start) : kNaN;
    // Relaxing a rule never raises the optimum; a negative difference is the
    // solvers' gap, not a saving.
    const double saving = std::isnan(other) ? kNaN : std::max(0.0, cost - other);
    if (c.target) {
      c.target->resolve_saving = saving;
      c.target->resolve_change = c.change;
      continue;
    }
    Binding b;
    b.group = c.group;
    b.what = c.what;
    b.resolve_saving = saving;
    b.resolve_change = c.change;
    b.message = !run                 ? fmt::format("{}: not re-solved (the time limit was spent)", c.change)
                : std::isnan(saving) ? fmt::format("{}: no plan found in the time given", c.change)
                                     : fmt::format("{} saves {}", c.change, money(saving));
    added.push_back(std::move(b));
  }
  binding.insert(binding.end(), added.begin(), added.end());
}

}  // namespace xpu
