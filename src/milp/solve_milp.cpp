// solve_milp through CBC's own driver (CbcMain0/CbcMain1), which runs the
// preprocessing, cut and heuristic settings of the `cbc` executable; a bare
// CbcModel::branchAndBound does none of that and is far slower (CBC's
// examples/driver3.cpp; coin-or/Cbc issue #179).
#include <fmt/format.h>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "milp/detail.h"
#include "milp/solve.h"

namespace xpu {

std::string_view to_string(MilpStatus s) {
  switch (s) {
    case MilpStatus::optimal:
      return "optimal";
    case MilpStatus::feasible:
      return "feasible";
    case MilpStatus::infeasible:
      return "infeasible";
    case MilpStatus::unbounded:
      return "unbounded";
    case MilpStatus::time_limit:
      return "time_limit";
    case MilpStatus::error:
      return "error";
  }
  return "?";
}

namespace {

// CbcMain1 parses its arguments through process-wide state (CbcOrClpRead_mode
// and friends in CbcOrClpParam.cpp) unless CBC was built with CBC_THREAD_SAFE,
// which Debian's is not: two concurrent calls misread each other's options
// (coin-or/Cbc issue #332, reproduced here). This lock guards that resource.
std::mutex& cbc_driver_mutex() {
  static std::mutex m;
  return m;
}

// Below this the search counts as closed: CBC's own gap test is
// "gap <= max(allowableGap 1e-10, ratioGap * max(|obj|, |bound|))".
constexpr double kClosedGap = 1e-9;

Diagnostics validate_options(const MilpOptions& o) {
  Diagnostics out;
  milp_detail::check_time_limit(o.time_limit_s, out);
  if (std::isnan(o.relative_gap) || o.relative_gap < 0) {
    out.push_back(error_at({.pointer = "/options/relative_gap"},
                           fmt::format("relative gap must be a non-negative fraction, got {}", o.relative_gap)));
  }
  if (o.threads < 1) {
    out.push_back(
        error_at({.pointer = "/options/threads"},
                 fmt::format("threads must be at least 1 (the caller resolves 'all cores'), got {}", o.threads)));
  }
  return out;
}

double relative_gap(double objective, double bound) {
  if (!std::isfinite(bound)) return kInfinity;
  const double scale = std::max(std::abs(objective), std::abs(bound));
  return scale == 0 ? 0 : std::abs(objective - bound) / scale;
}

// A model with no variables: every row's activity is 0.
MilpResult solve_empty(const MilpModel& model) {
  for (const Constraint& r : model.rows) {
    if (r.lower > 0 || r.upper < 0) {
      return {.status = MilpStatus::infeasible,
              .message = fmt::format("infeasible: row '{}' needs an activity in [{}, {}] but has no variables", r.name,
                                     r.lower, r.upper)};
    }
  }
  return {.status = MilpStatus::optimal,
          .objective = model.objective_offset,
          .best_bound = model.objective_offset,
          .gap = 0,
          .message = "optimal: the model has no variables"};
}

// CbcMain1 calls its callback unchecked on some paths (an LP without
// integers, for one), so it gets one that does nothing rather than null.
int no_callback(CbcModel* /*model*/, int /*where_from*/) { return 0; }

// CBC's seeds are ints where 0 means "seed from the clock"; map ours to [1, INT_MAX).
int cbc_seed(uint64_t seed) { return static_cast<int>(seed % 2147483646u) + 1; }

struct CbcOutcome {
  int status = -1;     // CbcModel::status(): 0 finished, 1 stopped, 2 abandoned, 5 event
  int secondary = -1;  // CbcModel::secondaryStatus(): 1 infeasible, 2 gap, 4 time, 7 unbounded, ...
  bool proven_infeasible = false;
  bool continuous_unbounded = false;
  std::vector<double> solution;  // the original columns (offset column included); empty if none
  double bound = kNaN;           // CBC's best possible objective, in the model's sense
  long nodes = 0;
};

CbcOutcome run_cbc(const MilpModel& model, const MilpOptions& options) {
  const bool offset_column = model.objective_offset != 0;
  const milp_detail::CoinArrays a = milp_detail::to_coin_arrays(model, offset_column);

  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(options.log ? 1 : 0);
  solver.loadProblem(a.cols, a.rows, a.starts.data(), a.index.data(), a.value.data(), a.col_lower.data(),
                     a.col_upper.data(), a.objective.data(), a.row_lower.data(), a.row_upper.data());
  solver.setObjSense(model.sense == Sense::maximize ? -1.0 : 1.0);
  for (size_t j = 0; j < model.vars.size(); ++j) {
    if (model.vars[j].integer) solver.setInteger(static_cast<int>(j));
  }

  CbcModel cbc(solver);
  cbc.messageHandler()->setLogLevel(options.log ? 1 : 0);

  // The driver's options, as the cbc executable would read them.
  const int threads = options.threads == 1 ? 0 : options.threads;
  std::vector<std::string> args = {"xpuplan",
                                   "-log",
                                   options.log ? "1" : "0",
                                   "-ratioGap",
                                   fmt::format("{}", options.relative_gap),
                                   "-randomCbcSeed",
                                   fmt::format("{}", cbc_seed(options.seed)),
                                   "-randomSeed",
                                   fmt::format("{}", cbc_seed(options.seed)),
                                   "-timeMode",
                                   "elapsed"};
  if (std::isfinite(options.time_limit_s)) {
    args.insert(args.end(), {"-seconds", fmt::format("{}", options.time_limit_s)});
  }
  // 100 + n: n threads in CBC's deterministic mode (CbcOrClpParam.cpp, "threads").
  if (threads > 1) args.insert(args.end(), {"-threads", fmt::format("{}", 100 + threads)});
  args.insert(args.end(), {"-solve", "-quit"});
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& s : args) argv.push_back(s.c_str());

