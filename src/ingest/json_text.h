// One reader for JSON input files (a Hugging Face config.json, a saved plan):
// a syntax error is reported at its file:line:col, a number past a double's
// range and a key given twice in one object (nlohmann keeps the last one
// silently) at their JSON pointer. Nothing is thrown.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "base/diagnostics.h"

namespace xpu {

// The document in `text` (read from `name`), or nullopt with the errors in `ds`.
std::optional<nlohmann::json> parse_json_text(const std::string& text, const std::string& name, Diagnostics& ds);

}  // namespace xpu
