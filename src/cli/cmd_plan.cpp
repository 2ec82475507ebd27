// xpuplan plan PORTFOLIO.yaml [--json | --html FILE] [--time-limit S] [--gap G] [--export FORMAT DIR]
#include <fmt/format.h>

#include <filesystem>
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

namespace xpu::cli {
namespace {

struct PlanCli {
  FlagFields fields;
  std::vector<std::string> export_args;
  std::string html;
  bool json = false;
};

// --export FORMAT DIR: the format, or the problems with the flag.
std::optional<ExportFormat> export_format(const PlanCli& c, Diagnostics& bad) {
  if (c.export_args.empty()) return std::nullopt;
  if (c.export_args.size() != 2) {
    bad.push_back(
        error_at({.pointer = "--export"}, "takes a format and a directory: --export kueue|slurm|skypilot DIR"));
    return std::nullopt;
  }
  auto format = parse_export_format(c.export_args[0]);
  if (!format) {
    const std::vector<std::string> names{"kueue", "slurm", "skypilot"};
    bad.push_back(
        error_at({.pointer = "--export"}, fmt::format("must be one of kueue, slurm, skypilot; got '{}'{}",
                                                      c.export_args[0], did_you_mean(c.export_args[0], names))));
  }
  return format;
}

int run_plan(const PlanCli& c, RunState& st) {
  const DataSet data = load_data_for(st);
  auto read = read_plan_request(c.fields.json(), data, c.fields.style());
  const auto format = export_format(c, read.diagnostics);
  if (c.json && !c.html.empty()) {
    read.diagnostics.push_back(error_at({.pointer = "--html"}, "give either --json or --html, not both"));
  }
  if (has_errors(read.diagnostics)) read.request.reset();
  const auto request = take(std::move(read), st);
  // The engines use every core; --threads is CBC's.
  const auto report = answer(api::run_plan(data, request, budget_for_request(0)), c.fields);

  if (format && report.result.has_plan()) {
    const auto files = export_plan(report.portfolio, report.rates, report.result, *format);
    for (const ExportFile& f : files) {
      const std::string path = (std::filesystem::path(c.export_args[1]) / f.path).string();
      if (!write_text_file(path, f.text, true)) throw InputError({error_at({path, 0, 0, ""}, "cannot write file")});
    }
    st.io.err << fmt::format("wrote {} {} file(s) to {}\n", files.size(), c.export_args[0], c.export_args[1]);
  }
  if (!c.html.empty()) {
    const std::string page = to_html(report);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    write_output("--html", c.html, page);
    st.io.err << fmt::format("wrote {}\n", c.html);
  }
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
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
  cmd->add_option("--html", c->html, "Write an HTML report with charts to FILE");
  f.option(cmd, "--time-limit", "Seconds for the main MILP solve", fmt::format("{}", d.time_limit));
  f.option(cmd, "--gap", "Stop within this relative gap of the best bound", fmt::format("{}", d.gap));
  f.option(cmd, "--threads", "CBC threads (deterministic)", fmt::format("{}", d.threads));
  cmd->add_option("--export", c->export_args, "Write manifests: kueue|slurm|skypilot DIR")->expected(2);
  f.flag(cmd, "--no-baselines", "Skip the baseline plans");
  cmd->footer(
      "Exit status: 0 a plan that passes the checker, 1 no plan (infeasible, time limit) or checker violations,\n"
      "2 bad input.\n"
      "Examples:\n"
      "  xpuplan plan examples/portfolio.yaml\n"
      "  xpuplan plan examples/portfolio.yaml --json > plan.json\n"
      "  xpuplan plan examples/portfolio.yaml --html plan.html --export kueue out/kueue");
  cmd->callback([c, &st] { st.exit_code = run_plan(*c, st); });
}

}  // namespace xpu::cli
