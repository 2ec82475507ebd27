// Handing a plan to the cluster managers people run:
//
//   kueue     one manifest per month (kueue/<YYYY-MM>.yaml): a ResourceFlavor per
//             (accelerator, provider) the plan uses, one ClusterQueue whose nominal
//             quota per flavor is the month's provisioned chips (rounded up), and a
//             LocalQueue per workload pointing at it
//   slurm     a batch script per training run (slurm/<run>.sbatch): partition per
//             accelerator, nodes at the run's largest planned month, --begin at its
//             first month, the planned schedule in comments
//   skypilot  a task YAML per workload (skypilot/<name>.yaml): the accelerator
//             and count the plan gives it at its peak, cloud, region and spot;
//             services get a SkyServe `service:` section with their replicas
//
// Every file is valid YAML or shell; the command each job runs is a placeholder
// ($XPUPLAN_TRAIN_CMD / $XPUPLAN_SERVE_CMD) the user fills in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/planner.h"

namespace xpu {

enum class ExportFormat : unsigned char { kueue, slurm, skypilot };
std::optional<ExportFormat> parse_export_format(std::string_view s);

struct ExportFile {
  std::string path;  // relative to the export directory
  std::string text;
};

// The files for `format`, sorted by path. Requires r.has_plan().
std::vector<ExportFile> export_plan(const Portfolio& p, const RateTable& rates, const PlanResult& r,
                                    ExportFormat format);

// Writes `files` under `dir` and a manifest of them (`.xpuplan-export`). A
// directory that exists and is not empty needs `force`; then the files the
// manifest of the previous export lists are removed first (and nothing
// else). Returns the problems in words (empty = written).
std::vector<std::string> write_export(const std::string& dir, const std::vector<ExportFile>& files, bool force);
inline constexpr std::string_view kExportManifest = ".xpuplan-export";

// Kubernetes resource name of a vendor's accelerators ("nvidia.com/gpu", "google.com/tpu",
// "aws.amazon.com/neuron", "amd.com/gpu").
std::string_view k8s_resource(Vendor v);
// SkyPilot's name for an accelerator ("H100", "A100-80GB", "MI300X", "Trainium"); TPUs by slice.
std::string skypilot_accelerator(const std::string& key, int chips);

}  // namespace xpu
