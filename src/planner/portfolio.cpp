#include "planner/portfolio.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "base/goodput.h"
#include "workload/checkpoint.h"

namespace xpu {
namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::pair<int, int> year_month(const Horizon& h, int m) {
  const int zero_based = (h.start_month - 1) + m;
  // Floor division so months before the start work too.
  const int years = zero_based >= 0 ? zero_based / 12 : -((-zero_based + 11) / 12);
  return {h.start_year + years, zero_based - years * 12 + 1};
}

}  // namespace

std::string Horizon::label(int m) const {
  const auto [y, mo] = year_month(*this, m);
  return fmt::format("{:04d}-{:02d}", y, mo);
}

double Horizon::hours(int m) const {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const auto [y, mo] = year_month(*this, m);
  const int days = kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0);
  return days * 24.0;
}

std::optional<std::pair<int, int>> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int y = 0, m = 0;
  auto r1 = std::from_chars(text.data(), text.data() + 4, y);
  auto r2 = std::from_chars(text.data() + 5, text.data() + 7, m);
  if (r1.ec != std::errc() || r1.ptr != text.data() + 4 || r2.ec != std::errc() || r2.ptr != text.data() + 7) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || y < 1900 || y > 9999) return std::nullopt;
  return std::pair{y, m};
}

std::string_view to_string(Objective o) { return o == Objective::cost ? "cost" : "lateness"; }

int PlanOffer::term_months() const {
  switch (offer.term) {
    case Term::commit_1y:
      return 12;
    case Term::commit_3y:
      return 36;
    case Term::capacity_block:
      return 1;
    case Term::on_demand:
    case Term::spot:
      return 0;
  }
  return 0;
}

const Site* Portfolio::find_site(std::string_view n) const {
  for (const Site& s : sites) {
    if (s.name == n) return &s;
  }
  return nullptr;
}

int Portfolio::find_offer(std::string_view key) const {
  for (size_t i = 0; i < offers.size(); ++i) {
    if (offers[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

std::vector<Vendor> Portfolio::vendors() const {
  std::vector<Vendor> out;
  for (Vendor v : {Vendor::nvidia, Vendor::google, Vendor::aws, Vendor::amd}) {
    if (std::any_of(offers.begin(), offers.end(), [&](const PlanOffer& o) { return o.vendor == v; })) {
      out.push_back(v);
    }
  }
  return out;
}

std::vector<std::string> Portfolio::providers() const {
  std::vector<std::string> out;
  for (const PlanOffer& o : offers) out.push_back(o.offer.provider);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Diagnostics validate_portfolio(const Portfolio& p) {
  Diagnostics ds;
  const int H = p.horizon.months;
  if (H <= 0) ds.push_back(error_at({}, fmt::format("horizon: months must be positive, got {}", H)));
  for (const PlanOffer& o : p.offers) {
    if (static_cast<int>(o.capacity.size()) != H) {
      ds.push_back(error_at(o.defined_at, fmt::format("offer '{}': capacity has {} months, the horizon {}", o.key,
                                                      o.capacity.size(), H)));
    }
    if (!o.site.empty() && !p.find_site(o.site)) {
      ds.push_back(error_at(o.defined_at, fmt::format("offer '{}': unknown site '{}'", o.key, o.site)));
    }
  }
  for (const Workload& w : p.workloads) {
    if (w.kind == Mode::train) {
      if (w.deadline < w.earliest) {
        ds.push_back(
            error_at(w.defined_at, fmt::format("workload '{}': deadline {} is before its earliest start {}", w.name,
                                               p.horizon.label(w.deadline), p.horizon.label(w.earliest))));
      }
      if (w.earliest < 0 || w.deadline >= H) {
        ds.push_back(
            error_at(w.defined_at, fmt::format("workload '{}': window {}..{} is outside the horizon {}..{}", w.name,
                                               p.horizon.label(w.earliest), p.horizon.label(w.deadline),
                                               p.horizon.label(0), p.horizon.label(H - 1))));
      }
      if (!(w.train.job.tokens > 0)) {
        ds.push_back(error_at(w.defined_at, fmt::format("workload '{}': tokens must be positive", w.name)));
      }
    } else if (static_cast<int>(w.serve.demand_rps.size()) != H) {
      ds.push_back(error_at(w.defined_at, fmt::format("workload '{}': demand has {} months, the horizon {}", w.name,
                                                      w.serve.demand_rps.size(), H)));
    }
    const bool any_offer = std::any_of(p.offers.begin(), p.offers.end(), [&](const PlanOffer& o) {
      return std::binary_search(w.accelerators.begin(), w.accelerators.end(), o.offer.accelerator) &&
             (w.kind == Mode::train || o.offer.term != Term::spot);
    });
    if (!any_offer) {
      ds.push_back(error_at(w.defined_at, fmt::format("workload '{}': no offer in the portfolio has an accelerator "
                                                      "it may use",
                                                      w.name)));
    }
  }
  const Policy& pol = p.policy;
  if (pol.min_vendors > static_cast<int>(p.vendors().size())) {
    ds.push_back(error_at({}, fmt::format("policy: min_vendors is {} but the offers come from {} vendor(s)",
                                          pol.min_vendors, p.vendors().size())));
  }
  if (pol.min_vendors > 1 && pol.min_vendor_share * pol.min_vendors > 1 + 1e-12) {
    ds.push_back(error_at({}, fmt::format("policy: {} vendors with at least {} each is more than the whole",
                                          pol.min_vendors, pol.min_vendor_share)));
  }
  return ds;
}

GangInterruptions GangInterruptions::llama3() {
  GangInterruptions g;
  // Dubey et al. 2024, The Llama 3 Herd of Models, arXiv 2407.21783, sec. 3.3.4: 419 unexpected and 47
  // planned interruptions on 16,384 H100 over 54 days (H100; no other vendor publishes a rate).
  g.failures.push_back({.accelerator = "default", .per_chip_hour = (419.0 + 47.0) / (16384.0 * 54 * 24)});
  g.write_bandwidth = ByteRate(50e9);  // assumption (examples/risks.yaml); Llama 3's Tectonic sustained 2 TB/s
  g.restart = Seconds(600);            // Salpekar et al. 2026, arXiv 2602.00277: ~10 min stall per failure
  g.source =
      "default: Llama 3 interruption rates (arXiv 2407.21783 sec. 3.3.4), 50 GB/s checkpoint writes "
      "(assumption), 10 min restart (arXiv 2602.00277)";
  return g;
}

const GangInterruptions::Rate* GangInterruptions::rate_for(std::string_view accelerator) const {
  const Rate* fallback = nullptr;
  for (const Rate& r : failures) {
    if (r.accelerator == accelerator) return &r;
    if (r.accelerator == "default") fallback = &r;
  }
  return fallback;
}

double gang_goodput(const Portfolio& p, const Workload& w, std::string_view accelerator, double reclaims_per_hour,
                    int64_t chips) {
  const GangInterruptions& g = p.interruptions;
  if (!g.on) return 1.0;
  const GangInterruptions::Rate* r = g.rate_for(accelerator);
  const double per_hour = (r ? r->per_chip_hour * static_cast<double>(chips) : 0.0) + std::max(0.0, reclaims_per_hour);
  const Seconds write(g.write_bandwidth.si() > 0 ? checkpoint_bytes(w.model).si() / g.write_bandwidth.si() : 0.0);
  const Seconds stall((r ? r->detect.si() : 0.0) + g.restart.si());
  return expected_goodput(write, stall, per_hour / 3600.0);
}

}  // namespace xpu
