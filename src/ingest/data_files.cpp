#include "ingest/data_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/suggest.h"
#include "ingest/calibration_io.h"
#include "ingest/cases_io.h"
#include "ingest/catalog_io.h"
#include "ingest/model_io.h"
#include "ingest/price_io.h"
#include "ingest/yaml_reader.h"

#ifndef XPUPLAN_DATA_DIR
#define XPUPLAN_DATA_DIR "data"
#endif

namespace xpu {
namespace fs = std::filesystem;

namespace {

template <class T, class ReadFn>
void read_list(MapReader& top, std::string_view section, std::vector<T>& out, ReadFn read, std::string_view what) {
  YAML::Node list = top.node(section);
  if (!list.IsDefined()) return;
  if (!list.IsSequence()) {
    top.error(section, fmt::format("must be a list of {} entries", what));
    return;
  }
  for (const auto& e : list) {
    MapReader r(e, top.file(), top.diagnostics(), std::string(what));
    if (!r.ok()) continue;
    if (auto v = read(r)) out.push_back(std::move(*v));
  }
}

void parse_sections(const YAML::Node& root, const std::string& name, DataSet& into, Diagnostics& ds,
                    std::vector<AcceleratorMention>* refused) {
  if (root.IsNull()) return;  // an empty file is fine
  MapReader top(root, name, ds, "data file");
  if (!top.ok()) return;
  read_list(top, "accelerators", into.catalog.accelerators, read_accelerator, "accelerator");
  read_list(top, "systems", into.catalog.systems, read_system, "system");
  read_list(top, "models", into.models, read_model, "model");
  read_list(
      top, "offers", into.prices.offers, [&](MapReader& r) { return read_offer(r, refused); }, "offer");
  read_list(
      top, "purchase_prices", into.prices.purchases, [&](MapReader& r) { return read_purchase_price(r, refused); },
      "purchase price");
  read_list(top, "providers", into.prices.provider_classes, read_provider, "provider");
  read_list(top, "stacks", into.catalog.stacks, read_stack, "stack");
  read_list(top, "calibration", into.calibrations, read_calibration, "calibration");
  read_list(top, "mlperf_evaluation", into.mlperf, read_mlperf_evaluation, "MLPerf benchmark");
  read_list(top, "mlperf_inference", into.mlperf_inference, read_mlperf_inference, "MLPerf Inference benchmark");
  top.node("components");  // component evidence (data/components/README.md): read by the component validator
  top.finish();
}

template <class T>
void sort_by_key(std::vector<T>& v) {
  std::stable_sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.key < b.key; });
}

void check_duplicate_models(const std::vector<ModelArch>& models, Diagnostics& ds) {
  for (size_t i = 1; i < models.size(); ++i) {
    if (models[i].key == models[i - 1].key) {
      const auto& first = models[i - 1].defined_at;
      ds.push_back(error_at(models[i].defined_at, fmt::format("duplicate model key '{}' (first defined at {}:{})",
                                                              models[i].key, first.file, first.line)));
    }
  }
}

// A calibration from a later directory is applied after the earlier ones:
// its parameters and its evidence (which prediction intervals use) win, and
// predictions for that stack change. Silently replacing the shipped fit would
// hide that, so each entry leaves a note naming what it replaces.
void note_calibration_override(const std::vector<CalibrationEntry>& earlier, const CalibrationEntry& c,
                               Diagnostics& ds) {
  const CalibrationEntry* prior = nullptr;
  for (const auto& e : earlier) {
    if (e.stack == c.stack) prior = &e;
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : c.parameters) names.push_back(name);
  const std::string params = names.empty() ? "no parameters" : fmt::format("{}", fmt::join(names, ", "));
  if (prior) {
    ds.push_back(Diagnostic{
        Severity::note, c.defined_at,
        fmt::format("calibration of stack '{}' replaces the one at {}:{} ({} cases, leave-one-out median {:.1f}%): "
                    "its {} and its evidence ({} cases) are used instead; parameters it does not set keep that fit",
                    c.stack, prior->defined_at.file, prior->defined_at.line, prior->evidence.cases,
                    prior->evidence.median_abs_pct, params, c.evidence.cases)});
  } else {
    ds.push_back(Diagnostic{
        Severity::note, c.defined_at,
        fmt::format("calibration of stack '{}' is applied ({}); the shipped data has none for it", c.stack, params)});
  }
}

// Offers and purchase prices refused for another problem still name their
// accelerator: an unknown one is reported too, as validate_price_book does for the rest.
void check_refused_mentions(const std::vector<AcceleratorMention>& mentions, const std::vector<std::string>& keys,
                            Diagnostics& ds) {
  for (const auto& m : mentions) {
    if (std::find(keys.begin(), keys.end(), m.accelerator) == keys.end()) {
      ds.push_back(error_at(m.at, fmt::format("{}: unknown accelerator '{}'{}", m.what, m.accelerator,
                                              did_you_mean(m.accelerator, keys))));
    }
  }
}

void read_data_file(const std::string& path, DataSet& into, Diagnostics& ds, std::vector<AcceleratorMention>* refused) {
  if (auto root = load_yaml_file(path, ds)) parse_sections(*root, path, into, ds, refused);
}

