#include "planner/bound.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "milp/solve.h"

namespace xpu {
namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The multiplier a row may carry: >= 0 for a row whose lower bound it
// prices, <= 0 for an upper bound; 0 where that bound is infinite.
double usable(const Constraint& c, double y) {
  if (y > 0 && std::isfinite(c.lower)) return y;
  if (y < 0 && std::isfinite(c.upper)) return y;
  return 0;
}

// The largest value variable j can take at any feasible point, from one row
// whose upper bound and other variables' bounds imply it (balance: used <=
// the chips provisioned, each at most its capacity); +inf when none does.
double implied_upper(const MilpModel& model, const std::vector<std::vector<std::pair<int, double>>>& col, int j) {
  double best = model.vars[j].upper;
  for (auto [r, a] : col[j]) {
    const Constraint& c = model.rows[r];
    if (!(a > 0) || !std::isfinite(c.upper)) continue;
    double rest = 0;  // the least the other terms can sum to
    bool finite = true;
    for (auto [k, b] : c.terms) {
      if (k == j) continue;
      const Variable& v = model.vars[k];
      const double least = b > 0 ? b * v.lower : b * v.upper;
      if (!std::isfinite(least)) {
        finite = false;
        break;
      }
      rest += least;
    }
    if (finite) best = std::min(best, (c.upper - rest) / a);
  }
  return best;
}

}  // namespace

LagrangianValue lagrangian_value(const MilpModel& model, const std::vector<int>& row_block,
                                 const std::vector<int>& var_block, const std::vector<double>& y, double time_limit_s,
                                 bool exact) {
  const auto t0 = std::chrono::steady_clock::now();
  LagrangianValue out;
  const size_t n = model.vars.size();
  std::vector<double> rc(n);
  for (size_t j = 0; j < n; ++j) rc[j] = model.vars[j].objective;
  double value = model.objective_offset;
  std::vector<std::vector<std::pair<int, double>>> col(n);
  int blocks = 0;
  for (size_t r = 0; r < model.rows.size(); ++r) {
    const Constraint& c = model.rows[r];
    for (auto [j, a] : c.terms) col[j].emplace_back(int(r), a);
    if (row_block[r] >= 0) {
      blocks = std::max(blocks, row_block[r] + 1);
      continue;
    }
    const double u = usable(c, y[r]);
    if (u == 0) continue;
    value += u * (u > 0 ? c.lower : c.upper);
    for (auto [j, a] : c.terms) rc[j] -= u * a;
  }
  for (int b : var_block) blocks = std::max(blocks, b + 1);
  // Variables outside every block: each at the bound its reduced cost favours.
  for (size_t j = 0; j < n; ++j) {
    if (var_block[j] >= 0 || rc[j] == 0) continue;
    const Variable& v = model.vars[j];
    const double at = rc[j] > 0 ? v.lower : std::min(v.upper, implied_upper(model, col, int(j)));
    if (!std::isfinite(at)) {
      out.value = -kInfinity;
      out.message = fmt::format("variable '{}' is unbounded at its price", v.name);
      out.seconds = since(t0);
      return out;
    }
    value += rc[j] * at;
  }
  // Each block: the exact minimum of its integer program at the reduced costs.
  std::vector<std::vector<int>> vars_of(blocks), rows_of(blocks);
  for (size_t j = 0; j < n; ++j) {
    if (var_block[j] >= 0) vars_of[var_block[j]].push_back(int(j));
  }
  for (size_t r = 0; r < model.rows.size(); ++r) {
    if (row_block[r] >= 0) rows_of[row_block[r]].push_back(int(r));
  }
  std::vector<int> local(n, -1);
  for (int b = 0; b < blocks; ++b) {
    if (vars_of[b].empty()) continue;
    MilpModel sub;
    for (int j : vars_of[b]) {
      local[j] = static_cast<int>(sub.vars.size());
      Variable v = model.vars[j];
      v.objective = rc[j];
      sub.vars.push_back(std::move(v));
    }
    for (int r : rows_of[b]) {
      Constraint c = model.rows[r];
      for (auto& t : c.terms) t.first = local[t.first];
      sub.rows.push_back(std::move(c));
    }
    const double left = time_limit_s - since(t0);
    if (!(left > 0)) {
      out.message = "out of time";
      out.seconds = since(t0);
      return out;
    }
    double least = kNaN;
    std::string why;
    if (!exact) {
      // The block's LP relaxation: a weaker but valid bound on its minimum, faster.
      const LpResult lp = solve_lp(sub, {.time_limit_s = left});
      if (lp.status == LpStatus::optimal) least = lp.objective;
      if (lp.status == LpStatus::infeasible) least = kInfinity;
      why = lp.message;
    } else {
      const MilpResult r = solve_milp(sub, {.time_limit_s = left, .relative_gap = 0});
      if (r.status == MilpStatus::infeasible) {
        least = kInfinity;
      } else if (std::isfinite(r.best_bound)) {
        least = r.has_solution() ? std::min(r.best_bound, r.objective) : r.best_bound;
      } else if (r.status == MilpStatus::optimal) {
        least = r.objective;
      }
      why = r.message;
    }
    if (std::isnan(least)) {
      out.message = fmt::format("block {} not solved: {}", b, why);
      out.seconds = since(t0);
      return out;
    }
    value += least;
    for (int j : vars_of[b]) local[j] = -1;
  }
  out.value = value;
  out.blocks = blocks;
  out.seconds = since(t0);
  return out;
}

