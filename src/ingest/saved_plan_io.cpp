#include "ingest/saved_plan_io.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/suggest.h"
#include "ingest/json_text.h"
#include "ingest/text_file.h"
#include "planner/check.h"

namespace xpu {
namespace {

using Json = nlohmann::json;

class PlanReader {
 public:
  PlanReader(const Portfolio& p, std::string name, Diagnostics& ds) : p_(p), name_(std::move(name)), ds_(ds) {
    for (const PlanOffer& o : p.offers) offer_keys_.push_back(o.key);
    for (const Workload& w : p.workloads) workload_names_.push_back(w.name);
  }

  void error(const std::string& pointer, std::string message) {
    ds_.push_back(error_at({.file = name_, .line = 0, .column = 0, .pointer = pointer}, std::move(message)));
  }

  // The list under /plan/<key> (missing = empty); each entry an object.
  template <class F>
  void each(const Json& plan, const std::string& key, F one) {
    const std::string at = "/plan/" + key;
    if (!use(plan, "/plan").ask(plan, key, false)) return;
    const Json& list = plan[key];
    if (!list.is_array()) {
      error(at, "must be a list");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string here = fmt::format("{}/{}", at, i);
      if (!list[i].is_object()) {
        error(here, "must be an object");
        continue;
      }
      one(list[i], here);
    }
  }

  std::optional<OfferId> offer(const Json& e, const std::string& at) {
    const auto key = text(e, at, "offer");
    if (!key) return std::nullopt;
    const int i = p_.find_offer(*key);
    if (i < 0) {
      error(at + "/offer",
            fmt::format("offer '{}' is not in portfolio '{}'{}", *key, p_.name, did_you_mean(*key, offer_keys_)));
      return std::nullopt;
    }
    return OfferId(static_cast<size_t>(i));
  }

  std::optional<WorkloadId> workload(const Json& e, const std::string& at) {
    const auto name = text(e, at, "workload");
    if (!name) return std::nullopt;
    for (size_t i = 0; i < p_.workloads.size(); ++i) {
      if (p_.workloads[i].name == *name) return WorkloadId(i);
    }
    error(at + "/workload", fmt::format("workload '{}' is not in portfolio '{}'{}", *name, p_.name,
                                        did_you_mean(*name, workload_names_)));
    return std::nullopt;
  }

  std::optional<int> month(const Json& e, const std::string& at) {
    const auto s = text(e, at, "month");
    if (!s) return std::nullopt;
    const auto ym = parse_year_month(*s);
    const int m = ym ? p_.horizon.index_of(ym->first, ym->second) : -1;
    if (!ym || m < 0 || m >= p_.horizon.months) {
      error(at + "/month", fmt::format("must be a month of the portfolio's horizon ({} to {}), got '{}'",
                                       p_.horizon.label(0), p_.horizon.label(p_.horizon.months - 1), *s));
      return std::nullopt;
    }
    return m;
  }

