#include "report/plan_json.h"

#include <cmath>

#include "planner/baselines.h"

namespace xpu {
namespace {

Json months_json(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(round_sig(x, 6));
  return a;
}

Json map_json(const std::map<std::string, double>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = round_sig(v, 8);
  return j;
}

Json map_months_json(const std::map<std::string, std::vector<double>>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = months_json(v);
  return j;
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json rates_json(const Portfolio& p, const RateTable& rates) {
  Json out = Json::array();
  for (size_t w = 0; w < p.workloads.size(); ++w) {
    for (const AcceleratorRate& r : rates.workloads[w].by_accelerator) {
      Json j = {{"workload", p.workloads[w].name}, {"accelerator", r.accelerator}, {"usable", r.usable}};
      if (!r.usable) j["reason"] = r.reason;
      if (p.workloads[w].kind == Mode::train) {
        Json pts = Json::array();
        for (const ScalePoint& s : r.points) {
          pts.push_back({{"chips", s.chips},
                         {"tokens_per_s_per_chip", s.tokens_per_s_per_chip},
                         {"mfu", s.mfu},
                         {"layout", s.layout}});
        }
        j["points"] = pts;
      } else if (r.usable) {
        j["need_chips"] = months_json(r.need);
        j["chips_per_replica"] = r.chips_per_replica;
        j["layout"] = r.serving_layout;
      }
      out.push_back(j);
    }
  }
  return out;
}

Json plan_json(const Portfolio& p, const Plan& plan) {
  Json buys = Json::array(), rents = Json::array(), assign = Json::array(), reserves = Json::array(),
       porting = Json::array();
  for (const Purchase& b : plan.purchases) {
    const PlanOffer& o = p.offers[b.offer.index()];
    buys.push_back({{"offer", o.key},
                    {"month", p.horizon.label(b.month)},
                    {"instances", b.instances},
                    {"chips", b.instances * o.offer.chips},
                    {"term", to_string(o.offer.term)},
                    {"through", p.horizon.label(b.month + o.term_months() - 1)}});
  }
  for (const Rental& r : plan.rentals) {
    Json j = {{"offer", p.offers[r.offer.index()].key}, {"month", p.horizon.label(r.month)}, {"chips", r.chips}};
    if (!plan.fluid) j["instances"] = r.instances;
    rents.push_back(j);
  }
  for (const Assignment& a : plan.assignments) {
    assign.push_back({{"workload", p.workloads[a.workload.index()].name},
                      {"offer", p.offers[a.offer.index()].key},
                      {"month", p.horizon.label(a.month)},
                      {"chips", a.chips}});
  }
  for (const Reserve& r : plan.reserves) {
    reserves.push_back({{"if_vendor_loses", to_string(r.lost)},
                        {"workload", p.workloads[r.workload.index()].name},
                        {"accelerator", r.accelerator},
                        {"provider", r.provider},
                        {"spot", r.spot},
                        {"month", p.horizon.label(r.month)},
                        {"chips", r.chips}});
  }
  for (const Porting& x : plan.porting) {
    porting.push_back({{"workload", p.workloads[x.workload.index()].name}, {"runtime", to_string(x.runtime)}});
  }
  Json gangs = Json::array(), replicas = Json::array();
  for (const Gang& g : plan.gangs) {
    gangs.push_back({{"workload", p.workloads[g.workload.index()].name},
                     {"month", p.horizon.label(g.month)},
                     {"accelerator", g.accelerator},
                     {"provider", g.provider},
                     {"region", g.region},
                     {"spot", g.spot},
                     {"chips", g.chips},
                     {"layout", g.layout},
                     {"tokens_per_s", round_sig(g.tokens_per_s, 9)},
                     {"goodput", round_sig(g.goodput, 9)},
                     {"moved_in", g.moved_in}});
  }
  for (const Replicas& r : plan.replicas) {
    replicas.push_back({{"workload", p.workloads[r.workload.index()].name},
                        {"month", p.horizon.label(r.month)},
                        {"accelerator", r.accelerator},
                        {"provider", r.provider},
                        {"region", r.region},
                        {"replicas", r.replicas},
                        {"chips_per_replica", r.chips_per_replica},
                        {"layout", r.layout}});
  }
  return {{"purchases", buys},    {"rentals", rents},    {"assignments", assign},
          {"reserves", reserves}, {"porting", porting},  {"gangs", gangs},
          {"replicas", replicas}, {"fluid", plan.fluid}, {"move_cost", round_sig(plan.move_cost.si(), 9)}};
}

Json summary_json(const Portfolio& p, const PlanSummary& s) {
  Json offers = Json::array();
  for (const OfferMonths& om : s.offers) {
    const PlanOffer& o = p.offers[om.offer];
    Json bought = Json::array();
    for (int64_t b : om.bought) bought.push_back(b);
    offers.push_back({{"offer", o.key},
                      {"provider", o.offer.provider},
                      {"accelerator", o.offer.accelerator},
                      {"vendor", to_string(o.vendor)},
                      {"term", to_string(o.offer.term)},
                      {"site", o.site},
                      {"price_per_chip_hour", per_hour(o.price_per_chip())},
                      {"provisioned", months_json(om.provisioned)},
                      {"used", months_json(om.used)},
                      {"bought", bought}});
  }
  Json workloads = Json::array();
  for (const WorkloadSchedule& ws : s.workloads) {
    const Workload& w = p.workloads[ws.workload];
    Json j = {{"name", w.name}, {"kind", kind_noun(w.kind)}, {"model", w.model.key}, {"on_time", ws.on_time}};
    j["chips"] = map_months_json(ws.chips);
    if (w.kind == Mode::train) {
      j["earliest"] = p.horizon.label(w.earliest);
      j["deadline"] = p.horizon.label(w.deadline);
      j["finish"] = ws.progress.finish_month >= 0 ? Json(p.horizon.label(ws.progress.finish_month)) : Json(nullptr);
      j["progress"] = months_json(ws.progress.fraction_by_month);
      j["lateness_months"] = ws.progress.lateness_months;
    } else {
      j["served"] = months_json(ws.progress.served);
      j["demand_rps"] = months_json(w.serve.demand_rps);
    }
    workloads.push_back(j);
  }
  return {{"cost",
           {{"total", round_sig(s.total.si(), 9)},
            {"porting", s.porting.si()},
            {"by_month", months_json(s.cost_by_month)},
            {"after_horizon", round_sig(s.after_horizon, 8)},
            {"by_vendor", map_json(s.cost_by_vendor)},
            {"by_provider", map_json(s.cost_by_provider)},
            {"by_term", map_json(s.cost_by_term)}}},
          {"offers", offers},
          {"workloads", workloads},
          {"vendor_share", map_months_json(s.vendor_share)},
          {"provider_share", map_months_json(s.provider_share)},
          {"chips_by_vendor", map_months_json(s.chips_by_vendor)},
          {"power_mw", map_months_json(s.power_mw)}};
}

Json violations_json(const std::vector<Violation>& vs) {
  Json a = Json::array();
  for (const Violation& v : vs) a.push_back({{"rule", v.rule}, {"message", v.message}, {"amount", v.amount}});
  return a;
}

}  // namespace

Json to_json(const CheckReport& c) {
  return {{"verdict", c.verdict()},
          {"ok", c.ok()},
          {"violations", violations_json(c.violations)},
          {"more", c.more},
          {"cost", round_sig(c.cost.si(), 9)}};
}

Json saving_json(double baseline_cost, double plan_cost) {
  Json j = {{"cost", round_sig(baseline_cost, 9)}};
  if (std::isfinite(plan_cost)) {
    j["saving"] = round_sig(baseline_cost - plan_cost, 9);
    j["saving_pct"] = baseline_cost > 0 ? 100 * (baseline_cost - plan_cost) / baseline_cost : 0.0;
  }
  return j;
}

namespace {

// What the planner planned training gangs' goodput for (each gang's own figure is in plan.gangs[].goodput).
Json interruptions_json(const GangInterruptions& g) {
  Json failures = Json::array();
  for (const auto& f : g.failures) {
    failures.push_back({{"accelerator", f.accelerator},
                        {"per_chip_hour", round_sig(f.per_chip_hour, 9)},
                        {"detect_s", round_sig(f.detect.si(), 9)}});
  }
  return {{"planned", g.on},
          {"failures", std::move(failures)},
          {"checkpoint_write_bytes_per_s", round_sig(g.write_bandwidth.si(), 9)},
          {"restart_s", round_sig(g.restart.si(), 9)},
          {"source", g.source}};
}

}  // namespace

Json to_json(const Portfolio& p, const RateTable& rates, const PlanResult& r) {
  Json j = {{"portfolio", p.name},
            {"horizon", {{"start", p.horizon.label(0)}, {"months", p.horizon.months}}},
            {"objective", to_string(p.policy.objective)},
            {"status", to_string(r.status)},
            {"solver",
             {{"variables", r.variables},
              {"rows", r.rows},
              {"integers", r.integers},
              {"nodes", r.nodes},
              {"objective", number_or_null(r.objective)},
              {"best_bound", number_or_null(r.best_bound)},
              {"gap", number_or_null(r.gap)},
              {"bound_source", r.bound_source.empty() ? Json(nullptr) : Json(r.bound_source)},
              {"decomposition_bound", number_or_null(r.decomposition_bound)},
              {"model", r.plan.fluid ? "fluid" : "executable"},
              {"fluid_lp_bound", number_or_null(r.fluid_bound)},
              {"price_of_executability", number_or_null(r.plan.fluid ? kNaN : r.price_of_executability())}}},
            {"rates", rates_json(p, rates)},
            {"interruptions", interruptions_json(p.interruptions)}};
  const double cost = r.has_plan() ? r.check.cost.si() : kNaN;
  if (r.has_plan()) {
    j["plan"] = plan_json(p, r.plan);
    j["summary"] = summary_json(p, r.summary);
    j["checker"] = to_json(r.check);
  } else {
    j["checker"] = {{"verdict", "no plan"}, {"ok", false}, {"violations", Json::array()}};
  }
  Json binding = Json::array();
  for (const Binding& b : r.binding) {
    binding.push_back({{"group", to_string(b.group)},
                       {"what", b.what},
                       {"entity", b.entity},
                       {"months", b.months},
                       {"value", round_sig(b.value, 6)},
                       {"unit", b.unit},
                       {"message", b.message},
                       {"resolve_change", b.resolve_change},
                       {"resolve_saving", number_or_null(round_sig(b.resolve_saving, 6))}});
  }
  j["binding"] = binding;
  Json baselines = Json::array();
  for (const BaselineResult& b : r.baselines) {
    Json x = {{"name", b.name}, {"description", b.description}, {"found", b.found}, {"note", b.note}};
    if (b.found) {
      x["checker"] = to_json(b.check);
      // A saving only against a baseline held to the plan's model that does all the work (baselines.h).
      const std::string why = no_saving_against(b, r.plan);
      x.update(saving_json(b.check.cost.si(), why.empty() ? cost : kNaN));
      if (!why.empty() && r.has_plan()) x["no_saving"] = why;
    }
    baselines.push_back(x);
  }
  j["baselines"] = baselines;
  if (r.status == PlanStatus::infeasible) {
    Json tried = Json::array();
    for (const Relaxation& x : r.diagnosis.tried) {
      Json groups = Json::array();
      for (Group g : x.groups) groups.push_back(to_string(g));
      tried.push_back({{"relax", groups},
                       {"restores", x.restores},
                       {"cost", number_or_null(x.cost)},
                       {"violations", violations_json(x.violations)}});
    }
    Json conflict = Json::array();
    for (Group g : r.diagnosis.conflict) conflict.push_back(to_string(g));
    j["diagnosis"] = {{"summary", r.diagnosis.summary},
                      {"conflict", conflict},
                      {"conflict_words", r.diagnosis.conflict_words},
                      {"tried", tried}};
  }
  return j;
}

}  // namespace xpu