PlanBound decomposition_bound(const Portfolio& p, const Formulation& f, const std::vector<double>& lp_duals,
                              double time_limit_s, const BoundOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  PlanBound out;
  const MilpModel& model = f.model;
  if (f.fluid || p.policy.objective != Objective::cost || !f.slack.empty()) {
    out.message = "only for the executable model's cost objective with nothing relaxed";
    return out;
  }
  const int H = p.horizon.months;
  // Blocks: a row about one workload takes its variables into that
  // workload's block; a variable claimed by two workloads stays outside,
  // and then so do the rows that hold it.
  const size_t n = model.vars.size();
  std::vector<int> var_block(n, -1);
  std::vector<bool> shared(n, false);
  for (size_t r = 0; r < model.rows.size(); ++r) {
    const int w = f.rows[r].workload;
    if (w < 0) continue;
    for (auto [j, a] : model.rows[r].terms) {
      if (var_block[j] >= 0 && var_block[j] != w) shared[j] = true;
      var_block[j] = w;
    }
  }
  for (size_t j = 0; j < n; ++j) {
    if (shared[j]) var_block[j] = -1;
  }
  std::vector<int> row_block(model.rows.size(), -1);
  for (size_t r = 0; r < model.rows.size(); ++r) {
    const int w = f.rows[r].workload;
    if (w < 0) continue;
    const auto& t = model.rows[r].terms;
    if (std::all_of(t.begin(), t.end(), [&](const auto& jt) { return var_block[jt.first] == w; })) row_block[r] = w;
  }

  // The cheapest prices: per balance row (pool p, month m: used - provisioned
  // <= 0), the least $ per chip of any offer provisioning there, from its
  // hourly price; the row carrying `used` into the usage sums prices it too.
  std::vector<int> offer_of(n, -1);
  for (size_t o = 0; o < p.offers.size(); ++o) {
    for (int m = 0; m < H; ++m) {
      for (int v : {f.rent[o * H + m], f.buy[o * H + m]}) {
        if (v >= 0) offer_of[v] = int(o);
      }
    }
  }
  std::vector<std::vector<int>> rows_of_var(n);
  for (size_t r = 0; r < model.rows.size(); ++r) {
    for (auto [j, a] : model.rows[r].terms) rows_of_var[j].push_back(int(r));
  }
  std::vector<double> y(model.rows.size(), 0.0);
  for (size_t r = 0; r < model.rows.size(); ++r) {
    if (f.rows[r].group != Group::balance) continue;
    const int m = f.rows[r].month;
    int used = -1;
    double floor = kInfinity;
    for (auto [j, a] : model.rows[r].terms) {
      if (a > 0) {
        used = j;
      } else if (offer_of[j] >= 0) {
        const PlanOffer& po = p.offers[offer_of[j]];
        floor = std::min(floor, per_hour(po.offer.price) * p.horizon.hours(m) / std::max(1, po.offer.chips));
      }
    }
    if (used < 0 || !std::isfinite(floor)) continue;
    y[r] = -floor;
    // The usage row: sum of the workloads' chips - used = 0.
    for (int u : rows_of_var[used]) {
      if (f.rows[u].group != Group::other || f.rows[u].workload >= 0) continue;
      const auto& t = model.rows[u].terms;
      const bool defines =
          model.rows[u].lower == model.rows[u].upper &&
          std::any_of(t.begin(), t.end(), [&](const auto& jt) { return jt.first == used && jt.second < 0; });
      if (defines) y[u] = -floor;
    }
  }
  if (options.cheapest_prices) {
    const LagrangianValue cheap = lagrangian_value(model, row_block, var_block, y, time_limit_s, options.exact_blocks);
    out.cheapest_prices = cheap.value;
    out.message = cheap.message;
  }
  if (!lp_duals.empty() && lp_duals.size() == model.rows.size()) {
    const LagrangianValue dual =
        lagrangian_value(model, row_block, var_block, lp_duals, time_limit_s - since(t0), options.exact_blocks);
    out.lp_duals = dual.value;
    if (!dual.message.empty()) out.message += (out.message.empty() ? "" : "; ") + dual.message;
  }
  const std::string duals_source = "decomposition, " + options.duals_name;
  for (auto [v, name] : {std::pair{out.cheapest_prices, std::string("decomposition, cheapest prices")},
                         std::pair{out.lp_duals, duals_source}}) {
    if (std::isfinite(v) && !(v <= out.value)) {
      out.value = v;
      out.source = name;
    }
  }
  out.seconds = since(t0);
  return out;
}

