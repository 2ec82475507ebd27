// One short request as `xpuplan serve` answers it, from the body's text to
// the report's JSON text (jobs::run's path: parse, read the request, the api,
// render, dump), for the two single-estimate requests of bench_serve_load
// --vary: a train request (Llama 3.1 8B on 64 H100 SXM) and an infer request
// (Llama 3.1 8B on H100 SXM at a rate), each iteration with a token count or
// a rate of its own. Arg 0: the search computed afresh (as before
// api/shared.h, and as a request with new chips or a new model still runs);
// arg 1: with the searches that requests share (api::Shared), as a server
// answers them. Same JSON either way (jobs_test).
//
// BM_RequestTrainNew / BM_RequestInferNew: new questions (bench/new_questions.h,
// the space of bench_serve_load --vary-all), the same sequence for each arg,
// so arg 0 is the mean cost of a cold question of that space and arg 1 what a
// server pays when the space's repeats share their searches.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "api/infer.h"
#include "api/train.h"
#include "ingest/data_files.h"
#include "ingest/requests.h"
#include "new_questions.h"
#include "report/engine_report.h"

namespace xpu {
namespace {

const DataSet& shipped() {
  static const DataSet data = load_data({shipped_data_dir()}, nullptr, /*apply_calibration=*/true);
  return data;
}

// Requests with bodies make(i) for i = 1, 2, ...: read, answered by `answer`
// (with the shared searches for arg 1, none for arg 0) and rendered.
template <class Make, class Read, class Answer>
void run_requests(benchmark::State& state, Make make, Read read, Answer answer) {
  api::Shared shared;
  api::Shared* const share = state.range(0) != 0 ? &shared : nullptr;
  size_t bytes = 0;
  double id = 0;
  long long refused = 0;  // requests the reader or the api refused (their diagnostics are the answer)
  shipped();              // loaded before the clock
  for (auto _ : state) {
    const auto request = read(nlohmann::json::parse(make(++id)), shipped());
    if (!request.request) {
      ++refused;
      continue;
    }
    const auto report = answer(*request.request, share);
    if (!report) {
      ++refused;
      continue;
    }
    const std::string text = to_json(*report).dump();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["refused"] = static_cast<double>(refused);
}

void BM_RequestTrain(benchmark::State& state) {
  run_requests(
      state,
      [](double id) {
        return fmt::format(R"({{"model":"llama3.1-8b","accelerator":"h100-sxm","chips":64,"tokens":{}}})",
                           1e12 + 1000.0 * id);
      },
      [](const nlohmann::json& q, const DataSet& d) { return read_train_request(q, d); },
      [](const api::TrainRequest& r, api::Shared* s) { return api::run_train(shipped(), r, ThreadBudget(1), s); });
}
BENCHMARK(BM_RequestTrain)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RequestInfer(benchmark::State& state) {
  run_requests(
      state,
      [](double id) {
        return fmt::format(R"({{"model":"llama3.1-8b","accelerator":"h100-sxm","rate":{:.6f}}})", 5 + 1e-6 * id);
      },
      [](const nlohmann::json& q, const DataSet& d) { return read_infer_request(q, d); },
      [](const api::InferRequest& r, api::Shared* s) { return api::run_infer(shipped(), r, s); });
}
BENCHMARK(BM_RequestInfer)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RequestTrainNew(benchmark::State& state) {
  run_requests(
      state, [](double id) { return bench::new_train_question(1, static_cast<uint64_t>(id)); },
      [](const nlohmann::json& q, const DataSet& d) { return read_train_request(q, d); },
      [](const api::TrainRequest& r, api::Shared* s) { return api::run_train(shipped(), r, ThreadBudget(1), s); });
}
BENCHMARK(BM_RequestTrainNew)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RequestInferNew(benchmark::State& state) {
  run_requests(
      state, [](double id) { return bench::new_infer_question(1, static_cast<uint64_t>(id)); },
      [](const nlohmann::json& q, const DataSet& d) { return read_infer_request(q, d); },
      [](const api::InferRequest& r, api::Shared* s) { return api::run_infer(shipped(), r, s); });
}
BENCHMARK(BM_RequestInferNew)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
