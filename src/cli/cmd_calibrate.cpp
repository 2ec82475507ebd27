// xpuplan calibrate [CASES.csv] [--write FILE]: fit stack efficiencies to published runs.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <ostream>

#include "cli/command.h"
#include "cli/validation_inputs.h"
#include "io/calibration_io.h"
#include "io/cases_io.h"
#include "io/table.h"

namespace xpu::cli {
namespace {

struct CalibrateOptions {
  std::vector<std::string> cases;
  std::string write;
  std::string date;
  unsigned threads = 0;
};

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

int run_calibrate(const CalibrateOptions& o, RunState& st) {
  // Fit from the stack priors, not from an earlier calibration.
  DataSet data = load_data_for(st, /*apply_calibration=*/false);
  const std::vector<std::string> paths = o.cases.empty() ? shipped_case_files() : o.cases;
  std::string path;  // the files, for messages and the written file's header
  Diagnostics ds;
  std::vector<ValidationCase> cases;
  for (const auto& p : paths) {
    for (auto& c : read_cases(p, ds)) cases.push_back(std::move(c));
    path += (path.empty() ? "" : " + ") + p;
  }
  if (has_errors(ds)) throw InputError(std::move(ds));
  if (!st.global.quiet) st.io.err << format_diagnostics(ds);  // rows that could not be read
  std::erase_if(cases, [](const ValidationCase& c) { return !c.invalid.empty(); });
  ValidationInputs in = validation_inputs(data);
  in.threads = o.threads;
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<StackCalibration> fits = calibrate_stacks(cases, in);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  auto& out = st.io.out;
  TextTable t;
  t.header = {"stack",       "cases", "fitted parameters", "in-sample median |err|", "leave-one-out median |err|",
              "LOO p10..p90"};
  t.right_align = {false, true, false, true, true, true};
  for (const auto& f : fits) {
    std::string params;
    for (const auto& [name, value] : f.fitted)
      params += fmt::format("{}{}={:.3f}", params.empty() ? "" : " ", name, value);
    t.rows.push_back({f.stack, std::to_string(f.case_ids.size()), params,
                      fmt::format("{:.1f}%", f.in_sample.median_abs),
                      fmt::format("{:.1f}%", f.leave_one_out.median_abs),
                      fmt::format("{:+.0f}%..{:+.0f}%", f.loo_p10_pct, f.loo_p90_pct)});
  }
  out << render(t);
  for (const auto& f : fits) {
    for (const auto& b : f.on_bound) out << fmt::format("warning: {}: {} ended on its search bound\n", f.stack, b);
  }
  out << fmt::format("Fitted {} stacks from {} in {:.1f} s.\n", fits.size(), path, secs);
  if (!o.write.empty()) {
    std::ofstream f(o.write);
    if (!f) throw InputError({error_at({o.write, 0, 0, ""}, "cannot write file")});
    f << calibration_yaml(fits, o.date.empty() ? today() : o.date,
                          o.cases.empty() ? "data/validation/cases.csv + cases-2025.csv" : path);
    out << fmt::format("Wrote {}.\n", o.write);
  }
  return 0;
}

}  // namespace

void setup_calibrate(CLI::App& app, RunState& st) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand("calibrate", "Fit each stack's efficiency parameters to published runs");
  cmd->add_option("CASES", o->cases,
                  "Cases CSV files, fitted together (default: the shipped cases.csv and cases-2025.csv)");
  cmd->add_option("--write", o->write, "Write the calibration file (e.g. data/calibration.yaml)");
  cmd->add_option("--date", o->date, "Date recorded in the file (default: today)");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)");
  cmd->footer(
      "The fit starts from the stack priors in data/stacks/ (any calibration file is ignored).\n"
      "Example:\n  xpuplan calibrate --write data/calibration.yaml");
  cmd->callback([o, &st] { st.exit_code = run_calibrate(*o, st); });
}

}  // namespace xpu::cli
