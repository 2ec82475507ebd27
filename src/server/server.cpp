#include "server/server.h"

#include <fmt/format.h>
#include <httplib.h>

#include "api/plan.h"
#include "base/suggest.h"
#include "export/plan_export.h"
#include "ingest/json_text.h"
#include "report/json_out.h"
#include "server/worker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

namespace xpu::server {
namespace {

using Params = std::map<std::string, std::string>;
using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Params&)>;

const std::vector<std::string> kJsonTypes{"application/json"};
const std::vector<std::string> kYamlTypes{"application/yaml", "text/yaml", "application/x-yaml"};

// Thrown by a handler for an answer other than 200 (the body is the API's error object).
struct HttpError {
  int status;
  nlohmann::json body;
  std::string allow;  // 405
};

HttpError not_found(const std::string& message) { return {404, {{"error", "not found"}, {"message", message}}, ""}; }
HttpError bad_request(nlohmann::json diagnostics) {
  return {400, {{"error", "bad request"}, {"diagnostics", std::move(diagnostics)}}, ""};
}
HttpError bad_request(const std::string& in, const std::string& pointer, const std::string& message) {
  return bad_request(
      nlohmann::json::array({{{"in", in}, {"pointer", pointer}, {"severity", "error"}, {"message", message}}}));
}

void send_text(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json; charset=utf-8");  // Debian's httplib copies either way
}
// Text that is not UTF-8 (a body's bytes echoed in a parse error) is written
// as U+FFFD: dump() threw, and the 500 that followed had no body (usertrial3).
void send(httplib::Response& res, int status, const nlohmann::json& body) { send_text(res, status, dump_text(body)); }

std::string media_type(const httplib::Request& req) {
  std::string t = req.get_header_value("Content-Type");
  t = t.substr(0, t.find(';'));
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// The body's media type when it is one of `allowed`; else 415.
std::string require_media(const httplib::Request& req, const std::vector<std::string>& allowed) {
  auto t = media_type(req);
  if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return t;
  throw HttpError{415,
                  {{"error", "unsupported media type"},
                   {"message", fmt::format("this route takes {}, not '{}'", fmt::join(allowed, " or "),
                                           t.empty() ? "no Content-Type" : t)}},
                  ""};
}

// The body as a JSON object, or 400 at the problem: a syntax error at its
// line and column, a number past a double's range ("1e400", which nlohmann
// throws as out_of_range, not parse_error: it was a 500) and a key given twice
// in one object (nlohmann keeps the last silently) at their JSON pointers.
// The same reader as the library's JSON files (ingest/json_text.h).
nlohmann::json json_body(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw bad_request("body", "", "the body is empty; send a JSON object");
  }
  Diagnostics ds;
  auto j = parse_json_text(text, "", ds);
  if (!j) throw bad_request(to_json(ds, "body"));
  if (!j->is_object()) throw bad_request("body", "", "the body must be a JSON object");
  return std::move(*j);
}

// A query's fields as a request object. A key given twice is refused, as a
// JSON body's repeated key is: `?provider=aws&provider=gcp` was answered for
// gcp alone, silently (usertrial5).
nlohmann::json query_fields(const httplib::Request& req) {
  nlohmann::json q = nlohmann::json::object();
  nlohmann::json twice = nlohmann::json::array();
  for (const auto& [k, v] : req.params) {
    if (q.contains(k)) {
      const std::string pointer = (nlohmann::json::json_pointer() / k).to_string();
      if (std::none_of(twice.begin(), twice.end(), [&](const nlohmann::json& d) { return d["pointer"] == pointer; })) {
        twice.push_back(
            {{"in", "query"},
             {"pointer", pointer},
             {"severity", "error"},
             {"message", fmt::format("is given {} times in the query; give it once", req.params.count(k))}});
      }
      continue;
    }
    q[k] = v;
  }
  if (!twice.empty()) throw bad_request(std::move(twice));
  return q;
}

// A query on a route that reads none: `/api/health?x=1` and
// `/export/kueue?force=1` were answered as if the keys were not there
// (usertrial5 left), where a route with keys refuses an unknown one.
HttpError unread_query(const httplib::Request& req, const std::string& route, bool has_body) {
  nlohmann::json ds = nlohmann::json::array();
  std::string last;
  for (const auto& [k, v] : req.params) {
    if (k == last) continue;  // a key given twice is one problem here
    last = k;
    ds.push_back({{"in", "query"},
                  {"pointer", (nlohmann::json::json_pointer() / k).to_string()},
                  {"severity", "error"},
                  {"message", fmt::format("unknown query key '{}': {} {} reads no query keys{}", k, req.method, route,
                                          has_body ? "; its fields go in the JSON body" : "")}});
  }
  return bad_request(std::move(ds));
}

std::string random_hex() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  const std::scoped_lock lock(mu);
  return fmt::format("{:08x}", static_cast<uint32_t>(rng()));
}

