// xpuplan plan PORTFOLIO.yaml [--json | --html FILE] [--time-limit S] [--gap G] [--export FORMAT DIR]
//              [--risks FILE | --no-interruptions]
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <ostream>

#include "api/plan.h"
#include "base/check.h"
#include "base/suggest.h"
#include "cli/command.h"
#include "export/plan_export.h"
#include "ingest/text_file.h"
#include "report/markup.h"
#include "report/plan_report_api.h"
#include "report/plan_text.h"

namespace xpu::cli {
namespace {

struct PlanCli {
  FlagFields fields;
  std::vector<std::string> export_args;
  std::string html;
  bool json = false;
  bool force = false;
};

// --export FORMAT DIR (repeatable): the formats and folders, or the problems with the flag.
std::vector<std::pair<ExportFormat, std::string>> export_targets(const PlanCli& c, Diagnostics& bad) {
  std::vector<std::pair<ExportFormat, std::string>> out;
  if (c.export_args.size() % 2 != 0) {
    bad.push_back(
        error_at({.pointer = "--export"}, "takes a format and a directory: --export kueue|slurm|skypilot DIR"));
    return out;
  }
  for (size_t i = 0; i < c.export_args.size(); i += 2) {
    auto format = parse_export_format(c.export_args[i]);
    if (!format) {
      const std::vector<std::string> names{"kueue", "slurm", "skypilot"};
      bad.push_back(
          error_at({.pointer = "--export"}, fmt::format("must be one of kueue, slurm, skypilot; got '{}'{}",
                                                        c.export_args[i], did_you_mean(c.export_args[i], names))));
      continue;
    }
    out.emplace_back(*format, c.export_args[i + 1]);
  }
  return out;
}

// The solve's elapsed time, incumbent, bound and gap, redrawn in place on a
// terminal (the solver calls it about four times a second) after the first
// second; cleared when the solve ends.
class SolveProgress {
 public:
  explicit SolveProgress(std::ostream& err) : err_(err) {}
  void operator()(const MilpProgress& p) {
    if (p.done) {
      clear();
      return;
    }
    if (p.seconds < 1.0) return;
    const std::string line = plan_progress_line(p);
    width_ = std::max(width_, line.size());
    err_ << '\r' << line << std::string(width_ - line.size(), ' ') << std::flush;
  }
  ~SolveProgress() { clear(); }
  SolveProgress(const SolveProgress&) = delete;
  SolveProgress& operator=(const SolveProgress&) = delete;

 private:
  void clear() {
    if (width_ > 0) err_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
    width_ = 0;
  }
  std::ostream& err_;
  size_t width_ = 0;
};

int run_plan(const PlanCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  auto read = read_plan_request(c.fields.json(), data, c.fields.style());
  const auto targets = export_targets(c, read.diagnostics);
  if (c.json && !c.html.empty()) {
    read.diagnostics.push_back(error_at({.pointer = "--html"}, "give either --json or --html, not both"));
  }
  if (has_errors(read.diagnostics)) read.request.reset();
  auto request = take(std::move(read), st);
  // Progress only for a person watching: a terminal, not -q, not --json.
  std::unique_ptr<SolveProgress> progress;
  if (!c.json && !st.global.quiet && &st.io.err == &std::cerr && ::isatty(STDERR_FILENO) == 1) {
    progress = std::make_unique<SolveProgress>(st.io.err);
    request.progress = [p = progress.get()](const MilpProgress& m) { (*p)(m); };
  }
  // The engines use every core; --threads is CBC's.
  const auto report = answer(api::run_plan(data, request, budget_for_request(0)), c.fields);
  progress.reset();
  // The answer first: an export folder or file that cannot be written must
  // not lose a solve that took minutes.
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  st.io.out.flush();

  if (!targets.empty() && report.result.has_plan()) {
    // Several formats into one folder are written together (one manifest).
    std::map<std::string, std::vector<ExportFile>> by_dir;
    for (const auto& [format, dir] : targets) {
      auto files = export_plan(report.portfolio, report.rates, report.result, format);
      auto& all = by_dir[dir];
      all.insert(all.end(), files.begin(), files.end());
    }
    for (const auto& [dir, files] : by_dir) {
      const auto bad = write_export(dir, files, c.force);
      if (!bad.empty()) {
        Diagnostics ds;
        for (const auto& b : bad) ds.push_back(error_at({.pointer = "--export"}, b));
        throw InputError(std::move(ds));
      }
      st.io.err << fmt::format("wrote {} file(s) to {}\n", files.size(), dir);
    }
  }
  if (!c.html.empty()) {
    const std::string page = to_html(report);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    write_output("--html", c.html, page);
    st.io.err << fmt::format("wrote {}\n", c.html);
  }
  return exit_code(report.outcome);
}

}  // namespace

void setup_plan(CLI::App& app, RunState& st) {
  auto c = std::make_shared<PlanCli>();
  const api::PlanRequest d;
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand(
      "plan", "The cheapest month-by-month plan for a portfolio of training runs and services across vendors");
  f.positional(cmd, "portfolio", "portfolio", "Portfolio file (docs/portfolio.md)")->required();
  cmd->add_flag("--json", c->json, "Print JSON (status, plan, costs, shares, binding constraints, baselines, checker)");
  cmd->add_option("--html", c->html, "Write an HTML report with charts to FILE")->check(output_file_name());
  f.option(cmd, "--time-limit",
           "Seconds for the whole run (fluid LP, start, search, sensitivity re-solves and baselines together)",
           fmt::format("{}", d.time_limit));
  f.option(cmd, "--gap", "Stop within this relative gap of the best bound", fmt::format("{}", d.gap));
  f.option(cmd, "--threads", "CBC threads (deterministic)", fmt::format("{}", d.threads));
  cmd->add_option("--export", c->export_args, "Write manifests: kueue|slurm|skypilot DIR (repeatable)")
      ->expected(2)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--force", c->force, "Export into a non-empty folder, replacing the files a previous export wrote");
  f.flag(cmd, "--no-baselines", "Skip the baseline plans");
  f.flag(cmd, "--fluid", "Plan average chips per month (the fluid model: a bound, not launchable)");
  f.option(cmd, "--risks",
           "Risks file (docs/simulate.md; the file `simulate` reads): plan each training gang at its expected "
           "goodput under its failures, checkpoint and spot reclaims; default: the portfolio's risks: section, "
           "else the Llama 3 rates (docs/planner.md)");
  f.flag(cmd, "--no-interruptions", "Plan training gangs at 100% of the engine's throughput (no interruption slack)");
  cmd->footer(
      "Exit status: 0 a plan that passes the checker, 1 no plan (infeasible, time limit) or checker violations,\n"
      "2 bad input.\n"
      "Examples:\n"
      "  xpuplan plan examples/portfolio.yaml\n"
      "  xpuplan plan examples/portfolio.yaml --json > plan.json\n"
      "  xpuplan plan examples/portfolio.yaml --risks examples/risks.yaml\n"
      "  xpuplan plan examples/portfolio.yaml --html plan.html --export kueue out/kueue");
  cmd->callback([c, &st] { st.exit_code = run_plan(*c, st); });
}

}  // namespace xpu::cli