DataSet read_data_dir(const std::string& dir, Diagnostics& ds, std::vector<AcceleratorMention>* refused);

}  // namespace

void load_data_text(const std::string& text, const std::string& name, DataSet& into, Diagnostics& ds) {
  if (auto root = parse_yaml_text(text, name, ds)) parse_sections(*root, name, into, ds, nullptr);
}

void load_data_file(const std::string& path, DataSet& into, Diagnostics& ds) {
  read_data_file(path, into, ds, nullptr);
}

DataSet load_data_dir(const std::string& dir, Diagnostics& ds) { return read_data_dir(dir, ds, nullptr); }

namespace {

DataSet read_data_dir(const std::string& dir, Diagnostics& ds, std::vector<AcceleratorMention>* refused) {
  DataSet out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    ds.push_back(error_at({dir, 0, 0, ""}, fs::exists(dir, ec) ? "not a directory" : "no such directory"));
    return out;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml")) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) read_data_file(f.string(), out, ds, refused);
  sort_by_key(out.catalog.accelerators);
  sort_by_key(out.catalog.systems);
  sort_by_key(out.catalog.stacks);
  sort_by_key(out.models);
  sort_price_book(out.prices);
  return out;
}

}  // namespace

DataSet load_data(const std::vector<std::string>& dirs, Diagnostics* notes, bool apply_calibration,
                  const std::vector<std::string>& price_files) {
  Diagnostics ds;
  DataSet merged;
  std::vector<AcceleratorMention> refused;  // by entries refused for another problem
  for (size_t i = 0; i < dirs.size(); ++i) {
    DataSet layer = read_data_dir(dirs[i], ds, &refused);
    // Within one directory a repeated key is an error; across directories it replaces.
    for (auto& d : check_unique_keys(layer.catalog)) ds.push_back(std::move(d));
    check_duplicate_models(layer.models, ds);
    for (auto& d : check_unique_prices(layer.prices)) ds.push_back(std::move(d));
    if (i == 0) {
      merged = std::move(layer);
      continue;
    }
    // Later calibrations are applied after earlier ones, so they win: say so.
    for (auto& c : layer.calibrations) {
      note_calibration_override(merged.calibrations, c, ds);
      merged.calibrations.push_back(std::move(c));
    }
    for (auto& m : layer.mlperf) merged.mlperf.push_back(std::move(m));
    for (auto& m : layer.mlperf_inference) merged.mlperf_inference.push_back(std::move(m));
    for (auto& n : merge_catalog(merged.catalog, std::move(layer.catalog))) ds.push_back(std::move(n));
    for (auto& n : merge_price_book(merged.prices, std::move(layer.prices))) ds.push_back(std::move(n));
    std::set<std::string> seen;  // a model given twice in a layer is check_duplicate_models()'s error
    for (auto& m : layer.models) {
      if (!seen.insert(m.key).second) continue;
      auto it =
          std::find_if(merged.models.begin(), merged.models.end(), [&](const ModelArch& x) { return x.key == m.key; });
      if (it != merged.models.end()) {
        ds.push_back(Diagnostic{Severity::note, m.defined_at,
                                fmt::format("model '{}' replaces the one defined at {}:{}", m.key, it->defined_at.file,
                                            it->defined_at.line)});
        *it = std::move(m);
      } else {
        merged.models.push_back(std::move(m));
      }
    }
    sort_by_key(merged.models);
  }
  // A --prices file is one more layer, after every directory.
  for (const auto& f : price_files) {
    const size_t before = ds.size();
    PriceBook book = load_price_file(f, ds, &refused);
    // An empty --prices file (or one whose sections are misnamed and so
    // reported) added nothing without a word: `--prices e.yaml` listed the
    // shipped book as if it had been read (usertrial3).
    if (ds.size() == before && book.offers.empty() && book.purchases.empty() && book.provider_classes.empty()) {
      ds.push_back(Diagnostic{Severity::warning,
                              {f, 1, 1, ""},
                              "adds no offers, purchase prices or providers: it is empty, or its lists are"});
    }
    sort_price_book(book);
    for (auto& d : check_unique_prices(book)) ds.push_back(std::move(d));
    for (auto& n : merge_price_book(merged.prices, std::move(book))) ds.push_back(std::move(n));
  }
  for (auto& d : validate_catalog(merged.catalog)) ds.push_back(std::move(d));
  classify_offers(merged.prices);
  for (auto& d : validate_price_book(merged.prices, merged.catalog.accelerator_keys())) ds.push_back(std::move(d));
  check_refused_mentions(refused, merged.catalog.accelerator_keys(), ds);
  if (apply_calibration) {
    for (auto& d : apply_calibrations(merged.catalog, merged.calibrations)) ds.push_back(std::move(d));
  }
  if (has_errors(ds)) throw InputError(std::move(ds));
  if (notes) *notes = std::move(ds);
  return merged;
}

std::string shipped_data_dir() {
  if (const char* env = std::getenv("XPUPLAN_DATA"); env && *env) return env;
  return XPUPLAN_DATA_DIR;
}

}  // namespace xpu