// Does `path` match the template `pattern` ("/api/jobs/{id}")? Fills `params`.
bool match(const std::string& pattern, const std::string& path, Params& params) {
  size_t i = 0, j = 0;
  while (i < pattern.size() && j < path.size()) {
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i);
      const size_t end = std::min(path.find('/', j), path.size());
      if (end == j) return false;
      params[pattern.substr(i + 1, close - i - 1)] = httplib::detail::decode_url(path.substr(j, end - j), false);
      i = close + 1;
      j = end;
    } else if (pattern[i++] != path[j++]) {
      return false;
    }
  }
  return i == pattern.size() && j == path.size();
}

struct RouteEntry {
  std::string path;
  std::map<std::string, Handler> methods;
  // The route reads query keys (its handler calls query_fields); a query on
  // any other route is refused (unread_query) before the handler runs.
  bool reads_query = false;
};

}  // namespace

struct Server::Impl {
  std::shared_ptr<const jobs::Data> data;
  ServerOptions o;
  ResponseCache cache;
  httplib::Server http;
  JobQueue queue;
  nlohmann::json openapi;
  std::vector<RouteEntry> table;
  std::atomic<bool> stopping{false};

  Impl(std::shared_ptr<const jobs::Data> d, ServerOptions opts)
      : data(std::move(d)),
        o(std::move(opts)),
        cache(o.cache_bytes, o.cache_entries),
        queue(o.jobs, [this](const std::string& kind, const nlohmann::json& request, JobControl& control) {
          if (!o.worker_exe.empty()) {
            const WorkerSpec spec{.exe = o.worker_exe,
                                  .data_dirs = data->dirs(),
                                  .price_files = data->price_files(),
                                  .max_threads = std::max(1U, o.request_threads),
                                  .memory_bytes = o.jobs.job_memory_bytes,
                                  .seconds = o.jobs.job_seconds};
            if (auto r = run_in_worker(spec, kind, request, control)) return std::move(*r);
            std::cerr << fmt::format("xpuplan serve: cannot start a worker ({}); the {} job runs in-process\n",
                                     o.worker_exe, kind);
          }
          return run_long_job(kind, request, *data, options(), control);
        }) {
    if (!o.openapi_file.empty()) {
      std::ifstream in(o.openapi_file);
      if (in) openapi = filter_openapi(nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false));
    }
    build_table();
    setup_http();
  }

  [[nodiscard]] jobs::Options options() const {
    jobs::Options jo;
    jo.max_threads = std::max(1U, o.request_threads);
    jo.allow_files = false;
    return jo;
  }

  // A short job's answer from the cache, or from `compute` (kept when it is
  // an answer: errors throw HttpError and are not kept). The header X-Cache
  // says which: hit, miss, or off (no cache; a key that cannot be written).
  void cached(httplib::Response& res, const std::string& kind, const nlohmann::json& request, char variant,
              const std::function<ResponseCache::Answer()>& compute) {
    std::string key;
    if (cache.enabled()) {
      try {
        key = kind + variant + request.dump();
      } catch (const nlohmann::json::type_error&) {  // text that is not UTF-8 (from a query): no key
        key.clear();
      }
    }
    std::optional<ResponseCache::Answer> a;
    if (!key.empty()) a = cache.get(key);
    res.set_header("X-Cache", key.empty() ? "off" : a ? "hit" : "miss");
    if (!a) {
      a = compute();
      if (!key.empty()) cache.put(key, *a);
    }
    send_text(res, a->status, a->body);
  }

  // A short job answered directly: the CLI's JSON, 400 at its fields, or 422 when nothing meets the request.
  void answer(httplib::Response& res, const std::string& kind, const nlohmann::json& request, const std::string& in,
              bool none_meets_is_422 = false) {
    cached(res, kind, request, none_meets_is_422 ? '!' : '\n', [&]() -> ResponseCache::Answer {
      const auto r = jobs::run(kind, request, *data, options());
      if (!r.ok()) throw bad_request(to_json(r.diagnostics, in));
      if (none_meets_is_422 && r.outcome == api::Outcome::none_meets) {
        return {422, dump_text(nlohmann::json{
                         {"error", "no answer"}, {"message", "no option meets the request"}, {"result", *r.report}})};
      }
      return {200, dump_text(*r.report)};
    });
  }

  // A key in the path that the library does not know is 404 with its near miss.
  void answer_key(httplib::Response& res, const std::string& kind, const nlohmann::json& request) {
    cached(res, kind, request, '\n', [&]() -> ResponseCache::Answer {
      const auto r = jobs::run(kind, request, *data, options());
      if (!r.ok()) {
        std::string message;
        for (const auto& d : r.diagnostics) {
          if (d.severity == Severity::error) message += (message.empty() ? "" : "; ") + d.message;
        }
        throw not_found(message);
      }
      return {200, dump_text(*r.report)};
    });
  }

  void submit(httplib::Response& res, const std::string& kind, nlohmann::json request) {
    // A solver's time limit is capped at the job's time budget.
    // The limit may be a JSON number or text (a query string); text that is
    // not a number is left for the request reader to report at its pointer.
    // Only a job that plans has a solver: a simulation of a scenario (no
    // portfolio) was refused for the "unknown field 'time_limit'" added here,
    // every time (usertrial4).
    if (kind == "plan" || (kind == "simulate" && request.contains("portfolio"))) {
      double given = api::PlanRequest{}.time_limit;  // the CLI's default
      bool readable = true;
      if (const auto it = request.find("time_limit"); it != request.end()) {
        if (it->is_number()) {
          given = it->get<double>();
        } else if (it->is_string()) {
          const std::string& t = it->get_ref<const std::string&>();
          const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), given);
          readable = ec == std::errc() && end == t.data() + t.size() && !t.empty();
        } else {
          readable = false;
        }
      }
      if (readable) request["time_limit"] = std::min(given, o.jobs.job_seconds);
    }
    jobs::Options check = options();
    check.check_only = true;
    const auto r = jobs::run(kind, request, *data, check);
    if (!r.ok()) throw bad_request(to_json(r.diagnostics, "body"));
    if (r.memory && o.jobs.job_memory_bytes > 0 && r.memory->bytes > double(o.jobs.job_memory_bytes)) {
      const double gib = 1024.0 * 1024 * 1024;
      const std::string pointer = r.memory->what.starts_with("MILP") ? "/portfolio" : "/replicas";
      auto e = bad_request(
          "body", pointer,
          fmt::format(
              "this job would need about {:.2f} GiB ({}), {:.1f}x this server's memory budget of {:.2f} GiB "
              "per job (xpuplan serve --job-memory); fewer {} fit",
              r.memory->bytes / gib, r.memory->what, r.memory->bytes / double(o.jobs.job_memory_bytes),
              double(o.jobs.job_memory_bytes) / gib,
              pointer == "/portfolio" ? "months, offers or accelerators per workload" : "replicas or policies"));
      e.body["memory"] = {{"estimate_bytes", r.memory->bytes}, {"budget_bytes", o.jobs.job_memory_bytes}};
      throw e;
    }
    const auto v = queue.submit(kind, std::move(request));
    if (!v) {
      res.set_header("Retry-After", "10");
      send(res, 503, {{"error", "busy"}, {"retry_after_s", 10}});
      return;
    }
    res.set_header("Location", "/api/jobs/" + v->id);
    nlohmann::json accepted{
        {"id", v->id}, {"kind", v->kind}, {"status", to_string(v->status)}, {"queue_position", v->queue_position}};
    if (r.memory) accepted["memory_estimate_bytes"] = r.memory->bytes;
    send(res, 202, accepted);
  }

  JobView job(const std::string& id) {
    auto v = queue.view(id);
    if (!v) throw not_found(fmt::format("no job '{}' (unknown, or finished and forgotten)", id));
    return *v;
  }

  void events(httplib::Response& res, const std::string& id) {
    job(id);  // 404 first
    res.set_header("Cache-Control", "no-store");
    struct State {
      bool first = true;
      uint64_t version = 0;
      std::chrono::steady_clock::time_point sent = std::chrono::steady_clock::now();
    };
    auto st = std::make_shared<State>();
    res.set_chunked_content_provider("text/event-stream", [this, id, st](size_t, httplib::DataSink& sink) {
      if (stopping) return false;
      std::optional<JobView> v;
      if (st->first) {
        v = queue.view(id);
      } else {
        // At most ~10 events a second.
        const auto next = st->sent + std::chrono::milliseconds(100);
        if (std::chrono::steady_clock::now() < next) std::this_thread::sleep_until(next);
        v = queue.wait_change(id, st->version, std::chrono::seconds(1));
      }
      if (!v) {  // forgotten meanwhile
        sink.done();
        return true;
      }
      const auto now = std::chrono::steady_clock::now();
      if (!st->first && v->version == st->version) {
        if (now - st->sent >= std::chrono::seconds(15)) {
          const std::string ka = ": keep-alive\n\n";
          st->sent = now;
          return sink.write(ka.data(), ka.size());
        }
        return true;
      }
      st->first = false;
      st->version = v->version;
      st->sent = now;
      const bool end =
          v->status == JobStatus::done || v->status == JobStatus::failed || v->status == JobStatus::cancelled;
      const nlohmann::json event{{"id", v->id},
                                 {"status", to_string(v->status)},
                                 {"queue_position", v->queue_position},
                                 {"progress", progress_json(*v)}};
      const std::string text = fmt::format("event: {}\ndata: {}\n\n", end ? "done" : "progress", dump_text(event));
      if (!sink.write(text.data(), text.size())) return false;
      if (end) sink.done();
      return true;
    });
  }

  nlohmann::json health() {
    const auto c = queue.counts();
    std::vector<std::string> queued_kinds;
    nlohmann::json library = nlohmann::json::array();
    for (const auto& k : jobs::kinds()) {
      library.push_back({{"name", k.name}, {"summary", k.summary}, {"long_running", k.long_running}});
    }
    for (const auto& r : table) {
      if (r.path.starts_with("/api/jobs/") && r.path.find('{') == std::string::npos) {
        queued_kinds.push_back(r.path.substr(std::string("/api/jobs/").size()));
      }
    }
    const auto& d = data->calibrated();
    const auto cs = cache.stats();
    return {{"status", "ok"},
            {"version", o.version},
            {"data",
             {{"accelerators", d.catalog.accelerators.size()},
              {"systems", d.catalog.systems.size()},
              {"models", d.models.size()},
              {"offers", d.prices.offers.size()}}},
            {"jobs",
             {{"kinds", queued_kinds},
              {"library", library},
              {"running", c.running},
              {"queued", c.queued},
              {"kept", c.kept},
              {"max_running", o.jobs.max_running}}},
            {"limits",
             {{"body_bytes", o.body_limit},
              {"job_seconds", o.jobs.job_seconds},
              {"job_memory_bytes", o.jobs.job_memory_bytes},
              {"result_ttl_s", o.jobs.result_ttl_s},
              {"max_queued", o.jobs.max_queued},
              {"request_threads", o.request_threads}}},
            {"cache",
             {{"entries", cs.entries},
              {"bytes", cs.bytes},
              {"max_entries", cs.max_entries},
              {"max_bytes", cs.max_bytes},
              {"hits", cs.hits},
              {"misses", cs.misses},
              {"evictions", cs.evictions}}}};
  }

  void build_table();
  void setup_http();
  void dispatch(const httplib::Request& req, httplib::Response& res);
};

