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

// Text for a shell comment: control characters (a newline would end the
// comment and start a command) become '?'.
std::string comment_safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

// A single-quoted shell word: nothing inside is expanded ($, backticks,
// newlines are literal); a quote closes, escapes and reopens.
std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// SkyPilot's clouds (sky/skylet/constants.py ALL_CLOUDS, skypilot-org/skypilot
// commit 00052dfe0d132c5ad6aa9a175572b0695f747c80).
const std::set<std::string>& skypilot_clouds() {
  static const std::set<std::string> k{"aws",        "azure",  "gcp",    "ibm",       "lambda", "scp",
                                       "oci",        "runpod", "vast",   "vsphere",   "cudo",   "fluidstack",
                                       "paperspace", "do",     "nebius", "hyperbolic"};
  return k;
}

// A region name SkyPilot's infra pattern accepts as one path segment.
bool plain_segment(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// `infra:` pinning the priced provider: "aws/us-east-1" for a cloud SkyPilot
// knows, "k8s/<context>" otherwise (a neocloud reached through its Kubernetes).
std::string skypilot_infra(const std::string& provider, const std::string& region) {
  if (skypilot_clouds().count(provider)) {
    return plain_segment(region) ? provider + "/" + region : provider;
  }
  return "k8s/" + k8s_name(provider + (region.empty() ? "" : "-" + region));
}

const PlanOffer* pool_offer(const Portfolio& p, const std::string& acc, const std::string& provider,
                            const std::string& region, bool spot) {
  const PlanOffer* best = nullptr;
  for (const PlanOffer& o : p.offers) {
    if (o.offer.accelerator == acc && o.offer.provider == provider && o.offer.region == region &&
        (o.offer.term == Term::spot) == spot && (!best || o.offer.chips > best->offer.chips))
      best = &o;
  }
  return best;
}

bool is_tpu(const std::string& acc) { return acc.starts_with("tpu-"); }

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
    out += comment_safe(fmt::format("{}{}  {:>10.1f} chips of {} on {}", prefix, p.horizon.label(a.month), a.chips,
                                    p.offers[a.offer.index()].offer.accelerator, p.offers[a.offer.index()].key)) +
           "\n";
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
        comment_safe(fmt::format("xpuplan plan '{}' for {}: quotas are the month's planned whole instances' chips",
                                 p.name, p.horizon.label(m))));
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
    s += comment_safe(fmt::format("# xpuplan plan '{}': training run '{}' ({}, {:.4g} tokens), deadline {}.", p.name,
                                  wl.name, wl.model.key, wl.train.job.tokens, p.horizon.label(wl.deadline))) +
         "\n";
    s += "# Planned chips per month (monthly averages):\n" + schedule_lines(p, r.plan, int(w), "#   ");
    s += fmt::format("#SBATCH --job-name={}\n", name);
    s += fmt::format("#SBATCH --partition={}\n", k8s_name(u.accelerator));
    s += fmt::format("#SBATCH --nodes={}\n", nodes);
    s += slurm_gres(o.vendor, per_node) + "\n";
    s += fmt::format("#SBATCH --begin={}-01T00:00:00\n", p.horizon.label(u.first));
    s += fmt::format("#SBATCH --time={}-00:00:00\n", static_cast<int>(std::ceil(hours / 24)));
    s += "#SBATCH --exclusive\n";
    s += "set -euo pipefail\n";
    s += fmt::format("export XPUPLAN_MODEL={}\nexport XPUPLAN_TOKENS={:.0f}\nexport XPUPLAN_SEQ_LEN={}\n",
                     shell_quote(wl.model.key), wl.train.job.tokens, wl.train.job.seq_len);
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
    e << YAML::Comment(
        comment_safe(fmt::format("xpuplan plan '{}': {} '{}' on {} (its most used offer: {})", p.name,
                                 wl.kind == Mode::train ? "training run" : "service", wl.name, u.accelerator, o.key)));
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

