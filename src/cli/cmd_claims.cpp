// xpuplan claims [--write FILE]: docs/claims.md, vendor claims checked with compare.
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <ostream>

#include "analysis/claims.h"
#include "base/parallel.h"
#include "cli/command.h"
#include "cli/flags.h"

namespace xpu::cli {
namespace {

struct ClaimsOptions {
  std::string write;
  unsigned threads = 0;
};

int run_claims(const ClaimsOptions& o, RunState& st) {
  const DataSet data = load_data_for(st);
  const std::string md = claims_markdown(data, budget_for_request(o.threads));
  if (o.write.empty()) {
    st.io.out << md;
    return 0;
  }
  std::ofstream f(o.write, std::ios::binary);
  f << md;
  if (!f) throw InputError({flag_error("--write", fmt::format("cannot write '{}'", o.write))});
  st.io.err << fmt::format("wrote {}\n", o.write);
  return 0;
}

}  // namespace

void setup_claims(CLI::App& app, RunState& st) {
  auto o = std::make_shared<ClaimsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "claims", "Vendor price-performance claims checked on concrete workloads (the text of docs/claims.md)");
  cmd->add_option("--write", o->write, "Write the Markdown to FILE instead of stdout");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores); the text does not depend on it");
  cmd->footer(
      "With --prices FILE (e.g. a Trn2 on-demand or a Trn3 price) the verdicts use those prices.\n"
      "Example:\n"
      "  xpuplan claims --write docs/claims.md");
  cmd->callback([o, &st] { st.exit_code = run_claims(*o, st); });
}

}  // namespace xpu::cli
