// Exports parse back: Kueue manifests and SkyPilot tasks as YAML (yaml-cpp),
// Slurm scripts as shell (bash -n), with the plan's quotas and counts in them.
#include "export/plan_export.h"
#include "ingest/text_file.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "planner/test_portfolios.h"
#include "report/plan_json.h"

namespace xpu {
namespace {

struct Planned {
  testing::Fixture f;
  PlanResult r;
};

const Planned& planned() {
  static const Planned p = [] {
    Planned x{testing::random_fixture(11, 4, 8, 2, 2), {}};
    x.f.p.name = "Export Test";
    PlanOptions o;
    o.baselines = false;
    x.r = plan_portfolio(x.f.p, x.f.rates, o);
    return x;
  }();
  return p;
}

TEST(PlanExport, KueueManifestsCarryTheMonthsQuotas) {
  const Planned& x = planned();
  ASSERT_TRUE(x.r.has_plan());
  const auto files = export_plan(x.f.p, x.f.rates, x.r, ExportFormat::kueue);
  ASSERT_EQ(static_cast<int>(files.size()), x.f.p.horizon.months);
  for (int m = 0; m < x.f.p.horizon.months; ++m) {
    const ExportFile& file = files[m];
    SCOPED_TRACE(file.path);
    EXPECT_EQ(file.path, "kueue/" + x.f.p.horizon.label(m) + ".yaml");
    const std::vector<YAML::Node> docs = YAML::LoadAll(file.text);
    std::map<std::string, int> kinds;
    double quota = 0;
    for (const YAML::Node& d : docs) {
      const std::string kind = d["kind"].as<std::string>();
      ++kinds[kind];
      EXPECT_EQ(d["apiVersion"].as<std::string>(), "kueue.x-k8s.io/v1beta1");
      if (kind == "ClusterQueue") {
        EXPECT_EQ(d["metadata"]["name"].as<std::string>(), "export-test");
        for (const auto& g : d["spec"]["resourceGroups"]) {
          ASSERT_EQ(g["coveredResources"].size(), 1u);
          for (const auto& fl : g["flavors"]) {
            EXPECT_EQ(fl["resources"][0]["name"].as<std::string>(), g["coveredResources"][0].as<std::string>());
            quota += fl["resources"][0]["nominalQuota"].as<double>();
          }
        }
      }
      if (kind == "LocalQueue") {
        EXPECT_EQ(d["spec"]["clusterQueue"].as<std::string>(), "export-test");
      }
    }
    EXPECT_EQ(kinds["ClusterQueue"], 1);
    double provisioned = 0;
    for (const OfferMonths& om : x.r.summary.offers) provisioned += om.provisioned[m];
    EXPECT_GE(quota, provisioned - 1e-6);
    EXPECT_LE(quota, provisioned + static_cast<double>(kinds["ResourceFlavor"]));  // each flavor rounds up by < 1
  }
}

TEST(PlanExport, SlurmScriptsAreValidShell) {
  const Planned& x = planned();
  const auto files = export_plan(x.f.p, x.f.rates, x.r, ExportFormat::slurm);
  int trainings = 0;
  for (const Workload& w : x.f.p.workloads) trainings += w.kind == Mode::train ? 1 : 0;
  ASSERT_EQ(static_cast<int>(files.size()), trainings);
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_slurm_test";
  for (const ExportFile& f : files) ASSERT_TRUE(write_text_file((dir / f.path).string(), f.text, true)) << f.path;
  for (const ExportFile& f : files) {
    SCOPED_TRACE(f.path);
    EXPECT_TRUE(f.text.starts_with("#!/bin/bash\n"));
    EXPECT_NE(f.text.find("#SBATCH --nodes="), std::string::npos);
    EXPECT_NE(f.text.find("#SBATCH --begin=2027-"), std::string::npos);
    const std::string cmd = "bash -n '" + (dir / f.path).string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << f.text;
  }
  std::filesystem::remove_all(dir);
}

TEST(PlanExport, SkyPilotTasksNameAcceleratorAndCount) {
  const Planned& x = planned();
  const auto files = export_plan(x.f.p, x.f.rates, x.r, ExportFormat::skypilot);
  ASSERT_FALSE(files.empty());
  for (const ExportFile& f : files) {
    SCOPED_TRACE(f.path);
    const YAML::Node task = YAML::Load(f.text);
    const std::string acc = task["resources"]["accelerators"].as<std::string>();
    const size_t colon = acc.find(':');
    ASSERT_NE(colon, std::string::npos) << acc;
    EXPECT_GT(std::stoi(acc.substr(colon + 1)), 0);
    EXPECT_TRUE(task["run"].IsScalar());
    EXPECT_TRUE(task["num_nodes"].IsDefined() || task["service"]["replicas"].IsDefined());
    if (task["service"]) {
      EXPECT_GE(task["service"]["replicas"].as<int>(), 1);
    }
  }
}

TEST(PlanExport, Names) {
  EXPECT_EQ(skypilot_accelerator("h100-sxm", 8), "H100");
  EXPECT_EQ(skypilot_accelerator("tpu-v5p", 4), "tpu-v5p-8");
  EXPECT_EQ(skypilot_accelerator("tpu-v5e", 4), "tpu-v5litepod-4");
  EXPECT_EQ(k8s_resource(Vendor::aws), "aws.amazon.com/neuron");
  EXPECT_EQ(parse_export_format("slurm"), ExportFormat::slurm);
  EXPECT_FALSE(parse_export_format("k8s"));
}

TEST(PlanJson, CarriesStatusAndCheckerVerdict) {
  const Planned& x = planned();
  const Json j = to_json(x.f.p, x.f.rates, x.r);
  EXPECT_EQ(j["status"], "optimal");
  EXPECT_EQ(j["checker"]["verdict"], "ok");
  EXPECT_TRUE(j["checker"]["violations"].empty());
  EXPECT_EQ(j["summary"]["workloads"].size(), x.f.p.workloads.size());
  EXPECT_EQ(dump_canonical(j), dump_canonical(to_json(x.f.p, x.f.rates, x.r)));
}

}  // namespace
}  // namespace xpu