void Server::Impl::build_table() {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  using P = const Params&;
  auto json_post = [this](const std::string& kind, bool none_meets_is_422 = false) -> Handler {
    return [this, kind, none_meets_is_422](Req req, Res res, P) {
      require_media(req, kJsonTypes);
      answer(res, kind, json_body(req.body), "body", none_meets_is_422);
    };
  };
  auto with = [](nlohmann::json q, const std::string& k, nlohmann::json v) {
    q[k] = std::move(v);
    return q;
  };
  table = {
      {"/api/health", {{"GET", [this](Req, Res res, P) { send(res, 200, health()); }}}},
      {"/api/openapi.json",
       {{"GET",
         [this](Req, Res res, P) {
           if (openapi.is_discarded() || openapi.is_null()) throw not_found("this server has no OpenAPI document");
           send(res, 200, openapi);
         }}}},
      {"/api/catalog",
       {{"GET", [this](Req req, Res res, P) { answer(res, "catalog", query_fields(req), "query"); }}},
       true},
      {"/api/catalog/{key}",
       {{"GET", [this, with](Req req, Res res,
                             P p) { answer_key(res, "catalog", with(query_fields(req), "show", p.at("key"))); }}},
       true},
      {"/api/systems",
       {{"GET", [this, with](Req req, Res res,
                             P) { answer(res, "catalog", with(query_fields(req), "systems", true), "query"); }}},
       true},
      {"/api/models",
       {{"GET", [this](Req req, Res res, P) { answer(res, "models", query_fields(req), "query"); }}},
       true},
      {"/api/models/{key}",
       {{"GET", [this, with](Req req, Res res,
                             P p) { answer_key(res, "models", with(query_fields(req), "show", p.at("key"))); }}},
       true},
      {"/api/models/import",
       {{"POST",
         [this](Req req, Res res, P) {
           require_media(req, kJsonTypes);
           answer(res, "models", {{"show", json_body(req.body)}}, "model");
         }}}},
      {"/api/prices",
       {{"GET", [this](Req req, Res res, P) { answer(res, "prices", query_fields(req), "query"); }}},
       true},
      {"/api/prices/purchase",
       {{"GET", [this, with](Req req, Res res,
                             P) { answer(res, "prices", with(query_fields(req), "purchase", true), "query"); }}},
       true},
      {"/api/train", {{"POST", json_post("train", true)}}},
      {"/api/infer", {{"POST", json_post("infer", true)}}},
      {"/api/compare", {{"POST", json_post("compare")}}},
      {"/api/validate",
       {{"POST",
         [this](Req req, Res res, P) {
           nlohmann::json q = nlohmann::json::object();
           if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
             const auto t = require_media(req, {"application/json", "text/csv"});
             q = t == "text/csv" ? nlohmann::json{{"cases", req.body}} : json_body(req.body);
           }
           answer(res, "validate", q, "body");
         }}}},
      {"/api/claims",
       {{"GET", [this](Req req, Res res, P) { answer(res, "claims", query_fields(req), "query"); }}},
       true},
      {"/api/calibrate",
       {{"POST",
         [this](Req req, Res res, P) {
           nlohmann::json q = nlohmann::json::object();
           if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
             require_media(req, kJsonTypes);
             q = json_body(req.body);
           }
           answer(res, "calibrate", q, "body");
         }}}},
      {"/api/jobs/compare",
       {{"POST",
         [this](Req req, Res res, P) {
           require_media(req, kJsonTypes);
           submit(res, "compare", json_body(req.body));
         }}}},
      {"/api/jobs/plan",
       {{"POST",
         [this](Req req, Res res, P) {
           std::vector<std::string> types = kJsonTypes;
           types.insert(types.end(), kYamlTypes.begin(), kYamlTypes.end());
           const auto t = require_media(req, types);
           if (t == "application/json") {
             if (!req.params.empty()) throw unread_query(req, "/api/jobs/plan (a JSON body)", true);
             return submit(res, "plan", json_body(req.body));
           }
           nlohmann::json q = query_fields(req);  // flags such as time_limit in the query, as text
           q["portfolio"] = req.body;
           submit(res, "plan", q);
         }}},
       true},
      {"/api/jobs/simulate",
       {{"POST",
         [this](Req req, Res res, P) {
           require_media(req, kJsonTypes);
           submit(res, "simulate", json_body(req.body));
         }}}},
      {"/api/jobs/{id}",
       {{"GET", [this](Req, Res res, P p) { send(res, 200, to_json(job(p.at("id")))); }},
        {"DELETE",
         [this](Req, Res res, P p) {
           const auto v = queue.cancel(p.at("id"));
           if (!v) throw not_found(fmt::format("no job '{}' (unknown, or finished and forgotten)", p.at("id")));
           send(res, 200, to_json(*v));
         }}}},
      {"/api/jobs/{id}/events", {{"GET", [this](Req, Res res, P p) { events(res, p.at("id")); }}}},
      {"/api/jobs/{id}/export/{format}",
       {{"GET",
         [this](Req, Res res, P p) {
           const auto v = job(p.at("id"));
           const auto& format = p.at("format");
           const std::vector<std::string> names{"kueue", "slurm", "skypilot"};
           if (std::find(names.begin(), names.end(), format) == names.end()) {
             throw not_found(fmt::format("unknown export format '{}'{}; one of kueue, slurm, skypilot", format,
                                         did_you_mean(format, names)));
           }
           const auto extra = queue.extra(v.id);
           if (v.kind != "plan" || v.status != JobStatus::done || !extra || !extra->contains(format)) {
             throw not_found(fmt::format("job '{}' has no plan to export ({}, {})", v.id, v.kind, to_string(v.status)));
           }
           send(res, 200, {{"format", format}, {"files", (*extra)[format]}});
         }}}},
  };
  // routes() (which the OpenAPI filter and its test read) lists this table.
  std::vector<Route> mine;
  for (const auto& r : table) {
    Route x{r.path, {}};
    for (const auto& [m, h] : r.methods) x.methods.push_back(m);
    mine.push_back(std::move(x));
  }
  const auto& listed = routes();
  const bool same = mine.size() == listed.size() &&
                    std::equal(mine.begin(), mine.end(), listed.begin(), [](const Route& a, const Route& b) {
                      return a.path == b.path && a.methods == b.methods;
                    });
  if (!same) throw std::logic_error("server: routes() differs from the route table");
}

