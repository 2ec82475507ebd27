// solve_milp through CBC's own driver (CbcMain0/CbcMain1), which runs the
// preprocessing, cut and heuristic settings of the `cbc` executable; a bare
// CbcModel::branchAndBound does none of that and is far slower (CBC's
// examples/driver3.cpp; coin-or/Cbc issue #179).
#include <fmt/format.h>
#include <CbcCompareDefault.hpp>
#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CbcTree.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

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
// (coin-or/Cbc issue #332, reproduced here). This lock guards that resource,
// so solves in one process run one at a time; `xpuplan serve` solves plans in
// parallel by running each job in its own worker process (server/worker.h).
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
  if (!(o.progress_interval_s > 0) || !std::isfinite(o.progress_interval_s)) {
    out.push_back(
        error_at({.pointer = "/options/progress_interval_s"},
                 fmt::format("progress interval must be a positive number of seconds, got {}", o.progress_interval_s)));
  }
  if (o.best_first_nodes < 0) {
    out.push_back(error_at({.pointer = "/options/best_first_nodes"},
                           fmt::format("best-first nodes must be 0 or more, got {}", o.best_first_nodes)));
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

// The search's state as CBC's event handler last saw it, shared by the
// handler's clones (CBC clones it into every thread's model) and the thread
// that calls MilpOptions::progress. Values are in the model's sense, offset included.
class ProgressState {
 public:
  ProgressState(Sense sense, std::chrono::steady_clock::time_point start) : sense_(sense), start_(start) {}

  // The model of the main search (CbcMain1 hands it to its callback just
  // before branch and bound). Sub-searches inside heuristics get a clone of
  // the handler too; their incumbents and bounds are of another problem.
  void set_main(const void* model) { main_.store(model); }
  bool is_main(const void* model) const { return model != nullptr && model == main_.load(); }

  void observe(double objective, double bound, long nodes) {
    std::lock_guard lock(mutex_);
    const bool min = sense_ == Sense::minimize;
    if (std::isfinite(objective)) {
      objective_ = std::isnan(objective_) ? objective
                   : min                  ? std::min(objective_, objective)
                                          : std::max(objective_, objective);
    }
    if (std::isfinite(bound)) {
      bound_ = std::isnan(bound_) ? bound : min ? std::max(bound_, bound) : std::min(bound_, bound);
    }
    nodes_ = std::max(nodes_, nodes);
  }

  // The state now; elapsed and gap made monotone across calls (CBC's threads
  // each report their own view).
  MilpProgress snapshot(bool done) {
    std::lock_guard lock(mutex_);
    MilpProgress p{.seconds = std::max(last_seconds_, milp_detail::seconds_since(start_)),
                   .objective = objective_,
                   .best_bound = bound_,
                   .nodes = nodes_,
                   .done = done};
    if (!std::isnan(objective_) && !std::isnan(bound_)) {
      const double scale = std::max(std::abs(objective_), std::abs(bound_));
      p.gap = scale == 0 ? 0 : std::max(0.0, (sense_ == Sense::minimize ? 1 : -1) * (objective_ - bound_)) / scale;
    }
    p.gap = std::min(p.gap, last_gap_);
    last_gap_ = p.gap;
    last_seconds_ = p.seconds;
    return p;
  }

 private:
  std::mutex mutex_;
  Sense sense_;
  std::chrono::steady_clock::time_point start_;
  double objective_ = kNaN, bound_ = kNaN;
  long nodes_ = 0;
  double last_seconds_ = 0, last_gap_ = kInfinity;
  std::atomic<const void*> main_{nullptr};
};

// The state CbcMain1's callback reports the main model to; set and read only
// under cbc_driver_mutex() (the callback has no user pointer).
ProgressState* g_driver_progress = nullptr;

// The wall-clock time the search must end by (steady clock), or none; set
// and read only under cbc_driver_mutex(), like g_driver_progress.
std::optional<std::chrono::steady_clock::time_point> g_driver_deadline;

// CbcMain1 calls this at fixed points; 3 is "just before branchAndBound", with the model it searches.
int driver_callback(CbcModel* model, int where_from) {
  if (where_from != 3) return 0;
  if (g_driver_progress != nullptr) g_driver_progress->set_main(model);
  if (g_driver_deadline) {
    // CbcMain1 hands branch and bound the limit less the CPU time of its
    // preprocessing (CbcSolver.cpp, "timeLeft - (CoinCpuTime() - time2)"),
    // and branch and bound starts its clock anew: the initial LP, the MIP
    // start's translation and a loaded machine's waits were not counted,
    // which overran a 120 s limit to 165-198 s. The search gets the time
    // left by the wall clock. (Clp's own wall limit on the root LP was
    // tried too: CBC then lost solutions it finds within the limit.)
    const double left =
        std::max(0.01, std::chrono::duration<double>(*g_driver_deadline - std::chrono::steady_clock::now()).count());
    model->setMaximumSeconds(left);
  }
  return 0;
}

// CBC's values come in its minimisation form with "none" as about 1e50.
double cbc_value(double v) { return std::abs(v) >= 1e49 ? kNaN : v; }

// Calls `progress` every `interval` seconds from its own thread until stopped.
class ProgressTicker {
 public:
  ProgressTicker(std::shared_ptr<ProgressState> state, const std::function<void(const MilpProgress&)>& progress,
                 double interval)
      : state_(std::move(state)), progress_(progress) {
    thread_ = std::thread([this, interval] {
      std::unique_lock lock(mutex_);
      while (!stop_) {
        if (cv_.wait_for(lock, std::chrono::duration<double>(interval), [this] { return stop_; })) break;
        progress_(state_->snapshot(false));
      }
    });
  }
  ProgressTicker(const ProgressTicker&) = delete;
  ProgressTicker& operator=(const ProgressTicker&) = delete;
  ~ProgressTicker() { stop(); }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::shared_ptr<ProgressState> state_;
  const std::function<void(const MilpProgress&)>& progress_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// CBC's default node order (dives for plans; after 10,000 nodes mostly the
// lowest bound first: CbcCompareDefault::every1000Nodes, CBC 2.10), after a
// first phase that takes the open node with the lowest bound first
// (CbcCompareObjective's test). CBC's proven bound is the lowest bound of
// any open node; its dives can leave the lowest nodes open for thousands of
// nodes, where taking them first lifts the bound after a few dozen
// (MilpOptions::best_first_nodes). The order never changes what is proven.
// Measured with one thread only (docs/benchmarks.md, planner14).
class PhasedCompare : public CbcCompareDefault {
 public:
  CbcCompareBase* clone() const override { return new PhasedCompare(*this); }
  bool test(CbcNode* x, CbcNode* y) override {
    if (!best_first_) return CbcCompareDefault::test(x, y);
    if (x->objectiveValue() != y->objectiveValue()) return x->objectiveValue() > y->objectiveValue();
    return equalityTest(x, y);
  }
  bool best_first() const { return best_first_; }
  void end_best_first() { best_first_ = false; }

 private:
  bool best_first_ = true;
};

// Ends PhasedCompare's first phase once `nodes` nodes are done, and re-sorts
// the open nodes for CBC's own order. Reports the main search's state to
// `state` (when given) at each event.
class SearchHandler : public CbcEventHandler {
 public:
  SearchHandler(std::shared_ptr<ProgressState> state, long best_first_nodes)
      : state_(std::move(state)), best_first_nodes_(best_first_nodes) {}
  CbcEventHandler* clone() const override { return new SearchHandler(*this); }
  CbcAction event(CbcEvent e) override {
    if (state_ && state_->is_main(model_) && e != endSearch) {
      // Both in the model's own sense (CbcModel multiplies by the objective sense).
      const bool has = model_->getSolutionCount() > 0 || model_->bestSolution() != nullptr;
      state_->observe(has ? cbc_value(model_->getObjValue()) : kNaN, cbc_value(model_->getBestPossibleObjValue()),
                      model_->getNodeCount());
    }
    if (e == node && best_first_nodes_ > 0 && model_->getNodeCount() >= best_first_nodes_) {
      auto* order = dynamic_cast<PhasedCompare*>(model_->nodeComparison());
      if (order != nullptr && order->best_first() && model_->tree() != nullptr) {
        order->end_best_first();
        model_->tree()->setComparison(*order);
      }
    }
    return noAction;
  }

 private:
  std::shared_ptr<ProgressState> state_;
  long best_first_nodes_;
};

struct CbcOutcome {
  int status = -1;     // CbcModel::status(): 0 finished, 1 stopped, 2 abandoned, 5 event
  int secondary = -1;  // CbcModel::secondaryStatus(): 1 infeasible, 2 gap, 4 time, 7 unbounded, ...
  bool proven_infeasible = false;
  bool continuous_unbounded = false;
  std::vector<double> solution;  // the original columns (offset column included); empty if none
  double bound = kNaN;           // CBC's best possible objective, in the model's sense
  long nodes = 0;
};

// `started`: when solve_milp was called (its time limit counts from then).
CbcOutcome run_cbc(const MilpModel& model, const MilpOptions& options, const std::shared_ptr<ProgressState>& progress,
                   std::chrono::steady_clock::time_point started) {
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
  if (!options.start.empty() && options.start_to_cbc) {
    // By column name: CbcMain1 maps the start onto the preprocessed model
    // through the names (CbcSolver.cpp, "translating mipstart solution").
    std::vector<std::pair<std::string, double>> start;
    for (size_t j = 0; j < model.vars.size(); ++j) {
      if (model.vars[j].integer && !std::isnan(options.start[j])) {
        start.emplace_back(cbc.solver()->getColName(static_cast<int>(j)), options.start[j]);
      }
    }
    cbc.setMIPStart(start);
  }
  if (options.best_first_nodes > 0) {
    PhasedCompare order;
    cbc.setNodeComparison(order);  // CBC keeps a clone
  }
  if (progress || options.best_first_nodes > 0) {
    SearchHandler handler(progress, options.best_first_nodes);
    cbc.passInEventHandler(&handler);  // CBC keeps a clone
  }

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
    // CBC 2.10 given almost no time segfaults, about one run in two, in
    // CglPreProcess::postProcess after its search stops (planner_test's 1 ms
    // solve from a warm start, on some seeds). Within so short a limit
    // preprocessing cannot pay for itself anyway.
    if (options.time_limit_s < 1.0) args.insert(args.end(), {"-preprocess", "off"});
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
    g_driver_progress = progress.get();
    if (std::isfinite(options.time_limit_s)) {
      g_driver_deadline = started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(options.time_limit_s));
    }
    const bool hook = progress || g_driver_deadline;
    CbcMain1(static_cast<int>(argv.size()), argv.data(), cbc, hook ? driver_callback : no_callback, data);
    g_driver_progress = nullptr;
    g_driver_deadline.reset();
  }
  out.status = cbc.status();
  out.secondary = cbc.secondaryStatus();
  out.proven_infeasible = cbc.isProvenInfeasible();
  out.continuous_unbounded = cbc.isContinuousUnbounded();
  out.nodes = cbc.getNodeCount();
  if (const double* best = cbc.bestSolution(); best != nullptr && cbc.getNumCols() == a.cols) {
    out.solution.assign(best, best + a.cols);
  }
  // CBC writes "no bound" as +-COIN_DBL_MAX, or +-1e50 for objectives.
  const double bound = cbc.getBestPossibleObjValue();
  out.bound = std::abs(bound) >= 1e50 ? std::copysign(kInfinity, bound) : bound;
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

  if (!options.start.empty() && options.start.size() != model.vars.size()) {
    return done({.status = MilpStatus::error,
                 .message = fmt::format("/options/start: a start has one value per variable ({}), got {}",
                                        model.vars.size(), options.start.size())});
  }
  // The start, when it satisfies the model: the fallback if CBC ends worse.
  double start_objective = kNaN;
  if (!options.start.empty() &&
      std::none_of(options.start.begin(), options.start.end(), [](double x) { return std::isnan(x); }) &&
      violations(model, options.start, 1e-6, 1).empty()) {
    start_objective = evaluate_objective(model, options.start);
  }
  std::shared_ptr<ProgressState> progress;
  std::unique_ptr<ProgressTicker> ticker;
  if (options.progress) {
    progress = std::make_shared<ProgressState>(model.sense, start);
    if (!std::isnan(start_objective)) progress->observe(start_objective, kNaN, 0);
    ticker = std::make_unique<ProgressTicker>(progress, options.progress, options.progress_interval_s);
  }
  auto finish = [&](MilpResult r) {
    r.start_objective = start_objective;
    if (ticker) {
      ticker->stop();
      // The last call states the result itself (CBC's own view during the
      // search can differ from it by tolerances); its gap stays clamped.
      MilpProgress last = progress->snapshot(true);
      last.objective = r.objective;
      last.best_bound = r.best_bound;
      last.nodes = std::max(last.nodes, r.nodes);
      last.gap = std::min(last.gap, r.gap);
      options.progress(last);
    }
    return done(std::move(r));
  };
  CbcOutcome cbc = run_cbc(model, options, progress, start);
  // CBC reports a root LP that its clock cut short as infeasible (secondary
  // status 1; seen on the 500x100x24 bench, whose executable model the warm
  // start proves feasible): once the limit is spent, "no solution" is only that.
  const bool clock_ran_out =
      std::isfinite(options.time_limit_s) && milp_detail::seconds_since(start) >= 0.99 * options.time_limit_s;
  if (cbc.solution.size() > model.vars.size()) cbc.solution.resize(model.vars.size());  // the offset column
  if (!std::isnan(start_objective)) {
    // CBC may drop a start (its LP over the continuous columns failed after
    // preprocessing) or end on a worse incumbent: the start stands then.
    const double tol = 1e-9 * std::max(1.0, std::abs(start_objective));
    const double sign = model.sense == Sense::minimize ? 1.0 : -1.0;
    if (cbc.solution.empty() || sign * (evaluate_objective(model, cbc.solution) - start_objective) > tol) {
      cbc.solution = options.start;
    }
  }
  MilpResult r{.nodes = cbc.nodes};
  if (cbc.solution.empty()) {
    if (cbc.continuous_unbounded || cbc.secondary == 7) {
      r.status = MilpStatus::unbounded;
      r.message = "unbounded: the objective improves without limit (the continuous relaxation is unbounded)";
    } else if (cbc.secondary == 1 && !clock_ran_out) {
      r.status = MilpStatus::infeasible;
      r.message = "infeasible: no point satisfies every row, bound and integrality requirement";
    } else if (cbc.secondary == 4 || clock_ran_out || (cbc.status == 1 && !cbc.proven_infeasible)) {
      // Stopped by the clock: no solution yet is not a proof that none exists.
      r.status = MilpStatus::time_limit;
      r.message = fmt::format("time limit of {} s reached before any solution was found", options.time_limit_s);
      if (cbc.secondary == 1) r.message += " (CBC stopped in the root relaxation; infeasibility is not proven)";
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
    return finish(std::move(r));
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
  return finish(std::move(r));
}

}  // namespace xpu
