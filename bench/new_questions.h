// The space of new questions that `bench_serve_load --vary-all` asks and
// `bench_request`'s BM_Request*New cycle through: each train or infer request
// draws its model, accelerator, chips or lengths and targets from it
// (seeded, deterministic per request number), with a token count or rate of
// its own, so no answer cache answers it and the shared searches
// (api/shared.h) share only what repeats.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace xpu::bench {

// --vary-all's space: shipped models from 1B to 72B dense and two MoE
// (the 400B+ models, whose one search takes tens of ms, are left out and
// said so in docs/benchmarks.md), six accelerators of four vendors, and
// the counts, lengths and targets a capacity planner asks about.
constexpr std::array kModels{"llama3.2-1b", "llama3.2-3b",  "llama3.1-8b", "mistral-7b",   "gemma2-9b",    "phi-4",
                             "qwen3-32b",   "llama3.1-70b", "qwen2.5-72b", "mixtral-8x7b", "qwen3-30b-a3b"};
constexpr std::array kAccelerators{"h100-sxm", "h200-sxm", "a100-80gb", "b200", "mi300x", "tpu-v5p"};
constexpr std::array kChips{8, 16, 32, 64, 128, 256};
constexpr std::array kSeqLens{2048, 4096, 8192};
constexpr std::array kInputLens{512, 1024, 2048, 4096};
constexpr std::array kOutputLens{128, 256, 512};
// p99 targets: none, or a TTFT and a TPOT (ms).
constexpr std::array<std::array<int, 2>, 4> kSlos{{{0, 0}, {2000, 50}, {500, 30}, {200, 20}}};
constexpr std::array kRates{1.0, 5.0, 20.0, 100.0};

// A question's draws: splitmix64 of the seed and the request's number.
struct Draw {
  uint64_t x;
  size_t operator()(size_t n) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<size_t>((z ^ (z >> 31)) % n);
  }
};

template <class A>
inline auto pick(Draw& d, const A& a) {
  return a[d(a.size())];
}

inline std::string new_train_question(uint64_t seed, uint64_t id) {
  Draw d{seed * 0x100000001b3ULL + id};
  const char* model = pick(d, kModels);
  const char* accelerator = pick(d, kAccelerators);
  const int chips = pick(d, kChips);
  const int seq = pick(d, kSeqLens);
  return fmt::format(R"({{"model":"{}","accelerator":"{}","chips":{},"seq_len":{},"tokens":{}}})", model, accelerator,
                     chips, seq, 1e12 + 1000.0 * static_cast<double>(id));
}

inline std::string new_infer_question(uint64_t seed, uint64_t id) {
  Draw d{seed * 0x100000001b3ULL + id + (1ULL << 62)};
  const char* model = pick(d, kModels);
  const char* accelerator = pick(d, kAccelerators);
  const int input = pick(d, kInputLens);
  const int output = pick(d, kOutputLens);
  const auto slo = pick(d, kSlos);
  const double rate = pick(d, kRates) + 1e-6 * static_cast<double>(id);
  const std::string targets = slo[0] > 0 ? fmt::format(R"(,"ttft_slo":"{}ms","tpot_slo":"{}ms")", slo[0], slo[1]) : "";
  return fmt::format(R"({{"model":"{}","accelerator":"{}","input_len":{},"output_len":{},"rate":{:.6f}{}}})", model,
                     accelerator, input, output, rate, targets);
}

}  // namespace xpu::bench