void Server::Impl::dispatch(const httplib::Request& req, httplib::Response& res) {
  try {
    // Literal routes win over templates ("/api/models/import" before "/api/models/{key}").
    const RouteEntry* hit = nullptr;
    Params params;
    for (const auto& r : table) {
      Params p;
      if (!match(r.path, req.path, p)) continue;
      if (hit == nullptr || (r.path.find('{') == std::string::npos && hit->path.find('{') != std::string::npos)) {
        hit = &r;
        params = std::move(p);
      }
    }
    if (hit == nullptr) throw not_found("no route " + req.path);
    const auto m = hit->methods.find(req.method == "HEAD" ? "GET" : req.method);
    if (m == hit->methods.end()) {
      std::vector<std::string> allow;
      for (const auto& [k, v] : hit->methods) allow.push_back(k);
      throw HttpError{405,
                      {{"error", "method not allowed"},
                       {"message", fmt::format("{} {}: allowed {}", req.method, req.path, fmt::join(allow, ", "))}},
                      fmt::format("{}", fmt::join(allow, ", "))};
    }
    // /api/jobs/plan reads a query with a YAML body only (its handler checks).
    if (!req.params.empty() && !hit->reads_query) {
      throw unread_query(req, hit->path, m->first == "POST");
    }
    m->second(req, res, params);
  } catch (const HttpError& e) {
    if (!e.allow.empty()) res.set_header("Allow", e.allow);
    send(res, e.status, e.body);
  } catch (const std::exception& e) {
    const auto id = random_hex();
    std::cerr << fmt::format("xpuplan serve: [{}] {} {}: {}\n", id, req.method, req.path, e.what());
    send(res, 500, {{"error", "internal error"}, {"id", id}});
  }
}

