// Infeasible is an answer: which constraint groups conflict. Each relaxable
// group present in the model is relaxed alone (its rows get penalised
// elastic slack, or are dropped for single-vendor runs) and the model
// re-solved; a relaxation that gives a plan "restores" feasibility, and the
// checker's violations of that plan say which rows of the group it had to
// break and by how much (the penalties make it break them as little as it
// can). When no single group restores a plan, pairs are tried.
#include <fmt/format.h>

#include <algorithm>

#include "milp/solve.h"
#include "planner/planner.h"

namespace xpu {
namespace {

Relaxation try_relax(const Portfolio& p, const RateTable& rates, const PlanOptions& options,
                     std::vector<Group> groups) {
  Relaxation out;
  out.groups = groups;
  FormulationOptions fo;
  fo.relax = std::move(groups);
  fo.fluid = options.fluid;
  const Formulation f = formulate(p, rates, fo);
  MilpOptions mo;
  mo.time_limit_s = std::min(30.0, std::max(2.0, options.time_limit_s / 8));
  mo.relative_gap = std::max(options.relative_gap, 1e-3);
  mo.threads = options.threads;
  const MilpResult r = solve_milp(f.model, mo);
  if (!r.has_solution()) return out;
  out.restores = true;
  const Plan plan = decode(p, f, r.values);
  out.cost = plan.claimed_cost.si();
  out.violations = check_plan(p, rates, plan, options.check).violations;
  return out;
}

// The groups that have rows in the unrelaxed model (relaxing the others changes nothing).
std::vector<Group> present_groups(const Portfolio& p, const RateTable& rates, bool fluid) {
  const Formulation f = formulate(p, rates, {.fluid = fluid});
  std::vector<Group> out;
  for (Group g : relaxable_groups()) {
    if (std::any_of(f.rows.begin(), f.rows.end(), [&](const RowInfo& r) { return r.group == g; })) out.push_back(g);
  }
  return out;
}

std::string names(const std::vector<Group>& gs, const char* sep) {
  std::string s;
  for (Group g : gs) s += (s.empty() ? "" : sep) + std::string(to_string(g));
  return s;
}

}  // namespace

namespace {

// Workloads that no offered accelerator can run (too big, SLOs out of reach): why, per accelerator.
std::string unrunnable(const Portfolio& p, const RateTable& rates) {
  std::string out;
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    std::string why;
    bool any = false;
    for (const AcceleratorRate& r : rates.workloads[w].by_accelerator) {
      if (r.usable) {
        any = true;
        break;
      }
      if (r.reason != "no offer in the portfolio") why += (why.empty() ? "" : "; ") + r.accelerator + ": " + r.reason;
    }
    if (!any) {
      out += fmt::format("{}workload '{}' can run on none of its offered accelerators ({})", out.empty() ? "" : "; ",
                         p.workloads[w].name, why.empty() ? "none offered" : why);
    }
  }
  return out;
}

}  // namespace

namespace {

// One rule group of `p` in words, naming what it is about.
std::string group_words(const Portfolio& p, Group g) {
  const Policy& pol = p.policy;
  switch (g) {
    case Group::single_vendor: {
      std::string runs;
      for (const Workload& w : p.workloads) {
        if (w.kind == Mode::train && !w.train.may_move) runs += (runs.empty() ? "'" : ", '") + w.name + "'";
      }
      return fmt::format("run {} may not move", runs.empty() ? "(none)" : runs);
    }
    case Group::min_vendors:
      return fmt::format("the minimum is {} vendors with {:.0f}% each", pol.min_vendors, 100 * pol.min_vendor_share);
    case Group::vendor_share:
      return fmt::format("no vendor may carry more than {:.0f}%", 100 * pol.max_vendor_share);
    case Group::provider_share:
      return fmt::format("no provider may carry more than {:.0f}%", 100 * pol.max_provider_share);
    case Group::budget:
      return fmt::format("the budget is ${:.0f}", pol.budget ? pol.budget->si() : 0.0);
    case Group::deadlines:
      return "the runs' deadlines";
    case Group::demand:
      return "the services' demand";
    case Group::capacity:
      return "the offers' capacity";
    case Group::power:
      return "the sites' power budgets";
    case Group::robustness:
      return "the robustness rule";
    default:
      return std::string(to_string(g));
  }
}

}  // namespace

Diagnosis diagnose(const Portfolio& p, const RateTable& rates, const PlanOptions& options) {
  Diagnosis d;
  if (const std::string u = unrunnable(p, rates); !u.empty()) {
    d.summary = u;
    return d;
  }
  const std::vector<Group> groups = present_groups(p, rates, options.fluid);
  std::vector<Group> restoring;
  for (Group g : groups) {
    d.tried.push_back(try_relax(p, rates, options, {g}));
    if (d.tried.back().restores) restoring.push_back(g);
  }
  // Deletion filter over the groups: a small set that conflicts on its own.
  std::vector<Group> dropped;
  for (Group g : groups) {
    std::vector<Group> trial = dropped;
    trial.push_back(g);
    const bool single = dropped.empty();
    const bool restores = single ? std::find(restoring.begin(), restoring.end(), g) != restoring.end()
                                 : try_relax(p, rates, options, trial).restores;
    if (restores) {
      d.conflict.push_back(g);
    } else {
      dropped.push_back(g);
    }
  }
  for (size_t i = 0; i < d.conflict.size(); ++i) {
    d.conflict_words += (i == 0 ? "" : i + 1 == d.conflict.size() ? ", and " : ", ") + group_words(p, d.conflict[i]);
  }
  if (!restoring.empty()) {
    const Relaxation* cheapest = nullptr;
    for (const Relaxation& x : d.tried) {
      if (x.restores && (!cheapest || x.cost < cheapest->cost)) cheapest = &x;
    }
    d.summary = fmt::format(
        "{} conflict; the cheapest relaxation is {} (a plan at ${:.0f}){}",
        d.conflict_words.empty() ? "the rules" : d.conflict_words, names(cheapest->groups, " + "), cheapest->cost,
        restoring.size() > 1 ? fmt::format("; relaxing any one of {} restores a plan", names(restoring, ", "))
                             : std::string());
    return d;
  }
  std::vector<std::string> pairs;
  for (size_t i = 0; i < groups.size(); ++i) {
    for (size_t j = i + 1; j < groups.size(); ++j) {
      d.tried.push_back(try_relax(p, rates, options, {groups[i], groups[j]}));
      if (d.tried.back().restores) pairs.push_back(names({groups[i], groups[j]}, " + "));
    }
  }
  if (pairs.empty()) {
    d.summary = "no single group or pair of groups restores a plan: a workload may have no accelerator it can use";
    if (!d.conflict_words.empty()) d.summary = d.conflict_words + " conflict; " + d.summary;
  } else {
    std::string list;
    for (const auto& s : pairs) list += (list.empty() ? "" : "; ") + s;
    d.summary = fmt::format("no single group restores a plan; these pairs do: {}", list);
  }
  return d;
}

}  // namespace xpu
