// A bounded, self-stopping load test of `xpuplan serve` on loopback: the
// server in this process on a free port, C concurrent keep-alive connections
// (default 64) cycling through the endpoints of --mix (default GET
// /api/catalog and POST /api/infer) for S seconds, while one plan job
// (examples/portfolio.yaml) runs in a worker process (`xpuplan job-worker`,
// as `xpuplan serve` runs it; --worker PATH, or --in-process). Prints
// requests/s, p50/p99 latency, the CPU time the server process spent per
// request (the HTTP threads and the answers; the plan's worker is another
// process) and the process's RSS before and after (a soak: run it with
// --seconds 120 and compare the RSS lines).
//
//   serve_load [--seconds 10] [--connections 64] [--rate R] [--mix catalog,infer,train] [--no-plan]
//              [--no-cache] [--vary | --vary-all [--seed N]] [--job-nice N] [--worker PATH | --in-process]
//              [--smoke]
//
// Without --rate each connection sends its next request as soon as the last
// is answered (closed loop: the latency is that of a saturated server, 64
// requests always in flight). --rate R paces all connections together at R
// requests/s (open loop), and a latency counts from the request's scheduled
// time, so a client held up by a slow answer is not hidden.
//
// --no-cache turns the server's answer cache off (every request computes, as
// before the cache: the baseline); --vary gives every infer and train request
// its own question (infer: a request rate of 5 + a millionth per request;
// train: a token count of 1T + 1000 per request), one the cache has not seen:
// the cold path with the cache on. --vary varies only what the shared
// searches (api/shared.h) do not read, so after the first request every
// search is shared. --vary-all asks new questions: each infer and train
// request draws its model, accelerator, chips or lengths and targets from
// the space below (seeded by --seed and the request's number; a token count
// or rate of its own too, so the answer cache never answers it), and the
// shared searches' hits and misses are printed; --job-nice sets the long jobs' worker
// priority (default the server's; 0: as the HTTP threads).
//
// Latencies go into one fixed histogram, so the client's own memory stays flat.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include <sys/resource.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/data_files.h"
#include "new_questions.h"
#include "server/server.h"

