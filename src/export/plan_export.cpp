#include "export/plan_export.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace xpu {
namespace {

// A DNS-1123 label: lowercase letters, digits and '-', at most 63 characters.
std::string k8s_name(std::string_view s) {
  std::string out;
  for (char c : s) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(l)) ? l : '-');
  }
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  return out.empty() ? "xpuplan" : out;
}

std::string flavor_of(const PlanOffer& o) {
  return k8s_name(
      fmt::format("{}-{}{}", o.offer.accelerator, o.offer.provider, o.offer.term == Term::spot ? "-spot" : ""));
}

// The accelerator a workload uses most (chip-months), its peak month's chips and the offer it uses most there.
struct MainUse {
  std::string accelerator;
  int offer = -1;
  double peak = 0;
  int first = -1, last = -1;
};

MainUse main_use(const Portfolio& p, const Plan& plan, int w) {
  std::map<std::string, double> chip_months;
  std::map<std::pair<std::string, int>, double> per_month;
  std::map<int, double> per_offer;
  MainUse u;
  for (const Assignment& a : plan.assignments) {
    if (a.workload != WorkloadId(w)) continue;
    const std::string& acc = p.offers[a.offer.index()].offer.accelerator;
    chip_months[acc] += a.chips;
    per_month[{acc, a.month}] += a.chips;
    if (u.first < 0 || a.month < u.first) u.first = a.month;
    u.last = std::max(u.last, a.month);
  }
  double best = -1;
  for (const auto& [acc, cm] : chip_months) {
    if (cm > best) {
      best = cm;
      u.accelerator = acc;
    }
  }
  for (const auto& [k, chips] : per_month) {
    if (k.first == u.accelerator) u.peak = std::max(u.peak, chips);
  }
  for (const Assignment& a : plan.assignments) {
    if (a.workload == WorkloadId(w) && p.offers[a.offer.index()].offer.accelerator == u.accelerator)
      per_offer[a.offer.value()] += a.chips;
  }
  best = -1;
  for (const auto& [o, cm] : per_offer) {
    if (cm > best) {
      best = cm;
      u.offer = o;
    }
  }
  return u;
}

std::string schedule_lines(const Portfolio& p, const Plan& plan, int w, const std::string& prefix) {
  std::string out;
  for (const Assignment& a : plan.assignments) {
    if (a.workload != WorkloadId(w)) continue;
    out += fmt::format("{}{}  {:>10.1f} chips of {} on {}\n", prefix, p.horizon.label(a.month), a.chips,
                       p.offers[a.offer.index()].offer.accelerator, p.offers[a.offer.index()].key);
  }
  return out;
}

