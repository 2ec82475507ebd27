// The simulator's speed.
//
// BM_EventQueueVsPriorityQueue/N: the "hold" loop (pop the earliest event,
// push one a random span later) on a queue of N events, for the 4-ary
// EventQueue and, in the same iteration, for a plain std::priority_queue of
// the same (time, sequence, payload) events. Counters: events/s of each and
// their ratio, both in this thread's CPU time (target: >= 5M events/s per core).
//
// BM_Fleet100k/T: 1,000 replicas of bench/fleet-100k.yaml (99,984 chips, 12
// months) with bench/fleet-100k-risks.yaml (Llama 3 failure rate, shocks,
// spot, late deliveries), policy static, on T threads (target: < 10 s wall on
// the 2-core machine). Counters: wall seconds, replicas/s, and the ratio to
// one thread measured in the same run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <ctime>
#include <queue>
#include <vector>

#include "ingest/risks_io.h"
#include "ingest/sim_input_io.h"
#include "sim/event_queue.h"
#include "sim/simulate.h"

namespace xpu {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// This thread's CPU seconds: the queue loops are timed by CPU so that other
// work on the shared machine does not tilt the ratio.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Spans drawn once so both queues see the same sequence and no RNG is timed.
std::vector<int64_t> spans(size_t n) {
  std::vector<int64_t> out(n);
  uint64_t x = 88172645463325252ull;
  for (auto& s : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s = static_cast<int64_t>(x % 1'000'000);  // up to 1 ms of simulated time
  }
  return out;
}

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return a.time > b.time || (a.time == b.time && a.seq > b.seq);
  }
};

void BM_EventQueueVsPriorityQueue(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  constexpr size_t kOps = 1 << 20;
  const auto span = spans(kOps + n);
  double queue_s = 0, baseline_s = 0;
  for (auto _ : state) {
    EventQueue q;
    for (size_t i = 0; i < n; ++i) q.push(SimTime::from_ns(span[i]), i);
    double start = thread_cpu_seconds();
    for (size_t i = 0; i < kOps; ++i) {
      const Event e = q.pop();
      q.push(e.time + SimDuration::from_ns(span[n + i]), e.payload);
    }
    queue_s += thread_cpu_seconds() - start;
    benchmark::DoNotOptimize(q.top());

    std::priority_queue<Event, std::vector<Event>, Later> pq;
    uint64_t seq = 0;
    for (size_t i = 0; i < n; ++i) pq.push(Event{SimTime::from_ns(span[i]), seq++, i});
    start = thread_cpu_seconds();
    for (size_t i = 0; i < kOps; ++i) {
      const Event e = pq.top();
      pq.pop();
      pq.push(Event{e.time + SimDuration::from_ns(span[n + i]), seq++, e.payload});
    }
    baseline_s += thread_cpu_seconds() - start;
    benchmark::DoNotOptimize(pq.top());
  }
  const double events = static_cast<double>(kOps * state.iterations());
  state.counters["events_per_s"] = events / queue_s;
  state.counters["priority_queue_events_per_s"] = events / baseline_s;
  state.counters["ratio"] = baseline_s / queue_s;
}
BENCHMARK(BM_EventQueueVsPriorityQueue)->Arg(16)->Arg(256)->Arg(4096)->Arg(65536)->Unit(benchmark::kMillisecond);

void BM_Fleet100k(benchmark::State& state) {
  const std::string dir = XPUPLAN_BENCH_DIR;
  const SimInput in = load_sim_input(dir + "/fleet-100k.yaml");
  const Risks risks = load_risks(dir + "/fleet-100k-risks.yaml", in);
  const auto threads = static_cast<unsigned>(state.range(0));
  double wall = 0, one_thread = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    const auto r = simulate(in, risks, {.replicas = 1000, .seed = 1, .threads = threads, .policies = {"static"}});
    wall += seconds_since(start);
    benchmark::DoNotOptimize(r);
    if (threads > 1) {
      start = std::chrono::steady_clock::now();
      const auto r1 = simulate(in, risks, {.replicas = 1000, .seed = 1, .threads = 1, .policies = {"static"}});
      one_thread += seconds_since(start);
      benchmark::DoNotOptimize(r1);
    }
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["wall_s"] = wall / n;
  state.counters["replicas_per_s"] = 1000 * n / wall;
  if (threads > 1) state.counters["speedup_vs_1_thread"] = one_thread / wall;
}
BENCHMARK(BM_Fleet100k)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
