// Cleaning SkyPilot catalog CSVs into offers (rules: price_import.h).
//
// The pipeline: read rows -> one price per (instance, zone) (GCP: accelerator
// row + host VM row of the same zone) -> regional anomaly check per SKU ->
// spot checked against the zone's kept on-demand price -> one offer per
// (instance, region, term), the median over zones -> optional summary.
#include "ingest/price_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>
#include <tuple>

#include "base/csv.h"
#include "base/unit_text.h"
#include "ingest/price_import_rules.h"
#include "ingest/text_file.h"

namespace xpu {
namespace {

using price_import::AcceleratorSku;
using price_import::Exclusions;

// --- CSV ---------------------------------------------------------------------

// A price cell: nullopt when blank or unreadable; 0 and 700 are returned as
// they are (the caller names them).
std::optional<double> price_cell(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string money(double per_hour) { return fmt::format("{:.4g} $/h", per_hour); }

// --- rows to zone prices ---------------------------------------------------------

// One instance type in one zone, after joining GCP's two rows.
struct ZonePrice {
  std::string instance, accelerator, region, zone;
  int chips = 0;
  bool tpu = false;
  std::optional<double> on_demand, spot;   // $/instance-hour, valid values only
  std::optional<double> listed_on_demand;  // on_demand as read, before the regional-anomaly rule drops it
  double component_per_chip = 0;           // what the anomaly check compares (GCP: the accelerator row)
  int line = 0;
  std::string host;        // GCP host machine type
  bool host_free = false;  // GCP host row priced 0.0
};

class Importer {
 public:
  Importer(std::string name, CatalogFormat format, const ImportOptions& opt)
      : name_(std::move(name)), format_(format), opt_(opt) {}

  ImportResult run(std::istream& in) {
    std::string line;
    CsvRecords records(in);
    std::set<std::string> seen_rows;  // verbatim rows
    while (records.next(line)) {
      const int lineno = records.line();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (lineno == 1) {
        if (!read_header(line)) return finish();
        continue;
      }
      if (line.empty()) continue;
      ++result_.rows;
      const CsvCells split = split_csv_line(line);
      auto cells = split.text;
      if (split.open_quote_column > 0) {
        excl_.add("malformed",
                  fmt::format("the quote at line {} column {} is never closed: the rest of the file was read as one "
                              "cell; skipped",
                              lineno + split.open_quote_line, split.open_quote_column),
                  lineno);
        continue;
      }
      if (cells.size() != header_.size()) {
        excl_.add("malformed", fmt::format("row has {} cells, the header {}; skipped", cells.size(), header_.size()),
                  lineno);
        continue;
      }
      if (!seen_rows.insert(line).second) {
        excl_.add("duplicate",
                  fmt::format("{} in {}: row repeated verbatim; skipped", label(cells), cell(cells, "Region")), lineno);
        continue;
      }
      if (format_ == CatalogFormat::aws) {
        aws_row(cells, lineno);
      } else {
        gcp_row(cells, lineno);
      }
    }
    if (format_ == CatalogFormat::gcp) join_gcp();
    return finish();
  }

 private:
  bool read_header(const std::string& line) {
    const std::vector<std::string> need =
        format_ == CatalogFormat::aws
            ? std::vector<std::string>{"InstanceType", "AcceleratorName", "AcceleratorCount", "Price",
                                       "SpotPrice",    "Region",          "AvailabilityZone"}
            : std::vector<std::string>{"InstanceType",     "AcceleratorName", "AcceleratorCount", "Region",
                                       "AvailabilityZone", "Price",           "SpotPrice"};
    // The other columns of SkyPilot's schema v8 (skypilot-catalog README,
    // catalogs/v8/{aws,gcp}/vms.csv; ../shared/data/catalog-snapshots/README.md,
    // read 2026-12-06) are known and not read. Any other column is a warning
    // with its near miss: 'SpotPrise' was ignored without a word (usertrial4).
    // A newer schema's extra column is a warning, not an error.
    std::vector<std::string> known = need;
    for (const char* c : {"vCPUs", "MemoryGiB", "GpuInfo"}) known.emplace_back(c);
    if (format_ == CatalogFormat::aws) known.emplace_back("Arch");
    CsvHeader h =
        read_csv_header(line, name_, need, known, result_.diagnostics,
                        fmt::format("is this a SkyPilot {} catalog?", format_ == CatalogFormat::aws ? "AWS" : "GCP"));
    header_ = std::move(h.names);
    return h.ok;
  }

  std::string cell(const std::vector<std::string>& cells, std::string_view col) const {
    auto it = std::find(header_.begin(), header_.end(), col);
    return it == header_.end() ? std::string() : cells[static_cast<size_t>(it - header_.begin())];
  }

  std::string label(const std::vector<std::string>& cells) const {
    std::string it = cell(cells, "InstanceType");
    if (!it.empty()) return it;
    return fmt::format("{} x{}", cell(cells, "AcceleratorName"), cell(cells, "AcceleratorCount"));
  }

  // A whole count of accelerators ("8.0" as SkyPilot writes it); 0 when it is
  // not one: "8.5" was rounded to 9 chips, silently (usertrial4).
  int count_cell(const std::vector<std::string>& cells) const {
    auto v = price_cell(cell(cells, "AcceleratorCount"));
    return v && *v >= 1 && *v <= 1e6 && *v == std::floor(*v) ? static_cast<int>(*v) : 0;
  }

  // A row without the names an offer is keyed by was written as an offer for
  // instance "" (or region ""), silently (usertrial4).
  bool blank(const std::vector<std::string>& cells, std::initializer_list<const char*> columns, int line) {
    for (const char* column : columns) {
      if (!cell(cells, column).empty()) continue;
      excl_.add("malformed", fmt::format("{} is blank; skipped", column), line);
      return true;
    }
    return false;
  }

  // Checks one price cell; returns the usable value or records why not.
  std::optional<double> checked(const std::string& text, const std::string& where, const std::string& what, int line) {
    auto v = price_cell(text);
    if (!v) {
      excl_.add("no-price",
                fmt::format("{}: {} price is {}; no offer", where, what,
                            text.empty() ? "blank" : fmt::format("unreadable ('{}')", text)),
                line);
      return std::nullopt;
    }
    if (*v == price_import::kSentinel) {
      excl_.add("sentinel", fmt::format("{}: {} price is the placeholder 700.0 (price unknown); no offer", where, what),
                line);
      return std::nullopt;
    }
    if (*v <= 0) {
      excl_.add("no-price", fmt::format("{}: {} price is {}; no offer", where, what, text), line);
      return std::nullopt;
    }
    // The loader bounds prices (max_magnitude): an import never writes what it would refuse.
    if (*v > max_magnitude(Dimension::money_rate) * 3600 || *v < 1e-6) {
      excl_.add("out-of-range", fmt::format("{}: {} price {} $/h is out of range; no offer", where, what, text), line);
      return std::nullopt;
    }
    return v;
  }

  void add_zone_price(ZonePrice z) {
    // A zone's name is its region's ("us-east-1a"), but a snapshot with blank
    // or bare zone cells ("a") made every later region a "duplicate".
    auto key = std::make_tuple(z.instance, z.region, z.zone);
    auto [it, fresh] = zones_.emplace(key, z);
    if (!fresh) {
      excl_.add(
          "duplicate",
          fmt::format("{} in {}: a second, different price for a zone already priced; skipped", z.instance, z.region),
          z.line);
    }
  }

  void aws_row(const std::vector<std::string>& c, int line) {
    if (blank(c, {"InstanceType", "Region"}, line)) return;
    std::string instance = cell(c, "InstanceType");
    std::string region = cell(c, "Region");
    std::string accel_name = cell(c, "AcceleratorName");
    const AcceleratorSku* sku = price_import::aws_sku(accel_name);
    if (sku == nullptr || sku->key.empty()) {
      excl_.add("unknown-sku",
                fmt::format("{}: accelerator '{}' has no catalog key{}; rows skipped", instance, accel_name,
                            sku ? fmt::format(" ({})", sku->why) : ""),
                line);
      return;
    }
    const std::string where = fmt::format("{} in {}", instance, region);
    ZonePrice z;
    z.instance = instance;
    z.accelerator = std::string(sku->key);
    z.region = region;
    z.zone = cell(c, "AvailabilityZone");
    z.chips = count_cell(c);
    z.line = line;
    z.on_demand = checked(cell(c, "Price"), where, "on-demand", line);
    z.spot = checked(cell(c, "SpotPrice"), where, "spot", line);
    if (z.chips <= 0) {
      excl_.add("malformed",
                fmt::format("{}: AcceleratorCount '{}' is not a whole positive count; skipped", instance,
                            cell(c, "AcceleratorCount")),
                line);
      return;
    }
    if (z.on_demand) z.component_per_chip = *z.on_demand / z.chips;
    add_zone_price(std::move(z));
  }

  void gcp_row(const std::vector<std::string>& c, int line) {
    std::string machine = cell(c, "InstanceType");
    if (!machine.empty()) {
      hosts_.emplace(std::make_tuple(machine, cell(c, "AvailabilityZone")),
                     HostRow{cell(c, "Price"), cell(c, "SpotPrice"), line, cell(c, "Region"), false});
      return;
    }
    if (blank(c, {"AcceleratorName", "Region"}, line)) return;
    std::string name = cell(c, "AcceleratorName");
    int count = count_cell(c);
    auto tpu = price_import::parse_tpu_name(name);
    if (tpu) {
      if (tpu->sku == nullptr) {
        excl_.add("unknown-sku", fmt::format("{}: TPU generation has no catalog key; rows skipped", name), line);
        return;
      }
      const std::string where = fmt::format("{} in {}", tpu->instance, cell(c, "Region"));
      int chips = tpu->size / tpu->sku->cores_per_chip;
      ZonePrice z;
      z.instance = tpu->instance;
      z.accelerator = std::string(tpu->sku->key);
      z.region = cell(c, "Region");
      z.zone = cell(c, "AvailabilityZone");
      z.chips = chips;
      z.tpu = true;
      z.line = line;
      z.on_demand = checked(cell(c, "Price"), where, "on-demand", line);
      z.spot = checked(cell(c, "SpotPrice"), where, "spot", line);
      if (z.on_demand) z.component_per_chip = *z.on_demand / chips;
      add_zone_price(std::move(z));
      return;
    }
    if (count <= 0) {
      excl_.add("malformed",
                fmt::format("{}: AcceleratorCount '{}' is not a whole positive count; skipped", name,
                            cell(c, "AcceleratorCount")),
                line);
      return;
    }
    const AcceleratorSku* sku = price_import::gcp_sku(name);
    if (sku == nullptr || sku->key.empty()) {
      excl_.add("unknown-sku",
                fmt::format("{} x{}: accelerator '{}' has no catalog key{}; rows skipped (with their "
                            "host VM rows)",
                            name, count, name, sku ? fmt::format(" ({})", sku->why) : ""),
                line);
      sku = nullptr;  // kept only so that its host VM row counts as accounted for
    }
    gpu_rows_.push_back(GpuRow{name, count, sku, cell(c, "Region"), cell(c, "AvailabilityZone"), cell(c, "Price"),
                               cell(c, "SpotPrice"), line});
  }

  // GCP GPUs: the accelerator row plus the host VM row of the matching machine type in the same zone.
  void join_gcp() {
    std::set<std::string> machine_types;
    for (const auto& [key, h] : hosts_) machine_types.insert(std::get<0>(key));
    for (const auto& g : gpu_rows_) {
      std::string host = price_import::gcp_host_machine(g.name, g.count);
      auto hit = hosts_.find(std::make_tuple(host, g.zone));
      if (hit != hosts_.end()) hit->second.used = true;
      if (g.sku == nullptr) continue;  // reported as unknown-sku
      const std::string where = fmt::format("{} in {}", host, g.region);
      if (hit == hosts_.end()) {
        excl_.add("no-host-row",
                  machine_types.count(host)
                      ? fmt::format("{} x{} in {}: no host VM row '{}' in this zone, so the VM's full price is "
                                    "unknown; skipped",
                                    g.name, g.count, g.region, host)
                      : fmt::format("{} x{}: no host VM rows '{}' in the file, so the VM's full price is unknown; "
                                    "skipped",
                                    g.name, g.count, host),
                  g.line);
        continue;
      }
      const HostRow& h = hit->second;
      auto accel_od = checked(g.price, where, "on-demand (accelerator row)", g.line);
      auto accel_spot = checked(g.spot, where, "spot (accelerator row)", g.line);
      // A host price of exactly 0.0 is how the snapshot prices a4-highgpu (B200): the
      // accelerator row then carries the whole VM price. Anything else missing drops the offer.
      bool host_free = price_cell(h.price) == 0.0;
      std::optional<double> host_od =
          host_free ? std::optional<double>(0.0) : checked(h.price, where, "on-demand (host VM row)", h.line);
      std::optional<double> host_spot =
          price_cell(h.spot) == 0.0 ? std::optional<double>(0.0) : checked(h.spot, where, "spot (host VM row)", h.line);
      ZonePrice z;
      z.instance = host;
      z.accelerator = std::string(g.sku->key);
      z.region = g.region;
      z.zone = g.zone;
      z.chips = g.count;
      z.line = g.line;
      z.host = host;
      z.host_free = host_free;
      if (accel_od && host_od) {
        z.on_demand = *accel_od + *host_od;
        z.component_per_chip = *accel_od / g.count;
      }
      if (accel_spot && host_spot) z.spot = *accel_spot + *host_spot;
      if (host_free) {
        excl_.warn(fmt::format("{} in {}: host VM row price is 0.0; the accelerator row is taken as the whole VM "
                               "price (offers marked estimate)",
                               host, g.region),
                   h.line);
      }
      add_zone_price(std::move(z));
    }
    for (const auto& [key, h] : hosts_) {
      if (h.used) continue;
      const auto& [machine, zone] = key;
      excl_.add(
          "unused-host-row",
          fmt::format("{}: host VM row with no accelerator row in the same zone (the machine type is not mapped to "
                      "a catalog accelerator, or its GPU row is missing); skipped",
                      machine),
          h.line);
    }
  }

  ImportResult finish();

  struct HostRow {
    std::string price, spot;
    int line = 0;
    std::string region;
    bool used = false;
  };
  struct GpuRow {
    std::string name;
    int count = 0;
    const AcceleratorSku* sku = nullptr;
    std::string region, zone, price, spot;
    int line = 0;
  };

  std::string name_;
  CatalogFormat format_;
  const ImportOptions& opt_;
  std::vector<std::string> header_;
  std::map<std::tuple<std::string, std::string, std::string>, ZonePrice> zones_;  // (instance, region, zone)
  std::map<std::tuple<std::string, std::string>, HostRow> hosts_;                 // (machine type, zone)
  std::vector<GpuRow> gpu_rows_;
  std::vector<Offer> offers_;
  Exclusions excl_;
  ImportResult result_;
};

// --- zones to offers -------------------------------------------------------------

ImportResult Importer::finish() {
  if (has_errors(result_.diagnostics)) return std::move(result_);
  // Group zone prices by instance and region.
  std::map<std::string, std::map<std::string, std::vector<ZonePrice*>>> by_instance;  // instance -> region -> zones
  for (auto& [key, z] : zones_) {
    z.listed_on_demand = z.on_demand;
    by_instance[z.instance][z.region].push_back(&z);
  }

  const bool tpu_source = format_ == CatalogFormat::gcp;
  for (auto& [instance, regions] : by_instance) {
    // Regional anomalies, on the on-demand component price per chip.
    std::map<std::string, double> per_region;
    std::map<std::string, int> first_line;
    for (auto& [region, zones] : regions) {
      std::vector<double> comp;
      for (auto* z : zones) {
        if (z->on_demand) comp.push_back(z->component_per_chip);
      }
      if (!comp.empty()) {
        per_region[region] = median(comp);
        first_line[region] = zones.front()->line;
      }
    }
    auto anomalies = price_import::regional_anomalies(per_region, opt_.gap_ratio, opt_.outlier_ratio);
    for (const auto& [region, why] : anomalies) {
      for (auto* z : regions[region]) {
        if (!z->on_demand) continue;
        excl_.add("regional-anomaly", fmt::format("{} in {}: on-demand {}; excluded", instance, region, why), z->line);
        z->on_demand.reset();
      }
    }
    // What a spot price is checked against where its zone lists no on-demand
    // price (p5e.48xlarge): the instance's kept on-demand prices elsewhere.
    std::optional<double> instance_on_demand;
    {
      std::vector<double> kept;
      for (auto& [region, zones] : regions) {
        for (auto* z : zones) {
          if (z->on_demand) kept.push_back(*z->on_demand);
        }
      }
      if (!kept.empty()) instance_on_demand = median(kept);
    }
    const double spot_floor = format_ == CatalogFormat::aws ? price_import::kAwsSpotFloor : price_import::kGcpSpotFloor;
    for (auto& [region, zones] : regions) {
      ZonePrice& first = *zones.front();
      Offer base;
      base.provider = format_ == CatalogFormat::aws ? "aws" : "gcp";
      base.region = region;
      base.instance = instance;
      base.accelerator = first.accelerator;
      base.chips = first.chips;
      base.provenance.source = provider_pricing_source(format_, first.tpu && tpu_source);
      base.provenance.retrieved = opt_.retrieved;
      base.defined_at = {name_, first.line, 0, ""};
      base.accelerator_at = base.defined_at;
      std::vector<std::string> notes;
      if (!opt_.note.empty()) notes.push_back(opt_.note);
      if (!first.host.empty())
        notes.push_back(fmt::format("accelerator row + host VM row ({}) of the same zone", first.host));
      if (first.host_free) {
        notes.push_back(
            fmt::format("the {} host VM row is 0.0, so the accelerator row is taken as the whole price", first.host));
        base.provenance.estimate = true;
      }
      // On-demand: one list price per region; zones should agree.
      std::vector<double> od;
      for (auto* z : zones) {
        if (z->on_demand) od.push_back(*z->on_demand);
      }
      if (!od.empty()) {
        Offer o = base;
        o.term = Term::on_demand;
        double m = median(od);
        auto [lo, hi] = std::minmax_element(od.begin(), od.end());
        std::vector<std::string> n = notes;
        if (*hi > *lo * 1.01) {
          result_.diagnostics.push_back(warning_at(
              base.defined_at, fmt::format("{} in {}: zones disagree on the on-demand price ({} to {}); using the "
                                           "median {}",
                                           instance, region, money(*lo), money(*hi), money(m))));
          n.push_back(fmt::format("median of {} zone prices ({} to {})", od.size(), money(*lo), money(*hi)));
          o.provenance.estimate = true;
        }
        o.price = dollars_per_hour(m);
        o.provenance.note = fmt::format("{}", fmt::join(n, "; "));
        offers_.push_back(std::move(o));
      }
      // Spot: per zone, only where it undercuts that zone's kept on-demand price.
      std::vector<double> spot;
      for (auto* z : zones) {
        if (!z->spot) continue;
        if (z->on_demand && *z->spot >= *z->on_demand - 1e-9) {
          excl_.add("spot-not-cheaper",
                    fmt::format("{} in {} ({}): spot {} is not below on-demand {} (no real spot market); excluded",
                                instance, region, z->zone, money(*z->spot), money(*z->on_demand)),
                    z->line);
          continue;
        }
        // Far below on-demand, past the provider's deepest published discount:
        // checked against the zone's listed price even when the regional rule
        // dropped it (a spot price is not a regional anomaly's cure).
        const std::optional<double> reference = z->listed_on_demand ? z->listed_on_demand : instance_on_demand;
        if (reference && *z->spot < spot_floor * price_import::kSpotFloorTolerance * *reference) {
          excl_.add(
              "spot-implausible",
              fmt::format("{} in {} ({}): spot {} is {:.2g}% of on-demand {}{}, below the {:.0f}% floor of the "
                          "provider's deepest published spot discount (a placeholder or a fetcher's error); "
                          "excluded",
                          instance, region, z->zone, money(*z->spot), 100 * *z->spot / *reference, money(*reference),
                          z->listed_on_demand ? "" : " (the instance's median elsewhere)", 100 * spot_floor),
              z->line);
          continue;
        }
        spot.push_back(*z->spot);
      }
      if (!spot.empty()) {
        Offer o = base;
        o.term = Term::spot;
        double m = median(spot);
        auto [lo, hi] = std::minmax_element(spot.begin(), spot.end());
        std::vector<std::string> n = notes;
        n.push_back(*lo == *hi ? fmt::format("spot price in {} zone(s); spot prices move with demand", spot.size())
                               : fmt::format("median of {} zone spot prices ({} to {}); spot prices move with demand",
                                             spot.size(), money(*lo), money(*hi)));
        o.price = dollars_per_hour(m);
        o.provenance.estimate = true;
        o.provenance.note = fmt::format("{}", fmt::join(n, "; "));
        offers_.push_back(std::move(o));
      }
    }
  }
  std::vector<Offer> offers = price_import::summarize(std::move(offers_), opt_);
  std::stable_sort(offers.begin(), offers.end(), [](const Offer& a, const Offer& b) { return a.key() < b.key(); });
  result_.offers = std::move(offers);
  excl_.emit(name_, result_.diagnostics, result_.excluded);
  return std::move(result_);
}

}  // namespace

std::string provider_pricing_source(CatalogFormat format, bool tpu) {
  if (format == CatalogFormat::aws) {
    return "Amazon EC2 On-Demand and Spot pricing (https://aws.amazon.com/ec2/pricing/), as collected in the SkyPilot "
           "catalog (github.com/skypilot-org/skypilot-catalog, catalogs/v8/aws/vms.csv)";
  }
  if (tpu) {
    return "Cloud TPU pricing (https://cloud.google.com/tpu/pricing), as collected in the SkyPilot catalog "
           "(github.com/skypilot-org/skypilot-catalog, catalogs/v8/gcp/vms.csv)";
  }
  return "Google Compute Engine GPU and VM pricing (https://cloud.google.com/compute/gpus-pricing, "
         "https://cloud.google.com/compute/vm-instance-pricing), as collected in the SkyPilot catalog "
         "(github.com/skypilot-org/skypilot-catalog, catalogs/v8/gcp/vms.csv)";
}

ImportResult import_skypilot_text(const std::string& text, const std::string& name, CatalogFormat format,
                                  const ImportOptions& options) {
  std::istringstream in(text);
  return Importer(name, format, options).run(in);
}

ImportResult import_skypilot_csv(const std::string& path, CatalogFormat format, const ImportOptions& options) {
  ImportResult r;
  const auto text = read_text_file(path, r.diagnostics);
  if (!text) return r;
  return import_skypilot_text(*text, path, format, options);
}

ImportOptions summary_import_options(ImportOptions options) {
  options.regions = {"us-east-1", "us-east-2", "us-west-2", "us-central1", "us-east4", "us-east5", "europe-west4"};
  options.smallest_slice_only = true;
  return options;
}

std::string import_summary(const std::string& file, const ImportResult& r) {
  int excluded = 0;
  std::string counts;
  for (const auto& [rule, n] : r.excluded) {
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", rule, n);
    excluded += n;
  }
  return fmt::format("{}: {} rows read, {} offers written, {} prices excluded{}{}\n", file, r.rows, r.offers.size(),
                     excluded, counts.empty() ? "" : ": ", counts);
}

}  // namespace xpu