std::vector<ExportFile> kueue(const Portfolio& p, const PlanResult& r) {
  std::vector<ExportFile> out;
  const std::string queue = k8s_name(p.name.empty() ? "xpuplan" : p.name);
  for (int m = 0; m < p.horizon.months; ++m) {
    // Quota per (resource, flavor): chips provisioned this month, rounded up.
    std::map<std::string, std::map<std::string, double>> quota;
    std::map<std::string, const PlanOffer*> flavors;
    for (const OfferMonths& om : r.summary.offers) {
      const PlanOffer& o = p.offers[om.offer];
      if (om.provisioned[m] <= 0) continue;
      quota[std::string(k8s_resource(o.vendor))][flavor_of(o)] += om.provisioned[m];
      flavors.emplace(flavor_of(o), &o);
    }
    std::set<std::string> active;
    for (const Assignment& a : r.plan.assignments) {
      if (a.month == m) active.insert(p.workloads[a.workload.index()].name);
    }
    YAML::Emitter e;
    e << YAML::Comment(
        fmt::format("xpuplan plan '{}' for {}: quotas are the month's planned chips", p.name, p.horizon.label(m)));
    for (const auto& [name, o] : flavors) {
      e << YAML::BeginDoc << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "kueue.x-k8s.io/v1beta1"
        << YAML::Key << "kind" << YAML::Value << "ResourceFlavor" << YAML::Key << "metadata" << YAML::Value
        << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::EndMap << YAML::Key << "spec"
        << YAML::Value << YAML::BeginMap << YAML::Key << "nodeLabels" << YAML::Value << YAML::BeginMap << YAML::Key
        << "xpuplan.io/accelerator" << YAML::Value << o->offer.accelerator << YAML::Key << "xpuplan.io/provider"
        << YAML::Value << o->offer.provider << YAML::Key << "xpuplan.io/capacity-type" << YAML::Value
        << (o->offer.term == Term::spot ? "spot" : "on-demand-or-reserved") << YAML::EndMap << YAML::EndMap
        << YAML::EndMap;
    }
    e << YAML::BeginDoc << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "kueue.x-k8s.io/v1beta1"
      << YAML::Key << "kind" << YAML::Value << "ClusterQueue" << YAML::Key << "metadata" << YAML::Value
      << YAML::BeginMap << YAML::Key << "name" << YAML::Value << queue << YAML::EndMap << YAML::Key << "spec"
      << YAML::Value << YAML::BeginMap << YAML::Key << "namespaceSelector" << YAML::Value << YAML::BeginMap
      << YAML::EndMap << YAML::Key << "resourceGroups" << YAML::Value << YAML::BeginSeq;
    for (const auto& [resource, by_flavor] : quota) {
      e << YAML::BeginMap << YAML::Key << "coveredResources" << YAML::Value << YAML::Flow << YAML::BeginSeq << resource
        << YAML::EndSeq << YAML::Key << "flavors" << YAML::Value << YAML::BeginSeq;
      for (const auto& [flavor, chips] : by_flavor) {
        e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << flavor << YAML::Key << "resources" << YAML::Value
          << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "name" << YAML::Value << resource << YAML::Key
          << "nominalQuota" << YAML::Value << static_cast<long long>(std::ceil(chips - 1e-6)) << YAML::EndMap
          << YAML::EndSeq << YAML::EndMap;
      }
      e << YAML::EndSeq << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    for (const std::string& w : active) {
      e << YAML::BeginDoc << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "kueue.x-k8s.io/v1beta1"
        << YAML::Key << "kind" << YAML::Value << "LocalQueue" << YAML::Key << "metadata" << YAML::Value
        << YAML::BeginMap << YAML::Key << "namespace" << YAML::Value << "default" << YAML::Key << "name" << YAML::Value
        << k8s_name(w) << YAML::EndMap << YAML::Key << "spec" << YAML::Value << YAML::BeginMap << YAML::Key
        << "clusterQueue" << YAML::Value << queue << YAML::EndMap << YAML::EndMap;
    }
    out.push_back({fmt::format("kueue/{}.yaml", p.horizon.label(m)), std::string(e.c_str()) + "\n"});
  }
  return out;
}

std::string slurm_gres(Vendor v, int per_node) {
  switch (v) {
    case Vendor::nvidia:
    case Vendor::amd:
      return fmt::format("#SBATCH --gpus-per-node={}", per_node);
    case Vendor::google:
      return fmt::format("#SBATCH --gres=tpu:{}", per_node);
    case Vendor::aws:
      return fmt::format("#SBATCH --gres=neuron:{}", per_node);
  }
  return "";
}

std::vector<ExportFile> slurm(const Portfolio& p, const PlanResult& r) {
  std::vector<ExportFile> out;
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    const Workload& wl = p.workloads[w];
    if (wl.kind != Mode::train) continue;
    const MainUse u = main_use(p, r.plan, int(w));
    if (u.offer < 0) continue;
    const PlanOffer& o = p.offers[u.offer];
    const int per_node = std::max(1, o.offer.chips);
    const int nodes = std::max(1, static_cast<int>(std::ceil(u.peak / per_node - 1e-6)));
    double hours = 0;
    for (int m = u.first; m <= u.last; ++m) hours += p.horizon.hours(m);
    const std::string name = k8s_name(wl.name);
    std::string s = "#!/bin/bash\n";
    s += fmt::format("# xpuplan plan '{}': training run '{}' ({}, {:.4g} tokens), deadline {}.\n", p.name, wl.name,
                     wl.model.key, wl.train.job.tokens, p.horizon.label(wl.deadline));
    s += "# Planned chips per month (monthly averages):\n" + schedule_lines(p, r.plan, int(w), "#   ");
    s += fmt::format("#SBATCH --job-name={}\n", name);
    s += fmt::format("#SBATCH --partition={}\n", k8s_name(u.accelerator));
    s += fmt::format("#SBATCH --nodes={}\n", nodes);
    s += slurm_gres(o.vendor, per_node) + "\n";
    s += fmt::format("#SBATCH --begin={}-01T00:00:00\n", p.horizon.label(u.first));
    s += fmt::format("#SBATCH --time={}-00:00:00\n", static_cast<int>(std::ceil(hours / 24)));
    s += "#SBATCH --exclusive\n";
    s += "set -euo pipefail\n";
    s += fmt::format("export XPUPLAN_MODEL={}\nexport XPUPLAN_TOKENS={:.0f}\nexport XPUPLAN_SEQ_LEN={}\n", wl.model.key,
                     wl.train.job.tokens, wl.train.job.seq_len);
    s += "srun --kill-on-bad-exit=1 bash -c \"${XPUPLAN_TRAIN_CMD:?set XPUPLAN_TRAIN_CMD to the training command}\"\n";
    out.push_back({fmt::format("slurm/{}.sbatch", name), s});
  }
  return out;
}