void Server::Impl::setup_http() {
  const unsigned threads =
      o.threads != 0 ? o.threads : std::max(64U, 8 * std::max(1U, std::thread::hardware_concurrency()));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(o.body_limit);
  // httplib binds with SO_REUSEPORT, so a second `xpuplan serve --port P`
  // said "listening" and the kernel split P's connections between the two
  // servers, perhaps of different versions or data (usertrial3). SO_REUSEADDR
  // alone still rebinds a port in TIME_WAIT and refuses one a server holds.
  http.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // Small answers go out at once (Nagle with the client's delayed ACK costs 40 ms a request).
  http.set_tcp_nodelay(true);
  // A keep-alive connection serves many requests (httplib's default closes it after 5).
  http.set_keep_alive_max_count(10'000);
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  const std::string api = "/api/.*";
  http.Get(api, handler);
  http.Post(api, handler);
  http.Put(api, handler);
  http.Patch(api, handler);
  http.Delete(api, handler);
  http.Options(api, handler);
  // The routing's own answers (a non-API path without a file; a body over the limit) as the API's JSON.
  http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      send(res, 413, {{"error", "payload too large"}, {"limit_bytes", o.body_limit}});
    } else if (res.status == 404) {
      send(res, 404, {{"error", "not found"}, {"message", "no route " + req.path}});
    }
  });
  std::error_code ec;
  if (!o.static_dir.empty() && std::filesystem::is_directory(o.static_dir, ec)) {
    http.set_mount_point("/", o.static_dir);
    http.set_file_request_handler([](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Cache-Control",
                     req.path.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:");
    });
  }
}

