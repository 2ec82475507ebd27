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

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

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

// The tail of a new infer question's cost: the first 2,000 questions of the
// --vary-all space (seed 1), each answered afresh (no shared searches) and
// timed alone in this thread's CPU time; the counters are the p50, p90, p98,
// p99 and max CPU per question (ms) over the 2,000, so a change to the search is
// seen in its tail as well as its mean. XPUPLAN_TAIL_OUT=FILE writes one line
// per question (number, CPU ms, a hash of the answer's JSON text, body): which
// are slow, and whether two builds answer all 2,000 alike (compare the hashes).
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

void BM_RequestInferNewTail(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  std::vector<double> ms;
  std::vector<std::string> bodies;
  std::vector<size_t> answers;  // a hash of each answer's text (0: refused)
  shipped();
  for (auto _ : state) {
    ms.clear();
    bodies.clear();
    answers.clear();
    for (uint64_t id = 1; id <= n; ++id) {
      const double start = thread_cpu_ms();
      std::string body = bench::new_infer_question(1, id);
      const auto request = read_infer_request(nlohmann::json::parse(body), shipped());
      size_t answer = 0;
      if (request.request) {
        if (const auto report = api::run_infer(shipped(), *request.request, nullptr)) {
          const std::string text = to_json(*report).dump();
          benchmark::DoNotOptimize(text.data());
          answer = std::hash<std::string>{}(text);
        }
      }
      ms.push_back(thread_cpu_ms() - start);
      answers.push_back(answer);
      bodies.push_back(std::move(body));
    }
  }
  if (const char* out = std::getenv("XPUPLAN_TAIL_OUT"); out != nullptr && *out != 0) {
    if (FILE* f = std::fopen(out, "w")) {
      for (size_t i = 0; i < ms.size(); ++i) {
        std::fprintf(f, "%zu %.4f %016zx %s\n", i + 1, ms[i], answers[i], bodies[i].c_str());
      }
      std::fclose(f);
    }
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const auto at = [&](double q) {
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())))];
  };
  state.counters["p50_ms"] = at(0.5);
  state.counters["p90_ms"] = at(0.9);
  state.counters["p98_ms"] = at(0.98);  // a mix of half catalog requests: its p99 is the infer p98
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = sorted.back();
  double sum = 0;
  for (const double x : ms) sum += x;
  state.counters["mean_ms"] = sum / static_cast<double>(ms.size());
}
BENCHMARK(BM_RequestInferNewTail)->Arg(2000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