  std::optional<double> number(const Json& e, const std::string& at, const std::string& key) {
    if (!use(e, at).ask(e, key, true) || !e[key].is_number()) {
      error(at + "/" + key, "must be a number");
      return std::nullopt;
    }
    const double v = e[key].get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1e9) {
      error(at + "/" + key, fmt::format("must be between 0 and 1e9, got {}", v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::string> text(const Json& e, const std::string& at, const std::string& key) {
    if (!use(e, at).ask(e, key, true) || !e[key].is_string()) {
      error(at + "/" + key, "must be a string");
      return std::nullopt;
    }
    return e[key].get<std::string>();
  }

  const Portfolio& portfolio() const { return p_; }

  // The keys asked of the object `e` at pointer `at` (the first call names it).
  JsonKeyUse& use(const Json& e, const std::string& at) {
    auto [it, added] = index_.try_emplace(at, objects_.size());
    if (added) objects_.push_back({&e, at, {}});
    return objects_[it->second].use;
  }
  // A key a reader never asked for that is a near miss of one it did not
  // find ("gang" for "gangs", "chip" for "chips") is named, not ignored.
  void report_near_misses() {
    for (const Tracked& t : objects_) report_near_miss_keys(*t.object, t.use, name_, t.at, ds_);
  }

 private:
  struct Tracked {
    const Json* object;
    std::string at;
    JsonKeyUse use;
  };
  std::vector<Tracked> objects_;
  std::unordered_map<std::string, size_t> index_;
  const Portfolio& p_;
  std::string name_;
  Diagnostics& ds_;
  std::vector<std::string> offer_keys_, workload_names_;
};

}  // namespace

Plan parse_saved_plan(const std::string& text, const std::string& name, const Portfolio& p, Diagnostics& ds) {
  Plan plan;
  PlanReader r(p, name, ds);
  const std::optional<Json> parsed = parse_json_text(text, name, ds);
  if (!parsed) return plan;
  const Json& doc = *parsed;
  if (!doc.is_object()) {
    r.error("", "is not a JSON object (expected the output of `xpuplan plan ... --json`)");
    return plan;
  }
  if (r.use(doc, "").ask(doc, "portfolio", false) && doc["portfolio"].is_string() && doc["portfolio"] != p.name) {
    r.error("/portfolio",
            fmt::format("the plan is for portfolio '{}', not '{}'", doc["portfolio"].get<std::string>(), p.name));
  }
  if (!r.use(doc, "").ask(doc, "plan", true) || !doc["plan"].is_object()) {
    r.error("/plan", "missing: the file has no plan (the planner found none?)");
    return plan;
  }
  const Json& j = doc["plan"];
  r.each(j, "purchases", [&](const Json& e, const std::string& at) {
    const auto o = r.offer(e, at);
    const auto m = r.month(e, at);
    const auto n = r.number(e, at, "instances");
    if (o && !p.offer(*o).is_commitment())
      r.error(at + "/offer", "is not a commitment: purchases buy 1y, 3y or capacity blocks");
    if (n && *n != std::floor(*n)) r.error(at + "/instances", fmt::format("must be whole, got {}", *n));
    if (o && m && n) plan.purchases.push_back(Purchase{*o, *m, static_cast<int64_t>(*n)});
  });
  r.each(j, "rentals", [&](const Json& e, const std::string& at) {
    const auto o = r.offer(e, at);
    const auto m = r.month(e, at);
    const auto c = r.number(e, at, "chips");
    if (o && p.offer(*o).is_commitment()) r.error(at + "/offer", "is a commitment: rentals are on-demand or spot");
    // Executable plans rent whole instances; a fluid plan's rentals have none.
    std::optional<double> n = 0.0;
    if (r.use(e, at).ask(e, "instances", false)) {
      n = r.number(e, at, "instances");
      if (n && *n != std::floor(*n)) r.error(at + "/instances", fmt::format("must be whole, got {}", *n));
    }
    if (o && m && c && n) plan.rentals.push_back(Rental{*o, *m, *c, static_cast<int64_t>(*n)});
  });
  r.each(j, "assignments", [&](const Json& e, const std::string& at) {
    const auto w = r.workload(e, at);
    const auto o = r.offer(e, at);
    const auto m = r.month(e, at);
    const auto c = r.number(e, at, "chips");
    if (w && o && m && c) plan.assignments.push_back(Assignment{*w, *o, *m, *c});
  });
  r.each(j, "reserves", [&](const Json& e, const std::string& at) {
    const auto lost = r.text(e, at, "if_vendor_loses");
    const auto w = r.workload(e, at);
    const auto acc = r.text(e, at, "accelerator");
    const auto provider = r.text(e, at, "provider");
    const auto m = r.month(e, at);
    const auto c = r.number(e, at, "chips");
    const auto vendor = lost ? parse_vendor(*lost) : std::nullopt;
    if (lost && !vendor) r.error(at + "/if_vendor_loses", fmt::format("unknown vendor '{}'", *lost));
    const bool spot = r.use(e, at).ask(e, "spot", false) && e["spot"].is_boolean() && e["spot"].get<bool>();
    if (vendor && w && acc && provider && m && c) {
      plan.reserves.push_back(Reserve{*vendor, *w, *acc, *provider, spot, *m, *c});
    }
  });
  r.each(j, "porting", [&](const Json& e, const std::string& at) {
    const auto w = r.workload(e, at);
    const auto rt = r.text(e, at, "runtime");
    if (!w || !rt) return;
    for (const PortingCost& c : p.workload(*w).porting) {
      if (to_string(c.runtime) == *rt) {
        plan.porting.push_back(Porting{*w, c.runtime});
        return;
      }
    }
    r.error(at + "/runtime", fmt::format("workload '{}' has no porting cost to '{}'", p.workload(*w).name, *rt));
  });
  // Executable plans: each training run's gang per month and each service's
  // whole replicas per pool and month.
  auto flag = [&](const Json& e, const std::string& at, const std::string& key) {
    if (!r.use(e, at).ask(e, key, false)) return false;
    if (!e[key].is_boolean()) {
      r.error(at + "/" + key, "must be true or false");
      return false;
    }
    return e[key].get<bool>();
  };
  auto whole = [&](const Json& e, const std::string& at, const std::string& key) -> std::optional<int64_t> {
    const auto v = r.number(e, at, key);
    if (!v) return std::nullopt;
    if (*v != std::floor(*v)) {
      r.error(at + "/" + key, fmt::format("must be whole, got {}", *v));
      return std::nullopt;
    }
    return static_cast<int64_t>(*v);
  };
  // Where a gang or a replica set runs: workload, month, pool and layout (every
  // field read, so all its problems are reported at once).
  auto place = [&](const Json& e, const std::string& at, auto& x) {
    const auto w = r.workload(e, at);
    const auto m = r.month(e, at);
    const auto acc = r.text(e, at, "accelerator");
    const auto provider = r.text(e, at, "provider");
    const auto region = r.text(e, at, "region");
    x.layout = r.use(e, at).ask(e, "layout", false) && e["layout"].is_string() ? e["layout"].get<std::string>() : "";
    if (!(w && m && acc && provider && region)) return false;
    x.workload = *w;
    x.month = *m;
    x.accelerator = *acc;
    x.provider = *provider;
    x.region = *region;
    return true;
  };
  r.each(j, "gangs", [&](const Json& e, const std::string& at) {
    Gang g;
    const bool placed = place(e, at, g);
    const auto chips = whole(e, at, "chips");
    const auto rate = r.number(e, at, "tokens_per_s");
    g.spot = flag(e, at, "spot");
    g.moved_in = flag(e, at, "moved_in");
    // Plans saved before interruptions were planned for have none: they assumed 100%.
    std::optional<double> good = 1.0;
    if (r.use(e, at).ask(e, "goodput", false)) {
      good = r.number(e, at, "goodput");
      if (good && *good > 1) r.error(at + "/goodput", fmt::format("must be at most 1, got {}", *good));
    }
    if (!(placed && chips && rate && good)) return;
    g.goodput = *good;
    g.chips = *chips;
    g.tokens_per_s = *rate;
    plan.gangs.push_back(std::move(g));
  });
  r.each(j, "replicas", [&](const Json& e, const std::string& at) {
    Replicas x;
    const bool placed = place(e, at, x);
    const auto n = whole(e, at, "replicas");
    const auto per = whole(e, at, "chips_per_replica");
    if (!(placed && n && per)) return;
    x.replicas = *n;
    x.chips_per_replica = static_cast<int>(*per);
    plan.replicas.push_back(std::move(x));
  });
  plan.fluid = flag(j, "/plan", "fluid");
  r.report_near_misses();
  // The file's numbers carry 6 significant digits (canonical JSON), so its own
  // cost is no check on them: the plan claims what its decisions cost.
  plan.claimed_cost = plan_cost(p, plan);
  canonicalize(plan);
  return plan;
}

Plan load_saved_plan(const std::string& path, const Portfolio& p) {
  Diagnostics ds;
  const auto text = read_text_file(path, ds);
  Plan plan;
  if (text) plan = parse_saved_plan(*text, path, p, ds);
  if (has_errors(ds)) throw InputError(std::move(ds));
  return plan;
}

}  // namespace xpu
