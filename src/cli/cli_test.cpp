#include <gtest/gtest.h>

#include <sstream>

#include "cli/command.h"
#include "golden.h"

namespace xpu::cli {
namespace {

struct Result {
  int code;
  std::string out, err;
};

Result run_cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = run(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(Cli, VersionAndHelp) {
  auto v = run_cli({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.out.starts_with("xpuplan ")) << v.out;
  auto h = run_cli({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("catalog"), std::string::npos);
  auto sub = run_cli({"catalog", "--help"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("--vendor"), std::string::npos) << sub.out;
}

TEST(Cli, UnknownCommandIsExitTwo) {
  auto r = run_cli({"catalgo"});
  EXPECT_EQ(r.code, 2);
}

TEST(Cli, UnknownAcceleratorSuggests) {
  auto r = run_cli({"catalog", "show", "h100-sxn"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "KEY: error: unknown accelerator or system 'h100-sxn' (did you mean 'h100-sxm'?)\n");
}

}  // namespace
}  // namespace xpu::cli
