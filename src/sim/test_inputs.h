// Small simulator inputs built in code, for sim's tests and benchmarks.
#pragma once

#include <string>
#include <vector>

#include "sim/input.h"
#include "sim/risks.h"

namespace xpu::sim_testing {

inline SimPool pool(std::string name, std::string accelerator, std::string vendor, std::string provider, Term term,
                    double dollars_per_chip_hour, int64_t capacity, int months, int64_t chips_per_instance = 8) {
  SimPool p;
  p.name = std::move(name);
  p.accelerator = std::move(accelerator);
  p.vendor = std::move(vendor);
  p.provider = std::move(provider);
  p.term = term;
  p.chips_per_instance = chips_per_instance;
  p.price_per_chip = dollars_per_hour(dollars_per_chip_hour);
  p.capacity.assign(months, capacity);
  return p;
}

// A run on `chips` of pool `p` at `tokens_per_s` in months [from, to], all else empty.
inline SimRun run(std::string name, double tokens, int months, int p, int64_t chips, double tokens_per_s, int from,
                  int to, int deadline) {
  SimRun r;
  r.name = std::move(name);
  r.tokens = tokens;
  r.earliest = from;
  r.deadline = deadline;
  r.months.assign(months, RunMonth{});
  for (int m = from; m <= to; ++m) r.months[m] = RunMonth{p, chips, tokens_per_s};
  r.checkpoint = gigabytes(100);
  r.write_bandwidth = gigabytes_per_second(10);
  r.restart = Seconds(600);
  return r;
}

// A service with `replicas` of `chips_per_replica` in pool p every month, at `demand` req/s.
inline SimService service(std::string name, int months, int p, int64_t replicas, int64_t chips_per_replica,
                          double rps_per_replica, double demand) {
  SimService s;
  s.name = std::move(name);
  s.demand_rps.assign(months, demand);
  s.months.assign(months, {ReplicaSet{p, replicas, chips_per_replica, rps_per_replica}});
  return s;
}

// 2027 from January: two NVIDIA pools (1y commitment, on-demand), one TPU
// on-demand pool; a training run on the commitment for three months that
// moves to on-demand H100 in month 2 as planned; a run that finishes mid-month on TPU;
// a service on on-demand H100.
inline SimInput small_fleet() {
  const int M = 6;
  SimInput in;
  in.horizon = calendar_horizon(2027, 1, M);
  in.pools = {pool("h100-1y", "h100-sxm", "nvidia", "aws", Term::commit_1y, 2.0, 1024, M),
              pool("h100-od", "h100-sxm", "nvidia", "aws", Term::on_demand, 4.0, 2048, M),
              pool("v5p-od", "tpu-v5p", "google", "gcp", Term::on_demand, 3.0, 1024, M, 4)};
  const double rate = 1024 * 3000.0;  // tokens/s: 3,000 tokens/s per chip
  SimRun a = run("pretrain", rate * 3600 * (744 + 672 + 500), M, 0, 1024, rate, 0, 1, 4);
  a.months[2] = RunMonth{1, 1024, rate};
  in.runs.push_back(a);
  in.runs.push_back(run("finetune", 512 * 2000.0 * 3600 * 300, M, 2, 512, 512 * 2000.0, 1, 1, 2));
  in.services.push_back(service("chat", M, 1, 16, 8, 10, 150));
  return in;
}

inline FailureRule failures(std::string accelerator, double per_chip_hour) {
  FailureRule f;
  f.accelerator = std::move(accelerator);
  f.per_chip_hour = per_chip_hour;
  f.detect = Seconds(120);
  f.replace = hours(4);
  return f;
}

}  // namespace xpu::sim_testing
