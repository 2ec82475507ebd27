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
#include <regex>
#include <set>

#include "planner/test_portfolios.h"
#include "report/plan_json.h"

namespace xpu {
namespace {

struct Planned {
  testing::Fixture f;
  PlanResult r;
};

// An executable plan over three providers (one SkyPilot does not know), a
// TPU, a commitment, and workload names with a quote, '$' and backticks.
const std::string kNasty = "ev'il $(touch pwned) `touch pwned2` \"x\"";

const auto ladder = testing::add_ladder;

const Planned& planned() {
  static const Planned p = [] {
    Planned x;
    testing::Fixture& f = x.f;
    f.p.name = "Export Test";
    f.p.horizon = {2027, 1, 3};
    f.p.offers = {
        testing::offer("aws/us-east-1/p5/od", "aws", "h100-sxm", Vendor::nvidia, Term::on_demand, 3.0, 8, {64, 64, 64}),
        testing::offer("aws/us-east-1/p5/1y", "aws", "h100-sxm", Vendor::nvidia, Term::commit_1y, 1.5, 8, {16, 16, 16}),
        testing::offer("neo/dallas/b200/od", "neocloud", "b200", Vendor::nvidia, Term::on_demand, 2.5, 8, {32, 32, 32}),
        testing::offer("gcp/us-east5/v5p/od", "gcp", "tpu-v5p", Vendor::google, Term::on_demand, 2.0, 4, {64, 64, 64})};
    f.p.offers[0].offer.region = f.p.offers[1].offer.region = "us-east-1";
    f.p.offers[2].offer.region = "dallas";
    f.p.offers[3].offer.region = "us-east5";
    testing::add_training(f, kNasty, testing::tokens_for(f.p.horizon, 20, 1000, 0, 0), 0, 2, {});
    ladder(f, 0, "h100-sxm", {{8, 1000}, {16, 950}, {32, 900}});
    ladder(f, 0, "tpu-v5p", {{8, 800}, {16, 780}});
    testing::add_training(f, "run-b", testing::tokens_for(f.p.horizon, 30, 1000, 0, 1), 0, 2, {});
    ladder(f, 1, "b200", {{8, 2000}, {16, 1900}});
    ladder(f, 1, "h100-sxm", {{8, 1000}, {16, 950}, {32, 900}});
    testing::add_service(f, "chat", {{"h100-sxm", 12}, {"b200", 6}});
    for (auto& ar : f.rates.workloads[2].by_accelerator) ar.chips_per_replica = 2;
    testing::finish(f);
    PlanOptions o;
    o.baselines = false;
    x.r = plan_portfolio(f.p, f.rates, o);
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
    EXPECT_EQ(quota, provisioned);  // whole instances: the quota is exactly what the plan rents and buys
  }
}

TEST(PlanExport, SlurmScriptsAreValidShell) {
  const Planned& x = planned();
  const auto files = export_plan(x.f.p, x.f.rates, x.r, ExportFormat::slurm);
  // One script per run and span of months in one pool at one size.
  size_t spans = 0;
  const auto& gs = x.r.plan.gangs;
  for (size_t i = 0; i < gs.size(); ++i) {
    spans += i == 0 || gs[i].workload != gs[i - 1].workload || gs[i].month != gs[i - 1].month + 1 ||
             gs[i].chips != gs[i - 1].chips || gs[i].provider != gs[i - 1].provider ||
             gs[i].accelerator != gs[i - 1].accelerator;
  }
  ASSERT_EQ(files.size(), spans);
  ASSERT_GE(spans, 2u);  // both runs have gangs
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_slurm_test";
  for (const ExportFile& f : files) ASSERT_TRUE(write_text_file((dir / f.path).string(), f.text, true)) << f.path;
  for (const ExportFile& f : files) {
    SCOPED_TRACE(f.path);
    EXPECT_TRUE(f.text.starts_with("#!/bin/bash\n"));
    EXPECT_NE(f.text.find("#SBATCH --nodes="), std::string::npos);
    EXPECT_NE(f.text.find("#SBATCH --begin=2027-"), std::string::npos);
    const std::string cmd = "bash -n '" + (dir / f.path).string() + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << f.text;
    // Run it where srun does not exist: it stops there, and nothing in a name ran.
    const std::string run =
        "cd '" + dir.string() + "' && env -i PATH=/usr/bin:/bin bash '" + (dir / f.path).string() + "' >/dev/null 2>&1";
    EXPECT_NE(std::system(run.c_str()), 0);
    EXPECT_FALSE(std::filesystem::exists(dir / "pwned"));
    EXPECT_FALSE(std::filesystem::exists(dir / "pwned2"));
  }
  std::filesystem::remove_all(dir);
}

// A name with a newline (the portfolio reader rejects it; a library caller may not):
// it stays inside the comment and the quotes.
TEST(PlanExport, NewlineInANameNeverRuns) {
  Planned x = planned();
  x.f.p.workloads[0].name = "a\ntouch pwned3\n$(touch pwned4)";
  x.f.p.workloads[0].model.key = "m'\n$(touch pwned5)";
  const auto dir = std::filesystem::temp_directory_path() / "xpuplan_slurm_newline";
  for (const ExportFile& f : export_plan(x.f.p, x.f.rates, x.r, ExportFormat::slurm)) {
    ASSERT_TRUE(write_text_file((dir / f.path).string(), f.text, true)) << f.path;
    const std::string run =
        "cd '" + dir.string() + "' && env -i PATH=/usr/bin:/bin bash '" + (dir / f.path).string() + "' >/dev/null 2>&1";
    EXPECT_NE(std::system(run.c_str()), 0);
  }
  for (const char* f : {"pwned3", "pwned4", "pwned5"}) EXPECT_FALSE(std::filesystem::exists(dir / f)) << f;
  for (const ExportFile& f : export_plan(x.f.p, x.f.rates, x.r, ExportFormat::skypilot)) {
    EXPECT_NO_THROW(YAML::Load(f.text)) << f.text;
  }
  std::filesystem::remove_all(dir);
}

// SkyPilot's task schema and launch rules, as written in skypilot-org/skypilot
// at commit 00052dfe0d132c5ad6aa9a175572b0695f747c80: sky/utils/schemas.py
// get_task_schema() (top-level keys, additionalProperties false; envs names
// ^[a-zA-Z_][a-zA-Z0-9_]*$ with string or null values; num_nodes an integer),
// _get_single_resources_schema() (resource keys; infra matching
// cloud[/region[/zone]] over sky/skylet/constants.py ALL_CLOUDS, or
// k8s/<context>), and sky/resources.py (a TPU slice is one accelerator,
// count 1). Every task must pass, and the tasks together carry the plan.
TEST(PlanExport, SkyPilotTasksPassSkyPilotsSchema) {
  const Planned& x = planned();
  ASSERT_TRUE(x.r.has_plan()) << x.r.message;
  ASSERT_TRUE(x.r.check.ok()) << x.r.check.verdict();
  const auto files = export_plan(x.f.p, x.f.rates, x.r, ExportFormat::skypilot);
  ASSERT_FALSE(files.empty());
  const std::set<std::string> task_keys{"name",
                                        "workdir",
                                        "event_callback",
                                        "num_nodes",
                                        "resources",
                                        "file_mounts",
                                        "service",
                                        "pool",
                                        "setup",
                                        "run",
                                        "envs",
                                        "secrets",
                                        "managed_secrets",
                                        "inputs",
                                        "outputs",
                                        "file_mounts_mapping",
                                        "config",
                                        "volumes",
                                        "volume_mounts",
                                        "api_server_access",
                                        "_metadata"};
  const std::set<std::string> resource_keys{"cloud",   "region",       "zone",          "infra",     "cpus",
                                            "memory",  "accelerators", "instance_type", "use_spot",  "job_recovery",
                                            "volumes", "ports",        "disk_size",     "disk_tier", "image_id",
                                            "labels",  "any_of",       "ordered"};
  const std::regex infra(
      "^(?:(aws|azure|gcp|ibm|lambda|scp|oci|runpod|vast|vsphere|cudo|fluidstack|paperspace|do|nebius|ssh|"
      "hyperbolic)(?:/[^/]+(?:/[^/]+)?)?|(kubernetes|k8s)(?:/.+)?)$");
  const std::regex env_name("^[a-zA-Z_][a-zA-Z0-9_]*$");
  std::map<std::pair<std::string, std::string>, long long> exported;  // (workload task prefix, infra) -> chips
  for (const ExportFile& f : files) {
    SCOPED_TRACE(f.path);
    const YAML::Node task = YAML::Load(f.text);
    ASSERT_TRUE(task.IsMap());
    for (const auto& kv : task) EXPECT_TRUE(task_keys.count(kv.first.as<std::string>())) << kv.first;
    for (const auto& kv : task["resources"]) EXPECT_TRUE(resource_keys.count(kv.first.as<std::string>())) << kv.first;
    EXPECT_FALSE(task["resources"]["cloud"] && task["resources"]["infra"]);
    const std::string where = task["resources"]["infra"].as<std::string>();
    EXPECT_TRUE(std::regex_match(where, infra)) << where;
    const std::string acc = task["resources"]["accelerators"].as<std::string>();
    const size_t colon = acc.find(':');
    ASSERT_NE(colon, std::string::npos) << acc;
    const int count = std::stoi(acc.substr(colon + 1));
    EXPECT_GT(count, 0);
    if (acc.starts_with("tpu-")) {
      EXPECT_EQ(count, 1) << acc;
    }
    for (const auto& kv : task["envs"]) {
      EXPECT_TRUE(std::regex_match(kv.first.as<std::string>(), env_name));
      EXPECT_TRUE(kv.second.IsNull() || kv.second.IsScalar());
    }
    // What `run` needs is declared (null: sky launch asks for it with --env).
    const std::string run = task["run"].as<std::string>();
    for (const char* v : {"XPUPLAN_TRAIN_CMD", "XPUPLAN_SERVE_CMD"}) {
      if (run.find(v) != std::string::npos) {
        EXPECT_TRUE(task["envs"][v].IsDefined()) << v;
      }
    }
    if (task["service"]) {
      EXPECT_GE(task["service"]["replicas"].as<int>(), 1);
      EXPECT_FALSE(task["num_nodes"]);
    } else {
      const long long nodes = task["num_nodes"].as<long long>();
      EXPECT_GE(nodes, 1);
      exported[{where, acc.substr(0, colon)}] += nodes * count;
    }
  }
  // Every pool a gang uses has a task (neocloud pinned through Kubernetes).
  std::set<std::string> infras;
  for (const ExportFile& f : files) infras.insert(YAML::Load(f.text)["resources"]["infra"].as<std::string>());
  EXPECT_TRUE(infras.count("k8s/neocloud-dallas"));  // run-b on the neocloud's B200s
  EXPECT_TRUE(std::any_of(files.begin(), files.end(),
                          [](const ExportFile& f) { return YAML::Load(f.text)["service"].IsDefined(); }));
  for (const Gang& g : x.r.plan.gangs) {
    const bool known = g.provider == "aws" || g.provider == "gcp";
    EXPECT_TRUE(infras.count(known ? g.provider + "/" + g.region : "k8s/neocloud-dallas")) << g.provider;
  }
}

// A non-empty folder needs force; force removes what the last export wrote, nothing else.
TEST(PlanExport, ExportFolderNeedsForceAndRemovesOnlyItsOwnFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "xpuplan_export_force";
  fs::remove_all(dir);
  EXPECT_TRUE(write_export(dir.string(), {{"a/one.yaml", "x: 1\n"}, {"two.yaml", "y: 2\n"}}, false).empty());
  EXPECT_TRUE(fs::exists(dir / "a/one.yaml"));
  ASSERT_TRUE(write_text_file((dir / "mine.txt").string(), "keep\n", true));
  EXPECT_FALSE(write_export(dir.string(), {{"three.yaml", "z: 3\n"}}, false).empty());  // not empty, no force
  EXPECT_TRUE(fs::exists(dir / "two.yaml"));
  EXPECT_TRUE(write_export(dir.string(), {{"three.yaml", "z: 3\n"}}, true).empty());
  EXPECT_FALSE(fs::exists(dir / "a/one.yaml"));  // stale files of the last export are gone
  EXPECT_FALSE(fs::exists(dir / "two.yaml"));
  EXPECT_TRUE(fs::exists(dir / "three.yaml"));
  EXPECT_TRUE(fs::exists(dir / "mine.txt"));  // the user's own file stays
  const fs::path other = fs::temp_directory_path() / "xpuplan_export_foreign";
  fs::remove_all(other);
  ASSERT_TRUE(write_text_file((other / "notes.txt").string(), "keep\n", true));
  EXPECT_FALSE(write_export(other.string(), {{"x.yaml", "x: 1\n"}}, true).empty());  // no manifest: not ours
  EXPECT_TRUE(fs::exists(other / "notes.txt"));
  fs::remove_all(dir);
  fs::remove_all(other);
}

TEST(PlanExport, AnEmptyNameOrAFileIsNotAFolder) {
  // "" wrote into the current folder unchecked; a file, and /dev/null, were
  // "cannot write" per manifest or "not empty; give --force" (usertrial3).
  namespace fs = std::filesystem;
  EXPECT_EQ(write_export("", {{"x.yaml", "x: 1\n"}}, true),
            (std::vector<std::string>{"the folder name is empty; give a folder to write the manifests to"}));
  const fs::path file = fs::temp_directory_path() / "xpuplan_export_a_file";
  ASSERT_TRUE(write_text_file(file.string(), "keep\n"));
  for (const std::string& dir : {file.string(), std::string("/dev/null")}) {
    EXPECT_EQ(write_export(dir, {{"x.yaml", "x: 1\n"}}, true),
              (std::vector<std::string>{dir + ": is a file, not a folder; give a new or empty folder"}));
  }
  fs::remove(file);
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
  EXPECT_TRUE(j["status"] == "optimal" || j["status"] == "feasible") << j["status"];
  EXPECT_EQ(j["solver"]["model"], "executable");
  EXPECT_EQ(j["checker"]["verdict"], "ok");
  EXPECT_TRUE(j["checker"]["violations"].empty());
  EXPECT_EQ(j["summary"]["workloads"].size(), x.f.p.workloads.size());
  EXPECT_EQ(dump_canonical(j), dump_canonical(to_json(x.f.p, x.f.rates, x.r)));
}

}  // namespace
}  // namespace xpu
