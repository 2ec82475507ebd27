#include "jobs/jobs.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "api/catalog.h"
#include "api/compare.h"
#include "api/evidence.h"
#include "api/infer.h"
#include "api/plan.h"
#include "api/simulate.h"
#include "api/train.h"
#include "base/parallel.h"
#include "base/suggest.h"
#include "ingest/data_files.h"
#include "ingest/requests.h"
#include "ingest/simulate_request.h"
#include "jobs/inline_docs.h"
#include "report/catalog_report.h"
#include "report/compare_report.h"
#include "report/engine_report.h"
#include "report/evidence_report.h"
#include "report/plan_report_api.h"
#include "report/simulate_report.h"
#include "sim/simulate.h"

namespace xpu::jobs {
namespace {

// The budget a request's own "threads" (0 = all cores) gets under the cap.
ThreadBudget budget(unsigned requested, const Options& o) {
  const ThreadBudget b = budget_for_request(requested);
  if (o.max_threads == 0 || b.threads() <= o.max_threads) return b;
  return ThreadBudget(o.max_threads);
}

// One job: read the request, run the api, render its JSON.
template <class Request, class Report>
Result finish(RequestRead<Request> read, const Options& o,
              const std::function<Expected<Report, Diagnostics>(const Request&)>& call,
              const std::function<nlohmann::json(const Report&)>& render) {
  Result r;
  r.diagnostics = std::move(read.diagnostics);
  if (!read.request || has_errors(r.diagnostics)) return r;
  if (o.check_only) {
    r.report = nlohmann::json::object();
    return r;
  }
  auto report = call(*read.request);
  if (!report) {
    auto more = relocate(std::move(report).error(), o.style);
    r.diagnostics.insert(r.diagnostics.end(), more.begin(), more.end());
    return r;
  }
  r.outcome = report->outcome;
  r.report = render(*report);
  return r;
}

template <class Request, class Report>
Result finish(RequestRead<Request> read, const Options& o,
              const std::function<Expected<Report, Diagnostics>(const Request&)>& call) {
  return finish<Request, Report>(std::move(read), o, call, [](const Report& rep) { return to_json(rep); });
}

using Runner = Result (*)(const nlohmann::json&, const Data&, const Options&);

struct Entry {
  JobKind kind;
  Runner run;
};

Result run_catalog(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::CatalogRequest, api::CatalogReport>(
      read_catalog_request(q, o.style), o, [&](const auto& r) { return api::run_catalog(d.calibrated(), r); });
}
Result run_models(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::ModelsRequest, api::ModelsReport>(
      read_models_request(q, d.calibrated(), o.style), o,
      [&](const auto& r) { return api::run_models(d.calibrated(), r); });
}
Result run_prices(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::PricesRequest, api::PricesReport>(
      read_prices_request(q, d.calibrated(), o.style), o,
      [&](const auto& r) { return api::run_prices(d.calibrated(), r); });
}
Result run_train(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::TrainRequest, api::TrainReport>(
      read_train_request(q, d.calibrated(), o.style), o,
      [&](const auto& r) { return api::run_train(d.calibrated(), r, budget(r.threads, o), &d.shared()); });
}
Result run_infer(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::InferRequest, api::InferReport>(
      read_infer_request(q, d.calibrated(), o.style), o,
      [&](const auto& r) { return api::run_infer(d.calibrated(), r, &d.shared()); });
}
Result run_compare(const nlohmann::json& q, const Data& d, const Options& o) {
  auto read = read_compare_request(q, d.calibrated(), o.style);
  if (read.request && o.progress) read.request->progress = o.progress;
  return finish<api::CompareRequest, api::CompareReport>(
      std::move(read), o, [&](const auto& r) { return api::run_compare(d.calibrated(), r, budget(r.threads, o)); });
}
// The claims report is Markdown (docs/claims.md); its JSON carries that text.
Result run_claims(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::ClaimsRequest, api::ClaimsReport>(
      read_claims_request(q, o.style), o,
      [&](const auto& r) { return api::run_claims(d.calibrated(), r, budget(r.threads, o)); },
      [](const api::ClaimsReport& rep) {
        return nlohmann::json{{"markdown", to_markdown(rep)}};
      });
}
Result run_validate(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::ValidateRequest, api::ValidateReport>(read_validate_request(q, o.style), o, [&](const auto& r) {
    return api::run_validate(d.calibrated(), r, budget(r.threads, o));
  });
}
Result run_components(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::ComponentsRequest, api::ComponentsReport>(
      read_components_request(q, o.style), o,
      [&](const auto& r) { return api::run_validate_components(d.calibrated(), r); });
}
// Fits from the stacks' priors, as `xpuplan calibrate` does.
Result run_calibrate(const nlohmann::json& q, const Data& d, const Options& o) {
  return finish<api::CalibrateRequest, api::CalibrateReport>(read_calibrate_request(q, o.style), o, [&](const auto& r) {
    return api::run_calibrate(d.priors(), r, budget(r.threads, o));
  });
}
// Bytes per MILP cell (one offer-month, or one workload on one usable offer
// in one month): the slope of the peak RSS of `xpuplan plan` over the loaded
// data (`xpuplan catalog`, 20.3 MiB) between tests/data/portfolio/small.yaml
// (27 cells, +6.6 MiB) and examples/portfolio.yaml (672 cells, +68.9 MiB at
// --time-limit 20), measured 2026-12-05 (docs/benchmarks.md): CBC's copies of
// the model and its search tree, the names, the rate table, the planner's maps.
constexpr double kMilpBytesPerCell = 100.0 * 1024;

MemoryEstimate plan_memory(const Portfolio& p) {
  const double months = std::max(1, p.horizon.months);
  size_t usable = 0;  // (workload, offer) pairs: the offers of a workload's accelerators
  for (const auto& w : p.workloads) {
    for (const auto& o : p.offers) {
      if (std::binary_search(w.accelerators.begin(), w.accelerators.end(), o.offer.accelerator)) ++usable;
    }
  }
  const double cells = months * static_cast<double>(p.offers.size() + usable);
  return {cells * kMilpBytesPerCell,
          fmt::format("MILP of {} months x ({} offers + {} workload-offer pairs) = {:.0f} cells x {:.0f} KiB", months,
                      p.offers.size(), usable, cells, kMilpBytesPerCell / 1024)};
}

// The outcome records: the simulator's doubles per replica and policy (pools
// counted as offers in plan mode, an upper bound).
MemoryEstimate records_memory(size_t replicas, size_t policies, size_t pools, size_t runs, size_t services,
                              size_t months) {
  const auto stride = static_cast<double>(outcome_doubles_per_policy(pools, runs, services, months));
  const double bytes = 8.0 * double(replicas) * double(std::max<size_t>(1, policies)) * stride;
  return {bytes, fmt::format("outcome records of {} replicas x {} policies x {:.0f} doubles", replicas,
                             std::max<size_t>(1, policies), stride)};
}

Result run_plan(const nlohmann::json& q, const Data& d, const Options& o) {
  auto read = read_plan_request(q, d.calibrated(), o.style);
  if (read.request && o.plan_progress) read.request->progress = o.plan_progress;
  std::optional<MemoryEstimate> memory;
  if (o.check_only && read.request) memory = plan_memory(read.request->portfolio);
  auto r = finish<api::PlanRequest, api::PlanReport>(std::move(read), o, [&](const auto& req) {
    auto report = api::run_plan(d.calibrated(), req, budget(0, o));
    if (report && o.on_plan) o.on_plan(*report);
    return report;
  });
  if (r.ok()) r.memory = std::move(memory);
  return r;
}

// The larger of the plan made first (plan mode without a saved plan) and the outcome records.
MemoryEstimate simulate_memory(const api::SimulateRequest& s) {
  const size_t replicas = s.options.replicas, policies = s.options.policies.size();
  if (s.scenario) {
    const auto& in = *s.scenario;
    return records_memory(replicas, policies, in.pools.size(), in.runs.size(), in.services.size(),
                          size_t(s.months > 0 ? std::min(s.months, in.horizon.months()) : in.horizon.months()));
  }
  if (!s.planning) return {};
  const Portfolio& p = s.planning->portfolio;
  const auto runs = size_t(
      std::count_if(p.workloads.begin(), p.workloads.end(), [](const Workload& w) { return w.kind == Mode::train; }));
  const int months = s.months > 0 ? std::min(s.months, p.horizon.months) : p.horizon.months;
  auto records = records_memory(replicas, policies, p.offers.size(), runs, p.workloads.size() - runs, size_t(months));
  if (s.plan) return records;
  auto plan = plan_memory(p);
  return plan.bytes > records.bytes ? plan : records;
}

Result run_simulate(const nlohmann::json& q, const Data& d, const Options& o) {
  auto read = read_simulate_request(q, d.calibrated(), o.style);
  if (read.request && o.progress) read.request->progress = o.progress;
  std::optional<MemoryEstimate> memory;
  if (o.check_only && read.request) memory = simulate_memory(*read.request);
  auto r = finish<api::SimulateRequest, api::SimulateReport>(
      std::move(read), o, [&](const auto& req) { return api::run_simulate(d.calibrated(), req, budget(0, o)); });
  if (r.ok()) r.memory = std::move(memory);
  return r;
}

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries{
      {{"catalog", "Accelerators and systems with their sources", false}, run_catalog},
      {{"models", "Shipped models, or one read from a Hugging Face config.json", false}, run_models},
      {{"prices", "Cloud and purchase offers", false}, run_prices},
      {{"train", "Time, memory and MFU of a training run, with the best parallel layout", false}, run_train},
      {{"infer", "Latency, throughput and cost of a serving deployment", false}, run_infer},
      {{"compare", "Every accelerator ranked for one training run or service", false}, run_compare},
      {{"claims", "Vendor price-performance claims checked against the engines", true}, run_claims},
      {{"validate", "The engines against published measurements", true}, run_validate},
      {{"components", "The engines' kernels against published microbenchmarks", false}, run_components},
      {{"calibrate", "Fit each stack's software parameters to the published cases", true}, run_calibrate},
      {{"plan", "The cheapest executable portfolio of offers for a set of workloads", true}, run_plan},
      {{"simulate", "The plan under supply shocks, failures and spot reclaims, Monte Carlo", true}, run_simulate},
  };
  return entries;
}

Result run_reading_files(const Entry& e, const nlohmann::json& request, const Data& data, const Options& options) {
  try {
    return e.run(request, data, options);
  } catch (const InputError& err) {  // a file named by the request could not be read or parsed
    Result r;
    r.diagnostics = options.style.refused;  // fields refused before reading are not in the exception
    for (const Diagnostic& d : err.diagnostics()) r.diagnostics.push_back(d);
    return r;
  }
}

}  // namespace

