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
//
// BM_Replan: the `replan` policy's re-solve (sim/replan.h) on the shipped
// example's saved executable plan (tests/data/sim/example-plan.json): in
// June 2027, pretrain-70b's deadline month, with the run 5% behind its plan
// and its pool at half capacity. Counters: the median re-plan seconds over 15
// re-plans (target <= 1 s) and, as the baseline in the same run, the median of
// the same re-solve over the whole horizon from January without losses (the
// planner's fluid model under the same options), and their ratio.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <queue>
#include <vector>

#include "ingest/data_files.h"
#include "ingest/portfolio_io.h"
#include "ingest/risks_io.h"
#include "ingest/saved_plan_io.h"
#include "ingest/sim_input_io.h"
#include "sim/event_queue.h"
#include "sim/from_plan.h"
#include "sim/replan.h"
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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

void BM_Replan(benchmark::State& state) {
  const std::string root = std::string(XPUPLAN_BENCH_DIR) + "/..";
  const DataSet data = load_data({shipped_data_dir()});
  const Portfolio p = load_portfolio(root + "/examples/portfolio.yaml", data);
  const RateTable rates = estimate_rates(p, data.catalog);
  const Plan plan = load_saved_plan(root + "/tests/data/sim/example-plan.json", p);
  const SimInput in = sim_input_from_plan(p, rates, plan);
  const PlanContext ctx{p, rates, plan.porting};
  const int june = 5;
  const PlanOutcome planned = evaluate_plan(in);
  ReplanState shocked{.month = june};
  for (const SimPool& pool : in.pools) shocked.available.push_back(pool.capacity[june]);
  for (const SimRun& r : in.runs) {
    double done = 0;  // the plan's tokens before June, 5% short
    for (int m = 0; m < june; ++m) done += r.months[m].tokens_per_s * in.horizon.month_hours[m] * 3600.0;
    shocked.tokens_done.push_back(std::min(done, r.tokens) * 0.95);
  }
  const int pool = in.runs[0].months[june].pool;
  if (pool >= 0)
    shocked.available[pool] =
        shocked.available[pool] / 2 / in.pools[pool].chips_per_instance * in.pools[pool].chips_per_instance;
  ReplanState january{.month = 0};
  for (const SimPool& s : in.pools) january.available.push_back(s.capacity[0]);
  january.tokens_done.assign(in.runs.size(), 0.0);
  std::vector<double> replan_s, full_s;
  int found = 0;
  for (auto _ : state) {
    for (int i = 0; i < 15; ++i) {
      auto start = std::chrono::steady_clock::now();
      const auto r = replan(ctx, in, shocked);
      replan_s.push_back(seconds_since(start));
      found += r.has_value();
      benchmark::DoNotOptimize(r);
      start = std::chrono::steady_clock::now();
      const auto f = replan(ctx, in, january);
      full_s.push_back(seconds_since(start));
      benchmark::DoNotOptimize(f);
    }
  }
  state.counters["replan_median_s"] = median(replan_s);
  state.counters["full_horizon_median_s"] = median(full_s);
  state.counters["replan_over_full"] = median(replan_s) / median(full_s);
  state.counters["plans_found"] = found;
  benchmark::DoNotOptimize(planned);
}
BENCHMARK(BM_Replan)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace xpu

BENCHMARK_MAIN();
