// xpuplan claims [--write FILE]: docs/claims.md, vendor claims checked with compare.
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "api/compare.h"
#include "cli/command.h"
#include "report/compare_report.h"

namespace xpu::cli {
namespace {

struct ClaimsCli {
  FlagFields fields;
  std::string write;
};

int run_claims(const ClaimsCli& c, RunState& st) {
  const auto request = take(read_claims_request(c.fields.json(), c.fields.style()), st);
  const DataSet data = load_data_for(st);
  const auto report = answer(api::run_claims(data, request, budget_for_request(request.threads)), c.fields);
  const std::string md = to_markdown(report);
  if (c.write.empty()) {
    st.io.out << md;
  } else {
    write_output("--write", c.write, md);
    st.io.err << fmt::format("wrote {}\n", c.write);
  }
  return exit_code(report.outcome);
}

}  // namespace

void setup_claims(CLI::App& app, RunState& st) {
  auto c = std::make_shared<ClaimsCli>();
  CLI::App* cmd = app.add_subcommand(
      "claims", "Vendor price-performance claims checked on concrete workloads (the text of docs/claims.md)");
  cmd->add_option("--write", c->write, "Write the Markdown to FILE instead of stdout")->check(output_file_name());
  c->fields.option(cmd, "--threads", "Threads (0 = all cores); the text does not depend on it");
  cmd->footer(
      "With --prices FILE (e.g. a Trn2 on-demand or a Trn3 price) the verdicts use those prices.\n"
      "Example:\n"
      "  xpuplan claims --write docs/claims.md");
  cmd->callback([c, &st] { st.exit_code = run_claims(*c, st); });
}

}  // namespace xpu::cli
