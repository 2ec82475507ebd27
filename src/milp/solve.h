// Solving a MilpModel with COIN-OR CBC (branch and cut) or its LP relaxation
// with Clp (for duals). This is the only code in xpuplan that sees the solver.
//
// Expected outcomes (infeasible, unbounded, out of time, a bad model) come
// back as a status with a message; nothing here throws for them or exits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "milp/model.h"

namespace xpu {

// What the search knows at one moment, for a progress display.
struct MilpProgress {
  double seconds = 0;        // since solve_milp was called; never decreases between calls
  double objective = kNaN;   // the incumbent's objective, offset included; NaN before the first
  double best_bound = kNaN;  // the proven bound; NaN before the root LP
  double gap = kInfinity;    // relative, as MilpResult::gap; never increases between calls
  long nodes = 0;            // branch-and-bound nodes so far
  bool done = false;         // the last call, once the search has stopped
};

struct MilpOptions {
  double time_limit_s = kInfinity;  // wall clock, including CBC's preprocessing
  // Stop once |objective - best_bound| <= relative_gap * max(|objective|, |best_bound|)
  // (CBC's ratioGap; the bound and objective include objective_offset). 0 = prove optimality.
  double relative_gap = 0.0;
  // CBC search threads, at least 1 (the caller resolves "all cores"). With
  // more than one, CBC's deterministic parallel mode is used, so the result
  // still does not depend on timing.
  int threads = 1;
  bool log = false;         // CBC's progress log on stdout (debugging only)
  uint64_t seed = 1234567;  // seeds CBC's heuristics and Clp's tie-breaking
  // A start solution (CBC's MIP start), one value per variable, or empty.
  // After CBC's preprocessing its integer values are fixed and an LP finds
  // the continuous ones; integers given as NaN are left to CBC, which
  // completes them with a small branch and bound (and, if the fixed values
  // admit no point, retries with only the non-zero ones fixed). When that
  // gives a feasible point the search starts with it as the incumbent. If
  // CBC ends without a solution as good as a complete `start` (no NaN) that
  // satisfies the model (1e-6), that start is returned, so a solve with a
  // feasible start never returns a worse plan than the start.
  std::vector<double> start;
  // False: `start` is not handed to CBC, only kept as the fallback above (a
  // complete feasible start is still returned when CBC ends worse or
  // without a solution). CBC with an incumbent skips heuristics that find
  // better plans on its own (the feasibility pump runs only without one):
  // a poor start can pin the search to itself.
  bool start_to_cbc = true;
  // The first this many branch-and-bound nodes take the open node with the
  // lowest bound first, then CBC's default order (depth-first dives for
  // plans). CBC's proven bound is the lowest bound of any open node, and its
  // dives can leave one low node open for thousands of nodes; a bound that is
  // the point of the solve rises sooner this way (docs/benchmarks.md,
  // planner14). 0: CBC's order throughout.
  long best_first_nodes = 0;
  // Called with the search's state about every progress_interval_s, from a
  // thread of solve_milp's own, one call at a time, and once more with done
  // set before solve_milp returns. Must not call solve_milp. Empty: none.
  std::function<void(const MilpProgress&)> progress;
  double progress_interval_s = 0.25;
};

enum class MilpStatus : unsigned char {
  optimal,     // proven optimal (gap 0 up to CBC's tolerances)
  feasible,    // a solution, stopped at relative_gap or the time limit; see gap
  infeasible,  // no integer-feasible point exists
  unbounded,   // the continuous relaxation is unbounded
  time_limit,  // out of time before any solution was found
  error,       // the model or options are invalid, or CBC failed; see message
};

std::string_view to_string(MilpStatus s);

struct MilpResult {
  MilpStatus status = MilpStatus::error;
  double objective = kNaN;     // of `values`, offset included; NaN without a solution
  double best_bound = kNaN;    // proven bound on the optimum (below it for minimize); NaN if none
  double gap = kInfinity;      // |objective - best_bound| / max(|objective|, |best_bound|); inf without a solution
  std::vector<double> values;  // one per variable, integers rounded exactly; empty without a solution
  double max_violation = 0;    // max_violation(model, values): what solver tolerances left over
  double seconds = 0;          // wall clock of the whole call
  long nodes = 0;              // branch-and-bound nodes
  // The objective of options.start when it satisfied the model; NaN otherwise.
  double start_objective = kNaN;
  std::string message;  // what happened, in words; the diagnostics when status is error

  bool has_solution() const { return !values.empty(); }
};

// Solves the model with CBC. Validates the model and options first (status
// error with every diagnostic in `message`). Same model and options give the
// same result, except when a time limit cuts the search. Thread-safe; CBC's
// driver is not re-entrant, so concurrent calls run one at a time.
MilpResult solve_milp(const MilpModel& model, const MilpOptions& options = {});

struct LpOptions {
  // Empty: solve the continuous relaxation (integrality dropped). Otherwise one
  // value per variable: each integer variable is fixed at its value rounded to
  // the nearest integer and the LP over the continuous ones is solved, which
  // gives the duals of a MILP solution (pass MilpResult::values).
  std::vector<double> fix_integers;
  double time_limit_s = kInfinity;
  bool log = false;  // Clp's log on stdout
  // Clp's algorithm: its automatic choice (dual simplex, after presolve), or
  // the primal-dual barrier with crossover to a basis (for large sparse LPs
  // where the simplex is slow), or primal simplex.
  enum class Method : unsigned char { automatic, barrier, primal } method = Method::automatic;
};

enum class LpStatus : unsigned char { optimal, infeasible, unbounded, time_limit, error };

std::string_view to_string(LpStatus s);

struct LpResult {
  LpStatus status = LpStatus::error;
  double objective = kNaN;           // offset included; NaN unless optimal
  std::vector<double> values;        // primal, one per variable; empty unless optimal
  std::vector<double> row_activity;  // sum a_j x_j per row
  // Shadow prices in the model's own sense and units: the change of the
  // optimal objective per unit increase of the row's binding bound (0 for a
  // row that does not bind). "One more MW at site X saves $Y" is -row_duals[X]
  // for a minimized cost. Valid locally, until the basis changes.
  std::vector<double> row_duals;
  // Reduced costs: the change of the optimal objective per unit increase of
  // the variable's binding bound (objective_j minus the duals' pricing of its
  // column); 0 for a variable strictly between its bounds.
  std::vector<double> reduced_costs;
  double seconds = 0;
  long iterations = 0;
  std::string message;
};

// Solves the continuous relaxation (or the LP with integers fixed) with Clp's
// simplex. Validates like solve_milp. Deterministic and thread-safe.
LpResult solve_lp(const MilpModel& model, const LpOptions& options = {});

}  // namespace xpu
