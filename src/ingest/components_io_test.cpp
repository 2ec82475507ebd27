#include "ingest/components_io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "ingest/data_files.h"

namespace xpu {
namespace {

TEST(ComponentsIo, ReadsEveryShippedEntry) {
  const DataSet data = load_data({XPUPLAN_DATA_DIR});
  Diagnostics ds;
  std::vector<ComponentCase> all;
  for (const auto& f : component_files(XPUPLAN_DATA_DIR)) {
    for (auto& c : read_components(f, ds)) all.push_back(std::move(c));
  }
  EXPECT_TRUE(ds.empty()) << format_diagnostics(ds);
  EXPECT_GT(all.size(), 350u);
  // Every kind the engine builds a step from is predicted for some entry, and
  // every skipped entry says why.
  std::map<ComponentKind, int> predicted;
  for (const auto& c : all) {
    const ComponentResult r = predict_component(c, data.catalog);
    if (r.ok) {
      ++predicted[c.kind];
      EXPECT_GT(r.predicted, 0) << c.id;
      EXPECT_FALSE(r.family.empty()) << c.id;
    } else {
      EXPECT_FALSE(r.reason.empty()) << c.id;
    }
  }
  for (ComponentKind k : {ComponentKind::gemm, ComponentKind::grouped_gemm, ComponentKind::attention_prefill,
                          ComponentKind::attention_decode, ComponentKind::hbm_stream, ComponentKind::collective,
                          ComponentKind::p2p, ComponentKind::clock}) {
    EXPECT_GT(predicted[k], 0) << to_string(k);
  }
}

TEST(ComponentsIo, BadEntriesAreLocatedAndTheRestRead) {
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_components_io";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "bad.yaml").string();
  std::ofstream(path) << "components:\n"
                         "  - id: ok\n"
                         "    accelerator: h100-sxm\n"
                         "    kind: gemm\n"
                         "    shape: {m: 8192, n: 8192, k: 8192}\n"
                         "    value: 700 TFLOP/s\n"
                         "    metric: throughput\n"
                         "    software: x\n"
                         "    source: x\n"
                         "    published: 2025-01\n"
                         "    retrieved: 2026-12-05\n"
                         "    estimate: false\n"
                         "  - id: bad\n"
                         "    accelerator: h100-sxm\n"
                         "    kind: gemm\n"
                         "    shape: {m: 8192, n: 8192, k: 8192}\n"
                         "    value: 700 GB/s\n"
                         "    metric: throughput\n"
                         "    software: x\n"
                         "    source: x\n"
                         "    published: 2025-13\n"
                         "    retrieved: 2026-12-05\n"
                         "    estimate: true\n";
  Diagnostics ds;
  const auto cases = read_components(path, ds);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, "ok");
  EXPECT_NEAR(cases[0].value, 700e12, 1e-3);
  const std::string text = format_diagnostics(ds);
  EXPECT_NE(text.find("bad.yaml:17"), std::string::npos) << text;
  EXPECT_NE(text.find("expected a compute rate"), std::string::npos) << text;
  EXPECT_NE(text.find("must be YYYY, YYYY-MM or YYYY-MM-DD, got '2025-13'"), std::string::npos) << text;
  EXPECT_NE(text.find("an estimate needs a 'note'"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace xpu
