// Reading YAML data files with diagnostics that say where and what.
//
// MapReader wraps one YAML mapping. Each getter names the key it reads, so at
// finish() every key the file has but nobody asked for is reported as unknown,
// with the closest known key suggested. Duplicate keys, wrong types, bare
// numbers where a unit is required, and missing fields are all collected in
// one pass; nothing throws.
#pragma once

#include <yaml-cpp/yaml.h>

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/unit_text.h"

namespace xpu {

// Parses a YAML file; a syntax error becomes a diagnostic and nullopt.
std::optional<YAML::Node> load_yaml_file(const std::string& path, Diagnostics& ds);
std::optional<YAML::Node> parse_yaml_text(const std::string& text, const std::string& name, Diagnostics& ds);

// 1-based location of a node in `file`.
SourceLocation location_of(const std::string& file, const YAML::Node& node);

enum class Need : unsigned char { required, optional };
enum class Sign : unsigned char { positive, non_negative, any };

// A field's own bound, said as one message for every number past it (a
// capacity past an int said "at most 2147483647" and one past 2^24 "at most
// 16777216 chips": two bounds, one after the other; usertrial5 left). The
// default is an int's, with the general wording.
struct WholeLimit {
  long long most = std::numeric_limits<int>::max();
  std::string_view why;  // "the most xpuplan sizes"; empty: an int's bound
};

class MapReader {
 public:
  // `what` names the mapping in messages ("accelerator 'h100-sxm'").
  MapReader(const YAML::Node& node, std::string file, Diagnostics& ds, std::string what);

  bool ok() const { return is_map_; }
  bool has(std::string_view key) const;
  // Every key the mapping has, in file order (for mappings keyed by names).
  std::vector<std::string> keys() const;
  const std::string& file() const { return file_; }
  const std::string& what() const { return what_; }
  void set_what(std::string what) { what_ = std::move(what); }
  Diagnostics& diagnostics() { return *ds_; }
  SourceLocation where() const;                      // the mapping itself
  SourceLocation where(std::string_view key) const;  // the key's value (or the mapping if absent)

  // Declares keys that are valid but read some other way (so finish() accepts them).
  void allow(std::initializer_list<std::string_view> keys);

  std::optional<std::string> str(std::string_view key, Need need = Need::required);
  std::optional<long long> integer(std::string_view key, Need need = Need::required, Sign sign = Sign::positive,
                                   std::string_view unit = "", WholeLimit limit = {});
  std::optional<double> number(std::string_view key, Need need = Need::required, Sign sign = Sign::positive);
  std::optional<bool> boolean(std::string_view key, Need need = Need::optional);
  std::optional<std::vector<long long>> int_list(std::string_view key, Need need = Need::optional);
  std::optional<std::vector<std::string>> str_list(std::string_view key, Need need = Need::optional);
  // A quantity with its unit, "3.35 TB/s". `per_chip` receives the "$/chip/h" flag.
  std::optional<ParsedQuantity> quantity(std::string_view key, Dimension dim, Need need = Need::required,
                                         Sign sign = Sign::positive);
  template <class Q>
  std::optional<Q> get(std::string_view key, Need need = Need::required, Sign sign = Sign::positive) {
    auto q = quantity(key, DimensionOf<Q>::value, need, sign);
    if (!q) return std::nullopt;
    return Q(q->si);
  }
  // One of `choices` ("switch", "torus-2d", ...); suggests the closest on a miss.
  std::optional<std::string> choice(std::string_view key, const std::vector<std::string>& choices,
                                    Need need = Need::required);
  // The raw node of a key (marks it known); an invalid node when absent.
  YAML::Node node(std::string_view key, Need need = Need::optional);
  // A nested mapping.
  std::optional<MapReader> map(std::string_view key, Need need = Need::optional, std::string what = "");

  // Reports unknown keys. Call once after reading every key.
  void finish();

  void error(std::string_view key, const std::string& message);  // at the key's value
  void error(std::string message);                               // at the mapping

 private:
  const YAML::Node* find(std::string_view key) const;
  void missing(std::string_view key);
  std::string msg(std::string_view key, std::string_view text) const;

  YAML::Node node_;
  std::string file_;
  Diagnostics* ds_;
  std::string what_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, YAML::Node>> entries_;  // key, value (first occurrence)
  std::vector<YAML::Mark> key_marks_;
  std::set<std::string, std::less<>> known_;
};

// Why `text` (which did not read as a whole number) is not one, for an error
// after "KEY: ": digits past the integer range are out of range, a whole
// number in exponent form ("1e3") is to be written in digits, anything else
// "must be a whole number[ of UNIT]". `months: 99999999999999999999` and
// `capacity: 1e3` were both "must be a whole number" (usertrial5).
std::string whole_number_problem(std::string_view text, std::string_view unit = "", WholeLimit limit = {});

// Names that must be unique within a list (sites, workloads, pools, runs,
// services): a second one is an error at its name that gives the first one's
// line. An entry that is an alias (`- *w`) shares its anchor's fields, so
// the error is at the alias, not at the anchor's name (usertrial5: both
// pointed into the anchor and neither at the repeat).
class UniqueNames {
 public:
  void add(MapReader& r, std::string_view key, const std::string& name);

 private:
  std::map<std::string, int, std::less<>> first_line_;
};

}  // namespace xpu