std::vector<std::string_view> document_fields(std::string_view kind) {
  if (kind == "train" || kind == "infer" || kind == "compare") return {"model"};
  if (kind == "models") return {"show"};
  if (kind == "validate") return {"cases", "models"};
  if (kind == "components" || kind == "calibrate") return {"cases"};
  if (kind == "plan") return {"portfolio"};
  if (kind == "simulate") return {"portfolio", "plan", "scenario", "risks"};
  return {};
}

const std::vector<JobKind>& kinds() {
  static const std::vector<JobKind> out = [] {
    std::vector<JobKind> k;
    for (const auto& e : table()) k.push_back(e.kind);
    return k;
  }();
  return out;
}

Data::Data(std::vector<std::string> dirs, std::vector<std::string> price_files, Diagnostics* notes)
    : dirs_(std::move(dirs)),
      price_files_(std::move(price_files)),
      calibrated_(load_data(dirs_, notes, /*apply_calibration=*/true, price_files_)) {}

std::shared_ptr<const Data> Data::shipped() {
  return std::make_shared<const Data>(std::vector<std::string>{shipped_data_dir()}, std::vector<std::string>{});
}

const DataSet& Data::priors() const {
  std::call_once(priors_once_, [this] {
    priors_ = std::make_unique<DataSet>(load_data(dirs_, nullptr, /*apply_calibration=*/false, price_files_));
  });
  return *priors_;
}

