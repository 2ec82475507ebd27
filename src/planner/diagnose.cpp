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
  if (!restoring.empty()) {
    d.summary = restoring.size() == 1
                    ? fmt::format("relaxing {} restores a plan; no other single group does", names(restoring, ""))
                    : fmt::format("relaxing any one of {} restores a plan", names(restoring, ", "));
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
  } else {
    std::string list;
    for (const auto& s : pairs) list += (list.empty() ? "" : "; ") + s;
    d.summary = fmt::format("no single group restores a plan; these pairs do: {}", list);
  }
  return d;
}

}  // namespace xpu