std::vector<ExportFile> skypilot(const Portfolio& p, const RateTable& rates, const PlanResult& r) {
  std::vector<ExportFile> out;
  static const std::set<std::string> kClouds{"aws", "gcp", "azure", "oci", "lambda", "runpod", "kubernetes"};
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    const Workload& wl = p.workloads[w];
    const MainUse u = main_use(p, r.plan, int(w));
    if (u.offer < 0) continue;
    const PlanOffer& o = p.offers[u.offer];
    const int per_node = std::max(1, o.offer.chips);
    YAML::Emitter e;
    e << YAML::Comment(fmt::format("xpuplan plan '{}': {} '{}' on {} (its most used offer: {})", p.name,
                                   wl.kind == Mode::train ? "training run" : "service", wl.name, u.accelerator, o.key));
    e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << k8s_name(wl.name);
    e << YAML::Key << "resources" << YAML::Value << YAML::BeginMap << YAML::Key << "accelerators" << YAML::Value
      << fmt::format("{}:{}", skypilot_accelerator(u.accelerator, per_node), per_node);
    if (kClouds.count(o.offer.provider)) e << YAML::Key << "cloud" << YAML::Value << o.offer.provider;
    if (!o.offer.region.empty()) e << YAML::Key << "region" << YAML::Value << o.offer.region;
    e << YAML::Key << "use_spot" << YAML::Value << (o.offer.term == Term::spot);
    if (wl.kind == Mode::infer) e << YAML::Key << "ports" << YAML::Value << 8000;
    e << YAML::EndMap;
    if (wl.kind == Mode::train) {
      e << YAML::Key << "num_nodes" << YAML::Value
        << std::max(1, static_cast<int>(std::ceil(u.peak / per_node - 1e-6)));
    } else {
      const AcceleratorRate* ar = rates.workloads[w].find(u.accelerator);
      const int per_replica = ar && ar->chips_per_replica > 0 ? ar->chips_per_replica : per_node;
      e << YAML::Key << "service" << YAML::Value << YAML::BeginMap << YAML::Key << "readiness_probe" << YAML::Value
        << "/health" << YAML::Key << "replicas" << YAML::Value
        << std::max(1, static_cast<int>(std::ceil(u.peak / per_replica - 1e-6))) << YAML::EndMap;
    }
    e << YAML::Key << "envs" << YAML::Value << YAML::BeginMap << YAML::Key << "XPUPLAN_MODEL" << YAML::Value
      << wl.model.key << YAML::Key << "XPUPLAN_FIRST_MONTH" << YAML::Value << p.horizon.label(u.first) << YAML::Key
      << "XPUPLAN_LAST_MONTH" << YAML::Value << p.horizon.label(u.last) << YAML::EndMap;
    e << YAML::Key << "run" << YAML::Value << YAML::Literal
      << (wl.kind == Mode::train ? "${XPUPLAN_TRAIN_CMD:?set XPUPLAN_TRAIN_CMD}\n"
                                 : "${XPUPLAN_SERVE_CMD:?set XPUPLAN_SERVE_CMD}\n")
      << YAML::EndMap;
    out.push_back({fmt::format("skypilot/{}.yaml", k8s_name(wl.name)), std::string(e.c_str()) + "\n"});
  }
  return out;
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view s) {
  if (s == "kueue") return ExportFormat::kueue;
  if (s == "slurm") return ExportFormat::slurm;
  if (s == "skypilot") return ExportFormat::skypilot;
  return std::nullopt;
}

std::string_view k8s_resource(Vendor v) {
  switch (v) {
    case Vendor::nvidia:
      return "nvidia.com/gpu";
    case Vendor::google:
      return "google.com/tpu";
    case Vendor::aws:
      return "aws.amazon.com/neuron";
    case Vendor::amd:
      return "amd.com/gpu";
  }
  return "";
}

std::string skypilot_accelerator(const std::string& key, int chips) {
  static const std::map<std::string, std::string> kNames{
      {"a100-80gb", "A100-80GB"}, {"h100-sxm", "H100"},   {"h200-sxm", "H200"}, {"h800-sxm", "H800"},
      {"b200", "B200"},           {"gb200", "GB200"},     {"b300", "B300"},     {"gb300", "GB300"},
      {"mi300x", "MI300X"},       {"mi325x", "MI325X"},   {"mi355x", "MI355X"}, {"trn1", "Trainium"},
      {"trn2", "Trainium2"},      {"inf2", "Inferentia2"}};
  if (auto it = kNames.find(key); it != kNames.end()) return it->second;
  // TPUs by slice: v5p and v4 count TensorCores (two per chip), v5e and v6e count chips.
  if (key == "tpu-v5p" || key == "tpu-v4") return fmt::format("{}-{}", key, 2 * chips);
  if (key == "tpu-v5e") return fmt::format("tpu-v5litepod-{}", chips);
  if (key.starts_with("tpu-")) return fmt::format("{}-{}", key, chips);
  return key;
}

std::vector<ExportFile> export_plan(const Portfolio& p, const RateTable& rates, const PlanResult& r,
                                    ExportFormat format) {
  std::vector<ExportFile> out;
  switch (format) {
    case ExportFormat::kueue:
      out = kueue(p, r);
      break;
    case ExportFormat::slurm:
      out = slurm(p, r);
      break;
    case ExportFormat::skypilot:
      out = skypilot(p, rates, r);
      break;
  }
  std::sort(out.begin(), out.end(), [](const ExportFile& a, const ExportFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace xpu
