#include "ingest/simulate_request.h"

#include <fmt/format.h>

#include <charconv>

#include "ingest/portfolio_io.h"
#include "ingest/risks_io.h"
#include "ingest/saved_plan_io.h"
#include "ingest/sim_input_io.h"
#include "ingest/text_file.h"
#include "sim/from_plan.h"

namespace xpu {
namespace {

// Problems of a file reader (InputError) added to `ds`.
template <class F>
void read_file_into(Diagnostics& ds, F read) {
  try {
    read();
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) ds.push_back(d);
  }
}

}  // namespace

RequestRead<api::SimulateRequest> read_simulate_request(const nlohmann::json& fields, const DataSet& data,
                                                        const FieldStyle& style) {
  Diagnostics ds;
  FieldReader f(fields, style, ds);
  api::SimulateRequest r;
  const auto portfolio = f.text("portfolio");
  const auto plan = f.text("plan");
  const auto scenario = f.text("scenario");
  const auto risks = f.text("risks");
  if (portfolio && scenario) f.error("scenario", "give either a portfolio or `scenario`, not both");
  if (!portfolio && !scenario) f.error("portfolio", "is required (or `scenario` FILE)");
  if (plan && !portfolio) f.error("plan", "needs the portfolio it was made for");
  if (const auto n = f.integer("replicas")) {
    if (*n < 1) f.error("replicas", fmt::format("must be at least 1, got {}", *n));
    r.options.replicas = static_cast<uint32_t>(std::max(*n, 1));
  }
  if (const auto s = f.text("seed")) {
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || end != s->data() + s->size()) {
      f.error("seed", fmt::format("must be a whole number from 0 to 2^64-1, got '{}'", *s));
    }
    r.options.seed = v;
  }
  if (const auto ps = f.list("policy")) r.options.policies = *ps;
  r.months = f.integer("months").value_or(0);
  const int threads = f.integer("threads").value_or(1);
  if (threads < 1) f.error("threads", fmt::format("must be at least 1, got {}", threads));
  if (threads > kMaxThreads) f.error("threads", too_many_threads(threads));
  r.options.threads = static_cast<unsigned>(std::max(threads, 1));
  if (portfolio) {
    api::PlanRequest pr;
    pr.time_limit = f.number("time_limit").value_or(pr.time_limit);
    pr.gap = f.number("gap").value_or(pr.gap);
    pr.baselines = false;
    r.planning = std::move(pr);
  }
  if (scenario) r.scenario = SimInput{};  // read below, once the flags are known to be good
  f.adopt(api::check(r));
  f.finish();
  if (!f.ok()) return {std::nullopt, std::move(ds)};

  // Files, in order: the portfolio or scenario, then the plan and risks that refer to it.
  SimInput shape;
  if (portfolio) {
    r.planning->portfolio = read_portfolio(*portfolio, data, ds);
    if (has_errors(ds)) return {std::nullopt, std::move(ds)};
    shape = sim_pools_from_portfolio(r.planning->portfolio);
    if (plan) read_file_into(ds, [&] { r.plan = load_saved_plan(*plan, r.planning->portfolio); });
  } else {
    read_file_into(ds, [&] { r.scenario = load_sim_input(*scenario, &data.catalog); });
    if (has_errors(ds)) return {std::nullopt, std::move(ds)};
    shape = *r.scenario;
  }
  shape = cut_horizon(std::move(shape), r.months);
  std::optional<Risks> given;
  if (portfolio) {
    given = read_portfolio_risks(*portfolio, risks, shape, ds);
  } else if (risks) {
    // Read here rather than through load_risks, to keep its warnings (names a generic file may lack).
    if (const auto text = read_text_file(*risks, ds)) given = parse_risks(*text, *risks, shape, ds);
  }
  // The plan is made (and a saved one checked) for the interruptions it is simulated under: none without risks.
  if (r.planning && !has_errors(ds)) set_planned_interruptions(r.planning->portfolio, given, !given);
  if (given) r.risks = std::move(*given);
  RequestRead<api::SimulateRequest> out;
  if (!has_errors(ds)) out.request = std::move(r);
  out.diagnostics = std::move(ds);
  return out;
}

}  // namespace xpu
