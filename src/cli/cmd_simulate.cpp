// xpuplan simulate PORTFOLIO.yaml [--plan plan.json] [--risks FILE] [--replicas N] [--seed S] [--policy NAME]...
//                  [--months M] [--threads T] [--json] [--html FILE]
// xpuplan simulate --scenario FLEET.yaml [--risks FILE] ...
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <ostream>

#include "api/simulate.h"
#include "base/check.h"
#include "cli/command.h"
#include "cli/simulate_hook.h"
#include "ingest/simulate_request.h"
#include "report/markup.h"
#include "report/simulate_report.h"
#include "sim/policy.h"

namespace xpu::cli {
namespace {

struct SimulateCli {
  FlagFields fields;
  std::vector<std::string> policies;
  std::string html;
  bool json = false;
};

// "replicas 400/1000, 812/s, ETA 1 s" redrawn in place on a terminal, after
// the first second; cleared when done.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& err) : err_(err), start_(Clock::now()) {}
  void operator()(uint32_t done, uint32_t total) {
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    if (s < 1.0 || (s - drawn_at_ < 0.1 && done < total)) return;  // at most ten redraws a second
    drawn_at_ = s;
    const double rate = done / s;
    const double eta = rate > 0 ? (total - done) / rate : 0;
    err_ << fmt::format("\rreplicas {}/{}, {:.0f}/s, ETA {:.0f} s   ", done, total, rate, eta) << std::flush;
    drawn_ = true;
  }
  ~ProgressLine() {
    if (drawn_) err_ << "\r" << std::string(60, ' ') << "\r" << std::flush;
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  Clock::time_point start_;
  bool drawn_ = false;
  double drawn_at_ = 0;
};

int run_simulate(SimulateCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  if (!c.policies.empty()) c.fields.set("policy", c.policies);
  auto request = take(read_simulate_request(c.fields.json(), data, c.fields.style()), st);
  const Risks& k = request.risks;
  const bool no_risks = k.shocks.empty() && k.scripted.empty() && k.late.empty() && k.spot.empty() &&
                        k.failures.empty() && k.prices.empty();
  if (!c.fields.given("risks") && no_risks && !st.global.quiet) {
    st.io.err << "note: no --risks file and no risks: section: simulating without shocks, failures or spot reclaims "
                 "(examples/risks.yaml holds sourced defaults)\n";
  }
  // A progress line only for a person watching: a terminal, not -q, not --json.
  std::unique_ptr<ProgressLine> progress;
  if (!c.json && !st.global.quiet && &st.io.err == &std::cerr && ::isatty(STDERR_FILENO) == 1) {
    progress = std::make_unique<ProgressLine>(st.io.err);
    request.progress = [p = progress.get()](uint32_t done, uint32_t total) { (*p)(done, total); };
  }
  request.runner = replica_runner();
  if (request.runner) {  // ranks of an MPI run: no progress line
    progress.reset();
    request.progress = nullptr;
  }
  // The engines (planning first) use every core; --threads is the simulator's.
  const auto report = answer(api::run_simulate(data, request, budget_for_request(0)), c.fields);
  progress.reset();
  if (!report.reporter) return 0;  // another MPI rank prints
  // The answer first: a file that cannot be written must not lose it.
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  st.io.out.flush();
  if (!c.html.empty()) {
    const std::string page = to_html(report);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    write_output("--html", c.html, page);
    if (!st.global.quiet) st.io.err << fmt::format("wrote {}\n", c.html);
  }
  return exit_code(report.outcome);
}

std::string policy_list() {
  std::string out;
  for (const PolicyInfo& p : sim_policies()) out += fmt::format("  {:<10} {}\n", p.name, p.description);
  return out;
}

api::ReplicaRunner& runner_slot() {
  static api::ReplicaRunner runner;
  return runner;
}

}  // namespace

void set_replica_runner(api::ReplicaRunner runner) { runner_slot() = std::move(runner); }
const api::ReplicaRunner& replica_runner() { return runner_slot(); }

void setup_simulate(CLI::App& app, RunState& st) {
  auto c = std::make_shared<SimulateCli>();
  const SimOptions d;
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Monte Carlo of a plan against supply shocks, late deliveries, spot reclaims and failures");
  f.positional(cmd, "portfolio", "portfolio", "Portfolio file (docs/portfolio.md); planned first unless --plan");
  f.option(cmd, "--plan", "A saved plan for the portfolio (xpuplan plan PORTFOLIO --json > plan.json)");
  f.option(cmd, "--scenario", "A simulator input written directly instead of a portfolio (docs/simulate.md)");
  f.option(cmd, "--risks",
           "Risks file (docs/simulate.md; example: examples/risks.yaml); its sections replace the portfolio's "
           "risks: section's; default: that section, else no risks");
  f.option(cmd, "--replicas", "Monte Carlo replicas", std::to_string(d.replicas));
  f.option(cmd, "--seed", "Random seed (same seed, same output)", std::to_string(d.seed));
  cmd->add_option("--policy", c->policies, "Recovery policy, repeatable (default: static)");
  f.option(cmd, "--months", "Simulate only the first M months of the horizon (default 0: all of them)");
  f.option(cmd, "--threads", "Simulator threads (results do not depend on it)", "1");
  f.option(cmd, "--time-limit", "Seconds for the planner's MILP solve (without --plan)", "60");
  f.option(cmd, "--gap", "Planner's relative gap (without --plan)", "1e-4");
  cmd->add_option("--html", c->html, "Also write an HTML page with fan charts of cost and progress to FILE")
      ->check(output_file_name());
  cmd->add_flag("--json", c->json, "Print JSON (per policy: cost spread, finish months, deadline risk, delays, ...)");
  cmd->footer(
      "Policies:\n" + policy_list() +
      "Exit status: 0 answered, 1 the planner found no plan, 2 bad input.\n"
      "Examples:\n"
      "  xpuplan simulate examples/portfolio.yaml --risks examples/risks.yaml --policy static --policy failover\n"
      "  xpuplan plan examples/portfolio.yaml --json > plan.json\n"
      "  xpuplan simulate examples/portfolio.yaml --plan plan.json --risks examples/risks.yaml --json\n"
      "  xpuplan simulate --scenario examples/llama3-405b-scenario.yaml \\\n"
      "      --risks examples/llama3-405b-risks.yaml --replicas 1000 --threads 2");
  cmd->callback([c, &st] { st.exit_code = run_simulate(*c, st); });
}

}  // namespace xpu::cli