Result run(std::string_view kind, const nlohmann::json& request, const Data& data, const Options& options) {
  const auto& entries = table();
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.kind.name == kind; });
  if (it == entries.end()) {
    std::vector<std::string> names;
    names.reserve(entries.size());
    for (const auto& e : entries) names.emplace_back(e.kind.name);
    Result r;
    r.diagnostics.push_back(
        error_at({.pointer = ""}, fmt::format("unknown job '{}'{}; the jobs are {}", kind,
                                              did_you_mean(std::string(kind), names), fmt::join(names, ", "))));
    return r;
  }
  if (!request.is_object()) {
    Result r;
    r.diagnostics.push_back(error_at({.pointer = ""}, "a request is a JSON object of fields"));
    return r;
  }
  if (!options.allow_files) {
    // Documents come inline. What they refuse is left out of the request and
    // handed to its reader, which reports it with every other problem in one pass.
    nlohmann::json inlined = request;
    Options o = options;
    const InlineDocuments docs(kind, inlined, data.calibrated(), o.style.refused);
    Result r = run_reading_files(*it, inlined, data, o);
    docs.map_back(r.diagnostics);
    if (r.report) docs.map_back(*r.report);
    return r;
  }
  return run_reading_files(*it, request, data, options);
}

}  // namespace xpu::jobs
