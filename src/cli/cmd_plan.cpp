// xpuplan plan PORTFOLIO.yaml [--json | --html FILE] [--time-limit S] [--gap G] [--export FORMAT DIR]
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "base/check.h"
#include "base/parallel.h"
#include "cli/command.h"
#include "cli/flags.h"
#include "export/plan_export.h"
#include "ingest/portfolio_io.h"
#include "report/markup.h"
#include "report/plan_json.h"
#include "report/plan_report.h"
#include "report/plan_text.h"

namespace xpu::cli {
namespace {

struct PlanCliOptions {
  std::string portfolio, html;
  std::vector<std::string> export_args;
  double time_limit = 60, gap = 1e-4;
  int threads = 1;
  bool json = false, no_baselines = false;
};

int run_plan(const PlanCliOptions& o, RunState& st) {
  DataSet data = load_data_for(st);
  Diagnostics bad;
  require_positive(o.time_limit, "--time-limit", bad);
  if (!(o.gap >= 0 && o.gap < 1)) bad.push_back(flag_error("--gap", fmt::format("must be in [0, 1), got {}", o.gap)));
  std::optional<ExportFormat> format;
  if (!o.export_args.empty()) {
    if (o.export_args.size() != 2) {
      bad.push_back(flag_error("--export", "takes a format and a directory: --export kueue|slurm|skypilot DIR"));
    } else {
      format = parse_export_format(o.export_args[0]);
      if (!format) {
        const std::vector<std::string> names{"kueue", "slurm", "skypilot"};
        bad.push_back(flag_error("--export", fmt::format("must be one of kueue, slurm, skypilot; got '{}'{}",
                                                         o.export_args[0], did_you_mean(o.export_args[0], names))));
      }
    }
  }
  if (o.json && !o.html.empty()) bad.push_back(flag_error("--html", "give either --json or --html, not both"));
  if (has_errors(bad)) throw InputError(std::move(bad));

  const Portfolio p = load_portfolio(o.portfolio, data);
  RateOptions ro;
  ro.threads = budget_for_request(0);  // the engines use every core; --threads is CBC's
  const RateTable rates = estimate_rates(p, data.catalog, ro);
  PlanOptions po;
  po.time_limit_s = o.time_limit;
  po.relative_gap = o.gap;
  po.threads = o.threads;
  po.baselines = !o.no_baselines;
  const PlanResult r = plan_portfolio(p, rates, po);

  if (format && r.has_plan()) {
    const auto files = export_plan(p, rates, r, *format);
    write_export_files(o.export_args[1], files);
    st.io.err << fmt::format("wrote {} {} file(s) to {}\n", files.size(), o.export_args[0], o.export_args[1]);
  }
  if (!o.html.empty()) {
    const std::string page = plan_html(p, r);
    XPU_CHECK(check_markup(page).empty() && external_references(page).empty());
    write_text_file(o.html, page);
    st.io.err << fmt::format("wrote {}\n", o.html);
  }
  if (o.json) {
    st.io.out << dump_canonical(to_json(p, rates, r));
  } else {
    st.io.out << plan_text(p, rates, r);
  }
  return r.has_plan() && r.check.ok() ? 0 : 1;
}

}  // namespace

void setup_plan(CLI::App& app, RunState& st) {
  auto o = std::make_shared<PlanCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "The cheapest month-by-month plan for a portfolio of training runs and services across vendors");
  cmd->add_option("portfolio", o->portfolio, "Portfolio file (docs/portfolio.md)")->required();
  cmd->add_flag("--json", o->json, "Print JSON (status, plan, costs, shares, binding constraints, baselines, checker)");
  cmd->add_option("--html", o->html, "Write an HTML report with charts to FILE");
  cmd->add_option("--time-limit", o->time_limit, "Seconds for the main MILP solve")->capture_default_str();
  cmd->add_option("--gap", o->gap, "Stop within this relative gap of the best bound")->capture_default_str();
  cmd->add_option("--threads", o->threads, "CBC threads (deterministic)")->capture_default_str();
  cmd->add_option("--export", o->export_args, "Write manifests: kueue|slurm|skypilot DIR")->expected(2);
  cmd->add_flag("--no-baselines", o->no_baselines, "Skip the baseline plans");
  cmd->footer(
      "Exit status: 0 a plan that passes the checker, 1 no plan (infeasible, time limit) or checker violations,\n"
      "2 bad input.\n"
      "Examples:\n"
      "  xpuplan plan examples/portfolio.yaml\n"
      "  xpuplan plan examples/portfolio.yaml --json > plan.json\n"
      "  xpuplan plan examples/portfolio.yaml --html plan.html --export kueue out/kueue");
  cmd->callback([o, &st] { st.exit_code = run_plan(*o, st); });
}

}  // namespace xpu::cli
