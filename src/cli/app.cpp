#include <fmt/format.h>

#include <ostream>

#include "base/diagnostics.h"
#include "cli/command.h"

#ifndef XPUPLAN_VERSION
#define XPUPLAN_VERSION "0.0.0"
#endif

namespace xpu::cli {

DataSet load_data_for(RunState& st, bool apply_calibration) {
  std::vector<std::string> dirs{shipped_data_dir()};
  dirs.insert(dirs.end(), st.global.catalogs.begin(), st.global.catalogs.end());
  Diagnostics notes;
  DataSet data = load_data(dirs, &notes, apply_calibration, st.global.price_files);
  if (!st.global.quiet) st.io.err << format_diagnostics(notes);
  return data;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunState st{{}, {out, err}, 0};
  CLI::App app{
      "xpuplan: what AI workloads cost and how fast they run on each vendor's accelerators,\n"
      "and which mix of vendors, clouds and purchase terms to buy.",
      "xpuplan"};
  app.set_version_flag("--version", std::string("xpuplan ") + XPUPLAN_VERSION);
  app.add_option("--catalog", st.global.catalogs,
                 "Extra data directory (accelerators, systems, models, prices) read after the shipped data;\n"
                 "an entry with a shipped key replaces it. Repeatable.")
      ->check(CLI::ExistingDirectory);
  app.add_option("--prices", st.global.price_files,
                 "A price file (YAML with 'offers:' and/or 'purchase_prices:') read after every --catalog;\n"
                 "an offer with a shipped provider/region/instance/term replaces it. Repeatable.")
      ->check(CLI::ExistingFile);
  app.add_flag("-q,--quiet", st.global.quiet, "Do not print notes on stderr");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  xpuplan catalog                         # the accelerators, one line each\n"
      "  xpuplan catalog show h100-sxm           # one accelerator with every source\n"
      "  xpuplan models show llama3.1-70b        # a model and its parameter counts\n"
      "  xpuplan prices --accelerator h100-sxm   # offers by provider, region and term\n"
      "  xpuplan train --model llama3.1-70b -a h100-sxm -n 1024 --tokens 15T   # best layout, time, MFU\n"
      "  xpuplan infer --model llama3.3-70b -a h200-sxm --rate 20 --ttft-slo '1 s' --tpot-slo '40 ms'\n"
      "  xpuplan compare --model llama3.1-70b --train --tokens 15T --chips 1024 --html compare.html\n"
      "  xpuplan plan examples/portfolio.yaml --html plan.html   # a year across vendors, clouds and terms\n"
      "Run 'xpuplan COMMAND --help' for a command's options.");
  for (const auto& entry : command_table()) entry.setup(app, st);

  std::vector<std::string> argv(args.rbegin(), args.rend());  // CLI11 takes them reversed
  try {
    app.parse(argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << "xpuplan " << XPUPLAN_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // Help for a subcommand arrives here too (as a CallForHelp from a sub-app).
    if (e.get_exit_code() == 0) {
      out << e.what();
      return 0;
    }
    err << "error: " << e.what() << "\n";
    err << "Run 'xpuplan --help' for usage.\n";
    return 2;
  } catch (const InputError& e) {
    err << format_diagnostics(e.diagnostics());
    return 2;
  }
  return st.exit_code;
}

}  // namespace xpu::cli
