// Every api job by name, from a JSON request to the JSON that the CLI's
// --json prints for the same request: the one path that the HTTP server and
// the Python package share. A request's fields are the CLI's flag names in
// snake_case with the same defaults and unit text (ingest/requests.h); the
// CLI itself adds text, HTML, CSV and files around the same readers and api
// calls.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/common.h"
#include "api/plan.h"
#include "api/shared.h"
#include "base/diagnostics.h"
#include "catalog/data_set.h"
#include "ingest/request_fields.h"

namespace xpu::jobs {

struct JobKind {
  std::string_view name;     // "train", "compare", "plan", ...
  std::string_view summary;  // one line, as the CLI's help says it
  bool long_running;         // plan, simulate, calibrate: worth a job queue
};

// Every job, in the CLI's order.
const std::vector<JobKind>& kinds();

// The data a process answers from: the shipped directory first, then each
// user directory, then price files, loaded once. `calibrate` fits from the
// stacks' priors, so that second view is loaded on first use.
class Data {
 public:
  // Throws InputError when the data has errors; `notes` receives replacements and warnings.
  Data(std::vector<std::string> dirs, std::vector<std::string> price_files, Diagnostics* notes = nullptr);
  // The shipped data only.
  static std::shared_ptr<const Data> shipped();

  [[nodiscard]] const DataSet& calibrated() const { return calibrated_; }
  [[nodiscard]] const DataSet& priors() const;  // thread-safe; throws as the constructor does
  // What it was loaded from (a worker process loads the same).
  [[nodiscard]] const std::vector<std::string>& dirs() const { return dirs_; }
  [[nodiscard]] const std::vector<std::string>& price_files() const { return price_files_; }
  // Parts of answers that requests to this data share (api/shared.h); thread-safe.
  [[nodiscard]] api::Shared& shared() const { return shared_; }

 private:
  std::vector<std::string> dirs_;
  std::vector<std::string> price_files_;
  DataSet calibrated_;
  mutable std::once_flag priors_once_;
  mutable std::unique_ptr<DataSet> priors_;
  mutable api::Shared shared_;
};

struct Options {
  // Where diagnostics point: JSON pointers ("/chips") by default.
  FieldStyle style = {};
  // Caps the threads a request may ask for (0: no cap); a request's own
  // "threads" field (0 = all cores) applies under it.
  unsigned max_threads = 0;
  // simulate: replicas done of total, called from the simulating thread;
  // compare: options evaluated of total, from the evaluating threads (one call at a time).
  std::function<void(uint32_t done, uint32_t total)> progress;
  // plan: the main solve's state about every 0.25 s, from a solver thread
  // (api::PlanRequest::progress); it must not throw.
  std::function<void(const MilpProgress&)> plan_progress;
  // false (a server): no field of the request names a file. Documents come
  // inline instead: "model"/"show" a shipped key or a Hugging Face
  // config.json object; "cases", "models", "portfolio", "plan", "scenario"
  // and "risks" their text (a portfolio also a JSON object). A value that
  // looks like a file name is refused at its pointer; diagnostics in an
  // inline document are located `in` it (SourceLocation::file = the field).
  bool allow_files = true;
  // Reads and checks the request only, running nothing: a good request gives
  // an empty object as its report (a server refuses a bad job before queueing it).
  bool check_only = false;
  // plan: called with the report before it is rendered, on the running
  // thread (a server keeps what it needs to export the plan later).
  std::function<void(const api::PlanReport&)> on_plan;
};

// The request fields of job `kind` that name a file when files are allowed
// (and carry the document's text when they are not).
std::vector<std::string_view> document_fields(std::string_view kind);

// What a long job's largest structures would hold, estimated from its request
// before it runs: the planner's MILP (variables of every offer-month and of
// every workload on every offer it may use, each month) and the simulator's
// outcome records (replicas x policies x the record's doubles).
struct MemoryEstimate {
  double bytes = 0;
  std::string what;  // how it was counted ("MILP of 12 months x 40 offer and workload cells: ...")
};

struct Result {
  std::optional<nlohmann::json> report;  // the CLI's --json; empty when the request had errors
  // check_only, plan and simulate: the job's memory estimate.
  std::optional<MemoryEstimate> memory;
  api::Outcome outcome = api::Outcome::answered;
  Diagnostics diagnostics;  // the errors (then no report), or warnings and notes

  [[nodiscard]] bool ok() const { return report.has_value(); }
};

// Runs job `kind` on `request` (a JSON object). An unknown kind, a request
// with bad fields or a job the api refuses gives diagnostics, never an
// exception for bad input; only broken invariants (bugs) throw.
Result run(std::string_view kind, const nlohmann::json& request, const Data& data, const Options& options = {});

}  // namespace xpu::jobs