  CbcOutcome out;
  {
    std::lock_guard lock(cbc_driver_mutex());
    CbcSolverUsefulData data;
    data.noPrinting_ = !options.log;
    data.useSignalHandler_ = false;  // a library must not take over SIGINT
    CbcMain0(cbc, data);
    CbcMain1(static_cast<int>(argv.size()), argv.data(), cbc, no_callback, data);
  }
  out.status = cbc.status();
  out.secondary = cbc.secondaryStatus();
  out.proven_infeasible = cbc.isProvenInfeasible();
  out.continuous_unbounded = cbc.isContinuousUnbounded();
  out.nodes = cbc.getNodeCount();
  if (const double* best = cbc.bestSolution(); best != nullptr && cbc.getNumCols() == a.cols) {
    out.solution.assign(best, best + a.cols);
    // CBC writes "no bound" as +-COIN_DBL_MAX, or +-1e50 for objectives.
    const double bound = cbc.getBestPossibleObjValue();
    out.bound = std::abs(bound) >= 1e50 ? std::copysign(kInfinity, bound) : bound;
  }
  return out;
}

}  // namespace

MilpResult solve_milp(const MilpModel& model, const MilpOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto done = [&](MilpResult r) {
    r.seconds = milp_detail::seconds_since(start);
    return r;
  };
  Diagnostics problems = validate(model);
  for (Diagnostic& d : validate_options(options)) problems.push_back(std::move(d));
  if (has_errors(problems)) {
    return done({.status = MilpStatus::error, .message = milp_detail::summarize_errors(problems)});
  }
  if (model.vars.empty()) return done(solve_empty(model));

  const CbcOutcome cbc = run_cbc(model, options);
  MilpResult r{.nodes = cbc.nodes};
  if (cbc.solution.empty()) {
    if (cbc.continuous_unbounded || cbc.secondary == 7) {
      r.status = MilpStatus::unbounded;
      r.message = "unbounded: the objective improves without limit (the continuous relaxation is unbounded)";
    } else if (cbc.secondary == 1) {
      r.status = MilpStatus::infeasible;
      r.message = "infeasible: no point satisfies every row, bound and integrality requirement";
    } else if (cbc.secondary == 4 || (cbc.status == 1 && !cbc.proven_infeasible)) {
      // Stopped by the clock: no solution yet is not a proof that none exists.
      r.status = MilpStatus::time_limit;
      r.message = fmt::format("time limit of {} s reached before any solution was found", options.time_limit_s);
    } else if (cbc.proven_infeasible && cbc.status == 0) {
      // Only a finished search proves infeasibility (CBC can flag a root LP cut
      // short by its time limit as infeasible).
      r.status = MilpStatus::infeasible;
      r.message = "infeasible: no point satisfies every row, bound and integrality requirement";
    } else {
      r.status = MilpStatus::error;
      r.message =
          fmt::format("CBC stopped without a solution (status {}, secondary status {})", cbc.status, cbc.secondary);
    }
    return done(std::move(r));
  }

  // Integers exactly integral, continuous values inside their bounds, no -0.
  r.values.assign(cbc.solution.begin(), cbc.solution.begin() + static_cast<long>(model.vars.size()));
  for (size_t j = 0; j < r.values.size(); ++j) {
    const Variable& v = model.vars[j];
    const double x = v.integer ? std::round(r.values[j]) : std::clamp(r.values[j], v.lower, v.upper);
    r.values[j] = x + 0.0;
  }
  r.objective = evaluate_objective(model, r.values);
  r.max_violation = max_violation(model, r.values);
  // CBC's bound can sit a rounding error on the wrong side of the objective.
  r.best_bound = model.sense == Sense::minimize ? std::min(cbc.bound, r.objective) : std::max(cbc.bound, r.objective);
  r.gap = relative_gap(r.objective, r.best_bound);

  if (cbc.status == 0 && (cbc.secondary == 0 || r.gap <= kClosedGap)) {
    // A completed search proves the incumbent optimal even where CBC pruned
    // nodes by its cutoff increment and left a looser bound behind.
    r.status = MilpStatus::optimal;
    r.best_bound = r.objective;
    r.gap = 0;
    r.message = fmt::format("optimal after {} nodes", r.nodes);
  } else {
    r.status = MilpStatus::feasible;
    if (cbc.secondary == 2) {
      r.message = fmt::format("stopped within the relative gap: {:.3g}% (limit {:.3g}%)", 100 * r.gap,
                              100 * options.relative_gap);
    } else if (cbc.secondary == 4) {
      r.message =
          fmt::format("time limit of {} s reached with a solution; gap {:.3g}%", options.time_limit_s, 100 * r.gap);
    } else {
      r.message = fmt::format("stopped with a solution (CBC status {}, secondary status {}); gap {:.3g}%", cbc.status,
                              cbc.secondary, 100 * r.gap);
    }
  }
  if (const auto bad = violations(model, r.values, 1e-6, 3); !bad.empty()) {
    r.message += fmt::format("; solver tolerances left violations, e.g. {}", bad.front());
  }
  return done(std::move(r));
}

}  // namespace xpu