// Executable plans: one script per training run and span of consecutive
// months in one pool at one gang size.
std::vector<ExportFile> slurm_gangs(const Portfolio& p, const PlanResult& r) {
  std::vector<ExportFile> out;
  const auto& gs = r.plan.gangs;
  for (size_t i = 0; i < gs.size();) {
    size_t j = i + 1;
    while (j < gs.size() && gs[j].workload == gs[i].workload && gs[j].month == gs[j - 1].month + 1 &&
           gs[j].chips == gs[i].chips && gs[j].accelerator == gs[i].accelerator && gs[j].provider == gs[i].provider &&
           gs[j].region == gs[i].region && gs[j].spot == gs[i].spot)
      ++j;
    const Gang& g = gs[i];
    const Workload& wl = p.workloads[g.workload.index()];
    const PlanOffer* o = pool_offer(p, g.accelerator, g.provider, g.region, g.spot);
    const int per_node = o ? std::max(1, o->offer.chips) : 1;
    const int64_t nodes = std::max<int64_t>(1, g.chips / per_node);
    double hours = 0;
    for (size_t k = i; k < j; ++k) hours += p.horizon.hours(gs[k].month);
    const std::string name = k8s_name(wl.name) + "-" + p.horizon.label(g.month);
    std::string s = "#!/bin/bash\n";
    s += comment_safe(fmt::format("# xpuplan plan '{}': training run '{}' ({}, {:.4g} tokens), deadline {}.", p.name,
                                  wl.name, wl.model.key, wl.train.job.tokens, p.horizon.label(wl.deadline))) +
         "\n";
    s += comment_safe(fmt::format("# Gang: {} chips of {} at {}/{}{} ({} nodes x {}), {}..{}, layout {}.", g.chips,
                                  g.accelerator, g.provider, g.region.empty() ? "-" : g.region, g.spot ? " spot" : "",
                                  nodes, per_node, p.horizon.label(g.month), p.horizon.label(gs[j - 1].month),
                                  g.layout)) +
         "\n";
    if (g.moved_in) s += "# The run moves here: copy its checkpoint from the previous cluster first.\n";
    s += fmt::format("#SBATCH --job-name={}\n", name);
    s += fmt::format("#SBATCH --partition={}\n", k8s_name(g.accelerator));
    s += fmt::format("#SBATCH --nodes={}\n", nodes);
    s += slurm_gres(o ? o->vendor : Vendor::nvidia, per_node) + "\n";
    s += fmt::format("#SBATCH --begin={}-01T00:00:00\n", p.horizon.label(g.month));
    s += fmt::format("#SBATCH --time={}-00:00:00\n", static_cast<int>(std::ceil(hours / 24)));
    s += "#SBATCH --exclusive\n";
    s += "set -euo pipefail\n";
    s += fmt::format("export XPUPLAN_RUN={}\nexport XPUPLAN_MODEL={}\nexport XPUPLAN_TOKENS={:.0f}\n",
                     shell_quote(wl.name), shell_quote(wl.model.key), wl.train.job.tokens);
    s += "srun --kill-on-bad-exit=1 bash -c \"${XPUPLAN_TRAIN_CMD:?set XPUPLAN_TRAIN_CMD to the training command}\"\n";
    out.push_back({fmt::format("slurm/{}.sbatch", name), s});
    i = j;
  }
  return out;
}

