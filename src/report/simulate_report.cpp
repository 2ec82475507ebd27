#include "report/simulate_report.h"

#include <fmt/format.h>

#include "base/unit_text.h"
#include "report/plan_json.h"
#include "sim/render.h"

namespace xpu {
namespace {

Json input_json(const SimInput& in) {
  return {{"start", in.horizon.label(0)},
          {"months", in.horizon.months()},
          {"pools", in.pools.size()},
          {"runs", in.runs.size()},
          {"services", in.services.size()}};
}

}  // namespace

Json to_json(const api::SimulateReport& r) {
  Json j = {{"input", input_json(r.input)}, {"outcome", r.outcome == api::Outcome::answered ? "answered" : "no plan"}};
  if (r.plan) {
    const PlanResult& p = r.plan->result;
    Json plan = {{"portfolio", r.plan->portfolio.name}, {"status", to_string(p.status)}};
    if (p.has_plan()) {
      plan["cost"] = round_sig(p.check.cost.si(), 9);
      plan["checker"] = to_json(p.check);
    }
    j["plan"] = plan;
  }
  if (!r.note.empty()) j["note"] = r.note;
  if (r.outcome == api::Outcome::answered) j["simulation"] = Json::parse(render_json(r.result));
  return j;
}

std::string to_text(const api::SimulateReport& r) {
  std::string out;
  const SimInput& in = r.input;
  if (r.plan) {
    const PlanResult& p = r.plan->result;
    out += fmt::format("plan for portfolio '{}': {}", r.plan->portfolio.name, to_string(p.status));
    if (p.has_plan()) out += fmt::format(", {} (checker: {})", to_short_text(p.check.cost), p.check.verdict());
    out += "\n";
  }
  if (!r.note.empty()) return out + r.note + "\n";
  out += fmt::format("simulated {} months from {}: {} pools, {} training runs, {} services\n", in.horizon.months(),
                     in.horizon.label(0), in.pools.size(), in.runs.size(), in.services.size());
  if (r.plan && r.plan->result.has_plan()) {
    out += fmt::format("the plan in whole instances, without risks, costs {} (the planner's figure: {})\n",
                       to_short_text(r.result.plan_cost), to_short_text(r.plan->result.check.cost));
  }
  return out + render_text(r.result);
}

}  // namespace xpu