const std::vector<Route>& routes() {
  // The same as Impl::build_table's, which checks it at start-up.
  static const std::vector<Route> out{
      {"/api/health", {"GET"}},           {"/api/openapi.json", {"GET"}},
      {"/api/catalog", {"GET"}},          {"/api/catalog/{key}", {"GET"}},
      {"/api/systems", {"GET"}},          {"/api/models", {"GET"}},
      {"/api/models/{key}", {"GET"}},     {"/api/models/import", {"POST"}},
      {"/api/prices", {"GET"}},           {"/api/prices/purchase", {"GET"}},
      {"/api/train", {"POST"}},           {"/api/infer", {"POST"}},
      {"/api/compare", {"POST"}},         {"/api/validate", {"POST"}},
      {"/api/claims", {"GET"}},           {"/api/calibrate", {"POST"}},
      {"/api/jobs/compare", {"POST"}},    {"/api/jobs/plan", {"POST"}},
      {"/api/jobs/simulate", {"POST"}},   {"/api/jobs/{id}", {"DELETE", "GET"}},
      {"/api/jobs/{id}/events", {"GET"}}, {"/api/jobs/{id}/export/{format}", {"GET"}},
  };
  return out;
}

nlohmann::json filter_openapi(nlohmann::json document) {
  if (!document.is_object() || !document.contains("paths")) return document;
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& r : routes()) {
    if (!document["paths"].contains(r.path)) continue;
    nlohmann::json item = document["paths"][r.path];
    for (const std::string m : {"get", "put", "post", "delete", "options", "head", "patch", "trace"}) {
      std::string upper = m;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      if (std::find(r.methods.begin(), r.methods.end(), upper) == r.methods.end()) item.erase(m);
    }
    kept[r.path] = std::move(item);
  }
  document["paths"] = std::move(kept);
  return document;
}