// Executable plans: one SkyPilot task per workload and pool the plan uses.
// Training: the gang's largest count there as num_nodes x chips per node (a
// TPU slice is one accelerator `tpu-v5p-8` with count 1). Services: SkyServe
// replicas at the serving search's replica size.
std::vector<ExportFile> skypilot_pools(const Portfolio& p, const PlanResult& r) {
  struct Use {
    int64_t peak = 0;  // chips (training) or replicas (services)
    int per_replica = 0;
    int first = 1 << 30, last = -1;
    std::string layout;
  };
  using Key = std::tuple<int, std::string, std::string, std::string, bool>;  // workload, acc, provider, region, spot
  std::map<Key, Use> uses;
  for (const Gang& g : r.plan.gangs) {
    Use& u = uses[{g.workload.value(), g.accelerator, g.provider, g.region, g.spot}];
    u.peak = std::max(u.peak, g.chips);
    u.first = std::min(u.first, g.month);
    u.last = std::max(u.last, g.month);
    u.layout = g.layout;
  }
  for (const Replicas& x : r.plan.replicas) {
    Use& u = uses[{x.workload.value(), x.accelerator, x.provider, x.region, false}];
    u.peak = std::max(u.peak, x.replicas);
    u.per_replica = x.chips_per_replica;
    u.first = std::min(u.first, x.month);
    u.last = std::max(u.last, x.month);
    u.layout = x.layout;
  }
  std::vector<ExportFile> out;
  for (const auto& [key, u] : uses) {
    const auto& [w, acc, provider, region, spot] = key;
    const Workload& wl = p.workloads[w];
    const PlanOffer* o = pool_offer(p, acc, provider, region, spot);
    const int per_node = o ? std::max(1, o->offer.chips) : 1;
    const std::string name = k8s_name(wl.name + "-" + acc + "-" + provider + (region.empty() ? "" : "-" + region));
    YAML::Emitter e;
    e << YAML::Comment(comment_safe(fmt::format("xpuplan plan '{}': {} '{}' on {} at {}/{}{}, {}..{}, layout {}",
                                                p.name, wl.kind == Mode::train ? "training run" : "service", wl.name,
                                                acc, provider, region.empty() ? "-" : region, spot ? " (spot)" : "",
                                                p.horizon.label(u.first), p.horizon.label(u.last), u.layout)));
    if (o && o->is_commitment()) {
      e << YAML::Comment(
          comment_safe(fmt::format("capacity is a {} commitment ('{}'): SkyPilot has no start or stop "
                                   "dates; launch inside its term",
                                   to_string(o->offer.term), o->key)));
    }
    e << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name;
    std::string accelerators;
    int64_t nodes = 1;
    if (wl.kind == Mode::train) {
      if (is_tpu(acc)) {
        accelerators = skypilot_accelerator(acc, static_cast<int>(u.peak)) + ":1";
      } else {
        accelerators = fmt::format("{}:{}", skypilot_accelerator(acc, per_node), per_node);
        nodes = std::max<int64_t>(1, u.peak / per_node);
      }
    } else if (is_tpu(acc)) {
      accelerators = skypilot_accelerator(acc, u.per_replica) + ":1";
    } else {
      accelerators = fmt::format("{}:{}", skypilot_accelerator(acc, u.per_replica), u.per_replica);
    }
    e << YAML::Key << "resources" << YAML::Value << YAML::BeginMap << YAML::Key << "infra" << YAML::Value
      << skypilot_infra(provider, region) << YAML::Key << "accelerators" << YAML::Value << accelerators << YAML::Key
      << "use_spot" << YAML::Value << spot;
    if (wl.kind == Mode::infer) e << YAML::Key << "ports" << YAML::Value << 8000;
    e << YAML::EndMap;
    if (wl.kind == Mode::train) {
      e << YAML::Key << "num_nodes" << YAML::Value << nodes;
    } else {
      e << YAML::Key << "service" << YAML::Value << YAML::BeginMap << YAML::Key << "readiness_probe" << YAML::Value
        << "/health" << YAML::Key << "replicas" << YAML::Value << u.peak << YAML::EndMap;
    }
    const char* cmd = wl.kind == Mode::train ? "XPUPLAN_TRAIN_CMD" : "XPUPLAN_SERVE_CMD";
    // A null env must be given with --env before `sky launch` provisions (sky/task.py).
    e << YAML::Key << "envs" << YAML::Value << YAML::BeginMap << YAML::Key << "XPUPLAN_MODEL" << YAML::Value
      << wl.model.key << YAML::Key << "XPUPLAN_FIRST_MONTH" << YAML::Value << p.horizon.label(u.first) << YAML::Key
      << "XPUPLAN_LAST_MONTH" << YAML::Value << p.horizon.label(u.last) << YAML::Key << cmd << YAML::Value << YAML::Null
      << YAML::EndMap;
    e << YAML::Key << "run" << YAML::Value << YAML::Literal << fmt::format("bash -c \"${}\"\n", cmd) << YAML::EndMap;
    out.push_back({fmt::format("skypilot/{}.yaml", name), std::string(e.c_str()) + "\n"});
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

std::vector<std::string> write_export(const std::string& dir, const std::vector<ExportFile>& files, bool force) {
  namespace fs = std::filesystem;
  std::vector<std::string> bad;
  std::error_code ec;
  const fs::path root(dir);
  const fs::path manifest = root / kExportManifest;
  // An empty name wrote into the current folder, past the emptiness check; a
  // file (or /dev/null) was "not empty; give --force" or "cannot write" at
  // each manifest (usertrial3).
  if (dir.empty()) {
    bad.emplace_back("the folder name is empty; give a folder to write the manifests to");
    return bad;
  }
  if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
    bad.push_back(fmt::format("{}: is a file, not a folder; give a new or empty folder", dir));
    return bad;
  }
  if (fs::exists(root, ec) && !fs::is_empty(root, ec)) {
    if (!force) {
      bad.push_back(fmt::format("{}: not empty; give --force to replace the files a previous export wrote there", dir));
      return bad;
    }
    std::ifstream in(manifest);
    if (!in) {
      bad.push_back(
          fmt::format("{}: not empty and not written by xpuplan (no {}); nothing removed", dir, kExportManifest));
      return bad;
    }
    for (std::string line; std::getline(in, line);) {
      // Only relative paths inside the folder, as this function writes them.
      if (line.empty() || line.find("..") != std::string::npos || line.front() == '/') continue;
      fs::remove(root / line, ec);
    }
  }
  std::string listed;
  for (const ExportFile& f : files) {
    const fs::path path = root / f.path;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << f.text;
    if (!out) bad.push_back(fmt::format("{}: cannot write", path.string()));
    listed += f.path + "\n";
  }
  std::ofstream m(manifest, std::ios::binary);
  m << listed;
  if (!m) bad.push_back(fmt::format("{}: cannot write", manifest.string()));
  return bad;
}

std::vector<ExportFile> export_plan(const Portfolio& p, const RateTable& rates, const PlanResult& r,
                                    ExportFormat format) {
  std::vector<ExportFile> out;
  switch (format) {
    case ExportFormat::kueue:
      out = kueue(p, r);
      break;
    case ExportFormat::slurm:
      out = r.plan.fluid ? slurm(p, r) : slurm_gangs(p, r);
      break;
    case ExportFormat::skypilot:
      out = r.plan.fluid ? skypilot(p, rates, r) : skypilot_pools(p, r);
      break;
  }
  std::sort(out.begin(), out.end(), [](const ExportFile& a, const ExportFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace xpu