namespace {

using Clock = std::chrono::steady_clock;

// Latency buckets: 10 us wide up to 100 ms, then 1 ms wide up to 30 s; one
// shared histogram, allocated before the RSS baseline.
constexpr size_t kFine = 10'000;
constexpr size_t kBuckets = kFine + 29'900;
size_t bucket_of(double us) {
  if (us < 100'000) return static_cast<size_t>(us / 10);
  return std::min(kBuckets - 1, kFine + static_cast<size_t>((us - 100'000) / 1000));
}
double bucket_ms(size_t i) {
  return i < kFine ? (static_cast<double>(i) + 0.5) / 100 : 100 + static_cast<double>(i - kFine) + 0.5;
}

// VmRSS (KiB) of a process: "self" or a pid; -1 when it is gone.
long rss_kib(const std::string& pid = "self") {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// The RSS (KiB) of this process's children together (the plan's
// `xpuplan job-worker`), and how many there are.
std::pair<long, int> children_rss_kib() {
  const std::string me = std::to_string(getpid());
  long total = 0;
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "status");
    std::string line;
    bool child = false;
    long rss = -1;
    while (std::getline(in, line)) {
      if (line.rfind("PPid:", 0) == 0) child = std::atol(line.c_str() + 5) == std::atol(me.c_str());
      if (line.rfind("VmRSS:", 0) == 0) rss = std::atol(line.c_str() + 6);
    }
    if (child && rss >= 0) {
      total += rss;
      ++n;
    }
  }
  return {total, n};
}

// CPU seconds (user + system) this process has used so far.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// The 1-minute load average, as /proc/loadavg says it.
double load_average() {
  std::ifstream in("/proc/loadavg");
  double l = -1;
  in >> l;
  return l;
}

enum class Endpoint { catalog, infer, train };

double percentile(const std::vector<std::atomic<uint64_t>>& b, uint64_t total, double p) {
  const auto want = static_cast<uint64_t>(p * static_cast<double>(total));
  uint64_t seen = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    seen += b[i].load();
    if (seen > want) return bucket_ms(i);
  }
  return bucket_ms(b.size() - 1);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  unsigned connections = 64;
  bool plan = true;
  bool cache = true;
  bool vary = false;
  bool vary_all = false;
  uint64_t seed = 1;
  int nice = -1;
  double rate = 0;
  std::string worker = XPUPLAN_BINARY;
  std::vector<Endpoint> mix{Endpoint::catalog, Endpoint::infer};
  std::string mix_text = "catalog,infer";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mix" && i + 1 < argc) {
      mix.clear();
      mix_text = argv[++i];
      for (size_t at = 0; at <= mix_text.size();) {
        const size_t end = std::min(mix_text.find(',', at), mix_text.size());
        const std::string name = mix_text.substr(at, end - at);
        if (name == "catalog") {
          mix.push_back(Endpoint::catalog);
        } else if (name == "infer") {
          mix.push_back(Endpoint::infer);
        } else if (name == "train") {
          mix.push_back(Endpoint::train);
        } else {
          fmt::print(stderr, "serve_load: --mix: unknown endpoint '{}' (catalog, infer, train)\n", name);
          return 2;
        }
        at = end + 1;
      }
    } else if (a == "--worker" && i + 1 < argc) {
      worker = argv[++i];
    } else if (a == "--in-process") {
      worker.clear();
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--connections" && i + 1 < argc) {
      connections = static_cast<unsigned>(std::atoi(argv[++i]));
    } else if (a == "--no-plan") {
      plan = false;
    } else if (a == "--rate" && i + 1 < argc) {
      rate = std::atof(argv[++i]);
    } else if (a == "--no-cache") {
      cache = false;
    } else if (a == "--vary") {
      vary = true;
    } else if (a == "--vary-all") {
      vary_all = true;
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--job-nice" && i + 1 < argc) {
      nice = std::atoi(argv[++i]);
    } else if (a == "--smoke") {
      seconds = 2;
    } else {
      fmt::print(stderr,
                 "usage: serve_load [--seconds S] [--connections C] [--rate R] [--mix catalog,infer,train] "
                 "[--no-plan] [--no-cache] [--vary | --vary-all [--seed N]] [--job-nice N] [--worker PATH | "
                 "--in-process] [--smoke]\n");
      return 2;
    }
  }
  if (!(seconds > 0) || seconds > 3600 || connections == 0 || connections > 1024 || !(rate >= 0)) {
    fmt::print(stderr, "serve_load: --seconds in (0, 3600], --connections in [1, 1024], --rate >= 0\n");
    return 2;
  }

  xpu::server::ServerOptions o;
  o.port = 0;
  o.threads = connections + 8;  // one per open connection, and a few for the job's events
  if (!cache) o.cache_bytes = 0;
  if (nice >= 0) o.jobs.worker_nice = nice;
  o.worker_exe = worker;
  auto data = xpu::jobs::Data::shipped();
  xpu::server::Server srv(data, o);
  const int port = srv.bind();
  if (port < 0) return 1;
  std::thread serving([&] { srv.run(); });

  const std::string infer = R"({"model":"llama3.1-8b","accelerator":"h100-sxm","rate":5})";
  const std::string train = R"({"model":"llama3.1-8b","accelerator":"h100-sxm","chips":64,"tokens":"1T"})";
  // Request n of a connection: the mix's endpoint n mod its length; with
  // --vary a question of its own (`id` distinct per request).
  auto send = [&](httplib::Client& c, uint64_t n, uint64_t id) {
    switch (mix[n % mix.size()]) {
      case Endpoint::catalog:
        return c.Get("/api/catalog");
      case Endpoint::infer:
        if (vary_all) return c.Post("/api/infer", xpu::bench::new_infer_question(seed, id), "application/json");
        return c.Post("/api/infer",
                      vary ? fmt::format(R"({{"model":"llama3.1-8b","accelerator":"h100-sxm","rate":{:.6f}}})",
                                         5 + 1e-6 * static_cast<double>(id))
                           : infer,
                      "application/json");
      case Endpoint::train:
        break;
    }
    if (vary_all) return c.Post("/api/train", xpu::bench::new_train_question(seed, id), "application/json");
    return c.Post("/api/train",
                  vary ? fmt::format(R"({{"model":"llama3.1-8b","accelerator":"h100-sxm","chips":64,"tokens":{}}})",
                                     1e12 + 1000.0 * static_cast<double>(id))
                       : train,
                  "application/json");
  };
  // Warm-up (first-use caches), then the RSS baseline.
  {
    httplib::Client c("127.0.0.1", port);
    for (uint64_t i = 0; i < 50 * mix.size(); ++i) {
      const auto r = send(c, i, i);
      if (!r || (r->status != 200 && r->status != 422)) {
        fmt::print(stderr, "serve_load: a warm-up request failed: {}\n",
                   r ? fmt::format("HTTP {}: {}", r->status, r->body) : httplib::to_string(r.error()));
        srv.stop();
        serving.join();
        return 1;
      }
    }
  }
  const xpu::api::Shared& searches = data->shared();
  const long long train_hits0 = searches.train.hits(), train_misses0 = searches.train.misses();
  const long long serving_hits0 = searches.serving.hits(), serving_misses0 = searches.serving.misses();
  std::vector<std::atomic<uint64_t>> histogram(kBuckets);
  // The same latencies by endpoint (catalog, infer, train): whether the tail
  // is the slow questions themselves or cheap requests waiting behind them.
  std::array<std::vector<std::atomic<uint64_t>>, 3> by_endpoint;
  std::array<std::atomic<uint64_t>, 3> ok_by_endpoint{};
  for (auto& h : by_endpoint) h = std::vector<std::atomic<uint64_t>>(kBuckets);
  // ok: answered, 422 ("no answer": the request was valid and no option
  // meets it, e.g. a 72B model on 8 chips, with the closest layout) among them.
  std::atomic<uint64_t> ok{0}, failed{0}, none_meets{0};
  const long rss_before = rss_kib();

  std::string job_id;
  if (plan) {
    std::ifstream in(std::filesystem::path(xpu::shipped_data_dir()).parent_path() / "examples" / "portfolio.yaml");
    const std::string portfolio((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    httplib::Client c("127.0.0.1", port);
    const auto r = c.Post("/api/jobs/plan", portfolio, "application/yaml");
    if (!r || r->status != 202) {
      fmt::print(stderr, "serve_load: the plan job was not accepted\n");
      srv.stop();
      serving.join();
      return 1;
    }
    job_id = nlohmann::json::parse(r->body)["id"];
  }

  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  const double load_before = load_average();
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (unsigned k = 0; k < connections; ++k) {
    clients.emplace_back([&, k] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(30, 0);  // a failure is a failure, not a slow answer on a busy machine
      // Paced: this connection's requests every connections/rate seconds, the connections staggered.
      const auto every = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(rate > 0 ? connections / rate : 0.0));
      auto scheduled = t0 + (every * k) / connections;
      for (uint64_t n = k; !stop.load(std::memory_order_relaxed); ++n) {
        if (rate > 0) {
          std::this_thread::sleep_until(scheduled);
          if (stop.load(std::memory_order_relaxed)) break;
        }
        const auto s = rate > 0 ? scheduled : Clock::now();
        scheduled += every;
        const auto r = send(c, n, 1'000'000 + n * connections + k);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - s).count();
        if (r && (r->status == 200 || r->status == 422)) {
          ++ok;
          if (r->status == 422) none_meets.fetch_add(1, std::memory_order_relaxed);
          histogram[bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
          const auto e = static_cast<size_t>(mix[n % mix.size()]);
          by_endpoint[e][bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
          ok_by_endpoint[e].fetch_add(1, std::memory_order_relaxed);
        } else if (++failed <= 3) {
          fmt::print(stderr, "serve_load: a request failed: {}\n",
                     r ? fmt::format("HTTP {}", r->status) : httplib::to_string(r.error()));
        }
      }
    });
  }
  // The RSS of this process and of the plan's worker, every tenth of the run
  // (a soak's timeline: growth that levels off is a cache filling to its bound).
  std::vector<std::string> timeline;
  const auto slice = std::chrono::duration<double>(seconds / 10);
  for (int i = 1; i <= 10; ++i) {
    std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(slice * i));
    const auto [worker_rss, workers] = children_rss_kib();
    timeline.push_back(fmt::format("{:g} s: {} KiB{}", seconds * i / 10, rss_kib(),
                                   workers > 0 ? fmt::format(", worker {} KiB", worker_rss) : std::string()));
  }
  stop = true;
  for (auto& t : clients) t.join();
  const double took = std::chrono::duration<double>(Clock::now() - t0).count();
  // The clients' threads are in this process too: their CPU is in this figure
  // (an upper bound on the server's CPU per request).
  const double cpu = cpu_seconds() - cpu0;
  const double load_after = load_average();

  std::string plan_status = "none";
  nlohmann::json cached;
  {
    httplib::Client c("127.0.0.1", port);
    if (plan) {
      if (const auto r = c.Get("/api/jobs/" + job_id)) plan_status = nlohmann::json::parse(r->body)["status"];
    }
    if (const auto r = c.Get("/api/health")) cached = nlohmann::json::parse(r->body)["cache"];
  }
  const long rss_after = rss_kib();
  srv.stop();
  serving.join();
  const bool abandon = srv.running_jobs() > 0;  // the plan may still be solving: do not wait for it

  fmt::print("serve_load: {} connections, {:.1f} s, {} in turn{}, {}, plan job: {}\n", connections, took, mix_text,
             vary_all ? fmt::format(" (each infer/train a new question, seed {})", seed)
             : vary   ? std::string(" (each infer/train its own token count or rate)")
                      : std::string(),
             rate > 0 ? fmt::format("paced at {:.0f} requests/s", rate) : "closed loop",
             !plan            ? "none"
             : worker.empty() ? "in process"
                              : "in a worker process");
  fmt::print("requests: {} ok ({} of them 422: no option meets it), {} failed; {:.0f} requests/s\n", ok.load(),
             none_meets.load(), failed.load(), static_cast<double>(ok.load()) / took);
  fmt::print("CPU of this process (server + clients): {:.3f} ms per request, {:.2f} cores\n",
             ok.load() > 0 ? 1e3 * cpu / static_cast<double>(ok.load()) : 0.0, cpu / took);
  fmt::print("load average (1 min): {:.2f} before, {:.2f} after\n", load_before, load_after);
  fmt::print("latency: p50 {:.2f} ms, p99 {:.2f} ms\n", percentile(histogram, ok, 0.5),
             percentile(histogram, ok, 0.99));
  constexpr std::array kEndpointNames{"catalog", "infer", "train"};
  for (size_t e = 0; e < by_endpoint.size(); ++e) {
    const uint64_t n = ok_by_endpoint[e].load();
    if (n == 0) continue;
    fmt::print("  {}: {} requests, p50 {:.2f} ms, p98 {:.2f} ms, p99 {:.2f} ms, p99.9 {:.2f} ms\n", kEndpointNames[e],
               n, percentile(by_endpoint[e], n, 0.5), percentile(by_endpoint[e], n, 0.98),
               percentile(by_endpoint[e], n, 0.99), percentile(by_endpoint[e], n, 0.999));
  }
  fmt::print("plan job at the end: {}\n", plan_status);
  fmt::print("answer cache: {}\n", cache ? cached.dump() : "off");
  auto share = [](long long hits, long long misses) {
    const long long n = hits + misses;
    return n > 0 ? fmt::format("{} of {} shared ({:.1f}%)", hits, n,
                               100.0 * static_cast<double>(hits) / static_cast<double>(n))
                 : std::string("none asked");
  };
  fmt::print("shared searches (after the warm-up): train {}; serving tables {}\n",
             share(searches.train.hits() - train_hits0, searches.train.misses() - train_misses0),
             share(searches.serving.hits() - serving_hits0, searches.serving.misses() - serving_misses0));
  fmt::print("RSS: {} KiB before, {} KiB after ({:+} KiB)\n", rss_before, rss_after, rss_after - rss_before);
  fmt::print("RSS during the run (this process; the plan's worker while it runs): {}\n", fmt::join(timeline, "; "));
  const int code = failed == 0 ? 0 : 1;
  if (abandon) {
    std::fflush(stdout);
    std::_Exit(code);
  }
  return code;
}