Server::Server(std::shared_ptr<const jobs::Data> data, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(data), std::move(options))) {}

Server::~Server() { stop(); }

namespace {

// Debian's libcpp-httplib 0.11.4 listens with a backlog of 5 (compiled in):
// 64 clients connecting at once lose SYNs and wait a second for the
// retransmit. Linux lets listen() be called again to raise it; the socket is
// found as this process's listening TCP socket on `port`.
void raise_backlog(int port) {
  for (int fd = 0; fd < 4096; ++fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    int listening = 0;
    socklen_t olen = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &olen) != 0 || listening == 0) continue;
    int p = -1;
    if (addr.ss_family == AF_INET) p = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6) p = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    if (p == port) ::listen(fd, SOMAXCONN);
  }
}

}  // namespace

int Server::bind(std::string* error) {
  const int port = impl_->o.port == 0 ? impl_->http.bind_to_any_port(impl_->o.host)
                                      : (impl_->http.bind_to_port(impl_->o.host, impl_->o.port) ? impl_->o.port : -1);
  if (port < 0 && error) {
    *error = fmt::format(
        "cannot listen on {}:{} (another server may hold the port; give another --port, or 0 for "
        "any free one)",
        impl_->o.host, impl_->o.port);
  }
  if (port > 0) raise_backlog(port);
  return port;
}

void Server::run() { impl_->http.listen_after_bind(); }

size_t Server::running_jobs() { return impl_->queue.counts().running; }

void Server::stop() {
  impl_->stopping = true;
  impl_->http.stop();
  impl_->queue.stop();
}

}  // namespace xpu::server
