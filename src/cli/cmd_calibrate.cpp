// xpuplan calibrate [CASES.csv] [--write FILE] [--json]: fit stack efficiencies to published runs.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <ostream>

#include "api/evidence.h"
#include "cli/command.h"
#include "ingest/calibration_io.h"
#include "report/evidence_report.h"

namespace xpu::cli {
namespace {

struct CalibrateCli {
  FlagFields fields;
  std::string write;
  bool json = false;
};

std::string today() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04d}-{:02d}-{:02d}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}

int run_calibrate(const CalibrateCli& c, RunState& st) {
  // Fit from the stack priors, not from an earlier calibration.
  const DataSet data = load_data_for(st, /*apply_calibration=*/false);
  auto request = take(read_calibrate_request(c.fields.json(), c.fields.style()), st);
  if (request.date.empty()) request.date = today();
  const auto report = answer(api::run_calibrate(data, request, budget_for_request(request.threads)), c.fields);
  st.io.out << (c.json ? dump_canonical(to_json(report)) : to_text(report));
  if (!c.write.empty()) {
    write_output("--write", c.write, calibration_yaml(report.fits, report.date, report.cases_label));
    if (!c.json) st.io.out << fmt::format("Wrote {}.\n", c.write);
  }
  return exit_code(report.outcome);
}

}  // namespace

void setup_calibrate(CLI::App& app, RunState& st) {
  auto c = std::make_shared<CalibrateCli>();
  FlagFields& f = c->fields;
  CLI::App* cmd = app.add_subcommand("calibrate", "Fit each stack's efficiency parameters to published runs");
  f.positional_list(cmd, "CASES", "cases",
                    "Cases CSV files, fitted together (default: the shipped cases.csv and cases-2025.csv)");
  cmd->add_option("--write", c->write, "Write the calibration file (e.g. data/calibration.yaml)")
      ->check(output_file_name());
  f.option(cmd, "--date", "Date recorded in the file (default: today)");
  f.option(cmd, "--threads", "Threads (0 = all cores)");
  cmd->add_flag("--json", c->json, "Print JSON: the fitted parameters and errors per stack");
  cmd->footer(
      "The fit starts from the stack priors in data/stacks/ (any calibration file is ignored).\n"
      "Example:\n  xpuplan calibrate --write data/calibration.yaml");
  cmd->callback([c, &st] { st.exit_code = run_calibrate(*c, st); });
}

}  // namespace xpu::cli
