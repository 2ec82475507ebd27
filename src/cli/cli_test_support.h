// Running the CLI in-process for tests: argv in, exit code and both streams out.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/command.h"

namespace xpu::cli::test_support {

struct CliResult {
  int code;
  std::string out, err;
};

// A fresh directory under the system temp dir, unique to this process, so
// test runs side by side (several checkouts, ctest -j) never share files.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline CliResult run_cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = run(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace xpu::cli::test_support