bool is_truncation(const MilpModel& relaxed, const MilpModel& full) {
  if (relaxed.sense != full.sense || relaxed.objective_offset != full.objective_offset ||
      relaxed.vars.size() > full.vars.size() || relaxed.rows.size() > full.rows.size()) {
    return false;
  }
  const size_t n = relaxed.vars.size();
  for (size_t j = 0; j < n; ++j) {
    if (!(relaxed.vars[j] == full.vars[j])) return false;
  }
  for (size_t j = n; j < full.vars.size(); ++j) {
    if (full.vars[j].objective != 0) return false;
  }
  for (size_t r = 0; r < relaxed.rows.size(); ++r) {
    if (!(relaxed.rows[r] == full.rows[r])) return false;
    // Equal rows over the first n variables (a valid `relaxed` has no other index).
    for (auto [j, a] : relaxed.rows[r].terms) {
      if (j < 0 || static_cast<size_t>(j) >= n) return false;
    }
  }
  return true;
}

// The nodes of the relaxed model's search taken lowest bound first
// (MilpOptions::best_first_nodes).
constexpr long kRelaxedBestFirstNodes = 200;

RelaxedBound robustness_relaxed_bound(const Portfolio& p, const RateTable& rates, const Formulation& f,
                                      const MilpOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  RelaxedBound out;
  if (f.fluid || p.policy.objective != Objective::cost || !f.slack.empty() || !p.policy.robustness) {
    out.message = "only for the cost objective with a robustness policy and nothing relaxed";
    return out;
  }
  // The same options as `f` except the scenarios (the big-M bounds read the
  // policy, not this flag, so they are the same; is_truncation checks it all).
  const Formulation r = formulate(p, rates, {.robustness = false});
  if (!is_truncation(r.model, f.model)) {
    out.message = "the model without the robustness scenarios is not the full model cut short";
    out.seconds = since(t0);
    return out;
  }
  const size_t n = r.model.vars.size();
  MilpOptions o = options;
  o.progress = {};
  // Its first nodes by the lowest bound, then CBC's dives for plans: with
  // CBC's order throughout, the example's bound stayed at its root's
  // ($39.16M) for 11,000 nodes (about 40 s) while the dives left the lowest
  // nodes open; taken first, it rose to $39.90M within 60 nodes
  // (docs/benchmarks.md, planner14).
  o.best_first_nodes = kRelaxedBestFirstNodes;
  if (o.start.size() == f.model.vars.size()) {
    o.start.resize(n);
  } else {
    o.start.clear();
  }
  const MilpResult res = solve_milp(r.model, o);
  out.nodes = res.nodes;
  out.message = res.message;
  // Infeasible: the full model is too, and the search will say so; no bound here.
  if (res.status != MilpStatus::infeasible && std::isfinite(res.best_bound)) out.value = res.best_bound;
  if (res.has_solution()) {
    out.values.assign(f.model.vars.size(), kNaN);
    std::copy(res.values.begin(), res.values.end(), out.values.begin());
    out.objective = res.objective;
  }
  out.seconds = since(t0);
  return out;
}

}  // namespace xpu
