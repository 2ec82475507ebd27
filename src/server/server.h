// `xpuplan serve`: the HTTP/JSON API of docs/api/openapi.json on top of
// jobs::run, so every route answers with the JSON the CLI's --json prints
// for the same request. Short jobs answer directly; long ones go through a
// JobQueue. No request ever names a file (jobs::Options::allow_files = false).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "jobs/jobs.h"
#include "server/job_queue.h"
#include "server/response_cache.h"

namespace xpu::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;               // 0: any free port (bind() says which)
  unsigned threads = 0;          // HTTP worker threads; 0: 8 per core, at least 64
  unsigned request_threads = 1;  // the most threads one request's job may use
  size_t body_limit = 4U << 20;  // bytes; a larger body is answered 413
  // The short routes' answers kept in memory (ResponseCache); either 0: none.
  size_t cache_bytes = 64U << 20;
  size_t cache_entries = 4096;
  JobLimits jobs;
  // Long jobs run in `worker_exe job-worker` processes (server/worker.h),
  // under the jobs' memory and time budgets; empty, or a worker that cannot
  // start: on the server's job threads.
  std::string worker_exe;
  std::string static_dir;    // the dashboard (web/dist) served at "/"; empty: none
  std::string openapi_file;  // docs/api/openapi.json; empty: /api/openapi.json is 404
  std::string version = "0.0.0";
};

// One route of the API: its OpenAPI path template and methods.
struct Route {
  std::string path;                  // "/api/jobs/{id}"
  std::vector<std::string> methods;  // "GET", "POST", "DELETE"
};
// Every API route the server answers, as the OpenAPI document names them.
const std::vector<Route>& routes();
// `document` (OpenAPI) with the paths the server does not have left out.
nlohmann::json filter_openapi(nlohmann::json document);

class Server {
 public:
  Server(std::shared_ptr<const jobs::Data> data, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port; returns the port, or -1 (with `error` set) when it cannot.
  int bind(std::string* error = nullptr);
  // Serves until stop(); call after bind().
  void run();
  // Stops run() and the long jobs: queued ones are cancelled, worker
  // processes killed and reaped (any thread; async-signal handlers should only set a flag).
  void stop();
  // Long jobs running now. The destructor waits for them: a worker ends at
  // once, a library call in-process cannot be interrupted, so a shell that
  // must stop at once exits instead.
  size_t running_jobs();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xpu::server
