// Running the CLI in-process for tests: argv in, exit code and both streams out.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace xpu::cli::test_support {

struct CliResult {
  int code;
  std::string out, err;
};

inline CliResult run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = run(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace xpu::cli::test_support
