// One reader for JSON input files (a Hugging Face config.json, a saved plan):
// a syntax error is reported at its file:line:col, a number past a double's
// range and a key given twice in one object (nlohmann keeps the last one
// silently) at their JSON pointer. Nothing is thrown.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostics.h"

namespace xpu {

// The document in `text` (read from `name`), or nullopt with the errors in `ds`.
std::optional<nlohmann::json> parse_json_text(const std::string& text, const std::string& name, Diagnostics& ds);

// The keys a reader asked one JSON object for, and those it did not find, so
// that a key it never asked for can be matched against a missing one.
struct JsonKeyUse {
  std::set<std::string, std::less<>> asked;
  std::vector<std::pair<std::string, bool>> absent;  // key, required

  // Records that `key` of `object` was asked for; true when it is there.
  bool ask(const nlohmann::json& object, const std::string& key, bool required);
};

// A key of `object` (at JSON pointer `prefix` in `file`) that the reader
// never asked for and that is a near miss of one it asked for and did not
// find is most likely a typo. For a required key, the errors already reported
// at its pointer get "(the file has 'x' at /p: a typo?)"; for an optional
// one, a warning says its default stood in. Keys far from every asked one
// (the many fields a reader has no use for) stay quiet.
void report_near_miss_keys(const nlohmann::json& object, const JsonKeyUse& use, const std::string& file,
                           const std::string& prefix, Diagnostics& ds);

}  // namespace xpu
